/*
 * ctl_admin.c: papictl's commands for administrators' decisions and
 * operations: quarantine (the numbers the flood guard holds back, and
 * releasing one), sender block and unblock (an abusive number), backup (a
 * consistent copy of the database while the daemon runs).
 *
 * A number is given as the resident wrote from ("+84912345678" or
 * "0912345678") or by the pseudonym officers see ("R-42"); the daemon
 * answers with the pseudonym or the masked number only.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "ctl/papictl.h"

static int
usage(const char *cmd)
{
	ctl_usage_of(cmd);
	return CTL_USAGE;
}

/* Commands without options: the arguments after the command. */
static int
no_options(int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };

	return ctl_getopt(argc, argv, "+", none) == -1 ? 0 : -1;
}

/* Prints a decision's answer: "R-42: released". */
static int
decided(struct ctl_globals *g, const char *cmd, json_t *args)
{
	json_t		*data;
	const char	*action, *who;
	int		 r;

	if ((r = ctl_call(g, cmd, args, &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json) {
		ctl_print_json(data);
		json_decref(data);
		return CTL_OK;
	}
	action = ctl_str(data, "action", "");
	who = ctl_str(data, "number", "-");
	if (strcmp(action, "sender.block") == 0)
		printf(_("%s blocked: no automatic reply goes to it, its "
		    "messages are still filed\n"), who);
	else if (strcmp(action, "sender.unblock") == 0)
		printf(_("%s unblocked\n"), who);
	else
		printf(_("%s released from quarantine\n"), who);
	json_decref(data);
	return CTL_OK;
}

/*
 * ===================================================================
 * quarantine
 * ===================================================================
 */

static void
print_held(json_t *data)
{
	struct ctl_table	*t;
	json_t			*a = json_object_get(data, "numbers"), *e;
	char			 since[32], until[32];
	size_t			 i;

	if (json_array_size(a) == 0) {
		printf("%s\n", _("no number is quarantined or blocked"));
		return;
	}
	t = ctl_table_new(_("NUMBER"), _("RESIDENT"), _("SINCE"), _("UNTIL"),
	    _("WHY"), (char *)NULL);
	json_array_foreach(a, i, e) {
		ctl_time(json_object_get(e, "since"), since, sizeof(since));
		if (json_is_null(json_object_get(e, "until")))
			snprintf(until, sizeof(until), "%s", _("released by "
			    "hand"));
		else
			ctl_time(json_object_get(e, "until"), until,
			    sizeof(until));
		if (json_is_true(json_object_get(e, "blocked"))) {
			char	why[600];

			snprintf(why, sizeof(why), _("blocked by %s: %s"),
			    ctl_str(e, "blocked_by", "-"), ctl_str(e,
			    "reason", ""));
			ctl_table_add(t, ctl_str(e, "number", "-"),
			    ctl_str(e, "resident", "-"), since, until, why);
		} else
			ctl_table_add(t, ctl_str(e, "number", "-"),
			    ctl_str(e, "resident", "-"), since, until,
			    ctl_str(e, "reason", "-"));
	}
	ctl_table_print(t, stdout);
}

/* quarantine list | release NUMBER */
int
ctl_quarantine(struct ctl_globals *g, int argc, char **argv)
{
	json_t	*data;
	int	 r;

	if (no_options(argc, argv) == -1)
		return CTL_USAGE;
	if (optind + 1 == argc && strcmp(argv[optind], "list") == 0) {
		if ((r = ctl_call(g, "quarantine.list", NULL, &data, NULL,
		    NULL)) != CTL_OK)
			return r;
		if (g->json)
			ctl_print_json(data);
		else
			print_held(data);
		json_decref(data);
		return CTL_OK;
	}
	if (optind + 2 == argc && strcmp(argv[optind], "release") == 0)
		return decided(g, "quarantine.release", json_pack("{s:s}",
		    "who", argv[optind + 1]));
	return usage(argv[0]);
}

/*
 * ===================================================================
 * sender block, unblock
 * ===================================================================
 */

/* sender block --reason TEXT NUMBER | unblock NUMBER */
int
ctl_sender(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*reason = NULL, *verb;
	int		 ch;

	/* The verb first: "sender block --reason ... NUMBER". */
	if (argc < 2)
		return usage(argv[0]);
	verb = argv[1];
	argv[1] = argv[0];
	argv++;
	argc--;
	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'r' || ctl_utf8(_("the reason"), optarg) == -1)
			return CTL_USAGE;
		reason = optarg;
	}
	if (optind + 1 != argc)
		return usage("sender");
	if (strcmp(verb, "block") == 0 && reason != NULL)
		return decided(g, "sender.block", json_pack("{s:s, s:s}",
		    "who", argv[optind], "reason", reason));
	if (strcmp(verb, "unblock") == 0 && reason == NULL)
		return decided(g, "sender.unblock", json_pack("{s:s}", "who",
		    argv[optind]));
	return usage("sender");
}

/*
 * ===================================================================
 * backup
 * ===================================================================
 */

/*
 * backup [--force] FILE: papictl creates FILE (mode 0600: it holds the
 * residents' numbers), the daemon writes the copy into it; a file that
 * exists is kept unless --force.  A failed copy leaves no file.
 */
int
ctl_backup(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	json_t		*data;
	const char	*path;
	int		 ch, fd, r, force = 0;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'f')
			return CTL_USAGE;
		force = 1;
	}
	if (optind + 1 != argc)
		return usage(argv[0]);
	path = argv[optind];
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC :
	    O_EXCL), 0600);
	if (fd == -1) {
		fprintf(stderr, "papictl: %s: %s%s\n", path, strerror(errno),
		    errno == EEXIST ? _(" (give --force to replace it)") : "");
		return CTL_FAIL;
	}
	r = ctl_call_passing(g, "backup", NULL, fd, &data);
	close(fd);
	if (r != CTL_OK) {
		unlink(path);
		return r;
	}
	if (g->json)
		ctl_print_json(data);
	else
		printf(_("%s: %lld bytes, a consistent copy (%lld ms)\n"), path,
		    (long long)json_integer_value(json_object_get(data,
		    "bytes")), (long long)json_integer_value(json_object_get(
		    data, "ms")));
	json_decref(data);
	return CTL_OK;
}
