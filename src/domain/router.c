/*
 * router.c: routing residents' messages to PAPI categories by keyword.
 *
 * router_compile() turns the configuration (the categories' keywords, the
 * router's phrase lists and shorthand) into a struct router: every phrase
 * is folded with text.c into a sequence of word ids, and all of them go
 * into one Aho-Corasick automaton over words, so that a message is matched
 * against the whole dictionary in one pass over its tokens.  Each phrase
 * keeps the diacritics key of its words: a match whose message words carry
 * diacritics that disagree with the phrase's is dropped, which tells sổ đỏ
 * from sơ đồ and khói from khỏi when the resident typed the marks.
 *
 * router_classify() normalises a message (text/text.c), expands shorthand
 * ("ko", "dc", "ubnd"; a unit after a number: "5tr" is 5 triệu), runs the
 * automaton and scores the categories: every distinct phrase adds its
 * weight to its category, a phrase inside a longer matched phrase does not
 * count, a category's short code as the first word is a hint worth one
 * phrase (ties go to the words), a demand for money ("đòi 5 triệu", "50tr
 * mới làm") counts for the restricted category, and any restricted
 * category that reaches the threshold takes the message whatever else it
 * is about (the rest become secondary).  Below the threshold the message
 * goes to the triage category.  Spam (scams, loans, links) and a lone
 * greeting or thanks are recognised and flagged so that the daemon files
 * them without acknowledging them as cases.
 *
 * A router is immutable after compilation and shared between threads by
 * reference counting; a slot (base/slot.h) holds the current one so that a
 * reload can swap it while classifications in flight keep the old one.
 * No I/O here.
 */
#include <endian.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/router.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/slot.h"
#include "base/util.h"
#include "domain/fuzzy.h"
#include "text/text.h"
#include "conf/config.h"

#define PHRASE_WORDS_MAX	8	/* words in one phrase */
#define SEQ_MAX			(TEXT_TOKENS_MAX * 2)	/* words of a message */
#define MATCHES_MAX		256	/* matches kept from one message */
#define WORD_NONE		UINT32_MAX

/* Weights, in units of one ordinary one-word phrase. */
#define WEIGHT_WORD_EXTRA	0.25	/* each word after the second */
#define WEIGHT_PHRASE_MAX	2.0
#define WEIGHT_HINT		1.0	/* a short code as first word */
#define WEIGHT_DEMAND		2.0	/* a demand for money */
#define WEIGHT_SPAM		1.0	/* each spam phrase, and a link */
#define WEIGHT_WEAK		0.5	/* a phrase of the weak list */
#define SPAM_MIN		2.0	/* spam score that makes spam */
#define DEMAND_WINDOW		4	/* words between demand and amount */
#define LONE_EXTRA_MAX		2	/* other words a lone greeting may have */

/* What a phrase is for. */
enum pclass {
	PC_CATEGORY,		/* a category's keyword */
	PC_MARKER,		/* the triage category's: "this is feedback" */
	PC_SPAM,
	PC_GREETING,
	PC_THANKS,
	PC_FILLER,
	PC_DEMAND,
	PC_DEMAND_AFTER,
	PC_NOT_DEMAND,
	PC_MONEY,
	PC_NUMERAL,
	PC_WEAK,		/* lowers the weight of the same phrases */
	PC_MAX
};

/* The router lists and the class of their phrases. */
static const enum pclass list_class[RLIST_MAX] = {
	[RLIST_SPAM] = PC_SPAM,
	[RLIST_GREETING] = PC_GREETING,
	[RLIST_THANKS] = PC_THANKS,
	[RLIST_FILLER] = PC_FILLER,
	[RLIST_DEMAND] = PC_DEMAND,
	[RLIST_DEMAND_AFTER] = PC_DEMAND_AFTER,
	[RLIST_NOT_DEMAND] = PC_NOT_DEMAND,
	[RLIST_MONEY] = PC_MONEY,
	[RLIST_WEAK] = PC_WEAK
};

/*
 * Numerals in words, for amounts such as "năm triệu", "mấy chục triệu":
 * the grammar of numbers, not a dictionary to tune.
 */
static const char *const numerals[] = {
	"một", "hai", "ba", "bốn", "năm", "lăm", "sáu", "bảy", "tám", "chín",
	"mười", "chục", "trăm", "vài", "mấy", "nửa", "dăm", "cả", NULL
};

/*
 * A unit right after a number: "5tr", "200k", "9h".  The shorthand table
 * of the configuration does not see these; they are read in context.
 */
static const struct {
	const char	*unit;
	const char	*expansion;
} after_number[] = {
	{ "k", "nghìn" }, { "tr", "triệu" }, { "ty", "tỷ" }, { "cu", "củ" },
	{ "d", "đồng" }, { "h", "giờ" }, { "ngan", "nghìn" }, { "xi", "xị" },
	{ NULL, NULL }
};

struct word {
	char		*s;		/* folded */
	uint32_t	 len;
	uint32_t	 hash;
};

struct phrase {
	char		*text;		/* as configured */
	uint32_t	 words[PHRASE_WORDS_MAX];
	char		*keys[PHRASE_WORDS_MAX]; /* NULL: no diacritics */
	uint8_t		 nwords;
	uint8_t		 cls;		/* enum pclass */
	int16_t		 cat;		/* category index, -1 */
	int16_t		 sub;
	float		 weight;
	int32_t		 next;		/* next phrase with the same words */
};

/* An expansion: shorthand or a unit after a number. */
struct expansion {
	uint32_t	 token;		/* the word it replaces */
	uint32_t	 words[PHRASE_WORDS_MAX];
	uint8_t		 nwords;
};

struct category_info {
	char		 id[CONF_ID_MAX];
	char		 code[8];	/* folded (lower case) */
	char		 codetext[8];	/* as configured */
	int		 restricted;
	char		**subs;		/* sub-category ids */
	size_t		 nsubs;
};

/* A goto edge: key and child together, one cache line for a probe. */
struct edge {
	uint64_t	 key;		/* node << 32 | word, plus 1; 0: empty */
	int32_t		 child;
};

struct node {
	int32_t		 fail;
	int32_t		 out;		/* first phrase ending here, or -1 */
	int32_t		 dict;		/* nearest suffix node with out, -1 */
	int32_t		 depth;
};

struct router {
	atomic_int	 refs;
	double		 threshold;
	int		 triage;
	int		 restricted;	/* first restricted category, or -1 */

	struct category_info *cats;
	size_t		 ncats;

