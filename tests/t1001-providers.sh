#!/bin/sh
test_description='Africa'"'"'s Talking, Vonage and generic inbound; DLRs, health, metrics'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

SECRET='vonage-signature-secret-42'
FLOOD='Cống thoát nước hẻm 42 bị tắc, đường ngập nước mỗi khi mưa'
LAMP='Đèn đường hẻm 12 bị hỏng mấy tuần nay'
CHANNELS='channels = (
	{ name = "at"; type = "africastalking"; },
	{ name = "gen"; type = "generic"; },
	{ name = "vo"; type = "vonage"; }
);'

# A long message whose second part never comes: assembled with what
# arrived after ingest.concat_timeout (10 s, its minimum), checked last.
test_expect_success 'setup; the parts of an incomplete long message' '
	write_conf p.conf "$CHANNELS" &&
	start_daemon -c p.conf -o ingest.concat_timeout=10 &&
	(
		for n in 1 3; do
			get /sms/vonage msisdn=84905550001 to=8088 \
			    messageId=inc-$n text="phần $n " concat=true \
			    concat-ref=INC concat-total=3 concat-part=$n &&
			    test_status 200 || exit 1
		done
	) &&
	test "$(rows parts ref=INC)" = 2
'

test_expect_success '/healthz: 200 without a modem channel' '
	http /healthz && test_status 200 && test_body ok
'

# --- Africa's Talking ------------------------------------------------

test_expect_success 'africastalking: 200, the message, a case, an ack' '
	post /sms/africastalking from=+84901000001 to=8088 text="$FLOOD" \
	    id=ATXid_in_1 date="2026-11-20 08:00:00" linkId=L1 &&
	test_status 200 && test_body OK &&
	test "$(q "SELECT channel, sender, recipient, text FROM inbound
	    WHERE provider_msg_id = '"'ATXid_in_1'"'")" = \
	    "at|+84901000001|8088|$FLOOD" &&
	test "$(q "SELECT category FROM cases WHERE sender = '"'+84901000001'"'
	    AND channel = '"'at'"'")" = infrastructure &&
	test "$(rows outbox recipient=+84901000001 channel=at)" = 1
'

test_expect_success 'africastalking: the same id again makes nothing new' '
	post /sms/africastalking from=+84901000001 to=8088 text="$FLOOD" \
	    id=ATXid_in_1 && test_status 200 &&
	test "$(rows inbound channel=at)" = 1 &&
	test "$(rows cases channel=at)" = 1 &&
	test "$(rows outbox channel=at)" = 1
'

test_expect_success 'africastalking: missing from or text: 400 with the reason' '
	post /sms/africastalking to=8088 text="$FLOOD" id=ATXid_in_2 &&
	test_status 400 && test_body "missing from" &&
	post /sms/africastalking from=+84901000001 to=8088 id=ATXid_in_3 &&
	test_status 400 && test_body "missing text" &&
	post /sms/africastalking from= text="$FLOOD" id=ATXid_in_4 &&
	test_status 400 && test_body "missing from" &&
	test "$(rows inbound channel=at)" = 1
'

test_expect_success 'africastalking: GET is 405' '
	get /sms/africastalking from=+84901000001 text=x id=ATXid_in_5 &&
	test_status 405 && test "$(rows inbound channel=at)" = 1
'

# --- Generic ---------------------------------------------------------

test_expect_success 'generic: GET with the query: 202' '
	get /sms/generic from=+84902000001 to=8088 text="$LAMP" id=g-1 &&
	test_status 202 && test_body Accepted &&
	test "$(q "SELECT channel, sender, recipient, text FROM inbound
	    WHERE provider_msg_id = '"'g-1'"'")" = \
	    "gen|+84902000001|8088|$LAMP" &&
	test "$(rows cases sender=+84902000001 category=infrastructure)" = 1
'

test_expect_success 'generic: POST with a form: 202' '
	post /sms/generic from=+84902000002 to=8088 text="$FLOOD" id=g-2 &&
	test_status 202 &&
	test "$(rows inbound provider_msg_id=g-2 sender=+84902000002 \
	    text="$FLOOD")" = 1 &&
	test "$(rows outbox recipient=+84902000002)" = 1
