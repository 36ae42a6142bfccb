/*
 * reply.c: the reply composer: everything the gateway says on its own.
 *
 * For a message that opens a case, reply_ack() renders the category's
 * acknowledgement and explanation templates ({ref} {category} {deadline}
 * {ward} {hours} {hotline}) in the resident's language and queues them as
 * one outbox row of kind "ack".  A message that is nothing but a special
 * word (reply_parse(), before routing) never opens a case: reply_special()
 * answers it with a row of kind "special": the help text, the state and
 * last answer of a case (only to the number that opened it; any other
 * number gets the same polite refusal whether the case exists or not),
 * the confirmation of an opt-out or opt-in, or an information topic.
 * Every row is written in the transaction of the message that caused it
 * (these functions run inside the ingest work function, on the store's
 * writer thread).
 *
 * Special words are matched on the folded form of the whole message
 * (text.c: no case, no diacritics, and here no spaces either), so that
 * "Tra cứu PA-000123", "TRACUU pa 123" and "tracuu PA000123" are the same
 * request; the loader folds the configured words the same way
 * (text_fold_word()).  A word must be the whole message (a status word may be
 * followed by a reference), so that "giúp tôi, đường ngập" is a complaint,
 * not a request for help.
 *
 * Language: a message with Vietnamese diacritics is answered in
 * Vietnamese; one without diacritics in which more than half of the
 * words (numbers and a case reference aside) are in replies.english_words
 * is answered in English; any other in cases.language.  A template
 * without an English text falls back to the Vietnamese one.
 *
 * Encoding: a channel with strip_diacritics has the reply's diacritics
 * removed (đ -> d) so that it goes out in GSM-7.  A reply longer than
 * replies.max_segments SMS loses its explanation first, and is then cut at
 * a word boundary with "..." (sms_fit()).  Officers' answers and the
 * ward's information (reply_queue()) are never cut.
 *
 * Guards (reply_guard() and queue_auto()): no automatic reply to short
 * codes, alphanumeric senders or the gateway's own numbers; at most
 * replies.max_per_sender_day automatic replies ("ack" and "special" rows)
 * per recipient per local calendar day, counted in the store inside the
 * transaction; a sender with more than replies.flood_messages messages
 * within replies.flood_window seconds is quarantined for
 * replies.quarantine_time seconds: its messages are stored and routed as
 * usual, but it gets no automatic reply at all.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/reply.h"
#include "base/date.h"
#include "text/sms.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/ref.h"
#include "store/store.h"

#define REF_MAX		32	/* bytes of "PA-000123" */
#define DATE_MAX	16	/* bytes of "04/12/2026" */
#define PARSE_MAX	(REPLY_WORD_MAX + 32) /* folded bytes looked at */
#define LANG_TOKENS_MAX	64	/* words the language guess looks at */

/*
 * ===================================================================
 * Templates
 * ===================================================================
 */

/*
 * Renders a reply template: {ref}, {category}, {deadline}, {ward},
 * {hours}, {hotline}, {state} and {answer} replaced by v's values (NULL
 * renders as ""); an unknown {name} is kept as it is (the loader refuses
 * them anyway).  Returns the length written, at most bufsz - 1: a text
 * that does not fit is cut on a UTF-8 boundary.
 */
