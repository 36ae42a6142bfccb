/*
 * reception.h: booking the citizen reception (reception.c): by SMS
 * ("đặt lịch tranh chấp đất", "hủy lịch") and the USSD menu, the
 * reminder the day before, in the store's transactions.
 */
#ifndef PAPIGW_CORE_RECEPTION_H
#define PAPIGW_CORE_RECEPTION_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "text/text.h"
#include "store/store.h"
#include "domain/reception.h"
#include "core/reply.h"

#define RECEPTION_TOPIC_MAX	241	/* bytes of a topic kept, with NUL */

enum reception_ask {
	RECEPTION_ASK_NONE,
	RECEPTION_ASK_BOOK,	/* a book word, and the topic */
	RECEPTION_ASK_CANCEL	/* a cancel word */
};

/* What a message asks of the reception. */
struct reception_request {
	enum reception_ask what;
	char		 topic[RECEPTION_TOPIC_MAX];
};

/* What a booking became. */
struct reception_booked {
	int		 full;		/* every reception looked at is full */
	int		 again;		/* the number had booked already */
	char		 day[RECEPTION_DAY_SIZE];	/* full: the last */
	char		 slot[6];
	int		 seq;
	int64_t		 id;
};

int		 reception_parse(const struct config *, const struct text *,
		    const char *text, struct reception_request *);
enum store_status reception_book(struct store_txn *, const struct config *,
		    const char *number, const char *channel, int lang,
		    const char *topic, int64_t now, struct reception_booked *);
enum store_status reception_book_ussd(struct store_txn *,
		    const struct config *, const char *number,
		    const char *channel, const char *topic, int64_t now,
		    struct reception_booked *);
enum store_status reception_answer(struct store_txn *, struct reply_ctx *,
		    const struct reception_request *);
size_t		 reception_render(const struct config *, const char *tpl,
		    const struct reception_booked *, const char *topic,
		    char *buf, size_t bufsz);
enum store_status reception_remind(struct store_txn *, const struct config *,
		    int64_t now, int *sent);

#endif /* PAPIGW_CORE_RECEPTION_H */
