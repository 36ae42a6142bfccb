/*
 * ussd.c: USSD sessions in the Africa's Talking callback style, on
 * POST /ussd/africastalking.
 *
 * The menu itself (domain/ussd_menu.c) is pure; this file keeps the
 * sessions and answers the requests.
 *
 * Answers come from memory within microseconds; only two inputs touch the
 * store: a lookup reads one case through the store's read connection (the
 * replies' status answer, reply_status_text(), without diacritics), and
 * the final "1" of a report goes through the ingest pipeline like an SMS
 * (routed, deduplicated, durable) and is answered END with the reference
 * after its batch committed.  The report's provider id is "ussd:" and the
 * sessionId, so an aggregator's retry of that request finds the stored
 * report and answers the same reference without a second case.
 *
 * The session table holds each session's last path, position and final
 * answer, keyed by sessionId.  A session older than ussd.session_timeout
 * is answered END "expired" and kept as a tombstone for another timeout,
 * so that it is not replayed; the daemon's timer calls ussd_expire().  The
 * table holds at most ussd.max_sessions sessions: a new one takes the
 * place of the least recently used one, unless even that one was used in
 * the last USSD_QUIET_MS milliseconds (a flood): then the new session is
 * told, politely, to try again later.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chan/ussd.h"
#include "base/clock.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/field.h"
#include "domain/ref.h"
#include "domain/subscribe.h"
#include "domain/ussd_menu.h"
#include "store/store.h"
#include "core/ingest.h"
#include "core/reception.h"
#include "core/reply.h"
#include "core/announce.h"
#include "chan/http.h"
#include "chan/providers.h"

/* Hash chains of the session table. */
#define USSD_BUCKETS		16384
/* Milliseconds: a session this idle may be dropped for a new one. */
#define USSD_QUIET_MS		2000
#define USSD_PHONE_MAX		20	/* bytes in a phoneNumber */
#define USSD_CODE_MAX		32	/* bytes in a serviceCode */

#define CT_TEXT		"text/plain; charset=utf-8"

/*
 * ===================================================================
 * The session table
 * ===================================================================
 */

struct sess {
	struct hash_node h;		/* in the table, by sessionId */
	TAILQ_ENTRY(sess) entry;	/* in its list, newest first */
	char		 id[USSD_SESSION_ID_MAX + 1];
	char		 phone[USSD_PHONE_MAX + 1];
	char		*path;		/* the last text answered */
	struct ussd_pos	 pos;		/* where it led */
	char		*final;		/* the END answer given */
	int		 ended;		/* timed out: a tombstone */
	int64_t		 started;	/* milliseconds, monotonic */
	int64_t		 seen;		/* last use, or its end */
};

/* A list of sessions, most recent first. */
struct slist {
	TAILQ_HEAD(sesslist, sess) head;
	size_t		 n;
};

struct ussd {
	struct ingest	*ingest;	/* files the reports */
	struct store	*store;		/* answers the lookups */
	pthread_mutex_t	 lock;
	struct hash	 table;		/* every session, by sessionId */
	struct slist	 live;		/* by last request */
	struct slist	 ended;		/* tombstones, by end */
};

static uint64_t
key(const char *id)
{
	return hash_fnv1a32(id, strlen(id));
}

static void
list_unlink(struct slist *l, struct sess *s)
{
	TAILQ_REMOVE(&l->head, s, entry);
	l->n--;
}

static void
list_push(struct slist *l, struct sess *s)
{
	TAILQ_INSERT_HEAD(&l->head, s, entry);
	l->n++;
}

static struct sess *
find(struct ussd *u, const char *id)
{
	struct hash_node	*n;
	uint64_t		 k = key(id);
	struct sess		*s;

	for (n = hash_lookup(&u->table, k); n != NULL; n = hash_next(n, k)) {
		s = hash_entry(n, struct sess, h);
		if (strcmp(s->id, id) == 0)
			return s;
	}
	return NULL;
}

/* Takes s out of the table and frees it. */
static void
drop(struct ussd *u, struct sess *s)
{
	hash_remove(&u->table, &s->h);
	list_unlink(s->ended ? &u->ended : &u->live, s);
	free(s->path);
	free(s->final);
	free(s);
}

