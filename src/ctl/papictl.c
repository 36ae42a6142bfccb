/*
 * papictl.c: the officers' and administrators' command-line tool.
 *
 * papictl parses the global options, looks the command up in one dispatch
 * table (after git's git.c and tmux's cmd_entry) and runs it.  Each command
 * lives in a ctl_<family>.c file.  Commands other than classify and
 * check-config talk to the running papigwd over its control socket;
 * papictl never opens the database.  Exit status: 0 success, 1 failure,
 * 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/version.h"
#include "conf/config.h"
#include "domain/ussd_menu.h"
#include "ctl/papictl.h"

static const struct ctl_cmd commands[] = {
	{ "check-config", ctl_check_config, "",
	    N_("check the configuration, like papigwd -n") },
	{ "classify", ctl_classify, "[text | -]",
	    N_("show how the router classifies messages (offline)") },
	/* "router" has two entries, a usage each, and one function. */
	{ "router", ctl_router, "show",
	    N_("the learned model the router loads (offline)") },
	/* The daemon's commands (ctl_*.c). */
	{ "status", ctl_status, "",
	    N_("queues, overdue cases, outbox and channels") },
	{ "list", ctl_list, "[--category category] [--state state] [--open] "
	    "[--overdue] [--mine] [--text words] [--area area] "
	    "[--source source] [--from-resident pseudonym] [--limit n] "
	    "[--before ref] [--wide]",
	    N_("cases, newest first") },
	{ "show", ctl_show, "[--unmask reason] ref",
	    N_("one case: messages, history, notes") },
	{ "reply", ctl_reply, "[--dry-run] ref text",
	    N_("answer the resident (shows the SMS parts first)") },
	{ "assign", ctl_assign, "ref user", N_("give a case to an officer") },
	{ "claim", ctl_claim, "ref", N_("take a case") },
	{ "note", ctl_note, "ref text", N_("add an internal note") },
	{ "close", ctl_close, "[--note text] ref", N_("resolve a case") },
	{ "close", ctl_close, "--filter [list's filters] --reason text "
	    "[--yes]", N_("close every open case that list shows, at once") },
	{ "reopen", ctl_reopen, "ref", N_("reopen a closed case") },
	{ "merge", ctl_merge, "ref joined-ref",
	    N_("make two cases one: the second joins the first") },
	{ "recategorise", ctl_recategorise, "--reason text ref "
	    "category[/sub]", N_("move a case; the router learns from it") },
	{ "outbox", ctl_outbox, "[--failed] [--limit n]",
	    N_("outbound messages and their delivery") },
	{ "retry", ctl_retry, "id | --failed [--since time]",
	    N_("send failed messages again") },
	{ "report", ctl_report, "--period period | --quarter YYYYQN | "
	    "--from date --to date [--format table | csv | json | html | pdf] "
	    "[--output file] [--ward ward | all] [--exact]",
	    N_("figures for the district") },
	{ "report", ctl_report, "--due",
	    N_("the next report due to the district") },
	{ "export", ctl_export, "--format csv | json [--period period | "
	    "--quarter YYYYQN | --from date --to date] [--ward ward | all]",
	    N_("cases for analysis, without numbers") },
	{ "inject", ctl_inject, "--from number [--channel name] text",
	    N_("feed a message in as if it had arrived") },
	{ "intake", ctl_intake, "--source box | reception | meeting "
	    "[--from number] [--area area] [--received date] [--slip number] "
	    "[--category category] [--channel name] text",
	    N_("record a slip or a point raised in person as a case") },
	{ "reception", ctl_reception, "[--date date]",
	    N_("the agenda of the citizen reception: bookings, topics, open "
	    "cases") },
	{ "quarantine", ctl_quarantine, "list | release number",
	    N_("numbers the flood guard holds back, and releasing one") },
	{ "sender", ctl_sender, "block --reason text number | unblock number",
	    N_("stop or resume the automatic replies to a number") },
	{ "backup", ctl_backup, "[--force] file",
	    N_("a consistent copy of the database, while it runs") },
	{ "audit", ctl_audit, "[--verify] [--limit n]",
	    N_("the audit log; --verify checks it") },
	{ "announce", ctl_announce, "draft --topic topic [--area area]... "
	    "--text text [--text-en text] [--body text]",
	    N_("draft an announcement to the subscribers; shows its cost") },
	{ "announce", ctl_announce, "list | subscribers | show id",
	    N_("announcements, their delivery, and the subscribers") },
	{ "announce", ctl_announce, "approve id | send id | cancel id",
	    N_("a second administrator approves; then it is sent") },
	{ "router", ctl_router, "train [--force] [--corpus dir] "
	    "[--corrections file] [--out file]",
	    N_("retrain the learned model with the officers' corrections") },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void __attribute__((noreturn))
usage(FILE *fp, int status)
{
	size_t	i;

	fprintf(fp, "usage: papictl [--json] [-c file] [-o key=value] "
	    "[-s socket] command [arg ...]\n");
	fprintf(fp, "       papictl --version | --help\n\ncommands:\n");
	/* "usage:" and the commands are syntax: the same in every language. */
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-13s %-12s %s\n", commands[i].name,
		    commands[i].usage, _(commands[i].summary));
	exit(status);
}

/* Prints the usage line of one command to stderr. */
void
ctl_usage_of(const char *name)
{
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			fprintf(stderr, "usage: papictl %s %s\n", name,
			    commands[i].usage);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static char		*ovr[CONF_OVERRIDES_MAX];
	struct ctl_globals	 g;
	size_t			 i;
	int			 ch;

	/* Messages in the user's language (LANG, LC_MESSAGES). */
	i18n_init();
	/* The configuration is checked as papigwd -n checks it. */
	ussd_menu_register();
	memset(&g, 0, sizeof(g));
	g.conf_path = PAPIGW_CONF_DEFAULT;
	g.overrides = ovr;
	/* "+": stop at the command; its own options follow it. */
	while ((ch = getopt_long(argc, argv, "+c:o:s:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			g.conf_path = optarg;
			break;
		case 'o':
			if (g.noverrides == CONF_OVERRIDES_MAX) {
				fprintf(stderr, "%s\n", _("papictl: too many "
				    "-o options"));
				return CTL_USAGE;
			}
			ovr[g.noverrides++] = optarg;
			break;
		case 's':
			g.socket_path = optarg;
			break;
		case 'j':
			g.json = 1;
			break;
		case 'V':
			printf("papictl %s\n", PAPIGW_VERSION);
			return CTL_OK;
		case 'h':
			usage(stdout, CTL_OK);
		default:
			usage(stderr, CTL_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(stderr, CTL_USAGE);
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, argv[0]) != 0)
			continue;
		optind = 1;	/* commands run getopt on their own argv */
		return commands[i].run(&g, argc, argv);
	}
	fprintf(stderr, _("papictl: unknown command '%s'\n"), argv[0]);
	usage(stderr, CTL_USAGE);
}
