# lib.sh: helpers for papigw's integration tests, after git's test-lib.sh.
#
# A test script sets test_description, sources this file, runs
# test_expect_success blocks and ends with test_done:
#
#	test_description='what this script covers'
#	. "$(dirname "$0")/lib.sh"
#	test_expect_success 'papigwd -n accepts the shipped file' '
#		papigwd -n -c "$CONF_DIR/papigw.conf"
#	'
#	test_done
#
# Each script runs in its own temporary directory ($TRASH, also the
# working directory), removed at exit.  Daemons started with
# start_daemon are stopped by the cleanup trap, whatever happens.  Use
# wait_for, which polls with a deadline, instead of sleeping.
#
# Output is TAP-like: "ok N - title" / "not ok N - title", then
# "# passed N failed M skipped K"; the exit status is non-zero when a test
# failed.
# Set VERBOSE=1 to see each test's output.

set -u

TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
case $TESTS_DIR in
*/tests/pg) TESTS_DIR=${TESTS_DIR%/pg} ;;	# the PostgreSQL-only tests
esac
SRC_DIR=$(cd "$TESTS_DIR/.." && pwd)
CONF_DIR="$SRC_DIR/conf"
BUILD=${BUILD:-$SRC_DIR/build}
PAPIGWD="$BUILD/papigwd"
# The same daemon with the test hooks (PAPIGW_MODEM_TEST_HOLD...).
PAPIGWD_HOOKS="$BUILD/tests/papigwd-hooks"
PAPICTL="$BUILD/papictl"
PATH="$BUILD:$PATH"
export PATH

# papictl and papigwd speak the language of the locale (LANGUAGE,
# LC_ALL, LC_MESSAGES, LANG): tests read their English, whatever the
# caller's, and ask for Vietnamese with LANG=vi_VN.UTF-8.
unset LANGUAGE LC_ALL LC_MESSAGES
case ${LANG:-C} in
C | C.* | POSIX) ;;
*) LANG=C.UTF-8; export LANG ;;
esac

test_count=0
test_failed=0
test_skipped=0
test_na=0
test_sqlite_only=""
daemon_pids=""

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/papigw-test.XXXXXX") || exit 1
cd "$TRASH" || exit 1

cleanup() {
	for pid in $daemon_pids; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -9 "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		fi
	done
	cd / && rm -rf "$TRASH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() {
	printf '%s\n' "$*"
}

# test_expect_success TITLE BODY: evaluates BODY in the script's own shell
# (so that variables such as $daemon_pid carry over to later tests); the
# test passes when BODY, a chain of commands joined by &&, succeeds.
# A test's body runs inside a function of its own, so that a `return 1`
# in it (a loop's `|| return 1`) fails that test instead of returning from
# test_expect_success before the failure is counted.
test_run_body_() {
	eval "$1"
}

test_expect_success() {
	test_count=$((test_count + 1))
	if [ -n "$test_sqlite_only" ]; then
		why=$test_sqlite_only
		test_sqlite_only=""
		if [ -n "${PAPIGW_TEST_PG:-}" ]; then
			test_na=$((test_na + 1))
			say "ok $test_count # n/a $1 (SQLite only: $why)"
			return 0
		fi
	fi
	if [ "${VERBOSE:-0}" = 1 ]; then
		test_run_body_ "$2"
	else
		{ test_run_body_ "$2"; } >"$TRASH/.out" 2>&1
	fi
	if [ $? -eq 0 ]; then
		say "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1"
		if [ "${VERBOSE:-0}" != 1 ] && [ -s "$TRASH/.out" ]; then
			sed 's/^/#   /' "$TRASH/.out" | tail -n 25
		fi
	fi
}

