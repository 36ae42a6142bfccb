/*
 * db_pg.c: the database interface (db.h) on a PostgreSQL server through
 * libpq, one connection per handle.
 *
 * A statement is prepared on the server under a name of its own
 * ("papigw_N") with its "?" numbered $1, $2... (outside quotes and
 * comments).  Values are bound as text (integers in decimal, doubles
 * with every digit), blobs in binary; the server infers each
 * parameter's type from where it stands.  The first db_step() runs the
 * statement and keeps its whole result; each step moves to the next
 * row.  Results come as text: integers are read back with strtoll(),
 * bytea from its hex form.
 *
 * An error aborts PostgreSQL's transaction (until a ROLLBACK TO its
 * savepoint or a ROLLBACK), where SQLite fails the statement alone: the
 * store runs each work item in a savepoint and writes statements that
 * do not fail in normal work (ON CONFLICT DO NOTHING).
 *
 * A lost connection is reset on the next statement; its prepared
 * statements are prepared again, as the server forgot them, and the
 * session is set up again as it was opened.  With a list of hosts and
 * target_session_attrs=read-write in the conninfo, the reset connects to
 * whichever host takes writes then: after a failover, the promoted
 * standby.  What the caller made of the session (a session lock, a
 * temporary view, a setting) is not made again: a handle opened with
 * DB_SESSION, whose session holds such things, is not reset; every call
 * on it fails until it is closed.  A
 * transaction open on it is lost with it: until the caller's ROLLBACK,
 * every statement fails (DB_UNAVAILABLE), so that none runs outside the
 * transaction it was written for, and the connection says it is in a
 * transaction.
 *
 * An INSERT into a table whose id comes from the table (an identity
 * column or a default) is prepared with "RETURNING id" added, unless it
 * has a RETURNING of its own: the id it returns is db_last_id()'s, and
 * the caller sees no rows, as on SQLite.  A "SELECT lastval()" after
 * each insert was one more round trip to the server for each row the
 * writer inserts (three a message), on a path that waits on round trips.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libpq-fe.h>

#include "base/util.h"
#include "store/db.h"

/* The type oids of pg_type.h that results are read by. */
#define OID_BOOL	16
#define OID_BYTEA	17
#define OID_INT8	20
#define OID_INT2	21
#define OID_INT4	23
#define OID_OID		26
#define OID_FLOAT4	700
#define OID_FLOAT8	701
#define OID_NUMERIC	1700

struct pdb {
	struct db	 base;
	PGconn		*conn;
	unsigned	 gen;		/* +1 at each reconnection */
	unsigned	 names;		/* statements named so far */
	int64_t		 changes;
	int64_t		 total;		/* changes since it opened */
	int64_t		 last_id;	/* from the last statement run */
	int		 has_last_id;	/* ... when it returned one */
	int		 txn;		/* a transaction open, last we knew */
	int		 txn_lost;	/* ...when the connection was lost */
	double		 backoff;	/* s between reconnections, 0: none */
	double		 retry_at;	/* the next one (CLOCK_MONOTONIC) */
	const char	*setup;		/* SQL that sets the session up */
	int		 unset;		/* ...which failed on this one */
	int		 session;	/* DB_SESSION: never opened again */
	char		 err[512];
	char		 reset_err[512]; /* why the last one failed */
};

#define RECONNECT_FIRST	0.1	/* s after the first failed reconnection */
#define RECONNECT_MAX	5.0	/* at most, doubling until then */

struct pstmt {
	struct db_stmt	 base;
	char		 name[24];
	char		*sql;		/* with $1, $2... */
	unsigned	 gen;		/* the connection's when prepared */
	int		 nparams;
	int		 returns_id;	/* "RETURNING id" added */
	char		**vals;		/* NULL: SQL NULL */
	int		*lens;
	int		*fmts;		/* 1: binary (blobs) */
	PGresult	*res;
	int		 row, nrows;
	int		 ran;
	unsigned char	*blob;		/* the last bytea column read */
	size_t		 bloblen;
	int		 blobcol;
};

#define PDB(d)		((struct pdb *)(void *)(d))
#define CPDB(d)		((const struct pdb *)(const void *)(d))
#define PST(s)		((struct pstmt *)(void *)(s))
#define CPST(s)		((const struct pstmt *)(const void *)(s))

