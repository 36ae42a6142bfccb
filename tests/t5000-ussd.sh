#!/bin/sh
test_description='USSD menu: every path, back and top, retries, bad input, screens checked by -n'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ussd.sh"

test_expect_success 'setup' '
	write_conf u.conf "$USSD_CONF" &&
	papigwd -n -c u.conf &&
	start_daemon -c u.conf
'

# --- Report ----------------------------------------------------------

test_expect_success 'report: main menu, categories, message, confirmation' '
	ussd r1 "" && test_screen "CON $MAIN" &&
	ussd r1 1 && test_screen "CON Chon linh vuc phan anh:
1. Tham nhung, tieu cuc
2. An ninh trat tu
3. Duong, dien, nuoc, rac
4. Thu tuc hanh chinh
5. Khac
$NAV" &&
	ussd r1 1*3 && test_screen "CON Duong, dien, nuoc, rac: nhap noi dung \
phan anh, toi da 160 ky tu:
$NAV" &&
	ussd r1 "1*3*Cong hem 42 bi tac" &&
	test_screen "CON Gui phan anh Duong, dien, nuoc, rac:
Cong hem 42 bi tac
1. Gui
$NAV" &&
	test "$(rows inbound)" = 0
'

test_expect_success 'report: 1 files it; END with the reference, once stored' '
	ussd r1 "1*3*Cong hem 42 bi tac*1" &&
	test_screen "END Da tiep nhan phan anh. Ma ho so: PA-000001. De tra \
cuu, quay lai so nay va chon 2. Xin cam on!" &&
	test "$(q "SELECT category, sender, channel, state, source FROM cases
	    WHERE ref_number = 1")" = \
	    "infrastructure|+84911000001|at|received|ussd" &&
	test "$(q "SELECT channel, recipient, text FROM inbound
	    WHERE provider_msg_id = '"'ussd:r1'"'")" = \
	    "at|*123#|Cong hem 42 bi tac"
'

test_expect_success 'report: the acknowledgement also goes by SMS on ussd.channel' '
	wait_for "test \"\$(rows outbox recipient=+84911000001 channel=at \
	    case_id=1)\" = 1" &&
	q "SELECT $OUTBOX_TEXT FROM outbox WHERE case_id = 1" >ack &&
	test_grep PA-000001 ack
'

test_expect_success 'report: the aggregator retries the last request: same END, no second case' '
	cp body first &&
	ussd r1 "1*3*Cong hem 42 bi tac*1" && test_status 200 &&
	cmp first body &&
	test "$(rows cases)" = 1 && test "$(rows inbound)" = 1 &&
	test "$(rows outbox case_id=1)" = 1
'

test_expect_success 'report: the category chosen wins over the router' '
	ussd r2 "" && ussd r2 1 && ussd r2 1*1 &&
	ussd r2 "1*1*Duong bi ngap nuoc" && ussd r2 "1*1*Duong bi ngap nuoc*1" &&
	test "$(ref_of)" = PA-000002 &&
	test "$(q "SELECT category FROM cases WHERE ref_number = 2")" = \
	    corruption
'

test_expect_success 'report: "Khac" lets the router choose' '
	ussd r3 "" && ussd r3 1 && ussd r3 1*5 &&
	ussd r3 "1*5*Bi trom xe may truoc nha dem qua" &&
	ussd r3 "1*5*Bi trom xe may truoc nha dem qua*1" &&
	test "$(ref_of)" = PA-000003 &&
	test "$(q "SELECT category FROM cases WHERE ref_number = 3")" = \
	    security
'

test_expect_success 'report: a special word or a greeting is still a new case' '
	ussd r4 "" && ussd r4 1 && ussd r4 1*5 && ussd r4 "1*5*help" &&
	ussd r4 "1*5*help*1" && test "$(ref_of)" = PA-000004 &&
	ussd r5 "" && ussd r5 1 && ussd r5 1*4 && ussd r5 "1*4*xin chao" &&
	ussd r5 "1*4*xin chao*1" && test "$(ref_of)" = PA-000005 &&
	test "$(q "SELECT category FROM cases WHERE ref_number = 5")" = \
	    procedures