	/*
	 * Words: open addressing over their hashes and ids, so that a probe
	 * reads one array; their bytes in one block once compiled.
	 */
	struct word	*words;
	size_t		 nwords, wordcap;
	uint64_t	*wslots;	/* hash << 32 | id + 1, 0: empty */
	size_t		 wmask;
	char		*wtext;		/* the words, NUL-terminated */

	struct phrase	*phrases;
	size_t		 nphrases, phrasecap;

	/* Automaton: nodes and goto edges in a hash table. */
	struct node	*nodes;
	size_t		 nnodes, nodecap;
	struct edge	*edges;
	size_t		 emask, nedges;
	uint64_t	*efilter;	/* a bit per edge: edge_bit() */
	size_t		 fmask;

	/* Shorthand and units after numbers, indexed by word id. */
	struct expansion *shorthand;
	size_t		 nshorthand;
	struct expansion *units;
	size_t		 nunits;
	int32_t		*short_of;	/* word id -> shorthand index, -1 */
	int32_t		*unit_of;	/* word id -> unit index, -1 */
	int32_t		*root_of;	/* word id -> child of the root, -1 */

	/* Words one edit away from a message's typos (fuzzy.c). */
	struct fuzzy	*fuzzy;
};

/*
 * ===================================================================
 * Compilation
 * ===================================================================
 */

/*
 * Whether the words of r (packed, with 8 bytes after the last) and s,
 * which has 8 bytes readable, hold the same n <= 8 bytes: one compare of
 * two 8-byte loads, masked, rather than a loop whose end a processor
 * cannot guess.
 */
static int
same_short(const char *a, const char *s, size_t n)
{
	uint64_t	x, y, mask = n < 8 ? ((uint64_t)1 << (8 * n)) - 1 :
			    ~(uint64_t)0;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, s, sizeof(y));
	return ((le64toh(x) ^ le64toh(y)) & mask) == 0;
}

/*
 * The id of word s[0..n), of hash_fnv1a32() h, or WORD_NONE.  Every word
 * of every message comes here, with the hash text_normalise() found for
 * it; wide says that 8 bytes can be read at s, which the words' block
 * allows too once compiled (pack_words()).
 */
static uint32_t
word_lookup_hash(const struct router *r, const char *s, size_t n,
    uint32_t h, int wide)
{
	uint32_t	id;
	size_t		i, k;
	uint64_t	e;

	wide = wide && r->wtext != NULL && n <= 8;
	for (i = h & r->wmask; (e = r->wslots[i]) != 0;
	    i = (i + 1) & r->wmask) {
		const struct word *w;

		if ((uint32_t)(e >> 32) != h)
			continue;
		id = (uint32_t)e - 1;
		w = &r->words[id];
		if (w->len != n)
			continue;
		if (wide) {
			if (same_short(w->s, s, n))
				return id;
			continue;
		}
		for (k = 0; k < n && w->s[k] == s[k]; k++)
			;
		if (k == n)
			return id;
	}
	return WORD_NONE;
}

/* The id of word s[0..n), or WORD_NONE. */
static uint32_t
word_lookup(const struct router *r, const char *s, size_t n)
{
	return word_lookup_hash(r, s, n, hash_fnv1a32(s, n), 0);
}

static void
word_rehash(struct router *r, size_t cap)
{
	size_t	i, j;

	free(r->wslots);
	r->wslots = xcalloc(cap, sizeof(*r->wslots));
	r->wmask = cap - 1;
	for (i = 0; i < r->nwords; i++) {
		j = r->words[i].hash & r->wmask;
		while (r->wslots[j] != 0)
			j = (j + 1) & r->wmask;
		r->wslots[j] = (uint64_t)r->words[i].hash << 32 | (i + 1);
	}
}

/* Returns the id of word s[0..n), adding it when new. */
static uint32_t
word_intern(struct router *r, const char *s, size_t n)
{
	uint32_t	 id;
	struct word	*w;

	if ((id = word_lookup(r, s, n)) != WORD_NONE)
		return id;
	if (r->nwords == r->wordcap) {
		r->wordcap = r->wordcap ? r->wordcap * 2 : 256;
		r->words = xreallocarray(r->words, r->wordcap,
		    sizeof(*r->words));
	}
	w = &r->words[r->nwords++];
	w->s = xcalloc(1, n + 1);
	memcpy(w->s, s, n);
	w->len = (uint32_t)n;
	w->hash = hash_fnv1a32(s, n);
	if (r->nwords * 2 > r->wmask + 1)
		word_rehash(r, (r->wmask + 1) * 2);
	else {
		size_t	j = w->hash & r->wmask;

		while (r->wslots[j] != 0)
			j = (j + 1) & r->wmask;
		r->wslots[j] = (uint64_t)w->hash << 32 | r->nwords;
	}
	return (uint32_t)r->nwords - 1;
}

/*
 * The bit of an edge's key k in r->efilter, sixteen bits for each slot
 * of the edges and found from other bits of k than the slot: most
 * look-ups are for an edge that does not exist (the next word does not
 * go on with the phrase), and a clear bit says so without probing the
 * table, whose slots are as often full as not.
 */
static size_t
edge_bit(const struct router *r, uint64_t k)
{
	return (size_t)((k * 0xc2b2ae3d27d4eb4full) >> 32) & r->fmask;
}

static int32_t
edge_get(const struct router *r, int32_t node, uint32_t word)
{
	uint64_t	k = ((uint64_t)(uint32_t)node << 32 | word) + 1;
	size_t		i = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 20) &
			    r->emask, b = edge_bit(r, k);

	if (!(r->efilter[b / 64] >> (b % 64) & 1))
		return -1;
	while (r->edges[i].key != 0) {
		if (r->edges[i].key == k)
			return r->edges[i].child;
		i = (i + 1) & r->emask;
	}
	return -1;
}

static void
edge_put(struct router *r, int32_t node, uint32_t word, int32_t child)
{
	uint64_t	k = ((uint64_t)(uint32_t)node << 32 | word) + 1;
	size_t		i = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 20) &
			    r->emask, b = edge_bit(r, k);

	while (r->edges[i].key != 0)
		i = (i + 1) & r->emask;
	r->edges[i].key = k;
	r->edges[i].child = child;
	r->efilter[b / 64] |= (uint64_t)1 << (b % 64);
	r->nedges++;
}

