-- Version 8: what decided each message, and the officers' corrections.
-- - inbound.decision: the classifier's decision on the message, a JSON
--   object (by, kind, score, lang; class, p, p_corruption, p_spam when
--   the model decided; corruption_sign), NULL for
--   messages stored before this version and for special words.
-- - corrections: a case moved to another category by an officer
--   (papictl recategorise), with the text of its first message: labelled
--   examples for papictl router train.  Kept when the case's number is
--   erased (they hold no number).
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE inbound ADD COLUMN decision TEXT;
CREATE TABLE corrections (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  text TEXT NOT NULL,
  old_category TEXT NOT NULL,
  old_subcategory TEXT,
  category TEXT NOT NULL,
  subcategory TEXT,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX corrections_created ON corrections (created);
PRAGMA user_version = 8;
