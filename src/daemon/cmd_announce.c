/*
 * cmd_announce.c: the daemon's side of papictl announce: drafting an
 * announcement, showing who it reaches and what it costs, a second
 * administrator's approval, sending, cancelling, and the subscribers'
 * figures.
 *
 * An announcement is drafted (its topic, areas, Vietnamese text, an
 * optional English one and an optional longer body that residents read
 * with a read word or its code), approved by an administrator who did
 * not draft it (announce.second_approver), then sent: its recipients are
 * chosen then, in one transaction, and the feeder (announce_feed.c)
 * queues them.  Cancelling stops what is not queued yet and what the
 * outbox has not handed to a channel.  Every step is an audit entry.
 * Subscribers are shown as counts only: their numbers never leave the
 * daemon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "base/util.h"
#include "conf/config.h"
#include "core/announce.h"
#include "daemon/announce_feed.h"
#include "daemon/services.h"
#include "domain/ref.h"
#include "domain/subscribe.h"
#include "store/announce.h"
#include "store/store.h"
#include "text/sms.h"

#define ANN_TEXT_MAX	1000	/* bytes of an announcement's text */
#define ANN_BODY_MAX	3000	/* bytes of its body */
#define ANN_AREAS_MAX	1024	/* bytes of its areas, "kp1,kp2" */

/* Reads the "id" argument (12, TB12, TB-000012).  Returns it, or 0. */
static int64_t
arg_id(struct control_req *req)
{
	const char	*s = cmd_arg_str(req, "id");
	int64_t		 id;

	id = ref_parse(req->conf->announce_code_prefix, s,
	    REF_PREFIX_OPTIONAL);
	if (id <= 0)
		control_fail(req, CONTROL_E_USAGE, "'%s' is not an "
		    "announcement (like %s-000012)", s != NULL ? s : "",
		    req->conf->announce_code_prefix);
	return id;
}

/* The SMS parts of text as channel ch sends it. */
static int
parts_of(const struct channel *ch, const char *text)
{
	char	*s;
	int	 n;

	if (!ch->strip_diacritics)
		return sms_segments(text);
	s = sms_strip_diacritics(text);
	n = sms_segments(s);
	free(s);
	return n;
}

/* What an SMS part costs on channel ch, in dong. */
static int64_t
part_cost(const struct config *conf, const struct channel *ch)
{
	return ch->part_cost >= 0 ? ch->part_cost : conf->announce_part_cost;
}

/*
 * Who an announcement reaches, by the channel it goes out on
 * (subscribe_route() of the one each subscriber subscribed on).
 */
struct by_channel {
	const struct config	*conf;
	struct {
		const struct channel *ch;
		int64_t		 total, english;
	}			 v[CONF_CHANNELS_MAX];
	size_t			 n;
	int64_t			 unreachable;
};

static void
reached(const struct store_announce_reach *r, void *arg)
{
	struct by_channel	*b = arg;
	const struct channel	*ch = subscribe_route(b->conf, r->channel);
	size_t			 i;

	if (ch == NULL) {
		b->unreachable += r->total;
		return;
	}
	for (i = 0; i < b->n && b->v[i].ch != ch; i++)
		;
	if (i == b->n) {
		if (b->n == CONF_CHANNELS_MAX)
			return;
		b->v[b->n].ch = ch;
		b->n++;
	}
	b->v[i].total += r->total;
	b->v[i].english += r->english;
}

/*
 * What announcement a costs if sent now, into o: who it reaches and who
 * it cannot (no channel can send to them), and for each channel it goes
 * out on, its recipients, the SMS parts of the message as that channel
 * sends it (with or without diacritics), and their cost; then the
 * totals.  Returns 0, or -1 after a failure.
 */
