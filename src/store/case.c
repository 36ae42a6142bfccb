/*
 * case.c: the store's cases and what hangs on them: creating a case with
 * its reference number and its resident's pseudonym, its state changes
 * (case events), notes, assignment, the columns of case work (deadline,
 * overdue mark, reopening, the satisfaction question) and the lookups
 * that attach a resident's message to a case.  What the deadline and
 * retention timer does to cases is in timer_rows.c.
 *
 * The row functions are for work functions, on the writer connection:
 * ingest.c creates cases and finds follow-ups, core/lifecycle.c and
 * daemon/cmd_case.c move them.  Every reader of a case fills the one
 * struct store_case with store_case_fill(): store_case_read() inside a
 * transaction, before a change; store_case_get_by_ref() and
 * store_case_get() from any thread, on committed data (status lookups,
 * the tests); query.c for papictl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/util.h"
#include "store/store_priv.h"

enum {
	ST_REF_NEXT,
	ST_REF_READ,
	ST_PSEUDONYM_ADD,
	ST_CASE_INSERT,
	ST_CASE_STATE,
	ST_CASE_SET_STATE,
	ST_CASE_ASSIGN,
	ST_CASE_RECATEGORISE,
	ST_CORRECTION_INSERT,
	ST_CASE_ANSWERED,
	/* store_case_set(): in the order of enum store_case_field. */
	ST_CASE_SET_DEADLINE,
	ST_CASE_SET_OVERDUE,
	ST_CASE_SET_REOPENED,
	ST_CASE_SET_SATISFACTION_ASKED,
	ST_CASE_SET_SATISFACTION,
	ST_CASE_GET,
	ST_CASE_BY_REF,
	ST_CASE_BY_REF_TEXT,
	ST_CASE_LAST_ANSWER,
	ST_CASE_FIND_OPEN,
	ST_CASE_FIND_THREAD,
	ST_CASE_FIND_RECENT,
	ST_CASE_KNOWN_SENDER,
	ST_CASE_FIND_SATISFACTION,
	ST_CASE_FIND_CLOSED,
	ST_EVENT_INSERT,
	ST_EVENT_GET,
	ST_NOTE_INSERT,
	ST_NOTE_GET,
	/* store_case_merge(): ?1 the case kept, ?2 the one joined in. */
	ST_MERGE_INBOUND,
	ST_MERGE_OUTBOX,
	ST_MERGE_NOTES,
	ST_MERGE_CHAIN,
	ST_MERGE_DEADLINE,
	ST_MERGE_MARK,
	ST_MAX
};

/*
 * The case a reference leads to: itself, or the case an officer merged
 * it into (papictl merge), so that both references keep working for
 * residents and officers.  Chains are kept one step long.
 */
#define BY_REF(c) c "id = (SELECT coalesce(merged_into, id) FROM cases " \
	    "WHERE ref_number = ?1)"

