/*
 * train.c: training and measuring the learned classifier of messages on
 * a labelled corpus (train.h), for tools/router-train and papictl router
 * train: reading the corpus files and the officers' corrections, leaving
 * out repeats, extracting features into liblinear's problems, training
 * (liblinear's L2R_LR), classifying with a struct model through
 * domain/classify.c's classify_text() so that the figures are those of
 * the daemon's decisions, and the figures themselves.
 *
 * Training renumbers the features the corpus uses 1..ncompact (the bias
 * is ncompact + 1): liblinear's time grows with the width of the space,
 * and a feature no message has keeps a zero weight anyway.  The model is
 * then turned back into the hashed space of domain/features.h.
 *
 * liblinear is the only library here beyond the project's own; its
 * progress output is silenced.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* liblinear's struct model is not domain/model.h's: renamed here. */
#define model linear_model
#include <linear.h>
#undef model

#include "base/hash.h"
#include "base/i18n.h"
#include "text/text.h"
#include "domain/classify.h"
#include "domain/features.h"
#include "domain/model.h"
#include "domain/router.h"
#include "ctl/train.h"

#define TRAINED_MAX	256	/* bytes of a model's trained line */

static const char *const class_names[TRAIN_NCLASSES] = {
	"corruption", "security", "infrastructure", "procedures",
	"transparency", "participation", "accountability", "health",
	"education", "environment", "egovernance", "triage", "spam",
	"thanks", "greeting", "other"
};

/* Four-letter names for the confusion matrix. */
static const char *const class_abbr[TRAIN_NCLASSES] = {
	"corr", "secu", "infr", "proc", "tran", "part", "acco", "heal",
	"educ", "envi", "egov", "tria", "spam", "thx", "greet", "oth"
};

/*
 * ===================================================================
 * Classes
 * ===================================================================
 */

/* The name of class cls (TRAIN_*), as in a model file. */
const char *
train_class_name(int cls)
{
	return cls >= 0 && cls < TRAIN_NCLASSES ? class_names[cls] : "?";
}

/* The four-letter name of class cls, for the confusion matrix. */
const char *
train_class_abbr(int cls)
{
	return cls >= 0 && cls < TRAIN_NCLASSES ? class_abbr[cls] : "?";
}

/* The name of top-level category top (train_top()). */
const char *
train_top_name(int top)
{
	if (top == TRAIN_TOP_GENERAL)
		return "general";
	return train_class_name(top);
}

/* The class called name, or -1. */
int
train_class_index(const char *name)
{
	int	i;

	for (i = 0; i < TRAIN_NCLASSES; i++)
		if (strcmp(name, class_names[i]) == 0)
			return i;
	return -1;
}

/*
 * The class of a corpus label: its category and kind (the first and
 * fourth fields).  Returns -1 for a label that is none.
 */
int
train_label(const char *category, const char *kind)
{
	int	cls;

	if (strcmp(kind, "spam") == 0 || strcmp(kind, "phishing") == 0)
		return TRAIN_SPAM;
	if (strcmp(kind, "thanks") == 0)
		return TRAIN_THANKS;
	if (strcmp(kind, "greeting") == 0)
		return TRAIN_GREETING;
	if (strcmp(kind, "other") == 0)
		return TRAIN_OTHER;
	if (strcmp(kind, "feedback") != 0)
		return -1;
	if (strcmp(category, "general") == 0)
		return TRAIN_TRIAGE;
	cls = train_class_index(category);
	return cls >= 0 && cls < TRAIN_TRIAGE ? cls : -1;
}

/* The top-level category of class cls: non-feedback counts as general. */
int
train_top(int cls)
{
	return cls < TRAIN_TRIAGE ? cls : TRAIN_TOP_GENERAL;
}

/* Whether class cls becomes a case. */
int
train_is_case(int cls)
{
	return cls <= TRAIN_TRIAGE;
}

/* Whether a message of these bytes is in the development part. */
int
train_is_dev(const char *text, size_t len)
{
	return hash_fnv1a32(text, len) % 100 < TRAIN_DEV_SHARE;
}

/* The defaults: the shipped features, C = 32, no weights, no typos. */
void
train_opts_default(struct train_opts *o)
{
	memset(o, 0, sizeof(*o));
	features_conf_default(&o->features);
	o->C = 32;
}

/*
 * ===================================================================
 * The corpus
 * ===================================================================
 */

/*
 * Returns an empty corpus, or NULL when memory is short.  The caller
 * frees it with train_corpus_free().
 */
struct train_corpus *
train_corpus_new(void)
{
	struct train_corpus	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->corrections = -1;
	if ((c->t = text_alloc()) == NULL ||
	    (c->v = features_vec_new(0)) == NULL) {
		train_corpus_free(c);
		return NULL;
	}
	return c;
}

/* Frees c and all it owns (NULL is allowed). */
void
train_corpus_free(struct train_corpus *c)
{
	size_t	i;
	int	w;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->m[i].text);
		free(c->m[i].noisy);
		free(c->m[i].x);
	}
	free(c->m);
	for (w = 0; w < c->nwriters; w++)
		free(c->writers[w]);
	for (i = 0; i < c->nmodels; i++)
		model_unref(c->models[i]);
	free(c->models);
	free(c->orig_of);
	free(c->t);
	features_vec_free(c->v);
	free(c);
}

