/* The printer's state for /status and the status page: a check shared with
 * the other requests of the moment and cached for status_cache_ms, or with
 * ?printer=cached the last one known, never contacting the printer.
 * Internal to src/http/. */
#ifndef CASHDRAWERD_HTTP_PRINTER_STATE_H
#define CASHDRAWERD_HTTP_PRINTER_STATE_H

#include <stdbool.h>

#include "http/request.h"

/* True with request->drawer.result.state filled; false when a check is
 * under way: the connection is then suspended, and resumed (the route
 * called again) once the check is done. */
bool http_printer_state(struct http_request *request);

#endif
