#!/bin/sh
test_description='reports summed by day (reports.daily_sums): the same figures as read case by case, over a varied history, as the fold builds them, as it follows the days under the test clock and as it folds again what is written late, for a ward, the city and an officer'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-history.sh"

TZ=Asia/Ho_Chi_Minh
export TZ

# seed REF CATEGORY CREATED DEADLINE [SOURCE [WARD]]: a case as ingest
# makes it.
seed() {
	sql "INSERT INTO cases (ref_number, category, state, sender, channel,
	    deadline, created, updated, source, ward) VALUES ($1, '$2',
	    'received', '+8491000002$1', 'inject', $(t "$4"), $(t "$3"),
	    $(t "$3"), '${5:-sms}', '${6:-p7}');
	    INSERT INTO inbound (case_id, channel, sender, text, received,
	    created) SELECT id, 'inject', sender, 'phản ánh số $1', created,
	    created FROM cases WHERE ref_number = $1"
}

# fix REF FROM TO TIME: a correction of the category at TIME.
fix() {
	sql "BEGIN; INSERT INTO corrections (case_id, text, old_category,
	    category, actor, reason, created) SELECT id, 'x', '$2', '$3',
	    'lan', 'sai', $(t "$4") FROM cases WHERE ref_number = $1;
	    UPDATE cases SET category = '$3' WHERE ref_number = $1; COMMIT"
}

# sms REF WARD PARTS TIME KIND: an SMS sent at TIME, of case REF, or of
# no case and ward WARD when REF is empty.
sms() {
	if [ -n "$1" ]; then
		of="(SELECT id FROM cases WHERE ref_number = $1), NULL"
	else
		of="NULL, '$2'"
	fi
	sql "INSERT INTO outbox (case_id, ward, channel, recipient, text,
	    encoding, segments, state, next_attempt, created, updated, kind)
	    VALUES ($of, 'modem', '+84910000099', 'x', 'ucs2', $3,
	    'delivered', $(t "$4"), $(t "$4"), $(t "$4"), '$5')"
}

# same A B: the two reports give the same figures: every value but the
# moment they were made and how, the times within 1 %; prints what
# differs.
same() {
	sqlite3 :memory: "
	CREATE TABLE a AS SELECT fullkey AS k, type AS t, atom AS v FROM
	    json_tree(readfile('$1')) WHERE type NOT IN ('object', 'array')
	    AND fullkey NOT IN ('\$.generated', '\$.summed');
	CREATE TABLE b AS SELECT fullkey AS k, type AS t, atom AS v FROM
	    json_tree(readfile('$2')) WHERE type NOT IN ('object', 'array')
	    AND fullkey NOT IN ('\$.generated', '\$.summed');
	SELECT coalesce(a.k, b.k), a.v, b.v FROM a FULL JOIN b ON a.k = b.k
	WHERE a.k IS NULL OR b.k IS NULL OR a.t <> b.t OR (a.v <> b.v AND
	    NOT ((a.k LIKE '%median%' OR a.k LIKE '%p90%') AND
	    abs(a.v - b.v) <= 0.01 * abs(b.v)))" >"$TRASH/.same" &&
	cat "$TRASH/.same" &&
	test ! -s "$TRASH/.same" &&
	test "$(sqlite3 :memory: "SELECT count(*) FROM json_tree(readfile('$1'))")" -gt 100
}

# summed: what the summed reports say of themselves: 1 on SQLite, where
# the timer folds; 0 on PostgreSQL, where reports read case by case.
if [ -n "${PAPIGW_TEST_PG:-}" ]; then SUMMED=0; else SUMMED=1; fi

# check NAME ARGS...: the report of ARGS summed and --exact, the same.
check() {
	n=$1
	shift
	ctl --json report "$@" >"$n.sum" &&
	ctl --json report --exact "$@" >"$n.exact" &&
	test "$(jget "$n.sum" "\$.summed")" = $SUMMED &&
	test "$(jget "$n.exact" "\$.summed")" = 0 &&
	same "$n.sum" "$n.exact"
}

