/*
 * dash.c: the dashboard, a read-only web view for administrators,
 * inspectors and officers, on its own listener (web.listen, through
 * chan/http.c, over TLS when web.tls_cert and web.tls_key are set).
 *
 * Who may see what is the control socket's rule: a person logs in with
 * a Unix account (PAM, service web.pam_service; dash_auth.c), and the
 * account's user and groups map to the roles of the configuration
 * exactly as for papictl (control_user_who(), again on every request, so
 * that a reload or a group change counts at once).  The pages ask the
 * control socket's own commands (status, list, show, report) with the
 * user's role, so that a restricted category is as invisible here as it
 * is to papictl; numbers come masked from them, and nothing here asks to
 * unmask one.  Actions stay in papictl.
 *
 * A session is a random token in a cookie (HttpOnly, SameSite=Strict,
 * Secure under TLS or web.secure_cookies), kept in memory: it ends after
 * web.session_idle seconds without a request, web.session_max seconds
 * after the login, at a logout, or when the daemon stops.  Logins are
 * limited per address and per user (web.login_attempts failures in
 * web.login_window seconds) and every attempt is audited.  Every answer
 * carries a strict Content-Security-Policy: the style sheet and the
 * script come from the daemon itself (web/, embedded at build time), the
 * charts are SVG drawn here, nothing comes from elsewhere.
 *
 * Pages update themselves: web/dash.js asks for the page's <main> again
 * every web.refresh seconds (header X-Papigw-Fragment) and puts it in
 * place.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "daemon/dash.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/slot.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "conf/config.h"
#include "store/figures.h"
#include "store/query.h"
#include "core/audit.h"
#include "chan/http.h"
#include "daemon/control.h"
#include "daemon/dash_priv.h"
#include "daemon/services.h"

#define DASH_SESSIONS_MAX	256	/* logged-in sessions at once */
#define DASH_TOKEN_BYTES	32	/* random bytes of a session token */
#define DASH_TOKEN_HEX		(2 * DASH_TOKEN_BYTES + 1)
#define DASH_POOL_MAX		8	/* query connections kept open */
#define DASH_CACHE_MAX		96	/* figures kept for a while */
#define DASH_PIN_MAX		(DASH_CACHE_MAX / 2) /* of them for good */
#define DASH_PEM_MAX		65536	/* bytes of a certificate or key */
#define DASH_THREADS		4	/* HTTP threads */
#define DASH_CONNS		256	/* HTTP connections */
#define DASH_PER_ADDRESS	32
#define DASH_MAKE_WAIT		30	/* seconds a request waits for figures
					   another is making */
#define DASH_KEEP_UNUSED	600	/* seconds figures are refreshed after
					   their last use; also how often the
					   reports kept for good are looked
					   over */
#define DASH_MAX_BODY		4096	/* bytes: a login form */
#define COOKIE_SESSION		"papigw_session"
#define COOKIE_LANG		"papigw_lang"
#define CT_HTML			"text/html; charset=utf-8"
#define CT_TEXT			"text/plain; charset=utf-8"

/* The policy of every answer: the daemon's own files, nothing else. */
#define DASH_CSP	"default-src 'none'; script-src 'self'; " \
			"style-src 'self'; img-src 'self'; " \
			"connect-src 'self'; form-action 'self'; " \
			"frame-ancestors 'none'; base-uri 'none'"

struct dash_asset {
	const char	*path;
	const char	*ctype;
	const char	*text;
};

/* $(BUILD)/gen/dash_assets.c (scripts/embed-web.sh). */
extern const struct dash_asset	dash_assets[];
extern const size_t		dash_nassets;

struct session {
	char		 token[DASH_TOKEN_HEX];	/* "" when free */
	char		 csrf[DASH_TOKEN_HEX];
	char		 user[CONTROL_USER_MAX];
	int64_t		 created;		/* Unix seconds */
	int64_t		 seen;
};

/* Figures kept: made by make(dr, args) as who, at made, last used at used. */
struct cached {
	char		 key[128];		/* "" when free */
	double		 made;			/* monotonic seconds */
	double		 used;
	int		 ttl;			/* seconds */
	int		 refreshing;		/* the refresher is on it */
	unsigned	 pin;			/* kept for good: the pass of
						   dash_warm_reports() that
						   wants it, or 0 */
	int		 final;			/* a period's figures past its
						   end: never made again */
	int64_t		 ends;			/* Unix time when provisional
						   figures become final, or 0 */
	json_t		*data;
	dash_make_fn	 make;
	json_t		*args;
	struct who	 who;
};

