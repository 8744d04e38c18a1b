/* GET /: the status page for the shop's admin, from the same snapshot as
 * /status (src/status/page.c renders it). The "test the drawer" button is sent to
 * loopback clients only, the peer address deciding as for /open-cash-drawer. */
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "http/drawer_wait.h"
#include "http/routes.h"
#include "http/snapshot.h"
#include "status/page.h"

/* Enough for PAGE_LOG_LINES lines of a few hundred bytes each. */
#define TAIL_BYTES (64 * 1024)

/* Inline style and script only; nothing from elsewhere; never in a frame (the
 * button opens the drawer: no clickjacking). */
#define PAGE_POLICY                                                                          \
	"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "        \
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/* The page, built once the request is counted and logged. */
static struct MHD_Response *render_page(struct http_request *request)
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

	snapshot_take(context, &request->drawer.result.state, &snapshot);
	if (tail != NULL && rotlog_tail(context->log, PAGE_LOG_LINES, tail, TAIL_BYTES, &tail_length) < 0)
		tail_length = 0;
	if (rotlog_list_archives(context->log, archives, PAGE_ARCHIVES_MAX + 1, &archive_count) < 0)
		archive_count = 0;
	if (snapshot.printer.checked_at != 0 &&
	    timefmt_iso8601(snapshot.printer.checked_at, checked_at, sizeof checked_at) == 0)
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
		return NULL;
	response = MHD_create_response_from_buffer(length, text, MHD_RESPMEM_MUST_FREE);
	if (response == NULL) {
		free(text);
		return NULL;
	}
	answer_content_type(response, "text/html; charset=utf-8");
	MHD_add_response_header(response, "Content-Security-Policy", PAGE_POLICY);
	MHD_add_response_header(response, "X-Frame-Options", "DENY");
	MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
	return response;
}

bool route_page(struct http_request *request, struct answer *answer)
{
	if (!http_printer_state(request))
		return false;
	answer_init(answer, OUTCOME_OK);
	answer->render = render_page;
	return true;
}
