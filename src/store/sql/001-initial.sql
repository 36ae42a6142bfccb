-- Version 1: the initial schema.  Times are Unix seconds.  The counters
-- table hands out case reference numbers, so that a number is never given
-- twice even after old cases are purged.  The audit table has no foreign
-- key on purpose: the audit log outlives the cases it mentions.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
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
  state TEXT NOT NULL
    CHECK (state IN ('received', 'assigned', 'in_progress',
      'resolved', 'confirmed', 'reopened')),
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
CREATE UNIQUE INDEX inbound_provider_id
  ON inbound (channel, provider_msg_id)
  WHERE provider_msg_id IS NOT NULL;
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
  state TEXT NOT NULL CHECK (state IN
    ('queued', 'sending', 'sent', 'delivered', 'failed')),
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
CREATE INDEX outbound_provider_id
  ON outbound (channel, provider_msg_id)
  WHERE provider_msg_id IS NOT NULL;
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
