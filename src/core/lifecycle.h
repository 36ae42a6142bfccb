/*
 * lifecycle.h: what residents do to their cases; case references
 */
#ifndef PAPIGW_CORE_LIFECYCLE_H
#define PAPIGW_CORE_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "store/store.h"

enum store_status lifecycle_reopen(struct store_txn *, const struct config *,
		    const struct store_case *, const char *actor,
		    const char *detail, int64_t now, int64_t *deadline);
enum store_status lifecycle_inbound(struct store_txn *,
		    const struct config *, const char *sender,
		    const char *text, int64_t quoted_ref, int64_t message_id,
		    int64_t now, int64_t *case_id, int64_t *ref,
		    int64_t *deadline);

#endif /* PAPIGW_CORE_LIFECYCLE_H */