/*
 * Keeps the first line of msg (libpq's: "ERROR:  what", then the
 * statement's line and a caret) as the error.  A connection to a list
 * of hosts that failed says why for each host on a line of its own
 * ("connection to server at ... failed: Connection refused", then "...:
 * session is read-only" for a standby that target_session_attrs
 * turned down): those lines are kept, joined by "; ".
 */
static void
set_err(struct pdb *d, const char *msg)
{
	static const char	 host[] = "connection to server ";
	const char		*p;
	size_t			 n, o;

	if (msg == NULL || *msg == '\0')
		msg = "unknown PostgreSQL error";
	n = strcspn(msg, "\n");
	o = (size_t)snprintf(d->err, sizeof(d->err), "%.*s", (int)n, msg);
	for (p = msg + n; *p != '\0' && o < sizeof(d->err); p += n) {
		p++;		/* the newline */
		n = strcspn(p, "\n");
		if (strncmp(p, host, sizeof(host) - 1) == 0)
			o += (size_t)snprintf(d->err + o, sizeof(d->err) - o,
			    "; %.*s", (int)n, p);
	}
	n = strlen(d->err);
	while (n > 0 && isspace((unsigned char)d->err[n - 1]))
		d->err[--n] = '\0';
}

/* A failed result's SQLSTATE as the interface's code. */
static enum db_rc
rc_of_state(const char *state)
{
	if (state == NULL)
		return DB_UNAVAILABLE;	/* no answer: the connection */
	if (strcmp(state, "23505") == 0)
		return DB_UNIQUE;
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return DB_BUSY;
	if (strcmp(state, "53100") == 0)
		return DB_FULL;
	if (strncmp(state, "XX", 2) == 0)
		return DB_CORRUPT;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return DB_UNAVAILABLE;
	if (strcmp(state, "42P18") == 0 || strcmp(state, "08P01") == 0)
		return DB_MISUSE;
	return DB_ERROR;
}

/* Records a failed result; returns its code. */
static enum db_rc
fail(struct pdb *d, PGresult *res)
{
	enum db_rc	rc;

	if (res == NULL) {
		set_err(d, PQerrorMessage(d->conn));
		return DB_UNAVAILABLE;
	}
	set_err(d, PQresultErrorMessage(res));
	rc = rc_of_state(PQresultErrorField(res, PG_DIAG_SQLSTATE));
	if (rc == DB_UNAVAILABLE && PQstatus(d->conn) == CONNECTION_OK)
		rc = DB_ERROR;
	if (PQstatus(d->conn) != CONNECTION_OK)
		rc = DB_UNAVAILABLE;
	return rc;
}

static void
notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;	/* NOTICEs (IF NOT EXISTS...) are not errors */
}

static struct db *
p_open(const struct db_options *o, char *err, size_t errsz)
{
	struct pdb	*d;
	PGresult	*res;

	d = xcalloc(1, sizeof(*d));
	d->base.driver = &db_pg_driver;
	d->session = (o->flags & DB_SESSION) != 0;
	d->conn = PQconnectdb(o->target != NULL ? o->target : "");
	if (d->conn == NULL || PQstatus(d->conn) != CONNECTION_OK) {
		set_err(d, d->conn != NULL ? PQerrorMessage(d->conn) :
		    "out of memory");
		snprintf(err, errsz, "PostgreSQL: %s", d->err);
		PQfinish(d->conn);
		free(d);
		return NULL;
	}
	PQsetNoticeProcessor(d->conn, notice, NULL);
	/* Text as UTF-8, times as the daemon's integers: nothing else. */
	d->setup = (o->flags & DB_READONLY) ?
	    "SET client_encoding = 'UTF8'; "
	    "SET default_transaction_read_only = on" :
	    "SET client_encoding = 'UTF8'";
	res = PQexec(d->conn, d->setup);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_err(d, PQresultErrorMessage(res));
		snprintf(err, errsz, "PostgreSQL: %s", d->err);
		PQclear(res);
		PQfinish(d->conn);
		free(d);
		return NULL;
	}
	PQclear(res);
	return &d->base;
}

static void
p_close(struct db *db)
{
	PQfinish(PDB(db)->conn);
	free(db);
}

/*
 * The rows a statement inserted, updated or deleted, counted as SQLite's
 * changes() counts them: a SELECT (whose command tag has a count too)
 * leaves the count of the last change as it was.
 */
