/*
 * router.h: the keyword router (router.c): compiles the categories'
 * phrases, the shorthand and the router's lists of a configuration into
 * an automaton, and classifies a normalised message into a category and
 * a kind (feedback, spam, greeting, thanks).  A router is immutable and
 * reference-counted; the daemon keeps the current one in a slot.
 */
#ifndef PAPIGW_DOMAIN_ROUTER_H
#define PAPIGW_DOMAIN_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "text/text.h"

#define ROUTER_TERMS_MAX	16	/* matched terms kept in a result */
#define ROUTER_SECONDARY_MAX	4	/* secondary categories kept */

/* What kind of message it is. */
enum route_kind {
	ROUTE_FEEDBACK,		/* file it as a case */
	ROUTE_EMPTY,		/* no words at all */
	ROUTE_SPAM,		/* scams, advertising, links */
	ROUTE_GREETING,		/* a lone greeting or test */
	ROUTE_THANKS,		/* a lone thanks or acknowledgement */
	ROUTE_OTHER,		/* a wrong number, a shop's question */
	ROUTE_HELD		/* maybe spam: kept for an officer */
};

/* Result flags: the TEXT_F_* flags of the message, and these. */
#define ROUTE_F_SHORTCODE	0x0100	/* the first word was a code */
#define ROUTE_F_MONEY_DEMAND	0x0200	/* a demand for money */
#define ROUTE_F_OVERRIDE	0x0400	/* a restricted category took over */
#define ROUTE_F_TRIAGE		0x0800	/* under the threshold */
#define ROUTE_F_APPROX		0x1000	/* a phrase matched through a typo */
#define ROUTE_F_MODEL		0x2000	/* the learned model decided */
#define ROUTE_F_CORRUPTION	0x4000	/* the router saw a sign of it */

/* A phrase found in the message. */
struct route_term {
	const char	*phrase;	/* as configured (owned by the router) */
	int		 category;	/* index, or -1: not a category's */
	int		 sub;		/* index in the category, or -1 */
	double		 weight;
	size_t		 token;		/* where it starts in the message */
};

struct route_result {
	int		 category;	/* index in the configured categories */
	const char	*category_id;	/* owned by the router */
	const char	*sub_id;	/* "" when none */
	double		 score;		/* the category's score */
	int		 secondary[ROUTER_SECONDARY_MAX];
	double		 secondary_score[ROUTER_SECONDARY_MAX];
	size_t		 nsecondary;
	struct route_term terms[ROUTER_TERMS_MAX];	/* in message order */
	size_t		 nterms;
	enum route_kind	 kind;
	unsigned	 flags;		/* TEXT_F_* and ROUTE_F_* */
	int		 hint;		/* the short code's category, or -1 */
	double		 spam_score;
};

struct router;
struct slot;

struct router	*router_compile(const struct config *, char *err,
		    size_t errsz);
struct router	*router_ref(struct router *);
void		 router_unref(struct router *);
int		 router_classify(const struct router *, const char *s,
		    size_t len, struct route_result *);
void		 router_classify_text(const struct router *,
		    const struct text *, struct route_result *);
size_t		 router_expand(const struct router *, const struct text *,
		    char *buf, size_t bufsz);
size_t		 router_ncategories(const struct router *);
const char	*router_category_id(const struct router *, size_t i);
const char	*router_sub_id(const struct router *, int cat, int sub);
int		 router_category_index(const struct router *, const char *id);
int		 router_triage(const struct router *);
size_t		 router_nphrases(const struct router *);
const char	*route_kind_name(enum route_kind);
struct slot	*router_slot_new(struct router *);
struct router	*router_slot_get(struct slot *);
void		 router_slot_set(struct slot *, struct router *);

#endif /* PAPIGW_DOMAIN_ROUTER_H */
