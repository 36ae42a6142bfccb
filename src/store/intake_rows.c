/*
 * intake_rows.c: what an officer wrote down with a slip or a point
 * raised in person (papictl intake): the intake table, one row beside
 * the case it became, written in the case's own transaction by the
 * ingest pipeline (core/ingest.c), read by papictl show.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "base/clock.h"
#include "store/store_priv.h"

enum {
	ST_INTAKE_ADD,
	ST_INTAKE_GET,
	ST_MAX
};

static const char *const intake_sql[ST_MAX] = {
	[ST_INTAKE_ADD] = "INSERT INTO intake (case_id, source, slip, area, "
	    "received, officer, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_INTAKE_GET] = "SELECT source, slip, area, received, officer, "
	    "created FROM intake WHERE case_id = ?1",
};

const struct store_family store_intake_family = {
	STORE_FAM_INTAKE, ST_MAX, intake_sql, NULL
};

/*
 * Records what the officer wrote down with case case_id.  Returns
 * STORE_OK or an error.
 */
enum store_status
store_intake_add(struct store_txn *txn, int64_t case_id,
    const struct store_intake *in)
{
	struct db_stmt	*s;

	if ((s = store_txn_stmt(txn, &store_intake_family, ST_INTAKE_ADD)) ==
	    NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, case_id);
	store_bind_text(s, 2, case_source_name(in->source));
	store_bind_text(s, 3, in->slip != NULL && in->slip[0] ? in->slip :
	    NULL);
	store_bind_text(s, 4, in->area != NULL && in->area[0] ? in->area :
	    NULL);
	store_bind_text(s, 5, in->received);
	store_bind_text(s, 6, in->officer);
	db_bind_int64(s, 7, clock_unix());
	return store_txn_step(txn, s, "intake", NULL);
}

static void
fill_intake(struct db_stmt *s, void *out)
{
	struct store_intake_row	*r = out;
	int			 src;

	src = case_source_parse(db_column_text(s, 0));
	r->source = src >= 0 ? (enum case_source)src : CASE_SOURCE_SMS;
	r->slip = store_col_str(s, 1);
	r->area = store_col_str(s, 2);
	r->received = store_col_str(s, 3);
	r->officer = store_col_str(s, 4);
	r->created = db_column_int64(s, 5);
}

/*
 * Reads what was written down with case case_id into r (strings owned:
 * store_intake_clear()).  Returns STORE_OK, STORE_NOTFOUND for a case
 * that came in any other way, or an error.
 */
enum store_status
store_intake_get(struct store *st, int64_t case_id,
    struct store_intake_row *r)
{
	memset(r, 0, sizeof(*r));
	return store_read_row(st, &store_intake_family, ST_INTAKE_GET,
	    case_id, fill_intake, r);
}

void
store_intake_clear(struct store_intake_row *r)
{
	free(r->slip);
	free(r->area);
	free(r->received);
	free(r->officer);
	memset(r, 0, sizeof(*r));
}
