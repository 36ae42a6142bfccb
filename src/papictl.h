/*
 * papictl.h: what papictl's command files share.
 *
 * papictl.c parses the global options into a struct ctl_globals and looks
 * the command up in one dispatch table; each command lives in a file
 * ctl_<family>.c and is a function that takes the globals and the
 * command's own arguments (argv[0] is the command name) and returns the
 * exit status: CTL_OK, CTL_FAIL or CTL_USAGE.
 */
#ifndef PAPICTL_H
#define PAPICTL_H

#include <stddef.h>

#define CTL_OK		0	/* success */
#define CTL_FAIL	1	/* the command failed */
#define CTL_USAGE	2	/* bad usage */

struct ctl_globals {
	const char	 *conf_path;	/* -c, or the default */
	const char	 *socket_path;	/* -s, or NULL for the configured one */
	int		  json;		/* --json */
	char		**overrides;	/* -o KEY=VALUE, as for papigwd */
	size_t		  noverrides;
};

struct ctl_cmd {
	const char	 *name;
	int		(*run)(struct ctl_globals *, int, char **);
	const char	 *usage;	/* arguments, as in the man page */
	const char	 *summary;
};

/* papictl.c */
void	ctl_usage_of(const char *name);

/* ctl_config.c */
int	ctl_check_config(struct ctl_globals *, int, char **);

/* ctl_classify.c */
int	ctl_classify(struct ctl_globals *, int, char **);

#endif /* PAPICTL_H */
