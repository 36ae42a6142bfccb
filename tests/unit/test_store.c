/*
 * test_store.c: the store on real SQLite files in a temporary directory:
 * creating and migrating the schema, every table's rows, duplicate
 * provider ids, the lookups of work functions, the audit hash chain, and
 * the group commit under threads and faults (a failing item, a full
 * database, a failing COMMIT, closing with work queued).
 *
 * The tests open the file with the SQLite API only to check what the store
 * must leave behind (WAL mode, user_version) and to build an old database.
 * Waits are bounded: a test that would hang fails instead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "base/log.h"
#include "base/util.h"
#include "store/store.h"
#include "store/store_priv.h"
#include "store/announce.h"

#define WAIT_MAX	30	/* seconds any wait may take before failing */
#define NTHREADS	8
#define PER_THREAD	200

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct store	*st;
};

/*
 * ===================================================================
 * Helpers
 * ===================================================================
 */

static int
setup(void **state)
{
	struct fixture	*f;

	f = xcalloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/papigw-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/papigw.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	struct dirent	*de;
	char		 p[512];
	DIR		*d;

	store_close(f->st);
	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct store *
open_store_sync(struct fixture *f, int batch_max, int full)
{
	struct store_options	 opt;
	char			 err[STORE_ERR_MAX];
	struct store		*st;

	memset(&opt, 0, sizeof(opt));
	opt.path = f->path;
	opt.synchronous_full = full;
	opt.busy_timeout_ms = 5000;
	opt.batch_max = batch_max;
	st = store_open(&opt, err, sizeof(err));
	if (st == NULL)
		fail_msg("store_open: %s", err);
	return st;
}

/* The store with storage.synchronous = normal. */
static struct store *
open_store(struct fixture *f, int batch_max)
{
	return open_store_sync(f, batch_max, 0);
}

/* Runs one SQL statement on a separate connection; returns its integer. */
static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* Runs sql on a separate connection; returns SQLite's primary code. */
static int
sql_exec_rc(const char *path, const char *sql)
{
	sqlite3	*db;
	int	 rc;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc & 0xff;
}

/*
 * The ephemeral tables SQLite opens to run sql (OpenEphemeral in its
 * EXPLAIN), on a separate connection to the store at path: one that may
 * write, as SQLite leaves out the CHECKs of a database opened read-only.
 */
static int
ephemeral_tables(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		*explain;
	int		 n = 0;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_non_null(explain = sqlite3_mprintf("EXPLAIN %s", sql));
	if (sqlite3_prepare_v2(db, explain, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(s) == SQLITE_ROW)
		if (strcmp((const char *)sqlite3_column_text(s, 1),
		    "OpenEphemeral") == 0)
			n++;
	sqlite3_finalize(s);
	sqlite3_free(explain);
	sqlite3_close(db);
	return n;
}

/* The statement of fam that begins with prefix (there is one). */
static const char *
family_stmt(const struct store_family *fam, const char *prefix)
{
	size_t	i;

	for (i = 0; i < fam->n; i++)
		if (fam->sql[i] != NULL &&
		    strncmp(fam->sql[i], prefix, strlen(prefix)) == 0)
			return fam->sql[i];
	fail_msg("no statement begins with %s", prefix);
	return NULL;
}

/*
 * A message's writes, and an announcement's, build no ephemeral table:
 * no CHECK or partial index of the tables they write lists more than two
 * values (schema 28), which SQLite evaluates through a table it builds
 * at every statement.
 */
static void
assert_no_list_tables(const char *path)
{
	static const struct {
		const struct store_family	*fam;
		const char			*prefix;
	} w[] = {
		{ &store_case_family, "INSERT INTO cases (" },
		{ &store_case_family, "UPDATE cases SET state = ?2" },
		{ &store_case_family, "UPDATE cases SET answered = " },
		{ &store_outbox_family, "INSERT INTO outbox (" },
		{ &store_outbox_family, "UPDATE outbox SET state = ?2" },
		{ &store_announce_family, "UPDATE announce_recipients SET "
		    "state = 'queued', outbox_id" },
		{ &store_announce_family, "UPDATE announcements SET state = "
		    "'sent'" },
	};
	const char	*sql;
	size_t		 i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		sql = family_stmt(w[i].fam, w[i].prefix);
		if (ephemeral_tables(path, sql) != 0)
			fail_msg("an ephemeral table for %s", sql);
	}
}

static int64_t
count(struct store *st, enum store_table t)
{
	int64_t	n = -1;

	assert_int_equal(store_count(st, t, &n), STORE_OK);
	return n;
}

static struct timespec
deadline(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_MAX;
	return ts;
}

/*
 * A gate holds the writer thread inside a work function until the test
 * opens it, so that what the test submits meanwhile lands in one batch.
 */
struct gate {
	pthread_mutex_t	 m;
	pthread_cond_t	 c;
	int		 entered;
	int		 open;
	int		 timedout;
};

static void
gate_init(struct gate *g)
{
	memset(g, 0, sizeof(*g));
	pthread_mutex_init(&g->m, NULL);
	pthread_cond_init(&g->c, NULL);
}

static enum store_status
gate_work(struct store_txn *txn, void *arg)
{
	struct gate	*g = arg;
	struct timespec	 ts = deadline();

	(void)txn;
	pthread_mutex_lock(&g->m);
	g->entered = 1;
	pthread_cond_broadcast(&g->c);
	while (!g->open && !g->timedout)
		if (pthread_cond_timedwait(&g->c, &g->m, &ts) == ETIMEDOUT)
			g->timedout = 1;
	pthread_mutex_unlock(&g->m);
	return STORE_OK;
}

/* Submits the gate and waits until the writer is inside it. */
static void
gate_close(struct store *st, struct gate *g)
{
	struct timespec	ts = deadline();
	int		entered;

	gate_init(g);
	assert_int_equal(store_submit(st, gate_work, NULL, g), STORE_OK);
	pthread_mutex_lock(&g->m);
	while (!g->entered)
		if (pthread_cond_timedwait(&g->c, &g->m, &ts) == ETIMEDOUT)
			break;
	entered = g->entered;
	pthread_mutex_unlock(&g->m);
	assert_true(entered);
}

static void
gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->m);
	g->open = 1;
	pthread_cond_broadcast(&g->c);
	pthread_mutex_unlock(&g->m);
}

/* Completions of asynchronous submissions, counted under a lock. */
struct tally {
	pthread_mutex_t	 m;
	pthread_cond_t	 c;
	int		 done;
};

static void
tally_init(struct tally *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->m, NULL);
	pthread_cond_init(&t->c, NULL);
}

static void
tally_add(struct tally *t)
{
	pthread_mutex_lock(&t->m);
	t->done++;
	pthread_cond_broadcast(&t->c);
	pthread_mutex_unlock(&t->m);
}

/* Waits (bounded) until n completions; returns how many there were. */
static int
tally_wait(struct tally *t, int n)
{
	struct timespec	ts = deadline();
	int		done;

	pthread_mutex_lock(&t->m);
	while (t->done < n)
		if (pthread_cond_timedwait(&t->c, &t->m, &ts) == ETIMEDOUT)
			break;
	done = t->done;
	pthread_mutex_unlock(&t->m);
	return done;
}

/*
 * One inbound message as a work item: its own fields, what the store
 * answered, and what the completion saw.
 */
struct msg_job {
	struct store	*st;
	struct tally	*tally;
	char		 provider_id[32];
	const char	*channel;
	const char	*text;
	int		 fail_after;	/* STORE_INVALID after the insert */
	int64_t		 case_id;	/* attach to it (may not exist) */
	int64_t		 id;
	enum store_status insert_status;
	enum store_status status;	/* from the completion */
	int		 visible;	/* seen by the reader in the callback */
};

static enum store_status
msg_work(struct store_txn *txn, void *arg)
{
	struct msg_job		*j = arg;
	struct store_inbound_new m;
	enum store_status	 s;

	memset(&m, 0, sizeof(m));
	m.channel = j->channel != NULL ? j->channel : "twilio";
	m.provider_id = j->provider_id[0] != '\0' ? j->provider_id : NULL;
	m.sender = "+84912345678";
	m.recipient = "+84900000001";
	m.text = j->text != NULL ? j->text : "Đường ngập nước";
	m.encoding = "ucs2";
	s = store_inbound_insert(txn, &m, &j->id);
	j->insert_status = s;
	if (s != STORE_OK)
		return s;
	if (j->case_id != 0 &&
	    (s = store_inbound_attach(txn, j->id, j->case_id)) != STORE_OK)
		return s;
	return j->fail_after ? STORE_INVALID : STORE_OK;
}

/* The completion: record the status and whether a reader sees the row. */
static void
msg_done(enum store_status s, void *arg)
{
	struct msg_job		*j = arg;
	struct store_message	 m;

	j->status = s;
	if (s == STORE_OK && store_inbound_get(j->st, j->id, &m) == STORE_OK) {
		j->visible = 1;
		store_message_clear(&m);
	}
	if (j->tally != NULL)
		tally_add(j->tally);
}

static enum store_status
msg_insert(struct store *st, struct msg_job *j)
{
	j->st = st;
	return store_submit_wait(st, msg_work, j);
}

/*
 * Sets up n message jobs with the ids PREFIX0, PREFIX1... counted in
 * tally, for batch_run_jobs().
 */
