/*
 * store_priv.h: the store engine's interface for the store's own files.
 *
 * The store is one module in several files.  The engine (engine.c, wal.c,
 * txn.c and health.c, which share engine.h) owns the database connections
 * and the writer thread; conn.c holds a connection and its statements;
 * migrate.c brings the schema up to date; each table family has a file
 * with its statements beside its functions (message.c, case.c,
 * outbox_rows.c, sender.c, audit_chain.c, timer_rows.c, unreadable.c),
 * and query.c holds the query connections of papictl and reports.
 *
 * A family's statements are constant SQL in a table of its own (struct
 * store_family); the engine prepares each on first use on the connection
 * that runs it and keeps it until that connection closes.  A family's
 * functions take a statement with store_txn_stmt(), bind its values,
 * and step it with the helpers below, which turn SQLite's codes into
 * statuses and record a store-level error as the work item's own.
 *
 * Only the files of src/store/ include this header.  The families speak
 * to the database through db.h; what SQLite alone does (the WAL, the
 * backup) is the engine's and backup.c's, through db_sqlite_handle().
 */
#ifndef PAPIGW_STORE_STORE_PRIV_H
#define PAPIGW_STORE_STORE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "store/store.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* The families of statements; each has a cache in every connection. */
enum store_family_id {
	STORE_FAM_ENGINE,	/* engine.c: transactions, counts */
	STORE_FAM_MESSAGE,	/* message.c */
	STORE_FAM_CASE,		/* case.c */
	STORE_FAM_OUTBOX,	/* outbox_rows.c */
	STORE_FAM_SENDER,	/* sender.c */
	STORE_FAM_AUDIT,	/* audit_chain.c */
	STORE_FAM_TIMER,	/* timer_rows.c */
	STORE_FAM_HEALTH,	/* health.c */
	STORE_FAM_UNREADABLE,	/* unreadable.c */
	STORE_FAM_ADMIN,	/* admin_rows.c */
	STORE_FAM_ANNOUNCE,	/* announce_rows.c */
	STORE_FAM_INTAKE,	/* intake_rows.c */
	STORE_FAM_RECEPTION,	/* reception_rows.c */
	STORE_FAM_FOLD,		/* fold_rows.c */
	STORE_FAM_MAX
};

/*
 * A family's statements: sql[id] for the ids of its own enum, in the
 * portable SQL of db.h; where PostgreSQL needs other words (full-text
 * search, an aggregate SQLite names otherwise), sql_pg[id] (sql_pg or
 * its entry NULL: the same).
 */
struct store_family {
	enum store_family_id	 id;
	size_t			 n;
	const char *const	*sql;
	const char *const	*sql_pg;
};

const char	*store_family_sql(const struct store_family *, int id,
		    const struct db *);

/*
 * The outbox rows of a ward, on a connection limited to it through the
 * view "cases" (store_conn_ward(), c->viewed): those of its cases, and
 * those of no case that its gateways queued (outbox.ward, schema 29);
 * ward is the SQL parameter that holds the ward's id.  The same rows as
 * PostgreSQL's policy outbox_ward lets through (pg/schema.sql).
 */
#define STORE_OUTBOX_OF_WARD(ward) "(case_id IN (SELECT id FROM cases) " \
	"OR (case_id IS NULL AND ward = " ward "))"

/*
 * A connection and its statements: per family, an array of fam[f].n
 * statements, allocated and prepared on first use, finalized by
 * store_conn_close().
 */
struct store_conn {
	struct db	*db;
	char		 ward[STORE_WARD_MAX]; /* store_conn_ward(): the one
					   ward whose cases it reads, or "" */
	int		 viewed;	/* ...through the view "cases" */
	char		 home[STORE_WARD_MAX]; /* the store's ward, at open */
	struct {
		struct db_stmt	**stmt;
		size_t		  n;
	}		 fam[STORE_FAM_MAX];
};

extern const struct store_family store_message_family;
extern const struct store_family store_case_family;
extern const struct store_family store_outbox_family;
extern const struct store_family store_sender_family;
extern const struct store_family store_audit_family;
extern const struct store_family store_timer_family;
extern const struct store_family store_unreadable_family;
extern const struct store_family store_admin_family;
extern const struct store_family store_announce_family;
extern const struct store_family store_intake_family;
extern const struct store_family store_reception_family;
extern const struct store_family store_fold_family;
/* query.c: a query connection's own, for the fold's reads. */
struct store_query;
struct store_conn *store_query_conn(struct store_query *);

/*
 * Statements and steps inside a work function (txn.c).  A txn runs on
 * the writer connection, or on the reader connection for store_read():
 * the same lookups serve both.  store_txn_stmt() returns NULL after
 * recording the error.  The step functions reset the statement and clear
 * its bindings; each returns STORE_OK, or the status of the error, which
 * they record (store_txn_fail()).
 */
