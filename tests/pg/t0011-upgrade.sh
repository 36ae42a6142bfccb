#!/bin/sh
test_description='PostgreSQL: a database an earlier papigw made is upgraded step by step to the schema a new one gets'
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-http.sh"
. "$TESTS_DIR/lib-ctl.sh"

if [ -z "${PAPIGW_TEST_PG:-}" ]; then
	test_skip 'PostgreSQL' 'no PAPIGW_TEST_PG (make check-pg runs this)'
	test_done
fi

# tests/data/pg-schema-v22.sql is src/store/pg/schema.sql as papigw made
# the first PostgreSQL stores (version 22), unchanged.
OLD="$TESTS_DIR/data/pg-schema-v22.sql"
FRESH="papigw_f$$"

# shape DB: the schema of DB as sorted lines: every column with its type,
# default and nullability, every index, constraint, policy, function,
# trigger and table's row-level security; what the steps must make as
# the whole schema makes it.
shape() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" <<'EOF'
SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type ||
    ' ' || is_nullable || ' ' || coalesce(column_default, '') ||
    ' ' || is_identity
  FROM information_schema.columns WHERE table_schema = 'public'
UNION ALL
SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL
SELECT 'constraint ' || conrelid::regclass || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT 'policy ' || tablename || ' ' || policyname || ' ' || cmd || ' ' ||
    coalesce(qual, '') || ' ' || coalesce(with_check, '')
  FROM pg_policies WHERE schemaname = 'public'
UNION ALL
SELECT 'function ' || p.proname || ' ' || pg_get_functiondef(p.oid)
  FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    AND p.prokind = 'f' AND NOT EXISTS (SELECT 1 FROM pg_depend d
    WHERE d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger
  WHERE NOT tgisinternal
UNION ALL
SELECT 'rls ' || relname || ' ' || relrowsecurity || ' ' ||
    relforcerowsecurity
  FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
ORDER BY 1;
EOF
}

test_expect_success 'setup: a database at version 22 with a case in it' '
	psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DB" -f "$OLD" >/dev/null &&
	test "$(store_sql "SELECT version FROM papigw_schema")" = 22 &&
	store_sql "INSERT INTO cases (ref_number, category, state, sender,
	    channel, deadline, created, updated) VALUES (41,
	    '"'infrastructure'"', '"'received'"', '"'+84906400001'"',
	    '"'sms'"', 2000000000, 1764000000, 1764000000)" &&
	store_sql "UPDATE counters SET value = 41 WHERE name = '"'case_ref'"'"
'

# An audit entry as papigw wrote them before version 27: its hash, the
# SHA-256 of its fields as netstrings (src/store/audit_chain.c), and the
# hash before it in hex digits.
ns() {
	printf "%s:%s," "$(printf "%s" "$1" | wc -c)" "$1"
}
ZERO=$(printf "%064d" 0)
HASH=$({ ns "$ZERO"; ns 1764000000; ns papictl; ns case.note; ns ""
	ns "hẻm 9"; } | openssl dgst -sha256 -r | cut -c 1-64)

test_expect_success 'setup: an audit entry in hex digits, as at version 22' '
	store_sql "INSERT INTO audit (at, actor, action, detail, prev_hash,
	    hash) VALUES (1764000000, '"'papictl'"', '"'case.note'"',
	    '"'hẻm 9'"', '"'$ZERO'"', '"'$HASH'"')" &&
	store_sql "UPDATE audit_head SET last_id = 1, entries = 1,
	    hash = '"'$HASH'"'"
'

test_expect_success 'papigwd upgrades it step by step and says so' '
	ctl_conf p.conf && start_daemon -c p.conf &&
	grep -q "schema upgraded to version 23 (wards)" daemon.log &&
	test "$(store_sql "SELECT version FROM papigw_schema")" = \
	    "$(sed -n "s/^#define STORE_SCHEMA_VERSION[^0-9]*\([0-9]*\).*/\1/p" \
	    "$SRC_DIR/src/store/store.h")"
'

test_expect_success 'the case made before is there, in the ward of no name, and a new one follows it' '
	test "$(store_sql "SELECT ward, ref_number FROM cases")" = "|41" &&
	"$PAPICTL" -s "$TRASH/control.sock" inject --from +84906400002 \
	    "Đèn đường hẻm 9 bị hỏng" >out &&
	test "$(store_sql "SELECT max(ref_number) FROM cases")" = 42
'

test_expect_success 'the audit entry from before is in bytes now, and the log verifies' '
	test "$(store_sql "SELECT encode(prev_hash, '"'hex'"') || '"' '"' ||
	    encode(hash, '"'hex'"') FROM audit WHERE id = 1")" = "$ZERO $HASH" &&
	"$PAPICTL" -s "$TRASH/control.sock" audit --verify >out &&
	test_grep "^audit log verified: " out &&
	test_grep "1 entries from before keying: plain SHA-256" out
'

test_expect_success 'the upgraded schema is the one a new database gets' '
	stop_daemon &&
	dropdb --if-exists "$FRESH" && createdb "$FRESH" &&
	sed -e "s|dbname=$PG_DB|dbname=$FRESH|" \
	    -e "s|control.sock|fresh.sock|" p.conf >f.conf &&
	start_daemon -c f.conf && stop_daemon &&
	shape "$PG_DB" >upgraded && shape "$FRESH" >fresh &&
	dropdb "$FRESH" &&
	test "$(wc -l <fresh)" -gt 100 &&
	diff -u fresh upgraded
'

test_expect_success 'a database older than the first PostgreSQL schema is refused, and left alone' '
	store_sql "UPDATE papigw_schema SET version = 21" &&
	{ timeout 30 "$PAPIGWD" -d -c p.conf >refused 2>&1; st=$?; } ;
	test "$st" -ne 0 && test "$st" -ne 124 &&
	test_grep "schema version 21, this papigw has" refused &&
	test "$(store_sql "SELECT version FROM papigw_schema")" = 21
'

test_done
