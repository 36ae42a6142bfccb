/*
 * query.c: the store's queries for papictl and reports, on query
 * connections of their own.
 *
 * What officers and administrators ask of the database: lists of cases
 * with filters, a case and its thread, history and notes, queue figures,
 * the outbox, report and export rows, the audit log and its
 * verification.  daemon/control.c opens one query connection per control
 * client (store_query_open()), read-only: a report that reads for a
 * second does not hold the store's shared reader, and WAL lets it run
 * beside the writer.  Changes go through work functions and the table
 * families' row functions, never through here.
 *
 * Statements are constant strings with bound values.  The list query is
 * put together from constant pieces according to the filters given, so
 * that each variant can use its own index (newest first within a
 * category, a state, an assignee or the overdue cases: at a million cases
 * a list must not sort).  Statements here are prepared per call, which
 * costs microseconds against the milliseconds of the query, and
 * finalized before the call returns.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/query.h"
#include "base/date.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "domain/source.h"
#include "store/store.h"
#include "store/store_priv.h"

#define QUERY_SQL_MAX	4096	/* bytes of a composed statement */

struct store_query {
	struct store_conn c;
};

static const char *
col_cstr(struct db_stmt *s, int i)
{
	return db_column_text(s, i);
}

/*
 * ===================================================================
 * Query connections
 * ===================================================================
 */

/*
 * Opens a read-only connection to the store's database for one client's
 * queries.  Returns it (close it with store_query_close()), or NULL with
 * the reason in err.
 */
struct store_query *
store_query_open(struct store *st, int busy_timeout_ms, char *err,
    size_t errsz)
{
	struct store_query	*q = xcalloc(1, sizeof(*q));

	if (store_conn_open(&q->c, st, DB_READONLY | DB_SESSION,
	    busy_timeout_ms > 0 ? busy_timeout_ms : STORE_BUSY_TIMEOUT_DEFAULT,
	    "", err, errsz) == -1) {
		store_query_close(q);
		return NULL;
	}
	return q;
}

/*
 * Limits q to the cases of ward, or (NULL) to every ward again: see
 * store_conn_ward().  Returns 0, or -1 (logged), after which q is to be
 * closed.
 */
int
store_query_ward(struct store_query *q, const char *ward)
{
	return store_conn_ward(&q->c, ward);
}

/* The connection of q, for the store's own reads on it (fold_rows.c). */
struct store_conn *
store_query_conn(struct store_query *q)
{
	return &q->c;
}

/* Closes a query connection; NULL is a no-op. */
void
store_query_close(struct store_query *q)
{
	if (q == NULL)
		return;
	store_conn_close(&q->c);
	free(q);
}

/* Prepares sql on q; returns the statement or NULL (logged). */
static struct db_stmt *
qprep(struct store_query *q, const char *sql)
{
	struct db_stmt	*s = NULL;

	if (db_prepare(q->c.db, sql, &s) != DB_OK) {
		log_warnx(_("store: query: %s"), db_errmsg(q->c.db));
		db_finalize(s);
		return NULL;
	}
	return s;
}

/* Finishes a read: finalizes s and turns the last step's code into a status. */
static enum store_status
qdone(struct store_query *q, struct db_stmt *s, int rc)
{
	db_finalize(s);
	if (rc == DB_DONE || rc == DB_ROW || rc == DB_OK)
		return STORE_OK;
	log_warnx(_("store: query: %s"), db_errmsg(q->c.db));
	return store_status_of(rc);
}

/*
 * ===================================================================
 * Cases
 * ===================================================================
 */

/*
 * Appends "fmt" to the statement being built in buf.  Returns 0, or -1
 * when it does not fit.
 */
static int __attribute__((format(printf, 3, 4)))
sql_add(char *buf, size_t bufsz, const char *fmt, ...)
{
	size_t	len = strlen(buf);
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf + len, bufsz - len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= bufsz - len ? -1 : 0;
}

/*
 * Appends " AND +column IN (?, ...)" for n values to the statement being
 * built in sql, its parameters numbered on from *p.  The "+" keeps SQLite
 * from using an index on the column for it (see store_case_list()).
 * Returns 0, or -1 when it does not fit.
 */
