/*
 * classify.c: the decision on a message, the keyword router's result
 * overruled by the learned model's probabilities (classify.h).
 *
 * The rule, in order:
 *
 *	1. P(spam) >= classifier.spam_threshold: spam, not a case;
 *	2. P(corruption) >= classifier.corruption_threshold, or
 *	   >= classifier.corruption_evidence_threshold when the router saw a sign
 *	   of corruption (a corruption phrase or category, a demand for
 *	   money): the restricted corruption queue;
 *	3. P(spam) >= classifier.review_threshold: held for an officer (kept,
 *	   not a case, not answered);
 *	4. P(spam) + P(thanks) + P(greeting) + P(other) >=
 *	   classifier.nonfeedback_threshold: the most probable of those, not a
 *	   case;
 *	5. the most probable feedback category (or triage).
 *
 * The thresholds come from leave-one-writer-out validation on the
 * training corpus (data/router/train); the frozen test part never tuned
 * them.  Without a model, the router's result stands.  The sub-category
 * is the router's best one in the chosen category, when it matched any.
 */
#include <sys/stat.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "domain/classify.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"

/* The model's classes that are not categories. */
#define CLS_TRIAGE	"triage"
#define CLS_SPAM	"spam"
#define CLS_THANKS	"thanks"
#define CLS_GREETING	"greeting"
#define CLS_OTHER	"other"

/*
 * Whether model m (read from path) fits conf: its classes must be the
 * configuration's categories and triage, spam, thanks, greeting, other.
 * Returns 0, or -1 with the reason in err.
 */
int
classify_fits(const struct config *conf, const struct model *m,
    const char *path, char *err, size_t errsz)
{
	const char	*name;
	size_t		 k;

	for (k = 0; k < model_nclasses(m); k++) {
		name = model_class(m, k);
		if (config_category(conf, name) == NULL &&
		    strcmp(name, CLS_TRIAGE) != 0 &&
		    strcmp(name, CLS_SPAM) != 0 &&
		    strcmp(name, CLS_THANKS) != 0 &&
		    strcmp(name, CLS_GREETING) != 0 &&
		    strcmp(name, CLS_OTHER) != 0) {
			snprintf(err, errsz, _("%s: class \"%s\" is not a "
			    "configured category; train the model again"),
			    path, name);
			return -1;
		}
	}
	return 0;
}

/*
 * The model conf names: classifier.trained when that file exists (a
 * model retrained by papictl router train), else classifier.model.
 * Returns the model with one reference, or NULL: with the reason in err,
 * or with err "" when none is configured.  A model whose classes do not
 * fit the configuration (classify_fits()) is refused: retrain it after
 * renaming or removing a category.
 */
struct model *
classify_load(const struct config *conf, char *err, size_t errsz)
{
	const char	*path = conf->classifier_model;
	struct model	*m;
	struct stat	 sb;

	if (errsz > 0)
		err[0] = '\0';
	if (conf->classifier_trained[0] != '\0' &&
	    stat(conf->classifier_trained, &sb) == 0)
		path = conf->classifier_trained;
	if (path[0] == '\0')
		return NULL;
	if ((m = model_load(path, err, errsz)) == NULL)
		return NULL;
	if (classify_fits(conf, m, path, err, errsz) == -1) {
		model_unref(m);
		return NULL;
	}
	return m;
}

/*
 * ===================================================================
 * A features vector per thread
 * ===================================================================
 */

static pthread_key_t	vec_key;
static pthread_once_t	vec_once = PTHREAD_ONCE_INIT;

static void
vec_free(void *v)
{
	features_vec_free(v);
}

static void
vec_key_init(void)
{
	if (pthread_key_create(&vec_key, vec_free) != 0)
		fatalx("classify: pthread_key_create");
}

/*
 * The calling thread's features vector (without names), made on first
 * use and freed when the thread ends; NULL when out of memory.
 */
