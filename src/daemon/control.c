/*
 * control.c: the control socket that papictl talks to.
 *
 * A Unix stream socket at control.socket.  It is made mode 0666 after
 * bind() (systemd's UMask=0077 would leave it 0700): any local user may
 * connect, and the daemon decides what each may do.  For every
 * connection, SO_PEERCRED gives the caller's uid and gid; the user's name
 * and groups (getgrouplist) are matched against the configuration's
 * roles: an officer works the cases of its categories, an inspector also
 * sees the restricted ones (corruption), an administrator does everything
 * (unmasking a number with a reason, the outbox, the audit log, inject).
 * uid 0 is an administrator: root can read the database anyway.  A user
 * without a role is refused every command.
 *
 * The protocol is one JSON object a line each way.  A request:
 *
 *	{"cmd": "list", "args": {"category": "security", "limit": 20}}
 *
 * is answered by {"ok": true, "data": {...}} or by
 * {"ok": false, "error": "forbidden", "message": "..."}, where error is
 * one of usage, forbidden, notfound, conflict, unavailable, internal.  A
 * long answer (export) comes as {"row": {...}} lines before the final
 * "ok" line.  A connection may carry several requests, one after the
 * other; a request line is at most CONTROL_REQUEST_MAX bytes, and a
 * connection idle for control.timeout seconds is closed.
 *
 * A request may come with one open file (SCM_RIGHTS on the bytes that
 * carry it): papictl router train hands over the model it wrote that way,
 * since the daemon may not see the caller's files (systemd's PrivateTmp,
 * ProtectHome) and must not open paths on a user's word.  The descriptor
 * belongs to the request that the bytes begin, and is closed after it.
 *
 * Threads.  The socket has its own threads instead of the main loop
 * (loop.c): a command may wait for a group commit or read for a
 * second or two (a quarterly report over a million cases), and the main
 * loop must stay free for signals, the watchdog and the timers.  One
 * thread accepts; each connection gets a thread of its own, at most
 * control.max_clients at once (more are refused with a clear answer).
 * control_stop() wakes every thread through a pipe and waits for them.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "daemon/control.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "text/text.h"
#include "conf/config.h"
#include "store/store.h"
#include "store/figures.h"
#include "store/query.h"
#include "daemon/services.h"

#define CONTROL_BACKLOG		32
#define CONTROL_GROUPS_MAX	256	/* groups of one user looked at */
#define CONTROL_SOCKET_MODE	0666
#define CONTROL_PATH_MAX	sizeof(((struct sockaddr_un *)0)->sun_path)

struct control {
	struct services		*svc;		/* what the commands work on */
	const struct control_cmd *cmds;
	size_t			 ncmds;
	char			 path[CONTROL_PATH_MAX];
	int			 fd;		/* the listening socket */
	int			 stop[2];	/* pipe: readable at stop */
	pthread_t		 acceptor;
	int			 started;
	pthread_mutex_t		 lock;
	pthread_cond_t		 idle;		/* a client thread ended */
	int			 clients;	/* client threads running */
};

/* One connection. */
struct client {
	struct control		*ctl;
	int			 fd;
	long			 uid;
	long			 gid;
	int			 timeout;	/* seconds */
	char			*buf;		/* CONTROL_REQUEST_MAX + 1 */
	size_t			 len;
	int			 passed;	/* a passed file, or -1 */
};

static const char *const err_names[] = {
	[CONTROL_E_OK] = "ok",
	[CONTROL_E_USAGE] = "usage",
	[CONTROL_E_FORBIDDEN] = "forbidden",
	[CONTROL_E_NOTFOUND] = "notfound",
	[CONTROL_E_CONFLICT] = "conflict",
	[CONTROL_E_UNAVAILABLE] = "unavailable",
	[CONTROL_E_INTERNAL] = "internal",
};

static const char *const kind_names[] = {
	[ROLE_OFFICER] = "officer",
	[ROLE_INSPECTOR] = "inspector",
	[ROLE_ADMINISTRATOR] = "administrator",
};

/*
 * ===================================================================
 * Roles
 * ===================================================================
 */

/* The name of an error, as the answer's "error" says it. */
static const char *
control_err_name(enum control_err e)
{
	if ((unsigned)e >= sizeof(err_names) / sizeof(err_names[0]))
		return "internal";
	return err_names[e];
}

