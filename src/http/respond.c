/* Answers: JSON bodies, common headers, and the one log line per request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/json_arena.h"
#include "http/request.h"

void respond_common_headers(const struct http_request *request, struct MHD_Response *response,
			    const char *content_type)
{
	guard_cors_headers(request, response);
	if (content_type != NULL)
		MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
	/* what is left of the request on the connection is not a request */
	if (request->close_after)
		MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* rotlog_write_client's flags for a request's line. */
static unsigned log_treatment(bool loopback, unsigned status, const char *outcome)
{
	/* the till's openings and its errors: always, whatever the cap */
	if (loopback && (status >= 500 || strcmp(outcome, "opened") == 0 ||
			 strcmp(outcome, "coalesced") == 0))
		return 0;
	/* a monitoring probe's 200 (/status, the page, /metrics): may wait
	 * ROTLOG_FLUSH_MS to share a write, and is left out once today's
	 * file holds its share of log_max_mb */
	if (status == MHD_HTTP_OK && strcmp(outcome, "ok") == 0)
		return ROTLOG_ROUTINE;
	/* anything else a client can ask again and again (refusals, unknown
	 * paths, downloads, a LAN client's errors): per client, then summed up;
	 * a LAN client's unknown path may also be left out under the cap */
	return ROTLOG_LIMITED | (!loopback && status == MHD_HTTP_NOT_FOUND ? ROTLOG_MAY_DROP : 0);
}

void respond_log(struct http_request *request, const char *method, const char *url,
		 unsigned status, const char *outcome, const char *log_message)
{
	enum rotlog_level level = status < 400 ? ROTLOG_INFO
				  : status < 500 ? ROTLOG_WARNING
						 : ROTLOG_ERROR;

	request->answered = true;
	metrics_record(request->context->metrics, url, method, status, outcome,
		       (uint64_t)(clock_monotonic_us() - request->started_us), time(NULL));
	/* rotlog escapes control characters: the path cannot forge a line */
	rotlog_write_client(request->context->log, request->peer,
			    log_treatment(request->loopback, status, outcome), level,
			    "%s %.16s %.200s %u %s%s%s", request->peer, method, url, status, outcome,
			    log_message != NULL ? " - " : "", log_message != NULL ? log_message : "");
}

void respond_log_unanswered(struct daemon_context *context, const char *peer, const char *uri,
			    const char *outcome, const char *reason)
{
	metrics_record_unanswered(context->metrics, outcome);
	/* a client can cause these at will: per client, then summed up */
	rotlog_write_client(context->log, peer, ROTLOG_LIMITED, ROTLOG_WARNING, "%s - %s - %s - %s",
			    peer, uri, outcome, reason);
}

enum MHD_Result respond_json(struct http_request *request, const char *method, const char *url,
			     unsigned status, cJSON *body, const char *outcome,
			     const char *log_message)
{
	char *text = body != NULL ? cJSON_PrintUnformatted(body) : NULL;
	struct MHD_Response *response;
	enum MHD_Result rc;

	cJSON_Delete(body);
	if (text == NULL) {
		static const char fallback[] =
			"{\"status\":\"error\",\"error\":\"internal_error\",\"message\":\"Erreur interne\"}";

		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		outcome = "internal_error";
		log_message = "out of memory building the answer";
		response = MHD_create_response_from_buffer(sizeof fallback - 1, (void *)fallback,
							   MHD_RESPMEM_PERSISTENT);
	} else {
		/* copied: the text lies in this thread's JSON arena, reused below */
		response = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_COPY);
		cJSON_free(text);
	}
	json_arena_reset();
	if (response == NULL)
		return MHD_NO;
	respond_common_headers(request, response, "application/json; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD, OPTIONS");
	/* RFC 6750: a missing token is a bare challenge, a wrong one says so */
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					strcmp(outcome, "token_invalid") == 0
						? "Bearer realm=\"cashdrawerd\", error=\"invalid_token\""
						: "Bearer realm=\"cashdrawerd\"");
	respond_log(request, method, url, status, outcome, log_message);
	rc = MHD_queue_response(request->connection, status, response);
	MHD_destroy_response(response);
	return rc;
}

enum MHD_Result respond_error(struct http_request *request, const char *method,
			      const char *url, unsigned status, const char *code,
			      const char *message, const char *log_message)
{
	cJSON *body = cJSON_CreateObject();

	cJSON_AddStringToObject(body, "status", "error");
	cJSON_AddStringToObject(body, "error", code);
	cJSON_AddStringToObject(body, "message", message);
	return respond_json(request, method, url, status, body, code, log_message);
}
