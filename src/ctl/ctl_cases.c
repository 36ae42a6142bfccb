/*
 * ctl_cases.c: papictl's case commands: list, show, reply, assign,
 * claim, note, close and reopen.  Each builds one request for the daemon
 * (ctl_call()) and prints the answer as a table or a few lines, or as one
 * JSON line with --json.  The daemon decides what the caller's role may
 * see and do; papictl only asks.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ctl/papictl.h"

#define TEXT_COLUMNS	48	/* display columns of a text in a list */

static int
usage(const char *cmd)
{
	ctl_usage_of(cmd);
	return CTL_USAGE;
}

/* "R-12 +84 91x xxx 678", or "R-12 (erased)". */
static void
from_of(json_t *c, char *buf, size_t bufsz)
{
	const char	*from = ctl_str(c, "from", NULL);

	if (json_is_true(json_object_get(c, "erased")) || from == NULL)
		snprintf(buf, bufsz, "%s (erased)", ctl_str(c, "resident",
		    "-"));
	else
		snprintf(buf, bufsz, "%s %s", ctl_str(c, "resident", "-"),
		    from);
}

/*
 * ===================================================================
 * list
 * ===================================================================
 */

/*
 * Reads list's options into args: the filters, --limit and --before.
 * Returns CTL_OK, or CTL_USAGE after saying what is wrong.
 */
static int
list_args(int argc, char **argv, json_t *args)
{
	static const struct option longopts[] = {
		{ "category", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "overdue", no_argument, NULL, 'o' },
		{ "mine", no_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'l' },
		{ "before", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	long	n;
	int	ch;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'c':
			json_object_set_new(args, "category",
			    json_string(optarg));
			break;
		case 's':
			json_object_set_new(args, "state", json_string(optarg));
			break;
		case 'o':
			json_object_set_new(args, "overdue", json_true());
			break;
		case 'm':
			json_object_set_new(args, "mine", json_true());
			break;
		case 'l':
			if (ctl_number(argv[0], "--limit", optarg, 1, 1000,
			    &n) == -1)
				return CTL_USAGE;
			json_object_set_new(args, "limit", json_integer(n));
			break;
		case 'b':
			json_object_set_new(args, "before", json_string(
			    optarg));
			break;
		default:
			return CTL_USAGE;
		}
	}
	if (optind != argc)
		return usage(argv[0]);
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
		fprintf(stderr, "papictl: --before: '%s' is not a "
		    "case reference\n", s);
		return CTL_USAGE;
	}
	json_object_set_new(args, "before", json_integer(n));
	return CTL_OK;
}

/*
 * Prints the cases of a list answer, data, as a table, and how to ask
 * for more when the daemon has more; "no cases" when there are none.
 */
static void
print_cases(json_t *data)
{
	struct ctl_table	*t;
	json_t			*cases, *c;
	char			 created[32], due[40], from[96];
	size_t			 i;

	cases = json_object_get(data, "cases");
	if (json_array_size(cases) == 0) {
		printf("no cases\n");
		return;
	}
	t = ctl_table_new("REF", "CREATED", "CATEGORY", "STATE", "ASSIGNEE",
	    "DEADLINE", "FROM", "TEXT", (char *)NULL);
	ctl_table_col(t, 7, TEXT_COLUMNS, 0);
	json_array_foreach(cases, i, c) {
		ctl_date(json_object_get(c, "deadline"), due, sizeof(due));
		if (json_is_true(json_object_get(c, "overdue")))
			strncat(due, " overdue", sizeof(due) - strlen(due) - 1);
		from_of(c, from, sizeof(from));
		ctl_table_add(t, ctl_str(c, "ref", "-"),
		    ctl_time(json_object_get(c, "created"), created,
		    sizeof(created)), ctl_str(c, "category", "-"),
		    ctl_str(c, "state", "-"), ctl_str(c, "assignee", "-"), due,
		    from, ctl_str(c, "text", ""));
	}
	ctl_table_print(t, stdout);
	if (json_is_true(json_object_get(data, "more")))
		printf("(more: papictl list --before %s)\n", ctl_str(
		    json_array_get(cases, json_array_size(cases) - 1), "ref",
		    ""));
}