static int
preview(struct control_req *req, const struct store_announcement *a,
    json_t *o)
{
	const struct config	*conf = req->conf;
	struct by_channel	*b = xcalloc(1, sizeof(*b));
	char			 json[ANNOUNCE_AREAS_JSON_MAX];
	char			*vi, *en;
	int64_t			 pvi, pen, parts, cost, reach = 0, reach_en = 0;
	int64_t			 all_parts = 0, all_cost = 0;
	size_t			 i;
	json_t			*arr;

	b->conf = conf;
	announce_areas_json(conf, a->areas, json, sizeof(json));
	if (store_announce_reach(req->svc->store, a->topic, json, reached,
	    b) != STORE_OK) {
		free(b);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	vi = xcalloc(1, ANNOUNCE_TEXT_MAX);
	en = xcalloc(1, ANNOUNCE_TEXT_MAX);
	announce_message(conf, a, 0, vi, ANNOUNCE_TEXT_MAX);
	announce_message(conf, a, 1, en, ANNOUNCE_TEXT_MAX);
	arr = json_array();
	for (i = 0; i < b->n; i++) {
		pvi = parts_of(b->v[i].ch, vi);
		pen = parts_of(b->v[i].ch, en);
		parts = (b->v[i].total - b->v[i].english) * pvi +
		    b->v[i].english * pen;
		cost = parts * part_cost(conf, b->v[i].ch);
		json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I, "
		    "s:I, s:I, s:I, s:I}", "channel", b->v[i].ch->name,
		    "recipients", (json_int_t)b->v[i].total, "english",
		    (json_int_t)b->v[i].english, "parts_vi", (json_int_t)pvi,
		    "parts_en", (json_int_t)pen, "parts", (json_int_t)parts,
		    "part_cost", (json_int_t)part_cost(conf, b->v[i].ch),
		    "cost", (json_int_t)cost));
		reach += b->v[i].total;
		reach_en += b->v[i].english;
		all_parts += parts;
		all_cost += cost;
	}
	json_object_set_new(o, "reach", json_integer(reach));
	json_object_set_new(o, "reach_en", json_integer(reach_en));
	json_object_set_new(o, "unreachable", json_integer(b->unreachable));
	json_object_set_new(o, "message_vi", json_string(vi));
	json_object_set_new(o, "message_en", json_string(en));
	json_object_set_new(o, "channels", arr);
	json_object_set_new(o, "parts", json_integer(all_parts));
	json_object_set_new(o, "cost", json_integer(all_cost));
	free(vi);
	free(en);
	free(b);
	return 0;
}

/* Announcement a as JSON, with its delivery when it started. */
static json_t *
ann_json(struct control_req *req, const struct store_announcement *a,
    int stats)
{
	struct store_announce_stats	 s;
	char				 code[32];
	json_t				*o;

	subscribe_code(req->conf, a->id, code, sizeof(code));
	o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o, "
	    "s:o, s:o, s:o, s:o, s:o, s:I}", "id", (json_int_t)a->id, "code",
	    code, "topic", a->topic, "areas", a->areas, "text_vi",
	    cmd_jstr(a->text_vi), "text_en", cmd_jstr(a->text_en), "body",
	    cmd_jstr(a->body), "state", store_announce_state_name(a->state),
	    "drafter", a->drafter, "approver", cmd_jstr(a->approver),
	    "created", cmd_jtime(a->created), "approved",
	    cmd_jtime(a->approved), "started", cmd_jtime(a->started),
	    "finished", cmd_jtime(a->finished), "cancelled",
	    cmd_jtime(a->cancelled), "recipients", (json_int_t)a->recipients);
	if (o == NULL || !stats || a->started == 0)
		return o;
	if (store_announce_stats(req->svc->store, a->id, &s) != STORE_OK)
		return o;
	json_object_set_new(o, "delivery", json_pack("{s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "recipients",
	    (json_int_t)s.recipients, "pending", (json_int_t)s.pending,
	    "skipped", (json_int_t)s.skipped, "unreachable",
	    (json_int_t)s.unreachable, "cancelled",
	    (json_int_t)s.cancelled, "queued", (json_int_t)s.queued, "sent",
	    (json_int_t)s.sent, "delivered", (json_int_t)s.delivered,
	    "failed", (json_int_t)s.failed, "parts", (json_int_t)s.parts,
	    "comments", (json_int_t)s.comments));
	return o;
}

/*
 * ===================================================================
 * Drafting
 * ===================================================================
 */

struct draft {
	struct store_announce_new	 a;
	const char			*actor;
	int64_t				 id;
};

