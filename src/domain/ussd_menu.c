/*
 * ussd_menu.c: the USSD menu, as pure functions of the configuration:
 * reading a session's path into a position (ussd_walk()), rendering a
 * screen (ussd_screen()), and checking that every screen the
 * configuration can produce fits (ussd_check()).  The sessions and the
 * HTTP endpoint are in chan/ussd.c.
 *
 * The aggregator posts sessionId, serviceCode, phoneNumber and text, the
 * path of every input of the session joined by '*' ("" on the first
 * request, then "1", "1*2", "1*2*nuoc ngap"...), and shows the answer:
 * "CON screen" waits for the next input, "END screen" closes the session.
 * The menu comes from the ussd group of the configuration:
 *
 *	main menu	1. report a problem: category -> message -> confirm,
 *			   END with the new case reference;
 *			2. check a case: reference -> END with its state and
 *			   last answer, for the number that opened it only;
 *			3. information topics (the replies' topics, their
 *			   plain-ASCII ussd texts);
 *			4. news (announce.*): a news topic -> subscribe or
 *			   drop it, END with the answer, or read its newest
 *			   announcement (its body, cut to fit); my subscriptions;
 *			   or stop everything (replies.stop_words' opt-out).
 *			5. procedures: the catalogue's fields -> the
 *			   procedures of one -> its fee, time limit and where
 *			   (domain/catalogue.c);
 *			6. book: the reception's topic, typed -> END with the
 *			   day, time and number of the booking (chan/ussd.c,
 *			   core/reception.c).
 *	everywhere	0 goes back one screen, 00 to the main menu.
 *
 * Reading a path.  Every input is one part between '*'s, except the
 * message: the message step takes the rest of the path, '*'s included,
 * since a resident may type '*' in the message and the protocol cannot
 * tell it from a separator.  In a session the table knows, the new input
 * is what the path adds to the previous one, so the message is exactly
 * what was typed on its screen.  A session the daemon has not seen (after
 * a restart, or dropped from a full table) is replayed from the top; then
 * the message runs to the next part that is exactly "1", "0" or "00",
 * which is read as an answer to the confirmation screen (a "0" or "00"
 * just after the message screen goes back).  A report or a lookup in the
 * middle of a replayed path did not end the session, so it failed and the
 * walk goes on from its screen.
 *
 * Screens are plain ASCII (GSM-7; the extension characters count twice)
 * and at most 182 characters: ussd_check(), which the configuration
 * loader runs (ussd_menu_register()), renders every screen with the
 * longest values it can hold and refuses one that does not fit.  Texts
 * typed by people (the resident's message, an officer's answer) are
 * folded to ASCII and cut to fit.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/ussd_menu.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "text/sms.h"
#include "text/text.h"
#include "conf/config.h"
#include "domain/catalogue.h"
#include "domain/ref.h"

/* Characters of the message the confirmation screen must show. */
#define USSD_TEXT_SHOWN_MIN	20
#define USSD_WORST_REF		999999999LL /* the longest reference */

static const char *const text_names[USSD_T_MAX] = {
	[USSD_T_TITLE] = "title",
	[USSD_T_REPORT] = "report_prompt",
	[USSD_T_TEXT] = "text_prompt",
	[USSD_T_CONFIRM] = "confirm",
	[USSD_T_SEND] = "send",
	[USSD_T_CUT] = "cut_notice",
	[USSD_T_DONE] = "done",
	[USSD_T_REF] = "ref_prompt",
	[USSD_T_NOT_FOUND] = "not_found",
	[USSD_T_INFO] = "info_prompt",
	[USSD_T_INVALID] = "invalid",
	[USSD_T_FAILED] = "failed",
	[USSD_T_BUSY] = "busy",
	[USSD_T_EXPIRED] = "expired",
	[USSD_T_NAV] = "nav",
};

/* The variables of the texts. */
enum tvar {
	TV_CATEGORY,		/* the chosen category's label */
	TV_MAX,			/* ussd.max_text */
	TV_REF,			/* a case reference, "PA-000123" */
	TV_EXAMPLE,		/* an example reference, "PA-000123" */
	TV_HOTLINE,		/* ward.hotline */
	TV_N
};

static const char *const tvar_names[TV_N] = {
	"category", "max", "ref", "example", "hotline"
};

#define V(x)	(1u << (x))

/* The variables each text may use; {hotline} everywhere. */
static const unsigned text_vars[USSD_T_MAX] = {
	[USSD_T_TEXT] = V(TV_CATEGORY) | V(TV_MAX),
	[USSD_T_CONFIRM] = V(TV_CATEGORY),
	[USSD_T_CUT] = V(TV_MAX),
	[USSD_T_DONE] = V(TV_REF),
	[USSD_T_REF] = V(TV_EXAMPLE),
	[USSD_T_NOT_FOUND] = V(TV_REF),
};

/*
 * ===================================================================
 * Characters
 * ===================================================================
 */

/*
 * The width of s on a USSD screen: GSM-7 septets, the extension
 * characters counting twice (a non-ASCII character counts once; screens
 * hold none).
 */
size_t
ussd_width(const char *s)
{
	const unsigned char	*p;
	size_t			 w = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		w += sms_septets(*p) == 2 ? 2 : 1;
	}
	return w;
}

/*
 * Folds UTF-8 text to what a USSD screen shows: letters without their
 * diacritics ("Đường" -> "Duong", text_strip_marks()), line breaks and
 * other controls as spaces, '`' as '\'', anything else outside ASCII as
 * '?'.  Writes at most bufsz - 1 bytes and a NUL; returns the length
 * written.
 */
