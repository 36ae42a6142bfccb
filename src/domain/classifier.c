/*
 * classifier.c: the router, the model and the rule of a running daemon,
 * swapped as one (classifier.h).
 *
 * The model is loaded by classify_load() (classifier.trained when it
 * exists, else classifier.model); a configuration that names a model
 * that cannot be read or does not fit its categories is refused, at
 * start-up (the daemon does not start) and on a reload (the old set stays).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "domain/classifier.h"
#include "base/slot.h"
#include "base/util.h"

struct classifier {
	atomic_int		 refs;
	struct router		*router;
	struct model		*model;		/* or NULL: the router alone */
	struct classify_rule	 rule;
};

/*
 * The router of conf and its model.  Returns the classifier with one
 * reference, or NULL with the reason in err.
 */
struct classifier *
classifier_new(const struct config *conf, char *err, size_t errsz)
{
	struct classifier	*c;
	struct router		*r;
	struct model		*m;

	if ((r = router_compile(conf, err, errsz)) == NULL)
		return NULL;
	m = classify_load(conf, err, errsz);
	if (m == NULL && err[0] != '\0') {
		router_unref(r);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	c->router = r;
	c->model = m;
	classify_rule_of(conf, &c->rule);
	return c;
}

/*
 * The router and rule of old with model m (the new classifier takes the
 * caller's reference to m).  Returns it with one reference.
 */
struct classifier *
classifier_with_model(const struct classifier *old, struct model *m)
{
	struct classifier	*c = xcalloc(1, sizeof(*c));

	atomic_init(&c->refs, 1);
	c->router = router_ref(old->router);
	c->model = m;
	c->rule = old->rule;
	return c;
}

struct classifier *
classifier_ref(struct classifier *c)
{
	atomic_fetch_add(&c->refs, 1);
	return c;
}

/* Drops a reference, freeing c with the last.  NULL is a no-op. */
void
classifier_unref(struct classifier *c)
{
	if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	router_unref(c->router);
	model_unref(c->model);
	free(c);
}

const struct router *
classifier_router(const struct classifier *c)
{
	return c->router;
}

/* The model, or NULL when the router decides alone. */
const struct model *
classifier_model(const struct classifier *c)
{
	return c->model;
}

/*
 * Decides on the normalised text t (classify_text() with the calling
 * thread's vector).  Without memory for the vector, the router decides.
 */
void
classifier_decide(const struct classifier *c, const struct text *t,
    struct classification *out)
{
	classify_text(c->router, c->model, &c->rule, t,
	    c->model != NULL ? classify_vec() : NULL, out);
}

/* The same on len bytes of s (any bytes: invalid UTF-8 is repaired). */
void
classifier_decide_bytes(const struct classifier *c, const char *s,
    size_t len, struct classification *out)
{
	struct text	*t;

	if ((t = malloc(sizeof(*t))) == NULL) {
		memset(out, 0, sizeof(*out));
		router_classify(c->router, s, len, &out->route);
		return;
	}
	text_normalise(t, s, len, 0);
	classifier_decide(c, t, out);
	free(t);
}

/*
 * The same with the evidence: the features that weighed most, by name
 * (slower: for papictl show and classify, not for every message).
 */
void
classifier_explain(const struct classifier *c, const char *s, size_t len,
    struct classification *out)
{
	struct features_vec	*v;
	struct text		*t;

	if (c->model == NULL || (v = features_vec_new(1)) == NULL) {
		classifier_decide_bytes(c, s, len, out);
		return;
	}
	if ((t = malloc(sizeof(*t))) == NULL) {
		features_vec_free(v);
		classifier_decide_bytes(c, s, len, out);
		return;
	}
	text_normalise(t, s, len, 0);
	classify_text(c->router, c->model, &c->rule, t, v, out);
	free(t);
	features_vec_free(v);
}

/*
 * ===================================================================
 * The slot
 * ===================================================================
 */

static void *
slot_ref(void *c)
{
	return classifier_ref(c);
}

static void
slot_unref(void *c)
{
	classifier_unref(c);
}

static const struct slot_type classifier_slot_type = { slot_ref, slot_unref };

/* A slot holding c (taking the caller's reference); freed by slot_free(). */
struct slot *
classifier_slot_new(struct classifier *c)
{
	return slot_new(&classifier_slot_type, c);
}

/* The current classifier, with a reference for classifier_unref(). */
struct classifier *
classifier_slot_get(struct slot *s)
{
	return slot_get(s);
}

/* Makes c current (taking the caller's reference). */
void
classifier_slot_set(struct slot *s, struct classifier *c)
{
	slot_set(s, c);
}
