/*
 * test_calendar.c: unit tests of the deadline calculator (working days,
 * weekends, Tết and the other holidays, make-up working days), of the
 * shipped holiday lists and their checks in the loader, of report
 * periods, of case references, and of the display width papictl aligns
 * its tables with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/calendar.h"
#include "domain/ref.h"
#include "core/lifecycle.h"

/* The 2026 and 2027 days off of conf/papigw.conf. */
static char *holidays[] = {
	"2026-01-01", "2026-01-02",
	"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
	"2026-04-27", "2026-04-30", "2026-05-01",
	"2026-08-31", "2026-09-01", "2026-09-02",
	"2027-01-01",
	"2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
	"2027-04-16", "2027-04-30", "2027-05-03",
	"2027-09-02", "2027-09-03"
};
static char *workdays[] = { "2026-01-10", "2026-08-22" };

static struct config conf;

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	memset(&conf, 0, sizeof(conf));
	conf.deadline_holidays = holidays;
	conf.ndeadline_holidays = sizeof(holidays) / sizeof(holidays[0]);
	conf.deadline_workdays = workdays;
	conf.ndeadline_workdays = sizeof(workdays) / sizeof(workdays[0]);
	snprintf(conf.case_prefix, sizeof(conf.case_prefix), "PA");
	return 0;
}

