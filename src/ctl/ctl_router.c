/*
 * ctl_router.c: papictl router, the learned classifier's administration.
 *
 *	papictl router train [--force] [--corpus dir] [--corrections file]
 *	    [--out file]
 *	papictl router show
 *
 * router train (administrators) retrains the model (domain/model.h) with
 * the officers' corrections and installs it when it is not worse than
 * the running one:
 *
 *   1. the corrections come from the daemon ("router.corrections":
 *	{"corrections": [{"text", "category", "subcategory", "ref", "by",
 *	"at"}, ...]}), or from --corrections FILE, the same JSON, which
 *	needs no daemon;
 *   2. the model is trained (train.c) on the corpus's train part (the
 *	.tsv files of DIR/train; DIR is --corpus or classifier.corpus) and
 *	the corrections, each one more message of its category that
 *	replaces the corpus's messages of the same text;
 *   3. the frozen test part (the .tsv files of DIR/test) is checked
 *	against DIR/test.sha256 (sha256sum's format; OpenSSL's SHA-256)
 *	and read from the very bytes hashed; then the running model (what
 *	classify_load() loads for the configuration, or the keyword router
 *	alone) and the new one classify it as the daemon would, and the
 *	figures of both are printed (with --json, one object);
 *   4. a new model worse than the running one on accuracy or on
 *	corruption recall is refused (exit 1) unless --force;
 *   5. otherwise it is written to a temporary file (in a private
 *	directory of $TMPDIR or /tmp) and the daemon is asked to install it
 *	("router.install": {"accuracy", "corruption_recall"}), the open
 *	file passed with the request (SCM_RIGHTS): the daemon, sandboxed
 *	with a private /tmp, could not open it by name.  The file is
 *	removed afterwards.  With --out FILE the model is written to FILE
 *	instead, without a daemon.
 *
 * router show (any officer, no daemon) prints the model the
 * configuration loads: its path, trained line, classes, rows, memory.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/i18n.h"
#include "base/util.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/classify.h"
#include "domain/model.h"
#include "domain/router.h"
#include "ctl/papictl.h"
#include "ctl/train.h"

#define TEST_FILE_MAX	(256u << 20)	/* bytes of one test file */
#define SUMS_MAX	256		/* lines of test.sha256 */
#define SHA256_HEX	64

/* What router train was asked. */
struct train_args {
	const char	*corpus;	/* --corpus, or NULL */
	const char	*corrections;	/* --corrections, or NULL */
	const char	*out;		/* --out, or NULL */
	int		 force;
};

/* One line of test.sha256. */
struct sum {
	char		 hex[SHA256_HEX + 1];
	char		*rel;		/* "test/t01.tsv" */
	int		 seen;
};

/*
 * ===================================================================
 * Files
 * ===================================================================
 */

static void	errorf(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Formats a message into err (cut to errsz bytes when longer), in the
 * language of the locale: fmt is a message of the catalogue (xgettext
 * takes errorf()'s third argument).
 */
static void
errorf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, _(fmt), ap);
	va_end(ap);
}

/*
 * Writes "a/b" into buf.  Returns 0, or -1 with the reason in err when
 * it is too long.
 */
static int
join(char *buf, size_t bufsz, const char *a, const char *b, char *err,
    size_t errsz)
{
	int	n = snprintf(buf, bufsz, "%s/%s", a, b);

	if (n < 0 || (size_t)n >= bufsz) {
		errorf(err, errsz, "%s/%s: path too long", a, b);
		return -1;
	}
	return 0;
}

/*
 * Reads the file path into *buf (NUL-terminated; the caller frees it)
 * and its length into *len.  Returns 0, or -1 with the reason in err.
 */
