/*
 * common.c: what every fuzz target may use: a copy of the input as a
 * string, a configuration from text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"

/* Copies size bytes into a NUL-terminated string (free it). */
char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char	*s = xcalloc(1, size + 1);

	memcpy(s, data, size);
	return s;
}

/*
 * Loads text (with the shipped categories) as a configuration, or exits:
 * a target without its configuration tests nothing.
 */
struct config *
fuzz_config(const char *text)
{
	struct config	*conf;
	char		 dir[] = "/tmp/papigw-fuzz-XXXXXX", path[64], cat[64];
	char		 err[512];
	FILE		*f;

	log_init(1, LOG_LVL_ERR);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	/* libconfig reads includes beside the file. */
	snprintf(path, sizeof(path), "%s/papigw.conf", dir);
	snprintf(cat, sizeof(cat), "%s/categories.conf", dir);
	if (symlink(SRCDIR "/conf/categories.conf", cat) == -1 ||
	    (f = fopen(path, "w")) == NULL) {
		perror(dir);
		exit(1);
	}
	fprintf(f, "%s\n@include \"categories.conf\"\n", text);
	fclose(f);
	conf = config_load(path, NULL, 0, err, sizeof(err));
	unlink(path);
	unlink(cat);
	rmdir(dir);
	if (conf == NULL) {
		fprintf(stderr, "fuzz: configuration: %s\n", err);
		exit(1);
	}
	return conf;
}
