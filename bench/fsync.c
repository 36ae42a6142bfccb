/*
 * bench/fsync.c: what the disk alone allows the store's worst latency.
 * A "WAL" thread appends 4 KB and calls fdatasync(), as the store's
 * syncer does after each batch, about every millisecond for D seconds,
 * and times each fdatasync.  It runs three times:
 *
 *	alone	nothing else writes;
 *	burst	a "checkpointer" thread writes P pages of 4 KB at random
 *		places of a database file every I ms, then fdatasync()s it,
 *		as a SQLite checkpoint does (all pages, then one sync);
 *	paced	the same pages, but flushed 64 at a time as they are
 *		written (sync_file_range(), waiting for each group), so that
 *		the disk's queue never holds more than 256 KB of them.
 *
 * Prints, per run, the syncs' count, median, 99th and 99.9th
 * percentiles and the worst, in milliseconds, and the checkpoints'
 * count and worst duration.  Asserts nothing.
 *
 *	fsync [-d dir] [-s seconds] [-p pages] [-i interval_ms]
 *	    [-m alone|burst|paced]
 *
 * The directory (default $TMPDIR, else /var/tmp) must be on the disk the
 * daemon uses: on tmpfs a sync costs nothing.
 */
#include <err.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096
#define WAL_MAX		(64 * 1024 * 1024)	/* the WAL wraps here (16,000 frames) */
#define DB_PAGES	(256 * 1024)		/* a 1 GB database file */
#define GROUP		64			/* paced: pages per flush */

enum mode { ALONE, BURST, PACED };

static const char	*dir;
static int		 seconds = 20, pages = 2000, interval = 1000;
static volatile int	 stop;

struct ckpt {
	enum mode	mode;
	int		fd;
	int		n;
	double		worst;
};

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void *
ckpt_main(void *arg)
{
	struct ckpt	*c = arg;
	char		 buf[PAGE];
	unsigned	 seed = 42;
	double		 t0, next = now_ms() + interval;
	off_t		 off;
	int		 i;

	memset(buf, 'd', sizeof(buf));
	while (!stop) {
		while (!stop && now_ms() < next)
			usleep(1000);
		if (stop)
			break;
		next += interval;
		t0 = now_ms();
		for (i = 0; i < pages && !stop; i++) {
			off = (off_t)(rand_r(&seed) % DB_PAGES) * PAGE;
			if (pwrite(c->fd, buf, PAGE, off) != PAGE)
				err(1, "pwrite db");
			if (c->mode == PACED && (i + 1) % GROUP == 0 &&
			    sync_file_range(c->fd, 0, 0,
			    SYNC_FILE_RANGE_WAIT_BEFORE |
			    SYNC_FILE_RANGE_WRITE |
			    SYNC_FILE_RANGE_WAIT_AFTER) == -1)
				err(1, "sync_file_range");
		}
		if (fdatasync(c->fd) == -1)
			err(1, "fdatasync db");
		c->n++;
		if (now_ms() - t0 > c->worst)
			c->worst = now_ms() - t0;
	}
	return NULL;
}

static void
run(enum mode mode)
{
	static const char *const names[] = { "alone", "burst", "paced" };
	char		 wal[4096], db[4096], buf[PAGE];
	struct ckpt	 c = { mode, -1, 0, 0 };
	pthread_t	 th;
	double		*lat, t0, end;
	size_t		 n = 0, cap = 1 << 20;
	off_t		 off = 0;
	int		 fd;

	snprintf(wal, sizeof(wal), "%s/papigw-bench-fsync.wal", dir);
	snprintf(db, sizeof(db), "%s/papigw-bench-fsync.db", dir);
	if ((fd = open(wal, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1)
		err(1, "%s", wal);
	if (mode != ALONE) {
		if ((c.fd = open(db, O_RDWR | O_CREAT, 0600)) == -1)
			err(1, "%s", db);
		if (ftruncate(c.fd, (off_t)DB_PAGES * PAGE) == -1 ||
		    posix_fallocate(c.fd, 0, (off_t)DB_PAGES * PAGE) != 0)
			err(1, "%s: allocate", db);
		fdatasync(c.fd);
	}
	if ((lat = malloc(cap * sizeof(*lat))) == NULL)
		err(1, NULL);
	memset(buf, 'w', sizeof(buf));
	stop = 0;
	if (mode != ALONE && pthread_create(&th, NULL, ckpt_main, &c) != 0)
		errx(1, "pthread_create");
	end = now_ms() + seconds * 1e3;
	while (now_ms() < end && n < cap) {
		if (pwrite(fd, buf, PAGE, off) != PAGE)
			err(1, "pwrite wal");
		off = (off + PAGE) % WAL_MAX;
		t0 = now_ms();
		if (fdatasync(fd) == -1)
			err(1, "fdatasync wal");
		lat[n++] = now_ms() - t0;
		usleep(1000);
	}
	stop = 1;
	if (mode != ALONE) {
		pthread_join(th, NULL);
		close(c.fd);
	}
	close(fd);
	unlink(wal);
	qsort(lat, n, sizeof(*lat), cmp);
	printf("%-6s syncs %zu  median %.2f  p99 %.2f  p99.9 %.2f  worst "
	    "%.2f ms", names[mode], n, lat[n / 2], lat[n * 99 / 100],
	    lat[n * 999 / 1000], lat[n - 1]);
	if (mode != ALONE)
		printf("  checkpoints %d, worst %.1f ms", c.n, c.worst);
	printf("\n");
	fflush(stdout);
	free(lat);
}

int
main(int argc, char **argv)
{
	char	 db[4096];
	int	 opt, only = -1;

	if ((dir = getenv("TMPDIR")) == NULL)
		dir = "/var/tmp";
	while ((opt = getopt(argc, argv, "d:i:m:p:s:")) != -1) {
		switch (opt) {
		case 'd': dir = optarg; break;
		case 'i': interval = atoi(optarg); break;
		case 'm':
			only = strcmp(optarg, "alone") == 0 ? ALONE :
			    strcmp(optarg, "burst") == 0 ? BURST :
			    strcmp(optarg, "paced") == 0 ? PACED : -2;
			if (only == -2)
				errx(2, "-m: alone, burst or paced");
			break;
		case 'p': pages = atoi(optarg); break;
		case 's': seconds = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: fsync [-d dir] [-s seconds] "
			    "[-p pages] [-i interval_ms] "
			    "[-m alone|burst|paced]\n");
			return 2;
		}
	}
	if (seconds < 1 || pages < 1 || interval < 1)
		errx(2, "-s, -p and -i must be positive");
	printf("dir %s, %d s per run, checkpoints of %d pages every %d ms\n",
	    dir, seconds, pages, interval);
	if (only == -1 || only == ALONE)
		run(ALONE);
	if (only == -1 || only == BURST)
		run(BURST);
	if (only == -1 || only == PACED)
		run(PACED);
	snprintf(db, sizeof(db), "%s/papigw-bench-fsync.db", dir);
	unlink(db);
	return 0;
}
