/*
 * test_text.c: unit tests of text.c, the normalisation and folding of
 * messages: đ/Đ and its look-alikes, NFD and Unikey composite input,
 * zero-width and non-breaking spaces, emoji, invalid UTF-8, very long and
 * empty input, tone placement, Telex and VNI residue, numbers and units;
 * and the ASCII and Latin fast paths against the general path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/hash.h"
#include "text/text.h"

static struct text *t;

static int
setup(void **state)
{
	(void)state;
	return (t = text_alloc()) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(t);
	return 0;
}

static void
norm(const char *s)
{
	text_normalise(t, s, strlen(s), 0);
}

/* The key of token i as a string. */
static const char *
key(size_t i)
{
	static char buf[256];

	assert_true(i < t->ntokens);
	memcpy(buf, t->pool + t->tokens[i].key, t->tokens[i].klen);
	buf[t->tokens[i].klen] = '\0';
	return buf;
}

static void
test_d_stroke(void **state)
{
	(void)state;
	/* đ, Đ, Icelandic Ð (U+00D0) and ð (U+00F0) all fold to d. */
	norm("\xc4\x91\xc6\xb0\xe1\xbb\x9dng \xc4\x90\xc3\x94NG "
	    "\xc3\x90i \xc3\xb0i");
	assert_string_equal(t->fold, "duong dong di di");
	assert_string_equal(key(0), "dduwowngf");
	assert_string_equal(key(1), "ddoong");
	assert_true(t->flags & TEXT_F_DIACRITICS);
}

static void
test_nfd_and_composite(void **state)
{
	char	nfc[2 * sizeof(t->fold)], nfd[2 * sizeof(t->fold)];

	(void)state;
	/* "ngập" precomposed, fully decomposed, and Unikey composite. */
	norm("ng\xe1\xba\xadp");
	snprintf(nfc, sizeof(nfc), "%s|%s", t->fold, key(0));
	assert_string_equal(t->norm, "ng\xe1\xba\xadp");
	norm("nga\xcc\xa3\xcc\x82p");			/* a + dot + circumflex */
	snprintf(nfd, sizeof(nfd), "%s|%s", t->fold, key(0));
	assert_string_equal(nfc, nfd);
	assert_string_equal(t->norm, "ng\xe1\xba\xadp");	/* NFC again */
	norm("ng\xc3\xa2\xcc\xa3p");			/* â + dot below */
	snprintf(nfd, sizeof(nfd), "%s|%s", t->fold, key(0));
	assert_string_equal(nfc, nfd);
	assert_string_equal(nfc, "ngap|ngaapj");
}

static void
test_tone_placement(void **state)
{
	(void)state;
	/* hoà / hòa and thuỷ / thủy: one key whatever the placement. */
	norm("ho\xc3\xa0 h\xc3\xb2" "a thu\xe1\xbb\xb7 th\xe1\xbb\xa7y");
	assert_string_equal(t->fold, "hoa hoa thuy thuy");
	assert_string_equal(key(0), "hoaf");
	assert_string_equal(key(1), "hoaf");
	assert_string_equal(key(2), "thuyr");
	assert_string_equal(key(3), "thuyr");
}

static void
test_collisions_keep_keys(void **state)
{
	char	a[2 * sizeof(t->fold)], b[2 * sizeof(t->fold)];

	(void)state;
	/* sổ đỏ and sơ đồ fold alike but keep different keys. */
	norm("s\xe1\xbb\x95 \xc4\x91\xe1\xbb\x8f");
	snprintf(a, sizeof(a), "%s %s", key(0), key(1));
	norm("s\xc6\xa1 \xc4\x91\xe1\xbb\x93");
	snprintf(b, sizeof(b), "%s %s", key(0), key(1));
	assert_string_equal(t->fold, "so do");
	assert_string_not_equal(a, b);
	/* khói / khỏi. */
	norm("kh\xc3\xb3i");
	snprintf(a, sizeof(a), "%s", key(0));
	norm("kh\xe1\xbb\x8fi");
	assert_string_not_equal(a, key(0));
}

