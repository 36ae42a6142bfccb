/*
 * send_http.c: the HTTP SMS providers' driver of the outbox: libcurl's
 * multi interface in one thread for every HTTP channel.
 *
 *	Twilio		POST {base}/2010-04-01/Accounts/{account}/Messages.json
 *			Basic auth account:token; To, From, Body,
 *			StatusCallback
 *	Africa's Talking POST {base}/version1/messaging, header apiKey;
 *			username, to, message, from
 *	Vonage		POST {base}/sms/json; api_key, api_secret, from, to
 *			(no '+'), text, type=unicode for UCS-2, client-ref
 *			(the outbox id), callback
 *	Kannel		POST {base}/cgi-bin/sendsms, the text as the body
 *			(text/plain; charset=UTF-8), X-Kannel-Username,
 *			-Password, -From, -To (-Coding: 2 for UCS-2),
 *			-DLR-Mask: 31, -DLR-Url; or with send_method = get
 *			GET ...?username&password&from&to&text
 *			&charset=UTF-8(&coding=2)&dlr-mask=31&dlr-url=...
 *
 * Kannel's sendsms takes a POST with the text as it is (smsbox.c): a
 * reply needs no percent-encoding, and the URL that libcurl parses is the
 * short one of the channel, not 1.8 KB of encoded Vietnamese.  The form
 * fields of the other providers are encoded here, in place, not with
 * curl_easy_escape() and an allocation a field.
 *
 * The channel's number is the From; base_url, account and token come from
 * the channel's configuration.  Delivery reports are asked for at
 * /dlr/<channel> on the host of the channel's public_url, when it has
 * one.  The outbox worker calls send_http_send() on its thread: the
 * request is built there and queued for the curl thread, which runs the
 * transfers (connections are kept and reused) and reports each with
 * outbox_sent(): timeouts, connection errors, 5xx and throttling are
 * retried, the providers' permanent errors are not (send_http_parse()).
 *
 * Only this file includes curl/curl.h.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "chan/send_http.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "base/version.h"
#include "conf/config.h"
#include "chan/outbox.h"

#define RESP_MAX	65536	/* bytes of an answer that are read */
#define HOST_CONNS	64	/* connections kept per provider host */
#define IDLE_EASY	64	/* finished easy handles kept for reuse */
#define POLL_MSEC	1000	/* longest wait in curl_multi_poll() */
#define HTTP_ERR_MAX	256	/* bytes of an error for last_error */
#define HTTP_ID_MAX	128	/* bytes of a provider message id */
#define USER_AGENT	"papigw/" PAPIGW_VERSION

/* One request, from send_http_send() until it is reported. */
struct req {
	STAILQ_ENTRY(req)	 entry;		/* in the queue */
	LIST_ENTRY(req)		 transfer;	/* among the transfers */
	int64_t			 id;
	enum channel_type	 type;
	char			*url;
	char			*body;		/* form fields; NULL: GET */
	size_t			 bodylen;
	int			 body_is_text;	/* Kannel's POST: the text */
	char			*userpwd;	/* Basic auth, or NULL */
	struct curl_slist	*headers;
	CURL			*easy;
	struct strbuf		 resp;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct send_http {
	struct outbox		*ob;
	CURLM			*multi;
	pthread_t		 thread;
	int			 started;
	LIST_HEAD(, req)	 active;	/* the curl thread's */
	CURL			*idle[IDLE_EASY];	/* the curl thread's */
	int			 nidle;
	atomic_int		 connect_timeout;	/* seconds */
	atomic_int		 timeout;		/* seconds */

