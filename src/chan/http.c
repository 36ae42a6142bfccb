/*
 * http.c: the one HTTP listener, on GNU libmicrohttpd.
 *
 * libmicrohttpd runs a pool of threads (http.threads) that accept, read
 * and answer requests.  This file collects a request's body within
 * http.max_body (413 beyond it), checks the method against the route
 * table (405), parses the query string and a form body into parameters,
 * and calls the route's handler with a struct http_req.
 *
 * A handler answers at once with http_reply(), or, when the answer must
 * wait for the store (a message is answered 2xx only after its batch
 * committed), calls http_defer() and later, from any thread,
 * http_complete(): the connection is suspended meanwhile and holds no
 * thread.
 *
 * No client can starve the listener.  The connections are bounded in
 * all (http.max_connections, by default what RLIMIT_NOFILE leaves once
 * the rest of the daemon has its descriptors, http_conn_limit()) and per
 * address (http.max_connections_per_address; libmicrohttpd closes the
 * excess at once).  A connection idle for http.timeout seconds is
 * closed by libmicrohttpd; and since its idle timer restarts with every
 * byte, a reaper thread also closes every connection that has not
 * delivered a complete request (headers and body) within
 * http.request_timeout seconds of opening, or of its previous answer:
 * a client that trickles a byte a second (slowloris) cannot hold a
 * connection longer than that.  A request being answered (deferred
 * until its message is stored) is not reading and is never cut.
 *
 * A path is routed as libmicrohttpd decoded it, which ends at a %00; a
 * path that hides a control character behind a %XX escape matches no
 * route (404).
 *
 * http_stop() stops accepting connections, waits for the deferred
 * requests to be completed, and only then stops the server: a provider is
 * never cut off between its message being stored and its 2xx.
 *
 * The same code serves the dashboard's listener (daemon/dash.c), started
 * with http_start_opts() on its own address, with TLS when it has a
 * certificate; its handler adds headers to an answer (http_add_header():
 * cookies, the content security policy).
 *
 * Only this file includes microhttpd.h.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "chan/form.h"
#include "chan/http.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"

#define CT_TEXT		"text/plain; charset=utf-8"
#define HTTP_HEADERS_MAX	16	/* headers a handler adds */
#define HTTP_STOP_WAIT_MS	10000	/* milliseconds to wait for deferred */
#define HTTP_REAP_MSEC		200	/* milliseconds between two looks for
					   connections past their deadline */

/*
 * The descriptors that http_conn_limit() keeps for the rest of the
 * daemon, beside the HTTP connections.
 */
#define FD_BASE		64	/* stdio, the log, the store's files and
				   connections, eventfds, timers, sd_notify */
#define FD_PER_THREAD	4	/* an HTTP thread's epoll and wake-ups */
#define FD_PER_CLIENT	4	/* a papictl client: its socket, and its
				   query connection's database, WAL, shm */
#define FD_PER_MODEM	8	/* the device, eventfd, inotify, lock */
#define FD_PER_SENDER	64	/* an HTTP provider's connections (libcurl
				   keeps 64 a host) */
#define HTTP_CONN_MIN	16	/* connections, at least */

/* One TCP connection, from libmicrohttpd's STARTED to its CLOSED. */
struct hconn {
	TAILQ_ENTRY(hconn)	 link;
	int			 fd;
	double			 since;		/* reading began (monotonic) */
	int			 reading;	/* a request is coming in */
	int			 cut;		/* shut down at its deadline */
};

struct http_server {
	struct MHD_Daemon	*mhd;
	http_handler_fn		 handler;
	void			*arg;
	size_t			 max_body;	/* bytes */
	atomic_long		 deferred;	/* suspended requests */
	atomic_uint_fast64_t	 counters[HTTP_REJECT_MAX];
	int			 port;		/* the bound port */
	int			 tls;		/* HTTPS */

	/* The reaper: connections past http.request_timeout. */
	double			 request_timeout; /* seconds */
	pthread_t		 reaper;
	int			 reaper_started;
	pthread_mutex_t		 clock;		/* what follows */
	pthread_cond_t		 cwake;
	TAILQ_HEAD(, hconn)	 conns;
	unsigned		 nconns;
	unsigned		 max_conns;	/* conn_limit() */
	int			 stopping;
};

