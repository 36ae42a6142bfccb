#!/bin/sh
# check-pg.sh: the tests that run on PostgreSQL, on a throw-away cluster
# that pg_virtualenv (postgresql-common) creates for them and drops after.
#
#   scripts/check-pg.sh BUILD
#
# They are the database interface's unit test (tests/unit/test_db.c:
# every test on both drivers, the PostgreSQL schema, every statement of
# the store's families prepared on it) and the daemon's tests on
# PostgreSQL (tests/pg/t*.sh: each gets a database of its own, see
# tests/lib.sh).  Prints their output and one line "N passed, N failed,
# N skipped"; a skipped test is a failure here, as this is where they
# must run.
set -eu
BUILD=${1:?usage: check-pg.sh BUILD}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v pg_virtualenv >/dev/null || {
	echo "check-pg: pg_virtualenv not found (Debian: postgresql-common)" >&2
	exit 1
}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# pg_virtualenv sets PGHOST, PGPORT, PGUSER and PGPASSWORD: libpq reads
# them, so a conninfo names only the database.  As root, its cluster has
# one name for all (15/regress): a second run at once waits for the first.
status=0
flock /tmp/papigw-check-pg.lock pg_virtualenv sh -c '
	export PAPIGW_TEST_PG="dbname=postgres" BUILD="$1"
	st=0
	"$1/tests/test_db" || st=1
	for t in "$2"/tests/pg/t*.sh; do
		sh "$t"
		r=$?
		if [ $r -ne 0 ]; then
			echo "# ${t##*/} exited with status $r"
			st=1
		fi
	done
	exit $st' sh "$BUILD" "$ROOT" >"$out" 2>&1 || status=$?
cat "$out"
sum() {
	sed -n "s/^\[  $1 *\] \([0-9]*\) test(s).*/\1/p" "$out" |
	    awk '{ n += $1 } END { print n + 0 }'
}
p=$(( $(sum PASSED) + $(sed -n 's/^# passed \([0-9]*\) .*/\1/p' "$out" |
    awk '{ n += $1 } END { print n + 0 }') ))
f=$(( $(sum FAILED) + $(sed -n 's/^# passed [0-9]* failed \([0-9]*\).*/\1/p' \
    "$out" | awk '{ n += $1 } END { print n + 0 }') ))
# A script that stopped without its closing line counts as one failure.
if grep -q "^# .* exited with status" "$out" && [ "$f" -eq 0 ]; then
	f=1
fi
k=$(( $(sum SKIPPED) + $(sed -n 's/^# passed [0-9]* failed [0-9]* skipped \([0-9]*\)$/\1/p' \
    "$out" | awk '{ n += $1 } END { print n + 0 }') ))
echo "$p passed, $f failed, $k skipped"
[ "$status" -eq 0 ] && [ "$f" -eq 0 ] && [ "$k" -eq 0 ] && [ "$p" -gt 0 ]