static void
count_changes(struct pdb *d, PGresult *res)
{
	const char	*tag = PQcmdStatus(res);

	if (strncmp(tag, "INSERT ", 7) != 0 &&
	    strncmp(tag, "UPDATE ", 7) != 0 &&
	    strncmp(tag, "DELETE ", 7) != 0 &&
	    strncmp(tag, "MERGE ", 6) != 0)
		return;
	d->changes = strtoll(PQcmdTuples(res), NULL, 10);
	d->total += d->changes;
}

/* Notes whether a transaction is open, when the connection can say. */
static void
note_txn(struct pdb *d)
{
	switch (PQtransactionStatus(d->conn)) {
	case PQTRANS_IDLE:
		d->txn = 0;
		break;
	case PQTRANS_UNKNOWN:
		break;		/* the connection is gone: as it was */
	default:
		d->txn = 1;
		break;
	}
}

/*
 * Opens the connection again (PQreset: the same conninfo, so with a list
 * of hosts and target_session_attrs=read-write, whichever takes writes
 * now, a promoted standby after a failover) and sets the new session up
 * as p_open() set up the first: a read-only handle stays read-only.
 * Returns whether it is up.
 */
static int
reopen(struct pdb *d)
{
	PGresult	*res;
	int		 ok;

	PQreset(d->conn);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		set_err(d, PQerrorMessage(d->conn));
		return 0;
	}
	res = PQexec(d->conn, d->setup);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		set_err(d, PQresultErrorMessage(res));
	PQclear(res);
	d->unset = !ok;		/* not a session to use as it is */
	return ok;
}

/*
 * Brings a lost connection back; a transaction that was open on it is
 * lost (d->txn_lost, until the caller's ROLLBACK).  After a failed
 * attempt the next waits RECONNECT_FIRST s, then twice as long each time
 * up to RECONNECT_MAX: meanwhile every call fails at once with the last
 * reason, so that a server down costs no connection attempt per
 * statement.  Returns whether the connection is up.
 */
static int
alive(struct pdb *d)
{
	struct timespec	ts;
	double		now;

	if (PQstatus(d->conn) == CONNECTION_OK && !d->unset)
		return 1;
	if (d->txn) {
		d->txn_lost = 1;
		d->txn = 0;
	}
	if (d->session) {
		set_err(d, "the connection to the server was lost, and the "
		    "session's locks and settings with it");
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	if (now < d->retry_at) {
		set_err(d, d->reset_err);
		return 0;
	}
	if (!reopen(d)) {
		copy_str(d->reset_err, sizeof(d->reset_err), d->err);
		d->backoff = d->backoff == 0 ? RECONNECT_FIRST :
		    d->backoff * 2 > RECONNECT_MAX ? RECONNECT_MAX :
		    d->backoff * 2;
		d->retry_at = now + d->backoff;
		return 0;
	}
	d->backoff = d->retry_at = 0;
	d->gen++;
	return 1;
}

/* Whether sql starts with word (a keyword: what follows is not one). */
static int
starts(const char *sql, const char *word)
{
	size_t	n = strlen(word);

	while (isspace((unsigned char)*sql))
		sql++;
	return strncasecmp(sql, word, n) == 0 &&
	    !isalnum((unsigned char)sql[n]) && sql[n] != '_';
}

/*
 * With the transaction lost with a connection: sql, the caller's
 * ROLLBACK, ends that (DB_OK, *done set); a BEGIN ends it too (the
 * caller starts anew: it knows the transaction is over, if its ROLLBACK
 * failed) and runs; anything else fails.  Returns DB_OK otherwise.
 * Before alive(): the ROLLBACK needs no server (the one that ended the
 * session ended its transaction), and one that failed while no server
 * took connections would leave the transaction lost, and every later
 * statement failing, once one does.
 */
static enum db_rc
lost_txn(struct pdb *d, const char *sql, int *done)
{
	*done = 0;
	if (d->txn && PQstatus(d->conn) != CONNECTION_OK) {
		d->txn_lost = 1;
		d->txn = 0;
	}
	if (!d->txn_lost)
		return DB_OK;
	if (starts(sql, "ROLLBACK") && !starts(sql + strspn(sql, " \t\n") +
	    8, "TO")) {
		d->txn_lost = 0;
		*done = 1;
		return DB_OK;
	}
	if (starts(sql, "BEGIN") || starts(sql, "START")) {
		d->txn_lost = 0;
		return DB_OK;
	}
	set_err(d, "the connection to the server was lost in a transaction; "
	    "it is rolled back");
	return DB_UNAVAILABLE;
}

static enum db_rc
p_exec(struct db *db, const char *sql)
{
	struct pdb	*d = PDB(db);
	PGresult	*res;
	enum db_rc	 rc = DB_OK;
	int		 done;

	d->err[0] = '\0';
	if ((rc = lost_txn(d, sql, &done)) != DB_OK || done)
		return rc;
	if (!alive(d))
		return DB_UNAVAILABLE;
	res = PQexec(d->conn, sql);
	note_txn(d);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		count_changes(d, res);
		break;
	default:
		rc = fail(d, res);
		break;
	}
	PQclear(res);
	return rc;
}

