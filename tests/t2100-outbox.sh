#!/bin/sh
test_description='outbox: acknowledgements at a fake provider, each provider'"'"'s request, retries, failures, delivery reports, the rate limit'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"

FLOOD='Cống thoát nước hẻm 42 bị tắc, đường ngập nước mỗi khi mưa'
LAMP='Den duong hem 12 bi hong may tuan nay'

# conf: four HTTP channels against the fake provider; tiny backoffs.
# Acknowledgements may take 4 parts (reply_parts), so that they keep their
# diacritics: the providers' Unicode paths are what is tested here.
conf() {
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	write_conf p.conf "outbox = {
	max_attempts = 3; backoff_initial = 1; backoff_max = 1;
	connect_timeout = 1; timeout = 2; shutdown_wait = 1;
};
channels = (
	{ name = \"tw\"; reply_parts = 4; type = \"twilio\"; number = \"+842800000001\";
	  public_url = \"http://127.0.0.1:$port/sms/twilio\";
	  base_url = \"http://127.0.0.1:$fake_port/\";
	  account = \"ACtest\"; token = \"twtoken\"; },
	{ name = \"at\"; reply_parts = 4; type = \"africastalking\"; number = \"8088\";
	  base_url = \"http://127.0.0.1:$fake_port\";
	  account = \"sandbox\"; token = \"atkey\"; },
	{ name = \"vo\"; reply_parts = 4; type = \"vonage\"; number = \"842800000002\";
	  public_url = \"http://127.0.0.1:$port/sms/vonage\";
	  base_url = \"http://127.0.0.1:$fake_port\";
	  account = \"vkey\"; token = \"vsecret\"; },
	{ name = \"gen\"; reply_parts = 4; type = \"generic\"; number = \"8089\"; rate = 5;
	  public_url = \"http://127.0.0.1:$port/sms/generic\";
	  base_url = \"http://127.0.0.1:$fake_port\";
	  account = \"kuser\"; token = \"kpass\"; }
);"
}

# ucs2_segments TEXT: SMS parts of TEXT in UCS-2 (70, then 67 a part).
ucs2_segments() {
	n=$(printf '%s' "$1" | LC_ALL=C.UTF-8 wc -m)
	if [ "$n" -le 70 ]; then echo 1; else echo $(((n + 66) / 67)); fi
}

# row_is RECIPIENT STATE: the outbox row to RECIPIENT is in STATE.
row_is() {
	test "$(rows outbox recipient="$1" state="$2")" = 1
}

# ob COLUMNS RECIPIENT: those columns of the outbox row to RECIPIENT.
ob() {
	q "SELECT $(outbox_columns "$1") FROM outbox WHERE recipient = '$2'"
}

# reqs FIELD VALUE: how many requests had parameter FIELD = VALUE.
reqs() {
	fake_count ".params[\"$1\"] == \"$2\""
}

# modes FIELD VALUE: the fake's modes for those requests, in order.
modes() {
	fake_q "map(select(.params[\"$1\"] == \"$2\") | .mode) | join(\",\")"
}

# first FIELD VALUE: the first such request, as JSON.
first() {
	fake_q "map(select(.params[\"$1\"] == \"$2\"))[0]"
}

# case_ref SENDER: the reference of SENDER's case, "PA-000001".
case_ref() {
	q "SELECT printf('PA-%06d', ref_number) FROM cases WHERE sender = '$1'"
}

# outbound_of RECIPIENT: the number it went from, the provider id and
# whether it says when it was sent, of the outbox row sent to RECIPIENT.
outbound_of() {
	q "SELECT sender, provider_msg_id, CAST(sent IS NOT NULL AS INTEGER) FROM outbox
	    WHERE recipient = '$1' AND state IN ('sent', 'delivered')"
}

# tw_post FROM BODY SID: a signed Twilio webhook.
tw_post() {
	set -- From="$1" To=+842800000001 Body="$2" MessageSid="$3"
	post /sms/twilio "$@" -- -H "X-Twilio-Signature: $(twilio_sig twtoken \
	    "http://127.0.0.1:$port/sms/twilio" "$@")"
}

kannel_sends() {
	fake_count '.path == "/cgi-bin/sendsms"'
}

test_expect_success 'setup: the fake provider and the daemon' '
	start_fake && conf && start_daemon -c p.conf
'

# --- Twilio ----------------------------------------------------------

test_expect_success 'twilio: the acknowledgement reaches the provider' '
	tw_post +84901110001 "$FLOOD" SMin1 && test_status 200 &&
	wait_for "row_is +84901110001 sent" &&
	test "$(reqs To +84901110001)" = 1 &&
	first To +84901110001 >req &&
	test "$(jq -r .method req)" = POST &&
	test "$(jq -r .path req)" = /2010-04-01/Accounts/ACtest/Messages.json &&
	test "$(jq -r .auth req)" = ACtest:twtoken &&
	test "$(jq -r .params.From req)" = +842800000001 &&
	test "$(jq -r .params.StatusCallback req)" = \
	    "http://127.0.0.1:$port/dlr/tw"
'

test_expect_success 'twilio: the text, reference, encoding and segments' '
	text=$(ob text +84901110001) &&
	test "$(jq -r .params.Body req)" = "$text" &&
	ref=$(case_ref +84901110001) && test -n "$ref" &&
	case "$text" in *"$ref"*) ;; *) echo "no $ref in: $text"; false ;; esac &&
	test "$(ob encoding +84901110001)" = ucs2 &&
	test "$(ob segments +84901110001)" = "$(ucs2_segments "$text")"
'

test_expect_success 'twilio: sent: provider id, number and time, attempts' '
	sid=$(jq -r .seq req | xargs printf "SMfake%06d") &&
	test "$(ob "provider_msg_id, attempts, dead" +84901110001)" = "$sid|1|0" &&
	test "$(outbound_of +84901110001)" = "+842800000001|$sid|1"
'

# dlr_post NAME=VALUE...: a status callback to /dlr/tw, signed as Twilio
# signs it, over the callback URL the gateway gave.
dlr_post() {
	post /dlr/tw "$@" -- -H "X-Twilio-Signature: $(twilio_sig twtoken \
	    "http://127.0.0.1:$port/dlr/tw" "$@")"
}

test_expect_success 'twilio: a delivery report marks the row delivered' '
	dlr_post MessageSid="$sid" MessageStatus=sent && test_status 200 &&
	row_is +84901110001 sent &&
	dlr_post MessageSid="$sid" MessageStatus=delivered &&
	test_status 200 && row_is +84901110001 delivered
'

test_expect_success 'twilio: 429 is retried after the backoff' '
	fake_mode 429 1 &&
	tw_post +84901110002 "$LAMP" SMin2 && test_status 200 &&
	wait_for "row_is +84901110002 sent" &&
	test "$(modes To +84901110002)" = 429,ok &&
	test "$(ob attempts +84901110002)" = 2 &&
	ob last_error +84901110002 | grep 20429
'

test_expect_success 'twilio: a permanent error is not retried' '
	fake_mode permanent 1 &&
	tw_post +84901110003 "$LAMP" SMin3 && test_status 200 &&
	wait_for "row_is +84901110003 failed" &&
	test "$(ob "attempts, dead" +84901110003)" = "1|0" &&
	ob last_error +84901110003 | grep 21211 &&
	# Longer than the backoff: a retry would have come by now.
	sleep 2.5 &&
	test "$(reqs To +84901110003)" = 1 &&
	row_is +84901110003 failed
'

test_expect_success 'twilio: a hanging provider times out and is retried' '
	fake_mode hang 1 &&
	tw_post +84901110004 "$LAMP" SMin4 && test_status 200 &&
	wait_for "row_is +84901110004 sent" 15 &&
	test "$(modes To +84901110004)" = hang,ok &&
	test "$(ob attempts +84901110004)" = 2 &&
	ob last_error +84901110004 | grep -i "timed out\|timeout"
'

test_expect_success 'twilio: after max_attempts the row is dead, and counted' '
	fake_mode 500 3 &&
	tw_post +84901110005 "$LAMP" SMin5 && test_status 200 &&
	wait_for "row_is +84901110005 failed" 15 &&
	test "$(ob "attempts, dead" +84901110005)" = "3|1" &&
	test "$(reqs To +84901110005)" = 3 &&
	test "$(metric papigw_outbox_dead)" = 1 &&
	test "$(metric "papigw_outbox_depth{state=\"failed\"}")" = 2
'

# --- Africa's Talking ------------------------------------------------

test_expect_success 'africastalking: the request, then a failure report' '
	post /sms/africastalking from=+84902220001 to=8088 text="$FLOOD" \
	    id=ATin1 && test_status 200 &&
	wait_for "row_is +84902220001 sent" &&
	first to +84902220001 >req &&
	test "$(jq -r "[.method, .path, .apikey, .auth, .params.username,
	    .params.from] | join(\" \")" req)" = \
	    "POST /version1/messaging atkey  sandbox 8088" &&
	test "$(jq -r .params.message req)" = "$(ob text +84902220001)" &&
	atid=$(ob provider_msg_id +84902220001) &&
	case "$atid" in ATXid_fake*) ;; *) false ;; esac &&
	post /dlr/at id="$atid" status=Failed failureReason=UserInBlacklist &&
	test_status 200 &&
	test "$(ob "state, last_error" +84902220001)" = \
	    "failed|delivery report: Failed, error UserInBlacklist"
