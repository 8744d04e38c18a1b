/* Routing: each endpoint of src/base/endpoint.h and its handler, and the
 * checks every request passes first (framing, path, method, body, who gets
 * in). Internal to src/http/. */
#ifndef CASHDRAWERD_HTTP_ROUTES_H
#define CASHDRAWERD_HTTP_ROUTES_H

#include <stdbool.h>

#include "http/answer.h"
#include "http/request.h"

/* Answers request, or refuses it. Called once its line and headers are in
 * when they announce a body (which is then refused unread, unless its
 * endpoint takes it), else and again once it is whole, and again after a
 * handler waited. */
enum MHD_Result routes_serve(struct http_request *request);

/* A handler: fills answer and returns true; or returns false having
 * suspended the connection to wait for the drawer (it is called again once
 * the connection is resumed, with request->waiting set). */
typedef bool route_handler(struct http_request *request, struct answer *answer);

route_handler route_page;   /* route_page.c */
route_handler route_open;   /* route_open.c */
route_handler route_status; /* route_status.c */
route_handler route_logs;   /* route_logs.c */
route_handler route_metrics; /* route_metrics.c */
/* Odoo's hardware proxy: route_hw_proxy.c */
route_handler route_hw_hello, route_hw_handshake, route_hw_status, route_hw_action,
	route_hw_open_cashbox;

#endif
