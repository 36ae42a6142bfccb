/*
 * reception.c: the days of the citizen reception (reception.h).
 *
 * The ward receives citizens on reception.weekday (Tuesday) when that
 * day is a working day (domain/calendar.c: a public holiday has no
 * reception, and the next one is the week after).  A reception is open
 * for booking until reception.book_until (17:00) the day before, so that
 * the officers have the agenda the evening before and every booking can
 * be reminded.
 */
#include <stdio.h>

#include "domain/reception.h"
#include "base/date.h"
#include "conf/config.h"
#include "domain/calendar.h"

#define DAYS_LOOKED	400	/* days ahead a reception is looked for */

/* Whether y-m-d is a reception day: the weekday, and a working day. */
int
reception_is_day(const struct config *conf, int y, int m, int d)
{
	return date_weekday(y, m, d) == conf->reception_weekday % 7 &&
	    calendar_is_workday(conf, y, m, d);
}

/* The minutes after midnight of a checked "HH:MM". */
int
reception_minutes(const char *hhmm)
{
	return ((hhmm[0] - '0') * 10 + (hhmm[1] - '0')) * 60 +
	    (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
}

/*
 * The day of the reception k (0: the next one) still open for booking
 * at now, "YYYY-MM-DD" into day.  Returns 0, or -1 when the reception is
 * off or none is found within DAYS_LOOKED days.
 */
int
reception_day(const struct config *conf, int64_t now, int k,
    char day[RECEPTION_DAY_SIZE])
{
	int	y, m, d, py, pm, pd, i, until;

	if (!conf->reception_enabled || conf->reception_nslots == 0)
		return -1;
	until = reception_minutes(conf->reception_book_until);
	date_of(now, &py, &pm, &pd);		/* the day before */
	y = py;
	m = pm;
	d = pd;
	date_next_day(&y, &m, &d);
	for (i = 0; i < DAYS_LOOKED; i++) {
		if (reception_is_day(conf, y, m, d) && date_local(py, pm, pd,
		    until / 60, until % 60, 0) > now && k-- == 0) {
			snprintf(day, RECEPTION_DAY_SIZE, "%04d-%02d-%02d", y,
			    m, d);
			return 0;
		}
		py = y;
		pm = m;
		pd = d;
		date_next_day(&y, &m, &d);
	}
	return -1;
}

/*
 * The day of the next reception, today's included (the agenda
 * officers look at), "YYYY-MM-DD" into day.  Returns 0, or -1 when the
 * reception is off or none is found within DAYS_LOOKED days.
 */
int
reception_next_day(const struct config *conf, int64_t now,
    char day[RECEPTION_DAY_SIZE])
{
	int	y, m, d, i;

	if (!conf->reception_enabled)
		return -1;
	date_of(now, &y, &m, &d);
	for (i = 0; i < DAYS_LOOKED; i++) {
		if (reception_is_day(conf, y, m, d)) {
			snprintf(day, RECEPTION_DAY_SIZE, "%04d-%02d-%02d", y,
			    m, d);
			return 0;
		}
		date_next_day(&y, &m, &d);
	}
	return -1;
}
