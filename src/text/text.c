/*
 * text.c: normalisation of residents' messages for the router.
 *
 * text_normalise() turns the bytes of one message into a struct text: the
 * normalised text (invalid UTF-8 repaired with U+FFFD, zero-width and
 * non-breaking spaces made spaces, case folded, NFC), and its tokens.  Each
 * token carries two forms:
 *
 *   fold   the folded form, ASCII for Vietnamese: lower case, no
 *          diacritics, đ/Đ and the look-alikes U+00D0/U+00F0 mapped to d
 *          ("đường" -> "duong").  The router matches on it.
 *   key    the diacritics of the token in a Telex-like spelling that does
 *          not depend on where the tone mark sits: quality marks inline
 *          (dd, aa, ee, oo, aw, ow, uw) and the tone last (s f r j; the
 *          ngã tone is written as hỏi, r, because Southern writers mix the
 *          two).  "đường" -> "dduwowngf", "hoà" and "hòa" -> "hoaf".  The
 *          router uses it to tell sổ đỏ from sơ đồ when a message carries
 *          diacritics.
 *
 * An ASCII token that is not a Vietnamese syllable but becomes one when
 * read as Telex or VNI keyboard residue is repaired ("dduwowngf", "khoong",
 * "ngap5"); the syllable check (onset, nucleus, coda, and tone against a
 * stop coda) keeps English words and abbreviations as they are.  A number
 * glued to a unit is split in two ("5tr" -> "5" "tr", "200k" -> "200" "k")
 * so that the router can read the unit in context.
 *
 * Only the first TEXT_INPUT_MAX bytes of a message are read (the rest is
 * flagged TEXT_F_TRUNCATED): that is more than the longest concatenated SMS
 * (10 parts of 67 UCS-2 characters, at most 3 UTF-8 bytes each).  All work
 * is linear in the input and happens in the caller's struct text: no
 * allocation, no I/O.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text/text.h"
#include "base/util.h"

/*
 * ===================================================================
 * Vietnamese syllables
 * ===================================================================
 *
 * A syllable is checked as onset + nucleus + coda.  Nuclei are written
 * with one letter per vowel, a capital for a vowel with a quality mark:
 * A â, E ê, O ô, B ă, P ơ, U ư ("ươ" is "UP").
 */

/* A letter of a syllable being decoded: its base and its quality mark. */
struct unit {
	char	base;		/* a..z */
	char	mod;		/* 0, '^' circumflex, 'w' breve/horn, 'd' đ */
};

#define SYL_UNITS_MAX	12

static const char *const onsets[] = {
	"", "b", "c", "ch", "d", "dd", "g", "gh", "gi", "h", "k", "kh", "l",
	"m", "n", "ng", "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th",
	"tr", "v", "x", NULL
};

static const char *const codas[] = {
	"", "c", "ch", "m", "n", "ng", "nh", "p", "t", NULL
};

/* Nuclei that may be followed by a consonant coda. */
static const char *const nuclei_coda[] = {
	"a", "B", "A", "e", "E", "i", "o", "O", "P", "u", "U", "y", "oa",
	"oB", "oe", "uA", "uE", "uO", "UP", "iE", "yE", "uy", "uyE", NULL
};

/* Nuclei that stand without a consonant coda (glides included). */
static const char *const nuclei_open[] = {
	"a", "e", "E", "i", "o", "O", "P", "u", "U", "y", "oa", "oe", "uE",
	"uy", "uP", "ai", "ao", "au", "Ay", "Au", "ay", "eo", "Eu", "ia",
	"iu", "oi", "Oi", "Pi", "ua", "ui", "Ua", "Ui", "Uu", "iEu", "yEu",
	"uOi", "UPi", "UPu", "oai", "oay", "oeo", "uAy", "uyu", "uya", NULL
};

/*
 * The lists above, for syllable_valid(): every entry (at most three
 * letters) as a number, with the lists that hold it, in a small table of
 * open addressing made once.  The nuclei are also entered with their
 * marks dropped ("uP" as "uo"), for a word written without them.
 */
#define SYL_ONSET	0x01
#define SYL_CODA	0x02
#define SYL_NCODA	0x04	/* nuclei_coda[] */
#define SYL_NOPEN	0x08	/* nuclei_open[] */
#define SYL_NCODA_F	0x10	/* nuclei_coda[], marks dropped */
#define SYL_NOPEN_F	0x20	/* nuclei_open[], marks dropped */
#define SYL_BITS	8

static struct {
	uint32_t	 key;
	uint8_t		 lists;		/* SYL_*, 0: empty */
} syl_set[1 << SYL_BITS];
static pthread_once_t	 syl_once = PTHREAD_ONCE_INIT;

/* s as a number (its bytes), or UINT32_MAX when longer than 3 bytes. */
static uint32_t
syl_key(const char *s)
{
	uint32_t	k = 0;
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i == 3)
			return UINT32_MAX;
		k |= (uint32_t)(unsigned char)s[i] << (8 * i);
	}
	return k;
}

static size_t
syl_slot(uint32_t key)
{
	size_t	i = (key * 0x9e3779b1u) >> (32 - SYL_BITS);

	while (syl_set[i].lists != 0 && syl_set[i].key != key)
		i = (i + 1) & ((1 << SYL_BITS) - 1);
	return i;
}

/* The SYL_* lists that hold s. */
static unsigned
syl_lists(const char *s)
{
	return syl_set[syl_slot(syl_key(s))].lists;
}

static void
syl_add(const char *const *list, unsigned bit, int fold)
{
	char	buf[4];
	size_t	i, j;

	for (i = 0; list[i] != NULL; i++) {
		for (j = 0; list[i][j] != '\0' && j < 3; j++) {
			char	c = list[i][j];

			if (fold)
				c = c == 'A' || c == 'B' ? 'a' : c == 'E' ?
				    'e' : c == 'O' || c == 'P' ? 'o' : c == 'U' ?
				    'u' : c;
			buf[j] = c;
		}
		buf[j] = '\0';
		j = syl_slot(syl_key(buf));
		syl_set[j].key = syl_key(buf);
		syl_set[j].lists |= (uint8_t)bit;
	}
}

static void
syl_init(void)
{
	syl_add(onsets, SYL_ONSET, 0);
	syl_add(codas, SYL_CODA, 0);
	syl_add(nuclei_coda, SYL_NCODA, 0);
	syl_add(nuclei_open, SYL_NOPEN, 0);
	syl_add(nuclei_coda, SYL_NCODA_F, 1);
	syl_add(nuclei_open, SYL_NOPEN_F, 1);
}

static int
is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ||
	    c == 'y';
}

/* The nucleus letter of a unit: a base, or a capital for a marked vowel. */
static char
nucleus_letter(const struct unit *u)
{
	if (u->mod == '^')
		return (char)toupper((unsigned char)u->base);
	if (u->mod == 'w')
		return u->base == 'a' ? 'B' : u->base == 'o' ? 'P' : 'U';
	return u->base;
}

/*
 * Checks that units[0..n) with tone (0 or one of "sfrj") form a
 * Vietnamese syllable.  With folded set, marks are ignored (a word written
 * without diacritics that could be a syllable).  Returns 1 or 0.
 */
