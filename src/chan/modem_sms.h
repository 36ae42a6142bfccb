/*
 * modem_sms.h: an inbox entry of a GSM modem, read from libGammu's
 * messages into the forms the pipeline takes.
 *
 * An entry (one SIM location, or the sections of one dummy phone file) is
 * the parts of long messages, each for the store's parts table, and one
 * message made of its other sections, in order.  This is where what a
 * modem receives from outside is read: fuzz/fuzz_modem.c feeds it
 * messages decoded from PDUs as a modem hands them over.
 */
#ifndef PAPIGW_CHAN_MODEM_SMS_H
#define PAPIGW_CHAN_MODEM_SMS_H

#include <gammu.h>

struct inbound;
struct store_part;

/* Where an entry's parts and message go; each returns 0, or -1: refused. */
struct modem_sms_sink {
	int	(*part)(const struct store_part *, void *arg);
	int	(*message)(const struct inbound *, void *arg);
	void	 *arg;
};

int	 modem_sms_entry(const GSM_MultiSMSMessage *, const char *channel,
	    const char *number, const struct modem_sms_sink *);

#endif /* PAPIGW_CHAN_MODEM_SMS_H */