	pthread_mutex_t		 lock;		/* the three below */
	STAILQ_HEAD(, req)	 queue;
	int			 stopping;
};

/*
 * ===================================================================
 * Building requests
 * ===================================================================
 */

/*
 * Appends s percent-encoded (RFC 3986: unreserved characters kept, as
 * curl_easy_escape() does), in runs: what needs no encoding is copied
 * as it is.
 */
static void
add_escaped(struct strbuf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p = (const unsigned char *)s, *run;
	char			 e[3] = { '%', 0, 0 };

	while (*p != '\0') {
		for (run = p; *p != '\0' && (isalnum(*p) || *p == '-' ||
		    *p == '.' || *p == '_' || *p == '~') && *p < 0x80; p++)
			;
		strbuf_add(b, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		e[1] = hex[*p >> 4];
		e[2] = hex[*p & 15];
		strbuf_add(b, e, 3);
		p++;
	}
}

/* Appends "&name=value" (without the '&' when b is empty). */
static void
add_param(struct strbuf *b, const char *name, const char *value)
{
	if (b->len > 0)
		strbuf_addc(b, '&');
	strbuf_adds(b, name);
	strbuf_addc(b, '=');
	add_escaped(b, value);
}

/* Appends the base URL without its trailing slashes. */
static void
add_base(struct strbuf *b, const char *base)
{
	size_t	n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	strbuf_add(b, base, n);
}

/*
 * Writes to buf the delivery report URL of channel: the scheme and host of
 * public_url, then "/dlr/<channel>".  Returns 0, or -1 when public_url is
 * empty or not an http(s) URL or buf is too small.
 */
int
send_http_dlr_url(const char *public_url, const char *channel, char *buf,
    size_t bufsz)
{
	const char	*p, *end;
	int		 n;

	if (strncmp(public_url, "http://", 7) != 0 &&
	    strncmp(public_url, "https://", 8) != 0)
		return -1;
	p = strstr(public_url, "://") + 3;
	end = p + strcspn(p, "/?#");
	if (end == p)
		return -1;
	n = snprintf(buf, bufsz, "%.*s/dlr/%s", (int)(end - public_url),
	    public_url, channel);
	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

static void
req_free(struct req *r)
{
	if (r == NULL)
		return;
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	free(r->url);
	if (r->body != NULL)
		explicit_bzero(r->body, strlen(r->body));
	free(r->body);
	if (r->userpwd != NULL)
		explicit_bzero(r->userpwd, strlen(r->userpwd));
	free(r->userpwd);
	strbuf_free(&r->resp);
	free(r);
}

static struct curl_slist *
header_add(struct curl_slist *l, const char *h)
{
	struct curl_slist	*n;

	if ((n = curl_slist_append(l, h)) == NULL)
		fatal("curl_slist_append");
	return n;
}

/*
 * Twilio: the Messages resource of the channel's account, Basic auth with
 * the account and token, and cb (or NULL) as the StatusCallback.  Adds to
 * url and body and sets r's credentials and headers.
 */
static void
twilio_req(struct req *r, const struct outbox_msg *m, const char *cb,
    struct strbuf *url, struct strbuf *body)
{
	const struct channel	*ch = m->channel;
	struct strbuf		 auth = STRBUF_INIT;

	strbuf_adds(url, "/2010-04-01/Accounts/");
	add_escaped(url, ch->account);
	strbuf_adds(url, "/Messages.json");
	add_param(body, "To", m->recipient);
	add_param(body, "From", ch->number);
	add_param(body, "Body", m->text);
	if (cb != NULL)
		add_param(body, "StatusCallback", cb);
	strbuf_adds(&auth, ch->account);
	strbuf_adds(&auth, ":");
	strbuf_adds(&auth, ch->token);
	r->userpwd = strbuf_take(&auth, NULL);
	r->headers = header_add(NULL, "Accept: application/json");
}

/*
 * Africa's Talking: the messaging endpoint, the channel's token in the
 * apiKey header.  Adds to url and body and sets r's headers.
 */
static void
africastalking_req(struct req *r, const struct outbox_msg *m,
    struct strbuf *url, struct strbuf *body)
{
	const struct channel	*ch = m->channel;
	struct strbuf		 key = STRBUF_INIT;

	strbuf_adds(url, "/version1/messaging");
	add_param(body, "username", ch->account);
	add_param(body, "to", m->recipient);
	add_param(body, "message", m->text);
	if (ch->number[0] != '\0')
		add_param(body, "from", ch->number);
	strbuf_adds(&key, "apiKey: ");
	strbuf_adds(&key, ch->token);
	r->headers = header_add(NULL, "Accept: application/json");
	r->headers = header_add(r->headers, key.buf);
	explicit_bzero(key.buf, key.len);
	strbuf_free(&key);
}

/*
 * Vonage: the SMS API with the key and secret among the fields, the
 * number without its '+', the outbox id as client-ref and cb (or NULL)
 * as the callback.  Adds to url and body and sets r's headers.
 */
static void
vonage_req(struct req *r, const struct outbox_msg *m, const char *cb,
    struct strbuf *url, struct strbuf *body)
{
	const struct channel	*ch = m->channel;
	const char		*to = m->recipient;
	char			 id[32];

	snprintf(id, sizeof(id), "%" PRId64, m->id);
	strbuf_adds(url, "/sms/json");
	add_param(body, "api_key", ch->account);
	add_param(body, "api_secret", ch->token);
	add_param(body, "from", ch->number);
	add_param(body, "to", to[0] == '+' ? to + 1 : to);
	add_param(body, "text", m->text);
	if (m->encoding != NULL && strcmp(m->encoding, "ucs2") == 0)
		add_param(body, "type", "unicode");
	add_param(body, "client-ref", id);
	if (cb != NULL)
		add_param(body, "callback", cb);
	r->headers = header_add(NULL, "Accept: application/json");
}

/*
 * Appends to dlr the delivery report URL cb with the credentials that
 * the channel's auth asks for (providers_admit()): Basic ones in the
 * URL's user part, or the "secret" parameter after the query that
 * generic_req() adds.
 */
static void
dlr_with_auth(struct strbuf *dlr, const char *cb, const struct channel *ch)
{
	const char	*host = strstr(cb, "://");

	if (ch->auth != CHANNEL_AUTH_BASIC || host == NULL) {
		strbuf_adds(dlr, cb);
		return;
	}
	host += 3;
	strbuf_add(dlr, cb, (size_t)(host - cb));
	add_escaped(dlr, ch->auth_user);
	strbuf_addc(dlr, ':');
	add_escaped(dlr, ch->auth_secret);
	strbuf_addc(dlr, '@');
	strbuf_adds(dlr, host);
}

/* Whether v may go into a header as it is: printable, no line break. */
static int
header_safe(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return 0;
	return 1;
}

/* Adds the header "name: value" to r. */
static void
kannel_header(struct req *r, const char *name, const char *value)
{
	struct strbuf	h = STRBUF_INIT;

	strbuf_adds(&h, "X-Kannel-");
	strbuf_adds(&h, name);
	strbuf_adds(&h, ": ");
	strbuf_adds(&h, value);
	r->headers = header_add(r->headers, h.buf);
	explicit_bzero(h.buf, h.len);
	strbuf_free(&h);
}

/*
 * Writes to dlr the delivery report URL of m: cb with the channel's
 * credentials, the outbox id and Kannel's %d for the report's type.
 */
static void
generic_dlr(struct strbuf *dlr, const struct outbox_msg *m, const char *cb)
{
	const struct channel	*ch = m->channel;

	dlr_with_auth(dlr, cb, ch);
	strbuf_printf(dlr, "?id=%" PRId64 "&type=%%d", m->id);
	if (ch->auth == CHANNEL_AUTH_SECRET) {
		strbuf_adds(dlr, "&secret=");
		add_escaped(dlr, ch->auth_secret);
	}
}

/*
 * Kannel by POST: the text as the body and the other fields in
 * X-Kannel-* headers of r, cb (or NULL) with the outbox id as the
 * DLR-Url.  Returns 0, or -1 when a field cannot go into a header (a
 * line break in a credential): generic_req() sends by GET then.
 */
static int
generic_post(struct req *r, const struct outbox_msg *m, const char *cb,
    struct strbuf *url, struct strbuf *body)
{
	const struct channel	*ch = m->channel;
	struct strbuf		 dlr = STRBUF_INIT;

	if (!header_safe(ch->account) || !header_safe(ch->token) ||
	    !header_safe(ch->number) || !header_safe(m->recipient) ||
	    (cb != NULL && ch->auth != CHANNEL_AUTH_NONE &&
	    (!header_safe(ch->auth_user) || !header_safe(ch->auth_secret))))
		return -1;
	strbuf_adds(url, "/cgi-bin/sendsms");
	r->headers = header_add(NULL, "Content-Type: text/plain; "
	    "charset=UTF-8");
	kannel_header(r, "Username", ch->account);
	kannel_header(r, "Password", ch->token);
	if (ch->number[0] != '\0')
		kannel_header(r, "From", ch->number);
	kannel_header(r, "To", m->recipient);
	if (m->encoding != NULL && strcmp(m->encoding, "ucs2") == 0)
		kannel_header(r, "Coding", "2");
	if (cb != NULL) {
		generic_dlr(&dlr, m, cb);
		kannel_header(r, "DLR-Mask", "31");
		kannel_header(r, "DLR-Url", dlr.buf);
		explicit_bzero(dlr.buf, dlr.len);
		strbuf_free(&dlr);
	}
	strbuf_adds(body, m->text);
	return 0;
}

/*
 * Kannel: sendsms by POST (generic_post()), or, with send_method = get
 * or credentials that cannot go into a header, a GET with every field in
 * the query of url, with cb (or NULL) and the outbox id as the dlr-url,
 * with the channel's credentials, and body left empty.
 */
static void
generic_req(struct req *r, const struct outbox_msg *m, const char *cb,
    struct strbuf *url, struct strbuf *body)
{
	const struct channel	*ch = m->channel;
	struct strbuf		 dlr = STRBUF_INIT;

	if (ch->send_method == CHANNEL_SEND_POST &&
	    generic_post(r, m, cb, url, body) == 0) {
		r->body_is_text = 1;
		return;
	}
	strbuf_adds(url, "/cgi-bin/sendsms?");
	add_param(body, "username", ch->account);
	add_param(body, "password", ch->token);
	if (ch->number[0] != '\0')
		add_param(body, "from", ch->number);
	add_param(body, "to", m->recipient);
	add_param(body, "text", m->text);
	add_param(body, "charset", "UTF-8");
	if (m->encoding != NULL && strcmp(m->encoding, "ucs2") == 0)
		add_param(body, "coding", "2");
	if (cb != NULL) {
		generic_dlr(&dlr, m, cb);
		add_param(body, "dlr-mask", "31");
		add_param(body, "dlr-url", dlr.buf);
	}
	/* A GET: the parameters are the query. */
	strbuf_add(url, body->buf, body->len);
	explicit_bzero(body->buf, body->len);
	strbuf_free(body);
	explicit_bzero(dlr.buf, dlr.len);
	strbuf_free(&dlr);
}

/* Builds the request for m on its channel; returns it, or NULL. */
static struct req *
req_build(const struct outbox_msg *m)
{
	const struct channel	*ch = m->channel;
	struct req		*r = xcalloc(1, sizeof(*r));
	struct strbuf		 url = STRBUF_INIT, body = STRBUF_INIT;
	char			 buf[1200];
	const char		*cb;

	r->id = m->id;
	r->type = ch->type;
	cb = send_http_dlr_url(ch->public_url, ch->name, buf,
	    sizeof(buf)) == 0 ? buf : NULL;
	add_base(&url, ch->base_url);
	switch (ch->type) {
	case CHANNEL_TWILIO:
		twilio_req(r, m, cb, &url, &body);
		break;
	case CHANNEL_AFRICASTALKING:
		africastalking_req(r, m, &url, &body);
		break;
	case CHANNEL_VONAGE:
		vonage_req(r, m, cb, &url, &body);
		break;
	case CHANNEL_GENERIC:
		generic_req(r, m, cb, &url, &body);
		break;
	case CHANNEL_MODEM:
	default:
		strbuf_free(&url);
		strbuf_free(&body);
		free(r);
		return NULL;
	}
	r->url = strbuf_take(&url, NULL);
	r->bodylen = body.len;
	r->body = body.len > 0 || r->body_is_text ? strbuf_take(&body, NULL) :
	    NULL;
	return r;
}

/*
 * ===================================================================
 * Reading answers
 * ===================================================================
 */

/* Copies at most errsz - 1 bytes of the answer's first line, printable. */
static void
snippet(char *out, size_t outsz, const char *body, size_t len)
{
	size_t	i, o = 0;

	if (outsz == 0)
		return;
	for (i = 0; i < len && o + 1 < outsz && o < 120; i++) {
		if (body[i] == '\n' || body[i] == '\r')
			break;
		out[o++] = (unsigned char)body[i] < 0x20 ? ' ' : body[i];
	}
	out[o] = '\0';
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An integer member, also when the provider sends it as a string. */
static long
jint(json_t *o, const char *key, long def)
{
	json_t	*v = json_object_get(o, key);
	long	 n;

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v) && parse_long(json_string_value(v), -1000000,
	    1000000, &n) == 0)
		return n;
	return def;
}

static enum send_result
parse_twilio(long status, json_t *root, char *id, size_t idsz, char *err,
    size_t errsz)
{
	long	code = jint(root, "code", 0);

	if (status >= 200 && status < 300) {
		if (jstr(root, "sid") != NULL)
			copy_str(id, idsz, jstr(root, "sid"));
		return SEND_OK;
	}
	snprintf(err, errsz, "HTTP %ld, code %ld: %s", status, code,
	    jstr(root, "message") ? jstr(root, "message") : "");
	if (code == 21211 || code == 21610 || code == 21614)
		return SEND_PERMANENT;
	if (status == 429 || code == 20429 || status >= 500 || status == 401 ||
	    status < 200)
		return SEND_RETRY;
	return SEND_PERMANENT;
}

static enum send_result
parse_africastalking(long status, json_t *root, char *id, size_t idsz,
    char *err, size_t errsz)
{
	json_t	*data, *rcpts, *r;
	long	 code;

	if (!(status >= 200 && status < 300)) {
		snprintf(err, errsz, "HTTP %ld", status);
		return status == 429 || status >= 500 || status == 401 ||
		    status < 200 ? SEND_RETRY : SEND_PERMANENT;
	}
	data = json_object_get(root, "SMSMessageData");
	rcpts = json_object_get(data, "Recipients");
	if (data == NULL) {
		snprintf(err, errsz, "HTTP %ld: no SMSMessageData", status);
		return SEND_RETRY;
	}
	if (!json_is_array(rcpts) || json_array_size(rcpts) == 0) {
		snprintf(err, errsz, "no recipient: %s",
		    jstr(data, "Message") ? jstr(data, "Message") : "");
		return SEND_PERMANENT;
	}
	r = json_array_get(rcpts, 0);
	code = jint(r, "statusCode", 0);
	if (code >= 100 && code <= 102) {
		if (jstr(r, "messageId") != NULL)
			copy_str(id, idsz, jstr(r, "messageId"));
		return SEND_OK;
	}
	snprintf(err, errsz, "statusCode %ld: %s", code,
	    jstr(r, "status") ? jstr(r, "status") : "");
	if (code >= 500 && code <= 502)
		return SEND_RETRY;
	return SEND_PERMANENT;
}

static enum send_result
parse_vonage(long status, json_t *root, char *id, size_t idsz, char *err,
    size_t errsz)
{
	json_t	*msgs, *m;
	size_t	 i;
	long	 st;

	if (status != 200) {
		snprintf(err, errsz, "HTTP %ld", status);
		return status == 429 || status >= 500 || status == 401 ||
		    status < 200 ? SEND_RETRY : SEND_PERMANENT;
	}
	msgs = json_object_get(root, "messages");
	if (!json_is_array(msgs) || json_array_size(msgs) == 0) {
		snprintf(err, errsz, "HTTP 200 without messages");
		return SEND_RETRY;
	}
	json_array_foreach(msgs, i, m) {
		st = jint(m, "status", -1);
		if (st == 0)
			continue;
		snprintf(err, errsz, "status %ld: %s", st,
		    jstr(m, "error-text") ? jstr(m, "error-text") : "");
		/* 1 throttled, 5 internal error: both say try again. */
		return st == 1 || st == 5 ? SEND_RETRY : SEND_PERMANENT;
	}
	m = json_array_get(msgs, 0);
	if (jstr(m, "message-id") != NULL)
		copy_str(id, idsz, jstr(m, "message-id"));
	return SEND_OK;
}

/*
 * Reads a provider's answer to a send: HTTP status and body.  Returns
 * SEND_OK with the provider's message id in id (empty when it gave none),
 * SEND_RETRY (5xx, 429, throttling, an answer that cannot be read) or
 * SEND_PERMANENT (invalid or unsubscribed number, blacklisted, other
 * 4xx), with the reason in err.
 */
enum send_result
send_http_parse(enum channel_type type, long status, const char *body,
    size_t len, char *id, size_t idsz, char *err, size_t errsz)
{
	enum send_result	 res;
	json_t			*root = NULL;
	char			 line[128];

	if (idsz > 0)
		id[0] = '\0';
	if (errsz > 0)
		err[0] = '\0';
	if (type == CHANNEL_GENERIC) {
		if (status >= 200 && status < 300)
			return SEND_OK;
		snippet(line, sizeof(line), body, len);
		snprintf(err, errsz, "HTTP %ld: %s", status, line);
		if (status == 429 || status >= 500 || status < 200)
			return SEND_RETRY;
		return SEND_PERMANENT;
	}
	if (len > 0)
		root = json_loadb(body, len, 0, NULL);
	if (root == NULL)
		root = json_object();
	switch (type) {
	case CHANNEL_TWILIO:
		res = parse_twilio(status, root, id, idsz, err, errsz);
		break;
	case CHANNEL_AFRICASTALKING:
		res = parse_africastalking(status, root, id, idsz, err,
		    errsz);
		break;
	case CHANNEL_VONAGE:
		res = parse_vonage(status, root, id, idsz, err, errsz);
		break;
	default:
		snprintf(err, errsz, "not an HTTP channel");
		res = SEND_PERMANENT;
		break;
	}
	json_decref(root);
	return res;
}

/*
 * ===================================================================
 * The curl thread
 * ===================================================================
 */

static size_t
write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct req	*r = arg;
	size_t		 len = size * n;

	if (r->resp.len < RESP_MAX)
		strbuf_add(&r->resp, data, len < RESP_MAX - r->resp.len ? len :
		    RESP_MAX - r->resp.len);
	return len;
}

/*
 * Curl thread: keeps the easy handle of a finished transfer for the next
 * one, reset to the default options, or frees it.  A new handle per
 * message allocated its buffers again each time (bench/e2e: 84 us of the
 * curl thread a message; 66 with reuse, most of it libcurl formatting
 * the long Kannel URL).
 */
static void
easy_release(struct send_http *sh, struct req *r)
{
	if (sh->nidle < IDLE_EASY) {
		curl_easy_reset(r->easy);
		sh->idle[sh->nidle++] = r->easy;
	} else
		curl_easy_cleanup(r->easy);
	r->easy = NULL;
}

/* Sets up r's easy handle and adds it; returns 0, or -1 (reported). */
static int
req_start(struct send_http *sh, struct req *r)
{
	if (sh->nidle > 0)
		r->easy = sh->idle[--sh->nidle];
	else if ((r->easy = curl_easy_init()) == NULL)
		goto fail;
	curl_easy_setopt(r->easy, CURLOPT_URL, r->url);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT,
	    (long)atomic_load(&sh->connect_timeout));
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT,
	    (long)atomic_load(&sh->timeout));
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	if (r->headers != NULL)
		curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	if (r->userpwd != NULL) {
		curl_easy_setopt(r->easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(r->easy, CURLOPT_USERPWD, r->userpwd);
	}
	if (r->body != NULL) {
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE,
		    (long)r->bodylen);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body);
	}
	if (curl_multi_add_handle(sh->multi, r->easy) != CURLM_OK)
		goto fail;
	LIST_INSERT_HEAD(&sh->active, r, transfer);
	return 0;
