/* Specifies the JSON-RPC envelope of the hardware-proxy routes: what Odoo's
 * POS posts is parsed (params, data, action, id), anything else is refused
 * with a reason, and the answers are Odoo's own shapes, echoing the id. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/jsonrpc.h"

static int parse(const char *body, struct jsonrpc_call *call, char *err, size_t errlen)
{
	return jsonrpc_parse(body, strlen(body), call, err, errlen);
}

static char *printed(cJSON *json)
{
	static char text[1024];
	char *out = cJSON_PrintUnformatted(json);

	snprintf(text, sizeof text, "%s", out);
	cJSON_free(out);
	cJSON_Delete(json);
	return text;
}

static void test_odoo_cashbox_call_gives_its_action_and_id(void **state)
{
	struct jsonrpc_call call;
	char err[128];

	(void)state;
	assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"params\":{\"data\":"
			       "{\"action\":\"cashbox\"}},\"id\":742}",
			       &call, err, sizeof err),
			 0);
	assert_string_equal(call.id, "742");
	assert_non_null(call.data);
	assert_string_equal(call.action, "cashbox");
	jsonrpc_call_free(&call);
}

static void test_a_call_without_params_has_empty_params_and_no_action(void **state)
{
	struct jsonrpc_call call;
	char err[128];

	(void)state;
	assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"id\":\"a-b\"}", &call,
			       err, sizeof err),
			 0);
	assert_string_equal(call.id, "\"a-b\"");
	assert_true(cJSON_IsObject(call.params));
	assert_null(call.data);
	assert_null(call.action);
	jsonrpc_call_free(&call);
}

static void test_bodies_that_are_no_call_are_refused_with_a_reason(void **state)
{
	static const struct {
		const char *body, *reason, *id;
	} cases[] = {
		{"", "le corps n'est pas du JSON", "null"},
		{"{\"jsonrpc\":\"2.0\",", "le corps n'est pas du JSON", "null"},
		{"[1,2]", "le corps n'est pas un objet JSON-RPC", "null"},
		{"{\"jsonrpc\":\"1.0\",\"id\":3}", "\"jsonrpc\" n'est pas \"2.0\"", "3"},
		{"{\"params\":[1],\"id\":4}", "\"params\" n'est pas un objet", "4"},
	};
	struct jsonrpc_call call;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(parse(cases[i].body, &call, err, sizeof err), -EINVAL);
		assert_string_equal(err, cases[i].reason);
		assert_string_equal(call.id, cases[i].id);
		jsonrpc_call_free(&call);
	}
}

static void test_an_id_that_is_no_number_or_string_is_echoed_as_null(void **state)
{
	struct jsonrpc_call call;
	char err[128];

	(void)state;
	assert_int_equal(parse("{\"id\":[1],\"params\":{}}", &call, err, sizeof err), 0);
	assert_string_equal(call.id, "null");
	jsonrpc_call_free(&call);
}

static void test_result_and_error_are_odoos_shapes(void **state)
{
	(void)state;
	assert_string_equal(printed(jsonrpc_result("7", cJSON_CreateTrue())),
			    "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":true}");
	assert_string_equal(printed(jsonrpc_error("\"x\"", "not_local", "Accès refusé")),
			    "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":200,\"message\":"
			    "\"Odoo Server Error\",\"data\":{\"name\":\"cashdrawerd.not_local\","
			    "\"message\":\"Accès refusé\",\"arguments\":[\"Accès refusé\"],"
			    "\"context\":{},\"debug\":\"\"}}}");
}

/* A body of prefix, n characters of c, then suffix, in a buffer of its
 * exact size (not NUL-terminated, as a request's body). */
static char *long_body(const char *prefix, size_t n, char c, const char *suffix, size_t *length)
{
	size_t a = strlen(prefix), b = strlen(suffix);
	char *body = malloc(a + n + b);

	assert_non_null(body);
	memcpy(body, prefix, a);
	memset(body + a, c, n);
	memcpy(body + a + n, suffix, b);
	*length = a + n + b;
	return body;
}

static void test_a_long_receipt_stays_in_the_body_where_it_was(void **state)
{
	struct jsonrpc_call call;
	const char *prefix = "{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"params\":{\"data\":"
			     "{\"action\":\"print_receipt\",\"receipt\":\"";
	size_t length;
	char err[128], *body = long_body(prefix, 3 * JSONRPC_LONG_STRING, 'Q', "\"}},\"id\":9}",
					 &length);

	(void)state;
	assert_int_equal(jsonrpc_parse_in_place(body, length, &call, err, sizeof err), 0);
	assert_string_equal(call.id, "9");
	assert_string_equal(call.action, "print_receipt");
	assert_ptr_equal(call.receipt, body + strlen(prefix));
	assert_int_equal(call.receipt_length, 3 * JSONRPC_LONG_STRING);
	assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(call.data, "receipt")));
	jsonrpc_call_free(&call);
	free(body);
}

