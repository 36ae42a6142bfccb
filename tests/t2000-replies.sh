#!/bin/sh
test_description='replies: acknowledgements, special words, guards'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

# The shipped special words, texts and topics (conf/papigw.conf), on two
# generic channels, the second with strip_diacritics.  The limits are set
# per daemon with -o: none first, then the daily cap, then the flood guard.
OWN=+842838000000
A=+84901000001		# a resident with a case, who looks it up
B=+84901000002		# another resident, who may not
LAMP='Đèn đường hẻm 12 bị hỏng mấy tuần nay'
HOURS='sáng thứ Ba hằng tuần'
WARD='UBND Phường 7, Quận 10'
NOLIMITS="-o replies.max_per_sender_day=0 -o replies.flood_messages=0"

# restart OPTION...: stops the daemon and starts it again with these -o
# options (start_daemon waits for "started" in a fresh daemon.log).
restart() {
	stop_daemon && test "$daemon_status" = 0 &&
	cat daemon.log >>daemon.old.log && rm daemon.log &&
	start_daemon -c p.conf "$@"
}

# sms FROM TEXT: one message through /sms/generic (the channel
# "generic"); 202 wanted.  at FROM TEXT: the same through Africa's
# Talking (the channel "at", which strips diacritics).
sms() {
	post /sms/generic from="$1" text="$2" && test_status 202
}

at() {
	atn=$(( ${atn:-0} + 1 ))
	post /sms/africastalking from="$1" to=8088 text="$2" id="AT-$atn" &&
	    test_status 200
}

# to COLUMN NUMBER: a column of the newest outbox row to NUMBER.
to() {
	q "SELECT $(outbox_columns "$1") FROM outbox WHERE recipient = '$2'
	    ORDER BY id DESC LIMIT 1"
}

# of COLUMN CASE: a column of the newest outbox row of case CASE.
of() {
	q "SELECT $(outbox_columns "$1") FROM outbox WHERE case_id = $2
	    ORDER BY id DESC LIMIT 1"
}

# due CASE: the answer date of case CASE, as replies write it.
due() {
	q "SELECT strftime('%d/%m/%Y', deadline, 'unixepoch', 'localtime')
	    FROM cases WHERE id = $1"
}

# sender COLUMN NUMBER: a column of NUMBER's row in senders.
sender() {
	q "SELECT $1 FROM senders WHERE number = '$2'"
}

# answer CASE NUMBER TEXT: what an officer's answer leaves in the store
# (papictl reply is not this test's business): the case in progress and
# an outbox row of kind "answer".
answer() {
	now=$(date +%s)
	q "UPDATE cases SET state = 'in_progress' WHERE id = ${1:-0};
	    INSERT INTO outbox (case_id, channel, recipient, text, encoding,
	    segments, state, next_attempt, created, updated, kind)
	    VALUES (${1:-NULL}, 'generic', '$2', '$3', 'ucs2', 1, 'sent',
	    $now, $now, $now, 'answer')"
}

# all COLUMN NUMBER: a column of every outbox row to NUMBER, oldest first.
all() {
	q "SELECT $(outbox_columns "$1") FROM outbox WHERE recipient = '$2'
	    ORDER BY id"
}

# unattached NUMBER: inbound messages of NUMBER attached to no case.
unattached() {
	q "SELECT count(*) FROM inbound WHERE sender = '$1' AND
	    case_id IS NULL"
}

# expect_segments TEXT ENCODING SEGMENTS: the count of SMS parts of TEXT,
# worked out here from its length, must be SEGMENTS (no extension
# characters, no characters outside the BMP in these texts).
expect_segments() {
	n=$(printf '%s' "$1" | LC_ALL=C tr -d '\200-\277' | wc -c)
	if [ "$2" = gsm7 ]; then
		if [ "$n" -le 160 ]; then want=1
		else want=$(( (n + 152) / 153 )); fi
	else
		if [ "$n" -le 70 ]; then want=1
		else want=$(( (n + 66) / 67 )); fi
	fi
	if [ "$want" != "$3" ]; then
		echo "$n characters in $2 are $want parts, not $3" >&2
		return 1
	fi
}

