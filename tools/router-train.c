/*
 * router-train.c: the lab tool that trains and evaluates the learned
 * classifier of messages (src/domain/features.h, src/domain/model.h) on
 * labelled corpus files (data/router/LABELLING.md), with liblinear's
 * L2-regularised logistic regression (solver L2R_LR, "-s 0"), one class
 * against the rest.  The corpus, the training, the decisions and the
 * figures are src/ctl/train.c's, which papictl router train uses too;
 * the decisions are those of the daemon (src/domain/classify.c).
 *
 *	router-train [options] -o MODEL FILE...		train, write MODEL
 *	router-train [options] --eval MODEL FILE...	evaluate MODEL
 *	router-train [options] --dev FILE...		train on the files'
 *		training part, evaluate on their development part
 *	router-train [options] --lowo FILE...		leave one writer out:
 *		each file is a writer; train on the others, test on it
 *	router-train [options] --router FILE...		the keyword router
 *		alone, on the same sets (with --dev, --lowo or --split)
 *	router-train [options] --explain MODEL TEXT...	the probabilities,
 *		the rule's decision and the features that weighed most for
 *		it, for each message TEXT
 *
 * Options:
 *	-c CONF		papigw.conf: the keyword router (lexicon features and
 *			--router) and the rule's thresholds (its classifier
 *			group)
 *	-C VALUE	liblinear's C (default 32)
 *	-W CLASS:W,...	class weights (liblinear -wi), e.g. corruption:2
 *	-F KEY=VALUE	a feature setting: bits=18, groups=words,chars,...,
 *			weights=w1,...,w7 (all seven groups, in order),
 *			chars=3-5, binary=0|1, norm=group|l2|none,
 *			wordchars=0|1 (repeatable)
 *	-R RULE		the rule's thresholds instead of the configuration's:
 *			spam=0.5,corr=0.25,correv=0.1,review=0.15,nf=0.6;
 *			review=0 never holds, router=0 ignores the keyword
 *			router's evidence of corruption (correv); rfirst=0
 *			is accepted and changes nothing (the order of the
 *			rule is classify.c's)
 *	--split all|dev|train	the messages -o trains on, and those
 *			--eval and --router use (default all)
 *	--table		print the trade-off tables of the thresholds
 *	--errors N	list N misclassified messages
 *	--oof FILE	write each test message's probabilities (--lowo,
 *			--dev, --eval) as TSV
 *	--noise P	--lowo and --dev test on the messages with typos: each
 *			word, with probability P, loses a letter, gets one
 *			doubled or two swapped (a robustness check)
 *	-q		only the summary lines
 *
 * The corpus: a message whose text (NFC, lower case, trimmed) also
 * appears in another writer's file is kept once, in its first file, and
 * dropped elsewhere; a message is in the development part when the FNV-1a
 * (32 bits) of its bytes modulo 100 is under 15.
 *
 * The classes: the eleven feedback categories, "triage" (category
 * general, kind feedback), "spam" (kinds spam and phishing), "thanks",
 * "greeting", "other".  At the top level the last five are "general".
 *
 * The decision is classify_text()'s (src/domain/classify.c): spam, then
 * the corruption queue, then held for review, then not feedback, then
 * the most probable feedback class.  A message held is counted apart
 * ("held": neither filed nor dropped) under its most probable class.
 *
 * "make model" trains the shipped model; the settings come from
 * leave-one-writer-out validation on data/router/train (never on
 * data/router/test):
 *
 *	build/router-train --lowo --table data/router/train/w*.tsv
 *	build/router-train -o build/router.model data/router/train/w*.tsv
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "domain/classify.h"
#include "domain/features.h"
#include "domain/model.h"
#include "domain/router.h"
#include "text/text.h"
#include "ctl/train.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

#define RULE_ARGS_MAX	16	/* -R options */

/* The thresholds as set (-R), before they become a classify_rule. */
struct rule {
	double		 spam;
	double		 corr;
	double		 correv;
	double		 review;	/* 0: never hold */
	double		 nf;
	int		 router;	/* use the router's evidence */
};

