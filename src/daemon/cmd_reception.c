/*
 * cmd_reception.c: papictl reception, the agenda of a citizen reception
 * for the officers who hold it: its day, its slots and capacity (the
 * reception group of the configuration), and each booking in the order
 * of the day with the resident's pseudonym and masked number, the topic
 * in their words, whether the reminder went out, and the resident's open
 * cases (those of the categories the asker sees), so that the officer
 * comes with the files.  Cancelled bookings follow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "base/date.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/reception.h"
#include "domain/ref.h"
#include "store/store.h"
#include "daemon/services.h"

struct agenda {
	struct control_req	*req;
	json_t			*rows;
	int			 booked;
};

/* The resident's open cases the asker sees: "12:security,40:x". */
static json_t *
open_cases(struct control_req *req, const char *list)
{
	json_t		*a = json_array();
	char		*copy, *p, *tok, *colon, ref[32];
	long long	 n;

	if (list == NULL)
		return a;
	copy = xstrdup(list);
	for (p = copy; (tok = strsep(&p, ",")) != NULL;) {
		if ((colon = strchr(tok, ':')) == NULL)
			continue;
		*colon = '\0';
		n = strtoll(tok, NULL, 10);
		if (n <= 0 || !control_sees(req->who, req->conf, colon + 1))
			continue;
		ref_format(req->conf->case_prefix, n, ref, sizeof(ref));
		json_array_append_new(a, json_string(ref));
	}
	free(copy);
	return a;
}

static void
agenda_row(const struct store_booking *b, void *arg)
{
	struct agenda	*ag = arg;
	char		 res[32], masked[MASKED_NUMBER_MAX];

	cmd_pseudonym(b->resident, res, sizeof(res));
	if (b->number != NULL)
		mask_number(b->number, masked, sizeof(masked));
	else
		masked[0] = '\0';
	if (b->cancelled == 0)
		ag->booked++;
	json_array_append_new(ag->rows, json_pack("{s:i, s:s, s:s, s:s, "
	    "s:o, s:b, s:o, s:o, s:o}", "seq", b->seq, "slot", b->slot,
	    "resident", res, "from", masked, "topic", cmd_jstr(b->topic),
	    "cancelled", b->cancelled != 0, "booked", cmd_jtime(b->created),
	    "reminded", cmd_jtime(b->reminded), "open_cases",
	    open_cases(ag->req, b->open_cases)));
}

/* reception [--date YYYY-MM-DD] */
int
cmd_reception(struct control_req *req)
{
	const struct config	*conf = req->conf;
	const char		*date = cmd_arg_str(req, "date");
	struct agenda		 ag;
	json_t			*slots;
	char			 day[RECEPTION_DAY_SIZE];
	int			 y, m, d;
	size_t			 i;

	if (!conf->reception_enabled)
		return control_fail(req, CONTROL_E_CONFLICT, "the reception "
		    "is not on (reception.enabled in the configuration)");
	if (date != NULL) {
		if (date_parse(date, &y, &m, &d) == -1)
			return control_fail(req, CONTROL_E_USAGE, "--date: "
			    "'%s' is not a date (YYYY-MM-DD)", date);
		copy_str(day, sizeof(day), date);
	} else if (reception_next_day(conf, clock_unix(), day) == -1)
		return control_fail(req, CONTROL_E_NOTFOUND, "no reception "
		    "day ahead");
	if (date_parse(day, &y, &m, &d) == -1)
		return control_fail(req, CONTROL_E_USAGE, "bad day");
	memset(&ag, 0, sizeof(ag));
	ag.req = req;
	ag.rows = json_array();
	if (store_bookings_day(req->svc->store, day, agenda_row, &ag) !=
	    STORE_OK) {
		json_decref(ag.rows);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	slots = json_array();
	for (i = 0; i < conf->reception_nslots; i++)
		json_array_append_new(slots, json_string(
		    conf->reception_slots[i]));
	req->data = json_pack("{s:s, s:b, s:o, s:i, s:i, s:i, s:o}", "day",
	    day, "reception", reception_is_day(conf, y, m, d), "slots", slots,
	    "per_slot", conf->reception_per_slot, "capacity",
	    (int)conf->reception_nslots * conf->reception_per_slot, "booked",
	    ag.booked, "bookings", ag.rows);
	return 0;
}
