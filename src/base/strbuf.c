/*
 * strbuf.c: a growing string (strbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/log.h"
#include "base/util.h"

/* Makes room for n more bytes and the NUL. */
static void
grow(struct strbuf *sb, size_t n)
{
	size_t	cap;
	char	*p;

	if (n > (size_t)-1 / 2 - sb->len)
		fatalx("strbuf: %zu bytes is too long", n);
	if (sb->len + n + 1 <= sb->cap)
		return;
	cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + n + 1)
		cap *= 2;
	p = sb->cap ? realloc(sb->buf, cap) : malloc(cap);
	if (p == NULL)
		fatal("strbuf");
	if (sb->cap == 0)
		p[0] = '\0';
	sb->buf = p;
	sb->cap = cap;
}

/* Appends n bytes of s. */
void
strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

/* Appends the string s. */
void
strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

/* Appends printf(fmt, ...). */
void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("strbuf_printf: bad format");
	grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

/* Cuts the string to its first len bytes (no-op when it is shorter). */
void
strbuf_truncate(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

/*
 * Returns the string, malloc'd (the caller frees it), with its length in
 * *lenp when lenp is not NULL, and leaves sb empty.
 */
char *
strbuf_take(struct strbuf *sb, size_t *lenp)
{
	char	*s = sb->cap ? sb->buf : xstrdup("");

	if (lenp != NULL)
		*lenp = sb->len;
	sb->buf = (char *)"";
	sb->len = sb->cap = 0;
	return s;
}

/* Frees the string and leaves sb empty. */
void
strbuf_free(struct strbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	sb->buf = (char *)"";
	sb->len = sb->cap = 0;
}
