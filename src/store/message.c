/*
 * message.c: the store's messages: inbound messages (stored, found again
 * for dedupe, attached to a case, counted per sender; timer_rows.c erases
 * their senders under the retention rule), outbox rows read as the
 * messages that were sent, the parts of long messages that wait to be
 * assembled, and delivery reports.
 *
 * ingest.c writes and looks up inbound messages from its work function,
 * on the writer connection (so that two copies of a message in one batch
 * are still caught), and the reply composer counts a sender's messages
 * there; the tests read them back with store_inbound_get() and
 * store_outbound_get(), which reads a sent outbox row (outbox_rows.c)
 * as a message.  Parts are stored one by one as providers deliver
 * them and read back as sets by store_parts_ready() on the reader
 * connection; a delivery report also moves the outbox row it reports on.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "store/store_priv.h"

enum {
	ST_INBOUND_INSERT,
	ST_INBOUND_BY_PROVIDER_ID,
	ST_INBOUND_ATTACH,
	ST_INBOUND_FIND,
	ST_INBOUND_FIND_RECENT,
	ST_INBOUND_COUNT_SINCE,
	ST_INBOUND_GET,
	ST_OUTBOUND_GET,
	ST_PART_INSERT,
	ST_PARTS_GROUPS,
	ST_PARTS_OF_GROUP,
	ST_PARTS_ASSEMBLED,
	ST_DLR_INSERT,
	ST_OUTBOX_DLR,
	ST_FTS_NEXT,
	ST_FTS_ADD,
	ST_FTS_DONE,
	ST_FTS_MERGE,
	ST_MAX
};

#define MESSAGE_COLUMNS							\
	"id, case_id, channel, provider_msg_id, sender, recipient, text, " \
	"raw, encoding, provider_time, created"

/*
 * The id of the message with channel ch and provider id pid, whose key
 * (pid_key()) is key: among the rows of that key (inbound_pid_key), or
 * the rows with no key (inbound_provider_id, schema 34).
 */
#define INBOUND_BY_ID(ch, pid, key)					\
	"SELECT id FROM inbound WHERE pid_key = " key " "		\
	"AND channel = " ch " AND provider_msg_id = " pid " "		\
	"UNION ALL SELECT id FROM inbound WHERE pid_key IS NULL "	\
	"AND channel = " ch " AND provider_msg_id = " pid " LIMIT 1"