static void
jobs_init(struct msg_job *j, int n, struct store *st, struct tally *tally,
    const char *prefix)
{
	int	i;

	tally_init(tally);
	memset(j, 0, sizeof(*j) * (size_t)n);
	for (i = 0; i < n; i++) {
		j[i].tally = tally;
		j[i].st = st;
		snprintf(j[i].provider_id, sizeof(j[i].provider_id), "%s%d",
		    prefix, i);
	}
}

/*
 * Submits the n jobs as one batch (the writer held at a gate meanwhile),
 * job i with store_submit_clean() when bit i of clean is set, and waits
 * (bounded) for every completion.
 */
static void
jobs_run(struct store *st, struct msg_job *j, int n, unsigned clean,
    struct tally *tally)
{
	struct gate	g;
	int		i;

	gate_close(st, &g);
	for (i = 0; i < n; i++)
		assert_int_equal((clean & (1u << i) ? store_submit_clean :
		    store_submit)(st, msg_work, msg_done, &j[i]), STORE_OK);
	gate_open(&g);
	assert_int_equal(tally_wait(tally, n), n);
	assert_false(g.timedout);
}

static int
exists(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0;
}

/*
 * ===================================================================
 * Opening and migrations
 * ===================================================================
 */

static void
test_open_empty(void **state)
{
	struct fixture	*f = *state;
	int		 t;

	f->st = open_store(f, 0);
	for (t = 0; t < STORE_T_MAX; t++)
		assert_int_equal(count(f->st, (enum store_table)t), 0);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(f->path,
	    "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM "
	    "sqlite_master WHERE name IN ('outbox_queue', 'cases_open_held', "
	    "'inbound_provider_id', 'corrections_case', 'case_events_state', "
	    "'outbox_created')"), 6);
	assert_no_list_tables(f->path);
}

static enum store_status
case_work(struct store_txn *txn, void *arg)
{
	int64_t			*ids = arg;	/* id, ref out */
	struct store_case_new	 c;

	memset(&c, 0, sizeof(c));
	c.category = "infrastructure";
	c.sender = "+84912345678";
	c.channel = "modem0";
	c.deadline = 1800000000;
	return store_case_create(txn, &c, &ids[0], &ids[1]);
}

static enum store_status
audit_work(struct store_txn *txn, void *arg)
{
	(void)arg;
	return store_audit_append(txn, "papigwd", "migrate-check", 0, NULL);
}

static void
load_fixture(const char *path, const char *fixture)
{
	sqlite3	*db;
	char	*sql, *errmsg = NULL;

	sql = read_small_file(fixture, 1 << 20, NULL);
	assert_non_null(sql);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
		fail_msg("%s: %s", fixture, errmsg);
	sqlite3_close(db);
	free(sql);
}

static void
test_migrate_v1(void **state)
{
	struct fixture		*f = *state;
	struct store_case	 c;
	struct store_message	 m;
	struct store_outbox	 o;
	struct store_audit	 a;
	struct msg_job		 j;
	int64_t			 ids[2] = { 0, 0 }, fixture_hash_id = 1;
	char			 fixture_hash[STORE_HASH_HEX];

	load_fixture(f->path, SRCDIR "/tests/data/store-v1.sql");
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 1);
	f->st = open_store(f, 0);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_no_list_tables(f->path);

	/* Every row survived. */
	assert_int_equal(count(f->st, STORE_T_CASES), 2);
	assert_int_equal(count(f->st, STORE_T_CASE_EVENTS), 3);
	assert_int_equal(count(f->st, STORE_T_INBOUND), 2);
	assert_int_equal(count(f->st, STORE_T_OUTBOUND), 1);
	assert_int_equal(count(f->st, STORE_T_OUTBOX), 2);
	assert_int_equal(count(f->st, STORE_T_NOTES), 1);
	assert_int_equal(count(f->st, STORE_T_AUDIT), 1);

	/* Version 2 filled "closed" from the history of closed cases. */
	assert_int_equal(store_case_get_by_ref(f->st, 1, 0, &c), STORE_OK);
	assert_int_equal(c.state, STORE_CASE_RESOLVED);
	assert_int_equal(c.closed, 1700000500);
	assert_string_equal(c.categories2, "environment");
	assert_string_equal(c.assignee, "lan");
	store_case_clear(&c);
	assert_int_equal(store_case_get(f->st, 2, &c), STORE_OK);
	assert_int_equal(c.state, STORE_CASE_RECEIVED);
	assert_int_equal(c.closed, 0);
	assert_null(c.assignee);
	store_case_clear(&c);

	assert_int_equal(store_inbound_get(f->st, 2, &m), STORE_OK);
	assert_int_equal(m.rawlen, 8);
	assert_memory_equal(m.raw, "xin ch\xc0o", 8);
	assert_string_equal(m.provider_id, "SM0001");
	store_message_clear(&m);
	assert_int_equal(store_outbox_get(f->st, 2, &o), STORE_OK);
	assert_int_equal(o.state, STORE_OUTBOX_QUEUED);
	assert_int_equal(o.attempts, 2);
	assert_string_equal(o.last_error, "HTTP 503");
	store_outbox_clear(&o);

	/* The reference counter, the dedupe index and the chain go on. */
	assert_int_equal(store_submit_wait(f->st, case_work, ids), STORE_OK);
	assert_int_equal(ids[1], 3);
	memset(&j, 0, sizeof(j));
	j.channel = "twilio";
	snprintf(j.provider_id, sizeof(j.provider_id), "SM0001");
	assert_int_equal(msg_insert(f->st, &j), STORE_DUPLICATE);
	assert_int_equal(j.id, 2);
	assert_int_equal(store_audit_get(f->st, fixture_hash_id, &a),
	    STORE_OK);
	copy_str(fixture_hash, sizeof(fixture_hash), a.hash);
	store_audit_clear(&a);
	assert_int_equal(store_submit_wait(f->st, audit_work, NULL), STORE_OK);
	assert_int_equal(store_audit_get(f->st, 2, &a), STORE_OK);
	assert_string_equal(a.prev_hash, fixture_hash);
	store_audit_clear(&a);
}

/*
 * A store of schema 12, as the code before schema 13 left it with
 * replies sent, an officer's answer and a keyed audit log
 * (tests/data/store-v12.sql): the sent replies become outbox rows that say
 * when and from which number, the full-text index and the audit chain go
 * on.
 */
static void
test_migrate_v12(void **state)
{
	struct fixture		*f = *state;
	struct store_message	 m;
	struct store_outbox	 o;
	struct store_audit	 a, b;
	int64_t			 ids[2] = { 0, 0 };

	load_fixture(f->path, SRCDIR "/tests/data/store-v12.sql");
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 12);
	f->st = open_store(f, 0);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	/*
	 * Its CHECKs without lists (schema 28) hold every row, and still
	 * refuse a state that is none of theirs.
	 */
	assert_no_list_tables(f->path);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM "
	    "pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
	assert_int_equal(sql_exec_rc(f->path, "UPDATE cases SET state = "
	    "'closed' WHERE id = 1"), SQLITE_CONSTRAINT);
	assert_int_equal(sql_exec_rc(f->path, "UPDATE outbox SET state = "
	    "'lost' WHERE id = 1"), SQLITE_CONSTRAINT);
	assert_int_equal(sql_exec_rc(f->path, "UPDATE cases SET source = "
	    "'fax' WHERE id = 1"), SQLITE_CONSTRAINT);

	/* One row per reply: what outbound said is in it. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'outbound'"), 0);
	assert_int_equal(count(f->st, STORE_T_OUTBOX), 4);
	assert_int_equal(count(f->st, STORE_T_OUTBOUND), 4);
	assert_int_equal(store_outbox_get(f->st, 4, &o), STORE_OK);
	assert_int_equal(o.state, STORE_OUTBOX_SENT);
	assert_string_equal(o.kind, "answer");
	assert_string_equal(o.sender, "8089");
	assert_int_equal(o.sent, 1796422487);
	assert_int_equal(o.priority, STORE_OUTBOX_PRIORITY_REPLY);
	store_outbox_clear(&o);
	assert_int_equal(store_outbound_get(f->st, 1, &m), STORE_OK);
	assert_int_equal(m.outbox_id, 1);
	assert_string_equal(m.recipient, "+84901000001");
	assert_int_equal(m.sent, 1796422457);
	store_message_clear(&m);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
	    "WHERE name IN ('outbox_due', 'outbox_channel_due')"), 0);

	/*
	 * The full-text index holds the three messages, and says so; made
	 * again without their sizes (schema 27).
	 */
	assert_int_equal(sql_int(f->path, "SELECT value FROM counters "
	    "WHERE name = 'fts_inbound'"), 3);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM inbound_fts "
	    "WHERE inbound_fts MATCH 'tac'"), 3);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM inbound_fts "
	    "WHERE inbound_fts MATCH '\"hem 2\"'"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'inbound_fts_docsize'"), 0);

	/*
	 * The chain goes on from entry 5, in hex digits, with entry 6 in
	 * bytes (schema 27), and the head with it.
	 */
	assert_int_equal(store_submit_wait(f->st, audit_work, NULL), STORE_OK);
	assert_int_equal(store_audit_get(f->st, 5, &a), STORE_OK);
	assert_int_equal(store_audit_get(f->st, 6, &b), STORE_OK);
	assert_string_equal(b.prev_hash, a.hash);
	assert_int_equal(strlen(a.hash), STORE_HASH_HEX - 1);
	assert_int_equal(sql_int(f->path, "SELECT typeof(hash) = 'text' AND "
	    "length(hash) = 64 FROM audit WHERE id = 5"), 1);
	assert_int_equal(sql_int(f->path, "SELECT length(prev_hash) FROM "
	    "audit WHERE id = 6 AND typeof(prev_hash) = 'blob' AND "
	    "typeof(hash) = 'blob' AND length(hash) = 32"),
	    STORE_AUDIT_LINK / 2);
	assert_int_equal(sql_int(f->path, "SELECT last_id * 100 + entries "
	    "FROM audit_head"), 606);
	store_audit_clear(&a);
	store_audit_clear(&b);

	/* The reference counter goes on; the events stay. */
	assert_int_equal(store_submit_wait(f->st, case_work, ids), STORE_OK);
	assert_int_equal(ids[1], 4);
	assert_int_equal(count(f->st, STORE_T_CASE_EVENTS), 4);
}

