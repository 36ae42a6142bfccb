/*
 * date.h: civil dates "YYYY-MM-DD" and local days.  Dates are in the
 * daemon's time zone (TZ; Asia/Ho_Chi_Minh for the ward).
 */
#ifndef PAPIGW_BASE_DATE_H
#define PAPIGW_BASE_DATE_H

#include <stddef.h>
#include <stdint.h>

int	 date_parse(const char *s, int *y, int *m, int *d);
int	 date_weekday(int y, int m, int d);
void	 date_next_day(int *y, int *m, int *d);
int64_t	 date_local(int y, int m, int d, int hour, int min, int sec);
void	 date_of(int64_t when, int *y, int *m, int *d);
int64_t	 date_day_start(int64_t when);
int64_t	 date_month_start(int64_t when, int next);
size_t	 date_format(int64_t when, const char *fmt, char *buf,
	    size_t bufsz) __attribute__((format(strftime, 2, 0)));

#endif /* PAPIGW_BASE_DATE_H */
