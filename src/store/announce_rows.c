/*
 * announce_rows.c: the rows of subscriptions and announcements
 * (announce.h).
 *
 * Who an announcement goes to is one query (RECIPIENTS below): the
 * numbers with a subscription whose topic subscriptions include the
 * announcement's topic or are none, whose area subscriptions include one
 * of its areas or are none (or it has no areas), and that did not opt
 * out.  store_announce_reach() counts them for the preview, by the
 * channel they subscribed on; starting the send copies them into
 * announce_recipients in one statement, so that the list is fixed when
 * the second administrator approved it, and what happens after (a
 * restart, a cancel) works on that list.  A recipient that no channel
 * could reach when its turn came is marked queued with no outbox row and
 * channel '' (store_announce_unreachable()); one that had opted out by
 * then keeps its channel.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/announce.h"
#include "base/clock.h"
#include "base/util.h"
#include "store/store_priv.h"

/*
 * The recipients: ?1 the topic, ?2 the areas as a JSON array of ids ("[]"
 * for the whole ward), ?3 a channel for all ("" for each number's latest
 * subscription's).  Columns: number, channel, lang (1 English).
 */
#define RECIPIENTS	RECIPIENTS_IN("SELECT value FROM json_each(?2)")
/* PostgreSQL reads the JSON array of ?2 with its own function. */
#define RECIPIENTS_PG							\
	RECIPIENTS_IN("SELECT json_array_elements_text(CAST(?2 AS json))")
#define RECIPIENTS_IN(areas)						\
	"SELECT n.number, CASE WHEN ?3 <> '' THEN ?3 ELSE (SELECT "	\
	"x.channel FROM subscriptions x WHERE x.number = n.number "	\
	"ORDER BY x.created DESC, x.id DESC LIMIT 1) END AS channel, "	\
	"CASE WHEN sd.lang = 'en' THEN 1 ELSE 0 END AS lang "		\
	"FROM (SELECT DISTINCT number FROM subscriptions) n "		\
	"LEFT JOIN senders sd ON sd.number = n.number "			\
	"WHERE coalesce(sd.opted_out, 0) = 0 "				\
	"AND (EXISTS (SELECT 1 FROM subscriptions t WHERE "		\
	"t.number = n.number AND t.kind = 'topic' AND t.value = ?1) "	\
	"OR NOT EXISTS (SELECT 1 FROM subscriptions t WHERE "		\
	"t.number = n.number AND t.kind = 'topic')) "			\
	"AND (json_array_length(?2) = 0 OR EXISTS (SELECT 1 FROM "	\
	"subscriptions a WHERE a.number = n.number AND a.kind = 'area' "\
	"AND a.value IN (" areas ")) "					\
	"OR NOT EXISTS (SELECT 1 FROM subscriptions a WHERE "		\
	"a.number = n.number AND a.kind = 'area'))"
/* The recipients queued for announcement ?4, and how many there are. */
#define RECIPIENTS_INSERT(r)						\
	"INSERT INTO announce_recipients "				\
	"(announcement, number, channel, lang, state) SELECT ?4, number, " \
	"channel, lang, 'pending' FROM (" r ") AS r "			\
	"WHERE channel IS NOT NULL"
#define RECIPIENTS_REACH(r)						\
	"SELECT channel, count(*), coalesce(sum(lang), 0) "		\
	"FROM (" r ") AS r GROUP BY channel ORDER BY channel"
/* Channels that cannot send (?1: the JSON array of those that can). */
#define STRANDED(can)							\
	"UPDATE outbox SET state = 'failed', "				\
	"last_error = 'no channel: ' || channel || ' cannot send', "	\
	"updated = ?2 WHERE kind = 'announcement' AND state = 'queued' " \
	"AND channel NOT IN (" can ")"

#define ANN_COLUMNS							\
	"id, topic, areas, text_vi, text_en, body, state, drafter, "	\
	"approver, created, approved, started, finished, cancelled, "	\
	"recipients"

enum {
	ST_SUB_ADD,
	ST_SUB_DROP,
	ST_SUB_DROP_KIND,
	ST_SUB_DROP_ALL,
	ST_SUB_LIST,
	ST_ANN_INSERT,
	ST_ANN_GET,
	ST_ANN_APPROVE,
	ST_ANN_RECIPIENTS,
	ST_ANN_STARTED,
	ST_ANN_PENDING,
	ST_ANN_QUEUED,
	ST_ANN_UNREACHABLE,
	ST_ANN_STRANDED,
	ST_ANN_LEFT,
	ST_ANN_FINISHED,
	ST_ANN_CANCEL_PENDING,
	ST_ANN_CANCEL_OUTBOX,
	ST_ANN_CANCELLED,
	ST_ANN_REPLY_TO,
	ST_ANN_LINK,
	ST_ANN_ERASE_OUTBOX,
	ST_ANN_ERASE,
	ST_ANN_SENDING,
	ST_ANN_REACH,
	ST_ANN_STATS,
	ST_ANN_COMMENTS,
	ST_ANN_COMMENTS_IN,
	ST_ANN_LIST,
	ST_ANN_LIST_ALL,
	ST_SUB_COUNTS,
	ST_SUB_NUMBERS,
	ST_ANN_LATEST,
	ST_MAX
};

