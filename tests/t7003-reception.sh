#!/bin/sh
test_description='the Tuesday citizen reception: booking by SMS, slots and capacity from the configuration, a full reception, a holiday, booking closing the day before, cancelling by SMS, the reminder the day before under the test clock, papictl reception'
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/lib-ctl.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ussd.sh"

# The ward's time: the days and times of the reception are local.
TZ=Asia/Ho_Chi_Minh
export TZ

clock() {
	date -d "$1" +%s >"$TRASH/clock"
}

# answer NUMBER: the last automatic reply to NUMBER.
answer() {
	sql "SELECT text FROM outbox WHERE recipient = '$1' ORDER BY id DESC LIMIT 1"
}

# Two slots of one resident each: two places a reception.  Tuesday 15
# December 2026 is made a holiday.
test_expect_success 'the daemon under the test clock, on Monday 30 November 2026' '
	make_officer &&
	ctl_conf p.conf "
channels = ( { name = \"gen\"; type = \"generic\"; base_url = \"http://127.0.0.1:9\"; },
    { name = \"at\"; type = \"africastalking\"; base_url = \"http://127.0.0.1:9\"; } );
ussd = { enabled = true; service_code = \"*123#\"; channel = \"at\";
    menu = ( (\"report\", \"Phan anh, kien nghi\"),
        (\"book\", \"Dat lich tiep cong dan\") );
    report_categories = ( (\"\", \"Khac\") );
    info_topics = (); };
replies = { max_per_sender_day = 0; };
deadlines = { check_interval = 1; holidays = [ \"2026-12-15\" ]; };
roles = ( { name = \"ward-officers\"; kind = \"officer\";
    users = [ \"$OFFICER\" ]; } );
reception = { enabled = true; slots = [ \"08:00\", \"08:30\" ];
    per_slot = 1; weeks_ahead = 3;
    book_words = [ \"đặt lịch\", \"book\" ];
    cancel_words = [ \"hủy lịch\", \"cancel booking\" ]; };" &&
	clock "2026-11-30 09:00" &&
	PAPIGWD=$PAPIGWD_HOOKS PAPIGW_TEST_CLOCK="$TRASH/clock" \
	    start_daemon -c p.conf
'

test_expect_success 'a booking by SMS: the next Tuesday, the first slot, number 1' '
	inject +84914000001 "Cống thoát nước hẻm 42 bị tắc, mưa là ngập" && CASE_A=$REF &&
	ctl --json inject --from +84914000001 "Đặt lịch: tranh chấp ranh giới đất với nhà bên" >j &&
	test "$(jget j "\$.ref")" = "" &&
	test "$(sql "SELECT day || '"' '"' || slot || '"' '"' || seq || '"' '"' || topic FROM reception_bookings")" = "2026-12-01 08:00 1 tranh chấp ranh giới đất với nhà bên" &&
	answer +84914000001 >a &&
	test_grep "01/12/2026 .*08:00" a &&
	test_grep "hủy lịch\|huy lich" a &&
	test "$(sql "SELECT action FROM audit WHERE action LIKE '"'reception.%'"'")" = reception.book
'

test_expect_success 'booking again gives the same place; the second resident gets the second slot' '
	ctl inject --from +84914000001 "dat lich" >/dev/null &&
	test "$(sql "SELECT count(*) FROM reception_bookings")" = 1 &&
	answer +84914000001 >a && test_grep "08:00" a &&
	ctl inject --from 8088 "dat lich" >/dev/null &&
	test "$(sql "SELECT count(*) FROM reception_bookings WHERE number = '"'8088'"'")" = 0 &&
	ctl inject --from +84914000002 "dat lich xin giai quyet ho so dat dai" >/dev/null &&
	test "$(sql "SELECT slot || '"' '"' || seq FROM reception_bookings WHERE number = '"'+84914000002'"'")" = "08:30 2"
'

test_expect_success 'a full reception: the next one; a holiday is skipped; all full: told so' '
	ctl inject --from +84914000003 "dat lich hoi ve tro cap" >/dev/null &&
	test "$(sql "SELECT day || '"' '"' || slot FROM reception_bookings WHERE number = '"'+84914000003'"'")" = "2026-12-08 08:00" &&
	answer +84914000003 >a && test_grep "08/12/2026" a &&
	ctl inject --from +84914000004 "dat lich" >/dev/null &&
	test "$(sql "SELECT day || '"' '"' || slot FROM reception_bookings WHERE number = '"'+84914000004'"'")" = "2026-12-08 08:30" &&
	ctl inject --from +84914000005 "dat lich" >/dev/null &&
	test "$(sql "SELECT day FROM reception_bookings WHERE number = '"'+84914000005'"'")" = "2026-12-22" &&
	ctl inject --from +84914000006 "dat lich" >/dev/null &&
	ctl inject --from +84914000007 "dat lich" >/dev/null &&
	test "$(sql "SELECT count(*) FROM reception_bookings WHERE number = '"'+84914000007'"'")" = 0 &&
	answer +84914000007 >a &&
	test_grep "22/12/2026" a &&
	grep -qi "kín\|kin" a &&
	test "$(sql "SELECT detail FROM audit WHERE action = '"'reception.book'"' ORDER BY id DESC LIMIT 1")" = "message 10: reception full up to 2026-12-22"
'

test_expect_success 'papictl reception: the agenda of the next reception, for an officer' '
	as_officer reception >ag &&
	test_grep "^Citizen reception of 2026-12-01: 2 booked of 2 places (2 slots of 1)" ag &&
	test_grep "^ *1  *08:00  *R-[0-9]*  *+84 91x xxx 001  *tranh chấp ranh giới" ag &&
	test_grep "$CASE_A" ag &&
	test_grep "^ *2  *08:30 " ag &&
	as_officer --json reception --date 2026-12-15 >h.json &&
	test "$(jget h.json "\$.reception")" = 0 &&
	as_officer reception --date 2026-12-15 >h &&
	test_grep "No reception that day" h
'

test_expect_success 'cancel by SMS: the place is free again' '
	ctl inject --from +84914000002 "Hủy lịch" >/dev/null &&
	test "$(sql "SELECT state FROM reception_bookings WHERE number = '"'+84914000002'"'")" = cancelled &&
	answer +84914000002 >a && test_grep "01/12/2026" a &&
	ctl inject --from +84914000002 "huy lich" >/dev/null &&
	answer +84914000002 >a && grep -qi "không có lịch\|khong co lich" a &&
	ctl inject --from +84914000008 "dat lich ve viec cap so do" >/dev/null &&
	test "$(sql "SELECT day || '"' '"' || slot FROM reception_bookings WHERE number = '"'+84914000008'"'")" = "2026-12-01 08:30" &&
	as_officer reception >ag &&
	test_grep "^1 booking cancelled" ag
'

test_expect_success 'the reminder: not before 16:00 the day before, then once for each booking of the next day' '
	clock "2026-11-30 15:59" &&
	sleep 2 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE kind = '"'reminder'"'")" = 0 &&
	clock "2026-11-30 16:00" &&
	wait_for "test \"\$(sql \"SELECT count(*) FROM outbox WHERE kind = '"'reminder'"'\")\" = 2" &&
	test "$(sql "SELECT group_concat(recipient, '"' '"') FROM (SELECT recipient FROM outbox WHERE kind = '"'reminder'"' ORDER BY recipient) AS t")" = "+84914000001 +84914000008" &&
	sql "SELECT text FROM outbox WHERE kind = '"'reminder'"' AND recipient = '"'+84914000001'"'" >r &&
	grep -qi "ngày mai 01/12/2026 lúc 08:00\|ngay mai 01/12/2026 luc 08:00" r &&
	wait_for "grep -q \"reception: 2 bookings of tomorrow reminded by SMS\" daemon.log" &&
	sleep 2 &&
	test "$(sql "SELECT count(*) FROM outbox WHERE kind = '"'reminder'"'")" = 2 &&
	as_officer reception >ag &&
	test_grep "^ *1 .* yes$" ag
'

test_expect_success 'booking closes at 17:00 the day before: a place freed later goes to nobody' '
	clock "2026-11-30 17:01" &&
	ctl inject --from +84914000008 "huy lich" >/dev/null &&
	ctl inject --from +84914000002 "dat lich" >/dev/null &&
	test "$(sql "SELECT day || '"' '"' || slot FROM reception_bookings WHERE number = '"'+84914000002'"' AND state = '"'booked'"'")" = "2026-12-29 08:00"
'

test_expect_success 'USSD: a booking, its END screen and its SMS; then a full reception' '
	ussd b1 "" 0914000009 &&
	test_screen "CON UBND Phuong 7 Q.10 - Hop thu gop y
1. Phan anh, kien nghi
2. Dat lich tiep cong dan" &&
	ussd b1 "2" 0914000009 &&
	test_screen "CON Dat lich tiep cong dan: nhap noi dung can trinh bay:
$NAV" &&
	ussd b1 "2*khieu nai ve den bu giai toa" 0914000009 &&
	test_screen "END Da dat lich tiep cong dan 29/12/2026 luc 08:30, so thu tu 2. Tin nhan xac nhan se gui den so nay." &&
	test "$(sql "SELECT day || '"' '"' || slot || '"' '"' || channel || '"' '"' || topic FROM reception_bookings WHERE number = '"'+84914000009'"'")" = "2026-12-29 08:30 at khieu nai ve den bu giai toa" &&
	test "$(sql "SELECT kind || '"' '"' || channel FROM outbox WHERE recipient = '"'+84914000009'"'")" = "special at" &&
	ussd b2 "2*xin gap lanh dao" 0914000010 &&
	test_screen "END Lich tiep cong dan da kin den 29/12/2026. Goi 1022." &&
	test "$(sql "SELECT count(*) FROM reception_bookings WHERE number = '"'+84914000010'"'")" = 0
'

test_expect_success 'SIGTERM' '
	stop_daemon && test "$daemon_status" -eq 0
'

test_done
