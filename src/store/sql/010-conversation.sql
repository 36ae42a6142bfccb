-- Version 10: the conversation with residents.
-- - cases.lang: the language of the case ('vi' or 'en'): its
--   acknowledgement, the satisfaction question and the frame of the
--   officers' answers are in it.  NULL for the cases of before: the
--   configured language.
-- - cases.merged_into: a case an officer joined into another (papictl
--   merge); its reference still works and leads there.
-- - senders.lang: the language the resident writes in (the last message
--   that said, or the one they chose with a language word).
-- - senders.help_at: when the help text last went to the number without
--   being asked for (a greeting, an empty message): once a day at most.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE cases ADD COLUMN lang TEXT;
ALTER TABLE cases ADD COLUMN merged_into INTEGER REFERENCES cases (id);
ALTER TABLE senders ADD COLUMN lang TEXT;
ALTER TABLE senders ADD COLUMN help_at INTEGER;
PRAGMA user_version = 10;
