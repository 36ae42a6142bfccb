/*
 * engine.c: the SQLite store's engine, the single owner of the database
 * file: opening and closing, the writer thread and its group commit, the
 * counts of rows and the outbox hook.
 *
 * The file is opened three times: the writer's connection, the shared
 * reader's and the checkpointer's (struct store, engine.h).  The writer
 * connection belongs to one writer thread; every change goes through it
 * as a work item: a producer (an HTTP request, the modem thread, a
 * papictl command) calls store_submit() or store_submit_wait() with a
 * work function, and the writer takes whatever is queued, up to batch_max
 * items, and runs it all in one transaction (BEGIN IMMEDIATE ... COMMIT,
 * one fsync for the lot: group commit).  Each item runs inside its own
 * SAVEPOINT, so an item that fails is rolled back alone and its status
 * goes to its own producer while the others commit; an item of
 * store_submit_clean() (ingest), which changes nothing when it fails,
 * runs without one, and should it fail after a change all the same, the
 * whole batch is rolled back and every item told so.  Completion
 * callbacks run only after COMMIT returned (and, with
 * storage.synchronous = full, after the syncer of wal.c made the batch
 * durable); when the COMMIT fails, every item of the batch is told so.
 * Nothing is ever reported as stored that was not.
 *
 * A work function changes rows through the table families' functions
 * (store.h), which run their statements on the work item's connection
 * with the helpers of txn.c.  The reader connection is read-only and
 * shared, under a mutex, by the store_*_get() functions and store_read()
 * (txn.c); in WAL mode it sees committed data only.  The checkpointer's
 * connection is wal.c's.  The schema is brought up to date by migrate.c
 * when the store opens.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "store/engine.h"
#include "store/store_priv.h"

/* The engine's own statements. */
enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
#ifdef PAPIGW_TEST_HOOKS
	ST_PAGE_COUNT,
#endif
	ST_COUNT,		/* STORE_T_MAX counting statements follow */
	ST_MAX = ST_COUNT + STORE_T_MAX
};

static const char *const engine_sql[ST_MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT item",
	[ST_RELEASE] = "RELEASE item",
	[ST_ROLLBACK_TO] = "ROLLBACK TO item",
#ifdef PAPIGW_TEST_HOOKS
	[ST_PAGE_COUNT] = "PRAGMA page_count",
#endif
	[ST_COUNT + STORE_T_INBOUND] = "SELECT count(*) FROM inbound",
	[ST_COUNT + STORE_T_OUTBOUND] = "SELECT count(*) FROM outbox "
	    "WHERE sent IS NOT NULL",
	[ST_COUNT + STORE_T_CASES] = "SELECT count(*) FROM cases",
	[ST_COUNT + STORE_T_CASE_EVENTS] = "SELECT count(*) FROM case_events",
	[ST_COUNT + STORE_T_NOTES] = "SELECT count(*) FROM notes",
	[ST_COUNT + STORE_T_OUTBOX] = "SELECT count(*) FROM outbox",
	[ST_COUNT + STORE_T_AUDIT] = "SELECT count(*) FROM audit",
};

/* PostgreSQL's transactions take their locks as they go. */
static const char *const engine_sql_pg[ST_MAX] = {
	[ST_BEGIN] = "BEGIN",
};

static const struct store_family engine_family = {
	STORE_FAM_ENGINE, ST_MAX, engine_sql, engine_sql_pg
};

static void	*writer_main(void *);
#ifdef PAPIGW_TEST_HOOKS
static int	 commit_hook(void *);
static void	 fault_poll(struct store *);
#endif

/* Counts an SQLite error in the statistics. */
void
store_count_error(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	st->stats.errors++;
	pthread_mutex_unlock(&st->lock);
}

/*
 * ===================================================================
 * Opening and closing
 * ===================================================================
 */

/* A store that holds no connection yet, set up from opt. */
static struct store *
store_new(const struct store_options *opt)
{
	struct store	*st;

	st = xcalloc(1, sizeof(*st));
	st->walfd = -1;
	st->ckpt_next = STORE_CKPT_PAGES;
	st->restart_at = STORE_CKPT_RESTART;
	pthread_mutex_init(&st->rlock, NULL);
	pthread_mutex_init(&st->lock, NULL);
	pthread_mutex_init(&st->direct_lock, NULL);
	pthread_cond_init(&st->wake, NULL);
	pthread_cond_init(&st->synced_wake, NULL);
	pthread_cond_init(&st->ckpt_wake, NULL);
	pthread_cond_init(&st->ckpt_idle, NULL);
	st->pipelined = opt->synchronous_full;
	st->batch_max = opt->batch_max > 0 ? opt->batch_max :
	    STORE_BATCH_MAX_DEFAULT;
	st->batch = xcalloc((size_t)st->batch_max, sizeof(*st->batch));
	st->leading = -1;	/* not asked yet */
	st->driver = db_driver_named(opt->driver);
	st->conninfo = xstrdup(opt->conninfo != NULL ? opt->conninfo : "");
	st->ward = xstrdup(opt->ward != NULL ? opt->ward : "");
	if (store_is_pg(st))
		st->pipelined = 0;	/* PostgreSQL's COMMIT is durable */
	if (!store_is_pg(st) && opt->path != NULL && *opt->path != '\0') {
		st->path = xstrdup(opt->path);
		st->walpath = xcalloc(1, strlen(st->path) + sizeof("-wal"));
		strcpy(st->walpath, st->path);
		strcat(st->walpath, "-wal");
	}
	return st;
}

/*
 * Opens (creating it if needed), sets up and migrates the writer's
 * connection.  Returns 0, or -1 with the reason in err.
 */
