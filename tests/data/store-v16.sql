-- A store of schema 16: store-v12.sql taken through the migrations 13 to
-- 16 of before the outbox held the sent messages (when the outbound table
-- copied them), then what the code of schema 16 wrote: an announcement to
-- three subscribers, one of its messages sent (outbox and outbound), one
-- left "sending" by a crash, one queued at bulk priority; an officer's
-- answer left "sending" too, information queued at priority 0, a booking
-- at the citizen reception.  For test_migrate_v16 (test_store.c).
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE counters (  name TEXT PRIMARY KEY,  value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters VALUES('case_ref',3);
INSERT INTO counters VALUES('numbers_e164',84);
CREATE TABLE cases (  id INTEGER PRIMARY KEY,  ref_number INTEGER NOT NULL UNIQUE,  category TEXT NOT NULL,  categories2 TEXT,  subcategory TEXT,  state TEXT NOT NULL    CHECK (state IN ('received', 'assigned', 'in_progress',      'resolved', 'confirmed', 'reopened')),  sender TEXT NOT NULL,  channel TEXT NOT NULL,  deadline INTEGER NOT NULL,  assignee TEXT,  created INTEGER NOT NULL,  updated INTEGER NOT NULL, closed INTEGER, answered INTEGER, resident INTEGER  REFERENCES pseudonyms (id), first_answered INTEGER, overdue INTEGER, reopened INTEGER, satisfaction_asked INTEGER, satisfaction INTEGER  CHECK (satisfaction BETWEEN 1 AND 5), satisfaction_at INTEGER, erased INTEGER, lang TEXT, merged_into INTEGER REFERENCES cases (id), source TEXT NOT NULL DEFAULT 'sms'
  CHECK (source IN ('sms', 'ussd', 'box', 'reception', 'meeting',
  'announcement')), announcement INTEGER
  REFERENCES announcements (id));
INSERT INTO cases VALUES(1,1,'infrastructure',NULL,'basic_infrastructure','in_progress','+84901000001','gen',1797033599,NULL,1796422457,1796422487,NULL,1796422487,1,1796422487,NULL,NULL,NULL,NULL,NULL,NULL,'vi',NULL,'sms',NULL);
INSERT INTO cases VALUES(2,2,'infrastructure',NULL,'basic_infrastructure','received','+84901000002','gen',1797033599,NULL,1796422457,1796422457,NULL,NULL,2,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'vi',NULL,'sms',NULL);
INSERT INTO cases VALUES(3,3,'infrastructure',NULL,'basic_infrastructure','received','+84901000003','gen',1797033599,NULL,1796422457,1796422457,NULL,NULL,3,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'vi',NULL,'sms',NULL);
CREATE TABLE inbound (  id INTEGER PRIMARY KEY,  case_id INTEGER REFERENCES cases (id),  channel TEXT NOT NULL,  provider_msg_id TEXT,  sender TEXT NOT NULL,  recipient TEXT,  text TEXT NOT NULL,  raw BLOB,  encoding TEXT,  received INTEGER NOT NULL,  provider_time INTEGER,  created INTEGER NOT NULL, kind TEXT, decision TEXT);
INSERT INTO inbound VALUES(1,1,'gen','m1','+84901000001','8089','Cong thoat nuoc hem 1 bi tac',NULL,NULL,1796422457,NULL,1796422457,'feedback','{"by":"router","kind":"feedback","score":1.0,"lang":null}');
INSERT INTO inbound VALUES(2,2,'gen','m2','+84901000002','8089','Cong thoat nuoc hem 2 bi tac',NULL,NULL,1796422457,NULL,1796422457,'feedback','{"by":"router","kind":"feedback","score":1.0,"lang":null}');
INSERT INTO inbound VALUES(3,3,'gen','m3','+84901000003','8089','Cong thoat nuoc hem 3 bi tac',NULL,NULL,1796422457,NULL,1796422457,'feedback','{"by":"router","kind":"feedback","score":1.0,"lang":null}');
CREATE TABLE outbox (  id INTEGER PRIMARY KEY,  case_id INTEGER REFERENCES cases (id),  channel TEXT NOT NULL,  recipient TEXT NOT NULL,  text TEXT NOT NULL,  encoding TEXT NOT NULL,  segments INTEGER NOT NULL,  state TEXT NOT NULL CHECK (state IN    ('queued', 'sending', 'sent', 'delivered', 'failed')),  attempts INTEGER NOT NULL DEFAULT 0,  next_attempt INTEGER NOT NULL,  last_error TEXT,  provider_msg_id TEXT,  created INTEGER NOT NULL,  updated INTEGER NOT NULL, dead INTEGER NOT NULL DEFAULT 0, kind TEXT NOT NULL DEFAULT 'answer', priority INTEGER NOT NULL DEFAULT 0);
INSERT INTO outbox VALUES(1,1,'gen','+84901000001','UBND Phuong 7, Quan 10 da nhan phan anh PA-000001 (ha tang). Tra loi truoc 11/12/2026. Xin nhan them so nha, hem. CT PA-000001: chi tiet.','gsm7',1,'sent',1,1796422457,NULL,'1',1796422457,1796422457,0,'ack',0);
INSERT INTO outbox VALUES(2,2,'gen','+84901000002','UBND Phuong 7, Quan 10 da nhan phan anh PA-000002 (ha tang). Tra loi truoc 11/12/2026. Xin nhan them so nha, hem. CT PA-000002: chi tiet.','gsm7',1,'sent',1,1796422457,NULL,'2',1796422457,1796422457,0,'ack',0);
INSERT INTO outbox VALUES(3,3,'gen','+84901000003','UBND Phuong 7, Quan 10 da nhan phan anh PA-000003 (ha tang). Tra loi truoc 11/12/2026. Xin nhan them so nha, hem. CT PA-000003: chi tiet.','gsm7',1,'sent',1,1796422457,NULL,'3',1796422457,1796422457,0,'ack',0);
INSERT INTO outbox VALUES(4,1,'gen','+84901000001','Đã báo công ty thoát nước','ucs2',1,'sent',1,1796422487,NULL,'4',1796422487,1796422487,0,'answer',0);
INSERT INTO outbox VALUES(5,NULL,'gen','+84901000001','Cat nuoc ngay 10/12 tu 8h den 17h','gsm7',1,'sent',1,1796422620,NULL,'5',1796422620,1796422630,0,'announcement',1);
INSERT INTO outbox VALUES(6,NULL,'gen','+84901000002','Cat nuoc ngay 10/12 tu 8h den 17h','gsm7',1,'sending',1,1796422620,NULL,NULL,1796422620,1796422631,0,'announcement',1);
INSERT INTO outbox VALUES(7,NULL,'gen','+84901000003','Cat nuoc ngay 10/12 tu 8h den 17h','gsm7',1,'queued',0,1796422620,NULL,NULL,1796422620,1796422620,0,'announcement',1);
INSERT INTO outbox VALUES(8,2,'gen','+84901000002','Da chuyen phong TN-MT','gsm7',1,'sending',1,1796422640,NULL,NULL,1796422640,1796422641,0,'answer',0);
INSERT INTO outbox VALUES(9,NULL,'gen','+84909999999','papigw: 1 ho so tre han: PA-000003','gsm7',1,'queued',0,1796422600,NULL,NULL,1796422600,1796422600,0,'info',0);
CREATE TABLE outbound (  id INTEGER PRIMARY KEY,  case_id INTEGER REFERENCES cases (id),  outbox_id INTEGER REFERENCES outbox (id),  channel TEXT NOT NULL,  provider_msg_id TEXT,  sender TEXT,  recipient TEXT NOT NULL,  text TEXT NOT NULL,  raw BLOB,  encoding TEXT,  sent INTEGER,  provider_time INTEGER,  created INTEGER NOT NULL);
INSERT INTO outbound VALUES(1,1,1,'gen','1','8089','+84901000001','UBND Phuong 7, Quan 10 da nhan phan anh PA-000001 (ha tang). Tra loi truoc 11/12/2026. Xin nhan them so nha, hem. CT PA-000001: chi tiet.',NULL,'gsm7',1796422457,NULL,1796422457);
INSERT INTO outbound VALUES(2,2,2,'gen','2','8089','+84901000002','UBND Phuong 7, Quan 10 da nhan phan anh PA-000002 (ha tang). Tra loi truoc 11/12/2026. Xin nhan them so nha, hem. CT PA-000002: chi tiet.',NULL,'gsm7',1796422457,NULL,1796422457);
INSERT INTO outbound VALUES(3,3,3,'gen','3','8089','+84901000003','UBND Phuong 7, Quan 10 da nhan phan anh PA-000003 (ha tang). Tra loi truoc 11/12/2026. Xin nhan them so nha, hem. CT PA-000003: chi tiet.',NULL,'gsm7',1796422457,NULL,1796422457);
INSERT INTO outbound VALUES(4,1,4,'gen','4','8089','+84901000001','Đã báo công ty thoát nước',NULL,'ucs2',1796422487,NULL,1796422487);
INSERT INTO outbound VALUES(5,NULL,5,'gen','5','8089','+84901000001','Cat nuoc ngay 10/12 tu 8h den 17h',NULL,'gsm7',1796422630,NULL,1796422630);
CREATE TABLE case_events (  id INTEGER PRIMARY KEY,  case_id INTEGER NOT NULL REFERENCES cases (id),  at INTEGER NOT NULL,  actor TEXT NOT NULL,  from_state TEXT,  to_state TEXT NOT NULL,  detail TEXT);
INSERT INTO case_events VALUES(1,1,1796422457,'papigwd','received','received','received');
INSERT INTO case_events VALUES(2,2,1796422457,'papigwd','received','received','received');
INSERT INTO case_events VALUES(3,3,1796422457,'papigwd','received','received','received');
INSERT INTO case_events VALUES(4,1,1796422487,'root','received','in_progress','answered (outbox 4)');
CREATE TABLE notes (  id INTEGER PRIMARY KEY,  case_id INTEGER NOT NULL REFERENCES cases (id),  at INTEGER NOT NULL,  author TEXT NOT NULL,  text TEXT NOT NULL);
CREATE TABLE audit (  id INTEGER PRIMARY KEY,  at INTEGER NOT NULL,  actor TEXT NOT NULL,  action TEXT NOT NULL,  case_id INTEGER,  detail TEXT,  prev_hash TEXT NOT NULL,  hash TEXT NOT NULL);
INSERT INTO audit VALUES(1,1796422455,'papigwd','audit.keyed',NULL,'0 entries before this one (up to entry 0) are unkeyed SHA-256','0000000000000000000000000000000000000000000000000000000000000000','8c56c3f9a06ba8de7727043ceaf5ce72fcd2ae2a8c9f3696e2c46e839840a4e3');
INSERT INTO audit VALUES(2,1796422457,'papigwd','case.create',1,'message 1, category infrastructure, score 1.00','8c56c3f9a06ba8de7727043ceaf5ce72fcd2ae2a8c9f3696e2c46e839840a4e3','c91e5c387646d4f2bbddbd95b1b924951c7021db7016938d8c63864d84e4650e');
INSERT INTO audit VALUES(3,1796422457,'papigwd','case.create',2,'message 2, category infrastructure, score 1.00','c91e5c387646d4f2bbddbd95b1b924951c7021db7016938d8c63864d84e4650e','de4d513145d8be4b11055bc7ce80288af4c67e61c7e23b6af5a19dbe90e3c95b');
INSERT INTO audit VALUES(4,1796422457,'papigwd','case.create',3,'message 3, category infrastructure, score 1.00','de4d513145d8be4b11055bc7ce80288af4c67e61c7e23b6af5a19dbe90e3c95b','ffa5fcb72bcaa1afd0ea9ff30674166f61b953d3132124e014fea2728ad952ad');
INSERT INTO audit VALUES(5,1796422487,'root','case.reply',1,'outbox 4','ffa5fcb72bcaa1afd0ea9ff30674166f61b953d3132124e014fea2728ad952ad','1b952819f1d6d8a1d07ab58f413e5896c29084781de47970a73cf526b5ec50c6');
CREATE TABLE parts (  id INTEGER PRIMARY KEY,  channel TEXT NOT NULL,  provider_msg_id TEXT NOT NULL,  sender TEXT NOT NULL,  recipient TEXT,  ref TEXT NOT NULL,  total INTEGER NOT NULL,  seq INTEGER NOT NULL,  text BLOB NOT NULL,  provider_time INTEGER,  received INTEGER NOT NULL,  assembled INTEGER);
CREATE TABLE dlr (  id INTEGER PRIMARY KEY,  channel TEXT NOT NULL,  provider_msg_id TEXT NOT NULL,  status TEXT NOT NULL,  error TEXT,  received INTEGER NOT NULL, state TEXT);
CREATE TABLE senders (  number TEXT PRIMARY KEY,  opted_out INTEGER NOT NULL DEFAULT 0,  opted_changed INTEGER,  quarantined_at INTEGER,  quarantine_until INTEGER,  quarantine_reason TEXT,  updated INTEGER NOT NULL, lang TEXT, help_at INTEGER, blocked_by TEXT) WITHOUT ROWID;
CREATE TABLE pseudonyms (  id INTEGER PRIMARY KEY,  sender TEXT UNIQUE,  created INTEGER NOT NULL, merged_into INTEGER  REFERENCES pseudonyms (id));
INSERT INTO pseudonyms VALUES(1,'+84901000001',1796422457,NULL);
INSERT INTO pseudonyms VALUES(2,'+84901000002',1796422457,NULL);
INSERT INTO pseudonyms VALUES(3,'+84901000003',1796422457,NULL);
CREATE TABLE audit_head (  id INTEGER PRIMARY KEY CHECK (id = 1),  last_id INTEGER NOT NULL,  entries INTEGER NOT NULL,  hash TEXT NOT NULL);
INSERT INTO audit_head VALUES(1,5,5,'1b952819f1d6d8a1d07ab58f413e5896c29084781de47970a73cf526b5ec50c6');
CREATE TABLE corrections (  id INTEGER PRIMARY KEY,  case_id INTEGER NOT NULL REFERENCES cases (id),  text TEXT NOT NULL,  old_category TEXT NOT NULL,  old_subcategory TEXT,  category TEXT NOT NULL,  subcategory TEXT,  actor TEXT NOT NULL,  reason TEXT NOT NULL,  created INTEGER NOT NULL);
CREATE TABLE unreadable (  id INTEGER PRIMARY KEY,  channel TEXT NOT NULL,  location INTEGER NOT NULL,  folder INTEGER NOT NULL,  error TEXT NOT NULL,  attempts INTEGER NOT NULL,  raw BLOB,  first_seen INTEGER NOT NULL,  created INTEGER NOT NULL);
CREATE TABLE store_probe (  id INTEGER PRIMARY KEY CHECK (id = 1),  at INTEGER NOT NULL);
PRAGMA writable_schema=ON;
INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','inbound_fts','inbound_fts',0,'CREATE VIRTUAL TABLE inbound_fts USING fts5(text, content = '''',  tokenize = ''unicode61 remove_diacritics 2'')');
CREATE TABLE IF NOT EXISTS 'inbound_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
INSERT INTO inbound_fts_data VALUES(1,X'0315');
INSERT INTO inbound_fts_data VALUES(10,X'000000000103030003010101020101030101');
INSERT INTO inbound_fts_data VALUES(137438953473,X'0000003c023031010206010262690102070104636f6e67010202010368656d01020501046e756f6301020401037461630102080204686f617401020304060709080908');
INSERT INTO inbound_fts_data VALUES(274877906945,X'0000003c023032020206010262690202070104636f6e67020202010368656d02020501046e756f6302020401037461630202080204686f617402020304060709080908');
INSERT INTO inbound_fts_data VALUES(412316860417,X'0000003c023033030206010262690302070104636f6e67030202010368656d03020501046e756f6303020401037461630302080204686f617403020304060709080908');
CREATE TABLE IF NOT EXISTS 'inbound_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
INSERT INTO inbound_fts_idx VALUES(1,X'',2);
INSERT INTO inbound_fts_idx VALUES(2,X'',2);
INSERT INTO inbound_fts_idx VALUES(3,X'',2);
CREATE TABLE IF NOT EXISTS 'inbound_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
INSERT INTO inbound_fts_docsize VALUES(1,X'07');
INSERT INTO inbound_fts_docsize VALUES(2,X'07');
INSERT INTO inbound_fts_docsize VALUES(3,X'07');
CREATE TABLE IF NOT EXISTS 'inbound_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO inbound_fts_config VALUES('version',4);
CREATE TABLE case_deadlines (  case_id INTEGER NOT NULL REFERENCES cases (id),  deadline INTEGER NOT NULL,  until INTEGER NOT NULL);
CREATE TABLE report_reminders (  period TEXT PRIMARY KEY,  sent INTEGER NOT NULL) WITHOUT ROWID;
ANALYZE sqlite_schema;
INSERT INTO sqlite_stat1 VALUES('cases','cases_resident','3 1');
INSERT INTO sqlite_stat1 VALUES('cases','cases_created','3 3');
INSERT INTO sqlite_stat1 VALUES('cases','cases_state','3 2');
INSERT INTO sqlite_stat1 VALUES('cases','cases_category_state','3 3 2');
INSERT INTO sqlite_stat1 VALUES('cases','cases_category','3 3');
INSERT INTO sqlite_stat1 VALUES('cases','cases_due','3 2 2');
INSERT INTO sqlite_stat1 VALUES('cases','cases_sender','3 1 1');
INSERT INTO sqlite_stat1 VALUES('cases','sqlite_autoindex_cases_1','3 1');
INSERT INTO sqlite_stat1 VALUES('outbox','outbox_recipient','4 2 1');
INSERT INTO sqlite_stat1 VALUES('outbox','outbox_provider_id','4 4 1');
INSERT INTO sqlite_stat1 VALUES('outbox','outbox_channel_due','4 4 4 2');
INSERT INTO sqlite_stat1 VALUES('outbox','outbox_due','4 4 2');
INSERT INTO sqlite_stat1 VALUES('outbox','outbox_case','4 2');
INSERT INTO sqlite_stat1 VALUES('outbound','outbound_case','4 2');
INSERT INTO sqlite_stat1 VALUES('outbound','outbound_provider_id','4 4 1');
INSERT INTO sqlite_stat1 VALUES('case_events','case_events_case','4 2 1');
INSERT INTO sqlite_stat1 VALUES('inbound','inbound_case','3 1');
INSERT INTO sqlite_stat1 VALUES('inbound','inbound_sender','3 1 1');
INSERT INTO sqlite_stat1 VALUES('inbound','inbound_provider_id','3 3 1');
CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('topic', 'area')),
  value TEXT NOT NULL,
  channel TEXT NOT NULL,
  created INTEGER NOT NULL,
  UNIQUE (number, kind, value)
);
INSERT INTO subscriptions VALUES(1,'+84901000001','topic','water','gen',1796422500);
INSERT INTO subscriptions VALUES(2,'+84901000002','topic','water','gen',1796422500);
INSERT INTO subscriptions VALUES(3,'+84901000003','topic','water','gen',1796422500);
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
INSERT INTO announcements VALUES(1,'water','','Cat nuoc ngay 10/12 tu 8h den 17h',NULL,NULL,'sent','canbo1','root',1796422600,1796422610,1796422620,1796422621,NULL,3);
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
INSERT INTO announce_recipients VALUES(1,1,'+84901000001','gen',0,'queued',5);
INSERT INTO announce_recipients VALUES(2,1,'+84901000002','gen',0,'queued',6);
INSERT INTO announce_recipients VALUES(3,1,'+84901000003','gen',0,'queued',7);
CREATE TABLE intake (
  case_id INTEGER PRIMARY KEY REFERENCES cases (id),
  source TEXT NOT NULL,
  slip TEXT,
  area TEXT,
  received TEXT NOT NULL,
  officer TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE TABLE reception_bookings (
  id INTEGER PRIMARY KEY,
  day TEXT NOT NULL,
  slot TEXT NOT NULL,
  seq INTEGER NOT NULL,
  number TEXT,
  resident INTEGER REFERENCES pseudonyms (id),
  channel TEXT NOT NULL,
  lang TEXT,
  topic TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled')),
  created INTEGER NOT NULL,
  cancelled INTEGER,
  reminded INTEGER
);
INSERT INTO reception_bookings VALUES(1,'2026-12-10','08:00',1,'+84901000001',1,'gen','vi','nuoc ngap','booked',1796422660,NULL,NULL);
CREATE INDEX cases_sender ON cases (sender, state);
CREATE UNIQUE INDEX inbound_provider_id  ON inbound (channel, provider_msg_id)  WHERE provider_msg_id IS NOT NULL;
CREATE INDEX inbound_sender ON inbound (sender, received);
CREATE INDEX outbox_case ON outbox (case_id);
CREATE INDEX outbound_provider_id  ON outbound (channel, provider_msg_id)  WHERE provider_msg_id IS NOT NULL;
CREATE INDEX outbound_case ON outbound (case_id);
CREATE INDEX case_events_case ON case_events (case_id, at);
CREATE INDEX notes_case ON notes (case_id, at);
CREATE INDEX outbox_due ON outbox (state, next_attempt);
CREATE INDEX cases_due ON cases (state, deadline);
CREATE UNIQUE INDEX parts_provider_id  ON parts (channel, provider_msg_id);
CREATE INDEX parts_waiting ON parts (channel, sender, ref, total)  WHERE assembled IS NULL;
CREATE INDEX dlr_provider_id ON dlr (channel, provider_msg_id);
CREATE INDEX outbox_channel_due  ON outbox (channel, state, next_attempt);
CREATE INDEX outbox_provider_id ON outbox (channel, provider_msg_id)  WHERE provider_msg_id IS NOT NULL;
CREATE INDEX outbox_recipient ON outbox (recipient, created);
CREATE INDEX senders_quarantined ON senders (quarantined_at)  WHERE quarantined_at IS NOT NULL;
CREATE TRIGGER cases_resident AFTER INSERT ON cases  WHEN NEW.resident IS NULL AND NEW.sender <> '' BEGIN  INSERT INTO pseudonyms (sender, created)    VALUES (NEW.sender, NEW.created)    ON CONFLICT (sender) DO NOTHING;  UPDATE cases SET resident =    (SELECT id FROM pseudonyms WHERE sender = NEW.sender)    WHERE id = NEW.id;END;
CREATE TRIGGER cases_first_answer AFTER UPDATE OF answered ON cases  WHEN NEW.answered IS NOT NULL AND NEW.first_answered IS NULL BEGIN  UPDATE cases SET first_answered = NEW.answered WHERE id = NEW.id;END;
CREATE TRIGGER audit_head AFTER INSERT ON audit BEGIN  UPDATE audit_head SET last_id = NEW.id, entries = entries + 1,    hash = NEW.hash WHERE id = 1;END;
CREATE INDEX cases_category ON cases (category);
CREATE INDEX cases_category_state ON cases (category, state);
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_assignee ON cases (assignee)  WHERE assignee IS NOT NULL;
CREATE INDEX cases_overdue ON cases (overdue)  WHERE overdue IS NOT NULL;
CREATE INDEX cases_created ON cases (created);
CREATE INDEX cases_resident ON cases (resident);
CREATE INDEX cases_retention ON cases (closed)  WHERE erased IS NULL AND closed IS NOT NULL;
CREATE INDEX inbound_case ON inbound (case_id)  WHERE case_id IS NOT NULL;
CREATE INDEX corrections_created ON corrections (created);
CREATE INDEX unreadable_created ON unreadable (created);
CREATE TRIGGER inbound_fts_add AFTER INSERT ON inbound BEGIN  INSERT INTO inbound_fts (rowid, text) VALUES (NEW.id,    replace(replace(replace(replace(NEW.text, 'đ', 'd'),    'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'));END;
CREATE INDEX case_deadlines_case ON case_deadlines (case_id, until);
CREATE TRIGGER cases_deadline_kept AFTER UPDATE OF deadline ON cases  WHEN OLD.deadline <> NEW.deadline BEGIN  INSERT INTO case_deadlines (case_id, deadline, until)    VALUES (OLD.id, OLD.deadline, CAST(strftime('%s', 'now') AS INTEGER));END;
CREATE INDEX cases_source ON cases (source) WHERE source <> 'sms';
CREATE INDEX announcements_started ON announcements (started)
  WHERE started IS NOT NULL;
CREATE INDEX announce_recipients_state
  ON announce_recipients (announcement, state);
CREATE INDEX announce_recipients_number ON announce_recipients (number);
CREATE INDEX cases_announcement ON cases (announcement)
  WHERE announcement IS NOT NULL;
CREATE INDEX outbox_channel_priority
  ON outbox (channel, state, priority, next_attempt);
CREATE INDEX reception_bookings_day ON reception_bookings (day, state);
CREATE INDEX reception_bookings_number ON reception_bookings (number, day)
  WHERE number IS NOT NULL;
PRAGMA writable_schema=OFF;
COMMIT;
PRAGMA user_version = 16;
