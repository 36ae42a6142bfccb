#!/bin/sh
test_description='one phone, one resident: numbers in E.164 on every channel; an older store with split residents merged'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-ussd.sh"

TOKEN='tw-auth-token-0123456789abcdef'
PUBLIC_URL='https://gw.example.org/sms/twilio'
INJECT="$SRC_DIR/scripts/modem-inject"
PHONE="$TRASH/phone"
N=+84901110004

# signed NAME=VALUE...: a Twilio webhook with the right signature.
signed() {
	post /sms/twilio "$@" -- -H \
	    "X-Twilio-Signature: $(twilio_sig "$TOKEN" "$PUBLIC_URL" "$@")"
}

inbox_empty() {
	[ -z "$(ls "$PHONE/sms/1" 2>/dev/null | grep -E '^[0-9]+$')" ]
}

test_expect_success 'setup: Vonage, Twilio, a modem, USSD and a generic channel' '
	mkdir -p "$PHONE" && printf "%s\n" "$TOKEN" >token &&
	write_conf n.conf "$(printf "%s\n" "$USSD_CONF" |
	    sed "s|^	{ name = \"gen\"; type = \"generic\"; }|&,\\
	{ name = \"vo\"; type = \"vonage\"; },\\
	{ name = \"tw\"; type = \"twilio\"; token_file = \"$TRASH/token\";\\
	  public_url = \"$PUBLIC_URL\"; },\\
	{ name = \"gsm\"; type = \"modem\"; device = \"$PHONE\";\\
	  model = \"dummy\"; connection = \"none\"; poll_interval = 1;\\
	  send_rate = 0; number = \"+84280000000\"; }|")" &&
	grep -q "type = \"vonage\"" n.conf &&
	start_daemon -c n.conf -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=0
'

test_expect_success 'one phone through Vonage, Twilio, the modem and USSD: one resident' '
	get /sms/vonage msisdn=84901110004 to=8088 messageId=v-1 \
	    text="Den duong hem 12 bi hong may tuan nay" && test_status 200 &&
	signed MessageSid=SM0001 From=$N To=+842838000000 \
	    "Body=Đèn đường hẻm 12 vẫn chưa sửa" && test_status 200 &&
	"$INJECT" "$PHONE" 0901110004 "Den hem 12 van tat" >/dev/null &&
	wait_for "test \"\$(rows inbound channel=gsm)\" = 1" 15 &&
	ussd u1 "" 0901110004 && ussd u1 1 0901110004 &&
	ussd u1 1*3 0901110004 && ussd u1 "1*3*Cong hem 42 bi tac" 0901110004 &&
	ussd u1 "1*3*Cong hem 42 bi tac*1" 0901110004 && test_status 200 &&
	test "$(q "SELECT group_concat(DISTINCT sender) FROM inbound")" = $N &&
	test "$(q "SELECT count(*) FROM inbound")" = 4 &&
	test "$(q "SELECT count(DISTINCT resident) FROM cases")" = 1 &&
	test "$(q "SELECT count(*) FROM pseudonyms")" = 1 &&
	test "$(q "SELECT count(*) FROM cases WHERE sender <> '"'$N'"'")" = 0
'

test_expect_success 'the replies go to the one number' '
	test "$(q "SELECT count(*) FROM outbox WHERE recipient <> '"'$N'"'")" = 0 &&
	test "$(q "SELECT count(*) FROM outbox")" -ge 1
'

test_expect_success 'an old 11-digit mobile number is the renumbered one' '
	post /sms/generic from=01621234567 text="Rac o dau hem 5 khong ai don" &&
	test_status 202 &&
	test "$(rows inbound sender=+84321234567)" = 1 &&
	post /sms/generic from=+84321234567 text="Rac van chua don" &&
	test "$(q "SELECT count(DISTINCT resident) FROM cases
	    WHERE sender = '"'+84321234567'"'")" = 1
'

test_expect_success 'short codes and alphanumeric senders stay as they came' '
	post /sms/generic from=VIETTEL text="Khuyen mai 50%" &&
	test_status 202 && test "$(rows inbound sender=VIETTEL)" = 1
'

# Three phones in the store, then two of them written as an older papigw
# wrote them: the same phone in three forms, three residents.
test_expect_success 'an older store: one phone split into three residents' '
	for i in 1 2 3; do
		post /sms/generic from=+8490999900$i \
		    text="Cong hem 9$i bi tac, nuoc ngap" &&
		test_status 202 || return 1
	done &&
	wait_for "test \"\$(rows outbox recipient=+84909999003)\" -ge 1" 10 &&
	ctl audit --verify >before &&
	stop_daemon &&
	store_sql "
	    UPDATE senders SET opted_out = 1, opted_changed = 100,
	      updated = 100 WHERE number = '"'+84909999003'"';
	    INSERT INTO senders (number, opted_out, opted_changed,
	      updated) VALUES ('"'+84909999003'"', 1, 100, 100)
	      ON CONFLICT DO NOTHING;" &&
	for t in "cases sender" "inbound sender" "outbox recipient" \
	    "pseudonyms sender" "senders number"; do
		tbl=${t% *} && col=${t#* } &&
		store_sql "
		    UPDATE $tbl SET $col = '"'0909999001'"'
		      WHERE $col = '"'+84909999002'"';
		    UPDATE $tbl SET $col = '"'84909999001'"'
		      WHERE $col = '"'+84909999003'"';" || return 1
	done &&
	store_sql "DELETE FROM counters WHERE name = '"'numbers_e164'"'" &&
	test "$(q "SELECT count(*) FROM pseudonyms WHERE sender LIKE '"'%909999001'"'")" = 3 &&
	q "SELECT count(*) FROM inbound" >messages
'

test_expect_success 'at start the numbers are rewritten and the residents merged' '
	start_daemon -c n.conf -o replies.max_per_sender_day=0 &&
	test "$(q "SELECT count(*) FROM inbound")" = "$(cat messages)" &&
	test "$(q "SELECT count(*) FROM inbound WHERE sender LIKE '"'%909999001'"'
	    AND sender <> '"'+84909999001'"'")" = 0 &&
	test "$(q "SELECT count(*) FROM inbound WHERE sender = '"'+84909999001'"'")" = 3 &&
	keep=$(q "SELECT id FROM pseudonyms WHERE sender = '"'+84909999001'"'") &&
	test -n "$keep" &&
	test "$(q "SELECT count(*) FROM pseudonyms WHERE merged_into = $keep
	    AND sender IS NULL")" = 2 &&
	test "$(q "SELECT count(DISTINCT resident) FROM cases
	    WHERE sender = '"'+84909999001'"'")" = 1 &&
	test "$(q "SELECT resident FROM cases WHERE sender = '"'+84909999001'"'
	    GROUP BY resident")" = "$keep" &&
	test "$(q "SELECT count(*) FROM outbox WHERE recipient LIKE '"'%909999001'"'
	    AND recipient <> '"'+84909999001'"'")" = 0
'

test_expect_success 'one senders row: the opt-out of the old form is kept' '
	test "$(q "SELECT count(*) FROM senders WHERE number LIKE '"'%909999001'"'")" = 1 &&
	test "$(q "SELECT opted_out FROM senders WHERE number = '"'+84909999001'"'")" = 1
'

test_expect_success 'audited once, the chain still verifies; logged' '
	test "$(q "SELECT count(*) FROM audit WHERE action = '"'renumber'"'")" = 1 &&
	q "SELECT detail FROM audit WHERE action = '"'renumber'"'" >detail &&
	test_grep "^[0-9]* numbers in E.164 (+84), 2 residents merged: R-" detail &&
	ctl audit --verify &&
	test_grep "numbers rewritten in E.164, 2 residents merged" daemon.log
'

test_expect_success 'a second start rewrites nothing' '
	stop_daemon && start_daemon -c n.conf -o replies.max_per_sender_day=0 &&
	test "$(q "SELECT count(*) FROM audit WHERE action = '"'renumber'"'")" = 1
'

test_expect_success 'list --from-resident: the cases of a resident, by either pseudonym' '
	keep=$(q "SELECT id FROM pseudonyms WHERE sender = '"'+84909999001'"'") &&
	drop=$(q "SELECT id FROM pseudonyms WHERE merged_into = $keep LIMIT 1") &&
	ctl --json list --from-resident R-$keep >mine &&
	test "$(jq ".cases | length" mine)" = 3 &&
	ctl --json list --from-resident R-$drop >theirs &&
	test "$(jq -c "[.cases[].ref]" theirs)" = "$(jq -c "[.cases[].ref]" mine)" &&
	ctl list --from-resident R-$keep --limit 1 >out &&
	test_grep "more: papictl list --from-resident R-$keep --limit 1 --before" out &&
	test_must_fail ctl list --from-resident X-1 2>err &&
	test_grep "not a resident.s pseudonym" err
'

refs_of() {
	q "SELECT printf('PA-%06d', ref_number) FROM cases
	    WHERE sender = '$1' ORDER BY id"
}

test_expect_success 'merge: the second case joins the first, audited' '
	refs_of +84909999001 >refs && test "$(wc -l <refs)" = 3 &&
	K=$(sed -n 1p refs) && J=$(sed -n 2p refs) &&
	echo "$K $J" >pair &&
	ctl merge $K $J >out &&
	test_grep "^$J joined $K (1 messages moved), due " out &&
	test "$(q "SELECT count(*) FROM inbound WHERE case_id =
	    (SELECT id FROM cases WHERE ref_number = ${K#PA-})")" = 2 &&
	test "$(q "SELECT state || (CAST(merged_into IS NOT NULL AS INTEGER)) FROM cases
	    WHERE ref_number = ${J#PA-}")" = resolved1 &&
	test "$(q "SELECT detail FROM audit WHERE action = '"'case.merge'"'")" = \
	    "$J into $K, 1 messages" &&
	ctl audit --verify
'

test_expect_success 'merge: both references keep working' '
	read K J <pair &&
	ctl --json show $J >shown &&
	test "$(jq -r .ref shown)" = $K &&
	post /sms/generic from=+84909999001 text="them: $J hem 92 van ngap" &&
	test_status 202 &&
	test "$(q "SELECT printf('"'PA-%06d'"', c.ref_number) FROM inbound i
	    JOIN cases c ON c.id = i.case_id ORDER BY i.id DESC LIMIT 1")" = $K &&
	ussd s9 "" 0909999001 && ussd s9 2 0909999001 &&
	ussd s9 "2*$J" 0909999001 && test_status 200 &&
	test_grep "^END Phan anh $K (Ha tang do thi): Da tiep nhan" body
'

test_expect_success 'merge: refused across residents, twice, or into itself' '
	read K J <pair &&
	other=$(refs_of $N | head -n 1) &&
	test_must_fail ctl merge $K $other 2>err &&
	test_grep "come from different residents" err &&
	test_must_fail ctl merge $K $J 2>err &&
	test_grep "$J is already part of $K" err &&
	test_must_fail ctl merge $K $K 2>err &&
	test_grep "not merged with itself" err &&
	test_must_fail env LANG=vi_VN.UTF-8 "$PAPICTL" -s "$TRASH/control.sock" merge $K $other 2>err &&
	test_grep "của hai người dân khác nhau" err &&
	test_must_fail env LANG=vi_VN.UTF-8 "$PAPICTL" -s "$TRASH/control.sock" merge $K $J 2>err &&
	test_grep "$J đã thuộc hồ sơ $K" err
'

test_expect_success 'ward.country_code must be a calling code' '
	test_must_fail "$PAPIGWD" -n -c n.conf -o ward.country_code=+84 2>err &&
	test_grep "ward.country_code: .+84. must be a calling code" err
'

test_done
