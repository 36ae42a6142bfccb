#!/bin/sh
test_description='papictl intake: slips from the suggestion box and points raised at the reception or a meeting become cases, by an officer; with a number the resident gets the reference by SMS; reports count cases by source'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

TZ=Asia/Ho_Chi_Minh
export TZ

test_expect_success 'a daemon with an SMS channel, areas and an officer role' '
	make_officer &&
	ctl_conf p.conf "
channels = ( { name = \"gen\"; type = \"generic\"; base_url = \"http://127.0.0.1:9\"; } );
areas = ( { id = \"kp3\"; name = \"Khu phố 3\"; words = [ \"kp3\" ]; } );
roles = ( { name = \"ward-officers\"; kind = \"officer\";
    users = [ \"$OFFICER\" ]; } );" &&
	start_daemon -c p.conf
'

test_expect_success 'an officer records a slip from the box without a number: the reference is the slip number, no SMS' '
	as_officer --json intake --source box --slip H-017 --area kp3 \
	    "Đèn đường hẻm 12 bị hỏng cả tuần, tối rất nguy hiểm" >j &&
	REF1=$(jget j "\$.ref") && test -n "$REF1" &&
	test "$(jget j "\$.source")" = box &&
	test "$(jget j "\$.number")" = 0 &&
	test "$(jget j "\$.sms")" = 0 &&
	test "$(sql "SELECT source, sender, channel, category FROM cases WHERE ref_number = ${REF1#PA-}")" = "box||box|infrastructure" &&
	test "$(sql "SELECT count(*) FROM outbox")" = 0 &&
	test "$(sql "SELECT source || '"' '"' || slip || '"' '"' || area || '"' '"' || officer FROM intake")" = "box H-017 kp3 $OFFICER" &&
	test "$(sql "SELECT actor FROM audit WHERE action = '"'case.intake'"'")" = "$OFFICER" &&
	as_officer intake --source box --slip H-018 "Rác để trước cổng chợ không ai dọn" >out &&
	test_grep "^PA-000002 opened (box, " out &&
	test_grep "write PA-000002 on the slip" out
'

test_expect_success 'the same slip twice is one case' '
	as_officer --json intake --source box --slip H-017 \
	    "Đèn đường hẻm 12 bị hỏng cả tuần, tối rất nguy hiểm" >j &&
	test "$(jget j "\$.duplicate")" = 1 &&
	test "$(jget j "\$.ref")" = "$REF1" &&
	test "$(sql "SELECT count(*) FROM cases WHERE source = '"'box'"'")" = 2
'

test_expect_success 'with a number the resident gets the reference by SMS' '
	as_officer --json intake --source box --from 0912000111 \
	    "Cống thoát nước hẻm 42 bị tắc, mưa là ngập" >j &&
	REF3=$(jget j "\$.ref") &&
	test "$(jget j "\$.sms")" = 1 &&
	test "$(sql "SELECT sender || '"' '"' || channel FROM cases WHERE ref_number = ${REF3#PA-}")" = "+84912000111 gen" &&
	sql "SELECT kind, recipient, text FROM outbox" >ob &&
	test "$(wc -l <ob)" = 1 &&
	test_grep "^ack|+84912000111|.*$REF3" ob
'

test_expect_success 'a point raised at the reception and one at a meeting, received on an earlier day, under a category named' '
	day=$(date -d "-3 days" +%Y-%m-%d) &&
	as_officer --json intake --source reception --received "$day" \
	    --category security "Ông Nguyễn Văn A phản ánh tụ tập đua xe ban đêm ở đường Ba Tháng Hai" >j &&
	REF4=$(jget j "\$.ref") &&
	test "$(jget j "\$.category")" = security &&
	test "$(sql "SELECT date(created, '"'unixepoch'"', '"'localtime'"') || '"' '"' || source FROM cases WHERE ref_number = ${REF4#PA-}")" = "$day reception" &&
	test "$(sql "SELECT received FROM intake WHERE case_id = (SELECT id FROM cases WHERE ref_number = ${REF4#PA-})")" = "$day" &&
	as_officer intake --source meeting "Tổ dân phố 5 đề nghị công khai danh sách hộ nghèo" >out &&
	test_grep "(meeting, " out
'

test_expect_success 'show says where the case came from and what the officer wrote down; list --area finds it' '
	as_officer show "$REF1" >out &&
	test_grep "^Source: *box" out &&
	test_grep "^Recorded: *by $OFFICER, received .*, slip H-017, area kp3" out &&
	ctl list --source box >out &&
	test "$(grep -c "^PA-" out)" = 3 &&
	ctl list --area kp3 >out &&
	test "$(grep -c "^PA-" out)" = 1 && test_grep "^$REF1 " out &&
	ctl list --area kp3 --text "đèn hẻm" >out &&
	test "$(grep -c "^PA-" out)" = 1 &&
	ctl list --area kp3 --text "rác" >out &&
	test "$(grep -c "^PA-" out)" = 0
'

test_expect_success 'bad intakes are refused with the reason' '
	test_exit_status 2 as_officer intake --source fax "x" 2>err &&
	test_grep "box, reception or meeting" err &&
	test_exit_status 2 as_officer intake --source box --from 1022 "x" 2>err &&
	test_grep "not a phone number" err &&
	test_exit_status 2 as_officer intake --source box --area kp99 "x" 2>err &&
	test_grep "no area .kp99." err &&
	test_exit_status 2 as_officer intake --source box --received 2099-01-01 "x" 2>err &&
	test_grep "not a day of the last year" err &&
	test_exit_status 2 as_officer intake --source box --slip "a b" "x" 2>err &&
	test_exit_status 2 as_officer intake "x" 2>err
'

test_expect_success 'the report counts cases by source' '
	inject +84912000222 "Trộm xe máy trước nhà số 15 hẻm 283" &&
	sql "UPDATE cases SET source = '"'ussd'"' WHERE ref_number = ${REF#PA-}" &&
	inject +84912000333 "Đường Ba Tháng Hai ngập nước sau mưa" &&
	inject +84912000444 "Vì sao danh sách hộ nghèo công bố chưa có tên nhà tôi" &&
	sql "UPDATE cases SET source = '"'announcement'"' WHERE ref_number = ${REF#PA-}" &&
	# A report counts the cases created before its moment, to the second.
	wait_for "ctl --json report --from $(date -d "-10 days" +%Y-%m-%d) --to $(date +%Y-%m-%d) >r.json && test \"\$(jget r.json \"\\\$.total.cases\")\" = 8" &&
	test "$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '"'\$.id'"') || '"':'"' || json_extract(value, '"'\$.cases'"'), '"' '"') FROM json_each(json_extract(readfile('"'r.json'"'), '"'\$.sources'"'))")" = "sms:1 ussd:1 box:3 reception:1 meeting:1 announcement:1" &&
	test "$(jget r.json "\$.total.cases")" = 8 &&
	test "$(jget r.json "\$.sources[2].name_en")" = "Suggestion box" &&
	ctl report --from "$(date -d "-10 days" +%Y-%m-%d)" --to "$(date +%Y-%m-%d)" >r.txt &&
	test_grep "^Suggestion box  *3 " r.txt &&
	ctl report --format csv --from "$(date -d "-10 days" +%Y-%m-%d)" --to "$(date +%Y-%m-%d)" >r.csv &&
	test_grep "^source,box,,Hộp thư góp ý,3," r.csv
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
