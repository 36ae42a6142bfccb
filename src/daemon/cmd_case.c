/*
 * cmd_case.c: case work, the daemon's side of papictl list, show, assign,
 * claim, note, close, reopen and reply.
 *
 * A case goes received -> assigned -> in_progress -> resolved, then
 * confirmed by the resident's satisfaction answer or reopened (by the
 * resident or an officer).  Every change is a case event with who and
 * when and an audit entry, written in one transaction with whatever goes
 * with it (a note, an outbox row, a new deadline).  Work functions read
 * the case again inside their transaction, so that two officers closing
 * the same case cannot both succeed.
 *
 * Privacy: a role sees only the categories control.c gives it; a case of
 * another category is answered "no case", exactly as a case that does
 * not exist, so that its existence is not told either.  Officers see a
 * resident's pseudonym ("R-42") and a masked number; only an
 * administrator who gives a reason sees the number, and that is audited
 * before the number is sent.
 *
 * Closing a case queues the satisfaction question (satisfaction.enabled);
 * the resident's answer is taken by core/lifecycle.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "text/sms.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/classifier.h"
#include "domain/ref.h"
#include "domain/source.h"
#include "store/store.h"
#include "store/query.h"
#include "core/lifecycle.h"
#include "core/metrics.h"
#include "core/reply.h"
#include "daemon/services.h"

#define LIST_LIMIT_DEFAULT	50
#define LIST_LIMIT_MAX		1000
#define NOTE_MAX		4000	/* bytes of a note */
#define REPLY_MAX		1600	/* bytes of an officer's answer */
#define REASON_MIN		4	/* bytes of an unmasking reason */
#define THREAD_MAX		500	/* messages shown by show */
#define FTS_CATCH_UP		4096	/* messages indexed by one work item */

/* A case as list and show give it; never the full number. */
static json_t *
case_json(const struct config *conf, const struct store_case *c)
{
	const struct category	*cat = config_category(conf, c->category);
	char			 ref[32], masked[MASKED_NUMBER_MAX], res[32];
	json_t			*o;

	ref_format(conf->case_prefix, c->ref_number, ref, sizeof(ref));
	cmd_pseudonym(c->resident, res, sizeof(res));
	if (c->erased != 0 || c->sender[0] == '\0')
		masked[0] = '\0';
	else
		mask_number(c->sender, masked, sizeof(masked));
	o = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, "
	    "s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:s, s:s, s:b, s:o, s:o}",
	    "ref", ref,
	    "number", (json_int_t)c->ref_number,
	    "category", cmd_jstr(c->category),
	    "dimension", cmd_jstr(cat != NULL ? cat->dimension : ""),
	    "category_name", cmd_jstr(cat != NULL ? cat->name_vi : c->category),
	    "subcategory", cmd_jstr(c->subcategory),
	    "state", store_case_state_name(c->state),
	    "created", cmd_jtime(c->created),
	    "updated", cmd_jtime(c->updated),
	    "deadline", cmd_jtime(c->deadline),
	    "assignee", cmd_jstr(c->assignee),
	    "channel", cmd_jstr(c->channel),
	    "overdue", c->overdue != 0 && cmd_case_open(c->state),
	    "overdue_since", cmd_jtime(c->overdue),
	    "first_answered", cmd_jtime(c->first_answered),
	    "closed", cmd_jtime(c->closed),
	    "reopened", cmd_jtime(c->reopened),
	    "resident", res,
	    "from", masked,
	    "erased", c->erased != 0,
	    "satisfaction", c->satisfaction > 0 ?
	    json_integer(c->satisfaction) : json_null(),
	    "text", cmd_jstr(c->text));
	if (o != NULL && c->categories2 != NULL)
		json_object_set_new(o, "secondary", cmd_jstr(c->categories2));
	if (o != NULL)
		json_object_set_new(o, "source", json_string(
		    case_source_name(c->source)));
	if (o != NULL && c->ward != NULL && c->ward[0] != '\0')
		json_object_set_new(o, "ward", json_string(c->ward));
	return o;
}

/*
 * What the officer who recorded a slip or a point raised in person wrote
 * down besides the text (papictl intake), or null.
 */
static json_t *
intake_json(struct control_req *req, int64_t case_id)
{
	struct store_intake_row	 r;
	json_t			*o;

	if (store_intake_get(req->svc->store, case_id, &r) != STORE_OK)
		return json_null();
	o = json_pack("{s:s, s:s?, s:s?, s:s, s:s}", "source",
	    case_source_name(r.source), "slip", r.slip, "area", r.area,
	    "received", r.received, "officer", r.officer);
	store_intake_clear(&r);
	return o != NULL ? o : json_null();
}

/*
 * Reads case ref for req through its query connection and checks that
 * its reader may see it.  Returns 0 (release c with
 * store_case_clear()), or -1 after recording the failure: a case of
 * a category the reader does not see is "no case", like a missing one.
 */
