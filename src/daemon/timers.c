/*
 * timers.c: the deadline, retention and report timer.
 *
 * The timer has a thread of its own.  Every deadlines.check_interval
 * seconds (timers_tick() wakes it once a tick) it runs once: it marks
 * open cases past their deadline and still waiting for an answer as
 * overdue (an audit entry each, a log line, a metric, and an SMS to
 * deadlines.notify_number when set), counts the open overdue cases for
 * /metrics, reminds the administrators of the next report to the
 * district once, reports.remind_days working days before its cut-off (an
 * SMS to each of reports.remind_numbers, a log line, an audit entry;
 * papictl status shows it until the day), reminds the residents booked
 * at the citizen reception the day before (core/reception.c), and
 * erases the numbers of cases closed more than privacy.retention_days
 * ago (see store_cases_erase()), of the messages that opened no case, of
 * the announcements' recipients and of the reception's bookings.  At
 * every tick it adds the messages that came to the full-text index
 * (store_fts_index()), which ingest no longer does, and on a database
 * that gateways share folds the deltas their writers added to the counts
 * of rows sent into outbox_sent (store_outbox_sent_fold()), and folds
 * what changed in the cases into the figures of reports summed by day
 * (store_report_fold(), with reports.daily_sums, on SQLite: its reads on
 * a connection of its own, one work item a chunk for the sums).
 *
 * On a database that several gateways share, each gateway runs the part
 * it leads (store_timer_lead()): one gateway of each ward the deadlines,
 * the report's reminder, the overdue count and the retention of that
 * ward's cases, reading them on a connection limited to the ward, with
 * its ward's configuration (its notify number, working days, retention);
 * one gateway of all the rest, which belongs to no ward.  A gateway of
 * no ward leads both, for every ward.
 *
 * Nothing of it may hold up ingest, which waits for the store's writer:
 * what is due is read on the reader connection, through indexes that
 * hold only what a run may change (store/timer_rows.c), and changed by
 * id in small work items, each waited for before the next is queued, so
 * that each rides in a group commit with the messages of its moment;
 * between the chunks of a retention backlog the thread pauses five times
 * as long as the chunk took, leaving the writer to ingest.  A run marks
 * every case that is due, then gives retention 20 seconds at most: a
 * backlog goes on at the next tick, after the deadlines and the index.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/timers.h"
#include "base/clock.h"
#include "base/date.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/period.h"
#include "domain/ref.h"
#include "store/store.h"
#include "store/announce.h"
#include "core/metrics.h"
#include "core/reply.h"
#include "core/reception.h"
#include "chan/outbox.h"
#include "daemon/services.h"

#define TIMER_CHUNK		64	/* cases marked by one work item */
#define ERASE_CHUNK		16	/* cases erased by one */
#define INBOUND_CHUNK		512	/* messages gone through by one */
#define FTS_CHUNK		256	/* messages indexed by one */
#define FTS_TICK_CHUNKS		64	/* chunks indexed at one tick, at most */
#define FOLD_CHUNK		4096	/* sent counts' deltas folded by one */
#define FOLD_TICK_CHUNKS	8	/* chunks folded at one tick, at most */
#define REPORT_FOLD_CHUNK	256	/* cases folded whole by one */
#define REPORT_FOLD_TICK_MS	500	/* of the reports' fold a tick, at most */
#define RETENTION_RUN_MS	20000	/* of retention in one run, at most */
#define TIMER_PAUSE_MS		10	/* between chunks of a backlog, at least */
#define TIMER_DUTY		5	/* and TIMER_DUTY times the chunk's time */
#define NOTIFY_REFS_MAX		10	/* references named in one notice */

struct timers {
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;
	pthread_t	 thread;
	int		 started;
	int		 stopping;
	int		 kicked;	/* a tick since the thread looked */
	struct services	*svc;
	int64_t		 last_run;	/* Unix seconds */
	struct store_fold *fold;	/* the reports' fold, its connection */
};

