/*
 * slot.c: the current version of a shared object (slot.h).  A mutex
 * guards the pointer; the objects count their own references.
 */
#include <pthread.h>
#include <stdlib.h>

#include "base/slot.h"
#include "base/util.h"

struct slot {
	pthread_mutex_t		 mtx;
	const struct slot_type	*type;
	void			*cur;
};

/* A slot holding obj; it takes the caller's reference. */
struct slot *
slot_new(const struct slot_type *type, void *obj)
{
	struct slot	*s = xcalloc(1, sizeof(*s));

	pthread_mutex_init(&s->mtx, NULL);
	s->type = type;
	s->cur = obj;
	return s;
}

/* Drops the slot's reference and frees the slot.  NULL is a no-op. */
void
slot_free(struct slot *s)
{
	if (s == NULL)
		return;
	if (s->cur != NULL)
		s->type->unref(s->cur);
	pthread_mutex_destroy(&s->mtx);
	free(s);
}

/*
 * Returns the current object with a reference the caller drops when done
 * with it, or NULL when the slot is empty.
 */
void *
slot_get(struct slot *s)
{
	void	*obj;

	pthread_mutex_lock(&s->mtx);
	obj = s->cur != NULL ? s->type->ref(s->cur) : NULL;
	pthread_mutex_unlock(&s->mtx);
	return obj;
}

/*
 * Makes obj current, taking the caller's reference, and drops the slot's
 * reference to the old one.
 */
void
slot_set(struct slot *s, void *obj)
{
	void	*old;

	pthread_mutex_lock(&s->mtx);
	old = s->cur;
	s->cur = obj;
	pthread_mutex_unlock(&s->mtx);
	if (old != NULL)
		s->type->unref(old);
}