/* Turns a session into a tombstone: it is answered "expired". */
static void
end_session(struct ussd *u, struct sess *s, int64_t now)
{
	list_unlink(&u->live, s);
	free(s->path);
	free(s->final);
	s->path = s->final = NULL;
	s->ended = 1;
	s->seen = now;
	list_push(&u->ended, s);
}

/*
 * A new session: room is made by dropping the oldest tombstone, or the
 * least recently used session when it has been quiet for USSD_QUIET_MS.
 * Returns NULL when the table is full of sessions in use.
 */
static struct sess *
admit(struct ussd *u, const struct config *conf, const char *id,
    const char *phone, int64_t now)
{
	struct sess	*s, *oldest;

	while (u->live.n + u->ended.n >= (size_t)conf->ussd_max_sessions) {
		if ((oldest = TAILQ_LAST(&u->ended.head, sesslist)) != NULL)
			drop(u, oldest);
		else if ((oldest = TAILQ_LAST(&u->live.head,
		    sesslist)) != NULL && now - oldest->seen >= USSD_QUIET_MS)
			drop(u, oldest);
		else
			return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	copy_str(s->id, sizeof(s->id), id);
	copy_str(s->phone, sizeof(s->phone), phone);
	s->started = s->seen = now;
	ussd_start(&s->pos);
	hash_insert(&u->table, &s->h, key(id));
	list_push(&u->live, s);
	return s;
}

/*
 * An empty session table whose reports go through ingest and whose lookups
 * read store; free it with ussd_free() once no request uses it.
 */
struct ussd *
ussd_new(struct ingest *ingest, struct store *store)
{
	struct ussd	*u = xcalloc(1, sizeof(*u));

	u->ingest = ingest;
	u->store = store;
	hash_init(&u->table, USSD_BUCKETS);
	TAILQ_INIT(&u->live.head);
	TAILQ_INIT(&u->ended.head);
	pthread_mutex_init(&u->lock, NULL);
	return u;
}

void
ussd_free(struct ussd *u)
{
	if (u == NULL)
		return;
	while (!TAILQ_EMPTY(&u->live.head))
		drop(u, TAILQ_FIRST(&u->live.head));
	while (!TAILQ_EMPTY(&u->ended.head))
		drop(u, TAILQ_FIRST(&u->ended.head));
	hash_free(&u->table);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

/*
 * Once a second (the daemon's timer): sessions older than
 * ussd.session_timeout become tombstones, and tombstones older than
 * another timeout are forgotten.
 */
void
ussd_expire(struct ussd *u, const struct config *conf)
{
	int64_t		 now = clock_mono_ms(), limit;
	struct sess	*s, *next;

	limit = (int64_t)conf->ussd_session_timeout * 1000;
	pthread_mutex_lock(&u->lock);
	for (s = TAILQ_FIRST(&u->live.head); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (now - s->started > limit) {
			log_debug("ussd: session %s timed out", s->id);
			end_session(u, s, now);
		}
	}
	while ((s = TAILQ_LAST(&u->ended.head, sesslist)) != NULL &&
	    now - s->seen > limit)
		drop(u, s);
	pthread_mutex_unlock(&u->lock);
}

/*
 * ===================================================================
 * Requests
 * ===================================================================
 */

/* One request, from its fields to its answer. */
struct req {
	struct http_req	*r;
	struct ussd	*u;
	struct config	*conf;		/* a reference */
	char		 id[USSD_SESSION_ID_MAX + 1];
	char		 phone[USSD_PHONE_MAX + 1];
	char		 code[USSD_CODE_MAX + 1];
	char		*path;
	struct ussd_pos	 pos;
	struct reception_booked booked;	/* USSD_ACT_BOOK */
};

static void
req_free(struct req *q)
{
	config_unref(q->conf);
	free(q->path);
	free(q);
}

static void
answer(struct http_req *r, int end, const char *screen, int deferred)
{
	char	buf[USSD_BUF + 8];

	snprintf(buf, sizeof(buf), "%s %s", end ? "END" : "CON", screen);
	if (deferred)
		http_complete(r, 200, CT_TEXT, buf);
	else
		http_reply(r, 200, CT_TEXT, buf);
}

/*
 * Records where q's request led: its position and, for an END, the
 * answer a retry gets.  Nothing when the session has moved on or gone.
 */
static void
remember(struct ussd *u, const struct req *q, const char *final)
{
	struct sess	*s;

	pthread_mutex_lock(&u->lock);
	s = find(u, q->id);
	if (s != NULL && !s->ended && s->path != NULL &&
	    strcmp(s->path, q->path) == 0) {
		s->pos = q->pos;
		s->pos.action = USSD_ACT_NONE;
		if (final != NULL) {
			free(s->final);
			s->final = xstrdup(final);
		}
	}
	pthread_mutex_unlock(&u->lock);
}

/* A CON screen for q's position; the session remembers it. */
static void
show(struct req *q, int deferred)
{
	char	screen[USSD_BUF];

	ussd_screen(q->conf, &q->pos, screen, sizeof(screen));
	remember(q->u, q, NULL);
	answer(q->r, 0, screen, deferred);
}

/* Called on the store's thread once the report is committed (or not). */
static void
report_done(const struct ingest_result *res, void *arg)
{
	struct req		*q = arg;
	char			 screen[USSD_BUF];
	char			 masked[MASKED_NUMBER_MAX], ref[REF_MAX];

	q->pos.action = USSD_ACT_NONE;
	if (res->status != STORE_OK || res->ref_number <= 0) {
		log_warnx(_("ussd: report of session %s from %s not stored: "
		    "%s"), q->id, mask_number(q->phone, masked,
		    sizeof(masked)), res->status != STORE_OK ?
		    store_strerror(res->status) : _("no case"));
		q->pos.hint = USSD_HINT_FAILED;
		show(q, 1);
		req_free(q);
		return;
	}
	ref_format(q->conf->case_prefix, res->ref_number, ref, sizeof(ref));
	mask_number(q->phone, masked, sizeof(masked));
	if (res->duplicate)
		log_info(_("ussd: session %s from %s: report retried, case %s"),
		    q->id, masked, ref);
	else
		log_info(_("ussd: session %s from %s: report filed as case %s"),
		    q->id, masked, ref);
	ussd_end_screen(q->conf, USSD_T_DONE, res->ref_number, screen,
	    sizeof(screen));
	remember(q->u, q, screen);
	answer(q->r, 1, screen, 1);
	req_free(q);
}

/* The last input confirmed the report: file it, answer once stored. */
static void
submit(struct req *q)
{
	const struct config	*conf = q->conf;
	const struct ussd_item	*it;
	struct inbound		 in;
	char			 pid[USSD_SESSION_ID_MAX + 8];

	it = q->pos.item >= 0 && (size_t)q->pos.item < conf->ussd_ncategories ?
	    &conf->ussd_categories[q->pos.item] : NULL;
	snprintf(pid, sizeof(pid), "ussd:%s", q->id);
	memset(&in, 0, sizeof(in));
	in.channel = conf->ussd_channel[0] != '\0' ? conf->ussd_channel :
	    "ussd";
	in.provider_id = pid;
	in.sender = q->phone;
	in.recipient = q->code;
	in.text = q->pos.text;
	in.textlen = strlen(q->pos.text);
	in.new_case = 1;
	in.source = CASE_SOURCE_USSD;
	in.category = it != NULL && it->id[0] != '\0' ? it->id : NULL;
	in.no_ack = !conf->ussd_sms_ack || conf->ussd_channel[0] == '\0';
	http_defer(q->r);
	if (ingest_submit(q->u->ingest, q->conf, &in, report_done, q) ==
	    -1) {
		/* The store is closing: the resident may try again. */
		q->pos.action = USSD_ACT_NONE;
		q->pos.hint = USSD_HINT_FAILED;
		show(q, 1);
		req_free(q);
	}
}

/* The booking of the reception, on the store's writer thread. */
static enum store_status
book_work(struct store_txn *txn, void *arg)
{
	struct req		*q = arg;
	const struct config	*conf = q->conf;

	return reception_book_ussd(txn, conf, q->phone,
	    conf->ussd_channel[0] != '\0' ? conf->ussd_channel : NULL,
	    q->pos.text, clock_unix(), &q->booked);
}

/* Called once the booking is committed (or not): its END screen. */
static void
book_done(enum store_status st, void *arg)
{
	struct req	*q = arg;
	char		 text[USSD_BUF], screen[USSD_BUF];

	q->pos.action = USSD_ACT_NONE;
	if (st != STORE_OK) {
		log_warnx(_("ussd: booking of session %s not stored: %s"),
		    q->id, store_strerror(st));
		q->pos.hint = USSD_HINT_FAILED;
		show(q, 1);
		req_free(q);
		return;
	}
	reception_render(q->conf, q->booked.full ? q->conf->reception_ussd_full :
	    q->conf->reception_ussd_booked, &q->booked, "", text, sizeof(text));
	ussd_fit(text, USSD_SCREEN_MAX, screen, sizeof(screen));
	remember(q->u, q, screen);
	answer(q->r, 1, screen, 1);
	req_free(q);
}

/* The last input typed the topic of a booking: book, answer once stored. */
static void
book(struct req *q)
{
	http_defer(q->r);
	if (store_submit(q->u->store, book_work, book_done, q) != STORE_OK) {
		q->pos.action = USSD_ACT_NONE;
		q->pos.hint = USSD_HINT_FAILED;
		show(q, 1);
		req_free(q);
	}
}

/*
 * The last input named a case: its state and last answer, to the number
 * that opened it (reply_status_text(), without diacritics, cut to fit).
 */
static void
lookup(struct req *q)
{
	char	status[REPLY_TEXT_MAX], screen[USSD_BUF];
	int	r;

	q->pos.action = USSD_ACT_NONE;
	r = reply_status_text(q->u->store, q->conf, q->pos.ref, q->phone,
	    (enum language)q->conf->language, REPLY_F_ASCII, status,
	    sizeof(status));
	if (r == 1) {
		ussd_fit(status, USSD_SCREEN_MAX, screen, sizeof(screen));
		remember(q->u, q, screen);
		answer(q->r, 1, screen, 0);
		return;
	}
	/* Someone else's case reads as no case at all. */
	q->pos.hint = r == 0 ? USSD_HINT_NOT_FOUND : USSD_HINT_FAILED;
	show(q, 0);
}

/* Called on the store's thread once a subscription is committed. */
static void
news_done(const struct ingest_result *res, void *arg)
{
	struct req		*q = arg;
	const struct config	*conf = q->conf;
	char			 text[REPLY_TEXT_MAX], screen[USSD_BUF];
	if (res->status != STORE_OK) {
		q->pos.action = USSD_ACT_NONE;
		q->pos.hint = USSD_HINT_FAILED;
		show(q, 1);
		req_free(q);
		return;
	}
	if (q->pos.news == USSD_NEWS_STOP)
		copy_str(text, sizeof(text), conf->announce_ussd_stopped);
	else
		announce_render(q->pos.news == USSD_NEWS_ADD ?
		    conf->announce_subscribed_vi : conf->announce_dropped_vi,
		    conf->news_topics[q->pos.item].name_vi, "", text,
		    sizeof(text));
	ussd_fit(text, USSD_SCREEN_MAX, screen, sizeof(screen));
	remember(q->u, q, screen);
	answer(q->r, 1, screen, 1);
	req_free(q);
}

/*
 * The newest announcement of the chosen topic, read here: its code and
 * body (or its text), folded to ASCII and cut to one screen;
 * announce.not_found_vi when there is none.  Returns 0: q stays the
 * caller's.
 */
static int
read_latest(struct req *q)
{
	const struct config		*conf = q->conf;
	struct store_announcement	 a;
	enum store_status		 st;
	char				 text[REPLY_TEXT_MAX], screen[USSD_BUF];
	char				 code[32];

	q->pos.action = USSD_ACT_NONE;
	if (q->pos.item < 0 || (size_t)q->pos.item >= conf->nnews_topics) {
		q->pos.hint = USSD_HINT_INVALID;
		show(q, 0);
		return 0;
	}
	st = store_announce_latest(q->u->store,
	    conf->news_topics[q->pos.item].id, &a);
	if (st != STORE_OK && st != STORE_NOTFOUND) {
		q->pos.hint = USSD_HINT_FAILED;
		show(q, 0);
		return 0;
	}
	if (st == STORE_NOTFOUND)
		announce_render(conf->announce_not_found_vi, "", "", text,
		    sizeof(text));
	else {
		subscribe_code(conf, a.id, code, sizeof(code));
		snprintf(text, sizeof(text), "%s: %s", code, a.body != NULL &&
		    a.body[0] != '\0' ? a.body : a.text_vi);
		store_announce_clear(&a);
	}
	ussd_fit(text, USSD_SCREEN_MAX, screen, sizeof(screen));
	remember(q->u, q, screen);
	answer(q->r, 1, screen, 0);
	return 0;
}

/*
 * The news menu's choice: the resident's subscriptions, read here; or a
 * subscription to a topic or its drop, which goes through the pipeline
 * as the words an SMS would say (stored, audited, confirmed by SMS on
 * ussd.channel when ussd.sms_ack), answered once committed.  Returns 1
 * when q was taken, 0 when the caller still owns it.
 */
static int
news(struct req *q)
{
	const struct config	*conf = q->conf;
	struct inbound		 in;
	char			 text[REPLY_TEXT_MAX], screen[USSD_BUF];
	char			 pid[USSD_SESSION_ID_MAX + 32];
	char			 msg[REPLY_WORD_MAX + CONF_ID_MAX + 2];

	if (q->pos.news == USSD_NEWS_READ)
		return read_latest(q);
	if (q->pos.news == USSD_NEWS_MINE) {
		q->pos.action = USSD_ACT_NONE;
		if (subscribe_list_text(conf, q->u->store, q->phone,
		    (enum language)conf->language, text, sizeof(text)) == 0) {
			q->pos.hint = USSD_HINT_FAILED;
			show(q, 0);
			return 0;
		}
		ussd_fit(text, USSD_SCREEN_MAX, screen, sizeof(screen));
		remember(q->u, q, screen);
		answer(q->r, 1, screen, 0);
		return 0;
	}
	/* No channel can send the news: say so, subscribe nobody. */
	if (q->pos.news == USSD_NEWS_ADD && subscribe_route(conf,
	    conf->ussd_channel[0] != '\0' ? conf->ussd_channel : "ussd") ==
	    NULL) {
		q->pos.action = USSD_ACT_NONE;
		ussd_fit(conf->announce_unreachable_vi, USSD_SCREEN_MAX, screen,
		    sizeof(screen));
		remember(q->u, q, screen);
		answer(q->r, 1, screen, 0);
		return 0;
	}
	if (q->pos.news == USSD_NEWS_STOP && conf->replies_nstop_words > 0)
		copy_str(msg, sizeof(msg), conf->replies_stop_words[0]);
	else if (q->pos.item < 0 || (size_t)q->pos.item >=
	    conf->nnews_topics) {
		q->pos.action = USSD_ACT_NONE;
		q->pos.hint = USSD_HINT_INVALID;
		show(q, 0);
		return 0;
	} else
		snprintf(msg, sizeof(msg), "%s %s", q->pos.news ==
		    USSD_NEWS_ADD ? conf->announce_subscribe_words[0] :
		    conf->announce_drop_words[0],
		    conf->news_topics[q->pos.item].id);
	snprintf(pid, sizeof(pid), "ussd:%s:%zu", q->id, strlen(q->path));
	memset(&in, 0, sizeof(in));
	in.channel = conf->ussd_channel[0] != '\0' ? conf->ussd_channel :
	    "ussd";
	in.provider_id = pid;
	in.sender = q->phone;
	in.recipient = q->code;
	in.text = msg;
	in.textlen = strlen(msg);
	in.no_ack = !conf->ussd_sms_ack || conf->ussd_channel[0] == '\0';
	http_defer(q->r);
	if (ingest_submit(q->u->ingest, q->conf, &in, news_done, q) == -1) {
		q->pos.action = USSD_ACT_NONE;
		q->pos.hint = USSD_HINT_FAILED;
		show(q, 1);
		return 0;
	}
	return 1;
}

/* Copies a required field into buf; -1 after a 400 when it is bad. */
static int
field(struct http_req *r, const char *name, char *buf, size_t bufsz,
    int number)
{
	const char	*v;
	size_t		 len, i;
	char		 why[96];
	int		 c;

	if ((v = http_param(r, name, &len)) == NULL || len == 0) {
		snprintf(why, sizeof(why), "missing %s", name);
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, why);
		return -1;
	}
	for (i = 0; i < len; i++) {
		c = (unsigned char)v[i];
		if (c <= 0x20 || c >= 0x7F || (number && !isdigit(c) &&
		    !(i == 0 && c == '+')))
			break;
	}
	if (len >= bufsz || i < len) {
		snprintf(why, sizeof(why), "bad %s", name);
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, why);
		return -1;
	}
	memcpy(buf, v, len + 1);
	return 0;
}

