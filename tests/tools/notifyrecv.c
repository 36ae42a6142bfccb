/*
 * notifyrecv: stands in for systemd's notification socket in tests.
 *
 *	notifyrecv SOCKET OUTFILE SECONDS
 *
 * Binds a Unix datagram socket at SOCKET and appends every datagram it
 * receives, one per line (newlines inside become '|'), to OUTFILE, until
 * SECONDS have passed or it gets SIGTERM.  Exit 0, or 1 on a setup error.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t	stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	char			 buf[4096];
	FILE			*out;
	time_t			 end;
	ssize_t			 n, i;
	int			 fd;

	if (argc != 4)
		return 1;
	end = time(NULL) + atoi(argv[3]);
	signal(SIGTERM, on_term);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		return 1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sun.sun_path))
		return 1;
	strcpy(sun.sun_path, argv[1]);
	unlink(argv[1]);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return 1;
	if ((out = fopen(argv[2], "a")) == NULL)
		return 1;
	while (!stop && time(NULL) < end) {
		struct pollfd pfd = { fd, POLLIN, 0 };

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = recv(fd, buf, sizeof(buf) - 1, 0)) <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = '|';
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
		fflush(out);
	}
	fclose(out);
	unlink(argv[1]);
	return 0;
}
