#!/bin/sh
test_description='reports for the district: the four periods over a seeded history, frozen at the cut-off, every dimension, CSV, JSON, HTML and PDF; report --due and the reminder under the test clock'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-history.sh"

# Periods and cut-offs are local: the ward's time zone, for the daemon
# and the seeds.
TZ=Asia/Ho_Chi_Minh
export TZ

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

# figures FILE: a JSON report without the moment it was made.
figures() {
	sqlite3 :memory: "SELECT json_remove(readfile('$1'), '\$.generated')"
}

# A figure of a JSON report: r FILE PATH.
r() {
	jget "$1" "$2"
}

# fig FILE ID: "cases open resolved reopened answered due on_time" of
# the total ("total"), a dimension ("D4") or a category.
fig() {
	if [ "$2" = total ]; then p="\$.total"
	else
		i=0
		while [ $i -lt 20 ]; do
			if [ "$(r "$1" "\$.dimensions[$i].id")" = "$2" ]; then
				p="\$.dimensions[$i]"; break
			fi
			if [ "$(r "$1" "\$.categories[$i].id")" = "$2" ]; then
				p="\$.categories[$i]"; break
			fi
			i=$((i + 1))
		done
	fi
	for k in cases open resolved reopened answered due on_time; do
		printf "%s " "$(r "$1" "$p.$k")"
	done
}

# The history is written into the database while the daemon runs: its
# deadline timer must not look at a case seeded but not yet answered (it
# would mark it overdue), so it waits a day between its rounds, and the
# first round (its gauge of overdue cases in /metrics) comes before.
test_expect_success 'a year of cases with their history' '
	ctl_conf p.conf "deadlines = { check_interval = 86400; };
reports = { superior = \"Ủy ban nhân dân Quận 10\";
    recipient = \"Ủy ban nhân dân Quận 10\";
    signer = \"TM. Ủy ban nhân dân phường\"; place = \"Phường 7\"; };" &&
	start_daemon -c p.conf &&
	wait_for "curl -s http://127.0.0.1:$port/metrics |
	    grep -q \"^papigw_cases_overdue \"" &&
	seed 1 security "2026-01-10 09:00" "2026-01-15 23:59:59" &&
	event 1 in_progress "2026-01-11 09:00" &&
	event 1 resolved "2026-01-12 09:00" &&
	event 1 confirmed "2026-01-13 09:00" &&
	sql "UPDATE cases SET satisfaction = 5, satisfaction_at = $(t "2026-01-13 09:00") WHERE ref_number = 1" &&
	seed 2 infrastructure "2026-03-20 09:00" "2026-03-27 23:59:59" &&
	event 2 in_progress "2026-04-10 09:00" &&
	event 2 resolved "2026-04-20 09:00" &&
	seed 3 corruption "2026-04-01 09:00" "2026-04-15 23:59:59" &&
	event 3 in_progress "2026-04-02 09:00" &&
	event 3 resolved "2026-04-03 09:00" &&
	event 3 reopened "2026-05-01 09:00" &&
	event 3 resolved "2026-05-10 09:00" &&
	seed 4 procedures "2026-05-20 09:00" "2026-05-27 23:59:59" &&
	seed 5 infrastructure "2026-06-10 09:00" "2026-06-17 23:59:59" &&
	event 5 in_progress "2026-06-11 09:00" &&
	event 5 resolved "2026-06-12 09:00" &&
	seed 6 general "2026-08-01 09:00" "2026-08-08 23:59:59" &&
	event 6 in_progress "2026-09-10 09:00" &&
	sql "INSERT INTO corrections (case_id, text, old_category, category,
	    actor, reason, created) SELECT id, '"'x'"', '"'general'"',
	    '"'security'"', '"'lan'"', '"'trộm cắp'"', $(t "2026-09-20 09:00")
	    FROM cases WHERE ref_number = 6;
	    UPDATE cases SET category = '"'security'"' WHERE ref_number = 6" &&
	case_ref_set 6 &&
	test "$(sql "SELECT count(*) FROM case_events")" = 18
'

test_expect_success 'Q1: from 1 January to the day before 6 April, as of its first moment' '
	ctl --json report --period 2026Q1 >q1.json &&
	test "$(r q1.json "\$.from")" = "$(t "2026-01-01 00:00")" &&
	test "$(r q1.json "\$.to")" = "$(t "2026-04-06 00:00")" &&
	test "$(r q1.json "\$.as_of")" = "$(t "2026-04-06 00:00")" &&
	test "$(r q1.json "\$.provisional")" = 0 &&
	test "$(r q1.json "\$.period.id")" = 2026Q1 &&
	test "$(fig q1.json total)" = "3 1 2 0 2 3 2 " &&
	test "$(fig q1.json infrastructure)" = "1 1 0 0 0 1 0 " &&
	test "$(fig q1.json D4)" = "1 0 1 0 1 1 1 "
'