'

test_expect_success 'report: a "*" typed in the message is kept' '
	ussd r6 "" && ussd r6 1 && ussd r6 1*2 &&
	ussd r6 "1*2*Nha so 5*1 hem 7 bi trom" &&
	test_screen "CON Gui phan anh An ninh trat tu:
Nha so 5*1 hem 7 bi trom
1. Gui
$NAV" &&
	ussd r6 "1*2*Nha so 5*1 hem 7 bi trom*1" &&
	test "$(ref_of)" = PA-000006 &&
	test "$(q "SELECT text FROM inbound
	    WHERE provider_msg_id = '"'ussd:r6'"'")" = \
	    "Nha so 5*1 hem 7 bi trom"
'

# --- Status ----------------------------------------------------------

test_expect_success 'status: the case state, to the number that opened it' '
	ussd s1 "" && ussd s1 2 &&
	test_screen "CON Nhap ma ho so (vi du PA-000123):
$NAV" &&
	ussd s1 2*PA-000001 && test_status 200 &&
	grep -q "^END Phan anh PA-000001 (Ha tang do thi): Da tiep nhan\. \
Han tra loi: [0-9/]*\.$" body
'

test_expect_success 'status: a bare number works too' '
	ussd s2 2*2 && test_status 200 &&
	grep -q "^END Phan anh PA-000002 (Tham nhung, tieu cuc)" body
'

# An officer's answer, written as papictl reply would queue it (failed, so
# that the outbox leaves it alone).
answer() {
	q "INSERT INTO outbox (case_id, channel, recipient, text, encoding,
	    segments, state, next_attempt, created, updated, kind)
	    VALUES ($1, 'at', '+84911000001', '$2', 'ucs2', 1, 'failed', 0,
	    0, 0, 'answer')"
}

test_expect_success 'status: the last answer, without diacritics' '
	answer 1 "Đã thông cống hẻm 42 sáng nay." &&
	ussd s4 2*1 && test_screen "END Phan anh PA-000001: Da tiep nhan. \
Tra loi: Da thong cong hem 42 sang nay."
'

test_expect_success 'status: a long answer is cut to the screen' '
	answer 1 "$(printf "Đường hẻm %03d đã được sửa. " $(seq 1 12))" &&
	ussd s5 2*1 && test_status 200 &&
	grep -q "^END Phan anh PA-000001: Da tiep nhan. Tra loi: Duong hem \
001 da duoc sua\. Duong hem 002" body &&
	grep -q "\.\.\.$" body &&
	test "$(wc -c <body)" -le $((182 + 4))
'

test_expect_success 'status: another number, or no such case: not found, type again' '
	ussd s3 "" +84911000002 && ussd s3 2 +84911000002 &&
	ussd s3 2*PA-000001 +84911000002 &&
	test_screen "CON Khong tim thay ho so PA-000001 cua so nay.
Nhap ma ho so (vi du PA-000123):
$NAV" &&
	ussd s3 2*PA-000001*PA-999 +84911000002 &&
	test_screen "CON Khong tim thay ho so PA-000999 cua so nay.
Nhap ma ho so (vi du PA-000123):
$NAV" &&
	ussd s3 2*PA-000001*PA-999*0 +84911000002 && test_screen "CON $MAIN"
'

# --- Information -----------------------------------------------------

test_expect_success 'information: topics, one topic, back, top' '
	ussd i1 "" && ussd i1 3 &&
	test_screen "CON Chon thong tin:
1. Lich tiep cong dan
2. Thu tuc hanh chinh
3. Duong day nong
$NAV" &&
	ussd i1 3*1 &&
	test_screen "CON Tiep cong dan: sang thu Ba hang tuan tai tru so UBND.
$NAV" &&
	ussd i1 3*1*0 && test_screen "CON Chon thong tin:
1. Lich tiep cong dan
2. Thu tuc hanh chinh
3. Duong day nong
$NAV" &&
	ussd i1 3*1*0*3 && test_screen "CON Duong day nong: 1022.
$NAV" &&
	ussd i1 3*1*0*3*00 && test_screen "CON $MAIN"
'

# --- Back and top ----------------------------------------------------

test_expect_success 'back: from each screen of the report one screen back' '
	ussd b1 "" && ussd b1 1 && ussd b1 1*0 && test_screen "CON $MAIN" &&
	ussd b1 1*0*1 && ussd b1 1*0*1*2 && ussd b1 1*0*1*2*0 &&
	grep -q "^CON Chon linh vuc phan anh:" body &&
	ussd b1 1*0*1*2*0*2 && ussd b1 "1*0*1*2*0*2*mat dien" &&
	ussd b1 "1*0*1*2*0*2*mat dien*0" &&
	grep -q "^CON An ninh trat tu: nhap noi dung" body &&
	ussd b1 "1*0*1*2*0*2*mat dien*0*mat dien ca hem" &&
	grep -q "^mat dien ca hem$" body &&
	ussd b1 "1*0*1*2*0*2*mat dien*0*mat dien ca hem*1" &&
	test "$(ref_of)" = PA-000007 &&
	test "$(q "SELECT text FROM inbound
	    WHERE provider_msg_id = '"'ussd:b1'"'")" = "mat dien ca hem"
'

test_expect_success 'top: 00 from deep in the menu, then on again' '
	ussd b2 "" && ussd b2 1 && ussd b2 1*2 && ussd b2 "1*2*abc" &&
	ussd b2 "1*2*abc*00" && test_screen "CON $MAIN" &&
	ussd b2 "1*2*abc*00*3" && grep -q "^CON Chon thong tin:" body &&
	ussd b2 "1*2*abc*00*3*00" && test_screen "CON $MAIN" &&
	test "$(rows inbound provider_msg_id=ussd:b2)" = 0
'

# --- Bad input -------------------------------------------------------

test_expect_success 'bad input: an unknown option shows the same screen with a hint' '
	ussd x1 "" && ussd x1 9 && test_screen "CON $INVALID
$MAIN" &&
	ussd x1 9*1 && ussd x1 9*1*7 && test_screen "CON $INVALID
Chon linh vuc phan anh:
1. Tham nhung, tieu cuc
2. An ninh trat tu
3. Duong, dien, nuoc, rac
4. Thu tuc hanh chinh
5. Khac
$NAV" &&
	ussd x1 9*1*7*1 && ussd x1 9*1*7*1* &&
	grep -q "^CON $INVALID$" body &&
	grep -q "^Tham nhung, tieu cuc: nhap noi dung" body &&
	ussd x1 "9*1*7*1**tham o" && ussd x1 "9*1*7*1**tham o*5" &&
	test_screen "CON $INVALID
Gui phan anh Tham nhung, tieu cuc:
tham o
1. Gui
$NAV" &&
	ussd x2 "" && ussd x2 2 && ussd x2 2*abc &&
	test_screen "CON $INVALID
Nhap ma ho so (vi du PA-000123):
$NAV"
'

test_expect_success 'bad input: a message over max_text is cut, and the resident told' '
	long=$(printf "%0170d" 7) &&
	ussd x3 "" && ussd x3 1 && ussd x3 1*3 && ussd x3 "1*3*$long" &&
	test_status 200 &&
	head -n 1 body >first &&
	test "$(cat first)" = \
	    "CON Noi dung dai qua, chi giu 160 ky tu dau." &&
	grep -q "\.\.\.$" body &&
	test "$(wc -c <body)" -le 190 &&
	ussd x3 "1*3*$long*1" &&
	test "$(q "SELECT length(text) FROM inbound
	    WHERE provider_msg_id = '"'ussd:x3'"'")" = 160
'

