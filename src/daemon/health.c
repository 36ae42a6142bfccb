/*
 * health.c: whether the daemon can do its job, with the reason for each
 * part that cannot, for /healthz and papictl status, and the same as
 * gauges for /metrics.
 *
 * A part is down (the store cannot be read, a modem is not connected)
 * or degraded: it runs, but what it should do does not happen.  The
 * store is degraded while its writes fail (the last write failed: a full
 * disk, a read-only file system), while its WAL cannot be synced, or
 * when its file is gone, read-only or without space (store_health()); a
 * modem while messages wait on its phone and none is stored
 * (modems_health()); a channel while its last outbox.degraded_after
 * sends or more failed (outbox_health()).  Each recovers by itself when what
 * it does works again.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/health.h"
#include "base/strbuf.h"
#include "conf/config.h"
#include "store/store.h"
#include "chan/modem.h"
#include "chan/outbox.h"
#include "daemon/services.h"

/* Appends a formatted line to why (whysz bytes) at *o. */
static void __attribute__((format(printf, 4, 5)))
line(char *why, size_t whysz, size_t *o, const char *fmt, ...)
{
	va_list	ap;

	if (*o >= whysz)
		return;
	va_start(ap, fmt);
	*o += (size_t)vsnprintf(why + *o, whysz - *o, fmt, ap);
	va_end(ap);
}

/* Seconds since t (Unix seconds), for the reasons. */
static long long
for_secs(int64_t t)
{
	return t > 0 ? (long long)(time(NULL) - t) : 0;
}

/* The store's reasons; returns how many. */
static int
store_reasons(struct services *svc, const struct config *conf, char *why,
    size_t whysz, size_t *o)
{
	struct store_health	h;
	int			bad = 0;

	if (store_ping(svc->store) != STORE_OK) {
		if (conf->storage_driver == CONF_DRIVER_PG)
			line(why, whysz, o, "store: cannot read the "
			    "PostgreSQL database (storage.conninfo)\n");
		else
			line(why, whysz, o, "store: cannot read %s\n",
			    conf->storage_path);
		bad++;
	}
	store_health(svc->store, &h);
	if (h.write[0] != '\0') {
		line(why, whysz, o, "store: degraded: writes fail (for %llds): "
		    "%s\n", for_secs(h.write_since), h.write);
		bad++;
	}
	if (h.sync[0] != '\0') {
		line(why, whysz, o, "store: degraded: the WAL cannot be synced "
		    "(for %llds): %s\n", for_secs(h.sync_since), h.sync);
		bad++;
	}
	if (h.file[0] != '\0') {
		line(why, whysz, o, "store: degraded: %s\n", h.file);
		bad++;
	}
	return bad;
}

/* Whether channel name is configured and enabled. */
static int
enabled(const struct config *conf, const char *name)
{
	const struct channel	*ch = config_channel(conf, name);

	return ch != NULL && ch->enabled;
}

/* The reasons of channels whose sends all fail; returns how many. */
static int
outbox_reasons(struct services *svc, const struct config *conf,
    char *why, size_t whysz, size_t *o)
{
	struct outbox_chan_health	h[CONF_CHANNELS_MAX * 2];
	size_t				n, i;
	int				bad = 0;

	n = outbox_health(svc->outbox, h, sizeof(h) / sizeof(h[0]));
	for (i = 0; i < n && i < sizeof(h) / sizeof(h[0]); i++) {
		if (h[i].fails < conf->outbox_degraded_after ||
		    !enabled(conf, h[i].channel))
			continue;
		line(why, whysz, o, "channel %s: degraded: the last %d sends "
		    "failed (for %llds): %s\n", h[i].channel, h[i].fails,
		    for_secs(h[i].since), h[i].error);
		bad++;
	}
	return bad;
}

/*
 * Returns 0 when everything is up, or -1 with the reasons, one a line, in
 * why (a string of whysz bytes).
 */
int
health_check(struct services *svc, char *why, size_t whysz)
{
	struct config	*conf = conf_slot_get(svc->confs);
	size_t		 o = 0;
	int		 bad;

	why[0] = '\0';
	bad = store_reasons(svc, conf, why, whysz, &o);
	/* Modems: one line each that is down or stalled. */
	if (o < whysz && modems_health(svc->modems, why, whysz) > 0)
		bad++;
	o = strlen(why);
	bad += outbox_reasons(svc, conf, why, whysz, &o);
	if (o >= whysz && whysz > 0)
		why[whysz - 1] = '\0';
	config_unref(conf);
	return bad > 0 ? -1 : 0;
}

/* Appends a gauge with its help to sb. */
static void
gauge(struct strbuf *sb, const char *name, const char *help, int v)
{
	strbuf_printf(sb, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name,
	    help, name, name, v);
}

/*
 * Appends the health gauges to sb (Prometheus text): the verdict of
 * /healthz, and one gauge for each thing that degrades it (the modems'
 * are modems_metrics()').
 */
void
health_metrics(struct services *svc, struct strbuf *sb)
{
	struct outbox_chan_health	h[CONF_CHANNELS_MAX * 2];
	struct store_health		sh;
	struct config			*conf;
	char				why[2048];
	size_t				n, i;
	int				after;

	conf = conf_slot_get(svc->confs);
	after = conf->outbox_degraded_after;
	config_unref(conf);
	gauge(sb, "papigw_healthy", "1 when /healthz answers 200.",
	    health_check(svc, why, sizeof(why)) == 0);
	store_health(svc->store, &sh);
	gauge(sb, "papigw_store_write_ok", "0 from a failed write (a full "
	    "disk, a read-only file system) until a write succeeds.",
	    sh.write[0] == '\0');
	gauge(sb, "papigw_store_wal_sync_ok", "0 while the WAL cannot be "
	    "synced (fdatasync fails).", sh.sync[0] == '\0');
	gauge(sb, "papigw_store_file_ok", "0 while the database file is "
	    "gone or replaced, or its file system is read-only or full.",
	    sh.file[0] == '\0');
	n = outbox_health(svc->outbox, h, sizeof(h) / sizeof(h[0]));
	if (n > sizeof(h) / sizeof(h[0]))
		n = sizeof(h) / sizeof(h[0]);
	strbuf_printf(sb, "# HELP papigw_outbox_failing 1 while a channel's "
	    "last %d sends or more failed.\n"
	    "# TYPE papigw_outbox_failing gauge\n", after);
	for (i = 0; i < n; i++)
		strbuf_printf(sb, "papigw_outbox_failing{channel=\"%s\"} %d\n",
		    h[i].channel, h[i].fails >= after);
	strbuf_printf(sb, "# HELP papigw_outbox_failed_in_row Sends that "
	    "failed in a row, by channel.\n"
	    "# TYPE papigw_outbox_failed_in_row gauge\n");
	for (i = 0; i < n; i++)
		strbuf_printf(sb, "papigw_outbox_failed_in_row{channel=\"%s\"} "
		    "%d\n", h[i].channel, h[i].fails);
}
