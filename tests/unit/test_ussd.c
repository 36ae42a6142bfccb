/*
 * test_ussd.c: unit tests of the pure parts of the USSD menu (ussd.c):
 * reading a path into a position (every menu path, back and top, the
 * message that keeps its '*'s, replays, bad input), rendering screens and
 * END screens, folding text to ASCII and fitting it, and the loader's
 * check that every screen fits 182 characters.
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

#include "base/util.h"
#include "conf/config.h"
#include "domain/ussd_menu.h"

static char		 tmpdir[] = "/tmp/papigw-ussd.XXXXXX";
static struct config	*conf;

/* A menu over five categories and three topics. */
static const char conf_text[] =
    "ward = { name = \"Phuong 7\"; hotline = \"1022\"; };\n"
    "control = { socket = \"/tmp/x.sock\"; };\n"
    "categories = (\n"
    "  { id = \"general\"; name_vi = \"Chung\"; ack_vi = \"{ref}\";\n"
    "    explain_vi = \"x\"; subcategories = ( { id = \"t\";\n"
    "    keywords = [ \"gop y\" ]; } ); },\n"
    "  { id = \"corruption\"; name_vi = \"TN\"; ack_vi = \"{ref}\";\n"
    "    explain_vi = \"x\"; subcategories = ( { id = \"t\";\n"
    "    keywords = [ \"tham nhung\" ]; } ); },\n"
    "  { id = \"security\"; name_vi = \"AN\"; ack_vi = \"{ref}\";\n"
    "    explain_vi = \"x\"; subcategories = ( { id = \"t\";\n"
    "    keywords = [ \"trom\" ]; } ); },\n"
    "  { id = \"infrastructure\"; name_vi = \"HT\"; ack_vi = \"{ref}\";\n"
    "    explain_vi = \"x\"; subcategories = ( { id = \"t\";\n"
    "    keywords = [ \"duong\" ]; } ); },\n"
    "  { id = \"procedures\"; name_vi = \"TT\"; ack_vi = \"{ref}\";\n"
    "    explain_vi = \"x\"; subcategories = ( { id = \"t\";\n"
    "    keywords = [ \"thu tuc\" ]; } ); }\n"
    ");\n"
    "topics = (\n"
    "  { id = \"reception\"; text_vi = \"Tiep dan\";\n"
    "    ussd = \"Tiep cong dan: sang thu Ba.\"; },\n"
    "  { id = \"procedures\"; text_vi = \"Thu tuc\";\n"
    "    ussd = \"109 thu tuc.\"; },\n"
    "  { id = \"hotline\"; text_vi = \"1022\"; ussd = \"Goi 1022.\"; }\n"
    ");\n"
    "replies = { status_vi = \"{ref}: {state}\";\n"
    "    refusal_vi = \"Khong co {ref}\"; };\n"
    "ussd = { enabled = true; sms_ack = false; };\n";

static int
setup(void **state)
{
	char	 path[600], err[CONF_ERR_MAX];
	FILE	*fp;

	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/papigw.conf", tmpdir);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(conf_text, fp);
	fclose(fp);
	conf = config_load(path, NULL, 0, err, sizeof(err));
	if (conf == NULL)
		fprintf(stderr, "%s\n", err);
	unlink(path);
	rmdir(tmpdir);
	return conf != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	config_free(conf);
	return 0;
}

/* Walks a whole path from the top, as for a session not seen before. */
static struct ussd_pos *
walk(const char *path)
{
	static struct ussd_pos	pos;

	ussd_start(&pos);
	if (*path != '\0')
		ussd_walk(conf, &pos, path, strlen(path), 0);
	return &pos;
}

/* Renders pos's screen into a static buffer. */
static const char *
screen(const struct ussd_pos *pos)
{
	static char	buf[1024];

	ussd_screen(conf, pos, buf, sizeof(buf));
	return buf;
}

/*
 * ===================================================================
 * Paths
 * ===================================================================
 */

static void
test_report_path(void **state)
{
	struct ussd_pos	*p;

	(void)state;
	p = walk("");
	assert_int_equal(p->state, USSD_MAIN);
	assert_int_equal(p->hint, USSD_HINT_NONE);
	p = walk("1");
	assert_int_equal(p->state, USSD_CATEGORY);
	p = walk("1*3");
	assert_int_equal(p->state, USSD_TEXT);
	assert_int_equal(p->item, 2);
	p = walk("1*3*duong bi ngap");
	assert_int_equal(p->state, USSD_CONFIRM);
	assert_string_equal(p->text, "duong bi ngap");
	assert_int_equal(p->action, USSD_ACT_NONE);
	p = walk("1*3*duong bi ngap*1");
	assert_int_equal(p->state, USSD_CONFIRM);
	assert_int_equal(p->action, USSD_ACT_SUBMIT);
	assert_string_equal(p->text, "duong bi ngap");
	assert_int_equal(p->item, 2);
	/* Spaces around the message go. */
	p = walk("1*5*  gop y  ");
	assert_string_equal(p->text, "gop y");
	assert_int_equal(p->item, 4);
}

