/*
 * clock.h: the clocks the daemon reads.  Intervals, timeouts and rates use
 * the monotonic clock, which no clock change moves; what is stored or
 * shown uses Unix time.
 */
#ifndef PAPIGW_BASE_CLOCK_H
#define PAPIGW_BASE_CLOCK_H

#include <stdint.h>

int64_t	 clock_unix(void);	/* Unix seconds */
int64_t	 clock_mono_ms(void);	/* monotonic milliseconds */
double	 clock_mono(void);	/* monotonic seconds */
double	 clock_wall(void);	/* Unix seconds, with a fraction */

#endif /* PAPIGW_BASE_CLOCK_H */
