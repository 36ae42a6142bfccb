/*
 * audit.c: an audit entry of its own (audit.h).  Changes to cases write
 * their entries in their own transactions; this is for what has none.
 */
#include <stdint.h>

#include "core/audit.h"
#include "store/store.h"

struct entry {
	const char	*actor;
	const char	*action;
	int64_t		 case_id;
	const char	*detail;
};

static enum store_status
entry_work(struct store_txn *txn, void *arg)
{
	struct entry	*e = arg;

	return store_audit_append(txn, e->actor, e->action, e->case_id,
	    e->detail);
}

/*
 * Appends an entry, actor did action (to case_id, or 0) with detail (or
 * NULL), and waits until it is durable.  Returns STORE_OK or why not.
 * Not for the store's own threads.
 */
enum store_status
audit_record(struct store *st, const char *actor, const char *action,
    int64_t case_id, const char *detail)
{
	struct entry	e = { actor, action, case_id, detail };

	return store_submit_wait(st, entry_work, &e);
}
