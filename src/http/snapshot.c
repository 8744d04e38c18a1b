/* One reading of the service's state for /status, the page and /metrics. */
#include "http/snapshot.h"

#include <stdio.h>

#include "base/clock.h"

void snapshot_take(struct daemon_context *context, const struct drawer_printer_state *printer,
		   struct status_snapshot *snapshot)
{
	enum escpos_flag offline = printer->status.offline;
	long day;

	snapshot->now = time(NULL);
	snapshot->uptime_s = (uint64_t)(clock_monotonic_ms() - context->started_ms) / 1000;
	snapshot->printer = *printer;
	snapshot->online = offline == ESCPOS_FLAG_UNKNOWN ? ESCPOS_FLAG_UNKNOWN
			   : offline == ESCPOS_FLAG_YES   ? ESCPOS_FLAG_NO
							  : ESCPOS_FLAG_YES;
	drawer_get_stats(context->drawer, &snapshot->drawer);
	rotlog_get_health(context->log, &snapshot->log);
	metrics_get_today(context->metrics, snapshot->now, &snapshot->today);
	syslog_get_stats(context->syslog, &snapshot->syslog);
	day = snapshot->today.day;
	snprintf(snapshot->today_date, sizeof snapshot->today_date, "%04ld-%02ld-%02ld",
		 day / 10000 % 10000, day / 100 % 100, day % 100);
}

static int flag_value(enum escpos_flag flag)
{
	return flag == ESCPOS_FLAG_UNKNOWN ? -1 : flag == ESCPOS_FLAG_YES;
}

void snapshot_gauges(const struct daemon_context *context, const struct status_snapshot *snapshot,
		     struct metrics_gauges *gauges)
{
	*gauges = (struct metrics_gauges){
		.version = CASHDRAWERD_VERSION,
		.start_time_s = (double)context->started_at,
		.drawer = escpos_drawer_name(snapshot->printer.drawer),
		.printer_reachable = flag_value(snapshot->printer.reachable),
		.printer_online = flag_value(snapshot->online),
		.paper = escpos_paper_name(escpos_status_paper(&snapshot->printer.status)),
		.printer_checked_s = (double)snapshot->printer.checked_at,
		.log_lines_written = snapshot->log.lines_written,
		.log_write_failures = snapshot->log.write_failures,
		.syslog_sent = snapshot->syslog.sent,
		.syslog_dropped = snapshot->syslog.dropped,
	};
}
