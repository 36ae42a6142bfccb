/*
 * util.h: small helpers shared by every module (util.c): bounded string
 * copies, checked number parsing, allocation that cannot return NULL,
 * reading a small file (secrets), hex digits, and the masking of phone
 * numbers for logs and officers.
 */
#ifndef PAPIGW_BASE_UTIL_H
#define PAPIGW_BASE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Masked form of a phone number for logs and officers: "+84 91x xxx 678". */
#define MASKED_NUMBER_MAX	48
const char *mask_number(const char *number, char *buf, size_t bufsz);
int	 copy_str(char *dst, size_t dstsz, const char *src);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *p, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
void	 strlist_free(char **list, size_t n);
int	 parse_long(const char *s, long min, long max, long *out);
char	*read_small_file(const char *path, size_t max, size_t *lenp);
int	 hex_value(int c, int lower_only);
int	 hex_decode(const char *hex, size_t n, unsigned char *out,
	    int lower_only);

#endif /* PAPIGW_BASE_UTIL_H */