'

test_expect_success 'generic: the same id twice is one message' '
	post /sms/generic from=+84902000003 text="$FLOOD" id=g-3 &&
	test_status 202 &&
	post /sms/generic from=+84902000003 text="$FLOOD" id=g-3 &&
	test_status 202 &&
	test "$(rows inbound sender=+84902000003)" = 1 &&
	test "$(rows cases sender=+84902000003)" = 1 &&
	test "$(rows outbox recipient=+84902000003)" = 1
'

test_expect_success 'generic: no id, the same sender and text twice: one message' '
	get /sms/generic from=+84902000004 text="$FLOOD" && test_status 202 &&
	post /sms/generic from=+84902000004 text="$FLOOD" &&
	test_status 202 &&
	test "$(rows inbound sender=+84902000004)" = 1 &&
	test "$(rows cases sender=+84902000004)" = 1 &&
	test "$(rows outbox recipient=+84902000004)" = 1
'

test_expect_success 'generic: no id, another text or sender is another message' '
	post /sms/generic from=+84902000004 text="$LAMP" && test_status 202 &&
	post /sms/generic from=+84902000005 text="$FLOOD" &&
	test_status 202 &&
	test "$(rows inbound sender=+84902000004)" = 2 &&
	test "$(rows inbound sender=+84902000005)" = 1
'

test_expect_success 'generic: missing from or text: 400 with the reason' '
	post /sms/generic text="$FLOOD" id=g-6 &&
	test_status 400 && test_body "missing from" &&
	get /sms/generic from=+84902000006 id=g-7 &&
	test_status 400 && test_body "missing text" &&
	test "$(rows inbound provider_msg_id=g-6)" = 0 &&
	test "$(rows inbound provider_msg_id=g-7)" = 0
'

test_expect_success 'generic: PUT is 405' '
	post /sms/generic from=+84902000008 text=x id=g-8 -- -X PUT &&
	test_status 405 && test "$(rows inbound provider_msg_id=g-8)" = 0
'

# --- Vonage ----------------------------------------------------------

test_expect_success 'vonage: GET with the query: 200' '
	get /sms/vonage msisdn=84903000001 to=8088 messageId=v-1 \
	    text="$FLOOD" type=text keyword=CONG \
	    message-timestamp="2026-11-20 08:00:00" &&
	test_status 200 &&
	test "$(q "SELECT channel, sender, recipient, text, provider_time
	    FROM inbound WHERE provider_msg_id = '"'v-1'"'")" = \
	    "vo|+84903000001|8088|$FLOOD|1795161600" &&
	test "$(rows cases sender=+84903000001 category=infrastructure)" = 1
'

test_expect_success 'vonage: form POST: 200' '
	post /sms/vonage msisdn=84903000002 to=8088 messageId=v-2 \
	    text="$LAMP" type=unicode &&
	test_status 200 &&
	test "$(rows inbound provider_msg_id=v-2 sender=+84903000002 \
	    text="$LAMP" encoding=ucs2)" = 1
'

test_expect_success 'vonage: JSON POST: 200' '
	http /sms/vonage -H "Content-Type: application/json" --data-binary \
	    "{\"msisdn\":\"84903000003\",\"to\":\"8088\",\"messageId\":\"v-3\",
	    \"text\":\"$LAMP\",\"type\":\"unicode\",\"keyword\":\"DEN\"}" &&
	test_status 200 &&
	test "$(rows inbound provider_msg_id=v-3 sender=+84903000003 \
	    text="$LAMP")" = 1 &&
	test "$(rows cases sender=+84903000003)" = 1
'

test_expect_success 'vonage: a retried messageId makes nothing new' '
	post /sms/vonage msisdn=84903000002 to=8088 messageId=v-2 \
	    text="$LAMP" type=unicode &&
	test_status 200 &&
	test "$(rows inbound sender=+84903000002)" = 1 &&
	test "$(rows outbox recipient=+84903000002)" = 1
'

