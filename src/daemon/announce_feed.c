/*
 * announce_feed.c: the feeder of announcements.
 *
 * One thread, woken when an announcement starts (papictl announce send)
 * and every second otherwise, finds the announcements being sent and
 * queues their pending recipients, announce.batch a transaction
 * (core/announce.c: announce_feed_work()), each transaction a work item
 * of its own so that messages coming in meanwhile are committed between
 * two batches.  At start-up it goes on with what a stop interrupted: the
 * pending recipients are in the store.  Queueing is fast (tens of
 * thousands a second); sending goes at the channel's rate, case replies
 * first (the outbox's priority).  At start-up and after each reload it
 * fails the announcements' messages queued on a channel that cannot
 * send any more (announce_stranded_work()): nothing stays queued for
 * ever.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/announce_feed.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/slot.h"
#include "base/util.h"
#include "conf/config.h"
#include "core/announce.h"
#include "daemon/services.h"
#include "domain/subscribe.h"
#include "store/announce.h"
#include "store/store.h"

#define FEED_IDLE_MSEC		1000	/* longest sleep */
#define FEED_SENDING_MAX	16	/* announcements fed at once */

struct announce_feeder {
	struct services		*svc;
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	int			 kicked;
	int			 stopping;
};

/*
 * Feeds announcement id one batch.  Returns 1 when more may be pending
 * now, 0 when it is done or waits (for the next round: none it could
 * take), -1 when the store failed.
 */
static int
feed_one(struct announce_feeder *f, struct config *conf, int64_t id)
{
	struct announce_feed	 af;
	enum store_status	 st;
	char			 code[32];

	memset(&af, 0, sizeof(af));
	af.conf = conf;
	af.id = id;
	if ((st = store_submit_wait(f->svc->store, announce_feed_work, &af)) !=
	    STORE_OK) {
		if (st != STORE_CLOSED)
			log_warnx(_("announce: queueing recipients: %s (will "
			    "try again)"), store_strerror(st));
		return -1;
	}
	subscribe_code(conf, id, code, sizeof(code));
	if (af.queued > 0 || af.skipped > 0)
		log_debug("announce: %s: %lld more queued, %lld opted out",
		    code, (long long)af.queued, (long long)af.skipped);
	if (af.unreachable > 0)
		log_warnx(_("announce: %s: %lld recipients skipped: no "
		    "enabled channel can send to them"), code,
		    (long long)af.unreachable);
	if (af.finished) {
		log_info(_("announce: %s: every recipient queued"), code);
		return 0;
	}
	/* None to take: another gateway's feeder holds those left. */
	if (af.queued == 0 && af.skipped == 0 && af.unreachable == 0)
		return 0;
	return 1;
}

/*
 * Fails the announcements' messages left queued on a channel that cannot
 * send under conf.  Returns 0, or -1 when the store failed (tried again
 * on the next round).
 */
static int
unstrand(struct announce_feeder *f, struct config *conf)
{
	struct announce_feed	 af;
	enum store_status	 st;

	memset(&af, 0, sizeof(af));
	af.conf = conf;
	if ((st = store_submit_wait(f->svc->store, announce_stranded_work,
	    &af)) != STORE_OK)
		return -1;
	if (af.queued > 0)
		log_warnx(_("announce: %lld messages were queued on channels "
		    "that cannot send: marked failed"), (long long)af.queued);
	return 0;
}

static void *
feeder_main(void *arg)
{
	struct announce_feeder	*f = arg;
	struct config		*conf, *swept = NULL;
	struct timespec		 ts;
	int64_t			 ids[FEED_SENDING_MAX];
	size_t			 i, n;
	int			 more;
	double			 until;

	pthread_setname_np(pthread_self(), "announce");
	pthread_mutex_lock(&f->lock);
	while (!f->stopping) {
		f->kicked = 0;
		pthread_mutex_unlock(&f->lock);
		more = 0;
		conf = conf_slot_get(f->svc->confs);
		/* A configuration not swept yet (kept: no reused address). */
		if (conf != swept && unstrand(f, conf) == 0) {
			config_unref(swept);
			swept = config_ref(conf);
		}
		if (store_announce_sending(f->svc->store, ids, FEED_SENDING_MAX,
		    &n) == STORE_OK)
			for (i = 0; i < n; i++)
				if (feed_one(f, conf, ids[i]) == 1)
					more = 1;
		config_unref(conf);
		pthread_mutex_lock(&f->lock);
		if (more || f->kicked || f->stopping)
			continue;
		until = clock_mono() + FEED_IDLE_MSEC / 1000.0;
		ts.tv_sec = (time_t)until;
		ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
		while (!f->kicked && !f->stopping &&
		    pthread_cond_timedwait(&f->wake, &f->lock, &ts) !=
		    ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&f->lock);
	config_unref(swept);
	return NULL;
}

/*
 * Starts the feeder on svc's store and configuration.  Returns it, or
 * NULL with the reason in err.
 */
struct announce_feeder *
announce_feeder_start(struct services *svc, char *err, size_t errsz)
{
	struct announce_feeder	*f = xcalloc(1, sizeof(*f));
	pthread_condattr_t	 ca;
	int			 rc;

	f->svc = svc;
	pthread_mutex_init(&f->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->wake, &ca);
	pthread_condattr_destroy(&ca);
	if ((rc = pthread_create(&f->thread, NULL, feeder_main, f)) != 0) {
		snprintf(err, errsz, "announce: thread: %s", strerror(rc));
		pthread_cond_destroy(&f->wake);
		pthread_mutex_destroy(&f->lock);
		free(f);
		return NULL;
	}
	return f;
}

/* Wakes the feeder: an announcement started; any thread, NULL a no-op. */
void
announce_feeder_kick(struct announce_feeder *f)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	f->kicked = 1;
	pthread_cond_signal(&f->wake);
	pthread_mutex_unlock(&f->lock);
}

/* Stops and frees the feeder (before the store closes); NULL a no-op. */
void
announce_feeder_stop(struct announce_feeder *f)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	f->stopping = 1;
	pthread_cond_signal(&f->wake);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->wake);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
