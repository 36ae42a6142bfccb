/*
 * test_db.c: the database interface (src/store/db.h) on both drivers, the
 * same tests for each: SQLite on a file in a temporary directory, and
 * PostgreSQL on the server that PAPIGW_TEST_PG names (a libpq conninfo;
 * "make check-pg" starts a throw-away cluster and sets it).  Without
 * PAPIGW_TEST_PG the PostgreSQL group is skipped, and says so.
 *
 * Each test writes portable SQL, as the store's families do: "?" for
 * parameters, RETURNING, ON CONFLICT DO NOTHING, savepoints.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"

struct fixture {
	struct db	*db;
	char		 dir[64];
	char		 path[96];
};

static const char table_sql[] =
    "DROP TABLE IF EXISTS t_db; "
    "CREATE TABLE t_db (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
    "score DOUBLE PRECISION, data BYTEA, note TEXT)";

static struct db *
open_or_fail(const char *driver, const char *target)
{
	struct db_options	 o = { driver, target, DB_CREATE, 2000 };
	struct db		*db;
	char			 err[512];

	if ((db = db_open(&o, err, sizeof(err))) == NULL)
		fail_msg("%s: %s", driver, err);
	return db;
}

static int
setup_sqlite(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/papigw-test-db-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	f->db = open_or_fail("sqlite", f->path);
	assert_int_equal(db_exec(f->db, table_sql), DB_OK);
	*state = f;
	return 0;
}

static int
setup_pg(void **state)
{
	const char	*target = getenv("PAPIGW_TEST_PG");
	struct fixture	*f;

	if (target == NULL) {
		*state = NULL;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	f->db = open_or_fail("postgresql", target);
	assert_int_equal(db_exec(f->db, table_sql), DB_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	if (f == NULL)
		return 0;
	db_close(f->db);
	if (*f->path != '\0') {
		unlink(f->path);
		rmdir(f->dir);
	}
	free(f);
	return 0;
}

/* The fixture's database; skips a PostgreSQL test without a server. */
static struct db *
db_of(void **state)
{
	struct fixture	*f = *state;

	if (f == NULL) {
		print_message("no PAPIGW_TEST_PG: PostgreSQL not tested "
		    "(make check-pg)\n");
		skip();
	}
	return f->db;
}

static void
prepare(struct db *db, const char *sql, struct db_stmt **s)
{
	enum db_rc	rc = db_prepare(db, sql, s);

	if (rc != DB_OK)
		fail_msg("prepare %s: %s: %s", sql, db_rc_name(rc),
		    db_errmsg(db));
}

/* Inserts (id, name) and returns the id the database gives back. */
static int64_t
insert(struct db *db, int64_t id, const char *name)
{
	struct db_stmt	*s;
	int64_t		 got;

	prepare(db, "INSERT INTO t_db (id, name) VALUES (?, ?) RETURNING id",
	    &s);
	assert_int_equal(db_bind_int64(s, 1, id), DB_OK);
	assert_int_equal(db_bind_text(s, 2, name), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	got = db_column_int64(s, 0);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(s);
	return got;
}

static int64_t
count(struct db *db)
{
	struct db_stmt	*s;
	int64_t		 n;

	prepare(db, "SELECT COUNT(*) FROM t_db", &s);
	assert_int_equal(db_step(s), DB_ROW);
	n = db_column_int64(s, 0);
	db_finalize(s);
	return n;
}

static void
test_values(void **state)
{
	struct db		*db = db_of(state);
	struct db_stmt		*s;
	static const char	 vi[] = "Đường Nguyễn Tri Phương ngập nặng";
	static const unsigned char blob[] = { 0, 1, 0xff, 0, '\\', 'x' };

	prepare(db, "INSERT INTO t_db (id, name, score, data, note) "
	    "VALUES (?, ?, ?, ?, ?)", &s);
	assert_int_equal(db_bind_count(s), 5);
	assert_int_equal(db_bind_int64(s, 1, INT64_MAX), DB_OK);
	assert_int_equal(db_bind_text(s, 2, vi), DB_OK);
	assert_int_equal(db_bind_double(s, 3, 0.1), DB_OK);
	assert_int_equal(db_bind_blob(s, 4, blob, sizeof(blob)), DB_OK);
	assert_int_equal(db_bind_text(s, 5, NULL), DB_OK);
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_changes(db), 1);
	db_reset(s);
	assert_int_equal(db_bind_int64(s, 1, INT64_MIN), DB_OK);
	assert_int_equal(db_bind_textn(s, 2, "abcdef", 3), DB_OK);
	assert_int_equal(db_bind_null(s, 3), DB_OK);
	assert_int_equal(db_bind_blob(s, 4, "", 0), DB_OK);
	assert_int_equal(db_bind_text(s, 5, ""), DB_OK);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(s);

	prepare(db, "SELECT id, name, score, data, note FROM t_db "
	    "ORDER BY id DESC", &s);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_count(s), 5);
	assert_int_equal(db_column_type(s, 0), DB_INT);
	assert_true(db_column_int64(s, 0) == INT64_MAX);
	assert_string_equal(db_column_text(s, 1), vi);
	assert_int_equal(db_column_bytes(s, 1), strlen(vi));
	assert_int_equal(db_column_type(s, 2), DB_FLOAT);
	assert_true(db_column_double(s, 2) == 0.1);
	assert_int_equal(db_column_type(s, 3), DB_BLOB);
	assert_int_equal(db_column_bytes(s, 3), sizeof(blob));
	assert_memory_equal(db_column_blob(s, 3), blob, sizeof(blob));
	assert_int_equal(db_column_type(s, 4), DB_NULL);
	assert_null(db_column_text(s, 4));
	assert_int_equal(db_column_int64(s, 4), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_true(db_column_int64(s, 0) == INT64_MIN);
	assert_string_equal(db_column_text(s, 1), "abc");
	assert_int_equal(db_column_type(s, 2), DB_NULL);
	assert_int_equal(db_column_bytes(s, 3), 0);
	assert_string_equal(db_column_text(s, 4), "");
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(s);
}

