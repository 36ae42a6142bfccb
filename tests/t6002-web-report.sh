#!/bin/sh
test_description='dashboard reports: the periods of the district kept for good, the same figures as papictl report for a running and an ended period, made again at the cut-off, then never'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-web.sh"
. "$TESTS_DIR/lib-history.sh"

# Periods and cut-offs are local: the ward's time zone, for the daemon
# and the seeds.
TZ=Asia/Ho_Chi_Minh
export TZ

U="http://127.0.0.1"

# seed REF CATEGORY CREATED DEADLINE: a case as ingest makes it, with its
# first message and its "received" event.
seed() {
	sql "INSERT INTO cases (ref_number, category, state, sender, channel,
	    deadline, created, updated) VALUES ($1, '$2', 'received',
	    '+8491000001$1', 'inject', $(t "$4"), $(t "$3"), $(t "$3"));
	    INSERT INTO inbound (case_id, channel, sender, text, received,
	    created) VALUES (last_insert_rowid(), 'inject', '+8491000001$1',
	    'phản ánh số $1', $(t "$3"), $(t "$3"));
	    INSERT INTO case_events (case_id, at, actor, from_state, to_state)
	    SELECT id, created, 'papigwd', NULL, 'received' FROM cases
	    WHERE ref_number = $1"
}

# flat FILE: a JSON report as sorted "path value" lines, without the
# moment it was made.
flat() {
	sqlite3 :memory: "SELECT fullkey, quote(atom) FROM
	    json_tree(readfile('$1')) WHERE type NOT IN ('object', 'array')
	    AND fullkey <> '\$.generated' ORDER BY fullkey"
}

# same DASHBOARD PAPICTL: the two reports give the same figures.
same() {
	flat "$1" >"$1.flat" && flat "$2" >"$2.flat" &&
	test -s "$1.flat" && diff -u "$2.flat" "$1.flat"
}

# ended JAR OUT: the dashboard's report of 2026Q1 is final.
ended() {
	wget_page "$1" "/report.json?period=2026Q1" "$2" &&
	test "$(jget "$2" "\$.provisional")" = 0
}

# off_ctl ARGS...: papictl as the dashboard's officer.
off_ctl() {
	setpriv --reuid="$WOFF" --regid="$(id -g "$WOFF")" \
	    --init-groups "$PAPICTL" -s "$TRASH/control.sock" "$@"
}

test_expect_success 'setup: the first quarter of 2026 in the store, 31 March' '
	web_pam && web_users &&
	web_conf p.conf "deadlines = { check_interval = 86400; };" &&
	chmod 644 p.conf &&
	clock "2026-03-31 09:00" &&
	PAPIGWD=$PAPIGWD_HOOKS PAPIGW_TEST_CLOCK="$TRASH/clock" \
	    start_daemon -c p.conf &&
	stop_daemon &&
	seed 1 security "2026-01-10 09:00" "2026-01-15 23:59:59" &&
	event 1 in_progress "2026-01-11 09:00" &&
	event 1 resolved "2026-01-12 09:00" &&
	event 1 confirmed "2026-01-13 09:00" &&
	sql "UPDATE cases SET satisfaction = 5, satisfaction_at = $(t "2026-01-13 09:00") WHERE ref_number = 1" &&
	seed 2 infrastructure "2026-03-20 09:00" "2026-03-27 23:59:59" &&
	event 2 in_progress "2026-03-30 09:00" &&
	seed 3 corruption "2026-03-25 09:00" "2026-04-01 23:59:59" &&
	event 3 in_progress "2026-03-26 09:00" &&
	event 3 resolved "2026-03-27 09:00" &&
	seed 4 general "2026-03-28 09:00" "2026-04-04 23:59:59" &&
	case_ref_set 4 &&
	PAPIGWD=$PAPIGWD_HOOKS PAPIGW_TEST_CLOCK="$TRASH/clock" \
	    start_daemon -c p.conf &&
	wait_for "tail -c +$log_from daemon.log |
	    grep -q \"web: the reports kept for good made\"" 30 &&
	web_login "$WINS" ins.jar && web_login "$WOFF" off.jar