static void
edge_grow(struct router *r)
{
	struct edge	*old = r->edges;
	size_t		 i, ocap = r->edges ? r->emask + 1 : 0;
	size_t		 cap = ocap ? ocap * 2 : 1024;

	r->edges = xcalloc(cap, sizeof(*r->edges));
	r->emask = cap - 1;
	free(r->efilter);
	r->efilter = xcalloc(cap * 16 / 64, sizeof(*r->efilter));
	r->fmask = cap * 16 - 1;
	r->nedges = 0;
	for (i = 0; i < ocap; i++)
		if (old[i].key != 0)
			edge_put(r, (int32_t)((old[i].key - 1) >> 32),
			    (uint32_t)(old[i].key - 1), old[i].child);
	free(old);
}

static int32_t
node_new(struct router *r, int32_t depth)
{
	struct node	*n;

	if (r->nnodes == r->nodecap) {
		r->nodecap = r->nodecap ? r->nodecap * 2 : 1024;
		r->nodes = xreallocarray(r->nodes, r->nodecap,
		    sizeof(*r->nodes));
	}
	n = &r->nodes[r->nnodes];
	n->fail = 0;
	n->out = n->dict = -1;
	n->depth = depth;
	return (int32_t)r->nnodes++;
}

/*
 * Folds phrase s into word ids and keys (the keys only when the phrase
 * carries diacritics).  Returns the number of words, 0 for a phrase with
 * no words, -1 for one with too many.
 */
static int
fold_phrase(struct router *r, struct text *t, const char *s,
    uint32_t *words, char **keys)
{
	size_t	i;
	int	marked;

	text_normalise(t, s, strlen(s), TEXT_KEEP_RESIDUE);
	if (t->ntokens > PHRASE_WORDS_MAX)
		return -1;
	marked = (t->flags & TEXT_F_DIACRITICS) != 0;
	for (i = 0; i < t->ntokens; i++) {
		const struct text_token *tok = &t->tokens[i];

		words[i] = word_intern(r, t->fold + tok->fold, tok->flen);
		if (keys == NULL)
			continue;
		keys[i] = NULL;
		if (marked) {
			keys[i] = xcalloc(1, (size_t)tok->klen + 1);
			memcpy(keys[i], t->pool + tok->key, tok->klen);
		}
	}
	return (int)t->ntokens;
}

/* Adds one phrase to the dictionary and the automaton. */
static int
add_phrase(struct router *r, struct text *t, const char *s, enum pclass cls,
    int cat, int sub, char *err, size_t errsz)
{
	struct phrase	*p;
	int32_t		 node = 0, child;
	int		 n, i;

	if (r->nphrases == r->phrasecap) {
		r->phrasecap = r->phrasecap ? r->phrasecap * 2 : 512;
		r->phrases = xreallocarray(r->phrases, r->phrasecap,
		    sizeof(*r->phrases));
	}
	p = &r->phrases[r->nphrases];
	memset(p, 0, sizeof(*p));
	if ((n = fold_phrase(r, t, s, p->words, p->keys)) <= 0) {
		if (n == 0)
			snprintf(err, errsz, _("router: phrase \"%s\" has no "
			    "words"), s);
		else
			snprintf(err, errsz, _("router: phrase \"%s\" has too "
			    "many words"), s);
		for (i = 0; i < PHRASE_WORDS_MAX; i++)
			free(p->keys[i]);
		return -1;
	}
	p->text = xstrdup(s);
	p->nwords = (uint8_t)n;
	p->cls = (uint8_t)cls;
	p->cat = (int16_t)cat;
	p->sub = (int16_t)sub;
	/*
	 * Most Vietnamese words have two syllables: only longer phrases
	 * are more specific than a plain word.
	 */
	p->weight = (float)fmin(1.0 + WEIGHT_WORD_EXTRA * (n > 2 ? n - 2 : 0),
	    WEIGHT_PHRASE_MAX);
	for (i = 0; i < n; i++) {
		if ((child = edge_get(r, node, p->words[i])) == -1) {
			child = node_new(r, i + 1);
			if ((r->nedges + 1) * 2 > r->emask + 1)
				edge_grow(r);
			edge_put(r, node, p->words[i], child);
		}
		node = child;
	}
	p->next = r->nodes[node].out;
	r->nodes[node].out = (int32_t)r->nphrases++;
	return 0;
}

/* Sets the failure and dictionary links, nodes taken by depth. */
static void
link_automaton(struct router *r)
{
	int32_t		*order, *count;
	size_t		 i, e, maxd = 0;

	for (i = 0; i < r->nnodes; i++)
		if ((size_t)r->nodes[i].depth > maxd)
			maxd = (size_t)r->nodes[i].depth;
	count = xcalloc(maxd + 2, sizeof(*count));
	order = xcalloc(r->nedges + 1, sizeof(*order));
	/* Counting sort of the edge slots by the depth of their child. */
	for (e = 0; e <= r->emask; e++)
		if (r->edges[e].key != 0)
			count[r->nodes[r->edges[e].child].depth + 1]++;
	for (i = 1; i <= maxd + 1; i++)
		count[i] += count[i - 1];
	for (e = 0; e <= r->emask; e++)
		if (r->edges[e].key != 0)
			order[count[r->nodes[r->edges[e].child].depth]++] =
			    (int32_t)e;
	for (i = 0; i < r->nedges; i++) {
		const struct edge *ed = &r->edges[order[i]];
		int32_t		 parent = (int32_t)((ed->key - 1) >> 32);
		uint32_t	 w = (uint32_t)(ed->key - 1);
		int32_t		 child = ed->child, f, c = -1;
		struct node	*n = &r->nodes[child];

		if (parent == 0)
			n->fail = 0;
		else {
			for (f = r->nodes[parent].fail; ; f = r->nodes[f].fail) {
				if ((c = edge_get(r, f, w)) != -1 || f == 0)
					break;
			}
			n->fail = (c != -1 && c != child) ? c : 0;
		}
		n->dict = r->nodes[n->fail].out != -1 ? n->fail :
		    r->nodes[n->fail].dict;
	}
	free(order);
	free(count);
}

/* Compiles one expansion table entry; returns -1 on a bad one. */
static int
add_expansion(struct router *r, struct text *t, struct expansion *x,
    const char *token, const char *expansion)
{
	int	n;

	text_normalise(t, token, strlen(token), TEXT_KEEP_RESIDUE);
	if (t->ntokens != 1)
		return -1;
	x->token = word_intern(r, t->fold + t->tokens[0].fold,
	    t->tokens[0].flen);
	if ((n = fold_phrase(r, t, expansion, x->words, NULL)) <= 0)
		return -1;
	x->nwords = (uint8_t)n;
	return 0;
}

