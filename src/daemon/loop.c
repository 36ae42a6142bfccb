/*
 * loop.c: the daemon's main loop.  The main thread waits in poll(2) on the
 * descriptors registered with loop_watch() (the signals, the timer, the
 * parts of long messages to assemble) and runs each one's callback when it
 * is readable.  Work that blocks runs on other threads (the store's
 * writer, HTTP requests, modems, the control socket); callbacks must be
 * short.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>

#include "daemon/loop.h"
#include "base/log.h"

#define MAX_WATCHES	32

static struct {
	struct {
		int	  fd;
		void	(*cb)(int, void *);
		void	 *arg;
	}		 w[MAX_WATCHES];
	size_t		 n;
	int		 stopping;
	int		 code;
} loop;

/*
 * Registers fd: cb(fd, arg) runs on the main thread whenever fd is
 * readable (or hung up).  Returns 0, or -1 when the table is full.
 */
int
loop_watch(int fd, void (*cb)(int, void *), void *arg)
{
	if (loop.n == MAX_WATCHES)
		return -1;
	loop.w[loop.n].fd = fd;
	loop.w[loop.n].cb = cb;
	loop.w[loop.n].arg = arg;
	loop.n++;
	return 0;
}

/* Stops watching fd. */
void
loop_unwatch(int fd)
{
	size_t	i;

	for (i = 0; i < loop.n; i++)
		if (loop.w[i].fd == fd) {
			loop.w[i] = loop.w[--loop.n];
			return;
		}
}

/* Runs the callback of fd, if it is still watched. */
static void
loop_dispatch(int fd)
{
	size_t	i;

	for (i = 0; i < loop.n; i++)
		if (loop.w[i].fd == fd) {
			loop.w[i].cb(fd, loop.w[i].arg);
			return;
		}
}

/* Ends loop_run() once the callback that calls it returns. */
void
loop_stop(int code)
{
	loop.stopping = 1;
	loop.code = code;
}

/* Runs the callbacks until one calls loop_stop(); returns its code. */
int
loop_run(void)
{
	struct pollfd	pfd[MAX_WATCHES];
	size_t		i, n;

	loop.stopping = 0;
	while (!loop.stopping) {
		n = loop.n;
		for (i = 0; i < n; i++) {
			pfd[i].fd = loop.w[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		/* A callback may change the table: run what was polled. */
		for (i = 0; i < n && !loop.stopping; i++)
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				loop_dispatch(pfd[i].fd);
	}
	return loop.code;
}
