/*
 * ussd_menu.h: the USSD menu (ussd_menu.c), pure functions of the
 * configuration: ussd_walk() reads the path of a session's inputs into a
 * position in the menu, ussd_screen() renders it.
 */
#ifndef PAPIGW_DOMAIN_USSD_MENU_H
#define PAPIGW_DOMAIN_USSD_MENU_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

#define USSD_SCREEN_MAX		182	/* GSM-7 characters on one screen */
#define USSD_BUF		2048	/* bytes of a screen being built */
#define USSD_SESSION_ID_MAX	64	/* bytes in a sessionId */
#define USSD_PATH_MAX		1024	/* bytes in a request's text */

enum ussd_state {
	USSD_MAIN,		/* the main menu */
	USSD_CATEGORY,		/* report: choose a category */
	USSD_TEXT,		/* report: type the message */
	USSD_CONFIRM,		/* report: send it? */
	USSD_REF,		/* status: type a reference */
	USSD_TOPICS,		/* information: choose a topic */
	USSD_TOPIC,		/* information: one topic */
	USSD_NEWS,		/* news: choose a topic, or mine */
	USSD_NEWS_TOPIC,	/* news: subscribe to it, or drop it */
	USSD_FIELDS,		/* procedures: choose a field */
	USSD_PROCS,		/* procedures: choose one of a field */
	USSD_PROC,		/* procedures: one procedure */
	USSD_BOOK		/* reception: type the topic */
};

/* A line above a screen, for what went wrong with the last input. */
enum ussd_hint {
	USSD_HINT_NONE,
	USSD_HINT_INVALID,	/* an unknown option or an empty message */
	USSD_HINT_CUT,		/* the message was cut at ussd.max_text */
	USSD_HINT_NOT_FOUND,	/* no such case of this number */
	USSD_HINT_FAILED	/* the store failed: try again */
};

/* What the last input asks for beyond a screen. */
enum ussd_action {
	USSD_ACT_NONE,
	USSD_ACT_SUBMIT,	/* file the report (CONFIRM, "1") */
	USSD_ACT_LOOKUP,	/* look up ref (REF) */
	USSD_ACT_NEWS,		/* news: pos->news on pos->item */
	USSD_ACT_BOOK		/* book the reception, topic text (BOOK) */
};

/* What a news action does (struct ussd_pos news). */
enum ussd_news {
	USSD_NEWS_MINE,		/* list my subscriptions */
	USSD_NEWS_ADD,		/* subscribe to the topic */
	USSD_NEWS_DROP,		/* drop it */
	USSD_NEWS_STOP,		/* opt out of everything (a stop word) */
	USSD_NEWS_READ		/* the topic's newest announcement */
};

/* Where a path leads. */
struct ussd_pos {
	enum ussd_state	 state;
	int		 item;		/* category (TEXT, CONFIRM), topic,
					   procedure field (PROCS, PROC) */
	int		 proc;		/* PROC: the procedure's index */
	enum ussd_hint	 hint;
	enum ussd_action action;
	int64_t		 ref;		/* LOOKUP, NOT_FOUND: the number */
	enum ussd_news	 news;		/* NEWS: what */
	char		 text[USSD_TEXT_CHARS_MAX * 4 + 1]; /* the report */
};

void		 ussd_start(struct ussd_pos *);
void		 ussd_walk(const struct config *, struct ussd_pos *,
		    const char *path, size_t len, int live);
size_t		 ussd_screen(const struct config *, const struct ussd_pos *,
		    char *buf, size_t bufsz);
size_t		 ussd_end_screen(const struct config *, enum ussd_text,
		    int64_t ref, char *buf, size_t bufsz);
size_t		 ussd_fit(const char *s, size_t width, char *buf,
		    size_t bufsz);
size_t		 ussd_width(const char *s);
size_t		 ussd_ascii(const char *s, char *buf, size_t bufsz);
int		 ussd_check(const struct config *, char *key, size_t keysz,
		    int *elem, char *err, size_t errsz);
void		 ussd_menu_register(void);

#endif /* PAPIGW_DOMAIN_USSD_MENU_H */
