/*
 * cmd_report.c: the ward's reports to the district and exports for
 * analysis: the daemon's side of papictl report and export.
 *
 * A report covers the cases created in a period: one of the district's
 * cumulative periods ("2026H1": the year's start to its cut-off, see
 * domain/period.c), a quarter ("2026Q1") or a range of days (both ends
 * included, local time).  Its figures are frozen at the end of the period
 * (or now, while it runs): each case as it stood then, read from its
 * history (store_report_frozen()), so that a report made again later
 * gives the same numbers.  For every PAPI dimension and every category,
 * cases or none, and in total it gives the number of cases,
 * how many are still open, resolved and reopened, the median and the 90th
 * percentile of the time to the first answer and to resolution (nearest
 * rank: the value at rank ceil(p * n) of the sorted times), the share
 * answered within the deadline (among cases answered or past their
 * deadline; those still within it and unanswered are not counted yet),
 * and the residents' satisfaction answers (1 to 5: how many of each and
 * the mean); the same figures by source (SMS, USSD, the suggestion box,
 * the reception, meetings, replies to announcements): a second breakdown
 * of the same cases, whose sum is the total again.  The announcements
 * sent in the period come with the number of cases that comment on one:
 * the "announcement" source's, counted once in the total, not on top of
 * it.  Categories the asker's role does not see are left out
 * altogether: not even counted in the totals.  The answer carries what a
 * printed report names (the ward, the body above it, the recipient, who
 * signs); papictl lays it out.
 *
 * Exports give the same cases one by one, with the text of their first
 * message and the resident's pseudonym: never a phone number (numbers
 * that residents typed in their messages are replaced by "[số]").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "base/date.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/calendar.h"
#include "domain/period.h"
#include "domain/ref.h"
#include "domain/source.h"
#include "store/store.h"
#include "store/query.h"
#include "core/lifecycle.h"


/* The PAPI dimensions (../shared/notes/vietnamese.md). */
static const struct {
	const char	*id;
	const char	*name_en;
	const char	*name_vi;
} dimensions[] = {
	{ "D1", "Participation at local levels",
	    "Tham gia của người dân ở cấp cơ sở" },
	{ "D2", "Transparency", "Công khai, minh bạch" },
	{ "D3", "Vertical accountability",
	    "Trách nhiệm giải trình với người dân" },
	{ "D4", "Control of corruption", "Kiểm soát tham nhũng" },
	{ "D5", "Public administrative procedures",
	    "Thủ tục hành chính công" },
	{ "D6", "Public service delivery", "Cung ứng dịch vụ công" },
	{ "D7", "Environmental governance", "Quản trị môi trường" },
	{ "D8", "E-governance", "Quản trị điện tử" },
};
#define NDIMENSIONS	(sizeof(dimensions) / sizeof(dimensions[0]))

/*
 * ===================================================================
 * Periods
 * ===================================================================
 */

/* What a report covers: cases created in [start, end), as of "cut". */
struct span {
	int64_t		 start;
	int64_t		 end;
	int64_t		 cut;		/* min(now, end): the figures' moment */
	struct period	 period;	/* --period's, or id "" */
};

/*
 * Reads the period of a report or an export: --period (a period of the
 * district's reports), --quarter, or --from and --to; none (optional:
 * an export) is everything.  The figures are those of the end of the
 * period, or of now while it runs.  Returns 0, or -1 after a usage error.
 */
