/*
 * ctl_config.c: papictl check-config, which loads the configuration the
 * way papigwd does (its dictionary compiled, its model loaded) and reports
 * "configuration OK" or the first error as FILE:LINE: message (exit 1),
 * in the language of the locale.  With --json it prints one object, in
 * English.
 */
#include <stdio.h>

#include <jansson.h>

#include "base/i18n.h"
#include "conf/config.h"
#include "domain/classifier.h"
#include "ctl/papictl.h"

int
ctl_check_config(struct ctl_globals *g, int argc, char **argv)
{
	char			 err[CONF_ERR_MAX];
	struct config		*conf;
	struct classifier	*c = NULL;
	json_t			*o;
	locale_t		 loc = (locale_t)0;

	(void)argv;
	if (argc != 1) {
		ctl_usage_of("check-config");
		return CTL_USAGE;
	}
	/* --json is the same in every language: its error is English. */
	if (g->json)
		loc = i18n_english();
	conf = config_load(g->conf_path, g->overrides, g->noverrides, err,
	    sizeof(err));
	if (conf != NULL && (c = classifier_new(conf, err, sizeof(err))) ==
	    NULL) {
		config_free(conf);
		conf = NULL;
	}
	classifier_unref(c);
	i18n_restore(loc);
	if (g->json) {
		o = conf != NULL ?
		    json_pack("{s:b, s:s, s:i, s:i}", "ok", 1, "file",
		    g->conf_path, "categories", (int)conf->ncategories,
		    "channels", (int)conf->nchannels) :
		    json_pack("{s:b, s:s, s:s}", "ok", 0, "file",
		    g->conf_path, "error", err);
		if (o != NULL) {
			json_dumpf(o, stdout, JSON_COMPACT);
			putchar('\n');
			json_decref(o);
		}
	} else if (conf != NULL)
		printf(_("configuration OK\n"));
	else
		fprintf(stderr, "%s\n", err);
	if (conf == NULL)
		return CTL_FAIL;
	config_free(conf);
	return CTL_OK;
}
