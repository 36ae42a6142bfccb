/*
 * reply.h: the reply composer
 *
 * Everything the gateway says on its own: the acknowledgement of a new
 * case (one short SMS part by default; its category's explanation on
 * request), the short answers to what a resident does to a case (a
 * message added, a satisfaction score, a reopening) and to a thank-you or
 * a greeting, the answers to special words (help, status lookup, a case's
 * explanation, opt-out and opt-in, a language, information topics), in
 * the resident's language, encoded and cut to the channel's budget of SMS
 * parts, and the guards against loops and abuse (no automatic reply to
 * short codes, alphanumeric senders or the gateway's own numbers, a daily
 * cap per sender, the quarantine of a flooding sender).  Every reply is an
 * outbox row written in the transaction of the message that caused it.
 * Officers' answers are framed with the ward's name and the reference.
 */
#ifndef PAPIGW_CORE_REPLY_H
#define PAPIGW_CORE_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "store/store.h"
#include "text/text.h"

/* Kinds of outbox rows (outbox.kind). */
#define REPLY_KIND_ACK		"ack"		/* acknowledges a new case */
#define REPLY_KIND_SPECIAL	"special"	/* answers a special word */
#define REPLY_KIND_ANSWER	"answer"	/* an officer's answer */
#define REPLY_KIND_INFO		"info"		/* information, opt-out-able */
#define REPLY_KIND_ANNOUNCEMENT	"announcement"	/* also opt-out-able */
#define REPLY_KIND_REMINDER	"reminder"	/* of a reception booking */

#define REPLY_TEXT_MAX		4096	/* bytes of a composed reply */

/* Values of a reply template's variables; NULL renders as "". */
struct render_vars {
	const char	*ref;		/* "PA-000123" */
	const char	*category;	/* the category's name */
	const char	*deadline;	/* "04/12/2026" */
	const char	*ward;
	const char	*hours;
	const char	*hotline;
	const char	*state;		/* status answers: the case's state */
	const char	*answer;	/* status answers: the last answer */
};

/* What a message that is only a special word asks for. */
struct reply_request {
	enum reply_special what;
	int		 topic;		/* REPLY_SPECIAL_TOPIC: its index */
	int64_t		 ref;		/* REPLY_SPECIAL_STATUS: 0 if none */
};

/* What a resident did to a case, answered by reply_case_event(). */
enum reply_event {
	REPLY_EVENT_FOLLOWUP,	/* a message added to an open case */
	REPLY_EVENT_SATISFIED,	/* a satisfaction score */
	REPLY_EVENT_REOPENED	/* "not solved", or a closed case quoted */
};

/* Why no automatic reply went out (ingest_result, /metrics). */
enum reply_block {
	REPLY_SENT,		/* a reply was queued */
	REPLY_BLOCK_NONE,	/* nothing to say (follow-up, spam...) */
	REPLY_BLOCK_SENDER,	/* short code, alphanumeric, our number */
	REPLY_BLOCK_QUARANTINE,	/* the sender is quarantined */
	REPLY_BLOCK_CAP,	/* max_per_sender_day reached */
	REPLY_BLOCK_OPTED_OUT,	/* info or announcement to an opted-out */
	REPLY_BLOCK_MAX
};

/*
 * The acknowledgement of a new case composed ahead of the store's writer
 * (reply_ack_prepare(), on the request's thread) for a category, a
 * language, a deadline and whether the explanation goes with it, with
 * the reference of a case number 0 ("PA-000000") in its place: the
 * writer only writes the case's reference, of the same length, over it (reply_ack()), when what it finds (the
 * language, a first contact) is what was assumed.
 */
struct reply_pre {
	int		 ok;		/* usable: no cut, an ASCII prefix */
	const struct category *cat;
	enum language	 lang;
	int		 explain;	/* the explanation is in text */
	int64_t		 deadline;
	const char	*encoding;	/* "gsm7" or "ucs2", static */
	int		 segments;
	size_t		 len;
	char		 text[REPLY_TEXT_MAX];
};

