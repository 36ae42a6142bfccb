# lib-history.sh: a case's history written straight into the store, at
# moments the test names (the reports' tests).  Needs lib-ctl.sh (sql).

# t TIME: TIME (date(1)'s words, in $TZ) in Unix seconds.
t() {
	date -d "$1" +%s
}

# clock TIME: the tests' build of the daemon reads its time from a file.
clock() {
	t "$1" >"$TRASH/clock"
}

# event REF STATE TIME: the case moves to STATE at TIME, as case work
# does, in one transaction (the daemon may read between two); an answer
# (in_progress) sets the answer times, a resolution the closing time, a
# reopening clears it.
event() {
	case $2 in
	in_progress) set_="answered = $(t "$3")," ;;
	resolved) set_="closed = $(t "$3")," ;;
	reopened) set_="reopened = $(t "$3"), closed = NULL," ;;
	*) set_="" ;;
	esac
	sql "BEGIN;
	    INSERT INTO case_events (case_id, at, actor, from_state, to_state)
	    SELECT id, $(t "$3"), 'lan', state, '$2' FROM cases
	    WHERE ref_number = $1;
	    UPDATE cases SET $set_ state = '$2', updated = $(t "$3") WHERE
	    ref_number = $1;
	    COMMIT"
}