/*
 * sql with each "?" outside quotes, identifiers and comments numbered
 * $1, $2..., and each "?NNN" written $NNN; the count in *n.  "INDEXED
 * BY name" and a unary "+" before a column, hints to SQLite's planner,
 * are left out; SQLite's "LIMIT -1" (no limit, written to give an OFFSET
 * or to keep a subquery apart) is PostgreSQL's "LIMIT ALL".  (Mixing the
 * two forms counts as SQLite does only when the numbered ones come
 * last; the store does not mix them.)
 */
static char *
number_params(const char *sql, int *n)
{
	size_t	 len = strlen(sql), o = 0;
	char	*out = xcalloc(1, len * 4 + 1);	/* "?" -> "$9999" at most */
	char	*end, q;
	int	 v;

	*n = 0;
	while (*sql != '\0') {
		if (*sql == '\'' || *sql == '"') {
			q = *sql;
			out[o++] = *sql++;
			while (*sql != '\0' && *sql != q)
				out[o++] = *sql++;
			if (*sql != '\0')
				out[o++] = *sql++;
		} else if (sql[0] == '-' && sql[1] == '-') {
			while (*sql != '\0' && *sql != '\n')
				out[o++] = *sql++;
		} else if (strncasecmp(sql, "INDEXED BY ", 11) == 0 &&
		    (o == 0 || !isalnum((unsigned char)out[o - 1]))) {
			/* SQLite's hint to its planner: none here. */
			sql += 11;
			while (isalnum((unsigned char)*sql) || *sql == '_')
				sql++;
		} else if (strncasecmp(sql, "LIMIT -1", 8) == 0 &&
		    !isalnum((unsigned char)sql[8]) &&
		    (o == 0 || !isalnum((unsigned char)out[o - 1]))) {
			memcpy(out + o, "LIMIT ALL", 9);
			o += 9;
			sql += 8;
		} else if (*sql == '+' && isalpha((unsigned char)sql[1]) &&
		    o > 0 && out[o - 1] == ' ') {
			/* A unary "+" before a column, SQLite's way to keep
			 * an index out of a plan: nothing here. */
			sql++;
		} else if (*sql == '?' && isdigit((unsigned char)sql[1])) {
			/* ?NNN, SQLite's numbered form: $NNN. */
			v = (int)strtol(sql + 1, &end, 10);
			if (v > *n)
				*n = v;
			out[o++] = '$';
			sql++;
			while (sql < end)
				out[o++] = *sql++;
		} else if (*sql == '?' && *n < 9999) {
			o += (size_t)sprintf(out + o, "$%d", ++*n);
			sql++;
		} else
			out[o++] = *sql++;
	}
	out[o] = '\0';
	return out;
}

/* Prepares s on the server (again, after a reconnection). */
static enum db_rc
server_prepare(struct pdb *d, struct pstmt *s)
{
	PGresult	*res;
	enum db_rc	 rc = DB_OK;

	res = PQprepare(d->conn, s->name, s->sql, s->nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = fail(d, res);
	else
		s->gen = d->gen;
	PQclear(res);
	return rc;
}

/* Frees what a statement holds on the client side. */
static void
pstmt_free(struct pstmt *s)
{
	free(s->sql);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s);
}

/*
 * Whether sql is an INSERT without a RETURNING into a table whose id
 * column the table fills: an identity or a default (the server says).
 */
