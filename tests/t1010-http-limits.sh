#!/bin/sh
test_description='HTTP limits: LimitNOFILE, connections within RLIMIT_NOFILE, one address cannot take them all, a trickle cannot hold one'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

HOLD="$BUILD/tools/hold"

# hv NAME: the value NAME of hold's last output (./held).
hv() {
	awk -v k="$1" '$1 == k { print $2 }' held
}

# ctl ARGS...: papictl as root, an administrator.
ctl() {
	"$PAPICTL" -s "$TRASH/control.sock" "$@"
}

# rejected REASON: papigw_http_rejected_total for REASON.
rejected() {
	metric "papigw_http_rejected_total{reason=\"$1\"}"
}

test_expect_success 'the systemd unit sets LimitNOFILE well above 1024' '
	n=$(sed -n "s/^LimitNOFILE=\([0-9]*\)$/\1/p" \
	    "$SRC_DIR/systemd/papigwd.service.in") &&
	test -n "$n" && test "$n" -ge 8192
'

test_expect_success 'setup: papigwd under a limit of 256 open files' '
	write_conf p.conf "channels = ( { name = \"gen\"; type = \"generic\"; } );" &&
	printf "#!/bin/sh\nulimit -n 256 || exit 1\nexec \"%s\" \"\$@\"\n" \
	    "$BUILD/papigwd" >lowfd && chmod +x lowfd &&
	PAPIGWD=$TRASH/lowfd start_daemon -c p.conf \
	    -o http.max_connections_per_address=0 -o http.request_timeout=60
'

test_expect_success 'the connection limit is derived from it, with a reserve, and logged' '
	line=$(grep "http: at most" daemon.log) &&
	limit=$(echo "$line" | sed -n "s/.*at most \([0-9]*\) connections.*/\1/p") &&
	reserve=$(echo "$line" | sed -n "s/.*RLIMIT_NOFILE 256 less \([0-9]*\) kept.*/\1/p") &&
	test -n "$limit" && test -n "$reserve" &&
	test $((limit + reserve)) = 256 && test "$reserve" -ge 64 &&
	echo "$limit" >limit
'

test_expect_success 'more connections than that wait; papictl still answers' '
	{ "$HOLD" -a 127.0.0.2 -n 300 -t 4 $port >held & } && h=$! &&
	daemon_pids="$daemon_pids $h" &&
	sleep 2 &&
	fds=$(ls /proc/$daemon_pid/fd | wc -l) &&
	echo "# $fds descriptors open, limit $(cat limit) connections" &&
	test "$fds" -le 256 && test "$fds" -gt "$(cat limit)" &&
	ctl status >st && test_grep "^Health" st &&
	wait $h &&
	wait_for "http /healthz && test_status 200" 10 &&
	test "$(metric papigw_http_connections_max)" = "$(cat limit)" &&
	! grep -i "too many open files" daemon.log &&
	test "$(grep -c . daemon.log)" -lt 100
'

test_expect_success 'setup: 4 connections an address, a request within 2 seconds' '
	stop_daemon && : >daemon.log &&
	start_daemon -c p.conf -o http.max_connections_per_address=4 \
	    -o http.request_timeout=2 &&
	test_grep "http: at most [0-9]* connections, 4 per address" daemon.log
'

test_expect_success 'one address gets 4 connections, the rest are closed at once' '
	"$HOLD" -a 127.0.0.2 -n 10 -t 1.5 -p /healthz -e 100 $port >held &&
	test "$(hv idle_opened)" = 10 &&
	test "$(hv idle_open)" = 4 &&
	test "$(hv idle_refused)" = 6 &&
	test "$(hv probes)" -gt 0 && test "$(hv probes_ok)" = "$(hv probes)" &&
	test "$(rejected connection_limit)" -ge 6
'

test_expect_success 'a slowloris connection is cut at the deadline, however it trickles' '
	"$HOLD" -a 127.0.0.3 -s 3 -i 200 -t 4 -p /healthz $port >held &&
	test "$(hv slow_opened)" = 3 && test "$(hv slow_cut)" = 3 &&
	test "$(hv slow_cut_min_ms)" -ge 2000 &&
	test "$(hv slow_cut_max_ms)" -lt 3500 &&
	test "$(hv probes_ok)" = "$(hv probes)" &&
	test "$(rejected deadline)" -ge 3 &&
	test_grep "closed a connection that sent no complete request within 2 seconds" daemon.log
'

test_expect_success 'so is a silent one' '
	"$HOLD" -a 127.0.0.4 -n 2 -t 3 $port >held &&
	test "$(hv idle_cut)" = 2 && test "$(hv idle_cut_min_ms)" -ge 2000
'

test_expect_success 'a slow request that ends within the deadline is answered' '
	text=$(printf "%0900d" 0) &&
	curl -s -o body -w "%{http_code}" --limit-rate 700 \
	    --data-urlencode from=+84901000001 --data-urlencode "text=$text" \
	    "http://127.0.0.1:$port/sms/generic" >status &&
	test_status 202
'

test_done
