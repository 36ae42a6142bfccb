/*
 * sender.c: what the store remembers about a resident's number (the
 * senders table): whether it opted out of the ward's information and
 * announcements, whether it is quarantined for flooding the gateway, the
 * language the resident writes in, and when it last got the help text
 * without asking.  Numbers stored before they were written one way
 * (E.164) are rewritten here, and the residents they split merged.
 *
 * The reply composer (core/reply.c) reads and changes these rows from its
 * work functions, on the writer connection; /metrics counts the
 * quarantined numbers on the reader connection.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/util.h"
#include "store/store_priv.h"

enum {
	ST_SENDER_GET,
	ST_SENDER_OPTOUT,
	ST_SENDER_QUARANTINE,
	ST_SENDERS_QUARANTINED,
	ST_SENDER_LANG,
	ST_SENDER_HELP,
	ST_NUMBERS,
	ST_PSEUDO_OF,
	ST_PSEUDO_MERGE,
	ST_PSEUDO_CASES,
	ST_PSEUDO_SET,
	ST_SENDER_MERGE,
	ST_SENDER_DROP,
	ST_SENDER_RENAME,
	ST_RENUMBER_CASES,
	ST_RENUMBER_INBOUND,
	ST_RENUMBER_OUTBOX,
	ST_RENUMBERED_GET,
	ST_RENUMBERED_SET,
	ST_MAX
};

static const char *const sender_sql[ST_MAX] = {
	[ST_SENDER_GET] = "SELECT opted_out, quarantined_at, "
	    "quarantine_until, lang, help_at FROM senders WHERE number = ?1",
	[ST_SENDER_OPTOUT] = "INSERT INTO senders (number, opted_out, "
	    "opted_changed, updated) VALUES (?1, ?2, ?3, ?3) "
	    "ON CONFLICT (number) DO UPDATE SET opted_out = ?2, "
	    "opted_changed = ?3, updated = ?3",
	[ST_SENDER_QUARANTINE] = "INSERT INTO senders (number, "
	    "quarantined_at, quarantine_until, quarantine_reason, updated) "
	    "VALUES (?1, ?2, ?3, ?4, ?2) ON CONFLICT (number) DO UPDATE SET "
	    "quarantined_at = ?2, quarantine_until = ?3, "
	    "quarantine_reason = ?4, updated = ?2",
	[ST_SENDERS_QUARANTINED] = "SELECT count(*) FROM senders "
	    "WHERE quarantined_at IS NOT NULL "
	    "AND (quarantine_until IS NULL OR quarantine_until > ?1)",
	[ST_SENDER_LANG] = "INSERT INTO senders (number, lang, updated) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (number) DO UPDATE SET "
	    "lang = ?2, updated = ?3",
	[ST_SENDER_HELP] = "INSERT INTO senders (number, help_at, updated) "
	    "VALUES (?1, ?2, ?2) ON CONFLICT (number) DO UPDATE SET "
	    "help_at = ?2, updated = ?2",
	/* Renumbering: ?1 the new form, ?2 the old one. */
	[ST_NUMBERS] = "SELECT sender FROM pseudonyms "
	    "WHERE sender IS NOT NULL UNION SELECT number FROM senders "
	    "UNION SELECT sender FROM cases UNION SELECT sender FROM inbound "
	    "UNION SELECT recipient FROM outbox",
	[ST_PSEUDO_OF] = "SELECT id FROM pseudonyms WHERE sender = ?1",
	[ST_PSEUDO_MERGE] = "UPDATE pseudonyms SET sender = NULL, "
	    "merged_into = ?1 WHERE id = ?2",
	[ST_PSEUDO_CASES] = "UPDATE cases SET resident = ?1 "
	    "WHERE resident = ?2",
	[ST_PSEUDO_SET] = "UPDATE pseudonyms SET sender = ?1 WHERE id = ?2",
	/*
	 * Both forms have a row: the newer choice of opting out or in
	 * wins, a quarantine or a block on either stays, and the language
	 * and help time of the new form are kept when it has them.
	 */
	[ST_SENDER_MERGE] = "UPDATE senders SET "
	    "opted_out = CASE WHEN coalesce(o.opted_changed, 0) > "
	    "coalesce(senders.opted_changed, 0) THEN o.opted_out "
	    "ELSE senders.opted_out END, "
	    "opted_changed = max(coalesce(o.opted_changed, 0), "
	    "coalesce(senders.opted_changed, 0)), "
	    "quarantine_until = CASE WHEN senders.quarantined_at IS NULL "
	    "THEN o.quarantine_until ELSE senders.quarantine_until END, "
	    "quarantine_reason = CASE WHEN senders.quarantined_at IS NULL "
	    "THEN o.quarantine_reason ELSE senders.quarantine_reason END, "
	    "quarantined_at = coalesce(senders.quarantined_at, "
	    "o.quarantined_at), "
	    "lang = coalesce(senders.lang, o.lang), "
	    "help_at = max(coalesce(senders.help_at, 0), "
	    "coalesce(o.help_at, 0)), "
	    "updated = max(senders.updated, o.updated) "
	    "FROM senders AS o WHERE senders.number = ?1 AND o.number = ?2",
	[ST_SENDER_DROP] = "DELETE FROM senders WHERE number = ?2 "
	    "AND EXISTS (SELECT 1 FROM senders WHERE number = ?1)",
	[ST_SENDER_RENAME] = "UPDATE senders SET number = ?1 "
	    "WHERE number = ?2",
	[ST_RENUMBER_CASES] = "UPDATE cases SET sender = ?1 WHERE sender = ?2",
	[ST_RENUMBER_INBOUND] = "UPDATE inbound SET sender = ?1 "
	    "WHERE sender = ?2",
	[ST_RENUMBER_OUTBOX] = "UPDATE outbox SET recipient = ?1 "
	    "WHERE recipient = ?2",
	[ST_RENUMBERED_GET] = "SELECT value FROM counters "
	    "WHERE name = 'numbers_e164'",
	[ST_RENUMBERED_SET] = "INSERT INTO counters (name, value) "
	    "VALUES ('numbers_e164', ?1) "
	    "ON CONFLICT (name) DO UPDATE SET value = ?1",
};

