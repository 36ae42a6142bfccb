-- Version 33: the figures of reports summed by month, beside the days of
-- version 31.  report_months holds what report_days holds, per ward,
-- local month of a case's creation (cmonth, the Unix time of the local
-- midnight that begins it), local month of a change (xmonth, the same),
-- category and source: the sum of the rows of report_days of those
-- months.  report_month_times holds the times of report_day_times the
-- same way, one row per kind with every bucket in it (hist: a list of
-- bucket and count, store_fold_hist_decode()): a row per bucket would
-- make a year's report read hundreds of thousands of rows.  A report of
-- a finished period reads whole months from these, and days only at its
-- ends (store_report_summed()).  The fold writes both with the days,
-- in the same work item (store/fold_rows.c).
-- report_sms_days holds the SMS of the outbox per ward (its case's, or
-- its own when it has no case), local day of creation and kind: the
-- messages and their parts, which a report of a finished period sums
-- instead of reading a year of the outbox (a million rows).  The fold
-- counts them as it passes their time (counter report_fold_sms).
-- The sums of version 31 are emptied, so that the fold builds days,
-- months and SMS again from the history, in batches after the upgrade.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
CREATE TABLE IF NOT EXISTS report_months (
  ward TEXT NOT NULL,
  cmonth INTEGER NOT NULL,
  xmonth INTEGER NOT NULL,
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
  PRIMARY KEY (cmonth, xmonth, ward, category, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS report_month_times (
  ward TEXT NOT NULL,
  cmonth INTEGER NOT NULL,
  xmonth INTEGER NOT NULL,
  category TEXT NOT NULL,
  source TEXT NOT NULL,
  kind INTEGER NOT NULL,
  hist BLOB NOT NULL,
  PRIMARY KEY (cmonth, xmonth, ward, category, source, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS report_sms_days (
  ward TEXT NOT NULL,
  day INTEGER NOT NULL,
  kind TEXT NOT NULL,
  messages INTEGER NOT NULL,
  parts INTEGER NOT NULL,
  PRIMARY KEY (day, ward, kind)
) WITHOUT ROWID;
DELETE FROM report_sms_days;
DELETE FROM report_days;
DELETE FROM report_day_times;
DELETE FROM counters WHERE name IN ('report_fold_mark', 'report_fold_ids',
  'report_fold_target', 'report_fold_sms');
PRAGMA user_version = 33;