static void
index_expansions(struct router *r)
{
	size_t	i;

	r->short_of = xcalloc(r->nwords, sizeof(*r->short_of));
	r->unit_of = xcalloc(r->nwords, sizeof(*r->unit_of));
	for (i = 0; i < r->nwords; i++)
		r->short_of[i] = r->unit_of[i] = -1;
	for (i = 0; i < r->nshorthand; i++)
		r->short_of[r->shorthand[i].token] = (int32_t)i;
	for (i = 0; i < r->nunits; i++)
		r->unit_of[r->units[i].token] = (int32_t)i;
	/* Most words of a message start from the root: one array read. */
	r->root_of = xcalloc(r->nwords, sizeof(*r->root_of));
	for (i = 0; i < r->nwords; i++)
		r->root_of[i] = edge_get(r, 0, (uint32_t)i);
}

static void
router_free(struct router *r)
{
	size_t	i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->ncats; i++) {
		for (j = 0; j < r->cats[i].nsubs; j++)
			free(r->cats[i].subs[j]);
		free(r->cats[i].subs);
	}
	free(r->cats);
	if (r->wtext != NULL)
		free(r->wtext);
	else
		for (i = 0; i < r->nwords; i++)
			free(r->words[i].s);
	free(r->words);
	free(r->wslots);
	for (i = 0; i < r->nphrases; i++) {
		free(r->phrases[i].text);
		for (j = 0; j < PHRASE_WORDS_MAX; j++)
			free(r->phrases[i].keys[j]);
	}
	free(r->phrases);
	free(r->nodes);
	free(r->edges);
	free(r->efilter);
	free(r->shorthand);
	free(r->units);
	free(r->short_of);
	free(r->unit_of);
	free(r->root_of);
	fuzzy_free(r->fuzzy);
	free(r);
}

static int
compile_categories(struct router *r, struct text *t,
    const struct config *conf, char *err, size_t errsz)
{
	size_t	i, j, k;

	r->ncats = conf->ncategories;
	r->cats = xcalloc(r->ncats, sizeof(*r->cats));
	for (i = 0; i < conf->ncategories; i++) {
		const struct category	*c = &conf->categories[i];
		struct category_info	*ci = &r->cats[i];

		copy_str(ci->id, sizeof(ci->id), c->id);
		copy_str(ci->codetext, sizeof(ci->codetext), c->code);
		for (k = 0; k < sizeof(ci->code) - 1 && c->code[k]; k++)
			ci->code[k] = (char)((c->code[k] >= 'A' &&
			    c->code[k] <= 'Z') ? c->code[k] + 32 : c->code[k]);
		ci->restricted = c->restricted;
		if (c->restricted && r->restricted == -1)
			r->restricted = (int)i;
		ci->nsubs = c->nsubs;
		ci->subs = xcalloc(c->nsubs + 1, sizeof(*ci->subs));
		for (j = 0; j < c->nsubs; j++) {
			ci->subs[j] = xstrdup(c->subs[j].id);
			for (k = 0; k < c->subs[j].nkeywords; k++)
				if (add_phrase(r, t, c->subs[j].keywords[k],
				    (int)i == r->triage ? PC_MARKER :
				    PC_CATEGORY, (int)i, (int)j, err,
				    errsz) == -1)
					return -1;
		}
	}
	return 0;
}

static int
compile_lists(struct router *r, struct text *t, const struct config *conf,
    char *err, size_t errsz)
{
	size_t	i, k;

	for (i = 0; i < RLIST_MAX; i++)
		for (k = 0; k < conf->router_nlists[i]; k++)
			if (add_phrase(r, t, conf->router_lists[i][k],
			    list_class[i], -1, -1, err, errsz) == -1)
				return -1;
	for (i = 0; numerals[i] != NULL; i++)
		if (add_phrase(r, t, numerals[i], PC_NUMERAL, -1, -1, err,
		    errsz) == -1)
			return -1;
	r->shorthand = xcalloc(conf->nshorthand + 1, sizeof(*r->shorthand));
	for (i = 0; i < conf->nshorthand; i++) {
		if (add_expansion(r, t, &r->shorthand[r->nshorthand],
		    conf->shorthand[i].token,
		    conf->shorthand[i].expansion) == -1) {
			snprintf(err, errsz, _("router: shorthand (\"%s\", "
			    "\"%s\"): the token must be one word and the "
			    "expansion 1 to %d words"), conf->shorthand[i].token,
			    conf->shorthand[i].expansion, PHRASE_WORDS_MAX);
			return -1;
		}
		r->nshorthand++;
	}
	for (i = 0; after_number[i].unit != NULL; i++)
		;
	r->units = xcalloc(i, sizeof(*r->units));
	for (i = 0; after_number[i].unit != NULL; i++)
		if (add_expansion(r, t, &r->units[r->nunits],
		    after_number[i].unit, after_number[i].expansion) == 0)
			r->nunits++;
	return 0;
}

/*
 * A category phrase that is also in the weak list ("thủ tục", "hồ sơ":
 * words every category's messages use) weighs WEIGHT_WEAK.  Phrases with
 * the same words share an automaton node, so the node's list has them.
 */
static void
apply_weak(struct router *r)
{
	size_t	i;
	int32_t	node, pi, w;

	for (i = 0; i < r->nphrases; i++) {
		const struct phrase *wp = &r->phrases[i];
		size_t		 k;

		if (wp->cls != PC_WEAK)
			continue;
		for (node = 0, k = 0; k < wp->nwords && node != -1; k++)
			node = edge_get(r, node, wp->words[k]);
		if (node == -1)
			continue;
		for (pi = r->nodes[node].out; pi != -1; pi = w) {
			w = r->phrases[pi].next;
			if (r->phrases[pi].cls == PC_CATEGORY)
				r->phrases[pi].weight = (float)WEIGHT_WEAK;
		}
	}
}

/*
 * Moves the words' bytes into one block, where a look-up finds them, with
 * 8 bytes after the last for same_short().
 */
static void
pack_words(struct router *r)
{
	size_t	i, n = 8;
	char	*p;

	for (i = 0; i < r->nwords; i++)
		n += r->words[i].len + 1;
	r->wtext = p = xcalloc(n, 1);
	for (i = 0; i < r->nwords; i++) {
		memcpy(p, r->words[i].s, r->words[i].len);
		free(r->words[i].s);
		r->words[i].s = p;
		p += r->words[i].len + 1;
	}
}

/*
 * Compiles the router of configuration conf.  Returns a router holding
 * one reference (release it with router_unref()), or NULL with the reason
 * in err.  The router keeps its own copies: conf may be freed afterwards.
 */
