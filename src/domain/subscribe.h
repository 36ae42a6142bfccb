/*
 * subscribe.h: what a resident's message asks of the ward's
 * announcements (subscribe.c): subscribe to topics and areas ("DK ngan
 * sach KP3"), drop them ("HUY KP3", "HUY tat ca"), list them ("DS"), or
 * read an announcement's longer text ("XEM TB12", "TB-000012"); and the
 * SMS channel an announcement reaches a subscriber on.  Pure functions of
 * the configuration.
 */
#ifndef PAPIGW_DOMAIN_SUBSCRIBE_H
#define PAPIGW_DOMAIN_SUBSCRIBE_H

#include <stdint.h>

#include "conf/config.h"
#include "text/text.h"

enum sub_verb {
	SUB_NONE,		/* not about announcements */
	SUB_ADD,		/* subscribe */
	SUB_DROP,		/* unsubscribe */
	SUB_LIST,		/* what am I subscribed to? */
	SUB_READ		/* an announcement's longer text */
};

struct sub_request {
	enum sub_verb	 verb;
	int		 all;		/* "tat ca": every topic, or all */
	uint64_t	 topics;	/* bit i: conf->news_topics[i] */
	uint64_t	 areas;		/* bit i: conf->areas[i] */
	int64_t		 code;		/* SUB_READ: the announcement */
};

int	 subscribe_parse(const struct config *, const struct text *,
	    struct sub_request *);
size_t	 subscribe_code(const struct config *, int64_t id, char *buf,
	    size_t bufsz);
int	 subscribe_can_send(const struct channel *);
const struct channel *subscribe_route(const struct config *,
	    const char *subscribed_on);

#endif /* PAPIGW_DOMAIN_SUBSCRIBE_H */
