/*
 * papigw.h: the structures and prototypes shared by papigwd and papictl.
 *
 * papigw is an SMS/USSD citizen-feedback gateway: residents' messages come in
 * from a GSM modem or HTTP SMS providers, are routed by keyword to a PAPI
 * category and kept as cases in SQLite; officers answer them with papictl.
 *
 * Each library is wrapped by one module and only that module includes its
 * header (sqlite3.h in store.c, libconfig.h in config.c, ...).  The
 * prototypes below are grouped by the file that defines them.
 */
#ifndef PAPIGW_H
#define PAPIGW_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PAPIGW_VERSION		"0.1.0"

/* Where papigwd looks for its configuration without -c. */
#define PAPIGW_CONF_DEFAULT	"/etc/papigw/papigw.conf"

/* Bounds on what the configuration may hold. */
#define CONF_ID_MAX		32	/* bytes in a category or channel id */
#define CONF_STR_MAX		4096	/* bytes in any configured string */
#define CONF_SECRET_MAX		1024	/* bytes in a secret read from a file */
#define CONF_CATEGORIES_MAX	64
#define CONF_CHANNELS_MAX	32
#define CONF_OVERRIDES_MAX	64	/* -o options on one command line */

/*
 * ===================================================================
 * log.c
 * ===================================================================
 */

enum log_level {
	LOG_LVL_ERR = 3,
	LOG_LVL_WARN = 4,
	LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7
};