size_t
ussd_ascii(const char *s, char *buf, size_t bufsz)
{
	char			*plainer = text_strip_marks(s, strlen(s));
	const unsigned char	*p;
	size_t			 o = 0;
	char			 c;

	if (bufsz == 0) {
		free(plainer);
		return 0;
	}
	for (p = (const unsigned char *)plainer; *p != '\0' && o + 1 < bufsz;
	    p++) {
		if (*p >= 0x80) {
			/* One '?' for the whole character. */
			while ((p[1] & 0xC0) == 0x80)
				p++;
			c = '?';
		} else if (*p == '`')
			c = '\'';
		else if (*p < 0x20 || *p == 0x7F)
			c = ' ';
		else
			c = (char)*p;
		buf[o++] = c;
	}
	buf[o] = '\0';
	free(plainer);
	return o;
}

/* Cuts s (ASCII) to at most width columns; returns its width. */
static size_t
cut_width(char *s, size_t width)
{
	size_t	w = 0, i;

	for (i = 0; s[i] != '\0'; i++) {
		size_t cw = sms_septets((unsigned char)s[i]) == 2 ? 2 : 1;

		if (w + cw > width) {
			s[i] = '\0';
			break;
		}
		w += cw;
	}
	return w;
}

/*
 * Folds s to ASCII (ussd_ascii()) and fits it into width columns: a text
 * too long ends with "..." where it was cut.  Returns the length written.
 */
size_t
ussd_fit(const char *s, size_t width, char *buf, size_t bufsz)
{
	size_t	len;

	ussd_ascii(s, buf, bufsz);
	if (ussd_width(buf) <= width)
		return strlen(buf);
	if (width < 4) {
		cut_width(buf, width);
		return strlen(buf);
	}
	cut_width(buf, width - 3);
	/* Do not leave a space before the dots. */
	for (len = strlen(buf); len > 0 && buf[len - 1] == ' '; len--)
		buf[len - 1] = '\0';
	if (len + 4 <= bufsz) {
		memcpy(buf + len, "...", 4);
		len += 3;
	}
	return len;
}

/*
 * ===================================================================
 * Screens
 * ===================================================================
 */

/* The values of the variables for one screen. */
struct tvals {
	const char	*v[TV_N];
	char		 ref[32];
	char		 example[32];
	char		 max[16];
	char		 hotline[64];
};

static void
tvals_init(const struct config *conf, struct tvals *tv, int64_t ref)
{
	memset(tv, 0, sizeof(*tv));
	ref_format(conf->case_prefix, ref, tv->ref, sizeof(tv->ref));
	snprintf(tv->example, sizeof(tv->example), "%s-000123",
	    conf->case_prefix);
	snprintf(tv->max, sizeof(tv->max), "%d", conf->ussd_max_text);
	ussd_ascii(conf->hotline != NULL ? conf->hotline : "", tv->hotline,
	    sizeof(tv->hotline));
	tv->v[TV_REF] = tv->ref;
	tv->v[TV_EXAMPLE] = tv->example;
	tv->v[TV_MAX] = tv->max;
	tv->v[TV_HOTLINE] = tv->hotline;
}

/* The variable named by p[0..n), or -1. */
static int
tvar_find(const char *p, size_t n)
{
	int	i;

	for (i = 0; i < TV_N; i++)
		if (strlen(tvar_names[i]) == n &&
		    strncmp(p, tvar_names[i], n) == 0)
			return i;
	return -1;
}

/* Appends text t of the configuration with its variables replaced. */
static void
add_text(struct strbuf *b, const struct config *conf, enum ussd_text t,
    const struct tvals *tv)
{
	const char	*p, *end;
	char		 one[2] = "";
	int		 v;

	for (p = conf->ussd_texts[t]; *p != '\0'; p++) {
		if (*p == '{' && (end = strchr(p, '}')) != NULL &&
		    (v = tvar_find(p + 1, (size_t)(end - p - 1))) != -1) {
			strbuf_adds(b, tv->v[v] != NULL ? tv->v[v] : "");
			p = end;
			continue;
		}
		one[0] = *p;
		strbuf_adds(b, one);
	}
}

static void
add_line(struct strbuf *b, const char *s)
{
	if (b->len > 0)
		strbuf_adds(b, "\n");
	strbuf_adds(b, s);
}

/* Appends the numbered options "1. label". */
static void
add_items(struct strbuf *b, const struct ussd_item *items, size_t n)
{
	char	line[256];
	size_t	i;

	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%zu. %s", i + 1, items[i].label);
		add_line(b, line);
	}
}

static const struct topic *
find_topic(const struct config *conf, const char *id)
{
	size_t	i;

	for (i = 0; i < conf->ntopics; i++)
		if (strcmp(conf->topics[i].id, id) == 0)
			return &conf->topics[i];
	return NULL;
}

/* Appends folded s as line "N. s" (n 0: without a number). */
static void
add_folded(struct strbuf *b, size_t n, const char *s)
{
	char	line[256], ascii[200];

	ussd_ascii(s, ascii, sizeof(ascii));
	if (n > 0)
		snprintf(line, sizeof(line), "%zu. %s", n, ascii);
	else
		snprintf(line, sizeof(line), "%s", ascii);
	add_line(b, line);
}

/*
 * The news screens: the topics and "mine" (announce.ussd_prompt,
 * ussd_mine), or one topic's subscribe and drop (ussd_subscribe,
 * ussd_drop).  Names are folded to ASCII.
 */
static void
add_news(struct strbuf *b, const struct config *conf,
    const struct ussd_pos *pos)
{
	size_t	i;

	if (pos->state == USSD_NEWS) {
		add_folded(b, 0, conf->announce_ussd_prompt);
		for (i = 0; i < conf->nnews_topics; i++)
			add_folded(b, i + 1, conf->news_topics[i].ussd[0] !=
			    '\0' ? conf->news_topics[i].ussd :
			    conf->news_topics[i].name_vi);
		add_folded(b, i + 1, conf->announce_ussd_mine);
		if (conf->replies_nstop_words > 0)
			add_folded(b, i + 2, conf->announce_ussd_stop);
		return;
	}
	if (pos->item < 0 || (size_t)pos->item >= conf->nnews_topics)
		return;
	add_folded(b, 0, conf->news_topics[pos->item].name_vi);
	add_folded(b, 1, conf->announce_ussd_subscribe);
	add_folded(b, 2, conf->announce_ussd_drop);
	add_folded(b, 3, conf->announce_ussd_read);
}

