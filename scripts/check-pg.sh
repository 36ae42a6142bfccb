#!/bin/sh
# check-pg.sh: the tests on PostgreSQL, on a throw-away cluster that
# pg_virtualenv (postgresql-common) creates for them and drops after.
#
#   scripts/check-pg.sh BUILD [TEST...]
#
# They are the database interface's unit test (tests/unit/test_db.c:
# every test on both drivers, the PostgreSQL schema, every statement of
# the store's families prepared on it), the whole integration suite
# (tests/t*.sh) and the tests of gateways sharing a database (tests/pg/
# t*.sh), each test script on a database of its own (see tests/lib.sh).
# TEST... runs only those scripts (paths).  PAPIGW_CHECK_JOBS scripts
# of the suite run at once (default 2); those of tests/pg/ run one at a
# time after them (one stops and starts the cluster).
#
# Prints their output and one line "N passed, N failed, N skipped", then,
# when there are any, the tests not applicable on PostgreSQL (those about
# the SQLite store itself: its file, WAL, a disk under it...), by script.
# A skipped test is a failure here, as this is where they must run.
set -eu
# check-pg.sh --one DIR ROOT N TEST: runs one script (inside the cluster)
# with its output in DIR/N-name.out, headed by its path.
if [ "${1:-}" = --one ]; then
	out="$2/$4-${5##*/}.out"
	echo "# ${5#$3/}" >"$out"
	sh "$5" >>"$out" 2>&1 || echo "# ${5##*/} exited with status $?" >>"$out"
	exit 0
fi
BUILD=${1:?usage: check-pg.sh BUILD [TEST...]}
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JOBS=${PAPIGW_CHECK_JOBS:-2}
command -v pg_virtualenv >/dev/null || {
	echo "check-pg: pg_virtualenv not found (Debian: postgresql-common)" >&2
	exit 1
}
if [ $# -eq 0 ]; then
	set -- "$ROOT"/tests/t[0-9]*.sh "$ROOT"/tests/pg/t*.sh
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s)
# pg_virtualenv sets PGHOST, PGPORT, PGUSER and PGPASSWORD: libpq reads
# them, so a conninfo names only the database.  As root, its cluster has
# one name for all (15/regress): a second run at once waits for the first.
# flock -o: the lock is flock's alone, not inherited by the server a test
# restarts (t0008), which would hold it after the run.
# Each script's output goes to a file of its own, shown in order after.
status=0
flock -o /tmp/papigw-check-pg.lock pg_virtualenv sh -c '
	export PAPIGW_TEST_PG="dbname=postgres" BUILD="$1"
	self=$2 dir=$3 jobs=$4 root=$5
	shift 5
	"$BUILD/tests/test_db" >"$dir/0000-test_db.out" 2>&1 ||
	    echo "# test_db exited with status $?" >>"$dir/0000-test_db.out"
	n=1000
	for t; do
		n=$((n + 1))
		case $t in */tests/pg/*) ;; *) printf "%s\n" "$n" "$t" ;; esac
	done | xargs -P "$jobs" -n 2 sh "$self" --one "$dir" "$root"
	n=1000
	for t; do
		n=$((n + 1))
		case $t in */tests/pg/*) printf "%s\n" "$n" "$t" ;; esac
	done | xargs -P 1 -n 2 sh "$self" --one "$dir" "$root"
	' sh "$BUILD" "$ROOT/scripts/check-pg.sh" "$dir" "$JOBS" "$ROOT" "$@" \
    >"$dir/cluster.out" 2>&1 || status=$?
out="$dir/all.out"
cat "$dir"/cluster.out "$dir"/[0-9]*.out >"$out"
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
for o in "$dir"/[0-9]*.out; do
	if grep -q "^# .* exited with status" "$o" &&
	    ! grep -q "^# passed [0-9]* failed [1-9]" "$o" &&
	    ! grep -q "^\[  FAILED  \]" "$o"; then
		f=$((f + 1))
	fi
done
k=$(( $(sum SKIPPED) + $(sed -n 's/^# passed [0-9]* failed [0-9]* skipped \([0-9]*\)$/\1/p' \
    "$out" | awk '{ n += $1 } END { print n + 0 }') ))
na=0
nalist=""
for o in "$dir"/[0-9]*.out; do
	c=$(sed -n 's/^# not applicable on PostgreSQL \([0-9]*\)$/\1/p' "$o")
	[ -n "$c" ] || continue
	na=$((na + c))
	name=$(sed -n '1s/^# .*\/\(t[0-9][^/]*\)\.sh$/\1/p' "$o")
	nalist="$nalist${nalist:+, }$name $c"
done
echo "check-pg: $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $k skipped"
if [ "$na" -gt 0 ]; then
	echo "not applicable on PostgreSQL: $na ($nalist)"
fi
[ "$status" -eq 0 ] && [ "$f" -eq 0 ] && [ "$k" -eq 0 ] && [ "$p" -gt 0 ]
