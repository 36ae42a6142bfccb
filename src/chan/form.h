/*
 * form.h: the parameters of an HTTP request, from its query string and
 * its form body, kept in the order they came.  Shared by the HTTP server
 * (http.c) and the handlers' fuzz targets, which build requests without
 * a connection.
 */
#ifndef PAPIGW_CHAN_FORM_H
#define PAPIGW_CHAN_FORM_H

#include <stddef.h>

#include "chan/http.h"

#define FORM_PARAMS_MAX	64	/* parameters kept from a request */

struct form {
	struct http_param	 params[FORM_PARAMS_MAX];
	size_t			 nparams;
	size_t			 nquery;	/* the first ones */
	int			 body_only;	/* form_get(): the body's */
};

void		 form_add(struct form *, const char *key, size_t klen,
		    const char *val, size_t vlen, int decode);
void		 form_split(struct form *, const char *s, size_t len);
const char	*form_get(const struct form *, const char *key,
		    size_t *lenp);
const char	*form_duplicate(const struct form *);
void		 form_free(struct form *);

/*
 * A request's parameters: defined by the file that defines struct
 * http_req (http.c; fuzz/fake_http.c), for the readers of http.h's
 * http_param(), http_duplicate(), http_params() and http_form_params(),
 * which form.c defines once for both.
 */
const struct form *http_req_form(const struct http_req *);

#endif /* PAPIGW_CHAN_FORM_H */
