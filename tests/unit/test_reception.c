/*
 * test_reception.c: unit tests of the days of the citizen reception
 * (domain/reception.c: the weekday, holidays skipped, bookings closing
 * the day before) and of the procedure catalogue's matching
 * (domain/catalogue.c: folded words, a typo, rare words weighing more,
 * numbers and codes, a list of choices).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/catalogue.h"
#include "domain/reception.h"

static char *holidays[] = { "2026-12-15" };
static char *slots[] = { "08:00", "08:30" };
static char *catwords[] = { "TTHC", "thủ tục" };
static char *ks_words[] = { "khai sinh", "giấy khai sinh" };
static char *kt_words[] = { "khai tử" };
static char *ct_words[] = { "sao y", "công chứng bản sao" };
static char *ck_words[] = { "chứng thực chữ ký" };

static struct proc_field fields[2] = {
	{ "hotich", "Hộ tịch", "", "Ho tich", 0 },
	{ "chungthuc", "Chứng thực", "", "Chung thuc", 0 },
};
static struct procedure procs[4];
static struct config conf;

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	memset(&conf, 0, sizeof(conf));
	conf.deadline_holidays = holidays;
	conf.ndeadline_holidays = 1;
	conf.reception_enabled = 1;
	conf.reception_weekday = 2;
	conf.reception_slots = slots;
	conf.reception_nslots = 2;
	conf.reception_per_slot = 1;
	snprintf(conf.reception_book_until, 6, "17:00");
	conf.catalogue_words = catwords;
	conf.catalogue_nwords = 2;
	conf.catalogue_choices = 5;
	memset(procs, 0, sizeof(procs));
	snprintf(procs[0].code, sizeof(procs[0].code), "HT-01");
	procs[0].name = "Đăng ký khai sinh";
	procs[0].words = ks_words;
	procs[0].nwords = 2;
	snprintf(procs[1].code, sizeof(procs[1].code), "HT-02");
	procs[1].name = "Đăng ký khai tử";
	procs[1].words = kt_words;
	procs[1].nwords = 1;
	snprintf(procs[2].code, sizeof(procs[2].code), "CT-01");
	procs[2].name = "Chứng thực bản sao từ bản chính";
	procs[2].words = ct_words;
	procs[2].nwords = 2;
	procs[2].fieldno = 1;
	snprintf(procs[3].code, sizeof(procs[3].code), "CT-02");
	procs[3].name = "Chứng thực chữ ký";
	procs[3].words = ck_words;
	procs[3].nwords = 1;
	procs[3].fieldno = 1;
	conf.procedures = procs;
	conf.nprocedures = 4;
	conf.proc_fields = fields;
	conf.nproc_fields = 2;
	return 0;
}

/* The day of reception k at the local time y-m-d hh:mm. */
static const char *
day(int k, int y, int m, int d, int hh, int mm)
{
	static char	buf[RECEPTION_DAY_SIZE];

	if (reception_day(&conf, date_local(y, m, d, hh, mm, 0), k, buf) ==
	    -1)
		return "none";
	return buf;
}

static void
test_days(void **state)
{
	(void)state;
	/* Monday 30 November 2026: tomorrow, until 17:00. */
	assert_string_equal(day(0, 2026, 11, 30, 9, 0), "2026-12-01");
	assert_string_equal(day(0, 2026, 11, 30, 16, 59), "2026-12-01");
	assert_string_equal(day(0, 2026, 11, 30, 17, 0), "2026-12-08");
	/* The Tuesday itself is closed: the next one. */
	assert_string_equal(day(0, 2026, 12, 1, 7, 0), "2026-12-08");
	/* 15 December is a holiday: skipped. */
	assert_string_equal(day(1, 2026, 11, 30, 9, 0), "2026-12-08");
	assert_string_equal(day(2, 2026, 11, 30, 9, 0), "2026-12-22");
	assert_string_equal(day(0, 2026, 12, 10, 9, 0), "2026-12-22");
	assert_int_equal(reception_is_day(&conf, 2026, 12, 15), 0);
	assert_int_equal(reception_is_day(&conf, 2026, 12, 22), 1);
	conf.reception_enabled = 0;
	assert_string_equal(day(0, 2026, 11, 30, 9, 0), "none");
	conf.reception_enabled = 1;
}