static const char *const case_sql[ST_MAX] = {
	/*
	 * The next reference: the counter raised, then read (no RETURNING,
	 * for which SQLite makes and drops a temporary table at every case).
	 */
	[ST_REF_NEXT] = "UPDATE counters SET value = value + 1 "
	    "WHERE name = 'case_ref'",
	[ST_REF_READ] = "SELECT value FROM counters WHERE name = 'case_ref'",
	[ST_PSEUDONYM_ADD] = "INSERT INTO pseudonyms (sender, created) "
	    "VALUES (?1, ?2) ON CONFLICT (sender) DO NOTHING",
	/*
	 * The resident's pseudonym is given here: the cases_resident
	 * trigger (migration 6) would insert the case, then update it, and
	 * its index, again.
	 */
	[ST_CASE_INSERT] = "INSERT INTO cases (ref_number, category, "
	    "categories2, subcategory, state, sender, channel, deadline, "
	    "assignee, created, updated, closed, lang, resident, source, "
	    "ward) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	    "?13, (SELECT id FROM pseudonyms WHERE sender = ?6), ?14, ?15)",
	[ST_CASE_STATE] = "SELECT state FROM cases WHERE id = ?1",
	[ST_CASE_SET_STATE] = "UPDATE cases SET state = ?2, updated = ?3, "
	    "closed = CASE ?2 WHEN 'resolved' THEN ?3 WHEN 'confirmed' "
	    "THEN closed END WHERE id = ?1",
	[ST_CASE_ASSIGN] = "UPDATE cases SET assignee = ?2, updated = ?3 "
	    "WHERE id = ?1",
	[ST_CASE_RECATEGORISE] = "UPDATE cases SET category = ?2, "
	    "subcategory = ?3, updated = ?4 WHERE id = ?1",
	[ST_CORRECTION_INSERT] = "INSERT INTO corrections (case_id, text, "
	    "old_category, old_subcategory, category, subcategory, actor, "
	    "reason, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* An answer in the second of a reopening comes after it. */
	[ST_CASE_ANSWERED] = "UPDATE cases SET answered = CASE WHEN "
	    "reopened >= ?2 THEN reopened ELSE ?2 END, updated = ?2 "
	    "WHERE id = ?1",
	[ST_CASE_SET_DEADLINE] = "UPDATE cases SET deadline = ?2 "
	    "WHERE id = ?1",
	[ST_CASE_SET_OVERDUE] = "UPDATE cases SET overdue = ?2 "
	    "WHERE id = ?1",
	[ST_CASE_SET_REOPENED] = "UPDATE cases SET reopened = ?2 "
	    "WHERE id = ?1",
	[ST_CASE_SET_SATISFACTION_ASKED] = "UPDATE cases SET "
	    "satisfaction_asked = ?2 WHERE id = ?1",
	[ST_CASE_SET_SATISFACTION] = "UPDATE cases SET satisfaction = "
	    "?2, satisfaction_at = ?3 WHERE id = ?1",
	[ST_CASE_GET] = "SELECT " STORE_CASE_COLUMNS("") " FROM cases "
	    "WHERE id = ?1",
	[ST_CASE_BY_REF] = "SELECT " STORE_CASE_COLUMNS("c.") " FROM cases c "
	    "WHERE " BY_REF("c."),
	[ST_CASE_BY_REF_TEXT] = "SELECT " STORE_CASE_COLUMNS("c.") ", "
	    STORE_CASE_TEXT_COLUMN " FROM cases c WHERE " BY_REF("c."),
	[ST_CASE_LAST_ANSWER] = "SELECT " STORE_OUTBOX_TEXT("o.") " FROM "
	    "outbox o WHERE o.case_id = ?1 AND o.kind = 'answer' "
	    "ORDER BY o.id DESC LIMIT 1",
	[ST_CASE_FIND_OPEN] = "SELECT id, ref_number FROM cases "
	    "WHERE " BY_REF("") " AND sender = ?2 "
	    "AND state NOT IN ('resolved', 'confirmed') AND +ward = ?3",
	[ST_CASE_FIND_THREAD] = "SELECT id, ref_number, category FROM cases "
	    "WHERE sender = ?1 AND state NOT IN ('resolved', 'confirmed') "
	    "AND merged_into IS NULL AND (created >= ?2 OR answered >= ?3) "
	    "AND +ward = ?4 ORDER BY updated DESC, id DESC LIMIT 1",
	[ST_CASE_FIND_RECENT] = "SELECT id, ref_number FROM cases "
	    "WHERE sender = ?1 AND updated >= ?2 AND merged_into IS NULL "
	    "AND +ward = ?3 ORDER BY updated DESC, id DESC LIMIT 1",
	[ST_CASE_KNOWN_SENDER] = "SELECT id FROM pseudonyms WHERE sender = ?1",
	[ST_CASE_FIND_SATISFACTION] = "SELECT id, ref_number FROM cases "
	    "WHERE sender = ?1 AND state = 'resolved' AND satisfaction IS "
	    "NULL AND satisfaction_asked >= ?2 AND +ward = ?3 "
	    "ORDER BY satisfaction_asked DESC, id DESC LIMIT 1",
	[ST_CASE_FIND_CLOSED] = "SELECT id FROM cases WHERE " BY_REF("")
	    " AND sender = ?2 AND state IN ('resolved', 'confirmed') "
	    "AND closed >= ?3 AND +ward = ?4",
	[ST_EVENT_INSERT] = "INSERT INTO case_events (case_id, at, actor, "
	    "from_state, to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_EVENT_GET] = "SELECT " STORE_EVENT_COLUMNS " FROM case_events "
	    "WHERE id = ?1",
	[ST_NOTE_INSERT] = "INSERT INTO notes (case_id, at, author, text) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[ST_NOTE_GET] = "SELECT " STORE_NOTE_COLUMNS " FROM notes "
	    "WHERE id = ?1",
	[ST_MERGE_INBOUND] = "UPDATE inbound SET case_id = ?1 "
	    "WHERE case_id = ?2",
	[ST_MERGE_OUTBOX] = "UPDATE outbox SET case_id = ?1 WHERE case_id = ?2",
	[ST_MERGE_NOTES] = "UPDATE notes SET case_id = ?1 WHERE case_id = ?2",
	[ST_MERGE_CHAIN] = "UPDATE cases SET merged_into = ?1 "
	    "WHERE merged_into = ?2",
	/* The earlier of the two answer dates, if the joined one was open. */
	[ST_MERGE_DEADLINE] = "UPDATE cases SET deadline = min(deadline, "
	    "coalesce((SELECT deadline FROM cases WHERE id = ?2 "
	    "AND state NOT IN ('resolved', 'confirmed')), deadline)) "
	    "WHERE id = ?1",
	[ST_MERGE_MARK] = "UPDATE cases SET merged_into = ?1, overdue = NULL "
	    "WHERE id = ?2",
};

