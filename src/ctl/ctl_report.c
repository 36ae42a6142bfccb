/*
 * ctl_report.c: papictl's reporting commands: report (a period of the
 * district's reports, a quarter or a range of days, per PAPI dimension
 * and category, as a table, CSV, JSON, or a printable document in HTML
 * or PDF, ctl_report_doc.c; --due: the next report due), export (the
 * cases themselves, CSV or JSON lines, never a phone number) and audit
 * (the audit log, and --verify, which says whether the log's hash chain
 * was altered).  CSV is UTF-8 with its byte order mark and times in ISO
 * 8601, so that a spreadsheet shows Vietnamese and dates as they are.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "ctl/papictl.h"
#include "ctl/ctl_report.h"

/* The formats of report and export. */
static const char *const format_names[] = {
	[FMT_TABLE] = "table", [FMT_CSV] = "csv", [FMT_JSON] = "json",
	[FMT_HTML] = "html", [FMT_PDF] = "pdf"
};

/* Reads --format: csv or json, and for a report table, html or pdf too. */
static int
format_of(const char *cmd, const char *s, int report, enum format *f)
{
	size_t	i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(s, format_names[i]) == 0 && (report ||
		    i == FMT_CSV || i == FMT_JSON)) {
			*f = (enum format)i;
			return 0;
		}
	if (report)
		fprintf(stderr, _("papictl: %s: --format is table, csv, json, "
		    "html or pdf\n"), cmd);
	else
		fprintf(stderr, _("papictl: %s: --format is csv or json\n"),
		    cmd);
	ctl_usage_of(cmd);
	return -1;
}

/* The mark that tells a spreadsheet the CSV that follows is UTF-8. */
#define CSV_BOM		"\xef\xbb\xbf"

/* Prints s as one CSV field (RFC 4180 quoting when needed). */
static void
csv_field(FILE *fp, const char *s, int last)
{
	const char	*p;

	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', fp);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', fp);
			fputc(*p, fp);
		}
		fputc('"', fp);
	} else
		fputs(s, fp);
	fputc(last ? '\n' : ',', fp);
}

/* A JSON value as CSV text: strings as they are, numbers, "" for null. */
static void
csv_value(FILE *fp, json_t *v, int last)
{
	char	buf[64];

	if (json_is_string(v))
		csv_field(fp, json_string_value(v), last);
	else if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld",
		    (long long)json_integer_value(v));
		csv_field(fp, buf, last);
	} else if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%.4f", json_real_value(v));
		csv_field(fp, buf, last);
	} else if (json_is_true(v))
		csv_field(fp, "true", last);
	else if (json_is_false(v))
		csv_field(fp, "false", last);
	else
		csv_field(fp, "", last);
}

/*
 * ===================================================================
 * report
 * ===================================================================
 */

/* The columns of a report line in CSV, after level, id, dimension, name. */
static const char *const report_cols[] = {
	"cases", "open", "resolved", "reopened", "answered", "answer_median",
	"answer_p90", "resolutions", "resolution_median", "resolution_p90",
	"due", "on_time", "on_time_share", "satisfaction_answers",
	"satisfaction_mean"
};
#define NREPORT_COLS	(sizeof(report_cols) / sizeof(report_cols[0]))

/* Whether the user reads Vietnamese: the names the daemon sends in it. */
static int
in_vi(void)
{
	return strcmp(i18n_lang(), "vi") == 0;
}

/*
 * Calls fn(level, o, label, arg) for every line of a report in the order
 * of a printed one: each PAPI dimension (with or without cases) and the
 * categories under it, the categories of no dimension (triage), the
 * total, then the same cases by source (SMS, USSD, the suggestion box,
 * the reception, meetings, replies to announcements).  label is the
 * line's name in the user's language.
 */
