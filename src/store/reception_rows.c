/*
 * reception_rows.c: the bookings of the citizen reception
 * (reception_bookings, migration 16): written and cancelled by the
 * ingest pipeline and the USSD menu (core/reception.c), reminded by the
 * timer, read by papictl reception, their numbers erased by retention.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "base/clock.h"
#include "store/store_priv.h"

enum {
	ST_SLOTS,
	ST_OF,
	ST_ADD,
	ST_PSEUDONYM,
	ST_CANCEL,
	ST_DUE,
	ST_REMINDED,
	ST_DAY,
	ST_ERASE,
	ST_MAX
};

/*
 * The agenda's list of a booking resident's open cases, "ref:category"
 * joined with commas, and the rest of its statement.
 */
#define DAY_CASES	"c.ref_number || ':' || c.category"
#define DAY_FROM							\
	" FROM cases c WHERE c.resident = b.resident AND "		\
	"c.resident IS NOT NULL AND c.state NOT IN ('resolved', "	\
	"'confirmed') AND c.merged_into IS NULL) FROM reception_bookings b " \
	"WHERE b.day = ?1 ORDER BY b.state, b.slot, b.seq, b.id"

#define BOOKING_COLUMNS	"b.id, b.day, b.slot, b.seq, b.number, b.resident, " \
	"b.channel, b.lang, b.topic, b.state, b.created, b.cancelled, " \
	"b.reminded"

static const char *const reception_sql[ST_MAX] = {
	[ST_SLOTS] = "SELECT slot, count(*) FROM reception_bookings "
	    "WHERE day = ?1 AND state = 'booked' GROUP BY slot",
	[ST_OF] = "SELECT " BOOKING_COLUMNS ", NULL FROM reception_bookings b "
	    "WHERE b.number = ?1 AND b.day >= ?2 AND b.state = 'booked' "
	    "ORDER BY b.day, b.slot LIMIT 1",
	[ST_ADD] = "INSERT INTO reception_bookings (day, slot, seq, number, "
	    "resident, channel, lang, topic, state, created) VALUES (?1, ?2, "
	    "?3, ?4, (SELECT id FROM pseudonyms WHERE sender = ?4), ?5, ?6, "
	    "?7, 'booked', ?8)",
	[ST_PSEUDONYM] = "INSERT INTO pseudonyms (sender, created) "
	    "VALUES (?1, ?2) ON CONFLICT (sender) DO NOTHING",
	[ST_CANCEL] = "UPDATE reception_bookings SET state = 'cancelled', "
	    "cancelled = ?2 WHERE id = ?1 AND state = 'booked'",
	[ST_DUE] = "SELECT " BOOKING_COLUMNS ", NULL FROM reception_bookings b "
	    "WHERE b.day = ?1 AND b.state = 'booked' AND b.reminded IS NULL "
	    "AND b.number IS NOT NULL ORDER BY b.slot, b.id",
	[ST_REMINDED] = "UPDATE reception_bookings SET reminded = ?2 "
	    "WHERE id = ?1",
	/* The agenda: the resident's open cases with each booking. */
	[ST_DAY] = "SELECT " BOOKING_COLUMNS ", (SELECT group_concat("
	    DAY_CASES ")" DAY_FROM,
	[ST_ERASE] = "UPDATE reception_bookings SET number = NULL WHERE id IN "
	    "(SELECT id FROM reception_bookings WHERE number IS NOT NULL AND "
	    "day < ?1 LIMIT ?2)",
};

/* PostgreSQL names SQLite's group_concat(x) string_agg(x, ','). */
static const char *const reception_sql_pg[ST_MAX] = {
	[ST_DAY] = "SELECT " BOOKING_COLUMNS ", (SELECT string_agg("
	    DAY_CASES ", ',')" DAY_FROM,
};

const struct store_family store_reception_family = {
	STORE_FAM_RECEPTION, ST_MAX, reception_sql, reception_sql_pg
};

/* Fills a booking from a row of BOOKING_COLUMNS, then the open cases. */
static void
fill_booking(struct db_stmt *s, struct store_booking *b, int copy)
{
	const char	*lang;

	memset(b, 0, sizeof(*b));
	b->id = db_column_int64(s, 0);
	b->day = store_col_text(s, 1, copy);
	b->slot = store_col_text(s, 2, copy);
	b->seq = (int)db_column_int64(s, 3);
	b->number = store_col_text(s, 4, copy);
	b->resident = db_column_int64(s, 5);
	b->channel = store_col_text(s, 6, copy);
	lang = db_column_text(s, 7);
	b->lang = lang == NULL ? -1 : strcmp(lang, "en") == 0;
	b->topic = store_col_text(s, 8, copy);
	b->cancelled = db_column_int64(s, 11);
	b->created = db_column_int64(s, 10);
	b->reminded = db_column_int64(s, 12);
	b->open_cases = store_col_text(s, 13, copy);
}

static void
fill_copy(struct db_stmt *s, void *out)
{
	fill_booking(s, out, 1);
}

/*
 * Calls fn(slot, booked, arg) for every slot of day that has bookings
 * (not cancelled).  Returns STORE_OK or an error.
 */
enum store_status
store_booking_slots(struct store_txn *txn, const char *day,
    void (*fn)(const char *, int, void *), void *arg)
{
	struct db_stmt	*s;
	int		 rc;

	if ((s = store_txn_stmt(txn, &store_reception_family, ST_SLOTS)) ==
	    NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, day);
	while ((rc = db_step(s)) == DB_ROW)
		fn(db_column_text(s, 0),
		    (int)db_column_int64(s, 1), arg);
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		return store_txn_fail(txn, rc, "booking slots");
	return STORE_OK;
}

