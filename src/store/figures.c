/*
 * figures.c: the dashboard's own reads, on a read-only connection of
 * their own (store_figures_open()), like query.c's.
 *
 * Each is shaped for an index, since the dashboard must answer within
 * 200 ms with a million cases: new cases per day read the cases of the
 * last days through cases_created; the cases falling due read the ranges
 * of cases_waiting and cases_open_held (the open cases by deadline in
 * two parts, schema 34: the query says what each index holds as the
 * index does); the SMS parts sent read
 * the outbox rows of the period as a range of ids, found by a binary
 * search on their creation time (ids grow with it: rows are only ever
 * appended).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/figures.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "store/store.h"
#include "store/store_priv.h"

#define FIG_SQL_MAX	2048	/* bytes of a composed statement */
#define FIG_VISIBLE_MAX	64	/* categories in an IN list */
#define SECS_PER_DAY	86400

struct store_figures {
	struct store_conn c;
};

/*
 * Opens a read-only connection for the dashboard's figures.  Returns it
 * (close it with store_figures_close()), or NULL with the reason in err.
 */
struct store_figures *
store_figures_open(struct store *st, int busy_timeout_ms, char *err,
    size_t errsz)
{
	struct store_figures	*f = xcalloc(1, sizeof(*f));

	if (store_conn_open(&f->c, st, DB_READONLY | DB_SESSION,
	    busy_timeout_ms > 0 ? busy_timeout_ms : STORE_BUSY_TIMEOUT_DEFAULT,
	    "", err, errsz) == -1) {
		store_figures_close(f);
		return NULL;
	}
	return f;
}

/*
 * Limits f to the cases of ward, or (NULL) to every ward again: see
 * store_conn_ward().  Returns 0, or -1 (logged), after which f is to be
 * closed.
 */
int
store_figures_ward(struct store_figures *f, const char *ward)
{
	return store_conn_ward(&f->c, ward);
}

/* Closes f; NULL is a no-op. */
void
store_figures_close(struct store_figures *f)
{
	if (f == NULL)
		return;
	store_conn_close(&f->c);
	free(f);
}

static struct db_stmt *
fprep(struct store_figures *f, const char *sql)
{
	struct db_stmt	*s = NULL;

	if (db_prepare(f->c.db, sql, &s) != DB_OK) {
		log_warnx(_("store: figures: %s"), db_errmsg(f->c.db));
		db_finalize(s);
		return NULL;
	}
	return s;
}

static enum store_status
fdone(struct store_figures *f, struct db_stmt *s, int rc)
{
	db_finalize(s);
	if (rc == DB_DONE || rc == DB_ROW || rc == DB_OK)
		return STORE_OK;
	log_warnx(_("store: figures: %s"), db_errmsg(f->c.db));
	return store_status_of(rc);
}

/*
 * New cases since since (Unix seconds), per category and local day:
 * cb(category, day, n, arg), day counted in days since the epoch in a
 * zone utc_offset seconds east of UTC.
 */
enum store_status
store_figures_daily(struct store_figures *f, int64_t since,
    int64_t utc_offset, void (*cb)(const char *, int64_t, int64_t, void *),
    void *arg)
{
	struct db_stmt	*s;
	int		 rc;

	s = fprep(f, "SELECT category, (created + ?1) / 86400, count(*) "
	    "FROM cases WHERE created >= ?2 GROUP BY 1, 2");
	if (s == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, utc_offset);
	db_bind_int64(s, 2, since);
	while ((rc = db_step(s)) == DB_ROW)
		cb(db_column_text(s, 0),
		    db_column_int64(s, 1), db_column_int64(s, 2),
		    arg);
	return fdone(f, s, rc);
}

