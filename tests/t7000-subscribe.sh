#!/bin/sh
test_description='subscriptions by SMS: topics and areas, with and without diacritics, in English; list, drop, opt-out'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-announce.sh"

N1=+84912000001
N2=+84912000002
N3=+84912000003

# last_reply NUMBER: the text of the newest special answer to NUMBER.
last_reply() {
	sql "SELECT text FROM outbox WHERE recipient = '$1'
	    AND kind = 'special' ORDER BY id DESC LIMIT 1"
}

test_expect_success 'setup' '
	pub_conf p.conf &&
	start_daemon -c p.conf -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=0
'

test_expect_success 'DK with diacritics: a topic' '
	say_sms $N1 "Đăng ký ngân sách" &&
	test "$(subs $N1)" = "topic:budget" &&
	last_reply $N1 | grep -q "Thu chi ngân sách" &&
	test "$(sql "SELECT kind FROM inbound WHERE sender = '"'$N1'"'")" = \
	    special
'

test_expect_success 'without diacritics, a topic and an area, any spacing' '
	say_sms $N2 "dk ngan sach,KP1" &&
	test "$(subs $N2 | tr "\n" " ")" = "area:kp1 topic:budget " &&
	last_reply $N2 | grep -q "Khu phố 1"
'

test_expect_success 'in English, by the topic id; a tổ dân phố' '
	say_sms $N3 "subscribe health to 3 kp1" &&
	test "$(subs $N3 | tr "\n" " ")" = "area:kp1-t3 topic:health "
'

test_expect_success 'a question that starts like DK is feedback, not a subscription' '
	say_sms +84912000009 "Đăng ký kết hôn ở đâu vậy?" &&
	test "$(subs +84912000009)" = "" &&
	test "$(sql "SELECT count(*) FROM cases WHERE sender = '"'+84912000009'"'")" = 1
'

test_expect_success 'DS lists the subscriptions' '
	say_sms $N2 "DS" &&
	last_reply $N2 >list &&
	test_grep "Thu chi ngân sách" list && test_grep "Khu phố 1" list
'

test_expect_success 'DS without any: the topics to choose from' '
	say_sms +84912000008 "danh sách" &&
	last_reply +84912000008 | grep -q "chua dang ky"
'

test_expect_success 'HUY drops one; HUY tất cả drops the rest' '
	say_sms $N2 "HUY KP1" &&
	test "$(subs $N2)" = "topic:budget" &&
	last_reply $N2 | grep -q "Da huy nhan tin: Khu phố 1" &&
	say_sms $N2 "huy tat ca" &&
	test "$(subs $N2)" = ""
'

test_expect_success 'TC stops everything: the subscriptions are erased' '
	say_sms $N3 "TC" &&
	test "$(subs $N3)" = "" &&
	test "$(sql "SELECT opted_out FROM senders WHERE number = '"'$N3'"'")" = 1
'

test_expect_success 'subscribing again lifts the opt-out' '
	say_sms $N3 "DK y te" &&
	test "$(subs $N3)" = "topic:health" &&
	test "$(sql "SELECT opted_out FROM senders WHERE number = '"'$N3'"'")" = 0
'

test_expect_success 'every change is in the audit log, without the number' '
	ctl audit --limit 100 >audit &&
	test_grep "subscribe" audit && test_grep "unsubscribe" audit &&
	! grep -q "912000002" audit
'

test_expect_success 'papictl announce subscribers: counts only' '
	ctl announce subscribers >counts &&
	test_grep "2 numbers subscribe" counts &&
	! grep -q "9120000" counts
'

test_done
