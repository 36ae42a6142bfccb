/*
 * audit.h: an audit entry for something done outside a case's own
 * transaction (a configuration reload, an injected message).
 */
#ifndef PAPIGW_CORE_AUDIT_H
#define PAPIGW_CORE_AUDIT_H

#include <stdint.h>

#include "store/store.h"

enum store_status audit_record(struct store *, const char *actor,
		    const char *action, int64_t case_id, const char *detail);

#endif /* PAPIGW_CORE_AUDIT_H */