static int
in_list(char *const *list, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/*
 * Fills who for user (uid, primary group gid) and its group names from
 * the roles of conf.  who->kind is -1 when no role names the user or any
 * of its groups.
 */
static void
match_roles(const struct config *conf, struct who *who, long uid,
    char *const *groups, size_t ngroups)
{
	const struct role	*r;
	const char		*ward = NULL, *w;
	size_t			 i, j, k, o = 0;
	int			 all_open = 0;

	who->kind = -1;
	who->cats = 0;
	who->roles[0] = '\0';
	who->ward[0] = '\0';
	for (i = 0; i < conf->nroles; i++) {
		r = &conf->roles[i];
		if (!in_list(r->users, r->nusers, who->user)) {
			for (j = 0; j < ngroups; j++)
				if (in_list(r->groups, r->ngroups, groups[j]))
					break;
			if (j == ngroups)
				continue;
		}
		if (r->kind > who->kind)
			who->kind = r->kind;
		/*
		 * The ward: the role's, else the gateway's.  A user with a
		 * city role sees every ward; otherwise the first role's ward
		 * holds, whatever the others name.
		 */
		w = r->ward[0] != '\0' ? r->ward : conf->ward_id;
		if (strcmp(r->ward, CONF_WARD_ALL) == 0 || w[0] == '\0')
			w = CONF_WARD_ALL;
		if (ward == NULL || strcmp(w, CONF_WARD_ALL) == 0)
			ward = w;
		if (r->kind == ROLE_OFFICER && r->ncategories == 0)
			all_open = 1;
		for (k = 0; k < r->ncategories; k++)
			for (j = 0; j < conf->ncategories; j++)
				if (strcmp(conf->categories[j].id,
				    r->categories[k]) == 0)
					who->cats |= UINT64_C(1) << j;
		o += (size_t)snprintf(who->roles + o, o < sizeof(who->roles) ?
		    sizeof(who->roles) - o : 0, "%s%s", o ? "," : "", r->name);
		if (o >= sizeof(who->roles))
			o = sizeof(who->roles) - 1;
	}
	if (ward != NULL && strcmp(ward, CONF_WARD_ALL) != 0)
		copy_str(who->ward, sizeof(who->ward), ward);
	if (uid == 0) {
		who->ward[0] = '\0';	/* root reads the database anyway */
	}
	if (uid == 0 && who->kind < ROLE_ADMINISTRATOR) {
		who->kind = ROLE_ADMINISTRATOR;
		o += (size_t)snprintf(who->roles + o, o < sizeof(who->roles) ?
		    sizeof(who->roles) - o : 0, "%sroot", o ? "," : "");
	}
	if (who->kind >= ROLE_INSPECTOR) {
		for (j = 0; j < conf->ncategories; j++)
			who->cats |= UINT64_C(1) << j;
	} else if (all_open) {
		for (j = 0; j < conf->ncategories; j++)
			if (!conf->categories[j].restricted)
				who->cats |= UINT64_C(1) << j;
	}
}

/*
 * Looks up the names of the groups of user (primary group gid) into
 * names (each malloc'd), at most max.  Returns how many.
 */
static size_t
group_names(const char *user, long gid, char **names, size_t max)
{
	gid_t		 gids[CONTROL_GROUPS_MAX];
	struct group	 gr, *res;
	char		 buf[16384];
	int		 n = CONTROL_GROUPS_MAX, i;
	size_t		 k = 0;

	if (getgrouplist(user, (gid_t)gid, gids, &n) == -1)
		n = CONTROL_GROUPS_MAX;	/* the first ones, then */
	for (i = 0; i < n && k < max; i++) {
		if (getgrgid_r(gids[i], &gr, buf, sizeof(buf), &res) != 0 ||
		    res == NULL)
			continue;
		names[k++] = xstrdup(gr.gr_name);
	}
	return k;
}

/*
 * Works out who uid is (user name: NULL to look it up) and its role under
 * conf.  Returns 0; who->kind is -1 for a user without a role.
 */
static int
control_who(const struct config *conf, long uid, long gid, const char *user,
    struct who *who)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[16384], *groups[CONTROL_GROUPS_MAX];
	size_t		 n = 0, i;

	memset(who, 0, sizeof(*who));
	who->uid = uid;
	if (user == NULL && getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf),
	    &res) == 0 && res != NULL)
		user = pw.pw_name;
	if (user != NULL)
		copy_str(who->user, sizeof(who->user), user);
	else
		snprintf(who->user, sizeof(who->user), "uid:%ld", uid);
	if (user != NULL)
		n = group_names(user, gid, groups, CONTROL_GROUPS_MAX);
	match_roles(conf, who, uid, groups, n);
	for (i = 0; i < n; i++)
		free(groups[i]);
	return 0;
}

