/*
 * catalogue.c: the procedure catalogue (catalogue.h).
 *
 * A lookup is a message that begins with one of catalogue.words ("TTHC",
 * "thủ tục"...), folded like special words (no case, no diacritics, no
 * spaces: "Thủ tục", "THU TUC" and "thutuc" are one word), followed by
 * what the resident asks for; the word alone is a special word (the
 * procedures topic), answered before this is looked at.  What follows
 * is:
 *
 *	a number	the procedure of that number in the catalogue (the
 *			numbers a list of choices gives), or
 *	a code		a procedure's code ("1.001193"), or
 *	a field's name	the list of its procedures ("TTHC hộ tịch"), or
 *	words		matched against each procedure's name and words.
 *
 * Words are matched on their folded form (text.c), so "khai sinh" finds
 * "Đăng ký khai sinh"; a word of the message that is in no procedure is
 * read as the catalogue's word one typo away when there is exactly one
 * (fuzzy.c's rules: "sinhh" is "sinh").  Each phrase of a procedure (its
 * name, its words) scores the weight of its words found in the message
 * times the share of its weight they make, a word's weight being rarer
 * the more procedures use it (log(1 + N/df)): "khai sinh" scores higher
 * for the phrase "khai sinh" than for "đăng ký lại khai sinh", and "đăng
 * ký", which every registration has, weighs little.  A procedure scores
 * its best phrase.  The best is the answer when it leads the next one by
 * half again; otherwise the close ones (half the best or more) are a list
 * to choose from by number; nothing scored, a short help.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/catalogue.h"
#include "base/tpl.h"
#include "base/util.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/fuzzy.h"
#include "domain/ussd_menu.h"

#define PHRASE_WORDS_MAX	16	/* words of a phrase looked at */
#define KEYWORD_TOKENS_MAX	4	/* tokens a lookup word may take */
#define LEAD			1.5	/* the answer leads the next by this */
#define CLOSE			0.5	/* a choice scores this share of the best */

/*
 * ===================================================================
 * The index, built once per configuration
 * ===================================================================
 */

/* One phrase of a procedure (its name, or one of its words). */
struct phrase {
	int		 proc;		/* its procedure */
	double		 total;		/* the weight of its words */
};

/* One occurrence of a word in a phrase, while building. */
struct occ {
	char		 w[FUZZY_WORD_MAX];
	int		 phrase;
};

/* A procedure's code as letters and digits ("CTR-01" is "ctr01"). */
struct code {
	char		 a[CONF_PROC_CODE_MAX];
	int		 proc;
};

/*
 * What a lookup needs of the catalogue: its words sorted (each with its
 * weight and the phrases it is in: an inverted index), the fuzzy index
 * of its words, the phrases, the codes sorted, and the fields' folded
 * names with their procedures.  A lookup reads only the entries of the
 * words asked, so that its cost does not grow with the catalogue.
 */
struct catalogue_index {
	size_t		  nprocs;	/* conf->nprocedures, to check */
	char		(*w)[FUZZY_WORD_MAX]; /* the words, sorted */
	double		 *weight;	/* per word */
	size_t		 *post;		/* word i's phrases: post[i]... */
	int		 *posting;	/* ...to post[i + 1] in here */
	size_t		  nw;
	struct fuzzy	 *fz;
	struct phrase	 *ph;
	size_t		  nph;
	struct code	 *codes;	/* sorted */
	size_t		  ncodes;
	char		(*fields)[REPLY_WORD_MAX]; /* folded names */
	int		(*field_procs)[CATALOGUE_FOUND_MAX]; /* first ones */
	int		 *field_n;
	size_t		  nfields;
};

/*
 * Splits phrase into folded words (text_fold_word() of each word between
 * spaces): at most PHRASE_WORDS_MAX.  Returns how many.
 */
static size_t
phrase_words(const char *phrase, char out[][FUZZY_WORD_MAX])
{
	char		 word[128];
	const char	*p = phrase, *e;
	size_t		 n = 0, len;

	while (*p != '\0' && n < PHRASE_WORDS_MAX) {
		while (*p == ' ' || *p == ',' || *p == '-' || *p == '(' ||
		    *p == ')' || *p == '/')
			p++;
		for (e = p; *e != '\0' && strchr(" ,-()/", *e) == NULL; e++)
			;
		len = (size_t)(e - p);
		if (len > 0 && len < sizeof(word)) {
			memcpy(word, p, len);
			word[len] = '\0';
			if (text_fold_word(word, out[n], FUZZY_WORD_MAX) > 0)
				n++;
		}
		p = e;
	}
	return n;
}

