/*
 * announce.c: the ward's announcements on their way to the outbox.
 *
 * Once approved and started (daemon/cmd_announce.c), an announcement's
 * recipients wait in the store, pending.  The feeder (daemon/announce_
 * feed.c) runs announce_feed_work() for each announcement being sent:
 * one transaction takes announce.batch pending recipients, queues each
 * one's message (reply_queue(), kind "announcement", priority 1: the
 * outbox worker claims case replies first, and the channel's rate limit
 * paces the rest) and marks it queued with its outbox row, so that a
 * crash between two batches loses nothing and queues nobody twice.  A
 * number that opted out since the start is skipped (no row).  Each goes
 * out on the SMS channel subscribe_route() names for the channel it
 * subscribed on, when its turn comes (a USSD subscriber by SMS); when no
 * channel can send, it is marked unreachable and counted, never left
 * queued.  announce_stranded_work() fails the announcements' messages
 * that a reload left queued on a channel that can no longer send.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/announce.h"
#include "base/clock.h"
#include "base/util.h"
#include "conf/config.h"
#include "core/reply.h"
#include "domain/subscribe.h"
#include "store/announce.h"
#include "store/store.h"

/*
 * Composes what a recipient of a gets, in English when en and it has an
 * English text: the text, its code in brackets (a reply quoting it is a
 * comment on it) and, when it has a body, how to read it
 * (announce.more_*).  Returns the length.
 */
size_t
announce_message(const struct config *conf,
    const struct store_announcement *a, int en, char *buf, size_t bufsz)
{
	char		 code[32], more[512];
	const char	*text = a->text_vi;

	if (en && a->text_en != NULL && a->text_en[0] != '\0')
		text = a->text_en;
	else
		en = 0;
	subscribe_code(conf, a->id, code, sizeof(code));
	more[0] = '\0';
	if (a->body != NULL && a->body[0] != '\0')
		announce_render(en ? conf->announce_more_en :
		    conf->announce_more_vi, "", code, more, sizeof(more));
	snprintf(buf, bufsz, "%s [%s]%s%s", text, code, more[0] ? " " : "",
	    more);
	return strlen(buf);
}

/* Whether area id is in the comma-separated list. */
static int
in_list(const char *list, const char *id)
{
	size_t		 n = strlen(id);
	const char	*p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, id, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return 0;
}

/* Whether area a is one of areas or within one of them. */
static int
covered(const struct config *conf, const struct area *a, const char *areas)
{
	size_t	depth;

	for (depth = 0; a != NULL && depth <= conf->nareas; depth++) {
		if (in_list(areas, a->id))
			return 1;
		if (a->within[0] == '\0')
			return 0;
		a = config_area(conf, a->within);
	}
	return 0;
}

/*
 * The areas an announcement to "areas" (ids, comma-separated; "" for the
 * whole ward) reaches, with every area within them, as a JSON array of
 * ids into buf.  Returns the length.
 */
size_t
announce_areas_json(const struct config *conf, const char *areas,
    char *buf, size_t bufsz)
{
	size_t	i, o = 0;

	if (bufsz < 3)
		return 0;
	buf[o++] = '[';
	for (i = 0; areas[0] != '\0' && i < conf->nareas; i++) {
		if (!covered(conf, &conf->areas[i], areas))
			continue;
		if (o + strlen(conf->areas[i].id) + 4 >= bufsz)
			break;
		o += (size_t)snprintf(buf + o, bufsz - o, "%s\"%s\"",
		    o > 1 ? "," : "", conf->areas[i].id);
	}
	buf[o++] = ']';
	buf[o] = '\0';
	return o;
}

/*
 * Checks that every id of areas (comma-separated) is a configured area.
 * Returns 0, or -1 with the first unknown one in bad.
 */
