/*
 * date.c: civil dates and local days (date.h).  Pure arithmetic on
 * "YYYY-MM-DD" dates, and the conversions to and from Unix seconds in the
 * local time zone, which go through mktime() and localtime_r().
 */
#include <string.h>
#include <time.h>

#include "base/date.h"

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m (1 to 12) of year y. */
static int
date_month_days(int y, int m)
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
date_parse(const char *s, int *y, int *m, int *d)
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
	    dd > date_month_days(yy, mm))
		return -1;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}

/* Day of the week of a civil date, 0 for Sunday (Sakamoto's method). */
int
date_weekday(int y, int m, int d)
{
	static const int t[12] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y--;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/* Moves y-m-d to the next day. */
void
date_next_day(int *y, int *m, int *d)
{
	if (++*d > date_month_days(*y, *m)) {
		*d = 1;
		if (++*m > 12) {
			*m = 1;
			++*y;
		}
	}
}

/*
 * Unix seconds of the local time y-m-d hour:min:sec; the parts may run
 * over (day 32 is the next month's first).
 */
int64_t
date_local(int y, int m, int d, int hour, int min, int sec)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* The local civil date of Unix time "when". */
void
date_of(int64_t when, int *y, int *m, int *d)
{
	time_t		t = (time_t)when;
	struct tm	tm;

	localtime_r(&t, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

/* The start (local midnight) of the day of "when". */
int64_t
date_day_start(int64_t when)
{
	int	y, m, d;

	date_of(when, &y, &m, &d);
	return date_local(y, m, d, 0, 0, 0);
}

/*
 * The start (local midnight) of the first day of the month of "when",
 * or, with next, of the month after it.
 */
int64_t
date_month_start(int64_t when, int next)
{
	int	y, m, d;

	date_of(when, &y, &m, &d);
	return date_local(y, m + (next != 0), 1, 0, 0, 0);
}

/*
 * Formats "when" in local time with strftime() format fmt into buf.
 * Returns the length, 0 when it did not fit (buf is then "").
 */
size_t
date_format(int64_t when, const char *fmt, char *buf, size_t bufsz)
{
	time_t		t = (time_t)when;
	struct tm	tm;
	size_t		n;

	localtime_r(&t, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	/* fmt is checked at every call by the attribute in date.h. */
	n = strftime(buf, bufsz, fmt, &tm);
#pragma GCC diagnostic pop
	if (n == 0 && bufsz > 0)
		buf[0] = '\0';
	return n;
}
