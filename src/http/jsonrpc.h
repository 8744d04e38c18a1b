/* Odoo's JSON-RPC envelope (pure): what the POS posts to the hardware proxy,
 * {"jsonrpc":"2.0","method":"call","params":{...},"id":N}, and what it reads
 * back: {"jsonrpc":"2.0","id":N,"result":...}, or an error in Odoo's own
 * shape, which every POS version from 14.0 reads (docs/odoo.md). */
#ifndef CASHDRAWERD_HTTP_JSONRPC_H
#define CASHDRAWERD_HTTP_JSONRPC_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The id echoed as it came: a number or a string, as JSON text; "null" when
 * absent or unusable. */
#define JSONRPC_ID_MAX 80

struct jsonrpc_call {
	char id[JSONRPC_ID_MAX];
	cJSON *root;          /* the whole body; jsonrpc_call_free frees it */
	const cJSON *params;  /* an object (an empty one when the body had none) */
	const cJSON *data;    /* params.data when it is an object, else NULL */
	const char *action;   /* params.data.action when a string, else NULL */
	/* jsonrpc_parse_in_place only: params.data.receipt's characters, where
	 * they are in the body, when it is the body's one long string; NULL
	 * otherwise (the tree's valuestring holds it then) */
	char *receipt;
	size_t receipt_length;
};

/* Parses a request body (not NUL-terminated) into call. Returns 0, or
 * -EINVAL with err saying what is wrong (call->id is still filled when the
 * body was an object with a usable id, so the error can echo it). */
int jsonrpc_parse(const char *body, size_t length, struct jsonrpc_call *call, char *err,
		  size_t errlen);
/* As jsonrpc_parse, but a print_receipt's image (params.data.receipt, half
 * a megabyte of base64) is not copied: when it is the body's one string of
 * JSONRPC_LONG_STRING characters or more, without backslash or NUL, cJSON
 * parses the body with a placeholder in its stead and call->receipt points
 * at it in body, which its caller may then decode in place. Every other
 * body is parsed by jsonrpc_parse itself, with the same result. */
#define JSONRPC_LONG_STRING 4096
int jsonrpc_parse_in_place(char *body, size_t length, struct jsonrpc_call *call, char *err,
			   size_t errlen);
void jsonrpc_call_free(struct jsonrpc_call *call);

/* {"jsonrpc":"2.0","id":id,"result":result} (result consumed; NULL: null). */
cJSON *jsonrpc_result(const char *id, cJSON *result);

/* {"jsonrpc":"2.0","id":id,"error":{"code":200,"message":"Odoo Server Error",
 * "data":{"name":"cashdrawerd.CODE","message":message,"arguments":[message],
 * "context":{},"debug":""}}}: Odoo's own error, whose data.arguments[0]
 * POS 14.0 and 15.0 read and whose integer code and string message the
 * newest POS require. */
cJSON *jsonrpc_error(const char *id, const char *code, const char *message);

#endif
