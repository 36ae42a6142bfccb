/*
 * fuzz_config.c: the configuration loader (conf/config.c over
 * libconfig): any text as papigw.conf, checked as papigwd -n checks it.
 * An input naming /dev/ or /proc/ is left out: including a device that
 * never ends is the administrator's own doing, not a parser's bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "base/log.h"
#include "conf/config.h"

static char	path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	fd;

	(void)argc;
	(void)argv;
	log_init(1, LOG_LVL_ERR);
	snprintf(path, sizeof(path), "/tmp/papigw-fuzz-conf-XXXXXX");
	if ((fd = mkstemp(path)) == -1) {
		perror("mkstemp");
		exit(1);
	}
	close(fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*conf;
	char		*s = fuzz_strndup(data, size), err[1024];
	FILE		*f;

	if (strstr(s, "/dev/") != NULL || strstr(s, "/proc/") != NULL ||
	    (f = fopen(path, "w")) == NULL) {
		free(s);
		return 0;
	}
	fwrite(data, 1, size, f);
	fclose(f);
	err[0] = '\0';
	if ((conf = config_load(path, NULL, 0, err, sizeof(err))) != NULL)
		config_free(conf);
	else if (err[0] == '\0')
		abort();	/* refused without saying why */
	free(s);
	return 0;
}