test_expect_success 'vonage: missing messageId, bad JSON, bad parts: 400' '
	post /sms/vonage msisdn=84903000004 text="$LAMP" &&
	test_status 400 && test_body "missing messageId" &&
	post /sms/vonage messageId=v-4 text="$LAMP" &&
	test_status 400 && test_body "missing msisdn" &&
	http /sms/vonage -H "Content-Type: application/json" \
	    --data-binary "{\"msisdn\": \"8490" &&
	test_status 400 && test_body "malformed JSON body" &&
	post /sms/vonage msisdn=84903000004 messageId=v-5 text=x concat=true \
	    concat-ref=B concat-total=2 concat-part=3 &&
	test_status 400 &&
	test_body "bad concat-ref, concat-total or concat-part" &&
	test "$(rows inbound sender=+84903000004)" = 0 &&
	test "$(rows parts sender=84903000004)" = 0
'

# concat_part N TEXT: part N of 3 of the long message with reference R7.
concat_part() {
	post /sms/vonage msisdn=84903000009 to=8088 messageId=vp-$1 \
	    text="$2" concat=true concat-ref=R7 concat-total=3 concat-part=$1
}

test_expect_success 'vonage: parts 3, 1, 2 make one message, in order' '
	concat_part 3 "mỗi khi mưa" && test_status 200 &&
	concat_part 1 "Cống thoát nước hẻm 42 bị tắc, " && test_status 200 &&
	test "$(rows inbound sender=+84903000009)" = 0 &&
	concat_part 2 "đường ngập nước " && test_status 200 &&
	wait_for "test \"\$(rows inbound sender=+84903000009)\" = 1" &&
	test "$(q "SELECT provider_msg_id, text FROM inbound
	    WHERE sender = '"'+84903000009'"'")" = "concat:vp-1|$FLOOD" &&
	test "$(rows cases sender=+84903000009 category=infrastructure)" = 1 &&
	test "$(rows outbox recipient=+84903000009)" = 1 &&
	test "$(q "SELECT count(*) FROM parts WHERE ref = '"'R7'"'
	    AND assembled IS NOT NULL")" = 3
'

test_expect_success 'vonage: a part retried after assembly makes nothing new' '
	concat_part 2 "đường ngập nước " && test_status 200 &&
	concat_part 3 "mỗi khi mưa" && test_status 200 &&
	test "$(rows parts ref=R7)" = 3 &&
	test "$(q "SELECT count(*) FROM parts WHERE assembled IS NULL
	    AND ref = '"'R7'"'")" = 0 &&
	test "$(rows inbound sender=+84903000009)" = 1 &&
	test "$(rows cases sender=+84903000009)" = 1 &&
	test "$(rows outbox recipient=+84903000009)" = 1
'

# --- Delivery reports ------------------------------------------------

test_expect_success '/dlr/<channel>: reports are stored' '
	post /dlr/at id=ATXid_out_1 status=Success phoneNumber=+84901000001 \
	    networkCode=45204 && test_status 200 && test_body OK &&
	post /dlr/vo messageId=0B00000123 status=delivered err-code=0 &&
	test_status 200 &&
	get /dlr/gen id=k-1 status=failed failureReason=Rejected &&
	test_status 200 &&
	test "$(q "SELECT channel, provider_msg_id, status, coalesce(error, '"'-'"')
	    FROM dlr ORDER BY id")" = "at|ATXid_out_1|Success|-
vo|0B00000123|delivered|0
gen|k-1|failed|Rejected"
'

test_expect_success '/dlr: an unknown channel is 404, a report without status 400' '
	post /dlr/nosuch id=x status=Success && test_status 404 &&
	post /dlr/at id=ATXid_out_2 && test_status 400 &&
	test_body "missing message id or status" &&
	test "$(rows dlr)" = 3
'

# --- Metrics ---------------------------------------------------------

