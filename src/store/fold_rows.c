/*
 * fold_rows.c: the figures of reports summed by day (schema 31), folded
 * by the timer from the cases' history, off the ingest writer's
 * statements.
 *
 * A report of a period frozen at a local day's start C counts each case
 * created in the period as it stood at C (store_report_frozen()).  Every
 * figure of a case at C is a function of its history before C.  The fold
 * writes that function as changes: a row of report_days per ward, local
 * day of creation (cday), local day of a change (xday), category and
 * source holds what the changes of that day did to the counts (a case
 * created, answered, resolved, reopened, moved to another category by a
 * correction, satisfied...), and report_day_times what they did to the
 * times to the first answer and to resolution, per bucket of about 2 %
 * (store_fold_bucket()).  The figures at C of the cases created in
 * [from, to) are the sums of the rows of cday in [from, to) and xday
 * before C (store_report_summed() in query.c).
 *
 * Beside the days, the same changes are summed per local month of
 * creation and month of change (schema 33): report_months, and
 * report_month_times with the times of a row as one list of buckets and
 * counts (store_fold_hist_encode()), which the work item of a chunk
 * reads, adds to and writes back (fold_months()).  A report reads its
 * whole months from them and days only at its ends: a year, a few
 * thousand rows instead of hundreds of thousands.
 *
 * The one figure that changes without a change in the history is "due"
 * (answered, or past the deadline at C): the fold writes it as a step at
 * the deadline's day, ahead of time, and moves the step when the case
 * changes (an answer, another deadline).
 *
 * What is folded is said by three counters: report_fold_mark, the moment
 * up to which the cases of id up to report_fold_ids are folded, and
 * report_fold_target, the newest case when the mark last moved.  A fold
 * chunk (store_report_fold(), from the timer) does one of:
 * - while report_fold_ids is behind report_fold_target, folds the next
 *   cases after it whole, each from its history up to the mark: the
 *   days of its changes, and its figures at the end of each.  The first
 *   fold, after the upgrade, builds the sums so, from every case, in
 *   chunks;
 * - else moves the mark on by a span of at most an hour that does not
 *   cross a local midnight, to a minute before now at most: each case
 *   (up to report_fold_ids) created, answered, satisfied or changed by an
 *   event, a correction or a new deadline in the span is read as it stood
 *   at the span's start and at its end (STORE_FROZEN_SQL, one case at a
 *   time) and the difference added on the span's day.  Then
 *   report_fold_target becomes the newest case, which the next chunks
 *   fold whole up to the new mark.
 * Between spans, when the clock stands still (tests), the newest cases
 * are folded whole up to the mark as it is.
 *
 * History written late, with a moment before the mark, is found by its
 * row: a case so (papictl intake --received) has an id past
 * report_fold_target and is folded whole; a row of case_events,
 * corrections or case_deadlines of a case already folded has an id past
 * report_fold_events, _fixes or _limits, the newest ids the fold had
 * read (the spans read every row up to them).  A chunk that finds some
 * folds the days of those cases' creation again, FOLD_LATE_DAYS at
 * most: every case of the day and ward whole, up to the mark, and the
 * day's rows as they are, negated (day_unfold()), so that the rows, and
 * anything summed from them, end as made anew.  Until it has, store_report_summed()
 * finds the same rows and the report reads case by case.  A rewrite in
 * place (a repair by hand) has no new row: deleting report_fold_mark
 * makes the next chunks start the first fold again, once they have
 * deleted the sums, a few thousand rows of each table a work item
 * (fold_clear()); the mark stays away meanwhile, and reports read case
 * by case.
 *
 * A chunk reads on a connection of its own (from the timers' thread),
 * and merges its changes in memory: the cases of a day, category and
 * source add to one row.  The writer then only adds those rows, and
 * their sums by month, and sets the counters, in one work item.  The ingest writer's statements do not
 * change: a new case enters none of the indexes of schema 31 (partial).
 * The fold runs when reports.daily_sums is on (the default).
 *
 * On PostgreSQL the fold does not run yet: the tables stay empty, and
 * reports read case by case.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "base/clock.h"
#include "base/date.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "domain/source.h"
#include "store/engine.h"
#include "store/query.h"
#include "store/store_priv.h"

#define FOLD_LAG	60	/* seconds: the mark stays this far behind now */
#define FOLD_SPAN	3600	/* seconds folded by one chunk, at most */
#define FOLD_EXACT	64	/* seconds below which a bucket is exact */
#define FOLD_RATIO	1.02	/* the ratio of a bucket's ends above */
#define FOLD_SMS_DAYS	8	/* days of SMS counted by one chunk, at most */

enum {
	ST_COUNTER,
	ST_SET,
	ST_NEWEST,
	ST_NEXT_IDS,
	ST_CHANGED,
	ST_MOMENTS,
	ST_FROZEN,
	ST_DAYS_ADD,
	ST_TIMES_ADD,
	ST_MAX_IDS,
	ST_LATE_EVENTS,
	ST_LATE_FIXES,
	ST_LATE_LIMITS,
	ST_DAY_CASES,
	ST_DAY_ROWS,
	ST_DAY_TIMES,
	ST_DAYS_CLEAR,
	ST_TIMES_CLEAR,
	ST_MONTHS_CLEAR,
	ST_MHIST_CLEAR,
	ST_SMS_CLEAR,
	ST_DAYS_CUT,
	ST_TIMES_CUT,
	ST_MONTHS_CUT,
	ST_MHIST_CUT,
	ST_SMS_CUT,
	ST_SUMS_LEFT,
	ST_MONTHS_ADD,
	ST_MHIST_GET,
	ST_MHIST_PUT,
	ST_MHIST_DEL,
	ST_SMS_FIRST,
	ST_SMS_COUNT,
	ST_SMS_ADD,
	ST_MAX
};

/*
 * The history written late (see the top of this file): the rows past the
 * ids read, by their ids (STORE_FOLD_LATE()), of cases folded already.
 */
#define FOLD_LATE_ROWS	512	/* rows of a table read at once */
#define FOLD_LATE_DAYS	1	/* days folded again by a chunk */
/*
 * Sums left by an earlier fold, emptied before a first fold starts
 * again, about limit rows a table a work item: the rows of t up to the
 * limit-th in the order of its key (the key's range read in the primary
 * key), all of them (the CLEAR) when it has fewer.
 */
#define FOLD_CLEAR_ROWS	2048	/* rows of a table deleted at once */
#define CUT(t, key)							\
	"DELETE FROM " t " WHERE (" key ") <= (SELECT " key " FROM " t	\
	" ORDER BY " key " LIMIT 1 OFFSET ?1)"
#define LATE_FROM(late)							\
	late("x.rowid, coalesce(c.ward, ''), c.created",		\
	"JOIN cases c ON c.id = x.case_id", "?1", "?2")			\
	" AND c.id <= ?3 ORDER BY x.rowid LIMIT ?4"