static int
open_writer(struct store *st, const struct store_options *opt, char *err,
    size_t errsz)
{
	/*
	 * The engine's connections are each used by one thread at a time
	 * (the writer's, the checkpointer's, the reader's under rlock):
	 * SQLite's own mutex on every call (4 % of the writer's time) is
	 * not needed.  A commit's WAL frames go to the file in one write
	 * (DB_WALBUF, db_walbuf.c).
	 */
	if (store_conn_open(&st->wr, st, DB_CREATE | DB_NOMUTEX | DB_WALBUF,
	    opt->busy_timeout_ms > 0 ?
	    opt->busy_timeout_ms : STORE_BUSY_TIMEOUT_DEFAULT, "", err,
	    errsz) == -1)
		return -1;
	if (store_is_pg(st))
		return store_migrate_pg(st->wr.db, err, errsz);
	if (store_conn_configure(&st->wr, opt, err, errsz) == -1 ||
	    store_migrate(st->wr.db, st->path, err, errsz) == -1)
		return -1;
#ifdef PAPIGW_TEST_HOOKS
	sqlite3_commit_hook(db_sqlite_handle(st->wr.db), commit_hook, st);
#endif
	/* No autocheckpoint: wal.c's threads checkpoint. */
	sqlite3_wal_hook(db_sqlite_handle(st->wr.db), store_wal_hook, st);
	if (st->pipelined && db_exec(st->wr.db, "PRAGMA synchronous = "
	    "NORMAL") != DB_OK) {
		snprintf(err, errsz, "%s: %s", st->path,
		    db_errmsg(st->wr.db));
		return -1;
	}
	return 0;
}

/*
 * Opens (creating it if needed) and migrates the database, opens the
 * checkpointer's and the reader's connections and starts the threads.
 * Returns the store, to be released with store_close(), or NULL with the
 * reason in err.
 */
struct store *
store_open(const struct store_options *opt, char *err, size_t errsz)
{
	struct store	*st;
	int		 rc;

	st = store_new(opt);
	if (st->driver == NULL) {
		snprintf(err, errsz, "store: no database driver '%s'",
		    opt->driver);
		goto fail;
	}
	if (st->path == NULL && !store_is_pg(st)) {
		snprintf(err, errsz, "store: no database path");
		goto fail;
	}
	if (open_writer(st, opt, err, errsz) == -1)
		goto fail;
	store_health_open(st);
	if (store_wal_open(st, err, errsz) == -1 ||
	    store_conn_open(&st->rd, st, DB_READONLY | DB_NOMUTEX,
	    opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms :
	    STORE_BUSY_TIMEOUT_DEFAULT, "reader: ", err, errsz) == -1 ||
	    store_wal_start(st, err, errsz) == -1)
		goto fail;
	if ((rc = pthread_create(&st->writer, NULL, writer_main, st)) != 0) {
		snprintf(err, errsz, "store: writer thread: %s", strerror(rc));
		goto fail;
	}
	st->writer_started = 1;
	return st;
fail:
	store_close(st);
	return NULL;
}

/*
 * Stops taking work, runs and commits everything already submitted
 * (calling its callbacks), joins the threads, checkpoints the WAL into
 * the database and closes it.  NULL is a no-op.  Never from a work
 * function or a callback: they run on the writer and syncer threads.
 */
