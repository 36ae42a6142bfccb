/*
 * gateway.c: the running gateway, the daemon's composition root.  It
 * starts the parts in the order they depend on each other (the store, the
 * ingest pipeline, the outbox, the modems, the USSD sessions, the control
 * socket, the HTTP listener), hands each what it needs (struct services),
 * swaps the configuration and the classifier on a reload, ticks the timers,
 * and stops everything in the reverse order.
 *
 * The current configuration is shared with the other threads through a
 * slot: a reader takes a reference with conf_slot_get() and drops it when
 * done, so a reload swaps it without pulling it from under a request.
 * The classifier (the router of the configuration's dictionary and the
 * learned model) is swapped the same way through its own slot.
 *
 * Parts of long messages are assembled on the main thread: the ingest
 * pipeline says when a part was stored (ingest_on_parts()), which wakes
 * the main loop through an eventfd; once a tick, sets past
 * ingest.concat_timeout are assembled too.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/gateway.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/slot.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/catalogue.h"
#include "domain/classifier.h"
#include "store/store.h"
#include "core/audit.h"
#include "core/ingest.h"
#include "core/renumber.h"
#include "core/reply.h"
#include "core/metrics.h"
#include "chan/http.h"
#include "chan/modem.h"
#include "chan/outbox.h"
#include "chan/ussd.h"
#include "daemon/announce_feed.h"
#include "daemon/cmd.h"
#include "daemon/control.h"
#include "daemon/dash.h"
#include "daemon/loop.h"
#include "daemon/services.h"
#include "daemon/timers.h"
#include "daemon/web.h"

struct gateway {
	struct services	 svc;
	struct timers	*timers;	/* deadlines and retention */
	struct control	*control;	/* papictl's socket */
	struct dash	*dash;		/* the dashboard, or NULL */
	int		 partfd;	/* eventfd: parts to assemble */
};

/* A short reply that a channel's reply_parts would cut. */
static void
warn_log(const char *msg, void *arg)
{
	(void)arg;
	log_warnx("%s", msg);
}

/* Says which model decides, or that the router decides alone. */
static void
log_model(const struct classifier *c)
{
	const struct model	*m = classifier_model(c);

	if (m == NULL)
		log_info(_("classifier: the keyword router alone (no model "
		    "configured)"));
	else
		log_info(_("classifier: model of %zu classes, %zu rows, %zu "
		    "KiB (%s)"), model_nclasses(m), model_nrows(m),
		    model_memory(m) / 1024, model_trained(m));
}

/*
 * Indexes the procedure catalogue of conf, once for all its lookups, and
 * says so.
 */
static void
attach_catalogue(struct config *conf)
{
	catalogue_attach(conf);
	if (conf->nprocedures > 0)
		log_info(_("catalogue: %zu procedures, %zu words indexed"),
		    conf->nprocedures, catalogue_index_words(
		    conf->catalogue_index));
}

/*
 * Switches to a new configuration (the gateway takes the caller's
 * reference).  Returns 0, or -1 with the reason in err when the new
 * dictionary does not compile or its model does not load: the old
 * configuration stays then.
 */
int
gateway_reload(struct gateway *gw, struct config *conf, char *err,
    size_t errsz)
{
	struct classifier	*c;

	if ((c = classifier_new(conf, err, errsz)) == NULL)
		return -1;
	/* Before any thread sees the configuration. */
	attach_catalogue(conf);
	log_model(c);
	reply_check_budget(conf, warn_log, NULL);
	classifier_slot_set(gw->svc.classifiers, c);	/* takes our ref */
	conf_slot_set(gw->svc.confs, conf);
	/* New channel settings: rates, drivers, timeouts. */
	outbox_reload(gw->svc.outbox, conf);
	modems_reload(gw->svc.modems, conf);
	return 0;
}

/*
 * Appends an audit entry for something the daemon did on a user's behalf
 * (a configuration reload), waiting for the commit.  Returns 0 or -1.
 */
int
gateway_audit(struct gateway *gw, const char *actor, const char *action,
    const char *detail)
{
	return audit_record(gw->svc.store, actor, action, 0, detail) ==
	    STORE_OK ? 0 : -1;
}

/* Assembles the long messages that are complete or past their timeout. */
static void
parts_run(struct gateway *gw)
{
	struct config	*conf = conf_slot_get(gw->svc.confs);

	ingest_parts_assemble(gw->svc.ingest, conf);
	config_unref(conf);
}

/* The ingest pipeline stored a part (any thread): wake the main loop. */
static void
parts_kick(void *arg)
{
	struct gateway	*gw = arg;
	uint64_t	 one = 1;

	if (write(gw->partfd, &one, sizeof(one)) == -1 && errno != EAGAIN)
		log_warn("parts eventfd");
}

