#!/bin/sh
test_description='papigwd start, stop, reload and systemd notifications'
. "$(dirname "$0")/lib.sh"

test_expect_success 'starts in the foreground' '
	write_conf p.conf &&
	start_daemon -c p.conf &&
	test_grep "^<5>papigwd .* started" daemon.log
'

test_requires_sqlite 'the store file and its journal mode'
test_expect_success 'the store is created, in WAL mode' '
	test -f papigw.db &&
	test "$(sqlite3 papigw.db "PRAGMA journal_mode")" = wal
'

test_expect_success 'SIGTERM: clean exit 0' '
	stop_daemon TERM && test "$daemon_status" -eq 0 &&
	test_grep "^<5>papigwd stopped" daemon.log
'

test_requires_sqlite 'the store file and its WAL'
test_expect_success 'a closed store: the WAL empty, the file whole' '
	test ! -s papigw.db-wal &&
	test "$(sqlite3 papigw.db "PRAGMA integrity_check")" = ok
'

test_expect_success 'SIGINT: clean exit 0' '
	: >daemon.log && start_daemon -c p.conf &&
	stop_daemon INT && test "$daemon_status" -eq 0 &&
	test_grep "Interrupt received, shutting down" daemon.log
'

test_requires_sqlite 'storage.path, the store file'
test_expect_success '-o storage.path takes effect' '
	: >daemon.log &&
	start_daemon -c p.conf -o storage.path="$TRASH/other.db" &&
	test -f other.db && stop_daemon && test "$daemon_status" -eq 0
'

test_expect_success 'SIGHUP with a good file reloads it' '
	: >daemon.log && start_daemon -c p.conf &&
	sed -i "s/level = \"debug\"/level = \"info\"/" p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded\" daemon.log" &&
	kill -0 $daemon_pid
'

test_expect_success 'SIGHUP with a bad file keeps the old one running' '
	cp p.conf p.good &&
	sed -i "s/^ward = .*/ward = { name = \"P7\"; nam = \"x\"; };/" p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"reload [0-9]* failed\" daemon.log" &&
	test_grep "reload [0-9]* failed, keeping the running configuration: p.conf:2: unknown setting '"'nam'"' (did you mean '"'name'"'?)" daemon.log &&
	kill -0 $daemon_pid &&
	cp p.good p.conf && : >daemon.log && kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded\" daemon.log" &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_expect_success 'a setting that needs a restart is named on reload' '
	: >daemon.log && start_daemon -c p.conf &&
	sed -i "/^storage = /s|path = \"[^\"]*\"|path = \"$TRASH/moved.db\"|" p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded\" daemon.log" &&
	test_grep "reload 1: storage.path changed: the daemon keeps the value it started with until a restart" daemon.log &&
	test ! -f moved.db
'

test_expect_success 'restored before a restart: said as such, not as a change' '
	cp p.good p.conf && kill -HUP $daemon_pid &&
	wait_for "grep -q \"(reload 2)\" daemon.log" &&
	test_grep "reload 2: storage.path is back to the value the daemon runs with" daemon.log &&
	! grep "reload 2: storage.path changed" daemon.log
'

test_expect_success 'the dashboard listener needs a restart too, and is named' '
	cp p.conf p.before &&
	sed -i "s/^control = .*/&\nweb = { listen = \"127.0.0.1:1\"; };/" p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"(reload 3)\" daemon.log" &&
	test_grep "reload 3: web.listen changed: the daemon keeps the value it started with until a restart" daemon.log &&
	cp p.before p.conf && kill -HUP $daemon_pid &&
	wait_for "grep -q \"(reload 4)\" daemon.log" &&
	test_grep "reload 4: web.listen is back to the value the daemon runs with" daemon.log
'

test_expect_success 'a reload says what really changed, and when nothing did' '
	sed -i "s/^control = .*/&\nprivacy = { retention_days = 30; };/" p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"(reload 5)\" daemon.log" &&
	test_grep "reload 5: changed: privacy.retention_days$" daemon.log &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"(reload 6)\" daemon.log" &&
	test_grep "reload 6: nothing changed" daemon.log &&
	cp p.good p.conf &&
	stop_daemon && test "$daemon_status" -eq 0
'

# A store that cannot be opened: a file in a directory that is not there,
# or on PostgreSQL a database that is not there.
if [ -n "${PAPIGW_TEST_PG:-}" ]; then
	no_store="storage.conninfo=dbname=papigw_no_such_db"
	no_store_re="store: .*papigw_no_such_db"
else
	no_store="storage.path=$TRASH/no/such/dir/x.db"
	no_store_re="store: .*no/such/dir/x.db"
fi

test_expect_success 'a store that cannot be opened: exit 1 with the reason' '
	: >daemon.log &&
	test_exit_status 1 "$PAPIGWD" -d -c p.conf -o "$no_store" 2>err &&
	test_grep "$no_store_re" err
'

test_expect_success 'systemd: READY, WATCHDOG and STOPPING notifications' '
	"$BUILD/tools/notifyrecv" "$TRASH/notify.sock" notes 20 &
	nr=$! && daemon_pids="$daemon_pids $nr" &&
	wait_for "test -S \"$TRASH/notify.sock\"" &&
	: >daemon.log &&
	NOTIFY_SOCKET="$TRASH/notify.sock" WATCHDOG_USEC=400000 \
	    start_daemon -c p.conf &&
	wait_for "grep -q READY=1 notes" &&
	wait_for "test \$(grep -c WATCHDOG=1 notes) -ge 3" &&
	stop_daemon && test "$daemon_status" -eq 0 &&
	wait_for "grep -q STOPPING=1 notes" &&
	kill $nr
'

test_expect_success 'systemd: RELOADING then READY around a reload' '
	: >notes &&
	"$BUILD/tools/notifyrecv" "$TRASH/notify2.sock" notes 20 &
	nr=$! && daemon_pids="$daemon_pids $nr" &&
	wait_for "test -S \"$TRASH/notify2.sock\"" &&
	: >daemon.log &&
	NOTIFY_SOCKET="$TRASH/notify2.sock" start_daemon -c p.conf &&
	wait_for "grep -q READY=1 notes" && : >notes &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q READY=1 notes" &&
	test "$(grep -n RELOADING=1 notes | cut -d: -f1)" -lt \
	    "$(grep -n READY=1 notes | cut -d: -f1)" &&
	stop_daemon && kill $nr
'

test_done
