/* Routing (see routes.h): every request passes the same checks, in order,
 * then its endpoint's handler answers. */
#include "http/routes.h"

#include <stdio.h>
#include <string.h>

static route_handler *const handlers[ENDPOINT_COUNT] = {
	[ENDPOINT_PAGE] = route_page,     [ENDPOINT_OPEN] = route_open,
	[ENDPOINT_STATUS] = route_status, [ENDPOINT_LOGS] = route_logs,
	[ENDPOINT_METRICS] = route_metrics,
	[ENDPOINT_HW_HELLO] = route_hw_hello,
	[ENDPOINT_HW_HANDSHAKE] = route_hw_handshake,
	[ENDPOINT_HW_STATUS] = route_hw_status,
	[ENDPOINT_HW_ACTION] = route_hw_action,
	[ENDPOINT_HW_OPEN_CASHBOX] = route_hw_open_cashbox,
};

static const char *header(const struct http_request *request, const char *name)
{
	return MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, name);
}

/* Who gets in: asked once per request, the verdict kept for its answer. */
static void admit(struct http_request *request)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(request->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct admission_request asked = {
		.endpoint = request->endpoint,
		.preflight = request->method_bit == ENDPOINT_OPTIONS,
		.peer = info != NULL ? info->client_addr : NULL,
		.headers = {.host = header(request, MHD_HTTP_HEADER_HOST),
			    .origin = header(request, MHD_HTTP_HEADER_ORIGIN),
			    .referer = header(request, MHD_HTTP_HEADER_REFERER),
			    .fetch_site = header(request, "Sec-Fetch-Site"),
			    .authorization = header(request, MHD_HTTP_HEADER_AUTHORIZATION)},
		.request_headers = header(request, "Access-Control-Request-Headers"),
		.private_network = header(request, "Access-Control-Request-Private-Network"),
	};

	admission_check(&request->context->policy, &asked, &request->admission);
	request->admitted = true;
}

/* A body refused before a byte of it is read, or a framing that cannot be
 * trusted: the answer closes the connection (request->close_after). */
static void refuse_body(const struct http_request *request, enum outcome outcome,
			struct answer *answer)
{
	const struct request_framing *framing = &request->framing;

	if (framing->content_lengths > 1)
		answer_with(answer, outcome, "%u en-têtes Content-Length", framing->content_lengths);
	else if (framing->transfer_encoding)
		answer_with(answer, outcome, "corps annoncé par Transfer-Encoding, non lu");
	else
		answer_with(answer, outcome, "corps de %llu octets annoncé, non lu",
			    (unsigned long long)framing->content_length);
}

/* The checks before the handler, in order; true with answer filled when
 * one of them answers. */
static bool checked(struct http_request *request, struct answer *answer)
{
	const struct endpoint_info *endpoint = &endpoint_table[request->endpoint];
	char list[256];
	enum outcome refusal;

	if ((refusal = request_framing_refused(&request->framing)) != OUTCOME_OK) {
		refuse_body(request, refusal, answer);
		return true;
	}
	if (request->endpoint == ENDPOINT_OTHER) {
		answer_init(answer, OUTCOME_NOT_FOUND);
		endpoint_list(list, sizeof list);
		answer_message(answer, "%s : %s", outcome_message(OUTCOME_NOT_FOUND), list);
		return true;
	}
	if ((request->method_bit & endpoint->methods) == 0) {
		answer_init(answer, OUTCOME_METHOD_NOT_ALLOWED);
		answer_message(answer, "%s : utilisez %s", outcome_message(OUTCOME_METHOD_NOT_ALLOWED),
			       endpoint->methods & ENDPOINT_GET ? "GET" : "POST");
		return true;
	}
	if ((refusal = request_body_refused(&request->framing, endpoint->max_body)) != OUTCOME_OK) {
		refuse_body(request, refusal, answer);
		return true;
	}
	if (!request->admitted)
		admit(request);
	if (request->admission.outcome != OUTCOME_OK) {
		/* a refusal, or a preflight answered with its CORS headers */
		answer_init(answer, request->admission.outcome);
		snprintf(answer->detail, sizeof answer->detail, "%s", request->admission.detail);
		return true;
	}
	return false;
}

enum MHD_Result routes_serve(struct http_request *request)
{
	struct answer answer;

	/* an opening, whatever it comes to (refusals included) */
	if (request->endpoint == ENDPOINT_OPEN && request->method_bit == ENDPOINT_GET)
		request->kick = true;
	if (!checked(request, &answer)) {
		if (!request->whole)
			return MHD_YES; /* the body its endpoint takes comes first */
		if (!handlers[request->endpoint](request, &answer))
			return MHD_YES; /* waiting, suspended: called again */
	}
	return answer_send(request, &answer);
}
