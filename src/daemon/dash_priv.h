/*
 * dash_priv.h: what the dashboard's files share (dash.c the listener,
 * sessions and routes; dash_auth.c logins; dash_html.c the page's frame,
 * words and charts; dash_pages.c the pages).
 */
#ifndef PAPIGW_DAEMON_DASH_PRIV_H
#define PAPIGW_DAEMON_DASH_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/strbuf.h"
#include "conf/config.h"
#include "daemon/control.h"

struct dash;
struct http_req;
struct services;
struct store_query;
struct store_figures;

/* One request of a logged-in user. */
struct dash_req {
	struct dash		*d;
	struct services		*svc;
	struct http_req		*r;
	struct config		*conf;		/* a reference */
	struct who		 who;		/* the user's role, now */
	int			 lang;		/* LANG_VI or LANG_EN */
	int			 fragment;	/* only <main>: an update */
	const char		*csrf;		/* the session's form token */
	struct store_query	*q;		/* from the pool, or NULL */
	struct store_figures	*fig;
	unsigned		 pin;		/* figures made are kept for
						   good (dash_warm_reports()) */
	struct strbuf		 out;		/* the page being written */
};

/* A command's answer: data (owned by the caller) or why not. */
struct dash_answer {
	json_t			*data;
	enum control_err	 err;
	char			 msg[512];
};

typedef json_t	*(*dash_make_fn)(struct dash_req *, json_t *args);

/* dash.c */
int		 dash_run(struct dash_req *, int (*)(struct control_req *),
		    const char *name, json_t *args, struct dash_answer *);
struct store_figures *dash_figures(struct dash_req *);
json_t		*dash_cached(struct dash_req *, const char *key, int ttl,
		    dash_make_fn, json_t *args);
void		 dash_send(struct dash_req *, int status, const char *ctype,
		    const char *body);

/* dash_auth.c */
struct dash_limits;
struct dash_limits *dash_limits_new(void);
void		 dash_limits_free(struct dash_limits *);
int		 dash_limited(struct dash_limits *, const char *addr,
		    const char *user, int max, int window, int64_t now);
void		 dash_failed(struct dash_limits *, const char *addr,
		    const char *user, int window, int64_t now);
void		 dash_succeeded(struct dash_limits *, const char *user);
int		 dash_pam_check(const char *service, const char *user,
		    const char *password, char *why, size_t whysz);
void		 dash_pam_preflight(const char *service, const char *pamdir);

/* dash_html.c */
const char	*dash_tr(const struct dash_req *, const char *en);
void		 dash_esc(struct strbuf *, const char *);
void		 dash_time(struct strbuf *, int64_t);
void		 dash_head(struct dash_req *, const char *title,
		    const char *page);
void		 dash_foot(struct dash_req *);
void		 dash_login_page(struct dash_req *, const char *error);
void		 dash_bars(struct strbuf *, const char *const *labels,
		    const int64_t *values, size_t n, const char *title);
void		 dash_columns(struct strbuf *, const char *const *labels,
		    const int64_t *values, size_t n, const char *title);
const char	*dash_category_name(const struct dash_req *, const char *id);
const char	*dash_state_name(const struct dash_req *, const char *state);

/* dash_pages.c */
void		 dash_warm(struct dash_req *);
void		 dash_warm_reports(struct dash_req *);
void		 dash_overview(struct dash_req *);
void		 dash_cases(struct dash_req *);
void		 dash_case(struct dash_req *, const char *ref);
void		 dash_channels(struct dash_req *);
void		 dash_deadlines(struct dash_req *);
void		 dash_report(struct dash_req *, const char *format);

#endif /* PAPIGW_DAEMON_DASH_PRIV_H */
