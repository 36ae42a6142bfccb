/*
 * ref.c: writing and reading case references (ref.h).
 *
 * A reference is read as the prefix (any case), an optional separator
 * ('-', ' ', '.' or '_'), then 1 to 9 digits: "PA-000123", "pa123",
 * "PA 123", "Pa.123".  Number 0 is no case.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/ref.h"

#define REF_DIGITS_MAX	9

/*
 * Writes the reference of case number n, "PA-000123", into buf.  Returns
 * its length (bufsz or more: it did not fit).
 */
size_t
ref_format(const char *prefix, int64_t n, char *buf, size_t bufsz)
{
	int	len;

	len = snprintf(buf, bufsz, "%s-%06lld", prefix, (long long)n);
	return len < 0 ? bufsz : (size_t)len;
}

/*
 * Reads a reference that starts at s: the prefix (or, without it, digits
 * alone when optional), a separator and the digits.  Returns the number,
 * 0 when there is none, and in *end where the digits stop.
 */
static int64_t
read_ref(const char *prefix, const char *s, int optional, const char **end)
{
	size_t	 plen = strlen(prefix);
	int64_t	 n = 0;
	int	 digits;

	*end = s;
	if (plen > 0 && strncasecmp(s, prefix, plen) == 0) {
		s += plen;
		if (*s == '-' || *s == ' ' || *s == '.' || *s == '_')
			s++;
	} else if (!optional)
		return 0;
	for (digits = 0; isdigit((unsigned char)*s) &&
	    digits <= REF_DIGITS_MAX; s++, digits++)
		n = n * 10 + (*s - '0');
	*end = s;
	if (digits == 0 || digits > REF_DIGITS_MAX)
		return 0;
	return n;
}

/*
 * Reads s as a reference and nothing else (REF_PREFIX_OPTIONAL: the
 * digits alone will do).  Returns the number, or 0.
 */
int64_t
ref_parse(const char *prefix, const char *s, unsigned flags)
{
	const char	*end;
	int64_t		 n;

	if (s == NULL)
		return 0;
	n = read_ref(prefix, s, (flags & REF_PREFIX_OPTIONAL) != 0, &end);
	return *end == '\0' ? n : 0;
}

/*
 * Finds the first reference quoted in text, prefix required, as a word of
 * its own ("xem PA-000123 giup", not "CAPA-12" or "PA-12x").  Returns the
 * number, or 0.
 */
int64_t
ref_find(const char *prefix, const char *text)
{
	const char	*p, *end;
	int64_t		 n;

	for (p = text; *p != '\0'; p++) {
		if (p != text && isalnum((unsigned char)p[-1]))
			continue;
		n = read_ref(prefix, p, 0, &end);
		if (n > 0 && !isalnum((unsigned char)*end))
			return n;
	}
	return 0;
}
