#!/bin/sh
test_description='the conversation with residents: one case per problem, the right language, one-part replies, an answer for every message'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-http.sh"

# The shipped replies and topics (conf/papigw.conf), categories and model
# (the one this build trained), two generic channels: "generic" keeps
# diacritics (UCS-2), "gsm" strips them (GSM-7); both allow one part per
# short reply.
A=+84901200001
B=+84901200002
E=+84901200003
G=+84901200004
LAMP='Đèn đường hẻm 12 bị hỏng mấy tuần nay'

sms() {
	post /sms/generic from="$1" text="$2" && test_status 202
}

# last COLUMN NUMBER: a column of the newest outbox row to NUMBER.
last() {
	sql "SELECT $(outbox_columns "$1") FROM outbox WHERE recipient = '$2'
	    ORDER BY id DESC LIMIT 1"
}

nrows() {
	sql "SELECT count(*) FROM $1 WHERE $2"
}

test_expect_success 'setup' '
	sed -n "/^replies = {/,/^};/p; /^topics = (/,/^);/p;
	    /^satisfaction = {/,/^};/p" "$CONF_DIR/papigw.conf" >replies.conf &&
	ctl_conf p.conf "channels = (
	    { name = \"generic\"; type = \"generic\"; },
	    { name = \"gsm\"; type = \"generic\"; strip_diacritics = true; }
	);
	classifier = { model = \"$BUILD/router.model\";
	    trained = \"$TRASH/trained.model\"; };
	$(cat replies.conf)" &&
	start_daemon -c p.conf -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=0
'

test_expect_success 'papigwd -n: every shipped short reply fits one part on both channels' '
	"$PAPIGWD" -n -c p.conf >out 2>err &&
	test_grep "^configuration OK$" out && test ! -s err &&
	"$PAPIGWD" -n -c p.conf -o "categories.security.ack_vi=$(printf "x%.0s" $(seq 170)) {ref} {deadline}" 2>err &&
	test_grep "^warning: channel gsm: the acknowledgement of security (vi) takes 2 SMS parts" err
'

test_expect_success 'a report: one part; the address that follows joins it' '
	sms $A "$LAMP" && test "$(last segments $A)" = 1 &&
	test "$(last kind $A)" = ack &&
	sms $A "so nha 15 hem 12 Nguyen Tri Phuong" &&
	test "$(nrows cases "sender = '"'$A'"'")" = 1 &&
	test "$(nrows inbound "sender = '"'$A'"' AND case_id = 1")" = 2 &&
	test "$(last text $A)" = \
	    "UBND Phường 7, Quận 10: đã thêm tin nhắn vào phản ánh PA-000001." &&
	test "$(last encoding $A)" = ucs2 &&
	test "$(nrows audit "action = '"'case.followup'"'")" = 1
'

test_expect_success 'another problem, clearly, from the same resident: a new case' '
	sms $A "Trộm xe máy trước nhà số 15, công an không đến" &&
	test "$(nrows cases "sender = '"'$A'"'")" = 2 &&
	test "$(sql "SELECT category FROM cases WHERE id = 2")" = security &&
	test "$(last kind $A)" = ack
'

test_expect_success 'a corruption tip never joins an ordinary case' '
	sms $A "Cán bộ phường đòi 2 triệu mới ký giấy xác nhận" &&
	test "$(nrows cases "sender = '"'$A'"' AND category = '"'corruption'"'")" = 1
'

test_expect_success 'quoting another reference: that case, or a new one' '
	sms $A "PA-000002 them thong tin: xe Honda Wave mau xanh" &&
	test "$(nrows inbound "case_id = 2")" = 2 &&
	sms $B "PA-000002 cua toi bi mat xe dap" &&
	test "$(nrows cases "sender = '"'$B'"'")" = 1
'

test_expect_success 'the explanation on request, in one request' '
	sms $A "CT PA-000001" &&
	test "$(last kind $A)" = special &&
	last text $A | grep -q "kiểm tra hiện trường"
'

test_expect_success 'English: acknowledged, kept on the case, asked in English' '
	sms $E "The street light in alley 12 is broken again" &&
	ref=$(sql "SELECT ref_number FROM cases WHERE sender = '"'$E'"'") &&
	test "$(sql "SELECT lang FROM cases WHERE sender = '"'$E'"'")" = en &&
	last text $E | grep -q " got your report PA-00000$ref (streets)" &&
	ctl reply "PA-00000$ref" "The lamp was replaced today." >/dev/null &&
	test "$(last text $E)" = "UBND Phuong 7, Quan 10 (PA-00000$ref): The lamp was replaced today." &&
	test "$(last encoding $E)" = gsm7 &&
	ctl close "PA-00000$ref" >/dev/null &&
	last text $E | grep -q "has been resolved. Are you satisfied?" &&
	sms $E "4" &&
	last text $E | grep -q "thanks you for rating report PA-00000$ref"
'

test_expect_success 'HOTLINE from a Vietnamese resident is answered in Vietnamese' '
	sms $A "HOTLINE" &&
	last text $A | grep -q "^Đường dây nóng"
'

test_expect_success 'a language told: English in senders, Vietnamese (cases.language) in no row' '
	test "$(sql "SELECT lang FROM senders WHERE number = '"'$E'"'")" = en &&
	test "$(nrows senders "number = '"'$A'"'")" = 0
'

test_expect_success 'a language word switches the answers' '
	sms $A "ENGLISH" && last text $A | grep -q "will answer you in English" &&
	test "$(sql "SELECT lang FROM senders WHERE number = '"'$A'"'")" = en &&
	sms $A "hotline" && last text $A | grep -q "hotline: 1022" &&
	sms $A "tieng viet" && last text $A | grep -q "bằng tiếng Việt"
'

test_expect_success 'a reopening says so, with the new date' '
	ref=$(sql "SELECT ref_number FROM cases WHERE sender = '"'$E'"'") &&
	sms $E "PA-00000$ref still broken, not fixed" &&
	test "$(sql "SELECT state FROM cases WHERE ref_number = $ref")" = reopened &&
	last text $E | grep -q "reopened report PA-00000$ref and will reply by"
'

test_expect_success 'a thank-you: on the case it thanks for, a one-part thank-you' '
	n=$(nrows cases "1 = 1") &&
	sms $B "cam on phuong nhieu" &&
	test "$(nrows cases "1 = 1")" = "$n" &&
	test "$(last kind $B)" = special && test "$(last segments $B)" = 1 &&
	test "$(sql "SELECT kind FROM inbound WHERE sender = '"'$B'"' ORDER BY id DESC LIMIT 1")" = thanks &&
	test -n "$(sql "SELECT case_id FROM inbound WHERE sender = '"'$B'"' ORDER BY id DESC LIMIT 1")"
'

test_expect_success 'the cost: SMS parts in status and in the report' '
	n=$(sql "SELECT count(*) FROM outbox") &&
	p=$(sql "SELECT sum(segments) FROM outbox") &&
	acks=$(sql "SELECT count(*) || '"' messages, '"' || sum(segments)
	    FROM outbox WHERE kind = '"'ack'"'") &&
	ctl status >st &&
	test_grep "^SMS sent in the last 30 days: $n messages, $p parts (" st &&
	test_grep "^  acknowledgements: $acks parts$" st &&
	today=$(date -u +%Y-%m-%d) &&
	ctl report --from $today --to $today >rep &&
	test_grep "^SMS the ward sent in the period: $n messages, $p parts.$" rep &&
	ctl --json report --from $today --to $today >rep.json &&
	test "$(jq .sms.kinds.ack.parts rep.json)" = \
	    "$(sql "SELECT sum(segments) FROM outbox WHERE kind = '"'ack'"'")" &&
	ctl --json report --from 2020-01-01 --to 2020-01-31 >old.json &&
	test "$(jq -c "[.sms.messages, .sms.parts]" old.json)" = "[0,0]"
'

test_expect_success 'a greeting: the help text, once a day' '
	sms $G "alo" && last text $G | grep -q "TRACUU" &&
	sms $G "alo alo" &&
	test "$(nrows outbox "recipient = '"'$G'"'")" = 1 &&
	test "$(nrows cases "sender = '"'$G'"'")" = 0
'

test_done
