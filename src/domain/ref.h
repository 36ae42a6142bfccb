/*
 * ref.h: case references, "PA-000123": the configured prefix (cases.prefix),
 * a dash and the case's number in at least six digits.  Residents and
 * officers type them every which way ("pa123", "PA 123", "123"); this is
 * the one place that writes and reads them.
 */
#ifndef PAPIGW_DOMAIN_REF_H
#define PAPIGW_DOMAIN_REF_H

#include <stddef.h>
#include <stdint.h>

#define REF_MAX		32		/* bytes of a written reference */
#define REF_NUMBER_MAX	999999999LL	/* the largest case number */

/* ref_parse() flags. */
#define REF_PREFIX_OPTIONAL	0x01	/* "123" alone is a reference */

size_t	 ref_format(const char *prefix, int64_t n, char *buf, size_t bufsz);
int64_t	 ref_parse(const char *prefix, const char *s, unsigned flags);
int64_t	 ref_find(const char *prefix, const char *text);

#endif /* PAPIGW_DOMAIN_REF_H */