static int
syllable_valid(const struct unit *u, size_t n, char tone, int folded)
{
	char	onset[8], nucleus[8], coda[8];
	size_t	i = 0, k;

	pthread_once(&syl_once, syl_init);
	for (k = 0; i < n && !is_vowel(u[i].base); i++) {
		if (k + 2 >= sizeof(onset))
			return 0;
		onset[k++] = u[i].base;
		if (u[i].mod == 'd')
			onset[k++] = 'd';
		else if (u[i].mod != 0)
			return 0;
	}
	onset[k] = '\0';
	/* "gi" and "qu" take their vowel into the onset. */
	if (i < n && ((strcmp(onset, "g") == 0 && u[i].base == 'i' &&
	    u[i].mod == 0) || (strcmp(onset, "q") == 0 &&
	    u[i].base == 'u' && u[i].mod == 0))) {
		onset[k++] = u[i].base;
		onset[k] = '\0';
		i++;
		if (onset[0] == 'g' && (i == n || !is_vowel(u[i].base)))
			i--;		/* "gì", "gìn": the i is the nucleus */
	}
	if (!(syl_lists(onset) & SYL_ONSET))
		return 0;
	for (k = 0; i < n && is_vowel(u[i].base); i++) {
		if (k + 1 >= sizeof(nucleus))
			return 0;
		nucleus[k++] = nucleus_letter(&u[i]);
	}
	nucleus[k] = '\0';
	if (k == 0)
		return 0;
	for (k = 0; i < n; i++) {
		if (is_vowel(u[i].base) || u[i].mod != 0 ||
		    k + 1 >= sizeof(coda))
			return 0;
		coda[k++] = u[i].base;
	}
	coda[k] = '\0';
	if (!(syl_lists(coda) & SYL_CODA))
		return 0;
	if (folded)
		return (syl_lists(nucleus) & (coda[0] ? SYL_NCODA_F :
		    SYL_NOPEN_F)) != 0;
	if (!(syl_lists(nucleus) & (coda[0] ? SYL_NCODA : SYL_NOPEN)))
		return 0;
	/* A stop coda takes only the sắc or the nặng tone. */
	if (coda[0] == 'c' || coda[0] == 'p' || coda[0] == 't')
		return tone == 's' || tone == 'j';
	return 1;
}

/*
 * ===================================================================
 * Telex and VNI residue
 * ===================================================================
 */

/* Puts a horn or breve on the vowels before unit n, as Telex w does. */
static int
apply_horn(struct unit *u, size_t n)
{
	size_t	i;

	for (i = n; i > 0 && !is_vowel(u[i - 1].base); i--)
		;
	/* i is one past the last vowel; look for "uo" in the cluster. */
	for (size_t j = i; j > 1 && is_vowel(u[j - 2].base); j--)
		if (u[j - 2].base == 'u' && u[j - 1].base == 'o' &&
		    u[j - 2].mod == 0 && u[j - 1].mod == 0) {
			u[j - 2].mod = u[j - 1].mod = 'w';
			return 0;
		}
	if (i > 0 && u[i - 1].mod == 0 && (u[i - 1].base == 'a' ||
	    u[i - 1].base == 'o' || u[i - 1].base == 'u')) {
		u[i - 1].mod = 'w';
		return 0;
	}
	return -1;
}

/* Puts a circumflex on the last a, e or o (VNI 6). */
static int
apply_circumflex(struct unit *u, size_t n)
{
	while (n-- > 0)
		if (u[n].mod == 0 && (u[n].base == 'a' || u[n].base == 'e' ||
		    u[n].base == 'o')) {
			u[n].mod = '^';
			return 0;
		}
	return -1;
}

static int
has_vowel(const struct unit *u, size_t n)
{
	while (n-- > 0)
		if (is_vowel(u[n].base))
			return 1;
	return 0;
}

/*
 * Reads s[0..len) (lower-case ASCII letters and digits) as Telex or VNI
 * typing.  Returns the number of units, or -1 when the token does not
 * use any Telex or VNI feature or cannot be read; *tone gets the tone.
 */
static int
decode_residue(const char *s, size_t len, struct unit *u, char *tone)
{
	static const char vni_tones[] = "sfrrj";	/* 1..5 */
	size_t	i, n = 0;
	int	features = 0, digits = 0, letters = 0;

	*tone = 0;
	for (i = 0; i < len; i++) {
		char	c = s[i];

		if (n >= SYL_UNITS_MAX)
			return -1;
		if (c >= '1' && c <= '9') {
			digits = 1;
			features++;
			if (c <= '5') {
				if (*tone || !has_vowel(u, n))
					return -1;
				*tone = vni_tones[c - '1'];
			} else if (c == '6') {
				if (apply_circumflex(u, n) == -1)
					return -1;
			} else if (c == '7' || c == '8') {
				if (apply_horn(u, n) == -1)
					return -1;
			} else if (n > 0 && u[0].base == 'd' &&
			    u[0].mod == 0)
				u[0].mod = 'd';
			else
				return -1;
			continue;
		}
		if (c < 'a' || c > 'z')
			return -1;
		letters = 1;
		if (c == 'd' && n == 0 && i + 1 < len && s[i + 1] == 'd') {
			u[n].base = 'd';
			u[n++].mod = 'd';
			i++;
			features++;
		} else if ((c == 'a' || c == 'e' || c == 'o') &&
		    i + 1 < len && s[i + 1] == c) {
			u[n].base = c;
			u[n++].mod = '^';
			i++;
			features++;
		} else if (c == 'w') {
			if (n == 0 || !has_vowel(u, n)) {
				u[n].base = 'u';	/* "w" alone is ư */
				u[n++].mod = 'w';
			} else if (apply_horn(u, n) == -1)
				return -1;
			features++;
		} else if ((c == 'f' || c == 's' || c == 'r' || c == 'x' ||
		    c == 'j') && has_vowel(u, n)) {
			if (*tone)
				return -1;
			*tone = c == 'x' ? 'r' : c;
			features++;
		} else {
			u[n].base = c;
			u[n++].mod = 0;
		}
	}
	if (features == 0 || (digits && letters == 0))
		return -1;
	return (int)n;
}

/*
 * ===================================================================
 * Building a struct text
 * ===================================================================
 */

/* What the normalisation asks of utf8proc: NFD case folded, then NFC. */
#define DECOMPOSE_FLAGS	(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | \
			 UTF8PROC_CASEFOLD)
#define COMPOSE_FLAGS	(UTF8PROC_STABLE | UTF8PROC_COMPOSE)

/* Appends to a bounded buffer; returns -1 (and writes nothing) when full. */
static int
put(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len + n > cap)
		return -1;
	memcpy(buf + *len, s, n);
	*len += n;
	return 0;
}

/* Zero-width characters, BOM and every kind of space become one space. */
static int
is_space_cp(int32_t cp)
{
	switch (cp) {
	case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff:
	case 0x00a0: case 0x202f: case 0x2007: case 0x180e: case 0x00ad:
		return 1;
	}
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return 1;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CF:
		return 1;
	default:
		return 0;
	}
}

/*
 * Pass one: copies the first TEXT_INPUT_MAX bytes of s into t->clean with
 * invalid sequences replaced by U+FFFD and spaces mapped to ' '.
 */
