/* Access decisions (pure): which peers count as loopback. The socket's peer
 * address alone decides; no header is ever consulted. */
#ifndef CASHDRAWERD_ACCESS_H
#define CASHDRAWERD_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

struct sockaddr;

/* 46 = INET6_ADDRSTRLEN */
#define ACCESS_ADDRESS_MAX 46

/* True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. NULL is not loopback. */
bool access_is_loopback(const struct sockaddr *address);

/* The peer's address as text for logs and /status: dotted IPv4, including
 * for IPv4-mapped IPv6 peers (as the replaced system showed them); IPv6
 * otherwise. "unknown" when address is NULL or of another family. */
void access_format_address(const struct sockaddr *address, char *buf, size_t size);

#endif
