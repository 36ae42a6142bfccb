#!/bin/sh
test_description='the daemon logs in the language of its locale: Vietnamese under LANG=vi_VN.UTF-8 (generated or not), English in the C locale; what tools read stays English'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

# run_daemon LOG VAR=VALUE...: papigwd -d on c.conf with that
# environment, its lines in LOG; waits for its start line (in whatever
# language: the daemon's answer on /healthz says it serves).
run_daemon() {
	log=$1
	shift
	# One left running by a test that failed half-way.
	if [ -n "${daemon_pid:-}" ] && kill -0 "$daemon_pid" 2>/dev/null; then
		kill "$daemon_pid" && wait "$daemon_pid"
	fi
	: >"$log"
	env "$@" "$PAPIGWD" -d -c c.conf >>"$log" 2>&1 &
	daemon_pid=$!
	daemon_pids="$daemon_pids $daemon_pid"
	wait_for "grep -q '^<5>papigwd ' '$log' || ! kill -0 $daemon_pid" 10 &&
	kill -0 "$daemon_pid" &&
	wait_for "grep -q '^<4>modem gsm: ' '$log'" 10
}

# refused: a Twilio request from an address allow_from does not list.
refused() {
	post /sms/twilio From=+84901000003 Body=x MessageSid=SM1 &&
	test_status 403
}

test_expect_success 'setup: a modem whose device is missing, a Twilio channel for 10/8 only' '
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	write_conf c.conf "channels = ( {
		name = \"gsm\"; type = \"modem\"; device = \"$TRASH/nophone\";
		model = \"dummy\"; connection = \"none\"; poll_interval = 1;
	}, { name = \"tw\"; type = \"twilio\"; allow_from = [ \"10.0.0.0/8\" ]; } );"
'

test_expect_success 'LANG=vi_VN.UTF-8, the locale not installed: start, channel, request, reload, stop in Vietnamese' '
	run_daemon vi.log LOCPATH="$TRASH/none" LANG=vi_VN.UTF-8 &&
	test_grep "^<5>papigwd [0-9.]* đã khởi động (cấu hình c.conf)$" vi.log &&
	test_grep "^<4>modem gsm: không kết nối được với $TRASH/nophone: " vi.log &&
	test_grep "^<6>hộp thư đi: gsm: trình gửi modem$" vi.log &&
	test_grep "^<6>đang nghe trên 127.0.0.1:$port$" vi.log &&
	refused &&
	wait_for "grep -q \"^<4>tw: yêu cầu từ 127.0.0.1, địa chỉ không có trong allow_from: đã từ chối$\" vi.log" &&
	kill -HUP "$daemon_pid" &&
	wait_for "grep -q \"^<5>đã nạp lại cấu hình từ c.conf (nạp lại lần 1)$\" vi.log" &&
	test_grep "^<5>nạp lại lần 1: không có gì thay đổi$" vi.log &&
	stop_daemon && test "$daemon_status" = 0 &&
	test_grep "^<5>papigwd đã dừng$" vi.log &&
	! grep "started\|refused\|connected\|reloaded\|stopped" vi.log
'

test_expect_success 'what tools read stays English: /healthz, /metrics' '
	run_daemon vi2.log LOCPATH="$TRASH/none" LANG=vi_VN.UTF-8 &&
	http /healthz && test_status 503 &&
	test_grep "^channel gsm: modem not running (down: cannot connect to $TRASH/nophone: " body &&
	http /metrics && test_grep "^papigw_modem_up{channel=\"gsm\"} 0$" body &&
	stop_daemon
'

test_expect_success 'the C locale: English, and nothing Vietnamese' '
	run_daemon en.log LANG=C &&
	test_grep "^<5>papigwd [0-9.]* started (configuration c.conf)$" en.log &&
	test_grep "^<4>modem gsm: cannot connect to $TRASH/nophone: " en.log &&
	test_grep "^<6>outbox: gsm: driver modem$" en.log &&
	test_grep "^<6>listening on 127.0.0.1:$port$" en.log &&
	refused &&
	wait_for "grep -q \"^<4>tw: a request from 127.0.0.1, which is not in allow_from: refused$\" en.log" &&
	stop_daemon && test "$daemon_status" = 0 &&
	test_grep "^<5>papigwd stopped$" en.log &&
	! grep "đã\|không\|từ chối" en.log
'

test_expect_success 'LANGUAGE=vi over C.UTF-8: Vietnamese; over C: English, as gettext does' '
	run_daemon lang.log LANG=C.UTF-8 LANGUAGE=vi &&
	test_grep "^<5>papigwd [0-9.]* đã khởi động" lang.log &&
	stop_daemon &&
	run_daemon c.log LANG=C LANGUAGE=vi &&
	test_grep "^<5>papigwd [0-9.]* started" c.log &&
	stop_daemon
'

test_expect_success 'papigwd -n: its warnings and its verdict in the language of the locale' '
	long="categories.security.ack_vi=$(printf "x%.0s" $(seq 170)) {ref}" &&
	env LOCPATH="$TRASH/none" LANG=vi_VN.UTF-8 "$PAPIGWD" -n -c c.conf \
	    -o "$long" >out 2>err &&
	test_grep "^cấu hình hợp lệ$" out &&
	test_grep "^cảnh báo: kênh gsm: tin báo đã nhận của lĩnh vực security (vi) cần tới 2 phần SMS, nhiều hơn reply_parts 1 của kênh" err &&
	env LANG=C "$PAPIGWD" -n -c c.conf -o "$long" >out 2>err &&
	test_grep "^configuration OK$" out &&
	test_grep "^warning: channel gsm: the acknowledgement of security (vi) takes 2 SMS parts, more than its reply_parts 1" err
'

# The locale, generated for the test as t0007 does (the tests never
# touch the system's).
if localedef -i vi_VN -f UTF-8 "$TRASH/loc/vi_VN.UTF-8" 2>/dev/null ||
    { mkdir -p "$TRASH/loc" &&
    localedef -i vi_VN -f UTF-8 "$TRASH/loc/vi_VN.UTF-8" 2>/dev/null; }; then
test_expect_success 'LANG=vi_VN.UTF-8 with the locale generated: Vietnamese' '
	run_daemon loc.log LOCPATH="$TRASH/loc" LANG=vi_VN.UTF-8 &&
	test_grep "^<5>papigwd [0-9.]* đã khởi động (cấu hình c.conf)$" loc.log &&
	test_grep "^<4>modem gsm: không kết nối được với " loc.log &&
	stop_daemon &&
	test_grep "^<5>papigwd đã dừng$" loc.log
'
else
test_skip 'LANG=vi_VN.UTF-8 with the locale generated' 'localedef cannot make vi_VN.UTF-8 (Debian package locales)'
fi

test_done
