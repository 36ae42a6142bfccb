/*
 * cases.c: case work, the daemon's side of papictl's commands, and the
 * timers and hooks of a case's life.
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
 * The timer (cases_tick(), from gateway_tick()) runs every
 * deadlines.check_interval seconds on the store's writer: it marks open
 * cases past their deadline and still waiting for an answer as overdue
 * (an audit entry each, a log line, a metric, and an SMS to
 * deadlines.notify_number when set), and erases the numbers of cases
 * closed more than privacy.retention_days ago (see store_cases_erase()).
 *
 * Closing a case queues the satisfaction question (satisfaction.enabled);
 * the resident's answer is taken by lifecycle.c.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "daemon/cases.h"
#include "base/log.h"
#include "base/util.h"
#include "text/sms.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/router.h"
#include "store/store.h"
#include "store/store_cases.h"
#include "core/ingest.h"
#include "core/lifecycle.h"
#include "core/metrics.h"
#include "core/reply.h"
#include "chan/modem.h"
#include "daemon/control.h"
#include "daemon/gateway.h"
#include "daemon/control_priv.h"

#define LIST_LIMIT_DEFAULT	50
#define LIST_LIMIT_MAX		1000
#define NOTE_MAX		4000	/* bytes of a note */
#define REPLY_MAX		1600	/* bytes of an officer's answer */
#define REASON_MIN		4	/* bytes of an unmasking reason */
#define OVERDUE_BATCH		500	/* cases marked by one timer run */
#define ERASE_BATCH		500	/* cases erased by one timer run */
#define ERASE_INBOUND_BATCH	2000	/* messages erased by one run */
#define NOTIFY_REFS_MAX		10	/* references named in one notice */
#define THREAD_MAX		500	/* messages shown by show */

struct cases {
	pthread_mutex_t	 lock;
	int64_t		 last_run;	/* Unix seconds */
	int		 running;	/* a timer job is queued */
};

/*
 * ===================================================================
 * Helpers
 * ===================================================================
 */

/* A JSON time: Unix seconds, or null for 0. */
static json_t *
jtime(int64_t t)
{
	return t != 0 ? json_integer(t) : json_null();
}

static const char *
arg_str(struct control_req *req, const char *key)
{
	return json_string_value(json_object_get(req->args, key));
}

static int
arg_bool(struct control_req *req, const char *key)
{
	return json_is_true(json_object_get(req->args, key));
}

/*
 * Reads integer argument key into *v within [min, max] (absent: def).
 * Returns 0, or -1 after recording a usage error.
 */
static int
arg_int(struct control_req *req, const char *key, int64_t def, int64_t min,
    int64_t max, int64_t *v)
{
	json_t	*j = json_object_get(req->args, key);

	if (j == NULL || json_is_null(j)) {
		*v = def;
		return 0;
	}
	if (!json_is_integer(j) || json_integer_value(j) < min ||
	    json_integer_value(j) > max)
		return control_fail(req, CONTROL_E_USAGE, "%s: a number from "
		    "%lld to %lld", key, (long long)min, (long long)max);
	*v = json_integer_value(j);
	return 0;
}

/* Reads the "ref" argument.  Returns the number, or 0 after a failure. */
static int64_t
arg_ref(struct control_req *req)
{
	const char	*s = arg_str(req, "ref");
	int64_t		 ref = lifecycle_parse_ref(req->conf, s);

	if (ref == 0)
		control_fail(req, CONTROL_E_USAGE, "'%s' is not a case "
		    "reference (like %s-000123)", s != NULL ? s : "",
		    req->conf->case_prefix);
	return ref;
}

static int
case_open(enum store_case_state s)
{
	return s != STORE_CASE_RESOLVED && s != STORE_CASE_CONFIRMED;
}

/* "R-42": a resident's pseudonym. */
static void
pseudonym(int64_t resident, char *buf, size_t bufsz)
{
	if (resident > 0)
		snprintf(buf, bufsz, "R-%lld", (long long)resident);
	else
		snprintf(buf, bufsz, "-");
}