size_t
reply_render(char *buf, size_t bufsz, const char *tpl,
    const struct render_vars *v)
{
	static const char *const names[] = { "ref", "category", "deadline",
	    "ward", "hours", "hotline", "state", "answer" };
	const char	*vals[8], *p, *end, *add;
	size_t		 o = 0, alen, i, n;

	vals[0] = v->ref;
	vals[1] = v->category;
	vals[2] = v->deadline;
	vals[3] = v->ward;
	vals[4] = v->hours;
	vals[5] = v->hotline;
	vals[6] = v->state;
	vals[7] = v->answer;
	if (bufsz == 0)
		return 0;
	for (p = tpl; *p != '\0'; p++) {
		add = p;
		alen = 1;
		if (*p == '{' && (end = strchr(p, '}')) != NULL) {
			n = (size_t)(end - p - 1);
			for (i = 0; i < 8; i++)
				if (strlen(names[i]) == n &&
				    strncmp(p + 1, names[i], n) == 0)
					break;
			if (i < 8) {
				add = vals[i] != NULL ? vals[i] : "";
				alen = strlen(add);
				p = end;
			}
		}
		if (o + alen >= bufsz) {
			alen = bufsz - 1 - o;
			/* Do not cut a UTF-8 sequence. */
			while (alen > 0 && ((unsigned char)add[alen] & 0xC0) ==
			    0x80)
				alen--;
			memcpy(buf + o, add, alen);
			o += alen;
			break;
		}
		memcpy(buf + o, add, alen);
		o += alen;
	}
	buf[o] = '\0';
	return o;
}

/* The Vietnamese text, or the English one when lang asks and it is set. */
static const char *
pick(const char *vi, const char *en, enum language lang)
{
	return lang == LANG_EN && en != NULL && en[0] != '\0' ? en : vi;
}

/* A date as residents write it: "04/12/2026", local time. */
static void
format_date(int64_t when, char *buf, size_t bufsz)
{
	date_format(when, "%d/%m/%Y", buf, bufsz);
}

/* The variables every template may use: the ward's. */
static void
ward_vars(const struct config *conf, enum language lang,
    struct render_vars *v)
{
	memset(v, 0, sizeof(*v));
	v->ward = pick(conf->ward_name, conf->ward_name_en, lang);
	v->hours = conf->reception_hours;
	v->hotline = conf->hotline;
}

/*
 * The name of a case state for residents: "Đã tiếp nhận"... or "Received".
 * Returns a static string.
 */
const char *
reply_state_name(enum store_case_state s, enum language lang)
{
	static const char *const vi[] = {
		[STORE_CASE_RECEIVED] = "Đã tiếp nhận",
		[STORE_CASE_ASSIGNED] = "Đã chuyển xử lý",
		[STORE_CASE_IN_PROGRESS] = "Đang xử lý",
		[STORE_CASE_RESOLVED] = "Đã xử lý",
		[STORE_CASE_CONFIRMED] = "Đã xử lý xong",
		[STORE_CASE_REOPENED] = "Đang xử lý lại",
	};
	static const char *const en[] = {
		[STORE_CASE_RECEIVED] = "Received",
		[STORE_CASE_ASSIGNED] = "Passed on for handling",
		[STORE_CASE_IN_PROGRESS] = "In progress",
		[STORE_CASE_RESOLVED] = "Resolved",
		[STORE_CASE_CONFIRMED] = "Resolved and confirmed",
		[STORE_CASE_REOPENED] = "Reopened",
	};

	if ((unsigned)s > STORE_CASE_REOPENED)
		s = STORE_CASE_RECEIVED;
	return lang == LANG_EN ? en[s] : vi[s];
}

/* The name of a reply outcome, for /metrics: "sent", "cap"... */
const char *
reply_block_name(enum reply_block b)
{
	static const char *const names[REPLY_BLOCK_MAX] = {
		[REPLY_SENT] = "sent",
		[REPLY_BLOCK_NONE] = "none",
		[REPLY_BLOCK_SENDER] = "sender",
		[REPLY_BLOCK_QUARANTINE] = "quarantine",
		[REPLY_BLOCK_CAP] = "cap",
		[REPLY_BLOCK_OPTED_OUT] = "opted_out",
	};

	return (unsigned)b < REPLY_BLOCK_MAX ? names[b] : "unknown";
}

/* The topic with this id, or NULL (the USSD menu uses the same ids). */
const struct topic *
reply_topic(const struct config *conf, const char *id)
{
	size_t	i;

	for (i = 0; i < conf->ntopics; i++)
		if (strcmp(conf->topics[i].id, id) == 0)
			return &conf->topics[i];
	return NULL;
}

