/*
 * store_cases.h: the store's queries for case work, papictl and reports
 *
 * Reads go through a query connection of their own, one per control
 * client (store_query_open()); the row functions are for work functions.
 * Strings in the structures passed to callbacks are valid during the call
 * only; a struct store_case_info filled by store_case_info_get() or
 * store_case_read() owns its strings (store_case_info_clear()).
 */
#ifndef PAPIGW_STORE_STORE_CASES_H
#define PAPIGW_STORE_STORE_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct store_query;

/* A case as papictl shows it. */
struct store_case_info {
	int64_t		 id;
	int64_t		 ref_number;
	char		*category;
	char		*categories2;	/* or NULL */
	char		*subcategory;	/* or NULL */
	enum store_case_state state;
	char		*sender;	/* "" once erased (retention) */
	char		*channel;
	int64_t		 deadline;
	char		*assignee;	/* or NULL */
	int64_t		 created;
	int64_t		 updated;
	int64_t		 closed;	/* 0 while open */
	int64_t		 answered;	/* last answer, or 0 */
	int64_t		 first_answered;
	int64_t		 overdue;	/* marked overdue at, or 0 */
	int64_t		 reopened;	/* last reopened at, or 0 */
	int64_t		 satisfaction_asked;
	int		 satisfaction;	/* 1 to 5, 0: no answer */
	int64_t		 satisfaction_at;
	int64_t		 erased;	/* number erased at, or 0 */
	int64_t		 resident;	/* pseudonym id: "R-<id>" */
	char		*text;		/* the first message, or NULL */
};

/* Which cases store_case_list() returns, newest first. */
struct store_case_filter {
	const char	 *category;	/* or NULL */
	char *const	 *visible;	/* categories seen, NULL: all */
	size_t		  nvisible;
	int		  state;	/* enum store_case_state, or -1 */
	int		  overdue;	/* only open overdue cases */
	const char	 *assignee;	/* or NULL */
	int64_t		  before_ref;	/* only older references, or 0 */
	int		  limit;
};

/* A message of a case's thread: inbound, or an outbox row. */
struct store_thread_item {
	int		 outbound;
	int64_t		 id;
	int64_t		 at;		/* received, or queued */
	const char	*channel;
	const char	*text;
	const char	*kind;		/* router's or outbox kind, or NULL */
	const char	*state;		/* outbox: its state */
	const char	*encoding;
	int		 segments;
	const char	*error;		/* outbox: last error, or NULL */
	int64_t		 updated;	/* outbox: last change */
};

/* A case as reports and exports read it. */
struct store_report_row {
	int64_t		 ref_number;
	const char	*category;
	const char	*subcategory;
	enum store_case_state state;
	const char	*channel;
	int64_t		 created;
	int64_t		 deadline;
	int64_t		 first_answered;
	int64_t		 closed;
	int64_t		 overdue;
	int		 satisfaction;
	int64_t		 resident;
	int64_t		 reopened;
	const char	*text;		/* exports only */
};

enum store_case_field {
	STORE_CF_DEADLINE,
	STORE_CF_OVERDUE,
	STORE_CF_REOPENED,
	STORE_CF_SATISFACTION_ASKED,
	STORE_CF_SATISFACTION		/* and satisfaction_at: now */
};

struct store_query *store_query_open(struct store *, int busy_timeout_ms,
		    char *err, size_t errsz);
void		 store_query_close(struct store_query *);
void		 store_case_info_clear(struct store_case_info *);
enum store_status store_case_list(struct store_query *,
		    const struct store_case_filter *,
		    void (*)(const struct store_case_info *, void *), void *);
enum store_status store_case_info_get(struct store_query *, int64_t ref,
		    struct store_case_info *);
enum store_status store_case_thread(struct store_query *, int64_t case_id,
		    void (*)(const struct store_thread_item *, void *), void *);
enum store_status store_case_history(struct store_query *, int64_t case_id,
		    void (*)(const struct store_case_event *, void *), void *);
enum store_status store_case_notes(struct store_query *, int64_t case_id,
		    void (*)(const struct store_note *, void *), void *);
enum store_status store_resident_cases(struct store_query *,
		    int64_t resident, void (*)(const char *, int64_t, void *),
		    void *);
enum store_status store_case_counts(struct store_query *,
		    void (*)(const char *, const char *, int64_t, void *),
		    void *);
enum store_status store_case_oldest_waiting(struct store_query *,
		    char *const *visible, size_t nvisible, int64_t *ref,
		    int64_t *created);
enum store_status store_channel_last_seen(struct store_query *,
		    const char *channel, int64_t *at);
enum store_status store_outbox_counts(struct store_query *,
		    void (*)(const char *, const char *, int64_t, const char *,
		    void *), void *);
enum store_status store_outbox_list(struct store_query *, int failed_only,
		    int limit, void (*)(const struct store_outbox *, int64_t,
		    const char *, void *), void *);
enum store_status store_report_rows(struct store_query *, int64_t from,
		    int64_t to, int with_text,
		    void (*)(const struct store_report_row *, void *), void *);
enum store_status store_audit_list(struct store_query *, int64_t after_id,
		    int64_t limit, void (*)(const struct store_audit *, int64_t,
		    void *), void *);
enum store_status store_audit_walk(struct store_query *,
		    int (*)(const struct store_audit *, void *), void *,
		    int64_t *last_id, int64_t *entries,
		    char head[STORE_HASH_HEX]);
int		 store_audit_hash(const char *prev, int64_t at,
		    const char *actor, const char *action, int64_t case_id,
		    const char *detail, char out[STORE_HASH_HEX]);

/* Row functions, for work functions only. */
enum store_status store_case_read(struct store_txn *, int64_t ref,
		    struct store_case_info *);
enum store_status store_case_set(struct store_txn *, int64_t id,
		    enum store_case_field, int64_t v);
enum store_status store_case_find_satisfaction(struct store_txn *,
		    const char *sender, int64_t since, int64_t *case_id,
		    int64_t *ref);
enum store_status store_case_find_closed(struct store_txn *, int64_t ref,
		    const char *sender, int64_t since, int64_t *case_id);
enum store_status store_cases_mark_overdue(struct store_txn *, int64_t at,
		    int limit, void (*)(int64_t, int64_t, const char *, int64_t,
		    void *), void *, int64_t *n);
enum store_status store_cases_erase(struct store_txn *, int64_t before,
		    int limit, int64_t *n);
enum store_status store_inbound_erase(struct store_txn *, int64_t before,
		    int limit, int64_t *n);
enum store_status store_cases_overdue_count(struct store_txn *, int64_t *n);

#endif /* PAPIGW_STORE_STORE_CASES_H */
