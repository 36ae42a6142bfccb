/*
 * conn.c: a database connection of the store and the statements prepared
 * on it, and the small conversions every file of the store uses.
 *
 * The engine opens its connections (the writer's, the checkpointer's, the
 * shared reader's) and query.c its query connections with
 * store_conn_open(); the writer's is then set up by
 * store_conn_configure().  A connection keeps, per family of statements
 * (store_priv.h), the statements prepared on it: store_conn_stmt()
 * prepares one on first use (db_prepare()) and returns the
 * same one after, so that a statement is compiled once per connection;
 * store_conn_close() finalizes them all.  A connection belongs to one
 * thread at a time: the engine says which (engine.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "store/store_priv.h"

/* The writer's page cache, KiB (a string: part of a PRAGMA). */
#define STORE_CACHE_KIB	"32768"

/* Returns what a status means, for messages. */
const char *
store_strerror(enum store_status s)
{
	switch (s) {
	case STORE_OK:
		return "ok";
	case STORE_DUPLICATE:
		return "duplicate provider message id";
	case STORE_NOTFOUND:
		return "not found";
	case STORE_INVALID:
		return "refused by a constraint";
	case STORE_BUSY:
		return "database busy";
	case STORE_FULL:
		return "database or disk full";
	case STORE_ERROR:
		return "database error";
	case STORE_CLOSED:
		return "store closing";
	}
	return "unknown store status";
}

/* Returns the status a database's answer stands for. */
enum store_status
store_status_of(enum db_rc rc)
{
	switch (rc) {
	case DB_OK:
	case DB_ROW:
	case DB_DONE:
		return STORE_OK;
	case DB_UNIQUE:
	case DB_CONSTRAINT:
		return STORE_INVALID;
	case DB_BUSY:
		return STORE_BUSY;
	case DB_FULL:
		return STORE_FULL;
	default:
		return STORE_ERROR;
	}
}

/*
 * Binds a string, or NULL for a NULL pointer.  The string is not copied:
 * it must stay until the statement is reset and its bindings cleared.
 */
void
store_bind_text(struct db_stmt *s, int i, const char *v)
{
	if (v == NULL)
		db_bind_null(s, i);
	else
		db_bind_text(s, i, v);
}

/* Binds an id or a time, or NULL for 0. */
void
store_bind_opt(struct db_stmt *s, int i, int64_t v)
{
	if (v == 0)
		db_bind_null(s, i);
	else
		db_bind_int64(s, i, v);
}

/* Returns a malloc'd copy of a text column (free() it), or NULL for NULL. */
char *
store_col_str(struct db_stmt *s, int i)
{
	if (db_column_type(s, i) == DB_NULL)
		return NULL;
	return xstrdup(db_column_text(s, i));
}

/*
 * Returns a text column, NULL for NULL: with copy a malloc'd copy that the
 * caller frees, else the database's own, valid until the statement steps again
 * or is reset.
 */
char *
store_col_text(struct db_stmt *s, int i, int copy)
{
	if (copy)
		return store_col_str(s, i);
	return (char *)db_column_text(s, i);
}

/* Fills the int64_t at out from column 0: a count, for store_read_row(). */
void
store_fill_int(struct db_stmt *s, void *out)
{
	*(int64_t *)out = db_column_int64(s, 0);
}

/*
 * Opens a connection to st's database into c with flags (DB_READONLY,
 * DB_CREATE, DB_NOMUTEX) and a busy timeout of busy_timeout_ms (0: none).
 * Returns 0, or -1 with the reason in err, prefixed with who ("reader: ",
 * or ""); c is then to be closed all the same.
 */
int
store_conn_open(struct store_conn *c, const struct store *st, int flags,
    int busy_timeout_ms, const char *who, char *err, size_t errsz)
{
	struct db_options	o;
	char			why[STORE_ERR_MAX];

	o.driver = store_driver(st)->name;
	o.target = store_target(st);
	o.flags = flags;
	o.busy_timeout_ms = busy_timeout_ms;

	if ((c->db = db_open(&o, why, sizeof(why))) == NULL) {
		snprintf(err, errsz, "%s%s", who, why);
		return -1;
	}
	snprintf(c->home, sizeof(c->home), "%s", store_ward(st));
	return 0;
}

/*
 * Sets up the writer's connection: WAL, the synchronous level, foreign
 * keys and temporary tables in memory.  Returns 0, or -1 with the reason
 * in err.
 */
