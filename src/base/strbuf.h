/*
 * strbuf.h: a growing NUL-terminated string, for texts built piece by
 * piece (the metrics page, request bodies, USSD screens).  Running out of
 * memory is fatal, as with xcalloc().
 *
 *	struct strbuf	sb = STRBUF_INIT;
 *
 *	strbuf_printf(&sb, "%s=%d\n", name, value);
 *	use(sb.buf, sb.len);
 *	strbuf_free(&sb);
 *
 * A zeroed struct strbuf (inside a calloc'd struct) is empty too, but its
 * buf is NULL until something is added.
 */
#ifndef PAPIGW_BASE_STRBUF_H
#define PAPIGW_BASE_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*buf;		/* NUL-terminated; "" until something is added */
	size_t	 len;		/* bytes, without the NUL */
	size_t	 cap;		/* bytes allocated, 0 while buf is "" */
};

#define STRBUF_INIT	{ (char *)"", 0, 0 }

void	 strbuf_add(struct strbuf *, const char *s, size_t n);
void	 strbuf_adds(struct strbuf *, const char *s);
void	 strbuf_addc(struct strbuf *, char c);
void	 strbuf_printf(struct strbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 strbuf_truncate(struct strbuf *, size_t len);
char	*strbuf_take(struct strbuf *, size_t *lenp);
void	 strbuf_free(struct strbuf *);

#endif /* PAPIGW_BASE_STRBUF_H */
