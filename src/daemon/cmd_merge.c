/*
 * cmd_merge.c: papictl merge KEEP JOIN, for two cases of one resident
 * that an officer sees are one problem (the resident wrote again without
 * the reference, days later, and a new case opened).
 *
 * JOIN's messages in and out and its notes move to KEEP, KEEP answers by
 * the earlier of the two dates, and JOIN is resolved as "merged into
 * KEEP": out of the queues, but still counted as the report it was.
 * Both references keep working: JOIN's leads to KEEP for residents
 * (status, follow-ups) and officers (show, reply).  Both cases get an
 * event, and the audit log an entry.
 *
 * Cases of different residents are not merged: each resident keeps a
 * case that answers them.  A case in a restricted category (corruption)
 * is merged only with another restricted one: a merge must never carry a tip into an
 * ordinary queue, or an ordinary complaint into the restricted one.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "conf/config.h"
#include "domain/ref.h"
#include "store/store.h"
#include "daemon/services.h"

struct merge {
	struct control_req	*req;
	int64_t			 keep, join;	/* the references asked */
	int64_t			 now;
	/* Results. */
	struct cmd_refusal	 why;		/* refused: the reason */
	int64_t			 moved;		/* messages */
	int64_t			 deadline;
};

/* Reads the case ref leads to, if the asker sees it. */
static enum store_status
read_case(struct store_txn *txn, struct merge *m, int64_t ref,
    struct store_case *c)
{
	const struct config	*conf = m->req->conf;
	enum store_status	 st;
	char			 r[32];

	ref_format(conf->case_prefix, ref, r, sizeof(r));
	if ((st = store_case_read(txn, ref, 0, c)) == STORE_NOTFOUND)
		return cmd_refuse(&m->why, CONTROL_E_NOTFOUND, "no case %s", r);
	if (st != STORE_OK)
		return st;
	if (!control_sees_case(m->req->who, conf, c)) {
		store_case_clear(c);
		return cmd_refuse(&m->why, CONTROL_E_NOTFOUND, "no case %s", r);
	}
	return STORE_OK;
}

/* Whether the two cases may become one; refuses with the reason if not. */
static enum store_status
check_pair(struct merge *m, const struct store_case *k,
    const struct store_case *j)
{
	const struct config	*conf = m->req->conf;
	const struct category	*ck, *cj;
	char			 rk[32], rj[32], rn[32];

	ref_format(conf->case_prefix, m->keep, rk, sizeof(rk));
	ref_format(conf->case_prefix, m->join, rj, sizeof(rj));
	if (k->ref_number != m->keep) {
		ref_format(conf->case_prefix, k->ref_number, rn, sizeof(rn));
		return cmd_refuse(&m->why, CONTROL_E_CONFLICT, "%s was merged into %s: "
		    "merge into %s", rk, rn, rn);
	}
	if (j->id == k->id)
		return cmd_refuse(&m->why, CONTROL_E_CONFLICT, "%s is already part of "
		    "%s", rj, rk);
	if (j->ref_number != m->join) {
		ref_format(conf->case_prefix, j->ref_number, rn, sizeof(rn));
		return cmd_refuse(&m->why, CONTROL_E_CONFLICT, "%s was merged into %s "
		    "already", rj, rn);
	}
	if (!cmd_case_open(k->state))
		return cmd_refuse(&m->why, CONTROL_E_CONFLICT, "%s is %s: reopen it "
		    "first", rk, store_case_state_name(k->state));
	if (k->resident != j->resident)
		return cmd_refuse(&m->why, CONTROL_E_CONFLICT, "%s and %s come from "
		    "different residents: each keeps its case, so that each "
		    "gets the answer", rk, rj);
	ck = config_category(conf, k->category);
	cj = config_category(conf, j->category);
	if ((ck != NULL && ck->restricted) != (cj != NULL && cj->restricted))
		return cmd_refuse(&m->why, CONTROL_E_CONFLICT, "%s (%s) and %s (%s): a "
		    "restricted case is merged only with another restricted "
		    "case", rk, k->category, rj, j->category);
	return STORE_OK;
}