/* Any other long string, or a receipt that is not plain, or the
 * placeholder spelt in the body: parsed whole, as jsonrpc_parse does. */
static void test_other_long_strings_are_parsed_as_jsonrpc_parse_does(void **state)
{
	static const struct {
		const char *prefix, *suffix, *id, *action;
		char c;
		int rc;
	} cases[] = {
		/* an id too long to echo: null, not the placeholder */
		{"{\"params\":{\"data\":{\"action\":\"x\"}},\"id\":\"", "\"}", "null", "x", 'a', 0},
		/* a long action: given whole */
		{"{\"params\":{\"data\":{\"action\":\"", "\"}}}", "null", NULL, 'b', 0},
		/* a receipt with an escape: cJSON's copy */
		{"{\"params\":{\"data\":{\"receipt\":\"\\/", "\"}},\"id\":1}", "1", NULL, 'c', 0},
		/* the placeholder written by the client beside a long receipt */
		{"{\"params\":{\"data\":{\"a\":\"cashdrawerd:receipt-left-in-the-body\",\"receipt\":\"",
		 "\"}},\"id\":2}", "2", NULL, 'd', 0},
		/* a long key */
		{"{\"params\":{\"data\":{\"", "\":1}},\"id\":3}", "3", NULL, 'e', 0},
		/* refused bodies keep their reason and id */
		{"{\"jsonrpc\":\"", "\",\"id\":4}", "4", NULL, 'f', -EINVAL},
		{"{\"id\":5,\"params\":{\"data\":{\"receipt\":\"", "\"}}", "null", NULL, 'g', -EINVAL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct jsonrpc_call call, whole;
		size_t length;
		char err[128], whole_err[128];
		char *body = long_body(cases[i].prefix, 2 * JSONRPC_LONG_STRING, cases[i].c,
				       cases[i].suffix, &length);
		int rc = jsonrpc_parse_in_place(body, length, &call, err, sizeof err);

		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(jsonrpc_parse(body, length, &whole, whole_err, sizeof whole_err), rc);
		assert_null(call.receipt);
		assert_string_equal(call.id, whole.id);
		if (rc == 0) {
			char *a = cJSON_PrintUnformatted(call.root), *b = cJSON_PrintUnformatted(whole.root);

			assert_string_equal(a, b);
			cJSON_free(a);
			cJSON_free(b);
			if (cases[i].action != NULL)
				assert_string_equal(call.action, cases[i].action);
		} else {
			assert_string_equal(err, whole_err);
		}
		jsonrpc_call_free(&call);
		jsonrpc_call_free(&whole);
		free(body);
	}
}

static void test_two_long_strings_are_parsed_whole(void **state)
{
	struct jsonrpc_call call;
	size_t length, a;
	char err[128], *body = long_body("{\"params\":{\"data\":{\"receipt\":\"",
					 2 * JSONRPC_LONG_STRING + 20, 'h', "\"}}}", &length);

	(void)state;
	/* the receipt, then a second long string: "x":"hhh..." inside it */
	a = strlen("{\"params\":{\"data\":{\"receipt\":\"") + JSONRPC_LONG_STRING;
	memcpy(body + a, "\",\"x\":\"", 7);
	assert_int_equal(jsonrpc_parse_in_place(body, length, &call, err, sizeof err), 0);
	assert_null(call.receipt);
	assert_int_equal(strlen(cJSON_GetObjectItemCaseSensitive(call.data, "receipt")->valuestring),
			 JSONRPC_LONG_STRING);
	jsonrpc_call_free(&call);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odoo_cashbox_call_gives_its_action_and_id),
		cmocka_unit_test(test_a_call_without_params_has_empty_params_and_no_action),
		cmocka_unit_test(test_bodies_that_are_no_call_are_refused_with_a_reason),
		cmocka_unit_test(test_an_id_that_is_no_number_or_string_is_echoed_as_null),
		cmocka_unit_test(test_result_and_error_are_odoos_shapes),
		cmocka_unit_test(test_a_long_receipt_stays_in_the_body_where_it_was),
		cmocka_unit_test(test_other_long_strings_are_parsed_as_jsonrpc_parse_does),
		cmocka_unit_test(test_two_long_strings_are_parsed_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
