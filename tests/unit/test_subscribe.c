/*
 * test_subscribe.c: unit tests of what a message asks of the ward's
 * announcements (domain/subscribe.c): subscribing to topics and areas
 * with and without diacritics, spaces and commas, in English; dropping
 * one or all; the list word alone; reading an announcement by its code;
 * and what is not about announcements at all (a question that starts
 * like a verb, a verb with an unknown word after it).  Also the
 * announcements' areas with the areas within them (core/announce.c).
 *
 * The configuration is the shipped conf/papigw.conf, its news topics and
 * words, with three areas added (kp1, its tổ kp1-t3, kp2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "text/text.h"
#include "conf/config.h"
#include "core/announce.h"
#include "domain/subscribe.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

#define AREAS								\
	"areas = (\n"							\
	"{ id = \"kp1\"; name = \"Khu phố 1\"; words = [ \"khu phố 1\", "\
	"\"kp1\" ]; },\n"						\
	"{ id = \"kp1-t3\"; name = \"Tổ 3\"; within = \"kp1\"; "	\
	"words = [ \"to 3 kp1\" ]; },\n"				\
	"{ id = \"kp2\"; name = \"Khu phố 2\"; words = [ \"kp2\" ]; }\n"

static struct config	*conf;
static char		 dir[64];

/* The shipped file with the areas, in a directory with its include. */
static int
setup(void **state)
{
	char	 path[1024], err[CONF_ERR_MAX], *text, *at;
	FILE	*in, *out;
	long	 n;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/papigw-subscribe.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "cp %s/conf/categories.conf "
	    "%s/conf/procedures.conf %s/", SRCDIR, SRCDIR, dir);
	if (system(path) != 0 || (in = fopen(SRCDIR "/conf/papigw.conf",
	    "r")) == NULL)
		return -1;
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	rewind(in);
	text = xcalloc(1, (size_t)n + 1);
	if (fread(text, 1, (size_t)n, in) != (size_t)n)
		return -1;
	fclose(in);
	if ((at = strstr(text, "\nareas = (\n")) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/p.conf", dir);
	if ((out = fopen(path, "w")) == NULL)
		return -1;
	fwrite(text, 1, (size_t)(at - text) + 1, out);
	fputs(AREAS, out);
	fputs(at + strlen("\nareas = (\n"), out);
	fclose(out);
	free(text);
	if ((conf = config_load(path, NULL, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	config_free(conf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
parse(const char *s, struct sub_request *req)
{
	struct text	*t = text_alloc();
	int		 r;

	assert_non_null(t);
	text_normalise(t, s, strlen(s), 0);
	r = subscribe_parse(conf, t, req);
	free(t);
	return r;
}

/* Bit of news topic id, or of area id. */
static uint64_t
topic(const char *id)
{
	int	i = config_news_topic(conf, id);

	assert_true(i >= 0);
	return 1ULL << i;
}

static uint64_t
area(const char *id)
{
	size_t	i;

	for (i = 0; i < conf->nareas; i++)
		if (strcmp(conf->areas[i].id, id) == 0)
			return 1ULL << i;
	fail_msg("no area %s", id);
	return 0;
}

static void
test_subscribe(void **state)
{
	struct sub_request	r;

	(void)state;
	assert_int_equal(parse("Đăng ký ngân sách", &r), 1);
	assert_int_equal(r.verb, SUB_ADD);
	assert_true(r.topics == topic("budget") && r.areas == 0);
	assert_int_equal(parse("dk ngan sach,KP1", &r), 1);
	assert_true(r.topics == topic("budget") && r.areas == area("kp1"));
	assert_int_equal(parse("DANG KY   quy hoach  den bu kp2", &r), 1);
	assert_true(r.topics == topic("planning") && r.areas == area("kp2"));
	assert_int_equal(parse("subscribe health, budget", &r), 1);
	assert_true(r.topics == (topic("health") | topic("budget")));
	assert_int_equal(parse("DK to 3 kp1", &r), 1);
	assert_true(r.topics == 0 && r.areas == area("kp1-t3"));
	assert_int_equal(parse("DK tất cả", &r), 1);
	assert_true(r.all);
	assert_int_equal(parse("dk poor_households", &r), 1);
	assert_true(r.topics == topic("poor_households"));
}

static void
test_drop_list_read(void **state)
{
	struct sub_request	r;

	(void)state;
	assert_int_equal(parse("HỦY KP1", &r), 1);
	assert_true(r.verb == SUB_DROP && r.areas == area("kp1"));
	assert_int_equal(parse("huy tat ca", &r), 1);
	assert_true(r.verb == SUB_DROP && r.all);
	assert_int_equal(parse("HUY DK ngan sach", &r), 1);
	assert_true(r.verb == SUB_DROP && r.topics == topic("budget"));
	assert_int_equal(parse("DS", &r), 1);
	assert_int_equal(r.verb, SUB_LIST);
	assert_int_equal(parse("Danh sách", &r), 1);
	assert_int_equal(r.verb, SUB_LIST);
	assert_int_equal(parse("XEM TB12", &r), 1);
	assert_true(r.verb == SUB_READ && r.code == 12);
	assert_int_equal(parse("tb-000012", &r), 1);
	assert_true(r.verb == SUB_READ && r.code == 12);
	assert_int_equal(parse("đọc 7", &r), 1);
	assert_true(r.verb == SUB_READ && r.code == 7);
}

static void
test_not_news(void **state)
{
	struct sub_request	r;

	(void)state;
	assert_int_equal(parse("Đăng ký kết hôn ở đâu?", &r), 0);
	assert_int_equal(r.verb, SUB_NONE);
	assert_int_equal(parse("DK ngan sach va hoi ve ho ngheo", &r), 0);
	assert_int_equal(parse("DS con nha toi bi benh", &r), 0);
	assert_int_equal(parse("xem giup toi", &r), 0);
	assert_int_equal(parse("Bỏ rác không đúng chỗ ở KP1", &r), 0);
	assert_int_equal(parse("TB", &r), 0);
	assert_int_equal(parse("", &r), 0);
}

static void
test_areas_json(void **state)
{
	char	buf[ANNOUNCE_AREAS_JSON_MAX], bad[64];

	(void)state;
	announce_areas_json(conf, "", buf, sizeof(buf));
	assert_string_equal(buf, "[]");
	announce_areas_json(conf, "kp1", buf, sizeof(buf));
	assert_string_equal(buf, "[\"kp1\",\"kp1-t3\"]");
	announce_areas_json(conf, "kp1-t3,kp2", buf, sizeof(buf));
	assert_string_equal(buf, "[\"kp1-t3\",\"kp2\"]");
	assert_int_equal(announce_check_areas(conf, "kp1,kp2", bad,
	    sizeof(bad)), 0);
	assert_int_equal(announce_check_areas(conf, "kp1,kp9", bad,
	    sizeof(bad)), -1);
	assert_string_equal(bad, "kp9");
}

static void
test_render(void **state)
{
	char	buf[64];

	(void)state;
	announce_render("Da dang ky: {list}. Ma {code}", "A, B", "TB-000001",
	    buf, sizeof(buf));
	assert_string_equal(buf, "Da dang ky: A, B. Ma TB-000001");
	announce_render("{list}{list}", "0123456789", "", buf, 12);
	assert_string_equal(buf, "01234567890");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subscribe),
		cmocka_unit_test(test_drop_list_read),
		cmocka_unit_test(test_not_news),
		cmocka_unit_test(test_areas_json),
		cmocka_unit_test(test_render),
	};

	log_init(1, LOG_LVL_WARN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
