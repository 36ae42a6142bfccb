/*
 * log.h: logging (log.c), used everywhere.  With -d the lines go to stderr
 * with syslog priority prefixes that journald reads ("<4>..."), otherwise
 * to syslog.  log_warn() adds strerror(errno), log_warnx() does not;
 * fatal() and fatalx() are for broken invariants only.  Never log a full
 * phone number (mask_number()), a secret or a message's text at info.
 */
#ifndef PAPIGW_BASE_LOG_H
#define PAPIGW_BASE_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERR = 3,
	LOG_LVL_WARN = 4,
	LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7
};

void	log_init(int foreground, enum log_level level);
void	log_setlevel(enum log_level level);
void	log_flush(void);
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

#endif /* PAPIGW_BASE_LOG_H */
