-- Version 14: subscriptions and announcements (store/announce_rows.c).
-- - subscriptions: what a resident asked to be sent news about, by SMS
--   or USSD: a topic or an area of the ward (kind 'topic' or 'area',
--   value the configured id), and the channel it came on.  Personal data:
--   a dropped subscription is deleted, an opt-out deletes them all.
-- - announcements: what the ward drafts (papictl announce), its topic,
--   areas ("" for the whole ward, else ids joined by ","), texts and
--   longer body, who drafted and who approved it, and its life: draft,
--   approved, sending (its recipients being queued), sent (every
--   recipient queued), cancelled.
-- - announce_recipients: the numbers an approved announcement goes to,
--   chosen once at the start of sending, each pending until its outbox
--   row is written (outbox_id; NULL when the number had opted out or
--   could not be sent to by then), or cancelled.  The number is erased
--   (NULL) with the messages' numbers (privacy.retention_days).
-- - cases.announcement: the announcement a case comments on.
-- - outbox.priority: 0 for what answers a resident, 1 for bulk sends;
--   the worker claims the lower first, so that an announcement to
--   thousands never keeps a case reply waiting.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('topic', 'area')),
  value TEXT NOT NULL,
  channel TEXT NOT NULL,
  created INTEGER NOT NULL,
  UNIQUE (number, kind, value)
);
CREATE TABLE announcements (
  id INTEGER PRIMARY KEY,
  topic TEXT NOT NULL,
  areas TEXT NOT NULL DEFAULT '',
  text_vi TEXT NOT NULL,
  text_en TEXT,
  body TEXT,
  state TEXT NOT NULL CHECK (state IN
    ('draft', 'approved', 'sending', 'sent', 'cancelled')),
  drafter TEXT NOT NULL,
  approver TEXT,
  created INTEGER NOT NULL,
  approved INTEGER,
  started INTEGER,
  finished INTEGER,
  cancelled INTEGER,
  recipients INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX announcements_started ON announcements (started)
  WHERE started IS NOT NULL;
CREATE TABLE announce_recipients (
  id INTEGER PRIMARY KEY,
  announcement INTEGER NOT NULL REFERENCES announcements (id),
  number TEXT,
  channel TEXT NOT NULL,
  lang INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('pending', 'queued', 'cancelled')),
  outbox_id INTEGER,
  UNIQUE (announcement, number)
);
CREATE INDEX announce_recipients_state
  ON announce_recipients (announcement, state);
CREATE INDEX announce_recipients_number ON announce_recipients (number);
ALTER TABLE cases ADD COLUMN announcement INTEGER
  REFERENCES announcements (id);
CREATE INDEX cases_announcement ON cases (announcement)
  WHERE announcement IS NOT NULL;
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_channel_priority
  ON outbox (channel, state, priority, next_attempt);
PRAGMA user_version = 14;
