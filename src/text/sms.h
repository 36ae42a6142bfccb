/*
 * sms.h: what a text costs as SMS (sms.c, 3GPP TS 23.038 and 23.040): the
 * GSM-7 alphabet and its extension table, the parts of a concatenated
 * message in GSM-7 or UCS-2, stripping Vietnamese diacritics to fit
 * GSM-7, and cutting a reply to a number of parts.
 */
#ifndef PAPIGW_TEXT_SMS_H
#define PAPIGW_TEXT_SMS_H

#include <stddef.h>
#include <stdint.h>

int		 sms_septets(uint32_t cp);
int		 sms_is_gsm7(const char *utf8);
int		 sms_segments(const char *utf8);
int		 sms_measure(const char *utf8, int *gsm7);
char		*sms_strip_diacritics(const char *utf8);
int		 sms_fit(char *buf, size_t bufsz, int max_segments);

#endif /* PAPIGW_TEXT_SMS_H */