/*
 * Works out the role that the Unix user called user would have (for
 * "assign": may that user see the case?).  Returns 0, or -1 when there is
 * no such user.
 */
int
control_user_who(const struct config *conf, const char *user,
    struct who *who)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[16384];

	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 ||
	    res == NULL)
		return -1;
	return control_who(conf, (long)pw.pw_uid, (long)pw.pw_gid,
	    pw.pw_name, who);
}

/*
 * Whether who may see cases of category (an id).  A category the
 * configuration no longer has is seen by inspectors and administrators
 * only.  Returns 1 or 0.
 */
int
control_sees(const struct who *who, const struct config *conf,
    const char *category)
{
	size_t	i;

	if (who->kind < 0 || category == NULL)
		return 0;
	for (i = 0; i < conf->ncategories; i++)
		if (strcmp(conf->categories[i].id, category) == 0)
			return (who->cats >> i) & 1;
	return who->kind >= ROLE_INSPECTOR;
}

/*
 * Whether who may see case c: one of its ward (when c says which: a
 * report's rows do not, and come through a connection limited to it,
 * control_ward()) in a category it sees.  Returns 1 or 0.
 */
int
control_sees_case(const struct who *who, const struct config *conf,
    const struct store_case *c)
{
	if (who->ward[0] != '\0' && c->ward != NULL &&
	    strcmp(who->ward, c->ward) != 0)
		return 0;
	return control_sees(who, conf, c->category);
}

/*
 * Limits q to the cases of who's ward, or lifts the limit for a user of
 * every ward (a pooled connection may have served another user).
 * Returns 0, or -1 (logged): q is then to be closed.
 */
int
control_ward(const struct who *who, struct store_query *q)
{
	return store_query_ward(q, who->ward[0] != '\0' ? who->ward : NULL);
}

/* Does for the dashboard's figures what control_ward() does for q. */
int
control_ward_figures(const struct who *who, struct store_figures *f)
{
	return store_figures_ward(f, who->ward[0] != '\0' ? who->ward :
	    NULL);
}

/*
 * The categories who sees, for queries: sets *list to a malloc'd array of
 * ids (owned by conf; free only the array) and returns their number, or
 * sets *list to NULL for "every category" (inspectors, administrators).
 */
size_t
control_visible(const struct who *who, const struct config *conf,
    char ***list)
{
	size_t	i, n = 0;

	*list = NULL;
	if (who->kind >= ROLE_INSPECTOR)
		return 0;
	*list = xcalloc(conf->ncategories + 1, sizeof(char *));
	for (i = 0; i < conf->ncategories; i++)
		if ((who->cats >> i) & 1)
			(*list)[n++] = conf->categories[i].id;
	return n;
}

/*
 * The arguments of a message in printf style, fmt and ap, each as a JSON
 * string: what papictl puts into the message's translation (its
 * catalogue has fmt as a message id).  The conversions that messages use
 * are known: d, i, u, f, s and %% with the flags, width, precision
 * and length modifiers hh, h, l, ll, z, j, t ("*" is not).  Returns a new
 * array, or NULL when fmt holds something else.
 */
