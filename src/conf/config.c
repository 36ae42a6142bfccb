/*
 * config.c: reads papigw.conf (libconfig) into one validated struct config.
 *
 * The file is parsed by libconfig, the -o KEY=VALUE overrides are applied
 * to the parsed tree, and the tree is then walked with the schema tables
 * below, which hold every setting's type, default and range in one place.
 * Any setting the schema does not know is an error, so that a typo cannot
 * pass silently.  Every error reads "FILE:LINE: message" (or "-o KEY:
 * message" for an override) and is returned to the caller, who prints it.
 *
 * Secrets (tokens, PINs) may be written inline or, better, read from a file
 * named by the same setting with "_file" appended; they are never logged
 * and are wiped when the configuration is freed.
 *
 * Only this file includes libconfig.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/un.h>

#include <libconfig.h>

#include "conf/config.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/netmask.h"
#include "base/slot.h"
#include "base/util.h"
#include "base/date.h"
#include "text/text.h"

/*
 * ===================================================================
 * Schema
 * ===================================================================
 */

enum ftype {
	T_STR,		/* char * (size 0) or char[size] */
	T_INT,		/* int, within [min, max] */
	T_BOOL,		/* int, 0 or 1 */
	T_FLOAT,	/* double, within [min, max] */
	T_ENUM,		/* int, one of the names in enums */
	T_SECRET,	/* char *, inline or from NAME_file */
	T_TEMPLATE,	/* char *, a reply template: known {variables} only */
	T_STRLIST	/* char ** and size_t count (at off, off2) */
};

#define F_REQUIRED	0x01	/* no default: the file must set it */
#define F_NONEMPTY	0x02	/* a string that may not be empty */
#define F_CHANNEL	0x04	/* a channel's secret: not read when disabled */
#define F_STATUS	0x08	/* a template that may say {state} {answer} */

struct enumval {
	const char	*name;
	int		 value;
};

struct field {
	const char		*name;
	enum ftype		 type;
	size_t			 off;	/* offset into the target struct */
	size_t			 size;	/* char array size; 0 for char * */
	double			 min;	/* number range, or string length */
	double			 max;
	const char		*def;	/* default as text; NULL: none */
	int			 flags;
	const struct enumval	*enums;
	size_t			 off2;	/* T_STRLIST: offset of the count */
};

#define CONF_OFF(m)	offsetof(struct config, m)
#define CAT_OFF(m)	offsetof(struct category, m)
#define SUB_OFF(m)	offsetof(struct subcategory, m)
#define CHAN_OFF(m)	offsetof(struct channel, m)
#define ARR(s, m)	sizeof(((struct s *)0)->m)
#define END_FIELDS	{ NULL, T_STR, 0, 0, 0, 0, NULL, 0, NULL, 0 }

static const struct enumval log_levels[] = {
	{ "error", LOG_LVL_ERR }, { "warning", LOG_LVL_WARN },
	{ "notice", LOG_LVL_NOTICE }, { "info", LOG_LVL_INFO },
	{ "debug", LOG_LVL_DEBUG }, { NULL, 0 }
};

static const struct enumval sync_modes[] = {
	{ "full", 1 }, { "normal", 0 }, { NULL, 0 }
};

static const struct enumval store_drivers[] = {
	{ "sqlite", CONF_DRIVER_SQLITE }, { "postgresql", CONF_DRIVER_PG },
	{ NULL, 0 }
};

static const struct enumval languages[] = {
	{ "vi", LANG_VI }, { "en", LANG_EN }, { NULL, 0 }
};

static const struct enumval channel_auths[] = {
	{ "none", CHANNEL_AUTH_NONE }, { "basic", CHANNEL_AUTH_BASIC },
	{ "secret", CHANNEL_AUTH_SECRET }, { NULL, 0 }
};

static const struct enumval channel_sends[] = {
	{ "post", CHANNEL_SEND_POST }, { "get", CHANNEL_SEND_GET },
	{ NULL, 0 }
};

static const struct enumval channel_types[] = {
	{ "modem", CHANNEL_MODEM }, { "twilio", CHANNEL_TWILIO },
	{ "africastalking", CHANNEL_AFRICASTALKING },
	{ "vonage", CHANNEL_VONAGE }, { "generic", CHANNEL_GENERIC },
	{ NULL, 0 }
};

static const struct field f_log[] = {
	{ "level", T_ENUM, CONF_OFF(log_level), 0, 0, 0, "info", 0,
	    log_levels, 0 },
	END_FIELDS
};

static const struct field f_ward[] = {
	{ "id", T_STR, CONF_OFF(ward_id), ARR(config, ward_id), 0,
	    ARR(config, ward_id) - 1, "", 0, NULL, 0 },
	{ "name", T_STR, CONF_OFF(ward_name), 0, 1, 200, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "name_en", T_STR, CONF_OFF(ward_name_en), 0, 0, 200, "", 0,
	    NULL, 0 },
	{ "address", T_STR, CONF_OFF(ward_address), 0, 0, 300, "", 0,
	    NULL, 0 },
	{ "reception_hours", T_STR, CONF_OFF(reception_hours), 0, 0, 300,
	    "", 0, NULL, 0 },
	{ "hotline", T_STR, CONF_OFF(hotline), 0, 0, 32, "", 0, NULL, 0 },
	{ "country_code", T_STR, CONF_OFF(country_code), 0, 1, 3, "84",
	    F_NONEMPTY, NULL, 0 },
	END_FIELDS
};

static const struct field f_storage[] = {
	{ "driver", T_ENUM, CONF_OFF(storage_driver), 0, 0, 0, "sqlite", 0,
	    store_drivers, 0 },
	{ "conninfo", T_STR, CONF_OFF(storage_conninfo), 0, 0, 4096, "", 0,
	    NULL, 0 },
	{ "path", T_STR, CONF_OFF(storage_path), 0, 1, PATH_MAX - 1,
	    "/var/lib/papigw/papigw.db", F_NONEMPTY, NULL, 0 },
	{ "synchronous", T_ENUM, CONF_OFF(storage_synchronous_full), 0, 0, 0,
	    "full", 0, sync_modes, 0 },
	{ "busy_timeout", T_INT, CONF_OFF(storage_busy_timeout), 0, 0,
	    600000, "5000", 0, NULL, 0 },
	{ "batch_max", T_INT, CONF_OFF(storage_batch_max), 0, 1, 10000,
	    "256", 0, NULL, 0 },
	END_FIELDS
};

static const struct field f_audit[] = {
	{ "key_file", T_STR, CONF_OFF(audit_key_file), 0, 0, PATH_MAX - 1,
	    "", 0, NULL, 0 },
	{ "checkpoint_file", T_STR, CONF_OFF(audit_checkpoint_file), 0, 0,
	    PATH_MAX - 1, "", 0, NULL, 0 },
	{ "checkpoint_interval", T_INT, CONF_OFF(audit_checkpoint_interval),
	    0, 1, 86400, "300", 0, NULL, 0 },
	END_FIELDS
};

static const struct field f_http[] = {
	{ "listen", T_STR, CONF_OFF(http_listen), 0, 1, 80,
	    "127.0.0.1:8080", F_NONEMPTY, NULL, 0 },
	{ "max_body", T_INT, CONF_OFF(http_max_body), 0, 1024, 1048576,
	    "16384", 0, NULL, 0 },
	{ "threads", T_INT, CONF_OFF(http_threads), 0, 1, 64, "4", 0,
	    NULL, 0 },
	{ "max_connections", T_INT, CONF_OFF(http_max_connections), 0, 0,
	    1000000, "0", 0, NULL, 0 },
	{ "max_connections_per_address", T_INT,
	    CONF_OFF(http_max_per_address), 0, 0, 1000000, "64", 0, NULL, 0 },
	{ "timeout", T_INT, CONF_OFF(http_timeout), 0, 1, 3600, "15", 0,
	    NULL, 0 },
	{ "request_timeout", T_INT, CONF_OFF(http_request_timeout), 0, 1,
	    3600, "10", 0, NULL, 0 },
	END_FIELDS
};

/* The dashboard's listener and logins (daemon/dash.c). */
static const struct field f_web[] = {
	{ "listen", T_STR, CONF_OFF(web_listen), 0, 0, 80, "", 0, NULL, 0 },
	{ "tls_cert", T_STR, CONF_OFF(web_tls_cert), 0, 0, PATH_MAX - 1, "",
	    0, NULL, 0 },
	{ "tls_key", T_STR, CONF_OFF(web_tls_key), 0, 0, PATH_MAX - 1, "",
	    0, NULL, 0 },
	{ "secure_cookies", T_BOOL, CONF_OFF(web_secure_cookies), 0, 0, 1,
	    "false", 0, NULL, 0 },
	{ "pam_service", T_STR, CONF_OFF(web_pam_service), 0, 1, 64,
	    "papigw", F_NONEMPTY, NULL, 0 },
	{ "session_idle", T_INT, CONF_OFF(web_session_idle), 0, 2, 86400,
	    "1800", 0, NULL, 0 },
	{ "session_max", T_INT, CONF_OFF(web_session_max), 0, 2, 604800,
	    "43200", 0, NULL, 0 },
	{ "login_attempts", T_INT, CONF_OFF(web_login_attempts), 0, 1, 1000,
	    "5", 0, NULL, 0 },
	{ "login_window", T_INT, CONF_OFF(web_login_window), 0, 1, 86400,
	    "300", 0, NULL, 0 },
	{ "refresh", T_INT, CONF_OFF(web_refresh), 0, 2, 3600, "30", 0,
	    NULL, 0 },
	END_FIELDS
};

static const struct field f_ingest[] = {
	{ "dedupe_window", T_INT, CONF_OFF(ingest_dedupe_window), 0, 0,
	    604800, "600", 0, NULL, 0 },
	{ "followup_window", T_INT, CONF_OFF(ingest_followup_window), 0, 0,
	    2592000, "259200", 0, NULL, 0 },
	{ "thread_window", T_INT, CONF_OFF(ingest_thread_window), 0, 0,
	    2592000, "172800", 0, NULL, 0 },
	{ "new_problem_confidence", T_FLOAT,
	    CONF_OFF(ingest_new_problem_confidence), 0, 0.5, 1, "0.9", 0,
	    NULL, 0 },
	{ "concat_timeout", T_INT, CONF_OFF(ingest_concat_timeout), 0, 10,
	    86400, "300", 0, NULL, 0 },
	{ "signature_max_age", T_INT, CONF_OFF(ingest_signature_max_age), 0,
	    10, 86400, "300", 0, NULL, 0 },
	END_FIELDS
};

static const struct field f_outbox[] = {
	{ "give_up_after", T_INT, CONF_OFF(outbox_give_up_after), 0, 1,
	    2592000, "172800", 0, NULL, 0 },
	{ "max_attempts", T_INT, CONF_OFF(outbox_max_attempts), 0, 0, 1000,
	    "0", 0, NULL, 0 },
	{ "backoff_initial", T_INT, CONF_OFF(outbox_backoff_initial), 0, 1,
	    86400, "30", 0, NULL, 0 },
	{ "backoff_max", T_INT, CONF_OFF(outbox_backoff_max), 0, 1, 604800,
	    "3600", 0, NULL, 0 },
	{ "connect_timeout", T_INT, CONF_OFF(outbox_connect_timeout), 0, 1,
	    300, "10", 0, NULL, 0 },
	{ "timeout", T_INT, CONF_OFF(outbox_timeout), 0, 1, 600, "30", 0,
	    NULL, 0 },
	{ "max_inflight", T_INT, CONF_OFF(outbox_max_inflight), 0, 1, 4096,
	    "64", 0, NULL, 0 },
	{ "shutdown_wait", T_INT, CONF_OFF(outbox_shutdown_wait), 0, 0, 300,
	    "5", 0, NULL, 0 },
	{ "degraded_after", T_INT, CONF_OFF(outbox_degraded_after), 0, 1,
	    1000, "5", 0, NULL, 0 },
	END_FIELDS
};

static const struct field f_control[] = {
	{ "socket", T_STR, CONF_OFF(control_socket), 0, 1,
	    sizeof(((struct sockaddr_un *)0)->sun_path) - 1,
	    "/run/papigw/control.sock", F_NONEMPTY, NULL, 0 },
	{ "max_clients", T_INT, CONF_OFF(control_max_clients), 0, 1, 256,
	    "16", 0, NULL, 0 },
	{ "timeout", T_INT, CONF_OFF(control_timeout), 0, 1, 3600, "60", 0,
	    NULL, 0 },
	END_FIELDS
};

/*
 * Deadlines, privacy, satisfaction and roles (domain/calendar.c, daemon/timers.c,
 * control.c).  The dates are checked by check_cases().
 */
static const struct field f_deadlines[] = {
	{ "holidays", T_STRLIST, CONF_OFF(deadline_holidays), 0, 10, 10,
	    NULL, 0, NULL, CONF_OFF(ndeadline_holidays) },
	{ "workdays", T_STRLIST, CONF_OFF(deadline_workdays), 0, 10, 10,
	    NULL, 0, NULL, CONF_OFF(ndeadline_workdays) },
	{ "check_interval", T_INT, CONF_OFF(deadline_check_interval), 0, 1,
	    86400, "60", 0, NULL, 0 },
	{ "notify_number", T_STR, CONF_OFF(deadline_notify_number), 0, 0, 32,
	    "", 0, NULL, 0 },
	{ "notify_channel", T_STR, CONF_OFF(deadline_notify_channel), 0, 0,
	    CONF_ID_MAX - 1, "", 0, NULL, 0 },
	END_FIELDS
};

static const struct field f_privacy[] = {
	{ "retention_days", T_INT, CONF_OFF(privacy_retention_days), 0, 0,
	    3650, "365", 0, NULL, 0 },
	END_FIELDS
};

static const struct field f_satisfaction[] = {
	{ "enabled", T_BOOL, CONF_OFF(satisfaction_enabled), 0, 0, 1, "true",
	    0, NULL, 0 },
	{ "window", T_INT, CONF_OFF(satisfaction_window), 0, 3600, 2592000,
	    "604800", 0, NULL, 0 },
	{ "question_vi", T_TEMPLATE, CONF_OFF(satisfaction_question_vi), 0, 1,
	    1000, "{ref} da duoc xu ly. Ban hai long khong? Tra loi 1 (rat "
	    "khong hai long) den 5 (rat hai long), hoac 0 neu van de chua "
	    "duoc giai quyet.", F_NONEMPTY, NULL, 0 },
	{ "question_en", T_TEMPLATE, CONF_OFF(satisfaction_question_en), 0, 0,
	    1000, "", 0, NULL, 0 },
	END_FIELDS
};

/*
 * The district's reports (daemon/cmd_report.c, timers.c): where the
 * year of the cumulative periods starts and each period's cut-off,
 * "MM-DD", the day whose first moment freezes the figures and by which
 * the report is due; the reminders.  Checked by check_reports().
 */
static const struct field f_reports[] = {
	{ "year_start", T_STR, CONF_OFF(reports_year_start),
	    ARR(config, reports_year_start), 5, 5, "01-01", 0, NULL, 0 },
	{ "q1_cutoff", T_STR, CONF_OFF(reports_q1_cutoff),
	    ARR(config, reports_q1_cutoff), 5, 5, "04-06", 0, NULL, 0 },
	{ "h1_cutoff", T_STR, CONF_OFF(reports_h1_cutoff),
	    ARR(config, reports_h1_cutoff), 5, 5, "06-05", 0, NULL, 0 },
	{ "m9_cutoff", T_STR, CONF_OFF(reports_m9_cutoff),
	    ARR(config, reports_m9_cutoff), 5, 5, "09-05", 0, NULL, 0 },
	{ "year_cutoff", T_STR, CONF_OFF(reports_year_cutoff),
	    ARR(config, reports_year_cutoff), 5, 5, "11-15", 0, NULL, 0 },
	{ "remind_days", T_INT, CONF_OFF(reports_remind_days), 0, 0, 60,
	    "5", 0, NULL, 0 },
	{ "daily_sums", T_BOOL, CONF_OFF(reports_daily_sums), 0, 0, 1,
	    "true", 0, NULL, 0 },
	{ "exact_up_to", T_INT, CONF_OFF(reports_exact_up_to), 0, 0, 100000000,
	    "20000", 0, NULL, 0 },
	{ "remind_numbers", T_STRLIST, CONF_OFF(reports_remind_numbers), 0,
	    3, 32, NULL, 0, NULL, CONF_OFF(reports_nremind_numbers) },
	{ "remind_channel", T_STR, CONF_OFF(reports_remind_channel), 0, 0,
	    CONF_ID_MAX - 1, "", 0, NULL, 0 },
	{ "title", T_STR, CONF_OFF(reports_title), 0, 1, 300,
	    "Báo cáo kết quả tiếp nhận, xử lý phản ánh, kiến nghị của "
	    "người dân", F_NONEMPTY, NULL, 0 },
	{ "superior", T_STR, CONF_OFF(reports_superior), 0, 0, 200, "", 0,
	    NULL, 0 },
	{ "recipient", T_STR, CONF_OFF(reports_recipient), 0, 0, 300, "", 0,
	    NULL, 0 },
	{ "signer", T_STR, CONF_OFF(reports_signer), 0, 0, 200, "", 0, NULL,
	    0 },
	{ "place", T_STR, CONF_OFF(reports_place), 0, 0, 100, "", 0, NULL,
	    0 },
	END_FIELDS
};

/*
 * The procedure catalogue (domain/catalogue.c): how a lookup starts, how
 * much an answer may say, and its texts ({n} {list} {word} {query}
 * {fields} {hotline}: domain/catalogue.c renders them).  The fields and
 * procedures are lists (read_catalogue()), in a data file of their own
 * that the configuration includes.
 */
static const struct field f_catalogue[] = {
	{ "words", T_STRLIST, CONF_OFF(catalogue_words), 0, 1,
	    REPLY_WORD_MAX - 1, NULL, 0, NULL, CONF_OFF(catalogue_nwords) },
	{ "choices", T_INT, CONF_OFF(catalogue_choices), 0, 2, 9, "5", 0,
	    NULL, 0 },
	{ "max_parts", T_INT, CONF_OFF(catalogue_max_parts), 0, 1, 5, "2", 0,
	    NULL, 0 },
	{ "list_vi", T_STR, CONF_OFF(catalogue_list_vi), 0, 1, 500,
	    "{n} thủ tục gần đúng: {list}. Nhắn {word} kèm số để xem chi "
	    "tiết, ví dụ {word} 1.", F_NONEMPTY, NULL, 0 },
	{ "list_en", T_STR, CONF_OFF(catalogue_list_en), 0, 0, 500,
	    "{n} procedures match: {list}. Text {word} and a number for one, "
	    "for example {word} 1.", 0, NULL, 0 },
	{ "none_vi", T_STR, CONF_OFF(catalogue_none_vi), 0, 1, 500,
	    "Không tìm thấy thủ tục: {query}. Lĩnh vực: {fields}. Nhắn "
	    "{word} kèm tên thủ tục, ví dụ {word} khai sinh. Hỏi thêm: "
	    "{hotline}.", F_NONEMPTY, NULL, 0 },
	{ "none_en", T_STR, CONF_OFF(catalogue_none_en), 0, 0, 500,
	    "No procedure matches: {query}. Fields: {fields}. Text {word} and "
	    "a procedure's name, for example {word} birth. Questions: "
	    "{hotline}.", 0, NULL, 0 },
	{ "ussd_prompt", T_STR, CONF_OFF(catalogue_ussd_prompt), 0, 1, 100,
	    "Thu tuc hanh chinh - chon linh vuc:", F_NONEMPTY, NULL, 0 },
	END_FIELDS
};

