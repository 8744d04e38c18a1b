/* Specifies which socket peers count as loopback and how peer addresses are written in logs. */
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

#include "admission/access.h"

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

/* ---- the access policy: origins, Host, networks, token ---- */

static const char *const SHOP = "https://shop.odoo.com";
static const char *const LAN_POS = "http://10.99.0.2:8069";

/* A policy from settings given as "key", "value" pairs (NULL-terminated). */
static struct access_policy policy_with(const char *key, ...)
{
	static struct config config;
	struct access_policy policy;
	char err[512] = "";
	va_list ap;

	config_defaults(&config);
	va_start(ap, key);
	for (const char *k = key; k != NULL; k = va_arg(ap, const char *)) {
		const char *value = va_arg(ap, const char *);

		if (config_set(&config, k, value, err, sizeof err) != 0)
			fail_msg("test bug: %s = %s: %s", k, value, err);
	}
	va_end(ap);
	if (access_policy_init(&policy, &config, err, sizeof err) != 0)
		fail_msg("policy refused: %s", err);
	return policy;
}

static struct access_policy restricted(void)
{
	return policy_with("allowed_origins", "https://Shop.Odoo.com:443, http://10.99.0.2:8069",
			   NULL);
}

static struct access_origin_verdict judge(const struct access_policy *policy, const char *origin,
					  const char *referer, const char *site)
{
	struct access_headers headers = {.origin = origin, .referer = referer, .fetch_site = site};
	struct access_origin_verdict verdict;

	access_judge_origin(policy, &headers, &verdict);
	return verdict;
}

static void test_policy_normalises_the_listed_origins(void **state)
{
	struct access_policy policy = restricted();

	(void)state;
	assert_int_equal(policy.origin_count, 2);
	assert_string_equal(policy.origins[0], SHOP);
	assert_string_equal(policy.origins[1], LAN_POS);
	assert_string_equal(policy.token, "");
	assert_int_equal(policy.network_count, 0);
}

static void test_listed_origin_header_is_allowed_and_gets_cors(void **state)
{
	struct access_policy policy = restricted();
	struct access_origin_verdict v = judge(&policy, "https://shop.odoo.com", NULL, "cross-site");

	(void)state;
	assert_true(v.allowed);
	assert_true(v.cors);
	assert_int_equal(v.basis, ACCESS_BASIS_ORIGIN);
	assert_string_equal(v.origin, SHOP);
	/* the browser's spelling with a default port is the same origin */
	v = judge(&policy, "https://SHOP.odoo.com:443", NULL, NULL);
	assert_true(v.allowed && v.cors);
}

static void test_unlisted_origin_is_refused_even_with_a_listed_referer(void **state)
{
	struct access_policy policy = restricted();
	struct access_origin_verdict v =
		judge(&policy, "http://evil.example", "https://shop.odoo.com/pos/ui", "same-origin");

	(void)state;
	assert_false(v.allowed);
	assert_false(v.cors);
	assert_int_equal(v.basis, ACCESS_BASIS_ORIGIN);
	assert_string_equal(v.origin, "http://evil.example");
}

static void test_null_or_malformed_origin_is_refused_and_kept_for_the_log(void **state)
{
	struct access_policy policy = restricted();
	struct access_origin_verdict v = judge(&policy, "null", "https://shop.odoo.com/", NULL);

	(void)state;
	assert_false(v.allowed);
	assert_string_equal(v.origin, "null");
	v = judge(&policy, "https://shop.odoo.com/x", NULL, NULL);
	assert_false(v.allowed);
	assert_string_equal(v.origin, "https://shop.odoo.com/x");
	/* another port is another origin */
	v = judge(&policy, "http://10.99.0.2:8070", NULL, NULL);
	assert_false(v.allowed);
}

static void test_no_origin_then_the_referers_origin_decides(void **state)
{
	struct access_policy policy = restricted();
	struct access_origin_verdict v = judge(&policy, NULL, "http://10.99.0.2:8069/", "cross-site");

	(void)state;
	/* what the field clients send: no-cors GET, no Origin */
	assert_true(v.allowed);
	assert_false(v.cors); /* CORS is for Origin only */
	assert_int_equal(v.basis, ACCESS_BASIS_REFERER);
	assert_string_equal(v.origin, LAN_POS);
	v = judge(&policy, NULL, "http://10.99.0.3:8069/pos/ui", "cross-site");
	assert_false(v.allowed);
	assert_string_equal(v.origin, "http://10.99.0.3:8069");
	/* even a same-origin claim does not save an unlisted referer */
	v = judge(&policy, NULL, "http://evil.example/", "same-origin");
	assert_false(v.allowed);
	/* a referer that is no URL is refused, kept as received */
	v = judge(&policy, NULL, "/pos/ui", NULL);
	assert_false(v.allowed);
	assert_string_equal(v.origin, "/pos/ui");
	/* an empty referer counts as absent */
	v = judge(&policy, NULL, "", "none");
	assert_true(v.allowed);
	assert_int_equal(v.basis, ACCESS_BASIS_FETCH_SITE);
}

