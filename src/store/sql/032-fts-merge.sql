-- Version 32: inbound_fts no longer merges its segments by itself
-- (automerge = 0).  FTS5's own merging ran in whichever write crossed its
-- threshold, a merge of many pages at once on the writer: 12-30 ms that
-- ingest waited for, however small the chunk of messages indexed.  The
-- timer's chunk now merges a few pages after each chunk it indexes
-- (store_fts_index(): 'merge' with a small positive count), so that the
-- index keeps few segments and no write holds the writer long.  FTS5's
-- crisis merge (crisismerge, 16 segments on a level) still stands behind
-- it.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
INSERT INTO inbound_fts (inbound_fts, rank) VALUES ('automerge', 0);
PRAGMA user_version = 32;
