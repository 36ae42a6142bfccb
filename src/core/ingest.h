/*
 * ingest.h: the pipeline every inbound message goes through
 */
#ifndef PAPIGW_CORE_INGEST_H
#define PAPIGW_CORE_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

struct slot;
#include "store/store.h"
#include "domain/router.h"
#include "core/reply.h"
#include "core/metrics.h"

struct ingest;

/* A message as a channel received it; the strings are copied. */
struct inbound {
	const char	*channel;	/* configured channel name */
	const char	*provider_id;	/* or NULL: dedupe by sender and text */
	const char	*sender;
	const char	*recipient;	/* or NULL */
	const char	*text;		/* bytes as received, maybe not UTF-8 */
	size_t		 textlen;
	const char	*encoding;	/* "gsm7", "ucs2", "8bit" or NULL */
	int64_t		 provider_time;	/* Unix seconds, 0 if unknown */
	/* Parts it was assembled from, marked in the same transaction. */
	const struct store_part_set *parts;
	/*
	 * A report the resident filed explicitly from a menu (USSD): always
	 * a new case, never a special word or a follow-up; under category
	 * (an id) when not NULL, else where the router puts it.  no_ack: no
	 * automatic acknowledgement.
	 */
	int		 new_case;
	const char	*category;
	int		 no_ack;
	/* Where a new case came from (domain/source.h); 0: SMS. */
	enum case_source source;
	/*
	 * An officer's record of a slip or a point raised in person
	 * (papictl intake), kept with the new case, or NULL; received: when
	 * it was received, 0: now.
	 */
	const struct store_intake *intake;
	int64_t		 received;
};

/* What became of a message; strings valid during the callback only. */
struct ingest_result {
	enum store_status status;	/* STORE_OK: committed */
	int		 duplicate;	/* stored before: nothing new */
	int		 attached;	/* joined an open case */
	int		 created;	/* opened a new case */
	int		 invalid_utf8;	/* kept raw, shown repaired */
	int		 reply_allowed;	/* not a short code, ... */
	enum route_kind	 kind;
	const char	*category;
	char		 secondary[128];
	int64_t		 message_id;
	int64_t		 case_id;
	int64_t		 ref_number;	/* 0: no case */
	/* The automatic reply (reply.c). */
	int		 special;	/* enum reply_special; 0: none */
	int		 reply;		/* enum reply_block: sent, or why not */
	int64_t		 reply_id;	/* its outbox row, or 0 */
	int		 reply_segments; /* its SMS parts */
	int		 lang;		/* enum language of the answers */
	int		 quarantined;	/* it quarantined its sender */
};

typedef void	(*ingest_done_fn)(const struct ingest_result *, void *arg);

struct ingest	*ingest_new(struct store *, struct slot *classifiers,
		    struct metrics *);
void		 ingest_free(struct ingest *);
int		 ingest_submit(struct ingest *, struct config *,
		    const struct inbound *, ingest_done_fn, void *arg);
int		 ingest_part_submit(struct ingest *, const struct store_part *,
		    store_done_fn, void *arg);
void		 ingest_parts_kick(struct ingest *);
void		 ingest_on_parts(struct ingest *, void (*)(void *), void *arg);
void		 ingest_parts_assemble(struct ingest *, struct config *);
int		 ingest_dlr_submit(struct ingest *, const struct store_dlr *,
		    store_done_fn, void *arg);

#endif /* PAPIGW_CORE_INGEST_H */
