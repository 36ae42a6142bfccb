/*
 * bench/ussd.c: how fast the USSD menu answers.  Starts papigwd on a
 * temporary directory with the menu enabled, then walks C sessions at
 * once through the report path (main menu, category, message, confirm:
 * five requests, the last one a durable store commit), R rounds of them,
 * over HTTP with libcurl's multi interface, and prints the answer times
 * of the menu requests and of the final ones: median, 90th and 99th
 * percentiles and the worst, in milliseconds.  Asserts nothing but that
 * every answer was a 200 with the expected screen.
 *
 *	ussd [-c sessions] [-d dir] [-p papigwd] [-r rounds] [-s synchronous]
 *	     [-t think]
 *
 * Without -t every session sends its next request as soon as it has the
 * answer: all sessions hammer the daemon at once, and on a small machine
 * the figures measure the queue more than the menu.  -t think waits
 * about think milliseconds (half to one and a half times, at random)
 * before each next request, as a resident reading a screen would (real
 * ones take seconds).
 *
 * The directory (default $TMPDIR, else /var/tmp) should be on the disk the
 * daemon will use: the final requests wait for an fsync.  papigwd is by
 * default the one beside this program's directory (BUILD/papigwd).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base/util.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

#define SESSIONS_MAX	1000
#define STEPS		5	/* requests of one report */
#define START_WAIT_MS	10000	/* milliseconds to wait for papigwd */

/* The report path: the text of each request. */
static const char *const steps[STEPS] = {
	"",
	"1",
	"1*3",
	"1*3*Den duong hem 42 bi hong tu tuan truoc, toi om",
	"1*3*Den duong hem 42 bi hong tu tuan truoc, toi om*1",
};

struct session {
	CURL		*h;
	int		 round;
	int		 step;
	char		 id[32];
	char		 phone[24];
	char		*post;
	char		 body[1024];
	size_t		 blen;
	struct timespec	 start;
	double		 due;		/* ms after t0 to send, -1 */
};

static double	*menu_ms, *final_ms;
static size_t	 nmenu, nfinal;
static int	 failures;
static char	 url[128];

static double
since_ms(const struct timespec *t0)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct session	*s = arg;
	size_t		 len = size * n;

	if (s->blen + len < sizeof(s->body)) {
		memcpy(s->body + s->blen, p, len);
		s->blen += len;
		s->body[s->blen] = '\0';
	}
	return len;
}

/* Starts the session's next request on the multi handle. */
static void
send_step(CURLM *m, struct session *s)
{
	char	*text;

	curl_multi_remove_handle(m, s->h);
	curl_free(s->post);
	text = curl_easy_escape(s->h, steps[s->step], 0);
	if (asprintf(&s->post, "sessionId=%s&serviceCode=%%2A123%%23&"
	    "phoneNumber=%%2B%s&networkCode=45204&text=%s", s->id, s->phone,
	    text) == -1)
		err(1, "asprintf");
	curl_free(text);
	s->blen = 0;
	s->body[0] = '\0';
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->post);
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	curl_multi_add_handle(m, s->h);
}

static int
cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *what, double *v, size_t n)
{
	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp);
	printf("%-8s %6zu answers  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  "
	    "max %6.2f ms\n", what, n, v[n / 2], v[n * 90 / 100],
	    v[n * 99 / 100], v[n - 1]);
}

