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

#include "base/log.h"
#include "base/util.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/control_proto.h"
#include "ctl/papictl.h"

#define LINE_MAX_BYTES	(16 * 1024 * 1024)	/* one answer line */

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
		fprintf(stderr, "papictl: %s\n(give the daemon's socket with "
		    "-s)\n", err);
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
		fprintf(stderr, "papictl: %s: path too long\n", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "papictl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "papictl: cannot reach papigwd at %s: %s\n",
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
		fprintf(stderr, "papictl: cannot build the request (is the "
		    "text UTF-8?)\n");
		goto fail;
	}
	if (strlen(req) >= CONTROL_REQUEST_MAX) {
		fprintf(stderr, "papictl: request too large\n");
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
 * Takes the last line of an answer, ans: sets *data to its data (when
 * data is not NULL) and returns CTL_OK, or prints the daemon's reason and
 * returns CTL_USAGE when it found the arguments wrong, else CTL_FAIL.
 */
static int
final_answer(json_t *ans, json_t **data)
{
	const char	*err, *msg;

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
	fprintf(stderr, "papictl: %s\n", msg != NULL ? msg :
	    "the daemon refused the request");
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
			fprintf(stderr, "papictl: papigwd closed the "
			    "connection without an answer\n");
			goto done;
		}
		ans = json_loadb(buf, (size_t)len, 0, &jerr);
		used = (size_t)len + 1;
		memmove(buf, buf + used, have - used);
		have -= used;
		if (ans == NULL) {
			fprintf(stderr, "papictl: unreadable answer: %s\n",
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

/* "2026-11-27 10:00" (local time) for a JSON time, "-" for null. */
const char *
ctl_time(json_t *t, char *buf, size_t bufsz)
{
	time_t		v;
	struct tm	tm;

	if (!json_is_integer(t) || json_integer_value(t) == 0) {
		snprintf(buf, bufsz, "-");
		return buf;
	}
	v = (time_t)json_integer_value(t);
	localtime_r(&v, &tm);
	strftime(buf, bufsz, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* "2026-11-27" for a JSON time, "-" for null. */
const char *
ctl_date(json_t *t, char *buf, size_t bufsz)
{
	time_t		v;
	struct tm	tm;

	if (!json_is_integer(t) || json_integer_value(t) == 0) {
		snprintf(buf, bufsz, "-");
		return buf;
	}
	v = (time_t)json_integer_value(t);
	localtime_r(&v, &tm);
	strftime(buf, bufsz, "%Y-%m-%d", &tm);
	return buf;
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
		snprintf(buf, bufsz, "%.0f min", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, bufsz, "%.1f h", s / 3600);
	else
		snprintf(buf, bufsz, "%.1f d", s / 86400);
	return buf;
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
			s = t->cells[r * t->ncols + i] = fit(t, i,
			    t->cells[r * t->ncols + i]);
			if ((cw = text_width(s, strlen(s))) > w[i])
				w[i] = cw;
		}
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
		fprintf(stderr, "papictl: %s: %s must be a number from %ld to "
		    "%ld\n", cmd, what, min, max);
		ctl_usage_of(cmd);
		return -1;
	}
	return 0;
}

/* Checks that s is UTF-8; prints why not.  Returns 0 or -1. */
int
ctl_utf8(const char *what, const char *s)
{
	if (text_valid_utf8(s, strlen(s)))
		return 0;
	fprintf(stderr, "papictl: %s is not valid UTF-8\n", what);
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
