/*
 * i18n.c: the catalogue of translated messages (i18n.h).
 *
 * i18n_init() takes the language of messages from the environment, as
 * every gettext program does, and finds the catalogue: $TEXTDOMAINDIR
 * when set (the tests), then "locale" beside the program (a build tree),
 * then "../share/locale" from it (an installed tree, whatever PREFIX was),
 * then LOCALEDIR, the installation's.
 *
 * Only LC_MESSAGES and LC_CTYPE follow the locale: numbers in CSV, JSON
 * and /metrics keep their decimal point, and text is UTF-8 (the
 * catalogue's is passed through as it is).  A Debian machine has no
 * vi_VN.UTF-8 until an administrator generates it; rather than fall
 * back to English when the officer asked for Vietnamese, i18n_init()
 * then runs on C.UTF-8 with LANGUAGE naming the language asked for,
 * which gettext honours.
 */
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"

#ifndef LOCALEDIR
#define LOCALEDIR	"/usr/local/share/locale"
#endif

/* The language that the environment asks messages in, or NULL. */
static const char *
asked(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return v;
	return NULL;
}

/* Whether dir holds our Vietnamese catalogue. */
static int
has_catalogue(const char *dir)
{
	char	path[PATH_MAX];
	int	n;

	n = snprintf(path, sizeof(path), "%s/vi/LC_MESSAGES/%s.mo", dir,
	    I18N_DOMAIN);
	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

/* Where the catalogues are: see the top of this file. */
static void
catalogue_dir(char *buf, size_t bufsz)
{
	const char	*env = getenv("TEXTDOMAINDIR");
	char		 exe[PATH_MAX], *slash;
	ssize_t		 n;

	if (env != NULL && *env != '\0') {
		copy_str(buf, bufsz, env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		if ((size_t)snprintf(buf, bufsz, "%s/locale", exe) < bufsz &&
		    has_catalogue(buf))
			return;
		if ((size_t)snprintf(buf, bufsz, "%s/../share/locale", exe) <
		    bufsz && has_catalogue(buf))
			return;
	}
	copy_str(buf, bufsz, LOCALEDIR);
}

/*
 * Sets the language of messages from the environment and binds the
 * catalogue.  Call it once, before any thread starts (it may set
 * LANGUAGE).
 */
void
i18n_init(void)
{
	const char	*want = asked();
	char		 dir[PATH_MAX], lang[64];
	size_t		 n;

	if (setlocale(LC_MESSAGES, "") == NULL && want != NULL &&
	    strcmp(want, "C") != 0 && strcmp(want, "POSIX") != 0) {
		/* "vi_VN.UTF-8" is asked for but not installed. */
		n = strcspn(want, ".@");
		if (n > 0 && n < sizeof(lang) &&
		    setlocale(LC_MESSAGES, "C.UTF-8") != NULL) {
			memcpy(lang, want, n);
			lang[n] = '\0';
			setenv("LANGUAGE", lang, 0);
		}
	}
	/*
	 * Texts are UTF-8 whatever the locale: the C library's own messages
	 * (getopt's) too, which it would otherwise spell in ASCII.
	 */
	if (setlocale(LC_CTYPE, "") == NULL ||
	    strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	catalogue_dir(dir, sizeof(dir));
	bindtextdomain(I18N_DOMAIN, dir);
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	textdomain(I18N_DOMAIN);
}

/* The process's locale with English messages, for i18n_english(). */
static locale_t	english;

static void
make_english(void)
{
	locale_t	base = duplocale(LC_GLOBAL_LOCALE);

	if (base != (locale_t)0 && (english = newlocale(LC_MESSAGES_MASK,
	    "C", base)) == (locale_t)0)
		freelocale(base);
}

/*
 * Makes the calling thread's messages English (the other threads keep
 * the language of the locale) until i18n_restore() is given what this
 * returns: for texts that are the same in every language, such as a
 * --json answer or an audit entry, produced by code that translates.
 * Returns (locale_t)0, which i18n_restore() takes too, when the locale
 * cannot be made (the messages stay as they were).
 */
locale_t
i18n_english(void)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;

	pthread_once(&once, make_english);
	if (english == (locale_t)0)
		return (locale_t)0;
	return uselocale(english);
}

/* The calling thread's locale back, as i18n_english() returned it. */
void
i18n_restore(locale_t old)
{
	if (old != (locale_t)0)
		uselocale(old);
}

/*
 * The language messages are shown in: the "Language" of the catalogue in
 * use ("vi"), or "en" when none is (English is the code's own).  A static
 * string.
 */
const char *
i18n_lang(void)
{
	static const char empty[] = "";	/* xgettext: not a message */
	static char	 lang[16];
	const char	*h = gettext(empty), *p;
	size_t		 n;

	if (h == NULL || *h == '\0' || (p = strstr(h, "Language: ")) == NULL)
		return "en";
	p += strlen("Language: ");
	n = strcspn(p, "_\n");
	if (n == 0 || n >= sizeof(lang))
		return "en";
	memcpy(lang, p, n);
	lang[n] = '\0';
	return lang;
}

/*
 * The translation of key, "context\004text" (NC_(), C_()), or its text
 * when the catalogue has none.
 */
const char *
i18n_ctext(const char *key)
{
	const char	*t = gettext(key), *s;

	if (t != key)
		return t;
	s = strchr(key, '\004');
	return s != NULL ? s + 1 : key;
}
