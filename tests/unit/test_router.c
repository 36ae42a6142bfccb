/*
 * test_router.c: unit tests of router.c on a small hand-built
 * configuration: folding and diacritics collisions, scoring over the
 * whole text, short codes as hints, the restricted-category override and
 * demands for money, triage, spam, lone greetings and thanks, shorthand,
 * and the reference-counted swap of routers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/slot.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/router.h"

/* Keywords per sub-category, NULL-terminated. */
static const char *corruption_kw[] = { "tham nhũng", "hối lộ",
    "tố cáo tham nhũng", NULL };
static const char *security_kw[] = { "trộm", "cướp giật", "tiếng ồn",
    "đánh bạc", NULL };
static const char *infra_kw[] = { "ngập", "đèn đường", "nắp cống", "rác",
    NULL };
static const char *proc_kw[] = { "sổ đỏ", "thủ tục", "hồ sơ", "tạm trú",
    NULL };
static const char *env_kw[] = { "khói", "mùi hôi", NULL };
static const char *acc_kw[] = { "tố cáo", "khiếu nại", NULL };
static const char *general_kw[] = { "phản ánh", "góp ý", NULL };

static const char *spam[] = { "trúng thưởng", "soạn tin", "vay tiền",
    "giải ngân", NULL };
static const char *greeting[] = { "alo", "xin chào", "chào", NULL };
static const char *thanks[] = { "cảm ơn", "ok", NULL };
static const char *filler[] = { "anh", "chị", "ạ", "phường", "nhiều",
    NULL };
static const char *demand[] = { "đòi", "phải lo", NULL };
static const char *demand_after[] = { "mới làm", NULL };
static const char *not_demand[] = { "nợ", NULL };
static const char *money[] = { "triệu", "nghìn", NULL };
static const char *weak[] = { "hồ sơ", NULL };

static struct config	conf;
static struct router	*r;

static char **
strv(const char **v, size_t *n)
{
	char	**out;
	size_t	  i;

	for (*n = 0; v[*n] != NULL; (*n)++)
		;
	out = calloc(*n + 1, sizeof(*out));
	for (i = 0; i < *n; i++)
		out[i] = strdup(v[i]);
	return out;
}

static void
add_category(const char *id, const char *code, int restricted,
    const char **kw)
{
	struct category	*c = &conf.categories[conf.ncategories++];

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->code, sizeof(c->code), "%s", code);
	c->restricted = restricted;
	c->nsubs = 1;
	c->subs = calloc(1, sizeof(*c->subs));
	snprintf(c->subs[0].id, sizeof(c->subs[0].id), "%s_sub", id);
	c->subs[0].keywords = strv(kw, &c->subs[0].nkeywords);
}

static void
build_config(void)
{
	static struct shorthand sh[] = {
		{ "ko", "không" }, { "dc", "được" }, { "ubnd", "ủy ban nhân dân" },
	};

	memset(&conf, 0, sizeof(conf));
	conf.categories = calloc(8, sizeof(*conf.categories));
	add_category("corruption", "TN", 1, corruption_kw);
	add_category("security", "AN", 0, security_kw);
	add_category("infrastructure", "HT", 0, infra_kw);
	add_category("procedures", "TT", 0, proc_kw);
	add_category("environment", "MT", 0, env_kw);
	add_category("accountability", "GT", 0, acc_kw);
	add_category("general", "", 0, general_kw);
	conf.router_threshold = 1.0;
	snprintf(conf.router_triage, sizeof(conf.router_triage), "general");
	conf.shorthand = sh;
	conf.nshorthand = sizeof(sh) / sizeof(sh[0]);
#define L(i, v) conf.router_lists[i] = strv(v, &conf.router_nlists[i])
	L(RLIST_SPAM, spam);
	L(RLIST_GREETING, greeting);
	L(RLIST_THANKS, thanks);
	L(RLIST_FILLER, filler);
	L(RLIST_DEMAND, demand);
	L(RLIST_DEMAND_AFTER, demand_after);
	L(RLIST_NOT_DEMAND, not_demand);
	L(RLIST_MONEY, money);
	L(RLIST_WEAK, weak);
#undef L
}

static void
free_config(void)
{
	size_t	i, j, k;

	for (i = 0; i < conf.ncategories; i++) {
		for (j = 0; j < conf.categories[i].nsubs; j++) {
			for (k = 0; k < conf.categories[i].subs[j].nkeywords;
			    k++)
				free(conf.categories[i].subs[j].keywords[k]);
			free(conf.categories[i].subs[j].keywords);
		}
		free(conf.categories[i].subs);
	}
	free(conf.categories);
	for (i = 0; i < RLIST_MAX; i++) {
		for (k = 0; k < conf.router_nlists[i]; k++)
			free(conf.router_lists[i][k]);
		free(conf.router_lists[i]);
	}
}

