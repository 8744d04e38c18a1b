/* One request's life in libmicrohttpd's callbacks, apart from the daemons
 * that call them (server.c): its state made at the request line, its route
 * called once the headers are in (before any byte of a body) and again when
 * the body it takes is whole, the outcome of a request never answered logged
 * at its completion; and libmicrohttpd's own messages, in French, into the
 * log. Every callback takes a struct http_cycle as its cls. Internal to
 * src/http/. */
#ifndef CASHDRAWERD_HTTP_REQUEST_CYCLE_H
#define CASHDRAWERD_HTTP_REQUEST_CYCLE_H

#include <microhttpd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/context.h"

struct http_connections;

struct http_cycle {
	struct daemon_context *context;
	struct http_connections *connections; /* NULL: not yet */
	atomic_bool lanes;    /* the till's lanes are open: a LAN request's thread yields */
	atomic_uint active;   /* requests between their request line and their completion */
};

/* MHD_OPTION_URI_LOG_CALLBACK: the request's state (NULL: out of memory). */
void *http_cycle_request_line(void *cls, const char *uri, struct MHD_Connection *connection);
/* The MHD_AccessHandlerCallback of every daemon. */
enum MHD_Result http_cycle_request(void *cls, struct MHD_Connection *connection, const char *url,
				   const char *method, const char *version, const char *upload_data,
				   size_t *upload_data_size, void **state);
/* MHD_OPTION_NOTIFY_COMPLETED: logs a request never answered; frees. */
void http_cycle_completed(void *cls, struct MHD_Connection *connection, void **state,
			  enum MHD_RequestTerminationCode code);
/* MHD_OPTION_UNESCAPE_CALLBACK (cls unused). */
size_t http_cycle_unescape(void *cls, struct MHD_Connection *connection, char *text);
/* MHD_OPTION_EXTERNAL_LOGGER (mhd_log.c). */
void http_cycle_mhd_log(void *cls, const char *format, va_list ap);

#endif