void
report_walk(json_t *data, void (*fn)(enum report_level, json_t *,
    const char *, void *), void *arg)
{
	json_t		*dims = json_object_get(data, "dimensions");
	json_t		*cats = json_object_get(data, "categories"), *o, *c;
	const char	*name = in_vi() ? "name" : "name_en";
	char		 label[320];
	size_t		 i, j;

	json_array_foreach(dims, i, o) {
		snprintf(label, sizeof(label), "%s %s", ctl_str(o, "id", ""),
		    ctl_str(o, name, ctl_str(o, "name", "")));
		fn(LEVEL_DIMENSION, o, label, arg);
		json_array_foreach(cats, j, c)
			if (strcmp(ctl_str(c, "dimension", ""), ctl_str(o,
			    "id", "-")) == 0)
				fn(LEVEL_CATEGORY, c, ctl_str(c, name,
				    ctl_str(c, "id", "")), arg);
	}
	json_array_foreach(cats, j, c)
		if (*ctl_str(c, "dimension", "") == '\0')
			fn(LEVEL_CATEGORY, c, ctl_str(c, name, ctl_str(c, "id",
			    "")), arg);
	fn(LEVEL_TOTAL, json_object_get(data, "total"), _("TOTAL"), arg);
	json_array_foreach(json_object_get(data, "sources"), j, c)
		fn(LEVEL_SOURCE, c, ctl_str(c, name, ctl_str(c, "id", "")),
		    arg);
}

/*
 * What a report covers, for its heading: "the first quarter of 2026
 * (2026Q1)", or the days "from 2026-01-01 to 2026-03-31".
 */
void
report_period(json_t *data, char *buf, size_t bufsz)
{
	json_t	*p = json_object_get(data, "period"), *end;
	char	 from[32], to[32], label[128];

	if (json_is_object(p)) {
		ctl_period_label(ctl_str(p, "kind", "Y"), (long long)
		    json_integer_value(json_object_get(p, "year")), label,
		    sizeof(label));
		snprintf(buf, bufsz, "%s (%s)", label, ctl_str(p, "id", ""));
		return;
	}
	/* "to" is the start of the day after the last one. */
	end = json_integer(json_integer_value(json_object_get(data, "to")) -
	    1);
	snprintf(buf, bufsz, _("from %s to %s"), ctl_date(json_object_get(
	    data, "from"), from, sizeof(from)), ctl_date(end, to, sizeof(to)));
	json_decref(end);
}

/*
 * The cells of a line's figures: cases, open, resolved, reopened, the
 * median and 90th percentile of the times to answer and to resolve, the
 * share on time, satisfaction.
 */
void
report_figures(json_t *o, char cell[10][32])
{
	json_t	*v;

	ctl_int(o, "cases", cell[0], 32);
	ctl_int(o, "open", cell[1], 32);
	ctl_int(o, "resolved", cell[2], 32);
	ctl_int(o, "reopened", cell[3], 32);
	ctl_duration(json_object_get(o, "answer_median"), cell[4], 32);
	ctl_duration(json_object_get(o, "answer_p90"), cell[5], 32);
	ctl_duration(json_object_get(o, "resolution_median"), cell[6], 32);
	ctl_duration(json_object_get(o, "resolution_p90"), cell[7], 32);
	v = json_object_get(o, "on_time_share");
	if (json_is_number(v))
		snprintf(cell[8], 32, "%.0f%%", json_number_value(v) * 100);
	else
		snprintf(cell[8], 32, "-");
	v = json_object_get(o, "satisfaction_mean");
	if (json_is_number(v))
		snprintf(cell[9], 32, "%.2f (%lld)", json_number_value(v),
		    (long long)json_integer_value(json_object_get(o,
		    "satisfaction_answers")));
	else
		snprintf(cell[9], 32, "-");
}

static void
csv_line(enum report_level level, json_t *o, const char *label, void *arg)
{
	static const char *const levels[] = { "dimension", "category",
	    "total", "source" };
	json_t	*sat = json_object_get(o, "satisfaction");
	char	*period = arg;
	size_t	 i;

	(void)label;
	csv_field(stdout, levels[level], 0);
	if (level == LEVEL_TOTAL)
		csv_field(stdout, "total", 0);
	else
		csv_value(stdout, json_object_get(o, "id"), 0);
	csv_value(stdout, json_object_get(o, "dimension"), 0);
	csv_value(stdout, json_object_get(o, "name"), 0);
	for (i = 0; i < NREPORT_COLS; i++)
		csv_value(stdout, json_object_get(o, report_cols[i]), 0);
	for (i = 0; i < 5; i++)
		csv_value(stdout, json_array_get(sat, i), 0);
	fputs(period, stdout);
}

