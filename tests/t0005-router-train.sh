#!/bin/sh
test_description='papictl router train: the learned model retrained with corrections, measured on a frozen test part, refused when worse'
. "$(dirname "$0")/lib.sh"

# No daemon here: the corrections come from a file (--corrections) and
# the new model goes to a file (--out).  The daemon's side of
# router.corrections and router.install is tested with the daemon.

conf="$CONF_DIR/papigw.conf"

# papictl with the shipped configuration, no retrained model, and the
# running model given as $1 ("" for the keyword router alone).
ctl() {
	model=$1
	shift
	"$PAPICTL" -c "$conf" -o classifier.trained= \
	    -o "classifier.model=$model" "$@"
}

# line CATEGORY KIND MESSAGE: one corpus line (LABELLING.md's six fields).
line() {
	printf '%s\t-\t-\t%s\tvi\t%s\n' "$1" "$2" "$3"
}

# make_corpus DIR: a small corpus: a train part, a test part and the
# test part's SHA-256 (sha256sum's, not papictl's).
make_corpus() {
	mkdir -p "$1/train" "$1/test" || return 1
	{
	line infrastructure feedback "duong truoc nha bi ngap nuoc moi khi mua"
	line infrastructure feedback "ong cong bi vo nuoc tran ra duong"
	line infrastructure feedback "den duong hem 5 bi hu toi om"
	line infrastructure feedback "o ga giua duong nguy hiem qua"
	line infrastructure feedback "mat dien ca khu pho tu sang"
	line infrastructure feedback "rac khong ai thu gom 3 ngay roi"
	line security feedback "trom xe may o hem 12 dem qua"
	line security feedback "nhom thanh nien danh nhau truoc cho"
	line security feedback "co nguoi la mat lay cap dien thoai"
	line security feedback "hat karaoke on ao den 2 gio sang"
	line security feedback "bi lua dao qua dien thoai mat 10 trieu"
	line security feedback "dua xe trai phep tren duong moi dem"
	line corruption feedback "can bo dia chinh doi 5 trieu moi ky so do"
	line corruption feedback "phai dua phong bi moi duoc lam giay to"
	line corruption feedback "canh sat khu vuc xin tien cafe moi bo qua"
	line corruption feedback "to truong dua nguoi nha vao ds ho ngheo"
	line corruption feedback "nop ho so xay dung bi doi them tien ngoai"
	line corruption feedback "giao vien bat dong tien hoc them moi cho diem"
	line health feedback "tram y te dong cua gio hanh chinh"
	line health feedback "chua duoc tiem vac xin cho tre"
	line health feedback "sot xuat huyet nhieu ca trong hem"
	line health feedback "the bao hiem y te cap cham qua"
	line general thanks "cam on phuong da ho tro"
	line general thanks "xin cam on cac anh chi can bo"
	line general thanks "cam on nhieu nha"
	line general thanks "cam on da sua den duong nhanh"
	line general spam "chuc mung ban trung thuong 100tr bam link"
	line general spam "vay tien nhanh lai suat thap goi ngay"
	line general spam "khuyen mai nap the tang 50 phan tram"
	line general phishing "tai khoan VNeID cua ban bi khoa bam link de mo"
	line general greeting "alo"
	line general greeting "xin chao"
	line general greeting "test"
	} >"$1/train/w1.tsv" &&
	{
	echo "# the frozen test part"
	line infrastructure feedback "duong hem 7 ngap nang sau con mua"
	line infrastructure feedback "cot den duong bi nga"
	line security feedback "mat trom xe dap truoc nha"
	line security feedback "co danh nhau o quan nhau"
	line corruption feedback "can bo phuong doi tien moi ky giay"
	line corruption feedback "phai dua tien cho to truong moi duoc ho tro"
	line health feedback "tram y te khong co bac si"
	line general thanks "cam on phuong rat nhieu"
	line general spam "trung thuong xe SH bam link nhan ngay"
	line general greeting "alo alo"
	} >"$1/test/t1.tsv" &&
	(cd "$1" && sha256sum test/t1.tsv >test.sha256)
}

none='{"corrections": []}'
flood="duong truoc nha bi ngap nuoc moi khi mua"