static int
inserts_id(struct pdb *d, const char *sql)
{
	const char	*p = sql, *q;
	const char	*params[1];
	char		 table[128];
	size_t		 n;
	PGresult	*res;
	int		 yes;

	while (isspace((unsigned char)*p))
		p++;
	if (strncasecmp(p, "INSERT", 6) != 0 || !isspace((unsigned char)p[6]))
		return 0;
	for (q = p; *q != '\0'; q++)
		if (strncasecmp(q, "RETURNING", 9) == 0)
			return 0;
	p += 6;
	while (isspace((unsigned char)*p))
		p++;
	if (strncasecmp(p, "INTO", 4) != 0 || !isspace((unsigned char)p[4]))
		return 0;
	p += 4;
	while (isspace((unsigned char)*p))
		p++;
	n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_.");
	if (n == 0 || n >= sizeof(table))
		return 0;
	memcpy(table, p, n);
	table[n] = '\0';
	params[0] = table;
	res = PQexecParams(d->conn, "SELECT 1 FROM pg_attribute "
	    "WHERE attrelid = to_regclass($1) AND attname = 'id' "
	    "AND NOT attisdropped AND (attidentity <> '' OR atthasdef)",
	    1, NULL, params, NULL, NULL, 0);
	yes = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	PQclear(res);
	return yes;
}

static enum db_rc
p_prepare(struct db *db, const char *sql, struct db_stmt **sp)
{
	struct pdb	*d = PDB(db);
	struct pstmt	*s;
	enum db_rc	 rc;

	d->err[0] = '\0';
	if (!alive(d))
		return DB_UNAVAILABLE;
	s = xcalloc(1, sizeof(*s));
	s->base.db = db;
	s->sql = number_params(sql, &s->nparams);
	if (inserts_id(d, s->sql)) {
		size_t	n = strlen(s->sql);
		char	*r;

		while (n > 0 && (isspace((unsigned char)s->sql[n - 1]) ||
		    s->sql[n - 1] == ';'))
			n--;
		r = xcalloc(1, n + sizeof(" RETURNING id"));
		memcpy(r, s->sql, n);
		memcpy(r + n, " RETURNING id", sizeof(" RETURNING id"));
		free(s->sql);
		s->sql = r;
		s->returns_id = 1;
	}
	snprintf(s->name, sizeof(s->name), "papigw_%u", ++d->names);
	if (s->nparams > 0) {
		s->vals = xcalloc((size_t)s->nparams, sizeof(*s->vals));
		s->lens = xcalloc((size_t)s->nparams, sizeof(*s->lens));
		s->fmts = xcalloc((size_t)s->nparams, sizeof(*s->fmts));
	}
	s->blobcol = -1;
	if ((rc = server_prepare(d, s)) != DB_OK) {
		pstmt_free(s);
		return rc;
	}
	*sp = &s->base;
	return DB_OK;
}

/* Drops the result: the statement runs again on the next step. */
static void
p_reset(struct db_stmt *st)
{
	struct pstmt	*s = PST(st);

	PQclear(s->res);
	s->res = NULL;
	s->ran = 0;
	s->row = s->nrows = 0;
	PQfreemem(s->blob);
	s->blob = NULL;
	s->blobcol = -1;
}

/* Drops the values: every parameter NULL. */
static void
p_clear_bindings(struct db_stmt *st)
{
	struct pstmt	*s = PST(st);
	int		 i;

	for (i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->lens[i] = 0;
		s->fmts[i] = 0;
	}
}

static void
p_finalize(struct db_stmt *st)
{
	struct pstmt	*s = PST(st);
	struct pdb	*d = PDB(st->db);
	char		 sql[48];
	PGresult	*res;

	p_reset(st);
	p_clear_bindings(st);
	if (s->gen == d->gen && PQstatus(d->conn) == CONNECTION_OK &&
	    PQtransactionStatus(d->conn) == PQTRANS_IDLE) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		res = PQexec(d->conn, sql);
		PQclear(res);
	}
	pstmt_free(s);
}

