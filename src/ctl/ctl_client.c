/*
 * ctl_client.c: what papictl's daemon commands share: talking to papigwd
 * over its control socket, and printing tables and times.
 *
 * ctl_call() connects to the socket (-s, or the configuration's
 * control.socket), sends one request line {"cmd": ..., "args": {...}},
 * and reads the answer: {"ok": true, "data": ...}, or an error, which it
 * prints as "papictl: message"; rows of a long answer ({"row": ...}, an
 * export) go to a callback as they come.  papictl never opens the
 * database.
 *
 * Tables are aligned by display width (text_width(): utf8proc's
 * charwidth), not bytes, so that Vietnamese text with combining marks or
 * wide characters stays in its column; a cell may be limited to a width
 * and is then cut with "…".
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/control_proto.h"
#include "ctl/papictl.h"

#define LINE_MAX_BYTES	(16 * 1024 * 1024)	/* one answer line */
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * ===================================================================
 * The control socket
 * ===================================================================
 */

/* control.socket's default, for officers who may not read the file. */
#define SOCKET_DEFAULT	"/run/papigw/control.sock"

/*
 * The socket to use: -s, or control.socket of the configuration, or its
 * default when the configuration file cannot be read at all (it may be
 * readable by the papigw group only: officers need not read it).
 */
