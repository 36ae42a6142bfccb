/*
 * ctl_list.c: papictl list, and close --filter, which closes the cases
 * such a list shows.
 *
 * A list fits the terminal (80 columns when the output is not one): the
 * reference, the case's age ("!" past its deadline), its category's short
 * name, its state, who has it and the start of its text, cut by display
 * width so that Vietnamese text with combining marks keeps the columns
 * straight.  --wide shows every column and the whole text.  When the
 * daemon has more, the hint to see them repeats every filter given.
 *
 * close --filter takes list's filters, shows how many cases and which,
 * asks for a confirmation (--yes answers it), and sends the references
 * shown: the daemon closes exactly those (cmd_bulk.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "ctl/papictl.h"

#define ASSIGNEE_COLUMNS	10	/* display columns of an assignee */
#define CATEGORY_COLUMNS	14	/* of a category's short name */
#define BULK_MAX		1000	/* cases close --filter takes */

/* What list was asked: the request's filters, and papictl's own. */
struct list_opts {
	json_t		*args;		/* filters, --limit, --before */
	int		 wide;
	/* close --filter */
	int		 bulk;
	const char	*reason;
	int		 yes;
	int		 limited;	/* --limit given */
};

/*
 * ===================================================================
 * Options
 * ===================================================================
 */

/* The options list and close --filter share, and their request keys. */
static const struct option list_longopts[] = {
	{ "category", required_argument, NULL, 'c' },
	{ "state", required_argument, NULL, 's' },
	{ "overdue", no_argument, NULL, 'o' },
	{ "open", no_argument, NULL, 'O' },
	{ "mine", no_argument, NULL, 'm' },
	{ "text", required_argument, NULL, 't' },
	{ "area", required_argument, NULL, 'a' },
	{ "source", required_argument, NULL, 'S' },
	{ "limit", required_argument, NULL, 'l' },
	{ "before", required_argument, NULL, 'b' },
	{ "from-resident", required_argument, NULL, 'R' },
	{ "wide", no_argument, NULL, 'w' },
	{ "filter", no_argument, NULL, 'F' },
	{ "reason", required_argument, NULL, 'r' },
	{ "yes", no_argument, NULL, 'y' },
	{ NULL, 0, NULL, 0 }
};

/* One option of list_longopts into o; CTL_OK, or CTL_USAGE. */
static int
list_opt(int ch, char **argv, struct list_opts *o)
{
	long	n;
	size_t	i;

	switch (ch) {
	case 'o':
	case 'O':
	case 'm':
		for (i = 0; list_longopts[i].val != ch; i++)
			;
		json_object_set_new(o->args, list_longopts[i].name,
		    json_true());
		return CTL_OK;
	case 'l':
		if (ctl_number(argv[0], "--limit", optarg, 1, BULK_MAX,
		    &n) == -1)
			return CTL_USAGE;
		json_object_set_new(o->args, "limit", json_integer(n));
		return CTL_OK;
	case 'w':
		o->wide = 1;
		return CTL_OK;
	case 'F':
		o->bulk = 1;
		return CTL_OK;
	case 'r':
		o->reason = optarg;
		return ctl_utf8(_("the reason"), optarg) == 0 ? CTL_OK :
		    CTL_USAGE;
	case 'y':
		o->yes = 1;
		return CTL_OK;
	case 'c':
	case 's':
	case 't':
	case 'a':
	case 'S':
	case 'b':
	case 'R':
		if (ctl_utf8(_("an option"), optarg) == -1)
			return CTL_USAGE;
		for (i = 0; list_longopts[i].val != ch; i++)
			;
		json_object_set_new(o->args, list_longopts[i].name,
		    json_string(optarg));
		return CTL_OK;
	default:
		return CTL_USAGE;
	}
}

/*
 * Reads the options of list (bulk 0) or close --filter (bulk 1) into o.
 * Returns CTL_OK, or CTL_USAGE after saying what is wrong.
 */
