/* Fuzzes networks in CIDR notation (cidr_parse: allowed_networks) and
 * membership (cidr_contains). Properties: what parses has a prefix within
 * its family's length and no host bits; written back it parses to the same
 * network; the network's own address belongs to it (also as an IPv4-mapped
 * IPv6 peer), an address differing in a host bit too, one differing in a
 * network bit not. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "admission/cidr.h"
#include "fuzz.h"

static int same_network(const struct cidr *a, const struct cidr *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

/* Whether network contains the address bytes (of its family). */
static int contains(const struct cidr *network, const uint8_t *bytes)
{
	struct sockaddr_in v4 = {.sin_family = AF_INET};
	struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};

	if (network->family == AF_INET) {
		memcpy(&v4.sin_addr, bytes, 4);
		return cidr_contains(network, (const struct sockaddr *)&v4);
	}
	memcpy(&v6.sin6_addr, bytes, 16);
	return cidr_contains(network, (const struct sockaddr *)&v6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct cidr network, again;
	char err[512], address[INET6_ADDRSTRLEN], written[INET6_ADDRSTRLEN + 8];
	unsigned max;
	uint8_t bytes[16];
	int rc;

	memset(err, 0, sizeof err);
	rc = cidr_parse(text, &network, err, sizeof err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -EINVAL && err[0] != '\0', "refused (%d) without a reason", rc);
		goto out;
	}
	FUZZ_CHECK(network.family == AF_INET || network.family == AF_INET6, "family %d",
		   network.family);
	max = network.family == AF_INET ? 32 : 128;
	FUZZ_CHECK(network.prefix <= max, "'%s': prefix %u", text, network.prefix);
	for (unsigned bit = network.prefix; bit < max; bit++)
		FUZZ_CHECK(!(network.bytes[bit / 8] & (0x80u >> (bit % 8))),
			   "'%s': host bit %u set", text, bit);
	for (unsigned byte = max / 8; byte < 16; byte++)
		FUZZ_CHECK(network.bytes[byte] == 0, "'%s': byte %u beyond the address", text, byte);

	/* written back, the same network */
	FUZZ_CHECK(inet_ntop(network.family, network.bytes, address, sizeof address) != NULL,
		   "inet_ntop");
	snprintf(written, sizeof written, "%s/%u", address, network.prefix);
	FUZZ_CHECK(cidr_parse(written, &again, err, sizeof err) == 0 && same_network(&network, &again),
		   "'%s' written as '%s' is another network (%s)", text, written, err);

	/* membership */
	FUZZ_CHECK(contains(&network, network.bytes), "'%s' does not contain itself", text);
	if (network.family == AF_INET) {
		struct sockaddr_in6 mapped = {.sin6_family = AF_INET6};

		memcpy(mapped.sin6_addr.s6_addr + 10, "\xff\xff", 2);
		memcpy(mapped.sin6_addr.s6_addr + 12, network.bytes, 4);
		FUZZ_CHECK(cidr_contains(&network, (const struct sockaddr *)&mapped),
			   "'%s' does not contain itself as ::ffff:%s", text, address);
	}
	if (network.prefix < max) {
		memcpy(bytes, network.bytes, 16);
		bytes[(max - 1) / 8] ^= 1; /* the last host bit */
		FUZZ_CHECK(contains(&network, bytes), "'%s': a host of it is outside", text);
	}
	if (network.prefix > 0) {
		unsigned bit = network.prefix - 1;

		memcpy(bytes, network.bytes, 16);
		bytes[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
		FUZZ_CHECK(!contains(&network, bytes), "'%s': an address of another network is in",
			   text);
	}
out:
	free(text);
	return 0;
}