static int
get_case(struct control_req *req, int64_t ref, struct store_case *c)
{
	struct store_query	*q;
	enum store_status	 st;
	char			 rbuf[32];

	if ((q = control_query(req)) == NULL)
		return -1;
	ref_format(req->conf->case_prefix, ref, rbuf, sizeof(rbuf));
	st = store_query_case(q, ref, c);
	if (st == STORE_NOTFOUND)
		return control_fail(req, CONTROL_E_NOTFOUND, "no case %s",
		    rbuf);
	if (st != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "reading %s: "
		    "%s", rbuf, store_strerror(st));
	if (!control_sees_case(req->who, req->conf, c)) {
		store_case_clear(c);
		return control_fail(req, CONTROL_E_NOTFOUND, "no case %s",
		    rbuf);
	}
	return 0;
}

/*
 * ===================================================================
 * Work functions of case work
 * ===================================================================
 */

enum work_op {
	OP_ASSIGN,
	OP_NOTE,
	OP_CLOSE,
	OP_REOPEN,
	OP_REPLY,
	OP_UNMASK,
	OP_RECATEGORISE
};

/* One change, prepared by a handler and run on the store's writer. */
struct work {
	struct control_req	*req;
	enum work_op		 op;
	int64_t			 ref;
	const char		*actor;
	const char		*text;		/* note, answer, reason... */
	const char		*user;		/* OP_ASSIGN: the assignee */
	const struct category	*cat;		/* OP_RECATEGORISE: to... */
	const char		*sub;		/* ...and its sub, or NULL */
	int			 claim;
	int64_t			 now;
	/* Results. */
	struct cmd_refusal	 why;		/* refused: the reason */
	int64_t			 case_id;
	int64_t			 outbox_id;
	int64_t			 note_id;
	int64_t			 deadline;
	enum store_case_state	 from;
	enum store_case_state	 to;
	char			*number;	/* OP_UNMASK */
	char			 old[2 * CONF_ID_MAX];	/* OP_RECATEGORISE */
};

/* Moves case c to state "to" (also when it stays the same: a record). */
static enum store_status
move(struct store_txn *txn, struct work *w, const struct store_case *c,
    enum store_case_state to, const char *detail)
{
	w->from = c->state;
	w->to = to;
	return store_case_event_add(txn, c->id, to, w->actor, detail, w->now,
	    NULL);
}

/* Queues the satisfaction question for a case just resolved. */
static enum store_status
ask_satisfaction(struct store_txn *txn, struct work *w,
    const struct store_case *c)
{
	const struct config	*conf = w->req->conf;
	struct render_vars	 v;
	struct reply_msg	 m;
	enum store_status	 st;
	char			 ref[32], text[REPLY_TEXT_MAX];
	const char		*tpl = conf->satisfaction_question_vi;
	int			 lang = c->lang >= 0 ? c->lang :
				    (int)conf->language;

	if (!conf->satisfaction_enabled || c->erased != 0 ||
	    !reply_may_reply(conf, c->sender))
		return STORE_OK;
	/* In the case's language. */
	if (lang == LANG_EN && conf->satisfaction_question_en[0])
		tpl = conf->satisfaction_question_en;
	ref_format(conf->case_prefix, c->ref_number, ref, sizeof(ref));
	memset(&v, 0, sizeof(v));
	v.ref = ref;
	v.ward = conf->ward_name;
	v.hotline = conf->hotline;
	v.hours = conf->reception_hours;
	reply_render(text, sizeof(text), tpl, &v);
	memset(&m, 0, sizeof(m));
	m.kind = REPLY_KIND_ANSWER;
	m.channel = c->channel;
	m.recipient = c->sender;
	m.text = text;
	m.case_id = c->id;
	if ((st = reply_queue(txn, conf, &m, NULL)) != STORE_OK)
		return st;
	return store_case_set(txn, c->id, STORE_CF_SATISFACTION_ASKED,
	    w->now);
}