/* The recipients whose numbers retention erases: ?1 before, ?2 limit. */
#define ERASE_PICK							\
	"SELECT r.id FROM announce_recipients r JOIN announcements a "	\
	"ON a.id = r.announcement WHERE r.number IS NOT NULL AND "	\
	"coalesce(a.finished, a.cancelled, a.started) < ?1 LIMIT ?2"

static const char *const announce_sql[ST_MAX] = {
	[ST_SUB_ADD] = "INSERT INTO subscriptions (number, kind, value, "
	    "channel, created) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (number, kind, value) DO NOTHING",
	[ST_SUB_DROP] = "DELETE FROM subscriptions WHERE number = ?1 "
	    "AND kind = ?2 AND value = ?3",
	[ST_SUB_DROP_KIND] = "DELETE FROM subscriptions WHERE number = ?1 "
	    "AND kind = ?2",
	[ST_SUB_DROP_ALL] = "DELETE FROM subscriptions WHERE number = ?1",
	[ST_SUB_LIST] = "SELECT kind, value FROM subscriptions "
	    "WHERE number = ?1 ORDER BY kind DESC, id",
	[ST_ANN_INSERT] = "INSERT INTO announcements (topic, areas, text_vi, "
	    "text_en, body, state, drafter, created) VALUES (?1, ?2, ?3, ?4, "
	    "?5, 'draft', ?6, ?7)",
	[ST_ANN_GET] = "SELECT " ANN_COLUMNS " FROM announcements "
	    "WHERE id = ?1",
	[ST_ANN_APPROVE] = "UPDATE announcements SET state = 'approved', "
	    "approver = ?2, approved = ?3 WHERE id = ?1 AND state = 'draft'",
	[ST_ANN_RECIPIENTS] = RECIPIENTS_INSERT(RECIPIENTS),
	[ST_ANN_STARTED] = "UPDATE announcements SET state = 'sending', "
	    "started = ?2, recipients = ?3 WHERE id = ?1 "
	    "AND state = 'approved'",
	[ST_ANN_PENDING] = "SELECT id, number, channel, lang FROM "
	    "announce_recipients WHERE announcement = ?1 AND "
	    "state = 'pending' ORDER BY id LIMIT ?2",
	[ST_ANN_QUEUED] = "UPDATE announce_recipients SET state = 'queued', "
	    "outbox_id = ?2 WHERE id = ?1 AND state = 'pending'",
	[ST_ANN_UNREACHABLE] = "UPDATE announce_recipients SET "
	    "state = 'queued', channel = '' WHERE id = ?1 AND "
	    "state = 'pending'",
	[ST_ANN_STRANDED] = STRANDED("SELECT value FROM json_each(?1)"),
	[ST_ANN_LEFT] = "SELECT count(*) FROM (SELECT 1 FROM "
	    "announce_recipients WHERE announcement = ?1 AND "
	    "state = 'pending' LIMIT 1) AS p",
	[ST_ANN_FINISHED] = "UPDATE announcements SET state = 'sent', "
	    "finished = ?2 WHERE id = ?1 AND state = 'sending'",
	[ST_ANN_CANCEL_PENDING] = "UPDATE announce_recipients SET "
	    "state = 'cancelled' WHERE announcement = ?1 AND "
	    "state = 'pending'",
	[ST_ANN_CANCEL_OUTBOX] = "UPDATE outbox SET state = 'failed', "
	    "last_error = 'announcement cancelled', updated = ?2 WHERE id IN "
	    "(SELECT outbox_id FROM announce_recipients WHERE "
	    "announcement = ?1 AND outbox_id IS NOT NULL) "
	    "AND state = 'queued'",
	[ST_ANN_CANCELLED] = "UPDATE announcements SET state = 'cancelled', "
	    "cancelled = ?2 WHERE id = ?1 AND state <> 'cancelled'",
	[ST_ANN_REPLY_TO] = "SELECT r.announcement, 0 FROM "
	    "announce_recipients r JOIN announcements a ON "
	    "a.id = r.announcement WHERE r.number = ?1 AND "
	    "r.outbox_id IS NOT NULL AND a.started >= ?2 AND "
	    "a.state <> 'cancelled' ORDER BY a.started DESC, a.id DESC "
	    "LIMIT 1",
	[ST_ANN_LINK] = "UPDATE cases SET announcement = ?2 WHERE id = ?1",
	[ST_ANN_ERASE_OUTBOX] = "UPDATE outbox SET recipient = '' WHERE id IN "
	    "(SELECT outbox_id FROM announce_recipients WHERE id IN ("
	    ERASE_PICK "))",
	[ST_ANN_ERASE] = "UPDATE announce_recipients SET number = NULL "
	    "WHERE id IN (" ERASE_PICK ")",
	[ST_ANN_SENDING] = "SELECT id FROM announcements "
	    "WHERE state = 'sending' ORDER BY id LIMIT ?1",
	[ST_ANN_REACH] = RECIPIENTS_REACH(RECIPIENTS),
	[ST_ANN_STATS] = "SELECT count(*), "
	    "count(*) FILTER (WHERE r.state = 'pending'), "
	    "count(*) FILTER (WHERE r.state = 'queued' AND "
	    "r.outbox_id IS NULL AND r.channel <> ''), "
	    "count(*) FILTER (WHERE r.state = 'cancelled'), "
	    "count(*) FILTER (WHERE o.state IN ('queued', 'sending')), "
	    "count(*) FILTER (WHERE o.state = 'sent'), "
	    "count(*) FILTER (WHERE o.state = 'delivered'), "
	    "count(*) FILTER (WHERE o.state = 'failed'), "
	    "coalesce(sum(CASE WHEN o.state IN ('sent', 'delivered') THEN "
	    "o.segments END), 0), "
	    "count(*) FILTER (WHERE r.state = 'queued' AND "
	    "r.outbox_id IS NULL AND r.channel = '') "
	    "FROM announce_recipients r LEFT JOIN outbox o ON "
	    "o.id = r.outbox_id WHERE r.announcement = ?1",
	[ST_ANN_COMMENTS] = "SELECT count(*) FROM cases "
	    "WHERE announcement = ?1",
	[ST_ANN_COMMENTS_IN] = "SELECT count(*) FROM cases "
	    "WHERE announcement = ?1 AND created >= ?2 AND created < ?3",
	[ST_ANN_LIST] = "SELECT " ANN_COLUMNS " FROM announcements "
	    "WHERE started >= ?1 AND started < ?2 ORDER BY started, id",
	[ST_ANN_LIST_ALL] = "SELECT " ANN_COLUMNS " FROM announcements "
	    "ORDER BY id DESC LIMIT 200",
	[ST_SUB_COUNTS] = "SELECT kind, value, count(*) FROM subscriptions "
	    "GROUP BY kind, value ORDER BY kind DESC, value",
	[ST_SUB_NUMBERS] = "SELECT count(DISTINCT number) FROM subscriptions",
	[ST_ANN_LATEST] = "SELECT " ANN_COLUMNS " FROM announcements "
	    "WHERE topic = ?1 AND started IS NOT NULL AND state <> 'cancelled' "
	    "ORDER BY started DESC, id DESC LIMIT 1",
};

