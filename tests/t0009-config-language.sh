#!/bin/sh
test_description='the configuration'"'"'s errors in the language of the locale: papigwd -n, its start, papictl check-config, -o and a reload, with FILE:LINE as they are; --help and papictl'"'"'s last English lines too'
. "$(dirname "$0")/lib.sh"

# vi CMD...: CMD in Vietnamese (vi_VN.UTF-8 not installed, as on a fresh
# Debian machine); en CMD...: in the C locale.
vi() {
	env LOCPATH="$TRASH/none" LANG=vi_VN.UTF-8 "$@"
}

en() {
	env LANG=C "$@"
}

# says FILE WANT: FILE holds exactly the line WANT.
says() {
	printf '%s\n' "$2" >expect &&
	if ! cmp -s expect "$1"; then
		echo "expected: $(cat expect)" >&2
		echo "got:      $(cat "$1")" >&2
		return 1
	fi
}

# broken NAME LINE VI EN [ARGS...]: papigwd -n on $NAME.conf (with ARGS)
# fails, printing "$TRASH/NAME.conf:LINE: " and the message VI in
# Vietnamese and EN in the C locale, and nothing on stdout.
broken() {
	name=$1 line=$2 msg_vi=$3 msg_en=$4
	shift 4
	test_exit_status 1 vi "$PAPIGWD" -n -c "$TRASH/$name.conf" "$@" \
	    >out 2>err && test ! -s out &&
	says err "$TRASH/$name.conf:$line: $msg_vi" &&
	test_exit_status 1 en "$PAPIGWD" -n -c "$TRASH/$name.conf" "$@" \
	    >out 2>err && test ! -s out &&
	says err "$TRASH/$name.conf:$line: $msg_en"
}

# overridden ARG VI EN: papigwd -n -c good.conf -o ARG fails with the
# message "-o ARG: " VI, or EN in the C locale.
overridden() {
	test_exit_status 1 vi "$PAPIGWD" -n -c good.conf -o "$1" 2>err &&
	says err "-o $1: $2" &&
	test_exit_status 1 en "$PAPIGWD" -n -c good.conf -o "$1" 2>err &&
	says err "-o $1: $3"
}

test_expect_success 'setup: a good configuration' '
	write_conf good.conf &&
	en "$PAPIGWD" -n -c good.conf >out && says out "configuration OK" &&
	vi "$PAPIGWD" -n -c good.conf >out && says out "cấu hình hợp lệ"
'

test_expect_success 'an unknown setting: the suggestion, translated around it' '
	write_conf unknown.conf "cases = { prefx = \"PA\"; };" &&
	broken unknown 6 \
	    "không có thiết lập '"'prefx'"' (có phải ý bạn là '"'prefix'"'?)" \
	    "unknown setting '"'prefx'"' (did you mean '"'prefix'"'?)" &&
	write_conf top.conf "storge = { };" &&
	broken top 6 \
	    "không có thiết lập '"'storge'"' (có phải ý bạn là '"'storage'"'?)" \
	    "unknown setting '"'storge'"' (did you mean '"'storage'"'?)"
'

test_expect_success 'a wrong type' '
	write_conf type.conf "cases = { prefix = 7; };" &&
	broken type 6 "prefix: cần một chuỗi trong dấu ngoặc kép" \
	    "prefix: expected a string in double quotes"
'

test_expect_success 'a value out of range' '
	write_conf range.conf &&
	sed -i "s/^storage = { /&batch_max = 0; /" range.conf &&
	broken range 3 "batch_max: 0 nằm ngoài giới hạn (từ 1 đến 10000)" \
	    "batch_max: 0 is out of range (1 to 10000)"
'

