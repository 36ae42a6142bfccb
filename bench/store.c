/*
 * bench/store.c: what group commit buys.  N producer threads store
 * inbound messages through store_submit_wait(), as HTTP requests do, once
 * with batches of up to batch_max items per transaction and once with one
 * transaction per item (batch_max 1), with synchronous FULL and NORMAL,
 * on a temporary file.  Prints the committed items per second; asserts
 * nothing.
 *
 *	store [-b batch_max] [-d dir] [-n items] [-t threads]
 *
 * The directory (default $TMPDIR, else /var/tmp) should be on the disk the
 * daemon will use: on tmpfs an fsync costs nothing and the figures say
 * little.
 */
#include <err.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "store/store.h"

#define THREADS_MAX	256

struct producer {
	struct store	*st;
	int		 thread;
	int		 n;
	int		 failed;
};

struct job {
	char		 provider_id[32];
};

static enum store_status
insert_work(struct store_txn *txn, void *arg)
{
	struct job		*j = arg;
	struct store_inbound_new m;
	int64_t			 id;

	memset(&m, 0, sizeof(m));
	m.channel = "twilio";
	m.provider_id = j->provider_id;
	m.sender = "+84912345678";
	m.recipient = "+84900000001";
	m.text = "Đèn đường ngõ 5 phố Hàng Bông bị hỏng từ tối qua";
	m.encoding = "ucs2";
	return store_inbound_insert(txn, &m, &id);
}

static void *
producer_main(void *arg)
{
	struct producer	*p = arg;
	struct job	 j;
	int		 i;

	for (i = 0; i < p->n; i++) {
		snprintf(j.provider_id, sizeof(j.provider_id), "%d-%d",
		    p->thread, i);
		if (store_submit_wait(p->st, insert_work, &j) != STORE_OK)
			p->failed++;
	}
	return NULL;
}

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* One run on a fresh database; prints one line of the table. */
static void
run(const char *dir, int sync_full, int batch_max, int nthreads, int items)
{
	struct store_options	 opt;
	struct store_stats	 ss;
	struct producer		 p[THREADS_MAX];
	pthread_t		 t[THREADS_MAX];
	struct timespec		 t0, t1;
	struct store		*st;
	char			 path[512], side[600], errbuf[STORE_ERR_MAX];
	double			 secs;
	int			 i, failed = 0;

	snprintf(path, sizeof(path), "%s/papigw-bench-%ld.db", dir,
	    (long)getpid());
	memset(&opt, 0, sizeof(opt));
	opt.path = path;
	opt.synchronous_full = sync_full;
	opt.busy_timeout_ms = 5000;
	opt.batch_max = batch_max;
	if ((st = store_open(&opt, errbuf, sizeof(errbuf))) == NULL)
		errx(1, "%s", errbuf);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nthreads; i++) {
		p[i].st = st;
		p[i].thread = i;
		p[i].n = items / nthreads + (i < items % nthreads);
		p[i].failed = 0;
		if (pthread_create(&t[i], NULL, producer_main, &p[i]) != 0)
			errx(1, "pthread_create");
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		failed += p[i].failed;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	store_stats(st, &ss);
	store_close(st);
	secs = elapsed(&t0, &t1);

	printf("%-8s  %-26s  %10.0f  %12" PRIu64 "  %9.1f%s\n",
	    sync_full ? "FULL" : "NORMAL",
	    batch_max > 1 ? "group commit" : "one transaction per item",
	    (double)ss.items / secs, ss.batches,
	    ss.batches ? (double)ss.items / (double)ss.batches : 0.0,
	    failed ? "  (failures!)" : "");
	fflush(stdout);

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static void
usage(void)
{
	fprintf(stderr, "usage: store [-b batch_max] [-d dir] [-n items] "
	    "[-t threads]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char	*dir;
	long		 v;
	int		 ch, batch_max = STORE_BATCH_MAX_DEFAULT;
	int		 items = 10000, nthreads = 8, sync_full;

	if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
		dir = "/var/tmp";
	while ((ch = getopt(argc, argv, "b:d:n:t:")) != -1) {
		switch (ch) {
		case 'b':
			if (parse_long(optarg, 2, 100000, &v) == -1)
				usage();
			batch_max = (int)v;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'n':
			if (parse_long(optarg, 1, 100000000, &v) == -1)
				usage();
			items = (int)v;
			break;
		case 't':
			if (parse_long(optarg, 1, THREADS_MAX, &v) == -1)
				usage();
			nthreads = (int)v;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	log_init(1, LOG_LVL_WARN);
	printf("store bench: %d items from %d producer threads, "
	    "batch max %d, in %s\n\n", items, nthreads, batch_max, dir);
	printf("%-8s  %-26s  %10s  %12s  %9s\n", "sync", "mode", "items/s",
	    "transactions", "items/txn");
	for (sync_full = 0; sync_full <= 1; sync_full++) {
		run(dir, sync_full, batch_max, nthreads, items);
		run(dir, sync_full, 1, nthreads, items);
	}
	return 0;
}
