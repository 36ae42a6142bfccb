/*
 * netmask.c: IPv4 and IPv6 networks for address allow-lists.
 *
 * A network is written as an address ("192.0.2.7", "2001:db8::1"), which
 * stands for that address alone, or as "ADDR/BITS" ("10.0.0.0/8",
 * "2001:db8::/32").  An IPv4 peer that reaches an IPv6 listener as a
 * mapped address (::ffff:192.0.2.7) matches the IPv4 networks.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/netmask.h"
#include "base/util.h"

/*
 * Parses s into *nm.  Returns 0, or -1 when s is not an address with an
 * optional prefix length that fits it (host bits may be set: they are
 * ignored, as in "192.0.2.7/24").
 */
int
netmask_parse(const char *s, struct netmask *nm)
{
	char		 buf[64];
	char		*slash;
	long		 bits;
	int		 max;

	memset(nm, 0, sizeof(*nm));
	if (copy_str(buf, sizeof(buf), s) == -1)
		return -1;
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, nm->addr) == 1) {
		nm->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, nm->addr) == 1) {
		nm->family = AF_INET6;
		max = 128;
	} else
		return -1;
	if (slash == NULL)
		bits = max;
	else if (parse_long(slash, 0, max, &bits) == -1)
		return -1;
	nm->bits = (int)bits;
	return 0;
}

/* Whether the first bits bits of a and b are the same. */
static int
prefix_equal(const uint8_t *a, const uint8_t *b, int bits)
{
	int	full = bits / 8, rest = bits % 8;
	uint8_t	mask;

	if (memcmp(a, b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

/*
 * Whether the address of sa (AF_INET or AF_INET6) is in one of the n
 * networks of nm.  Returns 1 or 0.
 */
int
netmask_match(const struct netmask *nm, size_t n, const struct sockaddr *sa)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };
	const uint8_t		*a;
	int			 family;
	size_t			 i;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		a = (const uint8_t *)&((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		family = AF_INET6;
		a = ((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr.s6_addr;
		/* An IPv4 peer on an IPv6 socket. */
		if (memcmp(a, mapped, sizeof(mapped)) == 0) {
			family = AF_INET;
			a += sizeof(mapped);
		}
	} else
		return 0;
	for (i = 0; i < n; i++)
		if (nm[i].family == family &&
		    prefix_equal(nm[i].addr, a, nm[i].bits))
			return 1;
	return 0;
}

/* The address of sa as text ("192.0.2.7", "2001:db8::1", or "?"). */
void
netmask_addr(const struct sockaddr *sa, char *buf, size_t bufsz)
{
	const void	*a = NULL;

	if (sa != NULL && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa != NULL && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr;
	if (a == NULL || bufsz == 0 ||
	    inet_ntop(sa->sa_family, a, buf, (socklen_t)bufsz) == NULL)
		copy_str(buf, bufsz, "?");
}
