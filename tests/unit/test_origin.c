/* Specifies origins: normalisation as browsers serialise them, the origin of
 * a Referer, and which Host values name the loopback. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "admission/origin.h"

struct pair {
	const char *in, *out;
};

static void expect_normalized(const struct pair *pairs, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char out[ORIGIN_MAX], err[256] = "";

		if (origin_normalize(pairs[i].in, out, sizeof out, err, sizeof err) != 0)
			fail_msg("'%s' refused: %s", pairs[i].in, err);
		if (strcmp(out, pairs[i].out) != 0)
			fail_msg("'%s' gave '%s', expected '%s'", pairs[i].in, out, pairs[i].out);
	}
}

/* Each text is refused, with an error mentioning the given words. */
static void expect_refused(const struct pair *pairs, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char out[ORIGIN_MAX] = "x", err[512] = "";

		if (origin_normalize(pairs[i].in, out, sizeof out, err, sizeof err) != -EINVAL)
			fail_msg("'%s' accepted as '%s'", pairs[i].in, out);
		if (out[0] != '\0')
			fail_msg("'%s': output not emptied on error: '%s'", pairs[i].in, out);
		if (strstr(err, pairs[i].out) == NULL)
			fail_msg("'%s': error \"%s\" does not say \"%s\"", pairs[i].in, err, pairs[i].out);
	}
}

static void test_plain_origins_are_kept(void **state)
{
	static const struct pair pairs[] = {
		{"https://shop.odoo.com", "https://shop.odoo.com"},
		{"http://10.0.0.5:8069", "http://10.0.0.5:8069"},
		{"http://localhost:8069", "http://localhost:8069"},
		{"http://127.0.0.1:8069", "http://127.0.0.1:8069"},
		{"https://my-shop_1.example.org:8443", "https://my-shop_1.example.org:8443"},
	};

	(void)state;
	expect_normalized(pairs, sizeof pairs / sizeof pairs[0]);
}

static void test_scheme_and_host_are_lower_cased(void **state)
{
	static const struct pair pairs[] = {
		{"HTTPS://Shop.Odoo.COM", "https://shop.odoo.com"},
		{"Http://LOCALHOST:8069", "http://localhost:8069"},
	};

	(void)state;
	expect_normalized(pairs, sizeof pairs / sizeof pairs[0]);
}

static void test_default_ports_are_dropped_others_kept(void **state)
{
	static const struct pair pairs[] = {
		{"http://shop.example:80", "http://shop.example"},
		{"https://shop.example:443", "https://shop.example"},
		{"http://shop.example:443", "http://shop.example:443"},
		{"https://shop.example:80", "https://shop.example:80"},
		{"http://shop.example:08069", "http://shop.example:8069"},
		{"http://shop.example:00080", "http://shop.example"},
		{"http://shop.example:65535", "http://shop.example:65535"},
		{"http://shop.example:1", "http://shop.example:1"},
	};

	(void)state;
	expect_normalized(pairs, sizeof pairs / sizeof pairs[0]);
}

static void test_ipv6_hosts_are_compressed_in_brackets(void **state)
{
	static const struct pair pairs[] = {
		{"http://[::1]:8069", "http://[::1]:8069"},
		{"http://[0:0:0:0:0:0:0:1]", "http://[::1]"},
		{"http://[FD00:0:0:0:0:0:0:5]:8069", "http://[fd00::5]:8069"},
		{"http://[2001:db8:0:0:1:0:0:1]", "http://[2001:db8::1:0:0:1]"},
		{"http://[2001:0:0:1:0:0:0:1]", "http://[2001:0:0:1::1]"},
		{"http://[1:2:3:4:5:6:7:8]", "http://[1:2:3:4:5:6:7:8]"},
		{"http://[1:0:3:4:5:6:7:8]", "http://[1:0:3:4:5:6:7:8]"},
		{"http://[1::]", "http://[1::]"},
		{"http://[::]", "http://[::]"},
		{"http://[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]"},
		{"https://[::1]:443", "https://[::1]"},
	};

	(void)state;
	expect_normalized(pairs, sizeof pairs / sizeof pairs[0]);
}

static void test_extension_origins_are_accepted(void **state)
{
	static const struct pair pairs[] = {
		{"chrome-extension://abcdefghijklmnopabcdefghijklmnop",
		 "chrome-extension://abcdefghijklmnopabcdefghijklmnop"},
		{"moz-extension://0c2ed2a4-5b3e-4d1c-9a5c-0123456789ab",
		 "moz-extension://0c2ed2a4-5b3e-4d1c-9a5c-0123456789ab"},
	};

	(void)state;
	expect_normalized(pairs, sizeof pairs / sizeof pairs[0]);
}

static void test_non_origins_are_refused_with_the_reason(void **state)
{
	static const struct pair pairs[] = {
		{"null", "opaque origin"},
		{"", "not an origin"},
		{"shop.odoo.com", "not an origin"},
		{"://shop.odoo.com", "not an origin"},
		{"ftp://shop.odoo.com", "scheme 'ftp'"},
		{"file:///home/pos/index.html", "scheme 'file'"},
		{"https://shop.odoo.com/", "has a path"},
		{"https://shop.odoo.com/pos/ui", "write https://shop.odoo.com"},
		{"https://shop.odoo.com?x=1", "has a query"},
		{"https://shop.odoo.com#top", "has a fragment"},
		{"https://*.odoo.com", "wildcards are not supported"},
		{"https://user:pass@shop.odoo.com", "user information"},
		{"https://", "no host name"},
		{"https://:8069", "no host name"},
		{"https://shop.odoo.com:", "port"},
		{"https://shop.odoo.com:0", "port"},
		{"https://shop.odoo.com:65536", "port"},
		{"https://shop.odoo.com:123456", "port"},
		{"https://shop.odoo.com:80a", "port"},
		{"https://shop.odoo.com:-1", "port"},
		{"https://shop.odoo.com:80:90", "port"},
		{"https://shop odoo.com", "cannot appear"},
		{"https://shop.odoo.com ", "cannot appear"},
		{"https://bücher.example", "xn--"},
		{"http://[::1", "closing ']'"},
		{"http://[::g]", "not an IPv6 address"},
		{"http://[fe80::1%25eth0]", "not an IPv6 address"},
		{"http://[::1]x", "after the IPv6 address"},
		{"http://[::1]:", "port"},
	};

	(void)state;
	expect_refused(pairs, sizeof pairs / sizeof pairs[0]);
}