static int
period_args(struct control_req *req, struct span *sp, int optional)
{
	json_t		*a = req->args;
	const char	*q, *f, *t, *pd;
	char		 err[256];
	int64_t		 now = clock_unix();

	memset(sp, 0, sizeof(*sp));
	q = json_string_value(json_object_get(a, "quarter"));
	f = json_string_value(json_object_get(a, "from"));
	t = json_string_value(json_object_get(a, "to"));
	pd = json_string_value(json_object_get(a, "period"));
	if (pd != NULL) {
		if (q != NULL || f != NULL || t != NULL)
			return control_fail(req, CONTROL_E_USAGE, "give a "
			    "period, a quarter, or --from and --to: one of "
			    "them");
		if (period_parse(req->conf, pd, &sp->period, err,
		    sizeof(err)) == -1)
			return control_fail(req, CONTROL_E_USAGE, "'%s' is not "
			    "a report period: 2026Q1 (first quarter), 2026H1 "
			    "(six months), 2026M9 (nine months) or 2026Y (the "
			    "year)", pd);
		sp->start = sp->period.start;
		sp->end = sp->period.cutoff;
	} else if (optional && q == NULL && f == NULL && t == NULL) {
		sp->start = 0;
		sp->end = INT64_MAX;
	} else if (calendar_period(q, f, t, &sp->start, &sp->end, err,
	    sizeof(err)) == -1)
		return control_fail(req, CONTROL_E_USAGE, "%s", err);
	sp->cut = sp->end < now ? sp->end : now;
	return 0;
}

/*
 * ===================================================================
 * Reports
 * ===================================================================
 */

/* A growing array of durations (seconds). */
struct times {
	int64_t		*v;
	size_t		 n;
	size_t		 cap;
};

/* The figures of one group: a category, a dimension, or all. */
struct group {
	int64_t		 cases;
	int64_t		 open;
	int64_t		 resolved;
	int64_t		 reopened;
	int64_t		 due;		/* answered, or past the deadline */
	int64_t		 on_time;	/* answered by the deadline */
	int64_t		 sat[6];	/* satisfaction answers 1..5 */
	struct times	 answer;	/* created -> first answer */
	struct times	 resolution;	/* created -> closed */
	/* From the sums (store_report_summed()): the times per bucket. */
	int64_t		 summed[2];	/* answers, resolutions */
	int64_t		*hist[2];	/* STORE_FOLD_BUCKETS each, or NULL */
};

struct report_ctx {
	struct control_req	*req;
	int64_t			 now;
	struct group		*cats;		/* per configured category */
	struct group		 other;		/* categories no longer there */
	struct group		 dims[NDIMENSIONS];
	struct group		 total;
	struct group		 sources[CASE_SOURCE_MAX]; /* by source */
	int			 summed;	/* from the sums of the fold */
	/* The groups of the last category and source summed. */
	char			 last_cat[STORE_CATEGORY_MAX];
	int			 last_src;	/* -2: none yet */
	struct group		*last_gs[4];
	size_t			 last_n;
};

static void
times_add(struct times *t, int64_t v)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		if ((t->v = realloc(t->v, t->cap * sizeof(*t->v))) == NULL)
			fatal("realloc");
	}
	t->v[t->n++] = v;
}

static void
group_add(struct group *g, const struct store_case *r, int64_t now)
{
	int	closed = r->state == STORE_CASE_RESOLVED ||
	    r->state == STORE_CASE_CONFIRMED;

	g->cases++;
	if (!closed)
		g->open++;
	else
		g->resolved++;
	if (r->reopened != 0)
		g->reopened++;
	if (r->first_answered != 0) {
		times_add(&g->answer, r->first_answered - r->created);
		g->due++;
		if (r->first_answered <= r->deadline)
			g->on_time++;
	} else if (r->deadline < now)
		g->due++;
	if (closed && r->closed != 0)
		times_add(&g->resolution, r->closed - r->created);
	if (r->satisfaction >= 1 && r->satisfaction <= 5)
		g->sat[r->satisfaction]++;
}

/*
 * The groups a case of category and source counts in (its category's,
 * its dimension's if any, the total, its source's) into gs; returns how
 * many, 0 when the asker does not see the category.
 */
static size_t
row_groups(struct report_ctx *rc, const char *category,
    enum case_source source, struct group *gs[4])
{
	const struct config	*conf = rc->req->conf;
	const char		*dim = "";
	size_t			 i, n = 0;

	if (!control_sees(rc->req->who, conf, category))
		return 0;
	gs[0] = &rc->other;
	for (i = 0; i < conf->ncategories; i++)
		if (strcmp(conf->categories[i].id, category) == 0) {
			gs[0] = &rc->cats[i];
			dim = conf->categories[i].dimension;
			break;
		}
	n = 1;
	for (i = 0; i < NDIMENSIONS; i++)
		if (strcmp(dimensions[i].id, dim) == 0)
			gs[n++] = &rc->dims[i];
	gs[n++] = &rc->total;
	gs[n++] = &rc->sources[(unsigned)source < CASE_SOURCE_MAX ?
	    source : CASE_SOURCE_SMS];
	return n;
}

