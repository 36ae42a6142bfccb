#!/bin/sh
test_description='papictl list at 80 columns, its filters and full-text search, the kept hint; status in the configured order; Vietnamese output'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

# width FILE: the widest line of FILE in display columns.
width() {
	LC_ALL=C.UTF-8 wc -L <"$1"
}

test_expect_success 'start, with two areas and two channels' '
	ctl_conf p.conf "
channels = ( { name = \"gen\"; type = \"generic\"; base_url = \"http://127.0.0.1:9\"; },
    { name = \"at\"; type = \"africastalking\"; base_url = \"http://127.0.0.1:9\"; } );
areas = ( { id = \"kp3\"; name = \"Khu phố 3\"; words = [ \"khu phố 3\", \"kp3\", \"kp 3\" ]; },
    { id = \"kp5\"; name = \"Khu phố 5\"; words = [ \"khu phố 5\", \"kp5\" ]; } );" &&
	start_daemon -c p.conf
'

test_expect_success 'cases with long Vietnamese texts, NFC and NFD, with and without marks' '
	inject +84912345701 "Đường Nguyễn Tri Phương khu phố 3 bị ngập nước sâu hai ngày rồi, cống thoát nước bị tắc mà không ai sửa" && A=$REF &&
	inject +84912345702 "Trộm xe máy trước nhà số 15 hẻm 283 KP5, công an phường không đến" && B=$REF &&
	inject +84912345703 "duong bi ngap, rac thai khong ai don o hem 5 kp3" && C=$REF &&
	inject +84912345704 "$(printf "Co\314\202\314\201ng ra\314\243\314\202n ta\314\202\314\201c, muo\314\233\314\243n xe ru\314\201t nu\314\233o\314\233\314\201c")" && D=$REF &&
	ctl --json inject --channel at --from +84912345705 "Đèn đường hẻm 12 không sáng" >j &&
	E=$(jget j "\$.ref") && test -n "$E" &&
	sql "UPDATE inbound SET provider_msg_id = '"'ussd:s1'"' WHERE case_id = (SELECT id FROM cases WHERE ref_number = ${B#PA-});
	    UPDATE cases SET source = '"'ussd'"' WHERE ref_number = ${B#PA-}" &&
	ctl close "$C" >/dev/null
'

test_expect_success 'the list fits 80 columns: display width, not bytes' '
	ctl list >out &&
	test "$(width out)" -le 80 &&
	test "$(LC_ALL=C awk "{ if (length(\$0) > 80) n++ } END { print n + 0 }" out)" -gt 0 &&
	test "$(head -n 1 out | tr -s " ")" = "REF AGE CATEGORY STATE OFFICER TEXT" &&
	test_grep "^$A  *[0-9]*m  Infrastructure  *received  *-  *Đường Nguyễn Tri Phương.*…$" out &&
	test_grep "^$C .* resolved " out &&
	test "$(grep -c "^PA-" out)" = 5
'

test_expect_success '--wide: every column and the whole text' '
	ctl list --wide >out &&
	test_grep "cống thoát nước bị tắc mà không ai sửa$" out &&
	test_grep "^$A .*Infrastructure .*R-1 +84 91x xxx 701" out &&
	head -n 1 out | grep -q "CREATED  *DEADLINE  *CATEGORY  *STATE  *OFFICER  *FROM  *CHANNEL  *TEXT"
'

test_expect_success '--open leaves the closed case out' '
	ctl list --open >out &&
	test "$(grep -c "^PA-" out)" = 4 && ! grep -q "^$C " out
'

test_expect_success '--text: words without diacritics find texts with them' '
	ctl list --text "duong ngap" >out &&
	test "$(grep -c "^PA-" out)" = 2 &&
	test_grep "^$A " out && test_grep "^$C " out &&
	ctl list --text "ĐƯỜNG" >out &&
	test "$(grep -c "^PA-" out)" = 3 &&
	ctl list --text "ran tac" >out &&
	test "$(grep -c "^PA-" out)" = 1 && test_grep "^$D " out &&
	ctl list --text "cong an" --open >out &&
	test "$(grep -c "^PA-" out)" = 1 && test_grep "^$B " out &&
	ctl list --text "nothing-like-it" >out && test_grep "^no cases" out &&
	test_exit_status 2 ctl list --text "..." 2>err &&
	test_grep "no word to search for" err
'

test_expect_success '--area: any of its words, in any case or form' '
	ctl list --area kp3 >out &&
	test "$(grep -c "^PA-" out)" = 2 &&
	test_grep "^$A " out && test_grep "^$C " out &&
	ctl list --area kp5 >out &&
	test "$(grep -c "^PA-" out)" = 1 && test_grep "^$B " out &&
	ctl list --area kp3 --text "rac" >out &&
	test "$(grep -c "^PA-" out)" = 1 &&
	test_exit_status 2 ctl list --area kp9 2>err &&
	test_grep "no area .kp9. in the configuration" err
'

test_expect_success '--source: a channel, or where the case came from' '
	ctl list --source at >out &&
	test "$(grep -c "^PA-" out)" = 1 && test_grep "^$E " out &&
	ctl list --source ussd >out &&
	test "$(grep -c "^PA-" out)" = 1 && test_grep "^$B " out &&
	ctl list --source sms >out &&
	test "$(grep -c "^PA-" out)" = 4 && ! grep -q "^$B " out &&
	ctl list --source box >out &&
	test "$(grep -c "^PA-" out)" = 0 &&
	test_exit_status 2 ctl list --source fax 2>err &&
	test_grep "no source .fax." err
'

test_expect_success 'the "more" hint keeps every filter, quoted for the shell' '
	ctl list --category infrastructure --text "đường ngập" --source gen --limit 1 >out &&
	test "$(grep -c "^PA-" out)" = 1 &&
	hint=$(sed -n "s/^(more: \(.*\))$/\1/p" out) &&
	test "$hint" = "papictl list --category infrastructure --text '"'"'đường ngập'"'"' --source gen --limit 1 --before $C" ||
	{ echo "hint: $hint"; false; }
'

test_expect_success 'the hint, run, gives the next page' '
	ctl list --category infrastructure --limit 1 >out &&
	hint=$(sed -n "s/^(more: papictl \(.*\))$/\1/p" out) &&
	eval "ctl $hint" >out2 &&
	test "$(grep -c "^PA-" out2)" = 1 &&
	test "$(sed -n 2p out | cut -d" " -f1)" != "$(sed -n 2p out2 | cut -d" " -f1)"
'

test_expect_success 'status: the categories in the order of the configuration' '
	ctl status >out &&
	sed -n "2,4p" out | awk "{ print \$1 }" >order &&
	printf "%s\n" Corruption Security Infrastructure >want &&
	cmp order want &&
	ctl --json status >st.json &&
	test "$(jget st.json "\$.order[0]")" = corruption &&
	test "$(jget st.json "\$.order[2]")" = infrastructure &&
	test "$(jget st.json "\$.queues.procedures.open")" = 0
'

test_expect_success 'LANG=vi_VN.UTF-8: Vietnamese headings, states and names' '
	LANG=vi_VN.UTF-8 ctl list >out &&
	test "$(head -n 1 out | tr -s " ")" = "MÃ HS ĐÃ QUA LĨNH VỰC TRẠNG THÁI CÁN BỘ NỘI DUNG" &&
	test_grep "^$A  *[0-9]*ph  Hạ tầng  *mới nhận " out &&
	test_grep "^$C .* đã xử lý " out &&
	test "$(width out)" -le 80 &&
	LANG=vi_VN.UTF-8 ctl status >out &&
	test_grep "^Tham nhũng  *D4" out &&
	test_grep "^DVC trực tuyến  *D8" out &&
	test_grep "^Hồ sơ chưa kết thúc: 4, trễ hạn: 0" out &&
	LANG=vi_VN.UTF-8 ctl show "$A" >out &&
	test_grep "^$A  Hạ tầng đô thị (D6, infrastructure)  Đã tiếp nhận$" out &&
	test_grep "^Quá trình xử lý:" out
'

test_expect_success 'LANG=vi_VN.UTF-8: the daemon'"'"'s errors in Vietnamese' '
	test_exit_status 1 env LANG=vi_VN.UTF-8 "$PAPICTL" -s "$TRASH/control.sock" show PA-999999 2>err &&
	test "$(cat err)" = "papictl: không có hồ sơ PA-999999" &&
	test_exit_status 1 env LANG=vi_VN.UTF-8 "$PAPICTL" -s "$TRASH/control.sock" close "$C" 2>err &&
	test "$(cat err)" = "papictl: hồ sơ đã ở trạng thái Đã xử lý" &&
	test_exit_status 2 env LANG=vi_VN.UTF-8 "$PAPICTL" -s "$TRASH/control.sock" list --state x 2>err &&
	test_grep "^papictl: trạng thái .x. không thuộc received" err
'

test_expect_success '--json is the same in every language' '
	ctl --json list >en.json &&
	LANG=vi_VN.UTF-8 ctl --json list >vi.json &&
	cmp en.json vi.json
'

test_expect_success '--category: newest first across its states, by pages, --open' '
	n=0 &&
	for s in in_progress received reopened confirmed assigned resolved received; do
		n=$((n + 1)) &&
		inject +8491234572$n "Cống thoát nước hẻm 7 bị tắc, ngập nước" &&
		sql "UPDATE cases SET state = '"'"'$s'"'"' WHERE ref_number = ${REF#PA-}" ||
		return 1
	done &&
	sql "SELECT ref_number FROM cases WHERE category = '"'"'infrastructure'"'"'
	    ORDER BY id DESC" >want &&
	test "$(wc -l <want)" -ge 9 &&
	ctl list --category infrastructure --limit 50 >out &&
	grep "^PA-" out | cut -d" " -f1 | sed "s/^PA-0*//" >got &&
	diff -u want got &&
	ctl list --category infrastructure --limit 4 >out &&
	hint=$(sed -n "s/^(more: papictl \(.*\))$/\1/p" out) &&
	eval "ctl $hint" >out2 &&
	cat out out2 | grep "^PA-" | cut -d" " -f1 | sed "s/^PA-0*//" >got &&
	head -n 8 want >want8 && diff -u want8 got &&
	sql "SELECT ref_number FROM cases WHERE category = '"'"'infrastructure'"'"'
	    AND state NOT IN ('"'"'resolved'"'"', '"'"'confirmed'"'"')
	    ORDER BY id DESC" >want &&
	ctl list --category infrastructure --open --limit 50 >out &&
	grep "^PA-" out | cut -d" " -f1 | sed "s/^PA-0*//" >got &&
	diff -u want got &&
	ctl list --category infrastructure --state reopened >out &&
	test "$(grep -c "^PA-" out)" = 1
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
