/*
 * ctl_announce.c: papictl announce, the ward's announcements to the
 * residents who subscribed: draft one (it shows who it reaches, its SMS
 * parts and cost), list them, show one with its delivery, approve one
 * (another administrator than the one who drafted it), send, cancel, and
 * the subscribers' figures.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "ctl/papictl.h"

#define AREAS_MAX	1024	/* bytes of the --area list */

static int
usage(void)
{
	ctl_usage_of("announce");
	return CTL_USAGE;
}

static long long
jint(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/*
 * Prints what an announcement not sent yet would reach and cost: its
 * recipients, and for each channel it goes out on the SMS parts of the
 * message as that channel sends it, and their cost; then who no channel
 * can reach, and the totals.
 */
static void
print_preview(json_t *d)
{
	json_t	*e;
	size_t	 i;

	printf(_("reaches:   %lld subscribers (%lld in English)\n"),
	    jint(d, "reach"), jint(d, "reach_en"));
	printf(_("message:   %s\n"), ctl_str(d, "message_vi", ""));
	if (strcmp(ctl_str(d, "message_vi", ""), ctl_str(d, "message_en",
	    "")) != 0)
		printf(_("English:   %s\n"), ctl_str(d, "message_en", ""));
	json_array_foreach(json_object_get(d, "channels"), i, e) {
		printf(_("channel %s: %lld recipients, %lld SMS parts each "
		    "(%lld in English), %lld parts"), ctl_str(e, "channel",
		    "-"), jint(e, "recipients"), jint(e, "parts_vi"),
		    jint(e, "parts_en"), jint(e, "parts"));
		if (jint(e, "part_cost") > 0)
			printf(_(", %lld dong (%lld a part)"), jint(e, "cost"),
			    jint(e, "part_cost"));
		printf("\n");
	}
	if (jint(d, "unreachable") > 0)
		printf(_("not reached: %lld subscribers: no enabled channel can "
		    "send to them\n"), jint(d, "unreachable"));
	printf(_("SMS parts: %lld in all\n"), jint(d, "parts"));
	if (jint(d, "cost") > 0)
		printf(_("cost:      %lld dong\n"), jint(d, "cost"));
}

/* Prints one announcement. */
static void
print_one(json_t *d)
{
	json_t	*dl = json_object_get(d, "delivery");
	char	 t1[32];

	printf("%s  %s  %s  [%s]\n", ctl_str(d, "code", "-"),
	    ctl_str(d, "topic", "-"), *ctl_str(d, "areas", "") ?
	    ctl_str(d, "areas", "") : _("whole ward"), ctl_str(d, "state",
	    "-"));
	printf(_("drafted:   %s by %s\n"), ctl_time(json_object_get(d,
	    "created"), t1, sizeof(t1)), ctl_str(d, "drafter", "-"));
	if (!json_is_null(json_object_get(d, "approver")))
		printf(_("approved:  %s by %s\n"), ctl_time(json_object_get(d,
		    "approved"), t1, sizeof(t1)), ctl_str(d, "approver", "-"));
	if (json_object_get(d, "reach") != NULL)
		print_preview(d);
	else
		printf(_("text:      %s\n"), ctl_str(d, "text_vi", ""));
	if (!json_is_null(json_object_get(d, "body")))
		printf(_("body:      %s\n"), ctl_str(d, "body", ""));
	if (dl != NULL) {
		printf(_("recipients %lld: %lld waiting, %lld in the outbox, "
		    "%lld sent, %lld delivered, %lld failed, %lld opted out, "
		    "%lld cancelled, %lld unreachable\n"),
		    jint(dl, "recipients"), jint(dl, "pending"),
		    jint(dl, "queued"), jint(dl, "sent"), jint(dl, "delivered"),
		    jint(dl, "failed"), jint(dl, "skipped"),
		    jint(dl, "cancelled"), jint(dl, "unreachable"));
		printf(_("comments:  %lld cases\n"), jint(dl, "comments"));
	}
}

/* announce draft --topic T [--area A]... --text T [--text-en T] [--body T] */
static int
draft(struct ctl_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "topic", required_argument, NULL, 't' },
		{ "area", required_argument, NULL, 'a' },
		{ "text", required_argument, NULL, 'x' },
		{ "text-en", required_argument, NULL, 'e' },
		{ "body", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*topic = NULL, *text = NULL, *en = NULL, *body = NULL;
	char		 areas[AREAS_MAX] = "";
	size_t		 o = 0;
	json_t		*data;
	int		 ch, r;

	while ((ch = ctl_getopt(argc, argv, "", longopts)) != -1) {
		if (ch != 'a' && ctl_utf8("--text", optarg) == -1)
			return CTL_USAGE;
		switch (ch) {
		case 't':
			topic = optarg;
			break;
		case 'a':
			if (o + strlen(optarg) + 2 >= sizeof(areas))
				return usage();
			o += (size_t)snprintf(areas + o, sizeof(areas) - o,
			    "%s%s", o > 0 ? "," : "", optarg);
			break;
		case 'x':
			text = optarg;
			break;
		case 'e':
			en = optarg;
			break;
		case 'b':
			body = optarg;
			break;
		default:
			return CTL_USAGE;
		}
	}
	if (optind != argc || topic == NULL || text == NULL)
		return usage();
	if ((r = ctl_call(g, "announce.draft", json_pack("{s:s, s:s, s:s, "
	    "s:s?, s:s?}", "topic", topic, "areas", areas, "text", text,
	    "text_en", en, "body", body), &data, NULL, NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else {
		printf(_("%s drafted; another administrator approves it with "
		    "papictl announce approve %s\n"), ctl_str(data, "code",
		    "-"), ctl_str(data, "code", "-"));
		print_preview(data);
	}
	json_decref(data);
	return CTL_OK;
}

/* announce list */
static int
list(struct ctl_globals *g)
{
	struct ctl_table	*t;
	json_t			*data, *a, *e, *dl;
	char			 when[32], sent[64];
	size_t			 i;
	int			 r;

	if ((r = ctl_call(g, "announce.list", NULL, &data, NULL, NULL)) !=
	    CTL_OK)
		return r;
	if (g->json) {
		ctl_print_json(data);
		json_decref(data);
		return CTL_OK;
	}
	a = json_object_get(data, "announcements");
	if (json_array_size(a) == 0) {
		printf("%s\n", _("no announcement"));
		json_decref(data);
		return CTL_OK;
	}
	t = ctl_table_new(_("CODE"), _("STATE"), _("TOPIC"), _("AREAS"),
	    _("DRAFTED"), _("SENT/RECIPIENTS"), _("TEXT"), (char *)NULL);
	json_array_foreach(a, i, e) {
		dl = json_object_get(e, "delivery");
		ctl_date(json_object_get(e, "created"), when, sizeof(when));
		if (dl != NULL)
			snprintf(sent, sizeof(sent), "%lld/%lld",
			    jint(dl, "sent") + jint(dl, "delivered"),
			    jint(dl, "recipients"));
		else
			snprintf(sent, sizeof(sent), "-");
		ctl_table_add(t, ctl_str(e, "code", "-"), ctl_str(e, "state",
		    "-"), ctl_str(e, "topic", "-"), *ctl_str(e, "areas", "") ?
		    ctl_str(e, "areas", "") : "*", when, sent,
		    ctl_str(e, "text_vi", ""));
	}
	ctl_table_fill(t, 6, 0);
	ctl_table_print(t, stdout);
	json_decref(data);
	return CTL_OK;
}

/* announce subscribers */
static int
subscribers(struct ctl_globals *g)
{
	json_t	*data, *e;
	size_t	 i;
	int	 r;

	if ((r = ctl_call(g, "announce.subscribers", NULL, &data, NULL,
	    NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else {
		printf(_("%lld numbers subscribe\n"), jint(data, "numbers"));
		json_array_foreach(json_object_get(data, "subscriptions"), i,
		    e)
			printf("  %-5s %-20s %lld\n", ctl_str(e, "kind", ""),
			    ctl_str(e, "id", ""), jint(e, "subscribers"));
	}
	json_decref(data);
	return CTL_OK;
}

/* announce show | approve | send | cancel ID */
static int
one(struct ctl_globals *g, const char *verb, const char *id)
{
	char	 cmd[32];
	json_t	*data;
	int	 r;

	snprintf(cmd, sizeof(cmd), "announce.%s", verb);
	if ((r = ctl_call(g, cmd, json_pack("{s:s}", "id", id), &data, NULL,
	    NULL)) != CTL_OK)
		return r;
	if (g->json)
		ctl_print_json(data);
	else if (strcmp(verb, "show") == 0)
		print_one(data);
	else if (strcmp(verb, "approve") == 0)
		printf(_("%s approved by %s; papictl announce send %s sends "
		    "it\n"), id, ctl_str(data, "approver", "-"), id);
	else if (strcmp(verb, "send") == 0)
		printf(_("%s: sending to %lld recipients\n"), id,
		    jint(data, "recipients"));
	else
		printf(_("%s cancelled: %lld recipients not queued, %lld "
		    "messages not sent\n"), id, jint(data, "unqueued"),
		    jint(data, "unsent"));
	json_decref(data);
	return CTL_OK;
}

int
ctl_announce(struct ctl_globals *g, int argc, char **argv)
{
	const char	*verb;

	if (argc < 2)
		return usage();
	verb = argv[1];
	if (strcmp(verb, "draft") == 0) {
		argv[1] = argv[0];
		return draft(g, argc - 1, argv + 1);
	}
	if (argc == 2 && strcmp(verb, "list") == 0)
		return list(g);
	if (argc == 2 && strcmp(verb, "subscribers") == 0)
		return subscribers(g);
	if (argc == 3 && (strcmp(verb, "show") == 0 ||
	    strcmp(verb, "approve") == 0 || strcmp(verb, "send") == 0 ||
	    strcmp(verb, "cancel") == 0))
		return one(g, verb, argv[2]);
	return usage();
}
