/*
 * reception.c: booking the citizen reception (reception.h).
 *
 * A message that begins with one of reception.book_words ("đặt lịch",
 * "book"), folded like special words, books the resident a place at the
 * next reception open for booking (domain/reception.c: the weekday, not
 * a holiday, until book_until the day before), the rest of the message
 * being the topic; the first slot of reception.slots with fewer than
 * per_slot residents is theirs, and their number on the agenda is the
 * place's (slot i, place j: i * per_slot + j + 1).  When that reception
 * is full the next ones are tried, up to reception.weeks_ahead; when all
 * are, the resident is told, and nothing is booked (nor for a short code
 * or a name, which could get no SMS).  A number holds one
 * booking at a time: booking again tells the one it has.  One of
 * reception.cancel_words cancels the number's next booking.  Each is
 * answered at once (an automatic reply, under its guards) and audited;
 * the USSD menu books through reception_book() too.
 *
 * The daemon's timer calls reception_remind(): from reception.remind_at
 * the day before, every booking of the next day not yet reminded gets an
 * SMS (kind "reminder") on the channel it was made on, in its language.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reception.h"
#include "base/date.h"
#include "base/tpl.h"
#include "base/util.h"
#include "text/sms.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/reception.h"
#include "store/store.h"
#include "core/reply.h"

#define KEYWORD_TOKENS_MAX	4	/* tokens a book or cancel word may take */

/*
 * ===================================================================
 * Reading the message
 * ===================================================================
 */

/*
 * The topic: text after its first k words, without the punctuation
 * after them, cut to fit topic on a UTF-8 boundary.
 */