/* The catalogue's fields, numbered: at most 9. */
static void
add_fields(struct strbuf *b, const struct config *conf)
{
	char	line[64];
	size_t	i;

	for (i = 0; i < conf->nproc_fields && i < 9; i++) {
		snprintf(line, sizeof(line), "%zu. %s", i + 1,
		    conf->proc_fields[i].ussd);
		add_line(b, line);
	}
}

/* The index of the k-th procedure (from 0) of field, or -1. */
static int
field_proc(const struct config *conf, int field, int k)
{
	size_t	i;

	for (i = 0; i < conf->nprocedures; i++)
		if (conf->procedures[i].fieldno == field && k-- == 0)
			return (int)i;
	return -1;
}

/*
 * The procedures of field, numbered (at most 9), under the field's
 * label, each name cut to share the screen with the navigation line.
 */
static void
add_procs(struct strbuf *b, const struct config *conf, int field)
{
	char	line[USSD_SCREEN_MAX + 8], name[USSD_SCREEN_MAX + 1];
	size_t	n = 0, width;
	int	k, p;

	if (field < 0 || (size_t)field >= conf->nproc_fields)
		return;
	strbuf_adds(b, conf->proc_fields[field].ussd);
	strbuf_adds(b, ":");
	while (n < 9 && field_proc(conf, field, (int)n) >= 0)
		n++;
	if (n == 0)
		return;
	/* Each line: "k. name\n", within what the heading and nav leave. */
	width = (USSD_SCREEN_MAX - ussd_width(conf->proc_fields[field].ussd) -
	    2 - ussd_width(conf->ussd_texts[USSD_T_NAV]) - 1) / n;
	width = width > 4 ? width - 4 : 1;
	for (k = 0; (size_t)k < n; k++) {
		p = field_proc(conf, field, k);
		ussd_fit(conf->procedures[p].name, width, name, sizeof(name));
		snprintf(line, sizeof(line), "%d. %s", k + 1, name);
		add_line(b, line);
	}
}

/* The line above the screen for pos's hint. */
static void
add_hint(struct strbuf *b, const struct config *conf, const struct ussd_pos *pos,
    const struct tvals *tv)
{
	switch (pos->hint) {
	case USSD_HINT_NONE:
		return;
	case USSD_HINT_INVALID:
		add_text(b, conf, USSD_T_INVALID, tv);
		break;
	case USSD_HINT_CUT:
		add_text(b, conf, USSD_T_CUT, tv);
		break;
	case USSD_HINT_NOT_FOUND:
		add_text(b, conf, USSD_T_NOT_FOUND, tv);
		break;
	case USSD_HINT_FAILED:
		add_text(b, conf, USSD_T_FAILED, tv);
		break;
	}
}

/*
 * Builds pos's screen in b without cutting it.  Returns the room the
 * confirmation screen leaves for the message (in columns, possibly
 * negative), 0 for other screens.
 */
static long
compose(const struct config *conf, const struct ussd_pos *pos,
    struct strbuf *b)
{
	struct tvals		 tv;
	struct strbuf		 tail = STRBUF_INIT;
	const struct ussd_item	*it = NULL;
	const struct topic	*tp;
	char			 echo[USSD_SCREEN_MAX * 2 + 8];
	long			 room;

	strbuf_truncate(b, 0);
	tvals_init(conf, &tv, pos->ref);
	if ((pos->state == USSD_TEXT || pos->state == USSD_CONFIRM) &&
	    pos->item >= 0 && (size_t)pos->item < conf->ussd_ncategories)
		it = &conf->ussd_categories[pos->item];
	else if (pos->state == USSD_TOPIC && pos->item >= 0 &&
	    (size_t)pos->item < conf->ussd_ntopics)
		it = &conf->ussd_topics[pos->item];
	tv.v[TV_CATEGORY] = it != NULL ? it->label : "";
	add_hint(b, conf, pos, &tv);
	if (b->len > 0)
		strbuf_adds(b, "\n");
	switch (pos->state) {
	case USSD_MAIN:
		add_text(b, conf, USSD_T_TITLE, &tv);
		add_items(b, conf->ussd_menu, conf->ussd_nmenu);
		return 0;
	case USSD_CATEGORY:
		add_text(b, conf, USSD_T_REPORT, &tv);
		add_items(b, conf->ussd_categories, conf->ussd_ncategories);
		break;
	case USSD_TEXT:
		add_text(b, conf, USSD_T_TEXT, &tv);
		break;
	case USSD_CONFIRM:
		add_text(b, conf, USSD_T_CONFIRM, &tv);
		strbuf_adds(b, "\n");
		strbuf_adds(&tail, "\n1. ");
		add_text(&tail, conf, USSD_T_SEND, &tv);
		strbuf_adds(&tail, "\n");
		strbuf_adds(&tail, conf->ussd_texts[USSD_T_NAV]);
		room = (long)USSD_SCREEN_MAX - (long)ussd_width(b->buf) -
		    (long)ussd_width(tail.buf);
		ussd_fit(pos->text, room > 0 ? (size_t)room : 0, echo,
		    sizeof(echo));
		strbuf_adds(b, echo);
		strbuf_adds(b, tail.buf);
		strbuf_free(&tail);
		return room;
	case USSD_REF:
		add_text(b, conf, USSD_T_REF, &tv);
		break;
	case USSD_TOPICS:
		add_text(b, conf, USSD_T_INFO, &tv);
		add_items(b, conf->ussd_topics, conf->ussd_ntopics);
		break;
	case USSD_TOPIC:
		tp = it != NULL ? find_topic(conf, it->id) : NULL;
		strbuf_adds(b, tp != NULL && tp->ussd != NULL ? tp->ussd : "");
		break;
	case USSD_NEWS:
	case USSD_NEWS_TOPIC:
		add_news(b, conf, pos);
		break;
	case USSD_FIELDS:
		strbuf_adds(b, conf->catalogue_ussd_prompt);
		add_fields(b, conf);
		break;
	case USSD_PROCS:
		add_procs(b, conf, pos->item);
		break;
	case USSD_PROC:
		if (pos->proc >= 0 && (size_t)pos->proc < conf->nprocedures) {
			catalogue_ussd_detail(conf, pos->proc, echo,
			    sizeof(echo));
			strbuf_adds(b, echo);
		}
		break;
	case USSD_BOOK:
		strbuf_adds(b, conf->reception_ussd_prompt);
		break;
	}
	add_line(b, conf->ussd_texts[USSD_T_NAV]);
	return 0;
}