int
store_conn_configure(struct store_conn *c, const struct store_options *opt,
    char *err, size_t errsz)
{
	struct db_stmt	*s = NULL;
	const char	*sync;
	enum db_rc	 rc;
	int		 wal;

	/* journal_mode answers with the mode it ended up in. */
	rc = db_prepare(c->db, "PRAGMA journal_mode = WAL", &s);
	if (rc != DB_OK || db_step(s) != DB_ROW)
		goto fail;
	wal = strcasecmp(db_column_text(s, 0),
	    "wal") == 0;
	db_finalize(s);
	s = NULL;
	if (!wal) {
		snprintf(err, errsz, _("%s: cannot switch to WAL mode"),
		    opt->path);
		return -1;
	}
	/*
	 * The writer's COMMIT never waits for the disk: with
	 * storage.synchronous = full the syncer thread does (wal.c).  The
	 * migrations, which run before it starts, use FULL then.
	 */
	sync = opt->synchronous_full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL";
	/*
	 * temp_store = MEMORY keeps the statement journal of the per-item
	 * savepoints in memory: on a file it spilled past 64 KiB to a new
	 * temporary file per transaction: ingest made 61 pwrite calls a
	 * message, four in five of them there; 11 with this.  It holds at
	 * most the pages one item changes, a few hundred KiB.
	 *
	 * The page cache holds the inner pages of every index and the
	 * pages that ingest writes to again and again (the ends of the
	 * tables, the hot parts of the indexes by sender): with SQLite's
	 * 2 MiB, a store of a million cases read a page from the file for
	 * most index entries it added.
	 */
	if (db_exec(c->db, sync) != DB_OK ||
	    db_exec(c->db, "PRAGMA cache_size = -" STORE_CACHE_KIB) != DB_OK ||
	    db_exec(c->db, "PRAGMA foreign_keys = ON") != DB_OK ||
	    db_exec(c->db, "PRAGMA temp_store = MEMORY") != DB_OK)
		goto fail;
	return 0;
fail:
	snprintf(err, errsz, "%s: %s", opt->path, db_errmsg(c->db));
	db_finalize(s);
	return -1;
}

/* The SQL of statement id of fam on db's driver. */
const char *
store_family_sql(const struct store_family *fam, int id, const struct db *db)
{
	if (fam->sql_pg != NULL && fam->sql_pg[id] != NULL &&
	    db->driver == &db_pg_driver)
		return fam->sql_pg[id];
	return fam->sql[id];
}

/*
 * Returns statement id of family fam on c, preparing it on first use, or
 * NULL (logged) when the database refuses it.  The statement stays c's: reset
 * it after use, never finalize it.
 */
struct db_stmt *
store_conn_stmt(struct store_conn *c, const struct store_family *fam,
    int id)
{
	struct db_stmt	**slot;
	enum db_rc	  rc;

	if (c->fam[fam->id].stmt == NULL) {
		c->fam[fam->id].stmt = xcalloc(fam->n, sizeof(struct db_stmt *));
		c->fam[fam->id].n = fam->n;
	}
	slot = &c->fam[fam->id].stmt[id];
	if (*slot != NULL)
		return *slot;
	rc = db_prepare(c->db, store_family_sql(fam, id, c->db), slot);
	if (rc != DB_OK) {
		log_warnx(_("store: cannot prepare \"%s\": %s"),
		    store_family_sql(fam, id, c->db), db_errmsg(c->db));
		*slot = NULL;
		return NULL;
	}
	return *slot;
}

/*
 * Runs statement id of fam, which has no parameters and whose rows are
 * not read, on c.  Returns DB_OK, or the error.
 */
enum db_rc
store_conn_exec(struct store_conn *c, const struct store_family *fam, int id)
{
	struct db_stmt	*s;
	enum db_rc	 rc;

	if ((s = store_conn_stmt(c, fam, id)) == NULL)
		return DB_ERROR;
	rc = db_step(s);
	db_reset(s);
	return rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
}

/*
 * Whether ward is an id a statement may hold between quotes as it is:
 * letters, digits, "-" and "_", at most STORE_WARD_MAX - 1 bytes (the
 * configuration allows no other).
 */
static int
ward_ok(const char *ward)
{
	size_t	i;

	for (i = 0; ward[i] != '\0'; i++)
		if (i + 1 >= STORE_WARD_MAX || !((ward[i] >= 'a' &&
		    ward[i] <= 'z') || (ward[i] >= 'A' && ward[i] <= 'Z') ||
		    (ward[i] >= '0' && ward[i] <= '9') || ward[i] == '-' ||
		    ward[i] == '_'))
			return 0;
	return 1;
}