#define PFIELD_OFF(m)	offsetof(struct proc_field, m)

/* An element of the "procedure_fields" list (read_catalogue()). */
static const struct field f_proc_field[] = {
	{ "id", T_STR, PFIELD_OFF(id), ARR(proc_field, id), 1,
	    ARR(proc_field, id) - 1, NULL, F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "name", T_STR, PFIELD_OFF(name), 0, 1, 100, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "name_en", T_STR, PFIELD_OFF(name_en), 0, 0, 100, "", 0, NULL, 0 },
	{ "ussd", T_STR, PFIELD_OFF(ussd), 0, 1, 40, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	END_FIELDS
};

#define PROC_OFF(m)	offsetof(struct procedure, m)

/* An element of the "procedures" list (read_catalogue()). */
static const struct field f_procedure[] = {
	{ "code", T_STR, PROC_OFF(code), ARR(procedure, code), 1,
	    ARR(procedure, code) - 1, NULL, F_REQUIRED | F_NONEMPTY, NULL,
	    0 },
	{ "field", T_STR, PROC_OFF(field), ARR(procedure, field), 1,
	    ARR(procedure, field) - 1, NULL, F_REQUIRED | F_NONEMPTY, NULL,
	    0 },
	{ "name", T_STR, PROC_OFF(name), 0, 1, 200, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "words", T_STRLIST, PROC_OFF(words), 0, 1, 100, NULL, 0, NULL,
	    PROC_OFF(nwords) },
	{ "documents", T_STR, PROC_OFF(documents), 0, 0, 1000, "", 0, NULL,
	    0 },
	{ "fee", T_STR, PROC_OFF(fee), 0, 1, 300, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "time_limit", T_STR, PROC_OFF(time_limit), 0, 1, 300, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "where", T_STR, PROC_OFF(where), 0, 0, 300, "", 0, NULL, 0 },
	{ "online", T_STR, PROC_OFF(online), 0, 0, 300, "", 0, NULL, 0 },
	{ "basis", T_STR, PROC_OFF(basis), 0, 0, 500, "", 0, NULL, 0 },
	END_FIELDS
};

/*
 * The citizen reception (core/reception.c): its day and slots, how many
 * residents a slot takes, when booking closes and the reminder goes out
 * (the day before), the words of the conversation and its texts
 * ({date} {time} {seq} {topic} {book} {cancel} {ward} {hotline}: core/
 * reception.c renders them).  Checked by check_reception().
 */
static const struct field f_reception[] = {
	{ "enabled", T_BOOL, CONF_OFF(reception_enabled), 0, 0, 1, "false",
	    0, NULL, 0 },
	{ "weekday", T_INT, CONF_OFF(reception_weekday), 0, 1, 7, "2", 0,
	    NULL, 0 },
	{ "slots", T_STRLIST, CONF_OFF(reception_slots), 0, 5, 5, NULL, 0,
	    NULL, CONF_OFF(reception_nslots) },
	{ "per_slot", T_INT, CONF_OFF(reception_per_slot), 0, 1, 50, "2", 0,
	    NULL, 0 },
	{ "weeks_ahead", T_INT, CONF_OFF(reception_weeks_ahead), 0, 1, 12,
	    "4", 0, NULL, 0 },
	{ "book_until", T_STR, CONF_OFF(reception_book_until),
	    ARR(config, reception_book_until), 5, 5, "17:00", 0, NULL, 0 },
	{ "remind_at", T_STR, CONF_OFF(reception_remind_at),
	    ARR(config, reception_remind_at), 5, 5, "16:00", 0, NULL, 0 },
	{ "book_words", T_STRLIST, CONF_OFF(reception_book_words), 0, 1,
	    REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(reception_nbook_words) },
	{ "cancel_words", T_STRLIST, CONF_OFF(reception_cancel_words), 0, 1,
	    REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(reception_ncancel_words) },
	{ "booked_vi", T_STR, CONF_OFF(reception_booked_vi), 0, 1, 500,
	    "Đã đặt lịch tiếp công dân {date} lúc {time}, số thứ tự {seq}, "
	    "tại trụ sở UBND phường. Hủy: nhắn {cancel}. Nội dung: {topic}",
	    F_NONEMPTY, NULL, 0 },
	{ "booked_en", T_STR, CONF_OFF(reception_booked_en), 0, 0, 500,
	    "Booked: citizen reception {date} at {time}, number {seq}, at the "
	    "ward office. To cancel, text {cancel}. Topic: {topic}", 0, NULL,
	    0 },
	{ "full_vi", T_STR, CONF_OFF(reception_full_vi), 0, 1, 500,
	    "Lịch tiếp công dân đã kín đến hết ngày {date}. Xin gọi {hotline} "
	    "hoặc gửi phản ánh qua tin nhắn.", F_NONEMPTY, NULL, 0 },
	{ "full_en", T_STR, CONF_OFF(reception_full_en), 0, 0, 500,
	    "The citizen reception is fully booked up to {date}. Please call "
	    "{hotline} or send your report by text.", 0, NULL, 0 },
	{ "cancelled_vi", T_STR, CONF_OFF(reception_cancelled_vi), 0, 1, 500,
	    "Đã hủy lịch tiếp công dân {date} lúc {time}.", F_NONEMPTY, NULL,
	    0 },
	{ "cancelled_en", T_STR, CONF_OFF(reception_cancelled_en), 0, 0, 500,
	    "Your citizen reception booking of {date} at {time} is "
	    "cancelled.", 0, NULL, 0 },
	{ "nothing_vi", T_STR, CONF_OFF(reception_nothing_vi), 0, 1, 500,
	    "Bạn không có lịch tiếp công dân nào để hủy. Đặt lịch: nhắn "
	    "{book} kèm nội dung.", F_NONEMPTY, NULL, 0 },
	{ "nothing_en", T_STR, CONF_OFF(reception_nothing_en), 0, 0, 500,
	    "You have no citizen reception booking to cancel. To book, text "
	    "{book} and your topic.", 0, NULL, 0 },
	{ "reminder_vi", T_STR, CONF_OFF(reception_reminder_vi), 0, 1, 500,
	    "Nhắc lịch: {ward} tiếp công dân ngày mai {date} lúc {time}, số "
	    "thứ tự {seq}. Mang giấy tờ tùy thân. Không đến được: nhắn "
	    "{cancel}.", F_NONEMPTY, NULL, 0 },
	{ "reminder_en", T_STR, CONF_OFF(reception_reminder_en), 0, 0, 500,
	    "Reminder: {ward} receives you tomorrow, {date} at {time}, number "
	    "{seq}. Bring your ID. If you cannot come, text {cancel}.", 0,
	    NULL, 0 },
	{ "ussd_prompt", T_STR, CONF_OFF(reception_ussd_prompt), 0, 1, 100,
	    "Dat lich tiep cong dan: nhap noi dung can trinh bay:",
	    F_NONEMPTY, NULL, 0 },
	{ "ussd_booked", T_STR, CONF_OFF(reception_ussd_booked), 0, 1, 150,
	    "Da dat lich tiep cong dan {date} luc {time}, so thu tu {seq}. "
	    "Tin nhan xac nhan se gui den so nay.", F_NONEMPTY, NULL, 0 },
	{ "ussd_full", T_STR, CONF_OFF(reception_ussd_full), 0, 1, 150,
	    "Lich tiep cong dan da kin den {date}. Goi {hotline}.",
	    F_NONEMPTY, NULL, 0 },
	END_FIELDS
};

/* An area of the ward, for papictl list --area (read_areas()). */
#define AREA_OFF(m)	offsetof(struct area, m)

static const struct field f_area[] = {
	{ "id", T_STR, AREA_OFF(id), ARR(area, id), 1, ARR(area, id) - 1,
	    NULL, F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "name", T_STR, AREA_OFF(name), 0, 1, 200, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "words", T_STRLIST, AREA_OFF(words), 0, 1, 100, NULL, 0, NULL,
	    AREA_OFF(nwords) },
	{ "within", T_STR, AREA_OFF(within), ARR(area, within), 0,
	    ARR(area, within) - 1, "", 0, NULL, 0 },
	END_FIELDS
};

/*
 * Subscriptions and announcements (core/subscribe.c,
 * daemon/cmd_announce.c): the words of the residents' conversation, the
 * announcements' code and replies.  The texts are plain strings with
 * {list} or {code} in them (announce_text()).
 */
static const struct field f_announce[] = {
	{ "subscribe_words", T_STRLIST, CONF_OFF(announce_subscribe_words), 0,
	    1, REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(announce_nsubscribe_words) },
	{ "drop_words", T_STRLIST, CONF_OFF(announce_drop_words), 0,
	    1, REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(announce_ndrop_words) },
	{ "list_words", T_STRLIST, CONF_OFF(announce_list_words), 0,
	    1, REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(announce_nlist_words) },
	{ "read_words", T_STRLIST, CONF_OFF(announce_read_words), 0,
	    1, REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(announce_nread_words) },
	{ "all_words", T_STRLIST, CONF_OFF(announce_all_words), 0,
	    1, REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(announce_nall_words) },
	{ "code_prefix", T_STR, CONF_OFF(announce_code_prefix),
	    ARR(config, announce_code_prefix), 1,
	    ARR(config, announce_code_prefix) - 1, "TB", F_NONEMPTY, NULL, 0 },
	{ "channel", T_STR, CONF_OFF(announce_channel),
	    ARR(config, announce_channel), 0, CONF_ID_MAX - 1, "", 0, NULL,
	    0 },
	{ "reply_category", T_STR, CONF_OFF(announce_reply_category),
	    ARR(config, announce_reply_category), 1, CONF_ID_MAX - 1,
	    "transparency", F_NONEMPTY, NULL, 0 },
	{ "reply_window", T_INT, CONF_OFF(announce_reply_window), 0, 0,
	    2592000, "259200", 0, NULL, 0 },
	{ "batch", T_INT, CONF_OFF(announce_batch), 0, 1, 10000, "500", 0,
	    NULL, 0 },
	{ "part_cost", T_INT, CONF_OFF(announce_part_cost), 0, 0, 100000,
	    "0", 0, NULL, 0 },
	{ "second_approver", T_BOOL, CONF_OFF(announce_second_approver), 0,
	    0, 1, "true", 0, NULL, 0 },
	{ "subscribed_vi", T_STR, CONF_OFF(announce_subscribed_vi), 0, 0,
	    1000, "Da dang ky nhan tin: {list}.", 0, NULL, 0 },
	{ "subscribed_en", T_STR, CONF_OFF(announce_subscribed_en), 0, 0,
	    1000, "Subscribed to: {list}.", 0, NULL, 0 },
	{ "dropped_vi", T_STR, CONF_OFF(announce_dropped_vi), 0, 0,
	    1000, "Da huy nhan tin: {list}.", 0, NULL, 0 },
	{ "dropped_en", T_STR, CONF_OFF(announce_dropped_en), 0, 0,
	    1000, "Unsubscribed from: {list}.", 0, NULL, 0 },
	{ "list_vi", T_STR, CONF_OFF(announce_list_vi), 0, 0,
	    1000, "Ban dang nhan tin: {list}.", 0, NULL, 0 },
	{ "list_en", T_STR, CONF_OFF(announce_list_en), 0, 0,
	    1000, "You receive news on: {list}.", 0, NULL, 0 },
	{ "none_vi", T_STR, CONF_OFF(announce_none_vi), 0, 0,
	    1000, "Ban chua dang ky nhan tin. Chu de: {list}.", 0, NULL, 0 },
	{ "none_en", T_STR, CONF_OFF(announce_none_en), 0, 0,
	    1000, "You have no subscription. Topics: {list}.", 0, NULL, 0 },
	{ "more_vi", T_STR, CONF_OFF(announce_more_vi), 0, 0,
	    1000, "Chi tiet: soan XEM {code}", 0, NULL, 0 },
	{ "more_en", T_STR, CONF_OFF(announce_more_en), 0, 0,
	    1000, "More: send READ {code}", 0, NULL, 0 },
	{ "not_found_vi", T_STR, CONF_OFF(announce_not_found_vi), 0, 0,
	    1000, "Khong co thong bao {code}.", 0, NULL, 0 },
	{ "not_found_en", T_STR, CONF_OFF(announce_not_found_en), 0, 0,
	    1000, "No announcement {code}.", 0, NULL, 0 },
	{ "unreachable_vi", T_STR, CONF_OFF(announce_unreachable_vi), 0, 0,
	    1000, "Chua the dang ky: phuong chua co kenh SMS nao de gui "
	    "thong bao den so nay.", 0, NULL, 0 },
	{ "unreachable_en", T_STR, CONF_OFF(announce_unreachable_en), 0, 0,
	    1000, "Not subscribed: the ward has no SMS channel to send news "
	    "to this number.", 0, NULL, 0 },
	{ "ussd_prompt", T_STR, CONF_OFF(announce_ussd_prompt), 0, 0,
	    1000, "Chon chu de:", 0, NULL, 0 },
	{ "ussd_mine", T_STR, CONF_OFF(announce_ussd_mine), 0, 0,
	    1000, "Da dang ky", 0, NULL, 0 },
	{ "ussd_stop", T_STR, CONF_OFF(announce_ussd_stop), 0, 0,
	    1000, "Ngung nhan (TC)", 0, NULL, 0 },
	{ "ussd_subscribe", T_STR, CONF_OFF(announce_ussd_subscribe), 0, 0,
	    1000, "Dang ky nhan tin", 0, NULL, 0 },
	{ "ussd_drop", T_STR, CONF_OFF(announce_ussd_drop), 0, 0,
	    1000, "Huy dang ky", 0, NULL, 0 },
	{ "ussd_read", T_STR, CONF_OFF(announce_ussd_read), 0, 0,
	    1000, "Doc thong bao moi nhat", 0, NULL, 0 },
	{ "ussd_stopped", T_STR, CONF_OFF(announce_ussd_stopped), 0, 0,
	    1000, "Da ngung gui moi thong bao den so nay. Nhan DK de nhan "
	    "lai.", 0, NULL, 0 },
	END_FIELDS
};

#define NEWS_OFF(m)	offsetof(struct news_topic, m)

/* An element of the "news_topics" list (read_news_topics()). */
static const struct field f_news_topic[] = {
	{ "id", T_STR, NEWS_OFF(id), ARR(news_topic, id), 1,
	    ARR(news_topic, id) - 1, NULL, F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "name_vi", T_STR, NEWS_OFF(name_vi), 0, 1, 100, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "name_en", T_STR, NEWS_OFF(name_en), 0, 0, 100, "", 0, NULL, 0 },
	{ "words", T_STRLIST, NEWS_OFF(words), 0, 1, REPLY_WORD_MAX - 1,
	    NULL, 0, NULL, NEWS_OFF(nwords) },
	{ "ussd", T_STR, NEWS_OFF(ussd), 0, 0, 40, "", 0, NULL, 0 },
	END_FIELDS
};

#define ROLE_OFF(m)	offsetof(struct role, m)

static const struct enumval role_kinds[] = {
	{ "officer", ROLE_OFFICER }, { "inspector", ROLE_INSPECTOR },
	{ "administrator", ROLE_ADMINISTRATOR }, { NULL, 0 }
};

static const struct field f_role[] = {
	{ "name", T_STR, ROLE_OFF(name), ARR(role, name), 1,
	    ARR(role, name) - 1, NULL, F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "kind", T_ENUM, ROLE_OFF(kind), 0, 0, 0, NULL, F_REQUIRED,
	    role_kinds, 0 },
	{ "users", T_STRLIST, ROLE_OFF(users), 0, 1, 64, NULL, 0, NULL,
	    ROLE_OFF(nusers) },
	{ "groups", T_STRLIST, ROLE_OFF(groups), 0, 1, 64, NULL, 0, NULL,
	    ROLE_OFF(ngroups) },
	{ "categories", T_STRLIST, ROLE_OFF(categories), 0, 1,
	    CONF_ID_MAX - 1, NULL, 0, NULL, ROLE_OFF(ncategories) },
	{ "ward", T_STR, ROLE_OFF(ward), ARR(role, ward), 0,
	    ARR(role, ward) - 1, "", 0, NULL, 0 },
	END_FIELDS
};

static const struct field f_cases[] = {
	{ "prefix", T_STR, CONF_OFF(case_prefix), ARR(config, case_prefix),
	    1, ARR(config, case_prefix) - 1, "PA", F_NONEMPTY, NULL, 0 },
	{ "language", T_ENUM, CONF_OFF(language), 0, 0, 0, "vi", 0, languages,
	    0 },
	END_FIELDS
};

static const struct field f_router[] = {
	{ "threshold", T_FLOAT, CONF_OFF(router_threshold), 0, 0, 100, "1.0",
	    0, NULL, 0 },
	{ "triage", T_STR, CONF_OFF(router_triage), ARR(config, router_triage),
	    1, ARR(config, router_triage) - 1, "general", F_NONEMPTY, NULL, 0 },
	/* "shorthand" is a list of pairs, read by read_shorthand(). */
#define RLIST(name, i)							\
	{ name, T_STRLIST, CONF_OFF(router_lists[i]), 0, 1, 200, NULL,	\
	    0, NULL, CONF_OFF(router_nlists[i]) }
	RLIST("spam", RLIST_SPAM),
	RLIST("greeting", RLIST_GREETING),
	RLIST("thanks", RLIST_THANKS),
	RLIST("filler", RLIST_FILLER),
	RLIST("demand", RLIST_DEMAND),
	RLIST("demand_after", RLIST_DEMAND_AFTER),
	RLIST("not_demand", RLIST_NOT_DEMAND),
	RLIST("money", RLIST_MONEY),
	RLIST("weak", RLIST_WEAK),
#undef RLIST
	END_FIELDS
};

static const struct field f_classifier[] = {
	{ "model", T_STR, CONF_OFF(classifier_model), 0, 0, PATH_MAX - 1, "",
	    0, NULL, 0 },
	{ "trained", T_STR, CONF_OFF(classifier_trained), 0, 0, PATH_MAX - 1,
	    "", 0, NULL, 0 },
	{ "corpus", T_STR, CONF_OFF(classifier_corpus), 0, 0, PATH_MAX - 1,
	    "/usr/local/share/papigw/router", 0, NULL, 0 },
	{ "spam_threshold", T_FLOAT, CONF_OFF(classifier_spam), 0, 0.01, 1,
	    "0.5", 0, NULL, 0 },
	{ "review_threshold", T_FLOAT, CONF_OFF(classifier_review), 0, 0.01,
	    1, "0.15", 0, NULL, 0 },
	{ "corruption_threshold", T_FLOAT, CONF_OFF(classifier_corruption), 0,
	    0.01, 1, "0.3", 0, NULL, 0 },
	{ "corruption_evidence_threshold", T_FLOAT,
	    CONF_OFF(classifier_corruption_evidence), 0, 0.01, 1, "0.1", 0,
	    NULL, 0 },
	{ "nonfeedback_threshold", T_FLOAT, CONF_OFF(classifier_nonfeedback),
	    0, 0.01, 1, "0.6", 0, NULL, 0 },
	END_FIELDS
};

static const struct field f_category[] = {
	{ "id", T_STR, CAT_OFF(id), ARR(category, id), 1,
	    ARR(category, id) - 1, NULL, F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "dimension", T_STR, CAT_OFF(dimension), ARR(category, dimension), 0,
	    2, "", 0, NULL, 0 },
	{ "name_vi", T_STR, CAT_OFF(name_vi), 0, 1, 200, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "name_en", T_STR, CAT_OFF(name_en), 0, 0, 200, "", 0, NULL, 0 },
	{ "short_vi", T_STR, CAT_OFF(short_vi), 0, 0, 40, "", 0, NULL, 0 },
	{ "short_en", T_STR, CAT_OFF(short_en), 0, 0, 40, "", 0, NULL, 0 },
	{ "code", T_STR, CAT_OFF(code), ARR(category, code), 0,
	    ARR(category, code) - 1, "", 0, NULL, 0 },
	{ "restricted", T_BOOL, CAT_OFF(restricted), 0, 0, 1, "false", 0,
	    NULL, 0 },
	{ "deadline_days", T_INT, CAT_OFF(deadline_days), 0, 1, 90, "15", 0,
	    NULL, 0 },
	{ "ack_vi", T_TEMPLATE, CAT_OFF(ack_vi), 0, 1, 1000, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "ack_en", T_TEMPLATE, CAT_OFF(ack_en), 0, 0, 1000, "", 0, NULL, 0 },
	{ "explain_vi", T_TEMPLATE, CAT_OFF(explain_vi), 0, 1, 2000, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "explain_en", T_TEMPLATE, CAT_OFF(explain_en), 0, 0, 2000, "", 0,
	    NULL, 0 },
	/* "subcategories" is a list, read by read_subcategories(). */
	END_FIELDS
};

static const struct field f_subcategory[] = {
	{ "id", T_STR, SUB_OFF(id), ARR(subcategory, id), 1,
	    ARR(subcategory, id) - 1, NULL, F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "keywords", T_STRLIST, SUB_OFF(keywords), 0, 1, 200, NULL, 0, NULL,
	    SUB_OFF(nkeywords) },
	END_FIELDS
};

static const struct field f_channel[] = {
	{ "name", T_STR, CHAN_OFF(name), ARR(channel, name), 1,
	    ARR(channel, name) - 1, NULL, F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "type", T_ENUM, CHAN_OFF(type), 0, 0, 0, NULL, F_REQUIRED,
	    channel_types, 0 },
	{ "enabled", T_BOOL, CHAN_OFF(enabled), 0, 0, 1, "true", 0, NULL, 0 },
	{ "number", T_STR, CHAN_OFF(number), 0, 0, 32, "", 0, NULL, 0 },
	{ "strip_diacritics", T_BOOL, CHAN_OFF(strip_diacritics), 0, 0, 1,
	    "false", 0, NULL, 0 },
	{ "reply_parts", T_INT, CHAN_OFF(reply_parts), 0, 1, 10, "1", 0,
	    NULL, 0 },
	{ "part_cost", T_INT, CHAN_OFF(part_cost), 0, -1, 100000, "-1", 0,
	    NULL, 0 },
	{ "device", T_STR, CHAN_OFF(device), 0, 0, PATH_MAX - 1, "", 0, NULL,
	    0 },
	{ "model", T_STR, CHAN_OFF(model), 0, 0, 32, "", 0, NULL, 0 },
	{ "connection", T_STR, CHAN_OFF(connection), 0, 0, 32, "at", 0, NULL,
	    0 },
	{ "pin", T_SECRET, CHAN_OFF(pin), 0, 0, 16, "", F_CHANNEL, NULL, 0 },
	{ "poll_interval", T_INT, CHAN_OFF(poll_interval), 0, 1, 3600, "5", 0,
	    NULL, 0 },
	{ "send_rate", T_INT, CHAN_OFF(send_rate), 0, 0, 6000, "20", 0,
	    NULL, 0 },
	{ "delete_unreadable_after", T_INT, CHAN_OFF(delete_unreadable_after),
	    0, 0, 1000, "10", 0, NULL, 0 },
	{ "stall_timeout", T_INT, CHAN_OFF(stall_timeout), 0, 1, 86400,
	    "300", 0, NULL, 0 },
	{ "public_url", T_STR, CHAN_OFF(public_url), 0, 0, 1000, "", 0, NULL,
	    0 },
	{ "base_url", T_STR, CHAN_OFF(base_url), 0, 0, 1000, "", 0, NULL, 0 },
	{ "account", T_STR, CHAN_OFF(account), 0, 0, 200, "", 0, NULL, 0 },
	{ "token", T_SECRET, CHAN_OFF(token), 0, 0, CONF_SECRET_MAX, "",
	    F_CHANNEL, NULL, 0 },
	{ "signature_secret", T_SECRET, CHAN_OFF(signature_secret), 0, 0,
	    CONF_SECRET_MAX, "", F_CHANNEL, NULL, 0 },
	{ "rate", T_FLOAT, CHAN_OFF(rate), 0, 0, 10000, "0", 0, NULL, 0 },
	{ "send_method", T_ENUM, CHAN_OFF(send_method), 0, 0, 0, "post", 0,
	    channel_sends, 0 },
	{ "allow_from", T_STRLIST, CHAN_OFF(allow_from), 0, 1, 63, NULL, 0,
	    NULL, CHAN_OFF(nallow_from) },
	{ "auth", T_ENUM, CHAN_OFF(auth), 0, 0, 0, "none", 0, channel_auths,
	    0 },
	{ "auth_user", T_STR, CHAN_OFF(auth_user), 0, 1, 64, "papigw",
	    F_NONEMPTY, NULL, 0 },
	{ "auth_secret", T_SECRET, CHAN_OFF(auth_secret), 0, 0,
	    CONF_SECRET_MAX, "", F_CHANNEL, NULL, 0 },
	END_FIELDS
};

/*
 * Replies (core/reply.c): the special words, the texts that answer them and the
 * limits on automatic replies.  Words and texts default to none: a file
 * without them has no special words.  check_replies() folds the words into
 * conf->special and checks that each kind of word has its text.
 */
static const struct field f_replies[] = {
	{ "help_words", T_STRLIST, CONF_OFF(replies_help_words), 0, 1,
	    REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(replies_nhelp_words) },
	{ "status_words", T_STRLIST, CONF_OFF(replies_status_words), 0, 1,
	    REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(replies_nstatus_words) },
	{ "stop_words", T_STRLIST, CONF_OFF(replies_stop_words), 0, 1,
	    REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(replies_nstop_words) },
	{ "start_words", T_STRLIST, CONF_OFF(replies_start_words), 0, 1,
	    REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(replies_nstart_words) },
	{ "explain_words", T_STRLIST, CONF_OFF(replies_explain_words), 0, 1,
	    REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(replies_nexplain_words) },
	{ "vietnamese_words", T_STRLIST, CONF_OFF(replies_vietnamese_words),
	    0, 1, REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(replies_nvietnamese_words) },
	{ "english_switch_words", T_STRLIST,
	    CONF_OFF(replies_english_switch_words), 0, 1, REPLY_WORD_MAX - 1,
	    NULL, 0, NULL, CONF_OFF(replies_nenglish_switch_words) },
	{ "english_words", T_STRLIST, CONF_OFF(replies_english_words), 0, 1,
	    REPLY_WORD_MAX - 1, NULL, 0, NULL,
	    CONF_OFF(replies_nenglish_words) },
	{ "help_vi", T_TEMPLATE, CONF_OFF(replies_help_vi), 0, 0, 1000, "", 0,
	    NULL, 0 },
	{ "help_en", T_TEMPLATE, CONF_OFF(replies_help_en), 0, 0, 1000, "", 0,
	    NULL, 0 },
	{ "status_vi", T_TEMPLATE, CONF_OFF(replies_status_vi), 0, 0, 1000,
	    "", F_STATUS, NULL, 0 },
	{ "status_en", T_TEMPLATE, CONF_OFF(replies_status_en), 0, 0, 1000,
	    "", F_STATUS, NULL, 0 },
	{ "status_answer_vi", T_TEMPLATE, CONF_OFF(replies_status_answer_vi),
	    0, 0, 1000, "", F_STATUS, NULL, 0 },
	{ "status_answer_en", T_TEMPLATE, CONF_OFF(replies_status_answer_en),
	    0, 0, 1000, "", F_STATUS, NULL, 0 },
	{ "refusal_vi", T_TEMPLATE, CONF_OFF(replies_refusal_vi), 0, 0, 1000,
	    "", 0, NULL, 0 },
	{ "refusal_en", T_TEMPLATE, CONF_OFF(replies_refusal_en), 0, 0, 1000,
	    "", 0, NULL, 0 },
	{ "stop_vi", T_TEMPLATE, CONF_OFF(replies_stop_vi), 0, 0, 1000, "", 0,
	    NULL, 0 },
	{ "stop_en", T_TEMPLATE, CONF_OFF(replies_stop_en), 0, 0, 1000, "", 0,
	    NULL, 0 },
	{ "start_vi", T_TEMPLATE, CONF_OFF(replies_start_vi), 0, 0, 1000, "",
	    0, NULL, 0 },
	{ "start_en", T_TEMPLATE, CONF_OFF(replies_start_en), 0, 0, 1000, "",
	    0, NULL, 0 },
	{ "thanks_vi", T_TEMPLATE, CONF_OFF(replies_thanks_vi), 0, 0, 1000,
	    "", 0, NULL, 0 },
	{ "thanks_en", T_TEMPLATE, CONF_OFF(replies_thanks_en), 0, 0, 1000,
	    "", 0, NULL, 0 },
	{ "followup_vi", T_TEMPLATE, CONF_OFF(replies_followup_vi), 0, 0,
	    1000, "", 0, NULL, 0 },
	{ "followup_en", T_TEMPLATE, CONF_OFF(replies_followup_en), 0, 0,
	    1000, "", 0, NULL, 0 },
	{ "satisfied_vi", T_TEMPLATE, CONF_OFF(replies_satisfied_vi), 0, 0,
	    1000, "", 0, NULL, 0 },
	{ "satisfied_en", T_TEMPLATE, CONF_OFF(replies_satisfied_en), 0, 0,
	    1000, "", 0, NULL, 0 },
	{ "reopened_vi", T_TEMPLATE, CONF_OFF(replies_reopened_vi), 0, 0,
	    1000, "", 0, NULL, 0 },
	{ "reopened_en", T_TEMPLATE, CONF_OFF(replies_reopened_en), 0, 0,
	    1000, "", 0, NULL, 0 },
	{ "answer_vi", T_TEMPLATE, CONF_OFF(replies_answer_vi), 0, 0, 1000,
	    "", F_STATUS, NULL, 0 },
	{ "answer_en", T_TEMPLATE, CONF_OFF(replies_answer_en), 0, 0, 1000,
	    "", F_STATUS, NULL, 0 },
	{ "explain_first", T_BOOL, CONF_OFF(replies_explain_first), 0, 0, 1,
	    "false", 0, NULL, 0 },
	{ "language_vi", T_TEMPLATE, CONF_OFF(replies_language_vi), 0, 0,
	    1000, "", 0, NULL, 0 },
	{ "language_en", T_TEMPLATE, CONF_OFF(replies_language_en), 0, 0,
	    1000, "", 0, NULL, 0 },
	{ "max_per_sender_day", T_INT, CONF_OFF(replies_max_per_sender_day),
	    0, 0, 10000, "0", 0, NULL, 0 },
	{ "flood_messages", T_INT, CONF_OFF(replies_flood_messages), 0, 0,
	    100000, "0", 0, NULL, 0 },
	{ "flood_window", T_INT, CONF_OFF(replies_flood_window), 0, 1, 86400,
	    "60", 0, NULL, 0 },
	{ "quarantine_time", T_INT, CONF_OFF(replies_quarantine_time), 0, 0,
	    31536000, "86400", 0, NULL, 0 },
	{ "max_segments", T_INT, CONF_OFF(replies_max_segments), 0, 1, 20,
	    "10", 0, NULL, 0 },
	END_FIELDS
};

#define TOPIC_OFF(m)	offsetof(struct topic, m)

/* An element of the "topics" list (read_topics()). */
static const struct field f_topic[] = {
	{ "id", T_STR, TOPIC_OFF(id), ARR(topic, id), 1, ARR(topic, id) - 1,
	    NULL, F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "words", T_STRLIST, TOPIC_OFF(words), 0, 1, REPLY_WORD_MAX - 1,
	    NULL, 0, NULL, TOPIC_OFF(nwords) },
	{ "text_vi", T_TEMPLATE, TOPIC_OFF(text_vi), 0, 1, 1000, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	{ "text_en", T_TEMPLATE, TOPIC_OFF(text_en), 0, 0, 1000, "", 0, NULL,
	    0 },
	{ "ussd", T_STR, TOPIC_OFF(ussd), 0, 1, REPLY_USSD_MAX, NULL,
	    F_REQUIRED | F_NONEMPTY, NULL, 0 },
	END_FIELDS
};

/* Which channel settings belong to which channel types. */
static const struct {
	const char	*name;
	unsigned	 types;	/* bit per enum channel_type */
} channel_scope[] = {
	{ "device", 1u << CHANNEL_MODEM },
	{ "model", 1u << CHANNEL_MODEM },
	{ "connection", 1u << CHANNEL_MODEM },
	{ "pin", 1u << CHANNEL_MODEM },
	{ "poll_interval", 1u << CHANNEL_MODEM },
	{ "send_rate", 1u << CHANNEL_MODEM },
	{ "delete_unreadable_after", 1u << CHANNEL_MODEM },
	{ "stall_timeout", 1u << CHANNEL_MODEM },
	{ "allow_from", ~(1u << CHANNEL_MODEM) },
	{ "auth", 1u << CHANNEL_GENERIC | 1u << CHANNEL_AFRICASTALKING },
	{ "send_method", 1u << CHANNEL_GENERIC },
	{ "auth_user", 1u << CHANNEL_GENERIC | 1u << CHANNEL_AFRICASTALKING },
	{ "auth_secret", 1u << CHANNEL_GENERIC | 1u << CHANNEL_AFRICASTALKING },
	{ "public_url", ~(1u << CHANNEL_MODEM) },
	{ "base_url", ~(1u << CHANNEL_MODEM) },
	{ "account", ~(1u << CHANNEL_MODEM) },
	{ "token", ~(1u << CHANNEL_MODEM) },
	{ "signature_secret", ~(1u << CHANNEL_MODEM) },
};

/*
 * USSD menu sessions (domain/ussd_menu.c, chan/ussd.c).  The texts are screens or parts of screens
 * in plain ASCII; read_ussd() reads the menu lists and has ussd_check()
 * render every screen at its longest against the 182 characters of USSD.
 */
#define USSD_OFF(t)	CONF_OFF(ussd_texts[t])

static const struct field f_ussd[] = {
	{ "enabled", T_BOOL, CONF_OFF(ussd_enabled), 0, 0, 1, "false", 0,
	    NULL, 0 },
	{ "service_code", T_STR, CONF_OFF(ussd_service_code), 0, 0, 31, "", 0,
	    NULL, 0 },
	{ "channel", T_STR, CONF_OFF(ussd_channel), ARR(config, ussd_channel),
	    0, CONF_ID_MAX - 1, "", 0, NULL, 0 },
	{ "session_timeout", T_INT, CONF_OFF(ussd_session_timeout), 0, 1,
	    3600, "180", 0, NULL, 0 },
	{ "max_sessions", T_INT, CONF_OFF(ussd_max_sessions), 0, 1, 100000,
	    "10000", 0, NULL, 0 },
	{ "max_text", T_INT, CONF_OFF(ussd_max_text), 0, 10,
	    USSD_TEXT_CHARS_MAX, "160", 0, NULL, 0 },
	{ "sms_ack", T_BOOL, CONF_OFF(ussd_sms_ack), 0, 0, 1, "true", 0, NULL,
	    0 },
	{ "title", T_STR, USSD_OFF(USSD_T_TITLE), 0, 1, 400,
	    "UBND Phuong 7 Q.10 - Hop thu gop y", F_NONEMPTY, NULL, 0 },
	{ "report_prompt", T_STR, USSD_OFF(USSD_T_REPORT), 0, 1, 400,
	    "Chon linh vuc phan anh:", F_NONEMPTY, NULL, 0 },
	{ "text_prompt", T_STR, USSD_OFF(USSD_T_TEXT), 0, 1, 400,
	    "{category}: nhap noi dung phan anh, toi da {max} ky tu:",
	    F_NONEMPTY, NULL, 0 },
	{ "confirm", T_STR, USSD_OFF(USSD_T_CONFIRM), 0, 1, 400,
	    "Gui phan anh {category}:", F_NONEMPTY, NULL, 0 },
	{ "send", T_STR, USSD_OFF(USSD_T_SEND), 0, 1, 400, "Gui", F_NONEMPTY,
	    NULL, 0 },
	{ "cut_notice", T_STR, USSD_OFF(USSD_T_CUT), 0, 1, 400,
	    "Noi dung dai qua, chi giu {max} ky tu dau.", F_NONEMPTY, NULL,
	    0 },
	{ "done", T_STR, USSD_OFF(USSD_T_DONE), 0, 1, 400,
	    "Da tiep nhan phan anh. Ma ho so: {ref}. De tra cuu, quay lai so "
	    "nay va chon 2. Xin cam on!", F_NONEMPTY, NULL, 0 },
	{ "ref_prompt", T_STR, USSD_OFF(USSD_T_REF), 0, 1, 400,
	    "Nhap ma ho so (vi du {example}):", F_NONEMPTY, NULL, 0 },
	{ "not_found", T_STR, USSD_OFF(USSD_T_NOT_FOUND), 0, 1, 400,
	    "Khong tim thay ho so {ref} cua so nay.", F_NONEMPTY, NULL, 0 },
	{ "info_prompt", T_STR, USSD_OFF(USSD_T_INFO), 0, 1, 400,
	    "Chon thong tin:", F_NONEMPTY, NULL, 0 },
	{ "invalid", T_STR, USSD_OFF(USSD_T_INVALID), 0, 1, 400,
	    "Lua chon khong hop le.", F_NONEMPTY, NULL, 0 },
	{ "failed", T_STR, USSD_OFF(USSD_T_FAILED), 0, 1, 400,
	    "Loi he thong, chua luu duoc. Vui long thu lai.", F_NONEMPTY, NULL,
	    0 },
	{ "busy", T_STR, USSD_OFF(USSD_T_BUSY), 0, 1, 400,
	    "He thong dang ban. Vui long quay so lai sau it phut. Xin cam on!",
	    F_NONEMPTY, NULL, 0 },
	{ "expired", T_STR, USSD_OFF(USSD_T_EXPIRED), 0, 1, 400,
	    "Phien lam viec da het han. Vui long quay so lai.", F_NONEMPTY,
	    NULL, 0 },
	{ "nav", T_STR, USSD_OFF(USSD_T_NAV), 0, 1, 400,
	    "0. Quay lai, 00. Trang chu", F_NONEMPTY, NULL, 0 },
	/* "menu", "report_categories", "info_topics": read_ussd(). */
	END_FIELDS
};

/* The top-level groups and their tables. */
static const struct group {
	const char		*name;
	const struct field	*fields;
} groups[] = {
	{ "log", f_log },
	{ "ward", f_ward },
	{ "storage", f_storage },
	{ "audit", f_audit },
	{ "http", f_http },
	{ "control", f_control },
	{ "web", f_web },
	{ "ingest", f_ingest },
	{ "outbox", f_outbox },
	{ "cases", f_cases },
	{ "router", f_router },
	{ "classifier", f_classifier },
	{ "replies", f_replies },
	{ "deadlines", f_deadlines },
	{ "privacy", f_privacy },
	{ "satisfaction", f_satisfaction },
	{ "ussd", f_ussd },
	{ "reports", f_reports },
	{ "announce", f_announce },
	{ "catalogue", f_catalogue },
	{ "reception", f_reception },
};
#define NGROUPS	(sizeof(groups) / sizeof(groups[0]))

/* Variables a reply template may use. */
static const char *const template_vars[] = {
	"ref", "category", "deadline", "ward", "hours", "hotline", NULL
};

/* Variables the status answers (F_STATUS) may use besides those. */
static const char *const status_vars[] = { "state", "answer", NULL };

/*
 * ===================================================================
 * Error reporting
 * ===================================================================
 */

struct loader {
	config_t		 cfg;
	const char		*path;
	const char		*dir;	/* of path: where includes are */
	char			*err;
	size_t			 errsz;
	int			 failed;
	/* Settings that -o set or created, with the override's key. */
	const config_setting_t	*ovr_setting[CONF_OVERRIDES_MAX];
	const char		*ovr_key[CONF_OVERRIDES_MAX];
	size_t			 novr;
};

/*
 * The directory to print before the name libconfig gives an included
 * file, which is relative to the include directory: "" for the main file
 * and for absolute names.
 */
static const char *
include_dir(const struct loader *ld, const char *file)
{
	if (file == ld->path || strcmp(file, ld->path) == 0 || *file == '/' ||
	    strcmp(ld->dir, ".") == 0)
		return "";
	return ld->dir;
}

/*
 * Records the first error as "FILE:LINE: message" for setting s (or the
 * file itself when s is NULL).  Later errors are ignored: the first one is
 * what the administrator fixes first.  fmt is a message of the catalogue
 * (xgettext takes conf_error()'s third argument): the message is in the
 * language of the locale, the names of settings and FILE:LINE as they
 * are.
 */
static void __attribute__((format(printf, 3, 4)))
conf_error(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
{
	char		 msg[CONF_ERR_MAX / 2];
	const char	*file = ld->path;
	unsigned	 line = 0;
	va_list		 ap;
	size_t		 i;

	if (ld->failed)
		return;
	ld->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	for (i = 0; s != NULL && i < ld->novr; i++) {
		if (ld->ovr_setting[i] == s) {
			snprintf(ld->err, ld->errsz, "-o %s: %s",
			    ld->ovr_key[i], msg);
			return;
		}
	}
	if (s != NULL) {
		line = config_setting_source_line(s);
		if (config_setting_source_file(s) != NULL)
			file = config_setting_source_file(s);
	}
	snprintf(ld->err, ld->errsz, "%s%s%s:%u: %s", include_dir(ld, file),
	    *include_dir(ld, file) ? "/" : "", file, line, msg);
}

/* Edit distance between a and b, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
	size_t	 d[64][64], la = strlen(a), lb = strlen(b), x, y, c;

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (x = 0; x <= la; x++)
		d[x][0] = x;
	for (y = 0; y <= lb; y++)
		d[0][y] = y;
	for (x = 1; x <= la; x++)
		for (y = 1; y <= lb; y++) {
			c = d[x - 1][y - 1] + (a[x - 1] != b[y - 1]);
			if (d[x - 1][y] + 1 < c)
				c = d[x - 1][y] + 1;
			if (d[x][y - 1] + 1 < c)
				c = d[x][y - 1] + 1;
			d[x][y] = c;
		}
	return d[la][lb];
}

/*
 * The known name nearest to a misspelt one (at most two edits away), from
 * a schema table and a NULL-terminated list of extra names; NULL if none.
 */
static const char *
nearest(const char *name, const struct field *fields,
    const char *const *extra)
{
	const char	*best = NULL;
	size_t		 bestd = 3, d, i;

	for (i = 0; fields != NULL && fields[i].name != NULL; i++)
		if ((d = distance(name, fields[i].name)) < bestd) {
			bestd = d;
			best = fields[i].name;
		}
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		if ((d = distance(name, extra[i])) < bestd) {
			bestd = d;
			best = extra[i];
		}
	return best;
}

/*
 * ===================================================================
 * Reading one field
 * ===================================================================
 */

static char **
str_slot(void *obj, const struct field *f)
{
	return (char **)(void *)((char *)obj + f->off);
}

/*
 * Checks a template's {variables} (with F_STATUS in flags, also those of
 * status answers); returns 0 or -1 after an error.
 */
static int
check_template(struct loader *ld, const config_setting_t *s, const char *v,
    int flags)
{
	const char	*p, *end;
	size_t		 i, j, n;

	for (p = v; (p = strchr(p, '{')) != NULL; p = end + 1) {
		if ((end = strchr(p, '}')) == NULL) {
			conf_error(ld, s, "%s: '{' without '}'",
			    config_setting_name(s));
			return -1;
		}
		n = (size_t)(end - p - 1);
		for (i = 0; template_vars[i] != NULL; i++)
			if (strlen(template_vars[i]) == n &&
			    strncmp(p + 1, template_vars[i], n) == 0)
				break;
		for (j = 0; template_vars[i] == NULL && (flags & F_STATUS) &&
		    status_vars[j] != NULL; j++)
			if (strlen(status_vars[j]) == n &&
			    strncmp(p + 1, status_vars[j], n) == 0)
				break;
		if (template_vars[i] == NULL && ((flags & F_STATUS) == 0 ||
		    status_vars[j] == NULL)) {
			conf_error(ld, s, "%s: unknown variable {%.*s} (known:"
			    " {ref} {category} {deadline} {ward} {hours}"
			    " {hotline}%s)", config_setting_name(s), (int)n,
			    p + 1, (flags & F_STATUS) ? " {state} {answer}" :
			    "");
			return -1;
		}
	}
	return 0;
}

/* Stores string v in field f of obj after the length checks. */
static int
set_string(struct loader *ld, const config_setting_t *s, void *obj,
    const struct field *f, const char *v)
{
	size_t	len = strlen(v);

	if ((f->flags & F_NONEMPTY) && len == 0) {
		conf_error(ld, s, "%s: must not be empty", f->name);
		return -1;
	}
	if (len > (size_t)f->max) {
		conf_error(ld, s, "%s: longer than %zu bytes", f->name,
		    (size_t)f->max);
		return -1;
	}
	if (f->type == T_TEMPLATE && check_template(ld, s, v, f->flags) == -1)
		return -1;
	if (f->size > 0) {
		copy_str((char *)obj + f->off, f->size, v);
	} else {
		char **slot = str_slot(obj, f);

		free(*slot);
		*slot = xstrdup(v);
	}
	return 0;
}

static int
set_enum(struct loader *ld, const config_setting_t *s, void *obj,
    const struct field *f, const char *v)
{
	char	 names[256] = "";
	size_t	 i;

	for (i = 0; f->enums[i].name != NULL; i++) {
		if (strcmp(v, f->enums[i].name) == 0) {
			*(int *)(void *)((char *)obj + f->off) =
			    f->enums[i].value;
			return 0;
		}
		strncat(names, i ? ", " : "",
		    sizeof(names) - strlen(names) - 1);
		strncat(names, f->enums[i].name,
		    sizeof(names) - strlen(names) - 1);
	}
	conf_error(ld, s, "%s: '%s' is not one of: %s", f->name, v, names);
	return -1;
}

/*
 * Reads a secret: NAME inline or NAME_file naming a file that holds it.
 * The file's content is never part of an error message.
 */
static int
read_secret(struct loader *ld, config_setting_t *grp, void *obj,
    const struct field *f)
{
	char			 fname[CONF_ID_MAX + 8];
	config_setting_t	*inl, *file;
	const char		*v;
	char			*buf, **slot = str_slot(obj, f);
	size_t			 len;

	snprintf(fname, sizeof(fname), "%s_file", f->name);
	inl = config_setting_get_member(grp, f->name);
	file = config_setting_get_member(grp, fname);
	if (inl != NULL && file != NULL) {
		conf_error(ld, file, "%s and %s are both set: keep one",
		    f->name, fname);
		return -1;
	}
	if (file != NULL) {
		if ((v = config_setting_get_string(file)) == NULL) {
			conf_error(ld, file, "%s: expected a string (a file "
			    "path)", fname);
			return -1;
		}
		if (*v == '\0') {
			conf_error(ld, file, "%s: must not be empty", fname);
			return -1;
		}
		/*
		 * A disabled channel's secret files need not exist yet: the
		 * shipped configuration names them before they are made.
		 * "enabled" precedes the secrets in f_channel.
		 */
		if ((f->flags & F_CHANNEL) && !((struct channel *)obj)->enabled)
			return set_string(ld, file, obj, f, "");
		if ((buf = read_small_file(v, (size_t)f->max, &len)) ==
		    NULL) {
			conf_error(ld, file, "%s: %s: %s", fname, v,
			    errno == EFBIG ? _("file too large for a secret") :
			    strerror(errno));
			return -1;
		}
		if (len == 0 || strlen(buf) != len) {
			conf_error(ld, file, "%s: %s: empty or binary secret",
			    fname, v);
			explicit_bzero(buf, len);
			free(buf);
			return -1;
		}
		free(*slot);
		*slot = buf;
		return 0;
	}
	if (inl != NULL) {
		if ((v = config_setting_get_string(inl)) == NULL) {
			conf_error(ld, inl, "%s: expected a string", f->name);
			return -1;
		}
		return set_string(ld, inl, obj, f, v);
	}
	return set_string(ld, grp, obj, f, f->def != NULL ? f->def : "");
}

static int
read_strlist(struct loader *ld, config_setting_t *s, void *obj,
    const struct field *f)
{
	char		***slot = (char ***)(void *)((char *)obj + f->off);
	size_t		 *count = (size_t *)(void *)((char *)obj + f->off2);
	const char	 *v;
	int		  i, n;

	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		conf_error(ld, s, "%s: expected an array of strings",
		    f->name);
		return -1;
	}
	n = config_setting_length(s);
	*slot = xcalloc((size_t)n + 1, sizeof(char *));
	*count = 0;
	for (i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if ((v = config_setting_get_string(e)) == NULL) {
			conf_error(ld, e, "%s: element %d is not a string",
			    f->name, i + 1);
			return -1;
		}
		if (*v == '\0' || strlen(v) > (size_t)f->max) {
			conf_error(ld, e, "%s: element %d must be 1 to %zu "
			    "bytes", f->name, i + 1, (size_t)f->max);
			return -1;
		}
		(*slot)[(*count)++] = xstrdup(v);
	}
	return 0;
}

/* The int, double or pointer slot of field f in obj. */
#define SLOT(obj, f, type)	((type *)(void *)((char *)(obj) + (f)->off))

/*
 * Sets field f of obj to its default (the group grp holds no setting for
 * it).  Returns 0, or -1 after recording an error.
 */
static int
read_default(struct loader *ld, config_setting_t *grp, void *obj,
    const struct field *f)
{
	const char	*v = f->def;

	if (f->flags & F_REQUIRED) {
		conf_error(ld, grp, "missing required setting '%s'",
		    f->name);
		return -1;
	}
	/* Errors in defaults point at the group. */
	switch (f->type) {
	case T_STRLIST:
		return 0;
	case T_INT:
		*SLOT(obj, f, int) = (int)strtol(v, NULL, 10);
		return 0;
	case T_FLOAT:
		*SLOT(obj, f, double) = strtod(v, NULL);
		return 0;
	case T_BOOL:
		*SLOT(obj, f, int) = strcmp(v, "true") == 0;
		return 0;
	case T_ENUM:
		return set_enum(ld, grp, obj, f, v);
	default:
		return set_string(ld, grp, obj, f, v);
	}
}

/* Reads a number setting s into field f (T_INT or T_FLOAT) of obj. */
static int
read_number(struct loader *ld, config_setting_t *s, void *obj,
    const struct field *f)
{
	int		type = config_setting_type(s);
	long long	ll;
	double		d;

	if (f->type == T_INT) {
		if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
			conf_error(ld, s, "%s: expected a whole number",
			    f->name);
			return -1;
		}
		ll = config_setting_get_int64(s);
		if (ll < (long long)f->min || ll > (long long)f->max) {
			conf_error(ld, s, "%s: %lld is out of range (%lld to "
			    "%lld)", f->name, ll, (long long)f->min,
			    (long long)f->max);
			return -1;
		}
		*SLOT(obj, f, int) = (int)ll;
		return 0;
	}
	if (type == CONFIG_TYPE_FLOAT)
		d = config_setting_get_float(s);
	else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
		d = (double)config_setting_get_int64(s);
	else {
		conf_error(ld, s, "%s: expected a number", f->name);
		return -1;
	}
	if (d < f->min || d > f->max) {
		conf_error(ld, s, "%s: %g is out of range (%g to %g)",
		    f->name, d, f->min, f->max);
		return -1;
	}
	*SLOT(obj, f, double) = d;
	return 0;
}

/*
 * Reads field f of obj from setting s (or from its default when s is
 * NULL).  grp is the group holding it, for errors about missing settings.
 * Returns 0, or -1 after recording an error.
 */
static int
read_field(struct loader *ld, config_setting_t *grp, config_setting_t *s,
    void *obj, const struct field *f)
{
	if (f->type == T_SECRET)
		return read_secret(ld, grp, obj, f);
	if (s == NULL)
		return read_default(ld, grp, obj, f);
	switch (f->type) {
	case T_STR:
	case T_TEMPLATE:
	case T_ENUM:
		if (config_setting_type(s) != CONFIG_TYPE_STRING) {
			conf_error(ld, s, "%s: expected a string in double "
			    "quotes", f->name);
			return -1;
		}
		if (f->type == T_ENUM)
			return set_enum(ld, s, obj, f,
			    config_setting_get_string(s));
		return set_string(ld, s, obj, f,
		    config_setting_get_string(s));
	case T_INT:
	case T_FLOAT:
		return read_number(ld, s, obj, f);
	case T_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
			conf_error(ld, s, "%s: expected true or false",
			    f->name);
			return -1;
		}
		*SLOT(obj, f, int) = config_setting_get_bool(s);
		return 0;
	case T_STRLIST:
		return read_strlist(ld, s, obj, f);
	case T_SECRET:
		break;
	}
	return -1;
}

