#!/bin/sh
test_description='announcements: drafted, refused without approval, approved by another administrator, sent to exactly their subscribers, resumed after kill -9 without anyone twice, cancelled; replies become linked cases'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"
. "$TESTS_DIR/lib-announce.sh"

# as_admin ARGS...: papictl as the second administrator.
as_admin() {
	as_officer "$@"
}

# subscriber PREFIX FROM TO TEXT: numbers PREFIXnn, nn from FROM to TO,
# each sends TEXT.
subscribers() {
	i=$2
	while [ "$i" -le "$3" ]; do
		say_sms "$1$(printf %02d "$i")" "$4" || return 1
		i=$((i + 1))
	done
}

# bulk N PREFIX: N subscribers of the budget topic, written straight
# into the store (what thousands of DK messages would have left).
bulk() {
	sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	    WHERE i < $1) INSERT INTO subscriptions (number, kind, value,
	    channel, created) SELECT '$2' || printf('%05d', i), 'topic',
	    'budget', 'gen', 0 FROM n"
}

# expected: the numbers that must get the first announcement (budget in
# kp1): budget+kp1, budget alone, budget in a tổ of kp1.
expected() {
	sql "SELECT number FROM subscriptions WHERE (number LIKE '+849130001%'
	    OR number LIKE '+849130002%' OR number LIKE '+849130005%')
	    GROUP BY number ORDER BY number"
}

pending() {
	sql "SELECT count(*) FROM outbox WHERE kind = 'announcement'
	    AND state IN ('queued', 'sending')"
}

conf() {
	pub_conf p.conf "roles = ( { name = \"admins\"; kind = \"administrator\";
    users = [ \"$OFFICER\" ]; } );
outbox = { max_inflight = 4; shutdown_wait = 1; };"
}

test_expect_success 'setup: the fake provider, a second administrator' '
	make_officer && start_fake && CHANNEL_EXTRA="rate = 50;" conf &&
	start_daemon -c p.conf -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=0
'

test_expect_success 'residents subscribe' '
	subscribers +849130001 1 8 "DK ngân sách KP1" &&
	subscribers +849130002 1 4 "dk ngan sach" &&
	subscribers +849130003 1 4 "DK kp2" &&
	subscribers +849130004 1 3 "DK y tế KP1" &&
	subscribers +849130005 1 2 "DK ngân sách tổ 3 KP1" &&
	subscribers +849130006 1 3 "DK ngân sách KP1" &&
	subscribers +849130006 1 3 "TC" &&
	test "$(expected | wc -l)" = 14 &&
	wait_for "test \$(fake_count true) -ge 27"
'

test_expect_success 'a draft shows who it reaches, its parts and cost' '
	ctl announce draft --topic budget --area kp1 \
	    --text "Công khai dự toán thu chi ngân sách phường năm 2027 tại nhà văn hóa khu phố 1" \
	    --text-en "The ward budget for 2027 is on display at the KP1 hall" \
	    --body "Du toan thu 12,4 ty dong, chi 12,1 ty dong. Y kien gop y gui truoc 15/12." \
	    >draft &&
	test_grep "TB-000001 drafted" draft &&
	test_grep "reaches:   14 subscribers" draft &&
	test_grep "channel gen: 14 recipients, 2 SMS parts each" draft &&
	ctl --json announce show TB1 >show.json &&
	test "$(jget show.json "$.reach")" = 14 &&
	test "$(jget show.json "$.state")" = draft
'

test_expect_success 'not sent without approval' '
	test_exit_status 1 ctl announce send TB1 2>err &&
	test_grep "not approved" err &&
	test "$(ann_sent TB-000001)" = 0
'

test_expect_success 'the drafter cannot approve it' '
	test_exit_status 1 ctl announce approve TB1 2>err &&
	test_grep "another administrator" err &&
	test "$(sql "SELECT state FROM announcements WHERE id = 1")" = draft
'

test_expect_success 'another administrator approves; then it is sent' '
	as_admin announce approve TB1 >out && test_grep "approved by" out &&
	ctl announce send TB1 >out &&
	test_grep "sending to 14 recipients" out &&
	wait_for "test \$(ann_sent TB-000001) -ge 14" 20 &&
	wait_for "test \$(pending) = 0"
'

test_expect_success 'exactly the subscribers of its topic and areas, once each' '
	fake_q "map(select((.params.text // \"\") | contains(\"[TB-000001]\")) |
	    .params.to) | sort | .[]" >got &&
	expected >want && sort got >got.s && diff want got.s &&
	test "$(ann_twice TB-000001)" = 0 &&
	! grep -q "+849130003\|+849130004\|+849130006" got
