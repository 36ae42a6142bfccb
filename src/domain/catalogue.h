/*
 * catalogue.h: the procedure catalogue (catalogue.c): which procedures a
 * resident asks for ("TTHC khai sinh", "thu tuc xay nha", with or
 * without diacritics, with a typo), and the answers, by SMS and on the
 * USSD menu.  Pure functions of the configuration and the normalised
 * message; the index of the catalogue's words is built once per
 * configuration (catalogue_attach(), when it is loaded) and only read by
 * the lookups.
 */
#ifndef PAPIGW_DOMAIN_CATALOGUE_H
#define PAPIGW_DOMAIN_CATALOGUE_H

#include <stddef.h>

#include "conf/config.h"
#include "text/text.h"

#define CATALOGUE_FOUND_MAX	9	/* procedures a list names */
#define CATALOGUE_QUERY_MAX	96	/* bytes of the query kept */

/* What a lookup found. */
struct catalogue_query {
	int		 asked;		/* the message is a lookup */
	int		 exact;		/* found[0] is the one asked for */
	int		 n;		/* procedures found, best first */
	int		 found[CATALOGUE_FOUND_MAX]; /* indices in procedures */
	char		 query[CATALOGUE_QUERY_MAX]; /* the words asked */
};

struct catalogue_index *catalogue_index_new(const struct config *);
void	 catalogue_index_free(struct catalogue_index *);
size_t	 catalogue_index_words(const struct catalogue_index *);
void	 catalogue_attach(struct config *);
int	 catalogue_parse(const struct config *, const struct text *,
	    struct catalogue_query *);
size_t	 catalogue_answer(const struct config *,
	    const struct catalogue_query *, int en, char *buf, size_t bufsz);
size_t	 catalogue_ussd_detail(const struct config *, int proc, char *buf,
	    size_t bufsz);

#endif /* PAPIGW_DOMAIN_CATALOGUE_H */
