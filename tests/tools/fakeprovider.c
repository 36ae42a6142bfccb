/*
 * fakeprovider.c: a fake SMS provider for the outbox tests and bench/e2e,
 * on libmicrohttpd, listening on 127.0.0.1 at a port the kernel picks.
 *
 * It speaks enough of each provider's send API:
 *
 *	POST .../Accounts/{account}/Messages.json	Twilio: 201 {"sid"...}
 *	POST /version1/messaging		Africa's Talking: 201 JSON
 *	POST /sms/json				Vonage: 200 {"messages":[...]}
 *	GET  /cgi-bin/sendsms			Kannel: 202 "0: Accepted..."
 *	POST /cgi-bin/sendsms			the same, Kannel's POST: the
 *						text as a text/plain body, the
 *						fields in X-Kannel-* headers
 *
 * and records every request, before it answers, as one JSON line of the
 * log file: {"seq":N,"t":unix-seconds,"method":..,"path":..,"auth":
 * "user:password" (HTTP Basic, decoded),"apikey":..,"params":{decoded
 * query and form parameters},"mode":"ok"|"500"|...}.
 *
 * It can be told to answer the next N requests (or all, N = 0) with
 * "500" (a server error), "429" (throttling: Vonage's status 1), a
 * "permanent" error (Twilio 21211, Africa's Talking 403, Vonage status 3,
 * Kannel 403), to "hang" (no answer until it stops), or to wait "delay"
 * milliseconds before each answer: with -m MODE -n N -d MSEC at start, or
 * at any time with GET /_control?mode=MODE&n=N&delay=MSEC (not logged).
 *
 *	fakeprovider -p PORTFILE -l LOGFILE [-m MODE] [-n N] [-d MSEC]
 *
 * It writes its port to PORTFILE once it listens and exits 0 on SIGTERM or
 * SIGINT.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>

#define BODY_MAX	65536	/* bytes of a request body kept */
#define HANG_MAX_MSEC	120000	/* a hang ends by itself after this */
#define PARAMS_MAX	64

enum mode {
	MODE_OK,
	MODE_500,
	MODE_429,
	MODE_PERMANENT,
	MODE_HANG
};

static const char *const mode_names[] = { "ok", "500", "429", "permanent",
    "hang" };

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static enum mode	 mode = MODE_OK;
static long		 mode_left;	/* requests left in mode; 0: all */
static long		 delay_ms;
static long		 seq;
static FILE		*logfp;
static volatile sig_atomic_t stopping;

struct request {
	char	*body;
	size_t	 len;
	json_t	*params;
};

static void
die(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "fakeprovider: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static int
parse_mode(const char *s, enum mode *out)
{
	size_t	i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum mode)i;
			return 0;
		}
	return -1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a form component in place ('+' is a space); returns its length. */
static size_t
form_decode(char *s, size_t len)
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			s[o++] = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			s[o++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else
			s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

/* Adds the parameters of an urlencoded body to params. */
static void
parse_form(json_t *params, char *body, size_t len)
{
	char	*p = body, *end = body + len, *amp, *eq;

	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		*amp = '\0';
		if ((eq = strchr(p, '=')) != NULL) {
			*eq = '\0';
			form_decode(p, strlen(p));
			form_decode(eq + 1, strlen(eq + 1));
			json_object_set_new(params, p, json_string(eq + 1));
		}
		p = amp + 1;
	}
}

static enum MHD_Result
query_cb(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	(void)kind;
	json_object_set_new(arg, key, json_string(value ? value : ""));
	return MHD_YES;
}

/* Decodes HTTP Basic credentials into out ("user:password"). */
static void
basic_auth(const char *h, char *out, size_t outsz)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*p, *q;
	unsigned	 acc = 0;
	int		 bits = 0;
	size_t		 o = 0;

	out[0] = '\0';
	if (h == NULL || strncmp(h, "Basic ", 6) != 0)
		return;
	for (p = h + 6; *p != '\0' && *p != '=' && o + 1 < outsz; p++) {
		if ((q = strchr(b64, *p)) == NULL)
			continue;
		acc = acc << 6 | (unsigned)(q - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xff);
		}
	}
	out[o] = '\0';
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned status, const char *ctype,
    const char *body)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", ctype);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
