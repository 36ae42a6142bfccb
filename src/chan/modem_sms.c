/*
 * modem_sms.c: an inbox entry of a GSM modem, read from libGammu's
 * messages into the pipeline's forms (see modem_sms.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gammu.h>

#include "chan/modem_sms.h"
#include "base/hash.h"
#include "base/util.h"
#include "core/ingest.h"
#include "store/store.h"

#define TEXT_MAX	(GSM_MAX_SMS_LENGTH * 4 + 1) /* UTF-8 bytes */
#define ID_MAX		128	/* bytes of a provider id */

/* The SMSC's time as Unix seconds, 0 when the message has none. */
static int64_t
smsc_time(const GSM_SMSMessage *sms)
{
	if (sms->DateTime.Year == 0)
		return 0;
	return (int64_t)Fill_Time_T(sms->DateTime);
}

/* The SMSC's time as "YYYYmmddHHMMSS" (local, as the phone gives it). */
static void
smsc_stamp(const GSM_SMSMessage *sms, char *buf, size_t bufsz)
{
	const GSM_DateTime	*d = &sms->DateTime;

	snprintf(buf, bufsz, "%04d%02d%02d%02d%02d%02d", d->Year, d->Month,
	    d->Day, d->Hour, d->Minute, d->Second);
}

/*
 * A UCS-2 string field of libGammu's (at most max characters, of a field
 * of max + 1) as UTF-8 into out (max * 4 + 1 bytes).  The field is read
 * through a terminated copy: libGammu 1.42 can leave a field unterminated
 * when a malformed PDU's header overruns it, and EncodeUTF8() would read,
 * and write, past it.
 */
static void
field_utf8(char *out, const unsigned char *field, size_t max)
{
	unsigned char	copy[(GSM_MAX_NUMBER_LENGTH + 1) * 2];

	if (max > GSM_MAX_NUMBER_LENGTH)	/* the longest field */
		max = GSM_MAX_NUMBER_LENGTH;
	memcpy(copy, field, max * 2);
	copy[max * 2] = copy[max * 2 + 1] = 0;
	EncodeUTF8(out, copy);
}

/*
 * The text of one SMS as bytes: UTF-8 for GSM-7 and UCS-2 messages, the
 * octets for 8-bit ones.  Returns the length written into buf (TEXT_MAX
 * bytes) and the encoding's name in *enc.
 */
static size_t
sms_text(const GSM_SMSMessage *sms, char *buf, const char **enc)
{
	size_t	len;

	switch (sms->Coding) {
	case SMS_Coding_8bit:
		*enc = "8bit";
		len = sms->Length > 0 ? (size_t)sms->Length : 0;
		if (len > GSM_MAX_SMS_LENGTH)
			len = GSM_MAX_SMS_LENGTH;
		memcpy(buf, sms->Text, len);
		buf[len] = '\0';
		return len;
	case SMS_Coding_Unicode_No_Compression:
	case SMS_Coding_Unicode_Compression:
		*enc = "ucs2";
		break;
	default:
		*enc = "gsm7";
		break;
	}
	/* At most 160 characters: 4 UTF-8 bytes each at worst. */
	field_utf8(buf, sms->Text, GSM_MAX_SMS_LENGTH);
	return strlen(buf);
}

/* Whether sms is a part of a concatenated message. */
static int
sms_is_part(const GSM_SMSMessage *sms)
{
	return (sms->UDH.Type == UDH_ConcatenatedMessages ||
	    sms->UDH.Type == UDH_ConcatenatedMessages16bit) &&
	    sms->UDH.AllParts > 1 && sms->UDH.PartNumber >= 1 &&
	    sms->UDH.PartNumber <= sms->UDH.AllParts;
}

/*
 * Hands the sections of msg that are parts of a long message to sink,
 * from sender (in UTF-8), and counts them in *n.  Returns 0, or -1 when
 * sink refused one (the others are handed over all the same).
 */
