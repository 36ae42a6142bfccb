/*
 * providers.c: the HTTP endpoints, one handler per provider protocol.
 *
 *	POST	    /sms/twilio		Twilio inbound webhook (TwiML answer)
 *	POST	    /sms/africastalking	Africa's Talking inbound SMS
 *	GET, POST   /sms/vonage		Vonage inbound (query, form or JSON)
 *	GET, POST   /sms/generic	Kannel-style from, to, text, id
 *	POST	    /dlr/<channel>	delivery reports
 *
 * Each message handler checks the request (method 405, required fields
 * 400 with the reason, signatures 403), builds a struct inbound and hands
 * it to the ingest pipeline with the request deferred; the answer (2xx,
 * or 503 when the store failed) goes out once the message's batch
 * committed.  Each endpoint serves the first enabled channel of its type.
 *
 * Before anything else, a request must come from an address of the
 * channel's allow_from, when it has one, and a generic or Africa's
 * Talking channel with auth asks for its shared secret (providers_admit(),
 * which the USSD endpoint uses too).  Then every sender, recipient and
 * message id is checked against the rules of domain/field.c: a field
 * that breaks one is refused with 400 and the reason, never stored.
 *
 * Vonage sends the parts of a long message separately: each part is
 * stored (durably, before its 200) and the message is assembled and
 * ingested when the last part arrives, or, with what arrived, after
 * ingest.concat_timeout seconds (see core/ingest.c).  The daemon routes
 * /sms/ and /dlr/ here (daemon/web.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "chan/providers.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/netmask.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/field.h"
#include "store/store.h"
#include "core/ingest.h"
#include "core/metrics.h"
#include "chan/http.h"
#include "chan/outbox.h"
#include "chan/send_http.h"
#include "chan/sig.h"

#define TWIML_EMPTY \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"
#define CT_TEXT		"text/plain; charset=utf-8"
#define CT_XML		"text/xml"

/* What a deferred message request needs when its batch is done. */
struct pending {
	struct http_req		*req;
	struct providers	*pv;
	int			 ok_status;	/* 200 or 204 */
	const char		*ok_type;
	const char		*ok_body;
};

/*
 * ===================================================================
 * Helpers
 * ===================================================================
 */

static const struct channel *
channel_of_type(const struct config *conf, enum channel_type type)
{
	size_t	i;

	for (i = 0; i < conf->nchannels; i++)
		if (conf->channels[i].type == type &&
		    conf->channels[i].enabled)
			return &conf->channels[i];
	return NULL;
}

static void
forbidden(struct http_req *r, const struct channel *ch, const char *sender,
    const char *why)
{
	char	masked[MASKED_NUMBER_MAX];

	log_warnx(_("%s: %s from %s: refused"), ch->name, _(why),
	    mask_number(sender != NULL ? sender : "", masked,
	    sizeof(masked)));
	http_refuse(r, HTTP_REJECT_FORBIDDEN, 403, "forbidden");
}

/*
 * ===================================================================
 * Who may call, and what they may send
 * ===================================================================
 */

/*
 * Whether r may reach ch's endpoints: its client's address is in the
 * channel's allow_from (when it has one), and it carries the channel's
 * shared secret (auth: HTTP Basic credentials, or the "secret"
 * parameter).  Returns 1, or 0 after answering 403 (401 asking for
 * Basic credentials).
 */
int
providers_admit(const struct channel *ch, struct http_req *r)
{
	const char	*v;
	char		 addr[64];
	size_t		 len;

	if (ch->allow != NULL &&
	    !netmask_match(ch->allow, ch->nallow_from, http_peer(r))) {
		netmask_addr(http_peer(r), addr, sizeof(addr));
		log_warnx(_("%s: a request from %s, which is not in "
		    "allow_from: refused"), ch->name, addr);
		http_refuse(r, HTTP_REJECT_FORBIDDEN, 403, "forbidden");
		return 0;
	}
	switch (ch->auth) {
	case CHANNEL_AUTH_BASIC:
		if (sig_basic_check(ch->auth_user, ch->auth_secret,
		    http_header(r, "Authorization")))
			return 1;
		log_warnx(_("%s: a request without the channel's credentials: "
		    "refused"), ch->name);
		http_refuse_auth(r, "Basic realm=\"papigw\"");
		return 0;
	case CHANNEL_AUTH_SECRET:
		v = http_param(r, "secret", &len);
		if (sig_secret_equal(v, len, ch->auth_secret))
			return 1;
		log_warnx(_("%s: a request without the channel's secret: "
		    "refused"), ch->name);
		http_refuse(r, HTTP_REJECT_FORBIDDEN, 403, "forbidden");
		return 0;
	default:
		return 1;
	}
}

