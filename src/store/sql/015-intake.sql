-- Version 15: what officers record from paper and in person (papictl
-- intake, daemon/cmd_intake.c): a slip from the suggestion box, a point
-- raised at the citizen reception or at a residential-group meeting
-- becomes a case like any message (cases.source says which), and this
-- row keeps what the officer wrote down besides the text: the slip's
-- own number if it has one (a slip entered twice is one case), the area
-- of the ward it is about (papictl list --area finds the case by it too),
-- the day it was received and who recorded it.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE TABLE intake (
  case_id INTEGER PRIMARY KEY REFERENCES cases (id),
  source TEXT NOT NULL,
  slip TEXT,
  area TEXT,
  received TEXT NOT NULL,
  officer TEXT NOT NULL,
  created INTEGER NOT NULL
);
PRAGMA user_version = 15;