void
store_close(struct store *st)
{
	int	rc;

	if (st == NULL)
		return;
	if ((st->writer_started && pthread_equal(pthread_self(),
	    st->writer)) || (st->syncer_started &&
	    pthread_equal(pthread_self(), st->syncer)))
		fatalx("store: store_close() from a store callback");
	if (st->writer_started) {
		pthread_mutex_lock(&st->lock);
		st->closing = 1;
		pthread_cond_signal(&st->wake);
		pthread_mutex_unlock(&st->lock);
		pthread_join(st->writer, NULL);
	}
	store_wal_stop(st);
	store_conn_close(&st->rd);
	if (st->wr.db != NULL && st->writer_started && !store_is_pg(st)) {
		db_exec(st->wr.db, "PRAGMA optimize");
		rc = sqlite3_wal_checkpoint_v2(db_sqlite_handle(st->wr.db),
		    NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		if (rc != SQLITE_OK)
			log_warnx(_("store: %s: checkpoint: %s"), st->path,
			    db_errmsg(st->wr.db));
	}
	store_conn_close(&st->wr);
	store_conn_close(&st->lead);
	store_audit_free(st);
	store_outbox_texts_forget(st);
	if (st->walfd != -1)
		close(st->walfd);
	free(st->walpath);
	pthread_cond_destroy(&st->ckpt_wake);
	pthread_cond_destroy(&st->ckpt_idle);
	pthread_cond_destroy(&st->synced_wake);
	pthread_cond_destroy(&st->wake);
	pthread_mutex_destroy(&st->lock);
	pthread_mutex_destroy(&st->rlock);
	/* Replies not handed over: "sending", queued again at the start. */
	store_direct_drop(st, 0);
	free(st->direct);
	st->direct_take = NULL;
	store_direct_take(st, st->sync_direct, st->nsync_direct);
	free(st->sync_direct);
	pthread_mutex_destroy(&st->direct_lock);
	free(st->batch);
	free(st->path);
	free(st->conninfo);
	free(st->ward);
	free(st);
}

const struct db_driver *
store_driver(const struct store *st)
{
	return st->driver;
}

const char *
store_target(const struct store *st)
{
	return store_is_pg(st) ? st->conninfo : st->path;
}

/*
 * Takes or keeps a session lock held on a connection of its own, conn:
 * try_sql takes it when free and answers whether it did ("SELECT
 * pg_try_advisory_lock(KEY)", or with one text parameter, arg, for a
 * key made of a name: "SELECT pg_try_advisory_lock(KEY, hashtext(?))";
 * arg NULL for none).  *held says whether this session holds it already:
 * then the connection is only asked to answer, the lock living as long
 * as its session.  Returns 1 when this session holds the lock (*held set
 * to 1), 0 when another does (*held 0), or -1 when the database cannot
 * be reached, with the reason in err after prefix: the connection is
 * closed, and the lock with it (*held 0).  The connection is opened
 * DB_SESSION: the driver never reopens it behind our back, which would
 * lose the lock while *held still said 1.  PostgreSQL only; from one
 * thread at a time for one conn.
 */
static int
session_lock(struct store *st, struct store_conn *conn, int *held,
    const char *try_sql, const char *arg, const char *prefix, char *err,
    size_t errsz)
{
	struct db_stmt	*s = NULL;
	enum db_rc	 rc;
	int		 got = 0;

	if (conn->db == NULL) {
		*held = 0;
		if (store_conn_open(conn, st, DB_SESSION, 0, prefix, err,
		    errsz) == -1) {
			store_conn_close(conn);
			return -1;
		}
	}
	rc = db_prepare(conn->db, *held ? "SELECT true" : try_sql, &s);
	if (rc == DB_OK && !*held && arg != NULL)
		rc = db_bind_text(s, 1, arg);
	if (rc == DB_OK && (rc = db_step(s)) == DB_ROW)
		got = db_column_int64(s, 0) != 0;
	else
		snprintf(err, errsz, "%s%s", prefix, db_errmsg(conn->db));
	db_finalize(s);
	if (rc != DB_ROW) {
		/* The connection, and the lock with it, is gone. */
		store_conn_close(conn);
		*held = 0;
		return -1;
	}
	*held = got;
	return got;
}

/*
 * The session locks of the timers on PostgreSQL (pg_try_advisory_lock's
 * keys).  LEAD_ALL: every timer of every ward, the lock of a gateway of
 * no ward and of the versions before the wards' timers; the gateways of
 * a ward hold it shared, so that one of those and one of these never
 * both run timers.  LEAD_WARD, with hashtext() of the ward: a ward's
 * cases.  LEAD_DB: what belongs to no ward.
 */
#define LEAD_ALL	"7240003"
#define LEAD_WARD	"7240005"
#define LEAD_DB		"7240006"

/* The locks st->lead holds (st->lead_held). */
#define HELD_ALL	0x01	/* LEAD_ALL, exclusive */
#define HELD_SHARED	0x02	/* LEAD_ALL, shared */
#define HELD_WARD	0x04
#define HELD_DB		0x08

/*
 * Asks for a lock on st->lead (sql answers a boolean, with ? the ward);
 * sets *got.  Returns 0, or -1 when the connection failed.
 */
static int
lead_try(struct store *st, const char *sql, int *got)
{
	struct db_stmt	*s;
	enum db_rc	 rc;

	*got = 0;
	rc = db_prepare(st->lead.db, sql, &s);
	if (rc == DB_OK && strchr(sql, '?') != NULL)
		rc = db_bind_text(s, 1, st->ward);
	if (rc == DB_OK && (rc = db_step(s)) == DB_ROW)
		*got = db_column_int64(s, 0) != 0;
	db_finalize(s);
	return rc == DB_ROW ? 0 : -1;
}

/* Logs what this gateway runs now (lead), which was "was" (-1: unknown). */
static void
lead_log(const struct store *st, int was, int lead)
{
	int	changed = was == -1 ? STORE_LEAD_ALL : was ^ lead;

	if (st->ward[0] == '\0') {
		log_info(lead ? _("store: this gateway runs the timers") :
		    _("store: another gateway runs the timers"));
		return;
	}
	if (changed & STORE_LEAD_CASES)
		log_info(lead & STORE_LEAD_CASES ? _("store: this gateway "
		    "runs the timers of ward %s") : _("store: another gateway "
		    "runs the timers of ward %s"), st->ward);
	if (changed & STORE_LEAD_DB)
		log_info(lead & STORE_LEAD_DB ? _("store: this gateway runs "
		    "the timers of what belongs to no ward") : _("store: "
		    "another gateway runs the timers of what belongs to no "
		    "ward"));
}

/*
 * Which timers this gateway runs now, from the timers' thread only:
 * STORE_LEAD_CASES (the deadlines, reminders and retention of its
 * ward's cases), STORE_LEAD_DB (what belongs to no ward: the messages
 * that opened no case, the announcements, the reception, replies left
 * "sending"), both (STORE_LEAD_ALL) or none (0).  On SQLite it runs them
 * all.  On PostgreSQL, where several gateways share the database, a
 * gateway runs what it holds a session lock for, on a connection of its
 * own: taken when free (the first gateway up, or when the one that held
 * it stopped or died and its session ended with it), kept while that
 * connection lives.  A gateway of no ward (ward.id unset) takes one lock
 * for every timer of every case, as before the wards.  A gateway of a
 * ward takes its ward's lock, and that of what belongs to no ward when
 * free; its connection is limited to its ward (store_conn_ward()), and
 * the timers read what is due of its cases on it (store_read_timers()).
 */
int
store_timer_lead(struct store *st)
{
	char	 err[STORE_ERR_MAX];
	int	 got, lead = 0, was = st->leading;

	if (!store_is_pg(st))
		return STORE_LEAD_ALL;
	if (st->lead.db == NULL) {
		st->lead_held = 0;
		if (store_conn_open(&st->lead, st, DB_SESSION, 0, "timers: ",
		    err, sizeof(err)) == -1) {
			log_warnx("store: %s", err);
			goto lost;
		}
		if (st->ward[0] != '\0' &&
		    store_conn_ward(&st->lead, st->ward) == -1)
			goto lost;
	}
	if (st->ward[0] == '\0') {
		if (lead_try(st, st->lead_held ? "SELECT true" :
		    "SELECT pg_try_advisory_lock(" LEAD_ALL ")", &got) == -1 ||
		    (!got && st->lead_held))
			goto lost;
		st->lead_held = got ? HELD_ALL : 0;
		lead = got ? STORE_LEAD_ALL : 0;
		goto out;
	}
	/* A gateway of no ward, or of an earlier version, runs them all. */
	if (!(st->lead_held & HELD_SHARED)) {
		if (lead_try(st, "SELECT pg_try_advisory_lock_shared("
		    LEAD_ALL ")", &got) == -1)
			goto lost;
		if (!got)
			goto out;
		st->lead_held |= HELD_SHARED;
	}
	if (!(st->lead_held & HELD_WARD)) {
		if (lead_try(st, "SELECT pg_try_advisory_lock(" LEAD_WARD
		    ", hashtext(?))", &got) == -1)
			goto lost;
		st->lead_held |= got ? HELD_WARD : 0;
	}
	if (!(st->lead_held & HELD_DB)) {
		if (lead_try(st, "SELECT pg_try_advisory_lock(" LEAD_DB ")",
		    &got) == -1)
			goto lost;
		st->lead_held |= got ? HELD_DB : 0;
	}
	/* Whether the connection, and the locks with it, still is. */
	if ((st->lead_held & (HELD_WARD | HELD_DB)) == (HELD_WARD | HELD_DB) &&
	    lead_try(st, "SELECT true", &got) == -1)
		goto lost;
	lead = (st->lead_held & HELD_WARD ? STORE_LEAD_CASES : 0) |
	    (st->lead_held & HELD_DB ? STORE_LEAD_DB : 0);
	goto out;
lost:
	/*
	 * The connection, and the locks with it, is gone: no gateway may
	 * run these timers on the strength of it.  Who runs them is not
	 * known until the database answers again (-1: logged then).
	 */
	store_conn_close(&st->lead);
	st->lead_held = 0;
	if (was != -1)
		log_info(_("store: the timers wait for the database"));
	st->leading = -1;
	return 0;
out:
	if (lead != was)
		lead_log(st, was, lead);
	st->leading = lead;
	return lead;
}

/*
 * Runs fn(txn, arg) on the connection the timers read their cases on:
 * on PostgreSQL for a gateway of a ward, its timers' connection, limited
 * to that ward (store_timer_lead() opened it; STORE_ERROR when it is
 * not open); else the reader (store_read()).  From the timers' thread.
 */
enum store_status
store_read_timers(struct store *st, store_work_fn fn, void *arg)
{
	struct store_txn	txn = { st, &st->lead, STORE_OK, "" };
	enum store_status	r;

	if (!store_is_pg(st) || st->ward[0] == '\0')
		return store_read(st, fn, arg);
	if (st->lead.db == NULL || strcmp(st->lead.ward, st->ward) != 0)
		return STORE_ERROR;
	/*
	 * A failure may be the connection's: it would come back at the
	 * next statement without its ward or its locks.  Closed now, the
	 * next store_timer_lead() opens it again, limited, and asks for
	 * the locks again.
	 */
	if ((r = fn(&txn, arg)) != STORE_OK && r != STORE_NOTFOUND) {
		store_conn_close(&st->lead);
		st->lead_held = 0;
	}
	return r;
}

/*
 * A channel this gateway alone serves on a shared database: a modem is
 * plugged into one machine, and the replies queued for its channel must
 * go out through it, so two gateways must not both serve a modem channel
 * of one name (the outbox is claimed by channel name).  The claim is a
 * session lock (pg_try_advisory_lock on the channel's name) held on a
 * connection of the claim's own: it ends with that connection, when the
 * gateway stops or dies.
 */
struct store_claim {
	struct store_conn conn;
	char		*channel;
	int		 held;
};

struct store_claim *
store_claim_new(const char *channel)
{
	struct store_claim	*c;

	c = xcalloc(1, sizeof(*c));
	c->channel = xstrdup(channel);
	return c;
}

/*
 * Takes or keeps the claim: returns 1 when this gateway holds it (always
 * on SQLite), 0 when another session does, -1 when the database cannot
 * be reached (err says why).  From one thread at a time.
 */
int
store_claim_hold(struct store *st, struct store_claim *c, char *err,
    size_t errsz)
{
	if (!store_is_pg(st))
		return 1;
	return session_lock(st, &c->conn, &c->held,
	    "SELECT pg_try_advisory_lock(7240004, hashtext(?))", c->channel,
	    "", err, errsz);
}

/* Lets the claim go (its connection closes) and frees it; NULL: no-op. */
void
store_claim_free(struct store_claim *c)
{
	if (c == NULL)
		return;
	store_conn_close(&c->conn);
	free(c->channel);
	free(c);
}

/* Whether other gateways may share the database (PostgreSQL). */
int
store_shared(const struct store *st)
{
	return store_is_pg(st);
}

/* Whether the store is on PostgreSQL. */
int
store_is_pg(const struct store *st)
{
	return st->driver == &db_pg_driver;
}

/* Returns the database file's path, owned by the store; NULL on PostgreSQL. */
const char *
store_path(const struct store *st)
{
	return st->path;
}

/* Returns the store's ward (its new cases'), "" in a store of one ward. */
const char *
store_ward(const struct store *st)
{
	return st->ward;
}

/*
 * Returns the ward of the cases a work function on txn makes, and of the
 * cases a resident's message may join ("" in a store of one ward); owned
 * by the store.
 */
const char *
store_txn_ward(const struct store_txn *txn)
{
	return txn->st->ward;
}

/*
 * ===================================================================
 * Group commit
 * ===================================================================
 */

/*
 * Queues work for the writer.  Returns STORE_OK, after which done (when
 * not NULL) is called exactly once with the item's final status, or
 * STORE_CLOSED when the store is closing (done is then never called).
 */
static enum store_status
submit(struct store *st, store_work_fn work, void *work_arg,
    store_done_fn done, void *done_arg, int clean)
{
	struct item	*it;

	it = xcalloc(1, sizeof(*it));
	it->queued_at = clock_mono();
	it->clean = clean;
	it->work = work;
	it->work_arg = work_arg;
	it->done = done;
	it->done_arg = done_arg;
	pthread_mutex_lock(&st->lock);
	if (st->closing) {
		pthread_mutex_unlock(&st->lock);
		free(it);
		return STORE_CLOSED;
	}
	if (st->tail != NULL)
		st->tail->next = it;
	else
		st->head = it;
	st->tail = it;
	st->nqueued++;
	pthread_cond_signal(&st->wake);
	pthread_mutex_unlock(&st->lock);
	return STORE_OK;
}

/*
 * Queues work; arg goes to both work and done.  Returns STORE_OK, and done
 * (when not NULL) is later called once, on the writer or the syncer
 * thread, with the item's status after its batch committed or failed; or
 * STORE_CLOSED and done is never called.  The store does not free arg.
 */
enum store_status
store_submit(struct store *st, store_work_fn work, store_done_fn done,
    void *arg)
{
	return submit(st, work, arg, done, arg, 0);
}

/* Like store_submit(), for work that changes nothing when it fails. */
enum store_status
store_submit_clean(struct store *st, store_work_fn work, store_done_fn done,
    void *arg)
{
	return submit(st, work, arg, done, arg, 1);
}

struct waiter {
	struct store	*st;
	pthread_cond_t	 cond;
	int		 done;
	enum store_status status;
};

static void
waiter_done(enum store_status s, void *arg)
{
	struct waiter	*w = arg;

	pthread_mutex_lock(&w->st->lock);
	w->status = s;
	w->done = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->st->lock);
}