static enum store_status
do_assign(struct store_txn *txn, struct work *w, struct store_case *c)
{
	enum store_status	st;
	char			detail[128];
	enum store_case_state	to = c->state;

	if (!cmd_case_open(c->state))
		return cmd_refuse(&w->why, CONTROL_E_CONFLICT, "the case is %s: "
		    "reopen it first", store_case_state_name(c->state));
	if (c->state == STORE_CASE_RECEIVED || c->state == STORE_CASE_REOPENED)
		to = STORE_CASE_ASSIGNED;
	snprintf(detail, sizeof(detail), "%s %s", w->claim ? "claimed by" :
	    "assigned to", w->user);
	if ((st = store_case_assign(txn, c->id, w->user, w->now)) != STORE_OK ||
	    (st = move(txn, w, c, to, detail)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "to %s", w->user);
	return store_audit_append(txn, w->actor, w->claim ? "case.claim" :
	    "case.assign", c->id, detail);
}

static enum store_status
do_note(struct store_txn *txn, struct work *w, struct store_case *c)
{
	enum store_status	st;
	char			detail[64];

	if ((st = store_note_add(txn, c->id, w->actor, w->text, w->now,
	    &w->note_id)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "note %lld", (long long)w->note_id);
	return store_audit_append(txn, w->actor, "case.note", c->id, detail);
}

static enum store_status
do_close(struct store_txn *txn, struct work *w, struct store_case *c)
{
	enum store_status	st;
	char			detail[64];

	if (!cmd_case_open(c->state))
		return cmd_refuse(&w->why, CONTROL_E_CONFLICT, "the case is already "
		    "%s", store_case_state_name(c->state));
	if (w->text != NULL && (st = store_note_add(txn, c->id, w->actor,
	    w->text, w->now, &w->note_id)) != STORE_OK)
		return st;
	if ((st = move(txn, w, c, STORE_CASE_RESOLVED, "closed")) != STORE_OK ||
	    (st = store_case_set(txn, c->id, STORE_CF_OVERDUE, 0)) != STORE_OK)
		return st;
	if (w->note_id != 0)
		snprintf(detail, sizeof(detail), "from %s, note %lld",
		    store_case_state_name(c->state), (long long)w->note_id);
	else
		snprintf(detail, sizeof(detail), "from %s",
		    store_case_state_name(c->state));
	if ((st = store_audit_append(txn, w->actor, "case.close", c->id,
	    detail)) != STORE_OK)
		return st;
	return ask_satisfaction(txn, w, c);
}

static enum store_status
do_reopen(struct store_txn *txn, struct work *w, struct store_case *c)
{
	enum store_status	st;
	char			detail[64];

	if (cmd_case_open(c->state))
		return cmd_refuse(&w->why, CONTROL_E_CONFLICT, "the case is %s, not "
		    "closed", store_case_state_name(c->state));
	w->from = c->state;
	w->to = STORE_CASE_REOPENED;
	if ((st = lifecycle_reopen(txn, w->req->conf, c, w->actor, "reopened",
	    w->now, &w->deadline)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "from %s",
	    store_case_state_name(c->state));
	return store_audit_append(txn, w->actor, "case.reopen", c->id, detail);
}

static enum store_status
do_reply(struct store_txn *txn, struct work *w, struct store_case *c)
{
	struct reply_msg	m;
	enum store_status	st;
	char			detail[128];

	if (c->erased != 0 || c->sender[0] == '\0')
		return cmd_refuse(&w->why, CONTROL_E_CONFLICT, "the resident's number "
		    "was erased (retention): no answer can be sent");
	memset(&m, 0, sizeof(m));
	m.kind = REPLY_KIND_ANSWER;
	m.channel = c->channel;
	m.recipient = c->sender;
	m.text = w->text;
	m.case_id = c->id;
	if ((st = reply_queue(txn, w->req->conf, &m, &w->outbox_id)) !=
	    STORE_OK)
		return st;
	if ((st = store_case_answered(txn, c->id, w->now)) != STORE_OK ||
	    (st = store_case_set(txn, c->id, STORE_CF_OVERDUE, 0)) != STORE_OK)
		return st;
	if (c->state == STORE_CASE_RECEIVED || c->state ==
	    STORE_CASE_ASSIGNED || c->state == STORE_CASE_REOPENED) {
		snprintf(detail, sizeof(detail), "answered (outbox %lld)",
		    (long long)w->outbox_id);
		if ((st = move(txn, w, c, STORE_CASE_IN_PROGRESS, detail)) !=
		    STORE_OK)
			return st;
	} else
		w->from = w->to = c->state;
	snprintf(detail, sizeof(detail), "outbox %lld",
	    (long long)w->outbox_id);
	return store_audit_append(txn, w->actor, "case.reply", c->id, detail);
}

static enum store_status
do_unmask(struct store_txn *txn, struct work *w, struct store_case *c)
{
	char	detail[600];

	if (c->erased != 0 || c->sender[0] == '\0')
		return cmd_refuse(&w->why, CONTROL_E_CONFLICT, "the number was erased "
		    "(retention)");
	snprintf(detail, sizeof(detail), "reason: %s", w->text);
	w->number = xstrdup(c->sender);
	return store_audit_append(txn, w->actor, "case.unmask", c->id,
	    detail);
}

/*
 * Moves a case to another category, keeping the correction as a labelled
 * example.  Anyone who sees the case may move it into any category, a
 * restricted one included (and then no longer sees it if an officer);
 * only an inspector or an administrator may move one out of a
 * restricted category, since that shows a tip to ordinary queues.
 */
static enum store_status
do_recategorise(struct store_txn *txn, struct work *w, struct store_case *c)
{
	const struct config	*conf = w->req->conf;
	const struct category	*from = config_category(conf, c->category);
	struct store_correction	 k;
	enum store_status	 st;
	char			 detail[CONF_ID_MAX * 4 + 600];

	snprintf(w->old, sizeof(w->old), "%s%s%s", c->category,
	    c->subcategory != NULL ? "/" : "", c->subcategory != NULL ?
	    c->subcategory : "");
	if (strcmp(c->category, w->cat->id) == 0 && (w->sub == NULL) ==
	    (c->subcategory == NULL) && (w->sub == NULL ||
	    strcmp(w->sub, c->subcategory) == 0))
		return cmd_refuse(&w->why, CONTROL_E_CONFLICT, "the case is in %s "
		    "already", w->old);
	if (from != NULL && from->restricted && !w->cat->restricted &&
	    w->req->who->kind < ROLE_INSPECTOR)
		return cmd_refuse(&w->why, CONTROL_E_FORBIDDEN, "only an inspector "
		    "may move a case out of %s", from->id);
	memset(&k, 0, sizeof(k));
	k.case_id = c->id;
	k.text = c->text != NULL ? c->text : "";
	k.old_category = c->category;
	k.old_subcategory = c->subcategory;
	k.category = w->cat->id;
	k.subcategory = w->sub;
	k.actor = w->actor;
	k.reason = w->text;
	k.created = w->now;
	if ((st = store_case_recategorise(txn, &k, &w->note_id)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "from %s to %s%s%s: %s", w->old,
	    w->cat->id, w->sub != NULL ? "/" : "", w->sub != NULL ? w->sub :
	    "", w->text);
	if ((st = move(txn, w, c, c->state, detail)) != STORE_OK)
		return st;
	return store_audit_append(txn, w->actor, "case.recategorise", c->id,
	    detail);
}

/* The work function of every case change. */
static enum store_status
case_work(struct store_txn *txn, void *arg)
{
	struct work		*w = arg;
	struct store_case	 c;
	enum store_status	 st;
	char			 ref[32];

	ref_format(w->req->conf->case_prefix, w->ref, ref, sizeof(ref));
	st = store_case_read(txn, w->ref, w->op == OP_RECATEGORISE ?
	    STORE_CASE_TEXT : 0, &c);
	if (st == STORE_NOTFOUND)
		return cmd_refuse(&w->why, CONTROL_E_NOTFOUND, "no case %s", ref);
	if (st != STORE_OK)
		return st;
	if (!control_sees_case(w->req->who, w->req->conf, &c)) {
		store_case_clear(&c);
		return cmd_refuse(&w->why, CONTROL_E_NOTFOUND, "no case %s", ref);
	}
	w->case_id = c.id;
	w->from = w->to = c.state;
	switch (w->op) {
	case OP_ASSIGN:
		st = do_assign(txn, w, &c);
		break;
	case OP_NOTE:
		st = do_note(txn, w, &c);
		break;
	case OP_CLOSE:
		st = do_close(txn, w, &c);
		break;
	case OP_REOPEN:
		st = do_reopen(txn, w, &c);
		break;
	case OP_REPLY:
		st = do_reply(txn, w, &c);
		break;
	case OP_UNMASK:
		st = do_unmask(txn, w, &c);
		break;
	case OP_RECATEGORISE:
		st = do_recategorise(txn, w, &c);
		break;
	default:
		st = STORE_INVALID;
	}
	store_case_clear(&c);
	return st;
}

/*
 * Runs w on the store's writer and waits for the commit.  Returns 0, or
 * -1 after recording the failure in w->req.
 */
static int
run_work(struct control_req *req, struct work *w)
{
	enum store_status	st;

	w->req = req;
	w->actor = req->who->user;
	w->now = clock_unix();
	st = store_submit_wait(req->svc->store, case_work, w);
	if (st == STORE_OK) {
		cmd_refusal_clear(&w->why);
		return 0;
	}
	free(w->number);
	w->number = NULL;
	if (w->why.err != CONTROL_E_OK)
		return cmd_refusal_send(req, &w->why);
	return control_fail(req, CONTROL_E_UNAVAILABLE, "not saved: %s",
	    store_strerror(st));
}

/* The answer of a change: the case's reference and states. */
static json_t *
change_json(struct control_req *req, const struct work *w)
{
	char	ref[32];

	ref_format(req->conf->case_prefix, w->ref, ref, sizeof(ref));
	return json_pack("{s:s, s:s, s:s, s:s}", "ref", ref, "from",
	    store_case_state_name(w->from), "to",
	    store_case_state_name(w->to), "by", req->who->user);
}

/*
 * The pseudonym of "from-resident" ("R-42" or "42"): its id, 0 when the
 * argument is absent, or -1 after a usage error.
 */
static int64_t
resident_arg(struct control_req *req)
{
	const char	*s = cmd_arg_str(req, "from-resident");
	char		*end;
	long long	 id;

	if (s == NULL)
		return 0;
	if (s[0] == 'R' && s[1] == '-')
		s += 2;
	id = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || id <= 0)
		return control_fail(req, CONTROL_E_USAGE, "'%s' is not a "
		    "resident's pseudonym (like R-42)",
		    cmd_arg_str(req, "from-resident"));
	return id;
}

/*
 * ===================================================================
 * Handlers: list, show
 * ===================================================================
 */

struct list_ctx {
	const struct config	*conf;
	json_t			*cases;
	json_t			*names;		/* category id -> names */
	int			 n;
	int			 limit;
	int			 more;
};

static void
list_row(const struct store_case *c, void *arg)
{
	struct list_ctx	*lc = arg;

	if (lc->n++ >= lc->limit) {
		lc->more = 1;
		return;
	}
	json_array_append_new(lc->cases, case_json(lc->conf, c));
	if (json_object_get(lc->names, c->category) == NULL)
		json_object_set_new(lc->names, c->category,
		    cmd_category_names(lc->conf, c->category));
}

/*
 * Appends to the FTS5 query q the words of s, each folded as messages are
 * (no case, no marks, đ is d) and quoted, joined by sep within one
 * phrase (" ") or as terms (" AND ").  Returns how many words it added.
 */
static size_t
fts_words(struct strbuf *q, const char *s, const char *sep)
{
	char	 word[TEXT_TOKEN_MAX * 4], fold[TEXT_TOKEN_MAX * 4], *w, *save;
	char	*copy = xstrdup(s);
	size_t	 n = 0, i, j;

	for (w = strtok_r(copy, " \t\n,;", &save); w != NULL;
	    w = strtok_r(NULL, " \t\n,;", &save)) {
		copy_str(word, sizeof(word), w);
		if (text_fold_word(word, fold, sizeof(fold)) >= sizeof(fold))
			continue;
		for (i = j = 0; fold[i] != '\0'; i++)
			if (isalnum((unsigned char)fold[i]))
				fold[j++] = fold[i];
		fold[j] = '\0';
		if (j == 0)
			continue;
		strbuf_printf(q, "%s%s", n++ ? sep : "", fold);
	}
	free(copy);
	return n;
}

/*
 * The FTS5 query of list --text WORDS and --area ID: every word, and
 * any of the area's phrases.  Returns a new string (free it), or NULL
 * after recording a usage error; *none is set when neither was asked.
 * With an area, *text is the query of the words alone (or NULL), for
 * the slips an officer recorded under that area (papictl intake).
 */
static char *
search_query(struct control_req *req, int *none, char **textq)
{
	const char		*text = cmd_arg_str(req, "text");
	const char		*id = cmd_arg_str(req, "area");
	const struct area	*a = NULL;
	struct strbuf		 q = STRBUF_INIT;
	size_t			 i;

	*none = text == NULL && id == NULL;
	*textq = NULL;
	if (*none)
		return NULL;
	if (id != NULL && (a = config_area(req->conf, id)) == NULL) {
		control_fail(req, CONTROL_E_USAGE, "no area '%s' in the "
		    "configuration", id);
		return NULL;
	}
	for (i = 0; a != NULL && i < a->nwords; i++) {
		strbuf_printf(&q, "%s\"", i ? " OR " : "(");
		fts_words(&q, a->words[i], " ");
		strbuf_printf(&q, "\"");
	}
	if (a != NULL)
		strbuf_printf(&q, ")%s", text != NULL ? " AND " : "");
	if (text != NULL) {
		strbuf_printf(&q, "\"");
		if (fts_words(&q, text, "\" AND \"") == 0) {
			strbuf_free(&q);
			control_fail(req, CONTROL_E_USAGE, "--text: no word to "
			    "search for");
			return NULL;
		}
		strbuf_printf(&q, "\"");
		if (a != NULL)
			*textq = xstrdup(strstr(q.buf, ") AND ") + 6);
	}
	return strbuf_take(&q, NULL);
}

/*
 * list --source: where the cases came from (sms, ussd, box, reception,
 * meeting, announcement: domain/source.h), or the name of the channel
 * they came in on.  Returns 0, or -1 after a usage error.
 */
static int
source_arg(struct control_req *req, struct store_case_filter *f)
{
	const char	*s = cmd_arg_str(req, "source");
	int		 src;

	if (s == NULL)
		return 0;
	if ((src = case_source_parse(s)) >= 0)
		f->source = src + 1;
	else if (config_channel(req->conf, s) != NULL ||
	    strcmp(s, "inject") == 0)
		f->channel = s;
	else
		return control_fail(req, CONTROL_E_USAGE, "no source '%s': sms, "
		    "ussd, box, reception, meeting, announcement, or a "
		    "channel's name", s);
	return 0;
}

static int
state_arg(struct control_req *req, int *state)
{
	const char	*s = cmd_arg_str(req, "state");
	int		 i;

	*state = -1;
	if (s == NULL)
		return 0;
	for (i = STORE_CASE_RECEIVED; i <= STORE_CASE_REOPENED; i++)
		if (strcmp(store_case_state_name(i), s) == 0) {
			*state = i;
			return 0;
		}
	return control_fail(req, CONTROL_E_USAGE, "state '%s' is not one of "
	    "received, assigned, in_progress, resolved, confirmed, reopened",
	    s);
}

/*
 * Reads list's filters into f (and *vis, the categories the asker sees,
 * freed by the caller; f->match, the search, likewise).  Returns 0, or -1
 * after a usage error.
 */
static int
list_filter(struct control_req *req, struct store_case_filter *f,
    char ***vis, int64_t *limit)
{
	int64_t	before;
	int	state, none;

	memset(f, 0, sizeof(*f));
	*vis = NULL;
	if (state_arg(req, &state) == -1 ||
	    cmd_arg_int(req, "limit", LIST_LIMIT_DEFAULT, 1, LIST_LIMIT_MAX,
	    limit) == -1 ||
	    cmd_arg_int(req, "before", 0, 0, INT64_MAX, &before) == -1 ||
	    source_arg(req, f) == -1)
		return -1;
	f->state = state;
	f->category = cmd_arg_str(req, "category");
	f->overdue = cmd_arg_bool(req, "overdue");
	f->open = cmd_arg_bool(req, "open");
	f->before_ref = before;
	if ((f->resident = resident_arg(req)) == -1)
		return -1;
	f->limit = (int)*limit + 1;
	if (cmd_arg_bool(req, "mine"))
		f->assignee = req->who->user;
	if (f->category != NULL) {
		if (config_category(req->conf, f->category) == NULL &&
		    req->who->kind < ROLE_INSPECTOR)
			return control_fail(req, CONTROL_E_USAGE, "no category "
			    "'%s'", f->category);
		if (!control_sees(req->who, req->conf, f->category))
			return control_fail(req, CONTROL_E_FORBIDDEN,
			    "category '%s' is not among those of %s",
			    f->category, req->who->user);
	} else
		f->nvisible = control_visible(req->who, req->conf, vis);
	f->visible = *vis;
	f->match = search_query(req, &none, (char **)&f->match_text);
	f->area = cmd_arg_str(req, "area");
	return f->match == NULL && !none ? -1 : 0;
}

/* list: cases, newest first, with filters. */
int
cmd_list(struct control_req *req)
{
	struct store_case_filter f;
	struct list_ctx		 lc;
	struct store_query	*q;
	enum store_status	 st = STORE_ERROR;
	char			**vis = NULL;
	int64_t			 limit;

	memset(&lc, 0, sizeof(lc));
	lc.conf = req->conf;
	lc.cases = json_array();
	lc.names = json_object();
	if (list_filter(req, &f, &vis, &limit) == -1 ||
	    (q = control_query(req)) == NULL)
		goto fail;
	lc.limit = (int)limit;
	/* A search sees every message stored before it. */
	if (f.match != NULL)
		st = store_fts_catch_up(req->svc->store, FTS_CATCH_UP);
	else
		st = STORE_OK;
	if (st == STORE_OK)
		st = store_case_list(q, &f, list_row, &lc);
	if (st != STORE_OK) {
		control_fail(req, CONTROL_E_UNAVAILABLE, "list: %s",
		    store_strerror(st));
		goto fail;
	}
	free(vis);
	free((char *)f.match);
	free((char *)f.match_text);
	req->data = json_pack("{s:o, s:o, s:b}", "cases", lc.cases,
	    "categories", lc.names, "more", lc.more);
	return 0;
fail:
	free(vis);
	free((char *)f.match);
	free((char *)f.match_text);
	json_decref(lc.cases);
	json_decref(lc.names);
	return -1;
}

static void
thread_row(const struct store_thread_item *it, void *arg)
{
	json_t	*a = arg, *o;

	if (json_array_size(a) >= THREAD_MAX)
		return;
	o = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o}", "dir",
	    it->outbound ? "out" : "in", "id", (json_int_t)it->id, "at",
	    cmd_jtime(it->at), "channel", cmd_jstr(it->channel), "text",
	    cmd_jstr(it->text), "kind", cmd_jstr(it->kind));
	if (o != NULL && it->outbound) {
		json_object_set_new(o, "state", cmd_jstr(it->state));
		json_object_set_new(o, "encoding", cmd_jstr(it->encoding));
		json_object_set_new(o, "segments", json_integer(it->segments));
		json_object_set_new(o, "updated", cmd_jtime(it->updated));
		if (it->error != NULL)
			json_object_set_new(o, "error", cmd_jstr(it->error));
	}
	if (o != NULL && it->decision != NULL)
		json_object_set_new(o, "decision", json_loads(it->decision, 0,
		    NULL));
	json_array_append_new(a, o);
}

static void
history_row(const struct store_case_event *e, void *arg)
{
	json_array_append_new(arg, json_pack("{s:o, s:o, s:s, s:s, s:o}",
	    "at", cmd_jtime(e->at), "actor", cmd_jstr(e->actor), "from",
	    store_case_state_name(e->from), "to", store_case_state_name(e->to),
	    "detail", cmd_jstr(e->detail)));
}

static void
note_row(const struct store_note *n, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:o, s:o, s:o}", "id",
	    (json_int_t)n->id, "at", cmd_jtime(n->at), "author", cmd_jstr(n->author),
	    "text", cmd_jstr(n->text)));
}

