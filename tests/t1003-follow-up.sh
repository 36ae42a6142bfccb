#!/bin/sh
test_description='follow-ups: messages that quote a case reference or answer an officer join the case'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

FLOOD='Cống thoát nước hẻm 42 bị tắc, đường ngập nước mỗi khi mưa'
LAMP='Đèn đường hẻm 12 bị hỏng mấy tuần nay'
TRASHPILE='Rác thải đổ bừa bãi đầu hẻm 7, bốc mùi hôi thối'

# msg ID FROM TEXT: a generic message; it must be taken.
msg() {
	post /sms/generic id="$1" from="$2" to=8088 text="$3" &&
	test_status 202
}

# case_of ID: the case id the message ID joined (0 when none).
case_of() {
	q "SELECT coalesce(case_id, 0) FROM inbound
	    WHERE provider_msg_id = '$1'"
}

A=+84906000001
B=+84906000002
C=+84906000003
D=+84906000004
E=+84906000005

test_expect_success 'setup: a case of A' '
	write_conf p.conf "channels = ( { name = \"gen\"; type = \"generic\"; } );" &&
	start_daemon -c p.conf &&
	msg a-1 $A "$FLOOD" &&
	test "$(q "SELECT id, ref_number, sender FROM cases")" = "1|1|$A" &&
	test "$(case_of a-1)" = 1
'

test_expect_success 'A quotes the reference: the message joins the case' '
	msg a-2 $A "PA-000001 vẫn chưa sửa" &&
	test "$(case_of a-2)" = 1 &&
	test "$(rows cases)" = 1 &&
	test "$(rows inbound case_id=1)" = 2 &&
	test "$(rows audit action=case.followup case_id=1)" = 1
'

test_expect_success 'a follow-up gets no second acknowledgement' '
	test "$(rows outbox recipient=$A)" = 1
'

test_expect_success 'the reference typed loosely ("pa 1") works too' '
	msg a-3 $A "pa 1 van chua sua, nuoc van ngap" &&
	test "$(case_of a-3)" = 1 && test "$(rows cases)" = 1
'

test_expect_success 'B quotes A'"'"'s reference: it does not join A'"'"'s case' '
	msg b-1 $B "PA-000001 cống hẻm 42 vẫn chưa sửa, nước ngập" &&
	test "$(case_of b-1)" != 1 &&
	test "$(rows inbound case_id=1)" = 3 &&
	test "$(q "SELECT c.sender, c.ref_number FROM cases c
	    JOIN inbound i ON i.case_id = c.id
	    WHERE i.provider_msg_id = '"'b-1'"'")" = "$B|2" &&
	test "$(rows outbox recipient=$B)" = 1
'

# The officer's reply through papictl comes with a later issue; until
# then the test marks the case answered in the store, as that reply will.
test_expect_success 'C writes again after an officer answered: it joins' '
	msg c-1 $C "$LAMP" && c=$(case_of c-1) && test "$c" -gt 0 &&
	store_sql \
	    "UPDATE cases SET answered = strftime('"'%s'"', '"'now'"')
	    WHERE id = $c" &&
	msg c-2 $C "Cảm ơn, nhưng đèn vẫn chưa sáng" &&
	test "$(case_of c-2)" = "$c" &&
	test "$(rows cases sender=$C)" = 1 &&
	test "$(rows outbox recipient=$C)" = 1
'

test_expect_success 'D writes again, not answered yet: a new case' '
	msg d-1 $D "$LAMP" && d=$(case_of d-1) && test "$d" -gt 0 &&
	msg d-2 $D "$TRASHPILE" &&
	test "$(case_of d-2)" -gt "$d" &&
	test "$(rows cases sender=$D)" = 2 &&
	test "$(rows outbox recipient=$D)" = 2
'

test_expect_success 'E writes again, answered before the follow-up window: a new case' '
	msg e-1 $E "$LAMP" && e=$(case_of e-1) && test "$e" -gt 0 &&
	store_sql \
	    "UPDATE cases SET answered = strftime('"'%s'"', '"'now'"') - 4 * 86400
	    WHERE id = $e" &&
	msg e-2 $E "$TRASHPILE" &&
	test "$(case_of e-2)" -gt "$e" &&
	test "$(rows cases sender=$E)" = 2
'

test_expect_success 'a closed case is not reopened by quoting it: a new case' '
	store_sql \
	    "UPDATE cases SET state = '"'resolved'"' WHERE id = 1" &&
	msg a-4 $A "PA-000001 lại bị tắc, nước ngập cả hẻm" &&
	test "$(case_of a-4)" -gt 1 &&
	test "$(rows inbound case_id=1)" = 3 &&
	test "$(rows cases sender=$A)" = 2
'

test_done