static void
topic_after(const char *text, size_t k, char *topic, size_t topicsz)
{
	const char	*p = text;
	size_t		 n;

	while (k-- > 0) {
		while (isspace((unsigned char)*p))
			p++;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
	}
	while (*p != '\0' && (isspace((unsigned char)*p) || strchr(":,.-;",
	    *p) != NULL))
		p++;
	n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (n >= topicsz) {
		n = topicsz - 1;
		while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(topic, p, n);
	topic[n] = '\0';
}

/*
 * Whether the message (text, normalised in t) asks the reception for
 * something: 1 with the request in *req, else 0.
 */
int
reception_parse(const struct config *conf, const struct text *t,
    const char *text, struct reception_request *req)
{
	size_t	k;

	memset(req, 0, sizeof(*req));
	if (!conf->reception_enabled)
		return 0;
	if ((k = text_leading_word(t, conf->reception_cancel_words,
	    conf->reception_ncancel_words, KEYWORD_TOKENS_MAX)) > 0) {
		req->what = RECEPTION_ASK_CANCEL;
		return 1;
	}
	if ((k = text_leading_word(t, conf->reception_book_words,
	    conf->reception_nbook_words, KEYWORD_TOKENS_MAX)) > 0) {
		req->what = RECEPTION_ASK_BOOK;
		topic_after(text, k, req->topic, sizeof(req->topic));
		return 1;
	}
	return 0;
}

/*
 * ===================================================================
 * Booking
 * ===================================================================
 */

struct slots {
	const struct config	*conf;
	int			 booked[64];	/* by slot */
};

static void
count_slot(const char *slot, int n, void *arg)
{
	struct slots	*s = arg;
	size_t		 i;

	for (i = 0; i < s->conf->reception_nslots && i < 64; i++)
		if (strcmp(s->conf->reception_slots[i], slot) == 0)
			s->booked[i] = n;
}

/*
 * Books number a place at the first reception open at now that has
 * one, within reception.weeks_ahead receptions (see the top of this
 * file), with the channel and language to remind it in.  *b says what
 * became of it: booked (again: the number had a booking already, given
 * back), or full.  Returns STORE_OK or an error.
 */
enum store_status
reception_book(struct store_txn *txn, const struct config *conf,
    const char *number, const char *channel, int lang, const char *topic,
    int64_t now, struct reception_booked *b)
{
	struct store_booking_new nb;
	struct store_booking	 old;
	struct slots		 s;
	enum store_status	 st;
	char			 today[RECEPTION_DAY_SIZE];
	size_t			 i;
	int			 k;

	memset(b, 0, sizeof(*b));
	date_format(now, "%Y-%m-%d", today, sizeof(today));
	st = store_booking_of(txn, number, today, &old);
	if (st == STORE_OK) {
		b->again = 1;
		copy_str(b->day, sizeof(b->day), old.day);
		copy_str(b->slot, sizeof(b->slot), old.slot);
		b->seq = old.seq;
		b->id = old.id;
		store_booking_clear(&old);
		return STORE_OK;
	}
	if (st != STORE_NOTFOUND)
		return st;
	for (k = 0; k < conf->reception_weeks_ahead; k++) {
		if (reception_day(conf, now, k, b->day) == -1)
			break;
		memset(&s, 0, sizeof(s));
		s.conf = conf;
		if ((st = store_booking_slots(txn, b->day, count_slot, &s)) !=
		    STORE_OK)
			return st;
		for (i = 0; i < conf->reception_nslots && i < 64; i++)
			if (s.booked[i] < conf->reception_per_slot)
				break;
		if (i == conf->reception_nslots || i == 64)
			continue;
		memset(&nb, 0, sizeof(nb));
		nb.day = b->day;
		nb.slot = conf->reception_slots[i];
		nb.seq = (int)i * conf->reception_per_slot + s.booked[i] + 1;
		nb.number = number;
		nb.channel = channel;
		nb.lang = lang;
		nb.topic = topic;
		nb.created = now;
		copy_str(b->slot, sizeof(b->slot), nb.slot);
		b->seq = nb.seq;
		return store_booking_add(txn, &nb, &b->id);
	}
	b->full = 1;
	return STORE_OK;
}

/* "2026-12-08" as residents write it: "08/12/2026". */
static void
resident_date(const char *day, char *buf, size_t bufsz)
{
	int	y, m, d;

	if (date_parse(day, &y, &m, &d) == -1)
		copy_str(buf, bufsz, day);
	else
		snprintf(buf, bufsz, "%02d/%02d/%04d", d, m, y);
}

/*
 * Renders a text of the reception group: {date} {time} {seq} of b,
 * {topic}, {book} and {cancel} (the first of each list), {ward},
 * {hotline}.  Returns the length.
 */
size_t
reception_render(const struct config *conf, const char *tpl,
    const struct reception_booked *b, const char *topic, char *buf,
    size_t bufsz)
{
	struct tpl_var	v[8];
	char		date[16], seq[16];

	resident_date(b->day, date, sizeof(date));
	snprintf(seq, sizeof(seq), "%d", b->seq);
	v[0] = (struct tpl_var){ "date", date };
	v[1] = (struct tpl_var){ "time", b->slot };
	v[2] = (struct tpl_var){ "seq", seq };
	v[3] = (struct tpl_var){ "topic", topic != NULL && topic[0] ? topic :
	    "-" };
	v[4] = (struct tpl_var){ "book", conf->reception_nbook_words > 0 ?
	    conf->reception_book_words[0] : "" };
	v[5] = (struct tpl_var){ "cancel", conf->reception_ncancel_words > 0 ?
	    conf->reception_cancel_words[0] : "" };
	v[6] = (struct tpl_var){ "ward", conf->ward_name };
	v[7] = (struct tpl_var){ "hotline", conf->hotline };
	return tpl_render(buf, bufsz, tpl, v, 8);
}

/* The Vietnamese text, or the English one when lang asks and it is set. */
static const char *
pick(const char *vi, const char *en, enum language lang)
{
	return lang == LANG_EN && en != NULL && en[0] != '\0' ? en : vi;
}

static enum store_status queue_sms(struct store_txn *, const struct config *,
		    const char *, const char *, const char *, const char *,
		    int64_t);

/* A cancel word: the number's next booking, cancelled. */
static enum store_status
cancel(struct store_txn *txn, struct reply_ctx *ctx,
    struct reception_booked *b, const char **tpl, char *detail,
    size_t detailsz)
{
	const struct config	*conf = ctx->conf;
	struct store_booking	 old;
	enum store_status	 st;
	char			 today[RECEPTION_DAY_SIZE];

	date_format(ctx->now, "%Y-%m-%d", today, sizeof(today));
	st = store_booking_of(txn, ctx->sender, today, &old);
	if (st == STORE_NOTFOUND) {
		*tpl = pick(conf->reception_nothing_vi,
		    conf->reception_nothing_en, ctx->lang);
		snprintf(detail, detailsz, "message %lld: reception cancel: "
		    "no booking", (long long)ctx->message_id);
		return STORE_OK;
	}
	if (st != STORE_OK)
		return st;
	copy_str(b->day, sizeof(b->day), old.day);
	copy_str(b->slot, sizeof(b->slot), old.slot);
	b->seq = old.seq;
	b->id = old.id;
	store_booking_clear(&old);
	*tpl = pick(conf->reception_cancelled_vi, conf->reception_cancelled_en,
	    ctx->lang);
	snprintf(detail, detailsz, "message %lld: reception cancel: booking "
	    "%lld, %s %s", (long long)ctx->message_id, (long long)b->id,
	    b->day, b->slot);
	return store_booking_cancel(txn, b->id, ctx->now);
}

/*
 * Answers a message that books the reception or cancels a booking
 * (req), from the sender of ctx: the booking, or why there is none; an
 * audit entry ("reception.book", ".cancel").  Returns STORE_OK
 * (ctx->block says whether a reply was queued) or an error.
 */
enum store_status
reception_answer(struct store_txn *txn, struct reply_ctx *ctx,
    const struct reception_request *req)
{
	const struct config	*conf = ctx->conf;
	struct reception_booked	 b;
	enum store_status	 st;
	const char		*tpl;
	char			 text[REPLY_TEXT_MAX], detail[160];

	memset(&b, 0, sizeof(b));
	/* A short code or a name could neither be answered nor reminded. */
	if (!reply_may_reply(conf, ctx->sender)) {
		snprintf(detail, sizeof(detail), "message %lld: reception: "
		    "not a number that gets an SMS, nothing booked",
		    (long long)ctx->message_id);
		ctx->block = REPLY_BLOCK_SENDER;
		return store_audit_append(txn, "papigwd", "reception.book", 0,
		    detail);
	}
	if (req->what == RECEPTION_ASK_CANCEL)
		st = cancel(txn, ctx, &b, &tpl, detail, sizeof(detail));
	else {
		st = reception_book(txn, conf, ctx->sender, ctx->channel,
		    (int)ctx->lang, req->topic, ctx->now, &b);
		tpl = b.full ? pick(conf->reception_full_vi,
		    conf->reception_full_en, ctx->lang) :
		    pick(conf->reception_booked_vi, conf->reception_booked_en,
		    ctx->lang);
		if (b.full)
			snprintf(detail, sizeof(detail), "message %lld: "
			    "reception full up to %s", (long long)
			    ctx->message_id, b.day);
		else
			snprintf(detail, sizeof(detail), "message %lld: "
			    "reception booking %lld%s, %s %s, number %d",
			    (long long)ctx->message_id, (long long)b.id,
			    b.again ? " (had it)" : "", b.day, b.slot, b.seq);
	}
	if (st != STORE_OK || (st = store_audit_append(txn, "papigwd",
	    req->what == RECEPTION_ASK_CANCEL ? "reception.cancel" :
	    "reception.book", 0, detail)) != STORE_OK)
		return st;
	reception_render(conf, tpl, &b, req->topic, text, sizeof(text));
	return reply_asked(txn, ctx, 0, text);
}

/*
 * A booking made on the USSD menu by number (reception_book()), with
 * topic: audited, and confirmed by SMS on channel (in the configured
 * language) when there is one and the number can get an SMS.  *b says
 * what became of it.  Returns STORE_OK or an error.
 */
enum store_status
reception_book_ussd(struct store_txn *txn, const struct config *conf,
    const char *number, const char *channel, const char *topic, int64_t now,
    struct reception_booked *b)
{
	enum store_status	 st;
	char			 text[REPLY_TEXT_MAX], detail[160];

	if ((st = reception_book(txn, conf, number, channel != NULL ? channel :
	    "ussd", conf->language, topic, now, b)) != STORE_OK)
		return st;
	if (b->full)
		snprintf(detail, sizeof(detail), "ussd: reception full up to "
		    "%s", b->day);
	else
		snprintf(detail, sizeof(detail), "ussd: reception booking "
		    "%lld%s, %s %s, number %d", (long long)b->id, b->again ?
		    " (had it)" : "", b->day, b->slot, b->seq);
	if ((st = store_audit_append(txn, "papigwd", "reception.book", 0,
	    detail)) != STORE_OK || b->full || channel == NULL ||
	    !reply_may_reply(conf, number))
		return st;
	reception_render(conf, pick(conf->reception_booked_vi,
	    conf->reception_booked_en, (enum language)conf->language), b,
	    topic, text, sizeof(text));
	return queue_sms(txn, conf, channel, number, REPLY_KIND_SPECIAL, text,
	    now);
}

/*
 * ===================================================================
 * The reminder
 * ===================================================================
 */

/* A booking to remind, copied from its row. */
struct remind_item {
	int64_t		 id;
	struct reception_booked b;
	char		 number[32];
	char		 channel[CONF_ID_MAX];
	char		 topic[RECEPTION_TOPIC_MAX];
	int		 lang;
};

#define REMIND_BATCH	256	/* bookings reminded by one timer run */

struct remind {
	struct remind_item	*items;
	size_t			 n;
};

/* One booking of tomorrow: kept, to be reminded once the rows are read. */
static void
remind_one(const struct store_booking *bk, void *arg)
{
	struct remind		*r = arg;
	struct remind_item	*it;

	if (r->n == REMIND_BATCH)
		return;
	it = &r->items[r->n++];
	it->id = bk->id;
	copy_str(it->b.day, sizeof(it->b.day), bk->day);
	copy_str(it->b.slot, sizeof(it->b.slot), bk->slot);
	it->b.seq = bk->seq;
	copy_str(it->number, sizeof(it->number), bk->number);
	copy_str(it->channel, sizeof(it->channel), bk->channel);
	copy_str(it->topic, sizeof(it->topic), bk->topic);
	it->lang = bk->lang;
}

/*
 * Queues text (of kind) to number on channel, within
 * replies.max_segments SMS parts.  Returns STORE_OK or an error.
 */
static enum store_status
queue_sms(struct store_txn *txn, const struct config *conf,
    const char *channel, const char *number, const char *kind,
    const char *text, int64_t now)
{
	struct store_outbox_new	 o;
	char			 buf[REPLY_TEXT_MAX];

	memset(&o, 0, sizeof(o));
	reply_compose(conf, channel, conf->replies_max_segments, text, NULL,
	    buf, sizeof(buf), &o.encoding, &o.segments);
	o.channel = channel;
	o.recipient = number;
	o.text = buf;
	o.state = STORE_OUTBOX_QUEUED;
	o.kind = kind;
	o.created = now;
	o.updated = now;
	o.next_attempt = now;
	return store_outbox_insert(txn, &o, NULL);
}

/* Queues the reminder of it (kind "reminder") and marks it reminded. */
static enum store_status
remind_queue(struct store_txn *txn, const struct config *conf,
    const struct remind_item *it, int64_t now)
{
	enum store_status	 st;
	char			 buf[REPLY_TEXT_MAX];

	reception_render(conf, pick(conf->reception_reminder_vi,
	    conf->reception_reminder_en, it->lang == 1 ? LANG_EN : LANG_VI),
	    &it->b, it->topic, buf, sizeof(buf));
	if ((st = queue_sms(txn, conf, it->channel, it->number,
	    REPLY_KIND_REMINDER, buf, now)) != STORE_OK)
		return st;
	return store_booking_reminded(txn, it->id, now);
}

/*
 * From reception.remind_at the day before a reception, queues the
 * reminder of each of its bookings not reminded yet and marks them.
 * *sent says how many.  Returns STORE_OK or an error.
 */
enum store_status
reception_remind(struct store_txn *txn, const struct config *conf,
    int64_t now, int *sent)
{
	struct remind		 r;
	enum store_status	 st;
	char			 day[RECEPTION_DAY_SIZE];
	int			 y, m, d, at;
	size_t			 i;

	*sent = 0;
	if (!conf->reception_enabled)
		return STORE_OK;
	date_of(now, &y, &m, &d);
	at = reception_minutes(conf->reception_remind_at);
	if (now < date_local(y, m, d, at / 60, at % 60, 0))
		return STORE_OK;
	date_next_day(&y, &m, &d);
	if (!reception_is_day(conf, y, m, d))
		return STORE_OK;
	snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
	r.items = xcalloc(REMIND_BATCH, sizeof(*r.items));
	r.n = 0;
	st = store_bookings_to_remind(txn, day, remind_one, &r);
	for (i = 0; st == STORE_OK && i < r.n; i++)
		if ((st = remind_queue(txn, conf, &r.items[i], now)) ==
		    STORE_OK)
			(*sent)++;
	free(r.items);
	return st;
}
