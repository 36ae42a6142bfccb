/*
 * fuzzy.h: approximate matching of a message's words against the
 * router's dictionary (fuzzy.c), so that one typo does not lose a phrase
 * that decides a queue.  A token that is not in the dictionary is read as
 * the one dictionary word it is one edit away from (a letter dropped,
 * added, changed, or two swapped: "tienf", "nhungg", "complian"), when
 *
 *	- it has five letters or more and is not itself a Vietnamese
 *	  syllable (text_is_syllable(): "thanh" is never read as "thanh"'s
 *	  neighbour "nhanh"), or
 *	- it is shorter, is not a syllable, and a letter is missing: the
 *	  common dropped letter ("trog" is "trong", "nguoj" is not),
 *
 * and no other dictionary word is as close.  Pure, no I/O; built once per
 * router.
 */
#ifndef PAPIGW_DOMAIN_FUZZY_H
#define PAPIGW_DOMAIN_FUZZY_H

#include <stddef.h>
#include <stdint.h>

#define FUZZY_NONE	UINT32_MAX
#define FUZZY_MIN_LEN	5	/* letters of a token read with any edit */
#define FUZZY_WORD_MAX	32	/* bytes of a word that is indexed */

struct fuzzy;

struct fuzzy	*fuzzy_new(void);
void		 fuzzy_free(struct fuzzy *);
void		 fuzzy_add(struct fuzzy *, const char *word, size_t len,
		    uint32_t id);
void		 fuzzy_build(struct fuzzy *);
uint32_t	 fuzzy_find(const struct fuzzy *, const char *tok, size_t len);
size_t		 fuzzy_size(const struct fuzzy *);

#endif /* PAPIGW_DOMAIN_FUZZY_H */
