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
#include <stdio.h>
#include <time.h>

#include <getopt.h>

#include <jansson.h>

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

/* ctl_router.c: router train, router show */
int	ctl_router(struct ctl_globals *, int, char **);

/* ctl_client.c: the control socket, tables and values */
struct ctl_table;

int	 ctl_call(struct ctl_globals *, const char *cmd, json_t *args,
	    json_t **data, int (*row)(json_t *, void *), void *arg);
int	 ctl_call_passing(struct ctl_globals *, const char *cmd,
	    json_t *args, int pass, json_t **data);
void	 ctl_print_json(json_t *);
const char *ctl_time(json_t *, char *buf, size_t bufsz);
const char *ctl_date(json_t *, char *buf, size_t bufsz);
const char *ctl_duration(json_t *, char *buf, size_t bufsz);
const char *ctl_iso(json_t *, char *buf, size_t bufsz);
const char *ctl_age(json_t *, time_t now, char *buf, size_t bufsz);
const char *ctl_state_label(const char *state, int brief);
const char *ctl_names(json_t *names, int brief, const char *def);
int	 ctl_columns(void);
const char *ctl_str(json_t *, const char *key, const char *def);
const char *ctl_int(json_t *, const char *key, char *buf, size_t bufsz);
struct ctl_table *ctl_table_new(const char *head, ...);
void	 ctl_table_col(struct ctl_table *, size_t col, size_t width,
	    int right);
void	 ctl_table_fill(struct ctl_table *, size_t col, size_t total);
void	 ctl_table_add(struct ctl_table *, ...);
void	 ctl_table_print(struct ctl_table *, FILE *);
int	 ctl_number(const char *cmd, const char *what, const char *s,
	    long min, long max, long *v);
int	 ctl_utf8(const char *what, const char *s);
int	 ctl_text_operand(int argc, char **argv, json_t *args,
	    const char *required);
int	 ctl_getopt(int argc, char **argv, const char *shortopts,
	    const struct option *longopts);

/* ctl_list.c: list, and close --filter */
int	ctl_list(struct ctl_globals *, int, char **);
int	ctl_close_filter(struct ctl_globals *, int, char **);

/* ctl_cases.c: show, reply and case work */
int	ctl_show(struct ctl_globals *, int, char **);
int	ctl_reply(struct ctl_globals *, int, char **);
int	ctl_assign(struct ctl_globals *, int, char **);
int	ctl_claim(struct ctl_globals *, int, char **);
int	ctl_note(struct ctl_globals *, int, char **);
int	ctl_close(struct ctl_globals *, int, char **);
int	ctl_reopen(struct ctl_globals *, int, char **);
int	ctl_merge(struct ctl_globals *, int, char **);
int	ctl_recategorise(struct ctl_globals *, int, char **);

/* ctl_status.c: status, outbox, retry, inject */
void	ctl_period_label(const char *kind, long long year, char *buf,
	    size_t bufsz);
int	ctl_status(struct ctl_globals *, int, char **);
int	ctl_outbox(struct ctl_globals *, int, char **);
int	ctl_retry(struct ctl_globals *, int, char **);
int	ctl_inject(struct ctl_globals *, int, char **);

/* ctl_intake.c: intake */
int	ctl_intake(struct ctl_globals *, int, char **);

/* ctl_reception.c: reception */
int	ctl_reception(struct ctl_globals *, int, char **);

/* ctl_admin.c: quarantine, sender, backup */
int	ctl_quarantine(struct ctl_globals *, int, char **);
int	ctl_sender(struct ctl_globals *, int, char **);
int	ctl_backup(struct ctl_globals *, int, char **);

/* ctl_announce.c: announce */
int	ctl_announce(struct ctl_globals *, int, char **);

/* ctl_report.c: report, export, audit */
int	ctl_report(struct ctl_globals *, int, char **);
int	ctl_export(struct ctl_globals *, int, char **);
int	ctl_audit(struct ctl_globals *, int, char **);

#endif /* PAPICTL_H */
