/*
 * metrics.c: the counters behind GET /metrics, rendered in the Prometheus
 * text format (version 0.0.4).
 *
 * Messages received are counted by channel and category (or kind, for
 * messages that open no case) under a mutex: a few hundred label pairs at
 * most, a short critical section per message.  The ingest latency
 * histogram uses atomic counters.  The daemon's /metrics page adds the
 * figures of the store, the HTTP server and the modems (daemon/web.c).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "conf/config.h"
#include "core/reply.h"

#define METRICS_PAIRS_MAX	1024	/* channel x category pairs kept */

/* Upper bounds of the latency buckets, in seconds. */
static const double latency_le[] = {
	0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5
};
#define NLATENCY	(sizeof(latency_le) / sizeof(latency_le[0]))

struct pair {
	char		 channel[CONF_ID_MAX];
	char		 category[CONF_ID_MAX];
	uint64_t	 received;
	uint64_t	 duplicates;
};

struct metrics {
	pthread_mutex_t		 lock;
	struct pair		 pairs[METRICS_PAIRS_MAX];
	size_t			 npairs;
	atomic_uint_fast64_t	 store_errors;
	atomic_uint_fast64_t	 latency[NLATENCY + 1];
	atomic_uint_fast64_t	 latency_count;
	atomic_uint_fast64_t	 latency_sum_us;	/* microseconds */
	atomic_uint_fast64_t	 replies[REPLY_BLOCK_MAX]; /* reply.c */
	atomic_uint_fast64_t	 reply_parts;	/* SMS parts of those sent */
	atomic_uint_fast64_t	 answers;	/* officers' answers... */
	atomic_uint_fast64_t	 answer_parts;	/* ...and their parts */
	atomic_uint_fast64_t	 overdue_marked;	/* daemon/timers.c */
	atomic_int_fast64_t	 overdue_open;		/* -1: not yet */
};

struct metrics *
metrics_new(void)
{
	struct metrics	*m = xcalloc(1, sizeof(*m));

	pthread_mutex_init(&m->lock, NULL);
	atomic_store(&m->overdue_open, -1);
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* Counts a stored message (or a duplicate of one). */
void
metrics_received(struct metrics *m, const char *channel,
    const char *category, int duplicate)
{
	size_t	i;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->npairs; i++)
		if (strcmp(m->pairs[i].channel, channel) == 0 &&
		    strcmp(m->pairs[i].category, category) == 0)
			break;
	if (i == m->npairs && m->npairs < METRICS_PAIRS_MAX) {
		copy_str(m->pairs[i].channel, CONF_ID_MAX, channel);
		copy_str(m->pairs[i].category, CONF_ID_MAX, category);
		m->npairs++;
	}
	if (i < m->npairs) {
		if (duplicate)
			m->pairs[i].duplicates++;
		else
			m->pairs[i].received++;
	}
	pthread_mutex_unlock(&m->lock);
}

void
metrics_store_error(struct metrics *m)
{
	atomic_fetch_add(&m->store_errors, 1);
}

/* Records how long a message took from request to commit. */
void
metrics_latency(struct metrics *m, double seconds)
{
	size_t	i;

	for (i = 0; i < NLATENCY && seconds > latency_le[i]; i++)
		;
	atomic_fetch_add(&m->latency[i], 1);
	atomic_fetch_add(&m->latency_count, 1);
	atomic_fetch_add(&m->latency_sum_us, (uint64_t)(seconds * 1e6));
}

/*
 * Counts what became of a new message's automatic reply: enum reply_block
 * (sent, or why not).
 */
void
metrics_reply(struct metrics *m, int block, int parts)
{
	if (block >= 0 && block < REPLY_BLOCK_MAX)
		atomic_fetch_add(&m->replies[block], 1);
	if (block == REPLY_SENT && parts > 0)
		atomic_fetch_add(&m->reply_parts, (uint64_t)parts);
}

/* An officer's answer queued, of parts SMS parts (daemon/cmd_case.c). */
void
metrics_answer(struct metrics *m, int parts)
{
	atomic_fetch_add(&m->answers, 1);
	if (parts > 0)
		atomic_fetch_add(&m->answer_parts, (uint64_t)parts);
}

/* Automatic replies sent and their parts, answers and theirs. */
void
metrics_parts(struct metrics *m, uint64_t *replies, uint64_t *reply_parts,
    uint64_t *answers, uint64_t *answer_parts)
{
	*replies = atomic_load(&m->replies[REPLY_SENT]);
	*reply_parts = atomic_load(&m->reply_parts);
	*answers = atomic_load(&m->answers);
	*answer_parts = atomic_load(&m->answer_parts);
}

/*
 * The deadline timer's run (daemon/timers.c): cases it marked overdue, and the
 * open overdue cases there are now.
 */