/*
 * Whether v (len bytes), the value of the sender or recipient field
 * name, follows the rules of field_address(); answers 400 with the
 * reason when not.  A missing or empty field passes: the handler
 * says which are required.
 */
static int
address_ok(struct http_req *r, const char *name, const char *v, size_t len)
{
	enum field_address	 kind;
	const char		*why;
	char			 msg[160];

	if (v == NULL || len == 0 ||
	    (why = field_address(v, len, &kind)) == NULL)
		return 1;
	snprintf(msg, sizeof(msg), "%s %s", name, why);
	http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, msg);
	return 0;
}

/* The same for a message id or another provider token (field_id()). */
static int
id_ok(struct http_req *r, const char *name, const char *v, size_t len)
{
	const char	*why;
	char		 msg[160];

	if (v == NULL || len == 0 || (why = field_id(v, len)) == NULL)
		return 1;
	snprintf(msg, sizeof(msg), "%s %s", name, why);
	http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, msg);
	return 0;
}

/*
 * Checks the sender, recipient and id parameters of r named as given
 * (each may be NULL: not sent by this provider).  Returns 1, or 0 after
 * a 400.
 */
static int
fields_ok(struct http_req *r, const char *from, const char *to,
    const char *id)
{
	const char	*v;
	size_t		 len = 0;

	v = from != NULL ? http_param(r, from, &len) : NULL;
	if (!address_ok(r, from, v, len))
		return 0;
	v = to != NULL ? http_param(r, to, &len) : NULL;
	if (!address_ok(r, to, v, len))
		return 0;
	v = id != NULL ? http_param(r, id, &len) : NULL;
	return id_ok(r, id, v, len);
}

/* Called on the store's thread once the message is committed (or not). */
static void
message_done(const struct ingest_result *res, void *arg)
{
	struct pending	*p = arg;

	metrics_latency(p->pv->metrics, http_elapsed(p->req));
	if (res->status == STORE_OK)
		http_complete(p->req, p->ok_status, p->ok_type, p->ok_body);
	else {
		http_count_reject(p->req, HTTP_REJECT_UNAVAILABLE);
		http_complete(p->req, 503, CT_TEXT,
		    "store unavailable, try again later\n");
	}
	free(p);
}

/*
 * Hands a message to the ingest pipeline with the request deferred until
 * it is committed; ok_* is the answer then.
 */
static void
submit(struct providers *pv, struct config *conf, struct http_req *r,
    const struct inbound *in, int ok_status, const char *ok_type,
    const char *ok_body)
{
	struct pending	*p = xcalloc(1, sizeof(*p));

	p->req = r;
	p->pv = pv;
	p->ok_status = ok_status;
	p->ok_type = ok_type;
	p->ok_body = ok_body;
	http_defer(r);
	if (ingest_submit(pv->ingest, conf, in, message_done, p) == -1) {
		free(p);
		http_count_reject(r, HTTP_REJECT_UNAVAILABLE);
		http_complete(r, 503, CT_TEXT, "shutting down, try again "
		    "later\n");
	}
}

/*
 * ===================================================================
 * Twilio
 * ===================================================================
 */

static void
twilio(struct providers *pv, struct config *conf, struct http_req *r)
{
	const struct channel	*ch;
	const struct http_param	*params;
	const char		*from, *body, *sid, *sig;
	struct inbound		 in;
	size_t			 n, blen;

	if (!http_allow(r, 0, 1))
		return;
	if ((ch = channel_of_type(conf, CHANNEL_TWILIO)) == NULL) {
		http_refuse(r, HTTP_REJECT_NOT_FOUND, 404, "no twilio channel");
		return;
	}
	if (!providers_admit(ch, r))
		return;
	/* What Twilio signs is the form body: read nothing else. */
	http_form_only(r);
	from = http_param(r, "From", NULL);
	if (ch->token[0] != '\0') {
		/*
		 * Twilio signs the URL it was given (public_url, with any
		 * query string) and the form parameters.
		 */
		sig = http_header(r, "X-Twilio-Signature");
		if (sig == NULL) {
			forbidden(r, ch, from,
			    N_("missing X-Twilio-Signature"));
			return;
		}
		params = http_form_params(r, &n);
		if (!sig_twilio_check(ch->token, ch->public_url, params, n,
		    sig)) {
			forbidden(r, ch, from, N_("bad X-Twilio-Signature"));
			return;
		}
	}
	body = http_param(r, "Body", &blen);
	sid = http_param(r, "MessageSid", NULL);
	if (!fields_ok(r, "From", "To", sid != NULL ? "MessageSid" :
	    "SmsSid"))
		return;
	if (sid == NULL)
		sid = http_param(r, "SmsSid", NULL);
	if (from == NULL || *from == '\0') {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "missing From");
		return;
	}
	if (body == NULL) {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "missing Body");
		return;
	}
	memset(&in, 0, sizeof(in));
	in.channel = ch->name;
	in.provider_id = sid;
	in.sender = from;
	in.recipient = http_param(r, "To", NULL);
	in.text = body;
	in.textlen = blen;
	submit(pv, conf, r, &in, 200, CT_XML, TWIML_EMPTY);
}

