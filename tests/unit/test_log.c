/*
 * test_log.c: what the log writes: a quoted field cannot start a line of
 * its own (a newline and "<0>" would be an emergency in the journal), and
 * a line that repeats is written once, then counted.
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

static char	path[] = "/tmp/papigw-test-log.XXXXXX";
static int	saved_stderr = -1;

/* What the log wrote to stderr since the last call. */
static char *
written(void)
{
	static long	 seen;
	FILE		*fp;
	char		*buf;
	long		 len;

	fflush(stderr);
	assert_non_null(fp = fopen(path, "r"));
	fseek(fp, 0, SEEK_END);
	len = ftell(fp) - seen;
	fseek(fp, seen, SEEK_SET);
	assert_non_null(buf = calloc(1, (size_t)len + 1));
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	seen += len;
	return buf;
}

static int
setup(void **state)
{
	int	fd;

	(void)state;
	fflush(stderr);
	if ((saved_stderr = dup(2)) == -1 || (fd = mkstemp(path)) == -1 ||
	    dup2(fd, 2) == -1)
		return -1;
	close(fd);
	log_init(1, LOG_LVL_INFO);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	unlink(path);
	return 0;
}

static int
lines(const char *s)
{
	int	n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_escape(void **state)
{
	char	*out;

	(void)state;
	log_warnx("vonage: concat-ref %s", "abc\n<0>forged\x7f");
	out = written();
	assert_int_equal(lines(out), 1);
	assert_string_equal(out, "<4>vonage: concat-ref abc\\x0a<0>forged"
	    "\\x7f\n");
	free(out);
	/* UTF-8 is left as it is. */
	log_warnx("tên %s", "Đường");
	out = written();
	assert_string_equal(out, "<4>tên Đường\n");
	free(out);
}

static void
test_repeats(void **state)
{
	char	*out;
	int	 i;

	(void)state;
	for (i = 0; i < 5; i++)
		log_warnx("modem: location %d cannot be read", 17);
	log_warnx("modem: location %d cannot be read", 18);
	log_notice("modem: location %d cannot be read", 17);
	out = written();
	/* The first of five, the other location, the other level. */
	assert_int_equal(lines(out), 3);
	assert_string_equal(out,
	    "<4>modem: location 17 cannot be read\n"
	    "<4>modem: location 18 cannot be read\n"
	    "<5>modem: location 17 cannot be read\n");
	free(out);
	/* Within the minute, log_flush() has nothing to say yet. */
	log_flush();
	out = written();
	assert_string_equal(out, "");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_repeats),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
