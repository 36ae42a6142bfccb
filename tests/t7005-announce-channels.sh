#!/bin/sh
test_description='announcements over several channels: a USSD subscriber gets them by SMS, the cost counted per channel, nobody left queued when no channel can send'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"
. "$TESTS_DIR/lib-ussd.sh"
. "$TESTS_DIR/lib-announce.sh"

U=+84915000009

# on CHANNEL NUMBER TEXT: a message in on CHANNEL.
on() {
	ctl inject --channel "$1" --from "$2" "$3" >/dev/null
}

# queued: the announcements' messages still waiting in the outbox.
queued() {
	sql "SELECT count(*) FROM outbox WHERE kind = 'announcement'
	    AND state IN ('queued', 'sending')"
}

# The shipped USSD setting: no SMS channel of its own (ussd.channel "").
# Two providers: "gen" sends Unicode (70 characters a part, 100 dong a
# part: announce.part_cost), "gen2" strips the diacritics (GSM-7, 160
# characters a part) and costs 50 dong a part.
start() {
	PUB_CHANNELS="{ name = \"gen\"; type = \"generic\";
	    base_url = \"http://127.0.0.1:$fake_port\"; },
	{ name = \"gen2\"; type = \"generic\"; strip_diacritics = true;
	    part_cost = 50; base_url = \"http://127.0.0.1:$fake_port\"; }" \
	pub_conf p.conf "ussd = { enabled = true; service_code = \"*123#\";
    channel = \"\"; sms_ack = false; menu = (
	(\"report\", \"Phan anh\"), (\"news\", \"Nhan tin thong bao\") ); };" &&
	start_daemon -c p.conf -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=0 -o announce.part_cost=100 \
	    -o announce.second_approver=false "$@"
}

test_expect_success 'setup' '
	HTTP_PORT=$(free_port) && port=$HTTP_PORT && start_fake && start
'

test_expect_success 'subscribers on two providers and on USSD' '
	on gen +84915000001 "DK ngân sách" && on gen +84915000002 "DK ngân sách" &&
	on gen +84915000003 "DK ngân sách" &&
	on gen2 +84915000004 "DK ngân sách" && on gen2 +84915000005 "DK ngân sách" &&
	ussd n1 "2*1*1" $U && test_grep "^END Da dang ky nhan tin" body &&
	test "$(sql "SELECT channel FROM subscriptions WHERE number = '"'$U'"'")" = ussd
'

# 80 characters with diacritics and " [TB-000001]": two Unicode parts, one
# GSM-7 part once stripped.
TEXT="Công khai dự toán ngân sách phường năm 2027 tại trụ sở UBND"

test_expect_success 'the preview counts each channel with its own parts and cost' '
	ctl --json announce draft --topic budget --text "$TEXT" >d.json &&
	test "$(jget d.json "$.reach")" = 6 &&
	test "$(jget d.json "$.unreachable")" = 0 &&
	test "$(jget d.json "$.channels[0].channel")" = gen &&
	test "$(jget d.json "$.channels[0].recipients")" = 4 &&
	test "$(jget d.json "$.channels[0].parts_vi")" = 2 &&
	test "$(jget d.json "$.channels[0].cost")" = 800 &&
	test "$(jget d.json "$.channels[1].channel")" = gen2 &&
	test "$(jget d.json "$.channels[1].recipients")" = 2 &&
	test "$(jget d.json "$.channels[1].parts_vi")" = 1 &&
	test "$(jget d.json "$.channels[1].cost")" = 100 &&
	test "$(jget d.json "$.parts")" = 10 &&
	test "$(jget d.json "$.cost")" = 900 &&
	ctl announce show TB1 >show &&
	test_grep "channel gen: 4 recipients, 2 SMS parts each" show &&
	test_grep "channel gen2: 2 recipients, 1 SMS parts each .*100 dong" show &&
	test_grep "cost:      900 dong" show
'

test_expect_success 'sent: the USSD subscriber by SMS, each on its channel, nothing left queued' '
	ctl announce approve TB1 >/dev/null && ctl announce send TB1 >/dev/null &&
	wait_for "test \$(ann_sent TB-000001) -ge 6" 20 &&
	wait_for "test \$(queued) = 0" 10 &&
	test "$(ann_sent TB-000001)" = 6 &&
	test "$(fake_count ".params.to == \"$U\"")" = 1 &&
	test "$(sql "SELECT channel FROM outbox WHERE recipient = '"'$U'"'
	    AND kind = '"'announcement'"'")" = gen &&
	test "$(sql "SELECT channel || '"':'"' || segments FROM outbox
	    WHERE recipient = '"'+84915000004'"' AND kind = '"'announcement'"'")" = gen2:1 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE channel = '"'ussd'"'")" = 0
'

# What an older version left: an announcement's message queued on "ussd".
test_expect_success 'no channel can send: nothing queued, every recipient counted' '
	sql "INSERT INTO outbox (case_id, channel, recipient, text, encoding,
	    segments, state, attempts, next_attempt, created, updated, kind,
	    priority) VALUES (NULL, '"'ussd'"', '"'$U'"', '"'old'"', '"'gsm7'"',
	    1, '"'queued'"', 0, 0, 0, 0, '"'announcement'"', 1)" &&
	stop_daemon &&
	start -o channels.gen.enabled=false -o channels.gen2.enabled=false &&
	wait_for "test \$(queued) = 0" 10 &&
	test "$(sql "SELECT last_error FROM outbox WHERE text = '"'old'"'")" = \
	    "no channel: ussd cannot send" &&
	ctl --json announce draft --topic budget --text "Lich tiep dan" >d2.json &&
	test "$(jget d2.json "$.reach")" = 0 &&
	test "$(jget d2.json "$.unreachable")" = 6 &&
	ctl announce show TB2 >show2 &&
	test_grep "not reached: 6 subscribers" show2 &&
	ctl announce approve TB2 >/dev/null && ctl announce send TB2 >/dev/null &&
	wait_for "test \"\$(sql \"SELECT state FROM announcements WHERE id = 2\")\" = sent" 10 &&
	test "$(queued)" = 0 &&
	ctl --json announce show TB2 >s2.json &&
	test "$(jget s2.json "$.delivery.unreachable")" = 6 &&
	test "$(jget s2.json "$.delivery.skipped")" = 0 &&
	ctl announce show TB2 >show2 && test_grep "6 unreachable" show2
'

test_expect_success 'no channel can send: a subscription is refused, honestly' '
	ussd n2 "2*1*1" +84915000010 && test_grep "^END Chua the dang ky" body &&
	test "$(subs +84915000010)" = "" &&
	on gen +84915000011 "DK ngân sách" &&
	test "$(subs +84915000011)" = "" &&
	test "$(sql "SELECT count(*) FROM outbox WHERE recipient = '"'+84915000011'"'
	    AND text LIKE '"'Chua the dang ky%'"'")" = 1
'

test_done
