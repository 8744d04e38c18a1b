/* One request's life in libmicrohttpd's callbacks (see request_cycle.h). */
#include "http/request_cycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#endif
#include <unistd.h>

#include "base/clock.h"
#include "http/answer.h"
#include "http/connections.h"
#include "http/request.h"
#include "http/routes.h"

/* The nice value of the threads serving the LAN (0 normal, 19 lowest). */
#define LAN_NICE 10

/* With the till's lanes open, a thread serving a LAN client lowers its own
 * priority (Linux's nice value is per thread, and raising it needs no
 * privilege) so that a LAN flood yields the CPU to the till's lane and the
 * drawer's worker. Once per thread. */
static void yield_to_the_till(void)
{
#ifdef __linux__
	static _Thread_local bool yielded;

	if (!yielded) {
		yielded = true;
		setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), LAN_NICE);
	}
#endif
}

/* Called when a request line arrives, before MHD checks the headers: the
 * state made here lets http_cycle_completed log the requests MHD rejects itself
 * (headers too large, malformed) and those cut short. */
void *http_cycle_request_line(void *cls, const char *uri, struct MHD_Connection *connection)
{
	struct http_cycle *cycle = cls;
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *peer = info != NULL ? info->client_addr : NULL;
	struct http_request *request = calloc(1, sizeof *request);

	if (request == NULL)
		return NULL;
	request->context = cycle->context;
	request->connection = connection;
	request->loopback = access_is_loopback(peer);
	request->tls = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION) != NULL;
	if (!request->loopback && atomic_load(&cycle->lanes))
		yield_to_the_till();
	request->download_fd = -1;
	snprintf(request->rpc_id, sizeof request->rpc_id, "null");
	request->started_us = clock_monotonic_us();
	access_format_address(peer, request->peer, sizeof request->peer);
	snprintf(request->uri, sizeof request->uri, "%.200s", uri);
	atomic_fetch_add(&cycle->active, 1);
	return request;
}

static enum MHD_Result note_framing(void *cls, enum MHD_ValueKind kind, const char *name,
				   const char *value)
{
	struct request_framing *framing = cls;

	(void)kind;
	if (strcasecmp(name, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		/* the first one's digits were checked by libmicrohttpd, which
		 * answers 400 or 413 itself for a bad one */
		if (framing->content_lengths++ == 0)
			framing->content_length = strtoull(value, NULL, 10);
	} else if (strcasecmp(name, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		framing->transfer_encoding = true;
	}
	return MHD_YES;
}

/* A body its route takes, as libmicrohttpd passes it on: never more than
 * the Content-Length, which the route's max_body bounds (routes.c). */
static enum MHD_Result take_body(struct http_request *request, const char *data, size_t *size)
{
	uint64_t room = request->framing.content_length - request->body_length;

	if (*size > room)
		return MHD_NO;
	if (request->body == NULL &&
	    (request->body = malloc((size_t)request->framing.content_length)) == NULL)
		return MHD_NO;
	memcpy(request->body + request->body_length, data, *size);
	request->body_length += *size;
	*size = 0;
	return MHD_YES;
}

enum MHD_Result http_cycle_request(void *cls, struct MHD_Connection *connection, const char *url,
				   const char *method, const char *version, const char *upload_data,
				   size_t *upload_data_size, void **state)
{
	struct http_request *request = *state;
	enum MHD_Result result;

	(void)cls;
	(void)version;
	if (request == NULL)
		return MHD_NO; /* out of memory in http_cycle_request_line */
	if (!request->started) {
		/* Line and headers are in; no byte of a body is read yet. */
		request->started = true;
		request->method = method;
		request->method_bit = endpoint_method_of(method);
		request->url = url;
		request->endpoint = endpoint_of_path(url);
		MHD_get_connection_values(connection, MHD_HEADER_KIND, note_framing,
					  &request->framing);
		if (!request_body_announced(&request->framing) &&
		    request->framing.content_lengths < 2)
			return MHD_YES; /* nothing more to come: called again at once */
		/* Its route answers now, before the body (or a doubtful framing)
		 * is read, unless it takes that body; such an answer ends the
		 * connection, whose next bytes are the unread body. */
		request->close_after = true;
		result = routes_serve(request);
		if (request->answered)
			http_connections_request_received(connection, false);
		else
			request->close_after = false; /* the body is read: the clock runs on */
		return result;
	}
	if (*upload_data_size > 0)
		return take_body(request, upload_data, upload_data_size);
	/* The request is whole, body included: request_timeout_s stops here. */
	request->whole = true;
	http_connections_request_received(connection, true);
	return routes_serve(request);
}

void http_cycle_completed(void *cls, struct MHD_Connection *connection, void **state,
			  enum MHD_RequestTerminationCode code)
{
	struct http_cycle *cycle = cls;
	struct http_request *request = *state;
	enum outcome outcome;

	/* even without state (out of memory): its bytes are not a malformed request */
	http_connections_request_done(connection);
	if (request == NULL)
		return;
	if (!request->answered) {
		if (http_connections_timed_out(connection))
			code = MHD_REQUEST_TERMINATED_TIMEOUT_REACHED;
		switch (code) {
		case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
			outcome = OUTCOME_TIMEOUT;
			break;
		case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
		case MHD_REQUEST_TERMINATED_READ_ERROR:
			outcome = OUTCOME_CLIENT_GONE;
			break;
		case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
			outcome = OUTCOME_SHUTDOWN;
			break;
		default:
			outcome = OUTCOME_REJECTED;
		}
		answer_unanswered(request->context, request->peer, request->uri, outcome, NULL);
		/* a pulse answered it all the same (its client left): its line is there */
		drawer_logged(request->context->drawer, request->drawer.result.pulse);
	}
	if (request->download_fd >= 0)
		close(request->download_fd);
	free(request->receipt);
	atomic_fetch_sub(&cycle->active, 1);
	free(request->body);
	free(request);
	*state = NULL;
}

/* Decodes %HH in the path and the query, except in a string that holds %00:
 * the routes compare C strings, so "/open-cash-drawer%00x" decoded would
 * answer as /open-cash-drawer, and "/%00" as the status page, while their
 * log line would show a path the client never asked for. Left encoded, they
 * are unknown paths (404) and bad query values, logged as sent. */
size_t http_cycle_unescape(void *cls, struct MHD_Connection *connection, char *text)
{
	(void)cls;
	(void)connection;
	if (strstr(text, "%00") != NULL)
		return strlen(text);
	return MHD_http_unescape(text);
}
