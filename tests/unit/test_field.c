/*
 * test_field.c: unit tests of what the edge takes from outside: the rules
 * for senders, recipients and message ids (domain/field.c), the networks
 * of the channels' allow-lists (base/netmask.c), and the shared secrets
 * of generic and Africa's Talking channels (chan/sig.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string.h>

#include "base/netmask.h"
#include "domain/field.h"
#include "chan/sig.h"

/* The verdict on s: its kind, or -1 when refused. */
static int
kind_of(const char *s)
{
	enum field_address	kind;

	return field_address(s, strlen(s), &kind) == NULL ? (int)kind : -1;
}

static void
test_addresses(void **state)
{
	enum field_address	 kind;
	char			 many[5001];

	(void)state;
	assert_int_equal(kind_of("+84901234567"), FIELD_NUMBER);
	assert_int_equal(kind_of("0901234567"), FIELD_NUMBER);
	assert_int_equal(kind_of("84901234567"), FIELD_NUMBER);
	assert_int_equal(kind_of("+123456789012345"), FIELD_NUMBER);
	assert_int_equal(kind_of("1022"), FIELD_SHORT);
	assert_int_equal(kind_of("8088"), FIELD_SHORT);
	assert_int_equal(kind_of("VIETTEL"), FIELD_ALPHA);
	assert_int_equal(kind_of("Vinaphone"), FIELD_ALPHA);
	assert_int_equal(kind_of("8x8"), FIELD_ALPHA);
	assert_int_equal(kind_of("MY BANK"), FIELD_ALPHA);
	/* Refused, with the reason. */
	assert_int_equal(kind_of("-1"), -1);
	assert_int_equal(kind_of("12"), -1);
	assert_int_equal(kind_of("+1234567890123456"), -1);
	assert_int_equal(kind_of("+84 90"), -1);
	assert_int_equal(kind_of("+VIETTEL"), -1);
	assert_int_equal(kind_of("NGAN HANG ABC"), -1);
	assert_int_equal(kind_of(" VIETTEL"), -1);
	assert_int_equal(kind_of("Nguyễn"), -1);
	assert_int_equal(kind_of(""), -1);
	memset(many, '1', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	assert_string_equal(field_address(many, strlen(many), &kind),
	    "has more than 15 digits (E.164)");
	assert_string_equal(field_address("+8490\xff", 6, &kind),
	    "is not valid UTF-8");
	assert_string_equal(field_address("+8490\0x", 7, &kind),
	    "holds a control character");
	assert_string_equal(field_address("VIET\nTEL", 8, &kind),
	    "holds a control character");
}

/* The E.164 form of s with the country "84", or "(error)". */
static const char *
e164(const char *s, char *buf, size_t bufsz)
{
	return field_e164(s, "84", buf, bufsz) == -1 ? "(error)" : buf;
}

static void
test_e164(void **state)
{
	char	b[FIELD_E164_SIZE];

	(void)state;
	/* One phone, written as each channel writes it. */
	assert_string_equal(e164("+84901110004", b, sizeof(b)),
	    "+84901110004");
	assert_int_equal(field_e164("+84901110004", "84", b, sizeof(b)), 0);
	assert_string_equal(e164("84901110004", b, sizeof(b)), "+84901110004");
	assert_int_equal(field_e164("84901110004", "84", b, sizeof(b)), 1);
	assert_string_equal(e164("0901110004", b, sizeof(b)), "+84901110004");
	assert_string_equal(e164("0084901110004", b, sizeof(b)),
	    "+84901110004");
	assert_string_equal(e164("+840901110004", b, sizeof(b)),
	    "+84901110004");
	/* A national 084 number is not the country code. */
	assert_string_equal(e164("0841234567", b, sizeof(b)), "+84841234567");
	/* The 2018 renumbering: 0162 became 032, 0120 070, 0199 059. */
	assert_string_equal(e164("01621234567", b, sizeof(b)), "+84321234567");
	assert_string_equal(e164("+841201234567", b, sizeof(b)),
	    "+84701234567");
	assert_string_equal(e164("841991234567", b, sizeof(b)),
	    "+84591234567");
	/* A landline of HCMC (028 + 8 digits) is already 10 digits. */
	assert_string_equal(e164("02838123456", b, sizeof(b)),
	    "+842838123456");
	/* Other countries stay as they are. */
	assert_string_equal(e164("+14155550100", b, sizeof(b)),
	    "+14155550100");
	assert_string_equal(e164("0014155550100", b, sizeof(b)),
	    "+14155550100");
	/* Short codes, alphanumeric senders, unknown forms: unchanged. */
	assert_string_equal(e164("1022", b, sizeof(b)), "1022");
	assert_string_equal(e164("VIETTEL", b, sizeof(b)), "VIETTEL");
	assert_string_equal(e164("14155550100", b, sizeof(b)), "14155550100");
	assert_int_equal(field_e164("1022", "84", b, sizeof(b)), 0);
	/* Too small a buffer is an error, never a cut number. */
	assert_int_equal(field_e164("0901110004", "84", b, 8), -1);
	/* Another country's national numbers. */
	assert_int_equal(field_e164("0612345678", "33", b, sizeof(b)), 1);
	assert_string_equal(b, "+33612345678");
}

static void
test_ids(void **state)
{
	char	id[130];

	(void)state;
	assert_null(field_id("SM0123456789abcdef", 18));
	assert_null(field_id("ATXid_1 2", 9));
	assert_string_equal(field_id("\0abc", 4),
	    "holds a byte that is not printable ASCII");
	assert_string_equal(field_id("a\nb", 3),
	    "holds a byte that is not printable ASCII");
	assert_string_equal(field_id("é", 2),
	    "holds a byte that is not printable ASCII");
	memset(id, 'x', sizeof(id));
	assert_null(field_id(id, FIELD_ID_MAX));
	assert_string_equal(field_id(id, FIELD_ID_MAX + 1),
	    "is longer than 128 bytes");
	assert_string_equal(field_id("", 0), "is empty");
}

/* Whether the IPv4 or IPv6 address a is in the networks nets. */
static int
in(const char *a, const char *const *nets, size_t n)
{
	struct netmask		nm[8];
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	size_t			i;

	for (i = 0; i < n; i++)
		assert_int_equal(netmask_parse(nets[i], &nm[i]), 0);
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, a, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		return netmask_match(nm, n, (struct sockaddr *)&sin);
	}
	assert_int_equal(inet_pton(AF_INET6, a, &sin6.sin6_addr), 1);
	sin6.sin6_family = AF_INET6;
	return netmask_match(nm, n, (struct sockaddr *)&sin6);
}

