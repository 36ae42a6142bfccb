/*
 * wal.c: the store's write-ahead log: the syncer thread that makes
 * committed batches durable, and the checkpointer thread that copies the
 * log into the database file.  engine.c starts and stops them
 * (store_wal_open(), store_wal_start(), store_wal_stop()) and the writer
 * thread talks to them after each batch (store_wal_hand(),
 * store_wal_between()) and through SQLite's WAL hook (store_wal_hook()).
 *
 * Durability is pipelined.  With storage.synchronous = full the writer
 * connection still runs SQLite's synchronous = NORMAL (a COMMIT writes
 * its WAL frames but does not wait for the disk) and hands the committed
 * batch to the syncer thread, which calls fdatasync() on the WAL file and
 * only then runs the batch's callbacks; meanwhile the writer already runs
 * the next batch.  One fdatasync covers every batch committed before it
 * began, so a batch is on disk when its callbacks run, exactly as with
 * SQLite's FULL, but the writer never waits for the disk.  Other
 * connections may read a committed batch a little before it is on disk;
 * anything that acts on it through the writer (the outbox claims rows
 * before sending them) is ordered after it and made durable with it.
 * With storage.synchronous = normal there is no syncer: callbacks run
 * after COMMIT, and a power cut may lose the last transactions (never
 * corrupt the file).
 *
 * Checkpoints run on their own thread and connection: the writer's WAL
 * hook wakes the checkpointer past STORE_CKPT_PAGES frames, which copies
 * them into the database (PASSIVE: it never blocks the writer).  The WAL
 * starts over from its beginning only when a write begins with every frame
 * copied, which never happens under a steady load; past
 * STORE_CKPT_RESTART frames the writer itself checkpoints the few frames
 * the checkpointer's last pass left (at most STORE_CKPT_TAIL), between
 * two batches, so that the next one starts the WAL over.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "store/engine.h"
#include "store/store_priv.h"

static void	*syncer_main(void *);
static void	*ckpt_main(void *);

/*
 * Opens the checkpointer's connection.  Returns 0, or -1 with the reason
 * in err.
 */
int
store_wal_open(struct store *st, char *err, size_t errsz)
{
	if (store_is_pg(st))
		return 0;	/* PostgreSQL checkpoints itself */
	if (store_conn_open(&st->ck, st, DB_NOMUTEX, 0,
	    "checkpointer: ", err, errsz) == -1)
		return -1;
	/* NORMAL: a checkpoint syncs the WAL before and the file after. */
	if (db_exec(st->ck.db, "PRAGMA synchronous = NORMAL") != DB_OK) {
		snprintf(err, errsz, "%s: checkpointer: %s", st->path,
		    db_errmsg(st->ck.db));
		return -1;
	}
	return 0;
}

/*
 * Opens the WAL file for the syncer (SQLite made it when the migrations
 * ran) and makes its directory entry durable: SQLite would do that at its
 * first sync of a new WAL, which the syncer replaces.  Returns 0, or -1
 * with the reason in err.
 */
