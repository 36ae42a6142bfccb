/*
 * outbox.c: the outbox worker, which sends what the outbox table holds.
 *
 * Every reply is an outbox row written in the transaction of the event
 * that caused it; ingest never waits for sending.  One worker thread,
 * woken when a batch queued rows (the store's outbox hook), when a send
 * finished, and by its own timer for retries, goes through the enabled
 * channels.  For each it claims the rows that are due (queued, next_attempt
 * reached) in a store transaction that marks them "sending" with the
 * attempt counted, as many as the channel's rate limit (channels.rate,
 * messages a second, a token bucket) and outbox.max_inflight allow, and
 * hands each to the channel's driver.
 *
 * A driver (struct outbox_driver) sends without blocking the worker and
 * reports each row once with outbox_sent(), from any thread.  The modem
 * channel registers its own with outbox_register(); every other channel
 * with a base_url uses the HTTP providers' driver (send_http.c).  A
 * channel without a driver keeps its rows queued, and the log says so
 * once.
 *
 * Results are written in batches: outbox_sent() appends to a list, and one
 * store work item at a time records the whole list (sent with an outbound
 * row, queued again after an exponential backoff with jitter, failed, or
 * dead: given up once it fails outbox.give_up_after seconds after it was
 * queued, a time rather than a number of attempts, so that a provider's
 * outage of hours loses nothing whatever the backoff; or after
 * outbox.max_attempts when that is set).  Nothing is lost to a crash: a row is
 * "sending" until its result is committed, and rows left "sending" are
 * queued again at start-up, so a message in flight at a crash is sent a
 * second time (at-least-once; Vonage gets the outbox id as client-ref).
 *
 * A reply due at once on a channel the worker can send on now does not
 * wait for a claim: the store's writer inserts it "sending" and, once
 * its batch is committed and on disk, hands it to the worker
 * (store_outbox_direct()), which sends it when the channel's rate limit
 * and outbox.max_inflight allow, before what it claims.  The worker
 * holds at most OB_HANDED_PER_INFLIGHT times outbox.max_inflight such
 * rows; beyond that, and on PostgreSQL, where gateways share the rows,
 * replies are queued and claimed.  What it still holds at a stop is
 * queued again, its attempt not counted.
 */
#include <sys/queue.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chan/outbox.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "base/clock.h"
#include "base/hash.h"
#include "conf/config.h"
#include "store/store.h"
#include "chan/send_http.h"

#define OB_HASH		4096	/* buckets of the in-flight table */
#define OB_CHANNELS_MAX	(CONF_CHANNELS_MAX * 2)	/* channel states kept */
#define OB_IDLE_MSEC	5000	/* longest sleep without a reason */
#define OB_RACE_MSEC	200	/* nap when due rows could not be claimed */
#define OB_ERR_MAX	256	/* bytes of a provider error kept */
#define OB_HANDED_PER_INFLIGHT 4	/* rows held from the writer, at most */

/* One claimed row, from the claim until its result is committed. */
struct entry {
	struct outbox_msg	 m;		/* what the driver sees */
	struct hash_node	 h;		/* in the in-flight table */
	STAILQ_ENTRY(entry)	 link;		/* in a list of results */
	struct config		*conf;		/* keeps m.channel valid */
	struct store_outbox	 row;		/* owns the strings of m */
	enum store_outbox_state	 state;		/* the result */
	int64_t			 next_attempt;
	int			 refund;
	int			 dead;
	char			*provider_id;
	char			*error;
};

STAILQ_HEAD(entries, entry);

/* What the worker keeps per channel name, across reloads. */
struct chan {
	char			 name[CONF_ID_MAX];
	struct outbox_driver	 drv;		/* registered, or */
	int			 has_drv;	/* the HTTP driver */
	int			 inflight;
	double			 tokens;	/* rate limit bucket */
	struct timespec		 refilled;
	int			 warned;	/* "no driver" said once */
	int			 fails;		/* sends failed in a row */
	int64_t			 fail_since;	/* the first of them */
	char			 fail_error[OB_ERR_MAX];	/* the last */
	uint64_t		 quiet_gen;	/* nothing queued then, or 0 */
};

struct outbox {
	struct store		*store;
	struct send_http	*http;
	pthread_t		 thread;
	int			 started;

	pthread_mutex_t		 lock;		/* everything below */
	pthread_cond_t		 wake;		/* for the worker */
	pthread_cond_t		 idle;		/* inflight or flushing fell */
	struct config		*conf;
	int			 kicked;
	int			 stopping;	/* the worker must exit */
	int			 closed;	/* outbox_stop() is done */
	struct chan		 chans[OB_CHANNELS_MAX];
	size_t			 nchans;
	struct hash		 table;		/* in flight, by row id */
	size_t			 inflight;
	struct entries		 results;	/* waiting to be written */
	struct entries		 flushing;	/* being written */
	struct entries		 graveyard;	/* abandoned at shutdown */
	struct entries		 handed;	/* from the writer, to send */
	size_t			 nhanded;
	int			 direct;	/* the writer hands replies */
	uint64_t		 queued_gen;	/* batches that queued rows */
	unsigned		 seed;
};

/*
 * ===================================================================
 * Helpers
 * ===================================================================
 */

