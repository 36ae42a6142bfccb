/*
 * ingest.c: the pipeline every inbound message goes through, whatever the
 * channel: normalise -> dedupe -> route -> attach to a case -> one
 * transaction with the message, the case, its event, the audit entry and
 * the acknowledgement in the outbox -> only then the caller is told.
 *
 * ingest_submit() does the CPU work (UTF-8 repair, routing) on the
 * caller's thread and hands a work item to the store's group commit; the
 * caller's callback runs on the store's writer thread after the batch
 * committed (or failed), so an HTTP request is answered 2xx only for a
 * message that is on disk.
 *
 * Dedupe: a provider message id is unique per channel (a unique index),
 * so a provider's retry finds the stored message and its case and makes
 * nothing new.  Without an id, the same sender and text within
 * ingest.dedupe_window seconds is the same message.
 *
 * Attaching: a message that quotes the reference of an open case of the
 * same sender ("PA-000123", "pa 123"), or that comes from the sender of an
 * open case answered within ingest.followup_window seconds, joins that
 * case instead of opening a new one.
 *
 * Messages that are not feedback (scams, a lone greeting or thanks, empty
 * ones) are stored, never dropped, but open no case and get no automatic
 * acknowledgement.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "papigw.h"

#define ACK_MAX		2048	/* bytes of a rendered acknowledgement */

struct ingest {
	struct store		*store;
	struct router_slot	*routers;
	struct metrics		*metrics;
};

/* One message on its way to the store. */
struct job {
	struct ingest		*ing;
	struct config		*conf;		/* a reference, for the texts */
	struct router		*router;	/* a reference */
	struct inbound		 in;		/* copies of the caller's */
	struct store_part_set	 parts;		/* its key, when in.parts */
	char			*text;		/* valid UTF-8 */
	unsigned char		*raw;		/* the bytes, when not */
	size_t			 rawlen;
	struct route_result	 route;
	int64_t			 quoted_ref;	/* a reference in the text */
	int64_t			 now;
	/* Results. */
	struct ingest_result	 res;
	ingest_done_fn		 done;
	void			*arg;
};

/*
 * ===================================================================
 * Helpers
 * ===================================================================
 */

/*
 * Finds a case reference quoted in text: the configured prefix, an
 * optional '-', space or '.', and 1 to 9 digits ("PA-000123", "pa 123",
 * "PA123").  Returns the number, or 0.
 */
int64_t
ingest_find_ref(const char *text, const char *prefix)
{
	size_t		 plen = strlen(prefix), i;
	const char	*p;
	int64_t		 n;
	int		 digits;

	for (p = text; *p != '\0'; p++) {
		if (p != text && isalnum((unsigned char)p[-1]))
			continue;
		if (strncasecmp(p, prefix, plen) != 0)
			continue;
		i = plen;
		if (p[i] == '-' || p[i] == ' ' || p[i] == '.' || p[i] == '_')
			i++;
		n = 0;
		for (digits = 0; isdigit((unsigned char)p[i]) && digits < 10;
		    i++, digits++)
			n = n * 10 + (p[i] - '0');
		if (digits == 0 || digits > 9 || isalnum((unsigned char)p[i]))
			continue;
		if (n > 0)
			return n;
	}
	return 0;
}

