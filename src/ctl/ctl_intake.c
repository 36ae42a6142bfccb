/*
 * ctl_intake.c: papictl intake, what reached the ward on paper or in
 * person (a slip from the suggestion box, a point raised at the citizen
 * reception or a residential-group meeting) recorded by an officer as a
 * case (daemon/cmd_intake.c).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/i18n.h"
#include "ctl/papictl.h"

int
ctl_intake(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "area", required_argument, NULL, 'a' },
		{ "received", required_argument, NULL, 'r' },
		{ "slip", required_argument, NULL, 'n' },
		{ "category", required_argument, NULL, 'C' },
		{ "channel", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const keys[] = { ['s'] = "source", ['f'] = "from",
	    ['a'] = "area", ['r'] = "received", ['n'] = "slip",
	    ['C'] = "category", ['c'] = "channel" };
	json_t		*args = json_object(), *data;
	char		 date[32];
	int		 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch < 0 || (size_t)ch >= sizeof(keys) / sizeof(keys[0]) ||
		    keys[ch] == NULL) {
			json_decref(args);
			return CTL_USAGE;
		}
		json_object_set_new(args, keys[ch], json_string(optarg));
	}
	if ((r = ctl_text_operand(argc, argv, args, "source")) != CTL_OK)
		return r;
	if ((r = ctl_call(g, "intake", args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else if (json_is_true(json_object_get(data, "duplicate")))
		printf(_("%s: recorded before as %s\n"), ctl_str(data, "slip",
		    "-"), ctl_str(data, "ref", "-"));
	else {
		printf(_("%s opened (%s, %s), answer due %s\n"),
		    ctl_str(data, "ref", "-"), ctl_str(data, "source", "-"),
		    ctl_str(data, "category", "-"),
		    ctl_date(json_object_get(data, "deadline"), date,
		    sizeof(date)));
		if (json_is_true(json_object_get(data, "sms")))
			printf("%s\n", _("the reference goes to the resident "
			    "by SMS"));
		else if (json_is_true(json_object_get(data, "number")))
			printf("%s\n", _("no SMS could go to that number now "
			    "(quarantined, blocked or over its daily cap)"));
		else
			printf(_("no number: write %s on the slip, it is the "
			    "slip's number\n"), ctl_str(data, "ref", "-"));
	}
	json_decref(data);
	return CTL_OK;
}
