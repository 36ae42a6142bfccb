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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "papigw.h"

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

/* Septets a code point takes in GSM-7: 1, 2, or 0 when it has none. */
static int
gsm7_septets(uint32_t cp)
{
	size_t	i;

	for (i = 0; i < 128; i++)
		if (gsm7_basic[i] == cp && cp != 0x1B)
			return 1;
	for (i = 0; i < sizeof(gsm7_ext) / sizeof(gsm7_ext[0]); i++)
		if (gsm7_ext[i] == cp)
			return 2;
	return 0;
}

/* Whether the whole UTF-8 text fits the GSM-7 alphabet. */
int
sms_is_gsm7(const char *utf8)
{
	const unsigned char	*s = (const unsigned char *)utf8;

	while (*s != '\0')
		if (gsm7_septets(next_cp(&s)) == 0)
			return 0;
	return 1;
}

/* How many SMS the text takes, in the encoding it needs. */
int
sms_segments(const char *utf8)
{
	const unsigned char	*s = (const unsigned char *)utf8;
	int			 gsm7 = sms_is_gsm7(utf8);
	int			 single = gsm7 ? 160 : 70;
	int			 part = gsm7 ? 153 : 67;
	int			 total = 0, parts = 1, used = 0, w;
	uint32_t		 cp;

	/* First the total, to know whether it fits one SMS. */
	while (*s != '\0') {
		cp = next_cp(&s);
		total += gsm7 ? gsm7_septets(cp) : (cp > 0xFFFF ? 2 : 1);
	}
	if (total <= single)
		return 1;
	s = (const unsigned char *)utf8;
	while (*s != '\0') {
		cp = next_cp(&s);
		w = gsm7 ? gsm7_septets(cp) : (cp > 0xFFFF ? 2 : 1);
		if (used + w > part) {
			parts++;
			used = 0;
		}
		used += w;
	}
	return parts;
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

/* How many SMS s[0..len) followed by "..." takes. */
static int
segments_cut(char *scratch, const char *s, size_t len)
{
	memcpy(scratch, s, len);
	memcpy(scratch + len, "...", 4);
	return sms_segments(scratch);
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
	size_t	 len = strlen(buf), n = 0, lo, hi, mid, i, *cand = NULL;
	char	*scratch = NULL;
	int	 r = 0;

	if (max_segments < 1)
		max_segments = 1;
	if (sms_segments(buf) <= max_segments)
		return 0;
	scratch = xcalloc(1, len + 4);
	cand = xcalloc(len + 1, sizeof(*cand));
	/* Word boundaries: a space after something else. */
	for (i = 1; i < len; i++)
		if (buf[i] == ' ' && buf[i - 1] != ' ')
			cand[n++] = i;
	/* The largest candidate that fits (fitting shrinks as it grows). */
	lo = 0;
	hi = n;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (segments_cut(scratch, buf, cand[mid]) <= max_segments)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)
		len = cand[lo - 1];
	else {
		/* One long word: every character boundary is a candidate. */
		for (i = 0, n = 0; i < len; i++)
			if (((unsigned char)buf[i] & 0xC0) != 0x80)
				cand[n++] = i;
		lo = 0;
		hi = n;
		while (lo < hi) {
			mid = (lo + hi) / 2;
			if (segments_cut(scratch, buf, cand[mid]) <=
			    max_segments)
				lo = mid + 1;
			else
				hi = mid;
		}
		len = lo > 0 ? cand[lo - 1] : 0;
	}
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
	free(scratch);
	free(cand);
	return r;
}
