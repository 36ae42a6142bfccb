#!/bin/sh
test_description='opt-out: answers go, information does not; answers in status'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

# A resident who is also the duty officer of the deadline timer: its
# overdue notices are information (outbox kind "info"), which an opt-out
# stops, while officers' answers to the resident's own cases still go.
O=+84912345901
R=+84912345902

past() {
	sql "UPDATE cases SET deadline = strftime('%s', 'now') - 60
	    WHERE ref_number = ${1#PA-}"
}

# to COLUMN NUMBER [KIND]: a column of the newest outbox row to NUMBER.
to() {
	sql "SELECT $(outbox_columns "$1") FROM outbox WHERE recipient = '$2'
	    AND kind = '${3:-special}' ORDER BY id DESC LIMIT 1"
}

count() {
	sql "SELECT count(*) FROM outbox WHERE recipient = '$1'
	    AND kind = '$2'"
}

# special NUMBER TEXT: a special word in through papictl inject.
special() {
	ctl inject --from "$1" "$2" >/dev/null &&
	test "$(sql "SELECT kind FROM inbound WHERE sender = '$1'
	    ORDER BY id DESC LIMIT 1")" = special
}

test_expect_success 'setup: the shipped replies, a duty officer number' '
	sed -n "/^replies = {/,/^};/p; /^topics = (/,/^);/p" \
	    "$CONF_DIR/papigw.conf" >replies.conf &&
	ctl_conf p.conf "
channels = ( { name = \"gen\"; type = \"generic\";
    base_url = \"http://127.0.0.1:9\"; } );
deadlines = { check_interval = 1; notify_number = \"$O\";
    notify_channel = \"gen\"; };
$(cat replies.conf)" &&
	start_daemon -c p.conf -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=0
'

test_expect_success 'the resident opts out' '
	special $O "Từ chối" &&
	test "$(sql "SELECT opted_out FROM senders WHERE number = '"'$O'"'")" \
	    = 1 &&
	to text $O | grep -q "đã ngừng gửi thông báo"
'

test_expect_success 'a report of theirs is acknowledged, an answer goes' '
	inject $O "Cống thoát nước hẻm 7 bị tắc, nước tràn vào nhà" && A=$REF &&
	test "$(count $O ack)" = 1 &&
	ctl reply "$A" "Đã cho thông cống hẻm 7." &&
	test "$(count $O answer)" = 1 &&
	test "$(to text $O answer)" = \
	    "UBND Phường 7, Quận 10 ($A): Đã cho thông cống hẻm 7."
'

test_expect_success 'the status lookup shows that answer' '
	special $O "TRACUU $A" &&
	want="Đang xử lý. Trả lời gần nhất: Đã cho thông cống hẻm 7." &&
	case "$(to text $O)" in *": $want") ;; *) false ;; esac
'

test_expect_success 'an overdue notice (information) is not sent to them' '
	inject $R "Đèn đường tổ 4 không sáng" && B=$REF &&
	past "$B" &&
	wait_for "test \"\$(sql \"SELECT CAST(overdue IS NOT NULL AS INTEGER) FROM cases
	    WHERE ref_number = ${B#PA-}\")\" = 1" &&
	wait_for "grep -q \"deadlines: 1 case overdue: $B\" daemon.log" &&
	test "$(count $O info)" = 0
'

test_expect_success 'opted in again, the next notice goes' '
	special $O "DK" &&
	test "$(sql "SELECT opted_out FROM senders WHERE number = '"'$O'"'")" \
	    = 0 &&
	inject +84912345903 "Rác đổ bừa bãi đầu hẻm 9, bốc mùi" && C=$REF &&
	past "$C" &&
	wait_for "test \"\$(count $O info)\" = 1" &&
	to text $O info | grep -q "$C"
'

test_done