struct router *
router_compile(const struct config *conf, char *err, size_t errsz)
{
	struct router	*r = NULL;
	struct text	*t = NULL;
	size_t		 i;

	if (errsz > 0)
		err[0] = '\0';
	if (conf->ncategories == 0) {
		snprintf(err, errsz, "%s", _("router: no categories"));
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	atomic_init(&r->refs, 1);
	r->threshold = conf->router_threshold;
	r->triage = r->restricted = -1;
	for (i = 0; i < conf->ncategories; i++)
		if (strcmp(conf->categories[i].id, conf->router_triage) == 0)
			r->triage = (int)i;
	if (r->triage == -1) {
		snprintf(err, errsz, _("router: no triage category '%s'"),
		    conf->router_triage);
		goto fail;
	}
	if ((t = text_alloc()) == NULL) {
		snprintf(err, errsz, "router: out of memory");
		goto fail;
	}
	word_rehash(r, 1024);
	edge_grow(r);
	node_new(r, 0);
	if (compile_categories(r, t, conf, err, errsz) == -1 ||
	    compile_lists(r, t, conf, err, errsz) == -1)
		goto fail;
	apply_weak(r);
	link_automaton(r);
	index_expansions(r);
	pack_words(r);
	r->fuzzy = fuzzy_new();
	for (i = 0; i < r->nwords; i++)
		fuzzy_add(r->fuzzy, r->words[i].s, r->words[i].len,
		    (uint32_t)i);
	fuzzy_build(r->fuzzy);
	free(t);
	return r;
fail:
	free(t);
	router_free(r);
	return NULL;
}

/* Takes one more reference to r; returns r. */
struct router *
router_ref(struct router *r)
{
	atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
	return r;
}

/* Drops a reference; the last one frees the router.  NULL is ignored. */
void
router_unref(struct router *r)
{
	if (r != NULL && atomic_fetch_sub_explicit(&r->refs, 1,
	    memory_order_acq_rel) == 1)
		router_free(r);
}

/* The number of categories, as configured. */
size_t
router_ncategories(const struct router *r)
{
	return r->ncats;
}

/* The id of category i (owned by the router), or NULL. */
const char *
router_category_id(const struct router *r, size_t i)
{
	return i < r->ncats ? r->cats[i].id : NULL;
}

/* The id of sub-category sub of category cat, or "" when there is none. */
const char *
router_sub_id(const struct router *r, int cat, int sub)
{
	if (cat < 0 || (size_t)cat >= r->ncats || sub < 0 ||
	    (size_t)sub >= r->cats[cat].nsubs)
		return "";
	return r->cats[cat].subs[sub];
}

/* The index of the category called id, or -1. */
int
router_category_index(const struct router *r, const char *id)
{
	size_t	i;

	for (i = 0; i < r->ncats; i++)
		if (strcmp(r->cats[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* The index of the triage category. */
int
router_triage(const struct router *r)
{
	return r->triage;
}

/* The number of phrases compiled, all lists together. */
size_t
router_nphrases(const struct router *r)
{
	return r->nphrases;
}

/*
 * ===================================================================
 * Classification
 * ===================================================================
 */

/* A word of the message after shorthand expansion. */
struct item {
	uint32_t	 word;		/* WORD_NONE: not in the dictionary */
	uint16_t	 tok;		/* the token it comes from */
	uint8_t		 number;
	uint8_t		 expanded;
	uint8_t		 approx;	/* a typo read as word (fuzzy.c) */
	const char	*key;		/* diacritics, or NULL: unknown */
	uint16_t	 klen;
};

struct match {
	int32_t		 phrase;
	uint16_t	 start, end;	/* items [start, end] */
	uint8_t		 dropped;
};

struct state {
	const struct router *r;
	const struct text *t;
	struct item	 items[SEQ_MAX];
	size_t		 nitems;
	struct match	 m[MATCHES_MAX];
	size_t		 nm;
	double		 score[CONF_CATEGORIES_MAX];
	double		 content[CONF_CATEGORIES_MAX]; /* without the hint */
	int		 first[CONF_CATEGORIES_MAX];	/* first item matched */
	int		 ncls[PC_MAX];			/* matches per class */
	int		 approx;	/* a match read a typo (fuzzy.c) */
};

static struct item *
push_item(struct state *st, uint32_t word, size_t tok, int number,
    int expanded, const char *key, size_t klen)
{
	struct item	*it;

	if (st->nitems == SEQ_MAX)
		return NULL;
	it = &st->items[st->nitems++];
	it->word = word;
	it->tok = (uint16_t)tok;
	it->number = (uint8_t)number;
	it->expanded = (uint8_t)expanded;
	it->approx = 0;
	it->key = key;
	it->klen = (uint16_t)klen;
	return it;
}

static void
push_expansion(struct state *st, const struct expansion *x, size_t tok)
{
	size_t	i;

	for (i = 0; i < x->nwords; i++)
		push_item(st, x->words[i], tok, 0, 1, NULL, 0);
}

/* Turns the tokens into dictionary words, expanding shorthand. */
static void
build_items(struct state *st)
{
	const struct router	*r = st->r;
	const struct text	*t = st->t;
	struct item		*it;
	size_t			 i;

	st->nitems = 0;
	for (i = 0; i < t->ntokens; i++) {
		const struct text_token *tok = &t->tokens[i];
		const char	*key = t->pool + tok->key;
		size_t		 klen = tok->klen;
		uint32_t	 w, raw = WORD_NONE;
		int		 marked = (tok->flags & TEXT_TOK_MARKED) != 0;
		int		 approx = 0;

		if (tok->flags & TEXT_TOK_REPAIRED) {
			/* A known word as written beats the repair. */
			raw = word_lookup(r, t->pool + tok->raw, tok->rlen);
			if (raw != WORD_NONE) {
				marked = 0;
				w = raw;
				goto plain;
			}
		}
		w = word_lookup_hash(r, t->fold + tok->fold, tok->flen,
		    tok->hash, tok->fold + 8u <= sizeof(t->fold));
		if (w == WORD_NONE && !(tok->flags & TEXT_TOK_NUMBER) &&
		    (w = fuzzy_find(r->fuzzy, t->fold + tok->fold,
		    tok->flen)) != WORD_NONE) {
			/* A typo: its diacritics say nothing of the word. */
			approx = 1;
			marked = 0;
		}
		if (!marked && w != WORD_NONE) {
			if (i > 0 && (t->tokens[i - 1].flags &
			    TEXT_TOK_NUMBER) && r->unit_of[w] != -1) {
				push_expansion(st, &r->units[r->unit_of[w]],
				    i);
				continue;
			}
			if (r->short_of[w] != -1) {
				push_expansion(st,
				    &r->shorthand[r->short_of[w]], i);
				continue;
			}
		}
plain:
		it = push_item(st, w, i, (tok->flags & TEXT_TOK_NUMBER) != 0,
		    0, marked ? key : NULL, marked ? klen : 0);
		if (it != NULL)
			it->approx = (uint8_t)approx;
	}
}

/* Whether the diacritics of the message agree with phrase p at start. */
static int
diacritics_agree(const struct state *st, const struct phrase *p,
    size_t start)
{
	size_t	i;

	for (i = 0; i < p->nwords; i++) {
		const struct item *it = &st->items[start + i];

		if (p->keys[i] == NULL || it->key == NULL)
			continue;
		if (strlen(p->keys[i]) != it->klen ||
		    memcmp(p->keys[i], it->key, it->klen) != 0)
			return 0;
	}
	return 1;
}

static void
record(struct state *st, int32_t pi, size_t end)
{
	const struct phrase *p = &st->r->phrases[pi];
	size_t		 start = end + 1 - p->nwords, i;
	struct match	*m;

	if (st->nm == MATCHES_MAX || !diacritics_agree(st, p, start))
		return;
	m = &st->m[st->nm++];
	m->phrase = pi;
	m->start = (uint16_t)start;
	m->end = (uint16_t)end;
	m->dropped = 0;
	for (i = start; i <= end; i++)
		if (st->items[i].approx)
			st->approx = 1;
}

/* Runs the automaton over the items, recording every match. */
static void
run_automaton(struct state *st)
{
	const struct router	*r = st->r;
	int32_t			 s = 0, c, n, pi;
	size_t			 i;

	st->nm = 0;
	for (i = 0; i < st->nitems; i++) {
		uint32_t w = st->items[i].word;

		if (w == WORD_NONE) {
			s = 0;
			continue;
		}
		while (s != 0 && (c = edge_get(r, s, w)) == -1)
			s = r->nodes[s].fail;
		if (s == 0)
			c = r->root_of[w];
		s = c == -1 ? 0 : c;
		for (n = r->nodes[s].out != -1 ? s : r->nodes[s].dict;
		    n > 0; n = r->nodes[n].dict)
			for (pi = r->nodes[n].out; pi != -1;
			    pi = r->phrases[pi].next)
				record(st, pi, i);
	}
}

static int
is_topic(const struct phrase *p)
{
	return p->cls == PC_CATEGORY || p->cls == PC_MARKER;
}

/*
 * Drops a topic match that lies inside a longer topic match ("tố cáo" in
 * "tố cáo tham nhũng"), and repeats of a phrase already counted.
 */
static void
drop_contained(struct state *st)
{
	const struct phrase *ph = st->r->phrases;
	size_t		 i, j;

	for (i = 0; i < st->nm; i++) {
		struct match *a = &st->m[i];

		if (!is_topic(&ph[a->phrase]))
			continue;
		for (j = 0; j < st->nm && !a->dropped; j++) {
			const struct match *b = &st->m[j];

			if (j == i || !is_topic(&ph[b->phrase]))
				continue;
			if (b->start <= a->start && b->end >= a->end &&
			    b->end - b->start > a->end - a->start)
				a->dropped = 1;
			else if (b->phrase == a->phrase && j < i)
				a->dropped = 1;
		}
	}
}

/* Whether item i starts a money amount: "5 triệu", "vài chục triệu". */
static int
amount_at(const struct state *st, size_t i, const uint8_t *money,
    const uint8_t *numeral)
{
	const struct item *it;

	if (i >= st->nitems)
		return 0;
	it = &st->items[i];
	if (it->number || numeral[i]) {
		size_t j;

		/* "2 trăm", "5 chục triệu", "vài trăm nghìn". */
		for (j = i + 1; j < st->nitems && j < i + 4; j++) {
			if (money[j])
				return 1;
			if (!numeral[j])
				break;
		}
		/* "500.000" alone: a number of thousands is money. */
		if (it->number) {
			const struct text_token *tok = &st->t->tokens[it->tok];

			return tok->flen >= 5 && memchr(st->t->fold +
			    tok->fold, '.', tok->flen) != NULL;
		}
	}
	return 0;
}

/*
 * Finds a demand for money: a demand phrase followed by an amount within
 * DEMAND_WINDOW words ("đòi 5 triệu", "phải lo 50tr"), or an amount
 * followed by a demand_after phrase ("2 triệu mới làm"), with no
 * not_demand phrase (debts, wages, fees) in between.
 */
static int
find_demand(const struct state *st)
{
	const struct phrase *ph = st->r->phrases;
	uint8_t		 money[SEQ_MAX], numeral[SEQ_MAX], not[SEQ_MAX];
	size_t		 i, j, k, lo, hi;

	if (st->ncls[PC_DEMAND] + st->ncls[PC_DEMAND_AFTER] == 0)
		return 0;
	memset(money, 0, st->nitems);
	memset(numeral, 0, st->nitems);
	memset(not, 0, st->nitems);
	for (i = 0; i < st->nm; i++) {
		const struct match *m = &st->m[i];

		if (ph[m->phrase].cls == PC_MONEY)
			money[m->start] = 1;
		else if (ph[m->phrase].cls == PC_NUMERAL)
			numeral[m->start] = 1;
		else if (ph[m->phrase].cls == PC_NOT_DEMAND)
			for (k = m->start; k <= m->end; k++)
				not[k] = 1;
	}
	for (i = 0; i < st->nm; i++) {
		const struct match *m = &st->m[i];

		if (ph[m->phrase].cls == PC_DEMAND) {
			lo = m->end + 1;
			hi = lo + DEMAND_WINDOW;
		} else if (ph[m->phrase].cls == PC_DEMAND_AFTER) {
			hi = m->start;
			lo = hi > DEMAND_WINDOW + 1 ? hi - DEMAND_WINDOW - 1 :
			    0;
		} else
			continue;
		for (j = lo; j < hi && j < st->nitems; j++) {
			int blocked = 0;

			if (!amount_at(st, j, money, numeral))
				continue;
			for (k = lo; k < hi && k < st->nitems; k++)
				blocked |= not[k];
			if (!blocked)
				return 1;
		}
	}
	return 0;
}

static void
add_term(struct route_result *res, const char *phrase, int cat, int sub,
    double weight, size_t token)
{
	struct route_term	*tm;

	if (res->nterms == ROUTER_TERMS_MAX)
		return;
	tm = &res->terms[res->nterms++];
	tm->phrase = phrase;
	tm->category = cat;
	tm->sub = sub;
	tm->weight = weight;
	tm->token = token;
}

/* Scores the categories from the matches; fills the terms of res. */
static void
score(struct state *st, struct route_result *res)
{
	const struct router	*r = st->r;
	size_t			 i;

	for (i = 0; i < r->ncats; i++) {
		st->score[i] = st->content[i] = 0;
		st->first[i] = INT32_MAX;
	}
	memset(st->ncls, 0, sizeof(st->ncls));
	for (i = 0; i < st->nm; i++) {
		const struct match	*m = &st->m[i];
		const struct phrase	*p = &r->phrases[m->phrase];

		if (m->dropped)
			continue;
		st->ncls[p->cls]++;
		if (p->cls == PC_CATEGORY) {
			st->content[p->cat] += p->weight;
			if (m->start < st->first[p->cat])
				st->first[p->cat] = m->start;
		} else if (p->cls == PC_SPAM)
			res->spam_score += WEIGHT_SPAM;
		if (p->cls == PC_CATEGORY || p->cls == PC_MARKER ||
		    p->cls == PC_SPAM || p->cls == PC_DEMAND ||
		    p->cls == PC_DEMAND_AFTER)
			add_term(res, p->text, p->cat, p->sub, p->weight,
			    st->items[m->start].tok);
	}
	if (st->t->flags & TEXT_F_LINK)
		res->spam_score += WEIGHT_SPAM;
	if (r->restricted != -1 && find_demand(st)) {
		res->flags |= ROUTE_F_MONEY_DEMAND;
		st->content[r->restricted] += WEIGHT_DEMAND;
		if (st->first[r->restricted] == INT32_MAX)
			st->first[r->restricted] = 0;
	}
	for (i = 0; i < r->ncats; i++)
		st->score[i] = st->content[i];
	/* A short code as first word: a hint worth one phrase. */
	if (st->t->ntokens > 0 && st->nitems > 0 && st->items[0].tok == 0 &&
	    !(st->t->tokens[0].flags & TEXT_TOK_MARKED)) {
		const struct text_token *tok = &st->t->tokens[0];

		for (i = 0; i < r->ncats; i++) {
			const char *code = r->cats[i].code;

			if (code[0] != '\0' && strlen(code) == tok->rlen &&
			    memcmp(code, st->t->pool + tok->raw,
			    tok->rlen) == 0) {
				res->hint = (int)i;
				res->flags |= ROUTE_F_SHORTCODE;
				st->score[i] += WEIGHT_HINT;
				break;
			}
		}
	}
}

/* Whether category a ranks before b: score, then words, then first. */
static int
ranks_before(const struct state *st, int a, int b)
{
	if (st->score[a] != st->score[b])
		return st->score[a] > st->score[b];
	if (st->content[a] != st->content[b])
		return st->content[a] > st->content[b];
	return st->first[a] < st->first[b];
}

/* The sub-category of cat with the most weight in the matches. */
static const char *
best_sub(const struct state *st, int cat)
{
	const struct router *r = st->r;
	double		 w[64] = { 0 }, best = 0;
	int		 sub = -1;
	size_t		 i;

	for (i = 0; i < st->nm; i++) {
		const struct phrase *p = &r->phrases[st->m[i].phrase];

		if (st->m[i].dropped || p->cls != PC_CATEGORY ||
		    p->cat != cat || p->sub < 0 || p->sub >= 64)
			continue;
		w[p->sub] += p->weight;
		if (w[p->sub] > best) {
			best = w[p->sub];
			sub = p->sub;
		}
	}
	return sub == -1 ? "" : r->cats[cat].subs[sub];
}

/* Words of the message that no greeting, thanks or filler covers. */
static size_t
uncovered(const struct state *st)
{
	uint8_t		covered[SEQ_MAX];
	size_t		i, k, n = 0;

	memset(covered, 0, st->nitems);
	for (i = 0; i < st->nm; i++) {
		const struct phrase *p = &st->r->phrases[st->m[i].phrase];

		if (p->cls == PC_GREETING || p->cls == PC_THANKS ||
		    p->cls == PC_FILLER)
			for (k = st->m[i].start; k <= st->m[i].end; k++)
				covered[k] = 1;
	}
	for (i = 0; i < st->nitems; i++)
		n += !covered[i];
	return n;
}

static void
decide(struct state *st, struct route_result *res)
{
	const struct router	*r = st->r;
	int			 best = -1, i, n;
	double			 top;

	for (i = 0; i < (int)r->ncats; i++)
		if (i != r->triage && st->score[i] > 0 &&
		    (best == -1 || ranks_before(st, i, best)))
			best = i;
	/* A restricted category with words enough takes the message. */
	if (r->restricted != -1 && best != r->restricted &&
	    st->content[r->restricted] >= r->threshold) {
		best = r->restricted;
		res->flags |= ROUTE_F_OVERRIDE;
	}
	if (st->approx)
		res->flags |= ROUTE_F_APPROX;
	top = best == -1 ? 0 : st->score[best];
	if (best == -1 || top < r->threshold) {
		res->flags |= ROUTE_F_TRIAGE;
		best = r->triage;
	}
	res->category = best;
	res->category_id = r->cats[best].id;
	res->sub_id = best == r->triage ? "" : best_sub(st, best);
	res->score = top;
	/* Secondary: every other category over the threshold, best first. */
	for (n = 0; n < ROUTER_SECONDARY_MAX; n++) {
		int	next = -1, k, seen;

		for (i = 0; i < (int)r->ncats; i++) {
			if (i == best || i == r->triage ||
			    st->content[i] < r->threshold)
				continue;
			for (seen = 0, k = 0; k < n; k++)
				seen |= res->secondary[k] == i;
			if (!seen && (next == -1 || ranks_before(st, i, next)))
				next = i;
		}
		if (next == -1)
			break;
		res->secondary[n] = next;
		res->secondary_score[n] = st->score[next];
	}
	res->nsecondary = (size_t)n;

	/* What is not feedback. */
	if (st->t->ntokens == 0) {
		res->kind = ROUTE_EMPTY;
	} else if (res->spam_score >= SPAM_MIN &&
	    res->spam_score >= top) {
		res->kind = ROUTE_SPAM;
	} else if (best == r->triage && st->ncls[PC_MARKER] == 0 &&
	    st->ncls[PC_GREETING] + st->ncls[PC_THANKS] > 0 &&
	    uncovered(st) <= LONE_EXTRA_MAX) {
		res->kind = st->ncls[PC_THANKS] >= st->ncls[PC_GREETING] ?
		    ROUTE_THANKS : ROUTE_GREETING;
	}
	if (res->kind != ROUTE_FEEDBACK && best != r->triage) {
		/* Filed in triage, flagged; the topic stays secondary. */
		if (res->nsecondary < ROUTER_SECONDARY_MAX) {
			memmove(res->secondary + 1, res->secondary,
			    res->nsecondary * sizeof(res->secondary[0]));
			memmove(res->secondary_score + 1, res->secondary_score,
			    res->nsecondary * sizeof(res->secondary_score[0]));
			res->nsecondary++;
		}
		res->secondary[0] = best;
		res->secondary_score[0] = top;
		res->category = r->triage;
		res->category_id = r->cats[r->triage].id;
		res->sub_id = "";
	}
}

static void
result_init(struct route_result *res)
{
	memset(res, 0, sizeof(*res));
	res->hint = -1;
	res->kind = ROUTE_FEEDBACK;
}

/* Out of memory: triage, never lost. */
static void
result_triage(const struct router *r, struct route_result *res)
{
	res->category = r->triage;
	res->category_id = r->cats[r->triage].id;
	res->sub_id = "";
	res->flags |= ROUTE_F_TRIAGE;
}

/*
 * A classification works in a struct text and a struct state, about
 * 100 KB together.  Each thread keeps its own, allocated by its first
 * classification and freed when the thread exits, rather than two
 * allocations per message.
 */
struct scratch {
	struct text	 t;
	struct state	 st;
};

static pthread_once_t	 scratch_once = PTHREAD_ONCE_INIT;
static pthread_key_t	 scratch_key;
static int		 scratch_keyed;

static void
scratch_init(void)
{
	scratch_keyed = pthread_key_create(&scratch_key, free) == 0;
}

/*
 * Returns this thread's scratch space, or NULL when memory is short.
 * Without a thread key (there is a limit on them) each call allocates:
 * *owned is then set and the caller frees it.
 */
static struct scratch *
scratch_get(int *owned)
{
	struct scratch	*sc;

	*owned = 0;
	if (pthread_once(&scratch_once, scratch_init) == 0 &&
	    scratch_keyed) {
		if ((sc = pthread_getspecific(scratch_key)) != NULL)
			return sc;
		if ((sc = malloc(sizeof(*sc))) == NULL)
			return NULL;
		if (pthread_setspecific(scratch_key, sc) == 0)
			return sc;
		free(sc);
	}
	if ((sc = malloc(sizeof(*sc))) != NULL)
		*owned = 1;
	return sc;
}

static void
classify(const struct router *r, const struct text *t, struct state *st,
    struct route_result *res)
{
	result_init(res);
	res->flags = t->flags;
	st->r = r;
	st->t = t;
	st->approx = 0;
	build_items(st);
	run_automaton(st);
	drop_contained(st);
	score(st, res);
	decide(st, res);
}

/*
 * Classifies a message already normalised with text_normalise() into res.
 * The strings res points to belong to r: keep a reference to r while res
 * is used.
 */
void
router_classify_text(const struct router *r, const struct text *t,
    struct route_result *res)
{
	struct scratch	*sc;
	int		 owned;

	if ((sc = scratch_get(&owned)) == NULL) {
		result_init(res);
		res->flags = t->flags;
		result_triage(r, res);
		return;
	}
	classify(r, t, &sc->st, res);
	if (owned)
		free(sc);
}

/*
 * Classifies len bytes of s (any bytes: invalid UTF-8 is repaired and
 * flagged) into res.  Returns 0, or -1 when memory is short (res then
 * files the message in triage).  The strings res points to belong to r.
 */
int
router_classify(const struct router *r, const char *s, size_t len,
    struct route_result *res)
{
	struct scratch	*sc;
	int		 owned;

	if ((sc = scratch_get(&owned)) == NULL) {
		result_init(res);
		result_triage(r, res);
		return -1;
	}
	text_normalise(&sc->t, s, len, 0);
	classify(r, &sc->t, &sc->st, res);
	if (owned)
		free(sc);
	return 0;
}

/*
 * Writes the words the router matched on (after shorthand expansion) into
 * buf, NUL-terminated.  Returns the length it needed, as snprintf does.
 */
size_t
router_expand(const struct router *r, const struct text *t, char *buf,
    size_t bufsz)
{
	struct state	*st;
	size_t		 i, n = 0;

	if (bufsz > 0)
		buf[0] = '\0';
	if ((st = malloc(sizeof(*st))) == NULL)
		return 0;
	st->r = r;
	st->t = t;
	st->approx = 0;
	build_items(st);
	for (i = 0; i < st->nitems; i++) {
		const struct item *it = &st->items[i];
		const char	*w;
		size_t		 wl;

		if (it->word != WORD_NONE) {
			w = r->words[it->word].s;
			wl = r->words[it->word].len;
		} else {
			w = t->fold + t->tokens[it->tok].fold;
			wl = t->tokens[it->tok].flen;
		}
		if (n + (i > 0) + wl < bufsz) {
			if (i > 0)
				buf[n] = ' ';
			memcpy(buf + n + (i > 0), w, wl);
			buf[n + (i > 0) + wl] = '\0';
		}
		n += (i > 0) + wl;
	}
	free(st);
	return n;
}

/* The name of a kind, for logs and papictl. */
const char *
route_kind_name(enum route_kind k)
{
	switch (k) {
	case ROUTE_FEEDBACK:
		return "feedback";
	case ROUTE_EMPTY:
		return "empty";
	case ROUTE_SPAM:
		return "spam";
	case ROUTE_GREETING:
		return "greeting";
	case ROUTE_THANKS:
		return "thanks";
	case ROUTE_OTHER:
		return "other";
	case ROUTE_HELD:
		return "held";
	}
	return "unknown";
}

/*
 * ===================================================================
 * The current router, swapped on reload
 * ===================================================================
 */

static void *
slot_ref(void *r)
{
	return router_ref(r);
}

static void
slot_unref(void *r)
{
	router_unref(r);
}

static const struct slot_type router_slot_type = { slot_ref, slot_unref };

/* A slot holding r (the slot takes the caller's reference). */
struct slot *
router_slot_new(struct router *r)
{
	return slot_new(&router_slot_type, r);
}

/*
 * Returns the current router with a reference the caller drops with
 * router_unref() when done with it (and with the results it produced).
 */
struct router *
router_slot_get(struct slot *s)
{
	return slot_get(s);
}

/*
 * Makes r the current router (taking the caller's reference); the old one
 * lives on until the last classification using it is done.
 */
void
router_slot_set(struct slot *s, struct router *r)
{
	slot_set(s, r);
}