struct http_req {
	struct http_server	*srv;
	struct MHD_Connection	*conn;
	int			 begun;		/* access_cb() saw it */
	int			 badpath;	/* %XX of a control character */
	char			 method[8];
	char			 path[256];
	char			*body;
	size_t			 bodylen;
	size_t			 bodycap;
	int			 too_large;
	int			 form;		/* a form-encoded body */
	struct form		 params;	/* the query's, the body's */
	/* The answer, once known. */
	_Atomic int		 state;		/* REQ_*, set across threads */
	int			 deferring;	/* http_defer() in this call */
	int			 status;
	const char		*ctype;
	const char		*challenge;	/* 401: WWW-Authenticate */
	char			*resp;
	size_t			 resplen;
	struct timespec		 start;
	void			*ctx;		/* the handler's */
	void			(*ctx_free)(void *);
	char			*hdrs[HTTP_HEADERS_MAX][2];
	size_t			 nhdrs;
};

enum {
	REQ_READING,		/* the body is still coming */
	REQ_HANDLED,		/* the handler ran; an answer may wait */
	REQ_DEFERRED,		/* suspended until http_complete() */
	REQ_DONE		/* the answer is queued */
};

static const char *const reject_names[HTTP_REJECT_MAX] = {
	"too_large", "bad_request", "forbidden", "method", "not_found",
	"unavailable", "connection_limit", "deadline"
};

/*
 * ===================================================================
 * Parameters
 * ===================================================================
 */

static enum MHD_Result
query_cb(void *cls, enum MHD_ValueKind kind, const char *key, size_t klen,
    const char *value, size_t vlen)
{
	struct http_req	*r = cls;

	(void)kind;
	/* libmicrohttpd has already decoded the query string. */
	form_add(&r->params, key, klen, value != NULL ? value : "",
	    value != NULL ? vlen : 0, 0);
	return MHD_YES;
}

/* r's parameters, for form.c's readers (http_param()...). */
const struct form *
http_req_form(const struct http_req *r)
{
	return &r->params;
}

/*
 * From now on, http_param() reads the form body only: for a provider that
 * signs the body (Twilio), so that a parameter added to the query string
 * cannot stand in for a signed one.
 */
void
http_form_only(struct http_req *r)
{
	r->params.body_only = 1;
}

const char *
http_header(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* The address of r's client (AF_INET or AF_INET6), or NULL. */
const struct sockaddr *
http_peer(const struct http_req *r)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	return ci != NULL ? ci->client_addr : NULL;
}

const char *
http_method(const struct http_req *r)
{
	return r->method;
}

const char *
http_path(const struct http_req *r)
{
	return r->path;
}

const char *
http_body(const struct http_req *r, size_t *lenp)
{
	*lenp = r->bodylen;
	return r->body != NULL ? r->body : "";
}

/* The handler's own state, freed with the request by free_fn. */
void
http_set_ctx(struct http_req *r, void *ctx, void (*free_fn)(void *))
{
	r->ctx = ctx;
	r->ctx_free = free_fn;
}

/*
 * ===================================================================
 * Answers
 * ===================================================================
 */

static void
set_answer(struct http_req *r, int status, const char *ctype,
    const char *body, size_t len)
{
	free(r->resp);
	r->status = status;
	r->ctype = ctype;
	r->resp = xcalloc(1, len + 1);
	memcpy(r->resp, body, len);
	r->resplen = len;
}

/* Answers r now, from the handler. */
void
http_reply(struct http_req *r, int status, const char *ctype,
    const char *body)
{
	set_answer(r, status, ctype, body, strlen(body));
}

/*
 * Adds the header name: value (both copied) to r's answer; beyond
 * HTTP_HEADERS_MAX it is dropped, which the handler's fixed set never
 * reaches.
 */
void
http_add_header(struct http_req *r, const char *name, const char *value)
{
	if (r->nhdrs == HTTP_HEADERS_MAX) {
		log_warnx(_("http: more than %d headers: %s dropped"),
		    HTTP_HEADERS_MAX, name);
		return;
	}
	r->hdrs[r->nhdrs][0] = xstrdup(name);
	r->hdrs[r->nhdrs][1] = xstrdup(value);
	r->nhdrs++;
}

/* Whether r came over TLS. */
int
http_tls(const struct http_req *r)
{
	return r->srv->tls;
}

