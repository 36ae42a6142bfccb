/*
 * audit_chain.c: the store's audit log, a hash chain.
 *
 * Each entry carries the hash of the one before (prev_hash; 64 zeros for
 * the first) and its own hash: the lowercase hex SHA-256 of six
 * netstrings, "<length>:<bytes>," each, in this order: prev_hash, at in
 * decimal, actor, action, case_id in decimal, detail.  A case_id of 0
 * (NULL) and a NULL detail are empty strings.  Changing, inserting or
 * removing an entry breaks the chain from there on; removing the newest
 * entries is only seen against a copy of the last hash (the audit_head
 * table).  Since schema 19 an entry stores only the first
 * STORE_AUDIT_LINK hex digits of prev_hash (the first entry of a log all
 * 64): the rest is the entry before's hash, which its MAC covers whole;
 * a reader gets the whole of it back (store_audit_fill()) when those
 * digits are the entry before's, else the digits alone, which follow
 * nothing.
 *
 * Since schema 27 the two columns hold the bytes those hex digits stand
 * for (32 of a hash, 4 of a link), half the room; the entries from before
 * keep their hex digits, and a log may hold both.  Everything above the
 * columns, the MAC's input included, is in hex as ever: a blob is read
 * back as its lowercase hex digits, text as it is (store_audit_fill()).
 *
 * The writer keeps the end of the chain (struct store_audit_end), read
 * from the database at a batch's first entry: an entry is one INSERT,
 * without reading the last hash back, and the engine sets audit_head
 * once per committed batch (store_audit_batch_end()); an item rolled
 * back takes its entries' end back with it (engine.c).  On PostgreSQL
 * the entries wait in the writer's memory until the batch's end, where
 * they are hashed and inserted under the chain's lock (audit_sql_pg).
 *
 * A keyed log (the daemon's audit.key_file) stores an HMAC-SHA256 of the
 * same six netstrings with that key instead: someone who can write the
 * database but not read the key cannot make an entry that verifies, so
 * an edit, a removal in the middle or an append shows even after a
 * re-chain.  The first keyed entry is the seal (action "audit.keyed",
 * store_audit_seal()): the entries before it are from before keying and
 * keep their plain SHA-256, and since the seal's MAC covers the hash of
 * the last of them, they cannot be rewritten either.  What the database
 * cannot show by itself (its newest entries removed, or all of them) is
 * checked against the checkpoints the daemon writes outside it
 * (core/audit.c).
 *
 * Every change of a case, a message filed or a sender quarantined
 * appends an entry with store_audit_append(), inside the work function
 * that made the change.  papictl audit lists the entries and verifies the
 * chain with store_audit_hash() through query.c; the tests read entries
 * back with store_audit_get().
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "store/engine.h"
#include "store/store_priv.h"

enum {
	ST_AUDIT_LOCK,
	ST_AUDIT_LAST,
	ST_AUDIT_INSERT,
	ST_AUDIT_GET,
	ST_AUDIT_SEALED,
	ST_AUDIT_COUNT,
	ST_AUDIT_HEAD,
	ST_AUDIT_HEAD_SET,
	ST_MAX
};

static const char *const audit_sql[ST_MAX] = {
	[ST_AUDIT_LOCK] = "SELECT 1",	/* the writer holds SQLite's lock */
	[ST_AUDIT_LAST] = "SELECT id, hash FROM audit ORDER BY id DESC "
	    "LIMIT 1",
	[ST_AUDIT_INSERT] = "INSERT INTO audit (at, actor, action, case_id, "
	    "detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_AUDIT_GET] = "SELECT " STORE_AUDIT_COLUMNS("a.") " FROM audit a "
	    "WHERE a.id = ?1",
	[ST_AUDIT_SEALED] = "SELECT id, 0 FROM audit WHERE action = '"
	    STORE_AUDIT_SEAL "' ORDER BY id LIMIT 1",
	[ST_AUDIT_COUNT] = "SELECT count(*), coalesce(max(id), 0) FROM audit",
	[ST_AUDIT_HEAD] = "SELECT " STORE_AUDIT_COLUMNS("a.") ", h.entries "
	    "FROM audit_head h JOIN audit a ON a.id = h.last_id "
	    "WHERE h.id = 1",
	[ST_AUDIT_HEAD_SET] = "UPDATE audit_head SET last_id = ?1, "
	    "entries = entries + ?2, hash = ?3 WHERE id = 1",
};

