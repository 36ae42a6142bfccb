/*
 * unreadable.c: the inbox entries a modem could not read (the unreadable
 * table).  The modem thread (chan/modem.c) saves an entry here, with its
 * raw content, before it deletes it from the SIM, so that a message that
 * libGammu cannot decode is still there for someone to look at
 * (sqlite3 ... "SELECT * FROM unreadable"); the retention timer deletes
 * rows older than privacy.retention_days, since the raw content holds the
 * sender's number.
 */
#include <string.h>

#include "store/store.h"
#include "base/clock.h"
#include "store/store_priv.h"

enum {
	ST_UNREADABLE_ADD,
	ST_UNREADABLE_ERASE,
	ST_MAX
};

static const char *const unreadable_sql[ST_MAX] = {
	[ST_UNREADABLE_ADD] = "INSERT INTO unreadable (channel, location, "
	    "folder, error, attempts, raw, first_seen, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_UNREADABLE_ERASE] = "DELETE FROM unreadable WHERE id IN ("
	    "SELECT id FROM unreadable WHERE created < ?1 ORDER BY created "
	    "LIMIT ?2)",
};

const struct store_family store_unreadable_family = {
	STORE_FAM_UNREADABLE, ST_MAX, unreadable_sql, NULL
};

/*
 * Saves the unreadable entry u; its new row's id in *id when id is not
 * NULL.  Returns STORE_OK or an error.
 */
enum store_status
store_unreadable_add(struct store_txn *txn, const struct store_unreadable *u,
    int64_t *id)
{
	struct db_stmt	*s;

	s = store_txn_stmt(txn, &store_unreadable_family, ST_UNREADABLE_ADD);
	if (s == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, u->channel);
	db_bind_int64(s, 2, u->location);
	db_bind_int64(s, 3, u->folder);
	store_bind_text(s, 4, u->error);
	db_bind_int64(s, 5, u->attempts);
	if (u->raw != NULL)
		db_bind_blob(s, 6, u->raw, u->rawlen);
	db_bind_int64(s, 7, u->first_seen);
	db_bind_int64(s, 8, u->created != 0 ? u->created : clock_unix());
	return store_txn_step(txn, s, "unreadable", id);
}

/*
 * Deletes at most limit unreadable entries saved before before; how many
 * in *n.  Returns STORE_OK or an error.
 */
enum store_status
store_unreadable_erase(struct store_txn *txn, int64_t before, int limit,
    int64_t *n)
{
	struct db_stmt		*s;
	enum store_status	 r;

	*n = 0;
	s = store_txn_stmt(txn, &store_unreadable_family,
	    ST_UNREADABLE_ERASE);
	if (s == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, before);
	db_bind_int64(s, 2, limit);
	if ((r = store_txn_step(txn, s, "unreadable erase", NULL)) ==
	    STORE_OK)
		*n = store_txn_changes(txn);
	return r;
}