static void test_without_origin_nor_referer_sec_fetch_site_decides(void **state)
{
	struct access_policy policy = restricted();
	static const struct {
		const char *site;
		bool allowed;
	} cases[] = {
		{"same-origin", true}, {"none", true},      {"same-site", false},
		{"cross-site", false}, {"SAME-ORIGIN", false}, {"", false}, {"bogus", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct access_origin_verdict v = judge(&policy, NULL, NULL, cases[i].site);

		if (v.allowed != cases[i].allowed)
			fail_msg("Sec-Fetch-Site '%s': expected %s", cases[i].site,
				 cases[i].allowed ? "allowed" : "refused");
		assert_int_equal(v.basis, ACCESS_BASIS_FETCH_SITE);
		assert_false(v.cors);
	}
}

static void test_non_browser_clients_pass(void **state)
{
	struct access_policy policy = restricted();
	struct access_origin_verdict v = judge(&policy, NULL, NULL, NULL);

	(void)state;
	assert_true(v.allowed);
	assert_int_equal(v.basis, ACCESS_BASIS_NONE);
}

static void test_empty_list_allows_every_origin_and_gives_no_cors(void **state)
{
	struct access_policy policy = policy_with(NULL);
	static const char *const origins[] = {"http://evil.example", "null", "garbage",
					      "https://shop.odoo.com"};

	(void)state;
	for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++) {
		struct access_origin_verdict v = judge(&policy, origins[i], NULL, "cross-site");

		assert_true(v.allowed);
		assert_false(v.cors);
	}
	assert_true(judge(&policy, NULL, "http://evil.example/", "cross-site").allowed);
	assert_true(judge(&policy, NULL, NULL, "cross-site").allowed);
}

static void test_descriptions_name_the_origin_and_what_it_was_judged_from(void **state)
{
	struct access_policy policy = restricted();
	struct access_origin_verdict v;
	char text[512];

	(void)state;
	v = judge(&policy, "http://evil.example", NULL, "cross-site");
	access_describe_origin(&v, text, sizeof text);
	assert_string_equal(text, "origine http://evil.example non autorisée (Origin)");
	v = judge(&policy, NULL, "http://evil.example/page", "cross-site");
	access_describe_origin(&v, text, sizeof text);
	assert_string_equal(text, "origine http://evil.example non autorisée (Referer)");
	v = judge(&policy, NULL, NULL, "cross-site");
	access_describe_origin(&v, text, sizeof text);
	assert_string_equal(text, "origine inconnue non autorisée (Sec-Fetch-Site: cross-site, "
				  "ni Origin ni Referer)");
	v = judge(&policy, SHOP, NULL, "cross-site");
	access_describe_origin(&v, text, sizeof text);
	assert_string_equal(text, "origine https://shop.odoo.com autorisée (Origin)");
	v = judge(&policy, NULL, NULL, NULL);
	access_describe_origin(&v, text, sizeof text);
	assert_string_equal(text, "aucune origine (client hors navigateur)");
}

static void test_bearer_token_matching(void **state)
{
	static const char *const token = "0123456789abcdef0123";

	(void)state;
	assert_true(access_token_matches("Bearer 0123456789abcdef0123", token));
	assert_true(access_token_matches("bearer 0123456789abcdef0123", token));
	assert_true(access_token_matches("BEARER   0123456789abcdef0123  ", token));
	assert_false(access_token_matches("Bearer 0123456789abcdef012", token));
	assert_false(access_token_matches("Bearer 0123456789abcdef01234", token));
	assert_false(access_token_matches("Bearer 0123456789abcdef0124", token));
	assert_false(access_token_matches("Basic 0123456789abcdef0123", token));
	assert_false(access_token_matches("0123456789abcdef0123", token));
	assert_false(access_token_matches("Bearer", token));
	assert_false(access_token_matches("Bearer ", token));
	assert_false(access_token_matches(NULL, token));
	/* no token configured: nothing matches */
	assert_false(access_token_matches("Bearer ", ""));
}

