/* One HTTP request as the routes see it: what was asked (method, path,
 * endpoint), by whom, how far it got, and what its route waits for.
 * Internal to src/http/. */
#ifndef CASHDRAWERD_HTTP_REQUEST_H
#define CASHDRAWERD_HTTP_REQUEST_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "admission/admission.h"
#include "base/endpoint.h"
#include "drawer/drawer.h"
#include "http/context.h"
#include "http/jsonrpc.h"
#include "http/request_body.h"
#include "log/rotlog.h"

struct http_request {
	struct daemon_context *context;
	struct MHD_Connection *connection;
	char peer[ACCESS_ADDRESS_MAX];
	bool loopback;
	bool tls; /* it came over HTTPS */
	char uri[208]; /* as received, for the log of a request we never answer */
	/* what was asked, set once its line and headers are in (libmicrohttpd
	 * keeps method and url for the request's life) */
	const char *method;
	unsigned method_bit; /* endpoint_method_of(method): 0 for any other */
	const char *url;     /* the path, decoded */
	enum endpoint endpoint;
	bool started;  /* the request line and headers reached the handler */
	bool whole;    /* its body too, if it has one: the route may answer */
	bool answered; /* our log line for it is written */
	/* what its headers say of a body; a body is read only when its endpoint
	 * takes one, into body */
	struct request_framing framing;
	char *body;
	size_t body_length;
	/* answered before its body was read: the answer closes the connection */
	bool close_after;
	int64_t started_us; /* monotonic, when the request line arrived: durations */
	/* who may do what, decided once (docs/security.md); its CORS headers go
	 * on every answer */
	bool admitted;
	struct admission_verdict admission;
	/* a route waiting for the drawer (an opening, a status check): the
	 * connection is suspended and the route called again once it answered */
	bool waiting;
	struct drawer_request drawer;
	/* a JSON-RPC call (the hardware proxy's): its id, echoed by every answer */
	char rpc_id[JSONRPC_ID_MAX];
	/* it asked for a kick (GET /open-cash-drawer, the POS's cashbox): counted
	 * as an opening */
	bool kick;
	/* a receipt's ESC/POS bytes while the printer takes them (freed with
	 * the request), and what its log line says */
	uint8_t *receipt;
	char receipt_detail[128];
	/* GET /logs: the file to send once the download is logged */
	int download_fd;
	char download_name[ROTLOG_ARCHIVE_NAME_MAX];
};

#endif