/* Every phrase of procedure p: its name, then its words. */
static const char *
phrase_of(const struct procedure *p, size_t i)
{
	return i == 0 ? p->name : p->words[i - 1];
}

static int
cmp_word(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
cmp_code(const void *a, const void *b)
{
	const struct code	*x = a, *y = b;
	int			 c = strcmp(x->a, y->a);

	return c != 0 ? c : x->proc - y->proc;
}

/* s's letters and digits, lowercase, into buf ("CT-01" is "ct01"). */
static void
alnum(const char *s, char *buf, size_t bufsz)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 1 < bufsz; s++)
		if (isalnum((unsigned char)*s))
			buf[o++] = (char)tolower((unsigned char)*s);
	buf[o] = '\0';
}

/* Word w's index in the sorted words of x, or -1. */
static int
word_id(const struct catalogue_index *x, const char *w)
{
	const char	(*f)[FUZZY_WORD_MAX];

	if (x->nw == 0)
		return -1;
	f = bsearch(w, x->w, x->nw, sizeof(*x->w), cmp_word);
	return f != NULL ? (int)(f - x->w) : -1;
}

/* The phrases and their words' occurrences of conf's procedures. */
static struct occ *
occurrences(const struct config *conf, struct catalogue_index *x,
    size_t *nocc)
{
	char		 w[PHRASE_WORDS_MAX][FUZZY_WORD_MAX];
	struct occ	*o = NULL;
	size_t		 i, j, k, n, cap = 0;

	*nocc = 0;
	for (i = 0; i < conf->nprocedures; i++)
		x->nph += conf->procedures[i].nwords + 1;
	x->ph = xcalloc(x->nph + 1, sizeof(*x->ph));
	x->nph = 0;
	for (i = 0; i < conf->nprocedures; i++)
		for (j = 0; j <= conf->procedures[i].nwords; j++) {
			n = phrase_words(phrase_of(&conf->procedures[i], j),
			    w);
			x->ph[x->nph].proc = (int)i;
			for (k = 0; k < n; k++) {
				if (*nocc == cap) {
					cap = cap ? cap * 2 : 1024;
					o = xreallocarray(o, cap, sizeof(*o));
				}
				memcpy(o[*nocc].w, w[k], sizeof(w[k]));
				o[*nocc].phrase = (int)x->nph;
				(*nocc)++;
			}
			x->nph++;
		}
	return o;
}

/* The words of the occurrences o, sorted and unique, with their weight. */
static void
index_words(const struct config *conf, struct catalogue_index *x,
    const struct occ *o, size_t nocc, int *ids)
{
	int	*last;
	size_t	 i;
	int	 id, proc;

	x->w = xcalloc(nocc + 1, sizeof(*x->w));
	for (i = 0; i < nocc; i++)
		memcpy(x->w[i], o[i].w, sizeof(o[i].w));
	qsort(x->w, nocc, sizeof(*x->w), cmp_word);
	for (i = 0; i < nocc; i++)
		if (x->nw == 0 || strcmp(x->w[x->nw - 1], x->w[i]) != 0)
			memmove(x->w[x->nw++], x->w[i], sizeof(*x->w));
	/* Each word's weight: the rarer among the procedures, the heavier. */
	x->weight = xcalloc(x->nw + 1, sizeof(*x->weight));
	last = xcalloc(x->nw + 1, sizeof(*last));
	for (i = 0; i < x->nw; i++)
		last[i] = -1;
	for (i = 0; i < nocc; i++) {
		ids[i] = id = word_id(x, o[i].w);
		proc = x->ph[o[i].phrase].proc;
		if (last[id] != proc) {
			x->weight[id] += 1;	/* procedures that use it */
			last[id] = proc;
		}
	}
	for (i = 0; i < x->nw; i++)
		x->weight[i] = log(1.0 + (double)conf->nprocedures /
		    x->weight[i]);
	free(last);
}