/* What a lookup of msg finds: "HT-01", "list 3", "none", or "no". */
static const char *
lookup(const char *msg)
{
	static char		 buf[64];
	struct catalogue_query	 q;
	struct text		*t = text_alloc();

	text_normalise(t, msg, strlen(msg), 0);
	if (!catalogue_parse(&conf, t, &q))
		snprintf(buf, sizeof(buf), "no");
	else if (q.exact)
		snprintf(buf, sizeof(buf), "%s", procs[q.found[0]].code);
	else if (q.n > 0)
		snprintf(buf, sizeof(buf), "list %d", q.n);
	else
		snprintf(buf, sizeof(buf), "none");
	free(t);
	return buf;
}

static void
test_lookups(void **state)
{
	(void)state;
	assert_string_equal(lookup("TTHC khai sinh"), "HT-01");
	assert_string_equal(lookup("Thủ tục khai sinh"), "HT-01");
	assert_string_equal(lookup("thu tuc giay khai sinh"), "HT-01");
	assert_string_equal(lookup("TTHC khai sinhh"), "HT-01");
	assert_string_equal(lookup("tthc khai tu"), "HT-02");
	assert_string_equal(lookup("TTHC cong chung ban sao"), "CT-01");
	assert_string_equal(lookup("TTHC chung thuc"), "list 2");
	assert_string_equal(lookup("TTHC Hộ tịch"), "list 2");
	assert_string_equal(lookup("TTHC chứng thực chữ ký"), "CT-02");
	assert_string_equal(lookup("TTHC dang ky"), "list 2");
	assert_string_equal(lookup("TTHC 4"), "CT-02");
	assert_string_equal(lookup("TTHC ct 02"), "CT-02");
	assert_string_equal(lookup("TTHC xyzxyz"), "none");
	/* The word alone, or another beginning: no lookup. */
	assert_string_equal(lookup("TTHC"), "no");
	assert_string_equal(lookup("khai sinh cho con"), "no");
}

/*
 * The same lookups through the index kept in the configuration (what the
 * daemon does), built once, then again as a reload would.
 */
static void
test_lookups_indexed(void **state)
{
	catalogue_attach(&conf);
	assert_non_null(conf.catalogue_index);
	assert_true(catalogue_index_words(conf.catalogue_index) > 5);
	test_lookups(state);
	catalogue_attach(&conf);
	test_lookups(state);
	conf.catalogue_index_free(conf.catalogue_index);
	conf.catalogue_index = NULL;
	conf.catalogue_index_free = NULL;
}

static void
test_answers(void **state)
{
	struct catalogue_query	 q;
	struct text		*t = text_alloc();
	char			 buf[1024];

	(void)state;
	procs[0].fee = "Miễn lệ phí";
	procs[0].time_limit = "Trong ngày";
	procs[0].where = "Một cửa";
	procs[0].online = "";
	procs[0].documents = "Tờ khai";
	text_normalise(t, "TTHC khai sinh", 14, 0);
	assert_int_equal(catalogue_parse(&conf, t, &q), 1);
	catalogue_answer(&conf, &q, 0, buf, sizeof(buf));
	assert_string_equal(buf, "Đăng ký khai sinh (HT-01). Lệ phí: Miễn lệ "
	    "phí. Thời hạn: Trong ngày. Nộp tại: Một cửa. Hồ sơ: Tờ khai");
	catalogue_answer(&conf, &q, 1, buf, sizeof(buf));
	assert_string_equal(buf, "Đăng ký khai sinh (HT-01). Fee: Miễn lệ "
	    "phí. Time limit: Trong ngày. Where: Một cửa. Documents: Tờ khai");
	conf.catalogue_list_vi = "{n}: {list}. {word} + số.";
	text_normalise(t, "TTHC chung thuc", 15, 0);
	assert_int_equal(catalogue_parse(&conf, t, &q), 1);
	catalogue_answer(&conf, &q, 0, buf, sizeof(buf));
	assert_string_equal(buf, "2: 3. Chứng thực bản sao từ bản chính; 4. "
	    "Chứng thực chữ ký. TTHC + số.");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_lookups_indexed),
		cmocka_unit_test(test_answers),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
