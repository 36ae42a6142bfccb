/*
 * timer_rows.c: the rows of the deadline and retention timer
 * (daemon/timers.c).  The timer reads what is due on the reader
 * connection, through indexes that hold only what a run may change
 * (schema 17), then changes it by id in small work items on the writer,
 * each of which checks again that the row still qualifies: a run costs
 * what it changes, and the writer, which ingest waits for, never scans.
 *
 * Deadlines: an open case whose deadline passed while it waits for an
 * answer is marked overdue once, with the time, and handed to the caller
 * (which writes an audit entry and notifies); the open overdue cases are
 * counted for /metrics.  Retention: the resident's number is erased from
 * the cases closed before the retention time, from everything that holds
 * it for them and, once none of its cases keeps it, from its pseudonym;
 * and from the messages that opened no case.  Texts, pseudonyms and
 * figures stay, for reports.
 */

#include "store/store.h"
#include "base/clock.h"
#include "store/store_priv.h"

/*
 * An open case waiting for an answer, not marked yet: the terms of the
 * partial index cases_waiting (017-timer-indexes.sql, 028-in-lists.sql),
 * which SQLite uses only for a statement that says them all.  An open
 * case is one not resolved nor confirmed: two values, which SQLite
 * compares in place, where a list of the four open states took an
 * ephemeral table at every statement.
 */
#define WAITING								\
	"overdue IS NULL AND state NOT IN ('resolved', 'confirmed') "	\
	"AND (first_answered IS NULL OR "				\
	"reopened > coalesce(answered, 0))"
/* A case whose number retention erases (the index cases_retention). */
#define CLOSED_KEPT							\
	"erased IS NULL AND closed IS NOT NULL AND closed < ?1 AND "	\
	"state IN ('resolved', 'confirmed')"

enum {
	ST_WAITING,
	ST_MARK_OVERDUE,
	ST_OVERDUE_COUNT,
	ST_CLOSED_KEPT,
	/* store_cases_erase(): its steps, in order. */
	ST_ERASE_TABLE,
	ST_ERASE_CLEAR,
	ST_ERASE_PICK,
	ST_ERASE_INBOUND,
	ST_ERASE_OUTBOX,
	ST_ERASE_CASES,
	ST_ERASE_PSEUDONYMS,
	/* store_inbound_erase() */
	ST_INBOUND_ERASE_UPTO,
	ST_INBOUND_ERASE,
	ST_INBOUND_ERASED,
	ST_MAX
};

static const char *const timer_sql[ST_MAX] = {
	[ST_WAITING] = "SELECT id FROM cases INDEXED BY cases_waiting WHERE "
	    WAITING " AND deadline < ?1 ORDER BY deadline LIMIT ?2",
	[ST_MARK_OVERDUE] = "UPDATE cases SET overdue = ?1 WHERE id = ?2 AND "
	    WAITING " AND deadline < ?1 "
	    "RETURNING id, ref_number, category, deadline",
	[ST_OVERDUE_COUNT] = "SELECT count(*), 0 FROM cases INDEXED BY "
	    "cases_overdue_open WHERE overdue IS NOT NULL AND state NOT IN "
	    "('resolved', 'confirmed')",
	[ST_CLOSED_KEPT] = "SELECT id FROM cases INDEXED BY cases_retention "
	    "WHERE " CLOSED_KEPT " ORDER BY closed LIMIT ?2",
	[ST_ERASE_TABLE] = "CREATE TEMP TABLE IF NOT EXISTS erase_ids "
	    "(id INTEGER PRIMARY KEY, resident INTEGER)",
	[ST_ERASE_CLEAR] = "DELETE FROM erase_ids",
	[ST_ERASE_PICK] = "INSERT INTO erase_ids SELECT id, resident "
	    "FROM cases WHERE id = ?2 AND " CLOSED_KEPT,
	[ST_ERASE_INBOUND] = "UPDATE inbound SET sender = '' WHERE case_id "
	    "IN (SELECT id FROM erase_ids)",
	[ST_ERASE_OUTBOX] = "UPDATE outbox SET recipient = '' WHERE case_id "
	    "IN (SELECT id FROM erase_ids)",
	[ST_ERASE_CASES] = "UPDATE cases SET sender = '', erased = ?1 WHERE "
	    "id IN (SELECT id FROM erase_ids)",
	[ST_ERASE_PSEUDONYMS] = "UPDATE pseudonyms SET sender = NULL WHERE "
	    "id IN (SELECT resident FROM erase_ids) AND NOT EXISTS "
	    "(SELECT 1 FROM cases c WHERE c.resident = pseudonyms.id AND "
	    "c.erased IS NULL)",
	/* The newest id in the batch: messages in id order, up to before. */
	[ST_INBOUND_ERASE_UPTO] = "SELECT max(id), 0 FROM (SELECT id FROM "
	    "inbound WHERE id > coalesce((SELECT value FROM counters WHERE "
	    "name = 'erased_inbound'), 0) AND received < ?1 ORDER BY id "
	    "LIMIT ?2) AS b",
	[ST_INBOUND_ERASE] = "UPDATE inbound SET sender = '' WHERE id > "
	    "coalesce((SELECT value FROM counters WHERE name = "
	    "'erased_inbound'), 0) AND id <= ?1 AND case_id IS NULL AND "
	    "sender <> ''",
	[ST_INBOUND_ERASED] = "INSERT INTO counters (name, value) VALUES "
	    "('erased_inbound', ?1) ON CONFLICT (name) DO UPDATE SET "
	    "value = max(counters.value, excluded.value)",
};

