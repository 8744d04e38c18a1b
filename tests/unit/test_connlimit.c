/* Specifies the connection budget: loopback is never counted nor refused,
 * each LAN address is capped, the LAN together never takes the quarter kept
 * for the till, and closed connections give their place back. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "admission/connlimit.h"

static struct sockaddr_storage peer(const char *text)
{
	struct sockaddr_storage storage;

	memset(&storage, 0, sizeof storage);
	if (inet_pton(AF_INET, text, &((struct sockaddr_in *)&storage)->sin_addr) == 1)
		storage.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)&storage)->sin6_addr) == 1)
		storage.ss_family = AF_INET6;
	else
		fail_msg("test bug: '%s'", text);
	return storage;
}

static enum connlimit_verdict admit(struct connlimit *limit, const char *text)
{
	struct sockaddr_storage address = peer(text);

	return connlimit_admit(limit, (struct sockaddr *)&address);
}

static void release(struct connlimit *limit, const char *text)
{
	struct sockaddr_storage address = peer(text);

	connlimit_release(limit, (struct sockaddr *)&address);
}

static unsigned count(struct connlimit *limit, const char *text)
{
	struct sockaddr_storage address = peer(text);

	return connlimit_count(limit, (struct sockaddr *)&address);
}

static void test_a_quarter_is_kept_for_loopback(void **state)
{
	struct connlimit limit;

	(void)state;
	assert_int_equal(connlimit_init(&limit, 512, 32), 0);
	assert_int_equal(limit.lan_max, 384);
	connlimit_free(&limit);
	assert_int_equal(connlimit_init(&limit, 16, 4), 0);
	assert_int_equal(limit.lan_max, 12);
	connlimit_free(&limit);
	assert_int_equal(connlimit_init(&limit, 3, 4), 0);
	assert_int_equal(limit.lan_max, 2); /* at least one kept */
	connlimit_free(&limit);
}

