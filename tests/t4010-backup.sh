#!/bin/sh
test_description='papictl backup while messages keep arriving, then the restore procedure of papigwd(8): integrity_check, the database put back, the daemon on it'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

LOAD=300	# messages sent during the backups

# load N: N messages to the generic endpoint, one after the other, from
# 50 numbers; the last line of load.out says how many were stored.
load() {
	i=0
	ok=0
	while [ $i -lt "$1" ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' \
		    --data-urlencode "from=+849123460$((i % 50 + 10))" \
		    --data-urlencode "text=Phản ánh số $i: đèn đường hẻm $i hỏng" \
		    -d "id=load$i" "http://127.0.0.1:$port/sms/generic")
		case $code in 2??) ok=$((ok + 1)) ;; esac
		i=$((i + 1))
	done
	echo "$ok" >load.out
}

# db FILE SQL: a query on another database file.
db() {
	sqlite3 -cmd ".timeout 5000" "$1" "$2"
}

test_expect_success 'start, and a few cases' '
	make_officer &&
	ctl_conf p.conf "channels = ( { name = \"gen\"; type = \"generic\";
    base_url = \"http://127.0.0.1:9\"; } );
roles = ( { name = \"officers\"; kind = \"officer\"; users = [ \"$OFFICER\" ]; } );" &&
	start_daemon -c p.conf &&
	inject +84912346001 "Cống hẻm 12 bị tắc" &&
	inject +84912346002 "Trộm xe máy ở chợ"
'

test_requires_sqlite 'papictl backup copies the store file'
test_expect_success 'backups while messages keep arriving: each one consistent' '
	load $LOAD &
	lp=$! &&
	wait_for "test \$(sql \"SELECT count(*) FROM inbound\") -ge 50" 30 &&
	ctl backup b1.db >out &&
	test_grep "^b1.db: [0-9]* bytes, a consistent copy" out &&
	ctl --json backup b2.db >b2.json &&
	test "$(jget b2.json "\$.bytes")" = "$(stat -c %s b2.db)" &&
	wait $lp &&
	test "$(cat load.out)" = $LOAD &&
	for f in b1.db b2.db; do
		test "$(stat -c %a $f)" = 600 || return 1
		test "$(db $f "PRAGMA integrity_check")" = ok || return 1
		test "$(db $f "PRAGMA journal_mode")" = wal || return 1
		# One transaction a message: no case without its message.
		test "$(db $f "SELECT count(*) FROM cases c WHERE NOT EXISTS
		    (SELECT 1 FROM inbound i WHERE i.case_id = c.id)")" = 0 ||
		    return 1
	done &&
	n1=$(db b1.db "SELECT count(*) FROM inbound") &&
	n2=$(db b2.db "SELECT count(*) FROM inbound") &&
	now=$(sql "SELECT count(*) FROM inbound") &&
	echo "# copies of $n1 and $n2 messages; $now at the end" &&
	test "$n1" -ge 50 && test "$n1" -le "$n2" && test "$n2" -le "$now" &&
	test "$now" = $((LOAD + 2))
'

test_requires_sqlite 'papictl backup copies the store file'
test_expect_success 'the copy is in the audit log; a file is not replaced unless --force' '
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'store.backup'"' AND actor = '"'root'"'")" = 2 &&
	test_exit_status 1 ctl backup b1.db 2>err &&
	test_grep "give --force to replace it" err &&
	ctl backup --force b1.db >/dev/null &&
	test "$(db b1.db "SELECT count(*) FROM inbound")" = $((LOAD + 2)) &&
	test_exit_status 2 ctl backup
'

if [ -n "${PAPIGW_TEST_PG:-}" ]; then
test_expect_success 'on PostgreSQL backup is refused, and says what to use' '
	test_exit_status 1 ctl backup b1.db 2>err &&
	test_grep "PostgreSQL: back it up with pg_dump" err &&
	test ! -e b1.db
'
fi

test_expect_success 'an officer may not copy the database' '
	mkdir -m 777 o &&
	test_exit_status 1 as_officer backup o/x.db 2>err &&
	test_grep "backup is for administrators only" err &&
	test ! -e o/x.db
'

# The restore procedure of the README and papigwd(8), step by step.
test_requires_sqlite 'the restore of a store file'
test_expect_success 'restore: check the copy, stop, move the database aside, put the copy in' '
	cp b2.db restore.db &&
	n=$(db restore.db "SELECT count(*) FROM inbound") &&
	test "$(db restore.db "PRAGMA integrity_check")" = ok &&
	stop_daemon && test "$daemon_status" -eq 0 &&
	mv papigw.db papigw.db.old &&
	for x in wal shm; do
		if [ -e papigw.db-$x ]; then mv papigw.db-$x papigw.db.old-$x; fi
	done &&
	mv audit.checkpoints audit.checkpoints.old &&
	install -m 600 restore.db papigw.db &&
	: >daemon.log && start_daemon -c p.conf &&
	ctl --json status >st.json &&
	test "$(sql "SELECT count(*) FROM inbound")" = "$n" &&
	ctl audit --verify >out &&
	test_grep "^audit log verified" out &&
	test "$(sql "PRAGMA integrity_check")" = ok
'

test_requires_sqlite 'the restore of a store file'
test_expect_success 'the restored daemon works on: a new message, a new case' '
	inject +84912346099 "Đèn đường hẻm 99 hỏng sau khi khôi phục" &&
	ctl show "$REF" >out &&
	test_grep "khôi phục" out &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