/*
 * Runs work(txn, arg) in the next batch and waits until that batch has
 * committed or failed.  Returns the item's status: STORE_OK once it is on
 * disk, the work function's own status, the batch's error, or
 * STORE_CLOSED.  Must not be called from the writer thread (a callback).
 */
enum store_status
store_submit_wait(struct store *st, store_work_fn work, void *arg)
{
	struct waiter		w;
	enum store_status	s;

	if (st->writer_started && pthread_equal(pthread_self(), st->writer)) {
		log_warnx("store: store_submit_wait() from the writer thread");
		return STORE_INVALID;
	}
	memset(&w, 0, sizeof(w));
	w.st = st;
	pthread_cond_init(&w.cond, NULL);
	if ((s = submit(st, work, arg, waiter_done, &w, 0)) != STORE_OK)
		goto done;
	pthread_mutex_lock(&st->lock);
	while (!w.done)
		pthread_cond_wait(&w.cond, &st->lock);
	pthread_mutex_unlock(&st->lock);
	s = w.status;
done:
	pthread_cond_destroy(&w.cond);
	return s;
}

/* Fills out with the counters at this moment. */
void
store_stats(struct store *st, struct store_stats *out)
{
	pthread_mutex_lock(&st->lock);
	*out = st->stats;
	out->queued = st->nqueued;
	pthread_mutex_unlock(&st->lock);
}