struct resident_ctx {
	struct control_req	*req;
	int64_t			 n;
};

/* Counts a resident's cases in the categories the reader sees only. */
static void
resident_row(const char *category, int64_t n, void *arg)
{
	struct resident_ctx	*rc = arg;

	if (control_sees(rc->req->who, rc->req->conf, category))
		rc->n += n;
}

/*
 * Why the classifier files the case's first message where it does, under
 * the classifier running now: its decision and the features that
 * weighed most (the model's evidence), so that a person can judge it.
 */
static json_t *
evidence_json(struct control_req *req, const char *text)
{
	struct classifier	*cls;
	struct classification	*d;
	json_t			*o, *why;
	size_t			 i;

	if (text == NULL || (d = malloc(sizeof(*d))) == NULL)
		return json_null();
	cls = classifier_slot_get(req->svc->classifiers);
	classifier_explain(cls, text, strlen(text), d);
	o = json_pack("{s:s, s:s, s:s, s:f}", "by", d->model ? "model" :
	    "router", "kind", route_kind_name(d->route.kind), "category",
	    d->route.category_id, "score", d->route.score);
	if (o != NULL && d->model) {
		json_object_set_new(o, "class", json_string(d->model_class));
		json_object_set_new(o, "p_corruption",
		    json_real(d->p_corruption));
		json_object_set_new(o, "p_spam", json_real(d->p_spam));
		why = json_array();
		for (i = 0; i < d->nwhy; i++)
			json_array_append_new(why, json_pack("{s:s, s:f}",
			    "feature", d->why[i].name, "weight",
			    d->why[i].weight));
		json_object_set_new(o, "why", why);
	}
	classifier_unref(cls);	/* after the last use of d's strings */
	free(d);
	return o != NULL ? o : json_null();
}