static int
entry_parts(const GSM_MultiSMSMessage *msg, const char *channel,
    const char *number, const char *sender, const struct modem_sms_sink *sink,
    int *n)
{
	struct store_part	 part;
	char			 stamp[32], id[ID_MAX], ref[16];
	const char		*enc = "gsm7";
	char			 buf[TEXT_MAX];
	int			 i, refused = 0;

	for (i = 0; i < msg->Number; i++) {
		const GSM_SMSMessage *sms = &msg->SMS[i];

		if (!sms_is_part(sms))
			continue;
		memset(&part, 0, sizeof(part));
		part.textlen = sms_text(sms, buf, &enc);
		if (sms->UDH.Type == UDH_ConcatenatedMessages16bit)
			snprintf(ref, sizeof(ref), "w%d", sms->UDH.ID16bit);
		else
			snprintf(ref, sizeof(ref), "%d", sms->UDH.ID8bit);
		smsc_stamp(sms, stamp, sizeof(stamp));
		snprintf(id, sizeof(id), "%.20s:%.48s:%s:%d", stamp, sender,
		    ref, sms->UDH.PartNumber);
		part.channel = channel;
		part.provider_id = id;
		part.sender = sender;
		part.recipient = number;
		part.ref = ref;
		part.total = sms->UDH.AllParts;
		part.seq = sms->UDH.PartNumber;
		part.text = buf;
		part.provider_time = smsc_time(sms);
		(*n)++;
		if (sink->part(&part, sink->arg) == -1)
			refused = 1;
	}
	return refused ? -1 : 0;
}

/*
 * Hands the sections of msg that are not parts of a long message, in
 * order, to sink as one message, with the SMSC time, the sender (in
 * UTF-8) and a hash of the text as its provider id.  Returns 0, or -1
 * when sink refused it.
 */
static int
entry_message(const GSM_MultiSMSMessage *msg, const char *channel,
    const char *number, const char *sender, const struct modem_sms_sink *sink)
{
	struct inbound		 in;
	char			 stamp[32], id[ID_MAX];
	char			*text;
	size_t			 tlen = 0, len;
	const char		*enc = "gsm7";
	char			 buf[TEXT_MAX];
	int			 i, r;

	text = xcalloc(1, (size_t)msg->Number * TEXT_MAX);
	for (i = 0; i < msg->Number; i++) {
		if (sms_is_part(&msg->SMS[i]))
			continue;
		len = sms_text(&msg->SMS[i], buf, &enc);
		memcpy(text + tlen, buf, len);
		tlen += len;
	}
	smsc_stamp(&msg->SMS[0], stamp, sizeof(stamp));
	snprintf(id, sizeof(id), "%.20s:%.48s:%08x", stamp, sender,
	    hash_fnv1a32(text, tlen));
	memset(&in, 0, sizeof(in));
	in.channel = channel;
	in.provider_id = id;
	in.sender = sender;
	in.recipient = number[0] != '\0' ? number : NULL;
	in.text = text;
	in.textlen = tlen;
	in.encoding = enc;
	in.provider_time = smsc_time(&msg->SMS[0]);
	r = sink->message(&in, sink->arg);
	free(text);
	return r == -1 ? -1 : 0;
}

int
modem_sms_entry(const GSM_MultiSMSMessage *msg, const char *channel,
    const char *number, const struct modem_sms_sink *sink)
{
	char	sender[GSM_MAX_NUMBER_LENGTH * 4 + 1];
	int	parts = 0, refused = 0;

	if (msg->Number < 1)
		return 0;
	field_utf8(sender, msg->SMS[0].Number, GSM_MAX_NUMBER_LENGTH);
	if (entry_parts(msg, channel, number, sender, sink, &parts) == -1)
		refused = 1;
	if (parts < msg->Number &&
	    entry_message(msg, channel, number, sender, sink) == -1)
		refused = 1;
	return refused ? -1 : 0;
}