static void
test_spaces(void **state)
{
	(void)state;
	/* Zero-width space, NBSP, BOM and narrow NBSP separate words. */
	norm("tr\xe1\xbb\x99m\xe2\x80\x8bxe\xc2\xa0m\xc3\xa1y\xef\xbb\xbf"
	    "h\xe1\xbb\x8fng\xe2\x80\xaf r\xe1\xbb\x93i");
	assert_string_equal(t->fold, "trom xe may hong roi");
	assert_int_equal(t->ntokens, 5);
	assert_null(strstr(t->norm, "\xe2\x80\x8b"));
	assert_null(strstr(t->norm, "  "));
}

static void
test_emoji(void **state)
{
	(void)state;
	norm("\xf0\x9f\x98\xa1 ng\xe1\xba\xadp \xf0\x9f\x8c\xa7\xef\xb8\x8f"
	    "n\xc6\xb0\xe1\xbb\x9b" "c\xf0\x9f\x91\x8d");
	assert_string_equal(t->fold, "ngap nuoc");
	norm("\xf0\x9f\x98\x80\xf0\x9f\x91\x8d");
	assert_int_equal(t->ntokens, 0);
	assert_false(t->flags & TEXT_F_INVALID_UTF8);
}

static void
test_invalid_utf8(void **state)
{
	static const char bad[] = "ng\xff\xfe" "ap \xc3 nuoc \xe1\xba "
	    "\xed\xa0\x80 x\xc0\xaf";
	char	*rep;

	(void)state;
	text_normalise(t, bad, sizeof(bad) - 1, 0);
	assert_true(t->flags & TEXT_F_INVALID_UTF8);
	/* Replacement characters separate words, nothing is lost. */
	assert_non_null(strstr(t->fold, "nuoc"));
	assert_non_null(strstr(t->norm, "\xef\xbf\xbd"));
	assert_false(text_valid_utf8(bad, sizeof(bad) - 1));
	rep = text_repair(bad, sizeof(bad) - 1);
	assert_true(text_valid_utf8(rep, strlen(rep)));
	free(rep);
	/* A NUL inside the message is not a C string: repaired too. */
	assert_false(text_valid_utf8("a\0b", 3));
	rep = text_repair("a\0b", 3);
	assert_string_equal(rep, "a\xef\xbf\xbd" "b");
	free(rep);
	assert_true(text_valid_utf8("\xc4\x91\xc6\xb0\xe1\xbb\x9dng", 8));
}

static void
test_empty(void **state)
{
	(void)state;
	text_normalise(t, "", 0, 0);
	assert_int_equal(t->ntokens, 0);
	assert_string_equal(t->norm, "");
	assert_string_equal(t->fold, "");
	text_normalise(t, NULL, 5, 0);
	assert_int_equal(t->ntokens, 0);
	norm("  \t\r\n ... !!! ");
	assert_int_equal(t->ntokens, 0);
	assert_int_equal(t->flags & TEXT_F_INVALID_UTF8, 0);
}

static void
test_long_input(void **state)
{
	size_t		 n = 4 * 1024 * 1024, i;
	char		*big = malloc(n);
	clock_t		 c;

	(void)state;
	assert_non_null(big);
	/* Multibyte characters across the cap, and a long single word. */
	for (i = 0; i < n; i++)
		big[i] = "\xe1\xba\xad"[i % 3];
	c = clock();
	text_normalise(t, big, n, 0);
	assert_true(t->flags & TEXT_F_TRUNCATED);
	assert_false(t->flags & TEXT_F_INVALID_UTF8);
	assert_true(t->ntokens <= 1);
	for (i = 0; i < n; i++)
		big[i] = (i % 2) ? ' ' : 'a';
	text_normalise(t, big, n, 0);
	assert_true(t->flags & TEXT_F_TRUNCATED);
	assert_true(t->ntokens <= TEXT_TOKENS_MAX);
	assert_true(t->normlen <= TEXT_INPUT_MAX);
	/* Only the cap is read: far under a second for 8 MB. */
	assert_true((double)(clock() - c) / CLOCKS_PER_SEC < 1.0);
	free(big);
}