/*
 * On PostgreSQL every gateway's feeder queues the pending recipients of
 * an announcement being sent: each takes those no other transaction
 * holds (FOR UPDATE SKIP LOCKED) and keeps them until it has queued and
 * marked them.  Without the lock, two feeders read the same pending
 * rows; the second one's marks found them queued already, but the
 * messages it had put in the outbox meanwhile went out: each recipient
 * of the batch got the announcement twice.
 */
static const char *const announce_sql_pg[ST_MAX] = {
	[ST_ANN_PENDING] = "SELECT id, number, channel, lang FROM "
	    "announce_recipients WHERE announcement = ?1 AND "
	    "state = 'pending' ORDER BY id LIMIT ?2 FOR UPDATE SKIP LOCKED",
	[ST_ANN_RECIPIENTS] = RECIPIENTS_INSERT(RECIPIENTS_PG),
	[ST_ANN_REACH] = RECIPIENTS_REACH(RECIPIENTS_PG),
	[ST_ANN_STRANDED] = STRANDED("SELECT json_array_elements_text("
	    "CAST(?1 AS json))"),
};

const struct store_family store_announce_family = {
	STORE_FAM_ANNOUNCE, ST_MAX, announce_sql, announce_sql_pg
};

static const char *const ann_state_names[] = {
	[STORE_ANN_DRAFT] = "draft",
	[STORE_ANN_APPROVED] = "approved",
	[STORE_ANN_SENDING] = "sending",
	[STORE_ANN_SENT] = "sent",
	[STORE_ANN_CANCELLED] = "cancelled",
};

static struct db_stmt *
stmt(struct store_txn *txn, int id)
{
	return store_txn_stmt(txn, &store_announce_family, id);
}

/* The name of an announcement's state ("draft"...), or "?" */
const char *
store_announce_state_name(enum store_announce_state s)
{
	if ((unsigned)s >= nitems(ann_state_names))
		return "?";
	return ann_state_names[s];
}

