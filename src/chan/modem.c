/*
 * modem.c: GSM modem channels through libGammu.
 *
 * Every enabled channel of type "modem" gets one thread that owns its
 * GSM_StateMachine (a state machine is not thread-safe, and its calls
 * block).  The rest of the daemon talks to that thread through a small
 * queue under a mutex and an eventfd that wakes it: the store's writer
 * reports committed messages there, the outbox worker hands it messages
 * to send.  The thread connects with retries and an exponential backoff,
 * enters the SIM PIN, polls the inbox every poll_interval seconds (or at
 * once when the phone announces a new message: an AT modem's +CMTI, or
 * for the dummy phone, which announces nothing, inotify on its inbox
 * folders), reads everything waiting, and hands each message to the
 * ingest pipeline.
 *
 * Nothing is deleted from the SIM before the transaction that stored it
 * committed: the store's callback queues the location, and the modem
 * thread deletes it.  A crash in between leaves the message on the SIM;
 * it is read again after the restart, and its provider id (the SMSC time,
 * the sender and a hash of the text) makes it a harmless duplicate.
 *
 * Parts of a long message are stored one by one in the store's parts
 * table, keyed by (sender, concatenation reference), with the provider id
 * "<SMSC time>:<sender>:<reference>:<part>" so that a part read twice is
 * a duplicate; core/ingest.c assembles a message when its last part is
 * in, or after ingest.concat_timeout with " [...] " where parts are
 * missing.
 *
 * An entry that cannot be read (a corrupt PDU, a broken dummy file) is
 * skipped and remembered: the scan goes on past it to the entries behind
 * it, every scan counts one more failure against it, and after the
 * channel's delete_unreadable_after failures its raw content is saved to
 * the store (the unreadable table) and it is deleted from the SIM, so
 * that it neither fills the SIM nor is read for ever.  A channel with
 * entries waiting on the phone that has stored none of them for
 * stall_timeout seconds is "stalled": degraded in /healthz, /metrics and
 * papictl status, with the reason.
 *
 * A problem (a bad file, a timeout, a full SIM) is logged once when it
 * starts and once when it ends; the channel never stops.  Commands that
 * time out twice in a row, or a device that disappears, end the
 * connection; the thread reconnects with backoff, and what was not yet
 * deleted from the SIM is read again then.
 *
 * Sending: the outbox worker's driver (modem_send) queues a message;
 * the thread encodes it with GSM_EncodeMultiPartSMS, writes its own
 * concatenation reference into each part's UDH (libGammu's comes from the
 * clock, so two messages encoded in the same second would share it), sends
 * each part and waits for its status callback, within the channel's rate
 * limit (send_rate parts a minute).
 *
 * Only this file and modem_sms.c, which reads what the inbox holds,
 * include gammu.h.
 */
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/queue.h>
#include <sys/select.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#include "chan/modem.h"
#include "chan/modem_sms.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "base/clock.h"
#include "base/hash.h"
#include "conf/config.h"
#include "store/store.h"
#include "core/ingest.h"
#include "chan/outbox.h"

#define BACKOFF_MIN		1	/* seconds before the first reconnect */
#define BACKOFF_MAX		60	/* seconds: the longest wait */
#define HEALTH_EVERY		60	/* seconds between health reads */
#define RESCAN_EVERY		300	/* seconds: a full scan of an unchanged
					   dummy inbox all the same */
#define DRAIN_WAIT		5	/* seconds a stopping thread waits for
					   the store's answers */
#define TIMEOUTS_MAX		2	/* timeouts in a row: reconnect */
#define INFLIGHT_MAX		4096	/* entries read, not yet answered */
#define INFLIGHT_SLOTS		8192	/* hash slots (power of two) */
#define SEND_QUEUE_MAX		256	/* messages waiting for the modem */
#define SEND_STATUS_WAIT	60	/* seconds: a part's status */
#define ERROR_MAX		128	/* bytes of a problem's description */
#define ID_MAX			128	/* bytes of a provider id */
#define NOTIFY_GAP_MS		250	/* milliseconds between two scans
					   that inotify asked for */
#define BAD_MAX			256	/* unreadable entries remembered */
#define RAW_MAX			65536	/* bytes of an unreadable entry kept */
#define DUMMY_FOLDER		10000	/* the dummy phone's locations are
					   folder * 10000 + n */

/*
 * The test hold points: in the tests' build only (PAPIGW_TEST_HOOKS), the
 * environment variable PAPIGW_MODEM_TEST_HOLD makes the threads stop
 * half-way, so that a crash test can kill the daemon there.
 */
enum hold {
	HOLD_NONE,
	HOLD_READ,		/* after reading, before the store */
	HOLD_COMMIT		/* after the commit, before the SIM delete */
};
#ifdef PAPIGW_TEST_HOOKS
#define HOLDING(m, h)	((m)->set->hold == (h))
#else
#define HOLDING(m, h)	((void)(m), (h) == HOLD_NONE)
#endif

struct modem;

/*
 * One SIM location read and on its way to the store: its parts' commits
 * are counted down by the store's callbacks, and the last one queues the
 * entry for the modem thread, which deletes it from the SIM (or, when a
 * commit failed, lets the next scan read it again).
 */
struct entry {
	SLIST_ENTRY(entry) link;	/* on the done list */
	struct modem	*m;
	int		 location;	/* as GSM_GetNextSMS reported it */
	int		 folder;
	atomic_int	 pending;	/* callbacks still to come */
	atomic_int	 failed;	/* a commit failed */
	atomic_int	 stored;	/* messages newly stored */
	atomic_int	 duplicates;	/* messages that were stored before */
	int		 parts;		/* parts of a long message in it */
};

/*
 * An inbox entry that could not be read, remembered across scans until
 * it is read after all, deleted, or gone.
 */
struct badslot {
	int		 location;	/* as a successful read reports it */
	int		 folder;
	int		 failures;	/* scans that failed to read it */
	int		 seen;		/* failed in the current scan */
	int		 save_failed;	/* saving it failed: said so */
	GSM_Error	 error;		/* the last read's */
	int64_t		 first_seen;	/* Unix seconds */
};

/* A message from the outbox, waiting for the modem. */
struct sendreq {
	STAILQ_ENTRY(sendreq) link;
	int64_t		 id;
	char		*recipient;
	char		*text;
	int		 ucs2;
	int		 segments;
};

struct modem {
	struct modems	*set;
	char		 name[CONF_ID_MAX];

	/* Settings, copied when the thread starts. */
	char		*device;
	char		*model;
	char		*connection;
	char		*pin;
	char		*number;	/* the gateway's own number, or "" */
	atomic_int	 poll_interval;	/* seconds */
	atomic_int	 send_rate;	/* parts a minute, 0: no limit */
	atomic_int	 delete_after;	/* failed reads, 0: never */
	int		 dummy;		/* Gammu's dummy phone */
	int		 running;	/* a thread was started */
	int		 stale;		/* no longer configured */
	pthread_t	 thread;
	int		 wakefd;	/* eventfd */

	pthread_mutex_t	 lock;		/* guards what follows */
	int		 stopping;
	SLIST_HEAD(entries, entry) done; /* answered by the store */
	STAILQ_HEAD(, sendreq) sendq;	/* waiting to be sent */
	int		 nsend;
	struct modem_status st;		/* the health snapshot */

	/* The thread's own. */
	struct store_claim *claim;	/* the channel, on a shared store */
	GSM_StateMachine *sm;
	GSM_SMSC	 smsc;
	int		 have_smsc;
	int		 inflight[INFLIGHT_SLOTS];	/* locations + 1 */
	int		 ninflight;
	int		 rescan;	/* next scan: the whole inbox */
	int		 more;		/* entries left unread: scan again */
	int		 inofd;		/* dummy phone: inotify, or -1 */
	int		 lowfd;		/* a low descriptor kept for the
					   device, or -1 */
	int		 incoming;	/* the phone announced a message */
	int		 timeouts;	/* in a row */
	int		 sim_full;	/* said so in the log */
	char		 problem[ERROR_MAX];	/* logged, not yet over */
	struct badslot	 bad[BAD_MAX];	/* unreadable entries */
	size_t		 nbad;
	struct timespec	 mtime[2];	/* dummy inbox folders at a scan */
	double		 last_full;	/* last scan of the whole inbox */
	uint8_t		 ref;		/* our concatenation reference */
	double		 send_credit;	/* parts that may go now */
	struct timespec	 credit_at;
	/* The status callback of the part being sent. */
	int		 cb_done;
	int		 cb_status;
	int		 cb_mr;
};

struct modems {
	struct ingest	*ingest;	/* where messages go */
	_Atomic(struct store *) store;	/* unreadable entries, or NULL */
	int		 shared;	/* the store may be shared: claim */
	struct slot	*confs;		/* the running configuration */
	struct outbox	*outbox;	/* or NULL until attached */
#ifdef PAPIGW_TEST_HOOKS
	enum hold	 hold;		/* a test hold point, or HOLD_NONE */
#endif
	struct modem	*m[CONF_CHANNELS_MAX];
	size_t		 n;
};

static void	modem_send_done(struct modem *, struct sendreq *,
		    enum send_result, const char *, const char *);
static void	modems_register(struct modems *, struct modem *);

/*
 * ===================================================================
 * Small helpers
 * ===================================================================
 */

