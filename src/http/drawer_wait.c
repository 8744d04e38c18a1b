/* Waiting for the drawer's worker (see drawer_wait.h). */
#include "http/drawer_wait.h"

#include <string.h>

static void on_drawer_done(struct drawer_request *drawer_request)
{
	struct http_request *request = drawer_request->context;

	MHD_resume_connection(request->connection);
}

bool http_drawer_ask(struct http_request *request,
		     bool (*ask)(struct drawer *drawer, struct drawer_request *request))
{
	if (request->waiting)
		return true; /* resumed: the drawer has answered */
	request->waiting = true;
	request->drawer.on_done = on_drawer_done;
	request->drawer.context = request;
	/* Suspend before asking: the drawer may answer from its thread at once. */
	MHD_suspend_connection(request->connection);
	if (ask(request->context->drawer, &request->drawer))
		MHD_resume_connection(request->connection);
	return false;
}

bool http_printer_state(struct http_request *request)
{
	struct drawer *drawer = request->context->drawer;
	const char *printer;

	if (!request->waiting) {
		/* ?printer=cached: a liveness probe that never contacts the printer */
		printer = MHD_lookup_connection_value(request->connection, MHD_GET_ARGUMENT_KIND,
						      "printer");
		if (printer != NULL && strcmp(printer, "cached") == 0) {
			drawer_last_state(drawer, &request->drawer.result.state);
			return true;
		}
		if (drawer_query_cached(drawer, &request->drawer))
			return true;
	}
	return http_drawer_ask(request, drawer_query);
}
