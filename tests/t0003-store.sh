#!/bin/sh
test_description='the store: schema migrations on empty, older and newer databases'
. "$(dirname "$0")/lib.sh"

# The newest schema version: the one the code says it knows.
latest=$(sed -n 's/^#define STORE_SCHEMA_VERSION[^0-9]*\([0-9]*\).*/\1/p' \
    "$SRC_DIR/src/store/store.h")

# schema_version, tables: the store's schema version and its tables
# (SQLite's user_version; PostgreSQL's papigw_schema).
schema_version() {
	if [ -n "${PAPIGW_TEST_PG:-}" ]; then
		store_sql "SELECT version FROM papigw_schema"
	else
		store_sql "PRAGMA user_version"
	fi
}
tables() {
	if [ -n "${PAPIGW_TEST_PG:-}" ]; then
		store_sql "SELECT tablename FROM pg_tables
		    WHERE schemaname = 'public'"
	else
		store_sql ".tables"
	fi
}

test_expect_success 'an empty database gets the latest schema' '
	write_conf p.conf &&
	start_daemon -c p.conf &&
	test "$(schema_version)" = $latest &&
	tables >tables &&
	for t in cases inbound outbox case_events notes audit \
	    parts dlr; do
		test_grep "\\b$t\\b" tables || return 1
	done &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_requires_sqlite 'the journal mode of the store file'
test_expect_success 'the store is in WAL mode' '
	test "$(sqlite3 papigw.db "PRAGMA journal_mode")" = wal
'

test_expect_success 'restarting on the same database keeps it as it is' '
	store_sql "INSERT INTO audit (at, actor, action, prev_hash, hash)
	    VALUES (1, '"'t'"', '"'marker'"', '"''"', '"''"')" &&
	: >daemon.log && start_daemon -c p.conf && stop_daemon &&
	test "$(store_sql "SELECT count(*) FROM audit WHERE action = '"'marker'"'")" = 1 &&
	test "$(schema_version)" = $latest
'

test_requires_sqlite 'the migrations of a store file from version 1'
test_expect_success 'a version 1 database is migrated with its rows' '
	sqlite3 old.db <"$TESTS_DIR/data/store-v1.sql" &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = 1 &&
	: >daemon.log &&
	start_daemon -c p.conf -o storage.path="$TRASH/old.db" &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = $latest &&
	test "$(sqlite3 old.db "SELECT count(*) FROM cases")" = 2 &&
	test "$(sqlite3 old.db "SELECT state FROM cases WHERE ref_number = 1")" = resolved &&
	test "$(sqlite3 old.db "SELECT closed FROM cases WHERE ref_number = 1")" = 1700000500 &&
	test "$(sqlite3 old.db "SELECT closed IS NULL FROM cases WHERE ref_number = 2")" = 1 &&
	test "$(sqlite3 old.db "SELECT count(*) FROM inbound")" -ge 1 &&
	stop_daemon && test "$daemon_status" -eq 0
'

if [ -n "${PAPIGW_TEST_PG:-}" ]; then
test_expect_success 'a database newer than the code is refused' '
	store_sql "UPDATE papigw_schema SET version = 99" &&
	test_exit_status 1 "$PAPIGWD" -d -c p.conf 2>err &&
	test_grep "schema version 99, this papigw has $latest" err &&
	test "$(schema_version)" = 99 &&
	store_sql "UPDATE papigw_schema SET version = $latest"
'
else
test_expect_success 'a database newer than the code is refused' '
	sqlite3 new.db "PRAGMA user_version = 99" &&
	test_exit_status 1 "$PAPIGWD" -d -c p.conf \
	    -o storage.path="$TRASH/new.db" 2>err &&
	test_grep "schema version 99 is newer than this papigw knows" err &&
	test "$(sqlite3 new.db "PRAGMA user_version")" = 99
'
fi

test_requires_sqlite 'a store file'
test_expect_success 'a file that is not a database is refused' '
	echo "not a database" >junk.db &&
	test_exit_status 1 "$PAPIGWD" -d -c p.conf \
	    -o storage.path="$TRASH/junk.db" 2>err &&
	test_grep "store: " err
'

test_done
