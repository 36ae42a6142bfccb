/*
 * send_http.h: the HTTP providers' driver (libcurl multi)
 *
 * One thread runs libcurl's multi interface for every HTTP channel
 * (Twilio, Africa's Talking, Vonage, Kannel sendsms); outbox.c hands it
 * the rows of channels that have no driver of their own.
 */
#ifndef PAPIGW_CHAN_SEND_HTTP_H
#define PAPIGW_CHAN_SEND_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "chan/outbox.h"

struct send_http;

struct send_http *send_http_start(struct outbox *, const struct config *,
		    char *err, size_t errsz);
void		 send_http_reload(struct send_http *, const struct config *);
void		 send_http_stop(struct send_http *);
int		 send_http_send(void *ctx, const struct outbox_msg *);
enum send_result send_http_parse(enum channel_type, long status,
		    const char *body, size_t len, char *id, size_t idsz,
		    char *err, size_t errsz);
int		 send_http_dlr_url(const char *public_url, const char *channel,
		    char *buf, size_t bufsz);

#endif /* PAPIGW_CHAN_SEND_HTTP_H */