/*
 * ===================================================================
 * Numbers
 * ===================================================================
 */

/*
 * Whether an automatic reply may go to this sender: not to alphanumeric
 * senders, short codes (fewer than 8 digits) or the gateway's own numbers
 * (any channel's "number").  Returns 1 or 0.
 */
int
reply_may_reply(const struct config *conf, const char *sender)
{
	const char	*p;
	size_t		 digits = 0, i;

	for (p = sender; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!(*p == '+' && p == sender))
			return 0;
	}
	if (digits < 8)
		return 0;
	for (i = 0; i < conf->nchannels; i++)
		if (conf->channels[i].number[0] != '\0' &&
		    reply_same_number(conf->channels[i].number, sender))
			return 0;
	return 1;
}

/*
 * The national part of a Vietnamese number: digits only, without "+84",
 * "84" (11 or 12 digits) or the trunk "0".  Returns its length in buf.
 */
static size_t
national(const char *n, char *buf, size_t bufsz)
{
	size_t	len = 0, off = 0;

	for (; *n != '\0' && len + 1 < bufsz; n++)
		if (isdigit((unsigned char)*n))
			buf[len++] = *n;
	buf[len] = '\0';
	if ((len == 11 || len == 12) && buf[0] == '8' && buf[1] == '4')
		off = 2;
	else if (len >= 9 && buf[0] == '0')
		off = 1;
	memmove(buf, buf + off, len - off + 1);
	return len - off;
}

/*
 * Whether a and b are the same phone number, written the same way or as
 * "+84912345678", "84912345678" and "0912345678" (providers and modems
 * write them differently).  Returns 1 or 0.
 */
int
reply_same_number(const char *a, const char *b)
{
	char	na[40], nb[40];

	if (strcmp(a, b) == 0)
		return 1;
	if (national(a, na, sizeof(na)) < 8 ||
	    national(b, nb, sizeof(nb)) < 8)
		return 0;
	return strcmp(na, nb) == 0;
}

/*
 * ===================================================================
 * Special words and language
 * ===================================================================
 */

/*
 * Whether the normalised message t is a special word (or a status word
 * and a case reference, or a case reference alone when status lookups
 * are configured).  Returns 1 with the request in *req, or 0.
 */
int
reply_parse(const struct config *conf, const struct text *t,
    struct reply_request *req)
{
	char		 s[PARSE_MAX];
	size_t		 i, len, wl;
	int64_t		 ref;

	memset(req, 0, sizeof(*req));
	req->what = REPLY_SPECIAL_NONE;
	req->topic = -1;
	if (conf->nspecial == 0 && conf->replies_status_vi[0] == '\0')
		return 0;
	len = text_join_raw(t, s, sizeof(s));
	if (len == 0 || len >= sizeof(s))
		return 0;
	for (i = 0; i < conf->nspecial; i++) {
		const struct reply_word *w = &conf->special[i];

		wl = strlen(w->fold);
		if (strncmp(s, w->fold, wl) != 0)
			continue;
		if (s[wl] == '\0') {
			req->what = w->what;
			req->topic = w->topic;
			return 1;
		}
		if (w->what == REPLY_SPECIAL_STATUS &&
		    (ref = ref_parse(conf->case_prefix, s + wl, REF_PREFIX_OPTIONAL)) > 0) {
			req->what = REPLY_SPECIAL_STATUS;
			req->ref = ref;
			return 1;
		}
	}
	if (conf->replies_status_vi[0] != '\0' &&
	    (ref = ref_parse(conf->case_prefix, s, 0)) > 0) {
		req->what = REPLY_SPECIAL_STATUS;
		req->ref = ref;
		return 1;
	}
	return 0;
}

/*
 * The language to answer message t in: Vietnamese when it carries
 * diacritics (as typed: Telex residue repaired by text.c does not count),
 * English when more than half of its words (numbers and a case reference
 * aside) are in replies.english_words, cases.language otherwise.
 */