/* Each word's phrases (inverted), and each phrase's total weight. */
static void
index_postings(struct catalogue_index *x, const struct occ *o, size_t nocc,
    const int *ids)
{
	size_t	*fill, i;

	x->post = xcalloc(x->nw + 1, sizeof(*x->post));
	x->posting = xcalloc(nocc + 1, sizeof(*x->posting));
	for (i = 0; i < nocc; i++)
		x->post[ids[i] + 1]++;
	for (i = 0; i < x->nw; i++)
		x->post[i + 1] += x->post[i];
	fill = xcalloc(x->nw + 1, sizeof(*fill));
	for (i = 0; i < nocc; i++) {
		x->posting[x->post[ids[i]] + fill[ids[i]]++] = o[i].phrase;
		x->ph[o[i].phrase].total += x->weight[ids[i]];
	}
	free(fill);
}

/* The codes sorted, the fields' folded names and their procedures. */
static void
index_names(const struct config *conf, struct catalogue_index *x)
{
	size_t	i, k;

	x->codes = xcalloc(conf->nprocedures + 1, sizeof(*x->codes));
	for (i = 0; i < conf->nprocedures; i++) {
		alnum(conf->procedures[i].code, x->codes[x->ncodes].a,
		    sizeof(x->codes[x->ncodes].a));
		x->codes[x->ncodes].proc = (int)i;
		if (x->codes[x->ncodes].a[0] != '\0')
			x->ncodes++;
	}
	qsort(x->codes, x->ncodes, sizeof(*x->codes), cmp_code);
	x->nfields = conf->nproc_fields;
	x->fields = xcalloc(x->nfields + 1, sizeof(*x->fields));
	x->field_procs = xcalloc(x->nfields + 1, sizeof(*x->field_procs));
	x->field_n = xcalloc(x->nfields + 1, sizeof(*x->field_n));
	for (i = 0; i < x->nfields; i++)
		text_fold_word(conf->proc_fields[i].name, x->fields[i],
		    sizeof(x->fields[i]));
	for (k = 0; k < conf->nprocedures; k++) {
		i = (size_t)conf->procedures[k].fieldno;
		if (i < x->nfields && x->field_n[i] < CATALOGUE_FOUND_MAX)
			x->field_procs[i][x->field_n[i]++] = (int)k;
	}
}

/*
 * Builds the index of conf's catalogue.  Returns it; the caller frees it
 * with catalogue_index_free().
 */
struct catalogue_index *
catalogue_index_new(const struct config *conf)
{
	struct catalogue_index	*x = xcalloc(1, sizeof(*x));
	struct occ		*o;
	size_t			 nocc, i;
	int			*ids;

	x->nprocs = conf->nprocedures;
	o = occurrences(conf, x, &nocc);
	ids = xcalloc(nocc + 1, sizeof(*ids));
	index_words(conf, x, o, nocc, ids);
	index_postings(x, o, nocc, ids);
	free(ids);
	free(o);
	x->fz = fuzzy_new();
	for (i = 0; i < x->nw; i++)
		fuzzy_add(x->fz, x->w[i], strlen(x->w[i]), (uint32_t)i);
	fuzzy_build(x->fz);
	index_names(conf, x);
	return x;
}

/* Frees an index; NULL is a no-op. */
void
catalogue_index_free(struct catalogue_index *x)
{
	if (x == NULL)
		return;
	free(x->w);
	free(x->weight);
	free(x->post);
	free(x->posting);
	fuzzy_free(x->fz);
	free(x->ph);
	free(x->codes);
	free(x->fields);
	free(x->field_procs);
	free(x->field_n);
	free(x);
}

/* How many distinct words index x holds. */
size_t
catalogue_index_words(const struct catalogue_index *x)
{
	return x != NULL ? x->nw : 0;
}

/*
 * Builds conf's index and keeps it in conf (freed with it): done once
 * when a configuration is loaded, before any thread reads it, by the
 * daemon at start-up and on each reload (SIGHUP).
 */
void
catalogue_attach(struct config *conf)
{
	if (conf->catalogue_index_free != NULL)
		conf->catalogue_index_free(conf->catalogue_index);
	conf->catalogue_index = catalogue_index_new(conf);
	conf->catalogue_index_free = catalogue_index_free;
}

/*
 * ===================================================================
 * Reading the message
 * ===================================================================
 */

/*
 * A procedure named by number ("3") or by code, whatever separates its
 * parts ("CTR-01", "ctr 01", "1.001193"), or -1.
 */
