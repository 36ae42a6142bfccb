/*
 * config.h: the validated configuration (config.c).  config_load() reads
 * one libconfig file (with its includes), checks every setting against
 * the schema tables, applies the -o overrides and the checks other
 * modules registered, and returns one struct config with every default
 * filled in, or "FILE:LINE: message".  A configuration is immutable and
 * reference-counted: the daemon keeps the running one in a slot
 * (conf_slot_get()) and a reload swaps it.
 */
#ifndef PAPIGW_CONF_CONFIG_H
#define PAPIGW_CONF_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "base/log.h"

struct slot;

/* Where papigwd and papictl look for the configuration without -c. */
#define PAPIGW_CONF_DEFAULT	"/etc/papigw/papigw.conf"

/* Bounds on what the configuration may hold. */
#define CONF_ID_MAX		32	/* bytes in a category or channel id */
#define CONF_STR_MAX		4096	/* bytes in any configured string */
#define CONF_SECRET_MAX		1024	/* bytes in a secret read from a file */
#define CONF_DRIVER_SQLITE	0	/* storage.driver */
#define CONF_DRIVER_PG		1
#define CONF_CATEGORIES_MAX	64
#define CONF_CHANNELS_MAX	32
#define CONF_OVERRIDES_MAX	64	/* -o options on one command line */

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
	char		 *short_vi;	/* in papictl's narrow lists, or "" */
	char		 *short_en;
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

/*
 * How a generic or Africa's Talking channel's endpoints know the caller
 * (chan/providers.c): Twilio and Vonage sign their requests instead.
 */
/* How a generic channel sends: Kannel's sendsms by POST or by GET. */
enum channel_send {
	CHANNEL_SEND_POST,	/* the text as the body, X-Kannel-* headers */
	CHANNEL_SEND_GET	/* every field in the query */
};

enum channel_auth {
	CHANNEL_AUTH_NONE,	/* anyone who can reach the port */
	CHANNEL_AUTH_BASIC,	/* HTTP Basic: auth_user and auth_secret */
	CHANNEL_AUTH_SECRET	/* a "secret" parameter: auth_secret */
};

struct netmask;

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
	int		  delete_unreadable_after; /* failed reads, 0: never */
	int		  stall_timeout; /* seconds without a read: degraded */
	/* HTTP provider channels. */
	char		 *public_url;	/* the URL the provider calls */
	char		 *base_url;	/* the provider's API base */
	char		 *account;	/* account sid / username / api key */
	char		 *token;	/* secret: auth token / api secret */
	char		 *signature_secret; /* secret for signed webhooks */
	double		  rate;		/* outbox: messages a second, 0: any */
	int		  send_method;	/* generic: enum channel_send */
	int		  strip_diacritics; /* replies: đ -> d, GSM-7 */
	int		  reply_parts;	/* SMS parts of a short reply */
	int		  part_cost;	/* dong an SMS part, -1: announce's */
	/* HTTP channels: who may call their endpoints. */
	char		**allow_from;	/* networks, as configured */
	size_t		  nallow_from;
	struct netmask	 *allow;	/* parsed; NULL: every address */
	int		  auth;		/* enum channel_auth */
	char		 *auth_user;	/* CHANNEL_AUTH_BASIC's user name */
	char		 *auth_secret;	/* secret, from auth_secret_file */
	int		  line;
};

/*
 * Special words (core/reply.c): what a message that is only a special word
 * asks for.  The loader folds every configured word (text.c: no case, no
 * diacritics, no spaces) into one table, struct config's special[].
 */
enum reply_special {
	REPLY_SPECIAL_NONE,
	REPLY_SPECIAL_HELP,	/* the menu of words */
	REPLY_SPECIAL_STATUS,	/* a case's state, to its own sender */
	REPLY_SPECIAL_STOP,	/* opt out of information and announcements */
	REPLY_SPECIAL_START,	/* opt back in */
	REPLY_SPECIAL_TOPIC,	/* an information topic */
	REPLY_SPECIAL_EXPLAIN,	/* what happens next, for a case */
	REPLY_SPECIAL_LANG_VI,	/* answer me in Vietnamese from now on */
	REPLY_SPECIAL_LANG_EN,	/* ... in English */
	REPLY_SPECIAL_NEWS	/* subscriptions, announcements (subscribe.h) */
};