static int
list_args(int argc, char **argv, struct list_opts *o, int bulk)
{
	int	ch;

	while ((ch = ctl_getopt(argc, argv, "", list_longopts)) != -1)
		if (list_opt(ch, argv, o) != CTL_OK)
			return CTL_USAGE;
	if (optind != argc || o->bulk != bulk || (!bulk && (o->reason != NULL
	    || o->yes)) || (bulk && o->reason == NULL)) {
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	return CTL_OK;
}

/*
 * Replaces the case reference of --before in args, if there is one, with
 * its number, which is what the daemon wants.  Returns CTL_OK, or
 * CTL_USAGE after saying that it is not a case reference.
 */
static int
before_number(json_t *args)
{
	json_t		*c;
	const char	*s, *d;
	long		 n;

	if ((c = json_object_get(args, "before")) == NULL)
		return CTL_OK;
	s = d = json_string_value(c);
	while (*d != '\0' && (*d < '0' || *d > '9'))
		d++;
	if (parse_long(d, 1, 999999999L, &n) == -1) {
		fprintf(stderr, _("papictl: --before: '%s' is not a case "
		    "reference\n"), s);
		return CTL_USAGE;
	}
	json_object_set_new(args, "before", json_integer(n));
	return CTL_OK;
}

/*
 * ===================================================================
 * Printing
 * ===================================================================
 */

/* Appends arg to sb as the shell reads it back: quoted when it must be. */
static void
shell_word(struct strbuf *sb, const char *arg)
{
	const char	*p;

	if (*arg != '\0' && strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.,:/+-=") == strlen(arg)) {
		strbuf_adds(sb, arg);
		return;
	}
	strbuf_addc(sb, '\'');
	for (p = arg; *p != '\0'; p++)
		if (*p == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addc(sb, *p);
	strbuf_addc(sb, '\'');
}

/*
 * How to see the cases after the last one shown: the same command, every
 * filter as given, and --before the last reference.
 */
static void
print_more(const struct list_opts *o, const char *last)
{
	static const char *const keys[] = { "category", "state", "overdue",
	    "open", "mine", "text", "area", "source", "from-resident",
	    "limit" };
	struct strbuf	 sb = STRBUF_INIT;
	json_t		*v;
	size_t		 i;
	char		 n[24];

	strbuf_adds(&sb, "papictl list");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((v = json_object_get(o->args, keys[i])) == NULL)
			continue;
		strbuf_printf(&sb, " --%s", keys[i]);
		if (json_is_string(v)) {
			strbuf_addc(&sb, ' ');
			shell_word(&sb, json_string_value(v));
		} else if (json_is_integer(v)) {
			snprintf(n, sizeof(n), " %lld",
			    (long long)json_integer_value(v));
			strbuf_adds(&sb, n);
		}
	}
	if (o->wide)
		strbuf_adds(&sb, " --wide");
	strbuf_printf(&sb, " --before %s", last);
	printf(_("(more: %s)\n"), sb.buf);
	strbuf_free(&sb);
}

/* "R-12 +84 91x xxx 678", or "R-12 (erased)". */
static void
from_of(json_t *c, char *buf, size_t bufsz)
{
	const char	*from = ctl_str(c, "from", NULL);

	if (json_is_true(json_object_get(c, "erased")) || from == NULL)
		snprintf(buf, bufsz, _("%s (erased)"), ctl_str(c, "resident",
		    "-"));
	else
		snprintf(buf, bufsz, "%s %s", ctl_str(c, "resident", "-"),
		    from);
}

/* The list as it fits the terminal; returns whether one is overdue. */
static int
print_narrow(json_t *cases, json_t *names)
{
	struct ctl_table	*t;
	json_t			*c;
	char			 age[32];
	const char		*cat;
	size_t			 i;
	time_t			 now = time(NULL);
	int			 overdue = 0;

	t = ctl_table_new(_("REF"), _("AGE"), _("CATEGORY"), _("STATE"),
	    _("OFFICER"), _("TEXT"), (char *)NULL);
	ctl_table_col(t, 1, 0, 1);
	ctl_table_col(t, 2, CATEGORY_COLUMNS, 0);
	ctl_table_col(t, 4, ASSIGNEE_COLUMNS, 0);
	ctl_table_fill(t, 5, (size_t)ctl_columns());
	json_array_foreach(cases, i, c) {
		ctl_age(json_object_get(c, "created"), now, age, sizeof(age));
		if (json_is_true(json_object_get(c, "overdue"))) {
			strncat(age, "!", sizeof(age) - strlen(age) - 1);
			overdue = 1;
		}
		cat = ctl_str(c, "category", "-");
		ctl_table_add(t, ctl_str(c, "ref", "-"), age, ctl_names(
		    json_object_get(names, cat), 1, cat),
		    ctl_state_label(ctl_str(c, "state", ""), 1),
		    ctl_str(c, "assignee", "-"), ctl_str(c, "text", ""));
	}
	ctl_table_print(t, stdout);
	return overdue;
}

/* Every column, the whole text: --wide. */
static void
print_wide(json_t *cases, json_t *names)
{
	struct ctl_table	*t;
	json_t			*c;
	char			 created[32], due[64], from[96];
	const char		*cat;
	size_t			 i;

	t = ctl_table_new(_("REF"), _("CREATED"), _("DEADLINE"),
	    _("CATEGORY"), _("STATE"), _("OFFICER"), _("FROM"), _("CHANNEL"),
	    _("TEXT"), (char *)NULL);
	json_array_foreach(cases, i, c) {
		ctl_date(json_object_get(c, "deadline"), due, sizeof(due));
		if (json_is_true(json_object_get(c, "overdue")))
			snprintf(due + strlen(due), sizeof(due) - strlen(due),
			    " %s", _("overdue"));
		from_of(c, from, sizeof(from));
		cat = ctl_str(c, "category", "-");
		ctl_table_add(t, ctl_str(c, "ref", "-"), ctl_time(
		    json_object_get(c, "created"), created, sizeof(created)),
		    due, ctl_names(json_object_get(names, cat), 0, cat),
		    ctl_state_label(ctl_str(c, "state", ""), 0),
		    ctl_str(c, "assignee", "-"), from, ctl_str(c, "channel",
		    "-"), ctl_str(c, "text", ""));
	}
	ctl_table_print(t, stdout);
}

/* The cases of a list answer, and how to ask for more. */
static void
print_cases(const struct list_opts *o, json_t *data)
{
	json_t	*cases = json_object_get(data, "cases");
	json_t	*names = json_object_get(data, "categories");

	if (json_array_size(cases) == 0) {
		printf("%s\n", _("no cases"));
		return;
	}
	if (o->wide)
		print_wide(cases, names);
	else if (print_narrow(cases, names))
		printf("%s\n", _("(! past its deadline)"));
	if (json_is_true(json_object_get(data, "more")))
		print_more(o, ctl_str(json_array_get(cases,
		    json_array_size(cases) - 1), "ref", ""));
}

int
ctl_list(struct ctl_globals *g, int argc, char **argv)
{
	struct list_opts	 o;
	json_t			*req, *data;
	int			 r;

	memset(&o, 0, sizeof(o));
	o.args = json_object();
	if ((r = list_args(argc, argv, &o, 0)) != CTL_OK)
		goto done;
	/* The hint repeats the filters as given: the request is a copy. */
	req = json_deep_copy(o.args);
	if ((r = before_number(req)) != CTL_OK) {
		json_decref(req);
		goto done;
	}
	if ((r = ctl_call(g, "list", req, &data, NULL, NULL)) != CTL_OK)
		goto done;
	if (g->json)
		ctl_print_json(data);
	else
		print_cases(&o, data);
	json_decref(data);
done:
	json_decref(o.args);
	return r;
}

/*
 * ===================================================================
 * close --filter
 * ===================================================================
 */

/*
 * Asks whether to close n cases, on the terminal (standard input when it
 * is one, else /dev/tty).  Returns 1 for yes.
 */
static int
confirm(size_t n)
{
	char	 line[64];
	FILE	*in = stdin, *tty = NULL;
	int	 yes;

	if (!isatty(STDIN_FILENO) && (tty = in = fopen("/dev/tty", "r")) ==
	    NULL) {
		fprintf(stderr, "%s\n", _("papictl: no terminal to confirm "
		    "on: give --yes"));
		return 0;
	}
	printf(ngettext("Close this case? [y/N] ",
	    "Close these %zu cases? [y/N] ", n), n);
	fflush(stdout);
	yes = fgets(line, sizeof(line), in) != NULL && (line[0] == 'y' ||
	    line[0] == 'Y' || strncmp(line, _("y"), strlen(_("y"))) == 0);
	if (tty != NULL)
		fclose(tty);
	return yes;
}

/* Sends the references of the cases listed in data, and says what came. */
static int
close_listed(struct ctl_globals *g, const struct list_opts *o, json_t *data)
{
	json_t	*refs = json_array(), *c, *ans, *v;
	size_t	 i;
	int	 r;

	json_array_foreach(json_object_get(data, "cases"), i, c)
		json_array_append_new(refs, json_string(ctl_str(c, "ref", "")));
	r = ctl_call(g, "close.bulk", json_pack("{s:o, s:s}", "refs", refs,
	    "reason", o->reason), &ans, NULL, NULL);
	if (r != CTL_OK)
		return r;
	if (g->json) {
		ctl_print_json(ans);
		json_decref(ans);
		return CTL_OK;
	}
	i = json_array_size(json_object_get(ans, "closed"));
	printf(ngettext("%zu case closed\n", "%zu cases closed\n", i), i);
	json_array_foreach(json_object_get(ans, "skipped"), i, v)
		printf(_("%s left as it was: %s\n"), ctl_str(v, "ref", "-"),
		    ctl_state_label(ctl_str(v, "why", ""), 0) != NULL ?
		    ctl_state_label(ctl_str(v, "why", ""), 0) : _("no case"));
	json_decref(ans);
	return CTL_OK;
}

/*
 * close --filter [list's filters] --reason TEXT [--yes]: every case that
 * list shows with those filters (at most 1000), after a confirmation.
 */
int
ctl_close_filter(struct ctl_globals *g, int argc, char **argv)
{
	struct list_opts	 o;
	json_t			*data = NULL, *cases;
	size_t			 n;
	int			 r;

	memset(&o, 0, sizeof(o));
	o.args = json_object();
	if ((r = list_args(argc, argv, &o, 1)) != CTL_OK ||
	    (r = before_number(o.args)) != CTL_OK)
		goto done;
	o.limited = json_object_get(o.args, "limit") != NULL;
	if (!o.limited)
		json_object_set_new(o.args, "limit", json_integer(BULK_MAX));
	json_object_set_new(o.args, "open", json_true());
	if ((r = ctl_call(g, "list", json_incref(o.args), &data, NULL,
	    NULL)) != CTL_OK)
		goto done;
	cases = json_object_get(data, "cases");
	if ((n = json_array_size(cases)) == 0) {
		printf("%s\n", _("no open case passes the filter"));
		goto done;
	}
	if (json_is_true(json_object_get(data, "more")) && !o.limited) {
		fprintf(stderr, _("papictl: more than %zu cases pass the "
		    "filter: narrow it, or take them in parts with --limit\n"),
		    n);
		r = CTL_FAIL;
		goto done;
	}
	if (!g->json) {
		print_narrow(cases, json_object_get(data, "categories"));
		printf(ngettext("%zu open case passes the filter.\n",
		    "%zu open cases pass the filter.\n", n), n);
	}
	if (!o.yes && !confirm(n)) {
		printf("%s\n", _("nothing closed"));
		r = CTL_FAIL;
		goto done;
	}
	r = close_listed(g, &o, data);
done:
	json_decref(data);
	json_decref(o.args);
	return r;
}