struct features_vec *
classify_vec(void)
{
	struct features_vec	*v;

	pthread_once(&vec_once, vec_key_init);
	if ((v = pthread_getspecific(vec_key)) == NULL &&
	    (v = features_vec_new(0)) != NULL)
		pthread_setspecific(vec_key, v);
	return v;
}

/* The rule's thresholds from the configuration. */
void
classify_rule_of(const struct config *conf, struct classify_rule *rule)
{
	rule->spam = conf->classifier_spam;
	rule->review = conf->classifier_review;
	rule->corruption = conf->classifier_corruption;
	rule->corruption_evidence = conf->classifier_corruption_evidence;
	rule->nonfeedback = conf->classifier_nonfeedback;
}

/* Whether the router saw a sign of corruption (a restricted category). */
static int
evidence(const struct router *r, const struct route_result *res, int corr)
{
	size_t	i;

	if (corr < 0)
		return 0;
	if ((res->flags & ROUTE_F_MONEY_DEMAND) || res->category == corr)
		return 1;
	for (i = 0; i < res->nsecondary; i++)
		if (res->secondary[i] == corr)
			return 1;
	for (i = 0; i < res->nterms; i++)
		if (res->terms[i].category == corr)
			return 1;
	(void)r;
	return 0;
}

static double
prob_of(const struct model *m, const double *p, const char *name)
{
	int	k = model_class_index(m, name);

	return k >= 0 ? p[k] : 0;
}

/*
 * The most probable class among the feedback ones (nonfeedback 0) or
 * among spam, thanks, greeting and other (1).  Returns its index.
 */
static int
best_class(const struct model *m, const double *p, int nonfeedback)
{
	const char	*name;
	size_t		 k;
	int		 best = -1, nf;

	for (k = 0; k < model_nclasses(m); k++) {
		name = model_class(m, k);
		nf = strcmp(name, CLS_SPAM) == 0 ||
		    strcmp(name, CLS_THANKS) == 0 ||
		    strcmp(name, CLS_GREETING) == 0 ||
		    strcmp(name, CLS_OTHER) == 0;
		if (nf != nonfeedback)
			continue;
		if (best < 0 || p[k] > p[best])
			best = (int)k;
	}
	return best;
}

/* Files the result under a kind that is not a case. */
static void
set_kind(const struct router *r, struct route_result *res,
    enum route_kind kind)
{
	int	triage = router_triage(r);

	if (res->category != triage && res->kind == ROUTE_FEEDBACK &&
	    res->nsecondary < ROUTER_SECONDARY_MAX) {
		/* Filed in triage; the topic stays a secondary. */
		memmove(res->secondary + 1, res->secondary,
		    res->nsecondary * sizeof(res->secondary[0]));
		memmove(res->secondary_score + 1, res->secondary_score,
		    res->nsecondary * sizeof(res->secondary_score[0]));
		res->secondary[0] = res->category;
		res->secondary_score[0] = res->score;
		res->nsecondary++;
	}
	res->kind = kind;
	res->category = triage;
	res->category_id = router_category_id(r, (size_t)triage);
	res->sub_id = "";
}

/* Files the result, as feedback, in category cat. */
static void
set_category(const struct router *r, struct route_result *res, int cat)
{
	size_t	i;
	int	old = res->category;

	res->kind = ROUTE_FEEDBACK;
	if (cat == old)
		return;
	res->category = cat;
	res->category_id = router_category_id(r, (size_t)cat);
	res->sub_id = "";
	for (i = 0; i < res->nterms; i++)
		if (res->terms[i].category == cat && res->terms[i].sub >= 0) {
			res->sub_id = router_sub_id(r, cat,
			    res->terms[i].sub);
			break;
		}
	/* What the router had chosen stays as a secondary. */
	for (i = 0; i < res->nsecondary; i++)
		if (res->secondary[i] == cat) {
			res->secondary[i] = old;
			return;
		}
	if (old != router_triage(r) && res->nsecondary <
	    ROUTER_SECONDARY_MAX) {
		res->secondary[res->nsecondary] = old;
		res->secondary_score[res->nsecondary++] = res->score;
	}
}

