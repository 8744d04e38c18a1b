/* The status page at GET /: one self-contained HTML page (no external
 * assets, readable on a phone), rendered from the same snapshot as /status.
 * Pure: everything it shows comes in through struct page_view. */
#ifndef CASHDRAWERD_PAGE_H
#define CASHDRAWERD_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drawer/drawer.h"
#include "log/rotlog.h"
#include "status/metrics.h"
#include "base/strbuf.h"

/* Lines of today's log shown at the bottom. */
#define PAGE_LOG_LINES 50
/* Archives linked (newest first); older ones stay reachable by /logs?date=. */
#define PAGE_ARCHIVES_MAX 62

struct page_view {
	const char *version;
	uint64_t uptime_s;
	const char *started_at; /* ISO 8601 */
	const char *printer_uri;
	const struct drawer_printer_state *printer;
	const char *printer_online;  /* "true", "false", "unknown" as /status */
	const char *printer_checked_at; /* ISO 8601, or NULL if never */
	const struct drawer_stats *drawer;
	const char *today_date;      /* YYYY-MM-DD */
	const struct metrics_today *today;
	const struct rotlog_health *log;
	const char *log_tail;        /* the last lines of today's log, as in the file */
	size_t log_tail_length;
	const struct rotlog_date *archives; /* newest first */
	size_t archive_count;
	bool loopback;               /* the client may open the drawer: show the test button */
};

/* "2 j 3 h 4 min", "3 h 4 min 5 s", "42 s". */
void page_format_duration(char *buf, size_t size, uint64_t seconds);

/* Appends the whole page. */
void page_render(struct strbuf *out, const struct page_view *view);

#endif
