/*
 * bench/model.c: how fast the learned classifier (src/domain/features.h,
 * src/domain/model.h) works on one core, on top of normalisation and the
 * keyword router: messages per second for each step of the path, the
 * model's load time, its file size and its memory.  Prints figures; it
 * asserts nothing.
 *
 *	model [-c CONF] [-m MODEL] [-f FILE] [-n count] [-s seconds]
 *
 * -m reads a model written by tools/router-train; without it the bench
 * makes a model of the default feature settings with a row of weights at
 * every index (the most memory a model of that size can touch), writes it
 * to a temporary file and loads it back.  -f cycles through the messages
 * of a labelled corpus file (its sixth field) rather than the eight
 * built-in ones, so that the model's rows are not all in the cache.  With
 * -n each step works on exactly count messages instead of running for a
 * time, which suits instruction counts under valgrind --tool=callgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/config.h"
#include "domain/features.h"
#include "domain/model.h"
#include "domain/router.h"
#include "text/text.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

#define CORPUS_MAX	20000

static const char *const builtin[] = {
	"Duong Nguyen Tri Phuong doan truoc so 120 bi ngap nang moi khi mua, "
	    "xe chet may nam dau duong",
	"C\xc3\xa1n b\xe1\xbb\x99 \xc4\x91\xe1\xbb\x8b" "a ch\xc3\xadnh "
	    "ph\xc6\xb0\xe1\xbb\x9dng \xc4\x91\xc3\xb2i 5 tri\xe1\xbb\x87u "
	    "m\xe1\xbb\x9bi l\xc3\xa0m s\xe1\xbb\x95 h\xe1\xbb\x93ng cho "
	    "nh\xc3\xa0 t\xc3\xb4i, v\xe1\xba\xady c\xc3\xb3 \xc4\x91\xc3"
	    "\xbang kh\xc3\xb4ng",
	"hem 285 CMT8 toi nao cung co nhom thanh nien tu tap hut chich, "
	    "dan ko dam ra duong, xin cap kiem tra",
	"cho hoi lam giay khai sinh cho con can nhung giay to gi, nop o "
	    "dau, mat bao lau vay ad",
	"Xuong may trong hem xa nuoc thai ra cong, boc mui hoi thoi ca "
	    "ngay, nguoi gia tre nho bi ho",
	"Tai khoan VNeID cua toi bi khoa, khong dang nhap dc, len phuong "
	    "thi bao cho, phai lam sao day",
	"Chuc mung thue bao da trung thuong xe SH, soan tin NHAN gui 8x77 "
	    "de nhan giai ngay hom nay",
	"Tr\xe1\xba\xa1m y te\xcc\x81 ph\xc6\xb0\xe1\xbb\x9dng \xc4\x91o"
	    "\xcc\x81ng c\xc6\xb0\xcc\x89" "a gi\xc6\xb0\xcc\x80 tr\xc6\xb0"
	    "a, ng\xc6\xb0\xc6\xa1\xcc\x80i gia\xcc\x80 \xc4\x91\xc3\xaa"
	    "\xcc\x81n ti\xc3\xaa\xcc\x80m kh\xc3\xb4ng co\xcc\x81 ai",
};

static char	*msgs[CORPUS_MAX];
static size_t	 lens[CORPUS_MAX];
static size_t	 nmsgs;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
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

int
main(int argc, char **argv)
{
	const char		*confpath = SRCDIR "/conf/papigw.conf";
	const char		*modelpath = NULL, *corpus = NULL;
	char			 tmp[] = "/tmp/papigw-bench-model.XXXXXX";
	char			 err[CONF_ERR_MAX];
	struct config		*conf;
	struct router		*r;
	struct model		*m;
	struct text		*t;
	struct features_vec	*v;
	struct route_result	 res;
	struct stat		 sb;
	double			 secs = 2.0, t0, t1, best = 1e9, prob[32];
	double			 rate[4], feats = 0;
	size_t			 i, bytes = 0;
	unsigned long		 n, sink = 0, count = 0;
	int			 ch, k, step, fd;
	static const char *const steps[] = { "normalise",
	    "normalise + router", "+ features", "+ model (whole path)" };

	while ((ch = getopt(argc, argv, "c:f:m:n:s:")) != -1) {
		switch (ch) {
		case 'c':
			confpath = optarg;
			break;
		case 'f':
			corpus = optarg;
			break;
		case 'm':
			modelpath = optarg;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 's':
			secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: model [-c CONF] [-m MODEL] "
			    "[-f FILE] [-n count] [-s seconds]\n");
			return 2;
		}
	}
	if ((conf = config_load(confpath, NULL, 0, err, sizeof(err))) == NULL ||
	    (r = router_compile(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "model: %s\n", err);
		return 1;
	}
	if (corpus != NULL) {
		if (read_corpus(corpus) == -1) {
			fprintf(stderr, "model: %s: no messages\n", corpus);
			return 1;
		}
	} else
		for (nmsgs = 0; nmsgs < sizeof(builtin) / sizeof(builtin[0]);
		    nmsgs++) {
			msgs[nmsgs] = (char *)builtin[nmsgs];
			lens[nmsgs] = strlen(builtin[nmsgs]);
		}
	if (modelpath == NULL) {
		if ((fd = mkstemp(tmp)) == -1) {
			perror("mkstemp");
			return 1;
		}
		close(fd);
		if (make_model(tmp) == -1)
			return 1;
		modelpath = tmp;
	}
	for (k = 0; k < 5; k++) {
		t0 = now();
		m = model_load(modelpath, err, sizeof(err));
		t1 = now();
		if (m == NULL) {
			fprintf(stderr, "model: %s\n", err);
			return 1;
		}
		if (t1 - t0 < best)
			best = t1 - t0;
		if (k < 4)
			model_unref(m);
	}
	stat(modelpath, &sb);
	printf("model: %s%s\n  %zu classes, %zu rows of weights, 1 << %u "
	    "indices\n  file %.1f MB, load %.1f ms (best of 5), memory %.2f "
	    "MB\n", modelpath == tmp ? "random, " : "", modelpath,
	    model_nclasses(m), model_nrows(m), model_features(m)->bits,
	    sb.st_size / 1048576.0, best * 1e3,
	    model_memory(m) / 1048576.0);
	if (modelpath == tmp)
		unlink(tmp);
	for (i = 0; i < nmsgs; i++)
		bytes += lens[i];
	printf("messages: %zu, %.0f bytes on average\n", nmsgs,
	    (double)bytes / nmsgs);
	if ((t = text_alloc()) == NULL || (v = features_vec_new(0)) == NULL) {
		fprintf(stderr, "model: out of memory\n");
		return 1;
	}
	for (step = 0; step < 4; step++) {
		n = 0;
		t0 = now();
		do {
			for (k = 0; k < 1000 && (count == 0 || n < count);
			    k++, n++) {
				i = n % nmsgs;
				text_normalise(t, msgs[i], lens[i], 0);
				if (step == 0) {
					sink += t->ntokens;
					continue;
				}
				router_classify_text(r, t, &res);
				if (step == 1) {
					sink += (unsigned long)res.category;
					continue;
				}
				features_extract(model_features(m), t, r, &res,
				    v);
				if (step == 2) {
					sink += v->n;
					continue;
				}
				sink += model_predict(m, v, prob);
			}
			t1 = now();
		} while (count > 0 ? n < count : t1 - t0 < secs);
		rate[step] = n / (t1 - t0);
		printf("%-22s %9.0f messages/s on one core (%.2f us each)\n",
		    steps[step], rate[step], 1e6 / rate[step]);
	}
	for (i = 0; i < nmsgs; i++) {
		text_normalise(t, msgs[i], lens[i], 0);
		router_classify_text(r, t, &res);
		features_extract(model_features(m), t, r, &res, v);
		feats += v->n;
	}
	printf("features: %.0f per message on average; features %.2f us, "
	    "model %.2f us\n", feats / nmsgs, 1e6 / rate[2] - 1e6 / rate[1],
	    1e6 / rate[3] - 1e6 / rate[2]);
	features_vec_free(v);
	free(t);
	model_unref(m);
	router_unref(r);
	config_free(conf);
	return sink == 0 ? 0 : 0;
}
