#!/bin/sh
test_description='man pages, documentation against the code, systemd unit'
. "$(dirname "$0")/lib.sh"

test_expect_success 'man pages lint clean and agree with the code' '
	"$SRC_DIR/scripts/check-docs.sh" >out 2>&1 ||
	{ cat out; false; } &&
	test_grep "check-docs: OK" out
'

render_unit() {
	sed "s|@SBINDIR@|$BUILD|g" "$SRC_DIR/systemd/papigwd.service.in" \
	    >"$TRASH/papigwd.service"
}

test_expect_success 'systemd-analyze verify accepts the unit' '
	render_unit &&
	systemd-analyze verify --man=no "$TRASH/papigwd.service" >out 2>&1 ||
	{ cat out; false; }
'

test_expect_success 'the unit is sandboxed (exposure at most 2.0)' '
	render_unit &&
	systemd-analyze security --offline=true "$TRASH/papigwd.service" \
	    >out 2>&1 &&
	score=$(sed -n "s/.*Overall exposure level for papigwd.service: \([0-9.]*\).*/\1/p" out) &&
	test -n "$score" &&
	echo "# exposure $score" &&
	awk -v s="$score" "BEGIN { exit !(s <= 2.0) }"
'

test_expect_success 'the sysusers file creates the papigw user in dialout' '
	mkdir -p root/etc &&
	systemd-sysusers --root="$TRASH/root" \
	    "$SRC_DIR/systemd/papigw.sysusers" &&
	test_grep "^papigw:" root/etc/passwd &&
	test_grep "^dialout:.*papigw" root/etc/group
'

test_expect_success 'the sysusers file creates every group the shipped roles name' '
	sed -n "/^roles = (/,/^);/s/.*groups = \[ \"\(.*\)\" \];/\1/p" \
	    "$CONF_DIR/papigw.conf" >groups &&
	test "$(wc -l <groups)" -ge 3 &&
	while read -r g; do
		test_grep "^$g:" root/etc/group || return 1
	done <groups
'

# render PAGE: the page as mandoc lays it out for a terminal, without
# the overstrike of bold and underline.
render() {
	mandoc -Tutf8 "$SRC_DIR/man/$1" | col -b
}

test_expect_success 'examples render as typed: JSON keeps its quotes' '
	render papictl.8 >p.txt &&
	test_grep "{\"cmd\": \"list\", \"args\": {\"category\": \"security\", \"limit\": 20}}" p.txt &&
	test_grep "{\"ok\": false, \"error\": \"forbidden\", \"message\": \"...\"," p.txt &&
	test_grep "{\"ok\":true,\"file\":\"/etc/papigw/papigw.conf\",\"categories\":12" p.txt &&
	test_grep "\"model\": {\"class\": \"corruption\", \"p\": 0.94," p.txt &&
	test_grep "(‘gsm7’ or" p.txt
'

test_expect_success 'quoted examples render as typed: no quote inside a quote' '
	render papigw.conf.5 >c.txt &&
	test_grep "(‘TRACUU PA-000123’, ‘tra cuu pa 123’)" c.txt &&
	test_grep "(‘+84912345678’, ‘84912345678’ and ‘0912345678’ are one)" c.txt &&
	test_grep "hoac 0 neu van de chua duoc giai quyet.\")" c.txt &&
	test_grep "default \"Chon linh vuc phan anh:\")" c.txt &&
	for f in papictl.8 papigwd.8 papigw.conf.5; do
		render $f >r.txt || return 1
		if grep -n "‘[^’]*‘\|’’\|““\|””" r.txt; then return 1; fi
	done
'

test_expect_success 'make install twice over an edited configuration: kept, the new one as .dist' '
	make -s -C "$SRC_DIR" BUILD="$BUILD" install DESTDIR="$TRASH/d2" \
	    PREFIX=/opt/papigw >out 2>&1 || { cat out; false; } &&
	test ! -e d2/etc/papigw/papigw.conf.dist &&
	echo "// the ward'"'"'s own edit" >>d2/etc/papigw/papigw.conf &&
	sed -i "s/deadline_days = 15;/deadline_days = 10;/" \
	    d2/etc/papigw/categories.conf &&
	cp d2/etc/papigw/papigw.conf mine.conf &&
	cp d2/etc/papigw/categories.conf mine.cat &&
	make -s -C "$SRC_DIR" BUILD="$BUILD" install DESTDIR="$TRASH/d2" \
	    PREFIX=/opt/papigw >out 2>&1 || { cat out; false; } &&
	cmp mine.conf d2/etc/papigw/papigw.conf &&
	cmp mine.cat d2/etc/papigw/categories.conf &&
	test -f d2/etc/papigw/papigw.conf.dist &&
	test -f d2/etc/papigw/categories.conf.dist &&
	cmp "$SRC_DIR/conf/categories.conf" d2/etc/papigw/categories.conf.dist &&
	test_grep "papigw.conf exists and was kept; the new one is .*papigw.conf.dist" out &&
	test_grep "categories.conf exists and was kept" out &&
	test -f d2/opt/papigw/share/locale/vi/LC_MESSAGES/papigw.mo &&
	test -f d2/opt/papigw/share/papigw/router/train/w01.tsv
'

test_expect_success 'make install honours PREFIX and DESTDIR' '
	make -s -C "$SRC_DIR" BUILD="$BUILD" install DESTDIR="$TRASH/dest" \
	    PREFIX=/opt/papigw >out 2>&1 || { cat out; false; } &&
	test -x dest/opt/papigw/sbin/papigwd &&
	test -x dest/opt/papigw/bin/papictl &&
	test -f dest/opt/papigw/share/man/man8/papigwd.8 &&
	test -f dest/opt/papigw/share/man/man8/papictl.8 &&
	test -f dest/opt/papigw/share/man/vi/man8/papictl.8 &&
	test -f dest/opt/papigw/share/man/man5/papigw.conf.5 &&
	test -f dest/etc/papigw/papigw.conf &&
	test -f dest/etc/papigw/categories.conf &&
	test_grep "^ExecStart=/opt/papigw/sbin/papigwd -d" \
	    dest/opt/papigw/lib/systemd/system/papigwd.service &&
	test -f dest/opt/papigw/lib/sysusers.d/papigw.conf &&
	dest/opt/papigw/sbin/papigwd -n -c dest/etc/papigw/papigw.conf
'

test_done