static const char *const fold_sql[ST_MAX] = {
	[ST_COUNTER] = "SELECT value, 0 FROM counters WHERE name = ?1",
	[ST_SET] = "INSERT INTO counters (name, value) VALUES (?1, ?2) "
	    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	[ST_NEWEST] = "SELECT coalesce(max(id), 0), 0 FROM cases",
	[ST_NEXT_IDS] = "SELECT id, coalesce(ward, '') FROM cases "
	    "WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT ?3",
	/* A deadline changed at "until" holds for cuts before it. */
	[ST_CHANGED] = "SELECT id, coalesce(ward, '') FROM cases "
	    "WHERE id <= ?3 AND id IN (SELECT id FROM cases WHERE "
	    "created >= ?1 AND created < ?2 UNION SELECT id FROM cases "
	    "WHERE first_answered IS NOT NULL AND first_answered >= ?1 AND "
	    "first_answered < ?2 UNION SELECT id FROM cases WHERE "
	    "satisfaction_at IS NOT NULL AND satisfaction_at >= ?1 AND "
	    "satisfaction_at < ?2 UNION SELECT case_id FROM case_events "
	    "WHERE at >= ?1 AND at < ?2 UNION SELECT case_id FROM "
	    "corrections WHERE created >= ?1 AND created < ?2 UNION "
	    "SELECT case_id FROM case_deadlines WHERE until > ?1 AND "
	    "until <= ?2) ORDER BY id",
	/*
	 * The moments a case's figures changed: each moment t here changes
	 * its figures at the cuts after t.
	 */
	[ST_MOMENTS] = "SELECT t FROM (SELECT created AS t FROM cases WHERE "
	    "id = ?1 UNION ALL SELECT first_answered FROM cases WHERE id = ?1 "
	    "UNION ALL SELECT satisfaction_at FROM cases WHERE id = ?1 "
	    "UNION ALL SELECT at FROM case_events WHERE case_id = ?1 "
	    "UNION ALL SELECT created FROM corrections WHERE case_id = ?1 "
	    "UNION ALL SELECT until - 1 FROM case_deadlines WHERE case_id = "
	    "?1) AS m WHERE t IS NOT NULL AND t < ?2 ORDER BY t",
	[ST_FROZEN] = STORE_FROZEN_SQL("c.id = ?1 AND c.created < ?2"),
	[ST_DAYS_ADD] = "INSERT INTO report_days (ward, cday, xday, category, "
	    "source, cases, open, resolved, reopened, answered, resolutions, "
	    "due, on_time, sat1, sat2, sat3, sat4, sat5) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
	    "?18) ON CONFLICT (cday, xday, ward, category, source) DO UPDATE "
	    "SET cases = report_days.cases + excluded.cases, "
	    "open = report_days.open + excluded.open, "
	    "resolved = report_days.resolved + excluded.resolved, "
	    "reopened = report_days.reopened + excluded.reopened, "
	    "answered = report_days.answered + excluded.answered, "
	    "resolutions = report_days.resolutions + excluded.resolutions, "
	    "due = report_days.due + excluded.due, "
	    "on_time = report_days.on_time + excluded.on_time, "
	    "sat1 = report_days.sat1 + excluded.sat1, "
	    "sat2 = report_days.sat2 + excluded.sat2, "
	    "sat3 = report_days.sat3 + excluded.sat3, "
	    "sat4 = report_days.sat4 + excluded.sat4, "
	    "sat5 = report_days.sat5 + excluded.sat5",
	[ST_TIMES_ADD] = "INSERT INTO report_day_times (ward, cday, xday, "
	    "category, source, kind, bucket, n) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8) ON CONFLICT (cday, xday, ward, category, source, "
	    "kind, bucket) DO UPDATE SET n = report_day_times.n + excluded.n",
	[ST_MAX_IDS] = "SELECT (SELECT coalesce(max(id), 0) FROM "
	    "case_events), (SELECT coalesce(max(id), 0) FROM corrections), "
	    "(SELECT coalesce(max(rowid), 0) FROM case_deadlines)",
	[ST_LATE_EVENTS] = LATE_FROM(STORE_FOLD_LATE_EVENTS),
	[ST_LATE_FIXES] = LATE_FROM(STORE_FOLD_LATE_FIXES),
	[ST_LATE_LIMITS] = LATE_FROM(STORE_FOLD_LATE_LIMITS),
	[ST_DAY_CASES] = "SELECT id, coalesce(ward, '') FROM cases WHERE "
	    "created >= ?1 AND created < ?2 AND coalesce(ward, '') = ?3 AND "
	    "id <= ?4 ORDER BY id",
	[ST_DAY_ROWS] = "SELECT xday, category, source, cases, open, resolved, "
	    "reopened, answered, resolutions, due, on_time, sat1, sat2, sat3, "
	    "sat4, sat5 FROM report_days WHERE cday = ?1 AND ward = ?2",
	[ST_DAY_TIMES] = "SELECT xday, category, source, kind, bucket, n "
	    "FROM report_day_times WHERE cday = ?1 AND ward = ?2",
	[ST_DAYS_CLEAR] = "DELETE FROM report_days",
	[ST_TIMES_CLEAR] = "DELETE FROM report_day_times",
	[ST_MONTHS_CLEAR] = "DELETE FROM report_months",
	[ST_MHIST_CLEAR] = "DELETE FROM report_month_times",
	[ST_SMS_CLEAR] = "DELETE FROM report_sms_days",
	[ST_DAYS_CUT] = CUT("report_days", "cday, xday, ward, category, "
	    "source"),
	[ST_TIMES_CUT] = CUT("report_day_times", "cday, xday, ward, "
	    "category, source, kind, bucket"),
	[ST_MONTHS_CUT] = CUT("report_months", "cmonth, xmonth, ward, "
	    "category, source"),
	[ST_MHIST_CUT] = CUT("report_month_times", "cmonth, xmonth, ward, "
	    "category, source, kind"),
	[ST_SMS_CUT] = CUT("report_sms_days", "day, ward, kind"),
	[ST_SUMS_LEFT] = "SELECT EXISTS (SELECT 1 FROM report_days) OR "
	    "EXISTS (SELECT 1 FROM report_day_times) OR EXISTS (SELECT 1 "
	    "FROM report_months) OR EXISTS (SELECT 1 FROM report_month_times) "
	    "OR EXISTS (SELECT 1 FROM report_sms_days), 0",
	[ST_MONTHS_ADD] = "INSERT INTO report_months (ward, cmonth, xmonth, "
	    "category, source, cases, open, resolved, reopened, answered, "
	    "resolutions, due, on_time, sat1, sat2, sat3, sat4, sat5) VALUES "
	    "(?3, ?1, ?2, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15, ?16, ?17, ?18) ON CONFLICT (cmonth, xmonth, ward, category, "
	    "source) DO UPDATE SET "
	    "cases = report_months.cases + excluded.cases, "
	    "open = report_months.open + excluded.open, "
	    "resolved = report_months.resolved + excluded.resolved, "
	    "reopened = report_months.reopened + excluded.reopened, "
	    "answered = report_months.answered + excluded.answered, "
	    "resolutions = report_months.resolutions + excluded.resolutions, "
	    "due = report_months.due + excluded.due, "
	    "on_time = report_months.on_time + excluded.on_time, "
	    "sat1 = report_months.sat1 + excluded.sat1, "
	    "sat2 = report_months.sat2 + excluded.sat2, "
	    "sat3 = report_months.sat3 + excluded.sat3, "
	    "sat4 = report_months.sat4 + excluded.sat4, "
	    "sat5 = report_months.sat5 + excluded.sat5",
	[ST_MHIST_GET] = "SELECT hist FROM report_month_times WHERE "
	    "cmonth = ?1 AND xmonth = ?2 AND ward = ?3 AND category = ?4 AND "
	    "source = ?5 AND kind = ?6",
	[ST_MHIST_PUT] = "INSERT INTO report_month_times (ward, cmonth, "
	    "xmonth, category, source, kind, hist) VALUES (?3, ?1, ?2, ?4, "
	    "?5, ?6, ?7) ON CONFLICT (cmonth, xmonth, ward, category, source, "
	    "kind) DO UPDATE SET hist = excluded.hist",
	[ST_MHIST_DEL] = "DELETE FROM report_month_times WHERE "
	    "cmonth = ?1 AND xmonth = ?2 AND ward = ?3 AND category = ?4 AND "
	    "source = ?5 AND kind = ?6",
	[ST_SMS_FIRST] = "SELECT coalesce(min(created), ?1), 0 FROM outbox",
	/* The ward of store_outbox_parts(): its case's, or its own. */
	[ST_SMS_COUNT] = "SELECT o.kind, CASE WHEN o.case_id IS NULL THEN "
	    "coalesce(o.ward, '') ELSE coalesce(c.ward, '') END, count(*), "
	    "sum(o.segments) FROM outbox o LEFT JOIN cases c ON c.id = "
	    "o.case_id WHERE o.created >= ?1 AND o.created < ?2 GROUP BY 1, 2",
	[ST_SMS_ADD] = "INSERT INTO report_sms_days (ward, day, kind, "
	    "messages, parts) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (day, "
	    "ward, kind) DO UPDATE SET messages = report_sms_days.messages + "
	    "excluded.messages, parts = report_sms_days.parts + excluded.parts",
};