msleep(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static enum MHD_Result
control(struct MHD_Connection *c)
{
	const char	*m = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "mode");
	const char	*n = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "n");
	const char	*d = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "delay");
	enum mode	 md;

	pthread_mutex_lock(&lock);
	if (m != NULL) {
		if (parse_mode(m, &md) == -1) {
			pthread_mutex_unlock(&lock);
			return answer(c, 400, "text/plain", "bad mode\n");
		}
		mode = md;
		mode_left = n != NULL ? strtol(n, NULL, 10) : 0;
	}
	if (d != NULL)
		delay_ms = strtol(d, NULL, 10);
	pthread_mutex_unlock(&lock);
	return answer(c, 200, "text/plain", "OK\n");
}

/*
 * Kannel's sendsms by POST: the fields from the X-Kannel-* headers, the
 * charset from the Content-Type, the text from the body, logged under
 * the names of the GET's parameters.
 */
static void
kannel_post(struct MHD_Connection *c, struct request *rq, const char *ct)
{
	static const char *const h[][2] = {
		{ "X-Kannel-Username", "username" },
		{ "X-Kannel-Password", "password" },
		{ "X-Kannel-From", "from" }, { "X-Kannel-To", "to" },
		{ "X-Kannel-Coding", "coding" },
		{ "X-Kannel-DLR-Mask", "dlr-mask" },
		{ "X-Kannel-DLR-Url", "dlr-url" },
	};
	const char	*v, *cs;
	size_t		 i;

	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if ((v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    h[i][0])) != NULL)
			json_object_set_new(rq->params, h[i][1],
			    json_string(v));
	if ((cs = strstr(ct, "charset=")) != NULL)
		json_object_set_new(rq->params, "charset",
		    json_string(cs + 8));
	json_object_set_new(rq->params, "text", rq->body != NULL ?
	    json_stringn(rq->body, rq->len) : json_string(""));
}

/* One send request: log it, then answer as the provider would. */
static enum MHD_Result
provider(struct MHD_Connection *c, const char *method, const char *url,
    struct request *rq)
{
	const char	*ct, *to;
	char		 auth[512], body[1024], id[64];
	enum mode	 md;
	json_t		*line;
	char		*text;
	long		 n, delay;
	double		 t;

