#!/bin/sh
test_description='dashboard over HTTP: PAM logins, limits, sessions, roles, headers, pages, downloads, TLS'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-web.sh"

U="http://127.0.0.1"
NUM1=912340601		# the digits of the residents' numbers
NUM2=987650602

test_expect_success 'papigwd -n: a bad web.listen, a certificate without its key' '
	web_pam && web_users &&
	web_conf bad.conf "" &&
	sed "s/listen = \"127.0.0.1:$WPORT\"/listen = \"nowhere\"/" bad.conf \
	    >bad1.conf &&
	test_must_fail "$PAPIGWD" -n -c bad1.conf 2>err &&
	test_grep "bad1.conf:[0-9]*: web.listen: .nowhere. is not ADDR:PORT" err &&
	sed "s|refresh = 2;|refresh = 2; tls_cert = \"c.pem\";|" bad.conf \
	    >bad2.conf &&
	test_must_fail "$PAPIGWD" -n -c bad2.conf 2>err &&
	test_grep "bad2.conf:[0-9]*: web.tls_cert and web.tls_key go together" err
'

test_expect_success 'setup: the dashboard, an officer, an inspector, cases' '
	web_conf p.conf &&
	start_daemon -c p.conf &&
	test_grep "web: the dashboard on http://127.0.0.1:$WPORT/" daemon.log &&
	inject +84$NUM1 "Cán bộ phường đòi 5 triệu mới làm sổ đỏ, tham nhũng" &&
	CORR=$REF &&
	inject +84$NUM2 "Trộm xe máy trước nhà số 15 hẻm 283, công an không đến" &&
	SEC=$REF &&
	test "$(sql "SELECT category FROM cases WHERE ref_number = ${CORR#PA-}")" = corruption &&
	test "$(sql "SELECT category FROM cases WHERE ref_number = ${SEC#PA-}")" != corruption &&
	ctl note "$SEC" "đã báo công an khu vực" >/dev/null
'

test_expect_success 'no session: pages send to the login, updates get 401' '
	code=$(wcurl -o out -w "%{http_code}" "$U:$WPORT/") &&
	test "$code" = 303 &&
	test_grep "^Location: /login" h &&
	code=$(wcurl -o out -w "%{http_code}" -H "X-Papigw-Fragment: 1" \
	    "$U:$WPORT/cases") &&
	test "$code" = 401
'

test_expect_success 'the login page: strict CSP and no framing, nothing from elsewhere' '
	code=$(wcurl -o login.html -w "%{http_code}" "$U:$WPORT/login") &&
	test "$code" = 200 &&
	test_grep "^Content-Security-Policy: default-src .none.; script-src .self.; style-src .self.;" h &&
	test_grep "frame-ancestors .none." h &&
	test_grep "^X-Frame-Options: DENY" h &&
	test_grep "^X-Content-Type-Options: nosniff" h &&
	test_grep "name=\"password\"" login.html &&
	! grep -E "(src|href)=\"(https?:)?//" login.html
'

test_expect_success 'a wrong password: 401, no cookie, audited' '
	code=$(wcurl -o out -w "%{http_code}" --data-urlencode "user=$WOFF" \
	    --data-urlencode "password=wrong" "$U:$WPORT/login") &&
	test "$code" = 401 &&
	! grep -i "^Set-Cookie: papigw_session" h &&
	ctl audit >audit.out &&
	test_grep "$WOFF.*web.login.failed.*from 127.0.0.1" audit.out
'

test_expect_success 'a good password: a session cookie, HttpOnly, SameSite=Strict, not Secure on HTTP' '
	web_login "$WOFF" off.jar &&
	test_grep "^Set-Cookie: papigw_session=[0-9a-f]\{64\}; Path=/; Max-Age=[0-9]*; HttpOnly; SameSite=Strict" h &&
	! grep "^Set-Cookie:.*Secure" h &&
	ctl audit >audit.out &&
	test_grep "$WOFF.*web.login .*from 127.0.0.1" audit.out &&
	wget_page off.jar / ov.html && test "$WSTATUS" = 200 &&
	test_grep "id=\"user\">$WOFF<" ov.html &&
	test_grep "ward-officers" ov.html
'

test_expect_success 'a user without a role cannot log in, whatever the password' '
	sed -i "s/users = \[ \"$WOFF\" \]/users = [ \"nobody-else\" ]/" p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"configuration reloaded\" daemon.log" &&
	code=$(wcurl -o out -w "%{http_code}" --data-urlencode "user=$WOFF" \
	    --data-urlencode "password=$WPASS" "$U:$WPORT/login") &&
	test "$code" = 401 &&
	wget_page off.jar / out && test "$WSTATUS" = 303 &&
	sed -i "s/users = \[ \"nobody-else\" \]/users = [ \"$WOFF\" ]/" p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "test \$(grep -c \"configuration reloaded\" daemon.log) = 2" &&
	web_login "$WOFF" off.jar
'

test_expect_success 'forged and stale session cookies are refused' '
	printf "127.0.0.1\tFALSE\t/\tFALSE\t0\tpapigw_session\t%s\n" \
	    "$(printf %064d 7)" >forged.jar &&
	wget_page forged.jar / out && test "$WSTATUS" = 303 &&
	printf "127.0.0.1\tFALSE\t/\tFALSE\t0\tpapigw_session\t%s\n" \
	    "<script>" >forged2.jar &&
	wget_page forged2.jar /cases out && test "$WSTATUS" = 303
'

test_expect_success 'the officer sees every page' '
	for p in overview:/ cases:/cases case:/case/$SEC deadlines:/deadlines \
	    report:/report csv:/report.csv json:/report.json; do
		wget_page off.jar "${p#*:}" "page_${p%%:*}" &&
		test "$WSTATUS" = 200 || return 1
	done &&
	test_grep "href=\"/case/$SEC\"" page_cases &&
	test_grep "id=\"ref\">$SEC<" page_case &&
	test_grep "đã báo công an khu vực" page_case &&
	test_grep "^kind,id,name,cases" page_csv &&
	test_grep "^Content-Disposition: attachment; filename=\"papigw-report-" h &&
	wget_page off.jar "/deadlines?days=20" page_due &&
	test_grep "$SEC" page_due
'

test_expect_success 'the officer cannot see the corruption queue by any URL' '
	! grep -q "$CORR" page_cases &&
	! grep -q "value=\"corruption\"" page_cases &&
	! grep -q "corruption" page_overview &&
	! grep -q "\"corruption\"" page_json &&
	! grep -q "corruption" page_csv &&
	! grep -q "$CORR" page_deadlines &&
	wget_page off.jar "/case/$CORR" c1 && test "$WSTATUS" = 404 &&
	wget_page off.jar "/case/PA-999999" c2 && test "$WSTATUS" = 404 &&
	# The same page but for the reference (and the time it was made).
	test "$(sed "s/$CORR/REF/; s/id=\"updated\">[^<]*/T/" c1)" = \
	    "$(sed "s/PA-999999/REF/; s/id=\"updated\">[^<]*/T/" c2)" &&
	wget_page off.jar "/cases?category=corruption" c3 &&
	test "$WSTATUS" = 403 &&
	wget_page off.jar "/channels" c4 && test "$WSTATUS" = 403 &&
	# The queues are figures up to web.refresh (2) seconds old: the
	# overview is asked again until they hold the cases made in setup.
	wait_for "wget_page off.jar / page_overview &&
	    test \"\$(sed -n \"s/.*id=.open.>\\([0-9]*\\)<.*/\\1/p\" page_overview)\" = 1" 10 &&
	test "$(grep -o "class=\"open\">[0-9]*" page_overview |
	    cut -d">" -f2 | awk "{ n += \$1 } END { print n }")" = 1 &&
	! grep -q "corruption" page_overview
