/*
 * papigwd.c: the gateway daemon's main: options, start-up, the main loop,
 * signals, configuration reloads and an orderly shutdown.
 *
 * The main thread owns the configuration and the event loop (loop.c),
 * which waits on a signalfd (SIGTERM, SIGINT, SIGHUP), a timerfd that
 * ticks the systemd watchdog and the daemon's timers, and the descriptors
 * the gateway's parts register.  Work that blocks (the store's writer,
 * HTTP requests, modems) runs on those parts' own threads.
 *
 * Under systemd (Type=notify) it says READY=1 once it serves, WATCHDOG=1 on
 * every tick, RELOADING=1/READY=1 around a reload and STOPPING=1 when it
 * shuts down.
 */
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "base/version.h"
#include "conf/config.h"
#include "domain/classifier.h"
#include "core/reply.h"
#include "domain/ussd_menu.h"
#include "chan/modem.h"
#include "daemon/control.h"
#include "daemon/gateway.h"
#include "daemon/loop.h"

#define TICK_MSEC	1000	/* milliseconds between timer ticks */

static struct {
	struct config	 *conf;		/* what the main thread runs on */
	struct config	 *boot;		/* what the gateway started with */
	struct gateway	 *gw;
	int		  sigfd;
	int		  timerfd;
	uint64_t	  watchdog_usec;	/* 0: no watchdog */
	char		**overrides;
	size_t		  noverrides;
	const char	 *conf_path;
} d;

/*
 * The synopsis: syntax, the same in every language (as papictl's usage
 * lines), and papigwd(8)'s word for word.
 */
static const char synopsis[] =
    "usage: papigwd [-dn] [-c file] [-o key=value]\n"
    "       papigwd --version | --help\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(synopsis, stderr);
	exit(2);
}

/*
 * --help: the synopsis, then what papigwd is and its options, in the
 * language of the locale (in 80 columns).
 */
static void
help(void)
{
	fputs(synopsis, stdout);
	printf("\n%s\n\n", _("SMS/USSD citizen-feedback gateway daemon."));
	printf("  %-13s %s\n", "-d",
	    _("stay in the foreground and log to stderr"));
	printf("  %-13s %s\n", "-n", _("check the configuration and exit"));
	printf("  %-13s ", "-c file");
	printf(_("configuration file (default %s)"), PAPIGW_CONF_DEFAULT);
	printf("\n  %-13s %s\n", "-o key=value",
	    _("override a setting by its path, after the file; repeatable"));
	printf("  %-13s %s\n", "--version", _("print the version and exit"));
	printf("  %-13s %s\n", "--help", _("print this help and exit"));
	printf("\n%s\n", _("See papigwd(8) and papigw.conf(5)."));
}

/* The settings a reload found changed, by path (config_diff()). */
#define CHANGES_MAX	48

struct changes {
	char	 path[CHANGES_MAX][96];
	size_t	 n;
	size_t	 more;		/* changed but not kept here */
};

static void
change_add(const char *path, void *arg)
{
	struct changes	*c = arg;

	if (c->n < CHANGES_MAX)
		snprintf(c->path[c->n++], sizeof(c->path[0]), "%s", path);
	else
		c->more++;
}

static int
change_has(const struct changes *c, const char *path)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->path[i], path) == 0)
			return 1;
	return 0;
}

/*
 * Settings that only a restart applies: the store, the sockets, the
 * dashboard's listener and its certificate (read at start).
 */
static int
restart_only(const char *path)
{
	static const char *const paths[] = { "storage.path",
	    "storage.synchronous", "storage.batch_max",
	    "storage.busy_timeout", "http.listen", "http.threads",
	    "http.max_connections", "http.timeout", "http.max_body",
	    "control.socket", "web.listen", "web.tls_cert", "web.tls_key",
	    "ward.id" };
	size_t	i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strcmp(paths[i], path) == 0)
			return 1;
	return 0;
}

/* Appends ", path" to buf. */
static void
list_add(char *buf, size_t bufsz, const char *path)
{
	size_t	len = strlen(buf);

	snprintf(buf + len, bufsz - len, "%s%s", len ? ", " : "", path);
}

/*
 * Says what a reload really changed, from the running configuration old
 * to new: the settings applied now; those that only a restart applies,
 * which stay at what the daemon started with (boot); those that came
 * back to it.  Nothing changed is said too.
 */
static void
reload_notes(unsigned n, const struct config *boot, const struct config *old,
    const struct config *new)
{
	struct changes	*now, *vsboot;
	char		 applied[1024] = "", later[512] = "", back[512] = "";
	size_t		 i;

	now = xcalloc(1, sizeof(*now));
	vsboot = xcalloc(1, sizeof(*vsboot));
	config_diff(old, new, change_add, now);
	config_diff(boot, new, change_add, vsboot);
	for (i = 0; i < now->n; i++)
		if (!restart_only(now->path[i]))
			list_add(applied, sizeof(applied), now->path[i]);
		else if (change_has(vsboot, now->path[i]))
			list_add(later, sizeof(later), now->path[i]);
		else
			list_add(back, sizeof(back), now->path[i]);
	if (now->n == 0)
		log_notice(_("reload %u: nothing changed"), n);
	if (applied[0] != '\0')
		log_notice(_("reload %u: changed: %s%s"), n, applied,
		    now->more > 0 ? ", ..." : "");
	if (later[0] != '\0')
		log_notice(_("reload %u: %s changed: the daemon keeps the "
		    "value it started with until a restart"), n, later);
	if (back[0] != '\0')
		log_notice(_("reload %u: %s is back to the value the daemon "
		    "runs with"), n, back);
	free(now);
	free(vsboot);
}

