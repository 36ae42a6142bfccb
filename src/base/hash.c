/*
 * hash.c: an intrusive chained hash table (hash.h).  Keys are spread over
 * the buckets by a multiplicative mix, so sequential ids (outbox rows) and
 * string hashes alike fill them evenly.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/hash.h"
#include "base/log.h"
#include "base/util.h"

static size_t
slot(const struct hash *h, uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 32) & h->mask;
}

/* An empty table of buckets buckets (a power of two). */
void
hash_init(struct hash *h, size_t buckets)
{
	if (buckets == 0 || (buckets & (buckets - 1)) != 0)
		fatalx("hash_init: %zu buckets is not a power of two",
		    buckets);
	h->buckets = xcalloc(buckets, sizeof(*h->buckets));
	h->mask = buckets - 1;
	h->n = 0;
}

/* Frees the buckets; the nodes are the caller's. */
void
hash_free(struct hash *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->n = 0;
}

void
hash_insert(struct hash *h, struct hash_node *node, uint64_t key)
{
	size_t	b = slot(h, key);

	node->key = key;
	node->next = h->buckets[b];
	h->buckets[b] = node;
	h->n++;
}

/* Removes node, which must be in h. */
void
hash_remove(struct hash *h, struct hash_node *node)
{
	struct hash_node	**pp;

	for (pp = &h->buckets[slot(h, node->key)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == node) {
			*pp = node->next;
			node->next = NULL;
			h->n--;
			return;
		}
}

/* The first node with key, or NULL. */
struct hash_node *
hash_lookup(const struct hash *h, uint64_t key)
{
	struct hash_node	*n;

	for (n = h->buckets[slot(h, key)]; n != NULL; n = n->next)
		if (n->key == key)
			return n;
	return NULL;
}

/* The next node after node with the same key, or NULL. */
struct hash_node *
hash_next(const struct hash_node *node, uint64_t key)
{
	struct hash_node	*n;

	for (n = node->next; n != NULL; n = n->next)
		if (n->key == key)
			return n;
	return NULL;
}

/* Removes and returns any node, or NULL when h is empty (draining). */
struct hash_node *
hash_pop(struct hash *h)
{
	struct hash_node	*n;
	size_t			 i;

	if (h->n == 0)
		return NULL;
	for (i = 0; i <= h->mask; i++)
		if ((n = h->buckets[i]) != NULL) {
			h->buckets[i] = n->next;
			n->next = NULL;
			h->n--;
			return n;
		}
	return NULL;
}

/* The 32-bit FNV-1a hash of len bytes at p. */
uint32_t
hash_fnv1a32(const void *p, size_t len)
{
	const unsigned char	*s = p;
	uint32_t		 h = 2166136261u;

	while (len-- > 0)
		h = (h ^ *s++) * 16777619u;
	return h;
}

/* The 64-bit FNV-1a hash of len bytes at p. */
uint64_t
hash_fnv1a64(const void *p, size_t len)
{
	const unsigned char	*s = p;
	uint64_t		 h = 14695981039346656037ull;

	while (len-- > 0)
		h = (h ^ *s++) * 1099511628211ull;
	return h;
}