#define REPLY_WORD_MAX		64	/* bytes of a folded special word */
#define REPLY_TOPICS_MAX	32
#define REPLY_USSD_MAX		182	/* characters of a USSD string */
#define USSD_TEXT_CHARS_MAX	182	/* ussd.max_text at most */

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
 * The USSD menu's texts (domain/ussd_menu.c), each a setting of the ussd group: plain
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

/*
 * An area of the ward (a khu phố): how residents name it in their
 * messages, for papictl list --area (a full-text search for any of the
 * phrases).
 */
struct area {
	char		  id[CONF_ID_MAX];
	char		 *name;
	char		**words;	/* phrases that name it */
	size_t		  nwords;
	char		  within[CONF_ID_MAX]; /* the area it is part of, "" */
	int		  line;
};

/*
 * A topic of the ward's announcements that residents subscribe to
 * ("news_topics"; core/subscribe.c, daemon/cmd_announce.c).
 */
struct news_topic {
	char		  id[CONF_ID_MAX];
	char		 *name_vi;
	char		 *name_en;
	char		**words;	/* how residents name it in DK ... */
	size_t		  nwords;
	char		 *ussd;		/* its short label on USSD, or "" */
	int		  line;
};

#define CONF_NEWS_TOPICS_MAX	32

/* What a folded word of the announce group means (struct news_word). */
enum news_word_kind {
	NEWS_W_SUBSCRIBE,	/* announce.subscribe_words */
	NEWS_W_DROP,		/* announce.drop_words */
	NEWS_W_LIST,		/* announce.list_words */
	NEWS_W_READ,		/* announce.read_words */
	NEWS_W_ALL,		/* announce.all_words */
	NEWS_W_TOPIC,		/* a news topic's id or word */
	NEWS_W_AREA		/* an area's id or word */
};

/* One word of the subscriptions' conversation, folded like special words. */
struct news_word {
	char		  fold[REPLY_WORD_MAX];
	enum news_word_kind kind;
	int		  index;	/* TOPIC, AREA: which */
};

/*
 * The procedure catalogue (domain/catalogue.c): the ward's
 * administrative procedures, from the data file the configuration
 * includes ("procedure_fields" and "procedures"), answered by SMS and on
 * the USSD menu.
 */
struct catalogue_index;

struct proc_field {
	char		  id[CONF_ID_MAX];
	char		 *name;		/* "Hộ tịch" */
	char		 *name_en;	/* or "" */
	char		 *ussd;		/* plain ASCII label */
	int		  line;
};

#define CONF_PROC_CODE_MAX	32	/* bytes of a procedure's code */
#define CONF_PROCEDURES_MAX	400
#define CONF_PROC_FIELDS_MAX	30

struct procedure {
	char		  code[CONF_PROC_CODE_MAX]; /* "1.001193" */
	char		  field[CONF_ID_MAX];	/* a proc_field id */
	int		  fieldno;	/* its index in proc_fields */
	char		 *name;		/* "Đăng ký khai sinh" */
	char		**words;	/* other ways residents name it */
	size_t		  nwords;
	char		 *documents;	/* what to bring */
	char		 *fee;		/* the legal fee */
	char		 *time_limit;	/* the legal time limit */
	char		 *where;	/* where to file it */
	char		 *online;	/* the online service, or "" */
	char		 *basis;	/* its legal basis, for officers */
	int		  line;
};

#define CONF_AREAS_MAX		64
#define CONF_MMDD		6	/* bytes of "MM-DD" with its NUL */

/* What a role may do (daemon/control.c): each kind can do what the one before can. */
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
	char		  ward[CONF_ID_MAX]; /* "": ward.id's; CONF_WARD_ALL */
	int		  line;
};