static int
slurp(const char *path, size_t max, char **buf, size_t *len, char *err,
    size_t errsz)
{
	FILE	*f;
	char	*b = NULL, *grown;
	size_t	 cap = 0, n = 0, got;

	*buf = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		errorf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 65536 * 2;
			if ((grown = realloc(b, cap)) == NULL) {
				errorf(err, errsz, "out of memory");
				goto fail;
			}
			b = grown;
		}
		got = fread(b + n, 1, cap - n - 1, f);
		n += got;
		if (n > max) {
			errorf(err, errsz, "%s: larger than %zu bytes", path,
			    max);
			goto fail;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		errorf(err, errsz, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
fail:
	fclose(f);
	free(b);
	return -1;
}

static int
cmp_name(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

/*
 * The names of the files of dir that end in ".tsv" (not hidden), sorted
 * as the shell sorts them in the C locale.  Returns them (the caller
 * frees them with strlist_free()) with their number in *n, or NULL with
 * the reason in err.
 */
static char **
tsv_files(const char *dir, size_t *n, char *err, size_t errsz)
{
	DIR		*d;
	struct dirent	*e;
	char		**names = NULL, **grown;
	size_t		 len, cap = 0;

	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		errorf(err, errsz, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 ||
		    strcmp(e->d_name + len - 4, ".tsv") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = reallocarray(names, cap,
			    sizeof(*names))) == NULL)
				goto oom;
			names = grown;
		}
		if ((names[*n] = strdup(e->d_name)) == NULL)
			goto oom;
		(*n)++;
	}
	closedir(d);
	if (*n == 0) {
		errorf(err, errsz, "%s: no .tsv file", dir);
		free(names);
		return NULL;
	}
	qsort(names, *n, sizeof(*names), cmp_name);
	return names;
oom:
	closedir(d);
	strlist_free(names, *n);
	*n = 0;
	errorf(err, errsz, "out of memory");
	return NULL;
}

/*
 * ===================================================================
 * The frozen test part
 * ===================================================================
 */

/* The SHA-256 of buf as 64 lower-case hex digits into hex. */
static int
sha256_hex(const char *buf, size_t len, char *hex)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	if (EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != SHA256_HEX / 2)
		return -1;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/*
 * Parses test.sha256 (its text in buf): "HEX  test/NAME" a line (or
 * "HEX *test/NAME"), every file under test/ and nowhere else.  Returns
 * the number of lines read into sums, or -1 with the reason in err.
 */
static int
parse_sums(const char *path, char *buf, struct sum *sums, char *err,
    size_t errsz)
{
	char	*line, *save = NULL, *p, *rel;
	size_t	 i, lineno = 0;
	int	 n = 0;

	for (p = buf; (line = strtok_r(p, "\n", &save)) != NULL; p = NULL) {
		lineno++;
		line[strcspn(line, "\r")] = '\0';
		if (line[0] == '\0')
			continue;
		for (i = 0; i < SHA256_HEX; i++)
			if (!((line[i] >= '0' && line[i] <= '9') ||
			    ((line[i] | 0x20) >= 'a' &&
			    (line[i] | 0x20) <= 'f')))
				break;
		rel = line + SHA256_HEX + 2;
		if (i < SHA256_HEX || line[SHA256_HEX] != ' ' ||
		    (line[SHA256_HEX + 1] != ' ' &&
		    line[SHA256_HEX + 1] != '*') ||
		    strncmp(rel, "test/", 5) != 0 || rel[5] == '\0' ||
		    rel[5] == '.' || strchr(rel + 5, '/') != NULL) {
			errorf(err, errsz, "%s:%zu: not \"SHA256  test/"
			    "NAME\"", path, lineno);
			return -1;
		}
		if (n == SUMS_MAX) {
			errorf(err, errsz, "%s: more than %d files", path,
			    SUMS_MAX);
			return -1;
		}
		for (i = 0; i < SHA256_HEX; i++)
			sums[n].hex[i] = (char)(line[i] | 0x20);
		sums[n].hex[SHA256_HEX] = '\0';
		sums[n].rel = rel;
		sums[n].seen = 0;
		n++;
	}
	if (n == 0) {
		errorf(err, errsz, "%s: no file listed", path);
		return -1;
	}
	return n;
}

/* Checks one listed file; with test, also reads it as a writer. */
static int
check_file(const char *dir, struct sum *s, struct train_corpus *test,
    char *err, size_t errsz)
{
	char	 path[PATH_MAX], hex[SHA256_HEX + 1], why[TRAIN_ERR_MAX];
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;
	int	 rc = -1;

	s->seen = 1;
	if (join(path, sizeof(path), dir, s->rel, err, errsz) == -1)
		return -1;
	if (slurp(path, TEST_FILE_MAX, &buf, &len, why, sizeof(why)) == -1) {
		errorf(err, errsz, "the frozen test part changed: %s", why);
		return -1;
	}
	if (sha256_hex(buf, len, hex) == -1) {
		errorf(err, errsz, "%s: SHA-256 failed", path);
		goto fail;
	}
	if (strcmp(hex, s->hex) != 0) {
		errorf(err, errsz, "the frozen test part changed: %s: "
		    "SHA-256 %s, test.sha256 says %s", path, hex, s->hex);
		goto fail;
	}
	if (test == NULL) {
		rc = 0;
		goto fail;
	}
	/* The bytes hashed are the bytes read. */
	if ((f = fmemopen(buf, len > 0 ? len : 1, "r")) == NULL) {
		errorf(err, errsz, "%s: %s", path, strerror(errno));
		goto fail;
	}
	rc = train_corpus_read_fp(test, f, path, err, errsz);
	fclose(f);
fail:
	free(buf);
	return rc;
}

