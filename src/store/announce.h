/*
 * announce.h: the store's subscriptions and announcements
 * (announce_rows.c).
 *
 * A subscription is one row per number and topic or area; a number with
 * no topic subscription takes every topic, one with no area subscription
 * every area (the whole ward).  An announcement goes to the numbers that
 * match its topic and one of its areas (or any area when it has none),
 * that did not opt out: chosen once, when sending starts
 * (store_announce_start()), into announce_recipients, then moved to the
 * outbox a batch at a time (store_announce_pending(),
 * store_announce_queued()), so that a restart goes on where it was and
 * nobody is queued twice.  Functions that take a struct store_txn run in
 * a work function on the writer connection; those that take a struct
 * store read committed data on the reader connection.  Structures the
 * store fills own their strings (store_announce_clear()).
 */
#ifndef PAPIGW_STORE_ANNOUNCE_H
#define PAPIGW_STORE_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_SUB_TOPIC		"topic"
#define STORE_SUB_AREA		"area"

enum store_announce_state {
	STORE_ANN_DRAFT,
	STORE_ANN_APPROVED,
	STORE_ANN_SENDING,	/* recipients being queued */
	STORE_ANN_SENT,		/* every recipient queued */
	STORE_ANN_CANCELLED
};

/* An announcement as read back; strings owned. */
struct store_announcement {
	int64_t		 id;
	char		*topic;
	char		*areas;		/* "kp1,kp2", "" for the whole ward */
	char		*text_vi;
	char		*text_en;	/* or NULL */
	char		*body;		/* or NULL */
	enum store_announce_state state;
	char		*drafter;
	char		*approver;	/* or NULL */
	int64_t		 created;
	int64_t		 approved;
	int64_t		 started;
	int64_t		 finished;
	int64_t		 cancelled;
	int64_t		 recipients;
};

/* A draft to store. */
struct store_announce_new {
	const char	*topic;
	const char	*areas;		/* "" for the whole ward */
	const char	*text_vi;
	const char	*text_en;	/* or NULL */
	const char	*body;		/* or NULL */
	const char	*drafter;
	int64_t		 created;	/* 0: now */
};

/* Where an announcement's recipients are. */
struct store_announce_stats {
	int64_t		 recipients;
	int64_t		 pending;	/* not in the outbox yet */
	int64_t		 skipped;	/* opted out before their turn */
	int64_t		 unreachable;	/* no channel could send to them */
	int64_t		 cancelled;	/* never queued: cancelled */
	int64_t		 queued;	/* in the outbox, not sent yet */
	int64_t		 sent;		/* accepted by the channel */
	int64_t		 delivered;	/* a delivery report said so */
	int64_t		 failed;	/* failed, interrupted, cancelled */
	int64_t		 parts;		/* SMS parts sent or delivered */
	int64_t		 comments;	/* cases that comment on it */
};

/*
 * Who an announcement would reach now (store_announce_reach()), of the
 * subscribers on one channel.
 */
struct store_announce_reach {
	const char	*channel;	/* the one they subscribed on */
	int64_t		 total;
	int64_t		 english;	/* of them, answered in English */
};

/* One pending recipient (store_announce_pending()'s callback). */
struct store_announce_to {
	int64_t		 id;		/* for store_announce_queued() */
	const char	*number;
	const char	*channel;
	int		 lang;		/* 0 vi, 1 en */
};

const char	*store_announce_state_name(enum store_announce_state);

/* Subscriptions (writer). */
enum store_status store_sub_add(struct store_txn *, const char *number,
		    const char *kind, const char *value, const char *channel,
		    int64_t at, int *added);
enum store_status store_sub_drop(struct store_txn *, const char *number,
		    const char *kind, const char *value, int64_t *n);
enum store_status store_sub_list(struct store_txn *, const char *number,
		    void (*)(const char *kind, const char *value, void *),
		    void *);

/* Announcements (writer). */
enum store_status store_announce_insert(struct store_txn *,
		    const struct store_announce_new *, int64_t *id);
enum store_status store_announce_read(struct store_txn *, int64_t id,
		    struct store_announcement *);
enum store_status store_announce_approve(struct store_txn *, int64_t id,
		    const char *approver, int64_t at);
enum store_status store_announce_start(struct store_txn *, int64_t id,
		    const char *areas_json, const char *channel, int64_t at,
		    int64_t *n);
enum store_status store_announce_pending(struct store_txn *, int64_t id,
		    int limit, void (*)(const struct store_announce_to *,
		    void *), void *);
enum store_status store_announce_queued(struct store_txn *,
		    int64_t recipient, int64_t outbox_id);
enum store_status store_announce_unreachable(struct store_txn *,
		    int64_t recipient);
enum store_status store_announce_stranded(struct store_txn *,
		    const char *channels_json, int64_t at, int64_t *n);
enum store_status store_announce_finish(struct store_txn *, int64_t id,
		    int64_t at, int *done);
enum store_status store_announce_cancel(struct store_txn *, int64_t id,
		    int64_t at, int64_t *unqueued, int64_t *unsent);
enum store_status store_announce_reply_to(struct store_txn *,
		    const char *number, int64_t since, int64_t *id);
enum store_status store_announce_link(struct store_txn *, int64_t case_id,
		    int64_t id);
enum store_status store_announce_erase(struct store_txn *, int64_t before,
		    int limit, int64_t *n);

/* Reads (reader). */
enum store_status store_announce_get(struct store *, int64_t id,
		    struct store_announcement *);
void		 store_announce_clear(struct store_announcement *);
enum store_status store_announce_latest(struct store *, const char *topic,
		    struct store_announcement *);
enum store_status store_announce_sending(struct store *, int64_t *ids,
		    size_t max, size_t *n);
enum store_status store_announce_reach(struct store *, const char *topic,
		    const char *areas_json, void (*)(const struct
		    store_announce_reach *, void *), void *);
enum store_status store_announce_stats(struct store *, int64_t id,
		    struct store_announce_stats *);
enum store_status store_announce_list(struct store *, int64_t from,
		    int64_t to, int all, void (*)(const struct
		    store_announcement *, void *), void *);
enum store_status store_announce_comments(struct store *, int64_t id,
		    int64_t from, int64_t to, int64_t *n);
enum store_status store_sub_read(struct store *, const char *number,
		    void (*)(const char *kind, const char *value, void *),
		    void *);
enum store_status store_sub_counts(struct store *, void (*)(const char *kind,
		    const char *value, int64_t n, void *), void *,
		    int64_t *numbers);

#endif /* PAPIGW_STORE_ANNOUNCE_H */
