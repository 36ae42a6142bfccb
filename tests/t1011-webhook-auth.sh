#!/bin/sh
test_description='generic and Africa'"'"'s Talking endpoints ask for a shared secret; every HTTP channel can be limited to addresses'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"
. "$TESTS_DIR/lib-ussd.sh"

LAMP='Den duong hem 12 bi hong may tuan nay'

# from ADDR CURL-ARGS...: http with the request sent from ADDR.
from() {
	a=$1
	shift
	http "$@" --interface "$a"
}

# ob COLUMNS RECIPIENT: those columns of the outbox row to RECIPIENT.
ob() {
	q "SELECT $(outbox_columns "$1") FROM outbox WHERE recipient = '$2'"
}

test_expect_success 'setup: generic with Basic, Africa'"'"'s Talking with a secret parameter' '
	start_fake &&
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	write_conf p.conf "outbox = { backoff_initial = 1; backoff_max = 1; };
channels = (
	{ name = \"gen\"; type = \"generic\"; number = \"8089\";
	  public_url = \"http://127.0.0.1:$port/sms/generic\";
	  base_url = \"http://127.0.0.1:$fake_port\";
	  account = \"kuser\"; token = \"kpass\";
	  auth = \"basic\"; auth_secret = \"g&s:cret\"; },
	{ name = \"at\"; type = \"africastalking\"; number = \"8088\";
	  auth = \"secret\"; auth_secret_file = \"$TRASH/at.secret\";
	  allow_from = [ \"127.0.0.1\", \"::1\" ]; },
	{ name = \"tw\"; type = \"twilio\"; allow_from = [ \"10.0.0.0/8\" ]; },
	{ name = \"vo\"; type = \"vonage\";
	  allow_from = [ \"192.0.2.0/24\", \"127.0.0.0/31\" ]; }
);
${USSD_CONF#*);}" &&
	printf "at-s3cret\n" >at.secret &&
	start_daemon -c p.conf
'

test_expect_success 'a channel with auth and no secret does not start' '
	test_must_fail papigwd -n -c p.conf -o channels.gen.auth_secret= \
	    >out 2>&1 &&
	test_grep "channel .gen.: auth = \"basic\" needs auth_secret" out
'

test_expect_success 'generic without credentials: 401 with a challenge, nothing stored' '
	get /sms/generic from=+84901000001 text="$LAMP" id=g1 &&
	test_status 401 &&
	grep -i "^WWW-Authenticate: Basic realm=\"papigw\"" headers &&
	test "$(rows inbound)" = 0
'

test_expect_success 'generic with a wrong secret or user: 401' '
	get /sms/generic from=+84901000001 text="$LAMP" id=g1 -- \
	    -u "papigw:g&s:crex" && test_status 401 &&
	get /sms/generic from=+84901000001 text="$LAMP" id=g1 -- \
	    -u "admin:g&s:cret" && test_status 401 &&
	get /sms/generic from=+84901000001 text="$LAMP" id=g1 -- \
	    -H "Authorization: Basic !!!!" && test_status 401 &&
	test "$(rows inbound)" = 0 &&
	test_grep "gen: a request without the channel.s credentials: refused" daemon.log
'

test_expect_success 'generic with the credentials: stored' '
	get /sms/generic from=+84901000001 text="$LAMP" id=g1 -- \
	    -u "papigw:g&s:cret" && test_status 202 &&
	test "$(rows inbound channel=gen provider_msg_id=g1)" = 1
'

test_expect_success 'the dlr-url papigw gives Kannel carries the credentials' '
	wait_for "test \"\$(ob state +84901000001)\" = sent" 10 &&
	id=$(ob id +84901000001) &&
	test "$(fake_q "map(select(.params.to == \"+84901000001\"))[0]
	    .params[\"dlr-url\"]")" = \
	    "http://papigw:g%26s%3Acret@127.0.0.1:$port/dlr/gen?id=$id&type=%d"
'

test_expect_success 'a generic delivery report without them changes nothing' '
	get /dlr/gen id="$id" type=1 && test_status 401 &&
	test "$(ob state +84901000001)" = sent &&
	get /dlr/gen id="$id" type=1 -- -u "papigw:g&s:cret" &&
	test_status 200 && test "$(ob state +84901000001)" = delivered
'

test_expect_success 'Africa'"'"'s Talking: without the secret, or a wrong one, 403' '
	post /sms/africastalking from=+84901000002 text="$LAMP" id=a1 &&
	test_status 403 &&
	post /sms/africastalking from=+84901000002 text="$LAMP" id=a1 \
	    secret=at-s3crex && test_status 403 &&
	post /dlr/at id=x1 status=Success && test_status 403 &&
	test "$(rows inbound channel=at)" = 0 && test "$(rows dlr)" = 1
'

test_expect_success 'Africa'"'"'s Talking with the secret: stored' '
	post /sms/africastalking from=+84901000002 text="$LAMP" id=a1 \
	    secret=at-s3cret && test_status 200 &&
	test "$(rows inbound channel=at provider_msg_id=a1)" = 1 &&
	post /dlr/at id=x1 status=Success secret=at-s3cret &&
	test_status 200 && test "$(rows dlr)" = 2
'

test_expect_success 'USSD of ussd.channel: its secret and its addresses' '
	ussd s1 "" && test_status 403 &&
	post /ussd/africastalking sessionId=s1 serviceCode="*123#" \
	    phoneNumber=+84911000001 text= secret=at-s3cret &&
	test_status 200 && grep -q "^CON " body &&
	post /ussd/africastalking sessionId=s2 serviceCode="*123#" \
	    phoneNumber=+84911000001 text= secret=at-s3cret -- \
	    --interface 127.0.0.2 && test_status 403
'

test_expect_success 'allow_from: other addresses get 403, listed ones pass' '
	post /sms/twilio From=+84901000003 Body=x MessageSid=SM1 &&
	test_status 403 &&
	post /sms/vonage msisdn=84901000004 text=x messageId=v1 to=8 -- \
	    --interface 127.0.0.2 && test_status 403 &&
	post /sms/vonage msisdn=84901000004 text=x messageId=v1 to=842800 &&
	test_status 200 &&
	post /dlr/tw MessageSid=SM1 MessageStatus=delivered &&
	test_status 403 &&
	post /sms/africastalking from=+84901000005 text=x secret=at-s3cret -- \
	    --interface 127.0.0.3 && test_status 403 &&
	test "$(rows inbound channel=tw)" = 0 &&
	test_grep "tw: a request from 127.0.0.1, which is not in allow_from: refused" daemon.log &&
	test "$(metric "papigw_http_rejected_total{reason=\"forbidden\"}")" -ge 10
'

test_expect_success 'a bad network in allow_from is a configuration error' '
	sed "s|\"10.0.0.0/8\"|\"10.0.0.0/33\"|" p.conf >bad.conf &&
	test_must_fail papigwd -n -c bad.conf >out 2>&1 &&
	test_grep "bad.conf:[0-9]*: channel .tw.: allow_from: .10.0.0.0/33. is not an address" out
'

test_done
