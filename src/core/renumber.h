/*
 * renumber.h: the numbers of an older store rewritten in E.164
 * (renumber.c).
 */
#ifndef PAPIGW_CORE_RENUMBER_H
#define PAPIGW_CORE_RENUMBER_H

#include <stddef.h>

#include "conf/config.h"
#include "store/store.h"

int	renumber_store(struct store *, const struct config *, char *err,
	    size_t errsz);

#endif /* PAPIGW_CORE_RENUMBER_H */
