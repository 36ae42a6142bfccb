/*
 * timer_rows.c: the rows of the deadline and retention timer
 * (daemon/timers.c), which runs them from its work function on the
 * writer connection every deadlines.check_interval seconds, a bounded
 * batch at a time.
 *
 * Deadlines: an open case whose deadline passed while it waits for an
 * answer is marked overdue once, with the time, and handed to the caller
 * (which writes an audit entry and notifies); the open overdue cases are
 * counted for /metrics.  Retention: the resident's number is erased from the
 * cases closed before the retention time, from everything that holds it
 * for them and, once none of its cases keeps it, from its pseudonym; and
 * from the messages that opened no case.  Texts, pseudonyms and figures
 * stay, for reports.
 */
#include <sqlite3.h>

#include "store/store.h"
#include "base/clock.h"
#include "store/store_priv.h"

enum {
	ST_MARK_OVERDUE,
	ST_OVERDUE_COUNT,
	/* store_cases_erase(): its steps, in order. */
	ST_ERASE_TABLE,
	ST_ERASE_CLEAR,
	ST_ERASE_PICK,
	ST_ERASE_INBOUND,
	ST_ERASE_OUTBOX,
	ST_ERASE_OUTBOUND,
	ST_ERASE_CASES,
	ST_ERASE_PSEUDONYMS,
	/* store_inbound_erase() */
	ST_INBOUND_ERASE_UPTO,
	ST_INBOUND_ERASE,
	ST_INBOUND_ERASED,
	ST_MAX
};

static const char *const timer_sql[ST_MAX] = {
	[ST_MARK_OVERDUE] = "UPDATE cases SET overdue = ?1 WHERE id IN ("
	    "SELECT id FROM cases WHERE state IN ('received', 'assigned', "
	    "'in_progress', 'reopened') AND deadline < ?1 AND overdue IS NULL "
	    "AND (first_answered IS NULL OR (reopened IS NOT NULL AND "
	    "coalesce(answered, 0) < reopened)) LIMIT ?2) "
	    "RETURNING id, ref_number, category, deadline",
	[ST_OVERDUE_COUNT] = "SELECT count(*), 0 FROM cases INDEXED BY "
	    "cases_overdue WHERE overdue IS NOT NULL AND state NOT IN "
	    "('resolved', 'confirmed')",
	[ST_ERASE_TABLE] = "CREATE TEMP TABLE IF NOT EXISTS erase_ids "
	    "(id INTEGER PRIMARY KEY, resident INTEGER)",
	[ST_ERASE_CLEAR] = "DELETE FROM temp.erase_ids",
	[ST_ERASE_PICK] = "INSERT INTO temp.erase_ids SELECT id, resident "
	    "FROM cases INDEXED BY cases_retention "
	    "WHERE erased IS NULL AND closed IS NOT NULL AND "
	    "closed < ?1 AND state IN ('resolved', 'confirmed') LIMIT ?2",
	[ST_ERASE_INBOUND] = "UPDATE inbound SET sender = '' WHERE case_id "
	    "IN (SELECT id FROM temp.erase_ids)",
	[ST_ERASE_OUTBOX] = "UPDATE outbox SET recipient = '' WHERE case_id "
	    "IN (SELECT id FROM temp.erase_ids)",
	[ST_ERASE_OUTBOUND] = "UPDATE outbound SET recipient = '' WHERE "
	    "case_id IN (SELECT id FROM temp.erase_ids)",
	[ST_ERASE_CASES] = "UPDATE cases SET sender = '', erased = ?3 WHERE "
	    "id IN (SELECT id FROM temp.erase_ids)",
	[ST_ERASE_PSEUDONYMS] = "UPDATE pseudonyms SET sender = NULL WHERE "
	    "id IN (SELECT resident FROM temp.erase_ids) AND NOT EXISTS "
	    "(SELECT 1 FROM cases c WHERE c.resident = pseudonyms.id AND "
	    "c.erased IS NULL)",
	/* The newest id in the batch: messages in id order, up to before. */
	[ST_INBOUND_ERASE_UPTO] = "SELECT max(id) FROM (SELECT id FROM "
	    "inbound WHERE id > coalesce((SELECT value FROM counters WHERE "
	    "name = 'erased_inbound'), 0) AND received < ?1 ORDER BY id "
	    "LIMIT ?2)",
	[ST_INBOUND_ERASE] = "UPDATE inbound SET sender = '' WHERE id > "
	    "coalesce((SELECT value FROM counters WHERE name = "
	    "'erased_inbound'), 0) AND id <= ?1 AND case_id IS NULL AND "
	    "sender <> ''",
	[ST_INBOUND_ERASED] = "INSERT INTO counters (name, value) VALUES "
	    "('erased_inbound', ?1) ON CONFLICT (name) DO UPDATE SET "
	    "value = excluded.value",
};

