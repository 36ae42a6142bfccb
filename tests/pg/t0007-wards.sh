#!/bin/sh
test_description='PostgreSQL: two wards, a gateway each, on one database; officers see their ward, the city both; row-level security refuses the other ward'"'"'s rows'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ctl.sh"

if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

# An officer of ward p7, one of ward p8, the city.
WUSERS=""
wards_cleanup() {
	for u in $WUSERS; do
		userdel "$u" 2>/dev/null
	done
	ctl_cleanup
}
trap 'wards_cleanup; cleanup' EXIT
for w in a b c; do
	u="pgw-w$w-$$"
	useradd -M -N -r -s /usr/sbin/nologin "$u" || exit 1
	WUSERS="$WUSERS $u"
done
set -- $WUSERS
OFF7=$1 OFF8=$2 CITY=$3

# as USER SOCKET ARGS...: papictl as USER on a gateway's socket.
as() {
	u=$1 s=$2
	shift 2
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
	    "$PAPICTL" -s "$TRASH/$s" "$@"
}

# The gateways connect as the owner of their database, not as the
# superuser the tests' psql is (a superuser passes row-level security).
OWNER=pgw_own_$$
psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DB" -c "CREATE ROLE $OWNER LOGIN
    PASSWORD 'x'; ALTER DATABASE $PG_DB OWNER TO $OWNER" || exit 1
STORAGE_CONF="storage = { driver = \"postgresql\"; conninfo = \"dbname=$PG_DB user=$OWNER password=x\"; path = \"$TRASH/papigw.db\"; };"