int
announce_check_areas(const struct config *conf, const char *areas,
    char *bad, size_t badsz)
{
	const char	*p = areas, *e;
	char		 id[CONF_ID_MAX];
	size_t		 n;

	while (*p != '\0') {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 0 || n >= sizeof(id)) {
			snprintf(bad, badsz, "%.*s", (int)n, p);
			return -1;
		}
		memcpy(id, p, n);
		id[n] = '\0';
		if (config_area(conf, id) == NULL) {
			copy_str(bad, badsz, id);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/*
 * ===================================================================
 * The feeder's work function
 * ===================================================================
 */

struct batch {
	struct store_txn		*txn;
	const struct config		*conf;
	const struct store_announcement	*a;
	char				 vi[ANNOUNCE_TEXT_MAX];
	char				 en[ANNOUNCE_TEXT_MAX];
	enum store_status		 st;
	int64_t				 queued;
	int64_t				 skipped;
	int64_t				 unreachable;
};

static void
queue_one(const struct store_announce_to *to, void *arg)
{
	struct batch		*b = arg;
	const struct channel	*ch;
	struct reply_msg	 m;
	int64_t			 id = 0;

	if (b->st != STORE_OK)
		return;
	if ((ch = subscribe_route(b->conf, to->channel)) == NULL) {
		b->unreachable++;
		b->st = store_announce_unreachable(b->txn, to->id);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.kind = REPLY_KIND_ANNOUNCEMENT;
	m.channel = ch->name;
	m.recipient = to->number;
	m.text = to->lang ? b->en : b->vi;
	m.priority = 1;
	if ((b->st = reply_queue(b->txn, b->conf, &m, &id)) != STORE_OK)
		return;
	if (id > 0)
		b->queued++;
	else
		b->skipped++;
	b->st = store_announce_queued(b->txn, to->id, id);
}

/*
 * Queues the next announce.batch pending recipients of announcement
 * f->id (struct announce_feed); marks it sent when none is left
 * (f->finished).  A work function for the store's writer.
 */
enum store_status
announce_feed_work(struct store_txn *txn, void *arg)
{
	struct announce_feed		*f = arg;
	struct store_announcement	 a;
	struct batch			*b;
	enum store_status		 st;

	f->queued = f->skipped = f->unreachable = 0;
	f->finished = 0;
	if ((st = store_announce_read(txn, f->id, &a)) != STORE_OK)
		return st;
	if (a.state != STORE_ANN_SENDING) {
		store_announce_clear(&a);
		f->finished = 1;
		return STORE_OK;
	}
	b = xcalloc(1, sizeof(*b));
	b->txn = txn;
	b->conf = f->conf;
	b->a = &a;
	announce_message(f->conf, &a, 0, b->vi, sizeof(b->vi));
	announce_message(f->conf, &a, 1, b->en, sizeof(b->en));
	st = store_announce_pending(txn, f->id, f->conf->announce_batch,
	    queue_one, b);
	if (st == STORE_OK)
		st = b->st;
	f->queued = b->queued;
	f->skipped = b->skipped;
	f->unreachable = b->unreachable;
	free(b);
	store_announce_clear(&a);
	if (st != STORE_OK)
		return st;
	return store_announce_finish(txn, f->id, clock_unix(), &f->finished);
}

/*
 * Fails the announcements' messages queued on a channel that cannot send
 * under f->conf (disabled or gone since they were queued, or the "ussd"
 * of an older version): the outbox goes through the channels that can,
 * and would keep them queued for ever.  f->queued gets how many.  A work
 * function for the store's writer.
 */
enum store_status
announce_stranded_work(struct store_txn *txn, void *arg)
{
	struct announce_feed	*f = arg;
	const struct config	*conf = f->conf;
	char			 json[CONF_CHANNELS_MAX * (CONF_ID_MAX + 3) + 3];
	size_t			 i, o = 0;

	json[o++] = '[';
	for (i = 0; i < conf->nchannels; i++) {
		if (!subscribe_can_send(&conf->channels[i]))
			continue;
		o += (size_t)snprintf(json + o, sizeof(json) - o, "%s\"%s\"",
		    o > 1 ? "," : "", conf->channels[i].name);
	}
	snprintf(json + o, sizeof(json) - o, "]");
	return store_announce_stranded(txn, json, clock_unix(), &f->queued);
}
