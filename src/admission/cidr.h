/* Networks in CIDR notation (pure): parsing "10.0.0.0/8", "fd00::/8" or a
 * single address, and whether a socket peer belongs to one. */
#ifndef CASHDRAWERD_CIDR_H
#define CASHDRAWERD_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

struct cidr {
	int family;         /* AF_INET or AF_INET6 */
	uint8_t bytes[16];  /* network address (4 used for IPv4) */
	unsigned prefix;    /* 0..32 or 0..128 */
};

/* Parses ADDRESS/PREFIX or ADDRESS (a single host: /32 or /128). IPv6 may
 * be bracketed. Host bits set after the prefix are an error (the message
 * gives the network meant). Returns 0 or -EINVAL with err filled. */
int cidr_parse(const char *text, struct cidr *network, char *err, size_t errlen);

/* True when peer (AF_INET or AF_INET6) is inside network. An IPv4 peer seen
 * through a dual-stack socket (::ffff:a.b.c.d) matches IPv4 networks. */
bool cidr_contains(const struct cidr *network, const struct sockaddr *peer);

#endif