/*
 * ===================================================================
 * Africa's Talking and generic
 * ===================================================================
 */

/*
 * Africa's Talking (form POST) and Kannel-style generic (GET or POST)
 * endpoints name their fields alike: from, to, text and an optional id.
 * ok_status and ok_body answer a stored message.
 */
static void
from_to_text(struct providers *pv, struct config *conf, struct http_req *r,
    enum channel_type type, int get_ok, int ok_status, const char *ok_body)
{
	const struct channel	*ch;
	const char		*from, *text;
	struct inbound		 in;
	char			 msg[64];
	size_t			 tlen;

	if (!http_allow(r, get_ok, 1))
		return;
	if ((ch = channel_of_type(conf, type)) == NULL) {
		snprintf(msg, sizeof(msg), "no %s channel",
		    channel_type_name(type));
		http_refuse(r, HTTP_REJECT_NOT_FOUND, 404, msg);
		return;
	}
	if (!providers_admit(ch, r) || !fields_ok(r, "from", "to", "id"))
		return;
	from = http_param(r, "from", NULL);
	text = http_param(r, "text", &tlen);
	if (from == NULL || *from == '\0') {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "missing from");
		return;
	}
	if (text == NULL) {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "missing text");
		return;
	}
	memset(&in, 0, sizeof(in));
	in.channel = ch->name;
	in.provider_id = http_param(r, "id", NULL);
	in.sender = from;
	in.recipient = http_param(r, "to", NULL);
	in.text = text;
	in.textlen = tlen;
	submit(pv, conf, r, &in, ok_status, CT_TEXT, ok_body);
}

/*
 * ===================================================================
 * Vonage
 * ===================================================================
 */

/* Turns a JSON object body into request-like parameters. */
struct jparams {
	struct http_param	 p[64];
	size_t			 n;
};

static void
jparams_free(void *arg)
{
	struct jparams	*jp = arg;
	size_t		 i;

	for (i = 0; i < jp->n; i++) {
		free(jp->p[i].key);
		free(jp->p[i].val);
	}
	free(jp);
}

static struct jparams *
json_params(const char *body, size_t len)
{
	struct jparams	*jp;
	json_t		*root, *v;
	const char	*key;
	char		 num[64];
	const char	*s;
	size_t		 slen;

	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return NULL;
	}
	jp = xcalloc(1, sizeof(*jp));
	json_object_foreach(root, key, v) {
		if (jp->n == 64)
			break;
		if (json_is_string(v)) {
			s = json_string_value(v);
			slen = json_string_length(v);
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(v));
			s = num;
			slen = strlen(num);
		} else if (json_is_true(v) || json_is_false(v)) {
			s = json_is_true(v) ? "true" : "false";
			slen = strlen(s);
		} else
			continue;
		jp->p[jp->n].key = xstrdup(key);
		jp->p[jp->n].val = xcalloc(1, slen + 1);
		memcpy(jp->p[jp->n].val, s, slen);
		jp->p[jp->n].vlen = slen;
		jp->n++;
	}
	json_decref(root);
	return jp;
}

static const char *
jparam(const struct http_param *p, size_t n, const char *key, size_t *lenp)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(p[i].key, key) == 0) {
			if (lenp != NULL)
				*lenp = p[i].vlen;
			return p[i].val;
		}
	return NULL;
}

/* Unix seconds of Vonage's "2026-01-15 09:00:00" (UTC), or 0. */
static int64_t
vonage_time(const char *s)
{
	struct tm	tm;

	if (s == NULL)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%d %H:%M:%S", &tm) == NULL)
		return 0;
	return (int64_t)timegm(&tm);
}

