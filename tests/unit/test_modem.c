/*
 * test_modem.c: unit tests of the modem set's life cycle without a
 * gateway: a modem whose device is missing is shown as down with the
 * reason in the health lines and the metrics, keeps retrying, goes away
 * when a reload disables it, and stops and frees cleanly (the sanitizer
 * build checks the threads, locks and memory).  Reading and sending are
 * tested against the real daemon and Gammu's dummy phone (t3000).
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

#include "base/util.h"
#include "conf/config.h"
#include "chan/modem.h"
#include "daemon/loop.h"

/* modem.c links gateway.c, which needs papigwd.c's main loop: stubs. */
int
daemon_watch(int fd, void (*cb)(int, void *), void *arg)
{
	(void)fd;
	(void)cb;
	(void)arg;
	return 0;
}

void
daemon_unwatch(int fd)
{
	(void)fd;
}

static struct config *
load(const char *enabled)
{
	char		 err[CONF_ERR_MAX];
	char		*ovr[3];
	struct config	*c;

	ovr[0] = "channels.modem.device=/nonexistent/papigw/ttyUSB9";
	ovr[1] = (char *)enabled;
	c = config_load(SRCDIR "/conf/papigw.conf", ovr, 2, err,
	    sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

/* Waits up to 5 s for the first modem to be down with a reason. */
static int
wait_down(struct modems *set, struct modem_status *st)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	int		 i;

	for (i = 0; i < 250; i++) {
		if (modems_status(set, st, 1) == 1 &&
		    st->state == MODEM_DOWN && st->error[0] != '\0')
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

static void
test_missing_device(void **state)
{
	struct config		*c = load("channels.modem.enabled=true");
	struct modems		*set;
	struct modem_status	 st;
	char			 why[512];
	char			*text;
	size_t			 len;

	(void)state;
	set = modems_start(NULL, c);
	assert_true(wait_down(set, &st));
	assert_string_equal(st.channel, "modem");
	assert_non_null(strstr(st.error, "cannot connect to "
	    "/nonexistent/papigw/ttyUSB9: DEVICENOTEXIST"));
	assert_int_equal(st.signal, -1);
	assert_int_equal(st.battery, -1);
	assert_string_equal(st.network, "unknown");
	assert_int_equal(st.last_received, 0);

	why[0] = '\0';
	assert_int_equal(modems_health(set, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "channel modem: modem not running "
	    "(down: cannot connect"));
	assert_int_equal(why[strlen(why) - 1], '\n');

	/* A health text that is too small is cut, not overrun. */
	why[0] = '\0';
	assert_int_equal(modems_health(set, why, 16), 1);
	assert_true(strlen(why) < 16);

	text = xstrdup("# before\n");
	len = strlen(text);
	text = modems_metrics(set, text, &len);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "# before\n"));
	assert_non_null(strstr(text, "papigw_modem_up{channel=\"modem\"} 0\n"));
	assert_non_null(strstr(text,
	    "papigw_modem_signal_percent{channel=\"modem\"} -1\n"));
	free(text);

	/* Disabled by a reload: gone from health and metrics. */
	config_unref(c);
	c = load("channels.modem.enabled=false");
	modems_reload(set, c);
	assert_int_equal(modems_status(set, &st, 1), 0);
	why[0] = '\0';
	assert_int_equal(modems_health(set, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	text = xstrdup("");
	len = 0;
	text = modems_metrics(set, text, &len);
	assert_int_equal(len, 0);
	free(text);

	/* Enabled again: retrying again. */
	config_unref(c);
	c = load("channels.modem.enabled=true");
	modems_reload(set, c);
	assert_true(wait_down(set, &st));

	modems_stop(set);
	modems_free(set);
	config_unref(c);
}

static void
test_state_names(void **state)
{
	(void)state;
	assert_string_equal(modem_state_name(MODEM_UP), "up");
	assert_string_equal(modem_state_name(MODEM_CONNECTING), "connecting");
	assert_string_equal(modem_state_name(MODEM_DOWN), "down");
	/* NULL sets are fine where the gateway has none. */
	assert_int_equal(modems_status(NULL, NULL, 0), 0);
	modems_stop(NULL);
	modems_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_device),
		cmocka_unit_test(test_state_names),
	};

	modem_init_locales();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