struct db_stmt	*store_txn_stmt(struct store_txn *,
		    const struct store_family *, int id);
enum store_status store_txn_fail(struct store_txn *, enum db_rc,
		    const char *what);
void		 store_txn_fatal(struct store_txn *, enum store_status);
enum store_status store_txn_step(struct store_txn *, struct db_stmt *,
		    const char *what, int64_t *id);
int		 store_txn_sqlite(struct store_txn *);
int		 store_txn_text_known(struct store_txn *, const char *text,
		    const char *ph, int64_t *id);
void		 store_txn_text_keep(struct store_txn *, const char *text,
		    const char *ph, int64_t id);
enum store_status store_txn_lookup(struct store_txn *, struct db_stmt *,
		    const char *what, int64_t *a, int64_t *b);
enum store_status store_txn_count(struct store_txn *, struct db_stmt *,
		    const char *what, int64_t *n);
enum store_status store_txn_row(struct store_txn *, struct db_stmt *,
		    const char *what, void (*fill)(struct db_stmt *, void *),
		    void *out);
int64_t		 store_txn_changes(struct store_txn *);
void		 store_txn_outbox_queued(struct store_txn *);
enum store_status store_outbox_sent_add(struct store_txn *, int64_t,
		    const char *, int64_t);
int		 store_txn_direct_accept(struct store_txn *, const char *);
void		 store_txn_direct_add(struct store_txn *,
		    const struct store_outbox *);

/*
 * Reads of committed data on the reader connection (txn.c); the timers'
 * reads of their ward's cases on their own connection (engine.c).
 */
enum store_status store_read(struct store *, store_work_fn, void *arg);
enum store_status store_read_timers(struct store *, store_work_fn,
		    void *arg);
enum store_status store_read_row(struct store *,
		    const struct store_family *, int id, int64_t key,
		    void (*fill)(struct db_stmt *, void *), void *out);

/*
 * The database file's path, for query.c (engine.c); the driver, and what
 * it opens (the path, or PostgreSQL's conninfo).
 */
const char	*store_path(const struct store *);
const struct db_driver *store_driver(const struct store *);
const char	*store_target(const struct store *);
const char	*store_txn_ward(const struct store_txn *);
const char	*store_ward(const struct store *);

/* report_reminders' key of a period and a ward (admin_rows.c). */
#define STORE_REMINDER_KEY_MAX	(32 + STORE_WARD_MAX)
void		 store_reminder_key(char *, size_t, const char *period,
		    const char *ward);

/* Connections (conn.c): the engine's, and query.c's. */
int		 store_conn_open(struct store_conn *, const struct store *,
		    int flags, int busy_timeout_ms, const char *who,
		    char *err, size_t errsz);
int		 store_conn_configure(struct store_conn *,
		    const struct store_options *, char *err, size_t errsz);
struct db_stmt	*store_conn_stmt(struct store_conn *,
		    const struct store_family *, int id);
enum db_rc	 store_conn_exec(struct store_conn *,
		    const struct store_family *, int id);
int		 store_conn_ward(struct store_conn *, const char *ward);
void		 store_conn_close(struct store_conn *);

/* Values (conn.c). */
enum store_status store_status_of(enum db_rc);
void		 store_bind_text(struct db_stmt *, int, const char *);
void		 store_bind_opt(struct db_stmt *, int, int64_t);
char		*store_col_str(struct db_stmt *, int);
char		*store_col_text(struct db_stmt *, int, int copy);
void		 store_fill_int(struct db_stmt *, void *);

/*
 * Rows that query.c reads as the families do: a statement selects the
 * family's columns in this order (p: a table alias and a dot, or ""),
 * and the family's fill function reads them into the structure, copying
 * the strings (copy: the caller owns them) or pointing into the row
 * (valid until the statement steps again).
 *
 * A case's columns begin with the STORE_CASE_NREPORT that reports read;
 * a report selects those only (a quarter's export reads tens of
 * thousands of cases), every other reader all STORE_CASE_NCOLUMNS.
 * Either may be followed by the text of the case's first message.
 */
#define STORE_CASE_REPORT_COLUMNS(p)					\
	p "ref_number, " p "category, " p "subcategory, " p "state, "	\
	p "channel, " p "created, " p "deadline, " p "first_answered, "	\
	p "closed, " p "overdue, " p "satisfaction, " p "resident, "	\
	p "reopened, " p "source"
#define STORE_CASE_COLUMNS(p)						\
	STORE_CASE_REPORT_COLUMNS(p) ", " p "id, " p "categories2, "	\
	p "sender, " p "assignee, " p "updated, " p "answered, "	\
	p "satisfaction_asked, " p "satisfaction_at, " p "erased, "	\
	p "lang, " p "merged_into, " p "ward"
