/*
 * test_train.c: unit tests of papictl's training and measuring of the
 * learned classifier (src/ctl/train.c), the code that tools/router-train
 * and papictl router train share: reading corpus files (the six fields,
 * comments, a bad line refused with FILE:LINE), the repeats across
 * writers, the development split, a tiny training on a handful of
 * messages that learns them, the figures of a known confusion (numbers
 * checked by hand), the rule that refuses a model worse than the running
 * one, and officers' corrections replacing corpus messages.
 *
 * The configuration is the shipped one (SRCDIR/conf/papigw.conf), for
 * the keyword router; liblinear is linked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"
#include "domain/classify.h"
#include "domain/model.h"
#include "domain/router.h"
#include "ctl/train.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

static struct config	*conf;
static struct router	*r;
static char		 dir[] = "/tmp/test_train.XXXXXX";

static int
setup(void **state)
{
	char	err[CONF_ERR_MAX];

	(void)state;
	conf = config_load(SRCDIR "/conf/papigw.conf", NULL, 0, err,
	    sizeof(err));
	if (conf == NULL || (r = router_compile(conf, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return -1;
	router_unref(r);
	config_free(conf);
	return 0;
}

/* Writes text into dir/name and returns the path (static storage). */
static const char *
put(const char *name, const char *text)
{
	static char	 path[4][256];
	static int	 next;
	char		*p = path[next++ % 4];
	FILE		*f;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return p;
}

/* A corpus line: category, kind and message; the rest filled in. */
#define L(cat, kind, msg)	cat "\t-\t-\t" kind "\tvi\t" msg "\n"

