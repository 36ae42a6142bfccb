/*
 * lookup.h: the answer to a lookup in the procedure catalogue (lookup.c),
 * in the store's transaction of the message that asked.
 */
#ifndef PAPIGW_CORE_LOOKUP_H
#define PAPIGW_CORE_LOOKUP_H

#include "store/store.h"
#include "domain/catalogue.h"
#include "core/reply.h"

enum store_status catalogue_reply(struct store_txn *, struct reply_ctx *,
		    const struct catalogue_query *);

#endif /* PAPIGW_CORE_LOOKUP_H */