void
metrics_overdue(struct metrics *m, uint64_t marked, int64_t open_overdue)
{
	atomic_fetch_add(&m->overdue_marked, marked);
	atomic_store(&m->overdue_open, open_overdue);
}

/*
 * Appends the counters in the Prometheus text format to sb.  (The store's,
 * the HTTP server's and the modems' figures are their own modules'.)
 */
void
metrics_render(struct metrics *m, struct strbuf *sb)
{
	uint64_t	cum = 0;
	size_t		i;

	strbuf_printf(sb, "# HELP papigw_messages_received_total Inbound "
	    "messages stored, by channel and category (or kind).\n"
	    "# TYPE papigw_messages_received_total counter\n");
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->npairs; i++)
		if (m->pairs[i].received > 0)
			strbuf_printf(sb, "papigw_messages_received_total{"
			    "channel=\"%s\","
			    "category=\"%s\"} %llu\n", m->pairs[i].channel,
			    m->pairs[i].category,
			    (unsigned long long)m->pairs[i].received);
	strbuf_printf(sb, "# HELP papigw_messages_duplicate_total Inbound "
	    "messages received again (provider retries).\n"
	    "# TYPE papigw_messages_duplicate_total counter\n");
	for (i = 0; i < m->npairs; i++)
		if (m->pairs[i].duplicates > 0)
			strbuf_printf(sb, "papigw_messages_duplicate_total{"
			    "channel=\"%s\"} %llu\n", m->pairs[i].channel,
			    (unsigned long long)m->pairs[i].duplicates);
	pthread_mutex_unlock(&m->lock);

	strbuf_printf(sb, "# HELP papigw_ingest_latency_seconds From request "
	    "to durable commit.\n"
	    "# TYPE papigw_ingest_latency_seconds histogram\n");
	for (i = 0; i <= NLATENCY; i++) {
		cum += atomic_load(&m->latency[i]);
		if (i < NLATENCY)
			strbuf_printf(sb, "papigw_ingest_latency_seconds_bucket{"
			    "le=\"%g\"} %llu\n", latency_le[i],
			    (unsigned long long)cum);
		else
			strbuf_printf(sb, "papigw_ingest_latency_seconds_bucket{"
			    "le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	}
	strbuf_printf(sb, "papigw_ingest_latency_seconds_sum %.6f\n"
	    "papigw_ingest_latency_seconds_count %llu\n",
	    (double)atomic_load(&m->latency_sum_us) / 1e6,
	    (unsigned long long)atomic_load(&m->latency_count));

	strbuf_printf(sb, "# HELP papigw_ingest_store_failures_total Messages "
	    "refused with 503 because the store failed.\n"
	    "# TYPE papigw_ingest_store_failures_total counter\n"
	    "papigw_ingest_store_failures_total %llu\n",
	    (unsigned long long)atomic_load(&m->store_errors));
	strbuf_printf(sb, "# HELP papigw_cases_overdue_marked_total Cases the "
	    "deadline timer marked overdue.\n"
	    "# TYPE papigw_cases_overdue_marked_total counter\n"
	    "papigw_cases_overdue_marked_total %llu\n",
	    (unsigned long long)atomic_load(&m->overdue_marked));
	if (atomic_load(&m->overdue_open) >= 0)
		strbuf_printf(sb, "# HELP papigw_cases_overdue Open cases past "
		    "their deadline without an answer, at the timer's last "
		    "run.\n# TYPE papigw_cases_overdue gauge\n"
		    "papigw_cases_overdue %lld\n",
		    (long long)atomic_load(&m->overdue_open));
	strbuf_printf(sb, "# HELP papigw_replies_total Automatic replies to new "
	    "messages: sent, or why not (none: nothing to say).\n"
	    "# TYPE papigw_replies_total counter\n");
	for (i = 0; i < REPLY_BLOCK_MAX; i++)
		strbuf_printf(sb, "papigw_replies_total{result=\"%s\"} %llu\n",
		    reply_block_name((enum reply_block)i),
		    (unsigned long long)atomic_load(&m->replies[i]));
	strbuf_printf(sb, "# HELP papigw_sms_parts_total SMS parts queued: "
	    "automatic replies, officers' answers.\n"
	    "# TYPE papigw_sms_parts_total counter\n"
	    "papigw_sms_parts_total{kind=\"auto\"} %llu\n"
	    "papigw_sms_parts_total{kind=\"answer\"} %llu\n"
	    "# HELP papigw_answers_total Officers' answers queued.\n"
	    "# TYPE papigw_answers_total counter\n"
	    "papigw_answers_total %llu\n",
	    (unsigned long long)atomic_load(&m->reply_parts),
	    (unsigned long long)atomic_load(&m->answer_parts),
	    (unsigned long long)atomic_load(&m->answers));
}
