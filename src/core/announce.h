/*
 * announce.h: subscriptions and announcements in the gateway's core
 * (subscribe.c, announce.c).
 *
 * subscribe_reply() answers a resident's subscription message inside the
 * ingest transaction; announce_feed_work() moves the recipients of the
 * announcements being sent to the outbox, a batch a transaction, at the
 * bulk priority; announce_message() composes what a recipient gets.
 */
#ifndef PAPIGW_CORE_ANNOUNCE_H
#define PAPIGW_CORE_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "core/reply.h"
#include "domain/subscribe.h"
#include "store/announce.h"
#include "store/store.h"

#define ANNOUNCE_TEXT_MAX	4096	/* bytes of a composed message */
#define ANNOUNCE_AREAS_JSON_MAX	(CONF_AREAS_MAX * (CONF_ID_MAX + 3) + 3)

enum store_status subscribe_reply(struct store_txn *, struct reply_ctx *,
		    const struct sub_request *);
size_t		 announce_render(const char *tpl, const char *list,
		    const char *code, char *buf, size_t bufsz);
size_t		 announce_message(const struct config *,
		    const struct store_announcement *, int en, char *buf,
		    size_t bufsz);
size_t		 announce_areas_json(const struct config *,
		    const char *areas, char *buf, size_t bufsz);
size_t		 subscribe_list_text(const struct config *, struct store *,
		    const char *number, enum language, char *buf,
		    size_t bufsz);
int		 announce_check_areas(const struct config *,
		    const char *areas, char *bad, size_t badsz);

/* One feeding round over every announcement being sent. */
struct announce_feed {
	const struct config	*conf;
	int64_t			 id;		/* the announcement */
	int64_t			 queued;	/* rows written */
	int64_t			 skipped;	/* opted out meanwhile */
	int64_t			 unreachable;	/* no channel can send */
	int			 finished;	/* none pending any more */
};

enum store_status announce_feed_work(struct store_txn *, void *arg);
enum store_status announce_stranded_work(struct store_txn *, void *arg);

#endif /* PAPIGW_CORE_ANNOUNCE_H */
