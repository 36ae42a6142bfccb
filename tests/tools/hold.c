/*
 * hold: holds many HTTP connections open against 127.0.0.1:PORT, the way
 * a client that wants to starve a server does, and measures meanwhile how
 * fast GET PATH is answered from another address.  For the HTTP limits'
 * test (t1005) and bench/http-hold.
 *
 *	hold [-a addr] [-n idle] [-s slow] [-i msec] [-t seconds]
 *	    [-r msec] [-p path] [-e msec] port
 *
 *   -a ADDR   the holding connections' source address (default 127.0.0.2;
 *             every 127.x.y.z is this machine's)
 *   -n IDLE   connections that send nothing (default 0)
 *   -s SLOW   connections that send a request's headers one byte every
 *             -i MSEC (default 1000) and never end them (slowloris)
 *   -t SECS   how long to hold them, from the first connect (default 10)
 *   -r MSEC   open a connection again MSEC milliseconds after the server
 *             closed it (default: never), as an attacker would
 *   -p PATH   GET PATH from 127.0.0.1 every -e MSEC (default 100) while
 *             they are held, each on a new connection
 *
 * Prints "name value" lines: for idle and slow connections, how many
 * were opened, refused (closed by the server within REFUSED_MS of
 * opening), cut (closed later; the first and last after how many
 * milliseconds) and still open at the end, and how many could not
 * connect, and how many were opened again; for the probes, how many, how
 * many answered 200, and their
 * latency (median, 99th percentile, maximum, in milliseconds).  Exit 0,
 * or 1 on a usage or system error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REFUSED_MS	500	/* closed sooner than this: refused */
#define OPEN_BATCH	200	/* connects started per loop turn */
#define PROBE_TIMEOUT	5	/* seconds a probe may take */
#define PROBES_MAX	100000

enum { C_CONNECTING, C_OPEN, C_CLOSED, C_FAILED };

struct conn {
	int	 fd;
	int	 slow;
	int	 state;
	int	 sent;		/* bytes of the request sent */
	double	 opened;	/* seconds */
	double	 closed;
};

struct kind {
	int	 opened, refused, cut, open, failed;
	double	 cut_min, cut_max;	/* milliseconds */
};

static const char slow_req[] = "GET / HTTP/1.1\r\nHost: papigw\r\nX-Slow: ";
static int	 port;
static char	 path[256] = "";
static int	 probe_every = 100;	/* milliseconds */
static volatile int done;
static double	 lat[PROBES_MAX];	/* probe latencies, milliseconds */
static int	 nlat, nok;
static int	 again_ms = -1;		/* -r */
static int	 reopened;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: hold [-a addr] [-n idle] [-s slow] [-i msec] "
	    "[-t seconds] [-r msec] [-p path] [-e msec] port\n");
	exit(1);
}

/* Starts a non-blocking connect from src to 127.0.0.1:port. */
static int
start_connect(const struct in_addr *src)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = *src;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* One GET of path on a new connection; its latency, -1 on failure. */
static double
probe(int *status)
{
	struct sockaddr_in	 sin;
	struct timeval		 tv = { PROBE_TIMEOUT, 0 };
	char			 req[300], buf[4096];
	double			 t0 = now();
	ssize_t			 n;
	size_t			 got = 0;
	int			 fd;

	*status = 0;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)port);
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\n\r\n", path);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    write(fd, req, strlen(req)) == -1) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		if ((got += (size_t)n) == sizeof(buf) - 1)
			got = 16;	/* the status line is kept */
	close(fd);
	buf[got] = '\0';
	if (n < 0 || sscanf(buf, "HTTP/1.%*d %d", status) != 1)
		return -1;
	return (now() - t0) * 1000;
}

