/*
 * cmd_sender.c: what administrators decide about a resident's number,
 * the daemon's side of papictl quarantine list and release, and sender
 * block and unblock.
 *
 * The flood guard (core/reply.c) quarantines a number that sends too
 * much: its messages are still stored and filed, but it gets no
 * automatic reply until replies.quarantine_time runs out, or for good.
 * An administrator lists those numbers and lifts a quarantine; blocks an
 * abusive number (a quarantine for good, with the administrator's name
 * and reason) and unblocks it.  A number is named by itself, in its
 * international or national form ("+84912345678", "0912345678"), or by
 * the pseudonym officers see ("R-42").  Every change is an audit entry
 * that names the pseudonym or the masked number, never the number.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "base/util.h"
#include "conf/config.h"
#include "store/store.h"
#include "store/query.h"
#include "daemon/services.h"

#define NUMBER_MAX	32	/* bytes of a number as stored */
#define REASON_MAX	500
#define REASON_MIN	4
#define VARIANTS	3	/* forms of a number tried */

/* A number as an administrator named it, and how the store may hold it. */
struct target {
	char	 form[VARIANTS][NUMBER_MAX];
	size_t	 nforms;
	char	 label[64];	/* "R-42", or the masked number */
};

/* The answer's row of one held number. */
static void
held_row(const struct store_held *h, void *arg)
{
	json_t	*a = arg;
	char	 masked[MASKED_NUMBER_MAX], res[32];

	mask_number(h->number, masked, sizeof(masked));
	cmd_pseudonym(h->resident, res, sizeof(res));
	json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, "
	    "s:b}", "number", masked, "resident", res, "since",
	    cmd_jtime(h->since), "until", cmd_jtime(h->until), "reason",
	    cmd_jstr(h->reason), "blocked_by", cmd_jstr(h->blocked_by),
	    "blocked", h->blocked_by != NULL));
}

