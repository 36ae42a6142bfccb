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
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "base/log.h"

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
 * Formats one line into a bounded buffer and writes it with a single
 * fputs(), so that lines from different threads do not interleave.
 */
static void __attribute__((format(printf, 3, 0)))
vlog(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	char	msg[2048], line[2200];
	int	saved = errno;

	if (level > log_threshold)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_mode == 2) {
		syslog((int)level, "%s%s%s", msg, with_errno ? ": " : "",
		    with_errno ? strerror(saved) : "");
		errno = saved;
		return;
	}
	if (log_mode == 1)
		snprintf(line, sizeof(line), "<%d>%s%s%s\n", (int)level, msg,
		    with_errno ? ": " : "", with_errno ? strerror(saved) : "");
	else
		snprintf(line, sizeof(line), "papigwd: %s: %s%s%s\n",
		    level_name(level), msg, with_errno ? ": " : "",
		    with_errno ? strerror(saved) : "");
	fputs(line, stderr);
	fflush(stderr);
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