fail:
	outbox_sent(sh->ob, r->id, SEND_RETRY, NULL, "cannot start a "
	    "transfer");
	req_free(r);
	return -1;
}

/* A transfer ended: reads the answer and reports it. */
static void
req_done(struct send_http *sh, struct req *r, CURLcode rc)
{
	enum send_result	 res;
	char			 id[HTTP_ID_MAX], err[HTTP_ERR_MAX];
	long			 status = 0;

	curl_multi_remove_handle(sh->multi, r->easy);
	LIST_REMOVE(r, transfer);
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	easy_release(sh, r);
	if (rc != CURLE_OK) {
		snprintf(err, sizeof(err), "%s", r->errbuf[0] ? r->errbuf :
		    curl_easy_strerror(rc));
		outbox_sent(sh->ob, r->id, SEND_RETRY, NULL, err);
		req_free(r);
		return;
	}
	res = send_http_parse(r->type, status, r->resp.len ? r->resp.buf : "",
	    r->resp.len, id, sizeof(id), err, sizeof(err));
	/* Kannel gives no id: its reports carry the outbox id we sent. */
	if (res == SEND_OK && r->type == CHANNEL_GENERIC)
		snprintf(id, sizeof(id), "%" PRId64, r->id);
	outbox_sent(sh->ob, r->id, res, id[0] ? id : NULL, err[0] ? err :
	    NULL);
	req_free(r);
}