/* Finds the field called name, also as NAME_file for secrets. */
static const struct field *
find_field(const struct field *fields, const char *name)
{
	size_t	i, n;

	for (i = 0; fields[i].name != NULL; i++) {
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
		n = strlen(fields[i].name);
		if (fields[i].type == T_SECRET &&
		    strncmp(fields[i].name, name, n) == 0 &&
		    strcmp(name + n, "_file") == 0)
			return &fields[i];
	}
	return NULL;
}

/*
 * Reads every field of a group into obj.  Members not in the table are
 * errors, except those named in extra (a NULL-terminated list of members
 * the caller reads itself).
 */
static int
read_group(struct loader *ld, config_setting_t *grp, void *obj,
    const struct field *fields, const char *const *extra)
{
	config_setting_t	*m;
	const char		*name, *near;
	size_t			 i;
	int			 n, j, known;

	if (grp != NULL && !config_setting_is_group(grp)) {
		conf_error(ld, grp, "%s: expected a group { ... }",
		    config_setting_name(grp));
		return -1;
	}
	n = grp != NULL ? config_setting_length(grp) : 0;
	for (j = 0; j < n; j++) {
		m = config_setting_get_elem(grp, (unsigned)j);
		name = config_setting_name(m);
		known = find_field(fields, name) != NULL;
		for (i = 0; !known && extra != NULL && extra[i] != NULL; i++)
			known = strcmp(extra[i], name) == 0;
		if (!known) {
			near = nearest(name, fields, extra);
			if (near != NULL)
				conf_error(ld, m, "unknown setting '%s' (did "
				    "you mean '%s'?)", name, near);
			else
				conf_error(ld, m, "unknown setting '%s'",
				    name);
			return -1;
		}
	}
	for (i = 0; fields[i].name != NULL; i++) {
		m = grp != NULL ? config_setting_get_member(grp,
		    fields[i].name) : NULL;
		if (read_field(ld, grp != NULL ? grp :
		    config_root_setting(&ld->cfg), m, obj, &fields[i]) == -1)
			return -1;
	}
	return 0;
}