static int
sql_add_in(char *sql, size_t sqlsz, const char *column, size_t n, int *p)
{
	size_t	i;

	if (sql_add(sql, sqlsz, " AND +%s IN (", column) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (sql_add(sql, sqlsz, "%s?%d", i ? ", " : "", ++*p) == -1)
			return -1;
	return sql_add(sql, sqlsz, ")");
}

/*
 * The messages whose words match the search bound as parameter ?N: on
 * SQLite an FTS5 query on inbound_fts, whose rowids are the messages';
 * on PostgreSQL a tsquery on inbound_fts.doc (pg_tsquery() writes it).
 */
#define FTS_SQLITE	"SELECT rowid FROM inbound_fts WHERE inbound_fts MATCH "
#define FTS_PG		"SELECT id FROM inbound_fts WHERE doc @@ " \
			"to_tsquery('simple', CAST(?%d AS TEXT))"

/*
 * The FTS5 query that search_query() writes (phrases of folded words in
 * double quotes, AND, OR, parentheses) as a tsquery of the same meaning:
 * a phrase's words follow each other (<->), AND is &, OR is |.  Returns
 * a new string (free it).
 */
static char *
pg_tsquery(const char *fts)
{
	char	*out = xcalloc(1, strlen(fts) * 6 + 1);
	size_t	 o = 0;
	int	 phrase = 0;

	for (; *fts != '\0'; fts++) {
		if (*fts == '"') {
			out[o++] = (phrase = !phrase) ? '(' : ')';
		} else if (phrase && *fts == ' ') {
			if (out[o - 1] != '(' && out[o - 1] != ' ' &&
			    fts[1] != '"' && fts[1] != ' ') {
				memcpy(out + o, " <-> ", 5);
				o += 5;
			}
		} else if (!phrase && strncmp(fts, "AND", 3) == 0) {
			out[o++] = '&';
			fts += 2;
		} else if (!phrase && strncmp(fts, "OR", 2) == 0) {
			out[o++] = '|';
			fts += 1;
		} else
			out[o++] = *fts;
	}
	out[o] = '\0';
	return out;
}

/*
 * Appends the filters on a case's messages to a list statement: words
 * of its messages (f->match, a search of the full-text index, see
 * FTS_SQLITE, or a slip an officer recorded under the area
 * asked for), the channel it came in on, where it came from
 * (cases.source: the USSD menu, the suggestion box...).
 * Returns 0, or -1 when it does not fit.
 */
static int
list_sources(char *sql, size_t sqlsz, const struct store_case_filter *f,
    int *p, int pg)
{
	if (f->match != NULL && sql_add(sql, sqlsz, pg ? " AND (c.id IN "
	    "(SELECT i.case_id FROM inbound i WHERE i.id IN (" FTS_PG "))" :
	    " AND (c.id IN (SELECT i.case_id FROM inbound i WHERE i.id IN "
	    "(" FTS_SQLITE "?%d))", ++*p) == -1)
		return -1;
	/* A slip recorded under the area (papictl intake), with the words. */
	if (f->match != NULL && f->area != NULL && sql_add(sql, sqlsz,
	    " OR c.id IN (SELECT k.case_id FROM intake k WHERE k.area = ?%d",
	    ++*p) == -1)
		return -1;
	if (f->match != NULL && f->area != NULL && f->match_text != NULL &&
	    sql_add(sql, sqlsz, pg ? " AND k.case_id IN (SELECT i.case_id "
	    "FROM inbound i WHERE i.id IN (" FTS_PG "))" : " AND k.case_id IN "
	    "(SELECT i.case_id FROM inbound i WHERE i.id IN (" FTS_SQLITE
	    "?%d))", ++*p) == -1)
		return -1;
	if (f->match != NULL && sql_add(sql, sqlsz, "%s)", f->area != NULL ?
	    ")" : "") == -1)
		return -1;
	if (f->channel != NULL && sql_add(sql, sqlsz, " AND c.channel = "
	    "?%d", ++*p) == -1)
		return -1;
	if (f->source > 0 && sql_add(sql, sqlsz, " AND c.source = '%s'",
	    case_source_name((enum case_source)(f->source - 1))) == -1)
		return -1;
	return 0;
}

/*
 * Lists the cases that pass filter f, newest first, at most f->limit, and
 * calls fn(case, arg) for each, with the text of its first message; the
 * case points into the row, valid during the call only.  Returns STORE_OK
 * or an error.
 *
 * The visible categories are tested with "+category", which keeps SQLite
 * from using the category index for them: a list for an officer then
 * walks the newest cases (or those of one state) backwards and stops at
 * the limit, instead of sorting every case of the officer's categories.
 *
 * A list of one category in any state is one SELECT per state, merged
 * by id (UNION ALL ... ORDER BY): the index on (category, state) hands
 * out each state's cases in id order, so the merge reads about the limit
 * of rows.  One SELECT would read every case of the category from that
 * index and sort them (100,000 for a common category on a million cases:
 * 0.3-0.6 s with a cold cache).
 */
enum store_status
store_case_list(struct store_query *q, const struct store_case_filter *f,
    void (*fn)(const struct store_case *, void *), void *arg)
{
	char			 sql[QUERY_SQL_MAX * 6];
	char			 where[QUERY_SQL_MAX] = "";
	struct store_case	 c;
	struct db_stmt		*s;
	char			*tsq[2] = { NULL, NULL };
	size_t			 i;
	int			 rc, p = 0, st, merge;
	int			 pg = strcmp(db_driver_name(q->c.db),
				    "postgresql") == 0;

	if (f->category != NULL && sql_add(where, sizeof(where),
	    " AND c.category = ?%d", ++p) == -1)
		return STORE_INVALID;
	if (f->state >= 0 && sql_add(where, sizeof(where),
	    " AND c.state = ?%d", ++p) == -1)
		return STORE_INVALID;
	if (f->overdue && sql_add(where, sizeof(where), " AND c.overdue IS NOT "
	    "NULL AND c.state NOT IN ('resolved', 'confirmed')") == -1)
		return STORE_INVALID;
	if (f->open && sql_add(where, sizeof(where), " AND c.state NOT IN "
	    "('resolved', 'confirmed')") == -1)
		return STORE_INVALID;
	if (f->assignee != NULL && sql_add(where, sizeof(where), " AND "
	    "c.assignee = ?%d", ++p) == -1)
		return STORE_INVALID;
	if (list_sources(where, sizeof(where), f, &p, pg) == -1)
		return STORE_INVALID;
	if (f->before_ref > 0 && sql_add(where, sizeof(where), " AND "
	    "c.ref_number < ?%d", ++p) == -1)
		return STORE_INVALID;
	/* A pseudonym merged into another (one phone) leads to it. */
	if (f->resident > 0 && sql_add(where, sizeof(where),
	    " AND c.resident = (SELECT coalesce(merged_into, id) "
	    "FROM pseudonyms WHERE id = ?%d)", ++p) == -1)
		return STORE_INVALID;
	if (f->visible != NULL) {
		if (f->nvisible == 0)
			return STORE_OK;	/* sees nothing */
		if (sql_add_in(where, sizeof(where), "c.category", f->nvisible,
		    &p) == -1)
			return STORE_INVALID;
	}
	/* The same filters in every SELECT: their parameters are shared. */
	sql[0] = '\0';
	merge = f->category != NULL && f->state < 0;
	for (st = STORE_CASE_RECEIVED; st <= STORE_CASE_REOPENED; st++) {
		if (merge && (f->open || f->overdue) &&
		    (st == STORE_CASE_RESOLVED || st == STORE_CASE_CONFIRMED))
			continue;
		if (sql_add(sql, sizeof(sql), "%sSELECT "
		    STORE_CASE_COLUMNS("c.") ", " STORE_CASE_TEXT_COLUMN
		    " FROM cases c WHERE 1 = 1", sql[0] != '\0' ?
		    " UNION ALL " : "") == -1 ||
		    (merge && sql_add(sql, sizeof(sql), " AND c.state = '%s'",
		    store_case_state_name(st)) == -1) ||
		    sql_add(sql, sizeof(sql), "%s", where) == -1)
			return STORE_INVALID;
		if (!merge)
			break;
	}
	/* By the result's column: a compound SELECT knows no "c.". */
	if (sql_add(sql, sizeof(sql), " ORDER BY id DESC LIMIT ?%d", ++p) ==
	    -1)
		return STORE_INVALID;

	if ((s = qprep(q, sql)) == NULL)
		return STORE_ERROR;
	p = 0;
	if (f->category != NULL)
		store_bind_text(s, ++p, f->category);
	if (f->state >= 0)
		store_bind_text(s, ++p, store_case_state_name(f->state));
	if (f->assignee != NULL)
		store_bind_text(s, ++p, f->assignee);
	if (f->match != NULL)
		store_bind_text(s, ++p, pg ? (tsq[0] = pg_tsquery(f->match)) :
		    f->match);
	if (f->match != NULL && f->area != NULL)
		store_bind_text(s, ++p, f->area);
	if (f->match != NULL && f->area != NULL && f->match_text != NULL)
		store_bind_text(s, ++p, pg ? (tsq[1] =
		    pg_tsquery(f->match_text)) : f->match_text);
	if (f->channel != NULL)
		store_bind_text(s, ++p, f->channel);
	if (f->before_ref > 0)
		db_bind_int64(s, ++p, f->before_ref);
	if (f->resident > 0)
		db_bind_int64(s, ++p, f->resident);
	for (i = 0; f->visible != NULL && i < f->nvisible; i++)
		store_bind_text(s, ++p, f->visible[i]);
	db_bind_int64(s, ++p, f->limit > 0 ? f->limit : 50);
	while ((rc = db_step(s)) == DB_ROW) {
		store_case_fill(s, &c, 0);
		fn(&c, arg);
	}
	free(tsq[0]);
	free(tsq[1]);
	return qdone(q, s, rc);
}

/*
 * Reads the case reference ref leads to (itself, or the case an officer
 * merged it into), with the text of its first message, into c.
 * Returns STORE_OK (release c with store_case_clear()), STORE_NOTFOUND or
 * an error.
 */
enum store_status
store_query_case(struct store_query *q, int64_t ref, struct store_case *c)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = qprep(q, "SELECT " STORE_CASE_COLUMNS("c.") ", "
	    STORE_CASE_TEXT_COLUMN " FROM cases c WHERE c.id = (SELECT "
	    "coalesce(merged_into, id) FROM cases WHERE ref_number = ?1)")) ==
	    NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, ref);
	if ((rc = db_step(s)) == DB_ROW)
		store_case_fill(s, c, 1);
	else if (rc == DB_DONE) {
		db_finalize(s);
		return STORE_NOTFOUND;
	}
	return qdone(q, s, rc);
}