test_expect_success 'setup: two channels, one stripping; the shipped replies' '
	sed -n "/^replies = {/,/^};/p; /^topics = (/,/^);/p" \
	    "$CONF_DIR/papigw.conf" >replies.conf &&
	grep -q "^topics = (" replies.conf &&
	write_conf p.conf "channels = (
	    { name = \"generic\"; type = \"generic\"; number = \"$OWN\"; },
	    { name = \"at\"; type = \"africastalking\";
	      strip_diacritics = true; }
	);
	$(cat replies.conf)" &&
	start_daemon -c p.conf -o ward.reception_hours="$HOURS" $NOLIMITS
'

test_expect_success 'a report: one part with the reference, the date, how to ask for more' '
	sms $A "$LAMP" &&
	test "$(q "SELECT category, state, lang FROM cases WHERE id = 1")" = \
	    "infrastructure|received|vi" &&
	test "$(rows outbox case_id=1 kind=ack recipient=$A channel=generic)" \
	    = 1 &&
	text=$(of text 1) && date=$(due 1) &&
	want="UBND Phuong 7, Quan 10 da nhan phan anh PA-000001 (ha tang)." &&
	want="$want Tra loi truoc $date. Xin nhan them so nha, hem." &&
	want="$want CT PA-000001: chi tiet." &&
	if [ "$text" != "$want" ]; then
		echo "unexpected: $text" >&2; false
	fi &&
	test "$(of encoding 1)" = gsm7 && test "$(of segments 1)" = 1 &&
	expect_segments "$text" gsm7 1
'

test_requires_sqlite "the outbox's rows as SQLite stores them"
test_expect_success 'the acknowledgement stored as its template, once, and its reference (schema 30)' '
	test "$(q "SELECT text || '"'|'"' || (tpl IS NOT NULL) FROM outbox
	    WHERE case_id = 1")" = "PA-000001|1" &&
	test "$(q "SELECT ph FROM outbox_texts o JOIN outbox ON outbox.tpl = o.id
	    WHERE outbox.case_id = 1")" = PA-000000 &&
	test "$(q "SELECT count(*) FROM outbox_texts")" = 1
'

test_expect_success 'the explanation when asked for, to that number only' '
	sms $A "CT PA-000001" &&
	test "$(to kind $A)" = special &&
	to text $A | grep -q "^Cán bộ phường sẽ kiểm tra hiện trường" &&
	test "$(to encoding $A)" = ucs2 &&
	sms $B "chi tiet pa 1" &&
	to text $B | grep -q "^Xin lỗi, không tìm thấy phản ánh PA-000001" &&
	test "$(rows cases sender=$A)" = 1 && test "$(rows cases sender=$B)" = 0
'

test_expect_success 'the address the acknowledgement asked for joins the case' '
	sms $A "So 15 hem 12 Nguyen Tri Phuong" &&
	test "$(rows cases sender=$A)" = 1 &&
	test "$(q "SELECT count(*) FROM inbound WHERE case_id = 1")" = 2 &&
	test "$(to kind $A)" = special &&
	want="UBND Phường 7, Quận 10: đã thêm tin nhắn vào phản ánh" &&
	test "$(to text $A)" = "$want PA-000001."
'

test_expect_success 'an English report is acknowledged in English' '
	e=+84901000003 &&
	sms $e "The street light in alley 12 is broken again" &&
	case "$(to text $e)" in
	*" got your report PA-000002 (streets). Reply by "*) ;;
	*)	echo "not English: $(to text $e)" >&2; false ;;
	esac &&
	test "$(to kind $e)" = ack &&
	test "$(q "SELECT lang FROM cases WHERE id = 2")" = en &&
	sms $e "hotline" &&
	to text $e | grep -q "hotline: 1022. Reports texted to this number"
'

