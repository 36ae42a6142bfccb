/*
 * test_modem.c: unit tests of the modem set's life cycle without a
 * daemon: a modem whose device is missing is shown as down with the
 * reason in the health lines and the metrics, keeps retrying, goes away
 * when a reload disables it, and stops and frees cleanly (the sanitizer
 * build checks the threads, locks and memory).  Reading and sending are
 * tested against the real daemon and Gammu's dummy phone (t3000).  And
 * the parts that the outbox counts for a text are the parts libGammu
 * makes of it.
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

#include <gammu.h>

#include "base/strbuf.h"
#include "base/util.h"
#include "text/sms.h"
#include "conf/config.h"
#include "chan/modem.h"

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
	struct strbuf		 sb = STRBUF_INIT;

	(void)state;
	set = modems_start(NULL, NULL, c);
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

	strbuf_adds(&sb, "# before\n");
	modems_metrics(set, &sb);
	assert_int_equal(strlen(sb.buf), sb.len);
	assert_non_null(strstr(sb.buf, "# before\n"));
	assert_non_null(strstr(sb.buf,
	    "papigw_modem_up{channel=\"modem\"} 0\n"));
	assert_non_null(strstr(sb.buf,
	    "papigw_modem_signal_percent{channel=\"modem\"} -1\n"));
	strbuf_free(&sb);

	/* Disabled by a reload: gone from health and metrics. */
	config_unref(c);
	c = load("channels.modem.enabled=false");
	modems_reload(set, c);
	assert_int_equal(modems_status(set, &st, 1), 0);
	why[0] = '\0';
	assert_int_equal(modems_health(set, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	modems_metrics(set, &sb);
	assert_int_equal(sb.len, 0);
	strbuf_free(&sb);

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

/* The parts libGammu's encoder makes of text, as the modem sends it. */
static int
gammu_parts(const char *text)
{
	GSM_MultiPartSMSInfo	 info;
	GSM_MultiSMSMessage	*out = calloc(1, sizeof(*out));
	unsigned char		*ubuf;
	size_t			 len = strlen(text);
	int			 n;

	assert_non_null(out);
	ubuf = calloc(2, (len + 2) * 2);
	assert_non_null(ubuf);
	DecodeUTF8(ubuf, text, len);
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.UnicodeCoding = sms_is_gsm7(text) ? FALSE : TRUE;
	info.Class = -1;
	info.Entries[0].ID = SMS_ConcatenatedTextLong;
	info.Entries[0].Buffer = ubuf;
	assert_int_equal(GSM_EncodeMultiPartSMS(NULL, &info, out), ERR_NONE);
	n = out->Number;
	free(ubuf);
	free(out);
	return n;
}

/*
 * The outbox counts parts with text/sms.c and the modem sends them with
 * libGammu's encoder: both must agree, at every boundary (160 and 153
 * septets, extension characters that take two, 70 and 67 UCS-2 units).
 */
static void
test_parts_agree(void **state)
{
	static const char *const pieces[] = { "a", "{", "\u20ac", "\u0111",
	    "\u1ea1" };
	char	text[1200];
	size_t	p, n, o, i;

	(void)state;
	for (p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++)
		for (n = 1; n <= 330; n++) {
			/* n characters: the piece last, after 'x's. */
			for (o = 0, i = 0; i + 1 < n; i++)
				text[o++] = 'x';
			memcpy(text + o, pieces[p], strlen(pieces[p]));
			text[o + strlen(pieces[p])] = '\0';
			if (sms_segments(text) != gammu_parts(text))
				fail_msg("%zu characters ending in piece %zu: "
				    "sms.c counts %d parts, libGammu %d", n, p,
				    sms_segments(text), gammu_parts(text));
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_device),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_parts_agree),
	};

	modem_init_locales();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