/* Adds a writer called name.  Returns its index, or -1. */
static int
add_writer(struct train_corpus *c, const char *name, char *err,
    size_t errsz)
{
	if (c->nwriters == TRAIN_WRITERS_MAX) {
		snprintf(err, errsz, _("%s: too many files (%d at most)"),
		    name, TRAIN_WRITERS_MAX);
		return -1;
	}
	if ((c->writers[c->nwriters] = strdup(name)) == NULL) {
		snprintf(err, errsz, "%s", _("out of memory"));
		return -1;
	}
	return c->nwriters++;
}

/*
 * Appends a message of class cls with a copy of text.  Returns it, or
 * NULL when memory is short.
 */
static struct train_msg *
add_msg(struct train_corpus *c, const char *text, size_t len, int cls)
{
	struct train_msg	*m, *grown;
	size_t			 cap;

	if (c->n == c->cap) {
		cap = c->cap ? c->cap * 2 : 1024;
		if ((grown = reallocarray(c->m, cap, sizeof(*c->m))) == NULL)
			return NULL;
		c->m = grown;
		c->cap = cap;
	}
	m = &c->m[c->n];
	memset(m, 0, sizeof(*m));
	if ((m->text = strndup(text, len)) == NULL)
		return NULL;
	m->len = len;
	m->cls = cls;
	m->model = -1;
	m->dev = train_is_dev(m->text, m->len);
	c->n++;
	return m;
}

/*
 * Reads the corpus file f, called name in messages, as one more writer:
 * one message a line, six fields separated by TABs (category,
 * subcategory, secondary, kind, lang, message); lines that start with
 * "#" and empty lines are skipped.  Returns 0, or -1 with "name:line:
 * why" in err for a bad line (the messages before it stay in c).
 */
int
train_corpus_read_fp(struct train_corpus *c, FILE *f, const char *name,
    char *err, size_t errsz)
{
	struct train_msg	*m;
	char			*line = NULL, *field[6], *p;
	size_t			 cap = 0, lineno = 0;
	ssize_t			 len;
	int			 i, w, cls, rc = -1;

	if ((w = add_writer(c, name, err, errsz)) == -1)
		return -1;
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (line[0] == '#' || len == 0)
			continue;
		for (p = line, i = 0; i < 5; i++) {
			field[i] = p;
			if ((p = strchr(p, '\t')) == NULL)
				break;
			*p++ = '\0';
		}
		if (i < 5) {
			snprintf(err, errsz, _("%s:%zu: fewer than six "
			    "fields"), name, lineno);
			goto fail;
		}
		field[5] = p;
		if (strchr(field[5], '\t') != NULL) {
			snprintf(err, errsz, _("%s:%zu: more than six fields "
			    "(a TAB in the message?)"), name, lineno);
			goto fail;
		}
		if ((cls = train_label(field[0], field[3])) == -1) {
			snprintf(err, errsz, _("%s:%zu: unknown label %s/%s"),
			    name, lineno, field[0], field[3]);
			goto fail;
		}
		if ((m = add_msg(c, field[5], strlen(field[5]), cls)) ==
		    NULL) {
			snprintf(err, errsz, "%s", _("out of memory"));
			goto fail;
		}
		m->phishing = strcmp(field[3], "phishing") == 0;
		m->writer = w;
		m->line = lineno;
	}
	if (ferror(f)) {
		snprintf(err, errsz, "%s: %s", name, strerror(errno));
		goto fail;
	}
	rc = 0;
fail:
	free(line);
	return rc;
}

/*
 * Reads the corpus file path as one more writer (train_corpus_read_fp()).
 * Returns 0, or -1 with the reason in err.
 */
int
train_corpus_read(struct train_corpus *c, const char *path, char *err,
    size_t errsz)
{
	FILE	*f;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = train_corpus_read_fp(c, f, path, err, errsz);
	fclose(f);
	return rc;
}

/* The class of a correction's category, or -1. */
static int
correction_class(const char *category)
{
	int	cls;

	if ((cls = train_label(category, "feedback")) != -1)
		return cls;
	if (strcmp(category, "feedback") != 0 &&
	    (cls = train_label("general", category)) != -1)
		return cls;
	return strcmp(category, "triage") == 0 ? TRAIN_TRIAGE : -1;
}

/*
 * Adds an officer's correction: text belongs in category (a category id,
 * "general" for triage, or one of the kinds that are not feedback:
 * "spam", "phishing", "thanks", "greeting", "other"), decided at time
 * at.  Corrections form a writer of their own, "corrections"; after
 * train_corpus_dedupe() the latest correction of a text replaces every
 * other message of that text.  Returns 0, or -1 with the reason in err.
 */