/* Counts a refused request under a reason, for /metrics. */
void
http_count_reject(struct http_req *r, enum http_reject why)
{
	atomic_fetch_add(&r->srv->counters[why], 1);
}

/*
 * Answers r now with status and the line msg (text/plain, a newline
 * added), counted under why.
 */
void
http_refuse(struct http_req *r, enum http_reject why, int status,
    const char *msg)
{
	char	line[512];

	snprintf(line, sizeof(line), "%s\n", msg);
	http_count_reject(r, why);
	http_reply(r, status, CT_TEXT, line);
}

/*
 * Answers r now with 401 and a challenge for HTTP Basic credentials in
 * realm (a constant string), counted as forbidden.
 */
void
http_refuse_auth(struct http_req *r, const char *realm)
{
	http_refuse(r, HTTP_REJECT_FORBIDDEN, 401, "unauthorized");
	r->challenge = realm;
}

/*
 * Whether r's method is GET (with get) or POST (with post).  Otherwise
 * answers 405 and returns 0.
 */
int
http_allow(struct http_req *r, int get, int post)
{
	const char	*m = http_method(r);

	if ((get && strcmp(m, "GET") == 0) || (post &&
	    strcmp(m, "POST") == 0))
		return 1;
	http_refuse(r, HTTP_REJECT_METHOD, 405, "method not allowed");
	return 0;
}

/*
 * Suspends r: the handler will answer later with http_complete().  Call
 * it before handing r to another thread.
 */
void
http_defer(struct http_req *r)
{
	r->state = REQ_DEFERRED;
	r->deferring = 1;
	atomic_fetch_add(&r->srv->deferred, 1);
	MHD_suspend_connection(r->conn);
}

/* Answers a deferred request, from any thread. */
void
http_complete(struct http_req *r, int status, const char *ctype,
    const char *body)
{
	struct http_server	*srv = r->srv;

	set_answer(r, status, ctype, body, strlen(body));
	r->state = REQ_HANDLED;
	MHD_resume_connection(r->conn);
	atomic_fetch_sub(&srv->deferred, 1);
}

static enum MHD_Result
queue(struct http_req *r)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	size_t			 i;

	resp = MHD_create_response_from_buffer(r->resplen, r->resp,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	for (i = 0; i < r->nhdrs; i++)
		MHD_add_response_header(resp, r->hdrs[i][0], r->hdrs[i][1]);
	if (r->ctype != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    r->ctype);
	if (r->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    "GET, POST");
	if (r->status == MHD_HTTP_UNAUTHORIZED && r->challenge != NULL)
		MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_WWW_AUTHENTICATE, r->challenge);
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->state = REQ_DONE;
	return ret;
}

static enum MHD_Result
reject(struct http_req *r, int status, enum http_reject why,
    const char *msg)
{
	http_count_reject(r, why);
	set_answer(r, status, CT_TEXT, msg, strlen(msg));
	return queue(r);
}

/*
 * ===================================================================
 * Connections and their deadlines
 * ===================================================================
 */

/* libmicrohttpd's record of conn's connection, or NULL. */
static struct hconn *
hconn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/*
 * Marks conn's connection as reading a request, its deadline
 * http.request_timeout seconds from now, or as done reading.
 */
static void
conn_reading(struct http_server *srv, struct MHD_Connection *conn,
    int reading)
{
	struct hconn	*hc;

	if ((hc = hconn_of(conn)) == NULL)
		return;
	pthread_mutex_lock(&srv->clock);
	hc->reading = reading;
	hc->since = clock_mono();
	pthread_mutex_unlock(&srv->clock);
}

/* A connection opened (its deadline starts) or closed. */
static void
notify_cb(void *cls, struct MHD_Connection *conn, void **sctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct http_server		*srv = cls;
	struct hconn			*hc;
	const union MHD_ConnectionInfo	*ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		hc = xcalloc(1, sizeof(*hc));
		ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		hc->fd = ci != NULL ? ci->connect_fd : -1;
		hc->since = clock_mono();
		hc->reading = 1;
		pthread_mutex_lock(&srv->clock);
		TAILQ_INSERT_TAIL(&srv->conns, hc, link);
		srv->nconns++;
		pthread_mutex_unlock(&srv->clock);
		*sctx = hc;
		return;
	}
	/* Closed: libmicrohttpd closes the socket after this returns. */
	if ((hc = *sctx) == NULL)
		return;
	pthread_mutex_lock(&srv->clock);
	TAILQ_REMOVE(&srv->conns, hc, link);
	srv->nconns--;
	pthread_mutex_unlock(&srv->clock);
	free(hc);
	*sctx = NULL;
}

