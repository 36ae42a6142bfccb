/*
 * store.h: the SQLite store: its group commit, the row functions of every
 * table family, and reads of committed data.
 *
 * Every write goes through one writer thread: a producer submits a work
 * function, the writer runs whatever is queued in one transaction (each
 * item in its own SAVEPOINT) and calls each item's completion callback
 * after COMMIT returned (engine.c).  A work function writes and looks up
 * rows with the functions below that take a struct store_txn; they see
 * what earlier items of the same batch wrote.  The functions that take a
 * struct store read committed data from any thread, through a shared
 * read-only connection; papictl's queries have connections of their own
 * (query.h).
 *
 * Ownership.  A structure the store fills for the caller (the *_get()
 * functions, store_case_read(), store_outbox_claim()) owns its strings:
 * malloc'd copies, released by the matching *_clear(), which leaves the
 * structure zeroed.  A structure the store hands to a callback points
 * into the row being read: valid during the call only, never freed by
 * the callback.  A structure the caller hands to the store to write
 * (struct store_case_new, store_inbound_new, store_outbox_new,
 * store_part, store_dlr, store_outbox_result) is only read, during the
 * call.  Times are Unix seconds, 0 for "unknown" (stored as NULL) or, on
 * insert, for "now" where the comment says so; ids are 0 for "none".
 */
#ifndef PAPIGW_STORE_STORE_H
#define PAPIGW_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/source.h"

#define STORE_SCHEMA_VERSION	34	/* the newest schema this code knows */
#define STORE_BATCH_MAX_DEFAULT	64	/* items per transaction */
#define STORE_BUSY_TIMEOUT_DEFAULT 5000	/* milliseconds */
#define STORE_HASH_HEX		65	/* SHA-256 in hex, with the NUL */
#define STORE_AUDIT_KEY_MAX	64	/* bytes of the audit log's key */
#define STORE_AUDIT_SEAL	"audit.keyed"	/* the first keyed entry */
#define STORE_AUDIT_LINK	8	/* hex digits of prev_hash stored */
#define STORE_AUDIT_LINK_STR	"8"
#define STORE_ERR_MAX		512	/* bytes in an error from store_open */
#define STORE_HEALTH_MAX	256	/* bytes of a health reason */
#define STORE_WARD_MAX		32	/* bytes of a ward's id, with the NUL */

/*
 * Batch sizes are counted in power-of-two buckets: bucket 0 holds batches
 * of 1 item, bucket i batches of 2^(i-1)+1 .. 2^i items, the last one all
 * larger batches.  The upper bound of bucket i is thus 2^i ("le" in a
 * Prometheus histogram), +Inf for the last.
 */
#define STORE_BATCH_BUCKETS	9
#define STORE_LAT_BUCKETS	13	/* store_lat_le_us[] and +Inf */

struct store;
struct store_txn;

/* What store_open() needs; zero values take the defaults above. */
struct store_options {
	const char	*driver;		/* "sqlite" (NULL) or "postgresql" */
	const char	*conninfo;		/* PostgreSQL: libpq's */
	const char	*path;			/* the SQLite file */
	int		 synchronous_full;	/* 1 FULL, 0 NORMAL */
	int		 busy_timeout_ms;	/* milliseconds */
	int		 batch_max;		/* items per transaction */
	const char	*ward;			/* new cases' ward, NULL: "" */
};

enum store_status {
	STORE_OK = 0,
	STORE_DUPLICATE,	/* that provider message id is stored already */
	STORE_NOTFOUND,		/* no such row */
	STORE_INVALID,		/* refused by a constraint (unknown case...) */
	STORE_BUSY,		/* locked for longer than the busy timeout */
	STORE_FULL,		/* the disk or the database is full */
	STORE_ERROR,		/* I/O error, failed COMMIT, anything else */
	STORE_CLOSED		/* the store is closing and takes no work */
};

enum store_case_state {
	STORE_CASE_RECEIVED,	/* Đã tiếp nhận: waiting for an officer */
	STORE_CASE_ASSIGNED,	/* Đã chuyển xử lý: an officer has it */
	STORE_CASE_IN_PROGRESS,	/* Đang xử lý */
	STORE_CASE_RESOLVED,	/* Đã xử lý: answered and closed */
	STORE_CASE_CONFIRMED,	/* the resident confirmed it */
	STORE_CASE_REOPENED	/* the resident said it is not solved */
};

