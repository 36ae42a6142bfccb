/*
 * subscribe.c: the residents' side of announcements, inside the ingest
 * transaction: subscribing to topics and areas, dropping them, listing
 * them, and reading an announcement's longer text.
 *
 * A subscription is personal data, like the number it holds: it is kept
 * only while the resident wants it (a drop deletes it, an opt-out deletes
 * them all, core/reply.c), and papictl shows subscribers as counts only.
 * Subscribing is a request for news: it lifts an opt-out, as the start
 * words do; it is refused, and the resident told so, when no channel of
 * the configuration can send them news (subscribe_route()).  Every
 * change is an audit entry that names the message, not the number.  The
 * answers are announce.* texts with {list}: the names of the topics and
 * areas, in the resident's language.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/announce.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/subscribe.h"
#include "store/announce.h"
#include "store/store.h"

#define LIST_MAX	1024	/* bytes of a {list} */

/* Appends s to the comma-separated list buf. */
static void
list_add(char *buf, size_t bufsz, const char *s)
{
	size_t	o = strlen(buf);

	if (o + strlen(s) + 3 >= bufsz)
		return;
	snprintf(buf + o, bufsz - o, "%s%s", o > 0 ? ", " : "", s);
}

/* A topic's name in lang. */
static const char *
topic_name(const struct config *conf, int i, enum language lang)
{
	const struct news_topic	*t = &conf->news_topics[i];

	return lang == LANG_EN && t->name_en[0] != '\0' ? t->name_en :
	    t->name_vi;
}

/* The name of subscription kind/value, or value when unknown now. */
static const char *
sub_name(const struct config *conf, const char *kind, const char *value,
    enum language lang)
{
	const struct area	*a;
	int			 i;

	if (strcmp(kind, STORE_SUB_TOPIC) == 0) {
		if ((i = config_news_topic(conf, value)) >= 0)
			return topic_name(conf, i, lang);
	} else if ((a = config_area(conf, value)) != NULL)
		return a->name;
	return value;
}

/* The names of what req names, into buf. */
static void
req_names(const struct config *conf, const struct sub_request *req,
    enum language lang, char *buf, size_t bufsz)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < conf->nnews_topics && i < 64; i++)
		if (req->all || (req->topics & (1ULL << i)))
			list_add(buf, bufsz, topic_name(conf, (int)i, lang));
	for (i = 0; i < conf->nareas && i < 64; i++)
		if (req->areas & (1ULL << i))
			list_add(buf, bufsz, conf->areas[i].name);
}

/* How to name each topic in a message: its first word, or its id. */
static void
choices(const struct config *conf, char *buf, size_t bufsz)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < conf->nnews_topics; i++)
		list_add(buf, bufsz, conf->news_topics[i].nwords > 0 ?
		    conf->news_topics[i].words[0] : conf->news_topics[i].id);
}

/*
 * Writes tpl into buf with {list} and {code} replaced.  Returns the
 * length (truncated to bufsz).
 */
size_t
announce_render(const char *tpl, const char *list, const char *code,
    char *buf, size_t bufsz)
{
	size_t		 o = 0, n;
	const char	*v;

	if (bufsz == 0)
		return 0;
	while (*tpl != '\0' && o + 1 < bufsz) {
		v = NULL;
		if (strncmp(tpl, "{list}", 6) == 0)
			v = list, n = 6;
		else if (strncmp(tpl, "{code}", 6) == 0)
			v = code, n = 6;
		if (v != NULL) {
			o += (size_t)snprintf(buf + o, bufsz - o, "%s", v);
			if (o >= bufsz)
				o = bufsz - 1;
			tpl += n;
			continue;
		}
		buf[o++] = *tpl++;
	}
	buf[o] = '\0';
	return o;
}

struct listing {
	const struct config	*conf;
	enum language		 lang;
	char			 list[LIST_MAX];
	int			 n;
};

static void
listed(const char *kind, const char *value, void *arg)
{
	struct listing	*l = arg;

	list_add(l->list, sizeof(l->list), sub_name(l->conf, kind, value,
	    l->lang));
	l->n++;
}

