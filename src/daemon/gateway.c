/*
 * gateway.c: the running gateway: the store, the router, the ingest
 * pipeline, the metrics and the HTTP listener, started, reloaded and
 * stopped together by papigwd.c.
 *
 * The current configuration is shared with the HTTP threads: a reader
 * takes a reference with gateway_config() and drops it when done, so a
 * reload swaps it without pulling it from under a request.  The router is
 * swapped the same way through its slot.
 *
 * Parts of long messages that providers deliver one by one (Vonage) are
 * stored as they come; the main thread assembles a message when its last
 * part is stored (gateway_parts_kick() wakes it through an eventfd) or
 * when ingest.concat_timeout has passed since its first part, and hands
 * it to the ingest pipeline, which marks the parts assembled in the same
 * transaction that stores the message.  A crash in between leaves the
 * parts unassembled: they are assembled again at start-up, and the
 * message's provider id makes the second attempt a harmless duplicate.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/gateway.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/router.h"
#include "store/store.h"
#include "core/ingest.h"
#include "core/metrics.h"
#include "chan/http.h"
#include "chan/modem.h"
#include "chan/outbox.h"
#include "chan/providers.h"
#include "chan/ussd.h"
#include "daemon/cases.h"
#include "daemon/control.h"
#include "daemon/loop.h"

struct gateway_priv {
	pthread_mutex_t		 lock;		/* guards conf */
	struct config		*conf;
	int			 partfd;	/* eventfd: parts to assemble */
};

/*
 * ===================================================================
 * Configuration
 * ===================================================================
 */

/* The current configuration, with a reference the caller drops. */
struct config *
gateway_config(struct gateway *gw)
{
	struct config	*c;

	pthread_mutex_lock(&gw->priv->lock);
	c = config_ref(gw->priv->conf);
	pthread_mutex_unlock(&gw->priv->lock);
	return c;
}

/*
 * Switches to a new configuration (the gateway takes the caller's
 * reference).  Returns 0, or -1 with the reason in err when the new
 * dictionary does not compile: the old configuration stays then.
 */
int
gateway_reload(struct gateway *gw, struct config *conf, char *err,
    size_t errsz)
{
	struct router	*r;
	struct config	*old;

	if ((r = router_compile(conf, err, errsz)) == NULL)
		return -1;
	router_slot_set(gw->routers, r);	/* takes our reference */
	pthread_mutex_lock(&gw->priv->lock);
	old = gw->priv->conf;
	gw->priv->conf = conf;
	pthread_mutex_unlock(&gw->priv->lock);
	config_unref(old);
	/* New channel settings: rates, drivers, timeouts. */
	if (gw->outbox != NULL)
		outbox_reload(gw->outbox, conf);
	if (gw->modems != NULL)
		modems_reload(gw->modems, conf);
	return 0;
}

/*
 * ===================================================================
 * Parts of long messages
 * ===================================================================
 */

/* Stores one part; done(status, arg) runs after the commit. */
struct part_job {
	struct store_part	 part;
	char			*buf[6];
	store_done_fn		 done;
	void			*arg;
};

static enum store_status
part_work(struct store_txn *txn, void *arg)
{
	struct part_job	*pj = arg;

	return store_part_add(txn, &pj->part);
}

static void
part_job_done(enum store_status st, void *arg)
{
	struct part_job	*pj = arg;
	size_t		 i;

	pj->done(st, pj->arg);
	for (i = 0; i < 6; i++)
		free(pj->buf[i]);
	free(pj);
}

int
gateway_part_submit(struct gateway *gw, const struct store_part *part,
    store_done_fn done, void *arg)
{
	struct part_job	*pj = xcalloc(1, sizeof(*pj));

	pj->part = *part;
	pj->part.channel = pj->buf[0] = xstrdup(part->channel);
	pj->part.sender = pj->buf[1] = xstrdup(part->sender);
	pj->part.recipient = pj->buf[2] = xstrdup(part->recipient);
	pj->part.ref = pj->buf[3] = xstrdup(part->ref);
	pj->part.provider_id = pj->buf[4] = xstrdup(part->provider_id);
	pj->buf[5] = xcalloc(1, part->textlen + 1);
	memcpy(pj->buf[5], part->text, part->textlen);
	pj->part.text = pj->buf[5];
	pj->part.received = (int64_t)time(NULL);
	pj->done = done;
	pj->arg = arg;
	if (store_submit(gw->store, part_work, part_job_done, pj) !=
	    STORE_OK) {
		for (size_t i = 0; i < 6; i++)
			free(pj->buf[i]);
		free(pj);
		return -1;
	}
	return 0;
}

