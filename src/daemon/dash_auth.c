/*
 * dash_auth.c: the dashboard's logins: a user name and password checked
 * by PAM (the service web.pam_service, /etc/pam.d/papigw as installed:
 * the Unix accounts of the machine), and the limits on failed attempts
 * per address and per user.
 *
 * The limits count failures in a window (web.login_window seconds) under
 * two keys, the client's address and the user name; at web.login_attempts
 * failures under either, logins are refused without asking PAM until the
 * window has passed.  A success clears the user's count, not the
 * address's: an address that guesses many users stays limited.  The
 * table is bounded (DASH_LIMITS_MAX keys); when it is full the entry
 * whose window began first gives way.
 */
#include <security/pam_appl.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "daemon/dash_priv.h"

#define DASH_LIMITS_MAX	1024	/* addresses and users remembered */
#define LIMIT_KEY_MAX	80	/* bytes of "a:ADDRESS" or "u:USER" */

struct limit {
	char		 key[LIMIT_KEY_MAX];	/* "" when free */
	int64_t		 since;			/* the window began */
	int		 failures;
};

struct dash_limits {
	pthread_mutex_t	 lock;
	struct limit	 l[DASH_LIMITS_MAX];
};

struct dash_limits *
dash_limits_new(void)
{
	struct dash_limits	*dl = xcalloc(1, sizeof(*dl));

	pthread_mutex_init(&dl->lock, NULL);
	return dl;
}

void
dash_limits_free(struct dash_limits *dl)
{
	if (dl == NULL)
		return;
	pthread_mutex_destroy(&dl->lock);
	free(dl);
}

/* The entry of key, or NULL (create: a new one, maybe an old one's). */
static struct limit *
find(struct dash_limits *dl, const char *kind, const char *name, int create)
{
	struct limit	*l, *old = NULL;
	char		 key[LIMIT_KEY_MAX];
	size_t		 i;

	snprintf(key, sizeof(key), "%s:%s", kind, name);
	for (i = 0; i < DASH_LIMITS_MAX; i++) {
		l = &dl->l[i];
		if (l->key[0] != '\0' && strcmp(l->key, key) == 0)
			return l;
		if (old == NULL || l->key[0] == '\0' || (old->key[0] != '\0' &&
		    l->since < old->since))
			old = l;
	}
	if (!create)
		return NULL;
	memset(old, 0, sizeof(*old));
	copy_str(old->key, sizeof(old->key), key);
	return old;
}

/* Whether l has max failures within window seconds of now. */
static int
over(const struct limit *l, int max, int window, int64_t now)
{
	return l != NULL && now - l->since < window && l->failures >= max;
}

/*
 * Whether logins from addr or as user are refused now: max failures in
 * the last window seconds under either.  Returns 1 or 0.
 */
int
dash_limited(struct dash_limits *dl, const char *addr, const char *user,
    int max, int window, int64_t now)
{
	int	r;

	pthread_mutex_lock(&dl->lock);
	r = over(find(dl, "a", addr, 0), max, window, now) ||
	    over(find(dl, "u", user, 0), max, window, now);
	pthread_mutex_unlock(&dl->lock);
	return r;
}

static void
count(struct limit *l, int window, int64_t now)
{
	if (now - l->since >= window) {
		l->since = now;
		l->failures = 0;
	}
	l->failures++;
}

/* Counts a failed login from addr as user. */
void
dash_failed(struct dash_limits *dl, const char *addr, const char *user,
    int window, int64_t now)
{
	pthread_mutex_lock(&dl->lock);
	count(find(dl, "a", addr, 1), window, now);
	count(find(dl, "u", user, 1), window, now);
	pthread_mutex_unlock(&dl->lock);
}

/* A login as user succeeded: its failures are forgotten. */
void
dash_succeeded(struct dash_limits *dl, const char *user)
{
	struct limit	*l;

	pthread_mutex_lock(&dl->lock);
	if ((l = find(dl, "u", user, 0)) != NULL)
		memset(l, 0, sizeof(*l));
	pthread_mutex_unlock(&dl->lock);
}

/*
 * ===================================================================
 * PAM
 * ===================================================================
 */

/* PAM's conversation: the password for every hidden prompt. */
static int
converse(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct pam_response	*r;
	int			 i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF)
			continue;	/* only the password is answered */
		if ((r[i].resp = strdup(arg)) == NULL)
			goto fail;
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++)
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	free(r);
	return PAM_BUF_ERR;
}

/*
 * Checks user's password through PAM service: authentication, then the
 * account (expired, locked).  Returns 0, or -1 with PAM's reason in why.
 */
int
dash_pam_check(const char *service, const char *user, const char *password,
    char *why, size_t whysz)
{
	struct pam_conv	 conv = { converse, (void *)(uintptr_t)password };
	pam_handle_t	*ph = NULL;
	int		 rc;

	if ((rc = pam_start(service, user, &conv, &ph)) != PAM_SUCCESS) {
		snprintf(why, whysz, "pam_start: %s", pam_strerror(NULL, rc));
		return -1;
	}
	if ((rc = pam_set_item(ph, PAM_RHOST, "web")) == PAM_SUCCESS &&
	    (rc = pam_authenticate(ph, PAM_SILENT |
	    PAM_DISALLOW_NULL_AUTHTOK)) == PAM_SUCCESS)
		rc = pam_acct_mgmt(ph, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (rc != PAM_SUCCESS)
		snprintf(why, whysz, "%s", pam_strerror(ph, rc));
	pam_end(ph, rc);
	return rc == PAM_SUCCESS ? 0 : -1;
}

/*
 * Says at start what would make every login fail: the PAM service's file
 * missing, or pam_unix in it while the daemon runs as a user that cannot
 * read /etc/shadow (pam_unix's helper checks only the caller's own
 * password).  The directory is a parameter for the tests.
 */
void
dash_pam_preflight(const char *service, const char *pamdir)
{
	char	 path[4096], line[512];
	FILE	*f;
	int	 unix_auth = 0;

	snprintf(path, sizeof(path), "%s/%s", pamdir, service);
	if ((f = fopen(path, "r")) == NULL) {
		log_warnx(_("web: %s: no such PAM service: every login will "
		    "be refused (web.pam_service)"), path);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (line[strspn(line, " \t")] != '#' &&
		    strstr(line, "pam_unix") != NULL)
			unix_auth = 1;
	fclose(f);
	if (unix_auth && geteuid() != 0 && access("/etc/shadow", R_OK) != 0)
		log_warnx(_("web: %s uses pam_unix, and this daemon cannot "
		    "read /etc/shadow: every login will be refused; add "
		    "SupplementaryGroups=shadow to the unit (see papigwd(8))"),
		    path);
}
