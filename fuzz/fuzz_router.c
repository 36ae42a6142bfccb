/*
 * fuzz_router.c: the keyword router (domain/router.c) of the shipped
 * configuration and categories on any text, as every message is routed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "conf/config.h"
#include "domain/router.h"

static struct config	*conf;		/* the router reads it: kept */
static struct router	*router;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char		 err[512];

	(void)argc;
	(void)argv;
	conf = fuzz_config("ward = { name = \"UBND Phuong 7\"; };");
	if ((router = router_compile(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz: router: %s\n", err);
		exit(1);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct route_result	res;

	if (router_classify(router, (const char *)data, size, &res) == -1)
		return 0;
	if (res.category < 0 ||
	    (size_t)res.category >= router_ncategories(router) ||
	    res.category_id == NULL || res.nterms > ROUTER_TERMS_MAX ||
	    res.nsecondary > ROUTER_SECONDARY_MAX)
		abort();
	return 0;
}