/*
 * Writes a reload's audit entry, by the user who sent SIGHUP (root for
 * systemctl reload), through the store: the audit log covers reloads.
 */
static void
reload_audit(long uid, const char *action, const char *detail)
{
	char	user[CONTROL_USER_MAX];

	control_user_name(uid, user, sizeof(user));
	if (gateway_audit(d.gw, user, action, detail) == -1)
		log_warnx(_("reload: the audit entry was not written"));
}

/*
 * SIGHUP: reads the configuration again.  A file with errors is reported
 * as FILE:LINE: message and the daemon keeps running on the old one.  Each
 * reload's lines carry its number.
 */
static void
reload(long uid)
{
	static unsigned	 n;
	char		 err[CONF_ERR_MAX], said[CONF_ERR_MAX];
	struct config	*new, *again;
	struct classifier *c;
	locale_t	 loc;
	int		 loaded;

	n++;
	sd_notify(0, "RELOADING=1\nSTATUS=Reloading the configuration");
	new = config_load(d.conf_path, d.overrides, d.noverrides, said,
	    sizeof(said));
	loaded = new != NULL;
	/*
	 * The audit entry is English, as every entry: a failure's reason is
	 * found again in English, the dictionary's (gateway_reload()
	 * compiles it) or the file's (the same file, unless it was mended
	 * in the meantime).
	 */
	if (new != NULL && gateway_reload(d.gw, config_ref(new), said,
	    sizeof(said)) == -1) {
		copy_str(err, sizeof(err), said);
		loc = i18n_english();
		if ((c = classifier_new(new, err, sizeof(err))) != NULL) {
			classifier_unref(c);
			copy_str(err, sizeof(err), said);
		}
		i18n_restore(loc);
		config_unref(new);
		config_unref(new);
		new = NULL;
	}
	if (new == NULL) {
		log_warnx(_("reload %u failed, keeping the running "
		    "configuration: %s"), n, said);
		if (!loaded) {
			copy_str(err, sizeof(err), said);
			loc = i18n_english();
			if ((again = config_load(d.conf_path, d.overrides,
			    d.noverrides, err, sizeof(err))) != NULL) {
				config_free(again);
				copy_str(err, sizeof(err), said);
			}
			i18n_restore(loc);
		}
		reload_audit(uid, "config.reload_failed", err);
		sd_notify(0, "READY=1\nSTATUS=Serving (reload failed: see "
		    "the log)");
		return;
	}
	reload_notes(n, d.boot, d.conf, new);
	log_setlevel(new->log_level);
	config_unref(d.conf);
	d.conf = new;
	log_notice(_("configuration reloaded from %s (reload %u)"),
	    d.conf_path, n);
	reload_audit(uid, "config.reload", d.conf_path);
	sd_notify(0, "READY=1\nSTATUS=Serving");
}

static int
setup_signals(void)
{
	sigset_t	mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	/* Blocked in every thread started after this. */
	if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	d.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	return d.sigfd == -1 ? -1 : 0;
}

static int
setup_timer(void)
{
	struct itimerspec	its;

	d.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC |
	    TFD_NONBLOCK);
	if (d.timerfd == -1)
		return -1;
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = TICK_MSEC / 1000;
	its.it_interval.tv_nsec = (TICK_MSEC % 1000) * 1000000L;
	/* The watchdog wants a ping at least twice per WatchdogSec. */
	if (d.watchdog_usec > 0 && d.watchdog_usec / 2 < TICK_MSEC * 1000ULL) {
		its.it_interval.tv_sec = 0;
		its.it_interval.tv_nsec = (long)(d.watchdog_usec / 2 * 1000);
	}
	its.it_value = its.it_interval;
	return timerfd_settime(d.timerfd, 0, &its, NULL);
}

/* Runs once a tick: the watchdog ping, then the daemon's timers. */
static void
tick(int fd, void *arg)
{
	uint64_t	n;

	(void)arg;
	if (read(fd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_warn("timerfd read");
	if (d.watchdog_usec > 0)
		sd_notify(0, "WATCHDOG=1");
	if (d.gw != NULL)
		gateway_tick(d.gw);
	/* The counts of log lines that repeated. */
	log_flush();
}

/* SIGHUP reloads; SIGTERM and SIGINT end the main loop. */
static void
signals(int fd, void *arg)
{
	struct signalfd_siginfo	si;

	(void)arg;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload((long)si.ssi_uid);
			break;
		case SIGTERM:
		case SIGINT:
			loop_stop((int)si.ssi_signo);
			return;
		}
	}
}

