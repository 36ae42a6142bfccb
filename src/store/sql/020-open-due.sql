-- Version 20: the open cases by deadline, for the dashboard's cases
-- falling due (store/figures.c), in a partial index that holds the open
-- cases only, by deadline alone: cases_due (state, deadline) held every
-- case, closed ones too, with its state, and nothing else reads it.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
DROP INDEX cases_due;
CREATE INDEX cases_open_due ON cases (deadline)
  WHERE state IN ('received', 'assigned', 'in_progress', 'reopened');
PRAGMA user_version = 20;
