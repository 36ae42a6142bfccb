#!/bin/sh
test_description='the procedure catalogue: the sample data file loads; lookups by SMS with and without diacritics, with a typo, by number and code, a list to choose from, nothing found; the same by USSD, by field'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ussd.sh"

# answer NUMBER: the text of the last automatic reply to NUMBER.
answer() {
	sql "SELECT text FROM outbox WHERE recipient = '$1' ORDER BY id DESC LIMIT 1"
}

test_expect_success 'the shipped papigw.conf with the sample catalogue is valid' '
	papigwd -n -c "$CONF_DIR/papigw.conf" \
	    -o classifier.model="$BUILD/router.model" >out &&
	test_grep "configuration OK" out
'

test_expect_success 'the catalogue is checked like the rest of the configuration' '
	write_conf bad.conf "procedure_fields = ( { id = \"hotich\"; name = \"Hộ tịch\"; ussd = \"Ho tich\"; } );
procedures = ( { code = \"HT-01\"; field = \"hotich\"; name = \"Khai sinh\";
    fee = \"0\"; time_limit = \"1 ngày\"; },
  { code = \"HT-02\"; field = \"cutru\"; name = \"Tạm trú\";
    fee = \"0\"; time_limit = \"1 ngày\"; } );" &&
	test_must_fail papigwd -n -c bad.conf >out 2>&1 &&
	test_grep "bad.conf:[0-9]*: procedure HT-02: no field .cutru. in procedure_fields" out &&
	write_conf bad2.conf "procedure_fields = ( { id = \"hotich\"; name = \"Hộ tịch\"; ussd = \"Hộ tịch\"; } );" &&
	test_must_fail papigwd -n -c bad2.conf >out 2>&1 &&
	test_grep "ussd: plain ASCII" out &&
	write_conf bad3.conf "reception = { enabled = true; slots = [ \"09:00\", \"08:00\" ];
    book_words = [ \"dat lich\" ]; cancel_words = [ \"huy lich\" ]; };" &&
	test_must_fail papigwd -n -c bad3.conf >out 2>&1 &&
	test_grep "reception.slots: .08:00. is not a time" out &&
	write_conf bad4.conf "replies = { help_words = [ \"giup\" ]; help_vi = \"x\"; };
reception = { enabled = true; slots = [ \"08:00\" ];
    book_words = [ \"giúp\" ]; cancel_words = [ \"huy lich\" ]; };" &&
	test_must_fail papigwd -n -c bad4.conf >out 2>&1 &&
	test_grep "reception.book_words: .giúp. is a special word" out
'

test_expect_success 'a daemon with the sample catalogue' '
	cp "$CONF_DIR/procedures.conf" . &&
	ctl_conf p.conf "
channels = ( { name = \"gen\"; type = \"generic\"; base_url = \"http://127.0.0.1:9\"; },
    { name = \"at\"; type = \"africastalking\"; base_url = \"http://127.0.0.1:9\"; } );
ussd = { enabled = true; service_code = \"*123#\"; channel = \"at\";
    menu = ( (\"report\", \"Phan anh, kien nghi\"),
        (\"procedures\", \"Thu tuc hanh chinh\") );
    report_categories = ( (\"\", \"Khac\") );
    info_topics = ( (\"procedures\", \"Thu tuc\") ); };
replies = { max_per_sender_day = 0;
    english_switch_words = [ \"english\" ]; language_en = \"OK, in English.\"; };
topics = ( { id = \"procedures\"; words = [ \"TTHC\", \"thủ tục\" ];
    text_vi = \"Phường công khai thủ tục hành chính.\"; ussd = \"Thu tuc\"; } );
catalogue = { words = [ \"TTHC\", \"thủ tục\", \"thủ tục hành chính\", \"procedure\" ]; };
@include \"procedures.conf\"" &&
	papigwd -n -c p.conf && start_daemon -c p.conf
'

test_expect_success 'TTHC khai sinh: the procedure, its fee and time limit, no case' '
	ctl --json inject --from +84913000001 "TTHC khai sinh" >j &&
	test "$(jget j "\$.ref")" = "" &&
	test "$(sql "SELECT kind FROM inbound WHERE id = $(jget j "\$.message")")" = special &&
	answer +84913000001 >a &&
	test_grep "^Dang ky khai sinh (HT-01)\. Le phi: Mien le phi khi dang ky dung han\. Thoi han: Ngay trong ngay nhan du giay to\. Nop tai: Bo phan mot cua UBND phuong\." a &&
	test "$(sql "SELECT kind || '"' '"' || segments FROM outbox WHERE recipient = '"'+84913000001'"'")" = "special 2" &&
	test "$(sql "SELECT count(*) FROM cases")" = 0 &&
	test "$(sql "SELECT detail FROM audit WHERE action = '"'message.procedure'"'")" = "message 1: procedure HT-01"
'

test_expect_success 'without diacritics, other words, in one or two SMS parts' '
	ctl inject --from +84913000002 "thu tuc xay nha" >/dev/null &&
	answer +84913000002 >a &&
	test_grep "^Cap giay phep xay dung nha o rieng le (XD-01)\. Le phi: Theo nghi quyet cua HDND Thanh pho\. Thoi han: 15 ngay" a &&
	test "$(sql "SELECT CAST(segments <= 2 AS INTEGER) FROM outbox WHERE recipient = '"'+84913000002'"'")" = 1 &&
	ctl inject --from +84913000003 "tthc dang ky ket hon" >/dev/null &&
	answer +84913000003 >a &&
	test_grep "^Dang ky ket hon (HT-03)" a &&
	ctl inject --from +84913000003 "Thủ tục đăng ký kết hôn" >/dev/null &&
	answer +84913000003 >a &&
	test_grep "^Dang ky ket hon (HT-03)" a
'

test_expect_success 'with a typo' '
	ctl inject --from +84913000004 "TTHC khai sinhh" >/dev/null &&
	answer +84913000004 >a &&
	grep -q "(HT-01)" a &&
	ctl inject --from +84913000005 "thủ tục xác nhận tình trạng hôn nhânn" >/dev/null &&
	answer +84913000005 >a &&
	grep -q "(HT-04)" a
'

test_expect_success 'several close ones: a list to choose from by number, then the number' '
	ctl inject --from +84913000006 "TTHC chung thuc" >/dev/null &&
	answer +84913000006 >a &&
	test_grep "^3 thu tuc gan dung: 7\. Chung thuc ban sao tu ban chinh; 8\. Chung thuc chu ky; 9\. Chung thuc hop dong, giao dich\. Nhan TTHC kem so" a &&
	ctl inject --from +84913000006 "TTHC 8" >/dev/null &&
	answer +84913000006 >a &&
	grep -q "(CT-02)" a && grep -q "10.000" a &&
	ctl inject --from +84913000006 "TTHC ctr-01" >/dev/null &&
	answer +84913000006 >a &&
	grep -q "(CTR-01)" a &&
	ctl inject --from +84913000006 "thu tuc lam ho khau" >/dev/null &&
	answer +84913000006 >a &&
	test_grep "^Dang ky thuong tru (CTR-01)\. Le phi: 20\.000 dong" a
'

test_expect_success 'nothing found: what to write, and the fields' '
	ctl inject --from +84913000007 "TTHC abcxyz" >/dev/null &&
	answer +84913000007 >a &&
	test_grep "^Khong tim thay thu tuc: abcxyz\. Linh vuc: Ho tich, Chung thuc, Cu tru, Xay dung\." a
'

test_expect_success 'the word alone is still the procedures topic; a complaint about a procedure is a case' '
	ctl inject --from +84913000008 "TTHC" >/dev/null &&
	test "$(answer +84913000008)" = "Phường công khai thủ tục hành chính." &&
	ctl --json inject --from +84913000008 "Cán bộ một cửa bắt chờ cả buổi mới làm thủ tục khai sinh" >j &&
	test -n "$(jget j "\$.ref")"
'

test_expect_success 'in English for a resident who writes English' '
	ctl inject --from +84913000009 "english" >/dev/null &&
	ctl inject --from +84913000009 "procedure birth registration" >/dev/null &&
	answer +84913000009 >a &&
	test_grep "^Dang ky khai sinh (HT-01)\. Fee: .* Time limit: " a
'

test_expect_success 'USSD: the fields, the procedures of one, a procedure' '
	ussd s1 "" &&
	test_screen "CON UBND Phuong 7 Q.10 - Hop thu gop y
1. Phan anh, kien nghi
2. Thu tuc hanh chinh" &&
	ussd s1 "2" &&
	test_screen "CON Thu tuc hanh chinh - chon linh vuc:
1. Ho tich
2. Chung thuc
3. Cu tru
4. Xay dung
$NAV" &&
	ussd s1 "2*2" &&
	test_screen "CON Chung thuc:
1. Chung thuc ban sao tu ban chinh
2. Chung thuc chu ky
3. Chung thuc hop dong, giao dich
$NAV" &&
	ussd s1 "2*2*2" &&
	test_screen "CON Chung thuc chu ky. Le phi: 10.000 dong/truong hop. Thoi han: Trong ngay; yeu cau nhan sau 15 gio thi tra trong ngay lam viec tiep theo. Noi nop: Bo phan...
$NAV" &&
	ussd s1 "2*2*2*0" &&
	grep -q "^2. Chung thuc chu ky" body &&
	ussd s1 "2*2*2*0*9" &&
	grep -q "^CON $INVALID" body
'

test_expect_success 'USSD: a session the daemon has not seen is replayed; the fields list holds 9 procedures at most and fits' '
	ussd s2 "2*1*1" &&
	grep -q "^CON Dang ky khai sinh\. Le phi: Mien le phi khi dang ky dung han\. Thoi han: Ngay trong ngay" body &&
	ussd s3 "2*1" &&
	test "$(grep -c "^[1-9]\. " body)" = 6 &&
	test "$(wc -c <body)" -le 190 &&
	test "$(sql "SELECT count(*) FROM cases WHERE source = '"'ussd'"'")" = 0
'

test_expect_success 'the index is built once, at start-up and again on SIGHUP' '
	test "$(grep -c "catalogue: 13 procedures, [0-9]* words indexed" daemon.log)" = 1 &&
	sed "\$d" procedures.conf >p2 && mv p2 procedures.conf &&
	cat >>procedures.conf <<-EOF &&
	,
	{ code = "MT-01"; field = "xaydung"; name = "Xác nhận đăng ký kế hoạch bảo vệ môi trường";
	    words = [ "bảo vệ môi trường" ]; fee = "Không"; time_limit = "10 ngày"; }
	);
	EOF
	papigwd -n -c p.conf >/dev/null &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"catalogue: 14 procedures\" daemon.log" 10 &&
	test "$(grep -c "words indexed" daemon.log)" = 2 &&
	ctl inject --from +84913000099 "TTHC bao ve moi truong" >/dev/null &&
	answer +84913000099 | grep -q "^Xác nhận đăng ký kế hoạch bảo vệ môi trường (MT-01)"
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
