/*
 * cmd_intake.c: papictl intake, the officers' record of what reached the
 * ward on paper or in person: a slip from the suggestion box, a point
 * raised at the citizen reception or at a residential-group meeting.
 *
 * It becomes a case in the same pipeline as a text message (the
 * router's category unless the officer names one, the category's
 * deadline in working days from the day it was received, the reports'
 * count by source), with its source (domain/source.h) and what the
 * officer wrote down besides the text (the intake table: the slip's own
 * number, the area, the day, who).  With the resident's number the
 * acknowledgement goes to it by SMS, with the reference, as for a
 * message; without one nothing is sent, and the reference papictl
 * prints is the slip's number: the officer writes it on the slip (or
 * hands it to the resident at the reception), and the answer is given
 * the way the ward answers the box.  A slip entered twice under the
 * same slip number is one case.  Officers may do it, not only
 * administrators; each intake is in the audit log under the officer's
 * name.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "base/date.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/field.h"
#include "domain/ref.h"
#include "domain/source.h"
#include "store/store.h"
#include "core/audit.h"
#include "core/ingest.h"
#include "core/reply.h"
#include "daemon/services.h"

#define SLIP_MAX	32	/* bytes of a slip's own number */
#define RECEIVED_DAYS	366	/* how far back a received day may be */

/* --source: box, reception or meeting.  Returns it, or -1 (usage). */
static int
source_of(struct control_req *req)
{
	const char	*s = cmd_arg_str(req, "source");
	int		 src = case_source_parse(s);

	if (src < 0 || !case_source_paper((enum case_source)src))
		return control_fail(req, CONTROL_E_USAGE, "intake needs "
		    "--source box, reception or meeting");
	return src;
}

/*
 * --slip: letters, digits and "-/._", at most SLIP_MAX - 1 bytes, or
 * absent.  Returns 0, or -1 after a usage error.
 */
