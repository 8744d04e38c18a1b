/* Access decisions (pure): which peers count as loopback. */
#include "access.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* ::ffff:a.b.c.d, an IPv4 peer seen through a dual-stack IPv6 socket. */
static bool is_v4_mapped(const struct in6_addr *address)
{
	static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return memcmp(address->s6_addr, prefix, sizeof prefix) == 0;
}

bool access_is_loopback(const struct sockaddr *address)
{
	if (address == NULL)
		return false;
	if (address->sa_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;

		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	if (address->sa_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;

		if (memcmp(&v6->sin6_addr, &in6addr_loopback, sizeof in6addr_loopback) == 0)
			return true;
		return is_v4_mapped(&v6->sin6_addr) && v6->sin6_addr.s6_addr[12] == 127;
	}
	return false;
}

void access_format_address(const struct sockaddr *address, char *buf, size_t size)
{
	const char *text = NULL;

	if (size == 0)
		return;
	if (address != NULL && address->sa_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;

		text = inet_ntop(AF_INET, &v4->sin_addr, buf, (socklen_t)size);
	} else if (address != NULL && address->sa_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;

		if (is_v4_mapped(&v6->sin6_addr))
			text = inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], buf, (socklen_t)size);
		else
			text = inet_ntop(AF_INET6, &v6->sin6_addr, buf, (socklen_t)size);
	}
	if (text == NULL)
		snprintf(buf, size, "unknown");
}
