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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/reply.h"
#include "base/date.h"
#include "base/i18n.h"
#include "base/util.h"
#include "text/sms.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/ref.h"
#include "store/store.h"
#include "store/announce.h"

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
		if ((w->what == REPLY_SPECIAL_STATUS ||
		    w->what == REPLY_SPECIAL_EXPLAIN) &&
		    (ref = ref_parse(conf->case_prefix, s + wl,
		    REF_PREFIX_OPTIONAL)) > 0) {
			req->what = w->what;
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
 * The language message t is written in, when it says: Vietnamese when it
 * carries diacritics (as typed: Telex residue repaired by text.c does not
 * count), English when more than half of its words (numbers and a case
 * reference aside) are in replies.english_words.  Returns LANG_VI,
 * LANG_EN, or -1 when it does not say (Vietnamese without diacritics, a
 * lone special word, a number): then the resident's language stands.
 */
int
reply_language_of(const struct config *conf, const struct text *t)
{
	size_t	i, j, words = 0, english = 0;

	for (i = 0; i < t->ntokens; i++)
		if ((t->tokens[i].flags & (TEXT_TOK_MARKED |
		    TEXT_TOK_REPAIRED)) == TEXT_TOK_MARKED)
			return LANG_VI;
	if (conf->replies_nenglish_words == 0)
		return -1;
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
	return -1;
}

/*
 * The language to answer message t in when nothing is known of its
 * sender: reply_language_of(), else cases.language.
 */
enum language
reply_language(const struct config *conf, const struct text *t)
{
	int	l = reply_language_of(conf, t);

	return l >= 0 ? (enum language)l : (enum language)conf->language;
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
 * The SMS parts an automatic reply on channel may take: the channel's
 * reply_parts for the short ones (acknowledgements, thanks, follow-ups),
 * replies.max_segments for what the resident asked for (help, a status,
 * an explanation, a topic); 0 for no limit.
 */
int
reply_budget(const struct config *conf, const char *channel, int asked)
{
	const struct channel	*ch = config_channel(conf, channel);

	if (asked)
		return conf->replies_max_segments;
	return ch != NULL ? ch->reply_parts : 1;
}

/*
 * Composes an automatic reply for channel into buf within max SMS parts
 * (0: any): first, then a space and rest (the explanation, or NULL).
 * The diacritics are stripped when the channel says strip_diacritics, or
 * when that is what makes the reply fit (a Vietnamese text without them
 * goes in GSM-7: 160 characters a part instead of 70).  Beyond max the
 * rest is dropped first, then the diacritics, then the text is cut at a
 * word boundary with "...".  Sets *encoding ("gsm7" or "ucs2", static)
 * and *segments.  Returns the length of the text.
 */
/* reply_compose(), and *cut says whether the text was cut with "...". */
static size_t
compose(const struct config *conf, const char *channel, int max,
    const char *first, const char *rest, char *buf, size_t bufsz,
    const char **encoding, int *segments, int *cut)
{
	const struct channel	*ch = config_channel(conf, channel);
	int			 strip = ch != NULL && ch->strip_diacritics;
	int			 n, gsm7;
	size_t			 len;

	*cut = 0;
	len = join(buf, bufsz, first, rest, strip);
	n = sms_measure(buf, &gsm7);
	if (max > 0 && n > max && rest != NULL && rest[0] != '\0') {
		len = join(buf, bufsz, first, NULL, strip);
		n = sms_measure(buf, &gsm7);
	}
	if (max > 0 && n > max && !strip) {
		len = join(buf, bufsz, first, NULL, 1);
		n = sms_measure(buf, &gsm7);
	}
	if (max > 0 && n > max && sms_fit(buf, bufsz, max)) {
		*cut = 1;
		len = strlen(buf);
		n = sms_measure(buf, &gsm7);
	}
	*encoding = gsm7 ? "gsm7" : "ucs2";
	*segments = n;
	return len;
}

size_t
reply_compose(const struct config *conf, const char *channel, int max,
    const char *first, const char *rest, char *buf, size_t bufsz,
    const char **encoding, int *segments)
{
	int	cut;

	return compose(conf, channel, max, first, rest, buf, bufsz, encoding,
	    segments, &cut);
}

/*
 * ===================================================================
 * Guards
 * ===================================================================
 */

/*
 * The language to answer in: what the message says (ctx->lang_of), else
 * what the resident wrote before or chose, else cases.language.  A
 * message that says is remembered for the next one (senders.lang), but
 * for a resident of no known language who writes Vietnamese where
 * cases.language is Vietnamese: everything that reads the language
 * answers that resident in Vietnamese without it (the replies here from
 * cases.language, the announcements when senders.lang is not 'en'), and
 * a senders row for each new resident is 36 bytes a message of the
 * store's, most of a stream of new senders (bench/ingest).
 */
static enum store_status
guard_language(struct store_txn *txn, struct reply_ctx *ctx,
    const struct store_sender *s)
{
	if (ctx->lang_of >= 0 && (!ctx->lang_weak || s->lang < 0)) {
		ctx->lang = (enum language)ctx->lang_of;
		if (ctx->lang_weak)
			return STORE_OK;
		if (s->lang == ctx->lang_of)
			return STORE_OK;
		if (s->lang < 0 && ctx->lang_of == LANG_VI &&
		    ctx->conf->language == LANG_VI)
			return STORE_OK;
		return store_sender_lang(txn, ctx->sender, ctx->lang_of,
		    ctx->now);
	}
	ctx->lang = s->lang >= 0 ? (enum language)s->lang :
	    (enum language)ctx->conf->language;
	return STORE_OK;
}

/*
 * Looks at the sender of the message in ctx (already inserted): the
 * language to answer in, whether it is quarantined, and whether this
 * message makes it a flood (more than replies.flood_messages messages
 * within replies.flood_window seconds), which quarantines it now
 * (ctx->quarantined_now; the caller logs it once committed).  Returns
 * STORE_OK or an error.
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
	if ((st = store_sender_get(txn, ctx->sender, &s)) != STORE_OK ||
	    (st = guard_language(txn, ctx, &s)) != STORE_OK)
		return st;
	ctx->help_at = s.help_at;
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
 * Whether a guard says no automatic reply to the sender of ctx: *blocked
 * is 1 then, and ctx->block says which.  Returns STORE_OK or an error.
 */
static enum store_status
queue_guard(struct store_txn *txn, struct reply_ctx *ctx, int *blocked)
{
	const struct config	*conf = ctx->conf;
	enum store_status	 st;
	int64_t			 n;

	*blocked = 1;
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
	*blocked = 0;
	return STORE_OK;
}

/*
 * Queues text, composed, as an automatic reply of kind to ctx's sender;
 * tpl, when not NULL, is text with ph where text has ref (the store may
 * keep the two apart: store_outbox_new).
 */
static enum store_status
queue_row(struct store_txn *txn, struct reply_ctx *ctx, const char *kind,
    int64_t case_id, const char *text, const char *encoding, int segments,
    const char *tpl, const char *ph, const char *ref)
{
	struct store_outbox_new	 o;
	enum store_status	 st;

	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.channel = ctx->channel;
	o.recipient = ctx->sender;
	o.text = text;
	o.encoding = encoding;
	o.segments = segments;
	o.state = STORE_OUTBOX_QUEUED;
	o.kind = kind;
	o.created = ctx->now;
	o.updated = ctx->now;
	o.next_attempt = ctx->now;
	o.tpl = tpl;
	o.ph = ph;
	o.ref = ref;
	if ((st = store_outbox_insert(txn, &o, &ctx->outbox_id)) != STORE_OK)
		return st;
	ctx->block = REPLY_SENT;
	ctx->segments = segments;
	return STORE_OK;
}

/*
 * Queues an automatic reply of kind (REPLY_KIND_ACK or _SPECIAL) to the
 * sender of ctx, unless a guard says no (ctx->block says which), in at
 * most max SMS parts (reply_budget(): whether the resident asked for it).
 * Returns STORE_OK or an error.
 */
static enum store_status
queue_auto(struct store_txn *txn, struct reply_ctx *ctx, const char *kind,
    int max, int64_t case_id, const char *first, const char *rest)
{
	enum store_status	 st;
	const char		*encoding;
	int			 blocked, segments;
	char			 text[REPLY_TEXT_MAX];

	if ((st = queue_guard(txn, ctx, &blocked)) != STORE_OK || blocked)
		return st;
	reply_compose(ctx->conf, ctx->channel, max, first, rest, text,
	    sizeof(text), &encoding, &segments);
	return queue_row(txn, ctx, kind, case_id, text, encoding, segments,
	    NULL, NULL, NULL);
}

/* Renders tpl (Vietnamese or English) with the ward's and a case's. */
static void
render_case(const struct reply_ctx *ctx, const char *tpl_vi,
    const char *tpl_en, int64_t ref, int64_t deadline, char *buf,
    size_t bufsz)
{
	struct render_vars	v;
	char			rbuf[REF_MAX], date[DATE_MAX];

	ward_vars(ctx->conf, ctx->lang, &v);
	ref_format(ctx->conf->case_prefix, ref, rbuf, sizeof(rbuf));
	v.ref = rbuf;
	if (deadline != 0) {
		format_date(deadline, date, sizeof(date));
		v.deadline = date;
	}
	reply_render(buf, bufsz, pick(tpl_vi, tpl_en, ctx->lang), &v);
}

/*
 * ===================================================================
 * Replies
 * ===================================================================
 */

/*
 * Queues the acknowledgement of a new case (reference ref, answer due at
 * deadline) in category cat: one short part with the reference, the
 * category, the date and how to ask for more.  The category's
 * explanation goes with it only on the resident's first case when
 * replies.explain_first says so (first); otherwise on request (an
 * explain word and the reference).  Returns STORE_OK (ctx->block says
 * whether a row was queued) or an error.
 */
static void
render_ack(const struct config *conf, const struct category *cat,
    enum language lang, const char *ref, int64_t deadline, int explain,
    char *ack, char *expl, size_t bufsz)
{
	struct render_vars	 v;
	char			 date[DATE_MAX];

	format_date(deadline, date, sizeof(date));
	ward_vars(conf, lang, &v);
	v.ref = ref;
	v.category = pick(cat->name_vi, cat->name_en, lang);
	v.deadline = date;
	reply_render(ack, bufsz, pick(cat->ack_vi, cat->ack_en, lang), &v);
	expl[0] = '\0';
	if (explain)
		reply_render(expl, bufsz, pick(cat->explain_vi,
		    cat->explain_en, lang), &v);
}

/*
 * Composes the acknowledgement of a new case in category cat, answer due
 * at deadline, in language lang, with the category's explanation when
 * explain, on channel, for reply_ack() to fill in the reference: all the
 * work of reply_ack() but the case's number, on the caller's thread
 * rather than the store's writer.  pre->ok is 0 when the text cannot
 * take the reference afterwards (it was cut to the channel's budget, or
 * the prefix is not plain ASCII, which stripping diacritics would change).
 */
void
reply_ack_prepare(const struct config *conf, const char *channel,
    const struct category *cat, enum language lang, int explain,
    int64_t deadline, struct reply_pre *pre)
{
	char		 rbuf[REF_MAX], ack[REPLY_TEXT_MAX], expl[REPLY_TEXT_MAX];
	const char	*p;
	int		 cut;

	memset(pre, 0, offsetof(struct reply_pre, text));
	pre->cat = cat;
	pre->lang = lang;
	pre->explain = explain;
	pre->deadline = deadline;
	for (p = conf->case_prefix; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return;
	ref_format(conf->case_prefix, 0, rbuf, sizeof(rbuf));
	render_ack(conf, cat, lang, rbuf, deadline, explain, ack, expl,
	    sizeof(ack));
	pre->len = compose(conf, channel, reply_budget(conf, channel, 0), ack,
	    expl, pre->text, sizeof(pre->text), &pre->encoding,
	    &pre->segments, &cut);
	pre->ok = !cut;
}

/*
 * The prepared acknowledgement with the reference ref written over the
 * placeholder's places into buf, when pre is what reply_ack() would
 * compose (the same category, language, deadline and explanation; a
 * reference of the placeholder's length: the same encoding and parts),
 * with the placeholder in ph and the reference in rbuf (REF_MAX bytes
 * each).  Returns 1, or 0 when it must be composed afresh.
 */
static int
ack_fill(const struct reply_ctx *ctx, const struct reply_pre *pre,
    const struct category *cat, int64_t ref, int64_t deadline, int explain,
    char *buf, size_t bufsz, char *ph, char *rbuf)
{
	char	*p;
	size_t	 len;

	if (pre == NULL || !pre->ok || pre->cat != cat ||
	    pre->lang != ctx->lang || pre->explain != explain ||
	    pre->deadline != deadline || pre->len >= bufsz)
		return 0;
	ref_format(ctx->conf->case_prefix, 0, ph, REF_MAX);
	len = ref_format(ctx->conf->case_prefix, ref, rbuf, REF_MAX);
	if (len != strlen(ph) || len >= REF_MAX)
		return 0;
	memcpy(buf, pre->text, pre->len + 1);
	for (p = buf; (p = strstr(p, ph)) != NULL; p += len)
		memcpy(p, rbuf, len);
	return 1;
}

/*
 * Queues the acknowledgement of a new case (reference ref, answer due at
 * deadline) in category cat: one short part with the reference, the
 * category, the date and how to ask for more.  The category's
 * explanation goes with it only on the resident's first case when
 * replies.explain_first says so (first); otherwise on request (an
 * explain word and the reference).  What ctx->pre composed before, when
 * it assumed the same, only takes the reference.  Returns STORE_OK
 * (ctx->block says whether a row was queued) or an error.
 */
enum store_status
reply_ack(struct store_txn *txn, struct reply_ctx *ctx,
    const struct category *cat, int64_t case_id, int64_t ref,
    int64_t deadline, int first)
{
	const struct config	*conf = ctx->conf;
	const struct reply_pre	*pre = ctx->pre;
	enum store_status	 st;
	const char		*encoding;
	int			 explain = first && conf->replies_explain_first;
	int			 blocked, segments;
	char			 rbuf[REF_MAX], ph[REF_MAX];
	char			 text[REPLY_TEXT_MAX];
	char			 ack[REPLY_TEXT_MAX], expl[REPLY_TEXT_MAX];

	if ((st = queue_guard(txn, ctx, &blocked)) != STORE_OK || blocked)
		return st;
	/* The prepared text is the template, the reference what goes in. */
	if (ack_fill(ctx, pre, cat, ref, deadline, explain, text,
	    sizeof(text), ph, rbuf))
		return queue_row(txn, ctx, REPLY_KIND_ACK, case_id, text,
		    pre->encoding, pre->segments, pre->text, ph, rbuf);
	ref_format(conf->case_prefix, ref, rbuf, sizeof(rbuf));
	render_ack(conf, cat, ctx->lang, rbuf, deadline, explain, ack, expl,
	    sizeof(ack));
	reply_compose(conf, ctx->channel, reply_budget(conf, ctx->channel, 0),
	    ack, expl, text, sizeof(text), &encoding, &segments);
	return queue_row(txn, ctx, REPLY_KIND_ACK, case_id, text, encoding,
	    segments, NULL, NULL, NULL);
}

/*
 * Short answers to what a resident did to a case: a message added to it
 * (replies.followup_*), a satisfaction score (satisfied_*), a reopening
 * (reopened_*, with the new deadline).  Nothing when the template is
 * empty.  Returns STORE_OK or an error.
 */
enum store_status
reply_case_event(struct store_txn *txn, struct reply_ctx *ctx,
    enum reply_event what, int64_t case_id, int64_t ref, int64_t deadline)
{
	const struct config	*conf = ctx->conf;
	const char		*vi, *en;
	char			 text[REPLY_TEXT_MAX];

	switch (what) {
	case REPLY_EVENT_FOLLOWUP:
		vi = conf->replies_followup_vi;
		en = conf->replies_followup_en;
		break;
	case REPLY_EVENT_SATISFIED:
		vi = conf->replies_satisfied_vi;
		en = conf->replies_satisfied_en;
		break;
	case REPLY_EVENT_REOPENED:
	default:
		vi = conf->replies_reopened_vi;
		en = conf->replies_reopened_en;
		break;
	}
	if (vi[0] == '\0') {
		ctx->block = REPLY_BLOCK_NONE;
		return STORE_OK;
	}
	render_case(ctx, vi, en, ref, deadline, text, sizeof(text));
	return queue_auto(txn, ctx, REPLY_KIND_SPECIAL,
	    reply_budget(conf, ctx->channel, 0), case_id, text,
	    NULL);
}

/*
 * An officer's answer as typed, without the frame reply_frame_answer()
 * put around it (in either language, with or without diacritics), for a
 * status answer that quotes it: the frame would say the ward and the
 * reference twice.
 */
static const char *
unframe(const struct config *conf, int64_t ref, const char *answer)
{
	char	 frame[REPLY_TEXT_MAX], *s;
	size_t	 n;
	int	 l, strip;

	/* A mark no frame holds; with "ă" the answer is not GSM-7. */
	for (l = LANG_VI; l <= LANG_EN; l++)
		for (strip = 0; strip <= 1; strip++) {
			reply_frame_answer(conf, ref, l, strip ? "@@answer@@" :
			    "ă@@answer@@", frame, sizeof(frame));
			if ((s = strstr(frame, "@@answer@@")) == NULL)
				continue;
			if (!strip)
				s -= strlen("ă");
			*s = '\0';	/* what comes before the answer */
			n = strlen(frame);
			if (n > 0 && strncmp(answer, frame, n) == 0)
				return answer + n;
		}
	return answer;
}

/*
 * The variables of case c in lang: the ward's, the reference and the
 * answer date (written into rbuf and date), the category's name.
 */
static void
case_vars(const struct config *conf, const struct store_case *c,
    enum language lang, struct render_vars *v, char rbuf[REF_MAX],
    char date[DATE_MAX])
{
	const struct category	*cat = config_category(conf, c->category);

	ref_format(conf->case_prefix, c->ref_number, rbuf, REF_MAX);
	format_date(c->deadline, date, DATE_MAX);
	ward_vars(conf, lang, v);
	v->ref = rbuf;
	v->category = cat != NULL ? pick(cat->name_vi, cat->name_en, lang) :
	    c->category;
	v->deadline = date;
}

/*
 * Renders the status answer for a case into buf: its state and, when it
 * has one, its last answer (status_answer_*).
 */
static void
render_status(const struct config *conf, const struct store_case *c,
    enum language lang, char *buf, size_t bufsz)
{
	struct render_vars	 v;
	char			 rbuf[REF_MAX], date[DATE_MAX];
	const char		*tpl;

	case_vars(conf, c, lang, &v, rbuf, date);
	v.state = reply_state_name(c->state, lang);
	v.answer = c->answer != NULL ? unframe(conf, c->ref_number,
	    c->answer) : NULL;
	tpl = pick(conf->replies_status_vi, conf->replies_status_en, lang);
	if (c->answer != NULL && conf->replies_status_answer_vi[0] != '\0')
		tpl = pick(conf->replies_status_answer_vi,
		    conf->replies_status_answer_en, lang);
	reply_render(buf, bufsz, tpl, &v);
}

/* Renders the explanation of a case's category into buf. */
static void
render_explain(const struct config *conf, const struct store_case *c,
    enum language lang, char *buf, size_t bufsz)
{
	const struct category	*cat = config_category(conf, c->category);
	struct render_vars	 v;
	char			 rbuf[REF_MAX], date[DATE_MAX];

	buf[0] = '\0';
	if (cat == NULL)
		return;
	case_vars(conf, c, lang, &v, rbuf, date);
	reply_render(buf, bufsz, pick(cat->explain_vi, cat->explain_en, lang),
	    &v);
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
 * A status lookup or a request for the explanation of case req->ref:
 * answered only to the number that opened the case; any other gets the
 * same refusal whether the case exists or not.  Without a reference, the
 * help.  Sets *what for the audit entry.
 */
static enum store_status
special_case(struct store_txn *txn, struct reply_ctx *ctx,
    const struct reply_request *req, char *text, size_t sz,
    const char **what)
{
	const struct config	*conf = ctx->conf;
	struct store_case	 c;
	enum store_status	 st;
	int			 status = req->what == REPLY_SPECIAL_STATUS;

	st = store_case_read(txn, req->ref, STORE_CASE_ANSWER, &c);
	if (st != STORE_OK && st != STORE_NOTFOUND)
		return st;
	if (st == STORE_OK && reply_same_number(c.sender, ctx->sender)) {
		if (status)
			render_status(conf, &c, ctx->lang, text, sz);
		else
			render_explain(conf, &c, ctx->lang, text, sz);
		*what = status ? "status, answered" : "explanation, given";
	} else {
		render_refusal(conf, req->ref, ctx->lang, text, sz);
		*what = status ? "status, refused" : "explanation, refused";
	}
	if (st == STORE_OK)
		store_case_clear(&c);
	return STORE_OK;
}

/* An opt-out or opt-in, recorded whatever the guards say of the answer. */
static enum store_status
special_optout(struct store_txn *txn, struct reply_ctx *ctx,
    const struct reply_request *req, const char **tpl, const char **what)
{
	const struct config	*conf = ctx->conf;
	int			 stop = req->what == REPLY_SPECIAL_STOP;
	enum store_status	 st;
	int64_t			 dropped = 0;

	if ((st = store_sender_optout(txn, ctx->sender, stop, ctx->now)) !=
	    STORE_OK)
		return st;
	/* Stopping everything forgets the subscriptions (personal data). */
	if (stop && (st = store_sub_drop(txn, ctx->sender, NULL, NULL,
	    &dropped)) != STORE_OK)
		return st;
	*tpl = stop ? pick(conf->replies_stop_vi, conf->replies_stop_en,
	    ctx->lang) : pick(conf->replies_start_vi, conf->replies_start_en,
	    ctx->lang);
	*what = stop ? "opt-out" : "opt-in";
	return STORE_OK;
}

/* A language word: answers in that language from now on. */
static enum store_status
special_language(struct store_txn *txn, struct reply_ctx *ctx,
    const struct reply_request *req, const char **tpl, const char **what)
{
	int	en = req->what == REPLY_SPECIAL_LANG_EN;

	ctx->lang = en ? LANG_EN : LANG_VI;
	*tpl = en ? ctx->conf->replies_language_en :
	    ctx->conf->replies_language_vi;
	*what = en ? "language: English" : "language: Vietnamese";
	return store_sender_lang(txn, ctx->sender, en, ctx->now);
}

/* The audit entry of a special word. */
static enum store_status
special_audit(struct store_txn *txn, struct reply_ctx *ctx,
    const struct reply_request *req, const char *what)
{
	char	rbuf[REF_MAX], detail[128];

	if (req->ref > 0) {
		ref_format(ctx->conf->case_prefix, req->ref, rbuf,
		    sizeof(rbuf));
		snprintf(detail, sizeof(detail), "message %lld: %s (%s)",
		    (long long)ctx->message_id, what, rbuf);
	} else
		snprintf(detail, sizeof(detail), "message %lld: %s",
		    (long long)ctx->message_id, what);
	return store_audit_append(txn, "papigwd", "message.special", 0,
	    detail);
}

/*
 * Answers a special word (req) from the sender of ctx: the help text, a
 * status lookup or a case's explanation, an opt-out or opt-in (recorded
 * whatever the guards say about the confirmation), a language, or a
 * topic.  The message was stored already; an audit entry says what it
 * asked for.  Returns STORE_OK (ctx->block says whether a row was queued)
 * or an error.
 */
enum store_status
reply_special(struct store_txn *txn, struct reply_ctx *ctx,
    const struct reply_request *req)
{
	const struct config	*conf = ctx->conf;
	struct render_vars	 v;
	enum store_status	 st = STORE_OK;
	const char		*tpl = NULL, *what = "help";
	char			 text[REPLY_TEXT_MAX];

	text[0] = '\0';
	switch (req->what) {
	case REPLY_SPECIAL_STATUS:
	case REPLY_SPECIAL_EXPLAIN:
		if (req->ref != 0)
			st = special_case(txn, ctx, req, text, sizeof(text),
			    &what);
		else	/* The word alone: how to use it is in the help. */
			tpl = pick(conf->replies_help_vi,
			    conf->replies_help_en, ctx->lang);
		break;
	case REPLY_SPECIAL_STOP:
	case REPLY_SPECIAL_START:
		st = special_optout(txn, ctx, req, &tpl, &what);
		break;
	case REPLY_SPECIAL_LANG_VI:
	case REPLY_SPECIAL_LANG_EN:
		st = special_language(txn, ctx, req, &tpl, &what);
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
	if (st != STORE_OK)
		return st;
	ward_vars(conf, ctx->lang, &v);
	if (tpl != NULL)
		reply_render(text, sizeof(text), tpl, &v);
	if ((st = special_audit(txn, ctx, req, what)) != STORE_OK)
		return st;
	if (text[0] == '\0') {
		ctx->block = REPLY_BLOCK_NONE;
		return STORE_OK;
	}
	return queue_auto(txn, ctx, REPLY_KIND_SPECIAL,
	    reply_budget(conf, ctx->channel, 1), 0, text, NULL);
}

/*
 * Queues text, an answer the resident asked for that another module
 * composed (core/subscribe.c, core/lookup.c, core/reception.c), as a
 * special word's: under the same guards and cap, in at most max SMS
 * parts (0: the budget of a requested answer, replies.max_segments); an
 * outbox row of kind "special".  The caller wrote the audit entry.
 * Returns STORE_OK (ctx->block says whether a row was queued) or an
 * error.
 */
enum store_status
reply_asked(struct store_txn *txn, struct reply_ctx *ctx, int max,
    const char *text)
{
	if (text == NULL || text[0] == '\0') {
		ctx->block = REPLY_BLOCK_NONE;
		return STORE_OK;
	}
	return queue_auto(txn, ctx, REPLY_KIND_SPECIAL, max > 0 ? max :
	    reply_budget(ctx->conf, ctx->channel, 1), 0, text, NULL);
}

/*
 * Answers a message that only thanks the ward (no case): replies.thanks_*
 * when set, under the same guards and cap as every automatic reply.
 * case_id is the case it thanks for, or 0.  The caller wrote the audit
 * entry.  Returns STORE_OK or an error.
 */
enum store_status
reply_thanks(struct store_txn *txn, struct reply_ctx *ctx, int64_t case_id)
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
	return queue_auto(txn, ctx, REPLY_KIND_SPECIAL,
	    reply_budget(conf, ctx->channel, 0), case_id, text,
	    NULL);
}

/*
 * Answers a greeting or an empty message with the help text, once a day
 * at most for a number (senders.help_at): "alo" deserves to learn what
 * the number is for, a resident who says hello every morning does not
 * need the menu every morning.  Returns STORE_OK or an error.
 */
enum store_status
reply_greeting(struct store_txn *txn, struct reply_ctx *ctx)
{
	const struct config	*conf = ctx->conf;
	struct render_vars	 v;
	enum store_status	 st;
	char			 text[REPLY_TEXT_MAX];

	ctx->block = REPLY_BLOCK_NONE;
	if (conf->replies_help_vi[0] == '\0' ||
	    ctx->help_at >= date_day_start(ctx->now))
		return STORE_OK;
	ward_vars(conf, ctx->lang, &v);
	reply_render(text, sizeof(text), pick(conf->replies_help_vi,
	    conf->replies_help_en, ctx->lang), &v);
	if ((st = queue_auto(txn, ctx, REPLY_KIND_SPECIAL,
	    reply_budget(conf, ctx->channel, 1), 0, text,
	    NULL)) != STORE_OK || ctx->block != REPLY_SENT)
		return st;
	return store_sender_helped(txn, ctx->sender, ctx->now);
}

/*
 * Frames an officer's answer to case ref for the resident, in the case's
 * language (lang, -1: cases.language): replies.answer_* ("{ward}
 * ({ref}): {answer}"), so that the resident knows who writes and about
 * what; the answer as typed when the template is empty.  Writes into buf.
 */
void
reply_frame_answer(const struct config *conf, int64_t ref, int lang,
    const char *answer, char *buf, size_t bufsz)
{
	struct render_vars	v;
	enum language		l;
	char			rbuf[REF_MAX], *s;

	l = lang >= 0 ? (enum language)lang : (enum language)conf->language;
	if (conf->replies_answer_vi[0] == '\0') {
		copy_str(buf, bufsz, answer);
		return;
	}
	ref_format(conf->case_prefix, ref, rbuf, sizeof(rbuf));
	ward_vars(conf, l, &v);
	v.ref = rbuf;
	v.answer = answer;
	reply_render(buf, bufsz, pick(conf->replies_answer_vi,
	    conf->replies_answer_en, l), &v);
	/* An answer in GSM-7 stays in GSM-7: the frame loses its marks. */
	if (sms_is_gsm7(answer) && !sms_is_gsm7(buf)) {
		s = sms_strip_diacritics(buf);
		copy_str(buf, bufsz, s);
		free(s);
	}
}

/*
 * Queues a message that is not an automatic reply: an officer's answer
 * (REPLY_KIND_ANSWER, always queued), or information or an announcement
 * (REPLY_KIND_INFO, _ANNOUNCEMENT: not to a number that opted out, nor to
 * a short code or an alphanumeric sender), which go out at bulk
 * priority, after the replies due on their channel.  The channel's
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
	/* Information and announcements wait for the replies. */
	o.priority = bulk ? STORE_OUTBOX_PRIORITY_BULK : m->priority;
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

/*
 * ===================================================================
 * What the short replies cost
 * ===================================================================
 */

/*
 * The parts the short reply tpl takes on channel ch at worst (the longest
 * reference and date, the ward's name in lang), after reply_compose()
 * dropped the diacritics to fit; writes the text into buf.
 */
static int
worst_parts(const struct config *conf, const struct channel *ch,
    const char *tpl, const char *category, enum language lang, char *buf,
    size_t bufsz)
{
	struct render_vars	 v;
	char			 rbuf[REF_MAX], text[REPLY_TEXT_MAX];
	int			 n, gsm7;

	ref_format(conf->case_prefix, 999999, rbuf, sizeof(rbuf));
	ward_vars(conf, lang, &v);
	v.ref = rbuf;
	v.deadline = "31/12/2099";
	v.category = category;
	reply_render(text, sizeof(text), tpl, &v);
	join(buf, bufsz, text, NULL, ch->strip_diacritics);
	n = sms_measure(buf, &gsm7);
	if (n > ch->reply_parts && !ch->strip_diacritics) {
		join(buf, bufsz, text, NULL, 1);
		n = sms_measure(buf, &gsm7);
	}
	return n;
}

/*
 * Checks one template in both languages: a category's acknowledgement
 * (cat, its id) or the reply of a setting (what); returns the warnings,
 * written in the language of the log.
 */
static int
check_tpl(const struct config *conf, const struct channel *ch,
    const char *cat, const char *what, const char *vi, const char *en,
    const char *cat_vi, const char *cat_en,
    void (*warn)(const char *, void *), void *arg)
{
	char	 buf[REPLY_TEXT_MAX], msg[REPLY_TEXT_MAX + 256];
	int	 l, n, warned = 0;

	for (l = LANG_VI; l <= LANG_EN; l++) {
		const char *tpl = pick(vi, en, (enum language)l);

		if (tpl == NULL || tpl[0] == '\0' || (l == LANG_EN &&
		    (en == NULL || en[0] == '\0')))
			continue;
		n = worst_parts(conf, ch, tpl, l == LANG_EN ? cat_en : cat_vi,
		    (enum language)l, buf, sizeof(buf));
		if (n <= ch->reply_parts)
			continue;
		if (cat != NULL)
			snprintf(msg, sizeof(msg), _("channel %s: the "
			    "acknowledgement of %s (%s) takes %d SMS parts, "
			    "more than its reply_parts %d, at worst: \"%s\""),
			    ch->name, cat, l == LANG_EN ? "en" : "vi", n,
			    ch->reply_parts, buf);
		else
			snprintf(msg, sizeof(msg), _("channel %s: %s (%s) "
			    "takes %d SMS parts, more than its reply_parts %d, "
			    "at worst: \"%s\""), ch->name, what,
			    l == LANG_EN ? "en" : "vi", n, ch->reply_parts,
			    buf);
		warn(msg, arg);
		warned++;
	}
	return warned;
}

/*
 * Checks that every short automatic reply fits each enabled channel's
 * reply_parts at worst; calls warn(message, arg) for each that does not
 * (it would be cut).  Returns how many do not.
 */
int
reply_check_budget(const struct config *conf,
    void (*warn)(const char *, void *), void *arg)
{
	const struct channel	*ch;
	const struct category	*cat;
	size_t			 i, k;
	int			 n = 0;

	for (i = 0; i < conf->nchannels; i++) {
		ch = &conf->channels[i];
		if (!ch->enabled)
			continue;
		for (k = 0; k < conf->ncategories; k++) {
			cat = &conf->categories[k];
			n += check_tpl(conf, ch, cat->id, NULL, cat->ack_vi,
			    cat->ack_en, cat->name_vi, cat->name_en, warn,
			    arg);
		}
		n += check_tpl(conf, ch, NULL, "replies.thanks",
		    conf->replies_thanks_vi, conf->replies_thanks_en, "", "",
		    warn, arg);
		n += check_tpl(conf, ch, NULL, "replies.followup",
		    conf->replies_followup_vi, conf->replies_followup_en, "",
		    "", warn, arg);
		n += check_tpl(conf, ch, NULL, "replies.satisfied",
		    conf->replies_satisfied_vi, conf->replies_satisfied_en,
		    "", "", warn, arg);
		n += check_tpl(conf, ch, NULL, "replies.reopened",
		    conf->replies_reopened_vi, conf->replies_reopened_en, "",
		    "", warn, arg);
	}
	return n;
}
