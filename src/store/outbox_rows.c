/*
 * outbox_rows.c: the store's outbox, every message waiting to go out and
 * how its delivery is going.
 *
 * A message that goes out is this one row, from its queueing to its
 * delivery (schema 18): queued -> sending (claimed, the attempt counted)
 * -> sent (with the number it went from and when), back to queued (a
 * retry, at next_attempt) or failed (dead when it ran out of attempts);
 * sent -> delivered or failed by a delivery report (message.c); failed ->
 * queued again by store_outbox_retry().  Each row has a priority: the
 * worker claims a channel's due replies before its due bulk.  Rows left
 * "sending" by a crash are put back with store_outbox_requeue() at
 * start-up.  The reply composer (core/reply.c) queues rows and counts a
 * resident's automatic replies; the outbox worker (chan/outbox.c) claims
 * rows and records results, all from work functions on the writer
 * connection; a batch that queued rows calls the function of
 * store_outbox_hook() once committed (engine.c).  /metrics and papictl
 * status read the figures on the reader connection.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/util.h"
#include "store/store_priv.h"

enum {
	ST_OUTBOX_INSERT,
	ST_TEXT_ADD,
	ST_TEXT_ID,
	ST_OUTBOX_GET,
	ST_OUTBOX_CLAIM,
	ST_OUTBOX_RESULT,
	ST_DLR_EXISTS,
	ST_OUTBOX_EARLY_DLR,
	ST_OUTBOX_REQUEUE,
	ST_OUTBOX_INTERRUPTED,
	ST_OUTBOX_RETRY,
	ST_OUTBOX_COUNT_AUTO,
	ST_OUTBOX_DEPTH,
	ST_QUEUE_DEPTH,
	ST_OUTBOX_NEXT_DUE,
	ST_OUTBOX_DEAD,
	ST_OUTBOX_RETRY_FAILED,
	ST_SENT_ADD_ROW,
	ST_SENT_ADD,
	ST_SENT_DEPTH,
	ST_SENT_FOLD,
	ST_MAX
};

static const char *const outbox_sql[ST_MAX] = {
	[ST_OUTBOX_INSERT] = "INSERT INTO outbox (case_id, channel, "
	    "recipient, text, encoding, segments, state, attempts, "
	    "next_attempt, last_error, provider_msg_id, created, updated, "
	    "kind, priority, ward, tpl) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, ?12, ?13, coalesce(?14, 'answer'), ?15, ?16, ?17)",
	[ST_TEXT_ADD] = "INSERT INTO outbox_texts (text, ph) VALUES (?1, ?2) "
	    "ON CONFLICT (text, ph) DO NOTHING",
	[ST_TEXT_ID] = "SELECT id, 0 FROM outbox_texts "
	    "WHERE text = ?1 AND ph = ?2",
	[ST_OUTBOX_GET] = "SELECT " STORE_OUTBOX_COLUMNS("outbox.")
	    " FROM outbox WHERE id = ?1",
	[ST_OUTBOX_CLAIM] = "UPDATE outbox SET state = 'sending', "
	    "attempts = attempts + 1, updated = ?2 WHERE id IN ("
	    "SELECT id FROM outbox INDEXED BY outbox_queue WHERE channel = ?1 "
	    "AND state = 'queued' AND next_attempt <= ?2 "
	    "ORDER BY priority, next_attempt, id LIMIT ?3) "
	    "RETURNING " STORE_OUTBOX_COLUMNS("outbox."),
	[ST_OUTBOX_RESULT] = "UPDATE outbox SET state = ?2, "
	    "provider_msg_id = coalesce(?3, provider_msg_id), "
	    "last_error = coalesce(?4, last_error), "
	    "next_attempt = coalesce(?5, next_attempt), dead = ?6, "
	    "attempts = max(attempts - ?8, 0), "
	    "sender = CASE ?2 WHEN 'sent' THEN ?9 ELSE sender END, "
	    "sent = CASE ?2 WHEN 'sent' THEN ?7 ELSE sent END, "
	    "updated = ?7 WHERE id = ?1 AND state = 'sending'",
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
	    "next_attempt = ?1, updated = ?1 WHERE state = 'sending' "
	    "AND state <> 'sent' AND state <> 'queued' AND updated < ?2",
	[ST_OUTBOX_INTERRUPTED] = "UPDATE outbox SET state = 'failed', "
	    "last_error = 'interrupted by a restart: maybe sent, not sent "
	    "again', updated = ?1 WHERE state = 'sending' "
	    "AND state <> 'sent' AND state <> 'queued' "
	    "AND kind = 'announcement' AND updated < ?2",
	[ST_OUTBOX_RETRY] = "UPDATE outbox SET state = 'queued', "
	    "attempts = 0, dead = 0, last_error = NULL, "
	    "next_attempt = ?2, updated = ?2 "
	    "WHERE id = ?1 AND state = 'failed'",
	[ST_OUTBOX_COUNT_AUTO] = "SELECT count(*) FROM outbox "
	    "WHERE recipient = ?1 AND created >= ?2 "
	    "AND kind IN ('ack', 'special')",
	/*
	 * The rows sent are counted in outbox_sent, not indexed (schema 24),
	 * and the queued ones in outbox_queue (schema 30): the index on
	 * state holds the others, and SQLite takes it only for a statement
	 * that says state <> 'sent' AND state <> 'queued' as its WHERE does.
	 */
	[ST_OUTBOX_DEPTH] = "SELECT count(*) FROM outbox WHERE state = ?1 "
	    "AND state <> 'sent' AND state <> 'queued'",
	/* Named: a table scan where sqlite_stat1 says most rows are queued. */
	[ST_QUEUE_DEPTH] = "SELECT count(*) FROM outbox INDEXED BY outbox_queue "
	    "WHERE state = 'queued'",
	/* Each priority's earliest, from outbox_queue's first entry. */
	[ST_OUTBOX_NEXT_DUE] = "SELECT min(m) FROM (SELECT "
	    "min(next_attempt) AS m FROM outbox WHERE channel = ?1 AND "
	    "state = 'queued' AND priority = 0 UNION ALL SELECT "
	    "min(next_attempt) FROM outbox WHERE channel = ?1 AND "
	    "state = 'queued' AND priority = 1) AS p",
	[ST_OUTBOX_DEAD] = "SELECT count(*) FROM outbox WHERE dead = 1 "
	    "AND state = 'failed' AND state <> 'sent' AND state <> 'queued'",
	[ST_OUTBOX_RETRY_FAILED] = "UPDATE outbox SET state = 'queued', "
	    "attempts = 0, dead = 0, last_error = NULL, next_attempt = ?2, "
	    "updated = ?2 WHERE state = 'failed' AND state <> 'sent' "
	    "AND state <> 'queued' "
	    "AND updated >= ?1",
	[ST_SENT_ADD_ROW] = "INSERT INTO outbox_sent (channel, n) "
	    "SELECT channel, ?2 FROM outbox WHERE id = ?1 "
	    "ON CONFLICT (channel) DO UPDATE SET n = outbox_sent.n + excluded.n",
	[ST_SENT_ADD] = "INSERT INTO outbox_sent (channel, n) VALUES (?1, ?2) "
	    "ON CONFLICT (channel) DO UPDATE SET n = outbox_sent.n + excluded.n",
	[ST_SENT_DEPTH] = "SELECT coalesce(sum(n), 0) FROM outbox_sent",
	/* One writer: the count needs no folding (PostgreSQL's, below). */
	[ST_SENT_FOLD] = "SELECT 0"
};