static void
test_netmasks(void **state)
{
	static const char *const nets[] = { "10.0.0.0/8", "192.0.2.7",
	    "2001:db8::/32", "198.51.100.0/25" };
	struct netmask	nm;

	(void)state;
	assert_true(in("10.1.2.3", nets, 4));
	assert_true(in("192.0.2.7", nets, 4));
	assert_false(in("192.0.2.8", nets, 4));
	assert_true(in("198.51.100.127", nets, 4));
	assert_false(in("198.51.100.128", nets, 4));
	assert_true(in("2001:db8:1::5", nets, 4));
	assert_false(in("2001:db9::5", nets, 4));
	/* An IPv4 client of an IPv6 listener. */
	assert_true(in("::ffff:10.9.9.9", nets, 4));
	assert_false(in("::ffff:11.9.9.9", nets, 4));
	assert_false(in("11.0.0.1", nets, 0));
	assert_int_equal(netmask_parse("10.0.0.0/33", &nm), -1);
	assert_int_equal(netmask_parse("::/129", &nm), -1);
	assert_int_equal(netmask_parse("10.0.0", &nm), -1);
	assert_int_equal(netmask_parse("gateway.example.org", &nm), -1);
	assert_int_equal(netmask_parse("10.0.0.0/x", &nm), -1);
	assert_int_equal(netmask_parse("0.0.0.0/0", &nm), 0);
}

static void
test_secrets(void **state)
{
	(void)state;
	assert_true(sig_secret_equal("s3cret", 6, "s3cret"));
	assert_false(sig_secret_equal("s3cre", 5, "s3cret"));
	assert_false(sig_secret_equal("s3cret\0", 7, "s3cret"));
	assert_false(sig_secret_equal("", 0, ""));
	assert_false(sig_secret_equal(NULL, 0, "s3cret"));
	/* papigw:s3cret, papigw:s3crex, admin:s3cret, papigw:a:b */
	assert_true(sig_basic_check("papigw", "s3cret",
	    "Basic cGFwaWd3OnMzY3JldA=="));
	assert_true(sig_basic_check("papigw", "s3cret",
	    "basic  cGFwaWd3OnMzY3JldA=="));
	assert_false(sig_basic_check("papigw", "s3cret",
	    "Basic cGFwaWd3OnMzY3JleA=="));
	assert_false(sig_basic_check("papigw", "s3cret",
	    "Basic YWRtaW46czNjcmV0"));
	assert_true(sig_basic_check("papigw", "a:b", "Basic cGFwaWd3OmE6Yg=="));
	assert_false(sig_basic_check("papigw", "s3cret", "Bearer x"));
	assert_false(sig_basic_check("papigw", "s3cret", "Basic !!!!"));
	assert_false(sig_basic_check("papigw", "s3cret", "Basic "));
	assert_false(sig_basic_check("papigw", "s3cret", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_e164),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_netmasks),
		cmocka_unit_test(test_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
