/* Specifies networks in CIDR notation: parsing, errors, and membership of
 * IPv4, IPv6 and IPv4-mapped peers. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "admission/cidr.h"

static bool contains(const char *network_text, const char *peer_text)
{
	struct cidr network;
	struct sockaddr_storage storage;
	char err[256];

	memset(&storage, 0, sizeof storage);
	if (cidr_parse(network_text, &network, err, sizeof err) != 0)
		fail_msg("test bug: '%s': %s", network_text, err);
	if (inet_pton(AF_INET, peer_text, &((struct sockaddr_in *)&storage)->sin_addr) == 1)
		storage.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, peer_text, &((struct sockaddr_in6 *)&storage)->sin6_addr) == 1)
		storage.ss_family = AF_INET6;
	else
		fail_msg("test bug: '%s' is no address", peer_text);
	return cidr_contains(&network, (struct sockaddr *)&storage);
}

static void test_valid_networks_parse(void **state)
{
	static const struct {
		const char *text;
		int family;
		unsigned prefix;
	} cases[] = {
		{"192.168.1.0/24", AF_INET, 24}, {"10.0.0.0/8", AF_INET, 8},
		{"10.0.0.5", AF_INET, 32},       {"0.0.0.0/0", AF_INET, 0},
		{"10.0.0.5/32", AF_INET, 32},    {"fd00::/8", AF_INET6, 8},
		{"::1", AF_INET6, 128},          {"[fd00::]/8", AF_INET6, 8},
		{"[2001:db8::5]", AF_INET6, 128}, {"::/0", AF_INET6, 0},
		{"2001:db8::/32", AF_INET6, 32}, {"2001:db8:0:1::/64", AF_INET6, 64},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cidr network;
		char err[256] = "";

		if (cidr_parse(cases[i].text, &network, err, sizeof err) != 0)
			fail_msg("'%s' refused: %s", cases[i].text, err);
		assert_int_equal(network.family, cases[i].family);
		assert_int_equal(network.prefix, cases[i].prefix);
	}
}

static void test_bad_networks_are_refused_with_the_reason(void **state)
{
	static const struct {
		const char *text, *reason;
	} cases[] = {
		{"", "not an IP address or network"},
		{"lan", "not an IP address or network"},
		{"192.168.1.0/", "prefix length"},
		{"192.168.1.0/33", "0..32"},
		{"fd00::/129", "0..128"},
		{"192.168.1.0/24x", "prefix length"},
		{"192.168.1.0/-1", "prefix length"},
		{"192.168.1.0/+8", "prefix length"},
		{"192.168.1.0/0008", "prefix length"},
		{"192.168.1/24", "not an IP address"},
		{"192.168.1.0 /24", "not an IP address"},
		{"192.168.1.20/24", "did you mean 192.168.1.0/24?"},
		{"10.1.2.3/8", "did you mean 10.0.0.0/8?"},
		{"fd00::1/8", "did you mean fd00::/8?"},
		{"192.168.1.1/31", "did you mean 192.168.1.0/31?"},
		{"[fd00::/8", "not an IP address"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cidr network;
		char err[256] = "";

		if (cidr_parse(cases[i].text, &network, err, sizeof err) != -EINVAL)
			fail_msg("'%s' accepted", cases[i].text);
		if (strstr(err, cases[i].reason) == NULL)
			fail_msg("'%s': error \"%s\" does not say \"%s\"", cases[i].text, err,
				 cases[i].reason);
	}
}

static void test_ipv4_membership(void **state)
{
	(void)state;
	assert_true(contains("192.168.1.0/24", "192.168.1.0"));
	assert_true(contains("192.168.1.0/24", "192.168.1.255"));
	assert_false(contains("192.168.1.0/24", "192.168.2.1"));
	assert_false(contains("192.168.1.0/24", "192.168.0.255"));
	assert_true(contains("10.0.0.0/8", "10.255.1.2"));
	assert_false(contains("10.0.0.0/8", "11.0.0.1"));
	assert_true(contains("10.0.0.5", "10.0.0.5"));
	assert_false(contains("10.0.0.5", "10.0.0.6"));
	assert_true(contains("0.0.0.0/0", "203.0.113.2"));
	/* a prefix not on a byte boundary */
	assert_true(contains("203.0.113.0/25", "203.0.113.127"));
	assert_false(contains("203.0.113.0/25", "203.0.113.128"));
	assert_true(contains("172.16.0.0/12", "172.31.255.255"));
	assert_false(contains("172.16.0.0/12", "172.32.0.0"));
}

static void test_ipv4_mapped_peers_match_ipv4_networks_only(void **state)
{
	(void)state;
	assert_true(contains("192.168.1.0/24", "::ffff:192.168.1.20"));
	assert_false(contains("192.168.1.0/24", "::ffff:192.168.2.20"));
	assert_false(contains("192.168.1.0/24", "::192.168.1.20"));
	assert_false(contains("192.168.1.0/24", "fd00::c0a8:114"));
	assert_true(contains("::ffff:0:0/96", "::ffff:10.0.0.1"));
}

static void test_ipv6_membership(void **state)
{
	(void)state;
	assert_true(contains("fd00::/8", "fd12:3456::1"));
	assert_false(contains("fd00::/8", "fe80::1"));
	assert_true(contains("2001:db8::/32", "2001:db8:ffff::1"));
	assert_false(contains("2001:db8::/32", "2001:db9::1"));
	assert_true(contains("::/0", "2001:db8::1"));
	assert_false(contains("::/0", "10.0.0.1"));
	assert_false(contains("0.0.0.0/0", "2001:db8::1"));
	assert_true(contains("2001:db8::1", "2001:db8::1"));
	assert_false(contains("2001:db8::1", "2001:db8::2"));
	assert_true(contains("2001:db8::/127", "2001:db8::1"));
	assert_false(contains("2001:db8::/127", "2001:db8::2"));
}

static void test_null_and_other_families_are_outside(void **state)
{
	struct cidr network;
	struct sockaddr_un unix_peer;
	char err[64];

	(void)state;
	memset(&unix_peer, 0, sizeof unix_peer);
	unix_peer.sun_family = AF_UNIX;
	assert_int_equal(cidr_parse("0.0.0.0/0", &network, err, sizeof err), 0);
	assert_false(cidr_contains(&network, NULL));
	assert_false(cidr_contains(NULL, (struct sockaddr *)&unix_peer));
	assert_false(cidr_contains(&network, (struct sockaddr *)&unix_peer));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_networks_parse),
		cmocka_unit_test(test_bad_networks_are_refused_with_the_reason),
		cmocka_unit_test(test_ipv4_membership),
		cmocka_unit_test(test_ipv4_mapped_peers_match_ipv4_networks_only),
		cmocka_unit_test(test_ipv6_membership),
		cmocka_unit_test(test_null_and_other_families_are_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
