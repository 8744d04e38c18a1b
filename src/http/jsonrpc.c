/* Odoo's JSON-RPC envelope (see jsonrpc.h). */
#include "http/jsonrpc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/* What the call holds, once root is parsed. */
static int read_call(struct jsonrpc_call *call, char *err, size_t errlen)
{
	const cJSON *version, *params, *action;

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

int jsonrpc_parse(const char *body, size_t length, struct jsonrpc_call *call, char *err,
		  size_t errlen)
{
	memset(call, 0, sizeof *call);
	snprintf(call->id, sizeof call->id, "null");
	call->root = body != NULL ? cJSON_ParseWithLength(body, length) : NULL;
	return read_call(call, err, errlen);
}

/* Stands for the long string in the text cJSON parses; found exactly once
 * in the tree, as params.data.receipt, or the body is parsed again whole. */
#define PLACEHOLDER "cashdrawerd:receipt-left-in-the-body"

/* The one string of body[0..length) of JSONRPC_LONG_STRING characters or
 * more, without backslash or NUL: [*start, *end) its characters. JSON's
 * lexical rule: out of a string a quote opens one; in a string the next
 * quote not escaped (after an even number of backslashes) closes it.
 * memchr goes through half a megabyte of base64 at memory speed. */
static bool find_long_string(const char *body, size_t length, size_t *start, size_t *end)
{
	const char *p = body, *stop = body + length;
	bool found = false;

	while ((p = memchr(p, '"', (size_t)(stop - p))) != NULL) {
		const char *open = ++p, *close;

		for (;;) {
			const char *back;

			close = memchr(p, '"', (size_t)(stop - p));
			if (close == NULL)
				return found; /* not closed: cJSON refuses it, or stops before */
			for (back = close; back > open && back[-1] == '\\'; back--)
				;
			if ((close - back) % 2 == 0)
				break;
			p = close + 1;
		}
		p = close + 1;
		if ((size_t)(close - open) < JSONRPC_LONG_STRING ||
		    memchr(open, '\\', (size_t)(close - open)) != NULL ||
		    memchr(open, '\0', (size_t)(close - open)) != NULL)
			continue;
		if (found)
			return false; /* two: no guessing which */
		found = true;
		*start = (size_t)(open - body);
		*end = (size_t)(close - body);
	}
	return found;
}

/* Strings and keys of the tree equal to PLACEHOLDER. */
static unsigned placeholders(const cJSON *item)
{
	unsigned n = 0;

	for (; item != NULL; item = item->next) {
		n += item->string != NULL && strcmp(item->string, PLACEHOLDER) == 0;
		n += cJSON_IsString(item) && strcmp(item->valuestring, PLACEHOLDER) == 0;
		n += placeholders(item->child);
	}
	return n;
}

int jsonrpc_parse_in_place(char *body, size_t length, struct jsonrpc_call *call, char *err,
			   size_t errlen)
{
	size_t start, end, shorter;
	const cJSON *receipt;
	char *text;
	int rc;

	if (body == NULL || !find_long_string(body, length, &start, &end))
		return jsonrpc_parse(body, length, call, err, errlen);
	/* the body with PLACEHOLDER for the long string: a hundred bytes or so */
	shorter = length - (end - start) + sizeof PLACEHOLDER - 1;
	if ((text = malloc(shorter)) == NULL)
		return jsonrpc_parse(body, length, call, err, errlen);
	memcpy(text, body, start);
	memcpy(text + start, PLACEHOLDER, sizeof PLACEHOLDER - 1);
	memcpy(text + start + sizeof PLACEHOLDER - 1, body + end, length - end);
	rc = jsonrpc_parse(text, shorter, call, err, errlen);
	free(text);
	receipt = rc == 0 && call->data != NULL
			  ? cJSON_GetObjectItemCaseSensitive(call->data, "receipt")
			  : NULL;
	if (cJSON_IsString(receipt) && strcmp(receipt->valuestring, PLACEHOLDER) == 0 &&
	    placeholders(call->root) == 1) {
		call->receipt = body + start;
		call->receipt_length = end - start;
		return 0;
	}
	/* the long string was something else (or the body is refused): the
	 * answer must be the one the body itself gets */
	jsonrpc_call_free(call);
	return jsonrpc_parse(body, length, call, err, errlen);
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
