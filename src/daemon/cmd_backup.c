/*
 * cmd_backup.c: the daemon's side of papictl backup: a consistent copy
 * of the database, written while the daemon runs into the file papictl
 * hands over with the request (store_backup(), store/backup.c).
 *
 * papictl creates the file as the administrator who runs it, wherever
 * that one may write, and passes it open: the daemon, sandboxed, never
 * opens a path it is given.  The copy holds everything the database
 * does, numbers included: the command is for administrators, and is
 * written to the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/cmd.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "store/store.h"
#include "core/audit.h"
#include "daemon/services.h"

/* backup, with the file to write passed along. */
int
cmd_backup(struct control_req *req)
{
	char	err[512], detail[64];
	int64_t	bytes, t0 = clock_mono_ms();

	if (req->passed_fd == -1)
		return control_fail(req, CONTROL_E_USAGE, "backup needs the "
		    "file to write, passed with the request");
	if (store_backup(req->svc->store, req->passed_fd, &bytes, err,
	    sizeof(err)) == -1) {
		log_warnx(_("backup by %s failed: %s"), req->who->user, err);
		return control_fail(req, CONTROL_E_UNAVAILABLE, "backup: %s",
		    err);
	}
	snprintf(detail, sizeof(detail), "%lld bytes", (long long)bytes);
	if (audit_record(req->svc->store, req->who->user, "store.backup", 0,
	    detail) != STORE_OK)
		log_warnx(_("backup: the audit entry was not written"));
	log_notice(_("backup by %s: %lld bytes in %lld ms"), req->who->user,
	    (long long)bytes, (long long)(clock_mono_ms() - t0));
	req->data = json_pack("{s:I, s:I}", "bytes", (json_int_t)bytes,
	    "ms", (json_int_t)(clock_mono_ms() - t0));
	return 0;
}
