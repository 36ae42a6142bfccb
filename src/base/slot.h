/*
 * slot.h: the current version of a shared, reference-counted object (the
 * configuration, the router): readers take a reference to what is current
 * and keep using it while a reload puts a new version in its place; the
 * old one lives until its last reader drops it.  Typed wrappers
 * (conf_slot_get(), router_slot_get()) sit in the objects' modules.
 */
#ifndef PAPIGW_BASE_SLOT_H
#define PAPIGW_BASE_SLOT_H

struct slot;

/* How the slot takes and drops references to its objects. */
struct slot_type {
	void	*(*ref)(void *);
	void	 (*unref)(void *);
};

struct slot	*slot_new(const struct slot_type *, void *obj);
void		 slot_free(struct slot *);
void		*slot_get(struct slot *);
void		 slot_set(struct slot *, void *obj);

#endif /* PAPIGW_BASE_SLOT_H */