/* quarantine.list: the numbers quarantined or blocked now. */
int
cmd_quarantine_list(struct control_req *req)
{
	struct store_query	*q;
	json_t			*a;

	if ((q = control_query(req)) == NULL)
		return -1;
	a = json_array();
	if (store_senders_held(q, clock_unix(), held_row, a) != STORE_OK) {
		json_decref(a);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	req->data = json_pack("{s:o}", "numbers", a);
	return 0;
}

/* Whether s is a number: an optional '+' and 3 to 20 digits. */
static int
is_number(const char *s)
{
	size_t	n = strlen(s), i = s[0] == '+';

	if (n - i < 3 || n - i > 20)
		return 0;
	for (; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * Reads the "who" argument into t: a pseudonym's number, or the number
 * given and its other form (0912... and +84912...).  Returns 0, or -1
 * after recording the failure.
 */
static int
target_arg(struct control_req *req, struct target *t)
{
	const char		*who = cmd_arg_str(req, "who");
	struct store_query	*q;
	enum store_status	 st;
	long			 id;

	memset(t, 0, sizeof(*t));
	if (who == NULL || *who == '\0')
		return control_fail(req, CONTROL_E_USAGE, "give a number or "
		    "a pseudonym (R-42)");
	if ((who[0] == 'R' || who[0] == 'r') && who[1] == '-') {
		if (parse_long(who + 2, 1, INT32_MAX, &id) == -1)
			return control_fail(req, CONTROL_E_USAGE, "'%s' is not "
			    "a pseudonym like R-42", who);
		if ((q = control_query(req)) == NULL)
			return -1;
		st = store_pseudonym_number(q, id, t->form[0],
		    sizeof(t->form[0]));
		if (st == STORE_NOTFOUND)
			return control_fail(req, CONTROL_E_NOTFOUND, "no "
			    "number for %s (none, or erased)", who);
		if (st != STORE_OK)
			return control_fail(req, CONTROL_E_UNAVAILABLE, "the "
			    "store cannot be read");
		t->nforms = 1;
		snprintf(t->label, sizeof(t->label), "R-%ld", id);
		return 0;
	}
	if (!is_number(who))
		return control_fail(req, CONTROL_E_USAGE, "'%s' is neither a "
		    "phone number nor a pseudonym like R-42", who);
	copy_str(t->form[t->nforms++], NUMBER_MAX, who);
	if (who[0] == '0' && who[1] != '0')
		snprintf(t->form[t->nforms++], NUMBER_MAX, "+84%s", who + 1);
	else if (strncmp(who, "84", 2) == 0)
		snprintf(t->form[t->nforms++], NUMBER_MAX, "+%s", who);
	else if (strncmp(who, "+84", 3) == 0)
		snprintf(t->form[t->nforms++], NUMBER_MAX, "0%s", who + 3);
	mask_number(t->form[t->nforms > 1 && who[0] != '+' ? 1 : 0],
	    t->label, sizeof(t->label));
	return 0;
}

/* One decision about a number, run on the store's writer. */
struct decision {
	const struct target	*t;
	const char		*action;	/* the audit's */
	const char		*actor;
	const char		*reason;	/* block: why */
	int			 blocks_only;	/* unblock */
	int64_t			 now;
	size_t			 done;		/* the form it applied to */
};

static enum store_status
release_work(struct store_txn *txn, void *arg)
{
	struct decision		*d = arg;
	enum store_status	 st = STORE_NOTFOUND;
	char			 detail[128];
	size_t			 i;

	for (i = 0; i < d->t->nforms && st == STORE_NOTFOUND; i++)
		st = store_sender_release(txn, d->t->form[i], d->blocks_only,
		    d->now);
	if (st != STORE_OK)
		return st;
	d->done = i - 1;
	snprintf(detail, sizeof(detail), "%s", d->t->label);
	return store_audit_append(txn, d->actor, d->action, 0, detail);
}

static enum store_status
block_work(struct store_txn *txn, void *arg)
{
	struct decision		*d = arg;
	enum store_status	 st;
	char			 detail[REASON_MAX + 80];

	if ((st = store_sender_block(txn, d->t->form[d->done], d->actor,
	    d->reason, d->now)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "%s: %s", d->t->label, d->reason);
	return store_audit_append(txn, d->actor, "sender.block", 0, detail);
}

/* Runs a decision; the answer names the number as the audit does. */
static int
decide(struct control_req *req, struct decision *d,
    enum store_status (*fn)(struct store_txn *, void *))
{
	enum store_status	st;

	d->actor = req->who->user;
	d->now = clock_unix();
	st = store_submit_wait(req->svc->store, fn, d);
	if (st == STORE_NOTFOUND && d->blocks_only)
		return control_fail(req, CONTROL_E_NOTFOUND, "%s is not "
		    "blocked", d->t->label);
	if (st == STORE_NOTFOUND)
		return control_fail(req, CONTROL_E_NOTFOUND, "%s is not in "
		    "quarantine", d->t->label);
	if (st != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not saved: "
		    "%s", store_strerror(st));
	req->data = json_pack("{s:s, s:s}", "number", d->t->label, "action",
	    d->action);
	return 0;
}

/* quarantine.release WHO, and sender.unblock WHO. */
int
cmd_quarantine_release(struct control_req *req)
{
	struct target	t;
	struct decision	d;

	if (target_arg(req, &t) == -1)
		return -1;
	memset(&d, 0, sizeof(d));
	d.t = &t;
	d.blocks_only = strcmp(req->cmd, "sender.unblock") == 0;
	d.action = d.blocks_only ? "sender.unblock" : "sender.release";
	return decide(req, &d, release_work);
}

/*
 * sender.block WHO --reason TEXT: the number as the store knows it when
 * the resident wrote before (its pseudonym's), else as given.
 */
int
cmd_sender_block(struct control_req *req)
{
	struct target		 t;
	struct decision		 d;

	memset(&d, 0, sizeof(d));
	if ((d.reason = cmd_arg_text(req, "reason", REASON_MAX, 1)) == NULL ||
	    target_arg(req, &t) == -1)
		return -1;
	if (strlen(d.reason) < REASON_MIN)
		return control_fail(req, CONTROL_E_USAGE, "blocking a number "
		    "needs a reason (it is written to the audit log)");
	d.t = &t;
	d.action = "sender.block";
	/* The form residents' messages came from: +84... usually. */
	d.done = t.nforms > 1 && t.form[0][0] != '+' ? 1 : 0;
	return decide(req, &d, block_work);
}