/*
 * Renders the screen of pos (without "CON ") into buf, at most
 * USSD_SCREEN_MAX columns.  Returns its length in bytes.
 */
size_t
ussd_screen(const struct config *conf, const struct ussd_pos *pos,
    char *buf, size_t bufsz)
{
	struct strbuf	b = STRBUF_INIT;

	compose(conf, pos, &b);
	cut_width(b.buf, USSD_SCREEN_MAX);
	copy_str(buf, bufsz, b.buf);
	strbuf_free(&b);
	return strlen(buf);
}

/* Builds an END screen in b without cutting it. */
static void
compose_end(const struct config *conf, enum ussd_text which, int64_t ref,
    struct strbuf *b)
{
	struct tvals	tv;

	strbuf_truncate(b, 0);
	tvals_init(conf, &tv, ref);
	add_text(b, conf, which, &tv);
}

/*
 * Renders an END screen (without "END "): which is USSD_T_DONE (with the
 * new case's reference number ref), USSD_T_BUSY or USSD_T_EXPIRED.
 * Returns its length in bytes.
 */
size_t
ussd_end_screen(const struct config *conf, enum ussd_text which, int64_t ref,
    char *buf, size_t bufsz)
{
	struct strbuf	b = STRBUF_INIT;

	compose_end(conf, which, ref, &b);
	cut_width(b.buf, USSD_SCREEN_MAX);
	copy_str(buf, bufsz, b.buf);
	strbuf_free(&b);
	return strlen(buf);
}

/*
 * ===================================================================
 * Reading a path
 * ===================================================================
 */

static int
is(const char *c, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(c, s, n) == 0;
}

/* The option c[0..n) as a number from 1 to max, or 0. */
static int
option(const char *c, size_t n, size_t max)
{
	int	v = 0;
	size_t	i;

	if (n == 0 || n > 2)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)c[i]))
			return 0;
		v = v * 10 + (c[i] - '0');
	}
	return v >= 1 && (size_t)v <= max ? v : 0;
}

/* A reference typed as "PA-000123", "pa123" or "123"; 0 if none. */
static int64_t
typed_ref(const struct config *conf, const char *c, size_t n)
{
	char	buf[64];
	size_t	s = 0, e = n;
	int64_t	v;

	while (s < e && c[s] == ' ')
		s++;
	while (e > s && c[e - 1] == ' ')
		e--;
	if (e - s == 0 || e - s >= sizeof(buf))
		return 0;
	memcpy(buf, c + s, e - s);
	buf[e - s] = '\0';
	if ((v = ref_parse(conf->case_prefix, buf, REF_PREFIX_OPTIONAL)) > 0)
		return v;
	return ref_find(conf->case_prefix, buf);
}

/* Sets pos to the main menu. */
void
ussd_start(struct ussd_pos *pos)
{
	memset(pos, 0, sizeof(*pos));
	pos->state = USSD_MAIN;
	pos->item = -1;
}

static void
go(struct ussd_pos *pos, enum ussd_state state)
{
	pos->state = state;
	if (state == USSD_MAIN || state == USSD_CATEGORY ||
	    state == USSD_REF || state == USSD_TOPICS || state == USSD_NEWS ||
	    state == USSD_FIELDS || state == USSD_BOOK)
		pos->item = -1;
	if (state != USSD_CONFIRM)
		pos->text[0] = '\0';
}

/*
 * One input c[0..n) on the news screens: the topics (then the resident's
 * subscriptions and "stop everything"), and one topic's subscribe, drop
 * and read.  Returns 0 when it is not an option there.
 */
static int
step_news(const struct config *conf, struct ussd_pos *pos, const char *c,
    size_t n)
{
	int	k;

	if (pos->state == USSD_NEWS) {
		if (is(c, n, "0")) {
			go(pos, USSD_MAIN);
			return 1;
		}
		if ((k = option(c, n, conf->nnews_topics + 1 +
		    (conf->replies_nstop_words > 0))) == 0)
			return 0;
		if ((size_t)k > conf->nnews_topics) {
			pos->news = (size_t)k == conf->nnews_topics + 1 ?
			    USSD_NEWS_MINE : USSD_NEWS_STOP;
			pos->action = USSD_ACT_NEWS;
			return 1;
		}
		go(pos, USSD_NEWS_TOPIC);
		pos->item = k - 1;
		return 1;
	}
	if (is(c, n, "0")) {
		go(pos, USSD_NEWS);
		return 1;
	}
	if ((k = option(c, n, 3)) == 0)
		return 0;
	pos->news = k == 1 ? USSD_NEWS_ADD : k == 2 ? USSD_NEWS_DROP :
	    USSD_NEWS_READ;
	pos->action = USSD_ACT_NEWS;
	return 1;
}