test_expect_success 'router train prints the running and the new figures' '
	d=$TRASH/figures && make_corpus "$d/corpus" &&
	printf "%s\n" "$none" >"$d/none.json" &&
	ctl "" router train --corrections "$d/none.json" \
	    --corpus "$d/corpus" --out "$d/new.model" >"$d/out" &&
	test -s "$d/new.model" &&
	test_grep "^trained on 33 messages: the train part (1 file" "$d/out" &&
	test_grep "^test part: 10 messages (1 file), as in test.sha256" \
	    "$d/out" &&
	test_grep "^running: the keyword router alone" "$d/out" &&
	test_grep "^new: liblinear .* L2R_LR C=32 messages=33 .*corrections=0" \
	    "$d/out" &&
	test_grep "^accuracy  *[0-9.]*% *[0-9.]*%$" "$d/out" &&
	test_grep "^corruption recall .*(2/2)$" "$d/out" &&
	test_grep "^corruption  *[0-9.]*%  *[0-9.]*%  *[0-9.]*%  *[0-9.]*%$" \
	    "$d/out" &&
	test_grep "^confusion (rows: true class, columns: predicted)" \
	    "$d/out" &&
	test "$(sed -n "/^confusion/,/^\$/p" "$d/out" |
	    grep -c "^[a-z]*  *[0-9][0-9 ]*\$")" -eq 16 &&
	test_grep "^new model written to $d/new.model" "$d/out" &&
	ctl "$d/new.model" router show >"$d/show" &&
	test_grep "^path: $d/new.model (classifier.model)" "$d/show" &&
	test_grep "^classes: 16: corruption security" "$d/show" &&
	test_grep "^trained: .*messages=33" "$d/show"
'

test_expect_success '--json prints one object with both sets of figures' '
	d=$TRASH/json && make_corpus "$d/corpus" &&
	printf "%s\n" "$none" >"$d/none.json" &&
	ctl "" --json router train --corrections "$d/none.json" \
	    --corpus "$d/corpus" --out "$d/new.model" >"$d/out" &&
	test "$(wc -l <"$d/out")" -eq 1 &&
	if command -v jq >/dev/null; then
		jq -e ".accepted == true and .installed == false and
		    .path == \"$d/new.model\" and .test.messages == 10 and
		    .train.messages == 33 and .running.path == null and
		    (.new.figures.confusion.rows | length) == 16 and
		    .new.figures.corruption == 2 and
		    (.new.figures.categories.corruption.recall | type) ==
		    \"number\"" "$d/out" >/dev/null
	else
		test_grep "\"accepted\": *true" "$d/out"
	fi
'

test_expect_success 'a test part that does not match test.sha256 is refused' '
	d=$TRASH/sums && make_corpus "$d/corpus" &&
	printf "%s\n" "$none" >"$d/none.json" &&
	echo "# one more line" >>"$d/corpus/test/t1.tsv" &&
	test_exit_status 1 ctl "" router train --corrections "$d/none.json" \
	    --corpus "$d/corpus" --out "$d/new.model" >"$d/out" 2>"$d/err" &&
	test_grep "the frozen test part changed: .*t1.tsv: SHA-256" "$d/err" &&
	test ! -e "$d/new.model" &&
	test ! -s "$d/out" &&
	rm -rf "$d/corpus" && make_corpus "$d/corpus" &&
	line health feedback "benh vien qua tai" >"$d/corpus/test/t2.tsv" &&
	test_exit_status 1 ctl "" router train --corrections "$d/none.json" \
	    --corpus "$d/corpus" --out "$d/new.model" 2>"$d/err" &&
	test_grep "the frozen test part changed: .*t2.tsv is not in " \
	    "$d/err" &&
	rm "$d/corpus/test/t2.tsv" "$d/corpus/test/t1.tsv" &&
	test_exit_status 1 ctl "" router train --corrections "$d/none.json" \
	    --corpus "$d/corpus" --out "$d/new.model" 2>"$d/err" &&
	test_grep "no .tsv file" "$d/err" &&
	rm -rf "$d/corpus" && make_corpus "$d/corpus" &&
	rm "$d/corpus/test.sha256" &&
	test_exit_status 1 ctl "" router train --corrections "$d/none.json" \
	    --corpus "$d/corpus" --out "$d/new.model" 2>"$d/err" &&
	test_grep "no frozen test part to measure on" "$d/err" &&
	test ! -e "$d/new.model"
'