static void
test_telex_vni(void **state)
{
	(void)state;
	norm("dduwowngf khoong ngaapj nuwowcs ngap5 d9u7o72ng");
	assert_string_equal(t->fold, "duong khong ngap nuoc ngap duong");
	assert_string_equal(key(0), "dduwowngf");
	assert_string_equal(key(0), key(5));
	assert_true(t->flags & TEXT_F_TELEX);
	assert_true(t->tokens[0].flags & TEXT_TOK_REPAIRED);
	/* Words and abbreviations stay as written. */
	norm("ubnd p7 q10 thanks noise school drugs hok dc xoong");
	assert_string_equal(t->fold,
	    "ubnd p7 q10 thanks noise school drugs hok dc xong");
	/* A stop coda takes only sắc or nặng: "tetf" is no syllable. */
	norm("tetf");
	assert_string_equal(t->fold, "tetf");
	/* Without repair (the router's own phrases). */
	text_normalise(t, "khoong", 6, TEXT_KEEP_RESIDUE);
	assert_string_equal(t->fold, "khoong");
}

static void
test_numbers_units(void **state)
{
	(void)state;
	norm("5tr 200k 500.000\xc4\x91 9h 4G 3,5 p7");
	assert_string_equal(t->fold, "5 tr 200 k 500.000 d 9 h 4g 3,5 p7");
	assert_true(t->tokens[0].flags & TEXT_TOK_NUMBER);
	assert_true(t->tokens[1].flags & TEXT_TOK_UNIT);
	assert_true(t->tokens[4].flags & TEXT_TOK_NUMBER);
	assert_false(t->tokens[8].flags & TEXT_TOK_NUMBER);
}

static void
test_case_and_link(void **state)
{
	(void)state;
	norm("TN C\xc3\x81N B\xe1\xbb\x98 xem http://x.vn");
	assert_true(t->first_upper);
	assert_string_equal(t->fold, "tn can bo xem http x vn");
	assert_true(t->flags & TEXT_F_LINK);
	norm("Tn ok");
	assert_false(t->first_upper);
	norm("xem bit.ly/abc nhe");
	assert_true(t->flags & TEXT_F_LINK);
	norm("f.7 tp.hcm 3.5");
	assert_false(t->flags & TEXT_F_LINK);
}

/*
 * ===================================================================
 * The ASCII fast path against the general path
 * ===================================================================
 *
 * Pure ASCII input takes a path of its own, without utf8proc.  A message
 * that starts with a zero-width space (U+200B, outside the Latin path's
 * table) takes the general path, and the space changes nothing else:
 * each generated ASCII message must come out of both exactly the same.
 */

#define GENERAL		"\xe2\x80\x8b"	/* U+200B: the general path */
#define GENERAL_LEN	3

static uint32_t	rng = 2463534242u;

/* A xorshift generator: the same messages on every run. */
static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng % n;
}

