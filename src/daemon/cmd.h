/*
 * cmd.h: the control socket's commands, the daemon's side of papictl.
 *
 * control.c reads a request, finds its command in cmd_table and checks the
 * asker's role; the handler reads its arguments with the cmd_arg_*()
 * helpers, does its work through the services and leaves its answer in
 * req->data (or a failure with control_fail()).  One file per family:
 * cmd_case.c (case work), cmd_merge.c (two cases made one), cmd_bulk.c (many cases at once), cmd_admin.c
 * (status, outbox, inject), cmd_intake.c (slips and points raised in
 * person), cmd_sender.c (quarantines and blocks),
 * cmd_backup.c (a copy of the database), cmd_report.c (reports, exports,
 * the audit log), cmd_router.c (the learned model).
 */
#ifndef PAPIGW_DAEMON_CMD_H
#define PAPIGW_DAEMON_CMD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"
#include "core/ingest.h"
#include "daemon/control.h"

extern const struct control_cmd	cmd_table[];
extern const size_t		cmd_ncommands;

/* cmd.c: arguments and values */
json_t		*cmd_jtime(int64_t);
json_t		*cmd_jstr(const char *);
const char	*cmd_arg_str(struct control_req *, const char *key);
int		 cmd_arg_bool(struct control_req *, const char *key);
int		 cmd_arg_int(struct control_req *, const char *key,
		    int64_t def, int64_t min, int64_t max, int64_t *v);
int64_t		 cmd_arg_ref(struct control_req *);
const char	*cmd_arg_text(struct control_req *, const char *key,
		    size_t max, int required);
void		 cmd_pseudonym(int64_t resident, char *buf, size_t bufsz);
json_t		*cmd_category_names(const struct config *, const char *id);
int		 cmd_case_open(enum store_case_state);

/*
 * Why work done in a store transaction was refused: recorded inside it by
 * cmd_refuse(), sent once it is over by cmd_refusal_send() (an answer is
 * written outside the transaction), with its format and arguments so that
 * papictl shows it in its user's language.
 */
struct cmd_refusal {
	enum control_err	 err;		/* CONTROL_E_OK: none */
	char			 msg[256];
	const char		*fmt;
	json_t			*fargs;
};

enum store_status cmd_refuse(struct cmd_refusal *, enum control_err,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
int		 cmd_refusal_send(struct control_req *, struct cmd_refusal *);
void		 cmd_refusal_clear(struct cmd_refusal *);

/* cmd_router.c */
int		 cmd_router_corrections(struct control_req *);
int		 cmd_router_install(struct control_req *);

/* cmd_case.c */
int		 cmd_list(struct control_req *);
int		 cmd_show(struct control_req *);
int		 cmd_assign(struct control_req *);
int		 cmd_note(struct control_req *);
int		 cmd_recategorise(struct control_req *);
int		 cmd_close(struct control_req *);
int		 cmd_reopen(struct control_req *);
int		 cmd_reply(struct control_req *);

/* cmd_merge.c */
int		 cmd_merge(struct control_req *);

/* cmd_admin.c */
int		 cmd_status(struct control_req *);
int		 cmd_outbox(struct control_req *);
int		 cmd_retry(struct control_req *);
int		 cmd_inject(struct control_req *);
int		 cmd_ingest(struct control_req *, const struct inbound *,
		    struct ingest_result *, char *category, size_t catsz);
const char	*cmd_channel_arg(struct control_req *, const char *none);

/* cmd_intake.c */
int		 cmd_intake(struct control_req *);

/* cmd_reception.c */
int		 cmd_reception(struct control_req *);

/* cmd_bulk.c */
int		 cmd_close_bulk(struct control_req *);

/* cmd_sender.c */
int		 cmd_quarantine_list(struct control_req *);
int		 cmd_quarantine_release(struct control_req *);
int		 cmd_sender_block(struct control_req *);

/* cmd_backup.c */
int		 cmd_backup(struct control_req *);

/* cmd_announce.c */
int		 cmd_announce_draft(struct control_req *);
int		 cmd_announce_show(struct control_req *);
int		 cmd_announce_list(struct control_req *);
int		 cmd_announce_subscribers(struct control_req *);
int		 cmd_announce_approve(struct control_req *);
int		 cmd_announce_send(struct control_req *);
int		 cmd_announce_cancel(struct control_req *);
json_t		*cmd_announce_report(struct control_req *, int64_t start,
		    int64_t end, int64_t cases);

/* cmd_report.c */
int		 cmd_report(struct control_req *);
int		 cmd_export(struct control_req *);
int		 cmd_audit(struct control_req *);

#endif /* PAPIGW_DAEMON_CMD_H */
