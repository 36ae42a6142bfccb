/*
 * services.h: the parts of a running papigwd, as gateway.c starts them.
 * The command handlers, the web endpoints and the timers read what they
 * need from here; they never start or stop anything.  The configuration
 * and the classifier (the router and the model) are read through their
 * slots (conf_slot_get(), classifier_slot_get()), since a reload or a
 * newly trained model replaces them.
 */
#ifndef PAPIGW_DAEMON_SERVICES_H
#define PAPIGW_DAEMON_SERVICES_H

#include "chan/providers.h"

struct slot;
struct store;
struct metrics;
struct ingest;
struct outbox;
struct modems;
struct ussd;
struct http_server;
struct audit_keeper;
struct announce_feeder;

struct services {
	struct slot		*confs;		/* the running configuration */
	struct slot		*classifiers;	/* router and model */
	struct store		*store;
	struct metrics		*metrics;
	struct ingest		*ingest;	/* every inbound message */
	struct outbox		*outbox;	/* every outbound one */
	struct modems		*modems;	/* one thread per modem */
	struct ussd		*ussd;		/* USSD sessions */
	struct providers	 providers;	/* the providers' endpoints */
	struct http_server	*http;
	struct audit_keeper	*audit;		/* the audit log's key */
	struct announce_feeder	*feeder;	/* announcements being sent */
};

#endif /* PAPIGW_DAEMON_SERVICES_H */
