# bench/lib-peers.sh: the peers that bench/ingest --kannel and bench/e2e
# --kannel run papigwd against, in the same run: Kannel (Debian's kannel
# package: bearerbox and smsbox) with its generic HTTP SMSC, a keyword
# reply and a file store or none, and papigwd itself with replies really
# sent; both take the same GET of /sms/generic?from=&to=&text=&id= and
# send their reply to the same fake provider (tools/fakeprovider), whose
# log counts what was sent.  Sourced by those scripts, after they set
# BUILD, TMP and a stop trap that calls peers_stop.  Its functions keep
# their own variables under the prefix lp_ (sh has no local ones).
#
#	peers_install		installs kannel with apt-get when missing
#				(as root; never from make check)
#	peers_fake		starts the fake provider: $fake, $fake_pid
#	peers_start KIND C	starts papigw, kannel-file or kannel-nostore
#				for C connections: $port, $peer_pid (the
#				process whose CPU is counted: papigwd, or
#				bearerbox with smsbox's added by peers_cpu)
#	peers_cpu		CPU ticks of the peer so far
#	peers_stop		stops the peer
#	peers_sent		replies the fake provider took so far
#
# The acknowledgement is the same text for both: papigwd's for the
# bench's message, a GSM-7 part.  The load comes from one address, where
# a provider's many would: papigwd's limit of connections per address
# (http.max_connections_per_address, 64) is off, as Kannel has none.

ACK_TEXT="UBND Phuong 7, Quan 10 da nhan phan anh PA-000001 (ha tang). Tra loi truoc 11/12/2026. Xin nhan them so nha, hem. CT PA-000001: chi tiet."

peers_install() {
	command -v bearerbox >/dev/null && command -v smsbox >/dev/null &&
	    return 0
	if [ "$(id -u)" != 0 ]; then
		echo "bench: kannel is missing and only root can install it" \
		    "(apt-get install kannel)" >&2
		return 1
	fi
	echo "# installing Debian's kannel (apt-get)..." >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kannel \
	    >"$TMP/apt.log" 2>&1 || {
		apt-get update -qq >>"$TMP/apt.log" 2>&1 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    kannel >>"$TMP/apt.log" 2>&1
	} || { cat "$TMP/apt.log" >&2; return 1; }
	# The package's service is not ours to run.
	if command -v systemctl >/dev/null; then
		systemctl stop kannel 2>/dev/null || true
	fi
}

# wait_port PORT PID: until something answers HTTP on PORT (30 s).
wait_port() {
	lp_i=0
	until curl -s -o /dev/null "http://127.0.0.1:$1/"; do
		lp_i=$((lp_i + 1))
		if [ $lp_i -gt 600 ] || ! kill -0 "$2" 2>/dev/null; then
			return 1
		fi
		sleep 0.05
	done
}

peers_fake() {
	rm -f "$TMP/fake.port"
	: >"$TMP/fake.log"
	"$BUILD/tools/fakeprovider" -p "$TMP/fake.port" -l "$TMP/fake.log" \
	    2>"$TMP/fake.err" &
	fake_pid=$!
	lp_i=0
	until [ -s "$TMP/fake.port" ]; do
		lp_i=$((lp_i + 1))
		[ $lp_i -lt 200 ] || { echo "bench: no fake provider" >&2
		    return 1; }
		sleep 0.05
	done
	fake=$(cat "$TMP/fake.port")
}

# sent: the replies the fake provider took so far.
peers_sent() {
	wc -l <"$TMP/fake.log"
}

papigw_start() {
	rm -f "$TMP"/gw.db*
	port=$("$BUILD/tools/freeport")
	cp "$SRC/conf/categories.conf" "$TMP/"
	cat >"$TMP/papigw.conf" <<EOF
log = { level = "warning"; };
ward = { name = "UBND Phường 7, Quận 10"; hotline = "1022"; };
storage = { path = "$TMP/gw.db"; synchronous = "full"; };
http = { listen = "127.0.0.1:$port"; threads = 4; max_connections = 4096;
    max_connections_per_address = 0; };
control = { socket = "$TMP/control.sock"; };
outbox = { max_inflight = 512; timeout = 30; };
channels = (
	{ name = "gen"; type = "generic"; number = "8089";
	  base_url = "http://127.0.0.1:$fake"; account = "u"; token = "p"; }
);
@include "categories.conf"
EOF
	"$BUILD/papigwd" -d -c "$TMP/papigw.conf" 2>"$TMP/papigw.log" &
	peer_pid=$!
	peer_pids=$peer_pid
	wait_port "$port" "$peer_pid" || {
		echo "bench: papigwd did not start:" >&2
		cat "$TMP/papigw.log" >&2
		return 1
	}
}