# test_must_fail CMD...: CMD must exit with a status from 1 to 125 (a
# crash, 126 and above, is not the failure we expect).
test_must_fail() {
	"$@"
	st=$?
	if [ $st -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	fi
	if [ $st -gt 125 ]; then
		echo "test_must_fail: '$*' died with status $st" >&2
		return 1
	fi
	return 0
}

# test_exit_status N CMD...: CMD must exit with status N.
test_exit_status() {
	want=$1
	shift
	"$@"
	st=$?
	if [ $st -ne "$want" ]; then
		echo "expected exit status $want from '$*', got $st" >&2
		return 1
	fi
}

# test_grep PATTERN FILE: like grep -q, but shows the file on failure.
test_grep() {
	if ! grep -q -- "$1" "$2"; then
		echo "pattern '$1' not found in $2:" >&2
		sed 's/^/| /' "$2" >&2
		return 1
	fi
}

# wait_for CONDITION [SECONDS]: polls the shell CONDITION every 50 ms
# until it succeeds or SECONDS (default 10) have passed.
wait_for() {
	cond=$1
	limit=${2:-10}
	tries=$((limit * 20))
	while [ $tries -gt 0 ]; do
		if eval "$cond" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.05
		tries=$((tries - 1))
	done
	echo "wait_for: '$cond' still false after ${limit}s" >&2
	return 1
}

# free_port: prints a TCP port on 127.0.0.1 that nobody listens on now.
free_port() {
	"$BUILD/tools/freeport"
}

# With PAPIGW_TEST_PG set (make check-pg, inside pg_virtualenv), the
# tests' store is a PostgreSQL database of their own, papigw_t<pid>,
# made empty here: storage.driver and storage.conninfo say so.
#
# The tests' own SQL (store_sql, sql, q) is SQLite's: on PostgreSQL it
# finds, in a schema of the test's psql sessions only (search_path; the
# daemon never sees it), the few SQLite functions it uses, with SQLite's
# meaning: hex(), printf('%0Nd'), strftime('%s'...), date(),
# group_concat(), json_extract(), last_insert_rowid().
if [ -n "${PAPIGW_TEST_PG:-}" ]; then
	PG_DB="papigw_t$$"
	dropdb --if-exists "$PG_DB" >/dev/null 2>&1
	createdb "$PG_DB" || exit 1
	psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DB" \
	    -f "$TESTS_DIR/pg/sqlite-compat.sql" >/dev/null || exit 1
	STORAGE_CONF="storage = { driver = \"postgresql\"; conninfo = \"dbname=$PG_DB\"; path = \"$TRASH/papigw.db\"; };"
else
	STORAGE_CONF="storage = { path = \"$TRASH/papigw.db\"; };"
fi

# store_sql [SQL [MORE...]]: runs SQL (without it, the SQL on the
# standard input) on the test's store and prints the rows, columns joined
# with "|": sqlite3 on the file (with MORE, its other arguments:
# dot-commands...), or psql on the test's PostgreSQL database.
store_sql() {
	if [ -n "${PAPIGW_TEST_PG:-}" ]; then
		[ $# -gt 0 ] || set -- -f -
		[ "$1" = -f ] || set -- -c "$1"
		PGOPTIONS="-c search_path=public,sqlite_compat${TZ:+ -c timezone=$TZ}" \
		    psql -X -q -At -v ON_ERROR_STOP=1 -d "$PG_DB" "$1" "$2"
	else
		sqlite3 -cmd ".timeout 5000" "$TRASH/papigw.db" "$@"
	fi
}

# $OUTBOX_TEXT: the whole text of a row of the table outbox, not aliased,
# as SQL (STORE_OUTBOX_TEXT() in src/store/store_priv.h): SQLite keeps an
# acknowledgement as its template, once in outbox_texts, and its case's
# reference in the row (schema 30).
OUTBOX_TEXT="(CASE WHEN outbox.tpl IS NULL THEN outbox.text ELSE (SELECT"
OUTBOX_TEXT="$OUTBOX_TEXT replace(x.text, x.ph, outbox.text) FROM"
OUTBOX_TEXT="$OUTBOX_TEXT outbox_texts x WHERE x.id = outbox.tpl) END)"

# outbox_columns COLUMNS: COLUMNS of the table outbox (a list, "text,
# encoding"), with $OUTBOX_TEXT for text.
outbox_columns() {
	printf '%s\n' "$1" |
	    sed "s/\(^\|[ ,]\)text\($\|[ ,]\)/\1$OUTBOX_TEXT\2/g"
}

# case_ref_set N: the next case opened gets the reference N + 1 (the
# store's counter: SQLite's row counters 'case_ref', PostgreSQL's
# sequence case_ref).
case_ref_set() {
	if [ -n "${PAPIGW_TEST_PG:-}" ]; then
		store_sql "SELECT setval('case_ref', greatest($1, 1), $1 > 0)" \
		    >/dev/null
	else
		store_sql "UPDATE counters SET value = $1 WHERE name = 'case_ref'"
	fi
}

# store_dump TABLE [WHERE]: the rows of TABLE (those WHERE says) as SQL
# that puts them back, an INSERT a line (sqlite3's .mode insert).
store_dump() {
	if [ -n "${PAPIGW_TEST_PG:-}" ]; then
		store_sql "SELECT 'INSERT INTO $1 SELECT * FROM ' ||
		    'json_populate_record(NULL::$1, ' ||
		    quote_literal(row_to_json(t)::text) || ');'
		    FROM $1 t WHERE ${2:-true} ORDER BY 1"
	else
		store_sql ".mode insert $1" \
		    "SELECT * FROM $1 WHERE ${2:-1} ORDER BY 1"
	fi
}

# store_integrity: "ok" when the store is whole: SQLite's integrity
# check, or on PostgreSQL amcheck's of every index against its table.
store_integrity() {
	if [ -n "${PAPIGW_TEST_PG:-}" ]; then
		store_sql "SELECT integrity_check()"
	else
		store_sql "PRAGMA integrity_check"
	fi
}

# write_conf FILE [EXTRA]: a working configuration for tests: state in
# $TRASH, a free port, no modem, the shipped categories.  EXTRA is
# appended (settings not set below, or channels).
# gateway_conf FILE SOCKET SETTINGS: one of several gateways on one
# database: a fresh HTTP port (in $port too), a control socket of its own
# and a generic channel "gen" sending to the fake provider at $fake_port,
# after SETTINGS.
gateway_conf() {
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	write_conf "$1" "$3
channels = (
	{ name = \"gen\"; type = \"generic\"; number = \"8089\";
	  base_url = \"http://127.0.0.1:$fake_port\";
	  account = \"kuser\"; token = \"kpass\"; }
);" &&
	sed -i "s|control.sock|$2|" "$1"
}

write_conf() {
	port=${HTTP_PORT:-$(free_port)} || return 1
	cp "$CONF_DIR/categories.conf" "$TRASH/categories.conf" || return 1
	cat >"$1" <<CONF
log = { level = "debug"; };
ward = { name = "UBND Phường 7, Quận 10"; hotline = "1022"; };
$STORAGE_CONF
http = { listen = "127.0.0.1:$port"; };
control = { socket = "$TRASH/control.sock"; };
${2:-}
@include "categories.conf"
CONF
}

# start_daemon ARGS...: starts papigwd -d in the background with its
# output in $TRASH/daemon.log and waits until it says it started.
# Only what this daemon wrote counts: the log may hold an earlier run's
# "started" line.
start_daemon() {
	log_from=$(($(wc -c <"$TRASH/daemon.log" 2>/dev/null || echo 0) + 1))
	"$PAPIGWD" -d "$@" >>"$TRASH/daemon.log" 2>&1 &
	daemon_pid=$!
	daemon_pids="$daemon_pids $daemon_pid"
	wait_for "tail -c +$log_from '$TRASH/daemon.log' | grep -q 'started' ||
	    ! kill -0 $daemon_pid" 10 || return 1
	kill -0 "$daemon_pid"
}

# stop_daemon [SIGNAL]: sends SIGNAL (default TERM) and waits for the
# exit; the daemon's exit status is in $daemon_status.
stop_daemon() {
	kill -"${1:-TERM}" "$daemon_pid" || return 1
	wait "$daemon_pid"
	daemon_status=$?
}

# test_skip TITLE WHY: a test that cannot run on this machine; it is
# counted as skipped, never as passed.
test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	say "ok $test_count # skip $1 ($2)"
}

# test_requires_sqlite WHY: the next test_expect_success is about the
# SQLite store itself (its file, WAL, PRAGMAs, a disk under it...).  On
# PostgreSQL it does not run and is counted apart, as not applicable
# ("ok N # n/a"), neither passed nor skipped; WHY says what it needs.
test_requires_sqlite() {
	test_sqlite_only=$1
}

# test_sqlite_only TITLE WHY: on PostgreSQL, tests about the SQLite
# store itself that a script leaves out there (as test_requires_sqlite);
# counted once, as not applicable.
test_sqlite_only() {
	test_count=$((test_count + 1))
	test_na=$((test_na + 1))
	say "ok $test_count # n/a $1 (SQLite only: $2)"
}

test_done() {
	if [ "$test_na" -gt 0 ]; then
		say "# not applicable on PostgreSQL $test_na"
	fi
	say "# passed $((test_count - test_failed - test_skipped - test_na))" \
	    "failed $test_failed skipped $test_skipped"
	[ "$test_failed" -eq 0 ]
}
