/* Odoo's hardware proxy (the IoT box's /hw_proxy/ routes), which the stock
 * POS calls when its "IoT Box" address is this till (docs/odoo.md): hello,
 * handshake, the devices' status, and default_printer_action's cashbox (the
 * drawer's kick) and print_receipt (a JPEG of the receipt, printed as
 * ESC/POS raster); open_cashbox for older POS versions. A printer failure is
 * Odoo's `result: false` (the POS then says "Connection to the printer
 * failed"); bad input is a JSON-RPC error and prints nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drawer/health.h"
#include "http/drawer_wait.h"
#include "http/routes.h"
#include "receipt/receipt.h"

/* GET /hw_proxy/hello: the POS probes it (1 s timeout, 4 tries); any 2xx
 * will do, the body is the IoT box's. Not JSON: POS 14.0 to 16.0 would try
 * to parse it. */
static struct MHD_Response *render_ping(struct http_request *request)
{
	static const char ping[] = "ping";
	struct MHD_Response *response;

	(void)request;
	response = MHD_create_response_from_buffer(sizeof ping - 1, (void *)ping,
						   MHD_RESPMEM_PERSISTENT);
	if (response != NULL)
		answer_content_type(response, "text/plain; charset=utf-8");
	return response;
}

bool route_hw_hello(struct http_request *request, struct answer *answer)
{
	(void)request;
	answer_init(answer, OUTCOME_OK);
	answer->render = render_ping;
	return true;
}

/* The call in request's body, its id kept for every answer. False, with
 * answer filled (a JSON-RPC error), when the body is no call. */
static bool parse_call(struct http_request *request, struct answer *answer,
		       struct jsonrpc_call *call)
{
	char reason[160];
	int rc = jsonrpc_parse_in_place(request->body, request->body_length, call, reason,
					sizeof reason);

	snprintf(request->rpc_id, sizeof request->rpc_id, "%s", call->id);
	if (rc == 0)
		return true;
	jsonrpc_call_free(call);
	answer_with(answer, OUTCOME_INVALID_REQUEST, "%s", reason);
	return false;
}

static void answer_result(struct http_request *request, struct answer *answer, cJSON *result)
{
	answer->json = jsonrpc_result(request->rpc_id, result);
}

bool route_hw_handshake(struct http_request *request, struct answer *answer)
{
	struct jsonrpc_call call;

	if (!parse_call(request, answer, &call))
		return true;
	jsonrpc_call_free(&call);
	answer_init(answer, OUTCOME_OK);
	answer_result(request, answer, cJSON_CreateTrue());
	return true;
}

/* The POS's status widget reads drivers.<device>.status: "connected" and
 * "connecting" are fine, anything else shows the printer offline. */
static cJSON *device_status(const struct printer_health_report *report)
{
	static const char *const words[] = {
		[PRINTER_HEALTH_UNKNOWN] = "connecting",
		[PRINTER_HEALTH_OK] = "connected",
		[PRINTER_HEALTH_PROBLEM] = "error",
		[PRINTER_HEALTH_UNREACHABLE] = "disconnected",
	};
	cJSON *device = cJSON_CreateObject();

	cJSON_AddStringToObject(device, "status", words[report->health]);
	cJSON_AddStringToObject(device, "messages", report->message);
	return device;
}

/* POST /hw_proxy/status_json, every 5 s with a 2.5 s timeout: answered at
 * once from the last check, never waiting for the printer; a check is asked
 * for if that one is older than status_cache_ms, for the next poll. */
