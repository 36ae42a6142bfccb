/*
 * test_features.c: unit tests of the learned classifier's feature
 * extractor (features.c) and model loader (model.c): đ/Đ and case, NFD
 * against NFC, Telex residue, emoji, invalid UTF-8, a 2 KiB message, an
 * empty one, the settings line, corrupt and truncated model files refused
 * with "FILE: line N: ...", a model written and read back, reference
 * counting through a slot, and a round trip through liblinear: a tiny
 * model trained in the test on a handful of messages, saved, loaded and
 * compared with liblinear's own probabilities.
 *
 * liblinear is opened at run time (dlopen), so that the test builds with
 * the project's usual link line; without liblinear4 (or its header at
 * build time) the round trip is skipped and the other tests run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linear.h>)
#include <linear.h>
#define HAVE_LINEAR	1
#endif
#endif

#include "base/slot.h"
#include "conf/config.h"
#include "domain/features.h"
#include "domain/model.h"
#include "domain/router.h"
#include "text/text.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

static struct config		*conf;
static struct router		*r;
static struct text		*t;
static struct features_vec	*v, *v2;
static struct features_conf	 fc;
static char			 dir[] = "/tmp/test_features.XXXXXX";

static int
setup(void **state)
{
	char	err[CONF_ERR_MAX];

	(void)state;
	conf = config_load(SRCDIR "/conf/papigw.conf", NULL, 0, err,
	    sizeof(err));
	if (conf == NULL || (r = router_compile(conf, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	features_conf_default(&fc);
	t = text_alloc();
	v = features_vec_new(0);
	v2 = features_vec_new(1);
	if (t == NULL || v == NULL || v2 == NULL || mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	features_vec_free(v);
	features_vec_free(v2);
	free(t);
	router_unref(r);
	config_free(conf);
	return 0;
}

/* Extracts the features of len bytes of s into vec, with the router. */
static void
extract_n(struct features_vec *vec, const char *s, size_t len)
{
	struct route_result	res;

	text_normalise(t, s, len, 0);
	router_classify_text(r, t, &res);
	features_extract(&fc, t, r, &res, vec);
}

static void
extract(struct features_vec *vec, const char *s)
{
	extract_n(vec, s, strlen(s));
}

struct pair {
	uint32_t	idx;
	float		val;
};

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return (x->val > y->val) - (x->val < y->val);
}

/* The features of vec, sorted (a vector's order is the order found). */
static struct pair *
sorted(const struct features_vec *vec)
{
	struct pair	*p = calloc(vec->n + 1, sizeof(*p));
	size_t		 i;

	assert_non_null(p);
	for (i = 0; i < vec->n; i++) {
		p[i].idx = vec->idx[i];
		p[i].val = vec->val[i];
	}
	qsort(p, vec->n, sizeof(*p), cmp_pair);
	return p;
}

/* Whether messages a and b have the same features. */
static int
same_features(const char *a, const char *b)
{
	struct pair	*pa, *pb;
	size_t		 i;
	int		 same;

	extract(v, a);
	extract(v2, b);
	if (v->n != v2->n)
		return 0;
	pa = sorted(v);
	pb = sorted(v2);
	for (same = 1, i = 0; i < v->n && same; i++)
		same = pa[i].idx == pb[i].idx &&
		    fabsf(pa[i].val - pb[i].val) < 1e-6f;
	free(pa);
	free(pb);
	return same;
}

/* Whether the last extraction into v2 (with names) has feature name. */
static int
has_feature(const char *name)
{
	size_t	i;

	for (i = 0; i < v2->n; i++)
		if (strcmp(features_name(v2, i), name) == 0)
			return 1;
	return 0;
}

/* Every value finite, every index in the space, at most FEATURES_MAX. */
static void
assert_sane(const struct features_vec *vec)
{
	size_t	i;

	assert_true(vec->n <= FEATURES_MAX);
	for (i = 0; i < vec->n; i++) {
		assert_true(isfinite(vec->val[i]));
		assert_true(vec->idx[i] < (1u << fc.bits));
		assert_true(vec->group[i] < FEATURES_NGROUPS);
	}
}