enum store_outbox_state {
	STORE_OUTBOX_QUEUED,	/* waiting for its next attempt */
	STORE_OUTBOX_SENDING,	/* handed to a channel, no answer yet */
	STORE_OUTBOX_SENT,	/* accepted by the channel */
	STORE_OUTBOX_DELIVERED,	/* a delivery report said so */
	STORE_OUTBOX_FAILED	/* gave up; papictl retry requeues it */
};

enum store_table {
	STORE_T_INBOUND,
	STORE_T_OUTBOUND,
	STORE_T_CASES,
	STORE_T_CASE_EVENTS,
	STORE_T_NOTES,
	STORE_T_OUTBOX,
	STORE_T_AUDIT,
	STORE_T_MAX
};

/*
 * What keeps the store from writing now (store_health()): each reason
 * is "" while all is well.
 */
struct store_health {
	char		 write[STORE_HEALTH_MAX];	/* the last write
							   failed: why */
	int64_t		 write_since;	/* Unix seconds */
	char		 sync[STORE_HEALTH_MAX];	/* the WAL cannot be
							   synced: why */
	int64_t		 sync_since;
	char		 file[STORE_HEALTH_MAX];	/* the file is gone,
							   read-only, full */
};

/* Counters for /metrics, since store_open(). */
struct store_stats {
	uint64_t	 batches;	/* transactions committed */
	uint64_t	 items;		/* items committed */
	uint64_t	 items_failed;	/* items rolled back, whatever why */
	uint64_t	 batch_size[STORE_BATCH_BUCKETS]; /* by size */
	uint64_t	 commit_failures; /* batches lost at BEGIN or COMMIT */
	uint64_t	 errors;	/* SQLite errors (not duplicates) */
	uint64_t	 queued;	/* items waiting right now */
	/* Checkpoints (SQLite): the writer's, between two batches, so
	 * that the WAL starts over (ingest waits meanwhile), and the
	 * checkpointer thread's; their time in microseconds. */
	uint64_t	 ckpt_writer;
	uint64_t	 ckpt_writer_us;
	uint64_t	 ckpt_writer_max_us;
	uint64_t	 ckpt_thread;
	uint64_t	 ckpt_thread_us;
	/*
	 * The store's part of a message's latency: each item from its
	 * submit until its batch was durable (when its callback ran), and
	 * each sync of the WAL (storage.synchronous = full): counts by
	 * bucket of store_lat_le_us[] (the last is +Inf), sums in
	 * microseconds.
	 */
	uint64_t	 durable[STORE_LAT_BUCKETS];
	uint64_t	 durable_us;
	uint64_t	 sync[STORE_LAT_BUCKETS];
	uint64_t	 sync_us;
};

/*
 * ===================================================================
 * The engine (engine.c)
 * ===================================================================
 *
 * A work function runs on the writer thread inside the batch's
 * transaction, calls store_*(txn, ...) row functions and returns STORE_OK
 * to keep what it wrote, or any other status to have it rolled back (that
 * status then goes to its producer).  A done function runs after the
 * batch committed (and, with storage.synchronous = full, reached the
 * disk) or failed, on the writer thread or the syncer thread; it must be
 * short and must not wait for the store (no store_submit_wait() or
 * store_close() in it).
 *
 * store_submit_clean() is for a work function that changes nothing when
 * it returns anything but STORE_OK, except on a store error: it runs
 * without a savepoint of its own (ingest: a savepoint and its release
 * cost the writer 6 us a message).  Should it fail after changing rows
 * all the same, the whole batch is rolled back and every item in it
 * gets the error.
 */
typedef enum store_status (*store_work_fn)(struct store_txn *, void *arg);
typedef void	(*store_done_fn)(enum store_status, void *arg);

struct store	*store_open(const struct store_options *, char *err,
		    size_t errsz);
void		 store_close(struct store *);
enum store_status store_submit(struct store *, store_work_fn,
		    store_done_fn, void *arg);
enum store_status store_submit_clean(struct store *, store_work_fn,
		    store_done_fn, void *arg);
enum store_status store_submit_wait(struct store *, store_work_fn,
		    void *arg);
void		 store_stats(struct store *, struct store_stats *);
extern const uint32_t store_lat_le_us[STORE_LAT_BUCKETS - 1];
void		 store_health(struct store *, struct store_health *);
enum store_status store_ping(struct store *);
const char	*store_strerror(enum store_status);
/* What store_timer_lead() says this gateway runs. */
#define STORE_LEAD_CASES	0x01	/* its ward's cases' timers */
#define STORE_LEAD_DB		0x02	/* those of what belongs to no ward */
#define STORE_LEAD_ALL		(STORE_LEAD_CASES | STORE_LEAD_DB)
int		 store_timer_lead(struct store *);
struct store_claim *store_claim_new(const char *channel);
int		 store_claim_hold(struct store *, struct store_claim *,
		    char *err, size_t errsz);