/*
 * Whether a connection to a SQLite store limited to ward needs no view:
 * ward is the store's own, the only one whose cases its writer makes
 * (one daemon owns the file), and the store holds no case of another (two
 * searches of the index cases_ward).  0 when it cannot tell.
 */
static int
sqlite_one_ward(struct store_conn *c, const char *ward)
{
	struct db_stmt	*s = NULL;
	int		 one = 0;

	if (strcmp(ward, c->home) != 0)
		return 0;
	if (db_prepare(c->db, "SELECT EXISTS (SELECT 1 FROM main.cases WHERE "
	    "ward < ?1) OR EXISTS (SELECT 1 FROM main.cases WHERE ward > ?1)",
	    &s) == DB_OK && db_bind_text(s, 1, ward) == DB_OK &&
	    db_step(s) == DB_ROW)
		one = db_column_int64(s, 0) == 0;
	db_finalize(s);
	return one;
}

/*
 * Limits the read-only connection c to the cases of ward (NULL: every
 * ward again): the daemon's wall between wards.  A temporary view named
 * cases, which names resolve to before the table (SQLite looks in temp
 * first, PostgreSQL in pg_temp), holds that ward's cases only: every
 * statement on c then reads them alone, and what it finds through them
 * (a case's messages, events, notes).  On PostgreSQL the connection also
 * sets papigw.ward, which the policies of row-level security read
 * (pg/schema.sql): a second wall, behind this one.  A statement on a
 * connection with the view (c->viewed) may not name an index of cases
 * (INDEXED BY): a view has none.
 *
 * SQLite plans a statement on the view as if the ward were a term of its
 * own, and, with no statistics, takes the index cases_ward for the most
 * selective: on a store of one ward that index is every case, and a list
 * sorted every case of the store, a count read each row.  So on SQLite a
 * connection limited to the store's own ward, on a store holding no case
 * of another, has no view: every case is the ward's, and its statements
 * have the plans of a store without wards.  Where it needs one, the view
 * tests the ward with "+ward", which keeps cases_ward out of the plans:
 * they are those of a store without wards, checking each row's ward.
 * Returns 0, or -1 (logged; c is then to be closed).
 */
int
store_conn_ward(struct store_conn *c, const char *ward)
{
	char	sql[512 + STORE_WARD_MAX * 2];
	int	pg = strcmp(db_driver_name(c->db), "postgresql") == 0;
	int	view = ward != NULL;

	if (ward != NULL && !ward_ok(ward)) {
		log_warnx("store: not a ward: '%s'", ward);
		return -1;
	}
	if (strcmp(ward != NULL ? ward : "", c->ward) == 0)
		return 0;	/* so already */
	if (!pg && ward != NULL && sqlite_one_ward(c, ward))
		view = 0;
	if (pg)
		snprintf(sql, sizeof(sql), "BEGIN READ WRITE; DROP VIEW IF "
		    "EXISTS pg_temp.cases; %s%s%s COMMIT; SELECT "
		    "set_config('papigw.ward', '%s', false)",
		    ward != NULL ? "CREATE TEMP VIEW cases AS SELECT * FROM "
		    "cases WHERE ward = '" : "", ward != NULL ? ward : "",
		    ward != NULL ? "';" : "", ward != NULL ? ward : "*");
	else
		snprintf(sql, sizeof(sql), "DROP VIEW IF EXISTS temp.cases;"
		    "%s%s%s", view ? "CREATE TEMP VIEW cases AS SELECT * FROM "
		    "main.cases WHERE +ward = '" : "", view ? ward : "",
		    view ? "'" : "");
	if (db_exec(c->db, sql) != DB_OK) {
		log_warnx("store: limiting a connection to ward '%s': %s",
		    ward != NULL ? ward : "*", db_errmsg(c->db));
		if (pg)
			db_exec(c->db, "ROLLBACK");
		return -1;
	}
	snprintf(c->ward, sizeof(c->ward), "%s", ward != NULL ? ward : "");
	c->viewed = view;
	return 0;
}

/* Finalizes every statement of c and closes it; a closed c is a no-op. */
void
store_conn_close(struct store_conn *c)
{
	size_t	f, i;

	for (f = 0; f < STORE_FAM_MAX; f++) {
		for (i = 0; i < c->fam[f].n; i++)
			db_finalize(c->fam[f].stmt[i]);
		free(c->fam[f].stmt);
		c->fam[f].stmt = NULL;
		c->fam[f].n = 0;
	}
	db_close(c->db);
	c->db = NULL;
}
