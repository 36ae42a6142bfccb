/*
 * renumber.c: the numbers an older papigw stored as each channel wrote
 * them ("0901110004" from a modem, "84901110004" from Vonage) rewritten
 * in E.164 once, at start, and the residents one phone was split into
 * merged (store_sender_renumber()).
 *
 * It runs when the store has not been rewritten for the configured
 * country code yet: on the first start after the upgrade, and again if
 * ward.country_code changes.  One transaction: all or nothing.  The
 * audit log gets one entry with what was merged; its older entries are
 * history and stay as they were written.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/renumber.h"
#include "base/i18n.h"
#include "base/log.h"
#include "domain/field.h"

#define DETAIL_MAX	1024	/* bytes of the audit entry's detail */

struct renumber {
	const char		*country;
	struct store_txn	*txn;
	enum store_status	 r;
	int64_t			 numbers;	/* rewritten */
	int64_t			 merged;	/* pseudonyms merged */
	char			 detail[DETAIL_MAX];
};

/* Rewrites one stored number when it is not in E.164 already. */
static void
renumber_one(const char *number, void *arg)
{
	struct renumber	*rn = arg;
	char		 e164[FIELD_E164_SIZE];
	int64_t		 from, into;
	size_t		 len;

	if (rn->r != STORE_OK ||
	    field_e164(number, rn->country, e164, sizeof(e164)) != 1)
		return;
	rn->r = store_sender_renumber(rn->txn, number, e164, &from, &into);
	rn->numbers++;
	if (rn->r != STORE_OK || from == 0)
		return;
	rn->merged++;
	len = strlen(rn->detail);
	if (len + 48 < sizeof(rn->detail))
		snprintf(rn->detail + len, sizeof(rn->detail) - len,
		    "%sR-%" PRId64 " into R-%" PRId64, len ? ", " : "",
		    from, into);
}

/* The store work: once per country code. */
static enum store_status
renumber_work(struct store_txn *txn, void *arg)
{
	struct renumber		*rn = arg;
	enum store_status	 r;
	int64_t			 done, code = strtoll(rn->country, NULL, 10);
	char			 detail[DETAIL_MAX + 128];

	rn->txn = txn;
	if ((r = store_sender_renumbered(txn, &done)) != STORE_OK ||
	    done == code)
		return r;
	if ((r = store_sender_numbers(txn, renumber_one, rn)) != STORE_OK)
		return r;
	if (rn->r != STORE_OK)
		return rn->r;
	if (rn->numbers > 0) {
		snprintf(detail, sizeof(detail), "%" PRId64 " numbers in "
		    "E.164 (+%s), %" PRId64 " residents merged%s%s",
		    rn->numbers, rn->country, rn->merged,
		    rn->merged ? ": " : "", rn->detail);
		if ((r = store_audit_append(txn, "papigwd", "renumber", 0,
		    detail)) != STORE_OK)
			return r;
	}
	return store_sender_renumbered_set(txn, code);
}

/*
 * Rewrites the store's numbers for conf's country code, if it has not
 * been done.  Returns 0, or -1 with the reason in err.
 */
int
renumber_store(struct store *st, const struct config *conf, char *err,
    size_t errsz)
{
	struct renumber		rn;
	enum store_status	r;

	memset(&rn, 0, sizeof(rn));
	rn.country = conf->country_code;
	if ((r = store_submit_wait(st, renumber_work, &rn)) != STORE_OK) {
		snprintf(err, errsz, "store: rewriting numbers in E.164: %s",
		    store_strerror(r));
		return -1;
	}
	if (rn.numbers > 0)
		log_notice(_("store: %" PRId64 " numbers rewritten in E.164, "
		    "%" PRId64 " residents merged"), rn.numbers, rn.merged);
	return 0;
}
