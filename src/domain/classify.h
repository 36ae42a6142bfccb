/*
 * classify.h: the decision on a message (classify.c): the keyword router
 * and, when one is loaded, the learned model (model.h) together say which
 * queue a message goes to, whether it is a case at all, and why.
 *
 * The rule puts corruption recall first: the restricted queue takes a
 * message whenever the model's probability of corruption passes a low
 * threshold (lower still when the keyword router saw a sign of it: a
 * corruption phrase, a demand for money); a false alarm costs an
 * inspector a minute, a miss can cost a resident's safety.  Spam is
 * decided with the same care the other way: a message that may be spam
 * but is not clearly so is held (kept, not a case, not answered) rather
 * than filed or dropped.
 */
#ifndef PAPIGW_DOMAIN_CLASSIFY_H
#define PAPIGW_DOMAIN_CLASSIFY_H

#include <stddef.h>

#include "conf/config.h"
#include "domain/features.h"
#include "domain/model.h"
#include "domain/router.h"
#include "text/text.h"

#define CLASSIFY_WHY_MAX	5	/* features kept as evidence */
#define CLASSIFY_NAME_MAX	48	/* bytes of a feature's name kept */

/* The thresholds of the rule (the classifier group of the configuration). */
struct classify_rule {
	double		 spam;		/* P(spam) at which it is spam */
	double		 review;	/* P(spam) at which it is held */
	double		 corruption;	/* P(corruption) for the queue */
	double		 corruption_evidence; /* the same, router agreeing */
	double		 nonfeedback;	/* P of not feedback: not a case */
};

/* One feature's part in the decision. */
struct classify_why {
	char		 name[CLASSIFY_NAME_MAX];
	double		 weight;
};

/* The decision: the router's result, overruled by the model's. */
struct classification {
	struct route_result route;	/* category, sub, kind, flags... */
	int		 model;		/* a model took part */
	const char	*model_class;	/* its class ("corruption", "spam") */
	double		 p;		/* the model's P of the decision */
	double		 p_corruption;
	double		 p_spam;
	struct classify_why why[CLASSIFY_WHY_MAX];
	size_t		 nwhy;		/* with a vector that keeps names */
};

struct model	*classify_load(const struct config *, char *err,
		    size_t errsz);
int		 classify_fits(const struct config *, const struct model *,
		    const char *path, char *err, size_t errsz);
struct features_vec *classify_vec(void);
void		 classify_rule_of(const struct config *,
		    struct classify_rule *);
void		 classify_text(const struct router *, const struct model *,
		    const struct classify_rule *, const struct text *,
		    struct features_vec *, struct classification *);

#endif /* PAPIGW_DOMAIN_CLASSIFY_H */
