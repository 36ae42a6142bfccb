-- Version 29: the ward of an outbox row of no case.  A row of a case is
-- its case's ward's (cases.ward) and leaves ward NULL; a row of no case
-- (an announcement, the answer to a message that opened none) carries
-- the ward of the gateway that queued it (NULL: a gateway of no ward),
-- so that a ward's report, status and dashboard count the SMS of that
-- ward alone in a store of several wards.  The rows of no case queued
-- before this version have none: they are counted for the city only.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE outbox ADD COLUMN ward TEXT;
PRAGMA user_version = 29;