const struct store_family store_sender_family = {
	STORE_FAM_SENDER, ST_MAX, sender_sql, NULL
};

static void
fill_sender(struct db_stmt *s, void *out)
{
	struct store_sender	*snd = out;

	snd->opted_out = (int)db_column_int64(s, 0);
	snd->quarantined_at = db_column_int64(s, 1);
	snd->quarantine_until = db_column_int64(s, 2);
	snd->lang = -1;
	if (db_column_type(s, 3) == DB_TEXT)
		snd->lang = strcmp(db_column_text(s, 3),
		    "en") == 0;
	snd->help_at = db_column_int64(s, 4);
}

/*
 * Reads what the store remembers about number into *out (all zero when it
 * has no row).  Returns STORE_OK or an error.
 */
enum store_status
store_sender_get(struct store_txn *txn, const char *number,
    struct store_sender *out)
{
	struct db_stmt		*s;
	enum store_status	 r;

	memset(out, 0, sizeof(*out));
	out->lang = -1;
	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_SENDER_GET)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	r = store_txn_row(txn, s, "sender get", fill_sender, out);
	return r == STORE_NOTFOUND ? STORE_OK : r;
}

/*
 * Records that number opted out of (opted_out 1) or back into (0) the
 * ward's information and announcements, at "at" (0: now).  Returns
 * STORE_OK or an error.
 */
enum store_status
store_sender_optout(struct store_txn *txn, const char *number,
    int opted_out, int64_t at)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_SENDER_OPTOUT)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	db_bind_int64(s, 2, opted_out != 0);
	db_bind_int64(s, 3, at ? at : clock_unix());
	return store_txn_step(txn, s, "sender optout", NULL);
}

/*
 * Quarantines number from "at" (0: now) until "until" (0: for good), for
 * reason (or NULL).  Returns STORE_OK or an error.
 */
enum store_status
store_sender_quarantine(struct store_txn *txn, const char *number,
    int64_t at, int64_t until, const char *reason)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_SENDER_QUARANTINE)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	db_bind_int64(s, 2, at ? at : clock_unix());
	store_bind_opt(s, 3, until);
	store_bind_text(s, 4, reason);
	return store_txn_step(txn, s, "sender quarantine", NULL);
}

/*
 * Records the language number writes in: "vi" or "en" (lang 0 or 1).
 * Returns STORE_OK or an error.
 */
enum store_status
store_sender_lang(struct store_txn *txn, const char *number, int lang,
    int64_t at)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_SENDER_LANG)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	store_bind_text(s, 2, lang ? "en" : "vi");
	db_bind_int64(s, 3, at ? at : clock_unix());
	return store_txn_step(txn, s, "sender lang", NULL);
}

/*
 * Records that number got the help text unasked at "at".  Returns
 * STORE_OK or an error.
 */
enum store_status
store_sender_helped(struct store_txn *txn, const char *number, int64_t at)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_SENDER_HELP)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	db_bind_int64(s, 2, at ? at : clock_unix());
	return store_txn_step(txn, s, "sender help", NULL);
}

/*
 * Sets *n to the number of senders quarantined at time "at" (committed
 * data).  Returns STORE_OK or an error.
 */
enum store_status
store_senders_quarantined(struct store *st, int64_t at, int64_t *n)
{
	return store_read_row(st, &store_sender_family,
	    ST_SENDERS_QUARANTINED, at, store_fill_int, n);
}

/*
 * Calls fn(number, arg) for each distinct number the store keeps for a
 * resident: pseudonyms, senders, cases, and messages in and out ("" and
 * NULL, numbers retention erased, left out).  They are all read before
 * the first call, so fn may rewrite them.  Returns STORE_OK or an error.
 */
