#!/bin/sh
test_description='papigwd on PostgreSQL: the schema made once, messages and cases, a restart and a crash, two gateways on one database'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ctl.sh"

# Run by scripts/check-pg.sh (make check-pg) inside pg_virtualenv, which
# sets PAPIGW_TEST_PG: lib.sh then gave this test a database of its own.
if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

GEN='channels = ( { name = "gen"; type = "generic"; } );'

# msg ID FROM TEXT: a generic message to the gateway on $port.
msg() {
	post /sms/generic id="$1" from="$2" to=8088 text="$3" &&
	test_status 202
}

# burst PORT PREFIX: 20 messages to the gateway on PORT, one after the
# other; prints their statuses.
burst() {
	i=40
	while [ $i -lt 60 ]; do
		curl -s -o /dev/null -w "%{http_code}\n" \
		    --data-urlencode "id=$2-$i" \
		    --data-urlencode "from=+849061$2$i" \
		    --data-urlencode "to=8088" \
		    --data-urlencode "text=Đèn đường hẻm $i hỏng" \
		    "http://127.0.0.1:$1/sms/generic"
		i=$((i + 1))
	done
}

test_expect_success 'an empty database: the schema made at start' '
	write_conf p.conf "$GEN" &&
	start_daemon -c p.conf &&
	test_grep "schema version [0-9]* made" daemon.log &&
	test "$(q "SELECT version FROM papigw_schema")" -gt 0
'

test_expect_success 'messages become cases with references and acknowledgements' '
	msg m-1 +84906100001 "Cống thoát nước hẻm 42 bị tắc, đường ngập mỗi khi mưa" &&
	msg m-2 +84906100002 "Cán bộ địa chính đòi 5 triệu mới làm sổ hồng" &&
	test "$(rows inbound)" = 2 &&
	test "$(rows cases)" = 2 &&
	test "$(q "SELECT ref_number FROM cases ORDER BY ref_number" |
	    tr "\n" " ")" = "1 2 " &&
	test "$(rows outbox kind=ack)" = 2 &&
	ctl list >out &&
	test_grep "PA-000001" out &&
	test_grep "PA-000002" out
'

test_expect_success 'the same provider message again: one message, one case' '
	msg m-1 +84906100001 "Cống thoát nước hẻm 42 bị tắc, đường ngập mỗi khi mưa" &&
	test "$(rows inbound)" = 2 &&
	test "$(rows cases)" = 2
'

test_expect_success 'an officer works a case: note, reply, close; the audit log verifies' '
	ctl note PA-000001 "đã gọi điện cho người dân" &&
	ctl reply PA-000001 "Phường đã cử người nạo vét cống hẻm 42" &&
	ctl close PA-000001 &&
	test "$(q "SELECT state FROM cases WHERE ref_number = 1")" = resolved &&
	test "$(rows notes)" = 1 &&
	# the reply, and the message that says the case is closed
	test "$(rows outbox kind=answer)" = 2 &&
	ctl audit --verify >out &&
	test_grep "^audit log verified" out
'

test_expect_success 'a restart takes the schema as it is' '
	stop_daemon && test "$daemon_status" = 0 &&
	start_daemon -c p.conf &&
	test "$(grep -c "schema version [0-9]* made" daemon.log)" = 1 &&
	msg m-3 +84906100003 "Đèn đường hẻm 12 bị hỏng mấy tuần nay" &&
	test "$(rows cases)" = 3
'

test_expect_success 'kill -9: every acknowledged message is there after the restart' '
	i=10 &&
	while [ $i -lt 30 ]; do
		msg k-$i +849061000$i "Rác thải đổ bừa bãi đầu hẻm $i" || return 1
		i=$((i + 1))
	done &&
	stop_daemon KILL &&
	start_daemon -c p.conf &&
	test "$(q "SELECT count(*) FROM inbound WHERE provider_msg_id LIKE
	    '"'k-%'"'")" = 20 &&
	test "$(rows cases)" = 23 &&
	ctl audit --verify >out &&
	test_grep "^audit log verified" out
'

test_expect_success 'a second gateway on the same database: one case for a message posted to both' '
	port1=$port &&
	write_conf q.conf "$GEN" &&
	sed -i "s|control.sock|control2.sock|" q.conf &&
	port2=$port &&
	start_daemon -c q.conf &&
	port=$port1 && msg both-1 +84906100099 "Nước thải xưởng may chảy ra cống" &&
	port=$port2 && msg both-1 +84906100099 "Nước thải xưởng may chảy ra cống" &&
	port=$port1 &&
	test "$(rows inbound provider_msg_id=both-1)" = 1 &&
	test "$(q "SELECT count(*) FROM cases c JOIN inbound i ON
	    i.case_id = c.id WHERE i.provider_msg_id = '"'both-1'"'")" = 1 &&
	test "$(rows outbox recipient=+84906100099 kind=ack)" = 1
'

test_expect_success 'two gateways taking messages at once: references unique, none lost, one audit chain' '
	{ burst $port1 1 >s1 & } &&
	b1=$! &&
	{ burst $port2 2 >s2 & } &&
	b2=$! &&
	wait $b1 && wait $b2 &&
	test "$(grep -c "^202$" s1)" = 20 &&
	test "$(grep -c "^202$" s2)" = 20 &&
	test "$(q "SELECT count(*) FROM inbound WHERE provider_msg_id LIKE
	    '"'1-%'"' OR provider_msg_id LIKE '"'2-%'"'")" = 40 &&
	test "$(q "SELECT count(*) - count(DISTINCT ref_number)
	    FROM cases")" = 0 &&
	test "$(rows cases)" = 64 &&
	ctl audit --verify >out &&
	test_grep "^audit log verified" out
'

test_done