static int
named(const struct config *conf, const struct catalogue_index *x,
    const char *s)
{
	char		 a[CATALOGUE_QUERY_MAX], *end;
	size_t		 lo, hi, mid;
	long		 v;

	v = strtol(s, &end, 10);
	if (*end == '\0' && end != s && v >= 1 &&
	    (size_t)v <= conf->nprocedures)
		return (int)v - 1;
	alnum(s, a, sizeof(a));
	if (a[0] == '\0' || x->ncodes == 0)
		return -1;
	/* The first entry of that code (the lowest procedure), by halves. */
	for (lo = 0, hi = x->ncodes; lo < hi; ) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(x->codes[mid].a, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == x->ncodes || strcmp(x->codes[lo].a, a) != 0)
		return -1;
	return x->codes[lo].proc;
}

/*
 * The message's words after the lookup word, each as the catalogue's
 * word it is (index in x) or -1, without repeats: at most max.  Returns
 * how many.
 */
static size_t
query_words(const struct text *t, size_t from,
    const struct catalogue_index *x, int *ids, size_t max)
{
	char		 w[FUZZY_WORD_MAX];
	size_t		 i, k, n = 0;
	uint32_t	 f;
	int		 id;

	for (i = from; i < t->ntokens && n < max; i++) {
		const struct text_token *tok = &t->tokens[i];

		if (tok->flen == 0 || tok->flen >= sizeof(w))
			continue;
		memcpy(w, t->fold + tok->fold, tok->flen);
		w[tok->flen] = '\0';
		if ((id = word_id(x, w)) < 0 && (f = fuzzy_find(x->fz, w,
		    tok->flen)) != FUZZY_NONE)
			id = (int)f;
		for (k = 0; k < n && ids[k] != id; k++)
			;
		if (id >= 0 && k == n)
			ids[n++] = id;
	}
	return n;
}

/* A procedure that scored, while ranking; a phrase's word found. */
struct cand {
	int		 proc;		/* or the phrase, while summing */
	int		 word;		/* the word asked, while summing */
	double		 score;		/* or the word's weight */
};

static int
cmp_cand(const void *a, const void *b)
{
	const struct cand	*x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->proc - y->proc;
}

/*
 * By phrase, then by the word asked: every phrase sums its weights in the
 * same order, so that phrases of the same words score exactly alike.
 */
static int
cmp_phrase(const void *a, const void *b)
{
	const struct cand	*x = a, *y = b;

	return x->proc != y->proc ? x->proc - y->proc : x->word - y->word;
}

/*
 * Scores the phrases that hold one of the words ids[0..n) (and only
 * those: the inverted index), a phrase the weight of its words found
 * times the share of its weight they make, a procedure its best phrase.
 * Returns the procedures that scored, best first (the lower index first
 * among equals), in a new array, their number in *nc; NULL when none.
 */
static struct cand *
candidates(const struct catalogue_index *x, const int *ids, size_t n,
    size_t *nc)
{
	struct cand	*f, *c;
	size_t		 i, j, m = 0;
	double		 found, sc;
	int		 phrase;

	*nc = 0;
	for (i = 0; i < n; i++)
		m += x->post[ids[i] + 1] - x->post[ids[i]];
	if (m == 0)
		return NULL;
	/* Each occurrence of a word asked, by phrase. */
	f = xcalloc(m, sizeof(*f));
	for (i = 0, m = 0; i < n; i++)
		for (j = x->post[ids[i]]; j < x->post[ids[i] + 1]; j++) {
			f[m].proc = x->posting[j];
			f[m].word = (int)i;
			f[m++].score = x->weight[ids[i]];
		}
	qsort(f, m, sizeof(*f), cmp_phrase);
	/* Phrases come in the order of their procedures. */
	c = xcalloc(m, sizeof(*c));
	for (i = 0; i < m; i = j) {
		phrase = f[i].proc;
		for (found = 0, j = i; j < m && f[j].proc == phrase; j++)
			found += f[j].score;
		if (x->ph[phrase].total <= 0)
			continue;
		sc = found * found / x->ph[phrase].total;
		if (*nc == 0 || c[*nc - 1].proc != x->ph[phrase].proc) {
			c[*nc].proc = x->ph[phrase].proc;
			c[(*nc)++].score = sc;
		} else if (sc > c[*nc - 1].score)
			c[*nc - 1].score = sc;
	}
	free(f);
	qsort(c, *nc, sizeof(*c), cmp_cand);
	return c;
}

