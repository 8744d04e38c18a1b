/* Specifies which socket peers count as loopback and how peer addresses are written in logs. */
#include <arpa/inet.h>
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

#include "access.h"

static struct sockaddr_in ipv4(const char *text)
{
	struct sockaddr_in address;

	memset(&address, 0, sizeof address);
	address.sin_family = AF_INET;
	address.sin_port = htons(54321);
	if (inet_pton(AF_INET, text, &address.sin_addr) != 1)
		fail_msg("test bug: '%s' is not IPv4", text);
	return address;
}

static struct sockaddr_in6 ipv6(const char *text)
{
	struct sockaddr_in6 address;

	memset(&address, 0, sizeof address);
	address.sin6_family = AF_INET6;
	address.sin6_port = htons(54321);
	if (inet_pton(AF_INET6, text, &address.sin6_addr) != 1)
		fail_msg("test bug: '%s' is not IPv6", text);
	return address;
}

static bool ipv4_is_loopback(const char *text)
{
	struct sockaddr_in address = ipv4(text);

	return access_is_loopback((const struct sockaddr *)&address);
}

static bool ipv6_is_loopback(const char *text)
{
	struct sockaddr_in6 address = ipv6(text);

	return access_is_loopback((const struct sockaddr *)&address);
}

static void expect_loopback(bool (*is_loopback)(const char *), const char *const *texts,
			    size_t count, bool expected)
{
	for (size_t i = 0; i < count; i++)
		if (is_loopback(texts[i]) != expected)
			fail_msg("%s: expected %s", texts[i],
				 expected ? "loopback" : "not loopback");
}

static void expect_format(const struct sockaddr *address, const char *expected)
{
	char buf[ACCESS_ADDRESS_MAX];

	memset(buf, 'X', sizeof buf);
	access_format_address(address, buf, sizeof buf);
	assert_string_equal(buf, expected);
}

static void expect_ipv4_format(const char *text, const char *expected)
{
	struct sockaddr_in address = ipv4(text);

	expect_format((const struct sockaddr *)&address, expected);
}

static void expect_ipv6_format(const char *text, const char *expected)
{
	struct sockaddr_in6 address = ipv6(text);

	expect_format((const struct sockaddr *)&address, expected);
}

/* ---- access_is_loopback ---- */

static void test_ipv4_127_0_0_1_is_loopback(void **state)
{
	(void)state;
	assert_true(ipv4_is_loopback("127.0.0.1"));
}

static void test_every_address_of_127_slash_8_is_loopback(void **state)
{
	static const char *const loopback[] = {
		"127.0.0.0", "127.0.0.2", "127.1.2.3", "127.255.255.254", "127.255.255.255",
	};

	(void)state;
	expect_loopback(ipv4_is_loopback, loopback, sizeof loopback / sizeof loopback[0], true);
}

static void test_ipv4_next_to_127_slash_8_is_not_loopback(void **state)
{
	static const char *const outside[] = {"126.255.255.255", "128.0.0.0", "128.0.0.1"};

	(void)state;
	expect_loopback(ipv4_is_loopback, outside, sizeof outside / sizeof outside[0], false);
}

static void test_lan_unspecified_and_broadcast_ipv4_are_not_loopback(void **state)
{
	static const char *const outside[] = {
		"10.0.0.1", "192.168.1.20", "172.16.0.1", "0.0.0.0", "255.255.255.255", "1.0.0.127",
	};

	(void)state;
	expect_loopback(ipv4_is_loopback, outside, sizeof outside / sizeof outside[0], false);
}

static void test_ipv6_loopback_is_loopback(void **state)
{
	(void)state;
	assert_true(ipv6_is_loopback("::1"));
	assert_true(ipv6_is_loopback("0:0:0:0:0:0:0:1"));
}

static void test_ipv4_mapped_loopback_is_loopback(void **state)
{
	static const char *const mapped[] = {
		"::ffff:127.0.0.1",
		"::ffff:127.1.2.3",
		"::ffff:127.0.0.0",
		"::ffff:127.255.255.255",
	};

	(void)state;
	expect_loopback(ipv6_is_loopback, mapped, sizeof mapped / sizeof mapped[0], true);
}

