#!/bin/sh
test_description='papictl: every daemon command'"'"'s usage is its item in papictl.8, word for word'
. "$(dirname "$0")/lib.sh"

CMDS="status list show reply assign claim note close reopen merge outbox retry
report export inject audit announce"

bs=$(printf '\b')

test_expect_success 'the man page items, rendered' '
	mandoc -Tascii -Owidth=1000 "$SRC_DIR/man/papictl.8" |
	    sed "s/.$bs//g; s/^ *//; s/  .*//" >items &&
	test -s items
'

for c in $CMDS; do
	test_expect_success "$c: usage = man page" '
		test_exit_status 2 "$PAPICTL" '"$c"' --no-such-option 2>err &&
		line=$(sed -n "s/^usage: papictl //p" err | sed "s/ *\$//") &&
		test -n "$line" &&
		grep -qxF -- "$line" items ||
		{ echo "usage: $line" >&2; grep "^'"$c"'" items >&2; false; }
	'
done

test_expect_success 'wrong arguments are usage errors (exit 2), before any daemon' '
	test_exit_status 2 "$PAPICTL" -s "$TRASH/none" show &&
	test_exit_status 2 "$PAPICTL" -s "$TRASH/none" assign PA-1 &&
	test_exit_status 2 "$PAPICTL" -s "$TRASH/none" list --limit many &&
	test_exit_status 2 "$PAPICTL" -s "$TRASH/none" retry &&
	test_exit_status 2 "$PAPICTL" -s "$TRASH/none" export --format xml &&
	test_exit_status 2 "$PAPICTL" -s "$TRASH/none" inject "no sender"
'

if ! test -e /run/papigw/control.sock; then
	test_expect_success 'an unreadable configuration: the default socket' '
		test_exit_status 1 "$PAPICTL" -c "$TRASH/none.conf" status \
		    2>err &&
		test_grep "cannot reach papigwd at /run/papigw/control.sock" err &&
		printf "log = {\n" >bad.conf &&
		test_exit_status 1 "$PAPICTL" -c bad.conf status 2>err &&
		test_grep "bad.conf:2: syntax error" err
	'
fi

test_done