/*
 * Shuts down the connections that have been reading one request for
 * longer than http.request_timeout; clock held.  libmicrohttpd sees the
 * end of the stream and closes them (the socket is still its own: a
 * connection leaves the list before its socket is closed).  Returns how
 * many were cut.
 */
static int
reap(struct http_server *srv, double now)
{
	struct hconn	*hc;
	int		 n = 0;

	TAILQ_FOREACH(hc, &srv->conns, link) {
		if (!hc->reading || hc->cut || hc->fd == -1 ||
		    now - hc->since <= srv->request_timeout)
			continue;
		(void)shutdown(hc->fd, SHUT_RDWR);
		hc->cut = 1;
		n++;
	}
	return n;
}

static void *
reaper_main(void *arg)
{
	struct http_server	*srv = arg;
	struct timespec		 ts;
	int			 i, n;

	pthread_setname_np(pthread_self(), "http-reaper");
	pthread_mutex_lock(&srv->clock);
	while (!srv->stopping) {
		n = reap(srv, clock_mono());
		pthread_mutex_unlock(&srv->clock);
		atomic_fetch_add(&srv->counters[HTTP_REJECT_DEADLINE],
		    (uint64_t)n);
		/* The same line each time: the log counts the repeats. */
		for (i = 0; i < n; i++)
			log_notice(_("http: closed a connection that sent no "
			    "complete request within %.0f seconds"),
			    srv->request_timeout);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += HTTP_REAP_MSEC * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&srv->clock);
		if (!srv->stopping)
			pthread_cond_timedwait(&srv->cwake, &srv->clock, &ts);
	}
	pthread_mutex_unlock(&srv->clock);
	return NULL;
}

/*
 * libmicrohttpd's messages, into the daemon's log (which writes a line
 * that repeats once a minute).  A connection refused for a limit is
 * counted for /metrics.
 */
static void __attribute__((format(printf, 2, 0)))
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server	*srv = cls;
	char			 buf[512];
	size_t			 len;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	if (strstr(buf, "connection limit") != NULL)
		atomic_fetch_add(&srv->counters[HTTP_REJECT_LIMIT], 1);
	/* Mostly about clients (a closed socket): not a warning. */
	log_notice("http: %s", buf);
}

/*
 * The HTTP connections the daemon can hold: RLIMIT_NOFILE less what the
 * rest of it needs at most (the control socket's clients, the store,
 * the modems, the providers' senders, HTTP threads), at least
 * HTTP_CONN_MIN; and no more than http.max_connections when it is set.
 * Logs how it was derived.
 */
static unsigned
conn_limit(const struct config *conf)
{
	struct rlimit	 rl;
	long		 nofile, reserve, limit, senders = 0;
	size_t		 i;

	reserve = FD_BASE + (long)conf->http_threads * FD_PER_THREAD +
	    (long)conf->control_max_clients * FD_PER_CLIENT;
	for (i = 0; i < conf->nchannels; i++) {
		if (!conf->channels[i].enabled)
			continue;
		if (conf->channels[i].type == CHANNEL_MODEM)
			reserve += FD_PER_MODEM;
		else if (conf->channels[i].base_url[0] != '\0')
			senders += FD_PER_SENDER;
	}
	/* libcurl keeps 64 connections in all (send_http.c). */
	reserve += senders > 4 * FD_PER_SENDER ? 4 * FD_PER_SENDER : senders;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur ==
	    RLIM_INFINITY || rl.rlim_cur > 1000000 + (rlim_t)reserve)
		nofile = 1000000 + reserve;
	else
		nofile = (long)rl.rlim_cur;
	limit = nofile - reserve;
	if (limit < HTTP_CONN_MIN) {
		log_warnx(_("http: RLIMIT_NOFILE is %ld, and the daemon needs "
		    "%ld descriptors besides HTTP: raise LimitNOFILE; taking "
		    "%d connections all the same"), nofile, reserve,
		    HTTP_CONN_MIN);
		limit = HTTP_CONN_MIN;
	}
	if (conf->http_max_connections > 0 &&
	    conf->http_max_connections > limit)
		log_warnx(_("http: max_connections %d is more than "
		    "RLIMIT_NOFILE leaves; taking %ld"),
		    conf->http_max_connections, limit);
	else if (conf->http_max_connections > 0)
		limit = conf->http_max_connections;
	log_info(_("http: at most %ld connections, %d per address (0: any); "
	    "RLIMIT_NOFILE %ld less %ld kept for the control socket, the "
	    "store, the modems and the senders"), limit,
	    conf->http_max_per_address, nofile, reserve);
	return (unsigned)limit;
}