static void
report_row(const struct store_case *r, void *arg)
{
	struct report_ctx	*rc = arg;
	struct group		*gs[4];
	size_t			 i, n;

	n = row_groups(rc, r->category, r->source, gs);
	for (i = 0; i < n; i++)
		group_add(gs[i], r, rc->now);
}

/*
 * The groups of a row of the sums (row_groups()), of the row before when
 * it has the same category and source, as it mostly has.
 */
static size_t
summed_groups(struct report_ctx *rc, const char *category,
    const char *source, struct group **gs)
{
	int	src = case_source_parse(source);
	size_t	i;

	if (rc->last_src != src || strcmp(rc->last_cat, category) != 0) {
		rc->last_n = row_groups(rc, category, src, rc->last_gs);
		rc->last_src = src;
		snprintf(rc->last_cat, sizeof(rc->last_cat), "%s", category);
	}
	for (i = 0; i < rc->last_n; i++)
		gs[i] = rc->last_gs[i];
	return rc->last_n;
}

/* A row of the sums of a category and source (store_report_summed()). */
static void
summed_counts(const char *category, const char *source, const int64_t *v,
    void *arg)
{
	struct report_ctx	*rc = arg;
	struct group		*gs[4], *g;
	size_t			 i, n;
	int			 k;

	n = summed_groups(rc, category, source, gs);
	for (i = 0; i < n; i++) {
		g = gs[i];
		g->cases += v[STORE_FOLD_CASES];
		g->open += v[STORE_FOLD_OPEN];
		g->resolved += v[STORE_FOLD_RESOLVED];
		g->reopened += v[STORE_FOLD_REOPENED];
		g->summed[0] += v[STORE_FOLD_ANSWERED];
		g->summed[1] += v[STORE_FOLD_RESOLUTIONS];
		g->due += v[STORE_FOLD_DUE];
		g->on_time += v[STORE_FOLD_ON_TIME];
		for (k = 0; k < 5; k++)
			g->sat[k + 1] += v[STORE_FOLD_SAT1 + k];
	}
}

/* The times of k buckets of a category and source: n[j] in bucket[j]. */
static void
summed_times(const char *category, const char *source, int kind,
    const int *bucket, const int64_t *n, int k, void *arg)
{
	struct report_ctx	*rc = arg;
	struct group		*gs[4], *g;
	size_t			 i, ng;
	int			 j;

	if (kind < 0 || kind > 1)
		return;
	ng = summed_groups(rc, category, source, gs);
	for (i = 0; i < ng; i++) {
		g = gs[i];
		if (g->hist[kind] == NULL)
			g->hist[kind] = xcalloc(STORE_FOLD_BUCKETS,
			    sizeof(*g->hist[kind]));
		for (j = 0; j < k; j++)
			if (bucket[j] >= 0 && bucket[j] < STORE_FOLD_BUCKETS)
				g->hist[kind][bucket[j]] += n[j];
	}
}

static int
cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Frees what g holds besides its counts. */
static void
group_free(struct group *g)
{
	free(g->answer.v);
	free(g->resolution.v);
	free(g->hist[0]);
	free(g->hist[1]);
	memset(&g->answer, 0, sizeof(g->answer));
	memset(&g->resolution, 0, sizeof(g->resolution));
	g->hist[0] = g->hist[1] = NULL;
}

/* The p-th percentile (0 < p <= 100) by nearest rank; sorts t. */
static json_t *
percentile(struct times *t, int p)
{
	size_t	rank;

	if (t->n == 0)
		return json_null();
	qsort(t->v, t->n, sizeof(*t->v), cmp64);
	rank = (t->n * (size_t)p + 99) / 100;	/* ceil(p/100 * n) */
	if (rank < 1)
		rank = 1;
	return json_integer(t->v[rank - 1]);
}

/*
 * The p-th percentile by nearest rank of the times counted per bucket in
 * h (n of them): the middle of the bucket of that rank.
 */
