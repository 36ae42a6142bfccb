#!/bin/sh
test_description='papictl classify: the router offline, one message or many'
. "$(dirname "$0")/lib.sh"

conf="$CONF_DIR/papigw.conf"

test_expect_success 'one message as an argument' '
	"$PAPICTL" -c "$conf" classify "duong bi ngap nuoc, ko ai sua" >out &&
	test "$(wc -l <out)" -eq 1 &&
	test "$(cut -f1 out)" = infrastructure &&
	test "$(awk -F"\t" "{print NF}" out)" -eq 4 &&
	test_grep "ngập nước" out
'

test_expect_success 'one message a line from stdin, one line each' '
	printf "%s\n" "co nguoi doi 5tr moi lam so do" \
	    "trom xe may o hem 12" \
	    "chuc mung ban trung thuong 100tr bam link http://x.co" \
	    "cam on" >in &&
	"$PAPICTL" -c "$conf" classify - <in >out &&
	test "$(wc -l <out)" -eq 4 &&
	test "$(sed -n 1p out | cut -f1)" = corruption &&
	test "$(sed -n 2p out | cut -f1)" = security &&
	sed -n 3p out | grep -q "\[spam\]" &&
	sed -n 4p out | grep -q "\[thanks\]"
'

test_expect_success '--json gives the normalised and folded text' '
	"$PAPICTL" --json -c "$conf" classify "Trộm xe máy ở hẻm 12" >out &&
	test_grep "\"folded\": *\"trom xe may o hem 12\"" out &&
	test_grep "\"category\": *\"security\"" out
'

test_expect_success 'invalid UTF-8 is repaired, not a crash' '
	printf "duong \377\376 ngap nuoc\n" >in &&
	"$PAPICTL" --json -c "$conf" classify - <in >out &&
	test_grep "\"invalid_utf8\": *true" out
'

test_expect_success 'works without a daemon; a broken configuration fails' '
	test_exit_status 1 "$PAPICTL" -c "$TRASH/none.conf" classify x 2>err &&
	test_grep "none.conf: cannot read" err &&
	test_exit_status 2 "$PAPICTL" -c "$conf" classify a b 2>err
'

test_done