/*
 * On PostgreSQL several gateways' writers open cases at once: a case's
 * reference comes from a sequence (schema 26), not from counters' row,
 * which the transaction that updated it held until it committed, so that
 * the other gateways' waited for it, and deadlocked when they held what
 * it went on to take (the audit chain's lock).  A transaction rolled
 * back leaves its references unused.
 */
static const char *const case_sql_pg[ST_MAX] = {
	/* A row: ST_REF_READ is SQLite's alone. */
	[ST_REF_NEXT] = "SELECT nextval('case_ref')",
};

const struct store_family store_case_family = {
	STORE_FAM_CASE, ST_MAX, case_sql, case_sql_pg
};

static const char *const case_state_names[] = {
	[STORE_CASE_RECEIVED] = "received",
	[STORE_CASE_ASSIGNED] = "assigned",
	[STORE_CASE_IN_PROGRESS] = "in_progress",
	[STORE_CASE_RESOLVED] = "resolved",
	[STORE_CASE_CONFIRMED] = "confirmed",
	[STORE_CASE_REOPENED] = "reopened",
};

/* Statement id of this family on txn's connection, or NULL (recorded). */
static struct db_stmt *
stmt(struct store_txn *txn, int id)
{
	return store_txn_stmt(txn, &store_case_family, id);
}

/* Returns the name of a case state, or NULL when it is out of range. */
const char *
store_case_state_name(enum store_case_state s)
{
	if ((unsigned)s >= nitems(case_state_names))
		return NULL;
	return case_state_names[s];
}

/* Returns the state called name; an unknown name or NULL is "received". */
enum store_case_state
store_case_state_of(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < nitems(case_state_names); i++)
		if (strcmp(case_state_names[i], name) == 0)
			return (enum store_case_state)i;
	return STORE_CASE_RECEIVED;
}

/*
 * ===================================================================
 * Cases and their history (work functions)
 * ===================================================================
 */

/*
 * Creates case c with the next reference number (closed at c->updated
 * when it is created resolved or confirmed).  Returns STORE_OK with the
 * case's id in *id and its reference number in *ref, or an error.
 * Numbers only grow: a number is never handed out twice, even when its
 * case is gone.
 */