enum language
reply_language(const struct config *conf, const struct text *t)
{
	size_t	i, j, words = 0, english = 0;

	for (i = 0; i < t->ntokens; i++)
		if ((t->tokens[i].flags & (TEXT_TOK_MARKED |
		    TEXT_TOK_REPAIRED)) == TEXT_TOK_MARKED)
			return LANG_VI;
	if (conf->replies_nenglish_words == 0)
		return (enum language)conf->language;
	for (i = 0; i < t->ntokens && words < LANG_TOKENS_MAX; i++) {
		const struct text_token *tok = &t->tokens[i];
		char		 s[REPLY_WORD_MAX];

		if (tok->flags & (TEXT_TOK_NUMBER | TEXT_TOK_UNIT) ||
		    tok->rlen >= sizeof(s))
			continue;
		/* A case reference ("PA-000123", "pa123") is no word. */
		memcpy(s, t->pool + tok->raw, tok->rlen);
		s[tok->rlen] = '\0';
		if (ref_parse(conf->case_prefix, s, 0) > 0 || (strlen(conf->case_prefix) ==
		    tok->rlen && strncasecmp(s, conf->case_prefix,
		    tok->rlen) == 0))
			continue;
		words++;
		for (j = 0; j < conf->replies_nenglish_words; j++) {
			const char *w = conf->replies_english_words[j];

			if (tolower((unsigned char)w[0]) != s[0])
				continue;
			if (strlen(w) == tok->rlen &&
			    strncasecmp(w, s, tok->rlen) == 0) {
				english++;
				break;
			}
		}
	}
	if (english > 0 && 2 * english > words)
		return LANG_EN;
	return (enum language)conf->language;
}

/*
 * ===================================================================
 * Composition
 * ===================================================================
 */

/* Appends s to buf (length *o, size bufsz), cut on a UTF-8 boundary. */
static void
append(char *buf, size_t bufsz, size_t *o, const char *s)
{
	size_t	n = strlen(s);

	if (*o + n >= bufsz) {
		n = bufsz - 1 - *o;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf + *o, s, n);
	*o += n;
	buf[*o] = '\0';
}

/* Writes first and rest into buf, stripped of diacritics if asked. */
static size_t
join(char *buf, size_t bufsz, const char *first, const char *rest,
    int strip)
{
	size_t	 o = 0;
	char	*s;

	buf[0] = '\0';
	append(buf, bufsz, &o, first);
	if (rest != NULL && rest[0] != '\0') {
		append(buf, bufsz, &o, " ");
		append(buf, bufsz, &o, rest);
	}
	if (strip) {
		/* Stripping never makes a text longer. */
		s = sms_strip_diacritics(buf);
		o = 0;
		buf[0] = '\0';
		append(buf, bufsz, &o, s);
		free(s);
	}
	return o;
}

/*
 * Composes an automatic reply for channel into buf: first, then a space
 * and rest (the explanation, or NULL), with the diacritics stripped when
 * the channel says strip_diacritics.  Beyond replies.max_segments SMS the
 * rest is dropped, and the text is then cut at a word boundary with "...".
 * Sets *encoding ("gsm7" or "ucs2", static) and *segments.  Returns the
 * length of the text.
 */
size_t
reply_compose(const struct config *conf, const char *channel,
    const char *first, const char *rest, char *buf, size_t bufsz,
    const char **encoding, int *segments)
{
	const struct channel	*ch = config_channel(conf, channel);
	int			 strip = ch != NULL && ch->strip_diacritics;
	int			 max = conf->replies_max_segments;
	int			 n, gsm7;
	size_t			 len;

	len = join(buf, bufsz, first, rest, strip);
	n = sms_measure(buf, &gsm7);
	if (max > 0 && n > max && rest != NULL && rest[0] != '\0') {
		len = join(buf, bufsz, first, NULL, strip);
		n = sms_measure(buf, &gsm7);
	}
	if (max > 0 && n > max && sms_fit(buf, bufsz, max)) {
		len = strlen(buf);
		n = sms_measure(buf, &gsm7);
	}
	*encoding = gsm7 ? "gsm7" : "ucs2";
	*segments = n;
	return len;
}

