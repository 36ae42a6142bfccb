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
 * table, kept by a trigger of schema 6).
 *
 * Every change of a case, a message filed or a sender quarantined
 * appends an entry with store_audit_append(), inside the work function
 * that made the change.  papictl audit lists the entries and verifies the
 * chain with store_audit_hash() through query.c; the tests read entries
 * back with store_audit_get().
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "store/store_priv.h"

enum {
	ST_AUDIT_LAST,
	ST_AUDIT_INSERT,
	ST_AUDIT_GET,
	ST_MAX
};

static const char *const audit_sql[ST_MAX] = {
	[ST_AUDIT_LAST] = "SELECT hash FROM audit ORDER BY id DESC LIMIT 1",
	[ST_AUDIT_INSERT] = "INSERT INTO audit (at, actor, action, case_id, "
	    "detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_AUDIT_GET] = "SELECT " STORE_AUDIT_COLUMNS("") " FROM audit "
	    "WHERE id = ?1",
};

const struct store_family store_audit_family = {
	STORE_FAM_AUDIT, ST_MAX, audit_sql
};

static int
hash_field(EVP_MD_CTX *ctx, const char *v)
{
	char	len[24];
	size_t	n = v != NULL ? strlen(v) : 0;

	snprintf(len, sizeof(len), "%zu:", n);
	return EVP_DigestUpdate(ctx, len, strlen(len)) == 1 &&
	    EVP_DigestUpdate(ctx, v != NULL ? v : "", n) == 1 &&
	    EVP_DigestUpdate(ctx, ",", 1) == 1 ? 0 : -1;
}

/*
 * Computes the hash of an audit entry into out, as the top of this file
 * says: what store_audit_append() stores, and what papictl audit --verify
 * checks.  Returns 0, or -1 when OpenSSL failed.
 */
int
store_audit_hash(const char *prev, int64_t at, const char *actor,
    const char *action, int64_t case_id, const char *detail,
    char out[STORE_HASH_HEX])
{
	EVP_MD_CTX	*ctx;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	char		 t[24], c[24];
	int		 r = -1;

	snprintf(t, sizeof(t), "%" PRId64, at);
	if (case_id != 0)
		snprintf(c, sizeof(c), "%" PRId64, case_id);
	else
		c[0] = '\0';
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    hash_field(ctx, prev) == -1 || hash_field(ctx, t) == -1 ||
	    hash_field(ctx, actor) == -1 || hash_field(ctx, action) == -1 ||
	    hash_field(ctx, c) == -1 || hash_field(ctx, detail) == -1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		goto done;
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	r = 0;
done:
	EVP_MD_CTX_free(ctx);
	return r;
}

/*
 * Appends an entry to the audit log, at the current time: actor did
 * action (to case_id, or 0), with detail (or NULL).  Returns STORE_OK, or
 * an error.
 */
enum store_status
store_audit_append(struct store_txn *txn, const char *actor,
    const char *action, int64_t case_id, const char *detail)
{
	sqlite3_stmt	*s;
	char		 prev[STORE_HASH_HEX], hash[STORE_HASH_HEX];
	int64_t		 at = clock_unix();
	int		 rc;

	if (actor == NULL || action == NULL)
		return STORE_INVALID;
	if ((s = store_txn_stmt(txn, &store_audit_family,
	    ST_AUDIT_LAST)) == NULL)
		return STORE_ERROR;
	memset(prev, '0', sizeof(prev) - 1);
	prev[sizeof(prev) - 1] = '\0';
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		copy_str(prev, sizeof(prev),
		    (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_txn_fail(txn, rc, "audit chain");
	if (store_audit_hash(prev, at, actor, action, case_id, detail,
	    hash) == -1) {
		log_warnx("store: audit: SHA-256 failed");
		store_txn_fatal(txn, STORE_ERROR);
		return STORE_ERROR;
	}

	if ((s = store_txn_stmt(txn, &store_audit_family,
	    ST_AUDIT_INSERT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, at);
	store_bind_text(s, 2, actor);
	store_bind_text(s, 3, action);
	store_bind_opt(s, 4, case_id);
	store_bind_text(s, 5, detail);
	store_bind_text(s, 6, prev);
	store_bind_text(s, 7, hash);
	return store_txn_step(txn, s, "audit insert", NULL);
}

/* Fills a from a row of STORE_AUDIT_COLUMNS (copy: see store_priv.h). */
void
store_audit_fill(sqlite3_stmt *s, struct store_audit *a, int copy)
{
	const char	*h;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	a->at = sqlite3_column_int64(s, 1);
	a->actor = store_col_text(s, 2, copy);
	a->action = store_col_text(s, 3, copy);
	a->case_id = sqlite3_column_int64(s, 4);
	a->detail = store_col_text(s, 5, copy);
	if ((h = (const char *)sqlite3_column_text(s, 6)) != NULL)
		copy_str(a->prev_hash, sizeof(a->prev_hash), h);
	if ((h = (const char *)sqlite3_column_text(s, 7)) != NULL)
		copy_str(a->hash, sizeof(a->hash), h);
}

static void
fill_audit(sqlite3_stmt *s, void *out)
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