'

test_expect_success 'africastalking: a permanent recipient status fails the row' '
	fake_mode permanent 1 &&
	post /sms/africastalking from=+84902220002 text="$LAMP" id=ATin2 &&
	wait_for "row_is +84902220002 failed" &&
	test "$(ob "attempts, last_error" +84902220002)" = \
	    "1|statusCode 403: InvalidPhoneNumber"
'

# --- Vonage ----------------------------------------------------------

test_expect_success 'vonage: unicode, no +, client-ref, callback, credentials' '
	get /sms/vonage msisdn=84903330001 to=842800000002 messageId=vin1 \
	    text="$FLOOD" type=unicode && test_status 200 &&
	wait_for "row_is +84903330001 sent" &&
	id=$(ob id +84903330001) &&
	first client-ref "$id" >req &&
	test "$(jq -r "[.path, .params.api_key, .params.api_secret,
	    .params.from, .params.to, .params.type, .params.callback] |
	    join(\" \")" req)" = "/sms/json vkey vsecret 842800000002 84903330001 unicode http://127.0.0.1:$port/dlr/vo" &&
	test "$(jq -r .params.text req)" = "$(ob text +84903330001)" &&
	test "$(ob provider_msg_id +84903330001)" = \
	    "$(jq -r .seq req | xargs printf "VFAKE%08d")"