/*
 * ===================================================================
 * Guards
 * ===================================================================
 */

/*
 * Looks at the sender of the message in ctx (already inserted): whether it
 * is quarantined, and whether this message makes it a flood (more than
 * replies.flood_messages messages within replies.flood_window seconds),
 * which quarantines it now (ctx->quarantined_now; the caller logs it once
 * committed).  Returns STORE_OK or an error.
 */
enum store_status
reply_guard(struct store_txn *txn, struct reply_ctx *ctx)
{
	const struct config	*conf = ctx->conf;
	struct store_sender	 s;
	enum store_status	 st;
	int64_t			 n, until;
	char			 detail[128];

	ctx->quarantined = ctx->quarantined_now = 0;
	if ((st = store_sender_get(txn, ctx->sender, &s)) != STORE_OK)
		return st;
	if (s.quarantined_at != 0 && (s.quarantine_until == 0 ||
	    s.quarantine_until > ctx->now)) {
		ctx->quarantined = 1;
		return STORE_OK;
	}
	if (conf->replies_flood_messages == 0)
		return STORE_OK;
	if ((st = store_inbound_count_since(txn, ctx->sender,
	    ctx->now - conf->replies_flood_window,
	    conf->replies_flood_messages + 1, &n)) != STORE_OK)
		return st;
	if (n <= conf->replies_flood_messages)
		return STORE_OK;
	until = conf->replies_quarantine_time > 0 ? ctx->now +
	    conf->replies_quarantine_time : 0;
	snprintf(detail, sizeof(detail), "more than %d messages in %d s",
	    conf->replies_flood_messages, conf->replies_flood_window);
	if ((st = store_sender_quarantine(txn, ctx->sender, ctx->now, until,
	    detail)) != STORE_OK)
		return st;
	ctx->quarantined = ctx->quarantined_now = 1;
	snprintf(detail, sizeof(detail), "message %lld: sender quarantined: "
	    "more than %d messages in %d s", (long long)ctx->message_id,
	    conf->replies_flood_messages, conf->replies_flood_window);
	return store_audit_append(txn, "papigwd", "sender.quarantine", 0,
	    detail);
}

/*
 * Queues an automatic reply of kind (REPLY_KIND_ACK or _SPECIAL) to the
 * sender of ctx, unless a guard says no (ctx->block says which).  Returns
 * STORE_OK or an error.
 */
static enum store_status
queue_auto(struct store_txn *txn, struct reply_ctx *ctx, const char *kind,
    int64_t case_id, const char *first, const char *rest)
{
	const struct config	*conf = ctx->conf;
	struct store_outbox_new	 o;
	enum store_status	 st;
	int64_t			 n;
	char			 text[REPLY_TEXT_MAX];

	if (!ctx->may_reply) {
		ctx->block = REPLY_BLOCK_SENDER;
		return STORE_OK;
	}
	if (ctx->quarantined) {
		ctx->block = REPLY_BLOCK_QUARANTINE;
		return STORE_OK;
	}
	if (conf->replies_max_per_sender_day > 0) {
		if ((st = store_outbox_count_auto(txn, ctx->sender,
		    date_day_start(ctx->now), &n)) != STORE_OK)
			return st;
		if (n >= conf->replies_max_per_sender_day) {
			ctx->block = REPLY_BLOCK_CAP;
			return STORE_OK;
		}
	}
	memset(&o, 0, sizeof(o));
	reply_compose(conf, ctx->channel, first, rest, text, sizeof(text),
	    &o.encoding, &o.segments);
	o.case_id = case_id;
	o.channel = ctx->channel;
	o.recipient = ctx->sender;
	o.text = text;
	o.state = STORE_OUTBOX_QUEUED;
	o.kind = kind;
	o.created = ctx->now;
	o.updated = ctx->now;
	o.next_attempt = ctx->now;
	if ((st = store_outbox_insert(txn, &o, &ctx->outbox_id)) != STORE_OK)
		return st;
	ctx->block = REPLY_SENT;
	return STORE_OK;
}