/* A case as list and show give it; never the full number. */
static json_t *
case_json(const struct config *conf, const struct store_case_info *c)
{
	const struct category	*cat = config_category(conf, c->category);
	char			 ref[32], masked[MASKED_NUMBER_MAX], res[32];
	json_t			*o;

	lifecycle_ref(conf, c->ref_number, ref, sizeof(ref));
	pseudonym(c->resident, res, sizeof(res));
	if (c->erased != 0 || c->sender[0] == '\0')
		masked[0] = '\0';
	else
		mask_number(c->sender, masked, sizeof(masked));
	o = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, "
	    "s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:s, s:s, s:b, s:o, s:o}",
	    "ref", ref,
	    "number", (json_int_t)c->ref_number,
	    "category", control_jstr(c->category),
	    "dimension", control_jstr(cat != NULL ? cat->dimension : ""),
	    "category_name", control_jstr(cat != NULL ? cat->name_vi : c->category),
	    "subcategory", control_jstr(c->subcategory),
	    "state", store_case_state_name(c->state),
	    "created", jtime(c->created),
	    "updated", jtime(c->updated),
	    "deadline", jtime(c->deadline),
	    "assignee", control_jstr(c->assignee),
	    "channel", control_jstr(c->channel),
	    "overdue", c->overdue != 0 && case_open(c->state),
	    "overdue_since", jtime(c->overdue),
	    "first_answered", jtime(c->first_answered),
	    "closed", jtime(c->closed),
	    "reopened", jtime(c->reopened),
	    "resident", res,
	    "from", masked,
	    "erased", c->erased != 0,
	    "satisfaction", c->satisfaction > 0 ?
	    json_integer(c->satisfaction) : json_null(),
	    "text", control_jstr(c->text));
	if (o != NULL && c->categories2 != NULL)
		json_object_set_new(o, "secondary", control_jstr(c->categories2));
	return o;
}

/*
 * Reads case ref for req through its query connection and checks that
 * its reader may see it.  Returns 0 (release c with
 * store_case_info_clear()), or -1 after recording the failure: a case of
 * a category the reader does not see is "no case", like a missing one.
 */
