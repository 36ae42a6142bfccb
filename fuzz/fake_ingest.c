/*
 * fake_ingest.c: core/ingest.h's submissions for the handlers' fuzz
 * targets: what a handler hands over is checked (strings present, NUL
 * terminated, within their lengths: a read past them is a sanitizer
 * report) and answered at once, as the store would after a commit, with
 * fuzz_status.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/ingest.h"

extern enum store_status fuzz_status;

/* Where the bytes read go, so that reading them is not optimised away. */
static volatile size_t	sink;

/* Touches every byte of s, so that a sanitizer sees a bad string. */
static size_t
touch(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

int
ingest_submit(struct ingest *ig, struct config *conf,
    const struct inbound *in, ingest_done_fn done, void *arg)
{
	struct ingest_result	res;
	size_t			i;

	(void)ig;
	(void)conf;
	if (in->channel == NULL || in->sender == NULL || in->text == NULL)
		abort();
	sink += touch(in->channel) + touch(in->provider_id) + touch(in->sender) +
	    touch(in->recipient) + touch(in->encoding) + touch(in->category);
	for (i = 0; i < in->textlen; i++)
		sink += (unsigned char)in->text[i];
	memset(&res, 0, sizeof(res));
	res.status = fuzz_status;
	res.created = fuzz_status == STORE_OK;
	res.duplicate = fuzz_status == STORE_DUPLICATE;
	res.category = "security";
	res.case_id = res.ref_number = 1;
	res.message_id = 1;
	done(&res, arg);
	return 0;
}

int
ingest_part_submit(struct ingest *ig, const struct store_part *p,
    store_done_fn done, void *arg)
{
	size_t			i;

	(void)ig;
	if (p->channel == NULL || p->sender == NULL || p->text == NULL ||
	    p->ref == NULL || p->seq < 1 || p->seq > p->total)
		abort();
	sink += touch(p->provider_id) + touch(p->recipient) + touch(p->ref);
	for (i = 0; i < p->textlen; i++)
		sink += (unsigned char)p->text[i];
	done(fuzz_status, arg);
	return 0;
}

void
ingest_parts_kick(struct ingest *ig)
{
	(void)ig;
}

int
ingest_dlr_submit(struct ingest *ig, const struct store_dlr *d,
    store_done_fn done, void *arg)
{

	(void)ig;
	if (d->channel == NULL || d->provider_id == NULL || d->status == NULL)
		abort();
	sink += touch(d->error);
	done(fuzz_status, arg);
	return 0;
}