/*
 * ===================================================================
 * Replies
 * ===================================================================
 */

/*
 * Queues the acknowledgement of a new case (reference ref, answer due at
 * deadline) in category cat, with the category's explanation.  Returns
 * STORE_OK (ctx->block says whether a row was queued) or an error.
 */
enum store_status
reply_ack(struct store_txn *txn, struct reply_ctx *ctx,
    const struct category *cat, int64_t case_id, int64_t ref,
    int64_t deadline)
{
	const struct config	*conf = ctx->conf;
	struct render_vars	 v;
	char			 rbuf[REF_MAX], date[DATE_MAX];
	char			 ack[REPLY_TEXT_MAX], explain[REPLY_TEXT_MAX];

	ref_format(conf->case_prefix, ref, rbuf, sizeof(rbuf));
	format_date(deadline, date, sizeof(date));
	ward_vars(conf, ctx->lang, &v);
	v.ref = rbuf;
	v.category = pick(cat->name_vi, cat->name_en, ctx->lang);
	v.deadline = date;
	reply_render(ack, sizeof(ack), pick(cat->ack_vi, cat->ack_en,
	    ctx->lang), &v);
	reply_render(explain, sizeof(explain), pick(cat->explain_vi,
	    cat->explain_en, ctx->lang), &v);
	return queue_auto(txn, ctx, REPLY_KIND_ACK, case_id, ack, explain);
}

/*
 * Renders the status answer for a case into buf: its state and, when it
 * has one, its last answer (status_answer_*).
 */
static void
render_status(const struct config *conf, const struct store_case *c,
    enum language lang, char *buf, size_t bufsz)
{
	const struct category	*cat = config_category(conf, c->category);
	struct render_vars	 v;
	char			 rbuf[REF_MAX], date[DATE_MAX];
	const char		*tpl;

	ref_format(conf->case_prefix, c->ref_number, rbuf, sizeof(rbuf));
	format_date(c->deadline, date, sizeof(date));
	ward_vars(conf, lang, &v);
	v.ref = rbuf;
	v.category = cat != NULL ? pick(cat->name_vi, cat->name_en, lang) :
	    c->category;
	v.deadline = date;
	v.state = reply_state_name(c->state, lang);
	v.answer = c->answer;
	tpl = pick(conf->replies_status_vi, conf->replies_status_en, lang);
	if (c->answer != NULL && conf->replies_status_answer_vi[0] != '\0')
		tpl = pick(conf->replies_status_answer_vi,
		    conf->replies_status_answer_en, lang);
	reply_render(buf, bufsz, tpl, &v);
}

/* Renders the refusal of a status lookup for reference ref. */
static void
render_refusal(const struct config *conf, int64_t ref, enum language lang,
    char *buf, size_t bufsz)
{
	struct render_vars	 v;
	char			 rbuf[REF_MAX];

	ref_format(conf->case_prefix, ref, rbuf, sizeof(rbuf));
	ward_vars(conf, lang, &v);
	v.ref = rbuf;
	reply_render(buf, bufsz, pick(conf->replies_refusal_vi,
	    conf->replies_refusal_en, lang), &v);
}

/*
 * Answers a special word (req) from the sender of ctx: the help text, a
 * status lookup, an opt-out or opt-in (recorded whatever the guards say
 * about the confirmation), or a topic.  The message was stored already;
 * an audit entry says what it asked for.  Returns STORE_OK (ctx->block
 * says whether a row was queued) or an error.
 */
