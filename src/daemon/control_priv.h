/*
 * control_priv.h: what the daemon's side of papictl shares (control.c,
 * cases.c, report.c): helpers that take or give jansson values, which the
 * shared header keeps out of its prototypes.
 */
#ifndef CONTROL_PRIV_H
#define CONTROL_PRIV_H

#include <jansson.h>

/* control.c */
json_t	*control_jstr(const char *);

#endif /* CONTROL_PRIV_H */