const struct store_family store_fold_family = {
	STORE_FAM_FOLD, ST_MAX, fold_sql, NULL
};

static struct db_stmt *
stmt(struct store_txn *txn, int id)
{
	return store_txn_stmt(txn, &store_fold_family, id);
}

/*
 * The bucket of a time of secs seconds: the second itself below
 * FOLD_EXACT, then buckets whose ends are FOLD_RATIO apart, up to
 * STORE_FOLD_BUCKETS - 1.
 */
int
store_fold_bucket(int64_t secs)
{
	double	b;

	if (secs < FOLD_EXACT)
		return secs < 0 ? 0 : (int)secs;
	b = floor(log((double)secs / FOLD_EXACT) / log(FOLD_RATIO));
	if (b > STORE_FOLD_BUCKETS - 1 - FOLD_EXACT)
		b = STORE_FOLD_BUCKETS - 1 - FOLD_EXACT;
	return FOLD_EXACT + (int)b;
}

/*
 * The time a report gives for bucket b: the second itself, or the
 * geometric middle of the bucket, within 1 % of every time in it
 * (FOLD_RATIO's square root).
 */
int64_t
store_fold_bucket_value(int b)
{
	if (b < FOLD_EXACT)
		return b;
	return llround(FOLD_EXACT * pow(FOLD_RATIO, b - FOLD_EXACT + 0.5));
}

/* Appends v to p as a varint (7 bits a byte, the lowest first). */
static unsigned char *
varint_put(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

/*
 * Encodes the counts per bucket h (STORE_FOLD_BUCKETS of them) into buf,
 * of STORE_FOLD_HIST_MAX bytes: for each bucket whose count is not 0, in
 * order, its distance from the one before (from 0 for the first), then
 * its count zigzagged (0, -1, 1, -2... as 0, 1, 2, 3...: a month's
 * changes may take a case out of a bucket), each a varint.  Returns the
 * length, 0 when every count is 0.
 */
size_t
store_fold_hist_encode(const int64_t *h, unsigned char *buf)
{
	unsigned char	*p = buf;
	int		 b, prev = 0;

	for (b = 0; b < STORE_FOLD_BUCKETS; b++) {
		if (h[b] == 0)
			continue;
		p = varint_put(p, (uint64_t)(b - prev));
		p = varint_put(p, ((uint64_t)h[b] << 1) ^
		    (uint64_t)(h[b] >> 63));
		prev = b;
	}
	return (size_t)(p - buf);
}

/* Reads a varint at *p, before end, into *v; returns -1 when cut off. */
static int
varint_get(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	int	shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return 0;
		shift += 7;
	}
	return -1;
}

/*
 * Decodes a list of len bytes made by store_fold_hist_encode() into its
 * buckets and counts, STORE_FOLD_BUCKETS of each at most.  Returns how
 * many, or -1 when the list is damaged.
 */
int
store_fold_hist_decode(const void *list, size_t len, int *bucket,
    int64_t *n)
{
	const unsigned char	*p = list, *end = p + len;
	uint64_t		 gap, z;
	int			 k = 0, b = 0;

	while (p < end) {
		if (varint_get(&p, end, &gap) == -1 || varint_get(&p, end,
		    &z) == -1 || gap >= STORE_FOLD_BUCKETS ||
		    (b += (int)gap) >= STORE_FOLD_BUCKETS ||
		    k == STORE_FOLD_BUCKETS)
			return -1;
		bucket[k] = b;
		n[k++] = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
	}
	return k;
}

/* A case as it stood at a moment, as the figures read it. */
struct fcase {
	int		 present;
	int64_t		 created;
	int64_t		 deadline;
	int64_t		 answered;	/* first answer, or 0 */
	int64_t		 closed;	/* last resolution, or 0 */
	int		 resolved;	/* resolved or confirmed */
	int		 reopened;
	int		 satisfaction;
	char		 source[24];
	char		 category[STORE_CATEGORY_MAX];
};

/* One change to add: a row of report_days (kind -1) or of the times. */
struct fent {
	int64_t		 cday;
	int64_t		 xday;
	int		 kind;
	int		 bucket;
	char		 ward[STORE_WARD_MAX];
	char		 category[STORE_CATEGORY_MAX];
	char		 source[24];
	int64_t		 v[STORE_FOLD_NCOUNTS];
};

/*
 * A chunk's work: read on a connection of the fold's own, then written
 * by one work item: the changes, merged (the cases of a day, category and
 * source add to one row), and the counters' new values.
 */
struct fsms {
	int64_t		 day;
	char		 ward[STORE_WARD_MAX];
	char		 kind[24];
	int64_t		 messages;
	int64_t		 parts;
};

struct store_fold {
	struct store_query	*q;		/* the fold's reads */
	struct fent		*e;
	size_t			 n;
	size_t			 cap;
	struct fsms		*s;		/* the SMS counted */
	size_t			 ns;
	size_t			 scap;
	int64_t			 sms;		/* counted up to then */
	int64_t			 mark;
	int64_t			 upto;
	int64_t			 target;
	int64_t			 late[3];	/* the rows' ids read */
	struct {
		int64_t		 cday;
		char		 ward[STORE_WARD_MAX];
	}			 redo[FOLD_LATE_DAYS];
	size_t			 nredo;		/* days folded again */
	int			 clear;		/* old sums to empty, a chunk */
	int64_t			 cleared;	/* rows deleted so */
	int64_t			 clear_items;	/* work items that did */
	int64_t			 clear_max;	/* the longest, ms */
};