static void test_too_long_origin_is_refused_not_cut(void **state)
{
	char text[400], out[ORIGIN_MAX], err[512];

	(void)state;
	memset(text, 'a', sizeof text);
	memcpy(text, "https://", 8);
	text[sizeof text - 1] = '\0';
	assert_int_equal(origin_normalize(text, out, sizeof out, err, sizeof err), -EINVAL);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "too long"));
	/* and a small output buffer is never overrun */
	assert_int_equal(origin_normalize("https://shop.odoo.com", out, 10, NULL, 0), -EINVAL);
	assert_string_equal(out, "");
}

static void test_normalize_without_error_buffer_is_fine(void **state)
{
	char out[ORIGIN_MAX];

	(void)state;
	assert_int_equal(origin_normalize("bogus", out, sizeof out, NULL, 0), -EINVAL);
	assert_int_equal(origin_normalize("http://a", out, sizeof out, NULL, 0), 0);
	assert_string_equal(out, "http://a");
}

static void test_referer_gives_its_origin(void **state)
{
	static const struct pair pairs[] = {
		{"http://10.99.0.2:8069/", "http://10.99.0.2:8069"},
		{"https://shop.odoo.com/pos/ui?config_id=1#home", "https://shop.odoo.com"},
		{"https://shop.odoo.com", "https://shop.odoo.com"},
		{"https://shop.odoo.com?q=/x", "https://shop.odoo.com"},
		{"https://shop.odoo.com#/x", "https://shop.odoo.com"},
		{"HTTP://Shop.Example:80/a/b", "http://shop.example"},
		{"http://[::1]:8069/pos", "http://[::1]:8069"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		char out[ORIGIN_MAX];

		if (origin_from_url(pairs[i].in, out, sizeof out) != 0)
			fail_msg("'%s' refused", pairs[i].in);
		if (strcmp(out, pairs[i].out) != 0)
			fail_msg("'%s' gave '%s', expected '%s'", pairs[i].in, out, pairs[i].out);
	}
}

static void test_bad_referers_have_no_origin(void **state)
{
	static const char *const bad[] = {
		"", "/relative/path", "about:blank", "null", "ftp://x/y", "https://u@x/",
		"https:///path", "http://x:99999/", "data:text/html,hi", "http://[::1/",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[ORIGIN_MAX] = "x";

		if (origin_from_url(bad[i], out, sizeof out) != -EINVAL)
			fail_msg("'%s' gave an origin '%s'", bad[i], out);
		assert_string_equal(out, "");
	}
}

static void test_loopback_hosts(void **state)
{
	static const char *const loopback[] = {
		"localhost", "localhost:22548", "LOCALHOST:22548", "LocalHost", "127.0.0.1",
		"127.0.0.1:22548", "127.1.2.3", "127.255.255.255:1", "[::1]", "[::1]:22548",
		"[0:0:0:0:0:0:0:1]:80", "[::ffff:127.0.0.1]:22548", "localhost:0",
	};
	static const char *const others[] = {
		"", "evil.example", "evil.example:22548", "localhost.", "localhost.:22548",
		"localhost.evil.example", "xlocalhost", "localhostx", "127.0.0.1.evil.example",
		"127.0.0.1.", "127.1", "127.0.1", "0x7f.0.0.1", "2130706433", "127.0.0.01",
		"127.0.0.256", "127.0.0.1:", "127.0.0.1:abc", "127.0.0.1:123456",
		"127.0.0.1:22548 ", " localhost", "10.0.0.5", "128.0.0.1", "0.0.0.0", "::1",
		"[::1", "[::2]", "[::]", "[fe80::1]", "[::ffff:10.0.0.1]", "[::1]:", "[::1]x",
		"[::1]:22548:1", "localhost:22548/x", "1127.0.0.1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++)
		if (!origin_host_is_loopback(loopback[i]))
			fail_msg("'%s' should be a loopback Host", loopback[i]);
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (origin_host_is_loopback(others[i]))
			fail_msg("'%s' should not be a loopback Host", others[i]);
	assert_false(origin_host_is_loopback(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_origins_are_kept),
		cmocka_unit_test(test_scheme_and_host_are_lower_cased),
		cmocka_unit_test(test_default_ports_are_dropped_others_kept),
		cmocka_unit_test(test_ipv6_hosts_are_compressed_in_brackets),
		cmocka_unit_test(test_extension_origins_are_accepted),
		cmocka_unit_test(test_non_origins_are_refused_with_the_reason),
		cmocka_unit_test(test_too_long_origin_is_refused_not_cut),
		cmocka_unit_test(test_normalize_without_error_buffer_is_fine),
		cmocka_unit_test(test_referer_gives_its_origin),
		cmocka_unit_test(test_bad_referers_have_no_origin),
		cmocka_unit_test(test_loopback_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
