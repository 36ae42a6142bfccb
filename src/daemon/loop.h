/*
 * loop.h: the main loop
 */
#ifndef PAPIGW_DAEMON_LOOP_H
#define PAPIGW_DAEMON_LOOP_H

#include <stddef.h>
#include <stdint.h>

int	daemon_watch(int fd, void (*cb)(int, void *), void *arg);
void	daemon_unwatch(int fd);

#endif /* PAPIGW_DAEMON_LOOP_H */
