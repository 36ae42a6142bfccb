/*
 * sms.c: what a text costs as SMS (3GPP TS 23.038 and 23.040).
 *
 * A text fits GSM-7 when every character is in the default alphabet or its
 * extension table (the extension characters ^ { } \ [ ~ ] | and the euro
 * sign take two septets); otherwise it goes out as UCS-2.  A single SMS
 * holds 160 septets or 70 UCS-2 units; the parts of a concatenated one
 * hold 153 septets (an extension character is never split across two
 * parts) or 67 units (a surrogate pair is never split).
 *
 * For replies: sms_strip_diacritics() drops Vietnamese diacritics so that
 * a text fits GSM-7 (a channel's strip_diacritics setting), and sms_fit()
 * cuts a text to a number of parts at a word boundary, with "...".
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/sms.h"
#include "text/text.h"

/* The GSM 03.38 default alphabet, as Unicode code points. */
static const uint16_t gsm7_basic[128] = {
	'@', 0xA3, '$', 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, '\n', 0xD8,
	0xF8, '\r', 0xC5, 0xE5, 0x394, '_', 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0,
	0x3A8, 0x3A3, 0x398, 0x39E, 0x1B, 0xC6, 0xE6, 0xDF, 0xC9, ' ', '!',
	'"', '#', 0xA4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.',
	'/', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<',
	'=', '>', '?', 0xA1, 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J',
	'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X',
	'Y', 'Z', 0xC4, 0xD6, 0xD1, 0xDC, 0xA7, 0xBF, 'a', 'b', 'c', 'd', 'e',
	'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's',
	't', 'u', 'v', 'w', 'x', 'y', 'z', 0xE4, 0xF6, 0xF1, 0xFC, 0xE0
};

/* The extension table: each takes an escape and a septet. */
static const uint16_t gsm7_ext[] = {
	0x0C, '^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC
};

/*
 * Decodes the next UTF-8 code point of *sp and advances it; an invalid
 * byte reads as U+FFFD.
 */
