#!/bin/sh
test_description='papictl case commands over the real socket: the case lifecycle, replies, satisfaction, outbox'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

# A case's column in the database.
col() {
	sql "SELECT $2 FROM cases WHERE ref_number = ${1#PA-}"
}

test_expect_success 'start' '
	ctl_conf p.conf &&
	start_daemon -c p.conf
'

test_expect_success 'without a daemon: exit 1 and why' '
	test_exit_status 1 "$PAPICTL" -s "$TRASH/nothing.sock" status 2>err &&
	test_grep "cannot reach papigwd at $TRASH/nothing.sock" err
'

test_expect_success 'inject opens cases; the same message again is a duplicate' '
	inject +84912345601 "Đường Nguyễn Tri Phương bị ngập nước 2 ngày rồi, ko ai sửa cống" &&
	A=$REF &&
	inject +84912345602 "Trộm xe máy trước nhà số 15 hẻm 283, công an không đến" &&
	B=$REF &&
	inject +84912345603 "duong bi ngap, rac thai khong ai don" &&
	C=$REF &&
	test "$A" = PA-000001 && test "$C" = PA-000003 &&
	ctl --json inject --from +84912345603 "duong bi ngap, rac thai khong ai don" >d.json &&
	test "$(jget d.json "\$.duplicate")" = 1 &&
	test "$(jget d.json "\$.ref")" = "$C" &&
	test "$(sql "SELECT count(*) FROM cases")" = 3 &&
	ctl inject --from +84912345604 "chào anh" >out &&
	test_grep "stored: greeting, no case" out
'

test_expect_success 'list: newest first, filters, limit and the next page' '
	ctl list >out &&
	test "$(sed -n 2p out | cut -d" " -f1)" = "$C" &&
	test "$(sed -n 4p out | cut -d" " -f1)" = "$A" &&
	ctl list --category security >out &&
	test "$(grep -c "^PA-" out)" = 1 && test_grep "^$B " out &&
	ctl list --state received --limit 2 >out &&
	test "$(grep -c "^PA-" out)" = 2 &&
	test_grep "more: papictl list --state received --limit 2 --before PA-000002" out &&
	ctl list --before PA-000002 >out &&
	test "$(grep -c "^PA-" out)" = 1 && test_grep "^$A " out &&
	ctl list --overdue >out && test_grep "no cases" out &&
	test_exit_status 2 ctl list --state bogus 2>err &&
	test_grep "state .bogus. is not one of" err &&
	test_exit_status 2 ctl list --limit 0 &&
	test_exit_status 2 ctl list extra
'