/* Writes the configuration and starts papigwd; returns its pid. */
static pid_t
start_daemon(const char *papigwd, const char *dir, int port,
    const char *sync)
{
	static char	 path[PATH_MAX + 16];
	char		 cmd[PATH_MAX * 2 + 64];
	FILE		*fp;
	pid_t		 pid;

	snprintf(cmd, sizeof(cmd), "cp '%s/conf/categories.conf' '%s/'",
	    SRCDIR, dir);
	if (system(cmd) != 0)
		errx(1, "cannot copy categories.conf");
	snprintf(path, sizeof(path), "%s/papigw.conf", dir);
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	fprintf(fp,
	    "log = { level = \"notice\"; };\n"
	    "ward = { name = \"UBND Phuong 7\"; hotline = \"1022\"; };\n"
	    "storage = { path = \"%s/papigw.db\"; synchronous = \"%s\"; };\n"
	    "http = { listen = \"127.0.0.1:%d\"; };\n"
	    "control = { socket = \"%s/control.sock\"; };\n"
	    "replies = { status_vi = \"{ref}: {state}\";\n"
	    "    refusal_vi = \"Khong co {ref}\"; };\n"
	    "topics = (\n"
	    "  { id = \"reception\"; text_vi = \"x\"; ussd = \"Tiep\"; },\n"
	    "  { id = \"procedures\"; text_vi = \"x\"; ussd = \"Thu\"; },\n"
	    "  { id = \"hotline\"; text_vi = \"x\"; ussd = \"1022.\"; }\n"
	    ");\n"
	    "ussd = { enabled = true; sms_ack = false; "
	    "max_sessions = 10000; };\n"
	    "@include \"categories.conf\"\n", dir, sync, port, dir);
	fclose(fp);
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		/* Its log beside its configuration. */
		snprintf(cmd, sizeof(cmd), "%s/daemon.log", dir);
		if (freopen(cmd, "w", stderr) == NULL)
			err(127, "%s", cmd);
		execl(papigwd, "papigwd", "-d", "-c", path, (char *)NULL);
		err(127, "%s", papigwd);
	}
	return pid;
}

/* Polls GET /healthz until it answers. */
static void
wait_listening(int port)
{
	CURL		*h = curl_easy_init();
	char		 u[96];
	int		 waited;
	struct timespec	 ts = { 0, 20 * 1000000L };

	snprintf(u, sizeof(u), "http://127.0.0.1:%d/healthz", port);
	curl_easy_setopt(h, CURLOPT_URL, u);
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	for (waited = 0; waited < START_WAIT_MS; waited += 20) {
		if (curl_easy_perform(h) == CURLE_OK) {
			curl_easy_cleanup(h);
			return;
		}
		nanosleep(&ts, NULL);
	}
	errx(1, "papigwd does not listen on port %d", port);
}

/* A TCP port on 127.0.0.1 that nobody listens on now. */
static int
free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, port;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		err(1, "free port");
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