static void
clean_input(struct text *t, const char *s, size_t len)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i = 0, cap = sizeof(t->clean) - 1;

	t->cleanlen = 0;
	if (len > TEXT_INPUT_MAX) {
		len = TEXT_INPUT_MAX;
		t->flags |= TEXT_F_TRUNCATED;
	}
	while (i < len) {
		utf8proc_int32_t	cp;
		utf8proc_ssize_t	n;
		uint8_t			enc[4];

		if (p[i] < 0x80) {
			char c = (p[i] < 0x20 || p[i] == 0x7f) ? ' ' :
			    (char)p[i];

			t->clean[t->cleanlen++] = c;
			i++;
			continue;
		}
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n < 0) {
			/* A sequence cut by the cap is not an error. */
			if (len == TEXT_INPUT_MAX &&
			    (t->flags & TEXT_F_TRUNCATED) && len - i < 4 &&
			    (p[i] & 0xc0) == 0xc0)
				break;
			t->flags |= TEXT_F_INVALID_UTF8;
			cp = 0xfffd;
			n = 1;
		}
		i += (size_t)n;
		if (is_space_cp(cp)) {
			t->clean[t->cleanlen++] = ' ';
			continue;
		}
		n = utf8proc_encode_char(cp, enc);
		if (put(t->clean, cap, &t->cleanlen, (char *)enc,
		    (size_t)n) == -1) {
			t->flags |= TEXT_F_TRUNCATED;
			break;
		}
	}
	t->clean[t->cleanlen] = '\0';
}

/* A token being built from code points. */
struct tokbuf {
	char	fold[TEXT_TOKEN_MAX];
	size_t	flen;
	char	key[TEXT_TOKEN_MAX * 2 + 2];
	size_t	klen;
	char	tone;
	char	lastbase;
	int	marked;
	int	digits;		/* leading digits */
	size_t	numend;		/* bytes of the leading number */
	int	letters;
	int	overflow;
};

static void
tok_reset(struct tokbuf *b)
{
	b->flen = b->klen = 0;
	b->tone = b->lastbase = 0;
	b->marked = b->digits = b->letters = b->overflow = 0;
	b->numend = 0;
}

static void
tok_addc(struct tokbuf *b, char c)
{
	if (b->flen + 1 >= sizeof(b->fold) ||
	    b->klen + 2 >= sizeof(b->key)) {
		b->overflow = 1;
		return;
	}
	b->fold[b->flen++] = c;
	b->key[b->klen++] = c;
}

/* Appends a base code point (already case folded) to the token. */
static void
tok_base(struct tokbuf *b, int32_t cp)
{
	uint8_t		enc[4];
	utf8proc_ssize_t n, i;

	if (b->letters == 0 && !(cp >= '0' && cp <= '9'))
		b->numend = b->flen;
	if (cp < 0x80) {
		tok_addc(b, (char)cp);
		b->lastbase = (char)cp;
		if (cp >= '0' && cp <= '9') {
			if (!b->letters)
				b->digits++;
		} else
			b->letters++;
		return;
	}
	b->letters++;
	switch (cp) {
	case 0x0111: case 0x0110: case 0x00f0: case 0x00d0:
	case 0x0256: case 0x0189:
		/* đ has no decomposition; ð and ɖ look the same. */
		tok_addc(b, 'd');
		if (b->klen + 2 < sizeof(b->key))
			b->key[b->klen++] = 'd';
		b->lastbase = 'd';
		b->marked = 1;
		return;
	}
	b->lastbase = 0;
	n = utf8proc_encode_char(cp, enc);
	for (i = 0; i < n; i++)
		tok_addc(b, (char)enc[i]);
}

/* Records a combining mark on the last base letter. */
static void
tok_mark(struct tokbuf *b, int32_t cp)
{
	char	c = b->lastbase;

	b->marked = 1;
	switch (cp) {
	case 0x0300: b->tone = 'f'; break;	/* huyền */
	case 0x0301: b->tone = 's'; break;	/* sắc */
	case 0x0303:				/* ngã, written as hỏi */
	case 0x0309: b->tone = 'r'; break;	/* hỏi */
	case 0x0323: b->tone = 'j'; break;	/* nặng */
	case 0x0302:				/* â ê ô */
		if ((c == 'a' || c == 'e' || c == 'o') &&
		    b->klen + 2 < sizeof(b->key))
			b->key[b->klen++] = c;
		break;
	case 0x0306:				/* ă */
	case 0x031b:				/* ơ ư */
		if (c != 0 && b->klen + 2 < sizeof(b->key))
			b->key[b->klen++] = 'w';
		break;
	default:
		break;		/* other marks: only folded away */
	}
}

/* Whether the letters after the leading digits are a unit to split off. */
static int
unit_suffix(const char *s, size_t n)
{
	static const char *const units[] = {
		"k", "tr", "trieu", "ty", "cu", "d", "dong", "h", "ngan",
		"nghin", "xi", "lit", "chai", "usd", "vnd", NULL
	};
	size_t	i;

	for (i = 0; units[i] != NULL; i++)
		if (strlen(units[i]) == n && memcmp(units[i], s, n) == 0)
			return 1;
	return 0;
}

static int
pool_put(struct text *t, const char *s, size_t n, uint16_t *off)
{
	if (t->poollen + n > sizeof(t->pool))
		return -1;
	memcpy(t->pool + t->poollen, s, n);
	*off = (uint16_t)t->poollen;
	t->poollen += n;
	return 0;
}

/*
 * Stores a finished token (fold and key) in t.  A NULL key is the same
 * bytes as the fold, stored once.
 */
static void
emit(struct text *t, const char *fold, size_t flen, const char *key,
    size_t klen, unsigned flags)
{
	struct text_token	*tok;

	if (flen == 0)
		return;
	if (t->ntokens == TEXT_TOKENS_MAX) {
		t->flags |= TEXT_F_TRUNCATED;
		return;
	}
	tok = &t->tokens[t->ntokens];
	if (pool_put(t, fold, flen, &tok->raw) == -1 || (key != NULL &&
	    pool_put(t, key, klen, &tok->key) == -1)) {
		t->flags |= TEXT_F_TRUNCATED;
		return;
	}
	if (key == NULL) {
		tok->key = tok->raw;
		klen = flen;
	}
	tok->rlen = tok->flen = (uint16_t)flen;
	tok->klen = (uint16_t)klen;
	tok->fold = tok->raw;
	tok->flags = (uint16_t)flags;
	if (flags & TEXT_TOK_MARKED)
		t->flags |= TEXT_F_DIACRITICS;
	t->ntokens++;
}

static void
tok_finish(struct text *t, struct tokbuf *b)
{
	unsigned	flags = 0;
	size_t		d = b->numend;

	if (b->flen == 0)
		return;
	if (b->tone != 0 && b->klen + 1 < sizeof(b->key))
		b->key[b->klen++] = b->tone;
	if (b->marked)
		flags |= TEXT_TOK_MARKED;
	if (b->letters == 0)
		flags |= TEXT_TOK_NUMBER;
	else if (b->digits > 0 && d > 0 && unit_suffix(b->fold + d,
	    b->flen - d)) {
		/* "5tr", "200k": a number and its unit. */
		emit(t, b->fold, d, b->fold, d, TEXT_TOK_NUMBER);
		emit(t, b->fold + d, b->flen - d, b->fold + d, b->flen - d,
		    TEXT_TOK_UNIT);
		tok_reset(b);
		return;
	}
	if (b->overflow)
		t->flags |= TEXT_F_TRUNCATED;
	emit(t, b->fold, b->flen, b->key, b->klen, flags);
	tok_reset(b);
}

