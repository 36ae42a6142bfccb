/*
 * bench/model.c: how fast the learned classifier (src/domain/features.h,
 * src/domain/model.h) works on one core, on top of normalisation and the
 * keyword router: messages per second for each step of the path, the
 * model's load time, its file size and its memory, and the process's
 * peak memory.  Prints figures; it asserts nothing.
 *
 *	model [-c CONF] [-m MODEL] [-f FILE] [-n count] [-r runs]
 *	    [-s seconds]
 *
 * -m reads a model written by tools/router-train (build/router.model
 * is the shipped one); without it the bench makes a model of the default
 * feature settings with a row of weights at every index (the most
 * memory a model of that size can touch), writes it to a temporary file
 * and loads it back.  -f cycles through the messages of a labelled
 * corpus file (its sixth field) rather than the eight built-in ones, so
 * that the model's rows are not all in the cache and the processor
 * cannot learn the messages' branches.  With -n each step works on
 * exactly count messages instead of running for a time, which suits
 * instruction counts under valgrind --tool=callgrind.
 *
 * The time is the CPU time of the thread: on a machine that other work
 * shares, the wall clock also counts the time the bench waited for the
 * core.  Each step runs -r times (3 by default), the steps taking turns,
 * and the best run is reported, with the median beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/config.h"
#include "domain/features.h"
#include "domain/model.h"
#include "domain/router.h"
#include "text/text.h"

#include "messages.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

#define CORPUS_MAX	20000
#define RUNS_MAX	99
#define NSTEPS		4

static char	*msgs[CORPUS_MAX];
static size_t	 lens[CORPUS_MAX];
static size_t	 nmsgs;

/* Seconds of CPU time this thread has used (wall clock: CLOCK_MONOTONIC). */
static double
now(clockid_t clock)
{
	struct timespec	ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads the sixth field of every line of a corpus file. */
static int
read_corpus(const char *path)
{
	FILE	*f;
	char	*line = NULL, *p;
	size_t	 cap = 0;
	ssize_t	 len;
	int	 i;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	while ((len = getline(&line, &cap, f)) != -1 && nmsgs < CORPUS_MAX) {
		if (line[0] == '#')
			continue;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		for (p = line, i = 0; i < 5 && p != NULL; i++)
			if ((p = strchr(p, '\t')) != NULL)
				p++;
		if (p == NULL)
			continue;
		msgs[nmsgs] = strdup(p);
		lens[nmsgs] = strlen(p);
		nmsgs++;
	}
	free(line);
	fclose(f);
	return nmsgs > 0 ? 0 : -1;
}

/*
 * A model of the default features with a row at every index: weights
 * from a fixed pseudo-random sequence, written to path.
 */
static int
make_model(const char *path)
{
	static const char *const classes[] = { "corruption", "security",
	    "infrastructure", "procedures", "transparency", "participation",
	    "accountability", "health", "education", "environment",
	    "egovernance", "triage", "spam", "thanks", "greeting", "other" };
	struct features_conf	 fc;
	struct model		*m;
	size_t			 i, k = sizeof(classes) / sizeof(classes[0]);
	size_t			 dim;
	double			*w, bias[16];
	uint32_t		 x = 12345;
	char			 err[MODEL_ERR_MAX];
	int			 rc;

	features_conf_default(&fc);
	dim = (size_t)1 << fc.bits;
	if ((w = malloc(dim * k * sizeof(*w))) == NULL)
		return -1;
	for (i = 0; i < dim * k; i++) {
		x = x * 1103515245u + 12345u;
		w[i] = ((double)(x >> 8) / (1 << 24) - 0.5) / 4;
	}
	for (i = 0; i < k; i++)
		bias[i] = -4;
	m = model_new(&fc, classes, k, w, bias, "bench: random weights", err,
	    sizeof(err));
	free(w);
	if (m == NULL) {
		fprintf(stderr, "model: %s\n", err);
		return -1;
	}
	rc = model_save(m, path, err, sizeof(err));
	if (rc == -1)
		fprintf(stderr, "model: %s\n", err);
	model_unref(m);
	return rc;
}

/* What the steps share. */
struct bench {
	struct router		*r;
	struct model		*m;
	struct text		*t;
	struct features_vec	*v;
	unsigned long		 sink;
};

/*
 * Runs step (0: normalise, 1: + router, 2: + features, 3: + model) for
 * secs of CPU time, or on exactly count messages; returns the CPU
 * seconds per message and sets *wall to the wall-clock ones.
 */
static double
run_step(struct bench *b, int step, double secs, unsigned long count,
    double *wall)
{
	struct route_result	 res;
	double			 t0, w0, t1, prob[32];
	unsigned long		 n = 0;
	size_t			 i;
	int			 k;

	t0 = now(CLOCK_THREAD_CPUTIME_ID);
	w0 = now(CLOCK_MONOTONIC);
	do {
		for (k = 0; k < 1000 && (count == 0 || n < count); k++, n++) {
			i = n % nmsgs;
			text_normalise(b->t, msgs[i], lens[i], 0);
			if (step == 0) {
				b->sink += b->t->ntokens;
				continue;
			}
			router_classify_text(b->r, b->t, &res);
			if (step == 1) {
				b->sink += (unsigned long)res.category;
				continue;
			}
			features_extract(model_features(b->m), b->t, b->r, &res,
			    b->v);
			if (step == 2) {
				b->sink += b->v->n;
				continue;
			}
			b->sink += model_predict(b->m, b->v, prob);
		}
		t1 = now(CLOCK_THREAD_CPUTIME_ID);
	} while (count > 0 ? n < count : t1 - t0 < secs);
	*wall = (now(CLOCK_MONOTONIC) - w0) / n;
	return (t1 - t0) / n;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Loads path five times; prints the best time (CPU and wall clock), the
 * sizes and the memory.
 */
static struct model *
load_timed(const char *path, int random)
{
	struct model	*m = NULL;
	struct stat	 sb;
	char		 err[MODEL_ERR_MAX];
	double		 t0, w0, best = 1e9, wbest = 1e9;
	int		 k;

	for (k = 0; k < 5; k++) {
		if (m != NULL)
			model_unref(m);
		t0 = now(CLOCK_THREAD_CPUTIME_ID);
		w0 = now(CLOCK_MONOTONIC);
		if ((m = model_load(path, err, sizeof(err))) == NULL) {
			fprintf(stderr, "model: %s\n", err);
			return NULL;
		}
		if (now(CLOCK_THREAD_CPUTIME_ID) - t0 < best)
			best = now(CLOCK_THREAD_CPUTIME_ID) - t0;
		if (now(CLOCK_MONOTONIC) - w0 < wbest)
			wbest = now(CLOCK_MONOTONIC) - w0;
	}
	if (stat(path, &sb) == -1)
		sb.st_size = 0;
	printf("model: %s%s\n  %zu classes, %zu rows of weights, 1 << %u "
	    "indices\n  file %.1f MB, load %.1f ms (best of 5; wall clock "
	    "%.1f ms), memory %.2f MB\n", random ? "random, " : "", path,
	    model_nclasses(m), model_nrows(m), model_features(m)->bits,
	    sb.st_size / 1048576.0, best * 1e3, wbest * 1e3,
	    model_memory(m) / 1048576.0);
	return m;
}

/* Runs the steps runs times in turn; prints the best and median of each. */
static void
report(struct bench *b, int runs, double secs, unsigned long count)
{
	static const char *const steps[NSTEPS] = { "normalise",
	    "normalise + router", "+ features", "+ model (whole path)" };
	double		 us[NSTEPS][RUNS_MAX], wall[NSTEPS][RUNS_MAX], w;
	double		 best[NSTEPS], med;
	int		 run, step;

	for (run = 0; run < runs; run++)
		for (step = 0; step < NSTEPS; step++) {
			us[step][run] = run_step(b, step, secs, count, &w) *
			    1e6;
			wall[step][run] = w * 1e6;
		}
	for (step = 0; step < NSTEPS; step++) {
		qsort(us[step], (size_t)runs, sizeof(double), cmp_double);
		qsort(wall[step], (size_t)runs, sizeof(double), cmp_double);
		best[step] = us[step][0];
		med = us[step][runs / 2];
		printf("%-22s %9.0f messages/s on one core (%.2f us each; "
		    "median %.2f, wall clock %.2f)\n", steps[step],
		    1e6 / best[step], best[step], med, wall[step][runs / 2]);
	}
	printf("per step: normalise %.2f us, router %.2f us, features %.2f "
	    "us, model %.2f us\n", best[0], best[1] - best[0],
	    best[2] - best[1], best[3] - best[2]);
	printf("with the model: %.0f messages/s on one core (the target is "
	    "200000)\n", 1e6 / best[3]);
}

/* The options. */
struct opts {
	const char	*conf, *model, *corpus;
	double		 secs;
	unsigned long	 count;
	int		 runs;
};

static int
parse_opts(struct opts *o, int argc, char **argv)
{
	int	ch;

	o->conf = SRCDIR "/conf/papigw.conf";
	o->model = o->corpus = NULL;
	o->secs = 1.0;
	o->count = 0;
	o->runs = 3;
	while ((ch = getopt(argc, argv, "c:f:m:n:r:s:")) != -1) {
		switch (ch) {
		case 'c':
			o->conf = optarg;
			break;
		case 'f':
			o->corpus = optarg;
			break;
		case 'm':
			o->model = optarg;
			break;
		case 'n':
			o->count = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o->runs = atoi(optarg);
			break;
		case 's':
			o->secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: model [-c CONF] [-m MODEL] "
			    "[-f FILE] [-n count] [-r runs] [-s seconds]\n");
			return -1;
		}
	}
	if (o->runs < 1 || o->runs > RUNS_MAX)
		o->runs = o->runs < 1 ? 1 : RUNS_MAX;
	return 0;
}

/* The messages: the corpus file's, or the built-in ones. */
static int
load_messages(const char *corpus)
{
	if (corpus != NULL) {
		if (read_corpus(corpus) == -1) {
			fprintf(stderr, "model: %s: no messages\n", corpus);
			return -1;
		}
		return 0;
	}
	for (nmsgs = 0; nmsgs < BENCH_NMESSAGES; nmsgs++) {
		msgs[nmsgs] = (char *)bench_messages[nmsgs];
		lens[nmsgs] = strlen(bench_messages[nmsgs]);
	}
	return 0;
}

/* The model of -m, or a random one written to a temporary file. */
static struct model *
open_model(const char *path)
{
	char		 tmp[] = "/tmp/papigw-bench-model.XXXXXX";
	struct model	*m;
	int		 fd;

	if (path != NULL)
		return load_timed(path, 0);
	if ((fd = mkstemp(tmp)) == -1) {
		perror("mkstemp");
		return NULL;
	}
	close(fd);
	m = make_model(tmp) == -1 ? NULL : load_timed(tmp, 1);
	unlink(tmp);
	return m;
}

int
main(int argc, char **argv)
{
	char			 err[CONF_ERR_MAX];
	struct opts		 o;
	struct config		*conf;
	struct bench		 b;
	struct rusage		 ru;
	double			 feats = 0;
	size_t			 i, bytes = 0;

	if (parse_opts(&o, argc, argv) == -1)
		return 2;
	memset(&b, 0, sizeof(b));
	if ((conf = config_load(o.conf, NULL, 0, err, sizeof(err))) == NULL ||
	    (b.r = router_compile(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "model: %s\n", err);
		return 1;
	}
	if (load_messages(o.corpus) == -1 || (b.m = open_model(o.model)) ==
	    NULL)
		return 1;
	for (i = 0; i < nmsgs; i++)
		bytes += lens[i];
	printf("messages: %zu, %.0f bytes on average\n", nmsgs,
	    (double)bytes / nmsgs);
	if ((b.t = text_alloc()) == NULL ||
	    (b.v = features_vec_new(0)) == NULL) {
		fprintf(stderr, "model: out of memory\n");
		return 1;
	}
	report(&b, o.runs, o.secs, o.count);
	for (i = 0; i < nmsgs; i++) {
		struct route_result	res;

		text_normalise(b.t, msgs[i], lens[i], 0);
		router_classify_text(b.r, b.t, &res);
		features_extract(model_features(b.m), b.t, b.r, &res, b.v);
		feats += b.v->n;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("features: %.0f per message on average; process peak memory "
	    "%.1f MB\n", feats / nmsgs, ru.ru_maxrss / 1024.0);
	features_vec_free(b.v);
	free(b.t);
	model_unref(b.m);
	router_unref(b.r);
	config_free(conf);
	return b.sink == 0 ? 0 : 0;
}