/*
 * The upper bounds of the latency histograms' buckets, in microseconds:
 * those of papigw_ingest_latency_seconds.
 */
const uint32_t store_lat_le_us[STORE_LAT_BUCKETS - 1] = {
	500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 250000, 500000,
	1000000, 2500000
};

/* Counts seconds into histogram h and its sum (st->lock held). */
void
store_lat_add(uint64_t *h, uint64_t *sum, double seconds)
{
	uint64_t	us = seconds > 0 ? (uint64_t)(seconds * 1e6) : 0;
	int		b = 0;

	while (b < STORE_LAT_BUCKETS - 1 && us > store_lat_le_us[b])
		b++;
	h[b]++;
	*sum += us;
}

/* The histogram bucket of a batch of n items (n >= 1). */
static int
batch_bucket(size_t n)
{
	int	b = 0;

	while (b < STORE_BATCH_BUCKETS - 1 && ((size_t)1 << b) < n)
		b++;
	return b;
}

/*
 * Runs one item inside its savepoint, or without one for a clean item;
 * returns its status.  Sets *poisoned when a clean item failed after
 * changing rows: only a rollback of the whole batch undoes them.
 */
static enum store_status
item_run(struct store *st, struct store_txn *txn, struct item *it,
    int *poisoned)
{
	struct store_audit_end	end = st->audit_end;
	enum store_status	s;
	int64_t		changes;
	size_t			direct = st->ndirect;
	size_t			queued = store_audit_mark(st);
	int			rc;

	txn->fatal = STORE_OK;
	if (it->clean) {
		changes = db_total_changes(st->wr.db);
		s = it->work(txn, it->work_arg);
		if (s == STORE_OK && txn->fatal != STORE_OK)
			s = txn->fatal;
		if (s != STORE_OK &&
		    db_total_changes(st->wr.db) != changes)
			*poisoned = 1;
		if (s != STORE_OK) {
			st->audit_end = end;
			store_audit_rewind(st, queued);
			store_direct_drop(st, direct);
			store_outbox_texts_forget(st);
		}
		return s;
	}
	if ((rc = store_conn_exec(&st->wr, &engine_family, ST_SAVEPOINT)) !=
	    DB_OK)
		return store_txn_fail(txn, rc, "savepoint");
	s = it->work(txn, it->work_arg);
	if (s == STORE_OK && txn->fatal != STORE_OK)
		s = txn->fatal;
	if (!db_in_transaction(st->wr.db))
		return s != STORE_OK ? s : STORE_ERROR;
	/* The item's audit entries, and its replies, go with it. */
	if (s != STORE_OK) {
		st->audit_end = end;
		store_audit_rewind(st, queued);
		store_direct_drop(st, direct);
		store_outbox_texts_forget(st);
	}
	if (s != STORE_OK && (rc = store_conn_exec(&st->wr, &engine_family,
	    ST_ROLLBACK_TO)) != DB_OK)
		store_txn_fail(txn, rc, "rollback to savepoint");
	if ((rc = store_conn_exec(&st->wr, &engine_family, ST_RELEASE)) !=
	    DB_OK) {
		store_txn_fail(txn, rc, "release savepoint");
		if (s == STORE_OK)
			s = store_status_of(rc);
	}
	return s;
}

