#!/bin/sh
test_description='the learned classifier in the daemon: decisions and their evidence, non-feedback, recategorise, corrections'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"

UNIXSEND="$BUILD/tools/unixsend"
HTTP_PORT=$(free_port)	# the same in every version of p.conf

# The model this build trained (make model), and a place for a trained one.
classifier="classifier = { model = \"$BUILD/router.model\";
    trained = \"$TRASH/trained.model\"; };
replies = { thanks_vi = \"Cảm ơn anh/chị.\"; };"

col() {
	sql "SELECT $2 FROM cases WHERE ref_number = ${1#PA-}"
}

roles() {
	if [ "$1" = officer ]; then
		cats='categories = [ "security", "infrastructure" ];'
	else
		cats=""
	fi
	cat >p.conf.roles <<-EOF
	roles = ( { name = "ward"; kind = "$1"; users = [ "$OFFICER" ];
	    $cats } );
	EOF
	ctl_conf p.conf "$classifier
$(cat p.conf.roles)" &&
	n=$(grep -c "configuration reloaded" daemon.log || :) &&
	kill -HUP $daemon_pid &&
	wait_for "test \$(grep -c \"configuration reloaded\" daemon.log) -gt $n"
}

test_expect_success 'start with the model' '
	ctl_conf p.conf "$classifier" &&
	start_daemon -c p.conf &&
	test_grep "classifier: model of 1[0-9] classes" daemon.log
'

test_expect_success 'a bribe in other words: the restricted queue, and why' '
	inject +84912345601 "Cô giáo bảo muốn vào lớp chọn thì gửi phong bì cho cô" &&
	A=$REF &&
	test "$(col "$A" category)" = corruption &&
	test "$(sql "SELECT json_extract(decision, '"'\$.by'"') || json_extract(decision, '"'\$.class'"') FROM inbound WHERE case_id = $(col "$A" id)")" = modelcorruption &&
	ctl --json show "$A" >s.json &&
	test "$(jget s.json "\$.evidence.by")" = model &&
	test "$(jget s.json "\$.evidence.category")" = corruption &&
	test -n "$(jget s.json "\$.evidence.why[0].feature")" &&
	ctl show "$A" >out &&
	test_grep "^Routed by:  the model: corruption (p 0\.[0-9][0-9]" out &&
	test_grep "^Now:        corruption, the model; why: " out &&
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'case.create'"' AND detail LIKE '"'%model corruption p=%'"'")" = 1
'

test_expect_success 'phishing with a link: stored, no case, no reply' '
	ctl inject --from +84912345602 "VNeID thong bao tai khoan cua ban bi khoa, bam vao http://vneid-xacminh.top de mo khoa" >out &&
	test_grep "stored: spam, no case" out &&
	test "$(sql "SELECT count(*) FROM outbox WHERE recipient = '"'+84912345602'"'")" = 0
'

test_expect_success 'the decision kept says the language when it was told, nothing when not' '
	test "$(sql "SELECT json_extract(decision, '"'\$.lang'"') FROM inbound
	    WHERE case_id = $(col "$A" id)")" = vi &&
	test "$(sql "SELECT count(*) FROM inbound WHERE sender = '"'+84912345602'"'
	    AND decision IS NOT NULL AND decision NOT LIKE '"'%lang%'"'")" = 1
'

test_expect_success 'a thank-you: no case, a short thank-you' '
	ctl inject --from +84912345603 "tks cac anh da sua den duong nhanh qua" >out &&
	test_grep "stored: thanks, no case" out &&
	test "$(sql "SELECT kind || '"' '"' || text FROM outbox WHERE recipient = '"'+84912345603'"'")" = "special Cảm ơn anh/chị."
'

test_expect_success 'an officer moves a case into the restricted queue, then no longer sees it' '
	make_officer && roles officer &&
	inject +84912345604 "Đường hẻm 283 ngập nước mấy ngày nay, ko ai sửa" &&
	B=$REF &&
	test "$(col "$B" category)" = infrastructure &&
	as_officer recategorise --reason "tổ trưởng đòi tiền mới sửa" "$B" corruption >out &&
	test_grep "^$B moved from infrastructure[/a-z_]* to corruption" out &&
	test_grep "^$B is now in a category your roles do not see" out &&
	test "$(col "$B" category)" = corruption &&
	test_exit_status 1 as_officer show "$B" 2>err &&
	test_grep "no case $B" err
'

test_expect_success 'the officer cannot move it out again; an inspector can' '
	test_exit_status 1 as_officer recategorise --reason "nhầm" "$B" infrastructure 2>err &&
	test_grep "no case $B" err &&
	test "$(col "$B" category)" = corruption &&
	roles inspector &&
	as_officer recategorise --reason "không phải tham nhũng" "$B" infrastructure/basic_infrastructure >out &&
	test_grep "^$B moved from corruption to infrastructure/basic_infrastructure" out &&
	test "$(col "$B" "category || subcategory")" = infrastructurebasic_infrastructure
'

