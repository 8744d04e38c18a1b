/* GET /: the status page for the shop's admin, from the same snapshot as
 * /status (src/status/page.c renders it). The "test the drawer" button is sent to
 * loopback clients only, the peer address deciding as for /open-cash-drawer. */
#include <stdlib.h>
#include <string.h>

#include "status/page.h"
#include "http/request.h"
#include "http/snapshot.h"

/* Enough for PAGE_LOG_LINES lines of a few hundred bytes each. */
#define TAIL_BYTES (64 * 1024)

/* Inline style and script only; nothing from elsewhere; never in a frame (the
 * button opens the drawer: no clickjacking). */
#define PAGE_POLICY                                                                          \
	"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "        \
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

static enum MHD_Result page_answer(struct http_request *request, const char *method,
				   const char *url)
{
	struct daemon_context *context = request->context;
	struct status_snapshot snapshot;
	struct rotlog_date archives[PAGE_ARCHIVES_MAX + 1];
	char checked_at[32], *tail = malloc(TAIL_BYTES), *text;
	const char *has_checked = NULL;
	struct page_view view;
	struct strbuf out = {0};
	struct MHD_Response *response;
	size_t tail_length = 0, archive_count = 0, length;
	enum MHD_Result rc;

	snapshot_take(context, &request->drawer.result.state, &snapshot);
	if (tail != NULL && rotlog_tail(context->log, PAGE_LOG_LINES, tail, TAIL_BYTES, &tail_length) < 0)
		tail_length = 0;
	if (rotlog_list_archives(context->log, archives, PAGE_ARCHIVES_MAX + 1, &archive_count) < 0)
		archive_count = 0;
	if (snapshot.printer.checked_at != 0 &&
	    routes_format_time(snapshot.printer.checked_at, checked_at, sizeof checked_at) == 0)
		has_checked = checked_at;
	view = (struct page_view){
		.version = CASHDRAWERD_VERSION,
		.uptime_s = snapshot.uptime_s,
		.started_at = context->started_at_text,
		.printer_uri = context->printer_text,
		.printer = &snapshot.printer,
		.printer_online = escpos_flag_name(snapshot.online),
		.printer_checked_at = has_checked,
		.drawer = &snapshot.drawer,
		.today_date = snapshot.today_date,
		.today = &snapshot.today,
		.log = &snapshot.log,
		.log_tail = tail != NULL ? tail : "",
		.log_tail_length = tail_length,
		.archives = archives,
		.archive_count = archive_count,
		.loopback = request->loopback,
	};
	page_render(&out, &view);
	free(tail);
	text = strbuf_take(&out, &length);
	if (text == NULL)
		return respond_error(request, method, url, MHD_HTTP_INTERNAL_SERVER_ERROR,
				     "internal_error", "Erreur interne",
				     "out of memory building the status page");
	response = MHD_create_response_from_buffer(length, text, MHD_RESPMEM_MUST_FREE);
	if (response == NULL) {
		free(text);
		return MHD_NO;
	}
	respond_common_headers(request, response, "text/html; charset=utf-8");
	MHD_add_response_header(response, "Content-Security-Policy", PAGE_POLICY);
	MHD_add_response_header(response, "X-Frame-Options", "DENY");
	MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
	respond_log(request, method, url, MHD_HTTP_OK, "ok", NULL);
	rc = MHD_queue_response(request->connection, MHD_HTTP_OK, response);
	MHD_destroy_response(response);
	return rc;
}

enum MHD_Result route_page(struct http_request *request, const char *method, const char *url)
{
	return routes_with_printer_state(request, method, url, page_answer);
}
