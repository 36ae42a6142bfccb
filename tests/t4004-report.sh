#!/bin/sh
test_description='papictl report over a seeded quarter with known figures: table, CSV, JSON'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

# Quarters are local: the ward's time zone for the daemon and the seeds.
TZ=Asia/Ho_Chi_Minh
export TZ

t() {
	date -d "$1" +%s
}

H=3600

# seed REF CATEGORY STATE CREATED ANSWER_AFTER CLOSE_AFTER DEADLINE_AFTER
#      SATISFACTION REOPENED: one case, times in hours after its creation
# ("" for none).
seed() {
	c=$(t "$4")
	a=${5:+$((c + $5 * H))}
	z=${6:+$((c + $6 * H))}
	sql "INSERT INTO cases (ref_number, category, state, sender, channel,
	    deadline, created, updated, closed, first_answered, answered,
	    satisfaction, reopened) VALUES ($1, '$2', '$3', '+8491000000$1',
	    'inject', $((c + $7 * H)), $c, $c, ${z:-NULL}, ${a:-NULL},
	    ${a:-NULL}, ${8:-NULL}, ${9:-NULL});
	    INSERT INTO inbound (case_id, channel, sender, text, received,
	    created) VALUES (last_insert_rowid(), 'inject', '+8491000000$1',
	    'phản ánh số $1', $c, $c)"
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
	case_ref_set 8 &&
	test "$(sql "SELECT count(*) FROM cases")" = 8 &&
	test "$(sql "SELECT count(DISTINCT resident) FROM cases")" = 8
'

test_expect_success 'the quarter: counts per category, dimension and in total' '
	ctl --json report --quarter 2026Q1 >r.json &&
	test "$(r "\$.from")" = "$(t "2026-01-01 00:00")" &&
	test "$(r "\$.to")" = "$(t "2026-04-01 00:00")" &&
	test "$(r "\$.total.cases")" = 6 &&
	test "$(r "\$.categories[0].id")" = corruption &&
	test "$(r "\$.categories[0].cases")" = 1 &&
	test "$(r "\$.categories[1].id")" = security &&
	test "$(r "\$.categories[1].cases")" = 3 &&
	test "$(r "\$.categories[1].open")" = 1 &&
	test "$(r "\$.categories[1].resolved")" = 2 &&
	test "$(r "\$.categories[2].id")" = infrastructure &&
	test "$(r "\$.categories[2].reopened")" = 1 &&
	test "$(r "\$.dimensions[5].id")" = D6 &&
	test "$(r "\$.dimensions[5].cases")" = 5 &&
	test "$(r "\$.dimensions[3].id")" = D4 &&
	test "$(r "\$.dimensions[3].cases")" = 1
'

test_expect_success 'median and 90th percentile to the first answer (nearest rank)' '
	test "$(r "\$.categories[1].answer_median")" = $((2 * H)) &&
	test "$(r "\$.categories[1].answer_p90")" = $((10 * H)) &&
	test "$(r "\$.categories[2].answer_median")" = $((5 * H)) &&
	test "$(r "\$.categories[2].answer_p90")" = $((30 * H)) &&
	test "$(r "\$.dimensions[5].answer_median")" = $((5 * H)) &&
	test "$(r "\$.dimensions[5].answer_p90")" = $((30 * H)) &&
	test "$(r "\$.total.answered")" = 5 &&
	test "$(r "\$.total.answer_median")" = $((5 * H)) &&
	test "$(r "\$.total.answer_p90")" = $((30 * H))
'

test_expect_success 'median and 90th percentile to resolution' '
	test "$(r "\$.categories[1].resolution_median")" = $((26 * H)) &&
	test "$(r "\$.categories[1].resolution_p90")" = $((50 * H)) &&
	test "$(r "\$.dimensions[5].resolution_median")" = $((50 * H)) &&
	test "$(r "\$.dimensions[5].resolution_p90")" = $((100 * H)) &&
	test "$(r "\$.total.resolutions")" = 4 &&
	test "$(r "\$.total.resolution_median")" = $((50 * H)) &&
	test "$(r "\$.total.resolution_p90")" = $((200 * H))
'

test_expect_success 'the share answered within the deadline' '
	test "$(r "\$.categories[1].due")" = 3 &&
	test "$(r "\$.categories[1].on_time")" = 2 &&
	test "$(r "\$.categories[2].on_time_share")" = 0.5 &&
	test "$(r "\$.dimensions[5].on_time_share")" = 0.6 &&
	test "$(r "\$.total.due")" = 6 &&
	test "$(r "\$.total.on_time")" = 4
'

test_expect_success 'satisfaction answers' '
	test "$(r "\$.categories[1].satisfaction_answers")" = 2 &&
	test "$(r "\$.categories[1].satisfaction_mean")" = 4.0 &&
	test "$(r "\$.categories[1].satisfaction[2]")" = 1 &&
	test "$(r "\$.categories[1].satisfaction[4]")" = 1 &&
	test "$(r "\$.total.satisfaction_answers")" = 2
'

test_expect_success 'the same period by dates; a half year; Q2 alone' '
	ctl --json report --from 2026-01-01 --to 2026-03-31 >r2.json &&
	test "$(jget r2.json "\$.total.cases")" = 6 &&
	ctl --json report --from 2026-01-01 --to 2026-06-30 >r2.json &&
	test "$(jget r2.json "\$.total.cases")" = 7 &&
	ctl --json report --quarter 2026Q2 >r2.json &&
	test "$(jget r2.json "\$.total.cases")" = 1 &&
	ctl --json report --quarter 2025Q4 >r2.json &&
	test "$(jget r2.json "\$.total.cases")" = 1
'

test_expect_success 'CSV: one line per dimension, category and the total' '
	ctl report --quarter 2026Q1 --format csv >r.csv &&
	test "$(head -n 1 r.csv | cut -d, -f1-6)" = "$(printf "\357\273\277")level,id,dimension,name,cases,open" &&
	test "$(head -n 1 r.csv | cut -d, -f25-)" = "period_from,period_to,as_of" &&
	test "$(grep -c "^dimension," r.csv)" = 8 &&
	test_grep "^category,security,D6,An ninh trật tự,3,1,2,0,2,7200,36000,2,93600,180000,3,2,0.6667,2,4.0000,0,0,1,0,1,2026-01-01,2026-03-31,2026-04-01 00:00:00$" r.csv &&
	test_grep "^total,total,,,6,2,4,1,5,18000,108000,4,180000,720000,6,4,0.6667,2,4.0000,0,0,1,0,1,2026-01-01,2026-03-31,2026-04-01 00:00:00$" r.csv
'

test_expect_success 'the table: hours and days, shares, no number anywhere' '
	ctl report --quarter 2026Q1 >r.txt &&
	test_grep "^Cases created from 2026-01-01 to 2026-03-31" r.txt &&
	test_grep "^  Security and public order .* 3 .* 2.0 h .* 10.0 h .* 26.0 h .* 2.1 d .* 67% .* 4.00 (2)$" r.txt &&
	test_grep "^TOTAL .* 6 " r.txt &&
	! grep -q "8491000000" r.txt r.csv r.json
'

test_expect_success 'bad periods are usage errors' '
	test_exit_status 2 ctl report 2>err &&
	test_exit_status 2 ctl report --quarter 2026Q5 2>err &&
	test_grep "not a quarter" err &&
	test_exit_status 2 ctl report --from 2026-02-01 --to 2026-01-01 2>err &&
	test_exit_status 2 ctl report --quarter 2026Q1 --format xml 2>err
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
