/*
 * store.c: the SQLite store, the single owner of the database file.
 *
 * The file is opened twice.  The writer connection belongs to one writer
 * thread; every change goes through it as a work item: a producer (an HTTP
 * request, the modem thread, a papictl command) calls store_submit() or
 * store_submit_wait() with a work function, and the writer takes whatever
 * is queued, up to batch_max items, and runs it all in one transaction
 * (BEGIN IMMEDIATE ... COMMIT, one fsync for the lot: group commit).  Each
 * item runs inside its own SAVEPOINT, so an item that fails is rolled back
 * alone and its status goes to its own producer while the others commit;
 * an item of store_submit_clean() (ingest), which changes nothing when it
 * fails, runs without one, and should it fail after a change all the
 * same, the whole batch is rolled back and every item told so.
 * Completion callbacks run only after COMMIT returned; when the COMMIT
 * fails, every item of the batch is told so.  Nothing is ever reported as
 * stored that was not.
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
 * left between two batches, so that the next one starts the WAL over.
 *
 * The reader connection is read-only and shared, under a mutex, by the
 * store_*_get() functions; in WAL mode it sees committed data only.
 *
 * The schema is versioned with PRAGMA user_version: store_open() runs
 * the steps of src/store/sql/ that the database lacks (migrate.c); a
 * database newer than this code is refused with a clear error.
 *
 * Only this file includes sqlite3.h.  Every statement is a constant string
 * prepared once per connection; values are always bound.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "store/store.h"
#include "base/log.h"
#include "base/util.h"
#include "base/clock.h"
#include "store/store_cases.h"
#include "store/store_priv.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * ===================================================================
 * Statements
 * ===================================================================
 */

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_INBOUND_INSERT,
	ST_INBOUND_BY_PROVIDER_ID,
	ST_INBOUND_ATTACH,
	ST_INBOUND_GET,
	ST_OUTBOUND_GET,
	ST_REF_NEXT,
	ST_CASE_INSERT,
	ST_PSEUDONYM_ADD,
	ST_CASE_STATE,
	ST_CASE_SET_STATE,
	ST_CASE_ASSIGN,
	ST_CASE_GET,
	ST_CASE_GET_BY_REF,
	ST_EVENT_INSERT,
	ST_EVENT_GET,
	ST_NOTE_INSERT,
	ST_NOTE_GET,
	ST_OUTBOX_INSERT,
	ST_OUTBOX_GET,
	ST_AUDIT_LAST,
	ST_AUDIT_INSERT,
	ST_AUDIT_GET,
	ST_PAGE_COUNT,
	ST_INBOUND_FIND,
	ST_INBOUND_FIND_RECENT,
	ST_CASE_FIND_OPEN,
	ST_CASE_FIND_FOLLOWUP,
	ST_CASE_ANSWERED,
	ST_PART_INSERT,
	ST_PARTS_GROUPS,
	ST_PARTS_OF_GROUP,
	ST_PARTS_ASSEMBLED,
	ST_DLR_INSERT,
	ST_OUTBOX_DEPTH,
	/* The outbox worker (migration 4). */
	ST_OUTBOX_CLAIM,
	ST_OUTBOX_RESULT,
	ST_OUTBOUND_FROM_OUTBOX,
	ST_OUTBOX_EARLY_DLR,
	ST_DLR_EXISTS,
	ST_OUTBOX_REQUEUE,
	ST_OUTBOX_RETRY,
	ST_OUTBOX_DLR,
	ST_OUTBOX_NEXT_DUE,
	ST_OUTBOX_DEAD,
	/* The reply composer (migration 5). */
	ST_SENDER_GET,
	ST_SENDER_OPTOUT,
	ST_SENDER_QUARANTINE,
	ST_SENDERS_QUARANTINED,
	ST_INBOUND_COUNT_SINCE,
	ST_OUTBOX_COUNT_AUTO,
	ST_CASE_LAST_ANSWER,
	ST_COUNT,		/* STORE_T_MAX counting statements follow */
	ST_MAX = ST_COUNT + STORE_T_MAX
};

#define MESSAGE_COLUMNS							\
	"id, case_id, channel, provider_msg_id, sender, recipient, text, " \
	"raw, encoding, provider_time, created"

#define CASE_COLUMNS							\
	"id, ref_number, category, categories2, subcategory, state, "	\
	"sender, channel, deadline, assignee, created, updated, closed"

#define OUTBOX_COLUMNS							\
	"id, case_id, channel, recipient, text, encoding, segments, "	\
	"state, attempts, next_attempt, last_error, provider_msg_id, "	\
	"created, updated, dead, kind"

static const char *const stmt_sql[ST_MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT item",
	[ST_RELEASE] = "RELEASE item",
	[ST_ROLLBACK_TO] = "ROLLBACK TO item",
	[ST_INBOUND_INSERT] = "INSERT INTO inbound (case_id, channel, "
	    "provider_msg_id, sender, recipient, text, raw, encoding, "
	    "provider_time, created, received, kind) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[ST_INBOUND_BY_PROVIDER_ID] = "SELECT id FROM inbound "
	    "WHERE channel = ?1 AND provider_msg_id = ?2",
	[ST_INBOUND_ATTACH] = "UPDATE inbound SET case_id = ?2 WHERE id = ?1",
	[ST_INBOUND_GET] = "SELECT " MESSAGE_COLUMNS ", received "
	    "FROM inbound WHERE id = ?1",
	[ST_OUTBOUND_GET] = "SELECT " MESSAGE_COLUMNS ", sent, outbox_id "
	    "FROM outbound WHERE id = ?1",
	[ST_REF_NEXT] = "UPDATE counters SET value = value + 1 "
	    "WHERE name = 'case_ref' RETURNING value",
	/*
	 * The resident's pseudonym is given here: the cases_resident
	 * trigger (migration 6) would insert the case, then update it, and
	 * its index, again.
	 */
	[ST_CASE_INSERT] = "INSERT INTO cases (ref_number, category, "
	    "categories2, subcategory, state, sender, channel, deadline, "
	    "assignee, created, updated, closed, resident) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	    "(SELECT id FROM pseudonyms WHERE sender = ?6))",
	[ST_PSEUDONYM_ADD] = "INSERT INTO pseudonyms (sender, created) "
	    "VALUES (?1, ?2) ON CONFLICT (sender) DO NOTHING",
	[ST_CASE_STATE] = "SELECT state FROM cases WHERE id = ?1",
	[ST_CASE_SET_STATE] = "UPDATE cases SET state = ?2, updated = ?3, "
	    "closed = CASE ?2 WHEN 'resolved' THEN ?3 WHEN 'confirmed' "
	    "THEN closed END WHERE id = ?1",
	[ST_CASE_ASSIGN] = "UPDATE cases SET assignee = ?2, updated = ?3 "
	    "WHERE id = ?1",
	[ST_CASE_GET] = "SELECT " CASE_COLUMNS " FROM cases WHERE id = ?1",
	[ST_CASE_GET_BY_REF] = "SELECT " CASE_COLUMNS " FROM cases "
	    "WHERE ref_number = ?1",
	[ST_EVENT_INSERT] = "INSERT INTO case_events (case_id, at, actor, "
	    "from_state, to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_EVENT_GET] = "SELECT id, case_id, at, actor, from_state, "
	    "to_state, detail FROM case_events WHERE id = ?1",
	[ST_NOTE_INSERT] = "INSERT INTO notes (case_id, at, author, text) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[ST_NOTE_GET] = "SELECT id, case_id, at, author, text FROM notes "
	    "WHERE id = ?1",
	[ST_OUTBOX_INSERT] = "INSERT INTO outbox (case_id, channel, "
	    "recipient, text, encoding, segments, state, attempts, "
	    "next_attempt, last_error, provider_msg_id, created, updated, "
	    "kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	    "?13, coalesce(?14, 'answer'))",
	[ST_OUTBOX_GET] = "SELECT " OUTBOX_COLUMNS " FROM outbox "
	    "WHERE id = ?1",
	[ST_AUDIT_LAST] = "SELECT hash FROM audit ORDER BY id DESC LIMIT 1",
	[ST_AUDIT_INSERT] = "INSERT INTO audit (at, actor, action, case_id, "
	    "detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_AUDIT_GET] = "SELECT id, at, actor, action, case_id, detail, "
	    "prev_hash, hash FROM audit WHERE id = ?1",
	[ST_PAGE_COUNT] = "PRAGMA page_count",
	[ST_INBOUND_FIND] = "SELECT i.case_id, c.ref_number FROM inbound i "
	    "LEFT JOIN cases c ON c.id = i.case_id "
	    "WHERE i.channel = ?1 AND i.provider_msg_id = ?2",
	[ST_INBOUND_FIND_RECENT] = "SELECT i.case_id, c.ref_number "
	    "FROM inbound i LEFT JOIN cases c ON c.id = i.case_id "
	    "WHERE i.sender = ?2 AND i.received >= ?4 AND i.channel = ?1 "
	    "AND i.text = ?3 ORDER BY i.received DESC, i.id DESC LIMIT 1",
	[ST_CASE_FIND_OPEN] = "SELECT id, ref_number FROM cases "
	    "WHERE ref_number = ?1 AND sender = ?2 "
	    "AND state NOT IN ('resolved', 'confirmed')",
	[ST_CASE_FIND_FOLLOWUP] = "SELECT id, ref_number FROM cases "
	    "WHERE sender = ?1 AND state NOT IN ('resolved', 'confirmed') "
	    "AND answered >= ?2 "
	    "ORDER BY updated DESC, id DESC LIMIT 1",
	[ST_CASE_ANSWERED] = "UPDATE cases SET answered = ?2, updated = ?2 "
	    "WHERE id = ?1",
	[ST_PART_INSERT] = "INSERT INTO parts (channel, provider_msg_id, "
	    "sender, recipient, ref, total, seq, text, provider_time, "
	    "received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_PARTS_GROUPS] = "SELECT channel, sender, ref, total FROM parts "
	    "WHERE assembled IS NULL GROUP BY channel, sender, ref, total "
	    "HAVING count(DISTINCT seq) >= total OR min(received) < ?1 "
	    "LIMIT 256",
	[ST_PARTS_OF_GROUP] = "SELECT seq, text, provider_msg_id, "
	    "recipient, provider_time FROM parts WHERE assembled IS NULL "
	    "AND channel = ?1 AND sender = ?2 AND ref = ?3 AND total = ?4 "
	    "ORDER BY seq, id",
	[ST_PARTS_ASSEMBLED] = "UPDATE parts SET assembled = ?5 "
	    "WHERE assembled IS NULL AND channel = ?1 AND sender = ?2 "
	    "AND ref = ?3 AND total = ?4",
	[ST_DLR_INSERT] = "INSERT INTO dlr (channel, provider_msg_id, "
	    "status, error, received, state) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_OUTBOX_DEPTH] = "SELECT count(*) FROM outbox WHERE state = ?1",
	[ST_OUTBOX_CLAIM] = "UPDATE outbox SET state = 'sending', "
	    "attempts = attempts + 1, updated = ?2 WHERE id IN ("
	    "SELECT id FROM outbox WHERE channel = ?1 AND state = 'queued' "
	    "AND next_attempt <= ?2 ORDER BY next_attempt, id LIMIT ?3) "
	    "RETURNING " OUTBOX_COLUMNS,
	[ST_OUTBOX_RESULT] = "UPDATE outbox SET state = ?2, "
	    "provider_msg_id = coalesce(?3, provider_msg_id), "
	    "last_error = coalesce(?4, last_error), "
	    "next_attempt = coalesce(?5, next_attempt), dead = ?6, "
	    "attempts = max(attempts - ?8, 0), "
	    "updated = ?7 WHERE id = ?1 AND state = 'sending'",
	[ST_OUTBOUND_FROM_OUTBOX] = "INSERT INTO outbound (case_id, "
	    "outbox_id, channel, provider_msg_id, sender, recipient, text, "
	    "encoding, sent, created) SELECT case_id, id, channel, "
	    "provider_msg_id, ?2, recipient, text, encoding, ?3, ?3 "
	    "FROM outbox WHERE id = ?1",
	[ST_DLR_EXISTS] = "SELECT 1, 0 FROM dlr WHERE channel = ?1 "
	    "AND provider_msg_id = ?2 AND state IS NOT NULL LIMIT 1",
	[ST_OUTBOX_EARLY_DLR] = "UPDATE outbox SET state = d.state, "
	    "last_error = CASE d.state WHEN 'failed' THEN "
	    "'delivery report: ' || d.status || "
	    "coalesce(', error ' || d.error, '') ELSE last_error END, "
	    "updated = ?4 FROM (SELECT state, status, error FROM dlr "
	    "WHERE channel = ?1 AND provider_msg_id = ?2 "
	    "AND state IS NOT NULL ORDER BY id DESC LIMIT 1) AS d "
	    "WHERE outbox.id = ?3 AND outbox.state = 'sent'",
	[ST_OUTBOX_REQUEUE] = "UPDATE outbox SET state = 'queued', "
	    "next_attempt = ?1, updated = ?1 WHERE state = 'sending'",
	[ST_OUTBOX_RETRY] = "UPDATE outbox SET state = 'queued', "
	    "attempts = 0, dead = 0, next_attempt = ?2, updated = ?2 "
	    "WHERE id = ?1 AND state = 'failed'",
	[ST_OUTBOX_DLR] = "UPDATE outbox SET state = ?3, "
	    "last_error = CASE ?3 WHEN 'failed' THEN "
	    "'delivery report: ' || ?4 || coalesce(', error ' || ?5, '') "
	    "ELSE last_error END, updated = ?6 "
	    "WHERE channel = ?1 AND provider_msg_id = ?2 AND state = 'sent'",
	[ST_OUTBOX_NEXT_DUE] = "SELECT min(next_attempt) FROM outbox "
	    "WHERE channel = ?1 AND state = 'queued'",
	[ST_OUTBOX_DEAD] = "SELECT count(*) FROM outbox WHERE dead = 1 "
	    "AND state = 'failed'",
	[ST_SENDER_GET] = "SELECT opted_out, quarantined_at, "
	    "quarantine_until FROM senders WHERE number = ?1",
	[ST_SENDER_OPTOUT] = "INSERT INTO senders (number, opted_out, "
	    "opted_changed, updated) VALUES (?1, ?2, ?3, ?3) "
	    "ON CONFLICT (number) DO UPDATE SET opted_out = ?2, "
	    "opted_changed = ?3, updated = ?3",
	[ST_SENDER_QUARANTINE] = "INSERT INTO senders (number, "
	    "quarantined_at, quarantine_until, quarantine_reason, updated) "
	    "VALUES (?1, ?2, ?3, ?4, ?2) ON CONFLICT (number) DO UPDATE SET "
	    "quarantined_at = ?2, quarantine_until = ?3, "
	    "quarantine_reason = ?4, updated = ?2",
	[ST_SENDERS_QUARANTINED] = "SELECT count(*) FROM senders "
	    "WHERE quarantined_at IS NOT NULL "
	    "AND (quarantine_until IS NULL OR quarantine_until > ?1)",
	[ST_INBOUND_COUNT_SINCE] = "SELECT count(*) FROM (SELECT 1 "
	    "FROM inbound WHERE sender = ?1 AND received >= ?2 LIMIT ?3)",
	[ST_OUTBOX_COUNT_AUTO] = "SELECT count(*) FROM outbox "
	    "WHERE recipient = ?1 AND created >= ?2 "
	    "AND kind IN ('ack', 'special')",
	[ST_CASE_LAST_ANSWER] = "SELECT text FROM outbox "
	    "WHERE case_id = ?1 AND kind = 'answer' ORDER BY id DESC LIMIT 1",
	[ST_COUNT + STORE_T_INBOUND] = "SELECT count(*) FROM inbound",
	[ST_COUNT + STORE_T_OUTBOUND] = "SELECT count(*) FROM outbound",
	[ST_COUNT + STORE_T_CASES] = "SELECT count(*) FROM cases",
	[ST_COUNT + STORE_T_CASE_EVENTS] = "SELECT count(*) FROM case_events",
	[ST_COUNT + STORE_T_NOTES] = "SELECT count(*) FROM notes",
	[ST_COUNT + STORE_T_OUTBOX] = "SELECT count(*) FROM outbox",
	[ST_COUNT + STORE_T_AUDIT] = "SELECT count(*) FROM audit",
};

