/*
 * cmd_router.c: the daemon's side of papictl router train: the officers'
 * corrections (router.corrections) and the installation of a model
 * trained with them (router.install).
 *
 * papictl trains and evaluates (ctl/ctl_router.c, ctl/train.c): the
 * daemon only hands out the corrections and installs what it is given:
 * an open file passed with the request (control.c), never a path, since
 * the daemon may not see the caller's files and must not read a path on
 * a user's word.
 * Installing checks the model as a reload would (it loads, and its
 * classes fit the configuration), writes it to classifier.trained (a
 * temporary file renamed into place, so a crash leaves the old file or
 * the new one), and swaps it in with the running router and rule: the
 * messages in flight finish with the old model.  It is audited with the
 * figures papictl measured on the frozen test part.  A reload or a
 * restart loads classifier.trained, since it exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"
#include "domain/classifier.h"
#include "domain/ref.h"
#include "store/store.h"
#include "store/query.h"
#include "core/audit.h"
#include "daemon/services.h"

#define CORRECTIONS_MAX		100000	/* listed at most */

struct corrections_ctx {
	const struct config	*conf;
	json_t			*list;
};

static void
correction_row(const struct store_correction *k, void *arg)
{
	struct corrections_ctx	*cc = arg;
	char			 ref[32];

	if (json_array_size(cc->list) >= CORRECTIONS_MAX)
		return;
	ref_format(cc->conf->case_prefix, k->ref_number, ref, sizeof(ref));
	json_array_append_new(cc->list, json_pack("{s:o, s:s, s:o, s:s, "
	    "s:o, s:s, s:o, s:o, s:o}", "text", cmd_jstr(k->text),
	    "category", k->category, "subcategory", cmd_jstr(k->subcategory),
	    "old_category", k->old_category, "old_subcategory",
	    cmd_jstr(k->old_subcategory), "ref", ref, "by",
	    cmd_jstr(k->actor), "at", cmd_jtime(k->created), "reason",
	    cmd_jstr(k->reason)));
}

/* router.corrections [since]: every correction, oldest first. */
int
cmd_router_corrections(struct control_req *req)
{
	struct corrections_ctx	 cc;
	struct store_query	*q;
	int64_t			 since;

	if (cmd_arg_int(req, "since", 0, 0, INT64_MAX, &since) == -1 ||
	    (q = control_query(req)) == NULL)
		return -1;
	cc.conf = req->conf;
	cc.list = json_array();
	if (store_corrections(q, since, correction_row, &cc) != STORE_OK) {
		json_decref(cc.list);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "the store "
		    "cannot be read");
	}
	req->data = json_pack("{s:o}", "corrections", cc.list);
	return 0;
}

/*
 * router.install {accuracy, corruption_recall} with the model's file
 * passed: loads it, keeps it as classifier.trained and makes it the
 * running one.
 */
int
cmd_router_install(struct control_req *req)
{
	const struct config	*conf = req->conf;
	const char		*path = "the model passed";
	struct classifier	*cur, *next;
	struct model		*m;
	char			 err[MODEL_ERR_MAX], detail[600];
	double			 acc, rec;

	acc = json_number_value(json_object_get(req->args, "accuracy"));
	rec = json_number_value(json_object_get(req->args,
	    "corruption_recall"));
	if (req->passed_fd == -1)
		return control_fail(req, CONTROL_E_USAGE, "router.install "
		    "needs the model's file passed with the request");
	if (conf->classifier_trained[0] == '\0')
		return control_fail(req, CONTROL_E_CONFLICT, "classifier."
		    "trained is not set: the daemon has nowhere to keep a "
		    "trained model");
	if ((m = model_load_fd(req->passed_fd, path, err, sizeof(err))) ==
	    NULL ||
	    classify_fits(conf, m, path, err, sizeof(err)) == -1) {
		model_unref(m);
		return control_fail(req, CONTROL_E_USAGE, "not installed: %s",
		    err);
	}
	snprintf(detail, sizeof(detail), "%s: %zu classes, %zu rows; on the "
	    "frozen test part accuracy %.4f, corruption recall %.4f (%s)",
	    conf->classifier_trained, model_nclasses(m), model_nrows(m), acc,
	    rec, model_trained(m));
	/* Recorded first: nothing an administrator does goes unrecorded. */
	if (audit_record(req->svc->store, req->who->user, "router.install", 0,
	    detail) != STORE_OK) {
		model_unref(m);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not "
		    "installed: the audit entry cannot be written");
	}
	if (model_save(m, conf->classifier_trained, err, sizeof(err)) ==
	    -1) {
		model_unref(m);
		log_warnx("router.install: %s", err);
		audit_record(req->svc->store, req->who->user,
		    "router.install_failed", 0, err);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "not "
		    "installed: %s", err);
	}
	req->data = json_pack("{s:s, s:I, s:I, s:s}", "path",
	    conf->classifier_trained, "classes",
	    (json_int_t)model_nclasses(m), "rows", (json_int_t)model_nrows(m),
	    "trained", model_trained(m));
	cur = classifier_slot_get(req->svc->classifiers);
	next = classifier_with_model(cur, m);	/* takes our reference */
	classifier_unref(cur);
	classifier_slot_set(req->svc->classifiers, next);
	log_notice(_("control: %s installed a trained model: %s"),
	    req->who->user, detail);
	return 0;
}