enum store_status
store_case_create(struct store_txn *txn, const struct store_case_new *c,
    int64_t *id, int64_t *ref)
{
	struct db_stmt		*s;
	const char		*state;
	enum store_status	 st;
	int64_t			 t = clock_unix(), number;
	int			 rc;

	if ((state = store_case_state_name(c->state)) == NULL)
		return STORE_INVALID;
	if ((s = stmt(txn, ST_REF_NEXT)) == NULL)
		return STORE_ERROR;
	/* PostgreSQL's nextval() answers a row; SQLite's UPDATE none. */
	if ((rc = db_step(s)) == DB_DONE) {
		db_reset(s);
		if ((s = stmt(txn, ST_REF_READ)) == NULL)
			return STORE_ERROR;
		rc = db_step(s);
	}
	number = rc == DB_ROW ? db_column_int64(s, 0) : 0;
	db_reset(s);
	if (rc != DB_ROW)
		return store_txn_fail(txn, rc == DB_DONE ? DB_CORRUPT :
		    rc, "case reference");

	if (c->sender != NULL && c->sender[0] != '\0') {
		if ((s = stmt(txn, ST_PSEUDONYM_ADD)) == NULL)
			return STORE_ERROR;
		store_bind_text(s, 1, c->sender);
		db_bind_int64(s, 2, c->created ? c->created : t);
		if ((st = store_txn_step(txn, s, "pseudonym", NULL)) !=
		    STORE_OK)
			return st;
	}
	if ((s = stmt(txn, ST_CASE_INSERT)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, number);
	store_bind_text(s, 2, c->category);
	store_bind_text(s, 3, c->categories2);
	store_bind_text(s, 4, c->subcategory);
	store_bind_text(s, 5, state);
	store_bind_text(s, 6, c->sender);
	store_bind_text(s, 7, c->channel);
	db_bind_int64(s, 8, c->deadline);
	store_bind_text(s, 9, c->assignee);
	db_bind_int64(s, 10, c->created ? c->created : t);
	db_bind_int64(s, 11, c->updated ? c->updated : t);
	if (c->state == STORE_CASE_RESOLVED || c->state == STORE_CASE_CONFIRMED)
		db_bind_int64(s, 12, c->updated ? c->updated : t);
	else
		db_bind_null(s, 12);
	if (c->lang >= 0)
		store_bind_text(s, 13, c->lang ? "en" : "vi");
	else
		db_bind_null(s, 13);
	store_bind_text(s, 14, case_source_name(c->source));
	store_bind_text(s, 15, store_txn_ward(txn));
	*ref = number;
	return store_txn_step(txn, s, "case insert", id);
}

/* Writes a case event; from and to are state names. */
static enum store_status
event_insert(struct store_txn *txn, int64_t case_id, int64_t at,
    const char *actor, const char *from, const char *to, const char *detail,
    int64_t *id)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_EVENT_INSERT)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	db_bind_int64(s, 2, at);
	store_bind_text(s, 3, actor);
	store_bind_text(s, 4, from);
	store_bind_text(s, 5, to);
	store_bind_text(s, 6, detail);
	return store_txn_step(txn, s, "case event insert", id);
}

/*
 * Moves case_id to state to, by actor (a Unix user, or "papigwd"), at time
 * at (0: now), and records the change, with detail (or NULL), in the
 * case's history.  Returns STORE_OK with the event's id in *id (when not
 * NULL), STORE_NOTFOUND for an unknown case, or an error.
 */
enum store_status
store_case_event_add(struct store_txn *txn, int64_t case_id,
    enum store_case_state to, const char *actor, const char *detail,
    int64_t at, int64_t *id)
{
	struct db_stmt		*s;
	enum store_status	 r;
	const char		*to_name;
	char			*from = NULL;
	int			 rc;

	if ((to_name = store_case_state_name(to)) == NULL)
		return STORE_INVALID;
	if (at == 0)
		at = clock_unix();
	if ((s = stmt(txn, ST_CASE_STATE)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	rc = db_step(s);
	if (rc == DB_ROW)
		from = store_col_str(s, 0);
	db_reset(s);
	if (rc == DB_DONE)
		return STORE_NOTFOUND;
	if (rc != DB_ROW)
		return store_txn_fail(txn, rc, "case state");

	if ((s = stmt(txn, ST_CASE_SET_STATE)) == NULL) {
		r = STORE_ERROR;
		goto done;
	}
	db_bind_int64(s, 1, case_id);
	store_bind_text(s, 2, to_name);
	db_bind_int64(s, 3, at);
	if ((r = store_txn_step(txn, s, "case state change", NULL)) ==
	    STORE_OK)
		r = event_insert(txn, case_id, at, actor, from, to_name,
		    detail, id);
done:
	free(from);
	return r;
}

/* Runs an UPDATE of case id; STORE_NOTFOUND when it changed no row. */
static enum store_status
case_update(struct store_txn *txn, struct db_stmt *s, const char *what)
{
	enum store_status	r;

	r = store_txn_step(txn, s, what, NULL);
	if (r == STORE_OK && store_txn_changes(txn) == 0)
		r = STORE_NOTFOUND;
	return r;
}

/*
 * Gives case_id to assignee (NULL to nobody) at time at (0: now); the
 * caller records the event and the audit entry.  Returns STORE_OK,
 * STORE_NOTFOUND, or an error.
 */
enum store_status
store_case_assign(struct store_txn *txn, int64_t case_id,
    const char *assignee, int64_t at)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_CASE_ASSIGN)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	store_bind_text(s, 2, assignee);
	db_bind_int64(s, 3, at ? at : clock_unix());
	return case_update(txn, s, "case assign");
}

