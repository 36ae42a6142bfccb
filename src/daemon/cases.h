/*
 * cases.h: case work for papictl, the deadline and retention timer
 */
#ifndef PAPIGW_DAEMON_CASES_H
#define PAPIGW_DAEMON_CASES_H

#include <stddef.h>
#include <stdint.h>

struct gateway;
struct control_req;

struct cases;

struct cases	*cases_new(void);
void		 cases_free(struct cases *);
void		 cases_tick(struct gateway *);
int		 cases_audit(struct gateway *, const char *actor,
		    const char *action, const char *detail);
int		 cases_status(struct control_req *);
int		 cases_list(struct control_req *);
int		 cases_show(struct control_req *);
int		 cases_reply(struct control_req *);
int		 cases_assign(struct control_req *);
int		 cases_note(struct control_req *);
int		 cases_close(struct control_req *);
int		 cases_reopen(struct control_req *);
int		 cases_outbox(struct control_req *);
int		 cases_retry(struct control_req *);
int		 cases_inject(struct control_req *);

#endif /* PAPIGW_DAEMON_CASES_H */