test_expect_success 'cross-checks: a holiday on a Saturday, a channel that is not there' '
	write_conf weekend.conf \
	    "deadlines = { holidays = [ \"2026-04-30\", \"2026-05-02\" ]; };" &&
	broken weekend 6 \
	    "holidays: 2026-05-02 là ngày cuối tuần: hãy ghi ngày thường được nghỉ bù" \
	    "holidays: 2026-05-02 is a weekend day: list the weekday that is taken off instead" &&
	write_conf remind.conf "reports = {
	    remind_channel = \"sms\"; };" &&
	broken remind 7 "reports.remind_channel: không có kênh '"'sms'"'" \
	    "reports.remind_channel: no channel '"'sms'"'"
'

test_expect_success 'a check a module registered: the USSD menu' '
	write_conf ussd.conf "ussd = { title = \"Thực đơn\"; };" &&
	broken ussd 6 \
	    "ussd.title: có ký tự ngoài ASCII ở byte thứ 3: viết tiếng Việt không dấu (màn hình USSD dùng GSM-7)" \
	    "ussd.title: not plain ASCII at byte 3: write Vietnamese without diacritics (USSD screens are GSM-7)"
'

test_expect_success 'an error in an included file: its name and line' '
	sed "0,/id = \"security\"/s//id = \"corruption\"/" \
	    "$CONF_DIR/categories.conf" >categories.dup &&
	write_conf dup.conf && sed -i "s/categories.conf/categories.dup/" dup.conf &&
	line=$(grep -n "id = \"corruption\"" categories.dup | sed -n 2p |
	    cut -d: -f1) &&
	first=$(grep -n "id = \"corruption\"" categories.dup | sed -n 1p |
	    cut -d: -f1) &&
	test_exit_status 1 vi "$PAPIGWD" -n -c "$TRASH/dup.conf" 2>err &&
	says err "$TRASH/categories.dup:$line: mã lĩnh vực '"'corruption'"' bị trùng (đã có ở dòng $first)" &&
	test_exit_status 1 en "$PAPIGWD" -n -c "$TRASH/dup.conf" 2>err &&
	says err "$TRASH/categories.dup:$line: duplicate category id '"'corruption'"' (first at line $first)"
'

test_expect_success '-o: the override named, its error translated' '
	overridden storage.batchmax=3 "không có thiết lập này" \
	    "unknown setting" &&
	overridden storage.batch_max=0 \
	    "batch_max: 0 nằm ngoài giới hạn (từ 1 đến 10000)" \
	    "batch_max: 0 is out of range (1 to 10000)" &&
	overridden cases.prefix=pa \
	    "cases.prefix: '"'pa'"' chỉ gồm chữ in hoa và chữ số, bắt đầu bằng một chữ cái" \
	    "cases.prefix: '"'pa'"' must be capital letters and digits, starting with a letter" &&
	overridden "ussd.title=$(printf "%0190d" 0)" \
	    "ussd.title: màn hình menu chính dài 243 ký tự, vượt quá 182 ký tự của một màn hình USSD" \
	    "ussd.title: the main menu screen is 243 characters, more than the 182 of a USSD screen" &&
	overridden storage \
	    "cần dạng KEY=VALUE, ví dụ -o storage.path=/tmp/papigw.db" \
	    "expected KEY=VALUE, for example -o storage.path=/tmp/papigw.db"
'

test_expect_success 'libconfig'"'"'s own syntax errors stay English; a missing file' '
	write_conf syntax.conf "cases = { prefix = = \"PA\"; };" &&
	broken syntax 6 "syntax error" "syntax error" &&
	test_exit_status 1 vi "$PAPIGWD" -n -c "$TRASH/none.conf" 2>err &&
	test_grep "^$TRASH/none.conf: không đọc được: " err &&
	test_exit_status 1 en "$PAPIGWD" -n -c "$TRASH/none.conf" 2>err &&
	test_grep "^$TRASH/none.conf: cannot read: No such file or directory$" err
'

