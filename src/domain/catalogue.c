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

/* The catalogue's words: each distinct folded word, in how many procedures. */
struct vocab {
	char		(*w)[FUZZY_WORD_MAX];
	int		 *df;
	int		 *last;		/* the last procedure counted */
	size_t		  n, cap;
	struct fuzzy	 *fz;
};

static int
vocab_find(const struct vocab *v, const char *w)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->w[i], w) == 0)
			return (int)i;
	return -1;
}

static void
vocab_add(struct vocab *v, const char *w, int proc)
{
	int	i = vocab_find(v, w);

	if (i < 0) {
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 256;
			v->w = xreallocarray(v->w, v->cap, sizeof(*v->w));
			v->df = xreallocarray(v->df, v->cap, sizeof(*v->df));
			v->last = xreallocarray(v->last, v->cap,
			    sizeof(*v->last));
		}
		i = (int)v->n++;
		copy_str(v->w[i], sizeof(v->w[i]), w);
		v->df[i] = 0;
		v->last[i] = -1;
	}
	if (v->last[i] != proc) {
		v->df[i]++;
		v->last[i] = proc;
	}
}

static void
vocab_free(struct vocab *v)
{
	free(v->w);
	free(v->df);
	free(v->last);
	fuzzy_free(v->fz);
}

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

static void
vocab_build(const struct config *conf, struct vocab *v)
{
	char	w[PHRASE_WORDS_MAX][FUZZY_WORD_MAX];
	size_t	i, j, k, n;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < conf->nprocedures; i++)
		for (j = 0; j <= conf->procedures[i].nwords; j++) {
			n = phrase_words(phrase_of(&conf->procedures[i], j),
			    w);
			for (k = 0; k < n; k++)
				vocab_add(v, w[k], (int)i);
		}
	v->fz = fuzzy_new();
	for (i = 0; i < v->n; i++)
		fuzzy_add(v->fz, v->w[i], strlen(v->w[i]), (uint32_t)i);
	fuzzy_build(v->fz);
}

/* A word's weight: the rarer among the procedures, the heavier. */
static double
weight(const struct config *conf, const struct vocab *v, int i)
{
	return log(1.0 + (double)conf->nprocedures / (double)v->df[i]);
}

/*
 * ===================================================================
 * Reading the message
 * ===================================================================
 */

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

/*
 * A procedure named by number ("3") or by code, whatever separates its
 * parts ("CTR-01", "ctr 01", "1.001193"), or -1.
 */