static void test_ipv4_mapped_non_loopback_is_not_loopback(void **state)
{
	static const char *const mapped[] = {
		"::ffff:10.0.0.1",
		"::ffff:128.0.0.1",
		"::ffff:126.255.255.255",
		"::ffff:0.0.0.0",
	};

	(void)state;
	expect_loopback(ipv6_is_loopback, mapped, sizeof mapped / sizeof mapped[0], false);
}

static void test_ipv4_compatible_127_0_0_1_is_not_loopback(void **state)
{
	/* ::a.b.c.d is the deprecated "compatible" form: dual-stack sockets show
	 * IPv4 peers as ::ffff:a.b.c.d, never like this. */
	(void)state;
	assert_false(ipv6_is_loopback("::127.0.0.1"));
}

static void test_ipv6_addresses_near_loopback_are_not_loopback(void **state)
{
	static const char *const outside[] = {
		"::",
		"::2",
		"::1:0",
		"1::1",
		"fe80::1",
		"2001:db8::1",
		"ffff::1",
		"::fffe:127.0.0.1",
		"::ffff:0:127.0.0.1",
		"64:ff9b::127.0.0.1",
		"1::ffff:127.0.0.1",
	};

	(void)state;
	expect_loopback(ipv6_is_loopback, outside, sizeof outside / sizeof outside[0], false);
}

static void test_null_peer_is_not_loopback(void **state)
{
	(void)state;
	assert_false(access_is_loopback(NULL));
}

static void test_unix_socket_peer_is_not_loopback(void **state)
{
	struct sockaddr_un address;

	(void)state;
	memset(&address, 0, sizeof address);
	address.sun_family = AF_UNIX;
	strcpy(address.sun_path, "/run/cashdrawerd.sock");
	assert_false(access_is_loopback((const struct sockaddr *)&address));
}

static void test_unspecified_family_is_not_loopback_even_with_127_bytes(void **state)
{
	struct sockaddr_in address = ipv4("127.0.0.1");

	(void)state;
	address.sin_family = AF_UNSPEC;
	assert_false(access_is_loopback((const struct sockaddr *)&address));
}

/* ---- access_format_address ---- */

static void test_ipv4_is_written_dotted(void **state)
{
	(void)state;
	expect_ipv4_format("127.0.0.1", "127.0.0.1");
	expect_ipv4_format("10.0.0.1", "10.0.0.1");
	expect_ipv4_format("255.255.255.255", "255.255.255.255");
	expect_ipv4_format("0.0.0.0", "0.0.0.0");
}

static void test_ipv4_mapped_peer_is_written_as_dotted_ipv4(void **state)
{
	(void)state;
	expect_ipv6_format("::ffff:127.0.0.1", "127.0.0.1");
	expect_ipv6_format("::ffff:10.0.0.1", "10.0.0.1");
	expect_ipv6_format("::ffff:255.255.255.255", "255.255.255.255");
}