/*
 * The counters and the store's health after a batch committed: why says
 * what failed to write inside it (a full disk...), or is empty; changes
 * is the connection's total before the batch.
 */
static void
batch_committed(struct store *st, struct item **batch, size_t n,
    const char *why, int64_t changes)
{
	size_t	i, failed = 0;

	for (i = 0; i < n; i++)
		if (batch[i]->status != STORE_OK)
			failed++;
	/* A probe alone is no work of anyone's: not counted. */
	pthread_mutex_lock(&st->lock);
	if (n > 1 || !batch[0]->probe) {
		st->stats.batches++;
		st->stats.items += n - failed;
		st->stats.items_failed += failed;
		st->stats.batch_size[batch_bucket(n)]++;
	}
	pthread_mutex_unlock(&st->lock);
	if (why[0] != '\0')
		store_health_write(st, why);
	else if (db_total_changes(st->wr.db) != changes)
		store_health_write(st, NULL);
}

/*
 * Writer thread, a batch's items run: while the syncer is making earlier
 * batches durable, the items of this one could not be on disk before it
 * is done anyway, so the batch goes on with what is queued meanwhile,
 * waiting for it, and commits once the syncer is free: one commit, and
 * one sync, for everything that came during a sync, instead of a commit
 * (a write of every page it changed) for each few items.  Without a sync
 * in progress (or storage.synchronous = normal) it commits at once.
 * Appends the items it takes to batch (batch_max in all); returns the
 * new count, n when the batch should commit.
 */
static size_t
batch_more(struct store *st, struct item **batch, size_t n)
{
	if (!st->pipelined || n >= (size_t)st->batch_max)
		return n;
	pthread_mutex_lock(&st->lock);
	while (st->head == NULL && st->syncing && !st->closing)
		pthread_cond_wait(&st->wake, &st->lock);
	if (st->syncing)
		for (; st->head != NULL && n < (size_t)st->batch_max; n++) {
			batch[n] = st->head;
			st->head = st->head->next;
			st->nqueued--;
		}
	if (st->head == NULL)
		st->tail = NULL;
	pthread_mutex_unlock(&st->lock);
	return n;
}

/*
 * Runs a batch in one transaction and sets each item's status; the batch
 * takes more items while the syncer is busy (batch_more()).  Returns the
 * number of items it ran.  When the transaction cannot begin or commit,
 * or SQLite rolled it back on its own (it does on some I/O errors), every
 * item that would have succeeded gets the error instead: nothing is
 * reported as committed that was not.
 */
static size_t
batch_run(struct store *st, struct item **batch, size_t n)
{
	struct store_txn	 txn = { st, &st->wr, STORE_OK, "" };
	enum store_status	 lost = STORE_ERROR;
	size_t			 i, ran = 0;
	int64_t		 changes = db_total_changes(st->wr.db);
	char			 why[STORE_HEALTH_MAX] = "";
	int			 rc, poisoned = 0;

	/*
	 * The chain goes on from the database's newest entry, read at the
	 * batch's first entry: once a batch, not once an entry.
	 */
	st->audit_end.valid = 0;
	if ((rc = store_conn_exec(&st->wr, &engine_family, ST_BEGIN)) !=
	    DB_OK) {
		log_warnx(_("store: begin: %s"), db_errmsg(st->wr.db));
		snprintf(why, sizeof(why), "begin: %s",
		    db_errmsg(st->wr.db));
		lost = store_status_of(rc);
		goto fail;
	}
	for (i = 0; i < n || (n = batch_more(st, batch, n)) > i; i++) {
		batch[i]->status = item_run(st, &txn, batch[i], &poisoned);
		/* A full disk, I/O, busy: the store cannot write. */
		if (txn.fatal != STORE_OK && why[0] == '\0')
			copy_str(why, sizeof(why), txn.why);
		ran++;
		if (poisoned) {
			log_warnx(_("store: %s after changes without a "
			    "savepoint: the batch is rolled back"),
			    store_strerror(batch[i]->status));
			lost = batch[i]->status;
			if (lost == STORE_DUPLICATE || lost == STORE_NOTFOUND ||
			    lost == STORE_INVALID)
				lost = STORE_ERROR;
			store_conn_exec(&st->wr, &engine_family, ST_ROLLBACK);
			goto fail;
		}
		if (!db_in_transaction(st->wr.db)) {
			log_warnx(_("store: the transaction was rolled back"));
			lost = batch[i]->status;
			goto fail;
		}
	}
	/* The audit chain's head, once for the batch. */
	if (store_audit_batch_end(&txn) != STORE_OK) {
		copy_str(why, sizeof(why), txn.why[0] != '\0' ? txn.why :
		    "audit head");
		lost = txn.fatal != STORE_OK ? txn.fatal : STORE_ERROR;
		store_conn_exec(&st->wr, &engine_family, ST_ROLLBACK);
		goto fail;
	}
	if ((rc = store_conn_exec(&st->wr, &engine_family, ST_COMMIT)) !=
	    DB_OK) {
		log_warnx(_("store: commit: %s"), db_errmsg(st->wr.db));
		snprintf(why, sizeof(why), "commit: %s",
		    db_errmsg(st->wr.db));
		lost = store_status_of(rc);
		if (lost == STORE_INVALID)	/* a commit hook said no */
			lost = STORE_ERROR;
		if (db_in_transaction(st->wr.db))
			store_conn_exec(&st->wr, &engine_family, ST_ROLLBACK);
		goto fail;
	}
	batch_committed(st, batch, n, why, changes);
	return n;
fail:
	/* What the writer knew of the audit chain may be gone with it. */
	st->audit_end.valid = 0;
	store_audit_rewind(st, 0);
	store_direct_drop(st, 0);
	store_outbox_texts_forget(st);
	store_health_write(st, why[0] != '\0' ? why :
	    "the transaction was rolled back");
	for (i = 0; i < n; i++)
		if (i >= ran || batch[i]->status == STORE_OK)
			batch[i]->status = lost;
	pthread_mutex_lock(&st->lock);
	st->stats.commit_failures++;
	st->stats.errors++;
	st->stats.items_failed += n;
	pthread_mutex_unlock(&st->lock);
	return n;
}