/*
 * Calls fn(item, arg) for every message of case_id, inbound and outbound
 * (the outbox rows: what was queued and how its delivery went), oldest
 * first; the item is valid during the call only.  Returns STORE_OK or an
 * error.
 */
enum store_status
store_case_thread(struct store_query *q, int64_t case_id,
    void (*fn)(const struct store_thread_item *, void *), void *arg)
{
	struct store_thread_item	 it;
	struct db_stmt			*s;
	int				 rc;

	/*
	 * A message's kind NULL is "feedback" (schema 34).  The router's
	 * decision, as src/core/ingest.c keeps it: an array of its score
	 * and language, or an object without "by".  Made again as it was
	 * written before: {"by":"router","score":S,"lang":"L"...}.
	 */
	if ((s = qprep(q, "SELECT 0, id, received, channel, text, "
	    "coalesce(kind, 'feedback'), NULL, NULL, 0, NULL, NULL, "
	    "CASE WHEN decision LIKE '[%' "
	    "THEN '{\"by\":\"router\",\"score\":' || replace(substr("
	    "decision, 2, length(decision) - 2), ',', ',\"lang\":') || '}' "
	    "WHEN decision LIKE '{\"score\":%' "
	    "THEN '{\"by\":\"router\",' || substr(decision, 2) "
	    "ELSE decision END FROM inbound WHERE case_id = ?1 "
	    "UNION ALL SELECT 1, o.id, o.created, o.channel, "
	    STORE_OUTBOX_TEXT("o.") ", o.kind, o.state, o.encoding, "
	    "o.segments, o.last_error, o.updated, NULL FROM outbox o "
	    "WHERE o.case_id = ?1 ORDER BY 3, 1, 2")) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	while ((rc = db_step(s)) == DB_ROW) {
		memset(&it, 0, sizeof(it));
		it.outbound = (int)db_column_int64(s, 0);
		it.id = db_column_int64(s, 1);
		it.at = db_column_int64(s, 2);
		it.channel = col_cstr(s, 3);
		it.text = col_cstr(s, 4);
		it.kind = col_cstr(s, 5);
		it.state = col_cstr(s, 6);
		it.encoding = col_cstr(s, 7);
		it.segments = (int)db_column_int64(s, 8);
		it.error = col_cstr(s, 9);
		it.updated = db_column_int64(s, 10);
		it.decision = col_cstr(s, 11);
		fn(&it, arg);
	}
	return qdone(q, s, rc);
}

/*
 * Calls fn(correction, arg) for every correction made at or after since,
 * oldest first; valid during the call only.  Returns STORE_OK or an error.
 */
enum store_status
store_corrections(struct store_query *q, int64_t since,
    void (*fn)(const struct store_correction *, void *), void *arg)
{
	struct store_correction	 c;
	struct db_stmt		*s;
	int			 rc;

	if ((s = qprep(q, "SELECT k.id, k.case_id, c.ref_number, k.text, "
	    "k.old_category, k.old_subcategory, k.category, k.subcategory, "
	    "k.actor, k.reason, k.created FROM corrections k "
	    "LEFT JOIN cases c ON c.id = k.case_id WHERE k.created >= ?1 "
	    "ORDER BY k.id")) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, since);
	while ((rc = db_step(s)) == DB_ROW) {
		memset(&c, 0, sizeof(c));
		c.id = db_column_int64(s, 0);
		c.case_id = db_column_int64(s, 1);
		c.ref_number = db_column_int64(s, 2);
		c.text = col_cstr(s, 3);
		c.old_category = col_cstr(s, 4);
		c.old_subcategory = col_cstr(s, 5);
		c.category = col_cstr(s, 6);
		c.subcategory = col_cstr(s, 7);
		c.actor = col_cstr(s, 8);
		c.reason = col_cstr(s, 9);
		c.created = db_column_int64(s, 10);
		fn(&c, arg);
	}
	return qdone(q, s, rc);
}

/*
 * Calls fn(event, arg) for every state change of case_id, oldest first;
 * the event is valid during the call only.  Returns STORE_OK or an error.
 */
enum store_status
store_case_history(struct store_query *q, int64_t case_id,
    void (*fn)(const struct store_case_event *, void *), void *arg)
{
	struct store_case_event	 e;
	struct db_stmt		*s;
	int			 rc;

	/*
	 * Ingest stores no first event since schema 19: the case's
	 * creation stands for it, as the event stored before said it.
	 */
	if ((s = qprep(q, "SELECT " STORE_EVENT_COLUMNS " FROM case_events "
	    "WHERE case_id = ?1 UNION ALL SELECT 0, id, created, 'papigwd', "
	    "'received', 'received', 'received' FROM cases c WHERE id = ?1 "
	    "AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = "
	    "c.id AND e.from_state = 'received' AND e.to_state = "
	    "'received') ORDER BY 3, 1")) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	while ((rc = db_step(s)) == DB_ROW) {
		store_case_event_fill(s, &e, 0);
		fn(&e, arg);
	}
	return qdone(q, s, rc);
}

/*
 * Calls fn(note, arg) for every note of case_id, oldest first; the note is
 * valid during the call only.  Returns STORE_OK or an error.
 */
enum store_status
store_case_notes(struct store_query *q, int64_t case_id,
    void (*fn)(const struct store_note *, void *), void *arg)
{
	struct store_note	 n;
	struct db_stmt		*s;
	int			 rc;

	if ((s = qprep(q, "SELECT " STORE_NOTE_COLUMNS " FROM notes "
	    "WHERE case_id = ?1 ORDER BY at, id")) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	while ((rc = db_step(s)) == DB_ROW) {
		store_note_fill(s, &n, 0);
		fn(&n, arg);
	}
	return qdone(q, s, rc);
}

/*
 * Calls fn(category, n, arg) with the number of cases of resident (a
 * pseudonym id) in each category.  The caller counts only the categories
 * its reader may see.  Returns STORE_OK or an error.
 */
enum store_status
store_resident_cases(struct store_query *q, int64_t resident,
    void (*fn)(const char *, int64_t, void *), void *arg)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = qprep(q, "SELECT category, count(*) FROM cases "
	    "WHERE resident = ?1 GROUP BY category")) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, resident);
	while ((rc = db_step(s)) == DB_ROW)
		fn(col_cstr(s, 0), db_column_int64(s, 1), arg);
	return qdone(q, s, rc);
}