/* A role's ward that stands for every ward of the database: the city. */
#define CONF_WARD_ALL		"all"

struct config {
	char		 *path;		/* the file it was read from */
	_Atomic int	  refs;		/* config_ref() / config_unref() */

	/* log */
	enum log_level	  log_level;

	/* ward */
	char		  ward_id[CONF_ID_MAX];	/* "": the store's only ward */
	char		 *ward_name;
	char		 *ward_name_en;
	char		 *ward_address;
	char		 *reception_hours;
	char		 *hotline;
	char		 *country_code;	/* "84": numbers are stored +84... */

	/* storage */
	int		  storage_driver;	/* CONF_DRIVER_* */
	char		 *storage_conninfo;	/* PostgreSQL: libpq's */
	char		 *storage_path;
	int		  storage_synchronous_full; /* 1 FULL, 0 NORMAL */
	int		  storage_busy_timeout;	/* milliseconds */
	int		  storage_batch_max;	/* requests per transaction */
	/* audit: the key and the checkpoints; "": beside the database */
	char		 *audit_key_file;
	char		 *audit_checkpoint_file;	/* or "none" */
	int		  audit_checkpoint_interval;	/* seconds */

	/* http */
	char		 *http_listen;		/* "ADDR:PORT" as given */
	char		  http_addr[64];	/* parsed address */
	int		  http_port;
	int		  http_max_body;	/* bytes */
	int		  http_threads;
	int		  http_max_connections;	/* 0: from RLIMIT_NOFILE */
	int		  http_max_per_address;	/* connections, 0: any */
	int		  http_timeout;		/* seconds idle */
	int		  http_request_timeout;	/* seconds for a request */

	/* web: the dashboard (daemon/dash.c); off while listen is "" */
	char		 *web_listen;		/* "ADDR:PORT" as given, or "" */
	char		  web_addr[64];		/* parsed address */
	int		  web_port;
	char		 *web_tls_cert;		/* PEM file, or "": plain HTTP */
	char		 *web_tls_key;
	int		  web_secure_cookies;	/* Secure also without TLS */
	char		 *web_pam_service;
	int		  web_session_idle;	/* seconds */
	int		  web_session_max;	/* seconds */
	int		  web_login_attempts;	/* failures per window */
	int		  web_login_window;	/* seconds */
	int		  web_refresh;		/* seconds between page updates */

	/* control */
	char		 *control_socket;

	/* ingest */
	int		  ingest_dedupe_window;	/* seconds */
	int		  ingest_followup_window; /* seconds */
	int		  ingest_thread_window;	/* seconds after the ack */
	double		  ingest_new_problem_confidence;
	int		  ingest_concat_timeout; /* seconds */
	int		  ingest_signature_max_age; /* seconds */

	/* outbox: sending, retries and timeouts (chan/outbox.c) */
	int		  outbox_give_up_after;	/* seconds after queueing */
	int		  outbox_max_attempts;	/* 0: no limit */
	int		  outbox_backoff_initial;	/* seconds */
	int		  outbox_backoff_max;		/* seconds */
	int		  outbox_connect_timeout;	/* seconds */
	int		  outbox_timeout;		/* seconds */
	int		  outbox_max_inflight;	/* per channel */
	int		  outbox_shutdown_wait;	/* seconds */
	int		  outbox_degraded_after; /* sends failed in a row */

	/* cases */
	char		  case_prefix[8];	/* "PA" in "PA-000123" */
	int		  language;		/* enum language */

	/* router */
	double		  router_threshold;
	char		  router_triage[CONF_ID_MAX];

	/* classifier: the learned model beside the router (domain/classify.c) */
	char		 *classifier_model;	/* "" for none */
	char		 *classifier_trained;	/* "" for none */
	char		 *classifier_corpus;	/* the labelled corpus */
	double		  classifier_spam;
	double		  classifier_review;
	double		  classifier_corruption;
	double		  classifier_corruption_evidence;
	double		  classifier_nonfeedback;
	struct shorthand *shorthand;
	size_t		  nshorthand;
	char		**router_lists[RLIST_MAX];
	size_t		  router_nlists[RLIST_MAX];