bool route_hw_status(struct http_request *request, struct answer *answer)
{
	struct drawer_printer_state state;
	struct printer_health_report report;
	struct jsonrpc_call call;
	cJSON *result;

	if (!parse_call(request, answer, &call))
		return true;
	jsonrpc_call_free(&call);
	/* a fresh check, or a print queue's state (it has nothing to ask) */
	if (drawer_query_cached(request->context->drawer, &request->drawer)) {
		state = request->drawer.result.state;
	} else {
		drawer_refresh(request->context->drawer);
		drawer_last_state(request->context->drawer, &state);
	}
	printer_health_of(&state, &report);
	result = cJSON_CreateObject();
	/* "printer" since 14.0; "escpos" for older POS and the proxies that use it */
	cJSON_AddItemToObject(result, "printer", device_status(&report));
	cJSON_AddItemToObject(result, "escpos", device_status(&report));
	answer_init(answer, OUTCOME_OK);
	answer_result(request, answer, result);
	return true;
}

/* The drawer's or the printer's answer to a kick or a receipt: true, or
 * Odoo's `false` with 200 for a printer failure. */
static void answer_printer(struct http_request *request, struct answer *answer,
			   enum outcome success, const char *done)
{
	const struct drawer_result *result = &request->drawer.result;

	if (result->error != 0) {
		answer_with(answer, outcome_of_error(result->error), "%s", result->detail);
		answer->status = MHD_HTTP_OK;
		answer_result(request, answer, cJSON_CreateFalse());
		return;
	}
	answer_with(answer, success, "%s%s%s", done, result->detail[0] != '\0' ? " ; " : "",
		    result->detail);
	answer_result(request, answer, cJSON_CreateTrue());
}

static bool kick(struct http_request *request, struct answer *answer)
{
	const struct drawer_result *result = &request->drawer.result;

	request->kick = true;
	if (!http_drawer_ask(request, drawer_open))
		return false;
	answer_printer(request, answer, result->coalesced ? OUTCOME_COALESCED : OUTCOME_OPENED,
		       result->coalesced ? "Tiroir-caisse ouvert (impulsion partagée)"
					 : "Tiroir-caisse ouvert");
	return true;
}

static const enum outcome receipt_outcomes[] = {
	[RECEIPT_OK] = OUTCOME_PRINTED,
	[RECEIPT_BAD_OPTIONS] = OUTCOME_INTERNAL_ERROR,
	[RECEIPT_NOT_BASE64] = OUTCOME_NOT_BASE64,
	[RECEIPT_NOT_JPEG] = OUTCOME_NOT_JPEG,
	[RECEIPT_CORRUPT_JPEG] = OUTCOME_CORRUPT_JPEG,
	[RECEIPT_UNSUPPORTED_JPEG] = OUTCOME_UNSUPPORTED_JPEG,
	[RECEIPT_EMPTY_IMAGE] = OUTCOME_EMPTY_IMAGE,
	[RECEIPT_TOO_WIDE] = OUTCOME_IMAGE_TOO_WIDE,
	[RECEIPT_TOO_TALL] = OUTCOME_IMAGE_TOO_TALL,
	[RECEIPT_OUTPUT_FAILED] = OUTCOME_INTERNAL_ERROR,
	[RECEIPT_NO_MEMORY] = OUTCOME_INTERNAL_ERROR,
};

static void receipt_options(const struct config *config, struct receipt_options *options)
{
	receipt_options_init(options);
	options->dot_width = config->receipt_dots;
	options->max_width = config->receipt_max_width;
	options->max_height = config->receipt_max_height;
	options->cut = config->receipt_cut == CONFIG_CUT_FULL   ? RECEIPT_CUT_FULL
		       : config->receipt_cut == CONFIG_CUT_NONE ? RECEIPT_CUT_NONE
								: RECEIPT_CUT_PARTIAL;
}

/* The receipt's ESC/POS bytes into request->receipt, made whole before a
 * byte goes to the printer: a JPEG found bad halfway prints nothing. The
 * base64 text (in the request's body, or in the call's tree) is decoded in
 * place: the JPEG takes its first three quarters. False with answer filled
 * (a JSON-RPC error) when it cannot be printed. */
