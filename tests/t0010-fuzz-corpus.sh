#!/bin/sh
test_description='fuzz targets: every seed and found input of fuzz/corpus once through each target, as a regression test (no clang needed)'
. "$(dirname "$0")/lib.sh"

# The targets: one fuzz/fuzz_NAME.c each; the Makefile builds
# $BUILD/fuzz/run-NAME for those in FUZZ_NAMES.
NAMES=$(cd "$SRC_DIR/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')

test_expect_success 'every target in fuzz/ is built and has a corpus' '
	test "$(echo $NAMES | wc -w)" -ge 12 &&
	for n in $NAMES; do
		test -x "$BUILD/fuzz/run-$n" &&
		test -n "$(ls "$SRC_DIR/fuzz/corpus/$n")" || return 1
	done
'

for n in $NAMES; do
	test_expect_success "$n: its corpus runs without a crash or a report" '
		"$BUILD/fuzz/run-$n" "$SRC_DIR/fuzz/corpus/$n" >out 2>err &&
		test_grep "run-$n: $(ls "$SRC_DIR/fuzz/corpus/$n" | wc -l) inputs" out &&
		! grep -q "runtime error\|AddressSanitizer" err
	'
done

test_done