void		 store_claim_free(struct store_claim *);
int		 store_shared(const struct store *);
enum store_status store_count(struct store *, enum store_table, int64_t *n);
void		 store_outbox_hook(struct store *, void (*)(void *),
		    void *arg);
struct store_outbox;
int		 store_outbox_direct(struct store *,
		    int (*)(const char *, void *),
		    void (*)(struct store_outbox *, size_t, void *), void *);

#ifdef PAPIGW_TEST_HOOKS
/*
 * Fault injection, in the tests' build: a full disk, a failing COMMIT, a
 * slow sync.
 */
enum store_status store_fault_max_pages(struct store *, int64_t extra);
void		 store_fault_commit(struct store *, int n);
void		 store_fault_sync_delay(struct store *, int ms);
#endif

/*
 * ===================================================================
 * Messages, parts of long messages, delivery reports (message.c)
 * ===================================================================
 */

/* An inbound or an outbound message, as read back; strings owned. */
struct store_message {
	int64_t		 id;
	int64_t		 case_id;	/* the case it belongs to, or 0 */
	int64_t		 outbox_id;	/* outbound: its outbox row (id) */
	char		*channel;	/* configured channel name */
	char		*provider_id;	/* provider's message id, or NULL */
	char		*sender;
	char		*recipient;
	char		*text;		/* UTF-8 as routed; never NULL */
	unsigned char	*raw;		/* the bytes received when they were */
	size_t		 rawlen;	/* not valid UTF-8, else NULL and 0 */
	char		*encoding;	/* "gsm7", "ucs2", "8bit" or NULL */
	int64_t		 received;	/* inbound: taken in */
	int64_t		 sent;		/* outbound: accepted by the channel */
	int64_t		 provider_time;	/* the SMSC's or provider's time */
	int64_t		 created;	/* row written */
};

/* An inbound message to store. */
struct store_inbound_new {
	int64_t		 case_id;	/* or 0: attached later */
	const char	*channel;
	const char	*provider_id;	/* or NULL */
	const char	*sender;
	const char	*recipient;
	const char	*text;		/* UTF-8 as routed; never NULL */
	const unsigned char *raw;	/* the bytes, when not valid UTF-8 */
	size_t		 rawlen;
	const char	*encoding;	/* or NULL */
	const char	*kind;		/* "feedback", "spam"... */
	const char	*decision;	/* JSON: what decided, or NULL */
	int64_t		 received;	/* 0: now */
	int64_t		 provider_time;
	int64_t		 created;	/* 0: now */
};

/* One part of a long message, as a provider delivered it. */
struct store_part {
	const char	*channel;
	const char	*provider_id;	/* the part's own id */
	const char	*sender;
	const char	*recipient;
	const char	*ref;		/* the concatenation reference */
	int		 total;		/* parts in the message */
	int		 seq;		/* this part, from 1 */
	const char	*text;		/* bytes, maybe not UTF-8 */
	size_t		 textlen;
	int64_t		 provider_time;
	int64_t		 received;	/* 0: now */
};

/*
 * The parts of one message, assembled (store_parts_ready(), which owns
 * the strings); its key (channel, sender, ref, total) names the parts
 * for store_parts_assembled().
 */
struct store_part_set {
	char		*channel;
	char		*sender;
	char		*recipient;
	char		*ref;
	int		 total;
	int		 nparts;	/* parts present */
	int		 complete;	/* nparts == total */
	char		*first_provider_id;
	int64_t		 provider_time;
	char		*text;		/* in order, " [...] " for gaps */
	size_t		 textlen;
};

/* A delivery report. */
struct store_dlr {
	const char	*channel;
	const char	*provider_id;	/* of the message it reports on */
	const char	*status;	/* the provider's word */
	const char	*error;		/* or NULL */
	int64_t		 received;	/* 0: now */
	/* STORE_OUTBOX_DELIVERED or _FAILED: final; anything else: not. */
	enum store_outbox_state state;
};

enum store_status store_inbound_insert(struct store_txn *,
		    const struct store_inbound_new *, int64_t *id);