const struct store_family store_timer_family = {
	STORE_FAM_TIMER, ST_MAX, timer_sql, NULL
};

/* Statement id of this family on txn's connection, or NULL (recorded). */
static struct db_stmt *
stmt(struct store_txn *txn, int id)
{
	return store_txn_stmt(txn, &store_timer_family, id);
}

/*
 * ===================================================================
 * Reads (the timers' thread: store_read_timers(), their ward's cases)
 * ===================================================================
 */

struct id_read {
	int		 sql;
	int64_t		 key;
	int		 limit;
	int64_t		*ids;
	size_t		*n;
};

static enum store_status
id_read(struct store_txn *txn, void *arg)
{
	struct id_read	*r = arg;
	struct db_stmt	*s;
	int		 rc;

	*r->n = 0;
	if ((s = stmt(txn, r->sql)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, r->key);
	db_bind_int64(s, 2, r->limit);
	while ((rc = db_step(s)) == DB_ROW && *r->n < (size_t)r->limit)
		r->ids[(*r->n)++] = db_column_int64(s, 0);
	db_reset(s);
	db_clear_bindings(s);
	if (rc == DB_DONE || rc == DB_ROW)
		return STORE_OK;
	return store_txn_fail(txn, rc, "timer read");
}

/*
 * Reads into ids (room for limit) the ids of at most limit open cases
 * (of the gateway's ward on a shared database) that wait for an answer,
 * are not marked overdue and whose deadline passed before "at", earliest
 * deadline first; their number in *n.  Returns STORE_OK or an error.
 */
enum store_status
store_cases_waiting(struct store *st, int64_t at, int limit, int64_t *ids,
    size_t *n)
{
	struct id_read	r = { ST_WAITING, at, limit, ids, n };

	return store_read_timers(st, id_read, &r);
}

/*
 * Reads into ids (room for limit) the ids of at most limit cases (of
 * the gateway's ward on a shared database) closed before "before" whose
 * number is still there, earliest closed first; their number in *n.
 * Returns STORE_OK or an error.
 */
enum store_status
store_cases_closed_before(struct store *st, int64_t before, int limit,
    int64_t *ids, size_t *n)
{
	struct id_read	r = { ST_CLOSED_KEPT, before, limit, ids, n };

	return store_read_timers(st, id_read, &r);
}

static enum store_status
overdue_count_read(struct store_txn *txn, void *arg)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_OVERDUE_COUNT)) == NULL)
		return STORE_ERROR;
	return store_txn_count(txn, s, "overdue count", arg);
}

/*
 * Sets *n to the number of open cases marked overdue (an index alone;
 * of the gateway's ward on a shared database).  Returns STORE_OK or an
 * error.
 */
enum store_status
store_cases_overdue_count(struct store *st, int64_t *n)
{
	return store_read_timers(st, overdue_count_read, n);
}

struct upto_read {
	int64_t		 before;
	int		 limit;
	int64_t		*upto;
};

