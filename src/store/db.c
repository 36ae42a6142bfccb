/*
 * db.c: the database interface's calls (db.h), passed on to the driver
 * of the handle, and what the drivers share.
 */
#include <stdio.h>
#include <string.h>

#include "store/db.h"

static const struct db_driver *const drivers[] = {
	&db_sqlite_driver,
	&db_pg_driver,
};

/* The driver called name ("sqlite" when name is NULL or empty), or NULL. */
const struct db_driver *
db_driver_named(const char *name)
{
	size_t	i;

	if (name == NULL || *name == '\0')
		return &db_sqlite_driver;
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

/* Opens a database; NULL with the reason in err. */
struct db *
db_open(const struct db_options *o, char *err, size_t errsz)
{
	const struct db_driver	*d = db_driver_named(o->driver);

	if (d == NULL) {
		snprintf(err, errsz, "no database driver '%s'", o->driver);
		return NULL;
	}
	return d->open(o, err, errsz);
}

void
db_close(struct db *db)
{
	if (db != NULL)
		db->driver->close(db);
}

const char *
db_driver_name(const struct db *db)
{
	return db->driver->name;
}

/* Runs one or more statements without parameters or rows. */
enum db_rc
db_exec(struct db *db, const char *sql)
{
	return db->driver->exec(db, sql);
}

/* Starts a transaction that will write (SQLite: takes the lock now). */
enum db_rc
db_begin_write(struct db *db)
{
	return db->driver->exec(db, db->driver->begin_write);
}

enum db_rc
db_prepare(struct db *db, const char *sql, struct db_stmt **sp)
{
	*sp = NULL;
	return db->driver->prepare(db, sql, sp);
}

void
db_finalize(struct db_stmt *s)
{
	if (s != NULL)
		s->db->driver->finalize(s);
}

/* Binds parameter i (1 for the first "?") to an integer. */
enum db_rc
db_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	return s->db->driver->bind_int64(s, i, v);
}

enum db_rc
db_bind_double(struct db_stmt *s, int i, double v)
{
	return s->db->driver->bind_double(s, i, v);
}

/* Binds parameter i to the string v (kept: see db.h), or NULL when v is. */
enum db_rc
db_bind_text(struct db_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return s->db->driver->bind_null(s, i);
	return s->db->driver->bind_text(s, i, v, strlen(v));
}

/* Binds parameter i to len bytes of text (kept: see db.h). */
enum db_rc
db_bind_textn(struct db_stmt *s, int i, const char *v, size_t len)
{
	return s->db->driver->bind_text(s, i, v, len);
}

/* Binds parameter i to len bytes (kept: see db.h). */
enum db_rc
db_bind_blob(struct db_stmt *s, int i, const void *v, size_t len)
{
	return s->db->driver->bind_blob(s, i, v, len);
}

enum db_rc
db_bind_null(struct db_stmt *s, int i)
{
	return s->db->driver->bind_null(s, i);
}

int
db_bind_count(const struct db_stmt *s)
{
	return s->db->driver->bind_count(s);
}

/*
 * Runs the statement the first time, then moves to its next row:
 * DB_ROW while there is one, DB_DONE after the last, or an error.
 */
enum db_rc
db_step(struct db_stmt *s)
{
	return s->db->driver->step(s);
}

/* Makes the statement ready to run again, with the same values. */
void
db_reset(struct db_stmt *s)
{
	s->db->driver->reset(s);
}

/* Unbinds every parameter (NULL until bound again). */
void
db_clear_bindings(struct db_stmt *s)
{
	s->db->driver->clear_bindings(s);
}

int
db_column_count(const struct db_stmt *s)
{
	return s->db->driver->column_count(s);
}

enum db_type
db_column_type(const struct db_stmt *s, int i)
{
	return s->db->driver->column_type(s, i);
}

/* Column i (0 for the first) of the current row; 0 for NULL. */
int64_t
db_column_int64(const struct db_stmt *s, int i)
{
	return s->db->driver->column_int64(s, i);
}

double
db_column_double(const struct db_stmt *s, int i)
{
	return s->db->driver->column_double(s, i);
}

/* Valid until the statement steps again or is reset; NULL for NULL. */
const char *
db_column_text(const struct db_stmt *s, int i)
{
	return s->db->driver->column_text(s, i);
}

const void *
db_column_blob(struct db_stmt *s, int i)
{
	return s->db->driver->column_blob(s, i);
}

size_t
db_column_bytes(struct db_stmt *s, int i)
{
	return s->db->driver->column_bytes(s, i);
}

/* The rows the last finished statement inserted, changed or deleted. */
int64_t
db_changes(const struct db *db)
{
	return db->driver->changes(db);
}

/* The rows changed since the connection opened. */
int64_t
db_total_changes(const struct db *db)
{
	return db->driver->total_changes(db);
}

/*
 * The id the last INSERT gave its row.  SQLite's last rowid; on
 * PostgreSQL the value the session's last sequence gave (lastval()),
 * which an INSERT skipped by ON CONFLICT took all the same: a caller
 * that may skip reads db_changes() first.
 */
int64_t
db_last_id(struct db *db)
{
	return db->driver->last_id(db);
}

int
db_in_transaction(const struct db *db)
{
	return db->driver->in_transaction(db);
}

const char *
db_errmsg(const struct db *db)
{
	return db->driver->errmsg(db);
}

const char *
db_rc_name(enum db_rc rc)
{
	static const char *const names[] = {
		"ok", "row", "done", "busy", "unique", "constraint", "full",
		"corrupt",
		"unavailable", "misuse", "error"
	};

	if ((unsigned)rc < sizeof(names) / sizeof(names[0]))
		return names[rc];
	return "error";
}