/* What a restart does first: the rows left "sending" (outbox_start()). */
static enum store_status
requeue_work(struct store_txn *txn, void *arg)
{
	return store_outbox_requeue(txn, INT64_MAX, arg);
}

/* Claims one due row of channel "gen": its id, or 0. */
static enum store_status
claim_one_work(struct store_txn *txn, void *arg)
{
	int64_t			*id = arg;
	struct store_outbox	*rows = NULL;
	size_t			 i, n = 0;
	enum store_status	 st;

	*id = 0;
	st = store_outbox_claim(txn, "gen", 1900000000, 1, &rows, &n);
	for (i = 0; i < n; i++) {
		*id = rows[i].id;
		store_outbox_clear(&rows[i]);
	}
	free(rows);
	return st;
}

/*
 * A store of schema 16, with the outbound table, an announcement partly
 * sent and rows left "sending" by a crash (tests/data/store-v16.sql): the
 * sent rows say when and from which number, the announcement's recipients
 * keep their rows, the interrupted announcement row fails "maybe sent"
 * while the officer's answer goes again, replies are claimed before bulk.
 */
static void
test_migrate_v16(void **state)
{
	struct fixture			*f = *state;
	struct store_outbox		 o;
	struct store_message		 m;
	struct store_announce_stats	 as;
	int64_t				 n = 0, id;

	load_fixture(f->path, SRCDIR "/tests/data/store-v16.sql");
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 16);
	f->st = open_store(f, 0);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_no_list_tables(f->path);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
	    "WHERE name IN ('outbound', 'outbox_due', 'outbox_channel_due', "
	    "'outbox_channel_priority')"), 0);
	assert_int_equal(count(f->st, STORE_T_OUTBOX), 9);
	/* One index of the cases by category. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'cases_category'"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'cases_category_state'"), 1);

	/* The announcement's sent row says what its outbound row said. */
	assert_int_equal(store_outbox_get(f->st, 5, &o), STORE_OK);
	assert_int_equal(o.state, STORE_OUTBOX_SENT);
	assert_string_equal(o.kind, "announcement");
	assert_string_equal(o.sender, "8089");
	assert_int_equal(o.sent, 1796422630);
	assert_int_equal(o.priority, STORE_OUTBOX_PRIORITY_BULK);
	store_outbox_clear(&o);
	assert_int_equal(store_outbound_get(f->st, 5, &m), STORE_OK);
	assert_string_equal(m.recipient, "+84901000001");
	store_message_clear(&m);
	/* Information goes at bulk priority now. */
	assert_int_equal(store_outbox_get(f->st, 9, &o), STORE_OK);
	assert_int_equal(o.priority, STORE_OUTBOX_PRIORITY_BULK);
	store_outbox_clear(&o);

	/* A restart: the announcement row fails, the answer goes again. */
	assert_int_equal(store_submit_wait(f->st, requeue_work, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_outbox_get(f->st, 6, &o), STORE_OK);
	assert_int_equal(o.state, STORE_OUTBOX_FAILED);
	assert_non_null(strstr(o.last_error, "maybe sent"));
	store_outbox_clear(&o);
	assert_int_equal(store_announce_stats(f->st, 1, &as), STORE_OK);
	assert_int_equal(as.recipients, 3);
	assert_int_equal(as.sent, 1);
	assert_int_equal(as.failed, 1);
	assert_int_equal(as.queued, 1);

	/* The answer first, then bulk by next attempt: 9, then 7. */
	assert_int_equal(store_submit_wait(f->st, claim_one_work, &id),
	    STORE_OK);
	assert_int_equal(id, 8);
	assert_int_equal(store_submit_wait(f->st, claim_one_work, &id),
	    STORE_OK);
	assert_int_equal(id, 9);
	assert_int_equal(store_submit_wait(f->st, claim_one_work, &id),
	    STORE_OK);
	assert_int_equal(id, 7);
	assert_int_equal(store_submit_wait(f->st, claim_one_work, &id),
	    STORE_OK);
	assert_int_equal(id, 0);
}

/* A case to create, and the count of the items told they committed. */
struct counted {
	int64_t	 ids[2];
	int	*done;
};

static enum store_status
counted_work(struct store_txn *txn, void *arg)
{
	struct counted	*c = arg;

	return case_work(txn, c->ids);
}

static void
counted_done(enum store_status s, void *arg)
{
	struct counted	*c = arg;

	if (s == STORE_OK)
		__atomic_add_fetch(c->done, 1, __ATOMIC_SEQ_CST);
}

/*
 * With storage.synchronous = full, what comes while the syncer makes a
 * batch durable goes into one batch, committed once the sync is over:
 * eight cases submitted during a slow sync make one transaction.
 */
static void
test_batch_during_sync(void **state)
{
	struct fixture		*f = *state;
	struct store_stats	 before, after;
	struct counted		 c[8], c0;
	int			 i, done = 0, first = 0;

	f->st = open_store_sync(f, 0, 1);
	store_fault_sync_delay(f->st, 400);
	/* A first batch, then its sync, which lasts. */
	c0.done = &first;
	assert_int_equal(store_submit(f->st, counted_work, counted_done,
	    &c0), STORE_OK);
	for (i = 0; i < 100; i++) {
		store_stats(f->st, &before);
		if (before.batches > 0)
			break;
		usleep(10000);
	}
	assert_true(before.batches > 0);
	usleep(50000);
	assert_int_equal(__atomic_load_n(&first, __ATOMIC_SEQ_CST), 0);
	store_stats(f->st, &before);
	for (i = 0; i < 8; i++) {
		c[i].done = &done;
		assert_int_equal(store_submit(f->st, counted_work,
		    counted_done, &c[i]), STORE_OK);
	}
	for (i = 0; i < 300 && __atomic_load_n(&done, __ATOMIC_SEQ_CST) < 8;
	    i++)
		usleep(10000);
	assert_int_equal(__atomic_load_n(&done, __ATOMIC_SEQ_CST), 8);
	assert_int_equal(first, 1);
	store_stats(f->st, &after);
	assert_int_equal(after.batches - before.batches, 1);
	assert_int_equal(count(f->st, STORE_T_CASES), 9);
}

/*
 * The store's latency histograms (for /metrics): a case submitted during
 * a sync of 300 ms lands in the (0.25 s, 0.5 s] bucket of the durable
 * histogram, and so does that sync in the sync histogram; a case without
 * the delay in a bucket below.
 */
static void
test_latency_histograms(void **state)
{
	struct fixture		*f = *state;
	struct store_stats	 ss;
	int64_t			 ids[2];
	uint64_t		 n;
	int			 i;

	f->st = open_store_sync(f, 0, 1);
	assert_int_equal(store_lat_le_us[8], 250000);
	assert_int_equal(store_lat_le_us[9], 500000);
	store_stats(f->st, &ss);
	for (i = 0, n = 0; i < STORE_LAT_BUCKETS; i++)
		n += ss.durable[i];
	store_fault_sync_delay(f->st, 300);
	assert_int_equal(store_submit_wait(f->st, case_work, ids), STORE_OK);
	store_fault_sync_delay(f->st, 0);
	store_stats(f->st, &ss);
	assert_true(ss.durable[9] >= 1);
	assert_true(ss.sync[9] >= 1);
	assert_true(ss.sync_us >= 300000);
	assert_true(ss.durable_us >= 300000);
	for (i = 10; i < STORE_LAT_BUCKETS; i++)
		assert_int_equal(ss.durable[i], 0);
	assert_int_equal(store_submit_wait(f->st, case_work, ids), STORE_OK);
	store_stats(f->st, &ss);
	for (i = 0; i < STORE_LAT_BUCKETS; i++)
		n -= ss.durable[i];
	assert_true((int64_t)n <= -2);
	for (i = 0; i < 9; i++)
		if (ss.durable[i] > 0)
			break;
	assert_true(i < 9);
}

