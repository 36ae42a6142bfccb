/*
 * timers.h: the deadline and retention timer (timers.c).
 */
#ifndef PAPIGW_DAEMON_TIMERS_H
#define PAPIGW_DAEMON_TIMERS_H

struct services;
struct timers;

struct timers	*timers_new(void);
void		 timers_stop(struct timers *);
void		 timers_free(struct timers *);
void		 timers_tick(struct timers *, struct services *);

#endif /* PAPIGW_DAEMON_TIMERS_H */
