/*
 * tpl.h: texts with {name} variables (tpl.c), for the answers whose
 * variables are their own (the procedure catalogue, the reception); the
 * replies' fixed set is core/reply.c's reply_render().
 */
#ifndef PAPIGW_BASE_TPL_H
#define PAPIGW_BASE_TPL_H

#include <stddef.h>

/* A variable and its value (NULL renders as ""). */
struct tpl_var {
	const char	*name;
	const char	*value;
};

size_t	tpl_render(char *buf, size_t bufsz, const char *tpl,
	    const struct tpl_var *vars, size_t nvars);

#endif /* PAPIGW_BASE_TPL_H */
