/* Specifies which request bodies are refused before a byte of them is read:
 * any body on a route that takes none (413), a body larger than the route's
 * limit (413) or without a Content-Length (411), and two Content-Length
 * headers whatever the route (400). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/request_body.h"

static const struct request_framing NO_BODY = {0, 0, false};
static const struct request_framing EMPTY_BODY = {1, 0, false};
static const struct request_framing BODY_100M = {1, 100000000, false};
static const struct request_framing CHUNKED = {0, 0, true};
static const struct request_framing CHUNKED_WITH_LENGTH = {1, 5, true};
static const struct request_framing TWO_LENGTHS_0_40 = {2, 0, false};
static const struct request_framing TWO_EQUAL_LENGTHS = {2, 5, false};

static void assert_refusal(const struct request_body_refusal *refusal, unsigned status,
			   const char *code)
{
	assert_int_equal(refusal->status, status);
	assert_string_equal(refusal->code, code);
	assert_non_null(refusal->message);
}

static void test_a_body_is_announced_by_a_length_above_0_or_any_transfer_encoding(void **state)
{
	(void)state;
	assert_false(request_body_announced(&NO_BODY));
	assert_false(request_body_announced(&EMPTY_BODY));
	assert_true(request_body_announced(&BODY_100M));
	assert_true(request_body_announced(&CHUNKED));
	assert_true(request_body_announced(&CHUNKED_WITH_LENGTH));
}

static void test_a_route_taking_no_body_refuses_any_with_413(void **state)
{
	struct request_body_refusal refusal;

	(void)state;
	assert_true(request_body_refused(&BODY_100M, 0, &refusal));
	assert_refusal(&refusal, 413, "body_not_allowed");
	assert_true(request_body_refused(&CHUNKED, 0, &refusal));
	assert_refusal(&refusal, 413, "body_not_allowed");
	assert_true(request_body_refused(&CHUNKED_WITH_LENGTH, 0, &refusal));
	assert_refusal(&refusal, 413, "body_not_allowed");
}

static void test_no_body_or_an_empty_one_is_never_refused(void **state)
{
	struct request_body_refusal refusal;

	(void)state;
	assert_false(request_body_refused(&NO_BODY, 0, &refusal));
	assert_false(request_body_refused(&EMPTY_BODY, 0, &refusal));
	assert_false(request_body_refused(&NO_BODY, 4096, &refusal));
	assert_false(request_body_refused(&EMPTY_BODY, 4096, &refusal));
}

static void test_a_route_takes_a_body_up_to_its_limit_and_refuses_a_larger_one(void **state)
{
	struct request_framing framing = {1, 4096, false};
	struct request_body_refusal refusal;

	(void)state;
	assert_false(request_body_refused(&framing, 4096, &refusal));
	framing.content_length = 1;
	assert_false(request_body_refused(&framing, 4096, &refusal));
	framing.content_length = 4097;
	assert_true(request_body_refused(&framing, 4096, &refusal));
	assert_refusal(&refusal, 413, "body_too_large");
	assert_true(request_body_refused(&BODY_100M, 4096, &refusal));
	assert_refusal(&refusal, 413, "body_too_large");
}

static void test_a_route_taking_a_body_wants_its_length_first(void **state)
{
	struct request_body_refusal refusal;

	(void)state;
	/* Transfer-Encoding overrides Content-Length (RFC 9112 6.3): the size is unknown */
	assert_true(request_body_refused(&CHUNKED, 4096, &refusal));
	assert_refusal(&refusal, 411, "length_required");
	assert_true(request_body_refused(&CHUNKED_WITH_LENGTH, 4096, &refusal));
	assert_refusal(&refusal, 411, "length_required");
}

static void test_two_content_lengths_are_refused_equal_or_not(void **state)
{
	struct request_body_refusal refusal;

	(void)state;
	assert_true(request_framing_refused(&TWO_LENGTHS_0_40, &refusal));
	assert_refusal(&refusal, 400, "duplicate_content_length");
	assert_true(request_framing_refused(&TWO_EQUAL_LENGTHS, &refusal));
	assert_refusal(&refusal, 400, "duplicate_content_length");
	assert_false(request_framing_refused(&NO_BODY, &refusal));
	assert_false(request_framing_refused(&BODY_100M, &refusal));
	assert_false(request_framing_refused(&CHUNKED_WITH_LENGTH, &refusal));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_body_is_announced_by_a_length_above_0_or_any_transfer_encoding),
		cmocka_unit_test(test_a_route_taking_no_body_refuses_any_with_413),
		cmocka_unit_test(test_no_body_or_an_empty_one_is_never_refused),
		cmocka_unit_test(test_a_route_takes_a_body_up_to_its_limit_and_refuses_a_larger_one),
		cmocka_unit_test(test_a_route_taking_a_body_wants_its_length_first),
		cmocka_unit_test(test_two_content_lengths_are_refused_equal_or_not),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