struct dash {
	struct services		*svc;
	struct http_server	*http;
	char			*cert;		/* PEM, or NULL */
	char			*key;
	pthread_mutex_t		 lock;		/* what follows */
	struct session		 sessions[DASH_SESSIONS_MAX];
	struct dash_limits	*limits;
	struct store_query	*qpool[DASH_POOL_MAX];
	size_t			 nq;
	struct store_figures	*fpool[DASH_POOL_MAX];
	size_t			 nf;
	struct cached		 cache[DASH_CACHE_MAX];
	/* The refresher: makes stale figures again, away from requests. */
	pthread_t		 refresher;
	int			 refresher_started;
	pthread_cond_t		 wake;
	pthread_cond_t		 made;		/* figures were made */
	unsigned		 pass;		/* of dash_warm_reports() */
	int			 stopping;
};

/*
 * ===================================================================
 * Commands and figures
 * ===================================================================
 */

/*
 * Runs a control command (run, called name) for dr's user with args
 * (borrowed), as papictl would, on a pooled query connection.  Returns
 * 0 with the answer's data in a->data (the caller drops it), or -1 with
 * the error in a.
 */
int
dash_run(struct dash_req *dr, int (*run)(struct control_req *),
    const char *name, json_t *args, struct dash_answer *a)
{
	struct control_req	req;
	int			rc;

	memset(a, 0, sizeof(*a));
	memset(&req, 0, sizeof(req));
	req.svc = dr->svc;
	req.conf = dr->conf;
	req.who = &dr->who;
	req.cmd = name;
	req.args = args;
	req.passed_fd = -1;
	req.q = dr->q;
	rc = run(&req);
	dr->q = req.q;		/* opened by the command, kept for the next */
	json_decref(req.fargs);	/* a failure's words for papictl */
	if (rc == -1 || req.data == NULL) {
		a->err = req.err;
		copy_str(a->msg, sizeof(a->msg), req.msg[0] ? req.msg :
		    "no answer");
		json_decref(req.data);
		return -1;
	}
	a->data = req.data;
	return 0;
}

/* A figures connection for dr, from the pool or opened; NULL logged. */
struct store_figures *
dash_figures(struct dash_req *dr)
{
	struct dash	*d = dr->d;
	char		 err[256];

	if (dr->fig != NULL)
		return dr->fig;
	pthread_mutex_lock(&d->lock);
	if (d->nf > 0)
		dr->fig = d->fpool[--d->nf];
	pthread_mutex_unlock(&d->lock);
	if (dr->fig == NULL && (dr->fig = store_figures_open(dr->svc->store,
	    dr->conf->storage_busy_timeout, err, sizeof(err))) == NULL)
		log_warnx("web: %s", err);
	/* Pooled, it may have served another ward. */
	if (dr->fig != NULL && control_ward_figures(&dr->who, dr->fig) ==
	    -1) {
		store_figures_close(dr->fig);
		dr->fig = NULL;
	}
	return dr->fig;
}

/* Puts dr's connections back in the pool, or closes them. */
static void
pool_put(struct dash_req *dr)
{
	struct dash	*d = dr->d;

	pthread_mutex_lock(&d->lock);
	if (dr->q != NULL && d->nq < DASH_POOL_MAX) {
		d->qpool[d->nq++] = dr->q;
		dr->q = NULL;
	}
	if (dr->fig != NULL && d->nf < DASH_POOL_MAX) {
		d->fpool[d->nf++] = dr->fig;
		dr->fig = NULL;
	}
	pthread_mutex_unlock(&d->lock);
	store_query_close(dr->q);
	store_figures_close(dr->fig);
	dr->q = NULL;
	dr->fig = NULL;
}

static void
pool_get(struct dash_req *dr)
{
	struct dash	*d = dr->d;

	pthread_mutex_lock(&d->lock);
	if (d->nq > 0)
		dr->q = d->qpool[--d->nq];
	pthread_mutex_unlock(&d->lock);
	/* Pooled, it may have served another ward. */
	if (dr->q != NULL && control_ward(&dr->who, dr->q) == -1) {
		store_query_close(dr->q);
		dr->q = NULL;
	}
}

/* The entry of key, or NULL; lock held. */
static struct cached *
cache_find(struct dash *d, const char *key)
{
	size_t	i;

	for (i = 0; i < DASH_CACHE_MAX; i++)
		if (d->cache[i].key[0] != '\0' &&
		    strcmp(d->cache[i].key, key) == 0)
			return &d->cache[i];
	return NULL;
}