int
train_corpus_correct(struct train_corpus *c, const char *text,
    const char *category, long long at, char *err, size_t errsz)
{
	struct train_msg	*m;
	int			 cls;

	if ((cls = correction_class(category)) == -1) {
		snprintf(err, errsz, _("unknown category \"%s\""),
		    category);
		return -1;
	}
	if (text[0] == '\0') {
		snprintf(err, errsz, "%s", _("empty text"));
		return -1;
	}
	if (c->corrections == -1 && (c->corrections = add_writer(c,
	    "corrections", err, errsz)) == -1)
		return -1;
	if ((m = add_msg(c, text, strlen(text), cls)) == NULL) {
		snprintf(err, errsz, "%s", _("out of memory"));
		return -1;
	}
	m->phishing = strcmp(category, "phishing") == 0;
	m->writer = c->corrections;
	m->line = ++c->ncorrections;
	m->correction = 1;
	m->at = at;
	return 0;
}

/* The text a repeat is recognised by: NFC, lower case, trimmed. */
static char *
dup_key(struct text *t, const struct train_msg *m)
{
	size_t	 s = 0, e;

	text_normalise(t, m->text, m->len, 0);
	e = t->normlen;
	while (s < e && (t->norm[s] == ' ' || t->norm[s] == '\t'))
		s++;
	while (e > s && (t->norm[e - 1] == ' ' || t->norm[e - 1] == '\t'))
		e--;
	return strndup(t->norm + s, e - s);
}

struct keyed {
	char	*key;
	size_t	 i;
};

static int
cmp_key(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	return strcmp(x->key, y->key);
}

/*
 * Among the messages k[i..j) that share a text, the one to keep: the
 * latest correction when there is one (the last of equal times), else
 * the first in corpus order.  Returns its position in k, or j when all
 * are kept (one writer only, no correction).
 */
static size_t
keeper(const struct train_corpus *c, const struct keyed *k, size_t i,
    size_t j)
{
	const struct train_msg	*a, *b;
	size_t			 x, best = j, first = i;
	int			 multi = 0;

	for (x = i; x < j; x++) {
		a = &c->m[k[x].i];
		if (a->writer != c->m[k[i].i].writer)
			multi = 1;
		if (k[x].i < k[first].i)
			first = x;
		if (!a->correction)
			continue;
		b = best < j ? &c->m[k[best].i] : NULL;
		if (b == NULL || a->at > b->at || (a->at == b->at &&
		    k[x].i > k[best].i))
			best = x;
	}
	if (best < j)
		return best;
	return multi ? first : j;
}

/*
 * Leaves out the repeats: of the messages sharing a text (NFC, lower
 * case, trimmed) found in two writers' files or more, the first in
 * corpus order is kept; a text that has corrections keeps only the
 * latest correction.  Sets ndup (repeats left out) and noverridden
 * (messages a correction replaced).  Returns 0, or -1 when memory is
 * short.
 */
int
train_corpus_dedupe(struct train_corpus *c)
{
	struct keyed	*k;
	size_t		 i, j, a, keep;

	c->ndup = c->noverridden = 0;
	if (c->n == 0)
		return 0;
	if ((k = calloc(c->n, sizeof(*k))) == NULL)
		return -1;
	for (i = 0; i < c->n; i++) {
		c->m[i].dup = 0;
		if ((k[i].key = dup_key(c->t, &c->m[i])) == NULL)
			goto fail;
		k[i].i = i;
	}
	qsort(k, c->n, sizeof(*k), cmp_key);
	for (i = 0; i < c->n; i = j) {
		for (j = i + 1; j < c->n && strcmp(k[j].key, k[i].key) == 0;
		    j++)
			;
		if ((keep = keeper(c, k, i, j)) == j)
			continue;
		for (a = i; a < j; a++) {
			if (a == keep)
				continue;
			c->m[k[a].i].dup = 1;
			if (c->m[k[keep].i].correction)
				c->noverridden++;
			else
				c->ndup++;
		}
	}
	for (i = 0; i < c->n; i++)
		free(k[i].key);
	free(k);
	return 0;
fail:
	for (i = 0; i < c->n; i++)
		free(k[i].key);
	free(k);
	return -1;
}

/*
 * ===================================================================
 * Features
 * ===================================================================
 */