/* One chunk of a run: its input (ids) and its results. */
struct timer_job {
	struct config		*conf;
	int64_t			 now;
	const int64_t		*ids;
	size_t			 nids;
	int64_t			 before;	/* retention: closed before */
	int64_t			 upto;		/* messages up to this id */
	/* Results. */
	int64_t			 indexed;	/* messages, FTS_CHUNK: more */
	int64_t			 folded;	/* deltas, FOLD_CHUNK: more */
	int64_t			 took;		/* milliseconds */
	int64_t			 marked;
	int64_t			 erased;
	int64_t			 erased_msgs;
	char			 refs[NOTIFY_REFS_MAX * 24];
	size_t			 nrefs;
	int			 notified;
	char			 reminded[PERIOD_ID_MAX]; /* its period */
	char			 due[16];	/* its cut-off, YYYY-MM-DD */
	int			 reminded_left;	/* working days */
	int			 reminded_sms;	/* SMS queued */
	int			 reception_sms;	/* bookings reminded */
	int64_t			 erased_ann;	/* announcement recipients */
	int64_t			 erased_bookings;
};

static void
overdue_one(int64_t id, int64_t ref, const char *category, int64_t deadline,
    void *arg)
{
	struct timer_job	*tj = arg;
	size_t			 len = strlen(tj->refs);
	char			 rbuf[32];

	(void)id;
	(void)category;
	(void)deadline;
	if (tj->nrefs++ >= NOTIFY_REFS_MAX)
		return;
	ref_format(tj->conf->case_prefix, ref, rbuf, sizeof(rbuf));
	snprintf(tj->refs + len, sizeof(tj->refs) - len, "%s%s",
	    len ? ", " : "", rbuf);
}

/* Sends the notice of newly overdue cases to the configured officer. */
static enum store_status
notify_overdue(struct store_txn *txn, struct timer_job *tj)
{
	const struct config	*conf = tj->conf;
	const char		*channel = conf->deadline_notify_channel;
	struct reply_msg	 m;
	char			 text[512];
	size_t			 i;
	int64_t			 id = 0;
	enum store_status	 st;

	if (conf->deadline_notify_number[0] == '\0')
		return STORE_OK;
	for (i = 0; *channel == '\0' && i < conf->nchannels; i++)
		if (conf->channels[i].enabled)
			channel = conf->channels[i].name;
	if (*channel == '\0')
		return STORE_OK;
	snprintf(text, sizeof(text), "papigw: %lld ho so tre han: %s%s",
	    (long long)tj->marked, tj->refs, tj->nrefs > NOTIFY_REFS_MAX ?
	    ", ..." : "");
	memset(&m, 0, sizeof(m));
	m.kind = REPLY_KIND_INFO;
	m.channel = channel;
	m.recipient = conf->deadline_notify_number;
	m.text = text;
	if ((st = reply_queue(txn, conf, &m, &id)) != STORE_OK)
		return st;
	tj->notified = id != 0;
	return STORE_OK;
}

/* The channel for the daemon's own SMS: the one named, or the first. */
static const char *
notice_channel(const struct config *conf, const char *named)
{
	size_t	i;

	if (*named != '\0')
		return named;
	for (i = 0; i < conf->nchannels; i++)
		if (conf->channels[i].enabled)
			return conf->channels[i].name;
	return NULL;
}

/*
 * Reminds the administrators of the next report to the district, once:
 * when it is reports.remind_days working days or fewer from its cut-off,
 * an SMS to each of reports.remind_numbers (in Vietnamese without marks:
 * GSM-7) and an audit entry; timer_done() logs it.
 */