void	log_init(int foreground, enum log_level level);
void	log_setlevel(enum log_level level);
enum log_level log_getlevel(void);
int	log_level_parse(const char *name, enum log_level *out);
void	log_warn(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_notice(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * ===================================================================
 * util.c
 * ===================================================================
 */

/* Masked form of a phone number for logs and officers: "+84 91x xxx 678". */
#define MASKED_NUMBER_MAX	48
const char *mask_number(const char *number, char *buf, size_t bufsz);
int	 copy_str(char *dst, size_t dstsz, const char *src);
void	*xcalloc(size_t nmemb, size_t size);
char	*xstrdup(const char *s);
int	 parse_long(const char *s, long min, long max, long *out);
char	*read_small_file(const char *path, size_t max, size_t *lenp);

/*
 * ===================================================================
 * papigwd.c: the main loop
 * ===================================================================
 */

int	daemon_watch(int fd, void (*cb)(int, void *), void *arg);
void	daemon_unwatch(int fd);

/*
 * ===================================================================
 * config.c: the validated configuration
 * ===================================================================
 */

/* A sub-category: an id and the phrases that point to it. */
struct subcategory {
	char		  id[CONF_ID_MAX];
	char		**keywords;	/* phrases as configured (UTF-8) */
	size_t		  nkeywords;
	int		  line;		/* where it was configured */
};

/* A PAPI category: one queue of cases. */
struct category {
	char		  id[CONF_ID_MAX];
	char		  dimension[4];	/* "D1".."D8", "" for triage */
	char		 *name_vi;
	char		 *name_en;
	char		  code[8];	/* short code put first, e.g. "TN" */
	int		  restricted;	/* visible only to inspectors */
	int		  deadline_days; /* working days to answer */
	char		 *ack_vi;	/* acknowledgement templates */
	char		 *ack_en;
	char		 *explain_vi;	/* what happens next */
	char		 *explain_en;
	struct subcategory *subs;
	size_t		  nsubs;
	int		  line;
};

/* The language of replies to a message with no language of its own. */
enum language {
	LANG_VI,
	LANG_EN
};

/* The router's phrase lists besides the categories' keywords. */
enum router_list {
	RLIST_SPAM,		/* "spam": scams and advertising */
	RLIST_GREETING,		/* "greeting": greetings and tests */
	RLIST_THANKS,		/* "thanks": thanks and acknowledgements */
	RLIST_FILLER,		/* "filler": pronouns, particles */
	RLIST_DEMAND,		/* "demand": asking for money, before it */
	RLIST_DEMAND_AFTER,	/* "demand_after": "mới làm", after it */
	RLIST_NOT_DEMAND,	/* "not_demand": debts, wages, fees */
	RLIST_MONEY,		/* "money": units of money */
	RLIST_WEAK,		/* "weak": keywords that count half */
	RLIST_MAX
};

/* One shorthand expansion for the router ("ko" -> "không"). */
struct shorthand {
	char		 *token;
	char		 *expansion;
};

enum channel_type {
	CHANNEL_MODEM,		/* a GSM modem through libGammu */
	CHANNEL_TWILIO,
	CHANNEL_AFRICASTALKING,
	CHANNEL_VONAGE,
	CHANNEL_GENERIC		/* Kannel-style HTTP */
};

/* A channel: where messages come from and replies go. */
struct channel {
	char		  name[CONF_ID_MAX];
	enum channel_type type;
	int		  enabled;
	char		 *number;	/* the gateway's own number here */
	/* Modem channels. */
	char		 *device;	/* serial device, or dummy phone dir */
	char		 *model;	/* "" for AT modems, "dummy" */
	char		 *connection;	/* "at", "at115200", "none" ... */
	char		 *pin;		/* secret, from pin_file */
	int		  poll_interval; /* seconds */
	int		  send_rate;	/* modem: parts a minute, 0: any */
	/* HTTP provider channels. */
	char		 *public_url;	/* the URL the provider calls */
	char		 *base_url;	/* the provider's API base */
	char		 *account;	/* account sid / username / api key */
	char		 *token;	/* secret: auth token / api secret */
	char		 *signature_secret; /* secret for signed webhooks */
	double		  rate;		/* outbox: messages a second, 0: any */
	int		  strip_diacritics; /* replies: đ -> d, GSM-7 */
	int		  line;
};

/*
 * Special words (reply.c): what a message that is only a special word
 * asks for.  The loader folds every configured word (text.c: no case, no
 * diacritics, no spaces) into one table, struct config's special[].
 */
enum reply_special {
	REPLY_SPECIAL_NONE,
	REPLY_SPECIAL_HELP,	/* the menu of words */
	REPLY_SPECIAL_STATUS,	/* a case's state, to its own sender */
	REPLY_SPECIAL_STOP,	/* opt out of information and announcements */
	REPLY_SPECIAL_START,	/* opt back in */
	REPLY_SPECIAL_TOPIC	/* an information topic */
};

#define REPLY_WORD_MAX		64	/* bytes of a folded special word */
#define REPLY_TOPICS_MAX	32
#define REPLY_USSD_MAX		182	/* characters of a USSD string */

/* One special word, folded: "Tra cứu" and "TRACUU" are both "tracuu". */
struct reply_word {
	char		  fold[REPLY_WORD_MAX];
	enum reply_special what;
	int		  topic;	/* REPLY_SPECIAL_TOPIC: its index */
	int		  line;		/* where it was configured */
};

/* An information topic, answered from the configuration. */
struct topic {
	char		  id[CONF_ID_MAX]; /* also the USSD menu's topic id */
	char		**words;	/* special words that ask for it */
	size_t		  nwords;
	char		 *text_vi;	/* SMS answers (templates) */
	char		 *text_en;
	char		 *ussd;		/* plain ASCII, at most 182 bytes */
	int		  line;
};

/*
 * The USSD menu's texts (ussd.c), each a setting of the ussd group: plain
 * ASCII screens, checked by the loader to fit 182 characters.
 */
enum ussd_text {
	USSD_T_TITLE,		/* "title": the main menu's heading */
	USSD_T_REPORT,		/* "report_prompt": choose a category */
	USSD_T_TEXT,		/* "text_prompt": type the message */
	USSD_T_CONFIRM,		/* "confirm": above the message */
	USSD_T_SEND,		/* "send": the option under it */
	USSD_T_CUT,		/* "cut_notice": the message was cut */
	USSD_T_DONE,		/* "done": END with the new reference */
	USSD_T_REF,		/* "ref_prompt": type a reference */
	USSD_T_NOT_FOUND,	/* "not_found": no such case of yours */
	USSD_T_INFO,		/* "info_prompt": choose a topic */
	USSD_T_INVALID,		/* "invalid": an unknown option */
	USSD_T_FAILED,		/* "failed": the store failed, retry */
	USSD_T_BUSY,		/* "busy": END, too many sessions */
	USSD_T_EXPIRED,		/* "expired": END, the session timed out */
	USSD_T_NAV,		/* "nav": "0. Quay lai 00. Dau" */
	USSD_T_MAX
};

/* An entry of a USSD menu list: what it leads to and its label. */
struct ussd_item {
	char		  id[CONF_ID_MAX]; /* action, category or topic id */
	char		 *label;	/* plain ASCII */
	int		  line;		/* where it was configured, or 0 */
};

/* What a role may do (control.c): each kind can do what the one before can. */
enum role_kind {
	ROLE_OFFICER,		/* cases of its categories, none restricted */
	ROLE_INSPECTOR,		/* every case, restricted categories too */
	ROLE_ADMINISTRATOR	/* everything: unmasking, outbox, audit */
};

/* A role of the control socket: who has it (users, groups), and where. */
struct role {
	char		  name[CONF_ID_MAX];
	int		  kind;		/* enum role_kind */
	char		**users;	/* Unix user names */
	size_t		  nusers;
	char		**groups;	/* Unix group names */
	size_t		  ngroups;
	char		**categories;	/* officers: ids; none: all open ones */
	size_t		  ncategories;
	int		  line;
};

struct config {
	char		 *path;		/* the file it was read from */
	_Atomic int	  refs;		/* config_ref() / config_unref() */

	/* log */
	enum log_level	  log_level;

	/* ward */
	char		 *ward_name;
	char		 *ward_name_en;
	char		 *ward_address;
	char		 *reception_hours;
	char		 *hotline;

	/* storage */
	char		 *storage_path;
	int		  storage_synchronous_full; /* 1 FULL, 0 NORMAL */
	int		  storage_busy_timeout;	/* milliseconds */
	int		  storage_batch_max;	/* requests per transaction */

	/* http */
	char		 *http_listen;		/* "ADDR:PORT" as given */
	char		  http_addr[64];	/* parsed address */
	int		  http_port;
	int		  http_max_body;	/* bytes */
	int		  http_threads;
	int		  http_max_connections;
	int		  http_timeout;		/* seconds idle */

	/* control */
	char		 *control_socket;

	/* ingest */
	int		  ingest_dedupe_window;	/* seconds */
	int		  ingest_followup_window; /* seconds */
	int		  ingest_concat_timeout; /* seconds */
	int		  ingest_signature_max_age; /* seconds */

	/* outbox: sending, retries and timeouts (outbox.c) */
	int		  outbox_max_attempts;
	int		  outbox_backoff_initial;	/* seconds */
	int		  outbox_backoff_max;		/* seconds */
	int		  outbox_connect_timeout;	/* seconds */
	int		  outbox_timeout;		/* seconds */
	int		  outbox_max_inflight;	/* per channel */
	int		  outbox_shutdown_wait;	/* seconds */

	/* cases */
	char		  case_prefix[8];	/* "PA" in "PA-000123" */
	int		  language;		/* enum language */

	/* router */
	double		  router_threshold;
	char		  router_triage[CONF_ID_MAX];
	struct shorthand *shorthand;
	size_t		  nshorthand;
	char		**router_lists[RLIST_MAX];
	size_t		  router_nlists[RLIST_MAX];

	struct category	 *categories;
	size_t		  ncategories;
	struct channel	 *channels;
	size_t		  nchannels;

	/* replies: special words, texts and limits (reply.c) */
	char		**replies_help_words;
	size_t		  replies_nhelp_words;
	char		**replies_status_words;
	size_t		  replies_nstatus_words;
	char		**replies_stop_words;
	size_t		  replies_nstop_words;
	char		**replies_start_words;
	size_t		  replies_nstart_words;
	char		**replies_english_words;
	size_t		  replies_nenglish_words;
	char		 *replies_help_vi;	/* templates */
	char		 *replies_help_en;
	char		 *replies_status_vi;
	char		 *replies_status_en;
	char		 *replies_status_answer_vi;
	char		 *replies_status_answer_en;
	char		 *replies_refusal_vi;
	char		 *replies_refusal_en;
	char		 *replies_stop_vi;
	char		 *replies_stop_en;
	char		 *replies_start_vi;
	char		 *replies_start_en;
	int		  replies_max_per_sender_day; /* 0: no cap */
	int		  replies_flood_messages;  /* 0: no flood guard */
	int		  replies_flood_window;	/* seconds */
	int		  replies_quarantine_time; /* seconds, 0: no end */
	int		  replies_max_segments;	/* SMS parts of a reply */
	struct reply_word *special;		/* every special word, folded */
	size_t		  nspecial;
	struct topic	 *topics;
	size_t		  ntopics;

	/* control, roles, deadlines, privacy, satisfaction (control.c, cases.c) */
	int		  control_max_clients;
	int		  control_timeout;	/* seconds idle */
	struct role	 *roles;
	size_t		  nroles;
	char		**deadline_holidays;	/* "YYYY-MM-DD", days off */
	size_t		  ndeadline_holidays;
	char		**deadline_workdays;	/* weekend days worked */
	size_t		  ndeadline_workdays;
	int		  deadline_check_interval; /* seconds */
	char		 *deadline_notify_number; /* "" for none */
	char		 *deadline_notify_channel; /* "" for the first */
	int		  privacy_retention_days; /* 0 keeps numbers */
	int		  satisfaction_enabled;
	int		  satisfaction_window;	/* seconds */
	char		 *satisfaction_question_vi;
	char		 *satisfaction_question_en;

	/* ussd: USSD menu sessions (ussd.c) */
	int		  ussd_enabled;
	char		 *ussd_service_code;	/* "" accepts any */
	char		  ussd_channel[CONF_ID_MAX]; /* SMS channel, or "" */
	int		  ussd_session_timeout;	/* seconds */
	int		  ussd_max_sessions;
	int		  ussd_max_text;	/* characters of a report */
	int		  ussd_sms_ack;
	char		 *ussd_texts[USSD_T_MAX];
	struct ussd_item *ussd_menu;		/* "report", "status", "info" */
	size_t		  ussd_nmenu;
	struct ussd_item *ussd_categories;	/* category ids, "" routed */
	size_t		  ussd_ncategories;
	struct ussd_item *ussd_topics;		/* topic ids */
	size_t		  ussd_ntopics;
};

/* An error from the loader: "FILE:LINE: message", ready to print. */
#define CONF_ERR_MAX	1024

/*
 * Reads and validates path, applies the "KEY=VALUE" overrides (in order)
 * and returns a new configuration, or NULL with the reason in err.
 * The caller frees the result with config_free().
 */
struct config	*config_load(const char *path, char *const *overrides,
		    size_t noverrides, char *err, size_t errsz);
void		 config_free(struct config *);
struct config	*config_ref(struct config *);
void		 config_unref(struct config *);
const struct category *config_category(const struct config *,
		    const char *id);
const struct channel *config_channel(const struct config *,
		    const char *name);
const char	*channel_type_name(enum channel_type);

/*
 * ===================================================================
 * store.c: the SQLite store and its group commit
 * ===================================================================
 *
 * Every write goes through one writer thread: a producer submits a work
 * function, the writer runs whatever is queued in one transaction (each
 * item in its own SAVEPOINT) and calls each item's completion callback
 * after COMMIT returned.  Reads for papictl and the tests go through a
 * second, read-only connection and see committed data only.
 */

#define STORE_SCHEMA_VERSION	7	/* the newest schema this code knows */
#define STORE_BATCH_MAX_DEFAULT	64	/* items per transaction */
#define STORE_BUSY_TIMEOUT_DEFAULT 5000	/* milliseconds */
#define STORE_HASH_HEX		65	/* SHA-256 in hex, with the NUL */
#define STORE_ERR_MAX		512	/* bytes in an error from store_open */

/*
 * Batch sizes are counted in power-of-two buckets: bucket 0 holds batches
 * of 1 item, bucket i batches of 2^(i-1)+1 .. 2^i items, the last one all
 * larger batches.  The upper bound of bucket i is thus 2^i ("le" in a
 * Prometheus histogram), +Inf for the last.
 */
#define STORE_BATCH_BUCKETS	9

struct store;
struct store_txn;

/* What store_open() needs; zero values take the defaults above. */
struct store_options {
	const char	*path;			/* the SQLite file */
	int		 synchronous_full;	/* 1 FULL, 0 NORMAL */
	int		 busy_timeout_ms;	/* milliseconds */
	int		 batch_max;		/* items per transaction */
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
 * Rows.  Times are Unix seconds, 0 for "unknown" (stored as NULL) or, on
 * insert, for "now" where the comment says so; ids are 0 for "none".  On
 * insert the strings are only read; the rows filled by the store_*_get()
 * functions own malloc'd copies, released by the matching *_clear().
 */

/* An inbound or an outbound message. */
struct store_message {
	int64_t		 id;
	int64_t		 case_id;	/* the case it belongs to, or 0 */
	int64_t		 outbox_id;	/* outbound: the outbox row it sent */
	const char	*channel;	/* configured channel name */
	const char	*provider_id;	/* provider's message id, or NULL */
	const char	*sender;
	const char	*recipient;
	const char	*text;		/* UTF-8 as routed; never NULL */
	const unsigned char *raw;	/* the bytes received when they were */
	size_t		 rawlen;	/* not valid UTF-8, else NULL and 0 */
	const char	*encoding;	/* "gsm7", "ucs2", "8bit" or NULL */
	const char	*kind;		/* inbound: "feedback", "spam"... */
	int64_t		 received;	/* inbound: taken in (0: now) */
	int64_t		 sent;		/* outbound: accepted by the channel */
	int64_t		 provider_time;	/* the SMSC's or provider's time */
	int64_t		 created;	/* row written (0: now) */
};

struct store_case {
	int64_t		 id;
	int64_t		 ref_number;	/* "PA-000123" is 123; set by create */
	const char	*category;	/* category id */
	const char	*categories2;	/* secondary ids, "a,b", or NULL */
	const char	*subcategory;	/* or NULL */
	enum store_case_state state;
	const char	*sender;	/* the resident's number */
	const char	*channel;	/* where answers go */
	int64_t		 deadline;	/* answer due */
	const char	*assignee;	/* Unix user name, or NULL */
	int64_t		 created;	/* 0: now */
	int64_t		 updated;	/* 0: now */
	int64_t		 closed;	/* last closed, 0 while open */
};

/* A state change of a case. */
struct store_case_event {
	int64_t		 id;
	int64_t		 case_id;
	int64_t		 at;
	const char	*actor;		/* Unix user, or "papigwd" */
	enum store_case_state from;	/* the state before */
	enum store_case_state to;
	const char	*detail;	/* or NULL */
};

struct store_note {
	int64_t		 id;
	int64_t		 case_id;
	int64_t		 at;
	const char	*author;
	const char	*text;
};

/* A message waiting to go out, and how its delivery is going. */
struct store_outbox {
	int64_t		 id;
	int64_t		 case_id;	/* or 0 (help answers and the like) */
	const char	*channel;
	const char	*recipient;
	const char	*text;
	const char	*encoding;	/* "gsm7" or "ucs2" */
	int		 segments;	/* SMS parts */
	enum store_outbox_state state;
	int		 attempts;
	int64_t		 next_attempt;	/* 0: now */
	const char	*last_error;	/* or NULL */
	const char	*provider_id;	/* once a channel accepted it */
	int64_t		 created;	/* 0: now */
	int64_t		 updated;	/* 0: now */
	int		 dead;		/* failed: ran out of attempts */
	const char	*kind;		/* REPLY_KIND_*; NULL: "answer" */
};

/* One audit entry and its place in the hash chain. */
struct store_audit {
	int64_t		 id;
	int64_t		 at;
	const char	*actor;
	const char	*action;
	int64_t		 case_id;	/* or 0 */
	const char	*detail;	/* or NULL */
	char		 prev_hash[STORE_HASH_HEX];
	char		 hash[STORE_HASH_HEX];
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
};

/*
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
const char	*store_strerror(enum store_status);
const char	*store_case_state_name(enum store_case_state);
const char	*store_outbox_state_name(enum store_outbox_state);

/* Row functions, for work functions only. */
enum store_status store_inbound_insert(struct store_txn *,
		    const struct store_message *, int64_t *id);
enum store_status store_inbound_attach(struct store_txn *, int64_t id,
		    int64_t case_id);
enum store_status store_outbound_insert(struct store_txn *,
		    const struct store_message *, int64_t *id);
enum store_status store_case_create(struct store_txn *,
		    const struct store_case *, int64_t *id, int64_t *ref);
enum store_status store_case_event_add(struct store_txn *, int64_t case_id,
		    enum store_case_state to, const char *actor,
		    const char *detail, int64_t at, int64_t *id);
enum store_status store_case_event_first(struct store_txn *,
		    int64_t case_id, enum store_case_state state,
		    const char *actor, const char *detail, int64_t at,
		    int64_t *id);
enum store_status store_case_assign(struct store_txn *, int64_t case_id,
		    const char *assignee, int64_t at);
enum store_status store_note_add(struct store_txn *, int64_t case_id,
		    const char *author, const char *text, int64_t at,
		    int64_t *id);
enum store_status store_outbox_insert(struct store_txn *,
		    const struct store_outbox *, int64_t *id);
enum store_status store_audit_append(struct store_txn *, const char *actor,
		    const char *action, int64_t case_id, const char *detail);

/* Lookups for work functions; they see the batch's own writes. */
enum store_status store_inbound_find(struct store_txn *, const char *channel,
		    const char *provider_id, int64_t *case_id, int64_t *ref);
enum store_status store_inbound_find_recent(struct store_txn *,
		    const char *channel, const char *sender, const char *text,
		    int64_t since, int64_t *case_id, int64_t *ref);
enum store_status store_case_find_open(struct store_txn *, int64_t ref,
		    const char *sender, int64_t *case_id);
enum store_status store_case_find_followup(struct store_txn *,
		    const char *sender, int64_t since, int64_t *case_id,
		    int64_t *ref);

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

/* The parts of one message, assembled (store_parts_ready()). */
struct store_part_set {
	const char	*channel;
	const char	*sender;
	const char	*recipient;
	const char	*ref;
	int		 total;
	int		 nparts;	/* parts present */
	int		 complete;	/* nparts == total */
	const char	*first_provider_id;
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

enum store_status store_case_answered(struct store_txn *, int64_t case_id,
		    int64_t at);
enum store_status store_part_add(struct store_txn *,
		    const struct store_part *);
enum store_status store_parts_assembled(struct store_txn *,
		    const struct store_part_set *);
enum store_status store_dlr_add(struct store_txn *,
		    const struct store_dlr *);
enum store_status store_parts_ready(struct store *, int64_t older_than,
		    void (*)(const struct store_part_set *, void *), void *);
enum store_status store_outbox_depth(struct store *,
		    enum store_outbox_state, int64_t *n);

/* The outbox worker's rows (outbox.c); see store.c. */
struct store_outbox_result {
	int64_t		 id;
	enum store_outbox_state state;	/* SENT, QUEUED (retry) or FAILED */
	const char	*channel;	/* SENT: to match early reports */
	const char	*provider_id;	/* SENT: the provider's id, or NULL */
	const char	*sender;	/* SENT: the channel's number, or NULL */
	const char	*error;		/* or NULL: last_error unchanged */
	int64_t		 next_attempt;	/* QUEUED: when (0: now) */
	int		 refund;	/* QUEUED: the attempt did not happen */
	int		 dead;		/* FAILED: ran out of attempts */
};

void		 store_outbox_hook(struct store *, void (*)(void *),
		    void *arg);
enum store_status store_outbox_claim(struct store_txn *, const char *channel,
		    int64_t now, int limit, struct store_outbox **rows,
		    size_t *n);
enum store_status store_outbox_result(struct store_txn *,
		    const struct store_outbox_result *);
enum store_status store_outbox_requeue(struct store_txn *, int64_t *n);
enum store_status store_outbox_retry(struct store_txn *, int64_t id);
enum store_status store_outbox_next_due(struct store *, const char *channel,
		    int64_t *when);
enum store_status store_outbox_dead(struct store *, int64_t *n);

/* Senders, counts and status lookups for the reply composer (reply.c). */
struct store_sender {
	int		 opted_out;	/* no information, no announcements */
	int64_t		 quarantined_at; /* 0: not quarantined */
	int64_t		 quarantine_until; /* 0: until released */
};

/* A case as a status lookup shows it; strings owned. */
struct store_case_status {
	struct store_case c;
	char		*answer;	/* the last officer's answer, or NULL */
};

enum store_status store_sender_get(struct store_txn *, const char *number,
		    struct store_sender *);
enum store_status store_sender_optout(struct store_txn *,
		    const char *number, int opted_out, int64_t at);
enum store_status store_sender_quarantine(struct store_txn *,
		    const char *number, int64_t at, int64_t until,
		    const char *reason);
enum store_status store_sender_release(struct store_txn *,
		    const char *number, int64_t at);
enum store_status store_inbound_count_since(struct store_txn *,
		    const char *sender, int64_t since, int limit, int64_t *n);
enum store_status store_outbox_count_auto(struct store_txn *,
		    const char *recipient, int64_t since, int64_t *n);
enum store_status store_case_status(struct store_txn *, int64_t ref,
		    struct store_case_status *);
enum store_status store_case_status_get(struct store *, int64_t ref,
		    struct store_case_status *);
void		 store_case_status_clear(struct store_case_status *);
enum store_status store_senders_quarantined(struct store *, int64_t at,
		    int64_t *n);

/* Reads of committed data, from any thread. */
enum store_status store_inbound_get(struct store *, int64_t id,
		    struct store_message *);
enum store_status store_outbound_get(struct store *, int64_t id,
		    struct store_message *);
void		 store_message_clear(struct store_message *);
enum store_status store_case_get(struct store *, int64_t id,
		    struct store_case *);
enum store_status store_case_get_by_ref(struct store *, int64_t ref_number,
		    struct store_case *);
void		 store_case_clear(struct store_case *);
enum store_status store_case_event_get(struct store *, int64_t id,
		    struct store_case_event *);
void		 store_case_event_clear(struct store_case_event *);
enum store_status store_note_get(struct store *, int64_t id,
		    struct store_note *);
void		 store_note_clear(struct store_note *);
enum store_status store_outbox_get(struct store *, int64_t id,
		    struct store_outbox *);
void		 store_outbox_clear(struct store_outbox *);
enum store_status store_audit_get(struct store *, int64_t id,
		    struct store_audit *);
void		 store_audit_clear(struct store_audit *);
enum store_status store_count(struct store *, enum store_table, int64_t *n);

/* Fault injection for the tests: a full disk, a failing COMMIT. */
enum store_status store_fault_max_pages(struct store *, int64_t extra);
void		 store_fault_commit(struct store *, int n);

/*
 * ===================================================================
 * store_cases.c: the store's queries for case work, papictl and reports
 * ===================================================================
 *
 * Reads go through a query connection of their own, one per control
 * client (store_query_open()); the row functions are for work functions.
 * Strings in the structures passed to callbacks are valid during the call
 * only; a struct store_case_info filled by store_case_info_get() or
 * store_case_read() owns its strings (store_case_info_clear()).
 */

struct store_query;

/* A case as papictl shows it. */
struct store_case_info {
	int64_t		 id;
	int64_t		 ref_number;
	char		*category;
	char		*categories2;	/* or NULL */
	char		*subcategory;	/* or NULL */
	enum store_case_state state;
	char		*sender;	/* "" once erased (retention) */
	char		*channel;
	int64_t		 deadline;
	char		*assignee;	/* or NULL */
	int64_t		 created;
	int64_t		 updated;
	int64_t		 closed;	/* 0 while open */
	int64_t		 answered;	/* last answer, or 0 */
	int64_t		 first_answered;
	int64_t		 overdue;	/* marked overdue at, or 0 */
	int64_t		 reopened;	/* last reopened at, or 0 */
	int64_t		 satisfaction_asked;
	int		 satisfaction;	/* 1 to 5, 0: no answer */
	int64_t		 satisfaction_at;
	int64_t		 erased;	/* number erased at, or 0 */
	int64_t		 resident;	/* pseudonym id: "R-<id>" */
	char		*text;		/* the first message, or NULL */
};

/* Which cases store_case_list() returns, newest first. */
struct store_case_filter {
	const char	 *category;	/* or NULL */
	char *const	 *visible;	/* categories seen, NULL: all */
	size_t		  nvisible;
	int		  state;	/* enum store_case_state, or -1 */
	int		  overdue;	/* only open overdue cases */
	const char	 *assignee;	/* or NULL */
	int64_t		  before_ref;	/* only older references, or 0 */
	int		  limit;
};

/* A message of a case's thread: inbound, or an outbox row. */
struct store_thread_item {
	int		 outbound;
	int64_t		 id;
	int64_t		 at;		/* received, or queued */
	const char	*channel;
	const char	*text;
	const char	*kind;		/* router's or outbox kind, or NULL */
	const char	*state;		/* outbox: its state */
	const char	*encoding;
	int		 segments;
	const char	*error;		/* outbox: last error, or NULL */
	int64_t		 updated;	/* outbox: last change */
};

/* A case as reports and exports read it. */
struct store_report_row {
	int64_t		 ref_number;
	const char	*category;
	const char	*subcategory;
	enum store_case_state state;
	const char	*channel;
	int64_t		 created;
	int64_t		 deadline;
	int64_t		 first_answered;
	int64_t		 closed;
	int64_t		 overdue;
	int		 satisfaction;
	int64_t		 resident;
	int64_t		 reopened;
	const char	*text;		/* exports only */
};

enum store_case_field {
	STORE_CF_DEADLINE,
	STORE_CF_OVERDUE,
	STORE_CF_REOPENED,
	STORE_CF_SATISFACTION_ASKED,
	STORE_CF_SATISFACTION		/* and satisfaction_at: now */
};

struct store_query *store_query_open(struct store *, int busy_timeout_ms,
		    char *err, size_t errsz);
void		 store_query_close(struct store_query *);
void		 store_case_info_clear(struct store_case_info *);
enum store_status store_case_list(struct store_query *,
		    const struct store_case_filter *,
		    void (*)(const struct store_case_info *, void *), void *);
enum store_status store_case_info_get(struct store_query *, int64_t ref,
		    struct store_case_info *);
enum store_status store_case_thread(struct store_query *, int64_t case_id,
		    void (*)(const struct store_thread_item *, void *), void *);
enum store_status store_case_history(struct store_query *, int64_t case_id,
		    void (*)(const struct store_case_event *, void *), void *);
enum store_status store_case_notes(struct store_query *, int64_t case_id,
		    void (*)(const struct store_note *, void *), void *);
enum store_status store_resident_cases(struct store_query *,
		    int64_t resident, void (*)(const char *, int64_t, void *),
		    void *);
enum store_status store_case_counts(struct store_query *,
		    void (*)(const char *, const char *, int64_t, void *),
		    void *);
enum store_status store_case_oldest_waiting(struct store_query *,
		    char *const *visible, size_t nvisible, int64_t *ref,
		    int64_t *created);
enum store_status store_channel_last_seen(struct store_query *,
		    const char *channel, int64_t *at);
enum store_status store_outbox_counts(struct store_query *,
		    void (*)(const char *, const char *, int64_t, const char *,
		    void *), void *);
enum store_status store_outbox_list(struct store_query *, int failed_only,
		    int limit, void (*)(const struct store_outbox *, int64_t,
		    const char *, void *), void *);
enum store_status store_cases_overdue(struct store_query *, int64_t *n);
enum store_status store_report_rows(struct store_query *, int64_t from,
		    int64_t to, int with_text,
		    void (*)(const struct store_report_row *, void *), void *);
enum store_status store_audit_list(struct store_query *, int64_t after_id,
		    int64_t limit, void (*)(const struct store_audit *, int64_t,
		    void *), void *);
enum store_status store_audit_walk(struct store_query *,
		    int (*)(const struct store_audit *, void *), void *,
		    int64_t *last_id, int64_t *entries,
		    char head[STORE_HASH_HEX]);
int		 store_audit_hash(const char *prev, int64_t at,
		    const char *actor, const char *action, int64_t case_id,
		    const char *detail, char out[STORE_HASH_HEX]);

/* Row functions, for work functions only. */
enum store_status store_case_read(struct store_txn *, int64_t ref,
		    struct store_case_info *);
enum store_status store_case_set(struct store_txn *, int64_t id,
		    enum store_case_field, int64_t v);
enum store_status store_case_find_satisfaction(struct store_txn *,
		    const char *sender, int64_t since, int64_t *case_id,
		    int64_t *ref);
enum store_status store_case_find_closed(struct store_txn *, int64_t ref,
		    const char *sender, int64_t since, int64_t *case_id);
enum store_status store_cases_mark_overdue(struct store_txn *, int64_t at,
		    int limit, void (*)(int64_t, int64_t, const char *, int64_t,
		    void *), void *, int64_t *n);
enum store_status store_cases_erase(struct store_txn *, int64_t before,
		    int limit, int64_t *n);
enum store_status store_inbound_erase(struct store_txn *, int64_t before,
		    int limit, int64_t *n);
enum store_status store_cases_overdue_count(struct store_txn *, int64_t *n);

/*
 * ===================================================================
 * text.c: normalisation and folding of messages
 * ===================================================================
 */

#define TEXT_INPUT_MAX		2048	/* bytes of a message that are read */
#define TEXT_TOKENS_MAX		512	/* tokens kept from one message */
#define TEXT_TOKEN_MAX		64	/* bytes in one folded token */

/* What text_normalise() found (struct text flags). */
#define TEXT_F_INVALID_UTF8	0x01	/* repaired with U+FFFD */
#define TEXT_F_TRUNCATED	0x02	/* longer than the caps above */
#define TEXT_F_DIACRITICS	0x04	/* some token carries diacritics */
#define TEXT_F_TELEX		0x08	/* Telex or VNI residue repaired */
#define TEXT_F_LINK		0x10	/* a web link */

/* Token flags. */
#define TEXT_TOK_MARKED		0x01	/* diacritics known: key is exact */
#define TEXT_TOK_NUMBER		0x02	/* digits ("500.000" included) */
#define TEXT_TOK_REPAIRED	0x04	/* read as Telex or VNI residue */
#define TEXT_TOK_UNIT		0x08	/* split from a number: "5tr" */

/* text_normalise() options. */
#define TEXT_KEEP_RESIDUE	0x01	/* no Telex or VNI repair */

/* A token: offsets and lengths in bytes. */
struct text_token {
	uint16_t	 fold;		/* folded form, in text->fold */
	uint16_t	 flen;
	uint16_t	 key;		/* diacritics key, in text->pool */
	uint16_t	 klen;
	uint16_t	 raw;		/* folded as written, in text->pool */
	uint16_t	 rlen;
	uint16_t	 flags;		/* TEXT_TOK_* */
};

/* A normalised message; large (about 100 KB): reuse it. */
struct text {
	unsigned	 flags;		/* TEXT_F_* */
	int		 first_upper;	/* first word in capitals */
	size_t		 ntokens;
	struct text_token tokens[TEXT_TOKENS_MAX];
	size_t		 normlen;
	char		 norm[TEXT_INPUT_MAX * 4 + 1];	/* NFC, case folded */
	size_t		 foldlen;
	char		 fold[TEXT_INPUT_MAX * 4 + 1];	/* tokens, folded */
	size_t		 poollen;
	char		 pool[TEXT_INPUT_MAX * 8];
	/* Scratch space. */
	size_t		 cleanlen;
	char		 clean[TEXT_INPUT_MAX * 3 + 1];
	size_t		 ncps;
	int32_t		 cps[TEXT_INPUT_MAX * 4];
};

void		 text_normalise(struct text *, const char *s, size_t len,
		    unsigned opts);
struct text	*text_alloc(void);
int		 text_valid_utf8(const char *s, size_t len);
char		*text_repair(const char *s, size_t len);
char		*text_strip_marks(const char *s, size_t len);
size_t		 text_width(const char *s, size_t len);
size_t		 text_cut(const char *s, size_t width, size_t *used);

/*
 * ===================================================================
 * router.c: keyword routing of messages to categories
 * ===================================================================
 */

#define ROUTER_TERMS_MAX	16	/* matched terms kept in a result */
#define ROUTER_SECONDARY_MAX	4	/* secondary categories kept */

/* What kind of message it is. */
enum route_kind {
	ROUTE_FEEDBACK,		/* file it as a case */
	ROUTE_EMPTY,		/* no words at all */
	ROUTE_SPAM,		/* scams, advertising, links */
	ROUTE_GREETING,		/* a lone greeting or test */
	ROUTE_THANKS		/* a lone thanks or acknowledgement */
};

/* Result flags: the TEXT_F_* flags of the message, and these. */
#define ROUTE_F_SHORTCODE	0x0100	/* the first word was a code */
#define ROUTE_F_MONEY_DEMAND	0x0200	/* a demand for money */
#define ROUTE_F_OVERRIDE	0x0400	/* a restricted category took over */
#define ROUTE_F_TRIAGE		0x0800	/* under the threshold */

/* A phrase found in the message. */
struct route_term {
	const char	*phrase;	/* as configured (owned by the router) */
	int		 category;	/* index, or -1: not a category's */
	int		 sub;		/* index in the category, or -1 */
	double		 weight;
	size_t		 token;		/* where it starts in the message */
};

struct route_result {
	int		 category;	/* index in the configured categories */
	const char	*category_id;	/* owned by the router */
	const char	*sub_id;	/* "" when none */
	double		 score;		/* the category's score */
	int		 secondary[ROUTER_SECONDARY_MAX];
	double		 secondary_score[ROUTER_SECONDARY_MAX];
	size_t		 nsecondary;
	struct route_term terms[ROUTER_TERMS_MAX];	/* in message order */
	size_t		 nterms;
	enum route_kind	 kind;
	unsigned	 flags;		/* TEXT_F_* and ROUTE_F_* */
	int		 hint;		/* the short code's category, or -1 */
	double		 spam_score;
};

struct router;
struct router_slot;

struct router	*router_compile(const struct config *, char *err,
		    size_t errsz);
struct router	*router_ref(struct router *);
void		 router_unref(struct router *);
int		 router_classify(const struct router *, const char *s,
		    size_t len, struct route_result *);
void		 router_classify_text(const struct router *,
		    const struct text *, struct route_result *);
size_t		 router_expand(const struct router *, const struct text *,
		    char *buf, size_t bufsz);
size_t		 router_ncategories(const struct router *);
const char	*router_category_id(const struct router *, size_t i);
size_t		 router_nphrases(const struct router *);
const char	*route_kind_name(enum route_kind);
struct router_slot *router_slot_new(struct router *);
void		 router_slot_free(struct router_slot *);
struct router	*router_slot_get(struct router_slot *);
void		 router_slot_set(struct router_slot *, struct router *);

/*
 * ===================================================================
 * http.c: the HTTP listener (libmicrohttpd)
 * ===================================================================
 */

struct http_server;
struct http_req;

/* A request parameter, from the query string or a form body. */
struct http_param {
	char		*key;
	char		*val;		/* NUL-terminated; may hold NULs */
	size_t		 vlen;
};

/* Why a request was refused, for /metrics. */
enum http_reject {
	HTTP_REJECT_TOO_LARGE,
	HTTP_REJECT_BAD_REQUEST,
	HTTP_REJECT_FORBIDDEN,
	HTTP_REJECT_METHOD,
	HTTP_REJECT_NOT_FOUND,
	HTTP_REJECT_UNAVAILABLE,
	HTTP_REJECT_MAX
};

typedef void	(*http_handler_fn)(struct http_req *, void *arg);

struct http_server *http_start(const struct config *, http_handler_fn,
		    void *arg, char *err, size_t errsz);
void		 http_stop(struct http_server *);
int		 http_port(const struct http_server *);
uint64_t	 http_rejects(const struct http_server *, enum http_reject);
const char	*http_reject_name(enum http_reject);
size_t		 http_form_decode(char *s, size_t len);
const char	*http_param(const struct http_req *, const char *key,
		    size_t *lenp);
const struct http_param *http_params(const struct http_req *, size_t *n);
const struct http_param *http_form_params(const struct http_req *,
		    size_t *n);
const char	*http_header(const struct http_req *, const char *name);
const char	*http_method(const struct http_req *);
const char	*http_path(const struct http_req *);
const char	*http_body(const struct http_req *, size_t *lenp);
int		 http_is_form(const struct http_req *);
void		 http_set_ctx(struct http_req *, void *ctx,
		    void (*free_fn)(void *));
void		*http_ctx(const struct http_req *);
void		 http_reply(struct http_req *, int status, const char *ctype,
		    const char *body);
void		 http_count_reject(struct http_req *, enum http_reject);
void		 http_defer(struct http_req *);
void		 http_complete(struct http_req *, int status,
		    const char *ctype, const char *body);
double		 http_elapsed(const struct http_req *);

/*
 * ===================================================================
 * sms.c: SMS encodings and segments
 * ===================================================================
 */

int		 sms_is_gsm7(const char *utf8);
int		 sms_segments(const char *utf8);
int		 sms_measure(const char *utf8, int *gsm7);
char		*sms_strip_diacritics(const char *utf8);
int		 sms_fit(char *buf, size_t bufsz, int max_segments);

/*
 * ===================================================================
 * metrics.c: counters for /metrics
 * ===================================================================
 */

struct metrics;

struct metrics	*metrics_new(void);
void		 metrics_free(struct metrics *);
void		 metrics_received(struct metrics *, const char *channel,
		    const char *category, int duplicate);
void		 metrics_store_error(struct metrics *);
void		 metrics_latency(struct metrics *, double seconds);
void		 metrics_reply(struct metrics *, int block);
void		 metrics_overdue(struct metrics *, uint64_t marked,
		    int64_t open_overdue);
char		*metrics_render(struct metrics *, struct store *,
		    struct http_server *, size_t *lenp);

/*
 * ===================================================================
 * ingest.c: the pipeline every inbound message goes through
 * ===================================================================
 */

struct ingest;

/* A message as a channel received it; the strings are copied. */
struct inbound {
	const char	*channel;	/* configured channel name */
	const char	*provider_id;	/* or NULL: dedupe by sender and text */
	const char	*sender;
	const char	*recipient;	/* or NULL */
	const char	*text;		/* bytes as received, maybe not UTF-8 */
	size_t		 textlen;
	const char	*encoding;	/* "gsm7", "ucs2", "8bit" or NULL */
	int64_t		 provider_time;	/* Unix seconds, 0 if unknown */
	/* Parts it was assembled from, marked in the same transaction. */
	const struct store_part_set *parts;
	/*
	 * A report the resident filed explicitly from a menu (USSD): always
	 * a new case, never a special word or a follow-up; under category
	 * (an id) when not NULL, else where the router puts it.  no_ack: no
	 * automatic acknowledgement.
	 */
	int		 new_case;
	const char	*category;
	int		 no_ack;
};

/* What became of a message; strings valid during the callback only. */
struct ingest_result {
	enum store_status status;	/* STORE_OK: committed */
	int		 duplicate;	/* stored before: nothing new */
	int		 attached;	/* joined an open case */
	int		 created;	/* opened a new case */
	int		 invalid_utf8;	/* kept raw, shown repaired */
	int		 reply_allowed;	/* not a short code, ... */
	enum route_kind	 kind;
	const char	*category;
	char		 secondary[128];
	int64_t		 message_id;
	int64_t		 case_id;
	int64_t		 ref_number;	/* 0: no case */
	/* The automatic reply (reply.c). */
	int		 special;	/* enum reply_special; 0: none */
	int		 reply;		/* enum reply_block: sent, or why not */
	int64_t		 reply_id;	/* its outbox row, or 0 */
	int		 quarantined;	/* it quarantined its sender */
};

typedef void	(*ingest_done_fn)(const struct ingest_result *, void *arg);

struct ingest	*ingest_new(struct store *, struct router_slot *,
		    struct metrics *);
void		 ingest_free(struct ingest *);
int		 ingest_submit(struct ingest *, struct config *,
		    const struct inbound *, ingest_done_fn, void *arg);
int64_t		 ingest_find_ref(const char *text, const char *prefix);

/*
 * ===================================================================
 * reply.c: the reply composer
 * ===================================================================
 *
 * Everything the gateway says on its own: the acknowledgement of a new
 * case and its category's explanation, the answers to special words
 * (help, status lookup, opt-out and opt-in, information topics), in the
 * resident's language, encoded and cut to the configured number of SMS
 * parts, and the guards against loops and abuse (no automatic reply to
 * short codes, alphanumeric senders or the gateway's own numbers, a daily
 * cap per sender, the quarantine of a flooding sender).  Every reply is an
 * outbox row written in the transaction of the message that caused it.
 */

/* Kinds of outbox rows (outbox.kind). */
#define REPLY_KIND_ACK		"ack"		/* acknowledges a new case */
#define REPLY_KIND_SPECIAL	"special"	/* answers a special word */
#define REPLY_KIND_ANSWER	"answer"	/* an officer's answer */
#define REPLY_KIND_INFO		"info"		/* information, opt-out-able */
#define REPLY_KIND_ANNOUNCEMENT	"announcement"	/* also opt-out-able */

#define REPLY_TEXT_MAX		4096	/* bytes of a composed reply */

/* Values of a reply template's variables; NULL renders as "". */
struct render_vars {
	const char	*ref;		/* "PA-000123" */
	const char	*category;	/* the category's name */
	const char	*deadline;	/* "04/12/2026" */
	const char	*ward;
	const char	*hours;
	const char	*hotline;
	const char	*state;		/* status answers: the case's state */
	const char	*answer;	/* status answers: the last answer */
};

/* What a message that is only a special word asks for. */
struct reply_request {
	enum reply_special what;
	int		 topic;		/* REPLY_SPECIAL_TOPIC: its index */
	int64_t		 ref;		/* REPLY_SPECIAL_STATUS: 0 if none */
};

/* Why no automatic reply went out (ingest_result, /metrics). */
enum reply_block {
	REPLY_SENT,		/* a reply was queued */
	REPLY_BLOCK_NONE,	/* nothing to say (follow-up, spam...) */
	REPLY_BLOCK_SENDER,	/* short code, alphanumeric, our number */
	REPLY_BLOCK_QUARANTINE,	/* the sender is quarantined */
	REPLY_BLOCK_CAP,	/* max_per_sender_day reached */
	REPLY_BLOCK_OPTED_OUT,	/* info or announcement to an opted-out */
	REPLY_BLOCK_MAX
};

/* One inbound message as the composer sees it (ingest fills it). */
struct reply_ctx {
	const struct config *conf;
	const char	*channel;
	const char	*sender;
	int64_t		 message_id;
	int64_t		 now;
	enum language	 lang;
	int		 may_reply;	/* reply_may_reply() */
	/* Set by reply_guard(). */
	int		 quarantined;	/* no automatic reply at all */
	int		 quarantined_now; /* this message tipped the sender */
	/* Set by the reply functions. */
	enum reply_block block;
	int64_t		 outbox_id;	/* the reply queued, or 0 */
};

/* A message for reply_queue(): an officer's answer, information... */
struct reply_msg {
	const char	*kind;		/* REPLY_KIND_ANSWER, _INFO... */
	const char	*channel;
	const char	*recipient;
	const char	*text;		/* UTF-8 */
	int64_t		 case_id;	/* or 0 */
};

/* reply_status_text() flags. */
#define REPLY_F_ASCII	0x01	/* no diacritics (USSD screens) */

size_t		 reply_render(char *buf, size_t bufsz, const char *tpl,
		    const struct render_vars *);
int		 reply_may_reply(const struct config *, const char *sender);
int		 reply_same_number(const char *a, const char *b);
size_t		 reply_fold(const char *s, char *buf, size_t bufsz);
int		 reply_parse(const struct config *, const struct text *,
		    struct reply_request *);
enum language	 reply_language(const struct config *, const struct text *);
const char	*reply_state_name(enum store_case_state, enum language);
const char	*reply_block_name(enum reply_block);
const struct topic *reply_topic(const struct config *, const char *id);
enum store_status reply_guard(struct store_txn *, struct reply_ctx *);
enum store_status reply_ack(struct store_txn *, struct reply_ctx *,
		    const struct category *, int64_t case_id, int64_t ref,
		    int64_t deadline);
enum store_status reply_special(struct store_txn *, struct reply_ctx *,
		    const struct reply_request *);
enum store_status reply_queue(struct store_txn *, const struct config *,
		    const struct reply_msg *, int64_t *id);
int		 reply_status_text(struct store *, const struct config *,
		    int64_t ref, const char *number, enum language,
		    unsigned flags, char *buf, size_t bufsz);
size_t		 reply_compose(const struct config *, const char *channel,
		    const char *first, const char *rest, char *buf,
		    size_t bufsz, const char **encoding, int *segments);

/*
 * ===================================================================
 * sig.c: webhook signatures
 * ===================================================================
 */

int		 sig_twilio(const char *token, const char *url,
		    const struct http_param *, size_t n, char *out);
int		 sig_twilio_check(const char *token, const char *url,
		    const struct http_param *, size_t n, const char *sig);
int		 sig_vonage_check(const char *secret,
		    const struct http_param *, size_t n, const char *sig);

/*
 * ===================================================================
 * gateway.c: the running gateway
 * ===================================================================
 */

struct gateway_priv;

struct gateway {
	struct store		*store;
	struct router_slot	*routers;
	struct ingest		*ingest;
	struct metrics		*metrics;
	struct http_server	*http;
	struct ussd		*ussd;		/* USSD sessions (ussd.c) */
	struct modems		*modems;	/* modem threads (modem.c) */
	struct outbox		*outbox;	/* sends replies (outbox.c) */
	struct control		*control;	/* papictl's socket (control.c) */
	struct cases		*cases;		/* deadline timer (cases.c) */
	struct gateway_priv	*priv;
};

struct gateway	*gateway_start(struct config *, char *err, size_t errsz);
void		 gateway_stop(struct gateway *);
int		 gateway_reload(struct gateway *, struct config *, char *err,
		    size_t errsz);
void		 gateway_tick(struct gateway *);
struct config	*gateway_config(struct gateway *);
int		 gateway_part_submit(struct gateway *,
		    const struct store_part *, store_done_fn, void *arg);
void		 gateway_parts_kick(struct gateway *);
int		 gateway_dlr_submit(struct gateway *, const struct store_dlr *,
		    store_done_fn, void *arg);
int		 gateway_health(struct gateway *, char *why, size_t whysz);

/*
 * ===================================================================
 * providers.c: the HTTP endpoints
 * ===================================================================
 */

void		 providers_handle(struct http_req *, void *arg);

/*
 * ===================================================================
 * ussd.c: USSD menu sessions (Africa's Talking callbacks)
 * ===================================================================
 *
 * The aggregator posts every request of a session with the whole path of
 * the resident's inputs joined by '*'; the answer is "CON screen" (wait
 * for input) or "END screen".  ussd_walk() reads a path into a position in
 * the menu and ussd_screen() renders it: both are pure, for the tests.
 * The session table (struct ussd) remembers each session's last path and
 * position, its age and its final answer.
 */

#define USSD_SCREEN_MAX		182	/* GSM-7 characters on one screen */
#define USSD_TEXT_CHARS_MAX	182	/* ussd.max_text at most */
#define USSD_SESSION_ID_MAX	64	/* bytes in a sessionId */
#define USSD_PATH_MAX		1024	/* bytes in a request's text */

enum ussd_state {
	USSD_MAIN,		/* the main menu */
	USSD_CATEGORY,		/* report: choose a category */
	USSD_TEXT,		/* report: type the message */
	USSD_CONFIRM,		/* report: send it? */
	USSD_REF,		/* status: type a reference */
	USSD_TOPICS,		/* information: choose a topic */
	USSD_TOPIC		/* information: one topic */
};

/* A line above a screen, for what went wrong with the last input. */
enum ussd_hint {
	USSD_HINT_NONE,
	USSD_HINT_INVALID,	/* an unknown option or an empty message */
	USSD_HINT_CUT,		/* the message was cut at ussd.max_text */
	USSD_HINT_NOT_FOUND,	/* no such case of this number */
	USSD_HINT_FAILED	/* the store failed: try again */
};

/* What the last input asks for beyond a screen. */
enum ussd_action {
	USSD_ACT_NONE,
	USSD_ACT_SUBMIT,	/* file the report (CONFIRM, "1") */
	USSD_ACT_LOOKUP		/* look up ref (REF) */
};

/* Where a path leads. */
struct ussd_pos {
	enum ussd_state	 state;
	int		 item;		/* category (TEXT, CONFIRM), topic */
	enum ussd_hint	 hint;
	enum ussd_action action;
	int64_t		 ref;		/* LOOKUP, NOT_FOUND: the number */
	char		 text[USSD_TEXT_CHARS_MAX * 4 + 1]; /* the report */
};

struct ussd;

void		 ussd_start(struct ussd_pos *);
void		 ussd_walk(const struct config *, struct ussd_pos *,
		    const char *path, size_t len, int live);
size_t		 ussd_screen(const struct config *, const struct ussd_pos *,
		    char *buf, size_t bufsz);
size_t		 ussd_end_screen(const struct config *, enum ussd_text,
		    int64_t ref, char *buf, size_t bufsz);
size_t		 ussd_fit(const char *s, size_t width, char *buf,
		    size_t bufsz);
size_t		 ussd_width(const char *s);
size_t		 ussd_ascii(const char *s, char *buf, size_t bufsz);
int		 ussd_check(const struct config *, char *key, size_t keysz,
		    int *elem, char *err, size_t errsz);
const char	*ussd_text_name(enum ussd_text);
struct ussd	*ussd_new(void);
void		 ussd_free(struct ussd *);
void		 ussd_expire(struct ussd *, const struct config *);
void		 ussd_handle(struct gateway *, struct config *,
		    struct http_req *);

/*
 * ===================================================================
 * outbox.c: sending what the outbox holds
 * ===================================================================
 *
 * The outbox worker claims due rows of the outbox table and hands each to
 * the driver of its channel.  A driver sends without blocking the worker
 * (its own thread, or libcurl's multi interface) and reports every row it
 * was given exactly once with outbox_sent(), from any thread.  The HTTP
 * providers' driver lives in outbox.c; the modem channel registers its own
 * driver (modem.c).
 */

struct outbox;

/* One message for a driver; valid until outbox_sent() for it returns. */
struct outbox_msg {
	int64_t		 id;		/* the outbox row */
	int64_t		 case_id;	/* or 0 */
	const struct channel *channel;	/* its configuration */
	const char	*recipient;
	const char	*text;		/* UTF-8, NFC, as it will be sent */
	const char	*encoding;	/* "gsm7" or "ucs2" */
	int		 segments;
	int		 attempts;	/* before this one */
};

enum send_result {
	SEND_OK,		/* the channel accepted it */
	SEND_RETRY,		/* timeout, 5xx, throttled: try again later */
	SEND_PERMANENT		/* invalid number, unsubscribed...: give up */
};

struct outbox_driver {
	const char	*name;		/* for logs: "http", "modem" */
	/*
	 * Starts sending m.  Returns 0 when m was taken (outbox_sent() will
	 * follow), -1 when the driver cannot take it now (the row stays
	 * queued and is offered again later).
	 */
	int		(*send)(void *ctx, const struct outbox_msg *m);
	void		 *ctx;
};

void		 outbox_sent(struct outbox *, int64_t id, enum send_result,
		    const char *provider_id, const char *error);
int		 outbox_register(struct outbox *, const char *channel,
		    const struct outbox_driver *);

/*
 * The worker's life: outbox_start() after the store (rows a crash left
 * "sending" are queued again), outbox_reload() with each new
 * configuration, outbox_stop() before the store closes (in-flight sends
 * get outbox.shutdown_wait seconds, the rest stays queued; later
 * outbox_sent() calls are ignored), outbox_free() once no driver will
 * call outbox_sent() again.
 */
#define OUTBOX_CLAIM_MAX	256	/* rows claimed per transaction */

struct outbox	*outbox_start(struct store *, struct config *, char *err,
		    size_t errsz);
void		 outbox_reload(struct outbox *, struct config *);
void		 outbox_kick(struct outbox *);
void		 outbox_stop(struct outbox *);
void		 outbox_free(struct outbox *);
int64_t		 outbox_backoff(const struct config *, int attempt,
		    double r01);
enum store_outbox_state outbox_dlr_state(enum channel_type,
		    const char *status);

/*
 * ===================================================================
 * send_http.c: the HTTP providers' driver (libcurl multi)
 * ===================================================================
 *
 * One thread runs libcurl's multi interface for every HTTP channel
 * (Twilio, Africa's Talking, Vonage, Kannel sendsms); outbox.c hands it
 * the rows of channels that have no driver of their own.
 */

struct send_http;

struct send_http *send_http_start(struct outbox *, const struct config *,
		    char *err, size_t errsz);
void		 send_http_reload(struct send_http *, const struct config *);
void		 send_http_stop(struct send_http *);
int		 send_http_send(void *ctx, const struct outbox_msg *);
enum send_result send_http_parse(enum channel_type, long status,
		    const char *body, size_t len, char *id, size_t idsz,
		    char *err, size_t errsz);
int		 send_http_dlr_url(const char *public_url, const char *channel,
		    char *buf, size_t bufsz);

/*
 * ===================================================================
 * modem.c: GSM modem channels through libGammu
 * ===================================================================
 *
 * One thread per enabled modem channel owns its libGammu state machine;
 * the rest of the daemon reaches it through modems_*() below, from any
 * thread.  Environment: PAPIGW_MODEM_TEST_HOLD ("read" or "commit") makes
 * the threads stop half-way, for the crash tests only (papigwd(8)).
 */

struct modems;

enum modem_state {
	MODEM_DOWN,		/* not connected; retrying with backoff */
	MODEM_CONNECTING,	/* opening the device */
	MODEM_UP		/* connected and answering */
};

/* One modem's health, for /healthz, /metrics and papictl status. */
struct modem_status {
	char		 channel[CONF_ID_MAX];
	enum modem_state state;
	char		 error[128];	/* the problem now, or "" */
	int		 signal;	/* percent, -1: unknown */
	int		 battery;	/* percent, -1: unknown */
	char		 network[16];	/* "home", "roaming", "searching",
					   "denied", "none", "unknown" */
	int		 sim_used;	/* messages on SIM and phone, -1 */
	int		 sim_size;	/* -1: unknown */
	int		 queued;	/* messages waiting to be sent */
	int64_t		 up_since;	/* Unix seconds, 0 while down */
	int64_t		 last_received;	/* a message stored, 0: never */
	int64_t		 last_sent;	/* a part sent, 0: never */
	uint64_t	 received;	/* messages stored */
	uint64_t	 duplicates;	/* read again, stored before */
	uint64_t	 parts_sent;
	uint64_t	 send_failures;
	uint64_t	 read_errors;	/* unreadable inbox entries */
	uint64_t	 connects;
};

void		 modem_init_locales(void);
struct modems	*modems_start(struct gateway *, struct config *);
void		 modems_reload(struct modems *, struct config *);
void		 modems_attach_outbox(struct modems *, struct outbox *);
void		 modems_stop(struct modems *);
void		 modems_free(struct modems *);
size_t		 modems_status(struct modems *, struct modem_status *,
		    size_t max);
int		 modems_health(struct modems *, char *why, size_t whysz);
char		*modems_metrics(struct modems *, char *text, size_t *lenp);
const char	*modem_state_name(enum modem_state);

/*
 * ===================================================================
 * calendar.c: working days and answer deadlines
 * ===================================================================
 */

int		 calendar_parse_date(const char *s, int *y, int *m, int *d);
int		 calendar_is_workday(const struct config *, int y, int m,
		    int d);
int64_t		 calendar_deadline(const struct config *, int64_t from,
		    int days);
int		 calendar_period(const char *quarter, const char *from,
		    const char *to, int64_t *start, int64_t *end, char *err,
		    size_t errsz);

/*
 * ===================================================================
 * control.c: papictl's control socket
 * ===================================================================
 *
 * One JSON object a line each way (see control.c and papictl(8)): the
 * daemon learns who asks with SO_PEERCRED, maps the user and groups to a
 * role of the configuration, and hands the request to the command's
 * handler (cases.c, report.c) with a struct control_req.
 */

#define CONTROL_REQUEST_MAX	65536	/* bytes of one request line */
#define CONTROL_USER_MAX	64	/* bytes of a user name */

struct control;

/* Who asks, as the daemon sees it. */
struct who {
	char		 user[CONTROL_USER_MAX]; /* user name, or "uid:N" */
	long		 uid;
	int		 kind;		/* enum role_kind, or -1: no role */
	char		 roles[128];	/* the names of its roles, "a,b" */
	uint64_t	 cats;		/* bit i: sees conf->categories[i] */
};

/* Why a request failed ("error" of the answer). */
enum control_err {
	CONTROL_E_OK,
	CONTROL_E_USAGE,	/* "usage": bad arguments */
	CONTROL_E_FORBIDDEN,	/* "forbidden": not for this role */
	CONTROL_E_NOTFOUND,	/* "notfound": no such case or row */
	CONTROL_E_CONFLICT,	/* "conflict": not in this state */
	CONTROL_E_UNAVAILABLE,	/* "unavailable": the store failed */
	CONTROL_E_INTERNAL	/* "internal" */
};

/* One request being answered. */
struct control_req {
	struct gateway		*gw;
	struct config		*conf;	/* a reference for the request */
	const struct who	*who;
	const char		*cmd;
	void			*args;	/* the request's "args" (json_t *) */
	/* Answers of many lines (export): each a JSON object. */
	int			(*send)(struct control_req *, void *json);
	void			*io;
	struct store_query	*q;	/* control_query() opens it */
	/* The answer: data (a json_t * taken by control.c), or an error. */
	void			*data;
	enum control_err	 err;
	char			 msg[512];
};

struct control	*control_start(struct gateway *, const struct config *,
		    char *err, size_t errsz);
void		 control_stop(struct control *);
int		 control_who(const struct config *, long uid, long gid,
		    const char *user, struct who *);
int		 control_user_who(const struct config *, const char *user,
		    struct who *);
void		 control_user_name(long uid, char *buf, size_t bufsz);
int		 control_sees(const struct who *, const struct config *,
		    const char *category);
size_t		 control_visible(const struct who *, const struct config *,
		    char ***list);
int		 control_fail(struct control_req *, enum control_err,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
struct store_query *control_query(struct control_req *);
const char	*control_err_name(enum control_err);

/*
 * ===================================================================
 * lifecycle.c: what residents do to their cases; case references
 * ===================================================================
 */

void		 lifecycle_ref(const struct config *, int64_t ref, char *buf,
		    size_t bufsz);
int64_t		 lifecycle_parse_ref(const struct config *, const char *s);
enum store_status lifecycle_reopen(struct store_txn *, const struct config *,
		    const struct store_case_info *, const char *actor,
		    const char *detail, int64_t now, int64_t *deadline);
enum store_status lifecycle_inbound(struct store_txn *,
		    const struct config *, const char *sender,
		    const char *text, int64_t quoted_ref, int64_t message_id,
		    int64_t now, int64_t *case_id, int64_t *ref);

/*
 * ===================================================================
 * cases.c: case work for papictl, the deadline and retention timer
 * ===================================================================
 */

struct cases;

struct cases	*cases_new(void);
void		 cases_free(struct cases *);
void		 cases_tick(struct gateway *);
int		 cases_audit(struct gateway *, const char *actor,
		    const char *action, const char *detail);
int		 cases_status(struct control_req *);
int		 cases_list(struct control_req *);
int		 cases_show(struct control_req *);
int		 cases_reply(struct control_req *);
int		 cases_assign(struct control_req *);
int		 cases_note(struct control_req *);
int		 cases_close(struct control_req *);
int		 cases_reopen(struct control_req *);
int		 cases_outbox(struct control_req *);
int		 cases_retry(struct control_req *);
int		 cases_inject(struct control_req *);

/*
 * ===================================================================
 * report.c: reports, exports and the audit log
 * ===================================================================
 */

int		 report_report(struct control_req *);
int		 report_export(struct control_req *);
int		 report_audit(struct control_req *);

#endif /* PAPIGW_H */
