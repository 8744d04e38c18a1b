/* Answering a request (see answer.h): the one place that adds headers,
 * counts, logs and queues. */
#include "http/answer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admission/cors.h"
#include "base/clock.h"
#include "base/json_arena.h"
#include "http/jsonrpc.h"

void answer_init(struct answer *answer, enum outcome outcome)
{
	memset(answer, 0, sizeof *answer);
	answer->outcome = outcome;
}

void answer_with(struct answer *answer, enum outcome outcome, const char *format, ...)
{
	va_list ap;

	answer_init(answer, outcome);
	va_start(ap, format);
	vsnprintf(answer->detail, sizeof answer->detail, format, ap);
	va_end(ap);
}

void answer_message(struct answer *answer, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(answer->message, sizeof answer->message, format, ap);
	va_end(ap);
}

static const enum rotlog_level levels[] = {
	[OUTCOME_INFO] = ROTLOG_INFO,
	[OUTCOME_WARNING] = ROTLOG_WARNING,
	[OUTCOME_ERROR] = ROTLOG_ERROR,
};

/* rotlog_write_client's flags for an outcome's line from this peer. */
static unsigned log_treatment(const struct outcome_info *info, bool loopback)
{
	switch (info->log) {
	case OUTCOME_LOG_ROUTINE:
		return ROTLOG_ROUTINE;
	case OUTCOME_LOG_ALWAYS:
		/* the till's openings and errors: always, whatever the cap */
		return loopback ? 0 : ROTLOG_LIMITED;
	case OUTCOME_LOG_NOISE:
		return ROTLOG_LIMITED | (loopback ? 0 : ROTLOG_MAY_DROP);
	case OUTCOME_LOG_LIMITED:
		break;
	}
	return ROTLOG_LIMITED;
}

void answer_content_type(struct MHD_Response *response, const char *content_type)
{
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
}

/* The outcome's error body, in the endpoint's words. */
static cJSON *error_body(const struct http_request *request, const struct answer *answer)
{
	const struct outcome_info *info = outcome_info(answer->outcome);
	const char *message = answer->message[0] != '\0' ? answer->message : info->message;
	cJSON *json;

	if (endpoint_table[request->endpoint].answers == ENDPOINT_JSONRPC)
		return jsonrpc_error(request->rpc_id, info->code, message);
	json = cJSON_CreateObject();
	cJSON_AddStringToObject(json, "status", "error");
	cJSON_AddStringToObject(json, "error", info->code);
	cJSON_AddStringToObject(json, "message", message);
	return json;
}

/* The JSON body's response (json consumed), or the outcome's error body. */
static struct MHD_Response *json_response(const struct http_request *request,
					  const struct answer *answer, cJSON *json)
{
	struct MHD_Response *response;
	char *text;

	if (json == NULL && outcome_info(answer->outcome)->status == MHD_HTTP_NO_CONTENT)
		return MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (json == NULL)
		json = error_body(request, answer);
	text = cJSON_PrintUnformatted(json);
	cJSON_Delete(json);
	/* copied: the text lies in this thread's JSON arena, reused below */
	response = text != NULL ? MHD_create_response_from_buffer(strlen(text), text,
								  MHD_RESPMEM_MUST_COPY)
				: NULL;
	cJSON_free(text);
	json_arena_reset();
	if (response != NULL)
		answer_content_type(response, "application/json; charset=utf-8");
	return response;
}

/* The headers an answer owes to who asked and how. */
static void add_headers(const struct http_request *request, enum outcome outcome,
			struct MHD_Response *response)
{
	const struct admission_verdict *admission = &request->admission;
	char allow[32];