static const char *const message_sql[ST_MAX] = {
	/*
	 * ?14 is the provider id's key (pid_key(), schema 34): a message
	 * stored already under its channel and provider id makes no row,
	 * whether it has a key (inbound_pid_key) or is from before
	 * (inbound_provider_id).  One writer: nothing comes between the
	 * look and the write.
	 */
	[ST_INBOUND_INSERT] = "INSERT INTO inbound (case_id, channel, "
	    "provider_msg_id, sender, recipient, text, raw, encoding, "
	    "provider_time, created, received, kind, decision, pid_key) "
	    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14 WHERE ?3 IS NULL OR NOT EXISTS (" INBOUND_BY_ID("?2", "?3",
	    "?14") ")",
	[ST_INBOUND_BY_PROVIDER_ID] = INBOUND_BY_ID("?1", "?2", "?3"),
	[ST_INBOUND_ATTACH] = "UPDATE inbound SET case_id = ?2 WHERE id = ?1",
	[ST_INBOUND_FIND] = "SELECT i.case_id, c.ref_number FROM inbound i "
	    "LEFT JOIN cases c ON c.id = i.case_id "
	    "WHERE i.id = (" INBOUND_BY_ID("?1", "?2", "?3") ")",
	[ST_INBOUND_FIND_RECENT] = "SELECT i.case_id, c.ref_number "
	    "FROM inbound i LEFT JOIN cases c ON c.id = i.case_id "
	    "WHERE i.sender = ?2 AND i.received >= ?4 AND i.channel = ?1 "
	    "AND i.text = ?3 ORDER BY i.received DESC, i.id DESC LIMIT 1",
	[ST_INBOUND_COUNT_SINCE] = "SELECT count(*) FROM (SELECT 1 "
	    "FROM inbound WHERE sender = ?1 AND received >= ?2 LIMIT ?3) AS r",
	[ST_INBOUND_GET] = "SELECT " MESSAGE_COLUMNS ", received "
	    "FROM inbound WHERE id = ?1",
	[ST_OUTBOUND_GET] = "SELECT o.id, o.case_id, o.channel, "
	    "o.provider_msg_id, o.sender, o.recipient, " STORE_OUTBOX_TEXT("o.")
	    ", NULL, o.encoding, NULL, o.created, o.sent, o.id "
	    "FROM outbox o WHERE o.id = ?1 AND o.sent IS NOT NULL",
	[ST_PART_INSERT] = "INSERT INTO parts (channel, provider_msg_id, "
	    "sender, recipient, ref, total, seq, text, provider_time, "
	    "received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	    "ON CONFLICT (channel, provider_msg_id) DO NOTHING",
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
	[ST_OUTBOX_DLR] = "UPDATE outbox SET state = ?3, "
	    "last_error = CASE ?3 WHEN 'failed' THEN "
	    "'delivery report: ' || ?4 || coalesce(', error ' || ?5, '') "
	    "ELSE last_error END, updated = ?6 "
	    "WHERE channel = ?1 AND provider_msg_id = ?2 AND state = 'sent'",
	/* Where the full-text index stops, and the last of the next ?1. */
	[ST_FTS_NEXT] = "SELECT c.value, (SELECT max(id) FROM (SELECT id "
	    "FROM inbound WHERE id > c.value ORDER BY id LIMIT ?1) AS b) "
	    "FROM counters c WHERE c.name = 'fts_inbound'",
	/*
	 * Folded by unicode61 (case, and diacritics with
	 * remove_diacritics 2) once d-stroke and its look-alike eth, which
	 * have no decomposition, are written d (schema 11).
	 */
	[ST_FTS_ADD] = "INSERT INTO inbound_fts (rowid, text) SELECT id, "
	    "replace(replace(replace(replace(text, 'đ', 'd'), 'Đ', 'D'), "
	    "'ð', 'd'), 'Ð', 'D') FROM inbound WHERE id > ?1 AND id <= ?2",
	[ST_FTS_DONE] = "UPDATE counters SET value = ?1 "
	    "WHERE name = 'fts_inbound'",
	/* About ?1 pages of the index's segments merged (schema 32). */
	[ST_FTS_MERGE] = "INSERT INTO inbound_fts (inbound_fts, rank) "
	    "VALUES ('merge', ?1)",
};

/*
 * PostgreSQL's words: the full-text index is a tsvector per message
 * (src/store/pg/schema.sql), folded as unicode61 folds: lower case, and
 * the diacritics off (unaccent, after đ and ð are written d).
 */
static const char *const message_sql_pg[ST_MAX] = {
	/*
	 * Several gateways' writers: the unique index on the channel and the
	 * provider id keeps one message from being stored twice, and there
	 * is no pid_key (schema 34 changes nothing there).
	 */
	[ST_INBOUND_INSERT] = "INSERT INTO inbound (case_id, channel, "
	    "provider_msg_id, sender, recipient, text, raw, encoding, "
	    "provider_time, created, received, kind, decision) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
	    "ON CONFLICT (channel, provider_msg_id) WHERE provider_msg_id IS "
	    "NOT NULL DO NOTHING",
	[ST_INBOUND_BY_PROVIDER_ID] = "SELECT id FROM inbound "
	    "WHERE channel = ?1 AND provider_msg_id = ?2",
	[ST_INBOUND_FIND] = "SELECT i.case_id, c.ref_number FROM inbound i "
	    "LEFT JOIN cases c ON c.id = i.case_id "
	    "WHERE i.channel = ?1 AND i.provider_msg_id = ?2",
	[ST_FTS_ADD] = "INSERT INTO inbound_fts (id, doc) SELECT id, "
	    "to_tsvector('simple', unaccent(replace(replace(replace(replace("
	    "text, 'đ', 'd'), 'Đ', 'D'), 'ð', 'd'), 'Ð', 'D'))) "
	    "FROM inbound WHERE id > ?1 AND id <= ?2",
	/* Never run: a GIN index merges by its own rules (schema 32). */
	[ST_FTS_MERGE] = "SELECT CAST(?1 AS BIGINT)",
};

