#!/bin/sh
test_description='wards as tenants: two wards in one store, each officer sees its own, the city both'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-web.sh"
. "$TESTS_DIR/lib-http.sh"

# Four Unix users: an officer of ward p7, one of ward p8, the city, an
# administrator of ward p8; with a password for the dashboard.
WUSERS=""
wards_cleanup() {
	for u in $WUSERS; do
		userdel "$u" 2>/dev/null
	done
	web_cleanup
	ctl_cleanup
}
trap 'wards_cleanup; cleanup' EXIT
for w in a b c d; do
	u="pgw-w$w-$$"
	useradd -M -N -r -s /usr/sbin/nologin "$u" || exit 1
	WUSERS="$WUSERS $u"
	echo "$u:$WPASS" | chpasswd || exit 1
done
web_pam
set -- $WUSERS
OFF7=$1 OFF8=$2 CITY=$3 ADM8=$4

as() {
	u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
	    "$PAPICTL" -s "$TRASH/control.sock" "$@"
}

# ward_conf FILE ID NAME: a gateway of ward ID; p7's officers have no
# ward of their own (the gateway's), the others name theirs.  Ward p8's
# categories answer differently and give 2 working days.
ward_conf() {
	ctl_conf "$1" "ward = { id = \"$2\"; name = \"$3\"; };
roles = (
  { name = \"p7\"; kind = \"officer\"; users = [ \"$OFF7\" ]; $4 },
  { name = \"p8\"; kind = \"officer\"; users = [ \"$OFF8\" ]; ward = \"p8\"; },
  { name = \"city\"; kind = \"inspector\"; users = [ \"$CITY\" ]; ward = \"all\"; },
  { name = \"p8-admin\"; kind = \"administrator\"; users = [ \"$ADM8\" ]; ward = \"p8\"; }
);" &&
	sed -i '/^ward = { name = /d' "$1"
}

# An HTTP channel and the special words, for messages that open no case
# (a request for help): their answers are the ward's of the gateway they
# came to.
GENERIC='channels = ( { name = "gen"; type = "generic"; } );
@include "replies.conf"'

test_expect_success 'a bad ward id and a role of no ward are refused' '
	ward_conf bad.conf "P 7" "X" "" &&
	test_exit_status 1 "$PAPIGWD" -n -c bad.conf 2>err &&
	test_grep "ward.id: .P 7. must be small letters" err &&
	ward_conf bad.conf p7 "X" "ward = \"a b\";" &&
	test_exit_status 1 "$PAPIGWD" -n -c bad.conf 2>err &&
	test_grep "role .p7.: ward .a b. must be a ward" err
'

test_expect_success 'ward p7: its gateway stamps its cases' '
	ward_conf p7.conf p7 "UBND Phường 7" "" &&
	sed -n "/^replies = {/,/^};/p" "$CONF_DIR/papigw.conf" >replies.conf &&
	echo "$GENERIC" >>p7.conf &&
	start_daemon -c p7.conf &&
	inject +84912300701 "Đường hẻm 12 bị ngập nước, cống nghẹt" &&
	A1=$REF &&
	inject +84912300702 "Đèn đường hẻm 40 hỏng mấy tuần rồi" &&
	A2=$REF &&
	test "$(sql "SELECT count(*) FROM cases WHERE ward = '"'p7'"'")" = 2 &&
	post /sms/generic from=+84912300703 text="Trợ giúp" && test_status 202 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE case_id IS NULL
	    AND ward = '"'p7'"'")" = 1 &&
	stop_daemon
'

test_expect_success 'ward p8: its own categories and templates, and a ward of its own' '
	ward_conf p8.conf p8 "UBND Phường 8" "ward = \"p7\";" &&
	echo "$GENERIC" >>p8.conf &&
	WPORT=$(free_port) &&
	echo "web = { listen = \"127.0.0.1:$WPORT\"; pam_service = \"$WPAM\"; refresh = 2; };" >>p8.conf &&
	sed -i "s/@include \"categories.conf\"/@include \"categories-p8.conf\"/" \
	    p8.conf &&
	sed "s/(hạ tầng)/(hạ tầng, phường 8)/; s/deadline_days = 5;/deadline_days = 2;/" \
	    categories.conf >categories-p8.conf &&
	start_daemon -c p8.conf &&
	inject +84912300801 "Đường hẻm 3 bị ngập nước, cống nghẹt" &&
	B1=$REF &&
	test "$(sql "SELECT ward FROM cases WHERE ref_number = ${B1#PA-}")" = p8 &&
	sql "SELECT $OUTBOX_TEXT FROM outbox JOIN cases c
	    ON c.id = outbox.case_id WHERE c.ref_number = ${B1#PA-}
	    AND outbox.kind = '"'ack'"'" >ack8 &&
	test_grep "UBND Phuong 8 da nhan phan anh $B1 (ha tang, phuong 8)" ack8 &&
	sql "SELECT $OUTBOX_TEXT FROM outbox JOIN cases c
	    ON c.id = outbox.case_id WHERE c.ref_number = ${A1#PA-}
	    AND outbox.kind = '"'ack'"'" >ack7 &&
	test_grep "UBND Phuong 7 da nhan phan anh $A1 (ha tang)\." ack7 &&
	test "$(sql "SELECT CAST((SELECT deadline - created FROM cases
	    WHERE ref_number = ${B1#PA-}) < (SELECT deadline - created
	    FROM cases WHERE ref_number = ${A1#PA-}) AS INTEGER)")" = 1
'

test_expect_success 'a resident of both wards: a message to p8 does not join the p7 case' '
	inject +84912300701 "Cống hẻm 12 vẫn nghẹt" &&
	test "$REF" != "$A1" &&
	test "$(sql "SELECT ward FROM cases WHERE ref_number = ${REF#PA-}")" = p8 &&
	B2=$REF &&
	post /sms/generic from=+84912300803 text=HELP && test_status 202 &&
	post /sms/generic from=+84912300804 text="tro giup" &&
	test_status 202 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE case_id IS NULL
	    AND ward = '"'p8'"'")" = 2
'

test_expect_success 'list and search: each officer sees its ward only' '
	as "$OFF8" list >out8 &&
	test_grep "^$B1 " out8 && test_grep "^$B2 " out8 &&
	! grep -q "^$A1 \|^$A2 " out8 &&
	as "$OFF7" list >out7 &&
	test_grep "^$A1 " out7 && test_grep "^$A2 " out7 &&
	! grep -q "^$B1 \|^$B2 " out7 &&
	as "$OFF8" list --text "ngập nước" >s8 &&
	test_grep "^$B1 " s8 && ! grep -q "^$A1 " s8 &&
	as "$OFF7" list --text "ngập nước" >s7 &&
	test_grep "^$A1 " s7 && ! grep -q "^$B1 " s7
'

test_expect_success 'show, reply, note, close: another ward'"'"'s case is no case' '
	test_exit_status 1 as "$OFF8" show "$A1" 2>err &&
	test_grep "no case $A1" err &&
	test_exit_status 1 as "$OFF8" reply "$A1" "Đã xử lý" 2>err &&
	test_grep "no case $A1" err &&
	test_exit_status 1 as "$OFF8" note "$A1" "ghi chú" 2>err &&
	test_exit_status 1 as "$OFF8" close "$A1" 2>err &&
	test_exit_status 1 as "$OFF8" claim "$A1" 2>err &&
	test "$(sql "SELECT state FROM cases WHERE ref_number = ${A1#PA-}")" = received &&
	as "$OFF8" show "$B1" >out &&
	test_grep "^$B1 " out &&
	as "$OFF7" show "$A1" >out &&
	test_grep "^$A1 " out &&
	test_exit_status 1 as "$OFF7" show "$B1"
'

test_expect_success 'report and export: a ward'"'"'s own, the city'"'"'s all and each' '
	Q=$(date +%Y)Q$(( ($(date +%-m) + 2) / 3 )) &&
	as "$OFF8" --json report --quarter "$Q" >r8.json &&
	test "$(jget r8.json "\$.total.cases")" = 2 &&
	as "$OFF7" --json report --quarter "$Q" >r7.json &&
	test "$(jget r7.json "\$.total.cases")" = 2 &&
	as "$CITY" --json report --quarter "$Q" >rc.json &&
	test "$(jget rc.json "\$.total.cases")" = 4 &&
	as "$CITY" --json report --quarter "$Q" --ward all >rc.json &&
	test "$(jget rc.json "\$.total.cases")" = 4 &&
	as "$CITY" --json report --quarter "$Q" --ward p7 >rc7.json &&
	test "$(jget rc7.json "\$.total.cases")" = 2 &&
	test_exit_status 1 as "$OFF8" report --quarter "$Q" --ward all 2>err &&
	test_grep "ward p8 only" err &&
	test_exit_status 1 as "$OFF8" report --quarter "$Q" --ward p7 &&
	for w in p7 p8; do
		sql "$(ward_parts_sql $w)" >parts-$w ||
		return 1
	done &&
	test "$(jget r8.json "\$.sms.parts")" = "$(cat parts-p8)" &&
	test "$(jget r7.json "\$.sms.parts")" = "$(cat parts-p7)" &&
	test "$(jget rc7.json "\$.sms.parts")" = "$(cat parts-p7)" &&
	test "$(jget rc.json "\$.sms.parts")" = \
	    "$(sql "SELECT sum(segments) FROM outbox")" &&
	test "$(cat parts-p7)" -lt "$(cat parts-p8)" &&
	as "$OFF8" export --format json >e8 &&
	test "$(grep -c "\"ref\"" e8)" = 2 &&
	! grep -q "$A1\|$A2" e8 &&
	as "$CITY" export --format json >ec &&
	test "$(grep -c "\"ref\"" ec)" = 4 &&
	as "$CITY" export --format json --ward p8 >ec8 &&
	test "$(grep -c "\"ref\"" ec8)" = 2 && ! grep -q "$A1" ec8
'

test_expect_success 'status: counts of the ward only; the city sees every case' '
	as "$OFF7" --json status >st7.json &&
	! grep -q "$B1" st7.json &&
	as "$CITY" list >outc &&
	for r in $A1 $A2 $B1 $B2; do
		test_grep "^$r " outc || return 1
	done &&
	as "$CITY" show "$A1" >/dev/null &&
	as "$CITY" --json show "$B1" >b1.json &&
	test "$(jget b1.json "\$.ward")" = p8
'

test_expect_success 'an administrator of one ward: its cases, not the audit log of all' '
	as "$ADM8" list >outa &&
	test_grep "^$B1 " outa && ! grep -q "^$A1 " outa &&
	test_exit_status 1 as "$ADM8" show "$A1" &&
	test_exit_status 1 as "$ADM8" audit 2>err &&
	test_grep "a role of every ward reads it" err &&
	ctl audit --limit 1 >/dev/null
'

test_expect_success 'the dashboard: a ward'"'"'s officer sees its cases and figures only' '
	# Started again: the reports it keeps from its start then hold
	# every case.
	# Every reply sent, for the SMS parts of 30 days.
	stop_daemon &&
	sql "UPDATE outbox SET state = '"'sent'"', sent = created" &&
	start_daemon -c p8.conf &&
	web_login "$OFF8" off8.jar && web_login "$CITY" city.jar &&
	wget_page off8.jar /cases c8 && test "$WSTATUS" = 200 &&
	test_grep "href=\"/case/$B1\"" c8 && ! grep -q "$A1\|$A2" c8 &&
	wget_page off8.jar "/case/$A1" ca && test "$WSTATUS" = 404 &&
	wget_page off8.jar "/case/$B1" cb && test "$WSTATUS" = 200 &&
	wget_page off8.jar /deadlines d8 && ! grep -q "$A1\|$A2" d8 &&
	wget_page city.jar /cases cc && test "$WSTATUS" = 200 &&
	test_grep "href=\"/case/$A1\"" cc && test_grep "href=\"/case/$B1\"" cc &&
	wget_page city.jar "/case/$A1" ca && test "$WSTATUS" = 200 &&
	wait_for "wget_page off8.jar / o8 &&
	    test \"\$(grep -o \"class=.open.>[0-9]*\" o8 |
	    cut -d\">\" -f2 | awk \"{ n += \\\$1 } END { print n }\")\" = 2" 10 &&
	wait_for "wget_page city.jar / oc &&
	    test \"\$(grep -o \"class=.open.>[0-9]*\" oc |
	    cut -d\">\" -f2 | awk \"{ n += \\\$1 } END { print n }\")\" = 4" 10 &&
	test_grep "id=\"parts\">$(cat parts-p8)<" o8 &&
	test_grep "id=\"parts\">$(sql "SELECT sum(segments) FROM outbox")<" oc &&
	wget_page off8.jar /report.json r8 && wget_page city.jar /report.json rc &&
	test "$(jget r8 "\$.total.cases")" = 2 &&
	test "$(jget rc "\$.total.cases")" = 4
'

test_expect_success 'a p8 officer works its own case' '
	as "$OFF8" claim "$B1" >out &&
	test_grep "$B1 claimed by $OFF8" out &&
	as "$OFF8" close "$B1" >out &&
	test "$(sql "SELECT state FROM cases WHERE ref_number = ${B1#PA-}")" = resolved
'

test_expect_success 'stop' '
	stop_daemon
'

test_done
