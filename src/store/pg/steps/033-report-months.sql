-- Version 33 on PostgreSQL (as SQLite's 033-report-months.sql): the
-- tables of the figures of reports summed by month, and of the SMS by day.  The fold runs on
-- SQLite only for now: on PostgreSQL the tables stay empty and reports
-- read case by case.
CREATE TABLE report_months (
  ward TEXT NOT NULL,
  cmonth BIGINT NOT NULL,
  xmonth BIGINT NOT NULL,
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
  PRIMARY KEY (cmonth, xmonth, ward, category, source)
);
CREATE TABLE report_month_times (
  ward TEXT NOT NULL,
  cmonth BIGINT NOT NULL,
  xmonth BIGINT NOT NULL,
  category TEXT NOT NULL,
  source TEXT NOT NULL,
  kind BIGINT NOT NULL,
  hist BYTEA NOT NULL,
  PRIMARY KEY (cmonth, xmonth, ward, category, source, kind)
);
CREATE TABLE report_sms_days (
  ward TEXT NOT NULL,
  day BIGINT NOT NULL,
  kind TEXT NOT NULL,
  messages BIGINT NOT NULL,
  parts BIGINT NOT NULL,
  PRIMARY KEY (day, ward, kind)
);
UPDATE papigw_schema SET version = 33;