/* Subscribes the sender to what req names; lifts an opt-out. */
static enum store_status
sub_add(struct store_txn *txn, struct reply_ctx *ctx,
    const struct sub_request *req, int64_t *changed)
{
	const struct config	*conf = ctx->conf;
	enum store_status	 st;
	size_t			 i;
	int			 added;

	for (i = 0; i < conf->nnews_topics && i < 64; i++) {
		if (!req->all && !(req->topics & (1ULL << i)))
			continue;
		if ((st = store_sub_add(txn, ctx->sender, STORE_SUB_TOPIC,
		    conf->news_topics[i].id, ctx->channel, ctx->now,
		    &added)) != STORE_OK)
			return st;
		*changed += added;
	}
	for (i = 0; i < conf->nareas && i < 64; i++) {
		if (!(req->areas & (1ULL << i)))
			continue;
		if ((st = store_sub_add(txn, ctx->sender, STORE_SUB_AREA,
		    conf->areas[i].id, ctx->channel, ctx->now, &added)) !=
		    STORE_OK)
			return st;
		*changed += added;
	}
	return store_sender_optout(txn, ctx->sender, 0, ctx->now);
}

/* Drops what req names, or everything ("all"). */
static enum store_status
sub_drop(struct store_txn *txn, struct reply_ctx *ctx,
    const struct sub_request *req, int64_t *changed)
{
	const struct config	*conf = ctx->conf;
	enum store_status	 st;
	size_t			 i;
	int64_t			 n;

	if (req->all && req->areas == 0)
		return store_sub_drop(txn, ctx->sender, NULL, NULL, changed);
	for (i = 0; i < conf->nnews_topics && i < 64; i++) {
		if (!req->all && !(req->topics & (1ULL << i)))
			continue;
		if ((st = store_sub_drop(txn, ctx->sender, STORE_SUB_TOPIC,
		    conf->news_topics[i].id, &n)) != STORE_OK)
			return st;
		*changed += n;
	}
	for (i = 0; i < conf->nareas && i < 64; i++) {
		if (!(req->areas & (1ULL << i)))
			continue;
		if ((st = store_sub_drop(txn, ctx->sender, STORE_SUB_AREA,
		    conf->areas[i].id, &n)) != STORE_OK)
			return st;
		*changed += n;
	}
	return STORE_OK;
}

/* The answer to a read word: the announcement's body, or its text. */
static enum store_status
sub_read(struct store_txn *txn, struct reply_ctx *ctx,
    const struct sub_request *req, char *text, size_t sz)
{
	const struct config		*conf = ctx->conf;
	struct store_announcement	 a;
	enum store_status		 st;
	char				 code[32];
	int				 en = ctx->lang == LANG_EN;

	subscribe_code(conf, req->code, code, sizeof(code));
	st = store_announce_read(txn, req->code, &a);
	if (st != STORE_OK && st != STORE_NOTFOUND)
		return st;
	/* A draft, or a cancelled one never sent, is not published. */
	if (st == STORE_NOTFOUND || a.started == 0) {
		announce_render(en ? conf->announce_not_found_en :
		    conf->announce_not_found_vi, "", code, text, sz);
		if (st == STORE_OK)
			store_announce_clear(&a);
		return STORE_OK;
	}
	if (a.body != NULL && a.body[0] != '\0')
		snprintf(text, sz, "%s: %s", code, a.body);
	else
		snprintf(text, sz, "%s: %s", code, en && a.text_en != NULL &&
		    a.text_en[0] != '\0' ? a.text_en : a.text_vi);
	store_announce_clear(&a);
	return STORE_OK;
}

/*
 * Answers subscription message req from the sender of ctx (inside the
 * ingest transaction): records what it asks, writes an audit entry and
 * queues the answer as a special word's.  Returns STORE_OK or an error.
 */