/*
 * Moves a case to another category (c->category, c->subcategory of the
 * correction) and keeps the correction, with the text of the case's first
 * message, as a labelled example.  The caller records the event and the
 * audit entry.  Returns STORE_OK, STORE_NOTFOUND, or an error.
 */
enum store_status
store_case_recategorise(struct store_txn *txn,
    const struct store_correction *c, int64_t *id)
{
	struct db_stmt		*s;
	enum store_status	 st;
	int64_t			 at = c->created ? c->created : clock_unix();

	if ((s = stmt(txn, ST_CASE_RECATEGORISE)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, c->case_id);
	store_bind_text(s, 2, c->category);
	store_bind_text(s, 3, c->subcategory);
	db_bind_int64(s, 4, at);
	if ((st = case_update(txn, s, "case recategorise")) != STORE_OK)
		return st;
	if ((s = stmt(txn, ST_CORRECTION_INSERT)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, c->case_id);
	store_bind_text(s, 2, c->text);
	store_bind_text(s, 3, c->old_category);
	store_bind_text(s, 4, c->old_subcategory);
	store_bind_text(s, 5, c->category);
	store_bind_text(s, 6, c->subcategory);
	store_bind_text(s, 7, c->actor);
	store_bind_text(s, 8, c->reason);
	db_bind_int64(s, 9, at);
	return store_txn_step(txn, s, "correction insert", id);
}

/*
 * Records that an officer answered a case at "at" (0: now): the case
 * waits no more.  An answer in the same second as the case's reopening
 * (lifecycle_reopen()) is recorded at the reopening's second, so that
 * the case is not "reopened after its last answer".  Returns STORE_OK or
 * an error.
 */
enum store_status
store_case_answered(struct store_txn *txn, int64_t case_id, int64_t at)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_CASE_ANSWERED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	db_bind_int64(s, 2, at ? at : clock_unix());
	return store_txn_step(txn, s, "case answered", NULL);
}

/*
 * Sets one of the columns of case work of case id to v (0: NULL).
 * Returns STORE_OK, STORE_NOTFOUND or an error.
 */
enum store_status
store_case_set(struct store_txn *txn, int64_t id, enum store_case_field f,
    int64_t v)
{
	struct db_stmt	*s;

	if ((unsigned)f > STORE_CF_SATISFACTION)
		return STORE_INVALID;
	if ((s = stmt(txn, ST_CASE_SET_DEADLINE + (int)f)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	store_bind_opt(s, 2, v);
	if (f == STORE_CF_SATISFACTION)		/* when it was given */
		db_bind_int64(s, 3, clock_unix());
	return case_update(txn, s, "case set");
}

/*
 * Adds a note by author to case_id at time at (0: now).  Returns STORE_OK
 * with the note's id in *id, STORE_INVALID for an unknown case, or an
 * error.
 */
enum store_status
store_note_add(struct store_txn *txn, int64_t case_id, const char *author,
    const char *text, int64_t at, int64_t *id)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_NOTE_INSERT)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	db_bind_int64(s, 2, at ? at : clock_unix());
	store_bind_text(s, 3, author);
	store_bind_text(s, 4, text);
	return store_txn_step(txn, s, "note insert", id);
}

/*
 * ===================================================================
 * Finding a resident's case (work functions)
 * ===================================================================
 *
 * These read through the writer connection, so they also see what earlier
 * items of the same batch wrote.
 */

/*
 * Finds the case with reference number ref when it belongs to sender and
 * is not closed (a resident quoting their own reference).  Returns
 * STORE_OK with its id in *case_id, STORE_NOTFOUND, or an error.
 */
enum store_status
store_case_find_open(struct store_txn *txn, int64_t ref, const char *sender,
    int64_t *case_id)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_CASE_FIND_OPEN)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, ref);
	store_bind_text(s, 2, sender);
	store_bind_text(s, 3, store_txn_ward(txn));
	return store_txn_lookup(txn, s, "case find open", case_id, NULL);
}

/*
 * Steps lookup id of a sender's case with a time bound: ?1 sender, ?2
 * since; the case's id and reference number into *case_id and *ref.
 */