/* The procedures by score, best first, those that scored. */
static void
rank(const struct config *conf, const struct catalogue_index *x,
    const int *ids, size_t n, struct catalogue_query *q)
{
	struct cand	*c;
	size_t		 nc, i;
	int		 k;

	q->n = 0;
	if ((c = candidates(x, ids, n, &nc)) == NULL)
		return;
	for (i = 0; i < nc && i < CATALOGUE_FOUND_MAX; i++)
		if (c[i].score > 0)
			q->found[q->n++] = c[i].proc;
	if (q->n == 0) {
		free(c);
		return;
	}
	if (q->n == 1 || c[0].score >= LEAD * c[1].score) {
		q->exact = 1;
		q->n = 1;
		free(c);
		return;
	}
	for (k = 1; k < q->n && c[k].score >= CLOSE * c[0].score; k++)
		;
	q->n = k < conf->catalogue_choices ? k : conf->catalogue_choices;
	free(c);
}

/*
 * A field named by the message's words from token k on ("chung thuc",
 * "Hộ tịch"): the list of its procedures, its first CATALOGUE_FOUND_MAX,
 * in *q.  Returns 1, or 0 when the words are no field's name.
 */
static int
field_list(const struct catalogue_index *x, const struct text *t, size_t k,
    struct catalogue_query *q)
{
	char	joined[REPLY_WORD_MAX];
	size_t	i, len = 0;

	for (i = k; i < t->ntokens; i++) {
		if (len + t->tokens[i].flen >= sizeof(joined))
			return 0;
		memcpy(joined + len, t->fold + t->tokens[i].fold,
		    t->tokens[i].flen);
		len += t->tokens[i].flen;
	}
	joined[len] = '\0';
	for (i = 0; i < x->nfields; i++) {
		if (x->fields[i][0] == '\0' || strcmp(x->fields[i],
		    joined) != 0)
			continue;
		q->n = x->field_n[i];
		memcpy(q->found, x->field_procs[i], sizeof(q->found));
		if (q->n == 1)
			q->exact = 1;
		return q->n > 0;
	}
	return 0;
}

/*
 * Whether the normalised message t is a lookup in the catalogue: 1 with
 * what it found in *q (q->n 0: nothing), else 0.  It reads the index
 * catalogue_attach() kept in conf; without one (a configuration built
 * by hand) it builds one for this lookup.
 */
int
catalogue_parse(const struct config *conf, const struct text *t,
    struct catalogue_query *q)
{
	struct catalogue_index	*own = NULL;
	const struct catalogue_index *x = conf->catalogue_index;
	int			 ids[TEXT_TOKENS_MAX], p;
	size_t			 k, n, i, o = 0;

	memset(q, 0, sizeof(*q));
	if (conf->nprocedures == 0 || conf->catalogue_nwords == 0 ||
	    (k = text_leading_word(t, conf->catalogue_words,
	    conf->catalogue_nwords, KEYWORD_TOKENS_MAX)) == 0 ||
	    k >= t->ntokens)
		return 0;
	q->asked = 1;
	/* What was asked, as the resident wrote it (folded). */
	for (i = k; i < t->ntokens; i++) {
		const struct text_token *tok = &t->tokens[i];

		if (o + tok->rlen + 2 >= sizeof(q->query))
			break;
		if (o > 0)
			q->query[o++] = ' ';
		memcpy(q->query + o, t->pool + tok->raw, tok->rlen);
		o += tok->rlen;
		q->query[o] = '\0';
	}
	if (x == NULL || x->nprocs != conf->nprocedures)
		x = own = catalogue_index_new(conf);
	if ((p = named(conf, x, q->query)) >= 0) {
		q->exact = 1;
		q->n = 1;
		q->found[0] = p;
	} else if (!field_list(x, t, k, q)) {
		n = query_words(t, k, x, ids, sizeof(ids) / sizeof(ids[0]));
		rank(conf, x, ids, n, q);
	}
	catalogue_index_free(own);
	return 1;
}

/*
 * ===================================================================
 * Answers
 * ===================================================================
 */

/*
 * The procedure's details in one text, in Vietnamese or English: what a
 * resident needs first (fee, time limit, where) before the documents,
 * which the composer cuts first when the answer is too long.
 */
