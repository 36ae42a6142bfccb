/*
 * calendar.c: working days and answer deadlines.
 *
 * A deadline of N working days counts the working days after the day a
 * case arrived and ends at the end (23:59:59, local time) of the N-th.  A
 * working day is Monday to Friday, except the days that the configuration
 * lists under deadlines.holidays, plus the Saturdays and Sundays that it
 * lists under deadlines.workdays: the make-up working days that Vietnam's
 * government sets when it joins a holiday to a weekend (Friday 2 January
 * 2026 off, Saturday 10 January 2026 worked).  Dates are civil dates in the
 * daemon's time zone (TZ; Asia/Ho_Chi_Minh for the ward), written
 * "YYYY-MM-DD", which also sort as text.
 *
 * And the periods of reports: a quarter, or a range of days.  Pure
 * functions without I/O, unit-tested in tests/unit/test_calendar.c.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/calendar.h"
#include "conf/config.h"

/* Days a deadline may run past its working days: holidays, weekends. */
#define CALENDAR_SCAN_MAX	3660	/* days */

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/*
 * Parses a civil date "YYYY-MM-DD" (years 2000 to 2099, a real day).
 * Returns 0 with the parts in *y, *m, *d, or -1.
 */
int
calendar_parse_date(const char *s, int *y, int *m, int *d)
{
	int	i, yy, mm, dd;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	mm = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (yy < 2000 || yy > 2099 || mm < 1 || mm > 12 || dd < 1 ||
	    dd > month_days(yy, mm))
		return -1;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

/* Day of the week of a civil date, 0 for Sunday (Sakamoto's method). */
static int
weekday(int y, int m, int d)
{
	static const int t[12] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y--;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static int
listed(char *const *list, size_t n, const char *date)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], date) == 0)
			return 1;
	return 0;
}

/*
 * Whether the civil date y-m-d is a working day under conf's holidays and
 * make-up working days.  Returns 1 or 0.
 */
int
calendar_is_workday(const struct config *conf, int y, int m, int d)
{
	char	date[16];
	int	wd = weekday(y, m, d);

	snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
	if (wd == 0 || wd == 6)
		return listed(conf->deadline_workdays,
		    conf->ndeadline_workdays, date);
	return !listed(conf->deadline_holidays, conf->ndeadline_holidays,
	    date);
}

static void
next_day(int *y, int *m, int *d)
{
	if (++*d > month_days(*y, *m)) {
		*d = 1;
		if (++*m > 12) {
			*m = 1;
			++*y;
		}
	}
}

/*
 * The deadline of something that arrived at "from" (Unix seconds) and is
 * due in "days" working days (0 or less: the end of the day it arrived):
 * the end of the days-th working day after the day of "from", in Unix
 * seconds.
 */
int64_t
calendar_deadline(const struct config *conf, int64_t from, int days)
{
	time_t		 t = (time_t)from;
	struct tm	 tm;
	int		 y, m, d, left = days, scanned = 0;

	localtime_r(&t, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	d = tm.tm_mday;
	while (left > 0 && scanned++ < CALENDAR_SCAN_MAX) {
		next_day(&y, &m, &d);
		if (calendar_is_workday(conf, y, m, d))
			left--;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/*
 * ===================================================================
 * Report periods
 * ===================================================================
 */

/* Local midnight at the start of y-m-d (m and d may run over). */
static int64_t
midnight(int y, int m, int d)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/*
 * The period of a report: quarter "YYYYQN", or from and to "YYYY-MM-DD"
 * (both days included).  Sets [*start, *end) in Unix seconds.  Returns 0,
 * or -1 with the reason in err.
 */
int
calendar_period(const char *quarter, const char *from, const char *to,
    int64_t *start, int64_t *end, char *err, size_t errsz)
{
	int	y, m, d, y2, m2, d2, qn;

	if (quarter != NULL) {
		if (from != NULL || to != NULL) {
			snprintf(err, errsz, "give a quarter or --from and "
			    "--to, not both");
			return -1;
		}
		if (strlen(quarter) != 6 || (quarter[4] != 'Q' &&
		    quarter[4] != 'q') || quarter[5] < '1' ||
		    quarter[5] > '4' || sscanf(quarter, "%4d", &y) != 1 ||
		    y < 2000 || y > 2099) {
			snprintf(err, errsz, "'%s' is not a quarter like "
			    "2026Q1", quarter);
			return -1;
		}
		qn = quarter[5] - '0';
		*start = midnight(y, 3 * (qn - 1) + 1, 1);
		*end = midnight(y, 3 * qn + 1, 1);
		return 0;
	}
	if (from == NULL || to == NULL) {
		snprintf(err, errsz, "give --quarter YYYYQN, or --from and "
		    "--to YYYY-MM-DD");
		return -1;
	}
	if (calendar_parse_date(from, &y, &m, &d) == -1 ||
	    calendar_parse_date(to, &y2, &m2, &d2) == -1) {
		snprintf(err, errsz, "dates are YYYY-MM-DD");
		return -1;
	}
	*start = midnight(y, m, d);
	*end = midnight(y2, m2, d2 + 1);
	if (*end <= *start) {
		snprintf(err, errsz, "--to is before --from");
		return -1;
	}
	return 0;
}