static json_t *
percentile_summed(const int64_t *h, int64_t n, int p)
{
	int64_t	rank, seen = 0;
	int	b;

	if (h == NULL || n <= 0)
		return json_null();
	rank = (n * p + 99) / 100;
	if (rank < 1)
		rank = 1;
	for (b = 0; b < STORE_FOLD_BUCKETS; b++)
		if ((seen += h[b]) >= rank)
			return json_integer(store_fold_bucket_value(b));
	return json_null();
}

static json_t *
group_json(struct group *g)
{
	json_t		*o;
	int64_t		 answers = 0, sum = 0;
	int		 i;

	for (i = 1; i <= 5; i++) {
		answers += g->sat[i];
		sum += g->sat[i] * i;
	}
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:o, s:o, "
	    "s:I, s:I, s:o, s:I, s:o, s:[IIIII]}",
	    "cases", (json_int_t)g->cases,
	    "open", (json_int_t)g->open,
	    "resolved", (json_int_t)g->resolved,
	    "reopened", (json_int_t)g->reopened,
	    "answered", (json_int_t)(g->answer.n + g->summed[0]),
	    "answer_median", g->hist[0] != NULL ? percentile_summed(
	    g->hist[0], g->summed[0], 50) : percentile(&g->answer, 50),
	    "answer_p90", g->hist[0] != NULL ? percentile_summed(g->hist[0],
	    g->summed[0], 90) : percentile(&g->answer, 90),
	    "resolutions", (json_int_t)(g->resolution.n + g->summed[1]),
	    "resolution_median", g->hist[1] != NULL ? percentile_summed(
	    g->hist[1], g->summed[1], 50) : percentile(&g->resolution, 50),
	    "resolution_p90", g->hist[1] != NULL ? percentile_summed(
	    g->hist[1], g->summed[1], 90) : percentile(&g->resolution, 90),
	    "due", (json_int_t)g->due,
	    "on_time", (json_int_t)g->on_time,
	    "on_time_share", g->due > 0 ?
	    json_real((double)g->on_time / (double)g->due) : json_null(),
	    "satisfaction_answers", (json_int_t)answers,
	    "satisfaction_mean", answers > 0 ?
	    json_real((double)sum / (double)answers) : json_null(),
	    "satisfaction",
	    (json_int_t)g->sat[1], (json_int_t)g->sat[2],
	    (json_int_t)g->sat[3], (json_int_t)g->sat[4],
	    (json_int_t)g->sat[5]);
	group_free(g);
	return o;
}

/*
 * The next report due (report --due): its period, when its figures
 * freeze and it is due, the working days left, whether its reminder
 * went out.
 */
