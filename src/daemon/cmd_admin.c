/*
 * cmd_admin.c: the daemon's side of papictl status, outbox, retry and
 * inject.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/period.h"
#include "domain/ref.h"
#include "domain/router.h"
#include "store/store.h"
#include "store/query.h"
#include "core/audit.h"
#include "core/ingest.h"
#include "chan/modem.h"
#include "daemon/health.h"
#include "daemon/services.h"

#define LIST_LIMIT_DEFAULT	50
#define LIST_LIMIT_MAX		1000

/*
 * ===================================================================
 * Handlers: status, outbox, retry, inject
 * ===================================================================
 */

struct status_ctx {
	struct control_req	*req;
	json_t			*queues;	/* category -> object */
	int64_t			 open;
	int64_t			 overdue;
};

static void
count_row(const char *category, const char *state, int64_t n, void *arg)
{
	struct status_ctx	*sc = arg;
	const struct category	*cat;
	json_t			*o, *v;

	if (!control_sees(sc->req->who, sc->req->conf, category))
		return;
	if ((o = json_object_get(sc->queues, category)) == NULL) {
		cat = config_category(sc->req->conf, category);
		o = json_pack("{s:s, s:s, s:I, s:I}", "dimension",
		    cat != NULL ? cat->dimension : "", "name", cat != NULL ?
		    cat->name_vi : category, "open", (json_int_t)0, "overdue",
		    (json_int_t)0);
		json_object_set_new(sc->queues, category, o);
	}
	if (state == NULL) {
		json_object_set_new(o, "overdue", json_integer(n));
		sc->overdue += n;
		return;
	}
	json_object_set_new(o, state, json_integer(n));
	if (strcmp(state, "resolved") != 0 && strcmp(state, "confirmed") != 0) {
		v = json_object_get(o, "open");
		json_object_set_new(o, "open", json_integer(
		    json_integer_value(v) + n));
		sc->open += n;
	}
}

static void
outbox_count_row(const char *channel, const char *state, int64_t n,
    const char *error, void *arg)
{
	json_t	*channels = arg, *o, *v;

	if ((o = json_object_get(channels, channel)) == NULL) {
		o = json_object();
		json_object_set_new(channels, channel, o);
	}
	json_object_set_new(o, state, json_integer(n));
	if (error != NULL && strcmp(state, "failed") == 0)
		json_object_set_new(o, "last_error", cmd_jstr(error));
	v = json_object_get(o, "outbox_total");
	json_object_set_new(o, "outbox_total", json_integer(
	    json_integer_value(v) + n));
}

