/*
 * health.h: whether the daemon can do its job (health.c), for /healthz
 * and papictl status.
 */
#ifndef PAPIGW_DAEMON_HEALTH_H
#define PAPIGW_DAEMON_HEALTH_H

#include <stddef.h>

struct services;

int	 health_check(struct services *, char *why, size_t whysz);

#endif /* PAPIGW_DAEMON_HEALTH_H */