static struct config		*conf;
static struct router		*router;
static struct train_opts	 opts;
static struct rule		 rule;
static int			 quiet;
static int			 opt_errors;
static int			 opt_table;
static FILE			*oof;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: router-train [-q] [-c CONF] [-C C] "
	    "[-W CLASS:W,...] [-F KEY=VALUE] [-R RULE]\n"
	    "\t[--split all|dev|train] [--table] [--errors N] [--oof FILE]\n"
	    "\t[--noise P]\n"
	    "\t(-o MODEL | --eval MODEL | --dev | --lowo | --router) "
	    "FILE...\n"
	    "       router-train [-c CONF] [-R RULE] --explain MODEL "
	    "TEXT...\n");
	exit(2);
}

static void __attribute__((noreturn))
die(const char *msg)
{
	fprintf(stderr, "router-train: %s\n", msg);
	exit(1);
}

/* The classify_rule of r: what classify_text() decides with. */
static void
rule_of(const struct rule *r, struct classify_rule *cr)
{
	cr->spam = r->spam;
	cr->corruption = r->corr;
	cr->corruption_evidence = r->router ? r->correv : TRAIN_NEVER;
	cr->review = r->review > 0 ? r->review : TRAIN_NEVER;
	cr->nonfeedback = r->nf;
}

/*
 * ===================================================================
 * Options
 * ===================================================================
 */

static void
parse_weights(const char *s)
{
	char	*copy, *p, *tok, *save = NULL, *colon;
	int	 c;

	if ((copy = strdup(s)) == NULL)
		die("out of memory");
	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		if ((colon = strchr(tok, ':')) == NULL)
			usage();
		*colon = '\0';
		if ((c = train_class_index(tok)) == -1) {
			fprintf(stderr, "router-train: no class %s\n", tok);
			exit(2);
		}
		opts.weight[c] = atof(colon + 1);
	}
	free(copy);
}

static void
parse_rule(const char *s)
{
	char	*copy, *p, *tok, *save = NULL, *eq;
	double	 v;

	if ((copy = strdup(s)) == NULL)
		die("out of memory");
	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		if ((eq = strchr(tok, '=')) == NULL)
			usage();
		*eq++ = '\0';
		v = atof(eq);
		if (strcmp(tok, "spam") == 0)
			rule.spam = v;
		else if (strcmp(tok, "corr") == 0)
			rule.corr = v;
		else if (strcmp(tok, "correv") == 0)
			rule.correv = v;
		else if (strcmp(tok, "nf") == 0)
			rule.nf = v;
		else if (strcmp(tok, "review") == 0)
			rule.review = v;
		else if (strcmp(tok, "router") == 0)
			rule.router = (int)v;
		else if (strcmp(tok, "rfirst") == 0 && v != 0) {
			fprintf(stderr, "router-train: -R rfirst=1: the "
			    "rule is the daemon's (classify.c), which puts "
			    "the corruption queue before review\n");
			exit(2);
		} else if (strcmp(tok, "rfirst") != 0)
			usage();
	}
	free(copy);
}

/* Applies one -F KEY=VALUE to the feature settings. */
static void
set_feature(const char *s)
{
	struct features_conf *fc = &opts.features;
	char	 line[FEATURES_CONF_MAX * 2], key[32], err[256];
	char	*p, *tok, *save = NULL, *copy, *end;
	char	 out[FEATURES_CONF_MAX * 2] = "";
	const char *eq = strchr(s, '='), *q;
	float	 w[FEATURES_NGROUPS];
	size_t	 ol;
	int	 g, found = 0;

	if (eq == NULL || (size_t)(eq - s) >= sizeof(key))
		usage();
	memcpy(key, s, (size_t)(eq - s));
	key[eq - s] = '\0';
	if (strcmp(key, "weights") == 0) {
		/* All seven groups, whether on or not. */
		for (q = eq + 1, g = 0; g < FEATURES_NGROUPS; g++) {
			fc->weight[g] = (float)strtod(q, &end);
			if (end == q)
				usage();
			q = *end == ',' ? end + 1 : end;
		}
		return;
	}
	if (strcmp(key, "groups") == 0) {
		if ((copy = strdup(eq + 1)) == NULL)
			die("out of memory");
		fc->groups = 0;
		for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL;
		    p = NULL)
			for (g = 0; g < FEATURES_NGROUPS; g++)
				if (strcmp(tok, features_group_name(
				    (enum features_group)g)) == 0)
					fc->groups |= 1u << g;
		free(copy);
		return;
	}
	/* The others: patch the formatted line and parse it back. */
	features_conf_format(fc, line, sizeof(line));
	for (p = line; (tok = strtok_r(p, " ", &save)) != NULL; p = NULL) {
		ol = strlen(out);
		if (strncmp(tok, key, strlen(key)) == 0 &&
		    tok[strlen(key)] == '=') {
			snprintf(out + ol, sizeof(out) - ol, "%s%s", ol ? " " :
			    "", s);
			found = 1;
		} else
			snprintf(out + ol, sizeof(out) - ol, "%s%s", ol ? " " :
			    "", tok);
	}
	memcpy(w, fc->weight, sizeof(w));
	if (!found || features_conf_parse(fc, out, err, sizeof(err)) == -1) {
		fprintf(stderr, "router-train: -F %s: %s\n", s,
		    found ? err : "no such setting");
		exit(2);
	}
	memcpy(fc->weight, w, sizeof(w));
}

