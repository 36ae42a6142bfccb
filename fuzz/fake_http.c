/*
 * fake_http.c: chan/http.h's request functions without libmicrohttpd,
 * for the handlers' fuzz targets.  A request is built from the fuzzer's
 * input as http.c builds it from a connection: the parameters of the
 * query string (decoded, as libmicrohttpd decodes them) first, then those
 * of a form body; the handler answers at once or defers, and a deferred
 * request is completed by fake_ingest.c before fuzz_req_end() returns.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "base/util.h"
#include "chan/form.h"
#include "chan/http.h"

#define FUZZ_HEADERS_MAX 4

struct http_req {
	char			 method[8];
	char			*path;
	char			*body;
	size_t			 bodylen;
	struct form		 params;
	const char		*hname[FUZZ_HEADERS_MAX];
	char			*hval[FUZZ_HEADERS_MAX];
	size_t			 nheaders;
	struct sockaddr_in	 peer;
	int			 status;	/* 0: not answered */
	int			 deferred;
	void			*ctx;
	void			(*ctx_free)(void *);
};

/*
 * A request: method, path, query (qlen bytes), body (blen bytes), read
 * as a form when form is set.  Free it with fuzz_req_end().
 */
struct http_req *
fuzz_req_new(const char *method, const char *path, const char *query,
    size_t qlen, const char *body, size_t blen, int form)
{
	struct http_req	*r = xcalloc(1, sizeof(*r));

	copy_str(r->method, sizeof(r->method), method);
	r->path = xstrdup(path);
	form_split(&r->params, query, qlen);
	r->params.nquery = r->params.nparams;
	if (blen > 0) {
		r->body = xcalloc(1, blen + 1);
		memcpy(r->body, body, blen);
		r->bodylen = blen;
		if (form)
			form_split(&r->params, body, blen);
	}
	r->peer.sin_family = AF_INET;
	r->peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return r;
}

void
fuzz_req_header(struct http_req *r, const char *name, const char *value)
{
	if (r->nheaders == FUZZ_HEADERS_MAX)
		return;
	r->hname[r->nheaders] = name;
	r->hval[r->nheaders++] = xstrdup(value);
}

/* Frees r.  Returns its status; 0 when it was never answered. */
int
fuzz_req_end(struct http_req *r)
{
	size_t	i;
	int	status = r->status;

	if (r->ctx_free != NULL)
		r->ctx_free(r->ctx);
	form_free(&r->params);
	for (i = 0; i < r->nheaders; i++)
		free(r->hval[i]);
	free(r->body);
	free(r->path);
	free(r);
	return status;
}

const struct form *
http_req_form(const struct http_req *r)
{
	return &r->params;
}

void
http_form_only(struct http_req *r)
{
	r->params.body_only = 1;
}

const char *
http_header(const struct http_req *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->hname[i], name) == 0)
			return r->hval[i];
	return NULL;
}

const struct sockaddr *
http_peer(const struct http_req *r)
{
	return (const struct sockaddr *)&r->peer;
}

const char *
http_method(const struct http_req *r)
{
	return r->method;
}

const char *
http_path(const struct http_req *r)
{
	return r->path;
}

const char *
http_body(const struct http_req *r, size_t *lenp)
{
	*lenp = r->bodylen;
	return r->body != NULL ? r->body : "";
}

void
http_set_ctx(struct http_req *r, void *ctx, void (*free_fn)(void *))
{
	r->ctx = ctx;
	r->ctx_free = free_fn;
}

/* An answer given twice would be a bug of the handler: crash on it. */
static void
answer(struct http_req *r, int status, const char *body)
{
	if (r->status != 0 || status < 100 || status > 599 || body == NULL)
		abort();
	r->status = status;
}

void
http_reply(struct http_req *r, int status, const char *ctype,
    const char *body)
{
	(void)ctype;
	answer(r, status, body);
}

void
http_count_reject(struct http_req *r, enum http_reject why)
{
	(void)r;
	if ((int)why < 0 || why >= HTTP_REJECT_MAX)
		abort();
}

void
http_refuse(struct http_req *r, enum http_reject why, int status,
    const char *msg)
{
	http_count_reject(r, why);
	answer(r, status, msg);
}

void
http_refuse_auth(struct http_req *r, const char *realm)
{
	(void)realm;
	http_refuse(r, HTTP_REJECT_FORBIDDEN, 401, "unauthorized");
}

int
http_allow(struct http_req *r, int get, int post)
{
	if ((get && strcmp(r->method, "GET") == 0) || (post &&
	    strcmp(r->method, "POST") == 0))
		return 1;
	http_refuse(r, HTTP_REJECT_METHOD, 405, "method not allowed");
	return 0;
}

void
http_defer(struct http_req *r)
{
	if (r->deferred || r->status != 0)
		abort();
	r->deferred = 1;
}

void
http_complete(struct http_req *r, int status, const char *ctype,
    const char *body)
{
	(void)ctype;
	if (!r->deferred)
		abort();
	answer(r, status, body);
}

double
http_elapsed(const struct http_req *r)
{
	(void)r;
	return 0.001;
}