static int
wal_file_open(struct store *st, char *err, size_t errsz)
{
	char	*dir;
	int	 fd;

	if (st->walfd != -1) {
		close(st->walfd);
		st->walfd = -1;
	}
	if ((st->walfd = open(st->walpath, O_RDWR | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s: %s", st->walpath, strerror(errno));
		return -1;
	}
	dir = xstrdup(st->walpath);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || fsync(fd) == -1) {
		snprintf(err, errsz, "%s: directory: %s", st->walpath,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		free(dir);
		return -1;
	}
	close(fd);
	free(dir);
	return 0;
}

/*
 * Starts the checkpointer and, with storage.synchronous = full, the
 * syncer with the WAL file.  Returns 0, or -1 with the reason in err
 * (what started is stopped by store_wal_stop()).
 */
int
store_wal_start(struct store *st, char *err, size_t errsz)
{
	int	rc;

	if (store_is_pg(st))
		return 0;
	if (st->pipelined && wal_file_open(st, err, errsz) == -1)
		return -1;
	if ((rc = pthread_create(&st->ckpt, NULL, ckpt_main, st)) != 0) {
		snprintf(err, errsz, "store: checkpoint thread: %s",
		    strerror(rc));
		return -1;
	}
	st->ckpt_started = 1;
	if (st->pipelined) {
		if ((rc = pthread_create(&st->syncer, NULL, syncer_main,
		    st)) != 0) {
			snprintf(err, errsz, "store: syncer thread: %s",
			    strerror(rc));
			return -1;
		}
		st->syncer_started = 1;
	}
	return 0;
}

/*
 * Joins the syncer, once it ran the callbacks of everything the writer
 * handed it, and the checkpointer, and closes the checkpointer's
 * connection.  After the writer thread ended.
 */
void
store_wal_stop(struct store *st)
{
	if (st->syncer_started) {
		pthread_mutex_lock(&st->lock);
		st->sync_closing = 1;
		pthread_cond_signal(&st->synced_wake);
		pthread_mutex_unlock(&st->lock);
		pthread_join(st->syncer, NULL);
	}
	if (st->ckpt_started) {
		pthread_mutex_lock(&st->lock);
		st->ckpt_closing = 1;
		pthread_cond_signal(&st->ckpt_wake);
		pthread_mutex_unlock(&st->lock);
		pthread_join(st->ckpt, NULL);
	}
	store_conn_close(&st->ck);
}

/*
 * Writer thread: hands the n items of a batch that ran (committed or
 * not) to the syncer, which runs their callbacks in order after the next
 * sync, and frees them.
 */
void
store_wal_hand(struct store *st, struct item **batch, size_t n)
{
	struct item	*it;
	size_t		 i;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < n; i++) {
		it = batch[i];
		it->next = NULL;
		if (st->stail != NULL)
			st->stail->next = it;
		else
			st->shead = it;
		st->stail = it;
	}
	if (st->outbox_dirty)
		st->sync_outbox = 1;
	st->outbox_dirty = 0;
	/* The replies to hand over go with them. */
	if (st->ndirect > 0) {
		st->sync_direct = xreallocarray(st->sync_direct,
		    st->nsync_direct + st->ndirect, sizeof(*st->sync_direct));
		memcpy(st->sync_direct + st->nsync_direct, st->direct,
		    st->ndirect * sizeof(*st->direct));
		st->nsync_direct += st->ndirect;
		st->ndirect = 0;
	}
	pthread_cond_signal(&st->synced_wake);
	pthread_mutex_unlock(&st->lock);
}

/*
 * Syncer thread: makes the WAL durable.  The WAL file is the one SQLite
 * has open as long as the store is (only the last connection to close
 * removes it); should it ever be a new file, it is opened again.  Returns
 * 0, or -1 with the reason in why (logged).
 */
static int
wal_sync(struct store *st, char *why, size_t whysz)
{
	struct stat	 path_sb, fd_sb;

	if (stat(st->walpath, &path_sb) == -1) {
		snprintf(why, whysz, "%s: %s", st->walpath, strerror(errno));
		goto fail;
	}
	if (st->walfd == -1 || fstat(st->walfd, &fd_sb) == -1 ||
	    fd_sb.st_ino != path_sb.st_ino || fd_sb.st_dev != path_sb.st_dev) {
		if (wal_file_open(st, why, whysz) == -1)
			goto fail;
	}
	if (fdatasync(st->walfd) == -1) {
		snprintf(why, whysz, "%s: fdatasync: %s", st->walpath,
		    strerror(errno));
		goto fail;
	}
	return 0;
fail:
	log_warnx("store: %s", why);
	return -1;
}

/*
 * The syncer thread: takes every committed item, syncs the WAL once for
 * all of them, then runs their callbacks.  An item whose data may not be
 * on disk because the sync failed gets STORE_ERROR: its producer answers
 * with an error (an HTTP provider retries, and the retry finds the message
 * stored).  Returns once the store is closing and nothing is left.
 */
static void *
syncer_main(void *arg)
{
	struct store	*st = arg;
	struct item	*list, *it;
	struct store_outbox *direct;
	size_t		 ndirect;
	char		 why[STORE_HEALTH_MAX];
	double		 t0, now;
	int		 notify, failed, rc;
#ifdef PAPIGW_TEST_HOOKS
	int		 delay;
#endif

	pthread_setname_np(pthread_self(), "store-sync");
	for (;;) {
		pthread_mutex_lock(&st->lock);
		while (st->shead == NULL && !st->sync_closing)
			pthread_cond_wait(&st->synced_wake, &st->lock);
		if (st->shead == NULL) {
			pthread_mutex_unlock(&st->lock);
			break;
		}
		list = st->shead;
		st->shead = st->stail = NULL;
		notify = st->sync_outbox;
		st->sync_outbox = 0;
		direct = st->sync_direct;
		ndirect = st->nsync_direct;
		st->sync_direct = NULL;
		st->nsync_direct = 0;
		st->syncing = 1;
#ifdef PAPIGW_TEST_HOOKS
		delay = st->sync_delay_ms;
#endif
		pthread_mutex_unlock(&st->lock);

		failed = 0;
		t0 = clock_mono();
		rc = wal_sync(st, why, sizeof(why));
#ifdef PAPIGW_TEST_HOOKS
		if (delay > 0)
			usleep((useconds_t)delay * 1000);
#endif
		now = clock_mono();
		/* The writer commits what it ran meanwhile (batch_more()). */
		pthread_mutex_lock(&st->lock);
		store_lat_add(st->stats.sync, &st->stats.sync_us, now - t0);
		for (it = list; it != NULL; it = it->next)
			store_lat_add(st->stats.durable, &st->stats.durable_us,
			    now - it->queued_at);
		st->syncing = 0;
		pthread_cond_signal(&st->wake);
		pthread_mutex_unlock(&st->lock);
		if (rc == -1) {
			store_health_sync(st, why);
			for (it = list; it != NULL; it = it->next)
				if (it->status == STORE_OK) {
					it->status = STORE_ERROR;
					failed++;
				}
			pthread_mutex_lock(&st->lock);
			st->stats.errors++;
			st->stats.items -= (uint64_t)failed;
			st->stats.items_failed += (uint64_t)failed;
			pthread_mutex_unlock(&st->lock);
		} else
			store_health_sync(st, NULL);
		/*
		 * The replies go out even when the sync failed, as the
		 * worker would claim them anyway: committed, they are there.
		 */
		store_direct_take(st, direct, ndirect);
		free(direct);
		while ((it = list) != NULL) {
			list = it->next;
			if (it->done != NULL)
				it->done(it->status, it->done_arg);
			free(it);
		}
		if (notify)
			store_outbox_notify(st);
	}
	return NULL;
}

/*
 * Writer thread, between two batches: past STORE_CKPT_RESTART frames,
 * once the checkpointer left at most STORE_CKPT_TAIL frames (or the WAL
 * grew STORE_CKPT_FORCE more), copies the frames it has not yet copied,
 * so that the next write starts the WAL over.  The checkpointer is held
 * off meanwhile.
 */
void
store_wal_between(struct store *st)
{
	double		t0;
	uint64_t	us;
	int		rc, nlog = 0, nckpt = 0;

	if (st->wal_frames < st->restart_at)
		return;
	pthread_mutex_lock(&st->lock);
	/*
	 * Under a steady load the checkpointer's passes never leave the WAL
	 * wholly copied: each leaves behind the frames written while it ran.
	 * The writer copies that rest, between two batches, while ingest
	 * waits; so it waits for a pass that left at most STORE_CKPT_TAIL
	 * frames (asking for pass after pass meanwhile), which it copies in a
	 * millisecond or two, rather than copying the thousand frames
	 * written since the last pass began (20-40 ms on a big store).
	 * Should the passes never catch up (a writer faster than the disk),
	 * it copies all the rest once the WAL grew STORE_CKPT_FORCE frames
	 * more.
	 */
	if (st->wal_frames < st->restart_at + STORE_CKPT_FORCE &&
	    (st->ckpt_running || st->wal_frames - st->ckpt_copied >
	    STORE_CKPT_TAIL)) {
		if (!st->ckpt_running) {
			st->ckpt_wanted = 1;
			pthread_cond_signal(&st->ckpt_wake);
		}
		pthread_mutex_unlock(&st->lock);
		return;
	}
	/*
	 * Held off, the checkpointer starts no new pass.  A pass still
	 * running here means the WAL is STORE_CKPT_FORCE frames behind (the
	 * test above returned otherwise): it is waited for, ingest waiting
	 * for the disk rather than the WAL growing without end.
	 */
	st->ckpt_hold = 1;
	t0 = clock_mono();
	while (st->ckpt_running)
		pthread_cond_wait(&st->ckpt_idle, &st->lock);
	pthread_mutex_unlock(&st->lock);
	rc = sqlite3_wal_checkpoint_v2(db_sqlite_handle(st->wr.db), NULL,
	    SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
	us = (uint64_t)((clock_mono() - t0) * 1e6);
	/* Done: the next commit starts the WAL over (the hook sees it). */
	if (rc != DB_OK || nlog != nckpt) {
		/*
		 * A reader still uses older frames (a report, or only a
		 * read that began a moment before): not again before the
		 * WAL grew by STORE_CKPT_FORCE frames (a copy a time,
		 * however long the reader takes), then as before.
		 */
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warnx(_("store: checkpoint: %s"),
			    db_errmsg(st->wr.db));
		st->restart_at = st->wal_frames + STORE_CKPT_FORCE;
	}
	pthread_mutex_lock(&st->lock);
	st->stats.ckpt_writer++;
	st->stats.ckpt_writer_us += us;
	if (us > st->stats.ckpt_writer_max_us)
		st->stats.ckpt_writer_max_us = us;
	st->ckpt_hold = 0;
	pthread_cond_signal(&st->ckpt_wake);
	pthread_mutex_unlock(&st->lock);
}

/*
 * The checkpointer thread: copies the WAL into the database file whenever
 * the writer's WAL hook asks, without ever blocking the writer.
 */
static void *
ckpt_main(void *arg)
{
	struct store	*st = arg;
	double		 t0;
	int		 rc, nlog, nckpt;
	uint64_t	 gen;

	pthread_setname_np(pthread_self(), "store-ckpt");
	pthread_mutex_lock(&st->lock);
	for (;;) {
		while ((!st->ckpt_wanted || st->ckpt_hold) &&
		    !st->ckpt_closing)
			pthread_cond_wait(&st->ckpt_wake, &st->lock);
		if (st->ckpt_closing)
			break;
		st->ckpt_wanted = 0;
		st->ckpt_running = 1;
		gen = st->wal_gen;
		pthread_mutex_unlock(&st->lock);
		t0 = clock_mono();
		nlog = nckpt = 0;
		rc = sqlite3_wal_checkpoint_v2(db_sqlite_handle(st->ck.db),
		    NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warnx(_("store: checkpoint: %s"),
			    db_errmsg(st->ck.db));
		pthread_mutex_lock(&st->lock);
		/*
		 * The frames copied of the WAL as this pass saw it, unless
		 * the WAL started over since (the hook then said 0).
		 */
		if (rc == SQLITE_OK && gen == st->wal_gen)
			st->ckpt_copied = nckpt;
		st->stats.ckpt_thread++;
		st->stats.ckpt_thread_us += (uint64_t)((clock_mono() - t0) *
		    1e6);
		st->ckpt_running = 0;
		pthread_cond_signal(&st->ckpt_idle);
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/*
 * SQLite calls this on the writer thread after each commit with the
 * frames in the WAL; it replaces the automatic checkpoint.  Returns
 * DB_OK.
 */
int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store	*st = arg;

	(void)db;
	(void)name;
	if (frames < st->wal_frames) {		/* started over */
		st->ckpt_next = STORE_CKPT_PAGES;
		st->restart_at = STORE_CKPT_RESTART;
		pthread_mutex_lock(&st->lock);
		st->wal_gen++;
		st->ckpt_copied = 0;
		pthread_mutex_unlock(&st->lock);
	}
	st->wal_frames = frames;
	if (frames >= st->ckpt_next) {
		st->ckpt_next = frames + STORE_CKPT_STEP;
		pthread_mutex_lock(&st->lock);
		st->ckpt_wanted = 1;
		if (!st->ckpt_running && !st->ckpt_hold)
			pthread_cond_signal(&st->ckpt_wake);
		pthread_mutex_unlock(&st->lock);
	}
	return DB_OK;
}