static void test_ipv6_is_written_compressed(void **state)
{
	(void)state;
	expect_ipv6_format("::1", "::1");
	expect_ipv6_format("0:0:0:0:0:0:0:1", "::1");
	expect_ipv6_format("::", "::");
	expect_ipv6_format("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
	expect_ipv6_format("FE80:0:0:0:0:0:0:1", "fe80::1");
	expect_ipv6_format("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1");
}

static void test_ipv4_compatible_address_is_written_as_ipv6(void **state)
{
	struct sockaddr_in6 address = ipv6("::127.0.0.1"), again;
	char buf[ACCESS_ADDRESS_MAX];

	(void)state;
	access_format_address((const struct sockaddr *)&address, buf, sizeof buf);
	assert_true(strchr(buf, ':') != NULL);
	assert_int_equal(inet_pton(AF_INET6, buf, &again.sin6_addr), 1);
	assert_memory_equal(&again.sin6_addr, &address.sin6_addr, sizeof address.sin6_addr);
}

static void test_longest_ipv6_fits_in_access_address_max(void **state)
{
	(void)state;
	expect_ipv6_format("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	expect_ipv6_format("1234:5678:9abc:def0:1234:5678:9abc:def0",
			   "1234:5678:9abc:def0:1234:5678:9abc:def0");
}

static void test_null_peer_is_written_unknown(void **state)
{
	(void)state;
	expect_format(NULL, "unknown");
}

static void test_unix_socket_peer_is_written_unknown(void **state)
{
	struct sockaddr_un address;

	(void)state;
	memset(&address, 0, sizeof address);
	address.sun_family = AF_UNIX;
	strcpy(address.sun_path, "/run/cashdrawerd.sock");
	expect_format((const struct sockaddr *)&address, "unknown");
}

static void test_unspecified_family_is_written_unknown(void **state)
{
	struct sockaddr_in address = ipv4("127.0.0.1");

	(void)state;
	address.sin_family = AF_UNSPEC;
	expect_format((const struct sockaddr *)&address, "unknown");
}

/* Formats into exactly size heap bytes (ASan watches the edge) for every size up to the full text.
 */
static void expect_never_overflows(const struct sockaddr *address, const char *full)
{
	for (size_t size = 1; size <= strlen(full) + 1; size++) {
		char *buf = malloc(size);

		assert_non_null(buf);
		memset(buf, 'X', size);
		access_format_address(address, buf, size);
		if (memchr(buf, '\0', size) == NULL)
			fail_msg("size %zu: not NUL-terminated", size);
		if (size == strlen(full) + 1)
			assert_string_equal(buf, full);
		free(buf);
	}
}

static void test_formatting_never_overflows_a_small_buffer(void **state)
{
	struct sockaddr_in v4 = ipv4("255.255.255.255");
	struct sockaddr_in6 mapped = ipv6("::ffff:255.255.255.255");
	struct sockaddr_in6 v6 = ipv6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

	(void)state;
	expect_never_overflows((const struct sockaddr *)&v4, "255.255.255.255");
	expect_never_overflows((const struct sockaddr *)&mapped, "255.255.255.255");
	expect_never_overflows((const struct sockaddr *)&v6,
			       "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	expect_never_overflows(NULL, "unknown");
}

static void test_formatting_into_a_zero_sized_buffer_writes_nothing(void **state)
{
	struct sockaddr_in v4 = ipv4("127.0.0.1");
	char buf[1] = {'#'};

	(void)state;
	access_format_address((const struct sockaddr *)&v4, buf, 0);
	assert_int_equal(buf[0], '#');
	access_format_address(NULL, buf, 0);
	assert_int_equal(buf[0], '#');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_127_0_0_1_is_loopback),
		cmocka_unit_test(test_every_address_of_127_slash_8_is_loopback),
		cmocka_unit_test(test_ipv4_next_to_127_slash_8_is_not_loopback),
		cmocka_unit_test(test_lan_unspecified_and_broadcast_ipv4_are_not_loopback),
		cmocka_unit_test(test_ipv6_loopback_is_loopback),
		cmocka_unit_test(test_ipv4_mapped_loopback_is_loopback),
		cmocka_unit_test(test_ipv4_mapped_non_loopback_is_not_loopback),
		cmocka_unit_test(test_ipv4_compatible_127_0_0_1_is_not_loopback),
		cmocka_unit_test(test_ipv6_addresses_near_loopback_are_not_loopback),
		cmocka_unit_test(test_null_peer_is_not_loopback),
		cmocka_unit_test(test_unix_socket_peer_is_not_loopback),
		cmocka_unit_test(test_unspecified_family_is_not_loopback_even_with_127_bytes),
		cmocka_unit_test(test_ipv4_is_written_dotted),
		cmocka_unit_test(test_ipv4_mapped_peer_is_written_as_dotted_ipv4),
		cmocka_unit_test(test_ipv6_is_written_compressed),
		cmocka_unit_test(test_ipv4_compatible_address_is_written_as_ipv6),
		cmocka_unit_test(test_longest_ipv6_fits_in_access_address_max),
		cmocka_unit_test(test_null_peer_is_written_unknown),
		cmocka_unit_test(test_unix_socket_peer_is_written_unknown),
		cmocka_unit_test(test_unspecified_family_is_written_unknown),
		cmocka_unit_test(test_formatting_never_overflows_a_small_buffer),
		cmocka_unit_test(test_formatting_into_a_zero_sized_buffer_writes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
