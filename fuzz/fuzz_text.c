/*
 * fuzz_text.c: the text functions every message goes through
 * (text/text.c): normalising and tokenising, with and without the Telex
 * repair, UTF-8 checks and repair, stripping marks, widths and cuts,
 * folding words.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "text/text.h"

static struct text	*t;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	t = text_alloc();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	char		*r, *m, buf[TEXT_TOKEN_MAX * 4], raw[512];
	size_t		 used, w, i;

	text_normalise(t, s, size, 0);
	if (t->ntokens > TEXT_TOKENS_MAX)
		abort();
	for (i = 0; i < t->ntokens; i++) {
		if (t->tokens[i].key + t->tokens[i].klen > t->poollen ||
		    t->tokens[i].fold + t->tokens[i].flen > sizeof(t->fold))
			abort();
		text_is_syllable(t->pool + t->tokens[i].key,
		    t->tokens[i].klen);
	}
	text_join_raw(t, raw, sizeof(raw));
	text_normalise(t, s, size, TEXT_KEEP_RESIDUE);
	r = text_repair(s, size);
	if (r == NULL || !text_valid_utf8(r, strlen(r)))
		abort();
	m = text_strip_marks(r, strlen(r));
	w = text_width(r, strlen(r));
	if (text_cut(r, w / 2, &used) > strlen(r))
		abort();
	text_fold_word(r, buf, sizeof(buf));
	free(m);
	free(r);
	return 0;
}
