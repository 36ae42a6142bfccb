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
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "base/util.h"
#include "chan/http.h"

#define FUZZ_PARAMS_MAX	64	/* as HTTP_PARAMS_MAX in http.c */
#define FUZZ_HEADERS_MAX 4

struct http_req {
	char			 method[8];
	char			*path;
	char			*body;
	size_t			 bodylen;
	struct http_param	 params[FUZZ_PARAMS_MAX];
	size_t			 nparams, nquery;
	int			 form_only;
	const char		*hname[FUZZ_HEADERS_MAX];
	char			*hval[FUZZ_HEADERS_MAX];
	size_t			 nheaders;
	struct sockaddr_in	 peer;
	int			 status;	/* 0: not answered */
	int			 deferred;
	void			*ctx;
	void			(*ctx_free)(void *);
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* As http.c's: '+' a space, %XX a byte, a malformed escape kept. */
size_t
http_form_decode(char *s, size_t len)
{
	size_t	i, o = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			s[o++] = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			s[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

static void
add_param(struct http_req *r, const char *k, size_t klen, const char *v,
    size_t vlen)
{
	struct http_param	*p;

	if (r->nparams == FUZZ_PARAMS_MAX)
		return;
	p = &r->params[r->nparams++];
	p->key = xcalloc(1, klen + 1);
	memcpy(p->key, k, klen);
	p->val = xcalloc(1, vlen + 1);
	memcpy(p->val, v, vlen);
	http_form_decode(p->key, klen);
	p->vlen = http_form_decode(p->val, vlen);
}

/* Splits "a=1&b=2" (len bytes) into parameters. */
static void
split(struct http_req *r, const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *amp, *eq;

	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp > p) {
			eq = memchr(p, '=', (size_t)(amp - p));
			if (eq == NULL)
				add_param(r, p, (size_t)(amp - p), "", 0);
			else
				add_param(r, p, (size_t)(eq - p), eq + 1,
				    (size_t)(amp - eq - 1));
		}
		p = amp + 1;
	}
}

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
	split(r, query, qlen);
	r->nquery = r->nparams;
	if (blen > 0) {
		r->body = xcalloc(1, blen + 1);
		memcpy(r->body, body, blen);
		r->bodylen = blen;
		if (form)
			split(r, body, blen);
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
	for (i = 0; i < r->nparams; i++) {
		free(r->params[i].key);
		free(r->params[i].val);
	}
	for (i = 0; i < r->nheaders; i++)
		free(r->hval[i]);
	free(r->body);
	free(r->path);
	free(r);
	return status;
}

const char *
http_param(const struct http_req *r, const char *key, size_t *lenp)
{
	size_t	i;

	for (i = r->form_only ? r->nquery : 0; i < r->nparams; i++)
		if (strcmp(r->params[i].key, key) == 0) {
			if (lenp != NULL)
				*lenp = r->params[i].vlen;
			return r->params[i].val;
		}
	return NULL;
}

void
http_form_only(struct http_req *r)
{
	r->form_only = 1;
}

const char *
http_duplicate(const struct http_req *r)
{
	size_t	i, j;

	for (i = 0; i < r->nparams; i++)
		for (j = i + 1; j < r->nparams; j++)
			if (strcmp(r->params[i].key, r->params[j].key) == 0)
				return r->params[i].key;
	return NULL;
}

const struct http_param *
http_params(const struct http_req *r, size_t *n)
{
	*n = r->nparams;
	return r->params;
}

const struct http_param *
http_form_params(const struct http_req *r, size_t *n)
{
	*n = r->nparams - r->nquery;
	return r->params + r->nquery;
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
