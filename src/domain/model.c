/*
 * model.c: the learned classifier of messages (model.h).
 *
 * A model keeps, for every index of the hashed feature space that the
 * training saw, one row of weights (one per class, as floats), and an
 * index from the feature space to the rows: a prediction is a dot product
 * of the message's features with those rows, then the logistic function
 * of each class's score, normalised to sum to 1 (liblinear's
 * predict_probability() for one-against-the-rest logistic regression).
 * The weights are held as they are written in the file ("%.7g"), so that
 * a model made by model_new() and the same model read back by
 * model_load() predict exactly the same.
 *
 * model_load() reads the whole file, checks every line and the checksum
 * at the end, and says what is wrong and where ("FILE: line N: ...")
 * rather than accept a corrupt or truncated file.  Numbers are read and
 * written in the C locale whatever the process's.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/model.h"
#include "base/hash.h"
#include "base/slot.h"

#define MODEL_MAGIC		"papigw-model 1"
#define MODEL_TRAINED_MAX	256	/* bytes of the "trained" line */
#define WEIGHT_FORMAT		"%.7g"

struct model {
	atomic_int		 refs;
	struct features_conf	 conf;
	size_t			 nclasses;
	char			 classes[MODEL_CLASSES_MAX][MODEL_CLASS_MAX];
	char			 trained[MODEL_TRAINED_MAX];
	uint32_t		 dim;		/* 1 << conf.bits */
	uint32_t		*rowof;		/* index -> row + 1, 0: none */
	size_t			 nrows;
	size_t			 stride;	/* 16 or 32 floats a row */
	float			*row0;		/* a row of zeros, then rows */
	float			*rows;		/* nrows * stride, aligned */
	uint32_t		*rowidx;	/* row -> index */
	float			 bias[MODEL_CLASSES_MAX];
};

static pthread_once_t	 c_once = PTHREAD_ONCE_INIT;
static locale_t		 c_locale;

static void
c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Switches this thread to the C locale; returns what to restore. */
static locale_t
c_locale_enter(void)
{
	pthread_once(&c_once, c_locale_init);
	if (c_locale == (locale_t)0)
		return (locale_t)0;
	return uselocale(c_locale);
}

static void
c_locale_leave(locale_t old)
{
	if (old != (locale_t)0)
		uselocale(old);
}

static void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	free(m->rowof);
	free(m->row0);
	free(m->rowidx);
	free(m);
}

