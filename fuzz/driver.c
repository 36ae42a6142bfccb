/*
 * driver.c: runs a fuzz target without libFuzzer: each argument is a file
 * or a directory of files (a corpus), and each file is given to
 * LLVMFuzzerTestOneInput() once.  "make check" runs every target over its
 * corpus so, as a regression test that needs no clang; a crash or a
 * sanitizer report fails it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define FUZZ_FILE_MAX	(1 << 20)	/* bytes of one input read */

/* Gives the file path to the target.  Returns 0, or -1. */
static int
run_file(const char *path)
{
	FILE		*f;
	unsigned char	*buf;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	if ((buf = malloc(FUZZ_FILE_MAX)) == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, FUZZ_FILE_MAX, f);
	fclose(f);
	/* A copy of its own size, so that a read past it is seen. */
	buf = realloc(buf, n > 0 ? n : 1);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

/* Runs path, a file or each file of a directory; counts them in *n. */
static int
run_path(const char *path, unsigned long *n)
{
	struct stat	 sb;
	struct dirent	*de;
	DIR		*d;
	char		 sub[4096];
	int		 r = 0;

	if (stat(path, &sb) == -1) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		(*n)++;
		return run_file(path);
	}
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (run_path(sub, n) == -1)
			r = -1;
	}
	closedir(d);
	return r;
}

int
main(int argc, char *argv[])
{
	unsigned long	n = 0;
	int		i, r = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		if (run_path(argv[i], &n) == -1)
			r = 1;
	printf("%s: %lu inputs\n", argv[0], n);
	return r;
}