const struct store_family store_message_family = {
	STORE_FAM_MESSAGE, ST_MAX, message_sql, message_sql_pg
};

/* Statement id of this family on txn's connection, or NULL (recorded). */
static struct db_stmt *
stmt(struct store_txn *txn, int id)
{
	return store_txn_stmt(txn, &store_message_family, id);
}

/*
 * ===================================================================
 * Inbound messages (work functions)
 * ===================================================================
 */

/*
 * The key of a provider id on a channel (inbound.pid_key, schema 34):
 * FNV-1a of the channel, a zero byte and the id, cut to 47 bits, which
 * SQLite stores in 6 bytes.
 */
static int64_t
pid_key(const char *channel, const char *provider_id)
{
	uint64_t		 h = 14695981039346656037ULL;
	const unsigned char	*p;

	for (p = (const unsigned char *)channel; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h *= 1099511628211ULL;		/* the zero byte */
	for (p = (const unsigned char *)provider_id; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (int64_t)(h & ((UINT64_C(1) << 47) - 1));
}

/*
 * Binds parameter i of s to the key of provider_id on channel (NULL for
 * no provider id), when s has it: PostgreSQL's statements do not.
 */
static void
bind_pid_key(struct db_stmt *s, int i, const char *channel,
    const char *provider_id)
{
	if (db_bind_count(s) < i)
		return;
	if (provider_id == NULL || channel == NULL)
		db_bind_null(s, i);
	else
		db_bind_int64(s, i, pid_key(channel, provider_id));
}

/*
 * Stores inbound message m.  Returns STORE_OK with the new row's id in
 * *id, or STORE_DUPLICATE when a message with the same channel and
 * provider id is stored already (*id is then that message's id, and
 * nothing was written), or an error.
 */
enum store_status
store_inbound_insert(struct store_txn *txn,
    const struct store_inbound_new *m, int64_t *id)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = stmt(txn, ST_INBOUND_INSERT)) == NULL)
		return STORE_ERROR;
	store_bind_opt(s, 1, m->case_id);
	store_bind_text(s, 2, m->channel);
	store_bind_text(s, 3, m->provider_id);
	store_bind_text(s, 4, m->sender);
	store_bind_text(s, 5, m->recipient);
	store_bind_text(s, 6, m->text);
	if (m->raw != NULL)
		db_bind_blob(s, 7, m->raw, m->rawlen);
	else
		db_bind_null(s, 7);
	store_bind_text(s, 8, m->encoding);
	store_bind_opt(s, 9, m->provider_time);
	db_bind_int64(s, 10, m->created ? m->created : clock_unix());
	db_bind_int64(s, 11, m->received ? m->received : clock_unix());
	/* "feedback", nearly every message's kind, is NULL (schema 34). */
	store_bind_text(s, 12, m->kind != NULL && strcmp(m->kind,
	    "feedback") == 0 ? NULL : m->kind);
	store_bind_text(s, 13, m->decision);
	bind_pid_key(s, 14, m->channel, m->provider_id);
	/*
	 * A message already stored under its provider id makes no row
	 * (on SQLite the INSERT looks first; on PostgreSQL ON CONFLICT DO
	 * NOTHING, not an error: an error would end the item's savepoint,
	 * and another gateway may have stored it a moment ago); the lookup
	 * below finds it.  The new row's id is the connection's last, when
	 * there is a new row: not a RETURNING, for which SQLite makes and
	 * drops a temporary table at every message.
	 */
	rc = db_step(s);
	if (rc == DB_DONE && db_changes(s->db) > 0) {
		*id = db_last_id(s->db);
		rc = DB_ROW;
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc == DB_ROW)
		return STORE_OK;
	if ((rc != DB_DONE && rc != DB_UNIQUE) || m->provider_id == NULL)
		return store_txn_fail(txn, rc == DB_DONE ? DB_ERROR : rc,
		    "inbound insert");

	if ((s = stmt(txn, ST_INBOUND_BY_PROVIDER_ID)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, m->channel);
	store_bind_text(s, 2, m->provider_id);
	bind_pid_key(s, 3, m->channel, m->provider_id);
	rc = db_step(s);
	if (rc == DB_ROW)
		*id = db_column_int64(s, 0);
	db_reset(s);
	db_clear_bindings(s);
	if (rc == DB_ROW)
		return STORE_DUPLICATE;
	return store_txn_fail(txn, rc == DB_DONE ? DB_ERROR : rc,
	    "inbound duplicate lookup");
}