test_expect_success 'show: the thread (message and acknowledgement), history' '
	ctl show "$A" >out &&
	test_grep "^$A  Infrastructure (D6, infrastructure)  received$" out &&
	test_grep "From: *R-1 +84 91x xxx 601" out &&
	test_grep "<  inject .*Nguyễn Tri Phương" out &&
	test_grep ">  inject *queued" out &&
	test_grep "papigwd .*received" out &&
	! grep -q 912345601 out &&
	ctl --json show "$A" >c.json &&
	test "$(jget c.json "\$.thread[0].dir")" = in &&
	test "$(jget c.json "\$.thread[1].kind")" = ack &&
	test "$(jget c.json "\$.history[0].to")" = received &&
	test "$(jget c.json "\$.thread[0].kind")" = feedback &&
	test "$(sql "SELECT count(*) FROM inbound WHERE id = 1 AND kind IS NULL")" = 1 &&
	test "$(jget c.json "\$.thread[0].decision.by")" = router &&
	test "$(jget c.json "\$.thread[0].decision.lang")" = vi &&
	test "$(jget c.json "\$.thread[0].decision.score")" = 1.0 &&
	test_grep "^Routed by:  the keyword router .score [0-9]" out &&
	test "$(sql "SELECT count(*) FROM inbound WHERE id = 1
	    AND decision = '"'[1.0,\\\"vi\\\"]'"'")" = 1 &&
	test_exit_status 2 ctl show &&
	test_exit_status 2 ctl show PB-1
'

test_expect_success 'claim, assign, note: states, assignee, events, audit' '
	ctl claim "$A" >out &&
	test_grep "$A claimed by root (received -> assigned)" out &&
	ctl assign "$B" root >out &&
	test_grep "$B assigned to root (received -> assigned)" out &&
	ctl note "$A" "Đã gọi tổ trưởng tổ dân phố 5" >out &&
	test_grep "$A: note 1 added" out &&
	test "$(col "$A" "state || assignee")" = assignedroot &&
	ctl list --mine >out &&
	test "$(grep -c "^PA-" out)" = 2 &&
	ctl show "$A" >out &&
	test_grep "root .*received *assigned *claimed by root" out &&
	test_grep "Đã gọi tổ trưởng" out &&
	test "$(sql "SELECT group_concat(action, '"' '"') FROM (SELECT action FROM audit WHERE actor = '"'root'"' AND action LIKE '"'case.%'"' ORDER BY id) AS t")" = "case.claim case.assign case.note"
'

test_expect_success 'reply --dry-run: SMS parts and encoding, nothing queued' '
	n=$(sql "SELECT count(*) FROM outbox") &&
	t160=$(printf "%0160d" 0 | tr 0 a) &&
	ctl reply --dry-run "$A" "$t160" >out &&
	test_grep "^$A: 1 SMS part, gsm7 encoding (dry run: not sent)" out &&
	ctl reply --dry-run "$A" "${t160}b" >out &&
	test_grep "2 SMS parts, gsm7" out &&
	ctl reply --dry-run "$A" "Đã sửa xong cống" >out &&
	test_grep "1 SMS part, ucs2" out &&
	t71=$(printf "đ%.0s" $(seq 71)) &&
	ctl --json reply --dry-run "$A" "$t71" >r.json &&
	test "$(jget r.json "\$.segments")" = 2 &&
	test "$(jget r.json "\$.encoding")" = ucs2 &&
	test "$(sql "SELECT count(*) FROM outbox")" = "$n"
'

test_expect_success 'reply: the cost first, then queued as an answer' '
	ctl reply "$A" "Phuong da cho nao vet cong, xin cam on." >out &&
	test "$(sed -n 1p out)" = "$A: 1 SMS part, gsm7 encoding" &&
	test_grep "^queued as outbox [0-9]* (case assigned -> in progress)" out &&
	id=$(sed -n "s/^queued as outbox \([0-9]*\).*/\1/p" out) &&
	test "$(sql "SELECT kind || recipient || state || segments FROM outbox WHERE id = $id")" = "answer+84912345601queued1" &&
	test "$(col "$A" state)" = in_progress &&
	test "$(col "$A" "CAST(first_answered IS NOT NULL AS INTEGER)")" = 1
'

test_expect_success 'close: resolved, a note, the satisfaction question queued' '
	ctl close --note "Đã nạo vét" "$A" >out &&
	test_grep "$A closed (in progress -> resolved)" out &&
	test "$(col "$A" "state || (CAST(closed IS NOT NULL AS INTEGER)) || (CAST(satisfaction_asked IS NOT NULL AS INTEGER))")" = resolved11 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE case_id = $(col "$A" id) AND text LIKE '"'$A da duoc xu ly%'"'")" = 1 &&
	test_exit_status 1 ctl close "$A" 2>err &&
	test_grep "already resolved" err &&
	test_exit_status 1 ctl reopen "$B" 2>err &&
	test_grep "the case is assigned, not closed" err
'

test_expect_success 'the resident answers 4: confirmed, score kept' '
	ctl inject --from +84912345601 " 4 " >out &&
	test_grep "joined $A" out &&
	test "$(col "$A" "state || satisfaction")" = confirmed4 &&
	test "$(sql "SELECT actor || '"' '"' || to_state FROM case_events WHERE case_id = $(col "$A" id) ORDER BY id DESC LIMIT 1")" = "resident confirmed" &&
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'case.satisfaction'"'")" = 1 &&
	test "$(sql "SELECT count(*) FROM cases")" = 3
'

test_expect_success 'a second answer is an ordinary message again' '
	ctl inject --from +84912345601 "5" >out &&
	! grep -q "joined $A" out &&
	test "$(sql "SELECT count(*) FROM cases")" = 4 &&
	test "$(col "$A" satisfaction)" = 4
'

test_expect_success 'the resident answers 0: reopened with a new deadline' '
	ctl close "$B" >/dev/null &&
	sql "UPDATE cases SET deadline = 1 WHERE ref_number = ${B#PA-}" &&
	ctl inject --from +84912345602 "0" >out &&
	test_grep "joined $B" out &&
	test "$(col "$B" "state || CAST(deadline > strftime('"'%s'"', '"'now'"') AS INTEGER) || (CAST(reopened IS NOT NULL AS INTEGER))")" = reopened11 &&
	ctl show "$B" >out &&
	test_grep "resident *resolved *reopened *not solved" out