static int
setup(void **state)
{
	char	err[256];

	(void)state;
	build_config();
	r = router_compile(&conf, err, sizeof(err));
	if (r == NULL)
		fprintf(stderr, "%s\n", err);
	/* The router keeps its own copies. */
	free_config();
	return r == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	router_unref(r);
	return 0;
}

static struct route_result res;

static const char *
route(const char *s)
{
	assert_int_equal(router_classify(r, s, strlen(s), &res), 0);
	return res.category_id;
}

static void
test_compile_errors(void **state)
{
	char		 err[256];
	struct router	*bad;

	(void)state;
	build_config();
	snprintf(conf.router_triage, sizeof(conf.router_triage), "nope");
	bad = router_compile(&conf, err, sizeof(err));
	assert_null(bad);
	assert_non_null(strstr(err, "nope"));
	snprintf(conf.router_triage, sizeof(conf.router_triage), "general");
	free(conf.categories[1].subs[0].keywords[0]);
	conf.categories[1].subs[0].keywords[0] = strdup("!!!");
	assert_null(router_compile(&conf, err, sizeof(err)));
	assert_non_null(strstr(err, "no words"));
	free_config();
}

static void
test_basic_folding(void **state)
{
	(void)state;
	assert_string_equal(route("duong truoc nha bi NGAP nang"),
	    "infrastructure");
	assert_string_equal(res.sub_id, "infrastructure_sub");
	assert_int_equal(res.kind, ROUTE_FEEDBACK);
	assert_string_equal(route("\xc4\x91\xc3\xa8n \xc4\x91\xc6\xb0\xe1\xbb"
	    "\x9dng h\xc6\xb0"), "infrastructure");	/* đèn đường hư */
	assert_string_equal(route("nha toi bi trom xe"), "security");
	/* Words inside other words do not match: "trom" in "tromxe". */
	assert_string_equal(route("tromxe"), "general");
	/* Telex residue. */
	assert_string_equal(route("hem bij ngaapj"), "infrastructure");
}

static void
test_diacritics_collisions(void **state)
{
	(void)state;
	/* sổ đỏ is a procedure; sơ đồ (a map) is not. */
	assert_string_equal(route("l\xc3\xa0m s\xe1\xbb\x95 \xc4\x91\xe1\xbb"
	    "\x8f"), "procedures");
	assert_string_equal(route("xem s\xc6\xa1 \xc4\x91\xe1\xbb\x93 khu "
	    "ph\xe1\xbb\x91"), "general");
	/* Without diacritics both read as sổ đỏ. */
	assert_string_equal(route("lam so do"), "procedures");
	/* khói is smoke, khỏi (to recover, to leave) is not. */
	assert_string_equal(route("kh\xc3\xb3i b\xe1\xba\xbfp than"),
	    "environment");
	assert_string_equal(route("\xc4\x91\xc3\xa3 kh\xe1\xbb\x8fi b\xe1"
	    "\xbb\x87nh"), "general");
}

static void
test_whole_text_and_secondary(void **state)
{
	(void)state;
	/* The first word is not all: two infrastructure phrases win. */
	assert_string_equal(route("trom thi it, nhung ngap va rac thi "
	    "nhieu"), "infrastructure");
	assert_true(res.score >= 2.0);
	assert_int_equal(res.nsecondary, 1);
	assert_string_equal(router_category_id(r, (size_t)res.secondary[0]),
	    "security");
	/* A phrase counted once however often it is repeated. */
	assert_string_equal(route("ngap ngap ngap, trom trom, tieng on"),
	    "security");
}

static void
test_containment(void **state)
{
	(void)state;
	/* "tố cáo" inside "tố cáo tham nhũng" does not count. */
	route("to cao tham nhung");
	assert_string_equal(res.category_id, "corruption");
	assert_int_equal(res.nsecondary, 0);
	assert_int_equal(res.nterms, 1);
	assert_string_equal(res.terms[0].phrase, "tố cáo tham nhũng");
}

static void
test_short_code(void **state)
{
	(void)state;
	assert_string_equal(route("TN anh T o phuong"), "corruption");
	assert_true(res.flags & ROUTE_F_SHORTCODE);
	assert_string_equal(route("AN co nguoi la"), "security");
	/* A hint, not an order: the words win ties and more. */
	assert_string_equal(route("TT duong ngap"), "infrastructure");
	assert_string_equal(route("TT duong ngap, rac nhieu"),
	    "infrastructure");
	/* Only as the first word. */
	route("hem 5 TN");
	assert_false(res.flags & ROUTE_F_SHORTCODE);
}