enum store_status store_inbound_attach(struct store_txn *, int64_t id,
		    int64_t case_id);
enum store_status store_inbound_find(struct store_txn *, const char *channel,
		    const char *provider_id, int64_t *case_id, int64_t *ref);
enum store_status store_inbound_find_recent(struct store_txn *,
		    const char *channel, const char *sender, const char *text,
		    int64_t since, int64_t *case_id, int64_t *ref);
enum store_status store_inbound_count_since(struct store_txn *,
		    const char *sender, int64_t since, int limit, int64_t *n);
enum store_status store_part_add(struct store_txn *,
		    const struct store_part *);
enum store_status store_parts_assembled(struct store_txn *,
		    const struct store_part_set *);
enum store_status store_dlr_add(struct store_txn *,
		    const struct store_dlr *);

enum store_status store_inbound_get(struct store *, int64_t id,
		    struct store_message *);
enum store_status store_outbound_get(struct store *, int64_t id,
		    struct store_message *);
void		 store_message_clear(struct store_message *);
enum store_status store_fts_index(struct store_txn *, int limit,
		    int64_t *n);
enum store_status store_fts_catch_up(struct store *, int limit);
enum store_status store_parts_ready(struct store *, int64_t older_than,
		    void (*)(const struct store_part_set *, void *), void *);

/*
 * ===================================================================
 * Cases, their history and notes (case.c)
 * ===================================================================
 */

/*
 * A case, as every reader of cases gives it: every column of the case
 * (but in reports, see store_report_rows()), its first message's text and
 * its last officer's answer when the reader was asked for them (else
 * NULL).  Strings owned (store_case_clear()), but in the callbacks of
 * store_case_list() and store_report_rows().
 */
struct store_case {
	int64_t		 id;
	int64_t		 ref_number;	/* "PA-000123" is 123 */
	char		*category;	/* category id */
	char		*categories2;	/* secondary ids, "a,b", or NULL */
	char		*subcategory;	/* or NULL */
	enum store_case_state state;
	char		*sender;	/* the resident's number; "" erased */
	char		*channel;	/* where answers go */
	int64_t		 deadline;	/* answer due */
	char		*assignee;	/* Unix user name, or NULL */
	int64_t		 created;
	int64_t		 updated;
	int64_t		 closed;	/* last closed, 0 while open */
	int64_t		 answered;	/* last answered, or 0 */
	int64_t		 first_answered;
	int64_t		 overdue;	/* marked overdue at, or 0 */
	int64_t		 reopened;	/* last reopened at, or 0 */
	int64_t		 satisfaction_asked;
	int		 satisfaction;	/* 1 to 5, 0: no answer */
	int64_t		 satisfaction_at;
	int64_t		 erased;	/* number erased at, or 0 */
	int64_t		 resident;	/* pseudonym id: "R-<id>" */
	int		 lang;		/* 0 vi, 1 en, -1 not recorded */
	int64_t		 merged_into;	/* the case it joined, or 0 */
	enum case_source source;	/* where it came from */
	char		*ward;		/* its ward's id, "" in one ward */
	char		*text;		/* STORE_CASE_TEXT: first message */
	char		*answer;	/* STORE_CASE_ANSWER: last answer */
};

/* What a reader of a case fetches besides its columns. */
#define STORE_CASE_TEXT		0x1	/* the text of its first message */
#define STORE_CASE_ANSWER	0x2	/* its last officer's answer */

/*
 * A case moved to another category by an officer, kept as a labelled
 * example (store_case_recategorise(), store_corrections()).
 */
struct store_correction {
	int64_t		 id;
	int64_t		 case_id;
	int64_t		 ref_number;	/* read back only */
	const char	*text;		/* the case's first message */
	const char	*old_category;
	const char	*old_subcategory; /* or NULL */
	const char	*category;
	const char	*subcategory;	/* or NULL */
	const char	*actor;
	const char	*reason;
	int64_t		 created;	/* 0: now */
};

/* A case to create (store_case_create()). */
struct store_case_new {
	const char	*category;	/* category id */
	const char	*categories2;	/* or NULL */
	const char	*subcategory;	/* or NULL */
	enum store_case_state state;
	const char	*sender;	/* the resident's number */
	const char	*channel;	/* where answers go */
	int64_t		 deadline;
	const char	*assignee;	/* or NULL */
	int64_t		 created;	/* 0: now */
	int64_t		 updated;	/* 0: now */
	int		 lang;		/* 0 vi, 1 en, -1 not recorded */
	enum case_source source;	/* 0: CASE_SOURCE_SMS */
};