/*
 * The classes of the code points below CP_CLASSES (letters, digits,
 * marks: is_word_cp() and is_mark_cp()), found once with utf8proc, for
 * tokenise(): nearly every code point of a message is one of them.
 */
#define CP_CLASSES	0x400
#define CP_WORD		0x01
#define CP_MARK		0x02

static uint8_t		 cp_class[CP_CLASSES];
static pthread_once_t	 cp_once = PTHREAD_ONCE_INIT;

static int
is_word_cp(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z');
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

static int
is_mark_cp(int32_t cp)
{
	utf8proc_category_t	c;

	if (cp < 0x300)
		return 0;
	c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
	    c == UTF8PROC_CATEGORY_ME;
}

static int
is_digit_cp(int32_t cp)
{
	return cp >= '0' && cp <= '9';
}

static void
cp_init(void)
{
	int32_t	cp;

	for (cp = 0; cp < CP_CLASSES; cp++)
		cp_class[cp] = (uint8_t)((is_word_cp(cp) ? CP_WORD : 0) |
		    (is_mark_cp(cp) ? CP_MARK : 0));
}

/* CP_WORD, CP_MARK or 0 for code point cp. */
static unsigned
cp_kind(int32_t cp)
{
	if (cp >= 0 && cp < CP_CLASSES)
		return cp_class[cp];
	return (is_word_cp(cp) ? CP_WORD : 0) | (is_mark_cp(cp) ? CP_MARK :
	    0);
}

/*
 * Pass two: splits the code points into tokens.  A '.' or ',' between two
 * digits stays inside a number ("500.000").
 */
static void
tokenise(struct text *t, const int32_t *cp, size_t n)
{
	struct tokbuf	b;
	size_t		i;
	unsigned	k;

	pthread_once(&cp_once, cp_init);
	tok_reset(&b);
	for (i = 0; i < n; i++) {
		k = cp_kind(cp[i]);
		if (k & CP_MARK) {
			if (b.flen > 0)
				tok_mark(&b, cp[i]);
			continue;
		}
		if (k & CP_WORD) {
			tok_base(&b, cp[i]);
			continue;
		}
		if ((cp[i] == '.' || cp[i] == ',') && b.letters == 0 &&
		    b.digits > 0 && i + 1 < n && is_digit_cp(cp[i + 1])) {
			tok_addc(&b, (char)cp[i]);
			continue;
		}
		tok_finish(t, &b);
	}
	tok_finish(t, &b);
}

/* Writes cp[0..n) as UTF-8 into t->norm with runs of spaces collapsed. */
static void
encode_norm(struct text *t, const int32_t *cp, size_t n)
{
	size_t		i, cap = sizeof(t->norm) - 1;
	uint8_t		enc[4];
	utf8proc_ssize_t k;

	t->normlen = 0;
	for (i = 0; i < n; i++) {
		if (cp[i] == ' ' && (t->normlen == 0 ||
		    t->norm[t->normlen - 1] == ' '))
			continue;
		k = utf8proc_encode_char(cp[i], enc);
		if (put(t->norm, cap, &t->normlen, (char *)enc,
		    (size_t)k) == -1) {
			t->flags |= TEXT_F_TRUNCATED;
			break;
		}
	}
	while (t->normlen > 0 && t->norm[t->normlen - 1] == ' ')
		t->normlen--;
	t->norm[t->normlen] = '\0';
}

/*
 * ===================================================================
 * The ASCII path
 * ===================================================================
 *
 * Most residents type without diacritics.  Pure ASCII input needs no
 * NFC, no decomposition and no table lookups: case folding is a byte
 * operation and a token is a run of bytes.  These functions give exactly
 * what clean_input(), tokenise() and encode_norm() give for such input,
 * in one pass over the bytes and one over the normalised text.
 */

static int
ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Whether s[0..len) is pure ASCII, eight bytes at a time. */
static int
is_ascii(const char *s, size_t len)
{
	uint64_t	w, acc = 0;
	size_t		i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		acc |= w;
	}
	for (; i < len; i++)
		acc |= (unsigned char)s[i];
	return (acc & 0x8080808080808080ull) == 0;
}

/*
 * Stores a token of the ASCII path, whose bytes are already in the pool
 * at off, as emit() would store a copy of them.
 */
static void
emit_at(struct text *t, size_t off, size_t flen, unsigned flags)
{
	struct text_token	*tok;

	if (flen == 0)
		return;
	if (t->ntokens == TEXT_TOKENS_MAX) {
		t->flags |= TEXT_F_TRUNCATED;
		return;
	}
	tok = &t->tokens[t->ntokens++];
	tok->fold = tok->raw = tok->key = (uint16_t)off;
	tok->flen = tok->rlen = tok->klen = (uint16_t)flen;
	tok->flags = (uint16_t)flags;
}

/*
 * Stores the token at t->pool + off, n bytes (lower case), as
 * tok_finish() would after tok_base() and tok_addc() saw its bytes: cut
 * to what a struct tokbuf holds, a number glued to a unit split.
 */
static void
ascii_token(struct text *t, size_t off, size_t n, size_t numend,
    int digits, int letters)
{
	size_t	max = TEXT_TOKEN_MAX - 1, flen = n < max ? n : max;

	if (numend > max)
		numend = max;
	if (letters == 0) {
		if (n > max)
			t->flags |= TEXT_F_TRUNCATED;
		emit_at(t, off, flen, TEXT_TOK_NUMBER);
		return;
	}
	if (digits > 0 && numend > 0 && unit_suffix(t->pool + off + numend,
	    flen - numend)) {
		/* "5tr", "200k": a number and its unit. */
		emit_at(t, off, numend, TEXT_TOK_NUMBER);
		emit_at(t, off + numend, flen - numend, TEXT_TOK_UNIT);
		return;
	}
	if (n > max)
		t->flags |= TEXT_F_TRUNCATED;
	emit_at(t, off, flen, 0);
}

/*
 * Copies the first TEXT_INPUT_MAX bytes of s (pure ASCII) into t->clean
 * with control characters as spaces, into t->pool in lower case too, and
 * into t->norm in lower case with runs of spaces collapsed; the tokens
 * are found on the way, as tokenise() finds them (a '.' or ',' between
 * two digits stays inside a number), and point into the pool.
 */
