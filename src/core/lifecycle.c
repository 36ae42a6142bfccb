/*
 * lifecycle.c: the steps of a case's life that the daemon takes on its
 * own, without an officer: a resident's answer to the satisfaction
 * question after resolution, and a resident's message that reopens a
 * closed case; and the reference numbers of cases ("PA-000123").
 *
 * After an officer closes a case, the resident may be asked how satisfied
 * they are (satisfaction.question_vi, queued by daemon/cmd_case.c): a lone digit 1
 * to 5 within satisfaction.window seconds is the answer and confirms the
 * case; 0, or a message quoting the case's reference, reopens it with a
 * new deadline.  lifecycle_inbound() runs inside ingest's transaction,
 * before special words and routing decide anything; every change is a
 * case event and an audit entry by "resident".
 *
 * This file needs the store and the calendar only: ingest (and thus
 * papictl's offline commands, which link the same library) must not pull
 * in the running gateway.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/lifecycle.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/calendar.h"
#include "store/store.h"

/*
 * Reopens case c: a new deadline from now, the overdue mark cleared.
 *
 * A case waits for an answer again when it was reopened after its last
 * answer (cases.reopened > cases.answered, in seconds: the deadline
 * timer's test).  A reopening in the same second as that answer comes
 * after it, so its time is kept one second past the answer's: recorded
 * as the same second, the reopened case would never fall overdue.  Its
 * event and audit entry keep the real time.
 */
enum store_status
lifecycle_reopen(struct store_txn *txn, const struct config *conf,
    const struct store_case *c, const char *actor, const char *detail,
    int64_t now, int64_t *deadline)
{
	const struct category	*cat = config_category(conf, c->category);
	enum store_status	 st;
	int64_t			 d, reopened = now;

	d = calendar_deadline(conf, now, cat != NULL ? cat->deadline_days :
	    15);
	if (c->answered >= reopened)
		reopened = c->answered + 1;
	if ((st = store_case_event_add(txn, c->id, STORE_CASE_REOPENED,
	    actor, detail, now, NULL)) != STORE_OK ||
	    (st = store_case_set(txn, c->id, STORE_CF_DEADLINE, d)) !=
	    STORE_OK ||
	    (st = store_case_set(txn, c->id, STORE_CF_REOPENED,
	    reopened)) !=
	    STORE_OK ||
	    (st = store_case_set(txn, c->id, STORE_CF_OVERDUE, 0)) != STORE_OK)
		return st;
	if (deadline != NULL)
		*deadline = d;
	return STORE_OK;
}

/*
 * ===================================================================
 * Resident replies after resolution (from ingest, on the writer)
 * ===================================================================
 */

/* The digit of a message that is one digit (spaces and a dot around). */
static int
lone_digit(const char *text)
{
	const char	*p = text;
	int		 d;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	d = *p++ - '0';
	while (*p == '.' || *p == '!' || isspace((unsigned char)*p))
		p++;
	return *p == '\0' ? d : -1;
}

/*
 * Handles an inbound message (already stored as message_id) that answers
 * the satisfaction question of sender's resolved case (a lone digit: 1 to
 * 5 confirms it with that score, 0 reopens it), or that quotes the
 * reference of sender's case closed within satisfaction.window (reopens
 * it).  Returns STORE_OK with the case in *case_id and *ref when the
 * message was taken (attached to that case), *deadline set to the new
 * deadline of a reopened case (0 for a score), STORE_NOTFOUND when it is
 * none of these, or an error.
 */
enum store_status
lifecycle_inbound(struct store_txn *txn, const struct config *conf,
    const char *sender, const char *text, int64_t quoted_ref,
    int64_t message_id, int64_t now, int64_t *case_id, int64_t *ref,
    int64_t *deadline)
{
	struct store_case	 c;
	enum store_status	 st = STORE_NOTFOUND;
	int64_t			 since = now - conf->satisfaction_window, id;
	char			 detail[96];
	int			 d = lone_digit(text);

	*deadline = 0;
	if (sender == NULL || *sender == '\0')
		return STORE_NOTFOUND;
	if (conf->satisfaction_enabled && d >= 0 && d <= 5)
		st = store_case_find_satisfaction(txn, sender, since, case_id,
		    ref);
	if (st == STORE_NOTFOUND && quoted_ref > 0) {
		st = store_case_find_closed(txn, quoted_ref, sender, since,
		    &id);
		if (st == STORE_OK) {
			*case_id = id;
			*ref = quoted_ref;
			d = 0;
		}
	}
	if (st != STORE_OK)
		return st;
	if ((st = store_inbound_attach(txn, message_id, *case_id)) !=
	    STORE_OK || (st = store_case_read(txn, *ref, 0, &c)) != STORE_OK)
		return st;
	if (d >= 1) {
		snprintf(detail, sizeof(detail), "satisfaction %d/5 (message "
		    "%lld)", d, (long long)message_id);
		st = store_case_set(txn, c.id, STORE_CF_SATISFACTION, d);
		if (st == STORE_OK)
			st = store_case_event_add(txn, c.id,
			    STORE_CASE_CONFIRMED, "resident", detail, now,
			    NULL);
		if (st == STORE_OK)
			st = store_audit_append(txn, "resident",
			    "case.satisfaction", c.id, detail);
	} else {
		snprintf(detail, sizeof(detail), "not solved (message %lld)",
		    (long long)message_id);
		st = lifecycle_reopen(txn, conf, &c, "resident", detail, now,
		    deadline);
		if (st == STORE_OK)
			st = store_audit_append(txn, "resident",
			    "case.reopen", c.id, detail);
	}
	store_case_clear(&c);
	return st;
}