/* The events and the audit entry of a merge done. */
static enum store_status
record(struct store_txn *txn, struct merge *m, const struct store_case *k,
    const struct store_case *j)
{
	const char		*actor = m->req->who->user;
	enum store_status	 st;
	char			 rk[32], rj[32], detail[128];

	ref_format(m->req->conf->case_prefix, m->keep, rk, sizeof(rk));
	ref_format(m->req->conf->case_prefix, m->join, rj, sizeof(rj));
	snprintf(detail, sizeof(detail), "merged into %s", rk);
	if (cmd_case_open(j->state) && (st = store_case_event_add(txn, j->id,
	    STORE_CASE_RESOLVED, actor, detail, m->now, NULL)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "%s merged in (%lld messages)", rj,
	    (long long)m->moved);
	if ((st = store_case_event_add(txn, k->id, k->state, actor, detail,
	    m->now, NULL)) != STORE_OK)
		return st;
	snprintf(detail, sizeof(detail), "%s into %s, %lld messages", rj, rk,
	    (long long)m->moved);
	return store_audit_append(txn, actor, "case.merge", k->id, detail);
}

/* The work on the store's writer. */
static enum store_status
merge_work(struct store_txn *txn, void *arg)
{
	struct merge		*m = arg;
	struct store_case	 k, j;
	enum store_status	 st;

	if ((st = read_case(txn, m, m->keep, &k)) != STORE_OK)
		return st;
	if ((st = read_case(txn, m, m->join, &j)) != STORE_OK) {
		store_case_clear(&k);
		return st;
	}
	if ((st = check_pair(m, &k, &j)) == STORE_OK &&
	    (st = store_case_merge(txn, k.id, j.id, &m->moved)) == STORE_OK)
		st = record(txn, m, &k, &j);
	m->deadline = k.deadline;
	if (cmd_case_open(j.state) && j.deadline < m->deadline)
		m->deadline = j.deadline;
	store_case_clear(&k);
	store_case_clear(&j);
	return st;
}

/*
 * merge {"ref": KEEP, "join": JOIN}: JOIN becomes part of KEEP.  Answers
 * the two references, the messages moved and KEEP's answer date.
 */
int
cmd_merge(struct control_req *req)
{
	struct merge		 m;
	enum store_status	 st;
	const char		*s = cmd_arg_str(req, "join");
	char			 rk[32], rj[32];

	memset(&m, 0, sizeof(m));
	m.req = req;
	if ((m.keep = cmd_arg_ref(req)) == 0)
		return -1;
	if ((m.join = ref_parse(req->conf->case_prefix, s,
	    REF_PREFIX_OPTIONAL)) == 0)
		return control_fail(req, CONTROL_E_USAGE, "'%s' is not a case "
		    "reference (like %s-000123)", s != NULL ? s : "",
		    req->conf->case_prefix);
	if (m.join == m.keep)
		return control_fail(req, CONTROL_E_USAGE, "a case is not "
		    "merged with itself");
	m.now = clock_unix();
	st = store_submit_wait(req->svc->store, merge_work, &m);
	if (st != STORE_OK && m.why.err != CONTROL_E_OK)
		return cmd_refusal_send(req, &m.why);
	if (st != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not saved: %s",
		    store_strerror(st));
	ref_format(req->conf->case_prefix, m.keep, rk, sizeof(rk));
	ref_format(req->conf->case_prefix, m.join, rj, sizeof(rj));
	req->data = json_pack("{s:s, s:s, s:I, s:o, s:s}", "ref", rk,
	    "joined", rj, "messages", (json_int_t)m.moved, "deadline",
	    cmd_jtime(m.deadline), "by", req->who->user);
	return 0;
}
