/*
 * ctl_report.c: papictl's reporting commands: report (a quarter or a range
 * of days, per PAPI dimension and category, as a table, CSV or JSON),
 * export (the cases themselves, CSV or JSON lines, never a phone number)
 * and audit (the audit log, and --verify, which says whether the log's
 * hash chain was altered).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/papictl.h"

enum format {
	FMT_TABLE,
	FMT_CSV,
	FMT_JSON
};

static int
format_of(const char *cmd, const char *s, int table_ok, enum format *f)
{
	if (table_ok && strcmp(s, "table") == 0)
		*f = FMT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*f = FMT_CSV;
	else if (strcmp(s, "json") == 0)
		*f = FMT_JSON;
	else {
		fprintf(stderr, "papictl: %s: --format is %scsv or json\n",
		    cmd, table_ok ? "table, " : "");
		ctl_usage_of(cmd);
		return -1;
	}
	return 0;
}

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

static void
report_csv_line(const char *level, json_t *o)
{
	json_t	*sat = json_object_get(o, "satisfaction");
	size_t	 i;

	csv_field(stdout, level, 0);
	csv_value(stdout, json_object_get(o, "id"), 0);
	csv_value(stdout, json_object_get(o, "dimension"), 0);
	csv_value(stdout, json_object_get(o, "name"), 0);
	for (i = 0; i < NREPORT_COLS; i++)
		csv_value(stdout, json_object_get(o, report_cols[i]), 0);
	for (i = 0; i < 5; i++)
		csv_value(stdout, json_array_get(sat, i), i == 4);
}

static void
report_csv(json_t *data)
{
	json_t	*a, *o;
	size_t	 i;

	printf("level,id,dimension,name");
	for (i = 0; i < NREPORT_COLS; i++)
		printf(",%s%s", report_cols[i], strstr(report_cols[i],
		    "median") != NULL || strstr(report_cols[i], "p90") !=
		    NULL ? "_s" : "");
	printf(",satisfaction_1,satisfaction_2,satisfaction_3,"
	    "satisfaction_4,satisfaction_5\n");
	a = json_object_get(data, "dimensions");
	json_array_foreach(a, i, o)
		report_csv_line("dimension", o);
	a = json_object_get(data, "categories");
	json_array_foreach(a, i, o)
		report_csv_line("category", o);
	o = json_object_get(data, "total");
	json_object_set_new(o, "id", json_string("total"));
	report_csv_line("total", o);
}

static void
report_table_row(struct ctl_table *t, const char *label, json_t *o)
{
	char	n[4][24], d[4][24], share[24], sat[24];
	json_t	*v;

	ctl_int(o, "cases", n[0], sizeof(n[0]));
	ctl_int(o, "open", n[1], sizeof(n[1]));
	ctl_int(o, "resolved", n[2], sizeof(n[2]));
	ctl_int(o, "reopened", n[3], sizeof(n[3]));
	ctl_duration(json_object_get(o, "answer_median"), d[0], sizeof(d[0]));
	ctl_duration(json_object_get(o, "answer_p90"), d[1], sizeof(d[1]));
	ctl_duration(json_object_get(o, "resolution_median"), d[2],
	    sizeof(d[2]));
	ctl_duration(json_object_get(o, "resolution_p90"), d[3],
	    sizeof(d[3]));
	v = json_object_get(o, "on_time_share");
	if (json_is_number(v))
		snprintf(share, sizeof(share), "%.0f%%", json_number_value(v) *
		    100);
	else
		snprintf(share, sizeof(share), "-");
	v = json_object_get(o, "satisfaction_mean");
	if (json_is_number(v))
		snprintf(sat, sizeof(sat), "%.2f (%lld)", json_number_value(v),
		    (long long)json_integer_value(json_object_get(o,
		    "satisfaction_answers")));
	else
		snprintf(sat, sizeof(sat), "-");
	ctl_table_add(t, label, n[0], n[1], n[2], n[3], d[0], d[1], d[2],
	    d[3], share, sat);
}

static void
report_table(json_t *data)
{
	struct ctl_table	*t;
	json_t			*dims, *cats, *o, *c;
	char			 from[32], to[32], label[256];
	size_t			 i, j;
	json_t			*end;

	/* "to" is the start of the day after the last one. */
	end = json_integer(json_integer_value(json_object_get(data, "to")) -
	    1);
	printf("Cases created from %s to %s\n\n", ctl_date(json_object_get(
	    data, "from"), from, sizeof(from)), ctl_date(end, to, sizeof(to)));
	json_decref(end);
	t = ctl_table_new("DIMENSION / CATEGORY", "CASES", "OPEN", "RESOLVED",
	    "REOPENED", "ANSWER MED", "ANSWER P90", "RESOL. MED",
	    "RESOL. P90", "ON TIME", "SATISFACTION", (char *)NULL);
	for (i = 1; i < 11; i++)
		ctl_table_col(t, i, 0, 1);
	ctl_table_col(t, 0, 44, 0);
	dims = json_object_get(data, "dimensions");
	cats = json_object_get(data, "categories");
	json_array_foreach(dims, i, o) {
		if (json_integer_value(json_object_get(o, "cases")) == 0)
			continue;
		snprintf(label, sizeof(label), "%s %s", ctl_str(o, "id", ""),
		    ctl_str(o, "name", ""));
		report_table_row(t, label, o);
		json_array_foreach(cats, j, c) {
			if (strcmp(ctl_str(c, "dimension", ""), ctl_str(o,
			    "id", "-")) != 0)
				continue;
			snprintf(label, sizeof(label), "  %s", ctl_str(c, "id",
			    ""));
			report_table_row(t, label, c);
		}
	}
	json_array_foreach(cats, j, c) {
		if (*ctl_str(c, "dimension", "") != '\0' ||
		    json_integer_value(json_object_get(c, "cases")) == 0)
			continue;
		snprintf(label, sizeof(label), "  %s", ctl_str(c, "id", ""));
		report_table_row(t, label, c);
	}
	report_table_row(t, "TOTAL", json_object_get(data, "total"));
	ctl_table_print(t, stdout);
	printf("\nTimes from the case's creation: the median and the 90th "
	    "percentile.\nOn time: answered within the deadline, of the "
	    "cases answered or past it.\n");
}

