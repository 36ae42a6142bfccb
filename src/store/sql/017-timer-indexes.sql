-- Version 17: indexes that make each run of the deadline timer cost what
-- it changes, whatever the size of the store (daemon/timers.c).
-- - cases_waiting: the open cases that wait for an answer (never
--   answered, or not since they were reopened) and are not marked
--   overdue yet, by deadline: the timer reads the few whose deadline
--   passed, not the tens of thousands of open cases past their deadline
--   that were answered.  Its terms are those of timer_rows.c's
--   statements, word for word: SQLite uses a partial index only for a
--   statement that says what its WHERE says (and not even then for a
--   term OR an AND: "reopened > coalesce(answered, 0)" is the same as
--   "reopened IS NOT NULL AND coalesce(answered, 0) < reopened").
-- - cases_overdue_open: the open cases marked overdue, by category: the
--   count for /metrics and the overdue queues of papictl status read
--   this index alone, not a case row each (it holds the columns of its
--   terms: SQLite 3.40 reads the row for a column that only the WHERE
--   of a partial index names).
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE INDEX cases_waiting ON cases (deadline)
  WHERE overdue IS NULL AND state IN ('received', 'assigned',
  'in_progress', 'reopened') AND (first_answered IS NULL OR
  reopened > coalesce(answered, 0));
CREATE INDEX cases_overdue_open ON cases (category, state, overdue)
  WHERE overdue IS NOT NULL AND state NOT IN ('resolved', 'confirmed');
PRAGMA user_version = 17;
