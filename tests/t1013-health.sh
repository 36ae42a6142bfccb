#!/bin/sh
test_description='health tells the truth: a store that cannot write or sync, its file gone, a full disk, a provider that fails every send'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-fake.sh"

FLOOD='Cống thoát nước hẻm 42 bị tắc, đường ngập nước mỗi khi mưa'
MNT="$TRASH/mnt"
mounted=0

# ctl ARGS...: papictl as root, an administrator.
ctl() {
	"$PAPICTL" -s "$TRASH/control.sock" "$@"
}

# healthy: /healthz says ok, and so does every health gauge.
healthy() {
	http /healthz && test_status 200 && test_body ok &&
	test "$(metric papigw_healthy)" = 1 &&
	test "$(metric papigw_store_write_ok)" = 1 &&
	test "$(metric papigw_store_wal_sync_ok)" = 1 &&
	test "$(metric papigw_store_file_ok)" = 1
}

# degraded PATTERN: /healthz answers 503 with a line matching PATTERN.
degraded() {
	http /healthz && test_status 503 && grep -q -- "$1" body
}

# until_503 PREFIX: sends messages (ids PREFIX-N) until one is answered
# 503; at most 200.
until_503() {
	i=0
	while [ $i -lt 200 ]; do
		i=$((i + 1))
		post /sms/generic from=+84901000001 id="$1-$i" \
		    text="$FLOOD $(printf "%0900d" $i)" || return 1
		[ "$(cat status)" = 503 ] && return 0
	done
	echo "no 503 after 200 messages" >&2
	return 1
}

health_cleanup() {
	if [ "$mounted" = 1 ]; then
		[ -z "${daemon_pid:-}" ] || kill -9 "$daemon_pid" 2>/dev/null
		sleep 0.2
		umount "$MNT" 2>/dev/null
	fi
}
trap 'health_cleanup; cleanup' EXIT

test_expect_success 'setup: a daemon with fault hooks, a provider that will fail' '
	start_fake &&
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	write_conf p.conf "outbox = { backoff_initial = 1; backoff_max = 1;
	max_attempts = 20; connect_timeout = 1; timeout = 2;
	degraded_after = 3; };
channels = (
	{ name = \"gen\"; type = \"generic\"; },
	{ name = \"at\"; type = \"africastalking\"; number = \"8088\";
	  base_url = \"http://127.0.0.1:$fake_port\";
	  account = \"sandbox\"; token = \"atkey\"; }
);" &&
	PAPIGW_STORE_TEST_FULL="$TRASH/full" \
	LD_PRELOAD="$BUILD/tools/failsync.so" FAILSYNC_FLAG="$TRASH/nosync" \
	FAILWRITE_FLAG="$TRASH/rofs" \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" &&
	export PAPIGW_STORE_TEST_FULL LD_PRELOAD FAILSYNC_FLAG FAILWRITE_FLAG \
	    ASAN_OPTIONS &&
	PAPIGWD=$PAPIGWD_HOOKS start_daemon -c p.conf &&
	unset LD_PRELOAD PAPIGW_STORE_TEST_FULL &&
	post /sms/generic from=+84901000001 id=first text="$FLOOD" &&
	test_status 202 && healthy
'

test_requires_sqlite 'a full disk under the store file'
test_expect_success 'a full disk: writes fail, degraded with the reason' '
	touch full && until_503 full &&
	degraded "^store: degraded: writes fail (for [0-9]*s): .*full" &&
	test "$(metric papigw_store_write_ok)" = 0 &&
	test "$(metric papigw_healthy)" = 0 &&
	ctl status >st && test_grep "store: degraded: writes fail" st
'

test_requires_sqlite 'a full disk under the store file'
test_expect_success 'room again: recovered without a message (the probe)' '
	rm full &&
	wait_for healthy 30 &&
	test_grep "store: writes succeed again" daemon.log
'

test_requires_sqlite 'writes to the store file refused'
test_expect_success 'writes refused (a file system gone read-only): degraded, then recovered' '
	touch rofs &&
	post /sms/generic from=+84901000003 id=ro-1 text="$FLOOD" &&
	test_status 503 &&
	degraded "^store: degraded: writes fail (for [0-9]*s): .*I/O error" &&
	rm rofs &&
	wait_for healthy 30 &&
	post /sms/generic from=+84901000003 id=ro-2 text="$FLOOD" &&
	test_status 202
'

test_requires_sqlite 'fdatasync() of the WAL made to fail'
test_expect_success 'the WAL cannot be synced: degraded; synced again: recovered' '
	touch nosync &&
	post /sms/generic from=+84901000002 id=sync-1 text="$FLOOD" &&
	test_status 503 &&
	degraded "^store: degraded: the WAL cannot be synced (for [0-9]*s): .*fdatasync: Input/output error" &&
	test "$(metric papigw_store_wal_sync_ok)" = 0 &&
	rm nosync &&
	wait_for healthy 30 &&
	test_grep "store: the WAL syncs again" daemon.log
'

test_requires_sqlite 'the store file'
test_expect_success 'the database file deleted: degraded; back: recovered' '
	mv papigw.db away.db &&
	degraded "^store: degraded: the database file .*papigw.db is gone" &&
	test "$(metric papigw_store_file_ok)" = 0 &&
	mv away.db papigw.db &&
	healthy
'

test_expect_success 'a provider that fails every send: degraded; then recovered' '
	fake_mode 500 &&
	i=0 && while [ $i -lt 5 ]; do
		i=$((i + 1))
		post /sms/africastalking from=+8490200000$i text="$FLOOD" \
		    id=at-$i && test_status 200 || return 1
	done &&
	wait_for "degraded \"^channel at: degraded: the last [0-9]* sends failed (for [0-9]*s): \"" 20 &&
	test_grep "outbox: at: the last 3 sends failed; degraded until one works" daemon.log &&
	test "$(metric "papigw_outbox_failing{channel=\"at\"}")" = 1 &&
	ctl status >st && test_grep "channel at: degraded: the last" st &&
	fake_mode ok &&
	wait_for healthy 20 &&
	test "$(metric "papigw_outbox_failing{channel=\"at\"}")" = 0
'

if [ -n "${PAPIGW_TEST_PG:-}" ]; then
	test_sqlite_only 'a full file system' 'the file system of the store file'
elif mkdir -p "$MNT" && mount -t tmpfs -o size=4m tmpfs "$MNT" 2>/dev/null
then
	mounted=1
	test_expect_success 'setup: a store on a small file system of its own' '
		stop_daemon && : >daemon.log &&
		start_daemon -c p.conf -o storage.path="$MNT/papigw.db" &&
		healthy
	'

	test_expect_success 'that file system full: degraded at once, with the reason' '
		{ dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null; true; } &&
		degraded "^store: degraded: no space left on the file system of .*papigw.db" &&
		test "$(metric papigw_store_file_ok)" = 0
	'

	test_expect_success 'space again: recovered' '
		rm "$MNT/filler" &&
		wait_for healthy 30 &&
		post /sms/generic from=+84901000004 id=fs-1 text="$FLOOD" &&
		test_status 202
	'
else
	test_skip 'a full file system' 'cannot mount a tmpfs here'
fi

test_done
