/*
 * cmd_bulk.c: actions on many cases at once, the daemon's side of
 * papictl close --filter: junk (spam that got through, a flood of the
 * same text) closed in one go with one reason.
 *
 * papictl lists the cases that pass the filter (the list command), shows
 * how many and which, asks for a confirmation, and sends their
 * references: what is closed is exactly what the officer saw, never a
 * case that came in after.  Each case is read again in the transaction:
 * one that is no longer open, or that the officer may not see, is
 * skipped and named in the answer.  Every case closed gets the reason as
 * a note, a "resolved" event and an audit entry, as a single close
 * does; no satisfaction question goes out (junk has no one to ask).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/ref.h"
#include "store/store.h"
#include "daemon/services.h"

#define BULK_MAX	1000	/* cases in one request: list's limit */
#define REASON_MAX	1000	/* bytes of the reason */
#define REASON_MIN	4

struct bulk {
	struct control_req	*req;
	int64_t			*refs;
	size_t			 nrefs;
	const char		*reason;
	int64_t			 now;
	json_t			*closed;	/* references closed */
	json_t			*skipped;	/* {ref, why} */
};

static void
skip(struct bulk *b, const char *ref, const char *why)
{
	json_array_append_new(b->skipped, json_pack("{s:s, s:s}", "ref", ref,
	    "why", why));
}

/* Closes one case of the request, or says why not.  */
static enum store_status
close_one(struct store_txn *txn, struct bulk *b, int64_t ref)
{
	const char		*actor = b->req->who->user;
	struct store_case	 c;
	enum store_status	 st;
	char			 rbuf[32], detail[REASON_MAX + 64];
	int64_t			 note;

	ref_format(b->req->conf->case_prefix, ref, rbuf, sizeof(rbuf));
	st = store_case_read(txn, ref, 0, &c);
	if (st == STORE_NOTFOUND) {
		skip(b, rbuf, "no case");
		return STORE_OK;
	}
	if (st != STORE_OK)
		return st;
	if (!control_sees_case(b->req->who, b->req->conf, &c))
		skip(b, rbuf, "no case");
	else if (!cmd_case_open(c.state))
		skip(b, rbuf, store_case_state_name(c.state));
	else {
		snprintf(detail, sizeof(detail), "closed with %zu others: %s",
		    b->nrefs - 1, b->reason);
		if ((st = store_note_add(txn, c.id, actor, b->reason, b->now,
		    &note)) != STORE_OK ||
		    (st = store_case_event_add(txn, c.id, STORE_CASE_RESOLVED,
		    actor, detail, b->now, NULL)) != STORE_OK ||
		    (st = store_case_set(txn, c.id, STORE_CF_OVERDUE, 0)) !=
		    STORE_OK)
			goto done;
		snprintf(detail, sizeof(detail), "from %s, note %lld, bulk",
		    store_case_state_name(c.state), (long long)note);
		if ((st = store_audit_append(txn, actor, "case.close", c.id,
		    detail)) == STORE_OK)
			json_array_append_new(b->closed, json_string(rbuf));
	}
done:
	store_case_clear(&c);
	return st;
}

static enum store_status
bulk_work(struct store_txn *txn, void *arg)
{
	struct bulk		*b = arg;
	enum store_status	 st = STORE_OK;
	size_t			 i;

	json_array_clear(b->closed);
	json_array_clear(b->skipped);
	for (i = 0; i < b->nrefs && st == STORE_OK; i++)
		st = close_one(txn, b, b->refs[i]);
	return st;
}

/*
 * Reads the references of close.bulk: an array of "PA-000123" (or
 * numbers), at most BULK_MAX, none twice.  Returns 0, or -1 after a usage
 * error.
 */
static int
bulk_refs(struct control_req *req, struct bulk *b)
{
	json_t		*a = json_object_get(req->args, "refs"), *v;
	const char	*s;
	size_t		 i, j;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return control_fail(req, CONTROL_E_USAGE, "close.bulk needs "
		    "the references of the cases");
	if (json_array_size(a) > BULK_MAX)
		return control_fail(req, CONTROL_E_USAGE, "at most %d cases "
		    "at once", BULK_MAX);
	b->refs = xcalloc(json_array_size(a), sizeof(*b->refs));
	json_array_foreach(a, i, v) {
		s = json_string_value(v);
		b->refs[i] = ref_parse(req->conf->case_prefix, s,
		    REF_PREFIX_OPTIONAL);
		if (b->refs[i] == 0)
			return control_fail(req, CONTROL_E_USAGE, "'%s' is not "
			    "a case reference (like %s-000123)", s != NULL ?
			    s : "", req->conf->case_prefix);
		for (j = 0; j < i; j++)
			if (b->refs[j] == b->refs[i])
				return control_fail(req, CONTROL_E_USAGE,
				    "'%s' is given twice", s);
	}
	b->nrefs = json_array_size(a);
	return 0;
}

/* close.bulk {"refs": [...], "reason": TEXT}: closes them all at once. */
int
cmd_close_bulk(struct control_req *req)
{
	struct bulk		b;
	enum store_status	st;

	memset(&b, 0, sizeof(b));
	b.req = req;
	if ((b.reason = cmd_arg_text(req, "reason", REASON_MAX, 1)) == NULL)
		return -1;
	if (strlen(b.reason) < REASON_MIN)
		return control_fail(req, CONTROL_E_USAGE, "closing many cases "
		    "needs a reason (each case keeps it as a note)");
	if (bulk_refs(req, &b) == -1) {
		free(b.refs);
		return -1;
	}
	b.now = clock_unix();
	b.closed = json_array();
	b.skipped = json_array();
	st = store_submit_wait(req->svc->store, bulk_work, &b);
	free(b.refs);
	if (st != STORE_OK) {
		json_decref(b.closed);
		json_decref(b.skipped);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not saved: %s",
		    store_strerror(st));
	}
	req->data = json_pack("{s:o, s:o}", "closed", b.closed, "skipped",
	    b.skipped);
	return 0;
}
