/*
 * test_reply.c: unit tests of the reply composer and the SMS arithmetic it
 * stands on: segment counts against known values (GSM-7 160/153 with an
 * extension character at a part boundary, UCS-2 70/67 with a surrogate
 * pair at one), stripping diacritics, cutting to a number of parts,
 * templates, special words with and without diacritics, spaces and
 * capitals, the language of replies, and, on a real SQLite store, the
 * status lookup, opt-out and opt-in, the daily cap and the quarantine.
 *
 * The configuration is the shipped conf/papigw.conf (its words and texts),
 * with -o overrides where a test needs other limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "text/sms.h"
#include "text/text.h"
#include "conf/config.h"
#include "store/store.h"
#include "core/reply.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

#define CONF_SHIPPED	SRCDIR "/conf/papigw.conf"
#define A		"+84912345678"	/* a resident */
#define B		"+84987654321"	/* another resident */

/*
 * ===================================================================
 * Helpers
 * ===================================================================
 */

/* A string of n copies of the UTF-8 character c. */
static char *
rep(const char *c, size_t n)
{
	size_t	 len = strlen(c), i;
	char	*s = xcalloc(n * len + 1, 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * len, c, len);
	return s;
}

/* Concatenates up to four strings (NULL ends); the caller frees. */
static char *
cat(const char *a, const char *b, const char *c, const char *d)
{
	const char	*v[] = { a, b, c, d };
	size_t		 len = 0, i;
	char		*s;

	for (i = 0; i < 4 && v[i] != NULL; i++)
		len += strlen(v[i]);
	s = xcalloc(len + 1, 1);
	for (i = 0; i < 4 && v[i] != NULL; i++)
		strcat(s, v[i]);
	return s;
}

