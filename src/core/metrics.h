/*
 * metrics.h: the ingest pipeline's counters (metrics.c): messages by
 * channel and category, latency to the durable commit, automatic replies
 * and why not, overdue cases; rendered in the Prometheus text format for
 * the daemon's /metrics page.
 */
#ifndef PAPIGW_CORE_METRICS_H
#define PAPIGW_CORE_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

struct metrics;

struct metrics	*metrics_new(void);
void		 metrics_free(struct metrics *);
void		 metrics_received(struct metrics *, const char *channel,
		    const char *category, int duplicate);
void		 metrics_store_error(struct metrics *);
void		 metrics_latency(struct metrics *, double seconds);
void		 metrics_reply(struct metrics *, int block, int parts);
void		 metrics_answer(struct metrics *, int parts);
void		 metrics_parts(struct metrics *, uint64_t *replies,
		    uint64_t *reply_parts, uint64_t *answers,
		    uint64_t *answer_parts);
void		 metrics_overdue(struct metrics *, uint64_t marked,
		    int64_t open_overdue);
void		 metrics_render(struct metrics *, struct strbuf *);

#endif /* PAPIGW_CORE_METRICS_H */
