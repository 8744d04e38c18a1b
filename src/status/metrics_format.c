/* /metrics in the Prometheus text exposition format, version 0.0.4. Pure. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "status/metrics.h"

static void header(struct strbuf *out, const char *name, const char *type, const char *help)
{
	strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void labelled(struct strbuf *out, const char *name, const char *label, const char *value,
		     uint64_t count)
{
	strbuf_printf(out, "%s{%s=\"", name, label);
	strbuf_puts_label(out, value);
	strbuf_printf(out, "\"} %" PRIu64 "\n", count);
}

static void labels(struct strbuf *out, const char *name, const char *label,
		   const struct metrics_labels *table)
{
	uint64_t overflow = atomic_load(&table->overflow);

	for (size_t i = 0; i < METRICS_LABELS_MAX; i++) {
		const struct metrics_label_slot *slot = &table->slots[i];

		if (atomic_load(&slot->state) != 2)
			break;
		labelled(out, name, label, slot->name, atomic_load(&slot->count));
	}
	if (overflow > 0)
		labelled(out, name, label, "other", overflow);
}

/* Seconds from microseconds, exactly: integer part and six decimals. */
static void seconds(struct strbuf *out, uint64_t us)
{
	strbuf_printf(out, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

/* A bucket bound as Prometheus clients write it: 0.00025, 0.5, 1, 2.5 (the
 * le label must be the same text on every till to aggregate them). */
static void bound(struct strbuf *out, uint64_t us)
{
	char fraction[8];
	size_t length;

	snprintf(fraction, sizeof fraction, "%06" PRIu64, us % 1000000);
	length = strlen(fraction);
	while (length > 0 && fraction[length - 1] == '0')
		fraction[--length] = '\0';
	strbuf_printf(out, "%" PRIu64 "%s%s", us / 1000000, length > 0 ? "." : "", fraction);
}

static void histograms(struct strbuf *out, const struct metrics *metrics)
{
	static const char name[] = "cashdrawerd_request_duration_seconds";

	header(out, name, "histogram",
	       "Time from the request line to the answer, by endpoint (other: unknown paths).");
	for (int e = 0; e < METRICS_ENDPOINT_COUNT; e++) {
		const struct metrics_histogram *histogram = &metrics->durations[e];
		const char *endpoint = metrics_endpoint_name((enum metrics_endpoint)e);
		uint64_t cumulative = 0;

		for (size_t b = 0; b <= METRICS_BUCKET_COUNT; b++) {
			cumulative += atomic_load(&histogram->buckets[b]);
			strbuf_printf(out, "%s_bucket{endpoint=\"%s\",le=\"", name, endpoint);
			if (b < METRICS_BUCKET_COUNT)
				bound(out, metrics_bucket_bounds_us[b]);
			else
				strbuf_puts(out, "+Inf");
			strbuf_printf(out, "\"} %" PRIu64 "\n", cumulative);
		}
		strbuf_printf(out, "%s_sum{endpoint=\"%s\"} ", name, endpoint);
		seconds(out, atomic_load(&histogram->sum_us));
		/* the count is the +Inf bucket, read once: the two always agree */
		strbuf_printf(out, "\n%s_count{endpoint=\"%s\"} %" PRIu64 "\n", name, endpoint,
			      cumulative);
	}
}

static void state_gauge(struct strbuf *out, const char *name, const char *help,
			const char *const *states, size_t count, const char *current)
{
	header(out, name, "gauge", help);
	for (size_t i = 0; i < count; i++)
		strbuf_printf(out, "%s{state=\"%s\"} %d\n", name, states[i],
			      current != NULL && strcmp(current, states[i]) == 0);
}

/* 1, 0, or NaN for unknown (never a guess). */
static void flag_gauge(struct strbuf *out, const char *name, const char *help, int value)
{
	header(out, name, "gauge", help);
	if (value < 0)
		strbuf_printf(out, "%s NaN\n", name);
	else
		strbuf_printf(out, "%s %d\n", name, value != 0);
}

void metrics_format(struct strbuf *out, const struct metrics *metrics,
		    const struct metrics_gauges *gauges)
{
	static const char *const drawer_states[] = {"open", "closed", "unknown"};
	static const char *const paper_states[] = {"ok", "near_end", "out", "unknown"};

	header(out, "cashdrawerd_build_info", "gauge", "Version of the running service (always 1).");
	strbuf_puts(out, "cashdrawerd_build_info{version=\"");
	strbuf_puts_label(out, gauges->version);
	strbuf_puts(out, "\"} 1\n");
	header(out, "cashdrawerd_start_time_seconds", "gauge",
	       "When the service started, in seconds since the Unix epoch.");
	strbuf_printf(out, "cashdrawerd_start_time_seconds %.3f\n", gauges->start_time_s);

	header(out, "cashdrawerd_openings_total", "counter",
	       "GET /open-cash-drawer answers by result: success (a pulse), coalesced (shared a "
	       "pulse), refused (4xx), printer_error (5xx).");
	for (int r = 0; r < METRICS_OPENING_COUNT; r++)
		labelled(out, "cashdrawerd_openings_total", "result",
			 metrics_opening_name((enum metrics_opening)r),
			 atomic_load(&metrics->openings[r]));
	header(out, "cashdrawerd_refusals_total", "counter",
	       "Answers with a 4xx status, on any endpoint, by their error code.");
	labels(out, "cashdrawerd_refusals_total", "reason", &metrics->refusals);
	header(out, "cashdrawerd_printer_errors_total", "counter",
	       "Openings answered with a 5xx status, by their error code.");
	labels(out, "cashdrawerd_printer_errors_total", "code", &metrics->printer_errors);
	header(out, "cashdrawerd_requests_unanswered_total", "counter",
	       "Requests closed before an answer: timeout, client_gone, shutdown, rejected.");
	labels(out, "cashdrawerd_requests_unanswered_total", "reason", &metrics->unanswered);
	histograms(out, metrics);

	state_gauge(out, "cashdrawerd_drawer_state",
		    "The drawer as last read from the printer (1 for the current state).",
		    drawer_states, sizeof drawer_states / sizeof drawer_states[0], gauges->drawer);
	flag_gauge(out, "cashdrawerd_printer_reachable",
		   "The last status check reached the printer (NaN: unknown, a print queue or "
		   "never checked).",
		   gauges->printer_reachable);
	flag_gauge(out, "cashdrawerd_printer_online",
		   "The printer said it is online at the last check (NaN: unknown).",
		   gauges->printer_online);
	state_gauge(out, "cashdrawerd_printer_paper",
		    "The paper as last read from the printer (1 for the current state).",
		    paper_states, sizeof paper_states / sizeof paper_states[0], gauges->paper);
	header(out, "cashdrawerd_printer_last_check_seconds", "gauge",
	       "When the printer's status was last read, in seconds since the Unix epoch (0: "
	       "never).");
	strbuf_printf(out, "cashdrawerd_printer_last_check_seconds %.0f\n", gauges->printer_checked_s);

	header(out, "cashdrawerd_log_lines_total", "counter", "Lines written to cashdrawer.log.");
	strbuf_printf(out, "cashdrawerd_log_lines_total %" PRIu64 "\n", gauges->log_lines_written);
	header(out, "cashdrawerd_log_write_failures_total", "counter",
	       "Log lines that could not be written to cashdrawer.log (disk full, read-only).");
	strbuf_printf(out, "cashdrawerd_log_write_failures_total %" PRIu64 "\n",
		      gauges->log_write_failures);
	header(out, "cashdrawerd_syslog_messages_total", "counter",
	       "Log lines handed to the syslog server.");
	strbuf_printf(out, "cashdrawerd_syslog_messages_total %" PRIu64 "\n", gauges->syslog_sent);
	header(out, "cashdrawerd_syslog_dropped_total", "counter",
	       "Log lines not sent to the syslog server (queue full or server unreachable).");
	strbuf_printf(out, "cashdrawerd_syslog_dropped_total %" PRIu64 "\n", gauges->syslog_dropped);
}