test_expect_success 'papigwd starting on a broken file: the same line, translated' '
	test_exit_status 1 vi "$PAPIGWD" -d -c "$TRASH/unknown.conf" >out 2>&1 &&
	says out "$TRASH/unknown.conf:6: không có thiết lập '"'prefx'"' (có phải ý bạn là '"'prefix'"'?)" &&
	test_exit_status 1 en "$PAPIGWD" -d -c "$TRASH/unknown.conf" >out 2>&1 &&
	says out "$TRASH/unknown.conf:6: unknown setting '"'prefx'"' (did you mean '"'prefix'"'?)"
'

test_expect_success 'papictl check-config: translated; --json: English' '
	vi "$PAPICTL" -c good.conf check-config >out && says out "cấu hình hợp lệ" &&
	test_exit_status 1 vi "$PAPICTL" -c "$TRASH/weekend.conf" check-config \
	    2>err &&
	says err "$TRASH/weekend.conf:6: holidays: 2026-05-02 là ngày cuối tuần: hãy ghi ngày thường được nghỉ bù" &&
	test_exit_status 1 vi "$PAPICTL" --json -c "$TRASH/weekend.conf" \
	    check-config >out &&
	test "$(jq -r .error out)" = "$TRASH/weekend.conf:6: holidays: 2026-05-02 is a weekend day: list the weekday that is taken off instead" &&
	test_exit_status 1 vi "$PAPICTL" --json -c good.conf -o storage.batchmax=1 \
	    check-config >out &&
	test "$(jq -r .error out)" = "-o storage.batchmax=1: unknown setting" &&
	test_exit_status 1 vi "$PAPICTL" -c good.conf -o storage.batchmax=1 \
	    check-config 2>err &&
	says err "-o storage.batchmax=1: không có thiết lập này"
'

test_expect_success 'a reload that fails: logged in Vietnamese, audited in English' '
	cp good.conf reload.conf &&
	env LOCPATH="$TRASH/none" LANG=vi_VN.UTF-8 "$PAPIGWD" -d -c reload.conf \
	    >daemon.log 2>&1 &
	daemon_pid=$! && daemon_pids="$daemon_pids $daemon_pid" &&
	wait_for "grep -q \"^<5>papigwd [0-9.]* đã khởi động\" daemon.log ||
	    ! kill -0 $daemon_pid" &&
	kill -0 $daemon_pid &&
	sed -i "s/^storage = { /&batch_max = 0; /" reload.conf &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"^<4>nạp lại lần 1 thất bại\" daemon.log" &&
	test_grep "^<4>nạp lại lần 1 thất bại, giữ cấu hình đang chạy: reload.conf:3: batch_max: 0 nằm ngoài giới hạn (từ 1 đến 10000)$" daemon.log &&
	wait_for "test -n \"\$(store_sql \"SELECT detail FROM audit WHERE action = '"'config.reload_failed'"'\")\"" &&
	test "$(store_sql "SELECT detail FROM audit WHERE action = '"'config.reload_failed'"'")" = \
	    "reload.conf:3: batch_max: 0 is out of range (1 to 10000)"
'

