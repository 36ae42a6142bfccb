/*
 * model.h: the learned classifier of messages (a linear model over the
 * features of features.h)
 *
 * A model is trained by tools/router-train (L2-regularised logistic
 * regression, one class against the rest, with liblinear) and written as
 * a text file whose header names the classes and the feature settings it
 * was trained with; model_load() reads and checks it, and the features of
 * a message must be extracted with model_features() of the same model.
 * model_predict() gives the probability of each class as liblinear's
 * predict_probability() does; model_explain() gives the features that
 * weighed most for a class, so that an officer can see why.
 *
 * A model is immutable once loaded and shared between threads by
 * reference counting; a slot (base/slot.h) holds the current one so that
 * a reload can swap it while classifications in flight keep the old one.
 *
 * The file (all numbers in C locale; lines end with "\n"):
 *
 *	papigw-model 1
 *	features version=1 bits=16 groups=... (features_conf_format())
 *	classes 16 corruption security ... other
 *	trained liblinear 230 L2R_LR C=32 messages=2495 weights=- (free text)
 *	rows 33188
 *	b <w_1> ... <w_K>		the bias's weights, one per class
 *	<index> <w_1> ... <w_K>		K = the number of classes, index in
 *	...				[0, 1 << bits), strictly ascending
 *	end <fnv1a64 of every byte before this line, 16 hex digits>
 */
#ifndef PAPIGW_DOMAIN_MODEL_H
#define PAPIGW_DOMAIN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "domain/features.h"

#define MODEL_CLASSES_MAX	32
#define MODEL_CLASS_MAX		32	/* bytes in a class name, with NUL */
#define MODEL_ERR_MAX		512
#define MODEL_FILE_MAX		(256u << 20)	/* bytes of a model file */

/* A feature's part in a decision: model_explain(). */
struct model_why {
	size_t		 feature;	/* its position in the vector */
	uint32_t	 index;		/* its index in the hashed space */
	double		 value;		/* its value (repeats summed) */
	double		 weight;	/* value times the class's weight */
};

struct model;
struct slot;

struct model	*model_load(const char *path, char *err, size_t errsz);
struct model	*model_load_fd(int fd, const char *path, char *err,
		    size_t errsz);
struct model	*model_new(const struct features_conf *,
		    const char *const *classes, size_t nclasses,
		    const double *w, const double *bias, const char *trained,
		    char *err, size_t errsz);
int		 model_save(const struct model *, const char *path, char *err,
		    size_t errsz);
struct model	*model_ref(struct model *);
void		 model_unref(struct model *);

const struct features_conf *model_features(const struct model *);
size_t		 model_nclasses(const struct model *);
const char	*model_class(const struct model *, size_t i);
int		 model_class_index(const struct model *, const char *name);
size_t		 model_nrows(const struct model *);
size_t		 model_memory(const struct model *);
const char	*model_trained(const struct model *);

size_t		 model_predict(const struct model *,
		    const struct features_vec *, double *prob);
size_t		 model_explain(const struct model *,
		    const struct features_vec *, size_t cls,
		    struct model_why *why, size_t max);

struct slot	*model_slot_new(struct model *);
struct model	*model_slot_get(struct slot *);
void		 model_slot_set(struct slot *, struct model *);

#endif /* PAPIGW_DOMAIN_MODEL_H */