const char *const store_fold_counter[STORE_FC_MAX] = {
	[STORE_FC_MARK] = "report_fold_mark",
	[STORE_FC_IDS] = "report_fold_ids",
	[STORE_FC_TARGET] = "report_fold_target",
	[STORE_FC_EVENTS] = "report_fold_events",
	[STORE_FC_FIXES] = "report_fold_fixes",
	[STORE_FC_LIMITS] = "report_fold_limits",
	[STORE_FC_SMS] = "report_fold_sms",
};

/*
 * The statements reading the rows of late[], in its order (its counters:
 * from STORE_FC_EVENTS on).
 */
static const int late_stmt[3] = {
	ST_LATE_EVENTS, ST_LATE_FIXES, ST_LATE_LIMITS
};

static void
fcase_fill(struct db_stmt *s, void *out)
{
	struct fcase		*f = out;
	struct store_case	 c;

	store_case_fill(s, &c, 0);
	memset(f, 0, sizeof(*f));
	f->present = 1;
	f->created = c.created;
	f->deadline = c.deadline;
	f->answered = c.first_answered;
	f->resolved = c.state == STORE_CASE_RESOLVED ||
	    c.state == STORE_CASE_CONFIRMED;
	f->closed = f->resolved ? c.closed : 0;
	f->reopened = c.reopened != 0;
	f->satisfaction = c.satisfaction >= 1 && c.satisfaction <= 5 ?
	    c.satisfaction : 0;
	snprintf(f->source, sizeof(f->source), "%s", case_source_name(
	    (unsigned)c.source < CASE_SOURCE_MAX ? c.source : CASE_SOURCE_SMS));
	snprintf(f->category, sizeof(f->category), "%s",
	    c.category != NULL ? c.category : "");
}

/* Reads case id as it stood at moment cut into f (f->present 0: none). */
static enum store_status
frozen_at(struct store_txn *txn, int64_t id, int64_t cut, struct fcase *f)
{
	struct db_stmt		*s;
	enum store_status	 st;

	memset(f, 0, sizeof(*f));
	if ((s = stmt(txn, ST_FROZEN)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, cut);
	db_bind_int64(s, 3, cut);
	st = store_txn_row(txn, s, "report fold case", fcase_fill, f);
	return st == STORE_NOTFOUND ? STORE_OK : st;
}

/* A new entry of fo, its counts 0. */
static struct fent *
fent_new(struct store_fold *fo, const char *ward, int64_t cday,
    int64_t xday, const char *category, const char *source, int kind,
    int bucket)
{
	struct fent	*e;

	if (fo->n == fo->cap) {
		fo->cap = fo->cap ? fo->cap * 2 : 256;
		fo->e = xreallocarray(fo->e, fo->cap, sizeof(*fo->e));
	}
	e = &fo->e[fo->n++];
	memset(e, 0, sizeof(*e));
	e->cday = cday;
	e->xday = xday;
	e->kind = kind;
	e->bucket = bucket;
	snprintf(e->ward, sizeof(e->ward), "%s", ward);
	snprintf(e->category, sizeof(e->category), "%s", category);
	snprintf(e->source, sizeof(e->source), "%s", source);
	return e;
}

/* The entry of fo for a change of case f on day xday, new or merged. */
static struct fent *
fent(struct store_fold *fo, const char *ward, const struct fcase *f,
    int64_t xday, int kind, int bucket)
{
	int64_t		cday = date_day_start(f->created);
	struct fent	*e;
	size_t		 i;

	for (i = fo->n; i-- > 0; ) {
		e = &fo->e[i];
		if (e->cday == cday && e->xday == xday && e->kind == kind &&
		    e->bucket == bucket && strcmp(e->category, f->category) ==
		    0 && strcmp(e->source, f->source) == 0 &&
		    strcmp(e->ward, ward) == 0)
			return e;
	}
	return fent_new(fo, ward, cday, xday, f->category, f->source, kind,
	    bucket);
}

/*
 * Adds sign times what case f counts for at the cuts after day xday to
 * fo: its counts, its times, and "due" from the day its deadline passes
 * when it has no answer.
 */
static void
fcase_add(struct store_fold *fo, const char *ward, const struct fcase *f,
    int64_t xday, int sign)
{
	struct fent	*e;
	int64_t		 dday;

	if (!f->present)
		return;
	e = fent(fo, ward, f, xday, -1, 0);
	e->v[STORE_FOLD_CASES] += sign;
	e->v[f->resolved ? STORE_FOLD_RESOLVED : STORE_FOLD_OPEN] += sign;
	if (f->reopened)
		e->v[STORE_FOLD_REOPENED] += sign;
	if (f->answered != 0) {
		e->v[STORE_FOLD_ANSWERED] += sign;
		if (f->answered <= f->deadline)
			e->v[STORE_FOLD_ON_TIME] += sign;
		e->v[STORE_FOLD_DUE] += sign;
	}
	if (f->closed != 0)
		e->v[STORE_FOLD_RESOLUTIONS] += sign;
	if (f->satisfaction > 0)
		e->v[STORE_FOLD_SAT1 + f->satisfaction - 1] += sign;
	if (f->answered != 0)
		fent(fo, ward, f, xday, 0, store_fold_bucket(f->answered -
		    f->created))->v[0] += sign;
	if (f->closed != 0)
		fent(fo, ward, f, xday, 1, store_fold_bucket(f->closed -
		    f->created))->v[0] += sign;
	if (f->answered == 0) {
		/* Past the deadline at the cuts after its day. */
		dday = date_day_start(f->deadline);
		fent(fo, ward, f, dday > xday ? dday : xday, -1,
		    0)->v[STORE_FOLD_DUE] += sign;
	}
}

/* Adds, on day xday, the change of a case from "was" to "is". */
static void
fold_change(struct store_fold *fo, const char *ward, int64_t xday,
    const struct fcase *was, const struct fcase *is)
{
	if (memcmp(was, is, sizeof(*was)) == 0)
		return;
	fcase_add(fo, ward, was, xday, -1);
	fcase_add(fo, ward, is, xday, 1);
}

/* The start of the local day after the one that begins at day. */
static int64_t
next_day(int64_t day)
{
	return date_day_start(day + 36 * 3600);
}

/*
 * Folds case id whole, from its history up to moment mark: its figures
 * at the end of each day it changed before mark's, then at mark.
 */
static enum store_status
fold_whole(struct store_txn *txn, struct store_fold *fo, int64_t id,
    const char *ward, int64_t mark)
{
	struct fcase		 was, is;
	struct db_stmt		*s;
	enum store_status	 st = STORE_OK;
	int64_t			*days = NULL, markday = date_day_start(mark), d;
	size_t			 n = 0, cap = 0, i;
	int			 rc;

	if ((s = stmt(txn, ST_MOMENTS)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, mark);
	while ((rc = db_step(s)) == DB_ROW) {
		d = date_day_start(db_column_int64(s, 0));
		if (d >= markday || (n > 0 && days[n - 1] == d))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			days = xreallocarray(days, cap, sizeof(*days));
		}
		days[n++] = d;
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		st = store_txn_fail(txn, rc, "report fold moments");
	memset(&was, 0, sizeof(was));
	for (i = 0; st == STORE_OK && i < n; i++) {
		if ((st = frozen_at(txn, id, next_day(days[i]), &is)) ==
		    STORE_OK) {
			fold_change(fo, ward, days[i], &was, &is);
			was = is;
		}
	}
	free(days);
	if (st == STORE_OK && (st = frozen_at(txn, id, mark, &is)) ==
	    STORE_OK)
		fold_change(fo, ward, markday, &was, &is);
	return st;
}

/* The fold's counter k (STORE_FC_...) into *v, 0 when there is none. */
static enum store_status
counter_get(struct store_txn *txn, int k, int64_t *v)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_COUNTER)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, store_fold_counter[k]);
	return store_txn_count(txn, s, "report fold counter", v);
}