/*
 * One input c[0..n) on the procedures' screens: the fields, the
 * procedures of one, one procedure.  Returns 0 when it is not an option
 * there.
 */
static int
step_procedures(const struct config *conf, struct ussd_pos *pos,
    const char *c, size_t n)
{
	static const enum ussd_state back[] = { USSD_MAIN, USSD_FIELDS,
	    USSD_PROCS };
	int	k, lvl = pos->state == USSD_FIELDS ? 0 : pos->state ==
		    USSD_PROCS ? 1 : 2;

	if (is(c, n, "0")) {
		go(pos, back[lvl]);
		return 1;
	}
	if (lvl == 0) {
		if ((k = option(c, n, conf->nproc_fields < 9 ?
		    conf->nproc_fields : 9)) == 0 ||
		    field_proc(conf, k - 1, 0) < 0)
			return 0;
		go(pos, USSD_PROCS);
		pos->item = k - 1;
		return 1;
	}
	if (lvl == 1 && (k = option(c, n, 9)) != 0 &&
	    field_proc(conf, pos->item, k - 1) >= 0) {
		pos->proc = field_proc(conf, pos->item, k - 1);
		go(pos, USSD_PROC);
		return 1;
	}
	return 0;
}

/* The screen an entry of the main menu (its id) leads to. */
static enum ussd_state
menu_screen(const char *id)
{
	if (strcmp(id, "report") == 0)
		return USSD_CATEGORY;
	if (strcmp(id, "status") == 0)
		return USSD_REF;
	if (strcmp(id, "news") == 0)
		return USSD_NEWS;
	if (strcmp(id, "procedures") == 0)
		return USSD_FIELDS;
	if (strcmp(id, "book") == 0)
		return USSD_BOOK;
	return USSD_TOPICS;
}

/* One input c[0..n) on any screen but the message's. */
static void
step(const struct config *conf, struct ussd_pos *pos, const char *c,
    size_t n)
{
	int	k;

	pos->hint = USSD_HINT_NONE;
	pos->action = USSD_ACT_NONE;
	if (is(c, n, "00")) {
		go(pos, USSD_MAIN);
		return;
	}
	switch (pos->state) {
	case USSD_MAIN:
		if (is(c, n, "0"))
			return;
		if ((k = option(c, n, conf->ussd_nmenu)) == 0)
			break;
		go(pos, menu_screen(conf->ussd_menu[k - 1].id));
		return;
	case USSD_CATEGORY:
		if (is(c, n, "0")) {
			go(pos, USSD_MAIN);
			return;
		}
		if ((k = option(c, n, conf->ussd_ncategories)) == 0)
			break;
		go(pos, USSD_TEXT);
		pos->item = k - 1;
		return;
	case USSD_TEXT:
		/* Read by step_text(). */
		break;
	case USSD_CONFIRM:
		if (is(c, n, "1")) {
			pos->action = USSD_ACT_SUBMIT;
			return;
		}
		if (is(c, n, "0")) {
			go(pos, USSD_TEXT);
			return;
		}
		break;
	case USSD_REF:
		if (is(c, n, "0")) {
			go(pos, USSD_MAIN);
			return;
		}
		if ((pos->ref = typed_ref(conf, c, n)) <= 0)
			break;
		pos->action = USSD_ACT_LOOKUP;
		return;
	case USSD_TOPICS:
		if (is(c, n, "0")) {
			go(pos, USSD_MAIN);
			return;
		}
		if ((k = option(c, n, conf->ussd_ntopics)) == 0)
			break;
		go(pos, USSD_TOPIC);
		pos->item = k - 1;
		return;
	case USSD_TOPIC:
		if (is(c, n, "0")) {
			go(pos, USSD_TOPICS);
			return;
		}
		break;
	case USSD_NEWS:
	case USSD_NEWS_TOPIC:
		if (step_news(conf, pos, c, n))
			return;
		break;
	case USSD_FIELDS:
	case USSD_PROCS:
	case USSD_PROC:
		if (step_procedures(conf, pos, c, n))
			return;
		break;
	case USSD_BOOK:
		/* Read by ussd_walk(). */
		break;
	}
	pos->hint = USSD_HINT_INVALID;
}

/*
 * The message typed on its screen, c[0..n): kept up to ussd.max_text
 * characters (the rest cut, and the resident told), or "0" and "00".
 */
static void
step_text(const struct config *conf, struct ussd_pos *pos, const char *c,
    size_t n)
{
	size_t	s = 0, e = n, i, chars = 0;

	pos->hint = USSD_HINT_NONE;
	pos->action = USSD_ACT_NONE;
	if (is(c, n, "00")) {
		go(pos, USSD_MAIN);
		return;
	}
	if (is(c, n, "0")) {
		go(pos, USSD_CATEGORY);
		return;
	}
	while (s < e && isspace((unsigned char)c[s]))
		s++;
	while (e > s && isspace((unsigned char)c[e - 1]))
		e--;
	if (s == e) {
		pos->hint = USSD_HINT_INVALID;
		return;
	}
	/* Count characters (UTF-8 lead bytes) up to the limit. */
	for (i = s; i < e; i++) {
		if (((unsigned char)c[i] & 0xC0) == 0x80)
			continue;
		if (chars == (size_t)conf->ussd_max_text)
			break;
		chars++;
	}
	if (i < e)
		pos->hint = USSD_HINT_CUT;
	if (i - s >= sizeof(pos->text))
		i = s + sizeof(pos->text) - 1;
	memcpy(pos->text, c + s, i - s);
	pos->text[i - s] = '\0';
	pos->state = USSD_CONFIRM;
}

/*
 * The topic of a booking of the reception, c[0..n): kept up to
 * ussd.max_text characters, and the booking asked for; or "0" and "00".
 */
