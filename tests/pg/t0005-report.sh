#!/bin/sh
test_description='papictl report on PostgreSQL: a quarter frozen at its end (corrections, reopenings and deadlines after it), and a day of cases worked through the daemon'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

# Run by scripts/check-pg.sh (make check-pg) inside pg_virtualenv, which
# sets PAPIGW_TEST_PG: lib.sh then gave this test a database of its own.
if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

# Quarters are local: the ward's time zone for the daemon and the seeds.
TZ=Asia/Ho_Chi_Minh
export TZ

t() {
	date -d "$1" +%s
}

H=3600

# seed REF CATEGORY STATE CREATED ANSWER_AFTER CLOSE_AFTER DEADLINE_AFTER
#      SATISFACTION REOPENED: one case, times in hours after its creation
# ("" for none); as tests/t4004-report.sh seeds them on SQLite.
seed() {
	c=$(t "$4")
	a=${5:+$((c + $5 * H))}
	z=${6:+$((c + $6 * H))}
	sql "INSERT INTO cases (ref_number, category, state, sender, channel,
	    deadline, created, updated, closed, first_answered, answered,
	    satisfaction, reopened) VALUES ($1, '$2', '$3', '+8491000000$1',
	    'inject', $((c + $7 * H)), $c, $c, ${z:-NULL}, ${a:-NULL},
	    ${a:-NULL}, ${8:-NULL}, ${9:-NULL})"
}

# A figure of the JSON report: r PATH.
r() {
	jget r.json "$1"
}

test_expect_success 'a quarter of cases, and some just outside it' '
	ctl_conf p.conf &&
	start_daemon -c p.conf &&
	seed 1 security confirmed "2026-01-05 09:00" 2 26 120 5 &&
	seed 2 security confirmed "2026-02-10 09:00" 10 50 24 3 &&
	seed 3 security received "2026-03-20 09:00" "" "" 24 &&
	seed 4 infrastructure resolved "2026-01-15 09:00" 30 100 24 "" 1 &&
	seed 5 infrastructure in_progress "2026-03-01 09:00" 5 "" 120 &&
	seed 6 corruption resolved "2026-02-01 09:00" 1 200 240 &&
	seed 7 security received "2026-04-01 00:00" 1 "" 24 &&
	seed 8 security received "2025-12-31 23:59" 1 "" 24 &&
	test "$(sql "SELECT count(*) FROM cases")" = 8
'

# Case 9, as it stood at the end of the quarter: a corruption case,
# answered 30 h after it came (its deadline was 24 h), resolved after
# 48 h.  In April it was recategorised, reopened with a new deadline and
# is open now: the quarter does not see any of that.
test_expect_success 'a case changed after the quarter: correction, reopening, new deadline' '
	c=$(t "2026-02-03 09:00") &&
	seed 9 infrastructure reopened "2026-02-03 09:00" 30 "" 1000 &&
	sql "UPDATE cases SET reopened = $(t "2026-04-05 09:00")
	    WHERE ref_number = 9" &&
	id=$(sql "SELECT id FROM cases WHERE ref_number = 9") &&
	sql "INSERT INTO case_events (case_id, at, actor, from_state,
	    to_state) VALUES ($id, $((c + 48 * H)), '"'cb1'"', '"'received'"',
	    '"'resolved'"')" &&
	sql "INSERT INTO case_events (case_id, at, actor, from_state,
	    to_state) VALUES ($id, $(t "2026-04-05 09:00"), '"'cb1'"',
	    '"'resolved'"', '"'reopened'"')" &&
	sql "INSERT INTO case_deadlines (case_id, deadline, until) VALUES
	    ($id, $((c + 24 * H)), $(t "2026-04-05 09:00"))" &&
	sql "INSERT INTO corrections (case_id, text, old_category, category,
	    actor, reason, created) VALUES ($id, '"'x'"', '"'corruption'"',
	    '"'infrastructure'"', '"'cb1'"', '"'nhầm'"',
	    $(t "2026-04-10 09:00"))"
'