/*
 * On PostgreSQL several gateways may append at once: the chain's end is
 * read under a lock that their transactions take in turn, held until
 * COMMIT, so that each batch goes on from the other's last entry.  A
 * batch takes it at its end, for its entries alone (store_audit_append()
 * queues them until then): the rest of one gateway's batch does not wait
 * for the other's.
 */
static const char *const audit_sql_pg[ST_MAX] = {
	[ST_AUDIT_LOCK] = "SELECT pg_advisory_xact_lock(7240002)",
};

const struct store_family store_audit_family = {
	STORE_FAM_AUDIT, ST_MAX, audit_sql, audit_sql_pg
};

/*
 * A hash column read back as hex digits into out (outsz bytes): a blob's
 * bytes in lowercase hex, text (an entry from before schema 27) as it
 * is, NULL as "".  A blob too long for a hash reads as "-", which no hash
 * is.
 */
static void
col_hex(struct db_stmt *s, int i, char *out, size_t outsz)
{
	static const char	 digits[] = "0123456789abcdef";
	const unsigned char	*b;
	const char		*t;
	size_t			 n, k;

	out[0] = '\0';
	switch (db_column_type(s, i)) {
	case DB_BLOB:
		b = db_column_blob(s, i);
		n = db_column_bytes(s, i);
		if (2 * n + 1 > outsz) {
			copy_str(out, outsz, "-");
			break;
		}
		for (k = 0; k < n; k++) {
			out[2 * k] = digits[b[k] >> 4];
			out[2 * k + 1] = digits[b[k] & 0xf];
		}
		out[2 * n] = '\0';
		break;
	case DB_NULL:
		break;
	default:
		if ((t = db_column_text(s, i)) != NULL)
			copy_str(out, outsz, t);
		break;
	}
}

/*
 * Binds hex, the first len digits of it, as the bytes they stand for
 * when they are lowercase hex digits, as the entries of this schema
 * store them; else (an entry before it that is not) as the text.  b
 * holds the bytes, and hex the text, until the statement has run.
 */
static void
bind_hex(struct db_stmt *s, int i, const char *hex, size_t len,
    unsigned char b[STORE_HASH_HEX / 2])
{
	if (len / 2 <= STORE_HASH_HEX / 2 && strlen(hex) >= len &&
	    hex_decode(hex, len, b, 1) == 0)
		db_bind_blob(s, i, b, len / 2);
	else
		db_bind_textn(s, i, hex, strnlen(hex, len));
}

/* One netstring of v ("" for NULL) into sb: "<length>:<bytes>,". */
static void
add_field(struct strbuf *sb, const char *v)
{
	char	num[24];
	size_t	len, n = sizeof(num);

	if (v == NULL)
		v = "";
	len = strlen(v);
	do {
		num[--n] = (char)('0' + len % 10);
		len /= 10;
	} while (len > 0);
	strbuf_add(sb, num + n, sizeof(num) - n);
	strbuf_addc(sb, ':');
	strbuf_adds(sb, v);
	strbuf_addc(sb, ',');
}

/* An int64 in decimal into buf ("" for 0 when zero_empty). */
static const char *
decimal(int64_t v, int zero_empty, char buf[24])
{
	if (v == 0 && zero_empty)
		buf[0] = '\0';
	else
		snprintf(buf, 24, "%" PRId64, v);
	return buf;
}

/* The six netstrings of entry a that its hash covers, into sb. */
static void
mac_input(struct strbuf *sb, const struct store_audit *a)
{
	char	t[24], c[24];

	add_field(sb, a->prev_hash);
	add_field(sb, decimal(a->at, 0, t));
	add_field(sb, a->actor);
	add_field(sb, a->action);
	add_field(sb, decimal(a->case_id, 1, c));
	add_field(sb, a->detail);
}

/* 32 bytes of a MAC or digest in lowercase hex into out. */
static void
hex_out(const unsigned char *md, char out[STORE_HASH_HEX])
{
	static const char	digits[] = "0123456789abcdef";
	int			i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 0xf];
	}
	out[64] = '\0';
}

/*
 * OpenSSL's HMAC and SHA-256, fetched once: HMAC() and EVP_sha256()
 * look their implementation up again at every call, which cost the
 * store's writer more than the hashing itself.
 */
static pthread_once_t	 algs_once = PTHREAD_ONCE_INIT;
static EVP_MAC		*hmac_alg;
static EVP_MD		*sha256_alg;