static enum store_status
draft_work(struct store_txn *txn, void *arg)
{
	struct draft		*d = arg;
	enum store_status	 st;
	char			 detail[ANN_AREAS_MAX + 96];

	if ((st = store_announce_insert(txn, &d->a, &d->id)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "announcement %lld: topic %s, "
	    "areas %s", (long long)d->id, d->a.topic, d->a.areas[0] != '\0' ?
	    d->a.areas : "(whole ward)");
	return store_audit_append(txn, d->actor, "announce.draft", 0,
	    detail);
}

/*
 * announce.draft topic areas text [text_en] [body]: stores a draft and
 * answers with what it would cost now.
 */
int
cmd_announce_draft(struct control_req *req)
{
	const struct config		*conf = req->conf;
	struct store_announcement	 a;
	struct draft			 d;
	enum store_status		 st;
	char				 bad[CONF_ID_MAX + 8];
	json_t				*o;

	memset(&d, 0, sizeof(d));
	if ((d.a.topic = cmd_arg_text(req, "topic", CONF_ID_MAX, 1)) == NULL)
		return -1;
	if (config_news_topic(conf, d.a.topic) < 0)
		return control_fail(req, CONTROL_E_USAGE, "no news topic '%s' "
		    "(news_topics in the configuration)", d.a.topic);
	d.a.areas = cmd_arg_str(req, "areas");
	if (d.a.areas == NULL)
		d.a.areas = "";
	if (strlen(d.a.areas) >= ANN_AREAS_MAX ||
	    announce_check_areas(conf, d.a.areas, bad, sizeof(bad)) == -1)
		return control_fail(req, CONTROL_E_USAGE, "no area '%s' "
		    "(areas in the configuration)", bad);
	if ((d.a.text_vi = cmd_arg_text(req, "text", ANN_TEXT_MAX, 1)) ==
	    NULL)
		return -1;
	d.a.text_en = cmd_arg_text(req, "text_en", ANN_TEXT_MAX, 0);
	if (req->err != CONTROL_E_OK)
		return -1;
	d.a.body = cmd_arg_text(req, "body", ANN_BODY_MAX, 0);
	if (req->err != CONTROL_E_OK)
		return -1;
	d.a.drafter = d.actor = req->who->user;
	d.a.created = clock_unix();
	if ((st = store_submit_wait(req->svc->store, draft_work, &d)) !=
	    STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not saved: "
		    "%s", store_strerror(st));
	if (store_announce_get(req->svc->store, d.id, &a) != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	o = ann_json(req, &a, 0);
	if (preview(req, &a, o) == -1) {
		json_decref(o);
		store_announce_clear(&a);
		return -1;
	}
	store_announce_clear(&a);
	req->data = o;
	return 0;
}

/*
 * ===================================================================
 * Reading
 * ===================================================================
 */

/* announce.show id: one announcement, its cost or its delivery. */
int
cmd_announce_show(struct control_req *req)
{
	struct store_announcement	 a;
	enum store_status		 st;
	int64_t				 id;
	json_t				*o;

	if ((id = arg_id(req)) == 0)
		return -1;
	if ((st = store_announce_get(req->svc->store, id, &a)) ==
	    STORE_NOTFOUND)
		return control_fail(req, CONTROL_E_NOTFOUND, "no announcement "
		    "%lld", (long long)id);
	if (st != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	o = ann_json(req, &a, 1);
	if (a.started == 0 && a.state != STORE_ANN_CANCELLED &&
	    preview(req, &a, o) == -1) {
		json_decref(o);
		store_announce_clear(&a);
		return -1;
	}
	store_announce_clear(&a);
	req->data = o;
	return 0;
}

struct listing {
	struct control_req	*req;
	json_t			*a;
	int64_t			 ids[200];
	size_t			 n;
};

static void
listed(const struct store_announcement *a, void *arg)
{
	struct listing	*l = arg;

	if (l->n < sizeof(l->ids) / sizeof(l->ids[0]))
		l->ids[l->n++] = a->id;
}

/* announce.list: the newest 200 announcements, with their delivery. */
int
cmd_announce_list(struct control_req *req)
{
	struct store_announcement	 a;
	struct listing			*l = xcalloc(1, sizeof(*l));
	size_t				 i;
	json_t				*arr = json_array();

	l->req = req;
	if (store_announce_list(req->svc->store, 0, 0, 1, listed, l) !=
	    STORE_OK) {
		free(l);
		json_decref(arr);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	for (i = 0; i < l->n; i++) {
		if (store_announce_get(req->svc->store, l->ids[i], &a) !=
		    STORE_OK)
			continue;
		json_array_append_new(arr, ann_json(req, &a, 1));
		store_announce_clear(&a);
	}
	free(l);
	req->data = json_pack("{s:o}", "announcements", arr);
	return 0;
}

static void
counted(const char *kind, const char *value, int64_t n, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:I}", "kind", kind,
	    "id", value, "subscribers", (json_int_t)n));
}

/* announce.subscribers: how many subscribe to each topic and area. */
int
cmd_announce_subscribers(struct control_req *req)
{
	json_t	*arr = json_array();
	int64_t	 numbers;

	if (store_sub_counts(req->svc->store, counted, arr, &numbers) !=
	    STORE_OK) {
		json_decref(arr);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	req->data = json_pack("{s:I, s:o}", "numbers", (json_int_t)numbers,
	    "subscriptions", arr);
	return 0;
}

/*
 * ===================================================================
 * Approving, sending, cancelling
 * ===================================================================
 */

struct step {
	int64_t			 id;
	const char		*actor;
	const struct config	*conf;
	int			 second;	/* approve: not the drafter */
	/* Results. */
	enum store_announce_state state;	/* when refused */
	int			 refused;	/* 1 state, 2 drafter */
	int64_t			 n, m;
};

static enum store_status
approve_work(struct store_txn *txn, void *arg)
{
	struct step			*s = arg;
	struct store_announcement	 a;
	enum store_status		 st;
	char				 detail[64];

	if ((st = store_announce_read(txn, s->id, &a)) != STORE_OK)
		return st;
	s->state = a.state;
	if (a.state != STORE_ANN_DRAFT)
		s->refused = 1;
	else if (s->second && strcmp(a.drafter, s->actor) == 0)
		s->refused = 2;
	store_announce_clear(&a);
	if (s->refused)
		return STORE_OK;
	if ((st = store_announce_approve(txn, s->id, s->actor,
	    clock_unix())) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "announcement %lld",
	    (long long)s->id);
	return store_audit_append(txn, s->actor, "announce.approve", 0,
	    detail);
}

static enum store_status
send_work(struct store_txn *txn, void *arg)
{
	struct step			*s = arg;
	struct store_announcement	 a;
	enum store_status		 st;
	char				 json[ANNOUNCE_AREAS_JSON_MAX];
	char				 detail[96];

	if ((st = store_announce_read(txn, s->id, &a)) != STORE_OK)
		return st;
	s->state = a.state;
	if (a.state != STORE_ANN_APPROVED) {
		s->refused = 1;
		store_announce_clear(&a);
		return STORE_OK;
	}
	announce_areas_json(s->conf, a.areas, json, sizeof(json));
	store_announce_clear(&a);
	if ((st = store_announce_start(txn, s->id, json,
	    s->conf->announce_channel, clock_unix(), &s->n)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "announcement %lld: %lld "
	    "recipients", (long long)s->id, (long long)s->n);
	return store_audit_append(txn, s->actor, "announce.send", 0, detail);
}

static enum store_status
cancel_work(struct store_txn *txn, void *arg)
{
	struct step		*s = arg;
	enum store_status	 st;
	char			 detail[128];

	if ((st = store_announce_cancel(txn, s->id, clock_unix(), &s->n,
	    &s->m)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "announcement %lld: %lld not "
	    "queued, %lld not sent", (long long)s->id, (long long)s->n,
	    (long long)s->m);
	return store_audit_append(txn, s->actor, "announce.cancel", 0,
	    detail);
}

/* Runs step fn on announcement "id"; -1 after a failure. */
static int
run_step(struct control_req *req, struct step *s,
    enum store_status (*fn)(struct store_txn *, void *))
{
	enum store_status	st;

	memset(s, 0, sizeof(*s));
	if ((s->id = arg_id(req)) == 0)
		return -1;
	s->actor = req->who->user;
	s->conf = req->conf;
	s->second = req->conf->announce_second_approver;
	st = store_submit_wait(req->svc->store, fn, s);
	if (st == STORE_NOTFOUND)
		return control_fail(req, CONTROL_E_NOTFOUND, "no announcement "
		    "%lld", (long long)s->id);
	if (st != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not saved: "
		    "%s", store_strerror(st));
	return 0;
}

/* announce.approve id: by an administrator who did not draft it. */
int
cmd_announce_approve(struct control_req *req)
{
	struct step	s;

	if (run_step(req, &s, approve_work) == -1)
		return -1;
	if (s.refused == 2)
		return control_fail(req, CONTROL_E_FORBIDDEN, "%s drafted it: "
		    "another administrator must approve it", req->who->user);
	if (s.refused)
		return control_fail(req, CONTROL_E_CONFLICT, "it is %s, not a "
		    "draft", store_announce_state_name(s.state));
	req->data = json_pack("{s:I, s:s}", "id", (json_int_t)s.id,
	    "approver", req->who->user);
	return 0;
}

/* announce.send id: an approved announcement goes out. */
int
cmd_announce_send(struct control_req *req)
{
	struct step	s;

	if (run_step(req, &s, send_work) == -1)
		return -1;
	if (s.refused && s.state == STORE_ANN_DRAFT)
		return control_fail(req, CONTROL_E_CONFLICT, "not approved: "
		    "another administrator must approve it first (papictl "
		    "announce approve)");
	if (s.refused)
		return control_fail(req, CONTROL_E_CONFLICT, "it is %s "
		    "already", store_announce_state_name(s.state));
	announce_feeder_kick(req->svc->feeder);
	req->data = json_pack("{s:I, s:I}", "id", (json_int_t)s.id,
	    "recipients", (json_int_t)s.n);
	return 0;
}

/* announce.cancel id: what is not sent yet stays unsent. */
int
cmd_announce_cancel(struct control_req *req)
{
	struct step	s;

	if (run_step(req, &s, cancel_work) == -1)
		return -1;
	req->data = json_pack("{s:I, s:I, s:I}", "id", (json_int_t)s.id,
	    "unqueued", (json_int_t)s.n, "unsent", (json_int_t)s.m);
	return 0;
}

/*
 * ===================================================================
 * Reports
 * ===================================================================
 */

struct period_list {
	int64_t		 ids[1000];
	size_t		 n;
};

static void
in_period(const struct store_announcement *a, void *arg)
{
	struct period_list	*l = arg;

	if (l->n < sizeof(l->ids) / sizeof(l->ids[0]))
		l->ids[l->n++] = a->id;
}

/*
 * What a report says of announcements for the period [start, end):
 * "cases", the cases of the period that comment on one, which the
 * caller counted among the report's own (the source "announcement"):
 * they are in the report's total once, in their category
 * (announce.reply_category, "category" here) and under that source, and
 * are not to be added to it; every announcement that started in the
 * period with its reach (the recipients, how many were sent and
 * delivered, failed, the SMS parts) and the comments it received in the
 * period; and "earlier", the period's comments on announcements that
 * started before it, so that the comments listed and earlier make
 * "cases".  Returns a new object, or NULL when the store failed.
 */
json_t *
cmd_announce_report(struct control_req *req, int64_t start, int64_t end,
    int64_t cases)
{
	struct store_announcement	 a;
	struct store_announce_stats	 s;
	struct period_list		*l = xcalloc(1, sizeof(*l));
	char				 code[32];
	int64_t				 comments, listed = 0;
	size_t				 i;
	json_t				*arr = NULL;

	if (store_announce_list(req->svc->store, start, end, 0, in_period,
	    l) != STORE_OK)
		goto fail;
	arr = json_array();
	for (i = 0; i < l->n; i++) {
		if (store_announce_get(req->svc->store, l->ids[i], &a) !=
		    STORE_OK)
			goto fail;
		if (store_announce_stats(req->svc->store, a.id, &s) !=
		    STORE_OK || store_announce_comments(req->svc->store, a.id,
		    start, end, &comments) != STORE_OK) {
			store_announce_clear(&a);
			goto fail;
		}
		listed += comments;
		subscribe_code(req->conf, a.id, code, sizeof(code));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "code", code,
		    "topic", a.topic, "areas", a.areas, "text", a.text_vi,
		    "state", store_announce_state_name(a.state), "started",
		    cmd_jtime(a.started), "recipients", (json_int_t)s.recipients,
		    "sent", (json_int_t)(s.sent + s.delivered), "delivered",
		    (json_int_t)s.delivered, "failed", (json_int_t)s.failed,
		    "unreachable", (json_int_t)s.unreachable, "parts",
		    (json_int_t)s.parts, "comments", (json_int_t)comments));
		store_announce_clear(&a);
	}
	free(l);
	return json_pack("{s:I, s:s, s:I, s:o}", "cases", (json_int_t)cases,
	    "category", req->conf->announce_reply_category, "earlier",
	    (json_int_t)(cases > listed ? cases - listed : 0), "sent", arr);
fail:
	json_decref(arr);
	free(l);
	return NULL;
}