'

test_expect_success 'each recipient tracked; the show says so' '
	test "$(sql "SELECT count(*) FROM announce_recipients r JOIN outbox o
	    ON o.id = r.outbox_id WHERE r.announcement = 1 AND
	    o.state = '"'sent'"'")" = 14 &&
	ctl announce show TB1 >show && test_grep "14 sent" show &&
	test "$(sql "SELECT state FROM announcements WHERE id = 1")" = sent
'

test_expect_success 'a reply quoting the code becomes a linked transparency case' '
	say_sms +84913000101 "TB1 vì sao chi sửa đường nhiều vậy?" &&
	test "$(sql "SELECT category || '"':'"' || announcement || '"':'"' ||
	    source FROM cases WHERE sender = '"'+84913000101'"'")" = \
	    transparency:1:announcement
'

test_expect_success 'feedback from a recipient within the window too' '
	say_sms +84913000102 "Đề nghị công khai chi tiết khoản chi cho hội nghị" &&
	test "$(sql "SELECT category || '"':'"' || announcement FROM cases
	    WHERE sender = '"'+84913000102'"'")" = transparency:1 &&
	ctl announce show TB1 >show && test_grep "comments:  2 cases" show
'

test_expect_success 'the code alone, or XEM and the code, reads the body' '
	say_sms +84913000401 "xem tb1" &&
	wait_for "sql \"SELECT text FROM outbox WHERE recipient = '"'+84913000401'"'
	    AND kind = '"'special'"' ORDER BY id DESC LIMIT 1\" | grep -q \"Du toan thu 12,4\""
'