static enum store_status
remind_report(struct store_txn *txn, struct timer_job *tj)
{
	static const char *const what[PERIOD_NKINDS] = {
		"quy I", "6 thang", "9 thang", "nam" };
	const struct config	*conf = tj->conf;
	const char		*channel;
	struct reply_msg	 m;
	struct period		 p;
	enum store_status	 st;
	char			 text[256], detail[128];
	size_t			 i;
	int			 left, first;

	if (conf->reports_remind_days == 0)
		return STORE_OK;
	period_next(conf, tj->now, &p);
	left = period_workdays_left(conf, tj->now, &p);
	if (left > conf->reports_remind_days)
		return STORE_OK;
	if ((st = store_reminder_mark(txn, p.id, tj->now, &first)) !=
	    STORE_OK || !first)
		return st;
	date_format(p.cutoff, "%Y-%m-%d", tj->due, sizeof(tj->due));
	snprintf(text, sizeof(text), "papigw: bao cao %s %d gui quan, chot "
	    "so lieu ngay %s (con %d ngay lam viec): papictl report "
	    "--period %s", what[p.kind], p.year, tj->due, left, p.id);
	channel = notice_channel(conf, conf->reports_remind_channel);
	for (i = 0; channel != NULL && i < conf->reports_nremind_numbers;
	    i++) {
		memset(&m, 0, sizeof(m));
		m.kind = REPLY_KIND_INFO;
		m.channel = channel;
		m.recipient = conf->reports_remind_numbers[i];
		m.text = text;
		if ((st = reply_queue(txn, conf, &m, NULL)) != STORE_OK)
			return st;
		tj->reminded_sms++;
	}
	copy_str(tj->reminded, sizeof(tj->reminded), p.id);
	tj->reminded_left = left;
	snprintf(detail, sizeof(detail), "report %s due %s, %d working "
	    "day%s left, %d SMS", p.id, tj->due, left, left == 1 ? "" : "s",
	    tj->reminded_sms);
	return store_audit_append(txn, "papigwd", "report.reminder", 0,
	    detail);
}

/*
 * ===================================================================
 * The work items, on the store's writer thread
 * ===================================================================
 */

/* The ids a chunk marked, for their audit entries. */
struct marked {
	struct timer_job	*tj;
	int64_t			*ids;
	size_t			 n;
};

static void
collect_marked(int64_t id, int64_t ref, const char *category,
    int64_t deadline, void *arg)
{
	struct marked	*m = arg;

	m->ids[m->n++] = id;
	overdue_one(id, ref, category, deadline, m->tj);
}

/* Marks a chunk of cases overdue: an audit entry each, one notice. */
static enum store_status
overdue_work(struct store_txn *txn, void *arg)
{
	struct timer_job	*tj = arg;
	struct marked		 mk = { tj, NULL, 0 };
	enum store_status	 st;
	size_t			 i;

	/* A work item may run again after a failed batch: start afresh. */
	tj->refs[0] = '\0';
	tj->nrefs = 0;
	tj->notified = 0;
	mk.ids = xcalloc(tj->nids, sizeof(*mk.ids));
	st = store_cases_mark_overdue(txn, tj->now, tj->ids, tj->nids,
	    collect_marked, &mk, &tj->marked);
	for (i = 0; st == STORE_OK && i < mk.n; i++)
		st = store_audit_append(txn, "papigwd", "case.overdue",
		    mk.ids[i], "deadline passed without an answer");
	free(mk.ids);
	if (st == STORE_OK && tj->marked > 0)
		st = notify_overdue(txn, tj);
	return st;
}

/* Adds the messages that came to the full-text index. */
static enum store_status
fts_work(struct store_txn *txn, void *arg)
{
	struct timer_job	*tj = arg;

	return store_fts_index(txn, FTS_CHUNK, &tj->indexed);
}

static enum store_status
fold_work(struct store_txn *txn, void *arg)
{
	struct timer_job	*tj = arg;

	return store_outbox_sent_fold(txn, FOLD_CHUNK, &tj->folded);
}