static void
test_reopen(void **state)
{
	struct fixture		*f = *state;
	struct store_case	 c;
	int64_t			 ids[2];
	char			 wal[160];

	f->st = open_store(f, 0);
	assert_int_equal(store_submit_wait(f->st, case_work, ids), STORE_OK);
	assert_int_equal(ids[1], 1);
	store_close(f->st);
	f->st = NULL;

	/* A clean close leaves the WAL checkpointed and empty. */
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	if (exists(wal)) {
		struct stat	sb;

		assert_int_equal(stat(wal, &sb), 0);
		assert_int_equal(sb.st_size, 0);
	}

	f->st = open_store(f, 0);
	assert_int_equal(store_case_get(f->st, ids[0], &c), STORE_OK);
	assert_int_equal(c.ref_number, 1);
	assert_string_equal(c.category, "infrastructure");
	store_case_clear(&c);
	assert_int_equal(store_submit_wait(f->st, case_work, ids), STORE_OK);
	assert_int_equal(ids[1], 2);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
}

static void
test_newer_refused(void **state)
{
	struct fixture		*f = *state;
	struct store_options	 opt;
	char			 err[STORE_ERR_MAX];
	sqlite3			*db;

	f->st = open_store(f, 0);
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	memset(&opt, 0, sizeof(opt));
	opt.path = f->path;
	err[0] = '\0';
	assert_null(store_open(&opt, err, sizeof(err)));
	assert_non_null(strstr(err, "schema version 99 is newer"));
	/* Refusing left the database alone. */
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 99);

	/* A file that is not a database is an error too, not a crash. */
	assert_int_equal(unlink(f->path), 0);
	{
		FILE	*fp = fopen(f->path, "w");

		assert_non_null(fp);
		fputs("this is not an SQLite database, not at all.\n", fp);
		fclose(fp);
	}
	assert_null(store_open(&opt, err, sizeof(err)));
}

/*
 * ===================================================================
 * Rows
 * ===================================================================
 */

struct rows {
	int64_t		 case_id, ref, in_id, outbox_id, note_id;
	int64_t		 ev1, ev2, bad_note;
	enum store_status bad_note_status, bad_event_status;
};

static enum store_status
rows_work(struct store_txn *txn, void *arg)
{
	struct rows		*r = arg;
	struct store_case_new	 c;
	struct store_inbound_new m;
	struct store_outbox_new	 o;
	static const unsigned char raw[] = { 'a', 0xff, 'b', 0x00, 'c' };
	enum store_status	 s;

	memset(&c, 0, sizeof(c));
	c.category = "environment";
	c.categories2 = "infrastructure,security";
	c.subcategory = "flooding";
	c.sender = "+84912345678";
	c.channel = "twilio";
	c.deadline = 1800000000;
	c.created = 1700000000;
	c.updated = 1700000000;
	if ((s = store_case_create(txn, &c, &r->case_id, &r->ref)) != 0)
		return s;

	memset(&m, 0, sizeof(m));
	m.case_id = r->case_id;
	m.channel = "twilio";
	m.provider_id = "SM42";
	m.sender = "+84912345678";
	m.recipient = "+84900000001";
	m.text = "a\xef\xbf\xbd" "b";
	m.raw = raw;
	m.rawlen = sizeof(raw);
	m.encoding = "8bit";
	m.received = 1700000001;
	m.provider_time = 1700000000;
	if ((s = store_inbound_insert(txn, &m, &r->in_id)) != STORE_OK)
		return s;

	memset(&o, 0, sizeof(o));
	o.case_id = r->case_id;
	o.channel = "twilio";
	o.recipient = "+84912345678";
	o.text = "PA-000001: đã tiếp nhận";
	o.encoding = "ucs2";
	o.segments = 1;
	o.state = STORE_OUTBOX_QUEUED;
	o.next_attempt = 1700000002;
	if ((s = store_outbox_insert(txn, &o, &r->outbox_id)) != STORE_OK)
		return s;

	if ((s = store_case_assign(txn, r->case_id, "lan", 1700000004)) != 0 ||
	    (s = store_case_event_add(txn, r->case_id, STORE_CASE_ASSIGNED,
	    "lan", "claimed", 1700000004, &r->ev1)) != STORE_OK ||
	    (s = store_note_add(txn, r->case_id, "lan", "Gọi lại sau", 0,
	    &r->note_id)) != STORE_OK ||
	    (s = store_case_event_add(txn, r->case_id, STORE_CASE_RESOLVED,
	    "lan", NULL, 1700000009, &r->ev2)) != STORE_OK ||
	    (s = store_audit_append(txn, "lan", "claim", r->case_id,
	    NULL)) != STORE_OK ||
	    (s = store_audit_append(txn, "lan", "close", r->case_id,
	    "fixed")) != STORE_OK)
		return s;

	/* Foreign keys are on; these are refused and change nothing. */
	r->bad_note_status = store_note_add(txn, 999, "lan", "x", 0,
	    &r->bad_note);
	r->bad_event_status = store_case_event_add(txn, 999,
	    STORE_CASE_RESOLVED, "lan", NULL, 0, NULL);
	return STORE_OK;
}