test_expect_success 'strip_diacritics: the acknowledgement goes in GSM-7' '
	g=+84901000004 &&
	at $g "$LAMP" && text=$(to text $g) &&
	case "$text" in
	"UBND Phuong 7, Quan 10 da nhan phan anh PA-000003 (ha tang)."*)
		;;
	*)	echo "not stripped: $text" >&2; false ;;
	esac &&
	test -z "$(printf "%s" "$text" | LC_ALL=C tr -d "\001-\177")" &&
	test "$(to encoding $g)" = gsm7 &&
	expect_segments "$text" gsm7 "$(to segments $g)" &&
	test "$(to segments $g)" = 1
'

test_expect_success 'help, with and without diacritics, and in English' '
	h=+84901000005 &&
	sms $h "Trợ giúp" && sms $h "tro giup" && sms $h "HELP" &&
	test "$(rows inbound sender=$h kind=special)" = 3 &&
	test "$(unattached $h)" = 3 && test "$(rows cases sender=$h)" = 0 &&
	test "$(rows outbox recipient=$h kind=special)" = 3 &&
	test "$(rows outbox recipient=$h kind=special case_id=1)" = 0 &&
	all text $h >help &&
	sed -n 1p help | grep -q "Tra cứu: TRACUU mã phản ánh" &&
	sed -n 2p help | grep -q "Tra cứu: TRACUU mã phản ánh" &&
	sed -n 3p help | grep -q "Status: STATUS and your reference"
'

test_expect_success 'status: the state, to the number that sent the case' '
	want="Phản ánh PA-000001 (Hạ tầng đô thị): Đã tiếp nhận." &&
	want="$want Hạn trả lời: $(due 1)." &&
	sms $A "TRACUU PA-000001" &&
	test "$(to text $A)" = "$want" && test "$(to kind $A)" = special &&
	sms $A "pa 1" && test "$(to text $A)" = "$want" &&
	test "$(rows inbound sender=$A kind=special)" = 3 &&
	test "$(unattached $A)" = 3 && test "$(rows cases sender=$A)" = 1
'

test_expect_success 'status: another number is refused and learns nothing' '
	sms $B "tra cứu PA-000001" && no1=$(to text $B) &&
	want="Xin lỗi, không tìm thấy phản ánh PA-000001 gửi từ số điện" &&
	want="$want thoại này. Xin kiểm tra lại mã, hoặc gọi 1022." &&
	test "$no1" = "$want" &&
	sms $B "PA-000999" && no2=$(to text $B) &&
	test "$no2" = "$(printf "%s" "$no1" | sed s/PA-000001/PA-000999/)"
'

test_expect_success 'status: the last answer shows, not the acknowledgement' '
	answer 1 $A "Đã thay bóng đèn hẻm 12." &&
	sms $A "Tra cứu PA-000001" &&
	want="Phản ánh PA-000001 (Hạ tầng đô thị): Đang xử lý." &&
	want="$want Trả lời gần nhất: Đã thay bóng đèn hẻm 12." &&
	test "$(to text $A)" = "$want"
'

test_expect_success 'stop: opted out, yet a report is still acknowledged' '
	o=+84901000006 &&
	sms $o "TC" && test "$(sender opted_out $o)" = 1 &&
	to text $o | grep -q "đã ngừng gửi thông báo" &&
	sms $o "Rác đổ bừa bãi đầu hẻm 7, bốc mùi" &&
	test "$(to kind $o)" = ack &&
	test "$(rows outbox recipient=$o kind=ack)" = 1
'

test_expect_success 'start: opted in again' '
	sms $o "Đăng ký" && test "$(sender opted_out $o)" = 0 &&
	to text $o | grep -q "sẽ gửi lại thông báo" &&
	test "$(rows inbound sender=$o kind=special)" = 2
'