enum store_status
subscribe_reply(struct store_txn *txn, struct reply_ctx *ctx,
    const struct sub_request *req)
{
	const struct config	*conf = ctx->conf;
	struct listing		 l;
	enum store_status	 st = STORE_OK;
	char			 text[REPLY_TEXT_MAX], names[LIST_MAX];
	char			 detail[160];
	const char		*what = "?";
	int64_t			 changed = 0;
	int			 en = ctx->lang == LANG_EN;

	text[0] = '\0';
	memset(&l, 0, sizeof(l));
	l.conf = conf;
	l.lang = ctx->lang;
	switch (req->verb) {
	case SUB_ADD:
		/* No channel can send: say so rather than promise news. */
		if (subscribe_route(conf, ctx->channel) == NULL) {
			what = "subscribe refused: no channel can send";
			copy_str(text, sizeof(text), en ?
			    conf->announce_unreachable_en :
			    conf->announce_unreachable_vi);
			break;
		}
		what = "subscribe";
		if ((st = sub_add(txn, ctx, req, &changed)) != STORE_OK)
			return st;
		req_names(conf, req, ctx->lang, names, sizeof(names));
		announce_render(en ? conf->announce_subscribed_en :
		    conf->announce_subscribed_vi, names, "", text,
		    sizeof(text));
		break;
	case SUB_DROP:
		what = "unsubscribe";
		if (req->all && req->areas == 0 &&
		    (st = store_sub_list(txn, ctx->sender, listed, &l)) !=
		    STORE_OK)
			return st;
		if ((st = sub_drop(txn, ctx, req, &changed)) != STORE_OK)
			return st;
		if (req->all && req->areas == 0)
			copy_str(names, sizeof(names), l.list);
		else
			req_names(conf, req, ctx->lang, names, sizeof(names));
		announce_render(en ? conf->announce_dropped_en :
		    conf->announce_dropped_vi, names, "", text, sizeof(text));
		break;
	case SUB_LIST:
		what = "subscriptions";
		if ((st = store_sub_list(txn, ctx->sender, listed, &l)) !=
		    STORE_OK)
			return st;
		if (l.n > 0)
			announce_render(en ? conf->announce_list_en :
			    conf->announce_list_vi, l.list, "", text,
			    sizeof(text));
		else {
			choices(conf, names, sizeof(names));
			announce_render(en ? conf->announce_none_en :
			    conf->announce_none_vi, names, "", text,
			    sizeof(text));
		}
		break;
	case SUB_READ:
		what = "announcement read";
		if ((st = sub_read(txn, ctx, req, text, sizeof(text))) !=
		    STORE_OK)
			return st;
		break;
	default:
		return STORE_OK;
	}
	if (req->verb == SUB_READ)
		snprintf(detail, sizeof(detail), "message %lld: %s (%s-%lld)",
		    (long long)ctx->message_id, what,
		    conf->announce_code_prefix, (long long)req->code);
	else
		snprintf(detail, sizeof(detail), "message %lld: %s "
		    "(topics %#llx, areas %#llx%s; %lld changed)",
		    (long long)ctx->message_id, what,
		    (unsigned long long)req->topics,
		    (unsigned long long)req->areas, req->all ? ", all" : "",
		    (long long)changed);
	if ((st = store_audit_append(txn, "papigwd", "message.special", 0,
	    detail)) != STORE_OK)
		return st;
	return reply_asked(txn, ctx, 0, text);
}

/*
 * The answer to a list word for number, from committed data (the USSD
 * menu): announce.list_* with the names, or announce.none_* with the
 * topics to choose from.  Returns its length, 0 when the store failed.
 */
size_t
subscribe_list_text(const struct config *conf, struct store *store,
    const char *number, enum language lang, char *buf, size_t bufsz)
{
	struct listing	 l;
	char		 names[LIST_MAX];
	int		 en = lang == LANG_EN;

	memset(&l, 0, sizeof(l));
	l.conf = conf;
	l.lang = lang;
	if (store_sub_read(store, number, listed, &l) != STORE_OK)
		return 0;
	if (l.n > 0)
		return announce_render(en ? conf->announce_list_en :
		    conf->announce_list_vi, l.list, "", buf, bufsz);
	choices(conf, names, sizeof(names));
	return announce_render(en ? conf->announce_none_en :
	    conf->announce_none_vi, names, "", buf, bufsz);
}