/*
 * Reads and checks the request's fields into q: sessionId, serviceCode,
 * phoneNumber and text, which must be those of ussd.service_code when
 * one is set.  Sets q->path to a copy of the text and q->conf to a
 * reference to conf.  Returns 0, or -1 after a 400.
 */
static int
parse(struct req *q, struct config *conf)
{
	struct http_req		*r = q->r;
	const char		*text, *why;
	char			 masked[MASKED_NUMBER_MAX], msg[128];
	char			 e164[FIELD_E164_SIZE];
	size_t			 tlen;
	enum field_address	 kind;

	if (field(r, "sessionId", q->id, sizeof(q->id), 0) == -1 ||
	    field(r, "serviceCode", q->code, sizeof(q->code), 0) == -1 ||
	    field(r, "phoneNumber", q->phone, sizeof(q->phone), 1) == -1)
		return -1;
	if ((why = field_address(q->phone, strlen(q->phone), &kind)) !=
	    NULL) {
		snprintf(msg, sizeof(msg), "phoneNumber %s", why);
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, msg);
		return -1;
	}
	/* The session, the report and the status lookup: in E.164. */
	(void)field_e164(q->phone, conf->country_code, e164, sizeof(e164));
	copy_str(q->phone, sizeof(q->phone), e164);
	if ((text = http_param(r, "text", &tlen)) == NULL) {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "missing text");
		return -1;
	}
	if (tlen > USSD_PATH_MAX || strlen(text) != tlen) {
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "bad text");
		return -1;
	}
	if (conf->ussd_service_code[0] != '\0' &&
	    strcmp(conf->ussd_service_code, q->code) != 0) {
		log_warnx(_("ussd: serviceCode %s is not ussd.service_code %s"),
		    q->code, conf->ussd_service_code);
		http_refuse(r, HTTP_REJECT_BAD_REQUEST, 400, "unknown serviceCode");
		return -1;
	}
	q->path = xstrdup(text);
	q->conf = config_ref(conf);
	log_debug("ussd: session %s from %s, %zu bytes of input", q->id,
	    mask_number(q->phone, masked, sizeof(masked)), tlen);
	return 0;
}

