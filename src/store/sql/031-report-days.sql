-- Version 31: the figures of reports summed by day, kept off the writer.
-- report_days holds, per ward, local day of a case's creation (cday, the
-- Unix time of its local midnight), local day of a change (xday, the
-- same), category and source, what the change did to the figures a report
-- counts: a report frozen at a day's start C sums the rows of the days of
-- creation it covers with xday before C (store_report_summed()).
-- report_day_times holds the same changes to the times to the first
-- answer (kind 0) and to resolution (kind 1), counted per bucket of about
-- 2 % (store_fold_bucket()).  The timer folds them from the cases'
-- history (store/fold_rows.c; counters report_fold_*), not the writer's
-- statements: the first fold builds them in batches after the upgrade.
-- The indexes are those the fold reads what changed in a span of time
-- through: a case's first answer and satisfaction (partial: a new case
-- has neither, and ingest writes no entry), its events, its deadlines.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE TABLE IF NOT EXISTS report_days (
  ward TEXT NOT NULL,
  cday INTEGER NOT NULL,
  xday INTEGER NOT NULL,
  category TEXT NOT NULL,
  source TEXT NOT NULL,
  cases INTEGER NOT NULL,
  open INTEGER NOT NULL,
  resolved INTEGER NOT NULL,
  reopened INTEGER NOT NULL,
  answered INTEGER NOT NULL,
  resolutions INTEGER NOT NULL,
  due INTEGER NOT NULL,
  on_time INTEGER NOT NULL,
  sat1 INTEGER NOT NULL,
  sat2 INTEGER NOT NULL,
  sat3 INTEGER NOT NULL,
  sat4 INTEGER NOT NULL,
  sat5 INTEGER NOT NULL,
  PRIMARY KEY (cday, xday, ward, category, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS report_day_times (
  ward TEXT NOT NULL,
  cday INTEGER NOT NULL,
  xday INTEGER NOT NULL,
  category TEXT NOT NULL,
  source TEXT NOT NULL,
  kind INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (cday, xday, ward, category, source, kind, bucket)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cases_first_answered ON cases (first_answered)
  WHERE first_answered IS NOT NULL;
CREATE INDEX IF NOT EXISTS cases_satisfaction_at ON cases (satisfaction_at)
  WHERE satisfaction_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_events_at ON case_events (at);
CREATE INDEX IF NOT EXISTS case_deadlines_until ON case_deadlines (until);
PRAGMA user_version = 31;
