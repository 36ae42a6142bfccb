#!/bin/sh
test_description='POST /sms/twilio: signed webhooks, TwiML, dedupe, bad requests'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

TOKEN='tw-auth-token-0123456789abcdef'
PUBLIC_URL='https://gw.example.org/sms/twilio'
TWIML='<?xml version="1.0" encoding="UTF-8"?><Response/>'
FLOOD='Body=Cống thoát nước hẻm 42 bị tắc, đường ngập nước mỗi khi mưa'
LAMP='Body=Đèn đường hẻm 12 bị hỏng mấy tuần nay'

# tw SIG NAME=VALUE...: a form POST to /sms/twilio with the signature SIG
# (no X-Twilio-Signature when SIG is empty).
tw() {
	sig=$1
	shift
	if [ -n "$sig" ]; then
		post /sms/twilio "$@" -- -H "X-Twilio-Signature: $sig"
	else
		post /sms/twilio "$@"
	fi
}

# signed NAME=VALUE...: tw with the right signature.
signed() {
	tw "$(twilio_sig "$TOKEN" "$PUBLIC_URL" "$@")" "$@"
}

test_expect_success 'setup: a twilio channel with a token and a public URL' '
	printf "%s\n" "$TOKEN" >token &&
	write_conf p.conf "channels = ( { name = \"tw\"; type = \"twilio\";
	    token_file = \"$TRASH/token\"; public_url = \"$PUBLIC_URL\"; } );" &&
	start_daemon -c p.conf
'

test_expect_success 'a signed message: 200 TwiML, a case, an acknowledgement' '
	signed MessageSid=SM0001 "$FLOOD" From=+84901234567 \
	    To=+842838000000 AccountSid=AC123 NumMedia=0 SmsStatus=received &&
	test_status 200 && test_body "$TWIML" &&
	grep -qi "^Content-Type: text/xml" headers &&
	test "$(q "SELECT channel, provider_msg_id, sender, recipient, text
	    FROM inbound")" = \
	    "tw|SM0001|+84901234567|+842838000000|${FLOOD#Body=}" &&
	test "$(q "SELECT c.id, c.ref_number, c.category, c.state, c.channel
	    FROM cases c JOIN inbound i ON i.case_id = c.id")" = \
	    "1|1|infrastructure|received|tw" &&
	test "$(rows outbox case_id=1 recipient=+84901234567 channel=tw \
	    state=queued)" = 1 &&
	q "SELECT $OUTBOX_TEXT FROM outbox WHERE case_id = 1" |
	    grep -q "nhan phan anh PA-000001"
'

test_expect_success 'a forged signature: 403 and nothing stored' '
	forged=$(twilio_sig "$TOKEN" "$PUBLIC_URL" MessageSid=SM0002 Body=x \
	    From=+84901234567) &&
	tw "$forged" MessageSid=SM0002 "$FLOOD" From=+84901234567 &&
	test_status 403 && test_body forbidden &&
	test "$(rows inbound)" = 1 && test "$(rows cases)" = 1 &&
	test "$(rows outbox)" = 1 &&
	test_grep "tw: bad X-Twilio-Signature from .*: refused" daemon.log
'

test_expect_success 'the refusal is logged with the sender masked' '
	grep "bad X-Twilio-Signature" daemon.log >refusal &&
	! grep -q 84901234567 refusal
'

test_expect_success 'a signature made with another token: 403' '
	sig=$(twilio_sig wrong-token "$PUBLIC_URL" MessageSid=SM0003 \
	    "$FLOOD" From=+84901234567) &&
	tw "$sig" MessageSid=SM0003 "$FLOOD" From=+84901234567 &&
	test_status 403 && test "$(rows inbound)" = 1
'

test_expect_success 'no signature: 403 and nothing stored' '
	tw "" MessageSid=SM0004 "$FLOOD" From=+84901234567 &&
	test_status 403 &&
	test_grep "tw: missing X-Twilio-Signature" daemon.log &&
	test "$(rows inbound)" = 1
'

test_expect_success 'signed over the URL with the default port: accepted' '
	url=https://gw.example.org:443/sms/twilio &&
	tw "$(twilio_sig "$TOKEN" "$url" MessageSid=SM0005 "$FLOOD" \
	    From=+84907777777)" MessageSid=SM0005 "$FLOOD" From=+84907777777 &&
	test_status 200 && test "$(rows inbound provider_msg_id=SM0005)" = 1
