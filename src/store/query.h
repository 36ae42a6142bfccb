/*
 * query.h: the store's queries for papictl and reports (query.c)
 *
 * Reads go through a query connection of their own, one per control
 * client (store_query_open()), and see committed data only.  The
 * structures handed to callbacks point into the row being read: valid
 * during the call only (see store.h); a struct store_case filled by
 * store_query_case() owns its strings (store_case_clear()).
 */
#ifndef PAPIGW_STORE_QUERY_H
#define PAPIGW_STORE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct store_query;

/* Which cases store_case_list() returns, newest first. */
struct store_case_filter {
	const char	 *category;	/* or NULL */
	char *const	 *visible;	/* categories seen, NULL: all */
	size_t		  nvisible;
	int		  state;	/* enum store_case_state, or -1 */
	int		  overdue;	/* only open overdue cases */
	int		  open;		/* only open cases */
	const char	 *assignee;	/* or NULL */
	const char	 *match;	/* FTS5 query on messages, or NULL */
	const char	 *area;		/* --area: or recorded under it */
	const char	 *match_text;	/* with area: the words, or NULL */
	const char	 *channel;	/* came in on it, or NULL */
	int		  source;	/* enum case_source + 1, or 0: any */
	int64_t		  before_ref;	/* only older references, or 0 */
	int64_t		  resident;	/* only this pseudonym's, or 0 */
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
	const char	*decision;	/* inbound: JSON, or NULL */
	const char	*state;		/* outbox: its state */
	const char	*encoding;
	int		 segments;
	const char	*error;		/* outbox: last error, or NULL */
	int64_t		 updated;	/* outbox: last change */
};

/* A number in quarantine or blocked (store_senders_held()). */
struct store_held {
	const char	*number;
	int64_t		 resident;	/* its pseudonym's id, or 0 */
	int64_t		 since;
	int64_t		 until;		/* 0: until released */
	const char	*reason;	/* or NULL */
	const char	*blocked_by;	/* an administrator's block, or NULL */
};

struct store_query *store_query_open(struct store *, int busy_timeout_ms,
		    char *err, size_t errsz);
int		 store_query_ward(struct store_query *, const char *ward);
void		 store_query_close(struct store_query *);
enum store_status store_case_list(struct store_query *,
		    const struct store_case_filter *,
		    void (*)(const struct store_case *, void *), void *);
enum store_status store_query_case(struct store_query *, int64_t ref,
		    struct store_case *);
enum store_status store_case_thread(struct store_query *, int64_t case_id,
		    void (*)(const struct store_thread_item *, void *), void *);
enum store_status store_outbox_parts(struct store_query *, int64_t since,
		    int64_t until,
		    void (*)(const char *, int64_t, int64_t, void *),
		    void *);
enum store_status store_corrections(struct store_query *, int64_t since,
		    void (*)(const struct store_correction *, void *),
		    void *);
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
		    void (*)(const struct store_case *, void *), void *);
enum store_status store_report_frozen(struct store_query *, int64_t from,
		    int64_t to, int64_t cut,
		    void (*)(const struct store_case *, void *), void *);
enum store_status store_report_span(struct store_query *, int64_t from,
		    int64_t to, int64_t *n);
enum store_status store_report_summed(struct store_query *, int64_t from,
		    int64_t to,
		    void (*)(const char *, const char *, const int64_t *,
		    void *),
		    void (*)(const char *, const char *, int, const int *,
		    const int64_t *, int, void *), void *);
enum store_status store_report_sms_summed(struct store_query *,
		    int64_t from, int64_t to,
		    void (*)(const char *, int64_t, int64_t, void *), void *);
enum store_status store_senders_held(struct store_query *, int64_t now,
		    void (*)(const struct store_held *, void *), void *);
enum store_status store_pseudonym_number(struct store_query *,
		    int64_t resident, char *buf, size_t bufsz);
enum store_status store_reminder_sent(struct store_query *,
		    const char *period, const char *ward, int64_t *at);
enum store_status store_audit_list(struct store_query *, int64_t after_id,
		    int64_t limit, void (*)(const struct store_audit *, int64_t,
		    void *), void *);
enum store_status store_audit_walk(struct store_query *,
		    int (*)(const struct store_audit *, void *), void *,
		    int64_t *last_id, int64_t *entries,
		    char head[STORE_HASH_HEX]);

#endif /* PAPIGW_STORE_QUERY_H */
