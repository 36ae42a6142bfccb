/*
 * cmd_audit.c: the daemon's side of papictl audit: the newest entries of
 * the audit log, and its verification.
 *
 * Verifying walks every entry (store/audit_chain.c says how they are
 * made): each must name the hash of the one before it and carry the hash
 * of its content, the plain SHA-256 up to the seal (the entries from
 * before keyed auditing) and the HMAC with the daemon's key from the seal
 * on, so that an entry edited, inserted or removed, even with the chain
 * made again, and an entry forged without the key are found.  The
 * newest entry is compared with the head that the store keeps beside the
 * log, and the whole log with every checkpoint of the checkpoint file
 * (core/audit.c): a checkpoint names an entry and the number of entries
 * up to it, so that the newest entries removed, or all of them, are
 * found too.  The answer says what the log was checked against.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <jansson.h>

#include "daemon/cmd.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/ref.h"
#include "store/store.h"
#include "store/query.h"
#include "core/audit.h"
#include "daemon/services.h"

#define AUDIT_LIMIT_DEFAULT	50
#define AUDIT_PROBLEMS_MAX	20	/* problems listed by a verification */

static void
audit_row(const struct store_audit *a, int64_t ref, void *arg)
{
	struct control_req	*req = arg;
	json_t			*rows = json_object_get(req->data, "entries");
	char			 rbuf[32];

	rbuf[0] = '\0';
	if (ref != 0)
		ref_format(req->conf->case_prefix, ref, rbuf, sizeof(rbuf));
	json_array_append_new(rows, json_pack("{s:I, s:o, s:o, s:o, s:s, "
	    "s:o, s:s}", "id", (json_int_t)a->id, "at", cmd_jtime(a->at), "actor",
	    cmd_jstr(a->actor), "action", cmd_jstr(a->action), "ref", rbuf,
	    "detail", cmd_jstr(a->detail), "hash", a->hash));
}

struct verify_ctx {
	const unsigned char	*key;
	size_t			 keylen;
	char			 prev[STORE_HASH_HEX];	/* the last hash */
	int64_t			 last_id;
	int64_t			 entries;
	int64_t			 sealed;	/* the seal's id, or 0 */
	int64_t			 unkeyed;	/* entries before it */
	json_t			*problems;
	int64_t			 first_bad;
	struct audit_checkpoint	*cps;		/* by last_id */
	size_t			 ncps, next;
};