/* A connection and its statements, prepared on first use. */
struct conn {
	sqlite3		*db;
	sqlite3_stmt	*stmt[ST_MAX];
};

/* A unit of work waiting for, or in, a batch. */
struct item {
	struct item	*next;
	store_work_fn	 work;
	void		*work_arg;
	store_done_fn	 done;
	void		*done_arg;
	int		 clean;		/* store_submit_clean(): no savepoint */
	enum store_status status;
};

/*
 * WAL frames that wake the checkpointer, then again every STEP more; frames
 * past which the writer checkpoints the rest itself.
 */
#define STORE_CKPT_PAGES	1000
#define STORE_CKPT_STEP		500
#define STORE_CKPT_RESTART	4000

struct store {
	char		*path;
	struct conn	 wr;		/* the writer thread's, after open */
	struct conn	 rd;		/* read-only, under rlock */
	pthread_mutex_t	 rlock;

	/* The syncer (storage.synchronous = full): items under lock. */
	int		 pipelined;
	pthread_t	 syncer;
	int		 syncer_started;
	pthread_cond_t	 synced_wake;
	struct item	*shead, *stail;	/* committed, not yet on disk */
	int		 sync_outbox;	/* they queued outbox rows */
	int		 sync_closing;
	int		 walfd;		/* the syncer's */
	char		*walpath;

	/* The checkpointer and its connection; flags under lock. */
	struct conn	 ck;
	pthread_t	 ckpt;
	int		 ckpt_started;
	pthread_cond_t	 ckpt_wake;
	int		 ckpt_wanted;
	int		 ckpt_running;
	int		 ckpt_hold;	/* the writer wants the last frames */
	int		 ckpt_closing;
	int		 wal_frames;	/* writer only: after the last commit */
	int		 ckpt_next;	/* writer only: frames that wake it */
	int		 restart_at;	/* writer only: frames that make it help */

	pthread_t	 writer;
	int		 writer_started;
	struct item	**batch;	/* batch_max slots, the writer's */
	int		 batch_max;

	pthread_mutex_t	 lock;		/* everything below */
	pthread_cond_t	 wake;		/* work queued, or closing */
	struct item	*head, *tail;
	uint64_t	 nqueued;
	int		 closing;
#ifdef PAPIGW_TEST_HOOKS
	int		 fail_commits;	/* store_fault_commit() */
#endif
	void		(*outbox_hook)(void *);	/* store_outbox_hook() */
	void		*outbox_hook_arg;
	int		 outbox_dirty;	/* writer only: rows were queued */
	struct store_stats stats;
};

/* What a work function holds: the writer and this item's worst error. */
struct store_txn {
	struct store	*st;
	enum store_status fatal;
};

static const char *const case_state_names[] = {
	[STORE_CASE_RECEIVED] = "received",
	[STORE_CASE_ASSIGNED] = "assigned",
	[STORE_CASE_IN_PROGRESS] = "in_progress",
	[STORE_CASE_RESOLVED] = "resolved",
	[STORE_CASE_CONFIRMED] = "confirmed",
	[STORE_CASE_REOPENED] = "reopened",
};

static const char *const outbox_state_names[] = {
	[STORE_OUTBOX_QUEUED] = "queued",
	[STORE_OUTBOX_SENDING] = "sending",
	[STORE_OUTBOX_SENT] = "sent",
	[STORE_OUTBOX_DELIVERED] = "delivered",
	[STORE_OUTBOX_FAILED] = "failed",
};

/*
 * ===================================================================
 * Helpers
 * ===================================================================
 */

const char *
store_strerror(enum store_status s)
{
	switch (s) {
	case STORE_OK:
		return "ok";
	case STORE_DUPLICATE:
		return "duplicate provider message id";
	case STORE_NOTFOUND:
		return "not found";
	case STORE_INVALID:
		return "refused by a constraint";
	case STORE_BUSY:
		return "database busy";
	case STORE_FULL:
		return "database or disk full";
	case STORE_ERROR:
		return "database error";
	case STORE_CLOSED:
		return "store closing";
	}
	return "unknown store status";
}

/* Returns the name of a case state, or NULL when it is out of range. */
const char *
store_case_state_name(enum store_case_state s)
{
	if ((unsigned)s >= nitems(case_state_names))
		return NULL;
	return case_state_names[s];
}

/* Returns the name of an outbox state, or NULL when it is out of range. */
const char *
store_outbox_state_name(enum store_outbox_state s)
{
	if ((unsigned)s >= nitems(outbox_state_names))
		return NULL;
	return outbox_state_names[s];
}

/* Returns the index of name in names[n], or -1. */
static int
name_index(const char *const *names, size_t n, const char *name)
{
	size_t	i;

	if (name == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

/* The status a failed SQLite call stands for. */
enum store_status
store_status_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_CONSTRAINT:
		return STORE_INVALID;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
		return STORE_FULL;
	default:
		return STORE_ERROR;
	}
}

static void
count_error(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	st->stats.errors++;
	pthread_mutex_unlock(&st->lock);
}

/* Binds a string, or NULL for a NULL pointer. */
static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Binds an id or a time, or NULL for 0. */
void
store_bind_opt(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

/* Returns a malloc'd copy of a text column, or NULL for NULL. */
char *
store_col_str(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	return xstrdup((const char *)sqlite3_column_text(s, i));
}

/*
 * Returns the prepared statement id of a connection, preparing it on first
 * use, or NULL (logged) when SQLite refuses it.
 */
static sqlite3_stmt *
conn_stmt(struct conn *c, enum stmt_id id)
{
	int	rc;

	if (c->stmt[id] != NULL)
		return c->stmt[id];
	rc = sqlite3_prepare_v3(c->db, stmt_sql[id], -1,
	    SQLITE_PREPARE_PERSISTENT, &c->stmt[id], NULL);
	if (rc != SQLITE_OK) {
		log_warnx("store: cannot prepare \"%s\": %s", stmt_sql[id],
		    sqlite3_errmsg(c->db));
		c->stmt[id] = NULL;
		return NULL;
	}
	return c->stmt[id];
}

/* Runs a statement without parameters or rows; returns an SQLite code. */
static int
conn_exec(struct conn *c, enum stmt_id id)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = conn_stmt(c, id)) == NULL)
		return SQLITE_ERROR;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Finalizes every statement and closes the connection. */
static void
conn_close(struct conn *c)
{
	size_t	i;

	for (i = 0; i < ST_MAX; i++) {
		sqlite3_finalize(c->stmt[i]);
		c->stmt[i] = NULL;
	}
	if (c->db != NULL && sqlite3_close(c->db) != SQLITE_OK)
		log_warnx("store: close: %s", sqlite3_errmsg(c->db));
	c->db = NULL;
}

/*
 * ===================================================================
 * Opening, migrating and closing
 * ===================================================================
 */