static int
get_case(struct control_req *req, int64_t ref, struct store_case_info *c)
{
	struct store_query	*q;
	enum store_status	 st;
	char			 rbuf[32];

	if ((q = control_query(req)) == NULL)
		return -1;
	lifecycle_ref(req->conf, ref, rbuf, sizeof(rbuf));
	st = store_case_info_get(q, ref, c);
	if (st == STORE_NOTFOUND)
		return control_fail(req, CONTROL_E_NOTFOUND, "no case %s",
		    rbuf);
	if (st != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "reading %s: "
		    "%s", rbuf, store_strerror(st));
	if (!control_sees(req->who, req->conf, c->category)) {
		store_case_info_clear(c);
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
	OP_RETRY,
	OP_AUDIT
};

/* One change, prepared by a handler and run on the store's writer. */
struct work {
	struct control_req	*req;
	enum work_op		 op;
	int64_t			 ref;
	int64_t			 id;		/* OP_RETRY: the outbox row */
	const char		*actor;
	const char		*action;	/* OP_AUDIT */
	const char		*text;		/* note, answer, reason... */
	const char		*user;		/* OP_ASSIGN: the assignee */
	int			 claim;
	int64_t			 now;
	/* Results. */
	enum control_err	 err;
	char			 msg[256];
	int64_t			 case_id;
	int64_t			 outbox_id;
	int64_t			 note_id;
	int64_t			 deadline;
	enum store_case_state	 from;
	enum store_case_state	 to;
	char			*number;	/* OP_UNMASK */
};

static enum store_status __attribute__((format(printf, 3, 4)))
work_fail(struct work *w, enum control_err e, const char *fmt, ...)
{
	va_list	ap;

	w->err = e;
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	return e == CONTROL_E_NOTFOUND ? STORE_NOTFOUND : STORE_INVALID;
}

/* Moves case c to state "to" (also when it stays the same: a record). */
static enum store_status
move(struct store_txn *txn, struct work *w, const struct store_case_info *c,
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
    const struct store_case_info *c)
{
	const struct config	*conf = w->req->conf;
	struct render_vars	 v;
	struct reply_msg	 m;
	enum store_status	 st;
	char			 ref[32], text[REPLY_TEXT_MAX];
	const char		*tpl = conf->satisfaction_question_vi;

	if (!conf->satisfaction_enabled || c->erased != 0 ||
	    !reply_may_reply(conf, c->sender))
		return STORE_OK;
	if (conf->language == LANG_EN && conf->satisfaction_question_en[0])
		tpl = conf->satisfaction_question_en;
	lifecycle_ref(conf, c->ref_number, ref, sizeof(ref));
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
do_assign(struct store_txn *txn, struct work *w, struct store_case_info *c)
{
	enum store_status	st;
	char			detail[128];
	enum store_case_state	to = c->state;

	if (!case_open(c->state))
		return work_fail(w, CONTROL_E_CONFLICT, "the case is %s: "
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
do_note(struct store_txn *txn, struct work *w, struct store_case_info *c)
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
do_close(struct store_txn *txn, struct work *w, struct store_case_info *c)
{
	enum store_status	st;
	char			detail[64];

	if (!case_open(c->state))
		return work_fail(w, CONTROL_E_CONFLICT, "the case is already "
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
do_reopen(struct store_txn *txn, struct work *w, struct store_case_info *c)
{
	enum store_status	st;
	char			detail[64];

	if (case_open(c->state))
		return work_fail(w, CONTROL_E_CONFLICT, "the case is %s, not "
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
do_reply(struct store_txn *txn, struct work *w, struct store_case_info *c)
{
	struct reply_msg	m;
	enum store_status	st;
	char			detail[128];

	if (c->erased != 0 || c->sender[0] == '\0')
		return work_fail(w, CONTROL_E_CONFLICT, "the resident's number "
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
do_unmask(struct store_txn *txn, struct work *w, struct store_case_info *c)
{
	char	detail[600];

	if (c->erased != 0 || c->sender[0] == '\0')
		return work_fail(w, CONTROL_E_CONFLICT, "the number was erased "
		    "(retention)");
	snprintf(detail, sizeof(detail), "reason: %s", w->text);
	w->number = xstrdup(c->sender);
	return store_audit_append(txn, w->actor, "case.unmask", c->id,
	    detail);
}

/* The work function of every case change. */
static enum store_status
case_work(struct store_txn *txn, void *arg)
{
	struct work		*w = arg;
	struct store_case_info	 c;
	enum store_status	 st;
	char			 ref[32];

	if (w->op == OP_AUDIT)
		return store_audit_append(txn, w->actor, w->action, 0,
		    w->text);
	if (w->op == OP_RETRY) {
		st = store_outbox_retry(txn, w->id);
		if (st == STORE_NOTFOUND)
			return work_fail(w, CONTROL_E_NOTFOUND, "no outbox row "
			    "%lld", (long long)w->id);
		if (st == STORE_INVALID)
			return work_fail(w, CONTROL_E_CONFLICT, "outbox row "
			    "%lld has not failed", (long long)w->id);
		if (st != STORE_OK)
			return st;
		snprintf(ref, sizeof(ref), "outbox %lld", (long long)w->id);
		return store_audit_append(txn, w->actor, "outbox.retry", 0,
		    ref);
	}

	lifecycle_ref(w->req->conf, w->ref, ref, sizeof(ref));
	st = store_case_read(txn, w->ref, &c);
	if (st == STORE_NOTFOUND)
		return work_fail(w, CONTROL_E_NOTFOUND, "no case %s", ref);
	if (st != STORE_OK)
		return st;
	if (!control_sees(w->req->who, w->req->conf, c.category)) {
		store_case_info_clear(&c);
		return work_fail(w, CONTROL_E_NOTFOUND, "no case %s", ref);
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
	default:
		st = STORE_INVALID;
	}
	store_case_info_clear(&c);
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
	w->now = (int64_t)time(NULL);
	st = store_submit_wait(req->gw->store, case_work, w);
	if (st == STORE_OK)
		return 0;
	free(w->number);
	w->number = NULL;
	if (w->err != CONTROL_E_OK)
		return control_fail(req, w->err, "%s", w->msg);
	return control_fail(req, CONTROL_E_UNAVAILABLE, "not saved: %s",
	    store_strerror(st));
}

/*
 * Appends an audit entry for something the daemon did on a user's behalf
 * (a configuration reload), waiting for the commit.  Returns 0 or -1.
 */
int
cases_audit(struct gateway *gw, const char *actor, const char *action,
    const char *detail)
{
	struct control_req	req;
	struct work		w;
	struct who		who;

	memset(&req, 0, sizeof(req));
	memset(&who, 0, sizeof(who));
	memset(&w, 0, sizeof(w));
	copy_str(who.user, sizeof(who.user), actor);
	req.gw = gw;
	req.who = &who;
	w.op = OP_AUDIT;
	w.action = action;
	w.text = detail;
	return run_work(&req, &w);
}

/* The answer of a change: the case's reference and states. */
static json_t *
change_json(struct control_req *req, const struct work *w)
{
	char	ref[32];

	lifecycle_ref(req->conf, w->ref, ref, sizeof(ref));
	return json_pack("{s:s, s:s, s:s, s:s}", "ref", ref, "from",
	    store_case_state_name(w->from), "to",
	    store_case_state_name(w->to), "by", req->who->user);
}

/*
 * ===================================================================
 * Handlers: list, show
 * ===================================================================
 */

struct list_ctx {
	const struct config	*conf;
	json_t			*cases;
	int			 n;
	int			 limit;
	int			 more;
};

static void
list_row(const struct store_case_info *c, void *arg)
{
	struct list_ctx	*lc = arg;

	if (lc->n++ >= lc->limit) {
		lc->more = 1;
		return;
	}
	json_array_append_new(lc->cases, case_json(lc->conf, c));
}

static int
state_arg(struct control_req *req, int *state)
{
	const char	*s = arg_str(req, "state");
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

/* list: cases, newest first, with filters. */
int
cases_list(struct control_req *req)
{
	struct store_case_filter f;
	struct list_ctx		 lc;
	struct store_query	*q;
	enum store_status	 st;
	char			**vis = NULL;
	int64_t			 limit, before;
	int			 state;

	memset(&f, 0, sizeof(f));
	if (state_arg(req, &state) == -1 ||
	    arg_int(req, "limit", LIST_LIMIT_DEFAULT, 1, LIST_LIMIT_MAX,
	    &limit) == -1 ||
	    arg_int(req, "before", 0, 0, INT64_MAX, &before) == -1)
		return -1;
	f.state = state;
	f.category = arg_str(req, "category");
	f.overdue = arg_bool(req, "overdue");
	f.before_ref = before;
	f.limit = (int)limit + 1;
	if (arg_bool(req, "mine"))
		f.assignee = req->who->user;
	if (f.category != NULL) {
		if (config_category(req->conf, f.category) == NULL &&
		    req->who->kind < ROLE_INSPECTOR)
			return control_fail(req, CONTROL_E_USAGE, "no category "
			    "'%s'", f.category);
		if (!control_sees(req->who, req->conf, f.category))
			return control_fail(req, CONTROL_E_FORBIDDEN,
			    "category '%s' is not among those of %s",
			    f.category, req->who->user);
	} else
		f.nvisible = control_visible(req->who, req->conf, &vis);
	f.visible = vis;
	if ((q = control_query(req)) == NULL) {
		free(vis);
		return -1;
	}
	memset(&lc, 0, sizeof(lc));
	lc.conf = req->conf;
	lc.cases = json_array();
	lc.limit = (int)limit;
	st = store_case_list(q, &f, list_row, &lc);
	free(vis);
	if (st != STORE_OK) {
		json_decref(lc.cases);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "list: %s",
		    store_strerror(st));
	}
	req->data = json_pack("{s:o, s:b}", "cases", lc.cases, "more",
	    lc.more);
	return 0;
}

static void
thread_row(const struct store_thread_item *it, void *arg)
{
	json_t	*a = arg, *o;

	if (json_array_size(a) >= THREAD_MAX)
		return;
	o = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o}", "dir",
	    it->outbound ? "out" : "in", "id", (json_int_t)it->id, "at",
	    jtime(it->at), "channel", control_jstr(it->channel), "text",
	    control_jstr(it->text), "kind", control_jstr(it->kind));
	if (o != NULL && it->outbound) {
		json_object_set_new(o, "state", control_jstr(it->state));
		json_object_set_new(o, "encoding", control_jstr(it->encoding));
		json_object_set_new(o, "segments", json_integer(it->segments));
		json_object_set_new(o, "updated", jtime(it->updated));
		if (it->error != NULL)
			json_object_set_new(o, "error", control_jstr(it->error));
	}
	json_array_append_new(a, o);
}

static void
history_row(const struct store_case_event *e, void *arg)
{
	json_array_append_new(arg, json_pack("{s:o, s:o, s:s, s:s, s:o}",
	    "at", jtime(e->at), "actor", control_jstr(e->actor), "from",
	    store_case_state_name(e->from), "to", store_case_state_name(e->to),
	    "detail", control_jstr(e->detail)));
}

static void
note_row(const struct store_note *n, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:o, s:o, s:o}", "id",
	    (json_int_t)n->id, "at", jtime(n->at), "author", control_jstr(n->author),
	    "text", control_jstr(n->text)));
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

/* show: one case, its thread, history and notes; --unmask for admins. */
int
cases_show(struct control_req *req)
{
	struct store_case_info	 c;
	struct resident_ctx	 rc;
	struct work		 w;
	json_t			*o, *thread, *history, *notes;
	const char		*reason = arg_str(req, "unmask");
	int64_t			 ref;

	if ((ref = arg_ref(req)) == 0)
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
		store_case_info_clear(&c);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	json_object_set_new(o, "thread", thread);
	json_object_set_new(o, "history", history);
	json_object_set_new(o, "notes", notes);
	json_object_set_new(o, "resident_cases", json_integer(rc.n));
	store_case_info_clear(&c);
	if (reason != NULL) {
		memset(&w, 0, sizeof(w));
		w.op = OP_UNMASK;
		w.ref = ref;
		w.text = reason;
		if (run_work(req, &w) == -1) {
			json_decref(o);
			return -1;
		}
		log_notice("control: %s unmasked the number of case %lld",
		    req->who->user, (long long)ref);
		json_object_set_new(o, "number_full", control_jstr(w.number));
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
cases_assign(struct control_req *req)
{
	struct store_case_info	 c;
	struct who		 target;
	struct work		 w;
	const char		*user, *p;
	int64_t			 ref;
	int			 claim = strcmp(req->cmd, "claim") == 0;

	if ((ref = arg_ref(req)) == 0)
		return -1;
	user = claim ? req->who->user : arg_str(req, "user");
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
			store_case_info_clear(&c);
			return control_fail(req, CONTROL_E_USAGE, "no Unix "
			    "user '%s'", user);
		}
		if (!control_sees(&target, req->conf, c.category)) {
			control_fail(req, CONTROL_E_FORBIDDEN, "%s has no role "
			    "that sees category '%s'", user, c.category);
			store_case_info_clear(&c);
			return -1;
		}
	}
	store_case_info_clear(&c);
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

/* Checks a text argument: present, not empty, at most max bytes. */
static const char *
text_arg(struct control_req *req, const char *key, size_t max, int required)
{
	const char	*t = arg_str(req, key);

	if (t == NULL || *t == '\0') {
		if (required)
			control_fail(req, CONTROL_E_USAGE, "%s: empty", key);
		return NULL;
	}
	if (strlen(t) > max) {
		control_fail(req, CONTROL_E_USAGE, "%s: longer than %zu bytes",
		    key, max);
		return NULL;
	}
	return t;
}

/* note REF TEXT */
int
cases_note(struct control_req *req)
{
	struct work	w;
	int64_t		ref;

	memset(&w, 0, sizeof(w));
	if ((ref = arg_ref(req)) == 0 ||
	    (w.text = text_arg(req, "text", NOTE_MAX, 1)) == NULL)
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
cases_close(struct control_req *req)
{
	struct work	w;
	int64_t		ref;

	memset(&w, 0, sizeof(w));
	if ((ref = arg_ref(req)) == 0)
		return -1;
	w.text = text_arg(req, "note", NOTE_MAX, 0);
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

/* reopen REF */
int
cases_reopen(struct control_req *req)
{
	struct work	w;
	int64_t		ref;

	memset(&w, 0, sizeof(w));
	if ((ref = arg_ref(req)) == 0)
		return -1;
	w.op = OP_REOPEN;
	w.ref = ref;
	if (run_work(req, &w) == -1)
		return -1;
	req->data = change_json(req, &w);
	json_object_set_new(req->data, "deadline", jtime(w.deadline));
	return 0;
}

/*
 * reply REF TEXT [dry_run]: what the answer costs (encoding and parts,
 * after the channel's diacritics stripping, as reply_queue() will send
 * it), then, unless a dry run, queued through the outbox.
 */
int
cases_reply(struct control_req *req)
{
	struct store_case_info	 c;
	const struct channel	*ch;
	struct work		 w;
	const char		*text, *sent;
	char			*stripped = NULL, ref[32];
	int64_t			 nref;
	int			 segments, dry = arg_bool(req, "dry_run");
	const char		*encoding;

	if ((nref = arg_ref(req)) == 0 ||
	    (text = text_arg(req, "text", REPLY_MAX, 1)) == NULL)
		return -1;
	if (get_case(req, nref, &c) == -1)
		return -1;
	ch = config_channel(req->conf, c.channel);
	sent = text;
	if (ch != NULL && ch->strip_diacritics)
		sent = stripped = sms_strip_diacritics(text);
	encoding = sms_is_gsm7(sent) ? "gsm7" : "ucs2";
	segments = sms_segments(sent);
	lifecycle_ref(req->conf, nref, ref, sizeof(ref));
	req->data = json_pack("{s:s, s:s, s:i, s:o, s:o, s:b}", "ref", ref,
	    "encoding", encoding, "segments", segments, "text", control_jstr(sent),
	    "channel", control_jstr(c.channel), "dry_run", dry);
	free(stripped);
	if (!dry && (c.erased != 0 || c.sender[0] == '\0')) {
		store_case_info_clear(&c);
		return control_fail(req, CONTROL_E_CONFLICT, "the resident's "
		    "number was erased (retention): no answer can be sent");
	}
	store_case_info_clear(&c);
	if (dry)
		return 0;
	memset(&w, 0, sizeof(w));
	w.op = OP_REPLY;
	w.ref = nref;
	w.text = text;
	if (run_work(req, &w) == -1)
		return -1;
	json_object_set_new(req->data, "outbox", json_integer(w.outbox_id));
	json_object_set_new(req->data, "from", json_string(
	    store_case_state_name(w.from)));
	json_object_set_new(req->data, "to", json_string(
	    store_case_state_name(w.to)));
	return 0;
}

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
		json_object_set_new(o, "last_error", control_jstr(error));
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
			json_object_set_new(o, "last_seen", jtime(at));
	}
	/* Modems: their state, signal and network (modem.c). */
	nm = modems_status(req->gw->modems, ms, CONF_CHANNELS_MAX);
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
		    jtime(ms[i].last_received), "up_since",
		    jtime(ms[i].up_since)));
	}
	health = json_array();
	if (gateway_health(req->gw, why, sizeof(why)) == -1)
		for (line = strtok_r(why, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			json_array_append_new(health, control_jstr(line));
	json_object_set_new(data, "channels", channels);
	json_object_set_new(data, "health", health);
	return 0;
}

/* status: queue depths, oldest waiting, overdue, outbox, channels. */
int
cases_status(struct control_req *req)
{
	struct status_ctx	 sc;
	struct store_query	*q;
	char			**vis = NULL, ref[32];
	size_t			 nvis;
	int64_t			 oldest, oldest_at, n;
	json_t			*data, *outbox;
	int			 i;

	if ((q = control_query(req)) == NULL)
		return -1;
	memset(&sc, 0, sizeof(sc));
	sc.req = req;
	sc.queues = json_object();
	nvis = control_visible(req->who, req->conf, &vis);
	if (store_case_counts(q, count_row, &sc) != STORE_OK ||
	    store_case_oldest_waiting(q, vis, nvis, &oldest, &oldest_at) !=
	    STORE_OK) {
		free(vis);
		json_decref(sc.queues);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	free(vis);
	data = json_pack("{s:o, s:I, s:I, s:s, s:s}", "queues", sc.queues,
	    "open", (json_int_t)sc.open, "overdue", (json_int_t)sc.overdue,
	    "user", req->who->user, "roles", req->who->roles);
	if (oldest != 0) {
		lifecycle_ref(req->conf, oldest, ref, sizeof(ref));
		json_object_set_new(data, "oldest_waiting", json_pack(
		    "{s:s, s:I}", "ref", ref, "created",
		    (json_int_t)oldest_at));
	} else
		json_object_set_new(data, "oldest_waiting", json_null());
	if (req->who->kind >= ROLE_ADMINISTRATOR) {
		outbox = json_object();
		for (i = STORE_OUTBOX_QUEUED; i <= STORE_OUTBOX_FAILED; i++)
			if (store_outbox_depth(req->gw->store, i, &n) ==
			    STORE_OK)
				json_object_set_new(outbox,
				    store_outbox_state_name(i),
				    json_integer(n));
		json_object_set_new(data, "outbox", outbox);
		if (status_channels(req, data) == -1) {
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
		lifecycle_ref(req->conf, ref, rbuf, sizeof(rbuf));
	mask_number(o->recipient, masked, sizeof(masked));
	json_array_append_new(a, json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, "
	    "s:s, s:i, s:i, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)o->id,
	    "ref", rbuf, "category", control_jstr(category), "channel",
	    control_jstr(o->channel), "to", masked, "kind", control_jstr(o->kind), "state",
	    store_outbox_state_name(o->state), "attempts", o->attempts,
	    "segments", o->segments, "encoding", control_jstr(o->encoding), "created",
	    jtime(o->created), "updated", jtime(o->updated), "next_attempt",
	    jtime(o->next_attempt), "error", control_jstr(o->last_error)));
}

/* outbox [--failed]: outbound messages and their delivery state. */
int
cases_outbox(struct control_req *req)
{
	struct store_query	*q;
	int64_t			 limit;

	if (arg_int(req, "limit", LIST_LIMIT_DEFAULT, 1, LIST_LIMIT_MAX,
	    &limit) == -1 || (q = control_query(req)) == NULL)
		return -1;
	req->data = json_pack("{s:[]}", "rows");
	if (store_outbox_list(q, arg_bool(req, "failed"), (int)limit,
	    outbox_row, req) != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	return 0;
}

/* retry ID: queues a failed outbox row again. */
int
cases_retry(struct control_req *req)
{
	struct work	w;
	int64_t		id;

	if (arg_int(req, "id", 0, 1, INT64_MAX, &id) == -1)
		return -1;
	if (id == 0)
		return control_fail(req, CONTROL_E_USAGE, "retry needs an "
		    "outbox id");
	memset(&w, 0, sizeof(w));
	w.op = OP_RETRY;
	w.id = id;
	if (run_work(req, &w) == -1)
		return -1;
	req->data = json_pack("{s:I, s:s}", "id", (json_int_t)id, "state",
	    "queued");
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

/* The channel an injected message comes in on: given, or the first one. */
static const char *
inject_channel(struct control_req *req)
{
	const char	*name = arg_str(req, "channel");
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
	return "inject";
}

/* inject --from NUMBER [--channel NAME] TEXT */
int
cases_inject(struct control_req *req)
{
	struct inject_wait	 iw;
	struct inbound		 in;
	struct work		 w;
	const char		*from = arg_str(req, "from"), *text, *ch, *p;
	char			 ref[32], detail[128];

	if (from == NULL || *from == '\0' || strlen(from) > 32)
		return control_fail(req, CONTROL_E_USAGE, "inject needs "
		    "--from NUMBER");
	for (p = from; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '+')
			return control_fail(req, CONTROL_E_USAGE, "'%s' is not "
			    "a sender", from);
	if ((text = text_arg(req, "text", TEXT_INPUT_MAX, 1)) == NULL ||
	    (ch = inject_channel(req)) == NULL)
		return -1;
	memset(&in, 0, sizeof(in));
	in.channel = ch;
	in.sender = from;
	in.text = text;
	in.textlen = strlen(text);
	memset(&iw, 0, sizeof(iw));
	pthread_mutex_init(&iw.lock, NULL);
	pthread_cond_init(&iw.cond, NULL);
	if (ingest_submit(req->gw->ingest, req->conf, &in, inject_done,
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
	if (iw.res.status != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not stored: "
		    "%s", store_strerror(iw.res.status));
	ref[0] = '\0';
	if (iw.res.ref_number != 0)
		lifecycle_ref(req->conf, iw.res.ref_number, ref, sizeof(ref));
	req->data = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:b}",
	    "message", (json_int_t)iw.res.message_id, "ref", ref, "channel",
	    ch, "category", iw.category, "created", iw.res.created,
	    "attached", iw.res.attached, "duplicate", iw.res.duplicate);
	json_object_set_new(req->data, "kind", json_string(
	    route_kind_name(iw.res.kind)));
	/* Who fed it in: the message's own entries say "papigwd". */
	memset(&w, 0, sizeof(w));
	w.op = OP_AUDIT;
	w.action = "message.inject";
	snprintf(detail, sizeof(detail), "message %lld on %s%s%s",
	    (long long)iw.res.message_id, ch, ref[0] ? ", " : "", ref);
	w.text = detail;
	if (!iw.res.duplicate)
		run_work(req, &w);
	req->err = CONTROL_E_OK;
	return 0;
}

/*
 * ===================================================================
 * The timer: overdue cases and retention
 * ===================================================================
 */

struct timer_job {
	struct gateway		*gw;
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
	lifecycle_ref(tj->conf, ref, rbuf, sizeof(rbuf));
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
	int64_t			 before;

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
	if (st == STORE_OK && conf->privacy_retention_days > 0) {
		before = tj->now - (int64_t)conf->privacy_retention_days *
		    86400;
		st = store_cases_erase(txn, before, ERASE_BATCH, &tj->erased);
		if (st == STORE_OK)
			st = store_inbound_erase(txn, before,
			    ERASE_INBOUND_BATCH, &tj->erased_msgs);
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
	struct cases		*cs = tj->gw->cases;

	if (st != STORE_OK)
		log_warnx("deadlines: the timer's work failed: %s (tried again "
		    "at the next run)", store_strerror(st));
	else {
		if (tj->marked > 0)
			log_notice("deadlines: %lld case%s overdue: %s%s%s",
			    (long long)tj->marked, tj->marked > 1 ? "s" : "",
			    tj->refs, tj->nrefs > NOTIFY_REFS_MAX ? ", ..." :
			    "", tj->notified ? " (officer notified by SMS)" :
			    "");
		if (tj->erased > 0 || tj->erased_msgs > 0)
			log_notice("retention: numbers erased from %lld "
			    "case%s and %lld other message%s",
			    (long long)tj->erased, tj->erased == 1 ? "" : "s",
			    (long long)tj->erased_msgs,
			    tj->erased_msgs == 1 ? "" : "s");
		metrics_overdue(tj->gw->metrics, (uint64_t)tj->marked,
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
cases_tick(struct gateway *gw)
{
	struct cases		*cs = gw->cases;
	struct timer_job	*tj;
	struct config		*conf;
	int64_t			 t = (int64_t)time(NULL);

	if (cs == NULL)
		return;
	conf = gateway_config(gw);
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
	tj->gw = gw;
	tj->conf = conf;
	tj->now = t;
	if (store_submit(gw->store, timer_work, timer_done, tj) != STORE_OK) {
		pthread_mutex_lock(&cs->lock);
		cs->running = 0;
		pthread_mutex_unlock(&cs->lock);
		config_unref(conf);
		free(tj);
	}
}

struct cases *
cases_new(void)
{
	struct cases	*cs = xcalloc(1, sizeof(*cs));

	pthread_mutex_init(&cs->lock, NULL);
	return cs;
}

/* Frees cs; the store must be closed (no timer job in flight). */
void
cases_free(struct cases *cs)
{
	if (cs == NULL)
		return;
	pthread_mutex_destroy(&cs->lock);
	free(cs);
}