/*
 * Sets q->pos to where q's text leads from session s: on from the
 * session's position when the text extends its last one by more input,
 * the same position when the text is its last one again, and otherwise
 * (replay set, a new or finished session, a text that does not extend
 * the last one) the whole text replayed from the start of the menu.
 */
static void
walk(const struct config *conf, const struct sess *s, struct req *q,
    int replay)
{
	const char	*text = q->path;
	size_t		 tlen = strlen(text), plen;

	plen = s->path != NULL ? strlen(s->path) : 0;
	if (s->path == NULL || s->final != NULL)
		replay = replay || tlen > 0;
	q->pos = s->pos;
	if (s->path != NULL && s->final == NULL && strcmp(s->path, text) ==
	    0)
		;	/* The same request again: the same answer. */
	else if (!replay && s->path != NULL && (plen == 0 || (tlen > plen &&
	    text[plen] == '*' && memcmp(text, s->path, plen) == 0)))
		ussd_walk(conf, &q->pos, text + plen + (plen > 0),
		    tlen - plen - (plen > 0), 1);
	else {
		ussd_start(&q->pos);
		if (tlen > 0)
			ussd_walk(conf, &q->pos, text, tlen, 0);
	}
}

/*
 * Brings q's session, found or newly admitted, up to q's request under
 * the session table's lock, and sets q->pos to where the request leads.
 * Returns 0, or -1 when the request has been answered here: END for an
 * expired session, a full table or a repeated last request, 400 for
 * another phoneNumber than the session's.
 */