/*
 * On PostgreSQL several gateways may claim a channel's rows at once: each
 * takes rows no other holds (FOR UPDATE SKIP LOCKED), and the state is
 * checked again on the row it updates, so that no row is sent twice.
 * The rows are chosen once, in a materialized CTE: in "WHERE id IN
 * (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)" the planner may run the
 * subquery again for each row, each time skipping the rows it locked
 * before, and mark many more than n rows sending, which nobody sends.
 */
static const char *const outbox_sql_pg[ST_MAX] = {
	[ST_QUEUE_DEPTH] = "SELECT count(*) FROM outbox WHERE state = 'queued'",
	[ST_OUTBOX_CLAIM] = "WITH c AS MATERIALIZED (SELECT id FROM outbox "
	    "WHERE channel = ?1 AND state = 'queued' AND next_attempt <= ?2 "
	    "ORDER BY priority, next_attempt, id LIMIT ?3 "
	    "FOR UPDATE SKIP LOCKED) "
	    "UPDATE outbox o SET state = 'sending', "
	    "attempts = o.attempts + 1, updated = ?2 FROM c "
	    "WHERE o.id = c.id AND o.state = 'queued' "
	    "RETURNING " STORE_OUTBOX_COLUMNS("o."),
	/*
	 * Several gateways' writers record rows sent at once: each adds a
	 * row of its own to outbox_sent_delta instead of updating the
	 * channel's row of outbox_sent, which would be held by one of their
	 * transactions until it commits, and taken by them in different
	 * orders with the other rows they hold (a case reference, the audit
	 * chain's lock): waits and deadlocks (schema 25).  A count is
	 * outbox_sent's row and the channel's deltas; the gateway that runs
	 * the timers folds the deltas into outbox_sent.
	 */
	[ST_SENT_ADD_ROW] = "INSERT INTO outbox_sent_delta (channel, n) "
	    "SELECT channel, ?2 FROM outbox WHERE id = ?1",
	[ST_SENT_ADD] = "INSERT INTO outbox_sent_delta (channel, n) "
	    "VALUES (?1, ?2)",
	[ST_SENT_DEPTH] = "SELECT (coalesce((SELECT sum(n) FROM outbox_sent), "
	    "0) + coalesce((SELECT sum(n) FROM outbox_sent_delta), 0))::bigint",
	/*
	 * The oldest deltas, ?1 at most, folded into outbox_sent and
	 * deleted, in one statement; answers how many.  A delta a writer
	 * has not committed yet is not seen, and waits for the next fold.
	 */
	[ST_SENT_FOLD] = "WITH d AS (DELETE FROM outbox_sent_delta "
	    "WHERE ctid = ANY (ARRAY(SELECT ctid FROM outbox_sent_delta "
	    "LIMIT ?1)) RETURNING channel, n), "
	    "f AS (INSERT INTO outbox_sent (channel, n) "
	    "SELECT channel, sum(n) FROM d GROUP BY channel "
	    "ON CONFLICT (channel) DO UPDATE SET n = outbox_sent.n + excluded.n) "
	    "SELECT count(*) FROM d",
};

