/*
 * audit.h: an audit entry for something done outside a case's own
 * transaction (a configuration reload, an injected message), and the
 * keeper of the audit log's key and checkpoints.
 */
#ifndef PAPIGW_CORE_AUDIT_H
#define PAPIGW_CORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct config;
struct audit_keeper;

/* One line of the checkpoint file: the log as the daemon saw it. */
struct audit_checkpoint {
	int64_t		 at;		/* Unix seconds */
	int64_t		 entries;
	int64_t		 last_id;	/* the newest entry */
	char		 head[STORE_HASH_HEX];	/* its hash */
};

enum store_status audit_record(struct store *, const char *actor,
		    const char *action, int64_t case_id, const char *detail);

struct audit_keeper *audit_keeper_new(const struct config *, char *err,
		    size_t errsz);
const unsigned char *audit_keeper_key(const struct audit_keeper *,
		    size_t *len);
const char	*audit_keeper_key_path(const struct audit_keeper *);
const char	*audit_keeper_fingerprint(const struct audit_keeper *);
int		 audit_keeper_start(struct audit_keeper *, struct store *,
		    const struct config *, char *err, size_t errsz);
void		 audit_keeper_tick(struct audit_keeper *, struct store *,
		    const struct config *, int force);
void		 audit_keeper_free(struct audit_keeper *);
int		 audit_checkpoint_path(const struct config *, char *buf,
		    size_t bufsz);
int		 audit_checkpoints_read(const struct audit_keeper *,
		    const char *path, struct audit_checkpoint **cps,
		    size_t *ncps, size_t *forged);

#endif /* PAPIGW_CORE_AUDIT_H */
