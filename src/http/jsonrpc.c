/* Odoo's JSON-RPC envelope (see jsonrpc.h). */
#include "http/jsonrpc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Odoo's serialize_exception: code 200 for any server error (100 would log
 * the POS out), the exception's name and message in data. */
#define ODOO_ERROR_CODE 200
#define ODOO_ERROR_MESSAGE "Odoo Server Error"

static void take_id(const cJSON *root, char id[JSONRPC_ID_MAX])
{
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(root, "id");
	char *text = NULL;

	snprintf(id, JSONRPC_ID_MAX, "null");
	if (value == NULL || !(cJSON_IsNumber(value) || cJSON_IsString(value)))
		return;
	text = cJSON_PrintUnformatted(value);
	/* an id too long to echo is as good as none */
	if (text != NULL && strlen(text) < JSONRPC_ID_MAX)
		snprintf(id, JSONRPC_ID_MAX, "%s", text);
	cJSON_free(text);
}

int jsonrpc_parse(const char *body, size_t length, struct jsonrpc_call *call, char *err,
		  size_t errlen)
{
	const cJSON *version, *params, *action;

	memset(call, 0, sizeof *call);
	snprintf(call->id, sizeof call->id, "null");
	call->root = body != NULL ? cJSON_ParseWithLength(body, length) : NULL;
	if (call->root == NULL) {
		snprintf(err, errlen, "le corps n'est pas du JSON");
		return -EINVAL;
	}
	if (!cJSON_IsObject(call->root)) {
		snprintf(err, errlen, "le corps n'est pas un objet JSON-RPC");
		return -EINVAL;
	}
	take_id(call->root, call->id);
	version = cJSON_GetObjectItemCaseSensitive(call->root, "jsonrpc");
	if (version != NULL && !(cJSON_IsString(version) && strcmp(version->valuestring, "2.0") == 0)) {
		snprintf(err, errlen, "\"jsonrpc\" n'est pas \"2.0\"");
		return -EINVAL;
	}
	params = cJSON_GetObjectItemCaseSensitive(call->root, "params");
	if (params == NULL) {
		params = cJSON_AddObjectToObject(call->root, "params");
		if (params == NULL) {
			snprintf(err, errlen, "mémoire insuffisante");
			return -ENOMEM;
		}
	} else if (!cJSON_IsObject(params)) {
		snprintf(err, errlen, "\"params\" n'est pas un objet");
		return -EINVAL;
	}
	call->params = params;
	call->data = cJSON_GetObjectItemCaseSensitive(params, "data");
	if (!cJSON_IsObject(call->data))
		call->data = NULL;
	action = call->data != NULL ? cJSON_GetObjectItemCaseSensitive(call->data, "action") : NULL;
	call->action = cJSON_IsString(action) ? action->valuestring : NULL;
	return 0;
}

void jsonrpc_call_free(struct jsonrpc_call *call)
{
	cJSON_Delete(call->root);
	call->root = NULL;
	call->params = call->data = NULL;
	call->action = NULL;
}

static cJSON *envelope(const char *id)
{
	cJSON *body = cJSON_CreateObject();

	cJSON_AddStringToObject(body, "jsonrpc", "2.0");
	cJSON_AddRawToObject(body, "id", id != NULL && id[0] != '\0' ? id : "null");
	return body;
}

cJSON *jsonrpc_result(const char *id, cJSON *result)
{
	cJSON *body = envelope(id);

	cJSON_AddItemToObject(body, "result", result != NULL ? result : cJSON_CreateNull());
	return body;
}

cJSON *jsonrpc_error(const char *id, const char *code, const char *message)
{
	cJSON *body = envelope(id), *error, *data, *arguments;
	char name[96];

	error = cJSON_AddObjectToObject(body, "error");
	cJSON_AddNumberToObject(error, "code", ODOO_ERROR_CODE);
	cJSON_AddStringToObject(error, "message", ODOO_ERROR_MESSAGE);
	data = cJSON_AddObjectToObject(error, "data");
	snprintf(name, sizeof name, "cashdrawerd.%s", code);
	cJSON_AddStringToObject(data, "name", name);
	cJSON_AddStringToObject(data, "message", message);
	arguments = cJSON_AddArrayToObject(data, "arguments");
	cJSON_AddItemToArray(arguments, cJSON_CreateString(message));
	cJSON_AddObjectToObject(data, "context");
	cJSON_AddStringToObject(data, "debug", "");
	return body;
}