/* Wakes the main thread to assemble what is complete; any thread. */
void
gateway_parts_kick(struct gateway *gw)
{
	uint64_t	one = 1;

	if (write(gw->priv->partfd, &one, sizeof(one)) == -1 &&
	    errno != EAGAIN)
		log_warn("parts eventfd");
}

static void
assembled_done(const struct ingest_result *res, void *arg)
{
	(void)arg;
	if (res->status != STORE_OK)
		log_warnx("assembling a long message: %s (kept, will try "
		    "again)", store_strerror(res->status));
}

/* One set of parts, ready: hand the message to the ingest pipeline. */
static void
assemble(const struct store_part_set *set, void *arg)
{
	struct gateway	*gw = arg;
	struct config	*conf = gateway_config(gw);
	struct inbound	 in;
	char		 id[160];

	memset(&in, 0, sizeof(in));
	snprintf(id, sizeof(id), "concat:%s", set->first_provider_id);
	in.channel = set->channel;
	in.provider_id = id;
	in.sender = set->sender;
	in.recipient = set->recipient;
	in.text = set->text;
	in.textlen = set->textlen;
	in.provider_time = set->provider_time;
	in.parts = set;
	if (!set->complete)
		log_notice("%s: long message %s: %d of %d parts after the "
		    "timeout; stored as incomplete", set->channel, set->ref,
		    set->nparts, set->total);
	if (ingest_submit(gw->ingest, conf, &in, assembled_done, NULL) == -1)
		log_warnx("assembling a long message: the store is closing");
	config_unref(conf);
}

/* Assembles complete sets and those older than the timeout. */
static void
parts_run(struct gateway *gw)
{
	struct config	*conf = gateway_config(gw);
	int64_t		 older = (int64_t)time(NULL) -
	    conf->ingest_concat_timeout;

	config_unref(conf);
	if (store_parts_ready(gw->store, older, assemble, gw) != STORE_OK)
		log_warnx("reading parts of long messages failed");
}