static enum store_status
upto_read(struct store_txn *txn, void *arg)
{
	struct upto_read	*r = arg;
	struct db_stmt		*s;
	enum store_status	 st;

	*r->upto = 0;
	if ((s = stmt(txn, ST_INBOUND_ERASE_UPTO)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, r->before);
	db_bind_int64(s, 2, r->limit);
	st = store_txn_lookup(txn, s, "erase inbound", r->upto, NULL);
	return st == STORE_NOTFOUND ? STORE_OK : st;
}

/*
 * Sets *upto to the id of the last of the next limit messages (in id
 * order, after those the last store_inbound_erase() went through)
 * received before "before", or 0 when there is none.  Returns STORE_OK
 * or an error.
 */
enum store_status
store_inbound_erase_upto(struct store *st, int64_t before, int limit,
    int64_t *upto)
{
	struct upto_read	r = { before, limit, upto };

	return store_read(st, upto_read, &r);
}

/*
 * ===================================================================
 * Changes (work functions, the writer connection)
 * ===================================================================
 */

/*
 * Marks the cases of ids (n of them) that still wait for an answer with
 * their deadline passed before "at" (store_cases_waiting()) as overdue at
 * "at", and calls fn(id, ref, category, deadline, arg) for each one marked
 * (category valid during the call).  Returns STORE_OK with the number
 * marked in *marked, or an error.
 */
enum store_status
store_cases_mark_overdue(struct store_txn *txn, int64_t at,
    const int64_t *ids, size_t n,
    void (*fn)(int64_t, int64_t, const char *, int64_t, void *), void *arg,
    int64_t *marked)
{
	struct db_stmt	*s;
	size_t		 i;
	int		 rc = DB_DONE;

	*marked = 0;
	if ((s = stmt(txn, ST_MARK_OVERDUE)) == NULL)
		return STORE_ERROR;
	for (i = 0; i < n && (rc == DB_DONE || rc == DB_ROW); i++) {
		db_bind_int64(s, 1, at);
		db_bind_int64(s, 2, ids[i]);
		while ((rc = db_step(s)) == DB_ROW) {
			(*marked)++;
			if (fn != NULL)
				fn(db_column_int64(s, 0),
				    db_column_int64(s, 1),
				    db_column_text(s, 2),
				    db_column_int64(s, 3), arg);
		}
		db_reset(s);
	}
	db_clear_bindings(s);
	if (rc == DB_DONE || rc == DB_ROW)
		return STORE_OK;
	return store_txn_fail(txn, rc, "mark overdue");
}

/*
 * Erases the resident's number from the cases of ids (n of them) that are
 * still closed before "before" with their number
 * (store_cases_closed_before()), and from everything that holds it for
 * them (their messages and the outbox, what was sent); a
 * pseudonym loses its number when none of its cases keeps it.  The text
 * of the messages, the pseudonym and the figures stay.  Returns STORE_OK
 * with the cases erased in *erased, or an error.
 */
enum store_status
store_cases_erase(struct store_txn *txn, int64_t before, const int64_t *ids,
    size_t n, int64_t *erased)
{
	struct db_stmt		*s;
	enum store_status	 r;
	size_t			 i;
	int			 id;

	*erased = 0;
	for (id = ST_ERASE_TABLE; id <= ST_ERASE_PSEUDONYMS; id++) {
		if ((s = stmt(txn, id)) == NULL)
			return STORE_ERROR;
		if (id != ST_ERASE_PICK) {
			if (db_bind_count(s) >= 1)
				db_bind_int64(s, 1, clock_unix());
			if ((r = store_txn_step(txn, s, "erase", NULL)) !=
			    STORE_OK)
				return r;
			continue;
		}
		for (i = 0; i < n; i++) {
			db_bind_int64(s, 1, before);
			db_bind_int64(s, 2, ids[i]);
			if ((r = store_txn_step(txn, s, "erase", NULL)) !=
			    STORE_OK)
				return r;
			*erased += store_txn_changes(txn);
		}
		if (*erased == 0)
			return STORE_OK;
	}
	return STORE_OK;
}

/*
 * Erases the sender of the messages that opened no case, from where the
 * last run stopped up to id upto (store_inbound_erase_upto()); a counter
 * remembers where it stopped.  Returns STORE_OK with the messages erased
 * in *n, or an error.
 */
enum store_status
store_inbound_erase(struct store_txn *txn, int64_t upto, int64_t *n)
{
	struct db_stmt		*s;
	enum store_status	 r;

	*n = 0;
	if (upto <= 0)
		return STORE_OK;
	if ((s = stmt(txn, ST_INBOUND_ERASE)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, upto);
	if ((r = store_txn_step(txn, s, "erase inbound", NULL)) != STORE_OK)
		return r;
	*n = store_txn_changes(txn);
	if ((s = stmt(txn, ST_INBOUND_ERASED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, upto);
	return store_txn_step(txn, s, "erase inbound", NULL);
}
