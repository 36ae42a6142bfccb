-- Version 21: one index of the cases by category, not two: cases_category
-- (category) held what cases_category_state (category, state) begins
-- with, and SQLite finds the cases of a category by the latter as well;
-- each new case wrote an entry more, in a page more, for nothing.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
DROP INDEX cases_category;
PRAGMA user_version = 21;
