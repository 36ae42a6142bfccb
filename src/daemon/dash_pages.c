/*
 * dash_pages.c: the dashboard's pages: the overview, the case list and a
 * case, the channels, the deadlines and the report.
 *
 * Each page asks the control socket's commands (cmd_status, cmd_list,
 * cmd_show, cmd_report) through dash_run() with the logged-in user's
 * role, and draws their answers: what papictl would show that user, no
 * more.  The few figures the commands do not give (new cases per day,
 * SMS parts sent, cases falling due) come from store/figures.c, and are
 * filtered here by control_sees() or asked for the visible categories
 * only.  The figures that scan many cases are kept for DASH_TTL seconds
 * (dash_cached()), under a key that names the categories they cover.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "conf/config.h"
#include "base/date.h"
#include "domain/calendar.h"
#include "domain/period.h"
#include "domain/ref.h"
#include "store/figures.h"
#include "store/query.h"
#include "chan/http.h"
#include "daemon/cmd.h"
#include "daemon/control.h"
#include "daemon/dash_priv.h"
#include "daemon/services.h"

#define CT_HTML		"text/html; charset=utf-8"
#define DASH_TTL	60	/* seconds before figures are made again */
#define STATUS_TTL	15	/* the same, for the queues and channels */
#define DAYS_CHART	30	/* days of the new cases chart */
#define DUE_DAYS_MAX	20	/* working days the deadlines page looks */
#define DUE_LIMIT	200	/* cases it lists */
#define TEXT_SHOWN	120	/* bytes of a message in the case list */
#define REPORT_QUARTERS	4	/* quarters whose reports are kept for good */

/*
 * ===================================================================
 * Helpers
 * ===================================================================
 */