static void
normalise_ascii(struct text *t, const char *s, size_t len)
{
	size_t	i, nl = 0, start = 0, numend = 0;
	int	in = 0, digits = 0, letters = 0, lastsp = 1;

	if (len > TEXT_INPUT_MAX) {
		len = TEXT_INPUT_MAX;
		t->flags |= TEXT_F_TRUNCATED;
	}
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			c = ' ';
		t->clean[i] = (char)c;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		t->pool[i] = (char)c;
		/* A space after a space, or first, is not kept. */
		t->norm[nl] = (char)c;
		nl += !(c == ' ' && lastsp);
		lastsp = c == ' ';
		if (ascii_digit(c) || (unsigned char)(c - 'a') < 26) {
			/* A token starts: selects rather than a branch. */
			start = in ? start : i;
			digits = in ? digits : 0;
			letters = in ? letters : 0;
			numend = in ? numend : 0;
			in = 1;
			if (c <= '9') {
				if (letters == 0)
					digits++;
			} else if (letters++ == 0)
				numend = i - start;
		} else if (in && ((c != '.' && c != ',') || letters > 0 ||
		    digits == 0 || i + 1 == len ||
		    !ascii_digit((unsigned char)s[i + 1]))) {
			/* Most tokens are short words without digits. */
			if (digits == 0 && i - start < TEXT_TOKEN_MAX)
				emit_at(t, start, i - start, 0);
			else
				ascii_token(t, start, i - start, numend,
				    digits, letters);
			in = 0;
		}
	}
	if (in)
		ascii_token(t, start, len - start, numend, digits, letters);
	t->poollen = len;
	t->cleanlen = len;
	t->clean[len] = '\0';
	if (nl > 0 && t->norm[nl - 1] == ' ')
		nl--;
	t->normlen = nl;
	t->norm[nl] = '\0';
}

static void
normalise_unicode(struct text *t)
{
	utf8proc_ssize_t	n;

	n = utf8proc_decompose((const uint8_t *)t->clean,
	    (utf8proc_ssize_t)t->cleanlen, t->cps,
	    (utf8proc_ssize_t)(sizeof(t->cps) / sizeof(t->cps[0])),
	    DECOMPOSE_FLAGS);
	if (n < 0 || (size_t)n > sizeof(t->cps) / sizeof(t->cps[0])) {
		/* Cannot happen with clean input of this size; be safe. */
		t->flags |= TEXT_F_TRUNCATED;
		t->ncps = 0;
		t->normlen = 0;
		t->norm[0] = '\0';
		return;
	}
	t->ncps = (size_t)n;
	tokenise(t, t->cps, t->ncps);
	n = utf8proc_normalize_utf32(t->cps, (utf8proc_ssize_t)t->ncps,
	    COMPOSE_FLAGS);
	if (n < 0)
		n = 0;
	encode_norm(t, t->cps, (size_t)n);
}

/*
 * ===================================================================
 * The Latin path
 * ===================================================================
 *
 * Residents who type the marks use a few hundred characters, all in the
 * Latin blocks, and utf8proc costs more than all the rest of the work on
 * their messages.  latin[] holds, for every character below the
 * combining marks (U+0300) and from U+1E00 to U+1EFF (Latin Extended
 * Additional: ấ, ở, ự...), what the general path makes of it: a space
 * (clean_input()), or its decomposition with case folded (what
 * tokenise() reads) and that composed again (what encode_norm() writes).
 * A message of those characters, each followed by no combining mark or
 * by a few of U+0300 to U+036F (Vietnamese typed decomposed), is
 * normalised from the table, and a character with marks by utf8proc on
 * its own.  That is exact because normalisation only ever joins a
 * starter to what follows it: decomposition and case folding go
 * character by character, marks are reordered only among themselves,
 * and no character of the table composes with one before it (the unit
 * test checks every pair with the linked utf8proc; latin_closed() holds
 * the rest).  Anything else (emoji, another script, invalid UTF-8, a
 * message over the cap) takes the general path.
 */

#define LATIN_LOW	0x300	/* U+0000 to U+02FF, then */
#define LATIN_EXT	0x1e00	/* U+1E00 to U+1EFF */
#define LATIN_SIZE	(LATIN_LOW + 0x100)
#define LATIN_DEC_MAX	4	/* code points of one decomposition */
#define LATIN_NORM_MAX	8	/* bytes of one composed character */
#define LATIN_MARKS_MAX	8	/* combining marks after one character */

struct latin {
	int32_t		 dec[LATIN_DEC_MAX];	/* decomposed, folded */
	uint8_t		 ndec;			/* 0: the general path */
	uint8_t		 nnorm;
	char		 norm[LATIN_NORM_MAX];	/* composed, UTF-8 */
};

static struct latin	 latin[LATIN_SIZE];
static pthread_once_t	 latin_once = PTHREAD_ONCE_INIT;

static int
in_latin(int32_t cp)
{
	return (cp >= 0 && cp < LATIN_LOW) ||
	    (cp >= LATIN_EXT && cp < LATIN_EXT + 0x100);
}

/*
 * Whether nothing after cps[0..n) (composed) can compose with it: it
 * ends with a mark, which blocks the next starter, or with a character
 * of the table, which no character of the table composes with.
 */
static int
latin_closed(const int32_t *cps, size_t n)
{
	return n > 0 && (in_latin(cps[n - 1]) ||
	    utf8proc_get_property(cps[n - 1])->combining_class != 0);
}

/* Fills entry e with what the general path makes of cp. */
static void
latin_entry(struct latin *e, int32_t cp)
{
	int32_t			tmp[LATIN_DEC_MAX];
	uint8_t			enc[4];
	utf8proc_ssize_t	n, m, k, l;
	size_t			at = 0;

	if (is_space_cp(cp)) {
		e->dec[0] = ' ';
		e->norm[0] = ' ';
		e->ndec = e->nnorm = 1;
		return;
	}
	k = utf8proc_encode_char(cp, enc);
	n = utf8proc_decompose(enc, k, e->dec, LATIN_DEC_MAX,
	    DECOMPOSE_FLAGS);
	if (n < 1 || n > LATIN_DEC_MAX ||
	    utf8proc_get_property(e->dec[0])->combining_class != 0)
		return;
	memcpy(tmp, e->dec, (size_t)n * sizeof(tmp[0]));
	m = utf8proc_normalize_utf32(tmp, n, COMPOSE_FLAGS);
	if (m < 1 || !latin_closed(tmp, (size_t)m))
		return;
	for (l = 0; l < m; l++) {
		k = utf8proc_encode_char(tmp[l], enc);
		if (at + (size_t)k > LATIN_NORM_MAX)
			return;
		memcpy(e->norm + at, enc, (size_t)k);
		at += (size_t)k;
	}
	e->ndec = (uint8_t)n;
	e->nnorm = (uint8_t)at;
}

static void
latin_init(void)
{
	size_t	i;

	for (i = 0; i < LATIN_SIZE; i++)
		latin_entry(&latin[i], i < LATIN_LOW ? (int32_t)i :
		    (int32_t)(LATIN_EXT + i - LATIN_LOW));
}

/*
 * The entry of the character at p[0..len), or NULL when it is not in the
 * table (or not valid UTF-8); *n gets its length.
 */
static const struct latin *
latin_at(const uint8_t *p, size_t len, size_t *n)
{
	const struct latin	*e;

	if (p[0] < 0x80) {
		e = &latin[p[0]];
		*n = 1;
	} else if (p[0] >= 0xc2 && p[0] <= 0xcb && len >= 2 &&
	    (p[1] & 0xc0) == 0x80) {
		/* U+0080 to U+02FF: C2 80 to CB BF. */
		e = &latin[(p[0] & 0x1fu) << 6 | (p[1] & 0x3fu)];
		*n = 2;
	} else if (p[0] == 0xe1 && len >= 3 && p[1] >= 0xb8 &&
	    p[1] <= 0xbb && (p[2] & 0xc0) == 0x80) {
		/* U+1E00 to U+1EFF: E1 B8 80 to E1 BB BF. */
		e = &latin[LATIN_LOW + ((p[1] & 0x3u) << 6 | (p[2] & 0x3fu))];
		*n = 3;
	} else
		return NULL;
	return e->ndec > 0 ? e : NULL;
}

