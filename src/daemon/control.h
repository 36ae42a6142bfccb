/*
 * control.h: papictl's control socket
 *
 * One JSON object a line each way (see control.c and papictl(8)): the
 * daemon learns who asks with SO_PEERCRED, maps the user and groups to a
 * role of the configuration, and hands the request to the command's
 * handler (cmd.h) with a struct control_req.
 */
#ifndef PAPIGW_DAEMON_CONTROL_H
#define PAPIGW_DAEMON_CONTROL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conf/config.h"
#include "domain/control_proto.h"

struct services;
struct store_case;
struct store_figures;
struct store_query;

#define CONTROL_USER_MAX	64	/* bytes of a user name */

struct control;

/* Who asks, as the daemon sees it. */
struct who {
	char		 user[CONTROL_USER_MAX]; /* user name, or "uid:N" */
	long		 uid;
	int		 kind;		/* enum role_kind, or -1: no role */
	char		 roles[128];	/* the names of its roles, "a,b" */
	uint64_t	 cats;		/* bit i: sees conf->categories[i] */
	char		 ward[32];	/* its ward's cases only, "": all */
};


/* One request being answered. */
struct control_req {
	struct services		*svc;	/* what the commands work on */
	struct config		*conf;	/* a reference for the request */
	const struct who	*who;
	const char		*cmd;
	json_t			*args;	/* the request's "args" */
	/* Answers of many lines (export): each a JSON object, taken. */
	int			(*send)(struct control_req *, json_t *);
	void			*io;
	struct store_query	*q;	/* control_query() opens it */
	int			 passed_fd; /* a file sent with it, or -1 */
	/* The answer: data (taken by control.c), or an error. */
	json_t			*data;
	enum control_err	 err;
	char			 msg[512];
	const char		*fmt;	/* the message's format, or NULL */
	json_t			*fargs;	/* and its arguments, as strings */
};

/* A command: its name, the least role that may run it, its handler. */
struct control_cmd {
	const char	*name;
	enum role_kind	 role;
	int		(*run)(struct control_req *);
};

struct control	*control_start(const struct control_cmd *, size_t ncmds,
		    struct services *, const struct config *, char *err,
		    size_t errsz);
void		 control_stop(struct control *);
int		 control_user_who(const struct config *, const char *user,
		    struct who *);
void		 control_user_name(long uid, char *buf, size_t bufsz);
int		 control_sees(const struct who *, const struct config *,
		    const char *category);
int		 control_sees_case(const struct who *, const struct config *,
		    const struct store_case *);
size_t		 control_visible(const struct who *, const struct config *,
		    char ***list);
int		 control_ward(const struct who *, struct store_query *);
struct store_query *control_query_ward(struct control_req *);
int		 control_ward_figures(const struct who *,
		    struct store_figures *);
int		 control_fail(struct control_req *, enum control_err,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int		 control_fail_with(struct control_req *, enum control_err,
		    const char *msg, const char *fmt, json_t *args);
json_t		*control_format_args(const char *fmt, va_list);
struct store_query *control_query(struct control_req *);

#endif /* PAPIGW_DAEMON_CONTROL_H */
