/* GET /metrics: the counters and the service's state for Prometheus. The
 * printer's state is the last one known (drawer_last_state): a scrape never
 * sends the printer a byte by itself. */
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "http/snapshot.h"

enum MHD_Result route_metrics(struct http_request *request, const char *method, const char *url)
{
	struct daemon_context *context = request->context;
	struct drawer_printer_state printer;
	struct status_snapshot snapshot;
	struct metrics_gauges gauges;
	struct strbuf out = {0};
	struct MHD_Response *response;
	enum MHD_Result rc;
	size_t length;
	char *text;

	drawer_last_state(context->drawer, &printer);
	snapshot_take(context, &printer, &snapshot);
	snapshot_gauges(context, &snapshot, &gauges);
	/* the scrape's own answer is counted before it is formatted: the text
	 * then agrees with itself (its histogram counts this request) */
	respond_log(request, method, url, MHD_HTTP_OK, "ok", NULL);
	metrics_format(&out, context->metrics, &gauges);
	text = strbuf_take(&out, &length);
	if (text == NULL)
		return MHD_NO;
	response = MHD_create_response_from_buffer(length, text, MHD_RESPMEM_MUST_FREE);
	if (response == NULL) {
		free(text);
		return MHD_NO;
	}
	respond_common_headers(request, response, "text/plain; version=0.0.4; charset=utf-8");
	rc = MHD_queue_response(request->connection, MHD_HTTP_OK, response);
	MHD_destroy_response(response);
	return rc;
}
