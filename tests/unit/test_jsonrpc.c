/* Specifies the JSON-RPC envelope of the hardware-proxy routes: what Odoo's
 * POS posts is parsed (params, data, action, id), anything else is refused
 * with a reason, and the answers are Odoo's own shapes, echoing the id. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odoo_cashbox_call_gives_its_action_and_id),
		cmocka_unit_test(test_a_call_without_params_has_empty_params_and_no_action),
		cmocka_unit_test(test_bodies_that_are_no_call_are_refused_with_a_reason),
		cmocka_unit_test(test_an_id_that_is_no_number_or_string_is_echoed_as_null),
		cmocka_unit_test(test_result_and_error_are_odoos_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
