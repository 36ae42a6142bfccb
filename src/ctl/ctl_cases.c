/*
 * ctl_cases.c: papictl's case commands: show, reply, assign, claim,
 * note, close and reopen (list and close --filter are ctl_list.c).  Each
 * builds one request for the daemon (ctl_call()) and prints the answer
 * as a table or a few lines, or as one JSON line with --json.  The daemon decides what the caller's role may
 * see and do; papictl only asks.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "ctl/papictl.h"

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
		snprintf(buf, bufsz, _("%s (erased)"), ctl_str(c, "resident",
		    "-"));
	else
		snprintf(buf, bufsz, "%s %s", ctl_str(c, "resident", "-"),
		    from);
}

/* The state named by key in an answer, for people. */
static const char *
state_of(json_t *data, const char *key)
{
	const char	*id = ctl_str(data, key, "-"), *label;

	label = ctl_state_label(id, 1);
	return label != NULL ? label : id;
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
	int			 out;
	long long		 n;

	printf("\n%s\n", _("Messages:"));
	t = ctl_table_new(_("  AT"), "", _("CHANNEL"), _("STATE"), _("TEXT"),
	    (char *)NULL);
	a = json_object_get(c, "thread");
	json_array_foreach(a, i, e) {
		out = strcmp(ctl_str(e, "dir", ""), "out") == 0;
		n = (long long)json_integer_value(json_object_get(e,
		    "segments"));
		if (out)
			snprintf(line, sizeof(line), ngettext("%s %s, %lld SMS",
			    "%s %s, %lld SMS", (unsigned long)n),
			    ctl_str(e, "state", "-"), ctl_str(e, "encoding",
			    "-"), n);
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
 * Where the case came from, when it is not a text message; for a slip or
 * a point raised in person, what the officer wrote down.
 */
static void
show_source(json_t *c)
{
	json_t	*in = json_object_get(c, "intake");

	if (strcmp(ctl_str(c, "source", "sms"), "sms") == 0)
		return;
	printf(_("Source:     %s\n"), ctl_str(c, "source", "-"));
	if (!json_is_object(in))
		return;
	printf(_("Recorded:   by %s, received %s%s%s%s%s\n"),
	    ctl_str(in, "officer", "-"), ctl_str(in, "received", "-"),
	    json_is_string(json_object_get(in, "slip")) ? _(", slip ") : "",
	    ctl_str(in, "slip", ""),
	    json_is_string(json_object_get(in, "area")) ? _(", area ") : "",
	    ctl_str(in, "area", ""));
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
	int	 model;

	json_array_foreach(json_object_get(c, "thread"), i, e)
		if ((d = json_object_get(e, "decision")) != NULL)
			break;
	if (json_is_object(d) && strcmp(ctl_str(d, "by", ""), "model") == 0)
		printf(_("Routed by:  the model: %s (p %.2f; corruption %.2f, "
		    "spam %.2f)%s\n"), ctl_str(d, "class", "-"),
		    json_number_value(json_object_get(d, "p")),
		    json_number_value(json_object_get(d, "p_corruption")),
		    json_number_value(json_object_get(d, "p_spam")),
		    json_is_true(json_object_get(d, "corruption_sign")) ?
		    _(", a sign of corruption in the words") : "");
	else if (json_is_object(d))
		printf(_("Routed by:  the keyword router (score %.2f)\n"),
		    json_number_value(json_object_get(d, "score")));
	if (!json_is_object(ev))
		return;
	model = strcmp(ctl_str(ev, "by", ""), "model") == 0;
	printf(_("Now:        %s, %s"), ctl_str(ev, "category", "-"), model ?
	    _("the model") : _("the keyword router"));
	json_array_foreach(json_object_get(ev, "why"), i, e)
		printf("%s %s %+.2f", i == 0 ? _("; why:") : ",",
		    ctl_str(e, "feature", "?"), json_number_value(
		    json_object_get(e, "weight")));
	printf("\n");
}

/* The history of a case's states, and its notes. */
static void
show_history(json_t *c)
{
	struct ctl_table	*t;
	json_t			*a, *e;
	char			 b1[32], b2[32];
	const char		*to;
	size_t			 i;

	printf("\n%s\n", _("History:"));
	t = ctl_table_new(_("  AT"), _("BY"), _("FROM"), _("TO"), _("DETAIL"),
	    (char *)NULL);
	json_array_foreach(json_object_get(c, "history"), i, e) {
		snprintf(b2, sizeof(b2), "  %s", ctl_time(json_object_get(e,
		    "at"), b1, sizeof(b1)));
		to = ctl_str(e, "to", "-");
		ctl_table_add(t, b2, ctl_str(e, "actor", "-"), i == 0 ? "-" :
		    ctl_state_label(ctl_str(e, "from", ""), 1),
		    ctl_state_label(to, 1) ? ctl_state_label(to, 1) : to,
		    ctl_str(e, "detail", ""));
	}
	ctl_table_print(t, stdout);
	a = json_object_get(c, "notes");
	if (json_array_size(a) == 0)
		return;
	printf("\n%s\n", _("Notes:"));
	t = ctl_table_new(_("  AT"), _("BY"), _("NOTE"), (char *)NULL);
	json_array_foreach(a, i, e) {
		snprintf(b2, sizeof(b2), "  %s", ctl_time(json_object_get(e,
		    "at"), b1, sizeof(b1)));
		ctl_table_add(t, b2, ctl_str(e, "author", "-"), ctl_str(e,
		    "text", ""));
	}
	ctl_table_print(t, stdout);
}

static void
show_case(json_t *c)
{
	char		 b1[32], b2[32], b3[32], from[96];
	const char	*state = ctl_str(c, "state", "-");
	long long	 n;

	printf("%s  %s (%s, %s)  %s\n", ctl_str(c, "ref", "-"),
	    ctl_names(json_object_get(c, "category_names"), 0,
	    ctl_str(c, "category_name", "-")), ctl_str(c, "dimension", "-"),
	    ctl_str(c, "category", "-"), ctl_state_label(state, 0) != NULL ?
	    ctl_state_label(state, 0) : state);
	from_of(c, from, sizeof(from));
	n = (long long)json_integer_value(json_object_get(c,
	    "resident_cases"));
	printf(ngettext("From:       %s (%lld case seen by you)\n",
	    "From:       %s (%lld cases seen by you)\n", (unsigned long)n),
	    from, n);
	if (json_object_get(c, "number_full") != NULL)
		printf(_("Number:     %s (unmasked, audited)\n"),
		    ctl_str(c, "number_full", "-"));
	printf(_("Channel:    %s\n"), ctl_str(c, "channel", "-"));
	show_source(c);
	printf(_("Created:    %s    Deadline: %s%s\n"), ctl_time(
	    json_object_get(c, "created"), b1, sizeof(b1)), ctl_time(
	    json_object_get(c, "deadline"), b2, sizeof(b2)),
	    json_is_true(json_object_get(c, "overdue")) ? _(" (overdue)") :
	    "");
	printf(_("Assignee:   %s\n"), ctl_str(c, "assignee", "-"));
	printf(_("Answered:   %s    Closed: %s    Reopened: %s\n"),
	    ctl_time(json_object_get(c, "first_answered"), b1, sizeof(b1)),
	    ctl_time(json_object_get(c, "closed"), b2, sizeof(b2)),
	    ctl_time(json_object_get(c, "reopened"), b3, sizeof(b3)));
	if (json_is_integer(json_object_get(c, "satisfaction")))
		printf(_("Satisfaction: %lld/5\n"), (long long)
		    json_integer_value(json_object_get(c, "satisfaction")));
	show_routing(c);
	show_thread(c);
	show_history(c);
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
		if (ch != 'u' || ctl_utf8(_("the reason"), optarg) == -1) {
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
	json_t		*args, *data;
	long long	 n;
	int		 ch, r, dry = 0;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'n')
			return CTL_USAGE;
		dry = 1;
	}
	if (optind + 2 != argc)
		return usage(argv[0]);
	if (ctl_utf8(_("the answer"), argv[optind + 1]) == -1)
		return CTL_USAGE;
	/* First what it costs, as the channel will send it. */
	args = json_pack("{s:s, s:s, s:b}", "ref", argv[optind], "text",
	    argv[optind + 1], "dry_run", 1);
	if ((r = ctl_call(g, "reply", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json && dry)
		ctl_print_json(data);
	else if (!g->json) {
		n = (long long)json_integer_value(json_object_get(data,
		    "segments"));
		printf(ngettext("%s: %lld SMS part, %s encoding%s\n",
		    "%s: %lld SMS parts, %s encoding%s\n", (unsigned long)n),
		    ctl_str(data, "ref", "-"), n, ctl_str(data, "encoding",
		    "-"), dry ? _(" (dry run: not sent)") : "");
	}
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
		printf(_("queued as outbox %lld (case %s -> %s)\n"),
		    (long long)json_integer_value(json_object_get(data,
		    "outbox")), state_of(data, "from"), state_of(data, "to"));
	json_decref(data);
	return CTL_OK;
}

/*
 * ===================================================================
 * assign, claim, note, close, reopen
 * ===================================================================
 */

/* What a change did, for its line. */
enum change_verb {
	CH_ASSIGN,
	CH_CLAIM,
	CH_NOTE,
	CH_CLOSE,
	CH_REOPEN
};

/* "PA-000001 assigned to an", the start of a change's line. */
static void
change_said(enum change_verb verb, json_t *data)
{
	const char	*ref = ctl_str(data, "ref", "-");
	const char	*user = ctl_str(data, "assignee", "-");

	switch (verb) {
	case CH_ASSIGN:
		printf(_("%s assigned to %s"), ref, user);
		break;
	case CH_CLAIM:
		printf(_("%s claimed by %s"), ref, user);
		break;
	case CH_CLOSE:
		printf(_("%s closed"), ref);
		break;
	case CH_REOPEN:
		printf(_("%s reopened"), ref);
		break;
	default:
		printf("%s", ref);
	}
}

/* Sends a case change and prints what it did. */
static int
change(struct ctl_globals *g, const char *cmd, json_t *args,
    enum change_verb verb)
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
		printf(_("%s: note %lld added\n"), ctl_str(data, "ref", "-"),
		    (long long)json_integer_value(json_object_get(data,
		    "note")));
	else {
		change_said(verb, data);
		printf(" (%s -> %s)", state_of(data, "from"), state_of(data,
		    "to"));
		if (json_is_integer(json_object_get(data, "deadline")))
			printf(_(", due %s"), ctl_time(json_object_get(data,
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
	    argv[optind], "user", argv[optind + 1]), CH_ASSIGN);
}

int
ctl_claim(struct ctl_globals *g, int argc, char **argv)
{
	if (plain(argc, argv, 1) == -1)
		return CTL_USAGE;
	return change(g, "claim", json_pack("{s:s}", "ref", argv[optind]),
	    CH_CLAIM);
}

int
ctl_note(struct ctl_globals *g, int argc, char **argv)
{
	if (plain(argc, argv, 2) == -1)
		return CTL_USAGE;
	if (ctl_utf8(_("the note"), argv[optind + 1]) == -1)
		return CTL_USAGE;
	return change(g, "note", json_pack("{s:s, s:s}", "ref", argv[optind],
	    "text", argv[optind + 1]), CH_NOTE);
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
	int		 ch, i;

	/* close --filter ...: many cases at once (ctl_list.c). */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--filter") == 0)
			return ctl_close_filter(g, argc, argv);
	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'n')
			return CTL_USAGE;
		note = optarg;
	}
	if (optind + 1 != argc)
		return usage(argv[0]);
	if (note != NULL && ctl_utf8(_("the note"), note) == -1)
		return CTL_USAGE;
	args = json_pack("{s:s}", "ref", argv[optind]);
	if (note != NULL)
		json_object_set_new(args, "note", json_string(note));
	return change(g, "close", args, CH_CLOSE);
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
	if (ctl_utf8(_("the reason"), reason) == -1)
		return CTL_USAGE;
	if ((r = ctl_call(g, "recategorise", json_pack("{s:s, s:s, s:s}",
	    "ref", argv[optind], "category", argv[optind + 1], "reason",
	    reason), &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else {
		printf(_("%s moved from %s to %s (correction %lld kept for "
		    "the router)\n"), ctl_str(data, "ref", "-"),
		    ctl_str(data, "category_from", "-"),
		    ctl_str(data, "category_to", "-"),
		    (long long)json_integer_value(json_object_get(data,
		    "correction")));
		if (!json_is_true(json_object_get(data, "visible")))
			printf(_("%s is now in a category your roles do not "
			    "see\n"), ctl_str(data, "ref", "-"));
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
	    CH_REOPEN);
}

/* merge KEEP JOIN: the second case becomes part of the first. */
int
ctl_merge(struct ctl_globals *g, int argc, char **argv)
{
	json_t	*data;
	char	 due[32];
	int	 r;

	if (plain(argc, argv, 2) == -1)
		return CTL_USAGE;
	if ((r = ctl_call(g, "merge", json_pack("{s:s, s:s}", "ref",
	    argv[optind], "join", argv[optind + 1]), &data, NULL, NULL)) !=
	    CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else
		printf(_("%s joined %s (%lld messages moved), due %s; %s now "
		    "leads to %s\n"), ctl_str(data, "joined", "-"),
		    ctl_str(data, "ref", "-"),
		    (long long)json_integer_value(json_object_get(data,
		    "messages")), ctl_time(json_object_get(data, "deadline"),
		    due, sizeof(due)), ctl_str(data, "joined", "-"),
		    ctl_str(data, "ref", "-"));
	json_decref(data);
	return CTL_OK;
}