/* Recomputes an audit entry's hash as audit_chain.c documents it. */
static void
audit_rehash(const struct store_audit *a, char out[STORE_HASH_HEX])
{
	char		 buf[1024], at[24], cid[24];
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;
	const char	*f[6];
	size_t		 n = 0;

	snprintf(at, sizeof(at), "%" PRId64, a->at);
	if (a->case_id != 0)
		snprintf(cid, sizeof(cid), "%" PRId64, a->case_id);
	else
		cid[0] = '\0';
	f[0] = a->prev_hash;
	f[1] = at;
	f[2] = a->actor;
	f[3] = a->action;
	f[4] = cid;
	f[5] = a->detail != NULL ? a->detail : "";
	for (i = 0; i < 6; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%zu:%s,",
		    strlen(f[i]), f[i]);
	assert_int_equal(EVP_Digest(buf, n, md, &mdlen, EVP_sha256(), NULL),
	    1);
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/*
 * The writer's WAL writes are gathered (db_walbuf.c): each commit goes
 * to the file whole before it is visible, so that a connection of
 * another VFS (sqlite3 in another process, here a plain one) reads every
 * committed message, and a commit of many pages takes a few writes, not
 * two a frame.
 */
static void
test_wal_gathered(void **state)
{
	struct fixture	*f = *state;
	struct msg_job	 j;
	unsigned long	 before;
	int		 i;

	f->st = open_store(f, 0);
	before = db_walbuf_flushes();
	for (i = 1; i <= 40; i++) {
		memset(&j, 0, sizeof(j));
		j.st = f->st;
		snprintf(j.provider_id, sizeof(j.provider_id), "SMwal%d", i);
		assert_int_equal(store_submit_wait(f->st, msg_work, &j),
		    STORE_OK);
		assert_int_equal(sql_int(f->path,
		    "SELECT count(*) FROM inbound"), i);
		assert_int_equal(sql_int(f->path, "SELECT count(*) FROM "
		    "inbound WHERE text = 'Đường ngập nước'"), i);
	}
	/* A write a commit (and the WAL's header), not one a frame. */
	assert_true(db_walbuf_flushes() - before >= 40);
	assert_true(db_walbuf_flushes() - before <= 44);
}

/* A message of 3,000 bytes, a WAL frame or so of its own. */
static enum store_status
big_msg_work(struct store_txn *txn, void *arg)
{
	struct store_inbound_new m;
	static char		 text[3001];
	int64_t			 id;

	(void)arg;
	if (text[0] == '\0')
		memset(text, 'x', sizeof(text) - 1);
	memset(&m, 0, sizeof(m));
	m.channel = "twilio";
	m.sender = "+84912345678";
	m.recipient = "+84900000001";
	m.text = text;
	m.encoding = "gsm";
	return store_inbound_insert(txn, &m, &id);
}

static void
big_msg_done(enum store_status s, void *arg)
{
	if (s == STORE_OK)
		__atomic_add_fetch((int *)arg, 1, __ATOMIC_SEQ_CST);
}

/*
 * Under a steady load the WAL starts over again and again: it never holds
 * more than STORE_CKPT_RESTART and STORE_CKPT_FORCE frames (20,000) and a
 * batch, however much is written (here more than 30,000 pages, in batches
 * one after the other, faster than the checkpointer copies them: the
 * writer then waits for its pass and copies the rest itself; wal.c:
 * store_wal_between()).
 */
static void
test_wal_restarts(void **state)
{
	struct fixture		*f = *state;
	struct store_stats	 ss;
	struct stat		 sb;
	char			 wal[160];
	off_t			 most = 0;
	int			 done = 0, i, n = 30000;
	const off_t		 frame = 4096 + 24;

	f->st = open_store(f, 0);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	for (i = 0; i < n; i++)
		assert_int_equal(store_submit(f->st, big_msg_work,
		    big_msg_done, &done), STORE_OK);
	for (i = 0; i < 120000 && __atomic_load_n(&done,
	    __ATOMIC_SEQ_CST) < n; i++) {
		if (stat(wal, &sb) == 0 && sb.st_size > most)
			most = sb.st_size;
		usleep(500);
	}
	assert_int_equal(__atomic_load_n(&done, __ATOMIC_SEQ_CST), n);
	if (stat(wal, &sb) == 0 && sb.st_size > most)
		most = sb.st_size;
	store_stats(f->st, &ss);
	print_message("WAL at most %lld frames; writer checkpoints %llu, "
	    "%llu us in all, the longest %llu us; %llu batches\n",
	    (long long)(most / frame), (unsigned long long)ss.ckpt_writer,
	    (unsigned long long)ss.ckpt_writer_us,
	    (unsigned long long)ss.ckpt_writer_max_us,
	    (unsigned long long)ss.batches);
	assert_true(most > 0);
	assert_true(most / frame <= 16000 + 4000 + 1000);
	assert_true(ss.ckpt_writer >= 1);
	/* Without starting over, the WAL would hold every page written. */
	assert_true(sql_int(f->path, "SELECT page_count FROM pragma_page_count")
	    > 16000 + 4000 + 1000);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM inbound"), n);
}

static void
test_rows(void **state)
{
	struct fixture		*f = *state;
	struct rows		 r;
	struct store_case	 c;
	struct store_message	 m;
	struct store_outbox	 o;
	struct store_note	 n;
	struct store_case_event	 e;
	struct store_audit	 a1, a2;
	char			 h[STORE_HASH_HEX];

	f->st = open_store(f, 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_submit_wait(f->st, rows_work, &r), STORE_OK);
	assert_int_equal(r.bad_note_status, STORE_INVALID);
	assert_int_equal(r.bad_event_status, STORE_NOTFOUND);

	assert_int_equal(store_case_get(f->st, r.case_id, &c), STORE_OK);
	assert_int_equal(c.ref_number, 1);
	assert_int_equal(r.ref, 1);
	assert_string_equal(c.category, "environment");
	assert_string_equal(c.categories2, "infrastructure,security");
	assert_string_equal(c.subcategory, "flooding");
	assert_int_equal(c.state, STORE_CASE_RESOLVED);
	assert_string_equal(c.assignee, "lan");
	assert_int_equal(c.deadline, 1800000000);
	assert_int_equal(c.created, 1700000000);
	assert_int_equal(c.updated, 1700000009);
	assert_int_equal(c.closed, 1700000009);
	assert_null(c.text);
	assert_null(c.answer);
	store_case_clear(&c);
	assert_int_equal(store_case_get(f->st, 4242, &c), STORE_NOTFOUND);
	/* By reference, with its first message and its last answer. */
	assert_int_equal(store_case_get_by_ref(f->st, r.ref, STORE_CASE_TEXT |
	    STORE_CASE_ANSWER, &c), STORE_OK);
	assert_int_equal(c.id, r.case_id);
	assert_true(c.resident > 0);
	assert_string_equal(c.text, "a\xef\xbf\xbd" "b");
	assert_string_equal(c.answer, "PA-000001: đã tiếp nhận");
	store_case_clear(&c);
	assert_int_equal(store_case_get_by_ref(f->st, 4242, 0, &c),
	    STORE_NOTFOUND);

	assert_int_equal(store_inbound_get(f->st, r.in_id, &m), STORE_OK);
	assert_int_equal(m.case_id, r.case_id);
	assert_string_equal(m.channel, "twilio");
	assert_string_equal(m.provider_id, "SM42");
	assert_string_equal(m.text, "a\xef\xbf\xbd" "b");
	assert_int_equal(m.rawlen, 5);
	assert_memory_equal(m.raw, "a\xff" "b\0c", 5);
	assert_int_equal(m.received, 1700000001);
	assert_int_equal(m.provider_time, 1700000000);
	assert_true(m.created > 0);
	store_message_clear(&m);

	assert_int_equal(store_outbox_get(f->st, r.outbox_id, &o), STORE_OK);
	assert_int_equal(o.case_id, r.case_id);
	assert_string_equal(o.text, "PA-000001: đã tiếp nhận");
	assert_int_equal(o.segments, 1);
	assert_int_equal(o.state, STORE_OUTBOX_QUEUED);
	assert_int_equal(o.next_attempt, 1700000002);
	assert_null(o.last_error);
	store_outbox_clear(&o);

	assert_int_equal(store_note_get(f->st, r.note_id, &n), STORE_OK);
	assert_string_equal(n.text, "Gọi lại sau");
	assert_string_equal(n.author, "lan");
	store_note_clear(&n);

	assert_int_equal(store_case_event_get(f->st, r.ev1, &e), STORE_OK);
	assert_int_equal(e.from, STORE_CASE_RECEIVED);
	assert_int_equal(e.to, STORE_CASE_ASSIGNED);
	assert_string_equal(e.detail, "claimed");
	store_case_event_clear(&e);
	assert_int_equal(store_case_event_get(f->st, r.ev2, &e), STORE_OK);
	assert_int_equal(e.from, STORE_CASE_ASSIGNED);
	assert_int_equal(e.to, STORE_CASE_RESOLVED);
	assert_null(e.detail);
	store_case_event_clear(&e);

	/* The audit chain: linked, and each hash is what the docs say. */
	assert_int_equal(store_audit_get(f->st, 1, &a1), STORE_OK);
	assert_int_equal(store_audit_get(f->st, 2, &a2), STORE_OK);
	assert_string_equal(a1.prev_hash, "0000000000000000000000000000000"
	    "000000000000000000000000000000000");
	assert_string_equal(a2.prev_hash, a1.hash);
	audit_rehash(&a1, h);
	assert_string_equal(h, a1.hash);
	audit_rehash(&a2, h);
	assert_string_equal(h, a2.hash);
	assert_string_equal(a2.detail, "fixed");
	assert_int_equal(a2.case_id, r.case_id);
	store_audit_clear(&a1);
	store_audit_clear(&a2);

	assert_int_equal(count(f->st, STORE_T_NOTES), 1);
	assert_int_equal(count(f->st, STORE_T_CASE_EVENTS), 2);
	assert_string_equal(store_case_state_name(STORE_CASE_IN_PROGRESS),
	    "in_progress");
	assert_null(store_case_state_name((enum store_case_state)42));
}

static void
test_duplicate(void **state)
{
	struct fixture	*f = *state;
	struct msg_job	 a, b;

	f->st = open_store(f, 0);
	memset(&a, 0, sizeof(a));
	snprintf(a.provider_id, sizeof(a.provider_id), "SM77");
	assert_int_equal(msg_insert(f->st, &a), STORE_OK);

	/* Same channel and id: refused, pointing at the first. */
	b = a;
	b.id = 0;
	assert_int_equal(msg_insert(f->st, &b), STORE_DUPLICATE);
	assert_int_equal(b.id, a.id);

	/* The same id on another channel is another message. */
	b.channel = "vonage";
	assert_int_equal(msg_insert(f->st, &b), STORE_OK);
	assert_true(b.id != a.id);

	/* Without provider ids nothing is deduplicated here. */
	memset(&a, 0, sizeof(a));
	assert_int_equal(msg_insert(f->st, &a), STORE_OK);
	assert_int_equal(msg_insert(f->st, &a), STORE_OK);
	assert_int_equal(count(f->st, STORE_T_INBOUND), 4);
}

struct lookups {
	int64_t		 case_id, ref, closed_id, closed_ref, msg_id;
	int64_t		 f_case, f_ref, r_case, r_ref, o_case, u_case, u_ref;
	enum store_status find, find_none, recent, recent_other, recent_old;
	enum store_status open, open_other, open_closed, followup, followup_old;
	enum store_status followup_unanswered;
};

static enum store_status
lookups_work(struct store_txn *txn, void *arg)
{
	struct lookups		*l = arg;
	struct store_case_new	 c;
	struct store_inbound_new m;
	enum store_status	 s;
	int64_t			 t = 1750000000, x, y;

	memset(&c, 0, sizeof(c));
	c.category = "environment";
	c.sender = "+84912345678";
	c.channel = "twilio";
	c.deadline = t + 86400;
	c.created = c.updated = t;
	if ((s = store_case_create(txn, &c, &l->case_id, &l->ref)) != 0)
		return s;
	c.state = STORE_CASE_RESOLVED;
	if ((s = store_case_create(txn, &c, &l->closed_id,
	    &l->closed_ref)) != 0)
		return s;
	memset(&m, 0, sizeof(m));
	m.case_id = l->case_id;
	m.channel = "twilio";
	m.provider_id = "L1";
	m.sender = c.sender;
	m.text = "Rác chưa được thu gom";
	m.received = t;
	if ((s = store_inbound_insert(txn, &m, &l->msg_id)) != STORE_OK)
		return s;
	m.provider_id = NULL;
	m.received = t + 10;
	if ((s = store_inbound_insert(txn, &m, &x)) != STORE_OK)
		return s;

	/* What this very transaction wrote is found. */
	l->find = store_inbound_find(txn, "twilio", "L1", &l->f_case,
	    &l->f_ref);
	l->find_none = store_inbound_find(txn, "vonage", "L1", &x, &y);
	l->recent = store_inbound_find_recent(txn, "twilio", c.sender,
	    m.text, t + 5, &l->r_case, &l->r_ref);
	l->recent_other = store_inbound_find_recent(txn, "twilio", c.sender,
	    "Rác chưa được thu gom!", t, &x, &y);
	l->recent_old = store_inbound_find_recent(txn, "twilio", c.sender,
	    m.text, t + 11, &x, &y);
	l->open = store_case_find_open(txn, l->ref, c.sender, &l->o_case);
	l->open_other = store_case_find_open(txn, l->ref, "+84987654321",
	    &x);
	l->open_closed = store_case_find_open(txn, l->closed_ref, c.sender,
	    &x);
	/* Only a case an officer answered takes follow-ups. */
	l->followup_unanswered = store_case_find_thread(txn, c.sender,
	    INT64_MAX, t - 60, &x, &y, NULL, 0);
	if ((s = store_case_answered(txn, l->case_id, t)) != STORE_OK)
		return s;
	l->followup = store_case_find_thread(txn, c.sender, INT64_MAX, t - 60,
	    &l->u_case, &l->u_ref, NULL, 0);
	l->followup_old = store_case_find_thread(txn, c.sender, INT64_MAX,
	    t + 60, &x, &y, NULL, 0);
	return STORE_OK;
}

static void
test_lookups(void **state)
{
	struct fixture	*f = *state;
	struct lookups	 l;

	f->st = open_store(f, 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_submit_wait(f->st, lookups_work, &l), STORE_OK);
	assert_int_equal(l.find, STORE_OK);
	assert_int_equal(l.f_case, l.case_id);
	assert_int_equal(l.f_ref, l.ref);
	assert_int_equal(l.find_none, STORE_NOTFOUND);
	assert_int_equal(l.recent, STORE_OK);
	assert_int_equal(l.r_case, l.case_id);
	assert_int_equal(l.r_ref, l.ref);
	assert_int_equal(l.recent_other, STORE_NOTFOUND);
	assert_int_equal(l.recent_old, STORE_NOTFOUND);
	assert_int_equal(l.open, STORE_OK);
	assert_int_equal(l.o_case, l.case_id);
	assert_int_equal(l.open_other, STORE_NOTFOUND);
	assert_int_equal(l.open_closed, STORE_NOTFOUND);
	assert_int_equal(l.followup_unanswered, STORE_NOTFOUND);
	assert_int_equal(l.followup, STORE_OK);
	assert_int_equal(l.u_case, l.case_id);
	assert_int_equal(l.u_ref, l.ref);
	assert_int_equal(l.followup_old, STORE_NOTFOUND);
}

/*
 * ===================================================================
 * Group commit
 * ===================================================================
 */

struct producer {
	struct store	*st;
	int		 n;
	int		 ok;
	int		 thread;
};

static void *
producer_main(void *arg)
{
	struct producer	*p = arg;
	struct msg_job	 j;
	int		 i;

	for (i = 0; i < PER_THREAD; i++) {
		memset(&j, 0, sizeof(j));
		snprintf(j.provider_id, sizeof(j.provider_id), "T%d-%d",
		    p->thread, i);
		if (msg_insert(p->st, &j) == STORE_OK && j.id > 0)
			p->ok++;
		p->n++;
	}
	return NULL;
}

static void
test_group_commit_threads(void **state)
{
	struct fixture		*f = *state;
	struct producer		 p[NTHREADS];
	pthread_t		 t[NTHREADS];
	struct store_stats	 ss;
	struct gate		 g;
	struct timespec		 ts = deadline(), nowts;
	uint64_t		 sum = 0;
	int			 i, total = 0;

	f->st = open_store(f, 32);

	/*
	 * Hold the writer until every producer has an item queued, so that at
	 * least one batch is known to hold several items.
	 */
	gate_close(f->st, &g);
	for (i = 0; i < NTHREADS; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].st = f->st;
		p[i].thread = i;
		assert_int_equal(pthread_create(&t[i], NULL, producer_main,
		    &p[i]), 0);
	}
	for (;;) {
		store_stats(f->st, &ss);
		if (ss.queued >= NTHREADS)
			break;
		clock_gettime(CLOCK_REALTIME, &nowts);
		assert_true(nowts.tv_sec < ts.tv_sec);
		sched_yield();
	}
	gate_open(&g);
	for (i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		total += p[i].ok;
	}
	assert_false(g.timedout);
	assert_int_equal(total, NTHREADS * PER_THREAD);
	assert_int_equal(count(f->st, STORE_T_INBOUND), NTHREADS * PER_THREAD);

	store_stats(f->st, &ss);
	assert_int_equal(ss.items, NTHREADS * PER_THREAD + 1);
	assert_int_equal(ss.items_failed, 0);
	assert_true(ss.batches < ss.items);
	assert_int_equal(ss.commit_failures, 0);
	assert_int_equal(ss.errors, 0);
	for (i = 0; i < STORE_BATCH_BUCKETS; i++)
		sum += ss.batch_size[i];
	assert_int_equal(sum, ss.batches);
	/* The batch after the gate held 8 items: bucket (4, 8]. */
	assert_true(ss.batch_size[3] >= 1);
	print_message("%" PRIu64 " items in %" PRIu64 " transactions\n",
	    ss.items, ss.batches);
}

