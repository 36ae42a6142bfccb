/*
 * train.h: training and measuring the learned classifier of messages
 * (domain/model.h) on a labelled corpus (data/router/LABELLING.md).  It
 * is the one implementation behind the lab tool tools/router-train and
 * behind papictl router train (ctl_router.c); only train.c includes
 * liblinear's header.
 *
 * A corpus is a set of six-column TSV files, one a writer
 * (train_corpus_read()), to which officers' corrections may be added
 * (train_corpus_correct()).  train_corpus_dedupe() leaves out the
 * repeats: a text (NFC, lower case, trimmed) found in two writers' files
 * is kept once, in its first file, and a correction replaces every
 * message of its text.  train_corpus_extract() extracts each message's
 * features into liblinear's form; train_model() fits liblinear's
 * L2-regularised logistic regression (L2R_LR, one class against the
 * rest) to some of the messages and returns the model as a struct model.
 * train_predict() classifies messages with a struct model exactly as the
 * daemon does, through domain/classify.c's classify_text() and a struct
 * classify_rule; train_score() and train_rescore() turn the decisions
 * into figures (struct train_figures), which train_figures_summary() and
 * train_figures_print() print.
 *
 *	struct train_corpus	*c = train_corpus_new(), *test = ...;
 *	struct train_opts	 o;
 *	struct train_figures	 fg;
 *
 *	train_opts_default(&o);
 *	train_corpus_read(c, "data/router/train/w01.tsv", err, errsz);
 *	train_corpus_dedupe(c);
 *	train_corpus_extract(c, &o, router, err, errsz);
 *	m = train_model(c, NULL, &o, &n, NULL, err, errsz);
 *	train_predict(test, NULL, router, m, &rule, 0, err, errsz);
 *	train_score(test, NULL, &fg);
 *
 * The classes: the eleven feedback categories, "triage" (category
 * general, kind feedback), "spam" (kinds spam and phishing), "thanks",
 * "greeting" and "other".  At the top level, the figures' categories,
 * the last five are "general".  A message is in the development part
 * when the FNV-1a (32 bits) of its bytes modulo 100 is under 15.
 */
#ifndef PAPICTL_TRAIN_H
#define PAPICTL_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "domain/classify.h"
#include "domain/features.h"
#include "domain/model.h"
#include "domain/router.h"

/* The classes (struct train_msg.cls), in the order of the model files. */
#define TRAIN_CORRUPTION	0
#define TRAIN_TRIAGE		11
#define TRAIN_SPAM		12
#define TRAIN_THANKS		13
#define TRAIN_GREETING		14
#define TRAIN_OTHER		15
#define TRAIN_NCLASSES		16
#define TRAIN_NTOP		12	/* top-level categories */
#define TRAIN_TOP_GENERAL	11	/* triage and the non-feedback kinds */

#define TRAIN_WRITERS_MAX	64	/* files of a corpus */
#define TRAIN_ERR_MAX		512
#define TRAIN_DEV_SHARE		15	/* per cent in the development part */
#define TRAIN_NEVER		2.0	/* a threshold no probability reaches */

struct feature_node;	/* liblinear's */

/* One labelled message. */
struct train_msg {
	char		*text;		/* as in the file */
	size_t		 len;
	char		*noisy;		/* with typos (train_opts.noise) */
	size_t		 noisylen;
	int		 writer;	/* index in train_corpus.writers */
	size_t		 line;		/* its line, or place in the list */
	int		 cls;		/* its class (TRAIN_*) */
	int		 phishing;	/* kind phishing (class spam) */
	int		 dev;		/* in the development part */
	int		 dup;		/* left out: a repeat, or corrected */
	int		 correction;	/* an officer's correction */
	long long	 at;		/* the correction's time */
	int		 router_cls;	/* the keyword router's class */
	int		 router_corr;	/* the router saw corruption */
	struct feature_node *x;		/* liblinear's features, with bias */
	int		 model;		/* its predictor in models[], or -1 */
	int		 on_noisy;	/* predicted on its noisy text */
	double		 prob[TRAIN_NCLASSES]; /* the predictor's */
	int		 pred;		/* the class decided */
	int		 held;		/* held for an officer's review */
};

/*
 * A corpus.  Its fields may be read; they are changed by the functions
 * below only.  The corpus owns the texts, the file names, the features
 * and a reference to each model train_predict() used.
 */