test_expect_success 'H1, M9 and the year: cumulative, each as it stood then' '
	ctl --json report --period 2026H1 >h1.json &&
	test "$(r h1.json "\$.to")" = "$(t "2026-06-05 00:00")" &&
	test "$(fig h1.json total)" = "4 1 3 1 3 4 2 " &&
	test "$(fig h1.json corruption)" = "1 0 1 1 1 1 1 " &&
	test "$(r h1.json "\$.categories[0].resolution_median")" = $((39 * 86400)) &&
	ctl --json report --period 2026M9 >m9.json &&
	test "$(r m9.json "\$.to")" = "$(t "2026-09-05 00:00")" &&
	test "$(fig m9.json total)" = "6 2 4 1 4 6 3 " &&
	test "$(fig m9.json general)" = "1 1 0 0 0 1 0 " &&
	test "$(fig m9.json security)" = "1 0 1 0 1 1 1 " &&
	ctl --json report --period 2026Y >y.json &&
	test "$(r y.json "\$.to")" = "$(t "2026-11-15 00:00")" &&
	test "$(fig y.json total)" = "6 2 4 1 5 6 3 " &&
	test "$(fig y.json general)" = "0 0 0 0 0 0 0 " &&
	test "$(fig y.json security)" = "2 1 1 0 2 2 1 " &&
	test "$(r y.json "\$.total.satisfaction_answers")" = 1
'

test_expect_success 'every dimension and category is listed, with or without cases' '
	test "$(sqlite3 :memory: "SELECT json_array_length(readfile('"'q1.json'"'), '"'\$.dimensions'"')")" = 8 &&
	test "$(sqlite3 :memory: "SELECT json_array_length(readfile('"'q1.json'"'), '"'\$.categories'"')")" = 12 &&
	test "$(fig q1.json D1)" = "0 0 0 0 0 0 0 " &&
	ctl report --period 2026Q1 >q1.txt &&
	test_grep "^D1 Participation at local levels  *0  *0  *0  *0 " q1.txt &&
	test_grep "^  Online public services  *0 " q1.txt &&
	test_grep "^D8 E-governance " q1.txt &&
	test_grep "^UBND Phường 7, Quận 10$" q1.txt &&
	test_grep "^Cases created from 2026-01-01 to 2026-04-05: the first quarter of 2026 (2026Q1)$" q1.txt &&
	test_grep "^Figures as of 2026-04-06 00:00, the end of the period$" q1.txt
'

test_expect_success 'more work on those cases now: the reports give the same numbers' '
	for f in q1 h1 m9 y; do
		figures $f.json >$f.before || return 1
	done &&
	ctl reply PA-000004 "Phường đã hướng dẫn hồ sơ" >/dev/null &&
	ctl close PA-000004 >/dev/null &&
	ctl reopen PA-000003 >/dev/null &&
	ctl recategorise --reason "cống thoát nước" PA-000001 infrastructure >/dev/null &&
	ctl close --note "đã xong" PA-000006 >/dev/null &&
	ctl --json report --period 2026Q1 >q1.json &&
	ctl --json report --period 2026H1 >h1.json &&
	ctl --json report --period 2026M9 >m9.json &&
	ctl --json report --period 2026Y >y.json &&
	for f in q1 h1 m9 y; do
		figures $f.json >$f.after || return 1
		cmp $f.before $f.after || return 1
	done &&
	test "$(sql "SELECT count(*) FROM case_deadlines")" -ge 1
'

test_expect_success 'a period still running is provisional, as of now' '
	ctl --json report --period 2027Q1 >p.json &&
	test "$(r p.json "\$.provisional")" = 1 &&
	now=$(date +%s) &&
	test $(($(r p.json "\$.as_of") - now)) -le 5 &&
	test_exit_status 2 ctl report --period 2026Q3 2>err &&
	test_grep "not a report period" err &&
	test_exit_status 2 ctl report --period 2026Q1 --quarter 2026Q1 2>err
'

test_expect_success 'CSV for a spreadsheet: UTF-8 mark, ISO dates, no number' '
	ctl report --period 2026Q1 --format csv >q1.csv &&
	test "$(head -c 3 q1.csv | od -An -tx1 | tr -d " ")" = efbbbf &&
	test_grep "^total,total,,,3,1,2,0,2,.*,2026-01-01,2026-04-05,2026-04-06 00:00:00$" q1.csv &&
	test_grep "^dimension,D4,,Kiểm soát tham nhũng,1," q1.csv &&
	ctl export --format csv --period 2026Q1 >e.csv 2>/dev/null &&
	test "$(head -c 3 e.csv | od -An -tx1 | tr -d " ")" = efbbbf &&
	test_grep "^PA-000001,2026-01-10 09:00:00,infrastructure,D6,,confirmed,inject,2026-01-15 23:59:59,2026-01-11 09:00:00,2026-01-12 09:00:00,false," e.csv &&
	test "$(grep -c "^PA-" e.csv)" = 3 &&
	! grep -q "8491000001" q1.csv e.csv
'

