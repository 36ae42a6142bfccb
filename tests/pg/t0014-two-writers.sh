#!/bin/sh
test_description='PostgreSQL: two gateways taking messages and recording replies sent at once: every answer 2xx, each row sent counted once'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"

if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

# Each gateway's writer commits batches that open cases (a reference
# each), add to a resident's open case (an audit entry), and record the
# acknowledgements it sent (the count of a channel's rows sent) and
# delivery reports, while the other gateway's does the same: what one
# transaction takes must not make the other's wait for it until it
# commits, or deadlock with it (the database then rolls one back, and its
# messages are answered 503 although the database is up).
N=240	# messages posted to each gateway
P=8	# of them at once

# conf FILE SOCKET: a gateway whose generic channel sends to the fake
# provider.
conf() {
	gateway_conf "$1" "$2" \
	    "outbox = { connect_timeout = 1; timeout = 5; };"
}

# messages D PORT: curl's configuration for the N messages to the gateway
# on PORT, its residents' numbers with the digit D: every third from the
# resident of the message before (which then joins their case), the
# others each from a resident of their own.
messages() {
	i=0
	while [ $i -lt $N ]; do
		i=$((i + 1))
		s=$i
		[ $((i % 3)) -ne 0 ] || s=$((i - 1))
		printf 'url = "http://127.0.0.1:%s/sms/generic?id=w%s-%d&from=%%2B849%s%05d&to=8089&text=Cong+hem+%d+bi+tac+nuoc+tran+len+duong"\noutput = /dev/null\n' \
		    "$2" "$1" "$i" "$1" "$s" "$i"
	done
}

# reports PORT ID...: curl's configuration for a delivery report
# "delivered" of each outbox row ID to the gateway on PORT.
reports() {
	p=$1
	shift
	for id; do
		printf 'url = "http://127.0.0.1:%s/dlr/gen?id=%s&type=1"\noutput = /dev/null\n' \
		    "$p" "$id"
	done
}

# post CONFIG: the requests of CONFIG, P at a time, each answer's status
# on a line (000: none within 10 s).
post() {
	curl -s --no-progress-meter -m 10 --parallel --parallel-max $P -w '%{http_code}\n' \
	    -K "$1"
}

# sent: the rows in state sent, counted.
sent() {
	q "SELECT count(*) FROM outbox WHERE state = 'sent'"
}

# counted SOCKET: the rows sent as papictl status counts them on the
# gateway of SOCKET.
counted() {
	"$PAPICTL" -s "$TRASH/$1" --json status >st.json &&
	jq -r .outbox.sent st.json
}

# settled: no reply queued or being sent.
settled() {
	test "$(q "SELECT count(*) FROM outbox
	    WHERE state IN ('queued', 'sending')")" = 0
}

test_expect_success 'setup: a provider, two gateways on one database' '
	start_fake &&
	conf a.conf a.sock && port_a=$port && start_daemon -c a.conf &&
	conf b.conf b.sock && port_b=$port && start_daemon -c b.conf &&
	messages 1 $port_a >a.cfg && messages 2 $port_b >b.cfg
'

test_expect_success "$N messages to each at once, $P at a time: every answer 2xx" '
	{ post a.cfg >codes.a & } && pa=$! &&
	{ post b.cfg >codes.b & } && pb=$! &&
	wait $pa && wait $pb &&
	sort codes.a codes.b | uniq -c >codes &&
	cat codes &&
	test "$(grep -c "^2" codes.a)" = $N &&
	test "$(grep -c "^2" codes.b)" = $N &&
	test "$(rows inbound)" = $((2 * N))
'

test_expect_success 'each reply sent once, and counted once, on both gateways' '
	wait_for settled 120 &&
	n=$(sent) && test "$n" -gt 0 &&
	test "$(fake_count ".path == \"/cgi-bin/sendsms\"")" = "$n" &&
	test "$(counted a.sock)" = "$n" &&
	test "$(counted b.sock)" = "$n"
'

test_expect_success 'delivery reports to both at once: the counts follow' '
	q "SELECT id FROM outbox WHERE state = '"'sent'"' ORDER BY id
	    LIMIT 60" >ids &&
	test "$(wc -l <ids)" = 60 &&
	reports $port_a $(sed -n "1,30p" ids) >ra.cfg &&
	reports $port_b $(sed -n "31,60p" ids) >rb.cfg &&
	{ post ra.cfg >dcodes.a & } && pa=$! &&
	{ post rb.cfg >dcodes.b & } && pb=$! &&
	wait $pa && wait $pb &&
	test "$(grep -c "^200$" dcodes.a)" = 30 &&
	test "$(grep -c "^200$" dcodes.b)" = 30 &&
	test "$(rows outbox state=delivered)" = 60 &&
	test "$(counted a.sock)" = "$(sent)" &&
	test "$(counted b.sock)" = "$(sent)" &&
	test "$(sent)" = $((n - 60))
'

test_expect_success 'the timers fold the counts into outbox_sent: the same numbers' '
	wait_for "test \$(q \"SELECT count(*) FROM outbox_sent_delta\") = 0" 30 &&
	test "$(q "SELECT sum(n) FROM outbox_sent")" = "$(sent)" &&
	test "$(counted a.sock)" = "$(sent)" &&
	test "$(counted b.sock)" = "$(sent)"
'

test_expect_success 'the audit log both wrote at once: one chain that verifies' '
	"$PAPICTL" -s "$TRASH/a.sock" audit --verify >v &&
	test_grep "^audit log verified: " v &&
	test "$(q "SELECT count(*) FROM audit
	    WHERE action = '"'case.create'"'")" = "$(rows cases)" &&
	m=$(q "SELECT count(*) FROM inbound WHERE case_id IS NOT NULL") &&
	test "$(q "SELECT count(*) FROM audit
	    WHERE action = '"'case.followup'"'")" = $((m - $(rows cases)))
'

test_done
