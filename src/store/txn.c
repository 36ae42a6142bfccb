/*
 * txn.c: what the table families' functions run their statements with:
 * inside a work function on the writer connection, or on the reader
 * connection for reads of committed data (store_read(),
 * store_read_row()).
 *
 * A family's function takes its statement with store_txn_stmt(), binds
 * it, and steps it with store_txn_step() (a write), store_txn_lookup()
 * (an id and a reference), store_txn_count() or store_txn_row() (a row
 * into a structure).  These reset the statement and clear its bindings,
 * and turn the database's codes into statuses: an error that is the store's
 * (a full disk, I/O, busy) is logged, counted and recorded as the work
 * item's fatal error, which its work function cannot hide (engine.c then
 * rolls the item back); a refused constraint is the caller's to handle.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "base/log.h"
#include "base/util.h"
#include "store/engine.h"
#include "store/store_priv.h"

/*
 * ===================================================================
 * Inside a work function: statements and steps (store_priv.h)
 * ===================================================================
 */

/*
 * Turns a failed database call inside a work item into a status: records
 * store-level errors (a full disk, I/O, busy) as the item's fatal error,
 * which a work function cannot hide, and logs them once.
 */
enum store_status
store_txn_fail(struct store_txn *txn, enum db_rc rc, const char *what)
{
	enum store_status	s = store_status_of(rc);

	if (s == STORE_OK || s == STORE_INVALID) {
		log_debug("store: %s: %s", what,
		    db_errmsg(txn->conn->db));
		return s;
	}
	log_warnx("store: %s: %s", what, db_errmsg(txn->conn->db));
	store_count_error(txn->st);
	if (txn->fatal == STORE_OK) {
		txn->fatal = s;
		snprintf(txn->why, sizeof(txn->why), "%s: %s", what,
		    db_errmsg(txn->conn->db));
	}
	return s;
}

/* Records s as the item's fatal error, unless it has one already. */
void
store_txn_fatal(struct store_txn *txn, enum store_status s)
{
	if (txn->fatal == STORE_OK)
		txn->fatal = s;
}

/*
 * Returns statement id of family fam on the item's connection, or NULL
 * after recording an error in txn.
 */
struct db_stmt *
store_txn_stmt(struct store_txn *txn, const struct store_family *fam, int id)
{
	struct db_stmt	*s;

	if ((s = store_conn_stmt(txn->conn, fam, id)) == NULL)
		store_txn_fail(txn, DB_ERROR, "prepare");
	return s;
}

/*
 * Steps an INSERT or UPDATE once and resets it.  Returns the status; sets
 * *id (when not NULL) to the new row's id.
 */
enum store_status
store_txn_step(struct store_txn *txn, struct db_stmt *s, const char *what,
    int64_t *id)
{
	int	rc;

	rc = db_step(s);
	if (rc == DB_DONE && id != NULL)
		*id = db_last_id(txn->conn->db);
	db_reset(s);
	db_clear_bindings(s);
	if (rc == DB_DONE || rc == DB_ROW)
		return STORE_OK;
	return store_txn_fail(txn, rc, what);
}

struct ids {
	int64_t		*a, *b;
};

static void
fill_ids(struct db_stmt *s, void *out)
{
	struct ids	*ids = out;

	if (ids->a != NULL)
		*ids->a = db_column_int64(s, 0);
	if (ids->b != NULL)
		*ids->b = db_column_int64(s, 1);
}

/*
 * Steps a lookup once: sets *a and *b (when not NULL) from the two
 * columns of its first row (an id and a reference number, 0 when NULL).
 * Returns STORE_OK, STORE_NOTFOUND when there is no row, or an error.
 */
enum store_status
store_txn_lookup(struct store_txn *txn, struct db_stmt *s, const char *what,
    int64_t *a, int64_t *b)
{
	struct ids	ids = { a, b };

	return store_txn_row(txn, s, what, fill_ids, &ids);
}

/* Steps a count(*) once; sets *n.  Returns STORE_OK or an error. */
enum store_status
store_txn_count(struct store_txn *txn, struct db_stmt *s, const char *what,
    int64_t *n)
{
	enum store_status	r = store_txn_lookup(txn, s, what, n, NULL);

	if (r == STORE_NOTFOUND) {
		*n = 0;
		r = STORE_OK;
	}
	return r;
}

/*
 * Steps a query once and hands its first row to fill(s, out).  Returns
 * STORE_OK, STORE_NOTFOUND when there is no row, or an error.
 */
