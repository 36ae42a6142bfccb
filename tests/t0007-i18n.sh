#!/bin/sh
test_description='the Vietnamese catalogue: complete, and chosen by the locale (a generated vi_VN.UTF-8, or none installed), English in the C locale'
. "$(dirname "$0")/lib.sh"

test_expect_success 'every message of the sources is translated in po/vi.po' '
	cd "$SRC_DIR" &&
	make -s BUILD="$BUILD" -n pot | sed "s| -o po/papigw.pot | -o $TRASH/now.pot |" >"$TRASH/pot.sh" &&
	cd "$TRASH" &&
	(cd "$SRC_DIR" && sh "$TRASH/pot.sh") 2>/dev/null &&
	test -s now.pot &&
	msgmerge --quiet -o merged.po "$SRC_DIR/po/vi.po" now.pot &&
	msgfmt --check --statistics -o /dev/null merged.po 2>stats &&
	cat stats &&
	! grep -q "untranslated\|fuzzy" stats
'

test_expect_success 'the catalogue is built and checked (c-format)' '
	test -f "$BUILD/locale/vi/LC_MESSAGES/papigw.mo" &&
	msgfmt --check -o /dev/null "$SRC_DIR/po/vi.po"
'

test_expect_success 'English in the C locale, by default' '
	LANG=C papictl --help >out &&
	test_grep "cases, newest first" out &&
	LANG=C.UTF-8 papictl --help >out &&
	test_grep "cases, newest first" out
'

test_expect_success 'LANG=vi_VN.UTF-8 without the locale installed: Vietnamese all the same' '
	LOCPATH="$TRASH/none" LANG=vi_VN.UTF-8 papictl --help >out &&
	test_grep "danh sách hồ sơ, mới nhất trước" out &&
	test_grep "^usage: papictl \[--json\]" out &&
	test_exit_status 2 env LOCPATH="$TRASH/none" LANG=vi_VN.UTF-8 \
	    papictl list --limit 0 2>err &&
	test_grep "^papictl: list: --limit phải là số từ 1 đến 1000" err
'

# The locale, generated for the test (the tests never touch the system's).
if localedef -i vi_VN -f UTF-8 "$TRASH/loc/vi_VN.UTF-8" 2>/dev/null ||
    { mkdir -p "$TRASH/loc" &&
    localedef -i vi_VN -f UTF-8 "$TRASH/loc/vi_VN.UTF-8" 2>/dev/null; }; then
test_expect_success 'LANG=vi_VN.UTF-8 with the locale generated: Vietnamese' '
	LOCPATH="$TRASH/loc" LANG=vi_VN.UTF-8 papictl --help >out &&
	test_grep "danh sách hồ sơ, mới nhất trước" out &&
	LOCPATH="$TRASH/loc" LC_ALL=vi_VN.UTF-8 papictl bogus 2>err;
	test_grep "^papictl: không có lệnh .bogus." err
'
else
test_skip 'LANG=vi_VN.UTF-8 with the locale generated' 'localedef cannot make vi_VN.UTF-8 (Debian package locales)'
fi

test_expect_success 'LANGUAGE chooses too, over a C.UTF-8 base; numbers keep their point' '
	LANG=C.UTF-8 LANGUAGE=vi papictl --help >out &&
	test_grep "kiểm tra tệp cấu hình" out &&
	write_conf c.conf &&
	LANG=vi_VN.UTF-8 papictl -c c.conf classify "trom xe may" >out &&
	test_grep "	[0-9]*\.[0-9][0-9]	" out
'

test_expect_success 'TEXTDOMAINDIR: a catalogue elsewhere' '
	mkdir -p td/vi/LC_MESSAGES &&
	sed "s/danh sách hồ sơ, mới nhất trước/DANH SÁCH THỬ/" \
	    "$SRC_DIR/po/vi.po" >td.po &&
	msgfmt -o td/vi/LC_MESSAGES/papigw.mo td.po &&
	TEXTDOMAINDIR="$TRASH/td" LANG=vi_VN.UTF-8 papictl --help >out &&
	test_grep "DANH SÁCH THỬ" out
'

test_done
