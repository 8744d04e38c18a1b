/* What the HTTP edge serves from: everything main builds and hands down. No
 * other mutable global state exists. */
#ifndef CASHDRAWERD_HTTP_CONTEXT_H
#define CASHDRAWERD_HTTP_CONTEXT_H

#include <stdint.h>
#include <time.h>

#include "admission/access.h"
#include "drawer/drawer.h"
#include "log/rotlog.h"
#include "log/syslog.h"
#include "settings/config.h"
#include "settings/printer_uri.h"
#include "status/metrics.h"

struct http_connections;

struct daemon_context {
	const struct config *config;
	struct printer_uri printer;
	char printer_text[PRINTER_URI_HOST_MAX + PRINTER_URI_PATH_MAX + 16];
	struct rotlog *log;
	struct drawer *drawer;
	time_t started_at;
	char started_at_text[32]; /* ISO 8601, for /status */
	int64_t started_ms;
	struct metrics *metrics; /* answers counted for /metrics and the status page */
	struct syslog_sender *syslog; /* NULL without syslog_host */
	struct access_policy policy; /* who may do what: docs/security.md */
	/* the connection budget and its counters, for /status (set by
	 * http_server_start) */
	struct http_connections *connections;
	/* HTTPS is served (http_server_start), and its certificate's end */
	bool tls_on;
	time_t tls_not_after;
	char tls_error[1024]; /* why its files could not be used, "": none */
};

#endif
