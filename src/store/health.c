/*
 * health.c: whether the store can do its job, for /healthz, /metrics and
 * papictl status (store_health()).
 *
 * A store that cannot write says so rather than "ok": the writer records
 * a write that failed (a work item's SQLite error, a BEGIN or a COMMIT
 * that failed), and the syncer a WAL that could not be synced.  Either
 * failure stands until a write (a sync) succeeds after STORE_FAIL_HOLD
 * seconds without another failure: on a nearly full disk a small write
 * may go through between two messages that do not, and the store is
 * not well for that.  While a failure stands, the writer, when it has
 * nothing else to do, rewrites one row of store_probe every
 * STORE_PROBE_EVERY seconds: a store that recovered (disk space freed,
 * the file system writable again) says so without waiting for a
 * message.
 *
 * store_health() also looks at the file itself, since an idle store
 * writes nothing: the database file removed or replaced under the
 * daemon (SQLite would go on writing to the unlinked file), a file
 * system mounted read-only, a file that cannot be written, no space
 * left.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "store/engine.h"
#include "store/store_priv.h"

#define STORE_PROBE_EVERY	5	/* seconds between probes */
#define STORE_FAIL_HOLD		15	/* seconds without a failure before
					   a success ends it */

enum {
	ST_PROBE,
	ST_PING,
	ST_MAX
};

static const char *const health_sql[ST_MAX] = {
	[ST_PROBE] = "INSERT INTO store_probe (id, at) VALUES (1, ?1) "
	    "ON CONFLICT (id) DO UPDATE SET at = excluded.at",
	[ST_PING] = "SELECT count(*) FROM (SELECT 1 FROM cases LIMIT 1) AS p",
};

static const struct store_family health_family = {
	STORE_FAM_HEALTH, ST_MAX, health_sql, NULL
};

/* Remembers the file the store opened, to tell it from another later. */
void
store_health_open(struct store *st)
{
	struct stat	sb;

	if (st->path != NULL && stat(st->path, &sb) == 0) {
		st->dev = sb.st_dev;
		st->ino = sb.st_ino;
	}
}

/*
 * Records a failed write (why: what failed and SQLite's message) or,
 * with why NULL, a batch that wrote and committed.  Logs the start and
 * the end of a failure.
 */
void
store_health_write(struct store *st, const char *why)
{
	int64_t	since = 0, now = clock_unix();

	pthread_mutex_lock(&st->lock);
	if (why != NULL) {
		if (st->write_error[0] == '\0') {
			st->write_failed_at = now;
			log_warnx(_("store: writes fail (%s); degraded until "
			    "they succeed"), why);
		}
		st->write_failed_last = now;
		copy_str(st->write_error, sizeof(st->write_error), why);
	} else if (st->write_error[0] != '\0' &&
	    now - st->write_failed_last >= STORE_FAIL_HOLD) {
		since = st->write_failed_at;
		st->write_error[0] = '\0';
	}
	pthread_mutex_unlock(&st->lock);
	if (since != 0)
		log_notice(_("store: writes succeed again (they failed for "
		    "%llds)"), (long long)(clock_unix() - since));
}

/* The same for a sync of the WAL (syncer thread). */
void
store_health_sync(struct store *st, const char *why)
{
	int64_t	since = 0, now = clock_unix();

	pthread_mutex_lock(&st->lock);
	if (why != NULL) {
		if (st->sync_error[0] == '\0') {
			st->sync_failed_at = now;
			log_warnx(_("store: the WAL cannot be synced (%s); "
			    "degraded until it can"), why);
		}
		st->sync_failed_last = now;
		copy_str(st->sync_error, sizeof(st->sync_error), why);
	} else if (st->sync_error[0] != '\0' &&
	    now - st->sync_failed_last >= STORE_FAIL_HOLD) {
		since = st->sync_failed_at;
		st->sync_error[0] = '\0';
	}
	pthread_mutex_unlock(&st->lock);
	if (since != 0)
		log_notice(_("store: the WAL syncs again (it failed for "
		    "%llds)"), (long long)(clock_unix() - since));
}

static enum store_status
probe_work(struct store_txn *txn, void *arg)
{
	struct db_stmt	*s;

	(void)arg;
	if ((s = store_txn_stmt(txn, &health_family, ST_PROBE)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, clock_unix());
	return store_txn_step(txn, s, "probe", NULL);
}

/*
 * Writer thread, lock held, nothing queued: while a write or a sync
 * failure stands, returns how many milliseconds to wait before the next
 * probe (0: queue one now, which this does), or -1 when no probe is
 * needed.
 */
int
store_health_probe(struct store *st)
{
	struct item	*it;
	double		 now;

	if (st->write_error[0] == '\0' && st->sync_error[0] == '\0') {
		st->probe_next = 0;
		return -1;
	}
	now = clock_mono();
	if (st->probe_next == 0)	/* the first, a while after */
		st->probe_next = now + STORE_PROBE_EVERY;
	if (now < st->probe_next)
		return (int)((st->probe_next - now) * 1000) + 1;
	st->probe_next = now + STORE_PROBE_EVERY;
	it = xcalloc(1, sizeof(*it));
	it->work = probe_work;
	it->probe = 1;
	st->head = st->tail = it;
	st->nqueued++;
	return 0;
}

/* What is wrong with the database file, into why; "" when nothing. */
static void
file_check(struct store *st, char *why, size_t whysz)
{
	struct stat	sb;
	struct statvfs	vfs;
	int		vfs_ok;

	why[0] = '\0';
	if (st->path == NULL)
		return;
	if (stat(st->path, &sb) == -1) {
		snprintf(why, whysz, "the database file %s is gone (%s)",
		    st->path, strerror(errno));
		return;
	}
	if (sb.st_dev != st->dev || sb.st_ino != st->ino) {
		snprintf(why, whysz, "the database file %s was replaced under "
		    "the daemon (restart it)", st->path);
		return;
	}
	vfs_ok = statvfs(st->path, &vfs) == 0;
	if (vfs_ok && (vfs.f_flag & ST_RDONLY))
		snprintf(why, whysz, "%s is on a read-only file system",
		    st->path);
	else if (access(st->path, W_OK) == -1)
		snprintf(why, whysz, "%s cannot be written (%s)", st->path,
		    strerror(errno));
	else if (vfs_ok && vfs.f_bavail == 0)
		snprintf(why, whysz, "no space left on the file system of %s",
		    st->path);
}

/*
 * Whether the store can read: one row of the cases, in a time that does
 * not grow with the database (/healthz must answer fast).  Returns
 * STORE_OK or an error.  Any thread.
 */
enum store_status
store_ping(struct store *st)
{
	int64_t	n;

	return store_read_row(st, &health_family, ST_PING, 0, store_fill_int,
	    &n);
}

/*
 * Fills h with what keeps the store from writing now, each "" when all
 * is well.  Any thread; cheap (a stat and a statvfs).
 */
void
store_health(struct store *st, struct store_health *h)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_lock(&st->lock);
	copy_str(h->write, sizeof(h->write), st->write_error);
	h->write_since = st->write_failed_at;
	copy_str(h->sync, sizeof(h->sync), st->sync_error);
	h->sync_since = st->sync_failed_at;
	pthread_mutex_unlock(&st->lock);
	file_check(st, h->file, sizeof(h->file));
}