'

test_expect_success 'signed over the URL with another port: 403' '
	url=https://gw.example.org:8443/sms/twilio &&
	tw "$(twilio_sig "$TOKEN" "$url" MessageSid=SM0006 "$FLOOD" \
	    From=+84907777777)" MessageSid=SM0006 "$FLOOD" From=+84907777777 &&
	test_status 403 && test "$(rows inbound provider_msg_id=SM0006)" = 0
'

test_expect_success 'a parameter changed after signing: 403' '
	sig=$(twilio_sig "$TOKEN" "$PUBLIC_URL" MessageSid=SM0007 "$FLOOD" \
	    From=+84907777777) &&
	tw "$sig" MessageSid=SM0007 "$FLOOD" From=+84908888888 &&
	test_status 403 && test "$(rows inbound provider_msg_id=SM0007)" = 0
'

test_expect_success 'the query string cannot stand in for the signed body' '
	sig=$(twilio_sig "$TOKEN" "$PUBLIC_URL" MessageSid=SM0020 "$LAMP" \
	    From=+84901234567) &&
	http "/sms/twilio?MessageSid=SMx&From=%2B84999888777&Body=forged" \
	    --data-urlencode MessageSid=SM0020 --data-urlencode "$LAMP" \
	    --data-urlencode From=+84901234567 \
	    -H "X-Twilio-Signature: $sig" &&
	test_status 400 && test_grep "given twice" body &&
	test "$(rows inbound sender=+84999888777)" = 0 &&
	test "$(rows outbox recipient=+84999888777)" = 0 &&
	test "$(rows inbound provider_msg_id=SMx)" = 0
'

test_expect_success 'a parameter only in the query is not read' '
	sig=$(twilio_sig "$TOKEN" "$PUBLIC_URL" MessageSid=SM0021 "$LAMP" \
	    From=+84901234567) &&
	http "/sms/twilio?To=%2B84999888777" \
	    --data-urlencode MessageSid=SM0021 --data-urlencode "$LAMP" \
	    --data-urlencode From=+84901234567 \
	    -H "X-Twilio-Signature: $sig" &&
	test_status 200 &&
	test "$(rows inbound provider_msg_id=SM0021)" = 1 &&
	test "$(q "SELECT CAST(recipient IS NULL AS INTEGER) FROM inbound
	    WHERE provider_msg_id = '"'SM0021'"'")" = 1
'

test_expect_success 'the same MessageSid twice: one message, one case, one ack' '
	signed MessageSid=SM0008 "$LAMP" From=+84903333333 To=+842838000000 &&
	test_status 200 &&
	signed MessageSid=SM0008 "$LAMP" From=+84903333333 To=+842838000000 &&
	test_status 200 && test_body "$TWIML" &&
	test "$(rows inbound provider_msg_id=SM0008)" = 1 &&
	test "$(rows cases sender=+84903333333)" = 1 &&
	test "$(rows outbox recipient=+84903333333)" = 1
'

test_expect_success 'a retry naming the message SmsSid only is the same message' '
	signed SmsSid=SM0008 "$LAMP" From=+84903333333 &&
	test_status 200 &&
	test "$(rows inbound sender=+84903333333)" = 1 &&
	test "$(rows outbox recipient=+84903333333)" = 1
'

test_requires_sqlite 'inbound.pid_key, SQLite'"'"'s alone'
test_expect_success 'the provider id kept by its key (schema 34), the same message as before' '
	test "$(q "SELECT count(*) FROM inbound WHERE provider_msg_id = '"'SM0008'"'
	    AND pid_key IS NOT NULL")" = 1 &&
	test "$(q "SELECT count(*) FROM inbound WHERE pid_key IS NULL")" = 0
'

test_requires_sqlite 'a row with no key, as stored before schema 34'
test_expect_success 'a message stored with no key is the same message all the same' '
	q "UPDATE inbound SET pid_key = NULL WHERE provider_msg_id = '"'SM0008'"'" &&
	signed MessageSid=SM0008 "$LAMP" From=+84903333333 To=+842838000000 &&
	test_status 200 &&
	test "$(rows inbound provider_msg_id=SM0008)" = 1 &&
	test "$(rows outbox recipient=+84903333333)" = 1