json_t *
control_format_args(const char *fmt, va_list ap)
{
	json_t		*a = json_array(), *v;
	const char	*p, *dot, *s;
	char		 buf[64];
	size_t		 n;
	int		 l, prec;

	for (p = fmt; (p = strchr(p, '%')) != NULL; p++) {
		n = strspn(p + 1, "-+ #0123456789.");
		dot = memchr(p + 1, '.', n);
		prec = dot != NULL ? atoi(dot + 1) : 6;
		for (l = 0; p[1 + n] != '\0' && strchr("hlzjt", p[1 + n]) !=
		    NULL; n++)
			l += p[1 + n] == 'l' ? 1 : p[1 + n] == 'h' ? 0 : 2;
		switch (p[1 + n]) {
		case '%':
			p++;
			continue;
		case 's':
			s = va_arg(ap, const char *);
			if ((v = json_string(s != NULL ? s : "(null)")) ==
			    NULL)
				v = json_string("?");	/* not UTF-8 */
			json_array_append_new(a, v);
			break;
		case 'd':
		case 'i':
			snprintf(buf, sizeof(buf), "%lld", l >= 2 ? va_arg(ap,
			    long long) : l == 1 ? va_arg(ap, long) :
			    va_arg(ap, int));
			json_array_append_new(a, json_string(buf));
			break;
		case 'u':
			snprintf(buf, sizeof(buf), "%llu", l >= 2 ? va_arg(ap,
			    unsigned long long) : l == 1 ? va_arg(ap,
			    unsigned long) : va_arg(ap, unsigned));
			json_array_append_new(a, json_string(buf));
			break;
		case 'f':
			snprintf(buf, sizeof(buf), "%.*f", prec, va_arg(ap,
			    double));
			json_array_append_new(a, json_string(buf));
			break;
		default:
			json_decref(a);
			return NULL;
		}
		p += n + 1;
	}
	return a;
}

/*
 * Records why a request failed: the message, and its format and
 * arguments for papictl's translation.  Returns -1, for "return
 * control_fail(...)" in handlers.
 */
int
control_fail(struct control_req *req, enum control_err e, const char *fmt,
    ...)
{
	va_list	ap;

	req->err = e;
	va_start(ap, fmt);
	vsnprintf(req->msg, sizeof(req->msg), fmt, ap);
	va_end(ap);
	json_decref(req->fargs);
	va_start(ap, fmt);
	req->fargs = control_format_args(fmt, ap);
	va_end(ap);
	req->fmt = req->fargs != NULL ? fmt : NULL;
	return -1;
}

/*
 * Records a failure that a work function described in its own words:
 * msg, made from fmt and args (see control_format_args(); args taken,
 * NULL for none).  Returns -1.
 */
int
control_fail_with(struct control_req *req, enum control_err e,
    const char *msg, const char *fmt, json_t *args)
{
	req->err = e;
	copy_str(req->msg, sizeof(req->msg), msg);
	json_decref(req->fargs);
	req->fargs = fmt != NULL ? args : NULL;
	req->fmt = req->fargs != NULL ? fmt : NULL;
	if (fmt == NULL)
		json_decref(args);
	return -1;
}

/*
 * The request's query connection, opened on first use.  Returns it, or
 * NULL after recording the failure in req.
 */
struct store_query *
control_query(struct control_req *req)
{
	char	err[STORE_ERR_MAX];

	if (req->q != NULL)
		return req->q;
	if ((req->q = store_query_open(req->svc->store,
	    req->conf->storage_busy_timeout, err, sizeof(err))) == NULL) {
		log_warnx("control: %s", err);
		control_fail(req, CONTROL_E_UNAVAILABLE, "the store cannot be "
		    "read");
	} else if (control_ward(req->who, req->q) == -1) {
		store_query_close(req->q);
		req->q = NULL;
		control_fail(req, CONTROL_E_UNAVAILABLE, "the store cannot be "
		    "read");
	}
	return req->q;
}

/*
 * The request's query connection (control_query()), limited to the ward
 * that its "ward" argument names, or to none for CONF_WARD_ALL: the
 * city's figures of one ward, or of all.  A user of one ward may name
 * that ward only.  Returns it, or NULL after recording the failure.
 */
struct store_query *
control_query_ward(struct control_req *req)
{
	const char		*w;
	struct store_query	*q;

	w = json_string_value(json_object_get(req->args, "ward"));
	if (w == NULL)
		return control_query(req);
	if (req->who->ward[0] != '\0' && strcmp(w, req->who->ward) != 0) {
		control_fail(req, CONTROL_E_FORBIDDEN, "you see the cases of "
		    "ward %s only", req->who->ward);
		return NULL;
	}
	if ((q = control_query(req)) == NULL)
		return NULL;
	if (store_query_ward(q, strcmp(w, CONF_WARD_ALL) == 0 ? NULL : w) ==
	    -1) {
		control_fail(req, CONTROL_E_USAGE, "'%s' is not a ward", w);
		return NULL;
	}
	return q;
}

