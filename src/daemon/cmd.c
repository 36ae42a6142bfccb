/*
 * cmd.c: the table of the control socket's commands and what their
 * handlers share: reading arguments and writing JSON values.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/ref.h"
#include "store/store.h"

/* The commands, and the least role each needs. */
const struct control_cmd cmd_table[] = {
	{ "status", ROLE_OFFICER, cmd_status },
	{ "list", ROLE_OFFICER, cmd_list },
	{ "show", ROLE_OFFICER, cmd_show },
	{ "reply", ROLE_OFFICER, cmd_reply },
	{ "assign", ROLE_OFFICER, cmd_assign },
	{ "claim", ROLE_OFFICER, cmd_assign },
	{ "note", ROLE_OFFICER, cmd_note },
	{ "close", ROLE_OFFICER, cmd_close },
	{ "reopen", ROLE_OFFICER, cmd_reopen },
	{ "merge", ROLE_OFFICER, cmd_merge },
	{ "recategorise", ROLE_OFFICER, cmd_recategorise },
	{ "report", ROLE_OFFICER, cmd_report },
	{ "export", ROLE_OFFICER, cmd_export },
	{ "outbox", ROLE_ADMINISTRATOR, cmd_outbox },
	{ "retry", ROLE_ADMINISTRATOR, cmd_retry },
	{ "inject", ROLE_ADMINISTRATOR, cmd_inject },
	{ "intake", ROLE_OFFICER, cmd_intake },
	{ "reception", ROLE_OFFICER, cmd_reception },
	{ "audit", ROLE_ADMINISTRATOR, cmd_audit },
	{ "router.corrections", ROLE_ADMINISTRATOR, cmd_router_corrections },
	{ "router.install", ROLE_ADMINISTRATOR, cmd_router_install },
	{ "close.bulk", ROLE_OFFICER, cmd_close_bulk },
	{ "quarantine.list", ROLE_ADMINISTRATOR, cmd_quarantine_list },
	{ "quarantine.release", ROLE_ADMINISTRATOR, cmd_quarantine_release },
	{ "sender.block", ROLE_ADMINISTRATOR, cmd_sender_block },
	{ "sender.unblock", ROLE_ADMINISTRATOR, cmd_quarantine_release },
	{ "backup", ROLE_ADMINISTRATOR, cmd_backup },
	{ "announce.draft", ROLE_ADMINISTRATOR, cmd_announce_draft },
	{ "announce.show", ROLE_OFFICER, cmd_announce_show },
	{ "announce.list", ROLE_OFFICER, cmd_announce_list },
	{ "announce.subscribers", ROLE_ADMINISTRATOR,
	    cmd_announce_subscribers },
	{ "announce.approve", ROLE_ADMINISTRATOR, cmd_announce_approve },
	{ "announce.send", ROLE_ADMINISTRATOR, cmd_announce_send },
	{ "announce.cancel", ROLE_ADMINISTRATOR, cmd_announce_cancel },
};
const size_t cmd_ncommands = sizeof(cmd_table) / sizeof(cmd_table[0]);

/* A JSON time: Unix seconds, or null for 0.  A new reference. */
json_t *
cmd_jtime(int64_t t)
{
	return t != 0 ? json_integer(t) : json_null();
}

/*
 * A JSON string of s for an answer (NULL: null), repaired with U+FFFD if
 * it is not UTF-8 (a resident's raw bytes).  Returns a new reference.
 */
json_t *
cmd_jstr(const char *s)
{
	json_t	*j;
	char	*r;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	r = text_repair(s, strlen(s));
	j = json_string(r);
	free(r);
	return j != NULL ? j : json_string("");
}

/* String argument key, or NULL when absent or not a string. */
const char *
cmd_arg_str(struct control_req *req, const char *key)
{
	return json_string_value(json_object_get(req->args, key));
}

/* Boolean argument key: 1 when it is true. */
int
cmd_arg_bool(struct control_req *req, const char *key)
{
	return json_is_true(json_object_get(req->args, key));
}

/*
 * Reads integer argument key into *v within [min, max] (absent: def).
 * Returns 0, or -1 after recording a usage error.
 */
