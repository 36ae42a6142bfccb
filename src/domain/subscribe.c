/*
 * subscribe.c: reads what a message asks of the ward's announcements.
 *
 * Like special words (core/reply.c), the message is read on its folded
 * form without spaces ("DK Ngân sách, KP3" is "dkngansachkp3"): a verb of
 * announce.subscribe_words or drop_words followed by nothing but topics
 * (their ids and words), areas (theirs) and announce.all_words, matched
 * longest first; a list word alone; a read word followed by an
 * announcement's code, or the code alone.  Anything else ("Đăng ký kết
 * hôn ở đâu?") is not about announcements and goes on to routing, so
 * that a question that starts like a verb is never swallowed.  The
 * loader folded every configured word into conf->news_words.
 */
#include <string.h>

#include "domain/subscribe.h"
#include "domain/ref.h"

#define SUB_PARSE_MAX	512	/* folded bytes looked at */

/*
 * The longest word of conf->news_words of a kind in [lo, hi] that s
 * begins with, or NULL.
 */
static const struct news_word *
longest(const struct config *conf, const char *s, enum news_word_kind lo,
    enum news_word_kind hi)
{
	const struct news_word	*best = NULL;
	size_t			 i, len, blen = 0;

	for (i = 0; i < conf->nnews_words; i++) {
		const struct news_word *w = &conf->news_words[i];

		if (w->kind < lo || w->kind > hi)
			continue;
		len = strlen(w->fold);
		if (len > blen && strncmp(s, w->fold, len) == 0) {
			best = w;
			blen = len;
		}
	}
	return best;
}

/* Reads the topics, areas and "all" of s into req.  Returns 1, or 0. */
static int
items(const struct config *conf, const char *s, struct sub_request *req)
{
	const struct news_word	*w;

	if (*s == '\0')
		return 0;
	while (*s != '\0') {
		if ((w = longest(conf, s, NEWS_W_ALL, NEWS_W_AREA)) == NULL)
			return 0;
		if (w->kind == NEWS_W_ALL)
			req->all = 1;
		else if (w->kind == NEWS_W_TOPIC && w->index < 64)
			req->topics |= 1ULL << w->index;
		else if (w->kind == NEWS_W_AREA && w->index < 64)
			req->areas |= 1ULL << w->index;
		s += strlen(w->fold);
	}
	return 1;
}

/*
 * Reads message t into req.  Returns 1 when it is about announcements
 * (req->verb says what), else 0 with req->verb SUB_NONE.
 */
int
subscribe_parse(const struct config *conf, const struct text *t,
    struct sub_request *req)
{
	const struct news_word	*verb;
	char			 s[SUB_PARSE_MAX];
	const char		*rest;
	size_t			 len;

	memset(req, 0, sizeof(*req));
	if (conf->nnews_words == 0)
		return 0;
	len = text_join_raw(t, s, sizeof(s));
	if (len == 0 || len >= sizeof(s))
		return 0;
	if ((req->code = ref_parse(conf->announce_code_prefix, s, 0)) > 0) {
		req->verb = SUB_READ;
		return 1;
	}
	if ((verb = longest(conf, s, NEWS_W_SUBSCRIBE, NEWS_W_READ)) == NULL)
		return 0;
	rest = s + strlen(verb->fold);
	switch (verb->kind) {
	case NEWS_W_LIST:
		if (*rest != '\0')
			return 0;
		req->verb = SUB_LIST;
		return 1;
	case NEWS_W_READ:
		req->code = ref_parse(conf->announce_code_prefix, rest,
		    REF_PREFIX_OPTIONAL);
		if (req->code <= 0)
			return 0;
		req->verb = SUB_READ;
		return 1;
	case NEWS_W_SUBSCRIBE:
	case NEWS_W_DROP:
		if (!items(conf, rest, req)) {
			memset(req, 0, sizeof(*req));
			return 0;
		}
		req->verb = verb->kind == NEWS_W_SUBSCRIBE ? SUB_ADD :
		    SUB_DROP;
		return 1;
	default:
		return 0;
	}
}

/* Writes announcement id's code ("TB-000012") into buf; its length. */
size_t
subscribe_code(const struct config *conf, int64_t id, char *buf,
    size_t bufsz)
{
	return ref_format(conf->announce_code_prefix, id, buf, bufsz);
}

/*
 * ===================================================================
 * The channel an announcement goes out on
 * ===================================================================
 */

/*
 * Whether channel ch can send an SMS: enabled, and a modem or a provider
 * with an API to send through (its base_url).  1 or 0; NULL is 0.
 */
int
subscribe_can_send(const struct channel *ch)
{
	return ch != NULL && ch->enabled && (ch->type == CHANNEL_MODEM ||
	    (ch->base_url != NULL && ch->base_url[0] != '\0'));
}

/*
 * The SMS channel that carries announcements to a resident who subscribed
 * on channel subscribed_on ("ussd" for the USSD menu without
 * ussd.channel, or a channel's name): announce.channel when it can send;
 * else the channel they subscribed on when it can (a USSD session is no
 * channel to send on); else ussd.channel; else the first channel of the
 * configuration that can send (the modem in the shipped one).  Returns
 * it, or NULL when no channel can send at all: then nobody can be
 * reached, and a subscription is refused.
 */
const struct channel *
subscribe_route(const struct config *conf, const char *subscribed_on)
{
	const struct channel	*ch;
	size_t			 i;

	if (conf->announce_channel[0] != '\0' && subscribe_can_send(ch =
	    config_channel(conf, conf->announce_channel)))
		return ch;
	if (subscribed_on != NULL && subscribe_can_send(ch =
	    config_channel(conf, subscribed_on)))
		return ch;
	if (conf->ussd_channel[0] != '\0' && subscribe_can_send(ch =
	    config_channel(conf, conf->ussd_channel)))
		return ch;
	for (i = 0; i < conf->nchannels; i++)
		if (subscribe_can_send(&conf->channels[i]))
			return &conf->channels[i];
	return NULL;
}
