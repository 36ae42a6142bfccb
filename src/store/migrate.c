/*
 * migrate.c: brings a database to the schema this code knows.
 *
 * The schema is versioned with PRAGMA user_version.  Each version has one
 * step, src/store/sql/NNN-name.sql, which scripts/embed-sql.sh turns into
 * store_migrations[] at build time (in $(BUILD)/gen/store_sql.c); version
 * 1 is the initial schema, and each step ends by setting user_version.
 * store_open() calls store_migrate() on the writer connection before any
 * thread starts: the steps from the database's version on run in order,
 * each in its own transaction, so that a failed step leaves the database
 * at the last step that worked.  A database newer than this code is
 * refused with a clear error and left alone.  Never edit a step once
 * released: add one, and raise STORE_SCHEMA_VERSION in store.h.
 */
#include <stdio.h>

#include "store/store.h"
#include "base/i18n.h"
#include "base/log.h"
#include "store/store_priv.h"

/* Returns the database's user_version, or -1. */
static int
db_version(struct db *db)
{
	struct db_stmt	*s;
	int		 v = -1;

	if (db_prepare(db, "PRAGMA user_version", &s) != DB_OK)
		return -1;
	if (db_step(s) == DB_ROW)
		v = (int)db_column_int64(s, 0);
	db_finalize(s);
	return v;
}

/*
 * Brings the schema of db (the file path, for messages) to
 * STORE_SCHEMA_VERSION, one transaction per step.  Returns 0, or -1 with
 * the reason in err (the database then stays at the last step that
 * worked).
 */
int
store_migrate(struct db *db, const char *path, char *err, size_t errsz)
{
	const struct store_migration	*m;
	size_t				 i;
	int				 v;

	if ((v = db_version(db)) < 0) {
		snprintf(err, errsz, "%s: cannot read the schema version: %s",
		    path, db_errmsg(db));
		return -1;
	}
	if (v > STORE_SCHEMA_VERSION) {
		snprintf(err, errsz, "%s: schema version %d is newer than "
		    "this papigw knows (%d); use a newer papigw", path, v,
		    STORE_SCHEMA_VERSION);
		return -1;
	}
	for (i = (size_t)v; i < store_nmigrations; i++) {
		m = &store_migrations[i];
		if (db_begin_write(db) != DB_OK) {
			snprintf(err, errsz, "%s: migration: %s", path,
			    db_errmsg(db));
			return -1;
		}
		if (db_exec(db, m->sql) != DB_OK ||
		    db_exec(db, "COMMIT") != DB_OK) {
			snprintf(err, errsz, "%s: migration to version %d: %s",
			    path, m->version, db_errmsg(db));
			db_exec(db, "ROLLBACK");
			return -1;
		}
		log_info(_("store: %s: migrated to schema version %d (%s)"),
		    path, m->version, m->name);
	}
	return 0;
}

/*
 * Brings a PostgreSQL database to the store's schema: an empty one gets
 * src/store/pg/schema.sql in one transaction (a session-wide advisory
 * lock keeps two gateways starting together from both making it); one at
 * STORE_SCHEMA_VERSION is taken as it is.  PostgreSQL's steps between
 * versions begin when its schema first changes: an older or newer one is
 * refused.  Returns 0, or -1 with the reason in err.
 */
/*
 * Takes a PostgreSQL database from version v to STORE_SCHEMA_VERSION
 * through store_pg_steps[], one transaction a step (the database stays at
 * the last step that worked).  Returns 0, or -1 with the reason in err.
 */
static int
pg_upgrade(struct db *db, int v, char *err, size_t errsz)
{
	const struct store_migration	*m;

	for (; v < STORE_SCHEMA_VERSION; v++) {
		for (m = store_pg_steps; m->version != 0 &&
		    m->version != v + 1; m++)
			;
		if (m->version == 0) {
			snprintf(err, errsz, "PostgreSQL: no step from schema "
			    "version %d to %d (src/store/pg/steps/)", v, v + 1);
			return -1;
		}
		if (db_begin_write(db) != DB_OK ||
		    db_exec(db, m->sql) != DB_OK ||
		    db_exec(db, "COMMIT") != DB_OK) {
			snprintf(err, errsz, "PostgreSQL: schema step %03d-%s: "
			    "%s", m->version, m->name, db_errmsg(db));
			db_exec(db, "ROLLBACK");
			return -1;
		}
		log_notice(_("store: PostgreSQL: schema upgraded to version "
		    "%d (%s)"), m->version, m->name);
	}
	return 0;
}

int
store_migrate_pg(struct db *db, char *err, size_t errsz)
{
	struct db_stmt	*s;
	int		 v = -1, rc = -1;

	if (db_exec(db, "SELECT pg_advisory_lock(7240001)") != DB_OK) {
		snprintf(err, errsz, "PostgreSQL: %s", db_errmsg(db));
		return -1;
	}
	if (db_prepare(db, "SELECT version FROM papigw_schema", &s) == DB_OK) {
		if (db_step(s) == DB_ROW)
			v = (int)db_column_int64(s, 0);
		db_finalize(s);
	}
	if (v == -1) {
		if (db_begin_write(db) != DB_OK ||
		    db_exec(db, store_pg_schema) != DB_OK ||
		    db_exec(db, "COMMIT") != DB_OK) {
			snprintf(err, errsz, "PostgreSQL: the schema: %s",
			    db_errmsg(db));
			db_exec(db, "ROLLBACK");
			goto out;
		}
		log_info(_("store: PostgreSQL: schema version %d made"),
		    STORE_SCHEMA_VERSION);
	} else if (v > STORE_SCHEMA_VERSION || v < STORE_PG_FIRST_VERSION) {
		snprintf(err, errsz, "PostgreSQL: schema version %d, this "
		    "papigw has %d and upgrades from %d on", v,
		    STORE_SCHEMA_VERSION, STORE_PG_FIRST_VERSION);
		goto out;
	} else if (v < STORE_SCHEMA_VERSION && pg_upgrade(db, v, err,
	    errsz) == -1)
		goto out;
	rc = 0;
out:
	db_exec(db, "SELECT pg_advisory_unlock(7240001)");
	return rc;
}