test_expect_success 'each topic, answered from the configuration' '
	t=+84901000007 &&
	sms $t "Lịch tiếp dân" &&
	want="UBND Phường 7, Quận 10 tiếp công dân $HOURS tại trụ sở" &&
	want="$want UBND phường. Đặt lịch: nhắn DAT LICH kèm nội dung." &&
	want="$want Đường dây nóng: 1022." &&
	test "$(to text $t)" = "$want" &&
	sms $t "THU TUC" &&
	to text $t | grep -q "^UBND Phường 7, Quận 10 công khai 109 thủ tục" &&
	sms $t "đường dây nóng" &&
	to text $t | grep -q "^Đường dây nóng của $WARD: 1022\. " &&
	sms $t "hotline" &&
	to text $t | grep -q "^Đường dây nóng của $WARD: 1022\. " &&
	test "$(rows outbox recipient=$t kind=special)" = 4 &&
	test "$(rows cases sender=$t)" = 0
'

test_expect_success 'a special word inside a report is a report' '
	r=+84901000008 &&
	sms $r "giúp tôi với, cống hẻm 9 bị tắc" &&
	test "$(rows cases sender=$r)" = 1 && test "$(to kind $r)" = ack
'

test_expect_success 'short codes, alphanumeric senders, our number: no reply' '
	sms 1022 "$LAMP" && sms VIETTEL "help" && sms $OWN "Trợ giúp" &&
	sms 8088 "Lịch tiếp dân" &&
	test "$(rows inbound sender=1022)" = 1 &&
	test "$(rows cases sender=1022)" = 1 &&
	test "$(rows inbound sender=VIETTEL kind=special)" = 1 &&
	test "$(rows inbound sender=$OWN kind=special)" = 1 &&
	test -z "$(all id 1022)$(all id VIETTEL)$(all id $OWN)$(all id 8088)" &&
	test "$(metric "papigw_replies_total{result=\"sender\"}")" = 4
'

test_expect_success 'the daily cap: 3 automatic replies, then none' '
	restart -o replies.max_per_sender_day=3 \
	    -o replies.flood_messages=0 &&
	c=+84901000009 &&
	sms $c "help" && sms $c "menu" && sms $c "$LAMP" &&
	sms $c "trợ giúp" && sms $c "Cống hẻm 3 bị vỡ" &&
	test "$(rows inbound sender=$c)" = 5 &&
	test "$(rows cases sender=$c)" = 1 &&
	test "$(rows outbox recipient=$c)" = 3 &&
	test "$(metric "papigw_replies_total{result=\"cap\"}")" = 2 &&
	all kind $c >kinds && printf "special\nspecial\nack\n" >want &&
	cmp kinds want
'

test_expect_success 'an officer answer neither counts nor is capped' '
	answer "" $c "Cảm ơn anh/chị." &&
	test "$(rows outbox recipient=$c kind=answer)" = 1 &&
	sms $c "giúp" && test "$(rows outbox recipient=$c kind=special)" = 2
'

test_expect_success 'a flood: quarantined, messages kept, no replies' '
	restart -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=5 -o replies.flood_window=60 &&
	test "$(metric papigw_senders_quarantined)" = 0 &&
	f=+84901000010 &&
	(
		for i in 1 2 3 4 5 6 7 8; do
			sms $f "Ống nước số $i ở hẻm 5 bị vỡ" || exit 1
		done
	) &&
	sms $f "help" &&
	test "$(rows inbound sender=$f)" = 9 &&
	test "$(rows cases sender=$f)" = 1 &&
	test "$(rows outbox recipient=$f)" = 5 &&
	test -n "$(sender quarantined_at $f)" &&
	test "$(sender "quarantine_until - quarantined_at" $f)" = 86400 &&
	test "$(metric papigw_senders_quarantined)" = 1 &&
	test "$(metric "papigw_replies_total{result=\"quarantine\"}")" = 4 &&
	test "$(rows audit action=sender.quarantine)" = 1
'

test_expect_success 'the quarantine is logged once, the number masked' '
	test "$(grep -c "quarantined: more than 5 messages in 60 s" \
	    daemon.log)" = 1 &&
	! grep "quarantined" daemon.log | grep -q 84901000010
'

test_expect_success 'others are not affected by the quarantine' '
	sms +84901000011 "Cây đổ chắn đường hẻm 20" &&
	test "$(rows outbox recipient=+84901000011 kind=ack)" = 1
'

test_done