/*
 * ===================================================================
 * Lists: categories, subcategories, channels, shorthand
 * ===================================================================
 */

static int
valid_id(const char *id)
{
	const char	*p;

	if (*id == '\0')
		return 0;
	for (p = id; *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p)
		    && *p != '_' && *p != '-')
			return 0;
	return 1;
}

/*
 * Finds the top-level list called name and checks that it is a list of at
 * most max groups, and not empty when required.  Sets *listp and returns
 * its length; returns 0 when it is absent and not required, or -1 after
 * an error.
 */
static int
list_of(struct loader *ld, const char *name, int max, int required,
    config_setting_t **listp)
{
	config_setting_t	*list;

	*listp = list = config_lookup(&ld->cfg, name);
	if (list == NULL) {
		if (!required)
			return 0;
		conf_error(ld, NULL, "missing required list '%s'", name);
		return -1;
	}
	if (!config_setting_is_list(list) ||
	    (required && config_setting_length(list) < 1)) {
		if (required)
			conf_error(ld, list, "%s: expected a non-empty list "
			    "( {...}, ... )", name);
		else
			conf_error(ld, list, "%s: expected a list "
			    "( {...}, ... )", name);
		return -1;
	}
	if (config_setting_length(list) > max) {
		conf_error(ld, list, "%s: more than %d", name, max);
		return -1;
	}
	return config_setting_length(list);
}

/* A top-level list of groups, each named by an id unique in the list. */
struct list_spec {
	const char		*name;		/* the list: "channels" */
	int			 max, required;	/* as list_of() takes them */
	const struct field	*fields;	/* each group's, and */
	const char *const	*extra;		/* what the caller reads */
	size_t			 size;		/* bytes of an element */
	const char		*idkey;		/* its id's member: "id" */
	size_t			 idoff;		/* char[CONF_ID_MAX] */
	size_t			 lineoff;	/* int: the id's line */
	const char		*what;		/* N_("channel name") */
};

/*
 * Reads the list that spec describes into *arrayp (a new array; NULL when
 * the list is absent or empty) of *np elements, set before they are read
 * so that config_free() frees what an error leaves: each group with its
 * fields, each id valid and unique (an error names the first one's line),
 * each line the id's.  Sets *listp to the list.  Returns 0, or -1 after an
 * error.
 */
static int
read_list(struct loader *ld, const struct list_spec *spec, void **arrayp,
    size_t *np, config_setting_t **listp)
{
	config_setting_t	*e;
	char			*el, *id;
	size_t			 i, j;
	int			 n;

	*arrayp = NULL;
	*np = 0;
	if ((n = list_of(ld, spec->name, spec->max, spec->required,
	    listp)) <= 0)
		return n;
	*arrayp = xcalloc((size_t)n, spec->size);
	*np = (size_t)n;
	for (i = 0; i < (size_t)n; i++) {
		e = config_setting_get_elem(*listp, (unsigned)i);
		el = (char *)*arrayp + i * spec->size;
		id = el + spec->idoff;
		if (read_group(ld, e, el, spec->fields, spec->extra) == -1)
			return -1;
		/* The line of the id: what "first at line" points to. */
		*(int *)(void *)(el + spec->lineoff) = (int)
		    config_setting_source_line(config_setting_get_member(e,
		    spec->idkey));
		if (!valid_id(id)) {
			/* TRANSLATORS: %s is "channel name", "area id"... */
			conf_error(ld, e, "%s '%s': use lowercase letters, "
			    "digits, '_' and '-'", _(spec->what), id);
			return -1;
		}
		for (j = 0; j < i; j++) {
			const char *other = (char *)*arrayp + j * spec->size;

			if (strcmp(other + spec->idoff, id) == 0) {
				conf_error(ld, config_setting_get_member(e,
				    spec->idkey), "duplicate %s '%s' (first at "
				    "line %d)", _(spec->what), id, *(const int *)
				    (const void *)(other + spec->lineoff));
				return -1;
			}
		}
	}
	return 0;
}