/*
 * Reads the frozen test part of the corpus dir into test: each .tsv file
 * of dir/test must be listed in dir/test.sha256 with its SHA-256, and
 * each file listed must be there with it.  Returns 0, or -1 with the
 * reason in err ("the frozen test part changed: ...").
 */
static int
read_test(const char *dir, struct train_corpus *test, char *err,
    size_t errsz)
{
	struct sum	*sums;
	char		 path[PATH_MAX], tdir[PATH_MAX], rel[PATH_MAX];
	char		 why[TRAIN_ERR_MAX], *buf = NULL, **names = NULL;
	size_t		 len, nnames = 0, i;
	int		 n, k, rc = -1;

	if ((sums = calloc(SUMS_MAX, sizeof(*sums))) == NULL) {
		errorf(err, errsz, "out of memory");
		return -1;
	}
	if (join(path, sizeof(path), dir, "test.sha256", err, errsz) == -1 ||
	    join(tdir, sizeof(tdir), dir, "test", err, errsz) == -1)
		goto fail;
	if (slurp(path, 1u << 20, &buf, &len, why, sizeof(why)) == -1) {
		errorf(err, errsz, "no frozen test part to measure on: %s",
		    why);
		goto fail;
	}
	if ((n = parse_sums(path, buf, sums, err, errsz)) == -1 ||
	    (names = tsv_files(tdir, &nnames, err, errsz)) == NULL)
		goto fail;
	for (i = 0; i < nnames; i++) {
		if (join(rel, sizeof(rel), "test", names[i], err,
		    errsz) == -1)
			goto fail;
		for (k = 0; k < n && strcmp(sums[k].rel, rel) != 0; k++)
			;
		if (k == n) {
			errorf(err, errsz, "the frozen test part changed: "
			    "%s/%s is not in test.sha256", dir, rel);
			goto fail;
		}
		if (check_file(dir, &sums[k], test, err, errsz) == -1)
			goto fail;
	}
	/* The files listed that are not .tsv are checked all the same. */
	for (k = 0; k < n; k++)
		if (!sums[k].seen && check_file(dir, &sums[k], NULL, err,
		    errsz) == -1)
			goto fail;
	rc = 0;
fail:
	strlist_free(names, nnames);
	free(buf);
	free(sums);
	return rc;
}

/*
 * ===================================================================
 * Training
 * ===================================================================
 */

/* Reads the train part, the .tsv files of dir/train, into c. */
static int
read_train(const char *dir, struct train_corpus *c, char *err,
    size_t errsz)
{
	char	 tdir[PATH_MAX], path[PATH_MAX], **names;
	size_t	 n, i;
	int	 rc = 0;

	if (join(tdir, sizeof(tdir), dir, "train", err, errsz) == -1 ||
	    (names = tsv_files(tdir, &n, err, errsz)) == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++)
		if ((rc = join(path, sizeof(path), tdir, names[i], err,
		    errsz)) == 0)
			rc = train_corpus_read(c, path, err, errsz);
	strlist_free(names, n);
	return rc;
}

/*
 * The officers' corrections: the JSON of --corrections file, or the
 * daemon's answer to router.corrections.  Returns CTL_OK with *data set
 * (the caller decrefs it), or CTL_FAIL or CTL_USAGE.
 */
static int
get_corrections(struct ctl_globals *g, const char *file, json_t **data)
{
	json_error_t	jerr;

	if (file == NULL)
		return ctl_call(g, "router.corrections", NULL, data, NULL,
		    NULL);
	if ((*data = json_load_file(file, 0, &jerr)) == NULL) {
		fprintf(stderr, "papictl: %s:%d: %s\n", file, jerr.line,
		    jerr.text);
		return CTL_FAIL;
	}
	return CTL_OK;
}

/*
 * Adds the corrections of data to c.  A correction to a category the
 * model has no class for is left out with a warning (counted in
 * *skipped); a malformed one fails.  Returns 0 or -1.
 */