static void *
prober(void *arg)
{
	struct timespec	 ts = { probe_every / 1000,
	    (long)(probe_every % 1000) * 1000000L };
	double		 ms;
	int		 status;

	(void)arg;
	while (!done && nlat < PROBES_MAX) {
		ms = probe(&status);
		lat[nlat++] = ms < 0 ? PROBE_TIMEOUT * 1000.0 : ms;
		if (status == 200)
			nok++;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* The server closed c (or c could not connect). */
static void
conn_end(struct conn *c, double t, int failed)
{
	close(c->fd);
	c->state = failed ? C_FAILED : C_CLOSED;
	c->closed = t;
}

/* Handles what epoll said about c. */
static void
conn_event(struct conn *c, unsigned ev, double t)
{
	char		buf[1024];
	int		err = 0;
	socklen_t	len = sizeof(err);
	ssize_t		n;

	if (c->state == C_CONNECTING) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) ==
		    -1 || err != 0) {
			conn_end(c, t, 1);
			return;
		}
		c->state = C_OPEN;
		c->opened = t;
	}
	if (!(ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		return;
	while ((n = read(c->fd, buf, sizeof(buf))) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		conn_end(c, t, 0);
}

/* Sends the next byte of each slow connection's endless request. */
static void
trickle(struct conn *cs, int n)
{
	char	b;
	int	i;

	for (i = 0; i < n; i++) {
		if (!cs[i].slow || cs[i].state != C_OPEN)
			continue;
		b = cs[i].sent < (int)sizeof(slow_req) - 1 ?
		    slow_req[cs[i].sent] : 'a';
		if (write(cs[i].fd, &b, 1) == 1)
			cs[i].sent++;
	}
}

static void
count(const struct conn *cs, int n, int slow, struct kind *k)
{
	double	ms;
	int	i;

	memset(k, 0, sizeof(*k));
	k->cut_min = 1e18;
	for (i = 0; i < n; i++) {
		if (cs[i].slow != slow)
			continue;
		if (cs[i].state == C_FAILED || cs[i].state == C_CONNECTING) {
			k->failed++;
			continue;
		}
		k->opened++;
		if (cs[i].state == C_OPEN) {
			k->open++;
			continue;
		}
		ms = (cs[i].closed - cs[i].opened) * 1000;
		if (ms < REFUSED_MS) {
			k->refused++;
			continue;
		}
		k->cut++;
		if (ms < k->cut_min)
			k->cut_min = ms;
		if (ms > k->cut_max)
			k->cut_max = ms;
	}
	if (k->cut == 0)
		k->cut_min = 0;
}

static void
print_kind(const char *name, const struct kind *k)
{
	printf("%s_opened %d\n%s_refused %d\n%s_cut %d\n%s_open %d\n"
	    "%s_failed %d\n%s_cut_min_ms %.0f\n%s_cut_max_ms %.0f\n", name,
	    k->opened, name, k->refused, name, k->cut, name, k->open, name,
	    k->failed, name, k->cut_min, name, k->cut_max);
}

static int
dbl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
print_probes(void)
{
	printf("probes %d\nprobes_ok %d\n", nlat, nok);
	if (nlat == 0)
		return;
	qsort(lat, (size_t)nlat, sizeof(lat[0]), dbl_cmp);
	printf("probe_p50_ms %.1f\nprobe_p99_ms %.1f\nprobe_max_ms %.1f\n",
	    lat[nlat / 2], lat[(nlat * 99) / 100], lat[nlat - 1]);
}

/* Starts connecting c; c is watched by ep. */
static void
conn_open(struct conn *c, int ep, const struct in_addr *src)
{
	struct epoll_event	ev;

	c->state = C_CONNECTING;
	c->sent = 0;
	if ((c->fd = start_connect(src)) == -1) {
		c->state = C_FAILED;
		return;
	}
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* -r: opens again the connections closed again_ms ago or more. */
static void
reopen(struct conn *cs, int n, int ep, const struct in_addr *src, double t)
{
	int	i;

	for (i = 0; i < n; i++)
		if ((cs[i].state == C_CLOSED || cs[i].state == C_FAILED) &&
		    (t - cs[i].closed) * 1000 >= again_ms) {
			conn_open(&cs[i], ep, src);
			reopened++;
		}
}

/*
 * Opens the connections of cs in batches and serves them until secs have
 * passed since the first connect.
 */
static void
run(struct conn *cs, int n, const struct in_addr *src, double secs,
    int trickle_ms)
{
	struct epoll_event	 ev, evs[512];
	double			 t0 = now(), next_trickle = t0, t;
	int			 ep, i, k, started = 0;

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		perror("hold: epoll_create1");
		exit(1);
	}
	while ((t = now()) < t0 + secs) {
		for (i = 0; i < OPEN_BATCH && started < n; i++, started++)
			conn_open(&cs[started], ep, src);
		if (again_ms >= 0)
			reopen(cs, started, ep, src, t);
		k = epoll_wait(ep, evs, 512, 10);
		for (i = 0; i < k; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c->state == C_CONNECTING || c->state == C_OPEN)
				conn_event(c, evs[i].events, now());
			if (c->state == C_OPEN) {
				ev.events = EPOLLIN | EPOLLRDHUP;
				ev.data.ptr = c;
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			}
		}
		if (t >= next_trickle) {
			trickle(cs, started);
			next_trickle = t + trickle_ms / 1000.0;
		}
	}
	close(ep);
}

int
main(int argc, char *argv[])
{
	struct in_addr	 src;
	struct rlimit	 rl;
	struct kind	 k;
	struct conn	*cs;
	pthread_t	 th;
	const char	*addr = "127.0.0.2";
	int		 ch, idle = 0, slow = 0, trickle_ms = 1000, i, n;
	double		 secs = 10;

	while ((ch = getopt(argc, argv, "a:n:s:i:t:r:p:e:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'n':
			idle = atoi(optarg);
			break;
		case 's':
			slow = atoi(optarg);
			break;
		case 'i':
			trickle_ms = atoi(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'r':
			again_ms = atoi(optarg);
			break;
		case 'p':
			snprintf(path, sizeof(path), "%s", optarg);
			break;
		case 'e':
			probe_every = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || (port = atoi(argv[optind])) <= 0 ||
	    inet_pton(AF_INET, addr, &src) != 1 || idle < 0 || slow < 0 ||
	    trickle_ms < 1 || probe_every < 1)
		usage();
	/* As many descriptors as the connections need. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	n = idle + slow;
	cs = calloc((size_t)n + 1, sizeof(*cs));
	for (i = 0; i < n; i++)
		cs[i].slow = i >= idle;
	if (path[0] != '\0' && pthread_create(&th, NULL, prober, NULL) != 0)
		path[0] = '\0';
	run(cs, n, &src, secs, trickle_ms);
	done = 1;
	if (path[0] != '\0')
		pthread_join(th, NULL);
	count(cs, n, 0, &k);
	print_kind("idle", &k);
	count(cs, n, 1, &k);
	print_kind("slow", &k);
	printf("reopened %d\n", reopened);
	print_probes();
	for (i = 0; i < n; i++)
		if (cs[i].state == C_OPEN || cs[i].state == C_CONNECTING)
			close(cs[i].fd);
	free(cs);
	return 0;
}