enum store_status
reply_special(struct store_txn *txn, struct reply_ctx *ctx,
    const struct reply_request *req)
{
	const struct config	*conf = ctx->conf;
	struct store_case	 c;
	struct render_vars	 v;
	enum store_status	 st;
	const char		*tpl = NULL, *what = "help";
	char			 text[REPLY_TEXT_MAX], detail[128];
	char			 rbuf[REF_MAX];

	text[0] = '\0';
	ward_vars(conf, ctx->lang, &v);
	switch (req->what) {
	case REPLY_SPECIAL_STATUS:
		if (req->ref == 0) {
			/* The word alone: how to use it is in the help. */
			tpl = pick(conf->replies_help_vi,
			    conf->replies_help_en, ctx->lang);
			break;
		}
		st = store_case_read(txn, req->ref, STORE_CASE_ANSWER, &c);
		if (st != STORE_OK && st != STORE_NOTFOUND)
			return st;
		if (st == STORE_OK && reply_same_number(c.sender,
		    ctx->sender)) {
			render_status(conf, &c, ctx->lang, text,
			    sizeof(text));
			what = "status, answered";
		} else {
			render_refusal(conf, req->ref, ctx->lang, text,
			    sizeof(text));
			what = "status, refused";
		}
		if (st == STORE_OK)
			store_case_clear(&c);
		break;
	case REPLY_SPECIAL_STOP:
	case REPLY_SPECIAL_START:
		if ((st = store_sender_optout(txn, ctx->sender,
		    req->what == REPLY_SPECIAL_STOP, ctx->now)) != STORE_OK)
			return st;
		if (req->what == REPLY_SPECIAL_STOP) {
			tpl = pick(conf->replies_stop_vi,
			    conf->replies_stop_en, ctx->lang);
			what = "opt-out";
		} else {
			tpl = pick(conf->replies_start_vi,
			    conf->replies_start_en, ctx->lang);
			what = "opt-in";
		}
		break;
	case REPLY_SPECIAL_TOPIC:
		if (req->topic >= 0 && (size_t)req->topic < conf->ntopics) {
			tpl = pick(conf->topics[req->topic].text_vi,
			    conf->topics[req->topic].text_en, ctx->lang);
			what = conf->topics[req->topic].id;
		}
		break;
	case REPLY_SPECIAL_HELP:
	default:
		tpl = pick(conf->replies_help_vi, conf->replies_help_en,
		    ctx->lang);
		break;
	}
	if (tpl != NULL)
		reply_render(text, sizeof(text), tpl, &v);
	if (req->what == REPLY_SPECIAL_STATUS && req->ref > 0) {
		ref_format(conf->case_prefix, req->ref, rbuf, sizeof(rbuf));
		snprintf(detail, sizeof(detail), "message %lld: %s (%s)",
		    (long long)ctx->message_id, what, rbuf);
	} else
		snprintf(detail, sizeof(detail), "message %lld: %s",
		    (long long)ctx->message_id, what);
	if ((st = store_audit_append(txn, "papigwd", "message.special", 0,
	    detail)) != STORE_OK)
		return st;
	if (text[0] == '\0') {
		ctx->block = REPLY_BLOCK_NONE;
		return STORE_OK;
	}
	return queue_auto(txn, ctx, REPLY_KIND_SPECIAL, 0, text, NULL);
}

/*
 * Answers a message that only thanks the ward (no case): replies.thanks_*
 * when set, under the same guards and cap as every automatic reply.
 * The caller wrote the audit entry.  Returns STORE_OK or an error.
 */
enum store_status
reply_thanks(struct store_txn *txn, struct reply_ctx *ctx)
{
	const struct config	*conf = ctx->conf;
	struct render_vars	 v;
	char			 text[REPLY_TEXT_MAX];
	const char		*tpl;

	tpl = pick(conf->replies_thanks_vi, conf->replies_thanks_en,
	    ctx->lang);
	if (tpl == NULL || tpl[0] == '\0') {
		ctx->block = REPLY_BLOCK_NONE;
		return STORE_OK;
	}
	ward_vars(conf, ctx->lang, &v);
	reply_render(text, sizeof(text), tpl, &v);
	return queue_auto(txn, ctx, REPLY_KIND_SPECIAL, 0, text, NULL);
}

