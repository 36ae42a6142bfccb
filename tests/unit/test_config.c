/*
 * test_config.c: unit tests of the configuration loader: the shipped
 * files, defaults, every kind of error with its FILE:LINE, -o overrides,
 * and secrets read from files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"
#include "chan/http.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

static char	tmpdir[] = "/tmp/papigw-config.XXXXXX";
static char	path[512];
static char	err[CONF_ERR_MAX];

/* A small valid configuration; tests add to it or replace parts. */
static const char base_head[] =
    "ward = { name = \"Phuong 7\"; };\n"		/* line 1 */
    "control = { socket = \"/tmp/x.sock\"; };\n";	/* line 2 */
static const char base_cats[] =
    "categories = (\n"
    "  { id = \"general\"; name_vi = \"Chung\";\n"
    "    ack_vi = \"Da nhan {ref}, tra loi truoc {deadline}\";\n"
    "    explain_vi = \"Xin cam on\";\n"
    "    subcategories = ( { id = \"triage\"; keywords = [ \"gop y\" ]; }"
    " ); },\n"
    "  { id = \"security\"; name_vi = \"An ninh\"; code = \"AN\";\n"
    "    deadline_days = 3;\n"
    "    ack_vi = \"{ref} {deadline}\"; explain_vi = \"x\";\n"
    "    subcategories = ( { id = \"theft\"; keywords = [ \"trom\" ]; } );"
    " }\n"
    ");\n";

