/*
 * test_outbox.c: the outbox on a real SQLite store: the store's outbox
 * row functions (claim, results, requeue, retry, delivery reports, the
 * dead count), the backoff, the mapping of delivery report words, the
 * parsing of each provider's answers, and the worker itself with a fake
 * driver (sent, retried, dead, failed, a busy driver, a channel without a
 * driver, the rate limit, a stop with sends in flight, a restart).
 *
 * Waits are bounded: a test that would hang fails instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"
#include "store/store.h"
#include "chan/modem.h"
#include "chan/outbox.h"
#include "chan/send_http.h"

#define WAIT_MSEC	10000	/* the longest any wait may take */

struct fixture {
	char		 dir[64];
	char		 db[128];
	struct store	*st;
	struct config	*conf;
};

/*
 * ===================================================================
 * Helpers
 * ===================================================================
 */

static void
msleep(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static struct config *
load_conf(struct fixture *f, const char *outbox, double rate)
{
	char		 path[192], err[CONF_ERR_MAX], *text;
	struct config	*c;
	size_t		 len;
	FILE		*fp = NULL;

	/* Included files are found next to the file. */
	snprintf(path, sizeof(path), "%s/categories.conf", f->dir);
	if ((text = read_small_file(SRCDIR "/conf/categories.conf", 1 << 20,
	    &len)) == NULL || (fp = fopen(path, "w")) == NULL)
		fail_msg("%s", path);
	fwrite(text, 1, len, fp);
	fclose(fp);
	free(text);
	snprintf(path, sizeof(path), "%s/t.conf", f->dir);
	if ((fp = fopen(path, "w")) == NULL)
		fail_msg("%s", path);
	fprintf(fp, "ward = { name = \"P7\"; };\n"
	    "storage = { path = \"%s\"; };\n"
	    "outbox = { %s };\n"
	    "channels = (\n"
	    " { name = \"fake\"; type = \"modem\"; device = \"/dev/null\";"
	    "   number = \"+84900000000\"; rate = %g; },\n"
	    " { name = \"bare\"; type = \"modem\"; device = \"/dev/null\"; }\n"
	    ");\n"
	    "@include \"categories.conf\"\n", f->db, outbox, rate);
	fclose(fp);
	if ((c = config_load(path, NULL, 0, err, sizeof(err))) == NULL)
		fail_msg("config_load: %s", err);
	return c;
}

static int
setup(void **state)
{
	struct fixture		*f = xcalloc(1, sizeof(*f));
	struct store_options	 o;
	char			 err[STORE_ERR_MAX];

	snprintf(f->dir, sizeof(f->dir), "/tmp/papigw-outbox-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/papigw.db", f->dir);
	memset(&o, 0, sizeof(o));
	o.path = f->db;
	if ((f->st = store_open(&o, err, sizeof(err))) == NULL)
		return -1;
	f->conf = load_conf(f, "max_attempts = 3; backoff_initial = 1; "
	    "backoff_max = 1; shutdown_wait = 0;", 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	struct dirent	*de;
	char		 p[512];
	DIR		*d;

	store_close(f->st);
	config_unref(f->conf);
	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

struct ins {
	const char	*channel;
	const char	*text;
	int64_t		 next_attempt;
	int64_t		 id;
	int		 priority;
};

static enum store_status
insert_work(struct store_txn *txn, void *arg)
{
	struct ins		*in = arg;
	struct store_outbox_new	 o;

	memset(&o, 0, sizeof(o));
	o.channel = in->channel;
	o.recipient = "+84901234567";
	o.text = in->text;
	o.encoding = "gsm7";
	o.segments = 1;
	o.state = STORE_OUTBOX_QUEUED;
	o.next_attempt = in->next_attempt;
	o.priority = in->priority;
	return store_outbox_insert(txn, &o, &in->id);
}

/* Queues a row of channel at priority; returns its id. */
static int64_t
insert_at(struct fixture *f, const char *channel, int64_t next_attempt,
    int priority)
{
	struct ins	in = { channel, "Xin cam on", next_attempt, 0,
			    priority };

	assert_int_equal(store_submit_wait(f->st, insert_work, &in),
	    STORE_OK);
	return in.id;
}

static int64_t
insert(struct fixture *f, const char *channel, int64_t next_attempt)
{
	return insert_at(f, channel, next_attempt,
	    STORE_OUTBOX_PRIORITY_REPLY);
}

struct claimw {
	const char		*channel;
	int			 limit;
	struct store_outbox	*rows;
	size_t			 n;
};

static enum store_status
claim_work(struct store_txn *txn, void *arg)
{
	struct claimw	*c = arg;

	return store_outbox_claim(txn, c->channel, (int64_t)time(NULL),
	    c->limit, &c->rows, &c->n);
}

/* Claims up to limit rows of channel; returns how many. */
static size_t
claim(struct fixture *f, const char *channel, int limit)
{
	struct claimw	c = { channel, limit, NULL, 0 };
	size_t		i, n;

	assert_int_equal(store_submit_wait(f->st, claim_work, &c), STORE_OK);
	for (i = 0; i < c.n; i++) {
		assert_int_equal(c.rows[i].state, STORE_OUTBOX_SENDING);
		store_outbox_clear(&c.rows[i]);
	}
	free(c.rows);
	n = c.n;
	return n;
}

struct resw {
	struct store_outbox_result	r;
	enum store_status		s;
};

static enum store_status
result_work(struct store_txn *txn, void *arg)
{
	struct resw	*w = arg;

	w->s = store_outbox_result(txn, &w->r);
	return w->s == STORE_NOTFOUND ? STORE_OK : w->s;
}

static enum store_status
result(struct fixture *f, const struct store_outbox_result *r)
{
	struct resw	w;

	w.r = *r;
	w.s = STORE_ERROR;
	assert_int_equal(store_submit_wait(f->st, result_work, &w), STORE_OK);
	return w.s;
}

static enum store_status
retry_work(struct store_txn *txn, void *arg)
{
	return store_outbox_retry(txn, *(int64_t *)arg);
}

static enum store_status
requeue_work(struct store_txn *txn, void *arg)
{
	return store_outbox_requeue(txn, INT64_MAX, arg);
}

static enum store_status
dlr_work(struct store_txn *txn, void *arg)
{
	return store_dlr_add(txn, arg);
}

static void
dlr(struct fixture *f, const char *pid, const char *status,
    enum store_outbox_state state)
{
	struct store_dlr	d;

	memset(&d, 0, sizeof(d));
	d.channel = "fake";
	d.provider_id = pid;
	d.status = status;
	d.state = state;
	assert_int_equal(store_submit_wait(f->st, dlr_work, &d), STORE_OK);
}

/* Row id's state (and attempts, dead), as committed. */
static enum store_outbox_state
row_state(struct fixture *f, int64_t id, int *attempts, int *dead)
{
	struct store_outbox	o;
	enum store_outbox_state	s;

	assert_int_equal(store_outbox_get(f->st, id, &o), STORE_OK);
	s = o.state;
	if (attempts != NULL)
		*attempts = o.attempts;
	if (dead != NULL)
		*dead = o.dead;
	store_outbox_clear(&o);
	return s;
}

/*
 * ===================================================================
 * The store's outbox rows
 * ===================================================================
 */

static void
test_claim(void **state)
{
	struct fixture	*f = *state;
	int64_t		 a, b, later, other, when = 0;
	int		 attempts;

	a = insert(f, "fake", 0);
	b = insert(f, "fake", 0);
	later = insert(f, "fake", (int64_t)time(NULL) + 3600);
	other = insert(f, "bare", 0);
	assert_int_equal(store_outbox_next_due(f->st, "fake", &when),
	    STORE_OK);
	assert_true(when <= (int64_t)time(NULL));
	assert_int_equal(store_outbox_next_due(f->st, "nosuch", &when),
	    STORE_NOTFOUND);

	/* The limit, then the rest; never the one not due yet. */
	assert_int_equal(claim(f, "fake", 1), 1);
	assert_int_equal(row_state(f, a, &attempts, NULL),
	    STORE_OUTBOX_SENDING);
	assert_int_equal(attempts, 1);
	assert_int_equal(row_state(f, b, NULL, NULL), STORE_OUTBOX_QUEUED);
	assert_int_equal(claim(f, "fake", 10), 1);
	assert_int_equal(row_state(f, b, NULL, NULL), STORE_OUTBOX_SENDING);
	assert_int_equal(claim(f, "fake", 10), 0);
	assert_int_equal(row_state(f, later, NULL, NULL),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(row_state(f, other, NULL, NULL),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(store_outbox_next_due(f->st, "fake", &when),
	    STORE_OK);
	assert_true(when > (int64_t)time(NULL) + 3000);
}

/* Bulk waits for the replies due on its channel, however old it is. */
static void
test_claim_priority(void **state)
{
	struct fixture	*f = *state;
	struct ins	 bad = { "fake", "x", 0, 0, 7 };
	int64_t		 bulk, reply, now = (int64_t)time(NULL), when = 0;

	bulk = insert_at(f, "fake", now - 60, STORE_OUTBOX_PRIORITY_BULK);
	reply = insert(f, "fake", 0);
	assert_int_equal(store_outbox_next_due(f->st, "fake", &when),
	    STORE_OK);
	assert_int_equal(when, now - 60);
	assert_int_equal(claim(f, "fake", 1), 1);
	assert_int_equal(row_state(f, reply, NULL, NULL),
	    STORE_OUTBOX_SENDING);
	assert_int_equal(row_state(f, bulk, NULL, NULL), STORE_OUTBOX_QUEUED);
	assert_int_equal(claim(f, "fake", 1), 1);
	assert_int_equal(row_state(f, bulk, NULL, NULL), STORE_OUTBOX_SENDING);
	/* No other priority. */
	assert_int_equal(store_submit_wait(f->st, insert_work, &bad),
	    STORE_INVALID);
}

static void
test_results(void **state)
{
	struct fixture			*f = *state;
	struct store_outbox_result	 r;
	struct store_outbox		 o;
	struct store_message		 m;
	int64_t				 ok, again, dead, perm, n = -1;
	int				 attempts, isdead;

	ok = insert(f, "fake", 0);
	again = insert(f, "fake", 0);
	dead = insert(f, "fake", 0);
	perm = insert(f, "fake", 0);
	assert_int_equal(claim(f, "fake", 10), 4);

	memset(&r, 0, sizeof(r));
	r.id = ok;
	r.state = STORE_OUTBOX_SENT;
	r.channel = "fake";
	r.provider_id = "SM123";
	r.sender = "+84900000000";
	assert_int_equal(result(f, &r), STORE_OK);
	assert_int_equal(store_outbox_get(f->st, ok, &o), STORE_OK);
	assert_int_equal(o.state, STORE_OUTBOX_SENT);
	assert_string_equal(o.provider_id, "SM123");
	store_outbox_clear(&o);
	/* The outbound row: the message as sent, linked to its row. */
	assert_int_equal(store_outbound_get(f->st, 1, &m), STORE_OK);
	assert_int_equal(m.outbox_id, ok);
	assert_string_equal(m.sender, "+84900000000");
	assert_string_equal(m.recipient, "+84901234567");
	assert_string_equal(m.text, "Xin cam on");
	assert_string_equal(m.provider_id, "SM123");
	assert_true(m.sent > 0);
	store_message_clear(&m);
	/* A second report on the same row changes nothing. */
	r.provider_id = "SM999";
	assert_int_equal(result(f, &r), STORE_NOTFOUND);

	memset(&r, 0, sizeof(r));
	r.id = again;
	r.state = STORE_OUTBOX_QUEUED;
	r.error = "HTTP 500";
	r.next_attempt = (int64_t)time(NULL) + 100;
	assert_int_equal(result(f, &r), STORE_OK);
	assert_int_equal(store_outbox_get(f->st, again, &o), STORE_OK);
	assert_int_equal(o.state, STORE_OUTBOX_QUEUED);
	assert_int_equal(o.attempts, 1);
	assert_int_equal(o.next_attempt, r.next_attempt);
	assert_string_equal(o.last_error, "HTTP 500");
	store_outbox_clear(&o);

	memset(&r, 0, sizeof(r));
	r.id = dead;
	r.state = STORE_OUTBOX_FAILED;
	r.dead = 1;
	r.error = "timeout";
	assert_int_equal(result(f, &r), STORE_OK);
	r.id = perm;
	r.dead = 0;
	r.error = "code 21211";
	assert_int_equal(result(f, &r), STORE_OK);
	assert_int_equal(row_state(f, dead, NULL, &isdead),
	    STORE_OUTBOX_FAILED);
	assert_int_equal(isdead, 1);
	assert_int_equal(row_state(f, perm, NULL, &isdead),
	    STORE_OUTBOX_FAILED);
	assert_int_equal(isdead, 0);
	assert_int_equal(store_outbox_dead(f->st, &n), STORE_OK);
	assert_int_equal(n, 1);

	/* A refunded attempt (the driver was busy) is not counted. */
	assert_int_equal(claim(f, "fake", 10), 0);	/* again: not due */
	memset(&r, 0, sizeof(r));
	ok = insert(f, "fake", 0);
	assert_int_equal(claim(f, "fake", 10), 1);
	r.id = ok;
	r.state = STORE_OUTBOX_QUEUED;
	r.refund = 1;
	assert_int_equal(result(f, &r), STORE_OK);
	assert_int_equal(row_state(f, ok, &attempts, NULL),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(attempts, 0);
	(void)perm;
}

static void
test_retry_requeue(void **state)
{
	struct fixture			*f = *state;
	struct store_outbox_result	 r;
	int64_t				 a, b, c, n = 0, none = 9999;
	int				 attempts, dead;

	a = insert(f, "fake", 0);
	b = insert(f, "fake", 0);
	c = insert(f, "fake", 0);
	assert_int_equal(claim(f, "fake", 10), 3);
	memset(&r, 0, sizeof(r));
	r.id = a;
	r.state = STORE_OUTBOX_FAILED;
	r.dead = 1;
	r.error = "gave up";
	assert_int_equal(result(f, &r), STORE_OK);

	/* A failed row is queued again, its attempts and dead flag reset. */
	assert_int_equal(store_submit_wait(f->st, retry_work, &a), STORE_OK);
	assert_int_equal(row_state(f, a, &attempts, &dead),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(attempts, 0);
	assert_int_equal(dead, 0);
	/* Not failed: refused; no such row: not found. */
	assert_int_equal(store_submit_wait(f->st, retry_work, &b),
	    STORE_INVALID);
	assert_int_equal(store_submit_wait(f->st, retry_work, &none),
	    STORE_NOTFOUND);

	/* Rows left "sending" (a crash) are queued again, attempts kept. */
	assert_int_equal(store_submit_wait(f->st, requeue_work, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(row_state(f, b, &attempts, NULL),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(attempts, 1);
	assert_int_equal(row_state(f, c, NULL, NULL), STORE_OUTBOX_QUEUED);
	assert_int_equal(claim(f, "fake", 10), 3);
}

static void
test_dlr(void **state)
{
	struct fixture			*f = *state;
	struct store_outbox_result	 r;
	struct store_outbox		 o;
	int64_t				 a, b, c;

	a = insert(f, "fake", 0);
	b = insert(f, "fake", 0);
	c = insert(f, "fake", 0);
	assert_int_equal(claim(f, "fake", 10), 3);
	memset(&r, 0, sizeof(r));
	r.state = STORE_OUTBOX_SENT;
	r.channel = "fake";
	r.id = a;
	r.provider_id = "P-A";
	assert_int_equal(result(f, &r), STORE_OK);
	r.id = b;
	r.provider_id = "P-B";
	assert_int_equal(result(f, &r), STORE_OK);

	/* An intermediate report changes nothing, a final one does. */
	dlr(f, "P-A", "sent", STORE_OUTBOX_QUEUED);
	assert_int_equal(row_state(f, a, NULL, NULL), STORE_OUTBOX_SENT);
	dlr(f, "P-A", "delivered", STORE_OUTBOX_DELIVERED);
	assert_int_equal(row_state(f, a, NULL, NULL), STORE_OUTBOX_DELIVERED);
	dlr(f, "P-B", "undelivered", STORE_OUTBOX_FAILED);
	assert_int_equal(store_outbox_get(f->st, b, &o), STORE_OK);
	assert_int_equal(o.state, STORE_OUTBOX_FAILED);
	assert_string_equal(o.last_error, "delivery report: undelivered");
	store_outbox_clear(&o);
	/* A report for an unknown id is only kept. */
	dlr(f, "P-none", "delivered", STORE_OUTBOX_DELIVERED);

	/* A report that came before the send was recorded. */
	dlr(f, "P-C", "delivered", STORE_OUTBOX_DELIVERED);
	assert_int_equal(row_state(f, c, NULL, NULL), STORE_OUTBOX_SENDING);
	r.id = c;
	r.provider_id = "P-C";
	assert_int_equal(result(f, &r), STORE_OK);
	assert_int_equal(row_state(f, c, NULL, NULL), STORE_OUTBOX_DELIVERED);
}

/*
 * ===================================================================
 * Pure parts
 * ===================================================================
 */

static void
test_backoff(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_conf(f, "backoff_initial = 10; backoff_max = 100;", 0);
	/* Attempt 1 failed: 10 s, jittered between 5 and 10. */
	assert_int_equal(outbox_backoff(c, 1, 0), 5);
	assert_int_equal(outbox_backoff(c, 1, 0.999), 10);
	/* Doubling: 20, 40, 80, then the maximum. */
	assert_int_equal(outbox_backoff(c, 2, 0.999), 20);
	assert_int_equal(outbox_backoff(c, 4, 0), 40);
	assert_int_equal(outbox_backoff(c, 5, 0.999), 100);
	assert_int_equal(outbox_backoff(c, 60, 0.999), 100);
	assert_int_equal(outbox_backoff(c, 60, 0), 50);
	config_unref(c);
	/* Never under a second. */
	assert_int_equal(outbox_backoff(f->conf, 1, 0), 1);
}

static void
test_dlr_words(void **state)
{
	(void)state;
	assert_int_equal(outbox_dlr_state(CHANNEL_TWILIO, "delivered"),
	    STORE_OUTBOX_DELIVERED);
	assert_int_equal(outbox_dlr_state(CHANNEL_TWILIO, "undelivered"),
	    STORE_OUTBOX_FAILED);
	assert_int_equal(outbox_dlr_state(CHANNEL_TWILIO, "failed"),
	    STORE_OUTBOX_FAILED);
	assert_int_equal(outbox_dlr_state(CHANNEL_TWILIO, "sent"),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(outbox_dlr_state(CHANNEL_AFRICASTALKING, "Success"),
	    STORE_OUTBOX_DELIVERED);
	assert_int_equal(outbox_dlr_state(CHANNEL_AFRICASTALKING, "Rejected"),
	    STORE_OUTBOX_FAILED);
	assert_int_equal(outbox_dlr_state(CHANNEL_AFRICASTALKING, "Buffered"),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(outbox_dlr_state(CHANNEL_VONAGE, "expired"),
	    STORE_OUTBOX_FAILED);
	assert_int_equal(outbox_dlr_state(CHANNEL_VONAGE, "accepted"),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(outbox_dlr_state(CHANNEL_GENERIC, "1"),
	    STORE_OUTBOX_DELIVERED);
	assert_int_equal(outbox_dlr_state(CHANNEL_GENERIC, "16"),
	    STORE_OUTBOX_FAILED);
	assert_int_equal(outbox_dlr_state(CHANNEL_GENERIC, "8"),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(outbox_dlr_state(CHANNEL_GENERIC, NULL),
	    STORE_OUTBOX_QUEUED);
}

static enum send_result
parse(enum channel_type t, long status, const char *body, char *id)
{
	char	err[256];

	return send_http_parse(t, status, body, strlen(body), id, 64, err,
	    sizeof(err));
}

static void
test_parse(void **state)
{
	char	id[64], err[256];

	(void)state;
	/* Twilio. */
	assert_int_equal(parse(CHANNEL_TWILIO, 201, "{\"sid\":\"SMabc\","
	    "\"status\":\"queued\"}", id), SEND_OK);
	assert_string_equal(id, "SMabc");
	assert_int_equal(parse(CHANNEL_TWILIO, 400, "{\"code\":21211,"
	    "\"message\":\"bad To\",\"status\":400}", id), SEND_PERMANENT);
	assert_int_equal(parse(CHANNEL_TWILIO, 400, "{\"code\":21610}", id),
	    SEND_PERMANENT);
	assert_int_equal(parse(CHANNEL_TWILIO, 400, "{\"code\":21614}", id),
	    SEND_PERMANENT);
	assert_int_equal(parse(CHANNEL_TWILIO, 429, "{\"code\":20429}", id),
	    SEND_RETRY);
	assert_int_equal(parse(CHANNEL_TWILIO, 400, "{\"code\":20429}", id),
	    SEND_RETRY);
	assert_int_equal(parse(CHANNEL_TWILIO, 503, "<html>", id),
	    SEND_RETRY);
	assert_int_equal(send_http_parse(CHANNEL_TWILIO, 400,
	    "{\"code\":21211,\"message\":\"bad To\"}", 33, id, sizeof(id),
	    err, sizeof(err)), SEND_PERMANENT);
	assert_non_null(strstr(err, "21211"));

	/* Africa's Talking. */
	assert_int_equal(parse(CHANNEL_AFRICASTALKING, 201,
	    "{\"SMSMessageData\":{\"Message\":\"Sent to 1/1\",\"Recipients\":"
	    "[{\"statusCode\":101,\"number\":\"+84901\",\"status\":"
	    "\"Success\",\"messageId\":\"ATXid_1\"}]}}", id), SEND_OK);
	assert_string_equal(id, "ATXid_1");
	assert_int_equal(parse(CHANNEL_AFRICASTALKING, 201,
	    "{\"SMSMessageData\":{\"Recipients\":[{\"statusCode\":406,"
	    "\"status\":\"UserInBlacklist\"}]}}", id), SEND_PERMANENT);
	assert_int_equal(parse(CHANNEL_AFRICASTALKING, 201,
	    "{\"SMSMessageData\":{\"Recipients\":[{\"statusCode\":500,"
	    "\"status\":\"InternalServerError\"}]}}", id), SEND_RETRY);
	assert_int_equal(parse(CHANNEL_AFRICASTALKING, 500, "oops", id),
	    SEND_RETRY);
	assert_int_equal(parse(CHANNEL_AFRICASTALKING, 201, "not json", id),
	    SEND_RETRY);

	/* Vonage. */
	assert_int_equal(parse(CHANNEL_VONAGE, 200, "{\"message-count\":"
	    "\"1\",\"messages\":[{\"status\":\"0\",\"message-id\":"
	    "\"0B0000\"}]}", id), SEND_OK);
	assert_string_equal(id, "0B0000");
	assert_int_equal(parse(CHANNEL_VONAGE, 200, "{\"messages\":[{"
	    "\"status\":\"1\",\"error-text\":\"Throttled\"}]}", id),
	    SEND_RETRY);
	assert_int_equal(parse(CHANNEL_VONAGE, 200, "{\"messages\":[{"
	    "\"status\":\"0\"},{\"status\":\"6\",\"error-text\":"
	    "\"Unroutable\"}]}", id), SEND_PERMANENT);
	assert_int_equal(parse(CHANNEL_VONAGE, 502, "", id), SEND_RETRY);

	/* Kannel. */
	assert_int_equal(parse(CHANNEL_GENERIC, 202,
	    "0: Accepted for delivery", id), SEND_OK);
	assert_int_equal(parse(CHANNEL_GENERIC, 403, "Authorization failed",
	    id), SEND_PERMANENT);
	assert_int_equal(parse(CHANNEL_GENERIC, 503, "Temporary failure",
	    id), SEND_RETRY);
}

static void
test_dlr_url(void **state)
{
	char	buf[128];

	(void)state;
	assert_int_equal(send_http_dlr_url("https://gw.example.org:8443/sms/"
	    "twilio?x=1", "tw", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "https://gw.example.org:8443/dlr/tw");
	assert_int_equal(send_http_dlr_url("http://127.0.0.1:8080", "gen",
	    buf, sizeof(buf)), 0);
	assert_string_equal(buf, "http://127.0.0.1:8080/dlr/gen");
	assert_int_equal(send_http_dlr_url("", "gen", buf, sizeof(buf)), -1);
	assert_int_equal(send_http_dlr_url("ftp://x/y", "gen", buf,
	    sizeof(buf)), -1);
	assert_int_equal(send_http_dlr_url("http://a.very.long.host/", "gen",
	    buf, 10), -1);
}

/*
 * ===================================================================
 * The worker with a fake driver
 * ===================================================================
 */

/* The fake driver: records what it was given; busy says -1. */
struct fake {
	pthread_mutex_t	 lock;
	int64_t		 ids[256];
	int		 attempts[256];
	size_t		 n;
	int		 busy;
};

static int
fake_send(void *ctx, const struct outbox_msg *m)
{
	struct fake	*fk = ctx;

	pthread_mutex_lock(&fk->lock);
	if (fk->busy || fk->n == 256) {
		pthread_mutex_unlock(&fk->lock);
		return -1;
	}
	assert_string_equal(m->channel->name, "fake");
	assert_string_equal(m->recipient, "+84901234567");
	fk->attempts[fk->n] = m->attempts;
	fk->ids[fk->n++] = m->id;
	pthread_mutex_unlock(&fk->lock);
	return 0;
}

/* Waits until the fake driver was given n rows; returns whether. */
static int
fake_wait(struct fake *fk, size_t n)
{
	int	i;
	size_t	have = 0;

	for (i = 0; i < WAIT_MSEC / 10; i++) {
		pthread_mutex_lock(&fk->lock);
		have = fk->n;
		pthread_mutex_unlock(&fk->lock);
		if (have >= n)
			return 1;
		msleep(10);
	}
	return 0;
}

/* Waits until row id is in state; returns whether. */
static int
state_wait(struct fixture *f, int64_t id, enum store_outbox_state s)
{
	int	i;

	for (i = 0; i < WAIT_MSEC / 10; i++) {
		if (row_state(f, id, NULL, NULL) == s)
			return 1;
		msleep(10);
	}
	return 0;
}

static struct outbox *
start(struct fixture *f, struct fake *fk)
{
	struct outbox_driver	 drv = { "fake", fake_send, fk, NULL };
	struct outbox		*ob;
	char			 err[256];

	if ((ob = outbox_start(f->st, f->conf, err, sizeof(err))) == NULL)
		fail_msg("outbox_start: %s", err);
	if (fk != NULL)
		assert_int_equal(outbox_register(ob, "fake", &drv), 0);
	return ob;
}

static void
test_worker(void **state)
{
	struct fixture	*f = *state;
	struct fake	 fk;
	struct outbox	*ob;
	int64_t		 a, b, c, bare;
	int		 attempts, dead;

	memset(&fk, 0, sizeof(fk));
	pthread_mutex_init(&fk.lock, NULL);
	ob = start(f, &fk);
	a = insert(f, "fake", 0);
	b = insert(f, "fake", 0);
	c = insert(f, "fake", 0);
	bare = insert(f, "bare", 0);
	assert_true(fake_wait(&fk, 3));
	assert_int_equal(row_state(f, a, NULL, NULL), STORE_OUTBOX_SENDING);

	outbox_sent(ob, a, SEND_OK, "ID-A", NULL);
	outbox_sent(ob, b, SEND_PERMANENT, NULL, "code 21211");
	outbox_sent(ob, c, SEND_RETRY, NULL, "HTTP 500");
	/* A report on a row that is not in flight is ignored. */
	outbox_sent(ob, a, SEND_OK, "ID-A2", NULL);
	assert_true(state_wait(f, a, STORE_OUTBOX_SENT));
	assert_true(state_wait(f, b, STORE_OUTBOX_FAILED));
	assert_int_equal(row_state(f, b, NULL, &dead), STORE_OUTBOX_FAILED);
	assert_int_equal(dead, 0);

	/* c comes back after its backoff (1 s), attempt 2, then 3: dead. */
	assert_true(fake_wait(&fk, 4));
	assert_int_equal(fk.ids[3], c);
	assert_int_equal(fk.attempts[3], 1);
	outbox_sent(ob, c, SEND_RETRY, NULL, "timeout");
	assert_true(fake_wait(&fk, 5));
	assert_int_equal(fk.attempts[4], 2);
	outbox_sent(ob, c, SEND_RETRY, NULL, "timeout");
	assert_true(state_wait(f, c, STORE_OUTBOX_FAILED));
	assert_int_equal(row_state(f, c, &attempts, &dead),
	    STORE_OUTBOX_FAILED);
	assert_int_equal(attempts, 3);
	assert_int_equal(dead, 1);

	/* The channel without a driver keeps its row queued. */
	assert_int_equal(row_state(f, bare, &attempts, NULL),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(attempts, 0);
	outbox_stop(ob);
	outbox_free(ob);
	pthread_mutex_destroy(&fk.lock);
}

static void
test_worker_busy_and_stop(void **state)
{
	struct fixture	*f = *state;
	struct fake	 fk;
	struct outbox	*ob;
	int64_t		 a, b;
	int		 attempts;

	memset(&fk, 0, sizeof(fk));
	pthread_mutex_init(&fk.lock, NULL);
	fk.busy = 1;
	ob = start(f, &fk);
	a = insert(f, "fake", 0);
	/* A busy driver: the row goes back, its attempt not counted. */
	msleep(300);
	assert_int_equal(row_state(f, a, &attempts, NULL),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(attempts, 0);
	pthread_mutex_lock(&fk.lock);
	fk.busy = 0;
	pthread_mutex_unlock(&fk.lock);
	assert_true(fake_wait(&fk, 1));
	b = insert(f, "fake", 0);
	assert_true(fake_wait(&fk, 2));
	outbox_sent(ob, a, SEND_OK, "ID-A", NULL);
	assert_true(state_wait(f, a, STORE_OUTBOX_SENT));

	/* Stopped with b in flight: b is queued again, counted. */
	outbox_stop(ob);
	outbox_sent(ob, b, SEND_OK, "late", NULL);	/* ignored */
	assert_int_equal(row_state(f, b, &attempts, NULL),
	    STORE_OUTBOX_QUEUED);
	assert_int_equal(attempts, 1);
	outbox_free(ob);

	/* A restart sends it again. */
	memset(fk.ids, 0, sizeof(fk.ids));
	fk.n = 0;
	ob = start(f, &fk);
	assert_true(fake_wait(&fk, 1));
	assert_int_equal(fk.ids[0], b);
	assert_int_equal(fk.attempts[0], 1);
	outbox_sent(ob, b, SEND_OK, "ID-B", NULL);
	assert_true(state_wait(f, b, STORE_OUTBOX_SENT));
	outbox_stop(ob);
	outbox_free(ob);
	pthread_mutex_destroy(&fk.lock);
}

static void
test_worker_rate(void **state)
{
	struct fixture	*f = *state;
	struct fake	 fk;
	struct outbox	*ob;
	struct timespec	 t0, t1;
	double		 secs;
	size_t		 i;

	config_unref(f->conf);
	f->conf = load_conf(f, "shutdown_wait = 0;", 4);
	memset(&fk, 0, sizeof(fk));
	pthread_mutex_init(&fk.lock, NULL);
	for (i = 0; i < 10; i++)
		insert(f, "fake", 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ob = start(f, &fk);
	assert_true(fake_wait(&fk, 10));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* 4 at once (the bucket), then 4 a second: 6 more take 1.5 s. */
	assert_true(secs >= 1.3);
	assert_true(secs < 5);
	for (i = 0; i < 10; i++)
		outbox_sent(ob, fk.ids[i], SEND_OK, NULL, NULL);
	outbox_stop(ob);
	outbox_free(ob);
	pthread_mutex_destroy(&fk.lock);
}

/* insert_work(), then a failure: the item is rolled back. */
static enum store_status
insert_fail_work(struct store_txn *txn, void *arg)
{
	enum store_status	s;

	if ((s = insert_work(txn, arg)) != STORE_OK)
		return s;
	return STORE_INVALID;
}

/*
 * A reply due now on a channel with a driver is handed over by the
 * store's writer: committed "sending", its attempt counted, with no claim
 * (before the item's caller hears of the commit); one rolled back with
 * its item never reaches the driver; what the worker still holds at a
 * stop (here: beyond the rate limit) is queued again, never attempted.
 */
static void
test_worker_direct(void **state)
{
	struct fixture	*f = *state;
	struct ins	 in = { "fake", "Xin cam on", 0, 0,
			    STORE_OUTBOX_PRIORITY_REPLY };
	struct store_stats s0, s1;
	struct fake	 fk;
	struct outbox	*ob;
	int64_t		 a, ids[10];
	size_t		 i, sent = 0, held = 0;
	int		 attempts, j;

	memset(&fk, 0, sizeof(fk));
	pthread_mutex_init(&fk.lock, NULL);
	ob = start(f, &fk);
	msleep(300);		/* its first look at the queue */
	store_stats(f->st, &s0);
	a = insert(f, "fake", 0);
	assert_true(fake_wait(&fk, 1));
	assert_int_equal(fk.ids[0], a);
	assert_int_equal(fk.attempts[0], 0);
	assert_int_equal(row_state(f, a, &attempts, NULL),
	    STORE_OUTBOX_SENDING);
	assert_int_equal(attempts, 1);
	outbox_sent(ob, a, SEND_OK, "ID-A", NULL);
	assert_true(state_wait(f, a, STORE_OUTBOX_SENT));
	/* Two transactions: the insert and the result; no claim. */
	msleep(300);
	store_stats(f->st, &s1);
	assert_int_equal(s1.items - s0.items, 2);

	assert_int_equal(store_submit_wait(f->st, insert_fail_work, &in),
	    STORE_INVALID);
	msleep(200);
	pthread_mutex_lock(&fk.lock);
	assert_int_equal(fk.n, 1);
	pthread_mutex_unlock(&fk.lock);
	outbox_stop(ob);
	outbox_free(ob);

	/* 4 a second: of ten, four go at once, the rest wait. */
	config_unref(f->conf);
	f->conf = load_conf(f, "shutdown_wait = 0;", 4);
	memset(fk.ids, 0, sizeof(fk.ids));
	fk.n = 0;
	ob = start(f, &fk);
	for (i = 0; i < 10; i++)
		ids[i] = insert(f, "fake", 0);
	assert_true(fake_wait(&fk, 4));
	outbox_stop(ob);
	for (i = 0; i < 10; i++) {
		for (j = 0; j < (int)fk.n && fk.ids[j] != ids[i]; j++)
			;
		if (j < (int)fk.n) {
			/* In flight at the stop: queued again, counted. */
			assert_int_equal(row_state(f, ids[i], &attempts,
			    NULL), STORE_OUTBOX_QUEUED);
			assert_int_equal(attempts, 1);
			sent++;
		} else {
			assert_int_equal(row_state(f, ids[i], &attempts,
			    NULL), STORE_OUTBOX_QUEUED);
			assert_int_equal(attempts, 0);
			held++;
		}
	}
	assert_true(sent >= 4 && held > 0);
	outbox_free(ob);
	pthread_mutex_destroy(&fk.lock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_priority, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_requeue, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dlr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
		cmocka_unit_test(test_dlr_words),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_dlr_url),
		cmocka_unit_test_setup_teardown(test_worker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worker_busy_and_stop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_worker_rate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_worker_direct, setup,
		    teardown),
	};

	log_init(1, LOG_LVL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