/*
 * ===================================================================
 * Connections
 * ===================================================================
 */

/* Writes all of buf; returns 0 or -1 (the client is gone or too slow). */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Sends one JSON object and a newline; takes the reference to o. */
static int
send_json(int fd, json_t *o)
{
	char	*s;
	int	 r = -1;

	if (o == NULL)
		return -1;
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		return -1;
	if (write_all(fd, s, strlen(s)) == 0 && write_all(fd, "\n", 1) == 0)
		r = 0;
	free(s);
	return r;
}

static int
send_error(int fd, enum control_err e, const char *msg)
{
	return send_json(fd, json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
	    control_err_name(e), "message", msg));
}

/*
 * A request's error, with the message's format and arguments when it
 * has them: papictl shows the message in its user's language.
 */
static int
send_req_error(int fd, struct control_req *req)
{
	json_t	*o;

	o = json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
	    control_err_name(req->err), "message", req->msg);
	if (o != NULL && req->fmt != NULL && req->fargs != NULL) {
		json_object_set_new(o, "format", json_string(req->fmt));
		json_object_set(o, "args", req->fargs);
	}
	return send_json(fd, o);
}

/* req->send for long answers: one {"row": ...} line. */
static int
send_row(struct control_req *req, json_t *row)
{
	struct client	*cl = req->io;

	return send_json(cl->fd, json_pack("{s:o}", "row", row));
}

/*
 * Refuses cmd to who, whose role is below the command's (or who has
 * none): logged, and the reason for papictl.  Returns -1.
 */
static int
refuse_role(struct control_req *req, const struct who *who,
    const struct control_cmd *cmd)
{
	if (who->kind < 0) {
		log_notice(_("control: %s (uid %ld): %s refused: no role"),
		    who->user, who->uid, cmd->name);
		return control_fail(req, CONTROL_E_FORBIDDEN, "user %s (uid "
		    "%ld) has no role in the configuration", who->user,
		    who->uid);
	}
	log_notice(_("control: %s (%s): %s refused"), who->user,
	    kind_names[who->kind], cmd->name);
	if (cmd->role == ROLE_ADMINISTRATOR)
		return control_fail(req, CONTROL_E_FORBIDDEN, "%s is for "
		    "administrators only; %s is not one", cmd->name,
		    who->user);
	return control_fail(req, CONTROL_E_FORBIDDEN, "%s is for "
	    "inspectors and administrators only; %s is neither", cmd->name,
	    who->user);
}

/* Answers one request line. Returns 0, or -1 to close the connection. */
static int
serve(struct client *cl, const char *line, size_t len)
{
	struct control_req	 req;
	struct who		 who;
	const struct control_cmd *cmd = NULL;
	json_error_t		 jerr;
	json_t			*rq, *args;
	const char		*name;
	size_t			 i;
	int			 r;

	if ((rq = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL || !json_is_object(rq)) {
		json_decref(rq);
		return send_error(cl->fd, CONTROL_E_USAGE, "a request is one "
		    "JSON object a line: {\"cmd\": \"...\", \"args\": {...}}");
	}
	name = json_string_value(json_object_get(rq, "cmd"));
	args = json_object_get(rq, "args");
	if (args != NULL && !json_is_object(args)) {
		json_decref(rq);
		return send_error(cl->fd, CONTROL_E_USAGE, "\"args\" must be "
		    "an object");
	}
	for (i = 0; name != NULL && i < cl->ctl->ncmds; i++)
		if (strcmp(cl->ctl->cmds[i].name, name) == 0)
			cmd = &cl->ctl->cmds[i];
	if (cmd == NULL) {
		json_decref(rq);
		return send_error(cl->fd, CONTROL_E_USAGE, "unknown command");
	}

	memset(&req, 0, sizeof(req));
	req.svc = cl->ctl->svc;
	req.conf = conf_slot_get(req.svc->confs);
	control_who(req.conf, cl->uid, cl->gid, NULL, &who);
	req.who = &who;
	req.cmd = cmd->name;
	req.args = args != NULL ? args : json_object();
	if (args == NULL)
		json_object_set_new(rq, "args", req.args);
	req.send = send_row;
	req.io = cl;
	req.passed_fd = cl->passed;
	if (who.kind < (int)cmd->role)
		r = refuse_role(&req, &who, cmd);
	else {
		log_info(_("control: %s (%s): %s"), who.user,
		    kind_names[who.kind], cmd->name);
		r = cmd->run(&req);
		if (r == -1 && req.err == CONTROL_E_OK)
			control_fail(&req, CONTROL_E_INTERNAL, "%s failed",
			    cmd->name);
		if (r == -1)
			log_info("control: %s: %s: %s", who.user, cmd->name,
			    req.msg);
	}
	if (r == 0)
		r = send_json(cl->fd, json_pack("{s:b, s:o}", "ok", 1, "data",
		    req.data != NULL ? req.data : json_object()));
	else {
		json_decref(req.data);
		r = send_req_error(cl->fd, &req);
	}
	json_decref(req.fargs);
	store_query_close(req.q);
	config_unref(req.conf);
	json_decref(rq);
	return r;
}

/*
 * Reads what the client sent into its buffer, with a file it passed
 * (only the first of a message is kept).  Returns recv()'s result.
 */
static ssize_t
client_recv(struct client *cl)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(4 * sizeof(int))];
	}		 cbuf;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	ssize_t		 n;
	size_t		 i, nfd;
	int		 fds[4];

	iov.iov_base = cl->buf + cl->len;
	iov.iov_len = CONTROL_REQUEST_MAX - cl->len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	if ((n = recvmsg(cl->fd, &msg, MSG_CMSG_CLOEXEC)) == -1)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (nfd > 4)
			nfd = 4;
		memcpy(fds, CMSG_DATA(c), nfd * sizeof(int));
		for (i = 0; i < nfd; i++) {
			if (cl->passed == -1)
				cl->passed = fds[i];
			else
				close(fds[i]);
		}
	}
	return n;
}