/* Whether p[0..len) starts with a combining mark of U+0300 to U+036F. */
static int
latin_mark(const uint8_t *p, size_t len)
{
	return len >= 2 && (p[1] & 0xc0) == 0x80 && (p[0] == 0xcc ||
	    (p[0] == 0xcd && p[1] < 0xb0));
}

/* Appends a composed code point to t->norm as encode_norm() does. */
static int
latin_norm(struct text *t, const char *s, size_t n)
{
	if (n == 1 && s[0] == ' ' && (t->normlen == 0 ||
	    t->norm[t->normlen - 1] == ' '))
		return 0;
	return put(t->norm, sizeof(t->norm) - 1, &t->normlen, s, n);
}

/* Normalises the character and marks at t->clean + at with utf8proc. */
static int
latin_cluster(struct text *t, size_t at)
{
	int32_t			cps[LATIN_DEC_MAX * (LATIN_MARKS_MAX + 1)];
	uint8_t			enc[4];
	utf8proc_ssize_t	n, m, k;
	size_t			cap = sizeof(t->cps) / sizeof(t->cps[0]);

	n = utf8proc_decompose((const uint8_t *)t->clean + at,
	    (utf8proc_ssize_t)(t->cleanlen - at), cps,
	    (utf8proc_ssize_t)(sizeof(cps) / sizeof(cps[0])),
	    DECOMPOSE_FLAGS);
	if (n < 1 || (size_t)n > sizeof(cps) / sizeof(cps[0]) ||
	    t->ncps + (size_t)n > cap)
		return -1;
	memcpy(t->cps + t->ncps, cps, (size_t)n * sizeof(cps[0]));
	t->ncps += (size_t)n;
	m = utf8proc_normalize_utf32(cps, n, COMPOSE_FLAGS);
	if (m < 1 || !latin_closed(cps, (size_t)m))
		return -1;
	for (k = 0; k < m; k++)
		if (latin_norm(t, (char *)enc, (size_t)utf8proc_encode_char(
		    cps[k], enc)) == -1)
			return -1;
	return 0;
}

/*
 * Normalises s[0..len) from latin[] into t, as clean_input() and
 * normalise_unicode() would.  Returns 0, or -1 when a character is not
 * one of the table's (t is then left to the general path).
 */
static int
normalise_latin(struct text *t, const char *s, size_t len)
{
	const uint8_t		*p = (const uint8_t *)s;
	const struct latin	*e;
	size_t			 i = 0, n, at, k;
	size_t			 cap = sizeof(t->cps) / sizeof(t->cps[0]);

	pthread_once(&latin_once, latin_init);
	if (len > TEXT_INPUT_MAX)
		return -1;
	t->cleanlen = t->ncps = t->normlen = 0;
	while (i < len) {
		if ((e = latin_at(p + i, len - i, &n)) == NULL)
			return -1;
		at = t->cleanlen;
		/* Characters are a few bytes: no memcpy() calls. */
		if (e->dec[0] == ' ')
			t->clean[t->cleanlen++] = ' ';
		else
			for (k = 0; k < n; k++)
				t->clean[t->cleanlen++] = (char)p[i + k];
		for (i += n, k = 0; latin_mark(p + i, len - i); i += 2, k++) {
			if (k == LATIN_MARKS_MAX)
				return -1;
			t->clean[t->cleanlen++] = (char)p[i];
			t->clean[t->cleanlen++] = (char)p[i + 1];
		}
		if (k > 0) {
			if (latin_cluster(t, at) == -1)
				return -1;
			continue;
		}
		if (t->ncps + e->ndec > cap ||
		    t->normlen + e->nnorm >= sizeof(t->norm))
			return -1;
		for (k = 0; k < e->ndec; k++)
			t->cps[t->ncps++] = e->dec[k];
		if (e->dec[0] != ' ')
			for (k = 0; k < e->nnorm; k++)
				t->norm[t->normlen++] = e->norm[k];
		else if (t->normlen > 0 && t->norm[t->normlen - 1] != ' ')
			t->norm[t->normlen++] = ' ';
	}
	t->clean[t->cleanlen] = '\0';
	while (t->normlen > 0 && t->norm[t->normlen - 1] == ' ')
		t->normlen--;
	t->norm[t->normlen] = '\0';
	tokenise(t, t->cps, t->ncps);
	return 0;
}

/*
 * What maybe_residue() makes of each byte: RES_HIT for a digit from 1 to
 * 9 and w, RES_VOWEL for a vowel, RES_TONE for a tone letter (a hit after
 * a vowel).  RES_TONE is RES_VOWEL >> 1, which the loop relies on.
 */
#define RES_HIT		0x01
#define RES_TONE	0x02
#define RES_VOWEL	0x04

static const uint8_t	 res_class[256] = {
	['1'] = RES_HIT, ['2'] = RES_HIT, ['3'] = RES_HIT, ['4'] = RES_HIT,
	['5'] = RES_HIT, ['6'] = RES_HIT, ['7'] = RES_HIT, ['8'] = RES_HIT,
	['9'] = RES_HIT, ['w'] = RES_HIT,
	['a'] = RES_VOWEL, ['e'] = RES_VOWEL, ['i'] = RES_VOWEL,
	['o'] = RES_VOWEL, ['u'] = RES_VOWEL, ['y'] = RES_VOWEL,
	['f'] = RES_TONE, ['s'] = RES_TONE, ['r'] = RES_TONE,
	['x'] = RES_TONE, ['j'] = RES_TONE,
};

/*
 * Whether s[0..len) may use a feature decode_residue() looks for: a digit
 * from 1 to 9, a w, a doubled letter, or a tone letter after a vowel.
 * Most words have none, and this is much cheaper than decoding them.  It
 * has no branch but the loop's: which letter comes next is a coin toss
 * to the processor, and each wrong guess costs more than the tests.
 */
static int
maybe_residue(const char *s, size_t len)
{
	unsigned	hit = 0, tone = 0, k;
	char		prev = '\0';	/* no letter of a token */
	size_t		i;

	for (i = 0; i < len; i++) {
		k = res_class[(unsigned char)s[i]];
		hit |= (k & (RES_HIT | tone)) | (s[i] == prev);
		tone |= (k & RES_VOWEL) >> 1;	/* tones count from now */
		prev = s[i];
	}
	return hit != 0;
}