test_expect_success '/metrics: a message counts by channel and category' '
	m=papigw_messages_received_total &&
	before=$(metric "$m{channel=\"gen\",category=\"infrastructure\"}") &&
	lat=$(metric papigw_ingest_latency_seconds_count) &&
	bat=$(metric papigw_store_batch_size_count) &&
	dur=$(metric papigw_store_durable_seconds_count) &&
	test "$before" -ge 4 &&
	post /sms/generic from=+84902000010 text="$FLOOD" id=g-10 &&
	test_status 202 &&
	curl -s "http://127.0.0.1:$port/metrics" >metrics &&
	test_grep "^$m{channel=\"gen\",category=\"infrastructure\"} $((before + 1))\$" metrics &&
	test_grep "^$m{channel=\"at\",category=\"infrastructure\"} 1\$" metrics &&
	test_grep "^papigw_ingest_latency_seconds_count $((lat + 1))\$" metrics &&
	test_grep "^papigw_ingest_latency_seconds_bucket{le=\"+Inf\"} $((lat + 1))\$" metrics &&
	test_grep "^papigw_ingest_latency_seconds_bucket{le=\"0.001\"} " metrics &&
	test_grep "^papigw_ingest_latency_seconds_sum [0-9.]*\$" metrics &&
	test "$(awk "/^papigw_store_batch_size_count/ { print \$2 }" metrics)" \
	    -gt "$bat" &&
	test_grep "^papigw_store_batch_size_bucket{le=\"1\"} [1-9]" metrics &&
	# The store part of it: every item until durable.
	test "$(awk "/^papigw_store_durable_seconds_count/ { print \$2 }" \
	    metrics)" -gt "$dur" &&
	test_grep "^papigw_store_durable_seconds_bucket{le=\"0.0005\"} " metrics &&
	test_grep "^papigw_store_durable_seconds_bucket{le=\"+Inf\"} $(awk \
	    "/^papigw_store_durable_seconds_count/ { print \$2 }" metrics)\$" \
	    metrics &&
	test_grep "^papigw_store_durable_seconds_sum [0-9.]*\$" metrics &&
	test_grep "^papigw_outbox_depth{state=\"queued\"} $(rows outbox \
	    state=queued)\$" metrics &&
	test_grep "^papigw_outbox_depth{state=\"failed\"} 0\$" metrics
'

# SQLite's WAL, synced by the store's own thread (synchronous = full).
test_requires_sqlite 'the WAL syncs'
test_expect_success '/metrics: the WAL syncs' '
	test_grep "^papigw_store_sync_seconds_count [1-9]" metrics &&
	test_grep "^papigw_store_sync_seconds_bucket{le=\"+Inf\"} [1-9]" metrics
'

test_expect_success '/metrics: refusals by reason' '
	r=papigw_http_rejected_total &&
	bad=$(metric "$r{reason=\"bad_request\"}") &&
	nf=$(metric "$r{reason=\"not_found\"}") &&
	meth=$(metric "$r{reason=\"method\"}") &&
	test "$bad" -ge 8 &&
	post /sms/generic text=x && test_status 400 &&
	http /nowhere && test_status 404 && test_body "not found" &&
	http /metrics -X POST && test_status 405 &&
	test "$(metric "$r{reason=\"bad_request\"}")" = $((bad + 1)) &&
	test "$(metric "$r{reason=\"not_found\"}")" = $((nf + 1)) &&
	test "$(metric "$r{reason=\"method\"}")" = $((meth + 1))
'

test_expect_success 'unknown paths: 404' '
	http /sms/ && test_status 404 &&
	http /sms/twilio -d From=x && test_status 404 &&
	test_body "no twilio channel" &&
	http /dlr/ -d id=1 && test_status 404
'

# --- The long message that never got its second part ------------------

test_expect_success 'vonage: incomplete parts are stored after concat_timeout' '
	wait_for "test \"\$(rows inbound sender=+84905550001)\" = 1" 20 &&
	test "$(q "SELECT provider_msg_id, text FROM inbound
	    WHERE sender = '"'+84905550001'"'")" = \
	    "concat:inc-1|phần 1  [...] phần 3 " &&
	test "$(rows parts ref=INC)" = 2 &&
	test "$(q "SELECT count(*) FROM parts WHERE ref = '"'INC'"'
	    AND assembled IS NULL")" = 0 &&
	test_grep "long message INC: 2 of 3 parts after the timeout" daemon.log
'

# --- Signed Vonage and a modem channel ---------------------------------

# signed_vonage NAME=VALUE...: a form POST to /sms/vonage with timestamp,
# nonce and a sig over all of them (TS overrides the timestamp).
signed_vonage() {
	ts=${TS:-$(date +%s)}
	set -- "$@" timestamp=$ts nonce=n-$$-$ts
	post /sms/vonage "$@" sig="$(vonage_sig "$SECRET" "$@")"
}