static void
test_restricted_override(void **state)
{
	(void)state;
	/* Corruption takes the message; the other topic is secondary. */
	assert_string_equal(route("ngap nuoc, rac, den duong hu ma can bo "
	    "an hoi lo"), "corruption");
	assert_true(res.flags & ROUTE_F_OVERRIDE);
	assert_int_equal(res.nsecondary, 1);
	assert_string_equal(router_category_id(r, (size_t)res.secondary[0]),
	    "infrastructure");
}

static void
test_money_demand(void **state)
{
	(void)state;
	assert_string_equal(route("can bo doi 5 trieu moi ky so do"),
	    "corruption");
	assert_true(res.flags & ROUTE_F_MONEY_DEMAND);
	assert_string_equal(route("phai lo 50tr thi ho so moi chay"),
	    "corruption");
	assert_string_equal(route("dua 2 trieu moi lam cho"), "corruption");
	assert_string_equal(route("ho doi vai chuc trieu"), "corruption");
	/* "200k" after a number is nghìn; "5tr" triệu. */
	assert_string_equal(route("doi 200k"), "corruption");
	/* Not a demand: a debt, or no amount, or too far. */
	route("bi doi no 5 trieu");
	assert_false(res.flags & ROUTE_F_MONEY_DEMAND);
	route("doi hoi phuong giai quyet");
	assert_false(res.flags & ROUTE_F_MONEY_DEMAND);
	route("doi mai khong ai giai quyet cho toi ca, mat 5 trieu");
	assert_false(res.flags & ROUTE_F_MONEY_DEMAND);
}

static void
test_triage_and_threshold(void **state)
{
	(void)state;
	assert_string_equal(route("xin cho gap can bo"), "general");
	assert_true(res.flags & ROUTE_F_TRIAGE);
	assert_int_equal(res.kind, ROUTE_FEEDBACK);
	/* A feedback marker alone stays in triage, as feedback. */
	assert_string_equal(route("toi muon phan anh"), "general");
	assert_int_equal(res.kind, ROUTE_FEEDBACK);
	/* Weak keywords count half: under the threshold alone. */
	assert_string_equal(route("ho so"), "general");
	assert_string_equal(route("ho so tam tru"), "procedures");
	assert_true(res.score > 1.49 && res.score < 1.51);
}

static void
test_non_feedback(void **state)
{
	(void)state;
	route("Chuc mung ban trung thuong, soan tin NHAN gui 8x77");
	assert_int_equal(res.kind, ROUTE_SPAM);
	assert_string_equal(res.category_id, "general");
	route("Vay tien nhanh http://vay.xyz");
	assert_int_equal(res.kind, ROUTE_SPAM);
	/* A resident reporting a scam is not spam. */
	route("toi bi lua trung thuong, mat tien");
	assert_int_equal(res.kind, ROUTE_FEEDBACK);
	route("alo");
	assert_int_equal(res.kind, ROUTE_GREETING);
	route("Xin ch\xc3\xa0o ph\xc6\xb0\xe1\xbb\x9dng \xe1\xba\xa1");
	assert_int_equal(res.kind, ROUTE_GREETING);
	route("cam on anh chi nhieu a");
	assert_int_equal(res.kind, ROUTE_THANKS);
	/* A greeting with a complaint is feedback. */
	assert_string_equal(route("chao anh, duong nha toi bi ngap"),
	    "infrastructure");
	assert_int_equal(res.kind, ROUTE_FEEDBACK);
	route("\xf0\x9f\x98\x80 ...");
	assert_int_equal(res.kind, ROUTE_EMPTY);
	route("");
	assert_int_equal(res.kind, ROUTE_EMPTY);
}

static void
test_shorthand(void **state)
{
	struct text	*t = text_alloc();
	char		 buf[128];

	(void)state;
	assert_non_null(t);
	text_normalise(t, "ubnd ko dc 5tr", 14, 0);
	router_expand(r, t, buf, sizeof(buf));
	assert_string_equal(buf,
	    "uy ban nhan dan khong duoc 5 trieu");
	/* Not expanded where it has diacritics of its own. */
	text_normalise(t, "k\xc3\xb4", 4, 0);
	router_expand(r, t, buf, sizeof(buf));
	assert_string_equal(buf, "ko");
	free(t);
}

