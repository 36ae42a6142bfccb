#!/bin/sh
# run.sh: runs every unit test binary ($BUILD/tests/test_*) and every
# integration script (tests/t*.sh), then prints one closing line
# "N passed, N failed, N skipped" counting individual tests (a skipped test
# is one that cannot run on this machine, never counted as passed).  Exit
# status 1 when any test failed or a test program crashed before reporting.
set -u

TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$(cd "$TESTS_DIR/.." && pwd)/build}
export BUILD
passed=0
failed=0
skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

count() {
	# count PROGRAM KIND: adds its counts to the totals.
	name=$1
	kind=$2
	if [ "$kind" = unit ]; then
		# cmocka's summary lines, one set per group of tests.
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$out" |
		    awk '{ n += $1 } END { print n + 0 }')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$out" |
		    awk '{ n += $1 } END { print n + 0 }')
		k=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$out" |
		    awk '{ n += $1 } END { print n + 0 }')
	else
		p=$(sed -n 's/^# passed \([0-9]*\) failed [0-9]*.*$/\1/p' "$out")
		f=$(sed -n 's/^# passed [0-9]* failed \([0-9]*\).*$/\1/p' "$out")
		k=$(sed -n 's/^# passed [0-9]* failed [0-9]* skipped \([0-9]*\)$/\1/p' \
		    "$out")
	fi
	p=${p:-0}
	f=${f:-0}
	k=${k:-0}
	if [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then
		# It failed without saying which test: count it as one.
		echo "# $name exited with status $st"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + k))
	echo "# $name: $p passed, $f failed, $k skipped"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	echo "# unit: ${t##*/}"
	"$t" >"$out" 2>&1
	st=$?
	cat "$out"
	count "${t##*/}" unit
done

for t in "$TESTS_DIR"/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	echo "# integration: ${t##*/}"
	sh "$t" >"$out" 2>&1
	st=$?
	cat "$out"
	count "${t##*/}" integration
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