/*
 * ===================================================================
 * Queue figures (papictl status)
 * ===================================================================
 */

/*
 * Calls fn(category, state, n, arg) for every category and state that has
 * cases; then fn(category, NULL, overdue, arg) for every category with
 * overdue open cases.  Returns STORE_OK or an error.
 */
enum store_status
store_case_counts(struct store_query *q,
    void (*fn)(const char *, const char *, int64_t, void *), void *arg)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = qprep(q, "SELECT category, state, count(*) FROM cases "
	    "GROUP BY category, state")) == NULL)
		return STORE_ERROR;
	while ((rc = db_step(s)) == DB_ROW)
		fn(col_cstr(s, 0), col_cstr(s, 1), db_column_int64(s, 2),
		    arg);
	if (qdone(q, s, rc) != STORE_OK)
		return STORE_ERROR;
	/*
	 * The open overdue cases by category: an index alone (schema 17),
	 * but for one ward (a view, which has no index to name).
	 */
	if ((s = qprep(q, q->c.viewed ? "SELECT category, count(*) "
	    "FROM cases WHERE overdue IS NOT NULL AND state NOT IN "
	    "('resolved', 'confirmed') GROUP BY category" : "SELECT category, "
	    "count(*) FROM cases INDEXED BY cases_overdue_open WHERE overdue "
	    "IS NOT NULL AND state NOT IN ('resolved', 'confirmed') GROUP BY "
	    "category")) == NULL)
		return STORE_ERROR;
	while ((rc = db_step(s)) == DB_ROW)
		fn(col_cstr(s, 0), NULL, db_column_int64(s, 1), arg);
	return qdone(q, s, rc);
}

/*
 * Sets *ref and *created to the reference and creation time of the oldest
 * case still waiting for an officer (state received) among the visible
 * categories (NULL: all), or to 0 when there is none.  Returns STORE_OK
 * or an error.
 */
enum store_status
store_case_oldest_waiting(struct store_query *q, char *const *visible,
    size_t nvisible, int64_t *ref, int64_t *created)
{
	char		 sql[QUERY_SQL_MAX];
	struct db_stmt	*s;
	size_t		 i;
	int		 rc, p = 0;

	*ref = *created = 0;
	snprintf(sql, sizeof(sql), "SELECT ref_number, created FROM cases "
	    "WHERE state = 'received'");
	if (visible != NULL) {
		if (nvisible == 0)
			return STORE_OK;
		if (sql_add_in(sql, sizeof(sql), "category", nvisible,
		    &p) == -1)
			return STORE_INVALID;
	}
	if (sql_add(sql, sizeof(sql), " ORDER BY id LIMIT 1") == -1 ||
	    (s = qprep(q, sql)) == NULL)
		return STORE_ERROR;
	for (i = 0; visible != NULL && i < nvisible; i++)
		store_bind_text(s, (int)i + 1, visible[i]);
	if ((rc = db_step(s)) == DB_ROW) {
		*ref = db_column_int64(s, 0);
		*created = db_column_int64(s, 1);
	}
	return qdone(q, s, rc);
}

/* How far back the last message of a channel is looked for. */
#define LAST_SEEN_WINDOW	100000	/* inbound messages */

/*
 * Sets *at to the time of the newest message received on channel among
 * the last LAST_SEEN_WINDOW messages (0: none), without an index of its
 * own that every inbound message would pay for.  Returns STORE_OK or an
 * error.
 */
enum store_status
store_channel_last_seen(struct store_query *q, const char *channel,
    int64_t *at)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = qprep(q, "SELECT max(received) FROM inbound WHERE channel "
	    "= ?1 AND id > (SELECT coalesce(max(id), 0) FROM inbound) - ?2"))
	    == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, channel);
	db_bind_int64(s, 2, LAST_SEEN_WINDOW);
	*at = 0;
	if ((rc = db_step(s)) == DB_ROW)
		*at = db_column_int64(s, 0);
	return qdone(q, s, rc);
}

/*
 * Calls fn(channel, state, n, last_error, arg) for every channel and
 * outbox state, with the last error of the newest failed row (NULL for
 * the other states); the strings are valid during the call only.
 * Returns STORE_OK or an error.
 */
enum store_status
store_outbox_counts(struct store_query *q,
    void (*fn)(const char *, const char *, int64_t, const char *, void *),
    void *arg)
{
	struct db_stmt	*s;
	int		 rc;
	int		 pg = strcmp(db_driver_name(q->c.db), "postgresql") == 0;

	/*
	 * The rows sent are counted in outbox_sent, not indexed by state
	 * (schema 24), and on PostgreSQL in the deltas not folded into it
	 * yet (schema 25, outbox_rows.c); the queued ones in outbox_queue,
	 * the others in outbox_state (schema 30), which are few.
	 */
#define OUTBOX_COUNTS(queue, sent) "SELECT channel, state, n, e " \
	    "FROM (SELECT channel, state, count(*) AS n, " \
	    "CASE state WHEN 'failed' THEN " \
	    "(SELECT o2.last_error FROM outbox o2 WHERE o2.channel = " \
	    "o.channel AND o2.state = 'failed' AND o2.state <> 'sent' " \
	    "AND o2.state <> 'queued' AND o2.last_error IS NOT NULL " \
	    "ORDER BY o2.updated DESC LIMIT 1) END AS e FROM outbox o " \
	    "WHERE state <> 'sent' AND state <> 'queued' " \
	    "GROUP BY channel, state UNION ALL " \
	    "SELECT channel, 'queued', count(*), NULL FROM outbox " queue \
	    " WHERE state = 'queued' GROUP BY channel UNION ALL " \
	    sent ") AS c ORDER BY channel, state"
	if ((s = qprep(q, pg ? OUTBOX_COUNTS("", "SELECT channel, 'sent', "
	    "sum(n)::bigint, NULL FROM (SELECT channel, n FROM outbox_sent "
	    "UNION ALL SELECT channel, n FROM outbox_sent_delta) AS d "
	    "GROUP BY channel HAVING sum(n) > 0") :
	    OUTBOX_COUNTS("INDEXED BY outbox_queue",
	    "SELECT channel, 'sent', n, NULL FROM outbox_sent "
	    "WHERE n > 0"))) == NULL)
		return STORE_ERROR;
#undef OUTBOX_COUNTS
	while ((rc = db_step(s)) == DB_ROW)
		fn(col_cstr(s, 0), col_cstr(s, 1), db_column_int64(s, 2),
		    col_cstr(s, 3), arg);
	return qdone(q, s, rc);
}