/*
 * ===================================================================
 * Reports
 * ===================================================================
 */

/* The trade-off of the thresholds, the rest of the rule fixed. */
static void
print_table(struct train_corpus *c, const unsigned char *in)
{
	static const double corr[] = { 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15,
	    0.12, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02 };
	static const double correv[] = { 1.01, 0.2, 0.1, 0.05, 0.03 };
	static const double sp[] = { 0.3, 0.4, 0.5, 0.6 };
	static const double rv[] = { 0, 0.1, 0.15, 0.2, 0.25 };
	static const double nf[] = { 0.5, 0.6, 0.7, 0.8 };
	struct train_figures	 fg;
	struct classify_rule	 cr;
	struct rule		 r = rule;
	size_t			 a, b, d;
	char			 ev[16];

	printf("\ncorruption thresholds (spam=%.2f nf=%.2f)\n"
	    "%6s %7s %9s %10s %9s %8s %6s\n", rule.spam, rule.nf, "corr",
	    "correv", "recall", "precision", "accuracy", "macroF1", "spam");
	for (b = 0; b < sizeof(correv) / sizeof(correv[0]); b++)
		for (a = 0; a < sizeof(corr) / sizeof(corr[0]); a++) {
			r.corr = corr[a];
			r.correv = correv[b];
			r.router = correv[b] <= 1;
			if (r.router && r.correv >= r.corr)
				continue;
			rule_of(&r, &cr);
			train_rescore(c, in, router, &cr, &fg);
			if (r.router)
				snprintf(ev, sizeof(ev), "%.2f", r.correv);
			else
				snprintf(ev, sizeof(ev), "-");
			printf("%6.2f %7s %8.1f%% %9.1f%% %8.1f%% %8.3f %6zu\n",
			    r.corr, ev, 100 * fg.corr_recall,
			    100 * fg.corr_precision, 100 * fg.top_acc,
			    fg.macro_f1, fg.spam_cases);
		}
	printf("\nnon-feedback thresholds (corr=%.2f correv=%.2f)\n"
	    "%6s %6s %6s %11s %12s %6s %11s %9s\n", rule.corr, rule.correv,
	    "spam", "review", "nf", "spam->case", "complaint->", "held",
	    "(spam/fb)", "accuracy");
	r = rule;
	for (a = 0; a < sizeof(sp) / sizeof(sp[0]); a++)
		for (b = 0; b < sizeof(rv) / sizeof(rv[0]); b++)
			for (d = 0; d < sizeof(nf) / sizeof(nf[0]); d++) {
				r.spam = sp[a];
				r.review = rv[b];
				r.nf = nf[d];
				if (r.review >= r.spam)
					continue;
				rule_of(&r, &cr);
				train_rescore(c, in, router, &cr, &fg);
				snprintf(ev, sizeof(ev), "%zu/%zu",
				    fg.spam_held, fg.fb_held);
				printf("%6.2f %6.2f %6.2f %11zu %12zu %6zu "
				    "%11s %8.1f%%\n", r.spam, r.review, r.nf,
				    fg.spam_cases, fg.fb_dropped, fg.held_n, ev,
				    100 * fg.top_acc);
			}
}