/* Sets parameter i (from 1) to len bytes of v (NULL: SQL NULL). */
static enum db_rc
set_param(struct db_stmt *st, int i, const void *v, size_t len, int binary)
{
	struct pstmt	*s = PST(st);

	if (i < 1 || i > s->nparams || len > INT32_MAX) {
		set_err(PDB(st->db), "parameter index out of range");
		return DB_MISUSE;
	}
	free(s->vals[i - 1]);
	s->vals[i - 1] = NULL;
	s->lens[i - 1] = (int)len;
	s->fmts[i - 1] = binary;
	if (v != NULL) {
		s->vals[i - 1] = xcalloc(1, len + 1);
		memcpy(s->vals[i - 1], v, len);
	}
	return DB_OK;
}

static enum db_rc
p_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	char	buf[24];

	return set_param(s, i, buf, (size_t)snprintf(buf, sizeof(buf),
	    "%" PRId64, v), 0);
}

static enum db_rc
p_bind_double(struct db_stmt *s, int i, double v)
{
	char	buf[40];

	return set_param(s, i, buf, (size_t)snprintf(buf, sizeof(buf),
	    "%.17g", v), 0);
}

static enum db_rc
p_bind_text(struct db_stmt *s, int i, const char *v, size_t len)
{
	if (memchr(v, '\0', len) != NULL) {
		/* PostgreSQL's text has no NUL: the store never binds one. */
		set_err(PDB(s->db), "a NUL byte in a text parameter");
		return DB_MISUSE;
	}
	return set_param(s, i, v, len, 0);
}

static enum db_rc
p_bind_blob(struct db_stmt *s, int i, const void *v, size_t len)
{
	return set_param(s, i, len ? v : "", len, 1);
}

static enum db_rc
p_bind_null(struct db_stmt *s, int i)
{
	return set_param(s, i, NULL, 0, 0);
}

static int
p_bind_count(const struct db_stmt *s)
{
	return CPST(s)->nparams;
}