test_expect_success 'bad input: missing fields are 400 with the reason' '
	post /ussd/africastalking serviceCode="*123#" phoneNumber=+84911000001 \
	    text= && test_status 400 && test_body "missing sessionId" &&
	post /ussd/africastalking sessionId=m1 phoneNumber=+84911000001 \
	    text= && test_status 400 && test_body "missing serviceCode" &&
	post /ussd/africastalking sessionId=m1 serviceCode="*123#" text= &&
	test_status 400 && test_body "missing phoneNumber" &&
	post /ussd/africastalking sessionId=m1 serviceCode="*123#" \
	    phoneNumber=+84911000001 &&
	test_status 400 && test_body "missing text" &&
	post /ussd/africastalking sessionId=m1 serviceCode="*123#" \
	    phoneNumber="+84 91" text= &&
	test_status 400 && test_body "bad phoneNumber" &&
	post /ussd/africastalking sessionId=m1 serviceCode="*999#" \
	    phoneNumber=+84911000001 text= &&
	test_status 400 && test_body "unknown serviceCode" &&
	get /ussd/africastalking sessionId=m1 serviceCode="*123#" \
	    phoneNumber=+84911000001 text= && test_status 405
'

test_expect_success 'bad input: another number in a known session is refused' '
	ussd x1 9*1 +84911000009 && test_status 400 &&
	test_body "phoneNumber is not the session'"'"'s"
'

test_expect_success 'the answers so far made no stray case; stop' '
	test "$(rows cases)" = 8 &&
	stop_daemon && test "$daemon_status" = 0
'

# --- The configuration check -----------------------------------------

test_expect_success '-n: a screen over 182 characters is refused with FILE:LINE' '
	sed "s/^	enabled = true;/	enabled = true;\\
	title = \"$(printf "%0150d" 0)\";/" u.conf >bad2.conf &&
	line=$(grep -n "^	title = " bad2.conf | cut -d: -f1) &&
	test_must_fail papigwd -n -c bad2.conf 2>err &&
	test_grep "^bad2.conf:$line: ussd.title: the main menu screen.* is \
[0-9]* characters, more than the 182" err
'

test_expect_success '-n: a category label that makes its screen too long' '
	sed "s/^	sms_ack = true;/	sms_ack = true;\\
	report_categories = ( (\"security\", \"An ninh\"),\\
	    (\"\", \"$(printf "%060d" 0)\"), (\"\", \"$(printf "%060d" 1)\"),\\
	    (\"\", \"$(printf "%060d" 2)\") );/" u.conf >bad3.conf &&
	line=$(grep -n "^	sms_ack = true;" bad3.conf | cut -d: -f1) &&
	test_must_fail papigwd -n -c bad3.conf 2>err &&
	test_grep "^bad3.conf:[0-9]*: ussd.report_prompt: the category screen" \
	    err
'

test_expect_success '-n: diacritics in a screen, an unknown category' '
	sed "s/^	sms_ack = true;/	sms_ack = true;\\
	nav = \"0. Quay lại\";/" u.conf >bad4.conf &&
	line=$(grep -n "^	nav = " bad4.conf | cut -d: -f1) &&
	test_must_fail papigwd -n -c bad4.conf 2>err &&
	test_grep "^bad4.conf:$line: ussd.nav: not plain ASCII" err &&
	sed "s/^	sms_ack = true;/	sms_ack = true;\\
	report_categories = ( (\"nope\", \"Khong co\") );/" u.conf >bad5.conf &&
	line=$(grep -n "^	report_categories = " bad5.conf | cut -d: -f1) &&
	test_must_fail papigwd -n -c bad5.conf 2>err &&
	test_grep "^bad5.conf:$line: ussd.report_categories: no category .nope." \
	    err
'

test_expect_success '-n: -o makes a screen too long: the override is named' '
	test_must_fail papigwd -n -c u.conf \
	    -o "ussd.done=$(printf "%0190d" 0) {ref}" 2>err &&
	test_grep "^-o ussd.done=.*: ussd.done: the report.s last screen" err
'

test_done