static void
part_done(enum store_status st, void *arg)
{
	struct pending	*p = arg;

	if (st == STORE_OK || st == STORE_DUPLICATE)
		http_complete(p->req, p->ok_status, p->ok_type, p->ok_body);
	else {
		http_count_reject(p->req, HTTP_REJECT_UNAVAILABLE);
		http_complete(p->req, 503, CT_TEXT,
		    "store unavailable, try again later\n");
	}
	/* The last part completes a message: assemble it now. */
	ingest_parts_kick(p->pv->ingest);
	free(p);
}

/*
 * Points *params and *n at the request's parameters: those of the query
 * or form, or those of a JSON object body, which r then owns.  Returns 0,
 * or -1 after answering 400 for a malformed JSON body.
 */
static int
vonage_params(struct http_req *r, const struct http_param **params,
    size_t *n)
{
	struct jparams	*jp;
	const char	*ct, *body;
	size_t		 blen;

	*params = http_params(r, n);
	ct = http_header(r, "Content-Type");
	if (strcmp(http_method(r), "POST") == 0 && ct != NULL &&
	    strncasecmp(ct, "application/json", 16) == 0) {
		body = http_body(r, &blen);
		if ((jp = json_params(body, blen)) == NULL) {
			http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "malformed JSON body");
			return -1;
		}
		http_set_ctx(r, jp, jparams_free);
		*params = jp->p;
		*n = jp->n;
	}
	return 0;
}

/*
 * Checks the signature and the age of the timestamp among params when
 * the channel has a signature secret; from names the sender in the log.
 * Returns 1 when r may be taken, 0 after answering 403.
 */
/*
 * Whether the Unix time ts (text) is within max_age seconds of now.  A
 * time that is not a number, or absurdly far, is not.
 */
static int
fresh(const char *ts, int max_age)
{
	long	t, now = (long)time(NULL);

	if (parse_long(ts, 0, LONG_MAX / 2, &t) == -1)
		return 0;
	return t >= now - max_age && t <= now + max_age;
}

static int
vonage_signed(const struct config *conf, struct http_req *r,
    const struct channel *ch, const struct http_param *params, size_t n,
    const char *from)
{
	const char	*sig, *ts;

	if (ch->signature_secret[0] == '\0')
		return 1;
	sig = jparam(params, n, "sig", NULL);
	ts = jparam(params, n, "timestamp", NULL);
	if (sig == NULL || ts == NULL) {
		forbidden(r, ch, from, N_("unsigned request"));
		return 0;
	}
	if (!fresh(ts, conf->ingest_signature_max_age)) {
		forbidden(r, ch, from, N_("stale timestamp"));
		return 0;
	}
	if (!sig_vonage_check(ch->signature_secret, params, n, sig)) {
		forbidden(r, ch, from, N_("bad signature"));
		return 0;
	}
	return 1;
}

/*
 * Checks msisdn, to, messageId and concat-ref among params.  Returns 1,
 * or 0 after a 400.
 */
static int
vonage_fields_ok(struct http_req *r, const struct http_param *params,
    size_t n)
{
	static const char *const addrs[] = { "msisdn", "to" };
	static const char *const ids[] = { "messageId", "concat-ref" };
	const char	*v;
	size_t		 i, len = 0;

	for (i = 0; i < 2; i++) {
		v = jparam(params, n, addrs[i], &len);
		if (!address_ok(r, addrs[i], v, len))
			return 0;
		v = jparam(params, n, ids[i], &len);
		if (!id_ok(r, ids[i], v, len))
			return 0;
	}
	return 1;
}

/*
 * Stores in, one part of a long message whose concat-ref, concat-total
 * and concat-part are among params, with the request deferred until the
 * part is durable; the message is assembled when its last part is in.
 * Answers 400 when those fields are missing or out of range.
 */