static int
named(const struct config *conf, const char *s)
{
	char	 a[CATALOGUE_QUERY_MAX], b[CONF_PROC_CODE_MAX], *end;
	long	 v;
	size_t	 i;

	v = strtol(s, &end, 10);
	if (*end == '\0' && end != s && v >= 1 &&
	    (size_t)v <= conf->nprocedures)
		return (int)v - 1;
	alnum(s, a, sizeof(a));
	for (i = 0; a[0] != '\0' && i < conf->nprocedures; i++) {
		alnum(conf->procedures[i].code, b, sizeof(b));
		if (strcmp(a, b) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * The message's words after the lookup word, each as the catalogue's
 * word it is (index in v) or -1: at most max.  Returns how many.
 */
static size_t
query_words(const struct text *t, size_t from, const struct vocab *v,
    int *ids, size_t max)
{
	char		 w[FUZZY_WORD_MAX];
	size_t		 i, n = 0;
	uint32_t	 f;

	for (i = from; i < t->ntokens && n < max; i++) {
		const struct text_token *tok = &t->tokens[i];

		if (tok->flen == 0 || tok->flen >= sizeof(w))
			continue;
		memcpy(w, t->fold + tok->fold, tok->flen);
		w[tok->flen] = '\0';
		if ((ids[n] = vocab_find(v, w)) < 0 && (f = fuzzy_find(v->fz,
		    w, tok->flen)) != FUZZY_NONE)
			ids[n] = (int)f;
		n++;
	}
	return n;
}

/* The score of procedure p for the message's words ids[0..n). */
static double
score(const struct config *conf, const struct vocab *v, size_t p,
    const int *ids, size_t n)
{
	char	w[PHRASE_WORDS_MAX][FUZZY_WORD_MAX];
	double	best = 0, total, found, x;
	size_t	j, k, m, nw;
	int	id;

	for (j = 0; j <= conf->procedures[p].nwords; j++) {
		nw = phrase_words(phrase_of(&conf->procedures[p], j), w);
		total = found = 0;
		for (k = 0; k < nw; k++) {
			if ((id = vocab_find(v, w[k])) < 0)
				continue;
			x = weight(conf, v, id);
			total += x;
			for (m = 0; m < n; m++)
				if (ids[m] == id) {
					found += x;
					break;
				}
		}
		if (total > 0 && found * found / total > best)
			best = found * found / total;
	}
	return best;
}

/* The procedures by score, best first, those that scored. */
static void
rank(const struct config *conf, const struct vocab *v, const int *ids,
    size_t n, struct catalogue_query *q)
{
	double	s[CATALOGUE_FOUND_MAX + 1], x;
	size_t	i;
	int	k, j;

	q->n = 0;
	for (i = 0; i < conf->nprocedures; i++) {
		if ((x = score(conf, v, i, ids, n)) <= 0)
			continue;
		/* Insertion into the best CATALOGUE_FOUND_MAX. */
		for (k = q->n; k > 0 && s[k - 1] < x; k--)
			;
		if (k >= CATALOGUE_FOUND_MAX)
			continue;
		for (j = q->n < CATALOGUE_FOUND_MAX ? q->n :
		    CATALOGUE_FOUND_MAX - 1; j > k; j--) {
			s[j] = s[j - 1];
			q->found[j] = q->found[j - 1];
		}
		s[k] = x;
		q->found[k] = (int)i;
		if (q->n < CATALOGUE_FOUND_MAX)
			q->n++;
	}
	if (q->n == 0)
		return;
	if (q->n == 1 || s[0] >= LEAD * s[1]) {
		q->exact = 1;
		q->n = 1;
		return;
	}
	for (k = 1; k < q->n && s[k] >= CLOSE * s[0]; k++)
		;
	q->n = k < conf->catalogue_choices ? k : conf->catalogue_choices;
}

/*
 * A field named by the message's words from token k on ("chung thuc",
 * "Hộ tịch"): the list of its procedures, its first CATALOGUE_FOUND_MAX,
 * in *q.  Returns 1, or 0 when the words are no field's name.
 */
static int
field_list(const struct config *conf, const struct text *t, size_t k,
    struct catalogue_query *q)
{
	char	joined[REPLY_WORD_MAX], name[REPLY_WORD_MAX];
	size_t	i, len = 0;

	for (i = k; i < t->ntokens; i++) {
		if (len + t->tokens[i].flen >= sizeof(joined))
			return 0;
		memcpy(joined + len, t->fold + t->tokens[i].fold,
		    t->tokens[i].flen);
		len += t->tokens[i].flen;
	}
	joined[len] = '\0';
	for (i = 0; i < conf->nproc_fields; i++) {
		if (text_fold_word(conf->proc_fields[i].name, name,
		    sizeof(name)) == 0 || strcmp(name, joined) != 0)
			continue;
		for (k = 0; k < conf->nprocedures && q->n <
		    CATALOGUE_FOUND_MAX; k++)
			if (conf->procedures[k].fieldno == (int)i)
				q->found[q->n++] = (int)k;
		if (q->n == 1)
			q->exact = 1;
		return q->n > 0;
	}
	return 0;
}

/*
 * Whether the normalised message t is a lookup in the catalogue: 1 with
 * what it found in *q (q->n 0: nothing), else 0.
 */
int
catalogue_parse(const struct config *conf, const struct text *t,
    struct catalogue_query *q)
{
	struct vocab	 v;
	int		 ids[TEXT_TOKENS_MAX], p;
	size_t		 k, n, i, o = 0;

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
	if ((p = named(conf, q->query)) >= 0) {
		q->exact = 1;
		q->n = 1;
		q->found[0] = p;
		return 1;
	}
	if (field_list(conf, t, k, q))
		return 1;
	vocab_build(conf, &v);
	n = query_words(t, k, &v, ids, sizeof(ids) / sizeof(ids[0]));
	rank(conf, &v, ids, n, q);
	vocab_free(&v);
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