static bool convert(struct http_request *request, struct answer *answer, char *base64,
		    size_t length)
{
	struct receipt_options options;
	struct receipt_result result = {0};
	struct receipt_buffer out = {0};
	uint8_t *jpeg = (uint8_t *)base64;
	size_t jpeg_length = 0;
	char reason[256];
	int rc;

	receipt_options(request->context->config, &options);
	rc = receipt_base64_decode(base64, length, jpeg, length, &jpeg_length, reason,
				   sizeof reason);
	if (rc < 0) {
		result.reason = RECEIPT_NOT_BASE64;
		goto out;
	}
	rc = receipt_measure_jpeg(jpeg, jpeg_length, &options, &result, reason, sizeof reason);
	if (rc < 0)
		goto out;
	out.capacity = result.bytes;
	if ((out.data = malloc(out.capacity)) == NULL) {
		rc = -ENOMEM;
		result.reason = RECEIPT_NO_MEMORY;
		snprintf(reason, sizeof reason, "mémoire insuffisante");
		goto out;
	}
	rc = receipt_print_jpeg(jpeg, jpeg_length, &options, receipt_buffer_sink, &out, &result,
				reason, sizeof reason);
out:
	if (rc < 0) {
		free(out.data);
		answer_with(answer, receipt_outcomes[result.reason], "%s", reason);
		return false;
	}
	request->receipt = out.data;
	request->drawer.job = out.data;
	request->drawer.job_length = out.len;
	snprintf(request->receipt_detail, sizeof request->receipt_detail,
		 "ticket imprimé : %u x %u points, %u bandes, %zu octets", result.image_width,
		 result.image_height, result.bands, out.len);
	return true;
}

static bool print_receipt(struct http_request *request, struct answer *answer,
			  struct jsonrpc_call *call)
{
	const cJSON *receipt = cJSON_GetObjectItemCaseSensitive(call->data, "receipt");
	bool converted;

	if (!cJSON_IsString(receipt)) {
		jsonrpc_call_free(call);
		answer_with(answer, OUTCOME_INVALID_REQUEST,
			    "print_receipt sans champ receipt (une image JPEG en base64)");
		return true;
	}
	converted = call->receipt != NULL
			    ? convert(request, answer, call->receipt, call->receipt_length)
			    : convert(request, answer, receipt->valuestring,
				      strlen(receipt->valuestring));
	jsonrpc_call_free(call);
	if (!converted)
		return true;
	if (!http_drawer_ask(request, drawer_print))
		return false;
	answer_printer(request, answer, OUTCOME_PRINTED, request->receipt_detail);
	return true;
}

/* POST /hw_proxy/default_printer_action {data: {action, receipt}} */
bool route_hw_action(struct http_request *request, struct answer *answer)
{
	struct jsonrpc_call call;

	if (request->waiting && request->receipt != NULL) { /* resumed: the receipt is printed */
		answer_printer(request, answer, OUTCOME_PRINTED, request->receipt_detail);
		return true;
	}
	if (request->waiting) /* resumed: the drawer has kicked */
		return kick(request, answer);
	if (!parse_call(request, answer, &call))
		return true;
	if (call.action != NULL && strcmp(call.action, "cashbox") == 0) {
		jsonrpc_call_free(&call);
		return kick(request, answer);
	}
	if (call.action != NULL && strcmp(call.action, "print_receipt") == 0)
		return print_receipt(request, answer, &call);
	answer_with(answer, OUTCOME_UNKNOWN_ACTION, "action %.64s",
		    call.action != NULL ? call.action : "absente");
	jsonrpc_call_free(&call);
	return true;
}

/* POST /hw_proxy/open_cashbox: the kick, as POS versions before 13 ask it */
bool route_hw_open_cashbox(struct http_request *request, struct answer *answer)
{
	struct jsonrpc_call call;

	if (!request->waiting) {
		if (!parse_call(request, answer, &call))
			return true;
		jsonrpc_call_free(&call);
	}
	return kick(request, answer);
}