test_expect_success 'setup: a signed vonage channel and a modem channel' '
	stop_daemon && test "$daemon_status" -eq 0 &&
	printf "%s\n" "$SECRET" >secret &&
	write_conf p2.conf "channels = (
	    { name = \"vo\"; type = \"vonage\";
	      signature_secret_file = \"$TRASH/secret\"; },
	    { name = \"gsm\"; type = \"modem\"; device = \"$TRASH/ttyUSB0\"; }
	);" &&
	: >daemon.log && start_daemon -c p2.conf
'

test_expect_success '/healthz: 503 with the reason while the modem is down' '
	http /healthz && test_status 503 &&
	test_grep "^channel gsm: modem not running" body
'

test_expect_success 'vonage: a signed request is taken' '
	signed_vonage msisdn=84904000001 to=8088 messageId=vs-1 \
	    text="a=b&c $FLOOD" type=text \
	    message-timestamp="2026-11-20 08:00:00" &&
	test_status 200 &&
	test "$(rows inbound provider_msg_id=vs-1 text="a=b&c $FLOOD")" = 1
'

test_expect_success 'vonage: a timestamp of -2^63 or 2^63 is stale, not a crash' '
	TS=-9223372036854775808 signed_vonage msisdn=84904000009 \
	    messageId=vs-min text="$LAMP" &&
	test_status 403 &&
	TS=9223372036854775807 signed_vonage msisdn=84904000009 \
	    messageId=vs-max text="$LAMP" &&
	test_status 403 &&
	test "$(rows inbound sender=+84904000009)" = 0 &&
	test_grep "vo: stale timestamp from" daemon.log
'

test_expect_success 'vonage: a forged sig is 403, nothing stored' '
	ts=$(date +%s) &&
	sig=$(vonage_sig other-secret msisdn=84904000001 messageId=vs-2 \
	    text="$LAMP" timestamp=$ts nonce=n2) &&
	post /sms/vonage msisdn=84904000001 messageId=vs-2 text="$LAMP" \
	    timestamp=$ts nonce=n2 sig=$sig &&
	test_status 403 &&
	sig=$(vonage_sig "$SECRET" msisdn=84904000001 messageId=vs-2 \
	    text="$LAMP" timestamp=$ts nonce=n2) &&
	post /sms/vonage msisdn=84904000001 messageId=vs-2 \
	    text="$LAMP (sửa)" timestamp=$ts nonce=n2 sig=$sig &&
	test_status 403 &&
	test "$(rows inbound provider_msg_id=vs-2)" = 0 &&
	test_grep "vo: bad signature from .*: refused" daemon.log
'

test_expect_success 'vonage: a well-signed but stale request is 403' '
	TS=$(($(date +%s) - 3600)) signed_vonage msisdn=84904000001 \
	    messageId=vs-3 text="$LAMP" &&
	test_status 403 &&
	test "$(rows inbound provider_msg_id=vs-3)" = 0 &&
	test_grep "vo: stale timestamp from" daemon.log
'

test_expect_success 'vonage: an unsigned request is 403' '
	post /sms/vonage msisdn=84904000001 messageId=vs-4 text="$LAMP" &&
	test_status 403 && test "$(rows inbound provider_msg_id=vs-4)" = 0
'

test_expect_success 'vonage: a signed JSON request is taken' '
	ts=$(date +%s) &&
	sig=$(vonage_sig "$SECRET" msisdn=84904000002 to=8088 \
	    messageId=vs-5 text="$LAMP" timestamp=$ts nonce=n5) &&
	http /sms/vonage -H "Content-Type: application/json" --data-binary \
	    "{\"msisdn\":\"84904000002\",\"to\":\"8088\",\"messageId\":\"vs-5\",
	    \"text\":\"$LAMP\",\"timestamp\":\"$ts\",\"nonce\":\"n5\",
	    \"sig\":\"$sig\"}" &&
	test_status 200 && test "$(rows inbound provider_msg_id=vs-5)" = 1
'

test_done