	struct category	 *categories;
	size_t		  ncategories;
	struct channel	 *channels;
	size_t		  nchannels;

	/* replies: special words, texts and limits (core/reply.c) */
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
	char		 *replies_thanks_vi;	/* to a lone thank-you */
	char		 *replies_thanks_en;
	char		 *replies_followup_vi;	/* added to an open case */
	char		 *replies_followup_en;
	char		 *replies_satisfied_vi;	/* a satisfaction answer */
	char		 *replies_satisfied_en;
	char		 *replies_reopened_vi;	/* reopened by the resident */
	char		 *replies_reopened_en;
	char		 *replies_answer_vi;	/* frames officers' answers */
	char		 *replies_answer_en;
	char		 *replies_language_vi;	/* a language word's answer */
	char		 *replies_language_en;
	int		  replies_explain_first; /* explain on a first case */
	char		**replies_explain_words;
	size_t		  replies_nexplain_words;
	char		**replies_vietnamese_words;
	size_t		  replies_nvietnamese_words;
	char		**replies_english_switch_words;
	size_t		  replies_nenglish_switch_words;
	int		  replies_max_per_sender_day; /* 0: no cap */
	int		  replies_flood_messages;  /* 0: no flood guard */
	int		  replies_flood_window;	/* seconds */
	int		  replies_quarantine_time; /* seconds, 0: no end */
	int		  replies_max_segments;	/* SMS parts of a reply */
	struct reply_word *special;		/* every special word, folded */
	size_t		  nspecial;
	struct topic	 *topics;
	size_t		  ntopics;

	/* control, roles, deadlines, privacy, satisfaction (daemon/) */
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

	/* reports: the district's periods and their reminders */
	char		  reports_year_start[CONF_MMDD];	/* "MM-DD" */
	char		  reports_q1_cutoff[CONF_MMDD];
	char		  reports_h1_cutoff[CONF_MMDD];
	char		  reports_m9_cutoff[CONF_MMDD];
	char		  reports_year_cutoff[CONF_MMDD];
	int		  reports_remind_days;	/* working days, 0: never */
	int		  reports_daily_sums;	/* finished periods summed */
	int		  reports_exact_up_to;	/* cases read one by one */
	char		**reports_remind_numbers;
	size_t		  reports_nremind_numbers;
	char		 *reports_remind_channel; /* "" for the first */
	char		 *reports_title;
	char		 *reports_superior;	/* the body above the ward */
	char		 *reports_recipient;	/* "Kính gửi", or "" */
	char		 *reports_signer;	/* "" for no signature */
	char		 *reports_place;	/* of the date line */
	struct area	 *areas;
	size_t		  nareas;

	/* announce: subscriptions and announcements (issue 18) */
	char		**announce_subscribe_words;
	size_t		  announce_nsubscribe_words;
	char		**announce_drop_words;
	size_t		  announce_ndrop_words;
	char		**announce_list_words;
	size_t		  announce_nlist_words;
	char		**announce_read_words;
	size_t		  announce_nread_words;
	char		**announce_all_words;
	size_t		  announce_nall_words;
	char		  announce_code_prefix[8];	/* "TB" in "TB-000012" */
	char		  announce_channel[CONF_ID_MAX]; /* "": each number's */
	char		  announce_reply_category[CONF_ID_MAX];
	int		  announce_reply_window;	/* seconds */
	int		  announce_batch;	/* recipients a transaction */
	int		  announce_part_cost;	/* dong an SMS part, 0: none */
	int		  announce_second_approver;	/* bool */
	char		 *announce_subscribed_vi;	/* {list} */
	char		 *announce_subscribed_en;
	char		 *announce_dropped_vi;		/* {list} */
	char		 *announce_dropped_en;
	char		 *announce_list_vi;		/* {list} */
	char		 *announce_list_en;
	char		 *announce_none_vi;		/* {list}: choices */
	char		 *announce_none_en;
	char		 *announce_more_vi;		/* {code} */
	char		 *announce_more_en;
	char		 *announce_not_found_vi;	/* {code} */
	char		 *announce_not_found_en;
	char		 *announce_unreachable_vi;	/* no channel sends */
	char		 *announce_unreachable_en;
	char		 *announce_ussd_prompt;		/* USSD: the topics */
	char		 *announce_ussd_mine;
	char		 *announce_ussd_subscribe;
	char		 *announce_ussd_drop;
	char		 *announce_ussd_stop;
	char		 *announce_ussd_stopped;
	char		 *announce_ussd_read;
	struct news_topic *news_topics;
	size_t		  nnews_topics;
	struct news_word *news_words;		/* every word above, folded */
	size_t		  nnews_words;