/* The state of channel name, created on first use; lock held. */
static struct chan *
chan_get(struct outbox *ob, const char *name)
{
	struct chan	*c;
	size_t		 i;

	for (i = 0; i < ob->nchans; i++)
		if (strcmp(ob->chans[i].name, name) == 0)
			return &ob->chans[i];
	if (ob->nchans == OB_CHANNELS_MAX)
		return NULL;
	c = &ob->chans[ob->nchans++];
	memset(c, 0, sizeof(*c));
	copy_str(c->name, sizeof(c->name), name);
	clock_gettime(CLOCK_MONOTONIC, &c->refilled);
	c->tokens = -1;		/* full on first use */
	return c;
}

/* Removes and returns the in-flight entry id, or NULL; lock held. */
static struct entry *
table_take(struct outbox *ob, int64_t id)
{
	struct hash_node	*n;

	if ((n = hash_lookup(&ob->table, (uint64_t)id)) == NULL)
		return NULL;
	hash_remove(&ob->table, n);
	return hash_entry(n, struct entry, h);
}

static void
entry_free(struct entry *e)
{
	store_outbox_clear(&e->row);
	config_unref(e->conf);
	free(e->provider_id);
	free(e->error);
	free(e);
}

/* Frees every entry of l and leaves it empty. */
static void
entries_free(struct entries *l)
{
	struct entry	*e;

	while ((e = STAILQ_FIRST(l)) != NULL) {
		STAILQ_REMOVE_HEAD(l, link);
		entry_free(e);
	}
}

/*
 * The delay before attempt number "attempt" + 1, after "attempt" failed
 * ones (1 and up): outbox.backoff_initial doubled for each earlier
 * failure, at most outbox.backoff_max, then "equal jitter" (between half
 * and all of it, r01 in [0, 1) picks where).  Returns whole seconds, at
 * least 1.
 */