static void
test_read(void **state)
{
	struct train_corpus	*c = train_corpus_new();
	char			 err[TRAIN_ERR_MAX];
	const char		*p;

	(void)state;
	assert_non_null(c);
	p = put("w1.tsv", "# a comment\n"
	    "\n"
	    L("corruption", "feedback", "can bo doi 2 trieu moi ky")
	    "security\tcrime\tcorruption\tfeedback\ten\tbike stolen\r\n"
	    L("general", "feedback", "toi muon phan anh mot viec")
	    L("general", "phishing", "VNeID cua ban bi khoa, bam link")
	    L("general", "greeting", "alo"));
	assert_int_equal(train_corpus_read(c, p, err, sizeof(err)), 0);
	assert_int_equal(c->n, 5);
	assert_int_equal(c->nwriters, 1);
	assert_string_equal(c->writers[0], p);
	assert_int_equal(c->m[0].cls, TRAIN_CORRUPTION);
	assert_int_equal(c->m[0].line, 3);
	assert_string_equal(c->m[0].text, "can bo doi 2 trieu moi ky");
	assert_int_equal(c->m[1].cls, train_class_index("security"));
	assert_string_equal(c->m[1].text, "bike stolen");	/* no CR */
	assert_int_equal(c->m[2].cls, TRAIN_TRIAGE);
	assert_int_equal(c->m[3].cls, TRAIN_SPAM);
	assert_true(c->m[3].phishing);
	assert_false(c->m[2].phishing);
	assert_int_equal(c->m[4].cls, TRAIN_GREETING);
	assert_int_equal(c->m[4].line, 7);

	/* Bad lines: FILE:LINE and why. */
	p = put("bad1.tsv", L("health", "feedback", "tram y te dong cua")
	    "# two fields\n"
	    "health\tfeedback\n");
	assert_int_equal(train_corpus_read(c, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad1.tsv:3: fewer than six fields"));
	p = put("bad2.tsv", L("health", "feedback", "a\tb"));
	assert_int_equal(train_corpus_read(c, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad2.tsv:1: more than six fields"));
	p = put("bad3.tsv", L("health", "thanks", "ok")
	    L("roads", "feedback", "duong hu"));
	assert_int_equal(train_corpus_read(c, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad3.tsv:2: unknown label "
	    "roads/feedback"));
	p = put("bad4.tsv", L("general", "complaint", "x"));
	assert_int_equal(train_corpus_read(c, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown label general/complaint"));
	assert_int_equal(train_corpus_read(c, "/nonexistent/w.tsv", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/w.tsv: "));
	train_corpus_free(c);
}

static void
test_labels(void **state)
{
	(void)state;
	assert_int_equal(train_label("general", "spam"), TRAIN_SPAM);
	assert_int_equal(train_label("general", "thanks"), TRAIN_THANKS);
	assert_int_equal(train_label("general", "other"), TRAIN_OTHER);
	assert_int_equal(train_label("egovernance", "feedback"), 10);
	assert_int_equal(train_label("triage", "feedback"), -1);
	assert_int_equal(train_top(TRAIN_OTHER), TRAIN_TOP_GENERAL);
	assert_int_equal(train_top(TRAIN_TRIAGE), TRAIN_TOP_GENERAL);
	assert_int_equal(train_top(3), 3);
	assert_true(train_is_case(TRAIN_TRIAGE));
	assert_false(train_is_case(TRAIN_SPAM));
	assert_string_equal(train_top_name(TRAIN_TOP_GENERAL), "general");
	assert_string_equal(train_class_name(TRAIN_GREETING), "greeting");
	assert_string_equal(train_class_abbr(TRAIN_CORRUPTION), "corr");
}

static void
test_dedupe(void **state)
{
	struct train_corpus	*c = train_corpus_new();
	char			 err[TRAIN_ERR_MAX];

	(void)state;
	assert_non_null(c);
	assert_int_equal(train_corpus_read(c, put("a.tsv",
	    L("infrastructure", "feedback", "Duong bi ngap nuoc")
	    L("security", "feedback", "trom xe may")
	    L("security", "feedback", "trom xe may")), err,
	    sizeof(err)), 0);
	assert_int_equal(train_corpus_read(c, put("b.tsv",
	    L("infrastructure", "feedback", "  duong BI ngap nuoc ")
	    L("health", "feedback", "tram y te dong cua")), err,
	    sizeof(err)), 0);
	assert_int_equal(train_corpus_dedupe(c), 0);
	/* Across writers: kept in its first file only. */
	assert_false(c->m[0].dup);
	assert_true(c->m[3].dup);
	/* One writer's own repeats are kept. */
	assert_false(c->m[1].dup);
	assert_false(c->m[2].dup);
	assert_false(c->m[4].dup);
	assert_int_equal(c->ndup, 1);
	assert_int_equal(c->noverridden, 0);
	train_corpus_free(c);
}

/* FNV-1a, 32 bits, written out again: the split must not drift. */
static int
dev_of(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h % 100 < 15;
}

static void
test_dev_split(void **state)
{
	static const char *const texts[] = {
		"", "a", "duong bi ngap nuoc", "trom xe may o hem 12",
		"cam on", "chuc mung ban trung thuong",
		"Tr\xe1\xba\xa1m y t\xe1\xba\xbf", "toi muon phan anh"
	};
	struct train_corpus	*c = train_corpus_new();
	char			 err[TRAIN_ERR_MAX], line[256];
	size_t			 i, ndev = 0;
	int			 k;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_int_equal(train_is_dev(texts[i], strlen(texts[i])),
		    dev_of(texts[i]));
	/* About 15 % of many messages, each the same as dev_of() says. */
	for (k = 0; k < 2000; k++) {
		snprintf(line, sizeof(line), "tin nhan so %d", k);
		assert_int_equal(train_corpus_correct(c, line, "health", k,
		    err, sizeof(err)), 0);
	}
	for (i = 0; i < c->n; i++) {
		assert_int_equal(c->m[i].dev, dev_of(c->m[i].text));
		ndev += c->m[i].dev;
	}
	assert_true(ndev > 200 && ndev < 400);
	train_corpus_free(c);
}

/* A handful of messages of four classes, three of each. */
static const char tiny[] =
    L("infrastructure", "feedback", "duong bi ngap nuoc sau mua")
    L("infrastructure", "feedback", "ong cong bi vo nuoc tran ra duong")
    L("infrastructure", "feedback", "den duong hem 5 bi hu toi om")
    L("security", "feedback", "trom xe may o hem 12 dem qua")
    L("security", "feedback", "nhom thanh nien danh nhau truoc cho")
    L("security", "feedback", "co nguoi la mat lay cap dien thoai")
    L("general", "thanks", "cam on phuong da ho tro")
    L("general", "thanks", "xin cam on cac anh chi can bo")
    L("general", "thanks", "cam on nhieu nha")
    L("corruption", "feedback", "can bo dia chinh doi 5 trieu moi ky")
    L("corruption", "feedback", "phai dua phong bi moi duoc lam giay")
    L("corruption", "feedback", "canh sat khu vuc xin tien cafe");

/* Trains on c (read, deduped) and checks the model's file and classes. */
static struct model *
tiny_model(struct train_corpus *c, size_t *nused)
{
	struct train_opts	 o;
	struct model		*m;
	char			 err[TRAIN_ERR_MAX];
	double			 maxd = 1;

	train_opts_default(&o);
	o.note = "test";
	assert_int_equal(train_corpus_extract(c, &o, r, err, sizeof(err)), 0);
	assert_true(c->ncompact > 0);
	m = train_model(c, NULL, &o, nused, &maxd, err, sizeof(err));
	if (m == NULL)
		fail_msg("%s", err);
	assert_true(maxd < 1e-5);
	assert_int_equal(model_nclasses(m), TRAIN_NCLASSES);
	assert_int_equal(model_class_index(m, "corruption"),
	    TRAIN_CORRUPTION);
	assert_non_null(strstr(model_trained(m), "L2R_LR C=32"));
	assert_non_null(strstr(model_trained(m), " test"));
	return m;
}

static void
test_tiny_training(void **state)
{
	struct train_corpus	*c = train_corpus_new();
	struct train_figures	 fg;
	struct classify_rule	 rule;
	struct model		*m, *back;
	char			 err[TRAIN_ERR_MAX], path[256];
	size_t			 i, n = 0;

	(void)state;
	assert_non_null(c);
	assert_int_equal(train_corpus_read(c, put("tiny.tsv", tiny), err,
	    sizeof(err)), 0);
	assert_int_equal(train_corpus_dedupe(c), 0);
	m = tiny_model(c, &n);
	assert_int_equal(n, 12);
	/* Saved and read back, it is a model the daemon loads. */
	snprintf(path, sizeof(path), "%s/tiny.model", dir);
	assert_int_equal(model_save(m, path, err, sizeof(err)), 0);
	back = model_load(path, err, sizeof(err));
	assert_non_null(back);
	/* The daemon's rule learns them all back. */
	classify_rule_of(conf, &rule);
	assert_int_equal(train_predict(c, NULL, r, back, &rule, 0, err,
	    sizeof(err)), 0);
	for (i = 0; i < c->n; i++) {
		assert_int_equal(c->m[i].pred, c->m[i].cls);
		assert_false(c->m[i].held);
		assert_true(c->m[i].prob[c->m[i].cls] > 0.3);
		assert_int_equal(c->m[i].model, 0);
	}
	train_score(c, NULL, &fg);
	assert_int_equal(fg.n, 12);
	assert_int_equal(fg.top_ok, 12);
	assert_int_equal(fg.corr_ok, 3);
	/* The keyword router alone, through the same figures. */
	assert_int_equal(train_predict(c, NULL, r, NULL, &rule, 0, err,
	    sizeof(err)), 0);
	for (i = 0; i < c->n; i++) {
		assert_int_equal(c->m[i].model, -1);
		assert_true(c->m[i].prob[c->m[i].pred] == 1);
		assert_int_equal(c->m[i].pred, c->m[i].router_cls);
	}
	/* The predictors are kept: a second rule decides with the model. */
	rule.spam = TRAIN_NEVER;
	c->m[0].model = 0;
	train_rescore(c, NULL, r, &rule, &fg);
	assert_int_equal(fg.n, 12);
	model_unref(back);
	model_unref(m);
	/* One class only: nothing to learn. */
	train_corpus_free(c);
	c = train_corpus_new();
	assert_non_null(c);
	assert_int_equal(train_corpus_read(c, put("one.tsv",
	    L("health", "feedback", "tram y te dong cua")
	    L("health", "feedback", "benh vien qua dong")), err,
	    sizeof(err)), 0);
	assert_int_equal(train_corpus_dedupe(c), 0);
	{
		struct train_opts o;

		train_opts_default(&o);
		assert_int_equal(train_corpus_extract(c, &o, r, err,
		    sizeof(err)), 0);
		assert_null(train_model(c, NULL, &o, NULL, NULL, err,
		    sizeof(err)));
		assert_non_null(strstr(err, "nothing to learn"));
	}
	train_corpus_free(c);
}

/* The confusion of test_figures: label, decision, held, how many. */
static const struct {
	int	truth, pred, held, n;
} known[] = {
	{ TRAIN_CORRUPTION, TRAIN_CORRUPTION, 0, 3 },
	{ TRAIN_CORRUPTION, 1, 0, 1 },		/* security */
	{ 1, 1, 0, 1 },
	{ 1, TRAIN_CORRUPTION, 0, 1 },
	{ TRAIN_SPAM, TRAIN_SPAM, 0, 1 },
	{ TRAIN_SPAM, 2, 0, 1 },		/* filed: infrastructure */
	{ TRAIN_SPAM, TRAIN_SPAM, 1, 1 },	/* held */
	{ TRAIN_THANKS, TRAIN_GREETING, 0, 1 },	/* general all the same */
	{ 2, 2, 0, 1 },
	{ 2, TRAIN_OTHER, 0, 1 },		/* dropped */
	{ 2, TRAIN_THANKS, 1, 1 },		/* held, not dropped */
};

static void
known_figures(struct train_figures *fg)
{
	size_t	i;
	int	k;

	memset(fg, 0, sizeof(*fg));
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		for (k = 0; k < known[i].n; k++)
			train_figures_add(fg, known[i].truth, known[i].pred,
			    known[i].held);
	train_figures_done(fg);
}

static void
test_figures(void **state)
{
	struct train_figures	 fg;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f;

	(void)state;
	known_figures(&fg);
	assert_int_equal(fg.n, 13);
	/*
	 * Top level right: corruption 3, security 1, spam as spam twice
	 * (held counts under its class), thanks as greeting (both
	 * general), infrastructure 1: 8 of 13.
	 */
	assert_int_equal(fg.top_ok, 8);
	assert_float_equal(fg.top_acc, 8.0 / 13, 1e-12);
	/* Corruption: 3 of 4 found; 4 decided, 3 right. */
	assert_int_equal(fg.corr_n, 4);
	assert_int_equal(fg.corr_pred, 4);
	assert_int_equal(fg.corr_ok, 3);
	assert_float_equal(fg.corr_recall, 0.75, 1e-12);
	assert_float_equal(fg.corr_precision, 0.75, 1e-12);
	/* Security: 2 true, 2 decided, 1 right. */
	assert_float_equal(fg.p[1], 0.5, 1e-12);
	assert_float_equal(fg.r[1], 0.5, 1e-12);
	assert_float_equal(fg.f[1], 0.5, 1e-12);
	/* Infrastructure: 3 true, 2 decided (one of them spam), 1 right. */
	assert_int_equal(fg.tn[2], 3);
	assert_int_equal(fg.pn[2], 2);
	assert_float_equal(fg.p[2], 0.5, 1e-12);
	assert_float_equal(fg.r[2], 1.0 / 3, 1e-12);
	assert_float_equal(fg.f[2], 0.4, 1e-12);
	/* General: 4 true (spam, thanks), 5 decided, 3 right. */
	assert_int_equal(fg.tn[TRAIN_TOP_GENERAL], 4);
	assert_int_equal(fg.pn[TRAIN_TOP_GENERAL], 5);
	assert_float_equal(fg.p[TRAIN_TOP_GENERAL], 0.6, 1e-12);
	assert_float_equal(fg.r[TRAIN_TOP_GENERAL], 0.75, 1e-12);
	/* Macro F1: corr .75, secu .5, infr .4, general 2/3; 8 zeros. */
	assert_float_equal(fg.macro_f1, (0.75 + 0.5 + 0.4 + 2.0 / 3) / 12,
	    1e-12);
	/* Spam filed as a case; complaints dropped; held apart. */
	assert_int_equal(fg.spam_n, 3);
	assert_int_equal(fg.spam_cases, 1);
	assert_int_equal(fg.fb_n, 9);
	assert_int_equal(fg.fb_dropped, 1);
	assert_int_equal(fg.held_n, 2);
	assert_int_equal(fg.spam_held, 1);
	assert_int_equal(fg.fb_held, 1);
	assert_int_equal(fg.corr_held, 0);
	assert_int_equal(fg.conf[TRAIN_SPAM][2], 1);
	assert_int_equal(fg.held[2][TRAIN_THANKS], 1);
	/* Printed: the summary line and the confusion matrix. */
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	train_figures_summary(f, "known", &fg);
	train_figures_print(f, &fg);
	fclose(f);
	assert_non_null(strstr(buf, "known                    n=  13  acc  "
	    "61.5%  macroF1 0.193  corr recall  75.0% (3/4)  restricted "
	    "precision  75.0% (3/4)  spam->case 1/3  complaint->dropped 1/9  "
	    "held 2 (spam 1, complaints 1, corruption 0)\n"));
	assert_non_null(strstr(buf, "security         50.0%  50.0%  0.500 "
	    "    2     2\n"));
	assert_non_null(strstr(buf, "\nconfusion (rows: true class, "
	    "columns: predicted)\n       corr secu infr"));
	assert_non_null(strstr(buf, "\ncorr      3    1    0    0"));
	assert_non_null(strstr(buf, "\nspam      0    0    1    0    0    0"
	    "    0    0    0    0    0    0    2    0    0    0\n"));
	free(buf);
}

static void
test_accept(void **state)
{
	struct train_figures	 run, cand;
	char			 why[TRAIN_ERR_MAX];

	(void)state;
	known_figures(&run);
	/* The same figures: not worse. */
	cand = run;
	assert_int_equal(train_accept(&run, &cand, 0, why, sizeof(why)), 1);
	assert_string_equal(why, "");
	/* Better accuracy, same corruption recall. */
	train_figures_add(&cand, TRAIN_OTHER, TRAIN_OTHER, 0);
	train_figures_done(&cand);
	assert_int_equal(train_accept(&run, &cand, 0, why, sizeof(why)), 1);
	/* Worse accuracy. */
	known_figures(&cand);
	train_figures_add(&cand, TRAIN_OTHER, 3, 0);
	train_figures_done(&cand);
	assert_int_equal(train_accept(&run, &cand, 0, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "worse than the running one on "
	    "accuracy (57.1% < 61.5%)"));
	assert_null(strstr(why, "corruption"));
	/* --force installs it all the same, and still says why. */
	assert_int_equal(train_accept(&run, &cand, 1, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "accuracy"));
	/* Worse corruption recall, better accuracy: refused. */
	memset(&run, 0, sizeof(run));
	memset(&cand, 0, sizeof(cand));
	train_figures_add(&run, TRAIN_CORRUPTION, TRAIN_CORRUPTION, 0);
	train_figures_add(&run, TRAIN_CORRUPTION, TRAIN_CORRUPTION, 0);
	train_figures_add(&run, 1, 2, 0);
	train_figures_add(&run, 1, 2, 0);
	train_figures_add(&cand, TRAIN_CORRUPTION, TRAIN_CORRUPTION, 0);
	train_figures_add(&cand, TRAIN_CORRUPTION, 1, 0);
	train_figures_add(&cand, 1, 1, 0);
	train_figures_add(&cand, 1, 1, 0);
	train_figures_done(&run);
	train_figures_done(&cand);
	assert_true(cand.top_acc > run.top_acc);
	assert_int_equal(train_accept(&run, &cand, 0, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "on corruption recall (50.0% < 100.0%)"));
	assert_null(strstr(why, "accuracy"));
	assert_int_equal(train_accept(&run, &cand, 1, why, sizeof(why)), 1);
	/* The other way round: worse accuracy, better recall: refused. */
	assert_int_equal(train_accept(&cand, &run, 0, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "accuracy (50.0% < 75.0%)"));
	/* Both worse: both said. */
	memset(&cand, 0, sizeof(cand));
	train_figures_add(&cand, TRAIN_CORRUPTION, 1, 0);
	train_figures_add(&cand, TRAIN_CORRUPTION, 1, 0);
	train_figures_add(&cand, 1, 2, 0);
	train_figures_add(&cand, 1, 2, 0);
	train_figures_done(&cand);
	assert_int_equal(train_accept(&run, &cand, 0, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "accuracy (0.0% < 50.0%) and on "
	    "corruption recall (0.0% < 100.0%)"));
}

static void
test_corrections(void **state)
{
	struct train_corpus	*c = train_corpus_new();
	struct train_figures	 fg;
	struct classify_rule	 rule;
	struct model		*m;
	char			 err[TRAIN_ERR_MAX];
	size_t			 i, n;
	const char		*flood = "duong bi ngap nuoc sau mua";

	(void)state;
	assert_non_null(c);
	assert_int_equal(train_corpus_read(c, put("c1.tsv", tiny), err,
	    sizeof(err)), 0);
	assert_int_equal(train_corpus_read(c, put("c2.tsv",
	    L("infrastructure", "feedback", "Duong bi ngap nuoc sau mua ")),
	    err, sizeof(err)), 0);
	/* Two officers on one text: the later correction wins. */
	assert_int_equal(train_corpus_correct(c, "DUONG BI NGAP NUOC SAU "
	    "MUA", "security", 1733300100, err, sizeof(err)), 0);
	assert_int_equal(train_corpus_correct(c, flood, "corruption",
	    1733300000, err, sizeof(err)), 0);
	assert_int_equal(c->ncorrections, 2);
	assert_int_equal(c->corrections, 2);
	assert_string_equal(c->writers[2], "corrections");
	/* A category without a class, an empty text: refused. */
	assert_int_equal(train_corpus_correct(c, "x", "roads", 0, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown category \"roads\""));
	assert_int_equal(train_corpus_correct(c, "", "health", 0, err,
	    sizeof(err)), -1);
	/* The kinds that are not feedback, and general, are classes. */
	assert_int_equal(train_corpus_correct(c, "mua 1 tang 1", "spam", 0,
	    err, sizeof(err)), 0);
	assert_int_equal(c->m[c->n - 1].cls, TRAIN_SPAM);
	assert_int_equal(train_corpus_correct(c, "cho hoi so phuong",
	    "general", 0, err, sizeof(err)), 0);
	assert_int_equal(c->m[c->n - 1].cls, TRAIN_TRIAGE);
	assert_int_equal(train_corpus_dedupe(c), 0);
	/* Both corpus messages and the older correction are out. */
	assert_true(c->m[0].dup);
	assert_true(c->m[12].dup);
	assert_false(c->m[13].dup);
	assert_int_equal(c->m[13].cls, train_class_index("security"));
	assert_true(c->m[14].dup);
	assert_int_equal(c->noverridden, 3);
	assert_int_equal(c->ndup, 0);
	/* Trained, the correction decides its message. */
	m = tiny_model(c, &n);
	assert_int_equal(n, 11 + 1 + 2);
	classify_rule_of(conf, &rule);
	assert_int_equal(train_predict(c, NULL, r, m, &rule, 0, err,
	    sizeof(err)), 0);
	assert_int_equal(c->m[13].pred, train_class_index("security"));
	train_score(c, NULL, &fg);
	assert_int_equal(fg.n, 14);
	for (i = 0; i < c->n; i++)
		if (c->m[i].dup)
			assert_int_equal(c->m[i].model, -1);
	model_unref(m);
	train_corpus_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_dedupe),
		cmocka_unit_test(test_dev_split),
		cmocka_unit_test(test_tiny_training),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_corrections),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
