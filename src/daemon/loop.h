/*
 * loop.h: the daemon's main loop (loop.c): poll(2) over the descriptors
 * that the daemon's parts register, on the main thread.
 */
#ifndef PAPIGW_DAEMON_LOOP_H
#define PAPIGW_DAEMON_LOOP_H

int	 loop_watch(int fd, void (*cb)(int, void *), void *arg);
void	 loop_unwatch(int fd);
int	 loop_run(void);
void	 loop_stop(int code);

#endif /* PAPIGW_DAEMON_LOOP_H */