static enum store_status
counter_set(struct store_txn *txn, int k, int64_t v)
{
	struct db_stmt	*s;

	if ((s = stmt(txn, ST_SET)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, store_fold_counter[k]);
	db_bind_int64(s, 2, v);
	return store_txn_step(txn, s, "report fold counter", NULL);
}

/* Reads the fold's counter k into *v; *found 0 when there is none. */
static enum store_status
counter_find(struct store_txn *txn, int k, int64_t *v, int *found)
{
	struct db_stmt		*s;
	enum store_status	 st;

	*v = 0;
	*found = 0;
	if ((s = stmt(txn, ST_COUNTER)) == NULL)
		return STORE_ERROR;
	store_bind_text(s, 1, store_fold_counter[k]);
	st = store_txn_lookup(txn, s, "report fold counter", v, NULL);
	if (st == STORE_NOTFOUND)
		return STORE_OK;
	*found = st == STORE_OK;
	return st;
}

/*
 * The history written late (see the top of this file): the rows of
 * case_events, corrections and case_deadlines past fo->late[] whose
 * moment is before the mark, of cases already folded.  Collects the days
 * of their cases (ward, local day of creation) into fo->redo,
 * FOLD_LATE_DAYS at most, and moves fo->late[] past the rows of those
 * days, to max[] (the newest rows) when it has read them all.  Sets
 * *more to 1 when some are left.  Returns STORE_OK or an error.
 */
static enum store_status
late_read(struct store_txn *txn, struct store_fold *fo,
    const int64_t max[3], int *more)
{
	struct db_stmt	*s;
	const char	*ward;
	int64_t		 day;
	size_t		 i;
	int		 t, rc, n, full;

	for (t = 0; t < 3; t++) {
		if ((s = stmt(txn, late_stmt[t])) == NULL)
			return STORE_ERROR;
		db_bind_int64(s, 1, fo->late[t]);
		db_bind_int64(s, 2, fo->mark);
		db_bind_int64(s, 3, fo->upto);
		db_bind_int64(s, 4, FOLD_LATE_ROWS);
		n = full = 0;
		while ((rc = db_step(s)) == DB_ROW) {
			n++;
			ward = db_column_text(s, 1) != NULL ?
			    db_column_text(s, 1) : "";
			day = date_day_start(db_column_int64(s, 2));
			for (i = 0; i < fo->nredo; i++)
				if (fo->redo[i].cday == day &&
				    strcmp(fo->redo[i].ward, ward) == 0)
					break;
			if (i == fo->nredo) {
				if (fo->nredo == FOLD_LATE_DAYS) {
					full = 1;
					break;
				}
				fo->redo[i].cday = day;
				snprintf(fo->redo[i].ward,
				    sizeof(fo->redo[i].ward), "%s", ward);
				fo->nredo++;
			}
			fo->late[t] = db_column_int64(s, 0);
		}
		db_reset(s);
		db_clear_bindings(s);
		if (!full && rc != DB_DONE)
			return store_txn_fail(txn, rc, "report fold late");
		if (full || n == FOLD_LATE_ROWS)
			*more = 1;
		else
			fo->late[t] = max[t];
	}
	return STORE_OK;
}

/*
 * Adds to fo what the rows of day cday of ward hold now, negated: with
 * the day's cases folded whole again, the writes leave its rows as they
 * would be made anew, and every sum built from them too.  Appended, not
 * merged: the entries of the cases are made first.  Returns STORE_OK or
 * an error.
 */
static enum store_status
day_unfold(struct store_txn *txn, struct store_fold *fo, int64_t cday,
    const char *ward)
{
	struct db_stmt	*s;
	struct fent	*e;
	int		 t, k, rc;

	for (t = 0; t < 2; t++) {
		if ((s = stmt(txn, t ? ST_DAY_TIMES : ST_DAY_ROWS)) == NULL)
			return STORE_ERROR;
		db_bind_int64(s, 1, cday);
		store_bind_text(s, 2, ward);
		while ((rc = db_step(s)) == DB_ROW) {
			e = fent_new(fo, ward, cday, db_column_int64(s, 0),
			    db_column_text(s, 1) != NULL ?
			    db_column_text(s, 1) : "",
			    db_column_text(s, 2) != NULL ?
			    db_column_text(s, 2) : "",
			    t ? (int)db_column_int64(s, 3) : -1,
			    t ? (int)db_column_int64(s, 4) : 0);
			if (t)
				e->v[0] = -db_column_int64(s, 5);
			else
				for (k = 0; k < STORE_FOLD_NCOUNTS; k++)
					e->v[k] = -db_column_int64(s, 3 + k);
		}
		db_reset(s);
		db_clear_bindings(s);
		if (rc != DB_DONE)
			return store_txn_fail(txn, rc, "report fold day");
	}
	return STORE_OK;
}

struct idw {
	int64_t		 id;
	char		 ward[STORE_WARD_MAX];
};

/* Reads the ids and wards of the rows of s into *a, *n of them. */
static enum store_status
read_ids(struct store_txn *txn, struct db_stmt *s, struct idw **a,
    size_t *n)
{
	size_t	cap = 0;
	int	rc;

	*a = NULL;
	*n = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*a = xreallocarray(*a, cap, sizeof(**a));
		}
		(*a)[*n].id = db_column_int64(s, 0);
		snprintf((*a)[*n].ward, sizeof((*a)[*n].ward), "%s",
		    db_column_text(s, 1) != NULL ? db_column_text(s, 1) : "");
		(*n)++;
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		return store_txn_fail(txn, rc, "report fold ids");
	return STORE_OK;
}