test_expect_success 'HTML ready to print: the form of an administrative report' '
	LANG=vi_VN.UTF-8 ctl report --period 2026Q1 --format html >q1.html &&
	test_grep "<html lang=\"vi\">" q1.html &&
	test_grep "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" q1.html &&
	test_grep "Độc lập - Tự do - Hạnh phúc" q1.html &&
	test_grep "Kính gửi: Ủy ban nhân dân Quận 10" q1.html &&
	test_grep "quý I năm 2026 (2026Q1)" q1.html &&
	test_grep "TM. Ủy ban nhân dân phường" q1.html &&
	test "$(grep -c "<tr class=\"dim\">" q1.html)" = 8
'

if command -v weasyprint >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
test_expect_success 'PDF: rendered, and read back with pdftotext, Vietnamese intact' '
	LANG=vi_VN.UTF-8 ctl report --period 2026H1 --format pdf --output h1.pdf &&
	test "$(head -c 5 h1.pdf)" = "%PDF-" &&
	pdftotext -layout h1.pdf h1.txt &&
	test_grep "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" h1.txt &&
	test_grep "BÁO CÁO" h1.txt &&
	test_grep "Báo cáo kết quả tiếp nhận, xử lý phản ánh, kiến nghị của người dân" h1.txt &&
	test_grep "6 tháng đầu năm 2026 (2026H1)" h1.txt &&
	test_grep "Kiểm soát tham nhũng" h1.txt &&
	test_grep "Tham nhũng, tiêu cực  *1  *0  *1  *1 " h1.txt &&
	test_grep "TỔNG CỘNG  *4  *1  *3  *1 " h1.txt &&
	test_grep "Số liệu chốt tại thời điểm 2026-06-05 00:00" h1.txt &&
	ctl report --period 2026H1 --format pdf >h1b.pdf &&
	test "$(head -c 5 h1b.pdf)" = "%PDF-"
'
else
test_skip 'PDF: rendered, and read back with pdftotext' 'weasyprint or pdftotext missing'
fi

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_expect_success 'the test clock: 31 March 2026, 4 working days before the Q1 cut-off' '
	ctl_conf r.conf "
channels = ( { name = \"gen\"; type = \"generic\"; base_url = \"http://127.0.0.1:9\"; } );
reports = { remind_days = 3; remind_numbers = [ \"+84900000077\" ];
    remind_channel = \"gen\"; };" &&
	clock "2026-03-31 09:00" &&
	PAPIGWD=$PAPIGWD_HOOKS PAPIGW_TEST_CLOCK="$TRASH/clock" \
	    start_daemon -c r.conf &&
	ctl report --due >due &&
	test_grep "^Next report: the first quarter of 2026 (2026Q1), due 2026-04-06" due &&
	test_grep "^4 working days left" due &&
	! grep -q Reminder due &&
	ctl --json status >st.json &&
	test "$(jget st.json "\$.report_due")" = "" &&
	# The timer runs every second: two see a run, which sends nothing.
	sleep 2 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE recipient = '"'+84900000077'"'")" = 0
'

test_expect_success '1 April: 3 working days left, the reminder goes out once' '
	clock "2026-04-01 09:00" &&
	wait_for "grep -q \"reports: the report 2026Q1 is due on 2026-04-06, in 3 working days: reminder sent (1 SMS)\" daemon.log" &&
	test "$(sql "SELECT kind || '"' '"' || channel || '"' '"' || text FROM outbox WHERE recipient = '"'+84900000077'"'")" = "info gen papigw: bao cao quy I 2026 gui quan, chot so lieu ngay 2026-04-06 (con 3 ngay lam viec): papictl report --period 2026Q1" &&
	test "$(sql "SELECT detail FROM audit WHERE action = '"'report.reminder'"'")" = "report 2026Q1 due 2026-04-06, 3 working days left, 1 SMS" &&
	ctl status >st &&
	test_grep "^Report due: the first quarter of 2026 (2026Q1), figures as of 2026-04-06: 3 working days left" st &&
	ctl report --due >due &&
	test_grep "^Reminder sent 2026-04-01 09:00" due &&
	clock "2026-04-02 09:00" &&
	wait_for "ctl report --due | grep -q \"^2 working days left\"" &&
	sleep 2 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE recipient = '"'+84900000077'"'")" = 1
'

test_expect_success 'the day itself: due today; the day after, the next period' '
	clock "2026-04-06 10:00" &&
	ctl report --due >due &&
	test_grep "^Next report: the first quarter of 2026 (2026Q1)" due &&
	test_grep "^Due today" due &&
	clock "2026-04-07 10:00" &&
	ctl report --due >due &&
	test_grep "^Next report: the first six months of 2026 (2026H1), due 2026-06-05" due &&
	ctl --json status >st.json &&
	test "$(jget st.json "\$.report_due")" = ""
'

test_expect_success 'in Vietnamese' '
	LANG=vi_VN.UTF-8 ctl report --due >due &&
	test_grep "^Báo cáo kế tiếp: 6 tháng đầu năm 2026 (2026H1), hạn gửi ngày 2026-06-05" due &&
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
