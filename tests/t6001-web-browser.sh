#!/bin/sh
test_description='dashboard in headless Chromium: login, every page through the DOM, updates, no JavaScript error, screenshots'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-web.sh"

# The screenshots outlive the test's directory.
SHOTS="$BUILD/screenshots/t6001"
CDP="python3 $TESTS_DIR/tools/cdp.py"
export CDP_LOG="$TRASH/chromium.log"

# cdp PLAN OUT: runs the plan, its lines in OUT; fails when it does.
cdp() {
	$CDP "$1" >"$2" 2>&1
	st=$?
	cat "$2" >&2
	return $st
}

test_expect_success 'setup: the dashboard, an officer and an administrator, cases' '
	command -v chromium >/dev/null &&
	mkdir -p "$SHOTS" && rm -f "$SHOTS"/*.png &&
	web_pam && web_users &&
	web_conf p.conf "reports = { exact_up_to = 0; };" &&
	sed -i "s/kind = \"inspector\"/kind = \"administrator\"/" p.conf &&
	start_daemon -c p.conf &&
	inject +84912340701 "Cán bộ phường đòi 5 triệu mới làm sổ đỏ, tham nhũng" &&
	CORR=$REF &&
	inject +84912340702 "Trộm xe máy trước nhà số 15 hẻm 283, công an không đến" &&
	SEC=$REF &&
	inject +84912340703 "Đường Nguyễn Tri Phương bị ngập nước 2 ngày rồi, ko ai sửa cống" &&
	inject +84912340704 "duong bi ngap, rac thai khong ai don" &&
	inject +84912340705 "Xin hỏi thủ tục đăng ký khai sinh cần giấy tờ gì" &&
	ctl note "$SEC" "đã báo công an khu vực" >/dev/null &&
	OPEN=$(sql "SELECT count(*) FROM cases WHERE category <> '"'corruption'"'") &&
	test "$OPEN" -ge 3
'

login_steps() {
	cat <<EOF
	{"go": "http://127.0.0.1:$WPORT/"},
	{"check": "location.pathname === '/login'", "what": "sent to the login"},
	{"fill": ["#user", "$1"]},
	{"fill": ["#password", "$WPASS"]},
	{"click": "#login"},
	{"check": "location.pathname === '/'", "what": "on the overview"},
EOF
}

officer_plan() {
	echo "[" && login_steps "$WOFF" && cat <<EOF
	{"check": "document.documentElement.lang === 'vi' && document.querySelector('h1').textContent === 'Tổng quan'", "what": "Vietnamese by default"},
	{"check": "document.getElementById('user').textContent === '$WOFF'", "what": "the user named"},
	{"wait": "document.getElementById('open').textContent === '$OPEN'", "what": "open cases (figures up to web.refresh seconds old: the page brings them up to date)"},
	{"check": "document.querySelectorAll('svg.chart.columns rect.bar').length === 30", "what": "30 days of columns"},
	{"check": "document.querySelectorAll('svg.chart.bars rect.bar').length === document.querySelectorAll('#queues tbody tr').length", "what": "a bar per category"},
	{"check": "!document.querySelector('[data-category=corruption]') && document.body.innerHTML.indexOf('$CORR') < 0", "what": "no corruption"},
	{"check": "!document.querySelector('a[href=\"/channels\"]')", "what": "no channels for officers"},
	{"shot": "$SHOTS/officer-overview.png"},
	{"go": "http://127.0.0.1:$WPORT/cases"},
	{"check": "document.querySelectorAll('#cases tbody tr').length === $OPEN", "what": "every case seen"},
	{"check": "document.body.innerHTML.indexOf('$CORR') < 0", "what": "no corruption case"},
	{"check": "![...document.querySelectorAll('#f-category option')].some(o => o.value === 'corruption')", "what": "no corruption filter"},
	{"shot": "$SHOTS/officer-cases.png"},
	{"click": "#cases a[href=\"/case/$SEC\"]"},
	{"check": "document.getElementById('ref').textContent === '$SEC'", "what": "the case page"},
	{"check": "document.querySelectorAll('#thread li').length >= 2", "what": "message and acknowledgement"},
	{"check": "document.getElementById('notes').textContent.indexOf('đã báo công an khu vực') >= 0", "what": "the note"},
	{"check": "document.getElementById('facts').textContent.indexOf('xxx 702') >= 0 && document.body.innerHTML.indexOf('912340702') < 0", "what": "the number masked"},
	{"shot": "$SHOTS/officer-case.png"},
	{"go": "http://127.0.0.1:$WPORT/deadlines"},
	{"check": "document.querySelectorAll('#due, #overdue').length === 2", "what": "both deadline tables"},
	{"shot": "$SHOTS/officer-deadlines.png"},
	{"go": "http://127.0.0.1:$WPORT/report"},
	{"check": "document.querySelectorAll('#report tbody:first-of-type tr').length >= 5", "what": "the categories"},
	{"check": "[...document.querySelectorAll('#report td')].every(td => td.textContent.indexOf('Kiểm soát tham nhũng') < 0 || td.parentNode.parentNode.className === 'dims')", "what": "corruption only as a dimension"},
	{"check": "document.getElementById('csv').getAttribute('href').indexOf('/report.csv?quarter=') === 0", "what": "the CSV download"},
	{"check": "document.querySelectorAll('#sources tbody tr').length === 6", "what": "the cases by source"},
	{"check": "document.querySelector('#sources tfoot td:nth-child(2)').textContent === document.querySelector('#report tfoot td:nth-child(2)').textContent", "what": "the sources add up to the total"},
	{"shot": "$SHOTS/officer-report.png"}
]
EOF
}

test_expect_success 'the officer: overview, cases, a case, deadlines, report; corruption nowhere' '
	officer_plan >officer.json &&
	cdp officer.json officer.out &&
	test_grep "^ok shot .*officer-report.png" officer.out &&
	test -s "$SHOTS/officer-overview.png"
'

admin_plan() {
	echo "[" && login_steps "$WINS" && cat <<EOF
	{"click": "a[href=\"?lang=en\"]"},
	{"check": "document.documentElement.lang === 'en' && document.querySelector('h1').textContent === 'Overview'", "what": "English"},
	{"check": "!!document.querySelector('#queues [data-category=corruption]')", "what": "corruption seen"},
	{"wait": "document.getElementById('open').textContent === '$((OPEN + 1))'", "what": "open cases"},
	{"shot": "$SHOTS/overview.png"},
	{"wait": "document.getElementById('open').textContent === '$((OPEN + 2))'", "what": "a new case shows without a reload"},
	{"go": "http://127.0.0.1:$WPORT/channels"},
	{"check": "document.querySelectorAll('#channels tbody tr').length >= 1 && document.getElementById('health').children.length >= 1", "what": "channels and health"},
	{"shot": "$SHOTS/admin-channels.png"},
	{"go": "http://127.0.0.1:$WPORT/case/$CORR"},
	{"check": "document.getElementById('thread').textContent.indexOf('tham nhũng') >= 0", "what": "the corruption case"},
	{"click": "#logout"},
	{"check": "location.pathname === '/login'", "what": "logged out"},
	{"go": "http://127.0.0.1:$WPORT/report"},
	{"check": "location.pathname === '/login'", "what": "the session ended"}
]
EOF
}

test_expect_success 'the administrator: English, the channels, corruption; pages update themselves' '
	admin_plan >admin.json &&
	{ $CDP admin.json >admin.out 2>&1 & } &&
	cdp_pid=$! &&
	wait_for "grep -q \"^ok shot .*overview.png\" admin.out || ! kill -0 $cdp_pid" 60 &&
	inject +84912340706 "Xin hỏi thủ tục cấp lại căn cước" &&
	{ wait $cdp_pid; st=$?; cat admin.out >&2; test $st = 0; } &&
	test_grep "^ok wait a new case shows" admin.out &&
	test_grep "^ok check the session ended" admin.out &&
	test -s "$SHOTS/overview.png"
'

# A day of the week before, over: two cases of it answered and resolved,
# written into the store as the day went.
DAY=$(date -d "6 days ago" +%F)
at() {
	date -d "$DAY $1" +%s
}

summed_plan() {
	echo "[" && login_steps "$WINS" && cat <<EOF
	{"go": "http://127.0.0.1:$WPORT/report?from=$DAY&to=$DAY&lang=en"},
	{"check": "document.getElementById('summed').textContent === 'From the daily sums: counts exact, times within 1 %'", "what": "summed, and said so"},
	{"check": "document.querySelector('#report tfoot td:nth-child(2)').textContent === '2'", "what": "the day's two cases"},
	{"check": "document.querySelector('#report tfoot td:nth-child(6)').textContent === '100%'", "what": "both answered on time"},
	{"shot": "$SHOTS/admin-report-summed.png"}
]
EOF
}

# day_case N: case 9000N of $DAY, answered at 11:00 and resolved at 15:00.
day_case() {
	sql "BEGIN; INSERT INTO cases (ref_number, category, state, sender,
	    channel, deadline, created, updated, answered, first_answered,
	    closed, source) VALUES (9000$1, 'infrastructure', 'resolved',
	    '+8491234079$1', 'inject', $(at 23:00), $(at 08:0$1), $(at 15:00),
	    $(at 11:00), $(at 11:00), $(at 15:00), 'sms');
	    INSERT INTO case_events (case_id, at, actor, from_state, to_state)
	    SELECT id, $(at 11:00), 'lan', 'received', 'in_progress' FROM cases
	    WHERE ref_number = 9000$1;
	    INSERT INTO case_events (case_id, at, actor, from_state, to_state)
	    SELECT id, $(at 15:00), 'lan', 'in_progress', 'resolved' FROM cases
	    WHERE ref_number = 9000$1;
	    COMMIT"
}

# folded_all: the fold has read every case.
folded_all() {
	test "$(sql "SELECT (SELECT value FROM counters WHERE name =
	    'report_fold_ids') >= (SELECT max(id) FROM cases)")" = 1
}

test_requires_sqlite 'the daily sums are kept on SQLite only'
test_expect_success 'a day over, from the daily sums, says so' '
	day_case 1 && day_case 2 &&
	wait_for folded_all 30 &&
	summed_plan >summed.json &&
	cdp summed.json summed.out &&
	test -s "$SHOTS/admin-report-summed.png"
'

test_expect_success 'a JavaScript error fails the browser check' '
	cat >bad.json <<-EOF &&
	[{"go": "data:text/html,<script>no_such_function()</script>"}]
	EOF
	test_must_fail $CDP bad.json >bad.out 2>&1 &&
	test_grep "^JS ERROR .*no_such_function" bad.out
'

test_done
