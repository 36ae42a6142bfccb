#!/bin/sh
test_description='outbox: a reply is given up after a time, not a number of attempts; an outage shorter than that loses nothing; papictl retry --failed [--since] queues the failed again, audited'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-fake.sh"

# ob COLUMNS RECIPIENT: those columns of the outbox row to RECIPIENT.
ob() {
	sql "SELECT $(outbox_columns "$1") FROM outbox WHERE recipient = '$2'"
}

# state_is RECIPIENT STATE: the outbox row to RECIPIENT is in STATE.
state_is() {
	test "$(ob state "$1")" = "$2"
}

# conf GIVE_UP: a generic channel at the fake, a retry a second.
conf() {
	ctl_conf p.conf "
outbox = { give_up_after = $1; backoff_initial = 1; backoff_max = 1;
    connect_timeout = 1; timeout = 2; };
channels = ( { name = \"gen\"; type = \"generic\";
    base_url = \"http://127.0.0.1:$fake_port\"; account = \"u\"; token = \"p\"; } );"
}

test_expect_success 'shipped and dev: an hour'"'"'s outage is not given up' '
	for f in "$CONF_DIR/papigw.conf" "$CONF_DIR/dev.conf"; do
		g=$(sed -n "/^outbox = {/,/^}/s/^	give_up_after = \([0-9]*\);.*/\1/p" "$f") &&
		test "$g" -ge 3600 &&
		m=$(sed -n "/^outbox = {/,/^}/s/^	max_attempts = \([0-9]*\);.*/\1/p" "$f") &&
		test "${m:-0}" = 0 || return 1
	done
'

test_expect_success 'setup: given up 4 seconds after being queued' '
	HTTP_PORT=$(free_port) &&
	start_fake && conf 4 && start_daemon -c p.conf
'

test_expect_success 'a provider that is down: retried until 4 s, then dead' '
	fake_mode 500 &&
	ctl inject --from +84912345801 "Đèn đường hẻm 8 hỏng" >/dev/null &&
	wait_for "state_is +84912345801 failed" 15 &&
	test "$(ob dead +84912345801)" = 1 &&
	test "$(ob "CAST(updated - created >= 4 AS INTEGER)" +84912345801)" = 1 &&
	test "$(ob "CAST(attempts >= 3 AS INTEGER)" +84912345801)" = 1 &&
	test_grep "row [0-9]* to +84 91x xxx 801 dead after [0-9]* attempts in [4-9]s" daemon.log
'

test_expect_success 'retry --failed: queued again, sent, audited' '
	fake_mode ok &&
	ctl retry --failed >out &&
	test_grep "^1 failed message queued again" out &&
	wait_for "state_is +84912345801 sent" &&
	test "$(ob "dead, CAST(last_error IS NULL AS INTEGER)" +84912345801)" = "0|1" &&
	test "$(sql "SELECT actor, detail FROM audit WHERE action = '"'outbox.retry'"'")" = \
	    "root|1 failed rows, failed since 0"
'

test_expect_success 'retry --failed --since: only those that failed since' '
	fake_mode permanent 1 &&
	ctl inject --from +84912345802 "Rác ở chợ" >/dev/null &&
	wait_for "state_is +84912345802 failed" &&
	sleep 3 &&
	fake_mode permanent 1 &&
	ctl inject --from +84912345803 "Nước ngập hẻm 9" >/dev/null &&
	wait_for "state_is +84912345803 failed" &&
	fake_mode ok &&
	ctl --json retry --failed --since 2s >r.json &&
	test "$(jget r.json "\$.queued")" = 1 &&
	wait_for "state_is +84912345803 sent" &&
	state_is +84912345802 failed
'

test_expect_success 'usage: an id or --failed, a time papictl reads' '
	test_exit_status 2 ctl retry &&
	test_exit_status 2 ctl retry --since 1d &&
	test_exit_status 2 ctl retry --failed --since yesterday 2>err &&
	test_grep "neither YYYY-MM-DD" err &&
	ctl retry --failed --since "$(date +%Y-%m-%d)" >out &&
	test_grep "^1 failed message queued again" out &&
	wait_for "state_is +84912345802 sent"
'

test_expect_success 'an outage of 8 failed attempts, shorter than give_up_after: sent' '
	conf 60 && kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded\" daemon.log" &&
	fake_mode 500 8 &&
	ctl inject --from +84912345804 "Cây đổ hẻm 3" >/dev/null &&
	wait_for "state_is +84912345804 sent" 30 &&
	test "$(ob "attempts, dead" +84912345804)" = "9|0"
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
