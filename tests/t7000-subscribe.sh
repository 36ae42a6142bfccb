#!/bin/sh
test_description='subscriptions by SMS: topics and areas, with and without diacritics, in English; list, drop, opt-out'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ussd.sh"
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
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	pub_conf p.conf "ussd = { enabled = true; service_code = \"*123#\";
    channel = \"gen\"; sms_ack = true; menu = (
	(\"report\", \"Phan anh\"), (\"status\", \"Tra cuu\"),
	(\"info\", \"Thong tin\"), (\"news\", \"Nhan tin thong bao\") ); };" &&
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

U=+84912000031

test_expect_success 'USSD: the news menu: the topics, mine, stop' '
	ussd s1 "" $U && test_status 200 && test_grep "4. Nhan tin" body &&
	ussd s1 "4" $U && test_status 200 &&
	test_grep "^CON Chon chu de:" body && test_grep "^1. Ngan sach" body &&
	test_grep "^8. Da dang ky" body && test_grep "^9. Ngung nhan (TC)" body
'

test_expect_success 'USSD: subscribe to a topic' '
	ussd s1 "4*1" $U && test_grep "^2. Huy dang ky" body &&
	ussd s1 "4*1*1" $U && test_status 200 &&
	test_grep "^END Da dang ky nhan tin: Thu chi ngan sach" body &&
	test "$(subs $U)" = "topic:budget" &&
	test "$(sql "SELECT count(*) FROM inbound WHERE sender = '"'$U'"'
	    AND kind = '"'special'"'")" = 1
'

test_expect_success 'USSD: my subscriptions' '
	ussd s2 "4*8" $U && test_status 200 &&
	test_grep "^END Ban dang nhan tin: Thu chi ngan sach" body
'

test_expect_success 'USSD: drop it' '
	ussd s3 "4*1*2" $U && test_grep "^END Da huy nhan tin" body &&
	test "$(subs $U)" = "" &&
	ussd s4 "4*8" $U && test_grep "^END Ban chua dang ky" body
'

test_expect_success 'USSD: a topic'"'"'s newest announcement, none yet, then one' '
	ussd s7 "4*1*3" $U && test_grep "^END Khong co thong bao" body &&
	sql "INSERT INTO announcements (topic, areas, text_vi, body, state,
	    drafter, created, started) VALUES ('"'budget'"', '"''"',
	    '"'Công khai ngân sách'"', '"'Thu 12,4 tỷ, chi 12,1 tỷ'"',
	    '"'sent'"', '"'root'"', 1, 1)" &&
	ussd s8 "4*1*3" $U &&
	test_grep "^END TB-000001: Thu 12,4 ty, chi 12,1 ty" body
'

test_expect_success 'USSD: stop everything' '
	ussd s5 "4*7*1" $U && test "$(subs $U)" = "topic:health" &&
	ussd s6 "4*9" $U && test_grep "^END Da ngung gui" body &&
	test "$(subs $U)" = "" &&
	test "$(sql "SELECT opted_out FROM senders WHERE number = '"'$U'"'")" = 1
'

test_done
