#!/bin/sh
test_description='modem: unreadable SIM entries are skipped, remembered, saved and deleted; a modem that reads nothing is stalled'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"

INJECT="$SRC_DIR/scripts/modem-inject"
PHONE="$TRASH/phone"
LAMP='Đèn đường hẻm 12 bị hỏng mấy tuần nay, tối đi rất nguy hiểm'

# stored SENDER: how many inbound rows came from SENDER on the modem.
stored() {
	rows inbound channel=gsm sender="$1"
}

# modem_conf DELETE_AFTER STALL: m.conf, a modem on the dummy phone that
# deletes an unreadable entry after DELETE_AFTER failed reads (0: never)
# and is stalled after STALL seconds.
modem_conf() {
	HTTP_PORT=${port:-} write_conf m.conf "channels = ( {
		name = \"gsm\"; type = \"modem\"; device = \"$PHONE\";
		model = \"dummy\"; connection = \"none\"; poll_interval = 1;
		send_rate = 0; delete_unreadable_after = $1;
		stall_timeout = $2;
	} );"
}

# hexof FILE: FILE's bytes in upper-case hex, as sqlite3's hex() writes.
hexof() {
	od -An -v -tx1 "$1" | tr -d ' \n' | tr a-f A-F
}

# gsm_metric NAME: papigw_modem_NAME of the channel gsm in /metrics.
gsm_metric() {
	metric "papigw_modem_$1{channel=\"gsm\"}"
}

# ctl ARGS...: papictl as root, an administrator.
ctl() {
	"$PAPICTL" -s "$TRASH/control.sock" "$@"
}

test_expect_success 'setup: 17 unreadable entries in front of 3 messages' '
	mkdir -p "$PHONE" &&
	i=0 && while [ $i -lt 17 ]; do
		"$INJECT" -x "$PHONE" +84901000100 x >>broken || return 1
		i=$((i + 1))
	done &&
	test "$(wc -l <broken)" = 17 &&
	cp "$(head -n 1 broken)" first.bin &&
	"$INJECT" -c 3 "$PHONE" +84901000101 "$LAMP" >good &&
	test "$(wc -l <good)" = 3 &&
	modem_conf 3 60 && start_daemon -c m.conf
'

test_expect_success 'the scan goes past them: the 3 messages are stored' '
	wait_for "test \"\$(stored +84901000101)\" = 3" 20 &&
	for f in $(cat good); do
		wait_for "test ! -e $f" 5 || return 1
	done
'

test_expect_success 'each unreadable entry is logged once, not at every scan' '
	sleep 2 &&
	test "$(grep -c "unreadable message at location" daemon.log)" = 17
'

test_expect_success 'after 3 failed reads each is saved with its content, then deleted' '
	wait_for "test \"\$(rows unreadable channel=gsm)\" = 17" 20 &&
	for f in $(cat broken); do
		wait_for "test ! -e $f" 5 || return 1
	done &&
	test "$(q "SELECT count(*) FROM unreadable WHERE attempts >= 3
	    AND error <> '"''"' AND raw IS NOT NULL")" = 17 &&
	n=$(basename "$(head -n 1 broken)") &&
	test "$(q "SELECT hex(raw) FROM unreadable
	    WHERE location = 10000 + $n")" = "$(hexof first.bin)" &&
	http /metrics &&
	test_grep "^papigw_modem_unreadable_deleted_total{channel=\"gsm\"} 17$" body &&
	test_grep "^papigw_modem_unreadable{channel=\"gsm\"} 0$" body &&
	http /healthz && test_status 200
'

test_expect_success 'entries that are never read: stalled, degraded with the reason' '
	stop_daemon && : >daemon.log &&
	modem_conf 0 2 && start_daemon -c m.conf &&
	"$INJECT" -x "$PHONE" +84901000102 x >stuck &&
	"$INJECT" -x "$PHONE" +84901000102 x >>stuck &&
	wait_for "http /healthz && test_status 503 && grep -q \"; 2 unreadable\" body" 15 &&
	test_grep "^channel gsm: degraded: modem stalled: 2 messages wait on the phone, none stored for [0-9]*s; 2 unreadable, the first at location 1000[0-9]*: [A-Z]" body &&
	http /metrics &&
	test_grep "^papigw_modem_stalled{channel=\"gsm\"} 1$" body &&
	test_grep "^papigw_modem_waiting{channel=\"gsm\"} 2$" body &&
	test_grep "^papigw_modem_unreadable{channel=\"gsm\"} 2$" body
'

test_expect_success 'papictl status says so too' '
	ctl status >st &&
	test_grep "channel gsm: degraded: modem stalled" st &&
	ctl --json status >st.json &&
	test "$(sqlite3 :memory: "SELECT json_extract(readfile('"'st.json'"'),
	    '"'$.channels.gsm.modem.stalled'"')")" = 1
'

test_expect_success 'a message behind them is still read; the entries stay' '
	"$INJECT" "$PHONE" +84901000103 "$LAMP (sau file hỏng)" >/dev/null &&
	wait_for "test \"\$(stored +84901000103)\" = 1" 10 &&
	for f in $(cat stuck); do test -e "$f" || return 1; done
'

test_expect_success 'the entries gone: recovered' '
	rm -f $(cat stuck) &&
	wait_for "test \"\$(gsm_metric unreadable)\" = 0" 15 &&
	test "$(gsm_metric waiting)" = 0 &&
	test "$(gsm_metric stalled)" = 0 &&
	http /healthz && test_status 200 && test_body ok
'

test_done