static int
report_due(struct control_req *req)
{
	struct store_query	*q;
	struct period		 p;
	int64_t			 now = clock_unix(), sent = 0;

	if ((q = control_query(req)) == NULL)
		return -1;
	period_next(req->conf, now, &p);
	if (store_reminder_sent(q, p.id, req->conf->ward_id, &sent) !=
	    STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	req->data = json_pack("{s:s, s:s, s:i, s:I, s:I, s:i, s:i, s:o, "
	    "s:I}", "period", p.id, "kind", period_kind_code(p.kind), "year",
	    p.year, "from", (json_int_t)p.start, "cutoff",
	    (json_int_t)p.cutoff, "workdays_left", period_workdays_left(
	    req->conf, now, &p), "remind_days", req->conf->reports_remind_days,
	    "reminded", cmd_jtime(sent), "now", (json_int_t)now);
	return 0;
}

/* The figures of every category the asker sees, in configured order. */
static json_t *
report_categories(struct report_ctx *rc)
{
	const struct config	*conf = rc->req->conf;
	const struct category	*c;
	json_t			*cats = json_array(), *o;
	size_t			 i;

	for (i = 0; i < conf->ncategories; i++) {
		c = &conf->categories[i];
		if (!control_sees(rc->req->who, conf, c->id))
			continue;
		o = group_json(&rc->cats[i]);
		json_object_set_new(o, "id", json_string(c->id));
		json_object_set_new(o, "dimension", json_string(c->dimension));
		json_object_set_new(o, "name", json_string(c->name_vi));
		json_object_set_new(o, "name_en", json_string(c->name_en));
		json_array_append_new(cats, o);
	}
	if (rc->other.cases > 0) {
		o = group_json(&rc->other);
		json_object_set_new(o, "id", json_string("(other)"));
		json_object_set_new(o, "dimension", json_string(""));
		json_object_set_new(o, "name", json_string("(không còn trong "
		    "cấu hình)"));
		json_object_set_new(o, "name_en", json_string("(no longer "
		    "configured)"));
		json_array_append_new(cats, o);
	}
	return cats;
}

/*
 * Every source of cases (domain/source.h), with or without cases: SMS,
 * USSD, the suggestion box, the reception, meetings, replies to
 * announcements.
 */
static json_t *
report_sources(struct report_ctx *rc)
{
	json_t	*srcs = json_array(), *o;
	int	 i;

	for (i = 0; i < CASE_SOURCE_MAX; i++) {
		o = group_json(&rc->sources[i]);
		json_object_set_new(o, "id", json_string(case_source_name(
		    (enum case_source)i)));
		json_object_set_new(o, "name", json_string(case_source_label(
		    (enum case_source)i, 0)));
		json_object_set_new(o, "name_en", json_string(
		    case_source_label((enum case_source)i, 1)));
		json_array_append_new(srcs, o);
	}
	return srcs;
}

/* Every PAPI dimension, with or without cases. */
static json_t *
report_dimensions(struct report_ctx *rc)
{
	json_t	*dims = json_array(), *o;
	size_t	 i;

	for (i = 0; i < NDIMENSIONS; i++) {
		o = group_json(&rc->dims[i]);
		json_object_set_new(o, "id", json_string(dimensions[i].id));
		json_object_set_new(o, "name", json_string(
		    dimensions[i].name_vi));
		json_object_set_new(o, "name_en", json_string(
		    dimensions[i].name_en));
		json_array_append_new(dims, o);
	}
	return dims;
}

/*
 * What a printed report names: the ward, the body above it, to whom and
 * who signs (the reports and ward groups of the configuration).
 */
static json_t *
report_heading(const struct config *conf)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ward",
	    conf->ward_name, "ward_en", conf->ward_name_en, "address",
	    conf->ward_address, "title", conf->reports_title, "superior",
	    conf->reports_superior, "recipient", conf->reports_recipient,
	    "signer", conf->reports_signer, "place", conf->reports_place);
}

/* The period of a report answer: its bounds, its moment, its kind. */
static void
report_span_json(json_t *data, const struct span *sp, int64_t now)
{
	json_object_set_new(data, "from", json_integer(sp->start));
	json_object_set_new(data, "to", json_integer(sp->end));
	json_object_set_new(data, "as_of", json_integer(sp->cut));
	json_object_set_new(data, "provisional", json_boolean(sp->cut <
	    sp->end));
	json_object_set_new(data, "generated", json_integer(now));
	if (sp->period.id[0] != '\0')
		json_object_set_new(data, "period", json_pack("{s:s, s:s, "
		    "s:i, s:I}", "id", sp->period.id, "kind",
		    period_kind_code(sp->period.kind), "year",
		    sp->period.year, "cutoff", (json_int_t)sp->period.cutoff));
}

static void
report_free(struct report_ctx *rc)
{
	size_t	i;

	group_free(&rc->other);
	group_free(&rc->total);
	for (i = 0; i < rc->req->conf->ncategories; i++)
		group_free(&rc->cats[i]);
	for (i = 0; i < NDIMENSIONS; i++)
		group_free(&rc->dims[i]);
	for (i = 0; i < CASE_SOURCE_MAX; i++)
		group_free(&rc->sources[i]);
	free(rc->cats);
}

static void
sms_row(const char *kind, int64_t n, int64_t parts, void *arg)
{
	json_t	*o = arg;

	json_object_set_new(json_object_get(o, "kinds"), kind, json_pack(
	    "{s:I, s:I}", "messages", (json_int_t)n, "parts",
	    (json_int_t)parts));
	json_object_set_new(o, "messages", json_integer(json_integer_value(
	    json_object_get(o, "messages")) + n));
	json_object_set_new(o, "parts", json_integer(json_integer_value(
	    json_object_get(o, "parts")) + parts));
}