static void
vonage_part(struct providers *pv, struct http_req *r,
    const struct inbound *in, const struct http_param *params, size_t n)
{
	struct store_part	 part;
	struct pending		*p;
	long			 total, seq;

	if (jparam(params, n, "concat-ref", NULL) == NULL ||
	    parse_long(jparam(params, n, "concat-total", NULL) ?
	    jparam(params, n, "concat-total", NULL) : "", 2, 255,
	    &total) == -1 ||
	    parse_long(jparam(params, n, "concat-part", NULL) ?
	    jparam(params, n, "concat-part", NULL) : "", 1, total,
	    &seq) == -1) {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "bad concat-ref, concat-total or concat-part");
		return;
	}
	memset(&part, 0, sizeof(part));
	part.channel = in->channel;
	part.sender = in->sender;
	part.recipient = in->recipient;
	part.ref = jparam(params, n, "concat-ref", NULL);
	part.total = (int)total;
	part.seq = (int)seq;
	part.provider_id = in->provider_id;
	part.text = in->text;
	part.textlen = in->textlen;
	part.provider_time = in->provider_time;
	p = xcalloc(1, sizeof(*p));
	p->req = r;
	p->pv = pv;
	p->ok_status = 200;
	p->ok_type = CT_TEXT;
	p->ok_body = "OK\n";
	http_defer(r);
	if (ingest_part_submit(pv->ingest, &part, part_done, p) == -1) {
		free(p);
		http_count_reject(r, HTTP_REJECT_UNAVAILABLE);
		http_complete(r, 503, CT_TEXT, "shutting down\n");
	}
}

static void
vonage(struct providers *pv, struct config *conf, struct http_req *r)
{
	const struct channel	*ch;
	const struct http_param	*params;
	const char		*from, *text, *id, *type;
	struct inbound		 in;
	size_t			 n, tlen = 0;

	if (!http_allow(r, 1, 1))
		return;
	if ((ch = channel_of_type(conf, CHANNEL_VONAGE)) == NULL) {
		http_refuse(r, HTTP_REJECT_NOT_FOUND, 404, "no vonage channel");
		return;
	}
	if (!providers_admit(ch, r) || vonage_params(r, &params, &n) == -1)
		return;
	from = jparam(params, n, "msisdn", NULL);
	if (!vonage_signed(conf, r, ch, params, n, from) ||
	    !vonage_fields_ok(r, params, n))
		return;
	text = jparam(params, n, "text", &tlen);
	id = jparam(params, n, "messageId", NULL);
	if (from == NULL || *from == '\0') {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "missing msisdn");
		return;
	}
	if (text == NULL) {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "missing text");
		return;
	}
	if (id == NULL || *id == '\0') {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "missing messageId");
		return;
	}
	memset(&in, 0, sizeof(in));
	in.channel = ch->name;
	in.provider_id = id;
	in.sender = from;
	in.recipient = jparam(params, n, "to", NULL);
	in.text = text;
	in.textlen = tlen;
	type = jparam(params, n, "type", NULL);
	in.encoding = type != NULL && strcmp(type, "unicode") == 0 ? "ucs2" :
	    NULL;
	in.provider_time = vonage_time(jparam(params, n,
	    "message-timestamp", NULL));

	if (jparam(params, n, "concat", NULL) == NULL ||
	    strcmp(jparam(params, n, "concat", NULL), "true") != 0) {
		submit(pv, conf, r, &in, 200, CT_TEXT, "OK\n");
		return;
	}
	/* One part of a long message. */
	vonage_part(pv, r, &in, params, n);
}

/*
 * ===================================================================
 * Delivery reports
 * ===================================================================
 */

static void
dlr_done(enum store_status st, void *arg)
{
	struct pending	*p = arg;

	if (st == STORE_OK || st == STORE_NOTFOUND)
		http_complete(p->req, 200, CT_TEXT, "OK\n");
	else {
		http_count_reject(p->req, HTTP_REJECT_UNAVAILABLE);
		http_complete(p->req, 503, CT_TEXT,
		    "store unavailable, try again later\n");
	}
	free(p);
}

/*
 * Delivery reports are signed like the messages: Twilio's status
 * callbacks over the callback URL we gave (send_http_dlr_url()), Vonage's
 * with the signature secret.  Returns 1 when r may be taken, 0 after
 * answering 403.
 */
static int
dlr_signed(const struct config *conf, struct http_req *r,
    const struct channel *ch)
{
	const struct http_param	*params;
	const char		*sig, *ts;
	char			 url[1200];
	size_t			 n;

	if (ch->type == CHANNEL_TWILIO)
		http_form_only(r);	/* what Twilio signs */
	if (ch->type == CHANNEL_TWILIO && ch->token[0] != '\0') {
		sig = http_header(r, "X-Twilio-Signature");
		params = http_form_params(r, &n);
		if (sig == NULL || send_http_dlr_url(ch->public_url, ch->name,
		    url, sizeof(url)) == -1 ||
		    !sig_twilio_check(ch->token, url, params, n, sig)) {
			forbidden(r, ch, http_param(r, "To", NULL),
			    N_("delivery report with a bad or missing "
			    "signature"));
			return 0;
		}
	}
	if (ch->type == CHANNEL_VONAGE && ch->signature_secret[0] != '\0') {
		params = http_params(r, &n);
		sig = http_param(r, "sig", NULL);
		ts = http_param(r, "timestamp", NULL);
		if (sig == NULL || ts == NULL ||
		    !fresh(ts, conf->ingest_signature_max_age) ||
		    !sig_vonage_check(ch->signature_secret, params, n, sig)) {
			forbidden(r, ch, http_param(r, "msisdn", NULL),
			    N_("delivery report with a bad or missing "
			    "signature"));
			return 0;
		}
	}
	return 1;
}