/* A state change of a case; strings owned, but in callbacks. */
struct store_case_event {
	int64_t		 id;
	int64_t		 case_id;
	int64_t		 at;
	char		*actor;		/* Unix user, or "papigwd" */
	enum store_case_state from;	/* the state before */
	enum store_case_state to;
	char		*detail;	/* or NULL */
};

/* A note on a case; strings owned, but in callbacks. */
struct store_note {
	int64_t		 id;
	int64_t		 case_id;
	int64_t		 at;
	char		*author;
	char		*text;
};

/* The columns of case work that store_case_set() sets. */
enum store_case_field {
	STORE_CF_DEADLINE,
	STORE_CF_OVERDUE,
	STORE_CF_REOPENED,
	STORE_CF_SATISFACTION_ASKED,
	STORE_CF_SATISFACTION		/* and satisfaction_at: now */
};

const char	*store_case_state_name(enum store_case_state);
enum store_status store_case_create(struct store_txn *,
		    const struct store_case_new *, int64_t *id, int64_t *ref);
enum store_status store_case_event_add(struct store_txn *, int64_t case_id,
		    enum store_case_state to, const char *actor,
		    const char *detail, int64_t at, int64_t *id);
enum store_status store_case_assign(struct store_txn *, int64_t case_id,
		    const char *assignee, int64_t at);
enum store_status store_case_answered(struct store_txn *, int64_t case_id,
		    int64_t at);
enum store_status store_case_recategorise(struct store_txn *,
		    const struct store_correction *, int64_t *id);
enum store_status store_case_set(struct store_txn *, int64_t id,
		    enum store_case_field, int64_t v);
enum store_status store_note_add(struct store_txn *, int64_t case_id,
		    const char *author, const char *text, int64_t at,
		    int64_t *id);
enum store_status store_case_read(struct store_txn *, int64_t ref,
		    unsigned with, struct store_case *);
enum store_status store_case_find_open(struct store_txn *, int64_t ref,
		    const char *sender, int64_t *case_id);
enum store_status store_case_find_thread(struct store_txn *,
		    const char *sender, int64_t created, int64_t answered,
		    int64_t *case_id, int64_t *ref, char *category,
		    size_t catsz);
enum store_status store_case_find_recent(struct store_txn *,
		    const char *sender, int64_t since, int64_t *case_id,
		    int64_t *ref);
enum store_status store_case_known_sender(struct store_txn *,
		    const char *sender, int *known);
enum store_status store_case_merge(struct store_txn *, int64_t keep,
		    int64_t other, int64_t *moved);
enum store_status store_case_find_satisfaction(struct store_txn *,
		    const char *sender, int64_t since, int64_t *case_id,
		    int64_t *ref);
enum store_status store_case_find_closed(struct store_txn *, int64_t ref,
		    const char *sender, int64_t since, int64_t *case_id);

enum store_status store_case_get(struct store *, int64_t id,
		    struct store_case *);
enum store_status store_case_get_by_ref(struct store *, int64_t ref,
		    unsigned with, struct store_case *);
void		 store_case_clear(struct store_case *);
enum store_status store_case_event_get(struct store *, int64_t id,
		    struct store_case_event *);
void		 store_case_event_clear(struct store_case_event *);
enum store_status store_note_get(struct store *, int64_t id,
		    struct store_note *);
void		 store_note_clear(struct store_note *);

/*
 * ===================================================================
 * The deadline and retention timer (timer_rows.c)
 * ===================================================================
 */

/* Reads, on committed data (any thread but the store's). */
enum store_status store_cases_waiting(struct store *, int64_t at, int limit,
		    int64_t *ids, size_t *n);
enum store_status store_cases_closed_before(struct store *, int64_t before,
		    int limit, int64_t *ids, size_t *n);
enum store_status store_cases_overdue_count(struct store *, int64_t *n);
enum store_status store_inbound_erase_upto(struct store *, int64_t before,
		    int limit, int64_t *upto);
/* Changes by id, in work functions. */
enum store_status store_cases_mark_overdue(struct store_txn *, int64_t at,
		    const int64_t *ids, size_t n, void (*)(int64_t, int64_t,
		    const char *, int64_t, void *), void *, int64_t *marked);
enum store_status store_cases_erase(struct store_txn *, int64_t before,
		    const int64_t *ids, size_t n, int64_t *erased);
enum store_status store_inbound_erase(struct store_txn *, int64_t upto,
		    int64_t *n);