static void
test_callback_after_commit(void **state)
{
	struct fixture		*f = *state;
	struct msg_job		*jobs;
	struct tally		 tally;
	int			 i, n = 400, visible = 0;

	f->st = open_store(f, 16);
	jobs = xcalloc((size_t)n, sizeof(*jobs));
	tally_init(&tally);
	for (i = 0; i < n; i++) {
		jobs[i].st = f->st;
		jobs[i].tally = &tally;
		snprintf(jobs[i].provider_id, sizeof(jobs[i].provider_id),
		    "A%d", i);
		assert_int_equal(store_submit(f->st, msg_work, msg_done,
		    &jobs[i]), STORE_OK);
	}
	assert_int_equal(tally_wait(&tally, n), n);
	for (i = 0; i < n; i++) {
		assert_int_equal(jobs[i].status, STORE_OK);
		visible += jobs[i].visible;
	}
	/* The reader, another connection, saw every row in its callback. */
	assert_int_equal(visible, n);
	free(jobs);
}

static void
test_failing_item_alone(void **state)
{
	struct fixture		*f = *state;
	struct msg_job		 j[5];
	struct store_stats	 before, after;
	struct tally		 tally;
	struct store_message	 m;

	f->st = open_store(f, 0);
	memset(j, 0, sizeof(j));
	snprintf(j[0].provider_id, sizeof(j[0].provider_id), "dup");
	assert_int_equal(msg_insert(f->st, &j[0]), STORE_OK);

	jobs_init(j, 5, f->st, &tally, "F");
	j[1].case_id = 12345;		/* no such case: a constraint */
	snprintf(j[2].provider_id, sizeof(j[2].provider_id), "dup");
	j[3].fail_after = 1;		/* wrote, then changed its mind */

	store_stats(f->st, &before);
	jobs_run(f->st, j, 5, 0, &tally);

	assert_int_equal(j[0].status, STORE_OK);
	assert_int_equal(j[1].status, STORE_INVALID);
	assert_int_equal(j[2].status, STORE_DUPLICATE);
	assert_int_equal(j[3].status, STORE_INVALID);
	assert_int_equal(j[4].status, STORE_OK);
	assert_true(j[0].visible && j[4].visible);
	/*
	 * The failed items' own inserts were rolled back (their ids may be
	 * handed out again): the first message and F0 and F4 are left.
	 */
	assert_int_equal(count(f->st, STORE_T_INBOUND), 3);
	assert_int_equal(store_inbound_get(f->st, j[4].id, &m), STORE_OK);
	assert_string_equal(m.provider_id, "F4");
	store_message_clear(&m);

	/* The gate's batch, then all five in one transaction. */
	store_stats(f->st, &after);
	assert_int_equal(after.batches - before.batches, 2);
	assert_int_equal(after.items - before.items, 3);
	assert_int_equal(after.items_failed - before.items_failed, 3);
	assert_int_equal(after.batch_size[3] - before.batch_size[3], 1);
}

/*
 * Items submitted with store_submit_clean() run without savepoints: one
 * that fails without changing anything (a duplicate) fails alone; one
 * that fails after writing takes the whole batch down with it, so that
 * nothing it wrote is kept and nothing is reported stored that is not.
 */
static void
test_clean_items(void **state)
{
	struct fixture		*f = *state;
	struct msg_job		 j[4];
	struct tally		 tally;
	int			 i;

	f->st = open_store(f, 0);
	memset(j, 0, sizeof(j));
	snprintf(j[0].provider_id, sizeof(j[0].provider_id), "dup");
	assert_int_equal(msg_insert(f->st, &j[0]), STORE_OK);

	/* A batch: F0, a duplicate, F2: the duplicate alone fails. */
	jobs_init(j, 3, f->st, &tally, "F");
	snprintf(j[1].provider_id, sizeof(j[1].provider_id), "dup");
	jobs_run(f->st, j, 3, 0x7, &tally);
	assert_int_equal(j[0].status, STORE_OK);
	assert_int_equal(j[1].status, STORE_DUPLICATE);
	assert_int_equal(j[2].status, STORE_OK);
	assert_true(j[0].visible && j[2].visible);
	assert_int_equal(count(f->st, STORE_T_INBOUND), 3);

	/*
	 * G0 (with a savepoint), G1 (clean), G2 (clean, writes and then
	 * fails), G3: G2 is told its failure, the others an error; none
	 * is stored.
	 */
	jobs_init(j, 4, f->st, &tally, "G");
	j[2].fail_after = 1;
	jobs_run(f->st, j, 4, 0xe, &tally);	/* G1-G3 clean */
	for (i = 0; i < 4; i++) {
		assert_int_equal(j[i].status, i == 2 ? STORE_INVALID :
		    STORE_ERROR);
		assert_false(j[i].visible);
	}
	assert_int_equal(count(f->st, STORE_T_INBOUND), 3);

	/* The store goes on. */
	memset(j, 0, sizeof(j));
	snprintf(j[0].provider_id, sizeof(j[0].provider_id), "after");
	assert_int_equal(msg_insert(f->st, &j[0]), STORE_OK);
	assert_int_equal(count(f->st, STORE_T_INBOUND), 4);
}

