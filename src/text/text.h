/*
 * text.h: normalisation and folding of Vietnamese messages (text.c, with
 * utf8proc): NFC, case folding, diacritics folded (đ is d) with a key that
 * remembers them, Telex and VNI residue repaired, tokens split.  Pure
 * functions, no I/O.
 */
#ifndef PAPIGW_TEXT_TEXT_H
#define PAPIGW_TEXT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_INPUT_MAX		2048	/* bytes of a message that are read */
#define TEXT_TOKENS_MAX		512	/* tokens kept from one message */
#define TEXT_TOKEN_MAX		64	/* bytes in one folded token */

/* What text_normalise() found (struct text flags). */
#define TEXT_F_INVALID_UTF8	0x01	/* repaired with U+FFFD */
#define TEXT_F_TRUNCATED	0x02	/* longer than the caps above */
#define TEXT_F_DIACRITICS	0x04	/* some token carries diacritics */
#define TEXT_F_TELEX		0x08	/* Telex or VNI residue repaired */
#define TEXT_F_LINK		0x10	/* a web link */

/* Token flags. */
#define TEXT_TOK_MARKED		0x01	/* diacritics known: key is exact */
#define TEXT_TOK_NUMBER		0x02	/* digits ("500.000" included) */
#define TEXT_TOK_REPAIRED	0x04	/* read as Telex or VNI residue */
#define TEXT_TOK_UNIT		0x08	/* split from a number: "5tr" */

/* text_normalise() options. */
#define TEXT_KEEP_RESIDUE	0x01	/* no Telex or VNI repair */

/* A token: offsets and lengths in bytes. */
struct text_token {
	uint16_t	 fold;		/* folded form, in text->fold */
	uint16_t	 flen;
	uint16_t	 key;		/* diacritics key, in text->pool */
	uint16_t	 klen;
	uint16_t	 raw;		/* folded as written, in text->pool */
	uint16_t	 rlen;
	uint16_t	 flags;		/* TEXT_TOK_* */
	uint32_t	 hash;		/* FNV-1a (32 bits) of the fold */
};

/* A normalised message; large (about 100 KB): reuse it. */
struct text {
	unsigned	 flags;		/* TEXT_F_* */
	int		 first_upper;	/* first word in capitals */
	size_t		 ntokens;
	struct text_token tokens[TEXT_TOKENS_MAX];
	size_t		 normlen;
	char		 norm[TEXT_INPUT_MAX * 4 + 1];	/* NFC, case folded */
	size_t		 foldlen;
	char		 fold[TEXT_INPUT_MAX * 4 + 1];	/* tokens, folded */
	size_t		 poollen;
	char		 pool[TEXT_INPUT_MAX * 8];
	/* Scratch space. */
	size_t		 cleanlen;
	char		 clean[TEXT_INPUT_MAX * 3 + 1];
	size_t		 ncps;
	int32_t		 cps[TEXT_INPUT_MAX * 4];
};

void		 text_normalise(struct text *, const char *s, size_t len,
		    unsigned opts);
struct text	*text_alloc(void);
int		 text_valid_utf8(const char *s, size_t len);
char		*text_repair(const char *s, size_t len);
char		*text_strip_marks(const char *s, size_t len);
size_t		 text_width(const char *s, size_t len);
size_t		 text_cut(const char *s, size_t width, size_t *used);
size_t		 text_join_raw(const struct text *, char *buf, size_t bufsz);
size_t		 text_fold_word(const char *s, char *buf, size_t bufsz);
int		 text_is_syllable(const char *s, size_t n);
size_t		 text_leading_word(const struct text *, char *const *words,
		    size_t nwords, size_t max);

#endif /* PAPIGW_TEXT_TEXT_H */