static int
read_subcategories(struct loader *ld, config_setting_t *cat,
    struct category *c)
{
	config_setting_t	*list, *e;
	size_t			 i, j;

	list = config_setting_get_member(cat, "subcategories");
	if (list == NULL) {
		conf_error(ld, cat, "category '%s': missing required setting "
		    "'subcategories'", c->id);
		return -1;
	}
	if (!config_setting_is_list(list)) {
		conf_error(ld, list, "subcategories: expected a list ( {...},"
		    " ... )");
		return -1;
	}
	c->nsubs = (size_t)config_setting_length(list);
	c->subs = xcalloc(c->nsubs, sizeof(*c->subs));
	for (i = 0; i < c->nsubs; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		c->subs[i].line = (int)config_setting_source_line(e);
		if (read_group(ld, e, &c->subs[i], f_subcategory, NULL) == -1)
			return -1;
		if (!valid_id(c->subs[i].id)) {
			conf_error(ld, e, "subcategory id '%s': use lowercase "
			    "letters, digits, '_' and '-'", c->subs[i].id);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(c->subs[j].id, c->subs[i].id) == 0) {
				conf_error(ld, e, "duplicate subcategory id "
				    "'%s' in category '%s'", c->subs[i].id,
				    c->id);
				return -1;
			}
	}
	return 0;
}

static int
read_categories(struct loader *ld, struct config *conf)
{
	static const char *const extra[] = { "subcategories", NULL };
	static const struct list_spec spec = { "categories",
	    CONF_CATEGORIES_MAX, 1, f_category, extra,
	    sizeof(struct category), "id", offsetof(struct category, id),
	    offsetof(struct category, line), N_("category id") };
	config_setting_t	*list, *e;
	struct category		*c;
	size_t			 i, j;

	if (read_list(ld, &spec, (void **)&conf->categories,
	    &conf->ncategories, &list) == -1)
		return -1;
	for (i = 0; i < conf->ncategories; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		c = &conf->categories[i];
		if (c->dimension[0] != '\0' && (c->dimension[0] != 'D' ||
		    c->dimension[1] < '1' || c->dimension[1] > '8' ||
		    c->dimension[2] != '\0')) {
			conf_error(ld, config_setting_get_member(e,
			    "dimension"), "dimension: '%s' is not a PAPI "
			    "dimension (D1 to D8, or \"\")", c->dimension);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (c->code[0] != '\0' && strcasecmp(
			    conf->categories[j].code, c->code) == 0) {
				conf_error(ld, config_setting_get_member(e,
				    "code"), "duplicate category code '%s' "
				    "(also category '%s')", c->code,
				    conf->categories[j].id);
				return -1;
			}
		}
		if (read_subcategories(ld, e, c) == -1)
			return -1;
	}
	if (config_category(conf, conf->router_triage) == NULL) {
		conf_error(ld, config_lookup(&ld->cfg, "router.triage") ?
		    config_lookup(&ld->cfg, "router.triage") : list,
		    "router.triage: no category '%s'", conf->router_triage);
		return -1;
	}
	return 0;
}

static int
check_url(struct loader *ld, config_setting_t *s, const char *what,
    const char *url)
{
	if (*url == '\0')
		return 0;
	if (strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0) {
		conf_error(ld, s, "%s: '%s' is not an http:// or https:// "
		    "URL", what, url);
		return -1;
	}
	return 0;
}

/*
 * Parses a channel's allow_from into ch->allow, and checks that an auth
 * other than "none" has its secret (an enabled channel's: a disabled
 * one's secret files are not read).
 */
static int
check_callers(struct loader *ld, config_setting_t *e, struct channel *ch)
{
	size_t	i;

	if (ch->nallow_from > 0)
		ch->allow = xcalloc(ch->nallow_from, sizeof(*ch->allow));
	for (i = 0; i < ch->nallow_from; i++)
		if (netmask_parse(ch->allow_from[i], &ch->allow[i]) == -1) {
			conf_error(ld, config_setting_get_member(e,
			    "allow_from"), "channel '%s': allow_from: '%s' is "
			    "not an address or an ADDR/BITS network",
			    ch->name, ch->allow_from[i]);
			return -1;
		}
	if (ch->enabled && ch->auth != CHANNEL_AUTH_NONE &&
	    ch->auth_secret[0] == '\0') {
		conf_error(ld, e, "channel '%s': auth = \"%s\" needs "
		    "auth_secret or auth_secret_file (or auth = \"none\")",
		    ch->name, ch->auth == CHANNEL_AUTH_BASIC ? "basic" :
		    "secret");
		return -1;
	}
	return 0;
}

static int
read_channels(struct loader *ld, struct config *conf)
{
	static const struct list_spec spec = { "channels", CONF_CHANNELS_MAX,
	    0, f_channel, NULL, sizeof(struct channel), "name",
	    offsetof(struct channel, name), offsetof(struct channel, line),
	    N_("channel name") };
	config_setting_t	*list, *e, *m;
	struct channel		*ch;
	size_t			 i, k;
	char			 fname[CONF_ID_MAX + 8];

	if (read_list(ld, &spec, (void **)&conf->channels, &conf->nchannels,
	    &list) == -1)
		return -1;
	for (i = 0; i < conf->nchannels; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		ch = &conf->channels[i];
		/* A setting of another channel type is a mistake. */
		for (k = 0; k < sizeof(channel_scope) /
		    sizeof(channel_scope[0]); k++) {
			if (channel_scope[k].types & (1u << ch->type))
				continue;
			snprintf(fname, sizeof(fname), "%s_file",
			    channel_scope[k].name);
			if ((m = config_setting_get_member(e,
			    channel_scope[k].name)) != NULL ||
			    (m = config_setting_get_member(e, fname)) != NULL) {
				conf_error(ld, m, "channel '%s': '%s' is not "
				    "a setting of a %s channel", ch->name,
				    config_setting_name(m),
				    channel_type_name(ch->type));
				return -1;
			}
		}
		if (ch->type == CHANNEL_MODEM && ch->device[0] == '\0') {
			conf_error(ld, e, "channel '%s': a modem channel needs"
			    " 'device'", ch->name);
			return -1;
		}
		if (check_url(ld, e, "public_url", ch->public_url) == -1 ||
		    check_url(ld, e, "base_url", ch->base_url) == -1 ||
		    check_callers(ld, e, ch) == -1)
			return -1;
	}
	return 0;
}

static int
read_shorthand(struct loader *ld, struct config *conf)
{
	config_setting_t	*list, *e, *a, *b;
	size_t			 i;

	list = config_lookup(&ld->cfg, "router.shorthand");
	if (list == NULL)
		return 0;
	if (!config_setting_is_list(list)) {
		conf_error(ld, list, "shorthand: expected a list of pairs "
		    "( (\"ko\", \"không\"), ... )");
		return -1;
	}
	conf->nshorthand = (size_t)config_setting_length(list);
	conf->shorthand = xcalloc(conf->nshorthand, sizeof(*conf->shorthand));
	for (i = 0; i < conf->nshorthand; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if ((!config_setting_is_list(e) && !config_setting_is_array(e))
		    || config_setting_length(e) != 2 ||
		    (a = config_setting_get_elem(e, 0)) == NULL ||
		    (b = config_setting_get_elem(e, 1)) == NULL ||
		    config_setting_type(a) != CONFIG_TYPE_STRING ||
		    config_setting_type(b) != CONFIG_TYPE_STRING ||
		    *config_setting_get_string(a) == '\0' ||
		    *config_setting_get_string(b) == '\0') {
			conf_error(ld, e, "shorthand: element %zu must be a "
			    "pair of non-empty strings (\"token\", "
			    "\"expansion\")", i + 1);
			return -1;
		}
		conf->shorthand[i].token =
		    xstrdup(config_setting_get_string(a));
		conf->shorthand[i].expansion =
		    xstrdup(config_setting_get_string(b));
	}
	return 0;
}

/*
 * ===================================================================
 * Replies: information topics and special words (core/reply.c)
 * ===================================================================
 */

/* Reads the "topics" list: information answered from the configuration. */
static int
read_topics(struct loader *ld, struct config *conf)
{
	static const struct list_spec spec = { "topics", REPLY_TOPICS_MAX, 0,
	    f_topic, NULL, sizeof(struct topic), "id",
	    offsetof(struct topic, id), offsetof(struct topic, line),
	    N_("topic id") };
	config_setting_t	*list, *e;
	struct topic		*t;
	const unsigned char	*p;
	size_t			 i;

	if (read_list(ld, &spec, (void **)&conf->topics, &conf->ntopics,
	    &list) == -1)
		return -1;
	for (i = 0; i < conf->ntopics; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		t = &conf->topics[i];
		/* A USSD screen: printable ASCII and line breaks only. */
		for (p = (const unsigned char *)t->ussd; *p != '\0'; p++)
			if ((*p < 0x20 || *p > 0x7e) && *p != '\n') {
				conf_error(ld, config_setting_get_member(e,
				    "ussd"), "topic '%s': ussd: plain ASCII "
				    "only, without diacritics (byte %zu is "
				    "0x%02x)", t->id, (size_t)(p -
				    (const unsigned char *)t->ussd) + 1, *p);
				return -1;
			}
	}
	return 0;
}

/*
 * Folds the special words of one list (the array setting arr, or NULL
 * when the list came from a default) into conf->special.  Two words that
 * fold the same are an error, wherever they are.
 */
static int
add_words(struct loader *ld, struct config *conf, config_setting_t *arr,
    char *const *words, size_t n, enum reply_special what, int topic)
{
	struct reply_word	*w;
	config_setting_t	*e;
	size_t			 i, j, len;

	if (n == 0 || arr == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		w = &conf->special[conf->nspecial];
		e = arr != NULL ? config_setting_get_elem(arr, (unsigned)i) :
		    NULL;
		if (e == NULL)
			e = arr;
		len = text_fold_word(words[i], w->fold, sizeof(w->fold));
		if (len == 0) {
			conf_error(ld, e, "%s: '%s' has no letter or digit",
			    config_setting_name(arr), words[i]);
			return -1;
		}
		if (len >= sizeof(w->fold)) {
			conf_error(ld, e, "%s: '%s' is too long",
			    config_setting_name(arr), words[i]);
			return -1;
		}
		w->what = what;
		w->topic = topic;
		w->line = e != NULL ? (int)config_setting_source_line(e) : 0;
		for (j = 0; j < conf->nspecial; j++)
			if (strcmp(conf->special[j].fold, w->fold) == 0) {
				conf_error(ld, e, "%s: '%s' is the same special"
				    " word as one at line %d (case, diacritics"
				    " and spaces do not count)",
				    config_setting_name(arr), words[i],
				    conf->special[j].line);
				return -1;
			}
		conf->nspecial++;
	}
	return 0;
}

/* Requires the text named text when the words named words are set. */
static int
need_text(struct loader *ld, size_t nwords, const char *words,
    const char *text, const char *value)
{
	char	path[64];

	if (nwords == 0 || *value != '\0')
		return 0;
	snprintf(path, sizeof(path), "replies.%s", words);
	conf_error(ld, config_lookup(&ld->cfg, path), "replies: %s are set "
	    "but %s is empty", words, text);
	return -1;
}

/*
 * Checks the replies group and folds every special word of it and of the
 * topics into conf->special.
 */
static int
check_replies(struct loader *ld, struct config *conf)
{
	static const struct {
		const char	*name;
		size_t		 list;	/* offset of the words */
		size_t		 count;	/* offset of their count */
		enum reply_special what;
	} lists[] = {
		{ "help_words", CONF_OFF(replies_help_words),
		    CONF_OFF(replies_nhelp_words), REPLY_SPECIAL_HELP },
		{ "status_words", CONF_OFF(replies_status_words),
		    CONF_OFF(replies_nstatus_words), REPLY_SPECIAL_STATUS },
		{ "stop_words", CONF_OFF(replies_stop_words),
		    CONF_OFF(replies_nstop_words), REPLY_SPECIAL_STOP },
		{ "start_words", CONF_OFF(replies_start_words),
		    CONF_OFF(replies_nstart_words), REPLY_SPECIAL_START },
		{ "explain_words", CONF_OFF(replies_explain_words),
		    CONF_OFF(replies_nexplain_words), REPLY_SPECIAL_EXPLAIN },
		{ "vietnamese_words", CONF_OFF(replies_vietnamese_words),
		    CONF_OFF(replies_nvietnamese_words),
		    REPLY_SPECIAL_LANG_VI },
		{ "english_switch_words",
		    CONF_OFF(replies_english_switch_words),
		    CONF_OFF(replies_nenglish_switch_words),
		    REPLY_SPECIAL_LANG_EN },
	};
	config_setting_t	*topics = config_lookup(&ld->cfg, "topics");
	char			 path[64];
	size_t			 i, total = 0;

	if (need_text(ld, conf->replies_nhelp_words, "help_words", "help_vi",
	    conf->replies_help_vi) == -1 ||
	    need_text(ld, conf->replies_nstatus_words, "status_words",
	    "status_vi", conf->replies_status_vi) == -1 ||
	    need_text(ld, conf->replies_nstop_words, "stop_words", "stop_vi",
	    conf->replies_stop_vi) == -1 ||
	    need_text(ld, conf->replies_nstop_words, "stop_words",
	    "start_words", conf->replies_nstart_words ? "set" : "") == -1 ||
	    need_text(ld, conf->replies_nstart_words, "start_words",
	    "start_vi", conf->replies_start_vi) == -1 ||
	    need_text(ld, conf->replies_nvietnamese_words, "vietnamese_words",
	    "language_vi", conf->replies_language_vi) == -1 ||
	    need_text(ld, conf->replies_nenglish_switch_words,
	    "english_switch_words", "language_en",
	    conf->replies_language_en) == -1)
		return -1;
	if (conf->replies_status_vi[0] != '\0' &&
	    conf->replies_refusal_vi[0] == '\0') {
		conf_error(ld, config_lookup(&ld->cfg, "replies.status_vi"),
		    "replies: status_vi is set but refusal_vi is empty (the "
		    "answer to a number that did not open the case)");
		return -1;
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		total += *(size_t *)(void *)((char *)conf + lists[i].count);
	for (i = 0; i < conf->ntopics; i++)
		total += conf->topics[i].nwords;
	conf->special = xcalloc(total + 1, sizeof(*conf->special));
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		snprintf(path, sizeof(path), "replies.%s", lists[i].name);
		if (add_words(ld, conf, config_lookup(&ld->cfg, path),
		    *(char ***)(void *)((char *)conf + lists[i].list),
		    *(size_t *)(void *)((char *)conf + lists[i].count),
		    lists[i].what, -1) == -1)
			return -1;
	}
	for (i = 0; i < conf->ntopics; i++)
		if (add_words(ld, conf, config_setting_get_member(
		    config_setting_get_elem(topics, (unsigned)i), "words"),
		    conf->topics[i].words, conf->topics[i].nwords,
		    REPLY_SPECIAL_TOPIC, (int)i) == -1)
			return -1;
	return 0;
}

/*
 * ===================================================================
 * USSD menu (domain/ussd_menu.c)
 * ===================================================================
 */

/* An entry of a menu list as shipped. */
struct ussd_default {
	const char	*id;
	const char	*label;
};

static const struct ussd_default ussd_menu_default[] = {
	{ "report", "Phan anh, kien nghi" },
	{ "status", "Tra cuu ho so" },
	{ "info", "Thong tin" },
};

static const struct ussd_default ussd_categories_default[] = {
	{ "corruption", "Tham nhung, tieu cuc" },
	{ "security", "An ninh trat tu" },
	{ "infrastructure", "Duong, dien, nuoc, rac" },
	{ "procedures", "Thu tuc hanh chinh" },
	{ "", "Khac" },
};

static const struct ussd_default ussd_topics_default[] = {
	{ "reception", "Lich tiep cong dan" },
	{ "procedures", "Thu tuc hanh chinh" },
	{ "hotline", "Duong day nong" },
};

/*
 * Reads the list of pairs ussd.NAME, ( ("id", "label"), ... ), or takes
 * the shipped one when the file has none.
 */
static int
read_ussd_items(struct loader *ld, config_setting_t *grp, const char *name,
    const struct ussd_default *def, size_t ndef, struct ussd_item **out,
    size_t *n)
{
	config_setting_t	*list, *e, *a, *b;
	const char		*id, *label;
	size_t			 i;

	list = grp != NULL ? config_setting_get_member(grp, name) : NULL;
	if (list == NULL) {
		*out = xcalloc(ndef, sizeof(**out));
		for (i = 0; i < ndef; i++) {
			copy_str((*out)[i].id, sizeof((*out)[i].id), def[i].id);
			(*out)[i].label = xstrdup(def[i].label);
		}
		*n = ndef;
		return 0;
	}
	if (!config_setting_is_list(list) || config_setting_length(list) >
	    16) {
		conf_error(ld, list, "ussd.%s: expected a list of at most 9 "
		    "pairs ( (\"id\", \"label\"), ... )", name);
		return -1;
	}
	*n = (size_t)config_setting_length(list);
	*out = xcalloc(*n, sizeof(**out));
	for (i = 0; i < *n; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		if ((!config_setting_is_list(e) && !config_setting_is_array(e))
		    || config_setting_length(e) != 2 ||
		    (a = config_setting_get_elem(e, 0)) == NULL ||
		    (b = config_setting_get_elem(e, 1)) == NULL ||
		    config_setting_type(a) != CONFIG_TYPE_STRING ||
		    config_setting_type(b) != CONFIG_TYPE_STRING) {
			conf_error(ld, e, "ussd.%s: element %zu must be a "
			    "pair of strings (\"id\", \"label\")", name, i + 1);
			return -1;
		}
		id = config_setting_get_string(a);
		label = config_setting_get_string(b);
		if ((id[0] != '\0' && !valid_id(id)) ||
		    strlen(id) >= CONF_ID_MAX) {
			conf_error(ld, e, "ussd.%s: element %zu: id '%s': use "
			    "lowercase letters, digits, '_' and '-'", name,
			    i + 1, id);
			return -1;
		}
		if (label[0] == '\0' || strlen(label) > 60) {
			conf_error(ld, e, "ussd.%s: element %zu: the label "
			    "must be 1 to 60 characters", name, i + 1);
			return -1;
		}
		copy_str((*out)[i].id, sizeof((*out)[i].id), id);
		(*out)[i].label = xstrdup(label);
		(*out)[i].line = (int)config_setting_source_line(e);
	}
	return 0;
}