/*
 * ===================================================================
 * The outbox (outbox_rows.c)
 * ===================================================================
 */

/* A message waiting to go out, and how its delivery is going. */
struct store_outbox {
	int64_t		 id;
	int64_t		 case_id;	/* or 0 (help answers and the like) */
	char		*channel;
	char		*recipient;
	char		*text;
	char		*encoding;	/* "gsm7" or "ucs2" */
	int		 segments;	/* SMS parts */
	enum store_outbox_state state;
	int		 attempts;
	int64_t		 next_attempt;
	char		*last_error;	/* or NULL */
	char		*provider_id;	/* once a channel accepted it */
	int64_t		 created;
	int64_t		 updated;
	int		 dead;		/* failed: ran out of attempts */
	char		*kind;		/* REPLY_KIND_* */
	char		*sender;	/* sent: the number it went from */
	int64_t		 sent;		/* when the channel took it, or 0 */
	int		 priority;	/* STORE_OUTBOX_PRIORITY_* */
};

/*
 * The order in which the outbox worker claims a channel's due rows:
 * replies to residents before bulk (announcements, information), so that
 * bulk never holds up a reply.
 */
#define STORE_OUTBOX_PRIORITY_REPLY	0
#define STORE_OUTBOX_PRIORITY_BULK	1

/* A message to queue (store_outbox_insert()). */
struct store_outbox_new {
	int64_t		 case_id;	/* or 0 */
	const char	*channel;
	const char	*recipient;
	const char	*text;
	const char	*encoding;	/* "gsm7" or "ucs2" */
	int		 segments;
	enum store_outbox_state state;
	int		 attempts;
	int64_t		 next_attempt;	/* 0: now */
	const char	*last_error;	/* or NULL */
	const char	*provider_id;	/* or NULL */
	int64_t		 created;	/* 0: now */
	int64_t		 updated;	/* 0: now */
	const char	*kind;		/* REPLY_KIND_*; NULL: "answer" */
	int		 priority;	/* STORE_OUTBOX_PRIORITY_*; 0: reply */
	/*
	 * Or NULL: text is tpl with ref in place of every ph (an
	 * acknowledgement and its case's reference).  SQLite stores tpl
	 * once in outbox_texts and ref in the row (schema 30).
	 */
	const char	*tpl;
	const char	*ph;
	const char	*ref;
};

/* What became of an attempt (store_outbox_result()). */
struct store_outbox_result {
	int64_t		 id;
	enum store_outbox_state state;	/* SENT, QUEUED (retry), FAILED */
	const char	*channel;	/* SENT: to match early reports */
	const char	*provider_id;	/* SENT: the provider's id, or NULL */
	const char	*sender;	/* SENT: the channel's number or NULL */
	const char	*error;		/* or NULL: last_error unchanged */
	int64_t		 next_attempt;	/* QUEUED: when (0: now) */
	int		 refund;	/* QUEUED: the attempt did not happen */
	int		 dead;		/* FAILED: ran out of attempts */
};

const char	*store_outbox_state_name(enum store_outbox_state);
enum store_status store_outbox_insert(struct store_txn *,
		    const struct store_outbox_new *, int64_t *id);
enum store_status store_outbox_count_auto(struct store_txn *,
		    const char *recipient, int64_t since, int64_t *n);
enum store_status store_outbox_claim(struct store_txn *, const char *channel,
		    int64_t now, int limit, struct store_outbox **rows,
		    size_t *n);
enum store_status store_outbox_result(struct store_txn *,
		    const struct store_outbox_result *);
enum store_status store_outbox_requeue(struct store_txn *, int64_t before,
		    int64_t *n);
enum store_status store_outbox_retry(struct store_txn *, int64_t id);
enum store_status store_outbox_retry_failed(struct store_txn *,
		    int64_t since, int64_t *n);
enum store_status store_outbox_sent_fold(struct store_txn *, int limit,
		    int64_t *n);

/*
 * The figures of reports summed by day (fold_rows.c, schema 31): the
 * counts of a row of report_days, in its columns' order, and the buckets
 * of the times to the first answer (kind 0) and to resolution (kind 1).
 */