static struct access_decision decide(const struct access_policy *policy, enum access_route route,
				     const char *peer_text, const struct access_headers *headers,
				     bool preflight)
{
	struct access_decision decision;
	struct sockaddr_storage peer;

	memset(&peer, 0, sizeof peer);
	if (strchr(peer_text, ':') != NULL) {
		struct sockaddr_in6 v6 = ipv6(peer_text);

		memcpy(&peer, &v6, sizeof v6);
	} else {
		struct sockaddr_in v4 = ipv4(peer_text);

		memcpy(&peer, &v4, sizeof v4);
	}
	access_decide(policy, route, (struct sockaddr *)&peer, headers, preflight, &decision);
	return decision;
}

static void test_open_route_checks_peer_then_host_then_origin(void **state)
{
	struct access_policy policy = restricted();
	struct access_headers good = {.host = "localhost:22548", .referer = "http://10.99.0.2:8069/",
				      .fetch_site = "cross-site"};
	struct access_headers rebound = {.host = "evil.example:22548", .origin = SHOP};
	struct access_headers foreign = {.host = "127.0.0.1:22548", .origin = "http://evil.example"};
	struct access_headers no_host = {.fetch_site = "none"};

	(void)state;
	assert_int_equal(decide(&policy, ACCESS_ROUTE_LOOPBACK_ONLY, "127.0.0.1", &good, false).outcome,
			 ACCESS_ALLOWED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_LOOPBACK_ONLY, "::1", &good, false).outcome,
			 ACCESS_ALLOWED);
	/* a LAN peer is not local whatever its headers */
	assert_int_equal(decide(&policy, ACCESS_ROUTE_LOOPBACK_ONLY, "10.99.0.2", &good, false).outcome,
			 ACCESS_NOT_LOCAL);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_LOOPBACK_ONLY, "10.99.0.2", &rebound, false).outcome,
			 ACCESS_NOT_LOCAL);
	/* DNS rebinding: Host first, even with a listed origin */
	assert_int_equal(decide(&policy, ACCESS_ROUTE_LOOPBACK_ONLY, "127.0.0.1", &rebound, true).outcome,
			 ACCESS_HOST_NOT_ALLOWED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_LOOPBACK_ONLY, "127.0.0.1", &foreign, false).outcome,
			 ACCESS_ORIGIN_NOT_ALLOWED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_LOOPBACK_ONLY, "127.0.0.1", &no_host, false).outcome,
			 ACCESS_ALLOWED);
}

static void test_rebinding_host_is_refused_with_an_open_origin_policy_too(void **state)
{
	struct access_policy policy = policy_with(NULL);
	struct access_headers rebound = {.host = "evil.example:22548"};

	(void)state;
	assert_int_equal(decide(&policy, ACCESS_ROUTE_LOOPBACK_ONLY, "127.0.0.1", &rebound, false).outcome,
			 ACCESS_HOST_NOT_ALLOWED);
}

static void test_network_route_is_open_by_default(void **state)
{
	struct access_policy policy = policy_with(NULL);
	struct access_headers headers = {.host = "10.0.0.1:22548"};

	(void)state;
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "203.0.113.2", &headers, false).outcome,
			 ACCESS_ALLOWED);
	/* the origin policy does not apply to /status and /logs */
	policy = restricted();
	headers.origin = "http://evil.example";
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "203.0.113.2", &headers, false).outcome,
			 ACCESS_ALLOWED);
}

static void test_network_route_applies_networks_then_token(void **state)
{
	struct access_policy policy = policy_with("allowed_networks", "203.0.113.0/25, fd00::/8",
						  "token", "0123456789abcdef0123", NULL);
	struct access_headers none = {.host = "203.0.113.1:22548"};
	struct access_headers good = {.host = "203.0.113.1:22548",
				      .authorization = "Bearer 0123456789abcdef0123"};
	struct access_headers bad = {.host = "203.0.113.1:22548", .authorization = "Bearer nope"};

	(void)state;
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "203.0.113.2", &good, false).outcome,
			 ACCESS_ALLOWED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "fd00::2", &good, false).outcome,
			 ACCESS_ALLOWED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "::ffff:203.0.113.2", &good, false).outcome,
			 ACCESS_ALLOWED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "203.0.113.200", &good, false).outcome,
			 ACCESS_NETWORK_NOT_ALLOWED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "203.0.113.2", &none, false).outcome,
			 ACCESS_TOKEN_REQUIRED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "203.0.113.2", &bad, false).outcome,
			 ACCESS_TOKEN_INVALID);
	/* preflights carry no credentials: the network still applies, not the token */
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "203.0.113.2", &none, true).outcome,
			 ACCESS_ALLOWED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "203.0.113.200", &none, true).outcome,
			 ACCESS_NETWORK_NOT_ALLOWED);
}