static void
test_invalid_input(void **state)
{
	(void)state;
	route("ng\xff" "ap \xc3 nuoc");
	assert_true(res.flags & TEXT_F_INVALID_UTF8);
	assert_string_equal(route("duong ngap\xff\xfe"), "infrastructure");
	assert_true(res.flags & TEXT_F_INVALID_UTF8);
}

static void
test_refcount_swap(void **state)
{
	struct slot		*slot;
	struct router		*a, *b, *cur;
	char			 err[256];

	(void)state;
	build_config();
	a = router_compile(&conf, err, sizeof(err));
	b = router_compile(&conf, err, sizeof(err));
	free_config();
	assert_non_null(a);
	assert_non_null(b);
	slot = router_slot_new(a);
	cur = router_slot_get(slot);
	assert_ptr_equal(cur, a);
	/* Swap while "cur" is in flight: it stays usable. */
	router_slot_set(slot, b);
	assert_int_equal(router_classify(cur, "ngap", 4, &res), 0);
	assert_string_equal(res.category_id, "infrastructure");
	router_unref(cur);	/* the last reference to a: freed here */
	cur = router_slot_get(slot);
	assert_ptr_equal(cur, b);
	router_unref(cur);
	slot_free(slot);
}

/*
 * The ASCII fast path of text.c against its general path, seen from the
 * router: a leading non-breaking space sends a message down the general
 * path and changes nothing else, so each generated ASCII message must be
 * classified the same with and without it.
 */
static void
test_ascii_fast_path(void **state)
{
	static const char *const words[] = {
		"tham nhung", "hoi lo", "to cao", "trom", "cuop giat", "ngap",
		"den duong", "nap cong", "rac", "so do", "thu tuc", "ho so",
		"khoi", "mui hoi", "khieu nai", "phan anh", "gop y",
		"trung thuong", "soan tin", "vay tien", "alo", "xin chao",
		"chao", "cam on", "ok", "anh", "chi", "a", "phuong", "doi",
		"phai lo", "moi lam", "no", "trieu", "nghin", "5tr", "200k",
		"500.000", "ko", "dc", "ubnd", "TN", "AN", "HT", "Tn",
		"http://x.vn", "ngaapj", "dduwowngf", "khoong", "xe", "nha",
		"toi", "o", "hem", "...", ",", "!", "?", "\t", "  ",
	};
	struct route_result	fast, slow;
	char			msg[512];
	uint32_t		rng = 88172645u;
	size_t			len, i, k, n;
	int			m, differs = 0;

	(void)state;
	for (m = 0; m < 400; m++) {
		memcpy(msg, "\xc2\xa0", 2);
		len = 2;
		for (k = rng % 12 + 1; k > 0; k--) {
			rng ^= rng << 13;
			rng ^= rng >> 17;
			rng ^= rng << 5;
			i = rng % (sizeof(words) / sizeof(words[0]));
			n = strlen(words[i]);
			if (len + n + 1 >= sizeof(msg))
				break;
			memcpy(msg + len, words[i], n);
			len += n;
			if (rng & 0x100)
				msg[len++] = ' ';
		}
		router_classify(r, msg + 2, len - 2, &fast);
		router_classify(r, msg, len, &slow);
		differs += fast.category != slow.category ||
		    strcmp(fast.sub_id, slow.sub_id) != 0 ||
		    fast.score != slow.score || fast.flags != slow.flags ||
		    fast.kind != slow.kind || fast.hint != slow.hint ||
		    fast.spam_score != slow.spam_score ||
		    fast.nsecondary != slow.nsecondary ||
		    fast.nterms != slow.nterms;
		for (i = 0; i < fast.nterms && i < slow.nterms; i++)
			differs += fast.terms[i].phrase != slow.terms[i].phrase ||
			    fast.terms[i].token != slow.terms[i].token;
		for (i = 0; i < fast.nsecondary && i < slow.nsecondary; i++)
			differs += fast.secondary[i] != slow.secondary[i];
		if (differs)
			print_error("message %d: \"%.*s\"\n", m, (int)len - 2,
			    msg + 2);
		assert_int_equal(differs, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_basic_folding),
		cmocka_unit_test(test_diacritics_collisions),
		cmocka_unit_test(test_whole_text_and_secondary),
		cmocka_unit_test(test_containment),
		cmocka_unit_test(test_short_code),
		cmocka_unit_test(test_restricted_override),
		cmocka_unit_test(test_money_demand),
		cmocka_unit_test(test_triage_and_threshold),
		cmocka_unit_test(test_non_feedback),
		cmocka_unit_test(test_shorthand),
		cmocka_unit_test(test_invalid_input),
		cmocka_unit_test(test_refcount_swap),
		cmocka_unit_test(test_ascii_fast_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
