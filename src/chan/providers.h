/*
 * providers.h: the SMS providers' HTTP endpoints (providers.c): inbound
 * messages and delivery reports from Twilio, Africa's Talking, Vonage and
 * Kannel-style gateways.
 */
#ifndef PAPIGW_CHAN_PROVIDERS_H
#define PAPIGW_CHAN_PROVIDERS_H

#include "conf/config.h"
#include "core/ingest.h"
#include "core/metrics.h"
#include "chan/http.h"

/* Where the endpoints hand what they receive. */
struct providers {
	struct ingest	*ingest;
	struct metrics	*metrics;
};

void		 providers_handle(struct providers *, struct config *,
		    struct http_req *);
int		 providers_admit(const struct channel *, struct http_req *);

#endif /* PAPIGW_CHAN_PROVIDERS_H */