static enum store_status
sender_since(struct store_txn *txn, int id, const char *sender,
    int64_t since, int64_t *case_id, int64_t *ref, const char *what)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, id)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, sender);
	db_bind_int64(s, 2, since);
	store_bind_text(s, 3, store_txn_ward(txn));
	return store_txn_lookup(txn, s, what, case_id, ref);
}

struct thread_row {
	int64_t		*case_id;
	int64_t		*ref;
	char		*category;
	size_t		 catsz;
};

static void
fill_thread(struct db_stmt *s, void *out)
{
	struct thread_row	*t = out;
	const char		*cat = db_column_text(s, 2);

	*t->case_id = db_column_int64(s, 0);
	*t->ref = db_column_int64(s, 1);
	snprintf(t->category, t->catsz, "%s", cat != NULL ?
	    (const char *)cat : "");
}

/*
 * Finds the case a resident's new message may belong to: sender's most
 * recently updated open case, created at or after created or answered at
 * or after answered.  Returns STORE_OK with its id, reference number and
 * category, STORE_NOTFOUND, or an error.
 */
enum store_status
store_case_find_thread(struct store_txn *txn, const char *sender,
    int64_t created, int64_t answered, int64_t *case_id, int64_t *ref,
    char *category, size_t catsz)
{
	struct thread_row	 t = { case_id, ref, category, catsz };
	struct db_stmt		*s;

	if ((s = stmt(txn, ST_CASE_FIND_THREAD)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, sender);
	db_bind_int64(s, 2, created);
	db_bind_int64(s, 3, answered);
	store_bind_text(s, 4, store_txn_ward(txn));
	return store_txn_row(txn, s, "case find thread", fill_thread, &t);
}

/*
 * Finds sender's case updated most recently, at or after since, in any
 * state (the case a thank-you is about).  Returns STORE_OK with its id
 * and reference number, STORE_NOTFOUND, or an error.
 */
enum store_status
store_case_find_recent(struct store_txn *txn, const char *sender,
    int64_t since, int64_t *case_id, int64_t *ref)
{
	return sender_since(txn, ST_CASE_FIND_RECENT, sender, since, case_id,
	    ref, "case find recent");
}

/*
 * Whether sender has ever opened a case (it has a pseudonym): *known 1
 * or 0.  Returns STORE_OK or an error.
 */
enum store_status
store_case_known_sender(struct store_txn *txn, const char *sender,
    int *known)
{
	struct db_stmt		*s;
	enum store_status	 st;
	int64_t			 id;

	if ((s = stmt(txn, ST_CASE_KNOWN_SENDER)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, sender);
	st = store_txn_lookup(txn, s, "case known sender", &id, NULL);
	*known = st == STORE_OK;
	return st == STORE_NOTFOUND ? STORE_OK : st;
}

/*
 * Finds sender's resolved case whose satisfaction question went out at or
 * after since and is not answered yet, the newest.  Returns STORE_OK with
 * its id and reference in *case_id and *ref, STORE_NOTFOUND or an error.
 */
enum store_status
store_case_find_satisfaction(struct store_txn *txn, const char *sender,
    int64_t since, int64_t *case_id, int64_t *ref)
{
	return sender_since(txn, ST_CASE_FIND_SATISFACTION, sender, since,
	    case_id, ref, "case find satisfaction");
}

/*
 * Finds sender's closed (resolved or confirmed) case number ref, closed at
 * or after since.  Returns STORE_OK with its id in *case_id,
 * STORE_NOTFOUND or an error.
 */
enum store_status
store_case_find_closed(struct store_txn *txn, int64_t ref,
    const char *sender, int64_t since, int64_t *case_id)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_CASE_FIND_CLOSED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, ref);
	store_bind_text(s, 2, sender);
	db_bind_int64(s, 3, since);
	store_bind_text(s, 4, store_txn_ward(txn));
	return store_txn_lookup(txn, s, "case lookup", case_id, NULL);
}

/*
 * ===================================================================
 * Reading cases back
 * ===================================================================
 */

/*
 * Fills c from a row of STORE_CASE_COLUMNS, or of the report's columns
 * only (the others then 0 and NULL), then the first message's text when
 * the row has one more column; the strings are copies with copy, else
 * the row's own (store_priv.h).
 */
