/*
 * tpl.c: texts with {name} variables (tpl.h).
 */
#include <string.h>

#include "base/tpl.h"

/* Appends s[0..n) to buf at *o, cut on a UTF-8 boundary; 1 when cut. */
static int
add(char *buf, size_t bufsz, size_t *o, const char *s, size_t n)
{
	int	cut = 0;

	if (*o + n >= bufsz) {
		n = bufsz - 1 - *o;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		cut = 1;
	}
	memcpy(buf + *o, s, n);
	*o += n;
	buf[*o] = '\0';
	return cut;
}

/*
 * Renders tpl into buf: each {name} of vars replaced by its value, any
 * other {...} kept as it is.  Returns the length written, at most
 * bufsz - 1 (a text that does not fit is cut on a UTF-8 boundary).
 */
size_t
tpl_render(char *buf, size_t bufsz, const char *tpl,
    const struct tpl_var *vars, size_t nvars)
{
	const char	*p, *end;
	size_t		 o = 0, i, n;

	if (bufsz == 0)
		return 0;
	buf[0] = '\0';
	for (p = tpl; *p != '\0'; p++) {
		if (*p == '{' && (end = strchr(p, '}')) != NULL) {
			n = (size_t)(end - p - 1);
			for (i = 0; i < nvars; i++)
				if (strlen(vars[i].name) == n &&
				    strncmp(p + 1, vars[i].name, n) == 0)
					break;
			if (i < nvars) {
				if (vars[i].value != NULL && add(buf, bufsz,
				    &o, vars[i].value, strlen(vars[i].value)))
					return o;
				p = end;
				continue;
			}
		}
		if (add(buf, bufsz, &o, p, 1))
			return o;
	}
	return o;
}
