/*
 * fuzz_modem.c: what a GSM modem hands over, read as an inbox entry
 * (chan/modem_sms.c).  The input is up to 8 sections of one entry, their
 * fields the input's bytes, as a libGammu that misread a PDU could leave
 * them: the coding, the user data header's numbers, the length, the time,
 * and the number and the text, unterminated when the input fills them.
 * Every part and message the entry yields is checked as the pipeline takes
 * it: strings present, NUL terminated and within their lengths, part
 * numbers within the total.
 *
 * The PDUs themselves are decoded by libGammu, not by papigw; the inputs
 * of fuzz/libgammu/ are two on which Debian 12's libGammu 1.42.0 fails
 * (see the README there).
 */
#include <stdlib.h>
#include <string.h>

#include <gammu.h>

#include "fuzz.h"
#include "chan/modem_sms.h"
#include "core/ingest.h"
#include "store/store.h"

#define SECTIONS_MAX	8

static GSM_MultiSMSMessage	*msg;
static volatile size_t		 sink_bytes;

/* Touches every byte of s, so that a sanitizer sees a bad string. */
static size_t
touch(const char *s, size_t max)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) >= max)
		abort();
	return len;
}

static int
part(const struct store_part *p, void *arg)
{
	size_t	i;

	(void)arg;
	if (p->seq < 1 || p->seq > p->total || p->text == NULL ||
	    p->text[p->textlen] != '\0')
		abort();
	sink_bytes += touch(p->channel, 64) + touch(p->provider_id, 128) +
	    touch(p->sender, 1024) + touch(p->recipient, 64) +
	    touch(p->ref, 16);
	for (i = 0; i < p->textlen; i++)
		sink_bytes += (unsigned char)p->text[i];
	return 0;
}

static int
message(const struct inbound *in, void *arg)
{
	size_t	i;

	(void)arg;
	if (in->text == NULL || in->encoding == NULL)
		abort();
	sink_bytes += touch(in->channel, 64) + touch(in->provider_id, 128) +
	    touch(in->sender, 1024) + touch(in->encoding, 8);
	if (in->recipient != NULL)
		sink_bytes += touch(in->recipient, 64);
	for (i = 0; i < in->textlen; i++)
		sink_bytes += (unsigned char)in->text[i];
	return 0;
}

/* Copies what is left of the input, up to size bytes, into field. */
static void
take(void *field, size_t size, const uint8_t *data, size_t len, size_t *pos)
{
	size_t	n = len - *pos < size ? len - *pos : size;

	memcpy(field, data + *pos, n);
	*pos += n;
}

/* Sections whose fields are the input's bytes. */
static void
from_fields(const uint8_t *data, size_t size)
{
	size_t		 pos = 0;
	unsigned char	 b = 0;

	while (pos < size && msg->Number < SECTIONS_MAX) {
		GSM_SMSMessage *sms = &msg->SMS[msg->Number++];

		take(&b, 1, data, size, &pos);
		sms->Coding = b % 5 == 0 ? SMS_Coding_8bit :
		    b % 5 == 1 ? SMS_Coding_Unicode_No_Compression :
		    SMS_Coding_Default_No_Compression;
		take(&b, 1, data, size, &pos);
		sms->UDH.Type = b & 1 ? UDH_ConcatenatedMessages16bit :
		    b & 2 ? UDH_ConcatenatedMessages : UDH_NoUDH;
		take(&sms->UDH.ID8bit, sizeof(int), data, size, &pos);
		take(&sms->UDH.ID16bit, sizeof(int), data, size, &pos);
		take(&sms->UDH.PartNumber, sizeof(int), data, size, &pos);
		take(&sms->UDH.AllParts, sizeof(int), data, size, &pos);
		take(&sms->Length, sizeof(int), data, size, &pos);
		take(&sms->DateTime, sizeof(sms->DateTime), data, size, &pos);
		take(&b, 1, data, size, &pos);	/* the number's length */
		take(sms->Number, b * 2 < sizeof(sms->Number) ? b * 2 :
		    sizeof(sms->Number), data, size, &pos);
		take(&b, 1, data, size, &pos);	/* the text's length */
		take(sms->Text, b * 2 < sizeof(sms->Text) ? b * 2 :
		    sizeof(sms->Text), data, size, &pos);
		if (b == 255)			/* fill it to the brim */
			take(sms->Text, sizeof(sms->Text), data, size, &pos);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	msg = calloc(1, sizeof(*msg));
	return msg == NULL ? -1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct modem_sms_sink sink = { part, message, NULL };

	memset(msg, 0, sizeof(*msg));
	from_fields(data, size);
	(void)modem_sms_entry(msg, "modem", "+84901234567", &sink);
	return 0;
}
