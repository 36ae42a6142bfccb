/*
 * source.c: where a case came from (source.h): the names the store and
 * papictl use, and the words reports print.
 */
#include <string.h>

#include "domain/source.h"

static const char *const names[CASE_SOURCE_MAX] = {
	[CASE_SOURCE_SMS] = "sms",
	[CASE_SOURCE_USSD] = "ussd",
	[CASE_SOURCE_BOX] = "box",
	[CASE_SOURCE_RECEPTION] = "reception",
	[CASE_SOURCE_MEETING] = "meeting",
	[CASE_SOURCE_ANNOUNCEMENT] = "announcement",
};

static const char *const labels_vi[CASE_SOURCE_MAX] = {
	[CASE_SOURCE_SMS] = "Tin nhắn SMS",
	[CASE_SOURCE_USSD] = "USSD",
	[CASE_SOURCE_BOX] = "Hộp thư góp ý",
	[CASE_SOURCE_RECEPTION] = "Tiếp công dân",
	[CASE_SOURCE_MEETING] = "Họp tổ dân phố, tiếp xúc cử tri",
	[CASE_SOURCE_ANNOUNCEMENT] = "Ý kiến về thông tin đã công khai",
};

static const char *const labels_en[CASE_SOURCE_MAX] = {
	[CASE_SOURCE_SMS] = "SMS",
	[CASE_SOURCE_USSD] = "USSD",
	[CASE_SOURCE_BOX] = "Suggestion box",
	[CASE_SOURCE_RECEPTION] = "Citizen reception",
	[CASE_SOURCE_MEETING] = "Residential-group meeting",
	[CASE_SOURCE_ANNOUNCEMENT] = "Replies to announcements",
};

/* The source's name as stored ("sms", "box"...); "sms" when out of range. */
const char *
case_source_name(enum case_source s)
{
	return (unsigned)s < CASE_SOURCE_MAX ? names[s] : names[0];
}

/* What a report calls the source, in Vietnamese or (en) English. */
const char *
case_source_label(enum case_source s, int en)
{
	if ((unsigned)s >= CASE_SOURCE_MAX)
		s = CASE_SOURCE_SMS;
	return en ? labels_en[s] : labels_vi[s];
}

/* The source named s (a stored name), or -1 when s names none. */
int
case_source_parse(const char *s)
{
	int	i;

	for (i = 0; s != NULL && i < CASE_SOURCE_MAX; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/*
 * Whether cases of this source are recorded by an officer (papictl
 * intake: box, reception, meeting) rather than sent by the resident.
 */
int
case_source_paper(enum case_source s)
{
	return s == CASE_SOURCE_BOX || s == CASE_SOURCE_RECEPTION ||
	    s == CASE_SOURCE_MEETING;
}
