/*
 * http.h: the HTTP listener (http.c, libmicrohttpd): one handler gets
 * every request with its parameters (query and form body) and body read
 * and bounded; it answers at once (http_reply(), http_refuse()) or defers
 * the answer until the message is durable (http_defer(), then
 * http_complete() from any thread).  A second listener (the dashboard)
 * starts with http_start_opts(), over TLS when given a certificate.
 */
#ifndef PAPIGW_CHAN_HTTP_H
#define PAPIGW_CHAN_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

struct http_server;
struct http_req;
struct sockaddr;

/* A request parameter, from the query string or a form body. */
struct http_param {
	char		*key;
	char		*val;		/* NUL-terminated; may hold NULs */
	size_t		 vlen;
};

/* Why a request was refused, for /metrics. */
enum http_reject {
	HTTP_REJECT_TOO_LARGE,
	HTTP_REJECT_BAD_REQUEST,
	HTTP_REJECT_FORBIDDEN,
	HTTP_REJECT_METHOD,
	HTTP_REJECT_NOT_FOUND,
	HTTP_REJECT_UNAVAILABLE,
	HTTP_REJECT_LIMIT,	/* too many connections (per address) */
	HTTP_REJECT_DEADLINE,	/* no complete request in time: cut */
	HTTP_REJECT_MAX
};

typedef void	(*http_handler_fn)(struct http_req *, void *arg);

/* Where and how a listener runs (http_start_opts()). */
struct http_opts {
	const char	*listen;	/* "ADDR:PORT", for messages */
	const char	*addr;		/* an IPv4 or IPv6 address */
	int		 port;		/* 0: any */
	size_t		 max_body;	/* bytes */
	unsigned	 threads;
	unsigned	 max_conns;
	unsigned	 max_per_address; /* 0: any */
	unsigned	 timeout;	/* seconds idle */
	double		 request_timeout; /* seconds for a whole request */
	const char	*tls_cert;	/* PEM text: HTTPS; NULL: HTTP */
	const char	*tls_key;	/* PEM text */
};

struct http_server *http_start(const struct config *, http_handler_fn,
		    void *arg, char *err, size_t errsz);
struct http_server *http_start_opts(const struct http_opts *,
		    http_handler_fn, void *arg, char *err, size_t errsz);
void		 http_stop(struct http_server *);
int		 http_port(const struct http_server *);
uint64_t	 http_rejects(const struct http_server *, enum http_reject);
unsigned	 http_connections(struct http_server *, unsigned *max);
const char	*http_reject_name(enum http_reject);
size_t		 http_form_decode(char *s, size_t len);
const char	*http_param(const struct http_req *, const char *key,
		    size_t *lenp);
void		 http_form_only(struct http_req *);
const char	*http_duplicate(const struct http_req *);
const struct http_param *http_params(const struct http_req *, size_t *n);
const struct http_param *http_form_params(const struct http_req *,
		    size_t *n);
const char	*http_header(const struct http_req *, const char *name);
const struct sockaddr *http_peer(const struct http_req *);
const char	*http_method(const struct http_req *);
const char	*http_path(const struct http_req *);
const char	*http_body(const struct http_req *, size_t *lenp);
void		 http_set_ctx(struct http_req *, void *ctx,
		    void (*free_fn)(void *));
void		 http_reply(struct http_req *, int status, const char *ctype,
		    const char *body);
void		 http_add_header(struct http_req *, const char *name,
		    const char *value);
int		 http_tls(const struct http_req *);
void		 http_count_reject(struct http_req *, enum http_reject);
void		 http_refuse(struct http_req *, enum http_reject, int status,
		    const char *msg);
void		 http_refuse_auth(struct http_req *, const char *realm);
int		 http_allow(struct http_req *, int get, int post);
void		 http_defer(struct http_req *);
void		 http_complete(struct http_req *, int status,
		    const char *ctype, const char *body);
double		 http_elapsed(const struct http_req *);

#endif /* PAPIGW_CHAN_HTTP_H */
