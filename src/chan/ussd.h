/*
 * ussd.h: USSD sessions (Africa's Talking callbacks)
 *
 * The aggregator posts every request of a session with the whole path of
 * the resident's inputs joined by '*'; the answer is "CON screen" (wait
 * for input) or "END screen".  The menu is domain/ussd_menu.h's; the
 * session table (struct ussd) remembers each session's last path and
 * position, its age and its final answer.
 */
#ifndef PAPIGW_CHAN_USSD_H
#define PAPIGW_CHAN_USSD_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "chan/http.h"

struct ingest;
struct store;

struct ussd;

struct ussd	*ussd_new(struct ingest *, struct store *);
void		 ussd_free(struct ussd *);
void		 ussd_expire(struct ussd *, const struct config *);
void		 ussd_handle(struct ussd *, struct config *,
		    struct http_req *);

#endif /* PAPIGW_CHAN_USSD_H */