static int	 db_configure(sqlite3 *, const struct store_options *,
		    char *, size_t);
static void	*writer_main(void *);
static void	*syncer_main(void *);
static int	 wal_open(struct store *, char *, size_t);
static void	 writer_checkpoint(struct store *);
static void	*ckpt_main(void *);
#ifdef PAPIGW_TEST_HOOKS
static int	 commit_hook(void *);
#endif
static int	 wal_hook(void *, sqlite3 *, const char *, int);
static void	 outbox_notify(struct store *);

/*
 * Opens (creating it if needed) and migrates the database, opens the
 * reader connection and starts the writer thread.  Returns the store, to
 * be released with store_close(), or NULL with the reason in err.
 */
struct store *
store_open(const struct store_options *opt, char *err, size_t errsz)
{
	struct store	*st;
	int		 rc;

	st = xcalloc(1, sizeof(*st));
	st->walfd = -1;
	st->ckpt_next = STORE_CKPT_PAGES;
	st->restart_at = STORE_CKPT_RESTART;
	pthread_mutex_init(&st->rlock, NULL);
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->wake, NULL);
	pthread_cond_init(&st->synced_wake, NULL);
	pthread_cond_init(&st->ckpt_wake, NULL);
	if (opt->path == NULL || *opt->path == '\0') {
		snprintf(err, errsz, "store: no database path");
		goto fail;
	}
	st->path = xstrdup(opt->path);
	st->walpath = xcalloc(1, strlen(st->path) + sizeof("-wal"));
	strcpy(st->walpath, st->path);
	strcat(st->walpath, "-wal");
	st->pipelined = opt->synchronous_full;
	st->batch_max = opt->batch_max > 0 ? opt->batch_max :
	    STORE_BATCH_MAX_DEFAULT;
	st->batch = xcalloc((size_t)st->batch_max, sizeof(*st->batch));

	rc = sqlite3_open_v2(st->path, &st->wr.db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", st->path, st->wr.db ?
		    sqlite3_errmsg(st->wr.db) : sqlite3_errstr(rc));
		goto fail;
	}
	if (db_configure(st->wr.db, opt, err, errsz) == -1 ||
	    store_migrate(st->wr.db, st->path, err, errsz) == -1)
		goto fail;
#ifdef PAPIGW_TEST_HOOKS
	sqlite3_commit_hook(st->wr.db, commit_hook, st);