/*
 * The SMS the ward sent in the period (until its cut-off): messages and
 * parts, in all and by kind.  What the suggestion box costs is part of
 * the report.  Returns a new object, or NULL when the store failed.
 */
static json_t *
report_sms(struct store_query *q, const struct span *sp, int summed)
{
	json_t	*o = json_pack("{s:I, s:I, s:o}", "messages", (json_int_t)0,
		    "parts", (json_int_t)0, "kinds", json_object());
	enum store_status st;

	/*
	 * Summed per day by the fold with the cases; while the period runs,
	 * up to this second included.
	 */
	if (summed)
		st = store_report_sms_summed(q, sp->start, sp->end, sms_row, o);
	else
		st = store_outbox_parts(q, sp->start, sp->cut < sp->end ?
		    sp->cut + 1 : sp->end, sms_row, o);
	if (st != STORE_OK) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * report: the figures of a period of the district's reports, a quarter
 * or a range of days, as they stood at the end of it (or now, while it
 * runs); --due: the next report due instead.
 */
int
cmd_report(struct control_req *req)
{
	struct report_ctx	 rc;
	struct store_query	*q;
	struct span		 sp;
	enum store_status	 st;
	json_t			*data, *sms, *ann = NULL;
	int64_t			 upto, comments, ncases;

	if (cmd_arg_bool(req, "due"))
		return report_due(req);
	if (period_args(req, &sp, 0) == -1 ||
	    (q = control_query_ward(req)) == NULL)
		return -1;
	memset(&rc, 0, sizeof(rc));
	rc.req = req;
	rc.now = sp.cut;
	rc.last_src = -2;
	rc.cats = xcalloc(req->conf->ncategories + 1, sizeof(*rc.cats));
	/*
	 * While the period runs, its figures are those of the end of this
	 * second: a case made in it, or an answer, counts already.
	 */
	upto = sp.cut < sp.end ? sp.cut + 1 : sp.end;
	/*
	 * A period over, from a local midnight to another, of more cases
	 * than reports.exact_up_to: from the sums of the fold when it has got
	 * there, unless asked --exact.
	 */
	st = STORE_NOTFOUND;
	if (req->conf->reports_daily_sums && !cmd_arg_bool(req, "exact") &&
	    sp.cut == sp.end &&
	    date_day_start(sp.start) == sp.start &&
	    date_day_start(sp.end) == sp.end &&
	    (st = store_report_span(q, sp.start, sp.end, &ncases)) ==
	    STORE_OK) {
		st = STORE_NOTFOUND;
		if (ncases > req->conf->reports_exact_up_to)
			st = store_report_summed(q, sp.start, sp.end,
			    summed_counts, summed_times, &rc);
	}
	rc.summed = st == STORE_OK;
	if (st == STORE_NOTFOUND)
		st = store_report_frozen(q, sp.start, upto, upto, report_row,
		    &rc);
	data = json_pack("{s:o, s:o, s:o, s:o, s:o}", "total",
	    group_json(&rc.total), "dimensions", report_dimensions(&rc),
	    "categories", report_categories(&rc), "sources",
	    report_sources(&rc), "heading", report_heading(req->conf));
	report_span_json(data, &sp, clock_unix());
	/* Summed: the times within 1 % (the middle of a bucket of 2 %). */
	json_object_set_new(data, "summed", json_boolean(rc.summed));
	/* The comments on announcements: counted already, by source. */
	comments = rc.sources[CASE_SOURCE_ANNOUNCEMENT].cases;
	report_free(&rc);
	if (st == STORE_OK && (sms = report_sms(q, &sp, rc.summed)) ==
	    NULL)
		st = STORE_ERROR;
	if (st == STORE_OK)
		json_object_set_new(data, "sms", sms);
	/* Announcements sent in the period, and the comments on them. */
	if (st == STORE_OK && (ann = cmd_announce_report(req, sp.start,
	    upto, comments)) == NULL)
		st = STORE_ERROR;
	if (st == STORE_OK)
		json_object_set_new(data, "announcements", ann);
	if (st != STORE_OK) {
		json_decref(data);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "report: %s",
		    store_strerror(st));
	}
	req->data = data;
	return 0;
}

