-- Version 31 on PostgreSQL (as SQLite's 031-report-days.sql): the tables
-- of the figures of reports summed by day, and the indexes the fold reads
-- what changed through.  The fold runs on SQLite only for now: on
-- PostgreSQL the tables stay empty and reports read case by case.
CREATE TABLE report_days (
  ward TEXT NOT NULL,
  cday BIGINT NOT NULL,
  xday BIGINT NOT NULL,
  category TEXT NOT NULL,
  source TEXT NOT NULL,
  cases BIGINT NOT NULL,
  open BIGINT NOT NULL,
  resolved BIGINT NOT NULL,
  reopened BIGINT NOT NULL,
  answered BIGINT NOT NULL,
  resolutions BIGINT NOT NULL,
  due BIGINT NOT NULL,
  on_time BIGINT NOT NULL,
  sat1 BIGINT NOT NULL,
  sat2 BIGINT NOT NULL,
  sat3 BIGINT NOT NULL,
  sat4 BIGINT NOT NULL,
  sat5 BIGINT NOT NULL,
  PRIMARY KEY (cday, xday, ward, category, source)
);
CREATE TABLE report_day_times (
  ward TEXT NOT NULL,
  cday BIGINT NOT NULL,
  xday BIGINT NOT NULL,
  category TEXT NOT NULL,
  source TEXT NOT NULL,
  kind BIGINT NOT NULL,
  bucket BIGINT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (cday, xday, ward, category, source, kind, bucket)
);
CREATE INDEX cases_first_answered ON cases (first_answered)
  WHERE first_answered IS NOT NULL;
CREATE INDEX cases_satisfaction_at ON cases (satisfaction_at)
  WHERE satisfaction_at IS NOT NULL;
CREATE INDEX case_events_at ON case_events (at);
CREATE INDEX case_deadlines_until ON case_deadlines (until);
UPDATE papigw_schema SET version = 31;
