-- Version 19: fewer rows and statements for every message.
-- - The audit chain's head (audit_head) is no longer kept by a trigger,
--   which ran an UPDATE for every entry: the store's writer sets it once
--   per committed batch (engine.c), from the end of the chain it keeps.
--   An entry appended from now on stores in prev_hash the first 8 hex
--   digits of the hash it follows, not all 64: the full hash is the
--   entry before's, and its MAC covers it (audit_chain.c).
-- - Full-text indexing of inbound messages leaves ingest: the trigger
--   that added every message to inbound_fts in the transaction that
--   stored it (and, on a big index, merged its segments there) is gone.
--   The daemon's timer thread indexes new messages in batches, and a
--   search indexes what is left first (store_fts_index()); the counter
--   'fts_inbound' says up to which message inbound_fts is complete.
-- - A new case's first event ("received", from nobody) is not stored:
--   the case's creation time says it, and papictl show puts it back.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
DROP TRIGGER audit_head;
DROP TRIGGER inbound_fts_add;
INSERT INTO counters (name, value)
  SELECT 'fts_inbound', coalesce(max(id), 0) FROM inbound;
PRAGMA user_version = 19;