const struct store_family store_outbox_family = {
	STORE_FAM_OUTBOX, ST_MAX, outbox_sql, outbox_sql_pg
};

static const char *const outbox_state_names[] = {
	[STORE_OUTBOX_QUEUED] = "queued",
	[STORE_OUTBOX_SENDING] = "sending",
	[STORE_OUTBOX_SENT] = "sent",
	[STORE_OUTBOX_DELIVERED] = "delivered",
	[STORE_OUTBOX_FAILED] = "failed",
};

/* Statement id of this family on txn's connection, or NULL (recorded). */
static struct db_stmt *
stmt(struct store_txn *txn, int id)
{
	return store_txn_stmt(txn, &store_outbox_family, id);
}

/* Returns the name of an outbox state, or NULL when it is out of range. */
const char *
store_outbox_state_name(enum store_outbox_state s)
{
	if ((unsigned)s >= nitems(outbox_state_names))
		return NULL;
	return outbox_state_names[s];
}

/* Returns the state called name; an unknown name or NULL is "failed". */
enum store_outbox_state
store_outbox_state_of(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < nitems(outbox_state_names); i++)
		if (strcmp(outbox_state_names[i], name) == 0)
			return (enum store_outbox_state)i;
	return STORE_OUTBOX_FAILED;
}

