-- Version 6: officers' case work, deadlines, privacy and reports
-- (store/case.c, store/query.c, daemon/cmd_case.c).
-- - pseudonyms: one per sender number; each case points at its
--   resident's, set by a trigger whatever creates the case.  Retention
--   erases the number from the cases, their messages and the outbox, and
--   from the pseudonym (sender NULL) once none of its cases keeps it; the
--   pseudonym, the texts and the figures stay ("erased" says when).
-- - cases: first_answered (set by a trigger the first time "answered" is,
--   for reports), overdue (when the timer marked it; cleared by an
--   answer, closing or reopening), reopened, and the satisfaction
--   question after resolution: when it was asked, the answer (1 to 5) and
--   when it came.
-- - audit_head: the newest audit entry's id and hash and the number of
--   entries, kept by a trigger on insert, so that removing the newest
--   entries of the hash chain is seen.
-- - indexes for papictl list, newest first without sorting (within a
--   category, a category and state, a state, an assignee, the overdue
--   cases), for reports (creation time), for a resident's cases, and for
--   retention (closed cases whose number is still there).
-- Roles are configuration, not schema; unmasking is audited in "audit".
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE TABLE pseudonyms (
  id INTEGER PRIMARY KEY,
  sender TEXT UNIQUE,
  created INTEGER NOT NULL
);
ALTER TABLE cases ADD COLUMN resident INTEGER
  REFERENCES pseudonyms (id);
ALTER TABLE cases ADD COLUMN first_answered INTEGER;
ALTER TABLE cases ADD COLUMN overdue INTEGER;
ALTER TABLE cases ADD COLUMN reopened INTEGER;
ALTER TABLE cases ADD COLUMN satisfaction_asked INTEGER;
ALTER TABLE cases ADD COLUMN satisfaction INTEGER
  CHECK (satisfaction BETWEEN 1 AND 5);
ALTER TABLE cases ADD COLUMN satisfaction_at INTEGER;
ALTER TABLE cases ADD COLUMN erased INTEGER;
INSERT INTO pseudonyms (sender, created)
  SELECT sender, min(created) FROM cases WHERE sender <> ''
  GROUP BY sender ORDER BY min(created), sender;
UPDATE cases SET first_answered = answered, resident =
  (SELECT p.id FROM pseudonyms p WHERE p.sender = cases.sender);
CREATE TRIGGER cases_resident AFTER INSERT ON cases
  WHEN NEW.resident IS NULL AND NEW.sender <> '' BEGIN
  INSERT INTO pseudonyms (sender, created)
    VALUES (NEW.sender, NEW.created)
    ON CONFLICT (sender) DO NOTHING;
  UPDATE cases SET resident =
    (SELECT id FROM pseudonyms WHERE sender = NEW.sender)
    WHERE id = NEW.id;
END;
CREATE TRIGGER cases_first_answer AFTER UPDATE OF answered ON cases
  WHEN NEW.answered IS NOT NULL AND NEW.first_answered IS NULL BEGIN
  UPDATE cases SET first_answered = NEW.answered WHERE id = NEW.id;
END;
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, entries, hash)
  SELECT 1, coalesce(max(id), 0), count(*), coalesce(
    (SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '') FROM audit;
CREATE TRIGGER audit_head AFTER INSERT ON audit BEGIN
  UPDATE audit_head SET last_id = NEW.id, entries = entries + 1,
    hash = NEW.hash WHERE id = 1;
END;
CREATE INDEX cases_category ON cases (category);
CREATE INDEX cases_category_state ON cases (category, state);
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_assignee ON cases (assignee)
  WHERE assignee IS NOT NULL;
CREATE INDEX cases_overdue ON cases (overdue)
  WHERE overdue IS NOT NULL;
CREATE INDEX cases_created ON cases (created);
CREATE INDEX cases_resident ON cases (resident);
CREATE INDEX cases_retention ON cases (closed)
  WHERE erased IS NULL AND closed IS NOT NULL;
PRAGMA user_version = 6;