struct train_corpus {
	struct train_msg *m;
	size_t		 n, cap;
	char		*writers[TRAIN_WRITERS_MAX];	/* file names */
	int		 nwriters;
	int		 corrections;	/* the corrections' writer, or -1 */
	size_t		 ncorrections;
	size_t		 ndup;		/* repeats across writers left out */
	size_t		 noverridden;	/* messages corrections replaced */
	uint32_t	*orig_of;	/* compact index - 1 -> hashed + 1 */
	size_t		 ncompact;	/* distinct features in the corpus */
	struct model	**models;	/* train_predict()'s predictors */
	size_t		 nmodels;
	struct text	*t;		/* scratch */
	struct features_vec *v;		/* scratch */
};

/* How to train. */
struct train_opts {
	struct features_conf features;
	double		 C;		/* liblinear's C (32) */
	double		 weight[TRAIN_NCLASSES]; /* 0: liblinear's 1 */
	double		 noise;		/* share of words given a typo */
	const char	*note;		/* added to the model's trained line */
};

/*
 * The figures of a set of decisions: n messages, the confusion of the
 * classes (rows: the label, columns: the decision) and, once
 * train_figures_done() ran, the top-level figures.
 */
struct train_figures {
	size_t		 n;
	size_t		 conf[TRAIN_NCLASSES][TRAIN_NCLASSES];
	/* Of conf, the messages held for review. */
	size_t		 held[TRAIN_NCLASSES][TRAIN_NCLASSES];
	size_t		 top_ok;
	double		 top_acc;	/* non-feedback counted as general */
	double		 macro_f1;
	double		 corr_recall, corr_precision;
	size_t		 corr_n, corr_pred, corr_ok;
	size_t		 spam_n, spam_cases;	/* spam or phishing filed */
	size_t		 fb_n, fb_dropped;	/* complaints not filed */
	size_t		 spam_held, fb_held;	/* held for review */
	size_t		 held_n, corr_held;
	double		 p[TRAIN_NTOP], r[TRAIN_NTOP], f[TRAIN_NTOP];
	size_t		 tn[TRAIN_NTOP], pn[TRAIN_NTOP], ok[TRAIN_NTOP];
};

const char	*train_class_name(int cls);
const char	*train_class_abbr(int cls);
const char	*train_top_name(int top);
int		 train_class_index(const char *name);
int		 train_label(const char *category, const char *kind);
int		 train_top(int cls);
int		 train_is_case(int cls);
int		 train_is_dev(const char *text, size_t len);

void		 train_opts_default(struct train_opts *);

struct train_corpus *train_corpus_new(void);
void		 train_corpus_free(struct train_corpus *);
int		 train_corpus_read(struct train_corpus *, const char *path,
		    char *err, size_t errsz);
int		 train_corpus_read_fp(struct train_corpus *, FILE *,
		    const char *name, char *err, size_t errsz);
int		 train_corpus_correct(struct train_corpus *, const char *text,
		    const char *category, long long at, char *err,
		    size_t errsz);
int		 train_corpus_dedupe(struct train_corpus *);
int		 train_corpus_extract(struct train_corpus *,
		    const struct train_opts *, const struct router *,
		    char *err, size_t errsz);

struct model	*train_model(const struct train_corpus *,
		    const unsigned char *use, const struct train_opts *,
		    size_t *nused, double *maxdiff, char *err, size_t errsz);
int		 train_predict(struct train_corpus *, const unsigned char *in,
		    const struct router *, struct model *,
		    const struct classify_rule *, int noisy, char *err,
		    size_t errsz);
int		 train_decision(const struct router *,
		    const struct classification *, const double *prob,
		    int *held);
void		 train_score(const struct train_corpus *,
		    const unsigned char *in, struct train_figures *);
void		 train_rescore(struct train_corpus *, const unsigned char *in,
		    const struct router *, const struct classify_rule *,
		    struct train_figures *);

void		 train_figures_add(struct train_figures *, int truth,
		    int pred, int held);
void		 train_figures_done(struct train_figures *);
void		 train_figures_summary(FILE *, const char *what,
		    const struct train_figures *);
void		 train_figures_print(FILE *, const struct train_figures *);
void		 train_figures_confusion(FILE *,
		    const struct train_figures *);
int		 train_accept(const struct train_figures *running,
		    const struct train_figures *candidate, int force,
		    char *why, size_t whysz);

#endif /* PAPICTL_TRAIN_H */
