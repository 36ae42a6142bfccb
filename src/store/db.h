/*
 * db.h: one interface over the two databases the store can run on, the
 * embedded SQLite file and a PostgreSQL server (through libpq).
 *
 * It has the shape of the subset of SQLite's API the store uses, so that
 * the store's families keep their form (constant SQL, statements prepared
 * once per connection, values bound by position, rows stepped through):
 * db_prepare(), db_bind_*(), db_step() until DB_DONE, db_column_*(),
 * db_reset() (to run it again, its values kept) and db_clear_bindings().
 * A bound string or blob is not copied: it must stay as it is until the
 * statement is reset (SQLite's SQLITE_STATIC; the PostgreSQL driver
 * copies it, it has to).  Each driver (db_sqlite.c, db_pg.c) fills a struct
 * db_driver; db.c chooses one by name and passes the calls on.
 *
 * What the statements must be written in for both, the portable SQL:
 * "?" for each parameter, in order (the PostgreSQL driver numbers them
 * $1, $2... outside quotes); "INSERT ... ON CONFLICT DO NOTHING" rather
 * than "INSERT OR IGNORE"; "RETURNING id" rather than the last rowid;
 * a value that is only a parameter given a type with CAST(? AS BIGINT)
 * where nothing around it says what it is (PostgreSQL infers a
 * parameter's type from its context, SQLite has none); an alias for
 * every subquery in FROM; a temporary table named without "temp.".
 * "INDEXED BY" and a unary "+" before a column (" +c.category": SQLite's
 * planner hints) are dropped for PostgreSQL; max(a, b) and min(a, b) of two
 * integers come from PostgreSQL's schema (src/store/pg/schema.sql), with
 * SQLite's meaning.  See db_pg.c.
 *
 * Only src/store/ includes this header.
 */
#ifndef PAPIGW_STORE_DB_H
#define PAPIGW_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

/* What a call returns: DB_OK, DB_ROW or DB_DONE, or why it failed. */
enum db_rc {
	DB_OK,
	DB_ROW,			/* db_step(): a row is ready */
	DB_DONE,		/* db_step(): no more rows */
	DB_BUSY,		/* locked, or a serialization failure: retry */
	DB_UNIQUE,		/* a unique constraint (or primary key) */
	DB_CONSTRAINT,		/* another constraint: check, not null... */
	DB_FULL,		/* the disk is full */
	DB_CORRUPT,		/* the database is damaged */
	DB_UNAVAILABLE,		/* no connection to the server */
	DB_MISUSE,		/* a wrong call: an index out of range... */
	DB_ERROR		/* anything else; see db_errmsg() */
};

/* The type of a column's value in the current row. */
enum db_type {
	DB_NULL,
	DB_INT,
	DB_FLOAT,
	DB_TEXT,
	DB_BLOB
};

/* How to open a database. */
#define DB_READONLY	0x01	/* no writes (SQLite: opened read-only) */
#define DB_CREATE	0x02	/* SQLite: create the file when missing */
#define DB_NOMUTEX	0x04	/* SQLite: one thread at a time, unlocked */
/*
 * PostgreSQL: the session holds what a new connection would not have
 * (a session lock, a temporary view, a setting): once the connection is
 * lost it is not opened again, and every call fails (DB_UNAVAILABLE)
 * until the handle is closed.  Without it a lost connection is opened
 * again on the next call.
 */
#define DB_SESSION	0x08
/*
 * SQLite: a commit's writes to the WAL go to the file in one write
 * (db_walbuf.c), not two a frame.
 */
#define DB_WALBUF	0x10

struct db_options {
	const char	*driver;	/* "sqlite" (NULL too) or "postgresql" */
	const char	*target;	/* a file path, or a libpq conninfo */
	int		 flags;		/* DB_READONLY, DB_CREATE... */
	int		 busy_timeout_ms; /* SQLite: wait for a lock this long */
};

