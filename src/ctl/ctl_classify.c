/*
 * ctl_classify.c: papictl classify, the daemon's decision without a
 * daemon.
 *
 * Loads the configuration, compiles its router, loads the learned model
 * the daemon would (classify_load(); without one, or when it cannot be
 * read, the keyword router alone, with a warning) and decides on one
 * message given as the argument, or one message per line of standard
 * input with "-", with classify_text(): the very rule of the daemon.
 * Each message prints one line,
 *
 *	category<TAB>subcategory<TAB>score<TAB>matched terms
 *
 * where the terms are the configured phrases found, in message order, and
 * bracketed notes for what is not a phrase ("[code TN]", "[money demand]",
 * "[spam]", "[held]").  With --json each message prints one JSON object
 * instead, with the normalised, folded and expanded text, the flags and
 * the secondary categories: what a person tuning the dictionary needs;
 * and what the model said ("model": its class, probability, those of
 * corruption and spam, and the features that weighed most; null without
 * a model) and whether the message is held for an officer ("held").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/i18n.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/classify.h"
#include "domain/features.h"
#include "domain/model.h"
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

/* What the model said: null when none took part. */
static json_t *
model_json(const struct classification *c)
{
	json_t	*o, *why;
	size_t	 i;

	if (!c->model)
		return json_null();
	why = json_array();
	for (i = 0; i < c->nwhy; i++)
		json_array_append_new(why, json_pack("{s:s, s:f}", "feature",
		    c->why[i].name, "weight", c->why[i].weight));
	o = json_pack("{s:s, s:f, s:f, s:f, s:o}", "class", c->model_class,
	    "p", c->p, "p_corruption", c->p_corruption, "p_spam", c->p_spam,
	    "why", why);
	return o != NULL ? o : json_null();
}

/* What classifying needs: the daemon's router, model and rule. */
struct classifier {
	const struct config	*conf;
	const struct router	*r;
	const struct model	*m;	/* NULL: the router alone */
	struct classify_rule	 rule;
	struct text		*t;
	struct features_vec	*v;	/* with names: the evidence */
};

static void
classify_one(struct ctl_globals *g, struct classifier *k, const char *msg,
    size_t len)
{
	struct classification	 c;
	json_t			*o;

	text_normalise(k->t, msg, len, 0);
	classify_text(k->r, k->m, &k->rule, k->t, k->v, &c);
	if (!g->json) {
		print_tsv(k->conf, k->r, &c.route);
		return;
	}
	o = result_json(k->conf, k->r, k->t, &c.route, msg, len);
	json_object_set_new(o, "model", model_json(&c));
	json_object_set_new(o, "held",
	    json_boolean(c.route.kind == ROUTE_HELD));
	json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(o);
}

/*
 * papictl classify [TEXT | -]: prints how the daemon would file TEXT, or
 * each line of stdin.  Returns CTL_OK, CTL_FAIL when the configuration
 * cannot be loaded or compiled, CTL_USAGE on bad usage.
 */
int
ctl_classify(struct ctl_globals *g, int argc, char **argv)
{
	struct classifier	 k;
	struct config		*conf = NULL;
	struct router		*r = NULL;
	struct model		*m = NULL;
	char			 err[CONF_ERR_MAX], *line = NULL;
	size_t			 cap = 0;
	ssize_t			 n;
	int			 rc = CTL_FAIL;

	if (argc > 2) {
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	memset(&k, 0, sizeof(k));
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
	if ((m = classify_load(conf, err, sizeof(err))) == NULL &&
	    err[0] != '\0')
		fprintf(stderr, _("papictl: warning: %s; classifying with "
		    "the keyword router alone\n"), err);
	k.conf = conf;
	k.r = r;
	k.m = m;
	classify_rule_of(conf, &k.rule);
	if ((k.t = text_alloc()) == NULL ||
	    (k.v = features_vec_new(1)) == NULL) {
		fprintf(stderr, "%s\n", _("papictl: out of memory"));
		goto fail;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0) {
		classify_one(g, &k, argv[1], strlen(argv[1]));
		rc = CTL_OK;
		goto fail;
	}
	while ((n = getline(&line, &cap, stdin)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n > LINE_MAX_BYTES)
			n = LINE_MAX_BYTES;
		classify_one(g, &k, line, (size_t)n);
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
	features_vec_free(k.v);
	free(k.t);
	model_unref(m);
	router_unref(r);
	config_free(conf);
	return rc;
}