static void *
curl_main(void *arg)
{
	struct send_http	*sh = arg;
	STAILQ_HEAD(, req)	 q;
	struct req		*r;
	CURLMsg			*msg;
	int			 running, left;

	pthread_setname_np(pthread_self(), "http-sender");
	for (;;) {
		pthread_mutex_lock(&sh->lock);
		if (sh->stopping) {
			/* What is queued is freed by send_http_stop(). */
			pthread_mutex_unlock(&sh->lock);
			break;
		}
		STAILQ_INIT(&q);
		STAILQ_CONCAT(&q, &sh->queue);
		pthread_mutex_unlock(&sh->lock);
		while ((r = STAILQ_FIRST(&q)) != NULL) {
			STAILQ_REMOVE_HEAD(&q, entry);
			req_start(sh, r);
		}
		curl_multi_perform(sh->multi, &running);
		while ((msg = curl_multi_info_read(sh->multi, &left)) !=
		    NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			r = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&r);
			if (r != NULL)
				req_done(sh, r, msg->data.result);
		}
		curl_multi_poll(sh->multi, NULL, 0, POLL_MSEC, NULL);
	}
	return NULL;
}

/*
 * ===================================================================
 * The driver
 * ===================================================================
 */

static pthread_once_t	curl_once = PTHREAD_ONCE_INIT;