static int
slip_of(struct control_req *req, const char **slip)
{
	const char	*p;

	if ((*slip = cmd_arg_str(req, "slip")) == NULL)
		return 0;
	if (**slip == '\0' || strlen(*slip) >= SLIP_MAX)
		return control_fail(req, CONTROL_E_USAGE, "--slip: 1 to %d "
		    "letters and digits", SLIP_MAX - 1);
	for (p = *slip; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-/._", *p) == NULL)
			return control_fail(req, CONTROL_E_USAGE, "--slip: "
			    "'%s' has a character other than letters, digits "
			    "and - / . _", *slip);
	return 0;
}

/*
 * --from: the resident's phone number, in E.164 into buf ("" when
 * absent).  Returns 0, or -1 after a usage error: a short code or a
 * name cannot get the reference by SMS.
 */
static int
number_of(struct control_req *req, char *buf, size_t bufsz)
{
	const char		*from = cmd_arg_str(req, "from");
	enum field_address	 kind;

	buf[0] = '\0';
	if (from == NULL)
		return 0;
	if (field_address(from, strlen(from), &kind) != NULL ||
	    kind != FIELD_NUMBER || field_e164(from, req->conf->country_code,
	    buf, bufsz) == -1 || !reply_may_reply(req->conf, buf))
		return control_fail(req, CONTROL_E_USAGE, "--from: '%s' is "
		    "not a phone number that can get an SMS", from);
	return 0;
}

/*
 * --received: the day the slip was taken from the box or the point
 * raised, "YYYY-MM-DD", today when absent; not in the future nor more
 * than a year ago.  Sets day and *when (noon of that day, or now for
 * today: deadlines count from it).  Returns 0, or -1 after a usage error.
 */
static int
received_of(struct control_req *req, int64_t now, char day[11],
    int64_t *when)
{
	const char	*s = cmd_arg_str(req, "received");
	int		 y, m, d;
	int64_t		 t;

	date_format(now, "%Y-%m-%d", day, 11);
	*when = now;
	if (s == NULL || strcmp(s, day) == 0)
		return 0;
	if (date_parse(s, &y, &m, &d) == -1)
		return control_fail(req, CONTROL_E_USAGE, "--received: '%s' "
		    "is not a date (YYYY-MM-DD)", s);
	t = date_local(y, m, d, 12, 0, 0);
	if (t > now || t < now - (int64_t)RECEIVED_DAYS * 86400)
		return control_fail(req, CONTROL_E_USAGE, "--received: %s is "
		    "not a day of the last year", s);
	copy_str(day, 11, s);
	*when = t;
	return 0;
}

/* --category: a configured category, or absent (the router's). */
static int
category_of(struct control_req *req, const char **cat)
{
	*cat = cmd_arg_str(req, "category");
	if (*cat != NULL && config_category(req->conf, *cat) == NULL)
		return control_fail(req, CONTROL_E_USAGE, "no category '%s'",
		    *cat);
	return 0;
}

/* --area: a configured area, or absent. */
static int
area_of(struct control_req *req, const char **area)
{
	*area = cmd_arg_str(req, "area");
	if (*area != NULL && config_area(req->conf, *area) == NULL)
		return control_fail(req, CONTROL_E_USAGE, "no area '%s' (see "
		    "areas in the configuration)", *area);
	return 0;
}

/*
 * The message's id: the source and the slip's number, so that a slip
 * entered twice is one case; without a slip number, one of its own.
 */
static void
intake_id(int src, const char *slip, char *buf, size_t bufsz)
{
	struct timeval	tv;

	if (slip != NULL) {
		snprintf(buf, bufsz, "%s:%s", case_source_name(
		    (enum case_source)src), slip);
		return;
	}
	gettimeofday(&tv, NULL);
	snprintf(buf, bufsz, "%s:%lld.%06ld", case_source_name(
	    (enum case_source)src), (long long)tv.tv_sec, (long)tv.tv_usec);
}

/*
 * intake --source box|reception|meeting [--from number] [--area area]
 * [--received date] [--slip number] [--category category]
 * [--channel name] text
 */
int
cmd_intake(struct control_req *req)
{
	struct store_intake	 it;
	struct ingest_result	 res;
	struct inbound		 in;
	const char		*text, *slip, *area, *cat, *ch;
	char			 number[FIELD_E164_SIZE], day[11];
	char			 pid[SLIP_MAX + 48], ref[32];
	char			 detail[160], category[CONF_ID_MAX];
	int64_t			 when;
	int			 src;

	if ((src = source_of(req)) == -1 || slip_of(req, &slip) == -1 ||
	    number_of(req, number, sizeof(number)) == -1 ||
	    received_of(req, clock_unix(), day, &when) == -1 ||
	    category_of(req, &cat) == -1 || area_of(req, &area) == -1 ||
	    (text = cmd_arg_text(req, "text", TEXT_INPUT_MAX, 1)) == NULL)
		return -1;
	/* Answers go out on a channel only to a number. */
	if ((ch = cmd_channel_arg(req, NULL)) == NULL && number[0] != '\0')
		return control_fail(req, CONTROL_E_CONFLICT, "no channel is "
		    "enabled to send the reference to %s", number);
	if (number[0] == '\0')
		ch = case_source_name((enum case_source)src);
	memset(&it, 0, sizeof(it));
	it.source = (enum case_source)src;
	it.slip = slip;
	it.area = area;
	it.received = day;
	it.officer = req->who->user;
	intake_id(src, slip, pid, sizeof(pid));
	memset(&in, 0, sizeof(in));
	in.channel = ch;
	in.provider_id = pid;
	in.sender = number;
	in.text = text;
	in.textlen = strlen(text);
	in.new_case = 1;
	in.category = cat;
	in.no_ack = number[0] == '\0';
	in.source = (enum case_source)src;
	in.intake = &it;
	in.received = when;
	if (cmd_ingest(req, &in, &res, category, sizeof(category)) == -1)
		return -1;
	ref_format(req->conf->case_prefix, res.ref_number, ref, sizeof(ref));
	req->data = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:b, s:b, "
	    "s:b, s:I}", "ref", ref, "source", case_source_name(
	    (enum case_source)src), "category", category, "slip", slip,
	    "area", area, "received", day, "duplicate", res.duplicate,
	    "number", number[0] != '\0', "sms", res.reply == REPLY_SENT,
	    "message", (json_int_t)res.message_id);
	if (res.duplicate)
		return 0;
	if (res.created) {
		struct store_case c;

		if (store_case_get(req->svc->store, res.case_id, &c) ==
		    STORE_OK) {
			json_object_set_new(req->data, "deadline",
			    json_integer(c.deadline));
			store_case_clear(&c);
		}
	}
	snprintf(detail, sizeof(detail), "%s%s%s, received %s, message %lld%s",
	    case_source_name((enum case_source)src), slip != NULL ?
	    " slip " : "", slip != NULL ? slip : "", day,
	    (long long)res.message_id, number[0] ? ", number given" : "");
	if (audit_record(req->svc->store, req->who->user, "case.intake",
	    res.case_id, detail) != STORE_OK)
		log_warnx(_("control: intake: the audit entry of %s was not "
		    "written"), ref);
	return 0;
}