test_expect_success 'a correction changes the decision on its message' '
	d=$TRASH/correction && make_corpus "$d/corpus" &&
	printf "%s\n" "$none" >"$d/none.json" &&
	ctl "" router train --corrections "$d/none.json" \
	    --corpus "$d/corpus" --out "$d/old.model" >/dev/null &&
	ctl "$d/old.model" classify "$flood" >"$d/before" &&
	test "$(cut -f1 "$d/before")" = infrastructure &&
	cat >"$d/corr.json" <<-EOF &&
	{"corrections": [
	  {"text": "$flood", "category": "corruption",
	   "subcategory": "service_delivery", "ref": "PA-000123",
	   "by": "lan", "at": 1733300000},
	  {"text": "mat dien", "category": "roads", "subcategory": null,
	   "ref": "PA-000124", "by": "lan", "at": 1733300001}
	]}
	EOF
	ctl "$d/old.model" router train --force --corrections "$d/corr.json" \
	    --corpus "$d/corpus" --out "$d/new.model" >"$d/out" 2>"$d/err" &&
	test_grep "correction PA-000124: unknown category \"roads\"; left out" \
	    "$d/err" &&
	test_grep "and 1 correction (1 message replaced, 1 correction left" \
	    "$d/out" &&
	test_grep "^running: $d/old.model (liblinear" "$d/out" &&
	test_grep "^new: .*corrections=1" "$d/out" &&
	ctl "$d/new.model" classify "$flood" >"$d/after" &&
	test "$(cut -f1 "$d/after")" = corruption &&
	test "$(awk -F"\t" "{print NF}" "$d/after")" -eq 4 &&
	ctl "$d/new.model" --json classify "$flood" >"$d/json" &&
	test_grep "\"model\": *{\"class\": *\"corruption\"" "$d/json" &&
	test_grep "\"why\": *\[{\"feature\"" "$d/json" &&
	test_grep "\"held\": *false" "$d/json"
'

test_expect_success 'a worse model is refused without --force' '
	d=$TRASH/worse && make_corpus "$d/corpus" &&
	printf "%s\n" "$none" >"$d/none.json" &&
	ctl "" router train --corrections "$d/none.json" \
	    --corpus "$d/corpus" --out "$d/good.model" >/dev/null &&
	make_corpus "$d/bad" &&
	awk -F"\t" "BEGIN { OFS = \"\t\" }
	    \$1 == \"infrastructure\" { \$1 = \"security\"; print; next }
	    \$1 == \"security\" { \$1 = \"health\"; print; next }
	    \$1 == \"health\" { \$1 = \"corruption\"; print; next }
	    \$1 == \"corruption\" { \$1 = \"infrastructure\"; print; next }
	    { print }" "$d/corpus/train/w1.tsv" >"$d/bad/train/w1.tsv" &&
	test_exit_status 1 ctl "$d/good.model" router train \
	    --corrections "$d/none.json" --corpus "$d/bad" \
	    --out "$d/bad.model" >"$d/out" 2>"$d/err" &&
	test_grep "worse than the running one on accuracy" "$d/err" &&
	test_grep "on corruption recall" "$d/err" &&
	test_grep "not installed (--force installs it all the same)" \
	    "$d/err" &&
	test_grep "^accuracy " "$d/out" &&
	test ! -e "$d/bad.model" &&
	ctl "$d/good.model" router train --force \
	    --corrections "$d/none.json" --corpus "$d/bad" \
	    --out "$d/bad.model" >"$d/out" 2>"$d/err" &&
	test_grep "accepted because of --force" "$d/err" &&
	test -s "$d/bad.model"
'