/*
 * Lists outbox rows, newest first, at most limit, only failed ones when
 * failed_only: fn(row, ref, category, arg), ref and category 0 and NULL
 * for rows without a case; row and category are valid during the call
 * only.  Returns STORE_OK or an error.
 */
enum store_status
store_outbox_list(struct store_query *q, int failed_only, int limit,
    void (*fn)(const struct store_outbox *, int64_t, const char *, void *),
    void *arg)
{
	struct store_outbox	 o;
	struct db_stmt		*s;
	int			 rc;

	s = qprep(q, failed_only ?
	    "SELECT " STORE_OUTBOX_COLUMNS("o.") ", c.ref_number, c.category "
	    "FROM outbox o LEFT JOIN cases c ON c.id = o.case_id "
	    "WHERE o.state = 'failed' ORDER BY o.id DESC LIMIT ?1" :
	    "SELECT " STORE_OUTBOX_COLUMNS("o.") ", c.ref_number, c.category "
	    "FROM outbox o LEFT JOIN cases c ON c.id = o.case_id "
	    "ORDER BY o.id DESC LIMIT ?1");
	if (s == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, limit);
	while ((rc = db_step(s)) == DB_ROW) {
		store_outbox_fill(s, &o, 0);
		fn(&o, db_column_int64(s, STORE_OUTBOX_NCOLUMNS),
		    col_cstr(s, STORE_OUTBOX_NCOLUMNS + 1), arg);
	}
	return qdone(q, s, rc);
}

/*
 * ===================================================================
 * Reports and exports
 * ===================================================================
 */

/*
 * Calls fn(case, arg) for every case created in [from, to), with the
 * columns that reports read only (STORE_CASE_REPORT_COLUMNS; the others
 * 0 and NULL); with_text adds the text of its first message, oldest case
 * first (exports).  The case points into the row, valid during the call
 * only.  Returns STORE_OK or an error.
 */
enum store_status
store_report_rows(struct store_query *q, int64_t from, int64_t to,
    int with_text, void (*fn)(const struct store_case *, void *), void *arg)
{
	struct store_case	 c;
	struct db_stmt		*s;
	int			 rc;

	s = qprep(q, with_text ?
	    "SELECT " STORE_CASE_REPORT_COLUMNS("c.") ", "
	    STORE_CASE_TEXT_COLUMN " FROM cases c WHERE c.created >= ?1 AND "
	    "c.created < ?2 ORDER BY c.created, c.id" :
	    "SELECT " STORE_CASE_REPORT_COLUMNS("c.") ", NULL FROM cases c "
	    "WHERE c.created >= ?1 AND c.created < ?2");
	if (s == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, from);
	db_bind_int64(s, 2, to);
	while ((rc = db_step(s)) == DB_ROW) {
		store_case_fill(s, &c, 0);
		fn(&c, arg);
	}
	return qdone(q, s, rc);
}

/*
 * The report columns of a case as they stood at moment ?3, for cases
 * created in [?1, ?2): its category before any later correction, its
 * state after its last event before then, its deadline of then
 * (case_deadlines), its first answer, last closing and last reopening
 * if they came before then, its satisfaction if answered by then.  A
 * case without any event (imported, or seeded by a test) is taken as it
 * is.  The columns of STORE_CASE_REPORT_COLUMNS, then no text.
 *
 * Every lookup is one search of an index per case (corrections_case,
 * case_events_case and case_events_state, case_deadlines_case).  The
 * inner query reads whether the case has a history and its first later
 * correction once per case: its OFFSET keeps SQLite from flattening it
 * into the outer one, which would repeat them at every use (any OFFSET
 * does; its LIMIT is the largest integer rather than SQLite's -1, which
 * PostgreSQL refuses).  The outer one reads the history only of cases
 * that have one.  case_deadlines' rowid is SQLite's own, and a column
 * of PostgreSQL's schema that numbers the rows the same way.  The
 * statement is STORE_FROZEN_SQL (store_priv.h), which the fold of reports
 * summed by day shares (fold_rows.c).
 */
static const char frozen_sql[] = STORE_FROZEN_SQL(
    "c.created >= ?1 AND c.created < ?2");

/*
 * Calls fn(case, arg) for every case created in [from, to) with its
 * report columns as they stood at moment cut (see frozen_sql above): a
 * report rerun later gives the same figures.  The case points into the
 * row, valid during the call only.  Returns STORE_OK or an error.
 */
