/* GET /open-cash-drawer (loopback clients only, src/admission): the drawer
 * answers on its own thread while the connection is suspended, so a slow
 * printer never holds an HTTP worker. ?read_back=true waits for the pulse
 * and reads the drawer back; without it the answer goes once the printer
 * has the kick. */
#include <stdio.h>
#include <string.h>

#include "http/drawer_wait.h"
#include "http/routes.h"

/* The drawer has answered. */
static void answer_result(const struct drawer_result *result, struct answer *answer)
{
	enum outcome outcome = result->coalesced ? OUTCOME_COALESCED : OUTCOME_OPENED;
	cJSON *body;

	if (result->error != 0) {
		answer_with(answer, outcome_of_error(result->error), "%s", result->detail);
		return;
	}
	/* a detail on success: the kick went out, its read-back failed */
	answer_with(answer, outcome, "%s%s%s%s", outcome_message(outcome),
		    result->coalesced ? " (impulsion partagée)" : "",
		    result->detail[0] != '\0' ? " ; " : "", result->detail);
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "status", "success");
	cJSON_AddStringToObject(body, "message", outcome_message(outcome));
	cJSON_AddBoolToObject(body, "coalesced", result->coalesced);
	/* read back after the pulse when asked (?read_back=true) and the
	 * printer answers; "unknown" otherwise */
	cJSON_AddStringToObject(body, "drawer", escpos_drawer_name(result->drawer));
	answer->json = body;
}

bool route_open(struct http_request *request, struct answer *answer)
{
	cJSON *body;

	if (request->method_bit == ENDPOINT_HEAD) {
		/* HEAD tells whether this client may open, and never fires the solenoid. */
		answer_init(answer, OUTCOME_HEAD_NO_KICK);
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "status", "ready");
		cJSON_AddStringToObject(body, "message", outcome_message(OUTCOME_HEAD_NO_KICK));
		answer->json = body;
		return true;
	}
	if (!request->waiting) {
		const char *value = NULL;
		bool present = MHD_lookup_connection_value_n(request->connection,
							     MHD_GET_ARGUMENT_KIND,
							     ENDPOINT_OPEN_READ_BACK,
							     strlen(ENDPOINT_OPEN_READ_BACK), &value,
							     NULL) == MHD_YES;

		request->drawer.read_back = endpoint_query_flag(present, value);
	}
	if (!http_drawer_ask(request, drawer_open))
		return false;
	answer_result(&request->drawer.result, answer);
	return true;
}
