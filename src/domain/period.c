/*
 * period.c: the periods of the ward's reports to the district.
 *
 * The ward's plan sends four reports a year, each cumulative from the
 * start of the year: the first quarter before 6 April, the first six
 * months before 5 June, the first nine months before 5 September and the
 * year before 15 November.  Each ends at its cut-off, the first moment
 * of the day configured (reports.q1_cutoff...), which is also when it is
 * due: the figures are those of that moment, so the report can be made
 * on the day and made again later with the same numbers.  A period ends
 * before its calendar quarter does; a year starts at reports.year_start,
 * in the year before when that day falls after the first cut-off (a
 * reporting year from 15 December, say).
 *
 * Days are civil days in the daemon's time zone (base/date.c); working
 * days are the deadlines' (domain/calendar.c).  Unit-tested in
 * tests/unit/test_period.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/period.h"
#include "base/date.h"
#include "conf/config.h"
#include "domain/calendar.h"

/* Days looked at when counting working days to a cut-off. */
#define PERIOD_SCAN_MAX	400

static const char *const codes[PERIOD_NKINDS] = {
	[PERIOD_Q1] = "Q1", [PERIOD_H1] = "H1", [PERIOD_M9] = "M9",
	[PERIOD_YEAR] = "Y"
};

/* "Q1", "H1", "M9" or "Y": what follows the year in a period's id. */
const char *
period_kind_code(enum period_kind k)
{
	return (unsigned)k < PERIOD_NKINDS ? codes[k] : "?";
}

/* The configured cut-off of kind k, "MM-DD". */
static const char *
cutoff_of(const struct config *conf, enum period_kind k)
{
	switch (k) {
	case PERIOD_Q1:
		return conf->reports_q1_cutoff;
	case PERIOD_H1:
		return conf->reports_h1_cutoff;
	case PERIOD_M9:
		return conf->reports_m9_cutoff;
	default:
		return conf->reports_year_cutoff;
	}
}

/* Month and day of a checked "MM-DD" (config.c checked it). */
static void
mmdd(const char *s, int *m, int *d)
{
	*m = atoi(s);
	*d = atoi(s + 3);
}

/* Fills p with period k of year. */
void
period_of(const struct config *conf, int year, enum period_kind k,
    struct period *p)
{
	int	m, d, sm, sd;

	memset(p, 0, sizeof(*p));
	p->year = year;
	p->kind = k;
	snprintf(p->id, sizeof(p->id), "%04d%s", year, period_kind_code(k));
	mmdd(cutoff_of(conf, k), &m, &d);
	p->cutoff = date_local(year, m, d, 0, 0, 0);
	mmdd(conf->reports_year_start, &sm, &sd);
	/* A year that starts after its first cut-off began the year before. */
	if (strcmp(conf->reports_year_start, conf->reports_q1_cutoff) >= 0)
		p->start = date_local(year - 1, sm, sd, 0, 0, 0);
	else
		p->start = date_local(year, sm, sd, 0, 0, 0);
}

/*
 * Reads a period "2026Q1", "2026H1", "2026M9" or "2026Y" (any case) into
 * p.  Returns 0, or -1 with the reason in err.
 */
int
period_parse(const struct config *conf, const char *s, struct period *p,
    char *err, size_t errsz)
{
	char	code[4];
	int	year, k;
	size_t	i;

	if (strlen(s) < 5 || strlen(s) > 6 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
	    !isdigit((unsigned char)s[3]))
		goto bad;
	year = atoi(s);
	for (i = 0; s[4 + i] != '\0' && i < sizeof(code) - 1; i++)
		code[i] = (char)toupper((unsigned char)s[4 + i]);
	code[i] = '\0';
	for (k = 0; k < PERIOD_NKINDS; k++)
		if (strcmp(code, codes[k]) == 0)
			break;
	if (k == PERIOD_NKINDS || year < 2000 || year > 2099)
		goto bad;
	period_of(conf, year, (enum period_kind)k, p);
	return 0;
bad:
	snprintf(err, errsz, "'%s' is not a report period: 2026Q1 (first "
	    "quarter), 2026H1 (six months), 2026M9 (nine months) or 2026Y "
	    "(the year)", s);
	return -1;
}

/*
 * Fills p with the next period due at "now": the first whose cut-off day
 * has not ended (on the day itself, the report due that day).
 */
void
period_next(const struct config *conf, int64_t now, struct period *p)
{
	int	y, m, d, cy, cm, cd, k, year;

	date_of(now, &y, &m, &d);
	for (year = y; year <= y + 1; year++)
		for (k = 0; k < PERIOD_NKINDS; k++) {
			period_of(conf, year, (enum period_kind)k, p);
			/* The end of the cut-off day, local time. */
			date_of(p->cutoff, &cy, &cm, &cd);
			date_next_day(&cy, &cm, &cd);
			if (date_local(cy, cm, cd, 0, 0, 0) > now)
				return;
		}
}

/*
 * The working days from the day of "now" (counted) to p's cut-off day
 * (not counted): 0 on the cut-off day itself and after it.
 */
int
period_workdays_left(const struct config *conf, int64_t now,
    const struct period *p)
{
	int	y, m, d, cy, cm, cd, n = 0, scanned = 0;

	date_of(now, &y, &m, &d);
	date_of(p->cutoff, &cy, &cm, &cd);
	while ((y < cy || (y == cy && (m < cm || (m == cm && d < cd)))) &&
	    scanned++ < PERIOD_SCAN_MAX) {
		if (calendar_is_workday(conf, y, m, d))
			n++;
		date_next_day(&y, &m, &d);
	}
	return n;
}