#endif
	sqlite3_wal_hook(st->wr.db, wal_hook, st);	/* no autocheckpoint */
	if (st->pipelined && sqlite3_exec(st->wr.db, "PRAGMA synchronous = "
	    "NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", st->path,
		    sqlite3_errmsg(st->wr.db));
		goto fail;
	}

	rc = sqlite3_open_v2(st->path, &st->ck.db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: checkpointer: %s", st->path,
		    st->ck.db ? sqlite3_errmsg(st->ck.db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->ck.db, 1);
	/* NORMAL: a checkpoint syncs the WAL before and the file after. */
	if (sqlite3_exec(st->ck.db, "PRAGMA synchronous = NORMAL", NULL, NULL,
	    NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s: checkpointer: %s", st->path,
		    sqlite3_errmsg(st->ck.db));
		goto fail;
	}

	rc = sqlite3_open_v2(st->path, &st->rd.db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: reader: %s", st->path, st->rd.db ?
		    sqlite3_errmsg(st->rd.db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->rd.db, 1);
	sqlite3_busy_timeout(st->rd.db, opt->busy_timeout_ms > 0 ?
	    opt->busy_timeout_ms : STORE_BUSY_TIMEOUT_DEFAULT);

	if (st->pipelined && wal_open(st, err, errsz) == -1)
		goto fail;
	if ((rc = pthread_create(&st->ckpt, NULL, ckpt_main, st)) != 0) {
		snprintf(err, errsz, "store: checkpoint thread: %s",
		    strerror(rc));
		goto fail;
	}
	st->ckpt_started = 1;
	if (st->pipelined) {
		if ((rc = pthread_create(&st->syncer, NULL, syncer_main,
		    st)) != 0) {
			snprintf(err, errsz, "store: syncer thread: %s",
			    strerror(rc));
			goto fail;
		}
		st->syncer_started = 1;
	}
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
 * Sets up a fresh connection: extended result codes, the busy timeout,
 * WAL, the synchronous level and foreign keys.  Returns 0, or -1 with the
 * reason in err.
 */
static int
db_configure(sqlite3 *db, const struct store_options *opt, char *err,
    size_t errsz)
{
	sqlite3_stmt	*s = NULL;
	const char	*sync;
	int		 rc, wal;

	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, opt->busy_timeout_ms > 0 ?
	    opt->busy_timeout_ms : STORE_BUSY_TIMEOUT_DEFAULT);

	/* journal_mode answers with the mode it ended up in. */
	rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
	if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
		goto fail;
	wal = sqlite3_stricmp((const char *)sqlite3_column_text(s, 0),
	    "wal") == 0;
	sqlite3_finalize(s);
	s = NULL;
	if (!wal) {
		snprintf(err, errsz, "%s: cannot switch to WAL mode",
		    opt->path);
		return -1;
	}
	/*
	 * The writer's COMMIT never waits for the disk: with
	 * storage.synchronous = full the syncer thread does (see the top).
	 * The migrations, which run before it starts, use FULL then.
	 */
	sync = opt->synchronous_full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL";
	/*
	 * temp_store = MEMORY keeps the statement journal of the per-item
	 * savepoints in memory: on a file it spilled past 64 KiB to a new
	 * temporary file per transaction: ingest made 61 pwrite calls a
	 * message, four in five of them there; 11 with this.  It holds at
	 * most the pages one item changes, a few hundred KiB.
	 */
	if (sqlite3_exec(db, sync, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA temp_store = MEMORY", NULL, NULL,
	    NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(err, errsz, "%s: %s", opt->path, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return -1;
}

/*
 * Stops taking work, runs and commits everything already submitted
 * (calling its callbacks), joins the writer thread, checkpoints the WAL
 * into the database and closes it.  NULL is a no-op.  Never from a work
 * function or a callback: they run on the writer thread.
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
	conn_close(&st->ck);
	conn_close(&st->rd);
	if (st->wr.db != NULL && st->writer_started) {
		sqlite3_exec(st->wr.db, "PRAGMA optimize", NULL, NULL, NULL);
		rc = sqlite3_wal_checkpoint_v2(st->wr.db, NULL,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		if (rc != SQLITE_OK)
			log_warnx("store: %s: checkpoint: %s", st->path,
			    sqlite3_errmsg(st->wr.db));
	}
	conn_close(&st->wr);
	if (st->walfd != -1)
		close(st->walfd);
	free(st->walpath);
	pthread_cond_destroy(&st->ckpt_wake);
	pthread_cond_destroy(&st->synced_wake);
	pthread_cond_destroy(&st->wake);
	pthread_mutex_destroy(&st->lock);
	pthread_mutex_destroy(&st->rlock);
	free(st->batch);
	free(st->path);
	free(st);
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
 * (when not NULL) is later called once, on the writer thread, with the
 * item's status after its batch committed or failed; or STORE_CLOSED and
 * done is never called.  The store does not free arg.
 */
enum store_status
store_submit(struct store *st, store_work_fn work, store_done_fn done,
    void *arg)
{
	return submit(st, work, arg, done, arg, 0);
}

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
 * Turns a failed SQLite call inside a work item into a status: records
 * store-level errors (a full disk, I/O, busy) as the item's fatal error,
 * which a work function cannot hide, and logs them once.
 */
static enum store_status
txn_error(struct store_txn *txn, int rc, const char *what)
{
	enum store_status	s = store_status_of(rc);

	if (s == STORE_OK || s == STORE_INVALID) {
		log_debug("store: %s: %s", what,
		    sqlite3_errmsg(txn->st->wr.db));
		return s;
	}
	log_warnx("store: %s: %s", what, sqlite3_errmsg(txn->st->wr.db));
	count_error(txn->st);
	if (txn->fatal == STORE_OK)
		txn->fatal = s;
	return s;
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
	enum store_status	s;
	sqlite3_int64		changes;
	int			rc;

	txn->fatal = STORE_OK;
	if (it->clean) {
		changes = sqlite3_total_changes64(st->wr.db);
		s = it->work(txn, it->work_arg);
		if (s == STORE_OK && txn->fatal != STORE_OK)
			s = txn->fatal;
		if (s != STORE_OK &&
		    sqlite3_total_changes64(st->wr.db) != changes)
			*poisoned = 1;
		return s;
	}
	if ((rc = conn_exec(&st->wr, ST_SAVEPOINT)) != SQLITE_OK)
		return txn_error(txn, rc, "savepoint");
	s = it->work(txn, it->work_arg);
	if (s == STORE_OK && txn->fatal != STORE_OK)
		s = txn->fatal;
	if (sqlite3_get_autocommit(st->wr.db))
		return s != STORE_OK ? s : STORE_ERROR;
	if (s != STORE_OK &&
	    (rc = conn_exec(&st->wr, ST_ROLLBACK_TO)) != SQLITE_OK)
		txn_error(txn, rc, "rollback to savepoint");
	if ((rc = conn_exec(&st->wr, ST_RELEASE)) != SQLITE_OK) {
		txn_error(txn, rc, "release savepoint");
		if (s == STORE_OK)
			s = store_status_of(rc);
	}
	return s;
}

/*
 * Runs a batch in one transaction and sets each item's status.  When the
 * transaction cannot begin or commit, or SQLite rolled it back on its own
 * (it does on some I/O errors), every item that would have succeeded gets
 * the error instead: nothing is reported as committed that was not.
 */
static void
batch_run(struct store *st, struct item **batch, size_t n)
{
	struct store_txn	 txn = { st, STORE_OK };
	enum store_status	 lost = STORE_ERROR;
	size_t			 i, ran = 0, failed = 0;
	int			 rc, poisoned = 0;

	if ((rc = conn_exec(&st->wr, ST_BEGIN)) != SQLITE_OK) {
		log_warnx("store: begin: %s", sqlite3_errmsg(st->wr.db));
		lost = store_status_of(rc);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		batch[i]->status = item_run(st, &txn, batch[i], &poisoned);
		ran++;
		if (poisoned) {
			log_warnx("store: %s after changes without a "
			    "savepoint: the batch is rolled back",
			    store_strerror(batch[i]->status));
			lost = batch[i]->status;
			if (lost == STORE_DUPLICATE || lost == STORE_NOTFOUND ||
			    lost == STORE_INVALID)
				lost = STORE_ERROR;
			conn_exec(&st->wr, ST_ROLLBACK);
			goto fail;
		}
		if (sqlite3_get_autocommit(st->wr.db)) {
			log_warnx("store: the transaction was rolled back");
			lost = batch[i]->status;
			goto fail;
		}
	}
	if ((rc = conn_exec(&st->wr, ST_COMMIT)) != SQLITE_OK) {
		log_warnx("store: commit: %s", sqlite3_errmsg(st->wr.db));
		lost = store_status_of(rc);
		if (lost == STORE_INVALID)	/* a commit hook said no */
			lost = STORE_ERROR;
		if (!sqlite3_get_autocommit(st->wr.db))
			conn_exec(&st->wr, ST_ROLLBACK);
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (batch[i]->status != STORE_OK)
			failed++;
	pthread_mutex_lock(&st->lock);
	st->stats.batches++;
	st->stats.items += n - failed;
	st->stats.items_failed += failed;
	st->stats.batch_size[batch_bucket(n)]++;
	pthread_mutex_unlock(&st->lock);
	return;
fail:
	for (i = 0; i < n; i++)
		if (i >= ran || batch[i]->status == STORE_OK)
			batch[i]->status = lost;
	pthread_mutex_lock(&st->lock);
	st->stats.commit_failures++;
	st->stats.errors++;
	st->stats.items_failed += n;
	pthread_mutex_unlock(&st->lock);
}

/*
 * The writer thread: takes up to batch_max queued items at a time, runs
 * them as one batch, then calls their callbacks and frees them.  Returns
 * once the store is closing and the queue is empty.
 */
static void *
writer_main(void *arg)
{
	struct store	*st = arg;
	struct item	*it;
	size_t		 n, i;

	pthread_setname_np(pthread_self(), "store-writer");
	for (;;) {
		pthread_mutex_lock(&st->lock);
		while (st->head == NULL && !st->closing)
			pthread_cond_wait(&st->wake, &st->lock);
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

		batch_run(st, st->batch, n);
		if (st->pipelined) {
			/* Everything, failures too, in order after the sync. */
			pthread_mutex_lock(&st->lock);
			for (i = 0; i < n; i++) {
				it = st->batch[i];
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
			pthread_cond_signal(&st->synced_wake);
			pthread_mutex_unlock(&st->lock);
		} else {
			for (i = 0; i < n; i++) {
				it = st->batch[i];
				if (it->done != NULL)
					it->done(it->status, it->done_arg);
				free(it);
			}
			if (st->outbox_dirty) {
				st->outbox_dirty = 0;
				outbox_notify(st);
			}
		}
		if (st->wal_frames >= st->restart_at)
			writer_checkpoint(st);
	}
	return NULL;
}

/*
 * ===================================================================
 * Durability and checkpoints
 * ===================================================================
 */

/*
 * Opens the WAL file for the syncer (SQLite made it when the migrations
 * ran) and makes its directory entry durable: SQLite would do that at its
 * first sync of a new WAL, which the syncer replaces.  Returns 0, or -1
 * with the reason in err.
 */
static int
wal_open(struct store *st, char *err, size_t errsz)
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
 * Syncer thread: makes the WAL durable.  The WAL file is the one SQLite
 * has open as long as the store is (only the last connection to close
 * removes it); should it ever be a new file, it is opened again.  Returns
 * 0, or -1 (logged).
 */
static int
wal_sync(struct store *st)
{
	struct stat	 path_sb, fd_sb;
	char		 err[512];

	if (stat(st->walpath, &path_sb) == -1) {
		log_warnx("store: %s: %s", st->walpath, strerror(errno));
		return -1;
	}
	if (st->walfd == -1 || fstat(st->walfd, &fd_sb) == -1 ||
	    fd_sb.st_ino != path_sb.st_ino || fd_sb.st_dev != path_sb.st_dev) {
		if (wal_open(st, err, sizeof(err)) == -1) {
			log_warnx("store: %s", err);
			return -1;
		}
	}
	if (fdatasync(st->walfd) == -1) {
		log_warnx("store: %s: fdatasync: %s", st->walpath,
		    strerror(errno));
		return -1;
	}
	return 0;
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
	int		 notify, failed;

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
		pthread_mutex_unlock(&st->lock);

		failed = 0;
		if (wal_sync(st) == -1) {
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
		}
		while ((it = list) != NULL) {
			list = it->next;
			if (it->done != NULL)
				it->done(it->status, it->done_arg);
			free(it);
		}
		if (notify)
			outbox_notify(st);
	}
	return NULL;
}

/*
 * Writer thread, between two batches: copies the frames the checkpointer
 * has not yet copied, so that the next write starts the WAL over.  The
 * checkpointer is held off meanwhile (a running one makes this one busy:
 * it is tried again after the next batch).
 */
static void
writer_checkpoint(struct store *st)
{
	int	rc, nlog = 0, nckpt = 0;

	pthread_mutex_lock(&st->lock);
	st->ckpt_hold = 1;
	if (st->ckpt_running) {
		pthread_mutex_unlock(&st->lock);
		return;
	}
	pthread_mutex_unlock(&st->lock);
	rc = sqlite3_wal_checkpoint_v2(st->wr.db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
	/* Done: the next commit starts the WAL over (wal_hook() sees it). */
	if (rc != SQLITE_OK || nlog != nckpt) {
		/*
		 * A reader still uses older frames (a long papictl report):
		 * not again before the WAL grew by as much once more.
		 */
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warnx("store: checkpoint: %s",
			    sqlite3_errmsg(st->wr.db));
		st->restart_at = st->wal_frames + STORE_CKPT_RESTART;
	}
	pthread_mutex_lock(&st->lock);
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
	int		 rc;

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
		pthread_mutex_unlock(&st->lock);
		rc = sqlite3_wal_checkpoint_v2(st->ck.db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warnx("store: checkpoint: %s",
			    sqlite3_errmsg(st->ck.db));
		pthread_mutex_lock(&st->lock);
		st->ckpt_running = 0;
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/*
 * SQLite calls this on the writer thread after each commit with the
 * frames in the WAL; it replaces the automatic checkpoint.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store	*st = arg;

	(void)db;
	(void)name;
	if (frames < st->wal_frames) {		/* started over */
		st->ckpt_next = STORE_CKPT_PAGES;
		st->restart_at = STORE_CKPT_RESTART;
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
	return SQLITE_OK;
}

#ifdef PAPIGW_TEST_HOOKS
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
#endif

/*
 * ===================================================================
 * Row functions (writer thread, inside a work function)
 * ===================================================================
 */

/*
 * Returns a statement of the writer connection, or NULL after recording
 * an error in txn.
 */
static sqlite3_stmt *
txn_stmt(struct store_txn *txn, enum stmt_id id)
{
	sqlite3_stmt	*s;

	if ((s = conn_stmt(&txn->st->wr, id)) == NULL)
		txn_error(txn, SQLITE_ERROR, "prepare");
	return s;
}

/*
 * Steps an INSERT or UPDATE once and resets it.  Returns the status; sets
 * *id (when not NULL) to the new row's id.
 */
static enum store_status
txn_step(struct store_txn *txn, sqlite3_stmt *s, const char *what,
    int64_t *id)
{
	int	rc;

	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE && id != NULL)
		*id = sqlite3_last_insert_rowid(txn->st->wr.db);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return STORE_OK;
	return txn_error(txn, rc, what);
}

/* Binds an inbound message's columns up to created (?1 to ?10). */
static void
bind_message(sqlite3_stmt *s, const struct store_message *m)
{
	store_bind_opt(s, 1, m->case_id);
	bind_text(s, 2, m->channel);
	bind_text(s, 3, m->provider_id);
	bind_text(s, 4, m->sender);
	bind_text(s, 5, m->recipient);
	bind_text(s, 6, m->text);
	if (m->raw != NULL)
		sqlite3_bind_blob64(s, 7, m->raw, m->rawlen, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 7);
	bind_text(s, 8, m->encoding);
	store_bind_opt(s, 9, m->provider_time);
	sqlite3_bind_int64(s, 10, m->created ? m->created : clock_unix());
}

/*
 * Stores an inbound message; m->id is ignored.  Returns STORE_OK with the
 * new row's id in *id, or STORE_DUPLICATE when a message with the same
 * channel and provider id is stored already (*id is then that message's
 * id, and nothing was written), or an error.
 */
enum store_status
store_inbound_insert(struct store_txn *txn, const struct store_message *m,
    int64_t *id)
{
	sqlite3_stmt		*s;
	enum store_status	 r;
	int			 rc;

	if ((s = txn_stmt(txn, ST_INBOUND_INSERT)) == NULL)
		return STORE_ERROR;
	bind_message(s, m);
	sqlite3_bind_int64(s, 11, m->received ? m->received : clock_unix());
	bind_text(s, 12, m->kind);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		*id = sqlite3_last_insert_rowid(txn->st->wr.db);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	if (rc != SQLITE_CONSTRAINT_UNIQUE || m->provider_id == NULL)
		return txn_error(txn, rc, "inbound insert");

	if ((s = txn_stmt(txn, ST_INBOUND_BY_PROVIDER_ID)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, m->channel);
	bind_text(s, 2, m->provider_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		r = STORE_DUPLICATE;
	} else
		r = txn_error(txn, rc == SQLITE_DONE ? SQLITE_ERROR : rc,
		    "inbound duplicate lookup");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return r;
}

/*
 * Attaches inbound message id to a case.  Returns STORE_OK, STORE_NOTFOUND
 * when there is no such message, STORE_INVALID for an unknown case.
 */
enum store_status
store_inbound_attach(struct store_txn *txn, int64_t id, int64_t case_id)
{
	sqlite3_stmt		*s;
	enum store_status	 r;

	if ((s = txn_stmt(txn, ST_INBOUND_ATTACH)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	store_bind_opt(s, 2, case_id);
	r = txn_step(txn, s, "inbound attach", NULL);
	if (r == STORE_OK && sqlite3_changes(txn->st->wr.db) == 0)
		r = STORE_NOTFOUND;
	return r;
}

/*
 * Creates a case from c (c->id, c->ref_number and c->closed are ignored)
 * with the next reference number.  Returns STORE_OK with the case's id in
 * *id and its reference number in *ref, or an error.  Numbers only grow:
 * a number is never handed out twice, even when its case is gone.
 */
enum store_status
store_case_create(struct store_txn *txn, const struct store_case *c,
    int64_t *id, int64_t *ref)
{
	sqlite3_stmt		*s;
	const char		*state;
	enum store_status	 st;
	int64_t			 t = clock_unix(), number;
	int			 rc;

	if ((state = store_case_state_name(c->state)) == NULL)
		return STORE_INVALID;
	if ((s = txn_stmt(txn, ST_REF_NEXT)) == NULL)
		return STORE_ERROR;
	rc = sqlite3_step(s);
	number = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return txn_error(txn, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
		    "case reference");

	if (c->sender != NULL && c->sender[0] != '\0') {
		if ((s = txn_stmt(txn, ST_PSEUDONYM_ADD)) == NULL)
			return STORE_ERROR;
		bind_text(s, 1, c->sender);
		sqlite3_bind_int64(s, 2, c->created ? c->created : t);
		if ((st = txn_step(txn, s, "pseudonym", NULL)) != STORE_OK)
			return st;
	}
	if ((s = txn_stmt(txn, ST_CASE_INSERT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, number);
	bind_text(s, 2, c->category);
	bind_text(s, 3, c->categories2);
	bind_text(s, 4, c->subcategory);
	bind_text(s, 5, state);
	bind_text(s, 6, c->sender);
	bind_text(s, 7, c->channel);
	sqlite3_bind_int64(s, 8, c->deadline);
	bind_text(s, 9, c->assignee);
	sqlite3_bind_int64(s, 10, c->created ? c->created : t);
	sqlite3_bind_int64(s, 11, c->updated ? c->updated : t);
	if (c->state == STORE_CASE_RESOLVED || c->state == STORE_CASE_CONFIRMED)
		sqlite3_bind_int64(s, 12, c->updated ? c->updated : t);
	else
		sqlite3_bind_null(s, 12);
	*ref = number;
	return txn_step(txn, s, "case insert", id);
}

/*
 * Moves case_id to state to, by actor (a Unix user, or "papigwd"), at time
 * at (0: now), and records the change, with detail (or NULL), in the
 * case's history.  Returns STORE_OK with the event's id in *id (when not
 * NULL), STORE_NOTFOUND for an unknown case, or an error.
 */
enum store_status
store_case_event_add(struct store_txn *txn, int64_t case_id,
    enum store_case_state to, const char *actor, const char *detail,
    int64_t at, int64_t *id)
{
	sqlite3_stmt		*s;
	enum store_status	 r;
	const char		*to_name;
	char			*from = NULL;
	int			 rc;

	if ((to_name = store_case_state_name(to)) == NULL)
		return STORE_INVALID;
	if (at == 0)
		at = clock_unix();
	if ((s = txn_stmt(txn, ST_CASE_STATE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, case_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		from = store_col_str(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return txn_error(txn, rc, "case state");

	if ((s = txn_stmt(txn, ST_CASE_SET_STATE)) == NULL) {
		r = STORE_ERROR;
		goto done;
	}
	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, to_name);
	sqlite3_bind_int64(s, 3, at);
	if ((r = txn_step(txn, s, "case state change", NULL)) != STORE_OK)
		goto done;

	if ((s = txn_stmt(txn, ST_EVENT_INSERT)) == NULL) {
		r = STORE_ERROR;
		goto done;
	}
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, at);
	bind_text(s, 3, actor);
	bind_text(s, 4, from);
	bind_text(s, 5, to_name);
	bind_text(s, 6, detail);
	r = txn_step(txn, s, "case event insert", id);
done:
	free(from);
	return r;
}

/*
 * Records the first event of a case that store_case_create() just made in
 * state, by actor at time at (0: now), with detail (or NULL): the row
 * store_case_event_add() would write (from and to that state), without
 * reading the case back and rewriting it unchanged, which cost ingest
 * about 8 us a message on the writer thread.  Returns STORE_OK with the
 * event's id in *id (when not NULL), STORE_INVALID for an unknown case,
 * or an error.
 */
enum store_status
store_case_event_first(struct store_txn *txn, int64_t case_id,
    enum store_case_state state, const char *actor, const char *detail,
    int64_t at, int64_t *id)
{
	sqlite3_stmt	*s;
	const char	*name;

	if ((name = store_case_state_name(state)) == NULL)
		return STORE_INVALID;
	if ((s = txn_stmt(txn, ST_EVENT_INSERT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, at ? at : clock_unix());
	bind_text(s, 3, actor);
	bind_text(s, 4, name);
	bind_text(s, 5, name);
	bind_text(s, 6, detail);
	return txn_step(txn, s, "case event insert", id);
}

/*
 * Gives case_id to assignee (NULL to nobody) at time at (0: now); the
 * caller records the event and the audit entry.  Returns STORE_OK,
 * STORE_NOTFOUND, or an error.
 */
enum store_status
store_case_assign(struct store_txn *txn, int64_t case_id,
    const char *assignee, int64_t at)
{
	sqlite3_stmt		*s;
	enum store_status	 r;

	if ((s = txn_stmt(txn, ST_CASE_ASSIGN)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, assignee);
	sqlite3_bind_int64(s, 3, at ? at : clock_unix());
	r = txn_step(txn, s, "case assign", NULL);
	if (r == STORE_OK && sqlite3_changes(txn->st->wr.db) == 0)
		r = STORE_NOTFOUND;
	return r;
}

/*
 * Adds a note by author to case_id at time at (0: now).  Returns STORE_OK
 * with the note's id in *id, STORE_INVALID for an unknown case, or an
 * error.
 */
enum store_status
store_note_add(struct store_txn *txn, int64_t case_id, const char *author,
    const char *text, int64_t at, int64_t *id)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_NOTE_INSERT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, at ? at : clock_unix());
	bind_text(s, 3, author);
	bind_text(s, 4, text);
	return txn_step(txn, s, "note insert", id);
}

/*
 * Queues a message for the outbox worker; o->id is ignored.  Returns
 * STORE_OK with the row's id in *id, STORE_INVALID for an unknown case or
 * a bad state, or an error.
 */
enum store_status
store_outbox_insert(struct store_txn *txn, const struct store_outbox *o,
    int64_t *id)
{
	sqlite3_stmt	*s;
	const char	*state;
	int64_t		 t = clock_unix();

	if ((state = store_outbox_state_name(o->state)) == NULL)
		return STORE_INVALID;
	if ((s = txn_stmt(txn, ST_OUTBOX_INSERT)) == NULL)
		return STORE_ERROR;
	store_bind_opt(s, 1, o->case_id);
	bind_text(s, 2, o->channel);
	bind_text(s, 3, o->recipient);
	bind_text(s, 4, o->text);
	bind_text(s, 5, o->encoding);
	sqlite3_bind_int(s, 6, o->segments);
	bind_text(s, 7, state);
	sqlite3_bind_int(s, 8, o->attempts);
	sqlite3_bind_int64(s, 9, o->next_attempt ? o->next_attempt : t);
	bind_text(s, 10, o->last_error);
	bind_text(s, 11, o->provider_id);
	sqlite3_bind_int64(s, 12, o->created ? o->created : t);
	sqlite3_bind_int64(s, 13, o->updated ? o->updated : t);
	bind_text(s, 14, o->kind);
	/* After the commit, store_outbox_hook()'s function is called. */
	txn->st->outbox_dirty = 1;
	return txn_step(txn, s, "outbox insert", id);
}

/*
 * ===================================================================
 * Lookups inside a transaction (writer thread, inside a work function)
 * ===================================================================
 *
 * These read through the writer connection, so they also see what earlier
 * items of the same batch wrote: two copies of a message in one batch are
 * still caught.  Each sets *a and *b from the two columns of its first
 * row (an id and a reference number, 0 when NULL).
 */

static enum store_status
txn_lookup(struct store_txn *txn, sqlite3_stmt *s, const char *what,
    int64_t *a, int64_t *b)
{
	enum store_status	r;
	int			rc;

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (a != NULL)
			*a = sqlite3_column_int64(s, 0);
		if (b != NULL)
			*b = sqlite3_column_int64(s, 1);
		r = STORE_OK;
	} else if (rc == SQLITE_DONE)
		r = STORE_NOTFOUND;
	else
		r = txn_error(txn, rc, what);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return r;
}

/*
 * Finds the stored inbound message with this channel and provider id.
 * Returns STORE_OK with its case's id and reference number in *case_id and
 * *ref (0 when it has no case), STORE_NOTFOUND, or an error.
 */
enum store_status
store_inbound_find(struct store_txn *txn, const char *channel,
    const char *provider_id, int64_t *case_id, int64_t *ref)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_INBOUND_FIND)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, channel);
	bind_text(s, 2, provider_id);
	return txn_lookup(txn, s, "inbound find", case_id, ref);
}

/*
 * Finds the newest inbound message from sender on channel with exactly
 * this text, received at or after since: the same message sent again by a
 * provider that gives no ids.  Returns STORE_OK with its case's id and
 * reference number (0 when none) in *case_id and *ref, STORE_NOTFOUND, or
 * an error.
 */
enum store_status
store_inbound_find_recent(struct store_txn *txn, const char *channel,
    const char *sender, const char *text, int64_t since, int64_t *case_id,
    int64_t *ref)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_INBOUND_FIND_RECENT)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, channel);
	bind_text(s, 2, sender);
	bind_text(s, 3, text);
	sqlite3_bind_int64(s, 4, since);
	return txn_lookup(txn, s, "inbound find recent", case_id, ref);
}

/*
 * Finds the case with reference number ref when it belongs to sender and
 * is not closed (a resident quoting their own reference).  Returns
 * STORE_OK with its id in *case_id, STORE_NOTFOUND, or an error.
 */
enum store_status
store_case_find_open(struct store_txn *txn, int64_t ref, const char *sender,
    int64_t *case_id)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_CASE_FIND_OPEN)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, ref);
	bind_text(s, 2, sender);
	return txn_lookup(txn, s, "case find open", case_id, NULL);
}

/*
 * Finds sender's most recently updated case that is not closed and was
 * updated at or after since (a conversation that goes on).  Returns
 * STORE_OK with its id and reference number in *case_id and *ref,
 * STORE_NOTFOUND, or an error.
 */
enum store_status
store_case_find_followup(struct store_txn *txn, const char *sender,
    int64_t since, int64_t *case_id, int64_t *ref)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_CASE_FIND_FOLLOWUP)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, sender);
	sqlite3_bind_int64(s, 2, since);
	return txn_lookup(txn, s, "case find follow-up", case_id, ref);
}

/*
 * ===================================================================
 * Audit log
 * ===================================================================
 *
 * Each entry carries the hash of the one before (prev_hash; 64 zeros for
 * the first) and its own hash: the lowercase hex SHA-256 of six
 * netstrings, "<length>:<bytes>," each, in this order: prev_hash, at in
 * decimal, actor, action, case_id in decimal, detail.  A case_id of 0
 * (NULL) and a NULL detail are empty strings.  Changing, inserting or
 * removing an entry breaks the chain from there on; removing the newest
 * entries is only seen against a copy of the last hash.
 */

static int
hash_field(EVP_MD_CTX *ctx, const char *v)
{
	char	len[24];
	size_t	n = v != NULL ? strlen(v) : 0;

	snprintf(len, sizeof(len), "%zu:", n);
	return EVP_DigestUpdate(ctx, len, strlen(len)) == 1 &&
	    EVP_DigestUpdate(ctx, v != NULL ? v : "", n) == 1 &&
	    EVP_DigestUpdate(ctx, ",", 1) == 1 ? 0 : -1;
}

/* Computes an entry's hash into out.  Returns 0, or -1 (OpenSSL failed). */
static int
audit_hash(const char *prev, int64_t at, const char *actor,
    const char *action, int64_t case_id, const char *detail,
    char out[STORE_HASH_HEX])
{
	EVP_MD_CTX	*ctx;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	char		 t[24], c[24];
	int		 r = -1;

	snprintf(t, sizeof(t), "%" PRId64, at);
	if (case_id != 0)
		snprintf(c, sizeof(c), "%" PRId64, case_id);
	else
		c[0] = '\0';
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    hash_field(ctx, prev) == -1 || hash_field(ctx, t) == -1 ||
	    hash_field(ctx, actor) == -1 || hash_field(ctx, action) == -1 ||
	    hash_field(ctx, c) == -1 || hash_field(ctx, detail) == -1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		goto done;
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	r = 0;
done:
	EVP_MD_CTX_free(ctx);
	return r;
}

/*
 * Appends an entry to the audit log, at the current time: actor did
 * action (to case_id, or 0), with detail (or NULL).  Returns STORE_OK, or
 * an error.
 */
enum store_status
store_audit_append(struct store_txn *txn, const char *actor,
    const char *action, int64_t case_id, const char *detail)
{
	sqlite3_stmt	*s;
	char		 prev[STORE_HASH_HEX], hash[STORE_HASH_HEX];
	int64_t		 at = clock_unix();
	int		 rc;

	if (actor == NULL || action == NULL)
		return STORE_INVALID;
	if ((s = txn_stmt(txn, ST_AUDIT_LAST)) == NULL)
		return STORE_ERROR;
	memset(prev, '0', sizeof(prev) - 1);
	prev[sizeof(prev) - 1] = '\0';
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		copy_str(prev, sizeof(prev),
		    (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return txn_error(txn, rc, "audit chain");
	if (audit_hash(prev, at, actor, action, case_id, detail,
	    hash) == -1) {
		log_warnx("store: audit: SHA-256 failed");
		if (txn->fatal == STORE_OK)
			txn->fatal = STORE_ERROR;
		return STORE_ERROR;
	}

	if ((s = txn_stmt(txn, ST_AUDIT_INSERT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, at);
	bind_text(s, 2, actor);
	bind_text(s, 3, action);
	store_bind_opt(s, 4, case_id);
	bind_text(s, 5, detail);
	bind_text(s, 6, prev);
	bind_text(s, 7, hash);
	return txn_step(txn, s, "audit insert", NULL);
}

/*
 * ===================================================================
 * Reads (any thread, the reader connection)
 * ===================================================================
 */

/*
 * Runs statement id with key as ?1 on the reader connection and hands its
 * first row to fill(out).  Returns STORE_OK, STORE_NOTFOUND or an error.
 */
static enum store_status
read_row(struct store *st, enum stmt_id id, int64_t key,
    void (*fill)(sqlite3_stmt *, void *), void *out)
{
	sqlite3_stmt		*s;
	enum store_status	 r = STORE_ERROR;
	int			 rc;

	pthread_mutex_lock(&st->rlock);
	if ((s = conn_stmt(&st->rd, id)) == NULL)
		goto done;
	if (sqlite3_bind_parameter_count(s) > 0)
		sqlite3_bind_int64(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		fill(s, out);
		r = STORE_OK;
	} else if (rc == SQLITE_DONE)
		r = STORE_NOTFOUND;
	else {
		log_warnx("store: read: %s", sqlite3_errmsg(st->rd.db));
		r = store_status_of(rc);
		count_error(st);
	}
	sqlite3_reset(s);
done:
	pthread_mutex_unlock(&st->rlock);
	return r;
}

/* Columns as in MESSAGE_COLUMNS, then received or sent, outbox_id. */
static void
fill_message(sqlite3_stmt *s, struct store_message *m, int outbound)
{
	const void	*raw;
	unsigned char	*copy;

	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(s, 0);
	m->case_id = sqlite3_column_int64(s, 1);
	m->channel = store_col_str(s, 2);
	m->provider_id = store_col_str(s, 3);
	m->sender = store_col_str(s, 4);
	m->recipient = store_col_str(s, 5);
	m->text = store_col_str(s, 6);
	if ((raw = sqlite3_column_blob(s, 7)) != NULL) {
		m->rawlen = (size_t)sqlite3_column_bytes(s, 7);
		copy = xcalloc(1, m->rawlen);
		memcpy(copy, raw, m->rawlen);
		m->raw = copy;
	}
	m->encoding = store_col_str(s, 8);
	m->provider_time = sqlite3_column_int64(s, 9);
	m->created = sqlite3_column_int64(s, 10);
	if (outbound) {
		m->sent = sqlite3_column_int64(s, 11);
		m->outbox_id = sqlite3_column_int64(s, 12);
	} else
		m->received = sqlite3_column_int64(s, 11);
}

static void
fill_inbound(sqlite3_stmt *s, void *out)
{
	fill_message(s, out, 0);
}

static void
fill_outbound(sqlite3_stmt *s, void *out)
{
	fill_message(s, out, 1);
}

/*
 * Reads inbound message id into m.  Returns STORE_OK (release m with
 * store_message_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_inbound_get(struct store *st, int64_t id, struct store_message *m)
{
	return read_row(st, ST_INBOUND_GET, id, fill_inbound, m);
}

/* Like store_inbound_get(), for outbound message id. */
enum store_status
store_outbound_get(struct store *st, int64_t id, struct store_message *m)
{
	return read_row(st, ST_OUTBOUND_GET, id, fill_outbound, m);
}

/* Frees what a store_*_get() put in m and zeroes it. */
void
store_message_clear(struct store_message *m)
{
	free((void *)m->channel);
	free((void *)m->provider_id);
	free((void *)m->sender);
	free((void *)m->recipient);
	free((void *)m->text);
	free((void *)m->raw);
	free((void *)m->encoding);
	memset(m, 0, sizeof(*m));
}

/* Columns as in CASE_COLUMNS. */
static void
fill_case(sqlite3_stmt *s, void *out)
{
	struct store_case	*c = out;
	int			 state;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	c->ref_number = sqlite3_column_int64(s, 1);
	c->category = store_col_str(s, 2);
	c->categories2 = store_col_str(s, 3);
	c->subcategory = store_col_str(s, 4);
	state = name_index(case_state_names, nitems(case_state_names),
	    (const char *)sqlite3_column_text(s, 5));
	c->state = state >= 0 ? (enum store_case_state)state :
	    STORE_CASE_RECEIVED;
	c->sender = store_col_str(s, 6);
	c->channel = store_col_str(s, 7);
	c->deadline = sqlite3_column_int64(s, 8);
	c->assignee = store_col_str(s, 9);
	c->created = sqlite3_column_int64(s, 10);
	c->updated = sqlite3_column_int64(s, 11);
	c->closed = sqlite3_column_int64(s, 12);
}

/*
 * Reads case id into c.  Returns STORE_OK (release c with
 * store_case_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_case_get(struct store *st, int64_t id, struct store_case *c)
{
	return read_row(st, ST_CASE_GET, id, fill_case, c);
}

/* Like store_case_get(), by reference number ("PA-000123" is 123). */
enum store_status
store_case_get_by_ref(struct store *st, int64_t ref_number,
    struct store_case *c)
{
	return read_row(st, ST_CASE_GET_BY_REF, ref_number, fill_case, c);
}

void
store_case_clear(struct store_case *c)
{
	free((void *)c->category);
	free((void *)c->categories2);
	free((void *)c->subcategory);
	free((void *)c->sender);
	free((void *)c->channel);
	free((void *)c->assignee);
	memset(c, 0, sizeof(*c));
}

static void
fill_event(sqlite3_stmt *s, void *out)
{
	struct store_case_event	*e = out;
	int			 from, to;

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(s, 0);
	e->case_id = sqlite3_column_int64(s, 1);
	e->at = sqlite3_column_int64(s, 2);
	e->actor = store_col_str(s, 3);
	from = name_index(case_state_names, nitems(case_state_names),
	    (const char *)sqlite3_column_text(s, 4));
	to = name_index(case_state_names, nitems(case_state_names),
	    (const char *)sqlite3_column_text(s, 5));
	e->from = from >= 0 ? (enum store_case_state)from :
	    STORE_CASE_RECEIVED;
	e->to = to >= 0 ? (enum store_case_state)to :
	    STORE_CASE_RECEIVED;
	e->detail = store_col_str(s, 6);
}

/*
 * Reads case event id into e.  Returns STORE_OK (release e with
 * store_case_event_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_case_event_get(struct store *st, int64_t id,
    struct store_case_event *e)
{
	return read_row(st, ST_EVENT_GET, id, fill_event, e);
}

void
store_case_event_clear(struct store_case_event *e)
{
	free((void *)e->actor);
	free((void *)e->detail);
	memset(e, 0, sizeof(*e));
}

static void
fill_note(sqlite3_stmt *s, void *out)
{
	struct store_note	*n = out;

	memset(n, 0, sizeof(*n));
	n->id = sqlite3_column_int64(s, 0);
	n->case_id = sqlite3_column_int64(s, 1);
	n->at = sqlite3_column_int64(s, 2);
	n->author = store_col_str(s, 3);
	n->text = store_col_str(s, 4);
}

/*
 * Reads note id into n.  Returns STORE_OK (release n with
 * store_note_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_note_get(struct store *st, int64_t id, struct store_note *n)
{
	return read_row(st, ST_NOTE_GET, id, fill_note, n);
}

void
store_note_clear(struct store_note *n)
{
	free((void *)n->author);
	free((void *)n->text);
	memset(n, 0, sizeof(*n));
}

/* Columns as in OUTBOX_COLUMNS. */
static void
fill_outbox(sqlite3_stmt *s, void *out)
{
	struct store_outbox	*o = out;
	int			 state;

	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(s, 0);
	o->case_id = sqlite3_column_int64(s, 1);
	o->channel = store_col_str(s, 2);
	o->recipient = store_col_str(s, 3);
	o->text = store_col_str(s, 4);
	o->encoding = store_col_str(s, 5);
	o->segments = sqlite3_column_int(s, 6);
	state = name_index(outbox_state_names, nitems(outbox_state_names),
	    (const char *)sqlite3_column_text(s, 7));
	o->state = state >= 0 ? (enum store_outbox_state)state :
	    STORE_OUTBOX_FAILED;
	o->attempts = sqlite3_column_int(s, 8);
	o->next_attempt = sqlite3_column_int64(s, 9);
	o->last_error = store_col_str(s, 10);
	o->provider_id = store_col_str(s, 11);
	o->created = sqlite3_column_int64(s, 12);
	o->updated = sqlite3_column_int64(s, 13);
	o->dead = sqlite3_column_int(s, 14);
	o->kind = store_col_str(s, 15);
}

/*
 * Reads outbox row id into o.  Returns STORE_OK (release o with
 * store_outbox_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_outbox_get(struct store *st, int64_t id, struct store_outbox *o)
{
	return read_row(st, ST_OUTBOX_GET, id, fill_outbox, o);
}

void
store_outbox_clear(struct store_outbox *o)
{
	free((void *)o->channel);
	free((void *)o->recipient);
	free((void *)o->text);
	free((void *)o->encoding);
	free((void *)o->last_error);
	free((void *)o->provider_id);
	free((void *)o->kind);
	memset(o, 0, sizeof(*o));
}

static void
fill_audit(sqlite3_stmt *s, void *out)
{
	struct store_audit	*a = out;
	const char		*h;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	a->at = sqlite3_column_int64(s, 1);
	a->actor = store_col_str(s, 2);
	a->action = store_col_str(s, 3);
	a->case_id = sqlite3_column_int64(s, 4);
	a->detail = store_col_str(s, 5);
	if ((h = (const char *)sqlite3_column_text(s, 6)) != NULL)
		copy_str(a->prev_hash, sizeof(a->prev_hash), h);
	if ((h = (const char *)sqlite3_column_text(s, 7)) != NULL)
		copy_str(a->hash, sizeof(a->hash), h);
}

/*
 * Reads audit entry id into a.  Returns STORE_OK (release a with
 * store_audit_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_audit_get(struct store *st, int64_t id, struct store_audit *a)
{
	return read_row(st, ST_AUDIT_GET, id, fill_audit, a);
}

void
store_audit_clear(struct store_audit *a)
{
	free((void *)a->actor);
	free((void *)a->action);
	free((void *)a->detail);
	memset(a, 0, sizeof(*a));
}

static void
fill_count(sqlite3_stmt *s, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(s, 0);
}

/* Sets *n to the number of rows in table.  Returns STORE_OK or an error. */
enum store_status
store_count(struct store *st, enum store_table table, int64_t *n)
{
	if ((unsigned)table >= STORE_T_MAX)
		return STORE_INVALID;
	return read_row(st, (enum stmt_id)(ST_COUNT + table), 0, fill_count,
	    n);
}

/*
 * ===================================================================
 * Answers, parts of long messages, delivery reports
 * ===================================================================
 */

/* Records that an officer answered a case at "at" (0: now). */
enum store_status
store_case_answered(struct store_txn *txn, int64_t case_id, int64_t at)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_CASE_ANSWERED)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_int64(s, 2, at ? at : clock_unix());
	return txn_step(txn, s, "case answered", NULL);
}

/*
 * Stores one part of a long message.  Returns STORE_OK, STORE_DUPLICATE
 * when that provider message id is stored already, or an error.
 */
enum store_status
store_part_add(struct store_txn *txn, const struct store_part *p)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = txn_stmt(txn, ST_PART_INSERT)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, p->channel);
	bind_text(s, 2, p->provider_id);
	bind_text(s, 3, p->sender);
	bind_text(s, 4, p->recipient);
	bind_text(s, 5, p->ref);
	sqlite3_bind_int(s, 6, p->total);
	sqlite3_bind_int(s, 7, p->seq);
	sqlite3_bind_blob64(s, 8, p->text, p->textlen, SQLITE_STATIC);
	store_bind_opt(s, 9, p->provider_time);
	sqlite3_bind_int64(s, 10, p->received ? p->received : clock_unix());
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return STORE_DUPLICATE;
	return txn_error(txn, rc, "part insert");
}

/* Marks the waiting parts of a set as assembled into a message. */
enum store_status
store_parts_assembled(struct store_txn *txn, const struct store_part_set *set)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_PARTS_ASSEMBLED)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, set->channel);
	bind_text(s, 2, set->sender);
	bind_text(s, 3, set->ref);
	sqlite3_bind_int(s, 4, set->total);
	sqlite3_bind_int64(s, 5, clock_unix());
	return txn_step(txn, s, "parts assembled", NULL);
}

