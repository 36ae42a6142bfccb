#!/bin/sh
# check-pg.sh: the tests that run on PostgreSQL, on a throw-away cluster
# that pg_virtualenv (postgresql-common) creates for them and drops after.
#
#   scripts/check-pg.sh BUILD
#
# Today that is the database interface's unit test (tests/unit/test_db.c),
# every one of its tests on both drivers; the store's families move onto
# that interface next, and their tests with them.  Prints the tests'
# output and one line "N passed, N failed, N skipped"; a skipped
# PostgreSQL test is a failure here, as this is where they must run.
set -eu
BUILD=${1:?usage: check-pg.sh BUILD}
command -v pg_virtualenv >/dev/null || {
	echo "check-pg: pg_virtualenv not found (Debian: postgresql-common)" >&2
	exit 1
}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# pg_virtualenv sets PGHOST, PGPORT, PGUSER and PGPASSWORD: libpq reads
# them, so the conninfo names only the database.
status=0
# As root, pg_virtualenv's cluster has one name for all (15/regress): a
# second run at once waits for the first.
flock /tmp/papigw-check-pg.lock \
    pg_virtualenv sh -c 'PAPIGW_TEST_PG="dbname=postgres" "$1"' sh \
    "$BUILD/tests/test_db" >"$out" 2>&1 || status=$?
cat "$out"
sum() {
	sed -n "s/^\[  $1 *\] \([0-9]*\) test(s).*/\1/p" "$out" |
	    awk '{ n += $1 } END { print n + 0 }'
}
p=$(sum PASSED)
f=$(sum FAILED)
k=$(sum SKIPPED)
echo "$p passed, $f failed, $k skipped"
[ "$status" -eq 0 ] && [ "$f" -eq 0 ] && [ "$k" -eq 0 ] && [ "$p" -gt 0 ]
