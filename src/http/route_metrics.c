/* GET /metrics: the counters and the service's state for Prometheus. The
 * printer's state is the last one known (drawer_last_state): a scrape never
 * sends the printer a byte by itself. */
#include <stdlib.h>
#include <string.h>

#include "http/routes.h"
#include "http/snapshot.h"

/* The text, formatted once the scrape's own answer is counted: it then
 * agrees with itself (its histogram counts this request). */
static struct MHD_Response *render_metrics(struct http_request *request)
{
	struct daemon_context *context = request->context;
	struct drawer_printer_state printer;
	struct status_snapshot snapshot;
	struct metrics_gauges gauges;
	struct strbuf out = {0};
	struct MHD_Response *response;
	size_t length;
	char *text;

	drawer_last_state(context->drawer, &printer);
	snapshot_take(context, &printer, &snapshot);
	snapshot_gauges(context, &snapshot, &gauges);
	metrics_format(&out, context->metrics, &gauges);
	text = strbuf_take(&out, &length);
	if (text == NULL)
		return NULL;
	response = MHD_create_response_from_buffer(length, text, MHD_RESPMEM_MUST_FREE);
	if (response == NULL) {
		free(text);
		return NULL;
	}
	answer_content_type(response, "text/plain; version=0.0.4; charset=utf-8");
	return response;
}

bool route_metrics(struct http_request *request, struct answer *answer)
{
	(void)request;
	answer_init(answer, OUTCOME_OK);
	answer->render = render_metrics;
	return true;
}