static void
curl_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx(_("curl_global_init failed"));
}

/*
 * Starts the curl thread for outbox ob with conf's timeouts.  Returns the
 * driver, to be stopped with send_http_stop(), or NULL with the reason in
 * err.
 */
struct send_http *
send_http_start(struct outbox *ob, const struct config *conf, char *err,
    size_t errsz)
{
	struct send_http	*sh = xcalloc(1, sizeof(*sh));
	int			 rc;

	pthread_once(&curl_once, curl_init);
	sh->ob = ob;
	STAILQ_INIT(&sh->queue);
	LIST_INIT(&sh->active);
	pthread_mutex_init(&sh->lock, NULL);
	send_http_reload(sh, conf);
	if ((sh->multi = curl_multi_init()) == NULL) {
		snprintf(err, errsz, "outbox: curl_multi_init failed");
		goto fail;
	}
	curl_multi_setopt(sh->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)HOST_CONNS);
	curl_multi_setopt(sh->multi, CURLMOPT_MAXCONNECTS, (long)HOST_CONNS);
	if ((rc = pthread_create(&sh->thread, NULL, curl_main, sh)) != 0) {
		snprintf(err, errsz, "outbox: curl thread: %s",
		    strerror(rc));
		goto fail;
	}
	sh->started = 1;
	return sh;