int
cmd_arg_int(struct control_req *req, const char *key, int64_t def,
    int64_t min, int64_t max, int64_t *v)
{
	json_t	*j = json_object_get(req->args, key);

	if (j == NULL || json_is_null(j)) {
		*v = def;
		return 0;
	}
	if (!json_is_integer(j) || json_integer_value(j) < min ||
	    json_integer_value(j) > max)
		return control_fail(req, CONTROL_E_USAGE, "%s: a number from "
		    "%lld to %lld", key, (long long)min, (long long)max);
	*v = json_integer_value(j);
	return 0;
}

/* Reads the "ref" argument.  Returns the number, or 0 after a failure. */
int64_t
cmd_arg_ref(struct control_req *req)
{
	const char	*s = cmd_arg_str(req, "ref");
	int64_t		 ref;

	ref = ref_parse(req->conf->case_prefix, s, REF_PREFIX_OPTIONAL);
	if (ref == 0)
		control_fail(req, CONTROL_E_USAGE, "'%s' is not a case "
		    "reference (like %s-000123)", s != NULL ? s : "",
		    req->conf->case_prefix);
	return ref;
}

/*
 * Reads text argument key: present (when required), not empty, at most
 * max bytes.  Returns it, or NULL (after recording a usage error, unless
 * it is absent and not required).
 */
const char *
cmd_arg_text(struct control_req *req, const char *key, size_t max,
    int required)
{
	const char	*t = cmd_arg_str(req, key);

	if (t == NULL || *t == '\0') {
		if (required)
			control_fail(req, CONTROL_E_USAGE, "%s: empty", key);
		return NULL;
	}
	if (strlen(t) > max) {
		control_fail(req, CONTROL_E_USAGE, "%s: longer than %zu bytes",
		    key, max);
		return NULL;
	}
	return t;
}

/* "R-42": a resident's pseudonym ("-" when none). */
void
cmd_pseudonym(int64_t resident, char *buf, size_t bufsz)
{
	if (resident > 0)
		snprintf(buf, bufsz, "R-%lld", (long long)resident);
	else
		snprintf(buf, bufsz, "-");
}

/* Whether a case in state s is open: not resolved nor confirmed. */
int
cmd_case_open(enum store_case_state s)
{
	return s != STORE_CASE_RESOLVED && s != STORE_CASE_CONFIRMED;
}

/*
 * The names of a category for people, in both languages, the short ones
 * for narrow lists ("" when the configuration has none): papictl shows
 * those of its user's language.  A new reference.
 */
json_t *
cmd_category_names(const struct config *conf, const char *id)
{
	const struct category	*cat = config_category(conf, id);

	if (cat == NULL)
		return json_pack("{s:s, s:s, s:s, s:s}", "name_vi", id,
		    "name_en", id, "short_vi", "", "short_en", "");
	return json_pack("{s:s, s:s, s:s, s:s}", "name_vi", cat->name_vi,
	    "name_en", cat->name_en, "short_vi", cat->short_vi, "short_en",
	    cat->short_en);
}

/*
 * Records why the work is refused, as control_fail() does for a request.
 * Returns the status that rolls the transaction back.
 */
enum store_status
cmd_refuse(struct cmd_refusal *r, enum control_err e, const char *fmt, ...)
{
	va_list	ap;

	r->err = e;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	json_decref(r->fargs);
	va_start(ap, fmt);
	r->fargs = control_format_args(fmt, ap);
	va_end(ap);
	r->fmt = fmt;
	return e == CONTROL_E_NOTFOUND ? STORE_NOTFOUND : STORE_INVALID;
}

/* Sends the refusal as req's failure.  Returns -1. */
int
cmd_refusal_send(struct control_req *req, struct cmd_refusal *r)
{
	control_fail_with(req, r->err, r->msg, r->fmt, r->fargs);
	r->fargs = NULL;
	return -1;
}

/* Forgets a refusal that was not sent. */
void
cmd_refusal_clear(struct cmd_refusal *r)
{
	json_decref(r->fargs);
	memset(r, 0, sizeof(*r));
}