/* Counts the SMS created in [t0, t1), within a day, into fo. */
static enum store_status
fold_sms(struct store_txn *txn, struct store_fold *fo, int64_t t0,
    int64_t t1)
{
	struct db_stmt	*s;
	struct fsms	*e;
	const char	*kind, *ward;
	int64_t		 day = date_day_start(t0);
	size_t		 i;
	int		 rc;

	if ((s = stmt(txn, ST_SMS_COUNT)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, t0);
	db_bind_int64(s, 2, t1);
	while ((rc = db_step(s)) == DB_ROW) {
		kind = db_column_text(s, 0) != NULL ? db_column_text(s, 0) : "";
		ward = db_column_text(s, 1) != NULL ? db_column_text(s, 1) : "";
		for (i = 0; i < fo->ns; i++)
			if (fo->s[i].day == day && strcmp(fo->s[i].kind,
			    kind) == 0 && strcmp(fo->s[i].ward, ward) == 0)
				break;
		if (i == fo->ns) {
			if (fo->ns == fo->scap) {
				fo->scap = fo->scap ? fo->scap * 2 : 64;
				fo->s = xreallocarray(fo->s, fo->scap,
				    sizeof(*fo->s));
			}
			e = &fo->s[fo->ns++];
			memset(e, 0, sizeof(*e));
			e->day = day;
			snprintf(e->kind, sizeof(e->kind), "%s", kind);
			snprintf(e->ward, sizeof(e->ward), "%s", ward);
		}
		fo->s[i].messages += db_column_int64(s, 2);
		fo->s[i].parts += db_column_int64(s, 3);
	}
	db_reset(s);
	db_clear_bindings(s);
	if (rc != DB_DONE)
		return store_txn_fail(txn, rc, "report fold SMS");
	return STORE_OK;
}

/*
 * The reads of a chunk (see the top of this file), at "now", of at most
 * limit cases folded whole, on the fold's connection: the changes into
 * fo, and the counters' new values.  Sets *more to 1 when there is more
 * to fold at once (cases to fold whole, or a mark behind by more than a
 * span).  Returns STORE_OK, STORE_NOTFOUND when there is nothing to do,
 * or an error.
 */
static enum store_status
fold_read(struct store_txn *txn, struct store_fold *fo, int64_t now,
    int limit, int *more)
{
	struct db_stmt		*s;
	enum store_status	 st;
	struct idw		*ids = NULL;
	struct fcase		 was, is;
	int64_t			 t1, day, newest, max[3] = { 0, 0, 0 },
				 was_late[3], left;
	size_t			 n, i, k;
	int			 t, f, found, dirty, rc;

	if ((st = counter_get(txn, STORE_FC_MARK, &fo->mark)) != STORE_OK ||
	    (st = counter_get(txn, STORE_FC_IDS, &fo->upto)) != STORE_OK ||
	    (st = counter_get(txn, STORE_FC_TARGET, &fo->target)) !=
	    STORE_OK || (st = counter_get(txn, STORE_FC_SMS, &fo->sms)) !=
	    STORE_OK)
		return st;
	if (fo->mark == 0) {
		/*
		 * The sums of an earlier fold (its mark taken away), emptied
		 * first, a chunk at a time (fold_clear()); the mark stays
		 * away meanwhile, and reports read case by case.
		 */
		if ((s = stmt(txn, ST_SUMS_LEFT)) == NULL)
			return STORE_ERROR;
		if ((st = store_txn_count(txn, s, "report fold anew",
		    &left)) != STORE_OK)
			return st;
		if (left) {
			fo->clear = 1;
			*more = 1;
			return STORE_OK;
		}
		if (fo->clear_items > 0)
			log_info(_("reports: the sums of the fold before "
			    "emptied, %lld rows in %lld work items, the "
			    "longest %lld ms; folded again from every case"),
			    (long long)fo->cleared,
			    (long long)fo->clear_items,
			    (long long)fo->clear_max);
		fo->cleared = fo->clear_items = fo->clear_max = 0;
	}
	for (t = 0, found = 1; t < 3; t++) {
		if ((st = counter_find(txn, STORE_FC_EVENTS + t,
		    &fo->late[t], &f)) != STORE_OK)
			return st;
		found = found && f;
	}
	if ((s = stmt(txn, ST_NEWEST)) == NULL)
		return STORE_ERROR;
	if ((st = store_txn_count(txn, s, "report fold newest", &newest)) !=
	    STORE_OK)
		return st;
	if ((s = stmt(txn, ST_MAX_IDS)) == NULL)
		return STORE_ERROR;
	if ((rc = db_step(s)) == DB_ROW)
		for (t = 0; t < 3; t++)
			max[t] = db_column_int64(s, t);
	db_reset(s);
	if (rc != DB_ROW)
		return store_txn_fail(txn, rc, "report fold rows");
	/* The counters to write even when nothing else is. */
	dirty = fo->mark == 0 || !found;
	if (fo->mark == 0) {
		/* The first fold: every case, whole, up to a minute ago. */
		fo->mark = now - FOLD_LAG;
		fo->upto = 0;
		fo->target = newest;
		fo->sms = 0;
	}
	if (dirty) {
		/*
		 * What is folded from now on, the rows read so far included
		 * (sums made before the rows' ids were kept: trusted).
		 */
		for (t = 0; t < 3; t++)
			fo->late[t] = max[t];
	}
	if (fo->upto < fo->target) {
		if ((s = stmt(txn, ST_NEXT_IDS)) == NULL)
			return STORE_ERROR;
		db_bind_int64(s, 1, fo->upto);
		db_bind_int64(s, 2, fo->target);
		db_bind_int64(s, 3, limit);
		if ((st = read_ids(txn, s, &ids, &n)) != STORE_OK)
			goto done;
		for (i = 0; i < n; i++)
			if ((st = fold_whole(txn, fo, ids[i].id, ids[i].ward,
			    fo->mark)) != STORE_OK)
				goto done;
		fo->upto = n == (size_t)limit ? ids[n - 1].id : fo->target;
		*more = 1;
		goto done;
	}
	if (fo->sms < fo->mark) {
		/* The SMS before the mark, from the first, day by day. */
		if (fo->sms == 0) {
			if ((s = stmt(txn, ST_SMS_FIRST)) == NULL)
				return STORE_ERROR;
			db_bind_int64(s, 1, fo->mark);
			if ((st = store_txn_count(txn, s, "report fold SMS",
			    &fo->sms)) != STORE_OK)
				return st;
			if (fo->sms > fo->mark || fo->sms <= 0)
				fo->sms = fo->mark;
		}
		for (i = 0; i < FOLD_SMS_DAYS && fo->sms < fo->mark; i++) {
			t1 = next_day(date_day_start(fo->sms));
			if (t1 > fo->mark)
				t1 = fo->mark;
			if ((st = fold_sms(txn, fo, fo->sms, t1)) != STORE_OK)
				return st;
			fo->sms = t1;
		}
		*more = 1;
		return STORE_OK;
	}
	/* The days of the history written late, folded again. */
	memcpy(was_late, fo->late, sizeof(was_late));
	if ((st = late_read(txn, fo, max, more)) != STORE_OK)
		return st;
	if (memcmp(was_late, fo->late, sizeof(was_late)) != 0)
		dirty = 1;	/* the rows' ids read moved on */
	if (fo->nredo > 0) {
		for (i = 0; i < fo->nredo; i++) {
			if ((s = stmt(txn, ST_DAY_CASES)) == NULL)
				return STORE_ERROR;
			db_bind_int64(s, 1, fo->redo[i].cday);
			db_bind_int64(s, 2, next_day(fo->redo[i].cday));
			store_bind_text(s, 3, fo->redo[i].ward);
			db_bind_int64(s, 4, fo->upto);
			if ((st = read_ids(txn, s, &ids, &n)) != STORE_OK)
				goto done;
			for (k = 0; k < n; k++)
				if ((st = fold_whole(txn, fo, ids[k].id,
				    ids[k].ward, fo->mark)) != STORE_OK)
					goto done;
			free(ids);
			ids = NULL;
			if ((st = day_unfold(txn, fo, fo->redo[i].cday,
			    fo->redo[i].ward)) != STORE_OK)
				goto done;
		}
		/* Looked for again at the next chunk. */
		*more = 1;
		goto done;
	}
	/* A span: up to an hour, within its day, up to a minute ago. */
	day = date_day_start(fo->mark);
	t1 = fo->mark + FOLD_SPAN;
	if (t1 > next_day(day))
		t1 = next_day(day);
	if (t1 > now - FOLD_LAG)
		t1 = now - FOLD_LAG;
	if (t1 <= fo->mark) {
		/* The cases since, folded whole up to the mark as it is. */
		if (newest > fo->upto) {
			fo->target = newest;
			*more = 1;
			return STORE_OK;
		}
		return dirty ? STORE_OK : STORE_NOTFOUND;
	}
	if ((s = stmt(txn, ST_CHANGED)) == NULL)
		return STORE_ERROR;
	db_bind_int64(s, 1, fo->mark);
	db_bind_int64(s, 2, t1);
	db_bind_int64(s, 3, fo->upto);
	if ((st = read_ids(txn, s, &ids, &n)) != STORE_OK)
		goto done;
	for (i = 0; i < n; i++) {
		if ((st = frozen_at(txn, ids[i].id, fo->mark, &was)) !=
		    STORE_OK || (st = frozen_at(txn, ids[i].id, t1, &is)) !=
		    STORE_OK)
			goto done;
		fold_change(fo, ids[i].ward, day, &was, &is);
	}
	if ((st = fold_sms(txn, fo, fo->mark, t1)) != STORE_OK)
		goto done;
	fo->mark = t1;
	fo->sms = t1;
	fo->target = newest;
	*more = newest > fo->upto || t1 < now - FOLD_LAG;
done:
	free(ids);
	return st;
}

/* The order of the keys of changes, and of their buckets. */
static int
fent_cmp(const void *a, const void *b)
{
	const struct fent	*x = a, *y = b;
	int			 c;

	if (x->cday != y->cday)
		return x->cday < y->cday ? -1 : 1;
	if (x->xday != y->xday)
		return x->xday < y->xday ? -1 : 1;
	if ((c = strcmp(x->ward, y->ward)) != 0 ||
	    (c = strcmp(x->category, y->category)) != 0 ||
	    (c = strcmp(x->source, y->source)) != 0)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->bucket < y->bucket ? -1 : x->bucket > y->bucket;
}

/* The month of day, through a one-day cache. */
static int64_t
month_of(int64_t day, int64_t cache[2])
{
	if (cache[0] != day) {
		cache[0] = day;
		cache[1] = date_month_start(day, 0);
	}
	return cache[1];
}

/* Binds the key of a month's row: ?1 to ?5 (and ?6, the kind). */
static void
bind_month(struct db_stmt *s, const struct fent *e, int kind)
{
	db_bind_int64(s, 1, e->cday);
	db_bind_int64(s, 2, e->xday);
	store_bind_text(s, 3, e->ward);
	store_bind_text(s, 4, e->category);
	store_bind_text(s, 5, e->source);
	if (kind)
		db_bind_int64(s, 6, e->kind);
}

struct mhist {
	int64_t		 h[STORE_FOLD_BUCKETS];
	int		 bucket[STORE_FOLD_BUCKETS];
	int64_t		 n[STORE_FOLD_BUCKETS];
	unsigned char	 buf[STORE_FOLD_HIST_MAX];
	int		 bad;
};

static void
mhist_fill(struct db_stmt *s, void *out)
{
	struct mhist	*m = out;
	int		 k, i;

	k = store_fold_hist_decode(db_column_blob(s, 0), db_column_bytes(s,
	    0), m->bucket, m->n);
	if (k == -1)
		m->bad = 1;
	for (i = 0; i < k; i++)
		m->h[m->bucket[i]] += m->n[i];
}

/*
 * The chunk's changes added to the months' rows: the keys of the day
 * rows taken to their months and merged, then each added to its row
 * (report_months), or, for the times, merged with the list of its row
 * (report_month_times).
 */
static enum store_status
fold_months(struct store_txn *txn, const struct store_fold *fo)
{
	struct fent		*m, *e, *r;
	struct mhist		*mh = NULL;
	struct db_stmt		*s;
	enum store_status	 st = STORE_OK;
	int64_t			 cc[2] = { -1, 0 }, xc[2] = { -1, 0 };
	size_t			 n = 0, i, j, len;
	int			 k;

	m = xreallocarray(NULL, fo->n > 0 ? fo->n : 1, sizeof(*m));
	for (i = 0; i < fo->n; i++) {
		m[n] = fo->e[i];
		m[n].cday = month_of(m[n].cday, cc);
		m[n].xday = month_of(m[n].xday, xc);
		n++;
	}
	qsort(m, n, sizeof(*m), fent_cmp);
	/* The same key and bucket: one change. */
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && fent_cmp(&m[j - 1], &m[i]) == 0) {
			for (k = 0; k < STORE_FOLD_NCOUNTS; k++)
				m[j - 1].v[k] += m[i].v[k];
		} else
			m[j++] = m[i];
	}
	n = j;
	for (i = 0; st == STORE_OK && i < n; i = j) {
		e = &m[i];
		if (e->kind < 0) {
			j = i + 1;
			for (k = 0; k < STORE_FOLD_NCOUNTS; k++)
				if (e->v[k] != 0)
					break;
			if (k == STORE_FOLD_NCOUNTS)
				continue;
			if ((s = stmt(txn, ST_MONTHS_ADD)) == NULL) {
				st = STORE_ERROR;
				break;
			}
			bind_month(s, e, 0);
			for (k = 0; k < STORE_FOLD_NCOUNTS; k++)
				db_bind_int64(s, 6 + k, e->v[k]);
			st = store_txn_step(txn, s, "report fold months", NULL);
			continue;
		}
		/* The buckets of one row of times: i to j. */
		for (j = i + 1; j < n && m[j].cday == e->cday && m[j].xday ==
		    e->xday && m[j].kind == e->kind && strcmp(m[j].ward,
		    e->ward) == 0 && strcmp(m[j].category, e->category) ==
		    0 && strcmp(m[j].source, e->source) == 0; j++)
			;
		if (mh == NULL)
			mh = xcalloc(1, sizeof(*mh));
		memset(mh->h, 0, sizeof(mh->h));
		mh->bad = 0;
		if ((s = stmt(txn, ST_MHIST_GET)) == NULL) {
			st = STORE_ERROR;
			break;
		}
		bind_month(s, e, 1);
		st = store_txn_row(txn, s, "report fold month times",
		    mhist_fill, mh);
		if (st == STORE_NOTFOUND)
			st = STORE_OK;
		if (st != STORE_OK)
			break;
		if (mh->bad) {
			st = store_txn_fail(txn, DB_CORRUPT,
			    "report fold month times");
			break;
		}
		for (r = e; r < &m[j]; r++)
			mh->h[r->bucket] += r->v[0];
		len = store_fold_hist_encode(mh->h, mh->buf);
		if ((s = stmt(txn, len > 0 ? ST_MHIST_PUT : ST_MHIST_DEL)) ==
		    NULL) {
			st = STORE_ERROR;
			break;
		}
		bind_month(s, e, 1);
		if (len > 0)
			db_bind_blob(s, 7, mh->buf, len);
		st = store_txn_step(txn, s, "report fold month times", NULL);
	}
	free(mh);
	free(m);
	return st;
}