/* Repairs Telex and VNI residue in the tokens written in plain ASCII. */
static void
repair_tokens(struct text *t)
{
	struct unit	 u[SYL_UNITS_MAX], plain[SYL_UNITS_MAX];
	char		 fold[SYL_UNITS_MAX + 1], key[2 * SYL_UNITS_MAX + 2];
	char		 tone;
	size_t		 i, j, k, fl, kl;
	int		 n;

	for (i = 0; i < t->ntokens; i++) {
		struct text_token	*tok = &t->tokens[i];
		const char		*s = t->pool + tok->raw;

		if (tok->flags & (TEXT_TOK_MARKED | TEXT_TOK_NUMBER |
		    TEXT_TOK_UNIT) || tok->rlen < 2 ||
		    tok->rlen > SYL_UNITS_MAX || (unsigned char)s[0] >= 0x80 ||
		    ascii_digit((unsigned char)s[0]))
			continue;
		/* Most words use no Telex or VNI feature: cheap tests first. */
		if (!maybe_residue(s, tok->rlen) ||
		    (n = decode_residue(s, tok->rlen, u, &tone)) < 2)
			continue;
		/* A word that could be a syllable as written stays. */
		for (j = 0; j < tok->rlen; j++) {
			plain[j].base = s[j];
			plain[j].mod = 0;
		}
		if (syllable_valid(plain, tok->rlen, 0, 1) ||
		    !syllable_valid(u, (size_t)n, tone, 0))
			continue;
		for (j = fl = kl = 0; j < (size_t)n; j++) {
			fold[fl++] = u[j].base;
			key[kl++] = u[j].base;
			if (u[j].mod == '^' || u[j].mod == 'd')
				key[kl++] = u[j].base;
			else if (u[j].mod == 'w')
				key[kl++] = 'w';
		}
		if (tone)
			key[kl++] = tone;
		k = t->poollen;
		if (pool_put(t, fold, fl, &tok->fold) == -1 ||
		    pool_put(t, key, kl, &tok->key) == -1) {
			t->poollen = k;
			tok->fold = tok->raw;
			continue;
		}
		tok->flen = (uint16_t)fl;
		tok->klen = (uint16_t)kl;
		tok->flags |= TEXT_TOK_MARKED | TEXT_TOK_REPAIRED;
		t->flags |= TEXT_F_TELEX | TEXT_F_DIACRITICS;
	}
}

/*
 * Joins the folded tokens into t->fold, points the tokens at it and
 * notes each one's FNV-1a hash: the router and the features look every
 * word up by it, and the bytes are in hand here.
 */
static void
join_fold(struct text *t)
{
	size_t		i, k, cap = sizeof(t->fold) - 1;
	uint32_t	h;

	t->foldlen = 0;
	for (i = 0; i < t->ntokens; i++) {
		struct text_token *tok = &t->tokens[i];
		const char	  *s = t->pool + tok->fold;
		char		  *d;
		size_t		   at = t->foldlen + (i > 0);

		if (at + tok->flen > cap) {
			t->ntokens = i;
			t->flags |= TEXT_F_TRUNCATED;
			break;
		}
		if (i > 0)
			t->fold[t->foldlen++] = ' ';
		d = t->fold + at;
		for (k = 0, h = 2166136261u; k < tok->flen; k++) {
			d[k] = s[k];
			h = (h ^ (unsigned char)s[k]) * 16777619u;
		}
		tok->hash = h;
		tok->fold = (uint16_t)at;
		t->foldlen = at + tok->flen;
	}
	t->fold[t->foldlen] = '\0';
}

/* Whether s[0..n) is word (lower-case ASCII), in any case. */
static int
eq_nocase(const char *s, const char *word, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];
		unsigned char	w = (unsigned char)word[i];

		if (c != w && !(w >= 'a' && w <= 'z' && c == w - 32))
			return 0;
	}
	return 1;
}

/* Whether the clean text holds a web link. */
static int
has_link(const char *s, size_t n)
{
	static const char *const tlds[] = {
		"com", "vn", "net", "org", "info", "xyz", "top", "ly", "me",
		"cc", "io", "site", "online", "shop", "club", "link", NULL
	};
	const char	*p, *end = s + n;
	size_t		 i, j, k;

	/* Every kind of link below has a ':' or a '.': look from those. */
	for (p = s; (p = memchr(p, ':', (size_t)(end - p))) != NULL; p++) {
		/* "http:", "http :". */
		i = (size_t)(p - s);
		if ((i >= 4 && eq_nocase(p - 4, "http", 4)) ||
		    (i >= 5 && eq_nocase(p - 5, "http", 4)))
			return 1;
	}
	for (p = s; (p = memchr(p, '.', (size_t)(end - p))) != NULL; p++) {
		i = (size_t)(p - s);
		/* "www." and something after it. */
		if (i >= 3 && i + 1 < n && eq_nocase(p - 3, "www", 3))
			return 1;
		if (i < 1 || i + 2 >= n || !isalnum((unsigned char)s[i - 1]) ||
		    !isalpha((unsigned char)s[i + 1]))
			continue;
		for (j = 0; tlds[j] != NULL; j++) {
			k = strlen(tlds[j]);
			if (i + 1 + k <= n &&
			    eq_nocase(s + i + 1, tlds[j], k) &&
			    (i + 1 + k == n ||
			    !isalnum((unsigned char)s[i + 1 + k])))
				return 1;
		}
	}
	return 0;
}

/*
 * ===================================================================
 * Interface
 * ===================================================================
 */

/*
 * Normalises len bytes of s into t (which the caller owns; it is large,
 * so keep one per thread or allocate it).  s need not be NUL-terminated
 * nor valid UTF-8.  With TEXT_KEEP_RESIDUE in opts, ASCII tokens are not
 * read as Telex or VNI (the router uses it for its own phrases).  Never
 * fails: problems show up in t->flags.
 */
void
text_normalise(struct text *t, const char *s, size_t len, unsigned opts)
{
	size_t	i;

	t->flags = 0;
	t->ntokens = 0;
	t->poollen = 0;
	t->first_upper = 0;
	if (s == NULL)
		len = 0;
	if (is_ascii(s, len < TEXT_INPUT_MAX ? len : TEXT_INPUT_MAX))
		normalise_ascii(t, s, len);
	else if (normalise_latin(t, s, len) == -1) {
		clean_input(t, s, len);
		normalise_unicode(t);
	}
	if (!(opts & TEXT_KEEP_RESIDUE))
		repair_tokens(t);
	join_fold(t);
	if (has_link(t->clean, t->cleanlen))
		t->flags |= TEXT_F_LINK;
	/* Is the first word written in capitals (a short code)? */
	for (i = 0; i < t->cleanlen && t->clean[i] == ' '; i++)
		;
	if (i < t->cleanlen && isupper((unsigned char)t->clean[i])) {
		t->first_upper = 1;
		for (; i < t->cleanlen && isalnum((unsigned char)t->clean[i]);
		    i++)
			if (islower((unsigned char)t->clean[i]))
				t->first_upper = 0;
		if (i < t->cleanlen && (unsigned char)t->clean[i] >= 0x80)
			t->first_upper = 0;
	}
}

/*
 * Allocates a struct text for text_normalise().  Returns NULL when memory
 * is short; the caller frees it with free().
 */
struct text *
text_alloc(void)
{
	return calloc(1, sizeof(struct text));
}

/*
 * Whether s[0..len) is valid UTF-8 without NUL bytes (what a C string can
 * carry unchanged).  Returns 1 or 0.
 */
