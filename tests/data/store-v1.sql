-- store-v1.sql: a papigw database as schema version 1 left it, with rows.
--
-- The schema below is src/store/sql/001-initial.sql, frozen: it is what
-- databases in the field look like, so it must not follow later edits.
-- test_store.c loads it into a fresh file and checks that store_open()
-- migrates it to the latest version with every row intact.
BEGIN;
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('case_ref', 0);
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  ref_number INTEGER NOT NULL UNIQUE,
  category TEXT NOT NULL,
  categories2 TEXT,
  subcategory TEXT,
  state TEXT NOT NULL CHECK (state IN ('received', 'assigned', 'in_progress', 'resolved', 'confirmed', 'reopened')),
  sender TEXT NOT NULL,
  channel TEXT NOT NULL,
  deadline INTEGER NOT NULL,
  assignee TEXT,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE INDEX cases_sender ON cases (sender, state);
CREATE TABLE inbound (
  id INTEGER PRIMARY KEY,
  case_id INTEGER REFERENCES cases (id),
  channel TEXT NOT NULL,
  provider_msg_id TEXT,
  sender TEXT NOT NULL,
  recipient TEXT,
  text TEXT NOT NULL,
  raw BLOB,
  encoding TEXT,
  received INTEGER NOT NULL,
  provider_time INTEGER,
  created INTEGER NOT NULL
);
CREATE UNIQUE INDEX inbound_provider_id  ON inbound (channel, provider_msg_id)  WHERE provider_msg_id IS NOT NULL;
CREATE INDEX inbound_case ON inbound (case_id);
CREATE INDEX inbound_sender ON inbound (sender, received);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  case_id INTEGER REFERENCES cases (id),
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  text TEXT NOT NULL,
  encoding TEXT NOT NULL,
  segments INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN    ('queued', 'sending', 'sent', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  last_error TEXT,
  provider_msg_id TEXT,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE INDEX outbox_case ON outbox (case_id);
CREATE TABLE outbound (
  id INTEGER PRIMARY KEY,
  case_id INTEGER REFERENCES cases (id),
  outbox_id INTEGER REFERENCES outbox (id),
  channel TEXT NOT NULL,
  provider_msg_id TEXT,
  sender TEXT,
  recipient TEXT NOT NULL,
  text TEXT NOT NULL,
  raw BLOB,
  encoding TEXT,
  sent INTEGER,
  provider_time INTEGER,
  created INTEGER NOT NULL
);
CREATE INDEX outbound_provider_id  ON outbound (channel, provider_msg_id)  WHERE provider_msg_id IS NOT NULL;
CREATE INDEX outbound_case ON outbound (case_id);
CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, at);
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  at INTEGER NOT NULL,
  author TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX notes_case ON notes (case_id, at);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  case_id INTEGER,
  detail TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
PRAGMA user_version = 1;

-- Two cases: PA-1 closed after an assignment, PA-2 still received.
UPDATE counters SET value = 2 WHERE name = 'case_ref';
INSERT INTO cases (id, ref_number, category, categories2, subcategory,
  state, sender, channel, deadline, assignee, created, updated)
VALUES
  (1, 1, 'infrastructure', 'environment', 'lighting', 'resolved',
   '+84912345678', 'modem0', 1700600000, 'lan', 1700000000, 1700000900),
  (2, 2, 'triage', NULL, NULL, 'received',
   '+84987654321', 'twilio', 1700700000, NULL, 1700100000, 1700100000);
INSERT INTO case_events (id, case_id, at, actor, from_state, to_state,
  detail)
VALUES
  (1, 1, 1700000100, 'papigwd', NULL, 'received', NULL),
  (2, 1, 1700000200, 'lan', 'received', 'assigned', 'claimed'),
  (3, 1, 1700000500, 'lan', 'assigned', 'resolved', 'lamp repaired');
-- The second message was not valid UTF-8: raw keeps its bytes.
INSERT INTO inbound (id, case_id, channel, provider_msg_id, sender,
  recipient, text, raw, encoding, received, provider_time, created)
VALUES
  (1, 1, 'modem0', NULL, '+84912345678', '+84900000001',
   'Đèn đường ngõ 5 bị hỏng', NULL, 'ucs2', 1700000000, 1699999990,
   1700000000),
  (2, 2, 'twilio', 'SM0001', '+84987654321', '+84900000002',
   'xin ch' || char(65533) || 'o', X'78696E206368C06F', '8bit',
   1700100000, NULL, 1700100000);
INSERT INTO outbox (id, case_id, channel, recipient, text, encoding,
  segments, state, attempts, next_attempt, last_error, provider_msg_id,
  created, updated)
VALUES
  (1, 1, 'modem0', '+84912345678', 'PA-000001: đã tiếp nhận', 'ucs2', 1,
   'sent', 1, 1700000010, NULL, NULL, 1700000001, 1700000010),
  (2, 2, 'twilio', '+84987654321', 'PA-000002: received', 'gsm7', 1,
   'queued', 2, 1700100300, 'HTTP 503', NULL, 1700100001, 1700100200);
INSERT INTO outbound (id, case_id, outbox_id, channel, provider_msg_id,
  sender, recipient, text, raw, encoding, sent, provider_time, created)
VALUES
  (1, 1, 1, 'modem0', NULL, '+84900000001', '+84912345678',
   'PA-000001: đã tiếp nhận', NULL, 'ucs2', 1700000010, NULL, 1700000010);
INSERT INTO notes (id, case_id, at, author, text)
VALUES (1, 1, 1700000400, 'lan', 'Called the electricity team.');
INSERT INTO audit (id, at, actor, action, case_id, detail, prev_hash, hash)
VALUES (1, 1700000500, 'lan', 'close', 1, 'lamp repaired',
  '0000000000000000000000000000000000000000000000000000000000000000',
  'f21b557a972f05c625f6888dcc6af977af932ba86e5404014be67f13139c8086');
PRAGMA user_version = 1;
COMMIT;
