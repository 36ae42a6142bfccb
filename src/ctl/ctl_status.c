/*
 * ctl_status.c: papictl's queue and channel commands: status (queue
 * depths by category and state, the oldest waiting case, overdue cases,
 * and for administrators the outbox and the channels' health), outbox and
 * retry (outbound messages and their delivery), and inject (feed a
 * message in as if it had arrived).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "ctl/papictl.h"

static const char *const states[] = {
	"received", "assigned", "in_progress", "reopened", "resolved",
	"confirmed"
};
#define NSTATES	(sizeof(states) / sizeof(states[0]))

static const char *const outbox_states[] = {
	"queued", "sending", "sent", "delivered", "failed"
};

/* The same for people. */
static const char *const outbox_names[] = {
	N_("queued"), N_("sending"), N_("sent"), N_("delivered"), N_("failed")
};
#define NOUTBOX	(sizeof(outbox_states) / sizeof(outbox_states[0]))

/*
 * ===================================================================
 * status
 * ===================================================================
 */

/* One queue's line: a category's name and its counts by state. */
static void
queue_row(struct ctl_table *t, const char *id, json_t *o)
{
	char	n[NSTATES + 2][24];
	size_t	i;

	for (i = 0; i < NSTATES; i++)
		if (!json_is_integer(json_object_get(o, states[i])))
			snprintf(n[i], sizeof(n[i]), "0");
		else
			ctl_int(o, states[i], n[i], sizeof(n[i]));
	ctl_int(o, "open", n[NSTATES], sizeof(n[NSTATES]));
	ctl_int(o, "overdue", n[NSTATES + 1], sizeof(n[NSTATES + 1]));
	ctl_table_add(t, ctl_names(o, 1, id), ctl_str(o, "dimension", "-"),
	    n[0], n[1], n[2], n[3], n[NSTATES], n[NSTATES + 1], n[4], n[5]);
}

/*
 * The queues in the order the daemon gives ("order": the configuration's,
 * the ward's first concerns first), then any category no longer
 * configured.
 */
static void
print_queues(json_t *data)
{
	struct ctl_table	*t;
	json_t			*q, *o, *order, *v;
	const char		*id;
	char			 b[32];
	size_t			 i;

	t = ctl_table_new(_("CATEGORY"), _("DIM"), _("RECEIVED"), _("ASSIGNED"),
	    _("IN PROGRESS"), _("REOPENED"), _("OPEN"), _("OVERDUE"),
	    _("RESOLVED"), _("CONFIRMED"), (char *)NULL);
	for (i = 2; i < 10; i++)
		ctl_table_col(t, i, 0, 1);
	q = json_object_get(data, "queues");
	order = json_object_get(data, "order");
	json_array_foreach(order, i, v)
		if ((o = json_object_get(q, json_string_value(v))) != NULL)
			queue_row(t, json_string_value(v), o);
	json_object_foreach(q, id, o) {
		json_array_foreach(order, i, v)
			if (strcmp(json_string_value(v), id) == 0)
				break;
		if (i == json_array_size(order))
			queue_row(t, id, o);
	}
	ctl_table_print(t, stdout);
	printf(_("\nOpen cases: %lld, overdue: %lld"),
	    (long long)json_integer_value(json_object_get(data, "open")),
	    (long long)json_integer_value(json_object_get(data, "overdue")));
	o = json_object_get(data, "oldest_waiting");
	if (json_is_object(o))
		printf(_("; oldest waiting: %s since %s"), ctl_str(o, "ref",
		    "-"), ctl_time(json_object_get(o, "created"), b,
		    sizeof(b)));
	printf("\n");
}

/*
 * A period of the district's reports for people: "the first quarter of
 * 2026" from its kind ("Q1") and year.
 */
void
ctl_period_label(const char *kind, long long year, char *buf, size_t bufsz)
{
	if (strcmp(kind, "Q1") == 0)
		snprintf(buf, bufsz, _("the first quarter of %lld"), year);
	else if (strcmp(kind, "H1") == 0)
		snprintf(buf, bufsz, _("the first six months of %lld"), year);
	else if (strcmp(kind, "M9") == 0)
		snprintf(buf, bufsz, _("the first nine months of %lld"), year);
	else
		snprintf(buf, bufsz, _("the year %lld"), year);
}