static void
test_status_and_info_paths(void **state)
{
	struct ussd_pos	*p;

	(void)state;
	p = walk("2");
	assert_int_equal(p->state, USSD_REF);
	p = walk("2*PA-000123");
	assert_int_equal(p->action, USSD_ACT_LOOKUP);
	assert_int_equal(p->ref, 123);
	p = walk("2*pa 45");
	assert_int_equal(p->ref, 45);
	p = walk("2*000077");
	assert_int_equal(p->action, USSD_ACT_LOOKUP);
	assert_int_equal(p->ref, 77);
	/* A lookup followed by more input found nothing. */
	p = walk("2*5*PA-6");
	assert_int_equal(p->state, USSD_REF);
	assert_int_equal(p->action, USSD_ACT_LOOKUP);
	assert_int_equal(p->ref, 6);
	p = walk("3");
	assert_int_equal(p->state, USSD_TOPICS);
	p = walk("3*2");
	assert_int_equal(p->state, USSD_TOPIC);
	assert_int_equal(p->item, 1);
	assert_string_equal(screen(p),
	    "109 thu tuc.\n0. Quay lai, 00. Trang chu");
}

static void
test_back_and_top(void **state)
{
	struct ussd_pos	*p;

	(void)state;
	assert_int_equal(walk("0")->state, USSD_MAIN);
	assert_int_equal(walk("0")->hint, USSD_HINT_NONE);
	assert_int_equal(walk("1*0")->state, USSD_MAIN);
	assert_int_equal(walk("1*2*0")->state, USSD_CATEGORY);
	assert_int_equal(walk("1*2*00")->state, USSD_MAIN);
	p = walk("1*2*abc*0");
	assert_int_equal(p->state, USSD_TEXT);
	assert_int_equal(p->item, 1);
	assert_string_equal(p->text, "");
	assert_int_equal(walk("1*2*abc*00")->state, USSD_MAIN);
	assert_int_equal(walk("2*0")->state, USSD_MAIN);
	assert_int_equal(walk("3*1*0")->state, USSD_TOPICS);
	assert_int_equal(walk("3*1*00")->state, USSD_MAIN);
	assert_int_equal(walk("3*0")->state, USSD_MAIN);
	/* Back, then on again: the walk goes on from there. */
	p = walk("1*2*0*4*moi");
	assert_int_equal(p->state, USSD_CONFIRM);
	assert_int_equal(p->item, 3);
	assert_string_equal(p->text, "moi");
	p = walk("3*1*0*0*1*1*abc");
	assert_int_equal(p->state, USSD_CONFIRM);
	assert_int_equal(p->item, 0);
}

/*
 * The message step takes the rest of the path: in a replay up to a part
 * "1", "0" or "00"; in a live session all of what was typed.
 */
static void
test_star_in_message(void **state)
{
	struct ussd_pos	*p, live;

	(void)state;
	p = walk("1*1*duong*ngo 5*ngap");
	assert_int_equal(p->state, USSD_CONFIRM);
	assert_string_equal(p->text, "duong*ngo 5*ngap");
	p = walk("1*1*a*b*1");
	assert_int_equal(p->action, USSD_ACT_SUBMIT);
	assert_string_equal(p->text, "a*b");
	p = walk("1*1*a*b*00");
	assert_int_equal(p->state, USSD_MAIN);
	p = walk("1*1*a*b*2");
	assert_int_equal(p->action, USSD_ACT_NONE);
	assert_string_equal(p->text, "a*b*2");
	/* Back from the confirmation, a new message, sent. */
	p = walk("1*1*abc*0*def*ghi*1");
	assert_int_equal(p->action, USSD_ACT_SUBMIT);
	assert_string_equal(p->text, "def*ghi");
	/* A message "1" is a message. */
	p = walk("1*1*1");
	assert_int_equal(p->state, USSD_CONFIRM);
	assert_string_equal(p->text, "1");
	p = walk("1*1*1*1");
	assert_int_equal(p->action, USSD_ACT_SUBMIT);
	assert_string_equal(p->text, "1");
	/* "*1" typed at the end of a message in a live session stays. */
	*(&live) = *walk("1*1");
	ussd_walk(conf, &live, "so 5*1", 6, 1);
	assert_int_equal(live.state, USSD_CONFIRM);
	assert_int_equal(live.action, USSD_ACT_NONE);
	assert_string_equal(live.text, "so 5*1");
	/* And the next live input answers the confirmation. */
	ussd_walk(conf, &live, "1", 1, 1);
	assert_int_equal(live.action, USSD_ACT_SUBMIT);
	assert_string_equal(live.text, "so 5*1");
	/* Several inputs at once from a live screen: read as a replay. */
	*(&live) = *walk("");
	ussd_walk(conf, &live, "1*4*abc*1", 9, 1);
	assert_int_equal(live.action, USSD_ACT_SUBMIT);
	assert_string_equal(live.text, "abc");
}