'

test_expect_success 'quoting the reference of a closed case reopens it' '
	ctl close "$C" >/dev/null &&
	ctl inject --from +84912345603 "$C van chua ai don rac" >out &&
	test_grep "joined $C" out &&
	test "$(col "$C" state)" = reopened &&
	ctl reopen "$A" >out &&
	test_grep "$A reopened (confirmed -> reopened), due " out
'

test_expect_success 'outbox, a failed message, retry' '
	ctl outbox >out &&
	test_grep "^ *ID  REF" out &&
	test_grep "+84 91x xxx 601" out && ! grep -q 912345601 out &&
	id=$(sql "SELECT min(id) FROM outbox") &&
	test_exit_status 1 ctl retry "$id" 2>err &&
	test_grep "has not failed" err &&
	sql "UPDATE outbox SET state = '"'failed'"', last_error = '"'HTTP 500 from the provider'"' WHERE id = $id" &&
	ctl outbox --failed >out &&
	test "$(grep -c "^ *[0-9]" out)" = 1 &&
	test_grep "HTTP 500 from the provider" out &&
	ctl retry "$id" >out &&
	test_grep "outbox $id queued again" out &&
	test "$(sql "SELECT state FROM outbox WHERE id = $id")" = queued &&
	test "$(sql "SELECT detail FROM audit WHERE action = '"'outbox.retry'"'")" = "outbox $id" &&
	test_exit_status 1 ctl retry 999999 2>err &&
	test_grep "no outbox row 999999" err &&
	test_exit_status 2 ctl retry abc
'

test_expect_success 'export: every case, no number' '
	inject +84912345605 "Cống vẫn tắc, gọi tôi số 0912 345 678 hoặc +84.98.765.4321 nhé, nhà số 12" &&
	{ ctl export --format csv >e.csv 2>err || { cat err; false; }; } &&
	test_grep "gọi tôi số \[số\] hoặc \[số\] nhé, nhà số 12" e.csv &&
	test "$(head -n 1 e.csv)" = "$(printf "\357\273\277")ref,created,category,dimension,subcategory,state,channel,deadline,first_answered,closed,overdue,reopened,satisfaction,resident,text" &&
	test_grep "^PA-000001,$(date +%Y-%m-%d) [0-9:]*,infrastructure," e.csv &&
	test "$(grep -c "^PA-" e.csv)" = 5 &&
	test_grep "5 cases exported" err &&
	! grep -q "9123456" e.csv &&
	{ ctl export --format json >e.json 2>err || { cat err; false; }; } &&
	test "$(wc -l <e.json)" = 5 &&
	head -n 1 e.json >e1.json &&
	test "$(jget e1.json "\$.satisfaction")" = 4 &&
	! grep -q "9123456\|0912\|765" e.json &&
	test_exit_status 2 ctl export
'

test_expect_success 'every command has --json: one valid JSON line' '
	for c in status list "show $A" "outbox" "audit" "report --quarter 2026Q4"; do
		ctl --json $c >j.out || return 1
		test "$(wc -l <j.out)" = 1 || return 1
		test "$(sqlite3 :memory: "SELECT json_valid(readfile('"'j.out'"'))")" = 1 ||
		    return 1
	done
'

test_expect_success 'status: queues by category and state' '
	ctl --json status >st.json &&
	test "$(jget st.json "\$.open")" = 5 &&
	test "$(jget st.json "\$.queues.infrastructure.reopened")" = 2 &&
	test "$(jget st.json "\$.queues.security.reopened")" = 1 &&
	ctl status >out &&
	test_grep "^Infrastructure  *D6" out &&
	test_grep "Outbox: queued" out
'

test_expect_success 'tables stay aligned with Vietnamese text (display width)' '
	LANG=vi_VN.UTF-8 ctl report --quarter 2026Q4 >rep &&
	sed -n "/^CHỈ SỐ/,/^TỔNG CỘNG/p" rep >tab &&
	test "$(wc -l <tab)" -ge 3 &&
	test "$(while IFS= read -r l; do printf "%s\n" "$l" |
	    LC_ALL=C.UTF-8 wc -L; done <tab | sort -u | wc -l)" = 1 &&
	test "$(LC_ALL=C awk "{ print length(\$0) }" tab | sort -u | wc -l)" -gt 1
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
