/* Fuzzes the JSON-RPC envelope of the hardware-proxy routes (jsonrpc_parse)
 * and the answers built from what it kept. The input is a request body, in
 * an allocation of its exact size, not NUL-terminated. Properties: a body
 * accepted has params as an object, data NULL or an object, action NULL or
 * a string; the id kept is always valid JSON (null, a number or a string),
 * and the result and error envelopes built with it print, parse back, and
 * echo exactly that id. */
#include <errno.h>

#include "fuzz.h"
#include "http/jsonrpc.h"

static void check_envelope(cJSON *built, const char *id)
{
	char *text = cJSON_PrintUnformatted(built), *echoed;
	cJSON *back, *back_id;

	FUZZ_CHECK(text != NULL, "envelope does not print");
	back = cJSON_Parse(text);
	FUZZ_CHECK(back != NULL, "envelope does not parse back: %s", text);
	back_id = cJSON_GetObjectItemCaseSensitive(back, "id");
	echoed = cJSON_PrintUnformatted(back_id);
	FUZZ_CHECK(echoed != NULL && strcmp(echoed, id) == 0, "id %s echoed as %s", id,
		   echoed != NULL ? echoed : "(none)");
	cJSON_free(echoed);
	cJSON_Delete(back);
	cJSON_free(text);
	cJSON_Delete(built);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = malloc(size > 0 ? size : 1), err[256];
	struct jsonrpc_call call;
	cJSON *id;
	int rc;

	if (body == NULL)
		abort();
	memcpy(body, data, size);
	rc = jsonrpc_parse(body, size, &call, err, sizeof err);
	FUZZ_CHECK(fuzz_terminated(call.id, sizeof call.id), "id not terminated");
	id = cJSON_Parse(call.id);
	FUZZ_CHECK(id != NULL && (cJSON_IsNull(id) || cJSON_IsNumber(id) || cJSON_IsString(id)),
		   "id %s is not null, a number or a string", call.id);
	cJSON_Delete(id);
	if (rc == 0) {
		FUZZ_CHECK(cJSON_IsObject(call.params), "params not an object");
		FUZZ_CHECK(call.data == NULL || cJSON_IsObject(call.data), "data not an object");
		FUZZ_CHECK(call.action == NULL || cJSON_IsString(
			   cJSON_GetObjectItemCaseSensitive(call.data, "action")), "action");
	} else {
		FUZZ_CHECK(rc == -EINVAL || rc == -ENOMEM, "rc %d", rc);
		FUZZ_CHECK(err[0] != '\0', "no reason");
	}
	check_envelope(jsonrpc_result(call.id, cJSON_CreateTrue()), call.id);
	check_envelope(jsonrpc_error(call.id, "invalid_request", "message"), call.id);
	jsonrpc_call_free(&call);
	free(body);
	return 0;
}
