/*
 * outbox.h: sending what the outbox holds
 *
 * The outbox worker claims due rows of the outbox table and hands each to
 * the driver of its channel.  A driver sends without blocking the worker
 * (its own thread, or libcurl's multi interface) and reports every row it
 * was given exactly once with outbox_sent(), from any thread.  The HTTP
 * providers' driver is send_http.c's, used for every channel without a
 * driver of its own; the modem channel registers its own (modem.c).
 */
#ifndef PAPIGW_CHAN_OUTBOX_H
#define PAPIGW_CHAN_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "store/store.h"

struct outbox;

/* One message for a driver; valid until outbox_sent() for it returns. */
struct outbox_msg {
	int64_t		 id;		/* the outbox row */
	int64_t		 case_id;	/* or 0 */
	const struct channel *channel;	/* its configuration */
	const char	*recipient;
	const char	*text;		/* UTF-8, NFC, as it will be sent */
	const char	*encoding;	/* "gsm7" or "ucs2" */
	int		 segments;
	int		 attempts;	/* before this one */
};

enum send_result {
	SEND_OK,		/* the channel accepted it */
	SEND_RETRY,		/* timeout, 5xx, throttled: try again later */
	SEND_PERMANENT		/* invalid number, unsubscribed...: give up */
};

struct outbox_driver {
	const char	*name;		/* for logs: "http", "modem" */
	/*
	 * Starts sending m.  Returns 0 when m was taken (outbox_sent() will
	 * follow), -1 when the driver cannot take it now (the row stays
	 * queued and is offered again later).
	 */
	int		(*send)(void *ctx, const struct outbox_msg *m);
	void		 *ctx;
	/*
	 * Optional: 0 when the driver can take nothing now (a modem that is
	 * down).  The worker then claims none of the channel's rows, which
	 * stay queued for the gateway that can send them (on a shared
	 * database, or until the modem is back), and asks again a second
	 * later.
	 */
	int		(*ready)(void *ctx);
};

void		 outbox_sent(struct outbox *, int64_t id, enum send_result,
		    const char *provider_id, const char *error);
int		 outbox_register(struct outbox *, const char *channel,
		    const struct outbox_driver *);

/*
 * The worker's life: outbox_start() after the store (rows a crash left
 * "sending" are queued again), outbox_reload() with each new
 * configuration, outbox_stop() before the store closes (in-flight sends
 * get outbox.shutdown_wait seconds, the rest stays queued; later
 * outbox_sent() calls are ignored), outbox_free() once no driver will
 * call outbox_sent() again.
 */
#define OUTBOX_CLAIM_MAX	256	/* rows claimed per transaction */

/* How a channel's sends go (outbox_health()), for /healthz. */
struct outbox_chan_health {
	char		 channel[CONF_ID_MAX];
	int		 fails;		/* sends failed in a row */
	int64_t		 since;		/* Unix seconds: the first of them */
	char		 error[160];	/* the last one's, or "" */
};

struct outbox	*outbox_start(struct store *, struct config *, char *err,
		    size_t errsz);
void		 outbox_reload(struct outbox *, struct config *);
void		 outbox_stop(struct outbox *);
void		 outbox_free(struct outbox *);
int64_t		 outbox_lease(const struct config *);
int64_t		 outbox_reclaim(struct store *, const struct config *);
int64_t		 outbox_backoff(const struct config *, int attempt,
		    double r01);
size_t		 outbox_health(struct outbox *, struct outbox_chan_health *,
		    size_t max);
enum store_outbox_state outbox_dlr_state(enum channel_type,
		    const char *status);

#endif /* PAPIGW_CHAN_OUTBOX_H */