static void
partfd_cb(int fd, void *arg)
{
	uint64_t	n;

	if (read(fd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_warn("parts eventfd");
	parts_run(arg);
}

/*
 * ===================================================================
 * Delivery reports and health
 * ===================================================================
 */

struct dlr_job {
	struct store_dlr	 d;
	char			*buf[4];
	store_done_fn		 done;
	void			*arg;
};

static enum store_status
dlr_work(struct store_txn *txn, void *arg)
{
	struct dlr_job	*dj = arg;

	return store_dlr_add(txn, &dj->d);
}

static void
dlr_job_done(enum store_status st, void *arg)
{
	struct dlr_job	*dj = arg;
	size_t		 i;

	dj->done(st, dj->arg);
	for (i = 0; i < 4; i++)
		free(dj->buf[i]);
	free(dj);
}

int
gateway_dlr_submit(struct gateway *gw, const struct store_dlr *d,
    store_done_fn done, void *arg)
{
	struct dlr_job	*dj = xcalloc(1, sizeof(*dj));
	size_t		 i;

	dj->d = *d;
	dj->d.channel = dj->buf[0] = xstrdup(d->channel);
	dj->d.provider_id = dj->buf[1] = xstrdup(d->provider_id);
	dj->d.status = dj->buf[2] = xstrdup(d->status);
	dj->d.error = dj->buf[3] = xstrdup(d->error);
	dj->d.received = (int64_t)time(NULL);
	dj->done = done;
	dj->arg = arg;
	if (store_submit(gw->store, dlr_work, dlr_job_done, dj) != STORE_OK) {
		for (i = 0; i < 4; i++)
			free(dj->buf[i]);
		free(dj);
		return -1;
	}
	return 0;
}

/*
 * Whether the store and every enabled channel are up.  Returns 0, or -1
 * with the reasons, one a line, in why.
 */
int
gateway_health(struct gateway *gw, char *why, size_t whysz)
{
	struct config	*conf = gateway_config(gw);
	int64_t		 n;
	size_t		 o = 0;
	int		 bad = 0;

	why[0] = '\0';
	if (store_count(gw->store, STORE_T_CASES, &n) != STORE_OK) {
		o += (size_t)snprintf(why + o, whysz - o, "store: cannot "
		    "read %s\n", conf->storage_path);
		bad = 1;
	}
	/* Modems: one line each that is not up, with the reason. */
	if (o < whysz && modems_health(gw->modems, why, whysz) > 0)
		bad = 1;
	config_unref(conf);
	return bad ? -1 : 0;
}

/*
 * ===================================================================
 * Start, tick, stop
 * ===================================================================
 */

/*
 * Starts the gateway on conf (the gateway takes the caller's reference).
 * Returns it, or NULL with the reason in err.
 */
struct gateway *
gateway_start(struct config *conf, char *err, size_t errsz)
{
	struct gateway		*gw = xcalloc(1, sizeof(*gw));
	struct store_options	 so;
	struct router		*r;
	char			 serr[STORE_ERR_MAX];

	gw->priv = xcalloc(1, sizeof(*gw->priv));
	pthread_mutex_init(&gw->priv->lock, NULL);
	gw->priv->conf = conf;
	gw->priv->partfd = -1;
	if ((r = router_compile(conf, err, errsz)) == NULL)
		goto fail;
	if ((gw->routers = router_slot_new(r)) == NULL)	/* takes r */
		fatal("router slot");

	memset(&so, 0, sizeof(so));
	so.path = conf->storage_path;
	so.synchronous_full = conf->storage_synchronous_full;
	so.busy_timeout_ms = conf->storage_busy_timeout;
	so.batch_max = conf->storage_batch_max;
	if ((gw->store = store_open(&so, serr, sizeof(serr))) == NULL) {
		snprintf(err, errsz, "store: %s", serr);
		goto fail;
	}
	gw->metrics = metrics_new();
	gw->ingest = ingest_new(gw->store, gw->routers, gw->metrics);
	/* The outbox worker, before the modems register their drivers. */
	if ((gw->outbox = outbox_start(gw->store, conf, err, errsz)) == NULL)
		goto fail;

	gw->priv->partfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (gw->priv->partfd == -1 || daemon_watch(gw->priv->partfd,
	    partfd_cb, gw) == -1) {
		snprintf(err, errsz, "eventfd: %s", strerror(errno));
		goto fail;
	}
	/* Parts a crash left behind. */
	parts_run(gw);
	/* One thread per modem channel. */
	gw->modems = modems_start(gw, conf);
	modems_attach_outbox(gw->modems, gw->outbox);

	/* USSD sessions live in memory: a restart replays them (ussd.c). */
	gw->ussd = ussd_new();
	/* papictl's control socket and the deadline timer (cases.c). */
	gw->cases = cases_new();
	if ((gw->control = control_start(gw, conf, err, errsz)) == NULL)
		goto fail;
	gw->http = http_start(conf, providers_handle, gw, err, errsz);
	if (gw->http == NULL)
		goto fail;
	log_info("listening on %s:%d", conf->http_addr, http_port(gw->http));
	return gw;
fail:
	gw->priv->conf = NULL;	/* the caller keeps it on failure */
	gateway_stop(gw);
	return NULL;
}

/* Once a second, from the main loop: long messages past their timeout. */
void
gateway_tick(struct gateway *gw)
{
	struct config	*conf;

	parts_run(gw);
	/* USSD sessions past ussd.session_timeout. */
	conf = gateway_config(gw);
	ussd_expire(gw->ussd, conf);
	config_unref(conf);
	/* Overdue cases and the retention of numbers. */
	cases_tick(gw);
}

/*
 * Stops accepting requests, answers those in flight once their messages
 * are committed, then closes the store: nothing accepted is lost.
 */
void
gateway_stop(struct gateway *gw)
{
	if (gw == NULL)
		return;
	/* papictl clients finish the request they are in. */
	control_stop(gw->control);
	http_stop(gw->http);
	/*
	 * The outbox stops claiming, lets the sends in flight (modem ones
	 * too) finish for outbox.shutdown_wait seconds and queues the rest
	 * again; it is freed once no driver can report any more.
	 */
	outbox_stop(gw->outbox);
	/* Modems hand their last messages to the store before it closes. */
	modems_stop(gw->modems);
	if (gw->store != NULL)
		store_close(gw->store);
	modems_free(gw->modems);
	outbox_free(gw->outbox);
	if (gw->priv->partfd != -1) {
		daemon_unwatch(gw->priv->partfd);
		close(gw->priv->partfd);
	}
	ingest_free(gw->ingest);
	metrics_free(gw->metrics);
	ussd_free(gw->ussd);		/* no request is left to use it */
	cases_free(gw->cases);		/* the store ran its last timer job */
	router_slot_free(gw->routers);
	config_unref(gw->priv->conf);
	pthread_mutex_destroy(&gw->priv->lock);
	free(gw->priv);
	free(gw);
}