static void
print_errors(const struct train_corpus *c, const unsigned char *in,
    int max)
{
	const struct train_msg	*m;
	size_t			 i;
	int			 n = 0;

	printf("\nmisclassified (true -> predicted, P(predicted), "
	    "P(true)):\n");
	for (i = 0; i < c->n && n < max; i++) {
		m = &c->m[i];
		if (!in[i] || m->dup || train_top(m->pred) == train_top(m->cls))
			continue;
		printf("%s:%zu\t%s -> %s\t%.2f %.2f\t%s\n",
		    c->writers[m->writer], m->line, train_class_name(m->cls),
		    train_class_name(m->pred), m->prob[m->pred],
		    m->prob[m->cls], m->text);
		n++;
	}
}

static void
write_oof(const struct train_corpus *c, const unsigned char *in)
{
	const struct train_msg	*m;
	size_t			 i;
	int			 k;

	if (oof == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		m = &c->m[i];
		if (!in[i] || m->dup)
			continue;
		fprintf(oof, "%d\t%zu\t%d\t%s\t%s\t%d\t%d", m->writer, m->line,
		    m->dev, train_class_name(m->cls),
		    train_class_name(m->router_cls), m->router_corr,
		    m->phishing);
		for (k = 0; k < TRAIN_NCLASSES; k++)
			fprintf(oof, "\t%.5f", m->prob[k]);
		fprintf(oof, "\t%s\n", m->text);
	}
}

/*
 * Figures that do not depend on the thresholds, to compare models: the
 * accuracy of the most probable class, the log loss, and the operating
 * point: the highest corruption threshold (the other thresholds as set,
 * without the router's evidence) whose corruption recall is 97 % or
 * more, with its precision and accuracy.
 */
static void
print_model_figures(struct train_corpus *c, const unsigned char *in)
{
	const struct train_msg	*m;
	struct train_figures	 fg;
	struct classify_rule	 cr;
	struct rule		 r = rule;
	double			 loss = 0, t;
	size_t			 i, n = 0, ok = 0;
	int			 k, best;

	for (i = 0; i < c->n; i++) {
		m = &c->m[i];
		if (!in[i] || m->dup)
			continue;
		for (best = 0, k = 1; k < TRAIN_NCLASSES; k++)
			if (m->prob[k] > m->prob[best])
				best = k;
		ok += train_top(best) == train_top(m->cls);
		loss -= log(m->prob[m->cls] > 1e-9 ? m->prob[m->cls] : 1e-9);
		n++;
	}
	memset(&fg, 0, sizeof(fg));
	r.router = 0;
	for (t = 0.6; t > 0.004; t -= 0.005) {
		r.corr = t;
		rule_of(&r, &cr);
		train_rescore(c, in, router, &cr, &fg);
		if (fg.corr_recall >= 0.97)
			break;
	}
	printf("%-24s argmax acc %5.1f%%  logloss %.4f  at recall>=97%%: "
	    "corr=%.3f precision %5.1f%% acc %5.1f%% spam->case %zu\n",
	    "  threshold-free", n ? 100.0 * ok / n : 0, n ? loss / n : 0, t,
	    100 * fg.corr_precision, 100 * fg.top_acc, fg.spam_cases);
}

/* Prints the figures of the decisions over in[], and what was asked. */
static void
report(const char *what, struct train_corpus *c, const unsigned char *in)
{
	struct train_figures	fg;

	train_score(c, in, &fg);
	train_figures_summary(stdout, what, &fg);
	if (!quiet)
		train_figures_print(stdout, &fg);
	if (strncmp(what, "router", 6) != 0)
		print_model_figures(c, in);
	if (opt_table)
		print_table(c, in);
	if (opt_errors > 0)
		print_errors(c, in, opt_errors);
	write_oof(c, in);
}

/*
 * ===================================================================
 * Modes
 * ===================================================================
 */

static unsigned char *
selection(size_t n)
{
	unsigned char	*s;

	if ((s = calloc(n + 1, 1)) == NULL)
		die("out of memory");
	return s;
}