/* Code points of a UTF-8 string. */
static size_t
chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static struct config *
load_conf(char *const *ovr, size_t novr)
{
	char		 err[CONF_ERR_MAX];
	struct config	*c;

	c = config_load(CONF_SHIPPED, ovr, novr, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

/* Normalises s and parses it as a special word. */
static int
parse(const struct config *conf, const char *s, struct reply_request *req)
{
	struct text	*t = text_alloc();
	int		 r;

	assert_non_null(t);
	text_normalise(t, s, strlen(s), 0);
	r = reply_parse(conf, t, req);
	free(t);
	return r;
}

static enum language
lang_of(const struct config *conf, const char *s)
{
	struct text	*t = text_alloc();
	enum language	 l;

	assert_non_null(t);
	text_normalise(t, s, strlen(s), 0);
	l = reply_language(conf, t);
	free(t);
	return l;
}

/*
 * ===================================================================
 * SMS arithmetic
 * ===================================================================
 */

static void
test_segments_gsm7(void **state)
{
	char	*s, *x, *y;

	(void)state;
	s = rep("a", 160);
	assert_true(sms_is_gsm7(s));
	assert_int_equal(sms_segments(s), 1);
	free(s);
	s = rep("a", 161);
	assert_int_equal(sms_segments(s), 2);
	free(s);
	s = rep("a", 306);
	assert_int_equal(sms_segments(s), 2);
	free(s);
	s = rep("a", 307);
	assert_int_equal(sms_segments(s), 3);
	free(s);
	/* 80 extension characters are 160 septets: one SMS. */
	s = rep("{", 80);
	assert_true(sms_is_gsm7(s));
	assert_int_equal(sms_segments(s), 1);
	free(s);
	s = rep("€", 81);
	assert_true(sms_is_gsm7(s));
	assert_int_equal(sms_segments(s), 2);
	free(s);
	/*
	 * 306 septets either way.  With '{' at septets 152-153 the escape
	 * and its character fit the first part; at 153-154 they would be
	 * split, so '{' opens the second part and a third one is needed.
	 */
	x = rep("a", 151);
	y = rep("a", 153);
	s = cat(x, "{", y, NULL);
	assert_int_equal(sms_segments(s), 2);
	free(s);
	free(x);
	free(y);
	x = rep("a", 152);
	y = rep("a", 152);
	s = cat(x, "{", y, NULL);
	assert_int_equal(sms_segments(s), 3);
	free(s);
	free(x);
	free(y);
	/* GSM-7 has è but not ề, and no đ. */
	assert_true(sms_is_gsm7("Tiếng Việt") == 0);
	assert_true(sms_is_gsm7("è é ù ì ò à É"));
	assert_false(sms_is_gsm7("đ"));
}

static void
test_segments_ucs2(void **state)
{
	char	*s, *x, *y;

	(void)state;
	s = rep("ă", 70);
	assert_false(sms_is_gsm7(s));
	assert_int_equal(sms_segments(s), 1);
	free(s);
	s = rep("ă", 71);
	assert_int_equal(sms_segments(s), 2);
	free(s);
	s = rep("ă", 134);
	assert_int_equal(sms_segments(s), 2);
	free(s);
	s = rep("ă", 135);
	assert_int_equal(sms_segments(s), 3);
	free(s);
	/* One đ makes a whole ASCII text UCS-2: 71 characters, 2 parts. */
	x = rep("a", 70);
	s = cat(x, "đ", NULL, NULL);
	assert_int_equal(sms_segments(s), 2);
	free(s);
	free(x);
	/*
	 * A surrogate pair (an emoji) is two UCS-2 units and never split:
	 * 66 + 2 + 66 = 134 units, but the pair cannot straddle units 67
	 * and 68, so it opens the second part and a third follows.
	 */
	x = rep("ă", 66);
	y = rep("ă", 66);
	s = cat(x, "\xf0\x9f\x98\x80", y, NULL);
	assert_int_equal(sms_segments(s), 3);
	free(s);
	free(x);
	free(y);
	/* The same 134 units with the pair at units 66-67: two parts. */
	x = rep("ă", 65);
	y = rep("ă", 67);
	s = cat(x, "\xf0\x9f\x98\x80", y, NULL);
	assert_int_equal(sms_segments(s), 2);
	free(s);
	free(x);
	free(y);
}

static void
test_strip(void **state)
{
	char	*s;

	(void)state;
	s = sms_strip_diacritics("Đã nhận phản ánh của anh/chị, mã "
	    "PA-000001. ĐƯỜNG Nguyễn Tri Phương, hẻm 12.");
	assert_string_equal(s, "Da nhan phan anh cua anh/chi, ma PA-000001. "
	    "DUONG Nguyen Tri Phuong, hem 12.");
	assert_true(sms_is_gsm7(s));
	free(s);
	/* Decomposed input (NFD, as macOS writes it) and look-alikes. */
	s = sms_strip_diacritics("Phu\xcc\x9bo\xcc\x9bi\xcc\x80ng \xc3\x90"
	    "\xc3\xb0");
	assert_string_equal(s, "Phuoing Dd");
	free(s);
	/* Typographic punctuation becomes ASCII. */
	s = sms_strip_diacritics("\xe2\x80\x9c" "Chào" "\xe2\x80\x9d "
	    "8\xe2\x80\x93" "11 giờ, \xe2\x80\x98" "a\xe2\x80\x99\xe2\x80\xa6");
	assert_string_equal(s, "\"Chao\" 8-11 gio, 'a'...");
	assert_true(sms_is_gsm7(s));
	free(s);
	/* Nothing to strip: the same text. */
	s = sms_strip_diacritics("PA-000123 {ok}");
	assert_string_equal(s, "PA-000123 {ok}");
	free(s);
}

/*
 * sms_fit() and sms_measure() against the plain definitions on generated
 * texts (ASCII, Vietnamese, extension characters, a character outside the
 * BMP, runs of spaces): the cut is the longest word prefix whose text and
 * "..." take at most max SMS, and the count is sms_segments()'s.
 */
static int
slow_segments(const char *s)
{
	int	gsm7 = sms_is_gsm7(s), units = 0, parts = 1, used = 0, w;
	int	single = gsm7 ? 160 : 70, part = gsm7 ? 153 : 67;
	size_t	i, n;
	char	one[8];

	for (i = 0; s[i] != '\0'; i += n) {
		for (n = 1; ((unsigned char)s[i + n] & 0xC0) == 0x80; n++)
			;
		memcpy(one, s + i, n);
		one[n] = '\0';
		w = !gsm7 ? (n == 4 ? 2 : 1) : strchr("^{}\\[~]|", one[0]) !=
		    NULL && n == 1 ? 2 : strcmp(one, "\xe2\x82\xac") == 0 ? 2 :
		    1;
		units += w;
		if (used + w > part) {
			parts++;
			used = 0;
		}
		used += w;
	}
	return units <= single ? 1 : parts;
}

static void
test_fit_generated(void **state)
{
	static const char *const pieces[] = { "ab", "phường", "[x]", "€",
	    "\xf0\x9f\x98\x80", " ", "  ", "đ", "123", "{", "Quận" };
	static const char *const pieces7[] = { "ab", "[x]", "€", " ", "  ",
	    "123", "{", "Quan", "e" };
	char		 text[700], buf[760], want[760], *w;
	size_t		 len, best, i;
	unsigned	 seed = 7;
	int		 round, max, gsm7, got;

	(void)state;
	for (round = 0; round < 400; round++) {
		text[0] = '\0';
		len = 0;
		while (len < 500) {
			seed = seed * 1103515245 + 12345;
			if (round % 2 == 0)	/* GSM-7 only */
				w = (char *)pieces7[(seed >> 16) %
				    (sizeof(pieces7) / sizeof(pieces7[0]))];
			else
				w = (char *)pieces[(seed >> 16) %
				    (sizeof(pieces) / sizeof(pieces[0]))];
			strcat(text, w);
			len += strlen(w);
		}
		got = sms_measure(text, &gsm7);
		assert_int_equal(got, slow_segments(text));
		assert_int_equal(gsm7, sms_is_gsm7(text));
		for (max = 1; max <= 4; max++) {
			/* The plain way: the longest word prefix that fits. */
			best = 0;
			for (i = 1; i < strlen(text); i++) {
				if (text[i] != ' ' || text[i - 1] == ' ')
					continue;
				memcpy(want, text, i);
				memcpy(want + i, "...", 4);
				if (slow_segments(want) <= max)
					best = i;
			}
			snprintf(buf, sizeof(buf), "%s", text);
			if (slow_segments(text) <= max) {
				assert_int_equal(sms_fit(buf, sizeof(buf),
				    max), 0);
				continue;
			}
			assert_int_equal(sms_fit(buf, sizeof(buf), max), 1);
			assert_true(slow_segments(buf) <= max);
			if (best > 0) {
				while (best > 0 && strchr(" ,;:-",
				    text[best - 1]) != NULL)
					best--;
				memcpy(want, text, best);
				memcpy(want + best, "...", 4);
				assert_string_equal(buf, want);
			}
		}
	}
}

static void
test_fit(void **state)
{
	char	 buf[1024], *s, *w;
	size_t	 n;

	(void)state;
	/* Fits: unchanged. */
	strcpy(buf, "Da nhan phan anh");
	assert_int_equal(sms_fit(buf, sizeof(buf), 1), 0);
	assert_string_equal(buf, "Da nhan phan anh");
	/* 40 words of "phường " (7 characters): UCS-2, cut at a word. */
	s = rep("phường ", 40);
	snprintf(buf, sizeof(buf), "%s", s);
	assert_int_equal(sms_fit(buf, sizeof(buf), 1), 1);
	n = strlen(buf);
	assert_true(n > 3 && strcmp(buf + n - 3, "...") == 0);
	assert_int_equal(sms_segments(buf), 1);
	/* The longest that fits: 9 words, 62 characters and "...". */
	assert_int_equal(chars(buf), 9 * 7 - 1 + 3);
	assert_int_equal(strncmp(buf, s, n - 3), 0);
	snprintf(buf, sizeof(buf), "%s", s);
	assert_int_equal(sms_fit(buf, sizeof(buf), 2), 1);
	assert_int_equal(sms_segments(buf), 2);
	/* Two parts hold 134 units: 18 words (128 with "..."). */
	assert_int_equal(chars(buf), 18 * 7 - 1 + 3);
	free(s);
	/* One long word: cut at a character. */
	w = rep("ư", 100);
	snprintf(buf, sizeof(buf), "%s", w);
	assert_int_equal(sms_fit(buf, sizeof(buf), 1), 1);
	assert_int_equal(chars(buf), 70);
	assert_int_equal(sms_segments(buf), 1);
	free(w);
	/* GSM-7: 160 septets, "..." included. */
	s = rep("abcd ", 60);
	snprintf(buf, sizeof(buf), "%s", s);
	assert_int_equal(sms_fit(buf, sizeof(buf), 1), 1);
	assert_true(sms_is_gsm7(buf));
	assert_int_equal(sms_segments(buf), 1);
	assert_int_equal(strlen(buf), 31 * 5 - 1 + 3);
	free(s);
	/* A comma before the cut goes. */
	s = rep("abcd, ", 60);
	snprintf(buf, sizeof(buf), "%s", s);
	assert_int_equal(sms_fit(buf, sizeof(buf), 1), 1);
	n = strlen(buf);
	assert_true(buf[n - 4] == 'd');
	free(s);
	/* A small buffer is never overrun. */
	s = rep("abcd ", 60);
	memcpy(buf, s, 300);
	buf[300] = '\0';
	assert_int_equal(sms_fit(buf, 301, 1), 1);
	assert_true(strlen(buf) < 301);
	free(s);
}

/*
 * ===================================================================
 * Templates, composition, special words, language
 * ===================================================================
 */

static void
test_render(void **state)
{
	struct render_vars	 v;
	char			 buf[256];

	(void)state;
	memset(&v, 0, sizeof(v));
	v.ref = "PA-000042";
	v.category = "Hạ tầng đô thị";
	v.deadline = "04/12/2026";
	v.ward = "UBND Phường 7";
	v.hours = "sáng thứ Ba";
	v.hotline = "1022";
	v.state = "Đang xử lý";
	v.answer = "Đã sửa đèn.";
	reply_render(buf, sizeof(buf), "{ref} {category} {deadline} {ward} "
	    "{hours} {hotline} {state} {answer} {unknown} {", &v);
	assert_string_equal(buf, "PA-000042 Hạ tầng đô thị 04/12/2026 "
	    "UBND Phường 7 sáng thứ Ba 1022 Đang xử lý Đã sửa đèn. "
	    "{unknown} {");
	v.answer = NULL;
	reply_render(buf, sizeof(buf), "[{answer}]", &v);
	assert_string_equal(buf, "[]");
	/* Cut on a character boundary. */
	reply_render(buf, 6, "{state}", &v);
	assert_string_equal(buf, "Đang");
}

static void
test_compose(void **state)
{
	char *const	 ovr[] = { "replies.max_segments=2",
	    "channels.generic.strip_diacritics=true" };
	struct config	*c = load_conf(ovr, 2);
	const char	*enc;
	char		 buf[REPLY_TEXT_MAX], *rest, *first;
	int		 segs;

	(void)state;
	/* Fits: both parts, UCS-2 on a channel that keeps diacritics. */
	reply_compose(c, "modem", 2, "Đã nhận, mã PA-000001.", "Cảm ơn.", buf,
	    sizeof(buf), &enc, &segs);
	assert_string_equal(buf, "Đã nhận, mã PA-000001. Cảm ơn.");
	assert_string_equal(enc, "ucs2");
	assert_int_equal(segs, 1);
	/* The same stripped: GSM-7. */
	reply_compose(c, "generic", 2, "Đã nhận, mã PA-000001.", "Cảm ơn.",
	    buf, sizeof(buf), &enc, &segs);
	assert_string_equal(buf, "Da nhan, ma PA-000001. Cam on.");
	assert_string_equal(enc, "gsm7");
	/* Too long with the explanation: it is dropped. */
	rest = rep("giải thích ", 20);
	reply_compose(c, "modem", 2, "Đã nhận, mã PA-000001.", rest, buf,
	    sizeof(buf), &enc, &segs);
	assert_string_equal(buf, "Đã nhận, mã PA-000001.");
	assert_int_equal(segs, 1);
	/* Stripped, the explanation fits two GSM-7 parts: kept. */
	reply_compose(c, "generic", 2, "Đã nhận, mã PA-000001.", rest, buf,
	    sizeof(buf), &enc, &segs);
	assert_non_null(strstr(buf, "giai thich giai thich"));
	assert_string_equal(enc, "gsm7");
	assert_int_equal(segs, 2);
	/* The first part alone too long: its diacritics go first... */
	first = rep("phản ánh ", 30);
	reply_compose(c, "modem", 2, first, rest, buf, sizeof(buf), &enc,
	    &segs);
	assert_int_equal(segs, 2);
	assert_string_equal(enc, "gsm7");
	assert_null(strstr(buf, "..."));
	assert_non_null(strstr(buf, "phan anh phan anh"));
	assert_null(strstr(buf, "giai"));
	free(first);
	/* ...then it is cut with "...". */
	first = rep("phản ánh ", 60);
	reply_compose(c, "modem", 2, first, rest, buf, sizeof(buf), &enc,
	    &segs);
	assert_int_equal(segs, 2);
	assert_non_null(strstr(buf, "..."));
	free(first);
	/* Without a limit, everything as it is. */
	first = rep("phản ánh ", 60);
	reply_compose(c, "modem", 0, first, NULL, buf, sizeof(buf), &enc,
	    &segs);
	assert_string_equal(enc, "ucs2");
	assert_null(strstr(buf, "..."));
	free(first);
	free(rest);
	config_free(c);
}

static void
test_parse(void **state)
{
	struct config		*c = load_conf(NULL, 0);
	struct reply_request	 r;
	const struct topic	*t;

	(void)state;
	/* Help, with and without diacritics, spaces, capitals. */
	assert_true(parse(c, "Trợ giúp", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_HELP);
	assert_true(parse(c, "tro giup", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_HELP);
	assert_true(parse(c, "TROGIUP", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_HELP);
	assert_true(parse(c, "  help! ", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_HELP);
	/* Decomposed (NFD) diacritics. */
	assert_true(parse(c, "Tro\xcc\x9b\xcc\xa3 giu\xcc\x81p", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_HELP);
	/* A word inside a complaint is not a special word. */
	assert_false(parse(c, "giúp tôi với, đường ngập", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_NONE);
	assert_false(parse(c, "help the street is flooded", &r));
	/* Status: word and reference in every spelling. */
	assert_true(parse(c, "TRACUU PA-000123", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_STATUS);
	assert_int_equal(r.ref, 123);
	assert_true(parse(c, "tra cứu pa 123", &r));
	assert_int_equal(r.ref, 123);
	assert_true(parse(c, "Tra Cuu PA000123.", &r));
	assert_int_equal(r.ref, 123);
	assert_true(parse(c, "tracuu 77", &r));
	assert_int_equal(r.ref, 77);
	assert_true(parse(c, "status PA-000009", &r));
	assert_int_equal(r.ref, 9);
	/* The reference alone. */
	assert_true(parse(c, "PA-000123", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_STATUS);
	assert_int_equal(r.ref, 123);
	assert_true(parse(c, "pa 5", &r));
	assert_int_equal(r.ref, 5);
	/* Digits alone are not a reference; a reference with words is a
	 * follow-up, not a lookup. */
	assert_false(parse(c, "123", &r));
	assert_false(parse(c, "PA-000123 van chua sua", &r));
	assert_false(parse(c, "PA-0000000001", &r));
	/* The status word alone. */
	assert_true(parse(c, "Tra cứu", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_STATUS);
	assert_int_equal(r.ref, 0);
	/* Opt-out and opt-in. */
	assert_true(parse(c, "TC", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_STOP);
	assert_true(parse(c, "từ chối", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_STOP);
	assert_true(parse(c, "Stop", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_STOP);
	assert_true(parse(c, "đăng ký", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_START);
	assert_true(parse(c, "DK", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_START);
	/* Topics. */
	assert_true(parse(c, "Lịch tiếp dân", &r));
	assert_int_equal(r.what, REPLY_SPECIAL_TOPIC);
	assert_string_equal(c->topics[r.topic].id, "reception");
	assert_true(parse(c, "THU TUC", &r));
	assert_string_equal(c->topics[r.topic].id, "procedures");
	assert_true(parse(c, "Đường dây nóng", &r));
	assert_string_equal(c->topics[r.topic].id, "hotline");
	/* The topics' USSD texts fit a USSD string. */
	assert_non_null(t = reply_topic(c, "reception"));
	assert_true(strlen(t->ussd) <= REPLY_USSD_MAX);
	assert_null(reply_topic(c, "nothing"));
	/* Nothing. */
	assert_false(parse(c, "", &r));
	assert_false(parse(c, "?!", &r));
	config_free(c);
}

static void
test_fold(void **state)
{
	char	buf[REPLY_WORD_MAX];

	(void)state;
	assert_int_equal(text_fold_word("Tra cứu", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "tracuu");
	assert_int_equal(text_fold_word("ĐƯỜNG DÂY NÓNG", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "duongdaynong");
	assert_int_equal(text_fold_word("...", buf, sizeof(buf)), 0);
	/* Telex residue is not repaired in special words. */
	text_fold_word("stop", buf, sizeof(buf));
	assert_string_equal(buf, "stop");
}

static void
test_language(void **state)
{
	struct config	*c = load_conf(NULL, 0);
	char *const	 ovr[] = { "cases.language=en" };
	struct config	*e = load_conf(ovr, 1);

	(void)state;
	assert_int_equal(lang_of(c, "Đèn đường hỏng"), LANG_VI);
	assert_int_equal(lang_of(c, "den duong hong"), LANG_VI);
	assert_int_equal(lang_of(c, "The street light in alley 12 is "
	    "broken"), LANG_EN);
	assert_int_equal(lang_of(c, "HELP"), LANG_EN);
	assert_int_equal(lang_of(c, "status PA-000123"), LANG_EN);
	assert_int_equal(lang_of(c, "tracuu PA-000123"), LANG_VI);
	/* "the" is also thế: half is not enough. */
	assert_int_equal(lang_of(c, "the nao"), LANG_VI);
	/* Diacritics win; unclear goes to cases.language. */
	assert_int_equal(lang_of(e, "Help đường"), LANG_VI);
	assert_int_equal(lang_of(e, "xin chao"), LANG_EN);
	assert_int_equal(lang_of(c, "xin chao"), LANG_VI);
	config_free(c);
	config_free(e);
}

static void
test_numbers(void **state)
{
	(void)state;
	assert_true(reply_same_number("+84912345678", "0912345678"));
	assert_true(reply_same_number("84912345678", "+84 91 234 5678"));
	assert_false(reply_same_number("+84912345678", "+84912345679"));
	assert_false(reply_same_number("1022", "+841022"));
	assert_true(reply_same_number("VIETTEL", "VIETTEL"));
	assert_int_equal(strcmp(reply_state_name(STORE_CASE_RECEIVED,
	    LANG_VI), "Đã tiếp nhận"), 0);
	assert_int_equal(strcmp(reply_state_name(STORE_CASE_ASSIGNED,
	    LANG_VI), "Đã chuyển xử lý"), 0);
	assert_int_equal(strcmp(reply_state_name(STORE_CASE_IN_PROGRESS,
	    LANG_EN), "In progress"), 0);
}

/*
 * ===================================================================
 * On a real store
 * ===================================================================
 */

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct store	*st;
	struct config	*conf;
};

/* What a work function of these tests does. */
struct step {
	struct fixture		*f;
	const char		*sender;
	struct reply_request	 req;
	struct reply_msg	 msg;
	int			 inbound;	/* insert a message first */
	const struct reply_pre	*pre;		/* case_work: composed ahead */
	enum language		 lang;		/* case_work: to answer in */
	int			 first;		/* case_work: a first case */
	/* Results. */
	struct reply_ctx	 ctx;
	int64_t			 id;
	int64_t			 case_id;
	int64_t			 ref;
	enum store_status	 st;
};

static int
setup_store(void **state)
{
	struct fixture		*f = xcalloc(1, sizeof(*f));
	struct store_options	 opt;
	char			 err[STORE_ERR_MAX];
	char *const		 ovr[] = { "replies.max_per_sender_day=4",
	    "replies.flood_messages=6", "replies.flood_window=60" };

	snprintf(f->dir, sizeof(f->dir), "/tmp/papigw-reply-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/papigw.db", f->dir);
	memset(&opt, 0, sizeof(opt));
	opt.path = f->path;
	if ((f->st = store_open(&opt, err, sizeof(err))) == NULL)
		return -1;
	f->conf = load_conf(ovr, 3);
	*state = f;
	return 0;
}

static int
teardown_store(void **state)
{
	struct fixture	*f = *state;
	struct dirent	*de;
	char		 p[512];
	DIR		*d;

	store_close(f->st);
	config_free(f->conf);
	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
ctx_init(struct step *s, int64_t message_id)
{
	memset(&s->ctx, 0, sizeof(s->ctx));
	s->ctx.conf = s->f->conf;
	s->ctx.channel = "modem";
	s->ctx.sender = s->sender;
	s->ctx.message_id = message_id;
	s->ctx.now = (int64_t)time(NULL);
	s->ctx.lang = LANG_VI;
	s->ctx.may_reply = reply_may_reply(s->f->conf, s->sender);
	s->ctx.block = REPLY_BLOCK_NONE;
}

/* Stores a message from s->sender, guards, and answers s->req. */
static enum store_status
special_work(struct store_txn *txn, void *arg)
{
	struct step		*s = arg;
	struct store_inbound_new m;
	enum store_status	 st;
	int64_t			 id = 0;

	if (s->inbound) {
		memset(&m, 0, sizeof(m));
		m.channel = "modem";
		m.sender = s->sender;
		m.text = "x";
		m.kind = "special";
		if ((st = store_inbound_insert(txn, &m, &id)) != STORE_OK)
			return st;
	}
	ctx_init(s, id);
	if ((st = reply_guard(txn, &s->ctx)) != STORE_OK)
		return st;
	return reply_special(txn, &s->ctx, &s->req);
}

static enum store_status
queue_work(struct store_txn *txn, void *arg)
{
	struct step	*s = arg;

	return reply_queue(txn, s->f->conf, &s->msg, &s->id);
}

static enum store_status
case_work(struct store_txn *txn, void *arg)
{
	struct step		*s = arg;
	struct store_case_new	 c;
	enum store_status	 st;

	memset(&c, 0, sizeof(c));
	c.category = "infrastructure";
	c.state = STORE_CASE_RECEIVED;
	c.sender = s->sender;
	c.channel = "modem";
	c.deadline = (int64_t)time(NULL) + 86400;
	if ((st = store_case_create(txn, &c, &s->case_id, &s->ref)) !=
	    STORE_OK)
		return st;
	ctx_init(s, 0);
	s->ctx.lang = s->lang;
	s->ctx.pre = s->pre;
	return reply_ack(txn, &s->ctx, config_category(s->f->conf,
	    "infrastructure"), s->case_id, s->ref, s->pre != NULL ?
	    s->pre->deadline : c.deadline, s->first);
}

static enum store_status
sender_work(struct store_txn *txn, void *arg)
{
	struct step		*s = arg;
	struct store_sender	 snd;
	enum store_status	 st;

	if ((st = store_sender_get(txn, s->sender, &snd)) != STORE_OK)
		return st;
	s->id = snd.opted_out;
	s->ref = snd.quarantined_at;
	return STORE_OK;
}

static void
special(struct fixture *f, struct step *s, const char *sender,
    enum reply_special what, int64_t ref)
{
	memset(s, 0, sizeof(*s));
	s->f = f;
	s->sender = sender;
	s->req.what = what;
	s->req.ref = ref;
	s->req.topic = -1;
	assert_int_equal(store_submit_wait(f->st, special_work, s), STORE_OK);
}

static int64_t
queue(struct fixture *f, const char *kind, const char *to, int64_t case_id,
    const char *text)
{
	struct step	s;

	memset(&s, 0, sizeof(s));
	s.f = f;
	s.msg.kind = kind;
	s.msg.channel = "modem";
	s.msg.recipient = to;
	s.msg.text = text;
	s.msg.case_id = case_id;
	assert_int_equal(store_submit_wait(f->st, queue_work, &s), STORE_OK);
	return s.id;
}

/* The outbox row id: its kind and text must be these. */
static void
expect_row(struct fixture *f, int64_t id, const char *kind,
    const char *text_part)
{
	struct store_outbox	o;

	assert_true(id > 0);
	assert_int_equal(store_outbox_get(f->st, id, &o), STORE_OK);
	assert_string_equal(o.kind, kind);
	if (strstr(o.text, text_part) == NULL)
		fail_msg("'%s' not in '%s'", text_part, o.text);
	store_outbox_clear(&o);
}

/* Acknowledges a new case of sender; the outbox row into *o. */
static void
ack(struct fixture *f, const char *sender, const struct reply_pre *pre,
    enum language lang, int first, struct store_outbox *o)
{
	struct step	s;

	memset(&s, 0, sizeof(s));
	s.f = f;
	s.sender = sender;
	s.pre = pre;
	s.lang = lang;
	s.first = first;
	assert_int_equal(store_submit_wait(f->st, case_work, &s), STORE_OK);
	assert_true(s.ctx.outbox_id > 0);
	assert_int_equal(store_outbox_get(f->st, s.ctx.outbox_id, o),
	    STORE_OK);
}

/*
 * An acknowledgement composed ahead (reply_ack_prepare()) is the one
 * reply_ack() composes itself, reference and all, in either language,
 * with and without the explanation; one composed for another language is
 * not used.
 */
static void
test_ack_prepared(void **state)
{
	struct fixture		*f = *state;
	const struct category	*cat = config_category(f->conf,
	    "infrastructure");
	struct store_outbox	 fresh, ahead;
	struct reply_pre	*pre = xcalloc(1, sizeof(*pre));
	int64_t			 deadline = (int64_t)time(NULL) + 86400;
	char			 sender[32], want[64];
	int			 lang, first, i = 0;

	for (lang = LANG_VI; lang <= LANG_EN; lang++)
		for (first = 0; first <= 1; first++) {
			reply_ack_prepare(f->conf, "modem", cat, lang,
			    first && f->conf->replies_explain_first, deadline,
			    pre);
			assert_true(pre->ok);
			assert_non_null(strstr(pre->text, "PA-000000"));
			snprintf(sender, sizeof(sender), "+8490100%04d", i++);
			ack(f, sender, NULL, lang, first, &fresh);
			snprintf(sender, sizeof(sender), "+8490100%04d", i++);
			ack(f, sender, pre, lang, first, &ahead);
			/* The cases' references differ by one. */
			assert_null(strstr(ahead.text, "PA-000000"));
			snprintf(want, sizeof(want), "PA-%06lld",
			    (long long)ahead.case_id);
			assert_non_null(strstr(ahead.text, want));
			snprintf(want, sizeof(want), "PA-%06lld",
			    (long long)fresh.case_id);
			assert_non_null(strstr(fresh.text, want));
			assert_int_equal(strlen(fresh.text),
			    strlen(ahead.text));
			assert_string_equal(fresh.encoding, ahead.encoding);
			assert_int_equal(fresh.segments, ahead.segments);
			store_outbox_clear(&fresh);
			store_outbox_clear(&ahead);
		}
	/* What the prepared text says is what goes out, reference set... */
	reply_ack_prepare(f->conf, "modem", cat, LANG_VI, 0, deadline, pre);
	snprintf(pre->text, sizeof(pre->text), "ahead PA-000000 PA-000000");
	pre->len = strlen(pre->text);
	ack(f, "+84901009001", pre, LANG_VI, 0, &ahead);
	snprintf(want, sizeof(want), "ahead PA-%06lld PA-%06lld",
	    (long long)ahead.case_id, (long long)ahead.case_id);
	assert_string_equal(ahead.text, want);
	store_outbox_clear(&ahead);
	/* ...but not when the store knows another language. */
	ack(f, "+84901009002", pre, LANG_EN, 0, &ahead);
	assert_null(strstr(ahead.text, "ahead"));
	store_outbox_clear(&ahead);
	free(pre);
}

static void
test_status_lookup(void **state)
{
	struct fixture	*f = *state;
	struct step	 s, c;
	char		 buf[1024];
	int64_t		 id;

	memset(&c, 0, sizeof(c));
	c.f = f;
	c.sender = A;
	assert_int_equal(store_submit_wait(f->st, case_work, &c), STORE_OK);
	assert_int_equal(c.ref, 1);
	expect_row(f, c.ctx.outbox_id, REPLY_KIND_ACK, "PA-000001");
	/* The opener, written another way: the state. */
	special(f, &s, "0912345678", REPLY_SPECIAL_STATUS, 1);
	assert_int_equal(s.ctx.block, REPLY_SENT);
	expect_row(f, s.ctx.outbox_id, REPLY_KIND_SPECIAL,
	    "Phản ánh PA-000001 (Hạ tầng đô thị): Đã tiếp nhận.");
	/* Another number: refused, like a case that does not exist. */
	special(f, &s, B, REPLY_SPECIAL_STATUS, 1);
	expect_row(f, s.ctx.outbox_id, REPLY_KIND_SPECIAL,
	    "Xin lỗi, không tìm thấy phản ánh PA-000001 gửi từ số");
	special(f, &s, B, REPLY_SPECIAL_STATUS, 99);
	expect_row(f, s.ctx.outbox_id, REPLY_KIND_SPECIAL,
	    "Xin lỗi, không tìm thấy phản ánh PA-000099 gửi từ số");
	/* An officer's answer: the status shows it, the ack does not. */
	id = queue(f, REPLY_KIND_ANSWER, A, c.case_id, "Đã sửa đèn hẻm 12.");
	expect_row(f, id, REPLY_KIND_ANSWER, "Đã sửa đèn");
	special(f, &s, A, REPLY_SPECIAL_STATUS, 1);
	expect_row(f, s.ctx.outbox_id, REPLY_KIND_SPECIAL,
	    "Trả lời gần nhất: Đã sửa đèn hẻm 12.");
	/* The reader's version, for USSD. */
	assert_int_equal(reply_status_text(f->st, f->conf, 1, A, LANG_VI,
	    REPLY_F_ASCII, buf, sizeof(buf)), 1);
	assert_non_null(strstr(buf, "Tra loi gan nhat: Da sua den hem 12."));
	assert_true(sms_is_gsm7(buf));
	assert_int_equal(reply_status_text(f->st, f->conf, 1, B, LANG_EN, 0,
	    buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "Sorry, we found no report PA-000001"));
	assert_int_equal(reply_status_text(f->st, f->conf, 1, A, LANG_EN, 0,
	    buf, sizeof(buf)), 1);
	assert_non_null(strstr(buf, "Report PA-000001 (Infrastructure): "
	    "Received. Latest answer: Đã sửa đèn hẻm 12."));
}

static void
test_optout(void **state)
{
	struct fixture	*f = *state;
	struct step	 s;

	special(f, &s, A, REPLY_SPECIAL_STOP, 0);
	expect_row(f, s.ctx.outbox_id, REPLY_KIND_SPECIAL, "đã ngừng gửi");
	memset(&s, 0, sizeof(s));
	s.f = f;
	s.sender = A;
	assert_int_equal(store_submit_wait(f->st, sender_work, &s), STORE_OK);
	assert_int_equal(s.id, 1);
	/* No information nor announcement; answers still go. */
	assert_int_equal(queue(f, REPLY_KIND_INFO, A, 0, "Tin tức"), 0);
	assert_int_equal(queue(f, REPLY_KIND_ANNOUNCEMENT, A, 0, "Thông báo"),
	    0);
	expect_row(f, queue(f, REPLY_KIND_ANSWER, A, 0, "Trả lời"),
	    REPLY_KIND_ANSWER, "Trả lời");
	/* Others still get them; never a short code. */
	expect_row(f, queue(f, REPLY_KIND_INFO, B, 0, "Tin tức"),
	    REPLY_KIND_INFO, "Tin tức");
	assert_int_equal(queue(f, REPLY_KIND_INFO, "1022", 0, "Tin tức"), 0);
	/* An unknown kind is refused. */
	{
		struct step	q;

		memset(&q, 0, sizeof(q));
		q.f = f;
		q.msg.kind = "ack";
		q.msg.channel = "modem";
		q.msg.recipient = B;
		q.msg.text = "x";
		assert_int_equal(store_submit_wait(f->st, queue_work, &q),
		    STORE_INVALID);
	}
	/* Opt in again. */
	special(f, &s, A, REPLY_SPECIAL_START, 0);
	expect_row(f, s.ctx.outbox_id, REPLY_KIND_SPECIAL, "sẽ gửi lại");
	expect_row(f, queue(f, REPLY_KIND_ANNOUNCEMENT, A, 0, "Thông báo"),
	    REPLY_KIND_ANNOUNCEMENT, "Thông báo");
}

static void
test_cap(void **state)
{
	struct fixture	*f = *state;
	struct step	 s;
	int		 i;

	/* max_per_sender_day = 4 automatic replies. */
	for (i = 0; i < 4; i++) {
		special(f, &s, B, REPLY_SPECIAL_HELP, 0);
		assert_int_equal(s.ctx.block, REPLY_SENT);
		expect_row(f, s.ctx.outbox_id, REPLY_KIND_SPECIAL, "TRACUU");
	}
	special(f, &s, B, REPLY_SPECIAL_HELP, 0);
	assert_int_equal(s.ctx.block, REPLY_BLOCK_CAP);
	assert_int_equal(s.ctx.outbox_id, 0);
	/* An officer's answer is not capped, nor counted. */
	expect_row(f, queue(f, REPLY_KIND_ANSWER, B, 0, "Trả lời"),
	    REPLY_KIND_ANSWER, "Trả lời");
	/* Opting out still works beyond the cap. */
	special(f, &s, B, REPLY_SPECIAL_STOP, 0);
	assert_int_equal(s.ctx.block, REPLY_BLOCK_CAP);
	assert_int_equal(queue(f, REPLY_KIND_INFO, B, 0, "Tin tức"), 0);
	/* A short code gets nothing, and says why. */
	special(f, &s, "1022", REPLY_SPECIAL_HELP, 0);
	assert_int_equal(s.ctx.block, REPLY_BLOCK_SENDER);
}

static void
test_quarantine(void **state)
{
	struct fixture	*f = *state;
	struct step	 s;
	int64_t		 n;
	int		 i;

	/* flood_messages = 6 within 60 s: the seventh quarantines. */
	for (i = 0; i < 6; i++) {
		special(f, &s, "+84911111111", REPLY_SPECIAL_TOPIC, 0);
		assert_int_equal(s.ctx.quarantined, 0);
	}
	assert_int_equal(store_senders_quarantined(f->st, (int64_t)time(NULL),
	    &n), STORE_OK);
	assert_int_equal(n, 0);
	memset(&s, 0, sizeof(s));
	s.f = f;
	s.sender = "+84911111111";
	s.inbound = 1;
	s.req.what = REPLY_SPECIAL_HELP;
	for (i = 0; i < 6; i++) {
		assert_int_equal(store_submit_wait(f->st, special_work, &s),
		    STORE_OK);
		assert_int_equal(s.ctx.quarantined, 0);
		assert_int_equal(s.ctx.block, i < 4 ? REPLY_SENT :
		    REPLY_BLOCK_CAP);
	}
	assert_int_equal(store_submit_wait(f->st, special_work, &s), STORE_OK);
	assert_int_equal(s.ctx.quarantined_now, 1);
	assert_int_equal(s.ctx.block, REPLY_BLOCK_QUARANTINE);
	assert_int_equal(store_senders_quarantined(f->st, (int64_t)time(NULL),
	    &n), STORE_OK);
	assert_int_equal(n, 1);
	/* Later messages: quarantined already, not "now". */
	assert_int_equal(store_submit_wait(f->st, special_work, &s), STORE_OK);
	assert_int_equal(s.ctx.quarantined, 1);
	assert_int_equal(s.ctx.quarantined_now, 0);
	/* Over after quarantine_time (86400 s by default). */
	assert_int_equal(store_senders_quarantined(f->st,
	    (int64_t)time(NULL) + 86401, &n), STORE_OK);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments_gsm7),
		cmocka_unit_test(test_fit_generated),
		cmocka_unit_test(test_segments_ucs2),
		cmocka_unit_test(test_strip),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_compose),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_language),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test_setup_teardown(test_ack_prepared,
		    setup_store, teardown_store),
		cmocka_unit_test_setup_teardown(test_status_lookup,
		    setup_store, teardown_store),
		cmocka_unit_test_setup_teardown(test_optout, setup_store,
		    teardown_store),
		cmocka_unit_test_setup_teardown(test_cap, setup_store,
		    teardown_store),
		cmocka_unit_test_setup_teardown(test_quarantine, setup_store,
		    teardown_store),
	};

	log_init(1, LOG_LVL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