'

test_expect_success 'missing From: 400 with the reason, nothing stored' '
	signed MessageSid=SM0009 "$FLOOD" &&
	test_status 400 && test_body "missing From" &&
	test "$(rows inbound provider_msg_id=SM0009)" = 0
'

test_expect_success 'missing Body: 400 with the reason, nothing stored' '
	signed MessageSid=SM0010 From=+84901234567 &&
	test_status 400 && test_body "missing Body" &&
	test "$(rows inbound provider_msg_id=SM0010)" = 0
'

test_expect_success 'GET: 405 with an Allow header, nothing stored' '
	get /sms/twilio MessageSid=SM0011 From=+84901234567 "$FLOOD" &&
	test_status 405 && grep -qi "^Allow: .*POST" headers &&
	test "$(rows inbound provider_msg_id=SM0011)" = 0
'

test_expect_success 'refusals are counted by reason in /metrics' '
	test "$(metric "papigw_http_rejected_total{reason=\"forbidden\"}")" \
	    = 5 &&
	test "$(metric \
	    "papigw_http_rejected_total{reason=\"bad_request\"}")" = 3 &&
	test "$(metric "papigw_http_rejected_total{reason=\"method\"}")" = 1
'

test_expect_success 'without a token, unsigned requests are taken' '
	stop_daemon && test "$daemon_status" -eq 0 &&
	write_conf p2.conf "channels = ( { name = \"tw\"; type = \"twilio\";
	    public_url = \"$PUBLIC_URL\"; } );" &&
	: >daemon.log && start_daemon -c p2.conf &&
	tw "" MessageSid=SM0012 "$FLOOD" From=+84905555555 &&
	test_status 200 && test_body "$TWIML" &&
	test "$(rows inbound provider_msg_id=SM0012)" = 1 &&
	test "$(rows outbox recipient=+84905555555)" = 1
'

test_expect_success 'status callbacks: signed over the callback URL, forged 403' '
	stop_daemon && : >daemon.log && start_daemon -c p.conf &&
	port=$(sed -n "s/.*127.0.0.1:\([0-9]*\).*/\1/p" p.conf) &&
	dlr_url=https://gw.example.org/dlr/tw &&
	sig=$(twilio_sig "$TOKEN" "$dlr_url" MessageSid=SMd1 \
	    MessageStatus=delivered) &&
	post /dlr/tw MessageSid=SMd1 MessageStatus=delivered -- \
	    -H "X-Twilio-Signature: $sig" &&
	test_status 200 &&
	test "$(rows dlr provider_msg_id=SMd1 status=delivered)" = 1 &&
	post /dlr/tw MessageSid=SMd2 MessageStatus=failed -- \
	    -H "X-Twilio-Signature: $sig" &&
	test_status 403 &&
	post /dlr/tw MessageSid=SMd3 MessageStatus=failed &&
	test_status 403 &&
	test "$(rows dlr provider_msg_id=SMd2)" = 0 &&
	test "$(rows dlr provider_msg_id=SMd3)" = 0
'

test_expect_success 'status callbacks: the query string cannot change the report' '
	sig=$(twilio_sig "$TOKEN" "$dlr_url" MessageSid=SMd4 \
	    MessageStatus=delivered) &&
	http "/dlr/tw?MessageSid=SMforged&MessageStatus=failed" \
	    --data-urlencode MessageSid=SMd4 \
	    --data-urlencode MessageStatus=delivered \
	    -H "X-Twilio-Signature: $sig" &&
	test_status 400 &&
	http "/dlr/tw?ErrorCode=30008" --data-urlencode MessageSid=SMd5 \
	    --data-urlencode MessageStatus=delivered -H "X-Twilio-Signature: $(
	    twilio_sig "$TOKEN" "$dlr_url" MessageSid=SMd5 \
	    MessageStatus=delivered)" &&
	test_status 200 &&
	test "$(rows dlr provider_msg_id=SMforged)" = 0 &&
	test "$(q "SELECT CAST(error IS NULL AS INTEGER) FROM dlr
	    WHERE provider_msg_id = '"'SMd5'"'")" = 1
'

test_done