static void
algs_fetch(void)
{
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	sha256_alg = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/*
 * A new HMAC-SHA256 context with key (keylen bytes), or NULL when OpenSSL
 * failed.  EVP_MAC_init(ctx, NULL, 0, NULL) makes it ready for another
 * message with the same key.
 */
static EVP_MAC_CTX *
hmac_new(const unsigned char *key, size_t keylen)
{
	OSSL_PARAM	 params[2];
	EVP_MAC_CTX	*ctx;

	pthread_once(&algs_once, algs_fetch);
	if (hmac_alg == NULL || (ctx = EVP_MAC_CTX_new(hmac_alg)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    "SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, keylen, params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * Computes what entry a stores in its hash column into out, as the top
 * of this file says: with ctx (an HMAC context made by hmac_new(), ready
 * for a message) its HMAC-SHA256, without one (NULL) the plain SHA-256 of
 * the entries from before keying.  Returns 0, or -1 when OpenSSL failed.
 */
static int
entry_mac(EVP_MAC_CTX *ctx, const struct store_audit *a,
    char out[STORE_HASH_HEX])
{
	struct strbuf	 sb = STRBUF_INIT;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	size_t		 maclen = 0;
	int		 ok;

	pthread_once(&algs_once, algs_fetch);
	mac_input(&sb, a);
	if (ctx != NULL) {
		ok = EVP_MAC_update(ctx, (const unsigned char *)sb.buf,
		    sb.len) && EVP_MAC_final(ctx, md, &maclen, sizeof(md));
		mdlen = (unsigned int)maclen;
	} else
		ok = sha256_alg != NULL && EVP_Digest(sb.buf, sb.len, md,
		    &mdlen, sha256_alg, NULL) == 1;
	strbuf_free(&sb);
	if (!ok || mdlen != 32)
		return -1;
	hex_out(md, out);
	return 0;
}

/*
 * Computes what an entry stores in its hash column into out, as the top
 * of this file says: with key (keylen bytes) an HMAC-SHA256, without one
 * (NULL) the plain SHA-256 of the entries from before keying.  a's id and
 * hash are not read.  Returns 0, or -1 when OpenSSL failed.
 */
int
store_audit_mac(const unsigned char *key, size_t keylen,
    const struct store_audit *a, char out[STORE_HASH_HEX])
{
	EVP_MAC_CTX	*ctx = NULL;
	int		 r;

	if (key != NULL && keylen > 0 && (ctx = hmac_new(key, keylen)) ==
	    NULL)
		return -1;
	r = entry_mac(ctx, a, out);
	EVP_MAC_CTX_free(ctx);
	return r;
}

/*
 * The writer's MAC of a new entry a into out: with the store's key, in a
 * context kept from one entry to the next (st->audit_mac, freed by
 * store_audit_free()).  Returns 0, or -1 when OpenSSL failed.
 */
static int
writer_mac(struct store *st, const struct store_audit *a,
    char out[STORE_HASH_HEX])
{
	if (st->audit_keylen == 0)
		return entry_mac(NULL, a, out);
	if (st->audit_mac == NULL) {
		if ((st->audit_mac = hmac_new(st->audit_key,
		    st->audit_keylen)) == NULL)
			return -1;
	} else if (!EVP_MAC_init(st->audit_mac, NULL, 0, NULL))
		return -1;
	return entry_mac(st->audit_mac, a, out);
}

/* Frees what the writer kept to append entries (store_close()). */
void
store_audit_free(struct store *st)
{
	EVP_MAC_CTX_free(st->audit_mac);
	st->audit_mac = NULL;
	store_audit_rewind(st, 0);
	free(st->audit_queue.v);
	memset(&st->audit_queue, 0, sizeof(st->audit_queue));
}

/*
 * The unkeyed hash of an entry from its fields (store_audit_mac() without
 * a key).  Returns 0, or -1 when OpenSSL failed.
 */
int
store_audit_hash(const char *prev, int64_t at, const char *actor,
    const char *action, int64_t case_id, const char *detail,
    char out[STORE_HASH_HEX])
{
	struct store_audit	a;

	memset(&a, 0, sizeof(a));
	copy_str(a.prev_hash, sizeof(a.prev_hash), prev != NULL ? prev : "");
	a.at = at;
	a.actor = (char *)actor;
	a.action = (char *)action;
	a.case_id = case_id;
	a.detail = (char *)detail;
	return store_audit_mac(NULL, 0, &a, out);
}

/*
 * Reads the end of the chain into the writer's struct store_audit_end
 * when it does not hold it (at the first entry of a batch).  Returns
 * STORE_OK or an error.
 */
static enum store_status
audit_end_load(struct store_txn *txn, struct store_audit_end *end)
{
	struct db_stmt	*s;
	int		 rc;

	if (end->valid)
		return STORE_OK;
	if (store_is_pg(txn->st)) {
		if ((s = store_txn_stmt(txn, &store_audit_family,
		    ST_AUDIT_LOCK)) == NULL)
			return STORE_ERROR;
		rc = db_step(s);
		db_reset(s);
		if (rc != DB_ROW)
			return store_txn_fail(txn, rc, "audit chain lock");
	}
	if ((s = store_txn_stmt(txn, &store_audit_family,
	    ST_AUDIT_LAST)) == NULL)
		return STORE_ERROR;
	end->last_id = 0;
	memset(end->hash, '0', sizeof(end->hash) - 1);
	end->hash[sizeof(end->hash) - 1] = '\0';
	rc = db_step(s);
	if (rc == DB_ROW) {
		end->last_id = db_column_int64(s, 0);
		col_hex(s, 1, end->hash, sizeof(end->hash));
	}
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return store_txn_fail(txn, rc, "audit chain");
	end->valid = 1;
	end->pending = 0;
	return STORE_OK;
}

/*
 * Inserts an entry at the end of the chain, hashed on the one before:
 * actor did action (to case_id, or 0) at time at, with detail (or
 * NULL).  Returns STORE_OK, or an error.
 */
static enum store_status
append_now(struct store_txn *txn, int64_t at, const char *actor,
    const char *action, int64_t case_id, const char *detail)
{
	struct store_audit_end	*end = &txn->st->audit_end;
	struct store_audit	 a;
	enum store_status	 r;
	struct db_stmt		*s;
	char			 hash[STORE_HASH_HEX];
	unsigned char		 pb[STORE_HASH_HEX / 2], hb[STORE_HASH_HEX / 2];
	int64_t			 id = 0;

	if ((r = audit_end_load(txn, end)) != STORE_OK)
		return r;
	memset(&a, 0, sizeof(a));
	copy_str(a.prev_hash, sizeof(a.prev_hash), end->hash);
	a.at = at;
	a.actor = (char *)actor;
	a.action = (char *)action;
	a.case_id = case_id;
	a.detail = (char *)detail;
	if (writer_mac(txn->st, &a, hash) == -1) {
		log_warnx(_("store: audit: SHA-256 failed"));
		store_txn_fatal(txn, STORE_ERROR);
		return STORE_ERROR;
	}
	/* The link: the first digits of the hash before, all at the start. */
	if (end->last_id != 0)
		a.prev_hash[STORE_AUDIT_LINK] = '\0';

	if ((s = store_txn_stmt(txn, &store_audit_family,
	    ST_AUDIT_INSERT)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, at);
	store_bind_text(s, 2, actor);
	store_bind_text(s, 3, action);
	store_bind_opt(s, 4, case_id);
	store_bind_text(s, 5, detail);
	bind_hex(s, 6, a.prev_hash, strlen(a.prev_hash), pb);
	bind_hex(s, 7, hash, strlen(hash), hb);
	if ((r = store_txn_step(txn, s, "audit insert", &id)) != STORE_OK)
		return r;
	end->last_id = id;
	copy_str(end->hash, sizeof(end->hash), hash);
	end->pending++;
	return STORE_OK;
}

/*
 * Appends an entry to the audit log, at the current time: actor did
 * action (to case_id, or 0), with detail (or NULL).  On the writer
 * connection only.  On SQLite it is inserted now; on PostgreSQL it waits
 * in the writer's queue for the batch's end (store_audit_batch_end()),
 * where the chain's lock is taken (see struct store_audit_queue).
 * Returns STORE_OK, or an error.
 */
enum store_status
store_audit_append(struct store_txn *txn, const char *actor,
    const char *action, int64_t case_id, const char *detail)
{
	struct store_audit_queue	*q = &txn->st->audit_queue;
	struct store_audit_queued	*e, *v;
	size_t				 cap;

	if (actor == NULL || action == NULL || txn->conn != &txn->st->wr)
		return STORE_INVALID;
	if (!store_is_pg(txn->st))
		return append_now(txn, clock_unix(), actor, action, case_id,
		    detail);
	if (q->n == q->cap) {
		cap = q->cap > 0 ? q->cap * 2 : 64;
		if ((v = reallocarray(q->v, cap, sizeof(*v))) == NULL)
			goto nomem;
		q->v = v;
		q->cap = cap;
	}
	e = &q->v[q->n];
	e->at = clock_unix();
	e->case_id = case_id;
	e->actor = strdup(actor);
	e->action = strdup(action);
	e->detail = detail != NULL ? strdup(detail) : NULL;
	if (e->actor == NULL || e->action == NULL ||
	    (detail != NULL && e->detail == NULL)) {
		free(e->actor);
		free(e->action);
		free(e->detail);
		goto nomem;
	}
	q->n++;
	return STORE_OK;
nomem:
	log_warn("store: audit");
	store_txn_fatal(txn, STORE_ERROR);
	return STORE_ERROR;
}

/* The entries queued so far (PostgreSQL), for store_audit_rewind(). */
size_t
store_audit_mark(const struct store *st)
{
	return st->audit_queue.n;
}

/*
 * Drops the queued entries after the first mark (from store_audit_mark();
 * 0: every one): those of an item that failed, or of a batch rolled back.
 */
void
store_audit_rewind(struct store *st, size_t mark)
{
	struct store_audit_queue	*q = &st->audit_queue;

	while (q->n > mark) {
		q->n--;
		free(q->v[q->n].actor);
		free(q->v[q->n].action);
		free(q->v[q->n].detail);
	}
}

/*
 * Writer thread, before a batch commits: on PostgreSQL inserts the
 * entries its items queued (taking the chain's lock, see
 * store_audit_append()); sets audit_head to the end of the chain when
 * the batch appended entries.  Returns STORE_OK or an
 * error.
 */
enum store_status
store_audit_batch_end(struct store_txn *txn)
{
	struct store_audit_end		*end = &txn->st->audit_end;
	struct store_audit_queue	*q = &txn->st->audit_queue;
	struct store_audit_queued	*e;
	struct db_stmt			*s;
	enum store_status		 r;
	size_t				 i;

	for (i = 0; i < q->n; i++) {
		e = &q->v[i];
		if ((r = append_now(txn, e->at, e->actor, e->action,
		    e->case_id, e->detail)) != STORE_OK)
			return r;
	}
	store_audit_rewind(txn->st, 0);
	if (!end->valid || end->pending == 0)
		return STORE_OK;
	if ((s = store_txn_stmt(txn, &store_audit_family,
	    ST_AUDIT_HEAD_SET)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, end->last_id);
	db_bind_int64(s, 2, end->pending);
	store_bind_text(s, 3, end->hash);
	end->pending = 0;
	return store_txn_step(txn, s, "audit head", NULL);
}

/*
 * Fills a from a row of STORE_AUDIT_COLUMNS (copy: see store_priv.h),
 * the hashes in hex; an entry that names the one before by its first
 * digits gets that entry's whole hash in prev_hash when they are its.
 */
void
store_audit_fill(struct db_stmt *s, struct store_audit *a, int copy)
{
	char	before[STORE_HASH_HEX];

	memset(a, 0, sizeof(*a));
	a->id = db_column_int64(s, 0);
	a->at = db_column_int64(s, 1);
	a->actor = store_col_text(s, 2, copy);
	a->action = store_col_text(s, 3, copy);
	a->case_id = db_column_int64(s, 4);
	a->detail = store_col_text(s, 5, copy);
	col_hex(s, 6, a->prev_hash, sizeof(a->prev_hash));
	col_hex(s, 7, a->hash, sizeof(a->hash));
	if (strlen(a->prev_hash) == STORE_AUDIT_LINK) {
		col_hex(s, 8, before, sizeof(before));
		if (strncmp(before, a->prev_hash, STORE_AUDIT_LINK) == 0)
			copy_str(a->prev_hash, sizeof(a->prev_hash), before);
	}
}

static void
fill_audit(struct db_stmt *s, void *out)
{
	store_audit_fill(s, out, 1);
}

/*
 * Reads audit entry id into a.  Returns STORE_OK (release a with
 * store_audit_clear()), STORE_NOTFOUND or an error.
 */
enum store_status
store_audit_get(struct store *st, int64_t id, struct store_audit *a)
{
	return store_read_row(st, &store_audit_family, ST_AUDIT_GET, id,
	    fill_audit, a);
}

/* Frees what store_audit_get() put in a and zeroes it. */
void
store_audit_clear(struct store_audit *a)
{
	free(a->actor);
	free(a->action);
	free(a->detail);
	memset(a, 0, sizeof(*a));
}

/*
 * ===================================================================
 * The seal and the head (for the daemon's checkpoints)
 * ===================================================================
 */

/*
 * Keys the log with key (len bytes, at most STORE_AUDIT_KEY_MAX): every
 * entry appended from now on carries an HMAC.  Right after store_open(),
 * before any work is submitted.
 */
void
store_audit_set_key(struct store *st, const unsigned char *key, size_t len)
{
	if (len > sizeof(st->audit_key))
		len = 0;
	memcpy(st->audit_key, key, len);
	st->audit_keylen = len;
	store_audit_free(st);	/* made again with this key */
}

struct seal {
	const char	*actor;
	int64_t		 sealed;	/* the seal's id */
	int64_t		 legacy;	/* entries before it */
};

static enum store_status
seal_work(struct store_txn *txn, void *arg)
{
	struct seal		*sl = arg;
	struct db_stmt		*s;
	enum store_status	 r;
	int64_t			 last;
	char			 detail[160];

	if ((s = store_txn_stmt(txn, &store_audit_family,
	    ST_AUDIT_SEALED)) == NULL)
		return STORE_ERROR;
	r = store_txn_lookup(txn, s, "audit seal", &sl->sealed, NULL);
	if (r != STORE_NOTFOUND)
		return r;
	sl->sealed = 0;
	if ((s = store_txn_stmt(txn, &store_audit_family,
	    ST_AUDIT_COUNT)) == NULL)
		return STORE_ERROR;
	if ((r = store_txn_lookup(txn, s, "audit count", &sl->legacy,
	    &last)) != STORE_OK)
		return r;
	snprintf(detail, sizeof(detail), "%" PRId64 " entries before this "
	    "one (up to entry %" PRId64 ") are unkeyed SHA-256", sl->legacy,
	    last);
	if ((r = store_audit_append(txn, sl->actor, STORE_AUDIT_SEAL, 0,
	    detail)) != STORE_OK)
		return r;
	sl->sealed = -1;	/* just now: read back below */
	return STORE_OK;
}

/*
 * Makes sure a keyed log has its seal (see the top of this file),
 * appending it by actor when it has none, and waits for the commit.
 * Sets *sealed to the seal's id when it was there already, or to 0 when
 * it was appended now, and then *legacy to the entries before it.  For
 * a store opened with a key, before anything else appends.  Returns
 * STORE_OK or an error.
 */
enum store_status
store_audit_seal(struct store *st, const char *actor, int64_t *sealed,
    int64_t *legacy)
{
	struct seal		sl = { actor, 0, 0 };
	enum store_status	r;

	*sealed = *legacy = 0;
	if (st->audit_keylen == 0)
		return STORE_INVALID;
	if ((r = store_submit_wait(st, seal_work, &sl)) != STORE_OK)
		return r;
	*sealed = sl.sealed > 0 ? sl.sealed : 0;
	*legacy = sl.legacy;
	return STORE_OK;
}

struct head_read {
	struct store_audit	*a;
	int64_t			 entries;
};

static void
fill_head(struct db_stmt *s, void *arg)
{
	struct head_read	*hr = arg;

	store_audit_fill(s, hr->a, 1);
	hr->entries = db_column_int64(s, STORE_AUDIT_NCOLUMNS);
}

static enum store_status
head_work(struct store_txn *txn, void *arg)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_audit_family,
	    ST_AUDIT_HEAD)) == NULL)
		return STORE_ERROR;
	return store_txn_row(txn, s, "audit head", fill_head, arg);
}

/*
 * Reads the newest entry as the store's head names it into a, and the
 * number of entries the head counts into *entries, from committed data.
 * Returns STORE_OK (release a with store_audit_clear()), STORE_NOTFOUND
 * for an empty log (or a head naming no entry), or an error.
 */
enum store_status
store_audit_head(struct store *st, struct store_audit *a, int64_t *entries)
{
	struct head_read	hr = { a, 0 };
	enum store_status	r;

	memset(a, 0, sizeof(*a));
	r = store_read(st, head_work, &hr);
	*entries = hr.entries;
	return r;
}