static int
start(void)
{
	char	err[CONF_ERR_MAX];

	if ((d.gw = gateway_start(config_ref(d.conf), err, sizeof(err))) ==
	    NULL) {
		config_unref(d.conf);
		log_warnx("%s", err);
		return -1;
	}
	d.boot = config_ref(d.conf);
	return 0;
}

/*
 * Stops accepting work, lets what is in flight finish (every request
 * whose message was accepted gets its answer after the commit), and
 * closes the store cleanly.
 */
static void
stop(int sig)
{
	sd_notify(0, "STOPPING=1\nSTATUS=Shutting down");
	log_notice(_("%s received, shutting down"), strsignal(sig));
	gateway_stop(d.gw);
	d.gw = NULL;
}

/*
 * Reads the command line into d, *foreground (-d) and *checkonly (-n).
 * Returns -1 to go on, or the exit status when papigwd is done already
 * (--version, --help, too many -o); a usage error exits.
 */
static int
options(int argc, char *argv[], int *foreground, int *checkonly)
{
	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static char	*ovr[CONF_OVERRIDES_MAX];
	int		 ch;

	d.conf_path = PAPIGW_CONF_DEFAULT;
	while ((ch = getopt_long(argc, argv, "dnc:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			*foreground = 1;
			break;
		case 'n':
			*checkonly = 1;
			break;
		case 'c':
			d.conf_path = optarg;
			break;
		case 'o':
			if (d.noverrides == CONF_OVERRIDES_MAX) {
				fprintf(stderr, _("papigwd: too many -o "
				    "options (at most %d)\n"),
				    CONF_OVERRIDES_MAX);
				return 2;
			}
			ovr[d.noverrides++] = optarg;
			break;
		case 'V':
			printf("papigwd %s\n", PAPIGW_VERSION);
			return 0;
		case 'h':
			help();
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	d.overrides = ovr;
	return -1;
}

/*
 * Raises the soft limit on open files to the hard one: the HTTP
 * listener's connection limit is derived from it (chan/http.c).  Under
 * systemd, LimitNOFILE sets both already (and the sandbox forbids
 * setrlimit()).
 */
static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_debug("setrlimit RLIMIT_NOFILE: %s", strerror(errno));
}

/*
 * Sets up the daemon's process, once the configuration is loaded: the
 * log (to stderr in the foreground), the limit on open files, the
 * signals, the tick timer and the main loop's watches on both.  Failing
 * is fatal.
 */
static void
setup(int foreground)
{
	log_init(foreground, d.conf->log_level);
	raise_nofile();
	if (setup_signals() == -1)
		fatal("signals");
	if (sd_watchdog_enabled(0, &d.watchdog_usec) <= 0)
		d.watchdog_usec = 0;
	if (setup_timer() == -1)
		fatal("timerfd");
	if (loop_watch(d.timerfd, tick, NULL) == -1 ||
	    loop_watch(d.sigfd, signals, NULL) == -1)
		fatalx("main loop");
}

/* A warning of papigwd -n, on stderr. */
static void
warn_stderr(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, _("warning: %s\n"), msg);
}

/*
 * -n: the configuration loaded; its dictionary must compile and its model
 * load and fit its categories, as at start-up.  Short replies that would
 * be cut on a channel are warned about (stderr), not refused.
 */
static int
check_only(struct config *conf)
{
	struct classifier	*c;
	char			 err[CONF_ERR_MAX];

	if ((c = classifier_new(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		config_free(conf);
		return 1;
	}
	reply_check_budget(conf, warn_stderr, NULL);
	printf(_("configuration OK\n"));
	classifier_unref(c);
	config_free(conf);
	return 0;
}

int
main(int argc, char *argv[])
{
	char		 err[CONF_ERR_MAX];
	int		 foreground = 0, checkonly = 0, sig, r;

	/*
	 * The locale, first: libGammu's setlocale(), then the language of
	 * the log lines administrators read (LANGUAGE, LC_ALL, LC_MESSAGES,
	 * LANG), in effect for every line and every thread started later.
	 */
	modem_init_locales();
	i18n_init();
	if ((r = options(argc, argv, &foreground, &checkonly)) != -1)
		return r;

	/* What the loader checks besides its own tables. */
	ussd_menu_register();
	d.conf = config_load(d.conf_path, d.overrides, d.noverrides, err,
	    sizeof(err));
	if (d.conf == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (checkonly)
		return check_only(d.conf);

	if (!foreground && daemon(1, 0) == -1) {
		fprintf(stderr, "papigwd: daemon: %s\n", strerror(errno));
		return 1;
	}
	setup(foreground);
	if (start() == -1) {
		config_unref(d.conf);
		sd_notify(0, "STATUS=Start-up failed: see the log");
		return 1;
	}
	log_notice(_("papigwd %s started (configuration %s)"),
	    PAPIGW_VERSION, d.conf_path);
	sd_notify(0, "READY=1\nSTATUS=Serving");

	sig = loop_run();
	stop(sig);
	config_unref(d.boot);
	config_unref(d.conf);
	close(d.sigfd);
	close(d.timerfd);
	log_notice(_("papigwd stopped"));
	return 0;
}