static int
add_corrections(struct train_corpus *c, json_t *data, size_t *skipped)
{
	json_t		*list, *e, *at;
	const char	*text, *cat, *ref;
	char		 err[TRAIN_ERR_MAX];
	size_t		 i;

	*skipped = 0;
	list = json_object_get(data, "corrections");
	if (!json_is_array(list)) {
		fprintf(stderr, "%s\n", _("papictl: corrections: no "
		    "\"corrections\" array"));
		return -1;
	}
	json_array_foreach(list, i, e) {
		text = json_string_value(json_object_get(e, "text"));
		cat = json_string_value(json_object_get(e, "category"));
		ref = json_string_value(json_object_get(e, "ref"));
		at = json_object_get(e, "at");
		if (text == NULL || cat == NULL ||
		    (at != NULL && !json_is_integer(at) && !json_is_null(at))) {
			fprintf(stderr, _("papictl: corrections: entry %zu: "
			    "needs a \"text\" and a \"category\"\n"), i + 1);
			return -1;
		}
		if (train_corpus_correct(c, text, cat, json_is_integer(at) ?
		    (long long)json_integer_value(at) : 0, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, _("papictl: warning: correction %s: "
			    "%s; left out\n"), ref != NULL ? ref : "-", err);
			(*skipped)++;
		}
	}
	return 0;
}

/* The figures as JSON. */
static json_t *
figures_json(const struct train_figures *fg)
{
	json_t	*o, *cats, *rows, *row, *classes;
	int	 i, j;

	o = json_pack("{s:I, s:f, s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I}", "messages", (json_int_t)fg->n,
	    "accuracy", fg->top_acc, "macro_f1", fg->macro_f1,
	    "corruption_recall", fg->corr_recall, "restricted_precision",
	    fg->corr_precision, "corruption", (json_int_t)fg->corr_n,
	    "corruption_found", (json_int_t)fg->corr_ok,
	    "restricted", (json_int_t)fg->corr_pred,
	    "spam", (json_int_t)fg->spam_n, "spam_filed",
	    (json_int_t)fg->spam_cases, "complaints", (json_int_t)fg->fb_n,
	    "complaints_dropped", (json_int_t)fg->fb_dropped, "held",
	    (json_int_t)fg->held_n, "held_complaints",
	    (json_int_t)fg->fb_held);
	if (o == NULL)
		return NULL;
	cats = json_object();
	for (i = 0; i < TRAIN_NTOP; i++)
		json_object_set_new(cats, train_top_name(i), json_pack("{s:f, "
		    "s:f, s:f, s:I, s:I}", "precision", fg->p[i], "recall",
		    fg->r[i], "f1", fg->f[i], "true", (json_int_t)fg->tn[i],
		    "decided", (json_int_t)fg->pn[i]));
	json_object_set_new(o, "categories", cats);
	classes = json_array();
	rows = json_array();
	for (i = 0; i < TRAIN_NCLASSES; i++) {
		json_array_append_new(classes,
		    json_string(train_class_name(i)));
		row = json_array();
		for (j = 0; j < TRAIN_NCLASSES; j++)
			json_array_append_new(row,
			    json_integer((json_int_t)fg->conf[i][j]));
		json_array_append_new(rows, row);
	}
	json_object_set_new(o, "confusion", json_pack("{s:o, s:o}",
	    "classes", classes, "rows", rows));
	return o;
}

/*
 * Prints s in a cell width columns wide on the screen (its display
 * width: a Vietnamese heading takes more bytes than columns), at the
 * right with right, and a blank after unless last.
 */
static void
cell(const char *s, size_t width, int right, int last)
{
	size_t	w = text_width(s, strlen(s));

	if (right)
		for (; w < width; w++)
			putchar(' ');
	fputs(s, stdout);
	if (!right && !last)
		for (; w < width; w++)
			putchar(' ');
	if (!last)
		putchar(' ');
}

/* One line of the figures: its label, the running's and the new's. */
static void
figure(const char *label, const char *a, const char *b)
{
	cell(label, 22, 0, 0);
	cell(a, 22, 1, 0);
	cell(b, 22, 1, 1);
	putchar('\n');
}

