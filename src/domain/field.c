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
 * Phone numbers are then written one way, E.164 (field_e164()), so that
 * one phone is one resident whichever channel it writes through: a
 * provider writes "+84901110004", another "84901110004", a modem
 * "0901110004".
 *
 * A provider's message id is 1 to FIELD_ID_MAX bytes of printable ASCII:
 * an id that a NUL cuts short, or one that carries a newline into a log
 * line, would not be the id the provider sent, and deduplication on it
 * would be lost.
 */
#include <ctype.h>
#include <stdio.h>
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

/*
 * Vietnam's 11-digit mobile numbers, renumbered to 10 digits in 2018
 * (Ministry of Information and Communications, Decision 798/QĐ-BTTTT):
 * the old three-digit prefix after the trunk "0" and its new two digits.
 * Residents and old phone books still write them.
 */
static const struct {
	const char	*old, *new;
} vn_renumbered[] = {
	{ "120", "70" }, { "121", "79" }, { "122", "77" }, { "126", "76" },
	{ "128", "78" },				/* MobiFone */
	{ "123", "83" }, { "124", "84" }, { "125", "85" }, { "127", "81" },
	{ "129", "82" },				/* VinaPhone */
	{ "162", "32" }, { "163", "33" }, { "164", "34" }, { "165", "35" },
	{ "166", "36" }, { "167", "37" }, { "168", "38" }, { "169", "39" },
							/* Viettel */
	{ "186", "56" }, { "188", "58" },		/* Vietnamobile */
	{ "199", "59" },				/* Gmobile */
};

/*
 * The national significant number nsn (digits after the country code)
 * of a Vietnamese number, renumbered in place when it is an old 11-digit
 * mobile one (ten digits here, the trunk "0" gone).
 */
static void
vn_renumber(char *nsn)
{
	size_t	i;

	if (strlen(nsn) != 10)
		return;
	for (i = 0; i < sizeof(vn_renumbered) / sizeof(vn_renumbered[0]);
	    i++)
		if (strncmp(nsn, vn_renumbered[i].old, 3) == 0) {
			memcpy(nsn, vn_renumbered[i].new, 2);
			memmove(nsn + 2, nsn + 3, strlen(nsn + 3) + 1);
			return;
		}
}

/*
 * Writes phone number s in E.164 ("+84901110004") into out, with
 * country the calling code of national numbers ("84"):
 *
 *	+84901110004, 0084901110004	international: kept
 *	0901110004			national: the trunk "0" becomes +84
 *	84901110004			the country code without its '+'
 *	+840901110004			a trunk "0" kept after the code: dropped
 *
 * and, for Vietnam, the old 11-digit mobile numbers renumbered.  Returns
 * 1 when out holds a number that differs from s, 0 when it is s as it was
 * (already E.164, or a short code, an alphanumeric sender or anything
 * that is not a phone number: those are copied unchanged), -1 when out is
 * too small.
 */
int
field_e164(const char *s, const char *country, char *out, size_t outsz)
{
	char	 d[FIELD_E164_SIZE + 8], nsn[FIELD_E164_SIZE + 8];
	size_t	 len = strlen(s), cl = strlen(country);
	int	 n;

	if (len >= outsz)
		return -1;
	memcpy(out, s, len + 1);
	if (!all_digits(s, len) || len - (s[0] == '+') < FIELD_NUMBER_MIN ||
	    len >= sizeof(d) || cl == 0)
		return 0;
	if (s[0] == '+')
		memcpy(d, s + 1, len);
	else if (strncmp(s, "00", 2) == 0)
		memcpy(d, s + 2, len - 1);
	else if (s[0] == '0')
		snprintf(d, sizeof(d), "%s%s", country, s + 1);
	else if (strncmp(s, country, cl) == 0)
		memcpy(d, s, len + 1);
	else
		return 0;		/* no code we can tell: as it came */
	if (strncmp(d, country, cl) == 0) {
		/* The trunk "0" some write after the code. */
		snprintf(nsn, sizeof(nsn), "%s", d + cl + (d[cl] == '0'));
		if (strcmp(country, "84") == 0)
			vn_renumber(nsn);
		snprintf(d, sizeof(d), "%s%s", country, nsn);
	}
	if (strlen(d) > FIELD_DIGITS_MAX || strlen(d) < FIELD_NUMBER_MIN)
		return 0;
	n = snprintf(out, outsz, "+%s", d);
	if (n < 0 || (size_t)n >= outsz) {
		memcpy(out, s, len + 1);
		return -1;
	}
	return strcmp(out, s) != 0;
}