/* A closer thread: store_close() while the writer is held at a gate. */
static void *
closer_main(void *arg)
{
	store_close(arg);
	return NULL;
}

static void
test_close_pending(void **state)
{
	struct fixture		*f = *state;
	struct msg_job		*jobs;
	struct tally		 tally;
	struct gate		 g;
	pthread_t		 closer;
	struct timespec		 ts = deadline(), nowts;
	enum store_status	 s;
	int			 i, n = 0, max = 100000;

	f->st = open_store(f, 8);
	jobs = xcalloc((size_t)max, sizeof(*jobs));
	tally_init(&tally);
	gate_close(f->st, &g);
	for (i = 0; i < 300; i++, n++) {
		jobs[n].st = f->st;
		jobs[n].tally = &tally;
		snprintf(jobs[n].provider_id, sizeof(jobs[n].provider_id),
		    "C%d", n);
		assert_int_equal(store_submit(f->st, msg_work, msg_done,
		    &jobs[n]), STORE_OK);
	}

	/*
	 * Close while 300 items wait.  Keep submitting until the store says
	 * it is closing: what it took before must still be committed.
	 */
	assert_int_equal(pthread_create(&closer, NULL, closer_main, f->st),
	    0);
	for (;;) {
		assert_true(n < max);
		jobs[n].st = f->st;
		jobs[n].tally = &tally;
		snprintf(jobs[n].provider_id, sizeof(jobs[n].provider_id),
		    "C%d", n);
		s = store_submit(f->st, msg_work, msg_done, &jobs[n]);
		if (s == STORE_CLOSED)
			break;
		assert_int_equal(s, STORE_OK);
		n++;
		clock_gettime(CLOCK_REALTIME, &nowts);
		assert_true(nowts.tv_sec < ts.tv_sec);
	}
	gate_open(&g);
	assert_int_equal(pthread_join(closer, NULL), 0);
	f->st = NULL;
	assert_false(g.timedout);

	/* Every accepted item was committed and told so, before close. */
	assert_int_equal(tally_wait(&tally, n), n);
	for (i = 0; i < n; i++)
		assert_int_equal(jobs[i].status, STORE_OK);
	f->st = open_store(f, 0);
	assert_int_equal(count(f->st, STORE_T_INBOUND), n);
	free(jobs);
}

/*
 * ===================================================================
 * Faults
 * ===================================================================
 */

static void
test_disk_full(void **state)
{
	struct fixture		*f = *state;
	struct store_stats	 ss;
	struct msg_job		 j;
	struct store_message	 m;
	char			*big;
	int			 i, stored = 0, full = 0;

	f->st = open_store(f, 0);
	big = xcalloc(1, 16384);
	memset(big, 'x', 16383);
	assert_int_equal(store_fault_max_pages(f->st, 40), STORE_OK);
	for (i = 0; i < 100 && !full; i++) {
		memset(&j, 0, sizeof(j));
		snprintf(j.provider_id, sizeof(j.provider_id), "B%d", i);
		j.text = big;
		switch (msg_insert(f->st, &j)) {
		case STORE_OK:
			stored++;
			assert_int_equal(store_inbound_get(f->st, j.id, &m),
			    STORE_OK);
			store_message_clear(&m);
			break;
		case STORE_FULL:
			full = 1;
			break;
		default:
			fail_msg("unexpected status");
		}
	}
	assert_true(full);
	assert_true(stored > 0);
	assert_int_equal(count(f->st, STORE_T_INBOUND), stored);
	store_stats(f->st, &ss);
	assert_true(ss.errors >= 1);

	/* Room again: the same store takes the message. */
	assert_int_equal(store_fault_max_pages(f->st, 100000), STORE_OK);
	assert_int_equal(msg_insert(f->st, &j), STORE_OK);
	assert_int_equal(count(f->st, STORE_T_INBOUND), stored + 1);
	free(big);
}

static void
test_full_in_batch(void **state)
{
	struct fixture	*f = *state;
	struct msg_job	 small, large;
	struct tally	 tally;
	struct gate	 g;
	char		*big;
	int64_t		 n;

	f->st = open_store(f, 0);
	big = xcalloc(1, 1 << 20);
	memset(big, 'y', (1 << 20) - 1);
	assert_int_equal(store_fault_max_pages(f->st, 20), STORE_OK);

	tally_init(&tally);
	memset(&small, 0, sizeof(small));
	memset(&large, 0, sizeof(large));
	small.st = large.st = f->st;
	small.tally = large.tally = &tally;
	snprintf(small.provider_id, sizeof(small.provider_id), "small");
	snprintf(large.provider_id, sizeof(large.provider_id), "large");
	large.text = big;
	gate_close(f->st, &g);
	assert_int_equal(store_submit(f->st, msg_work, msg_done, &small),
	    STORE_OK);
	assert_int_equal(store_submit(f->st, msg_work, msg_done, &large),
	    STORE_OK);
	gate_open(&g);
	assert_int_equal(tally_wait(&tally, 2), 2);

	/* The large one cannot fit; what the small one was told is true. */
	assert_int_equal(large.status, STORE_FULL);
	n = count(f->st, STORE_T_INBOUND);
	print_message("beside a full item, another was told: %s\n",
	    store_strerror(small.status));
	if (small.status == STORE_OK) {
		assert_true(small.visible);
		assert_int_equal(n, 1);
	} else
		assert_int_equal(n, 0);
	free(big);
}

static void
test_commit_failure(void **state)
{
	struct fixture		*f = *state;
	struct msg_job		 j[5];
	struct store_stats	 ss;
	struct tally		 tally;
	struct gate		 g;
	int			 i;

	f->st = open_store(f, 0);
	tally_init(&tally);
	memset(j, 0, sizeof(j));
	for (i = 0; i < 5; i++) {
		j[i].st = f->st;
		j[i].tally = &tally;
		snprintf(j[i].provider_id, sizeof(j[i].provider_id), "X%d", i);
	}
	j[2].case_id = 999;	/* fails on its own anyway */

	/*
	 * Two COMMITs fail: the gate's batch, then the batch of the five
	 * items queued behind it.
	 */
	gate_close(f->st, &g);
	for (i = 0; i < 5; i++)
		assert_int_equal(store_submit(f->st, msg_work, msg_done,
		    &j[i]), STORE_OK);
	store_fault_commit(f->st, 2);
	gate_open(&g);
	assert_int_equal(tally_wait(&tally, 5), 5);
	assert_false(g.timedout);

	/* Everyone is told, nobody is told "stored", nothing is there. */
	for (i = 0; i < 5; i++) {
		assert_false(j[i].visible);
		if (i == 2)
			assert_int_equal(j[i].status, STORE_INVALID);
		else
			assert_int_equal(j[i].status, STORE_ERROR);
	}
	assert_int_equal(count(f->st, STORE_T_INBOUND), 0);
	store_stats(f->st, &ss);
	assert_int_equal(ss.commit_failures, 2);
	assert_int_equal(ss.batches, 0);
	assert_int_equal(ss.items, 0);

	/* The fault is spent: the same messages now go in. */
	memset(&j[0], 0, sizeof(j[0]));
	snprintf(j[0].provider_id, sizeof(j[0].provider_id), "X0");
	assert_int_equal(msg_insert(f->st, &j[0]), STORE_OK);
	assert_int_equal(count(f->st, STORE_T_INBOUND), 1);
}

/*
 * ===================================================================
 * An acknowledgement's text as its template and its reference (schema 30)
 * ===================================================================
 */

struct tpl_job {
	const char	*tpl;		/* with "PA-000000" for the reference */
	int		 ref;
	int		 fail;		/* the item fails after its insert */
	char		 text[64];	/* what the row's text must read */
	int64_t		 id;
};

static enum store_status
tpl_work(struct store_txn *txn, void *arg)
{
	struct tpl_job		*j = arg;
	struct store_outbox_new	 o;
	enum store_status	 s;
	char			 ref[16];
	char			*p;

	snprintf(ref, sizeof(ref), "PA-%06d", j->ref);
	snprintf(j->text, sizeof(j->text), "%s", j->tpl);
	for (p = j->text; (p = strstr(p, "PA-000000")) != NULL; p += 9)
		memcpy(p, ref, 9);
	memset(&o, 0, sizeof(o));
	o.channel = "twilio";
	o.recipient = "+84912345678";
	o.text = j->text;
	o.encoding = "gsm7";
	o.segments = 1;
	o.state = STORE_OUTBOX_QUEUED;
	o.next_attempt = 4000000000;
	o.kind = "ack";
	o.tpl = j->tpl;
	o.ph = "PA-000000";
	o.ref = ref;
	if ((s = store_outbox_insert(txn, &o, &j->id)) != STORE_OK)
		return s;
	return j->fail ? STORE_INVALID : STORE_OK;
}