static int
in_split(const struct train_msg *m, const char *split)
{
	return strcmp(split, "all") == 0 ||
	    (strcmp(split, "dev") == 0) == (m->dev != 0);
}

static const char *
base_name(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static int
mode_train(struct train_corpus *c, const char *path, const char *split)
{
	unsigned char	*use = selection(c->n);
	struct model	*m;
	char		 err[TRAIN_ERR_MAX];
	double		 maxd = 0;
	size_t		 i, n = 0;

	for (i = 0; i < c->n; i++)
		use[i] = in_split(&c->m[i], split);
	if ((m = train_model(c, use, &opts, &n, &maxd, err,
	    sizeof(err))) == NULL || model_save(m, path, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "router-train: %s\n", err);
		model_unref(m);
		free(use);
		return 1;
	}
	printf("model: %s: %zu classes, %zu rows, %.1f MB in memory, trained "
	    "on %zu messages; largest difference from liblinear %.2g\n",
	    path, model_nclasses(m), model_nrows(m),
	    model_memory(m) / 1048576.0, n, maxd);
	model_unref(m);
	free(use);
	return 0;
}

static int
mode_eval(struct train_corpus *c, const char *path, const char *split)
{
	unsigned char		*in = selection(c->n);
	struct classify_rule	 cr;
	struct model		*m;
	char			 err[TRAIN_ERR_MAX], what[64];
	size_t			 i;

	if ((m = model_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "router-train: %s\n", err);
		free(in);
		return 1;
	}
	for (i = 0; i < c->n; i++)
		in[i] = in_split(&c->m[i], split);
	rule_of(&rule, &cr);
	if (train_predict(c, in, router, m, &cr, 0, err, sizeof(err)) == -1)
		die(err);
	snprintf(what, sizeof(what), "model (%s)", split);
	report(what, c, in);
	model_unref(m);
	free(in);
	return 0;
}

/* Explains the decision on each message of texts. */
static int
mode_explain(const char *path, char **texts, int n)
{
	struct features_vec	*v = features_vec_new(1);
	struct text		*t = text_alloc();
	struct classify_rule	 cr;
	struct classification	 cl;
	struct route_result	 res;
	struct model		*m;
	double			 p[TRAIN_NCLASSES], q[MODEL_CLASSES_MAX];
	char			 err[MODEL_ERR_MAX];
	size_t			 k, order[TRAIN_NCLASSES], a, b, tmp;
	int			 i, pred, held, at;

	if (v == NULL || t == NULL)
		die("out of memory");
	if ((m = model_load(path, err, sizeof(err))) == NULL)
		die(err);
	rule_of(&rule, &cr);
	for (i = 0; i < n; i++) {
		text_normalise(t, texts[i], strlen(texts[i]), 0);
		router_classify_text(router, t, &res);
		classify_text(router, m, &cr, t, v, &cl);
		if (!cl.model)
			features_extract(model_features(m), t, router,
			    &cl.route, v);
		model_predict(m, v, q);
		for (k = 0; k < TRAIN_NCLASSES; k++) {
			at = model_class_index(m, train_class_name((int)k));
			p[k] = at >= 0 ? q[at] : 0;
		}
		pred = train_decision(router, &cl, p, &held);
		printf("%s\n  decision: %s%s (keyword router: %s/%s)\n  ",
		    texts[i], train_class_name(pred), held ?
		    ", held for review" : "", res.category_id,
		    route_kind_name(res.kind));
		for (k = 0; k < TRAIN_NCLASSES; k++)
			order[k] = k;
		for (a = 1; a < TRAIN_NCLASSES; a++)
			for (b = a; b > 0 && p[order[b]] > p[order[b - 1]];
			    b--) {
				tmp = order[b];
				order[b] = order[b - 1];
				order[b - 1] = tmp;
			}
		for (k = 0; k < 3; k++)
			printf("%sP(%s)=%.3f", k ? " " : "",
			    train_class_name((int)order[k]), p[order[k]]);
		printf("\n  why %s:", cl.model ? cl.model_class : "-");
		for (k = 0; k < cl.nwhy; k++)
			printf(" %s (%+.3f)", cl.why[k].name, cl.why[k].weight);
		printf("\n");
	}
	model_unref(m);
	features_vec_free(v);
	free(t);
	return 0;
}

static int
mode_dev(struct train_corpus *c)
{
	unsigned char		*use = selection(c->n), *in = selection(c->n);
	struct classify_rule	 cr;
	struct model		*m;
	char			 err[TRAIN_ERR_MAX];
	size_t			 i;

	for (i = 0; i < c->n; i++) {
		use[i] = !c->m[i].dev;
		in[i] = c->m[i].dev;
	}
	rule_of(&rule, &cr);
	if ((m = train_model(c, use, &opts, NULL, NULL, err,
	    sizeof(err))) == NULL ||
	    train_predict(c, in, router, m, &cr, 1, err, sizeof(err)) == -1)
		die(err);
	model_unref(m);
	report("model dev", c, in);
	free(use);
	free(in);
	return 0;
}

static int
mode_lowo(struct train_corpus *c)
{
	unsigned char		*use = selection(c->n), *in = selection(c->n);
	struct train_figures	 fg;
	struct classify_rule	 cr;
	struct model		*m;
	char			 err[TRAIN_ERR_MAX], what[64];
	size_t			 i;
	int			 w;

	rule_of(&rule, &cr);
	for (w = 0; w < c->nwriters; w++) {
		for (i = 0; i < c->n; i++) {
			use[i] = c->m[i].writer != w;
			in[i] = !use[i];
		}
		if ((m = train_model(c, use, &opts, NULL, NULL, err,
		    sizeof(err))) == NULL || train_predict(c, in, router, m,
		    &cr, 1, err, sizeof(err)) == -1)
			die(err);
		model_unref(m);
		train_score(c, in, &fg);
		snprintf(what, sizeof(what), "lowo %s",
		    base_name(c->writers[w]));
		train_figures_summary(stdout, what, &fg);
	}
	memset(in, 1, c->n);
	report("lowo all", c, in);
	free(use);
	free(in);
	return 0;
}

static int
mode_router(struct train_corpus *c, const char *split, int lowo)
{
	unsigned char		*in = selection(c->n);
	struct train_figures	 fg;
	struct classify_rule	 cr;
	char			 err[TRAIN_ERR_MAX], what[64];
	size_t			 i;
	int			 w;

	rule_of(&rule, &cr);
	if (train_predict(c, NULL, router, NULL, &cr, 0, err,
	    sizeof(err)) == -1)
		die(err);
	if (lowo)
		for (w = 0; w < c->nwriters; w++) {
			for (i = 0; i < c->n; i++)
				in[i] = c->m[i].writer == w;
			train_score(c, in, &fg);
			snprintf(what, sizeof(what), "router %s",
			    base_name(c->writers[w]));
			train_figures_summary(stdout, what, &fg);
		}
	for (i = 0; i < c->n; i++)
		in[i] = in_split(&c->m[i], split);
	snprintf(what, sizeof(what), "router (%s)", split);
	report(what, c, in);
	free(in);
	return 0;
}

/* Reads, dedupes and extracts the corpus files. */
static struct train_corpus *
load_corpus(char **files, int n)
{
	struct train_corpus	*c;
	char			 err[TRAIN_ERR_MAX], line[FEATURES_CONF_MAX];
	int			 i;

	if ((c = train_corpus_new()) == NULL)
		die("out of memory");
	for (i = 0; i < n; i++)
		if (train_corpus_read(c, files[i], err, sizeof(err)) == -1)
			die(err);
	if (train_corpus_dedupe(c) == -1)
		die("out of memory");
	if (!quiet)
		printf("corpus: %zu messages from %d files, %zu repeats "
		    "across writers left out\n", c->n, c->nwriters, c->ndup);
	if (train_corpus_extract(c, &opts, router, err, sizeof(err)) == -1)
		die(err);
	if (!quiet) {
		features_conf_format(&opts.features, line, sizeof(line));
		printf("features: %zu distinct in the corpus\n"
		    "features: %s\nC=%g, rule spam=%.2f corr=%.2f correv=%.2f "
		    "review=%.2f nf=%.2f router=%d\n", c->ncompact, line,
		    opts.C, rule.spam, rule.corr, rule.correv, rule.review,
		    rule.nf, rule.router);
	}
	return c;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "eval", required_argument, NULL, 'e' },
		{ "explain", required_argument, NULL, 'x' },
		{ "dev", no_argument, NULL, 'd' },
		{ "lowo", no_argument, NULL, 'l' },
		{ "router", no_argument, NULL, 'r' },
		{ "split", required_argument, NULL, 's' },
		{ "table", no_argument, NULL, 't' },
		{ "errors", required_argument, NULL, 'E' },
		{ "oof", required_argument, NULL, 'O' },
		{ "noise", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	struct train_corpus	*c;
	struct classify_rule	 cr;
	const char		*confpath = SRCDIR "/conf/papigw.conf";
	const char		*out = NULL, *evalpath = NULL, *split = "all";
	const char		*rule_args[RULE_ARGS_MAX];
	char			 err[CONF_ERR_MAX];
	int			 ch, mode = 0, i, rc = 0, nrule_args = 0;
	int			 want_dev = 0, want_lowo = 0, want_router = 0;

	train_opts_default(&opts);
	while ((ch = getopt_long(argc, argv, "qc:C:W:F:R:o:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'q':
			quiet = 1;
			break;
		case 'c':
			confpath = optarg;
			break;
		case 'C':
			opts.C = atof(optarg);
			break;
		case 'W':
			parse_weights(optarg);
			break;
		case 'F':
			set_feature(optarg);
			break;
		case 'R':
			if (nrule_args == RULE_ARGS_MAX)
				usage();
			rule_args[nrule_args++] = optarg;
			break;
		case 'o':
			out = optarg;
			mode = 'o';
			break;
		case 'e':
			evalpath = optarg;
			mode = 'e';
			break;
		case 'x':
			evalpath = optarg;
			mode = 'x';
			break;
		case 'd':
			want_dev = 1;
			break;
		case 'l':
			want_lowo = 1;
			break;
		case 'r':
			want_router = 1;
			break;
		case 's':
			split = optarg;
			if (strcmp(split, "all") != 0 && strcmp(split, "dev") !=
			    0 && strcmp(split, "train") != 0)
				usage();
			break;
		case 't':
			opt_table = 1;
			break;
		case 'E':
			opt_errors = atoi(optarg);
			break;
		case 'N':
			opts.noise = atof(optarg);
			break;
		case 'O':
			if ((oof = fopen(optarg, "w")) == NULL) {
				perror(optarg);
				return 1;
			}
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (want_router)
		mode = want_lowo ? 'L' : want_dev ? 'D' : 'r';
	else if (want_lowo)
		mode = 'l';
	else if (want_dev)
		mode = 'd';
	if (mode == 0 || argc == 0)
		usage();
	if ((conf = config_load(confpath, NULL, 0, err, sizeof(err))) == NULL ||
	    (router = router_compile(conf, err, sizeof(err))) == NULL)
		die(err);
	/* The daemon's thresholds, then -R's. */
	classify_rule_of(conf, &cr);
	rule.spam = cr.spam;
	rule.corr = cr.corruption;
	rule.correv = cr.corruption_evidence;
	rule.review = cr.review;
	rule.nf = cr.nonfeedback;
	rule.router = 1;
	for (i = 0; i < nrule_args; i++)
		parse_rule(rule_args[i]);
	if (mode == 'x') {
		rc = mode_explain(evalpath, argv, argc);
		router_unref(router);
		config_free(conf);
		return rc;
	}
	c = load_corpus(argv, argc);
	switch (mode) {
	case 'o':
		rc = mode_train(c, out, split);
		break;
	case 'e':
		rc = mode_eval(c, evalpath, split);
		break;
	case 'd':
		rc = mode_dev(c);
		break;
	case 'l':
		rc = mode_lowo(c);
		break;
	case 'r':
		rc = mode_router(c, split, 0);
		break;
	case 'D':
		rc = mode_router(c, "dev", 0);
		break;
	case 'L':
		rc = mode_router(c, "all", 1);
		break;
	}
	if (oof != NULL)
		fclose(oof);
	train_corpus_free(c);
	router_unref(router);
	config_free(conf);
	return rc;
}
