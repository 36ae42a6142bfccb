/*
 * bench/catalogue.c: how fast the procedure catalogue answers a lookup
 * ("TTHC khai sinh", "thu tuc xay nha", a typo, a code, a field) as the
 * catalogue grows, with its index built once per configuration (what
 * papigwd does: catalogue_attach() when the configuration is loaded)
 * and, for comparison, built again for every lookup (what papigwd did
 * before).  Prints figures; it asserts nothing but that both ways give
 * the same answers.
 *
 *	catalogue [-c FILE] [-s seconds]
 *
 * The catalogue is the shipped sample (conf/procedures.conf, 13
 * procedures) grown to 100 and 400 procedures (CONF_PROCEDURES_MAX) with
 * copies whose words are made distinct ("sinh" becomes "sinhqb"), so
 * that the words of the lookups find the same procedures whatever the
 * size: what grows is the catalogue, not the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "conf/config.h"
#include "domain/catalogue.h"
#include "text/text.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

static const char *const lookups[] = {
	"TTHC khai sinh",
	"thu tuc lam giay khai sinh cho con",
	"Thủ tục đăng ký kết hôn",
	"tthc khai sinhh",
	"TTHC xin giay phep xay dung nha o",
	"tthc chung thuc ban sao",
	"TTHC HT-01",
	"TTHC ho tich",
	"thu tuc dang ky tam tru",
	"TTHC xac nhan tinh trang hon nhan",
};
#define NLOOKUPS	(sizeof(lookups) / sizeof(lookups[0]))

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A copy of words in which each word has tag appended ("sinh" "sinhqb"). */
static char *
tagged(const char *s, const char *tag)
{
	size_t	 len = strlen(s), o = 0, i;
	char	*out = xcalloc(1, len * (strlen(tag) + 1) + 2);

	for (i = 0; i <= len; i++) {
		if (s[i] == ' ' || s[i] == '\0') {
			if (i > 0 && s[i - 1] != ' ') {
				memcpy(out + o, tag, strlen(tag));
				o += strlen(tag);
			}
			if (s[i] == ' ')
				out[o++] = ' ';
			continue;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/*
 * Grows conf's catalogue to n procedures: the shipped ones, then copies
 * of them with distinct words and codes.  The shipped ones stay where
 * they were (a lookup by number or code finds the same).
 */
static void
grow(struct config *conf, const struct procedure *orig, size_t norig,
    size_t n)
{
	struct procedure	*p = xcalloc(n, sizeof(*p));
	char			 tag[16];
	size_t			 i, j;

	for (i = 0; i < n; i++) {
		p[i] = orig[i % norig];
		if (i < norig)
			continue;
		snprintf(tag, sizeof(tag), "q%c%c", 'a' + (int)(i / 26 % 26),
		    'a' + (int)(i % 26));
		snprintf(p[i].code, sizeof(p[i].code), "X-%03zu", i);
		p[i].name = tagged(orig[i % norig].name, tag);
		p[i].words = xcalloc(p[i].nwords + 1, sizeof(char *));
		for (j = 0; j < p[i].nwords; j++)
			p[i].words[j] = tagged(orig[i % norig].words[j], tag);
	}
	/* The shipped arrays are kept by the caller; these are leaked. */
	conf->procedures = p;
	conf->nprocedures = n;
}

/* Runs every lookup for about secs seconds.  Returns lookups a second. */
static double
run(const struct config *conf, struct text **t, double secs,
    struct catalogue_query *res)
{
	struct catalogue_query	q;
	double			t0, t1;
	unsigned long		n = 0;
	size_t			i;

	t0 = now();
	do {
		for (i = 0; i < NLOOKUPS; i++, n++) {
			catalogue_parse(conf, t[i], &q);
			if (res != NULL)
				res[i] = q;
		}
		t1 = now();
	} while (t1 - t0 < secs);
	return n / (t1 - t0);
}

int
main(int argc, char **argv)
{
	static const size_t	 sizes[] = { 13, 100, 400 };
	const char		*path = SRCDIR "/conf/papigw.conf";
	struct catalogue_query	 a[NLOOKUPS], b[NLOOKUPS];
	struct procedure	*orig;
	struct config		*conf;
	struct text		*t[NLOOKUPS];
	char			 err[CONF_ERR_MAX];
	double			 secs = 1.0, t0, built, before, after;
	size_t			 norig, i, k;
	int			 ch, same = 1;

	while ((ch = getopt(argc, argv, "c:s:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 's':
			secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: catalogue [-c FILE] "
			    "[-s seconds]\n");
			return 2;
		}
	}
	if ((conf = config_load(path, NULL, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "catalogue: %s\n", err);
		return 1;
	}
	if ((norig = conf->nprocedures) == 0) {
		fprintf(stderr, "catalogue: %s has no procedures\n", path);
		return 1;
	}
	orig = conf->procedures;
	for (i = 0; i < NLOOKUPS; i++) {
		t[i] = text_alloc();
		text_normalise(t[i], lookups[i], strlen(lookups[i]), 0);
	}
	printf("%zu lookups, %.1f s each way and size\n", (size_t)NLOOKUPS,
	    secs);
	printf("%12s %14s %22s %22s\n", "procedures", "index built",
	    "index every lookup", "index once (now)");
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		if (sizes[k] > CONF_PROCEDURES_MAX)
			continue;
		grow(conf, orig, norig, sizes[k]);
		/* Before: no index kept, each lookup builds its own. */
		if (conf->catalogue_index_free != NULL)
			conf->catalogue_index_free(conf->catalogue_index);
		conf->catalogue_index = NULL;
		conf->catalogue_index_free = NULL;
		before = run(conf, t, secs, a);
		t0 = now();
		catalogue_attach(conf);
		built = now() - t0;
		after = run(conf, t, secs, b);
		for (i = 0; i < NLOOKUPS; i++)
			if (a[i].n != b[i].n || a[i].exact != b[i].exact ||
			    memcmp(a[i].found, b[i].found, sizeof(a[i].found))
			    != 0)
				same = 0;
		printf("%12zu %11.2f ms %13.0f lookups/s %13.0f lookups/s\n",
		    sizes[k], built * 1e3, before, after);
	}
	printf("answers %s\n", same ? "the same both ways" : "DIFFER");
	return same ? 0 : 1;
}
