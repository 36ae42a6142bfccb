/*
 * conn.c: a database connection of the store and the statements prepared
 * on it, and the small conversions every file of the store uses.
 *
 * The engine opens its connections (the writer's, the checkpointer's, the
 * shared reader's) and query.c its query connections with
 * store_conn_open(); the writer's is then set up by
 * store_conn_configure().  A connection keeps, per family of statements
 * (store_priv.h), the statements prepared on it: store_conn_stmt()
 * prepares one on first use (SQLITE_PREPARE_PERSISTENT) and returns the
 * same one after, so that a statement is compiled once per connection;
 * store_conn_close() finalizes them all.  A connection belongs to one
 * thread at a time: the engine says which (engine.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

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

/* Returns the status an SQLite result code stands for. */
enum store_status
store_status_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_CONSTRAINT:
		return STORE_INVALID;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
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
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Binds an id or a time, or NULL for 0. */
void
store_bind_opt(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

/* Returns a malloc'd copy of a text column (free() it), or NULL for NULL. */
char *
store_col_str(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	return xstrdup((const char *)sqlite3_column_text(s, i));
}

/*
 * Returns a text column, NULL for NULL: with copy a malloc'd copy that the
 * caller frees, else SQLite's own, valid until the statement steps again
 * or is reset.
 */
char *
store_col_text(sqlite3_stmt *s, int i, int copy)
{
	if (copy)
		return store_col_str(s, i);
	return (char *)sqlite3_column_text(s, i);
}

/* Fills the int64_t at out from column 0: a count, for store_read_row(). */
void
store_fill_int(sqlite3_stmt *s, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(s, 0);
}

/*
 * Opens path into c with flags (SQLITE_OPEN_*), extended result codes and
 * a busy timeout of busy_timeout_ms (0: none).  Returns 0, or -1 with the
 * reason in err, prefixed with who ("reader: ", or ""); c is then to be
 * closed all the same.
 */
/*
 * Once, before SQLite is first used: no count of the memory it uses,
 * which nothing reads and which costs a global mutex at every one of its
 * allocations, on every thread.  Too late when something else started
 * SQLite first (it then says SQLITE_MISUSE, and counts).
 */
static void
conn_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
store_conn_open(struct store_conn *c, const char *path, int flags,
    int busy_timeout_ms, const char *who, char *err, size_t errsz)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;
	int			rc;

	pthread_once(&once, conn_setup);
	rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s%s", path, who, c->db != NULL ?
		    sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_extended_result_codes(c->db, 1);
	if (busy_timeout_ms > 0)
		sqlite3_busy_timeout(c->db, busy_timeout_ms);
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
	sqlite3_stmt	*s = NULL;
	const char	*sync;
	int		 rc, wal;

	/* journal_mode answers with the mode it ended up in. */
	rc = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode = WAL", -1, &s,
	    NULL);
	if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
		goto fail;
	wal = sqlite3_stricmp((const char *)sqlite3_column_text(s, 0),
	    "wal") == 0;
	sqlite3_finalize(s);
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
	if (sqlite3_exec(c->db, sync, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA cache_size = -" STORE_CACHE_KIB,
	    NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA temp_store = MEMORY", NULL, NULL,
	    NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(err, errsz, "%s: %s", opt->path, sqlite3_errmsg(c->db));
	sqlite3_finalize(s);
	return -1;
}

/*
 * Returns statement id of family fam on c, preparing it on first use, or
 * NULL (logged) when SQLite refuses it.  The statement stays c's: reset
 * it after use, never finalize it.
 */
sqlite3_stmt *
store_conn_stmt(struct store_conn *c, const struct store_family *fam,
    int id)
{
	sqlite3_stmt	**slot;
	int		  rc;

	if (c->fam[fam->id].stmt == NULL) {
		c->fam[fam->id].stmt = xcalloc(fam->n, sizeof(sqlite3_stmt *));
		c->fam[fam->id].n = fam->n;
	}
	slot = &c->fam[fam->id].stmt[id];
	if (*slot != NULL)
		return *slot;
	rc = sqlite3_prepare_v3(c->db, fam->sql[id], -1,
	    SQLITE_PREPARE_PERSISTENT, slot, NULL);
	if (rc != SQLITE_OK) {
		log_warnx(_("store: cannot prepare \"%s\": %s"), fam->sql[id],
		    sqlite3_errmsg(c->db));
		*slot = NULL;
		return NULL;
	}
	return *slot;
}

/*
 * Runs statement id of fam, which has no parameters and whose rows are
 * not read, on c.  Returns an SQLite code: SQLITE_OK, or the error.
 */
int
store_conn_exec(struct store_conn *c, const struct store_family *fam, int id)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_conn_stmt(c, fam, id)) == NULL)
		return SQLITE_ERROR;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Finalizes every statement of c and closes it; a closed c is a no-op. */
void
store_conn_close(struct store_conn *c)
{
	size_t	f, i;

	for (f = 0; f < STORE_FAM_MAX; f++) {
		for (i = 0; i < c->fam[f].n; i++)
			sqlite3_finalize(c->fam[f].stmt[i]);
		free(c->fam[f].stmt);
		c->fam[f].stmt = NULL;
		c->fam[f].n = 0;
	}
	if (c->db != NULL && sqlite3_close(c->db) != SQLITE_OK)
		log_warnx(_("store: close: %s"), sqlite3_errmsg(c->db));
	c->db = NULL;
}