/* The tables of the sums: the deletes of a chunk of each, of all. */
static const int clear_stmt[][2] = {
	{ ST_DAYS_CUT, ST_DAYS_CLEAR }, { ST_TIMES_CUT, ST_TIMES_CLEAR },
	{ ST_MONTHS_CUT, ST_MONTHS_CLEAR }, { ST_MHIST_CUT, ST_MHIST_CLEAR },
	{ ST_SMS_CUT, ST_SMS_CLEAR }
};

/* The rows of a table deleted by a chunk that empties the sums. */
static int64_t
clear_rows(void)
{
#ifdef PAPIGW_TEST_HOOKS
	const char	*e = getenv("PAPIGW_TEST_FOLD_CLEAR");

	if (e != NULL && atoi(e) > 0)
		return atoi(e);
#endif
	return FOLD_CLEAR_ROWS;
}

/*
 * The writes of a chunk that empties the sums of an earlier fold: the
 * first rows of each table, about clear_rows() of them, or the rest, in
 * a work item of a few milliseconds (all at once, 1.4 million rows on a
 * million cases, held ingest up for seconds).
 */
static enum store_status
fold_clear(struct store_txn *txn, struct store_fold *fo)
{
	struct db_stmt		*s;
	enum store_status	 st;
	int64_t			 n;
	size_t			 k;

	for (k = 0; k < sizeof(clear_stmt) / sizeof(clear_stmt[0]); k++) {
		if ((s = stmt(txn, clear_stmt[k][0])) == NULL)
			return STORE_ERROR;
		db_bind_int64(s, 1, clear_rows() - 1);
		if ((st = store_txn_step(txn, s, "report fold anew", NULL)) !=
		    STORE_OK)
			return st;
		if ((n = store_txn_changes(txn)) == 0) {
			/* Fewer rows than that: all of them. */
			if ((s = stmt(txn, clear_stmt[k][1])) == NULL)
				return STORE_ERROR;
			if ((st = store_txn_step(txn, s, "report fold anew",
			    NULL)) != STORE_OK)
				return st;
			n = store_txn_changes(txn);
		}
		fo->cleared += n;
	}
	return STORE_OK;
}