	rq->params = json_object();
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_cb,
	    rq->params);
	ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	if (rq->body != NULL && ct != NULL &&
	    strncmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		parse_form(rq->params, rq->body, rq->len);
	else if (ct != NULL && strncmp(ct, "text/plain", 10) == 0)
		kannel_post(c, rq, ct);
	basic_auth(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Authorization"), auth, sizeof(auth));

	pthread_mutex_lock(&lock);
	md = mode;
	if (mode != MODE_OK && mode_left > 0 && --mode_left == 0)
		mode = MODE_OK;
	delay = delay_ms;
	n = ++seq;
	t = now();
	line = json_object();
	json_object_set_new(line, "seq", json_integer(n));
	json_object_set_new(line, "t", json_real(t));
	json_object_set_new(line, "method", json_string(method));
	json_object_set_new(line, "path", json_string(url));
	json_object_set_new(line, "auth", json_string(auth));
	json_object_set_new(line, "apikey", json_string(
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "apiKey") ?
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "apiKey") : ""));
	json_object_set(line, "params", rq->params);
	json_object_set_new(line, "mode", json_string(mode_names[md]));
	if ((text = json_dumps(line, JSON_COMPACT)) != NULL) {
		fprintf(logfp, "%s\n", text);
		fflush(logfp);
		free(text);
	}
	json_decref(line);
	pthread_mutex_unlock(&lock);

	if (md == MODE_HANG) {
		for (n = 0; n < HANG_MAX_MSEC / 50 && !stopping; n++)
			msleep(50);
		return MHD_NO;	/* drop the connection */
	}
	if (delay > 0)
		msleep(delay);
	to = json_string_value(json_object_get(rq->params, "to"));

	if (strstr(url, "/Messages.json") != NULL) {
		if (md == MODE_500)
			return answer(c, 500, "application/json", "{\"code\":"
			    "20500,\"message\":\"Internal Server Error\","
			    "\"status\":500}");
		if (md == MODE_429)
			return answer(c, 429, "application/json", "{\"code\":"
			    "20429,\"message\":\"Too Many Requests\","
			    "\"status\":429}");
		if (md == MODE_PERMANENT)
			return answer(c, 400, "application/json", "{\"code\":"
			    "21211,\"message\":\"The 'To' number is not a "
			    "valid phone number.\",\"status\":400}");
		snprintf(body, sizeof(body), "{\"sid\":\"SMfake%06ld\","
		    "\"status\":\"queued\",\"num_segments\":\"1\","
		    "\"error_code\":null}", seq);
		return answer(c, 201, "application/json", body);
	}
	if (strcmp(url, "/version1/messaging") == 0) {
		if (md == MODE_500)
			return answer(c, 500, "text/plain", "Internal error\n");
		if (md == MODE_429)
			return answer(c, 429, "text/plain", "Too many requests\n");
		snprintf(id, sizeof(id), "ATXid_fake%ld", seq);
		snprintf(body, sizeof(body), "{\"SMSMessageData\":{\"Message\":"
		    "\"Sent to 1/1 Total Cost: KES 0.8000\",\"Recipients\":"
		    "[{\"statusCode\":%d,\"number\":\"%s\",\"status\":\"%s\","
		    "\"cost\":\"KES 0.8000\",\"messageId\":\"%s\"}]}}",
		    md == MODE_PERMANENT ? 403 : 101, to ? to : "",
		    md == MODE_PERMANENT ? "InvalidPhoneNumber" : "Success",
		    md == MODE_PERMANENT ? "None" : id);
		return answer(c, 201, "application/json", body);
	}
	if (strcmp(url, "/sms/json") == 0) {
		if (md == MODE_500)
			return answer(c, 500, "text/plain", "Internal error\n");
		snprintf(body, sizeof(body), "{\"message-count\":\"1\","
		    "\"messages\":[{\"to\":\"%s\",\"message-id\":"
		    "\"VFAKE%08ld\",\"status\":\"%s\",\"error-text\":\"%s\","
		    "\"remaining-balance\":\"3.14\",\"message-price\":"
		    "\"0.03\",\"network\":\"45201\"}]}", to ? to : "", seq,
		    md == MODE_429 ? "1" : md == MODE_PERMANENT ? "3" : "0",
		    md == MODE_429 ? "Throttled" : md == MODE_PERMANENT ?
		    "Invalid Value for param: to" : "");
		return answer(c, 200, "application/json", body);
	}
	if (strcmp(url, "/cgi-bin/sendsms") == 0) {
		if (md == MODE_500 || md == MODE_429)
			return answer(c, 503, "text/plain",
			    "Temporary failure, try again later.\n");
		if (md == MODE_PERMANENT)
			return answer(c, 403, "text/plain",
			    "Authorization failed for sendsms\n");
		return answer(c, 202, "text/plain", "0: Accepted for delivery");
	}
	return answer(c, 404, "text/plain", "not found\n");
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct request	*rq = *con_cls;
	size_t		 n;

	(void)cls;
	(void)version;
	if (rq == NULL) {
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		n = *upload_size;
		if (rq->len + n > BODY_MAX)
			n = BODY_MAX - rq->len;
		if ((rq->body = realloc(rq->body, rq->len + n + 1)) == NULL)
			return MHD_NO;
		memcpy(rq->body + rq->len, upload, n);
		rq->len += n;
		rq->body[rq->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/_control") == 0)
		return control(c);
	return provider(c, method, url, rq);
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request	*rq = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq == NULL)
		return;
	json_decref(rq->params);
	free(rq->body);
	free(rq);
	*con_cls = NULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: fakeprovider -p portfile -l logfile "
	    "[-m mode] [-n count] [-d msec]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct MHD_Daemon	*d;
	const union MHD_DaemonInfo *info;
	const char		*portfile = NULL, *logfile = NULL;
	char			 tmp[4096];
	sigset_t		 set;
	FILE			*f;
	int			 ch, sig;

	while ((ch = getopt(argc, argv, "p:l:m:n:d:")) != -1) {
		switch (ch) {
		case 'p':
			portfile = optarg;
			break;
		case 'l':
			logfile = optarg;
			break;
		case 'm':
			if (parse_mode(optarg, &mode) == -1)
				die("unknown mode %s", optarg);
			break;
		case 'n':
			mode_left = strtol(optarg, NULL, 10);
			break;
		case 'd':
			delay_ms = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (portfile == NULL || logfile == NULL)
		usage();
	if ((logfp = fopen(logfile, "a")) == NULL)
		die("%s: %s", logfile, strerror(errno));

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    handler, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)300, MHD_OPTION_END);
	if (d == NULL)
		die("cannot start the HTTP server");
	if ((info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) ==
	    NULL)
		die("cannot read the port");
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if ((f = fopen(tmp, "w")) == NULL)
		die("%s: %s", tmp, strerror(errno));
	fprintf(f, "%u\n", (unsigned)info->port);
	fclose(f);
	if (rename(tmp, portfile) == -1)
		die("%s: %s", portfile, strerror(errno));

	while (sigwait(&set, &sig) != 0 || (sig != SIGTERM && sig != SIGINT))
		;
	stopping = 1;
	MHD_stop_daemon(d);
	fclose(logfp);
	return 0;
}