int
ctl_list(struct ctl_globals *g, int argc, char **argv)
{
	json_t	*args = json_object(), *data;
	int	 r;

	if ((r = list_args(argc, argv, args)) != CTL_OK ||
	    (r = before_number(args)) != CTL_OK) {
		json_decref(args);
		return r;
	}
	if ((r = ctl_call(g, "list", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else
		print_cases(data);
	json_decref(data);
	return CTL_OK;
}

/*
 * ===================================================================
 * show
 * ===================================================================
 */

/* The messages of a case, in and out. */
static void
show_thread(json_t *c)
{
	struct ctl_table	*t;
	json_t			*a, *e;
	char			 b1[32], b2[32], line[256];
	size_t			 i;

	printf("\nMessages:\n");
	t = ctl_table_new("  AT", "", "CHANNEL", "STATE", "TEXT", (char *)NULL);
	a = json_object_get(c, "thread");
	json_array_foreach(a, i, e) {
		int out = strcmp(ctl_str(e, "dir", ""), "out") == 0;

		if (out)
			snprintf(line, sizeof(line), "%s %s, %lld SMS",
			    ctl_str(e, "state", "-"), ctl_str(e, "encoding",
			    "-"), (long long)json_integer_value(
			    json_object_get(e, "segments")));
		else
			snprintf(line, sizeof(line), "%s", ctl_str(e, "kind",
			    "received"));
		snprintf(b2, sizeof(b2), "  %s", ctl_time(json_object_get(e,
		    "at"), b1, sizeof(b1)));
		ctl_table_add(t, b2, out ? ">" : "<", ctl_str(e, "channel",
		    "-"), line, ctl_str(e, "text", ""));
	}
	ctl_table_print(t, stdout);
}

/*
 * What filed the case: the decision kept with its first message, and
 * why the classifier running now files it where it does (the features
 * that weighed most).
 */
static void
show_routing(json_t *c)
{
	json_t	*d = NULL, *ev = json_object_get(c, "evidence"), *e;
	size_t	 i;

	json_array_foreach(json_object_get(c, "thread"), i, e)
		if ((d = json_object_get(e, "decision")) != NULL)
			break;
	if (json_is_object(d) && strcmp(ctl_str(d, "by", ""), "model") == 0)
		printf("Routed by:  the model: %s (p %.2f; corruption %.2f, "
		    "spam %.2f)%s\n", ctl_str(d, "class", "-"),
		    json_number_value(json_object_get(d, "p")),
		    json_number_value(json_object_get(d, "p_corruption")),
		    json_number_value(json_object_get(d, "p_spam")),
		    json_is_true(json_object_get(d, "corruption_sign")) ?
		    ", a sign of corruption in the words" : "");
	else if (json_is_object(d))
		printf("Routed by:  the keyword router (score %.2f)\n",
		    json_number_value(json_object_get(d, "score")));
	if (!json_is_object(ev))
		return;
	printf("Now:        %s, %s", ctl_str(ev, "category", "-"),
	    strcmp(ctl_str(ev, "by", ""), "model") == 0 ? "the model" :
	    "the keyword router");
	json_array_foreach(json_object_get(ev, "why"), i, e)
		printf("%s %s %+.2f", i == 0 ? "; why:" : ",",
		    ctl_str(e, "feature", "?"), json_number_value(
		    json_object_get(e, "weight")));
	printf("\n");
}

static void
show_case(json_t *c)
{
	struct ctl_table	*t;
	json_t			*a, *e;
	char			 b1[32], b2[32], b3[32], from[96];
	size_t			 i;

	printf("%s  %s (%s, %s)  %s\n", ctl_str(c, "ref", "-"),
	    ctl_str(c, "category", "-"), ctl_str(c, "dimension", "-"),
	    ctl_str(c, "category_name", "-"), ctl_str(c, "state", "-"));
	from_of(c, from, sizeof(from));
	printf("From:       %s (%lld case%s seen by you)\n", from,
	    (long long)json_integer_value(json_object_get(c,
	    "resident_cases")), json_integer_value(json_object_get(c,
	    "resident_cases")) == 1 ? "" : "s");
	if (json_object_get(c, "number_full") != NULL)
		printf("Number:     %s (unmasked, audited)\n",
		    ctl_str(c, "number_full", "-"));
	printf("Channel:    %s\n", ctl_str(c, "channel", "-"));
	printf("Created:    %s    Deadline: %s%s\n", ctl_time(
	    json_object_get(c, "created"), b1, sizeof(b1)), ctl_time(
	    json_object_get(c, "deadline"), b2, sizeof(b2)),
	    json_is_true(json_object_get(c, "overdue")) ? " (overdue)" : "");
	printf("Assignee:   %s\n", ctl_str(c, "assignee", "-"));
	printf("Answered:   %s    Closed: %s    Reopened: %s\n",
	    ctl_time(json_object_get(c, "first_answered"), b1, sizeof(b1)),
	    ctl_time(json_object_get(c, "closed"), b2, sizeof(b2)),
	    ctl_time(json_object_get(c, "reopened"), b3, sizeof(b3)));
	if (json_is_integer(json_object_get(c, "satisfaction")))
		printf("Satisfaction: %lld/5\n", (long long)json_integer_value(
		    json_object_get(c, "satisfaction")));
	show_routing(c);
	show_thread(c);

	printf("\nHistory:\n");
	t = ctl_table_new("  AT", "BY", "FROM", "TO", "DETAIL", (char *)NULL);
	a = json_object_get(c, "history");
	json_array_foreach(a, i, e) {
		snprintf(b2, sizeof(b2), "  %s", ctl_time(json_object_get(e,
		    "at"), b1, sizeof(b1)));
		ctl_table_add(t, b2, ctl_str(e, "actor", "-"), i == 0 ?
		    "-" : ctl_str(e, "from", "-"), ctl_str(e, "to", "-"),
		    ctl_str(e, "detail", ""));
	}
	ctl_table_print(t, stdout);

	a = json_object_get(c, "notes");
	if (json_array_size(a) > 0) {
		printf("\nNotes:\n");
		t = ctl_table_new("  AT", "BY", "NOTE", (char *)NULL);
		json_array_foreach(a, i, e) {
			snprintf(b2, sizeof(b2), "  %s", ctl_time(
			    json_object_get(e, "at"), b1, sizeof(b1)));
			ctl_table_add(t, b2, ctl_str(e, "author", "-"),
			    ctl_str(e, "text", ""));
		}
		ctl_table_print(t, stdout);
	}
}

int
ctl_show(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unmask", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	json_t	*args = json_object(), *data;
	int	 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'u' || ctl_utf8("the reason", optarg) == -1) {
			json_decref(args);
			return CTL_USAGE;
		}
		json_object_set_new(args, "unmask", json_string(optarg));
	}
	if (optind + 1 != argc) {
		json_decref(args);
		return usage(argv[0]);
	}
	json_object_set_new(args, "ref", json_string(argv[optind]));
	if ((r = ctl_call(g, "show", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else
		show_case(data);
	json_decref(data);
	return CTL_OK;
}

/*
 * ===================================================================
 * reply
 * ===================================================================
 */

int
ctl_reply(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	json_t	*args, *data;
	int	 ch, r, dry = 0;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'n')
			return CTL_USAGE;
		dry = 1;
	}
	if (optind + 2 != argc)
		return usage(argv[0]);
	if (ctl_utf8("the answer", argv[optind + 1]) == -1)
		return CTL_USAGE;
	/* First what it costs, as the channel will send it. */
	args = json_pack("{s:s, s:s, s:b}", "ref", argv[optind], "text",
	    argv[optind + 1], "dry_run", 1);
	if ((r = ctl_call(g, "reply", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json && dry)
		ctl_print_json(data);
	else if (!g->json)
		printf("%s: %lld SMS part%s, %s encoding%s\n",
		    ctl_str(data, "ref", "-"), (long long)json_integer_value(
		    json_object_get(data, "segments")),
		    json_integer_value(json_object_get(data, "segments")) ==
		    1 ? "" : "s", ctl_str(data, "encoding", "-"),
		    dry ? " (dry run: not sent)" : "");
	json_decref(data);
	if (dry)
		return CTL_OK;
	fflush(stdout);
	args = json_pack("{s:s, s:s}", "ref", argv[optind], "text",
	    argv[optind + 1]);
	if ((r = ctl_call(g, "reply", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else
		printf("queued as outbox %lld (case %s -> %s)\n",
		    (long long)json_integer_value(json_object_get(data,
		    "outbox")), ctl_str(data, "from", "-"), ctl_str(data,
		    "to", "-"));
	json_decref(data);
	return CTL_OK;
}

/*
 * ===================================================================
 * assign, claim, note, close, reopen
 * ===================================================================
 */

/* Sends a case change and prints what it did. */
static int
change(struct ctl_globals *g, const char *cmd, json_t *args,
    const char *verb)
{
	json_t	*data;
	char	 due[32];
	int	 r;

	if ((r = ctl_call(g, cmd, args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else if (json_object_get(data, "note") != NULL &&
	    strcmp(cmd, "note") == 0)
		printf("%s: note %lld added\n", ctl_str(data, "ref", "-"),
		    (long long)json_integer_value(json_object_get(data,
		    "note")));
	else {
		printf("%s %s", ctl_str(data, "ref", "-"), verb);
		if (json_object_get(data, "assignee") != NULL)
			printf(" %s", ctl_str(data, "assignee", "-"));
		printf(" (%s -> %s)", ctl_str(data, "from", "-"),
		    ctl_str(data, "to", "-"));
		if (json_is_integer(json_object_get(data, "deadline")))
			printf(", due %s", ctl_time(json_object_get(data,
			    "deadline"), due, sizeof(due)));
		printf("\n");
	}
	json_decref(data);
	return CTL_OK;
}

/* Commands without options: exactly nargs arguments. */
static int
plain(int argc, char **argv, int nargs)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	int	ch;

	while ((ch = ctl_getopt(argc, argv, "", none)) != -1)
		return -1;
	if (optind + nargs != argc) {
		ctl_usage_of(argv[0]);
		return -1;
	}
	return 0;
}

int
ctl_assign(struct ctl_globals *g, int argc, char **argv)
{
	if (plain(argc, argv, 2) == -1)
		return CTL_USAGE;
	return change(g, "assign", json_pack("{s:s, s:s}", "ref",
	    argv[optind], "user", argv[optind + 1]), "assigned to");
}

int
ctl_claim(struct ctl_globals *g, int argc, char **argv)
{
	if (plain(argc, argv, 1) == -1)
		return CTL_USAGE;
	return change(g, "claim", json_pack("{s:s}", "ref", argv[optind]),
	    "claimed by");
}

int
ctl_note(struct ctl_globals *g, int argc, char **argv)
{
	if (plain(argc, argv, 2) == -1)
		return CTL_USAGE;
	if (ctl_utf8("the note", argv[optind + 1]) == -1)
		return CTL_USAGE;
	return change(g, "note", json_pack("{s:s, s:s}", "ref", argv[optind],
	    "text", argv[optind + 1]), "noted");
}

int
ctl_close(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*note = NULL;
	json_t		*args;
	int		 ch;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'n')
			return CTL_USAGE;
		note = optarg;
	}
	if (optind + 1 != argc)
		return usage(argv[0]);
	if (note != NULL && ctl_utf8("the note", note) == -1)
		return CTL_USAGE;
	args = json_pack("{s:s}", "ref", argv[optind]);
	if (note != NULL)
		json_object_set_new(args, "note", json_string(note));
	return change(g, "close", args, "closed");
}

/*
 * recategorise REF CATEGORY[/SUB] --reason TEXT: the case moves, and the
 * correction teaches the router (papictl router train).
 */
int
ctl_recategorise(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*reason = NULL;
	json_t		*data;
	int		 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'r')
			return CTL_USAGE;
		reason = optarg;
	}
	if (optind + 2 != argc || reason == NULL)
		return usage(argv[0]);
	if (ctl_utf8("the reason", reason) == -1)
		return CTL_USAGE;
	if ((r = ctl_call(g, "recategorise", json_pack("{s:s, s:s, s:s}",
	    "ref", argv[optind], "category", argv[optind + 1], "reason",
	    reason), &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else {
		printf("%s moved from %s to %s (correction %lld kept for the "
		    "router)\n", ctl_str(data, "ref", "-"),
		    ctl_str(data, "category_from", "-"),
		    ctl_str(data, "category_to", "-"),
		    (long long)json_integer_value(json_object_get(data,
		    "correction")));
		if (!json_is_true(json_object_get(data, "visible")))
			printf("%s is now in a category your roles do not "
			    "see\n", ctl_str(data, "ref", "-"));
	}
	json_decref(data);
	return CTL_OK;
}

int
ctl_reopen(struct ctl_globals *g, int argc, char **argv)
{
	if (plain(argc, argv, 1) == -1)
		return CTL_USAGE;
	return change(g, "reopen", json_pack("{s:s}", "ref", argv[optind]),
	    "reopened");
}
