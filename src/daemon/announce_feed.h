/*
 * announce_feed.h: the thread that moves the recipients of announcements
 * being sent to the outbox (announce_feed.c).
 */
#ifndef PAPIGW_DAEMON_ANNOUNCE_FEED_H
#define PAPIGW_DAEMON_ANNOUNCE_FEED_H

struct announce_feeder;
struct services;

struct announce_feeder *announce_feeder_start(struct services *, char *err,
		    size_t errsz);
void		 announce_feeder_kick(struct announce_feeder *);
void		 announce_feeder_stop(struct announce_feeder *);

#endif /* PAPIGW_DAEMON_ANNOUNCE_FEED_H */