/* Reads the ussd group's menu lists. */
static int
read_ussd(struct loader *ld, struct config *conf)
{
	config_setting_t	*grp = config_lookup(&ld->cfg, "ussd");

	if (read_ussd_items(ld, grp, "menu", ussd_menu_default,
	    sizeof(ussd_menu_default) / sizeof(ussd_menu_default[0]),
	    &conf->ussd_menu, &conf->ussd_nmenu) == -1 ||
	    read_ussd_items(ld, grp, "report_categories",
	    ussd_categories_default, sizeof(ussd_categories_default) /
	    sizeof(ussd_categories_default[0]), &conf->ussd_categories,
	    &conf->ussd_ncategories) == -1 ||
	    read_ussd_items(ld, grp, "info_topics", ussd_topics_default,
	    sizeof(ussd_topics_default) / sizeof(ussd_topics_default[0]),
	    &conf->ussd_topics, &conf->ussd_ntopics) == -1)
		return -1;
	return 0;
}

/*
 * ===================================================================
 * Checks of other modules
 * ===================================================================
 *
 * A module above this one that knows what a setting must satisfy (the
 * USSD menu: every screen must fit) registers a check; the loader runs
 * each after reading the whole file and reports its failure at the
 * setting it names.
 */

#define CHECKS_MAX	8

static struct {
	const char	*group;
	config_check_fn	 fn;
} checks[CHECKS_MAX];
static size_t	nchecks;

/*
 * Runs fn on every configuration loaded from now on; the setting paths it
 * returns are within group.  Called once per check at start-up, before
 * any thread: registering the same check again does nothing.
 */
void
config_check_register(const char *group, config_check_fn fn)
{
	size_t	i;

	for (i = 0; i < nchecks; i++)
		if (checks[i].fn == fn)
			return;
	if (nchecks == CHECKS_MAX)
		fatalx("config_check_register: more than %d checks",
		    CHECKS_MAX);
	checks[nchecks].group = group;
	checks[nchecks].fn = fn;
	nchecks++;
}

/* Runs the registered checks; a failure points at its setting. */
static int
run_checks(struct loader *ld, const struct config *conf)
{
	config_setting_t	*grp, *s;
	char			 key[64], msg[CONF_ERR_MAX / 2];
	int			 elem;
	size_t			 i;

	for (i = 0; i < nchecks; i++) {
		elem = -1;
		key[0] = '\0';
		if (checks[i].fn(conf, key, sizeof(key), &elem, msg,
		    sizeof(msg)) == 0)
			continue;
		/* Point at the setting, its element, or the group. */
		grp = config_lookup(&ld->cfg, checks[i].group);
		s = grp != NULL ? config_setting_get_member(grp, key) : NULL;
		if (s != NULL && elem >= 0 && config_setting_get_elem(s,
		    (unsigned)elem) != NULL)
			s = config_setting_get_elem(s, (unsigned)elem);
		conf_error(ld, s != NULL ? s : grp, "%s", msg);
		return -1;
	}
	return 0;
}

/*
 * ===================================================================
 * Cross-checks
 * ===================================================================
 */

/*
 * Whether id may name a ward: small letters, digits and "-", beginning
 * with a letter or a digit, and not CONF_WARD_ALL.
 */
static int
ward_id_ok(const char *id)
{
	return id[0] != '\0' && id[0] != '-' &&
	    strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
	    strlen(id) && strcmp(id, CONF_WARD_ALL) != 0;
}

/*
 * Reads the "roles" list: who may use the control socket, and for what.
 * An officer role names no restricted category: those are for inspectors
 * and administrators only.
 */
static int
read_roles(struct loader *ld, struct config *conf)
{
	config_setting_t	*list, *e;
	const struct category	*c;
	struct role		*r;
	size_t			 i, j;
	int			 n;

	if ((n = list_of(ld, "roles", CONF_CATEGORIES_MAX, 0, &list)) <= 0)
		return n;
	conf->nroles = (size_t)n;
	conf->roles = xcalloc(conf->nroles, sizeof(*r));
	for (i = 0; i < conf->nroles; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		r = &conf->roles[i];
		if (read_group(ld, e, r, f_role, NULL) == -1)
			return -1;
		r->line = (int)config_setting_source_line(e);
		for (j = 0; j < i; j++)
			if (strcmp(conf->roles[j].name, r->name) == 0) {
				conf_error(ld, e, "duplicate role name '%s'",
				    r->name);
				return -1;
			}
		if (r->ward[0] != '\0' && strcmp(r->ward, CONF_WARD_ALL) != 0 &&
		    !ward_id_ok(r->ward)) {
			conf_error(ld, e, "role '%s': ward '%s' must be a "
			    "ward's id or '%s'", r->name, r->ward,
			    CONF_WARD_ALL);
			return -1;
		}
		if (r->nusers == 0 && r->ngroups == 0) {
			conf_error(ld, e, "role '%s': no users and no groups",
			    r->name);
			return -1;
		}
		if (r->ncategories > 0 && r->kind == ROLE_INSPECTOR) {
			conf_error(ld, e, "role '%s': only officer roles have "
			    "categories (an inspector sees every case)",
			    r->name);
			return -1;
		}
		if (r->ncategories > 0 && r->kind != ROLE_OFFICER) {
			conf_error(ld, e, "role '%s': only officer roles have "
			    "categories (an administrator sees every case)",
			    r->name);
			return -1;
		}
		for (j = 0; j < r->ncategories; j++) {
			if ((c = config_category(conf, r->categories[j])) ==
			    NULL) {
				conf_error(ld, e, "role '%s': no category "
				    "'%s'", r->name, r->categories[j]);
				return -1;
			}
			if (c->restricted) {
				conf_error(ld, e, "role '%s': category '%s' is"
				    " restricted: only inspector and "
				    "administrator roles see it", r->name,
				    c->id);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * Makes a relative path relative to the directory of the configuration
 * file rather than to the daemon's working directory.
 */
static void
beside_conf(const struct loader *ld, char **path)
{
	char	*p;
	size_t	 len;

	if ((*path)[0] == '\0' || (*path)[0] == '/' || ld->dir == NULL ||
	    strcmp(ld->dir, ".") == 0)
		return;
	len = strlen(ld->dir) + 1 + strlen(*path) + 1;
	p = xcalloc(1, len);
	snprintf(p, len, "%s/%s", ld->dir, *path);
	free(*path);
	*path = p;
}

/*
 * Splits web.listen, "ADDR:PORT" or "[ADDR6]:PORT", into conf->web_addr
 * and web_port (as check_listen() does http.listen).
 */
static int
split_web_listen(struct config *conf)
{
	const char	*v = conf->web_listen, *colon;
	unsigned char	 buf[sizeof(struct in6_addr)];
	size_t		 alen;
	long		 port;

	if (*v == '[') {
		if ((colon = strstr(v, "]:")) == NULL)
			return -1;
		alen = (size_t)(colon - v - 1);
		v++;
		colon++;
	} else {
		if ((colon = strrchr(v, ':')) == NULL)
			return -1;
		alen = (size_t)(colon - v);
	}
	if (alen == 0 || alen >= sizeof(conf->web_addr))
		return -1;
	memcpy(conf->web_addr, v, alen);
	conf->web_addr[alen] = '\0';
	if ((inet_pton(AF_INET, conf->web_addr, buf) != 1 &&
	    inet_pton(AF_INET6, conf->web_addr, buf) != 1) ||
	    parse_long(colon + 1, 1, 65535, &port) == -1)
		return -1;
	conf->web_port = (int)port;
	return 0;
}

/*
 * The dashboard (web): its address when it is on, and TLS files that go
 * in pairs, relative to the configuration file's folder.
 */
static int
check_web(struct loader *ld, struct config *conf)
{
	if (conf->web_listen[0] != '\0' && split_web_listen(conf) == -1) {
		conf_error(ld, config_lookup(&ld->cfg, "web.listen"),
		    "web.listen: '%s' is not ADDR:PORT (an IPv4 or [IPv6] "
		    "address and a port from 1 to 65535)", conf->web_listen);
		return -1;
	}
	if ((conf->web_tls_cert[0] == '\0') != (conf->web_tls_key[0] ==
	    '\0')) {
		conf_error(ld, config_lookup(&ld->cfg, conf->web_tls_cert[0] ?
		    "web.tls_cert" : "web.tls_key"), "web.tls_cert and "
		    "web.tls_key go together: set both, or neither");
		return -1;
	}
	if (conf->web_tls_cert[0] != '\0') {
		beside_conf(ld, &conf->web_tls_cert);
		beside_conf(ld, &conf->web_tls_key);
	}
	return 0;
}

/* The classifier's thresholds, in a sensible order. */
static int
check_classifier(struct loader *ld, struct config *conf)
{
	/* Shipped files: beside the configuration, as includes are. */
	beside_conf(ld, &conf->classifier_model);
	beside_conf(ld, &conf->classifier_corpus);
	if (conf->classifier_review > conf->classifier_spam) {
		conf_error(ld, config_lookup(&ld->cfg, "classifier"),
		    "classifier: review_threshold (%g) is above "
		    "spam_threshold (%g)", conf->classifier_review,
		    conf->classifier_spam);
		return -1;
	}
	if (conf->classifier_corruption_evidence >
	    conf->classifier_corruption) {
		conf_error(ld, config_lookup(&ld->cfg, "classifier"),
		    "classifier: corruption_evidence_threshold (%g) is above "
		    "corruption_threshold (%g)",
		    conf->classifier_corruption_evidence,
		    conf->classifier_corruption);
		return -1;
	}
	return 0;
}

/* Checks the dates of deadlines.holidays and deadlines.workdays. */
static int
check_dates(struct loader *ld, char *const *list, size_t n,
    const char *what, int weekend)
{
	config_setting_t	*s;
	char			 path[64];
	int			 y, m, d, wd;
	size_t			 i;

	snprintf(path, sizeof(path), "deadlines.%s", what);
	s = config_lookup(&ld->cfg, path);
	for (i = 0; i < n; i++) {
		if (date_parse(list[i], &y, &m, &d) == -1) {
			conf_error(ld, s, "%s: '%s' is not a date YYYY-MM-DD "
			    "(2000 to 2099)", what, list[i]);
			return -1;
		}
		wd = date_weekday(y, m, d) == 0 || date_weekday(y, m, d) == 6;
		if (wd != weekend && weekend) {
			conf_error(ld, s, "%s: %s is a weekday: only a "
			    "Saturday or a Sunday can be a make-up working day",
			    what, list[i]);
			return -1;
		}
		if (wd != weekend) {
			conf_error(ld, s, "%s: %s is a weekend day: list the "
			    "weekday that is taken off instead", what, list[i]);
			return -1;
		}
	}
	return 0;
}

/* The cross-checks of deadlines and satisfaction settings. */
static int
check_cases(struct loader *ld, struct config *conf)
{
	const char	*ch = conf->deadline_notify_channel;

	if (check_dates(ld, conf->deadline_holidays,
	    conf->ndeadline_holidays, "holidays", 0) == -1 ||
	    check_dates(ld, conf->deadline_workdays,
	    conf->ndeadline_workdays, "workdays", 1) == -1)
		return -1;
	if (*ch != '\0' && config_channel(conf, ch) == NULL) {
		conf_error(ld, config_lookup(&ld->cfg,
		    "deadlines.notify_channel"), "notify_channel: no channel "
		    "'%s'", ch);
		return -1;
	}
	return 0;
}

/*
 * The areas of the ward (papictl list --area): ids as valid_id() wants
 * them, unique, each with at least one phrase.
 */
static int
read_areas(struct loader *ld, struct config *conf)
{
	static const struct list_spec spec = { "areas", CONF_AREAS_MAX, 0,
	    f_area, NULL, sizeof(struct area), "id",
	    offsetof(struct area, id), offsetof(struct area, line),
	    N_("area id") };
	config_setting_t	*list, *e;
	struct area		*a;
	size_t			 i;

	if (read_list(ld, &spec, (void **)&conf->areas, &conf->nareas,
	    &list) == -1)
		return -1;
	for (i = 0; i < conf->nareas; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		a = &conf->areas[i];
		if (a->nwords == 0) {
			conf_error(ld, e, "area '%s': no words (the phrases "
			    "that name it in messages)", a->id);
			return -1;
		}
	}
	return 0;
}

/*
 * ===================================================================
 * Subscriptions and announcements
 * ===================================================================
 */

static config_setting_t *group_member(struct loader *, const char *,
		    const char *);

/*
 * The topics residents subscribe to for the ward's announcements: ids as
 * valid_id() wants them, unique.
 */
static int
read_news_topics(struct loader *ld, struct config *conf)
{
	static const struct list_spec spec = { "news_topics",
	    CONF_NEWS_TOPICS_MAX, 0, f_news_topic, NULL,
	    sizeof(struct news_topic), "id", offsetof(struct news_topic, id),
	    offsetof(struct news_topic, line), N_("news topic id") };
	config_setting_t	*list;

	return read_list(ld, &spec, (void **)&conf->news_topics,
	    &conf->nnews_topics, &list);
}

/*
 * Folds word (of the setting at, for errors) into conf->news_words as
 * kind and index.  A word that folds like another of a different
 * meaning is an error; the same meaning twice is kept once.
 */
static int
add_news_word(struct loader *ld, struct config *conf, config_setting_t *at,
    const char *word, enum news_word_kind kind, int index)
{
	struct news_word	*w = &conf->news_words[conf->nnews_words];
	size_t			 j, len;

	len = text_fold_word(word, w->fold, sizeof(w->fold));
	if (len == 0) {
		conf_error(ld, at, "'%s': no letter or digit", word);
		return -1;
	}
	if (len >= sizeof(w->fold)) {
		conf_error(ld, at, "'%s': too long", word);
		return -1;
	}
	w->kind = kind;
	w->index = index;
	for (j = 0; j < conf->nnews_words; j++) {
		if (strcmp(conf->news_words[j].fold, w->fold) != 0)
			continue;
		if (conf->news_words[j].kind == kind &&
		    conf->news_words[j].index == index)
			return 0;
		conf_error(ld, at, "'%s' means two things in the "
		    "subscriptions' words (case, diacritics and spaces do not "
		    "count)", word);
		return -1;
	}
	conf->nnews_words++;
	return 0;
}

/* Folds a list of words of the announce group. */
static int
add_news_list(struct loader *ld, struct config *conf, const char *name,
    char *const *words, size_t n, enum news_word_kind kind)
{
	config_setting_t	*at = group_member(ld, "announce", name);
	size_t			 i;

	for (i = 0; i < n; i++)
		if (add_news_word(ld, conf, at, words[i], kind, -1) == -1)
			return -1;
	return 0;
}

/* Checks the announce group's settings against the rest. */
static int
check_announce_group(struct loader *ld, struct config *conf)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)conf->announce_code_prefix; *p != '\0';
	    p++)
		if (!isupper(*p)) {
			conf_error(ld, group_member(ld, "announce",
			    "code_prefix"), "announce.code_prefix: capital "
			    "letters A to Z only");
			return -1;
		}
	if (strcmp(conf->announce_code_prefix, conf->case_prefix) == 0) {
		conf_error(ld, group_member(ld, "announce", "code_prefix"),
		    "announce.code_prefix: the same as cases.prefix");
		return -1;
	}
	/* Without news topics there is nothing to announce, nor reply to. */
	if (conf->nnews_topics > 0 &&
	    config_category(conf, conf->announce_reply_category) == NULL) {
		conf_error(ld, group_member(ld, "announce", "reply_category"),
		    "announce.reply_category: no category '%s'",
		    conf->announce_reply_category);
		return -1;
	}
	if (conf->announce_channel[0] != '\0' &&
	    config_channel(conf, conf->announce_channel) == NULL) {
		conf_error(ld, group_member(ld, "announce", "channel"),
		    "announce.channel: no channel '%s'",
		    conf->announce_channel);
		return -1;
	}
	return 0;
}

/* Checks that each area's "within" chain ends, at areas that exist. */
static int
check_areas_within(struct loader *ld, const struct config *conf)
{
	config_setting_t	*at;
	const struct area	*a;
	size_t			 i, depth;

	for (i = 0; i < conf->nareas; i++) {
		if (conf->areas[i].within[0] == '\0')
			continue;
		at = config_setting_get_elem(config_lookup(&ld->cfg, "areas"),
		    (unsigned)i);
		for (a = &conf->areas[i], depth = 0; a != NULL &&
		    a->within[0] != '\0' && depth <= conf->nareas; depth++)
			if ((a = config_area(conf, a->within)) == NULL) {
				conf_error(ld, at, "area '%s': within: no "
				    "area '%s'", conf->areas[i].id,
				    conf->areas[i].within);
				return -1;
			}
		if (depth > conf->nareas) {
			conf_error(ld, at, "area '%s': within: a loop",
			    conf->areas[i].id);
			return -1;
		}
	}
	return 0;
}

/*
 * Folds the ids and words of the list called list (the news topics or the
 * areas: n of them, ids[i] and words[i][nwords[i]] read through get())
 * into conf->news_words as kind.
 */
static int
add_news_names(struct loader *ld, struct config *conf, const char *list,
    size_t n, void (*get)(const struct config *, size_t, const char **,
    char *const **, size_t *), int kind)
{
	config_setting_t	*at;
	const char		*id;
	char *const		*words;
	size_t			 i, j, nwords;

	for (i = 0; i < n; i++) {
		at = config_setting_get_elem(config_lookup(&ld->cfg, list),
		    (unsigned)i);
		get(conf, i, &id, &words, &nwords);
		if (add_news_word(ld, conf, at, id, kind, (int)i) == -1)
			return -1;
		for (j = 0; j < nwords; j++)
			if (add_news_word(ld, conf, at, words[j], kind,
			    (int)i) == -1)
				return -1;
	}
	return 0;
}

static void
news_topic_names(const struct config *conf, size_t i, const char **id,
    char *const **words, size_t *nwords)
{
	*id = conf->news_topics[i].id;
	*words = conf->news_topics[i].words;
	*nwords = conf->news_topics[i].nwords;
}

static void
area_names(const struct config *conf, size_t i, const char **id,
    char *const **words, size_t *nwords)
{
	*id = conf->areas[i].id;
	*words = conf->areas[i].words;
	*nwords = conf->areas[i].nwords;
}

/*
 * Checks the announce group and the areas' "within", and folds every
 * word of the subscriptions' conversation into conf->news_words: the
 * verbs, then the topics' and areas' ids and words.
 */
static int
check_announce(struct loader *ld, struct config *conf)
{
	size_t	i, n;

	if (check_announce_group(ld, conf) == -1 ||
	    check_areas_within(ld, conf) == -1)
		return -1;
	n = conf->announce_nsubscribe_words + conf->announce_ndrop_words +
	    conf->announce_nlist_words + conf->announce_nread_words +
	    conf->announce_nall_words;
	for (i = 0; i < conf->nnews_topics; i++)
		n += 1 + conf->news_topics[i].nwords;
	for (i = 0; i < conf->nareas; i++)
		n += 1 + conf->areas[i].nwords;
	conf->news_words = xcalloc(n + 1, sizeof(*conf->news_words));
	if (add_news_list(ld, conf, "subscribe_words",
	    conf->announce_subscribe_words, conf->announce_nsubscribe_words,
	    NEWS_W_SUBSCRIBE) == -1 || add_news_list(ld, conf, "drop_words",
	    conf->announce_drop_words, conf->announce_ndrop_words,
	    NEWS_W_DROP) == -1 || add_news_list(ld, conf, "list_words",
	    conf->announce_list_words, conf->announce_nlist_words,
	    NEWS_W_LIST) == -1 || add_news_list(ld, conf, "read_words",
	    conf->announce_read_words, conf->announce_nread_words,
	    NEWS_W_READ) == -1 || add_news_list(ld, conf, "all_words",
	    conf->announce_all_words, conf->announce_nall_words,
	    NEWS_W_ALL) == -1)
		return -1;
	return add_news_names(ld, conf, "news_topics", conf->nnews_topics,
	    news_topic_names, NEWS_W_TOPIC) == -1 ||
	    add_news_names(ld, conf, "areas", conf->nareas, area_names,
	    NEWS_W_AREA) == -1 ? -1 : 0;
}

/* The setting group.key, else its group, else NULL: where errors point. */
static config_setting_t *
group_member(struct loader *ld, const char *group, const char *key)
{
	config_setting_t	*s;
	char			 path[128];

	snprintf(path, sizeof(path), "%s.%s", group, key);
	if ((s = config_lookup(&ld->cfg, path)) != NULL)
		return s;
	return config_lookup(&ld->cfg, group);
}

/*
 * ===================================================================
 * The procedure catalogue and the citizen reception
 * ===================================================================
 */

/* Whether s is printable ASCII (a USSD label). */
static int
plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* The fields of the procedure catalogue ("procedure_fields"). */
static int
read_proc_fields(struct loader *ld, struct config *conf)
{
	config_setting_t	*list, *e;
	struct proc_field	*f;
	size_t			 i, j;
	int			 n;

	if ((n = list_of(ld, "procedure_fields", CONF_PROC_FIELDS_MAX, 0,
	    &list)) <= 0)
		return n;
	conf->nproc_fields = (size_t)n;
	conf->proc_fields = xcalloc(conf->nproc_fields, sizeof(*f));
	for (i = 0; i < conf->nproc_fields; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		f = &conf->proc_fields[i];
		if (read_group(ld, e, f, f_proc_field, NULL) == -1)
			return -1;
		f->line = (int)config_setting_source_line(e);
		if (!valid_id(f->id)) {
			conf_error(ld, e, "procedure field id '%s': use "
			    "lowercase letters, digits, '_' and '-'", f->id);
			return -1;
		}
		if (!plain_ascii(f->ussd)) {
			conf_error(ld, config_setting_get_member(e, "ussd"),
			    "procedure field '%s': ussd: plain ASCII only, "
			    "without diacritics", f->id);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(conf->proc_fields[j].id, f->id) == 0) {
				conf_error(ld, e, "duplicate procedure field "
				    "'%s'", f->id);
				return -1;
			}
	}
	return 0;
}

/*
 * The procedure catalogue: its fields, then its procedures, each of a
 * field of the list and with a code of its own.
 */
static int
read_catalogue(struct loader *ld, struct config *conf)
{
	config_setting_t	*list, *e;
	struct procedure	*p;
	size_t			 i, j;
	int			 n;

	if (read_proc_fields(ld, conf) == -1)
		return -1;
	if ((n = list_of(ld, "procedures", CONF_PROCEDURES_MAX, 0, &list)) <=
	    0)
		return n;
	conf->nprocedures = (size_t)n;
	conf->procedures = xcalloc(conf->nprocedures, sizeof(*p));
	for (i = 0; i < conf->nprocedures; i++) {
		e = config_setting_get_elem(list, (unsigned)i);
		p = &conf->procedures[i];
		if (read_group(ld, e, p, f_procedure, NULL) == -1)
			return -1;
		p->line = (int)config_setting_source_line(e);
		p->fieldno = -1;
		for (j = 0; j < conf->nproc_fields; j++)
			if (strcmp(conf->proc_fields[j].id, p->field) == 0)
				p->fieldno = (int)j;
		if (p->fieldno < 0) {
			conf_error(ld, config_setting_get_member(e, "field"),
			    "procedure %s: no field '%s' in procedure_fields",
			    p->code, p->field);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(conf->procedures[j].code, p->code) == 0) {
				conf_error(ld, config_setting_get_member(e,
				    "code"), "duplicate procedure code '%s' "
				    "(first at line %d)", p->code,
				    conf->procedures[j].line);
				return -1;
			}
	}
	return 0;
}

/* Whether s is a time of day "HH:MM". */
static int
valid_hhmm(const char *s)
{
	return strlen(s) == 5 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1]) && s[2] == ':' &&
	    isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
	    (s[0] - '0') * 10 + (s[1] - '0') < 24 && s[3] < '6';
}