/*
 * Attaches inbound message id to a case.  Returns STORE_OK, STORE_NOTFOUND
 * when there is no such message, STORE_INVALID for an unknown case.
 */
enum store_status
store_inbound_attach(struct store_txn *txn, int64_t id, int64_t case_id)
{
	struct db_stmt		*s;
	enum store_status	 r;

	if ((s = stmt(txn, ST_INBOUND_ATTACH)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	store_bind_opt(s, 2, case_id);
	r = store_txn_step(txn, s, "inbound attach", NULL);
	if (r == STORE_OK && store_txn_changes(txn) == 0)
		r = STORE_NOTFOUND;
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
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_INBOUND_FIND)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, channel);
	store_bind_text(s, 2, provider_id);
	bind_pid_key(s, 3, channel, provider_id);
	return store_txn_lookup(txn, s, "inbound find", case_id, ref);
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
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_INBOUND_FIND_RECENT)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, channel);
	store_bind_text(s, 2, sender);
	store_bind_text(s, 3, text);
	db_bind_int64(s, 4, since);
	return store_txn_lookup(txn, s, "inbound find recent", case_id, ref);
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
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_INBOUND_COUNT_SINCE)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, sender);
	db_bind_int64(s, 2, since);
	db_bind_int64(s, 3, limit);
	return store_txn_count(txn, s, "inbound count", n);
}

/*
 * ===================================================================
 * Reading messages back (any thread, committed data)
 * ===================================================================
 */

/* Columns as in MESSAGE_COLUMNS, then received or sent, outbox_id. */
static void
fill_message(struct db_stmt *s, struct store_message *m, int outbound)
{
	const void	*raw;

	memset(m, 0, sizeof(*m));
	m->id = db_column_int64(s, 0);
	m->case_id = db_column_int64(s, 1);
	m->channel = store_col_str(s, 2);
	m->provider_id = store_col_str(s, 3);
	m->sender = store_col_str(s, 4);
	m->recipient = store_col_str(s, 5);
	m->text = store_col_str(s, 6);
	if ((raw = db_column_blob(s, 7)) != NULL) {
		m->rawlen = (size_t)db_column_bytes(s, 7);
		m->raw = xcalloc(1, m->rawlen);
		memcpy(m->raw, raw, m->rawlen);
	}
	m->encoding = store_col_str(s, 8);
	m->provider_time = db_column_int64(s, 9);
	m->created = db_column_int64(s, 10);
	if (outbound) {
		m->sent = db_column_int64(s, 11);
		m->outbox_id = db_column_int64(s, 12);
	} else
		m->received = db_column_int64(s, 11);
}