/* Whether another entry may be kept for good; lock held. */
static int
cache_may_pin(struct dash *d)
{
	size_t	i, n = 0;

	for (i = 0; i < DASH_CACHE_MAX; i++)
		if (d->cache[i].key[0] != '\0' && d->cache[i].pin != 0)
			n++;
	return n < DASH_PIN_MAX;
}

/* A free entry, or the one used least recently; lock held. */
static struct cached *
cache_slot(struct dash *d)
{
	struct cached	*c, *old = NULL;
	size_t		 i;

	for (i = 0; i < DASH_CACHE_MAX; i++) {
		c = &d->cache[i];
		if (c->key[0] == '\0')
			return c;
		if (c->refreshing || c->pin != 0)
			continue;
		if (old == NULL || c->used < old->used)
			old = c;
	}
	if (old != NULL) {
		json_decref(old->data);
		json_decref(old->args);
		memset(old, 0, sizeof(*old));
	}
	return old;
}

/*
 * Notes what figures j of c say of their period (a report's answer):
 * final once the period has ended (provisional false: they never change
 * again), or when they become so (the period's end).  Lock held.
 */
static void
cache_made(struct cached *c, json_t *j)
{
	json_t	*p = json_object_get(j, "provisional");

	c->made = clock_mono();
	c->final = json_is_false(p);
	c->ends = json_is_true(p) ? (int64_t)json_integer_value(
	    json_object_get(j, "to")) : 0;
}

/*
 * Figures that cost a scan of many cases (a quarter's report, the queue
 * counts of a million cases), kept under key, which must name whatever
 * makes them differ (the categories the role sees, the period).  Returns
 * a new reference to the kept ones, and when they are older than ttl
 * seconds, has the refresher make them again meanwhile: a page never
 * waits for a scan but the first.  Without kept figures, returns those
 * make(dr, args) returns now (NULL: none, not kept).  args is borrowed.
 * A report of a period that has ended (provisional false) is never made
 * again; one that runs is made again at the period's end.  With dr->pin,
 * the figures are kept for good, for that pass of dash_warm_reports().
 */
json_t *
dash_cached(struct dash_req *dr, const char *what, int ttl,
    dash_make_fn make, json_t *args)
{
	struct dash	*d = dr->d;
	struct cached	*c;
	struct timespec	 ts;
	json_t		*j = NULL;
	double		 now = clock_mono();
	char		 key[sizeof(c->key)];

	/* A ward's figures are its own: kept apart from every ward's. */
	snprintf(key, sizeof(key), "%s%s%s", dr->who.ward,
	    dr->who.ward[0] != '\0' ? "/" : "", what);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += DASH_MAKE_WAIT;
	pthread_mutex_lock(&d->lock);
	/* Being made by another request, or the refresher: wait for it. */
	while ((c = cache_find(d, key)) != NULL && c->data == NULL &&
	    pthread_cond_timedwait(&d->made, &d->lock, &ts) == 0)
		;
	if (c != NULL && c->data != NULL) {
		j = json_incref(c->data);
		/* dash_warm_reports() keeps them: no one looked at them. */
		if (dr->pin == 0)
			c->used = now;
		else if (c->pin != 0 || cache_may_pin(d))
			c->pin = dr->pin;
		if (!c->final && now - c->made > c->ttl && !c->refreshing)
			pthread_cond_signal(&d->wake);
		pthread_mutex_unlock(&d->lock);
		return j;
	}
	if (c == NULL && (c = cache_slot(d)) != NULL) {
		copy_str(c->key, sizeof(c->key), key);
		c->used = dr->pin == 0 ? now : now - DASH_KEEP_UNUSED - 1;
		c->ttl = ttl;
		c->refreshing = 1;	/* being made: others wait */
		c->make = make;
		c->args = json_incref(args);
		c->who = dr->who;
		c->pin = cache_may_pin(d) ? dr->pin : 0;
	} else
		c = NULL;	/* made by another, too slowly: not kept */
	pthread_mutex_unlock(&d->lock);
	j = make(dr, args);
	if (c == NULL)
		return j;
	pthread_mutex_lock(&d->lock);
	c->refreshing = 0;
	if (j != NULL) {
		c->data = json_incref(j);
		cache_made(c, j);
	} else {
		json_decref(c->args);
		memset(c, 0, sizeof(*c));
	}
	pthread_cond_broadcast(&d->made);
	pthread_mutex_unlock(&d->lock);
	return j;
}

