/*
 * util.c: small helpers shared by every module: bounded string copies,
 * checked number parsing, allocation that cannot return NULL, reading a
 * small file (secrets), and the masking of phone numbers for logs.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "base/log.h"

/*
 * Copies src into dst of dstsz bytes, always NUL-terminated.  Returns 0,
 * or -1 when src did not fit (dst then holds the truncated prefix).
 */
int
copy_str(char *dst, size_t dstsz, const char *src)
{
	size_t	len = strlen(src);

	if (dstsz == 0)
		return -1;
	if (len >= dstsz) {
		memcpy(dst, src, dstsz - 1);
		dst[dstsz - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

/* calloc() that treats running out of memory as fatal. */
void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if ((p = calloc(nmemb ? nmemb : 1, size ? size : 1)) == NULL)
		fatal("calloc");
	return p;
}

/*
 * realloc() of an array of nmemb elements of size bytes that treats an
 * overflowing size and running out of memory as fatal.
 */
void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if ((p = reallocarray(p, nmemb ? nmemb : 1, size ? size : 1)) ==
	    NULL)
		fatal("reallocarray");
	return p;
}

/* strdup() that treats running out of memory as fatal; NULL stays NULL. */
char *
xstrdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return p;
}

/* Frees the n strings of list and list (NULL: nothing). */
void
strlist_free(char **list, size_t n)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/*
 * The value of hex digit c (0 to 15), or -1; with lower_only, "A" to "F"
 * are not digits.
 */
int
hex_value(int c, int lower_only)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (!lower_only && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes the n hex digits of hex (n even) into the n / 2 bytes of out.
 * Returns 0, or -1 if one of them is not a digit (hex_value()).
 */
int
hex_decode(const char *hex, size_t n, unsigned char *out, int lower_only)
{
	size_t	i;
	int	hi, lo;

	if (n % 2 != 0)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if ((hi = hex_value((unsigned char)hex[2 * i], lower_only)) < 0 ||
		    (lo = hex_value((unsigned char)hex[2 * i + 1],
		    lower_only)) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/*
 * Parses a whole decimal string into *out within [min, max].  Returns 0,
 * or -1 (errno EINVAL for garbage, ERANGE out of range).
 */
int
parse_long(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * Reads a regular file of at most max bytes.  Returns a NUL-terminated
 * malloc'd copy with trailing newlines removed (the caller frees it, and
 * should wipe it when it is a secret) and its length in *lenp, or NULL
 * with errno set (EFBIG when the file is larger than max).
 */
char *
read_small_file(const char *path, size_t max, size_t *lenp)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	/* Room for a final CR LF, stripped below. */
	if ((size_t)st.st_size > max + 2) {
		errno = EFBIG;
		goto fail;
	}
	buf = xcalloc(1, max + 3);
	while (len < max + 2) {
		n = read(fd, buf + len, max + 2 - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	fd = -1;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	if (len > max) {
		errno = EFBIG;
		goto fail;
	}
	if (lenp != NULL)
		*lenp = len;
	return buf;
fail:
	saved = errno;
	if (buf != NULL)
		explicit_bzero(buf, max + 3);
	free(buf);
	if (fd != -1)
		close(fd);
	errno = saved;
	return NULL;
}

/*
 * Writes into buf a masked form of a phone number that keeps what an
 * officer needs to tell numbers apart in a queue but not enough to call:
 * "+84912345678" becomes "+84 91x xxx 678".  Short codes and alphanumeric
 * senders keep their first and last characters only.  Returns buf.
 */
const char *
mask_number(const char *number, char *buf, size_t bufsz)
{
	char	 digits[32];
	size_t	 nd = 0, i, o = 0;
	int	 plus = 0;
	const char *p;

	if (bufsz == 0)
		return buf;
	buf[0] = '\0';
	if (number == NULL || *number == '\0')
		return buf;
	for (p = number; *p != '\0'; p++) {
		if (*p == '+' && p == number)
			plus = 1;
		else if (isdigit((unsigned char)*p)) {
			if (nd + 1 < sizeof(digits))
				digits[nd++] = *p;
		} else if (*p != ' ' && *p != '-' && *p != '.')
			goto other;
	}
	if (nd < 8)
		goto other;
	/* Country code (two digits after '+'), then the national part. */
	if (plus && nd > 10) {
		o += (size_t)snprintf(buf + o, bufsz - o, "+%.2s ", digits);
		memmove(digits, digits + 2, nd - 2);
		nd -= 2;
	}
	for (i = 0; i < nd && o + 2 < bufsz; i++) {
		if (i == 3 || (i == nd - 3 && i > 3))
			buf[o++] = ' ';
		if (i < 2 || i >= nd - 3)
			buf[o++] = digits[i];
		else
			buf[o++] = 'x';
	}
	buf[o < bufsz ? o : bufsz - 1] = '\0';
	return buf;
other:
	/* Alphanumeric sender or short code: first and last character. */
	nd = strlen(number);
	if (nd <= 2)
		snprintf(buf, bufsz, "%s", "**");
	else
		snprintf(buf, bufsz, "%c***%c", number[0], number[nd - 1]);
	return buf;
}