/*
 * Writer thread, lock held, nothing queued: waits for work, or, while
 * writes or syncs fail, until a probe is due (store_health_probe()
 * queues it).
 */
static void
writer_wait(struct store *st)
{
	struct timespec	ts;
	int		ms;

	if ((ms = store_health_probe(st)) == -1) {
		pthread_cond_wait(&st->wake, &st->lock);
		return;
	}
	if (ms == 0)
		return;		/* the probe is queued */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&st->wake, &st->lock, &ts);
}

/*
 * The writer thread: takes up to batch_max queued items at a time, runs
 * them as one batch, then calls their callbacks and frees them, or hands
 * them to the syncer (wal.c).  Returns once the store is closing and the
 * queue is empty.
 */
static void *
writer_main(void *arg)
{
	struct store	*st = arg;
	struct item	*it;
	double		 now;
	size_t		 n, i;

	pthread_setname_np(pthread_self(), "store-writer");
	for (;;) {
		pthread_mutex_lock(&st->lock);
		while (st->head == NULL && !st->closing)
			writer_wait(st);
		if (st->head == NULL) {
			pthread_mutex_unlock(&st->lock);
			break;
		}
		for (n = 0; st->head != NULL && n < (size_t)st->batch_max;
		    n++) {
			st->batch[n] = st->head;
			st->head = st->head->next;
		}
		if (st->head == NULL)
			st->tail = NULL;
		st->nqueued -= n;
		pthread_mutex_unlock(&st->lock);

#ifdef PAPIGW_TEST_HOOKS
		fault_poll(st);
#endif
		n = batch_run(st, st->batch, n);
		if (st->pipelined)
			store_wal_hand(st, st->batch, n);
		else {
			now = clock_mono();
			pthread_mutex_lock(&st->lock);
			for (i = 0; i < n; i++)
				store_lat_add(st->stats.durable,
				    &st->stats.durable_us,
				    now - st->batch[i]->queued_at);
			pthread_mutex_unlock(&st->lock);
			store_direct_take(st, st->direct, st->ndirect);
			st->ndirect = 0;
			for (i = 0; i < n; i++) {
				it = st->batch[i];
				if (it->done != NULL)
					it->done(it->status, it->done_arg);
				free(it);
			}
			if (st->outbox_dirty) {
				st->outbox_dirty = 0;
				store_outbox_notify(st);
			}
		}
		store_wal_between(st);
	}
	return NULL;
}

/*
 * ===================================================================
 * Counts (any thread, the reader connection)
 * ===================================================================
 */

/* Sets *n to the number of rows in table.  Returns STORE_OK or an error. */
enum store_status
store_count(struct store *st, enum store_table table, int64_t *n)
{
	if ((unsigned)table >= STORE_T_MAX)
		return STORE_INVALID;
	return store_read_row(st, &engine_family, ST_COUNT + (int)table, 0,
	    store_fill_int, n);
}

/*
 * ===================================================================
 * The outbox hook
 * ===================================================================
 */

/*
 * Sets the function the writer (or the syncer) thread calls after a
 * batch that queued outbox rows (store_outbox_insert(),
 * store_outbox_retry(), store_outbox_requeue()) committed; fn must be
 * short and must not wait for the store.  NULL removes it.
 */
void
store_outbox_hook(struct store *st, void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&st->lock);
	st->outbox_hook = fn;
	st->outbox_hook_arg = arg;
	pthread_mutex_unlock(&st->lock);
}

/* Calls the outbox hook once for a batch (writer or syncer thread). */
void
store_outbox_notify(struct store *st)
{
	void	(*fn)(void *);
	void	*arg;

	pthread_mutex_lock(&st->lock);
	fn = st->outbox_hook;
	arg = st->outbox_hook_arg;
	pthread_mutex_unlock(&st->lock);
	if (fn != NULL)
		fn(arg);
}

/*
 * ===================================================================
 * Replies handed to the outbox worker
 * ===================================================================
 */

/*
 * Has the writer hand the outbox worker the replies it queues, rather
 * than the worker claim them in a transaction of its own: a reply to be
 * sent at once on a channel for which accept(channel, arg) says yes
 * (called on the writer thread, inside a work function: short, and not
 * waiting for the store) is inserted "sending", its attempt counted, as
 * a claim would leave it, and once its batch committed (and reached the
 * disk) take(rows, n, arg) gets it (writer or syncer thread, before the
 * items' callbacks), with the rows' strings, which it keeps; the array is
 * the store's.  A row is handed once; a reply rolled back with its item
 * is not handed.  Not with other gateways on the database (PostgreSQL),
 * where rows are claimed: returns -1 then, else 0.  NULL functions stop
 * it; once that returned, take is not called again.
 */
int
store_outbox_direct(struct store *st, int (*accept)(const char *, void *),
    void (*take)(struct store_outbox *, size_t, void *), void *arg)
{
	if (store_shared(st) && accept != NULL)
		return -1;
	pthread_mutex_lock(&st->direct_lock);
	st->direct_accept = accept;
	st->direct_take = take;
	st->direct_arg = arg;
	pthread_mutex_unlock(&st->direct_lock);
	return 0;
}