/* Makes c's figures again, lock held (released meanwhile). */
static void
refresh(struct dash *d, struct cached *c)
{
	struct dash_req	 dr;
	char		 key[sizeof(c->key)];
	json_t		*j;

	c->refreshing = 1;
	copy_str(key, sizeof(key), c->key);
	memset(&dr, 0, sizeof(dr));
	dr.d = d;
	dr.svc = d->svc;
	dr.who = c->who;
	dr.out = (struct strbuf)STRBUF_INIT;
	pthread_mutex_unlock(&d->lock);
	dr.conf = conf_slot_get(d->svc->confs);
	pool_get(&dr);
	j = c->make(&dr, c->args);
	pool_put(&dr);
	config_unref(dr.conf);
	pthread_mutex_lock(&d->lock);
	c->refreshing = 0;
	if (j != NULL && c->data != NULL && strcmp(c->key, key) == 0) {
		json_decref(c->data);
		c->data = j;
		cache_made(c, j);
	} else
		json_decref(j);
}

/* The overview's figures for administrators, before anyone asks. */
static void
warm(struct dash *d)
{
	struct dash_req	dr;
	double		t;

	memset(&dr, 0, sizeof(dr));
	dr.d = d;
	dr.svc = d->svc;
	dr.out = (struct strbuf)STRBUF_INIT;
	copy_str(dr.who.user, sizeof(dr.who.user), "papigwd");
	copy_str(dr.who.roles, sizeof(dr.who.roles), "papigwd");
	dr.who.kind = ROLE_ADMINISTRATOR;
	dr.who.cats = ~UINT64_C(0);
	dr.conf = conf_slot_get(d->svc->confs);
	t = clock_mono();
	dash_warm(&dr);
	pool_put(&dr);
	config_unref(dr.conf);
	log_notice(_("web: the overview's figures made in %.1f s"),
	    clock_mono() - t);
}

/*
 * The reports kept for good (dash_warm_reports()), made before anyone
 * asks for those not kept yet; those a former pass kept are no longer
 * kept for good.  Returns the seconds it took.
 */
static double
warm_reports(struct dash *d)
{
	struct dash_req	dr;
	double		t;
	size_t		i;

	memset(&dr, 0, sizeof(dr));
	dr.d = d;
	dr.svc = d->svc;
	dr.out = (struct strbuf)STRBUF_INIT;
	copy_str(dr.who.user, sizeof(dr.who.user), "papigwd");
	copy_str(dr.who.roles, sizeof(dr.who.roles), "papigwd");
	dr.who.kind = ROLE_ADMINISTRATOR;
	dr.who.cats = ~UINT64_C(0);
	pthread_mutex_lock(&d->lock);
	if (++d->pass == 0)
		d->pass = 1;
	dr.pin = d->pass;
	pthread_mutex_unlock(&d->lock);
	dr.conf = conf_slot_get(d->svc->confs);
	t = clock_mono();
	dash_warm_reports(&dr);
	pool_put(&dr);
	config_unref(dr.conf);
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < DASH_CACHE_MAX; i++)
		if (d->cache[i].pin != dr.pin)
			d->cache[i].pin = 0;
	pthread_mutex_unlock(&d->lock);
	return clock_mono() - t;
}

/*
 * The refresher's thread: figures used in the last DASH_KEEP_UNUSED
 * seconds are made again once they are older than their ttl, the
 * reports kept for good once they are older than DASH_KEEP_UNUSED; the
 * others are forgotten.  A report whose period has ended is made again
 * once, then never.  Every DASH_KEEP_UNUSED seconds it looks over which
 * reports to keep for good (after a cut-off, a new quarter).
 */
