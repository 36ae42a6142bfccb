/*
 * health.c: whether the store and every enabled channel are up, with the
 * reason for each that is not.
 */
#include <stdio.h>
#include <string.h>

#include "daemon/health.h"
#include "conf/config.h"
#include "store/store.h"
#include "chan/modem.h"
#include "daemon/services.h"

/*
 * Returns 0 when everything is up, or -1 with the reasons, one a line, in
 * why (a string of whysz bytes).
 */
int
health_check(struct services *svc, char *why, size_t whysz)
{
	struct config	*conf = conf_slot_get(svc->confs);
	int64_t		 n;
	size_t		 o = 0;
	int		 bad = 0;

	why[0] = '\0';
	if (store_count(svc->store, STORE_T_CASES, &n) != STORE_OK) {
		o += (size_t)snprintf(why + o, whysz - o, "store: cannot "
		    "read %s\n", conf->storage_path);
		bad = 1;
	}
	/* Modems: one line each that is not up, with the reason. */
	if (o < whysz && modems_health(svc->modems, why, whysz) > 0)
		bad = 1;
	config_unref(conf);
	return bad ? -1 : 0;
}
