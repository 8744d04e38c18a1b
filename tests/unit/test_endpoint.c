/* Specifies the endpoint table's pure helpers: the query flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/endpoint.h"

static void test_a_flag_not_given_is_off(void **state)
{
	(void)state;
	assert_false(endpoint_query_flag(false, NULL));
	assert_false(endpoint_query_flag(false, "true"));
}

/* ?read_back, ?read_back=, ?read_back=true: a client that names it wants it */
static void test_a_flag_given_is_on_unless_its_value_says_off(void **state)
{
	static const char *const on[] = {"true", "1", "yes", "on", "", "TRUE", "state"};
	static const char *const off[] = {"false", "0", "no", "off"};

	(void)state;
	assert_true(endpoint_query_flag(true, NULL));
	for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
		assert_true(endpoint_query_flag(true, on[i]));
	for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
		assert_false(endpoint_query_flag(true, off[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_flag_not_given_is_off),
		cmocka_unit_test(test_a_flag_given_is_on_unless_its_value_says_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