static void
fill_inbound(struct db_stmt *s, void *out)
{
	fill_message(s, out, 0);
}

static void
fill_outbound(struct db_stmt *s, void *out)
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
	return store_read_row(st, &store_message_family, ST_INBOUND_GET, id,
	    fill_inbound, m);
}

/* Like store_inbound_get(), for outbound message id. */
enum store_status
store_outbound_get(struct store *st, int64_t id, struct store_message *m)
{
	return store_read_row(st, &store_message_family, ST_OUTBOUND_GET, id,
	    fill_outbound, m);
}

/* Frees what a store_*_get() put in m and zeroes it. */
void
store_message_clear(struct store_message *m)
{
	free(m->channel);
	free(m->provider_id);
	free(m->sender);
	free(m->recipient);
	free(m->text);
	free(m->raw);
	free(m->encoding);
	memset(m, 0, sizeof(*m));
}

/*
 * ===================================================================
 * Parts of long messages
 * ===================================================================
 */

/*
 * Stores one part of a long message.  Returns STORE_OK, STORE_DUPLICATE
 * when that provider message id is stored already, or an error.
 */
enum store_status
store_part_add(struct store_txn *txn, const struct store_part *p)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = stmt(txn, ST_PART_INSERT)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, p->channel);
	store_bind_text(s, 2, p->provider_id);
	store_bind_text(s, 3, p->sender);
	store_bind_text(s, 4, p->recipient);
	store_bind_text(s, 5, p->ref);
	db_bind_int64(s, 6, p->total);
	db_bind_int64(s, 7, p->seq);
	db_bind_blob(s, 8, p->text, p->textlen);
	store_bind_opt(s, 9, p->provider_time);
	db_bind_int64(s, 10, p->received ? p->received : clock_unix());
	rc = db_step(s);
	db_reset(s);
	db_clear_bindings(s);
	if (rc == DB_DONE)	/* no row: stored already (ON CONFLICT) */
		return db_changes(s->db) > 0 ? STORE_OK :
		    STORE_DUPLICATE;
	if (rc == DB_UNIQUE)
		return STORE_DUPLICATE;
	return store_txn_fail(txn, rc, "part insert");
}

/*
 * Marks the waiting parts of set (its key: channel, sender, ref, total)
 * as assembled into a message.  Returns STORE_OK or an error.
 */
enum store_status
store_parts_assembled(struct store_txn *txn, const struct store_part_set *set)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_PARTS_ASSEMBLED)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, set->channel);
	store_bind_text(s, 2, set->sender);
	store_bind_text(s, 3, set->ref);
	db_bind_int64(s, 4, set->total);
	db_bind_int64(s, 5, clock_unix());
	return store_txn_step(txn, s, "parts assembled", NULL);
}

/* The marker put where parts are missing from an incomplete message. */
#define PART_GAP	" [...] "

/* The sets of parts read at most at once: ST_PARTS_GROUPS's LIMIT. */
#define PART_SETS_MAX	256

/*
 * Builds one set from the rows of s, ST_PARTS_OF_GROUP bound to its key:
 * the text in order, PART_GAP where parts are missing.  Returns the last
 * step's code (DB_DONE when all went well).
 */
