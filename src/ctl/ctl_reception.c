/*
 * ctl_reception.c: papictl reception, the agenda of a citizen reception
 * (daemon/cmd_reception.c).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/i18n.h"
#include "ctl/papictl.h"

/* The resident's open cases, "PA-000012 PA-000040", or "-". */
static void
cases_of(json_t *b, char *buf, size_t bufsz)
{
	json_t	*v;
	size_t	 i, o = 0;
	int	 n;

	snprintf(buf, bufsz, "-");
	json_array_foreach(json_object_get(b, "open_cases"), i, v) {
		n = snprintf(buf + o, bufsz - o, "%s%s", o ? " " : "",
		    json_string_value(v));
		if (n < 0 || (size_t)n >= bufsz - o)
			break;
		o += (size_t)n;
	}
}

static void
print_agenda(json_t *data)
{
	struct ctl_table	*t;
	json_t			*b;
	char			 seq[16], cases[200];
	size_t			 i;
	int			 cancelled = 0;

	printf(_("Citizen reception of %s: %lld booked of %lld places (%zu "
	    "slots of %lld)\n"), ctl_str(data, "day", "-"), (long long)
	    json_integer_value(json_object_get(data, "booked")), (long long)
	    json_integer_value(json_object_get(data, "capacity")),
	    json_array_size(json_object_get(data, "slots")), (long long)
	    json_integer_value(json_object_get(data, "per_slot")));
	if (!json_is_true(json_object_get(data, "reception")))
		printf("%s\n", _("No reception that day (not its weekday, or a "
		    "holiday)."));
	t = ctl_table_new(_("NO."), _("TIME"), _("RESIDENT"), _("FROM"),
	    _("TOPIC"), _("OPEN CASES"), _("REMINDED"), (char *)NULL);
	ctl_table_col(t, 0, 0, 1);
	ctl_table_col(t, 4, 30, 0);
	json_array_foreach(json_object_get(data, "bookings"), i, b) {
		if (json_is_true(json_object_get(b, "cancelled"))) {
			cancelled++;
			continue;
		}
		snprintf(seq, sizeof(seq), "%lld", (long long)
		    json_integer_value(json_object_get(b, "seq")));
		cases_of(b, cases, sizeof(cases));
		ctl_table_add(t, seq, ctl_str(b, "slot", "-"), ctl_str(b,
		    "resident", "-"), *ctl_str(b, "from", "") ? ctl_str(b,
		    "from", "") : "-", ctl_str(b, "topic", "-"), cases,
		    json_is_integer(json_object_get(b, "reminded")) ? _("yes") :
		    _("no"));
	}
	ctl_table_print(t, stdout);
	if (cancelled > 0)
		printf(ngettext("%d booking cancelled.\n",
		    "%d bookings cancelled.\n", (unsigned long)cancelled),
		    cancelled);
}

int
ctl_reception(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	json_t	*args = json_object(), *data;
	int	 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'd') {
			json_decref(args);
			return CTL_USAGE;
		}
		json_object_set_new(args, "date", json_string(optarg));
	}
	if (optind != argc) {
		json_decref(args);
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	if ((r = ctl_call(g, "reception", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else
		print_agenda(data);
	json_decref(data);
	return CTL_OK;
}