/* Prints the two sets of figures side by side, and the new confusion. */
static void
print_figures(const struct train_figures *old,
    const struct train_figures *new)
{
	char	a[64], b[64];
	int	i;

	putchar('\n');
	figure(_("on the test part"), _("running"), _("new"));
	snprintf(a, sizeof(a), "%.1f%%", 100 * old->top_acc);
	snprintf(b, sizeof(b), "%.1f%%", 100 * new->top_acc);
	figure(_("accuracy"), a, b);
	snprintf(a, sizeof(a), "%.1f%% (%zu/%zu)", 100 * old->corr_recall,
	    old->corr_ok, old->corr_n);
	snprintf(b, sizeof(b), "%.1f%% (%zu/%zu)", 100 * new->corr_recall,
	    new->corr_ok, new->corr_n);
	figure(_("corruption recall"), a, b);
	snprintf(a, sizeof(a), "%.1f%% (%zu/%zu)", 100 * old->corr_precision,
	    old->corr_ok, old->corr_pred);
	snprintf(b, sizeof(b), "%.1f%% (%zu/%zu)", 100 * new->corr_precision,
	    new->corr_ok, new->corr_pred);
	figure(_("restricted precision"), a, b);
	snprintf(a, sizeof(a), "%zu/%zu", old->spam_cases, old->spam_n);
	snprintf(b, sizeof(b), "%zu/%zu", new->spam_cases, new->spam_n);
	figure(_("spam filed as a case"), a, b);
	snprintf(a, sizeof(a), "%zu/%zu", old->fb_dropped, old->fb_n);
	snprintf(b, sizeof(b), "%zu/%zu", new->fb_dropped, new->fb_n);
	figure(_("complaints dropped"), a, b);
	snprintf(a, sizeof(a), "%zu", old->held_n);
	snprintf(b, sizeof(b), "%zu", new->held_n);
	figure(_("held"), a, b);
	putchar('\n');
	cell("", 15, 0, 0);
	cell(_("running"), 15, 1, 0);
	cell(_("new"), 15, 1, 1);
	putchar('\n');
	cell(_("category"), 15, 0, 0);
	/* TRANSLATORS: precision and recall, in 7 columns at most. */
	cell(_("prec"), 7, 1, 0);
	cell(_("recall"), 7, 1, 0);
	cell(_("prec"), 7, 1, 0);
	cell(_("recall"), 7, 1, 1);
	putchar('\n');
	for (i = 0; i < TRAIN_NTOP; i++)
		printf("%-15s %6.1f%% %6.1f%% %6.1f%% %6.1f%%\n",
		    train_top_name(i), 100 * old->p[i], 100 * old->r[i],
		    100 * new->p[i], 100 * new->r[i]);
	printf("\n%s", _("the new model's decisions:"));
	train_figures_confusion(stdout, new);
}

/*
 * Writes m to a private temporary file and asks the daemon to install it,
 * handing it the open file rather than its name (the daemon may not see
 * our /tmp).  Returns CTL_OK or CTL_FAIL.
 */
static int
install(struct ctl_globals *g, const struct model *m,
    const struct train_figures *fg, json_t **answer)
{
	const char	*tmp = getenv("TMPDIR");
	char		 dir[PATH_MAX], path[PATH_MAX], err[MODEL_ERR_MAX] = "";
	json_t		*args;
	int		 fd = -1, rc = CTL_FAIL;

	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	/* A directory of our own: model_save()'s "path.tmp" is safe. */
	if (join(dir, sizeof(dir), tmp, "papictl-router.XXXXXX", err,
	    sizeof(err)) == -1 || mkdtemp(dir) == NULL) {
		fprintf(stderr, "papictl: %s: %s\n", dir, err[0] != '\0' ?
		    err : strerror(errno));
		return CTL_FAIL;
	}
	if (join(path, sizeof(path), dir, "router.model", err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "papictl: %s\n", err);
		goto done;
	}
	if (model_save(m, path, err, sizeof(err)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "papictl: %s\n", err[0] != '\0' ? err :
		    strerror(errno));
		goto done;
	}
	args = json_pack("{s:f, s:f}", "accuracy", fg->top_acc,
	    "corruption_recall", fg->corr_recall);
	rc = ctl_call_passing(g, "router.install", args, fd, answer);
done:
	if (fd != -1)
		close(fd);
	unlink(path);
	rmdir(dir);
	return rc;
}

/* The file classify_load() reads for conf, and the setting naming it. */
static const char *
model_path(const struct config *conf, const char **setting)
{
	struct stat	sb;

	if (conf->classifier_trained[0] != '\0' &&
	    stat(conf->classifier_trained, &sb) == 0) {
		*setting = "classifier.trained";
		return conf->classifier_trained;
	}
	*setting = "classifier.model";
	return conf->classifier_model;
}

/*
 * Loads the running model, and sets *path to its file.  Returns it, or
 * NULL (with a warning when it cannot be loaded) for the keyword router
 * alone.
 */