static void
step_book(const struct config *conf, struct ussd_pos *pos, const char *c,
    size_t n)
{
	pos->hint = USSD_HINT_NONE;
	pos->action = USSD_ACT_NONE;
	if (is(c, n, "0") || is(c, n, "00")) {
		go(pos, USSD_MAIN);
		return;
	}
	step_text(conf, pos, c, n);
	pos->state = USSD_BOOK;
	if (pos->hint != USSD_HINT_INVALID) {
		pos->hint = USSD_HINT_NONE;
		pos->action = USSD_ACT_BOOK;
	}
}

/* Whether c[0..n) answers the confirmation screen. */
static int
confirm_input(const char *c, size_t n)
{
	return is(c, n, "1") || is(c, n, "0") || is(c, n, "00");
}

/*
 * Walks pos along path[0..len), the inputs after where pos is.  live is
 * 1 when path is what the resident typed on pos's screen (a session the
 * table knows): on the message's screen it is all the message then.
 * Otherwise (a replay) a first part "0" or "00" on the message's screen
 * goes back, and the message runs to the next part that is exactly "1",
 * "0" or "00" (the answers of the confirmation screen), or to the end.
 * An empty path is one empty input (the resident answered with nothing);
 * the first request of a session, text "", has nothing to walk.
 * pos->action says what the last input asks for.
 */
void
ussd_walk(const struct config *conf, struct ussd_pos *pos, const char *path,
    size_t len, int live)
{
	const char	*s = path, *end = path + len, *sep, *p, *q;

	for (;;) {
		sep = memchr(s, '*', (size_t)(end - s));
		/* The reception's topic ends the session: all the rest. */
		if (pos->state == USSD_BOOK) {
			step_book(conf, pos, s, (size_t)(end - s));
			return;
		}
		if (pos->state == USSD_TEXT && live) {
			step_text(conf, pos, s, (size_t)(end - s));
			return;
		}
		if (pos->state == USSD_TEXT && !(is(s, (size_t)((sep != NULL ?
		    sep : end) - s), "0") || is(s, (size_t)((sep != NULL ?
		    sep : end) - s), "00"))) {
			/* The message: up to the next part 1, 0 or 00. */
			for (p = sep; p != NULL; p = q) {
				q = memchr(p + 1, '*', (size_t)(end - p - 1));
				if (confirm_input(p + 1, (size_t)((q != NULL ?
				    q : end) - p - 1)))
					break;
			}
			step_text(conf, pos, s, (size_t)((p != NULL ? p :
			    end) - s));
			if (p == NULL)
				return;
			s = p + 1;
			live = 0;
			continue;
		}
		if (pos->state == USSD_TEXT)
			step_text(conf, pos, s, (size_t)((sep != NULL ? sep :
			    end) - s));
		else
			step(conf, pos, s, (size_t)((sep != NULL ? sep : end) -
			    s));
		if (sep == NULL)
			return;
		/*
		 * A report or lookup followed by more input did not end the
		 * session: it failed, and the resident went on from there.
		 */
		pos->action = USSD_ACT_NONE;
		s = sep + 1;
		live = 0;
	}
}

/*
 * ===================================================================
 * Checking the configuration
 * ===================================================================
 */


/* Where ussd_check() reports the first problem. */
struct chk {
	char		*key;
	size_t		 keysz;
	int		*elem;
	char		*err;
	size_t		 errsz;
};

/*
 * Records the problem: fmt is a message of the catalogue (xgettext takes
 * chk_fail()'s fourth argument), shown in the language of the locale.
 */
static int __attribute__((format(printf, 4, 5)))
chk_fail(struct chk *k, const char *key, int elem, const char *fmt, ...)
{
	va_list	ap;

	copy_str(k->key, k->keysz, key);
	*k->elem = elem;
	va_start(ap, fmt);
	vsnprintf(k->err, k->errsz, _(fmt), ap);
	va_end(ap);
	return -1;
}

/*
 * Whether s is plain printable ASCII that GSM-7 holds (line breaks too
 * when lines is set); the offending byte's offset in *bad otherwise.
 */
static int
plain(const char *s, int lines, size_t *bad)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (!((*p >= 0x20 && *p < 0x7F && *p != '`') ||
		    (lines && *p == '\n'))) {
			*bad = (size_t)(p - (const unsigned char *)s);
			return 0;
		}
	return 1;
}

static int
check_text(const struct config *conf, struct chk *k, enum ussd_text t)
{
	const char	*s = conf->ussd_texts[t], *p, *end;
	size_t		 bad;
	int		 v;

	if (!plain(s, 1, &bad))
		return chk_fail(k, text_names[t], -1, "ussd.%s: not plain "
		    "ASCII at byte %zu: write Vietnamese without diacritics "
		    "(USSD screens are GSM-7)", text_names[t], bad + 1);
	for (p = s; (p = strchr(p, '{')) != NULL; p = end + 1) {
		if ((end = strchr(p, '}')) == NULL)
			return chk_fail(k, text_names[t], -1, "ussd.%s: '{' "
			    "without '}'", text_names[t]);
		v = tvar_find(p + 1, (size_t)(end - p - 1));
		if (v == -1 || (v != TV_HOTLINE && !(text_vars[t] & V(v))))
			return chk_fail(k, text_names[t], -1, "ussd.%s: "
			    "{%.*s} cannot be used here", text_names[t],
			    (int)(end - p - 1), p + 1);
	}
	if ((t == USSD_T_DONE || t == USSD_T_NOT_FOUND) &&
	    strstr(s, "{ref}") == NULL)
		return chk_fail(k, text_names[t], -1, "ussd.%s: must show "
		    "the case reference, {ref}", text_names[t]);
	return 0;
}

static int
check_items(const struct config *conf, struct chk *k, const char *key,
    const struct ussd_item *items, size_t n)
{
	size_t	i, bad;

	(void)conf;
	if (n > 9)
		return chk_fail(k, key, -1, "ussd.%s: more than 9 entries "
		    "(a resident chooses with one digit)", key);
	for (i = 0; i < n; i++)
		if (!plain(items[i].label, 0, &bad) || items[i].label[0] ==
		    '\0')
			return chk_fail(k, key, (int)i, "ussd.%s: the label "
			    "of entry %zu must be one line of plain ASCII "
			    "(no diacritics)", key, i + 1);
	return 0;
}