static void test_one_address_is_capped_at_per_ip(void **state)
{
	struct connlimit limit;

	(void)state;
	assert_int_equal(connlimit_init(&limit, 512, 3), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(admit(&limit, "203.0.113.2"), CONNLIMIT_ADMITTED);
	assert_int_equal(admit(&limit, "203.0.113.2"), CONNLIMIT_PER_IP_FULL);
	assert_int_equal(admit(&limit, "203.0.113.2"), CONNLIMIT_PER_IP_FULL);
	assert_int_equal(count(&limit, "203.0.113.2"), 3);
	assert_int_equal(limit.refused, 2);
	/* another address is not affected */
	assert_int_equal(admit(&limit, "203.0.113.3"), CONNLIMIT_ADMITTED);
	/* a closed connection gives its place back */
	release(&limit, "203.0.113.2");
	assert_int_equal(count(&limit, "203.0.113.2"), 2);
	assert_int_equal(admit(&limit, "203.0.113.2"), CONNLIMIT_ADMITTED);
	assert_int_equal(limit.lan_open, 4);
	connlimit_free(&limit);
}

static void test_loopback_is_capped_by_max_connections_only(void **state)
{
	struct connlimit limit;

	(void)state;
	assert_int_equal(connlimit_init(&limit, 18, 1), 0);
	/* far beyond per_ip and lan_max: only the total stops the till */
	for (int i = 0; i < 6; i++) {
		assert_int_equal(admit(&limit, "127.0.0.1"), CONNLIMIT_LOOPBACK);
		assert_int_equal(admit(&limit, "::1"), CONNLIMIT_LOOPBACK);
		assert_int_equal(admit(&limit, "::ffff:127.0.0.1"), CONNLIMIT_LOOPBACK);
	}
	assert_int_equal(limit.lan_open, 0);
	assert_int_equal(limit.open, 18);
	assert_int_equal(count(&limit, "127.0.0.1"), 0);
	assert_int_equal(admit(&limit, "127.0.0.1"), CONNLIMIT_FULL);
	assert_int_equal(limit.refused, 1);
	release(&limit, "::1");
	assert_int_equal(admit(&limit, "127.0.0.1"), CONNLIMIT_LOOPBACK);
	connlimit_free(&limit);
}

static void test_every_connection_together_stops_at_max_connections(void **state)
{
	struct connlimit limit;

	(void)state;
	assert_int_equal(connlimit_init(&limit, 16, 100), 0); /* lan_max 12 */
	for (int i = 0; i < 10; i++)
		assert_int_equal(admit(&limit, "127.0.0.1"), CONNLIMIT_LOOPBACK);
	for (int i = 0; i < 6; i++)
		assert_int_equal(admit(&limit, "10.0.0.1"), CONNLIMIT_ADMITTED);
	/* under lan_max, but the total is reached: the LAN waits too */
	assert_int_equal(admit(&limit, "10.0.0.2"), CONNLIMIT_FULL);
	assert_int_equal(admit(&limit, "::1"), CONNLIMIT_FULL);
	release(&limit, "10.0.0.1");
	assert_int_equal(limit.open, 15);
	assert_int_equal(limit.lan_open, 5);
	assert_int_equal(admit(&limit, "10.0.0.2"), CONNLIMIT_ADMITTED);
	/* a release of what was never admitted gives nothing back */
	release(&limit, "10.0.0.77");
	assert_int_equal(limit.open, 16);
	assert_int_equal(limit.refused, 2);
	connlimit_free(&limit);
}

static void test_the_lan_together_stops_at_lan_max(void **state)
{
	struct connlimit limit;
	char text[32];

	(void)state;
	assert_int_equal(connlimit_init(&limit, 16, 2), 0); /* lan_max 12 */
	for (int i = 0; i < 12; i++) {
		snprintf(text, sizeof text, "10.0.0.%d", i / 2 + 1);
		assert_int_equal(admit(&limit, text), CONNLIMIT_ADMITTED);
	}
	assert_int_equal(admit(&limit, "10.0.0.99"), CONNLIMIT_LAN_FULL);
	assert_int_equal(admit(&limit, "2001:db8::1"), CONNLIMIT_LAN_FULL);
	/* the till still gets in */
	assert_int_equal(admit(&limit, "127.0.0.1"), CONNLIMIT_LOOPBACK);
	release(&limit, "10.0.0.3");
	assert_int_equal(admit(&limit, "10.0.0.99"), CONNLIMIT_ADMITTED);
	assert_int_equal(admit(&limit, "10.0.0.98"), CONNLIMIT_LAN_FULL);
	assert_int_equal(limit.refused, 3);
	connlimit_free(&limit);
}

static void test_ipv4_and_its_mapped_form_are_one_address(void **state)
{
	struct connlimit limit;

	(void)state;
	assert_int_equal(connlimit_init(&limit, 512, 2), 0);
	assert_int_equal(admit(&limit, "203.0.113.2"), CONNLIMIT_ADMITTED);
	assert_int_equal(admit(&limit, "::ffff:203.0.113.2"), CONNLIMIT_ADMITTED);
	assert_int_equal(admit(&limit, "203.0.113.2"), CONNLIMIT_PER_IP_FULL);
	release(&limit, "::ffff:203.0.113.2");
	assert_int_equal(count(&limit, "203.0.113.2"), 1);
	connlimit_free(&limit);
}

static void test_releasing_an_unknown_peer_changes_nothing(void **state)
{
	struct connlimit limit;

	(void)state;
	assert_int_equal(connlimit_init(&limit, 512, 2), 0);
	assert_int_equal(admit(&limit, "203.0.113.2"), CONNLIMIT_ADMITTED);
	release(&limit, "203.0.113.9");
	release(&limit, "2001:db8::9");
	assert_int_equal(limit.lan_open, 1);
	release(&limit, "203.0.113.2");
	release(&limit, "203.0.113.2");
	assert_int_equal(limit.lan_open, 0);
	assert_int_equal(limit.peer_count, 0);
	connlimit_free(&limit);
}

static void test_many_addresses_come_and_go(void **state)
{
	struct connlimit limit;
	char text[32];

	(void)state;
	assert_int_equal(connlimit_init(&limit, 64, 1), 0); /* lan_max 48 */
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 48; i++) {
			snprintf(text, sizeof text, "2001:db8::%x", i + 1);
			assert_int_equal(admit(&limit, text), CONNLIMIT_ADMITTED);
		}
		assert_int_equal(admit(&limit, "2001:db8::ffff"), CONNLIMIT_LAN_FULL);
		for (int i = 47; i >= 0; i -= 2) {
			snprintf(text, sizeof text, "2001:db8::%x", i + 1);
			release(&limit, text);
		}
		for (int i = 0; i < 48; i += 2) {
			snprintf(text, sizeof text, "2001:db8::%x", i + 1);
			release(&limit, text);
		}
		assert_int_equal(limit.lan_open, 0);
		assert_int_equal(limit.peer_count, 0);
	}
	connlimit_free(&limit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_quarter_is_kept_for_loopback),
		cmocka_unit_test(test_one_address_is_capped_at_per_ip),
		cmocka_unit_test(test_loopback_is_capped_by_max_connections_only),
		cmocka_unit_test(test_every_connection_together_stops_at_max_connections),
		cmocka_unit_test(test_the_lan_together_stops_at_lan_max),
		cmocka_unit_test(test_ipv4_and_its_mapped_form_are_one_address),
		cmocka_unit_test(test_releasing_an_unknown_peer_changes_nothing),
		cmocka_unit_test(test_many_addresses_come_and_go),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