# folded TIME [SECONDS]: the fold has got to TIME, every case whole and
# the SMS, within SECONDS (default 20).
folded() {
	[ -n "${PAPIGW_TEST_PG:-}" ] && return 0
	wait_for "test \$(sql \"SELECT value FROM counters WHERE name =
	    'report_fold_mark'\") -ge $(t "$1") &&
	    test \$(sql \"SELECT value FROM counters WHERE name =
	    'report_fold_sms'\") -ge $(t "$1") &&
	    test \$(sql \"SELECT value FROM counters WHERE name =
	    'report_fold_ids'\") = \$(sql \"SELECT value FROM counters
	    WHERE name = 'report_fold_target'\")" "${2:-20}"
}

test_expect_success 'a history of two wards over six weeks, the sums off' '
	make_officer &&
	conf() {
		ctl_conf p.conf "ward = { id = \"p7\"; name = \"Phường 7\"; };
deadlines = { check_interval = 86400; };
reports = { daily_sums = $1; ${2:-exact_up_to = 0;} };
roles = ( { name = \"o\"; kind = \"officer\"; users = [ \"$OFFICER\" ];
    categories = [ \"security\", \"infrastructure\" ]; } );" &&
		sed -i "/^ward = { name = /d" p.conf
	} &&
	conf false &&
	clock "2026-04-10 12:00" &&
	PAPIGWD=$PAPIGWD_HOOKS PAPIGW_TEST_CLOCK="$TRASH/clock" \
	    PAPIGW_TEST_FOLD_CLEAR=1 start_daemon -c p.conf &&
	# Across the year: answered late in January, resolved in March
	# (made first: ids grow with the time of creation).
	seed 12 security "2025-12-20 10:00" "2025-12-27 23:59:59" &&
	event 12 in_progress "2026-01-05 09:00" &&
	event 12 resolved "2026-03-10 09:00" &&
	seed 13 infrastructure "2025-11-28 09:00" "2025-12-05 23:59:59" ussd &&
	event 13 in_progress "2025-12-02 09:00" &&
	event 13 resolved "2026-01-15 09:00" &&
	# The last half hour of January, never answered.
	seed 14 environment "2026-01-31 23:30" "2026-02-07 23:59:59" &&
	# Answered, resolved, confirmed, satisfied.
	seed 1 security "2026-03-02 09:00" "2026-03-09 23:59:59" &&
	event 1 in_progress "2026-03-03 10:00" &&
	event 1 resolved "2026-03-05 16:00" &&
	event 1 confirmed "2026-03-06 08:00" &&
	sql "UPDATE cases SET satisfaction = 4, satisfaction_at =
	    $(t "2026-03-06 08:00") WHERE ref_number = 1" &&
	# Answered late, resolved, reopened, resolved again.
	seed 2 infrastructure "2026-03-10 09:00" "2026-03-12 23:59:59" ussd &&
	event 2 in_progress "2026-03-20 09:00" &&
	event 2 resolved "2026-03-21 09:00" &&
	event 2 reopened "2026-03-28 09:00" &&
	event 2 resolved "2026-04-03 09:00" &&
	# Never answered: past its deadline on 20 March.
	seed 3 procedures "2026-03-13 09:00" "2026-03-20 11:00" box &&
	# Moved from general to security on 25 March, answered before.
	seed 4 general "2026-03-15 09:00" "2026-03-22 23:59:59" &&
	event 4 in_progress "2026-03-16 09:00" &&
	fix 4 general security "2026-03-25 14:00" &&
	# Its deadline put off on 18 March (it was the 19th), answered on
	# the 21st: on time by the new one only.
	seed 5 infrastructure "2026-03-17 09:00" "2026-03-24 23:59:59" &&
	sql "INSERT INTO case_deadlines (case_id, deadline, until) SELECT id,
	    $(t "2026-03-19 23:59:59"), $(t "2026-03-18 10:00") FROM cases
	    WHERE ref_number = 5" &&
	event 5 in_progress "2026-03-21 09:00" &&
	# Corruption, of the other ward.
	seed 6 corruption "2026-03-18 09:00" "2026-03-25 23:59:59" sms p8 &&
	event 6 in_progress "2026-03-19 09:00" &&
	event 6 resolved "2026-04-02 09:00" &&
	seed 7 security "2026-03-31 22:00" "2026-04-07 23:59:59" sms p8 &&
	event 7 in_progress "2026-04-01 01:00" &&
	# Imported: no history, resolved.
	sql "INSERT INTO cases (ref_number, category, state, sender, channel,
	    deadline, created, updated, first_answered, closed, source, ward)
	    VALUES (8, '"'security'"', '"'resolved'"', '"'+84910000028'"',
	    '"'inject'"', $(t "2026-03-27 23:59:59"), $(t "2026-03-20 09:00"),
	    $(t "2026-03-24 09:00"), $(t "2026-03-21 09:00"),
	    $(t "2026-03-24 09:00"), '"'meeting'"', '"'p7'"')" &&
	# Open on 8 April: its deadline passes on the 10th, the test
	# clock'"'"'s day.
	seed 9 infrastructure "2026-04-08 09:00" "2026-04-10 18:00" &&
	seed 10 security "2026-04-09 09:00" "2026-04-16 23:59:59" &&
	seed 11 environment "2026-04-09 10:00" "2026-04-16 23:59:59" ussd &&
	# SMS sent before the sums are on: an answer in two parts on the
	# last evening of 2025, an acknowledgement, one of no case in p8.
	sms 12 "" 2 "2025-12-31 23:00" answer &&
	sms 13 "" 1 "2025-11-28 09:00" ack &&
	sms "" p8 3 "2026-03-20 09:00" announcement &&
	case_ref_set 14
'

test_expect_success 'the sums on: the first fold builds them from the history' '
	conf true &&
	kill -HUP $daemon_pid &&
	folded "2026-04-10 11:59" &&
	if [ $SUMMED = 1 ]; then
		test "$(sql "SELECT sum(cases) FROM report_days")" = 14 &&
		test "$(sql "SELECT sum(cases) FROM report_months")" = 14 &&
		test "$(sql "SELECT count(*) FROM report_month_times")" -ge 8
	fi &&
	check march --from 2026-03-01 --to 2026-03-31 &&
	check q1 --quarter 2026Q1 &&
	check odd --from 2026-03-15 --to 2026-04-08 &&
	check day --from 2026-03-18 --to 2026-03-18 &&
	check april --from 2026-04-01 --to 2026-04-09 &&
	test "$(jget odd.exact "\$.total.cases")" = 6 &&
	test "$(jget odd.exact "\$.total.due")" -ge 1 &&
	test "$(jget march.exact "\$.total.reopened")" = 1 &&
	# Whole months (summed by month), their ends (by day), to'"'"'s month.
	check ny --from 2025-12-15 --to 2026-01-20 &&
	check winter --from 2025-11-01 --to 2026-02-28 &&
	check late --from 2025-11-20 --to 2026-03-15 &&
	check tomid --from 2026-02-01 --to 2026-04-01 &&
	test "$(jget ny.exact "\$.total.cases")" = 1 &&
	test "$(jget winter.exact "\$.total.cases")" = 3 &&
	test "$(jget late.exact "\$.total.cases")" = 7 &&
	test "$(jget late.exact "\$.total.resolutions")" -ge 2 &&
	test "$(jget winter.exact "\$.sms.parts")" = 3 &&
	test "$(jget late.exact "\$.sms.messages")" = 2
'

test_expect_success 'a ward, the city, an officer of two categories' '
	check p8 --from 2026-03-01 --to 2026-04-09 --ward p8 &&
	test "$(jget p8.exact "\$.total.cases")" = 2 &&
	check all --from 2026-03-01 --to 2026-04-09 --ward all &&
	test "$(jget all.exact "\$.total.cases")" = 11 &&
	as_officer --json report --from 2026-03-01 --to 2026-04-09 >o.sum &&
	as_officer --json report --exact --from 2026-03-01 --to 2026-04-09 \
	    >o.exact &&
	test "$(jget o.sum "\$.summed")" = $SUMMED &&
	same o.sum o.exact &&
	test "$(jget o.exact "\$.total.cases")" -ge 4 &&
	test "$(sqlite3 :memory: "SELECT count(*) FROM json_each(readfile(
	    '"'o.sum'"'), '"'\$.categories'"') WHERE json_extract(value,
	    '"'\$.id'"') IN ('"'corruption'"', '"'general'"')")" = 0
'

test_expect_success 'work of the following days, followed by the fold' '
	ctl reply PA-000009 "Phường đã kiểm tra" >/dev/null &&
	ctl close PA-000010 >/dev/null &&
	ctl reopen PA-000001 >/dev/null &&
	ctl recategorise --reason "rác" PA-000011 infrastructure >/dev/null &&
	inject +84912345678 "Đèn đường hỏng ở hẻm 12" &&
	clock "2026-04-11 09:00" &&
	folded "2026-04-11 00:00" &&
	ctl close PA-000009 >/dev/null &&
	ctl reply PA-000011 "Đã chuyển đội vệ sinh" >/dev/null &&
	sql "UPDATE cases SET satisfaction = 2, satisfaction_at =
	    $(t "2026-04-11 09:00") WHERE ref_number = 10" &&
	clock "2026-04-12 09:00" &&
	folded "2026-04-12 00:00" &&
	check to10 --from 2026-03-01 --to 2026-04-10 &&
	check to11 --from 2026-03-01 --to 2026-04-11 &&
	check d10 --from 2026-04-10 --to 2026-04-10 &&
	check d11 --from 2026-04-08 --to 2026-04-11 &&
	test "$(jget d11.exact "\$.total.cases")" = 4 &&
	test "$(jget to11.exact "\$.total.satisfaction_answers")" -ge 1
'

# agree NAME ARGS...: the report of ARGS, summed or not, the same as
# --exact (what is written before the fold's mark and not folded yet is
# read case by case until it is).
agree() {
	n=$1
	shift
	ctl --json report "$@" >"$n.sum" &&
	ctl --json report --exact "$@" >"$n.exact" &&
	same "$n.sum" "$n.exact"
}

# caught: the fold has read every row written so far, late ones too.
caught() {
	[ -n "${PAPIGW_TEST_PG:-}" ] && return 0
	wait_for "test \"\$(sql \"SELECT (SELECT value FROM counters WHERE
	    name = 'report_fold_events') >= (SELECT max(id) FROM case_events)
	    AND (SELECT value FROM counters WHERE name = 'report_fold_fixes')
	    >= (SELECT max(id) FROM corrections) AND (SELECT value FROM
	    counters WHERE name = 'report_fold_limits') >= (SELECT max(rowid)
	    FROM case_deadlines) AND (SELECT value FROM counters WHERE name =
	    'report_fold_ids') >= (SELECT max(id) FROM cases)\")\" = 1" 20
}

test_expect_success 'history written late, before the fold'"'"'s mark, folded again' '
	ctl --json report --exact --quarter 2026Q1 >q1.before &&
	# Received on paper on the 9th, entered on the 12th.
	ctl intake --source box --received 2026-04-09 \
	    "Cống thoát nước bị tắc ở hẻm 5" >/dev/null &&
	agree box --from 2026-04-08 --to 2026-04-11 &&
	test "$(jget box.exact "\$.total.cases")" = 5 &&
	# Written by hand on days folded long ago: an answer, a correction,
	# a deadline put off.
	event 3 in_progress "2026-03-25 10:00" &&
	agree q1late --quarter 2026Q1 &&
	fix 2 infrastructure environment "2026-03-30 10:00" &&
	sql "INSERT INTO case_deadlines (case_id, deadline, until) SELECT id,
	    $(t "2026-04-05 23:59:59"), $(t "2026-04-02 10:00") FROM cases
	    WHERE ref_number = 7" &&
	agree odd2 --from 2026-03-15 --to 2026-04-08 &&
	agree p8late --from 2026-03-01 --to 2026-04-09 --ward p8 &&
	caught &&
	check box2 --from 2026-04-08 --to 2026-04-11 &&
	check q1b --quarter 2026Q1 &&
	check odd3 --from 2026-03-15 --to 2026-04-08 &&
	check p8b --from 2026-03-01 --to 2026-04-09 --ward p8 &&
	check allb --from 2026-03-01 --to 2026-04-11 --ward all &&
	test "$(jget q1b.exact "\$.total.answered")" = \
	    $(($(jget q1.before "\$.total.answered") + 1)) &&
	test "$(sqlite3 :memory: "SELECT json_extract(value, '"'\$.cases'"')
	    FROM json_each(readfile('"'q1b.exact'"'), '"'\$.categories'"')
	    WHERE json_extract(value, '"'\$.id'"') = '"'environment'"'")" -ge 1
'

test_expect_success 'the sums made anew when the fold'"'"'s mark is taken away, emptied a few rows at a time' '
	sums="SELECT sum(cases), sum(answered), sum(due), sum(sat4),
	    (SELECT sum(n) FROM report_day_times), (SELECT sum(cases) || '"'/'"'
	    || sum(due) FROM report_months), (SELECT count(*) || '"'/'"' ||
	    sum(length(hist)) FROM report_month_times), (SELECT sum(messages) ||
	    '"'/'"' || sum(parts) FROM report_sms_days) FROM report_days" &&
	before=$(sql "$sums") &&
	ctl --json report --exact --quarter 2026Q1 >anew.exact &&
	rows=$(sql "SELECT count(*) FROM report_day_times") &&
	mark="SELECT count(*) FROM counters WHERE name = '"'report_fold_mark'"'" &&
	sql "DELETE FROM counters WHERE name = '"'report_fold_mark'"'" &&
	if [ $SUMMED = 1 ]; then
		# A row of each table a work item (PAPIGW_TEST_FOLD_CLEAR=1):
		# a report while the sums are half gone, the mark away before
		# and after it, reads case by case.
		wait_for "test \$(sql \"SELECT count(*) FROM report_day_times\") -lt $rows" 20 &&
		ctl --json report --quarter 2026Q1 >anew.sum &&
		test "$(sql "$mark")" = 0 &&
		test "$(sql "SELECT count(*) FROM report_day_times")" -gt 0 &&
		test "$(jget anew.sum "\$.summed")" = 0 &&
		same anew.sum anew.exact
	fi &&
	folded "2026-04-12 08:59" &&
	test "$(sql "$sums")" = "$before" &&
	if [ $SUMMED = 1 ]; then
		wait_for "grep -q \"sums of the fold before emptied\" daemon.log" 10 &&
		grep "sums of the fold before emptied" daemon.log &&
		test "$(sed -n "s/.*emptied, \([0-9]*\) rows in \([0-9]*\) work items.*/\2/p" \
		    daemon.log)" -ge "$rows"
	fi &&
	check q1c --quarter 2026Q1 &&
	check allc --from 2026-03-01 --to 2026-04-11 --ward all
'

test_expect_success 'a period still running, and ends not at midnight, read case by case' '
	ctl --json report --from 2026-04-01 --to 2026-04-30 >run.json &&
	test "$(jget run.json "\$.summed")" = 0 &&
	test "$(jget run.json "\$.provisional")" = 1 &&
	ctl report --from 2026-03-01 --to 2026-03-31 >march.txt &&
	if [ $SUMMED = 1 ]; then
		test_grep "^From the daily sums: counts exact, times within 1 %" march.txt
	fi
'

test_expect_success 'whole months changed in the months after, and a period ending on the day of a change' '
	# The case received on paper, answered on 1 May.
	ref=$(sql "SELECT ref_number FROM cases WHERE ref_number > 14 AND
	    source = '"'box'"'") &&
	clock "2026-05-01 10:00" &&
	event "$ref" in_progress "2026-05-01 10:00" &&
	clock "2026-05-02 10:00" &&
	ctl close PA-000011 >/dev/null &&
	# Three weeks of spans of an hour, a chunk each, paced.
	clock "2026-05-03 09:00" &&
	folded "2026-05-03 00:00" 120 &&
	check marapr --from 2026-03-01 --to 2026-04-30 &&
	check may1 --from 2026-03-01 --to 2026-05-01 &&
	check may2 --from 2026-03-10 --to 2026-05-02 &&
	check year --from 2025-05-01 --to 2026-05-01 &&
	check wm --from 2026-03-01 --to 2026-04-30 --ward all &&
	check p8m --from 2026-03-01 --to 2026-05-02 --ward p8 &&
	as_officer --json report --from 2026-01-01 --to 2026-04-30 >om.sum &&
	as_officer --json report --exact --from 2026-01-01 --to 2026-04-30 \
	    >om.exact &&
	test "$(jget om.sum "\$.summed")" = $SUMMED &&
	same om.sum om.exact &&
	test "$(jget may1.exact "\$.total.answered")" = \
	    $(($(jget marapr.exact "\$.total.answered") + 1)) &&
	test "$(jget may2.exact "\$.total.resolutions")" = \
	    $(($(jget may1.exact "\$.total.resolutions") + 1)) &&
	test "$(jget year.exact "\$.total.cases")" = 16 &&
	:
'

test_expect_success 'a period of fewer cases than reports.exact_up_to, read case by case' '
	conf true "exact_up_to = 9;" &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded .*(reload 2)\" daemon.log" 10 &&
	ctl --json report --from 2026-03-01 --to 2026-04-11 --ward all \
	    >big.json &&
	test "$(jget big.json "\$.total.cases")" -ge 12 &&
	test "$(jget big.json "\$.summed")" = $SUMMED &&
	conf true " " &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded .*(reload 3)\" daemon.log" 10 &&
	ctl --json report --from 2026-03-01 --to 2026-04-11 --ward all \
	    >dflt.json &&
	test "$(jget dflt.json "\$.summed")" = 0 &&
	same dflt.json big.json &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