static int
cmp_node(const void *a, const void *b)
{
	const struct feature_node *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

static int
cmp_u32(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/*
 * Writes into out a copy of s with typos: each word of two letters or
 * more, with probability p, loses a letter, gets one doubled or two
 * swapped (ASCII letters only, so that UTF-8 stays valid).  The same
 * seed gives the same typos.  out holds 2 * len bytes.
 */
static void
add_typos(const char *s, size_t len, char *out, size_t *outlen, double p,
    unsigned *seed)
{
	size_t	i = 0, n = 0, start, k, at;
	char	*w, ch;
	int	 kind;

	while (i < len) {
		if (s[i] == ' ') {
			out[n++] = s[i++];
			continue;
		}
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		memcpy(out + n, s + start, i - start);
		k = i - start;
		if (k >= 2 && (double)rand_r(seed) / RAND_MAX < p) {
			at = (size_t)rand_r(seed) % (k - 1);
			w = out + n;
			kind = rand_r(seed) % 3;
			if (((w[at] | 0x20) >= 'a' && (w[at] | 0x20) <= 'z') &&
			    ((w[at + 1] | 0x20) >= 'a' &&
			    (w[at + 1] | 0x20) <= 'z')) {
				if (kind == 0) {		/* dropped */
					memmove(w + at, w + at + 1, k - at - 1);
					k--;
				} else if (kind == 1) {		/* doubled */
					memmove(w + at + 1, w + at, k - at);
					k++;
				} else {			/* swapped */
					ch = w[at];
					w[at] = w[at + 1];
					w[at + 1] = ch;
				}
			}
		}
		n += k;
	}
	*outlen = n;
}

/*
 * liblinear's nodes for v: sorted, repeats summed, then the bias (index
 * 2^bits + 1, renumbered by compact()).  Returns NULL when memory is
 * short.
 */
static struct feature_node *
nodes_of(const struct features_vec *v, unsigned bits)
{
	struct feature_node	*x;
	size_t			 j, k;

	if ((x = malloc((v->n + 2) * sizeof(*x))) == NULL)
		return NULL;
	for (k = 0; k < v->n; k++) {
		x[k].index = (int)v->idx[k] + 1;
		x[k].value = v->val[k];
	}
	qsort(x, v->n, sizeof(*x), cmp_node);
	for (k = 0, j = 0; k < v->n; k++) {
		if (j > 0 && x[j - 1].index == x[k].index)
			x[j - 1].value += x[k].value;
		else
			x[j++] = x[k];
	}
	x[j].index = (int)((size_t)1 << bits) + 1;	/* the bias */
	x[j].value = 1;
	x[j + 1].index = -1;
	return x;
}

/* Renumbers the features the corpus uses 1..ncompact, the bias after. */
static int
compact(struct train_corpus *c)
{
	uint32_t	*all, key, *at;
	size_t		 i, k, n = 0, cap = 0;

	for (i = 0; i < c->n; i++)
		for (k = 0; c->m[i].x[k].index != -1; k++)
			cap++;
	if ((all = malloc((cap + 1) * sizeof(*all))) == NULL)
		return -1;
	for (i = 0; i < c->n; i++)
		for (k = 0; c->m[i].x[k + 1].index != -1; k++)
			all[n++] = (uint32_t)c->m[i].x[k].index;
	qsort(all, n, sizeof(*all), cmp_u32);
	for (i = 0, k = 0; i < n; i++)
		if (k == 0 || all[k - 1] != all[i])
			all[k++] = all[i];
	free(c->orig_of);
	c->orig_of = all;
	c->ncompact = k;
	for (i = 0; i < c->n; i++) {
		for (k = 0; c->m[i].x[k + 1].index != -1; k++) {
			key = (uint32_t)c->m[i].x[k].index;
			at = bsearch(&key, c->orig_of, c->ncompact,
			    sizeof(*c->orig_of), cmp_u32);
			c->m[i].x[k].index = (int)(at - c->orig_of) + 1;
		}
		c->m[i].x[k].index = (int)c->ncompact + 1;
	}
	return 0;
}

/*
 * Routes every message as classify_text() does and extracts its features
 * with o->features into liblinear's form (renumbered: compact()); with
 * o->noise, also makes each message's noisy text (its typos seeded by
 * its place in the corpus).  Returns 0, or -1 with the reason in err.
 */
int
train_corpus_extract(struct train_corpus *c, const struct train_opts *o,
    const struct router *r, char *err, size_t errsz)
{
	static const struct classify_rule none;
	struct classification	 cl;
	struct train_msg	*m;
	unsigned		 seed;
	size_t			 i;
	int			 held;

	for (i = 0; i < c->n; i++) {
		m = &c->m[i];
		text_normalise(c->t, m->text, m->len, 0);
		/* The router's result as the daemon sees it. */
		classify_text(r, NULL, &none, c->t, NULL, &cl);
		m->router_cls = train_decision(r, &cl, NULL, &held);
		m->router_corr = (cl.route.flags & ROUTE_F_CORRUPTION) != 0;
		features_extract(&o->features, c->t, r, &cl.route, c->v);
		free(m->x);
		if ((m->x = nodes_of(c->v, o->features.bits)) == NULL)
			goto oom;
		free(m->noisy);
		m->noisy = NULL;
		if (o->noise > 0) {
			if ((m->noisy = malloc(m->len * 2 + 1)) == NULL)
				goto oom;
			seed = (unsigned)i + 1;
			add_typos(m->text, m->len, m->noisy, &m->noisylen,
			    o->noise, &seed);
			m->noisy[m->noisylen] = '\0';
		}
	}
	if (compact(c) == -1)
		goto oom;
	return 0;
oom:
	snprintf(err, errsz, "%s", _("out of memory"));
	return -1;
}

/*
 * ===================================================================
 * Training
 * ===================================================================
 */

static void
silent(const char *s)
{
	(void)s;
}

/* The model's trained line: the solver, C, the messages, the weights. */
static void
describe(char *buf, size_t bufsz, const struct train_opts *o, size_t n)
{
	size_t	len;
	int	k;

	len = (size_t)snprintf(buf, bufsz, "liblinear %d L2R_LR C=%g "
	    "messages=%zu weights=", liblinear_version, o->C, n);
	for (k = 0; k < TRAIN_NCLASSES && len < bufsz; k++)
		if (o->weight[k] > 0)
			len += (size_t)snprintf(buf + len, bufsz - len,
			    "%s:%g,", class_names[k], o->weight[k]);
	if (len < bufsz && buf[len - 1] == ',')
		buf[--len] = '\0';
	else if (len + 1 < bufsz && buf[len - 1] == '=')
		len += (size_t)snprintf(buf + len, bufsz - len, "-");
	if (o->note != NULL && len < bufsz)
		snprintf(buf + len, bufsz - len, " %s", o->note);
}

/* Our model from liblinear's, in the hashed space of the features. */
static struct model *
convert(const struct linear_model *lm, const struct train_corpus *c,
    const struct train_opts *o, const char *trained, char *err,
    size_t errsz)
{
	struct model	*m;
	size_t		 dim = (size_t)1 << o->features.bits, j;
	double		*w, bias[TRAIN_NCLASSES], v;
	int		 k, col, cls;

	if ((w = calloc(dim * TRAIN_NCLASSES, sizeof(*w))) == NULL) {
		snprintf(err, errsz, "%s", _("out of memory"));
		return NULL;
	}
	for (k = 0; k < TRAIN_NCLASSES; k++)
		bias[k] = -20;	/* a class the training never saw */
	for (col = 0; col < lm->nr_class; col++) {
		cls = lm->label[col];
		for (j = 0; j <= c->ncompact; j++) {
			if (lm->nr_class == 2)
				v = col == 0 ? lm->w[j] : -lm->w[j];
			else
				v = lm->w[j * (size_t)lm->nr_class +
				    (size_t)col];
			if (j < c->ncompact)
				w[(size_t)(c->orig_of[j] - 1) *
				    TRAIN_NCLASSES + (size_t)cls] = v;
			else
				bias[cls] = v * lm->bias;
		}
	}
	m = model_new(&o->features, class_names, TRAIN_NCLASSES, w, bias,
	    trained, err, errsz);
	free(w);
	return m;
}

/*
 * The largest difference between liblinear's probabilities and those of
 * our model m over every message of c: the check that the conversion
 * lost nothing but the weights' rounding.
 */
static double
difference(const struct train_corpus *c, const struct linear_model *lm,
    const struct model *m)
{
	struct features_vec	*v;
	double			 p[TRAIN_NCLASSES], q[MODEL_CLASSES_MAX];
	double			 lp[TRAIN_NCLASSES], maxd = 0;
	size_t			 i, k;
	int			 col;

	if ((v = features_vec_new(0)) == NULL)
		return NAN;
	for (i = 0; i < c->n; i++) {
		const struct feature_node *x = c->m[i].x;

		v->n = 0;
		for (k = 0; x[k + 1].index != -1 && k < FEATURES_MAX; k++) {
			v->idx[v->n] = c->orig_of[x[k].index - 1] - 1;
			v->val[v->n] = (float)x[k].value;
			v->group[v->n++] = 0;
		}
		model_predict(m, v, q);
		predict_probability(lm, x, lp);
		for (k = 0; k < TRAIN_NCLASSES; k++)
			p[k] = 0;
		for (col = 0; col < lm->nr_class; col++)
			p[lm->label[col]] = lp[col];
		for (k = 0; k < TRAIN_NCLASSES; k++)
			if (fabs(p[k] - q[k]) > maxd)
				maxd = fabs(p[k] - q[k]);
	}
	features_vec_free(v);
	return maxd;
}

/*
 * Trains a model on the messages of c (train_corpus_extract() done) for
 * which use[i] is set (all when use is NULL), repeats left out, with
 * liblinear's L2R_LR, o's C and class weights.  *nused, when nused is
 * not NULL, gets the number of messages trained on; *maxdiff, when
 * maxdiff is not NULL, the largest difference between liblinear's
 * probabilities and the model's over the corpus.  Returns the model with
 * one reference (the caller drops it with model_unref()), or NULL with
 * the reason in err.
 */
struct model *
train_model(const struct train_corpus *c, const unsigned char *use,
    const struct train_opts *o, size_t *nused, double *maxdiff, char *err,
    size_t errsz)
{
	struct problem		 prob;
	struct parameter	 param;
	struct linear_model	*lm = NULL;
	struct model		*m = NULL;
	const char		*lerr;
	char			 trained[TRAINED_MAX];
	int			 wl[TRAIN_NCLASSES], seen[TRAIN_NCLASSES];
	double			 wv[TRAIN_NCLASSES];
	size_t			 i, n = 0, nclasses = 0;

	memset(&prob, 0, sizeof(prob));
	memset(seen, 0, sizeof(seen));
	prob.y = malloc((c->n + 1) * sizeof(*prob.y));
	prob.x = malloc((c->n + 1) * sizeof(*prob.x));
	if (prob.y == NULL || prob.x == NULL) {
		snprintf(err, errsz, "%s", _("out of memory"));
		goto fail;
	}
	for (i = 0; i < c->n; i++) {
		if ((use != NULL && !use[i]) || c->m[i].dup)
			continue;
		if (c->m[i].x == NULL) {
			snprintf(err, errsz, "no features: extract first");
			goto fail;
		}
		prob.y[n] = c->m[i].cls;
		prob.x[n] = c->m[i].x;
		if (!seen[c->m[i].cls]++)
			nclasses++;
		n++;
	}
	if (nclasses < 2) {
		snprintf(err, errsz, ngettext("%zu messages of %zu class: "
		    "nothing to learn", "%zu messages of %zu classes: nothing "
		    "to learn", (unsigned long)nclasses), n, nclasses);
		goto fail;
	}
	prob.l = (int)n;
	prob.n = (int)c->ncompact + 1;
	prob.bias = 1;
	memset(&param, 0, sizeof(param));
	param.solver_type = L2R_LR;
	param.eps = 0.01;
	param.C = o->C;
	param.p = 0.1;
	for (i = 0; i < TRAIN_NCLASSES; i++)
		if (o->weight[i] > 0) {
			wl[param.nr_weight] = (int)i;
			wv[param.nr_weight] = o->weight[i];
			param.nr_weight++;
		}
	param.weight_label = wl;
	param.weight = wv;
	if ((lerr = check_parameter(&prob, &param)) != NULL) {
		snprintf(err, errsz, "liblinear: %s", lerr);
		goto fail;
	}
	set_print_string_function(silent);
	if ((lm = train(&prob, &param)) == NULL) {
		snprintf(err, errsz, "%s", _("liblinear: training failed"));
		goto fail;
	}
	describe(trained, sizeof(trained), o, n);
	if ((m = convert(lm, c, o, trained, err, errsz)) == NULL)
		goto fail;
	if (maxdiff != NULL)
		*maxdiff = difference(c, lm, m);
	if (nused != NULL)
		*nused = n;
fail:
	if (lm != NULL)
		free_and_destroy_model(&lm);
	free(prob.y);
	free(prob.x);
	return m;
}

/*
 * ===================================================================
 * Classifying
 * ===================================================================
 */

/*
 * The class of the decision cl (classify_text()) of router r.  A message
 * held for review sets *held; its class is then the most probable one
 * of prob (the model's probabilities in class order; triage without
 * them).  Returns the class.
 */
int
train_decision(const struct router *r, const struct classification *cl,
    const double *prob, int *held)
{
	int	k, best, cls;

	*held = 0;
	switch (cl->route.kind) {
	case ROUTE_FEEDBACK:
		if (cl->route.category == router_triage(r))
			return TRAIN_TRIAGE;
		cls = train_class_index(cl->route.category_id);
		return cls >= 0 && cls < TRAIN_TRIAGE ? cls : TRAIN_TRIAGE;
	case ROUTE_SPAM:
		return TRAIN_SPAM;
	case ROUTE_EMPTY:
	case ROUTE_GREETING:
		return TRAIN_GREETING;
	case ROUTE_THANKS:
		return TRAIN_THANKS;
	case ROUTE_OTHER:
		return TRAIN_OTHER;
	case ROUTE_HELD:
		break;
	}
	*held = 1;
	if (prob == NULL || !cl->model)
		return TRAIN_TRIAGE;
	for (best = 0, k = 1; k < TRAIN_NCLASSES; k++)
		if (prob[k] > prob[best])
			best = k;
	return best;
}

/* Registers m as a predictor of c.  Returns its index, or -1. */
static int
add_model(struct train_corpus *c, struct model *m)
{
	struct model	**grown;

	if (m == NULL)
		return -1;
	if ((grown = reallocarray(c->models, c->nmodels + 1,
	    sizeof(*grown))) == NULL)
		return -2;
	c->models = grown;
	c->models[c->nmodels] = model_ref(m);
	return (int)c->nmodels++;
}

static const char *
text_of(const struct train_msg *m, size_t *len)
{
	if (m->on_noisy && m->noisy != NULL) {
		*len = m->noisylen;
		return m->noisy;
	}
	*len = m->len;
	return m->text;
}

/*
 * Classifies the messages of c for which in[i] is set (all when in is
 * NULL; repeats never) as the daemon does: classify_text() with router r,
 * model m (NULL: the keyword router alone) and rule, on each message's
 * noisy text when noisy is set and there is one.  Sets each message's
 * probabilities (m's, in class order; for the router alone, certainty
 * of its class), decision (pred, held) and predictor, which train_rescore()
 * uses again; c keeps a reference to m.  Returns 0, or -1 with the
 * reason in err.
 */
int
train_predict(struct train_corpus *c, const unsigned char *in,
    const struct router *r, struct model *m,
    const struct classify_rule *rule, int noisy, char *err, size_t errsz)
{
	struct classification	 cl;
	struct train_msg	*msg;
	double			 q[MODEL_CLASSES_MAX];
	const char		*s;
	size_t			 i, len;
	int			 k, mi, at[TRAIN_NCLASSES];

	if ((mi = add_model(c, m)) == -2) {
		snprintf(err, errsz, "%s", _("out of memory"));
		return -1;
	}
	for (k = 0; k < TRAIN_NCLASSES; k++)
		at[k] = m != NULL ? model_class_index(m, class_names[k]) : -1;
	for (i = 0; i < c->n; i++) {
		msg = &c->m[i];
		if ((in != NULL && !in[i]) || msg->dup)
			continue;
		msg->model = mi;
		msg->on_noisy = noisy && msg->noisy != NULL;
		s = text_of(msg, &len);
		text_normalise(c->t, s, len, 0);
		classify_text(r, m, rule, c->t, c->v, &cl);
		for (k = 0; k < TRAIN_NCLASSES; k++)
			msg->prob[k] = 0;
		if (m != NULL) {
			/* An empty message: classify_text() left m out. */
			if (!cl.model)
				features_extract(model_features(m), c->t, r,
				    &cl.route, c->v);
			model_predict(m, c->v, q);
			for (k = 0; k < TRAIN_NCLASSES; k++)
				if (at[k] >= 0)
					msg->prob[k] = q[at[k]];
		}
		msg->pred = train_decision(r, &cl, msg->prob, &msg->held);
		if (m == NULL)
			msg->prob[msg->pred] = 1;
	}
	return 0;
}

/*
 * The figures of the decisions train_predict() made on the messages of c
 * for which in[i] is set (all when in is NULL; repeats never).
 */
void
train_score(const struct train_corpus *c, const unsigned char *in,
    struct train_figures *fg)
{
	size_t	i;

	memset(fg, 0, sizeof(*fg));
	for (i = 0; i < c->n; i++)
		if ((in == NULL || in[i]) && !c->m[i].dup)
			train_figures_add(fg, c->m[i].cls, c->m[i].pred,
			    c->m[i].held);
	train_figures_done(fg);
}

/*
 * The figures of the messages in[] (as for train_score()), decided again
 * under another rule with the predictors train_predict() used; the
 * messages' own decisions stay as they were.
 */
void
train_rescore(struct train_corpus *c, const unsigned char *in,
    const struct router *r, const struct classify_rule *rule,
    struct train_figures *fg)
{
	struct classification	 cl;
	const struct train_msg	*msg;
	const char		*s;
	size_t			 i, len;
	int			 pred, held;

	memset(fg, 0, sizeof(*fg));
	for (i = 0; i < c->n; i++) {
		msg = &c->m[i];
		if ((in != NULL && !in[i]) || msg->dup)
			continue;
		s = text_of(msg, &len);
		text_normalise(c->t, s, len, 0);
		classify_text(r, msg->model >= 0 ? c->models[msg->model] :
		    NULL, rule, c->t, c->v, &cl);
		pred = train_decision(r, &cl, msg->prob, &held);
		train_figures_add(fg, msg->cls, pred, held);
	}
	train_figures_done(fg);
}

/*
 * ===================================================================
 * Figures
 * ===================================================================
 */

/* Counts one decision: the label truth, the class pred, held or not. */
void
train_figures_add(struct train_figures *fg, int truth, int pred, int held)
{
	fg->n++;
	if (held) {
		/* Neither filed nor dropped: counted apart. */
		fg->held_n++;
		if (truth == TRAIN_SPAM)
			fg->spam_held++;
		else if (train_is_case(truth))
			fg->fb_held++;
		if (truth == TRAIN_CORRUPTION)
			fg->corr_held++;
	}
	fg->conf[truth][pred]++;
	fg->held[truth][pred] += held != 0;
}

/* Computes the top-level figures from the counts. */
void
train_figures_done(struct train_figures *fg)
{
	size_t	n;
	double	sum = 0;
	int	i, j;

	memset(fg->tn, 0, sizeof(fg->tn));
	memset(fg->pn, 0, sizeof(fg->pn));
	memset(fg->ok, 0, sizeof(fg->ok));
	fg->top_ok = fg->spam_n = fg->spam_cases = fg->fb_n = 0;
	fg->fb_dropped = 0;
	for (i = 0; i < TRAIN_NCLASSES; i++)
		for (j = 0; j < TRAIN_NCLASSES; j++) {
			n = fg->conf[i][j];
			fg->tn[train_top(i)] += n;
			fg->pn[train_top(j)] += n;
			if (train_top(i) == train_top(j)) {
				fg->ok[train_top(i)] += n;
				fg->top_ok += n;
			}
			if (i == TRAIN_SPAM) {
				fg->spam_n += n;
				if (train_is_case(j))
					fg->spam_cases += n - fg->held[i][j];
			}
			if (train_is_case(i)) {
				fg->fb_n += n;
				if (!train_is_case(j))
					fg->fb_dropped += n - fg->held[i][j];
			}
		}
	for (i = 0; i < TRAIN_NTOP; i++) {
		fg->p[i] = fg->pn[i] ? (double)fg->ok[i] / fg->pn[i] : 0;
		fg->r[i] = fg->tn[i] ? (double)fg->ok[i] / fg->tn[i] : 0;
		fg->f[i] = fg->p[i] + fg->r[i] > 0 ? 2 * fg->p[i] * fg->r[i] /
		    (fg->p[i] + fg->r[i]) : 0;
		sum += fg->f[i];
	}
	fg->macro_f1 = sum / TRAIN_NTOP;
	fg->top_acc = fg->n ? (double)fg->top_ok / fg->n : 0;
	fg->corr_n = fg->tn[TRAIN_CORRUPTION];
	fg->corr_pred = fg->pn[TRAIN_CORRUPTION];
	fg->corr_ok = fg->ok[TRAIN_CORRUPTION];
	fg->corr_recall = fg->r[TRAIN_CORRUPTION];
	fg->corr_precision = fg->p[TRAIN_CORRUPTION];
}

/* Prints the figures on one line, after what. */
void
train_figures_summary(FILE *fp, const char *what,
    const struct train_figures *fg)
{
	fprintf(fp, "%-24s n=%4zu  acc %5.1f%%  macroF1 %5.3f  corr recall "
	    "%5.1f%% (%zu/%zu)  restricted precision %5.1f%% (%zu/%zu)  "
	    "spam->case %zu/%zu  complaint->dropped %zu/%zu  held %zu "
	    "(spam %zu, complaints %zu, corruption %zu)\n", what, fg->n,
	    100 * fg->top_acc, fg->macro_f1, 100 * fg->corr_recall,
	    fg->corr_ok, fg->corr_n, 100 * fg->corr_precision, fg->corr_ok,
	    fg->corr_pred, fg->spam_cases, fg->spam_n, fg->fb_dropped,
	    fg->fb_n, fg->held_n, fg->spam_held, fg->fb_held, fg->corr_held);
}

/*
 * Prints each top-level category's precision, recall and F1, and the
 * confusion matrix of the classes (train_figures_confusion()).
 */
void
train_figures_print(FILE *fp, const struct train_figures *fg)
{
	int	i;

	fprintf(fp, "\n%-15s %6s %6s %6s %5s %5s\n", "category", "prec",
	    "recall", "F1", "true", "pred");
	for (i = 0; i < TRAIN_NTOP; i++)
		fprintf(fp, "%-15s %5.1f%% %5.1f%% %6.3f %5zu %5zu\n",
		    train_top_name(i), 100 * fg->p[i], 100 * fg->r[i],
		    fg->f[i], fg->tn[i], fg->pn[i]);
	train_figures_confusion(fp, fg);
}

/*
 * Prints the confusion matrix of the classes, after an empty line: a row
 * per label, a column per decision, four-letter names.
 */
void
train_figures_confusion(FILE *fp, const struct train_figures *fg)
{
	int	i, j;

	fprintf(fp, "\n%s\n      ", _("confusion (rows: true class, "
	    "columns: predicted)"));
	for (j = 0; j < TRAIN_NCLASSES; j++)
		fprintf(fp, "%5s", class_abbr[j]);
	fprintf(fp, "\n");
	for (i = 0; i < TRAIN_NCLASSES; i++) {
		fprintf(fp, "%-6s", class_abbr[i]);
		for (j = 0; j < TRAIN_NCLASSES; j++)
			fprintf(fp, "%5zu", fg->conf[i][j]);
		fprintf(fp, "\n");
	}
	fprintf(fp, "\n");
}

/* Whether a / an is below b / bn, exactly (no division). */
static int
below(size_t a, size_t an, size_t b, size_t bn)
{
	return (unsigned long long)a * bn < (unsigned long long)b * an;
}

/*
 * The rule that keeps a retrained model out: the candidate is refused
 * when it is worse than the running model on the same test part, on
 * top-level accuracy or on corruption recall (equal is not worse).
 * With force it is accepted all the same.  why gets the reason (or ""
 * when the candidate is not worse).  Returns 1 to accept, 0 to refuse.
 */
int
train_accept(const struct train_figures *running,
    const struct train_figures *candidate, int force, char *why,
    size_t whysz)
{
	int	acc, corr;

	acc = below(candidate->top_ok, candidate->n, running->top_ok,
	    running->n);
	corr = below(candidate->corr_ok, candidate->corr_n, running->corr_ok,
	    running->corr_n);
	if (whysz > 0)
		why[0] = '\0';
	if (!acc && !corr)
		return 1;
	if (acc && corr)
		snprintf(why, whysz, _("the new model is worse than the "
		    "running one on accuracy (%.1f%% < %.1f%%) and on "
		    "corruption recall (%.1f%% < %.1f%%)"),
		    100 * candidate->top_acc, 100 * running->top_acc,
		    100 * candidate->corr_recall, 100 * running->corr_recall);
	else if (acc)
		snprintf(why, whysz, _("the new model is worse than the "
		    "running one on accuracy (%.1f%% < %.1f%%)"),
		    100 * candidate->top_acc, 100 * running->top_acc);
	else
		snprintf(why, whysz, _("the new model is worse than the "
		    "running one on corruption recall (%.1f%% < %.1f%%)"),
		    100 * candidate->corr_recall, 100 * running->corr_recall);
	return force != 0;
}