/* What modems could not read holds numbers too: a chunk of it goes. */
static enum store_status
unreadable_work(struct store_txn *txn, void *arg)
{
	struct timer_job	*tj = arg;

	return store_unreadable_erase(txn, tj->before, INBOUND_CHUNK,
	    &tj->erased_msgs);
}

static enum store_status
remind_work(struct store_txn *txn, void *arg)
{
	return remind_report(txn, arg);
}

/* Reminds the residents booked at tomorrow's reception, a batch. */
static enum store_status
reception_work(struct store_txn *txn, void *arg)
{
	struct timer_job	*tj = arg;

	return reception_remind(txn, tj->conf, tj->now, &tj->reception_sms);
}

/* Erases the numbers of a chunk of announcement recipients of then. */
static enum store_status
announce_erase_work(struct store_txn *txn, void *arg)
{
	struct timer_job	*tj = arg;
	enum store_status	 st;
	char			 detail[128];

	st = store_announce_erase(txn, tj->before, INBOUND_CHUNK,
	    &tj->erased_ann);
	if (st != STORE_OK || tj->erased_ann == 0)
		return st;
	snprintf(detail, sizeof(detail), "numbers of %lld announcement "
	    "recipients erased (retention %d days)",
	    (long long)tj->erased_ann, tj->conf->privacy_retention_days);
	return store_audit_append(txn, "papigwd", "privacy.erase", 0,
	    detail);
}

/* Erases the numbers of a chunk of the reception's bookings of then. */
static enum store_status
bookings_erase_work(struct store_txn *txn, void *arg)
{
	struct timer_job	*tj = arg;
	char			 day[16];

	date_format(tj->before, "%Y-%m-%d", day, sizeof(day));
	return store_bookings_erase(txn, day, ERASE_CHUNK,
	    &tj->erased_bookings);
}

/* Erases the numbers of a chunk of closed cases, with one audit entry. */
static enum store_status
erase_work(struct store_txn *txn, void *arg)
{
	struct timer_job	*tj = arg;
	enum store_status	 st;
	char			 detail[128];

	tj->erased = tj->erased_msgs = 0;
	st = store_cases_erase(txn, tj->before, tj->ids, tj->nids,
	    &tj->erased);
	if (st == STORE_OK)
		st = store_inbound_erase(txn, tj->upto, &tj->erased_msgs);
	if (st != STORE_OK || (tj->erased == 0 && tj->erased_msgs == 0))
		return st;
	snprintf(detail, sizeof(detail), "numbers of %lld cases and %lld "
	    "other messages erased (retention %d days)",
	    (long long)tj->erased, (long long)tj->erased_msgs,
	    tj->conf->privacy_retention_days);
	return store_audit_append(txn, "papigwd", "privacy.erase", 0,
	    detail);
}

/*
 * ===================================================================
 * A run, on the timer's thread
 * ===================================================================
 */

/* Whether the timer is stopping. */
static int
stopping(struct timers *cs)
{
	int	r;

	pthread_mutex_lock(&cs->lock);
	r = cs->stopping;
	pthread_mutex_unlock(&cs->lock);
	return r;
}

/*
 * Waits after a chunk that took ms milliseconds (from its queueing to its
 * commit) TIMER_DUTY times as long, TIMER_PAUSE_MS at least, so that a
 * backlog of retention takes at most a TIMER_DUTY + 1'th of the writer's
 * time however slow the store; returns at once with 1 when the timer
 * stops, else 0.
 */