static const char *
jstr(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static int64_t
jint(json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* A page that tells what went wrong, with the status that says it. */
static void
fail_page(struct dash_req *dr, const struct dash_answer *a)
{
	int	status = 500;

	switch (a->err) {
	case CONTROL_E_NOTFOUND:
		status = 404;
		break;
	case CONTROL_E_FORBIDDEN:
		status = 403;
		break;
	case CONTROL_E_USAGE:
		status = 400;
		break;
	case CONTROL_E_UNAVAILABLE:
		status = 503;
		break;
	default:
		break;
	}
	strbuf_truncate(&dr->out, 0);
	dash_head(dr, dash_tr(dr, "Dashboard"), "");
	strbuf_adds(&dr->out, "<p class=\"error\" id=\"error\">");
	dash_esc(&dr->out, a->msg);
	strbuf_adds(&dr->out, "</p>");
	dash_foot(dr);
	dash_send(dr, status, CT_HTML, dr->out.buf);
}

/* The quarter n quarters before the current one, "2026Q4", in buf. */
static void
quarter_before(int n, char *buf, size_t bufsz)
{
	int	y, m, d, q;

	date_of(clock_unix(), &y, &m, &d);
	q = y * 4 + (m - 1) / 3 - n;
	snprintf(buf, bufsz, "%dQ%d", q / 4, q % 4 + 1);
}

/* The current quarter, "2026Q4", in buf. */
static void
this_quarter(char *buf, size_t bufsz)
{
	quarter_before(0, buf, bufsz);
}

/*
 * The key of the report of args' period (a quarter, a range of days or
 * a period of the district's reports), without whose figures they are.
 */
static void
report_key(json_t *args, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "report:%s:%s:%s:%s", jstr(args, "quarter"),
	    jstr(args, "from"), jstr(args, "to"), jstr(args, "period"));
}

/*
 * A key naming what dr's user sees: its kind of role (an administrator's
 * status has the channels) and an officer's categories.
 */
static void
vis_key(const struct dash_req *dr, const char *what, char *buf,
    size_t bufsz)
{
	snprintf(buf, bufsz, "%s:%d:%llx", what, dr->who.kind,
	    dr->who.kind >= ROLE_INSPECTOR ? 0ULL :
	    (unsigned long long)dr->who.cats);
}

/* Appends text cut to at most max bytes on a character boundary. */
static void
esc_cut(struct strbuf *sb, const char *s, size_t max)
{
	char	*c;
	size_t	 n = strlen(s);

	if (n <= max) {
		dash_esc(sb, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	c = xcalloc(1, max + 1);
	memcpy(c, s, max);
	dash_esc(sb, c);
	strbuf_adds(sb, "…");
	free(c);
}

static void
tile(struct dash_req *dr, const char *id, const char *label,
    const char *value, const char *cls)
{
	strbuf_printf(&dr->out, "<div class=\"tile %s\"><span "
	    "class=\"label\">%s</span><span class=\"big\" id=\"%s\">%s"
	    "</span></div>", cls, dash_tr(dr, label), id, value);
}

/*
 * ===================================================================
 * Overview
 * ===================================================================
 */

/*
 * Runs command run as an administrator, on dr's connections: the
 * figures of every category, which the pages filter by the user's
 * categories (control_sees()) when a sum of categories will do.
 */
static json_t *
as_admin(struct dash_req *dr, int (*run)(struct control_req *),
    const char *name, json_t *args)
{
	struct dash_req		a = *dr;
	struct dash_answer	ans;

	memset(&a.who, 0, sizeof(a.who));
	copy_str(a.who.user, sizeof(a.who.user), "papigwd");
	copy_str(a.who.roles, sizeof(a.who.roles), "papigwd");
	a.who.kind = ROLE_ADMINISTRATOR;
	a.who.cats = ~UINT64_C(0);
	a.q = dr->q;
	if (dash_run(&a, run, name, args, &ans) == -1)
		ans.data = NULL;
	dr->q = a.q;		/* the connection it may have opened */
	return ans.data;
}

static json_t *
make_status(struct dash_req *dr, json_t *args)
{
	return as_admin(dr, cmd_status, "status", args);
}

static json_t *
make_report_all(struct dash_req *dr, json_t *args)
{
	return as_admin(dr, cmd_report, "report", args);
}

/* papictl report for dr's user, its answer or NULL. */
static json_t *
make_report(struct dash_req *dr, json_t *args)
{
	struct dash_answer	a;

	if (dash_run(dr, cmd_report, "report", args, &a) == -1)
		return NULL;
	return a.data;
}

/*
 * papictl status as an administrator sees it, made again after
 * STATUS_TTL seconds or web.refresh if shorter (at a million cases the
 * counts take half a second): the queues of every category, the
 * channels.
 */
static json_t *
status_all(struct dash_req *dr)
{
	json_t	*args = json_object(), *st;

	st = dash_cached(dr, "status", dr->conf->web_refresh < STATUS_TTL ?
	    dr->conf->web_refresh : STATUS_TTL, make_status, args);
	json_decref(args);
	return st;
}

/* This quarter's report for every category, made again after DASH_TTL. */
static json_t *
quarter_report(struct dash_req *dr)
{
	json_t	*args, *rep;
	char	 key[64], quarter[24];

	this_quarter(quarter, sizeof(quarter));
	args = json_pack("{s:s}", "quarter", quarter);
	memcpy(key, "all:", 4);
	report_key(args, key + 4, sizeof(key) - 4);
	rep = dash_cached(dr, key, DASH_TTL, make_report_all, args);
	json_decref(args);
	return rep;
}

static void
daily_row(const char *category, int64_t day, int64_t n, void *arg)
{
	json_array_append_new(arg, json_pack("[s,I,I]", category != NULL ?
	    category : "", (json_int_t)day, (json_int_t)n));
}

/*
 * Every category's new cases per local day of the last DAYS_CHART days:
 * filtered per user afterwards.
 */
static json_t *
make_daily(struct dash_req *dr, json_t *args)
{
	struct store_figures	*f = dash_figures(dr);
	json_t			*rows = json_array();
	int64_t			 since;
	struct tm		 tm;
	time_t			 now = time(NULL);

	(void)args;
	localtime_r(&now, &tm);
	since = (((int64_t)now + tm.tm_gmtoff) / 86400 - DAYS_CHART + 1) *
	    86400 - tm.tm_gmtoff;
	if (f == NULL || store_figures_daily(f, since, tm.tm_gmtoff,
	    daily_row, rows) != STORE_OK) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static json_t *
make_parts(struct dash_req *dr, json_t *args)
{
	struct store_figures	*f = dash_figures(dr);
	int64_t			 parts, msgs;

	(void)args;
	if (f == NULL || store_figures_parts(f, clock_unix() - DAYS_CHART *
	    86400LL, &parts, &msgs) != STORE_OK)
		return NULL;
	return json_pack("{s:I, s:I}", "parts", (json_int_t)parts,
	    "messages", (json_int_t)msgs);
}

/* The chart of new cases per day in the categories dr's user sees. */
static void
overview_daily(struct dash_req *dr)
{
	int64_t		 values[DAYS_CHART], today, day;
	char		 lab[DAYS_CHART][16];
	const char	*labels[DAYS_CHART];
	json_t		*rows, *row;
	struct tm	 tm;
	time_t		 now = time(NULL), t;
	size_t		 i, k;

	localtime_r(&now, &tm);
	today = ((int64_t)now + tm.tm_gmtoff) / 86400;
	memset(values, 0, sizeof(values));
	if ((rows = dash_cached(dr, "daily", DASH_TTL, make_daily,
	    NULL)) != NULL)
		json_array_foreach(rows, i, row) {
			day = (int64_t)json_integer_value(json_array_get(row,
			    1));
			if (day <= today - DAYS_CHART || day > today ||
			    !control_sees(&dr->who, dr->conf,
			    json_string_value(json_array_get(row, 0))))
				continue;
			values[day - (today - DAYS_CHART + 1)] +=
			    (int64_t)json_integer_value(json_array_get(row, 2));
		}
	json_decref(rows);
	for (k = 0; k < DAYS_CHART; k++) {
		t = (time_t)((today - DAYS_CHART + 1 + (int64_t)k) * 86400);
		gmtime_r(&t, &tm);
		strftime(lab[k], sizeof(lab[k]), "%d/%m", &tm);
		labels[k] = lab[k];
	}
	strbuf_printf(&dr->out, "<section><h2>%s</h2>",
	    dash_tr(dr, "New cases per day, 30 days"));
	dash_columns(&dr->out, labels, values, DAYS_CHART,
	    dash_tr(dr, "New cases per day, 30 days"));
	strbuf_adds(&dr->out, "</section>");
}

/* The queues: a bar per category, and a table by state. */
static void
overview_queues(struct dash_req *dr, json_t *queues)
{
	static const char *const states[] = { "received", "assigned",
	    "in_progress", "reopened" };
	const char	*labels[CONF_CATEGORIES_MAX], *id;
	int64_t		 values[CONF_CATEGORIES_MAX];
	json_t		*q;
	size_t		 n = 0, i;

	strbuf_printf(&dr->out, "<section><h2>%s</h2>",
	    dash_tr(dr, "Open cases by category"));
	json_object_foreach(queues, id, q) {
		if (n == CONF_CATEGORIES_MAX)
			break;
		labels[n] = dash_category_name(dr, id);
		values[n++] = jint(q, "open");
	}
	dash_bars(&dr->out, labels, values, n,
	    dash_tr(dr, "Open cases by category"));
	strbuf_printf(&dr->out, "<table id=\"queues\"><thead><tr><th>%s</th>",
	    dash_tr(dr, "Category"));
	for (i = 0; i < 4; i++)
		strbuf_printf(&dr->out, "<th>%s</th>",
		    dash_state_name(dr, states[i]));
	strbuf_printf(&dr->out, "<th>%s</th><th>%s</th></tr></thead><tbody>",
	    dash_tr(dr, "Open"), dash_tr(dr, "Overdue"));
	json_object_foreach(queues, id, q) {
		strbuf_printf(&dr->out, "<tr data-category=\"");
		dash_esc(&dr->out, id);
		strbuf_printf(&dr->out, "\"><td><a href=\"/cases?category=");
		dash_esc(&dr->out, id);
		strbuf_adds(&dr->out, "\">");
		dash_esc(&dr->out, dash_category_name(dr, id));
		strbuf_adds(&dr->out, "</a></td>");
		for (i = 0; i < 4; i++)
			strbuf_printf(&dr->out, "<td>%lld</td>",
			    (long long)jint(q, states[i]));
		strbuf_printf(&dr->out, "<td class=\"open\">%lld</td>"
		    "<td class=\"overdue\">%lld</td></tr>",
		    (long long)jint(q, "open"), (long long)jint(q, "overdue"));
	}
	strbuf_adds(&dr->out, "</tbody></table></section>");
}

/* The tiles: open, overdue, oldest, on time this quarter, SMS parts. */
static void
overview_tiles(struct dash_req *dr, json_t *st)
{
	json_t	*oldest = json_object_get(st, "oldest_waiting"), *rep;
	json_t	*parts, *g;
	char	 v[160];
	int64_t	 due = 0, on_time = 0;
	size_t	 i;

	strbuf_adds(&dr->out, "<section class=\"tiles\">");
	snprintf(v, sizeof(v), "%lld", (long long)jint(st, "open"));
	tile(dr, "open", "Open cases", v, "");
	snprintf(v, sizeof(v), "<a href=\"/cases?overdue=1\">%lld</a>",
	    (long long)jint(st, "overdue"));
	tile(dr, "overdue", "Overdue", v, jint(st, "overdue") > 0 ? "warn" :
	    "");
	if (json_is_object(oldest))
		snprintf(v, sizeof(v), "<a href=\"/case/%s\">%s</a>",
		    jstr(oldest, "ref"), jstr(oldest, "ref"));
	else
		copy_str(v, sizeof(v), dash_tr(dr, "none"));
	tile(dr, "oldest", "Oldest waiting", v, "");
	rep = quarter_report(dr);
	/* The categories the user sees: their answers due, and on time. */
	json_array_foreach(json_object_get(rep, "categories"), i, g)
		if (control_sees(&dr->who, dr->conf, jstr(g, "id"))) {
			due += jint(g, "due");
			on_time += jint(g, "on_time");
		}
	if (due > 0)
		snprintf(v, sizeof(v), "%.0f%%", 100.0 * (double)on_time /
		    (double)due);
	else
		copy_str(v, sizeof(v), "–");
	tile(dr, "ontime", "Answered on time this quarter", v, "");
	json_decref(rep);
	parts = dash_cached(dr, "parts", DASH_TTL, make_parts, NULL);
	snprintf(v, sizeof(v), "%lld", (long long)jint(parts, "parts"));
	tile(dr, "parts", "SMS parts sent, 30 days", v, "");
	json_decref(parts);
	strbuf_adds(&dr->out, "</section>");
}

/* A page saying that the store could not be read. */
static void
unavailable(struct dash_req *dr)
{
	struct dash_answer	a;

	memset(&a, 0, sizeof(a));
	a.err = CONTROL_E_UNAVAILABLE;
	copy_str(a.msg, sizeof(a.msg), dash_tr(dr, "The store cannot be "
	    "read."));
	fail_page(dr, &a);
}

/*
 * The oldest case waiting for a first answer among those dr's user sees,
 * into o's "oldest_waiting" (null: none).  Returns 0, or -1 when the store
 * cannot be read.
 */
static int
oldest_waiting(struct dash_req *dr, json_t *o)
{
	char	**vis = NULL, ref[32], err[256];
	size_t	  nvis;
	int64_t	  n, at;
	int	  rc = 0;

	if (dr->q == NULL && (dr->q = store_query_open(dr->svc->store,
	    dr->conf->storage_busy_timeout, err, sizeof(err))) == NULL) {
		log_warnx("web: %s", err);
		return -1;
	}
	if (control_ward(&dr->who, dr->q) == -1)
		return -1;
	nvis = control_visible(&dr->who, dr->conf, &vis);
	if (store_case_oldest_waiting(dr->q, vis, nvis, &n, &at) != STORE_OK)
		rc = -1;
	else if (n != 0) {
		ref_format(dr->conf->case_prefix, n, ref, sizeof(ref));
		json_object_set_new(o, "oldest_waiting", json_pack("{s:s, s:I}",
		    "ref", ref, "created", (json_int_t)at));
	} else
		json_object_set_new(o, "oldest_waiting", json_null());
	free(vis);
	return rc;
}

/*
 * papictl status as dr's user would see it, from the administrator's:
 * the queues of the categories it sees, their sums, its oldest case
 * waiting.  A new reference, or NULL.
 */
static json_t *
status_mine(struct dash_req *dr)
{
	json_t		*all, *mine, *queues, *q;
	const char	*id;
	int64_t		 open = 0, overdue = 0;

	if ((all = status_all(dr)) == NULL)
		return NULL;
	if (dr->who.kind >= ROLE_INSPECTOR)
		return all;
	queues = json_object();
	json_object_foreach(json_object_get(all, "queues"), id, q)
		if (control_sees(&dr->who, dr->conf, id)) {
			json_object_set(queues, id, q);
			open += jint(q, "open");
			overdue += jint(q, "overdue");
		}
	json_decref(all);
	mine = json_pack("{s:o, s:I, s:I}", "queues", queues, "open",
	    (json_int_t)open, "overdue", (json_int_t)overdue);
	if (oldest_waiting(dr, mine) == -1) {
		json_decref(mine);
		return NULL;
	}
	return mine;
}

void
dash_overview(struct dash_req *dr)
{
	struct dash_answer	 a;

	memset(&a, 0, sizeof(a));
	if ((a.data = status_mine(dr)) == NULL) {
		unavailable(dr);
		return;
	}
	dash_head(dr, dash_tr(dr, "Overview"), "overview");
	strbuf_printf(&dr->out, "<h1>%s</h1><p class=\"note\">%s</p>",
	    dash_tr(dr, "Overview"), dash_tr(dr, "Figures of the categories "
	    "you may see."));
	overview_tiles(dr, a.data);
	overview_queues(dr, json_object_get(a.data, "queues"));
	overview_daily(dr);
	dash_foot(dr);
	json_decref(a.data);
	dash_send(dr, 200, CT_HTML, dr->out.buf);
}

static json_t	*report_kept(struct dash_req *, json_t *);

/*
 * Makes the overview's figures for an administrator's view, so that the
 * first page does not wait for them (the refresher runs it at start).
 */
void
dash_warm(struct dash_req *dr)
{
	json_decref(status_all(dr));
	json_decref(quarter_report(dr));
	json_decref(dash_cached(dr, "daily", DASH_TTL, make_daily, NULL));
	json_decref(dash_cached(dr, "parts", DASH_TTL, make_parts, NULL));
}

/* The report of args for every view: all categories, each officers' role. */
static void
warm_report(struct dash_req *dr, json_t *args)
{
	const struct role	*r;
	size_t			 i, j, k;

	dr->who.kind = ROLE_ADMINISTRATOR;
	dr->who.cats = ~UINT64_C(0);
	json_decref(report_kept(dr, args));
	/* Each officers' role's, as control.c sees it. */
	for (i = 0; i < dr->conf->nroles; i++) {
		r = &dr->conf->roles[i];
		if (r->kind != ROLE_OFFICER)
			continue;
		dr->who.kind = ROLE_OFFICER;
		dr->who.cats = 0;
		for (j = 0; j < dr->conf->ncategories; j++) {
			for (k = 0; k < r->ncategories; k++)
				if (strcmp(r->categories[k],
				    dr->conf->categories[j].id) == 0)
					dr->who.cats |= UINT64_C(1) << j;
			if (r->ncategories == 0 &&
			    !dr->conf->categories[j].restricted)
				dr->who.cats |= UINT64_C(1) << j;
		}
		json_decref(report_kept(dr, args));
	}
	dr->who.kind = ROLE_ADMINISTRATOR;
	dr->who.cats = ~UINT64_C(0);
}

/*
 * Whether period p of the district's reports is one the report page
 * offers at "now": running, or ended within the last year.
 */
static int
period_offered(const struct period *p, int64_t now)
{
	return p->start <= now && p->cutoff > now - 366 * 86400;
}

/*
 * Makes the reports people ask for most, for every view, and keeps them
 * for good (dr->pin): the periods of the district's reports offered
 * (period_offered()) and the last REPORT_QUARTERS quarters.  An ended
 * period's figures never change (its report is frozen at its end): they
 * are made once; a running one's again while the period runs, and once
 * more at its end.  The refresher runs it at start and every
 * DASH_KEEP_UNUSED seconds.
 */
void
dash_warm_reports(struct dash_req *dr)
{
	struct period	 p;
	json_t		*args;
	char		 quarter[24];
	int64_t		 now = clock_unix();
	int		 y, m, d, year, k;

	date_of(now, &y, &m, &d);
	for (year = y - 1; year <= y + 1; year++)
		for (k = 0; k < PERIOD_NKINDS; k++) {
			period_of(dr->conf, year, (enum period_kind)k, &p);
			if (!period_offered(&p, now))
				continue;
			args = json_pack("{s:s}", "period", p.id);
			warm_report(dr, args);
			json_decref(args);
		}
	for (k = 0; k < REPORT_QUARTERS; k++) {
		quarter_before(k, quarter, sizeof(quarter));
		args = json_pack("{s:s}", "quarter", quarter);
		warm_report(dr, args);
		json_decref(args);
	}
}

/*
 * ===================================================================
 * Cases
 * ===================================================================
 */

/* The list's filters as papictl list takes them, from the query. */
static json_t *
list_args(struct dash_req *dr)
{
	json_t		*args = json_object();
	const char	*v;
	long		 n;

	if ((v = http_param(dr->r, "category", NULL)) != NULL && *v)
		json_object_set_new(args, "category", json_string(v));
	if ((v = http_param(dr->r, "state", NULL)) != NULL && *v)
		json_object_set_new(args, "state", json_string(v));
	if ((v = http_param(dr->r, "overdue", NULL)) != NULL && *v)
		json_object_set_new(args, "overdue", json_true());
	if ((v = http_param(dr->r, "mine", NULL)) != NULL && *v)
		json_object_set_new(args, "mine", json_true());
	if ((v = http_param(dr->r, "limit", NULL)) != NULL &&
	    parse_long(v, 1, 1000, &n) == 0)
		json_object_set_new(args, "limit", json_integer(n));
	if ((v = http_param(dr->r, "before", NULL)) != NULL &&
	    parse_long(v, 1, INT64_MAX, &n) == 0)
		json_object_set_new(args, "before", json_integer(n));
	return args;
}

static void
select_option(struct dash_req *dr, const char *value, const char *label,
    const char *current)
{
	strbuf_adds(&dr->out, "<option value=\"");
	dash_esc(&dr->out, value);
	strbuf_printf(&dr->out, "\"%s>", current != NULL &&
	    strcmp(current, value) == 0 ? " selected" : "");
	dash_esc(&dr->out, label);
	strbuf_adds(&dr->out, "</option>");
}

/* The filters' form: only the categories the user sees. */
static void
list_form(struct dash_req *dr, json_t *args)
{
	static const char *const states[] = { "received", "assigned",
	    "in_progress", "resolved", "confirmed", "reopened" };
	const char	*cat = jstr(args, "category"), *st = jstr(args, "state");
	size_t		 i;

	strbuf_printf(&dr->out, "<form class=\"filters\" method=\"get\" "
	    "action=\"/cases\"><label>%s <select name=\"category\" "
	    "id=\"f-category\">", dash_tr(dr, "Category"));
	select_option(dr, "", dash_tr(dr, "Any"), cat);
	for (i = 0; i < dr->conf->ncategories; i++)
		if (control_sees(&dr->who, dr->conf,
		    dr->conf->categories[i].id))
			select_option(dr, dr->conf->categories[i].id,
			    dash_category_name(dr, dr->conf->categories[i].id),
			    cat);
	strbuf_printf(&dr->out, "</select></label><label>%s <select "
	    "name=\"state\" id=\"f-state\">", dash_tr(dr, "State"));
	select_option(dr, "", dash_tr(dr, "Any"), st);
	for (i = 0; i < 6; i++)
		select_option(dr, states[i], dash_state_name(dr, states[i]),
		    st);
	strbuf_printf(&dr->out, "</select></label><label><input "
	    "type=\"checkbox\" name=\"overdue\" value=\"1\"%s> %s</label>"
	    "<label><input type=\"checkbox\" name=\"mine\" value=\"1\"%s> "
	    "%s</label><button type=\"submit\">%s</button></form>",
	    json_is_true(json_object_get(args, "overdue")) ? " checked" : "",
	    dash_tr(dr, "Only overdue"),
	    json_is_true(json_object_get(args, "mine")) ? " checked" : "",
	    dash_tr(dr, "Only mine"), dash_tr(dr, "Show"));
}

static void
case_row(struct dash_req *dr, json_t *c)
{
	struct strbuf	*sb = &dr->out;

	strbuf_printf(sb, "<tr%s><td><a href=\"/case/%s\">%s</a></td><td>",
	    json_is_true(json_object_get(c, "overdue")) ? " class=\"late\"" :
	    "", jstr(c, "ref"), jstr(c, "ref"));
	dash_esc(sb, dash_category_name(dr, jstr(c, "category")));
	strbuf_printf(sb, "</td><td>%s</td><td>",
	    dash_state_name(dr, jstr(c, "state")));
	dash_time(sb, jint(c, "created"));
	strbuf_adds(sb, "</td><td>");
	dash_time(sb, jint(c, "deadline"));
	strbuf_adds(sb, "</td><td>");
	dash_esc(sb, jstr(c, "assignee"));
	strbuf_adds(sb, "</td><td>");
	dash_esc(sb, jstr(c, "resident"));
	strbuf_adds(sb, "</td><td class=\"text\">");
	esc_cut(sb, jstr(c, "text"), TEXT_SHOWN);
	strbuf_adds(sb, "</td></tr>");
}

void
dash_cases(struct dash_req *dr)
{
	struct dash_answer	 a;
	json_t			*args = list_args(dr), *cases, *c;
	size_t			 i;
	int64_t			 last = 0;

	if (dash_run(dr, cmd_list, "list", args, &a) == -1) {
		json_decref(args);
		fail_page(dr, &a);
		return;
	}
	dash_head(dr, dash_tr(dr, "Cases"), "cases");
	strbuf_printf(&dr->out, "<h1>%s</h1>", dash_tr(dr, "Cases"));
	list_form(dr, args);
	cases = json_object_get(a.data, "cases");
	strbuf_printf(&dr->out, "<table id=\"cases\"><thead><tr><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th></tr></thead><tbody>",
	    dash_tr(dr, "Reference"), dash_tr(dr, "Category"),
	    dash_tr(dr, "State"), dash_tr(dr, "Created"),
	    dash_tr(dr, "Deadline"), dash_tr(dr, "Assignee"),
	    dash_tr(dr, "Resident"), dash_tr(dr, "Message"));
	json_array_foreach(cases, i, c) {
		case_row(dr, c);
		last = jint(c, "number");
	}
	strbuf_adds(&dr->out, "</tbody></table>");
	if (json_array_size(cases) == 0)
		strbuf_printf(&dr->out, "<p>%s</p>", dash_tr(dr, "No case."));
	if (json_is_true(json_object_get(a.data, "more")) && last > 0) {
		json_object_set_new(args, "before", json_integer(last));
		strbuf_printf(&dr->out, "<p><a id=\"older\" href=\"/cases?"
		    "before=%lld", (long long)last);
		if (*jstr(args, "category")) {
			strbuf_adds(&dr->out, "&amp;category=");
			dash_esc(&dr->out, jstr(args, "category"));
		}
		if (*jstr(args, "state")) {
			strbuf_adds(&dr->out, "&amp;state=");
			dash_esc(&dr->out, jstr(args, "state"));
		}
		strbuf_printf(&dr->out, "%s%s\">%s</a></p>",
		    json_is_true(json_object_get(args, "overdue")) ?
		    "&amp;overdue=1" : "",
		    json_is_true(json_object_get(args, "mine")) ?
		    "&amp;mine=1" : "", dash_tr(dr, "Older cases"));
	}
	dash_foot(dr);
	json_decref(args);
	json_decref(a.data);
	dash_send(dr, 200, CT_HTML, dr->out.buf);
}

/*
 * ===================================================================
 * A case
 * ===================================================================
 */

static void
fact(struct dash_req *dr, const char *label, const char *value)
{
	strbuf_printf(&dr->out, "<tr><th>%s</th><td>", dash_tr(dr, label));
	dash_esc(&dr->out, value);
	strbuf_adds(&dr->out, "</td></tr>");
}

static void
case_facts(struct dash_req *dr, json_t *c)
{
	fact(dr, "Category", dash_category_name(dr, jstr(c, "category")));
	fact(dr, "State", dash_state_name(dr, jstr(c, "state")));
	strbuf_printf(&dr->out, "<tr><th>%s</th><td>",
	    dash_tr(dr, "Created"));
	dash_time(&dr->out, jint(c, "created"));
	strbuf_printf(&dr->out, "</td></tr><tr><th>%s</th><td>",
	    dash_tr(dr, "Deadline"));
	dash_time(&dr->out, jint(c, "deadline"));
	if (json_is_true(json_object_get(c, "overdue")))
		strbuf_printf(&dr->out, " <b class=\"late\">%s</b>",
		    dash_tr(dr, "Overdue"));
	strbuf_adds(&dr->out, "</td></tr>");
	fact(dr, "Assignee", jstr(c, "assignee"));
	fact(dr, "Resident", jstr(c, "resident"));
	fact(dr, "Number", jstr(c, "from"));
	fact(dr, "Channel", jstr(c, "channel"));
}

static void
case_thread(struct dash_req *dr, json_t *thread)
{
	json_t	*m;
	size_t	 i;

	strbuf_printf(&dr->out, "<h2>%s</h2><ol id=\"thread\">",
	    dash_tr(dr, "Thread"));
	json_array_foreach(thread, i, m) {
		strbuf_printf(&dr->out, "<li class=\"%s\"><span class=\"meta\">",
		    strcmp(jstr(m, "dir"), "out") == 0 ? "out" : "in");
		dash_time(&dr->out, jint(m, "at"));
		strbuf_printf(&dr->out, " · %s", dash_tr(dr, jstr(m, "dir")));
		if (*jstr(m, "state")) {
			strbuf_adds(&dr->out, " · ");
			dash_esc(&dr->out, jstr(m, "state"));
		}
		strbuf_adds(&dr->out, "</span><p>");
		dash_esc(&dr->out, jstr(m, "text"));
		strbuf_adds(&dr->out, "</p></li>");
	}
	strbuf_adds(&dr->out, "</ol>");
}

static void
case_history(struct dash_req *dr, json_t *history, json_t *notes)
{
	json_t	*e;
	size_t	 i;

	strbuf_printf(&dr->out, "<h2>%s</h2><ul id=\"history\">",
	    dash_tr(dr, "History"));
	json_array_foreach(history, i, e) {
		strbuf_adds(&dr->out, "<li>");
		dash_time(&dr->out, jint(e, "at"));
		strbuf_adds(&dr->out, " · ");
		dash_esc(&dr->out, jstr(e, "actor"));
		strbuf_printf(&dr->out, " · %s → %s ",
		    dash_state_name(dr, jstr(e, "from")),
		    dash_state_name(dr, jstr(e, "to")));
		dash_esc(&dr->out, jstr(e, "detail"));
		strbuf_adds(&dr->out, "</li>");
	}
	strbuf_printf(&dr->out, "</ul><h2>%s</h2><ul id=\"notes\">",
	    dash_tr(dr, "Notes"));
	json_array_foreach(notes, i, e) {
		strbuf_adds(&dr->out, "<li>");
		dash_time(&dr->out, jint(e, "at"));
		strbuf_adds(&dr->out, " · ");
		dash_esc(&dr->out, jstr(e, "author"));
		strbuf_adds(&dr->out, ": ");
		dash_esc(&dr->out, jstr(e, "text"));
		strbuf_adds(&dr->out, "</li>");
	}
	strbuf_adds(&dr->out, "</ul>");
}

/* /case/REF: what papictl show gives, never the full number. */
void
dash_case(struct dash_req *dr, const char *ref)
{
	struct dash_answer	 a;
	json_t			*args = json_pack("{s:s}", "ref", ref);

	if (dash_run(dr, cmd_show, "show", args, &a) == -1) {
		json_decref(args);
		fail_page(dr, &a);
		return;
	}
	json_decref(args);
	dash_head(dr, jstr(a.data, "ref"), "cases");
	strbuf_printf(&dr->out, "<h1>%s <span id=\"ref\">%s</span></h1>"
	    "<table class=\"facts\" id=\"facts\">", dash_tr(dr, "Case"),
	    jstr(a.data, "ref"));
	case_facts(dr, a.data);
	strbuf_adds(&dr->out, "</table>");
	case_thread(dr, json_object_get(a.data, "thread"));
	case_history(dr, json_object_get(a.data, "history"),
	    json_object_get(a.data, "notes"));
	dash_foot(dr);
	json_decref(a.data);
	dash_send(dr, 200, CT_HTML, dr->out.buf);
}

/*
 * ===================================================================
 * Channels (administrators)
 * ===================================================================
 */

static void
channel_row(struct dash_req *dr, const char *name, json_t *ch)
{
	static const char *const states[] = { "queued", "sending", "sent",
	    "delivered", "failed" };
	json_t	*m = json_object_get(ch, "modem");
	size_t	 i;

	strbuf_adds(&dr->out, "<tr data-channel=\"");
	dash_esc(&dr->out, name);
	strbuf_adds(&dr->out, "\"><td>");
	dash_esc(&dr->out, name);
	strbuf_adds(&dr->out, "</td><td>");
	dash_esc(&dr->out, jstr(ch, "type"));
	strbuf_printf(&dr->out, "</td><td>%s</td><td>", dash_tr(dr,
	    json_is_true(json_object_get(ch, "enabled")) ? "yes" : "no"));
	dash_time(&dr->out, jint(ch, "last_seen"));
	strbuf_adds(&dr->out, "</td><td>");
	if (json_is_object(m)) {
		dash_esc(&dr->out, jstr(m, "state"));
		strbuf_printf(&dr->out, " · %lld%% · ",
		    (long long)jint(m, "signal"));
		dash_esc(&dr->out, jstr(m, "network"));
	}
	strbuf_adds(&dr->out, "</td>");
	for (i = 0; i < 5; i++)
		strbuf_printf(&dr->out, "<td>%lld</td>",
		    (long long)jint(ch, states[i]));
	strbuf_adds(&dr->out, "<td class=\"text\">");
	dash_esc(&dr->out, jstr(ch, "last_error"));
	strbuf_adds(&dr->out, "</td></tr>");
}

void
dash_channels(struct dash_req *dr)
{
	struct dash_answer	 a;
	json_t			*ch, *health, *line;
	const char		*name;
	size_t			 i;

	if (dr->who.kind < ROLE_ADMINISTRATOR) {
		a.err = CONTROL_E_FORBIDDEN;
		copy_str(a.msg, sizeof(a.msg), dash_tr(dr, "Channels are for "
		    "administrators only."));
		fail_page(dr, &a);
		return;
	}
	if ((a.data = status_all(dr)) == NULL) {
		unavailable(dr);
		return;
	}
	dash_head(dr, dash_tr(dr, "Channels"), "channels");
	strbuf_printf(&dr->out, "<h1>%s</h1><h2>%s</h2><ul id=\"health\">",
	    dash_tr(dr, "Channels"), dash_tr(dr, "Health"));
	health = json_object_get(a.data, "health");
	json_array_foreach(health, i, line) {
		strbuf_adds(&dr->out, "<li class=\"late\">");
		dash_esc(&dr->out, json_string_value(line));
		strbuf_adds(&dr->out, "</li>");
	}
	if (json_array_size(health) == 0)
		strbuf_printf(&dr->out, "<li class=\"ok\">%s</li>",
		    dash_tr(dr, "All parts are up."));
	strbuf_printf(&dr->out, "</ul><table id=\"channels\"><thead><tr>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th colspan=\"5\">%s: queued · sending · sent · delivered · "
	    "failed</th><th>%s</th></tr></thead><tbody>",
	    dash_tr(dr, "Channel"), dash_tr(dr, "Type"),
	    dash_tr(dr, "Enabled"), dash_tr(dr, "Last message"),
	    dash_tr(dr, "Modem"), dash_tr(dr, "Outbox"),
	    dash_tr(dr, "Last error"));
	json_object_foreach(json_object_get(a.data, "channels"), name, ch)
		channel_row(dr, name, ch);
	strbuf_adds(&dr->out, "</tbody></table>");
	dash_foot(dr);
	json_decref(a.data);
	dash_send(dr, 200, CT_HTML, dr->out.buf);
}

/*
 * ===================================================================
 * Deadlines
 * ===================================================================
 */

static void
due_row(const struct store_due *d, void *arg)
{
	struct dash_req	*dr = arg;
	char		 ref[32];

	ref_format(dr->conf->case_prefix, d->ref_number, ref, sizeof(ref));
	strbuf_printf(&dr->out, "<tr><td><a href=\"/case/%s\">%s</a></td><td>",
	    ref, ref);
	dash_esc(&dr->out, dash_category_name(dr, d->category));
	strbuf_printf(&dr->out, "</td><td>%s</td><td>",
	    dash_state_name(dr, d->state));
	dash_time(&dr->out, d->deadline);
	strbuf_adds(&dr->out, "</td><td>");
	dash_esc(&dr->out, d->assignee);
	strbuf_adds(&dr->out, "</td></tr>");
}

static void
due_table(struct dash_req *dr, const char *id)
{
	strbuf_printf(&dr->out, "<table id=\"%s\"><thead><tr><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
	    id, dash_tr(dr, "Reference"), dash_tr(dr, "Category"),
	    dash_tr(dr, "State"), dash_tr(dr, "Deadline"),
	    dash_tr(dr, "Assignee"));
}

/* The overdue cases, as papictl list --overdue gives them. */
static void
overdue_list(struct dash_req *dr)
{
	struct dash_answer	 a;
	json_t			*args, *c;
	struct store_due	 d;
	size_t			 i;

	args = json_pack("{s:b, s:i}", "overdue", 1, "limit", 50);
	if (dash_run(dr, cmd_list, "list", args, &a) == -1) {
		json_decref(args);
		return;
	}
	json_decref(args);
	strbuf_printf(&dr->out, "<h2>%s</h2>", dash_tr(dr, "Overdue cases"));
	due_table(dr, "overdue");
	json_array_foreach(json_object_get(a.data, "cases"), i, c) {
		memset(&d, 0, sizeof(d));
		d.ref_number = jint(c, "number");
		d.category = jstr(c, "category");
		d.state = jstr(c, "state");
		d.assignee = jstr(c, "assignee");
		d.deadline = jint(c, "deadline");
		due_row(&d, dr);
	}
	strbuf_adds(&dr->out, "</tbody></table>");
	json_decref(a.data);
}

void
dash_deadlines(struct dash_req *dr)
{
	struct store_figures	*f;
	const char		*v = http_param(dr->r, "days", NULL);
	char			**vis = NULL;
	size_t			 nvis;
	long			 days = 3;
	int64_t			 now = clock_unix(), until;
	enum store_status	 st = STORE_ERROR;

	if (v != NULL && parse_long(v, 1, DUE_DAYS_MAX, &days) == -1)
		days = 3;
	until = calendar_deadline(dr->conf, now, (int)days);
	dash_head(dr, dash_tr(dr, "Deadlines"), "deadlines");
	strbuf_printf(&dr->out, "<h1>%s</h1><form class=\"filters\" "
	    "method=\"get\" action=\"/deadlines\"><label>%s <input "
	    "type=\"number\" name=\"days\" min=\"1\" max=\"%d\" value=\"%ld\">"
	    "</label><button type=\"submit\">%s</button></form><h2>%s</h2>",
	    dash_tr(dr, "Deadlines"), dash_tr(dr, "Working days"),
	    DUE_DAYS_MAX, days, dash_tr(dr, "Show"),
	    dash_tr(dr, "Falling due in the next working days"));
	due_table(dr, "due");
	nvis = control_visible(&dr->who, dr->conf, &vis);
	if ((f = dash_figures(dr)) != NULL)
		st = store_figures_due(f, now, until, vis, nvis, DUE_LIMIT,
		    due_row, dr);
	free(vis);
	strbuf_adds(&dr->out, "</tbody></table>");
	if (st != STORE_OK)
		strbuf_printf(&dr->out, "<p class=\"error\">%s</p>",
		    dash_tr(dr, "The store cannot be read."));
	overdue_list(dr);
	dash_foot(dr);
	dash_send(dr, 200, CT_HTML, dr->out.buf);
}

/*
 * ===================================================================
 * Report
 * ===================================================================
 */

/*
 * The period from the query (from and to, a period of the district's
 * reports, or a quarter), or this quarter.
 */
static json_t *
report_args(struct dash_req *dr, char *query, size_t querysz)
{
	const char	*q = http_param(dr->r, "quarter", NULL);
	const char	*f = http_param(dr->r, "from", NULL);
	const char	*t = http_param(dr->r, "to", NULL);
	const char	*p = http_param(dr->r, "period", NULL);
	char		 quarter[24];
	struct strbuf	 sb = STRBUF_INIT;
	json_t		*args;

	if (f != NULL && *f && t != NULL && *t) {
		args = json_pack("{s:s, s:s}", "from", f, "to", t);
		strbuf_adds(&sb, "from=");
		dash_esc(&sb, f);
		strbuf_adds(&sb, "&amp;to=");
		dash_esc(&sb, t);
	} else if (p != NULL && *p) {
		args = json_pack("{s:s}", "period", p);
		strbuf_adds(&sb, "period=");
		dash_esc(&sb, p);
	} else {
		if (q == NULL || *q == '\0') {
			this_quarter(quarter, sizeof(quarter));
			q = quarter;
		}
		args = json_pack("{s:s}", "quarter", q);
		strbuf_adds(&sb, "quarter=");
		dash_esc(&sb, q);
	}
	copy_str(query, querysz, sb.buf);
	strbuf_free(&sb);
	return args;
}

static void
share(struct strbuf *sb, json_t *g)
{
	json_t	*s = json_object_get(g, "on_time_share");

	if (json_is_number(s))
		strbuf_printf(sb, "%.0f%%", 100 * json_number_value(s));
	else
		strbuf_adds(sb, "–");
}

/* A row of the report table: a group's figures. */
static void
report_row(struct dash_req *dr, const char *name, json_t *g)
{
	json_t	*med = json_object_get(g, "answer_median");
	json_t	*sat = json_object_get(g, "satisfaction_mean");

	strbuf_adds(&dr->out, "<tr><td>");
	dash_esc(&dr->out, name);
	strbuf_printf(&dr->out, "</td><td>%lld</td><td>%lld</td><td>%lld"
	    "</td><td>%lld</td><td>", (long long)jint(g, "cases"),
	    (long long)jint(g, "open"), (long long)jint(g, "resolved"),
	    (long long)jint(g, "answered"));
	share(&dr->out, g);
	if (json_is_integer(med))
		strbuf_printf(&dr->out, "</td><td>%.1f %s</td>",
		    (double)json_integer_value(med) / 3600,
		    dash_tr(dr, "hours"));
	else
		strbuf_adds(&dr->out, "</td><td>–</td>");
	if (json_is_number(sat))
		strbuf_printf(&dr->out, "<td>%.2f</td></tr>",
		    json_number_value(sat));
	else
		strbuf_adds(&dr->out, "<td>–</td></tr>");
}

/*
 * Links to the periods of the district's reports offered, and the last
 * quarters: those whose figures are kept (dash_warm_reports()).
 */
static void
report_periods(struct dash_req *dr)
{
	struct period	 p;
	char		 quarter[24];
	int64_t		 now = clock_unix();
	int		 y, m, d, year, k;

	strbuf_printf(&dr->out, "<p id=\"periods\">%s:",
	    dash_tr(dr, "Report periods"));
	date_of(now, &y, &m, &d);
	for (year = y - 1; year <= y + 1; year++)
		for (k = 0; k < PERIOD_NKINDS; k++) {
			period_of(dr->conf, year, (enum period_kind)k, &p);
			if (period_offered(&p, now))
				strbuf_printf(&dr->out, " <a href=\"/report?"
				    "period=%s\">%s</a>", p.id, p.id);
		}
	for (k = REPORT_QUARTERS - 1; k >= 0; k--) {
		quarter_before(k, quarter, sizeof(quarter));
		strbuf_printf(&dr->out, " <a href=\"/report?quarter=%s\">%s"
		    "</a>", quarter, quarter);
	}
	strbuf_adds(&dr->out, "</p>");
}

/* The head of a table of the report's figures, its first column named. */
static void
report_head(struct dash_req *dr, const char *id, const char *first)
{
	strbuf_printf(&dr->out, "<table id=\"%s\"><thead><tr><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th></tr></thead><tbody>", id,
	    dash_tr(dr, first), dash_tr(dr, "Cases in the period"),
	    dash_tr(dr, "Open"), dash_tr(dr, "Resolved"),
	    dash_tr(dr, "Answered"), dash_tr(dr, "On time"),
	    dash_tr(dr, "Median answer"), dash_tr(dr, "Satisfaction"));
}

/*
 * The report page: the figures by category and by dimension with their
 * total, then the same cases by source (SMS, USSD, the suggestion box,
 * the reception...) with the same total, all from the one answer of
 * papictl report; and the cases that comment on an announcement, which
 * are among them once.
 */
static void
report_html(struct dash_req *dr, json_t *data, const char *query,
    json_t *args)
{
	json_t	*g, *ann;
	size_t	 i;

	dash_head(dr, dash_tr(dr, "Report"), "report");
	strbuf_printf(&dr->out, "<h1>%s</h1><form class=\"filters\" "
	    "method=\"get\" action=\"/report\"><label>%s <input "
	    "name=\"quarter\" id=\"f-quarter\" value=\"", dash_tr(dr, "Report"),
	    dash_tr(dr, "Quarter"));
	dash_esc(&dr->out, jstr(args, "quarter"));
	strbuf_printf(&dr->out, "\" placeholder=\"2026Q1\"></label>"
	    "<label>%s <input name=\"period\" id=\"f-period\" value=\"",
	    dash_tr(dr, "Report period"));
	dash_esc(&dr->out, jstr(args, "period"));
	strbuf_printf(&dr->out, "\" placeholder=\"2026H1\"></label>"
	    "<label>%s <input type=\"date\" name=\"from\"></label><label>%s "
	    "<input type=\"date\" name=\"to\"></label><button type=\"submit\">"
	    "%s</button></form>", dash_tr(dr, "From"), dash_tr(dr, "To"),
	    dash_tr(dr, "Show"));
	report_periods(dr);
	strbuf_adds(&dr->out, "<p>");
	dash_time(&dr->out, jint(data, "from"));
	strbuf_adds(&dr->out, " – ");
	dash_time(&dr->out, jint(data, "to"));
	strbuf_printf(&dr->out, " · %s: <a id=\"csv\" href=\"/report.csv?%s\">"
	    "CSV</a> · <a id=\"json\" href=\"/report.json?%s\">JSON</a></p>",
	    dash_tr(dr, "Download"), query, query);
	if (json_is_true(json_object_get(data, "summed")))
		strbuf_printf(&dr->out, "<p id=\"summed\">%s</p>", dash_tr(dr,
		    "From the daily sums: counts exact, times within 1 %"));
	report_head(dr, "report", "Category");
	json_array_foreach(json_object_get(data, "categories"), i, g)
		report_row(dr, dash_category_name(dr, jstr(g, "id")), g);
	strbuf_adds(&dr->out, "</tbody><tbody class=\"dims\">");
	json_array_foreach(json_object_get(data, "dimensions"), i, g)
		report_row(dr, dr->lang == LANG_EN ? jstr(g, "name_en") :
		    jstr(g, "name"), g);
	strbuf_adds(&dr->out, "</tbody><tfoot>");
	report_row(dr, dash_tr(dr, "Total"), json_object_get(data, "total"));
	strbuf_adds(&dr->out, "</tfoot></table><h2>");
	dash_esc(&dr->out, dash_tr(dr, "By source: the same cases as the "
	    "total, by where they came in"));
	strbuf_adds(&dr->out, "</h2>");
	report_head(dr, "sources", "Source");
	json_array_foreach(json_object_get(data, "sources"), i, g)
		report_row(dr, dr->lang == LANG_EN ? jstr(g, "name_en") :
		    jstr(g, "name"), g);
	strbuf_adds(&dr->out, "</tbody><tfoot>");
	report_row(dr, dash_tr(dr, "Total"), json_object_get(data, "total"));
	strbuf_adds(&dr->out, "</tfoot></table>");
	if ((ann = json_object_get(data, "announcements")) != NULL) {
		strbuf_adds(&dr->out, "<p id=\"ann-note\">");
		dash_esc(&dr->out, dash_tr(dr, "Cases that comment on an "
		    "announcement"));
		strbuf_printf(&dr->out, ": <span id=\"ann-cases\">%lld</span>, ",
		    (long long)jint(ann, "cases"));
		dash_esc(&dr->out, dash_tr(dr, "counted once above, in their "
		    "category and as a source, not in addition to the "
		    "total."));
		strbuf_adds(&dr->out, "</p>");
	}
	dash_foot(dr);
}

/*
 * The report of args' period for dr's user, kept as the overview's
 * figures are: inspectors and administrators share the one of every
 * category (the overview's, for this quarter), officers that of their
 * role's categories.  A new reference, or NULL.
 */
static json_t *
report_kept(struct dash_req *dr, json_t *args)
{
	char	key[96], vkey[128];

	report_key(args, key, sizeof(key));
	if (dr->who.kind >= ROLE_INSPECTOR) {
		snprintf(vkey, sizeof(vkey), "all:%s", key);
		return dash_cached(dr, vkey, DASH_TTL, make_report_all, args);
	}
	vis_key(dr, key, vkey, sizeof(vkey));
	return dash_cached(dr, vkey, DASH_TTL, make_report, args);
}

/* A CSV field: quoted, its quotes doubled. */
static void
csv_field(struct strbuf *sb, const char *s)
{
	strbuf_addc(sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			strbuf_addc(sb, '"');
		strbuf_addc(sb, *s);
	}
	strbuf_addc(sb, '"');
}

static void
csv_row(struct strbuf *sb, const char *kind, const char *id,
    const char *name, json_t *g)
{
	json_t	*s = json_object_get(g, "on_time_share");

	csv_field(sb, kind);
	strbuf_addc(sb, ',');
	csv_field(sb, id);
	strbuf_addc(sb, ',');
	csv_field(sb, name);
	strbuf_printf(sb, ",%lld,%lld,%lld,%lld,%lld,%lld,",
	    (long long)jint(g, "cases"), (long long)jint(g, "open"),
	    (long long)jint(g, "resolved"), (long long)jint(g, "answered"),
	    (long long)jint(g, "due"), (long long)jint(g, "on_time"));
	if (json_is_number(s))
		strbuf_printf(sb, "%.4f", json_number_value(s));
	strbuf_addc(sb, ',');
	if (json_is_integer(json_object_get(g, "answer_median")))
		strbuf_printf(sb, "%lld", (long long)jint(g, "answer_median"));
	strbuf_adds(sb, "\r\n");
}

static void
report_csv(struct dash_req *dr, json_t *data)
{
	struct strbuf	*sb = &dr->out;
	json_t		*g;
	size_t		 i;

	strbuf_adds(sb, "kind,id,name,cases,open,resolved,answered,due,"
	    "on_time,on_time_share,answer_median_seconds\r\n");
	json_array_foreach(json_object_get(data, "categories"), i, g)
		csv_row(sb, "category", jstr(g, "id"),
		    dash_category_name(dr, jstr(g, "id")), g);
	json_array_foreach(json_object_get(data, "dimensions"), i, g)
		csv_row(sb, "dimension", jstr(g, "id"), dr->lang == LANG_EN ?
		    jstr(g, "name_en") : jstr(g, "name"), g);
	csv_row(sb, "total", "", "", json_object_get(data, "total"));
	/* The same cases again by source: they add up to the total. */
	json_array_foreach(json_object_get(data, "sources"), i, g)
		csv_row(sb, "source", jstr(g, "id"), dr->lang == LANG_EN ?
		    jstr(g, "name_en") : jstr(g, "name"), g);
}

/* /report, /report.csv, /report.json: papictl report's figures. */
void
dash_report(struct dash_req *dr, const char *format)
{
	struct dash_answer	 a;
	json_t			*args;
	char			 query[256], *js, disp[96];

	args = report_args(dr, query, sizeof(query));
	memset(&a, 0, sizeof(a));
	if ((a.data = report_kept(dr, args)) == NULL &&
	    dash_run(dr, cmd_report, "report", args, &a) == -1) {
		json_decref(args);
		fail_page(dr, &a);
		return;
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"papigw-report-"
	    "%lld.%s\"", (long long)jint(a.data, "from"), format);
	if (strcmp(format, "csv") == 0) {
		report_csv(dr, a.data);
		http_add_header(dr->r, "Content-Disposition", disp);
		dash_send(dr, 200, "text/csv; charset=utf-8", dr->out.buf);
	} else if (strcmp(format, "json") == 0) {
		js = json_dumps(a.data, JSON_INDENT(1) | JSON_SORT_KEYS);
		http_add_header(dr->r, "Content-Disposition", disp);
		dash_send(dr, 200, "application/json", js != NULL ? js : "{}");
		free(js);
	} else {
		report_html(dr, a.data, query, args);
		dash_send(dr, 200, CT_HTML, dr->out.buf);
	}
	json_decref(args);
	json_decref(a.data);
}