static int
socket_path(struct ctl_globals *g, char *buf, size_t bufsz)
{
	char		 err[CONF_ERR_MAX];
	struct config	*conf;

	if (g->socket_path != NULL)
		return copy_str(buf, bufsz, g->socket_path);
	if (g->noverrides == 0 && access(g->conf_path, R_OK) == -1)
		return copy_str(buf, bufsz, SOCKET_DEFAULT);
	conf = config_load(g->conf_path, g->overrides, g->noverrides, err,
	    sizeof(err));
	if (conf == NULL) {
		fprintf(stderr, _("papictl: %s\n(give the daemon's socket "
		    "with -s)\n"), err);
		return -1;
	}
	copy_str(buf, bufsz, conf->control_socket);
	config_free(conf);
	return 0;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (copy_str(sun.sun_path, sizeof(sun.sun_path), path) == -1) {
		fprintf(stderr, _("papictl: %s: path too long\n"), path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "papictl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, _("papictl: cannot reach papigwd at %s: %s\n"),
		    path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *s, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = send(fd, s, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one line into *buf (grown as needed); returns its length or -1. */
static ssize_t
read_line(int fd, char **buf, size_t *cap, size_t *have)
{
	char	*nl;
	ssize_t	 n;
	size_t	 len;

	for (;;) {
		if (*have > 0 && (nl = memchr(*buf, '\n', *have)) != NULL) {
			len = (size_t)(nl - *buf);
			*nl = '\0';
			return (ssize_t)len;
		}
		if (*have + 1 >= *cap) {
			if (*cap >= LINE_MAX_BYTES)
				return -1;
			*cap = *cap ? *cap * 2 : 65536;
			if ((*buf = realloc(*buf, *cap)) == NULL)
				return -1;
		}
		n = recv(fd, *buf + *have, *cap - *have - 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		*have += (size_t)n;
	}
}

/*
 * Connects to papigwd and sends it the request line of command cmd with
 * args (the reference is taken; NULL for none).  Returns the connected
 * socket, or -1 after printing why not.
 */
/*
 * Sends the first byte of a request with the open file pass (SCM_RIGHTS):
 * the daemon reads that file, which it may not be able to open by name.
 * Returns 0 or -1.
 */
static int
send_passing(int fd, const char *s, int pass)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	}		 cbuf;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;

	iov.iov_base = (void *)s;
	iov.iov_len = 1;
	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &pass, sizeof(int));
	while (sendmsg(fd, &msg, MSG_NOSIGNAL) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int
send_request(struct ctl_globals *g, const char *cmd, json_t *args, int pass)
{
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char		*req = NULL;
	json_t		*o = NULL;
	int		 fd = -1;

	o = json_pack("{s:s, s:o}", "cmd", cmd, "args", args != NULL ? args :
	    json_object());
	if (o == NULL || (req = json_dumps(o, JSON_COMPACT)) == NULL) {
		fprintf(stderr, "%s\n", _("papictl: cannot build the request "
		    "(is the text UTF-8?)"));
		goto fail;
	}
	if (strlen(req) >= CONTROL_REQUEST_MAX) {
		fprintf(stderr, "%s\n", _("papictl: request too large"));
		goto fail;
	}
	if (socket_path(g, path, sizeof(path)) == -1 ||
	    (fd = connect_to(path)) == -1)
		goto fail;
	/*
	 * The daemon may answer and close before reading a request it
	 * refuses (no role, too many clients): its answer then waits in
	 * the socket, read next, so a broken pipe is not the end.
	 */
	if (((pass != -1 && send_passing(fd, req, pass) == -1) ||
	    write_all(fd, req + (pass != -1), strlen(req) - (pass != -1)) ==
	    -1 || write_all(fd, "\n", 1) == -1) && errno != EPIPE) {
		fprintf(stderr, "papictl: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	free(req);
	json_decref(o);
	return fd;
fail:
	if (fd != -1)
		close(fd);
	free(req);
	json_decref(o);
	return -1;
}

/*
 * Messages the daemon passes on as they are (a "%s" of its own), which
 * papictl translates whole: the reasons of the report periods.
 */
static const char *const passed_on[] = {
	N_("give a quarter or --from and --to, not both"),
	N_("give --quarter YYYYQN, or --from and --to YYYY-MM-DD"),
	N_("dates are YYYY-MM-DD"),
	N_("--to is before --from"),
};

/* An argument of a daemon's message, translated when it is a state. */
static const char *
arg_text(const char *a)
{
	const char	*t = ctl_state_label(a, 0);

	return t != NULL ? t : a;
}

/*
 * The message of a failed answer in the user's language: the daemon
 * sends its format ("no case %s") and arguments beside the English; the
 * translation of the format gets the arguments back, in order or by
 * position ("%2$s").  Returns msg when there is no translation.
 */
static const char *
translated(json_t *ans, const char *msg, char *buf, size_t bufsz)
{
	const char	*fmt = json_string_value(json_object_get(ans, "format"));
	json_t		*args = json_object_get(ans, "args");
	const char	*tr, *p, *a;
	size_t		 o = 0, next = 0, i;
	long		 pos;

	if (fmt == NULL || !json_is_array(args))
		return msg;
	if (strcmp(fmt, "%s") == 0 && json_array_size(args) == 1) {
		a = json_string_value(json_array_get(args, 0));
		for (i = 0; a != NULL && i < nitems(passed_on); i++)
			if (strcmp(a, passed_on[i]) == 0)
				return _(passed_on[i]);
		return msg;
	}
	if ((tr = _(fmt)) == fmt)
		return msg;
	for (p = tr; *p != '\0' && o + 1 < bufsz; p++) {
		if (*p != '%' || p[1] == '%') {
			buf[o++] = *p;
			p += *p == '%';
			continue;
		}
		pos = strtol(p + 1, (char **)&a, 10);
		if (*a == '$' && pos > 0)
			p = a;
		else
			pos = (long)++next;
		p += strspn(p + 1, "-+ #0123456789.hlzjt") + 1;
		a = json_string_value(json_array_get(args, (size_t)pos - 1));
		o += (size_t)snprintf(buf + o, bufsz - o, "%s", a != NULL ?
		    arg_text(a) : "?");
		if (o >= bufsz)
			o = bufsz - 1;
	}
	buf[o] = '\0';
	return buf;
}

/*
 * Takes the last line of an answer, ans: sets *data to its data (when
 * data is not NULL) and returns CTL_OK, or prints the daemon's reason and
 * returns CTL_USAGE when it found the arguments wrong, else CTL_FAIL.
 */
static int
final_answer(json_t *ans, json_t **data)
{
	const char	*err, *msg;
	char		 buf[1024];

	if (json_is_true(json_object_get(ans, "ok"))) {
		if (data != NULL) {
			*data = json_incref(json_object_get(ans, "data"));
			if (*data == NULL)
				*data = json_object();
		}
		return CTL_OK;
	}
	err = json_string_value(json_object_get(ans, "error"));
	msg = json_string_value(json_object_get(ans, "message"));
	fprintf(stderr, "papictl: %s\n", msg != NULL ? translated(ans, msg,
	    buf, sizeof(buf)) : _("the daemon refused the request"));
	return err != NULL && strcmp(err, "usage") == 0 ? CTL_USAGE :
	    CTL_FAIL;
}

/*
 * Reads papigwd's answer from fd: each row of a long answer goes to
 * row(row, arg) when row is given, and the last line is taken by
 * final_answer().  Returns what final_answer() returns, or CTL_FAIL after
 * printing why the answer could not be read (or when row() failed).
 */
static int
read_answer(int fd, json_t **data, int (*row)(json_t *, void *), void *arg)
{
	char		*buf = NULL;
	size_t		 cap = 0, have = 0, used;
	ssize_t		 len;
	json_t		*ans;
	json_error_t	 jerr;
	int		 r = CTL_FAIL;

	for (;;) {
		if ((len = read_line(fd, &buf, &cap, &have)) < 0) {
			fprintf(stderr, "%s\n", _("papictl: papigwd closed "
			    "the connection without an answer"));
			goto done;
		}
		ans = json_loadb(buf, (size_t)len, 0, &jerr);
		used = (size_t)len + 1;
		memmove(buf, buf + used, have - used);
		have -= used;
		if (ans == NULL) {
			fprintf(stderr, _("papictl: unreadable answer: %s\n"),
			    jerr.text);
			goto done;
		}
		if (json_object_get(ans, "row") != NULL) {
			if (row != NULL && row(json_object_get(ans, "row"),
			    arg) == -1) {
				json_decref(ans);
				goto done;
			}
			json_decref(ans);
			continue;
		}
		r = final_answer(ans, data);
		json_decref(ans);
		break;
	}
done:
	free(buf);
	return r;
}

/*
 * Sends command cmd with args (the reference is taken; NULL for none) to
 * papigwd.  On success sets *data to the answer's data (the caller
 * decrefs it; data may be NULL to ignore it) and returns CTL_OK.  row(row,
 * arg), when given, gets each row of a long answer.  On failure prints the
 * reason and returns CTL_FAIL, or CTL_USAGE when the daemon found the
 * arguments wrong.
 */
int
ctl_call(struct ctl_globals *g, const char *cmd, json_t *args, json_t **data,
    int (*row)(json_t *, void *), void *arg)
{
	int	fd, r;

	if (data != NULL)
		*data = NULL;
	if ((fd = send_request(g, cmd, args, -1)) == -1)
		return CTL_FAIL;
	r = read_answer(fd, data, row, arg);
	close(fd);
	return r;
}

/* ctl_call() with the open file pass handed to the daemon. */
int
ctl_call_passing(struct ctl_globals *g, const char *cmd, json_t *args,
    int pass, json_t **data)
{
	int	fd, r;

	if (data != NULL)
		*data = NULL;
	if ((fd = send_request(g, cmd, args, pass)) == -1)
		return CTL_FAIL;
	r = read_answer(fd, data, NULL, NULL);
	close(fd);
	return r;
}

/* Prints data as one JSON line (--json). */
void
ctl_print_json(json_t *data)
{
	json_dumpf(data, stdout, JSON_COMPACT);
	putchar('\n');
}

/*
 * ===================================================================
 * Values
 * ===================================================================
 */

/* A JSON time in the local time zone, the day and with_time the time. */
static const char *
local_time(json_t *t, int with_time, char *buf, size_t bufsz)
{
	time_t		v;
	struct tm	tm;

	if (!json_is_integer(t) || json_integer_value(t) == 0) {
		snprintf(buf, bufsz, "-");
		return buf;
	}
	v = (time_t)json_integer_value(t);
	localtime_r(&v, &tm);
	if (with_time)
		strftime(buf, bufsz, "%Y-%m-%d %H:%M", &tm);
	else
		strftime(buf, bufsz, "%Y-%m-%d", &tm);
	return buf;
}

/* "2026-11-27 10:00" (local time) for a JSON time, "-" for null. */
const char *
ctl_time(json_t *t, char *buf, size_t bufsz)
{
	return local_time(t, 1, buf, bufsz);
}

/* "2026-11-27" for a JSON time, "-" for null. */
const char *
ctl_date(json_t *t, char *buf, size_t bufsz)
{
	return local_time(t, 0, buf, bufsz);
}

/* A duration in seconds as "45 min", "3.5 h" or "2.1 d"; "-" for null. */
const char *
ctl_duration(json_t *t, char *buf, size_t bufsz)
{
	double	s;

	if (!json_is_integer(t)) {
		snprintf(buf, bufsz, "-");
		return buf;
	}
	s = (double)json_integer_value(t);
	if (s < 3600)
		/* TRANSLATORS: a duration in minutes. */
		snprintf(buf, bufsz, _("%.0f min"), s / 60);
	else if (s < 2 * 86400)
		/* TRANSLATORS: a duration in hours. */
		snprintf(buf, bufsz, _("%.1f h"), s / 3600);
	else
		/* TRANSLATORS: a duration in days. */
		snprintf(buf, bufsz, _("%.1f d"), s / 86400);
	return buf;
}

/*
 * ISO 8601 local time, "2026-11-27 10:00:00", for a JSON time: what a
 * spreadsheet reads as a date ("" for null).
 */
const char *
ctl_iso(json_t *t, char *buf, size_t bufsz)
{
	time_t		v;
	struct tm	tm;

	buf[0] = '\0';
	if (!json_is_integer(t) || json_integer_value(t) == 0)
		return buf;
	v = (time_t)json_integer_value(t);
	localtime_r(&v, &tm);
	strftime(buf, bufsz, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/*
 * How old something created at JSON time t is, now: "40m", "5h", "12d"
 * (translated: the units of the user's language).
 */
const char *
ctl_age(json_t *t, time_t now, char *buf, size_t bufsz)
{
	long long	s;

	if (!json_is_integer(t)) {
		snprintf(buf, bufsz, "-");
		return buf;
	}
	s = (long long)(now - (time_t)json_integer_value(t));
	if (s < 0)
		s = 0;
	if (s < 3600)
		/* TRANSLATORS: an age in minutes, as short as can be. */
		snprintf(buf, bufsz, _("%lldm"), s / 60);
	else if (s < 2 * 86400)
		/* TRANSLATORS: an age in hours. */
		snprintf(buf, bufsz, _("%lldh"), s / 3600);
	else
		/* TRANSLATORS: an age in days. */
		snprintf(buf, bufsz, _("%lldd"), s / 86400);
	return buf;
}

/* The states of a case, and their names for people. */
static const struct {
	const char	*id;
	const char	*name;
	const char	*brief;
} states[] = {
	{ "received", NC_("state", "received"),
	    NC_("state, brief", "received") },
	{ "assigned", NC_("state", "assigned"),
	    NC_("state, brief", "assigned") },
	{ "in_progress", NC_("state", "in progress"),
	    NC_("state, brief", "in progress") },
	{ "reopened", NC_("state", "reopened"),
	    NC_("state, brief", "reopened") },
	{ "resolved", NC_("state", "resolved"),
	    NC_("state, brief", "resolved") },
	{ "confirmed", NC_("state", "confirmed by the resident"),
	    NC_("state, brief", "confirmed") },
};

/*
 * A case state's name in the user's language ("Đã tiếp nhận"), or its
 * brief name for narrow lists; NULL when state is not a state's id.
 */
const char *
ctl_state_label(const char *state, int brief)
{
	size_t	i;

	for (i = 0; state != NULL && i < nitems(states); i++)
		if (strcmp(states[i].id, state) == 0)
			return i18n_ctext(brief ? states[i].brief :
			    states[i].name);
	return NULL;
}

/*
 * The name of a category for people from the names the daemon sends
 * ({name_vi, name_en, short_vi, short_en}): in the user's language, the
 * short one when brief and configured; def when there are none.
 */
const char *
ctl_names(json_t *names, int brief, const char *def)
{
	int		 vi = strcmp(i18n_lang(), "vi") == 0;
	const char	*s = NULL;

	if (!json_is_object(names))
		return def;
	if (brief)
		s = ctl_str(names, vi ? "short_vi" : "short_en", NULL);
	if (s == NULL)
		s = ctl_str(names, vi ? "name_vi" : "name_en", NULL);
	if (s == NULL)
		s = ctl_str(names, "name_vi", def);
	return s;
}

/* The width of the terminal on standard output, or 80. */
int
ctl_columns(void)
{
	struct winsize	ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) ==
	    0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* A JSON string's value, or def when it is not a string. */
const char *
ctl_str(json_t *o, const char *key, const char *def)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : def;
}

/* A JSON integer member as text ("-" for null). */
const char *
ctl_int(json_t *o, const char *key, char *buf, size_t bufsz)
{
	json_t	*v = json_object_get(o, key);

	if (json_is_integer(v))
		snprintf(buf, bufsz, "%lld", (long long)json_integer_value(v));
	else
		snprintf(buf, bufsz, "-");
	return buf;
}

/*
 * ===================================================================
 * Tables
 * ===================================================================
 */

#define TABLE_COLS_MAX	24

struct ctl_table {
	size_t		 ncols;
	char		*head[TABLE_COLS_MAX];
	size_t		 limit[TABLE_COLS_MAX];	/* columns, 0: none */
	int		 right[TABLE_COLS_MAX];
	size_t		 fill;			/* column + 1, or 0 */
	size_t		 total;			/* its line's width */
	char		**cells;		/* nrows * ncols */
	size_t		 nrows;
	size_t		 cap;
};

/* A table with the given column headings (NULL-terminated). */
struct ctl_table *
ctl_table_new(const char *head, ...)
{
	struct ctl_table	*t = xcalloc(1, sizeof(*t));
	va_list			 ap;
	const char		*h;

	va_start(ap, head);
	for (h = head; h != NULL && t->ncols < TABLE_COLS_MAX;
	    h = va_arg(ap, const char *))
		t->head[t->ncols++] = xstrdup(h);
	va_end(ap);
	return t;
}

/* Column col is cut to width columns with "…"; right-aligned if right. */
void
ctl_table_col(struct ctl_table *t, size_t col, size_t width, int right)
{
	if (col < t->ncols) {
		t->limit[col] = width;
		t->right[col] = right;
	}
}

/*
 * Column col gets what the others leave of a line of total columns (at
 * least 8), and is cut to it: the text of a list on an 80-column
 * terminal.
 */
void
ctl_table_fill(struct ctl_table *t, size_t col, size_t total)
{
	if (col < t->ncols) {
		t->fill = col + 1;
		t->total = total;
	}
}

/* A cell's text: control characters become spaces. */
static char *
cell(const char *s)
{
	char	*c = xstrdup(s != NULL ? s : "-"), *p;

	for (p = c; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

/* Adds a row of ncols strings (copied; NULL prints as "-"). */
void
ctl_table_add(struct ctl_table *t, ...)
{
	va_list	ap;
	size_t	i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->cells = xreallocarray(t->cells, t->cap * t->ncols,
		    sizeof(char *));
	}
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = cell(va_arg(ap,
		    const char *));
	va_end(ap);
	t->nrows++;
}

/* Cuts cell text s to its column's limit (a new string when cut). */
static char *
fit(struct ctl_table *t, size_t col, char *s)
{
	size_t	 n, used;
	char	*c;

	if (t->limit[col] == 0 || text_width(s, strlen(s)) <= t->limit[col])
		return s;
	n = text_cut(s, t->limit[col] - 1, &used);
	c = xcalloc(1, n + 4);
	memcpy(c, s, n);
	memcpy(c + n, "\xe2\x80\xa6", 3);	/* … */
	free(s);
	return c;
}

static void
ctl_table_free(struct ctl_table *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (i = 0; i < t->ncols; i++)
		free(t->head[i]);
	free(t->cells);
	free(t);
}

/*
 * The width of the fill column: what is left of the line once the other
 * columns and the gaps between them are laid out; its cells are cut to
 * it.
 */
static void
fill_width(struct ctl_table *t, size_t *w)
{
	size_t	i, r, used = 0, col = t->fill - 1, cw;
	char	*s;

	for (i = 0; i < t->ncols; i++)
		if (i != col)
			used += w[i] + 2;
	t->limit[col] = used + 8 < t->total ? t->total - used : 8;
	for (r = 0; r < t->nrows; r++) {
		s = t->cells[r * t->ncols + col] = fit(t, col,
		    t->cells[r * t->ncols + col]);
		if ((cw = text_width(s, strlen(s))) > w[col])
			w[col] = cw;
	}
}

/* Prints the table aligned by display width, then frees it. */
void
ctl_table_print(struct ctl_table *t, FILE *fp)
{
	size_t	 w[TABLE_COLS_MAX], i, r, cw, pad;
	char	*s;

	for (i = 0; i < t->ncols; i++)
		w[i] = text_width(t->head[i], strlen(t->head[i]));
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			if (i + 1 == t->fill)
				continue;
			s = t->cells[r * t->ncols + i] = fit(t, i,
			    t->cells[r * t->ncols + i]);
			if ((cw = text_width(s, strlen(s))) > w[i])
				w[i] = cw;
		}
	if (t->fill > 0)
		fill_width(t, w);
	for (r = 0; r <= t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			s = r == 0 ? t->head[i] : t->cells[(r - 1) *
			    t->ncols + i];
			pad = w[i] - text_width(s, strlen(s));
			if (t->right[i])
				fprintf(fp, "%*s", (int)pad, "");
			fputs(s, fp);
			if (i + 1 < t->ncols)
				fprintf(fp, "%*s", (int)(t->right[i] ? 2 :
				    pad + 2), "");
		}
		fputc('\n', fp);
	}
	ctl_table_free(t);
}

/*
 * ===================================================================
 * Options
 * ===================================================================
 */

/*
 * Parses a number option in [min, max].  Returns 0, or -1 after printing
 * the usage of cmd.
 */
int
ctl_number(const char *cmd, const char *what, const char *s, long min,
    long max, long *v)
{
	if (parse_long(s, min, max, v) == -1) {
		fprintf(stderr, _("papictl: %s: %s must be a number from %ld "
		    "to %ld\n"), cmd, what, min, max);
		ctl_usage_of(cmd);
		return -1;
	}
	return 0;
}

/*
 * The one operand left after the options (argv[optind]), the text of
 * inject and intake, into args' "text"; the option required must be in
 * args already.  Returns CTL_OK, or CTL_USAGE after saying why (args
 * dropped).
 */
int
ctl_text_operand(int argc, char **argv, json_t *args, const char *required)
{
	if (optind + 1 != argc || json_object_get(args, required) == NULL) {
		json_decref(args);
		ctl_usage_of(argv[0]);
		return CTL_USAGE;
	}
	if (ctl_utf8(_("the text"), argv[optind]) == -1) {
		json_decref(args);
		return CTL_USAGE;
	}
	json_object_set_new(args, "text", json_string(argv[optind]));
	return CTL_OK;
}

/* Checks that s is UTF-8; prints why not.  Returns 0 or -1. */
int
ctl_utf8(const char *what, const char *s)
{
	if (text_valid_utf8(s, strlen(s)))
		return 0;
	fprintf(stderr, _("papictl: %s is not valid UTF-8\n"), what);
	return -1;
}

/*
 * Runs getopt_long() over a command's argv; returns the option, -1 at the
 * end, or '?' after printing the command's usage.
 */
int
ctl_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	int	ch = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (ch == '?' || ch == ':')
		ctl_usage_of(argv[0]);
	return ch;
}
