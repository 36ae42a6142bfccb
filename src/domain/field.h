/*
 * field.h: the rules for the fields that come from outside with a
 * message (field.c): who sent it and to whom, and the provider's id of
 * it.  Pure: the HTTP endpoints check each field before anything is
 * stored, and refuse what breaks a rule with the reason given.
 */
#ifndef PAPIGW_DOMAIN_FIELD_H
#define PAPIGW_DOMAIN_FIELD_H

#include <stddef.h>

#define FIELD_DIGITS_MAX	15	/* digits of an E.164 number */
#define FIELD_SHORT_MIN		3	/* digits of a short code, at least */
#define FIELD_NUMBER_MIN	8	/* digits of a phone number, at least */
#define FIELD_ALPHA_MAX		11	/* characters of an alphanumeric
					   sender (3GPP TS 23.040) */
#define FIELD_ID_MAX		128	/* bytes of a provider's message id */
#define FIELD_E164_SIZE		17	/* '+', 15 digits and the NUL */

/* What a sender or a recipient is. */
enum field_address {
	FIELD_NUMBER,		/* a phone number: 8 to 15 digits */
	FIELD_SHORT,		/* a short code: 3 to 7 digits */
	FIELD_ALPHA		/* an alphanumeric sender ("VIETTEL") */
};

const char	*field_address(const char *s, size_t len,
		    enum field_address *kind);
const char	*field_id(const char *s, size_t len);
int		 field_e164(const char *s, const char *country, char *out,
		    size_t outsz);

#endif /* PAPIGW_DOMAIN_FIELD_H */