/* Appends one generated piece of a message to buf; returns the length. */
static size_t
gen_piece(char *buf, size_t len, size_t cap)
{
	static const char *const words[] = {
		"duong", "Nguyen", "ngap", "nuoc", "ko", "dc", "k", "tr",
		"5tr", "200k", "500.000", "3,5", "1.2.3", "9h", "4G", "p7",
		"q10", "UBND", "CSGT", "TN", "AN", "Tn", "dduwowngf",
		"khoong", "ngaapj", "nuwowcs", "ngap5", "d9u7o72ng", "tetf",
		"xoong", "w", "ddd", "aaa", "hok", "thanks", "school",
		"http://x.vn", "https://a.b/c", "www.", "www.abc.com",
		"bit.ly/x", "abc.xyz", "f.7", "tp.hcm", "http", "http :",
		"hem", "cmt8", "8x77", "SH", "NHAN", "vneid", "ad", "...",
		"1.", ",5", "5,", "0.5k", "10.000d", "2trieu", "3ty", "7cu",
		"12xi", "5usd", "100vnd", "mua", "nghin", "trieu", "dong",
	};
	static const char punct[] = " .,;:!?-()/\"'@#%&*+=<>[]_\\|~`^${}";
	char	tmp[128];
	size_t	n = 0, i, k;

	switch (rnd(20)) {
	case 0:			/* any ASCII bytes, NUL and controls too */
		for (k = 1 + rnd(12); n < k; n++)
			tmp[n] = (char)rnd(128);
		break;
	case 1:
	case 2:			/* punctuation and controls */
		for (k = 1 + rnd(4); n < k; n++)
			tmp[n] = rnd(4) == 0 ? "\t\n\r\x01\x7f"[rnd(5)] :
			    punct[rnd(sizeof(punct) - 1)];
		break;
	case 3:			/* a long word, numbers and letters */
		k = 50 + rnd(30);
		i = rnd(k);
		for (; n < k; n++)
			tmp[n] = n < i ? "0123456789"[rnd(10)] :
			    "abcdefghijklmnopqrstuvwxyz"[rnd(26)];
		break;
	case 4:
	case 5:
	case 6:			/* letters and digits, upper case too */
		for (k = 1 + rnd(8); n < k; n++)
			tmp[n] = "aAeEoOdDwWfsrxj0123456789.,"[rnd(27)];
		break;
	default:
		k = rnd(sizeof(words) / sizeof(words[0]));
		n = strlen(words[k]);
		memcpy(tmp, words[k], n);
		break;
	}
	if (len + n + 1 > cap)
		return len;
	memcpy(buf + len, tmp, n);
	len += n;
	if (rnd(5) != 0)
		buf[len++] = ' ';
	return len;
}

/* Writes what text_normalise() left in t as one string. */
static void
describe(char *buf, size_t cap)
{
	size_t	i, n;
	int	w;

	w = snprintf(buf, cap, "flags %x upper %d norm [%s] fold [%s] %zu:",
	    t->flags, t->first_upper, t->norm, t->fold, t->ntokens);
	assert_true(w > 0 && (size_t)w < cap);
	n = (size_t)w;
	for (i = 0; i < t->ntokens; i++) {
		const struct text_token *tok = &t->tokens[i];

		w = snprintf(buf + n, cap - n, " [%.*s|%.*s|%.*s|%x]",
		    (int)tok->flen, t->fold + tok->fold, (int)tok->klen,
		    t->pool + tok->key, (int)tok->rlen, t->pool + tok->raw,
		    tok->flags);
		assert_true(w > 0 && (size_t)w < cap - n);
		n += (size_t)w;
	}
}

static void
test_ascii_fast_path(void **state)
{
	static char	 fast[64 * 1024], slow[64 * 1024];
	char		 msg[TEXT_INPUT_MAX];
	size_t		 len, cap, i, upper = 0, telex = 0, trunc = 0;
	int		 m, opts;

	(void)state;
	for (m = 0; m < 600; m++) {
		/* Mostly SMS sizes, a few up to the cap. */
		cap = m % 50 == 49 ? sizeof(msg) : 20 + (size_t)rnd(300);
		memcpy(msg, GENERAL, GENERAL_LEN);
		for (len = GENERAL_LEN; len + 1 < cap; )
			if ((i = gen_piece(msg, len, cap)) == len)
				break;
			else
				len = i;
		for (i = GENERAL_LEN; i < len; i++)
			assert_true((unsigned char)msg[i] < 0x80);
		opts = m % 7 == 0 ? TEXT_KEEP_RESIDUE : 0;
		text_normalise(t, msg + GENERAL_LEN, len - GENERAL_LEN,
		    (unsigned)opts);
		describe(fast, sizeof(fast));
		upper += t->first_upper;
		telex += (t->flags & TEXT_F_TELEX) != 0;
		trunc += (t->flags & TEXT_F_TRUNCATED) != 0;
		text_normalise(t, msg, len, (unsigned)opts);
		describe(slow, sizeof(slow));
		if (strcmp(fast, slow) != 0)
			print_error("message %d: \"%.*s\"\n", m,
			    (int)(len - GENERAL_LEN), msg + GENERAL_LEN);
		assert_string_equal(fast, slow);
	}
	/* The generator reaches the cases that matter. */
	assert_true(upper > 10 && telex > 10 && trunc > 0);
}

