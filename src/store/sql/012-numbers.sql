-- Version 12: one phone, one resident.  Numbers are now stored in E.164
-- (ward.country_code); those stored before in other forms ("0901...",
-- "84901...") are rewritten by papigwd at its first start
-- (store_sender_renumber()), which merges the pseudonyms one phone was
-- split into:
-- - pseudonyms.merged_into: the pseudonym a merged one now is; its name
--   ("R-7") still leads to the resident's cases.
-- - counters 'numbers_e164': the country code the stored numbers were
--   last rewritten for; absent until the first rewrite.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE pseudonyms ADD COLUMN merged_into INTEGER
  REFERENCES pseudonyms (id);
PRAGMA user_version = 12;