enum store_status
store_report_frozen(struct store_query *q, int64_t from, int64_t to,
    int64_t cut, void (*fn)(const struct store_case *, void *), void *arg)
{
	struct store_case	 c;
	struct db_stmt		*s;
	int			 rc;

	if ((s = qprep(q, frozen_sql)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, from);
	db_bind_int64(s, 2, to);
	db_bind_int64(s, 3, cut);
	while ((rc = db_step(s)) == DB_ROW) {
		store_case_fill(s, &c, 0);
		fn(&c, arg);
	}
	return qdone(q, s, rc);
}

/* What store_report_summed() reads with, and calls back. */
struct summed {
	void		(*counts)(const char *, const char *, const int64_t *,
			    void *);
	void		(*times)(const char *, const char *, int, const int *,
			    const int64_t *, int, void *);
	void		 *arg;
	int		  bucket[STORE_FOLD_BUCKETS];
	int64_t		  n[STORE_FOLD_BUCKETS];
};

enum { SUM_COUNTS, SUM_BUCKETS, SUM_LISTS };

/*
 * Steps s, which reads rows of counts (SUM_COUNTS), of times per bucket
 * (SUM_BUCKETS) or of lists of times (SUM_LISTS), calling back for
 * each; then resets it for another use.  Returns the last step's code.
 */
static int
summed_rows(struct summed *sm, struct db_stmt *s, int what)
{
	int64_t	v[STORE_FOLD_NCOUNTS];
	int	rc, k, b;

	while ((rc = db_step(s)) == DB_ROW) {
		if (what == SUM_COUNTS) {
			for (k = 0; k < STORE_FOLD_NCOUNTS; k++)
				v[k] = db_column_int64(s, 2 + k);
			sm->counts(col_cstr(s, 0), col_cstr(s, 1), v, sm->arg);
			continue;
		}
		if (what == SUM_BUCKETS) {
			b = (int)db_column_int64(s, 3);
			v[0] = db_column_int64(s, 4);
			sm->times(col_cstr(s, 0), col_cstr(s, 1),
			    (int)db_column_int64(s, 2), &b, v, 1, sm->arg);
			continue;
		}
		if ((k = store_fold_hist_decode(db_column_blob(s, 3),
		    db_column_bytes(s, 3), sm->bucket, sm->n)) == -1) {
			rc = DB_CORRUPT;
			break;
		}
		sm->times(col_cstr(s, 0), col_cstr(s, 1),
		    (int)db_column_int64(s, 2), sm->bucket, sm->n, k, sm->arg);
	}
	db_reset(s);
	db_clear_bindings(s);
	return rc;
}

/* Binds a read of summed_rows(): ?1 to ?3, and ?4 the ward, if any. */
static void
summed_bind(struct store_query *q, struct db_stmt *s, int64_t a, int64_t b,
    int64_t c)
{
	db_bind_int64(s, 1, a);
	db_bind_int64(s, 2, b);
	db_bind_int64(s, 3, c);
	if (q->c.viewed)
		db_bind_text(s, 4, q->c.ward);
}

/*
 * The reads of store_report_summed(): of report_days and report_day_times
 * the days of creation in [?1, ?2) changed before ?3, or (the tails) of
 * the day of creation ?1 changed in [?2, ?3); of report_months and
 * report_month_times the months of creation in [?1, ?2) changed in the
 * months before ?3.  Each reads a range of its table's key.  The rows
 * come as they are, in the key's order: the callers add them up, which
 * costs less than a GROUP BY's sort of as many rows.
 */
#define SUMMED_COUNTS "SELECT category, source, cases, open, resolved, " \
	"reopened, answered, resolutions, due, on_time, sat1, sat2, sat3, " \
	"sat4, sat5 FROM "
#define SUMMED_WARD " AND (?4 IS NULL OR ward = ?4)"
static const char *const summed_sql[] = {
	SUMMED_COUNTS "report_days WHERE cday >= ?1 AND cday < ?2 AND "
	    "xday < ?3" SUMMED_WARD,
	"SELECT category, source, kind, bucket, n FROM report_day_times "
	    "WHERE cday >= ?1 AND cday < ?2 AND xday < ?3" SUMMED_WARD,
	SUMMED_COUNTS "report_days WHERE cday = ?1 AND xday >= ?2 AND "
	    "xday < ?3" SUMMED_WARD,
	"SELECT category, source, kind, bucket, n FROM report_day_times "
	    "WHERE cday = ?1 AND xday >= ?2 AND xday < ?3" SUMMED_WARD,
	SUMMED_COUNTS "report_months WHERE cmonth >= ?1 AND cmonth < ?2 AND "
	    "xmonth < ?3" SUMMED_WARD,
	"SELECT category, source, kind, hist FROM report_month_times "
	    "WHERE cmonth >= ?1 AND cmonth < ?2 AND xmonth < ?3" SUMMED_WARD,
};
#undef SUMMED_COUNTS
#undef SUMMED_WARD
enum { SQ_DAYS, SQ_DAY_TIMES, SQ_TAIL, SQ_TAIL_TIMES, SQ_MONTHS,
    SQ_MONTH_TIMES, SQ_MAX };

/*
 * About how many cases were created in [from, to), all wards, into *n:
 * the ids of the first and the last of them apart (ids grow with time,
 * but for cases received on an earlier day), from two searches of
 * cases_created, however long the period.  Whether a report reads its
 * cases one by one (cmd_report.c).  Returns STORE_OK or an error.
 */
enum store_status
store_report_span(struct store_query *q, int64_t from, int64_t to,
    int64_t *n)
{
	struct db_stmt	*s;
	int		 rc;

	*n = 0;
	if ((s = qprep(q, "SELECT coalesce((SELECT id FROM cases WHERE "
	    "created < ?2 ORDER BY created DESC LIMIT 1) - (SELECT id FROM "
	    "cases WHERE created >= ?1 ORDER BY created LIMIT 1) + 1, 0)")) ==
	    NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, from);
	db_bind_int64(s, 2, to);
	if ((rc = db_step(s)) == DB_ROW)
		*n = db_column_int64(s, 0);
	return qdone(q, s, rc);
}

/*
 * The figures of the cases created in [from, to) as they stood at "to",
 * from the sums of the fold (fold_rows.c), when it has folded up to "to"
 * (from and to local midnights): counts(category, source, v, arg) with
 * counts v (STORE_FOLD_NCOUNTS of them) of a category and source, then
 * times(category, source, kind, bucket, n, k, arg) with the times in k
 * buckets (store_fold_bucket()), n[i] in bucket[i], each called many
 * times for one category and source: the caller adds them up.  The
 * strings and arrays are valid during the call only.  On a connection
 * limited to a ward, the sums of that ward.
 *
 * The months of creation inside the period, whole, are read from the
 * months' sums, with their changes of the months before to's (all of
 * them when to begins a month); their changes of to's month before to
 * from the days' sums, a day of creation at a time; the days of creation
 * before the first whole month and from to's month on (or of the whole
 * period, when no month is whole in it) from the days' sums, with every
 * change before to.  A year reads a few thousand rows, not a million.
 * All in one read transaction.  Returns STORE_OK, STORE_NOTFOUND when
 * the fold has not got to "to", its cases and its SMS (or never ran:
 * PostgreSQL) or has rows before its mark to fold still (history
 * written late: see fold_rows.c), or an error.  When STORE_OK,
 * store_report_sms_summed() can read the SMS of the period.
 */
enum store_status
store_report_summed(struct store_query *q, int64_t from, int64_t to,
    void (*counts)(const char *, const char *, const int64_t *, void *),
    void (*times)(const char *, const char *, int, const int *,
    const int64_t *, int, void *), void *arg)
{
	struct db_stmt		*s, *sq[SQ_MAX];
	struct summed		*sm;
	enum store_status	 r;
	int64_t			 fc[STORE_FC_MAX] = { 0 }, m0, m1, d;
	int			 rc = DB_DONE, i, k, seen = 0, late;

	memset(sq, 0, sizeof(sq));
	if (db_exec(q->c.db, "BEGIN") != DB_OK)
		return STORE_ERROR;
	/* The fold's counters (store_fold_counter[]). */
	if ((s = qprep(q, "SELECT value FROM counters WHERE name = ?1")) ==
	    NULL) {
		r = STORE_ERROR;
		goto done;
	}
	for (k = 0, rc = DB_DONE; k < STORE_FC_MAX && (rc == DB_DONE ||
	    rc == DB_ROW); k++) {
		db_bind_text(s, 1, store_fold_counter[k]);
		if ((rc = db_step(s)) == DB_ROW) {
			fc[k] = db_column_int64(s, 0);
			seen++;
		}
		db_reset(s);
	}
	if ((r = qdone(q, s, rc)) != STORE_OK)
		goto done;
	if (seen != STORE_FC_MAX || fc[STORE_FC_MARK] == 0 ||
	    fc[STORE_FC_MARK] < to || fc[STORE_FC_IDS] < fc[STORE_FC_TARGET] ||
	    fc[STORE_FC_SMS] < to) {
		r = STORE_NOTFOUND;
		goto done;
	}
	/*
	 * History the fold has not read yet though it comes before its mark
	 * (a case received on an earlier day, a change written late:
	 * STORE_FOLD_LATE()): read case by case until the next chunk folds
	 * it.
	 */
	if ((s = qprep(q, "SELECT EXISTS (" STORE_FOLD_LATE_CASES("1", "",
	    "?1", "?5") ") OR EXISTS (" STORE_FOLD_LATE_EVENTS("1", "", "?2",
	    "?5") ") OR EXISTS (" STORE_FOLD_LATE_FIXES("1", "", "?3", "?5")
	    ") OR EXISTS (" STORE_FOLD_LATE_LIMITS("1", "", "?4", "?5") ")")) ==
	    NULL) {
		r = STORE_ERROR;
		goto done;
	}
	db_bind_int64(s, 1, fc[STORE_FC_TARGET]);
	for (k = 0; k < 3; k++)
		db_bind_int64(s, 2 + k, fc[STORE_FC_EVENTS + k]);
	db_bind_int64(s, 5, fc[STORE_FC_MARK]);
	late = (rc = db_step(s)) == DB_ROW && db_column_int64(s, 0) != 0;
	if ((r = qdone(q, s, rc)) != STORE_OK)
		goto done;
	if (late) {
		r = STORE_NOTFOUND;
		goto done;
	}
	rc = DB_DONE;
	for (i = 0; i < SQ_MAX; i++)
		if ((sq[i] = qprep(q, summed_sql[i])) == NULL) {
			r = STORE_ERROR;
			goto done;
		}
	sm = xcalloc(1, sizeof(*sm));
	sm->counts = counts;
	sm->times = times;
	sm->arg = arg;
	/* The whole months: [m0, m1). */
	m0 = date_month_start(from, 0) == from ? from :
	    date_month_start(from, 1);
	m1 = date_month_start(to, 0);
	if (m0 >= m1)
		m0 = m1 = to;
	/* The days at the ends, with every change before to. */
	for (i = 0; rc == DB_DONE && i < 2; i++) {
		if (i == 0 ? from >= m0 : m1 >= to)
			continue;
		summed_bind(q, sq[SQ_DAYS], i == 0 ? from : m1, i == 0 ? m0 :
		    to, to);
		summed_bind(q, sq[SQ_DAY_TIMES], i == 0 ? from : m1, i == 0 ?
		    m0 : to, to);
		if ((rc = summed_rows(sm, sq[SQ_DAYS], SUM_COUNTS)) == DB_DONE)
			rc = summed_rows(sm, sq[SQ_DAY_TIMES], SUM_BUCKETS);
	}
	if (rc == DB_DONE && m0 < m1) {
		summed_bind(q, sq[SQ_MONTHS], m0, m1, m1);
		summed_bind(q, sq[SQ_MONTH_TIMES], m0, m1, m1);
		if ((rc = summed_rows(sm, sq[SQ_MONTHS], SUM_COUNTS)) ==
		    DB_DONE)
			rc = summed_rows(sm, sq[SQ_MONTH_TIMES], SUM_LISTS);
	}
	/* The whole months' changes of to's month before to. */
	for (d = m0; rc == DB_DONE && m1 < to && d < m1;
	    d = date_day_start(d + 36 * 3600)) {
		summed_bind(q, sq[SQ_TAIL], d, m1, to);
		summed_bind(q, sq[SQ_TAIL_TIMES], d, m1, to);
		if ((rc = summed_rows(sm, sq[SQ_TAIL], SUM_COUNTS)) == DB_DONE)
			rc = summed_rows(sm, sq[SQ_TAIL_TIMES], SUM_BUCKETS);
	}
	free(sm);
	r = STORE_OK;
	if (rc != DB_DONE) {
		if (rc == DB_CORRUPT)
			log_warnx(_("store: a damaged list of times in "
			    "report_month_times"));
		else
			log_warnx(_("store: query: %s"), db_errmsg(q->c.db));
		r = store_status_of(rc);
	}
done:
	for (i = 0; i < SQ_MAX; i++)
		db_finalize(sq[i]);
	db_exec(q->c.db, "COMMIT");
	return r;
}

/*
 * ===================================================================
 * Senders, reminders
 * ===================================================================
 */

/*
 * Calls fn(held, arg) for every number quarantined or blocked at "now",
 * the newest first, with its pseudonym when it has one; valid during the
 * call only.  Returns STORE_OK or an error.
 */
enum store_status
store_senders_held(struct store_query *q, int64_t now,
    void (*fn)(const struct store_held *, void *), void *arg)
{
	struct store_held	 h;
	struct db_stmt		*s;
	int			 rc;

	if ((s = qprep(q, "SELECT s.number, p.id, s.quarantined_at, "
	    "s.quarantine_until, s.quarantine_reason, s.blocked_by "
	    "FROM senders s LEFT JOIN pseudonyms p ON p.sender = s.number "
	    "WHERE s.quarantined_at IS NOT NULL AND (s.quarantine_until IS "
	    "NULL OR s.quarantine_until > ?1) ORDER BY s.quarantined_at "
	    "DESC")) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, now);
	while ((rc = db_step(s)) == DB_ROW) {
		memset(&h, 0, sizeof(h));
		h.number = col_cstr(s, 0);
		h.resident = db_column_int64(s, 1);
		h.since = db_column_int64(s, 2);
		h.until = db_column_int64(s, 3);
		h.reason = col_cstr(s, 4);
		h.blocked_by = col_cstr(s, 5);
		fn(&h, arg);
	}
	return qdone(q, s, rc);
}

/*
 * Copies the number of pseudonym resident ("R-42" is 42) into buf.
 * Returns STORE_OK, STORE_NOTFOUND (no such pseudonym, or its number was
 * erased) or an error.
 */
enum store_status
store_pseudonym_number(struct store_query *q, int64_t resident, char *buf,
    size_t bufsz)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = qprep(q, "SELECT sender FROM pseudonyms WHERE id = ?1 AND "
	    "sender IS NOT NULL AND sender <> ''")) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, resident);
	if ((rc = db_step(s)) == DB_DONE) {
		db_finalize(s);
		return STORE_NOTFOUND;
	}
	if (rc == DB_ROW)
		copy_str(buf, bufsz, col_cstr(s, 0));
	return qdone(q, s, rc);
}