/*
 * A report in CSV for a spreadsheet: UTF-8 with its mark, one line per
 * dimension, category and the total, times in seconds, and the period's
 * first and last day and the figures' moment in ISO 8601 on every line.
 */
static void
report_csv(json_t *data)
{
	char	from[32], to[32], asof[32], tail[128];
	json_t	*end;
	size_t	i;

	fputs(CSV_BOM "level,id,dimension,name", stdout);
	for (i = 0; i < NREPORT_COLS; i++)
		printf(",%s%s", report_cols[i], strstr(report_cols[i],
		    "median") != NULL || strstr(report_cols[i], "p90") !=
		    NULL ? "_s" : "");
	printf(",satisfaction_1,satisfaction_2,satisfaction_3,"
	    "satisfaction_4,satisfaction_5,period_from,period_to,as_of\n");
	end = json_integer(json_integer_value(json_object_get(data, "to")) -
	    1);
	ctl_date(json_object_get(data, "from"), from, sizeof(from));
	ctl_date(end, to, sizeof(to));
	json_decref(end);
	ctl_iso(json_object_get(data, "as_of"), asof, sizeof(asof));
	snprintf(tail, sizeof(tail), "%s,%s,%s\n", from, to, asof);
	report_walk(data, csv_line, tail);
}

/* The two tables of a report: by category, and the same cases by source. */
struct tables {
	struct ctl_table	*cats;
	struct ctl_table	*sources;
};

static void
table_line(enum report_level level, json_t *o, const char *label,
    void *arg)
{
	struct tables	*t = arg;
	char		 cell[10][32], l[340];

	snprintf(l, sizeof(l), "%s%s", level == LEVEL_CATEGORY ? "  " : "",
	    label);
	report_figures(o, cell);
	ctl_table_add(level == LEVEL_SOURCE ? t->sources : t->cats, l,
	    cell[0], cell[1], cell[2], cell[3], cell[4], cell[5], cell[6],
	    cell[7], cell[8], cell[9]);
}

/* A new table of a report's figures, its first column named head. */
static struct ctl_table *
figures_table(const char *head)
{
	struct ctl_table	*t;
	size_t			 i;

	t = ctl_table_new(head, _("CASES"), _("OPEN"), _("RESOLVED"),
	    _("REOPENED"), _("ANSWER MED"), _("ANSWER P90"), _("RESOL. MED"),
	    _("RESOL. P90"), _("ON TIME"), _("SATISFACTION"), (char *)NULL);
	for (i = 1; i < 11; i++)
		ctl_table_col(t, i, 0, 1);
	ctl_table_col(t, 0, 44, 0);
	return t;
}

/* The heading of a report for the terminal: who, what, when. */
static void
report_heading(json_t *data)
{
	json_t	*h = json_object_get(data, "heading");
	char	 period[200], from[32], to[32], asof[32];
	json_t	*end;

	printf("%s\n%s\n", in_vi() || *ctl_str(h, "ward_en", "") == '\0' ?
	    ctl_str(h, "ward", "") : ctl_str(h, "ward_en", ""),
	    ctl_str(h, "title", ""));
	end = json_integer(json_integer_value(json_object_get(data, "to")) -
	    1);
	printf(_("Cases created from %s to %s"), ctl_date(json_object_get(
	    data, "from"), from, sizeof(from)), ctl_date(end, to, sizeof(to)));
	json_decref(end);
	if (json_is_object(json_object_get(data, "period"))) {
		report_period(data, period, sizeof(period));
		printf(": %s", period);
	}
	printf("\n");
	ctl_time(json_object_get(data, "as_of"), asof, sizeof(asof));
	if (json_is_true(json_object_get(data, "provisional")))
		printf(_("Provisional figures, as of %s: the period is not "
		    "over\n\n"), asof);
	else
		printf(_("Figures as of %s, the end of the period\n\n"), asof);
	if (json_is_true(json_object_get(data, "summed")))
		printf("%s\n\n", _("From the daily sums: counts exact, times "
		    "within 1 % (--exact reads case by case)"));
}

