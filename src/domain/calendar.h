/*
 * calendar.h: working days and answer deadlines, and the periods of
 * reports (calendar.c): weekends and the configured holidays off, the
 * configured make-up Saturdays worked.  Pure functions of the
 * configuration.
 */
#ifndef PAPIGW_DOMAIN_CALENDAR_H
#define PAPIGW_DOMAIN_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

int		 calendar_is_workday(const struct config *, int y, int m,
		    int d);
int64_t		 calendar_deadline(const struct config *, int64_t from,
		    int days);
int		 calendar_period(const char *quarter, const char *from,
		    const char *to, int64_t *start, int64_t *end, char *err,
		    size_t errsz);

#endif /* PAPIGW_DOMAIN_CALENDAR_H */