/* show: one case, its thread, history and notes; --unmask for admins. */
int
cmd_show(struct control_req *req)
{
	struct store_case	 c;
	struct resident_ctx	 rc;
	struct work		 w;
	json_t			*o, *thread, *history, *notes;
	const char		*reason = cmd_arg_str(req, "unmask");
	int64_t			 ref;

	if ((ref = cmd_arg_ref(req)) == 0)
		return -1;
	if (reason != NULL && req->who->kind < ROLE_ADMINISTRATOR)
		return control_fail(req, CONTROL_E_FORBIDDEN, "unmasking a "
		    "number is for administrators only");
	if (reason != NULL && strlen(reason) < REASON_MIN)
		return control_fail(req, CONTROL_E_USAGE, "unmasking needs a "
		    "reason (it is written to the audit log)");
	if (get_case(req, ref, &c) == -1)
		return -1;
	o = case_json(req->conf, &c);
	thread = json_array();
	history = json_array();
	notes = json_array();
	memset(&rc, 0, sizeof(rc));
	rc.req = req;
	if (store_case_thread(req->q, c.id, thread_row, thread) != STORE_OK ||
	    store_case_history(req->q, c.id, history_row, history) !=
	    STORE_OK ||
	    store_case_notes(req->q, c.id, note_row, notes) != STORE_OK ||
	    (c.resident != 0 && store_resident_cases(req->q, c.resident,
	    resident_row, &rc) != STORE_OK)) {
		json_decref(o);
		json_decref(thread);
		json_decref(history);
		json_decref(notes);
		store_case_clear(&c);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	json_object_set_new(o, "thread", thread);
	json_object_set_new(o, "history", history);
	json_object_set_new(o, "notes", notes);
	json_object_set_new(o, "resident_cases", json_integer(rc.n));
	json_object_set_new(o, "evidence", evidence_json(req, c.text));
	json_object_set_new(o, "category_names", cmd_category_names(req->conf,
	    c.category));
	if (case_source_paper(c.source))
		json_object_set_new(o, "intake", intake_json(req, c.id));
	store_case_clear(&c);
	if (reason != NULL) {
		memset(&w, 0, sizeof(w));
		w.op = OP_UNMASK;
		w.ref = ref;
		w.text = reason;
		if (run_work(req, &w) == -1) {
			json_decref(o);
			return -1;
		}
		log_notice(_("control: %s unmasked the number of case %lld"),
		    req->who->user, (long long)ref);
		json_object_set_new(o, "number_full", cmd_jstr(w.number));
		free(w.number);
	}
	req->data = o;
	return 0;
}

/*
 * ===================================================================
 * Handlers: case changes
 * ===================================================================
 */

/* assign REF USER, and claim REF (assign to oneself). */
int
cmd_assign(struct control_req *req)
{
	struct store_case	 c;
	struct who		 target;
	struct work		 w;
	const char		*user, *p;
	int64_t			 ref;
	int			 claim = strcmp(req->cmd, "claim") == 0;

	if ((ref = cmd_arg_ref(req)) == 0)
		return -1;
	user = claim ? req->who->user : cmd_arg_str(req, "user");
	if (user == NULL || *user == '\0' || strlen(user) >= CONTROL_USER_MAX)
		return control_fail(req, CONTROL_E_USAGE, "assign needs a user "
		    "name");
	for (p = user; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			return control_fail(req, CONTROL_E_USAGE, "'%s' is not "
			    "a user name", user);
	if (get_case(req, ref, &c) == -1)
		return -1;
	/* The assignee must be able to see the case. */
	if (!claim) {
		if (control_user_who(req->conf, user, &target) == -1) {
			store_case_clear(&c);
			return control_fail(req, CONTROL_E_USAGE, "no Unix "
			    "user '%s'", user);
		}
		if (!control_sees_case(&target, req->conf, &c)) {
			control_fail(req, CONTROL_E_FORBIDDEN, "%s has no role "
			    "that sees category '%s'", user, c.category);
			store_case_clear(&c);
			return -1;
		}
	}
	store_case_clear(&c);
	memset(&w, 0, sizeof(w));
	w.op = OP_ASSIGN;
	w.ref = ref;
	w.user = user;
	w.claim = claim;
	if (run_work(req, &w) == -1)
		return -1;
	req->data = change_json(req, &w);
	json_object_set_new(req->data, "assignee", json_string(user));
	return 0;
}

/* note REF TEXT */
int
cmd_note(struct control_req *req)
{
	struct work	w;
	int64_t		ref;

	memset(&w, 0, sizeof(w));
	if ((ref = cmd_arg_ref(req)) == 0 ||
	    (w.text = cmd_arg_text(req, "text", NOTE_MAX, 1)) == NULL)
		return -1;
	w.op = OP_NOTE;
	w.ref = ref;
	if (run_work(req, &w) == -1)
		return -1;
	req->data = change_json(req, &w);
	json_object_set_new(req->data, "note", json_integer(w.note_id));
	return 0;
}

/* close REF [--note TEXT] */
int
cmd_close(struct control_req *req)
{
	struct work	w;
	int64_t		ref;

	memset(&w, 0, sizeof(w));
	if ((ref = cmd_arg_ref(req)) == 0)
		return -1;
	w.text = cmd_arg_text(req, "note", NOTE_MAX, 0);
	if (w.text == NULL && req->err != CONTROL_E_OK)
		return -1;
	w.op = OP_CLOSE;
	w.ref = ref;
	if (run_work(req, &w) == -1)
		return -1;
	req->data = change_json(req, &w);
	if (w.note_id != 0)
		json_object_set_new(req->data, "note",
		    json_integer(w.note_id));
	return 0;
}

/*
 * recategorise REF CATEGORY[/SUB] --reason TEXT: moves a case, keeps the
 * correction for the router's training (do_recategorise()).
 */
int
cmd_recategorise(struct control_req *req)
{
	struct work	 w;
	const char	*to, *slash;
	char		 id[CONF_ID_MAX];
	size_t		 i;
	int64_t		 ref;

	memset(&w, 0, sizeof(w));
	if ((ref = cmd_arg_ref(req)) == 0 ||
	    (w.text = cmd_arg_text(req, "reason", NOTE_MAX, 1)) == NULL)
		return -1;
	if (strlen(w.text) < REASON_MIN)
		return control_fail(req, CONTROL_E_USAGE, "recategorise needs "
		    "a reason (it is kept with the correction)");
	if ((to = cmd_arg_str(req, "category")) == NULL)
		return control_fail(req, CONTROL_E_USAGE, "recategorise needs "
		    "a category");
	slash = strchr(to, '/');
	copy_str(id, sizeof(id), to);
	if (slash != NULL && (size_t)(slash - to) < sizeof(id))
		id[slash - to] = '\0';
	if ((w.cat = config_category(req->conf, id)) == NULL)
		return control_fail(req, CONTROL_E_USAGE, "no category '%s'",
		    id);
	for (i = 0; slash != NULL && i < w.cat->nsubs; i++)
		if (strcmp(w.cat->subs[i].id, slash + 1) == 0)
			w.sub = w.cat->subs[i].id;
	if (slash != NULL && w.sub == NULL)
		return control_fail(req, CONTROL_E_USAGE, "category '%s' has "
		    "no sub-category '%s'", id, slash + 1);
	w.op = OP_RECATEGORISE;
	w.ref = ref;
	if (run_work(req, &w) == -1)
		return -1;
	req->data = change_json(req, &w);
	json_object_set_new(req->data, "category_from", json_string(w.old));
	json_object_set_new(req->data, "category_to", json_string(to));
	json_object_set_new(req->data, "correction", json_integer(w.note_id));
	json_object_set_new(req->data, "visible", json_boolean(
	    control_sees(req->who, req->conf, w.cat->id)));
	return 0;
}

/* reopen REF */
int
cmd_reopen(struct control_req *req)
{
	struct work	w;
	int64_t		ref;

	memset(&w, 0, sizeof(w));
	if ((ref = cmd_arg_ref(req)) == 0)
		return -1;
	w.op = OP_REOPEN;
	w.ref = ref;
	if (run_work(req, &w) == -1)
		return -1;
	req->data = change_json(req, &w);
	json_object_set_new(req->data, "deadline", cmd_jtime(w.deadline));
	return 0;
}

/*
 * reply REF TEXT [dry_run]: what the answer costs (encoding and parts,
 * after the channel's diacritics stripping, as reply_queue() will send
 * it), then, unless a dry run, queued through the outbox.
 */
int
cmd_reply(struct control_req *req)
{
	struct store_case	 c;
	const struct channel	*ch;
	struct work		 w;
	const char		*text, *sent;
	char			*stripped = NULL, ref[32];
	char			 framed[REPLY_TEXT_MAX];
	int64_t			 nref;
	int			 segments, dry = cmd_arg_bool(req, "dry_run");
	const char		*encoding;

	if ((nref = cmd_arg_ref(req)) == 0 ||
	    (text = cmd_arg_text(req, "text", REPLY_MAX, 1)) == NULL)
		return -1;
	if (get_case(req, nref, &c) == -1)
		return -1;
	ch = config_channel(req->conf, c.channel);
	/* Who writes and about what: the ward's name and the reference. */
	reply_frame_answer(req->conf, nref, c.lang, text, framed,
	    sizeof(framed));
	text = framed;
	sent = text;
	if (ch != NULL && ch->strip_diacritics)
		sent = stripped = sms_strip_diacritics(text);
	encoding = sms_is_gsm7(sent) ? "gsm7" : "ucs2";
	segments = sms_segments(sent);
	ref_format(req->conf->case_prefix, nref, ref, sizeof(ref));
	req->data = json_pack("{s:s, s:s, s:i, s:o, s:o, s:b}", "ref", ref,
	    "encoding", encoding, "segments", segments, "text", cmd_jstr(sent),
	    "channel", cmd_jstr(c.channel), "dry_run", dry);
	free(stripped);
	if (!dry && (c.erased != 0 || c.sender[0] == '\0')) {
		store_case_clear(&c);
		return control_fail(req, CONTROL_E_CONFLICT, "the resident's "
		    "number was erased (retention): no answer can be sent");
	}
	store_case_clear(&c);
	if (dry)
		return 0;
	memset(&w, 0, sizeof(w));
	w.op = OP_REPLY;
	w.ref = nref;
	w.text = text;
	if (run_work(req, &w) == -1)
		return -1;
	metrics_answer(req->svc->metrics, segments);
	json_object_set_new(req->data, "outbox", json_integer(w.outbox_id));
	json_object_set_new(req->data, "from", json_string(
	    store_case_state_name(w.from)));
	json_object_set_new(req->data, "to", json_string(
	    store_case_state_name(w.to)));
	return 0;
}