/*
 * Sets *at to when the reminder of report period ("2026Q1") of ward
 * ("": a store of one ward) went out, or 0 when it has not.  Returns
 * STORE_OK or an error.
 */
enum store_status
store_reminder_sent(struct store_query *q, const char *period,
    const char *ward, int64_t *at)
{
	struct db_stmt	*s;
	int		 rc;
	char		 key[STORE_REMINDER_KEY_MAX];

	*at = 0;
	if ((s = qprep(q, "SELECT sent FROM report_reminders WHERE period = "
	    "?1")) == NULL)
		return STORE_ERROR;
	store_reminder_key(key, sizeof(key), period, ward);
	store_bind_text(s, 1, key);
	if ((rc = db_step(s)) == DB_ROW)
		*at = db_column_int64(s, 0);
	return qdone(q, s, rc);
}

/*
 * ===================================================================
 * Audit log
 * ===================================================================
 */

/*
 * Calls fn(entry, ref, arg) for audit entries in id order: the newest
 * "limit" of them (after_id 0), or every one after after_id (limit 0:
 * all).  ref is the reference number of the entry's case, or 0; the entry
 * is valid during the call only.  Returns STORE_OK or an error.
 */
enum store_status
store_audit_list(struct store_query *q, int64_t after_id, int64_t limit,
    void (*fn)(const struct store_audit *, int64_t, void *), void *arg)
{
	struct store_audit	 a;
	struct db_stmt		*s;
	int			 rc;

	if (after_id == 0 && limit > 0)
		s = qprep(q, "SELECT * FROM (SELECT " STORE_AUDIT_COLUMNS("a.")
		    ", c.ref_number FROM audit a LEFT JOIN cases c ON "
		    "c.id = a.case_id ORDER BY a.id DESC LIMIT ?2) AS t "
		    "WHERE ?1 = 0 ORDER BY 1");
	else
		s = qprep(q, "SELECT " STORE_AUDIT_COLUMNS("a.") ", "
		    "c.ref_number FROM audit a LEFT JOIN cases c ON "
		    "c.id = a.case_id WHERE a.id > ?1 ORDER BY a.id LIMIT ?2");
	if (s == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, after_id);
	db_bind_int64(s, 2, limit > 0 ? limit : INT64_MAX);
	while ((rc = db_step(s)) == DB_ROW) {
		store_audit_fill(s, &a, 0);
		fn(&a, db_column_int64(s, STORE_AUDIT_NCOLUMNS), arg);
	}
	return qdone(q, s, rc);
}

