/*
 * bench/router.c: how fast the router compiles the shipped dictionary and
 * classifies typical messages (about 100 characters, with and without
 * diacritics, shorthand, a little NFD) on one core.  Prints figures; it
 * asserts nothing.
 *
 *	router [-c FILE] [-n count] [-s seconds]
 *
 * With -n it classifies exactly count messages instead of running for a
 * time, which suits instruction counts under valgrind --tool=callgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/config.h"
#include "domain/router.h"

#ifndef SRCDIR
#define SRCDIR	"."
#endif

static const char *const messages[] = {
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
#define NMESSAGES	(sizeof(messages) / sizeof(messages[0]))

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char		*path = SRCDIR "/conf/papigw.conf";
	struct config		*conf;
	struct router		*r;
	struct route_result	 res;
	char			 err[CONF_ERR_MAX];
	double			 secs = 2.0, t0, t1, best = 1e9;
	size_t			 len[NMESSAGES], bytes = 0, i;
	unsigned long		 n = 0, count = 0, sink = 0;
	int			 ch, k;

	while ((ch = getopt(argc, argv, "c:n:s:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 's':
			secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: router [-c FILE] [-n count] "
			    "[-s seconds]\n");
			return 2;
		}
	}
	if ((conf = config_load(path, NULL, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "router: %s\n", err);
		return 1;
	}
	for (k = 0; k < 20; k++) {
		t0 = now();
		r = router_compile(conf, err, sizeof(err));
		t1 = now();
		if (r == NULL) {
			fprintf(stderr, "router: %s\n", err);
			return 1;
		}
		if (t1 - t0 < best)
			best = t1 - t0;
		router_unref(r);
	}
	r = router_compile(conf, err, sizeof(err));
	printf("dictionary: %zu phrases in %zu categories\n",
	    router_nphrases(r), router_ncategories(r));
	printf("compile: %.2f ms (best of 20)\n", best * 1e3);
	for (i = 0; i < NMESSAGES; i++)
		bytes += len[i] = strlen(messages[i]);
	printf("messages: %zu, %.0f bytes on average\n", (size_t)NMESSAGES,
	    (double)bytes / NMESSAGES);
	t0 = now();
	do {
		for (k = 0; k < 1000 && (count == 0 || n < count); k++, n++) {
			i = n % NMESSAGES;
			router_classify(r, messages[i], len[i], &res);
			sink += (unsigned long)res.category;
		}
		t1 = now();
	} while (count > 0 ? n < count : t1 - t0 < secs);
	printf("classify: %.0f messages/s on one core (%.2f us each)\n",
	    n / (t1 - t0), (t1 - t0) / n * 1e6);
	router_unref(r);
	config_free(conf);
	return sink == 0 ? 0 : 0;
}