/*
 * The first booking of number on day "from" or later, into b (strings
 * owned: store_booking_clear()).  Returns STORE_OK, STORE_NOTFOUND or an
 * error.
 */
enum store_status
store_booking_of(struct store_txn *txn, const char *number, const char *from,
    struct store_booking *b)
{
	struct db_stmt	*s;

	memset(b, 0, sizeof(*b));
	if ((s = store_txn_stmt(txn, &store_reception_family, ST_OF)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, number);
	store_bind_text(s, 2, from);
	return store_txn_row(txn, s, "booking", fill_copy, b);
}

/*
 * Books b (its day, slot, seq, number, channel, lang, topic, created),
 * giving the number a pseudonym if it has none.  Returns STORE_OK with
 * the row's id in *id, or an error.
 */
enum store_status
store_booking_add(struct store_txn *txn, const struct store_booking_new *b,
    int64_t *id)
{
	struct db_stmt		*s;
	enum store_status	 st;
	int64_t			 t = b->created ? b->created : clock_unix();

	if ((s = store_txn_stmt(txn, &store_reception_family,
	    ST_PSEUDONYM)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, b->number);
	db_bind_int64(s, 2, t);
	if ((st = store_txn_step(txn, s, "pseudonym", NULL)) != STORE_OK)
		return st;
	if ((s = store_txn_stmt(txn, &store_reception_family, ST_ADD)) ==
	    NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, b->day);
	store_bind_text(s, 2, b->slot);
	db_bind_int64(s, 3, b->seq);
	store_bind_text(s, 4, b->number);
	store_bind_text(s, 5, b->channel);
	store_bind_text(s, 6, b->lang < 0 ? NULL : b->lang ? "en" : "vi");
	store_bind_text(s, 7, b->topic);
	db_bind_int64(s, 8, t);
	return store_txn_step(txn, s, "booking", id);
}

/* Cancels booking id at "at".  Returns STORE_OK or an error. */
enum store_status
store_booking_cancel(struct store_txn *txn, int64_t id, int64_t at)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_reception_family, ST_CANCEL)) ==
	    NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, at);
	return store_txn_step(txn, s, "booking cancel", NULL);
}

/*
 * Calls fn(booking, arg) for every booking of day not yet reminded and
 * not cancelled (the booking points into the row: valid during the call
 * only; fn must not use the store).  Returns STORE_OK or an error.
 */
enum store_status
store_bookings_to_remind(struct store_txn *txn, const char *day,
    void (*fn)(const struct store_booking *, void *), void *arg)
{
	struct store_booking	 b;
	struct db_stmt		*s;
	int			 rc;

	if ((s = store_txn_stmt(txn, &store_reception_family, ST_DUE)) ==
	    NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, day);
	while ((rc = db_step(s)) == DB_ROW) {
		fill_booking(s, &b, 0);
		fn(&b, arg);
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		return store_txn_fail(txn, rc, "bookings to remind");
	return STORE_OK;
}

/* Records that booking id was reminded at "at". */
enum store_status
store_booking_reminded(struct store_txn *txn, int64_t id, int64_t at)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_reception_family, ST_REMINDED)) ==
	    NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, at);
	return store_txn_step(txn, s, "booking reminded", NULL);
}

/*
 * Erases the numbers of at most limit bookings of days before "before"
 * ("YYYY-MM-DD"); *n says how many.  Returns STORE_OK or an error.
 */
enum store_status
store_bookings_erase(struct store_txn *txn, const char *before, int limit,
    int64_t *n)
{
	struct db_stmt		*s;
	enum store_status	 st;

	*n = 0;
	if ((s = store_txn_stmt(txn, &store_reception_family, ST_ERASE)) ==
	    NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, before);
	db_bind_int64(s, 2, limit);
	if ((st = store_txn_step(txn, s, "bookings erase", NULL)) != STORE_OK)
		return st;
	*n = store_txn_changes(txn);
	return STORE_OK;
}

struct day_read {
	const char	*day;
	void		(*fn)(const struct store_booking *, void *);
	void		*arg;
};

static enum store_status
day_work(struct store_txn *txn, void *arg)
{
	struct day_read		*dr = arg;
	struct store_booking	 b;
	struct db_stmt		*s;
	int			 rc;

	if ((s = store_txn_stmt(txn, &store_reception_family, ST_DAY)) ==
	    NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, dr->day);
	while ((rc = db_step(s)) == DB_ROW) {
		fill_booking(s, &b, 0);
		dr->fn(&b, dr->arg);
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		return store_txn_fail(txn, rc, "reception agenda");
	return STORE_OK;
}

/*
 * The agenda of day: fn(booking, arg) for each of its bookings, booked
 * ones first in the order of their slots, then the cancelled ones, with
 * the resident's open cases (open_cases: "12:security,40:procedures",
 * reference numbers and categories).
 * Committed data; the booking points into the row.  Returns STORE_OK or
 * an error.
 */
enum store_status
store_bookings_day(struct store *st, const char *day,
    void (*fn)(const struct store_booking *, void *), void *arg)
{
	struct day_read	dr = { day, fn, arg };

	return store_read(st, day_work, &dr);
}

void
store_booking_clear(struct store_booking *b)
{
	free(b->day);
	free(b->slot);
	free(b->number);
	free(b->channel);
	free(b->topic);
	free(b->open_cases);
	memset(b, 0, sizeof(*b));
}
