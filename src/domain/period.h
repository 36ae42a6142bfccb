/*
 * period.h: the periods of the ward's reports to the district
 * (period.c).  Pure functions of the configuration and a time.
 */
#ifndef PAPIGW_DOMAIN_PERIOD_H
#define PAPIGW_DOMAIN_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

/* The cumulative periods of a year, in the order of their cut-offs. */
enum period_kind {
	PERIOD_Q1,		/* "2026Q1": the first quarter */
	PERIOD_H1,		/* "2026H1": the first six months */
	PERIOD_M9,		/* "2026M9": the first nine months */
	PERIOD_YEAR,		/* "2026Y": the year */
	PERIOD_NKINDS
};

#define PERIOD_ID_MAX	16	/* bytes of "2026M9" with room */

/* One report period of one year. */
struct period {
	char		 id[PERIOD_ID_MAX];
	int		 year;
	enum period_kind kind;
	int64_t		 start;		/* its first moment */
	int64_t		 cutoff;	/* figures of this moment; due then */
};

const char	*period_kind_code(enum period_kind);
void		 period_of(const struct config *, int year, enum period_kind,
		    struct period *);
int		 period_parse(const struct config *, const char *s,
		    struct period *, char *err, size_t errsz);
void		 period_next(const struct config *, int64_t now,
		    struct period *);
int		 period_workdays_left(const struct config *, int64_t now,
		    const struct period *);

#endif /* PAPIGW_DOMAIN_PERIOD_H */