fail:
	send_http_stop(sh);
	return NULL;
}

/* Takes the timeouts of a new configuration, for the next requests. */
void
send_http_reload(struct send_http *sh, const struct config *conf)
{
	atomic_store(&sh->connect_timeout, conf->outbox_connect_timeout);
	atomic_store(&sh->timeout, conf->outbox_timeout);
}

/*
 * The driver's send function (ctx is the struct send_http): builds the
 * request for m and queues it for the curl thread.  Returns 0, or -1 when
 * the driver is stopping or m's channel is not an HTTP one.
 */
int
send_http_send(void *ctx, const struct outbox_msg *m)
{
	struct send_http	*sh = ctx;
	struct req		*r;

	if ((r = req_build(m)) == NULL)
		return -1;
	pthread_mutex_lock(&sh->lock);
	if (sh->stopping) {
		pthread_mutex_unlock(&sh->lock);
		req_free(r);
		return -1;
	}
	STAILQ_INSERT_TAIL(&sh->queue, r, entry);
	pthread_mutex_unlock(&sh->lock);
	curl_multi_wakeup(sh->multi);
	return 0;
}

/*
 * Stops the curl thread and drops what is in flight without reporting it
 * (outbox_stop() queues those rows again).  NULL is a no-op.
 */
void
send_http_stop(struct send_http *sh)
{
	struct req	*r;

	if (sh == NULL)
		return;
	pthread_mutex_lock(&sh->lock);
	sh->stopping = 1;
	pthread_mutex_unlock(&sh->lock);
	if (sh->started) {
		curl_multi_wakeup(sh->multi);
		pthread_join(sh->thread, NULL);
	}
	while ((r = STAILQ_FIRST(&sh->queue)) != NULL) {
		STAILQ_REMOVE_HEAD(&sh->queue, entry);
		req_free(r);
	}
	while ((r = LIST_FIRST(&sh->active)) != NULL) {
		LIST_REMOVE(r, transfer);
		curl_multi_remove_handle(sh->multi, r->easy);
		req_free(r);
	}
	while (sh->nidle > 0)
		curl_easy_cleanup(sh->idle[--sh->nidle]);
	if (sh->multi != NULL)
		curl_multi_cleanup(sh->multi);
	pthread_mutex_destroy(&sh->lock);
	free(sh);
}