static void
partfd_cb(int fd, void *arg)
{
	uint64_t	n;

	if (read(fd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_warn("parts eventfd");
	parts_run(arg);
}

/* Opens the store as conf says.  Returns 0, or -1 with the reason. */
static int
open_store(struct gateway *gw, const struct config *conf, char *err,
    size_t errsz)
{
	struct store_options	 so;
	char			 serr[STORE_ERR_MAX];
	const unsigned char	*key;
	size_t			 keylen;

	memset(&so, 0, sizeof(so));
	so.driver = conf->storage_driver == CONF_DRIVER_PG ? "postgresql" :
	    "sqlite";
	so.conninfo = conf->storage_conninfo;
	so.path = conf->storage_path;
	so.synchronous_full = conf->storage_synchronous_full;
	so.busy_timeout_ms = conf->storage_busy_timeout;
	so.batch_max = conf->storage_batch_max;
	so.ward = conf->ward_id;
	if ((gw->svc.store = store_open(&so, serr, sizeof(serr))) == NULL) {
		snprintf(err, errsz, "store: %s", serr);
		return -1;
	}
	/* Keyed and sealed before anything else appends. */
	if ((gw->svc.audit = audit_keeper_new(conf, err, errsz)) == NULL)
		return -1;
	key = audit_keeper_key(gw->svc.audit, &keylen);
	store_audit_set_key(gw->svc.store, key, keylen);
	return audit_keeper_start(gw->svc.audit, gw->svc.store, conf, err,
	    errsz);
}

/*
 * Starts the gateway on conf (the gateway takes the caller's reference).
 * Returns it, or NULL with the reason in err.
 */
struct gateway *
gateway_start(struct config *conf, char *err, size_t errsz)
{
	struct gateway	*gw = xcalloc(1, sizeof(*gw));
	struct services	*svc = &gw->svc;
	struct classifier *c;

	gw->partfd = -1;
	if ((c = classifier_new(conf, err, errsz)) == NULL) {
		free(gw);
		return NULL;
	}
	attach_catalogue(conf);
	log_model(c);
	reply_check_budget(conf, warn_log, NULL);
	svc->confs = conf_slot_new(conf);
	svc->classifiers = classifier_slot_new(c);
	if (open_store(gw, conf, err, errsz) == -1 ||
	    renumber_store(svc->store, conf, err, errsz) == -1)
		goto fail;
	svc->metrics = metrics_new();
	svc->ingest = ingest_new(svc->store, svc->classifiers,
	    svc->metrics);
	svc->providers.ingest = svc->ingest;
	svc->providers.metrics = svc->metrics;
	/* The outbox worker, before the modems register their drivers. */
	if ((svc->outbox = outbox_start(svc->store, conf, err, errsz)) ==
	    NULL)
		goto fail;
	/* Announcements a stop interrupted go on. */
	if ((svc->feeder = announce_feeder_start(svc, err, errsz)) == NULL)
		goto fail;
	gw->partfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (gw->partfd == -1 || loop_watch(gw->partfd, partfd_cb, gw) ==
	    -1) {
		snprintf(err, errsz, "eventfd: %s", strerror(errno));
		goto fail;
	}
	ingest_on_parts(svc->ingest, parts_kick, gw);
	/* Parts a crash left behind. */
	parts_run(gw);
	/* One thread per modem channel. */
	svc->modems = modems_start(svc->ingest, svc->confs, conf);
	modems_attach_store(svc->modems, svc->store);
	modems_attach_outbox(svc->modems, svc->outbox);
	/* USSD sessions live in memory: a restart replays them. */
	svc->ussd = ussd_new(svc->ingest, svc->store);
	gw->timers = timers_new();
	if ((gw->control = control_start(cmd_table, cmd_ncommands, svc, conf,
	    err, errsz)) == NULL)
		goto fail;
	if ((svc->http = http_start(conf, web_handle, svc, err, errsz)) ==
	    NULL)
		goto fail;
	log_info(_("listening on %s:%d"), conf->http_addr,
	    http_port(svc->http));
	/* The dashboard, when web.listen is set. */
	if (dash_start(svc, conf, &gw->dash, err, errsz) == -1)
		goto fail;
	return gw;
fail:
	/* The caller keeps its reference on failure. */
	config_ref(conf);
	gateway_stop(gw);
	return NULL;
}

/* Once a tick, from the main loop. */
void
gateway_tick(struct gateway *gw)
{
	struct config	*conf;

	/* Long messages past their timeout. */
	parts_run(gw);
	/* USSD sessions past ussd.session_timeout. */
	conf = conf_slot_get(gw->svc.confs);
	ussd_expire(gw->svc.ussd, conf);
	/* The audit log's checkpoint, every audit.checkpoint_interval. */
	audit_keeper_tick(gw->svc.audit, gw->svc.store, conf, 0);
	config_unref(conf);
	/* Overdue cases and the retention of numbers. */
	timers_tick(gw->timers, &gw->svc);
}

/*
 * Stops accepting requests, answers those in flight once their messages
 * are committed, then closes the store: nothing accepted is lost.
 */
void
gateway_stop(struct gateway *gw)
{
	struct services	*svc;
	struct config	*conf;

	if (gw == NULL)
		return;
	svc = &gw->svc;
	/* Web pages read the store: they go first. */
	dash_stop(gw->dash);
	/* papictl clients finish the request they are in. */
	control_stop(gw->control);
	http_stop(svc->http);
	/*
	 * The outbox stops claiming, lets the sends in flight (modem ones
	 * too) finish for outbox.shutdown_wait seconds and queues the rest
	 * again; it is freed once no driver can report any more.
	 */
	announce_feeder_stop(svc->feeder);
	svc->feeder = NULL;
	outbox_stop(svc->outbox);
	/* Modems hand their last messages to the store before it closes. */
	modems_stop(svc->modems);
	/* The timer's thread finishes the chunk it is in. */
	timers_stop(gw->timers);
	if (svc->store != NULL) {
		/* The last entries in a checkpoint: nothing can follow. */
		conf = conf_slot_get(svc->confs);
		audit_keeper_tick(svc->audit, svc->store, conf, 1);
		config_unref(conf);
		store_close(svc->store);
	}
	audit_keeper_free(svc->audit);
	modems_free(svc->modems);
	outbox_free(svc->outbox);
	if (gw->partfd != -1) {
		loop_unwatch(gw->partfd);
		close(gw->partfd);
	}
	ingest_free(svc->ingest);
	metrics_free(svc->metrics);
	ussd_free(svc->ussd);		/* no request is left to use it */
	timers_free(gw->timers);
	slot_free(svc->classifiers);
	slot_free(svc->confs);
	free(gw);
}
