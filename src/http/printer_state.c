/* The printer's state for /status and the status page (see printer_state.h). */
#include "http/printer_state.h"

#include <string.h>

static void on_query_done(struct drawer_request *drawer_request)
{
	struct http_request *request = drawer_request->context;

	MHD_resume_connection(request->connection);
}

bool http_printer_state(struct http_request *request)
{
	struct drawer *drawer = request->context->drawer;
	const char *printer;

	if (request->waiting)
		return true; /* resumed: the check is done */
	/* ?printer=cached: a liveness probe that never contacts the printer */
	printer = MHD_lookup_connection_value(request->connection, MHD_GET_ARGUMENT_KIND, "printer");
	if (printer != NULL && strcmp(printer, "cached") == 0) {
		drawer_last_state(drawer, &request->drawer.result.state);
		return true;
	}
	request->drawer.on_done = on_query_done;
	request->drawer.context = request;
	if (drawer_query_cached(drawer, &request->drawer))
		return true;
	/* The connection waits suspended, never holding an HTTP worker. Suspend
	 * before asking: the drawer may answer from its thread at once. */
	request->waiting = true;
	MHD_suspend_connection(request->connection);
	if (drawer_query(drawer, &request->drawer))
		MHD_resume_connection(request->connection);
	return false;
}
