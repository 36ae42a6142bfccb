#!/bin/sh
test_description='strict input at the edge: senders, recipients and ids checked before anything is stored; no path hides a NUL'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ussd.sh"

LAMP='Den duong hem 12 bi hong may tuan nay'
DIGITS=$(printf "%05000d" 1)

# refused REASON: the last answer is 400 with REASON, and nothing is in.
refused() {
	test_status 400 && test_body "$1" && test "$(rows inbound)" = "$n0"
}

test_expect_success 'setup: every HTTP provider and USSD' '
	write_conf p.conf "channels = (
	{ name = \"gen\"; type = \"generic\"; number = \"8089\"; },
	{ name = \"at\"; type = \"africastalking\"; base_url = \"http://127.0.0.1:9\"; },
	{ name = \"tw\"; type = \"twilio\"; },
	{ name = \"vo\"; type = \"vonage\"; }
);
${USSD_CONF#*);}" &&
	start_daemon -c p.conf && n0=0
'

test_expect_success 'a phone number in E.164 or national form is taken, answered, stored in E.164' '
	get /sms/generic from=+84901234567 to=8089 text="$LAMP" id=e1 &&
	test_status 202 &&
	post /sms/africastalking from=0901234568 to=8088 text="$LAMP" id=e2 &&
	test_status 200 &&
	test "$(rows outbox recipient=+84901234567)" = 1 &&
	test "$(rows outbox recipient=+84901234568)" = 1 &&
	test "$(rows inbound sender=0901234568)" = 0 &&
	n0=$(rows inbound)
'

test_expect_success 'a sender of 5,000 digits: 400, on every endpoint' '
	get /sms/generic from="$DIGITS" text="$LAMP" id=d1 &&
	refused "from has more than 15 digits (E.164)" &&
	post /sms/africastalking from="+$DIGITS" text="$LAMP" &&
	refused "from has more than 15 digits (E.164)" &&
	post /sms/twilio From="+$DIGITS" Body="$LAMP" MessageSid=SM1 &&
	refused "From has more than 15 digits (E.164)" &&
	get /sms/vonage msisdn="$DIGITS" text="$LAMP" messageId=v1 &&
	refused "msisdn has more than 15 digits (E.164)" &&
	ussd u1 "" "+8490123456789012" &&
	test_status 400 && test_body "phoneNumber has more than 15 digits (E.164)"
'

test_expect_success 'a sender that is not UTF-8, or holds a NUL: 400' '
	http "/sms/generic?from=%2B8490%FF1234&text=x&id=u1" &&
	refused "from is not valid UTF-8" &&
	http "/sms/generic?from=%2B84901234567%00x&text=x&id=u2" &&
	refused "from holds a control character"
'

test_expect_success 'a sender that is neither a number nor a name: 400' '
	get /sms/generic from=-1 text="$LAMP" id=m1 &&
	refused "from is not a phone number, a short code or an alphanumeric sender" &&
	get /sms/generic from=12 text="$LAMP" id=m2 &&
	refused "from has fewer than 3 digits" &&
	get /sms/generic from="NGAN HANG ABC XYZ" text="$LAMP" id=m3 &&
	refused "from is an alphanumeric sender of more than 11 characters"
'

test_expect_success 'an alphanumeric sender or a short code is stored, never answered' '
	get /sms/generic from=VIETTEL to=8089 text="$LAMP" id=a1 &&
	test_status 202 &&
	get /sms/generic from=9029 to=8089 text="$LAMP" id=a2 &&
	test_status 202 &&
	test "$(rows inbound sender=VIETTEL provider_msg_id=a1)" = 1 &&
	test "$(rows inbound sender=9029 provider_msg_id=a2)" = 1 &&
	test "$(rows outbox recipient=VIETTEL)" = 0 &&
	test "$(rows outbox recipient=9029)" = 0 &&
	n0=$(rows inbound)
'

test_expect_success 'a recipient that breaks the rules: 400' '
	get /sms/generic from=+84901234569 to="$DIGITS" text=x id=r1 &&
	refused "to has more than 15 digits (E.164)" &&
	post /sms/twilio From=+84901234569 To="+84 28" Body=x MessageSid=SM2 &&
	refused "To is not a phone number"
'

test_expect_success 'an id that starts with %00 is refused, not stored without its id' '
	http "/sms/generic?from=%2B84901234570&text=x&id=%00abc" &&
	refused "id holds a byte that is not printable ASCII" &&
	post /sms/twilio From=+84901234570 Body=x MessageSid="$(printf "SM\nx")" &&
	refused "MessageSid holds a byte that is not printable ASCII" &&
	get /sms/generic from=+84901234570 text=x id="$(printf "%0129d" 7)" &&
	refused "id is longer than 128 bytes"
'

test_expect_success 'the same for Vonage'"'"'s concat-ref and delivery reports' '
	get /sms/vonage msisdn=84901234571 text=x messageId=v2 concat=true \
	    concat-ref="$(printf "7\n<0>x")" concat-total=2 concat-part=1 &&
	refused "concat-ref holds a byte that is not printable ASCII" &&
	post /dlr/gen id="$(printf "%0200d" 1)" type=1 &&
	test_status 400 && test_body "id is longer than 128 bytes" &&
	http "/dlr/at?id=%00x&status=Success" &&
	test_status 400 && test "$(rows dlr)" = 0
'

test_expect_success '/healthz%00 and other escaped control characters: 404' '
	http /healthz && test_status 200 &&
	http "/healthz%00" && test_status 404 &&
	http "/healthz%00.txt" && test_status 404 &&
	http "/metrics%0a" && test_status 404 &&
	http "/sms/generic%00?from=%2B84901234572&text=x" && test_status 404 &&
	test "$(rows inbound)" = "$n0"
'

test_done
