/*
 * gateway.h: the running gateway (gateway.c): starts its parts in order,
 * swaps the configuration on a reload, ticks its timers and stops it all
 * without losing what was accepted.
 */
#ifndef PAPIGW_DAEMON_GATEWAY_H
#define PAPIGW_DAEMON_GATEWAY_H

#include <stddef.h>

#include "conf/config.h"

struct gateway;

struct gateway	*gateway_start(struct config *, char *err, size_t errsz);
void		 gateway_stop(struct gateway *);
int		 gateway_reload(struct gateway *, struct config *, char *err,
		    size_t errsz);
void		 gateway_tick(struct gateway *);
int		 gateway_audit(struct gateway *, const char *actor,
		    const char *action, const char *detail);

#endif /* PAPIGW_DAEMON_GATEWAY_H */