test_expect_success 'recategorise: usage and conflicts' '
	test_exit_status 2 ctl recategorise "$B" security &&
	test_exit_status 2 ctl recategorise --reason "x y z w" "$B" nowhere 2>err &&
	test_grep "no category .nowhere." err &&
	test_exit_status 2 ctl recategorise --reason "x y z w" "$B" security/nowhere 2>err &&
	test_grep "no sub-category .nowhere." err &&
	test_exit_status 2 ctl recategorise --reason "ab" "$B" security 2>err &&
	test_grep "needs a reason" err &&
	test_exit_status 1 ctl recategorise --reason "x y z w" "$B" infrastructure/basic_infrastructure 2>err &&
	test_grep "already" err
'

test_expect_success 'every correction is audited and kept, for administrators only' '
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'case.recategorise'"' AND actor = '"'$OFFICER'"'")" = 2 &&
	test "$(sql "SELECT group_concat(category, '"' '"') FROM (SELECT category FROM corrections ORDER BY id) AS t")" = "corruption infrastructure" &&
	printf "{\"cmd\":\"router.corrections\"}\n" | "$UNIXSEND" control.sock >c.json &&
	test "$(jget c.json "\$.data.corrections[0].text")" = "Đường hẻm 283 ngập nước mấy ngày nay, ko ai sửa" &&
	test "$(jget c.json "\$.data.corrections[1].category")" = infrastructure &&
	test "$(jget c.json "\$.data.corrections[1].by")" = "$OFFICER" &&
	roles officer &&
	printf "{\"cmd\":\"router.corrections\"}\n" >req &&
	setpriv --reuid="$OFFICER" --regid="$(id -g "$OFFICER")" --init-groups \
	    "$UNIXSEND" control.sock <req >c.json &&
	test_grep "forbidden" c.json
'

# A misuse of a fund that the model files under participation: an officer
# moves it into the restricted queue, and the retrained model sends the
# next such message there directly.
MISUSE="Tổ dân phố 4 tổ chức đi du lịch Đà Lạt bằng quỹ khuyến học"

test_expect_success 'router train: the corrections from the daemon, the model installed' '
	inject +84912345606 "$MISUSE" &&
	D=$REF && test "$(col "$D" category)" != corruption &&
	ctl recategorise --reason "tiêu quỹ khuyến học sai mục đích" "$D" corruption &&
	ctl -c p.conf -o classifier.corpus="$SRC_DIR/data/router" \
	    router train --force >out 2>&1 &&
	test_grep "^trained on [0-9]* messages: .* and 3 corrections" out &&
	test_grep "^accuracy  *[0-9.]*% *[0-9.]*%$" out &&
	test -s trained.model &&
	test_grep "installed a trained model: .*trained.model" daemon.log &&
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'router.install'"' AND actor = '"'root'"'")" = 1 &&
	inject +84912345607 "$MISUSE" &&
	test "$(col "$REF" category)" = corruption
'

test_expect_success 'the trained model is what a restart loads' '
	stop_daemon && start_daemon -c p.conf &&
	test_grep "classifier: model of .*corrections=3" daemon.log &&
	inject +84912345608 "$MISUSE" &&
	test "$(col "$REF" category)" = corruption
'

test_expect_success 'a worse model is refused and not installed' '
	mkdir -p small/train small/test &&
	printf "infrastructure\t-\t-\tfeedback\tvi\tduong ngap nuoc\n" >small/train/w.tsv &&
	printf "security\t-\t-\tfeedback\tvi\ttrom xe may\n" >>small/train/w.tsv &&
	cp "$SRC_DIR"/data/router/test/*.tsv small/test/ &&
	cp "$SRC_DIR"/data/router/test.sha256 small/ &&
	cp trained.model trained.before &&
	test_exit_status 1 ctl -c p.conf -o classifier.corpus="$TRASH/small" \
	    router train >out 2>&1 &&
	test_grep "worse than the running one on accuracy .* not installed" out &&
	cmp trained.model trained.before &&
	test "$(sql "SELECT count(*) FROM audit WHERE action = '"'router.install'"'")" = 1
'

test_expect_success 'router.install without a passed file is refused' '
	printf "{\"cmd\":\"router.install\",\"args\":{}}\n" |
	    "$UNIXSEND" control.sock >ans &&
	test_grep "passed with the request" ans
'

test_expect_success 'a damaged model: papigwd -n and a reload refuse it; the old one stays' '
	head -c 100000 "$BUILD/router.model" >bad.model &&
	test_exit_status 1 "$PAPIGWD" -n -c p.conf -o classifier.trained= \
	    -o classifier.model="$TRASH/bad.model" 2>err &&
	test_grep "bad.model" err &&
	ctl_conf p.conf "classifier = { model = \"$TRASH/bad.model\"; };
$(cat p.conf.roles)" &&
	kill -HUP $daemon_pid &&
	wait_for "grep -q \"reload [0-9]* failed\" daemon.log" &&
	inject +84912345605 "Cán bộ phường đòi 2 triệu tiền cà phê mới ký giấy xác nhận" &&
	test "$(col "$REF" category)" = corruption
'

test_done
