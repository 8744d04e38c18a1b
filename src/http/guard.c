/* Access glue: reads the headers access looks at, asks access_decide (the
 * pure policy), answers refusals and CORS preflights, adds CORS headers.
 * No decision is taken here. */
#include <stdio.h>
#include <string.h>

#include "admission/cors.h"
#include "http/request.h"

static const char *header(const struct http_request *request, const char *name)
{
	return MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, name);
}

static void decide(struct http_request *request, enum access_route route, bool preflight)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(request->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct access_headers headers = {
		.host = header(request, MHD_HTTP_HEADER_HOST),
		.origin = header(request, MHD_HTTP_HEADER_ORIGIN),
		.referer = header(request, MHD_HTTP_HEADER_REFERER),
		.fetch_site = header(request, "Sec-Fetch-Site"),
		.authorization = header(request, MHD_HTTP_HEADER_AUTHORIZATION),
	};

	access_decide(&request->context->policy, route, info != NULL ? info->client_addr : NULL,
		      &headers, preflight, &request->access);
}

bool guard_admit(struct http_request *request, enum access_route route, const char *method,
		 const char *url, enum MHD_Result *result)
{
	enum access_outcome outcome;
	char log_message[ORIGIN_MAX + 160];
	const char *host;

	if (request->admitted)
		return true;
	decide(request, route, strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0);
	outcome = request->access.outcome;
	if (outcome == ACCESS_ALLOWED) {
		request->admitted = true;
		return true;
	}
	switch (outcome) {
	case ACCESS_HOST_NOT_ALLOWED:
		host = header(request, MHD_HTTP_HEADER_HOST);
		snprintf(log_message, sizeof log_message,
			 "hôte %.200s non autorisé (seuls localhost, 127.x.x.x et [::1] le sont : "
			 "rebond DNS ?)", host != NULL ? host : "?");
		break;
	case ACCESS_ORIGIN_NOT_ALLOWED:
		access_describe_origin(&request->access.origin, log_message, sizeof log_message);
		break;
	case ACCESS_NETWORK_NOT_ALLOWED:
		snprintf(log_message, sizeof log_message, "adresse hors de allowed_networks");
		break;
	case ACCESS_TOKEN_REQUIRED:
		snprintf(log_message, sizeof log_message, "sans jeton (en-tête Authorization absent)");
		break;
	case ACCESS_TOKEN_INVALID:
		snprintf(log_message, sizeof log_message, "jeton invalide");
		break;
	default:
		/* not_local: the replaced system's line, word for word */
		snprintf(log_message, sizeof log_message, "%s", access_outcome_message(outcome));
	}
	*result = respond_error(request, method, url, access_outcome_status(outcome),
				access_outcome_code(outcome), access_outcome_message(outcome),
				log_message);
	return false;
}

enum MHD_Result guard_preflight(struct http_request *request, const char *method, const char *url)
{
	const struct access_origin_verdict *origin = &request->access.origin;
	const char *private_network = header(request, "Access-Control-Request-Private-Network");
	struct MHD_Response *response = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	char allow_headers[512], log_message[ORIGIN_MAX + 96];
	enum MHD_Result rc;

	if (response == NULL)
		return MHD_NO;
	respond_common_headers(request, response, NULL);
	MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, CORS_ALLOW_METHODS);
	if (origin->cors) {
		cors_allow_headers(header(request, "Access-Control-Request-Headers"), allow_headers,
				   sizeof allow_headers);
		MHD_add_response_header(response, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_METHODS,
					CORS_ALLOW_METHODS);
		MHD_add_response_header(response, "Access-Control-Allow-Headers", allow_headers);
		MHD_add_response_header(response, "Access-Control-Max-Age", CORS_MAX_AGE_S);
		/* Private Network Access (older Chrome and Edge): a public page asking for
		 * a private address; Chrome's Local Network Access replaced it with a
		 * permission prompt, but older browsers still ask. */
		if (private_network != NULL && strcmp(private_network, "true") == 0)
			MHD_add_response_header(response, "Access-Control-Allow-Private-Network",
						"true");
		snprintf(log_message, sizeof log_message, "CORS accordé à %s", origin->origin);
	} else if (origin->basis == ACCESS_BASIS_ORIGIN) {
		snprintf(log_message, sizeof log_message,
			 "sans CORS : origine %.200s absente de allowed_origins", origin->origin);
	} else {
		snprintf(log_message, sizeof log_message, "sans Origin");
	}
	respond_log(request, method, url, MHD_HTTP_NO_CONTENT, "preflight", log_message);
	rc = MHD_queue_response(request->connection, MHD_HTTP_NO_CONTENT, response);
	MHD_destroy_response(response);
	return rc;
}

void guard_cors_headers(const struct http_request *request, struct MHD_Response *response)
{
	/* Only a listed origin is named, never "*": an unlisted page can still send
	 * a no-cors request, but never reads an answer. */
	if (request->access.origin.cors)
		MHD_add_response_header(response, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN,
					request->access.origin.origin);
	if (request->access.origin.basis == ACCESS_BASIS_ORIGIN)
		MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, "Origin");
}
