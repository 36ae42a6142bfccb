/*
 * source.h: where a case came from (source.c): a text message, the USSD
 * menu, a slip from the suggestion box, the citizen reception, a
 * residential-group meeting, or a reply to an announcement.  The store
 * keeps it with the case (cases.source, by name); papictl list --source
 * filters on it and reports count cases by it.
 */
#ifndef PAPIGW_DOMAIN_SOURCE_H
#define PAPIGW_DOMAIN_SOURCE_H

enum case_source {
	CASE_SOURCE_SMS,		/* "sms": a text message (or inject) */
	CASE_SOURCE_USSD,		/* "ussd": the USSD menu */
	CASE_SOURCE_BOX,		/* "box": the suggestion box */
	CASE_SOURCE_RECEPTION,		/* "reception": the citizen reception */
	CASE_SOURCE_MEETING,		/* "meeting": a residential-group
					   meeting, a dialogue with voters */
	CASE_SOURCE_ANNOUNCEMENT,	/* "announcement": a reply to one */
	CASE_SOURCE_MAX
};

const char	*case_source_name(enum case_source);
const char	*case_source_label(enum case_source, int en);
int		 case_source_parse(const char *);
int		 case_source_paper(enum case_source);

#endif /* PAPIGW_DOMAIN_SOURCE_H */