static void
test_bad_input(void **state)
{
	struct ussd_pos	*p;
	char		 path[600];
	size_t		 i;

	(void)state;
	p = walk("9");
	assert_int_equal(p->state, USSD_MAIN);
	assert_int_equal(p->hint, USSD_HINT_INVALID);
	assert_true(strncmp(screen(p), "Lua chon khong hop le.\nUBND", 27) ==
	    0);
	assert_int_equal(walk("x")->hint, USSD_HINT_INVALID);
	assert_int_equal(walk("")->hint, USSD_HINT_NONE);
	p = walk("1*6");
	assert_int_equal(p->state, USSD_CATEGORY);
	assert_int_equal(p->hint, USSD_HINT_INVALID);
	p = walk("1*01");
	assert_int_equal(p->state, USSD_TEXT);
	/* An empty message. */
	p = walk("1*1*");
	assert_int_equal(p->state, USSD_TEXT);
	assert_int_equal(p->hint, USSD_HINT_INVALID);
	p = walk("1*1*   ");
	assert_int_equal(p->hint, USSD_HINT_INVALID);
	p = walk("1*1*abc*7");
	assert_int_equal(p->state, USSD_CONFIRM);
	assert_string_equal(p->text, "abc*7");
	p = walk("2*PA-");
	assert_int_equal(p->state, USSD_REF);
	assert_int_equal(p->hint, USSD_HINT_INVALID);
	assert_int_equal(p->action, USSD_ACT_NONE);
	assert_int_equal(walk("2*1234567890")->hint, USSD_HINT_INVALID);
	assert_int_equal(walk("3*4")->hint, USSD_HINT_INVALID);
	assert_int_equal(walk("3*1*5")->hint, USSD_HINT_INVALID);
	assert_int_equal(walk("3*1*5")->state, USSD_TOPIC);
	/* A hint lasts one screen. */
	assert_int_equal(walk("9*1")->hint, USSD_HINT_NONE);

	/* Too long: cut at max_text characters, and the resident told. */
	strcpy(path, "1*2*");
	for (i = 0; i < 200; i++)
		strcat(path, "a");
	p = walk(path);
	assert_int_equal(p->state, USSD_CONFIRM);
	assert_int_equal(p->hint, USSD_HINT_CUT);
	assert_int_equal(strlen(p->text), (size_t)conf->ussd_max_text);
	assert_true(strncmp(screen(p), "Noi dung dai qua, chi giu 160 ky tu "
	    "dau.\n", 40) == 0);
	/* Characters, not bytes: 170 "đ" keep 160 of them whole. */
	strcpy(path, "1*2*");
	for (i = 0; i < 170; i++)
		strcat(path, "\xc4\x91");
	p = walk(path);
	assert_int_equal(p->hint, USSD_HINT_CUT);
	assert_int_equal(strlen(p->text), 320);
	/* Exactly max_text is not cut. */
	strcpy(path, "1*2*");
	for (i = 0; i < 160; i++)
		strcat(path, "b");
	assert_int_equal(walk(path)->hint, USSD_HINT_NONE);
}

/*
 * ===================================================================
 * Screens
 * ===================================================================
 */