/* Whether s is a class name: [a-z0-9_]+, shorter than MODEL_CLASS_MAX. */
static int
class_name_ok(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n >= MODEL_CLASS_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* Allocates a model for conf and nrows rows; NULL when memory is short. */
static struct model *
model_alloc(const struct features_conf *conf, size_t nclasses, size_t nrows)
{
	struct model	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	atomic_init(&m->refs, 1);
	m->conf = *conf;
	m->nclasses = nclasses;
	m->dim = (uint32_t)1 << conf->bits;
	m->nrows = nrows;
	m->stride = nclasses <= 16 ? 16 : 32;
	m->rowof = calloc(m->dim, sizeof(*m->rowof));
	/* Row 0 is zeros: what an index without a row reads (scores()). */
	m->row0 = aligned_alloc(64, (nrows + 1) * m->stride *
	    sizeof(*m->row0));
	if (m->row0 != NULL) {
		memset(m->row0, 0, (nrows + 1) * m->stride *
		    sizeof(*m->row0));
		m->rows = m->row0 + m->stride;
	}
	m->rowidx = calloc(nrows > 0 ? nrows : 1, sizeof(*m->rowidx));
	if (m->rowof == NULL || m->row0 == NULL || m->rowidx == NULL) {
		model_free(m);
		return NULL;
	}
	return m;
}

/* w as the file holds it: "%.7g" read back. */
static float
as_written(double w)
{
	char	buf[32];

	if (w == 0)
		return 0;
	snprintf(buf, sizeof(buf), WEIGHT_FORMAT, (double)(float)w);
	return strtof(buf, NULL);
}

/*
 * Returns a model of the given classes over features conf, from dense
 * weights: w holds (1 << conf->bits) rows of nclasses weights (w[i *
 * nclasses + k] is feature i's weight for class k) and bias the bias's
 * nclasses weights.  Rows whose weights are all zero are left out.
 * trained is a line of free text about the training (may be NULL).
 * The caller drops the model with model_unref().  Returns NULL with a
 * message in err when the arguments are wrong or memory is short.
 */
struct model *
model_new(const struct features_conf *conf, const char *const *classes,
    size_t nclasses, const double *w, const double *bias,
    const char *trained, char *err, size_t errsz)
{
	struct model	*m;
	locale_t	 old;
	size_t		 dim, i, j, k, nrows = 0;

	if (conf->version != FEATURES_VERSION ||
	    conf->bits < FEATURES_BITS_MIN || conf->bits > FEATURES_BITS_MAX) {
		snprintf(err, errsz, "bad feature settings");
		return NULL;
	}
	if (nclasses < 2 || nclasses > MODEL_CLASSES_MAX) {
		snprintf(err, errsz, "%zu classes (2 to %d)", nclasses,
		    MODEL_CLASSES_MAX);
		return NULL;
	}
	for (i = 0; i < nclasses; i++) {
		if (!class_name_ok(classes[i], strlen(classes[i]))) {
			snprintf(err, errsz, "bad class name \"%s\"",
			    classes[i]);
			return NULL;
		}
		for (j = 0; j < i; j++)
			if (strcmp(classes[i], classes[j]) == 0) {
				snprintf(err, errsz, "class \"%s\" twice",
				    classes[i]);
				return NULL;
			}
	}
	dim = (size_t)1 << conf->bits;
	old = c_locale_enter();
	for (i = 0; i < dim; i++)
		for (k = 0; k < nclasses; k++)
			if (as_written(w[i * nclasses + k]) != 0) {
				nrows++;
				break;
			}
	if ((m = model_alloc(conf, nclasses, nrows)) == NULL) {
		c_locale_leave(old);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	for (i = 0; i < nclasses; i++)
		snprintf(m->classes[i], MODEL_CLASS_MAX, "%s", classes[i]);
	snprintf(m->trained, sizeof(m->trained), "%s",
	    trained != NULL ? trained : "-");
	for (i = 0; i < sizeof(m->trained) && m->trained[i] != '\0'; i++)
		if (m->trained[i] == '\n' || m->trained[i] == '\r')
			m->trained[i] = ' ';
	for (k = 0; k < nclasses; k++)
		m->bias[k] = as_written(bias[k]);
	for (i = 0, j = 0; i < dim; i++) {
		for (k = 0; k < nclasses; k++)
			if (as_written(w[i * nclasses + k]) != 0)
				break;
		if (k == nclasses)
			continue;
		for (k = 0; k < nclasses; k++)
			m->rows[j * m->stride + k] =
			    as_written(w[i * nclasses + k]);
		m->rowidx[j] = (uint32_t)i;
		m->rowof[i] = (uint32_t)++j;
	}
	c_locale_leave(old);
	return m;
}

/*
 * Writes m to path (through a temporary file renamed into place).
 * Returns 0, or -1 with a message in err.
 */
int
model_save(const struct model *m, const char *path, char *err, size_t errsz)
{
	char		 conf[FEATURES_CONF_MAX], *tmp = NULL, *buf = NULL;
	size_t		 len = 0, i, k;
	FILE		*f;
	locale_t	 old;
	int		 ok;

	if ((f = open_memstream(&buf, &len)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	old = c_locale_enter();
	features_conf_format(&m->conf, conf, sizeof(conf));
	fprintf(f, "%s\nfeatures %s\nclasses %zu", MODEL_MAGIC, conf,
	    m->nclasses);
	for (i = 0; i < m->nclasses; i++)
		fprintf(f, " %s", m->classes[i]);
	fprintf(f, "\ntrained %s\nrows %zu\nb", m->trained, m->nrows);
	for (k = 0; k < m->nclasses; k++)
		fprintf(f, " " WEIGHT_FORMAT, (double)m->bias[k]);
	fputc('\n', f);
	for (i = 0; i < m->nrows; i++) {
		fprintf(f, "%u", m->rowidx[i]);
		for (k = 0; k < m->nclasses; k++)
			fprintf(f, " " WEIGHT_FORMAT,
			    (double)m->rows[i * m->stride + k]);
		fputc('\n', f);
	}
	c_locale_leave(old);
	ok = fflush(f) == 0;
	fclose(f);
	if (!ok || buf == NULL) {
		free(buf);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (asprintf(&tmp, "%s.tmp", path) == -1) {
		free(buf);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	ok = fwrite(buf, 1, len, f) == len &&
	    fprintf(f, "end %016llx\n", (unsigned long long)hash_fnv1a64(buf,
	    len)) > 0;
	ok = fflush(f) == 0 && ok;
	if (fclose(f) != 0 || !ok) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	free(tmp);
	free(buf);
	return 0;
fail:
	free(tmp);
	free(buf);
	return -1;
}

/*
 * ===================================================================
 * Loading
 * ===================================================================
 */

struct reader {
	const char	*path;
	char		*buf;		/* lines become NUL-terminated */
	const char	*orig;		/* the bytes as read */
	size_t		 len;
	size_t		 pos;		/* start of the next line */
	size_t		 line;		/* number of the current line */
	char		*cur;		/* the current line, NUL-terminated */
	size_t		 start;		/* its offset in buf */
	char		*err;
	size_t		 errsz;
};

static int
fail(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes "PATH: line N: message" into err; returns -1. */
static int
fail(struct reader *rd, const char *fmt, ...)
{
	char	msg[MODEL_ERR_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rd->line > 0)
		snprintf(rd->err, rd->errsz, "%s: line %zu: %s", rd->path,
		    rd->line, msg);
	else
		snprintf(rd->err, rd->errsz, "%s: %s", rd->path, msg);
	return -1;
}

/*
 * Moves to the next line; returns 0, or -1 at the end of the file or on
 * a line that does not end with a newline (a truncated file).
 */
static int
next_line(struct reader *rd, const char *what)
{
	char	*nl;

	if (rd->pos >= rd->len) {
		rd->line++;
		return fail(rd, "file ends where %s was expected (truncated?)",
		    what);
	}
	rd->line++;
	rd->start = rd->pos;
	rd->cur = rd->buf + rd->pos;
	if ((nl = memchr(rd->cur, '\n', rd->len - rd->pos)) == NULL)
		return fail(rd, "last line has no end (truncated?)");
	*nl = '\0';
	if (strlen(rd->cur) != (size_t)(nl - rd->cur))
		return fail(rd, "NUL byte in the line (not a text file?)");
	rd->pos = (size_t)(nl - rd->buf) + 1;
	return 0;
}

/* Reads n weights from s; returns 0, or -1 with a message. */
static int
read_weights(struct reader *rd, const char *s, float *w, size_t n)
{
	char	*end;
	size_t	 k;

	for (k = 0; k < n; k++) {
		if (*s != ' ')
			return fail(rd, "%zu weights where %zu were expected",
			    k, n);
		s++;
		errno = 0;
		w[k] = strtof(s, &end);
		if (end == s || (*end != ' ' && *end != '\0'))
			return fail(rd, "weight %zu is not a number", k + 1);
		if (!isfinite(w[k]) || errno == ERANGE)
			return fail(rd, "weight %zu is out of range", k + 1);
		s = end;
	}
	if (*s != '\0')
		return fail(rd, "more than %zu weights", n);
	return 0;
}

/* Reads "word N" at the start of the current line; returns N or -1. */
static long
read_count(struct reader *rd, const char *word, long max)
{
	size_t	 wl = strlen(word);
	char	*end;
	long	 v;

	if (strncmp(rd->cur, word, wl) != 0 || rd->cur[wl] != ' ' ||
	    rd->cur[wl + 1] < '0' || rd->cur[wl + 1] > '9') {
		fail(rd, "\"%s N\" expected", word);
		return -1;
	}
	errno = 0;
	v = strtol(rd->cur + wl + 1, &end, 10);
	if (errno != 0 || v < 0 || v > max || (*end != ' ' && *end != '\0')) {
		fail(rd, "%s: %.20s is out of range (0 to %ld)", word,
		    rd->cur + wl + 1, max);
		return -1;
	}
	return v;
}

static int
read_classes(struct reader *rd, struct model *m)
{
	char	*p, *q;
	long	 n;
	size_t	 i, j;

	if ((n = read_count(rd, "classes", MODEL_CLASSES_MAX)) == -1)
		return -1;
	if (n < 2)
		return fail(rd, "%ld classes: at least 2 are needed", n);
	m->nclasses = (size_t)n;
	p = strchr(rd->cur + 8, ' ');
	for (i = 0; i < m->nclasses; i++) {
		if (p == NULL || *p != ' ')
			return fail(rd, "%zu class names where %zu were "
			    "expected", i, m->nclasses);
		p++;
		q = p + strcspn(p, " ");
		if (!class_name_ok(p, (size_t)(q - p)))
			return fail(rd, "bad class name \"%.*s\"",
			    (int)(q - p), p);
		memcpy(m->classes[i], p, (size_t)(q - p));
		m->classes[i][q - p] = '\0';
		for (j = 0; j < i; j++)
			if (strcmp(m->classes[i], m->classes[j]) == 0)
				return fail(rd, "class \"%s\" twice",
				    m->classes[i]);
		p = q;
	}
	if (*p != '\0')
		return fail(rd, "more than %zu class names", m->nclasses);
	return 0;
}

/* The nrows rows of weights: "INDEX w1 w2 ...", indices increasing. */
static int
read_rows(struct reader *rd, struct model *m, long nrows)
{
	unsigned long	 idx;
	long		 prev = -1;
	char		*end;
	size_t		 i;

	for (i = 0; i < (size_t)nrows; i++) {
		if (next_line(rd, "a row") == -1)
			return -1;
		if (rd->cur[0] < '0' || rd->cur[0] > '9')
			return fail(rd, "row %zu of %ld expected", i + 1,
			    nrows);
		errno = 0;
		idx = strtoul(rd->cur, &end, 10);
		if (errno != 0 || idx >= m->dim)
			return fail(rd, "feature index out of range (0 to "
			    "%u)", m->dim - 1);
		if ((long)idx <= prev)
			return fail(rd, "feature index %lu after %ld: indices "
			    "must increase", idx, prev);
		if (read_weights(rd, end, m->rows + i * m->stride,
		    m->nclasses) == -1)
			return -1;
		prev = (long)idx;
		m->rowidx[i] = (uint32_t)idx;
		m->rowof[idx] = (uint32_t)(i + 1);
	}
	return 0;
}

/* The end line: "end" and the checksum of all before it; then nothing. */
static int
read_end(struct reader *rd, long nrows)
{
	unsigned long long	sum;

	if (next_line(rd, "the end line") == -1)
		return -1;
	if (strncmp(rd->cur, "end ", 4) != 0) {
		if (rd->cur[0] >= '0' && rd->cur[0] <= '9')
			return fail(rd, "more rows than the %ld announced",
			    nrows);
		return fail(rd, "\"end\" expected");
	}
	if (strlen(rd->cur + 4) != 16 ||
	    strspn(rd->cur + 4, "0123456789abcdef") != 16)
		return fail(rd, "bad checksum \"%.20s\"", rd->cur + 4);
	sum = strtoull(rd->cur + 4, NULL, 16);
	if (sum != hash_fnv1a64(rd->orig, rd->start))
		return fail(rd, "checksum mismatch: the file is corrupt");
	if (rd->pos != rd->len) {
		rd->line++;
		return fail(rd, "data after the end line");
	}
	return 0;
}

static int
parse(struct reader *rd, struct model **mp)
{
	struct features_conf	 conf;
	struct model		 head, *m;
	char			 cerr[MODEL_ERR_MAX];
	long			 nrows;

	memset(&head, 0, sizeof(head));
	if (next_line(rd, "the header") == -1)
		return -1;
	if (strcmp(rd->cur, MODEL_MAGIC) != 0) {
		if (strncmp(rd->cur, "papigw-model ", 13) == 0)
			return fail(rd, "model format \"%.20s\", this program "
			    "reads \"%s\"", rd->cur + 13, &MODEL_MAGIC[13]);
		return fail(rd, "not a papigw model (\"%s\" expected)",
		    MODEL_MAGIC);
	}
	if (next_line(rd, "the features") == -1)
		return -1;
	if (strncmp(rd->cur, "features ", 9) != 0)
		return fail(rd, "\"features ...\" expected");
	if (features_conf_parse(&conf, rd->cur + 9, cerr, sizeof(cerr)) == -1)
		return fail(rd, "%s", cerr);
	if (next_line(rd, "the classes") == -1 || read_classes(rd, &head) == -1)
		return -1;
	if (next_line(rd, "\"trained\"") == -1)
		return -1;
	if (strncmp(rd->cur, "trained ", 8) != 0)
		return fail(rd, "\"trained ...\" expected");
	snprintf(head.trained, sizeof(head.trained), "%s", rd->cur + 8);
	if (next_line(rd, "the number of rows") == -1 ||
	    (nrows = read_count(rd, "rows", 1L << conf.bits)) == -1)
		return -1;
	if (strchr(rd->cur + 5, ' ') != NULL)
		return fail(rd, "\"rows N\" expected");
	if ((m = model_alloc(&conf, head.nclasses, (size_t)nrows)) == NULL)
		return fail(rd, "out of memory for %ld rows", nrows);
	memcpy(m->classes, head.classes, sizeof(m->classes));
	memcpy(m->trained, head.trained, sizeof(m->trained));
	*mp = m;
	if (next_line(rd, "the bias") == -1)
		return -1;
	if (rd->cur[0] != 'b' || read_weights(rd, rd->cur + 1, m->bias,
	    m->nclasses) == -1)
		return rd->cur[0] != 'b' ? fail(rd, "the bias (\"b ...\") "
		    "expected") : -1;
	if (read_rows(rd, m, nrows) == -1)
		return -1;
	return read_end(rd, nrows);
}

/*
 * Reads the model in path.  Returns it (the caller drops it with
 * model_unref()), or NULL with "PATH: line N: what is wrong" (or "PATH:
 * why") in err.
 */
struct model *
model_load(const char *path, char *err, size_t errsz)
{
	struct model	*m;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	m = model_load_fd(fd, path, err, errsz);
	close(fd);
	return m;
}

/*
 * Reads the model in the open file fd (from its current offset; fd stays
 * open), named path in errors: model_load()'s reading of a descriptor
 * another process opened and passed (papictl router train).
 */
struct model *
model_load_fd(int fd, const char *path, char *err, size_t errsz)
{
	struct reader	 rd;
	struct model	*m = NULL;
	struct stat	 sb;
	locale_t	 old;
	FILE		*f;
	char		*copy;
	int		 rc, dfd;

	memset(&rd, 0, sizeof(rd));
	rd.path = path;
	rd.err = err;
	rd.errsz = errsz;
	if ((dfd = dup(fd)) == -1 || (f = fdopen(dfd, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		if (dfd != -1)
			close(dfd);
		return NULL;
	}
	if (fstat(fileno(f), &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		fclose(f);
		return NULL;
	}
	if ((uintmax_t)sb.st_size > MODEL_FILE_MAX) {
		snprintf(err, errsz, "%s: larger than %u MB", path,
		    MODEL_FILE_MAX >> 20);
		fclose(f);
		return NULL;
	}
	rd.len = (size_t)sb.st_size;
	if ((rd.buf = malloc(rd.len + 1)) == NULL ||
	    fread(rd.buf, 1, rd.len, f) != rd.len) {
		snprintf(err, errsz, "%s: %s", path, rd.buf == NULL ?
		    "out of memory" : "read error");
		free(rd.buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	rd.buf[rd.len] = '\0';
	/* The checksum is over the bytes as written: keep a copy. */
	if ((copy = malloc(rd.len + 1)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		free(rd.buf);
		return NULL;
	}
	memcpy(copy, rd.buf, rd.len + 1);
	rd.orig = copy;
	old = c_locale_enter();
	rc = parse(&rd, &m);
	c_locale_leave(old);
	free(copy);
	free(rd.buf);
	if (rc == -1) {
		model_free(m);
		return NULL;
	}
	return m;
}

/*
 * ===================================================================
 * Use
 * ===================================================================
 */

/* Takes a reference to m; returns m. */
struct model *
model_ref(struct model *m)
{
	atomic_fetch_add(&m->refs, 1);
	return m;
}

/* Drops a reference to m, freeing it with the last.  NULL is a no-op. */
void
model_unref(struct model *m)
{
	if (m != NULL && atomic_fetch_sub(&m->refs, 1) == 1)
		model_free(m);
}

/* The feature settings to extract m's features with; owned by m. */
const struct features_conf *
model_features(const struct model *m)
{
	return &m->conf;
}

/* The number of classes of m. */
size_t
model_nclasses(const struct model *m)
{
	return m->nclasses;
}

/* The name of class i of m, owned by m; NULL when i is out of range. */
const char *
model_class(const struct model *m, size_t i)
{
	return i < m->nclasses ? m->classes[i] : NULL;
}

/* The index of the class called name, or -1. */
int
model_class_index(const struct model *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->nclasses; i++)
		if (strcmp(m->classes[i], name) == 0)
			return (int)i;
	return -1;
}

/* The number of rows of weights (features the training saw) of m. */
size_t
model_nrows(const struct model *m)
{
	return m->nrows;
}

/* The bytes of memory m holds. */
size_t
model_memory(const struct model *m)
{
	return sizeof(*m) + (size_t)m->dim * sizeof(*m->rowof) +
	    (m->nrows + 1) * m->stride * sizeof(*m->rows) +
	    m->nrows * sizeof(*m->rowidx);
}

/* The "trained" line of m's file (how it was trained), owned by m. */
const char *
model_trained(const struct model *m)
{
	return m->trained;
}

/*
 * The score of each class: the weights times v, plus the bias.  The rows
 * have a fixed width (16 or 32 floats, the classes after the last are
 * zeros).  An index without a row reads row 0, which is zeros, rather
 * than skip it: whether a feature has a row is a coin toss to the
 * processor, and each wrong guess throws away the loads of the rows that
 * follow.  x * 0 added to a score leaves it as it was, and every score
 * adds its terms in the order of the features, as a plain loop would.
 */
typedef float v4sf __attribute__((vector_size(16)));

static const float *
row_of(const struct model *m, uint32_t idx)
{
	return m->row0 + (size_t)m->rowof[idx] * m->stride;
}

/* 16 classes or fewer: the sixteen scores stay in four registers. */
static void
scores16(const struct model *m, const struct features_vec *v, float *acc)
{
	v4sf		 a0, a1, a2, a3;
	size_t		 i;

	memcpy(&a0, m->bias, sizeof(a0));
	memcpy(&a1, m->bias + 4, sizeof(a1));
	memcpy(&a2, m->bias + 8, sizeof(a2));
	memcpy(&a3, m->bias + 12, sizeof(a3));
	for (i = 0; i < v->n; i++) {
		const v4sf	*w;
		float		 x = v->val[i];

		if (v->idx[i] >= m->dim)
			continue;
		w = (const v4sf *)row_of(m, v->idx[i]);
		a0 += x * w[0];
		a1 += x * w[1];
		a2 += x * w[2];
		a3 += x * w[3];
	}
	memcpy(acc, &a0, sizeof(a0));
	memcpy(acc + 4, &a1, sizeof(a1));
	memcpy(acc + 8, &a2, sizeof(a2));
	memcpy(acc + 12, &a3, sizeof(a3));
}

static void
scores(const struct model *m, const struct features_vec *v, float *acc)
{
	float		 a[32];
	size_t		 i, k;

	if (m->stride == 16) {
		scores16(m, v, acc);
		return;
	}
	for (k = 0; k < m->stride; k++)
		a[k] = m->bias[k];
	for (i = 0; i < v->n; i++) {
		const float	*w;
		float		 x = v->val[i];

		if (v->idx[i] >= m->dim)
			continue;
		w = row_of(m, v->idx[i]);
		for (k = 0; k < 32; k++)
			a[k] += x * w[k];
	}
	memcpy(acc, a, m->nclasses * sizeof(*acc));
}

/*
 * Writes into prob (model_nclasses() doubles) the probability of each
 * class for the features v, extracted with model_features(m).  Returns
 * the index of the most probable class (the first of equals).
 */
size_t
model_predict(const struct model *m, const struct features_vec *v,
    double *prob)
{
	float	 acc[MODEL_CLASSES_MAX];
	double	 sum = 0;
	size_t	 k, best = 0;

	scores(m, v, acc);
	for (k = 0; k < m->nclasses; k++) {
		prob[k] = 1 / (1 + exp(-(double)acc[k]));
		sum += prob[k];
	}
	for (k = 0; k < m->nclasses; k++) {
		prob[k] /= sum;
		if (prob[k] > prob[best])
			best = k;
	}
	return best;
}

/*
 * Writes into why the (at most max) features of v that raised the score
 * of class cls most, the largest first; a feature that lowered it is
 * never listed, and an index that v lists more than once is one feature
 * (its values summed).  Returns how many it wrote.  The names of the
 * features are features_name(v, why[i].feature) when v keeps names.
 */
size_t
model_explain(const struct model *m, const struct features_vec *v,
    size_t cls, struct model_why *why, size_t max)
{
	size_t		 i, j, n = 0;

	if (cls >= m->nclasses)
		return 0;
	for (i = 0; i < v->n; i++) {
		uint32_t	 r;
		double		 c, x = v->val[i];

		if (v->idx[i] >= m->dim || (r = m->rowof[v->idx[i]]) == 0)
			continue;
		/* An index listed twice counts once, with both values. */
		for (j = 0; j < i && v->idx[j] != v->idx[i]; j++)
			;
		if (j < i)
			continue;
		for (j = i + 1; j < v->n; j++)
			if (v->idx[j] == v->idx[i])
				x += v->val[j];
		c = x * m->rows[(size_t)(r - 1) * m->stride + cls];
		if (c <= 0 || max == 0 || (n == max && c <= why[n - 1].weight))
			continue;
		if (n < max)
			n++;
		for (j = n - 1; j > 0 && why[j - 1].weight < c; j--)
			why[j] = why[j - 1];
		why[j].feature = i;
		why[j].index = v->idx[i];
		why[j].value = x;
		why[j].weight = c;
	}
	return n;
}

/*
 * ===================================================================
 * The current model, swapped on reload
 * ===================================================================
 */

static void *
slot_ref(void *m)
{
	return model_ref(m);
}

static void
slot_unref(void *m)
{
	model_unref(m);
}

static const struct slot_type model_slot_type = { slot_ref, slot_unref };

/*
 * Returns a slot holding m (the slot takes the caller's reference); the
 * caller frees it with slot_free().
 */
struct slot *
model_slot_new(struct model *m)
{
	return slot_new(&model_slot_type, m);
}

/*
 * Returns the current model with a reference the caller drops with
 * model_unref() when done with it, or NULL when the slot is empty.
 */
struct model *
model_slot_get(struct slot *s)
{
	return slot_get(s);
}

/*
 * Makes m the current model (taking the caller's reference); the old one
 * lives on until the last classification using it is done.
 */
void
model_slot_set(struct slot *s, struct model *m)
{
	slot_set(s, m);
}
