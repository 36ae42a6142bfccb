/*
 * form.c: the parameters of a request (see form.h) and the decoding of
 * application/x-www-form-urlencoded text.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "chan/form.h"

/*
 * Decodes application/x-www-form-urlencoded text in place ('+' is a
 * space, %XX a byte) and returns its new length.  A malformed escape is
 * kept as it is.
 */
size_t
http_form_decode(char *s, size_t len)
{
	size_t	i, o = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			s[o++] = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    (hi = hex_value((unsigned char)s[i + 1], 0)) >= 0 &&
		    (lo = hex_value((unsigned char)s[i + 2], 0)) >= 0) {
			s[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

/*
 * Adds a parameter, copied (and decoded when decode is set: a form body's
 * are, a query string's come decoded by libmicrohttpd).  Parameters past
 * FORM_PARAMS_MAX are dropped.
 */
void
form_add(struct form *f, const char *key, size_t klen, const char *val,
    size_t vlen, int decode)
{
	struct http_param	*p;

	if (f->nparams == FORM_PARAMS_MAX)
		return;
	p = &f->params[f->nparams++];
	p->key = xcalloc(1, klen + 1);
	memcpy(p->key, key, klen);
	p->val = xcalloc(1, vlen + 1);
	memcpy(p->val, val, vlen);
	p->vlen = vlen;
	if (decode) {
		http_form_decode(p->key, klen);
		p->vlen = http_form_decode(p->val, vlen);
	}
}

/* Splits form text "a=1&b=2" (len bytes) into decoded parameters. */
void
form_split(struct form *f, const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *amp, *eq;

	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp > p) {
			eq = memchr(p, '=', (size_t)(amp - p));
			if (eq == NULL)
				form_add(f, p, (size_t)(amp - p), "", 0, 1);
			else
				form_add(f, p, (size_t)(eq - p), eq + 1,
				    (size_t)(amp - eq - 1), 1);
		}
		p = amp + 1;
	}
}

/*
 * The value of the first parameter called key, or NULL; its length in
 * *lenp when lenp is not NULL.  Parameters from the query come first;
 * with body_only set, only the form body's count.
 */
const char *
form_get(const struct form *f, const char *key, size_t *lenp)
{
	size_t	i;

	for (i = f->body_only ? f->nquery : 0; i < f->nparams; i++)
		if (strcmp(f->params[i].key, key) == 0) {
			if (lenp != NULL)
				*lenp = f->params[i].vlen;
			return f->params[i].val;
		}
	return NULL;
}

/*
 * The name of a parameter given more than once (in the query, in the
 * body, or in both), or NULL.  Such a request is ambiguous: which one a
 * signature covers and which one a handler reads could differ.
 */
const char *
form_duplicate(const struct form *f)
{
	size_t	i, j;

	for (i = 0; i < f->nparams; i++)
		for (j = i + 1; j < f->nparams; j++)
			if (strcmp(f->params[i].key, f->params[j].key) == 0)
				return f->params[i].key;
	return NULL;
}

/*
 * The value of the first parameter called key, or NULL; its length in
 * *lenp when lenp is not NULL.  Parameters from the query come first;
 * after http_form_only(), only the form body's count.
 */
const char *
http_param(const struct http_req *r, const char *key, size_t *lenp)
{
	return form_get(http_req_form(r), key, lenp);
}

/* A parameter given more than once, or NULL (see form_duplicate()). */
const char *
http_duplicate(const struct http_req *r)
{
	return form_duplicate(http_req_form(r));
}

/* All parameters, for signatures; the count in *n. */
const struct http_param *
http_params(const struct http_req *r, size_t *n)
{
	const struct form	*f = http_req_form(r);

	*n = f->nparams;
	return f->params;
}

/* The parameters of a form body only (not the query string). */
const struct http_param *
http_form_params(const struct http_req *r, size_t *n)
{
	const struct form	*f = http_req_form(r);

	*n = f->nparams - f->nquery;
	return f->params + f->nquery;
}

/* Frees the parameters' copies. */
void
form_free(struct form *f)
{
	size_t	i;

	for (i = 0; i < f->nparams; i++) {
		free(f->params[i].key);
		free(f->params[i].val);
	}
	f->nparams = f->nquery = 0;
}
