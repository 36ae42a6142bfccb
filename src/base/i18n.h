/*
 * i18n.h: the messages people read, in their language (i18n.c).
 *
 * papictl and papigwd speak English by default and Vietnamese when the
 * locale says so (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: gettext's rules),
 * from the catalogue built from po/vi.po.  A string to translate is
 * written _("...") where it is used, or N_("...") in a table and
 * translated with _() when printed, or C_("context", "...") where the
 * same English word needs different translations; xgettext finds them
 * all (make pot).
 */
#ifndef PAPIGW_BASE_I18N_H
#define PAPIGW_BASE_I18N_H

#include <libintl.h>
#include <locale.h>

#define I18N_DOMAIN	"papigw"	/* the catalogue: papigw.mo */

#define _(s)		gettext(s)
#define N_(s)		(s)
/*
 * A word whose translation depends on where it is shown: C_("state", s),
 * or NC_("state", s) in a table and i18n_ctext() when shown.
 */
#define NC_(ctx, s)	(ctx "\004" s)
#define C_(ctx, s)	i18n_ctext(NC_(ctx, s))

void		 i18n_init(void);
locale_t	 i18n_english(void);
void		 i18n_restore(locale_t);
const char	*i18n_lang(void);
const char	*i18n_ctext(const char *key);

#endif /* PAPIGW_BASE_I18N_H */