static enum store_announce_state
ann_state_of(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < nitems(ann_state_names); i++)
		if (strcmp(ann_state_names[i], name) == 0)
			return (enum store_announce_state)i;
	return STORE_ANN_CANCELLED;
}

/* Fills a from a row of ANN_COLUMNS (copy: see store_priv.h). */
static void
ann_fill(struct db_stmt *s, struct store_announcement *a, int copy)
{
	memset(a, 0, sizeof(*a));
	a->id = db_column_int64(s, 0);
	a->topic = store_col_text(s, 1, copy);
	a->areas = store_col_text(s, 2, copy);
	a->text_vi = store_col_text(s, 3, copy);
	a->text_en = store_col_text(s, 4, copy);
	a->body = store_col_text(s, 5, copy);
	a->state = ann_state_of(db_column_text(s, 6));
	a->drafter = store_col_text(s, 7, copy);
	a->approver = store_col_text(s, 8, copy);
	a->created = db_column_int64(s, 9);
	a->approved = db_column_int64(s, 10);
	a->started = db_column_int64(s, 11);
	a->finished = db_column_int64(s, 12);
	a->cancelled = db_column_int64(s, 13);
	a->recipients = db_column_int64(s, 14);
}

static void
fill_ann(struct db_stmt *s, void *out)
{
	ann_fill(s, out, 1);
}

/* Frees what store_announce_get() or _read() put in a. */
void
store_announce_clear(struct store_announcement *a)
{
	free(a->topic);
	free(a->areas);
	free(a->text_vi);
	free(a->text_en);
	free(a->body);
	free(a->drafter);
	free(a->approver);
	memset(a, 0, sizeof(*a));
}

/*
 * ===================================================================
 * Subscriptions
 * ===================================================================
 */

/*
 * Subscribes number to value (a topic or area id, kind STORE_SUB_*),
 * news to come on channel; *added says whether it is new.  Returns
 * STORE_OK or an error.
 */
enum store_status
store_sub_add(struct store_txn *txn, const char *number, const char *kind,
    const char *value, const char *channel, int64_t at, int *added)
{
	struct db_stmt		*s;
	enum store_status	 st;

	*added = 0;
	if ((s = stmt(txn, ST_SUB_ADD)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	store_bind_text(s, 2, kind);
	store_bind_text(s, 3, value);
	store_bind_text(s, 4, channel);
	db_bind_int64(s, 5, at ? at : clock_unix());
	if ((st = store_txn_step(txn, s, "subscription add", NULL)) !=
	    STORE_OK)
		return st;
	*added = store_txn_changes(txn) > 0;
	return STORE_OK;
}

/*
 * Drops number's subscription to value of kind; value NULL drops every
 * one of kind, kind NULL every subscription of number.  Sets *n to how
 * many went.  Returns STORE_OK or an error.
 */
enum store_status
store_sub_drop(struct store_txn *txn, const char *number, const char *kind,
    const char *value, int64_t *n)
{
	struct db_stmt		*s;
	enum store_status	 st;

	*n = 0;
	s = stmt(txn, kind == NULL ? ST_SUB_DROP_ALL : value == NULL ?
	    ST_SUB_DROP_KIND : ST_SUB_DROP);
	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	if (kind != NULL)
		store_bind_text(s, 2, kind);
	if (kind != NULL && value != NULL)
		store_bind_text(s, 3, value);
	if ((st = store_txn_step(txn, s, "subscription drop", NULL)) !=
	    STORE_OK)
		return st;
	*n = store_txn_changes(txn);
	return STORE_OK;
}

/*
 * Calls fn with each subscription of number, areas after topics.  Returns
 * STORE_OK or an error.
 */
enum store_status
store_sub_list(struct store_txn *txn, const char *number,
    void (*fn)(const char *, const char *, void *), void *arg)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = stmt(txn, ST_SUB_LIST)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	while ((rc = db_step(s)) == DB_ROW)
		fn(db_column_text(s, 0),
		    db_column_text(s, 1), arg);
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		return store_txn_fail(txn, rc, "subscription list");
	return STORE_OK;
}

/*
 * ===================================================================
 * Announcements (writer)
 * ===================================================================
 */

/* Stores draft a.  Returns STORE_OK with its id in *id, or an error. */
enum store_status
store_announce_insert(struct store_txn *txn,
    const struct store_announce_new *a, int64_t *id)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_ANN_INSERT)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, a->topic);
	store_bind_text(s, 2, a->areas != NULL ? a->areas : "");
	store_bind_text(s, 3, a->text_vi);
	store_bind_text(s, 4, a->text_en);
	store_bind_text(s, 5, a->body);
	store_bind_text(s, 6, a->drafter);
	db_bind_int64(s, 7, a->created ? a->created : clock_unix());
	return store_txn_step(txn, s, "announcement insert", id);
}