'

test_expect_success 'vonage: a delivery report (expired) fails the row' '
	vid=$(ob provider_msg_id +84903330001) &&
	get /dlr/vo messageId="$vid" status=expired err-code=5 &&
	test_status 200 &&
	test "$(ob "state, last_error" +84903330001)" = \
	    "failed|delivery report: expired, error 5"
'

test_expect_success 'vonage: 500 then success: retried once' '
	fake_mode 500 1 &&
	get /sms/vonage msisdn=84903330002 to=842800000002 messageId=vin2 \
	    text="$LAMP" && test_status 200 &&
	wait_for "row_is +84903330002 sent" &&
	id=$(ob id +84903330002) &&
	test "$(modes client-ref "$id")" = 500,ok &&
	test "$(ob "attempts, last_error" +84903330002)" = "2|HTTP 500"
'

test_expect_success 'vonage: status 1 (throttled) is retried' '
	fake_mode 429 1 &&
	get /sms/vonage msisdn=84903330003 messageId=vin3 text="$LAMP" &&
	wait_for "row_is +84903330003 sent" &&
	test "$(ob "attempts, last_error" +84903330003)" = \
	    "2|status 1: Throttled"
'

# --- Kannel ----------------------------------------------------------

test_expect_success 'generic: Kannel sendsms with coding=2 and a dlr-url' '
	get /sms/generic from=+84904440001 to=8089 text="$FLOOD" id=gin1 &&
	test_status 202 &&
	wait_for "row_is +84904440001 sent" &&
	id=$(ob id +84904440001) &&
	first to +84904440001 >req &&
	test "$(jq -r "[.method, .path, .params.username, .params.password,
	    .params.from, .params.coding, .params.charset,
	    .params[\"dlr-mask\"], .params[\"dlr-url\"]] | join(\" \")" req)" = \
	    "POST /cgi-bin/sendsms kuser kpass 8089 2 UTF-8 31 http://127.0.0.1:$port/dlr/gen?id=$id&type=%d" &&
	test "$(jq -r .params.text req)" = "$(ob text +84904440001)" &&
	test "$(ob provider_msg_id +84904440001)" = "$id"
'

test_expect_success 'generic: Kannel delivery reports by dlr-mask type' '
	get /dlr/gen id="$id" type=8 && test_status 200 &&
	row_is +84904440001 sent &&
	get /dlr/gen id="$id" type=1 && test_status 200 &&
	row_is +84904440001 delivered &&
	test "$(rows dlr channel=gen provider_msg_id="$id")" = 2
'

test_expect_success 'generic: GSM-7 text goes without coding=2' '
	get /sms/generic from=+84904440002 text="$LAMP" id=gin2 &&
	wait_for "row_is +84904440002 sent" &&
	enc=$(ob encoding +84904440002) &&
	coding=$(first to +84904440002 | jq -r .params.coding) &&
	if [ "$enc" = gsm7 ]; then test "$coding" = null
	else test "$coding" = 2; fi
'

test_expect_success 'generic: send_method = get puts every field in the query' '
	sed "s/type = \\\"generic\\\";/&  send_method = \\\"get\\\";/" p.conf >p2.conf &&
	grep -q "send_method = \\\"get\\\"" p2.conf && mv p2.conf p.conf &&
	kill -HUP "$daemon_pid" &&
	wait_for "grep -q \"changed:.*send_method\" daemon.log" &&
	get /sms/generic from=+84904440003 text="$FLOOD" id=gin3 &&
	test_status 202 &&
	wait_for "row_is +84904440003 sent" &&
	first to +84904440003 >req &&
	test "$(jq -r "[.method, .path, .params.username, .params.coding,
	    .params[\"dlr-mask\"]] | join(\" \")" req)" = \
	    "GET /cgi-bin/sendsms kuser 2 31" &&
	test "$(jq -r .params.text req)" = "$(ob text +84904440003)"
'

test_expect_success 'generic: at most rate (5) messages a second' '
	: >fake.log &&
	for i in 10 11 12 13 14 15 16 17 18 19 20 21; do
		get /sms/generic from=+849044400$i text="$LAMP $i" id=gr$i &&
		test_status 202 || return 1
	done &&
	wait_for "test \$(kannel_sends) = 12" 15 &&
	span=$(fake_q "map(.t) | max - min") &&
	# 12 at 5 a second with a bucket of 5: at least 7 / 5 = 1.4 s.
	awk -v s="$span" "BEGIN { exit !(s >= 1.2 && s < 10) }" &&
	# No second holds more than the bucket and a second of tokens.
	test "$(fake_q "map(.t | floor) | group_by(.) | map(length) | max")" -le 10
'

test_expect_success 'stop: SIGTERM exits 0 with nothing left sending' '
	stop_daemon && test "$daemon_status" -eq 0 &&
	test "$(rows outbox state=sending)" = 0
'

test_done