/* Keeps the features that weighed most for class k, with their names. */
static void
explain(const struct model *m, const struct features_vec *v, size_t k,
    struct classification *c)
{
	struct model_why	why[CLASSIFY_WHY_MAX];
	size_t			i;

	c->nwhy = 0;
	if (v->names == NULL)
		return;
	c->nwhy = model_explain(m, v, k, why, CLASSIFY_WHY_MAX);
	for (i = 0; i < c->nwhy; i++) {
		copy_str(c->why[i].name, sizeof(c->why[i].name),
		    features_name(v, why[i].feature));
		c->why[i].weight = why[i].weight;
	}
}

/*
 * Decides on the normalised message t: the router r's result, overruled
 * by model m's probabilities under rule when m is not NULL.  v is the
 * caller's scratch vector (features_vec_new(); with names, the evidence
 * is kept too).
 */
void
classify_text(const struct router *r, const struct model *m,
    const struct classify_rule *rule, const struct text *t,
    struct features_vec *v, struct classification *c)
{
	struct route_result	*res = &c->route;
	double			 p[MODEL_CLASSES_MAX], nf;
	int			 k, corr, cat;

	memset(c, 0, sizeof(*c));
	router_classify_text(r, t, res);
	corr = router_category_index(r, "corruption");
	if (evidence(r, res, corr))
		res->flags |= ROUTE_F_CORRUPTION;
	if (m == NULL || v == NULL || res->kind == ROUTE_EMPTY)
		return;
	features_extract(model_features(m), t, r, res, v);
	model_predict(m, v, p);
	c->model = 1;
	res->flags |= ROUTE_F_MODEL;
	c->p_corruption = prob_of(m, p, "corruption");
	c->p_spam = prob_of(m, p, CLS_SPAM);
	nf = c->p_spam + prob_of(m, p, CLS_THANKS) +
	    prob_of(m, p, CLS_GREETING) + prob_of(m, p, CLS_OTHER);
	if (c->p_spam >= rule->spam) {
		k = model_class_index(m, CLS_SPAM);
		set_kind(r, res, ROUTE_SPAM);
	} else if (corr >= 0 && (c->p_corruption >= rule->corruption ||
	    ((res->flags & ROUTE_F_CORRUPTION) &&
	    c->p_corruption >= rule->corruption_evidence))) {
		k = model_class_index(m, "corruption");
		set_category(r, res, corr);
	} else if (c->p_spam >= rule->review) {
		k = model_class_index(m, CLS_SPAM);
		set_kind(r, res, ROUTE_HELD);
	} else if (nf >= rule->nonfeedback) {
		k = best_class(m, p, 1);
		set_kind(r, res, strcmp(model_class(m, (size_t)k),
		    CLS_SPAM) == 0 ? ROUTE_SPAM : strcmp(model_class(m,
		    (size_t)k), CLS_THANKS) == 0 ? ROUTE_THANKS :
		    strcmp(model_class(m, (size_t)k), CLS_GREETING) == 0 ?
		    ROUTE_GREETING : ROUTE_OTHER);
	} else {
		k = best_class(m, p, 0);
		cat = strcmp(model_class(m, (size_t)k), CLS_TRIAGE) == 0 ?
		    router_triage(r) :
		    router_category_index(r, model_class(m, (size_t)k));
		set_category(r, res, cat >= 0 ? cat : router_triage(r));
	}
	c->model_class = model_class(m, (size_t)k);
	c->p = p[k];
	res->score = p[k];
	if (res->category == router_triage(r))
		res->flags |= ROUTE_F_TRIAGE;
	else
		res->flags &= ~(unsigned)ROUTE_F_TRIAGE;
	explain(m, v, (size_t)k, c);
}