/*
 * ===================================================================
 * Exports
 * ===================================================================
 */

struct export_ctx {
	struct control_req	*req;
	int64_t			 rows;
	int			 failed;	/* the client went away */
};

/*
 * A copy of s in which every phone number a resident typed (8 or more
 * digits, maybe after a '+', maybe with spaces, dots or dashes between
 * them) is replaced by "[số]": exports hold no number.  The caller frees
 * the copy.
 */
static char *
scrub_numbers(const char *s)
{
	size_t	 len = strlen(s), i = 0, j, end, digits, o = 0;
	char	*out = xcalloc(1, len * 2 + 16);

	while (i < len) {
		j = i + (s[i] == '+');
		digits = 0;
		end = i;
		while (j < len && (isdigit((unsigned char)s[j]) ||
		    (digits > 0 && strchr(" .-", s[j]) != NULL &&
		    j + 1 < len && isdigit((unsigned char)s[j + 1])))) {
			if (isdigit((unsigned char)s[j])) {
				digits++;
				end = j + 1;
			}
			j++;
		}
		if (digits >= 8) {
			memcpy(out + o, "[s\xe1\xbb\x91]", 6);
			o += 6;
			i = end;
		} else
			out[o++] = s[i++];
	}
	out[o] = '\0';
	return out;
}

static void
export_row(const struct store_case *r, void *arg)
{
	struct export_ctx	*ec = arg;
	const struct config	*conf = ec->req->conf;
	const struct category	*cat;
	char			 ref[32], res[32], *text;
	json_t			*o;

	if (ec->failed || !control_sees_case(ec->req->who, conf, r))
		return;
	text = r->text != NULL ? scrub_numbers(r->text) : NULL;
	cat = config_category(conf, r->category);
	ref_format(conf->case_prefix, r->ref_number, ref, sizeof(ref));
	if (r->resident > 0)
		snprintf(res, sizeof(res), "R-%lld", (long long)r->resident);
	else
		res[0] = '\0';
	o = json_pack("{s:s, s:o, s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:o, "
	    "s:b, s:o, s:o, s:s, s:o}",
	    "ref", ref,
	    "created", cmd_jtime(r->created),
	    "category", cmd_jstr(r->category),
	    "dimension", cat != NULL ? cat->dimension : "",
	    "subcategory", cmd_jstr(r->subcategory),
	    "state", store_case_state_name(r->state),
	    "channel", cmd_jstr(r->channel),
	    "deadline", cmd_jtime(r->deadline),
	    "first_answered", cmd_jtime(r->first_answered),
	    "closed", cmd_jtime(r->closed),
	    "overdue", r->overdue != 0,
	    "reopened", cmd_jtime(r->reopened),
	    "satisfaction", r->satisfaction > 0 ?
	    json_integer(r->satisfaction) : json_null(),
	    "resident", res,
	    "text", cmd_jstr(text));
	free(text);
	if (o == NULL || ec->req->send(ec->req, o) == -1)
		ec->failed = 1;
	else
		ec->rows++;
}

/* export: the cases of a period (or all), one row a line; no numbers. */
int
cmd_export(struct control_req *req)
{
	struct export_ctx	 ec;
	struct store_query	*q;
	struct span		 sp;
	enum store_status	 st;

	if (period_args(req, &sp, 1) == -1 ||
	    (q = control_query_ward(req)) == NULL)
		return -1;
	memset(&ec, 0, sizeof(ec));
	ec.req = req;
	st = store_report_rows(q, sp.start, sp.end, 1, export_row, &ec);
	if (ec.failed)
		return control_fail(req, CONTROL_E_INTERNAL, "the client went "
		    "away");
	if (st != STORE_OK)
		return control_fail(req, CONTROL_E_UNAVAILABLE, "export: %s",
		    store_strerror(st));
	req->data = json_pack("{s:I}", "rows", (json_int_t)ec.rows);
	return 0;
}
