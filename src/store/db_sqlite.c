/*
 * db_sqlite.c: the database interface (db.h) on the embedded SQLite
 * library, one connection per handle.  The calls map one to one; what
 * SQLite alone has (the WAL's hooks and checkpoints, the backup API) the
 * engine reaches through db_sqlite_handle().
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/util.h"
#include "store/db.h"

struct sdb {
	struct db	 base;
	sqlite3		*conn;
};

struct sstmt {
	struct db_stmt	 base;
	sqlite3_stmt	*stmt;
	int		 done;	/* DB_DONE until reset, as PostgreSQL's */
};

#define SDB(d)		((struct sdb *)(void *)(d))
#define CSDB(d)		((const struct sdb *)(const void *)(d))
#define SST(s)		(((struct sstmt *)(void *)(s))->stmt)
#define CSST(s)		(((const struct sstmt *)(const void *)(s))->stmt)

/* SQLite's result code as the interface's. */
static enum db_rc
rc_of(int rc)
{
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return DB_UNIQUE;
	switch (rc & 0xff) {
	case SQLITE_OK:
		return DB_OK;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_FULL:
		return DB_FULL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return DB_CORRUPT;
	case SQLITE_RANGE:
	case SQLITE_MISUSE:
		return DB_MISUSE;
	default:
		return DB_ERROR;
	}
}

/*
 * Once, before SQLite is first used: no count of the memory it uses,
 * which nothing reads and which costs a global mutex at every one of its
 * allocations, on every thread.  Too late when something else started
 * SQLite first (it then says SQLITE_MISUSE, and counts).
 */
static void
s_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static struct db *
s_open(const struct db_options *o, char *err, size_t errsz)
{
	static pthread_once_t	 once = PTHREAD_ONCE_INIT;
	struct sdb		*d;
	int			 flags, rc;

	pthread_once(&once, s_setup);
	flags = (o->flags & DB_READONLY) ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE;
	if (o->flags & DB_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	d = xcalloc(1, sizeof(*d));
	d->base.driver = &db_sqlite_driver;
	if (o->flags & DB_NOMUTEX)
		flags |= SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(o->target, &d->conn, flags,
	    (o->flags & DB_WALBUF) ? db_walbuf_vfs() : NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", o->target, d->conn != NULL ?
		    sqlite3_errmsg(d->conn) : sqlite3_errstr(rc));
		sqlite3_close(d->conn);
		free(d);
		return NULL;
	}
	sqlite3_extended_result_codes(d->conn, 1);
	if (o->busy_timeout_ms > 0)
		sqlite3_busy_timeout(d->conn, o->busy_timeout_ms);
	return &d->base;
}

static void
s_close(struct db *db)
{
	sqlite3_close(SDB(db)->conn);
	free(db);
}

static enum db_rc
s_exec(struct db *db, const char *sql)
{
	return rc_of(sqlite3_exec(SDB(db)->conn, sql, NULL, NULL, NULL));
}

static enum db_rc
s_prepare(struct db *db, const char *sql, struct db_stmt **sp)
{
	struct sstmt	*s;
	sqlite3_stmt	*st;
	int		 rc;

	rc = sqlite3_prepare_v3(SDB(db)->conn, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return rc_of(rc);
	s = xcalloc(1, sizeof(*s));
	s->base.db = db;
	s->stmt = st;
	*sp = &s->base;
	return DB_OK;
}

static void
s_finalize(struct db_stmt *s)
{
	sqlite3_finalize(SST(s));
	free(s);
}

static enum db_rc
s_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	return rc_of(sqlite3_bind_int64(SST(s), i, v));
}

static enum db_rc
s_bind_double(struct db_stmt *s, int i, double v)
{
	return rc_of(sqlite3_bind_double(SST(s), i, v));
}

static enum db_rc
s_bind_text(struct db_stmt *s, int i, const char *v, size_t len)
{
	return rc_of(sqlite3_bind_text64(SST(s), i, v, len, SQLITE_STATIC,
	    SQLITE_UTF8));
}

static enum db_rc
s_bind_blob(struct db_stmt *s, int i, const void *v, size_t len)
{
	return rc_of(sqlite3_bind_blob64(SST(s), i, len ? v : "", len,
	    SQLITE_STATIC));
}

