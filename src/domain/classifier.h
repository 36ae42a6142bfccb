/*
 * classifier.h: what decides on messages in a running daemon: the
 * keyword router of a configuration, the learned model (or none) and the
 * thresholds of the rule, one reference-counted object so that a reload
 * or a newly trained model swaps the three together and a message in
 * flight keeps the set it started with.
 */
#ifndef PAPIGW_DOMAIN_CLASSIFIER_H
#define PAPIGW_DOMAIN_CLASSIFIER_H

#include <stddef.h>

#include "conf/config.h"
#include "domain/classify.h"
#include "domain/model.h"
#include "domain/router.h"
#include "text/text.h"

struct classifier;
struct slot;

struct classifier *classifier_new(const struct config *, char *err,
		    size_t errsz);
struct classifier *classifier_with_model(const struct classifier *,
		    struct model *);
struct classifier *classifier_ref(struct classifier *);
void		 classifier_unref(struct classifier *);

const struct router *classifier_router(const struct classifier *);
const struct model *classifier_model(const struct classifier *);
void		 classifier_decide(const struct classifier *,
		    const struct text *, struct classification *);
void		 classifier_decide_bytes(const struct classifier *,
		    const char *, size_t, struct classification *);
void		 classifier_explain(const struct classifier *,
		    const char *, size_t, struct classification *);

struct slot	*classifier_slot_new(struct classifier *);
struct classifier *classifier_slot_get(struct slot *);
void		 classifier_slot_set(struct slot *, struct classifier *);

#endif /* PAPIGW_DOMAIN_CLASSIFIER_H */