static void
test_d_stroke_and_case(void **state)
{
	(void)state;
	/* Đ and đ, capitals and small letters: the same message. */
	assert_true(same_features(
	    "\xc4\x90\xc3\x92I 5 TRI\xe1\xbb\x86U M\xe1\xbb\x9aI L\xc3\x80M "
	    "S\xe1\xbb\x94 \xc4\x90\xe1\xbb\x8e",
	    "\xc4\x91\xc3\xb2i 5 tri\xe1\xbb\x87u m\xe1\xbb\x9bi l\xc3\xa0m "
	    "s\xe1\xbb\x95 \xc4\x91\xe1\xbb\x8f"));
	/* đ folds to d: the word features are those of "doi". */
	extract(v2, "\xc4\x91\xc3\xb2i ti\xe1\xbb\x81n");
	assert_true(has_feature("w:doi"));
	assert_true(has_feature("w:tien"));
	assert_true(has_feature("k:ddoif"));	/* the diacritics key */
}

static void
test_nfd_is_nfc(void **state)
{
	(void)state;
	/* "Trạm y tế phường đóng cửa" in NFC, then decomposed (NFD). */
	assert_true(same_features(
	    "Tr\xe1\xba\xa1m y t\xe1\xba\xbf ph\xc6\xb0\xe1\xbb\x9dng "
	    "\xc4\x91\xc3\xb3ng c\xe1\xbb\xad" "a",
	    "Tra\xcc\xa3m y te\xcc\x82\xcc\x81 phu\xcc\x9bo\xcc\x9b\xcc\x80ng "
	    "\xc4\x91o\xcc\x81ng cu\xcc\x9b\xcc\x89" "a"));
}

static void
test_telex(void **state)
{
	(void)state;
	/* Telex residue is read as the words it stands for. */
	extract(v2, "nhaan vieen caasp nuwowcs ddoif 2 xij mowis cho");
	assert_true(has_feature("w:doi"));
	assert_true(has_feature("w:nuoc"));
	assert_true(has_feature("w:vien"));
	assert_true(has_feature("q:money"));	/* "2 xị" is an amount */
	assert_true(has_feature("q:demand"));
	assert_true(has_feature("s:telex"));
	assert_sane(v2);
}

static void
test_cues(void **state)
{
	(void)state;
	extract(v2, "can bo phuong doi 5tr moi lam so do, ko bien lai");
	assert_true(has_feature("q:money"));
	assert_true(has_feature("q:actor"));
	assert_true(has_feature("q:money+actor"));
	assert_true(has_feature("q:demand>money"));
	assert_true(has_feature("q:money>cond"));
	assert_true(has_feature("q:noreceipt"));
	assert_true(has_feature("r:demand"));	/* the router's flag */
	/* An English word also gets its Vietnamese gloss. */
	extract(v2, "the police asked for a bribe");
	assert_true(has_feature("w:cong"));
	assert_true(has_feature("b:cong an"));
	assert_true(has_feature("w:hoi"));
}

static void
test_emoji(void **state)
{
	(void)state;
	extract(v2, "\xf0\x9f\x98\xa1\xf0\x9f\x98\xa1 duong ngap qua "
	    "\xf0\x9f\x8c\x8a\xf0\x9f\x8c\x8a\xe2\x9d\xa4\xef\xb8\x8f "
	    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
	    "\xf0\x9f\x91\xa7");
	assert_sane(v2);
	assert_true(has_feature("w:ngap"));
	extract(v, "\xf0\x9f\x98\xa1\xf0\x9f\x98\xa1\xf0\x9f\x98\xa1");
	assert_sane(v);
}

static void
test_invalid_utf8(void **state)
{
	static const char bad[] = "tr\xff\xfe" "m y t\xc3 \xe1\xba " "d\xed"
	    "\xa0\x80 \xc0\xaf \xf8\x88\x80\x80\x80 het thuoc\xc3";

	(void)state;
	extract_n(v, bad, sizeof(bad) - 1);
	assert_sane(v);
	assert_true(v->n > 0);
	extract_n(v2, bad, sizeof(bad) - 1);
	assert_true(has_feature("s:invalid"));
	assert_true(has_feature("w:thuoc"));
}

