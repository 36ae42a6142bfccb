/*
 * admin_rows.c: the rows that administrators' decisions change: a
 * number's quarantine lifted or a number blocked (papictl quarantine
 * release, sender block and unblock: the senders table), and the report
 * reminders that went out (report_reminders, daemon/timers.c).
 *
 * A block is a quarantine for good (quarantine_until NULL) with the
 * administrator's name in blocked_by: the reply composer's guard
 * (core/reply.c) treats it as any quarantine, sends no automatic reply,
 * and never replaces it with a flood quarantine that would end.  Work
 * functions call these on the writer connection.
 */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "base/clock.h"
#include "store/store_priv.h"

enum {
	ST_RELEASE,
	ST_RELEASE_BLOCK,
	ST_BLOCK,
	ST_REMINDER,
	ST_MAX
};

static const char *const admin_sql[ST_MAX] = {
	[ST_RELEASE] = "UPDATE senders SET quarantined_at = NULL, "
	    "quarantine_until = NULL, quarantine_reason = NULL, blocked_by = "
	    "NULL, updated = ?2 WHERE number = ?1 AND quarantined_at IS NOT "
	    "NULL",
	[ST_RELEASE_BLOCK] = "UPDATE senders SET quarantined_at = NULL, "
	    "quarantine_until = NULL, quarantine_reason = NULL, blocked_by = "
	    "NULL, updated = ?2 WHERE number = ?1 AND blocked_by IS NOT NULL",
	[ST_BLOCK] = "INSERT INTO senders (number, quarantined_at, "
	    "quarantine_until, quarantine_reason, blocked_by, updated) "
	    "VALUES (?1, ?2, NULL, ?3, ?4, ?2) ON CONFLICT (number) DO UPDATE "
	    "SET quarantined_at = ?2, quarantine_until = NULL, "
	    "quarantine_reason = ?3, blocked_by = ?4, updated = ?2",
	[ST_REMINDER] = "INSERT INTO report_reminders (period, sent) "
	    "VALUES (?1, ?2) ON CONFLICT (period) DO NOTHING",
};

const struct store_family store_admin_family = {
	STORE_FAM_ADMIN, ST_MAX, admin_sql, NULL
};

/*
 * Lifts the quarantine of number, whether the flood guard or a block set
 * it (blocks_only: only a block), at "at" (0: now).  Returns STORE_OK,
 * STORE_NOTFOUND when the number was not held, or an error.
 */
enum store_status
store_sender_release(struct store_txn *txn, const char *number,
    int blocks_only, int64_t at)
{
	struct db_stmt		*s;
	enum store_status	 st;

	if ((s = store_txn_stmt(txn, &store_admin_family, blocks_only ?
	    ST_RELEASE_BLOCK : ST_RELEASE)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	db_bind_int64(s, 2, at ? at : clock_unix());
	if ((st = store_txn_step(txn, s, "sender release", NULL)) != STORE_OK)
		return st;
	return store_txn_changes(txn) > 0 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * Blocks number for good from "at" (0: now): actor's decision, for
 * reason.  Returns STORE_OK or an error.
 */
enum store_status
store_sender_block(struct store_txn *txn, const char *number,
    const char *actor, const char *reason, int64_t at)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_admin_family, ST_BLOCK)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	db_bind_int64(s, 2, at ? at : clock_unix());
	store_bind_text(s, 3, reason);
	store_bind_text(s, 4, actor);
	return store_txn_step(txn, s, "sender block", NULL);
}

/*
 * Writes into buf the key of report_reminders for the report of period
 * of ward: the period ("2026Q1") in a store of one ward (ward ""), else
 * the period and the ward ("2026Q1@p7-q10"), each ward reporting apart.
 */
void
store_reminder_key(char *buf, size_t bufsz, const char *period,
    const char *ward)
{
	snprintf(buf, bufsz, "%s%s%s", period, ward[0] != '\0' ? "@" : "",
	    ward);
}

/*
 * Records that the reminder of report period of the store's ward went
 * out at "at"; *first says whether this is the first time (0: it had
 * gone out already).  Returns STORE_OK or an error.
 */
enum store_status
store_reminder_mark(struct store_txn *txn, const char *period, int64_t at,
    int *first)
{
	struct db_stmt		*s;
	enum store_status	 st;
	char			 key[STORE_REMINDER_KEY_MAX];

	*first = 0;
	if ((s = store_txn_stmt(txn, &store_admin_family, ST_REMINDER)) ==
	    NULL)
		return STORE_ERROR;
	store_reminder_key(key, sizeof(key), period, store_txn_ward(txn));
	store_bind_text(s, 1, key);
	db_bind_int64(s, 2, at);
	if ((st = store_txn_step(txn, s, "reminder", NULL)) != STORE_OK)
		return st;
	*first = store_txn_changes(txn) > 0;
	return STORE_OK;
}
