/*
 * health.h: whether the daemon can do its job (health.c), for /healthz,
 * /metrics and papictl status.
 */
#ifndef PAPIGW_DAEMON_HEALTH_H
#define PAPIGW_DAEMON_HEALTH_H

#include <stddef.h>

struct services;
struct strbuf;

int	 health_check(struct services *, char *why, size_t whysz);
void	 health_metrics(struct services *, struct strbuf *);

#endif /* PAPIGW_DAEMON_HEALTH_H */