/* Fills o from a row of STORE_OUTBOX_COLUMNS (copy: see store_priv.h). */
void
store_outbox_fill(struct db_stmt *s, struct store_outbox *o, int copy)
{
	memset(o, 0, sizeof(*o));
	o->id = db_column_int64(s, 0);
	o->case_id = db_column_int64(s, 1);
	o->channel = store_col_text(s, 2, copy);
	o->recipient = store_col_text(s, 3, copy);
	o->text = store_col_text(s, 4, copy);
	o->encoding = store_col_text(s, 5, copy);
	o->segments = (int)db_column_int64(s, 6);
	o->state = store_outbox_state_of(db_column_text(s,
	    7));
	o->attempts = (int)db_column_int64(s, 8);
	o->next_attempt = db_column_int64(s, 9);
	o->last_error = store_col_text(s, 10, copy);
	o->provider_id = store_col_text(s, 11, copy);
	o->created = db_column_int64(s, 12);
	o->updated = db_column_int64(s, 13);
	o->dead = (int)db_column_int64(s, 14);
	o->kind = store_col_text(s, 15, copy);
	o->sender = store_col_text(s, 16, copy);
	o->sent = db_column_int64(s, 17);
	o->priority = (int)db_column_int64(s, 18);
}

static void
fill_outbox(struct db_stmt *s, void *out)
{
	store_outbox_fill(s, out, 1);
}

/*
 * ===================================================================
 * Queueing (the reply composer's work functions)
 * ===================================================================
 */

/*
 * The id in outbox_texts of text with its placeholder ph, added when it
 * is not there.  Returns STORE_OK or an error.
 */
