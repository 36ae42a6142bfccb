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
 * acknowledgement.  A message that is a special word (help, a status
 * lookup, opt-out or opt-in, an information topic: reply_parse(), before
 * routing) is stored with the kind "special", opens no case and is
 * answered by reply_special() in the same transaction; acknowledgements
 * are reply_ack()'s, after reply_guard() looked at the sender (quarantine,
 * flood).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/ingest.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/calendar.h"
#include "domain/catalogue.h"
#include "domain/classifier.h"
#include "domain/field.h"
#include "domain/router.h"
#include "domain/ref.h"
#include "store/store.h"
#include "core/lifecycle.h"
#include "core/metrics.h"
#include "core/lookup.h"
#include "core/reception.h"
#include "core/reply.h"
#include "core/announce.h"
#include "domain/subscribe.h"
#include "store/announce.h"

struct ingest {
	struct store		*store;
	struct slot		*classifiers;	/* the current classifier */
	struct metrics		*metrics;
	void			(*kick)(void *);	/* parts to assemble */
	void			*kick_arg;
};

/* One message on its way to the store. */
struct job {
	struct ingest		*ing;
	struct config		*conf;		/* a reference, for the texts */
	struct classifier	*cls;		/* a reference */
	struct inbound		 in;		/* the caller's, with... */
	char			*own[5];	/* ...copies of its strings */
	struct store_part_set	 parts;		/* its key, when in.parts */
	char			*text;		/* valid UTF-8 */
	unsigned char		*raw;		/* the bytes, when not */
	size_t			 rawlen;
	struct classification	 dec;		/* the router's, the model's */
	char			*decision;	/* dec as JSON, for the store */
	struct reply_request	 special;	/* a special word, or NONE */
	struct sub_request	 sub;		/* REPLY_SPECIAL_NEWS: what */
	int64_t			 ann_code;	/* an announcement quoted */
	struct catalogue_query	 lookup;	/* a procedure asked for */
	struct reception_request booking;	/* the reception asked */
	int			 lang_of;	/* the message's, or -1 */
	int64_t			 quoted_ref;	/* a reference in the text */
	int64_t			 now;
	int64_t			 deadline;	/* of a new case */
	struct reply_pre	*ack;		/* composed ahead, or NULL */
	/* Results. */
	struct ingest_result	 res;
	ingest_done_fn		 done;
	void			*arg;
};

/*
 * Whether the message asks for something by a word rather than reports:
 * a special word, a procedure of the catalogue, the reception.  It opens
 * no case and is answered at once.
 */
static int
job_asks(const struct job *j)
{
	return j->special.what != REPLY_SPECIAL_NONE || j->lookup.asked ||
	    j->booking.what != RECEPTION_ASK_NONE;
}

/*
 * ===================================================================
 * The work item, on the store's writer thread
 * ===================================================================
 */

/* What the reply composer needs to know about the message. */
static void
reply_ctx_init(struct reply_ctx *rc, const struct job *j, int64_t msg_id)
{
	memset(rc, 0, sizeof(*rc));
	rc->conf = j->conf;
	rc->channel = j->in.channel;
	rc->sender = j->in.sender;
	rc->message_id = msg_id;
	rc->now = j->now;
	rc->lang_of = j->lang_of;
	/* A lone special word says little of a resident's language. */
	rc->lang_weak = job_asks(j);
	rc->may_reply = j->res.reply_allowed;
	rc->pre = j->ack;
	rc->block = REPLY_BLOCK_NONE;
}

/* Copies what the reply composer did into the result. */
static enum store_status
reply_done(struct job *j, const struct reply_ctx *rc, enum store_status st)
{
	j->res.reply = rc->block;
	j->res.reply_id = rc->outbox_id;
	j->res.reply_segments = rc->segments;
	j->res.lang = rc->lang;
	j->res.quarantined = rc->quarantined_now;
	return st;
}

static enum store_status
job_duplicate(struct job *j, int64_t case_id, int64_t ref)
{
	j->res.duplicate = 1;
	j->res.case_id = case_id;
	j->res.ref_number = ref;
	return STORE_DUPLICATE;
}

/*
 * Stores the message, once: STORE_OK with its id in *msg_id, or
 * STORE_DUPLICATE when it was stored before (the result says its case).
 */