#define STORE_CASE_NREPORT	14
#define STORE_CASE_NCOLUMNS	26
/* The first message's text of case c, as a column after the case's. */
#define STORE_CASE_TEXT_COLUMN						\
	"(SELECT i.text FROM inbound i WHERE i.case_id = c.id "		\
	"ORDER BY i.id LIMIT 1)"
#define STORE_EVENT_COLUMNS						\
	"id, case_id, at, actor, from_state, to_state, detail"
#define STORE_NOTE_COLUMNS	"id, case_id, at, author, text"
/*
 * The text of an outbox row (p: a table alias and a dot): its own, or,
 * for a row that names one of outbox_texts (schema 30), that text with
 * the row's in place of every placeholder (the row's alone, were that
 * one missing: never NULL).
 */
#define STORE_OUTBOX_TEXT(p)						\
	"CASE WHEN " p "tpl IS NULL THEN " p "text ELSE coalesce((SELECT " \
	"replace(x.text, x.ph, " p "text) FROM outbox_texts x "		\
	"WHERE x.id = " p "tpl), " p "text) END"
/* p as STORE_OUTBOX_TEXT's. */
#define STORE_OUTBOX_COLUMNS(p)						\
	p "id, " p "case_id, " p "channel, " p "recipient, "		\
	STORE_OUTBOX_TEXT(p) ", "					\
	p "encoding, " p "segments, " p "state, " p "attempts, "	\
	p "next_attempt, " p "last_error, " p "provider_msg_id, "	\
	p "created, " p "updated, " p "dead, " p "kind, " p "sender, "	\
	p "sent, " p "priority"
#define STORE_OUTBOX_NCOLUMNS	19
/*
 * p must be a table alias and a dot.  The columns hold bytes since schema
 * 27 and hex digits before it; the ninth is the hash of the entry before
 * when this one names it by its first bytes only (audit_chain.c).
 */
#define STORE_AUDIT_COLUMNS(p)						\
	p "id, " p "at, " p "actor, " p "action, " p "case_id, "	\
	p "detail, " p "prev_hash, " p "hash, CASE WHEN length("	\
	p "prev_hash) < 32 THEN (SELECT h.hash FROM audit h WHERE "	\
	"h.id < " p "id ORDER BY h.id DESC LIMIT 1) END"
#define STORE_AUDIT_NCOLUMNS	9

/*
 * The report columns of the cases that pass "where" as they stood at
 * moment ?3 (query.c says how: store_report_frozen()); the fold of
 * reports summed by day reads one case at a time with it (fold_rows.c).
 */
#define FROZEN_EVENT(what, cond)					\
	"(SELECT " what " FROM case_events e WHERE e.case_id = c.id "	\
	"AND e.at < ?3" cond ")"
#define FROZEN_FIX(k)							\
	"(SELECT k." k " FROM corrections k WHERE k.case_id = c.id "	\
	"AND k.created >= ?3 ORDER BY k.id LIMIT 1)"
#define STORE_FROZEN_SQL(where)						\
	"SELECT c.ref_number, coalesce(c.fix, c.category), "		\
	"CASE WHEN c.fix IS NULL THEN c.subcategory "			\
	"ELSE " FROZEN_FIX("old_subcategory") " END, "			\
	"CASE WHEN NOT c.hist THEN c.state ELSE coalesce("		\
	FROZEN_EVENT("e.to_state", " ORDER BY e.at DESC, e.id DESC LIMIT 1") \
	", 'received') END, "						\
	"c.channel, c.created, "					\
	"coalesce((SELECT d.deadline FROM case_deadlines d WHERE "	\
	"d.case_id = c.id AND d.until > ?3 ORDER BY d.until, d.rowid "	\
	"LIMIT 1), c.deadline), "					\
	"CASE WHEN c.first_answered < ?3 THEN c.first_answered END, "	\
	"CASE WHEN NOT c.hist THEN c.closed ELSE "			\
	FROZEN_EVENT("max(e.at)", " AND e.to_state = 'resolved'") " END, " \
	"NULL, "							\
	"CASE WHEN c.satisfaction_at IS NULL OR c.satisfaction_at < ?3 "\
	"THEN c.satisfaction END, "					\
	"c.resident, "							\
	"CASE WHEN NOT c.hist THEN c.reopened ELSE "			\
	FROZEN_EVENT("max(e.at)", " AND e.to_state = 'reopened'") " END, " \
	"c.source, NULL "						\
	"FROM (SELECT c.id, c.ref_number, c.category, c.subcategory, "	\
	"c.state, c.channel, c.created, c.deadline, c.first_answered, "	\
	"c.closed, c.satisfaction, c.satisfaction_at, c.resident, "	\
	"c.reopened, c.source, EXISTS (SELECT 1 FROM case_events e "	\
	"WHERE e.case_id = c.id) AS hist, " FROZEN_FIX("old_category")	\
	" AS fix FROM cases c WHERE " where " "				\
	"LIMIT 9223372036854775807 OFFSET 0) c"

