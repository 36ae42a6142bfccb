# lib-ctl.sh: helpers for the tests of papictl and the control socket
# (t40xx), sourced after lib.sh.
#
#	ctl_conf FILE [EXTRA]	a test configuration (write_conf) with the
#				deadline timer every second and EXTRA
#	ctl ARGS...		papictl as root (an administrator) on the
#				test's socket
#	make_officer		creates a system user for the test, removed
#				at exit; its name is in $OFFICER
#	as_officer ARGS...	papictl as that user
#	jget FILE PATH		a value of the JSON in FILE (sqlite3's
#				json_extract: no other tool needed)
#	sql SQL			the test's database (store_sql, lib.sh)
#	inject NUMBER TEXT	a message in; the new case's reference in $REF

OFFICER=""

ctl_cleanup() {
	if [ -n "$OFFICER" ]; then
		userdel "$OFFICER" 2>/dev/null
		OFFICER=""
	fi
}
trap 'ctl_cleanup; cleanup' EXIT

# The officer's papictl must reach the socket in $TRASH.
chmod 755 "$TRASH"

ctl_conf() {
	case ${2:-} in
	*"deadlines ="*)
		write_conf "$1" "$2" ;;
	*)
		write_conf "$1" "deadlines = { check_interval = 1; };
${2:-}" ;;
	esac
}

ctl() {
	"$PAPICTL" -s "$TRASH/control.sock" "$@"
}

make_officer() {
	OFFICER="pgw-officer-$$"
	useradd -M -N -r -s /usr/sbin/nologin "$OFFICER" || {
		OFFICER=""
		return 1
	}
}

as_officer() {
	setpriv --reuid="$OFFICER" --regid="$(id -g "$OFFICER")" \
	    --init-groups "$PAPICTL" -s "$TRASH/control.sock" "$@"
}

jget() {
	sqlite3 :memory: "SELECT json_extract(readfile('$1'), '$2')"
}

sql() {
	store_sql "$@"
}

# The query of the SMS parts a report of ward $1 counts: those of its
# cases, and those of no case that a gateway of the ward queued.
ward_parts_sql() {
	echo "SELECT sum(o.segments) FROM outbox o LEFT JOIN cases c
	    ON c.id = o.case_id WHERE c.ward = '$1' OR
	    (o.case_id IS NULL AND o.ward = '$1')"
}

inject() {
	REF=$(ctl --json inject --from "$1" "$2" >"$TRASH/.inject" &&
	    jget "$TRASH/.inject" '$.ref') && [ -n "$REF" ]
}