/*
 * Reads announcement id into a inside a work function.  Returns STORE_OK
 * (release a with store_announce_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_announce_read(struct store_txn *txn, int64_t id,
    struct store_announcement *a)
{
	struct db_stmt	*s;

	memset(a, 0, sizeof(*a));
	if ((s = stmt(txn, ST_ANN_GET)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	return store_txn_row(txn, s, "announcement get", fill_ann, a);
}

/*
 * Approves draft id (approver, at).  Returns STORE_OK, STORE_NOTFOUND
 * when it is not a draft, or an error.
 */
enum store_status
store_announce_approve(struct store_txn *txn, int64_t id,
    const char *approver, int64_t at)
{
	struct db_stmt		*s;
	enum store_status	 st;

	if ((s = stmt(txn, ST_ANN_APPROVE)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	store_bind_text(s, 2, approver);
	db_bind_int64(s, 3, at);
	if ((st = store_txn_step(txn, s, "announcement approve", NULL)) !=
	    STORE_OK)
		return st;
	return store_txn_changes(txn) > 0 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * Starts sending approved announcement id at "at": its recipients now
 * (its topic, the areas of areas_json, a JSON array of ids with the
 * areas within them, channel or "" for each number's own) are written,
 * pending, and it becomes "sending"; *n gets their number.  Returns
 * STORE_OK, STORE_NOTFOUND when it is not approved, or an error.
 */
enum store_status
store_announce_start(struct store_txn *txn, int64_t id,
    const char *areas_json, const char *channel, int64_t at, int64_t *n)
{
	struct store_announcement a;
	struct db_stmt		*s;
	enum store_status	 st;

	*n = 0;
	if ((st = store_announce_read(txn, id, &a)) != STORE_OK)
		return st;
	if (a.state != STORE_ANN_APPROVED) {
		store_announce_clear(&a);
		return STORE_NOTFOUND;
	}
	if ((s = stmt(txn, ST_ANN_RECIPIENTS)) == NULL) {
		store_announce_clear(&a);
		return STORE_ERROR;
	}
	store_bind_text(s, 1, a.topic);
	store_bind_text(s, 2, areas_json);
	store_bind_text(s, 3, channel != NULL ? channel : "");
	db_bind_int64(s, 4, id);
	/* The topic is bound without a copy: cleared after the step. */
	st = store_txn_step(txn, s, "announcement recipients", NULL);
	store_announce_clear(&a);
	if (st != STORE_OK)
		return st;
	*n = store_txn_changes(txn);
	if ((s = stmt(txn, ST_ANN_STARTED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, at);
	db_bind_int64(s, 3, *n);
	return store_txn_step(txn, s, "announcement started", NULL);
}

/*
 * Calls fn with up to limit pending recipients of announcement id, in
 * order, after reading them all (fn may write: queue and mark them).
 * The strings are valid during the call.  Returns STORE_OK or an error.
 */
enum store_status
store_announce_pending(struct store_txn *txn, int64_t id, int limit,
    void (*fn)(const struct store_announce_to *, void *), void *arg)
{
	struct store_announce_to *v;
	struct db_stmt		*s;
	size_t			 i, n = 0;
	int			 rc;

	if (limit <= 0)
		return STORE_OK;
	if ((s = stmt(txn, ST_ANN_PENDING)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, limit);
	v = xcalloc((size_t)limit, sizeof(*v));
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)limit) {
		if (db_column_type(s, 1) == DB_NULL)
			continue;
		v[n].id = db_column_int64(s, 0);
		v[n].number = store_col_str(s, 1);
		v[n].channel = store_col_str(s, 2);
		v[n].lang = (int)db_column_int64(s, 3);
		n++;
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc == DB_DONE || rc == DB_ROW)
		for (i = 0; i < n; i++)
			fn(&v[i], arg);
	for (i = 0; i < n; i++) {
		free((char *)(uintptr_t)v[i].number);
		free((char *)(uintptr_t)v[i].channel);
	}
	free(v);
	if (rc != DB_DONE && rc != DB_ROW)
		return store_txn_fail(txn, rc, "announcement pending");
	return STORE_OK;
}

/*
 * Records that recipient's message is outbox row outbox_id (0: none was
 * queued, the number opted out meanwhile).  Returns STORE_OK or an
 * error.
 */
enum store_status
store_announce_queued(struct store_txn *txn, int64_t recipient,
    int64_t outbox_id)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_ANN_QUEUED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, recipient);
	store_bind_opt(s, 2, outbox_id);
	return store_txn_step(txn, s, "announcement queued", NULL);
}

/*
 * Records that no channel can reach recipient now: it is done with, and
 * counted apart (channel '').  Returns STORE_OK or an error.
 */
enum store_status
store_announce_unreachable(struct store_txn *txn, int64_t recipient)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_ANN_UNREACHABLE)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, recipient);
	return store_txn_step(txn, s, "announcement unreachable", NULL);
}