void
store_case_fill(struct db_stmt *s, struct store_case *c, int copy)
{
	int	n = db_column_count(s), text = STORE_CASE_NREPORT, src;

	memset(c, 0, sizeof(*c));
	c->ref_number = db_column_int64(s, 0);
	c->category = store_col_text(s, 1, copy);
	c->subcategory = store_col_text(s, 2, copy);
	c->state = store_case_state_of(db_column_text(s,
	    3));
	c->channel = store_col_text(s, 4, copy);
	c->created = db_column_int64(s, 5);
	c->deadline = db_column_int64(s, 6);
	c->first_answered = db_column_int64(s, 7);
	c->closed = db_column_int64(s, 8);
	c->overdue = db_column_int64(s, 9);
	c->satisfaction = (int)db_column_int64(s, 10);
	c->resident = db_column_int64(s, 11);
	c->reopened = db_column_int64(s, 12);
	src = case_source_parse(db_column_text(s, 13));
	c->source = src >= 0 ? (enum case_source)src : CASE_SOURCE_SMS;
	if (n >= STORE_CASE_NCOLUMNS) {
		c->id = db_column_int64(s, 14);
		c->categories2 = store_col_text(s, 15, copy);
		c->sender = store_col_text(s, 16, copy);
		c->assignee = store_col_text(s, 17, copy);
		c->updated = db_column_int64(s, 18);
		c->answered = db_column_int64(s, 19);
		c->satisfaction_asked = db_column_int64(s, 20);
		c->satisfaction_at = db_column_int64(s, 21);
		c->erased = db_column_int64(s, 22);
		c->lang = db_column_type(s, 23) != DB_TEXT ? -1 :
		    strcmp(db_column_text(s, 23), "en") ==
		    0;
		c->merged_into = db_column_int64(s, 24);
		c->ward = store_col_text(s, 25, copy);
		text = STORE_CASE_NCOLUMNS;
	}
	if (n > text)
		c->text = store_col_text(s, text, copy);
}

static void
fill_case(struct db_stmt *s, void *out)
{
	store_case_fill(s, out, 1);
}

/* Reads the text of the last "answer" row of a case; NULL for none. */
static void
fill_answer(struct db_stmt *s, void *out)
{
	*(char **)out = store_col_str(s, 0);
}

/*
 * Reads case number ref into c on txn's connection, with what "with"
 * asks for besides its columns: STORE_CASE_TEXT, the text of its first
 * message; STORE_CASE_ANSWER, its last officer's answer (the newest
 * outbox row of kind "answer").  A work function reads the case it is
 * about to change this way.  Returns STORE_OK (release c with
 * store_case_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_case_read(struct store_txn *txn, int64_t ref, unsigned with,
    struct store_case *c)
{
	struct db_stmt		*s;
	enum store_status	 r;

	memset(c, 0, sizeof(*c));
	if ((s = stmt(txn, with & STORE_CASE_TEXT ? ST_CASE_BY_REF_TEXT :
	    ST_CASE_BY_REF)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, ref);
	if ((r = store_txn_row(txn, s, "case by ref", fill_case, c)) !=
	    STORE_OK || !(with & STORE_CASE_ANSWER))
		return r;
	if ((s = stmt(txn, ST_CASE_LAST_ANSWER)) == NULL) {
		store_case_clear(c);
		return STORE_ERROR;
	}
	db_bind_int64(s, 1, c->id);
	r = store_txn_row(txn, s, "case last answer", fill_answer, &c->answer);
	if (r == STORE_NOTFOUND)
		r = STORE_OK;
	if (r != STORE_OK)
		store_case_clear(c);
	return r;
}

/*
 * Reads case id into c (its columns only).  Returns STORE_OK (release c
 * with store_case_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_case_get(struct store *st, int64_t id, struct store_case *c)
{
	return store_read_row(st, &store_case_family, ST_CASE_GET, id,
	    fill_case, c);
}

struct case_by_ref {
	int64_t			 ref;
	unsigned		 with;
	struct store_case	*c;
};

static enum store_status
case_by_ref(struct store_txn *txn, void *arg)
{
	struct case_by_ref	*cr = arg;

	return store_case_read(txn, cr->ref, cr->with, cr->c);
}

/*
 * The same as store_case_read() from any thread, on committed data (the
 * reader connection): the status lookups of USSD and papictl.  Returns
 * STORE_OK (release c with store_case_clear()), STORE_NOTFOUND or an
 * error.
 */