# gw FILE ID NAME SOCKET CATEGORIES: the gateway of ward ID, its own
# port, socket, generic channel and categories file.
gw() {
	HTTP_PORT=$(free_port) && port=$HTTP_PORT &&
	ctl_conf "$1" "ward = { id = \"$2\"; name = \"$3\"; };
channels = ( { name = \"gen-$2\"; type = \"generic\"; } );
@include \"replies.conf\"
roles = (
  { name = \"p7\"; kind = \"officer\"; users = [ \"$OFF7\" ]; ward = \"p7\"; },
  { name = \"p8\"; kind = \"officer\"; users = [ \"$OFF8\" ]; ward = \"p8\"; },
  { name = \"city\"; kind = \"inspector\"; users = [ \"$CITY\" ]; ward = \"all\"; }
);" &&
	sed -i "/^ward = { name = /d; s|control.sock|$4|;
	    s|@include \"categories.conf\"|@include \"$5\"|" "$1"
}

# msg PORT ID FROM TEXT: a message on the generic channel of a gateway.
msg() {
	curl -s -o /dev/null -w "%{http_code}" --data-urlencode "id=$2" \
	    --data-urlencode "from=$3" --data-urlencode "to=8088" \
	    --data-urlencode "text=$4" "http://127.0.0.1:$1/sms/generic" \
	    >code &&
	test "$(cat code)" = 202
}

ref_of() {
	echo "PA-$(printf %06d "$(q "SELECT c.ref_number FROM cases c JOIN
	    inbound i ON i.case_id = c.id WHERE i.provider_msg_id = '$1'")")"
}

test_expect_success 'two gateways, wards p7 and p8, on one database' '
	sed -n "/^replies = {/,/^};/p" "$CONF_DIR/papigw.conf" >replies.conf &&
	gw p7.conf p7 "UBND Phường 7" p7.sock categories.conf &&
	port7=$port && start_daemon -c p7.conf && pid7=$daemon_pid &&
	sed "s/(hạ tầng)/(hạ tầng, phường 8)/" "$CONF_DIR/categories.conf" \
	    >categories-p8.conf &&
	gw p8.conf p8 "UBND Phường 8" p8.sock categories-p8.conf &&
	port8=$port && start_daemon -c p8.conf && pid8=$daemon_pid
'

test_expect_success 'each message gets the ward of the channel it came in on, and its templates' '
	msg $port7 m71 +84912300701 "Đường hẻm 12 bị ngập nước, cống nghẹt" &&
	msg $port7 m72 +84912300702 "Đèn đường hẻm 40 hỏng mấy tuần rồi" &&
	msg $port8 m81 +84912300801 "Đường hẻm 3 bị ngập nước, cống nghẹt" &&
	msg $port8 m82 +84912300701 "Cống hẻm 12 vẫn nghẹt" &&
	A1=$(ref_of m71) && A2=$(ref_of m72) && B1=$(ref_of m81) &&
	B2=$(ref_of m82) && test "$B2" != "$A1" &&
	test "$(q "SELECT string_agg(ward, '"','"' ORDER BY ref_number)
	    FROM cases")" = p7,p7,p8,p8 &&
	wait_for "q \"SELECT text FROM outbox WHERE kind = '"'ack'"'
	    AND channel = '"'gen-p8'"'\" | grep -q \"(ha tang, phuong 8)\"" &&
	test "$(q "SELECT count(*) FROM outbox WHERE kind = '"'ack'"'
	    AND channel = '"'gen-p7'"' AND text LIKE '"'%phuong 8%'"'")" = 0
'

test_expect_success 'the answer to a message that opens no case: the ward of its gateway' '
	msg $port7 h71 +84912300703 "Trợ giúp" &&
	msg $port8 h81 +84912300803 "HELP" &&
	msg $port8 h82 +84912300804 "tro giup" &&
	test "$(q "SELECT string_agg(coalesce(ward, '"'-'"'), '"','"'
	    ORDER BY id) FROM outbox WHERE case_id IS NULL")" = p7,p8,p8
'

test_expect_success 'officers see their own ward on either gateway: list, search, show' '
	for s in p7.sock p8.sock; do
		as "$OFF8" $s list >out8 &&
		test_grep "^$B1 " out8 && test_grep "^$B2 " out8 &&
		! grep -q "^$A1 \|^$A2 " out8 &&
		as "$OFF7" $s list >out7 &&
		test_grep "^$A1 " out7 && ! grep -q "^$B1 " out7 &&
		test_exit_status 1 as "$OFF8" $s show "$A1" 2>err &&
		test_grep "no case $A1" err &&
		test_exit_status 1 as "$OFF8" $s reply "$A1" "Đã xử lý" &&
		test_exit_status 1 as "$OFF8" $s close "$A1" &&
		as "$OFF8" $s show "$B1" >/dev/null || return 1
	done &&
	test "$(q "SELECT state FROM cases WHERE ref_number = ${A1#PA-}")" = received
'

test_expect_success 'search (list --text) and export: the ward'"'"'s own; the city'"'"'s all and each' '
	for s in p7.sock p8.sock; do
		as "$OFF8" $s list --text "ngập nước" >s8 &&
		test_grep "^$B1 " s8 && ! grep -q "^$A1 " s8 &&
		as "$OFF7" $s list --text "ngập nước" >s7 &&
		test_grep "^$A1 " s7 && ! grep -q "^$B1 " s7 &&
		as "$CITY" $s list --text "ngập nước" >sc &&
		test_grep "^$A1 " sc && test_grep "^$B1 " sc &&
		as "$OFF8" $s export --format json >e8 &&
		test "$(grep -c "\"ref\"" e8)" = 2 &&
		! grep -q "$A1\|$A2" e8 &&
		as "$OFF7" $s export --format csv >e7 &&
		grep -q "$A1" e7 && grep -q "$A2" e7 &&
		! grep -q "$B1\|$B2" e7 &&
		as "$CITY" $s export --format json >ec &&
		test "$(grep -c "\"ref\"" ec)" = 4 &&
		as "$CITY" $s export --format json --ward p8 >ec8 &&
		test "$(grep -c "\"ref\"" ec8)" = 2 && ! grep -q "$A1" ec8 &&
		test_exit_status 1 as "$OFF7" $s export --format json \
		    --ward p8 || return 1
	done
'

test_expect_success 'report and status: the ward'"'"'s own; the city'"'"'s totals and each ward' '
	Q=$(date +%Y)Q$(( ($(date +%-m) + 2) / 3 )) &&
	as "$OFF8" p7.sock --json report --quarter "$Q" >r8.json &&
	test "$(jget r8.json "\$.total.cases")" = 2 &&
	as "$CITY" p8.sock --json report --quarter "$Q" --ward all >rc.json &&
	test "$(jget rc.json "\$.total.cases")" = 4 &&
	as "$CITY" p8.sock --json report --quarter "$Q" --ward p7 >rc7.json &&
	test "$(jget rc7.json "\$.total.cases")" = 2 &&
	for w in p7 p8; do
		q "$(ward_parts_sql $w)" >parts-$w ||
		return 1
	done &&
	test "$(jget r8.json "\$.sms.parts")" = "$(cat parts-p8)" &&
	test "$(jget rc7.json "\$.sms.parts")" = "$(cat parts-p7)" &&
	test "$(jget rc.json "\$.sms.parts")" = \
	    "$(q "SELECT sum(segments) FROM outbox")" &&
	as "$OFF7" p8.sock --json status >st7.json &&
	! grep -q "$B1" st7.json &&
	test_exit_status 1 as "$OFF7" p7.sock report --quarter 2026Q1 \
	    --ward all 2>err &&
	test_grep "ward p7 only" err &&
	as "$CITY" p7.sock list >outc &&
	for r in $A1 $A2 $B1 $B2; do
		test_grep "^$r " outc || return 1
	done
'

test_expect_success 'row-level security: set to a ward, a direct query sees none of another'"'"'s rows' '
	q "SELECT count(*) FROM cases" >all && test "$(cat all)" = 4 &&
	PGUSER=$OWNER PGPASSWORD=x psql -X -q -At -v ON_ERROR_STOP=1 \
	    -d "$PG_DB" >rls <<-EOF &&
	BEGIN;
	SET LOCAL papigw.ward = '"'p8'"';
	SELECT count(*) FROM cases;
	SELECT count(*) FROM cases WHERE ward = '"'p7'"';
	SELECT count(*) FROM inbound WHERE provider_msg_id IN ('"'m71'"', '"'m72'"');
	SELECT count(*) FROM outbox o WHERE o.channel = '"'gen-p7'"';
	SELECT count(*) FROM outbox o WHERE o.case_id IS NULL;
	SELECT count(*) FROM case_events e WHERE e.case_id IN
	    (SELECT id FROM public.cases WHERE ward = '"'p7'"');
	UPDATE cases SET state = '"'resolved'"' WHERE ward = '"'p7'"';
	COMMIT;
	EOF
	printf "2\n0\n0\n0\n2\n0\n" >expect &&
	{ cmp expect rls || { cat rls; false; }; } &&
	PGUSER=$OWNER PGPASSWORD=x psql -X -q -At -d "$PG_DB" \
	    -c "SELECT count(*) FROM cases" >unset &&
	test "$(cat unset)" = 4 &&
	test "$(q "SELECT count(*) FROM cases WHERE ward = '"'p7'"'
	    AND state = '"'received'"'")" = 2
'

test_expect_success 'row-level security holds for a login role of one ward' '
	psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DB" -c "CREATE ROLE pgw_p8_$$
	    LOGIN PASSWORD '"'x'"'; GRANT SELECT ON ALL TABLES IN SCHEMA public
	    TO pgw_p8_$$; ALTER ROLE pgw_p8_$$ SET papigw.ward = '"'p8'"'" &&
	PGUSER=pgw_p8_$$ PGPASSWORD=x psql -X -q -At -d "$PG_DB" -c \
	    "SELECT string_agg(ward, '"','"') FROM cases" >ro &&
	test "$(cat ro)" = p8,p8 &&
	psql -X -q -d "$PG_DB" -c "DROP OWNED BY pgw_p8_$$;
	    DROP ROLE pgw_p8_$$"
'

test_expect_success 'stop both' '
	kill $pid7 && wait $pid7 && stop_daemon
'

test_done