/* What a screen shows above its own text, in the language of the locale. */
static const char *
hint_name(enum ussd_hint h)
{
	switch (h) {
	case USSD_HINT_INVALID:
		return _(" with the line of 'invalid' above it");
	case USSD_HINT_CUT:
		return _(" with the line of 'cut_notice' above it");
	case USSD_HINT_NOT_FOUND:
		return _(" with the line of 'not_found' above it");
	case USSD_HINT_FAILED:
		return _(" with the line of 'failed' above it");
	case USSD_HINT_NONE:
		break;
	}
	return "";
}

/*
 * Renders one screen at its longest; -1 when it does not fit.  what is
 * its name, NC_("USSD screen", ...).
 */
static int
check_screen(const struct config *conf, struct chk *k, enum ussd_state st,
    int item, const char *key, int elem, const char *what)
{
	static const enum ussd_hint hints[] = { USSD_HINT_NONE,
	    USSD_HINT_INVALID, USSD_HINT_CUT, USSD_HINT_NOT_FOUND,
	    USSD_HINT_FAILED };
	struct ussd_pos	 pos;
	struct strbuf	 b = STRBUF_INIT;
	size_t		 i, w;
	long		 room;
	int		 r = 0;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if ((hints[i] == USSD_HINT_CUT && st != USSD_CONFIRM) ||
		    (hints[i] == USSD_HINT_NOT_FOUND && st != USSD_REF) ||
		    (hints[i] == USSD_HINT_FAILED && st != USSD_CONFIRM &&
		    st != USSD_REF))
			continue;
		ussd_start(&pos);
		pos.state = st;
		pos.item = item;
		pos.hint = hints[i];
		pos.ref = USSD_WORST_REF;
		room = compose(conf, &pos, &b);
		if (st == USSD_CONFIRM && room < USSD_TEXT_SHOWN_MIN) {
			/*
			 * TRANSLATORS: "the main menu screen with the line
			 * of 'invalid' above it": the screen's name (USSD
			 * screen) and what is shown above its own text.
			 */
			r = chk_fail(k, key, elem, "ussd.%s: the %s screen%s "
			    "leaves room for %ld characters of the message, "
			    "fewer than %d (a USSD screen holds %d)", key,
			    i18n_ctext(what), hint_name(hints[i]), room, USSD_TEXT_SHOWN_MIN,
			    USSD_SCREEN_MAX);
			break;
		}
		if ((w = ussd_width(b.buf)) > USSD_SCREEN_MAX) {
			r = chk_fail(k, key, elem, "ussd.%s: the %s screen%s "
			    "is %zu characters, more than the %d of a USSD "
			    "screen", key, i18n_ctext(what), hint_name(hints[i]), w,
			    USSD_SCREEN_MAX);
			break;
		}
	}
	strbuf_free(&b);
	return r;
}

static int
check_end(const struct config *conf, struct chk *k, enum ussd_text t,
    const char *what)
{
	struct strbuf	b = STRBUF_INIT;
	size_t		w;
	int		r = 0;

	compose_end(conf, t, USSD_WORST_REF, &b);
	if ((w = ussd_width(b.buf)) > USSD_SCREEN_MAX)
		r = chk_fail(k, text_names[t], -1, "ussd.%s: the %s screen "
		    "is %zu characters at its longest, more than the %d of a "
		    "USSD screen", text_names[t], i18n_ctext(what), w,
		    USSD_SCREEN_MAX);
	strbuf_free(&b);
	return r;
}

/* The menu's entries and what they point to. */
static int
check_menu(const struct config *conf, struct chk *k)
{
	static const char *const actions[] = { "report", "status", "info",
	    "news", "procedures", "book" };
#define NACTIONS	(sizeof(actions) / sizeof(actions[0]))
	const struct channel	*ch;
	size_t			 i, j, a;
	int			 seen[NACTIONS] = { 0 };

	if (conf->ussd_nmenu == 0)
		return chk_fail(k, "menu", -1, "ussd.menu: no entries");
	for (i = 0; i < conf->ussd_nmenu; i++) {
		for (a = 0; a < NACTIONS; a++)
			if (strcmp(conf->ussd_menu[i].id, actions[a]) == 0)
				break;
		if (a == NACTIONS)
			return chk_fail(k, "menu", (int)i, "ussd.menu: '%s' is "
			    "not one of report, status, info, news, "
			    "procedures, book", conf->ussd_menu[i].id);
		if (seen[a]++)
			return chk_fail(k, "menu", (int)i, "ussd.menu: '%s' "
			    "twice", actions[a]);
	}
	if (seen[0] && conf->ussd_ncategories == 0)
		return chk_fail(k, "report_categories", -1,
		    "ussd.report_categories: the menu has 'report' but no "
		    "categories");
	if (seen[2] && conf->ussd_ntopics == 0)
		return chk_fail(k, "info_topics", -1, "ussd.info_topics: the "
		    "menu has 'info' but no topics");
	if (seen[3] && (conf->nnews_topics == 0 ||
	    conf->announce_nsubscribe_words == 0 ||
	    conf->announce_ndrop_words == 0))
		return chk_fail(k, "menu", -1, "ussd.menu: 'news' needs "
		    "news_topics and announce.subscribe_words and drop_words");
	if (seen[4] && conf->nprocedures == 0)
		return chk_fail(k, "menu", -1, "ussd.menu: 'procedures' but "
		    "the configuration has no procedures");
	if (!conf->ussd_enabled)
		return 0;
	/* What the entries name must exist when the menu is in use. */
	if (seen[5] && !conf->reception_enabled)
		return chk_fail(k, "menu", -1, "ussd.menu: 'book' but the "
		    "reception is off (reception.enabled)");
	if (seen[1] && conf->replies_status_vi[0] == '\0')
		return chk_fail(k, "menu", -1, "ussd.menu: 'status' answers "
		    "with replies.status_vi, which is not set");
	for (i = 0; i < conf->ussd_ncategories; i++) {
		const char *id = conf->ussd_categories[i].id;

		if (id[0] != '\0' && config_category(conf, id) == NULL)
			return chk_fail(k, "report_categories", (int)i,
			    "ussd.report_categories: no category '%s' (\"\" "
			    "lets the router choose)", id);
		for (j = 0; id[0] != '\0' && j < i; j++)
			if (strcmp(conf->ussd_categories[j].id, id) == 0)
				return chk_fail(k, "report_categories",
				    (int)i, "ussd.report_categories: '%s' "
				    "twice", id);
	}
	for (i = 0; i < conf->ussd_ntopics; i++)
		if (find_topic(conf, conf->ussd_topics[i].id) == NULL)
			return chk_fail(k, "info_topics", (int)i,
			    "ussd.info_topics: no topic '%s' in topics",
			    conf->ussd_topics[i].id);
	if (conf->ussd_channel[0] != '\0') {
		ch = config_channel(conf, conf->ussd_channel);
		if (ch == NULL || !ch->enabled)
			return chk_fail(k, "channel", -1, "ussd.channel: no "
			    "enabled channel '%s'", conf->ussd_channel);
	} else if (conf->ussd_sms_ack)
		return chk_fail(k, "sms_ack", -1, "ussd.sms_ack: needs "
		    "ussd.channel, the SMS channel that sends the "
		    "acknowledgement");
	return 0;
}