/* The marker put where parts are missing from an incomplete message. */
#define PART_GAP	" [...] "

/* Builds one set from its rows; returns 0, or -1 on a read error. */
static int
read_part_set(struct store *st, struct store_part_set *set)
{
	sqlite3_stmt	*s;
	size_t		 cap = 256, blen;
	int		 rc, seq, last = 0;
	const void	*blob;

	if ((s = conn_stmt(&st->rd, ST_PARTS_OF_GROUP)) == NULL)
		return -1;
	bind_text(s, 1, set->channel);
	bind_text(s, 2, set->sender);
	bind_text(s, 3, set->ref);
	sqlite3_bind_int(s, 4, set->total);
	set->text = xcalloc(1, cap);
	set->textlen = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		seq = sqlite3_column_int(s, 0);
		if (seq == last)
			continue;	/* the same part twice */
		blob = sqlite3_column_blob(s, 1);
		blen = (size_t)sqlite3_column_bytes(s, 1);
		if (set->nparts == 0) {
			set->first_provider_id = store_col_str(s, 2);
			set->recipient = store_col_str(s, 3);
			set->provider_time = sqlite3_column_int64(s, 4);
		}
		if (set->textlen + blen + 2 * sizeof(PART_GAP) >= cap) {
			cap = (set->textlen + blen + 2 * sizeof(PART_GAP)) * 2;
			if ((set->text = realloc(set->text, cap)) == NULL)
				fatal("realloc");
		}
		if (seq != last + 1) {
			memcpy(set->text + set->textlen, PART_GAP,
			    sizeof(PART_GAP) - 1);
			set->textlen += sizeof(PART_GAP) - 1;
		}
		memcpy(set->text + set->textlen, blob, blen);
		set->textlen += blen;
		set->nparts++;
		last = seq;
	}
	if (last != set->total && set->textlen + sizeof(PART_GAP) < cap) {
		memcpy(set->text + set->textlen, PART_GAP,
		    sizeof(PART_GAP) - 1);
		set->textlen += sizeof(PART_GAP) - 1;
	}
	set->text[set->textlen] = '\0';
	set->complete = set->nparts == set->total;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