/* The SMS sent in the period, one line ("" when the report has none). */
void
report_sms_line(json_t *data, FILE *fp)
{
	json_t	*sms = json_object_get(data, "sms");

	if (!json_is_object(sms))
		return;
	fprintf(fp, _("SMS the ward sent in the period: %lld messages, %lld "
	    "parts.\n"), (long long)json_integer_value(json_object_get(sms,
	    "messages")), (long long)json_integer_value(json_object_get(sms,
	    "parts")));
}

/*
 * The name of the category or source id (list "categories" or
 * "sources") in the report, in the user's language.
 */
static const char *
name_in(json_t *data, const char *list, const char *id)
{
	json_t	*c;
	size_t	 i;

	json_array_foreach(json_object_get(data, list), i, c)
		if (strcmp(ctl_str(c, "id", ""), id) == 0)
			return ctl_str(c, in_vi() ? "name" : "name_en",
			    ctl_str(c, "name", id));
	return id;
}

/*
 * The announcements sent in the period: their reach and the comments
 * they received in it, and the cases that comment on one, which are
 * among the report's total once (in their category and as a source),
 * not on top of it; each line ends with eol ("\n", or "<br>\n" in the
 * printable report: codes, topic ids and category names need no
 * escaping).
 */
void
report_announce_lines(json_t *data, FILE *fp, const char *eol)
{
	json_t		*an = json_object_get(data, "announcements"), *e;
	long long	 earlier;
	size_t		 i;

	if (!json_is_object(an))
		return;
	fprintf(fp, _("Of the %lld cases, %lld comment on an announcement: "
	    "counted once, in their category (%s) and in the source "
	    "\"%s\", not in addition to the total."),
	    (long long)json_integer_value(json_object_get(json_object_get(
	    data, "total"), "cases")),
	    (long long)json_integer_value(json_object_get(an, "cases")),
	    name_in(data, "categories", ctl_str(an, "category", "")),
	    name_in(data, "sources", "announcement"));
	earlier = (long long)json_integer_value(json_object_get(an,
	    "earlier"));
	if (earlier > 0) {
		fputs(" ", fp);
		fprintf(fp, _("%lld of them comment on announcements sent "
		    "before the period."), earlier);
	}
	fputs(eol, fp);
	json_array_foreach(json_object_get(an, "sent"), i, e) {
		fprintf(fp, _("%s (%s): %lld recipients, %lld sent, %lld "
		    "delivered, %lld failed, %lld comments"),
		    ctl_str(e, "code", "-"), ctl_str(e, "topic", "-"),
		    (long long)json_integer_value(json_object_get(e,
		    "recipients")), (long long)json_integer_value(
		    json_object_get(e, "sent")), (long long)json_integer_value(
		    json_object_get(e, "delivered")),
		    (long long)json_integer_value(json_object_get(e, "failed")),
		    (long long)json_integer_value(json_object_get(e,
		    "comments")));
		fputs(eol, fp);
	}
}

/*
 * A report for the terminal: the figures by dimension and category with
 * their total, then the same cases by source in a table of their own
 * with the same total (each table adds up), then the notes.
 */
static void
report_table(json_t *data)
{
	struct tables	t;
	char		cell[10][32];

	report_heading(data);
	t.cats = figures_table(_("DIMENSION / CATEGORY"));
	t.sources = figures_table(_("SOURCE"));
	report_walk(data, table_line, &t);
	report_figures(json_object_get(data, "total"), cell);
	ctl_table_add(t.sources, _("TOTAL"), cell[0], cell[1], cell[2],
	    cell[3], cell[4], cell[5], cell[6], cell[7], cell[8], cell[9]);
	ctl_table_print(t.cats, stdout);
	printf("\n%s\n", _("The same cases by where they came in:"));
	ctl_table_print(t.sources, stdout);
	printf("\n%s\n%s\n", _("Times from the case's creation: the median "
	    "and the 90th percentile."), _("On time: answered within the "
	    "deadline, of the cases answered or past it."));
	report_sms_line(data, stdout);
	report_announce_lines(data, stdout, "\n");
}

