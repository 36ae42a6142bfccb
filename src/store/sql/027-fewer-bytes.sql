-- Version 27: fewer bytes a message.
-- - The audit chain's hashes as bytes.  An entry appended from now on
--   stores its hash (SHA-256 or HMAC-SHA256) as its 32 bytes, not as 64
--   hex digits, and the link to the entry before (the first 8 hex digits
--   of that entry's hash, schema 19) as 4 bytes: 36 bytes a message less
--   on disk.  The columns keep their declared type (SQLite stores a blob
--   in a TEXT column as it is): the entries from before keep their hex
--   digits, and the store reads either back as hex
--   (src/store/audit_chain.c), so that the chain, its MACs, papictl audit
--   --verify and the checkpoints go on over both alike.  The version says
--   that entries may be blobs, which a papigw older than this does not
--   read.
-- - inbound_fts without the size of each message in tokens
--   (columnsize = 0: no inbound_fts_docsize row a message, 9 bytes), which
--   only ranking by relevance (bm25) reads, and papigw's searches do not
--   rank.  FTS5 takes no such change in place: the table is made again
--   and the messages it held (up to the counter 'fts_inbound') indexed
--   again here, from their text, which never changes; the timer thread
--   goes on from there as before.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
DROP TABLE inbound_fts;
CREATE VIRTUAL TABLE inbound_fts USING fts5(text, content = '',
  columnsize = 0, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO inbound_fts (rowid, text)
  SELECT id, replace(replace(replace(replace(text, 'đ', 'd'),
    'Đ', 'D'), 'ð', 'd'), 'Ð', 'D') FROM inbound
  WHERE id <= (SELECT value FROM counters WHERE name = 'fts_inbound');
PRAGMA user_version = 27;