static int
read_part_set(struct db_stmt *s, struct store_part_set *set)
{
	size_t		 cap = 256, blen;
	int		 rc, seq, last = 0;
	const void	*blob;

	set->text = xcalloc(1, cap);
	set->textlen = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		seq = (int)db_column_int64(s, 0);
		if (seq == last)
			continue;	/* the same part twice */
		blob = db_column_blob(s, 1);
		blen = (size_t)db_column_bytes(s, 1);
		if (set->nparts == 0) {
			set->first_provider_id = store_col_str(s, 2);
			set->recipient = store_col_str(s, 3);
			set->provider_time = db_column_int64(s, 4);
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
	return rc;
}

static void
part_set_clear(struct store_part_set *set)
{
	free(set->channel);
	free(set->sender);
	free(set->recipient);
	free(set->ref);
	free(set->first_provider_id);
	free(set->text);
	memset(set, 0, sizeof(*set));
}

/* What store_parts_ready() reads on the reader connection. */
struct parts_read {
	int64_t			 older_than;
	struct store_part_set	*sets;		/* PART_SETS_MAX */
	size_t			 n;
};

/* Reads the sets that are ready, each with its parts. */
static enum store_status
parts_read(struct store_txn *txn, void *arg)
{
	struct parts_read	*pr = arg;
	struct store_part_set	*set;
	enum store_status	 r = STORE_OK;
	struct db_stmt		*s;
	size_t			 i;
	int			 rc;

	if ((s = stmt(txn, ST_PARTS_GROUPS)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, pr->older_than);
	while (pr->n < PART_SETS_MAX && db_step(s) == DB_ROW) {
		set = &pr->sets[pr->n++];
		set->channel = store_col_str(s, 0);
		set->sender = store_col_str(s, 1);
		set->ref = store_col_str(s, 2);
		set->total = (int)db_column_int64(s, 3);
	}
	db_reset(s);
	db_clear_bindings(s);
	for (i = 0; i < pr->n; i++) {
		set = &pr->sets[i];
		if ((s = stmt(txn, ST_PARTS_OF_GROUP)) == NULL) {
			r = STORE_ERROR;
			continue;
		}
		store_bind_text(s, 1, set->channel);
		store_bind_text(s, 2, set->sender);
		store_bind_text(s, 3, set->ref);
		db_bind_int64(s, 4, set->total);
		if ((rc = read_part_set(s, set)) != DB_DONE)
			r = store_txn_fail(txn, rc, "parts");
		db_reset(s);
		db_clear_bindings(s);
	}
	return r;
}

/*
 * Calls fn(set, arg) for every set of waiting parts that is complete or
 * whose first part came before older_than (Unix seconds), with the text
 * assembled in order (" [...] " where parts are missing), reading
 * committed data.  The set is valid during the call only.  Returns
 * STORE_OK or an error (fn is then not called).
 */
enum store_status
store_parts_ready(struct store *st, int64_t older_than,
    void (*fn)(const struct store_part_set *, void *), void *arg)
{
	struct parts_read	 pr;
	enum store_status	 r;
	size_t			 i;

	memset(&pr, 0, sizeof(pr));
	pr.older_than = older_than;
	pr.sets = xcalloc(PART_SETS_MAX, sizeof(*pr.sets));
	r = store_read(st, parts_read, &pr);
	for (i = 0; i < pr.n; i++) {
		if (r == STORE_OK && pr.sets[i].nparts > 0)
			fn(&pr.sets[i], arg);
		part_set_clear(&pr.sets[i]);
	}
	free(pr.sets);
	return r;
}

/*
 * ===================================================================
 * Delivery reports
 * ===================================================================
 */

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
	struct db_stmt		*s;
	enum store_status	 r;

	if ((s = stmt(txn, ST_DLR_INSERT)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, d->channel);
	store_bind_text(s, 2, d->provider_id);
	store_bind_text(s, 3, d->status);
	store_bind_text(s, 4, d->error);
	db_bind_int64(s, 5, d->received ? d->received : clock_unix());
	store_bind_text(s, 6, final_state(d->state));
	if ((r = store_txn_step(txn, s, "dlr insert", NULL)) != STORE_OK ||
	    final_state(d->state) == NULL)
		return r;
	/* A final report moves the message it reports on. */
	if ((s = stmt(txn, ST_OUTBOX_DLR)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, d->channel);
	store_bind_text(s, 2, d->provider_id);
	store_bind_text(s, 3, final_state(d->state));
	store_bind_text(s, 4, d->status);
	store_bind_text(s, 5, d->error);
	db_bind_int64(s, 6, d->received ? d->received : clock_unix());
	if ((r = store_txn_step(txn, s, "dlr outbox update", NULL)) !=
	    STORE_OK)
		return r;
	/* The rows it moved are no longer counted as sent (schema 24). */
	return store_outbox_sent_add(txn, 0, d->channel,
	    -store_txn_changes(txn));
}

/*
 * ===================================================================
 * The full-text index of inbound messages
 * ===================================================================
 *
 * Messages are not indexed in the transaction that stores them (schema
 * 19): ingest stays short whatever the size of the index, and a batch
 * of messages makes one segment of it, not one a transaction.  The
 * daemon's timer thread indexes what came, and a search indexes what is
 * left before it looks (store_fts_catch_up()).
 */

/*
 * The pages of inbound_fts's segments merged after a chunk of n messages
 * on SQLite, where FTS5 does not merge by itself (schema 32): a message
 * adds some 40 bytes to the index, a page holds 4,050, and each level of
 * segments is written again once per merge, so n / 32 pages keep up with
 * the chunks; FTS_MERGE_MIN more let a backlog of segments shrink.  FTS5
 * merges only where a level holds 4 segments or a merge is under way, and
 * stops after about that many pages: a chunk of a few hundred messages
 * takes a few milliseconds of the writer, merge and all.
 */
#define FTS_MERGE_MIN		4
#define FTS_MERGE_PAGES(n)	(FTS_MERGE_MIN + (n) / 32)

/*
 * Adds the next limit messages (at most) that inbound_fts does not hold
 * yet to it, then merges some of its segments (FTS_MERGE_PAGES()).  A
 * work function's; sets *n to how many, or to limit when there may be
 * more (message ids can skip).  Returns STORE_OK or an error.
 */
enum store_status
store_fts_index(struct store_txn *txn, int limit, int64_t *n)
{
	struct db_stmt		*s;
	enum store_status	 r;
	int64_t			 from = 0, upto = 0;

	*n = 0;
	if ((s = stmt(txn, ST_FTS_NEXT)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, limit);
	if ((r = store_txn_lookup(txn, s, "fts next", &from, &upto)) !=
	    STORE_OK)
		return r == STORE_NOTFOUND ? STORE_OK : r;
	if (upto <= from)
		return STORE_OK;
	if ((s = stmt(txn, ST_FTS_ADD)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, from);
	db_bind_int64(s, 2, upto);
	if ((r = store_txn_step(txn, s, "fts add", NULL)) != STORE_OK)
		return r;
	*n = upto - from < limit ? upto - from : limit;
	if ((s = stmt(txn, ST_FTS_DONE)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, upto);
	if ((r = store_txn_step(txn, s, "fts done", NULL)) != STORE_OK ||
	    !store_txn_sqlite(txn))
		return r;
	if ((s = stmt(txn, ST_FTS_MERGE)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, FTS_MERGE_PAGES(*n));
	return store_txn_step(txn, s, "fts merge", NULL);
}

struct fts_job {
	int		limit;
	int64_t		n;
};

static enum store_status
fts_work(struct store_txn *txn, void *arg)
{
	struct fts_job	*fj = arg;

	return store_fts_index(txn, fj->limit, &fj->n);
}

/*
 * Indexes every message stored before the call that inbound_fts does not
 * hold yet, limit at a time, each in a work item it waits for; from any
 * thread but the store's.  Returns STORE_OK or an error.
 */
enum store_status
store_fts_catch_up(struct store *st, int limit)
{
	struct fts_job		fj = { limit, 0 };
	enum store_status	r;

	do {
		if ((r = store_submit_wait(st, fts_work, &fj)) != STORE_OK)
			return r;
	} while (fj.n == limit);
	return STORE_OK;
}