/*
 * ===================================================================
 * libmicrohttpd callbacks
 * ===================================================================
 */

/*
 * Whether the path of uri, as it came (not yet decoded), escapes a
 * control character: "/healthz%00" decodes to "/healthz" and a NUL.
 */
static int
escapes_control(const char *uri)
{
	const char	*p;
	int		 hi, lo;

	for (p = uri; *p != '\0' && *p != '?'; p++)
		if (p[0] == '%' &&
		    (hi = hex_value((unsigned char)p[1], 0)) >= 0 &&
		    (lo = hex_value((unsigned char)p[2], 0)) >= 0 &&
		    (hi < 2 || (hi == 7 && lo == 15)))
			return 1;
	return 0;
}

/*
 * libmicrohttpd's URI logger, called with the request line's target
 * before it is decoded: returns the new request, started now, which
 * access_cb() then gets as its *con_cls.
 */
static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_req	*r;

	r = xcalloc(1, sizeof(*r));
	r->srv = cls;
	r->conn = conn;
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->badpath = escapes_control(uri);
	return r;
}

/*
 * Names r with its method and decoded path; a path too long for any
 * route, or one that escaped a control character, is kept empty.
 */
static void
req_begin(struct http_req *r, const char *url, const char *method)
{
	r->begun = 1;
	copy_str(r->method, sizeof(r->method), method);
	if (r->badpath || copy_str(r->path, sizeof(r->path), url) == -1)
		r->path[0] = '\0';	/* no route is that */
}

/*
 * Appends a piece of r's body, size bytes at upload, kept NUL-terminated.
 * Beyond http.max_body nothing is kept: r is marked too large instead.
 */
static void
body_add(struct http_req *r, const char *upload, size_t size)
{
	struct http_server	*srv = r->srv;
	size_t			 need;

	need = r->bodylen + size;
	if (need > srv->max_body)
		r->too_large = 1;
	else {
		if (need + 1 > r->bodycap) {
			r->bodycap = need + 1 > 1024 ? need + 1 : 1024;
			if (r->bodycap > srv->max_body + 1)
				r->bodycap = srv->max_body + 1;
			r->body = xreallocarray(r->body, r->bodycap, 1);
		}
		memcpy(r->body + r->bodylen, upload, size);
		r->bodylen = need;
		r->body[need] = '\0';
	}
}

/*
 * Reads the parameters of r, whose body is all in: those of the query
 * string first, then those of a form-encoded body.
 */