/*
 * ===================================================================
 * The Latin fast path against the general path
 * ===================================================================
 *
 * A message of the characters below U+0300 and from U+1E00 to U+1EFF,
 * each perhaps followed by combining marks, takes the Latin path: it
 * must come out exactly as from the general path (the message after a
 * zero-width space).  The path relies on no character of those blocks
 * composing with the one before it: every ordered pair is tried, each
 * as a message of its own (a character the path does not take sends
 * its message to the general path).
 */

/* Appends code point cp to buf as UTF-8; returns the new length. */
static size_t
put_cp(char *buf, size_t len, uint32_t cp)
{
	if (cp < 0x80)
		buf[len++] = (char)cp;
	else if (cp < 0x800) {
		buf[len++] = (char)(0xc0 | cp >> 6);
		buf[len++] = (char)(0x80 | (cp & 0x3f));
	} else {
		buf[len++] = (char)(0xe0 | cp >> 12);
		buf[len++] = (char)(0x80 | (cp >> 6 & 0x3f));
		buf[len++] = (char)(0x80 | (cp & 0x3f));
	}
	return len;
}

/* The i-th code point of the Latin path's blocks. */
static uint32_t
latin_cp(size_t i)
{
	return i < 0x300 ? (uint32_t)i : (uint32_t)(0x1e00 + i - 0x300);
}

#define LATIN_NCPS	(0x300 + 0x100)

/*
 * Normalises msg[0..len) by both paths; they must agree.  The general
 * path's copy has the space in front: len leaves room for it.
 */
static void
both_paths(const char *msg, size_t len, unsigned opts)
{
	static char	 fast[256 * 1024], slow[256 * 1024];
	static char	 gen[TEXT_INPUT_MAX];

	assert_true(len + GENERAL_LEN <= TEXT_INPUT_MAX);
	memcpy(gen, GENERAL, GENERAL_LEN);
	memcpy(gen + GENERAL_LEN, msg, len);
	text_normalise(t, msg, len, opts);
	describe(fast, sizeof(fast));
	text_normalise(t, gen, len + GENERAL_LEN, opts);
	describe(slow, sizeof(slow));
	if (strcmp(fast, slow) != 0)
		print_error("\"%.*s\"\n", (int)len, msg);
	assert_string_equal(fast, slow);
}

static void
test_latin_pairs(void **state)
{
	char	 msg[8];
	size_t	 a, b, len;

	(void)state;
	for (a = 0; a < LATIN_NCPS; a++)
		for (b = 0; b < LATIN_NCPS; b++) {
			len = put_cp(msg, 0, latin_cp(a));
			len = put_cp(msg, len, latin_cp(b));
			both_paths(msg, len, 0);
		}
}