static void test_the_till_itself_is_exempt_unless_its_host_is_foreign(void **state)
{
	struct access_policy policy = policy_with("allowed_networks", "203.0.113.0/24", "token",
						  "0123456789abcdef0123", NULL);
	struct access_headers local = {.host = "localhost:22548"};
	struct access_headers no_host = {.host = NULL};
	struct access_headers rebound = {.host = "evil.example:22548"};

	(void)state;
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "127.0.0.1", &local, false).outcome,
			 ACCESS_ALLOWED);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "::1", &no_host, false).outcome,
			 ACCESS_ALLOWED);
	/* a DNS-rebinding page in the till's browser is judged like any client */
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "127.0.0.1", &rebound, false).outcome,
			 ACCESS_NETWORK_NOT_ALLOWED);
	policy = policy_with("token", "0123456789abcdef0123", NULL);
	assert_int_equal(decide(&policy, ACCESS_ROUTE_NETWORK, "127.0.0.1", &rebound, false).outcome,
			 ACCESS_TOKEN_REQUIRED);
}

static void test_outcomes_have_stable_codes_statuses_and_french_messages(void **state)
{
	static const struct {
		enum access_outcome outcome;
		const char *code;
		unsigned status;
	} cases[] = {
		{ACCESS_NOT_LOCAL, "not_local", 403},
		{ACCESS_HOST_NOT_ALLOWED, "host_not_allowed", 403},
		{ACCESS_ORIGIN_NOT_ALLOWED, "origin_not_allowed", 403},
		{ACCESS_NETWORK_NOT_ALLOWED, "network_not_allowed", 403},
		{ACCESS_TOKEN_REQUIRED, "token_required", 401},
		{ACCESS_TOKEN_INVALID, "token_invalid", 401},
	};

	(void)state;
	assert_null(access_outcome_code(ACCESS_ALLOWED));
	assert_int_equal(access_outcome_status(ACCESS_ALLOWED), 200);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_string_equal(access_outcome_code(cases[i].outcome), cases[i].code);
		assert_int_equal(access_outcome_status(cases[i].outcome), cases[i].status);
		/* French, for the cashier: "Accès refusé - ..." or "Jeton d'accès ..." */
		assert_true(strncmp(access_outcome_message(cases[i].outcome), "Accès refusé - ", 16) == 0 ||
			    strncmp(access_outcome_message(cases[i].outcome), "Jeton d'accès ", 15) == 0);
	}
	/* the replaced system's words, kept */
	assert_string_equal(access_outcome_message(ACCESS_NOT_LOCAL), "Accès refusé - Local uniquement");
}

static void test_policy_reports_the_key_of_a_bad_setting(void **state)
{
	static struct config config;
	struct access_policy policy;
	char err[512] = "";

	(void)state;
	config_defaults(&config);
	/* a value no config check would let through, to test the policy's own */
	strcpy(config.allowed_origins[0], "https://shop.odoo.com/x");
	config.allowed_origins_count = 1;
	assert_int_equal(access_policy_init(&policy, &config, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "allowed_origins: "));
	config.allowed_origins_count = 0;
	strcpy(config.allowed_networks[0], "10.0.0.1/8");
	config.allowed_networks_count = 1;
	assert_int_equal(access_policy_init(&policy, &config, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "allowed_networks: "));
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
		cmocka_unit_test(test_policy_normalises_the_listed_origins),
		cmocka_unit_test(test_listed_origin_header_is_allowed_and_gets_cors),
		cmocka_unit_test(test_unlisted_origin_is_refused_even_with_a_listed_referer),
		cmocka_unit_test(test_null_or_malformed_origin_is_refused_and_kept_for_the_log),
		cmocka_unit_test(test_no_origin_then_the_referers_origin_decides),
		cmocka_unit_test(test_without_origin_nor_referer_sec_fetch_site_decides),
		cmocka_unit_test(test_non_browser_clients_pass),
		cmocka_unit_test(test_empty_list_allows_every_origin_and_gives_no_cors),
		cmocka_unit_test(test_descriptions_name_the_origin_and_what_it_was_judged_from),
		cmocka_unit_test(test_bearer_token_matching),
		cmocka_unit_test(test_open_route_checks_peer_then_host_then_origin),
		cmocka_unit_test(test_rebinding_host_is_refused_with_an_open_origin_policy_too),
		cmocka_unit_test(test_network_route_is_open_by_default),
		cmocka_unit_test(test_network_route_applies_networks_then_token),
		cmocka_unit_test(test_the_till_itself_is_exempt_unless_its_host_is_foreign),
		cmocka_unit_test(test_outcomes_have_stable_codes_statuses_and_french_messages),
		cmocka_unit_test(test_policy_reports_the_key_of_a_bad_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