enum store_status
store_txn_row(struct store_txn *txn, struct db_stmt *s, const char *what,
    void (*fill)(struct db_stmt *, void *), void *out)
{
	enum store_status	r;
	int			rc;

	rc = db_step(s);
	if (rc == DB_ROW) {
		fill(s, out);
		r = STORE_OK;
	} else if (rc == DB_DONE)
		r = STORE_NOTFOUND;
	else
		r = store_txn_fail(txn, rc, what);
	db_reset(s);
	db_clear_bindings(s);
	return r;
}

/* Returns the rows the last INSERT, UPDATE or DELETE changed. */
int64_t
store_txn_changes(struct store_txn *txn)
{
	return db_changes(txn->conn->db);
}

/*
 * Says that the item queued outbox rows: after its batch committed (and
 * reached the disk), the function of store_outbox_hook() is called.
 */
void
store_txn_outbox_queued(struct store_txn *txn)
{
	txn->st->outbox_dirty = 1;
}

/*
 * Whether a reply due now on channel is handed to the outbox worker
 * without a claim (store_outbox_direct()): the caller inserts it
 * "sending" and gives it to store_txn_direct_add().
 */
int
store_txn_direct_accept(struct store_txn *txn, const char *channel)
{
	return store_direct_accept(txn->st, channel);
}

/*
 * Hands row, just inserted "sending", to the outbox worker once the
 * item's batch committed; forgotten if the item is rolled back.
 */
void
store_txn_direct_add(struct store_txn *txn, const struct store_outbox *row)
{
	store_direct_add(txn->st, row);
}

/* Whether the store is SQLite's (not PostgreSQL's). */
int
store_txn_sqlite(struct store_txn *txn)
{
	return !store_is_pg(txn->st);
}

/*
 * The id in outbox_texts of text with its placeholder ph, when the
 * writer knows it (store_txn_text_keep()): 1 and *id set, or 0.
 */
int
store_txn_text_known(struct store_txn *txn, const char *text,
    const char *ph, int64_t *id)
{
	struct store_text_cached	*c;
	size_t				 i;

	for (i = 0; i < STORE_TEXTS_CACHED; i++) {
		c = &txn->st->texts[i];
		if (c->text != NULL && strcmp(c->text, text) == 0 &&
		    strcmp(c->ph, ph) == 0) {
			*id = c->id;
			return 1;
		}
	}
	return 0;
}

/*
 * Remembers that text with its placeholder ph is row id of outbox_texts,
 * until an item or a batch fails (store_outbox_texts_forget()), in the
 * slot filled longest ago.
 */
void
store_txn_text_keep(struct store_txn *txn, const char *text,
    const char *ph, int64_t id)
{
	struct store		*st = txn->st;
	struct store_text_cached	*c;

	c = &st->texts[st->texts_next++ % STORE_TEXTS_CACHED];
	free(c->text);
	free(c->ph);
	c->text = xstrdup(text);
	c->ph = xstrdup(ph);
	c->id = id;
}

/* Forgets the texts the writer knew: their rows may be rolled back. */
void
store_outbox_texts_forget(struct store *st)
{
	size_t	i;

	for (i = 0; i < STORE_TEXTS_CACHED; i++) {
		free(st->texts[i].text);
		free(st->texts[i].ph);
		st->texts[i].text = st->texts[i].ph = NULL;
	}
}

/*
 * ===================================================================
 * Reads of committed data (any thread, the reader connection)
 * ===================================================================
 */

/*
 * Runs fn(txn, arg) with a txn on the reader connection, under its lock:
 * the lookups of work functions, on committed data.  Returns what fn
 * returns.
 */
enum store_status
store_read(struct store *st, store_work_fn fn, void *arg)
{
	struct store_txn	txn = { st, &st->rd, STORE_OK, "" };
	enum store_status	r;

	pthread_mutex_lock(&st->rlock);
	r = fn(&txn, arg);
	pthread_mutex_unlock(&st->rlock);
	return r;
}

struct row_read {
	const struct store_family *fam;
	int			 id;
	int64_t			 key;
	void			(*fill)(struct db_stmt *, void *);
	void			*out;
};

static enum store_status
row_read(struct store_txn *txn, void *arg)
{
	struct row_read	*rr = arg;
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, rr->fam, rr->id)) == NULL)
		return STORE_ERROR;
	if (db_bind_count(s) > 0)
		db_bind_int64(s, 1, rr->key);
	return store_txn_row(txn, s, "read", rr->fill, rr->out);
}

/*
 * Runs statement id of fam with key as ?1 (when it has a parameter) on
 * the reader connection and hands its first row to fill(s, out).  Returns
 * STORE_OK, STORE_NOTFOUND or an error.
 */
enum store_status
store_read_row(struct store *st, const struct store_family *fam, int id,
    int64_t key, void (*fill)(struct db_stmt *, void *), void *out)
{
	struct row_read	rr = { fam, id, key, fill, out };

	return store_read(st, row_read, &rr);
}