static void
read_params(struct http_req *r)
{
	const char	*ct;

	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND,
	    query_cb, r);
	r->params.nquery = r->params.nparams;
	ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct != NULL && strncasecmp(ct,
	    "application/x-www-form-urlencoded", 33) == 0) {
		r->form = 1;
		if (r->body != NULL)	/* an empty body: no parameter */
			form_split(&r->params, r->body, r->bodylen);
	}
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct http_server	*srv = cls;
	struct http_req		*r = *con_cls;
	const char		*cl;

	(void)version;
	if (r == NULL)		/* uri_cb() always makes one */
		return MHD_NO;
	if (!r->begun) {
		req_begin(r, url, method);
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > srv->max_body)
			return reject(r, MHD_HTTP_CONTENT_TOO_LARGE,
			    HTTP_REJECT_TOO_LARGE, "request body too large\n");
		return MHD_YES;
	}
	if (r->state == REQ_DONE)
		return MHD_YES;	/* discard the rest of a refused body */
	if (r->state == REQ_READING && *upload_size > 0) {
		body_add(r, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->state == REQ_READING) {
		/* The whole body is in. */
		if (r->too_large)
			return reject(r, MHD_HTTP_CONTENT_TOO_LARGE,
			    HTTP_REJECT_TOO_LARGE, "request body too large\n");
		/* In in time: its answer is no longer the client's doing. */
		conn_reading(srv, conn, 0);
		read_params(r);
		r->state = REQ_HANDLED;
		r->status = 0;
		srv->handler(r, srv->arg);
		/*
		 * Deferred: the answer comes after the resume, even when
		 * http_complete() already ran on another thread.
		 */
		if (r->deferring) {
			r->deferring = 0;
			return MHD_YES;
		}
	}
	if (r->state == REQ_HANDLED) {
		if (r->status == 0)
			set_answer(r, 500, "text/plain", "no answer\n", 10);
		return queue(r);
	}
	return MHD_YES;
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req	*r = *con_cls;
	size_t		 i;

	(void)toe;
	/* A kept-alive connection has its deadline for the next one. */
	conn_reading(cls, conn, 1);
	if (r == NULL)
		return;
	form_free(&r->params);
	if (r->ctx_free != NULL)
		r->ctx_free(r->ctx);
	for (i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i][0]);
		free(r->hdrs[i][1]);
	}
	free(r->body);
	free(r->resp);
	free(r);
	*con_cls = NULL;
}

/* Elapsed seconds since the request started, for latency metrics. */
double
http_elapsed(const struct http_req *r)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - r->start.tv_sec) +
	    (double)(now.tv_nsec - r->start.tv_nsec) / 1e9;
}

/*
 * ===================================================================
 * Start and stop
 * ===================================================================
 */

/*
 * Starts the listener on conf's http.listen.  handler(req, arg) runs for
 * every complete request on one of the server's threads.  Returns the
 * server, or NULL with the reason in err.
 */
struct http_server *
http_start(const struct config *conf, http_handler_fn handler, void *arg,
    char *err, size_t errsz)
{
	struct http_opts	o;

	memset(&o, 0, sizeof(o));
	o.listen = conf->http_listen;
	o.addr = conf->http_addr;
	o.port = conf->http_port;
	o.max_body = (size_t)conf->http_max_body;
	o.threads = (unsigned)conf->http_threads;
	o.max_conns = conn_limit(conf);
	o.max_per_address = (unsigned)conf->http_max_per_address;
	o.timeout = (unsigned)conf->http_timeout;
	o.request_timeout = conf->http_request_timeout;
	return http_start_opts(&o, handler, arg, err, errsz);
}

/*
 * The address of o in sin or sin6, returned as a struct sockaddr; NULL
 * when it is not an address.  Sets *ipv6.
 */
static struct sockaddr *
listen_addr(const struct http_opts *o, struct sockaddr_in *sin,
    struct sockaddr_in6 *sin6, int *ipv6)
{
	memset(sin, 0, sizeof(*sin));
	memset(sin6, 0, sizeof(*sin6));
	*ipv6 = 0;
	if (inet_pton(AF_INET, o->addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)o->port);
		return (struct sockaddr *)sin;
	}
	if (inet_pton(AF_INET6, o->addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)o->port);
		*ipv6 = 1;
		return (struct sockaddr *)sin6;
	}
	return NULL;
}

/* libmicrohttpd's daemon for srv on o, at sa, or NULL. */
static struct MHD_Daemon *
mhd_start(struct http_server *srv, const struct http_opts *o,
    struct sockaddr *sa, unsigned flags)
{
	if (o->tls_cert != NULL)
		return MHD_start_daemon(flags | MHD_USE_TLS,
		    (uint16_t)o->port, NULL, NULL, access_cb, srv,
		    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,	/* first */
		    MHD_OPTION_HTTPS_MEM_CERT, o->tls_cert,
		    MHD_OPTION_HTTPS_MEM_KEY, o->tls_key,
		    MHD_OPTION_SOCK_ADDR, sa,
		    MHD_OPTION_THREAD_POOL_SIZE, o->threads,
		    MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
		    MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_address,
		    MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
		    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, srv,
		    MHD_OPTION_NOTIFY_CONNECTION, notify_cb, srv,
		    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, srv,
		    MHD_OPTION_END);
	return MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL,
	    access_cb, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,	/* first */
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_THREAD_POOL_SIZE, o->threads,
	    MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_address,
	    MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, notify_cb, srv,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, srv,
	    MHD_OPTION_END);
}

