/*
 * log.c: the daemon's logging, after OpenBSD's log.c.
 *
 * In the foreground (-d, which is how systemd runs papigwd) everything goes
 * to stderr and each line starts with a syslog priority prefix such as
 * "<4>", which journald turns into the entry's priority.  A daemon started
 * without -d logs through syslog(3) instead.  Before log_init() (option
 * and configuration errors) lines go to stderr without a prefix.
 * log_warn() appends strerror(errno), log_warnx() does not; fatal() and
 * fatalx() are for broken invariants only and exit 1.
 *
 * Never pass a full phone number, a token or a message body at info level:
 * use mask_number() from util.c.
 *
 * What a line quotes cannot forge another line: control characters
 * (a newline followed by "<0>" would be an emergency in the journal) are
 * written as \xNN.  And a line that repeats is written once a minute at
 * most: the same text again within LOG_REPEAT_SECONDS is counted, and
 * the count is written when the minute is over ("... (repeated 972
 * times)"), by the next such line or by log_flush() (the daemon calls it
 * every second).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "base/hash.h"
#include "base/i18n.h"
#include "base/log.h"

#define LOG_REPEAT_SECONDS	60	/* a line again within it is counted */
#define LOG_RECENT		32	/* lines remembered for that */
#define LOG_MSG_MAX		2048	/* bytes of a line's text */

/* A line written lately, and how often it came again since. */
struct recent {
	uint32_t	 hash;		/* of its level and text */
	enum log_level	 level;
	time_t		 at;		/* when it was written */
	unsigned	 again;		/* repeats not written */
	char		 text[160];	/* its start, for the count's line */
};

static pthread_mutex_t	log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct recent	log_recent[LOG_RECENT];

/* 0: plain stderr, 1: stderr with priority prefixes, 2: syslog. */
static int		log_mode;
static enum log_level	log_threshold = LOG_LVL_INFO;

static const struct {
	const char	*name;
	enum log_level	 level;
} log_names[] = {
	{ "error",	LOG_LVL_ERR },
	{ "warning",	LOG_LVL_WARN },
	{ "notice",	LOG_LVL_NOTICE },
	{ "info",	LOG_LVL_INFO },
	{ "debug",	LOG_LVL_DEBUG },
};

void
log_init(int foreground, enum log_level level)
{
	log_mode = foreground ? 1 : 2;
	log_threshold = level;
	if (!foreground)
		openlog("papigwd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setlevel(enum log_level level)
{
	log_threshold = level;
}

static const char *
level_name(enum log_level level)
{
	size_t	i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++)
		if (log_names[i].level == level)
			return log_names[i].name;
	return "log";
}

/*
 * Copies src into dst (dstsz bytes) with control characters and DEL as
 * \xNN, so that a quoted field cannot start a line of its own.
 */
static void
escape(char *dst, size_t dstsz, const char *src)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	size_t			 o = 0;

	for (p = (const unsigned char *)src; *p != '\0' && o + 5 < dstsz;
	    p++) {
		if (*p >= 0x20 && *p != 0x7F) {
			dst[o++] = (char)*p;
			continue;
		}
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[*p >> 4];
		dst[o++] = hex[*p & 15];
	}
	dst[o] = '\0';
}

/* Writes one finished line with a single fputs() (or syslog). */
static void
emit(enum log_level level, const char *msg)
{
	char	line[LOG_MSG_MAX + 64];

	if (log_mode == 2) {
		syslog((int)level, "%s", msg);
		return;
	}
	if (log_mode == 1)
		snprintf(line, sizeof(line), "<%d>%s\n", (int)level, msg);
	else
		snprintf(line, sizeof(line), "papigwd: %s: %s\n",
		    level_name(level), msg);
	fputs(line, stderr);
	fflush(stderr);
}

/* Writes the count of a remembered line's repeats, if any; lock held. */
static void
emit_repeats(struct recent *r)
{
	char	line[256];

	if (r->again == 0)
		return;
	snprintf(line, sizeof(line), ngettext("%s%s (repeated %u time in %d s)",
	    "%s%s (repeated %u times in %d s)", r->again), r->text,
	    strlen(r->text) + 1 >= sizeof(r->text) ? "..." : "", r->again,
	    LOG_REPEAT_SECONDS);
	emit(r->level, line);
	r->again = 0;
}

/*
 * Whether msg may be written now: not when the same line was written
 * within the last LOG_REPEAT_SECONDS (it is counted instead).  Lock held.
 */
static int
admit(enum log_level level, const char *msg, time_t now)
{
	struct recent	*r, *oldest = &log_recent[0];
	uint32_t	 h = hash_fnv1a32(msg, strlen(msg)) ^ (uint32_t)level;
	size_t		 i;

	for (i = 0; i < LOG_RECENT; i++) {
		r = &log_recent[i];
		if (r->at != 0 && r->hash == h && r->level == level &&
		    strncmp(r->text, msg, sizeof(r->text) - 1) == 0) {
			if (now - r->at < LOG_REPEAT_SECONDS) {
				r->again++;
				return 0;
			}
			emit_repeats(r);
			r->at = now;
			return 1;
		}
		if (r->at < oldest->at)
			oldest = r;
	}
	emit_repeats(oldest);
	oldest->hash = h;
	oldest->level = level;
	oldest->at = now;
	oldest->again = 0;
	snprintf(oldest->text, sizeof(oldest->text), "%s", msg);
	return 1;
}

/*
 * Writes the counts of lines whose minute is over.  The daemon calls it
 * once a second; any thread.
 */
void
log_flush(void)
{
	time_t	now = time(NULL);
	size_t	i;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < LOG_RECENT; i++)
		if (log_recent[i].again > 0 &&
		    now - log_recent[i].at >= LOG_REPEAT_SECONDS) {
			emit_repeats(&log_recent[i]);
			log_recent[i].at = now;
		}
	pthread_mutex_unlock(&log_lock);
}

/*
 * Formats one line: the message with its fields escaped, and errno's
 * text with with_errno.  Lines from different threads do not interleave.
 */
static void __attribute__((format(printf, 3, 0)))
vlog(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	char	raw[LOG_MSG_MAX], msg[LOG_MSG_MAX];
	int	saved = errno;
	size_t	n;

	if (level > log_threshold)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	escape(msg, sizeof(msg), raw);
	if (with_errno && (n = strlen(msg)) + 2 < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	pthread_mutex_lock(&log_lock);
	/* Before log_init() (errors of the command line): everything. */
	if (log_mode == 0 || admit(level, msg, time(NULL)))
		emit(level, msg);
	pthread_mutex_unlock(&log_lock);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_WARN, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_WARN, 0, fmt, ap);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_NOTICE, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