/* A "?" in a string, an identifier or a comment is no parameter. */
static void
test_params_quoted(void **state)
{
	struct db	*db = db_of(state);
	struct db_stmt	*s;

	prepare(db, "SELECT '?' AS \"a?\", ? || 'x' -- why?\n, ? + 1", &s);
	assert_int_equal(db_bind_count(s), 2);
	assert_int_equal(db_bind_text(s, 1, "?"), DB_OK);
	assert_int_equal(db_bind_int64(s, 2, 41), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_column_text(s, 0), "?");
	assert_string_equal(db_column_text(s, 1), "?x");
	assert_int_equal(db_column_int64(s, 2), 42);
	db_finalize(s);
}

/* One statement, many runs: reset unbinds, and rows are counted. */
static void
test_reuse(void **state)
{
	struct db	*db = db_of(state);
	struct db_stmt	*s, *q;
	char		 name[16];
	int64_t		 i, n = 0, sum = 0;

	prepare(db, "INSERT INTO t_db (id, name) VALUES (?, ?)", &s);
	for (i = 1; i <= 200; i++) {
		snprintf(name, sizeof(name), "n%" PRId64, i);
		assert_int_equal(db_bind_int64(s, 1, i), DB_OK);
		assert_int_equal(db_bind_text(s, 2, name), DB_OK);
		assert_int_equal(db_step(s), DB_DONE);
		db_reset(s);
	}
	db_finalize(s);
	prepare(db, "SELECT id FROM t_db WHERE id > ? ORDER BY id", &q);
	assert_int_equal(db_bind_int64(q, 1, 100), DB_OK);
	while (db_step(q) == DB_ROW) {
		n++;
		sum += db_column_int64(q, 0);
	}
	assert_int_equal(n, 100);
	assert_int_equal(sum, (101 + 200) * 100 / 2);
	prepare(db, "UPDATE t_db SET note = ? WHERE id <= ?", &s);
	assert_int_equal(db_bind_text(s, 1, "x"), DB_OK);
	assert_int_equal(db_bind_int64(s, 2, 50), DB_OK);
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_changes(db), 50);
	db_finalize(s);
	db_finalize(q);
}

/* Unique violations: an error of its own, or nothing with ON CONFLICT. */
static void
test_conflict(void **state)
{
	struct db	*db = db_of(state);
	struct db_stmt	*s;

	assert_int_equal(insert(db, 1, "a"), 1);
	prepare(db, "INSERT INTO t_db (id, name) VALUES (?, ?)", &s);
	assert_int_equal(db_bind_int64(s, 1, 2), DB_OK);
	assert_int_equal(db_bind_text(s, 2, "a"), DB_OK);
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	assert_true(strlen(db_errmsg(db)) > 0);
	db_finalize(s);
	prepare(db, "INSERT INTO t_db (id, name) VALUES (?, ?) "
	    "ON CONFLICT DO NOTHING RETURNING id", &s);
	assert_int_equal(db_bind_int64(s, 1, 2), DB_OK);
	assert_int_equal(db_bind_text(s, 2, "a"), DB_OK);
	assert_int_equal(db_step(s), DB_DONE);	/* no row: nothing made */
	assert_int_equal(db_changes(db), 0);
	db_finalize(s);
	assert_int_equal(count(db), 1);
}