static enum store_status
text_id(struct store_txn *txn, const char *text, const char *ph,
    int64_t *id)
{
	struct db_stmt		*s;
	enum store_status	 st;

	if (store_txn_text_known(txn, text, ph, id))
		return STORE_OK;
	if ((s = stmt(txn, ST_TEXT_ADD)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, text);
	store_bind_text(s, 2, ph);
	if ((st = store_txn_step(txn, s, "outbox text", NULL)) != STORE_OK)
		return st;
	if ((s = stmt(txn, ST_TEXT_ID)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, text);
	store_bind_text(s, 2, ph);
	if ((st = store_txn_lookup(txn, s, "outbox text", id, NULL)) !=
	    STORE_OK)
		return st == STORE_NOTFOUND ? STORE_ERROR : st;
	store_txn_text_keep(txn, text, ph, *id);
	return STORE_OK;
}

/*
 * Queues message o for the outbox worker, at o->priority (bulk,
 * STORE_OUTBOX_PRIORITY_BULK, goes out after the replies due on its
 * channel).  A reply due now that the worker takes from the writer
 * (store_outbox_direct()) is inserted "sending" and handed to it once
 * committed, with no claim.  Returns STORE_OK with the row's id in *id,
 * STORE_INVALID for an unknown case, a bad state or priority, or an
 * error.
 */
enum store_status
store_outbox_insert(struct store_txn *txn, const struct store_outbox_new *o,
    int64_t *id)
{
	struct db_stmt		*s;
	struct store_outbox	 row;
	enum store_status	 st;
	const char		*state;
	int64_t			 t = clock_unix(), rid = 0, tpl = 0;
	int			 direct, attempts = o->attempts;

	if ((state = store_outbox_state_name(o->state)) == NULL ||
	    (o->priority != STORE_OUTBOX_PRIORITY_REPLY &&
	    o->priority != STORE_OUTBOX_PRIORITY_BULK))
		return STORE_INVALID;
	direct = o->state == STORE_OUTBOX_QUEUED &&
	    o->priority == STORE_OUTBOX_PRIORITY_REPLY &&
	    o->next_attempt <= t && store_txn_direct_accept(txn, o->channel);
	if (direct) {
		state = store_outbox_state_name(STORE_OUTBOX_SENDING);
		attempts++;
	}
	/*
	 * On SQLite a text made of a template and a reference is stored as
	 * the two: the template once in outbox_texts, the reference in the
	 * row (schema 30); STORE_OUTBOX_TEXT() puts them together again.
	 */
	if (o->tpl != NULL && store_txn_sqlite(txn) &&
	    (st = text_id(txn, o->tpl, o->ph, &tpl)) != STORE_OK)
		return st;
	if ((s = stmt(txn, ST_OUTBOX_INSERT)) == NULL)
		return STORE_ERROR;
	store_bind_opt(s, 1, o->case_id);
	store_bind_text(s, 2, o->channel);
	store_bind_text(s, 3, o->recipient);
	store_bind_text(s, 4, tpl != 0 ? o->ref : o->text);
	store_bind_text(s, 5, o->encoding);
	db_bind_int64(s, 6, o->segments);
	store_bind_text(s, 7, state);
	db_bind_int64(s, 8, attempts);
	db_bind_int64(s, 9, o->next_attempt ? o->next_attempt : t);
	store_bind_text(s, 10, o->last_error);
	store_bind_text(s, 11, o->provider_id);
	db_bind_int64(s, 12, o->created ? o->created : t);
	db_bind_int64(s, 13, o->updated ? o->updated : t);
	store_bind_text(s, 14, o->kind);
	db_bind_int64(s, 15, o->priority);
	/*
	 * A row of no case (an announcement, the answer to a message that
	 * opened none) is the ward's of the gateway that queued it, for its
	 * SMS figures; a row of a case is its case's (NULL here).
	 */
	store_bind_text(s, 16, o->case_id == 0 && *store_txn_ward(txn) != '\0' ?
	    store_txn_ward(txn) : NULL);
	store_bind_opt(s, 17, tpl);
	if (!direct)
		store_txn_outbox_queued(txn);
	if ((st = store_txn_step(txn, s, "outbox insert", &rid)) != STORE_OK)
		return st;
	if (id != NULL)
		*id = rid;
	if (o->state == STORE_OUTBOX_SENT &&
	    (st = store_outbox_sent_add(txn, 0, o->channel, 1)) != STORE_OK)
		return st;
	if (direct) {
		memset(&row, 0, sizeof(row));
		row.id = rid;
		row.case_id = o->case_id;
		row.channel = (char *)o->channel;
		row.recipient = (char *)o->recipient;
		row.text = (char *)o->text;
		row.encoding = (char *)o->encoding;
		row.segments = o->segments;
		row.state = STORE_OUTBOX_SENDING;
		row.attempts = attempts;
		row.next_attempt = o->next_attempt ? o->next_attempt : t;
		row.created = o->created ? o->created : t;
		row.updated = o->updated ? o->updated : t;
		row.kind = (char *)(o->kind != NULL ? o->kind : "answer");
		row.priority = o->priority;
		store_txn_direct_add(txn, &row);
	}
	return STORE_OK;
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
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_OUTBOX_COUNT_AUTO)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, recipient);
	db_bind_int64(s, 2, since);
	return store_txn_count(txn, s, "outbox count", n);
}

/*
 * ===================================================================
 * The outbox worker's work functions (chan/outbox.c)
 * ===================================================================
 */

/*
 * Claims up to limit rows of channel that are queued and due at "at"
 * (replies first, then bulk; oldest next_attempt first within each):
 * they become "sending" with the attempt counted.  Returns STORE_OK with
 * a malloc'd array of *n rows in *rows (NULL when none), each released
 * with store_outbox_clear() and the array with free(); or an error, with
 * nothing to free.
 */