/*
 * Whether one of words folds like a special word or like another of the
 * reception's words: an error on key.  Returns 0 or -1.
 */
static int
reception_words(struct loader *ld, const struct config *conf,
    char *const *words, size_t n, const char *key)
{
	char	fold[REPLY_WORD_MAX], other[REPLY_WORD_MAX];
	size_t	i, j;

	for (i = 0; i < n; i++) {
		if (text_fold_word(words[i], fold, sizeof(fold)) == 0) {
			conf_error(ld, group_member(ld, "reception", key),
			    "reception.%s: '%s' has no letter or digit", key,
			    words[i]);
			return -1;
		}
		for (j = 0; j < conf->nspecial; j++)
			if (strcmp(conf->special[j].fold, fold) == 0) {
				conf_error(ld, group_member(ld, "reception",
				    key), "reception.%s: '%s' is a special "
				    "word already (replies, topics)", key,
				    words[i]);
				return -1;
			}
		for (j = 0; j < conf->reception_nbook_words; j++) {
			text_fold_word(conf->reception_book_words[j], other,
			    sizeof(other));
			if (words != conf->reception_book_words &&
			    strcmp(other, fold) == 0) {
				conf_error(ld, group_member(ld, "reception",
				    key), "reception.%s: '%s' is a book word "
				    "too", key, words[i]);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * The reception, when it is on: its slots in order ("HH:MM"), the times
 * of the day before, words to book and to cancel that are no special
 * word.
 */
static int
check_reception(struct loader *ld, struct config *conf)
{
	size_t	i;

	if (!conf->reception_enabled)
		return 0;
	if (conf->reception_nslots == 0) {
		conf_error(ld, group_member(ld, "reception", "slots"),
		    "reception.slots: the times of the reception's slots "
		    "(\"HH:MM\"), at least one");
		return -1;
	}
	for (i = 0; i < conf->reception_nslots; i++)
		if (!valid_hhmm(conf->reception_slots[i]) || (i > 0 &&
		    strcmp(conf->reception_slots[i - 1],
		    conf->reception_slots[i]) >= 0)) {
			conf_error(ld, group_member(ld, "reception", "slots"),
			    "reception.slots: '%s' is not a time \"HH:MM\" "
			    "after the one before", conf->reception_slots[i]);
			return -1;
		}
	if (!valid_hhmm(conf->reception_book_until) ||
	    !valid_hhmm(conf->reception_remind_at)) {
		conf_error(ld, group_member(ld, "reception",
		    valid_hhmm(conf->reception_book_until) ? "remind_at" :
		    "book_until"), "reception: book_until and remind_at are "
		    "times \"HH:MM\"");
		return -1;
	}
	if (conf->reception_nbook_words == 0 ||
	    conf->reception_ncancel_words == 0) {
		conf_error(ld, group_member(ld, "reception",
		    conf->reception_nbook_words == 0 ? "book_words" :
		    "cancel_words"), "reception: book_words and cancel_words "
		    "are needed to book by SMS and to cancel");
		return -1;
	}
	if (reception_words(ld, conf, conf->reception_book_words,
	    conf->reception_nbook_words, "book_words") == -1 ||
	    reception_words(ld, conf, conf->reception_cancel_words,
	    conf->reception_ncancel_words, "cancel_words") == -1)
		return -1;
	return 0;
}

/* Whether s is a day of the year "MM-DD" (29 February is not one). */
static int
valid_mmdd(const char *s)
{
	static const int	mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	int			m, d;

	if (strlen(s) != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != '-' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return 0;
	m = (s[0] - '0') * 10 + s[1] - '0';
	d = (s[3] - '0') * 10 + s[4] - '0';
	return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1];
}

/*
 * The reports group: days of the year, the cut-offs in the order of
 * their periods, a reminder's channel that exists, numbers to remind.
 */
static int
check_reports(struct loader *ld, struct config *conf)
{
	static const char *const keys[] = { "year_start", "q1_cutoff",
	    "h1_cutoff", "m9_cutoff", "year_cutoff" };
	const char	*v[5], *ch = conf->reports_remind_channel, *p;
	size_t		 i;

	v[0] = conf->reports_year_start;
	v[1] = conf->reports_q1_cutoff;
	v[2] = conf->reports_h1_cutoff;
	v[3] = conf->reports_m9_cutoff;
	v[4] = conf->reports_year_cutoff;
	for (i = 0; i < 5; i++) {
		if (!valid_mmdd(v[i])) {
			conf_error(ld, group_member(ld, "reports", keys[i]),
			    "reports.%s: '%s' is not a day of the year "
			    "\"MM-DD\"", keys[i], v[i]);
			return -1;
		}
		if (i > 1 && strcmp(v[i - 1], v[i]) >= 0) {
			conf_error(ld, group_member(ld, "reports", keys[i]),
			    "reports.%s: %s is not after %s (%s)", keys[i],
			    v[i], keys[i - 1], v[i - 1]);
			return -1;
		}
	}
	if (*ch != '\0' && config_channel(conf, ch) == NULL) {
		conf_error(ld, group_member(ld, "reports", "remind_channel"),
		    "reports.remind_channel: no channel '%s'", ch);
		return -1;
	}
	for (i = 0; i < conf->reports_nremind_numbers; i++)
		for (p = conf->reports_remind_numbers[i]; *p != '\0'; p++)
			if (!isdigit((unsigned char)*p) && (*p != '+' ||
			    p != conf->reports_remind_numbers[i])) {
				conf_error(ld, group_member(ld, "reports",
				    "remind_numbers"), "reports."
				    "remind_numbers: '%s' is not a phone "
				    "number", conf->reports_remind_numbers[i]);
				return -1;
			}
	return 0;
}

/* Splits "ADDR:PORT" or "[ADDR6]:PORT" into conf->http_addr and _port. */
static int
check_listen(struct loader *ld, struct config *conf)
{
	config_setting_t	*s = config_lookup(&ld->cfg, "http.listen");
	const char		*v = conf->http_listen, *colon;
	unsigned char		 buf[sizeof(struct in6_addr)];
	char			 addr[64];
	size_t			 alen;
	long			 port;

	if (s == NULL)
		s = config_root_setting(&ld->cfg);
	if (*v == '[') {
		colon = strstr(v, "]:");
		if (colon == NULL)
			goto bad;
		alen = (size_t)(colon - v - 1);
		v++;
		colon++;
	} else {
		if ((colon = strrchr(v, ':')) == NULL)
			goto bad;
		alen = (size_t)(colon - v);
	}
	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, v, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, buf) != 1 &&
	    inet_pton(AF_INET6, addr, buf) != 1)
		goto bad;
	if (parse_long(colon + 1, 1, 65535, &port) == -1)
		goto bad;
	copy_str(conf->http_addr, sizeof(conf->http_addr), addr);
	conf->http_port = (int)port;
	return 0;
bad:
	conf_error(ld, s, "http.listen: '%s' is not ADDR:PORT (an IPv4 or "
	    "[IPv6] address and a port from 1 to 65535)", conf->http_listen);
	return -1;
}

/* ward.id: "" (one ward in the store), or a ward's id. */
static int
check_ward_id(struct loader *ld, const struct config *conf)
{
	if (conf->ward_id[0] == '\0' || ward_id_ok(conf->ward_id))
		return 0;
	conf_error(ld, config_lookup(&ld->cfg, "ward.id"),
	    "ward.id: '%s' must be small letters, digits and '-' (\"p7-q10\"),"
	    " and not '%s'", conf->ward_id, CONF_WARD_ALL);
	return -1;
}

/* ward.country_code: the digits of a calling code, "84". */
static int
check_country(struct loader *ld, const struct config *conf)
{
	const char	*p = conf->country_code;

	if (p[0] != '0' && strspn(p, "0123456789") == strlen(p))
		return 0;
	conf_error(ld, config_lookup(&ld->cfg, "ward.country_code"),
	    "ward.country_code: '%s' must be a calling code, 1 to 3 digits "
	    "without '+' (\"84\")", p);
	return -1;
}

/* cases.prefix (and ward.country_code). */
static int
check_prefix(struct loader *ld, struct config *conf)
{
	const char	*p;

	if (check_country(ld, conf) == -1 || check_ward_id(ld, conf) == -1)
		return -1;
	for (p = conf->case_prefix; *p != '\0'; p++)
		if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p))
			break;
	if (*p == '\0' && isupper((unsigned char)conf->case_prefix[0]))
		return 0;
	conf_error(ld, config_lookup(&ld->cfg, "cases.prefix"),
	    "cases.prefix: '%s' must be capital letters and digits, starting "
	    "with a letter", conf->case_prefix);
	return -1;
}

/* Every top-level setting must be a known group or list. */
static int
check_toplevel(struct loader *ld)
{
	/* The groups of the schema tables, and the lists. */
	const char		*known[NGROUPS + 9];
	config_setting_t	*root = config_root_setting(&ld->cfg), *m;
	const char		*name, *near;
	size_t			 i;
	int			 j, n = config_setting_length(root);

	for (i = 0; i < NGROUPS; i++)
		known[i] = groups[i].name;
	known[i++] = "categories";
	known[i++] = "channels";
	known[i++] = "roles";
	known[i++] = "topics";
	known[i++] = "areas";
	known[i++] = "news_topics";
	known[i++] = "procedure_fields";
	known[i++] = "procedures";
	known[i] = NULL;
	for (j = 0; j < n; j++) {
		m = config_setting_get_elem(root, (unsigned)j);
		name = config_setting_name(m);
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(known[i], name) == 0)
				break;
		if (known[i] != NULL)
			continue;
		if ((near = nearest(name, NULL, known)) != NULL)
			conf_error(ld, m, "unknown setting '%s' (did you mean "
			    "'%s'?)", name, near);
		else
			conf_error(ld, m, "unknown setting '%s'", name);
		return -1;
	}
	return 0;
}

/*
 * ===================================================================
 * Overrides: -o KEY=VALUE
 * ===================================================================
 */

/* The schema table that describes the members of setting s, or NULL. */
static const struct field *
table_of(config_setting_t *s)
{
	config_setting_t	*p = config_setting_parent(s), *pp;
	const char		*name = config_setting_name(s);
	size_t			 i;

	if (p == NULL)
		return NULL;
	if (config_setting_parent(p) == NULL && name != NULL) {
		for (i = 0; i < NGROUPS; i++)
			if (strcmp(groups[i].name, name) == 0)
				return groups[i].fields;
		return NULL;
	}
	/* An element of a list: which list? */
	name = config_setting_name(p);
	if (name == NULL)
		return NULL;
	pp = config_setting_parent(p);
	if (strcmp(name, "categories") == 0 && config_setting_parent(pp) ==
	    NULL)
		return f_category;
	if (strcmp(name, "channels") == 0 && config_setting_parent(pp) == NULL)
		return f_channel;
	if (strcmp(name, "areas") == 0 && config_setting_parent(pp) == NULL)
		return f_area;
	if (strcmp(name, "topics") == 0 && config_setting_parent(pp) == NULL)
		return f_topic;
	if (strcmp(name, "news_topics") == 0 &&
	    config_setting_parent(pp) == NULL)
		return f_news_topic;
	if (strcmp(name, "roles") == 0 && config_setting_parent(pp) == NULL)
		return f_role;
	if (strcmp(name, "procedures") == 0 && config_setting_parent(pp) ==
	    NULL)
		return f_procedure;
	if (strcmp(name, "procedure_fields") == 0 &&
	    config_setting_parent(pp) == NULL)
		return f_proc_field;
	if (strcmp(name, "subcategories") == 0)
		return f_subcategory;
	return NULL;
}

/*
 * Finds the child of s named by one path component: a member name, "[N]"
 * for the N-th element of a list, or an element's id or name.
 */
static config_setting_t *
child(config_setting_t *s, const char *comp)
{
	config_setting_t	*e, *idm;
	const char		*v;
	long			 n;
	char			 num[16];
	size_t			 len = strlen(comp);
	int			 i;

	if (config_setting_is_group(s))
		return config_setting_get_member(s, comp);
	if (!config_setting_is_list(s))
		return NULL;
	if (len > 2 && len < sizeof(num) + 2 && comp[0] == '[' &&
	    comp[len - 1] == ']') {
		memcpy(num, comp + 1, len - 2);
		num[len - 2] = '\0';
		if (parse_long(num, 0, INT_MAX, &n) == -1)
			return NULL;
		return config_setting_get_elem(s, (unsigned)n);
	}
	for (i = 0; i < config_setting_length(s); i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e))
			continue;
		if ((idm = config_setting_get_member(e, "id")) == NULL)
			idm = config_setting_get_member(e, "name");
		if (idm != NULL && (v = config_setting_get_string(idm)) !=
		    NULL && strcmp(v, comp) == 0)
			return e;
	}
	return NULL;
}

static int
parse_bool_text(const char *v, int *out)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/*
 * Walks the dotted path key from the root: sets *parent to the group that
 * holds the last component, *last to that component (pointing into key,
 * which is cut into components) and returns the setting, or NULL when
 * the group holds none yet.  A known top-level group that the file leaves
 * out is added.  Returns -1 in *bad when the path leads nowhere.
 */
static config_setting_t *
walk_path(struct loader *ld, char *key, config_setting_t **parent,
    const char **last, int *bad)
{
	config_setting_t	*s = config_root_setting(&ld->cfg), *next;
	char			*comp, *save;
	size_t			 i;

	*parent = NULL;
	*last = NULL;
	*bad = 0;
	for (comp = strtok_r(key, ".", &save); comp != NULL;
	    comp = strtok_r(NULL, ".", &save)) {
		if (s == NULL) {
			*bad = 1;
			return NULL;
		}
		next = child(s, comp);
		if (next == NULL && config_setting_parent(s) == NULL) {
			for (i = 0; i < NGROUPS; i++)
				if (strcmp(groups[i].name, comp) == 0)
					next = config_setting_add(s, comp,
					    CONFIG_TYPE_GROUP);
		}
		*parent = s;
		*last = comp;
		s = next;
	}
	if (*last == NULL || *parent == NULL ||
	    !config_setting_is_group(*parent))
		*bad = 1;
	return s;
}

/*
 * The setting that -o sets: s itself, or one added to parent with the
 * libconfig type of field f (a float where the file wrote an integer).
 * Returns it, or NULL.
 */
static config_setting_t *
override_setting(config_setting_t *parent, const char *last,
    config_setting_t *s, const struct field *f)
{
	int	type;

	if (s != NULL && f->type == T_FLOAT &&
	    config_setting_type(s) != CONFIG_TYPE_FLOAT) {
		/* "threshold = 1;" in the file: -o may still say 1.5. */
		config_setting_remove(parent, last);
		s = NULL;
	}
	if (s != NULL)
		return s;
	switch (f->type) {
	case T_INT:
		type = CONFIG_TYPE_INT64;
		break;
	case T_FLOAT:
		type = CONFIG_TYPE_FLOAT;
		break;
	case T_BOOL:
		type = CONFIG_TYPE_BOOL;
		break;
	default:
		type = CONFIG_TYPE_STRING;
	}
	return config_setting_add(parent, last, type);
}