/*
 * The engine's shape: one transaction, an item in a savepoint; a failing
 * item rolled back to its savepoint alone, the others committed.
 */
static void
test_savepoints(void **state)
{
	struct db	*db = db_of(state);
	struct db_stmt	*s;

	assert_int_equal(db_in_transaction(db), 0);
	assert_int_equal(db_begin_write(db), DB_OK);
	assert_int_equal(db_in_transaction(db), 1);
	assert_int_equal(db_exec(db, "SAVEPOINT item"), DB_OK);
	assert_int_equal(insert(db, 1, "first"), 1);
	assert_int_equal(db_exec(db, "RELEASE item"), DB_OK);
	assert_int_equal(db_exec(db, "SAVEPOINT item"), DB_OK);
	assert_int_equal(insert(db, 2, "second"), 2);
	prepare(db, "INSERT INTO t_db (id, name) VALUES (3, 'first')", &s);
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	db_finalize(s);
	assert_int_equal(db_exec(db, "ROLLBACK TO item"), DB_OK);
	assert_int_equal(db_exec(db, "RELEASE item"), DB_OK);
	assert_int_equal(db_exec(db, "SAVEPOINT item"), DB_OK);
	assert_int_equal(insert(db, 4, "fourth"), 4);
	assert_int_equal(db_exec(db, "RELEASE item"), DB_OK);
	assert_int_equal(db_exec(db, "COMMIT"), DB_OK);
	assert_int_equal(db_in_transaction(db), 0);
	assert_int_equal(count(db), 2);

	assert_int_equal(db_begin_write(db), DB_OK);
	assert_int_equal(insert(db, 5, "fifth"), 5);
	assert_int_equal(db_exec(db, "ROLLBACK"), DB_OK);
	assert_int_equal(count(db), 2);
}

/* A wrong parameter index is a misuse, not a crash. */
static void
test_misuse(void **state)
{
	struct db	*db = db_of(state);
	struct db_stmt	*s;

	prepare(db, "SELECT ?", &s);
	assert_int_equal(db_bind_int64(s, 0, 1), DB_MISUSE);
	assert_int_equal(db_bind_int64(s, 2, 1), DB_MISUSE);
	db_finalize(s);
	assert_int_not_equal(db_prepare(db, "SELEC nothing", &s), DB_OK);
	assert_null(s);
	assert_int_not_equal(db_exec(db, "INSERT INTO no_such_table VALUES (1)"),
	    DB_OK);
}

/*
 * PostgreSQL: a connection the server ends is opened again on the next
 * statement, and the statements prepared before still run.
 */
static void
test_pg_reconnect(void **state)
{
	struct db	*db = db_of(state);
	struct db_stmt	*s;
	enum db_rc	 rc;

	assert_int_equal(insert(db, 7, "seven"), 7);
	prepare(db, "SELECT name FROM t_db WHERE id = ?", &s);
	rc = db_exec(db, "SELECT pg_terminate_backend(pg_backend_pid())");
	assert_int_equal(rc, DB_UNAVAILABLE);
	assert_int_equal(db_bind_int64(s, 1, 7), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_column_text(s, 0), "seven");
	db_finalize(s);
}

static void
test_driver_names(void **state)
{
	char		err[128];
	struct db_options o = { "oracle", "x", 0, 0 };

	(void)state;
	assert_ptr_equal(db_driver_named(NULL), &db_sqlite_driver);
	assert_ptr_equal(db_driver_named("postgresql"), &db_pg_driver);
	assert_null(db_open(&o, err, sizeof(err)));
	assert_non_null(strstr(err, "oracle"));
	o.driver = "postgresql";
	o.target = "host=/nonexistent-dir port=1";
	assert_null(db_open(&o, err, sizeof(err)));
	assert_non_null(strstr(err, "PostgreSQL"));
}

#define BOTH(fn)							\
	cmocka_unit_test_setup_teardown(fn, setup_sqlite, teardown)
#define PG(fn)								\
	cmocka_unit_test_setup_teardown(fn, setup_pg, teardown)

int
main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test(test_driver_names),
		BOTH(test_values),
		BOTH(test_params_quoted),
		BOTH(test_reuse),
		BOTH(test_conflict),
		BOTH(test_savepoints),
		BOTH(test_misuse),
	};
	const struct CMUnitTest pg_tests[] = {
		PG(test_values),
		PG(test_params_quoted),
		PG(test_reuse),
		PG(test_conflict),
		PG(test_savepoints),
		PG(test_misuse),
		PG(test_pg_reconnect),
	};
	int	failed;

	failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL,
	    NULL);
	failed += cmocka_run_group_tests_name("postgresql", pg_tests, NULL,
	    NULL);
	return failed;
}
