/*
 * dash.h: the dashboard (dash.c): a read-only web view of the queues,
 * deadlines, channels and reports for people who log in with their Unix
 * account, on its own listener (web.listen).
 */
#ifndef PAPIGW_DAEMON_DASH_H
#define PAPIGW_DAEMON_DASH_H

#include <stddef.h>

#include "conf/config.h"

struct dash;
struct services;

int		 dash_start(struct services *, const struct config *,
		    struct dash **, char *err, size_t errsz);
void		 dash_stop(struct dash *);

#endif /* PAPIGW_DAEMON_DASH_H */