static size_t
detail(const struct procedure *p, int en, char *buf, size_t bufsz)
{
	int	n;

	n = snprintf(buf, bufsz, "%s (%s). %s %s. %s %s.", p->name, p->code,
	    en ? "Fee:" : "Lệ phí:", p->fee, en ? "Time limit:" : "Thời hạn:",
	    p->time_limit);
	if (p->where[0] != '\0' && n >= 0 && (size_t)n < bufsz)
		n += snprintf(buf + n, bufsz - (size_t)n, " %s %s.", en ?
		    "Where:" : "Nộp tại:", p->where);
	if (p->online[0] != '\0' && n >= 0 && (size_t)n < bufsz)
		n += snprintf(buf + n, bufsz - (size_t)n, " %s %s.", en ?
		    "Online:" : "Trực tuyến:", p->online);
	if (p->documents[0] != '\0' && n >= 0 && (size_t)n < bufsz)
		n += snprintf(buf + n, bufsz - (size_t)n, " %s %s", en ?
		    "Documents:" : "Hồ sơ:", p->documents);
	return n < 0 ? 0 : (size_t)n < bufsz ? (size_t)n : bufsz - 1;
}

/* The list of choices: "1. Đăng ký khai sinh; 5. Đăng ký khai tử". */
static void
choices(const struct config *conf, const struct catalogue_query *q,
    char *buf, size_t bufsz)
{
	size_t	o = 0;
	int	i, n;

	buf[0] = '\0';
	for (i = 0; i < q->n; i++) {
		n = snprintf(buf + o, bufsz - o, "%s%d. %s", i ? "; " : "",
		    q->found[i] + 1, conf->procedures[q->found[i]].name);
		if (n < 0 || (size_t)n >= bufsz - o)
			break;
		o += (size_t)n;
	}
}

/* The fields' names, for the answer to a lookup that found nothing. */
static void
field_names(const struct config *conf, int en, char *buf, size_t bufsz)
{
	size_t	o = 0, i;
	int	n;

	buf[0] = '\0';
	for (i = 0; i < conf->nproc_fields; i++) {
		const struct proc_field *f = &conf->proc_fields[i];

		n = snprintf(buf + o, bufsz - o, "%s%s", i ? ", " : "",
		    en && f->name_en[0] ? f->name_en : f->name);
		if (n < 0 || (size_t)n >= bufsz - o)
			break;
		o += (size_t)n;
	}
}

/*
 * The answer to lookup q, in Vietnamese or (en) English, into buf: the
 * procedure found, the list to choose from, or what to write.  Returns
 * its length.
 */
size_t
catalogue_answer(const struct config *conf, const struct catalogue_query *q,
    int en, char *buf, size_t bufsz)
{
	char		 list[1024], fields[512], num[16];
	const char	*tpl;
	struct tpl_var	 v[6];

	if (q->exact && q->n == 1)
		return detail(&conf->procedures[q->found[0]], en, buf, bufsz);
	snprintf(num, sizeof(num), "%d", q->n);
	choices(conf, q, list, sizeof(list));
	field_names(conf, en, fields, sizeof(fields));
	v[0] = (struct tpl_var){ "n", num };
	v[1] = (struct tpl_var){ "list", list };
	v[2] = (struct tpl_var){ "word", conf->catalogue_words[0] };
	v[3] = (struct tpl_var){ "query", q->query };
	v[4] = (struct tpl_var){ "fields", fields };
	v[5] = (struct tpl_var){ "hotline", conf->hotline };
	if (q->n > 0)
		tpl = en && conf->catalogue_list_en[0] ?
		    conf->catalogue_list_en : conf->catalogue_list_vi;
	else
		tpl = en && conf->catalogue_none_en[0] ?
		    conf->catalogue_none_en : conf->catalogue_none_vi;
	return tpl_render(buf, bufsz, tpl, v, 6);
}

/*
 * The USSD screen of procedure proc (plain ASCII, cut to fit above the
 * navigation line): its name, fee, time limit and where to file it.
 * Returns the length written.
 */
size_t
catalogue_ussd_detail(const struct config *conf, int proc, char *buf,
    size_t bufsz)
{
	const struct procedure	*p = &conf->procedures[proc];
	char			 s[2048];

	snprintf(s, sizeof(s), "%s. Le phi: %s. Thoi han: %s.%s%s", p->name,
	    p->fee, p->time_limit, p->where[0] ? " Noi nop: " : "",
	    p->where);
	return ussd_fit(s, USSD_SCREEN_MAX - ussd_width(
	    conf->ussd_texts[USSD_T_NAV]) - 1, buf, bufsz);
}