/* Sets scalar setting s from the text val.  Returns 0 or -1. */
static int
set_scalar(struct loader *ld, config_setting_t *s, const char *val)
{
	long long	 ll;
	double		 d;
	char		*end;
	int		 b;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		errno = 0;
		ll = strtoll(val, &end, 10);
		if (*val == '\0' || *end != '\0' || errno != 0) {
			conf_error(ld, s, "'%s' is not a whole number", val);
			return -1;
		}
		if (config_setting_type(s) == CONFIG_TYPE_INT64) {
			config_setting_set_int64(s, ll);
			return 0;
		}
		if (ll < INT_MIN || ll > INT_MAX) {
			conf_error(ld, s, "%s is out of range", val);
			return -1;
		}
		config_setting_set_int(s, (int)ll);
		return 0;
	case CONFIG_TYPE_FLOAT:
		errno = 0;
		d = strtod(val, &end);
		if (*val == '\0' || *end != '\0' || errno != 0) {
			conf_error(ld, s, "'%s' is not a number", val);
			return -1;
		}
		config_setting_set_float(s, d);
		return 0;
	case CONFIG_TYPE_BOOL:
		if (parse_bool_text(val, &b) == -1) {
			conf_error(ld, s, "'%s' is not true or false", val);
			return -1;
		}
		config_setting_set_bool(s, b);
		return 0;
	default:
		config_setting_set_string(s, val);
		return 0;
	}
}

/* Applies one "KEY=VALUE" to the parsed tree. */
static int
apply_override(struct loader *ld, const char *ovr)
{
	char			 key[256];
	const char		*eq, *last;
	config_setting_t	*s, *parent;
	const struct field	*tab, *f;
	int			 bad;

	if ((eq = strchr(ovr, '=')) == NULL || eq == ovr ||
	    (size_t)(eq - ovr) >= sizeof(key)) {
		snprintf(ld->err, ld->errsz, _("-o %s: expected KEY=VALUE, "
		    "for example -o storage.path=/tmp/papigw.db"), ovr);
		ld->failed = 1;
		return -1;
	}
	memcpy(key, ovr, (size_t)(eq - ovr));
	key[eq - ovr] = '\0';
	s = walk_path(ld, key, &parent, &last, &bad);
	if (bad || (tab = table_of(parent)) == NULL ||
	    (f = find_field(tab, last)) == NULL)
		goto unknown;
	if (f->type == T_STRLIST || (s != NULL &&
	    !config_setting_is_scalar(s))) {
		snprintf(ld->err, ld->errsz, _("-o %s: not a scalar setting"),
		    ovr);
		ld->failed = 1;
		return -1;
	}
	if ((s = override_setting(parent, last, s, f)) == NULL)
		goto unknown;
	if (ld->novr < CONF_OVERRIDES_MAX) {
		ld->ovr_setting[ld->novr] = s;
		ld->ovr_key[ld->novr++] = ovr;
	}
	return set_scalar(ld, s, eq + 1);
unknown:
	snprintf(ld->err, ld->errsz, _("-o %s: unknown setting"), ovr);
	ld->failed = 1;
	return -1;
}

/*
 * ===================================================================
 * Public interface
 * ===================================================================
 */

/*
 * Parses path into ld->cfg.  Returns 0, or -1 with the reason in err.
 * libconfig's own messages (a syntax error: "syntax error", "file I/O
 * error" of an include) come from the library, which has no
 * translations: they stay English after a translated FILE:LINE.
 */
static int
parse_file(struct loader *ld, const char *path)
{
	const char	*f;
	locale_t	 mine = uselocale((locale_t)0);
	int		 ok;

	ok = config_read_file(&ld->cfg, path) == CONFIG_TRUE;
	/*
	 * libconfig reads numbers in a C locale of its own and leaves the
	 * thread on the global locale: give it back the one it had (an
	 * i18n_english() caller's).
	 */
	if (mine != LC_GLOBAL_LOCALE)
		uselocale(mine);
	if (ok)
		return 0;
	if (config_error_type(&ld->cfg) == CONFIG_ERR_FILE_IO) {
		snprintf(ld->err, ld->errsz, _("%s: cannot read: %s"), path,
		    errno ? strerror(errno) : _("input/output error"));
		return -1;
	}
	f = config_error_file(&ld->cfg) ? config_error_file(&ld->cfg) : path;
	snprintf(ld->err, ld->errsz, "%s%s%s:%d: %s", include_dir(ld, f),
	    *include_dir(ld, f) ? "/" : "", f, config_error_line(&ld->cfg),
	    config_error_text(&ld->cfg));
	return -1;
}

/*
 * Reads the whole tree into conf: the groups with their schema tables,
 * then the lists, then the cross-checks, then the registered checks.
 * Returns 0, or -1 after recording an error.
 */
static int
read_all(struct loader *ld, struct config *conf)
{
	static const char *const router_extra[] = { "shorthand", NULL };
	static const char *const ussd_extra[] = { "menu",
	    "report_categories", "info_topics", NULL };
	size_t	i;

	if (check_toplevel(ld) == -1)
		return -1;
	for (i = 0; i < NGROUPS; i++)
		if (read_group(ld, config_lookup(&ld->cfg, groups[i].name),
		    conf, groups[i].fields, groups[i].fields == f_router ?
		    router_extra : groups[i].fields == f_ussd ? ussd_extra :
		    NULL) == -1)
			return -1;
	if (check_web(ld, conf) == -1)
		return -1;
	if (check_listen(ld, conf) == -1 || check_prefix(ld, conf) == -1 ||
	    read_shorthand(ld, conf) == -1 ||
	    read_categories(ld, conf) == -1 || read_channels(ld, conf) == -1 ||
	    read_topics(ld, conf) == -1 || check_replies(ld, conf) == -1 ||
	    read_roles(ld, conf) == -1 || check_cases(ld, conf) == -1 ||
	    read_areas(ld, conf) == -1 || check_reports(ld, conf) == -1 ||
	    read_news_topics(ld, conf) == -1 ||
	    check_announce(ld, conf) == -1 ||
	    read_catalogue(ld, conf) == -1 || check_reception(ld, conf) == -1 ||
	    read_ussd(ld, conf) == -1 || check_classifier(ld, conf) == -1 ||
	    run_checks(ld, conf) == -1)
		return -1;
	return 0;
}

/*
 * Reads and validates path, applies the "KEY=VALUE" overrides (in order)
 * and returns a new configuration with one reference, or NULL with
 * "FILE:LINE: message" in err.  The caller drops it with config_unref()
 * (or config_free()).
 */
struct config *
config_load(const char *path, char *const *overrides, size_t noverrides,
    char *err, size_t errsz)
{
	struct loader	 ld;
	struct config	*conf = NULL;
	char		*dir, *tmp;
	size_t		 i;

	memset(&ld, 0, sizeof(ld));
	ld.path = path;
	ld.err = err;
	ld.errsz = errsz;
	if (errsz > 0)
		err[0] = '\0';
	config_init(&ld.cfg);
	/* Includes are relative to the directory of the main file. */
	tmp = xstrdup(path);
	dir = xstrdup(dirname(tmp));
	free(tmp);
	ld.dir = dir;
	config_set_include_dir(&ld.cfg, dir);

	if (noverrides > CONF_OVERRIDES_MAX) {
		snprintf(err, errsz, _("too many -o options (at most %d)"),
		    CONF_OVERRIDES_MAX);
		goto fail;
	}
	if (parse_file(&ld, path) == -1)
		goto fail;
	for (i = 0; i < noverrides; i++)
		if (apply_override(&ld, overrides[i]) == -1)
			goto fail;
	conf = xcalloc(1, sizeof(*conf));
	conf->refs = 1;
	conf->path = xstrdup(path);
	if (read_all(&ld, conf) == -1)
		goto fail;
	config_destroy(&ld.cfg);
	free(dir);
	return conf;
fail:
	if (!ld.failed && errsz > 0 && err[0] == '\0')
		snprintf(err, errsz, _("%s: invalid configuration"), path);
	config_destroy(&ld.cfg);
	free(dir);
	config_free(conf);
	return NULL;
}

static void
free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}


/*
 * Frees what the fields of table f own in obj: strings that are not
 * inline arrays, secrets (zeroed first), lists of strings.
 */
static void
free_fields(void *obj, const struct field *f)
{
	for (; f->name != NULL; f++)
		switch (f->type) {
		case T_STR:
		case T_TEMPLATE:
			if (f->size == 0)
				free(*str_slot(obj, f));
			break;
		case T_SECRET:
			free_secret(*str_slot(obj, f));
			break;
		case T_STRLIST:
			strlist_free(*SLOT(obj, f, char **),
			    *(size_t *)(void *)((char *)obj + f->off2));
			break;
		default:
			break;
		}
}

static void
free_items(struct ussd_item *items, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(items[i].label);
	free(items);
}

/*
 * Frees a configuration from config_load(); NULL is allowed.  The schema
 * tables say which strings each struct owns; the lists besides them are
 * freed here.
 */
void
config_free(struct config *conf)
{
	size_t	i, j;

	if (conf == NULL)
		return;
	if (conf->catalogue_index_free != NULL)
		conf->catalogue_index_free(conf->catalogue_index);
	for (i = 0; i < NGROUPS; i++)
		free_fields(conf, groups[i].fields);
	for (i = 0; i < conf->ncategories; i++) {
		free_fields(&conf->categories[i], f_category);
		for (j = 0; j < conf->categories[i].nsubs; j++)
			free_fields(&conf->categories[i].subs[j],
			    f_subcategory);
		free(conf->categories[i].subs);
	}
	free(conf->categories);
	for (i = 0; i < conf->nchannels; i++) {
		free_fields(&conf->channels[i], f_channel);
		free(conf->channels[i].allow);
	}
	free(conf->channels);
	for (i = 0; i < conf->ntopics; i++)
		free_fields(&conf->topics[i], f_topic);
	free(conf->topics);
	for (i = 0; i < conf->nroles; i++)
		free_fields(&conf->roles[i], f_role);
	free(conf->roles);
	for (i = 0; i < conf->nareas; i++)
		free_fields(&conf->areas[i], f_area);
	free(conf->areas);
	for (i = 0; i < conf->nnews_topics; i++)
		free_fields(&conf->news_topics[i], f_news_topic);
	free(conf->news_topics);
	free(conf->news_words);
	for (i = 0; i < conf->nproc_fields; i++)
		free_fields(&conf->proc_fields[i], f_proc_field);
	free(conf->proc_fields);
	for (i = 0; i < conf->nprocedures; i++)
		free_fields(&conf->procedures[i], f_procedure);
	free(conf->procedures);
	for (i = 0; i < conf->nshorthand; i++) {
		free(conf->shorthand[i].token);
		free(conf->shorthand[i].expansion);
	}
	free(conf->shorthand);
	free_items(conf->ussd_menu, conf->ussd_nmenu);
	free_items(conf->ussd_categories, conf->ussd_ncategories);
	free_items(conf->ussd_topics, conf->ussd_ntopics);
	free(conf->special);
	free(conf->path);
	free(conf);
}

/* Takes a reference to conf, for another thread; returns conf. */
struct config *
config_ref(struct config *conf)
{
	if (conf != NULL)
		atomic_fetch_add(&conf->refs, 1);
	return conf;
}

/* Drops a reference; the last one frees the configuration. */
void
config_unref(struct config *conf)
{
	if (conf != NULL && atomic_fetch_sub(&conf->refs, 1) == 1)
		config_free(conf);
}

static void *
slot_ref(void *c)
{
	return config_ref(c);
}

static void
slot_unref(void *c)
{
	config_unref(c);
}

static const struct slot_type conf_slot_type = { slot_ref, slot_unref };

/*
 * A slot holding the running configuration (it takes the caller's
 * reference): threads read it with conf_slot_get(), a reload replaces it
 * with conf_slot_set().
 */
struct slot *
conf_slot_new(struct config *conf)
{
	return slot_new(&conf_slot_type, conf);
}

/* The current configuration, with a reference the caller drops. */
struct config *
conf_slot_get(struct slot *s)
{
	return slot_get(s);
}

/* Makes conf current (the slot takes the caller's reference). */
void
conf_slot_set(struct slot *s, struct config *conf)
{
	slot_set(s, conf);
}

/* The category with this id, or NULL. */
const struct category *
config_category(const struct config *conf, const char *id)
{
	size_t	i;

	for (i = 0; i < conf->ncategories; i++)
		if (strcmp(conf->categories[i].id, id) == 0)
			return &conf->categories[i];
	return NULL;
}

/* The channel with this name, or NULL. */
const struct channel *
config_channel(const struct config *conf, const char *name)
{
	size_t	i;

	for (i = 0; i < conf->nchannels; i++)
		if (strcmp(conf->channels[i].name, name) == 0)
			return &conf->channels[i];
	return NULL;
}

/* The configuration name of a channel type ("modem", "twilio"...). */
const char *
channel_type_name(enum channel_type t)
{
	size_t	i;

	for (i = 0; channel_types[i].name != NULL; i++)
		if (channel_types[i].value == (int)t)
			return channel_types[i].name;
	return "unknown";
}

/* The index of the news topic with this id, or -1. */
int
config_news_topic(const struct config *conf, const char *id)
{
	size_t	i;

	for (i = 0; i < conf->nnews_topics; i++)
		if (strcmp(conf->news_topics[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* The area with this id, or NULL. */
const struct area *
config_area(const struct config *conf, const char *id)
{
	size_t	i;

	for (i = 0; i < conf->nareas; i++)
		if (strcmp(conf->areas[i].id, id) == 0)
			return &conf->areas[i];
	return NULL;
}

/*
 * ===================================================================
 * Differences between two configurations (a reload's log)
 * ===================================================================
 */

/* Whether field f differs between objects a and b. */
static int
field_differs(const void *a, const void *b, const struct field *f)
{
	const char	*x, *y;
	char *const	*la, *const *lb;
	size_t		 na, nb, i;

	switch (f->type) {
	case T_STR:
	case T_TEMPLATE:
	case T_SECRET:
		x = f->size > 0 ? (const char *)a + f->off :
		    *(char *const *)(const void *)((const char *)a + f->off);
		y = f->size > 0 ? (const char *)b + f->off :
		    *(char *const *)(const void *)((const char *)b + f->off);
		return strcmp(x != NULL ? x : "", y != NULL ? y : "") != 0;
	case T_FLOAT:
		return *SLOT(a, f, const double) != *SLOT(b, f, const double);
	case T_STRLIST:
		la = *SLOT(a, f, char **const);
		lb = *SLOT(b, f, char **const);
		na = *(const size_t *)(const void *)((const char *)a +
		    f->off2);
		nb = *(const size_t *)(const void *)((const char *)b +
		    f->off2);
		if (na != nb)
			return 1;
		for (i = 0; i < na; i++)
			if (strcmp(la[i], lb[i]) != 0)
				return 1;
		return 0;
	default:
		return *SLOT(a, f, const int) != *SLOT(b, f, const int);
	}
}

/* Calls fn("prefix.name") for each field of table f that differs. */
static void
fields_diff(const void *a, const void *b, const struct field *f,
    const char *prefix, void (*fn)(const char *, void *), void *arg)
{
	char	path[160];

	for (; f->name != NULL; f++)
		if (field_differs(a, b, f)) {
			snprintf(path, sizeof(path), "%s.%s", prefix, f->name);
			fn(path, arg);
		}
}

/*
 * The elements of two lists of n_a and n_b structs of size sz, keyed by
 * the string at the start of each (id or name): "list.key" for one only
 * in a or b, the fields that differ for one in both.
 */
static void
list_diff(const char *list, const void *a, size_t na, const void *b,
    size_t nb, size_t sz, const struct field *f,
    void (*fn)(const char *, void *), void *arg)
{
	const char	*x, *y;
	char		 path[160];
	size_t		 i, j;

	for (i = 0; i < na; i++) {
		x = (const char *)a + i * sz;
		for (j = 0; j < nb; j++)
			if (strcmp(x, (const char *)b + j * sz) == 0)
				break;
		snprintf(path, sizeof(path), "%s.%s", list, x);
		if (j == nb)
			fn(path, arg);
		else
			fields_diff(x, (const char *)b + j * sz, f, path, fn,
			    arg);
	}
	for (j = 0; j < nb; j++) {
		y = (const char *)b + j * sz;
		for (i = 0; i < na; i++)
			if (strcmp(y, (const char *)a + i * sz) == 0)
				break;
		snprintf(path, sizeof(path), "%s.%s", list, y);
		if (i == na)
			fn(path, arg);
	}
}

/* "categories.ID.subcategories" when their ids or phrases differ. */
static void
category_subs_diff(const struct category *a, const struct category *b,
    void (*fn)(const char *, void *), void *arg)
{
	const struct field	*f;
	char			 path[160];
	size_t			 i;
	int			 d = a->nsubs != b->nsubs;

	for (i = 0; !d && i < a->nsubs; i++)
		for (f = f_subcategory; !d && f->name != NULL; f++)
			d = field_differs(&a->subs[i], &b->subs[i], f);
	if (d) {
		snprintf(path, sizeof(path), "categories.%s.subcategories",
		    a->id);
		fn(path, arg);
	}
}

/*
 * Calls fn(path, arg) for every setting that differs between a and b,
 * by its path: "storage.path", "categories.security.deadline_days", or
 * "channels.gen" for a channel that only one of them has.  A
 * sub-category's settings count as their category's ("keywords").  The
 * lists read outside the schema tables (router.shorthand, the USSD
 * menus) are compared by their size only.
 */
void
config_diff(const struct config *a, const struct config *b,
    void (*fn)(const char *, void *), void *arg)
{
	size_t	i, j;

	for (i = 0; i < NGROUPS; i++)
		fields_diff(a, b, groups[i].fields, groups[i].name, fn, arg);
	if (a->nshorthand != b->nshorthand)
		fn("router.shorthand", arg);
	if (a->ussd_nmenu != b->ussd_nmenu || a->ussd_ncategories !=
	    b->ussd_ncategories || a->ussd_ntopics != b->ussd_ntopics)
		fn("ussd menus", arg);
	list_diff("categories", a->categories, a->ncategories, b->categories,
	    b->ncategories, sizeof(*a->categories), f_category, fn, arg);
	for (i = 0; i < a->ncategories; i++)
		for (j = 0; j < b->ncategories; j++)
			if (strcmp(a->categories[i].id, b->categories[j].id) ==
			    0)
				category_subs_diff(&a->categories[i],
				    &b->categories[j], fn, arg);
	list_diff("channels", a->channels, a->nchannels, b->channels,
	    b->nchannels, sizeof(*a->channels), f_channel, fn, arg);
	list_diff("roles", a->roles, a->nroles, b->roles, b->nroles,
	    sizeof(*a->roles), f_role, fn, arg);
	list_diff("topics", a->topics, a->ntopics, b->topics, b->ntopics,
	    sizeof(*a->topics), f_topic, fn, arg);
	list_diff("areas", a->areas, a->nareas, b->areas, b->nareas,
	    sizeof(*a->areas), f_area, fn, arg);
	list_diff("news_topics", a->news_topics, a->nnews_topics,
	    b->news_topics, b->nnews_topics, sizeof(*a->news_topics),
	    f_news_topic, fn, arg);
	list_diff("procedure_fields", a->proc_fields, a->nproc_fields,
	    b->proc_fields, b->nproc_fields, sizeof(*a->proc_fields),
	    f_proc_field, fn, arg);
	list_diff("procedures", a->procedures, a->nprocedures, b->procedures,
	    b->nprocedures, sizeof(*a->procedures), f_procedure, fn, arg);
}