test_expect_success 'the dictionary'"'"'s errors: -n, and a reload whose audit entry stays English' '
	write_conf dict.conf &&
	sed -i "s/^  shorthand = (\$/&\\
    (\"k o\", \"không\"),/" categories.conf &&
	test_grep "^    (\"k o\", \"không\"),\$" categories.conf &&
	test_exit_status 1 vi "$PAPIGWD" -n -c dict.conf 2>err &&
	says err "router: từ viết tắt (\"k o\", \"không\"): từ viết tắt phải là một từ và từ đầy đủ dài từ 1 đến 8 từ" &&
	test_exit_status 1 en "$PAPIGWD" -n -c dict.conf 2>err &&
	says err "router: shorthand (\"k o\", \"không\"): the token must be one word and the expansion 1 to 8 words" &&
	cp dict.conf reload.conf &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"^<4>nạp lại lần 2 thất bại\" daemon.log" &&
	test_grep "^<4>nạp lại lần 2 thất bại, giữ cấu hình đang chạy: router: từ viết tắt (\"k o\"" daemon.log &&
	wait_for "test \$(store_sql \"SELECT count(*) FROM audit WHERE action = '"'config.reload_failed'"'\") = 2" &&
	test "$(store_sql "SELECT detail FROM audit WHERE action = '"'config.reload_failed'"' ORDER BY id DESC LIMIT 1")" = \
	    "router: shorthand (\"k o\", \"không\"): the token must be one word and the expansion 1 to 8 words" &&
	stop_daemon && test "$daemon_status" = 0 &&
	cp "$CONF_DIR/categories.conf" categories.conf
'

test_expect_success 'papigwd --help in the language of the locale, in 80 columns; usage stays syntax' '
	vi "$PAPIGWD" --help >out &&
	test_grep "^usage: papigwd \[-dn\] \[-c file\] \[-o key=value\]$" out &&
	test_grep "^  -n            kiểm tra cấu hình rồi thoát$" out &&
	test_grep "^  -c file       tệp cấu hình (mặc định /etc/papigw/papigw.conf)$" out &&
	test "$(wc -L <out)" -le 80 &&
	en "$PAPIGWD" --help >out &&
	test_grep "^  -n            check the configuration and exit$" out &&
	! grep "[^ -~]" out &&
	test "$(wc -L <out)" -le 80 &&
	test_exit_status 2 vi "$PAPIGWD" extra 2>err &&
	test_grep "^usage: papigwd " err &&
	test_exit_status 2 vi "$PAPIGWD" -n -c good.conf $(printf -- "-o a=1 %.0s" \
	    $(seq 65)) 2>err &&
	test_grep "^papigwd: quá nhiều tùy chọn -o (tối đa " err
'

test_expect_success 'papictl: its last English lines translated too' '
	test_exit_status 2 vi "$PAPICTL" -c good.conf retry --failed \
	    --since soon 2>err &&
	says err "papictl: retry: --since: \"soon\" không phải YYYY-MM-DD [HH:MM] cũng không phải một khoảng thời gian (30s, 90m, 6h, 2d)" &&
	vi "$PAPICTL" -c good.conf router show >out &&
	says out "không có mô hình (classifier.model để trống): chỉ dùng bộ định tuyến theo từ khóa" &&
	en "$PAPICTL" -c good.conf router show >out &&
	says out "no model (classifier.model is empty): the keyword router alone"
'

# The locale, generated for the test as t0007 does (the tests never
# touch the system's).
if localedef -i vi_VN -f UTF-8 "$TRASH/loc/vi_VN.UTF-8" 2>/dev/null ||
    { mkdir -p "$TRASH/loc" &&
    localedef -i vi_VN -f UTF-8 "$TRASH/loc/vi_VN.UTF-8" 2>/dev/null; }; then
test_expect_success 'LANG=vi_VN.UTF-8 with the locale generated: the same' '
	test_exit_status 1 env LOCPATH="$TRASH/loc" LANG=vi_VN.UTF-8 \
	    "$PAPIGWD" -n -c "$TRASH/unknown.conf" 2>err &&
	says err "$TRASH/unknown.conf:6: không có thiết lập '"'prefx'"' (có phải ý bạn là '"'prefix'"'?)" &&
	test_exit_status 1 env LOCPATH="$TRASH/loc" LC_ALL=vi_VN.UTF-8 \
	    "$PAPICTL" -c "$TRASH/type.conf" check-config 2>err &&
	says err "$TRASH/type.conf:6: prefix: cần một chuỗi trong dấu ngoặc kép"
'
else
test_skip 'LANG=vi_VN.UTF-8 with the locale generated' 'localedef cannot make vi_VN.UTF-8 (Debian package locales)'
fi

test_done
