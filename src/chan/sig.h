/*
 * sig.h: the providers' webhook signatures (sig.c): Twilio's HMAC-SHA1
 * over the URL and the sorted form parameters, Vonage's signed requests,
 * and the shared secrets of the channels that sign nothing.
 * The comparisons take constant time.
 */
#ifndef PAPIGW_CHAN_SIG_H
#define PAPIGW_CHAN_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "chan/http.h"

int		 sig_twilio(const char *token, const char *url,
		    const struct http_param *, size_t n, char *out);
int		 sig_twilio_check(const char *token, const char *url,
		    const struct http_param *, size_t n, const char *sig);
int		 sig_vonage_check(const char *secret,
		    const struct http_param *, size_t n, const char *sig);
int		 sig_secret_equal(const char *given, size_t len,
		    const char *want);
int		 sig_basic_check(const char *user, const char *secret,
		    const char *header);

#endif /* PAPIGW_CHAN_SIG_H */