static int
advance(struct req *q)
{
	struct ussd	*u = q->u;
	struct config	*conf = q->conf;
	struct sess	*s;
	char		 screen[USSD_BUF];
	int64_t		 now;
	int		 replay = 0;

	now = clock_mono_ms();
	pthread_mutex_lock(&u->lock);
	s = find(u, q->id);
	if (s != NULL && !s->ended && now - s->started >
	    (int64_t)conf->ussd_session_timeout * 1000)
		end_session(u, s, now);
	if (s != NULL && s->ended) {
		pthread_mutex_unlock(&u->lock);
		ussd_end_screen(conf, USSD_T_EXPIRED, 0, screen,
		    sizeof(screen));
		answer(q->r, 1, screen, 0);
		return -1;
	}
	if (s != NULL && strcmp(s->phone, q->phone) != 0) {
		pthread_mutex_unlock(&u->lock);
		http_refuse(q->r, HTTP_REJECT_BAD_REQUEST, 400, "phoneNumber is not the session's");
		return -1;
	}
	if (s == NULL) {
		if ((s = admit(u, conf, q->id, q->phone, now)) == NULL) {
			pthread_mutex_unlock(&u->lock);
			log_warnx(_("ussd: %zu sessions in use, session %s "
			    "refused"), (size_t)conf->ussd_max_sessions, q->id);
			ussd_end_screen(conf, USSD_T_BUSY, 0, screen,
			    sizeof(screen));
			answer(q->r, 1, screen, 0);
			return -1;
		}
		replay = q->path[0] != '\0';
	}
	list_unlink(&u->live, s);
	list_push(&u->live, s);
	s->seen = now;
	if (s->final != NULL && strcmp(s->path, q->path) == 0) {
		/* The aggregator asks again for the END it was given. */
		copy_str(screen, sizeof(screen), s->final);
		pthread_mutex_unlock(&u->lock);
		answer(q->r, 1, screen, 0);
		return -1;
	}
	walk(conf, s, q, replay);
	free(s->path);
	s->path = xstrdup(q->path);
	free(s->final);
	s->final = NULL;
	s->pos = q->pos;
	pthread_mutex_unlock(&u->lock);
	return 0;
}