/*
 * Starts a listener as o says (http_start() for http.listen, the
 * dashboard for web.listen).  Returns the server, or NULL with the
 * reason in err.
 */
struct http_server *
http_start_opts(const struct http_opts *o, http_handler_fn handler,
    void *arg, char *err, size_t errsz)
{
	struct http_server	*srv;
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	struct sockaddr		*sa;
	const union MHD_DaemonInfo *info;
	unsigned		 flags;
	int			 ipv6;

	if (o->tls_cert != NULL && MHD_is_feature_supported(MHD_FEATURE_TLS)
	    != MHD_YES) {
		snprintf(err, errsz, _("%s: this libmicrohttpd has no TLS"),
		    o->listen);
		return NULL;
	}
	srv = xcalloc(1, sizeof(*srv));
	srv->handler = handler;
	srv->arg = arg;
	srv->max_body = o->max_body;
	srv->request_timeout = o->request_timeout;
	srv->max_conns = o->max_conns;
	srv->tls = o->tls_cert != NULL;
	pthread_mutex_init(&srv->clock, NULL);
	pthread_cond_init(&srv->cwake, NULL);
	TAILQ_INIT(&srv->conns);
	flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ERROR_LOG;
	if ((sa = listen_addr(o, &sin, &sin6, &ipv6)) == NULL) {
		snprintf(err, errsz, _("%s: bad address %s"), o->listen,
		    o->addr);
		goto fail;
	}
	if (ipv6)
		flags |= MHD_USE_IPv6;
	if ((srv->mhd = mhd_start(srv, o, sa, flags)) == NULL) {
		snprintf(err, errsz, _("cannot listen on %s (address in use, "
		    "not an address of this machine, or a bad certificate)"),
		    o->listen);
		goto fail;
	}
	info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info != NULL ? info->port : o->port;
	if ((errno = pthread_create(&srv->reaper, NULL, reaper_main,
	    srv)) != 0)
		fatal("http: pthread_create");
	srv->reaper_started = 1;
	return srv;
fail:
	pthread_cond_destroy(&srv->cwake);
	pthread_mutex_destroy(&srv->clock);
	free(srv);
	return NULL;
}

/* The port the server listens on. */
int
http_port(const struct http_server *srv)
{
	return srv->port;
}

/*
 * The connections open now, and the most there may be, for /metrics.
 */
unsigned
http_connections(struct http_server *srv, unsigned *max)
{
	unsigned	n;

	pthread_mutex_lock(&srv->clock);
	n = srv->nconns;
	pthread_mutex_unlock(&srv->clock);
	*max = srv->max_conns;
	return n;
}

/* Refused requests by reason, for /metrics. */
uint64_t
http_rejects(const struct http_server *srv, enum http_reject why)
{
	return atomic_load(&srv->counters[why]);
}

const char *
http_reject_name(enum http_reject why)
{
	return reject_names[why];
}

/*
 * Stops accepting connections, waits (at most HTTP_STOP_WAIT_MS) for the
 * deferred requests to be answered, then stops the server and frees it.
 * The store must still be running when this is called.
 */
void
http_stop(struct http_server *srv)
{
	struct timespec	ts = { 0, 10 * 1000000L };
	int		waited = 0;

	if (srv == NULL)
		return;
	MHD_quiesce_daemon(srv->mhd);
	while (atomic_load(&srv->deferred) > 0 &&
	    waited < HTTP_STOP_WAIT_MS) {
		nanosleep(&ts, NULL);
		waited += 10;
	}
	if (atomic_load(&srv->deferred) > 0)
		log_warnx(_("http: %ld requests still waiting at shutdown"),
		    (long)atomic_load(&srv->deferred));
	/* Let the resumed connections send their answers. */
	nanosleep(&ts, NULL);
	MHD_stop_daemon(srv->mhd);
	/* Every connection is closed now: the reaper has nothing left. */
	pthread_mutex_lock(&srv->clock);
	srv->stopping = 1;
	pthread_cond_signal(&srv->cwake);
	pthread_mutex_unlock(&srv->clock);
	if (srv->reaper_started)
		pthread_join(srv->reaper, NULL);
	pthread_cond_destroy(&srv->cwake);
	pthread_mutex_destroy(&srv->clock);
	free(srv);
}
