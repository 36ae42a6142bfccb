-- Version 30: fewer bytes an outbox row.
-- - An acknowledgement's text is stored as what it is made of: its
--   template, the text with a placeholder (outbox_texts.ph, the prefix
--   and zeros of a case's reference) where the reference goes, once in
--   outbox_texts for all the rows that share it, and in outbox.text the
--   reference alone, with outbox.tpl naming the template.  The text is
--   the template with the reference in place of every placeholder
--   (STORE_OUTBOX_TEXT() in src/store/store_priv.h puts it together
--   again for every statement that reads it): about 130 bytes a message
--   less on disk.  A row with no tpl (every other reply, and the rows
--   from before) holds its whole text as before.  outbox_texts gains
--   rows as templates do (a category, a language and a deadline's date
--   a row), and loses none.  tpl has no REFERENCES clause, so that a
--   store can drop the column; nothing deletes from outbox_texts.
-- - outbox_state (state, channel) holds the rows in flight, the failed
--   and the delivered only: not the queued ones, which outbox_queue
--   (schema 18) holds already, nor the sent (schema 24).  The depth of
--   the queue is counted in outbox_queue (outbox_rows.c, query.c): one
--   index entry a reply waiting to go out less (about 24 bytes a
--   message), and one insert and one delete fewer for each reply sent.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE TABLE outbox_texts (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  ph TEXT NOT NULL,
  UNIQUE (text, ph)
);
ALTER TABLE outbox ADD COLUMN tpl INTEGER;
DROP INDEX outbox_state;
CREATE INDEX outbox_state ON outbox (state, channel)
  WHERE state <> 'sent' AND state <> 'queued';
PRAGMA user_version = 30;