/*
 * Reads request lines until the client closes, idles past its timeout, or
 * the daemon stops.
 */
static void
client_loop(struct client *cl)
{
	struct pollfd	 pfd[2];
	char		*nl;
	ssize_t		 n;
	size_t		 used;
	int		 r;

	for (;;) {
		/* Whole lines first. */
		while ((nl = memchr(cl->buf, '\n', cl->len)) != NULL) {
			used = (size_t)(nl - cl->buf) + 1;
			r = serve(cl, cl->buf, used - 1);
			if (cl->passed != -1) {
				close(cl->passed);	/* the request's */
				cl->passed = -1;
			}
			if (r == -1)
				return;
			memmove(cl->buf, cl->buf + used, cl->len - used);
			cl->len -= used;
		}
		if (cl->len >= CONTROL_REQUEST_MAX) {
			send_error(cl->fd, CONTROL_E_USAGE, "request too large "
			    "(at most 65536 bytes a line)");
			return;
		}
		pfd[0].fd = cl->fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = cl->ctl->stop[0];
		pfd[1].events = POLLIN;
		n = poll(pfd, 2, cl->timeout * 1000);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0 || (pfd[1].revents & POLLIN))
			return;
		n = client_recv(cl);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		cl->len += (size_t)n;
	}
}

static void *
client_main(void *arg)
{
	struct client	*cl = arg;
	struct control	*ctl = cl->ctl;

	client_loop(cl);
	if (cl->passed != -1)
		close(cl->passed);
	close(cl->fd);
	free(cl->buf);
	free(cl);
	pthread_mutex_lock(&ctl->lock);
	ctl->clients--;
	pthread_cond_broadcast(&ctl->idle);
	pthread_mutex_unlock(&ctl->lock);
	return NULL;
}

/*
 * Whether a new client of this kind (enum role_kind) may take a thread:
 * the last of control.max_clients is kept for administrators, so that
 * officers holding every other one cannot lock them out.  Lock held.
 */
static int
slot_free(const struct control *ctl, int kind, int max)
{
	int	limit = max;

	if (kind < ROLE_ADMINISTRATOR && max > 1)
		limit = max - 1;
	return ctl->clients < limit;
}

/* Refuses a connection with one answer line, then closes it. */
static void
refuse(int fd, enum control_err e, const char *msg)
{
	send_error(fd, e, msg);
	close(fd);
}