static void __attribute__((format(printf, 3, 4)))
problem(struct verify_ctx *vc, int64_t id, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	if (vc->first_bad == 0 || id < vc->first_bad)
		vc->first_bad = id;
	if (json_array_size(vc->problems) >= AUDIT_PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(vc->problems, json_string(msg));
}

/* The checkpoints up to entry a (just counted) against the log. */
static void
verify_checkpoints(struct verify_ctx *vc, const struct store_audit *a)
{
	const struct audit_checkpoint	*c;

	for (; vc->next < vc->ncps; vc->next++) {
		c = &vc->cps[vc->next];
		if (c->last_id > a->id)
			break;
		if (c->last_id < a->id)
			problem(vc, c->last_id, "entry %lld is gone: the "
			    "checkpoint of %lld saw it as the newest of %lld "
			    "entries", (long long)c->last_id, (long long)c->at,
			    (long long)c->entries);
		else if (strcmp(c->head, a->hash) != 0 ||
		    c->entries != vc->entries)
			problem(vc, a->id, "entry %lld is not the one the "
			    "checkpoint of %lld saw (%lld entries up to it "
			    "then, %lld now)", (long long)a->id,
			    (long long)c->at, (long long)c->entries,
			    (long long)vc->entries);
	}
}

static int
verify_row(const struct store_audit *a, void *arg)
{
	struct verify_ctx	*vc = arg;
	char			 h[STORE_HASH_HEX];
	int			 keyed;

	if (vc->sealed == 0 && a->action != NULL &&
	    strcmp(a->action, STORE_AUDIT_SEAL) == 0)
		vc->sealed = a->id;
	if (!(keyed = vc->sealed != 0))
		vc->unkeyed++;
	if (strcmp(a->prev_hash, vc->prev) != 0)
		problem(vc, a->id, "entry %lld does not follow entry %lld: an "
		    "entry between them was removed, inserted or changed",
		    (long long)a->id, (long long)vc->last_id);
	/*
	 * An entry that names the one before by its first digits and does
	 * not follow it (store/audit_chain.c) has no whole hash to check
	 * its own against: said above.
	 */
	if (strlen(a->prev_hash) != STORE_AUDIT_LINK) {
		if (store_audit_mac(keyed ? vc->key : NULL, keyed ?
		    vc->keylen : 0, a, h) == -1)
			return -1;
		if (CRYPTO_memcmp(h, a->hash, sizeof(h)) != 0)
			problem(vc, a->id, "entry %lld was changed or forged "
			    "(its %s does not match its content)",
			    (long long)a->id, keyed ? "HMAC with the key" :
			    "hash");
	}
	copy_str(vc->prev, sizeof(vc->prev), a->hash);
	vc->last_id = a->id;
	vc->entries++;
	verify_checkpoints(vc, a);
	return 0;
}

static int
cp_cmp(const void *a, const void *b)
{
	const struct audit_checkpoint	*x = a, *y = b;

	if (x->last_id != y->last_id)
		return x->last_id < y->last_id ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * Reads the checkpoint file into vc and says what it holds in against.
 * A file that conf names but that cannot be read is a problem.
 */
static void
load_checkpoints(struct control_req *req, struct verify_ctx *vc,
    json_t *against)
{
	const struct audit_keeper	*k = req->svc->audit;
	const struct audit_checkpoint	*n;
	char				 path[PATH_MAX];
	size_t				 forged, i;
	int				 p;

	if ((p = audit_checkpoint_path(req->conf, path, sizeof(path))) != 1) {
		json_object_set_new(against, "checkpoints", json_string(
		    "none (audit.checkpoint_file): compare the head with the "
		    "newest \"audit: checkpoint\" line of the journal"));
		return;
	}
	if (audit_checkpoints_read(k, path, &vc->cps, &vc->ncps,
	    &forged) == -1) {
		problem(vc, 1, "the checkpoint file %s cannot be read: %s",
		    path, strerror(errno));
		return;
	}
	if (forged > 0)
		problem(vc, 1, "%zu lines of %s are not the daemon's "
		    "checkpoints (forged or damaged)", forged, path);
	qsort(vc->cps, vc->ncps, sizeof(*vc->cps), cp_cmp);
	for (i = 0, n = NULL; i < vc->ncps; i++)
		if (n == NULL || vc->cps[i].at > n->at)
			n = &vc->cps[i];
	json_object_set_new(against, "checkpoints", json_pack("{s:s, s:I}",
	    "file", path, "count", (json_int_t)vc->ncps));
	if (n != NULL)
		json_object_set_new(json_object_get(against, "checkpoints"),
		    "newest", json_pack("{s:o, s:I, s:I, s:s}", "at",
		    cmd_jtime(n->at), "entries", (json_int_t)n->entries,
		    "last", (json_int_t)n->last_id, "head", n->head));
}

/* What the walk cannot see by itself: the end of the log. */
static void
verify_end(struct verify_ctx *vc, int64_t head_id, int64_t head_n,
    const char *head)
{
	const struct audit_checkpoint	*c;

	if (head_id != vc->last_id || head_n != vc->entries ||
	    (vc->entries > 0 && strcmp(head, vc->prev) != 0))
		problem(vc, vc->last_id + 1, "the log ends at entry %lld (%lld "
		    "entries) but the store's head says entry %lld (%lld "
		    "entries): the newest entries were removed or changed",
		    (long long)vc->last_id, (long long)vc->entries,
		    (long long)head_id, (long long)head_n);
	for (; vc->next < vc->ncps; vc->next++) {
		c = &vc->cps[vc->next];
		problem(vc, vc->last_id + 1, "the log ends at entry %lld "
		    "(%lld entries), but the checkpoint of %lld saw entry "
		    "%lld (%lld entries): the newest entries were removed "
		    "(or an older copy of the database was restored)",
		    (long long)vc->last_id, (long long)vc->entries,
		    (long long)c->at, (long long)c->last_id,
		    (long long)c->entries);
	}
	if (vc->keylen > 0 && vc->sealed == 0)
		problem(vc, vc->last_id + 1, "no entry is keyed, though the "
		    "daemon seals the log when it starts: the keyed entries "
		    "were removed or rewritten");
}

/* What the log was checked against, for the answer. */
static json_t *
against_of(struct control_req *req)
{
	const struct audit_keeper	*k = req->svc->audit;

	return json_pack("{s:{s:s, s:s, s:s}, s:s}", "key", "file",
	    audit_keeper_key_path(k), "fingerprint",
	    audit_keeper_fingerprint(k), "mac", "HMAC-SHA256",
	    "head", "the store's audit_head");
}

/* The journal's copy of a verification. */
static void
verify_log(struct control_req *req, struct verify_ctx *vc)
{
	if (vc->first_bad != 0)
		log_warnx(_("audit: verification by %s failed at entry %lld"),
		    req->who->user, (long long)vc->first_bad);
	else
		log_notice(_("audit: verified by %s: %lld entries, the newest "
		    "%lld, head %s"), req->who->user, (long long)vc->entries,
		    (long long)vc->last_id, vc->prev);
}

/* Verifies the whole log; the answer says what is wrong, and against what. */
static int
audit_verify(struct control_req *req, struct store_query *q)
{
	struct verify_ctx	 vc;
	enum store_status	 st;
	char			 head[STORE_HASH_HEX];
	int64_t			 head_id, head_n;
	json_t			*against = against_of(req);

	memset(&vc, 0, sizeof(vc));
	memset(vc.prev, '0', sizeof(vc.prev) - 1);
	vc.key = audit_keeper_key(req->svc->audit, &vc.keylen);
	vc.problems = json_array();
	load_checkpoints(req, &vc, against);
	st = store_audit_walk(q, verify_row, &vc, &head_id, &head_n, head);
	if (st != STORE_OK) {
		free(vc.cps);
		json_decref(vc.problems);
		json_decref(against);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "audit: %s",
		    store_strerror(st));
	}
	verify_end(&vc, head_id, head_n, head);
	free(vc.cps);
	json_object_set_new(against, "sealed_by", json_integer(vc.sealed));
	json_object_set_new(against, "unkeyed", json_integer(vc.unkeyed));
	req->data = json_pack("{s:b, s:I, s:I, s:s, s:o, s:o}", "verified",
	    json_array_size(vc.problems) == 0, "entries",
	    (json_int_t)vc.entries, "last", (json_int_t)vc.last_id, "head",
	    vc.prev, "problems", vc.problems, "checked_against", against);
	if (vc.first_bad != 0)
		json_object_set_new(req->data, "first_bad",
		    json_integer(vc.first_bad));
	verify_log(req, &vc);
	return 0;
}

/* audit [--verify] [--limit N]: the newest entries, or a verification. */
int
cmd_audit(struct control_req *req)
{
	struct store_query	*q;
	json_t			*j;
	int64_t			 limit = AUDIT_LIMIT_DEFAULT;

	/* One log, one chain, of every ward's work. */
	if (req->who->ward[0] != '\0')
		return control_fail(req, CONTROL_E_FORBIDDEN, "the audit log "
		    "holds every ward's work: a role of every ward reads it");
	if ((q = control_query(req)) == NULL)
		return -1;
	if (json_is_true(json_object_get(req->args, "verify")))
		return audit_verify(req, q);
	j = json_object_get(req->args, "limit");
	if (j != NULL && (!json_is_integer(j) || json_integer_value(j) < 1 ||
	    json_integer_value(j) > 100000))
		return control_fail(req, CONTROL_E_USAGE, "limit: a number "
		    "from 1 to 100000");
	if (j != NULL)
		limit = json_integer_value(j);
	req->data = json_pack("{s:[]}", "entries");
	if (store_audit_list(q, 0, limit, audit_row, req) != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	return 0;
}
