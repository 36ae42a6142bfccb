/*
 * field.c: the rules for senders, recipients and provider message ids
 * as they arrive from outside.
 *
 * A sender or recipient is one of:
 *
 *	a phone number	an optional '+' and 8 to 15 digits (E.164 allows
 *			15; a national "0912345678" is one too)
 *	a short code	3 to 7 digits ("1022", "8088")
 *	an alphanumeric	1 to 11 ASCII letters, digits, spaces and ". - _ &
 *	sender		'", with a letter ("VIETTEL", "Vinaphone")
 *
 * Short codes and alphanumeric senders are stored like any sender, but
 * nothing is ever sent back to them (core/reply.c, reply_may_reply()):
 * they cannot receive an SMS.  Anything else ("-1", 5,000 digits, bytes
 * that are not UTF-8, a NUL) is refused with the reason.
 *
 * A provider's message id is 1 to FIELD_ID_MAX bytes of printable ASCII:
 * an id that a NUL cuts short, or one that carries a newline into a log
 * line, would not be the id the provider sent, and deduplication on it
 * would be lost.
 */
#include <ctype.h>
#include <string.h>

#include "domain/field.h"
#include "text/text.h"

/* Whether c may appear in an alphanumeric sender. */
static int
alpha_char(unsigned char c)
{
	return isalnum(c) || c == ' ' || strchr(".-_&'", c) != NULL;
}

/* Whether s[0..len) is digits, after an optional '+'. */
static int
all_digits(const char *s, size_t len)
{
	size_t	i = (len > 0 && s[0] == '+') ? 1 : 0;

	if (i == len)
		return 0;
	for (; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The kind of the digits s[0..len), or the reason they are refused. */
static const char *
digits_rule(const char *s, size_t len, enum field_address *kind)
{
	size_t	n = len - (s[0] == '+' ? 1 : 0);

	if (n > FIELD_DIGITS_MAX)
		return "has more than 15 digits (E.164)";
	if (n < FIELD_SHORT_MIN)
		return "has fewer than 3 digits";
	*kind = n >= FIELD_NUMBER_MIN ? FIELD_NUMBER : FIELD_SHORT;
	return NULL;
}

/*
 * Checks a sender or a recipient of len bytes (it need not be
 * NUL-terminated).  Returns NULL with its kind in *kind, or the reason it
 * is refused, a phrase that follows the field's name ("from has more
 * than 15 digits").
 */
const char *
field_address(const char *s, size_t len, enum field_address *kind)
{
	size_t	i, letters = 0;

	if (len == 0)
		return "is empty";
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "holds a control character";
	if (!text_valid_utf8(s, len))
		return "is not valid UTF-8";
	if (all_digits(s, len))
		return digits_rule(s, len, kind);
	if (s[0] == '+')
		return "is not a phone number";
	for (i = 0; i < len; i++) {
		if (!alpha_char((unsigned char)s[i]))
			return "is not a phone number, a short code or an "
			    "alphanumeric sender";
		if (isalpha((unsigned char)s[i]))
			letters++;
	}
	if (letters == 0 || !isalnum((unsigned char)s[0]))
		return "is not a phone number, a short code or an "
		    "alphanumeric sender";
	if (len > FIELD_ALPHA_MAX)
		return "is an alphanumeric sender of more than 11 characters";
	*kind = FIELD_ALPHA;
	return NULL;
}

/*
 * Checks a provider's message id of len bytes.  Returns NULL, or the
 * reason it is refused (a phrase, as above).
 */
const char *
field_id(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return "is empty";
	if (len > FIELD_ID_MAX)
		return "is longer than 128 bytes";
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return "holds a byte that is not printable ASCII";
	return NULL;
}