/* The writes of a chunk: its changes and the counters, in one item. */
static enum store_status
fold_write(struct store_txn *txn, void *arg)
{
	struct store_fold	*fo = arg;
	struct db_stmt		*s;
	enum store_status	 st;
	struct fent		*e;
	size_t			 i;
	int			 k, zero;

	if (fo->clear)
		return fold_clear(txn, fo);
	for (i = 0; i < fo->n; i++) {
		e = &fo->e[i];
		for (zero = 1, k = 0; k < STORE_FOLD_NCOUNTS; k++)
			if (e->v[k] != 0)
				zero = 0;
		if (zero)
			continue;
		if ((s = stmt(txn, e->kind < 0 ? ST_DAYS_ADD : ST_TIMES_ADD)) ==
		    NULL)
			return STORE_ERROR;
		store_bind_text(s, 1, e->ward);
		db_bind_int64(s, 2, e->cday);
		db_bind_int64(s, 3, e->xday);
		store_bind_text(s, 4, e->category);
		store_bind_text(s, 5, e->source);
		if (e->kind < 0) {
			for (k = 0; k < STORE_FOLD_NCOUNTS; k++)
				db_bind_int64(s, 6 + k, e->v[k]);
		} else {
			db_bind_int64(s, 6, e->kind);
			db_bind_int64(s, 7, e->bucket);
			db_bind_int64(s, 8, e->v[0]);
		}
		if ((st = store_txn_step(txn, s, "report fold", NULL)) !=
		    STORE_OK)
			return st;
	}
	if ((st = fold_months(txn, fo)) != STORE_OK)
		return st;
	for (i = 0; i < fo->ns; i++) {
		if ((s = stmt(txn, ST_SMS_ADD)) == NULL)
			return STORE_ERROR;
		store_bind_text(s, 1, fo->s[i].ward);
		db_bind_int64(s, 2, fo->s[i].day);
		store_bind_text(s, 3, fo->s[i].kind);
		db_bind_int64(s, 4, fo->s[i].messages);
		db_bind_int64(s, 5, fo->s[i].parts);
		if ((st = store_txn_step(txn, s, "report fold SMS", NULL)) !=
		    STORE_OK)
			return st;
	}
	if ((st = counter_set(txn, STORE_FC_SMS, fo->sms)) != STORE_OK ||
	    (st = counter_set(txn, STORE_FC_MARK, fo->mark)) != STORE_OK ||
	    (st = counter_set(txn, STORE_FC_IDS, fo->upto)) != STORE_OK)
		return st;
	for (k = 0; k < 3; k++)
		if ((st = counter_set(txn, STORE_FC_EVENTS + k,
		    fo->late[k])) != STORE_OK)
			return st;
	return counter_set(txn, STORE_FC_TARGET, fo->target);
}

/* A fold's state between chunks; free it with store_fold_free(). */
struct store_fold *
store_fold_new(void)
{
	return xcalloc(1, sizeof(struct store_fold));
}

void
store_fold_free(struct store_fold *fo)
{
	if (fo == NULL)
		return;
	store_query_close(fo->q);
	free(fo->e);
	free(fo->s);
	free(fo);
}

/*
 * One chunk of the fold (see the top of this file), at "now", of at most
 * limit cases folded whole: read on a connection of the fold's own
 * (fo's, opened at the first chunk), then written by one work item,
 * which is all the writer does of it.  From the timers' thread.  Sets
 * *more to 1 when there is more to fold at once, *took to the
 * milliseconds of the work item (from its queueing to its commit).
 * Returns STORE_OK or an error.
 */
enum store_status
store_report_fold(struct store *st, struct store_fold *fo, int64_t now,
    int limit, int *more, int64_t *took)
{
	struct store_txn	 txn;
	enum store_status	 r;
	char			 err[256];
	int64_t			 t0;

	*more = 0;
	*took = 0;
	if (store_is_pg(st))
		return STORE_OK;
	if (fo->q == NULL && (fo->q = store_query_open(st, 0, err,
	    sizeof(err))) == NULL)
		return STORE_ERROR;
	fo->n = 0;
	fo->nredo = 0;
	fo->ns = 0;
	fo->clear = 0;
	memset(&txn, 0, sizeof(txn));
	txn.st = st;
	txn.conn = store_query_conn(fo->q);
	if (db_exec(txn.conn->db, "BEGIN") != DB_OK)
		r = STORE_ERROR;
	else {
		r = fold_read(&txn, fo, now, limit, more);
		db_exec(txn.conn->db, "COMMIT");
	}
	if (r == STORE_NOTFOUND)
		return STORE_OK;
	if (r != STORE_OK) {
		/* Opened again at the next chunk. */
		store_query_close(fo->q);
		fo->q = NULL;
		*more = 0;
		return r;
	}
	t0 = clock_mono_ms();
	r = store_submit_wait(st, fold_write, fo);
	*took = clock_mono_ms() - t0;
	if (fo->clear) {
		fo->clear_items++;
		if (*took > fo->clear_max)
			fo->clear_max = *took;
	}
	return r;
}