static enum db_rc
s_bind_null(struct db_stmt *s, int i)
{
	return rc_of(sqlite3_bind_null(SST(s), i));
}

static int
s_bind_count(const struct db_stmt *s)
{
	return sqlite3_bind_parameter_count(CSST(s));
}

/*
 * SQLite would run a finished statement again on the next step; the
 * interface says DB_DONE until a reset, as db_pg.c does.
 */
static enum db_rc
s_step(struct db_stmt *st)
{
	struct sstmt	*s = (struct sstmt *)(void *)st;
	enum db_rc	 rc;

	if (s->done)
		return DB_DONE;
	if ((rc = rc_of(sqlite3_step(s->stmt))) == DB_DONE)
		s->done = 1;
	return rc;
}

static void
s_reset(struct db_stmt *s)
{
	((struct sstmt *)(void *)s)->done = 0;
	sqlite3_reset(SST(s));
}

static void
s_clear_bindings(struct db_stmt *s)
{
	sqlite3_clear_bindings(SST(s));
}

static int
s_column_count(const struct db_stmt *s)
{
	return sqlite3_column_count(CSST(s));
}

static enum db_type
s_column_type(const struct db_stmt *s, int i)
{
	switch (sqlite3_column_type(CSST(s), i)) {
	case SQLITE_INTEGER:
		return DB_INT;
	case SQLITE_FLOAT:
		return DB_FLOAT;
	case SQLITE_TEXT:
		return DB_TEXT;
	case SQLITE_BLOB:
		return DB_BLOB;
	default:
		return DB_NULL;
	}
}

static int64_t
s_column_int64(const struct db_stmt *s, int i)
{
	return sqlite3_column_int64(CSST(s), i);
}

static double
s_column_double(const struct db_stmt *s, int i)
{
	return sqlite3_column_double(CSST(s), i);
}

static const char *
s_column_text(const struct db_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(CSST(s), i);
}

static const void *
s_column_blob(struct db_stmt *s, int i)
{
	return sqlite3_column_blob(CSST(s), i);
}

static size_t
s_column_bytes(struct db_stmt *s, int i)
{
	return (size_t)sqlite3_column_bytes(CSST(s), i);
}

static int64_t
s_changes(const struct db *db)
{
	return sqlite3_changes64(CSDB(db)->conn);
}

static int64_t
s_total_changes(const struct db *db)
{
	return sqlite3_total_changes64(CSDB(db)->conn);
}

static int64_t
s_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(SDB(db)->conn);
}

static int
s_in_transaction(const struct db *db)
{
	return !sqlite3_get_autocommit(CSDB(db)->conn);
}

static const char *
s_errmsg(const struct db *db)
{
	return sqlite3_errmsg(CSDB(db)->conn);
}

/* The SQLite connection of a handle of this driver, or NULL. */
struct sqlite3 *
db_sqlite_handle(struct db *db)
{
	if (db->driver != &db_sqlite_driver)
		return NULL;
	return SDB(db)->conn;
}

const struct db_driver db_sqlite_driver = {
	.name = "sqlite",
	.begin_write = "BEGIN IMMEDIATE",
	.open = s_open,
	.close = s_close,
	.exec = s_exec,
	.prepare = s_prepare,
	.finalize = s_finalize,
	.bind_int64 = s_bind_int64,
	.bind_double = s_bind_double,
	.bind_text = s_bind_text,
	.bind_blob = s_bind_blob,
	.bind_null = s_bind_null,
	.bind_count = s_bind_count,
	.step = s_step,
	.reset = s_reset,
	.clear_bindings = s_clear_bindings,
	.column_count = s_column_count,
	.column_type = s_column_type,
	.column_int64 = s_column_int64,
	.column_double = s_column_double,
	.column_text = s_column_text,
	.column_blob = s_column_blob,
	.column_bytes = s_column_bytes,
	.changes = s_changes,
	.total_changes = s_total_changes,
	.last_id = s_last_id,
	.in_transaction = s_in_transaction,
	.errmsg = s_errmsg,
};