enum {
	STORE_FOLD_CASES,
	STORE_FOLD_OPEN,
	STORE_FOLD_RESOLVED,
	STORE_FOLD_REOPENED,
	STORE_FOLD_ANSWERED,
	STORE_FOLD_RESOLUTIONS,
	STORE_FOLD_DUE,
	STORE_FOLD_ON_TIME,
	STORE_FOLD_SAT1,		/* ... to SAT5: 1 to 5 */
	STORE_FOLD_NCOUNTS = STORE_FOLD_SAT1 + 5
};
#define STORE_FOLD_BUCKETS	1024
#define STORE_CATEGORY_MAX	64	/* bytes of a category's id, folded */
#define STORE_FOLD_HIST_MAX	(STORE_FOLD_BUCKETS * 12) /* a list's bytes */
int		 store_fold_bucket(int64_t secs);
int64_t		 store_fold_bucket_value(int bucket);
size_t		 store_fold_hist_encode(const int64_t *, unsigned char *);
int		 store_fold_hist_decode(const void *, size_t, int *,
		    int64_t *);
struct store_fold;
struct store_fold *store_fold_new(void);
void		 store_fold_free(struct store_fold *);
enum store_status store_report_fold(struct store *, struct store_fold *,
		    int64_t now, int limit, int *more, int64_t *took);

enum store_status store_outbox_get(struct store *, int64_t id,
		    struct store_outbox *);
void		 store_outbox_clear(struct store_outbox *);
enum store_status store_outbox_depth(struct store *,
		    enum store_outbox_state, int64_t *n);
enum store_status store_outbox_next_due(struct store *, const char *channel,
		    int64_t *when);
enum store_status store_outbox_dead(struct store *, int64_t *n);

/*
 * ===================================================================
 * Senders (sender.c)
 * ===================================================================
 */

/* What the store remembers about a number. */
struct store_sender {
	int		 opted_out;	/* no information, no announcements */
	int64_t		 quarantined_at; /* 0: not quarantined */
	int64_t		 quarantine_until; /* 0: for good */
	int		 lang;		/* 0 vi, 1 en, -1 not known */
	int64_t		 help_at;	/* help last sent unasked, or 0 */
};

enum store_status store_sender_get(struct store_txn *, const char *number,
		    struct store_sender *);
enum store_status store_sender_optout(struct store_txn *,
		    const char *number, int opted_out, int64_t at);
enum store_status store_sender_quarantine(struct store_txn *,
		    const char *number, int64_t at, int64_t until,
		    const char *reason);
enum store_status store_senders_quarantined(struct store *, int64_t at,
		    int64_t *n);
enum store_status store_sender_numbers(struct store_txn *,
		    void (*)(const char *number, void *), void *);
enum store_status store_sender_renumber(struct store_txn *,
		    const char *old, const char *new, int64_t *from,
		    int64_t *into);
enum store_status store_sender_renumbered(struct store_txn *,
		    int64_t *code);
enum store_status store_sender_renumbered_set(struct store_txn *,
		    int64_t code);
enum store_status store_sender_lang(struct store_txn *, const char *number,
		    int lang, int64_t at);
enum store_status store_sender_helped(struct store_txn *,
		    const char *number, int64_t at);

/*
 * ===================================================================
 * Inbox entries a modem could not read (unreadable.c)
 * ===================================================================
 */

/* An entry to save before it is deleted from the SIM. */
struct store_unreadable {
	const char	*channel;
	int		 location;	/* as libGammu reported it */
	int		 folder;
	const char	*error;		/* libGammu's error name */
	int		 attempts;	/* reads that failed */
	const unsigned char *raw;	/* its content, or NULL */
	size_t		 rawlen;
	int64_t		 first_seen;	/* first failed read */
	int64_t		 created;	/* 0: now */
};

enum store_status store_unreadable_add(struct store_txn *,
		    const struct store_unreadable *, int64_t *id);
enum store_status store_unreadable_erase(struct store_txn *, int64_t before,
		    int limit, int64_t *n);

/*
 * ===================================================================
 * What administrators decide (admin_rows.c)
 * ===================================================================
 */

enum store_status store_sender_release(struct store_txn *,
		    const char *number, int blocks_only, int64_t at);
enum store_status store_sender_block(struct store_txn *, const char *number,
		    const char *actor, const char *reason, int64_t at);
enum store_status store_reminder_mark(struct store_txn *, const char *period,
		    int64_t at, int *first);

/*
 * ===================================================================
 * Slips and points raised in person (intake_rows.c)
 * ===================================================================
 */

/* What an officer wrote down with a case (papictl intake). */
struct store_intake {
	enum case_source source;	/* box, reception, meeting */
	const char	*slip;		/* the slip's own number, or NULL */
	const char	*area;		/* an area id, or NULL */
	const char	*received;	/* "YYYY-MM-DD" */
	const char	*officer;	/* Unix user */
};