/* report --due: the next report to the district. */
static int
report_due(struct ctl_globals *g)
{
	json_t		*data;
	char		 label[128], day[32];
	long long	 left;
	int		 r;

	if ((r = ctl_call(g, "report", json_pack("{s:b}", "due", 1), &data,
	    NULL, NULL)) != CTL_OK)
		return r;
	if (g->json) {
		ctl_print_json(data);
		json_decref(data);
		return CTL_OK;
	}
	ctl_period_label(ctl_str(data, "kind", "Y"), (long long)
	    json_integer_value(json_object_get(data, "year")), label,
	    sizeof(label));
	ctl_date(json_object_get(data, "cutoff"), day, sizeof(day));
	left = (long long)json_integer_value(json_object_get(data,
	    "workdays_left"));
	printf(_("Next report: %s (%s), due %s, with the figures of that "
	    "day's first moment\n"), label, ctl_str(data, "period", "-"), day);
	if (left == 0)
		printf("%s\n", _("Due today: its figures are final; make it "
		    "with papictl report --period"));
	else
		printf(ngettext("%lld working day left\n",
		    "%lld working days left\n", (unsigned long)left), left);
	if (json_is_integer(json_object_get(data, "reminded")))
		printf(_("Reminder sent %s\n"), ctl_time(json_object_get(data,
		    "reminded"), day, sizeof(day)));
	json_decref(data);
	return CTL_OK;
}

/* Reads report's options into args; CTL_OK, or CTL_USAGE. */
static int
report_args(int argc, char **argv, json_t *args, enum format *f,
    const char **out, int *due)
{
	static const struct option longopts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "quarter", required_argument, NULL, 'q' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "due", no_argument, NULL, 'd' },
		{ "ward", required_argument, NULL, 'w' },
		{ "exact", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch, ward = 0;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch == 'F' && format_of(argv[0], optarg, 1, f) == 0)
			continue;
		if (ch == 'o')
			*out = optarg;
		else if (ch == 'd')
			*due = 1;
		else if (ch == 'w') {
			json_object_set_new(args, "ward", json_string(optarg));
			ward++;
		} else if (ch == 'x') {
			json_object_set_new(args, "exact", json_true());
			ward++;
		}
		else if (ch == 'p' || ch == 'q' || ch == 'f' || ch == 't')
			json_object_set_new(args, ch == 'p' ? "period" :
			    ch == 'q' ? "quarter" : ch == 'f' ? "from" : "to",
			    json_string(optarg));
		else
			return CTL_USAGE;
	}
	if (optind != argc || (*due && json_object_size(args) > 0) ||
	    (!*due && json_object_size(args) == (size_t)ward)) {
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	return CTL_OK;
}

/* Writes a report in format f to out (NULL: standard output). */
static int
report_write(json_t *data, enum format f, const char *out)
{
	if (f == FMT_PDF)
		return report_pdf(data, out);
	if (out != NULL && freopen(out, "w", stdout) == NULL) {
		fprintf(stderr, "papictl: %s: %s\n", out, strerror(errno));
		return CTL_FAIL;
	}
	if (f == FMT_JSON)
		ctl_print_json(data);
	else if (f == FMT_CSV)
		report_csv(data);
	else if (f == FMT_HTML)
		report_html(data, stdout);
	else
		report_table(data);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "papictl: %s: %s\n", out != NULL ? out :
		    "stdout", strerror(errno));
		return CTL_FAIL;
	}
	return CTL_OK;
}