'

test_expect_success 'the inspector sees corruption, and the channels are for administrators' '
	web_login "$WINS" ins.jar &&
	wget_page ins.jar /cases ic && test "$WSTATUS" = 200 &&
	test_grep "$CORR" ic &&
	wget_page ins.jar "/case/$CORR" icase && test "$WSTATUS" = 200 &&
	test_grep "tham nhũng" icase &&
	wait_for "wget_page ins.jar / iov &&
	    test \"\$(sed -n \"s/.*id=.open.>\\([0-9]*\\)<.*/\\1/p\" iov)\" = 2" 10 &&
	test_grep "data-category=\"corruption\"" iov &&
	wget_page ins.jar /report.json ij && test_grep "\"corruption\"" ij &&
	wget_page ins.jar /channels ich && test "$WSTATUS" = 403
'

# src_cases FILE SOURCE: the cases of SOURCE ("sms", "box"...) in the
# report's CSV.
src_cases() {
	sed -n "s/^\"source\",\"$2\",\"[^\"]*\",\([0-9]*\),.*/\1/p" "$1"
}

# The quarter's report is kept a minute (made at start-up, before the
# cases): today's is made now.
test_expect_success 'the report page: the same cases by source, for each role' '
	day=$(date +%Y-%m-%d) && rq="?from=$day&to=$day" &&
	wget_page off.jar "/report$rq" page_report &&
	test_grep "<table id=\"sources\">" page_report &&
	test_grep "<td>Tin nhắn SMS</td><td>1</td>" page_report &&
	test_grep "<td>Hộp thư góp ý</td><td>0</td>" page_report &&
	test "$(sed -n "s/.*<table id=\"sources\">.*<tfoot><tr><td>Tổng<\/td><td>\([0-9]*\)<.*/\1/p" page_report)" = 1 &&
	test_grep "id=\"ann-cases\">0<" page_report &&
	wget_page off.jar "/report.csv$rq" page_csv &&
	test "$(src_cases page_csv sms)" = 1 &&
	test "$(src_cases page_csv ussd)" = 0 &&
	wget_page ins.jar "/report.csv$rq" icsv &&
	test "$(src_cases icsv sms)" = 2 &&
	wget_page ins.jar "/report$rq" ireport &&
	test_grep "<td>Tin nhắn SMS</td><td>2</td>" ireport &&
	test "$(ctl --json report --from $day --to $day |
	    jq ".sources[] | select(.id == \"sms\") | .cases")" = 2