static int64_t
at(int y, int m, int d, int hh)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* Asserts that the deadline is 23:59:59 on y-m-d. */
static void
due(int64_t deadline, int y, int m, int d)
{
	time_t		t = (time_t)deadline;
	struct tm	tm;
	char		got[32], want[32];

	localtime_r(&t, &tm);
	strftime(got, sizeof(got), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(want, sizeof(want), "%04d-%02d-%02d 23:59:59", y, m, d);
	assert_string_equal(got, want);
}

static void
test_parse_date(void **state)
{
	int	y, m, d;

	(void)state;
	assert_int_equal(date_parse("2026-02-16", &y, &m, &d), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 2);
	assert_int_equal(d, 16);
	assert_int_equal(date_parse("2028-02-29", &y, &m, &d), 0);
	assert_int_equal(date_parse("2026-02-29", &y, &m, &d), -1);
	assert_int_equal(date_parse("2026-13-01", &y, &m, &d), -1);
	assert_int_equal(date_parse("2026-1-01", &y, &m, &d), -1);
	assert_int_equal(date_parse("26-01-01xx", &y, &m, &d), -1);
	assert_int_equal(date_parse("1999-12-31", &y, &m, &d), -1);
	assert_int_equal(date_parse(NULL, &y, &m, &d), -1);
}

static void
test_weekend(void **state)
{
	(void)state;
	/* Friday: 1 working day is Monday, 5 the next Friday. */
	due(calendar_deadline(&conf, at(2026, 11, 27, 10), 1), 2026, 11, 30);
	due(calendar_deadline(&conf, at(2026, 11, 27, 10), 5), 2026, 12, 4);
	/* Saturday and Sunday count from the Monday too. */
	due(calendar_deadline(&conf, at(2026, 11, 28, 22), 1), 2026, 11, 30);
	due(calendar_deadline(&conf, at(2026, 11, 29, 1), 2), 2026, 12, 1);
	/* Late on a Monday: still counted from the Tuesday. */
	due(calendar_deadline(&conf, at(2026, 11, 30, 23), 1), 2026, 12, 1);
	/* 0 days: the end of the day it came. */
	due(calendar_deadline(&conf, at(2026, 11, 28, 9), 0), 2026, 11, 28);
	/* 15 working days over three weekends. */
	due(calendar_deadline(&conf, at(2026, 11, 2, 8), 15), 2026, 11, 23);
}

static void
test_tet(void **state)
{
	(void)state;
	/* Tết Bính Ngọ: 14 to 22 February 2026 off. */
	due(calendar_deadline(&conf, at(2026, 2, 13, 16), 1), 2026, 2, 23);
	due(calendar_deadline(&conf, at(2026, 2, 13, 16), 5), 2026, 2, 27);
	/* A message during Tết: the first working day after it. */
	due(calendar_deadline(&conf, at(2026, 2, 17, 9), 1), 2026, 2, 23);
	/* 5 days from Wednesday 11 February straddle Tết. */
	due(calendar_deadline(&conf, at(2026, 2, 11, 9), 5), 2026, 2, 25);
	/* Tết Đinh Mùi 2027: 5 and 8 to 11 February off. */
	due(calendar_deadline(&conf, at(2027, 2, 4, 9), 1), 2027, 2, 12);
	assert_int_equal(calendar_is_workday(&conf, 2026, 2, 16), 0);
	assert_int_equal(calendar_is_workday(&conf, 2026, 2, 23), 1);
	/* Without the list, Tết is a working week: the list matters. */
	{
		struct config	bare;

		memset(&bare, 0, sizeof(bare));
		due(calendar_deadline(&bare, at(2026, 2, 13, 16), 1), 2026, 2,
		    16);
	}
}

static void
test_holidays_and_makeup(void **state)
{
	(void)state;
	/* New Year 2026: 1 and 2 January off, Saturday 10 January worked. */
	due(calendar_deadline(&conf, at(2025, 12, 31, 9), 1), 2026, 1, 5);
	due(calendar_deadline(&conf, at(2026, 1, 9, 9), 1), 2026, 1, 10);
	due(calendar_deadline(&conf, at(2026, 1, 9, 9), 2), 2026, 1, 12);
	assert_int_equal(calendar_is_workday(&conf, 2026, 1, 10), 1);
	assert_int_equal(calendar_is_workday(&conf, 2026, 1, 17), 0);
	/* Giỗ Tổ on a Sunday, taken on Monday 27 April 2026. */
	due(calendar_deadline(&conf, at(2026, 4, 24, 9), 1), 2026, 4, 28);
	/* 30 April and 1 May (Thursday, Friday), then the weekend. */
	due(calendar_deadline(&conf, at(2026, 4, 29, 9), 1), 2026, 5, 4);
	/* Quốc khánh: 31 August (made up on 22 August), 1 and 2 Sept. */
	due(calendar_deadline(&conf, at(2026, 8, 28, 9), 1), 2026, 9, 3);
	due(calendar_deadline(&conf, at(2026, 8, 21, 9), 1), 2026, 8, 22);
}

/* The shipped file: its lists load, and the loader checks dates. */
static void
test_shipped_lists(void **state)
{
	char		 err[CONF_ERR_MAX];
	struct config	*c;
	char		*ovr[1];

	(void)state;
	c = config_load(SRCDIR "/conf/papigw.conf", NULL, 0, err,
	    sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(calendar_is_workday(c, 2026, 2, 18), 0);
	assert_int_equal(calendar_is_workday(c, 2026, 8, 22), 1);
	assert_int_equal(calendar_is_workday(c, 2027, 9, 3), 0);
	due(calendar_deadline(c, at(2026, 2, 13, 16), 1), 2026, 2, 23);
	assert_true(c->nroles >= 3);
	config_free(c);

	/* A role cannot be an officer of a restricted category. */
	ovr[0] = "roles.police-desk.categories.[0]=corruption";
	c = config_load(SRCDIR "/conf/papigw.conf", ovr, 1, err, sizeof(err));
	assert_null(c);
}

static void
test_period(void **state)
{
	char	err[128];
	int64_t	s, e;

	(void)state;
	assert_int_equal(calendar_period("2026Q1", NULL, NULL, &s, &e, err,
	    sizeof(err)), 0);
	assert_int_equal(s, at(2026, 1, 1, 0));
	assert_int_equal(e, at(2026, 4, 1, 0));
	assert_int_equal(calendar_period("2026q4", NULL, NULL, &s, &e, err,
	    sizeof(err)), 0);
	assert_int_equal(s, at(2026, 10, 1, 0));
	assert_int_equal(e, at(2027, 1, 1, 0));
	assert_int_equal(calendar_period(NULL, "2026-01-01", "2026-06-30", &s,
	    &e, err, sizeof(err)), 0);
	assert_int_equal(s, at(2026, 1, 1, 0));
	assert_int_equal(e, at(2026, 7, 1, 0));
	assert_int_equal(calendar_period("2026Q5", NULL, NULL, &s, &e, err,
	    sizeof(err)), -1);
	assert_int_equal(calendar_period(NULL, "2026-02-01", "2026-01-01", &s,
	    &e, err, sizeof(err)), -1);
	assert_int_equal(calendar_period("2026Q1", "2026-01-01", NULL, &s, &e,
	    err, sizeof(err)), -1);
	assert_int_equal(calendar_period(NULL, NULL, NULL, &s, &e, err,
	    sizeof(err)), -1);
}

static void
test_refs(void **state)
{
	char	buf[32];

	(void)state;
	assert_int_equal(ref_parse(conf.case_prefix, "PA-000123", REF_PREFIX_OPTIONAL), 123);
	assert_int_equal(ref_parse(conf.case_prefix, "pa123", REF_PREFIX_OPTIONAL), 123);
	assert_int_equal(ref_parse(conf.case_prefix, "123", REF_PREFIX_OPTIONAL), 123);
	assert_int_equal(ref_parse(conf.case_prefix, "PB-1", REF_PREFIX_OPTIONAL), 0);
	assert_int_equal(ref_parse(conf.case_prefix, "PA-", REF_PREFIX_OPTIONAL), 0);
	assert_int_equal(ref_parse(conf.case_prefix, "PA-12x", REF_PREFIX_OPTIONAL), 0);
	ref_format(conf.case_prefix, 42, buf, sizeof(buf));
	assert_string_equal(buf, "PA-000042");
}

static void
test_width(void **state)
{
	size_t	used;
	/* "Trộm" precomposed (NFC) and decomposed (NFD): 4 columns each. */
	const char *nfc = "Tr\xe1\xbb\x99m";
	const char *nfd = "Tro\xcc\xa3\xcc\x82m";

	(void)state;
	assert_int_equal(text_width("abc", 3), 3);
	assert_int_equal(text_width(nfc, strlen(nfc)), 4);
	assert_int_equal(text_width(nfd, strlen(nfd)), 4);
	assert_int_equal(text_width("\xe6\xbc\xa2\xe5\xad\x97", 6), 4);
	assert_int_equal(text_width("Đường", strlen("Đường")), 5);
	/* Cutting keeps a combining mark with its letter. */
	assert_int_equal(text_cut(nfd, 3, &used), 7);
	assert_int_equal(used, 3);
	assert_int_equal(text_cut("\xe6\xbc\xa2\xe5\xad\x97", 3, &used), 3);
	assert_int_equal(used, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_weekend),
		cmocka_unit_test(test_tet),
		cmocka_unit_test(test_holidays_and_makeup),
		cmocka_unit_test(test_shipped_lists),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_refs),
		cmocka_unit_test(test_width),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