static void
test_long(void **state)
{
	char	buf[2048 + 512];
	size_t	i, n = 0;

	(void)state;
	/* 2 KiB and more of varied words: capped, never overflowing. */
	for (i = 0; n + 40 < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    "t\xe1\xbb\xab%zu c\xc3\xa1n b\xe1\xbb\x99 %zux ",
		    i * 7919 % 1000, i);
	extract_n(v, buf, n);
	assert_sane(v);
	assert_true(v->n > 100);
	extract_n(v2, buf, n);
	assert_sane(v2);
	/* One long word, no spaces at all. */
	memset(buf, 'a', sizeof(buf));
	extract_n(v, buf, sizeof(buf));
	assert_sane(v);
}

static void
test_empty(void **state)
{
	(void)state;
	extract(v2, "");
	assert_sane(v2);
	assert_true(has_feature("s:len=0"));
	extract(v, "   \t  ");
	assert_sane(v);
	assert_int_equal(v->n, v2->n);
}

/* Named and unnamed extraction give the same features. */
static void
test_names_same(void **state)
{
	static const char *const msgs[] = {
		"Cong an phuong doi 2 xi moi cho dau xe, ko bien lai",
		("Tr\xe1\xba\xa1m y t\xe1\xba\xbf \xc4\x91\xc3\xb3ng "
		    "c\xe1\xbb\xad" "a, the nurse asked for tea money"),
		"", "1", "alo"
	};
	struct pair	*pa, *pb;
	size_t		 i, k;

	(void)state;
	for (k = 0; k < sizeof(msgs) / sizeof(msgs[0]); k++) {
		extract(v, msgs[k]);
		extract(v2, msgs[k]);
		assert_int_equal(v->n, v2->n);
		pa = sorted(v);
		pb = sorted(v2);
		for (i = 0; i < v->n; i++) {
			assert_int_equal(pa[i].idx, pb[i].idx);
			assert_true(fabsf(pa[i].val - pb[i].val) < 1e-6f);
		}
		for (i = 0; i < v2->n; i++)
			assert_true(features_name(v2, i)[0] != '\0');
		free(pa);
		free(pb);
	}
}

/* With group normalisation each group has the length of its weight. */
static void
test_group_norm(void **state)
{
	double	ss[FEATURES_NGROUPS] = { 0 };
	size_t	i;
	int	g;

	(void)state;
	extract(v, "Co nguoi xung la can bo phuong doi 500.000d phi lam "
	    "giay, ai cung phai nop");
	for (i = 0; i < v->n; i++)
		ss[v->group[i]] += (double)v->val[i] * v->val[i];
	for (g = 0; g < FEATURES_NGROUPS; g++)
		if (ss[g] > 0)
			assert_true(fabs(sqrt(ss[g]) - fc.weight[g]) < 1e-4);
}

static void
test_conf_line(void **state)
{
	struct features_conf	 c2;
	char			 line[FEATURES_CONF_MAX], err[256];

	(void)state;
	features_conf_format(&fc, line, sizeof(line));
	assert_int_equal(features_conf_parse(&c2, line, err, sizeof(err)), 0);
	assert_int_equal(c2.bits, fc.bits);
	assert_int_equal(c2.groups, fc.groups);
	assert_int_equal(c2.opts, fc.opts);
	assert_memory_equal(c2.weight, fc.weight, sizeof(fc.weight));
	assert_int_equal(features_conf_parse(&c2, "version=999 bits=16", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "retrain"));
	assert_int_equal(features_conf_parse(&c2, "version=1 bits=99", err,
	    sizeof(err)), -1);
	assert_int_equal(features_conf_parse(&c2, "", err, sizeof(err)), -1);
}

/*
 * ===================================================================
 * Model files
 * ===================================================================
 */

static const char *const classes3[] = { "corruption", "infrastructure",
    "spam" };