# kannel_start STORE: bearerbox and smsbox, with a file store or none.
kannel_start() {
	port=$("$BUILD/tools/freeport")
	admin=$("$BUILD/tools/freeport")
	boxp=$("$BUILD/tools/freeport")
	sendp=$("$BUILD/tools/freeport")
	rm -rf "$TMP/kannel"
	mkdir -p "$TMP/kannel"
	store=""
	[ "$1" = file ] && store="store-type = file
store-location = \"$TMP/kannel/kannel.store\""
	cat >"$TMP/kannel/kannel.conf" <<EOF
group = core
admin-port = $admin
admin-password = bench
status-password = bench
admin-interface = 127.0.0.1
smsbox-port = $boxp
smsbox-interface = 127.0.0.1
log-file = "$TMP/kannel/bearerbox.log"
log-level = 3
dlr-storage = internal
$store

group = smsc
smsc = http
smsc-id = fake
system-type = generic
port = $port
connect-allow-ip = 127.0.0.1
send-url = "http://127.0.0.1:$fake/cgi-bin/sendsms?username=u&password=p&from=%P&to=%p&text=%b"
status-success-regex = "Accepted"
status-permfail-regex = "failed"
status-tempfail-regex = "Temporary"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $boxp
sendsms-port = $sendp
sendsms-interface = 127.0.0.1
log-file = "$TMP/kannel/smsbox.log"
log-level = 3

group = sms-service
keyword = default
text = "$ACK_TEXT"
max-messages = 1
catch-all = true
EOF
	bearerbox "$TMP/kannel/kannel.conf" >"$TMP/kannel/bb.out" 2>&1 &
	peer_pid=$!
	wait_port "$port" "$peer_pid" || {
		echo "bench: bearerbox did not start:" >&2
		tail -20 "$TMP/kannel/bb.out" >&2
		return 1
	}
	smsbox "$TMP/kannel/kannel.conf" >"$TMP/kannel/sb.out" 2>&1 &
	smsbox_pid=$!
	peer_pids="$peer_pid $smsbox_pid"
	# Ready once a message goes round to the fake provider.
	lp_n0=$(peers_sent)
	lp_i=0
	until [ "$(peers_sent)" -gt "$lp_n0" ]; do
		if [ $((lp_i % 40)) = 0 ]; then
			curl -s -o /dev/null "http://127.0.0.1:$port/sms/generic?from=%2B84900000000&to=8089&text=warm+up"
		fi
		lp_i=$((lp_i + 1))
		if [ $lp_i -gt 600 ] || ! kill -0 "$smsbox_pid" 2>/dev/null; then
			echo "bench: kannel did not answer:" >&2
			tail -20 "$TMP/kannel/bb.out" "$TMP/kannel/sb.out" >&2
			return 1
		fi
		sleep 0.05
	done
}

# peers_start KIND: papigw, kannel-file or kannel-nostore.
peers_start() {
	case $1 in
	papigw) papigw_start ;;
	kannel-file) kannel_start file ;;
	kannel-nostore) kannel_start none ;;
	*) echo "bench: no such peer: $1" >&2; return 1 ;;
	esac
}

# CPU ticks (user + system) of the peer's processes, every thread.
peers_cpu() {
	lp_t=0
	for lp_p in $peer_pids; do
		lp_t=$((lp_t + $(awk '{ sub(/.*\) /, ""); print $12 + $13 }' \
		    "/proc/$lp_p/stat")))
	done
	echo $lp_t
}

peers_stop() {
	for lp_p in $peer_pids; do
		kill "$lp_p" 2>/dev/null || true
	done
	for lp_p in $peer_pids; do
		lp_i=0
		while kill -0 "$lp_p" 2>/dev/null && [ $lp_i -lt 100 ]; do
			lp_i=$((lp_i + 1))
			sleep 0.1
		done
		kill -9 "$lp_p" 2>/dev/null || true
		wait "$lp_p" 2>/dev/null || true
	done
	peer_pids=""
}

# thread_ticks PID: "name ticks" for each kind of thread of PID (threads
# of one name added up, MHD-worker and the like), sorted by name.
thread_ticks() {
	for lp_t in /proc/$1/task/*; do
		awk '{ match($0, /\(.*\)/); name = substr($0, RSTART + 1,
		    RLENGTH - 2); sub(/.*\) /, ""); gsub(/ /, "_", name);
		    print name, $12 + $13 }' "$lp_t/stat" 2>/dev/null
	done | awk '{ t[$1] += $2 } END { for (n in t) print n, t[n] }' |
	    sort
}

# thread_report BEFORE AFTER N: microseconds of CPU a message, by
# thread, from two thread_ticks files and N messages.
thread_report() {
	awk -v n="$3" -v hz="$(getconf CLK_TCK)" '
	NR == FNR { a[$1] = $2; next }
	{ d = $2 - a[$1]; tot += d; if (d > 0) v[$1] = d }
	END {
		if (n == 0) exit
		line = ""
		for (k in v)
			line = line sprintf(" %s %.0f", k, v[k] / hz * 1e6 / n)
		printf "  us/msg by thread:%s; all %.0f\n", line,
		    tot / hz * 1e6 / n
	}' "$1" "$2"
}