/*
 * Fails at "at" the announcements' messages queued in the outbox on a
 * channel that is not one of channels_json (a JSON array of the names of
 * the channels that can send): the outbox would keep them queued for
 * ever.  *n gets how many.  Returns STORE_OK or an error.
 */
enum store_status
store_announce_stranded(struct store_txn *txn, const char *channels_json,
    int64_t at, int64_t *n)
{
	struct db_stmt		*s;
	enum store_status	 st;

	*n = 0;
	if ((s = stmt(txn, ST_ANN_STRANDED)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, channels_json);
	db_bind_int64(s, 2, at);
	if ((st = store_txn_step(txn, s, "announcement stranded", NULL)) !=
	    STORE_OK)
		return st;
	*n = store_txn_changes(txn);
	return STORE_OK;
}

/*
 * Marks announcement id sent at "at" when no recipient is pending;
 * *done says whether it was.  Returns STORE_OK or an error.
 */
enum store_status
store_announce_finish(struct store_txn *txn, int64_t id, int64_t at,
    int *done)
{
	struct db_stmt		*s;
	enum store_status	 st;
	int64_t			 left;

	*done = 0;
	if ((s = stmt(txn, ST_ANN_LEFT)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	if ((st = store_txn_count(txn, s, "announcement left", &left)) !=
	    STORE_OK || left > 0)
		return st;
	if ((s = stmt(txn, ST_ANN_FINISHED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, at);
	if ((st = store_txn_step(txn, s, "announcement finished", NULL)) !=
	    STORE_OK)
		return st;
	*done = store_txn_changes(txn) > 0;
	return STORE_OK;
}

/*
 * Cancels announcement id at "at": pending recipients are not queued
 * (*unqueued), its outbox rows not yet claimed fail (*unsent); what a
 * channel has already is not called back.  Returns STORE_OK,
 * STORE_NOTFOUND when there is no such announcement or it was cancelled
 * before, or an error.
 */
enum store_status
store_announce_cancel(struct store_txn *txn, int64_t id, int64_t at,
    int64_t *unqueued, int64_t *unsent)
{
	struct db_stmt		*s;
	enum store_status	 st;

	*unqueued = *unsent = 0;
	if ((s = stmt(txn, ST_ANN_CANCELLED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, at);
	if ((st = store_txn_step(txn, s, "announcement cancel", NULL)) !=
	    STORE_OK)
		return st;
	if (store_txn_changes(txn) == 0)
		return STORE_NOTFOUND;
	if ((s = stmt(txn, ST_ANN_CANCEL_PENDING)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	if ((st = store_txn_step(txn, s, "announcement cancel pending",
	    NULL)) != STORE_OK)
		return st;
	*unqueued = store_txn_changes(txn);
	if ((s = stmt(txn, ST_ANN_CANCEL_OUTBOX)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, at);
	if ((st = store_txn_step(txn, s, "announcement cancel outbox",
	    NULL)) != STORE_OK)
		return st;
	*unsent = store_txn_changes(txn);
	return STORE_OK;
}

/*
 * The newest announcement queued to number that started at or after
 * since (not cancelled), in *id.  Returns STORE_OK, STORE_NOTFOUND or an
 * error.
 */
enum store_status
store_announce_reply_to(struct store_txn *txn, const char *number,
    int64_t since, int64_t *id)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_ANN_REPLY_TO)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	db_bind_int64(s, 2, since);
	return store_txn_lookup(txn, s, "announcement reply", id, NULL);
}

/* Links case case_id to announcement id.  Returns STORE_OK or an error. */
enum store_status
store_announce_link(struct store_txn *txn, int64_t case_id, int64_t id)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_ANN_LINK)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	db_bind_int64(s, 2, id);
	return store_txn_step(txn, s, "announcement link", NULL);
}

/*
 * Erases the numbers of up to limit recipients of announcements that
 * ended (sent or cancelled) before "before", with their outbox rows';
 * *n gets how many.  The counts stay.  Returns STORE_OK
 * or an error.
 */
enum store_status
store_announce_erase(struct store_txn *txn, int64_t before, int limit,
    int64_t *n)
{
	static const int	 steps[] = { ST_ANN_ERASE_OUTBOX, ST_ANN_ERASE };
	struct db_stmt		*s;
	enum store_status	 st;
	size_t			 i;

	*n = 0;
	for (i = 0; i < nitems(steps); i++) {
		if ((s = stmt(txn, steps[i])) == NULL)
			return STORE_ERROR;
		db_bind_int64(s, 1, before);
		db_bind_int64(s, 2, limit);
		if ((st = store_txn_step(txn, s, "announcement erase",
		    NULL)) != STORE_OK)
			return st;
	}
	*n = store_txn_changes(txn);
	return STORE_OK;
}

/*
 * ===================================================================
 * Reads (reader connection)
 * ===================================================================
 */

/*
 * Reads announcement id into a.  Returns STORE_OK (release a with
 * store_announce_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_announce_get(struct store *st, int64_t id,
    struct store_announcement *a)
{
	memset(a, 0, sizeof(*a));
	return store_read_row(st, &store_announce_family, ST_ANN_GET, id,
	    fill_ann, a);
}

struct ids_read {
	int64_t		*ids;
	size_t		 max;
	size_t		*n;
};

static enum store_status
sending_read(struct store_txn *txn, void *arg)
{
	struct ids_read	*r = arg;
	struct db_stmt	*s;
	int		 rc;

	if ((s = stmt(txn, ST_ANN_SENDING)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, (int64_t)r->max);
	while ((rc = db_step(s)) == DB_ROW && *r->n < r->max)
		r->ids[(*r->n)++] = db_column_int64(s, 0);
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE && rc != DB_ROW)
		return store_txn_fail(txn, rc, "announcements sending");
	return STORE_OK;
}

/*
 * The ids of the announcements being sent (at most max) into ids, their
 * number in *n.  Returns STORE_OK or an error.
 */
enum store_status
store_announce_sending(struct store *st, int64_t *ids, size_t max,
    size_t *n)
{
	struct ids_read	r = { ids, max, n };

	*n = 0;
	return store_read(st, sending_read, &r);
}

struct reach_read {
	const char	*topic;
	const char	*areas;
	void		(*fn)(const struct store_announce_reach *, void *);
	void		*arg;
};

static enum store_status
reach_read(struct store_txn *txn, void *arg)
{
	struct reach_read		*r = arg;
	struct store_announce_reach	 o;
	struct db_stmt			*s;
	int				 rc;

	if ((s = stmt(txn, ST_ANN_REACH)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, r->topic);
	store_bind_text(s, 2, r->areas);
	store_bind_text(s, 3, "");
	while ((rc = db_step(s)) == DB_ROW) {
		o.channel = db_column_text(s, 0);
		if (o.channel == NULL)
			o.channel = "";
		o.total = db_column_int64(s, 1);
		o.english = db_column_int64(s, 2);
		r->fn(&o, r->arg);
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		return store_txn_fail(txn, rc, "announcement reach");
	return STORE_OK;
}

/*
 * Counts who an announcement of topic to the areas of areas_json (a JSON
 * array of ids, "[]" for the whole ward) would reach now: calls fn once
 * for each channel they subscribed on, with how many (the structure is
 * valid during the call; fn must not read the store).  Returns STORE_OK
 * or an error.
 */
enum store_status
store_announce_reach(struct store *st, const char *topic,
    const char *areas_json, void (*fn)(const struct store_announce_reach *,
    void *), void *arg)
{
	struct reach_read	r = { topic, areas_json, fn, arg };

	return store_read(st, reach_read, &r);
}

struct stats_read {
	int64_t				 id;
	struct store_announce_stats	*out;
};

static void
fill_stats(struct db_stmt *s, void *arg)
{
	struct store_announce_stats	*o = arg;

	o->recipients = db_column_int64(s, 0);
	o->pending = db_column_int64(s, 1);
	o->skipped = db_column_int64(s, 2);
	o->cancelled = db_column_int64(s, 3);
	o->queued = db_column_int64(s, 4);
	o->sent = db_column_int64(s, 5);
	o->delivered = db_column_int64(s, 6);
	o->failed = db_column_int64(s, 7);
	o->parts = db_column_int64(s, 8);
	o->unreachable = db_column_int64(s, 9);
}

static enum store_status
stats_read(struct store_txn *txn, void *arg)
{
	struct stats_read	*r = arg;
	enum store_status	 st;
	struct db_stmt		*s;

	if ((s = stmt(txn, ST_ANN_STATS)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, r->id);
	if ((st = store_txn_row(txn, s, "announcement stats", fill_stats,
	    r->out)) != STORE_OK)
		return st;
	if ((s = stmt(txn, ST_ANN_COMMENTS)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, r->id);
	return store_txn_count(txn, s, "announcement comments",
	    &r->out->comments);
}

/* Where the recipients of announcement id are, in *out. */
enum store_status
store_announce_stats(struct store *st, int64_t id,
    struct store_announce_stats *out)
{
	struct stats_read	r = { id, out };

	memset(out, 0, sizeof(*out));
	return store_read(st, stats_read, &r);
}

struct comments_read {
	int64_t		 id, from, to;
	int64_t		*n;
};

static enum store_status
comments_read(struct store_txn *txn, void *arg)
{
	struct comments_read	*r = arg;
	struct db_stmt		*s;

	if ((s = stmt(txn, ST_ANN_COMMENTS_IN)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, r->id);
	db_bind_int64(s, 2, r->from);
	db_bind_int64(s, 3, r->to);
	return store_txn_count(txn, s, "announcement comments", r->n);
}

/*
 * Counts the cases opened in [from, to) that comment on announcement id,
 * into *n.  Returns STORE_OK or an error.
 */
enum store_status
store_announce_comments(struct store *st, int64_t id, int64_t from,
    int64_t to, int64_t *n)
{
	struct comments_read	r = { id, from, to, n };

	*n = 0;
	return store_read(st, comments_read, &r);
}

struct list_read {
	int64_t		 from, to;
	int		 all;
	void		(*fn)(const struct store_announcement *, void *);
	void		*arg;
};

static enum store_status
list_read(struct store_txn *txn, void *arg)
{
	struct list_read		*r = arg;
	struct store_announcement	 a;
	struct db_stmt			*s;
	int				 rc;

	if ((s = stmt(txn, r->all ? ST_ANN_LIST_ALL : ST_ANN_LIST)) == NULL)
		return STORE_ERROR;
	if (!r->all) {
		db_bind_int64(s, 1, r->from);
		db_bind_int64(s, 2, r->to);
	}
	while ((rc = db_step(s)) == DB_ROW) {
		ann_fill(s, &a, 0);
		r->fn(&a, r->arg);
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		return store_txn_fail(txn, rc, "announcement list");
	return STORE_OK;
}

/*
 * Calls fn with each announcement that started sending in [from, to), or
 * with all the newest 200 (all), newest first then.  The structure
 * points into the row: valid during the call.  fn must not read the
 * store.  Returns STORE_OK or an error.
 */
enum store_status
store_announce_list(struct store *st, int64_t from, int64_t to, int all,
    void (*fn)(const struct store_announcement *, void *), void *arg)
{
	struct list_read	r = { from, to, all, fn, arg };

	return store_read(st, list_read, &r);
}

struct counts_read {
	void		(*fn)(const char *, const char *, int64_t, void *);
	void		*arg;
	int64_t		*numbers;
};

static enum store_status
counts_read(struct store_txn *txn, void *arg)
{
	struct counts_read	*r = arg;
	struct db_stmt		*s;
	int			 rc;

	if ((s = stmt(txn, ST_SUB_COUNTS)) == NULL)
		return STORE_ERROR;
	while ((rc = db_step(s)) == DB_ROW)
		r->fn(db_column_text(s, 0),
		    db_column_text(s, 1),
		    db_column_int64(s, 2), r->arg);
	db_reset(s);
	if (rc != DB_DONE)
		return store_txn_fail(txn, rc, "subscription counts");
	if ((s = stmt(txn, ST_SUB_NUMBERS)) == NULL)
		return STORE_ERROR;
	return store_txn_count(txn, s, "subscribers", r->numbers);
}

/*
 * Calls fn with the number of subscribers of each topic and area; sets
 * *numbers to the numbers with any subscription.  Returns STORE_OK or an
 * error.
 */
enum store_status
store_sub_counts(struct store *st, void (*fn)(const char *, const char *,
    int64_t, void *), void *arg, int64_t *numbers)
{
	struct counts_read	r = { fn, arg, numbers };

	*numbers = 0;
	return store_read(st, counts_read, &r);
}

struct sub_read {
	const char	*number;
	void		(*fn)(const char *, const char *, void *);
	void		*arg;
};

static enum store_status
sub_read(struct store_txn *txn, void *arg)
{
	struct sub_read	*r = arg;

	return store_sub_list(txn, r->number, r->fn, r->arg);
}

/*
 * store_sub_list() on committed data, from any thread (the USSD menu).
 * Returns STORE_OK or an error.
 */
enum store_status
store_sub_read(struct store *st, const char *number,
    void (*fn)(const char *, const char *, void *), void *arg)
{
	struct sub_read	r = { number, fn, arg };

	return store_read(st, sub_read, &r);
}

struct latest_read {
	const char			*topic;
	struct store_announcement	*a;
};

static enum store_status
latest_read(struct store_txn *txn, void *arg)
{
	struct latest_read	*r = arg;
	struct db_stmt		*s;

	if ((s = stmt(txn, ST_ANN_LATEST)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, r->topic);
	return store_txn_row(txn, s, "announcement latest", fill_ann, r->a);
}

/*
 * Reads into a the newest announcement of topic that was sent (not
 * cancelled), from any thread (the USSD menu).  Returns STORE_OK
 * (release a with store_announce_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_announce_latest(struct store *st, const char *topic,
    struct store_announcement *a)
{
	struct latest_read	r = { topic, a };

	memset(a, 0, sizeof(*a));
	return store_read(st, latest_read, &r);
}
