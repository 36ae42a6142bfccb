/*
 * providers.h: the HTTP endpoints
 */
#ifndef PAPIGW_CHAN_PROVIDERS_H
#define PAPIGW_CHAN_PROVIDERS_H

#include <stddef.h>
#include <stdint.h>

#include "chan/http.h"

void		 providers_handle(struct http_req *, void *arg);

#endif /* PAPIGW_CHAN_PROVIDERS_H */