/* Channels and their health: administrators only. */
static int
status_channels(struct control_req *req, json_t *data)
{
	struct store_query	*q = req->q;
	struct modem_status	 ms[CONF_CHANNELS_MAX];
	json_t			*channels = json_object(), *health, *o;
	char			 why[2048], *line, *save;
	int64_t			 at;
	size_t			 i, nm;

	if (store_outbox_counts(q, outbox_count_row, channels) != STORE_OK) {
		json_decref(channels);
		return -1;
	}
	for (i = 0; i < req->conf->nchannels; i++) {
		const struct channel *ch = &req->conf->channels[i];

		if ((o = json_object_get(channels, ch->name)) == NULL) {
			o = json_object();
			json_object_set_new(channels, ch->name, o);
		}
		json_object_set_new(o, "type", json_string(
		    channel_type_name(ch->type)));
		json_object_set_new(o, "enabled", json_boolean(ch->enabled));
		if (store_channel_last_seen(q, ch->name, &at) == STORE_OK)
			json_object_set_new(o, "last_seen", cmd_jtime(at));
	}
	/* Modems: their state, signal and network (chan/modem.c). */
	nm = modems_status(req->svc->modems, ms, CONF_CHANNELS_MAX);
	for (i = 0; i < nm && i < CONF_CHANNELS_MAX; i++) {
		if ((o = json_object_get(channels, ms[i].channel)) == NULL) {
			o = json_object();
			json_object_set_new(channels, ms[i].channel, o);
		}
		json_object_set_new(o, "modem", json_pack("{s:s, s:i, s:i, "
		    "s:s, s:s, s:o, s:o}", "state",
		    modem_state_name(ms[i].state), "signal", ms[i].signal,
		    "battery", ms[i].battery, "network", ms[i].network,
		    "error", ms[i].error, "last_received",
		    cmd_jtime(ms[i].last_received), "up_since",
		    cmd_jtime(ms[i].up_since)));
		/* What waits on the phone, and whether it moves. */
		o = json_object_get(o, "modem");
		json_object_set_new(o, "stalled", json_boolean(
		    ms[i].stalled));
		json_object_set_new(o, "waiting", json_integer(
		    ms[i].waiting));
		json_object_set_new(o, "unreadable", json_integer(
		    ms[i].unreadable));
	}
	health = json_array();
	if (health_check(req->svc, why, sizeof(why)) == -1)
		for (line = strtok_r(why, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			json_array_append_new(health, cmd_jstr(line));
	json_object_set_new(data, "channels", channels);
	json_object_set_new(data, "health", health);
	return 0;
}

/*
 * The queues of status, one per category the asker sees, in the order of
 * the configuration (which puts the ward's first concerns first), zero
 * or not; "order" lists them so, for clients that do not keep an
 * object's order.
 */
static json_t *
status_queues(struct control_req *req, json_t **order)
{
	const struct config	*conf = req->conf;
	const struct category	*c;
	json_t			*q = json_object(), *o;
	size_t			 i;

	*order = json_array();
	for (i = 0; i < conf->ncategories; i++) {
		c = &conf->categories[i];
		if (!control_sees(req->who, conf, c->id))
			continue;
		o = cmd_category_names(conf, c->id);
		json_object_set_new(o, "dimension", json_string(c->dimension));
		json_object_set_new(o, "name", json_string(c->name_vi));
		json_object_set_new(o, "open", json_integer(0));
		json_object_set_new(o, "overdue", json_integer(0));
		json_object_set_new(q, c->id, o);
		json_array_append_new(*order, json_string(c->id));
	}
	return q;
}

/*
 * The next report to the district, when its reminder is due
 * (reports.remind_days working days before its cut-off, or less), for
 * the status screen; NULL when it is not.
 */
static json_t *
status_report_due(struct control_req *req, struct store_query *q)
{
	const struct config	*conf = req->conf;
	struct period		 p;
	int64_t			 now = clock_unix(), sent = 0;
	int			 left;

	if (conf->reports_remind_days == 0)
		return NULL;
	period_next(conf, now, &p);
	left = period_workdays_left(conf, now, &p);
	if (left > conf->reports_remind_days ||
	    store_reminder_sent(q, p.id, conf->ward_id, &sent) != STORE_OK)
		return NULL;
	return json_pack("{s:s, s:s, s:i, s:I, s:i, s:o}", "period", p.id,
	    "kind", period_kind_code(p.kind), "year", p.year, "cutoff",
	    (json_int_t)p.cutoff, "workdays_left", left, "reminded",
	    cmd_jtime(sent));
}

static void
parts_row(const char *kind, int64_t n, int64_t parts, void *arg)
{
	json_object_set_new(arg, kind, json_pack("{s:I, s:I}", "messages",
	    (json_int_t)n, "parts", (json_int_t)parts));
}

/*
 * What the SMS sent cost over the last 30 days: messages and parts of each
 * outbox kind (acknowledgements, answers...).  Returns 0 or -1.
 */
static int
status_sms(struct control_req *req, struct store_query *q, json_t *data)
{
	json_t	*o = json_object();

	if (store_outbox_parts(q, clock_unix() - 30 * 86400, INT64_MAX,
	    parts_row, o) != STORE_OK) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(data, "sms_30_days", o);
	(void)req;
	return 0;
}

/* status: queue depths, oldest waiting, overdue, outbox, channels. */
int
cmd_status(struct control_req *req)
{
	struct status_ctx	 sc;
	struct store_query	*q;
	char			**vis = NULL, ref[32];
	size_t			 nvis;
	int64_t			 oldest, oldest_at, n;
	json_t			*data, *outbox, *order, *due;
	int			 i;

	if ((q = control_query(req)) == NULL)
		return -1;
	memset(&sc, 0, sizeof(sc));
	sc.req = req;
	sc.queues = status_queues(req, &order);
	nvis = control_visible(req->who, req->conf, &vis);
	if (store_case_counts(q, count_row, &sc) != STORE_OK ||
	    store_case_oldest_waiting(q, vis, nvis, &oldest, &oldest_at) !=
	    STORE_OK) {
		free(vis);
		json_decref(sc.queues);
		json_decref(order);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	free(vis);
	data = json_pack("{s:o, s:o, s:I, s:I, s:s, s:s}", "queues",
	    sc.queues, "order", order, "open", (json_int_t)sc.open,
	    "overdue", (json_int_t)sc.overdue, "user", req->who->user,
	    "roles", req->who->roles);
	if ((due = status_report_due(req, q)) != NULL)
		json_object_set_new(data, "report_due", due);
	if (oldest != 0) {
		ref_format(req->conf->case_prefix, oldest, ref, sizeof(ref));
		json_object_set_new(data, "oldest_waiting", json_pack(
		    "{s:s, s:I}", "ref", ref, "created",
		    (json_int_t)oldest_at));
	} else
		json_object_set_new(data, "oldest_waiting", json_null());
	if (req->who->kind >= ROLE_ADMINISTRATOR) {
		outbox = json_object();
		for (i = STORE_OUTBOX_QUEUED; i <= STORE_OUTBOX_FAILED; i++)
			if (store_outbox_depth(req->svc->store, i, &n) ==
			    STORE_OK)
				json_object_set_new(outbox,
				    store_outbox_state_name(i),
				    json_integer(n));
		json_object_set_new(data, "outbox", outbox);
		if (status_channels(req, data) == -1 ||
		    status_sms(req, q, data) == -1) {
			json_decref(data);
			return control_fail(req, CONTROL_E_UNAVAILABLE, "the "
			    "store cannot be read");
		}
	}
	req->data = data;
	return 0;
}

static void
outbox_row(const struct store_outbox *o, int64_t ref, const char *category,
    void *arg)
{
	struct control_req	*req = arg;
	char			 rbuf[32], masked[MASKED_NUMBER_MAX];
	json_t			*a = json_object_get(req->data, "rows");

	rbuf[0] = '\0';
	if (ref != 0)
		ref_format(req->conf->case_prefix, ref, rbuf, sizeof(rbuf));
	mask_number(o->recipient, masked, sizeof(masked));
	json_array_append_new(a, json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, "
	    "s:s, s:i, s:i, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)o->id,
	    "ref", rbuf, "category", cmd_jstr(category), "channel",
	    cmd_jstr(o->channel), "to", masked, "kind", cmd_jstr(o->kind), "state",
	    store_outbox_state_name(o->state), "attempts", o->attempts,
	    "segments", o->segments, "encoding", cmd_jstr(o->encoding), "created",
	    cmd_jtime(o->created), "updated", cmd_jtime(o->updated), "next_attempt",
	    cmd_jtime(o->next_attempt), "error", cmd_jstr(o->last_error)));
}

/* outbox [--failed]: outbound messages and their delivery state. */
int
cmd_outbox(struct control_req *req)
{
	struct store_query	*q;
	int64_t			 limit;

	if (cmd_arg_int(req, "limit", LIST_LIMIT_DEFAULT, 1, LIST_LIMIT_MAX,
	    &limit) == -1 || (q = control_query(req)) == NULL)
		return -1;
	req->data = json_pack("{s:[]}", "rows");
	if (store_outbox_list(q, cmd_arg_bool(req, "failed"), (int)limit,
	    outbox_row, req) != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	return 0;
}

/* A failed outbox row to queue again, or all since a time, by whom. */
struct retry {
	int64_t		 id;		/* or 0: */
	int64_t		 since;		/* those failed since (0: all) */
	int64_t		 n;		/* how many were */
	const char	*actor;
};

static enum store_status
retry_work(struct store_txn *txn, void *arg)
{
	struct retry		*rt = arg;
	enum store_status	 st;
	char			 detail[96];

	if (rt->id == 0) {
		if ((st = store_outbox_retry_failed(txn, rt->since, &rt->n)) !=
		    STORE_OK)
			return st;
		snprintf(detail, sizeof(detail), "%lld failed rows, failed "
		    "since %lld", (long long)rt->n, (long long)rt->since);
		return rt->n == 0 ? STORE_OK : store_audit_append(txn,
		    rt->actor, "outbox.retry", 0, detail);
	}
	if ((st = store_outbox_retry(txn, rt->id)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "outbox %lld", (long long)rt->id);
	return store_audit_append(txn, rt->actor, "outbox.retry", 0, detail);
}

/*
 * retry ID, or retry --failed [--since T]: queues a failed outbox row
 * again, or every row that failed (since T, Unix seconds), audited.
 */
int
cmd_retry(struct control_req *req)
{
	struct retry		rt;
	enum store_status	st;

	memset(&rt, 0, sizeof(rt));
	if (cmd_arg_int(req, "id", 0, 1, INT64_MAX, &rt.id) == -1 ||
	    cmd_arg_int(req, "since", 0, 0, INT64_MAX, &rt.since) == -1)
		return -1;
	if ((rt.id == 0) == !cmd_arg_bool(req, "failed"))
		return control_fail(req, CONTROL_E_USAGE, "retry needs an "
		    "outbox id, or --failed");
	rt.actor = req->who->user;
	st = store_submit_wait(req->svc->store, retry_work, &rt);
	if (st == STORE_NOTFOUND)
		return control_fail(req, CONTROL_E_NOTFOUND, "no outbox row "
		    "%lld", (long long)rt.id);
	if (st == STORE_INVALID)
		return control_fail(req, CONTROL_E_CONFLICT, "outbox row %lld "
		    "has not failed", (long long)rt.id);
	if (st != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not saved: "
		    "%s", store_strerror(st));
	if (rt.id == 0)
		req->data = json_pack("{s:I, s:I}", "queued", (json_int_t)rt.n,
		    "since", (json_int_t)rt.since);
	else
		req->data = json_pack("{s:I, s:s}", "id", (json_int_t)rt.id,
		    "state", "queued");
	return 0;
}

/* What an injected message became, handed from the writer thread. */
struct inject_wait {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 done;
	struct ingest_result	 res;
	char			 category[CONF_ID_MAX];
};

static void
inject_done(const struct ingest_result *res, void *arg)
{
	struct inject_wait	*iw = arg;

	pthread_mutex_lock(&iw->lock);
	iw->res = *res;
	copy_str(iw->category, sizeof(iw->category), res->category != NULL ?
	    res->category : "");
	iw->res.category = NULL;
	iw->done = 1;
	pthread_cond_signal(&iw->cond);
	pthread_mutex_unlock(&iw->lock);
}

/*
 * Hands in to the ingest pipeline and waits until it is stored: *res is
 * what it became (res->category points into category, catsz bytes).
 * Returns 0, or -1 after recording the failure (the store is closing,
 * or did not store it).
 */
int
cmd_ingest(struct control_req *req, const struct inbound *in,
    struct ingest_result *res, char *category, size_t catsz)
{
	struct inject_wait	 iw;

	memset(&iw, 0, sizeof(iw));
	pthread_mutex_init(&iw.lock, NULL);
	pthread_cond_init(&iw.cond, NULL);
	if (ingest_submit(req->svc->ingest, req->conf, in, inject_done,
	    &iw) == -1) {
		pthread_cond_destroy(&iw.cond);
		pthread_mutex_destroy(&iw.lock);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store is "
		    "closing");
	}
	pthread_mutex_lock(&iw.lock);
	while (!iw.done)
		pthread_cond_wait(&iw.cond, &iw.lock);
	pthread_mutex_unlock(&iw.lock);
	pthread_cond_destroy(&iw.cond);
	pthread_mutex_destroy(&iw.lock);
	*res = iw.res;
	copy_str(category, catsz, iw.category);
	res->category = category;
	if (iw.res.status != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not stored: "
		    "%s", store_strerror(iw.res.status));
	return 0;
}

/*
 * The channel a message fed in by papictl comes in on, and its answers go
 * out on: --channel's, or the first enabled one, or none when there is
 * none (NULL after recording a usage error for an unknown --channel).
 */
const char *
cmd_channel_arg(struct control_req *req, const char *none)
{
	const char	*name = cmd_arg_str(req, "channel");
	size_t		 i;

	if (name != NULL) {
		if (config_channel(req->conf, name) == NULL) {
			control_fail(req, CONTROL_E_USAGE, "no channel '%s'",
			    name);
			return NULL;
		}
		return name;
	}
	for (i = 0; i < req->conf->nchannels; i++)
		if (req->conf->channels[i].enabled)
			return req->conf->channels[i].name;
	return none;
}

/* inject --from NUMBER [--channel NAME] TEXT */
int
cmd_inject(struct control_req *req)
{
	struct ingest_result	 res;
	struct inbound		 in;
	const char		*from = cmd_arg_str(req, "from"), *text, *ch, *p;
	char			 ref[32], detail[128], category[CONF_ID_MAX];

	if (from == NULL || *from == '\0' || strlen(from) > 32)
		return control_fail(req, CONTROL_E_USAGE, "inject needs "
		    "--from NUMBER");
	for (p = from; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '+')
			return control_fail(req, CONTROL_E_USAGE, "'%s' is not "
			    "a sender", from);
	if ((text = cmd_arg_text(req, "text", TEXT_INPUT_MAX, 1)) == NULL ||
	    (ch = cmd_channel_arg(req, "inject")) == NULL)
		return -1;
	memset(&in, 0, sizeof(in));
	in.channel = ch;
	in.sender = from;
	in.text = text;
	in.textlen = strlen(text);
	if (cmd_ingest(req, &in, &res, category, sizeof(category)) == -1)
		return -1;
	ref[0] = '\0';
	if (res.ref_number != 0)
		ref_format(req->conf->case_prefix, res.ref_number, ref, sizeof(ref));
	req->data = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:b}",
	    "message", (json_int_t)res.message_id, "ref", ref, "channel",
	    ch, "category", category, "created", res.created,
	    "attached", res.attached, "duplicate", res.duplicate);
	json_object_set_new(req->data, "kind", json_string(
	    route_kind_name(res.kind)));
	/* Who fed it in: the message's own entries say "papigwd". */
	snprintf(detail, sizeof(detail), "message %lld on %s%s%s",
	    (long long)res.message_id, ch, ref[0] ? ", " : "", ref);
	if (!res.duplicate && audit_record(req->svc->store,
	    req->who->user, "message.inject", 0, detail) != STORE_OK)
		log_warnx(_("control: inject: the audit entry of message %lld "
		    "was not written"), (long long)res.message_id);
	return 0;
}