# A message handed to the provider when the daemon was killed may have
# reached it: it is marked failed ("interrupted ... maybe sent"), never
# sent again.
test_expect_success 'kill -9 in the middle of a send, then a restart: nobody twice' '
	bulk 300 +8491400 &&
	ctl announce draft --topic budget --text "Thong bao lich tiep dan thang 12" >draft &&
	as_admin announce approve TB2 && ctl announce send TB2 >out &&
	test_grep "sending to 318 recipients" out &&
	wait_for "test \$(ann_sent TB-000002) -ge 60" 20 &&
	stop_daemon KILL &&
	before=$(ann_sent TB-000002) && test "$before" -lt 300 &&
	start_daemon -c p.conf -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=0 &&
	wait_for "test \$(sql \"SELECT count(*) FROM announce_recipients
	    WHERE announcement = 2 AND state = '"'pending'"'\") = 0 &&
	    test \$(pending) = 0" 30 &&
	test "$(ann_twice TB-000002)" = 0 &&
	sent=$(ann_sent TB-000002) &&
	lost=$(sql "SELECT count(*) FROM outbox WHERE kind = '"'announcement'"'
	    AND last_error LIKE '"'interrupted%'"'") &&
	echo "sent $sent, interrupted $lost" &&
	test "$lost" -le 4 && test "$sent" -le 318 &&
	test $((sent + lost)) -ge 318 &&
	test "$(sql "SELECT count(*) FROM announce_recipients r JOIN outbox o
	    ON o.id = r.outbox_id WHERE r.announcement = 2 AND
	    o.state IN ('"'sent'"', '"'failed'"')")" = 318
'

test_expect_success 'cancelled in the middle: the rest is not sent' '
	stop_daemon && CHANNEL_EXTRA="rate = 10;" conf &&
	start_daemon -c p.conf -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=0 &&
	ctl announce draft --topic budget --text "Lich tiem chung soi" >draft &&
	as_admin announce approve TB3 && ctl announce send TB3 &&
	wait_for "test \$(ann_sent TB-000003) -ge 5" 20 &&
	ctl announce cancel TB3 >out && test_grep "cancelled" out &&
	n=$(ann_sent TB-000003) && sleep 1.5 &&
	test "$(ann_sent TB-000003)" -le $((n + 4)) &&
	test "$(ann_sent TB-000003)" -lt 100 &&
	test "$(sql "SELECT state FROM announcements WHERE id = 3")" = cancelled
'

test_expect_success 'case replies are not starved by a bulk send' '
	ctl announce draft --topic budget --text "Thong bao hop to dan pho" \
	    >draft && as_admin announce approve TB4 && ctl announce send TB4 &&
	wait_for "test \$(ann_sent TB-000004) -ge 3" 20 &&
	say_sms +84913000777 "Đèn đường hẻm 12 bị hư mấy hôm nay" &&
	wait_for "test \$(fake_count \".params.to == \\\"+84913000777\\\"\") = 1" 3 &&
	test "$(ann_sent TB-000004)" -lt 100 &&
	ctl announce cancel TB4 >/dev/null
'

test_expect_success 'the report: announcements sent, their reach and comments' '
	today=$(date +%Y-%m-%d) &&
	ctl --json report --from $today --to $today >r.json &&
	test "$(jget r.json "$.announcements.cases")" = 2 &&
	test "$(jget r.json "$.announcements.sent[0].code")" = TB-000001 &&
	test "$(jget r.json "$.announcements.sent[0].recipients")" = 14 &&
	test "$(jget r.json "$.announcements.sent[0].sent")" = 14 &&
	test "$(jget r.json "$.announcements.sent[0].comments")" = 2 &&
	test "$(jget r.json "$.announcements.sent[2].code")" = TB-000003 &&
	ctl report --from $today --to $today >r.txt &&
	test_grep "Of the 3 cases, 2 comment on an announcement: counted once, in their category (Transparency)" r.txt &&
	test_grep "TB-000001 (budget): 14 recipients, 14 sent" r.txt &&
	ctl report --from $today --to $today --format html --output r.html &&
	test_grep "TB-000001 (budget): 14 recipients, 14 sent" r.html
'

# Each figure once: the categories add up to the total, the sources add
# up to it again in a table of their own, and the comments on
# announcements are the source "announcement", not more cases.
test_expect_success 'the report adds up: the comments counted once' '
	today=$(date +%Y-%m-%d) &&
	ctl --json report --from $today --to $today >r.json &&
	total=$(jq ".total.cases" r.json) && test "$total" = 3 &&
	test "$(jq "[.categories[].cases] | add" r.json)" = "$total" &&
	test "$(jq "[.sources[].cases] | add" r.json)" = "$total" &&
	test "$(jq ".sources[] | select(.id == \"announcement\") | .cases" r.json)" = \
	    "$(jq ".announcements.cases" r.json)" &&
	test "$(jq "([.announcements.sent[].comments] | add) + .announcements.earlier" r.json)" = \
	    "$(jq ".announcements.cases" r.json)" &&
	ctl report --from $today --to $today >r.txt &&
	test "$(grep -c "^TOTAL " r.txt)" = 2 &&
	! grep -q "By source" r.txt &&
	sed -n "/^SOURCE /,/^TOTAL /p" r.txt >src.txt &&
	test_grep "^Replies to announcements  *2 " src.txt &&
	test "$(awk "/^SOURCE /{next} /^TOTAL /{print \$2; exit}" src.txt)" = "$total" &&
	test "$(grep -v "^SOURCE \|^TOTAL " src.txt | awk "{ n += \$(NF - 9) } END { print n }")" = "$total"
'

test_expect_success 'retention erases the recipients numbers, keeps the figures' '
	sql "UPDATE announcements SET started = started - 3 * 86400,
	    finished = finished - 3 * 86400 WHERE id = 1" &&
	stop_daemon &&
	start_daemon -c p.conf -o replies.max_per_sender_day=0 \
	    -o replies.flood_messages=0 -o privacy.retention_days=1 &&
	wait_for "test \$(sql \"SELECT count(*) FROM announce_recipients
	    WHERE announcement = 1 AND number IS NOT NULL\") = 0" &&
	test "$(sql "SELECT count(*) FROM outbox o JOIN announce_recipients r
	    ON r.outbox_id = o.id WHERE r.announcement = 1
	    AND o.recipient <> '"''"'")" = 0 &&
	test "$(sql "SELECT count(*) FROM announce_recipients
	    WHERE announcement = 2 AND number IS NULL")" = 0 &&
	ctl announce show TB1 >show && test_grep "14 sent" show
'

test_expect_success 'every step is audited' '
	ctl audit --limit 200 >audit &&
	test_grep "announce.draft" audit && test_grep "announce.approve" audit &&
	test_grep "announce.send" audit && test_grep "announce.cancel" audit &&
	test_grep "case.announcement" audit
'

test_done