static struct model *
running_model(const struct config *conf, const char **path)
{
	struct model	*m;
	const char	*setting;
	char		 err[MODEL_ERR_MAX];

	*path = NULL;
	if ((m = classify_load(conf, err, sizeof(err))) != NULL) {
		*path = model_path(conf, &setting);
		return m;
	}
	if (err[0] != '\0')
		fprintf(stderr, _("papictl: warning: %s; comparing with the "
		    "keyword router alone\n"), err);
	return NULL;
}

static int
train_usage(void)
{
	ctl_usage_of("router");
	return CTL_USAGE;
}

static int
parse_train(int argc, char **argv, struct train_args *a)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "corpus", required_argument, NULL, 'C' },
		{ "corrections", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			a->force = 1;
			break;
		case 'C':
			a->corpus = optarg;
			break;
		case 'r':
			a->corrections = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* What router train did, for the text and JSON outputs. */
struct outcome {
	const char		*corpus;
	struct train_corpus	*train, *test;
	size_t			 skipped;	/* corrections left out */
	size_t			 nused;
	const char		*running;	/* its file, or NULL */
	const char		*running_trained;
	struct train_figures	 old, new;
	int			 accepted;
	char			 why[TRAIN_ERR_MAX];
	const char		*trained;
};

/*
 * n things as ngettext() says them ("%zu message", "%zu messages") into
 * the array buf, which it returns.  xgettext takes COUNT()'s second and
 * third arguments as a plural.
 */
#define COUNT(buf, one, many, n)					\
	(snprintf((buf), sizeof(buf), ngettext((one), (many),		\
	    (unsigned long)(n)), (size_t)(n)), (const char *)(buf))

/* Prints the corpus, the models and their figures (text). */
static void
print_report(const struct outcome *o)
{
	int	nfiles = o->train->nwriters - (o->train->corrections >= 0);
	size_t	ntest = o->test->n - o->test->ndup;
	char	c[6][48];

	printf(_("corpus: %s\n"), o->corpus);
	/*
	 * TRANSLATORS: "trained on 33 messages: the train part (1 file, 0
	 * repeats left out) and 2 corrections (1 message replaced, 0
	 * corrections left out)".
	 */
	printf(_("trained on %s: the train part (%s, %s left out) and %s "
	    "(%s replaced, %s left out)\n"),
	    COUNT(c[0], "%zu message", "%zu messages", o->nused),
	    COUNT(c[1], "%zu file", "%zu files", nfiles),
	    COUNT(c[2], "%zu repeat", "%zu repeats", o->train->ndup),
	    COUNT(c[3], "%zu correction", "%zu corrections",
	    o->train->ncorrections),
	    COUNT(c[4], "%zu message", "%zu messages", o->train->noverridden),
	    COUNT(c[5], "%zu correction", "%zu corrections", o->skipped));
	printf(_("test part: %s (%s), as in test.sha256\n"),
	    COUNT(c[0], "%zu message", "%zu messages", ntest),
	    COUNT(c[1], "%zu file", "%zu files", o->test->nwriters));
	if (o->running != NULL)
		printf(_("running: %s (%s)\n"), o->running,
		    o->running_trained);
	else
		printf("%s\n", _("running: the keyword router alone"));
	printf(_("new: %s\n"), o->trained);
	print_figures(&o->old, &o->new);
}

/*
 * Prints what router train did as one JSON object (--json): the model
 * written to path, or installed (as path, when the daemon said), or
 * neither.
 */
static void
print_json(const struct outcome *o, int installed, const char *path)
{
	json_t	*j;

	j = json_pack("{s:s, s:{s:I, s:i, s:I, s:I, s:I, s:I}, s:{s:I, s:i}, "
	    "s:{s:s?, s:s?, s:o*}, s:{s:s, s:o*}, s:b, s:s?, s:b, s:s?}",
	    "corpus", o->corpus,
	    "train", "messages", (json_int_t)o->nused, "files",
	    o->train->nwriters - (o->train->corrections >= 0), "corrections",
	    (json_int_t)o->train->ncorrections, "replaced",
	    (json_int_t)o->train->noverridden, "left_out",
	    (json_int_t)o->skipped, "repeats", (json_int_t)o->train->ndup,
	    "test", "messages", (json_int_t)(o->test->n - o->test->ndup),
	    "files", o->test->nwriters,
	    "running", "path", o->running, "trained", o->running_trained,
	    "figures", figures_json(&o->old),
	    "new", "trained", o->trained, "figures", figures_json(&o->new),
	    "accepted", o->accepted, "reason", o->why[0] ? o->why : NULL,
	    "installed", installed, "path", path);
	if (j == NULL) {
		fprintf(stderr, "%s\n", _("papictl: out of memory"));
		return;
	}
	ctl_print_json(j);
	json_decref(j);
}

/*
 * papictl router train: the steps of the file's top comment.  Returns
 * CTL_OK when the new model was installed (or written), CTL_FAIL when it
 * was refused or a step failed, CTL_USAGE on bad usage.
 */
/*
 * Reads the corpus and the test part, adds the officers' corrections
 * and trains the new model into *new.  Returns CTL_OK, or a failure after
 * saying why.
 */
static int
train_new(struct ctl_globals *g, const struct train_args *a,
    const struct config *conf, struct router *r, struct outcome *o,
    json_t **corr, struct model **new)
{
	struct train_opts	 opts;
	char			 err[CONF_ERR_MAX], note[64];
	int			 rc;

	o->corpus = a->corpus != NULL ? a->corpus : conf->classifier_corpus;
	if ((o->train = train_corpus_new()) == NULL ||
	    (o->test = train_corpus_new()) == NULL) {
		fprintf(stderr, "%s\n", _("papictl: out of memory"));
		return CTL_FAIL;
	}
	/* The checks that need no training first. */
	if (read_test(o->corpus, o->test, err, sizeof(err)) == -1 ||
	    read_train(o->corpus, o->train, err, sizeof(err)) == -1) {
		fprintf(stderr, _("papictl: router train: %s\n"), err);
		return CTL_FAIL;
	}
	if ((rc = get_corrections(g, a->corrections, corr)) != CTL_OK)
		return rc;
	if (add_corrections(o->train, *corr, &o->skipped) == -1)
		return CTL_FAIL;
	train_opts_default(&opts);
	snprintf(note, sizeof(note), "corrections=%zu",
	    o->train->ncorrections);
	opts.note = note;
	if (train_corpus_dedupe(o->train) == -1 ||
	    train_corpus_dedupe(o->test) == -1 ||
	    train_corpus_extract(o->train, &opts, r, err, sizeof(err)) == -1 ||
	    (*new = train_model(o->train, NULL, &opts, &o->nused, NULL, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, _("papictl: router train: %s\n"), err);
		return CTL_FAIL;
	}
	o->trained = model_trained(*new);
	return CTL_OK;
}

/*
 * The running model and the new one decide on the test part as the
 * daemon would; o->accepted says whether the new one may replace it.
 * Returns CTL_OK, or CTL_FAIL after saying why.
 */
static int
compare(const struct config *conf, struct router *r, struct model *new,
    int force, struct outcome *o, struct model **old)
{
	struct classify_rule	rule;
	char			err[CONF_ERR_MAX];

	classify_rule_of(conf, &rule);
	if ((*old = running_model(conf, &o->running)) != NULL)
		o->running_trained = model_trained(*old);
	if (train_predict(o->test, NULL, r, *old, &rule, 0, err,
	    sizeof(err)) == -1)
		goto fail;
	train_score(o->test, NULL, &o->old);
	if (train_predict(o->test, NULL, r, new, &rule, 0, err,
	    sizeof(err)) == -1)
		goto fail;
	train_score(o->test, NULL, &o->new);
	o->accepted = train_accept(&o->old, &o->new, force, o->why,
	    sizeof(o->why));
	return CTL_OK;
fail:
	fprintf(stderr, _("papictl: router train: %s\n"), err);
	return CTL_FAIL;
}

/*
 * The new model, accepted: written to --out, or sent to the daemon to
 * install.  Returns CTL_OK or a failure.
 */
static int
deliver(struct ctl_globals *g, const struct train_args *a,
    struct model *new, struct outcome *o)
{
	json_t		*answer = NULL;
	const char	*installed_as;
	char		 err[CONF_ERR_MAX];
	int		 rc;

	if (a->out != NULL) {
		if (model_save(new, a->out, err, sizeof(err)) == -1) {
			fprintf(stderr, "papictl: %s\n", err);
			return CTL_FAIL;
		}
		if (g->json)
			print_json(o, 0, a->out);
		else
			printf(_("new model written to %s\n"), a->out);
		return CTL_OK;
	}
	fflush(stdout);
	rc = install(g, new, &o->new, &answer);
	installed_as = json_string_value(json_object_get(answer, "path"));
	if (g->json)
		print_json(o, rc == CTL_OK, installed_as);
	else if (rc == CTL_OK && installed_as != NULL)
		printf(_("new model installed as %s\n"), installed_as);
	else if (rc == CTL_OK)
		printf("%s\n", _("new model installed"));
	json_decref(answer);
	return rc;
}

static int
router_train(struct ctl_globals *g, int argc, char **argv)
{
	struct train_args	 a;
	struct outcome		 o;
	struct config		*conf = NULL;
	struct router		*r = NULL;
	struct model		*old = NULL, *new = NULL;
	json_t			*corr = NULL;
	char			 err[CONF_ERR_MAX];
	locale_t		 loc = (locale_t)0;
	int			 rc = CTL_FAIL;

	if (parse_train(argc, argv, &a) == -1)
		return train_usage();
	memset(&o, 0, sizeof(o));
	if ((conf = config_load(g->conf_path, g->overrides, g->noverrides,
	    err, sizeof(err))) == NULL ||
	    (r = router_compile(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "papictl: %s\n", err);
		goto done;
	}
	if ((rc = train_new(g, &a, conf, r, &o, &corr, &new)) != CTL_OK)
		goto done;
	/* --json is the same in every language: its reason is English. */
	if (g->json)
		loc = i18n_english();
	rc = compare(conf, r, new, a.force, &o, &old);
	i18n_restore(loc);
	if (rc != CTL_OK)
		goto done;
	/* The figures first: they stay on the screen whatever follows. */
	if (!g->json)
		print_report(&o);
	if (!o.accepted) {
		if (g->json)
			print_json(&o, 0, NULL);
		fprintf(stderr, _("papictl: router train: %s; not installed "
		    "(--force installs it all the same)\n"), o.why);
		rc = CTL_FAIL;
		goto done;
	}
	if (o.why[0] != '\0')
		fprintf(stderr, _("papictl: warning: %s; accepted because of "
		    "--force\n"), o.why);
	rc = deliver(g, &a, new, &o);
done:
	json_decref(corr);
	model_unref(old);
	model_unref(new);
	train_corpus_free(o.train);
	train_corpus_free(o.test);
	router_unref(r);
	config_free(conf);
	return rc;
}

/*
 * ===================================================================
 * router show
 * ===================================================================
 */

/* papictl router show.  Returns CTL_OK, or CTL_FAIL. */
static int
router_show(struct ctl_globals *g)
{
	struct config	*conf;
	struct model	*m;
	const char	*path, *setting;
	char		 err[CONF_ERR_MAX], feat[FEATURES_CONF_MAX];
	json_t		*o, *classes;
	size_t		 k;

	if ((conf = config_load(g->conf_path, g->overrides, g->noverrides,
	    err, sizeof(err))) == NULL) {
		fprintf(stderr, "papictl: %s\n", err);
		return CTL_FAIL;
	}
	path = model_path(conf, &setting);
	if ((m = classify_load(conf, err, sizeof(err))) == NULL &&
	    err[0] != '\0') {
		fprintf(stderr, "papictl: %s\n", err);
		config_free(conf);
		return CTL_FAIL;
	}
	if (m == NULL) {
		if (g->json)
			printf("{\"path\":null}\n");
		else
			printf("%s\n", _("no model (classifier.model is "
			    "empty): the keyword router alone"));
		config_free(conf);
		return CTL_OK;
	}
	features_conf_format(model_features(m), feat, sizeof(feat));
	if (g->json) {
		classes = json_array();
		for (k = 0; k < model_nclasses(m); k++)
			json_array_append_new(classes,
			    json_string(model_class(m, k)));
		o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:I}", "path",
		    path, "setting", setting, "trained", model_trained(m),
		    "features", feat, "classes", classes, "rows",
		    (json_int_t)model_nrows(m), "memory",
		    (json_int_t)model_memory(m));
		ctl_print_json(o);
		json_decref(o);
	} else {
		printf(_("path: %s (%s)\ntrained: %s\nfeatures: %s\nclasses: "
		    "%zu:"), path, setting, model_trained(m), feat,
		    model_nclasses(m));
		for (k = 0; k < model_nclasses(m); k++)
			printf(" %s", model_class(m, k));
		printf(_("\nrows: %zu\nmemory: %.1f MB\n"), model_nrows(m),
		    model_memory(m) / 1048576.0);
	}
	model_unref(m);
	config_free(conf);
	return CTL_OK;
}

/*
 * papictl router train ... | router show: see the top of the file.
 * Returns CTL_OK, CTL_FAIL or CTL_USAGE.
 */
int
ctl_router(struct ctl_globals *g, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "train") == 0)
		return router_train(g, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "show") == 0)
		return router_show(g);
	return train_usage();
}
