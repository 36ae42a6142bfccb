/*
 * gateway.h: the running gateway
 */
#ifndef PAPIGW_DAEMON_GATEWAY_H
#define PAPIGW_DAEMON_GATEWAY_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "conf/config.h"

struct gateway_priv;

struct gateway {
	struct store		*store;
	struct router_slot	*routers;
	struct ingest		*ingest;
	struct metrics		*metrics;
	struct http_server	*http;
	struct ussd		*ussd;		/* USSD sessions (ussd.c) */
	struct modems		*modems;	/* modem threads (modem.c) */
	struct outbox		*outbox;	/* sends replies (outbox.c) */
	struct control		*control;	/* papictl's socket (control.c) */
	struct cases		*cases;		/* deadline timer (cases.c) */
	struct gateway_priv	*priv;
};

struct gateway	*gateway_start(struct config *, char *err, size_t errsz);
void		 gateway_stop(struct gateway *);
int		 gateway_reload(struct gateway *, struct config *, char *err,
		    size_t errsz);
void		 gateway_tick(struct gateway *);
struct config	*gateway_config(struct gateway *);
int		 gateway_part_submit(struct gateway *,
		    const struct store_part *, store_done_fn, void *arg);
void		 gateway_parts_kick(struct gateway *);
int		 gateway_dlr_submit(struct gateway *, const struct store_dlr *,
		    store_done_fn, void *arg);
int		 gateway_health(struct gateway *, char *why, size_t whysz);

#endif /* PAPIGW_DAEMON_GATEWAY_H */