/* A driver: db.c's table of what each database does. */
struct db_driver {
	const char	*name;
	const char	*begin_write;	/* SQL that starts a writing transaction */
	struct db	*(*open)(const struct db_options *, char *err,
			    size_t errsz);
	void		 (*close)(struct db *);
	enum db_rc	 (*exec)(struct db *, const char *sql);
	enum db_rc	 (*prepare)(struct db *, const char *sql,
			    struct db_stmt **);
	void		 (*finalize)(struct db_stmt *);
	enum db_rc	 (*bind_int64)(struct db_stmt *, int, int64_t);
	enum db_rc	 (*bind_double)(struct db_stmt *, int, double);
	enum db_rc	 (*bind_text)(struct db_stmt *, int, const char *,
			    size_t);
	enum db_rc	 (*bind_blob)(struct db_stmt *, int, const void *,
			    size_t);
	enum db_rc	 (*bind_null)(struct db_stmt *, int);
	int		 (*bind_count)(const struct db_stmt *);
	enum db_rc	 (*step)(struct db_stmt *);
	void		 (*reset)(struct db_stmt *);
	void		 (*clear_bindings)(struct db_stmt *);
	int		 (*column_count)(const struct db_stmt *);
	enum db_type	 (*column_type)(const struct db_stmt *, int);
	int64_t		 (*column_int64)(const struct db_stmt *, int);
	double		 (*column_double)(const struct db_stmt *, int);
	const char	*(*column_text)(const struct db_stmt *, int);
	const void	*(*column_blob)(struct db_stmt *, int);
	size_t		 (*column_bytes)(struct db_stmt *, int);
	int64_t		 (*changes)(const struct db *);
	int64_t		 (*total_changes)(const struct db *);
	int64_t		 (*last_id)(struct db *);
	int		 (*in_transaction)(const struct db *);
	const char	*(*errmsg)(const struct db *);
};

/* Every database handle begins with its driver (the drivers' own). */
struct db {
	const struct db_driver	*driver;
};
struct db_stmt {
	struct db		*db;
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

const struct db_driver *db_driver_named(const char *);
struct db	*db_open(const struct db_options *, char *err, size_t errsz);
void		 db_close(struct db *);
const char	*db_driver_name(const struct db *);
enum db_rc	 db_exec(struct db *, const char *sql);
enum db_rc	 db_prepare(struct db *, const char *sql, struct db_stmt **);
void		 db_finalize(struct db_stmt *);
enum db_rc	 db_bind_int64(struct db_stmt *, int, int64_t);
enum db_rc	 db_bind_double(struct db_stmt *, int, double);
enum db_rc	 db_bind_text(struct db_stmt *, int, const char *);
enum db_rc	 db_bind_textn(struct db_stmt *, int, const char *, size_t);
enum db_rc	 db_bind_blob(struct db_stmt *, int, const void *, size_t);
enum db_rc	 db_bind_null(struct db_stmt *, int);
int		 db_bind_count(const struct db_stmt *);
enum db_rc	 db_step(struct db_stmt *);
void		 db_reset(struct db_stmt *);
void		 db_clear_bindings(struct db_stmt *);
int		 db_column_count(const struct db_stmt *);
enum db_type	 db_column_type(const struct db_stmt *, int);
int64_t		 db_column_int64(const struct db_stmt *, int);
double		 db_column_double(const struct db_stmt *, int);
const char	*db_column_text(const struct db_stmt *, int);
const void	*db_column_blob(struct db_stmt *, int);
size_t		 db_column_bytes(struct db_stmt *, int);
int64_t		 db_changes(const struct db *);
int64_t		 db_total_changes(const struct db *);
int64_t		 db_last_id(struct db *);
int		 db_in_transaction(const struct db *);
enum db_rc	 db_begin_write(struct db *);
const char	*db_errmsg(const struct db *);
const char	*db_rc_name(enum db_rc);

/* db_sqlite.c: the SQLite connection under a handle, or NULL. */
struct sqlite3	*db_sqlite_handle(struct db *);
/* db_walbuf.c: the VFS of DB_WALBUF, or NULL (the default one). */
const char	*db_walbuf_vfs(void);
unsigned long	 db_walbuf_flushes(void);

#endif /* PAPIGW_STORE_DB_H */