/*
 * POST /ussd/africastalking: one request of a session.  Answers "CON ..."
 * or "END ..." (200 text/plain), 400 for a missing or malformed field,
 * 404 when ussd.enabled is false.
 */
void
ussd_handle(struct ussd *u, struct config *conf, struct http_req *r)
{
	const struct channel	*ch;
	struct req		*q;

	if (strcmp(http_method(r), "POST") != 0) {
		http_refuse(r, HTTP_REJECT_METHOD, 405, "method not allowed");
		return;
	}
	if (!conf->ussd_enabled || u == NULL) {
		http_refuse(r, HTTP_REJECT_NOT_FOUND, 404, "ussd is not enabled");
		return;
	}
	/* ussd.channel's callers only, with its credentials. */
	if ((ch = config_channel(conf, conf->ussd_channel)) != NULL &&
	    !providers_admit(ch, r))
		return;
	q = xcalloc(1, sizeof(*q));
	q->r = r;
	q->u = u;
	if (parse(q, conf) == -1 || advance(q) == -1)
		goto done;
	switch (q->pos.action) {
	case USSD_ACT_SUBMIT:
		submit(q);	/* takes q */
		return;
	case USSD_ACT_BOOK:
		book(q);	/* takes q */
		return;
	case USSD_ACT_LOOKUP:
		lookup(q);
		break;
	case USSD_ACT_NEWS:
		if (news(q))
			return;
		break;
	case USSD_ACT_NONE:
		show(q, 0);
		break;
	}
done:
	req_free(q);
}