/* A model of 3 classes over fc with pseudo-random weights. */
static struct model *
random_model(void)
{
	struct model	*m;
	size_t		 dim = (size_t)1 << fc.bits, i;
	double		*w = calloc(dim * 3, sizeof(*w)), bias[3] = { -1, -2,
	    -3 };
	uint32_t	 x = 7;
	char		 err[MODEL_ERR_MAX];

	assert_non_null(w);
	for (i = 0; i < dim * 3; i += 5) {
		x = x * 1103515245u + 12345u;
		w[i] = ((double)(x >> 8) / (1 << 24) - 0.5);
	}
	m = model_new(&fc, classes3, 3, w, bias, "test", err, sizeof(err));
	free(w);
	assert_non_null(m);
	return m;
}

static char *
path_of(const char *name)
{
	static char	buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void
spit(const char *path, const char *buf, size_t len)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* Loading path fails with an error that contains want. */
static void
assert_refused(const char *path, const char *want)
{
	struct model	*m;
	char		 err[MODEL_ERR_MAX] = "", prefix[300];

	m = model_load(path, err, sizeof(err));
	if (m != NULL || strstr(err, want) == NULL)
		fprintf(stderr, "want \"%s\", got \"%s\"\n", want, err);
	assert_null(m);
	snprintf(prefix, sizeof(prefix), "%s: ", path);
	assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
	assert_non_null(strstr(err, want));
}

static void
test_model_save_load(void **state)
{
	struct model	*m, *m2;
	double		 p[3], p2[3];
	char		 err[MODEL_ERR_MAX];
	size_t		 k, b1, b2;

	(void)state;
	m = random_model();
	assert_int_equal(model_save(m, path_of("m.txt"), err, sizeof(err)), 0);
	m2 = model_load(path_of("m.txt"), err, sizeof(err));
	if (m2 == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(m2);
	assert_int_equal(model_nclasses(m2), 3);
	assert_string_equal(model_class(m2, 2), "spam");
	assert_int_equal(model_class_index(m2, "infrastructure"), 1);
	assert_int_equal(model_class_index(m2, "nope"), -1);
	assert_int_equal(model_nrows(m2), model_nrows(m));
	assert_string_equal(model_trained(m2), "test");
	assert_int_equal(model_features(m2)->bits, fc.bits);
	/* The same predictions, to the bit. */
	extract(v, "cong an doi tien, duong ngap, trung thuong");
	b1 = model_predict(m, v, p);
	b2 = model_predict(m2, v, p2);
	assert_int_equal(b1, b2);
	for (k = 0; k < 3; k++)
		assert_true(p[k] == p2[k]);
	assert_true(fabs(p[0] + p[1] + p[2] - 1) < 1e-9);
	model_unref(m);
	model_unref(m2);
}

static void
test_model_corrupt(void **state)
{
	struct model	*m;
	char		*buf, *p, *q, err[MODEL_ERR_MAX];
	size_t		 len;

	(void)state;
	m = random_model();
	assert_int_equal(model_save(m, path_of("good"), err, sizeof(err)), 0);
	model_unref(m);
	buf = slurp(path_of("good"), &len);

	assert_refused(path_of("missing"), "No such file");
	spit(path_of("empty"), "", 0);
	assert_refused(path_of("empty"), "line 1: file ends");
	spit(path_of("garbage"), "\x7f" "ELF\x02\x01\x01\n", 8);
	assert_refused(path_of("garbage"), "line 1: not a papigw model");
	spit(path_of("v2"), "papigw-model 2\n", 15);
	assert_refused(path_of("v2"), "line 1: model format \"2\"");
	/* Cut in the middle of the rows: truncated. */
	spit(path_of("half"), buf, len / 2);
	assert_refused(path_of("half"), "truncated");
	/* Cut at the end of a line: the rows or the end line are missing. */
	p = memrchr(buf, '\n', len / 2);
	spit(path_of("cut"), buf, (size_t)(p - buf) + 1);
	assert_refused(path_of("cut"), "truncated");
	/* The end line only missing. */
	p = memrchr(buf, '\n', len - 1);
	spit(path_of("noend"), buf, (size_t)(p - buf) + 1);
	assert_refused(path_of("noend"), "the end line was expected");
	/* One digit changed: the checksum says so. */
	q = strdup(buf);
	p = strstr(q, "\nrows ");
	p = strchr(p + 1, '\n') + 1;	/* the bias line */
	p = strchr(p, '\n') + 1;	/* the first row */
	p = strchr(p, ' ') + 1;
	while (*p < '0' || *p > '9')
		p++;
	*p = *p == '9' ? '1' : (char)(*p + 1);
	spit(path_of("flip"), q, len);
	assert_refused(path_of("flip"), "checksum mismatch");
	free(q);
	/* A weight that is not a number. */
	q = strdup(buf);
	p = strstr(q, "\nb ") + 3;
	memcpy(p, "x", 1);
	spit(path_of("nan"), q, len);
	assert_refused(path_of("nan"), "line 6: weight 1 is not a number");
	free(q);
	/* A feature settings line of another version. */
	q = strdup(buf);
	p = strstr(q, "version=") + 8;
	*p = '7';
	spit(path_of("fver"), q, len);
	assert_refused(path_of("fver"), "line 2: features version 7");
	free(q);
	/* Fewer class names than announced. */
	q = strdup(buf);
	p = strstr(q, "classes 3 ");
	p[8] = '4';
	spit(path_of("ncls"), q, len);
	assert_refused(path_of("ncls"), "line 3: 3 class names where 4");
	free(q);
	/* More rows announced than there are. */
	q = strdup(buf);
	p = strstr(q, "\nrows ") + 6;
	*p = *p == '9' ? '1' : (char)(*p + 1);
	spit(path_of("nrows"), q, len);
	assert_refused(path_of("nrows"), "expected");
	free(q);
	/* Rows out of order. */
	{
		const char	*bad = "papigw-model 1\nfeatures ";
		char		 line[FEATURES_CONF_MAX], *f;
		size_t		 fl;

		features_conf_format(&fc, line, sizeof(line));
		fl = (size_t)asprintf(&f, "%s%s\nclasses 2 a b\ntrained x\n"
		    "rows 2\nb 0 0\n5 1 2\n3 1 2\nend 0000000000000000\n", bad,
		    line);
		spit(path_of("order"), f, fl);
		assert_refused(path_of("order"), "line 8: feature index 3 "
		    "after 5");
		free(f);
		fl = (size_t)asprintf(&f, "%s%s\nclasses 2 a b\ntrained x\n"
		    "rows 1\nb 0 0\n99999999 1 2\nend 0000000000000000\n", bad,
		    line);
		spit(path_of("range"), f, fl);
		assert_refused(path_of("range"), "line 7: feature index out "
		    "of range");
		free(f);
		fl = (size_t)asprintf(&f, "%s%s\nclasses 2 a b\ntrained x\n"
		    "rows 1\nb 0 0\n5 1 2 3\nend 0000000000000000\n", bad,
		    line);
		spit(path_of("wide"), f, fl);
		assert_refused(path_of("wide"), "line 7: more than 2 weights");
		free(f);
	}
	free(buf);
}

static void
test_explain(void **state)
{
	struct model	*m;
	struct model_why why[5];
	double		 p[3];
	size_t		 n, i, best;

	(void)state;
	m = random_model();
	extract(v2, "can bo phuong doi 5 trieu moi cap so do");
	best = model_predict(m, v2, p);
	n = model_explain(m, v2, best, why, 5);
	assert_true(n <= 5);
	for (i = 0; i < n; i++) {
		assert_true(why[i].weight > 0);
		assert_true(i == 0 || why[i].weight <= why[i - 1].weight);
		assert_true(why[i].feature < v2->n);
		assert_true(features_name(v2, why[i].feature)[0] != '\0');
	}
	assert_int_equal(model_explain(m, v2, 99, why, 5), 0);
	model_unref(m);
}

/* A slot keeps the old model alive for a reader while a new one comes. */
static void
test_slot(void **state)
{
	struct slot	*s;
	struct model	*a, *b, *cur;

	(void)state;
	a = random_model();
	b = random_model();
	s = model_slot_new(a);
	cur = model_slot_get(s);
	assert_ptr_equal(cur, a);
	model_slot_set(s, b);			/* a reload */
	assert_int_equal(model_nclasses(cur), 3);	/* still usable */
	model_unref(cur);			/* the last reference to a */
	cur = model_slot_get(s);
	assert_ptr_equal(cur, b);
	model_unref(cur);
	slot_free(s);
}

/*
 * ===================================================================
 * A round trip through liblinear
 * ===================================================================
 */

#ifdef HAVE_LINEAR
struct linear_api {
	struct model	*(*train)(const struct problem *,
			    const struct parameter *);
	double		 (*predict_probability)(const struct model *,
			    const struct feature_node *, double *);
	void		 (*free_and_destroy_model)(struct model **);
	void		 (*set_print_string_function)(void (*)(const char *));
};

static void
quiet(const char *s)
{
	(void)s;
}

/* The address of symbol name in h, stored into the function pointer fp. */
static int
sym(void *h, const char *name, void *fp, size_t fpsz)
{
	void	*p = dlsym(h, name);

	if (p == NULL || fpsz != sizeof(p))
		return -1;
	memcpy(fp, &p, sizeof(p));	/* POSIX: dlsym() gives functions */
	return 0;
}

static int
open_linear(struct linear_api *api)
{
	void	*h;

	memset(api, 0, sizeof(*api));
	if ((h = dlopen("liblinear.so.4", RTLD_NOW)) == NULL &&
	    (h = dlopen("liblinear.so", RTLD_NOW)) == NULL)
		return -1;
	if (sym(h, "train", &api->train, sizeof(api->train)) == -1 ||
	    sym(h, "predict_probability", &api->predict_probability,
	    sizeof(api->predict_probability)) == -1 ||
	    sym(h, "free_and_destroy_model", &api->free_and_destroy_model,
	    sizeof(api->free_and_destroy_model)) == -1 ||
	    sym(h, "set_print_string_function",
	    &api->set_print_string_function,
	    sizeof(api->set_print_string_function)) == -1)
		return -1;
	return 0;
}

static int
cmp_node(const void *a, const void *b)
{
	const struct feature_node *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* liblinear's nodes for vec: sorted, repeats summed, with the bias. */
static struct feature_node *
nodes_of(const struct features_vec *vec)
{
	struct feature_node	*x = calloc(vec->n + 2, sizeof(*x));
	size_t			 i, j = 0;

	assert_non_null(x);
	for (i = 0; i < vec->n; i++) {
		x[i].index = (int)vec->idx[i] + 1;
		x[i].value = vec->val[i];
	}
	qsort(x, vec->n, sizeof(*x), cmp_node);
	for (i = 0; i < vec->n; i++) {
		if (j > 0 && x[j - 1].index == x[i].index)
			x[j - 1].value += x[i].value;
		else
			x[j++] = x[i];
	}
	x[j].index = (1 << fc.bits) + 1;
	x[j].value = 1;
	x[j + 1].index = -1;
	return x;
}
#endif

static void
test_liblinear_round_trip(void **state)
{
#ifdef HAVE_LINEAR
	static const struct {
		const char	*text;
		int		 cls;
	} data[] = {
		{ "can bo phuong doi 2 trieu moi lam so do", 0 },
		{ "cong an khu vuc an tien cua quan karaoke", 0 },
		{ "Cô giáo bắt phụ huynh gửi phong bì mới cho ngồi bàn",
		    0 },
		{ "quan ly cho thu tien ko bien lai 50k moi sap", 0 },
		{ "the clerk asked 500k tea money for a faster stamp", 0 },
		{ "duong hem 12 bi ngap nuoc moi khi mua", 1 },
		{ "den duong hu ca tuan roi, toi thui", 1 },
		{ "Ống nước bể trước nhà số 8, nước chảy lênh láng", 1 },
		{ "o ga giua duong Thanh Thai rat nguy hiem", 1 },
		{ "the streetlight in our alley is broken", 1 },
		{ "Chuc mung thue bao trung thuong xe SH, soan tin gui 8x77",
		    2 },
		{ "vay tien nhanh lai suat 0% LH 0908 123 456", 2 },
		{ "VNeID: tai khoan bi khoa, xac thuc tai vneid-gov.top", 2 },
		{ "Sale noi chien 690k, giao hang tan nha", 2 },
		{ "win a prize now, click http://x.example", 2 },
	};
	const size_t		 n = sizeof(data) / sizeof(data[0]);
	struct linear_api	 api;
	struct problem		 prob;
	struct parameter	 param;
	struct feature_node	*x[sizeof(data) / sizeof(data[0])];
	double			 y[sizeof(data) / sizeof(data[0])];
	struct model		*lm;		/* liblinear's */
	struct model		*m;		/* ours */
	size_t			 dim, i, j, k;
	double			*w, bias[3], p[3], q[3];
	char			 err[MODEL_ERR_MAX];

	(void)state;
	if (open_linear(&api) == -1) {
		fprintf(stderr, "liblinear4 not found: round trip skipped\n");
		skip();
		return;
	}
	api.set_print_string_function(quiet);
	for (i = 0; i < n; i++) {
		extract(v, data[i].text);
		x[i] = nodes_of(v);
		y[i] = data[i].cls;
	}
	memset(&prob, 0, sizeof(prob));
	prob.l = (int)n;
	prob.n = (1 << fc.bits) + 1;
	prob.y = y;
	prob.x = x;
	prob.bias = 1;
	memset(&param, 0, sizeof(param));
	param.solver_type = L2R_LR;
	param.C = 10;
	param.eps = 0.001;
	lm = api.train(&prob, &param);
	assert_non_null(lm);
	assert_int_equal(lm->nr_class, 3);

	/* liblinear's weights into ours, by label. */
	dim = (size_t)1 << fc.bits;
	w = calloc(dim * 3, sizeof(*w));
	assert_non_null(w);
	for (k = 0; k < 3; k++) {
		int	cls = lm->label[k];

		for (j = 0; j < dim; j++)
			w[j * 3 + (size_t)cls] = lm->w[j * 3 + k];
		bias[cls] = lm->w[dim * 3 + k] * lm->bias;
	}
	m = model_new(&fc, classes3, 3, w, bias, "test: liblinear", err,
	    sizeof(err));
	free(w);
	assert_non_null(m);
	assert_int_equal(model_save(m, path_of("trained"), err, sizeof(err)),
	    0);
	model_unref(m);
	m = model_load(path_of("trained"), err, sizeof(err));
	assert_non_null(m);

	/* The same probabilities as liblinear's, and the right classes. */
	for (i = 0; i < n; i++) {
		double	lp[3];

		extract(v, data[i].text);
		assert_int_equal(model_predict(m, v, p), data[i].cls);
		api.predict_probability(lm, x[i], lp);
		for (k = 0; k < 3; k++)
			q[lm->label[k]] = lp[k];
		for (k = 0; k < 3; k++)
			assert_true(fabs(p[k] - q[k]) < 1e-4);
	}
	/* A message the training never saw. */
	extract(v, "can bo dia chinh doi 10 trieu moi ky giay");
	assert_int_equal(model_predict(m, v, p), 0);

	model_unref(m);
	api.free_and_destroy_model(&lm);
	for (i = 0; i < n; i++)
		free(x[i]);
#else
	(void)state;
	fprintf(stderr, "built without <linear.h>: round trip skipped\n");
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_d_stroke_and_case),
		cmocka_unit_test(test_nfd_is_nfc),
		cmocka_unit_test(test_telex),
		cmocka_unit_test(test_cues),
		cmocka_unit_test(test_emoji),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_names_same),
		cmocka_unit_test(test_group_norm),
		cmocka_unit_test(test_conf_line),
		cmocka_unit_test(test_model_save_load),
		cmocka_unit_test(test_model_corrupt),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_slot),
		cmocka_unit_test(test_liblinear_round_trip),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
