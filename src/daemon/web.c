/*
 * web.c: the one handler of the HTTP listener (chan/http.c), routing by
 * path:
 *
 *	/sms/..., /dlr/...	the providers (chan/providers.c)
 *	/ussd/africastalking	USSD sessions (chan/ussd.c)
 *	GET /healthz		200 "ok", or 503 with the reasons
 *	GET /metrics		Prometheus text format
 *
 * The metrics page gathers the counters of the ingest pipeline
 * (core/metrics.c), the store's figures, the HTTP server's refusals, the
 * modems' and the health gauges (daemon/health.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/web.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "conf/config.h"
#include "store/store.h"
#include "core/metrics.h"
#include "chan/http.h"
#include "chan/modem.h"
#include "chan/providers.h"
#include "chan/ussd.h"
#include "daemon/health.h"
#include "daemon/services.h"

#define CT_TEXT		"text/plain; charset=utf-8"
#define CT_METRICS	"text/plain; version=0.0.4; charset=utf-8"

static void
healthz(struct services *svc, struct http_req *r)
{
	char	why[2048];

	if (!http_allow(r, 1, 0))
		return;
	if (health_check(svc, why, sizeof(why)) == 0)
		http_reply(r, 200, CT_TEXT, "ok\n");
	else
		http_reply(r, 503, CT_TEXT, why);
}

/* The HTTP server's connections and refusals, by reason. */
static void
http_metrics(struct http_server *http, struct strbuf *sb)
{
	size_t		i;
	unsigned	n, max;

	n = http_connections(http, &max);
	strbuf_printf(sb, "# HELP papigw_http_connections HTTP connections "
	    "open.\n# TYPE papigw_http_connections gauge\n"
	    "papigw_http_connections %u\n"
	    "# HELP papigw_http_connections_max The most HTTP connections "
	    "open at once (http.max_connections, or from RLIMIT_NOFILE).\n"
	    "# TYPE papigw_http_connections_max gauge\n"
	    "papigw_http_connections_max %u\n", n, max);
	strbuf_printf(sb, "# HELP papigw_http_rejected_total HTTP requests "
	    "refused, by reason.\n"
	    "# TYPE papigw_http_rejected_total counter\n");
	for (i = 0; i < HTTP_REJECT_MAX; i++)
		strbuf_printf(sb, "papigw_http_rejected_total{reason=\"%s\"} "
		    "%llu\n", http_reject_name(i),
		    (unsigned long long)http_rejects(http, i));
}

/* A histogram of the store's (store_lat_le_us[] buckets, sum in us). */
static void
lat_histogram(struct strbuf *sb, const char *name, const char *help,
    const uint64_t *h, uint64_t sum_us)
{
	uint64_t	cum = 0;
	size_t		i;

	strbuf_printf(sb, "# HELP %s %s\n# TYPE %s histogram\n", name, help,
	    name);
	for (i = 0; i < STORE_LAT_BUCKETS; i++) {
		cum += h[i];
		if (i + 1 < STORE_LAT_BUCKETS)
			strbuf_printf(sb, "%s_bucket{le=\"%g\"} %llu\n", name,
			    store_lat_le_us[i] / 1e6, (unsigned long long)cum);
		else
			strbuf_printf(sb, "%s_bucket{le=\"+Inf\"} %llu\n",
			    name, (unsigned long long)cum);
	}
	strbuf_printf(sb, "%s_sum %.6f\n%s_count %llu\n", name, sum_us / 1e6,
	    name, (unsigned long long)cum);
}