/*
 * Checks the ussd group of conf: texts in plain ASCII with the variables
 * they may use, the menu and what it names (the categories, topics and
 * channel only when ussd.enabled), and every screen rendered with the
 * longest values it can hold against the 182 characters of a USSD screen.
 * Returns 0, or -1 with the setting at fault in key ("title", "menu"...),
 * its list element in *elem (or -1) and the reason in err.
 */
int
ussd_check(const struct config *conf, char *key, size_t keysz, int *elem,
    char *err, size_t errsz)
{
	struct chk	k = { key, keysz, elem, err, errsz };
	int		t;
	size_t		i;

	for (t = 0; t < USSD_T_MAX; t++)
		if (check_text(conf, &k, (enum ussd_text)t) == -1)
			return -1;
	if (check_items(conf, &k, "menu", conf->ussd_menu,
	    conf->ussd_nmenu) == -1 ||
	    check_items(conf, &k, "report_categories", conf->ussd_categories,
	    conf->ussd_ncategories) == -1 ||
	    check_items(conf, &k, "info_topics", conf->ussd_topics,
	    conf->ussd_ntopics) == -1 || check_menu(conf, &k) == -1)
		return -1;
	if (check_screen(conf, &k, USSD_MAIN, -1, "title", -1,
	    NC_("USSD screen", "main menu")) == -1 ||
	    check_screen(conf, &k, USSD_CATEGORY, -1, "report_prompt", -1,
	    NC_("USSD screen", "category")) == -1 ||
	    check_screen(conf, &k, USSD_REF, -1, "ref_prompt", -1,
	    NC_("USSD screen", "reference")) == -1 ||
	    check_screen(conf, &k, USSD_TOPICS, -1, "info_prompt", -1,
	    NC_("USSD screen", "information")) == -1)
		return -1;
	for (i = 0; i < conf->ussd_ncategories; i++)
		if (check_screen(conf, &k, USSD_TEXT, (int)i, "text_prompt", -1,
		    NC_("USSD screen", "message")) == -1 ||
		    check_screen(conf, &k, USSD_CONFIRM, (int)i, "confirm", -1,
		    NC_("USSD screen", "confirmation")) == -1)
			return -1;
	for (i = 0; i < conf->ussd_ntopics; i++)
		if (find_topic(conf, conf->ussd_topics[i].id) != NULL &&
		    check_screen(conf, &k, USSD_TOPIC, (int)i, "info_topics",
		    (int)i, NC_("USSD screen", "topic")) == -1)
			return -1;
	for (i = 0; i < conf->ussd_nmenu && conf->nnews_topics > 0; i++) {
		if (strcmp(conf->ussd_menu[i].id, "news") != 0)
			continue;
		if (check_screen(conf, &k, USSD_NEWS, -1, "menu", (int)i,
		    NC_("USSD screen", "news")) == -1)
			return -1;
		for (i = 0; i < conf->nnews_topics; i++)
			if (check_screen(conf, &k, USSD_NEWS_TOPIC, (int)i,
			    "menu", -1, NC_("USSD screen", "news topic")) == -1)
				return -1;
		break;
	}
	if (conf->nprocedures > 0 && check_screen(conf, &k, USSD_FIELDS, -1,
	    "menu", -1, NC_("USSD screen", "procedures' fields")) == -1)
		return -1;
	if (conf->reception_enabled && check_screen(conf, &k, USSD_BOOK, -1,
	    "menu", -1, NC_("USSD screen", "reception's")) == -1)
		return -1;
	if (check_end(conf, &k, USSD_T_DONE, NC_("USSD screen", "report's last")) == -1 ||
	    check_end(conf, &k, USSD_T_BUSY, NC_("USSD screen", "busy")) == -1 ||
	    check_end(conf, &k, USSD_T_EXPIRED, NC_("USSD screen", "expired")) == -1)
		return -1;
	return 0;
}

/*
 * Has the configuration loader run ussd_check() on every configuration it
 * reads; each program calls it once, before it loads one.
 */
void
ussd_menu_register(void)
{
	config_check_register("ussd", ussd_check);
}