/*
 * The counters of the reports' fold (fold_rows.c says what each means),
 * which store_report_summed() reads too (query.c): their names, in the
 * order of the indexes below, in store_fold_counter[].
 */
enum {
	STORE_FC_MARK,		/* report_fold_mark */
	STORE_FC_IDS,		/* report_fold_ids */
	STORE_FC_TARGET,	/* report_fold_target */
	STORE_FC_EVENTS,	/* report_fold_events: then _fixes, _limits */
	STORE_FC_FIXES,
	STORE_FC_LIMITS,
	STORE_FC_SMS,		/* report_fold_sms */
	STORE_FC_MAX
};
extern const char *const store_fold_counter[STORE_FC_MAX];

/*
 * History written late, before the fold's mark (fold_rows.c): the rows
 * of a table past the newest id the fold read, ids, with a moment before
 * the mark, mark (both SQL: parameters): a case past report_fold_target,
 * a row of case_events, corrections or case_deadlines past
 * report_fold_events, _fixes or _limits.  A query "SELECT sel FROM t x
 * join WHERE ...": the fold walks those rows by id, store_report_summed()
 * asks whether there are any, and reads case by case until the fold has
 * folded them.  The unary + keeps SQLite off the indexes on the times,
 * through which it would read every row before the mark (a million on a
 * big store, 0.2 to 1.2 s).
 */
#define STORE_FOLD_LATE(t, at, cmp, sel, join, ids, mark)		\
	"SELECT " sel " FROM " t " x " join " WHERE x.rowid > " ids	\
	" AND +x." at " " cmp " " mark
#define STORE_FOLD_LATE_CASES(sel, join, ids, mark)			\
	STORE_FOLD_LATE("cases", "created", "<", sel, join, ids, mark)
#define STORE_FOLD_LATE_EVENTS(sel, join, ids, mark)			\
	STORE_FOLD_LATE("case_events", "at", "<", sel, join, ids, mark)
#define STORE_FOLD_LATE_FIXES(sel, join, ids, mark)			\
	STORE_FOLD_LATE("corrections", "created", "<", sel, join, ids, mark)
/* A deadline changed at "until" holds for cuts before it. */
#define STORE_FOLD_LATE_LIMITS(sel, join, ids, mark)			\
	STORE_FOLD_LATE("case_deadlines", "until", "<=", sel, join, ids, \
	mark)

/* case.c: with a column after the case's, fills c->text from it. */
void		 store_case_fill(struct db_stmt *, struct store_case *, int copy);
void		 store_case_event_fill(struct db_stmt *,
		    struct store_case_event *, int copy);
void		 store_note_fill(struct db_stmt *, struct store_note *, int copy);
/* outbox_rows.c */
void		 store_outbox_fill(struct db_stmt *, struct store_outbox *,
		    int copy);
/* audit_chain.c */
void		 store_audit_fill(struct db_stmt *, struct store_audit *,
		    int copy);
enum store_status store_audit_batch_end(struct store_txn *);
size_t		 store_audit_mark(const struct store *);
void		 store_audit_rewind(struct store *, size_t);
void		 store_audit_free(struct store *);

/* A state from its name (case.c, outbox_rows.c). */
enum store_case_state store_case_state_of(const char *);
enum store_outbox_state store_outbox_state_of(const char *);

/*
 * One step of the schema, made from src/store/sql/NNN-name.sql at build
 * time (scripts/embed-sql.sh): store_migrations[i] takes a database from
 * version i to version i + 1.
 */
struct store_migration {
	int		 version;
	const char	*name;		/* "initial"... */
	const char	*sql;		/* ends by setting user_version */
};

/* $(BUILD)/gen/store_sql.c */
extern const struct store_migration store_migrations[];
extern const size_t store_nmigrations;

/* migrate.c */
int		 store_migrate_pg(struct db *, char *err, size_t errsz);
extern const char store_pg_schema[];	/* src/store/pg/schema.sql */
/*
 * src/store/pg/steps/NNN-name.sql: from version NNN - 1 to NNN, for a
 * PostgreSQL database an earlier papigw made; in version order, ended by
 * version 0.  The first PostgreSQL stores were made at version 22.
 */
extern const struct store_migration store_pg_steps[];
#define STORE_PG_FIRST_VERSION	22
int		 store_migrate(struct db *, const char *path, char *err,
		    size_t errsz);

#endif /* PAPIGW_STORE_STORE_PRIV_H */