	/* catalogue: procedures by SMS and USSD (domain/catalogue.c) */
	char		**catalogue_words;	/* what starts a lookup */
	size_t		  catalogue_nwords;
	int		  catalogue_choices;	/* procedures in a list */
	int		  catalogue_max_parts;	/* SMS parts of an answer */
	char		 *catalogue_list_vi;	/* {n} {list} {word} */
	char		 *catalogue_list_en;
	char		 *catalogue_none_vi;	/* {query} {fields} {word} */
	char		 *catalogue_none_en;
	char		 *catalogue_ussd_prompt; /* the fields' screen */
	struct proc_field *proc_fields;
	size_t		  nproc_fields;
	struct procedure *procedures;
	size_t		  nprocedures;
	/*
	 * The index of the catalogue's words, built once the configuration
	 * is loaded (domain/catalogue.c: catalogue_attach()), freed with it;
	 * NULL until then.
	 */
	struct catalogue_index *catalogue_index;
	void		(*catalogue_index_free)(struct catalogue_index *);

	/* reception: the Tuesday citizen reception (core/reception.c) */
	int		  reception_enabled;
	int		  reception_weekday;	/* 1 Monday .. 7 Sunday */
	char		**reception_slots;	/* "HH:MM", in order */
	size_t		  reception_nslots;
	int		  reception_per_slot;	/* residents a slot */
	int		  reception_weeks_ahead; /* receptions looked at */
	char		  reception_book_until[6]; /* "HH:MM" the day before */
	char		  reception_remind_at[6];  /* "HH:MM" the day before */
	char		**reception_book_words;
	size_t		  reception_nbook_words;
	char		**reception_cancel_words;
	size_t		  reception_ncancel_words;
	char		 *reception_booked_vi;	/* {date} {time} {seq}... */
	char		 *reception_booked_en;
	char		 *reception_full_vi;
	char		 *reception_full_en;
	char		 *reception_cancelled_vi;
	char		 *reception_cancelled_en;
	char		 *reception_nothing_vi;
	char		 *reception_nothing_en;
	char		 *reception_reminder_vi;
	char		 *reception_reminder_en;
	char		 *reception_ussd_prompt;
	char		 *reception_ussd_booked;
	char		 *reception_ussd_full;

	/* ussd: USSD menu sessions */
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
struct slot	*conf_slot_new(struct config *);
struct config	*conf_slot_get(struct slot *);
void		 conf_slot_set(struct slot *, struct config *);
const struct category *config_category(const struct config *,
		    const char *id);
const struct channel *config_channel(const struct config *,
		    const char *name);
const char	*channel_type_name(enum channel_type);
const struct area *config_area(const struct config *, const char *id);
int		 config_news_topic(const struct config *, const char *id);
void		 config_diff(const struct config *, const struct config *,
		    void (*)(const char *path, void *), void *);

/*
 * A check that a module above the loader registers with
 * config_check_register(): returns 0, or -1 with the failing setting's
 * path within the registered group in key (for example "title"), the
 * element of a list in *elem (-1: none) and the message in err.
 */
typedef int	(*config_check_fn)(const struct config *, char *key,
		    size_t keysz, int *elem, char *err, size_t errsz);

void		 config_check_register(const char *group, config_check_fn);

#endif /* PAPIGW_CONF_CONFIG_H */