enum store_status
store_outbox_claim(struct store_txn *txn, const char *channel, int64_t at,
    int limit, struct store_outbox **rows, size_t *n)
{
	struct db_stmt		*s;
	struct store_outbox	*v = NULL;
	size_t			 i, cnt = 0;
	int			 rc;

	*rows = NULL;
	*n = 0;
	if (limit <= 0)
		return STORE_OK;
	if ((s = stmt(txn, ST_OUTBOX_CLAIM)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, channel);
	db_bind_int64(s, 2, at);
	db_bind_int64(s, 3, limit);
	v = xcalloc((size_t)limit, sizeof(*v));
	while ((rc = db_step(s)) == DB_ROW && cnt < (size_t)limit)
		store_outbox_fill(s, &v[cnt++], 1);
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE && rc != DB_ROW) {
		for (i = 0; i < cnt; i++)
			store_outbox_clear(&v[i]);
		free(v);
		return store_txn_fail(txn, rc, "outbox claim");
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
 * Adds delta to the count of rows in state "sent" of a channel (schema
 * 24: the index outbox_state leaves them out, so that what is sent, most
 * of the outbox, is not indexed by state): channel's, or when it is NULL
 * row id's.  Called in the transaction that moves a row into or out of
 * "sent".  On PostgreSQL the delta is a row of its own, folded in later
 * (store_outbox_sent_fold()).  Returns STORE_OK or an error.
 */
enum store_status
store_outbox_sent_add(struct store_txn *txn, int64_t id, const char *channel,
    int64_t delta)
{
	struct db_stmt		*s;

	if (delta == 0)
		return STORE_OK;
	if ((s = stmt(txn, channel != NULL ? ST_SENT_ADD : ST_SENT_ADD_ROW)) ==
	    NULL)
		return STORE_ERROR;
	if (channel != NULL)
		store_bind_text(s, 1, channel);
	else
		db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, delta);
	return store_txn_step(txn, s, "outbox sent count", NULL);
}

/*
 * On PostgreSQL, from the gateway that runs the timers: folds the oldest
 * deltas of the counts of rows sent (limit at most) into outbox_sent,
 * and sets *n to how many it folded (limit: there may be more).  On
 * SQLite, whose one writer adds to outbox_sent itself, it folds none.  Returns
 * STORE_OK or an error.
 */
enum store_status
store_outbox_sent_fold(struct store_txn *txn, int limit, int64_t *n)
{
	struct db_stmt		*s;

	*n = 0;
	if ((s = stmt(txn, ST_SENT_FOLD)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, limit);
	return store_txn_count(txn, s, "outbox sent fold", n);
}

/*
 * After a row was recorded as sent at t: applies a final delivery report
 * that came before, if any.  Returns STORE_OK or an error.
 */
static enum store_status
outbox_sent(struct store_txn *txn, const struct store_outbox_result *r,
    int64_t t)
{
	struct db_stmt		*s;
	enum store_status	 st;

	if (r->provider_id == NULL || r->channel == NULL)
		return STORE_OK;
	/* Nearly always none: a probe is cheaper than the UPDATE. */
	if ((s = stmt(txn, ST_DLR_EXISTS)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, r->channel);
	store_bind_text(s, 2, r->provider_id);
	if ((st = store_txn_lookup(txn, s, "delivery report", NULL, NULL)) ==
	    STORE_NOTFOUND)
		return STORE_OK;
	if (st != STORE_OK)
		return st;
	if ((s = stmt(txn, ST_OUTBOX_EARLY_DLR)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, r->channel);
	store_bind_text(s, 2, r->provider_id);
	db_bind_int64(s, 3, r->id);
	db_bind_int64(s, 4, t);
	if ((st = store_txn_step(txn, s, "outbox early report", NULL)) !=
	    STORE_OK || store_txn_changes(txn) == 0)
		return st;
	return store_outbox_sent_add(txn, r->id, NULL, -1);
}

/*
 * Records what became of a row that was "sending": r->state sent (with
 * its provider id, the number it went from, r->sender, and the time; a
 * final delivery report that came first is applied),
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
	struct db_stmt		*s;
	enum store_status	 st;
	int64_t			 t = clock_unix();

	if (r->state != STORE_OUTBOX_SENT && r->state != STORE_OUTBOX_QUEUED &&
	    r->state != STORE_OUTBOX_FAILED)
		return STORE_INVALID;
	if ((s = stmt(txn, ST_OUTBOX_RESULT)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, r->id);
	store_bind_text(s, 2, store_outbox_state_name(r->state));
	store_bind_text(s, 3, r->provider_id);
	store_bind_text(s, 4, r->error);
	if (r->state == STORE_OUTBOX_QUEUED)
		db_bind_int64(s, 5, r->next_attempt ? r->next_attempt :
		    t);
	db_bind_int64(s, 6, r->state == STORE_OUTBOX_FAILED && r->dead);
	db_bind_int64(s, 7, t);
	db_bind_int64(s, 8, r->state == STORE_OUTBOX_QUEUED && r->refund);
	store_bind_text(s, 9, r->sender != NULL && *r->sender ? r->sender :
	    NULL);
	if ((st = store_txn_step(txn, s, "outbox result", NULL)) != STORE_OK)
		return st;
	if (store_txn_changes(txn) == 0)
		return STORE_NOTFOUND;
	if (r->state == STORE_OUTBOX_QUEUED)
		store_txn_outbox_queued(txn);
	if (r->state != STORE_OUTBOX_SENT)
		return STORE_OK;
	if ((st = store_outbox_sent_add(txn, r->id, NULL, 1)) != STORE_OK)
		return st;
	return outbox_sent(txn, r, t);
}

/*
 * Puts every row left "sending" since before the time before (by a
 * crash, or by a shutdown that could not wait for its answer) back to
 * "queued", due at once; the attempt it made stays counted.  A gateway
 * alone on its database passes a time after now: every such row; with
 * others on it (PostgreSQL), now less a lease that no send outlasts, as
 * the rows of the others' sends in flight are "sending" too.
 * Announcements go at most once: theirs fail instead, "maybe sent" (a
 * resident told twice of the same news by a restart is worse than one
 * who may have missed it; papictl retry sends one again).  Sets *n (when
 * not NULL) to the number of rows queued again.  Returns STORE_OK or an
 * error.
 */
enum store_status
store_outbox_requeue(struct store_txn *txn, int64_t before, int64_t *n)
{
	struct db_stmt		*s;
	enum store_status	 st;

	if ((s = stmt(txn, ST_OUTBOX_INTERRUPTED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, clock_unix());
	db_bind_int64(s, 2, before);
	if ((st = store_txn_step(txn, s, "outbox interrupted", NULL)) !=
	    STORE_OK)
		return st;
	if ((s = stmt(txn, ST_OUTBOX_REQUEUE)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, clock_unix());
	db_bind_int64(s, 2, before);
	if ((st = store_txn_step(txn, s, "outbox requeue", NULL)) != STORE_OK)
		return st;
	if (n != NULL)
		*n = store_txn_changes(txn);
	store_txn_outbox_queued(txn);
	return STORE_OK;
}

/*
 * Queues failed row id again, due at once: a fresh start, with its
 * attempts, dead flag and last_error reset, so that a row an officer
 * retried and that was sent shows no error of before (the failure stays
 * in the log; automatic retries keep their last error, the reason the
 * row needed them).  Returns STORE_OK,
 * STORE_NOTFOUND when there is no such row, STORE_INVALID when it is not
 * failed, or an error.
 */
enum store_status
store_outbox_retry(struct store_txn *txn, int64_t id)
{
	struct db_stmt		*s;
	enum store_status	 st;

	if ((s = stmt(txn, ST_OUTBOX_RETRY)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, clock_unix());
	if ((st = store_txn_step(txn, s, "outbox retry", NULL)) != STORE_OK)
		return st;
	if (store_txn_changes(txn) == 1) {
		store_txn_outbox_queued(txn);
		return STORE_OK;
	}
	if ((s = stmt(txn, ST_OUTBOX_GET)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	return store_txn_lookup(txn, s, "outbox get", NULL, NULL) == STORE_OK ?
	    STORE_INVALID : STORE_NOTFOUND;
}

/*
 * Queues again every failed row that failed at or after since (Unix
 * seconds; 0: all), due at once, as store_outbox_retry() does one, and
 * sets *n to how many.  For the rows an outage made give up.  Returns
 * STORE_OK or an error.
 */
enum store_status
store_outbox_retry_failed(struct store_txn *txn, int64_t since, int64_t *n)
{
	struct db_stmt		*s;
	enum store_status	 st;

	*n = 0;
	if ((s = stmt(txn, ST_OUTBOX_RETRY_FAILED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, since);
	db_bind_int64(s, 2, clock_unix());
	if ((st = store_txn_step(txn, s, "outbox retry failed", NULL)) !=
	    STORE_OK)
		return st;
	if ((*n = store_txn_changes(txn)) > 0)
		store_txn_outbox_queued(txn);
	return STORE_OK;
}

/*
 * ===================================================================
 * Reading the outbox (any thread, committed data)
 * ===================================================================
 */

/*
 * Reads outbox row id into o.  Returns STORE_OK (release o with
 * store_outbox_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_outbox_get(struct store *st, int64_t id, struct store_outbox *o)
{
	return store_read_row(st, &store_outbox_family, ST_OUTBOX_GET, id,
	    fill_outbox, o);
}

/* Frees what store_outbox_get() or store_outbox_claim() put in o. */
void
store_outbox_clear(struct store_outbox *o)
{
	free(o->channel);
	free(o->recipient);
	free(o->text);
	free(o->encoding);
	free(o->last_error);
	free(o->provider_id);
	free(o->kind);
	free(o->sender);
	memset(o, 0, sizeof(*o));
}

struct depth_read {
	const char	*state;
	int64_t		*n;
};

static enum store_status
depth_read(struct store_txn *txn, void *arg)
{
	struct depth_read	*dr = arg;
	struct db_stmt		*s;

	if (strcmp(dr->state, "sent") == 0) {
		if ((s = stmt(txn, ST_SENT_DEPTH)) == NULL)
			return STORE_ERROR;
		return store_txn_count(txn, s, "outbox sent", dr->n);
	}
	if (strcmp(dr->state, "queued") == 0) {
		if ((s = stmt(txn, ST_QUEUE_DEPTH)) == NULL)
			return STORE_ERROR;
		return store_txn_count(txn, s, "outbox depth", dr->n);
	}
	if ((s = stmt(txn, ST_OUTBOX_DEPTH)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, dr->state);
	return store_txn_count(txn, s, "outbox depth", dr->n);
}

/*
 * Sets *n to the number of outbox rows in state.  Returns STORE_OK or an
 * error.
 */
enum store_status
store_outbox_depth(struct store *st, enum store_outbox_state state,
    int64_t *n)
{
	struct depth_read	dr = { store_outbox_state_name(state), n };

	if (dr.state == NULL)
		return STORE_INVALID;
	return store_read(st, depth_read, &dr);
}

struct due_read {
	const char	*channel;
	int64_t		*when;
	int		 none;		/* no queued row */
};

static void
fill_due(struct db_stmt *s, void *out)
{
	struct due_read	*dr = out;

	if (db_column_type(s, 0) == DB_NULL)
		dr->none = 1;
	else
		*dr->when = db_column_int64(s, 0);
}

static enum store_status
due_read(struct store_txn *txn, void *arg)
{
	struct due_read		*dr = arg;
	enum store_status	 r;
	struct db_stmt		*s;

	if ((s = stmt(txn, ST_OUTBOX_NEXT_DUE)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, dr->channel);
	r = store_txn_row(txn, s, "outbox next due", fill_due, dr);
	return r == STORE_OK && dr->none ? STORE_NOTFOUND : r;
}

/*
 * Sets *when to the earliest next_attempt of channel's queued rows.
 * Returns STORE_OK, STORE_NOTFOUND when it has none, or an error.
 */
enum store_status
store_outbox_next_due(struct store *st, const char *channel, int64_t *when)
{
	struct due_read	dr = { channel, when, 0 };

	return store_read(st, due_read, &dr);
}

/* Sets *n to the number of dead rows.  Returns STORE_OK or an error. */
enum store_status
store_outbox_dead(struct store *st, int64_t *n)
{
	return store_read_row(st, &store_outbox_family, ST_OUTBOX_DEAD, 0,
	    store_fill_int, n);
}
