# lib-fake.sh: the fake SMS provider for the outbox tests, sourced after
# lib.sh and lib-http.sh by the t21xx scripts.
#
# start_fake starts $BUILD/tools/fakeprovider on 127.0.0.1 (its port in
# $fake_port, its log of requests, one JSON line each, in $TRASH/fake.log);
# the cleanup trap stops it.  fake_mode tells it how to answer the next
# requests.  Queries of the log use jq.

# start_fake [FAKEPROVIDER-OPTIONS...]
start_fake() {
	rm -f "$TRASH/fake.port"
	"$BUILD/tools/fakeprovider" -p "$TRASH/fake.port" \
	    -l "$TRASH/fake.log" "$@" >>"$TRASH/fake.err" 2>&1 &
	fake_pid=$!
	daemon_pids="$daemon_pids $fake_pid"
	wait_for "test -s '$TRASH/fake.port'" 10 || return 1
	fake_port=$(cat "$TRASH/fake.port")
	: >>"$TRASH/fake.log"
}

# fake_mode MODE [N] [DELAY]: answer the next N requests (0: all) with
# MODE (ok, 500, 429, permanent, hang), each after DELAY milliseconds.
fake_mode() {
	curl -sf "http://127.0.0.1:$fake_port/_control?mode=$1&n=${2:-0}&delay=${3:-0}" \
	    >/dev/null
}

# fake_q JQ-FILTER: runs a jq filter over the requests (slurped as an
# array) and prints the result raw.
fake_q() {
	jq -rs "$1" "$TRASH/fake.log"
}

# fake_count JQ-CONDITION: how many requests match the condition.
fake_count() {
	fake_q "map(select($1)) | length"
}