enum store_status
store_sender_numbers(struct store_txn *txn,
    void (*fn)(const char *number, void *arg), void *arg)
{
	struct db_stmt		*s;
	char			**list = NULL;
	size_t			 n = 0, i;
	enum store_status	 r = STORE_OK;
	int			 rc;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_NUMBERS)) == NULL)
		return STORE_ERROR;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *v = db_column_text(s, 0);

		if (v == NULL || v[0] == '\0')
			continue;
		list = xreallocarray(list, n + 1, sizeof(*list));
		list[n++] = xstrdup(v);
	}
	if (rc != DB_DONE)
		r = store_txn_fail(txn, rc, "sender numbers");
	db_reset(s);
	for (i = 0; i < n; i++) {
		if (r == STORE_OK)
			fn(list[i], arg);
		free(list[i]);
	}
	free(list);
	return r;
}

/* Steps statement id of the family with the two numbers bound. */
static enum store_status
renumber_step(struct store_txn *txn, int id, const char *new,
    const char *old, const char *what)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family, id)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, new);
	store_bind_text(s, 2, old);
	return store_txn_step(txn, s, what, NULL);
}

/* The pseudonym id of number in *id, 0 when it has none. */
static enum store_status
pseudonym_of(struct store_txn *txn, const char *number, int64_t *id)
{
	struct db_stmt		*s;
	enum store_status	 r;

	*id = 0;
	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_PSEUDO_OF)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	r = store_txn_lookup(txn, s, "pseudonym of", id, NULL);
	return r == STORE_NOTFOUND ? STORE_OK : r;
}

/* Steps statement id with the two ids bound. */
static enum store_status
pseudo_step(struct store_txn *txn, int id, int64_t a, int64_t b,
    const char *what)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family, id)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, a);
	db_bind_int64(s, 2, b);
	return store_txn_step(txn, s, what, NULL);
}

/* Gives pseudonym id the number. */
static enum store_status
pseudo_set(struct store_txn *txn, const char *number, int64_t id)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_PSEUDO_SET)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	db_bind_int64(s, 2, id);
	return store_txn_step(txn, s, "pseudonym set", NULL);
}

/*
 * The pseudonyms of old and new become one: the older (lower id) stays
 * and takes the new form of the number and the other's cases; the other
 * keeps no number and points at it, so that its name still leads to the
 * resident.  Sets *from and *into to the merged pair, or both to 0.
 */
static enum store_status
merge_pseudonyms(struct store_txn *txn, const char *new, const char *old,
    int64_t *from, int64_t *into)
{
	enum store_status	 r;
	int64_t			 po, pn, keep, drop;

	*from = *into = 0;
	if ((r = pseudonym_of(txn, old, &po)) != STORE_OK ||
	    (r = pseudonym_of(txn, new, &pn)) != STORE_OK || po == 0)
		return r;
	if (pn == 0)
		return pseudo_set(txn, new, po);
	keep = po < pn ? po : pn;
	drop = po < pn ? pn : po;
	if ((r = pseudo_step(txn, ST_PSEUDO_CASES, keep, drop,
	    "pseudonym cases")) != STORE_OK ||
	    (r = pseudo_step(txn, ST_PSEUDO_MERGE, keep, drop,
	    "pseudonym merge")) != STORE_OK ||
	    (r = pseudo_set(txn, new, keep)) != STORE_OK)
		return r;
	*from = drop;
	*into = keep;
	return STORE_OK;
}

/*
 * Rewrites number old as new wherever a resident's number is kept, and
 * makes one resident of the two when both forms were stored: one
 * pseudonym (*from merged into *into, both 0 when there was nothing to
 * merge), one senders row.  The audit log is left as it is: its entries
 * are history, and its chain must hold.  Returns STORE_OK or an error.
 */
enum store_status
store_sender_renumber(struct store_txn *txn, const char *old,
    const char *new, int64_t *from, int64_t *into)
{
	static const struct {
		int		 id;
		const char	*what;
	} steps[] = {
		{ ST_SENDER_MERGE, "sender merge" },
		{ ST_SENDER_DROP, "sender drop" },
		{ ST_SENDER_RENAME, "sender rename" },
		{ ST_RENUMBER_CASES, "renumber cases" },
		{ ST_RENUMBER_INBOUND, "renumber inbound" },
		{ ST_RENUMBER_OUTBOX, "renumber outbox" },
	};
	enum store_status	r;
	size_t			i;

	if ((r = merge_pseudonyms(txn, new, old, from, into)) != STORE_OK)
		return r;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if ((r = renumber_step(txn, steps[i].id, new, old,
		    steps[i].what)) != STORE_OK)
			return r;
	return STORE_OK;
}

/*
 * The country code the stored numbers were last rewritten for, in
 * *code (0: never).  Returns STORE_OK or an error.
 */
enum store_status
store_sender_renumbered(struct store_txn *txn, int64_t *code)
{
	struct db_stmt		*s;
	enum store_status	 r;

	*code = 0;
	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_RENUMBERED_GET)) == NULL)
		return STORE_ERROR;
	r = store_txn_lookup(txn, s, "renumbered get", code, NULL);
	return r == STORE_NOTFOUND ? STORE_OK : r;
}

/* Records that the stored numbers are in E.164 for country code. */
enum store_status
store_sender_renumbered_set(struct store_txn *txn, int64_t code)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_RENUMBERED_SET)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, code);
	return store_txn_step(txn, s, "renumbered set", NULL);
}