/* Queues j; when it went in, its text must read back whole. */
static enum store_status
tpl_queue(struct fixture *f, struct tpl_job *j)
{
	struct store_outbox	o;
	enum store_status	s;

	if ((s = store_submit_wait(f->st, tpl_work, j)) != STORE_OK)
		return s;
	assert_int_equal(store_outbox_get(f->st, j->id, &o), STORE_OK);
	assert_string_equal(o.text, j->text);
	store_outbox_clear(&o);
	return s;
}

static void
test_outbox_texts(void **state)
{
	struct fixture	*f = *state;
	struct tpl_job	 a = { "Da nhan PA-000000, CT PA-000000", 7, 1, "", 0 };
	struct tpl_job	 b = { "Da nhan PA-000000, CT PA-000000", 8, 0, "", 0 };
	struct tpl_job	 c = { "Bye PA-000000.", 9, 0, "", 0 };
	struct tpl_job	 d = { "Bye PA-000000.", 10, 0, "", 0 };
	struct tpl_job	 e = { "Da nhan PA-000000, CT PA-000000", 11, 0, "", 0 };
	char		 q[128];

	f->st = open_store(f, 0);

	/* An item rolled back takes its template with it, and the writer
	 * forgets it: the next row of that template makes it again. */
	assert_int_equal(tpl_queue(f, &a), STORE_INVALID);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM outbox_texts"),
	    0);
	assert_int_equal(tpl_queue(f, &b), STORE_OK);
	assert_string_equal(b.text, "Da nhan PA-000008, CT PA-000008");

	/* So does a batch whose commit failed. */
	store_fault_commit(f->st, 1);
	assert_int_not_equal(tpl_queue(f, &c), STORE_OK);
	assert_int_equal(tpl_queue(f, &d), STORE_OK);
	assert_int_equal(tpl_queue(f, &e), STORE_OK);

	/* Each template once; a row holds its reference alone. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM outbox_texts"),
	    2);
	snprintf(q, sizeof(q), "SELECT count(*) FROM outbox WHERE id = %lld "
	    "AND text = 'PA-000010' AND tpl IS NOT NULL", (long long)d.id);
	assert_int_equal(sql_int(f->path, q), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(DISTINCT tpl) "
	    "FROM outbox"), 2);
}

/*
 * ===================================================================
 * A connection limited to a ward, on SQLite
 * ===================================================================
 */

/* Appends the plan of sql on c's database to buf, one line a step. */
static void
plan_of(struct store_conn *c, const char *sql, char *buf, size_t bufsz)
{
	struct db_stmt	*s;
	char		 q[512];
	size_t		 o = 0;

	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	buf[0] = '\0';
	assert_int_equal(db_prepare(c->db, q, &s), DB_OK);
	while (db_step(s) == DB_ROW && o < bufsz)
		o += (size_t)snprintf(buf + o, bufsz - o, "%s\n",
		    db_column_text(s, 3));
	db_finalize(s);
}

/* Opens a read-only connection to f's store, limited to ward. */
static void
open_ward(struct fixture *f, struct store_conn *c, const char *ward)
{
	char	err[STORE_ERR_MAX];

	memset(c, 0, sizeof(*c));
	if (store_conn_open(c, f->st, DB_READONLY, 5000, "", err,
	    sizeof(err)) == -1)
		fail_msg("store_conn_open: %s", err);
	assert_int_equal(store_conn_ward(c, ward), 0);
	assert_string_equal(c->ward, ward);
}

/*
 * A case of ward, made by a connection of its own (the daemon of a ward
 * makes only its own; a store that held another's was written so).
 */
static void
add_case(const char *path, int64_t id, const char *ward)
{
	char	 sql[512];
	sqlite3	*db;

	snprintf(sql, sizeof(sql), "INSERT INTO cases (id, ref_number, "
	    "category, state, sender, channel, deadline, created, updated, "
	    "ward) VALUES (%" PRId64 ", %" PRId64 ", 'other', 'received', "
	    "'+84912345678', 'gen', 0, %" PRId64 ", 0, '%s')", id, id, id,
	    ward);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * The plans of a connection limited to a ward: on a store of that one
 * ward, those of a store without wards (no view, the indexes named);
 * with another ward's case in the store, the view, which never searches
 * by cases_ward (on a store of one ward, every case), and still gives
 * the ward's cases only.
 */
static void
test_ward_plans(void **state)
{
	struct fixture		*f = *state;
	struct store_options	 opt;
	struct store_conn	 c;
	char			 err[STORE_ERR_MAX], plan[1024];
	const char		*list = "SELECT id FROM cases ORDER BY id DESC "
				    "LIMIT 50";
	const char		*counts = "SELECT category, state, count(*) "
				    "FROM cases GROUP BY category, state";
	struct db_stmt		*s;

	memset(&opt, 0, sizeof(opt));
	opt.path = f->path;
	opt.busy_timeout_ms = 5000;
	opt.batch_max = 16;
	opt.ward = "p7";
	if ((f->st = store_open(&opt, err, sizeof(err))) == NULL)
		fail_msg("store_open: %s", err);
	add_case(f->path, 1, "p7");
	add_case(f->path, 2, "p7");

	/* One ward, the store's own: no view, the plans of no ward. */
	open_ward(f, &c, "p7");
	plan_of(&c, list, plan, sizeof(plan));
	assert_null(strstr(plan, "cases_ward"));
	assert_null(strstr(plan, "TEMP B-TREE"));
	plan_of(&c, counts, plan, sizeof(plan));
	assert_non_null(strstr(plan, "COVERING INDEX cases_category_state"));
	assert_false(c.viewed);
	store_conn_close(&c);

	/* Another ward's case: the view, its plans without cases_ward. */
	add_case(f->path, 3, "p8");
	open_ward(f, &c, "p7");
	plan_of(&c, list, plan, sizeof(plan));
	assert_null(strstr(plan, "cases_ward"));
	assert_null(strstr(plan, "TEMP B-TREE"));
	plan_of(&c, counts, plan, sizeof(plan));
	assert_null(strstr(plan, "cases_ward"));
	assert_true(c.viewed);
	assert_int_equal(db_prepare(c.db, "SELECT group_concat(id) FROM "
	    "(SELECT id FROM cases ORDER BY id) AS x", &s), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_column_text(s, 0), "1,2");
	db_finalize(s);

	/* Another ward than the store's: the view, whatever the store. */
	assert_int_equal(store_conn_ward(&c, NULL), 0);
	assert_false(c.viewed);
	assert_int_equal(store_conn_ward(&c, "p8"), 0);
	assert_true(c.viewed);
	assert_int_equal(db_prepare(c.db, "SELECT group_concat(id) FROM "
	    "cases", &s), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_column_text(s, 0), "3");
	db_finalize(s);
	store_conn_close(&c);
}

/*
 * The lists of times of the months' sums (schema 33): counts of either
 * sign round trip, an empty list is no bytes, a damaged one is refused.
 */
static void
test_fold_hist(void **state)
{
	static int64_t	h[STORE_FOLD_BUCKETS];
	static unsigned char buf[STORE_FOLD_HIST_MAX];
	int		b[STORE_FOLD_BUCKETS];
	int64_t		n[STORE_FOLD_BUCKETS];
	size_t		len;
	int		k, i;

	(void)state;
	memset(h, 0, sizeof(h));
	assert_int_equal(store_fold_hist_encode(h, buf), 0);
	assert_int_equal(store_fold_hist_decode(buf, 0, b, n), 0);
	h[0] = 3;
	h[1] = -1;
	h[200] = 1;
	h[STORE_FOLD_BUCKETS - 1] = INT64_MIN;
	len = store_fold_hist_encode(h, buf);
	assert_int_equal(store_fold_hist_decode(buf, len, b, n), 4);
	assert_int_equal(b[0], 0);
	assert_int_equal(n[0], 3);
	assert_int_equal(b[1], 1);
	assert_int_equal(n[1], -1);
	assert_int_equal(b[2], 200);
	assert_int_equal(n[2], 1);
	assert_int_equal(b[3], STORE_FOLD_BUCKETS - 1);
	assert_true(n[3] == INT64_MIN);
	/* Every bucket, the largest counts: within the bytes given. */
	for (i = 0; i < STORE_FOLD_BUCKETS; i++)
		h[i] = i % 2 ? INT64_MAX : INT64_MIN;
	len = store_fold_hist_encode(h, buf);
	assert_true(len <= STORE_FOLD_HIST_MAX);
	k = store_fold_hist_decode(buf, len, b, n);
	assert_int_equal(k, STORE_FOLD_BUCKETS);
	for (i = 0; i < k; i++)
		assert_true(b[i] == i && n[i] == h[i]);
	/* Cut off in a varint, or a bucket past the last. */
	assert_int_equal(store_fold_hist_decode(buf, len - 1, b, n), -1);
	buf[0] = 0x80;
	buf[1] = 0x10;
	buf[2] = 0x02;
	assert_int_equal(store_fold_hist_decode(buf, 3, b, n), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_hist),
		cmocka_unit_test_setup_teardown(test_open_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v12, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v16, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_during_sync, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_newer_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_gathered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wal_restarts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_latency_histograms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lookups, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_commit_threads,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_after_commit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_clean_items, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failing_item_alone,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_pending, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_full_in_batch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outbox_texts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_commit_failure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ward_plans, setup,
		    teardown),
	};

	log_init(1, LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
