/*
 * figures.h: the dashboard's own reads (figures.c): new cases per day,
 * SMS parts sent, and the cases that fall due in a window.  Everything
 * else the dashboard shows comes from the control socket's commands and
 * their queries (query.h).
 */
#ifndef PAPIGW_STORE_FIGURES_H
#define PAPIGW_STORE_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct store;
struct store_figures;

/* A case falling due; strings valid during the callback only. */
struct store_due {
	int64_t		 ref_number;
	const char	*category;
	const char	*state;
	const char	*assignee;	/* or NULL */
	int64_t		 created;
	int64_t		 deadline;
};

struct store_figures *store_figures_open(struct store *, int busy_timeout_ms,
		    char *err, size_t errsz);
int		 store_figures_ward(struct store_figures *, const char *ward);
void		 store_figures_close(struct store_figures *);
enum store_status store_figures_daily(struct store_figures *, int64_t since,
		    int64_t utc_offset, void (*)(const char *category,
		    int64_t day, int64_t n, void *), void *);
enum store_status store_figures_parts(struct store_figures *, int64_t since,
		    int64_t *parts, int64_t *messages);
enum store_status store_figures_due(struct store_figures *, int64_t from,
		    int64_t to, char *const *visible, size_t nvisible,
		    int limit, void (*)(const struct store_due *, void *),
		    void *);

#endif /* PAPIGW_STORE_FIGURES_H */