/*
 * Calls fn(entry, arg) for every audit entry in id order (the entry valid
 * during the call only; fn returns -1 to stop), then sets the head that
 * the insert trigger keeps (the newest entry's id, the number of entries
 * and the newest hash) in *last_id, *entries and head.  Both reads are in
 * one read transaction: the head matches the entries walked.  Returns
 * STORE_OK or an error.
 */
enum store_status
store_audit_walk(struct store_query *q,
    int (*fn)(const struct store_audit *, void *), void *arg,
    int64_t *last_id, int64_t *entries, char head[STORE_HASH_HEX])
{
	struct store_audit	 a;
	struct db_stmt		*s;
	enum store_status	 r;
	int			 rc;

	*last_id = *entries = 0;
	head[0] = '\0';
	if (db_exec(q->c.db, "BEGIN") != DB_OK)
		return STORE_ERROR;
	if ((s = qprep(q, "SELECT " STORE_AUDIT_COLUMNS("a.") " FROM audit a "
	    "ORDER BY a.id")) == NULL) {
		r = STORE_ERROR;
		goto done;
	}
	while ((rc = db_step(s)) == DB_ROW) {
		store_audit_fill(s, &a, 0);
		if (fn(&a, arg) == -1) {
			rc = DB_DONE;
			break;
		}
	}
	if ((r = qdone(q, s, rc)) != STORE_OK)
		goto done;
	if ((s = qprep(q, "SELECT last_id, entries, hash FROM audit_head "
	    "WHERE id = 1")) == NULL) {
		r = STORE_ERROR;
		goto done;
	}
	if ((rc = db_step(s)) == DB_ROW) {
		*last_id = db_column_int64(s, 0);
		*entries = db_column_int64(s, 1);
		copy_str(head, STORE_HASH_HEX, col_cstr(s, 2) != NULL ?
		    col_cstr(s, 2) : "");
	}
	r = qdone(q, s, rc);
done:
	db_exec(q->c.db, "COMMIT");
	return r;
}

/*
 * The reads of the SMS of a period: s, prepared by qprep() (NULL: it
 * failed), of [?1, ?2) and ward ?3 on a connection limited to one, and
 * rows of kind, messages and parts, each handed to fn(kind, messages,
 * parts, arg).  Returns STORE_OK or an error.
 */
static enum store_status
sms_rows(struct store_query *q, struct db_stmt *s, int64_t from, int64_t to,
    void (*fn)(const char *, int64_t, int64_t, void *), void *arg)
{
	int	rc;

	if (s == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, from);
	db_bind_int64(s, 2, to);
	if (q->c.viewed)
		db_bind_text(s, 3, q->c.ward);
	while ((rc = db_step(s)) == DB_ROW)
		fn(col_cstr(s, 0), db_column_int64(s, 1),
		    db_column_int64(s, 2), arg);
	return qdone(q, s, rc);
}

/*
 * As store_outbox_parts() for a period [from, to) from a local midnight
 * to another, from the SMS the fold counted per day (report_sms_days),
 * once store_report_summed() said the fold got to "to".  Returns
 * STORE_OK or an error.
 */
enum store_status
store_report_sms_summed(struct store_query *q, int64_t from, int64_t to,
    void (*fn)(const char *, int64_t, int64_t, void *), void *arg)
{
	return sms_rows(q, qprep(q, "SELECT kind, sum(messages), sum(parts) "
	    "FROM report_sms_days WHERE day >= ?1 AND day < ?2 AND (?3 IS NULL "
	    "OR ward = ?3) GROUP BY kind ORDER BY kind"), from, to, fn, arg);
}

/*
 * Calls fn(kind, messages, parts, arg) for the outbox rows of each kind
 * created at or after since and before until: what the ward's SMS cost,
 * read from the index outbox_created alone; on a connection limited to a
 * ward in a store of several, the rows of that ward (STORE_OUTBOX_OF_WARD),
 * read from the table.  Returns STORE_OK or an error.
 */
enum store_status
store_outbox_parts(struct store_query *q, int64_t since, int64_t until,
    void (*fn)(const char *, int64_t, int64_t, void *), void *arg)
{
	return sms_rows(q, qprep(q, q->c.viewed ? "SELECT kind, count(*), "
	    "sum(segments) FROM outbox WHERE created >= ?1 AND created < ?2 "
	    "AND " STORE_OUTBOX_OF_WARD("?3") " GROUP BY kind ORDER BY kind" :
	    "SELECT kind, count(*), sum(segments) FROM outbox "
	    "WHERE created >= ?1 AND created < ?2 GROUP BY kind "
	    "ORDER BY kind"), since, until, fn, arg);
}
