/* Answering a request: a route says what the request came to (an outcome of
 * src/base/outcome.h) and what to send, and answer_send alone adds the
 * common and CORS headers, counts it in /metrics, writes its log line and
 * queues it. Internal to src/http/. */
#ifndef CASHDRAWERD_HTTP_ANSWER_H
#define CASHDRAWERD_HTTP_ANSWER_H

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "base/outcome.h"
#include "http/request.h"

struct answer {
	enum outcome outcome;
	/* the HTTP status, 0: the outcome's (a JSON-RPC printer failure is
	 * Odoo's `result: false` with 200) */
	unsigned status;
	/* The body, one of: json (consumed); render, called once the request
	 * is counted and logged (a body that must show its own request: /metrics,
	 * today's log); or neither: the outcome's own error body
	 * {"status":"error","error":code,"message":message} (none for 204). */
	cJSON *json;
	struct MHD_Response *(*render)(struct http_request *request);
	char message[320]; /* the error body's message, empty: the outcome's */
	char detail[512];  /* the log line's text after " - ", empty: none */
};

/* An answer of outcome with no body yet and no detail. */
void answer_init(struct answer *answer, enum outcome outcome);
/* answer_init with a printf-style detail. */
void answer_with(struct answer *answer, enum outcome outcome, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets the error body's message (printf-style). */
void answer_message(struct answer *answer, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/* Sends answer (its json is consumed) and writes the request's log line:
 * `PEER METHOD PATH STATUS CODE - detail`. */
enum MHD_Result answer_send(struct http_request *request, struct answer *answer);

/* The line of a request that got no answer of ours, or of bytes that never
 * formed a request (uri "-"): `PEER - URI - CODE - REASON` at the outcome's
 * level, counted in /metrics; reason NULL: the outcome's message. */
void answer_unanswered(struct daemon_context *context, const char *peer, const char *uri,
		       enum outcome outcome, const char *reason);

/* Adds the headers every answer carries to a response a route built itself
 * (a file, the page): content type, no-store, nosniff. */
void answer_content_type(struct MHD_Response *response, const char *content_type);

#endif