/* The report due soon, when the daemon says its reminder is due. */
static void
print_report_due(json_t *due)
{
	char		 label[96], day[32];
	long long	 left;

	if (!json_is_object(due))
		return;
	ctl_period_label(ctl_str(due, "kind", "Y"), (long long)
	    json_integer_value(json_object_get(due, "year")), label,
	    sizeof(label));
	left = (long long)json_integer_value(json_object_get(due,
	    "workdays_left"));
	ctl_date(json_object_get(due, "cutoff"), day, sizeof(day));
	printf(ngettext("\nReport due: %s (%s), figures as of %s: %lld "
	    "working day left\n", "\nReport due: %s (%s), figures as of %s: "
	    "%lld working days left\n", (unsigned long)left), label,
	    ctl_str(due, "period", "-"), day, left);
}

/* A modem's state in a cell: "up 75% home", "down (no device)". */
static void
modem_of(json_t *m, char *buf, size_t bufsz)
{
	long long	sig;

	if (!json_is_object(m)) {
		snprintf(buf, bufsz, "-");
		return;
	}
	sig = json_integer_value(json_object_get(m, "signal"));
	if (strcmp(ctl_str(m, "state", ""), "up") == 0) {
		if (sig >= 0)
			snprintf(buf, bufsz, "up %lld%% %s", sig,
			    ctl_str(m, "network", ""));
		else
			snprintf(buf, bufsz, "up %s", ctl_str(m, "network",
			    ""));
	} else
		snprintf(buf, bufsz, "%s%s%s%s", ctl_str(m, "state", "-"),
		    *ctl_str(m, "error", "") ? " (" : "",
		    ctl_str(m, "error", ""), *ctl_str(m, "error", "") ? ")" :
		    "");
}

static void
print_channels(json_t *data)
{
	struct ctl_table	*t;
	json_t			*c, *o;
	const char		*name;
	char			 seen[32], n[NOUTBOX][24], modem[96];
	size_t			 i;

	o = json_object_get(data, "outbox");
	printf("\n%s", _("Outbox:"));
	for (i = 0; i < NOUTBOX; i++)
		printf(" %s %lld%s", _(outbox_names[i]),
		    (long long)json_integer_value(json_object_get(o,
		    outbox_states[i])), i + 1 < NOUTBOX ? "," : "\n");
	printf("\n");
	t = ctl_table_new(_("CHANNEL"), _("TYPE"), _("ENABLED"), _("MODEM"),
	    _("LAST MESSAGE"), _("QUEUED"), _("SENT"), _("DELIVERED"),
	    _("FAILED"), _("LAST ERROR"), (char *)NULL);
	for (i = 5; i < 9; i++)
		ctl_table_col(t, i, 0, 1);
	ctl_table_col(t, 9, 50, 0);
	c = json_object_get(data, "channels");
	json_object_foreach(c, name, o) {
		for (i = 0; i < NOUTBOX; i++)
			if (json_is_integer(json_object_get(o,
			    outbox_states[i])))
				ctl_int(o, outbox_states[i], n[i],
				    sizeof(n[i]));
			else
				snprintf(n[i], sizeof(n[i]), "0");
		modem_of(json_object_get(o, "modem"), modem, sizeof(modem));
		ctl_table_add(t, name, ctl_str(o, "type", "-"),
		    json_object_get(o, "enabled") == NULL ? "-" :
		    json_is_true(json_object_get(o, "enabled")) ? _("yes") :
		    _("no"),
		    modem, ctl_time(json_object_get(o, "last_seen"), seen,
		    sizeof(seen)), n[0], n[2], n[3], n[4],
		    ctl_str(o, "last_error", "-"));
	}
	ctl_table_print(t, stdout);
	o = json_object_get(data, "health");
	if (json_array_size(o) == 0)
		printf("\n%s\n", _("Health: OK"));
	else {
		printf("\n%s\n", _("Health:"));
		json_array_foreach(o, i, c)
			printf("  %s\n", json_string_value(c));
	}
}