static void
wake(struct modem *m)
{
	uint64_t	one = 1;

	if (write(m->wakefd, &one, sizeof(one)) == -1 && errno != EAGAIN)
		log_warn("modem %s: eventfd", m->name);
}

/* Updates the health snapshot under the lock. */
#define ST_SET(m, stmt) do {						\
	pthread_mutex_lock(&(m)->lock);					\
	stmt;								\
	pthread_mutex_unlock(&(m)->lock);				\
} while (0)

static int
stopping(struct modem *m)
{
	int	s;

	pthread_mutex_lock(&m->lock);
	s = m->stopping;
	pthread_mutex_unlock(&m->lock);
	return s;
}

/*
 * Logs a problem once: when it differs from the one logged last, in the
 * language of the log (fmt is a message of the catalogue: xgettext takes
 * problem()'s second argument).  The snapshot shows it in English, as
 * /healthz and the control socket give it, until problem_over().
 */
static void __attribute__((format(printf, 2, 3)))
problem(struct modem *m, const char *fmt, ...)
{
	char	buf[ERROR_MAX], said[ERROR_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vsnprintf(said, sizeof(said), _(fmt), ap);
	va_end(ap);
	if (strcmp(said, m->problem) != 0) {
		log_warnx("modem %s: %s", m->name, said);
		copy_str(m->problem, sizeof(m->problem), said);
	}
	ST_SET(m, copy_str(m->st.error, sizeof(m->st.error), buf));
}

static void
problem_over(struct modem *m)
{
	if (m->problem[0] == '\0')
		return;
	log_notice(_("modem %s: recovered (was: %s)"), m->name, m->problem);
	m->problem[0] = '\0';
	ST_SET(m, m->st.error[0] = '\0');
}

/*
 * The dummy phone's stand-in for an AT modem's new-message notification:
 * inotify on its inbox folders (and on "sms", where a whole folder may be
 * renamed in).  Any event is only a hint that a scan may find something.
 */
static void
notify_watch(struct modem *m)
{
	static const char *const dirs[] = { "sms", "sms/1", "sms/3" };
	char		 path[PATH_MAX];
	size_t		 i;

	if (!m->dummy)
		return;
	if (m->inofd == -1 &&
	    (m->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn(_("modem %s: inotify (polling only)"), m->name);
		return;
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", m->device, dirs[i]);
		(void)inotify_add_watch(m->inofd, path, IN_CREATE |
		    IN_MOVED_TO | IN_CLOSE_WRITE);
	}
}

static void
notify_close(struct modem *m)
{
	if (m->inofd != -1) {
		close(m->inofd);
		m->inofd = -1;
	}
}

/*
 * Waits up to msec milliseconds (-1: for ever) for the eventfd or, on the
 * dummy phone, a change in its inbox (m->incoming is set then).
 */
static void
wait_wake(struct modem *m, int msec)
{
	struct pollfd	pfd[2];
	char		buf[4096];
	uint64_t	n;
	nfds_t		nfds = 1;

	pfd[0].fd = m->wakefd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	if (m->inofd != -1) {
		pfd[1].fd = m->inofd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		nfds = 2;
	}
	if (poll(pfd, nfds, msec) <= 0)
		return;
	if ((pfd[0].revents & POLLIN) &&
	    read(m->wakefd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_warn("modem %s: eventfd", m->name);
	if (nfds == 2 && (pfd[1].revents & POLLIN)) {
		while (read(m->inofd, buf, sizeof(buf)) > 0)
			;
		m->incoming = 1;
		/* A folder renamed in needs its own watch. */
		notify_watch(m);
	}
}

/*
 * ===================================================================
 * Locations in flight
 * ===================================================================
 *
 * An open-addressing set of the SIM locations read and not yet answered
 * by the store, so that the next scan does not submit them again.  The
 * thread's own; slots hold location + 1 (0 is empty, -1 a tombstone).
 */

static int *
inflight_slot(struct modem *m, int loc, int insert)
{
	unsigned	h = ((unsigned)loc * 2654435761u) &
		    (INFLIGHT_SLOTS - 1);
	int		*tomb = NULL;
	size_t		 i;

	for (i = 0; i < INFLIGHT_SLOTS; i++) {
		int *s = &m->inflight[(h + i) & (INFLIGHT_SLOTS - 1)];

		if (*s == loc + 1)
			return s;
		if (*s == -1 && tomb == NULL)
			tomb = s;
		if (*s == 0)
			return insert ? (tomb != NULL ? tomb : s) : NULL;
	}
	return insert ? tomb : NULL;
}

static int
inflight_has(struct modem *m, int loc)
{
	return inflight_slot(m, loc, 0) != NULL;
}

static void
inflight_add(struct modem *m, int loc)
{
	int	*s = inflight_slot(m, loc, 1);

	if (s != NULL && *s != loc + 1) {
		*s = loc + 1;
		m->ninflight++;
	}
}

static void
inflight_del(struct modem *m, int loc)
{
	int	*s = inflight_slot(m, loc, 0);

	if (s != NULL) {
		*s = -1;
		m->ninflight--;
	}
}

/*
 * ===================================================================
 * Connecting
 * ===================================================================
 */

static void
send_status_cb(GSM_StateMachine *sm, int status, int mr, void *arg)
{
	struct modem	*m = arg;

	(void)sm;
	m->cb_done = 1;
	m->cb_status = status;
	m->cb_mr = mr;
}

static void
incoming_sms_cb(GSM_StateMachine *sm, GSM_SMSMessage *sms, void *arg)
{
	struct modem	*m = arg;

	(void)sm;
	(void)sms;
	m->incoming = 1;
}

/*
 * libGammu waits for a serial device with select(), which cannot watch a
 * descriptor past FD_SETSIZE; and the HTTP listener may hold thousands
 * (LimitNOFILE).  A modem keeps a low descriptor (on /dev/null) while it
 * is not connected and gives it up just before opening the device, which
 * takes the lowest free one; connect_phone() checks the result.
 */
static void
lowfd_keep(struct modem *m)
{
	if (!m->dummy && m->lowfd == -1)
		m->lowfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void
lowfd_give(struct modem *m)
{
	if (m->lowfd != -1) {
		close(m->lowfd);
		m->lowfd = -1;
	}
}

/* The highest descriptor open on the modem's device, or -1. */
static int
device_fd(const struct modem *m)
{
	char		 dev[PATH_MAX], path[64], target[PATH_MAX];
	struct dirent	*de;
	DIR		*d;
	ssize_t		 n;
	int		 fd, max = -1;

	if (realpath(m->device, dev) == NULL ||
	    (d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if ((fd = atoi(de->d_name)) <= 0)
			continue;	/* ".", "..", or stdin */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, dev) == 0 && fd > max)
			max = fd;
	}
	closedir(d);
	return max;
}

static void
disconnect(struct modem *m)
{
	notify_close(m);
	if (m->sm == NULL)
		return;
	if (GSM_IsConnected(m->sm))
		GSM_TerminateConnection(m->sm);
	GSM_FreeStateMachine(m->sm);
	m->sm = NULL;
	lowfd_keep(m);
	ST_SET(m, m->st.state = MODEM_DOWN; m->st.up_since = 0);
}

/* Enters the PIN when the SIM asks for one.  Returns ERR_NONE or why not. */
static GSM_Error
enter_pin(struct modem *m)
{
	GSM_SecurityCodeType	 need;
	GSM_SecurityCode	 code;
	GSM_Error		 e;

	e = GSM_GetSecurityStatus(m->sm, &need);
	if (e == ERR_NOTSUPPORTED || e == ERR_NOTIMPLEMENTED)
		return ERR_NONE;
	if (e != ERR_NONE)
		return e;
	if (need == SEC_None)
		return ERR_NONE;
	if (need != SEC_Pin) {
		problem(m, "the SIM asks for a code papigwd cannot give "
		    "(%s); unlock it by hand", need == SEC_Puk ? "PUK" :
		    "not the PIN");
		return ERR_SECURITYERROR;
	}
	if (m->pin[0] == '\0') {
		problem(m, "the SIM asks for a PIN and none is configured "
		    "(pin_file)");
		return ERR_SECURITYERROR;
	}
	memset(&code, 0, sizeof(code));
	code.Type = SEC_Pin;
	copy_str(code.Code, sizeof(code.Code), m->pin);
	e = GSM_EnterSecurityCode(m->sm, &code);
	explicit_bzero(&code, sizeof(code));
	if (e != ERR_NONE)
		problem(m, "the SIM refused the PIN (%s); not trying again "
		    "before the next reconnect", GSM_ErrorName(e));
	return e;
}

/*
 * Opens the phone.  Returns ERR_NONE with m->sm connected and the
 * callbacks set, or an error with m->sm freed.
 */
static GSM_Error
connect_phone(struct modem *m)
{
	GSM_Config	*cfg;
	GSM_Error	 e;
	int		 fd;

	ST_SET(m, m->st.state = MODEM_CONNECTING);
	if ((m->sm = GSM_AllocStateMachine()) == NULL)
		fatalx("GSM_AllocStateMachine");
	cfg = GSM_GetConfig(m->sm, 0);
	e = GSM_ReadConfig(NULL, cfg, 0);
	if (e != ERR_NONE && e != ERR_USING_DEFAULTS)
		goto fail;
	free(cfg->Device);
	cfg->Device = xstrdup(m->device);
	free(cfg->Connection);
	cfg->Connection = xstrdup(m->connection);
	copy_str(cfg->Model, sizeof(cfg->Model), m->model);
	cfg->LockDevice = FALSE;
	cfg->StartInfo = FALSE;
	cfg->SyncTime = FALSE;
	cfg->UseGlobalDebugFile = FALSE;
	GSM_SetConfigNum(m->sm, 1);

	lowfd_give(m);
	if ((e = GSM_InitConnection(m->sm, 3)) != ERR_NONE)
		goto fail;
	if (!m->dummy && (fd = device_fd(m)) >= FD_SETSIZE) {
		problem(m, "the device got descriptor %d, past what libGammu "
		    "can wait on (%d); reconnecting", fd, FD_SETSIZE);
		e = ERR_DEVICEOPENERROR;
		goto fail;
	}
	if ((e = enter_pin(m)) != ERR_NONE)
		goto fail;
	/* GSM_InitConnection() cleared every callback. */
	GSM_SetSendSMSStatusCallback(m->sm, send_status_cb, m);
	GSM_SetIncomingSMSCallback(m->sm, incoming_sms_cb, m);
	(void)GSM_SetIncomingSMS(m->sm, TRUE);

	memset(&m->smsc, 0, sizeof(m->smsc));
	m->smsc.Location = 1;
	m->have_smsc = GSM_GetSMSC(m->sm, &m->smsc) == ERR_NONE &&
	    UnicodeLength(m->smsc.Number) > 0;
	m->timeouts = 0;
	m->rescan = 1;
	return ERR_NONE;
fail:
	if (GSM_IsConnected(m->sm))
		GSM_TerminateConnection(m->sm);
	GSM_FreeStateMachine(m->sm);
	m->sm = NULL;
	lowfd_keep(m);
	return e;
}

/*
 * Whether the device is still there: the dummy phone's folder (the dummy
 * driver answers "empty" when it is gone) or the serial device node (a
 * USB modem pulled out).  Device names without a '/' are not checked.
 */
static int
device_present(struct modem *m)
{
	char		 path[PATH_MAX];
	struct stat	 sb;

	if (m->dummy) {
		/* Connecting creates sms/1 in the folder. */
		snprintf(path, sizeof(path), "%s%s", m->device, m->sm != NULL ?
		    "/sms/1" : "");
		return stat(path, &sb) == 0;
	}
	if (strchr(m->device, '/') == NULL)
		return 1;
	return stat(m->device, &sb) == 0;
}

/*
 * Counts a command's error.  Returns 1 when the connection should be
 * dropped: the device is gone, or commands time out again and again.
 */
static int
command_failed(struct modem *m, GSM_Error e)
{
	switch (e) {
	case ERR_TIMEOUT:
		return ++m->timeouts >= TIMEOUTS_MAX;
	case ERR_DEVICEREADERROR:
	case ERR_DEVICEWRITEERROR:
	case ERR_DEVICENOTEXIST:
	case ERR_DEVICEOPENERROR:
	case ERR_NOTCONNECTED:
	case ERR_DEVICECHANGESPEEDERROR:
		return 1;
	default:
		return 0;
	}
}

static const char *
network_name(GSM_NetworkInfo_State s)
{
	switch (s) {
	case GSM_HomeNetwork:
		return "home";
	case GSM_RoamingNetwork:
		return "roaming";
	case GSM_RequestingNetwork:
		return "searching";
	case GSM_RegistrationDenied:
		return "denied";
	case GSM_NoNetwork:
		return "none";
	default:
		return "unknown";
	}
}

/*
 * Reads signal, battery, network registration and SIM use into the
 * snapshot.  Returns 0, or -1 when the connection should be dropped.
 */
static int
read_health(struct modem *m)
{
	GSM_SignalQuality	 sig;
	GSM_BatteryCharge	 bat;
	GSM_NetworkInfo		 net;
	GSM_SMSMemoryStatus	 ms;
	GSM_Error		 e;
	int			 s = -1, b = -1, used = -1, size = -1, full;
	const char		*n = "unknown";

	memset(&sig, 0, sizeof(sig));
	if ((e = GSM_GetSignalQuality(m->sm, &sig)) == ERR_NONE)
		s = sig.SignalPercent;
	else if (command_failed(m, e))
		return -1;
	memset(&bat, 0, sizeof(bat));
	if ((e = GSM_GetBatteryCharge(m->sm, &bat)) == ERR_NONE)
		b = bat.BatteryPercent;
	else if (command_failed(m, e))
		return -1;
	memset(&net, 0, sizeof(net));
	if ((e = GSM_GetNetworkInfo(m->sm, &net)) == ERR_NONE)
		n = network_name(net.State);
	else if (command_failed(m, e))
		return -1;
	/*
	 * How full the SIM is.  Not on the dummy phone: its "SIM" holds
	 * 10,000 files, and counting them opens 40,000 file names.
	 */
	memset(&ms, 0, sizeof(ms));
	if (m->dummy)
		e = ERR_NOTSUPPORTED;
	else if ((e = GSM_GetSMSStatus(m->sm, &ms)) == ERR_NONE) {
		used = ms.SIMUsed + ms.PhoneUsed;
		size = ms.SIMSize + ms.PhoneSize;
		full = ms.SIMSize > 0 && ms.SIMUsed >= ms.SIMSize;
		if (full && !m->sim_full)
			log_warnx(_("modem %s: the SIM is full (%d messages); "
			    "new ones wait at the SMSC until these are read "
			    "and deleted"), m->name, ms.SIMUsed);
		else if (!full && m->sim_full)
			log_notice(_("modem %s: the SIM has room again"),
			    m->name);
		m->sim_full = full;
	} else if (command_failed(m, e))
		return -1;
	pthread_mutex_lock(&m->lock);
	m->st.signal = s;
	m->st.battery = b > 100 ? -1 : b;
	copy_str(m->st.network, sizeof(m->st.network), n);
	m->st.sim_used = used;
	m->st.sim_size = size;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/*
 * ===================================================================
 * Receiving
 * ===================================================================
 */

/* Drops one expected answer; the last one queues the entry. */
static void
entry_release(struct entry *en)
{
	struct modem	*m = en->m;

	if (atomic_fetch_sub(&en->pending, 1) != 1)
		return;
	pthread_mutex_lock(&m->lock);
	SLIST_INSERT_HEAD(&m->done, en, link);
	pthread_mutex_unlock(&m->lock);
	wake(m);
}

/* A store callback: one of the entry's messages or parts is answered. */
static void
entry_answered(struct entry *en, enum store_status st, int duplicate)
{
	if (st != STORE_OK && st != STORE_DUPLICATE)
		atomic_store(&en->failed, 1);
	else if (duplicate || st == STORE_DUPLICATE)
		atomic_fetch_add(&en->duplicates, 1);
	else
		atomic_fetch_add(&en->stored, 1);
	entry_release(en);
}

static void
ingest_cb(const struct ingest_result *res, void *arg)
{
	entry_answered(arg, res->status, res->duplicate);
}

static void
part_cb(enum store_status st, void *arg)
{
	struct entry	*en = arg;

	entry_answered(en, st, 0);
	if (st == STORE_OK)
		ingest_parts_kick(en->m->set->ingest);
}

/* What a sink call of submit_entry() needs. */
struct entry_sink {
	struct entry	*en;
	struct config	*conf;
};

/* A part of a long message: to the store's parts table. */
static int
sink_part(const struct store_part *part, void *arg)
{
	struct entry	*en = ((struct entry_sink *)arg)->en;

	en->parts++;
	atomic_fetch_add(&en->pending, 1);
	if (ingest_part_submit(en->m->set->ingest, part, part_cb, en) == -1) {
		atomic_fetch_sub(&en->pending, 1);
		return -1;
	}
	return 0;
}

/* The entry's message: to the ingest pipeline. */
static int
sink_message(const struct inbound *in, void *arg)
{
	struct entry_sink	*es = arg;
	struct entry		*en = es->en;

	atomic_fetch_add(&en->pending, 1);
	if (ingest_submit(en->m->set->ingest, es->conf, in, ingest_cb,
	    en) == -1) {
		atomic_fetch_sub(&en->pending, 1);
		return -1;
	}
	return 0;
}

/*
 * Hands one entry (a SIM location: one SMS, the parts of a long message,
 * or several sections of a dummy file) to the store.  Returns 0 when it is
 * on its way (entry_answered() follows), -1 when the store refused it.
 */
static int
submit_entry(struct modem *m, const GSM_MultiSMSMessage *msg,
    struct entry *en, struct config *conf)
{
	struct entry_sink	es = { en, conf };
	struct modem_sms_sink	sink = { sink_part, sink_message, &es };
	int			refused;

	atomic_store(&en->pending, 1);	/* held until all are submitted */
	refused = modem_sms_entry(msg, m->name, m->number, &sink) == -1;
	if (refused)
		atomic_store(&en->failed, 1);
	/* Drop the hold: the entry may be answered already. */
	entry_release(en);
	return refused ? -1 : 0;
}

/* Deletes a SIM location.  Returns the error (ERR_NONE). */
static GSM_Error
delete_location(struct modem *m, int location, int folder)
{
	GSM_SMSMessage	*sms = xcalloc(1, sizeof(*sms));
	GSM_Error	 e;

	/* The dummy driver rewrites the location it is given: a copy. */
	sms->Location = location;
	sms->Folder = m->dummy ? 0 : folder;
	e = GSM_DeleteSMS(m->sm, sms);
	free(sms);
	return e;
}

/*
 * Deletes what the store answered for and lets failed entries be read
 * again.  Returns -1 when the connection should be dropped.
 */
static int
process_done(struct modem *m)
{
	struct entries	 list;
	struct entry	*en;
	GSM_Error	 e;
	int		 drop = 0, stored, dups;

	pthread_mutex_lock(&m->lock);
	list = m->done;
	SLIST_INIT(&m->done);
	pthread_mutex_unlock(&m->lock);
	while ((en = SLIST_FIRST(&list)) != NULL) {
		SLIST_REMOVE_HEAD(&list, link);
		stored = atomic_load(&en->stored);
		dups = atomic_load(&en->duplicates);
		pthread_mutex_lock(&m->lock);
		if (stored > 0) {
			m->st.received += (uint64_t)stored;
			m->st.last_received = (int64_t)time(NULL);
		}
		m->st.duplicates += (uint64_t)dups;
		if (stored + dups > 0)	/* the phone's queue moves */
			m->st.progress_at = (int64_t)time(NULL);
		pthread_mutex_unlock(&m->lock);
		if (atomic_load(&en->failed)) {
			/* Kept on the SIM: the next scan reads it again. */
			log_warnx(_("modem %s: message at location %d not "
			    "stored; it stays on the SIM and is read again"),
			    m->name, en->location);
			inflight_del(m, en->location);
			m->rescan = 1;
			free(en);
			continue;
		}
		if (HOLDING(m, HOLD_COMMIT)) {
			log_notice("modem %s: test hold: location %d "
			    "committed, not deleted", m->name, en->location);
			while (!stopping(m))
				wait_wake(m, 1000);
		}
		if (drop || m->sm == NULL) {
			inflight_del(m, en->location);
			free(en);
			continue;
		}
		e = delete_location(m, en->location, en->folder);
		if (e != ERR_NONE && e != ERR_EMPTY) {
			problem(m, "deleting location %d: %s (read again "
			    "later; the store knows it)", en->location,
			    GSM_ErrorName(e));
			if (command_failed(m, e))
				drop = 1;
			m->rescan = 1;
		} else if (e == ERR_NONE)
			m->timeouts = 0;
		inflight_del(m, en->location);
		free(en);
	}
	return drop ? -1 : 0;
}


/*
 * ===================================================================
 * Unreadable entries
 * ===================================================================
 *
 * An entry libGammu cannot read is remembered here, by location, with
 * the number of scans that failed to read it.  The scan skips it and goes
 * on; past delete_unreadable_after failures its raw content is saved to
 * the store and it is deleted from the SIM.  The table is the thread's
 * own; the snapshot has its size and the first entry's story.
 */

static struct badslot *
bad_find(struct modem *m, int location)
{
	size_t	i;

	for (i = 0; i < m->nbad; i++)
		if (m->bad[i].location == location)
			return &m->bad[i];
	return NULL;
}

/* Copies the table's size and its first entry into the snapshot. */
static void
bad_publish(struct modem *m)
{
	pthread_mutex_lock(&m->lock);
	m->st.unreadable = (int)m->nbad;
	if (m->nbad > 0)
		snprintf(m->st.unreadable_first, sizeof(m->st.unreadable_first),
		    "location %d: %s, %d failed reads", m->bad[0].location,
		    GSM_ErrorName(m->bad[0].error), m->bad[0].failures);
	else
		m->st.unreadable_first[0] = '\0';
	pthread_mutex_unlock(&m->lock);
}

/*
 * Counts a failed read of the entry at location (folder): once a scan,
 * logged the first time.  A full table still skips the entry; it is only
 * not counted.
 */
static void
bad_note(struct modem *m, int location, int folder, GSM_Error e)
{
	struct badslot	*b;
	int		 after = atomic_load(&m->delete_after);

	if ((b = bad_find(m, location)) == NULL) {
		if (m->nbad == BAD_MAX)
			return;
		b = &m->bad[m->nbad++];
		memset(b, 0, sizeof(*b));
		b->location = location;
		b->folder = folder;
		b->first_seen = (int64_t)time(NULL);
		if (after > 0)
			log_warnx(_("modem %s: unreadable message at location "
			    "%d (%s): skipped, left on the SIM; saved and "
			    "deleted after %d failed reads"), m->name,
			    location, GSM_ErrorName(e), after);
		else
			log_warnx(_("modem %s: unreadable message at location "
			    "%d (%s): skipped, left on the SIM"), m->name,
			    location, GSM_ErrorName(e));
	}
	b->error = e;
	if (!b->seen) {
		b->seen = 1;
		b->failures++;
	}
}

/* Forgets the entry at location: it was read, deleted or is gone. */
static void
bad_forget(struct modem *m, int location)
{
	struct badslot	*b;

	if ((b = bad_find(m, location)) == NULL)
		return;
	*b = m->bad[--m->nbad];
}

/*
 * After a scan that met seen inbox entries (all of them when full):
 * forgets the unreadable entries the scan no longer met, publishes what
 * waits on the phone, and asks for the next scan at the next poll while
 * an unreadable entry is still being counted towards its deletion.
 */
static void
scan_done(struct modem *m, int seen, int full)
{
	size_t	i = 0;
	int	after = atomic_load(&m->delete_after), counting = 0;
	int64_t	now = (int64_t)time(NULL);

	while (i < m->nbad) {
		if (full && !m->bad[i].seen) {
			m->bad[i] = m->bad[--m->nbad];
			continue;
		}
		m->bad[i].seen = 0;
		if (after > 0 && m->bad[i].failures < after)
			counting = 1;
		i++;
	}
	if (counting)
		m->rescan = 1;
	pthread_mutex_lock(&m->lock);
	/* Waiting starts now: a stall is counted from here. */
	if (m->st.waiting == 0 && seen > 0)
		m->st.progress_at = now;
	m->st.waiting = seen;
	pthread_mutex_unlock(&m->lock);
	bad_publish(m);
}

/* libGammu's debug output, while bad_raw() wants it. */
static void
raw_log(const char *text, void *arg)
{
	struct strbuf	*sb = arg;

	if (sb != NULL && sb->len < RAW_MAX)
		strbuf_add(sb, text, strnlen(text, RAW_MAX - sb->len));
}

/*
 * The raw content of unreadable entry b: the dummy phone's file, or what
 * an AT modem answers when the entry is read once more (libGammu's debug
 * output of that read).  Returns a buffer the caller frees, of *lenp
 * bytes (at most RAW_MAX), or NULL.
 */
static char *
bad_raw(struct modem *m, const struct badslot *b, size_t *lenp)
{
	GSM_MultiSMSMessage	*msg;
	GSM_Debug_Info		*di;
	struct strbuf		 sb = STRBUF_INIT;
	char			 path[PATH_MAX];
	FILE			*f;

	if (m->dummy) {
		snprintf(path, sizeof(path), "%s/sms/%d/%d", m->device,
		    b->location / DUMMY_FOLDER, b->location % DUMMY_FOLDER);
		if ((f = fopen(path, "re")) == NULL)
			return NULL;
		sb.buf = xcalloc(1, RAW_MAX);
		sb.cap = RAW_MAX;
		sb.len = fread(sb.buf, 1, RAW_MAX - 1, f);
		fclose(f);
		return strbuf_take(&sb, lenp);
	}
	msg = xcalloc(1, sizeof(*msg));
	msg->SMS[0].Location = b->location;
	msg->SMS[0].Folder = b->folder;
	di = GSM_GetDebug(m->sm);
	GSM_SetDebugGlobal(FALSE, di);
	GSM_SetDebugFunction(raw_log, &sb, di);
	GSM_SetDebugLevel("textall", di);
	(void)GSM_GetSMS(m->sm, msg);
	GSM_SetDebugLevel("nothing", di);
	GSM_SetDebugFunction(raw_log, NULL, di);
	free(msg);
	return sb.len > 0 ? strbuf_take(&sb, lenp) : (strbuf_free(&sb), NULL);
}

static enum store_status
bad_save_work(struct store_txn *txn, void *arg)
{
	return store_unreadable_add(txn, arg, NULL);
}

/*
 * Saves unreadable entry b and deletes it from the SIM.  Returns 0 (done,
 * or left for the next scan when the store failed), or -1 when the
 * connection should be dropped.
 */
static int
bad_delete(struct modem *m, struct badslot *b)
{
	struct store_unreadable	 u;
	enum store_status	 st;
	GSM_Error		 e;
	size_t			 len = 0;
	char			*raw;

	raw = bad_raw(m, b, &len);
	memset(&u, 0, sizeof(u));
	u.channel = m->name;
	u.location = b->location;
	u.folder = b->folder;
	u.error = GSM_ErrorName(b->error);
	u.attempts = b->failures;
	u.raw = (const unsigned char *)raw;
	u.rawlen = len;
	u.first_seen = b->first_seen;
	st = store_submit_wait(atomic_load(&m->set->store), bad_save_work,
	    &u);
	free(raw);
	if (st != STORE_OK) {
		if (!b->save_failed)
			log_warnx(_("modem %s: the unreadable entry at "
			    "location %d cannot be saved (%s); kept on the "
			    "SIM"),
			    m->name, b->location, store_strerror(st));
		b->save_failed = 1;
		return 0;
	}
	e = delete_location(m, b->location, b->folder);
	if (e != ERR_NONE && e != ERR_EMPTY) {
		problem(m, "deleting unreadable location %d: %s",
		    b->location, GSM_ErrorName(e));
		return command_failed(m, e) ? -1 : 0;
	}
	log_warnx(_("modem %s: location %d deleted after %d failed reads; "
	    "the unreadable entry is saved in the store (unreadable)"),
	    m->name, b->location, b->failures);
	pthread_mutex_lock(&m->lock);
	m->st.unreadable_deleted++;
	m->st.progress_at = (int64_t)time(NULL);
	pthread_mutex_unlock(&m->lock);
	bad_forget(m, b->location);
	return 0;
}

/*
 * Saves and deletes the unreadable entries that failed
 * delete_unreadable_after reads.  Returns -1 when the connection should
 * be dropped.
 */
static int
bad_purge(struct modem *m)
{
	int	after = atomic_load(&m->delete_after);
	size_t	i = 0, n;

	if (after <= 0 || atomic_load(&m->set->store) == NULL)
		return 0;
	while (i < m->nbad) {
		n = m->nbad;
		if (m->bad[i].failures >= after &&
		    bad_delete(m, &m->bad[i]) == -1)
			return -1;
		if (m->nbad == n)
			i++;	/* kept: the next one */
	}
	bad_publish(m);
	return 0;
}

/*
 * The dummy phone's inbox folders did not change since the last scan
 * that left nothing behind: a scan would find nothing new.  (A scan of
 * the dummy phone opens 50,000 file names; this keeps an idle daemon
 * idle.)  Sets *now to what a scan starting now should remember.
 */
static int
dummy_unchanged(struct modem *m, struct timespec now[2])
{
	static const char *const dirs[2] = { "sms/1", "sms/3" };
	char		 path[PATH_MAX];
	struct stat	 sb;
	int		 i, same = 1;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", m->device, dirs[i]);
		if (stat(path, &sb) == -1) {
			memset(&now[i], 0, sizeof(now[i]));
			same = 0;
			continue;
		}
		now[i] = sb.st_mtim;
		if (now[i].tv_sec != m->mtime[i].tv_sec ||
		    now[i].tv_nsec != m->mtime[i].tv_nsec)
			same = 0;
	}
	return same;
}

/*
 * Counts an error reading the inbox entry of msg; *last is the location
 * read last.  Returns -1 when the connection should be dropped, 1 when
 * the scan should stop (it no longer moves on), and 0 when the entry is
 * skipped, left on the SIM and remembered (bad_note()).
 */
static int
read_error(struct modem *m, GSM_Error e, const GSM_MultiSMSMessage *msg,
    int *last)
{
	int	loc = msg->SMS[0].Location, folder = msg->SMS[0].Folder;

	ST_SET(m, m->st.read_errors++);
	if (command_failed(m, e)) {
		problem(m, "reading the inbox: %s", GSM_ErrorName(e));
		return -1;
	}
	/* Skip it, unless the scan stopped moving. */
	if (loc == *last)
		return 1;
	*last = loc;
	/* The dummy phone reports a failed read's location unfolded. */
	if (m->dummy && loc >= 0 && loc < DUMMY_FOLDER)
		loc += folder * DUMMY_FOLDER;
	bad_note(m, loc, folder, e);
	return 0;
}

/*
 * Hands the message read at location loc to the store under conf, and
 * remembers the location as in flight until the store answers.  Returns
 * 0, or -1 when a test hold stopped the thread there.
 */
static int
take_entry(struct modem *m, const GSM_MultiSMSMessage *msg, int loc,
    struct config *conf)
{
	struct entry	*en;

	inflight_add(m, loc);
	if (HOLDING(m, HOLD_READ)) {
		log_notice("modem %s: test hold: location %d read, "
		    "not stored", m->name, loc);
		while (!stopping(m))
			wait_wake(m, 1000);
		return -1;
	}
	en = xcalloc(1, sizeof(*en));
	en->m = m;
	en->location = loc;
	en->folder = msg->SMS[0].Folder;
	(void)submit_entry(m, msg, en, conf);
	return 0;
}

/*
 * Reads every message waiting and hands it to the store.  Returns the
 * number of entries submitted, or -1 when the connection should be
 * dropped.
 */
static int
scan(struct modem *m)
{
	GSM_MultiSMSMessage	*msg;
	GSM_Error		 e;
	struct timespec		 mt[2];
	struct config		*conf;
	int			 start = 1, n = 0, seen = 0, drop = 0;
	int			 last = -1, full = 1, loc, rc;
	double			 now = clock_mono();

	if (m->dummy) {
		if (dummy_unchanged(m, mt) && !m->rescan &&
		    now - m->last_full < RESCAN_EVERY) {
			m->incoming = 0;
			return 0;
		}
	}
	m->rescan = 0;
	m->more = 0;
	m->incoming = 0;
	msg = xcalloc(1, sizeof(*msg));
	conf = conf_slot_get(m->set->confs);
	for (;;) {
		if (m->ninflight >= INFLIGHT_MAX) {
			full = 0;	/* the rest once some are answered */
			m->more = 1;
			break;
		}
		e = GSM_GetNextSMS(m->sm, msg, start);
		start = 0;
		if (e == ERR_EMPTY)
			break;
		if (e != ERR_NONE) {
			rc = read_error(m, e, msg, &last);
			if (rc == -1)
				drop = 1;
			else if (rc == 1)
				full = 0;
			if (rc != 0)
				break;
			seen++;
			continue;
		}
		m->timeouts = 0;
		last = loc = msg->SMS[0].Location;
		if (msg->Number < 1 || !msg->SMS[0].InboxFolder ||
		    msg->SMS[0].PDU != SMS_Deliver)
			continue;	/* sent items, drafts, reports */
		seen++;
		bad_forget(m, loc);	/* readable after all */
		if (inflight_has(m, loc))
			continue;
		n++;
		if (take_entry(m, msg, loc, conf) == -1)
			break;
	}
	config_unref(conf);
	free(msg);
	if (drop)
		return -1;
	scan_done(m, seen, full);
	if (bad_purge(m) == -1)
		return -1;
	if (full) {
		m->last_full = now;
		if (m->dummy && n == 0 && m->ninflight == 0)
			memcpy(m->mtime, mt, sizeof(mt));
		else
			memset(m->mtime, 0, sizeof(m->mtime));
	}
	if (n > 0)
		log_debug("modem %s: %d messages read", m->name, n);
	return n;
}

/*
 * ===================================================================
 * Sending
 * ===================================================================
 */

/*
 * Writes our concatenation reference into a part's UDH: the 8-bit (IEI
 * 0x00) or 16-bit (IEI 0x08) concatenation element.
 */
static void
set_concat_ref(GSM_SMSMessage *sms, unsigned ref)
{
	GSM_UDHHeader	*u = &sms->UDH;
	int		 i, len;

	if (u->Length < 1)
		return;
	len = u->Text[0] + 1;
	if (len > u->Length)
		len = u->Length;
	for (i = 1; i + 1 < len; i += 2 + u->Text[i + 1]) {
		if (u->Text[i] == 0x00 && u->Text[i + 1] == 3 && i + 2 < len) {
			u->Text[i + 2] = (unsigned char)ref;
			u->ID8bit = (int)(ref & 0xff);
		} else if (u->Text[i] == 0x08 && u->Text[i + 1] == 4 &&
		    i + 3 < len) {
			u->Text[i + 2] = (unsigned char)(ref >> 8);
			u->Text[i + 3] = (unsigned char)ref;
			u->ID16bit = (int)(ref & 0xffff);
		}
	}
}

/* Refills the rate limiter; returns 1 when a message may go now. */
static int
may_send(struct modem *m, int *wait_ms)
{
	struct timespec	now;
	int		rate = atomic_load(&m->send_rate);
	double		el, per_sec;

	if (rate <= 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	per_sec = rate / 60.0;
	el = (double)(now.tv_sec - m->credit_at.tv_sec) +
	    (double)(now.tv_nsec - m->credit_at.tv_nsec) / 1e9;
	m->credit_at = now;
	m->send_credit += el * per_sec;
	if (m->send_credit > 1.0)
		m->send_credit = 1.0;	/* no bursts after a quiet time */
	if (m->send_credit >= 1.0 - 1e-9)
		return 1;
	*wait_ms = (int)((1.0 - m->send_credit) / per_sec * 1000.0) + 1;
	return 0;
}

/*
 * Encodes message r into the parts of out: GSM-7, or UCS-2 when r asks
 * for it, with concatenation headers when it needs more than one part.
 * Returns ERR_NONE, or why it could not.
 */
static GSM_Error
encode_message(struct modem *m, const struct sendreq *r,
    GSM_MultiSMSMessage *out)
{
	GSM_MultiPartSMSInfo	 info;
	unsigned char		*ubuf;
	GSM_Error		 e;
	size_t			 tlen = strlen(r->text);

	ubuf = xcalloc(2, (tlen + 2) * 2);
	DecodeUTF8(ubuf, r->text, tlen);
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.UnicodeCoding = r->ucs2 ? TRUE : FALSE;
	info.Class = -1;
	info.Entries[0].ID = SMS_ConcatenatedTextLong;
	info.Entries[0].Buffer = ubuf;
	e = GSM_EncodeMultiPartSMS(GSM_GetDebug(m->sm), &info, out);
	free(ubuf);
	return e;
}

/*
 * Sends sms, part i (from 0) of the n parts of message r, and waits up to
 * SEND_STATUS_WAIT seconds for its status.  Returns SEND_OK with the
 * network's message reference in m->cb_mr, or SEND_RETRY with the reason
 * in err and *drop set when the connection should be dropped.
 */
static enum send_result
send_part(struct modem *m, const struct sendreq *r, GSM_SMSMessage *sms,
    int i, int n, char *err, size_t errsz, int *drop)
{
	GSM_Error	e;
	double		deadline;

	if (n > 1)
		set_concat_ref(sms, m->ref);
	EncodeUnicode(sms->Number, r->recipient, strlen(r->recipient));
	if (m->have_smsc)
		sms->SMSC = m->smsc;
	else {
		memset(&sms->SMSC, 0, sizeof(sms->SMSC));
		sms->SMSC.Location = 1;
	}
	sms->PDU = SMS_Submit;
	m->cb_done = 0;
	m->cb_status = -1;
	m->cb_mr = -1;
	e = GSM_SendSMS(m->sm, sms);
	if (e != ERR_NONE) {
		snprintf(err, errsz, "part %d of %d: %s", i + 1, n,
		    GSM_ErrorName(e));
		*drop = command_failed(m, e);
		return SEND_RETRY;
	}
	deadline = clock_mono() + SEND_STATUS_WAIT;
	while (!m->cb_done && clock_mono() < deadline)
		if (GSM_ReadDevice(m->sm, TRUE) < 0)
			break;
	if (!m->cb_done) {
		snprintf(err, errsz, "part %d of %d: no status from the "
		    "network", i + 1, n);
		*drop = command_failed(m, ERR_TIMEOUT);
		return SEND_RETRY;
	}
	if (m->cb_status != 0) {
		snprintf(err, errsz, "part %d of %d: refused (CMS error %d)",
		    i + 1, n, m->cb_status);
		return SEND_RETRY;
	}
	m->timeouts = 0;
	return SEND_OK;
}

/*
 * Sends one message, part by part, each waiting for its status.  Reports
 * the result to the outbox.  Returns -1 when the connection should be
 * dropped.
 */
static int
send_message(struct modem *m, struct sendreq *r)
{
	GSM_MultiSMSMessage	*out = NULL;
	GSM_Error		 e;
	char			 id[ID_MAX], err[ERROR_MAX], masked[48];
	size_t			 o = 0;
	int			 i, drop = 0, rate;
	enum send_result	 res = SEND_OK;

	err[0] = '\0';
	out = xcalloc(1, sizeof(*out));
	e = encode_message(m, r, out);
	if (e != ERR_NONE || out->Number < 1) {
		snprintf(err, sizeof(err), "encoding: %s", GSM_ErrorName(e));
		res = SEND_PERMANENT;
		goto done;
	}
	m->ref++;
	o = (size_t)snprintf(id, sizeof(id), "%u:", (unsigned)m->ref);
	for (i = 0; i < out->Number; i++) {
		res = send_part(m, r, &out->SMS[i], i, out->Number, err,
		    sizeof(err), &drop);
		if (res != SEND_OK)
			break;
		if (o < sizeof(id))
			o += (size_t)snprintf(id + o, sizeof(id) - o, "%s%d",
			    i > 0 ? "," : "", m->cb_mr);
		pthread_mutex_lock(&m->lock);
		m->st.parts_sent++;
		m->st.last_sent = (int64_t)time(NULL);
		pthread_mutex_unlock(&m->lock);
	}
	if (res == SEND_OK && (rate = atomic_load(&m->send_rate)) > 0)
		m->send_credit -= out->Number;
	if (res == SEND_OK)
		log_debug("modem %s: outbox %lld sent to %s in %d parts "
		    "(reference %u)", m->name, (long long)r->id,
		    mask_number(r->recipient, masked, sizeof(masked)),
		    out->Number, (unsigned)m->ref);
done:
	if (res != SEND_OK) {
		ST_SET(m, m->st.send_failures++);
		log_warnx(_("modem %s: outbox %lld: %s"), m->name,
		    (long long)r->id, err);
	}
	modem_send_done(m, r, res, res == SEND_OK ? id : NULL,
	    res == SEND_OK ? NULL : err);
	free(out);
	return drop ? -1 : 0;
}

static void
sendreq_free(struct sendreq *r)
{
	free(r->recipient);
	free(r->text);
	free(r);
}

/* Takes the next message to send, or NULL. */
static struct sendreq *
sendq_pop(struct modem *m)
{
	struct sendreq	*r;

	pthread_mutex_lock(&m->lock);
	if ((r = STAILQ_FIRST(&m->sendq)) != NULL) {
		STAILQ_REMOVE_HEAD(&m->sendq, link);
		m->nsend--;
		m->st.queued = m->nsend;
	}
	pthread_mutex_unlock(&m->lock);
	return r;
}

/* Gives every waiting message back to the outbox, to be tried later. */
static void
sendq_flush(struct modem *m, const char *why)
{
	struct sendreq	*r;

	while ((r = sendq_pop(m)) != NULL)
		modem_send_done(m, r, SEND_RETRY, NULL, why);
}

/*
 * Sends what the queue holds, within the rate limit.  Returns -1 when the
 * connection should be dropped; *wait_ms is lowered to when the limiter
 * lets the next one go.
 */
static int
process_sends(struct modem *m, int *wait_ms)
{
	struct sendreq	*r;
	int		 w;

	for (;;) {
		pthread_mutex_lock(&m->lock);
		r = STAILQ_FIRST(&m->sendq);
		pthread_mutex_unlock(&m->lock);
		if (r == NULL || stopping(m))
			return 0;
		w = 0;
		if (!may_send(m, &w)) {
			if (w < *wait_ms)
				*wait_ms = w;
			return 0;
		}
		r = sendq_pop(m);
		if (send_message(m, r) == -1)
			return -1;
	}
}

/*
 * ===================================================================
 * The thread
 * ===================================================================
 */

/*
 * Whether this gateway may serve the modem's channel: on a database that
 * other gateways share, only the one that holds the channel's claim does
 * (store_claim_hold()), so that two modems of one name never take each
 * other's replies.  Says why not as the modem's problem.
 */
static int
owned(struct modem *m)
{
	struct store	*st = atomic_load(&m->set->store);
	char		 err[256];
	int		 r;

	if (!m->set->shared)
		return 1;
	if (st == NULL)
		return 0;	/* attached in a moment: wait for it */
	if (m->claim == NULL)
		m->claim = store_claim_new(m->name);
	r = store_claim_hold(st, m->claim, err, sizeof(err));
	if (r == 0)
		problem(m, "another gateway on the database serves a channel "
		    "named %s: give each gateway's modem a name of its own",
		    m->name);
	else if (r == -1)
		problem(m, "cannot claim the channel on the database: %s",
		    err);
	return r == 1;
}

/*
 * Serves a connected phone until it fails or the thread is told to stop:
 * answers from the store, health every HEALTH_EVERY seconds, inbox scans
 * every poll_interval seconds (sooner when the phone announces a message,
 * or when entries were left unread), sends within the rate limit.
 */
static void
serve(struct modem *m)
{
	int64_t	now, next_poll = 0, next_health = 0, last_scan = 0, due;
	int	wait_ms;

	notify_watch(m);
	while (!stopping(m)) {
		if (process_done(m) == -1)
			return;
		now = clock_mono_ms();
		if (!device_present(m)) {
			problem(m, "the device %s is gone", m->device);
			return;
		}
		if (now >= next_health) {
			if (read_health(m) == -1) {
				problem(m, "commands time out");
				return;
			}
			if (!owned(m))
				return;
			next_health = now + HEALTH_EVERY * 1000;
		}
		/* When the next scan is due. */
		due = next_poll;
		if (m->incoming && last_scan + NOTIFY_GAP_MS < due)
			due = last_scan + NOTIFY_GAP_MS;
		if (m->more && m->ninflight < INFLIGHT_MAX / 2)
			due = now;
		if (now >= due) {
			if (scan(m) == -1)
				return;
			last_scan = clock_mono_ms();
			next_poll = last_scan +
			    atomic_load(&m->poll_interval) * 1000;
			if (m->problem[0] != '\0' && m->timeouts == 0 &&
			    device_present(m))
				problem_over(m);
			continue;
		}
		wait_ms = (int)(due - now);
		if (process_sends(m, &wait_ms) == -1)
			return;
		/* An AT modem announces messages through its device. */
		if (!m->dummy && wait_ms > 500)
			wait_ms = 500;
		wait_wake(m, wait_ms < 0 ? 0 : wait_ms);
		if (!m->dummy && GSM_IsConnected(m->sm))
			(void)GSM_ReadDevice(m->sm, FALSE);
	}
}

static void *
modem_thread(void *arg)
{
	struct modem	*m = arg;
	GSM_Error	 e;
	int		 backoff = BACKOFF_MIN, own;
	double		 until, deadline;

	pthread_setname_np(pthread_self(), "modem");
	while (!stopping(m)) {
		own = owned(m);
		if (!own)
			e = ERR_PERMISSION;	/* owned() said why */
		else if (!device_present(m))
			e = ERR_DEVICENOTEXIST;
		else
			e = connect_phone(m);
		if (e != ERR_NONE) {
			ST_SET(m, m->st.state = MODEM_DOWN);
			if (own && e != ERR_SECURITYERROR)
				problem(m, "cannot connect to %s: %s",
				    m->device, GSM_ErrorName(e));
			sendq_flush(m, "the modem is down");
			/* Wait, but keep answering the store. */
			until = clock_mono() + backoff;
			while (!stopping(m) && clock_mono() < until) {
				(void)process_done(m);
				sendq_flush(m, "the modem is down");
				wait_wake(m,
				    (int)((until - clock_mono()) * 1000));
			}
			if (backoff < BACKOFF_MAX)
				backoff = backoff * 2 > BACKOFF_MAX ?
				    BACKOFF_MAX : backoff * 2;
			continue;
		}
		backoff = BACKOFF_MIN;
		pthread_mutex_lock(&m->lock);
		m->st.state = MODEM_UP;
		m->st.up_since = (int64_t)time(NULL);
		m->st.connects++;
		pthread_mutex_unlock(&m->lock);
		log_notice(_("modem %s: connected to %s"), m->name, m->device);
		problem_over(m);
		serve(m);
		/* Entries answered meanwhile are deleted at the next turn. */
		disconnect(m);
		sendq_flush(m, "the modem is down");
		if (!stopping(m))
			log_notice(_("modem %s: disconnected; reconnecting"),
			    m->name);
	}
	/* Let what the store has in hand be answered and deleted. */
	deadline = clock_mono() + DRAIN_WAIT;
	while (m->ninflight > 0 && clock_mono() < deadline &&
	    HOLDING(m, HOLD_NONE)) {
		if (m->sm == NULL && device_present(m) &&
		    connect_phone(m) != ERR_NONE)
			break;
		(void)process_done(m);
		if (m->ninflight > 0)
			wait_wake(m, 100);
	}
	disconnect(m);
	sendq_flush(m, "the gateway is stopping");
	store_claim_free(m->claim);
	m->claim = NULL;
	return NULL;
}

/*
 * ===================================================================
 * The outbox driver
 * ===================================================================
 */

static void
modem_send_done(struct modem *m, struct sendreq *r, enum send_result res,
    const char *provider_id, const char *error)
{
	if (m->set->outbox != NULL)
		outbox_sent(m->set->outbox, r->id, res, provider_id, error);
	sendreq_free(r);
}

/*
 * The outbox worker's entry point (any thread): queues m for the modem.
 * Returns 0, or -1 when the modem is not up or its queue is full (the row
 * stays queued).
 */
static int
modem_send(void *ctx, const struct outbox_msg *om)
{
	struct modem	*m = ctx;
	struct sendreq	*r;

	pthread_mutex_lock(&m->lock);
	if (m->stopping || m->st.state != MODEM_UP ||
	    m->nsend >= SEND_QUEUE_MAX) {
		pthread_mutex_unlock(&m->lock);
		return -1;
	}
	r = xcalloc(1, sizeof(*r));
	r->id = om->id;
	r->recipient = xstrdup(om->recipient);
	r->text = xstrdup(om->text);
	r->ucs2 = om->encoding != NULL && strcmp(om->encoding, "ucs2") == 0;
	r->segments = om->segments;
	STAILQ_INSERT_TAIL(&m->sendq, r, link);
	m->nsend++;
	m->st.queued = m->nsend;
	pthread_mutex_unlock(&m->lock);
	wake(m);
	return 0;
}

/* The outbox's question: whether modem_send() would take a message now. */
static int
modem_ready(void *ctx)
{
	struct modem	*m = ctx;
	int		 ok;

	pthread_mutex_lock(&m->lock);
	ok = !m->stopping && m->st.state == MODEM_UP &&
	    m->nsend < SEND_QUEUE_MAX;
	pthread_mutex_unlock(&m->lock);
	return ok;
}

/*
 * ===================================================================
 * Starting, reloading, stopping
 * ===================================================================
 */

/* Call once from main, before any thread starts (setlocale inside). */
void
modem_init_locales(void)
{
	GSM_InitLocales(NULL);
	/* Numbers in /metrics and JSON keep their decimal point. */
	setlocale(LC_NUMERIC, "C");
}

static void
modem_settings(struct modem *m, const struct channel *ch)
{
	free(m->device);
	free(m->model);
	free(m->connection);
	if (m->pin != NULL)
		explicit_bzero(m->pin, strlen(m->pin));
	free(m->pin);
	free(m->number);
	m->device = xstrdup(ch->device);
	m->model = xstrdup(ch->model);
	m->connection = xstrdup(ch->connection);
	m->pin = xstrdup(ch->pin != NULL ? ch->pin : "");
	m->number = xstrdup(ch->number != NULL ? ch->number : "");
	m->dummy = strcmp(ch->model, "dummy") == 0;
	atomic_store(&m->poll_interval, ch->poll_interval);
	atomic_store(&m->send_rate, ch->send_rate);
	atomic_store(&m->delete_after, ch->delete_unreadable_after);
	ST_SET(m, m->st.stall_timeout = ch->stall_timeout);
}

/* Whether a running modem must restart for ch's settings. */
static int
modem_changed(const struct modem *m, const struct channel *ch)
{
	return strcmp(m->device, ch->device) != 0 ||
	    strcmp(m->model, ch->model) != 0 ||
	    strcmp(m->connection, ch->connection) != 0 ||
	    strcmp(m->pin, ch->pin != NULL ? ch->pin : "") != 0 ||
	    strcmp(m->number, ch->number != NULL ? ch->number : "") != 0;
}

static void
modem_run(struct modem *m)
{
	int	rc;

	pthread_mutex_lock(&m->lock);
	m->stopping = 0;
	m->st.state = MODEM_CONNECTING;
	m->st.error[0] = '\0';
	pthread_mutex_unlock(&m->lock);
	m->problem[0] = '\0';
	if ((rc = pthread_create(&m->thread, NULL, modem_thread, m)) != 0)
		fatalx("modem %s: pthread_create: %s", m->name,
		    strerror(rc));
	m->running = 1;
}

static void
modem_halt(struct modem *m)
{
	if (!m->running)
		return;
	pthread_mutex_lock(&m->lock);
	m->stopping = 1;
	pthread_mutex_unlock(&m->lock);
	wake(m);
	pthread_join(m->thread, NULL);
	m->running = 0;
	ST_SET(m, m->st.state = MODEM_DOWN);
}

static struct modem *
modem_new(struct modems *set, const struct channel *ch)
{
	struct modem	*m = xcalloc(1, sizeof(*m));

	m->set = set;
	copy_str(m->name, sizeof(m->name), ch->name);
	copy_str(m->st.channel, sizeof(m->st.channel), ch->name);
	m->st.signal = m->st.battery = -1;
	m->st.sim_used = m->st.sim_size = -1;
	copy_str(m->st.network, sizeof(m->st.network), "unknown");
	pthread_mutex_init(&m->lock, NULL);
	SLIST_INIT(&m->done);
	STAILQ_INIT(&m->sendq);
	m->ref = (uint8_t)(time(NULL) ^ getpid());
	clock_gettime(CLOCK_MONOTONIC, &m->credit_at);
	m->send_credit = 1.0;
	m->inofd = -1;
	m->lowfd = -1;
	if ((m->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1)
		fatal("modem %s: eventfd", ch->name);
	modem_settings(m, ch);
	return m;
}

static void
modem_free(struct modem *m)
{
	struct entry	*en;

	while ((en = SLIST_FIRST(&m->done)) != NULL) {
		SLIST_REMOVE_HEAD(&m->done, link);
		free(en);
	}
	close(m->wakefd);
	lowfd_give(m);
	if (m->pin != NULL)
		explicit_bzero(m->pin, strlen(m->pin));
	free(m->pin);
	free(m->device);
	free(m->model);
	free(m->connection);
	free(m->number);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static struct modem *
modems_find(struct modems *set, const char *name)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->m[i]->name, name) == 0)
			return set->m[i];
	return NULL;
}

/*
 * Starts a thread for every enabled modem channel of conf; the threads
 * hand what they read to ingest and read the running configuration from
 * confs.  Returns the set (never NULL; it may hold no modem), freed by
 * modems_free() after modems_stop() and after the store closed.
 */
struct modems *
modems_start(struct ingest *ingest, struct slot *confs, struct config *conf)
{
	struct modems	*set = xcalloc(1, sizeof(*set));
#ifdef PAPIGW_TEST_HOOKS
	const char	*hold = getenv("PAPIGW_MODEM_TEST_HOLD");

	if (hold != NULL && strcmp(hold, "read") == 0)
		set->hold = HOLD_READ;
	else if (hold != NULL && strcmp(hold, "commit") == 0)
		set->hold = HOLD_COMMIT;
	if (set->hold != HOLD_NONE)
		log_warnx("PAPIGW_MODEM_TEST_HOLD=%s: modems will stop "
		    "half-way (for tests only)", hold);
#endif
	set->ingest = ingest;
	set->confs = confs;
	set->shared = conf->storage_driver != CONF_DRIVER_SQLITE;
	modems_reload(set, conf);
	return set;
}

/*
 * Applies conf: starts new modems, restarts those whose device settings
 * changed, stops those no longer enabled; poll_interval and send_rate
 * change in place.
 */
void
modems_reload(struct modems *set, struct config *conf)
{
	struct modem		*m;
	const struct channel	*ch;
	size_t			 i;

	for (i = 0; i < set->n; i++)
		set->m[i]->stale = 1;
	for (i = 0; i < conf->nchannels; i++) {
		ch = &conf->channels[i];
		if (ch->type != CHANNEL_MODEM || !ch->enabled)
			continue;
		if ((m = modems_find(set, ch->name)) == NULL) {
			if (set->n == CONF_CHANNELS_MAX)
				continue;
			m = set->m[set->n++] = modem_new(set, ch);
			if (set->outbox != NULL)
				modems_register(set, m);
		}
		m->stale = 0;
		if (m->running && modem_changed(m, ch)) {
			log_notice(_("modem %s: settings changed; restarting"),
			    m->name);
			modem_halt(m);
		}
		modem_settings(m, ch);
		if (!m->running)
			modem_run(m);
	}
	for (i = 0; i < set->n; i++)
		if (set->m[i]->stale && set->m[i]->running) {
			log_notice(_("modem %s: no longer configured; stopped"),
			    set->m[i]->name);
			modem_halt(set->m[i]);
		}
}

/* Registers m's driver with the outbox. */
static void
modems_register(struct modems *set, struct modem *m)
{
	struct outbox_driver	drv;

	memset(&drv, 0, sizeof(drv));
	drv.name = "modem";
	drv.ready = modem_ready;
	drv.send = modem_send;
	drv.ctx = m;
	if (outbox_register(set->outbox, m->name, &drv) == -1)
		log_warnx(_("modem %s: the outbox takes no more channels; "
		    "nothing will be sent through it"), m->name);
}

/*
 * Gives the modems the store, where they save the entries they cannot
 * read before deleting them.  Until then such entries are only skipped.
 */
void
modems_attach_store(struct modems *set, struct store *store)
{
	atomic_store(&set->store, store);
}

/*
 * Connects the modems to the outbox: each registers its driver, and the
 * results of its sends go to ob.  Call it once, after modems_start().
 */
void
modems_attach_outbox(struct modems *set, struct outbox *ob)
{
	size_t	i;

	set->outbox = ob;
	for (i = 0; i < set->n; i++)
		modems_register(set, set->m[i]);
}

/*
 * Stops every modem thread: each gives the store a few seconds to answer
 * what it read (and deletes it from the SIM), gives back what it had to
 * send, and disconnects.  The store's answers that come later are kept
 * until modems_free().
 */
void
modems_stop(struct modems *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		pthread_mutex_lock(&set->m[i]->lock);
		set->m[i]->stopping = 1;
		pthread_mutex_unlock(&set->m[i]->lock);
		wake(set->m[i]);
	}
	for (i = 0; i < set->n; i++)
		modem_halt(set->m[i]);
}

/* Frees the set: after modems_stop() and after the store closed. */
void
modems_free(struct modems *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		modem_free(set->m[i]);
	free(set);
}

const char *
modem_state_name(enum modem_state s)
{
	switch (s) {
	case MODEM_UP:
		return "up";
	case MODEM_CONNECTING:
		return "connecting";
	default:
		return "down";
	}
}

/*
 * Copies the health of the configured modems (at most max) into st.
 * Returns how many there are.  Safe from any thread.
 */
size_t
modems_status(struct modems *set, struct modem_status *st, size_t max)
{
	size_t	i, n = 0;
	int64_t	now = (int64_t)time(NULL);

	if (set == NULL)
		return 0;
	for (i = 0; i < set->n; i++) {
		if (set->m[i]->stale)
			continue;
		if (n < max) {
			pthread_mutex_lock(&set->m[i]->lock);
			st[n] = set->m[i]->st;
			pthread_mutex_unlock(&set->m[i]->lock);
			st[n].stalled = st[n].state == MODEM_UP &&
			    st[n].waiting > 0 && now - st[n].progress_at >=
			    st[n].stall_timeout;
		}
		n++;
	}
	return n;
}

/*
 * Appends the line of a stalled modem (modems_health()) at why + *o.
 */
static void
stall_line(const struct modem_status *st, char *why, size_t whysz,
    size_t *o)
{
	char	bad[160] = "";

	if (st->unreadable > 0)
		snprintf(bad, sizeof(bad), "; %d unreadable, the first at %s",
		    st->unreadable, st->unreadable_first);
	if (*o < whysz)
		*o += (size_t)snprintf(why + *o, whysz - *o, "channel %s: "
		    "degraded: modem stalled: %d messages wait on the phone, "
		    "none stored for %llds%s\n", st->channel, st->waiting,
		    (long long)((int64_t)time(NULL) - st->progress_at), bad);
}

/*
 * Appends a line "channel NAME: modem not running: WHY" to why (a string
 * of whysz bytes) for every configured modem that is not up, and
 * "channel NAME: degraded: modem stalled: ..." for every one that is up
 * but stores none of the messages waiting on its phone.  Returns how
 * many there are.
 */
int
modems_health(struct modems *set, char *why, size_t whysz)
{
	struct modem_status	 st[CONF_CHANNELS_MAX];
	size_t			 n, i, o = strlen(why);
	int			 bad = 0;

	n = modems_status(set, st, CONF_CHANNELS_MAX);
	for (i = 0; i < n && i < CONF_CHANNELS_MAX; i++) {
		if (st[i].state == MODEM_UP && st[i].stalled) {
			bad++;
			stall_line(&st[i], why, whysz, &o);
			continue;
		}
		if (st[i].state == MODEM_UP)
			continue;
		bad++;
		if (o < whysz && st[i].error[0] != '\0')
			o += (size_t)snprintf(why + o, whysz - o, "channel %s: "
			    "modem not running (%s: %s)\n", st[i].channel,
			    modem_state_name(st[i].state), st[i].error);
		else if (o < whysz)
			o += (size_t)snprintf(why + o, whysz - o, "channel %s: "
			    "modem not running (%s)\n", st[i].channel,
			    modem_state_name(st[i].state));
	}
	if (o >= whysz && whysz > 0)
		why[whysz - 1] = '\0';
	return bad;
}

/* The value of metric family f (modems_metrics()) of one modem. */
static double
modem_metric(const struct modem_status *st, size_t f)
{
	double	v;

	switch (f) {
	case 0:
		v = st->state == MODEM_UP;
		break;
	case 1:
		v = st->signal;
		break;
	case 2:
		v = st->battery;
		break;
	case 3:
		v = strcmp(st->network, "home") == 0 ||
		    strcmp(st->network, "roaming") == 0;
		break;
	case 4:
		v = (double)st->received;
		break;
	case 5:
		v = (double)st->parts_sent;
		break;
	case 6:
		v = (double)st->send_failures;
		break;
	case 7:
		v = (double)st->read_errors;
		break;
	case 8:
		v = (double)st->connects;
		break;
	case 9:
		v = (double)st->last_received;
		break;
	case 10:
		v = (double)st->last_sent;
		break;
	case 11:
		v = st->stalled;
		break;
	case 12:
		v = st->waiting;
		break;
	case 13:
		v = st->unreadable;
		break;
	default:
		v = (double)st->unreadable_deleted;
		break;
	}
	return v;
}

/* Appends the modems' metrics (Prometheus text) to sb. */
void
modems_metrics(struct modems *set, struct strbuf *sb)
{
	static const struct {
		const char	*name, *help, *type;
	} fam[] = {
		{ "papigw_modem_up", "1 when the modem is connected.",
		    "gauge" },
		{ "papigw_modem_signal_percent", "Signal strength (-1: "
		    "unknown).", "gauge" },
		{ "papigw_modem_battery_percent", "Battery charge (-1: "
		    "unknown).", "gauge" },
		{ "papigw_modem_registered", "1 when registered on a "
		    "network (home or roaming).", "gauge" },
		{ "papigw_modem_received_total", "SMS read and stored (each "
		    "part of a long message counts).", "counter" },
		{ "papigw_modem_parts_sent_total", "SMS parts the network "
		    "accepted.", "counter" },
		{ "papigw_modem_send_failures_total", "Messages whose sending "
		    "failed (retried by the outbox).", "counter" },
		{ "papigw_modem_read_errors_total", "Inbox entries that could "
		    "not be read.", "counter" },
		{ "papigw_modem_connects_total", "Successful connections.",
		    "counter" },
		{ "papigw_modem_last_received_timestamp_seconds", "When a "
		    "message was last stored (0: never).", "gauge" },
		{ "papigw_modem_last_sent_timestamp_seconds", "When a part "
		    "was last sent (0: never).", "gauge" },
		{ "papigw_modem_stalled", "1 when messages wait on the phone "
		    "and none was stored for stall_timeout seconds.",
		    "gauge" },
		{ "papigw_modem_waiting", "Inbox entries on the phone at the "
		    "last scan.", "gauge" },
		{ "papigw_modem_unreadable", "Inbox entries that cannot be "
		    "read, skipped.", "gauge" },
		{ "papigw_modem_unreadable_deleted_total", "Unreadable entries "
		    "saved to the store and deleted from the SIM.",
		    "counter" },
	};
	struct modem_status	 st[CONF_CHANNELS_MAX];
	size_t			 n, i, f;
	double			 v;

	n = modems_status(set, st, CONF_CHANNELS_MAX);
	if (n > CONF_CHANNELS_MAX)
		n = CONF_CHANNELS_MAX;
	for (f = 0; f < sizeof(fam) / sizeof(fam[0]) && n > 0; f++) {
		strbuf_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", fam[f].name,
		    fam[f].help, fam[f].name, fam[f].type);
		for (i = 0; i < n; i++) {
			v = modem_metric(&st[i], f);
			strbuf_printf(sb, "%s{channel=\"%s\"} %.0f\n",
			    fam[f].name, st[i].channel, v);
		}
	}
}