int
main(int argc, char *argv[])
{
	struct session	*ss;
	CURLM		*m;
	CURLMsg		*msg;
	char		 dirbuf[PATH_MAX], papigwd[PATH_MAX];
	char		 self[PATH_MAX];
	char		 cmd[PATH_MAX + 16];
	const char	*tmp = getenv("TMPDIR"), *sync = "full";
	const char	*prog = NULL;
	struct timespec	 t0;
	pid_t		 pid;
	long		 code;
	int		 c, i, conc = 100, rounds = 10, running, left, port;
	int		 status, think = 0, wait_ms;
	double		 ms, total, now;

	while ((c = getopt(argc, argv, "c:d:p:r:s:t:")) != -1) {
		switch (c) {
		case 'c':
			conc = atoi(optarg);
			break;
		case 'd':
			tmp = optarg;
			break;
		case 'p':
			prog = optarg;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 's':
			sync = optarg;
			break;
		case 't':
			think = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: ussd [-c sessions] [-d dir] "
			    "[-p papigwd] [-r rounds] [-s synchronous]\n"
			    "            [-t think]\n");
			return 2;
		}
	}
	if (conc < 1 || conc > SESSIONS_MAX || rounds < 1)
		errx(2, "-c is 1 to %d, -r at least 1", SESSIONS_MAX);
	if (prog == NULL) {
		copy_str(self, sizeof(self), argv[0]);
		snprintf(papigwd, sizeof(papigwd), "%s/../papigwd",
		    dirname(self));
		prog = papigwd;
	}
	if (access(prog, X_OK) == -1)
		err(1, "%s", prog);
	snprintf(dirbuf, sizeof(dirbuf), "%s/papigw-bench-ussd.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/var/tmp");
	if (mkdtemp(dirbuf) == NULL)
		err(1, "mkdtemp");

	curl_global_init(CURL_GLOBAL_DEFAULT);
	port = free_port();
	pid = start_daemon(prog, dirbuf, port, sync);
	wait_listening(port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ussd/africastalking",
	    port);

	menu_ms = xcalloc((size_t)conc * (size_t)rounds * (STEPS - 1),
	    sizeof(double));
	final_ms = xcalloc((size_t)conc * (size_t)rounds, sizeof(double));
	ss = xcalloc((size_t)conc, sizeof(*ss));
	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)conc);
	for (i = 0; i < conc; i++) {
		ss[i].h = curl_easy_init();
		curl_easy_setopt(ss[i].h, CURLOPT_URL, url);
		curl_easy_setopt(ss[i].h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(ss[i].h, CURLOPT_WRITEDATA, &ss[i]);
		curl_easy_setopt(ss[i].h, CURLOPT_PRIVATE, &ss[i]);
		snprintf(ss[i].id, sizeof(ss[i].id), "bench-%d-0", i);
		snprintf(ss[i].phone, sizeof(ss[i].phone), "8491%07d", i);
		ss[i].due = think > 0 ? (double)(rand() % (think + 1)) : 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	left = conc;
	while (left > 0) {
		/* Sessions done thinking send their next request. */
		now = since_ms(&t0);
		wait_ms = 100;
		for (i = 0; i < conc; i++) {
			if (ss[i].due < 0)
				continue;
			if (ss[i].due <= now) {
				ss[i].due = -1;
				send_step(m, &ss[i]);
			} else if (ss[i].due - now < wait_ms)
				wait_ms = (int)(ss[i].due - now) + 1;
		}
		if (curl_multi_perform(m, &running) != CURLM_OK)
			errx(1, "curl_multi_perform");
		while ((msg = curl_multi_info_read(m, &c)) != NULL) {
			struct session *s;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&s);
			ms = since_ms(&s->start);
			curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
			if (msg->data.result != CURLE_OK || code != 200 ||
			    strncmp(s->body, s->step == STEPS - 1 ? "END " :
			    "CON ", 4) != 0 || (s->step == STEPS - 1 &&
			    strstr(s->body, "PA-") == NULL)) {
				if (failures++ < 5)
					warnx("session %s step %d: %s %ld: "
					    "%.60s", s->id, s->step,
					    curl_easy_strerror(
					    msg->data.result), code, s->body);
			}
			if (s->step == STEPS - 1)
				final_ms[nfinal++] = ms;
			else
				menu_ms[nmenu++] = ms;
			if (++s->step == STEPS) {
				s->step = 0;
				if (++s->round == rounds) {
					curl_multi_remove_handle(m, s->h);
					left--;
					continue;
				}
				snprintf(s->id, sizeof(s->id), "bench-%d-%d",
				    (int)(s - ss), s->round);
			}
			s->due = since_ms(&t0) + (think > 0 ? think / 2.0 +
			    (double)(rand() % (think + 1)) : 0);
			curl_multi_remove_handle(m, s->h);
			if (think == 0) {
				s->due = -1;
				send_step(m, s);
			}
		}
		if (left > 0)
			curl_multi_poll(m, NULL, 0, wait_ms, NULL);
	}
	total = since_ms(&t0);

	printf("%d sessions at once, %d rounds, think %d ms: %d reports, %zu "
	    "requests in %.0f ms (%.0f requests/s); synchronous %s; %d "
	    "failed\n", conc, rounds, think, conc * rounds, nmenu + nfinal,
	    total, (double)(nmenu + nfinal) * 1e3 / total, sync, failures);
	report("menu", menu_ms, nmenu);
	report("report", final_ms, nfinal);

	for (i = 0; i < conc; i++) {
		curl_easy_cleanup(ss[i].h);
		curl_free(ss[i].post);
	}
	curl_multi_cleanup(m);
	curl_global_cleanup();
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dirbuf);
	if (system(cmd) != 0)
		warnx("cannot remove %s", dirbuf);
	free(ss);
	free(menu_ms);
	free(final_ms);
	return failures > 0;
}
