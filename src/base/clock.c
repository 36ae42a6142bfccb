/*
 * clock.c: the clocks the daemon reads (clock.h).
 *
 * In the tests' build (PAPIGW_TEST_HOOKS) Unix time can come from a file
 * the test writes: see test_clock().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"

#ifdef PAPIGW_TEST_HOOKS
/*
 * The clock a test controls: when PAPIGW_TEST_CLOCK names a file holding
 * Unix seconds, that is the time, read again at every call so that the
 * test moves it by rewriting the file; the real time while the file is
 * missing or unreadable.  Sets *t and returns 0, or returns -1.
 */
static int
test_clock(int64_t *t)
{
	const char	*path = getenv("PAPIGW_TEST_CLOCK");
	long long	 v;
	FILE		*fp;
	int		 n;

	if (path == NULL || (fp = fopen(path, "r")) == NULL)
		return -1;
	n = fscanf(fp, "%lld", &v);
	fclose(fp);
	if (n != 1 || v <= 0)
		return -1;
	*t = (int64_t)v;
	return 0;
}
#endif

int64_t
clock_unix(void)
{
#ifdef PAPIGW_TEST_HOOKS
	int64_t	t;

	if (test_clock(&t) == 0)
		return t;
#endif
	return (int64_t)time(NULL);
}

int64_t
clock_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double
clock_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
clock_wall(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
