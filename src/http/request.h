/* One HTTP request as the routes see it, and the helpers that answer it.
 * Internal to src/http/. */
#ifndef CASHDRAWERD_HTTP_REQUEST_H
#define CASHDRAWERD_HTTP_REQUEST_H

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <stdbool.h>

#include "admission/access.h"
#include "daemon.h"
#include "drawer/drawer.h"
#include "http/request_body.h"

struct http_request {
	struct daemon_context *context;
	struct MHD_Connection *connection;
	char peer[ACCESS_ADDRESS_MAX];
	bool loopback;
	char uri[208];  /* as received, for the log of a request we never answer */
	bool started;   /* the request line and headers reached on_request */
	bool whole;     /* its body too, if it has one: the route may answer */
	bool answered;  /* our log line for it is written */
	/* what its headers say of a body; a body is read only when its route
	 * takes one (routes.c), into body */
	struct request_framing framing;
	char *body;
	size_t body_length;
	/* answered before its body was read: the answer closes the connection */
	bool close_after;
	int64_t started_us; /* monotonic, when the request line arrived: durations */
	bool admitted;  /* passed its route's access checks (not checked again on resume) */
	/* who may do what (README, Security); access.origin.cors: answers carry
	 * Access-Control-Allow-Origin */
	struct access_decision access;
	/* /open-cash-drawer: the drawer answers asynchronously */
	bool opening;
	/* /status: waiting for a status check of the printer */
	bool querying;
	struct drawer_request drawer;
};

/* Answers with body as JSON (consumed) and status, and writes the request's
 * log line: `PEER METHOD PATH STATUS OUTCOME - message`. */
enum MHD_Result respond_json(struct http_request *request, const char *method, const char *url,
			     unsigned status, cJSON *body, const char *outcome,
			     const char *log_message);

/* {"status":"error","error":code,"message":message} with status. */
enum MHD_Result respond_error(struct http_request *request, const char *method,
			      const char *url, unsigned status, const char *code,
			      const char *message, const char *log_message);

/* Writes the request's log line (level from status: <400 INFO, <500 WARNING,
 * else ERROR): the till's openings and errors always and at once, a probe's
 * 200 as a routine line, anything else limited per client, so that no
 * client can fill the disk by asking again and again. */
void respond_log(struct http_request *request, const char *method, const char *url,
		 unsigned status, const char *outcome, const char *log_message);

/* The line of a request that got no answer of ours, or of bytes that never
 * formed a request (uri "-"): `PEER - URI - OUTCOME - REASON` at WARNING,
 * counted in /metrics' unanswered requests. */
void respond_log_unanswered(struct daemon_context *context, const char *peer, const char *uri,
			    const char *outcome, const char *reason);
#define RESPOND_TIMEOUT_REASON "requête incomplète à l'expiration du délai"

/* Headers every answer carries, CORS ones included (and Connection: close
 * after a body left unread). */
void respond_common_headers(const struct http_request *request, struct MHD_Response *response,
			    const char *content_type);

/* Access checks of a route (src/http/guard.c). guard_admit returns true when
 * the request may go on; otherwise it has answered (403/401, logged) and
 * *result is what to return to MHD. */
bool guard_admit(struct http_request *request, enum access_route route, const char *method,
		 const char *url, enum MHD_Result *result);
/* Answers OPTIONS (a CORS preflight or a plain OPTIONS) with 204. Never
 * opens the drawer. */
enum MHD_Result guard_preflight(struct http_request *request, const char *method, const char *url);
/* Access-Control-Allow-Origin and Vary for a listed Origin. */
void guard_cors_headers(const struct http_request *request, struct MHD_Response *response);

/* ISO 8601 local time with offset, e.g. 2025-02-01T14:22:31+0100. */
int routes_format_time(time_t when, char *buf, size_t size);

/* Answers the request, or refuses it: called once its line and headers are
 * in when they announce a body (which is then refused unread, unless the
 * route takes it), else and again once it is whole. */
enum MHD_Result route_request(struct http_request *request, const char *method, const char *url);
enum MHD_Result route_open(struct http_request *request, const char *method, const char *url);
enum MHD_Result route_status(struct http_request *request, const char *method, const char *url);
enum MHD_Result route_logs(struct http_request *request, const char *method, const char *url);
enum MHD_Result route_page(struct http_request *request, const char *method, const char *url);
enum MHD_Result route_metrics(struct http_request *request, const char *method, const char *url);

/* Gets the printer's state as /status does (a check shared and cached for
 * status_cache_ms; ?printer=cached: the last one, never contacting the
 * printer) into request->drawer.result.state, then calls answer. While a
 * check runs the connection waits suspended and the route is called again. */
enum MHD_Result routes_with_printer_state(struct http_request *request, const char *method,
					  const char *url,
					  enum MHD_Result (*answer)(struct http_request *,
								    const char *, const char *));

#endif