static void
test_screens(void **state)
{
	struct ussd_pos	*p;
	char		 buf[400], path[400];
	size_t		 i;

	(void)state;
	assert_string_equal(screen(walk("")),
	    "UBND Phuong 7 Q.10 - Hop thu gop y\n"
	    "1. Phan anh, kien nghi\n"
	    "2. Tra cuu ho so\n"
	    "3. Thong tin");
	assert_string_equal(screen(walk("1*3")),
	    "Duong, dien, nuoc, rac: nhap noi dung phan anh, toi da 160 ky "
	    "tu:\n0. Quay lai, 00. Trang chu");
	assert_string_equal(screen(walk("1*2*Tr\xe1\xbb\x99m xe \xc4\x91\xc3"
	    "\xaam qua")),
	    "Gui phan anh An ninh trat tu:\n"
	    "Trom xe dem qua\n"
	    "1. Gui\n"
	    "0. Quay lai, 00. Trang chu");
	p = walk("2");
	p->hint = USSD_HINT_NOT_FOUND;
	p->ref = 42;
	assert_string_equal(screen(p),
	    "Khong tim thay ho so PA-000042 cua so nay.\n"
	    "Nhap ma ho so (vi du PA-000123):\n"
	    "0. Quay lai, 00. Trang chu");
	/* A long message is shown cut with "...", the screen fits. */
	strcpy(path, "1*1*");
	for (i = 0; i < 30; i++)
		strcat(path, "abcde ");
	p = walk(path);
	ussd_screen(conf, p, buf, sizeof(buf));
	assert_true(ussd_width(buf) <= USSD_SCREEN_MAX);
	assert_non_null(strstr(buf, "...\n1. Gui\n"));
	/* With the cut notice above it, still within the screen. */
	p->hint = USSD_HINT_CUT;
	ussd_screen(conf, p, buf, sizeof(buf));
	assert_true(ussd_width(buf) <= USSD_SCREEN_MAX);
	assert_non_null(strstr(buf, "...\n1. Gui\n"));
}

static void
test_end_screens(void **state)
{
	char	buf[400];

	(void)state;
	ussd_end_screen(conf, USSD_T_DONE, 17, buf, sizeof(buf));
	assert_string_equal(buf, "Da tiep nhan phan anh. Ma ho so: PA-000017. "
	    "De tra cuu, quay lai so nay va chon 2. Xin cam on!");
	ussd_end_screen(conf, USSD_T_BUSY, 0, buf, sizeof(buf));
	assert_true(strncmp(buf, "He thong dang ban", 17) == 0);
	ussd_end_screen(conf, USSD_T_EXPIRED, 0, buf, sizeof(buf));
	assert_true(strncmp(buf, "Phien lam viec da het han", 25) == 0);
}