static void *
refresher_main(void *arg)
{
	struct dash	*d = arg;
	struct cached	*c;
	struct timespec	 ts;
	double		 now, passed;
	size_t		 i;
	int		 unused;

	pthread_setname_np(pthread_self(), "web-refresh");
	warm(d);
	log_notice(_("web: the reports kept for good made in %.1f s"),
	    warm_reports(d));
	passed = clock_mono();
	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		now = clock_mono();
		for (i = 0; i < DASH_CACHE_MAX && !d->stopping; i++) {
			c = &d->cache[i];
			if (c->key[0] == '\0' || c->data == NULL)
				continue;
			unused = now - c->used > DASH_KEEP_UNUSED;
			if (unused && c->pin == 0) {
				json_decref(c->data);
				json_decref(c->args);
				memset(c, 0, sizeof(*c));
			} else if (!c->final && ((c->ends != 0 &&
			    clock_unix() >= c->ends) || now - c->made >
			    (unused ? DASH_KEEP_UNUSED : c->ttl)))
				refresh(d, c);
		}
		if (!d->stopping && clock_mono() - passed > DASH_KEEP_UNUSED) {
			pthread_mutex_unlock(&d->lock);
			warm_reports(d);
			passed = clock_mono();
			pthread_mutex_lock(&d->lock);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (!d->stopping)
			pthread_cond_timedwait(&d->wake, &d->lock, &ts);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/*
 * ===================================================================
 * Answers
 * ===================================================================
 */

/* The headers of every answer: no framing, sniffing, caching, referrer. */
static void
secure_headers(struct http_req *r)
{
	http_add_header(r, "Content-Security-Policy", DASH_CSP);
	http_add_header(r, "X-Content-Type-Options", "nosniff");
	http_add_header(r, "X-Frame-Options", "DENY");
	http_add_header(r, "Referrer-Policy", "no-referrer");
	http_add_header(r, "Cache-Control", "no-store");
	if (http_tls(r))
		http_add_header(r, "Strict-Transport-Security",
		    "max-age=31536000");
}

/* Answers dr's request with status and body. */
void
dash_send(struct dash_req *dr, int status, const char *ctype,
    const char *body)
{
	secure_headers(dr->r);
	http_reply(dr->r, status, ctype, body);
}

static void
redirect(struct http_req *r, const char *to)
{
	secure_headers(r);
	http_add_header(r, "Location", to);
	http_reply(r, 303, CT_TEXT, "see other\n");
}

/*
 * Sets cookie name to value for max_age seconds (0: remove it), HttpOnly
 * and SameSite=Strict, Secure under TLS or web.secure_cookies.
 */
static void
set_cookie(struct http_req *r, const struct config *conf, const char *name,
    const char *value, int max_age)
{
	char	buf[256];

	snprintf(buf, sizeof(buf), "%s=%s; Path=/; Max-Age=%d; HttpOnly; "
	    "SameSite=Strict%s", name, value, max_age, http_tls(r) ||
	    conf->web_secure_cookies ? "; Secure" : "");
	http_add_header(r, "Set-Cookie", buf);
}

/* The value of cookie name in r into buf (""), or NULL. */
static const char *
cookie(struct http_req *r, const char *name, char *buf, size_t bufsz)
{
	const char	*h = http_header(r, "Cookie"), *p, *end;
	size_t		 nlen = strlen(name);

	for (p = h; p != NULL && *p != '\0'; p = end) {
		while (*p == ' ' || *p == ';')
			p++;
		if ((end = strchr(p, ';')) == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			p += nlen + 1;
			if ((size_t)(end - p) >= bufsz)
				return NULL;
			memcpy(buf, p, (size_t)(end - p));
			buf[end - p] = '\0';
			return buf;
		}
	}
	return NULL;
}

/*
 * ===================================================================
 * Sessions
 * ===================================================================
 */

static void
random_hex(char out[DASH_TOKEN_HEX])
{
	unsigned char	b[DASH_TOKEN_BYTES];
	size_t		i;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		fatal("web: getrandom");
	for (i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* Compares two tokens in a time that does not depend on where they differ. */
static int
token_eq(const char *a, const char *b)
{
	unsigned char	diff = 0;
	size_t		i, n = strlen(a);

	if (n != strlen(b) || n == 0)
		return 0;
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

static int
expired(const struct session *s, const struct config *conf, int64_t now)
{
	return now - s->seen > conf->web_session_idle ||
	    now - s->created > conf->web_session_max;
}

/*
 * A new session for user: its token and form token in token and csrf.
 * The oldest session gives way when every one is taken.
 */
static void
session_new(struct dash *d, const char *user, char *token, char *csrf)
{
	struct session	*s, *slot = NULL;
	int64_t		 now = clock_unix();
	size_t		 i;

	pthread_mutex_lock(&d->lock);
	for (i = 0; i < DASH_SESSIONS_MAX; i++) {
		s = &d->sessions[i];
		if (s->token[0] == '\0') {
			slot = s;
			break;
		}
		if (slot == NULL || s->seen < slot->seen)
			slot = s;
	}
	random_hex(slot->token);
	random_hex(slot->csrf);
	copy_str(slot->user, sizeof(slot->user), user);
	slot->created = slot->seen = now;
	copy_str(token, DASH_TOKEN_HEX, slot->token);
	copy_str(csrf, DASH_TOKEN_HEX, slot->csrf);
	pthread_mutex_unlock(&d->lock);
}

/*
 * The session of r's cookie: its user and form token copied out, and
 * its idle timer restarted.  Returns 0, or -1 when there is none (or it
 * expired: then it is forgotten).  With end, the session ends.
 */
static int
session_of(struct dash *d, struct http_req *r, const struct config *conf,
    char *user, char *csrf, int end)
{
	struct session	*s;
	char		 tok[DASH_TOKEN_HEX + 1];
	int64_t		 now = clock_unix();
	size_t		 i;
	int		 found = -1;

	if (cookie(r, COOKIE_SESSION, tok, sizeof(tok)) == NULL)
		return -1;
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < DASH_SESSIONS_MAX; i++) {
		s = &d->sessions[i];
		if (s->token[0] == '\0' || !token_eq(s->token, tok))
			continue;
		if (!expired(s, conf, now) && !end) {
			s->seen = now;
			copy_str(user, CONTROL_USER_MAX, s->user);
			copy_str(csrf, DASH_TOKEN_HEX, s->csrf);
			found = 0;
		} else
			memset(s, 0, sizeof(*s));
		break;
	}
	pthread_mutex_unlock(&d->lock);
	return found;
}

/*
 * ===================================================================
 * Login and logout
 * ===================================================================
 */

/* r's address as text, for the limits and the audit log. */
static void
peer_name(struct http_req *r, char *buf, size_t bufsz)
{
	const struct sockaddr	*sa = http_peer(r);

	copy_str(buf, bufsz, "?");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    buf, (socklen_t)bufsz);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
		    (socklen_t)bufsz);
}

/* A user name fit for a login: what useradd would accept. */
static int
user_ok(const char *u)
{
	size_t	i, n = strlen(u);

	if (n == 0 || n >= CONTROL_USER_MAX || u[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= 'A' &&
		    u[i] <= 'Z') || (u[i] >= '0' && u[i] <= '9') ||
		    strchr("._-$", u[i]) != NULL))
			return 0;
	return 1;
}

static void
audit_login(struct dash_req *dr, const char *user, const char *action,
    const char *addr, const char *why)
{
	char	detail[256];

	snprintf(detail, sizeof(detail), "from %s%s%s", addr, why[0] ?
	    ": " : "", why);
	if (audit_record(dr->svc->store, user, action, 0, detail) != STORE_OK)
		log_warnx(_("web: %s by %s from %s not audited"), action, user,
		    addr);
	if (why[0] != '\0')
		log_notice(_("web: %s %s from %s: %s"), action, user, addr,
		    why);
	else
		log_notice(_("web: %s %s from %s"), action, user, addr);
}

/* POST /login: user and password checked by PAM, within the limits. */
static void
login_post(struct dash_req *dr)
{
	struct dash	*d = dr->d;
	const char	*user = http_param(dr->r, "user", NULL);
	const char	*pass = http_param(dr->r, "password", NULL);
	char		 addr[64], why[128], tok[DASH_TOKEN_HEX];
	char		 csrf[DASH_TOKEN_HEX];
	int64_t		 now = clock_unix();
	struct who	 who;

	peer_name(dr->r, addr, sizeof(addr));
	if (user == NULL || pass == NULL || !user_ok(user)) {
		dash_login_page(dr, dash_tr(dr, "Wrong user name or password."));
		dash_send(dr, 401, CT_HTML, dr->out.buf);
		return;
	}
	if (dash_limited(d->limits, addr, user, dr->conf->web_login_attempts,
	    dr->conf->web_login_window, now)) {
		audit_login(dr, user, "web.login.limited", addr, "");
		dash_login_page(dr, dash_tr(dr, "Too many failed logins: "
		    "wait a few minutes."));
		dash_send(dr, 429, CT_HTML, dr->out.buf);
		return;
	}
	why[0] = '\0';
	if (dash_pam_check(dr->conf->web_pam_service, user, pass, why,
	    sizeof(why)) == -1 || control_user_who(dr->conf, user, &who) ==
	    -1 || who.kind < 0) {
		if (why[0] == '\0')
			copy_str(why, sizeof(why), "no role");
		dash_failed(d->limits, addr, user, dr->conf->web_login_window,
		    now);
		audit_login(dr, user, "web.login.failed", addr, why);
		dash_login_page(dr, dash_tr(dr, "Wrong user name or password."));
		dash_send(dr, 401, CT_HTML, dr->out.buf);
		return;
	}
	dash_succeeded(d->limits, user);
	audit_login(dr, user, "web.login", addr, "");
	session_new(d, user, tok, csrf);
	set_cookie(dr->r, dr->conf, COOKIE_SESSION, tok,
	    dr->conf->web_session_max);
	redirect(dr->r, "/");
}

/* POST /logout, with the session's form token. */
static void
logout(struct dash_req *dr)
{
	const char	*csrf = http_param(dr->r, "csrf", NULL);
	char		 user[CONTROL_USER_MAX], tok[DASH_TOKEN_HEX], addr[64];

	if (csrf == NULL || !token_eq(csrf, dr->csrf)) {
		dash_send(dr, 403, CT_TEXT, "forbidden\n");
		return;
	}
	(void)session_of(dr->d, dr->r, dr->conf, user, tok, 1);
	peer_name(dr->r, addr, sizeof(addr));
	audit_login(dr, dr->who.user, "web.logout", addr, "");
	set_cookie(dr->r, dr->conf, COOKIE_SESSION, "", 0);
	redirect(dr->r, "/login");
}

/*
 * ===================================================================
 * Routes
 * ===================================================================
 */

static int
serve_asset(struct http_req *r, const char *path)
{
	size_t	i;

	for (i = 0; i < dash_nassets; i++)
		if (strcmp(dash_assets[i].path, path) == 0) {
			secure_headers(r);
			http_reply(r, 200, dash_assets[i].ctype,
			    dash_assets[i].text);
			return 1;
		}
	return 0;
}

/* The language: ?lang= (kept in a cookie), the cookie, or ward's. */
static int
language(struct http_req *r, const struct config *conf)
{
	const char	*q = http_param(r, "lang", NULL);
	char		 buf[8];

	if (q != NULL && (strcmp(q, "vi") == 0 || strcmp(q, "en") == 0)) {
		set_cookie(r, conf, COOKIE_LANG, q, 365 * 86400);
		return strcmp(q, "en") == 0 ? LANG_EN : LANG_VI;
	}
	if (cookie(r, COOKIE_LANG, buf, sizeof(buf)) != NULL)
		return strcmp(buf, "en") == 0 ? LANG_EN : LANG_VI;
	return conf->language == LANG_EN ? LANG_EN : LANG_VI;
}

/* A logged-in user's page, by path. */
static void
route(struct dash_req *dr, const char *path)
{
	const char	*m = http_method(dr->r);

	if (strcmp(path, "/logout") == 0 && strcmp(m, "POST") == 0) {
		logout(dr);
		return;
	}
	if (!http_allow(dr->r, 1, 0))
		return;
	if (strcmp(path, "/") == 0)
		dash_overview(dr);
	else if (strcmp(path, "/cases") == 0)
		dash_cases(dr);
	else if (strncmp(path, "/case/", 6) == 0)
		dash_case(dr, path + 6);
	else if (strcmp(path, "/channels") == 0)
		dash_channels(dr);
	else if (strcmp(path, "/deadlines") == 0)
		dash_deadlines(dr);
	else if (strcmp(path, "/report") == 0)
		dash_report(dr, "html");
	else if (strcmp(path, "/report.csv") == 0)
		dash_report(dr, "csv");
	else if (strcmp(path, "/report.json") == 0)
		dash_report(dr, "json");
	else {
		dash_head(dr, dash_tr(dr, "Not found"), "");
		strbuf_printf(&dr->out, "<p>%s</p>", dash_tr(dr, "There is no "
		    "such page."));
		dash_foot(dr);
		dash_send(dr, 404, CT_HTML, dr->out.buf);
	}
}

/* Pages before a login: the login itself, and the static files. */
static int
public_page(struct dash_req *dr, const char *path)
{
	const char	*m = http_method(dr->r);

	if (strncmp(path, "/static/", 8) == 0) {
		if (!http_allow(dr->r, 1, 0))
			return 1;
		if (!serve_asset(dr->r, path))
			dash_send(dr, 404, CT_TEXT, "not found\n");
		return 1;
	}
	if (strcmp(path, "/login") != 0)
		return 0;
	if (strcmp(m, "POST") == 0)
		login_post(dr);
	else if (http_allow(dr->r, 1, 1)) {
		dash_login_page(dr, NULL);
		dash_send(dr, 200, CT_HTML, dr->out.buf);
	}
	return 1;
}

/* The listener's handler; arg is the struct dash. */
static void
dash_handle(struct http_req *r, void *arg)
{
	struct dash		*d = arg;
	struct dash_req		 dr;
	char			 user[CONTROL_USER_MAX], csrf[DASH_TOKEN_HEX];
	const char		*path = http_path(r), *frag;

	memset(&dr, 0, sizeof(dr));
	dr.d = d;
	dr.svc = d->svc;
	dr.r = r;
	dr.conf = conf_slot_get(d->svc->confs);
	dr.out = (struct strbuf)STRBUF_INIT;
	dr.lang = language(r, dr.conf);
	frag = http_header(r, "X-Papigw-Fragment");
	dr.fragment = frag != NULL && strcmp(frag, "1") == 0;
	if (public_page(&dr, path))
		goto done;
	if (session_of(d, r, dr.conf, user, csrf, 0) == -1 ||
	    control_user_who(dr.conf, user, &dr.who) == -1 ||
	    dr.who.kind < 0) {
		if (dr.fragment)
			dash_send(&dr, 401, CT_TEXT, "log in again\n");
		else
			redirect(r, "/login");
		goto done;
	}
	dr.csrf = csrf;
	pool_get(&dr);
	route(&dr, path);
	pool_put(&dr);
done:
	strbuf_free(&dr.out);
	config_unref(dr.conf);
}

/*
 * ===================================================================
 * Start and stop
 * ===================================================================
 */

/* Reads the certificate and key of conf into d; -1 with err. */
static int
read_tls(struct dash *d, const struct config *conf, char *err, size_t errsz)
{
	size_t	len;

	if (conf->web_tls_cert[0] == '\0')
		return 0;
	if ((d->cert = read_small_file(conf->web_tls_cert, DASH_PEM_MAX,
	    &len)) == NULL) {
		snprintf(err, errsz, _("web.tls_cert: cannot read %s"),
		    conf->web_tls_cert);
		return -1;
	}
	if ((d->key = read_small_file(conf->web_tls_key, DASH_PEM_MAX,
	    &len)) == NULL) {
		snprintf(err, errsz, _("web.tls_key: cannot read %s"),
		    conf->web_tls_key);
		return -1;
	}
	return 0;
}

/*
 * Starts the dashboard on conf's web.listen into *dp; with web.listen
 * empty, *dp is NULL and nothing starts.  Returns 0, or -1 with the
 * reason in err.
 */
int
dash_start(struct services *svc, const struct config *conf,
    struct dash **dp, char *err, size_t errsz)
{
	struct dash		*d;
	struct http_opts	 o;

	*dp = NULL;
	if (conf->web_listen[0] == '\0')
		return 0;
	d = xcalloc(1, sizeof(*d));
	d->svc = svc;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, NULL);
	pthread_cond_init(&d->made, NULL);
	d->limits = dash_limits_new();
	if (read_tls(d, conf, err, errsz) == -1)
		goto fail;
	memset(&o, 0, sizeof(o));
	o.listen = conf->web_listen;
	o.addr = conf->web_addr;
	o.port = conf->web_port;
	o.max_body = DASH_MAX_BODY;
	o.threads = DASH_THREADS;
	o.max_conns = DASH_CONNS;
	o.max_per_address = DASH_PER_ADDRESS;
	o.timeout = (unsigned)conf->http_timeout;
	o.request_timeout = conf->http_request_timeout;
	o.tls_cert = d->cert;
	o.tls_key = d->key;
	if ((d->http = http_start_opts(&o, dash_handle, d, err, errsz)) ==
	    NULL)
		goto fail;
	if ((errno = pthread_create(&d->refresher, NULL, refresher_main,
	    d)) != 0)
		fatal("web: pthread_create");
	d->refresher_started = 1;
	log_info(_("web: the dashboard on %s://%s:%d/"), d->cert != NULL ?
	    "https" : "http", conf->web_addr, http_port(d->http));
	dash_pam_preflight(conf->web_pam_service, "/etc/pam.d");
	*dp = d;
	return 0;
fail:
	dash_stop(d);
	return -1;
}

/* Stops the dashboard and forgets its sessions; NULL is a no-op. */
void
dash_stop(struct dash *d)
{
	size_t	i;

	if (d == NULL)
		return;
	http_stop(d->http);
	pthread_mutex_lock(&d->lock);
	d->stopping = 1;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	if (d->refresher_started)
		pthread_join(d->refresher, NULL);
	for (i = 0; i < d->nq; i++)
		store_query_close(d->qpool[i]);
	for (i = 0; i < d->nf; i++)
		store_figures_close(d->fpool[i]);
	for (i = 0; i < DASH_CACHE_MAX; i++) {
		json_decref(d->cache[i].data);
		json_decref(d->cache[i].args);
	}
	dash_limits_free(d->limits);
	if (d->key != NULL)
		explicit_bzero(d->key, strlen(d->key));
	free(d->cert);
	free(d->key);
	explicit_bzero(d->sessions, sizeof(d->sessions));
	pthread_cond_destroy(&d->wake);
	pthread_cond_destroy(&d->made);
	pthread_mutex_destroy(&d->lock);
	free(d);
}
