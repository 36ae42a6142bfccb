/*
 * netmask.h: IPv4 and IPv6 networks written "ADDR" or "ADDR/BITS"
 * (netmask.c), for the channels' address allow-lists: parsed once when
 * the configuration loads, matched against a connection's peer address.
 */
#ifndef PAPIGW_BASE_NETMASK_H
#define PAPIGW_BASE_NETMASK_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;

/* A network: its family (AF_INET, AF_INET6), address and prefix. */
struct netmask {
	int		 family;
	uint8_t		 addr[16];	/* network byte order; 4 used */
	int		 bits;		/* prefix length */
};

int	 netmask_parse(const char *, struct netmask *);
int	 netmask_match(const struct netmask *, size_t n,
	    const struct sockaddr *);
void	 netmask_addr(const struct sockaddr *, char *buf, size_t bufsz);

#endif /* PAPIGW_BASE_NETMASK_H */
