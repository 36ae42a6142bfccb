/*
 * unixsend: talks to a Unix stream socket for the tests of the control
 * socket, below papictl: connects to SOCKET, waits HOLD milliseconds
 * (default 0: a client that connects and says nothing yet), sends what it
 * reads from standard input, closes its side, and prints what comes back
 * until the other side closes.  Exit 1 when it cannot connect.
 *
 *	unixsend SOCKET [HOLD]
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	struct timespec		 ts;
	char			 buf[65536];
	ssize_t			 n, w;
	long			 hold = 0;
	int			 fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: unixsend socket [hold_ms]\n");
		return 2;
	}
	if (argc == 3)
		hold = strtol(argv[2], NULL, 10);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror("unixsend: connect");
		return 1;
	}
	if (hold > 0) {
		ts.tv_sec = hold / 1000;
		ts.tv_nsec = (hold % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
	while ((n = read(0, buf, sizeof(buf))) > 0)
		for (w = 0; w < n; ) {
			ssize_t k = send(fd, buf + w, (size_t)(n - w),
			    MSG_NOSIGNAL);

			if (k <= 0)
				goto drain;
			w += k;
		}
drain:
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}
