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
#include "base/date.h"
#include "conf/config.h"

/* Days a deadline may run past its working days: holidays, weekends. */
#define CALENDAR_SCAN_MAX	3660	/* days */

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
	int	wd = date_weekday(y, m, d);

	snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
	if (wd == 0 || wd == 6)
		return listed(conf->deadline_workdays,
		    conf->ndeadline_workdays, date);
	return !listed(conf->deadline_holidays, conf->ndeadline_holidays,
	    date);
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
	int	y, m, d, left = days, scanned = 0;

	date_of(from, &y, &m, &d);
	while (left > 0 && scanned++ < CALENDAR_SCAN_MAX) {
		date_next_day(&y, &m, &d);
		if (calendar_is_workday(conf, y, m, d))
			left--;
	}
	return date_local(y, m, d, 23, 59, 59);
}

/*
 * ===================================================================
 * Report periods
 * ===================================================================
 */

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
		*start = date_local(y, 3 * (qn - 1) + 1, 1, 0, 0, 0);
		*end = date_local(y, 3 * qn + 1, 1, 0, 0, 0);
		return 0;
	}
	if (from == NULL || to == NULL) {
		snprintf(err, errsz, "give --quarter YYYYQN, or --from and "
		    "--to YYYY-MM-DD");
		return -1;
	}
	if (date_parse(from, &y, &m, &d) == -1 ||
	    date_parse(to, &y2, &m2, &d2) == -1) {
		snprintf(err, errsz, "dates are YYYY-MM-DD");
		return -1;
	}
	*start = date_local(y, m, d, 0, 0, 0);
	*end = date_local(y2, m2, d2 + 1, 0, 0, 0);
	if (*end <= *start) {
		snprintf(err, errsz, "--to is before --from");
		return -1;
	}
	return 0;
}
