#!/bin/sh
test_description='queue tools: quarantine list and release, sender block and unblock, close --filter with a confirmation, a retried message'"'"'s old error cleared once sent'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-fake.sh"

# acks NUMBER: the automatic replies queued to NUMBER.
acks() {
	sql "SELECT count(*) FROM outbox WHERE recipient = '$1' AND kind IN
	    ('ack', 'special')"
}

test_expect_success 'start: a fake provider, a flood guard of 3 messages a minute' '
	start_fake &&
	make_officer &&
	ctl_conf p.conf "
roles = ( { name = \"officers\"; kind = \"officer\"; users = [ \"$OFFICER\" ]; } );
outbox = { max_attempts = 2; backoff_initial = 1; backoff_max = 1; };
channels = ( { name = \"gen\"; type = \"generic\";
    base_url = \"http://127.0.0.1:$fake_port\"; account = \"u\"; token = \"p\"; } );
replies = { flood_messages = 3; flood_window = 600; quarantine_time = 0; };" &&
	start_daemon -c p.conf
'

test_expect_success 'a number that floods is quarantined: listed, masked, with its pseudonym' '
	for i in 1 2 3 4; do
		ctl inject --from +84912345901 "Hẻm 5 ồn ào lần $i" >/dev/null || return 1
	done &&
	test "$(sql "SELECT CAST(quarantine_until IS NULL AS INTEGER) FROM senders WHERE number = '"'+84912345901'"'")" = 1 &&
	ctl quarantine list >out &&
	test_grep "^+84 91x xxx 901  *R-1 .*released by hand  *more than 3 messages in 600 s$" out &&
	! grep -q 912345901 out &&
	ctl --json quarantine list >q.json &&
	test "$(jget q.json "\$.numbers[0].resident")" = R-1 &&
	test "$(jget q.json "\$.numbers[0].blocked")" = 0
'

test_expect_success 'release by pseudonym: audited, and automatic replies again' '
	n=$(acks +84912345901) &&
	ctl quarantine release R-1 >out &&
	test_grep "^R-1 released from quarantine$" out &&
	test "$(sql "SELECT detail FROM audit WHERE action = '"'sender.release'"'")" = R-1 &&
	ctl quarantine list >out && test_grep "no number is quarantined" out &&
	# The flood is an hour old: the next message is no flood.
	sql "UPDATE inbound SET received = received - 3600 WHERE sender = '"'+84912345901'"'" &&
	ctl inject --from +84912345901 "Đèn đường hẻm 9 hỏng" >/dev/null &&
	test "$(acks +84912345901)" -gt "$n" &&
	test_exit_status 1 ctl quarantine release R-1 2>err &&
	test_grep "R-1 is not in quarantine" err &&
	test_exit_status 1 ctl quarantine release R-99 2>err &&
	test_grep "no number for R-99" err &&
	test_exit_status 2 ctl quarantine release abc 2>err &&
	test_exit_status 2 ctl quarantine 2>err
'

test_expect_success 'block an abusive number by its national form: audited, for good' '
	ctl inject --from +84912345902 "Tin nhắn quấy rối" >/dev/null &&
	test_exit_status 2 ctl sender block 0912345902 2>err &&
	ctl sender block --reason "quấy rối cán bộ" 0912345902 >out &&
	test_grep "^+84 91x xxx 902 blocked" out &&
	test "$(sql "SELECT blocked_by || '"' '"' || (CAST(quarantine_until IS NULL AS INTEGER)) FROM senders WHERE number = '"'+84912345902'"'")" = "root 1" &&
	test "$(sql "SELECT actor || '"' '"' || detail FROM audit WHERE action = '"'sender.block'"'")" = "root +84 91x xxx 902: quấy rối cán bộ" &&
	ctl quarantine list >out &&
	test_grep "blocked by root: quấy rối cán bộ" out
'

test_expect_success 'a blocked number: its messages still filed, no automatic reply' '
	n=$(acks +84912345902) &&
	c=$(sql "SELECT count(*) FROM cases") &&
	ctl inject --from +84912345902 "Đường hẻm 7 có ổ gà lớn" >out &&
	test_grep "opened PA-" out &&
	test "$(sql "SELECT count(*) FROM cases")" = $((c + 1)) &&
	test "$(acks +84912345902)" = "$n" &&
	for i in 1 2 3 4; do
		ctl inject --from +84912345902 "lần $i" >/dev/null || return 1
	done &&
	test "$(sql "SELECT blocked_by || (CAST(quarantine_until IS NULL AS INTEGER)) FROM senders WHERE number = '"'+84912345902'"'")" = root1
'

test_expect_success 'unblock: answered again; unblocking twice says so' '
	ctl sender unblock +84912345902 >out &&
	test_grep "^+84 91x xxx 902 unblocked$" out &&
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'sender.unblock'"'")" = 1 &&
	test_exit_status 1 ctl sender unblock +84912345902 2>err &&
	test_grep "is not blocked" err &&
	test_exit_status 2 ctl sender mute +84912345902
'

test_expect_success 'officers may not decide about numbers' '
	test_exit_status 1 as_officer quarantine list 2>err &&
	test_grep "is for administrators only" err &&
	test_exit_status 1 as_officer sender block --reason "spam spam" R-1 2>err
'

test_expect_success 'close --filter: the matching open cases, shown and counted' '
	for i in 1 2 3; do
		ctl inject --from +8491234591$i "Cống hẻm 88 bị tắc, nước tràn lên đường $i" >/dev/null || return 1
	done &&
	ctl inject --from +84912345920 "Trộm xe đạp ở hẻm 88" >/dev/null &&
	ctl list --open --text "cong hem 88" >list &&
	test "$(grep -c "^PA-" list)" = 3 &&
	test_exit_status 1 setsid -w "$PAPICTL" -s "$TRASH/control.sock" close --filter --text "cong hem 88" --reason "trùng lặp" >out 2>err &&
	test_grep "3 open cases pass the filter" out &&
	test_grep "no terminal to confirm on: give --yes" err &&
	test "$(sql "SELECT count(*) FROM cases WHERE state = '"'resolved'"'")" = 0 &&
	test_exit_status 2 ctl close --filter --text "cong hem 88"
'

if command -v script >/dev/null 2>&1; then
test_expect_success 'close --filter: "n" on the terminal closes nothing' '
	printf "n\n" | script -qec "\"$PAPICTL\" -s \"$TRASH/control.sock\" close --filter --text \"cong hem 88\" --reason \"trùng lặp\"" /dev/null >out 2>&1;
	test_grep "Close these 3 cases? \[y/N\]" out &&
	test_grep "nothing closed" out &&
	test "$(sql "SELECT count(*) FROM cases WHERE state = '"'resolved'"'")" = 0
'
else
test_skip 'close --filter on a terminal' 'script(1) missing'
fi

test_expect_success 'close --filter --yes: closed with the reason, audited, nothing asked' '
	q=$(sql "SELECT count(*) FROM outbox WHERE text LIKE '"'%da duoc xu ly%'"'") &&
	ctl close --filter --text "cong hem 88" --reason "trùng lặp" --yes >out &&
	test_grep "^3 cases closed$" out &&
	test "$(sql "SELECT count(*) FROM cases c JOIN inbound i ON i.case_id = c.id WHERE i.text LIKE '"'Cống hẻm 88%'"' AND c.state = '"'resolved'"' AND c.closed IS NOT NULL")" = 3 &&
	test "$(sql "SELECT count(*) FROM notes WHERE text = '"'trùng lặp'"'")" = 3 &&
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'case.close'"' AND detail LIKE '"'%, bulk'"'")" = 3 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE text LIKE '"'%da duoc xu ly%'"'")" = "$q" &&
	ctl list --open --text "hem 88" >out &&
	test "$(grep -c "^PA-" out)" = 1 &&
	ctl close --filter --text "cong hem 88" --reason "trùng lặp" --yes >out &&
	test_grep "no open case passes the filter" out
'

test_expect_success 'close --filter in Vietnamese' '
	LANG=vi_VN.UTF-8 ctl close --filter --text "trom xe dap" --reason "đã chuyển công an" --yes >out &&
	test_grep "^Đã kết thúc 1 hồ sơ$" out
'

test_expect_success 'a message that failed keeps its error; retried and sent, it has none' '
	fake_mode permanent 1 &&
	ctl inject --from +84912345930 "Đèn đường hẻm 3 hỏng" >/dev/null &&
	wait_for "test \"\$(sql \"SELECT state FROM outbox WHERE recipient = '"'+84912345930'"'\")\" = failed" &&
	test -n "$(sql "SELECT last_error FROM outbox WHERE recipient = '"'+84912345930'"'")" &&
	ctl outbox --failed >out && test_grep "+84 91x xxx 930" out &&
	id=$(sql "SELECT id FROM outbox WHERE recipient = '"'+84912345930'"'") &&
	fake_mode ok &&
	ctl retry "$id" >/dev/null &&
	wait_for "test \"\$(sql \"SELECT state FROM outbox WHERE id = $id\")\" = sent" &&
	test "$(sql "SELECT CAST(last_error IS NULL AS INTEGER) FROM outbox WHERE id = $id")" = 1 &&
	ctl outbox >out &&
	! grep "^ *$id .*permanent" out
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