static void
test_ascii_and_fit(void **state)
{
	char	buf[64];

	(void)state;
	ussd_ascii("\xc4\x90\xc6\xb0\xe1\xbb\x9dng b\xe1\xbb\x8b "
	    "ng\xe1\xba\xadp", buf, sizeof(buf));
	assert_string_equal(buf, "Duong bi ngap");
	/* NFD: combining marks go too. */
	ussd_ascii("Vie\xcc\xa3\xcc\x82t", buf, sizeof(buf));
	assert_string_equal(buf, "Viet");
	ussd_ascii("a\nb\tc`d", buf, sizeof(buf));
	assert_string_equal(buf, "a b c'd");
	ussd_ascii("ok \xf0\x9f\x98\x80!", buf, sizeof(buf));
	assert_string_equal(buf, "ok ?!");
	ussd_ascii("bad \xff byte", buf, sizeof(buf));
	assert_int_equal(strlen(buf), strlen("bad ? byte"));
	assert_int_equal(ussd_ascii("abcdef", buf, 4), 3);
	assert_string_equal(buf, "abc");

	assert_int_equal(ussd_width("abc"), 3);
	assert_int_equal(ussd_width("a[b]"), 6);
	assert_int_equal(ussd_width("{x}|~^\\"), 13);

	assert_int_equal(ussd_fit("hello world", 20, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "hello world");
	ussd_fit("hello world", 9, buf, sizeof(buf));
	assert_string_equal(buf, "hello...");
	ussd_fit("hello world", 3, buf, sizeof(buf));
	assert_string_equal(buf, "hel");
}

/*
 * ===================================================================
 * The loader's check
 * ===================================================================
 */

static void
set_text(enum ussd_text t, const char *v)
{
	free(conf->ussd_texts[t]);
	conf->ussd_texts[t] = xstrdup(v);
}

static int
check(char *key, int *elem, char *err)
{
	return ussd_check(conf, key, 64, elem, err, 512);
}

static void
test_check(void **state)
{
	char	 key[64], err[512], longer[300], *saved;
	int	 elem;
	size_t	 n;

	(void)state;
	assert_int_equal(check(key, &elem, err), 0);

	/* A title that makes the main menu longer than 182. */
	saved = xstrdup(conf->ussd_texts[USSD_T_TITLE]);
	memset(longer, 'x', 150);
	longer[150] = '\0';
	set_text(USSD_T_TITLE, longer);
	assert_int_equal(check(key, &elem, err), -1);
	assert_string_equal(key, "title");
	assert_int_equal(elem, -1);
	assert_non_null(strstr(err, "more than the 182"));
	/* 182 exactly without the hint line, but the hint counts too. */
	longer[182 - 55] = '\0';
	set_text(USSD_T_TITLE, longer);
	assert_int_equal(check(key, &elem, err), -1);
	assert_non_null(strstr(err, "'invalid'"));
	set_text(USSD_T_TITLE, saved);
	free(saved);
	assert_int_equal(check(key, &elem, err), 0);

	/* Diacritics, unknown and misplaced variables. */
	saved = xstrdup(conf->ussd_texts[USSD_T_NAV]);
	set_text(USSD_T_NAV, "0. Quay l\xe1\xba\xa1i");
	assert_int_equal(check(key, &elem, err), -1);
	assert_string_equal(key, "nav");
	assert_non_null(strstr(err, "not plain ASCII"));
	set_text(USSD_T_NAV, "0. Back {ref}");
	assert_int_equal(check(key, &elem, err), -1);
	assert_non_null(strstr(err, "{ref} cannot be used here"));
	set_text(USSD_T_NAV, "0. Back {hotline}");
	assert_int_equal(check(key, &elem, err), 0);
	set_text(USSD_T_NAV, saved);
	free(saved);
	saved = xstrdup(conf->ussd_texts[USSD_T_DONE]);
	set_text(USSD_T_DONE, "Cam on!");
	assert_int_equal(check(key, &elem, err), -1);
	assert_string_equal(key, "done");
	set_text(USSD_T_DONE, saved);
	free(saved);

	/* The confirmation screen must leave room for the message. */
	saved = xstrdup(conf->ussd_texts[USSD_T_CONFIRM]);
	memset(longer, 'y', 120);
	longer[120] = '\0';
	set_text(USSD_T_CONFIRM, longer);
	assert_int_equal(check(key, &elem, err), -1);
	assert_string_equal(key, "confirm");
	assert_non_null(strstr(err, "characters of the message"));
	set_text(USSD_T_CONFIRM, saved);
	free(saved);

	/* A menu entry that is not an action; a category that is none. */
	copy_str(conf->ussd_menu[1].id, sizeof(conf->ussd_menu[1].id), "x");
	assert_int_equal(check(key, &elem, err), -1);
	assert_string_equal(key, "menu");
	assert_int_equal(elem, 1);
	copy_str(conf->ussd_menu[1].id, sizeof(conf->ussd_menu[1].id),
	    "status");
	copy_str(conf->ussd_categories[2].id,
	    sizeof(conf->ussd_categories[2].id), "nope");
	assert_int_equal(check(key, &elem, err), -1);
	assert_string_equal(key, "report_categories");
	assert_int_equal(elem, 2);
	copy_str(conf->ussd_categories[2].id,
	    sizeof(conf->ussd_categories[2].id), "infrastructure");
	/* A long label makes the category screen too long. */
	saved = conf->ussd_categories[0].label;
	conf->ussd_categories[0].label = xstrdup("A label of sixty characters "
	    "that goes on and on and on");
	assert_int_equal(check(key, &elem, err), -1);
	assert_string_equal(key, "report_prompt");
	free(conf->ussd_categories[0].label);
	conf->ussd_categories[0].label = saved;
	/* Without a channel, sms_ack cannot send anything. */
	conf->ussd_sms_ack = 1;
	assert_int_equal(check(key, &elem, err), -1);
	assert_string_equal(key, "sms_ack");
	conf->ussd_sms_ack = 0;
	/* Disabled: what the menu names is not looked for. */
	n = conf->ntopics;
	conf->ntopics = 0;
	assert_int_equal(check(key, &elem, err), -1);
	assert_string_equal(key, "info_topics");
	conf->ussd_enabled = 0;
	assert_int_equal(check(key, &elem, err), 0);
	conf->ussd_enabled = 1;
	conf->ntopics = n;
	assert_int_equal(check(key, &elem, err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_path),
		cmocka_unit_test(test_status_and_info_paths),
		cmocka_unit_test(test_back_and_top),
		cmocka_unit_test(test_star_in_message),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_screens),
		cmocka_unit_test(test_end_screens),
		cmocka_unit_test(test_ascii_and_fit),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