/*
 * What the SMS the ward sent in the last 30 days cost: messages and parts,
 * in all and by kind, so that an administrator sees what a template
 * change or a flood of reports does to the bill.
 */
static void
print_sms(json_t *sms)
{
	static const char *const kinds[][2] = {
		{ "ack", N_("acknowledgements") },
		{ "special", N_("answers to special words") },
		{ "answer", N_("officers' answers") },
		{ "info", N_("information") },
		{ "announcement", N_("announcements") },
	};
	json_t		*o;
	long long	 n = 0, parts = 0, kn, kp;
	size_t		 i;

	if (!json_is_object(sms))
		return;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		o = json_object_get(sms, kinds[i][0]);
		n += json_integer_value(json_object_get(o, "messages"));
		parts += json_integer_value(json_object_get(o, "parts"));
	}
	printf("\n");
	printf(_("SMS sent in the last 30 days: %lld messages, %lld parts "
	    "(%.2f parts a message)\n"), n, parts, n > 0 ? (double)parts /
	    (double)n : 0.0);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		o = json_object_get(sms, kinds[i][0]);
		if ((kn = json_integer_value(json_object_get(o,
		    "messages"))) == 0)
			continue;
		kp = json_integer_value(json_object_get(o, "parts"));
		printf(_("  %s: %lld messages, %lld parts\n"), _(kinds[i][1]),
		    kn, kp);
	}
}