/* The same, read back; strings owned (store_intake_clear()). */
struct store_intake_row {
	enum case_source source;
	char		*slip;		/* or NULL */
	char		*area;		/* or NULL */
	char		*received;
	char		*officer;
	int64_t		 created;
};

enum store_status store_intake_add(struct store_txn *, int64_t case_id,
		    const struct store_intake *);
enum store_status store_intake_get(struct store *, int64_t case_id,
		    struct store_intake_row *);
void		 store_intake_clear(struct store_intake_row *);

/*
 * ===================================================================
 * The bookings of the citizen reception (reception_rows.c)
 * ===================================================================
 */

/* A booking to write (store_booking_add()). */
struct store_booking_new {
	const char	*day;		/* "YYYY-MM-DD" */
	const char	*slot;		/* "HH:MM" */
	int		 seq;		/* its number on the day's agenda */
	const char	*number;
	const char	*channel;
	int		 lang;		/* 0 vi, 1 en, -1 not known */
	const char	*topic;
	int64_t		 created;	/* 0: now */
};

/* A booking read back: strings owned (store_booking_clear()), but in callbacks. */
struct store_booking {
	int64_t		 id;
	char		*day;		/* "YYYY-MM-DD" */
	char		*slot;		/* "HH:MM" */
	int		 seq;		/* its number on the day's agenda */
	char		*number;	/* NULL once erased */
	int64_t		 resident;	/* pseudonym id, or 0 */
	char		*channel;
	int		 lang;		/* 0 vi, 1 en, -1 not known */
	char		*topic;
	int64_t		 created;	/* 0 on insert: now */
	int64_t		 cancelled;	/* 0: booked */
	int64_t		 reminded;	/* 0: not yet */
	char		*open_cases;	/* agenda: "12:security,...", or NULL */
};

enum store_status store_booking_slots(struct store_txn *, const char *day,
		    void (*)(const char *slot, int booked, void *), void *);
enum store_status store_booking_of(struct store_txn *, const char *number,
		    const char *from, struct store_booking *);
enum store_status store_booking_add(struct store_txn *,
		    const struct store_booking_new *, int64_t *id);
enum store_status store_booking_cancel(struct store_txn *, int64_t id,
		    int64_t at);
enum store_status store_bookings_to_remind(struct store_txn *,
		    const char *day, void (*)(const struct store_booking *,
		    void *), void *);
enum store_status store_booking_reminded(struct store_txn *, int64_t id,
		    int64_t at);
enum store_status store_bookings_erase(struct store_txn *,
		    const char *before, int limit, int64_t *n);
enum store_status store_bookings_day(struct store *, const char *day,
		    void (*)(const struct store_booking *, void *), void *);
void		 store_booking_clear(struct store_booking *);

/* backup.c: a consistent copy while the daemon runs */
int		 store_backup(struct store *, int fd, int64_t *bytes,
		    char *err, size_t errsz);

/*
 * ===================================================================
 * The audit log (audit_chain.c)
 * ===================================================================
 */

/*
 * One audit entry and its place in the hash chain; strings owned, but in
 * callbacks.
 */
struct store_audit {
	int64_t		 id;
	int64_t		 at;
	char		*actor;
	char		*action;
	int64_t		 case_id;	/* or 0 */
	char		*detail;	/* or NULL */
	char		 prev_hash[STORE_HASH_HEX];
	char		 hash[STORE_HASH_HEX];
};

enum store_status store_audit_append(struct store_txn *, const char *actor,
		    const char *action, int64_t case_id, const char *detail);
int		 store_audit_hash(const char *prev, int64_t at,
		    const char *actor, const char *action, int64_t case_id,
		    const char *detail, char out[STORE_HASH_HEX]);
int		 store_audit_mac(const unsigned char *key, size_t keylen,
		    const struct store_audit *, char out[STORE_HASH_HEX]);
void		 store_audit_set_key(struct store *, const unsigned char *key,
		    size_t len);
enum store_status store_audit_seal(struct store *, const char *actor,
		    int64_t *sealed, int64_t *legacy);
enum store_status store_audit_head(struct store *, struct store_audit *,
		    int64_t *entries);
enum store_status store_audit_get(struct store *, int64_t id,
		    struct store_audit *);
void		 store_audit_clear(struct store_audit *);

#endif /* PAPIGW_STORE_STORE_H */