'

test_expect_success 'no page holds a resident number, only masked ones' '
	for f in page_* ic icase iov ij; do
		if grep -q "$NUM1\|$NUM2\|0$NUM1\|0$NUM2" "$f"; then
			echo "$f holds a number" && return 1
		fi
	done &&
	test_grep "xxx 602" page_case &&
	! grep -q "unmask" icase
'

test_expect_success 'pages in Vietnamese and English' '
	wcurl -o vi.html -b off.jar "$U:$WPORT/?lang=vi" &&
	test_grep "<html lang=\"vi\">" vi.html && test_grep "Tổng quan" vi.html &&
	test_grep "^Set-Cookie: papigw_lang=vi" h &&
	wcurl -o en.html -b off.jar -c off.jar "$U:$WPORT/?lang=en" &&
	test_grep "<html lang=\"en\">" en.html && test_grep "Overview" en.html &&
	wget_page off.jar /deadlines en2.html &&
	test_grep "Falling due in the next working days" en2.html
'

test_expect_success 'an update is the inside of <main> only' '
	wcurl -o frag -b off.jar -H "X-Papigw-Fragment: 1" "$U:$WPORT/" &&
	! grep -q "<html" frag &&
	test_grep "id=\"updated\"" frag &&
	test_grep "id=\"queues\"" frag
'

test_expect_success 'logout needs the form token, then ends the session (audited)' '
	code=$(wcurl -o out -w "%{http_code}" -b ins.jar -d csrf=nope \
	    "$U:$WPORT/logout") &&
	test "$code" = 403 &&
	wget_page ins.jar / iov2 && test "$WSTATUS" = 200 &&
	csrf=$(sed -n "s/.*name=\"csrf\" value=\"\([0-9a-f]*\)\".*/\1/p" iov2) &&
	test -n "$csrf" &&
	code=$(wcurl -o out -w "%{http_code}" -b ins.jar -d "csrf=$csrf" \
	    "$U:$WPORT/logout") &&
	test "$code" = 303 &&
	test_grep "^Set-Cookie: papigw_session=; Path=/; Max-Age=0" h &&
	wget_page ins.jar / out && test "$WSTATUS" = 303 &&
	ctl audit >audit.out && test_grep "$WINS.*web.logout" audit.out
'

test_expect_success 'failed logins are limited per user and per address (audited)' '
	for i in 1 2 3 4 5; do
		wcurl --interface 127.0.0.2 -o out --data-urlencode "user=$WINS" \
		    --data-urlencode "password=bad$i" "$U:$WPORT/login" ||
		    return 1
	done &&
	code=$(wcurl --interface 127.0.0.3 -o out -w "%{http_code}" \
	    --data-urlencode "user=$WINS" --data-urlencode "password=$WPASS" \
	    "$U:$WPORT/login") &&
	test "$code" = 429 &&
	for i in 1 2 3 4 5; do
		wcurl --interface 127.0.0.4 -o out \
		    --data-urlencode "user=guess$i" \
		    --data-urlencode "password=x" "$U:$WPORT/login" || return 1
	done &&
	code=$(wcurl --interface 127.0.0.4 -o out -w "%{http_code}" \
	    --data-urlencode "user=$WOFF" --data-urlencode "password=$WPASS" \
	    "$U:$WPORT/login") &&
	test "$code" = 429 &&
	code=$(wcurl --interface 127.0.0.5 -o out -w "%{http_code}" \
	    --data-urlencode "user=$WOFF" --data-urlencode "password=$WPASS" \
	    "$U:$WPORT/login") &&
	test "$code" = 303 &&
	ctl audit >audit.out &&
	test_grep "$WINS.*web.login.limited.*from 127.0.0.3" audit.out &&
	test_grep "$WOFF.*web.login.limited.*from 127.0.0.4" audit.out
