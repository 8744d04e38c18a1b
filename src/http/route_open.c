/* GET /open-cash-drawer (loopback clients only, src/admission): the drawer
 * answers on its own thread while the connection is suspended, so a slow
 * printer never holds an HTTP worker. */
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
	/* read back after the pulse where the printer answers; "unknown" otherwise */
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
	if (!http_drawer_ask(request, drawer_open))
		return false;
	answer_result(&request->drawer.result, answer);
	return true;
}