/* Whether a reply on channel is to be handed over (writer thread). */
int
store_direct_accept(struct store *st, const char *channel)
{
	int	r = 0;

	pthread_mutex_lock(&st->direct_lock);
	if (st->direct_accept != NULL)
		r = st->direct_accept(channel, st->direct_arg);
	pthread_mutex_unlock(&st->direct_lock);
	return r;
}

/* Keeps a copy of row, just inserted "sending", for its hand-over. */
void
store_direct_add(struct store *st, const struct store_outbox *row)
{
	struct store_outbox	*o;

	if (st->ndirect == st->direct_cap) {
		st->direct_cap = st->direct_cap ? st->direct_cap * 2 : 64;
		st->direct = xreallocarray(st->direct, st->direct_cap,
		    sizeof(*st->direct));
	}
	o = &st->direct[st->ndirect++];
	*o = *row;
	o->channel = xstrdup(row->channel);
	o->recipient = xstrdup(row->recipient);
	o->text = xstrdup(row->text);
	o->encoding = xstrdup(row->encoding);
	o->kind = row->kind != NULL ? xstrdup(row->kind) : NULL;
	o->last_error = o->provider_id = o->sender = NULL;
}

/* Forgets the rows to hand from the from-th on: rolled back. */
void
store_direct_drop(struct store *st, size_t from)
{
	while (st->ndirect > from)
		store_outbox_clear(&st->direct[--st->ndirect]);
}

/*
 * Hands n committed rows to the outbox worker (or frees them when it
 * takes none any more); writer or syncer thread.
 */
void
store_direct_take(struct store *st, struct store_outbox *rows, size_t n)
{
	size_t	i;

	if (n == 0)
		return;
	pthread_mutex_lock(&st->direct_lock);
	if (st->direct_take != NULL)
		st->direct_take(rows, n, st->direct_arg);
	else
		for (i = 0; i < n; i++)
			store_outbox_clear(&rows[i]);
	pthread_mutex_unlock(&st->direct_lock);
}

#ifdef PAPIGW_TEST_HOOKS
/*
 * ===================================================================
 * Fault injection (the tests' build only)
 * ===================================================================
 */

/*
 * SQLite calls this before each COMMIT of the writer connection; a
 * non-zero return turns the COMMIT into a ROLLBACK.  Only the fault
 * injection of the tests asks for that.
 */
static int
commit_hook(void *arg)
{
	struct store	*st = arg;
	int		 fail = 0;

	pthread_mutex_lock(&st->lock);
	if (st->fail_commits > 0) {
		st->fail_commits--;
		fail = 1;
	}
	pthread_mutex_unlock(&st->lock);
	return fail;
}

static enum store_status
max_pages_work(struct store_txn *txn, void *arg)
{
	int64_t		 extra = *(int64_t *)arg, pages = 0;
	struct db_stmt	*s;
	char		 sql[64];
	int		 rc;

	if ((s = store_txn_stmt(txn, &engine_family, ST_PAGE_COUNT)) == NULL)
		return STORE_ERROR;
	rc = db_step(s);
	if (rc == DB_ROW)
		pages = db_column_int64(s, 0);
	db_reset(s);
	if (rc != DB_ROW)
		return store_txn_fail(txn, rc, "page count");
	/* PRAGMA takes no parameters; this is a number, not outside input. */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64,
	    pages + extra);
	rc = db_exec(txn->conn->db, sql);
	return rc == DB_OK ? STORE_OK : store_txn_fail(txn, rc,
	    "max pages");
}

/*
 * Caps the database at its current size plus extra pages, as a full disk
 * would (SQLite then fails writes with SQLITE_FULL); a large extra lifts
 * the cap again.  Returns STORE_OK or an error.
 */
enum store_status
store_fault_max_pages(struct store *st, int64_t extra)
{
	return store_submit_wait(st, max_pages_work, &extra);
}

/*
 * Writer thread, before a batch: while the file that the environment
 * variable PAPIGW_STORE_TEST_FULL names exists, the database may not
 * grow by a page (SQLite fails the writes that need one with
 * SQLITE_FULL), as on a full disk.
 */
static void
fault_poll(struct store *st)
{
	const char	*flag = getenv("PAPIGW_STORE_TEST_FULL");
	struct db_stmt	*s;
	int64_t		 pages = 4294967294LL;
	char		 sql[64];
	int		 full;

	full = flag != NULL && access(flag, F_OK) == 0;
	if (full == st->fault_full)
		return;
	st->fault_full = full;
	if (full && db_prepare(st->wr.db, "PRAGMA page_count", &s) == DB_OK) {
		if (db_step(s) == DB_ROW)
			pages = db_column_int64(s, 0);
		db_finalize(s);
	}
	/* PRAGMA takes no parameters; this is a number, not outside input. */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64, pages);
	if (db_exec(st->wr.db, sql) != DB_OK)
		log_warnx("store: test fault: %s", db_errmsg(st->wr.db));
	else
		log_warnx("store: test fault: the disk is %s", full ? "full" :
		    "no longer full");
}

/* Makes the next n COMMITs of the writer fail and roll back. */
void
store_fault_commit(struct store *st, int n)
{
	pthread_mutex_lock(&st->lock);
	st->fail_commits = n;
	pthread_mutex_unlock(&st->lock);
}

/* Makes each sync of the syncer take ms milliseconds more (0: none). */
void
store_fault_sync_delay(struct store *st, int ms)
{
	pthread_mutex_lock(&st->lock);
	st->sync_delay_ms = ms;
	pthread_mutex_unlock(&st->lock);
}
#endif /* PAPIGW_TEST_HOOKS */