static void
write_file(const char *name, const char *text)
{
	char	 p[600];
	FILE	*fp;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Loads head + middle + categories; returns the config or NULL. */
static struct config *
load3(const char *head, const char *middle, const char *cats,
    char *const *ovr, size_t novr)
{
	char	text[8192];

	snprintf(text, sizeof(text), "%s%s%s", head, middle, cats);
	write_file("t.conf", text);
	return config_load(path, ovr, novr, err, sizeof(err));
}

static struct config *
load(const char *middle)
{
	return load3(base_head, middle, base_cats, NULL, 0);
}

/* The error must start with "t.conf:LINE: " and contain what. */
static void
expect_error(const char *middle, int line, const char *what)
{
	char	 want[600];

	assert_null(load(middle));
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	if (strncmp(err, want, strlen(want)) != 0 ||
	    strstr(err, what) == NULL) {
		print_error("got: %s\nwanted: %s...%s\n", err, want, what);
		fail();
	}
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/t.conf", tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_shipped_files(void **state)
{
	static const char *const files[] = { SRCDIR "/conf/papigw.conf",
	    SRCDIR "/conf/dev.conf" };
	static const char *const ids[] = { "corruption", "security",
	    "infrastructure", "procedures", "transparency", "participation",
	    "accountability", "health", "education", "environment",
	    "egovernance", "general" };
	struct config	*c;
	size_t		 i, f;

	(void)state;
	for (f = 0; f < 2; f++) {
		c = config_load(files[f], NULL, 0, err, sizeof(err));
		if (c == NULL)
			print_error("%s\n", err);
		assert_non_null(c);
		assert_int_equal(c->ncategories, 12);
		for (i = 0; i < 12; i++)
			assert_non_null(config_category(c, ids[i]));
		assert_true(config_category(c, "corruption")->restricted);
		assert_false(config_category(c, "security")->restricted);
		assert_string_equal(c->router_triage, "general");
		assert_non_null(config_channel(c, "modem"));
		config_free(c);
	}
}

static void
test_defaults(void **state)
{
	struct config	*c;

	(void)state;
	c = load("");
	assert_non_null(c);
	assert_string_equal(c->http_listen, "127.0.0.1:8080");
	assert_string_equal(c->http_addr, "127.0.0.1");
	assert_int_equal(c->http_port, 8080);
	assert_int_equal(c->http_max_body, 16384);
	assert_int_equal(c->storage_synchronous_full, 1);
	assert_int_equal(c->storage_busy_timeout, 5000);
	assert_string_equal(c->storage_path, "/var/lib/papigw/papigw.db");
	assert_string_equal(c->case_prefix, "PA");
	assert_int_equal(c->log_level, LOG_LVL_INFO);
	assert_int_equal(c->language, LANG_VI);
	assert_int_equal(config_category(c, "general")->deadline_days, 15);
	assert_int_equal(config_category(c, "security")->deadline_days, 3);
	assert_string_equal(config_category(c, "security")->code, "AN");
	assert_int_equal(c->nchannels, 0);
	config_free(c);
}

static void
test_errors(void **state)
{
	(void)state;
	/* Each error names the file and the line of the culprit. */
	expect_error("http = { threads = ; };\n", 3, "syntax error");
	expect_error("http = { lisen = \"127.0.0.1:1\"; };\n", 3,
	    "unknown setting 'lisen' (did you mean 'listen'?)");
	expect_error("htp = { };\n", 3, "unknown setting 'htp' (did you "
	    "mean 'http'?)");
	expect_error("http = { max_body = 10; };\n", 3,
	    "max_body: 10 is out of range (1024 to 1048576)");
	expect_error("http = { threads = \"4\"; };\n", 3,
	    "threads: expected a whole number");
	expect_error("http = {\n listen = \"localhost:80\"; };\n", 4,
	    "http.listen: 'localhost:80' is not ADDR:PORT");
	expect_error("http = { listen = \"127.0.0.1:70000\"; };\n", 3,
	    "is not ADDR:PORT");
	expect_error("log = { level = \"loud\"; };\n", 3,
	    "level: 'loud' is not one of: error, warning, notice, info, "
	    "debug");
	expect_error("storage = { synchronous = \"off\"; };\n", 3,
	    "is not one of: full, normal");
	expect_error("cases = { prefix = \"pa\"; };\n", 3,
	    "cases.prefix: 'pa' must be capital letters");
	expect_error("router = { triage = \"nothing\"; };\n", 3,
	    "router.triage: no category 'nothing'");
	expect_error("router = { shorthand = ( (\"ko\") ); };\n", 3,
	    "shorthand: element 1 must be a pair");
	expect_error("channels = ( { name = \"m\"; type = \"modem\"; } );\n",
	    3, "a modem channel needs 'device'");
	expect_error("channels = ( { name = \"m\"; type = \"gsm\"; } );\n",
	    3, "type: 'gsm' is not one of: modem, twilio");
	expect_error("channels = ( { name = \"t\"; type = \"twilio\";\n"
	    " device = \"/dev/ttyUSB0\"; } );\n", 4,
	    "channel 't': 'device' is not a setting of a twilio channel");
	expect_error("channels = ( { name = \"t\"; type = \"twilio\"; },\n"
	    " { name = \"t\"; type = \"vonage\"; } );\n", 4,
	    "duplicate channel name 't'");
	expect_error("channels = ( { name = \"t\"; type = \"twilio\";\n"
	    " token_file = \"/nonexistent/papigw.token\"; } );\n", 4,
	    "token_file: /nonexistent/papigw.token: No such file or "
	    "directory");
	expect_error("channels = ( { name = \"t\"; type = \"twilio\";\n"
	    " token = \"a\"; token_file = \"/x\"; } );\n", 4,
	    "token and token_file are both set");
	expect_error("channels = ( { name = \"t\"; type = \"twilio\";\n"
	    " base_url = \"ftp://x\"; } );\n", 3,
	    "base_url: 'ftp://x' is not an http:// or https:// URL");
}

static void
test_category_errors(void **state)
{
	struct config	*c;
	const char	*dup =
	    "categories = (\n"
	    "  { id = \"general\"; name_vi = \"a\"; ack_vi = \"{ref}\";"
	    " explain_vi = \"b\"; subcategories = (); },\n"
	    "  { id = \"general\"; name_vi = \"a\"; ack_vi = \"{ref}\";"
	    " explain_vi = \"b\"; subcategories = (); }\n);\n";

	(void)state;
	assert_null(load3(base_head, "", dup, NULL, 0));
	assert_non_null(strstr(err, "t.conf:5: duplicate category id "
	    "'general' (first at line 4)"));
	assert_null(load3(base_head, "", "categories = ();\n", NULL, 0));
	assert_non_null(strstr(err, "t.conf:3: categories: expected a "
	    "non-empty list"));
	assert_null(load3(base_head, "", "", NULL, 0));
	assert_non_null(strstr(err, "missing required list 'categories'"));
	c = load3(base_head, "", "categories = ( { id = \"general\";\n"
	    " name_vi = \"a\"; ack_vi = \"{ref} {date}\"; explain_vi = \"b\";"
	    " subcategories = (); } );\n", NULL, 0);
	assert_null(c);
	assert_non_null(strstr(err, "t.conf:4: ack_vi: unknown variable "
	    "{date}"));
	assert_null(load3(base_head, "", "categories = ( { id = \"General\";"
	    " name_vi = \"a\"; ack_vi = \"x\"; explain_vi = \"b\";"
	    " subcategories = (); } );\n", NULL, 0));
	assert_non_null(strstr(err, "category id 'General'"));
	assert_null(load3(base_head, "", "categories = ( { id = \"general\";"
	    " dimension = \"D9\"; name_vi = \"a\"; ack_vi = \"x\";"
	    " explain_vi = \"b\"; subcategories = (); } );\n", NULL, 0));
	assert_non_null(strstr(err, "'D9' is not a PAPI dimension"));
	assert_null(load3(base_head, "", "categories = ( { id = \"general\";"
	    " name_vi = \"a\"; explain_vi = \"b\"; subcategories = (); }"
	    " );\n", NULL, 0));
	assert_non_null(strstr(err, "missing required setting 'ack_vi'"));
	assert_null(load3("storage = { path = \"/tmp/x.db\"; };\n", "",
	    base_cats, NULL, 0));
	assert_non_null(strstr(err, "missing required setting 'name'"));
}

static void
test_overrides(void **state)
{
	char		*ovr[] = { "storage.path=/tmp/other.db",
	    "channels.m.enabled=false", "categories.[1].deadline_days=7",
	    "categories.general.code=GY", "http.threads=8",
	    "log.level=debug", "router.threshold=2.5" };
	const char	*chan = "channels = ( { name = \"m\"; type = \"modem\";"
	    " device = \"/dev/null\"; } );\n";
	struct config	*c;
	char		*bad[1];

	(void)state;
	c = load3(base_head, chan, base_cats, ovr, 7);
	if (c == NULL)
		print_error("%s\n", err);
	assert_non_null(c);
	assert_string_equal(c->storage_path, "/tmp/other.db");
	assert_false(config_channel(c, "m")->enabled);
	assert_int_equal(config_category(c, "security")->deadline_days, 7);
	assert_string_equal(config_category(c, "general")->code, "GY");
	assert_int_equal(c->http_threads, 8);
	assert_int_equal(c->log_level, LOG_LVL_DEBUG);
	assert_true(c->router_threshold > 2.4 && c->router_threshold < 2.6);
	config_free(c);

	bad[0] = "storage.pathx=/tmp/y";
	assert_null(load3(base_head, "", base_cats, bad, 1));
	assert_string_equal(err, "-o storage.pathx=/tmp/y: unknown setting");
	bad[0] = "http.threads=many";
	assert_null(load3(base_head, "", base_cats, bad, 1));
	assert_string_equal(err, "-o http.threads=many: 'many' is not a "
	    "whole number");
	bad[0] = "http.threads=1000";
	assert_null(load3(base_head, "", base_cats, bad, 1));
	assert_non_null(strstr(err, "-o http.threads=1000: threads: 1000 is "
	    "out of range"));
	bad[0] = "http.listen=nowhere";
	assert_null(load3(base_head, "", base_cats, bad, 1));
	assert_non_null(strstr(err, "-o http.listen=nowhere: http.listen:"));
	bad[0] = "storage";
	assert_null(load3(base_head, "", base_cats, bad, 1));
	assert_non_null(strstr(err, "expected KEY=VALUE"));
	bad[0] = "categories.[0].subcategories=x";
	assert_null(load3(base_head, "", base_cats, bad, 1));
	assert_non_null(strstr(err, "unknown setting"));
}

static void
test_secret_file(void **state)
{
	char		 text[1024], p[600];
	struct config	*c;

	(void)state;
	write_file("tok", "s3cr3t-token\n");
	snprintf(p, sizeof(p), "%s/tok", tmpdir);
	snprintf(text, sizeof(text), "channels = ( { name = \"t\"; "
	    "type = \"twilio\"; token_file = \"%s\"; },\n"
	    "{ name = \"off\"; type = \"vonage\"; enabled = false;"
	    " token_file = \"/nonexistent\"; } );\n", p);
	c = load(text);
	if (c == NULL)
		print_error("%s\n", err);
	assert_non_null(c);
	assert_string_equal(config_channel(c, "t")->token, "s3cr3t-token");
	/* A disabled channel's secret file is not read. */
	assert_string_equal(config_channel(c, "off")->token, "");
	config_free(c);

	/* A secret never appears in an error. */
	write_file("tok", "");
	assert_null(load(text));
	assert_non_null(strstr(err, "empty or binary secret"));
	assert_null(strstr(err, "s3cr3t"));
}

static void
test_include_error(void **state)
{
	char	text[512];

	(void)state;
	write_file("inc.conf", "\n\nbroken = = 1;\n");
	snprintf(text, sizeof(text), "%s@include \"inc.conf\"\n%s",
	    base_head, base_cats);
	write_file("t.conf", text);
	assert_null(config_load(path, NULL, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "inc.conf:3: syntax error"));
	assert_null(config_load("/nonexistent/papigw.conf", NULL, 0, err,
	    sizeof(err)));
	assert_string_equal(err, "/nonexistent/papigw.conf: cannot read: No "
	    "such file or directory");
}

static void
test_mask_number(void **state)
{
	char	buf[MASKED_NUMBER_MAX];

	(void)state;
	assert_string_equal(mask_number("+84912345678", buf, sizeof(buf)),
	    "+84 91x xxx 678");
	assert_string_equal(mask_number("0912345678", buf, sizeof(buf)),
	    "09x xxxx 678");
	assert_string_equal(mask_number("PHUONG7", buf, sizeof(buf)),
	    "P***7");
	assert_string_equal(mask_number("1022", buf, sizeof(buf)), "1***2");
	assert_string_equal(mask_number("", buf, sizeof(buf)), "");
	assert_null(strstr(mask_number("+84912345678", buf, sizeof(buf)),
	    "2345"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_files),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_category_errors),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_secret_file),
		cmocka_unit_test(test_include_error),
		cmocka_unit_test(test_mask_number),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