/* The store's group commit, errors, outbox and quarantined senders. */
static void
store_metrics(struct store *store, struct strbuf *sb)
{
	struct store_stats	ss;
	uint64_t		cum = 0;
	int64_t			n;
	size_t			i;

	store_stats(store, &ss);
	strbuf_printf(sb, "# HELP papigw_store_batch_size Items per "
	    "group-commit transaction.\n"
	    "# TYPE papigw_store_batch_size histogram\n");
	for (i = 0; i < STORE_BATCH_BUCKETS; i++) {
		cum += ss.batch_size[i];
		if (i + 1 < STORE_BATCH_BUCKETS)
			strbuf_printf(sb, "papigw_store_batch_size_bucket"
			    "{le=\"%u\"} %llu\n", 1u << i,
			    (unsigned long long)cum);
		else
			strbuf_printf(sb, "papigw_store_batch_size_bucket"
			    "{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	}
	strbuf_printf(sb, "papigw_store_batch_size_sum %llu\n"
	    "papigw_store_batch_size_count %llu\n",
	    (unsigned long long)ss.items, (unsigned long long)ss.batches);
	lat_histogram(sb, "papigw_store_durable_seconds", "From an item's "
	    "submit to the store until its batch was durable: the store's "
	    "part of ingest latency.", ss.durable, ss.durable_us);
	lat_histogram(sb, "papigw_store_sync_seconds", "The WAL's "
	    "fdatasync() after a group commit (storage.synchronous = full).",
	    ss.sync, ss.sync_us);
	strbuf_printf(sb, "# HELP papigw_store_errors_total Store errors "
	    "(failed items and commits).\n"
	    "# TYPE papigw_store_errors_total counter\n"
	    "papigw_store_errors_total %llu\n",
	    (unsigned long long)(ss.errors + ss.commit_failures));
	strbuf_printf(sb, "# HELP papigw_store_checkpoints_total WAL "
	    "checkpoints (SQLite): by the writer, which ingest waits for, "
	    "so that the WAL starts over; by the checkpointer thread.\n"
	    "# TYPE papigw_store_checkpoints_total counter\n"
	    "papigw_store_checkpoints_total{by=\"writer\"} %llu\n"
	    "papigw_store_checkpoints_total{by=\"checkpointer\"} %llu\n"
	    "# HELP papigw_store_checkpoint_seconds_total Time in those "
	    "checkpoints.\n"
	    "# TYPE papigw_store_checkpoint_seconds_total counter\n"
	    "papigw_store_checkpoint_seconds_total{by=\"writer\"} %.6f\n"
	    "papigw_store_checkpoint_seconds_total{by=\"checkpointer\"} "
	    "%.6f\n"
	    "# HELP papigw_store_checkpoint_writer_max_seconds The longest "
	    "checkpoint by the writer since the start.\n"
	    "# TYPE papigw_store_checkpoint_writer_max_seconds gauge\n"
	    "papigw_store_checkpoint_writer_max_seconds %.6f\n",
	    (unsigned long long)ss.ckpt_writer,
	    (unsigned long long)ss.ckpt_thread, ss.ckpt_writer_us / 1e6,
	    ss.ckpt_thread_us / 1e6, ss.ckpt_writer_max_us / 1e6);
	strbuf_printf(sb, "# HELP papigw_outbox_depth Outbox rows by state.\n"
	    "# TYPE papigw_outbox_depth gauge\n");
	for (i = STORE_OUTBOX_QUEUED; i <= STORE_OUTBOX_FAILED; i++)
		if (store_outbox_depth(store, i, &n) == STORE_OK)
			strbuf_printf(sb, "papigw_outbox_depth{state=\"%s\"} "
			    "%lld\n", store_outbox_state_name(i),
			    (long long)n);
	if (store_outbox_dead(store, &n) == STORE_OK)
		strbuf_printf(sb, "# HELP papigw_outbox_dead Outbox rows "
		    "failed after their last attempt (papictl retry requeues "
		    "them).\n# TYPE papigw_outbox_dead gauge\n"
		    "papigw_outbox_dead %lld\n", (long long)n);
	if (store_senders_quarantined(store, clock_unix(), &n) == STORE_OK)
		strbuf_printf(sb, "# HELP papigw_senders_quarantined Senders "
		    "that flooded the gateway and get no automatic replies.\n"
		    "# TYPE papigw_senders_quarantined gauge\n"
		    "papigw_senders_quarantined %lld\n", (long long)n);
}

static void
metrics(struct services *svc, struct http_req *r)
{
	struct strbuf	sb = STRBUF_INIT;

	if (!http_allow(r, 1, 0))
		return;
	metrics_render(svc->metrics, &sb);
	http_metrics(svc->http, &sb);
	store_metrics(svc->store, &sb);
	modems_metrics(svc->modems, &sb);
	health_metrics(svc, &sb);
	http_reply(r, 200, CT_METRICS, sb.buf);
	strbuf_free(&sb);
}

/* The listener's handler; arg is the struct services. */
void
web_handle(struct http_req *r, void *arg)
{
	struct services	*svc = arg;
	struct config	*conf;
	const char	*path = http_path(r);

	if (strcmp(path, "/healthz") == 0) {
		healthz(svc, r);
		return;
	}
	if (strcmp(path, "/metrics") == 0) {
		metrics(svc, r);
		return;
	}
	conf = conf_slot_get(svc->confs);
	if (strcmp(path, "/ussd/africastalking") == 0)
		ussd_handle(svc->ussd, conf, r);
	else if (strncmp(path, "/sms/", 5) == 0 ||
	    strncmp(path, "/dlr/", 5) == 0)
		providers_handle(&svc->providers, conf, r);
	else
		http_refuse(r, HTTP_REJECT_NOT_FOUND, 404, "not found");
	config_unref(conf);
}
