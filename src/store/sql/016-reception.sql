-- Version 16: the bookings of the citizen reception (core/reception.c,
-- store/reception_rows.c).  A resident books a place at the next
-- reception by SMS or USSD: its day ("YYYY-MM-DD") and slot ("HH:MM"),
-- its number on the day's agenda (seq), the topic in the resident's
-- words, the channel and language to answer in; cancelled by SMS
-- (state, cancelled); reminded the day before (reminded).  The number
-- is personal data: erased (NULL) with the messages' numbers
-- (privacy.retention_days after the day); the pseudonym stays, for the
-- figures.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
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
CREATE INDEX reception_bookings_day ON reception_bookings (day, state);
CREATE INDEX reception_bookings_number ON reception_bookings (number, day)
  WHERE number IS NOT NULL;
PRAGMA user_version = 16;