int64_t
outbox_backoff(const struct config *conf, int attempt, double r01)
{
	double	d = conf->outbox_backoff_initial;
	double	max = conf->outbox_backoff_max;
	int	i;

	if (max < d)
		max = d;
	for (i = 1; i < attempt && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	d = d / 2 + d / 2 * r01;
	if (d < 1)
		d = 1;
	return (int64_t)ceil(d);
}

/*
 * What a delivery report's status word means for the message: the
 * providers' words for delivered and for failed (Kannel's dlr-mask
 * numbers: 1 delivered, 2 and 16 failed).  Returns STORE_OUTBOX_DELIVERED,
 * STORE_OUTBOX_FAILED, or STORE_OUTBOX_QUEUED for a report that is not
 * final (sent, buffered, accepted...) or unknown.
 */
enum store_outbox_state
outbox_dlr_state(enum channel_type type, const char *status)
{
	static const char *const delivered[] = { "delivered", "success",
	    NULL };
	static const char *const failed[] = { "undelivered", "failed",
	    "rejected", "expired", NULL };
	size_t	i;

	if (status == NULL)
		return STORE_OUTBOX_QUEUED;
	if (type == CHANNEL_GENERIC) {
		if (strcmp(status, "1") == 0)
			return STORE_OUTBOX_DELIVERED;
		if (strcmp(status, "2") == 0 || strcmp(status, "16") == 0)
			return STORE_OUTBOX_FAILED;
	}
	for (i = 0; delivered[i] != NULL; i++)
		if (strcasecmp(status, delivered[i]) == 0)
			return STORE_OUTBOX_DELIVERED;
	for (i = 0; failed[i] != NULL; i++)
		if (strcasecmp(status, failed[i]) == 0)
			return STORE_OUTBOX_FAILED;
	return STORE_OUTBOX_QUEUED;
}

/*
 * ===================================================================
 * Results
 * ===================================================================
 */

static void	flush_submit(struct outbox *);

/* Writes the list being flushed (the work function of a flush item). */
static enum store_status
flush_work(struct store_txn *txn, void *arg)
{
	struct outbox			*ob = arg;
	struct store_outbox_result	 r;
	enum store_status		 s;
	struct entry			*e;

	STAILQ_FOREACH(e, &ob->flushing, link) {
		memset(&r, 0, sizeof(r));
		r.id = e->m.id;
		r.state = e->state;
		r.channel = e->m.channel->name;
		r.provider_id = e->provider_id;
		r.sender = e->m.channel->number;
		r.error = e->error;
		r.next_attempt = e->next_attempt;
		r.refund = e->refund;
		r.dead = e->dead;
		s = store_outbox_result(txn, &r);
		if (s != STORE_OK && s != STORE_NOTFOUND)
			return s;
	}
	return STORE_OK;
}

/*
 * Puts the list being flushed back in front of the pending results, to be
 * written again; lock held.
 */
static void
flushing_putback(struct outbox *ob)
{
	STAILQ_CONCAT(&ob->flushing, &ob->results);
	STAILQ_CONCAT(&ob->results, &ob->flushing);
	pthread_cond_broadcast(&ob->idle);
}

static void	flush_done(enum store_status, void *);

/*
 * Hands ob->flushing (not empty, so ob stays alive) to the store; when the
 * store
 * takes no work (closing), the results go back to wait for outbox_stop().
 */
static void
flush_send(struct outbox *ob)
{
	if (store_submit(ob->store, flush_work, flush_done, ob) != STORE_OK) {
		pthread_mutex_lock(&ob->lock);
		flushing_putback(ob);
		pthread_mutex_unlock(&ob->lock);
	}
}

/*
 * After the flush committed (or not); on a store thread.  The results
 * that came meanwhile become the next flush before the lock is let go: once
 * nothing is flushing, outbox_stop() may go on and free ob, so ob is not
 * touched after that.  A failure waits a round.
 */
static void
flush_done(enum store_status s, void *arg)
{
	struct outbox	*ob = arg;
	struct entries	 done = STAILQ_HEAD_INITIALIZER(done);
	int		 again = 0;

	pthread_mutex_lock(&ob->lock);
	if (s == STORE_OK) {
		STAILQ_CONCAT(&done, &ob->flushing);
		STAILQ_CONCAT(&ob->flushing, &ob->results);
		if (!STAILQ_EMPTY(&ob->flushing))
			again = 1;
		else
			pthread_cond_broadcast(&ob->idle);
	} else {
		log_warnx(_("outbox: recording results failed: %s (will try "
		    "again)"), store_strerror(s));
		flushing_putback(ob);
	}
	pthread_mutex_unlock(&ob->lock);
	entries_free(&done);
	if (again)
		flush_send(ob);
}

/* Starts writing the pending results when no flush is under way. */
static void
flush_submit(struct outbox *ob)
{
	pthread_mutex_lock(&ob->lock);
	if (!STAILQ_EMPTY(&ob->flushing) || STAILQ_EMPTY(&ob->results)) {
		pthread_mutex_unlock(&ob->lock);
		return;
	}
	STAILQ_CONCAT(&ob->flushing, &ob->results);
	pthread_mutex_unlock(&ob->lock);
	flush_send(ob);
}

/* Appends e to the results; lock held. */
static void
result_add(struct outbox *ob, struct entry *e)
{
	STAILQ_INSERT_TAIL(&ob->results, e, link);
}

/*
 * Whether a row whose attempt failed (and could be retried) is given up:
 * outbox.give_up_after seconds after it was queued, or at its
 * outbox.max_attempts-th attempt when that is not 0.
 */
static int
give_up(const struct entry *e, int attempt)
{
	const struct config	*conf = e->conf;

	if (conf->outbox_max_attempts > 0 &&
	    attempt >= conf->outbox_max_attempts)
		return 1;
	return (int64_t)time(NULL) - e->row.created >=
	    conf->outbox_give_up_after;
}

/*
 * Reports what became of row id, which a driver was given: SEND_OK with
 * the provider's message id (or NULL), SEND_RETRY or SEND_PERMANENT with
 * the reason in error (or NULL).  Call it exactly once per row, from any
 * thread; the strings are copied.  A row the outbox does not know (a
 * report after outbox_stop()) is ignored.
 */
/*
 * Counts a send's result in the health of channel c, which is degraded
 * once "after" sends in a row failed (outbox.degraded_after), until one
 * works; lock held.
 */
static void
chan_result(struct chan *c, enum send_result res, const char *error,
    int after)
{
	if (res == SEND_OK) {
		if (c->fails >= after)
			log_notice(_("outbox: %s: sends work again (after %d "
			    "failed)"), c->name, c->fails);
		c->fails = 0;
		return;
	}
	if (c->fails++ == 0)
		c->fail_since = (int64_t)time(NULL);
	copy_str(c->fail_error, sizeof(c->fail_error), error != NULL ?
	    error : "?");
	if (c->fails == after)
		log_warnx(_("outbox: %s: the last %d sends failed; degraded "
		    "until one works"), c->name, c->fails);
}

void
outbox_sent(struct outbox *ob, int64_t id, enum send_result res,
    const char *provider_id, const char *error)
{
	struct entry	*e;
	struct chan	*c;
	char		 masked[MASKED_NUMBER_MAX];
	int		 attempt;

	pthread_mutex_lock(&ob->lock);
	if ((e = table_take(ob, id)) == NULL) {
		pthread_mutex_unlock(&ob->lock);
		log_debug("outbox: a report on row %lld, which is not in "
		    "flight, ignored", (long long)id);
		return;
	}
	ob->inflight--;
	if ((c = chan_get(ob, e->m.channel->name)) != NULL)
		c->inflight--;
	attempt = e->m.attempts + 1;
	if (provider_id != NULL && *provider_id != '\0')
		e->provider_id = xstrdup(provider_id);
	if (error != NULL && *error != '\0') {
		e->error = xcalloc(1, OB_ERR_MAX);
		copy_str(e->error, OB_ERR_MAX, error);
	}
	mask_number(e->m.recipient, masked, sizeof(masked));
	switch (res) {
	case SEND_OK:
		e->state = STORE_OUTBOX_SENT;
		log_debug("outbox: %s: row %lld to %s sent (attempt %d)",
		    e->m.channel->name, (long long)id, masked, attempt);
		break;
	case SEND_RETRY:
		if (give_up(e, attempt)) {
			e->state = STORE_OUTBOX_FAILED;
			e->dead = 1;
			log_warnx(_("outbox: %s: row %lld to %s dead after %d "
			    "attempts in %llds: %s"), e->m.channel->name,
			    (long long)id, masked, attempt, (long long)(
			    (int64_t)time(NULL) - e->row.created),
			    error ? error : "?");
			break;
		}
		e->state = STORE_OUTBOX_QUEUED;
		e->next_attempt = (int64_t)time(NULL) +
		    outbox_backoff(e->conf, attempt,
		    (double)rand_r(&ob->seed) / ((double)RAND_MAX + 1));
		log_notice(_("outbox: %s: row %lld to %s: %s; retry in %llds"),
		    e->m.channel->name, (long long)id, masked,
		    error ? error : "?", (long long)(e->next_attempt -
		    (int64_t)time(NULL)));
		break;
	case SEND_PERMANENT:
	default:
		e->state = STORE_OUTBOX_FAILED;
		log_warnx(_("outbox: %s: row %lld to %s failed: %s"),
		    e->m.channel->name, (long long)id, masked,
		    error ? error : "?");
		break;
	}
	if (c != NULL)
		chan_result(c, res, error, e->conf->outbox_degraded_after);
	result_add(ob, e);
	ob->kicked = 1;
	pthread_cond_signal(&ob->wake);
	pthread_cond_broadcast(&ob->idle);
	pthread_mutex_unlock(&ob->lock);
	flush_submit(ob);
}

/*
 * ===================================================================
 * Drivers
 * ===================================================================
 */

/*
 * Sets the driver of channel (copied); a NULL driver removes it, and the
 * channel falls back to the HTTP driver when it is an HTTP channel.  A
 * driver must report every row it took (outbox_sent()) until
 * outbox_stop() returned.  Returns 0, or -1 when too many channels are
 * known.
 */
int
outbox_register(struct outbox *ob, const char *channel,
    const struct outbox_driver *drv)
{
	struct chan	*c;

	pthread_mutex_lock(&ob->lock);
	if ((c = chan_get(ob, channel)) == NULL) {
		pthread_mutex_unlock(&ob->lock);
		return -1;
	}
	if (drv != NULL) {
		c->drv = *drv;
		c->has_drv = 1;
		c->warned = 0;
		log_info(_("outbox: %s: driver %s"), channel, drv->name);
	} else
		c->has_drv = 0;
	ob->kicked = 1;
	pthread_cond_signal(&ob->wake);
	pthread_mutex_unlock(&ob->lock);
	return 0;
}

/*
 * The driver of channel ch in *drv; lock held.  Returns 0, or -1 when it
 * has none (its rows stay queued).
 */
static int
driver_of(struct outbox *ob, struct chan *c, const struct channel *ch,
    struct outbox_driver *drv)
{
	if (c->has_drv) {
		*drv = c->drv;
		return 0;
	}
	if (ch->type == CHANNEL_MODEM || ch->base_url[0] == '\0' ||
	    ob->http == NULL)
		return -1;
	drv->name = "http";
	drv->send = send_http_send;
	drv->ready = NULL;
	drv->ctx = ob->http;
	return 0;
}

/*
 * ===================================================================
 * The worker
 * ===================================================================
 */

struct claim {
	const char		*channel;
	int			 limit;
	struct store_outbox	*rows;
	size_t			 n;
};

static enum store_status
claim_work(struct store_txn *txn, void *arg)
{
	struct claim	*cl = arg;

	return store_outbox_claim(txn, cl->channel, (int64_t)time(NULL),
	    cl->limit, &cl->rows, &cl->n);
}

/*
 * Refills channel c's token bucket and returns how many rows it may send
 * now (a large number without a limit); *wait gets the seconds until the
 * next token when none is left.  Lock held.
 */
static int
rate_budget(struct chan *c, double rate, double *wait)
{
	struct timespec	ts;
	double		dt, burst;

	*wait = 0;
	if (rate <= 0)
		return OUTBOX_CLAIM_MAX;
	burst = rate < 1 ? 1 : rate;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	dt = (double)(ts.tv_sec - c->refilled.tv_sec) +
	    (double)(ts.tv_nsec - c->refilled.tv_nsec) / 1e9;
	c->refilled = ts;
	if (c->tokens < 0)
		c->tokens = burst;
	c->tokens += dt * rate;
	if (c->tokens > burst)
		c->tokens = burst;
	if (c->tokens >= 1)
		return (int)c->tokens;
	*wait = (1 - c->tokens) / rate;
	return 0;
}

/*
 * Gets channel ch ready for a turn: its driver in *drv and in *budget how
 * many rows it may claim now, within outbox.max_inflight,
 * OUTBOX_CLAIM_MAX and its rate limit; *rwait gets the seconds until its
 * next token when the rate limit allows none.  Returns the channel's
 * state, or NULL when it has none or no driver (the log says so once,
 * when it has rows waiting).
 */
static struct chan *
channel_budget(struct outbox *ob, struct config *conf,
    const struct channel *ch, struct outbox_driver *drv, int *budget,
    double *rwait)
{
	struct chan	*c;
	int64_t		 due;
	int		 n;

	pthread_mutex_lock(&ob->lock);
	if ((c = chan_get(ob, ch->name)) == NULL) {
		pthread_mutex_unlock(&ob->lock);
		return NULL;
	}
	if (driver_of(ob, c, ch, drv) == -1) {
		if (!c->warned && store_outbox_next_due(ob->store, ch->name,
		    &due) == STORE_OK) {
			log_warnx(_("outbox: %s: no driver for this %s "
			    "channel; its messages stay queued"), ch->name,
			    channel_type_name(ch->type));
			c->warned = 1;
		}
		pthread_mutex_unlock(&ob->lock);
		return NULL;
	}
	*budget = conf->outbox_max_inflight - c->inflight;
	if (*budget > OUTBOX_CLAIM_MAX)
		*budget = OUTBOX_CLAIM_MAX;
	n = rate_budget(c, ch->rate, rwait);
	if (n < *budget)
		*budget = n;
	pthread_mutex_unlock(&ob->lock);
	return c;
}

/*
 * Returns a new in-flight entry for row, claimed on channel ch under conf
 * (a reference is taken); the entry takes over the row's strings.
 */
static struct entry *
entry_new(struct config *conf, const struct channel *ch,
    const struct store_outbox *row)
{
	struct entry	*e;

	e = xcalloc(1, sizeof(*e));
	e->row = *row;
	e->conf = config_ref(conf);
	e->m.id = e->row.id;
	e->m.case_id = e->row.case_id;
	e->m.channel = ch;
	e->m.recipient = e->row.recipient;
	e->m.text = e->row.text;
	e->m.encoding = e->row.encoding;
	e->m.segments = e->row.segments;
	e->m.attempts = e->row.attempts - 1;
	return e;
}

/*
 * Counts entry e in flight on channel ch (state c) and hands it to the
 * driver drv.  Returns 0 when the driver took it (outbox_sent() follows,
 * maybe on another thread, and e is no longer ours to touch), or -1 when
 * the driver cannot take it now: then e, uncounted again and its token
 * given back, is queued again for a second later among the results to be
 * written.
 */
static int
hand_out(struct outbox *ob, struct chan *c, const struct channel *ch,
    const struct outbox_driver *drv, struct entry *e)
{
	pthread_mutex_lock(&ob->lock);
	hash_insert(&ob->table, &e->h, (uint64_t)e->m.id);
	ob->inflight++;
	c->inflight++;
	if (ch->rate > 0)
		c->tokens -= 1;
	pthread_mutex_unlock(&ob->lock);
	if (drv->send(drv->ctx, &e->m) == 0)
		return 0;
	/* The driver cannot take it now: back, uncounted. */
	pthread_mutex_lock(&ob->lock);
	table_take(ob, e->m.id);
	ob->inflight--;
	c->inflight--;
	if (ch->rate > 0)
		c->tokens += 1;
	e->state = STORE_OUTBOX_QUEUED;
	e->refund = 1;
	e->next_attempt = (int64_t)time(NULL) + 1;
	result_add(ob, e);
	pthread_mutex_unlock(&ob->lock);
	return -1;
}

/*
 * Returns the seconds until channel ch's next queued row is due, at most
 * wait: wait when it has none (*none is set), OB_RACE_MSEC when one is
 * due already but was not claimed, 1 when the store failed.
 */
static double
next_due(struct outbox *ob, const struct channel *ch, double wait, int *none)
{
	enum store_status	 s;
	double			 left;
	int64_t			 due;

	*none = 0;
	s = store_outbox_next_due(ob->store, ch->name, &due);
	if (s == STORE_NOTFOUND) {
		*none = 1;
		return wait;
	}
	if (s != STORE_OK)
		return 1;
	left = (double)due - clock_wall();
	if (left <= 0)
		return OB_RACE_MSEC / 1000.0;
	return left < wait ? left : wait;
}

/*
 * Hands the driver of channel ch (state c) up to budget rows that the
 * store's writer handed over for it, oldest first; *busy is set when the
 * driver could not take one.  Returns how many were taken from the list.
 */
static int
handed_run(struct outbox *ob, struct chan *c, const struct channel *ch,
    const struct outbox_driver *drv, int budget, int *busy)
{
	struct entries	 mine = STAILQ_HEAD_INITIALIZER(mine);
	struct entries	 keep = STAILQ_HEAD_INITIALIZER(keep);
	struct entry	*e;
	int		 n = 0;

	pthread_mutex_lock(&ob->lock);
	while ((e = STAILQ_FIRST(&ob->handed)) != NULL) {
		STAILQ_REMOVE_HEAD(&ob->handed, link);
		if (n < budget && strcmp(e->m.channel->name, ch->name) == 0) {
			STAILQ_INSERT_TAIL(&mine, e, link);
			ob->nhanded--;
			n++;
		} else
			STAILQ_INSERT_TAIL(&keep, e, link);
	}
	STAILQ_CONCAT(&ob->handed, &keep);
	pthread_mutex_unlock(&ob->lock);
	while ((e = STAILQ_FIRST(&mine)) != NULL) {
		STAILQ_REMOVE_HEAD(&mine, link);
		if (hand_out(ob, c, ch, drv, e) == -1)
			*busy = 1;
	}
	return n;
}

/*
 * One channel's turn: claims what is due and may go now and hands it to
 * the driver, after the rows the store's writer handed over.  Returns the seconds (monotonic) until this channel wants
 * the worker again, 0 for at once.
 */
static double
channel_run(struct outbox *ob, struct config *conf, const struct channel *ch)
{
	struct outbox_driver	 drv;
	struct claim		 cl;
	struct chan		*c;
	enum store_status	 s;
	double			 wait = OB_IDLE_MSEC / 1000.0, rwait, w;
	uint64_t		 gen;
	size_t			 i;
	int			 budget, busy = 0, quiet, none;

	if ((c = channel_budget(ob, conf, ch, &drv, &budget, &rwait)) == NULL)
		return wait;
	if (drv.ready != NULL && !drv.ready(drv.ctx))
		return 1;
	if (budget <= 0)
		/* A finished send kicks the worker; so does a token. */
		return rwait > 0 ? rwait : wait;
	budget -= handed_run(ob, c, ch, &drv, budget, &busy);
	if (busy) {
		flush_submit(ob);
		return 1;
	}
	if (budget <= 0)
		return 0;	/* maybe more wait */
	/*
	 * Replies come from the writer: the store has queued rows only
	 * after a batch said so (the outbox hook), or when the last look
	 * found some.
	 */
	pthread_mutex_lock(&ob->lock);
	gen = ob->queued_gen;
	quiet = ob->direct && c->quiet_gen == gen;
	pthread_mutex_unlock(&ob->lock);
	if (quiet)
		return wait;

	memset(&cl, 0, sizeof(cl));
	cl.channel = ch->name;
	cl.limit = budget;
	if ((s = store_submit_wait(ob->store, claim_work, &cl)) != STORE_OK) {
		if (s != STORE_CLOSED)
			log_warnx(_("outbox: %s: claiming rows: %s"), ch->name,
			    store_strerror(s));
		return 1;
	}
	for (i = 0; i < cl.n; i++)
		if (hand_out(ob, c, ch, &drv, entry_new(conf, ch,
		    &cl.rows[i])) == -1)
			busy = 1;
	free(cl.rows);
	if (busy) {
		flush_submit(ob);
		return 1;
	}
	if ((int)cl.n == budget)
		return 0;	/* maybe more are due */
	if ((w = next_due(ob, ch, wait, &none)) == wait && none) {
		pthread_mutex_lock(&ob->lock);
		c->quiet_gen = gen;
		pthread_mutex_unlock(&ob->lock);
	}
	return w;
}

static void *
worker_main(void *arg)
{
	struct outbox		*ob = arg;
	struct config		*conf;
	struct timespec		 ts;
	double			 wait, w, until;
	size_t			 i;

	pthread_setname_np(pthread_self(), "outbox");
	pthread_mutex_lock(&ob->lock);
	while (!ob->stopping) {
		ob->kicked = 0;
		conf = config_ref(ob->conf);
		pthread_mutex_unlock(&ob->lock);

		flush_submit(ob);	/* results a failed flush left */
		wait = OB_IDLE_MSEC / 1000.0;
		for (i = 0; i < conf->nchannels; i++) {
			if (!conf->channels[i].enabled)
				continue;
			w = channel_run(ob, conf, &conf->channels[i]);
			if (w < wait)
				wait = w;
		}
		config_unref(conf);

		pthread_mutex_lock(&ob->lock);
		if (wait <= 0 || ob->kicked || ob->stopping)
			continue;
		until = clock_mono() + wait;
		ts.tv_sec = (time_t)until;
		ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
		while (!ob->kicked && !ob->stopping &&
		    pthread_cond_timedwait(&ob->wake, &ob->lock, &ts) !=
		    ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&ob->lock);
	return NULL;
}

/*
 * ===================================================================
 * Start, reload, stop
 * ===================================================================
 */

/* Wakes the worker: a batch queued rows; on a store thread. */
static void
hook(void *arg)
{
	struct outbox	*ob = arg;

	pthread_mutex_lock(&ob->lock);
	ob->queued_gen++;
	ob->kicked = 1;
	pthread_cond_signal(&ob->wake);
	pthread_mutex_unlock(&ob->lock);
}

/*
 * Whether the worker takes a reply on channel from the store's writer
 * (store_outbox_direct()): it is not stopping, holds few enough, and the
 * channel is enabled with a driver.  On the writer thread.
 */
static int
direct_accept(const char *channel, void *arg)
{
	struct outbox		*ob = arg;
	const struct channel	*ch;
	struct outbox_driver	 drv;
	struct chan		*c;
	int			 r = 0;

	pthread_mutex_lock(&ob->lock);
	if (!ob->stopping && ob->conf != NULL && ob->nhanded <
	    (size_t)ob->conf->outbox_max_inflight * OB_HANDED_PER_INFLIGHT &&
	    (ch = config_channel(ob->conf, channel)) != NULL &&
	    ch->enabled && (c = chan_get(ob, channel)) != NULL &&
	    driver_of(ob, c, ch, &drv) == 0)
		r = 1;
	pthread_mutex_unlock(&ob->lock);
	return r;
}

/*
 * Takes n rows the store's writer inserted "sending" and committed (the
 * strings become the entries'): they wait in ob->handed for their
 * channel's turn; once the worker is stopping, they are queued again
 * instead, their attempt not counted.  On a store thread.
 */
static void
direct_take(struct store_outbox *rows, size_t n, void *arg)
{
	struct outbox		*ob = arg;
	const struct channel	*ch;
	struct entry		*e;
	size_t			 i;

	pthread_mutex_lock(&ob->lock);
	for (i = 0; i < n; i++) {
		if ((ch = config_channel(ob->conf, rows[i].channel)) ==
		    NULL) {
			/* Gone with a reload: sent after the next start. */
			store_outbox_clear(&rows[i]);
			continue;
		}
		e = entry_new(ob->conf, ch, &rows[i]);
		if (ob->stopping) {
			e->state = STORE_OUTBOX_QUEUED;
			e->refund = 1;
			e->next_attempt = (int64_t)time(NULL);
			result_add(ob, e);
		} else {
			STAILQ_INSERT_TAIL(&ob->handed, e, link);
			ob->nhanded++;
		}
	}
	ob->kicked = 1;
	pthread_cond_signal(&ob->wake);
	pthread_mutex_unlock(&ob->lock);
}

static enum store_status
nothing_work(struct store_txn *txn, void *arg)
{
	(void)txn;
	(void)arg;
	return STORE_OK;
}

/*
 * Seconds after which a row still "sending" is taken for one whose
 * gateway died: longer than any send takes (connecting and waiting for
 * the answer, twice over).
 */
int64_t
outbox_lease(const struct config *conf)
{
	return 2 * ((int64_t)conf->outbox_connect_timeout +
	    conf->outbox_timeout) + 10;
}

/* Rows "sending" since before .before queued again; how many in .n. */
struct requeue {
	int64_t		before;
	int64_t		n;
};

static enum store_status
requeue_work(struct store_txn *txn, void *arg)
{
	struct requeue	*rq = arg;

	return store_outbox_requeue(txn, rq->before, &rq->n);
}

/*
 * With other gateways on the database, from the one that runs the
 * timers: the rows of a gateway that died while sending them, "sending"
 * for longer than the lease, queued again.  Returns how many, or -1.
 */
int64_t
outbox_reclaim(struct store *store, const struct config *conf)
{
	struct requeue	rq = { clock_unix() - outbox_lease(conf), 0 };

	if (store_submit_wait(store, requeue_work, &rq) != STORE_OK)
		return -1;
	if (rq.n > 0)
		log_notice(ngettext("outbox: %lld message in flight for "
		    "longer than a send takes (its gateway stopped) queued "
		    "again", "outbox: %lld messages in flight for longer than "
		    "a send takes (their gateway stopped) queued again",
		    (unsigned long)rq.n), (long long)rq.n);
	return rq.n;
}

/*
 * Starts the worker on store with conf (a reference is taken): rows left
 * "sending" by a crash are queued again first.  Returns the outbox, to be
 * stopped with outbox_stop() and freed with outbox_free(), or NULL with
 * the reason in err.
 */
struct outbox *
outbox_start(struct store *store, struct config *conf, char *err,
    size_t errsz)
{
	struct outbox		*ob = xcalloc(1, sizeof(*ob));
	pthread_condattr_t	 ca;
	enum store_status	 s;
	struct requeue		 rq;
	int64_t			 n;
	int			 rc;

	ob->store = store;
	ob->conf = config_ref(conf);
	ob->seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)ob;
	hash_init(&ob->table, OB_HASH);
	STAILQ_INIT(&ob->results);
	STAILQ_INIT(&ob->flushing);
	STAILQ_INIT(&ob->graveyard);
	STAILQ_INIT(&ob->handed);
	pthread_mutex_init(&ob->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ob->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&ob->idle, NULL);

	/* Alone on the database: every row; shared: the dead's only. */
	rq.before = store_shared(store) ? clock_unix() - outbox_lease(conf) :
	    INT64_MAX;
	rq.n = 0;
	if ((s = store_submit_wait(store, requeue_work, &rq)) != STORE_OK) {
		snprintf(err, errsz, "outbox: requeueing rows in flight: %s",
		    store_strerror(s));
		goto fail;
	}
	if ((n = rq.n) > 0)
		log_notice(ngettext("outbox: %lld message in flight at the "
		    "last stop queued again; it is sent again",
		    "outbox: %lld messages in flight at the last stop queued "
		    "again; they are sent again", (unsigned long)n),
		    (long long)n);
	if ((ob->http = send_http_start(ob, conf, err, errsz)) == NULL)
		goto fail;
	store_outbox_hook(store, hook, ob);
	/* Refused on PostgreSQL: there the rows are claimed. */
	ob->queued_gen = 1;	/* what the last run left: looked at first */
	ob->direct = store_outbox_direct(store, direct_accept, direct_take,
	    ob) == 0;
	if ((rc = pthread_create(&ob->thread, NULL, worker_main, ob)) != 0) {
		snprintf(err, errsz, "outbox: thread: %s", strerror(rc));
		store_outbox_hook(store, NULL, NULL);
		store_outbox_direct(store, NULL, NULL, NULL);
		goto fail;
	}
	ob->started = 1;
	return ob;
fail:
	outbox_stop(ob);
	outbox_free(ob);
	return NULL;
}

/* Switches to a new configuration (a reference is taken). */
void
outbox_reload(struct outbox *ob, struct config *conf)
{
	struct config	*old;

	if (ob->http != NULL)
		send_http_reload(ob->http, conf);
	pthread_mutex_lock(&ob->lock);
	old = ob->conf;
	ob->conf = config_ref(conf);
	ob->kicked = 1;
	pthread_cond_signal(&ob->wake);
	pthread_mutex_unlock(&ob->lock);
	config_unref(old);
}

/*
 * Waits until cond() holds or "until" (monotonic seconds) passed; lock
 * held.  Returns whether it holds.
 */
static int
wait_until(struct outbox *ob, int (*cond)(struct outbox *), double until)
{
	struct timespec	ts;

	while (!cond(ob)) {
		/* idle uses CLOCK_REALTIME: convert. */
		double left = until - clock_mono(), at = clock_wall() + left;

		if (left <= 0)
			return 0;
		ts.tv_sec = (time_t)at;
		ts.tv_nsec = (long)((at - (double)ts.tv_sec) * 1e9);
		pthread_cond_timedwait(&ob->idle, &ob->lock, &ts);
	}
	return 1;
}

static int
nothing_inflight(struct outbox *ob)
{
	return ob->inflight == 0;
}

static int
not_flushing(struct outbox *ob)
{
	return STAILQ_EMPTY(&ob->flushing);
}

/*
 * Stops claiming rows, gives the sends in flight outbox.shutdown_wait
 * seconds to finish, stops the HTTP driver and queues again what is
 * still in flight, then writes every result (the store must still be
 * open).  Rows that were never handed out stay queued.  Later reports
 * are ignored.
 */
void
outbox_stop(struct outbox *ob)
{
	struct hash_node *node;
	struct entry	*e;
	double		 until;

	if (ob == NULL || ob->closed)
		return;
	store_outbox_hook(ob->store, NULL, NULL);
	pthread_mutex_lock(&ob->lock);
	ob->stopping = 1;
	pthread_cond_signal(&ob->wake);
	pthread_mutex_unlock(&ob->lock);
	if (ob->started)
		pthread_join(ob->thread, NULL);
	/*
	 * The writer hands over nothing more (stopping); what it took
	 * before is in the store's hands until the work queued now is done.
	 * Then what the worker holds is queued again, never attempted.
	 */
	if (ob->store != NULL) {
		if (ob->started)
			store_submit_wait(ob->store, nothing_work, NULL);
		store_outbox_direct(ob->store, NULL, NULL, NULL);
	}
	pthread_mutex_lock(&ob->lock);
	while ((e = STAILQ_FIRST(&ob->handed)) != NULL) {
		STAILQ_REMOVE_HEAD(&ob->handed, link);
		e->state = STORE_OUTBOX_QUEUED;
		e->refund = 1;
		e->next_attempt = (int64_t)time(NULL);
		result_add(ob, e);
	}
	ob->nhanded = 0;
	until = clock_mono() + (ob->conf != NULL ?
	    ob->conf->outbox_shutdown_wait : 0);
	if (!wait_until(ob, nothing_inflight, until))
		log_notice(ngettext("outbox: %zu send still in flight at "
		    "shutdown; queued again", "outbox: %zu sends still in "
		    "flight at shutdown; queued again", ob->inflight),
		    ob->inflight);
	pthread_mutex_unlock(&ob->lock);
	send_http_stop(ob->http);
	ob->http = NULL;

	/*
	 * What is still in flight goes back to the queue (its attempt
	 * counted: it may have reached the provider); the entries stay
	 * allocated until outbox_free(), for a driver that still holds one.
	 */
	pthread_mutex_lock(&ob->lock);
	while ((node = hash_pop(&ob->table)) != NULL) {
		struct entry *r = xcalloc(1, sizeof(*r));

		e = hash_entry(node, struct entry, h);
		STAILQ_INSERT_TAIL(&ob->graveyard, e, link);
		r->m = e->m;
		r->conf = config_ref(e->conf);
		r->state = STORE_OUTBOX_QUEUED;
		r->next_attempt = (int64_t)time(NULL);
		result_add(ob, r);
		/* r borrows e's strings: e outlives the flush. */
	}
	ob->inflight = 0;
	/* Let a flush under way finish, then write the rest ourselves. */
	wait_until(ob, not_flushing, clock_mono() + 30);
	STAILQ_CONCAT(&ob->flushing, &ob->results);
	pthread_mutex_unlock(&ob->lock);
	if (!STAILQ_EMPTY(&ob->flushing)) {
		enum store_status s = store_submit_wait(ob->store, flush_work,
		    ob);

		if (s != STORE_OK)
			log_warnx(_("outbox: recording results at shutdown: %s "
			    "(the rows are queued again at the next start)"),
			    store_strerror(s));
		entries_free(&ob->flushing);
	}
	ob->closed = 1;
}

/* Frees a stopped outbox (outbox_stop() first); NULL is a no-op. */
void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	outbox_stop(ob);
	entries_free(&ob->graveyard);
	entries_free(&ob->results);
	hash_free(&ob->table);
	config_unref(ob->conf);
	pthread_cond_destroy(&ob->wake);
	pthread_cond_destroy(&ob->idle);
	pthread_mutex_destroy(&ob->lock);
	free(ob);
}

/*
 * Copies into h (at most max) how the sends of each channel that sent
 * anything go.  Returns how many channels there are.  Any thread.
 */
size_t
outbox_health(struct outbox *ob, struct outbox_chan_health *h, size_t max)
{
	size_t	i, n = 0;

	if (ob == NULL)
		return 0;
	pthread_mutex_lock(&ob->lock);
	for (i = 0; i < ob->nchans; i++, n++) {
		if (n >= max)
			continue;
		copy_str(h[n].channel, sizeof(h[n].channel),
		    ob->chans[i].name);
		h[n].fails = ob->chans[i].fails;
		h[n].since = ob->chans[i].fail_since;
		copy_str(h[n].error, sizeof(h[n].error),
		    ob->chans[i].fails > 0 ? ob->chans[i].fail_error : "");
	}
	pthread_mutex_unlock(&ob->lock);
	return n;
}
