/*
 * hash.h: an intrusive chained hash table keyed by 64-bit numbers, and
 * the FNV-1a hashes of bytes (32 and 64 bits).  The caller embeds a struct hash_node in its
 * own struct and gets back to it with hash_entry(); a key may be shared
 * by several nodes (a string's hash), so a lookup walks hash_lookup() and
 * hash_next() and compares what the key stands for.  No locking: the
 * caller's lock guards the table.
 *
 *	struct sess { struct hash_node h; char id[65]; ... };
 *
 *	for (n = hash_lookup(&t, key); n != NULL; n = hash_next(n, key))
 *		if (strcmp(hash_entry(n, struct sess, h)->id, id) == 0)
 *			...
 */
#ifndef PAPIGW_BASE_HASH_H
#define PAPIGW_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hash_node {
	struct hash_node	*next;
	uint64_t		 key;
};

struct hash {
	struct hash_node	**buckets;
	size_t			  mask;		/* buckets - 1 */
	size_t			  n;		/* nodes */
};

#define hash_entry(node, type, member) \
	((type *)(void *)((char *)(node) - offsetof(type, member)))

void		 hash_init(struct hash *, size_t buckets);
void		 hash_free(struct hash *);
void		 hash_insert(struct hash *, struct hash_node *, uint64_t key);
void		 hash_remove(struct hash *, struct hash_node *);
struct hash_node *hash_lookup(const struct hash *, uint64_t key);
struct hash_node *hash_next(const struct hash_node *, uint64_t key);
struct hash_node *hash_pop(struct hash *);
uint32_t	 hash_fnv1a32(const void *, size_t);
uint64_t	 hash_fnv1a64(const void *, size_t);

#endif /* PAPIGW_BASE_HASH_H */
