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
	char		  code[8];	/* short code a resident may put first */
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
	/* HTTP provider channels. */
	char		 *public_url;	/* the URL the provider calls */
	char		 *base_url;	/* the provider's API base */
	char		 *account;	/* account sid / username / api key */
	char		 *token;	/* secret: auth token / api secret */
	char		 *signature_secret; /* secret for signed webhooks */
	int		  line;
};

struct config {
	char		 *path;		/* the file it was read from */

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

	/* control */
	char		 *control_socket;

	/* cases */
	char		  case_prefix[8];	/* "PA" in "PA-000123" */
	char		 *default_language;	/* "vi" or "en" */

	/* router */
	double		  router_threshold;
	char		  router_triage[CONF_ID_MAX];
	struct shorthand *shorthand;
	size_t		  nshorthand;

	struct category	 *categories;
	size_t		  ncategories;
	struct channel	 *channels;
	size_t		  nchannels;
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
const struct category *config_category(const struct config *,
		    const char *id);
const struct channel *config_channel(const struct config *,
		    const char *name);
const char	*channel_type_name(enum channel_type);

#endif /* PAPIGW_H */