int
ctl_report(struct ctl_globals *g, int argc, char **argv)
{
	json_t		*args = json_object(), *data;
	enum format	 f = g->json ? FMT_JSON : FMT_TABLE;
	const char	*out = NULL;
	int		 r, due = 0;

	if ((r = report_args(argc, argv, args, &f, &out, &due)) != CTL_OK) {
		json_decref(args);
		return r;
	}
	if (due) {
		json_decref(args);
		return report_due(g);
	}
	if (f == FMT_PDF && out == NULL && isatty(STDOUT_FILENO)) {
		json_decref(args);
		fprintf(stderr, "%s\n", _("papictl: report: a PDF goes to a "
		    "file: give --output"));
		return CTL_USAGE;
	}
	if ((r = ctl_call(g, "report", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	r = report_write(data, f, out);
	json_decref(data);
	return r;
}

/*
 * ===================================================================
 * export
 * ===================================================================
 */

static const char *const export_cols[] = {
	"ref", "created", "category", "dimension", "subcategory", "state",
	"channel", "deadline", "first_answered", "closed", "overdue",
	"reopened", "satisfaction", "resident", "text"
};
#define NEXPORT_COLS	(sizeof(export_cols) / sizeof(export_cols[0]))

static int
export_row(json_t *row, void *arg)
{
	enum format	*f = arg;
	json_t		*v;
	char		 iso[32];
	size_t		 i;

	if (*f == FMT_JSON) {
		json_dumpf(row, stdout, JSON_COMPACT);
		putchar('\n');
		return 0;
	}
	for (i = 0; i < NEXPORT_COLS; i++) {
		v = json_object_get(row, export_cols[i]);
		/* Times as a spreadsheet reads them: ISO 8601, local. */
		if (strcmp(export_cols[i], "created") == 0 ||
		    strcmp(export_cols[i], "deadline") == 0 ||
		    strcmp(export_cols[i], "first_answered") == 0 ||
		    strcmp(export_cols[i], "closed") == 0 ||
		    strcmp(export_cols[i], "reopened") == 0)
			csv_field(stdout, ctl_iso(v, iso, sizeof(iso)),
			    i + 1 == NEXPORT_COLS);
		else
			csv_value(stdout, v, i + 1 == NEXPORT_COLS);
	}
	return ferror(stdout) ? -1 : 0;
}

int
ctl_export(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "quarter", required_argument, NULL, 'q' },
		{ "period", required_argument, NULL, 'p' },
		{ "ward", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	json_t		*args = json_object(), *data;
	enum format	 f = FMT_TABLE;
	long long	 n;
	size_t		 i;
	int		 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'F':
			if (format_of(argv[0], optarg, 0, &f) == 0)
				break;
			json_decref(args);
			return CTL_USAGE;
		case 'f':
			json_object_set_new(args, "from", json_string(optarg));
			break;
		case 't':
			json_object_set_new(args, "to", json_string(optarg));
			break;
		case 'q':
		case 'p':
			json_object_set_new(args, ch == 'q' ? "quarter" :
			    "period", json_string(optarg));
			break;
		case 'w':
			json_object_set_new(args, "ward", json_string(optarg));
			break;
		default:
			json_decref(args);
			return CTL_USAGE;
		}
	}
	if (optind != argc || f == FMT_TABLE) {
		json_decref(args);
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	if (f == FMT_CSV) {
		/* UTF-8 with its mark: Excel reads Vietnamese right. */
		fputs(CSV_BOM, stdout);
		for (i = 0; i < NEXPORT_COLS; i++)
			csv_field(stdout, export_cols[i],
			    i + 1 == NEXPORT_COLS);
	}
	r = ctl_call(g, "export", args, &data, export_row, &f);
	if (r == CTL_OK) {
		n = (long long)json_integer_value(json_object_get(data,
		    "rows"));
		fprintf(stderr, ngettext("papictl: %lld case exported\n",
		    "papictl: %lld cases exported\n", (unsigned long)n), n);
		json_decref(data);
	}
	return r;
}

/*
 * ===================================================================
 * audit
 * ===================================================================
 */

/* What verify checked the log against: the key, the seal, checkpoints. */
static void
against_print(json_t *data)
{
	json_t		*a = json_object_get(data, "checked_against");
	json_t		*k = json_object_get(a, "key");
	json_t		*c = json_object_get(a, "checkpoints"), *n;
	long long	 unkeyed;
	char		 tb[32];

	if (a == NULL)
		return;
	unkeyed = (long long)json_integer_value(json_object_get(a,
	    "unkeyed"));
	printf(_("checked against: the key %s (%s, fingerprint %s)\n"),
	    ctl_str(k, "file", "-"), ctl_str(k, "mac", "-"),
	    ctl_str(k, "fingerprint", "-"));
	if (unkeyed > 0)
		printf(_("  %lld entries from before keying: plain SHA-256, "
		    "sealed by entry %lld\n"), unkeyed, (long long)
		    json_integer_value(json_object_get(a, "sealed_by")));
	if (json_is_string(c))
		printf(_("  checkpoints: %s\n"), json_string_value(c));
	else if ((n = json_object_get(c, "newest")) != NULL)
		printf(_("  checkpoints: %s, %lld of them, the newest at %s: "
		    "%lld entries up to entry %lld\n"), ctl_str(c, "file", "-"),
		    (long long)json_integer_value(json_object_get(c, "count")),
		    ctl_time(json_object_get(n, "at"), tb, sizeof(tb)),
		    (long long)json_integer_value(json_object_get(n,
		    "entries")), (long long)json_integer_value(
		    json_object_get(n, "last")));
	else
		printf(_("  checkpoints: %s, none yet\n"), ctl_str(c, "file",
		    "-"));
	printf("%s\n", _("  and the store's head; the journal has each "
	    "checkpoint too (\"audit: checkpoint\")"));
}

static int
verify_print(struct ctl_globals *g, json_t *data)
{
	json_t	*p, *v;
	size_t	 i;
	int	 ok = json_is_true(json_object_get(data, "verified"));

	if (g->json)
		ctl_print_json(data);
	else if (ok)
		printf(_("audit log verified: %lld entries, the newest is "
		    "%lld, head %.16s\n"), (long long)json_integer_value(
		    json_object_get(data, "entries")),
		    (long long)json_integer_value(json_object_get(data,
		    "last")), ctl_str(data, "head", "-"));
	else {
		printf(_("audit log ALTERED (%lld entries read):\n"),
		    (long long)json_integer_value(json_object_get(data,
		    "entries")));
		p = json_object_get(data, "problems");
		json_array_foreach(p, i, v)
			printf("  %s\n", json_string_value(v));
	}
	if (!g->json)
		against_print(data);
	return ok ? CTL_OK : CTL_FAIL;
}

int
ctl_audit(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verify", no_argument, NULL, 'v' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_table	*t;
	json_t			*args = json_object(), *data, *a, *e;
	char			 id[24], at[32];
	size_t			 i;
	long			 n;
	int			 ch, r, verify = 0;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch == 'v') {
			verify = 1;
			json_object_set_new(args, "verify", json_true());
		} else if (ch == 'l' && ctl_number(argv[0], "--limit", optarg,
		    1, 100000, &n) == 0)
			json_object_set_new(args, "limit", json_integer(n));
		else {
			json_decref(args);
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		json_decref(args);
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	if ((r = ctl_call(g, "audit", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (verify) {
		r = verify_print(g, data);
		json_decref(data);
		return r;
	}
	if (g->json) {
		ctl_print_json(data);
		json_decref(data);
		return CTL_OK;
	}
	t = ctl_table_new(_("ID"), _("AT"), _("ACTOR"), _("ACTION"), _("REF"),
	    _("DETAIL"), (char *)NULL);
	ctl_table_col(t, 0, 0, 1);
	ctl_table_col(t, 5, 70, 0);
	a = json_object_get(data, "entries");
	json_array_foreach(a, i, e)
		ctl_table_add(t, ctl_int(e, "id", id, sizeof(id)),
		    ctl_time(json_object_get(e, "at"), at, sizeof(at)),
		    ctl_str(e, "actor", "-"), ctl_str(e, "action", "-"),
		    ctl_str(e, "ref", "-"), ctl_str(e, "detail", "-"));
	ctl_table_print(t, stdout);
	json_decref(data);
	return CTL_OK;
}
