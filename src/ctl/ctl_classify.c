/*
 * ctl_classify.c: papictl classify, the router without a daemon.
 *
 * Loads the configuration, compiles its router and classifies one message
 * given as the argument, or one message per line of standard input with
 * "-".  Each message prints one line,
 *
 *	category<TAB>subcategory<TAB>score<TAB>matched terms
 *
 * where the terms are the configured phrases found, in message order, and
 * bracketed notes for what is not a phrase ("[code TN]", "[money demand]",
 * "[spam]").  With --json each message prints one JSON object instead,
 * with the normalised, folded and expanded text, the flags and the
 * secondary categories: what a person tuning the dictionary needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "text/text.h"
#include "conf/config.h"
#include "domain/router.h"
#include "ctl/papictl.h"

#define LINE_MAX_BYTES	65536	/* longest line read from stdin */

static void
print_tsv(const struct config *conf, const struct router *r,
    const struct route_result *res)
{
	size_t	i;
	int	n = 0;

	printf("%s\t%s\t%.2f\t", res->category_id, res->sub_id, res->score);
	if (res->hint != -1)
		printf("%s[code %s]", n++ ? ", " : "",
		    conf->categories[res->hint].code);
	for (i = 0; i < res->nterms; i++) {
		const struct route_term *tm = &res->terms[i];

		if (tm->category == -1)
			printf("%s[%s]", n++ ? ", " : "", tm->phrase);
		else
			printf("%s%s", n++ ? ", " : "", tm->phrase);
	}
	if (res->flags & ROUTE_F_MONEY_DEMAND)
		printf("%s[money demand]", n++ ? ", " : "");
	if (res->kind != ROUTE_FEEDBACK)
		printf("%s[%s]", n++ ? ", " : "", route_kind_name(res->kind));
	if (res->kind != ROUTE_FEEDBACK && res->nsecondary > 0)
		printf("%s[topic %s]", n++ ? ", " : "",
		    router_category_id(r, (size_t)res->secondary[0]));
	putchar('\n');
}

static json_t *
result_json(const struct config *conf, const struct router *r,
    const struct text *t, const struct route_result *res, const char *msg,
    size_t len)
{
	json_t	*o, *a, *f;
	char	*exp, *repaired;
	size_t	 i, n;

	o = json_object();
	/* JSON holds UTF-8 only: invalid bytes are shown as U+FFFD. */
	repaired = text_repair(msg, len);
	json_object_set_new(o, "text", json_string(repaired));
	free(repaired);
	json_object_set_new(o, "normalised", json_string(t->norm));
	json_object_set_new(o, "folded", json_string(t->fold));
	n = router_expand(r, t, NULL, 0);
	if ((exp = malloc(n + 1)) != NULL) {
		router_expand(r, t, exp, n + 1);
		json_object_set_new(o, "expanded", json_string(exp));
		free(exp);
	}
	json_object_set_new(o, "category", json_string(res->category_id));
	json_object_set_new(o, "subcategory", json_string(res->sub_id));
	json_object_set_new(o, "score", json_real(res->score));
	json_object_set_new(o, "kind",
	    json_string(route_kind_name(res->kind)));
	a = json_array();
	for (i = 0; i < res->nsecondary; i++)
		json_array_append_new(a, json_pack("{s:s, s:f}", "category",
		    router_category_id(r, (size_t)res->secondary[i]), "score",
		    res->secondary_score[i]));
	json_object_set_new(o, "secondary", a);
	a = json_array();
	for (i = 0; i < res->nterms; i++) {
		const struct route_term *tm = &res->terms[i];

		json_array_append_new(a, json_pack("{s:s, s:s?, s:f, s:I}",
		    "phrase", tm->phrase, "category", tm->category == -1 ?
		    NULL : router_category_id(r, (size_t)tm->category),
		    "weight", tm->weight, "token", (json_int_t)tm->token));
	}
	json_object_set_new(o, "terms", a);
	f = json_object();
	json_object_set_new(f, "invalid_utf8",
	    json_boolean(res->flags & TEXT_F_INVALID_UTF8));
	json_object_set_new(f, "truncated",
	    json_boolean(res->flags & TEXT_F_TRUNCATED));
	json_object_set_new(f, "diacritics",
	    json_boolean(res->flags & TEXT_F_DIACRITICS));
	json_object_set_new(f, "telex", json_boolean(res->flags & TEXT_F_TELEX));
	json_object_set_new(f, "link", json_boolean(res->flags & TEXT_F_LINK));
	json_object_set_new(f, "money_demand",
	    json_boolean(res->flags & ROUTE_F_MONEY_DEMAND));
	json_object_set_new(f, "override",
	    json_boolean(res->flags & ROUTE_F_OVERRIDE));
	json_object_set_new(f, "triage",
	    json_boolean(res->flags & ROUTE_F_TRIAGE));
	json_object_set_new(f, "shortcode", res->hint == -1 ? json_null() :
	    json_string(conf->categories[res->hint].code));
	json_object_set_new(f, "spam_score", json_real(res->spam_score));
	json_object_set_new(o, "flags", f);
	return o;
}

static void
classify_one(struct ctl_globals *g, const struct config *conf,
    const struct router *r, struct text *t, const char *msg, size_t len)
{
	struct route_result	 res;
	json_t			*o;

	text_normalise(t, msg, len, 0);
	router_classify_text(r, t, &res);
	if (!g->json) {
		print_tsv(conf, r, &res);
		return;
	}
	o = result_json(conf, r, t, &res, msg, len);
	json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(o);
}

/*
 * papictl classify [TEXT | -]: prints how the configured router files
 * TEXT, or each line of stdin.  Returns CTL_OK, CTL_FAIL when the
 * configuration cannot be loaded or compiled, CTL_USAGE on bad usage.
 */
int
ctl_classify(struct ctl_globals *g, int argc, char **argv)
{
	struct config	*conf = NULL;
	struct router	*r = NULL;
	struct text	*t = NULL;
	char		 err[CONF_ERR_MAX], *line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	int		 rc = CTL_FAIL;

	if (argc > 2) {
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	err[0] = '\0';
	if ((conf = config_load(g->conf_path, g->overrides, g->noverrides,
	    err, sizeof(err))) == NULL) {
		fprintf(stderr, "papictl: %s\n", err);
		goto fail;
	}
	if ((r = router_compile(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "papictl: %s\n", err);
		goto fail;
	}
	if ((t = text_alloc()) == NULL) {
		fprintf(stderr, "papictl: out of memory\n");
		goto fail;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0) {
		classify_one(g, conf, r, t, argv[1], strlen(argv[1]));
		rc = CTL_OK;
		goto fail;
	}
	while ((n = getline(&line, &cap, stdin)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n > LINE_MAX_BYTES)
			n = LINE_MAX_BYTES;
		classify_one(g, conf, r, t, line, (size_t)n);
	}
	if (ferror(stdin)) {
		perror("papictl: stdin");
		goto fail;
	}
	rc = CTL_OK;
fail:
	if (fflush(stdout) == EOF && rc == CTL_OK) {
		perror("papictl: stdout");
		rc = CTL_FAIL;
	}
	free(line);
	free(t);
	router_unref(r);
	config_free(conf);
	return rc;
}