/*
 * Queues a message that is not an automatic reply: an officer's answer
 * (REPLY_KIND_ANSWER, always queued), or information or an announcement
 * (REPLY_KIND_INFO, _ANNOUNCEMENT: not to a number that opted out, nor to
 * a short code or an alphanumeric sender).  The channel's
 * strip_diacritics applies; the text is never cut.  Returns STORE_OK with
 * the row's id in *id (0 when it was not queued), STORE_INVALID for an
 * unknown kind or an empty text, or an error.
 */
enum store_status
reply_queue(struct store_txn *txn, const struct config *conf,
    const struct reply_msg *m, int64_t *id)
{
	const struct channel	*ch = config_channel(conf, m->channel);
	struct store_sender	 s;
	struct store_outbox_new	 o;
	enum store_status	 st;
	char			*stripped = NULL;
	int			 bulk;

	if (id != NULL)
		*id = 0;
	if (m->kind == NULL || m->text == NULL || m->text[0] == '\0')
		return STORE_INVALID;
	bulk = strcmp(m->kind, REPLY_KIND_INFO) == 0 ||
	    strcmp(m->kind, REPLY_KIND_ANNOUNCEMENT) == 0;
	if (!bulk && strcmp(m->kind, REPLY_KIND_ANSWER) != 0)
		return STORE_INVALID;
	if (bulk) {
		if (!reply_may_reply(conf, m->recipient))
			return STORE_OK;
		if ((st = store_sender_get(txn, m->recipient, &s)) !=
		    STORE_OK)
			return st;
		if (s.opted_out)
			return STORE_OK;
	}
	memset(&o, 0, sizeof(o));
	o.text = m->text;
	if (ch != NULL && ch->strip_diacritics)
		o.text = stripped = sms_strip_diacritics(m->text);
	o.case_id = m->case_id;
	o.channel = m->channel;
	o.recipient = m->recipient;
	o.encoding = sms_is_gsm7(o.text) ? "gsm7" : "ucs2";
	o.segments = sms_segments(o.text);
	o.state = STORE_OUTBOX_QUEUED;
	o.kind = m->kind;
	st = store_outbox_insert(txn, &o, id);
	free(stripped);
	return st;
}

/*
 * The status answer for case ref asked by number, from any thread (the
 * reader connection: committed data), for the USSD menu and papictl:
 * rendered from replies.status_* in lang, with REPLY_F_ASCII without
 * diacritics.  Returns 1 with the status in buf, 0 with the refusal in buf
 * (no such case, or not number's: the same text either way), or -1 when
 * the store failed (buf empty).
 */
int
reply_status_text(struct store *store, const struct config *conf,
    int64_t ref, const char *number, enum language lang, unsigned flags,
    char *buf, size_t bufsz)
{
	struct store_case	 c;
	enum store_status	 st;
	size_t			 o = 0;
	char			*s;
	int			 r;

	if (bufsz == 0)
		return -1;
	buf[0] = '\0';
	st = store_case_get_by_ref(store, ref, STORE_CASE_ANSWER, &c);
	if (st != STORE_OK && st != STORE_NOTFOUND)
		return -1;
	if (st == STORE_OK && reply_same_number(c.sender, number)) {
		render_status(conf, &c, lang, buf, bufsz);
		r = 1;
	} else {
		render_refusal(conf, ref, lang, buf, bufsz);
		r = 0;
	}
	if (st == STORE_OK)
		store_case_clear(&c);
	if (flags & REPLY_F_ASCII) {
		s = sms_strip_diacritics(buf);
		buf[0] = '\0';
		append(buf, bufsz, &o, s);
		free(s);
	}
	return r;
}