	if (admission->allow_origin[0] != '\0')
		MHD_add_response_header(response, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN,
					admission->allow_origin);
	if (admission->vary_origin)
		MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, "Origin");
	/* what is left of the request on the connection is not a request */
	if (request->close_after)
		MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
	switch (outcome) {
	case OUTCOME_METHOD_NOT_ALLOWED:
		endpoint_allow(request->endpoint, allow, sizeof allow);
		MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, allow);
		break;
	case OUTCOME_PREFLIGHT:
		MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, admission->allow_methods);
		if (admission->allow_origin[0] == '\0')
			break;
		MHD_add_response_header(response, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_METHODS,
					admission->allow_methods);
		MHD_add_response_header(response, "Access-Control-Allow-Headers",
					admission->allow_headers);
		MHD_add_response_header(response, "Access-Control-Max-Age", CORS_MAX_AGE_S);
		if (admission->allow_private_network)
			MHD_add_response_header(response, "Access-Control-Allow-Private-Network",
						"true");
		break;
	/* RFC 6750: a missing token is a bare challenge, a wrong one says so */
	case OUTCOME_TOKEN_REQUIRED:
		MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"cashdrawerd\"");
		break;
	case OUTCOME_TOKEN_INVALID:
		MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"cashdrawerd\", error=\"invalid_token\"");
		break;
	default:
		break;
	}
}

/* The path as its line shows it, at most 200 characters: a space (sent
 * as %20, or raw: libmicrohttpd takes the path up to the line's last space)
 * is written %20, else the path's end would read as the line's next fields
 * ("/x 200 opened - Tiroir-caisse ouvert"). */
static const char *path_for_log(const char *path, char out[201])
{
	size_t n = 0;

	for (; *path != '\0'; path++) {
		size_t length = *path == ' ' ? 3 : 1;

		if (n + length > 200)
			break;
		memcpy(out + n, *path == ' ' ? "%20" : path, length);
		n += length;
	}
	out[n] = '\0';
	return out;
}

/* Counts the answer and writes its log line. */
static void record(struct http_request *request, enum outcome outcome, unsigned status,
		   const char *detail)
{
	const struct outcome_info *info = outcome_info(outcome);
	char path[201];

	request->answered = true;
	metrics_count(request->context->metrics, request->endpoint, request->kick, outcome,
		      (uint64_t)(clock_monotonic_us() - request->started_us), time(NULL));
	/* rotlog escapes control characters: the path cannot forge a line */
	rotlog_write_client(request->context->log, request->peer,
			    log_treatment(info, request->loopback), levels[info->level],
			    "%s %.16s %s %u %s%s%s", request->peer, request->method,
			    path_for_log(request->url, path), status, info->code, detail[0] != '\0' ? " - " : "", detail);
	/* an opening's line is written: the drawer's next pulse may go */
	drawer_logged(request->context->drawer, request->drawer.result.pulse);
}

enum MHD_Result answer_send(struct http_request *request, struct answer *answer)
{
	enum outcome outcome = answer->outcome;
	struct MHD_Response *response = NULL;
	unsigned status;
	enum MHD_Result rc;

	if (answer->render == NULL) {
		response = json_response(request, answer, answer->json);
		answer->json = NULL;
		if (response == NULL) {
			/* out of memory for the body: say so with the bare error */
			answer_with(answer, OUTCOME_INTERNAL_ERROR, "mémoire insuffisante pour la réponse");
			outcome = OUTCOME_INTERNAL_ERROR;
			response = json_response(request, answer, NULL);
		}
	}
	status = answer->status != 0 ? answer->status : outcome_info(outcome)->status;
	record(request, outcome, status, answer->detail);
	if (answer->render != NULL)
		response = answer->render(request);
	if (response == NULL) {
		char path[201];

		rotlog_write_client(request->context->log, request->peer, 0, ROTLOG_ERROR,
				    "%s %.16s %s : réponse impossible à construire (mémoire ou "
				    "fichier), connexion fermée",
				    request->peer, request->method, path_for_log(request->url, path));
		return MHD_NO;
	}
	add_headers(request, outcome, response);
	rc = MHD_queue_response(request->connection, status, response);
	MHD_destroy_response(response);
	return rc;
}

void answer_unanswered(struct daemon_context *context, const char *peer, const char *uri,
		       enum outcome outcome, const char *reason)
{
	const struct outcome_info *info = outcome_info(outcome);
	char path[201];

	metrics_count_unanswered(context->metrics, outcome);
	/* a client can cause these at will: per client, then summed up */
	rotlog_write_client(context->log, peer, ROTLOG_LIMITED, levels[info->level],
			    "%s - %s - %s - %s", peer, path_for_log(uri, path), info->code,
			    reason != NULL ? reason : info->message);
}