int
ctl_status(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	json_t	*data;
	int	 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", none)) != -1)
		return CTL_USAGE;
	if (optind != argc) {
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	if ((r = ctl_call(g, "status", NULL, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else {
		print_queues(data);
		print_report_due(json_object_get(data, "report_due"));
		if (json_object_get(data, "channels") != NULL)
			print_channels(data);
		print_sms(json_object_get(data, "sms_30_days"));
	}
	json_decref(data);
	return CTL_OK;
}

/*
 * ===================================================================
 * outbox, retry
 * ===================================================================
 */

int
ctl_outbox(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "failed", no_argument, NULL, 'f' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_table	*t;
	json_t			*args = json_object(), *data, *rows, *o;
	char			 upd[32], att[16], seg[16];
	size_t			 i;
	long			 n;
	int			 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch == 'f')
			json_object_set_new(args, "failed", json_true());
		else if (ch == 'l' && ctl_number(argv[0], "--limit", optarg,
		    1, 1000, &n) == 0)
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
	if ((r = ctl_call(g, "outbox", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json) {
		ctl_print_json(data);
		json_decref(data);
		return CTL_OK;
	}
	rows = json_object_get(data, "rows");
	if (json_array_size(rows) == 0) {
		printf("%s\n", _("no messages"));
		json_decref(data);
		return CTL_OK;
	}
	t = ctl_table_new(_("ID"), _("REF"), _("CHANNEL"), _("TO"), _("KIND"),
	    _("STATE"), _("ATTEMPTS"), _("SMS"), _("UPDATED"), _("ERROR"),
	    (char *)NULL);
	ctl_table_col(t, 0, 0, 1);
	ctl_table_col(t, 6, 0, 1);
	ctl_table_col(t, 7, 0, 1);
	ctl_table_col(t, 9, 50, 0);
	json_array_foreach(rows, i, o) {
		char id[24];

		ctl_table_add(t, ctl_int(o, "id", id, sizeof(id)),
		    ctl_str(o, "ref", "-"), ctl_str(o, "channel", "-"),
		    ctl_str(o, "to", "-"), ctl_str(o, "kind", "-"),
		    ctl_str(o, "state", "-"), ctl_int(o, "attempts", att,
		    sizeof(att)), ctl_int(o, "segments", seg, sizeof(seg)),
		    ctl_time(json_object_get(o, "updated"), upd, sizeof(upd)),
		    ctl_str(o, "error", "-"));
	}
	ctl_table_print(t, stdout);
	json_decref(data);
	return CTL_OK;
}

/*
 * A time for --since: "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" (local time), or
 * so long ago: "30s", "90m", "6h", "2d".  Returns Unix seconds, or -1.
 */
static long long
since_of(const char *s)
{
	struct tm	 tm;
	const char	*end;
	char		*e;
	long long	 n;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) != NULL) {
		if (*end != '\0' && ((end = strptime(end, " %H:%M",
		    &tm)) == NULL || *end != '\0'))
			return -1;
		tm.tm_isdst = -1;
		return (long long)mktime(&tm);
	}
	n = strtoll(s, &e, 10);
	if (e == s || n < 0 || n > 3650LL * 86400 || e[0] == '\0' ||
	    e[1] != '\0')
		return -1;
	switch (*e) {
	case 's': return (long long)time(NULL) - n;
	case 'm': return (long long)time(NULL) - n * 60;
	case 'h': return (long long)time(NULL) - n * 3600;
	case 'd': return (long long)time(NULL) - n * 86400;
	}
	return -1;
}

/* retry --failed [--since TIME]: every failed row queued again. */
static int
retry_failed(struct ctl_globals *g, const char *cmd, const char *since)
{
	json_t		*data;
	long long	 t = 0, n;
	int		 r;

	if (since != NULL && (t = since_of(since)) < 0) {
		fprintf(stderr, _("papictl: %s: --since: \"%s\" is neither "
		    "YYYY-MM-DD [HH:MM] nor a duration (30s, 90m, 6h, 2d)\n"),
		    cmd, since);
		return CTL_USAGE;
	}
	if ((r = ctl_call(g, "retry", json_pack("{s:b, s:I}", "failed", 1,
	    "since", (json_int_t)t), &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else {
		n = (long long)json_integer_value(json_object_get(data,
		    "queued"));
		printf(ngettext("%lld failed message queued again\n",
		    "%lld failed messages queued again\n", (unsigned long)n),
		    n);
	}
	json_decref(data);
	return CTL_OK;
}

int
ctl_retry(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "failed", no_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	json_t		*data;
	const char	*since = NULL;
	long		 id;
	int		 ch, r, failed = 0;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1)
		switch (ch) {
		case 'f':
			failed = 1;
			break;
		case 's':
			since = optarg;
			break;
		default:
			return CTL_USAGE;
		}
	if (failed && optind == argc)
		return retry_failed(g, argv[0], since);
	if (failed || since != NULL || optind + 1 != argc) {
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	if (ctl_number(argv[0], "ID", argv[optind], 1, 0x7fffffffL, &id) ==
	    -1)
		return CTL_USAGE;
	if ((r = ctl_call(g, "retry", json_pack("{s:I}", "id",
	    (json_int_t)id), &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else
		printf(_("outbox %ld queued again\n"), id);
	json_decref(data);
	return CTL_OK;
}

/*
 * ===================================================================
 * inject
 * ===================================================================
 */

int
ctl_inject(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "channel", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	json_t	*args = json_object(), *data;
	int	 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch == 'f')
			json_object_set_new(args, "from", json_string(optarg));
		else if (ch == 'c')
			json_object_set_new(args, "channel",
			    json_string(optarg));
		else {
			json_decref(args);
			return CTL_USAGE;
		}
	}
	if ((r = ctl_text_operand(argc, argv, args, "from")) != CTL_OK)
		return r;
	if ((r = ctl_call(g, "inject", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else if (json_is_true(json_object_get(data, "duplicate")))
		printf(_("message %lld: a duplicate of one stored before%s%s\n"),
		    (long long)json_integer_value(json_object_get(data,
		    "message")), *ctl_str(data, "ref", "") ? ", case " : "",
		    ctl_str(data, "ref", ""));
	else if (*ctl_str(data, "ref", "") == '\0')
		printf(_("message %lld stored: %s, no case\n"),
		    (long long)json_integer_value(json_object_get(data,
		    "message")), ctl_str(data, "kind", "-"));
	else if (json_is_true(json_object_get(data, "created")))
		printf(_("message %lld opened %s (%s)\n"),
		    (long long)json_integer_value(json_object_get(data,
		    "message")), ctl_str(data, "ref", "-"), ctl_str(data,
		    "category", "-"));
	else
		printf(_("message %lld joined %s (%s)\n"),
		    (long long)json_integer_value(json_object_get(data,
		    "message")), ctl_str(data, "ref", "-"), ctl_str(data,
		    "category", "-"));
	json_decref(data);
	return CTL_OK;
}