static int
pause_or_stop(struct timers *cs, int64_t ms)
{
	struct timespec	ts;
	int64_t		wait = ms * TIMER_DUTY;
	int		stopping;

	if (wait < TIMER_PAUSE_MS)
		wait = TIMER_PAUSE_MS;
	if (wait > 1000)
		wait = 1000;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += wait / 1000;
	ts.tv_nsec += (long)(wait % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	/* A tick wakes the thread too: only stopping cuts the pause. */
	pthread_mutex_lock(&cs->lock);
	while (!cs->stopping && pthread_cond_timedwait(&cs->wake, &cs->lock,
	    &ts) == 0)
		;
	stopping = cs->stopping;
	pthread_mutex_unlock(&cs->lock);
	return stopping;
}

/*
 * Runs one chunk and waits for its commit; logs a failure.  Sets
 * tj->took to the milliseconds that took.
 */
static enum store_status
run_chunk(struct timers *cs, store_work_fn work, struct timer_job *tj)
{
	enum store_status	st;
	int64_t			t0 = clock_mono_ms();

	st = store_submit_wait(cs->svc->store, work, tj);
	tj->took = clock_mono_ms() - t0;
	if (st != STORE_OK && st != STORE_CLOSED)
		log_warnx(_("deadlines: the timer's work failed: %s (tried "
		    "again at the next run)"), store_strerror(st));
	return st;
}

/* Marks what is overdue, a chunk at a time; returns the cases marked. */
static int64_t
run_overdue(struct timers *cs, struct timer_job *tj)
{
	int64_t		ids[TIMER_CHUNK], total = 0;
	size_t		n;

	do {
		if (store_cases_waiting(cs->svc->store, tj->now, TIMER_CHUNK,
		    ids, &n) != STORE_OK || n == 0)
			break;
		tj->ids = ids;
		tj->nids = n;
		if (run_chunk(cs, overdue_work, tj) != STORE_OK)
			break;
		total += tj->marked;
		if (tj->marked > 0 && tj->notified)
			log_notice(ngettext("deadlines: %lld case overdue: "
			    "%s%s (officer notified by SMS)", "deadlines: %lld "
			    "cases overdue: %s%s (officer notified by SMS)",
			    (unsigned long)tj->marked), (long long)tj->marked,
			    tj->refs, tj->nrefs > NOTIFY_REFS_MAX ? ", ..." :
			    "");
		else if (tj->marked > 0)
			log_notice(ngettext("deadlines: %lld case overdue: "
			    "%s%s", "deadlines: %lld cases overdue: %s%s",
			    (unsigned long)tj->marked), (long long)tj->marked,
			    tj->refs, tj->nrefs > NOTIFY_REFS_MAX ? ", ..." :
			    "");
	} while (n == TIMER_CHUNK && tj->marked > 0 && !stopping(cs));
	return total;
}

/*
 * The reminders of the reception's bookings of tomorrow, a batch at a
 * time (of what belongs to no ward: lead has STORE_LEAD_DB), and of the
 * ward's report, when one is due (remind_report() checks again; lead
 * has STORE_LEAD_CASES).
 */
static void
run_reminder(struct timers *cs, struct timer_job *tj, int lead)
{
	const struct config	*conf = tj->conf;
	struct period		 p;
	int			 i = 0;

	while ((lead & STORE_LEAD_DB) && conf->reception_enabled &&
	    !stopping(cs) &&
	    run_chunk(cs, reception_work, tj) == STORE_OK &&
	    tj->reception_sms > 0) {
		log_notice(ngettext("reception: %d booking of tomorrow "
		    "reminded by SMS", "reception: %d bookings of tomorrow "
		    "reminded by SMS", (unsigned long)tj->reception_sms),
		    tj->reception_sms);
		/* A run reminds a few batches; the rest at the next. */
		if (++i == 8)
			break;
	}
	if (conf->reports_remind_days == 0 || !(lead & STORE_LEAD_CASES))
		return;
	period_next(conf, tj->now, &p);
	if (period_workdays_left(conf, tj->now, &p) >
	    conf->reports_remind_days)
		return;
	if (run_chunk(cs, remind_work, tj) == STORE_OK &&
	    tj->reminded[0] != '\0')
		log_notice(_("reports: the report %s is due on %s, in %d "
		    "working days: reminder sent (%d SMS)"), tj->reminded,
		    tj->due, tj->reminded_left, tj->reminded_sms);
}

/*
 * Erases the numbers of the cases closed before the retention time (lead
 * has STORE_LEAD_CASES: of the gateway's ward), then of the messages
 * that opened no case, the announcements' recipients and the bookings
 * (STORE_LEAD_DB), a chunk at a time with a pause between chunks, for
 * RETENTION_RUN_MS at most; logs the totals.  Returns 1 when it stopped
 * with more to do (the next run comes at the next tick), else 0.
 */
static int
run_retention(struct timers *cs, struct timer_job *tj, int lead)
{
	struct store	*store = cs->svc->store;
	int64_t		 ids[ERASE_CHUNK], cases = 0, msgs = 0;
	int64_t		 end = clock_mono_ms() + RETENTION_RUN_MS;
	size_t		 n;
	int		 more = 0;
	char		 other[64];

	tj->before = tj->now - (int64_t)tj->conf->privacy_retention_days *
	    86400;
	tj->upto = 0;
	do {
		if (!(lead & STORE_LEAD_CASES) || store_cases_closed_before(
		    store, tj->before, ERASE_CHUNK, ids, &n) != STORE_OK ||
		    n == 0)
			break;
		tj->ids = ids;
		tj->nids = n;
		if (run_chunk(cs, erase_work, tj) != STORE_OK)
			break;
		cases += tj->erased;
		if (n == ERASE_CHUNK && tj->erased > 0 &&
		    clock_mono_ms() > end)
			more = 1;
	} while (!more && n == ERASE_CHUNK && tj->erased > 0 &&
	    !pause_or_stop(cs, tj->took));
	tj->nids = 0;
	if (!(lead & STORE_LEAD_DB))
		goto done;
	while (!more) {
		if (store_inbound_erase_upto(store, tj->before, INBOUND_CHUNK,
		    &tj->upto) != STORE_OK || tj->upto == 0)
			break;
		if (run_chunk(cs, erase_work, tj) != STORE_OK)
			break;
		msgs += tj->erased_msgs;
		if (pause_or_stop(cs, tj->took))
			break;
		more = clock_mono_ms() > end;
	}
	do {
		if (run_chunk(cs, unreadable_work, tj) != STORE_OK)
			break;
	} while (tj->erased_msgs == INBOUND_CHUNK &&
	    !pause_or_stop(cs, tj->took));
	/* The announcements' recipients, then the reception's bookings. */
	do {
		if (run_chunk(cs, announce_erase_work, tj) != STORE_OK)
			break;
	} while (tj->erased_ann == INBOUND_CHUNK &&
	    !pause_or_stop(cs, tj->took));
	do {
		if (run_chunk(cs, bookings_erase_work, tj) != STORE_OK)
			break;
	} while (tj->erased_bookings == ERASE_CHUNK &&
	    !pause_or_stop(cs, tj->took));
done:
	if (cases > 0 || msgs > 0) {
		snprintf(other, sizeof(other), ngettext("%lld other message",
		    "%lld other messages", (unsigned long)msgs),
		    (long long)msgs);
		if (more)
			/* TRANSLATORS: the %s is "N other messages". */
			log_notice(ngettext("retention: numbers erased from "
			    "%lld case and %s (more at the next run)",
			    "retention: numbers erased from %lld cases and %s "
			    "(more at the next run)", (unsigned long)cases),
			    (long long)cases, other);
		else
			/* TRANSLATORS: the second %s is "N other messages". */
			log_notice(ngettext("retention: numbers erased from "
			    "%lld case and %s", "retention: numbers erased "
			    "from %lld cases and %s", (unsigned long)cases),
			    (long long)cases, other);
	}
	return more;
}

/*
 * One run of the timer, at tj->now, of what this gateway leads
 * (store_timer_lead()): its ward's cases (deadlines, the report's
 * reminder, retention), what belongs to no ward (replies left by a
 * gateway that died, the reception's reminders, retention of the
 * messages that opened no case, of announcements and bookings), or
 * both.  Returns 1 when retention has more to do at once, else 0.
 */
static int
timer_run(struct timers *cs, struct timer_job *tj, int lead)
{
	int64_t		marked, open = 0;

	/* Another gateway's replies, left "sending" when it died. */
	if (store_shared(cs->svc->store) && (lead & STORE_LEAD_DB))
		(void)outbox_reclaim(cs->svc->store, tj->conf);
	if (lead & STORE_LEAD_CASES) {
		marked = run_overdue(cs, tj);
		if (store_cases_overdue_count(cs->svc->store, &open) ==
		    STORE_OK)
			metrics_overdue(cs->svc->metrics, (uint64_t)marked,
			    open);
	}
	run_reminder(cs, tj, lead);
	if (tj->conf->privacy_retention_days > 0)
		return run_retention(cs, tj, lead);
	return 0;
}

/*
 * At every tick: the messages that came since go into the full-text
 * index, a chunk at a time, FTS_TICK_CHUNKS at most (a backlog goes on
 * at the next tick, and the deadlines do not wait for it).  A chunk is
 * small, a few milliseconds of the writer with its merge (chunks of
 * 2,048 took 23-27 ms, which the requests of their batch waited for), and
 * the pause after it as long as it took, TIMER_PAUSE_MS at least: the
 * index keeps up with ingest at 10,000 messages a second and more.
 */
static void
run_fts(struct timers *cs)
{
	struct timer_job	tj;
	int			i = 0;

	memset(&tj, 0, sizeof(tj));
	do {
		if (run_chunk(cs, fts_work, &tj) != STORE_OK)
			break;
	} while (tj.indexed == FTS_CHUNK && ++i < FTS_TICK_CHUNKS &&
	    !pause_or_stop(cs, tj.took / TIMER_DUTY));
}

/*
 * At every tick, on a database that gateways share: the deltas of the
 * counts of rows sent that their writers added since go into
 * outbox_sent, a chunk at a time, FOLD_TICK_CHUNKS at most (the store's
 * readers add what is left, which the next tick folds).
 */
static void
run_fold(struct timers *cs)
{
	struct timer_job	tj;
	int			i = 0;

	if (!store_shared(cs->svc->store))
		return;
	memset(&tj, 0, sizeof(tj));
	do {
		if (run_chunk(cs, fold_work, &tj) != STORE_OK)
			break;
	} while (tj.folded == FOLD_CHUNK && ++i < FOLD_TICK_CHUNKS &&
	    !pause_or_stop(cs, tj.took));
}

/*
 * At every tick: the figures of reports summed by day take in what
 * changed since (store_report_fold()), a chunk at a time, for
 * REPORT_FOLD_TICK_MS at most, pausing after each as long as retention
 * does after its writes; the first fold after an upgrade builds them from
 * every case so, over many ticks.
 */
static void
run_report_fold(struct timers *cs)
{
	struct config		*conf;
	enum store_status	 st;
	int64_t			 t0, took;
	int			 on, more;

	conf = conf_slot_get(cs->svc->confs);
	on = conf->reports_daily_sums;
	config_unref(conf);
	if (!on)
		return;
	if (cs->fold == NULL)
		cs->fold = store_fold_new();
	t0 = clock_mono_ms();
	do {
		st = store_report_fold(cs->svc->store, cs->fold, clock_unix(),
		    REPORT_FOLD_CHUNK, &more, &took);
		if (st != STORE_OK) {
			if (st != STORE_CLOSED)
				log_warnx(_("reports: the fold of the daily "
				    "sums failed: %s (tried again at the next "
				    "tick)"), store_strerror(st));
			break;
		}
	} while (more && clock_mono_ms() - t0 < REPORT_FOLD_TICK_MS &&
	    !pause_or_stop(cs, took));
}

/* Whether a run is due; the lock held. */
static int
run_due(struct timers *cs, int64_t t)
{
	struct config	*conf;
	int		 due;

	conf = conf_slot_get(cs->svc->confs);
	due = t - cs->last_run >= conf->deadline_check_interval;
	config_unref(conf);
	return due;
}

static void *
timers_main(void *arg)
{
	struct timers		*cs = arg;
	struct timer_job	 tj;
	int64_t			 t;
	int			 due, more, lead;

	pthread_setname_np(pthread_self(), "timers");
	pthread_mutex_lock(&cs->lock);
	for (;;) {
		while (!cs->stopping && !cs->kicked)
			pthread_cond_wait(&cs->wake, &cs->lock);
		if (cs->stopping)
			break;
		cs->kicked = 0;
		pthread_mutex_unlock(&cs->lock);
		/* Another gateway on the same database runs them. */
		lead = store_timer_lead(cs->svc->store);
		pthread_mutex_lock(&cs->lock);
		if (!lead || cs->stopping)
			continue;
		t = clock_unix();
		due = run_due(cs, t);
		if (due)
			cs->last_run = t;
		pthread_mutex_unlock(&cs->lock);
		more = 0;
		if (due) {
			memset(&tj, 0, sizeof(tj));
			tj.conf = conf_slot_get(cs->svc->confs);
			tj.now = t;
			more = timer_run(cs, &tj, lead);
			config_unref(tj.conf);
		}
		if (lead & STORE_LEAD_DB) {
			run_fts(cs);
			run_fold(cs);
			run_report_fold(cs);
		}
		pthread_mutex_lock(&cs->lock);
		/* Retention cut short: again at the next tick. */
		if (more)
			cs->last_run = 0;
	}
	pthread_mutex_unlock(&cs->lock);
	return NULL;
}

/*
 * ===================================================================
 * Public interface
 * ===================================================================
 */

/*
 * Once a tick, from the main loop: starts the timer's thread on the
 * first, and wakes it, to run when deadlines.check_interval seconds have
 * passed since its last run.  It does not wait for it.
 */
void
timers_tick(struct timers *cs, struct services *svc)
{
	int	rc;

	pthread_mutex_lock(&cs->lock);
	if (!cs->started && !cs->stopping) {
		cs->svc = svc;
		if ((rc = pthread_create(&cs->thread, NULL, timers_main,
		    cs)) != 0)
			log_warnx(_("deadlines: timer thread: %s"),
			    strerror(rc));
		else
			cs->started = 1;
	}
	cs->kicked = 1;
	pthread_cond_signal(&cs->wake);
	pthread_mutex_unlock(&cs->lock);
}

struct timers *
timers_new(void)
{
	struct timers	*cs = xcalloc(1, sizeof(*cs));

	pthread_mutex_init(&cs->lock, NULL);
	pthread_cond_init(&cs->wake, NULL);
	return cs;
}

/*
 * Stops the timer's thread once its current chunk committed; a run cut
 * short goes on at the next start.  Before the store closes.  NULL is a
 * no-op.
 */
void
timers_stop(struct timers *cs)
{
	if (cs == NULL)
		return;
	pthread_mutex_lock(&cs->lock);
	cs->stopping = 1;
	pthread_cond_broadcast(&cs->wake);
	pthread_mutex_unlock(&cs->lock);
	if (cs->started)
		pthread_join(cs->thread, NULL);
	cs->started = 0;
	/* Its connection, before the store closes. */
	store_fold_free(cs->fold);
	cs->fold = NULL;
}

/* Stops (timers_stop()) and frees cs; NULL is a no-op. */
void
timers_free(struct timers *cs)
{
	if (cs == NULL)
		return;
	timers_stop(cs);
	pthread_cond_destroy(&cs->wake);
	pthread_mutex_destroy(&cs->lock);
	free(cs);
}