'

test_expect_success 'the report page offers the periods of the district and the last quarters' '
	wget_page ins.jar /report rp && test "$WSTATUS" = 200 &&
	for p in 2025Q1 2025H1 2025M9 2025Y 2026Q1 2026H1 2026M9 2026Y; do
		test_grep "href=\"/report?period=$p\"" rp || return 1
	done &&
	for q in 2025Q2 2025Q3 2025Q4 2026Q1; do
		test_grep "href=\"/report?quarter=$q\"" rp || return 1
	done &&
	! grep -q "period=2024Y" rp &&
	wget_page ins.jar "/report?period=2026Q1" rq && test "$WSTATUS" = 200 &&
	test_grep "id=\"f-period\" value=\"2026Q1\"" rq
'

test_expect_success 'a running period: the figures of papictl report, for the inspector and the officer' '
	wget_page ins.jar "/report.json?period=2026Q1" q1.ins &&
	test "$WSTATUS" = 200 &&
	test "$(jget q1.ins "\$.provisional")" = 1 &&
	test "$(jget q1.ins "\$.period.id")" = 2026Q1 &&
	test "$(jget q1.ins "\$.total.cases")" = 4 &&
	ctl --json report --period 2026Q1 >q1.ctl &&
	same q1.ins q1.ctl &&
	wget_page off.jar "/report.json?period=2026Q1" q1.off &&
	test "$WSTATUS" = 200 &&
	test "$(jget q1.off "\$.total.cases")" = 3 &&
	off_ctl --json report --period 2026Q1 >q1.offctl &&
	same q1.off q1.offctl &&
	wget_page ins.jar "/report.json?from=2026-03-01&to=2026-04-30" r.ins &&
	ctl --json report --from 2026-03-01 --to 2026-04-30 >r.ctl &&
	same r.ins r.ctl
'

test_expect_success 'the cut-off passes: the period is made again at once, final, as papictl reports it' '
	clock "2026-04-07 09:00" &&
	# A week later: the sessions have ended.
	web_login "$WINS" ins.jar && web_login "$WOFF" off.jar &&
	wait_for "ended ins.jar q1e.ins" &&
	test "$(jget q1e.ins "\$.as_of")" = "$(t "2026-04-06 00:00")" &&
	ctl --json report --period 2026Q1 >q1e.ctl &&
	same q1e.ins q1e.ctl &&
	wait_for "ended off.jar q1e.off" &&
	off_ctl --json report --period 2026Q1 >q1e.offctl &&
	same q1e.off q1e.offctl
'

test_expect_success 'work after the cut-off changes neither: the ended period is not made again' '
	event 2 resolved "2026-04-07 09:00" &&
	event 4 in_progress "2026-04-07 09:00" &&
	sql "INSERT INTO corrections (case_id, text, old_category, category,
	    actor, reason, created) SELECT id, '"'x'"', '"'general'"',
	    '"'security'"', '"'lan'"', '"'trộm cắp'"', $(t "2026-04-07 09:00")
	    FROM cases WHERE ref_number = 4;
	    UPDATE cases SET category = '"'security'"' WHERE ref_number = 4" &&
	clock "2026-04-07 10:00" &&
	ctl --json report --period 2026Q1 >q1f.ctl &&
	same q1e.ctl q1f.ctl &&
	web_login "$WINS" ins.jar &&
	wget_page ins.jar "/report.json?period=2026Q1" q1f.ins &&
	test "$(jget q1f.ins "\$.generated")" = "$(jget q1e.ins "\$.generated")" &&
	same q1f.ins q1f.ctl &&
	# A running period sees that work.
	ctl --json report --period 2026H1 >h1.ctl &&
	test "$(jget h1.ctl "\$.total.resolved")" = 3 &&
	test "$(jget h1.ctl "\$.categories[1].id")" = security &&
	test "$(jget h1.ctl "\$.categories[1].cases")" = 2
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