int
ctl_report(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quarter", required_argument, NULL, 'q' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	json_t		*args = json_object(), *data;
	enum format	 f = g->json ? FMT_JSON : FMT_TABLE;
	int		 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'q':
			json_object_set_new(args, "quarter",
			    json_string(optarg));
			break;
		case 'f':
			json_object_set_new(args, "from", json_string(optarg));
			break;
		case 't':
			json_object_set_new(args, "to", json_string(optarg));
			break;
		case 'F':
			if (format_of(argv[0], optarg, 1, &f) == 0)
				break;
			/* FALLTHROUGH */
		default:
			json_decref(args);
			return CTL_USAGE;
		}
	}
	if (optind != argc || json_object_size(args) == 0) {
		json_decref(args);
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	if ((r = ctl_call(g, "report", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (f == FMT_JSON)
		ctl_print_json(data);
	else if (f == FMT_CSV)
		report_csv(data);
	else
		report_table(data);
	json_decref(data);
	return CTL_OK;
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
	size_t		 i;

	if (*f == FMT_JSON) {
		json_dumpf(row, stdout, JSON_COMPACT);
		putchar('\n');
		return 0;
	}
	for (i = 0; i < NEXPORT_COLS; i++)
		csv_value(stdout, json_object_get(row, export_cols[i]),
		    i + 1 == NEXPORT_COLS);
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
		{ NULL, 0, NULL, 0 }
	};
	json_t		*args = json_object(), *data;
	enum format	 f = FMT_TABLE;
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
			json_object_set_new(args, "quarter",
			    json_string(optarg));
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
	if (f == FMT_CSV)
		for (i = 0; i < NEXPORT_COLS; i++)
			csv_field(stdout, export_cols[i],
			    i + 1 == NEXPORT_COLS);
	r = ctl_call(g, "export", args, &data, export_row, &f);
	if (r == CTL_OK) {
		fprintf(stderr, "papictl: %lld cases exported\n",
		    (long long)json_integer_value(json_object_get(data,
		    "rows")));
		json_decref(data);
	}
	return r;
}

/*
 * ===================================================================
 * audit
 * ===================================================================
 */

static int
verify_print(struct ctl_globals *g, json_t *data)
{
	json_t	*p, *v;
	size_t	 i;
	int	 ok = json_is_true(json_object_get(data, "verified"));

	if (g->json)
		ctl_print_json(data);
	else if (ok)
		printf("audit log verified: %lld entries, the newest is %lld, "
		    "head %.16s\n", (long long)json_integer_value(
		    json_object_get(data, "entries")),
		    (long long)json_integer_value(json_object_get(data,
		    "last")), ctl_str(data, "head", "-"));
	else {
		printf("audit log ALTERED (%lld entries read):\n",
		    (long long)json_integer_value(json_object_get(data,
		    "entries")));
		p = json_object_get(data, "problems");
		json_array_foreach(p, i, v)
			printf("  %s\n", json_string_value(v));
	}
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
	t = ctl_table_new("ID", "AT", "ACTOR", "ACTION", "REF", "DETAIL",
	    (char *)NULL);
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