/*
 * Checks the ids, states and errors a delivery report may carry.
 * Returns 1, or 0 after a 400.
 */
static int
dlr_fields_ok(struct http_req *r)
{
	static const char *const names[] = { "MessageSid", "messageId", "id",
	    "MessageStatus", "status", "type", "ErrorCode", "failureReason",
	    "err-code" };
	const char	*v;
	size_t		 i, len = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v = http_param(r, names[i], &len);
		if (!id_ok(r, names[i], v, len))
			return 0;
	}
	return 1;
}

static void
dlr(struct providers *pv, struct config *conf, struct http_req *r,
    const char *name)
{
	const struct channel	*ch = config_channel(conf, name);
	struct store_dlr	 d;
	struct pending		*p;

	if (!http_allow(r, 1, 1))
		return;
	if (ch == NULL || !ch->enabled) {
		http_refuse(r, HTTP_REJECT_NOT_FOUND, 404, "no such channel");
		return;
	}
	if (!providers_admit(ch, r) || !dlr_signed(conf, r, ch) ||
	    !dlr_fields_ok(r))
		return;
	memset(&d, 0, sizeof(d));
	d.channel = ch->name;
	/* Each provider's names for the message id and its status. */
	if ((d.provider_id = http_param(r, "MessageSid", NULL)) != NULL)
		d.status = http_param(r, "MessageStatus", NULL);
	else if ((d.provider_id = http_param(r, "messageId", NULL)) != NULL)
		d.status = http_param(r, "status", NULL);
	else if ((d.provider_id = http_param(r, "id", NULL)) != NULL)
		d.status = http_param(r, "status", NULL);
	/* Kannel: the dlr-url we gave says id=<outbox id>&type=<mask>. */
	if (d.provider_id != NULL && d.status == NULL)
		d.status = http_param(r, "type", NULL);
	/* A final report moves the message to delivered or failed. */
	d.state = outbox_dlr_state(ch->type, d.status);
	d.error = http_param(r, "ErrorCode", NULL);
	if (d.error == NULL)
		d.error = http_param(r, "failureReason", NULL);
	if (d.error == NULL)
		d.error = http_param(r, "err-code", NULL);
	if (d.provider_id == NULL || d.status == NULL) {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "missing message id or status");
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->req = r;
	p->pv = pv;
	http_defer(r);
	if (ingest_dlr_submit(pv->ingest, &d, dlr_done, p) == -1) {
		free(p);
		http_complete(r, 503, CT_TEXT, "shutting down\n");
	}
}

/*
 * ===================================================================
 * Dispatch
 * ===================================================================
 */

/*
 * Answers a request to /sms/... or /dlr/... under conf: a message is
 * handed to the ingest pipeline, a delivery report to the store.
 */
void
providers_handle(struct providers *pv, struct config *conf,
    struct http_req *r)
{
	const char	*path = http_path(r), *dup;
	char		 msg[128];

	if ((dup = http_duplicate(r)) != NULL) {
		snprintf(msg, sizeof(msg), "parameter %.64s given twice", dup);
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, msg);
		return;
	}
	if (strcmp(path, "/sms/twilio") == 0)
		twilio(pv, conf, r);
	else if (strcmp(path, "/sms/africastalking") == 0)
		from_to_text(pv, conf, r, CHANNEL_AFRICASTALKING, 0, 200,
		    "OK\n");
	else if (strcmp(path, "/sms/vonage") == 0)
		vonage(pv, conf, r);
	else if (strcmp(path, "/sms/generic") == 0)
		from_to_text(pv, conf, r, CHANNEL_GENERIC, 1, 202,
		    "Accepted\n");
	else if (strncmp(path, "/dlr/", 5) == 0 && path[5] != '\0')
		dlr(pv, conf, r, path + 5);
	else
		http_refuse(r, HTTP_REJECT_NOT_FOUND, 404, "not found");
}
