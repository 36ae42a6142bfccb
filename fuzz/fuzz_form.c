/*
 * fuzz_form.c: chan/http.c's decoding of form bodies and query strings
 * (http_form_decode()): the result never grows, stays NUL terminated,
 * and decoding what has no '%' or '+' left changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "chan/http.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_strndup(data, size);
	size_t	 n;

	n = http_form_decode(s, size);
	if (n > size || s[n] != '\0')
		abort();
	if (memchr(s, '%', n) == NULL && memchr(s, '+', n) == NULL &&
	    http_form_decode(s, n) != n)
		abort();
	free(s);
	return 0;
}
