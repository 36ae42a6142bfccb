/*
 * test_fuzzy.c: the approximate matcher (domain/fuzzy.c) and the syllable
 * check it relies on (text_is_syllable()), then through the shipped
 * router: one typo in a word does not lose the phrase.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "text/text.h"
#include "conf/config.h"
#include "domain/fuzzy.h"
#include "domain/router.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

static const char *const dict[] = {
	"duong", "trong", "nguoi", "bribe", "complaint", "tien", "nhung",
	"thanh", "police", "polite"
};
#define NDICT	(sizeof(dict) / sizeof(dict[0]))

static struct fuzzy *
build(void)
{
	struct fuzzy	*f = fuzzy_new();
	size_t		 i;

	for (i = 0; i < NDICT; i++)
		fuzzy_add(f, dict[i], strlen(dict[i]), (uint32_t)i);
	fuzzy_build(f);
	return f;
}

static uint32_t
find(const struct fuzzy *f, const char *tok)
{
	return fuzzy_find(f, tok, strlen(tok));
}

static void
test_syllables(void **state)
{
	(void)state;
	assert_true(text_is_syllable("duong", 5));
	assert_true(text_is_syllable("trong", 5));
	assert_true(text_is_syllable("nghieng", 7));
	assert_true(text_is_syllable("gi", 2));
	assert_true(text_is_syllable("qua", 3));
	assert_true(text_is_syllable("nhanh", 5));
	assert_false(text_is_syllable("trog", 4));
	assert_false(text_is_syllable("tienf", 5));
	assert_false(text_is_syllable("duongg", 6));
	assert_false(text_is_syllable("bribe", 5));
	assert_false(text_is_syllable("", 0));
	assert_false(text_is_syllable("d1", 2));
}

static void
test_edits(void **state)
{
	struct fuzzy	*f = build();

	(void)state;
	/* One letter too many, missing, changed, two swapped. */
	assert_int_equal(find(f, "duongg"), 0);
	assert_int_equal(find(f, "nguoii"), 2);
	assert_int_equal(find(f, "brbe"), 3);	/* short: a missing letter */
	assert_int_equal(find(f, "complant"), 4);
	assert_int_equal(find(f, "complaimt"), 4);
	assert_int_equal(find(f, "compalint"), 4);
	assert_int_equal(find(f, "tienf"), 5);
	assert_int_equal(find(f, "trog"), 1);
	/* Two edits away: nothing. */
	assert_int_equal(find(f, "compalnit"), FUZZY_NONE);
	/* A syllable is never read as another word. */
	assert_int_equal(find(f, "nhanh"), FUZZY_NONE);
	assert_int_equal(find(f, "thang"), FUZZY_NONE);
	/* A short token only with a letter it lacks: "tein" is no "tien". */
	assert_int_equal(find(f, "tein"), FUZZY_NONE);
	/* Two words as close: none ("polie" is police and polite). */
	assert_int_equal(find(f, "polie"), FUZZY_NONE);
	/* Not letters, too short, too long. */
	assert_int_equal(find(f, "duong1"), FUZZY_NONE);
	assert_int_equal(find(f, "tr"), FUZZY_NONE);
	assert_int_equal(find(f, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
	    FUZZY_NONE);
	/* A word of the dictionary itself is the router's, not ours. */
	assert_int_equal(find(f, "duong"), FUZZY_NONE);
	assert_true(fuzzy_size(f) > NDICT);
	fuzzy_free(f);
}

static void
test_empty(void **state)
{
	struct fuzzy	*f = fuzzy_new();

	(void)state;
	fuzzy_build(f);
	assert_int_equal(find(f, "duongg"), FUZZY_NONE);
	fuzzy_free(f);
}

/* Through the shipped dictionary: a typo keeps the phrase and says so. */
static void
test_router(void **state)
{
	char			 err[CONF_ERR_MAX];
	struct config		*conf;
	struct router		*r;
	struct route_result	 res;
	const char		*typo = "den duongg hem 5 hu roi";

	(void)state;
	conf = config_load(SRCDIR "/conf/papigw.conf", NULL, 0, err,
	    sizeof(err));
	assert_non_null(conf);
	assert_non_null(r = router_compile(conf, err, sizeof(err)));
	router_classify(r, typo, strlen(typo), &res);
	assert_string_equal(res.category_id, "infrastructure");
	assert_true(res.flags & ROUTE_F_APPROX);
	router_classify(r, "den duong hem 5 hu roi", 22, &res);
	assert_string_equal(res.category_id, "infrastructure");
	assert_false(res.flags & ROUTE_F_APPROX);
	router_unref(r);
	config_free(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syllables),
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_router),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
