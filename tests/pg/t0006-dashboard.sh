#!/bin/sh
test_description='the dashboard on PostgreSQL: overview, cases, a case, deadlines and the report, from its own queries and the control commands'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-web.sh"

# Run by scripts/check-pg.sh (make check-pg) inside pg_virtualenv, which
# sets PAPIGW_TEST_PG: lib.sh then gave this test a database of its own.
if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

test_expect_success 'setup: the dashboard, an inspector, cases' '
	web_pam && web_users &&
	web_conf p.conf &&
	start_daemon -c p.conf &&
	test_grep "web: the dashboard on http://127.0.0.1:$WPORT/" daemon.log &&
	inject +84906600001 "Cán bộ phường đòi 5 triệu mới làm sổ đỏ, tham nhũng" &&
	CORR=$REF &&
	inject +84906600002 "Trộm xe máy trước nhà số 15 hẻm 283, công an không đến" &&
	SEC=$REF &&
	inject +84906600003 "Đèn đường hẻm 12 bị hỏng mấy tuần nay" &&
	ctl reply "$REF" "Phường đã báo điện lực sửa đèn hẻm 12" &&
	ctl close "$REF" &&
	web_login "$WINS" ins.jar
'

test_expect_success 'every page answers from the store' '
	for p in overview:/ cases:/cases case:/case/$SEC \
	    deadlines:/deadlines?days=20 report:/report csv:/report.csv \
	    json:/report.json; do
		wget_page ins.jar "${p#*:}" "page_${p%%:*}" &&
		test "$WSTATUS" = 200 || return 1
	done &&
	! grep -q "class=\"error\"" page_overview page_deadlines page_cases &&
	test_grep "href=\"/case/$CORR\"" page_cases &&
	test_grep "id=\"ref\">$SEC<" page_case &&
	test_grep "$SEC" page_deadlines &&
	test_grep "id=\"parts\">[0-9]*<" page_overview
'

# The overview keeps its figures up to web.refresh (2) seconds: asked
# again until they hold the cases of the setup.
test_expect_success 'the overview: open cases, the new cases of today' '
	wait_for "wget_page ins.jar / page_overview &&
	    test \"\$(sed -n \"s/.*id=.open.>\\([0-9]*\\)<.*/\\1/p\" page_overview)\" = 2" 10 &&
	test_grep "data-category=\"corruption\"" page_overview
'

test_expect_success "the report page: today's cases by source" '
	day=$(date +%Y-%m-%d) && rq="?from=$day&to=$day" &&
	wget_page ins.jar "/report$rq" page_report &&
	test "$WSTATUS" = 200 &&
	test_grep "<td>Tin nhắn SMS</td><td>3</td>" page_report &&
	wget_page ins.jar "/report.json$rq" page_rj &&
	test "$(jget page_rj "\$.total.cases")" = 3 &&
	test "$(jget page_rj "\$.total.resolved")" = 1
'

test_expect_success 'no query failed on PostgreSQL' '
	! grep "store: figures:\|store: query:" daemon.log
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
