/*
 * timers.c: the deadline, retention and report timer.
 *
 * Every deadlines.check_interval seconds timers_tick() queues one job on
 * the store's writer: it marks open cases past their deadline and still
 * waiting for an answer as overdue (an audit entry each, a log line, a
 * metric, and an SMS to deadlines.notify_number when set), erases the
 * numbers of cases closed more than privacy.retention_days ago (see
 * store_cases_erase()), and reminds the administrators of the next
 * report to the district once, reports.remind_days working days before
 * its cut-off (an SMS to each of reports.remind_numbers, a log line, an
 * audit entry; papictl status shows it until the day), and reminds the
 * residents booked at the citizen reception the day before
 * (core/reception.c).  A job that
 * filled a batch runs again at the next tick.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "core/reception.h"
#include "core/reply.h"
#include "daemon/services.h"

#define OVERDUE_BATCH		500	/* cases marked by one timer run */
#define ERASE_BATCH		500	/* cases erased by one timer run */
#define ERASE_INBOUND_BATCH	2000	/* messages erased by one run */
#define NOTIFY_REFS_MAX		10	/* references named in one notice */

struct timers {
	pthread_mutex_t	 lock;
	int64_t		 last_run;	/* Unix seconds */
	int		 running;	/* a timer job is queued */
};