/* One int64 from sql with one bound value; *v 0 when there is no row. */
static enum store_status
one_int(struct store_figures *f, const char *sql, int64_t bind, int64_t *v)
{
	struct db_stmt	*s;
	int		 rc;

	*v = 0;
	if ((s = fprep(f, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, bind);
	if ((rc = db_step(s)) == DB_ROW)
		*v = db_column_int64(s, 0);
	return fdone(f, s, rc);
}

/*
 * The first outbox id created at or after since, by binary search on the
 * ids (in *first; past the last id when there is none).
 */
static enum store_status
first_since(struct store_figures *f, int64_t since, int64_t *first)
{
	enum store_status	st;
	int64_t			lo, hi, mid, id, at;

	if ((st = one_int(f, "SELECT coalesce(max(id), 0) + ?1 FROM outbox",
	    1, &hi)) != STORE_OK)
		return st;
	lo = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		/* The row at mid, or the next one there is. */
		if ((st = one_int(f, "SELECT id FROM outbox WHERE id >= ?1 "
		    "ORDER BY id LIMIT 1", mid, &id)) != STORE_OK ||
		    (st = one_int(f, "SELECT created FROM outbox WHERE id = ?1",
		    id, &at)) != STORE_OK)
			return st;
		if (id == 0 || at >= since)
			hi = mid;
		else
			lo = id + 1;
	}
	*first = lo;
	return STORE_OK;
}

/*
 * The SMS parts and messages sent (or delivered) among the outbox rows
 * created since since: of the connection's ward when it has one
 * (STORE_OUTBOX_OF_WARD).
 */
enum store_status
store_figures_parts(struct store_figures *f, int64_t since, int64_t *parts,
    int64_t *messages)
{
	enum store_status	 st;
	struct db_stmt		*s;
	int64_t			 first;
	int			 rc;

	*parts = *messages = 0;
	if ((st = first_since(f, since, &first)) != STORE_OK)
		return st;
	s = fprep(f, f->c.viewed ? "SELECT coalesce(sum(segments), 0), "
	    "count(*) FROM outbox WHERE id >= ?1 AND state IN ('sent', "
	    "'delivered') AND " STORE_OUTBOX_OF_WARD("?2") :
	    "SELECT coalesce(sum(segments), 0), count(*) FROM outbox "
	    "WHERE id >= ?1 AND state IN ('sent', 'delivered')");
	if (s == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, first);
	if (f->c.viewed)
		db_bind_text(s, 2, f->c.ward);
	if ((rc = db_step(s)) == DB_ROW) {
		*parts = db_column_int64(s, 0);
		*messages = db_column_int64(s, 1);
	}
	return fdone(f, s, rc);
}

/*
 * The open cases in two indexes by deadline (schema 34): those waiting
 * for a first answer or for one since they were reopened, not overdue
 * (cases_waiting, which the deadline timer reads), and the others
 * (cases_open_held).  The conditions are the indexes' own, word for
 * word, and each case is in exactly one of them.
 */
#define DUE_OPEN	"state NOT IN ('resolved', 'confirmed')"
#define DUE_WAITING	"overdue IS NULL AND " DUE_OPEN " AND "		\
	"(first_answered IS NULL OR reopened > coalesce(answered, 0))"
#define DUE_HELD	DUE_OPEN " AND (overdue IS NOT NULL OR "		\
	"(first_answered IS NOT NULL AND (reopened IS NULL OR "		\
	"reopened <= coalesce(answered, 0))))"

/*
 * Appends to sql (len bytes so far) the open cases of the condition
 * where, from index (NULL: none named) whose deadline falls in [?1, ?2),
 * in the nvisible categories ?4... (none: every one; visible NULL),
 * soonest first, at most ?3, as a table named as.  Returns the new
 * length.
 */
static size_t
due_arm(char *sql, size_t sqlsz, size_t len, const char *index,
    const char *where, char *const *visible, size_t nvisible,
    const char *as)
{
	size_t	i;

	if (len >= sqlsz)
		return len;
	len += (size_t)snprintf(sql + len, sqlsz - len, "SELECT * FROM "
	    "(SELECT ref_number, category, state, assignee, created, "
	    "deadline FROM cases %s%s WHERE %s AND deadline >= ?1 AND "
	    "deadline < ?2", index != NULL ? "INDEXED BY " : "",
	    index != NULL ? index : "", where);
	if (visible != NULL && len < sqlsz) {
		len += (size_t)snprintf(sql + len, sqlsz - len,
		    " AND +category IN (");
		for (i = 0; i < nvisible && len < sqlsz; i++)
			len += (size_t)snprintf(sql + len, sqlsz - len,
			    "%s?%zu", i ? ", " : "", i + 4);
		if (len < sqlsz)
			len += (size_t)snprintf(sql + len, sqlsz - len, ")");
	}
	if (len < sqlsz)
		len += (size_t)snprintf(sql + len, sqlsz - len, " ORDER BY "
		    "deadline, ref_number LIMIT ?3) AS %s", as);
	return len;
}

/*
 * Open cases whose deadline falls in [from, to), soonest first, at most
 * limit, in the categories visible (NULL: every one; an empty list:
 * none): cb(due, arg) for each.  The first of each of the two indexes
 * of the open cases by deadline, merged; a connection limited to a ward
 * (a view, which has no index to name) says "open" alone.
 */
enum store_status
store_figures_due(struct store_figures *f, int64_t from, int64_t to,
    char *const *visible, size_t nvisible, int limit,
    void (*cb)(const struct store_due *, void *), void *arg)
{
	struct store_due	 d;
	struct db_stmt		*s;
	char			 sql[FIG_SQL_MAX];
	size_t			 i, len;
	int			 rc;

	if (visible != NULL && nvisible == 0)
		return STORE_OK;
	if (nvisible > FIG_VISIBLE_MAX)
		return STORE_INVALID;
	if (f->c.viewed)
		len = due_arm(sql, sizeof(sql), 0, NULL, DUE_OPEN, visible,
		    nvisible, "o");
	else {
		len = due_arm(sql, sizeof(sql), 0, "cases_waiting",
		    DUE_WAITING, visible, nvisible, "w");
		if (len < sizeof(sql))
			len += (size_t)snprintf(sql + len, sizeof(sql) - len,
			    " UNION ALL ");
		len = due_arm(sql, sizeof(sql), len, "cases_open_held",
		    DUE_HELD, visible, nvisible, "h");
	}
	if (len + 64 >= sizeof(sql))
		return STORE_INVALID;
	snprintf(sql + len, sizeof(sql) - len, " ORDER BY deadline, "
	    "ref_number LIMIT ?3");
	if ((s = fprep(f, sql)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, from);
	db_bind_int64(s, 2, to);
	db_bind_int64(s, 3, limit);
	for (i = 0; i < nvisible; i++)
		store_bind_text(s, (int)i + 4, visible[i]);
	while ((rc = db_step(s)) == DB_ROW) {
		d.ref_number = db_column_int64(s, 0);
		d.category = db_column_text(s, 1);
		d.state = db_column_text(s, 2);
		d.assignee = db_column_text(s, 3);
		d.created = db_column_int64(s, 4);
		d.deadline = db_column_int64(s, 5);
		cb(&d, arg);
	}
	return fdone(f, s, rc);
}
