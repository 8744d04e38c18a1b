/* One reading of the service's state, shared by /status, the status page and
 * /metrics so that all three show the same numbers. Internal to src/http/. */
#ifndef CASHDRAWERD_HTTP_SNAPSHOT_H
#define CASHDRAWERD_HTTP_SNAPSHOT_H

#include <stdint.h>
#include <time.h>

#include "daemon.h"
#include "status/metrics.h"

struct status_snapshot {
	time_t now;
	uint64_t uptime_s;
	struct drawer_printer_state printer;
	enum escpos_flag online; /* from printer.status.offline */
	struct drawer_stats drawer;
	struct rotlog_health log;
	struct metrics_today today;
	char today_date[16]; /* YYYY-MM-DD */
	struct syslog_stats syslog;
};

/* Reads the counters, the log's health and today's openings, with printer
 * as the printer's state (a fresh check or drawer_last_state). */
void snapshot_take(struct daemon_context *context, const struct drawer_printer_state *printer,
		   struct status_snapshot *snapshot);

/* The gauges of /metrics. */
void snapshot_gauges(const struct daemon_context *context, const struct status_snapshot *snapshot,
		     struct metrics_gauges *gauges);

#endif
