/*
 * lookup.c: the answer to a lookup in the procedure catalogue
 * (domain/catalogue.c decides what was asked for, on the caller's
 * thread): the procedure, the list to choose from or a short help, in
 * the resident's language and at most catalogue.max_parts SMS parts,
 * under the guards of every automatic reply, and an audit entry.
 */
#include <stdio.h>

#include "core/lookup.h"
#include "conf/config.h"
#include "domain/catalogue.h"
#include "store/store.h"
#include "core/reply.h"

enum store_status
catalogue_reply(struct store_txn *txn, struct reply_ctx *ctx,
    const struct catalogue_query *q)
{
	const struct config	*conf = ctx->conf;
	enum store_status	 st;
	char			 text[REPLY_TEXT_MAX], detail[160];

	if (q->exact)
		snprintf(detail, sizeof(detail), "message %lld: procedure %s",
		    (long long)ctx->message_id,
		    conf->procedures[q->found[0]].code);
	else
		snprintf(detail, sizeof(detail), "message %lld: procedures: "
		    "%d to choose from", (long long)ctx->message_id, q->n);
	if ((st = store_audit_append(txn, "papigwd", "message.procedure", 0,
	    detail)) != STORE_OK)
		return st;
	catalogue_answer(conf, q, ctx->lang == LANG_EN, text, sizeof(text));
	return reply_asked(txn, ctx, conf->catalogue_max_parts, text);
}