test_expect_success 'the quarter: counts per category, dimension and in total' '
	ctl --json report --quarter 2026Q1 >r.json &&
	test "$(r "\$.from")" = "$(t "2026-01-01 00:00")" &&
	test "$(r "\$.to")" = "$(t "2026-04-01 00:00")" &&
	test "$(r "\$.total.cases")" = 7 &&
	test "$(r "\$.total.resolved")" = 5 &&
	test "$(r "\$.total.reopened")" = 1 &&
	test "$(r "\$.categories[0].id")" = corruption &&
	test "$(r "\$.categories[0].cases")" = 2 &&
	test "$(r "\$.categories[0].resolved")" = 2 &&
	test "$(r "\$.categories[0].reopened")" = 0 &&
	test "$(r "\$.categories[1].id")" = security &&
	test "$(r "\$.categories[1].cases")" = 3 &&
	test "$(r "\$.categories[1].open")" = 1 &&
	test "$(r "\$.categories[2].id")" = infrastructure &&
	test "$(r "\$.categories[2].cases")" = 2 &&
	test "$(r "\$.categories[2].reopened")" = 1 &&
	test "$(r "\$.dimensions[3].id")" = D4 &&
	test "$(r "\$.dimensions[3].cases")" = 2
'

test_expect_success 'times, deadlines and satisfaction as they stood then' '
	test "$(r "\$.categories[0].answer_median")" = $((1 * H)) &&
	test "$(r "\$.categories[0].answer_p90")" = $((30 * H)) &&
	test "$(r "\$.categories[0].resolution_median")" = $((48 * H)) &&
	test "$(r "\$.categories[0].resolution_p90")" = $((200 * H)) &&
	test "$(r "\$.categories[0].due")" = 2 &&
	test "$(r "\$.categories[0].on_time")" = 1 &&
	test "$(r "\$.categories[1].answer_median")" = $((2 * H)) &&
	test "$(r "\$.categories[1].answer_p90")" = $((10 * H)) &&
	test "$(r "\$.total.answered")" = 6 &&
	test "$(r "\$.total.resolutions")" = 5 &&
	test "$(r "\$.total.resolution_median")" = $((50 * H)) &&
	test "$(r "\$.total.due")" = 7 &&
	test "$(r "\$.total.on_time")" = 4 &&
	test "$(r "\$.categories[1].satisfaction_answers")" = 2 &&
	test "$(r "\$.categories[1].satisfaction_mean")" = 4.0
'

test_expect_success 'the same quarter by dates; Q2 and 2025Q4; the SMS of the quarter' '
	ctl --json report --from 2026-01-01 --to 2026-03-31 >r2.json &&
	test "$(jget r2.json "\$.total.cases")" = 7 &&
	ctl --json report --quarter 2026Q2 >r2.json &&
	test "$(jget r2.json "\$.total.cases")" = 1 &&
	ctl --json report --quarter 2025Q4 >r2.json &&
	test "$(jget r2.json "\$.total.cases")" = 1 &&
	test "$(r "\$.sms.messages")" = 0
'

test_expect_success 'a day of cases worked through the daemon: the report of today' '
	case_ref_set 9 &&
	inject +84906500001 "Đèn đường hẻm 12 bị hỏng mấy tuần nay" &&
	a=$REF &&
	inject +84906500002 "Rác thải chất đống đầu hẻm 40 không ai dọn" &&
	ctl reply "$a" "Phường đã báo điện lực sửa đèn hẻm 12" &&
	ctl close "$a" &&
	today=$(date +%Y-%m-%d) &&
	ctl --json report --from $today --to $today >r.json &&
	test "$(r "\$.total.cases")" = 2 &&
	test "$(r "\$.total.open")" = 1 &&
	test "$(r "\$.total.resolved")" = 1 &&
	test "$(r "\$.total.answered")" = 1 &&
	test "$(r "\$.total.resolutions")" = 1 &&
	test "$(r "\$.sources[0].id")" = sms &&
	test "$(r "\$.sources[0].cases")" = 2 &&
	test "$(r "\$.sms.messages")" -ge 3 &&
	ctl report --from $today --to $today >r.txt &&
	test_grep "^TOTAL .* 2 " r.txt
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