const struct store_family store_timer_family = {
	STORE_FAM_TIMER, ST_MAX, timer_sql
};

/* Statement id of this family on txn's connection, or NULL (recorded). */
static sqlite3_stmt *
stmt(struct store_txn *txn, int id)
{
	return store_txn_stmt(txn, &store_timer_family, id);
}

/*
 * Marks open cases whose deadline passed before "at" and that wait for an
 * answer (never answered, or not since they were reopened) as overdue at
 * "at", at most limit of them, and calls fn(id, ref, category, deadline,
 * arg) for each (category valid during the call).  Returns STORE_OK with
 * the number marked in *n, or an error.
 */
enum store_status
store_cases_mark_overdue(struct store_txn *txn, int64_t at, int limit,
    void (*fn)(int64_t, int64_t, const char *, int64_t, void *), void *arg,
    int64_t *n)
{
	sqlite3_stmt	*s;
	int		 rc;

	*n = 0;
	if ((s = stmt(txn, ST_MARK_OVERDUE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, at);
	sqlite3_bind_int(s, 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		(*n)++;
		if (fn != NULL)
			fn(sqlite3_column_int64(s, 0),
			    sqlite3_column_int64(s, 1),
			    (const char *)sqlite3_column_text(s, 2),
			    sqlite3_column_int64(s, 3), arg);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	return store_txn_fail(txn, rc, "mark overdue");
}

/*
 * Sets *n to the number of open cases marked overdue.  Returns STORE_OK
 * or an error.
 */
enum store_status
store_cases_overdue_count(struct store_txn *txn, int64_t *n)
{
	sqlite3_stmt	*s;

	if ((s = stmt(txn, ST_OVERDUE_COUNT)) == NULL)
		return STORE_ERROR;
	return store_txn_lookup(txn, s, "overdue count", n, NULL);
}

/*
 * Erases the resident's number from at most limit cases closed before
 * "before" and from everything that holds it for them (their messages,
 * the outbox and the record of what was sent); a pseudonym loses its
 * number when none of its cases keeps it.  The text of the messages, the
 * pseudonym and the figures stay.  Returns STORE_OK with the cases erased
 * in *n, or an error.
 */
enum store_status
store_cases_erase(struct store_txn *txn, int64_t before, int limit,
    int64_t *n)
{
	sqlite3_stmt		*s;
	enum store_status	 r;
	int			 id, np;

	*n = 0;
	for (id = ST_ERASE_TABLE; id <= ST_ERASE_PSEUDONYMS; id++) {
		if ((s = stmt(txn, id)) == NULL)
			return STORE_ERROR;
		np = sqlite3_bind_parameter_count(s);
		if (np >= 1)
			sqlite3_bind_int64(s, 1, before);
		if (np >= 2)
			sqlite3_bind_int(s, 2, limit);
		if (np >= 3)
			sqlite3_bind_int64(s, 3, clock_unix());
		if ((r = store_txn_step(txn, s, "erase", NULL)) != STORE_OK)
			return r;
		if (id == ST_ERASE_PICK)
			*n = store_txn_changes(txn);
	}
	return STORE_OK;
}

/*
 * Erases the sender of at most limit messages received before "before"
 * that opened no case (spam, greetings, thanks); a counter remembers where
 * the last run stopped.  Returns STORE_OK with the messages erased in *n,
 * or an error.
 */
enum store_status
store_inbound_erase(struct store_txn *txn, int64_t before, int limit,
    int64_t *n)
{
	sqlite3_stmt		*s;
	enum store_status	 r;
	int64_t			 upto = 0;

	*n = 0;
	if ((s = stmt(txn, ST_INBOUND_ERASE_UPTO)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, before);
	sqlite3_bind_int(s, 2, limit);
	if ((r = store_txn_lookup(txn, s, "erase inbound", &upto, NULL)) !=
	    STORE_OK && r != STORE_NOTFOUND)
		return r;
	if (upto == 0)
		return STORE_OK;
	if ((s = stmt(txn, ST_INBOUND_ERASE)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, upto);
	if ((r = store_txn_step(txn, s, "erase inbound", NULL)) != STORE_OK)
		return r;
	*n = store_txn_changes(txn);
	if ((s = stmt(txn, ST_INBOUND_ERASED)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, upto);
	return store_txn_step(txn, s, "erase inbound", NULL);
}