static enum store_status
work_message(struct store_txn *txn, struct job *j, int64_t *msg_id)
{
	struct store_inbound_new m;
	enum store_status	 st;
	int64_t			 case_id = 0, ref = 0;

	/* Dedupe. */
	if (j->in.provider_id == NULL) {
		st = store_inbound_find_recent(txn, j->in.channel,
		    j->in.sender, j->text,
		    j->now - j->conf->ingest_dedupe_window, &case_id, &ref);
		if (st == STORE_OK)
			return job_duplicate(j, case_id, ref);
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
	m.kind = job_asks(j) ? "special" : route_kind_name(j->dec.route.kind);
	m.decision = j->decision;
	st = store_inbound_insert(txn, &m, msg_id);
	if (st == STORE_DUPLICATE) {
		if (store_inbound_find(txn, j->in.channel, j->in.provider_id,
		    &case_id, &ref) != STORE_OK)
			case_id = ref = 0;
		return job_duplicate(j, case_id, ref);
	}
	if (st != STORE_OK)
		return st;
	j->res.message_id = *msg_id;
	if (j->in.parts != NULL)
		return store_parts_assembled(txn, j->in.parts);
	return STORE_OK;
}

/*
 * Whether a message that could join the open case of category cat starts
 * a new problem instead: a corruption tip never joins an ordinary case
 * (its readers must not see it), and a message filed elsewhere with
 * confidence (the model's probability at least
 * ingest.new_problem_confidence; the keyword router's when it is not
 * down to triage) is another matter.  A message with little to go on (an
 * address, a detail: triage) joins.
 */
static int
new_problem(const struct job *j, const char *cat)
{
	const struct config	*conf = j->conf;
	const struct category	*old = config_category(conf, cat);
	const struct category	*now;

	if (old == NULL || j->dec.route.category < 0)
		return 0;
	now = &conf->categories[j->dec.route.category];
	if (now == old || (j->dec.route.flags & ROUTE_F_TRIAGE))
		return 0;
	if (now->restricted && !old->restricted)
		return 1;
	if (!j->dec.model)
		return 1;
	return j->dec.p >= conf->ingest_new_problem_confidence;
}

/*
 * The open case the message goes on: the one it quotes (the sender's
 * own), or the sender's case acknowledged within ingest.thread_window
 * or answered within ingest.followup_window, unless the message starts a
 * new problem.  STORE_NOTFOUND when there is none.
 */
static enum store_status
find_followup(struct store_txn *txn, struct job *j, int64_t *case_id,
    int64_t *ref)
{
	enum store_status	st;
	char			cat[CONF_ID_MAX];

	if (j->quoted_ref > 0) {
		st = store_case_find_open(txn, j->quoted_ref, j->in.sender,
		    case_id);
		*ref = j->quoted_ref;
		if (st != STORE_NOTFOUND)
			return st;
		/* Another's reference, or a closed one: a new case. */
		return STORE_NOTFOUND;
	}
	if (j->in.new_case)
		return STORE_NOTFOUND;
	st = store_case_find_thread(txn, j->in.sender,
	    j->now - j->conf->ingest_thread_window,
	    j->now - j->conf->ingest_followup_window, case_id, ref, cat,
	    sizeof(cat));
	if (st == STORE_OK && new_problem(j, cat))
		return STORE_NOTFOUND;
	return st;
}

/*
 * A follow-up of an open case of the same sender (find_followup()),
 * attached and answered with a short "added to" (reply_case_event()).
 */
static enum store_status
work_followup(struct store_txn *txn, struct job *j, struct reply_ctx *rc,
    int64_t msg_id)
{
	enum store_status	 st;
	int64_t			 case_id = 0, ref = 0;
	char			 detail[128];

	if ((st = find_followup(txn, j, &case_id, &ref)) != STORE_OK)
		return st;
	j->res.attached = 1;
	j->res.case_id = case_id;
	j->res.ref_number = ref;
	if ((st = store_inbound_attach(txn, msg_id, case_id)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "message %lld attached",
	    (long long)msg_id);
	if ((st = store_audit_append(txn, "papigwd", "case.followup",
	    case_id, detail)) != STORE_OK)
		return st;
	return reply_case_event(txn, rc, REPLY_EVENT_FOLLOWUP, case_id, ref,
	    0);
}

/* What decided the category, for the audit trail. */
static void
decision_detail(const struct job *j, int64_t msg_id, const char *cat,
    char *buf, size_t bufsz)
{
	if (j->dec.model)
		snprintf(buf, bufsz, "message %lld, category %s, model %s "
		    "p=%.2f, corruption p=%.2f", (long long)msg_id, cat,
		    j->dec.model_class, j->dec.p, j->dec.p_corruption);
	else
		snprintf(buf, bufsz, "message %lld, category %s, score %.2f",
		    (long long)msg_id, cat, j->dec.route.score);
}

/* A new case for the message, in language lang; the caller acknowledges it. */
static enum store_status
work_new_case(struct store_txn *txn, struct job *j, int64_t msg_id,
    enum language lang)
{
	const struct category	*cat;
	struct store_case_new	 c;
	enum store_status	 st;
	int64_t			 case_id, ref;
	char			 detail[160];

	cat = &j->conf->categories[j->dec.route.category];
	memset(&c, 0, sizeof(c));
	c.category = cat->id;
	c.categories2 = j->res.secondary[0] ? j->res.secondary : NULL;
	c.subcategory = j->dec.route.sub_id[0] ? j->dec.route.sub_id : NULL;
	c.state = STORE_CASE_RECEIVED;
	c.sender = j->in.sender;
	c.channel = j->in.channel;
	c.deadline = j->deadline;
	c.created = j->now;
	c.updated = j->now;
	c.lang = (int)lang;
	c.source = j->in.source;
	if ((st = store_case_create(txn, &c, &case_id, &ref)) != STORE_OK)
		return st;
	if (j->in.intake != NULL && (st = store_intake_add(txn, case_id,
	    j->in.intake)) != STORE_OK)
		return st;
	j->res.case_id = case_id;
	j->res.ref_number = ref;
	j->res.created = 1;
	/*
	 * No first event: the case's creation says it was received
	 * (schema 19), and papictl show says so.
	 */
	if ((st = store_inbound_attach(txn, msg_id, case_id)) != STORE_OK)
		return st;
	decision_detail(j, msg_id, cat->id, detail, sizeof(detail));
	return store_audit_append(txn, "papigwd", "case.create", case_id,
	    detail);
}

/* The audit entry of a message that opens no case. */
static enum store_status
audit_not_feedback(struct store_txn *txn, struct job *j, int64_t msg_id)
{
	char	detail[160];

	if (j->dec.model)
		snprintf(detail, sizeof(detail), "message %lld: %s, no case "
		    "(model %s p=%.2f)", (long long)msg_id,
		    route_kind_name(j->dec.route.kind), j->dec.model_class,
		    j->dec.p);
	else
		snprintf(detail, sizeof(detail), "message %lld: %s, no case",
		    (long long)msg_id, route_kind_name(j->dec.route.kind));
	return store_audit_append(txn, "papigwd",
	    j->dec.route.kind == ROUTE_HELD ? "message.held" :
	    "message.filed", 0, detail);
}

/*
 * Not feedback: kept, no case.  A thank-you goes on the case it is
 * likely about (the sender's last, within ingest.followup_window), where
 * the officer who handled it sees it, and gets a short thank-you; a
 * greeting or an empty message gets the help text once a day; the rest
 * (spam, held, wrong numbers) nothing.
 */
static enum store_status
work_not_feedback(struct store_txn *txn, struct job *j, struct reply_ctx *rc,
    int64_t msg_id)
{
	enum store_status	 st;
	enum route_kind		 kind = j->dec.route.kind;
	int64_t			 case_id = 0, ref = 0;
	char			 detail[160];

	if ((st = audit_not_feedback(txn, j, msg_id)) != STORE_OK)
		return st;
	if (kind == ROUTE_GREETING || kind == ROUTE_EMPTY)
		return reply_greeting(txn, rc);
	if (kind != ROUTE_THANKS)
		return STORE_OK;
	st = store_case_find_recent(txn, j->in.sender, j->now -
	    j->conf->ingest_followup_window, &case_id, &ref);
	if (st == STORE_OK) {
		j->res.case_id = case_id;
		j->res.ref_number = ref;
		snprintf(detail, sizeof(detail), "message %lld: thanks",
		    (long long)msg_id);
		if ((st = store_inbound_attach(txn, msg_id, case_id)) !=
		    STORE_OK || (st = store_audit_append(txn, "papigwd",
		    "case.thanks", case_id, detail)) != STORE_OK)
			return st;
	} else if (st != STORE_NOTFOUND)
		return st;
	return reply_thanks(txn, rc, case_id);
}

/*
 * An answer to the satisfaction question of a resolved case, or a
 * message about a closed case that reopens it (lifecycle.c), answered
 * with a line that says which.  STORE_NOTFOUND when it is neither.
 */
static enum store_status
work_lifecycle(struct store_txn *txn, struct job *j, struct reply_ctx *rc,
    int64_t msg_id)
{
	enum store_status	st;
	int64_t			case_id = 0, ref = 0, deadline = 0;

	if (j->in.new_case)
		return STORE_NOTFOUND;
	st = lifecycle_inbound(txn, j->conf, j->in.sender, j->text,
	    j->special.what == REPLY_SPECIAL_NONE ? j->quoted_ref : 0, msg_id,
	    j->now, &case_id, &ref, &deadline);
	if (st != STORE_OK)
		return st;
	j->res.attached = 1;
	j->res.case_id = case_id;
	j->res.ref_number = ref;
	return reply_case_event(txn, rc, deadline != 0 ?
	    REPLY_EVENT_REOPENED : REPLY_EVENT_SATISFIED, case_id, ref,
	    deadline);
}

/* A new case, acknowledged (with the explanation on a first contact). */
static enum store_status
work_case(struct store_txn *txn, struct job *j, struct reply_ctx *rc,
    int64_t msg_id)
{
	enum store_status	st;
	int			known;

	if ((st = store_case_known_sender(txn, j->in.sender, &known)) !=
	    STORE_OK || (st = work_new_case(txn, j, msg_id, rc->lang)) !=
	    STORE_OK)
		return st;
	return reply_ack(txn, rc, &j->conf->categories[j->dec.route.category],
	    j->res.case_id, j->res.ref_number, j->deadline, !known);
}

/*
 * A comment on an announcement: announcement id when the message quotes
 * its code, else the newest announcement sent to the sender within
 * announce.reply_window.  It becomes a new case in
 * announce.reply_category, linked to the announcement, so that the ward
 * answers it and reports count it.  STORE_NOTFOUND when there is no
 * such announcement (or none published).
 */
static enum store_status
work_announce_reply(struct store_txn *txn, struct job *j,
    struct reply_ctx *rc, int64_t msg_id, int64_t id)
{
	const struct config		*conf = j->conf;
	struct store_announcement	 a;
	enum store_status		 st;
	size_t				 i;
	char				 detail[96];

	if (id == 0) {
		if (conf->announce_reply_window == 0)
			return STORE_NOTFOUND;
		if ((st = store_announce_reply_to(txn, j->in.sender, j->now -
		    conf->announce_reply_window, &id)) != STORE_OK)
			return st;
	}
	if ((st = store_announce_read(txn, id, &a)) != STORE_OK)
		return st;
	st = a.started == 0 ? STORE_NOTFOUND : STORE_OK;
	store_announce_clear(&a);
	if (st != STORE_OK)
		return st;
	for (i = 0; i < conf->ncategories; i++)
		if (strcmp(conf->categories[i].id,
		    conf->announce_reply_category) == 0)
			break;
	if (i == conf->ncategories)
		return STORE_NOTFOUND;
	j->dec.route.kind = ROUTE_FEEDBACK;
	j->dec.route.category = (int)i;
	j->dec.route.category_id = conf->categories[i].id;
	j->dec.route.sub_id = "";
	j->dec.route.nsecondary = 0;
	j->res.secondary[0] = '\0';
	j->res.kind = ROUTE_FEEDBACK;
	j->res.category = conf->categories[i].id;
	j->deadline = calendar_deadline(conf, j->now,
	    conf->categories[i].deadline_days);
	j->in.source = CASE_SOURCE_ANNOUNCEMENT;
	if ((st = work_case(txn, j, rc, msg_id)) != STORE_OK)
		return st;
	if ((st = store_announce_link(txn, j->res.case_id, id)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "message %lld: a comment on %s-%lld",
	    (long long)msg_id, conf->announce_code_prefix, (long long)id);
	return store_audit_append(txn, "papigwd", "case.announcement",
	    j->res.case_id, detail);
}

static enum store_status
ingest_work(struct store_txn *txn, void *arg)
{
	struct job		*j = arg;
	struct reply_ctx	 rc;
	enum store_status	 st;
	int64_t			 msg_id = 0;

	if ((st = work_message(txn, j, &msg_id)) != STORE_OK)
		return st;
	/* The sender: its language, quarantined, or flooding us now? */
	reply_ctx_init(&rc, j, msg_id);
	if ((st = reply_guard(txn, &rc)) != STORE_OK)
		return st;
	st = work_lifecycle(txn, j, &rc, msg_id);
	if (st != STORE_NOTFOUND)
		return reply_done(j, &rc, st);
	/* A special word: answered, no case. */
	if (j->special.what == REPLY_SPECIAL_NEWS)
		return reply_done(j, &rc, subscribe_reply(txn, &rc,
		    &j->sub));
	if (j->special.what != REPLY_SPECIAL_NONE)
		return reply_done(j, &rc, reply_special(txn, &rc,
		    &j->special));
	/* A procedure asked for, the reception booked or cancelled. */
	if (j->lookup.asked)
		return reply_done(j, &rc, catalogue_reply(txn, &rc,
		    &j->lookup));
	if (j->booking.what != RECEPTION_ASK_NONE)
		return reply_done(j, &rc, reception_answer(txn, &rc,
		    &j->booking));
	/* A comment on an announcement that it quotes. */
	if (j->ann_code > 0 && j->quoted_ref == 0) {
		st = work_announce_reply(txn, j, &rc, msg_id, j->ann_code);
		if (st != STORE_NOTFOUND)
			return reply_done(j, &rc, st);
	}
	/*
	 * What quotes the sender's own open case goes on it, whatever the
	 * classifier thought of the words around the reference.
	 */
	if (j->dec.route.kind == ROUTE_FEEDBACK || j->quoted_ref > 0) {
		st = work_followup(txn, j, &rc, msg_id);
		if (st != STORE_NOTFOUND)
			return reply_done(j, &rc, st);
	}
	if (j->dec.route.kind != ROUTE_FEEDBACK)
		return reply_done(j, &rc, work_not_feedback(txn, j, &rc,
		    msg_id));
	/* Feedback soon after an announcement: a comment on it. */
	if (!j->in.new_case && j->quoted_ref == 0) {
		st = work_announce_reply(txn, j, &rc, msg_id, 0);
		if (st != STORE_NOTFOUND)
			return reply_done(j, &rc, st);
	}
	return reply_done(j, &rc, work_case(txn, j, &rc, msg_id));
}

static void
job_free(struct job *j)
{
	size_t	i;

	classifier_unref(j->cls);
	config_unref(j->conf);
	for (i = 0; i < sizeof(j->own) / sizeof(j->own[0]); i++)
		free(j->own[i]);
	free(j->text);
	free(j->raw);
	free(j->decision);
	free(j->ack);
	free(j->parts.channel);
	free(j->parts.sender);
	free(j->parts.ref);
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
	if (st == STORE_OK && job_asks(j))
		metrics_received(j->ing->metrics, j->in.channel, "special",
		    j->res.duplicate);
	else if (st == STORE_OK)
		metrics_received(j->ing->metrics, j->in.channel,
		    j->dec.route.kind == ROUTE_FEEDBACK && !j->res.duplicate ?
		    j->dec.route.category_id : route_kind_name(j->dec.route.kind),
		    j->res.duplicate);
	else
		metrics_store_error(j->ing->metrics);
	if (st == STORE_OK && !j->res.duplicate)
		metrics_reply(j->ing->metrics, j->res.reply,
		    j->res.reply_segments);
	if (st == STORE_OK && j->res.quarantined) {
		char	masked[MASKED_NUMBER_MAX];

		mask_number(j->in.sender, masked, sizeof(masked));
		if (j->conf->replies_quarantine_time > 0)
			log_notice(_("%s: sender %s quarantined: more than %d "
			    "messages in %d s; no automatic replies"),
			    j->in.channel, masked,
			    j->conf->replies_flood_messages,
			    j->conf->replies_flood_window);
		else
			log_notice(_("%s: sender %s quarantined: more than %d "
			    "messages in %d s; no automatic replies until "
			    "released"), j->in.channel, masked,
			    j->conf->replies_flood_messages,
			    j->conf->replies_flood_window);
	}
	j->done(&j->res, j->arg);
	job_free(j);
}

/*
 * ===================================================================
 * Public interface
 * ===================================================================
 */

/*
 * A pipeline that stores into store and decides with the current
 * classifier of the slot classifiers (domain/classifier.h); metrics
 * counts what it does.  Freed by ingest_free() after the store closed.
 */
struct ingest *
ingest_new(struct store *store, struct slot *classifiers,
    struct metrics *metrics)
{
	struct ingest	*ing = xcalloc(1, sizeof(*ing));

	ing->store = store;
	ing->classifiers = classifiers;
	ing->metrics = metrics;
	return ing;
}

void
ingest_free(struct ingest *ing)
{
	free(ing);
}

/*
 * A copy of number in E.164 with the configured country code: whatever
 * form the channel gave ("0901110004", "84901110004"), the resident is
 * one, for pseudonyms, follow-ups, caps, quarantines and masking.
 */
static char *
e164_dup(const struct config *conf, const char *number)
{
	char	buf[FIELD_E164_SIZE];

	if (number == NULL)
		return NULL;
	if (field_e164(number, conf->country_code, buf, sizeof(buf)) == 1)
		return xstrdup(buf);
	return xstrdup(number);
}

/* A job with copies of what in points to. */
static struct job *
job_new(struct ingest *ing, struct config *conf, const struct inbound *in)
{
	struct job	*j = xcalloc(1, sizeof(*j));

	j->ing = ing;
	j->conf = config_ref(conf);
	j->cls = classifier_slot_get(ing->classifiers);
	j->in.channel = j->own[0] = xstrdup(in->channel);
	j->in.provider_id = j->own[1] = in->provider_id != NULL &&
	    in->provider_id[0] ? xstrdup(in->provider_id) : NULL;
	j->in.sender = j->own[2] = e164_dup(conf, in->sender);
	j->in.recipient = j->own[3] = e164_dup(conf, in->recipient);
	j->in.encoding = j->own[4] = xstrdup(in->encoding);
	j->in.provider_time = in->provider_time;
	j->in.source = in->source;
	/* The caller's: it waits for the result (papictl intake). */
	j->in.intake = in->intake;
	if (in->parts != NULL) {
		j->parts.channel = xstrdup(in->parts->channel);
		j->parts.sender = xstrdup(in->parts->sender);
		j->parts.ref = xstrdup(in->parts->ref);
		j->parts.total = in->parts->total;
		j->in.parts = &j->parts;
	}
	j->now = in->received > 0 ? in->received : clock_unix();
	/* Invalid UTF-8 is kept raw and shown repaired. */
	j->text = text_repair(in->text, in->textlen);
	if (!text_valid_utf8(in->text, in->textlen)) {
		j->raw = xcalloc(1, in->textlen + 1);
		memcpy(j->raw, in->text, in->textlen);
		j->rawlen = in->textlen;
		j->res.invalid_utf8 = 1;
	}
	return j;
}

/* Special words first, then the decision, on one normalisation. */
static void
job_decide(struct job *j, const struct config *conf)
{
	struct text	*t;

	j->special.what = REPLY_SPECIAL_NONE;
	j->lang_of = -1;
	if ((t = malloc(sizeof(*t))) == NULL) {
		classifier_decide_bytes(j->cls, j->text, strlen(j->text),
		    &j->dec);
		return;
	}
	text_normalise(t, j->text, strlen(j->text), 0);
	if (!reply_parse(conf, t, &j->special) && !reception_parse(conf, t,
	    j->text, &j->booking)) {
		if (subscribe_parse(conf, t, &j->sub))
			j->special.what = REPLY_SPECIAL_NEWS;
		else
			catalogue_parse(conf, t, &j->lookup);
	}
	j->lang_of = reply_language_of(conf, t);
	if (!job_asks(j))
		classifier_decide(j->cls, t, &j->dec);
	free(t);
}

/*
 * What decided, kept with the message (inbound.decision) so that papictl
 * show can say it: the model's class and probabilities, or the router's
 * score, and the router's own category either way.
 */
static void
job_decision_json(struct job *j)
{
	const struct classification *d = &j->dec;
	const char	*lang;
	json_t		*o;

	if (job_asks(j))
		return;
	/*
	 * The kind is the message's own column (inbound.kind): not here.
	 * A language that could not be told is left out (not "lang": null,
	 * 12 bytes of every such message for nothing), and so is "by" for
	 * the router ("by": "router", 15 bytes of nearly every message).
	 * The router's score and language alone, nearly every message's
	 * decision, are kept as an array, [score, "lang"]: 15 bytes less
	 * again.  The store's reader makes the object again, as it was
	 * written before (store_case_thread()).
	 */
	lang = j->lang_of < 0 ? NULL : j->lang_of == LANG_EN ? "en" : "vi";
	if (!d->model && !(d->route.flags & ROUTE_F_CORRUPTION))
		o = lang != NULL ? json_pack("[f, s]", d->route.score, lang) :
		    json_pack("[f]", d->route.score);
	else
		o = d->model ? json_pack("{s:s, s:f, s:s*}", "by", "model",
		    "score", d->route.score, "lang", lang) :
		    json_pack("{s:f, s:s*}", "score", d->route.score, "lang",
		    lang);
	if (o == NULL)
		return;
	if (d->model) {
		json_object_set_new(o, "class", json_string(d->model_class));
		json_object_set_new(o, "p", json_real(d->p));
		json_object_set_new(o, "p_corruption",
		    json_real(d->p_corruption));
		json_object_set_new(o, "p_spam", json_real(d->p_spam));
	}
	if (d->route.flags & ROUTE_F_CORRUPTION)
		json_object_set_new(o, "corruption_sign", json_true());
	j->decision = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(3));
	json_decref(o);
}

/*
 * A report filed from a menu (USSD) is a new case, under the category
 * the resident chose when there is one.
 */
static void
job_new_case(struct job *j, const struct config *conf,
    const struct inbound *in)
{
	struct route_result	*r = &j->dec.route;
	size_t			 i;

	/* A report that is only "help" is still a report. */
	if (job_asks(j)) {
		j->special.what = REPLY_SPECIAL_NONE;
		j->lookup.asked = 0;
		j->booking.what = RECEPTION_ASK_NONE;
		classifier_decide_bytes(j->cls, j->text, strlen(j->text),
		    &j->dec);
	}
	j->in.new_case = 1;
	j->quoted_ref = 0;
	if (r->kind != ROUTE_FEEDBACK) {
		r->kind = ROUTE_FEEDBACK;
		r->category = router_triage(classifier_router(j->cls));
		r->category_id = router_category_id(classifier_router(j->cls),
		    (size_t)r->category);
		r->sub_id = "";
	}
	for (i = 0; in->category != NULL && i < conf->ncategories; i++)
		if (strcmp(conf->categories[i].id, in->category) == 0 &&
		    (int)i != r->category) {
			r->category = (int)i;
			r->category_id = conf->categories[i].id;
			r->sub_id = "";
		}
}

/* The secondary categories, comma-separated, into the result. */
static void
job_secondary(struct job *j)
{
	const struct router	*r = classifier_router(j->cls);
	size_t			 i, o, len;
	const char		*id;

	for (i = 0, o = 0; i < j->dec.route.nsecondary; i++) {
		id = router_category_id(r, (size_t)j->dec.route.secondary[i]);
		len = strlen(id);
		if (o + len + 2 >= sizeof(j->res.secondary))
			break;
		if (o > 0)
			j->res.secondary[o++] = ',';
		memcpy(j->res.secondary + o, id, len + 1);
		o += len;
	}
}

/*
 * The acknowledgement a new case would get, composed here rather than on
 * the store's writer thread, which is the one that limits the rate: the
 * writer then only writes the case's reference into it.  It assumes the
 * language the message says (else the configured one) and, when
 * replies.explain_first says so, a resident's first case; reply_ack()
 * composes afresh when the store knows otherwise.
 */
static void
job_prepare_ack(struct job *j, const struct config *conf)
{
	if (j->dec.route.kind != ROUTE_FEEDBACK || job_asks(j) ||
	    !j->res.reply_allowed || j->dec.route.category < 0)
		return;
	j->ack = xcalloc(1, sizeof(*j->ack));
	reply_ack_prepare(conf, j->in.channel,
	    &conf->categories[j->dec.route.category],
	    j->lang_of >= 0 ? (enum language)j->lang_of :
	    (enum language)conf->language, conf->replies_explain_first,
	    j->deadline, j->ack);
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
	struct job	*j = job_new(ing, conf, in);

	j->done = done;
	j->arg = arg;
	job_decide(j, conf);
	j->quoted_ref = ref_find(conf->case_prefix, j->text);
	if (conf->nnews_words > 0 && j->special.what == REPLY_SPECIAL_NONE)
		j->ann_code = ref_find(conf->announce_code_prefix, j->text);
	if (in->new_case)
		job_new_case(j, conf, in);
	j->res.kind = j->dec.route.kind;
	j->res.category = j->dec.route.category_id;
	job_secondary(j);
	job_decision_json(j);
	j->res.reply_allowed = !in->no_ack && reply_may_reply(conf,
	    in->sender);
	/* Here rather than on the store's writer thread: mktime() is slow. */
	if (j->dec.route.kind == ROUTE_FEEDBACK)
		j->deadline = calendar_deadline(conf, j->now,
		    conf->categories[j->dec.route.category].deadline_days);
	job_prepare_ack(j, conf);

	if (store_submit_clean(ing->store, ingest_work, ingest_done, j) !=
	    STORE_OK) {
		job_free(j);
		return -1;
	}
	return 0;
}

/*
 * ===================================================================
 * Parts of long messages
 * ===================================================================
 *
 * Parts that providers deliver one by one (Vonage, a modem's
 * concatenated SMS) are stored as they come.  A message is assembled when
 * its last part is stored (ingest_parts_kick() tells the daemon, which
 * calls ingest_parts_assemble() on its main thread) or when
 * ingest.concat_timeout has passed since its first part, and goes through
 * the pipeline, which marks the parts assembled in the same transaction
 * that stores the message.  A crash in between leaves the parts
 * unassembled: they are assembled again at start-up, and the message's
 * provider id makes the second attempt a harmless duplicate.
 */

/* Stores one part; done(status, arg) runs after the commit. */
struct part_job {
	struct store_part	 part;
	char			*buf[6];
	store_done_fn		 done;
	void			*arg;
};

static enum store_status
part_work(struct store_txn *txn, void *arg)
{
	struct part_job	*pj = arg;

	return store_part_add(txn, &pj->part);
}

static void
part_job_done(enum store_status st, void *arg)
{
	struct part_job	*pj = arg;
	size_t		 i;

	pj->done(st, pj->arg);
	for (i = 0; i < 6; i++)
		free(pj->buf[i]);
	free(pj);
}

/*
 * Stores one part of a long message (the strings are copied); done(status,
 * arg) runs after its commit: STORE_OK, STORE_DUPLICATE for a part stored
 * before, or a failure.  Returns 0, or -1 when the store takes no more
 * work (done is then not called).
 */
int
ingest_part_submit(struct ingest *ing, const struct store_part *part,
    store_done_fn done, void *arg)
{
	struct part_job	*pj = xcalloc(1, sizeof(*pj));

	pj->part = *part;
	pj->part.channel = pj->buf[0] = xstrdup(part->channel);
	pj->part.sender = pj->buf[1] = xstrdup(part->sender);
	pj->part.recipient = pj->buf[2] = xstrdup(part->recipient);
	pj->part.ref = pj->buf[3] = xstrdup(part->ref);
	pj->part.provider_id = pj->buf[4] = xstrdup(part->provider_id);
	pj->buf[5] = xcalloc(1, part->textlen + 1);
	memcpy(pj->buf[5], part->text, part->textlen);
	pj->part.text = pj->buf[5];
	pj->part.received = clock_unix();
	pj->done = done;
	pj->arg = arg;
	if (store_submit(ing->store, part_work, part_job_done, pj) !=
	    STORE_OK) {
		for (size_t i = 0; i < 6; i++)
			free(pj->buf[i]);
		free(pj);
		return -1;
	}
	return 0;
}

/*
 * Says that parts were stored: the function set by ingest_on_parts() runs,
 * on the caller's thread, and should get ingest_parts_assemble() called
 * soon on a thread that may wait for the store.
 */
void
ingest_parts_kick(struct ingest *ing)
{
	if (ing->kick != NULL)
		ing->kick(ing->kick_arg);
}

/* Sets the function that ingest_parts_kick() calls. */
void
ingest_on_parts(struct ingest *ing, void (*fn)(void *), void *arg)
{
	ing->kick = fn;
	ing->kick_arg = arg;
}

static void
assembled_done(const struct ingest_result *res, void *arg)
{
	(void)arg;
	if (res->status != STORE_OK)
		log_warnx(_("assembling a long message: %s (kept, will try "
		    "again)"), store_strerror(res->status));
}

/* Assembles parts for a configuration. */
struct assembly {
	struct ingest	*ing;
	struct config	*conf;
};

/* One set of parts, ready: hand the message to the ingest pipeline. */
static void
assemble(const struct store_part_set *set, void *arg)
{
	struct assembly	*as = arg;
	struct inbound	 in;
	char		 id[160];

	memset(&in, 0, sizeof(in));
	snprintf(id, sizeof(id), "concat:%s", set->first_provider_id);
	in.channel = set->channel;
	in.provider_id = id;
	in.sender = set->sender;
	in.recipient = set->recipient;
	in.text = set->text;
	in.textlen = set->textlen;
	in.provider_time = set->provider_time;
	in.parts = set;
	if (!set->complete)
		log_notice(_("%s: long message %s: %d of %d parts after the "
		    "timeout; stored as incomplete"), set->channel, set->ref,
		    set->nparts, set->total);
	if (ingest_submit(as->ing, as->conf, &in, assembled_done, NULL) ==
	    -1)
		log_warnx(_("assembling a long message: the store is closing"));
}

/*
 * Hands every complete set of parts, and every set whose first part is
 * older than ingest.concat_timeout, to the pipeline as one message.  Reads
 * the store: not on the store's own threads.
 */
void
ingest_parts_assemble(struct ingest *ing, struct config *conf)
{
	struct assembly	 as = { ing, conf };
	int64_t		 older = clock_unix() - conf->ingest_concat_timeout;

	if (store_parts_ready(ing->store, older, assemble, &as) != STORE_OK)
		log_warnx(_("reading parts of long messages failed"));
}

/*
 * ===================================================================
 * Delivery reports
 * ===================================================================
 */

struct dlr_job {
	struct store_dlr	 d;
	char			*buf[4];
	store_done_fn		 done;
	void			*arg;
};

static enum store_status
dlr_work(struct store_txn *txn, void *arg)
{
	struct dlr_job	*dj = arg;

	return store_dlr_add(txn, &dj->d);
}

static void
dlr_job_done(enum store_status st, void *arg)
{
	struct dlr_job	*dj = arg;
	size_t		 i;

	dj->done(st, dj->arg);
	for (i = 0; i < 4; i++)
		free(dj->buf[i]);
	free(dj);
}

/*
 * Stores a delivery report (the strings are copied); done(status, arg)
 * runs after its commit.  Returns 0, or -1 when the store takes no more
 * work (done is then not called).
 */
int
ingest_dlr_submit(struct ingest *ing, const struct store_dlr *d,
    store_done_fn done, void *arg)
{
	struct dlr_job	*dj = xcalloc(1, sizeof(*dj));
	size_t		 i;

	dj->d = *d;
	dj->d.channel = dj->buf[0] = xstrdup(d->channel);
	dj->d.provider_id = dj->buf[1] = xstrdup(d->provider_id);
	dj->d.status = dj->buf[2] = xstrdup(d->status);
	dj->d.error = dj->buf[3] = xstrdup(d->error);
	dj->d.received = clock_unix();
	dj->done = done;
	dj->arg = arg;
	if (store_submit(ing->store, dlr_work, dlr_job_done, dj) !=
	    STORE_OK) {
		for (i = 0; i < 4; i++)
			free(dj->buf[i]);
		free(dj);
		return -1;
	}
	return 0;
}
