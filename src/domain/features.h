/*
 * features.h: the features of a message for the learned classifier
 *
 * features_extract() turns a message normalised by text_normalise(), and
 * optionally what the keyword router found in it, into a sparse vector of
 * (index, value) pairs in a hashed space of 1 << bits indices.  The
 * groups of features, the character n-gram lengths, the weights and the
 * normalisation are described by a struct features_conf; a trained model
 * (model.h) carries the one it was trained with, and the extraction must
 * use that one.  A features_conf is written and read as one line of text
 * ("features_conf_format()", "features_conf_parse()") so that it can sit
 * in a model file's header.
 *
 * Typical use, one vector per thread, reused from message to message:
 *
 *	struct features_vec *v = features_vec_new(0);
 *	text_normalise(t, msg, len, 0);
 *	router_classify_text(r, t, &res);
 *	features_extract(model_features(m), t, r, &res, v);
 *	model_predict(m, v, prob);
 *
 * No I/O here; the memory used is the vector's, fixed when it is made.
 */
#ifndef PAPIGW_DOMAIN_FEATURES_H
#define PAPIGW_DOMAIN_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "domain/router.h"
#include "text/text.h"

/*
 * The version of the extraction: bump it whenever a change to features.c
 * moves or changes any feature (a hash, a word list, a bucket), so that
 * models trained before the change are refused.
 */
#define FEATURES_VERSION	1

#define FEATURES_BITS_MIN	10
#define FEATURES_BITS_MAX	24
#define FEATURES_MAX		4096	/* distinct features of one message */
#define FEATURES_NGRAM_MAX	6	/* longest character n-gram */
#define FEATURES_CONF_MAX	256	/* bytes of a formatted conf */
#define FEATURES_NAMES_MAX	65536	/* bytes of feature names kept */

/* Feature groups: the bits of features_conf.groups. */
enum features_group {
	FEATURES_WORDS,		/* folded words */
	FEATURES_BIGRAMS,	/* pairs of folded words, with the start */
	FEATURES_CHARS,		/* character n-grams of the folded text */
	FEATURES_KEYS,		/* words with their diacritics, when typed */
	FEATURES_LEXICON,	/* what the keyword router matched */
	FEATURES_CUES,		/* money, demand, official, condition... */
	FEATURES_SHAPE,		/* length, link, English share, marks */
	FEATURES_NGROUPS
};

/* Options: features_conf.opts. */
#define FEATURES_O_BINARY	0x01	/* a feature counts once (slower) */
#define FEATURES_O_GROUPNORM	0x02	/* unit length per group, weighted */
#define FEATURES_O_L2		0x04	/* unit length for the whole vector */
#define FEATURES_O_WORDCHARS	0x08	/* n-grams inside words only */

struct features_conf {
	unsigned	 version;	/* FEATURES_VERSION */
	unsigned	 bits;		/* the space has 1 << bits indices */
	unsigned	 groups;	/* 1 << enum features_group, or'ed */
	unsigned	 cmin, cmax;	/* character n-gram lengths */
	unsigned	 opts;		/* FEATURES_O_* */
	float		 weight[FEATURES_NGROUPS];
};

/* Vector flags: features_vec.flags. */
#define FEATURES_F_TRUNCATED	0x01	/* FEATURES_MAX reached */
#define FEATURES_F_TABLE	0x02	/* the repeats' table is in use */

/*
 * A sparse vector: n features in the order they were found.  Without
 * FEATURES_O_BINARY an index may be listed more than once (a word seen
 * twice, two features on one index): its values add up.
 */
struct features_vec {
	size_t		 n;
	unsigned	 flags;
	uint32_t	 idx[FEATURES_MAX];	/* in [0, 1 << bits) */
	float		 val[FEATURES_MAX];
	uint8_t		 group[FEATURES_MAX];	/* enum features_group */
	/* Names, when the vector was made with them (explanations). */
	char		*names;			/* FEATURES_NAMES_MAX bytes */
	size_t		 nameslen;
	uint32_t	*nameoff;		/* FEATURES_MAX offsets */
	/* Scratch: open addressing over idx + 1, and positions in idx. */
	uint32_t	 slots[FEATURES_MAX * 2];
	uint16_t	 where[FEATURES_MAX * 2];
};

void		 features_conf_default(struct features_conf *);
size_t		 features_conf_format(const struct features_conf *,
		    char *buf, size_t bufsz);
int		 features_conf_parse(struct features_conf *, const char *s,
		    char *err, size_t errsz);
const char	*features_group_name(enum features_group);

struct features_vec *features_vec_new(int names);
void		 features_vec_free(struct features_vec *);
void		 features_extract(const struct features_conf *,
		    const struct text *, const struct router *,
		    const struct route_result *, struct features_vec *);
const char	*features_name(const struct features_vec *, size_t i);

#endif /* PAPIGW_DOMAIN_FEATURES_H */