test_expect_success 'in Vietnamese: the report, its columns aligned; --json'"'"'s reason English' '
	d=$TRASH/worse &&
	vi() { env LOCPATH="$TRASH/none" LANG=vi_VN.UTF-8 "$@"; } &&
	vi "$PAPICTL" -c "$conf" -o classifier.trained= -o classifier.model= \
	    router train --corrections "$d/none.json" --corpus "$d/corpus" \
	    --out "$d/vi.model" >"$d/vi" &&
	test_grep "^đã huấn luyện trên 33 tin nhắn: phần huấn luyện (1 tệp, bỏ 0 tin lặp lại) và 0 lần sửa (thay 0 tin nhắn, bỏ 0 lần sửa)$" "$d/vi" &&
	test_grep "^phần kiểm tra: 10 tin nhắn (1 tệp), đúng như test.sha256$" \
	    "$d/vi" &&
	test_grep "^độ chính xác  *[0-9.]*% *[0-9.]*%$" "$d/vi" &&
	test_grep "^ma trận nhầm lẫn (hàng: lớp thật" "$d/vi" &&
	test_grep "^đã ghi mô hình mới vào $d/vi.model$" "$d/vi" &&
	ctl "" router train --corrections "$d/none.json" --corpus "$d/corpus" \
	    --out "$d/en.model" >"$d/en" &&
	for k in 1 2 3 4 5 6 7 9 10; do
		en=$(sed -n "/^on the test part/,\$p" "$d/en" | sed -n "${k}p" |
		    wc -L) &&
		vi=$(sed -n "/^trên phần kiểm tra/,\$p" "$d/vi" | sed -n "${k}p" |
		    wc -L) &&
		test "$en" = "$vi" || { echo "line $k: $en != $vi columns" >&2
		    return 1; }
	done &&
	test_exit_status 1 vi "$PAPICTL" -c "$conf" -o classifier.trained= \
	    -o "classifier.model=$d/good.model" router train \
	    --corrections "$d/none.json" --corpus "$d/bad" \
	    --out "$d/bad2.model" >"$d/vi" 2>"$d/err" &&
	test_grep "mô hình mới kém hơn mô hình đang chạy về độ chính xác" "$d/err" &&
	test_grep "chưa cài đặt (--force vẫn cài đặt)" "$d/err" &&
	test_exit_status 1 vi "$PAPICTL" --json -c "$conf" \
	    -o classifier.trained= -o "classifier.model=$d/good.model" \
	    router train --corrections "$d/none.json" --corpus "$d/bad" \
	    --out "$d/bad2.model" >"$d/json" 2>"$d/err" &&
	test_grep "\"reason\": *\"the new model is worse than the running one on accuracy" "$d/json" &&
	vi "$PAPICTL" -c "$conf" -o classifier.trained= \
	    -o "classifier.model=$d/good.model" router show >"$d/show" &&
	test_grep "^đường dẫn: $d/good.model (classifier.model)$" "$d/show" &&
	test_grep "^các lớp: 16: corruption security" "$d/show"
'

test_expect_success 'the daemon is asked for the corrections and the install' '
	d=$TRASH/daemon && make_corpus "$d/corpus" &&
	printf "%s\n" "$none" >"$d/none.json" &&
	test_exit_status 1 ctl "" -s "$d/none.sock" router train \
	    --corpus "$d/corpus" 2>"$d/err" &&
	test_grep "cannot reach papigwd at $d/none.sock" "$d/err" &&
	mkdir "$d/tmp" &&
	(
		TMPDIR=$d/tmp && export TMPDIR &&
		test_exit_status 1 ctl "" -s "$d/none.sock" router train \
		    --corrections "$d/none.json" --corpus "$d/corpus" \
		    >"$d/out" 2>"$d/err"
	) &&
	test_grep "cannot reach papigwd at $d/none.sock" "$d/err" &&
	test_grep "^accuracy " "$d/out" &&
	test -z "$(ls -A "$d/tmp")"
'

test_expect_success 'usage: router train and router show, as in papictl.8' '
	d=$TRASH/usage && mkdir "$d" &&
	test_exit_status 2 "$PAPICTL" router 2>"$d/err" &&
	test_exit_status 2 "$PAPICTL" router train --no-such-option \
	    2>"$d/err" &&
	test_exit_status 2 "$PAPICTL" router train extra 2>"$d/err" &&
	test_exit_status 2 "$PAPICTL" router show extra 2>"$d/err" &&
	mandoc -Tascii -Owidth=1000 "$SRC_DIR/man/papictl.8" |
	    sed "s/.$(printf "\b")//g; s/^ *//; s/  .*//" >"$d/items" &&
	sed -n "s/^usage: papictl //p" "$d/err" | sed "s/ *\$//" >"$d/usage" &&
	test "$(wc -l <"$d/usage")" -eq 2 &&
	missing=0 &&
	while read -r u; do
		grep -qxF -- "$u" "$d/items" ||
		    { echo "not in papictl.8: $u" >&2; missing=1; }
	done <"$d/usage" &&
	test "$missing" = 0
'

test_expect_success 'router show: no model, a broken one' '
	d=$TRASH/show && mkdir "$d" &&
	ctl "" router show >"$d/out" &&
	test_grep "no model" "$d/out" &&
	echo "papigw-model 1" >"$d/broken.model" &&
	test_exit_status 1 ctl "$d/broken.model" router show 2>"$d/err" &&
	test_grep "broken.model" "$d/err" &&
	ctl "$d/broken.model" classify "trom xe may" >"$d/out" 2>"$d/err" &&
	test "$(cut -f1 "$d/out")" = security &&
	test_grep "warning: .*broken.model.*keyword router alone" "$d/err"
'

test_done