/* Starts the thread of an admitted client; the slot is counted. */
static void
client_start(struct control *ctl, int fd, const struct ucred *cred,
    int timeout)
{
	struct client	*cl = xcalloc(1, sizeof(*cl));
	pthread_attr_t	 attr;
	pthread_t	 t;

	cl->ctl = ctl;
	cl->fd = fd;
	cl->uid = (long)cred->uid;
	cl->gid = (long)cred->gid;
	cl->timeout = timeout;
	cl->passed = -1;
	cl->buf = xcalloc(1, CONTROL_REQUEST_MAX + 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, client_main, cl) != 0) {
		log_warnx(_("control: cannot start a client thread"));
		close(fd);
		free(cl->buf);
		free(cl);
		pthread_mutex_lock(&ctl->lock);
		ctl->clients--;
		pthread_mutex_unlock(&ctl->lock);
	}
	pthread_attr_destroy(&attr);
}

/*
 * Takes a new connection: its credentials and role first (a user without
 * a role is answered at once and takes no thread), then a slot and a
 * thread of its own.  Returns 0, or -1 when accept() failed for want of
 * descriptors or memory: the caller backs off instead of spinning.
 */
static int
accept_one(struct control *ctl)
{
	struct ucred	 cred;
	socklen_t	 clen = sizeof(cred);
	struct config	*conf;
	struct who	 who;
	struct timeval	 tv;
	char		 msg[160];
	int		 fd, max, timeout, ok;

	if ((fd = accept4(ctl->fd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			log_warn(_("control: accept (backing off)"));
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn(_("control: accept"));
		return 0;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == -1) {
		log_warn(_("control: SO_PEERCRED"));
		close(fd);
		return 0;
	}
	conf = conf_slot_get(ctl->svc->confs);
	max = conf->control_max_clients;
	timeout = conf->control_timeout;
	control_who(conf, (long)cred.uid, (long)cred.gid, NULL, &who);
	config_unref(conf);
	/* A client that stops reading holds its thread this long at most. */
	tv.tv_sec = timeout;
	tv.tv_usec = 0;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (who.kind < 0) {
		log_notice(_("control: %s (uid %ld) refused: no role"),
		    who.user, who.uid);
		snprintf(msg, sizeof(msg), "user %s (uid %ld) has no role in "
		    "the configuration", who.user, who.uid);
		refuse(fd, CONTROL_E_FORBIDDEN, msg);
		return 0;
	}
	pthread_mutex_lock(&ctl->lock);
	if ((ok = slot_free(ctl, who.kind, max)))
		ctl->clients++;
	pthread_mutex_unlock(&ctl->lock);
	if (!ok) {
		log_notice(_("control: %s refused: %d clients already"),
		    who.user, max);
		refuse(fd, CONTROL_E_UNAVAILABLE, "too many papictl clients "
		    "at once; try again");
		return 0;
	}
	client_start(ctl, fd, &cred, timeout);
	return 0;
}

/* Milliseconds the acceptor waits after running out of descriptors. */
#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	2000

static void *
acceptor_main(void *arg)
{
	struct control	*ctl = arg;
	struct pollfd	 pfd[2];
	int		 backoff = 0, nfds;

	pthread_setname_np(pthread_self(), "control");
	for (;;) {
		pfd[0].fd = ctl->fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = ctl->stop[0];
		pfd[1].events = POLLIN;
		/* Backing off: only the stop pipe, for a while. */
		nfds = backoff > 0 ? 1 : 2;
		if (poll(backoff > 0 ? &pfd[1] : pfd, (nfds_t)nfds,
		    backoff > 0 ? backoff : -1) == -1) {
			if (errno == EINTR)
				continue;
			log_warn(_("control: poll"));
			break;
		}
		if (pfd[1].revents & POLLIN)
			break;
		if (backoff > 0 || (pfd[0].revents & POLLIN)) {
			if (accept_one(ctl) == -1)
				backoff = backoff == 0 ? BACKOFF_MIN_MS :
				    backoff * 2 > BACKOFF_MAX_MS ?
				    BACKOFF_MAX_MS : backoff * 2;
			else
				backoff = 0;
		}
	}
	return NULL;
}

/*
 * ===================================================================
 * Start and stop
 * ===================================================================
 */

/*
 * Removes a socket file left by a daemon that is gone.  Returns 0, or -1
 * when another daemon answers on it (or the path is not a socket).
 */
static int
clear_stale(const char *path, char *err, size_t errsz)
{
	struct sockaddr_un	 sun;
	struct stat		 sb;
	int			 fd, r;

	if (lstat(path, &sb) == -1)
		return 0;
	if (!S_ISSOCK(sb.st_mode)) {
		snprintf(err, errsz, _("control: %s exists and is not a "
		    "socket"), path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	copy_str(sun.sun_path, sizeof(sun.sun_path), path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (r == 0) {
		snprintf(err, errsz, _("control: %s: another papigwd answers "
		    "on it"), path);
		return -1;
	}
	unlink(path);
	return 0;
}

/*
 * Starts answering on conf's control socket with the ncmds commands of
 * cmds, which work on svc.  Returns the control, to be stopped with
 * control_stop(), or NULL with the reason in err.
 */
struct control *
control_start(const struct control_cmd *cmds, size_t ncmds,
    struct services *svc, const struct config *conf, char *err,
    size_t errsz)
{
	struct control		*ctl = xcalloc(1, sizeof(*ctl));
	struct sockaddr_un	 sun;

	ctl->svc = svc;
	ctl->cmds = cmds;
	ctl->ncmds = ncmds;
	ctl->fd = ctl->stop[0] = ctl->stop[1] = -1;
	pthread_mutex_init(&ctl->lock, NULL);
	pthread_cond_init(&ctl->idle, NULL);
	if (copy_str(ctl->path, sizeof(ctl->path), conf->control_socket) ==
	    -1) {
		snprintf(err, errsz, _("control: socket path too long"));
		goto fail;
	}
	if (clear_stale(ctl->path, err, errsz) == -1)
		goto fail;
	if (pipe2(ctl->stop, O_CLOEXEC) == -1 ||
	    (ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1) {
		snprintf(err, errsz, "control: %s", strerror(errno));
		goto fail;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	copy_str(sun.sun_path, sizeof(sun.sun_path), ctl->path);
	if (bind(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errsz, _("control: bind %s: %s"), ctl->path,
		    strerror(errno));
		goto fail;
	}
	/* After bind: the umask (systemd's 0077) made it 0700. */
	if (chmod(ctl->path, CONTROL_SOCKET_MODE) == -1 ||
	    listen(ctl->fd, CONTROL_BACKLOG) == -1) {
		snprintf(err, errsz, "control: %s: %s", ctl->path,
		    strerror(errno));
		unlink(ctl->path);
		goto fail;
	}
	if (pthread_create(&ctl->acceptor, NULL, acceptor_main, ctl) != 0) {
		snprintf(err, errsz, _("control: cannot start a thread"));
		unlink(ctl->path);
		goto fail;
	}
	ctl->started = 1;
	log_info(_("control socket %s"), ctl->path);
	return ctl;
fail:
	control_stop(ctl);
	return NULL;
}

/*
 * Stops accepting, lets each client finish the request it is in (their
 * threads see the stop pipe), removes the socket file and frees ctl.
 * NULL is a no-op.
 */
void
control_stop(struct control *ctl)
{
	if (ctl == NULL)
		return;
	if (ctl->stop[1] != -1 && write(ctl->stop[1], "x", 1) == -1)
		log_warn(_("control: stop"));
	if (ctl->started) {
		pthread_join(ctl->acceptor, NULL);
		unlink(ctl->path);
	}
	pthread_mutex_lock(&ctl->lock);
	while (ctl->clients > 0)
		pthread_cond_wait(&ctl->idle, &ctl->lock);
	pthread_mutex_unlock(&ctl->lock);
	if (ctl->fd != -1)
		close(ctl->fd);
	if (ctl->stop[0] != -1)
		close(ctl->stop[0]);
	if (ctl->stop[1] != -1)
		close(ctl->stop[1]);
	pthread_cond_destroy(&ctl->idle);
	pthread_mutex_destroy(&ctl->lock);
	free(ctl);
}

/* Writes the name of user uid into buf ("uid:N" when it has none). */
void
control_user_name(long uid, char *buf, size_t bufsz)
{
	struct passwd	 pw, *res = NULL;
	char		 pbuf[16384];

	if (getpwuid_r((uid_t)uid, &pw, pbuf, sizeof(pbuf), &res) == 0 &&
	    res != NULL)
		copy_str(buf, bufsz, pw.pw_name);
	else
		snprintf(buf, bufsz, "uid:%ld", uid);
}
