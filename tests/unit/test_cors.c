/* Specifies the Access-Control-Allow-Headers answer of a preflight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "admission/cors.h"

static void expect_allow(const char *requested, const char *expected)
{
	char out[256];

	memset(out, 'X', sizeof out);
	cors_allow_headers(requested, out, sizeof out);
	if (strcmp(out, expected) != 0)
		fail_msg("requested '%s': got '%s', expected '%s'", requested ? requested : "(none)",
			 out, expected);
}

static void test_content_type_and_authorization_are_always_allowed(void **state)
{
	(void)state;
	expect_allow(NULL, "Content-Type, Authorization");
	expect_allow("", "Content-Type, Authorization");
	expect_allow("content-type", "Content-Type, Authorization");
	expect_allow("authorization,content-type", "Content-Type, Authorization");
	expect_allow("AUTHORIZATION", "Content-Type, Authorization");
}

static void test_safe_requested_headers_are_echoed_once(void **state)
{
	(void)state;
	expect_allow("accept", "Content-Type, Authorization, accept");
	expect_allow("content-type, x-requested-with",
		     "Content-Type, Authorization, x-requested-with");
	expect_allow("Accept-Language,cache-control , pragma,content-language",
		     "Content-Type, Authorization, Accept-Language, cache-control, pragma, "
		     "content-language");
	expect_allow("accept, accept, ACCEPT", "Content-Type, Authorization, accept");
	expect_allow(" , ,accept,,", "Content-Type, Authorization, accept");
}

static void test_unsafe_or_malformed_headers_are_left_out(void **state)
{
	(void)state;
	expect_allow("x-evil", "Content-Type, Authorization");
	expect_allow("cookie, accept", "Content-Type, Authorization, accept");
	expect_allow("accept\r\nx-injected: 1", "Content-Type, Authorization");
	expect_allow("acc ept", "Content-Type, Authorization");
	expect_allow("x-requested-with-more", "Content-Type, Authorization");
}

static void test_small_buffer_is_never_overrun(void **state)
{
	char out[32];

	(void)state;
	memset(out, 'X', sizeof out);
	cors_allow_headers("accept, x-requested-with", out, 20);
	assert_int_equal(strlen(out), 19);
	assert_int_equal(out[20], 'X');
	cors_allow_headers("accept", out, 0); /* nothing written */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_type_and_authorization_are_always_allowed),
		cmocka_unit_test(test_safe_requested_headers_are_echoed_once),
		cmocka_unit_test(test_unsafe_or_malformed_headers_are_left_out),
		cmocka_unit_test(test_small_buffer_is_never_overrun),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
