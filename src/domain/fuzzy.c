/*
 * fuzzy.c: approximate matching of tokens against a dictionary
 * (fuzzy.h), after the symmetric deletion method: every dictionary word
 * is indexed under itself and under each string one deletion away; a
 * token is looked up the same way, and what it shares a key with is a
 * candidate, kept when its true distance (optimal string alignment: a
 * letter deleted, inserted, substituted, or two neighbours swapped) is 1.
 * A token probes len + 1 keys, each a binary search: well under a
 * microsecond for a word of a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/fuzzy.h"
#include "base/util.h"
#include "text/text.h"

#define FUZZY_SHORT_MIN	3	/* letters of a short token worth a try */

/* A key (the hash of a word or of one of its deletions) and its word. */
struct entry {
	uint32_t	 key;
	uint32_t	 word;		/* index in words */
};

struct word {
	char		 s[FUZZY_WORD_MAX];
	uint8_t		 len;
	uint32_t	 id;		/* the caller's id */
};

/* Where the entries of a key start: open addressing over the keys. */
struct start {
	uint32_t	 key;
	uint32_t	 first;		/* index in e + 1, 0: empty */
};

struct fuzzy {
	struct word	*words;
	size_t		 nwords, wordcap;
	struct entry	*e;
	size_t		 ne, ecap;
	struct start	*starts;
	size_t		 smask;
};

struct fuzzy *
fuzzy_new(void)
{
	return xcalloc(1, sizeof(struct fuzzy));
}

void
fuzzy_free(struct fuzzy *f)
{
	if (f == NULL)
		return;
	free(f->words);
	free(f->e);
	free(f->starts);
	free(f);
}

/* The number of keys indexed (for the router's memory figures). */
size_t
fuzzy_size(const struct fuzzy *f)
{
	return f->ne;
}

static int
all_letters(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return len > 0;
}

static void
entry_add(struct fuzzy *f, uint32_t key, uint32_t word)
{
	if (f->ne == f->ecap) {
		f->ecap = f->ecap ? f->ecap * 2 : 1024;
		f->e = xreallocarray(f->e, f->ecap, sizeof(*f->e));
	}
	f->e[f->ne].key = key;
	f->e[f->ne].word = word;
	f->ne++;
}

/* hash_fnv1a32() of s[0..n) continued from h. */
static inline uint32_t
fnv_from(uint32_t h, const char *s, size_t n)
{
	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/*
 * Hash of s without its byte at skip (skip == len: the whole of s):
 * hash_fnv1a32() of the bytes before it, continued over those after.
 */
static uint32_t
key_without(const char *s, size_t len, size_t skip)
{
	uint32_t	h = fnv_from(2166136261u, s, skip);

	return skip < len ? fnv_from(h, s + skip + 1, len - skip - 1) : h;
}

/*
 * Indexes word (folded, a-z only; anything else is not indexed) under the
 * caller's id.  Words shorter than FUZZY_MIN_LEN - 1 cannot be one edit
 * from a token worth correcting, except by an insertion into a short
 * token: they are indexed too, from FUZZY_SHORT_MIN + 1 letters.
 */
void
fuzzy_add(struct fuzzy *f, const char *word, size_t len, uint32_t id)
{
	struct word	*w;
	uint32_t	 wi;
	size_t		 i;

	if (len <= FUZZY_SHORT_MIN || len >= FUZZY_WORD_MAX ||
	    !all_letters(word, len))
		return;
	if (f->nwords == f->wordcap) {
		f->wordcap = f->wordcap ? f->wordcap * 2 : 256;
		f->words = xreallocarray(f->words, f->wordcap,
		    sizeof(*f->words));
	}
	wi = (uint32_t)f->nwords++;
	w = &f->words[wi];
	memcpy(w->s, word, len);
	w->len = (uint8_t)len;
	w->id = id;
	for (i = 0; i <= len; i++)
		entry_add(f, key_without(word, len, i), wi);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry	*x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->word < y->word ? -1 : x->word > y->word;
}

static size_t
start_slot(const struct fuzzy *f, uint32_t key)
{
	size_t	i = (key * 0x9e3779b1u) & f->smask;

	while (f->starts[i].first != 0 && f->starts[i].key != key)
		i = (i + 1) & f->smask;
	return i;
}

/*
 * Sorts the index and notes where each key's entries start, so that a
 * probe is one look in a table rather than a binary search; call it
 * once, after the last fuzzy_add().
 */
void
fuzzy_build(struct fuzzy *f)
{
	size_t	i, cap = 16, k;

	if (f->ne > 0)
		qsort(f->e, f->ne, sizeof(*f->e), entry_cmp);
	while (cap < f->ne * 2)
		cap *= 2;
	free(f->starts);
	f->starts = xcalloc(cap, sizeof(*f->starts));
	f->smask = cap - 1;
	for (i = 0; i < f->ne; i++) {
		if (i > 0 && f->e[i].key == f->e[i - 1].key)
			continue;
		k = start_slot(f, f->e[i].key);
		f->starts[k].key = f->e[i].key;
		f->starts[k].first = (uint32_t)i + 1;
	}
}

/*
 * Whether a and b are one edit apart: one deletion, insertion or
 * substitution, or two neighbours swapped.  Equal strings are not.
 */
static int
one_edit(const char *a, size_t la, const char *b, size_t lb)
{
	size_t	i = 0;

	if (la > lb + 1 || lb > la + 1)
		return 0;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb) {
		if (i == la)
			return 0;
		if (memcmp(a + i + 1, b + i + 1, la - i - 1) == 0)
			return 1;
		return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    memcmp(a + i + 2, b + i + 2, la - i - 2) == 0;
	}
	if (la > lb)
		return memcmp(a + i + 1, b + i, lb - i) == 0;
	return memcmp(a + i, b + i + 1, la - i) == 0;
}

/* Index of the first entry with key, or ne. */
static size_t
first_with(const struct fuzzy *f, uint32_t key)
{
	size_t	i = start_slot(f, key);

	return f->starts[i].first != 0 ? f->starts[i].first - 1 : f->ne;
}

/*
 * The caller's id of the one dictionary word that tok (folded) is taken
 * for, or FUZZY_NONE: tok is a syllable, too short, matches nothing or
 * more than one word equally.
 */
uint32_t
fuzzy_find(const struct fuzzy *f, const char *tok, size_t len)
{
	const struct word	*w;
	uint32_t		 found = FUZZY_NONE, key;
	size_t			 i, j;
	int			 shortish = len < FUZZY_MIN_LEN;

	if (f->ne == 0 || len < FUZZY_SHORT_MIN || len >= FUZZY_WORD_MAX ||
	    !all_letters(tok, len) || text_is_syllable(tok, len))
		return FUZZY_NONE;
	for (i = 0; i <= len; i++) {
		/* A short token: only the word with a letter it lacks. */
		if (shortish && i < len)
			continue;
		key = key_without(tok, len, i);
		for (j = first_with(f, key); j < f->ne && f->e[j].key == key;
		    j++) {
			w = &f->words[f->e[j].word];
			if (shortish && w->len != len + 1)
				continue;
			if (!one_edit(tok, len, w->s, w->len))
				continue;
			if (found != FUZZY_NONE && found != w->id)
				return FUZZY_NONE;	/* ambiguous */
			found = w->id;
		}
	}
	return found;
}
