/*
 * bench/router.c: how fast the router compiles the shipped dictionary and
 * classifies typical messages (about 100 characters, with and without
 * diacritics, shorthand, a little NFD) on one core.  Prints figures; it
 * asserts nothing.
 *
 *	router [-c FILE] [-n count] [-s seconds]
 *
 * With -n it classifies exactly count messages instead of running for a
 * time, which suits instruction counts under valgrind --tool=callgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/config.h"
#include "domain/router.h"

#include "messages.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char		*path = SRCDIR "/conf/papigw.conf";
	struct config		*conf;
	struct router		*r;
	struct route_result	 res;
	char			 err[CONF_ERR_MAX];
	double			 secs = 2.0, t0, t1, best = 1e9;
	size_t			 len[BENCH_NMESSAGES], bytes = 0, i;
	unsigned long		 n = 0, count = 0, sink = 0;
	int			 ch, k;

	while ((ch = getopt(argc, argv, "c:n:s:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 's':
			secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: router [-c FILE] [-n count] "
			    "[-s seconds]\n");
			return 2;
		}
	}
	if ((conf = config_load(path, NULL, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "router: %s\n", err);
		return 1;
	}
	for (k = 0; k < 20; k++) {
		t0 = now();
		r = router_compile(conf, err, sizeof(err));
		t1 = now();
		if (r == NULL) {
			fprintf(stderr, "router: %s\n", err);
			return 1;
		}
		if (t1 - t0 < best)
			best = t1 - t0;
		router_unref(r);
	}
	r = router_compile(conf, err, sizeof(err));
	printf("dictionary: %zu phrases in %zu categories\n",
	    router_nphrases(r), router_ncategories(r));
	printf("compile: %.2f ms (best of 20)\n", best * 1e3);
	for (i = 0; i < BENCH_NMESSAGES; i++)
		bytes += len[i] = strlen(bench_messages[i]);
	printf("messages: %zu, %.0f bytes on average\n", (size_t)BENCH_NMESSAGES,
	    (double)bytes / BENCH_NMESSAGES);
	t0 = now();
	do {
		for (k = 0; k < 1000 && (count == 0 || n < count); k++, n++) {
			i = n % BENCH_NMESSAGES;
			router_classify(r, bench_messages[i], len[i], &res);
			sink += (unsigned long)res.category;
		}
		t1 = now();
	} while (count > 0 ? n < count : t1 - t0 < secs);
	printf("classify: %.0f messages/s on one core (%.2f us each)\n",
	    n / (t1 - t0), (t1 - t0) / n * 1e6);
	router_unref(r);
	config_free(conf);
	return sink == 0 ? 0 : 0;
}