/* The answer date: deadline_days working days (Monday to Friday) ahead. */
int64_t
ingest_deadline(int64_t from, int days)
{
	time_t		 t = (time_t)from;
	struct tm	 tm;
	int		 left = days;

	localtime_r(&t, &tm);
	while (left > 0) {
		tm.tm_mday++;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		localtime_r(&t, &tm);
		if (tm.tm_wday != 0 && tm.tm_wday != 6)
			left--;
	}
	/* Due at the end of that day. */
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/*
 * Renders a reply template: {ref}, {category}, {deadline}, {ward},
 * {hours} and {hotline} replaced; an unknown {name} is kept as it is
 * (the loader refuses them anyway).  Returns the length written, at most
 * bufsz - 1 (the text is cut on a UTF-8 boundary when it does not fit).
 */
size_t
ingest_render(char *buf, size_t bufsz, const char *tpl,
    const struct render_vars *v)
{
	static const char *const names[] = { "ref", "category", "deadline",
	    "ward", "hours", "hotline" };
	const char	*vals[6], *p, *end, *add;
	size_t		 o = 0, alen, i, n;

	vals[0] = v->ref;
	vals[1] = v->category;
	vals[2] = v->deadline;
	vals[3] = v->ward;
	vals[4] = v->hours;
	vals[5] = v->hotline;
	if (bufsz == 0)
		return 0;
	for (p = tpl; *p != '\0'; p++) {
		add = p;
		alen = 1;
		if (*p == '{' && (end = strchr(p, '}')) != NULL) {
			n = (size_t)(end - p - 1);
			for (i = 0; i < 6; i++)
				if (strlen(names[i]) == n &&
				    strncmp(p + 1, names[i], n) == 0)
					break;
			if (i < 6) {
				add = vals[i] != NULL ? vals[i] : "";
				alen = strlen(add);
				p = end;
			}
		}
		if (o + alen >= bufsz) {
			alen = bufsz - 1 - o;
			/* Do not cut a UTF-8 sequence. */
			while (alen > 0 && ((unsigned char)add[alen] & 0xC0) ==
			    0x80)
				alen--;
			memcpy(buf + o, add, alen);
			o += alen;
			break;
		}
		memcpy(buf + o, add, alen);
		o += alen;
	}
	buf[o] = '\0';
	return o;
}

/*
 * ===================================================================
 * The work item, on the store's writer thread
 * ===================================================================
 */

static enum store_status
queue_ack(struct store_txn *txn, struct job *j, const struct category *cat,
    int64_t case_id, int64_t deadline)
{
	const struct config	*conf = j->conf;
	struct render_vars	 v;
	struct store_outbox	 o;
	struct tm		 tm;
	time_t			 t = (time_t)deadline;
	char			 ref[32], date[16], ack[ACK_MAX];
	char			 explain[ACK_MAX], text[2 * ACK_MAX + 2];
	int			 en = conf->language == LANG_EN;

	if (!j->res.reply_allowed)
		return STORE_OK;
	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%d/%m/%Y", &tm);
	snprintf(ref, sizeof(ref), "%s-%06lld", conf->case_prefix,
	    (long long)j->res.ref_number);
	memset(&v, 0, sizeof(v));
	v.ref = ref;
	v.category = en && cat->name_en[0] ? cat->name_en : cat->name_vi;
	v.deadline = date;
	v.ward = en && conf->ward_name_en[0] ? conf->ward_name_en :
	    conf->ward_name;
	v.hours = conf->reception_hours;
	v.hotline = conf->hotline;
	ingest_render(ack, sizeof(ack), en && cat->ack_en[0] ? cat->ack_en :
	    cat->ack_vi, &v);
	ingest_render(explain, sizeof(explain), en && cat->explain_en[0] ?
	    cat->explain_en : cat->explain_vi, &v);
	snprintf(text, sizeof(text), "%s %s", ack, explain);

	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.channel = j->in.channel;
	o.recipient = j->in.sender;
	o.text = text;
	o.encoding = sms_is_gsm7(text) ? "gsm7" : "ucs2";
	o.segments = sms_segments(text);
	o.state = STORE_OUTBOX_QUEUED;
	return store_outbox_insert(txn, &o, NULL);
}

static enum store_status
ingest_work(struct store_txn *txn, void *arg)
{
	struct job		*j = arg;
	const struct config	*conf = j->conf;
	const struct category	*cat;
	struct store_message	 m;
	struct store_case	 c;
	enum store_status	 st;
	int64_t			 msg_id, case_id = 0, ref = 0, deadline;
	char			 detail[128];

	/* Dedupe. */
	if (j->in.provider_id == NULL) {
		st = store_inbound_find_recent(txn, j->in.channel,
		    j->in.sender, j->text, j->now - conf->ingest_dedupe_window,
		    &case_id, &ref);
		if (st == STORE_OK) {
			j->res.duplicate = 1;
			j->res.case_id = case_id;
			j->res.ref_number = ref;
			return STORE_DUPLICATE;
		}
		if (st != STORE_NOTFOUND)
			return st;
	}

	memset(&m, 0, sizeof(m));
	m.channel = j->in.channel;
	m.provider_id = j->in.provider_id;
	m.sender = j->in.sender;
	m.recipient = j->in.recipient;
	m.text = j->text;
	m.raw = j->raw;
	m.rawlen = j->rawlen;
	m.encoding = j->in.encoding;
	m.received = j->now;
	m.provider_time = j->in.provider_time;
	m.kind = route_kind_name(j->route.kind);
	st = store_inbound_insert(txn, &m, &msg_id);
	if (st == STORE_DUPLICATE) {
		j->res.duplicate = 1;
		if (store_inbound_find(txn, j->in.channel, j->in.provider_id,
		    &case_id, &ref) == STORE_OK) {
			j->res.case_id = case_id;
			j->res.ref_number = ref;
		}
		return STORE_DUPLICATE;
	}
	if (st != STORE_OK)
		return st;
	j->res.message_id = msg_id;
	if (j->in.parts != NULL &&
	    (st = store_parts_assembled(txn, j->in.parts)) != STORE_OK)
		return st;

	/* Not feedback: kept, no case, no acknowledgement. */
	if (j->route.kind != ROUTE_FEEDBACK) {
		snprintf(detail, sizeof(detail), "message %lld: %s, no case",
		    (long long)msg_id, route_kind_name(j->route.kind));
		return store_audit_append(txn, "papigwd", "message.filed",
		    0, detail);
	}

	/* A follow-up of an open case of the same sender. */
	st = STORE_NOTFOUND;
	if (j->quoted_ref > 0) {
		st = store_case_find_open(txn, j->quoted_ref, j->in.sender,
		    &case_id);
		ref = j->quoted_ref;
	}
	if (st == STORE_NOTFOUND)
		st = store_case_find_followup(txn, j->in.sender,
		    j->now - conf->ingest_followup_window, &case_id, &ref);
	if (st == STORE_OK) {
		j->res.attached = 1;
		j->res.case_id = case_id;
		j->res.ref_number = ref;
		if ((st = store_inbound_attach(txn, msg_id, case_id)) !=
		    STORE_OK)
			return st;
		snprintf(detail, sizeof(detail), "message %lld attached",
		    (long long)msg_id);
		return store_audit_append(txn, "papigwd", "case.followup",
		    case_id, detail);
	}
	if (st != STORE_NOTFOUND)
		return st;

	/* A new case. */
	cat = &conf->categories[j->route.category];
	deadline = ingest_deadline(j->now, cat->deadline_days);
	memset(&c, 0, sizeof(c));
	c.category = cat->id;
	c.categories2 = j->res.secondary[0] ? j->res.secondary : NULL;
	c.subcategory = j->route.sub_id[0] ? j->route.sub_id : NULL;
	c.state = STORE_CASE_RECEIVED;
	c.sender = j->in.sender;
	c.channel = j->in.channel;
	c.deadline = deadline;
	c.created = j->now;
	c.updated = j->now;
	if ((st = store_case_create(txn, &c, &case_id, &ref)) != STORE_OK)
		return st;
	j->res.case_id = case_id;
	j->res.ref_number = ref;
	j->res.created = 1;
	if ((st = store_inbound_attach(txn, msg_id, case_id)) != STORE_OK)
		return st;
	if ((st = store_case_event_add(txn, case_id, STORE_CASE_RECEIVED,
	    "papigwd", "received", j->now, NULL)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "message %lld, category %s, "
	    "score %.2f", (long long)msg_id, cat->id, j->route.score);
	if ((st = store_audit_append(txn, "papigwd", "case.create", case_id,
	    detail)) != STORE_OK)
		return st;
	return queue_ack(txn, j, cat, case_id, deadline);
}

static void
job_free(struct job *j)
{
	router_unref(j->router);
	config_unref(j->conf);
	free((char *)j->in.channel);
	free((char *)j->in.provider_id);
	free((char *)j->in.sender);
	free((char *)j->in.recipient);
	free((char *)j->in.encoding);
	free(j->text);
	free(j->raw);
	free((char *)j->parts.channel);
	free((char *)j->parts.sender);
	free((char *)j->parts.ref);
	free(j);
}

static void
ingest_done(enum store_status st, void *arg)
{
	struct job	*j = arg;

	/* A duplicate is a success: the message is stored, once. */
	if (st == STORE_DUPLICATE)
		st = STORE_OK;
	j->res.status = st;
	if (st == STORE_OK)
		metrics_received(j->ing->metrics, j->in.channel,
		    j->route.kind == ROUTE_FEEDBACK && !j->res.duplicate ?
		    j->route.category_id : route_kind_name(j->route.kind),
		    j->res.duplicate);
	else
		metrics_store_error(j->ing->metrics);
	j->done(&j->res, j->arg);
	job_free(j);
}

/*
 * ===================================================================
 * Public interface
 * ===================================================================
 */

struct ingest *
ingest_new(struct store *store, struct router_slot *routers,
    struct metrics *metrics)
{
	struct ingest	*ing = xcalloc(1, sizeof(*ing));

	ing->store = store;
	ing->routers = routers;
	ing->metrics = metrics;
	return ing;
}

void
ingest_free(struct ingest *ing)
{
	free(ing);
}

/*
 * Whether an automatic reply may go to this sender: not to alphanumeric
 * senders, short codes (fewer than 8 digits) or the gateway's own numbers.
 */
int
ingest_may_reply(const struct config *conf, const char *sender)
{
	const char	*p;
	size_t		 digits = 0, i;

	for (p = sender; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!(*p == '+' && p == sender))
			return 0;
	}
	if (digits < 8)
		return 0;
	for (i = 0; i < conf->nchannels; i++)
		if (conf->channels[i].number[0] != '\0' &&
		    strcmp(conf->channels[i].number, sender) == 0)
			return 0;
	return 1;
}

/*
 * Takes one inbound message.  conf is the configuration it arrived under
 * (a reference is taken).  On success done(result, arg) runs later, on the
 * store's thread, once the message is committed (or the commit failed:
 * result->status says which).  Returns 0, or -1 when the store refuses
 * work (closing); done is then not called.
 */
int
ingest_submit(struct ingest *ing, struct config *conf,
    const struct inbound *in, ingest_done_fn done, void *arg)
{
	struct job	*j;
	size_t		 i, o;

	j = xcalloc(1, sizeof(*j));
	j->ing = ing;
	j->conf = config_ref(conf);
	j->router = router_slot_get(ing->routers);
	j->in.channel = xstrdup(in->channel);
	j->in.provider_id = in->provider_id != NULL && in->provider_id[0] ?
	    xstrdup(in->provider_id) : NULL;
	j->in.sender = xstrdup(in->sender);
	j->in.recipient = xstrdup(in->recipient);
	j->in.encoding = xstrdup(in->encoding);
	j->in.provider_time = in->provider_time;
	if (in->parts != NULL) {
		j->parts.channel = xstrdup(in->parts->channel);
		j->parts.sender = xstrdup(in->parts->sender);
		j->parts.ref = xstrdup(in->parts->ref);
		j->parts.total = in->parts->total;
		j->in.parts = &j->parts;
	}
	j->now = (int64_t)time(NULL);
	j->done = done;
	j->arg = arg;

	/* Normalise: invalid UTF-8 is kept raw and shown repaired. */
	j->text = text_repair(in->text, in->textlen);
	if (!text_valid_utf8(in->text, in->textlen)) {
		j->raw = xcalloc(1, in->textlen + 1);
		memcpy(j->raw, in->text, in->textlen);
		j->rawlen = in->textlen;
		j->res.invalid_utf8 = 1;
	}

	/* Route. */
	router_classify(j->router, j->text, strlen(j->text), &j->route);
	j->quoted_ref = ingest_find_ref(j->text, conf->case_prefix);
	j->res.kind = j->route.kind;
	j->res.category = j->route.category_id;
	for (i = 0, o = 0; i < j->route.nsecondary; i++) {
		const char *id = router_category_id(j->router,
		    (size_t)j->route.secondary[i]);
		size_t len = strlen(id);

		if (o + len + 2 >= sizeof(j->res.secondary))
			break;
		if (o > 0)
			j->res.secondary[o++] = ',';
		memcpy(j->res.secondary + o, id, len + 1);
		o += len;
	}
	j->res.reply_allowed = ingest_may_reply(conf, in->sender);

	if (store_submit(ing->store, ingest_work, ingest_done, j) !=
	    STORE_OK) {
		job_free(j);
		return -1;
	}
	return 0;
}