/* Runs s: its rows (or none) in s->res. */
static enum db_rc
run(struct pdb *d, struct pstmt *s)
{
	enum db_rc	rc;
	int		done;

	d->err[0] = '\0';
	if ((rc = lost_txn(d, s->sql, &done)) != DB_OK)
		return rc;
	if (done) {
		s->nrows = 0;
		s->row = -1;
		s->ran = 1;
		return DB_OK;
	}
	if (!alive(d))
		return DB_UNAVAILABLE;
	/* Prepared on a connection since reset: again on this one. */
	if (s->gen != d->gen && (rc = server_prepare(d, s)) != DB_OK)
		return rc;
	s->res = PQexecPrepared(d->conn, s->name, s->nparams,
	    (const char *const *)s->vals, s->lens, s->fmts, 0);
	note_txn(d);
	switch (PQresultStatus(s->res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		s->nrows = PQntuples(s->res);
		s->row = -1;
		s->ran = 1;
		count_changes(d, s->res);
		d->has_last_id = 0;
		if (s->returns_id) {
			/* The caller asked for no rows: the id is kept. */
			if (s->nrows > 0) {
				d->last_id = strtoll(PQgetvalue(s->res,
				    s->nrows - 1, 0), NULL, 10);
				d->has_last_id = 1;
			}
			s->nrows = 0;
		}
		return DB_OK;
	default:
		rc = fail(d, s->res);
		PQclear(s->res);
		s->res = NULL;
		return rc;
	}
}

static enum db_rc
p_step(struct db_stmt *st)
{
	struct pstmt	*s = PST(st);
	enum db_rc	 rc;

	if (!s->ran && (rc = run(PDB(st->db), s)) != DB_OK)
		return rc;
	PQfreemem(s->blob);
	s->blob = NULL;
	s->blobcol = -1;
	if (s->row < s->nrows)
		s->row++;
	return s->row < s->nrows ? DB_ROW : DB_DONE;
}

static int
p_column_count(const struct db_stmt *st)
{
	const struct pstmt	*s = CPST(st);

	return s->res != NULL && !s->returns_id ? PQnfields(s->res) : 0;
}

/* Whether column i of the current row exists and is not NULL. */
static int
has(const struct pstmt *s, int i)
{
	return s->res != NULL && s->row >= 0 && s->row < s->nrows &&
	    i >= 0 && i < PQnfields(s->res) && !PQgetisnull(s->res, s->row, i);
}

static enum db_type
p_column_type(const struct db_stmt *st, int i)
{
	const struct pstmt	*s = CPST(st);

	if (!has(s, i))
		return DB_NULL;
	switch (PQftype(s->res, i)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return DB_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		return DB_FLOAT;
	case OID_BYTEA:
		return DB_BLOB;
	default:
		return DB_TEXT;
	}
}

static int64_t
p_column_int64(const struct db_stmt *st, int i)
{
	const struct pstmt	*s = CPST(st);
	const char		*v;

	if (!has(s, i))
		return 0;
	v = PQgetvalue(s->res, s->row, i);
	if (PQftype(s->res, i) == OID_BOOL)
		return *v == 't';
	if (PQftype(s->res, i) == OID_FLOAT4 ||
	    PQftype(s->res, i) == OID_FLOAT8 ||
	    PQftype(s->res, i) == OID_NUMERIC)
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static double
p_column_double(const struct db_stmt *st, int i)
{
	const struct pstmt	*s = CPST(st);

	if (!has(s, i))
		return 0;
	return strtod(PQgetvalue(s->res, s->row, i), NULL);
}

static const char *
p_column_text(const struct db_stmt *st, int i)
{
	const struct pstmt	*s = CPST(st);

	if (!has(s, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

/* Column i's bytes: a bytea's decoded (kept until the next step). */
static const void *
p_column_blob(struct db_stmt *st, int i)
{
	struct pstmt	*s = PST(st);

	if (!has(s, i))
		return NULL;
	if (PQftype(s->res, i) != OID_BYTEA)
		return PQgetvalue(s->res, s->row, i);
	if (s->blobcol != i) {
		PQfreemem(s->blob);
		s->blob = PQunescapeBytea((const unsigned char *)
		    PQgetvalue(s->res, s->row, i), &s->bloblen);
		s->blobcol = s->blob != NULL ? i : -1;
	}
	return s->blob;
}

static size_t
p_column_bytes(struct db_stmt *st, int i)
{
	struct pstmt	*s = PST(st);

	if (!has(s, i))
		return 0;
	if (PQftype(s->res, i) == OID_BYTEA)
		return p_column_blob(st, i) != NULL ? s->bloblen : 0;
	return (size_t)PQgetlength(s->res, s->row, i);
}

static int64_t
p_changes(const struct db *db)
{
	return CPDB(db)->changes;
}

static int64_t
p_total_changes(const struct db *db)
{
	return CPDB(db)->total;
}

/*
 * The id the last statement run returned, or lastval(): the value the
 * session's last nextval() gave.
 */
static int64_t
p_last_id(struct db *db)
{
	struct pdb	*d = PDB(db);
	PGresult	*res;
	int64_t		 id = 0;

	if (d->has_last_id)
		return d->last_id;
	res = PQexec(d->conn, "SELECT lastval()");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else
		set_err(d, PQresultErrorMessage(res));
	PQclear(res);
	return id;
}

/*
 * Whether a transaction is open: on a lost connection, whether one was
 * (until the caller's ROLLBACK).
 */
static int
p_in_transaction(const struct db *db)
{
	const struct pdb	*d = CPDB(db);

	if (PQstatus(d->conn) != CONNECTION_OK)
		return d->txn_lost || d->txn;
	return d->txn_lost ||
	    PQtransactionStatus(d->conn) != PQTRANS_IDLE;
}

static const char *
p_errmsg(const struct db *db)
{
	return CPDB(db)->err;
}

const struct db_driver db_pg_driver = {
	.name = "postgresql",
	.begin_write = "BEGIN",
	.open = p_open,
	.close = p_close,
	.exec = p_exec,
	.prepare = p_prepare,
	.finalize = p_finalize,
	.bind_int64 = p_bind_int64,
	.bind_double = p_bind_double,
	.bind_text = p_bind_text,
	.bind_blob = p_bind_blob,
	.bind_null = p_bind_null,
	.bind_count = p_bind_count,
	.step = p_step,
	.reset = p_reset,
	.clear_bindings = p_clear_bindings,
	.column_count = p_column_count,
	.column_type = p_column_type,
	.column_int64 = p_column_int64,
	.column_double = p_column_double,
	.column_text = p_column_text,
	.column_blob = p_column_blob,
	.column_bytes = p_column_bytes,
	.changes = p_changes,
	.total_changes = p_total_changes,
	.last_id = p_last_id,
	.in_transaction = p_in_transaction,
	.errmsg = p_errmsg,
};