'

test_expect_success 'a session ends after web.session_idle idle seconds, and after web.session_max' '
	sed -i "s/refresh = 2;/refresh = 2; session_idle = 2; session_max = 4;/" \
	    p.conf &&
	kill -HUP $daemon_pid &&
	wait_for "test \$(grep -c \"configuration reloaded\" daemon.log) = 3" &&
	web_login "$WOFF" idle.jar &&
	wget_page idle.jar / out && test "$WSTATUS" = 200 &&
	sleep 3 &&
	wget_page idle.jar / out && test "$WSTATUS" = 303 &&
	web_login "$WOFF" max.jar &&
	start=$(date +%s) &&
	wget_page max.jar / out && test "$WSTATUS" = 200 &&
	wait_for "wget_page max.jar / out && test \"\$WSTATUS\" = 303" 8 &&
	test $(($(date +%s) - start)) -ge 3 &&
	stop_daemon && test "$daemon_status" = 0
'

test_expect_success 'over TLS: https, Secure cookies, HSTS' '
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem \
	    -out cert.pem -days 2 -subj /CN=127.0.0.1 2>/dev/null &&
	sed "s|refresh = 2;|refresh = 2; tls_cert = \"cert.pem\"; tls_key = \"key.pem\";|" \
	    p.conf >tls.conf &&
	start_daemon -c tls.conf &&
	test_grep "web: the dashboard on https://127.0.0.1:$WPORT/" daemon.log &&
	code=$(wcurl -k -o out -w "%{http_code}" -c tls.jar \
	    --data-urlencode "user=$WINS" --data-urlencode "password=$WPASS" \
	    "https://127.0.0.1:$WPORT/login") &&
	test "$code" = 303 &&
	test_grep "^Set-Cookie: papigw_session=.*; SameSite=Strict; Secure" h &&
	test_grep "^Strict-Transport-Security: max-age=" h &&
	test_must_fail curl -sS -o /dev/null "$U:$WPORT/login" 2>/dev/null &&
	code=$(wcurl -k -o out -w "%{http_code}" -b tls.jar \
	    "https://127.0.0.1:$WPORT/report") &&
	test "$code" = 200 &&
	stop_daemon && test "$daemon_status" = 0
'

test_expect_success 'a PAM service that would refuse every login is said at start' '
	sed "s|pam_service = \"$WPAM\"|pam_service = \"papigw-none-$$\"|" \
	    p.conf >nopam.conf &&
	: >daemon.log && start_daemon -c nopam.conf &&
	test_grep "web: /etc/pam.d/papigw-none-$$: no such PAM service: every login will be refused" daemon.log &&
	stop_daemon && test "$daemon_status" = 0 &&
	: >daemon.log && start_daemon -c p.conf &&
	! grep "every login will be refused" daemon.log &&
	stop_daemon && test "$daemon_status" = 0
'

# The sum of the new cases per day in the overview's chart.
daily_sum() {
	grep -o "<title>[0-9][0-9]/[0-9][0-9]: [0-9]*</title>" "$1" |
	    sed "s/.*: \([0-9]*\)<.*/\1/" | awk "{ n += \$1 } END { print n + 0 }"
}

test_expect_success 'the chart of new cases and the on-time share count only what the user may see' '
	sql "UPDATE cases SET deadline = created - 10, first_answered = created + 1
	    WHERE ref_number = ${CORR#PA-};
	    UPDATE cases SET first_answered = created + 1
	    WHERE ref_number = ${SEC#PA-}" &&
	start_daemon -c p.conf &&
	web_login "$WOFF" off2.jar && web_login "$WINS" ins2.jar &&
	wget_page off2.jar / ov_off && test "$WSTATUS" = 200 &&
	wget_page ins2.jar / ov_ins && test "$WSTATUS" = 200 &&
	test "$(daily_sum ov_off)" = 1 &&
	test "$(daily_sum ov_ins)" = 2 &&
	test_grep "id=\"ontime\">100%<" ov_off &&
	test_grep "id=\"ontime\">50%<" ov_ins &&
	wget_page off2.jar "/deadlines?days=20" due_off &&
	test_grep "$SEC" due_off &&
	stop_daemon && test "$daemon_status" = 0
'

test_done