/* One inbound message as the composer sees it (ingest fills it). */
struct reply_ctx {
	const struct config *conf;
	const char	*channel;
	const char	*sender;
	int64_t		 message_id;
	int64_t		 now;
	int		 lang_of;	/* reply_language_of() the message */
	int		 lang_weak;	/* lang_of only if nothing is known */
	int		 may_reply;	/* reply_may_reply() */
	const struct reply_pre *pre;	/* the acknowledgement, or NULL */
	/* Set by reply_guard(). */
	enum language	 lang;		/* to answer in */
	int		 quarantined;	/* no automatic reply at all */
	int		 quarantined_now; /* this message tipped the sender */
	int64_t		 help_at;	/* help last sent unasked */
	/* Set by the reply functions. */
	enum reply_block block;
	int64_t		 outbox_id;	/* the reply queued, or 0 */
	int		 segments;	/* its SMS parts */
};

/* A message for reply_queue(): an officer's answer, information... */
struct reply_msg {
	const char	*kind;		/* REPLY_KIND_ANSWER, _INFO... */
	const char	*channel;
	const char	*recipient;
	const char	*text;		/* UTF-8 */
	int64_t		 case_id;	/* or 0 */
	int		 priority;	/* 0, or 1 for bulk sends */
};

/* reply_status_text() flags. */
#define REPLY_F_ASCII	0x01	/* no diacritics (USSD screens) */

size_t		 reply_render(char *buf, size_t bufsz, const char *tpl,
		    const struct render_vars *);
int		 reply_may_reply(const struct config *, const char *sender);
int		 reply_same_number(const char *a, const char *b);
int		 reply_parse(const struct config *, const struct text *,
		    struct reply_request *);
int		 reply_language_of(const struct config *,
		    const struct text *);
enum language	 reply_language(const struct config *, const struct text *);
const char	*reply_state_name(enum store_case_state, enum language);
const char	*reply_block_name(enum reply_block);
const struct topic *reply_topic(const struct config *, const char *id);
enum store_status reply_guard(struct store_txn *, struct reply_ctx *);
enum store_status reply_ack(struct store_txn *, struct reply_ctx *,
		    const struct category *, int64_t case_id, int64_t ref,
		    int64_t deadline, int first);
void		 reply_ack_prepare(const struct config *,
		    const char *channel, const struct category *,
		    enum language, int explain, int64_t deadline,
		    struct reply_pre *);
enum store_status reply_case_event(struct store_txn *, struct reply_ctx *,
		    enum reply_event, int64_t case_id, int64_t ref,
		    int64_t deadline);
enum store_status reply_special(struct store_txn *, struct reply_ctx *,
		    const struct reply_request *);
enum store_status reply_asked(struct store_txn *, struct reply_ctx *,
		    int max, const char *text);
enum store_status reply_thanks(struct store_txn *, struct reply_ctx *,
		    int64_t case_id);
enum store_status reply_greeting(struct store_txn *, struct reply_ctx *);
void		 reply_frame_answer(const struct config *, int64_t ref,
		    int lang, const char *answer, char *buf, size_t bufsz);
int		 reply_budget(const struct config *, const char *channel,
		    int asked);
int		 reply_check_budget(const struct config *,
		    void (*)(const char *, void *), void *);
enum store_status reply_queue(struct store_txn *, const struct config *,
		    const struct reply_msg *, int64_t *id);
int		 reply_status_text(struct store *, const struct config *,
		    int64_t ref, const char *number, enum language,
		    unsigned flags, char *buf, size_t bufsz);
size_t		 reply_compose(const struct config *, const char *channel,
		    int max, const char *first, const char *rest, char *buf,
		    size_t bufsz, const char **encoding, int *segments);

#endif /* PAPIGW_CORE_REPLY_H */