struct timer_job {
	struct timers		*timers;
	struct metrics		*metrics;
	struct config		*conf;
	int64_t			 now;
	/* Results. */
	int64_t			 marked;
	int64_t			 open_overdue;
	int64_t			 erased;
	int64_t			 erased_msgs;
	char			 refs[NOTIFY_REFS_MAX * 24];
	size_t			 nrefs;
	enum store_status	 status;
	int			 notified;
	char			 reminded[PERIOD_ID_MAX]; /* its period */
	char			 due[16];	/* its cut-off, YYYY-MM-DD */
	int			 reminded_left;	/* working days */
	int			 reminded_sms;	/* SMS queued */
	int			 reception_sms;	/* bookings reminded */
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

/* The id of each case just marked, for its audit entry. */
struct marked {
	int64_t		*ids;
	size_t		 n;
};

static void
collect_marked(int64_t id, int64_t ref, const char *category,
    int64_t deadline, void *arg)
{
	struct timer_job	*tj = ((void **)arg)[0];
	struct marked		*m = ((void **)arg)[1];

	m->ids[m->n++] = id;
	overdue_one(id, ref, category, deadline, tj);
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

static enum store_status
timer_work(struct store_txn *txn, void *arg)
{
	struct timer_job	*tj = arg;
	const struct config	*conf = tj->conf;
	struct marked		 mk;
	void			*pair[2];
	enum store_status	 st;
	char			 detail[128];
	size_t			 i;
	int64_t			 before, unread, ann = 0;
	char			 day[16];

	mk.ids = xcalloc(OVERDUE_BATCH, sizeof(*mk.ids));
	mk.n = 0;
	pair[0] = tj;
	pair[1] = &mk;
	st = store_cases_mark_overdue(txn, tj->now, OVERDUE_BATCH,
	    collect_marked, pair, &tj->marked);
	for (i = 0; st == STORE_OK && i < mk.n; i++)
		st = store_audit_append(txn, "papigwd", "case.overdue",
		    mk.ids[i], "deadline passed without an answer");
	free(mk.ids);
	if (st == STORE_OK && tj->marked > 0)
		st = notify_overdue(txn, tj);
	if (st == STORE_OK)
		st = store_cases_overdue_count(txn, &tj->open_overdue);
	if (st == STORE_OK)
		st = remind_report(txn, tj);
	if (st == STORE_OK)
		st = reception_remind(txn, conf, tj->now, &tj->reception_sms);
	if (st == STORE_OK && conf->privacy_retention_days > 0) {
		before = tj->now - (int64_t)conf->privacy_retention_days *
		    86400;
		st = store_cases_erase(txn, before, ERASE_BATCH, &tj->erased);
		if (st == STORE_OK)
			st = store_inbound_erase(txn, before,
			    ERASE_INBOUND_BATCH, &tj->erased_msgs);
		/* What modems could not read holds numbers too. */
		if (st == STORE_OK)
			st = store_unreadable_erase(txn, before,
			    ERASE_INBOUND_BATCH, &unread);
		/* And the recipients of the announcements of then. */
		if (st == STORE_OK)
			st = store_announce_erase(txn, before,
			    ERASE_INBOUND_BATCH, &ann);
		if (st == STORE_OK && ann > 0) {
			snprintf(detail, sizeof(detail), "numbers of %lld "
			    "announcement recipients erased (retention %d "
			    "days)", (long long)ann,
			    conf->privacy_retention_days);
			st = store_audit_append(txn, "papigwd",
			    "privacy.erase", 0, detail);
		}
		/* So do the bookings of the reception, after their day. */
		if (st == STORE_OK) {
			date_format(before, "%Y-%m-%d", day, sizeof(day));
			st = store_bookings_erase(txn, day, ERASE_BATCH,
			    &tj->erased_bookings);
		}
		if (st == STORE_OK && (tj->erased > 0 || tj->erased_msgs > 0)) {
			snprintf(detail, sizeof(detail), "numbers of %lld "
			    "cases and %lld other messages erased (retention "
			    "%d days)", (long long)tj->erased,
			    (long long)tj->erased_msgs,
			    conf->privacy_retention_days);
			st = store_audit_append(txn, "papigwd",
			    "privacy.erase", 0, detail);
		}
	}
	return st;
}

static void
timer_done(enum store_status st, void *arg)
{
	struct timer_job	*tj = arg;
	struct timers		*cs = tj->timers;
	char			 other[64];

	if (st != STORE_OK)
		log_warnx(_("deadlines: the timer's work failed: %s (tried "
		    "again at the next run)"), store_strerror(st));
	else {
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
		if (tj->reminded[0] != '\0')
			log_notice(_("reports: the report %s is due on %s, in "
			    "%d working days: reminder sent (%d SMS)"),
			    tj->reminded, tj->due, tj->reminded_left,
			    tj->reminded_sms);
		if (tj->reception_sms > 0)
			log_notice(ngettext("reception: %d booking of "
			    "tomorrow reminded by SMS", "reception: %d bookings "
			    "of tomorrow reminded by SMS",
			    (unsigned long)tj->reception_sms),
			    tj->reception_sms);
		if (tj->erased > 0 || tj->erased_msgs > 0) {
			snprintf(other, sizeof(other), ngettext("%lld other "
			    "message", "%lld other messages",
			    (unsigned long)tj->erased_msgs),
			    (long long)tj->erased_msgs);
			/* TRANSLATORS: the second %s is "N other messages". */
			log_notice(ngettext("retention: numbers erased from "
			    "%lld case and %s", "retention: numbers erased "
			    "from %lld cases and %s",
			    (unsigned long)tj->erased), (long long)tj->erased,
			    other);
		}
		metrics_overdue(tj->metrics, (uint64_t)tj->marked,
		    tj->open_overdue);
	}
	pthread_mutex_lock(&cs->lock);
	cs->running = 0;
	/* A full batch: go on at the next tick. */
	if (st != STORE_OK || tj->marked == OVERDUE_BATCH ||
	    tj->erased == ERASE_BATCH || tj->erased_msgs ==
	    ERASE_INBOUND_BATCH)
		cs->last_run = 0;
	pthread_mutex_unlock(&cs->lock);
	config_unref(tj->conf);
	free(tj);
}

/*
 * Once a tick, from the main loop: every deadlines.check_interval seconds,
 * queues the timer's work (overdue cases, retention) on the store.  It
 * does not wait for it.
 */
void
timers_tick(struct timers *cs, struct services *svc)
{
	struct timer_job	*tj;
	struct config		*conf;
	int64_t			 t = clock_unix();

	conf = conf_slot_get(svc->confs);
	pthread_mutex_lock(&cs->lock);
	if (cs->running || t - cs->last_run < conf->deadline_check_interval) {
		pthread_mutex_unlock(&cs->lock);
		config_unref(conf);
		return;
	}
	cs->running = 1;
	cs->last_run = t;
	pthread_mutex_unlock(&cs->lock);
	tj = xcalloc(1, sizeof(*tj));
	tj->timers = cs;
	tj->metrics = svc->metrics;
	tj->conf = conf;
	tj->now = t;
	if (store_submit(svc->store, timer_work, timer_done, tj) != STORE_OK) {
		pthread_mutex_lock(&cs->lock);
		cs->running = 0;
		pthread_mutex_unlock(&cs->lock);
		config_unref(conf);
		free(tj);
	}
}

struct timers *
timers_new(void)
{
	struct timers	*cs = xcalloc(1, sizeof(*cs));

	pthread_mutex_init(&cs->lock, NULL);
	return cs;
}

/* Frees cs; the store must be closed (no timer job in flight). */
void
timers_free(struct timers *cs)
{
	if (cs == NULL)
		return;
	pthread_mutex_destroy(&cs->lock);
	free(cs);
}