static uint32_t
next_cp(const unsigned char **sp)
{
	const unsigned char	*s = *sp;
	uint32_t		 cp;
	int			 n, i;

	if (s[0] < 0x80) {
		*sp = s + 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		cp = s[0] & 0x1F;
		n = 1;
	} else if ((s[0] & 0xF0) == 0xE0) {
		cp = s[0] & 0x0F;
		n = 2;
	} else if ((s[0] & 0xF8) == 0xF0) {
		cp = s[0] & 0x07;
		n = 3;
	} else {
		*sp = s + 1;
		return 0xFFFD;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*sp = s + i;
			return 0xFFFD;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*sp = s + n + 1;
	return cp;
}

/*
 * Septets of the code points below GSM7_TABLE_MAX (every one of the two
 * tables but the euro sign), built once from them: a reply of a thousand
 * characters is counted on the store's writer thread, where a search of
 * the tables per character showed.
 */
#define GSM7_TABLE_MAX	0x400
static unsigned char	gsm7_table[GSM7_TABLE_MAX];
static pthread_once_t	gsm7_once = PTHREAD_ONCE_INIT;

static void
gsm7_table_init(void)
{
	size_t	i;

	for (i = 0; i < 128; i++)
		if (gsm7_basic[i] != 0x1B)
			gsm7_table[gsm7_basic[i]] = 1;
	for (i = 0; i < sizeof(gsm7_ext) / sizeof(gsm7_ext[0]); i++)
		if (gsm7_ext[i] < GSM7_TABLE_MAX)
			gsm7_table[gsm7_ext[i]] = 2;
}

/* Septets a code point takes in GSM-7: 1, 2, or 0 when it has none. */
int
sms_septets(uint32_t cp)
{
	pthread_once(&gsm7_once, gsm7_table_init);
	if (cp < GSM7_TABLE_MAX)
		return gsm7_table[cp];
	return cp == 0x20AC ? 2 : 0;
}

/* Whether the whole UTF-8 text fits the GSM-7 alphabet. */
int
sms_is_gsm7(const char *utf8)
{
	const unsigned char	*s = (const unsigned char *)utf8;

	while (*s != '\0')
		if (sms_septets(next_cp(&s)) == 0)
			return 0;
	return 1;
}

/*
 * A text counted so far, in both encodings: GSM-7 until a character rules
 * it out, UCS-2 all along.  For each, the units in all and the parts of a
 * concatenated SMS filled with the room used in the last (a character is
 * never split across two parts).
 */
struct count {
	int	is7;
	int	total7, parts7, used7;
	int	total16, parts16, used16;
};

#define COUNT_INIT	{ 1, 0, 1, 0, 0, 1, 0 }

static void
pack(int *parts, int *used, int w, int part)
{
	if (*used + w > part) {
		(*parts)++;
		*used = 0;
	}
	*used += w;
}

static void
count_add(struct count *c, uint32_t cp)
{
	int	w;

	if (c->is7) {
		if ((w = sms_septets(cp)) == 0)
			c->is7 = 0;
		else {
			c->total7 += w;
			pack(&c->parts7, &c->used7, w, 153);
		}
	}
	w = cp > 0xFFFF ? 2 : 1;
	c->total16 += w;
	pack(&c->parts16, &c->used16, w, 67);
}

/* How many SMS the text counted in c takes, in the encoding it needs. */
static int
count_segments(const struct count *c)
{
	if (c->is7)
		return c->total7 <= 160 ? 1 : c->parts7;
	return c->total16 <= 70 ? 1 : c->parts16;
}

/*
 * How many SMS the text takes, in the encoding it needs; *gsm7 (when not
 * NULL) says which.  One pass over the text.
 */
int
sms_measure(const char *utf8, int *gsm7)
{
	const unsigned char	*s = (const unsigned char *)utf8;
	struct count		 c = COUNT_INIT;

	while (*s != '\0')
		count_add(&c, next_cp(&s));
	if (gsm7 != NULL)
		*gsm7 = c.is7;
	return count_segments(&c);
}

/* How many SMS the text takes, in the encoding it needs. */
int
sms_segments(const char *utf8)
{
	return sms_measure(utf8, NULL);
}

/*
 * Returns a copy of the UTF-8 text without Vietnamese diacritics ("Đã nhận"
 * is "Da nhan"), which then usually fits GSM-7 (text_strip_marks() does
 * the folding).  The caller frees it with free().
 */
char *
sms_strip_diacritics(const char *utf8)
{
	return text_strip_marks(utf8, strlen(utf8));
}

/*
 * The length of the longest prefix of utf8 that ends at a candidate cut
 * (a space after something else when words, any character otherwise)
 * and takes at most max SMS followed by "...": 0 when none does.  One
 * pass: a longer prefix never takes fewer SMS.
 */
static size_t
fit_len(const char *utf8, int max, int words)
{
	const unsigned char	*start = (const unsigned char *)utf8, *s;
	struct count		 c = COUNT_INIT, dots;
	size_t			 best = 0;

	for (s = start; *s != '\0';) {
		if (s != start && (!words || (s[0] == ' ' && s[-1] != ' '))) {
			dots = c;
			count_add(&dots, '.');
			count_add(&dots, '.');
			count_add(&dots, '.');
			if (count_segments(&dots) > max)
				break;
			best = (size_t)(s - start);
		}
		count_add(&c, next_cp(&s));
	}
	return best;
}

/*
 * Cuts the UTF-8 text in buf (bufsz bytes) so that it takes at most
 * max_segments SMS: at the last word boundary that leaves room for "...",
 * or, when a single word is too long, at the last character that does.
 * Spaces and ",;:-" before the cut are dropped.  Returns 0 when the text
 * fitted as it was, 1 when it was cut.
 */
int
sms_fit(char *buf, size_t bufsz, int max_segments)
{
	size_t	 len;
	int	 r = 0;

	if (max_segments < 1)
		max_segments = 1;
	if (sms_measure(buf, NULL) <= max_segments)
		return 0;
	/* The last word that fits; within one long word, the last character. */
	if ((len = fit_len(buf, max_segments, 1)) == 0)
		len = fit_len(buf, max_segments, 0);
	while (len > 0 && strchr(" ,;:-", buf[len - 1]) != NULL)
		len--;
	if (len + 4 > bufsz)
		len = bufsz >= 4 ? bufsz - 4 : 0;
	while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80)
		len--;
	if (bufsz >= 4) {
		memcpy(buf + len, "...", 4);
		r = 1;
	}
	return r;
}
