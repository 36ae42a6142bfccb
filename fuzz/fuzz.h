/*
 * fuzz.h: what the fuzz targets (the files of fuzz/) share.
 *
 * Each target is a libFuzzer entry point, LLVMFuzzerTestOneInput(), built
 * with clang -fsanitize=fuzzer by "make fuzz", or with driver.c, which
 * feeds it the files of its corpus once each, by "make check" (any C
 * compiler).  The providers' and USSD targets call the real handlers
 * (chan/providers.c, chan/ussd.c) on requests made by fake_http.c from
 * the input (handler.c), with fake_ingest.c in place of the pipeline: everything the
 * handlers read from outside (parameters, the body, headers) is the
 * fuzzer's.
 */
#ifndef PAPIGW_FUZZ_H
#define PAPIGW_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct http_req;

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	 LLVMFuzzerInitialize(int *, char ***);

/* fake_http.c: a request as libmicrohttpd would hand it to a handler. */
struct http_req *fuzz_req_new(const char *method, const char *path,
	    const char *query, size_t qlen, const char *body, size_t blen,
	    int form);
void	 fuzz_req_header(struct http_req *, const char *name,
	    const char *value);
int	 fuzz_req_end(struct http_req *);

/* common.c */
struct config *fuzz_config(const char *text);
char	*fuzz_strndup(const uint8_t *, size_t);

/* handler.c */
int	 fuzz_handle_request(const char *path, const uint8_t *, size_t);

#endif /* PAPIGW_FUZZ_H */