enum store_status
store_case_get_by_ref(struct store *st, int64_t ref, unsigned with,
    struct store_case *c)
{
	struct case_by_ref	cr = { ref, with, c };

	return store_read(st, case_by_ref, &cr);
}

/* Frees what a reader put in c and zeroes it. */
void
store_case_clear(struct store_case *c)
{
	free(c->category);
	free(c->categories2);
	free(c->subcategory);
	free(c->sender);
	free(c->channel);
	free(c->ward);
	free(c->assignee);
	free(c->text);
	free(c->answer);
	memset(c, 0, sizeof(*c));
}

/* Fills e from a row of STORE_EVENT_COLUMNS (copy: see store_priv.h). */
void
store_case_event_fill(struct db_stmt *s, struct store_case_event *e, int copy)
{
	memset(e, 0, sizeof(*e));
	e->id = db_column_int64(s, 0);
	e->case_id = db_column_int64(s, 1);
	e->at = db_column_int64(s, 2);
	e->actor = store_col_text(s, 3, copy);
	e->from = store_case_state_of(db_column_text(s,
	    4));
	e->to = store_case_state_of(db_column_text(s, 5));
	e->detail = store_col_text(s, 6, copy);
}

static void
fill_event(struct db_stmt *s, void *out)
{
	store_case_event_fill(s, out, 1);
}

/*
 * Reads case event id into e.  Returns STORE_OK (release e with
 * store_case_event_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_case_event_get(struct store *st, int64_t id,
    struct store_case_event *e)
{
	return store_read_row(st, &store_case_family, ST_EVENT_GET, id,
	    fill_event, e);
}

/* Frees what store_case_event_get() put in e and zeroes it. */
void
store_case_event_clear(struct store_case_event *e)
{
	free(e->actor);
	free(e->detail);
	memset(e, 0, sizeof(*e));
}

/* Fills n from a row of STORE_NOTE_COLUMNS (copy: see store_priv.h). */
void
store_note_fill(struct db_stmt *s, struct store_note *n, int copy)
{
	memset(n, 0, sizeof(*n));
	n->id = db_column_int64(s, 0);
	n->case_id = db_column_int64(s, 1);
	n->at = db_column_int64(s, 2);
	n->author = store_col_text(s, 3, copy);
	n->text = store_col_text(s, 4, copy);
}

static void
fill_note(struct db_stmt *s, void *out)
{
	store_note_fill(s, out, 1);
}

/*
 * Reads note id into n.  Returns STORE_OK (release n with
 * store_note_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_note_get(struct store *st, int64_t id, struct store_note *n)
{
	return store_read_row(st, &store_case_family, ST_NOTE_GET, id,
	    fill_note, n);
}

/* Frees what store_note_get() put in n and zeroes it. */
void
store_note_clear(struct store_note *n)
{
	free(n->author);
	free(n->text);
	memset(n, 0, sizeof(*n));
}

/*
 * Joins case "other" into case "keep" (papictl merge): its messages in
 * and out and its notes move to keep, keep answers by the earlier date
 * if other was open, and other points at keep (so do the cases merged
 * into other before) so that its reference leads there.  Other's own
 * history stays with it; the caller closes it and records both.  Sets
 * *moved to the number of messages that moved.  Returns STORE_OK or an
 * error.
 */
enum store_status
store_case_merge(struct store_txn *txn, int64_t keep, int64_t other,
    int64_t *moved)
{
	static const struct {
		int		 id;
		const char	*what;
	} steps[] = {
		{ ST_MERGE_DEADLINE, "merge deadline" },
		{ ST_MERGE_INBOUND, "merge inbound" },
		{ ST_MERGE_OUTBOX, "merge outbox" },
		{ ST_MERGE_NOTES, "merge notes" },
		{ ST_MERGE_CHAIN, "merge chain" },
		{ ST_MERGE_MARK, "merge mark" },
	};
	struct db_stmt		*s;
	enum store_status	 st;
	size_t			 i;

	*moved = 0;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if ((s = stmt(txn, steps[i].id)) == NULL)
			return STORE_ERROR;
		db_bind_int64(s, 1, keep);
		db_bind_int64(s, 2, other);
		if ((st = store_txn_step(txn, s, steps[i].what, NULL)) !=
		    STORE_OK)
			return st;
		if (steps[i].id == ST_MERGE_INBOUND)
			*moved = store_txn_changes(txn);
	}
	return STORE_OK;
}