part_set_clear(struct store_part_set *set)
{
	free((char *)set->channel);
	free((char *)set->sender);
	free((char *)set->recipient);
	free((char *)set->ref);
	free((char *)set->first_provider_id);
	free(set->text);
	memset(set, 0, sizeof(*set));
}

/*
 * Calls fn(set, arg) for every set of waiting parts that is complete or
 * whose first part came before older_than (Unix seconds), with the text
 * assembled in order (" [...] " where parts are missing).  The set is
 * valid during the call only.  Returns STORE_OK or an error.
 */
enum store_status
store_parts_ready(struct store *st, int64_t older_than,
    void (*fn)(const struct store_part_set *, void *), void *arg)
{
	struct store_part_set	*sets = NULL;
	sqlite3_stmt		*s;
	size_t			 n = 0, i;
	int			 rc;
	enum store_status	 r = STORE_OK;

	pthread_mutex_lock(&st->rlock);
	if ((s = conn_stmt(&st->rd, ST_PARTS_GROUPS)) == NULL) {
		pthread_mutex_unlock(&st->rlock);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(s, 1, older_than);
	sets = xcalloc(256, sizeof(*sets));
	while (n < 256 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		sets[n].channel = store_col_str(s, 0);
		sets[n].sender = store_col_str(s, 1);
		sets[n].ref = store_col_str(s, 2);
		sets[n].total = sqlite3_column_int(s, 3);
		n++;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	for (i = 0; i < n; i++)
		if (read_part_set(st, &sets[i]) == -1) {
			log_warnx("store: parts: %s",
			    sqlite3_errmsg(st->rd.db));
			r = STORE_ERROR;
		}
	pthread_mutex_unlock(&st->rlock);
	for (i = 0; i < n; i++) {
		if (r == STORE_OK && sets[i].nparts > 0)
			fn(&sets[i], arg);
		part_set_clear(&sets[i]);
	}
	free(sets);
	return r;
}

/* "delivered" or "failed" for a final report's state, else NULL. */
static const char *
final_state(enum store_outbox_state state)
{
	if (state == STORE_OUTBOX_DELIVERED || state == STORE_OUTBOX_FAILED)
		return store_outbox_state_name(state);
	return NULL;
}

/*
 * Stores a delivery report.  A final one (d->state delivered or failed)
 * also moves the outbox row that was sent with this channel and provider
 * message id from "sent" to that state (a failure's last_error says what
 * the report said); a report on a row not yet recorded as sent is applied
 * when it is (store_outbox_result()).  Returns STORE_OK or an error.
 */
enum store_status
store_dlr_add(struct store_txn *txn, const struct store_dlr *d)
{
	sqlite3_stmt		*s;
	enum store_status	 r;

	if ((s = txn_stmt(txn, ST_DLR_INSERT)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, d->channel);
	bind_text(s, 2, d->provider_id);
	bind_text(s, 3, d->status);
	bind_text(s, 4, d->error);
	sqlite3_bind_int64(s, 5, d->received ? d->received : clock_unix());
	bind_text(s, 6, final_state(d->state));
	if ((r = txn_step(txn, s, "dlr insert", NULL)) != STORE_OK ||
	    final_state(d->state) == NULL)
		return r;
	/* A final report moves the message it reports on. */
	if ((s = txn_stmt(txn, ST_OUTBOX_DLR)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, d->channel);
	bind_text(s, 2, d->provider_id);
	bind_text(s, 3, final_state(d->state));
	bind_text(s, 4, d->status);
	bind_text(s, 5, d->error);
	sqlite3_bind_int64(s, 6, d->received ? d->received : clock_unix());
	return txn_step(txn, s, "dlr outbox update", NULL);
}

/* Sets *n to the number of outbox rows in state.  STORE_OK or an error. */
enum store_status
store_outbox_depth(struct store *st, enum store_outbox_state state,
    int64_t *n)
{
	sqlite3_stmt		*s;
	enum store_status	 r = STORE_ERROR;
	const char		*name = store_outbox_state_name(state);

	if (name == NULL)
		return STORE_INVALID;
	pthread_mutex_lock(&st->rlock);
	if ((s = conn_stmt(&st->rd, ST_OUTBOX_DEPTH)) != NULL) {
		bind_text(s, 1, name);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*n = sqlite3_column_int64(s, 0);
			r = STORE_OK;
		}
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
	pthread_mutex_unlock(&st->rlock);
	return r;
}

/*
 * ===================================================================
 * The outbox worker's rows (outbox.c)
 * ===================================================================
 *
 * A row goes queued -> sending (claimed, the attempt counted) -> sent,
 * back to queued (a retry, at next_attempt) or failed (dead when it ran
 * out of attempts); sent -> delivered or failed by a delivery report;
 * failed -> queued again by store_outbox_retry().  Rows left "sending"
 * by a crash are put back with store_outbox_requeue() at start-up.
 */

/*
 * Sets the function the writer thread calls after a batch that queued
 * outbox rows (store_outbox_insert(), store_outbox_retry(),
 * store_outbox_requeue()) committed; fn must be short and must not wait
 * for the store.  NULL removes it.
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
static void
outbox_notify(struct store *st)
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
 * Claims up to limit rows of channel that are queued and due at "now"
 * (oldest next_attempt first): they become "sending" with the attempt
 * counted.  Returns STORE_OK with a malloc'd array of *n rows in *rows
 * (NULL when none), each released with store_outbox_clear() and the array
 * with free(); or an error, with nothing to free.
 */
enum store_status
store_outbox_claim(struct store_txn *txn, const char *channel, int64_t at,
    int limit, struct store_outbox **rows, size_t *n)
{
	sqlite3_stmt		*s;
	struct store_outbox	*v = NULL;
	size_t			 i, cnt = 0;
	int			 rc;

	*rows = NULL;
	*n = 0;
	if (limit <= 0)
		return STORE_OK;
	if ((s = txn_stmt(txn, ST_OUTBOX_CLAIM)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, channel);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_int(s, 3, limit);
	v = xcalloc((size_t)limit, sizeof(*v));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && cnt < (size_t)limit)
		fill_outbox(s, &v[cnt++]);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		for (i = 0; i < cnt; i++)
			store_outbox_clear(&v[i]);
		free(v);
		return txn_error(txn, rc, "outbox claim");
	}
	if (cnt == 0) {
		free(v);
		v = NULL;
	}
	*rows = v;
	*n = cnt;
	return STORE_OK;
}

/*
 * Records what became of a row that was "sending": r->state sent (with
 * its provider id; an outbound row, the message as sent from r->sender,
 * is added and a final delivery report that came first is applied),
 * queued (a retry at r->next_attempt; r->refund uncounts the attempt,
 * which never reached the channel) or failed (r->dead when it ran out of
 * attempts).  r->error, when not NULL, becomes last_error.  Returns
 * STORE_OK, STORE_NOTFOUND when the row is not "sending" (a late report:
 * nothing changed), STORE_INVALID for another state, or an error.
 */
enum store_status
store_outbox_result(struct store_txn *txn,
    const struct store_outbox_result *r)
{
	sqlite3_stmt		*s;
	enum store_status	 st;
	int64_t			 t = clock_unix();

	if (r->state != STORE_OUTBOX_SENT && r->state != STORE_OUTBOX_QUEUED &&
	    r->state != STORE_OUTBOX_FAILED)
		return STORE_INVALID;
	if ((s = txn_stmt(txn, ST_OUTBOX_RESULT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, r->id);
	bind_text(s, 2, store_outbox_state_name(r->state));
	bind_text(s, 3, r->provider_id);
	bind_text(s, 4, r->error);
	if (r->state == STORE_OUTBOX_QUEUED)
		sqlite3_bind_int64(s, 5, r->next_attempt ? r->next_attempt :
		    t);
	sqlite3_bind_int(s, 6, r->state == STORE_OUTBOX_FAILED && r->dead);
	sqlite3_bind_int64(s, 7, t);
	sqlite3_bind_int(s, 8, r->state == STORE_OUTBOX_QUEUED && r->refund);
	if ((st = txn_step(txn, s, "outbox result", NULL)) != STORE_OK)
		return st;
	if (sqlite3_changes(txn->st->wr.db) == 0)
		return STORE_NOTFOUND;
	if (r->state == STORE_OUTBOX_QUEUED)
		txn->st->outbox_dirty = 1;
	if (r->state != STORE_OUTBOX_SENT)
		return STORE_OK;

	if ((s = txn_stmt(txn, ST_OUTBOUND_FROM_OUTBOX)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, r->id);
	bind_text(s, 2, r->sender != NULL && *r->sender ? r->sender : NULL);
	sqlite3_bind_int64(s, 3, t);
	if ((st = txn_step(txn, s, "outbound from outbox", NULL)) != STORE_OK)
		return st;
	if (r->provider_id == NULL || r->channel == NULL)
		return STORE_OK;
	/* Nearly always none: a probe is cheaper than the UPDATE. */
	if ((s = txn_stmt(txn, ST_DLR_EXISTS)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, r->channel);
	bind_text(s, 2, r->provider_id);
	if ((st = txn_lookup(txn, s, "delivery report", NULL, NULL)) ==
	    STORE_NOTFOUND)
		return STORE_OK;
	if (st != STORE_OK)
		return st;
	if ((s = txn_stmt(txn, ST_OUTBOX_EARLY_DLR)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, r->channel);
	bind_text(s, 2, r->provider_id);
	sqlite3_bind_int64(s, 3, r->id);
	sqlite3_bind_int64(s, 4, t);
	return txn_step(txn, s, "outbox early report", NULL);
}

/*
 * Puts every row left "sending" (by a crash, or by a shutdown that could
 * not wait for its answer) back to "queued", due at once; the attempt it
 * made stays counted.  Sets *n (when not NULL) to the number of rows.
 * Returns STORE_OK or an error.
 */
enum store_status
store_outbox_requeue(struct store_txn *txn, int64_t *n)
{
	sqlite3_stmt		*s;
	enum store_status	 st;

	if ((s = txn_stmt(txn, ST_OUTBOX_REQUEUE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, clock_unix());
	if ((st = txn_step(txn, s, "outbox requeue", NULL)) != STORE_OK)
		return st;
	if (n != NULL)
		*n = sqlite3_changes(txn->st->wr.db);
	txn->st->outbox_dirty = 1;
	return STORE_OK;
}

/*
 * Queues failed row id again, due at once, with its attempts and dead
 * flag reset (its last_error stays until it is sent).  Returns STORE_OK,
 * STORE_NOTFOUND when there is no such row, STORE_INVALID when it is not
 * failed, or an error.
 */
enum store_status
store_outbox_retry(struct store_txn *txn, int64_t id)
{
	sqlite3_stmt		*s;
	enum store_status	 st;

	if ((s = txn_stmt(txn, ST_OUTBOX_RETRY)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, clock_unix());
	if ((st = txn_step(txn, s, "outbox retry", NULL)) != STORE_OK)
		return st;
	if (sqlite3_changes(txn->st->wr.db) == 1) {
		txn->st->outbox_dirty = 1;
		return STORE_OK;
	}
	if ((s = txn_stmt(txn, ST_OUTBOX_GET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	return txn_lookup(txn, s, "outbox get", NULL, NULL) == STORE_OK ?
	    STORE_INVALID : STORE_NOTFOUND;
}

/*
 * Sets *when to the earliest next_attempt of channel's queued rows.
 * Returns STORE_OK, STORE_NOTFOUND when it has none, or an error.
 */
enum store_status
store_outbox_next_due(struct store *st, const char *channel, int64_t *when)
{
	sqlite3_stmt		*s;
	enum store_status	 r = STORE_ERROR;

	pthread_mutex_lock(&st->rlock);
	if ((s = conn_stmt(&st->rd, ST_OUTBOX_NEXT_DUE)) != NULL) {
		bind_text(s, 1, channel);
		if (sqlite3_step(s) == SQLITE_ROW) {
			if (sqlite3_column_type(s, 0) == SQLITE_NULL)
				r = STORE_NOTFOUND;
			else {
				*when = sqlite3_column_int64(s, 0);
				r = STORE_OK;
			}
		}
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
	pthread_mutex_unlock(&st->rlock);
	return r;
}

/* Sets *n to the number of dead rows.  Returns STORE_OK or an error. */
enum store_status
store_outbox_dead(struct store *st, int64_t *n)
{
	return read_row(st, ST_OUTBOX_DEAD, 0, fill_count, n);
}

/*
 * ===================================================================
 * Senders, counts and status lookups for the reply composer (reply.c)
 * ===================================================================
 */

/*
 * Reads what the store remembers about number into *out (all zero when it
 * has no row).  Returns STORE_OK or an error.
 */
enum store_status
store_sender_get(struct store_txn *txn, const char *number,
    struct store_sender *out)
{
	sqlite3_stmt		*s;
	enum store_status	 r = STORE_OK;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if ((s = txn_stmt(txn, ST_SENDER_GET)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, number);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->opted_out = sqlite3_column_int(s, 0);
		out->quarantined_at = sqlite3_column_int64(s, 1);
		out->quarantine_until = sqlite3_column_int64(s, 2);
	} else if (rc != SQLITE_DONE)
		r = txn_error(txn, rc, "sender get");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return r;
}

/*
 * Records that number opted out of (opted_out 1) or back into (0) the
 * ward's information and announcements, at "at" (0: now).  Returns
 * STORE_OK or an error.
 */
enum store_status
store_sender_optout(struct store_txn *txn, const char *number,
    int opted_out, int64_t at)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_SENDER_OPTOUT)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, number);
	sqlite3_bind_int(s, 2, opted_out != 0);
	sqlite3_bind_int64(s, 3, at ? at : clock_unix());
	return txn_step(txn, s, "sender optout", NULL);
}

/*
 * Quarantines number from "at" (0: now) until "until" (0: for good), for
 * reason (or NULL).  Returns STORE_OK or an error.
 */
enum store_status
store_sender_quarantine(struct store_txn *txn, const char *number,
    int64_t at, int64_t until, const char *reason)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_SENDER_QUARANTINE)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, number);
	sqlite3_bind_int64(s, 2, at ? at : clock_unix());
	store_bind_opt(s, 3, until);
	bind_text(s, 4, reason);
	return txn_step(txn, s, "sender quarantine", NULL);
}

/* Runs a count(*) statement already bound; sets *n.  STORE_OK or error. */
static enum store_status
txn_count(struct store_txn *txn, sqlite3_stmt *s, const char *what,
    int64_t *n)
{
	enum store_status	r = txn_lookup(txn, s, what, n, NULL);

	if (r == STORE_NOTFOUND) {
		*n = 0;
		r = STORE_OK;
	}
	return r;
}

/*
 * Counts the inbound messages of sender received at or after since, up to
 * limit (the count stops there: a flood costs no more than that).  Returns
 * STORE_OK with the count in *n, or an error.
 */
enum store_status
store_inbound_count_since(struct store_txn *txn, const char *sender,
    int64_t since, int limit, int64_t *n)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_INBOUND_COUNT_SINCE)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, sender);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int(s, 3, limit);
	return txn_count(txn, s, "inbound count", n);
}

/*
 * Counts the automatic replies (kinds "ack" and "special") queued for
 * recipient at or after since.  Returns STORE_OK with the count in *n, or
 * an error.
 */
enum store_status
store_outbox_count_auto(struct store_txn *txn, const char *recipient,
    int64_t since, int64_t *n)
{
	sqlite3_stmt	*s;

	if ((s = txn_stmt(txn, ST_OUTBOX_COUNT_AUTO)) == NULL)
		return STORE_ERROR;
	bind_text(s, 1, recipient);
	sqlite3_bind_int64(s, 2, since);
	return txn_count(txn, s, "outbox count", n);
}

/* Reads the text of the last "answer" row of a case; NULL for none. */
static void
fill_answer(sqlite3_stmt *s, void *out)
{
	*(char **)out = store_col_str(s, 0);
}

/*
 * Reads the case with reference number ref and its last officer's answer
 * (the newest outbox row of kind "answer") into *cs, in the writer's
 * transaction.  Returns STORE_OK (release *cs with
 * store_case_status_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_case_status(struct store_txn *txn, int64_t ref,
    struct store_case_status *cs)
{
	sqlite3_stmt		*s;
	enum store_status	 r = STORE_OK;
	int			 rc;

	memset(cs, 0, sizeof(*cs));
	if ((s = txn_stmt(txn, ST_CASE_GET_BY_REF)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, ref);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		fill_case(s, &cs->c);
	else if (rc == SQLITE_DONE)
		r = STORE_NOTFOUND;
	else
		r = txn_error(txn, rc, "case by ref");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r != STORE_OK)
		return r;
	if ((s = txn_stmt(txn, ST_CASE_LAST_ANSWER)) == NULL) {
		store_case_status_clear(cs);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(s, 1, cs->c.id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		fill_answer(s, &cs->answer);
	else if (rc != SQLITE_DONE)
		r = txn_error(txn, rc, "case last answer");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r != STORE_OK)
		store_case_status_clear(cs);
	return r;
}

/*
 * The same as store_case_status() from any thread, through the reader
 * connection (committed data only).
 */
enum store_status
store_case_status_get(struct store *st, int64_t ref,
    struct store_case_status *cs)
{
	enum store_status	r;

	memset(cs, 0, sizeof(*cs));
	if ((r = read_row(st, ST_CASE_GET_BY_REF, ref, fill_case, &cs->c)) !=
	    STORE_OK)
		return r;
	r = read_row(st, ST_CASE_LAST_ANSWER, cs->c.id, fill_answer,
	    &cs->answer);
	if (r == STORE_NOTFOUND)
		r = STORE_OK;
	if (r != STORE_OK)
		store_case_status_clear(cs);
	return r;
}

/* Frees what store_case_status() and store_case_status_get() filled. */
void
store_case_status_clear(struct store_case_status *cs)
{
	store_case_clear(&cs->c);
	free(cs->answer);
	memset(cs, 0, sizeof(*cs));
}

/*
 * Sets *n to the number of senders quarantined at time "at" (committed
 * data).  Returns STORE_OK or an error.
 */
enum store_status
store_senders_quarantined(struct store *st, int64_t at, int64_t *n)
{
	return read_row(st, ST_SENDERS_QUARANTINED, at, fill_count, n);
}

#ifdef PAPIGW_TEST_HOOKS
/*
 * ===================================================================
 * Fault injection (tests only)
 * ===================================================================
 */

static enum store_status
max_pages_work(struct store_txn *txn, void *arg)
{
	int64_t		 extra = *(int64_t *)arg, pages = 0;
	sqlite3_stmt	*s;
	char		 sql[64];
	int		 rc;

	if ((s = txn_stmt(txn, ST_PAGE_COUNT)) == NULL)
		return STORE_ERROR;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		pages = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return txn_error(txn, rc, "page count");
	/* PRAGMA takes no parameters; this is a number, not outside input. */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64,
	    pages + extra);
	rc = sqlite3_exec(txn->st->wr.db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : txn_error(txn, rc, "max pages");
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

/* Makes the next n COMMITs of the writer fail and roll back. */
void
store_fault_commit(struct store *st, int n)
{
	pthread_mutex_lock(&st->lock);
	st->fail_commits = n;
	pthread_mutex_unlock(&st->lock);
}
#endif /* PAPIGW_TEST_HOOKS */

/*
 * ===================================================================
 * For the store's other files (store_priv.h): store_cases.c
 * ===================================================================
 */

/* The writer connection, for a work function's own statements. */
sqlite3 *
store_txn_db(struct store_txn *txn)
{
	return txn->st->wr.db;
}

/*
 * Records a failed SQLite call of a work function as txn_error() does
 * (store-level errors become the item's fatal error).  Returns its status.
 */
enum store_status
store_txn_fail(struct store_txn *txn, int rc, const char *what)
{
	return txn_error(txn, rc, what);
}

/* The database file's path, owned by the store. */
const char *
store_path(const struct store *st)
{
	return st->path;
}

/*
 * Computes the hash of an audit entry into out, byte for byte as
 * store_audit_append() does (see "Audit log"), for papictl audit --verify.
 * Returns 0, or -1 when OpenSSL failed.
 */
int
store_audit_hash(const char *prev, int64_t at, const char *actor,
    const char *action, int64_t case_id, const char *detail,
    char out[STORE_HASH_HEX])
{
	return audit_hash(prev, at, actor, action, case_id, detail, out);
}
