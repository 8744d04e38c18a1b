/* Waiting for the drawer's worker without holding an HTTP thread: the
 * connection is suspended while the drawer (an opening, a status check, a
 * receipt) is under way, and resumed, its route called again, once it is
 * done. Internal to src/http/. */
#ifndef CASHDRAWERD_HTTP_DRAWER_WAIT_H
#define CASHDRAWERD_HTTP_DRAWER_WAIT_H

#include <stdbool.h>

#include "http/request.h"

/* Asks the drawer with ask (drawer_open, drawer_query, ...) for
 * request->drawer. True when its result is in request->drawer.result (it was
 * final at once, or this is the route called again once resumed); false
 * when the connection now waits suspended. */
bool http_drawer_ask(struct http_request *request,
		     bool (*ask)(struct drawer *drawer, struct drawer_request *request));

/* The printer's state for /status and the status page: a check shared with
 * the other requests of the moment and cached for status_cache_ms, or with
 * ?printer=cached the last one known, never contacting the printer. True
 * with request->drawer.result.state filled; false while a check runs. */
bool http_printer_state(struct http_request *request);

#endif
