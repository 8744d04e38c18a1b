/* Networks in CIDR notation (pure): parsing and membership. */
#include "admission/cidr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* True when the first prefix bits of a and b are equal. */
static bool same_prefix(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned whole = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[whole] ^ b[whole]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

int cidr_parse(const char *text, struct cidr *network, char *err, size_t errlen)
{
	char address[INET6_ADDRSTRLEN + 3], masked[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t len = slash != NULL ? (size_t)(slash - text) : strlen(text);
	unsigned long prefix;
	unsigned max;
	uint8_t bytes[16] = {0};
	char *end;

	memset(network, 0, sizeof *network);
	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (len >= sizeof address)
		goto not_network;
	memcpy(address, text, len);
	address[len] = '\0';
	if (inet_pton(AF_INET, address, network->bytes) == 1) {
		network->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, address, network->bytes) == 1) {
		network->family = AF_INET6;
		max = 128;
	} else {
		goto not_network;
	}
	prefix = max;
	if (slash != NULL) {
		if (!(slash[1] >= '0' && slash[1] <= '9'))
			goto bad_prefix;
		prefix = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || prefix > max || end - (slash + 1) > 3)
			goto bad_prefix;
	}
	network->prefix = (unsigned)prefix;
	/* the network address with its host bits cleared */
	memcpy(bytes, network->bytes, max / 8);
	for (unsigned i = network->prefix; i < max; i++)
		bytes[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	if (memcmp(bytes, network->bytes, max / 8) != 0) {
		inet_ntop(network->family, bytes, masked, sizeof masked);
		snprintf(err, errlen, "'%s/%u' has host bits set (did you mean %s/%u?)", address,
			 network->prefix, masked, network->prefix);
		return -EINVAL;
	}
	return 0;
bad_prefix:
	snprintf(err, errlen, "'%s': the prefix length after '/' must be 0..%u", address, max);
	return -EINVAL;
not_network:
	snprintf(err, errlen,
		 "'%.*s' is not an IP address or network (examples: 192.168.1.0/24, 10.0.0.5, "
		 "fd00::/8)", (int)(len < 64 ? len : 64), text);
	return -EINVAL;
}

bool cidr_contains(const struct cidr *network, const struct sockaddr *peer)
{
	const uint8_t *bytes;

	if (network == NULL || peer == NULL)
		return false;
	if (peer->sa_family == AF_INET) {
		bytes = (const uint8_t *)&((const struct sockaddr_in *)peer)->sin_addr;
		return network->family == AF_INET && same_prefix(bytes, network->bytes, network->prefix);
	}
	if (peer->sa_family != AF_INET6)
		return false;
	bytes = ((const struct sockaddr_in6 *)peer)->sin6_addr.s6_addr;
	if (network->family == AF_INET)
		return memcmp(bytes, mapped_prefix, sizeof mapped_prefix) == 0 &&
		       same_prefix(bytes + 12, network->bytes, network->prefix);
	return same_prefix(bytes, network->bytes, network->prefix);
}
