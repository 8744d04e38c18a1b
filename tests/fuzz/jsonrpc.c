/* Fuzzes the JSON-RPC envelope of the hardware-proxy routes (jsonrpc_parse)
 * and the answers built from what it kept. The input is a request body, in
 * an allocation of its exact size, not NUL-terminated. Properties: a body
 * accepted has params as an object, data NULL or an object, action NULL or
 * a string; the id kept is always valid JSON (null, a number or a string),
 * and the result and error envelopes built with it print, parse back, and
 * echo exactly that id. jsonrpc_parse_in_place gives what jsonrpc_parse
 * gives, on the input with each '~' grown into a string's worth of
 * JSONRPC_LONG_STRING characters (libFuzzer's inputs stop at 4 KiB): the
 * same answer, id, action, tree, and a receipt left in the body equal to
 * the one jsonrpc_parse copies. */
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

/* The input with each '~' replaced by JSONRPC_LONG_STRING 'A's. */
static char *grown(const uint8_t *data, size_t size, size_t *length)
{
	size_t tildes = 0, n = 0;
	char *body;

	for (size_t i = 0; i < size; i++)
		tildes += data[i] == '~';
	body = malloc(size + tildes * JSONRPC_LONG_STRING + 1);
	if (body == NULL)
		abort();
	for (size_t i = 0; i < size; i++) {
		if (data[i] != '~') {
			body[n++] = (char)data[i];
			continue;
		}
		memset(body + n, 'A', JSONRPC_LONG_STRING);
		n += JSONRPC_LONG_STRING;
	}
	*length = n;
	return body;
}

static void check_in_place(const uint8_t *data, size_t size)
{
	struct jsonrpc_call whole, call;
	char err[256] = "", err2[256] = "", *a, *b;
	size_t length;
	char *body = grown(data, size, &length);
	int rc = jsonrpc_parse(body, length, &whole, err, sizeof err);
	int rc2 = jsonrpc_parse_in_place(body, length, &call, err2, sizeof err2);

	FUZZ_CHECK(rc == rc2, "in place rc %d, whole %d", rc2, rc);
	FUZZ_CHECK(strcmp(whole.id, call.id) == 0, "in place id %s, whole %s", call.id, whole.id);
	if (rc < 0) {
		FUZZ_CHECK(strcmp(err, err2) == 0, "in place '%s', whole '%s'", err2, err);
		FUZZ_CHECK(call.receipt == NULL, "a receipt in a refused body");
		goto out;
	}
	FUZZ_CHECK((whole.action == NULL) == (call.action == NULL) &&
			   (whole.action == NULL || strcmp(whole.action, call.action) == 0),
		   "in place action");
	if (call.receipt != NULL) {
		cJSON *copied = cJSON_GetObjectItemCaseSensitive(whole.data, "receipt");
		cJSON *held = cJSON_GetObjectItemCaseSensitive(call.data, "receipt");

		FUZZ_CHECK(cJSON_IsString(copied) && strlen(copied->valuestring) == call.receipt_length &&
				   memcmp(copied->valuestring, call.receipt, call.receipt_length) == 0,
			   "the receipt left in the body is not the one parsed");
		FUZZ_CHECK(call.receipt >= body && call.receipt + call.receipt_length <= body + length,
			   "the receipt is not in the body");
		/* the rest of the tree as parsed whole */
		cJSON_SetValuestring(held, copied->valuestring);
	}
	a = cJSON_PrintUnformatted(whole.root);
	b = cJSON_PrintUnformatted(call.root);
	FUZZ_CHECK(a != NULL && b != NULL && strcmp(a, b) == 0, "in place tree differs");
	cJSON_free(a);
	cJSON_free(b);
out:
	jsonrpc_call_free(&whole);
	jsonrpc_call_free(&call);
	free(body);
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
	check_in_place(data, size);
	return 0;
}
