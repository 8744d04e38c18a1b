/* GET /open-cash-drawer (loopback clients only, see guard.c); the drawer answers on its
 * own thread while the connection is suspended, so a slow printer never
 * holds an HTTP worker. */
#include <stdio.h>
#include <string.h>

#include "http/request.h"

#define MESSAGE_OPENED "Tiroir-caisse ouvert"

static void on_drawer_done(struct drawer_request *drawer_request)
{
	struct http_request *request = drawer_request->context;

	MHD_resume_connection(request->connection);
}

static enum MHD_Result answer(struct http_request *request, const char *method, const char *url)
{
	const struct drawer_result *result = &request->drawer.result;
	char log_message[sizeof result->detail + 64];
	cJSON *body;

	if (result->error != 0)
		return respond_error(request, method, url, MHD_HTTP_SERVICE_UNAVAILABLE,
				     drawer_error_code(result->error),
				     drawer_error_message_fr(result->error), result->detail);
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "status", "success");
	cJSON_AddStringToObject(body, "message", MESSAGE_OPENED);
	cJSON_AddBoolToObject(body, "coalesced", result->coalesced);
	/* read back after the pulse where the printer answers; "unknown" otherwise */
	cJSON_AddStringToObject(body, "drawer", escpos_drawer_name(result->drawer));
	/* a detail on success: the kick went out, its read-back failed */
	snprintf(log_message, sizeof log_message, "%s%s%s",
		 result->coalesced ? MESSAGE_OPENED " (impulsion partagée)" : MESSAGE_OPENED,
		 result->detail[0] != '\0' ? "; " : "", result->detail);
	return respond_json(request, method, url, MHD_HTTP_OK, body,
			    result->coalesced ? "coalesced" : "opened", log_message);
}

enum MHD_Result route_open(struct http_request *request, const char *method, const char *url)
{
	cJSON *body;

	if (request->opening)
		return answer(request, method, url); /* resumed: the drawer has answered */
	/* route_request has checked the peer (loopback), the Host and the origin */
	if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0) {
		/* HEAD tells whether this client may open, and never fires the solenoid. */
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "status", "ready");
		cJSON_AddStringToObject(body, "message", "Prêt (HEAD n'ouvre pas le tiroir)");
		return respond_json(request, method, url, MHD_HTTP_OK, body, "head_no_kick", NULL);
	}
	request->opening = true;
	request->drawer.on_done = on_drawer_done;
	request->drawer.context = request;
	/* Suspend before asking: the drawer may answer from its thread at once. */
	MHD_suspend_connection(request->connection);
	if (drawer_open(request->context->drawer, &request->drawer))
		MHD_resume_connection(request->connection);
	return MHD_YES;
}
