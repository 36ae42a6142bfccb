#!/bin/sh
test_description='PostgreSQL: two gateways sending from the same channel claim each reply once'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"

if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

# conf FILE SOCKET: a gateway whose generic channel sends to the fake
# provider.
conf() {
	gateway_conf "$1" "$2" \
	    "outbox = { connect_timeout = 1; timeout = 5; };"
}

# burst PORT PREFIX: 15 messages to the gateway on PORT.
burst() {
	i=10
	while [ $i -lt 25 ]; do
		curl -s -o /dev/null -w "%{http_code}\n" \
		    --data-urlencode "id=$2-$i" \
		    --data-urlencode "from=+8490620$2$i" \
		    --data-urlencode "to=8089" \
		    --data-urlencode "text=Cống hẻm $i bị tắc, nước tràn lên đường" \
		    "http://127.0.0.1:$1/sms/generic"
		i=$((i + 1))
	done
}

test_expect_success 'setup: a slow provider, two gateways on one database' '
	start_fake && fake_mode ok 0 150 &&
	conf a.conf a.sock && port_a=$port && start_daemon -c a.conf &&
	conf b.conf b.sock && port_b=$port && start_daemon -c b.conf
'

test_expect_success '30 messages to both at once: 30 acknowledgements, none sent twice' '
	{ burst $port_a 1 >s1 & } && b1=$! &&
	{ burst $port_b 2 >s2 & } && b2=$! &&
	wait $b1 && wait $b2 &&
	test "$(grep -c "^202$" s1)" = 15 &&
	test "$(grep -c "^202$" s2)" = 15 &&
	wait_for "test \$(rows outbox state=sent) = 30" 60 &&
	test "$(fake_count ".path == \"/cgi-bin/sendsms\"")" = 30 &&
	test "$(fake_q "map(select(.path == \"/cgi-bin/sendsms\") |
	    .params.to) | unique | length")" = 30
'

test_expect_success 'the rows sent by both gateways are counted once each' '
	test "$(q "SELECT (SELECT coalesce(sum(n), 0) FROM outbox_sent) +
	    (SELECT coalesce(sum(n), 0) FROM outbox_sent_delta)")" = 30 &&
	"$PAPICTL" -s "$TRASH/a.sock" --json status >st.json &&
	test "$(jq -r .outbox.sent st.json)" = 30
'

test_done