static void
test_latin_fast_path(void **state)
{
	static const char *const words[] = {
		"\xc4\x91\xc6\xb0\xe1\xbb\x9dng",	/* đường */
		"\xc4\x90\xc6\xaf\xe1\xbb\x9cNG",	/* ĐƯỜNG */
		"c\xc3\xa1n b\xe1\xbb\x99", "ph\xc6\xb0\xe1\xbb\x9dng",
		"ho\xc3\xa0", "h\xc3\xb2" "a", "5tr", "500.000\xc4\x91",
		"http://x.vn", "ngap5", "dduwowngf", "TN", "\xc3\x9f",
		"\xc4\xb0", "\xc5\x89", "\xc7\xb0", "\xc3\x90",
		"\xc2\xa0", "\xc2\xad", "\xc2\x85", "?", "...",
	};
	static const uint32_t marks[] = {
		0x300, 0x301, 0x303, 0x309, 0x323, 0x302, 0x306, 0x31b,
		0x308, 0x327, 0x34f, 0x340, 0x344, 0x36f,
	};
	char		 msg[TEXT_INPUT_MAX - GENERAL_LEN];
	size_t		 len, cap, k, n;
	int		 m;

	(void)state;
	for (m = 0; m < 2000; m++) {
		cap = m % 100 == 99 ? sizeof(msg) : 10 + (size_t)rnd(200);
		for (len = 0; len + 40 < cap; ) {
			switch (rnd(4)) {
			case 0:		/* a word, composed */
				k = rnd(sizeof(words) / sizeof(words[0]));
				n = strlen(words[k]);
				memcpy(msg + len, words[k], n);
				len += n;
				break;
			case 1:		/* any character of the blocks */
				len = put_cp(msg, len, latin_cp(rnd(
				    LATIN_NCPS)));
				break;
			case 2:		/* a letter and marks: typed NFD */
				len = put_cp(msg, len, "aeiouyAEOUd "[rnd(
				    12)]);
				for (k = rnd(4); k > 0; k--)
					len = put_cp(msg, len, marks[rnd(
					    sizeof(marks) / sizeof(marks[0]))]);
				break;
			default:
				msg[len++] = ' ';
				break;
			}
		}
		both_paths(msg, len, m % 7 == 0 ? TEXT_KEEP_RESIDUE : 0);
	}
}

/*
 * Every token's hash is hash_fnv1a32() of its fold, which the router and
 * the features look words up by: ASCII, marks, NFD, Telex repaired, a
 * number and its unit, a token cut at the cap, and the generated messages.
 */
static void
test_token_hash(void **state)
{
	static const char *const msgs[] = {
		"Can bo phuong doi 5tr moi lam so do",
		"C\xc3\xa1n b\xe1\xbb\x99 \xc4\x91\xe1\xbb\x8b" "a ch\xc3\xadnh",
		"Tr\xe1\xba\xa1m y te\xcc\x81 ph\xc6\xb0\xe1\xbb\x9dng",
		"dduwowngf ngaapj nuwowcs \xf0\x9f\x98\x80 500.000d",
	};
	char	 msg[TEXT_INPUT_MAX + 16];
	size_t	 i, k, len, cap;
	int	 m;

	(void)state;
	for (m = 0; m < 300; m++) {
		if (m < 4) {
			len = strlen(msgs[m]);
			memcpy(msg, msgs[m], len);
		} else if (m == 4) {
			len = sizeof(msg);
			memset(msg, 'a', len);
		} else {
			cap = 20 + (size_t)rnd(300);
			for (len = 0; (k = gen_piece(msg, len, cap)) != len; )
				len = k;
		}
		text_normalise(t, msg, len, 0);
		for (i = 0; i < t->ntokens; i++) {
			const struct text_token *tok = &t->tokens[i];

			k = tok->fold + tok->flen;
			assert_true(k <= t->foldlen);
			assert_int_equal(tok->hash,
			    hash_fnv1a32(t->fold + tok->fold, tok->flen));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_d_stroke),
		cmocka_unit_test(test_nfd_and_composite),
		cmocka_unit_test(test_tone_placement),
		cmocka_unit_test(test_collisions_keep_keys),
		cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_emoji),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_telex_vni),
		cmocka_unit_test(test_numbers_units),
		cmocka_unit_test(test_case_and_link),
		cmocka_unit_test(test_ascii_fast_path),
		cmocka_unit_test(test_latin_pairs),
		cmocka_unit_test(test_latin_fast_path),
		cmocka_unit_test(test_token_hash),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