int
text_valid_utf8(const char *s, size_t len)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i = 0;

	while (i < len) {
		utf8proc_int32_t	cp;
		utf8proc_ssize_t	n;

		if (p[i] != 0 && p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp == 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/*
 * Returns a NUL-terminated copy of s[0..len) (whole, not capped) with
 * every invalid UTF-8 sequence and NUL byte replaced by U+FFFD.  The
 * caller frees it with free().
 */
char *
text_repair(const char *s, size_t len)
{
	const uint8_t	*p = (const uint8_t *)s;
	char		*out;
	size_t		 i = 0, o = 0;

	/* Each bad byte becomes 3 bytes at most. */
	out = xcalloc(len * 3 + 1, 1);
	while (i < len) {
		utf8proc_int32_t	cp;
		utf8proc_ssize_t	n;

		if (p[i] != 0 && p[i] < 0x80) {
			out[o++] = (char)p[i++];
			continue;
		}
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, p + i, (size_t)n);
		o += (size_t)n;
		i += (size_t)n;
	}
	out[o] = '\0';
	return out;
}

/*
 * Returns a copy of s[0..len) without diacritics, for replies that must
 * stay in the GSM-7 alphabet: every combining mark dropped (decomposed,
 * marks stripped, composed again: "Phường" is "Phuong"), đ/Đ and the
 * look-alikes ð/Ð, ɖ/Ɖ mapped to d/D, and typographic punctuation made
 * ASCII (single quotes, dashes, odd spaces: utf8proc's LUMP; the double
 * quotes and the ellipsis, which LUMP leaves, here).  Case
 * and everything else are kept; invalid UTF-8 is repaired first.  The
 * caller frees the result with free().
 */
char *
text_strip_marks(const char *s, size_t len)
{
	char			*in = text_repair(s, len);
	utf8proc_uint8_t	*out = NULL;
	utf8proc_ssize_t	 n;
	size_t			 i, o;

	n = utf8proc_map((const utf8proc_uint8_t *)in,
	    (utf8proc_ssize_t)strlen(in), &out, UTF8PROC_STABLE |
	    UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_LUMP);
	if (n < 0) {
		/* Only when memory is short: the text as it was. */
		return in;
	}
	free(in);
	for (i = o = 0; i < (size_t)n; o++) {
		unsigned char	c = out[i], d = c != 0 ? out[i + 1] : 0;

		if ((c == 0xC4 && d == 0x91) || (c == 0xC3 && d == 0xB0) ||
		    (c == 0xC9 && d == 0x96)) {
			out[o] = 'd';	/* đ ð ɖ */
			i += 2;
		} else if ((c == 0xC4 && d == 0x90) ||
		    (c == 0xC3 && d == 0x90) || (c == 0xC6 && d == 0x89)) {
			out[o] = 'D';	/* Đ Ð Ɖ */
			i += 2;
		} else if (c == 0xE2 && d == 0x80 && (out[i + 2] == 0x9C ||
		    out[i + 2] == 0x9D || out[i + 2] == 0x9E)) {
			out[o] = '"';	/* “ ” „: LUMP leaves them */
			i += 3;
		} else if (c == 0xE2 && d == 0x80 && out[i + 2] == 0xA6) {
			memcpy(out + o, "...", 3);	/* … */
			o += 2;
			i += 3;
		} else
			out[o] = out[i++];
	}
	out[o] = '\0';
	return (char *)out;
}

/*
 * ===================================================================
 * Display width, for papictl's tables
 * ===================================================================
 */

/*
 * The number of terminal columns that UTF-8 s takes (utf8proc's
 * charwidth: combining marks 0, wide characters 2), counting at most len
 * bytes.  Invalid bytes count one column each.
 */
size_t
text_width(const char *s, size_t len)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 cp;
	utf8proc_ssize_t	 n;
	size_t			 i = 0, w = 0;
	int			 cw;

	while (i < len && p[i] != '\0') {
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			w++;
			i++;
			continue;
		}
		cw = utf8proc_charwidth(cp);
		w += cw > 0 ? (size_t)cw : 0;
		i += (size_t)n;
	}
	return w;
}

/*
 * The number of bytes of UTF-8 s that fit in width columns, cut between
 * characters (a combining mark stays with its letter).  Returns at most
 * strlen(s); *used (when not NULL) gets the columns they take.
 */
size_t
text_cut(const char *s, size_t width, size_t *used)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 cp;
	utf8proc_ssize_t	 n;
	size_t			 i = 0, w = 0, len = strlen(s), cw;

	while (i < len) {
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			n = 1;
			cw = 1;
		} else
			cw = utf8proc_charwidth(cp) > 0 ?
			    (size_t)utf8proc_charwidth(cp) : 0;
		if (w + cw > width)
			break;
		w += cw;
		i += (size_t)n;
	}
	if (used != NULL)
		*used = w;
	return i;
}

/*
 * Joins the folded tokens of t, as written (no Telex repair), without
 * separators.  Returns the length it needed; buf holds as much as fits.
 */
size_t
text_join_raw(const struct text *t, char *buf, size_t bufsz)
{
	size_t	i, o = 0;

	for (i = 0; i < t->ntokens; i++) {
		const struct text_token *tok = &t->tokens[i];

		if (o + tok->rlen < bufsz)
			memcpy(buf + o, t->pool + tok->raw, tok->rlen);
		o += tok->rlen;
	}
	if (bufsz > 0)
		buf[o < bufsz ? o : bufsz - 1] = '\0';
	return o;
}

/*
 * Folds a special word as messages are folded for matching: lower case,
 * no diacritics (đ is d), no spaces or punctuation ("Tra cứu" is
 * "tracuu").  Returns the length it needed (0: no letter or digit); a
 * result of bufsz or more did not fit.
 */
size_t
text_fold_word(const char *s, char *buf, size_t bufsz)
{
	struct text	*t;
	size_t		 n;

	if (bufsz > 0)
		buf[0] = '\0';
	if ((t = text_alloc()) == NULL)
		return 0;
	text_normalise(t, s, strlen(s), TEXT_KEEP_RESIDUE);
	n = text_join_raw(t, buf, bufsz);
	free(t);
	return n;
}

/*
 * Whether the folded token s (n bytes, a-z: no diacritics, đ as d) could
 * be a Vietnamese syllable written without its marks ("duong", "trong";
 * not "trog", "tienf").  Returns 1 or 0.
 */
int
text_is_syllable(const char *s, size_t n)
{
	struct unit	u[SYL_UNITS_MAX];
	size_t		i;

	if (n == 0 || n > SYL_UNITS_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
		u[i].base = s[i];
		u[i].mod = 0;
	}
	return syllable_valid(u, n, 0, 1);
}

/*
 * Whether the normalised message t begins with one of words (folded
 * like special words, text_fold_word(): "Đặt lịch", "DAT LICH" and
 * "datlich" are one word), taking at most max tokens.  Returns how many
 * of its tokens the word takes, or 0 when it begins with none.
 */
size_t
text_leading_word(const struct text *t, char *const *words, size_t nwords,
    size_t max)
{
	char	joined[TEXT_TOKEN_MAX * 4], w[TEXT_TOKEN_MAX * 4];
	size_t	i, j, len = 0;

	for (i = 0; i < t->ntokens && i < max; i++) {
		const struct text_token *tok = &t->tokens[i];

		if (len + tok->flen >= sizeof(joined))
			break;
		memcpy(joined + len, t->fold + tok->fold, tok->flen);
		len += tok->flen;
		joined[len] = '\0';
		for (j = 0; j < nwords; j++)
			if (text_fold_word(words[j], w, sizeof(w)) > 0 &&
			    strcmp(w, joined) == 0)
				return i + 1;
	}
	return 0;
}
