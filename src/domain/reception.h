/*
 * reception.h: the days of the citizen reception (reception.c), pure
 * functions of the configuration: which receptions are open for booking
 * at a moment, their slots.
 */
#ifndef PAPIGW_DOMAIN_RECEPTION_H
#define PAPIGW_DOMAIN_RECEPTION_H

#include <stdint.h>

#include "conf/config.h"

#define RECEPTION_DAY_SIZE	11	/* "YYYY-MM-DD" and its NUL */

int	 reception_day(const struct config *, int64_t now, int k,
	    char day[RECEPTION_DAY_SIZE]);
int	 reception_next_day(const struct config *, int64_t now,
	    char day[RECEPTION_DAY_SIZE]);
int	 reception_is_day(const struct config *, int y, int m, int d);
int	 reception_minutes(const char *hhmm);

#endif /* PAPIGW_DOMAIN_RECEPTION_H */
