/*
 * test_ingest.c: unit tests of the pure parts of the inbound side: the
 * Twilio and Vonage signatures, form decoding, SMS encodings and segment
 * counts, reply templates, quoted references, deadlines and the guard on
 * automatic replies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/sms.h"
#include "conf/config.h"
#include "domain/calendar.h"
#include "domain/ref.h"
#include "core/ingest.h"
#include "core/reply.h"
#include "chan/http.h"
#include "chan/sig.h"
#include "base/util.h"

static void
set(struct http_param *p, const char *k, const char *v)
{
	p->key = (char *)k;
	p->val = (char *)v;
	p->vlen = strlen(v);
}

/* The test vector of providers.md (Twilio's own documentation). */
static void
test_twilio_vector(void **state)
{
	struct http_param	p[5];
	char			out[64];
	const char		*url = "https://mycompany.com/myapp.php?foo=1&bar=2";

	(void)state;
	/* Deliberately not in sorted order. */
	set(&p[0], "To", "+18005551212");
	set(&p[1], "CallSid", "CA1234567890ABCDE");
	set(&p[2], "From", "+12349013030");
	set(&p[3], "Digits", "1234");
	set(&p[4], "Caller", "+12349013030");
	assert_int_equal(sig_twilio("12345", url, p, 5, out), 0);
	assert_string_equal(out, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
	assert_true(sig_twilio_check("12345", url, p, 5,
	    "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	/* The SDKs accept the URL with the default port added. */
	assert_true(sig_twilio_check("12345",
	    "https://mycompany.com:443/myapp.php?foo=1&bar=2", p, 5,
	    "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	/* A wrong token, a changed value, a truncated signature. */
	assert_false(sig_twilio_check("12346", url, p, 5,
	    "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	set(&p[3], "Digits", "1235");
	assert_false(sig_twilio_check("12345", url, p, 5,
	    "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	set(&p[3], "Digits", "1234");
	assert_false(sig_twilio_check("12345", url, p, 5,
	    "0/KCTR6DLpKmkAf8muzZqo1nDg"));
	assert_false(sig_twilio_check("12345", url, p, 5, NULL));
	assert_false(sig_twilio_check("", url, p, 5,
	    "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
}

static void
test_vonage_sig(void **state)
{
	struct http_param	p[4];
	unsigned char		md[EVP_MAX_MD_SIZE];
	unsigned int		mdlen, i;
	char			hex[2 * EVP_MAX_MD_SIZE + 1];
	const char		*text = "&msisdn=84912345678&text=a_b_c"
	    "&timestamp=1700000000secret";

	(void)state;
	/* md5hash of the sorted "&k=v" text, '&' and '=' in values as '_'. */
	EVP_Digest(text, strlen(text), md, &mdlen, EVP_md5(), NULL);
	for (i = 0; i < mdlen; i++)
		sprintf(hex + 2 * i, "%02X", md[i]);
	set(&p[0], "text", "a&b=c");
	set(&p[1], "timestamp", "1700000000");
	set(&p[2], "sig", hex);
	set(&p[3], "msisdn", "84912345678");
	assert_true(sig_vonage_check("secret", p, 4, hex));
	assert_false(sig_vonage_check("secret2", p, 4, hex));
	set(&p[0], "text", "a&b=d");
	assert_false(sig_vonage_check("secret", p, 4, hex));
}

static void
test_form_decode(void **state)
{
	char	s[64];

	(void)state;
	strcpy(s, "a+b%20c%2Bd%e1%BA%A1%");
	assert_int_equal(http_form_decode(s, strlen(s)), 11);
	assert_string_equal(s, "a b c+d\xe1\xba\xa1%");
	strcpy(s, "%zz%4");
	assert_int_equal(http_form_decode(s, strlen(s)), 5);
	assert_string_equal(s, "%zz%4");
}

static void
test_hex(void **state)
{
	unsigned char	b[4];

	(void)state;
	assert_int_equal(hex_value('0', 0), 0);
	assert_int_equal(hex_value('f', 1), 15);
	assert_int_equal(hex_value('F', 0), 15);
	assert_int_equal(hex_value('F', 1), -1);
	assert_int_equal(hex_value('g', 0), -1);
	assert_int_equal(hex_value('/', 0), -1);
	assert_int_equal(hex_decode("00a1Ff", 6, b, 0), 0);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(b[1], 0xa1);
	assert_int_equal(b[2], 0xff);
	assert_int_equal(hex_decode("00a1Ff", 6, b, 1), -1);
	assert_int_equal(hex_decode("00a", 3, b, 0), -1);
	assert_int_equal(hex_decode("0x", 2, b, 0), -1);
}

static void
test_sms(void **state)
{
	char	long7[400], longu[200];

	(void)state;
	assert_true(sms_is_gsm7("Da nhan phan anh PA-000123 {ok}"));
	assert_true(sms_is_gsm7("àèéìòù É"));
	assert_false(sms_is_gsm7("Đã nhận"));
	assert_false(sms_is_gsm7("ơ"));
	assert_int_equal(sms_segments(""), 1);
	memset(long7, 'a', 160);
	long7[160] = '\0';
	assert_int_equal(sms_segments(long7), 1);
	long7[160] = 'a';
	long7[161] = '\0';
	assert_int_equal(sms_segments(long7), 2);
	/* 153 per part: 306 fits two parts, 307 needs three. */
	memset(long7, 'a', 306);
	long7[306] = '\0';
	assert_int_equal(sms_segments(long7), 2);
	/* An extension character is two septets and never split. */
	memset(long7, 'a', 152);
	long7[152] = '{';
	memset(long7 + 153, 'a', 10);
	long7[163] = '\0';
	assert_int_equal(sms_segments(long7), 2);
	memset(long7, 'a', 159);
	strcpy(long7 + 159, "{");
	assert_int_equal(sms_segments(long7), 2);
	/* UCS-2: 70 in one, 67 per part. */
	strcpy(longu, "đ");
	memset(longu + 2, 'a', 69);
	longu[71] = '\0';
	assert_int_equal(sms_segments(longu), 1);
	longu[71] = 'a';
	longu[72] = '\0';
	assert_int_equal(sms_segments(longu), 2);
}

static void
test_render(void **state)
{
	struct render_vars	v = { "PA-000007", "An ninh", "04/12/2026",
	    "Phường 7", "7g30-11g30", "1022", NULL, NULL };
	char			buf[256], small[12];

	(void)state;
	reply_render(buf, sizeof(buf), "{ward}: mã {ref}, hạn {deadline} "
	    "({category}; {hours}; {hotline}) {other}", &v);
	assert_string_equal(buf, "Phường 7: mã PA-000007, hạn 04/12/2026 "
	    "(An ninh; 7g30-11g30; 1022) {other}");
	/* Cut on a UTF-8 boundary: "Phường" does not fit whole. */
	reply_render(small, sizeof(small), "{ward}", &v);
	assert_string_equal(small, "Phường 7");
	reply_render(small, 7, "{ward}", &v);
	assert_string_equal(small, "Phư");
}

static void
test_find_ref(void **state)
{
	(void)state;
	assert_int_equal(ref_find("PA", "PA-000123 van chua sua"), 123);
	assert_int_equal(ref_find("PA", "ma so pa 45 roi"), 45);
	assert_int_equal(ref_find("PA", "xem PA7 giup"), 7);
	assert_int_equal(ref_find("PA", "CAPA-12"), 0);
	assert_int_equal(ref_find("PA", "PA-12x"), 0);
	assert_int_equal(ref_find("PA", "PA-"), 0);
	assert_int_equal(ref_find("PA", "PA-0000000000001"), 0);
	assert_int_equal(ref_find("PA", "không có mã"), 0);
}

static void
test_deadline(void **state)
{
	struct config	conf;	/* no holidays: Monday to Friday */
	struct tm	tm;
	time_t		t;

	(void)state;
	memset(&conf, 0, sizeof(conf));
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	/* Friday 2026-11-27 10:00: 5 working days is Friday 2026-12-04. */
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 126;
	tm.tm_mon = 10;
	tm.tm_mday = 27;
	tm.tm_hour = 10;
	tm.tm_isdst = -1;
	t = (time_t)calendar_deadline(&conf, (int64_t)mktime(&tm), 5);
	localtime_r(&t, &tm);
	assert_int_equal(tm.tm_mday, 4);
	assert_int_equal(tm.tm_mon, 11);
	assert_int_equal(tm.tm_hour, 23);
	/* 1 working day from a Friday is the Monday. */
	tm.tm_year = 126;
	tm.tm_mon = 10;
	tm.tm_mday = 27;
	tm.tm_hour = 10;
	tm.tm_isdst = -1;
	t = (time_t)calendar_deadline(&conf, (int64_t)mktime(&tm), 1);
	localtime_r(&t, &tm);
	assert_int_equal(tm.tm_mday, 30);
	assert_int_equal(tm.tm_wday, 1);
}

static void
test_may_reply(void **state)
{
	struct channel	ch;
	struct config	conf;

	(void)state;
	memset(&conf, 0, sizeof(conf));
	memset(&ch, 0, sizeof(ch));
	ch.number = "+84900000001";
	conf.channels = &ch;
	conf.nchannels = 1;
	assert_true(reply_may_reply(&conf, "+84912345678"));
	assert_true(reply_may_reply(&conf, "0912345678"));
	assert_false(reply_may_reply(&conf, "1022"));
	assert_false(reply_may_reply(&conf, "VIETTEL"));
	assert_false(reply_may_reply(&conf, "+84900000001"));
	assert_false(reply_may_reply(&conf, "+8491234a678"));
	/* The gateway's own number written another way. */
	assert_false(reply_may_reply(&conf, "0900000001"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twilio_vector),
		cmocka_unit_test(test_vonage_sig),
		cmocka_unit_test(test_form_decode),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_sms),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_find_ref),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_may_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
