/*
 * sender.c: what the store remembers about a resident's number (the
 * senders table): whether it opted out of the ward's information and
 * announcements, whether it is quarantined for flooding the gateway, the
 * language the resident writes in, and when it last got the help text
 * without asking.
 *
 * The reply composer (core/reply.c) reads and changes these rows from its
 * work functions, on the writer connection; /metrics counts the
 * quarantined numbers on the reader connection.
 */
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "base/clock.h"
#include "store/store_priv.h"

enum {
	ST_SENDER_GET,
	ST_SENDER_OPTOUT,
	ST_SENDER_QUARANTINE,
	ST_SENDERS_QUARANTINED,
	ST_SENDER_LANG,
	ST_SENDER_HELP,
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
};

const struct store_family store_sender_family = {
	STORE_FAM_SENDER, ST_MAX, sender_sql
};

static void
fill_sender(sqlite3_stmt *s, void *out)
{
	struct store_sender	*snd = out;

	snd->opted_out = sqlite3_column_int(s, 0);
	snd->quarantined_at = sqlite3_column_int64(s, 1);
	snd->quarantine_until = sqlite3_column_int64(s, 2);
	snd->lang = -1;
	if (sqlite3_column_type(s, 3) == SQLITE_TEXT)
		snd->lang = strcmp((const char *)sqlite3_column_text(s, 3),
		    "en") == 0;
	snd->help_at = sqlite3_column_int64(s, 4);
}

/*
 * Reads what the store remembers about number into *out (all zero when it
 * has no row).  Returns STORE_OK or an error.
 */
enum store_status
store_sender_get(struct store_txn *txn, const char *number,
    struct store_sender *out)
{
	sqlite3_stmt		*s;
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
	sqlite3_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_SENDER_OPTOUT)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	sqlite3_bind_int(s, 2, opted_out != 0);
	sqlite3_bind_int64(s, 3, at ? at : clock_unix());
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
	sqlite3_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_SENDER_QUARANTINE)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	sqlite3_bind_int64(s, 2, at ? at : clock_unix());
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
	sqlite3_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_SENDER_LANG)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	store_bind_text(s, 2, lang ? "en" : "vi");
	sqlite3_bind_int64(s, 3, at ? at : clock_unix());
	return store_txn_step(txn, s, "sender lang", NULL);
}

/*
 * Records that number got the help text unasked at "at".  Returns
 * STORE_OK or an error.
 */
enum store_status
store_sender_helped(struct store_txn *txn, const char *number, int64_t at)
{
	sqlite3_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_sender_family,
	    ST_SENDER_HELP)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	sqlite3_bind_int64(s, 2, at ? at : clock_unix());
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
