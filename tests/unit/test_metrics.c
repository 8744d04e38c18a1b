/* Specifies what /metrics counts and how it writes it: buckets, which answer
 * is which opening result, counts by outcome, today's openings,
 * and the exact exposition text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "status/metrics.h"

static void test_bucket_bounds_are_inclusive_upper_bounds(void **state)
{
	(void)state;
	assert_int_equal(metrics_bucket_index(0), 0);
	assert_int_equal(metrics_bucket_index(250), 0);
	assert_int_equal(metrics_bucket_index(251), 1);
	assert_int_equal(metrics_bucket_index(1000), 2);
	assert_int_equal(metrics_bucket_index(1001), 3);
	assert_int_equal(metrics_bucket_index(2000000), 12);
	assert_int_equal(metrics_bucket_index(10000000), 13);
	assert_int_equal(metrics_bucket_index(10000001), METRICS_BUCKET_COUNT);
	assert_int_equal(metrics_bucket_index(UINT64_MAX), METRICS_BUCKET_COUNT);
}

static void test_bucket_bounds_increase(void **state)
{
	(void)state;
	for (size_t i = 1; i < METRICS_BUCKET_COUNT; i++)
		assert_true(metrics_bucket_bounds_us[i] > metrics_bucket_bounds_us[i - 1]);
	/* an opening that waits the longest timeout_ms (60 s) is past the last bound */
	assert_true(metrics_bucket_bounds_us[METRICS_BUCKET_COUNT - 1] >= 2000000);
}

static void test_endpoints_are_the_tables_and_other(void **state)
{
	(void)state;
	assert_int_equal(endpoint_of_path("/"), ENDPOINT_PAGE);
	assert_int_equal(endpoint_of_path("/open-cash-drawer"), ENDPOINT_OPEN);
	assert_int_equal(endpoint_of_path("/status"), ENDPOINT_STATUS);
	assert_int_equal(endpoint_of_path("/logs"), ENDPOINT_LOGS);
	assert_int_equal(endpoint_of_path("/metrics"), ENDPOINT_METRICS);
	assert_int_equal(endpoint_of_path("/status/"), ENDPOINT_OTHER);
	assert_int_equal(endpoint_of_path("/<script>"), ENDPOINT_OTHER);
	assert_int_equal(endpoint_of_path(""), ENDPOINT_OTHER);
	assert_int_equal(endpoint_of_path(NULL), ENDPOINT_OTHER);
	assert_string_equal(endpoint_table[ENDPOINT_OTHER].path, "other");
	assert_string_equal(endpoint_table[ENDPOINT_OPEN].path, "/open-cash-drawer");
}

static void test_opening_results_from_the_outcome_table(void **state)
{
	(void)state;
	assert_int_equal(metrics_opening_of(OUTCOME_OPENED), METRICS_OPENING_SUCCESS);
	assert_int_equal(metrics_opening_of(OUTCOME_COALESCED), METRICS_OPENING_COALESCED);
	assert_int_equal(metrics_opening_of(OUTCOME_NOT_LOCAL), METRICS_OPENING_REFUSED);
	assert_int_equal(metrics_opening_of(OUTCOME_TOKEN_REQUIRED), METRICS_OPENING_REFUSED);
	assert_int_equal(metrics_opening_of(OUTCOME_PRINTER_REFUSED), METRICS_OPENING_PRINTER_ERROR);
	assert_int_equal(metrics_opening_of(OUTCOME_INTERNAL_ERROR), METRICS_OPENING_PRINTER_ERROR);
	assert_int_equal(metrics_opening_of(OUTCOME_HEAD_NO_KICK), -1);
	assert_int_equal(metrics_opening_of(OUTCOME_OK), -1);
	assert_int_equal(metrics_opening_of(OUTCOME_TIMEOUT), -1);
}

static void test_head_and_other_endpoints_are_not_openings(void **state)
{
	static struct metrics metrics;

	(void)state;
	metrics_init(&metrics);
	metrics_count(&metrics, ENDPOINT_OPEN, false, OUTCOME_HEAD_NO_KICK, 1, 0);
	metrics_count(&metrics, ENDPOINT_OPEN, false, OUTCOME_NOT_LOCAL, 1, 0);
	metrics_count(&metrics, ENDPOINT_STATUS, false, OUTCOME_OK, 1, 0);
	metrics_count(&metrics, ENDPOINT_OTHER, false, OUTCOME_NOT_FOUND, 1, 0);
	metrics_count(&metrics, ENDPOINT_STATUS, false, OUTCOME_PRINTER_ERROR, 1, 0);
	for (int r = 0; r < METRICS_OPENING_COUNT; r++)
		assert_int_equal(atomic_load(&metrics.openings[r]), 0);
	/* every answer is counted by its outcome all the same */
	assert_int_equal(metrics_outcome_total(&metrics, OUTCOME_NOT_LOCAL), 1);
	assert_int_equal(metrics_outcome_total(&metrics, OUTCOME_NOT_FOUND), 1);
	metrics_destroy(&metrics);
}

static time_t local_time(int year, int month, int day, int hour)
{
	struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
			.tm_hour = hour, .tm_isdst = -1};

	return mktime(&tm);
}

static void test_record_counts_openings_refusals_errors_and_durations(void **state)
{
	static struct metrics metrics;
	time_t now = local_time(2025, 2, 1, 14);
	struct metrics_today today;

	(void)state;
	metrics_init(&metrics);
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_OPENED, 600000, now);
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_COALESCED, 100, now);
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_NOT_LOCAL, 100, now);
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_PRINTER_REFUSED, 2000, now);
	metrics_count(&metrics, ENDPOINT_OTHER, false, OUTCOME_NOT_FOUND, 100, now);
	metrics_count(&metrics, ENDPOINT_STATUS, false, OUTCOME_OK, 300, now);
	assert_int_equal(atomic_load(&metrics.openings[METRICS_OPENING_SUCCESS]), 1);
	assert_int_equal(atomic_load(&metrics.openings[METRICS_OPENING_COALESCED]), 1);
	assert_int_equal(atomic_load(&metrics.openings[METRICS_OPENING_REFUSED]), 1);
	assert_int_equal(atomic_load(&metrics.openings[METRICS_OPENING_PRINTER_ERROR]), 1);
	assert_int_equal(metrics_outcome_total(&metrics, OUTCOME_NOT_LOCAL), 1);
	assert_int_equal(metrics_outcome_total(&metrics, OUTCOME_NOT_FOUND), 1);
	assert_int_equal(atomic_load(&metrics.outcomes[ENDPOINT_OPEN][OUTCOME_PRINTER_REFUSED]), 1);
	assert_int_equal(atomic_load(&metrics.durations[ENDPOINT_OPEN].count), 4);
	assert_int_equal(atomic_load(&metrics.durations[ENDPOINT_OPEN].sum_us), 602200);
	assert_int_equal(atomic_load(&metrics.durations[ENDPOINT_OPEN].buckets[11]), 1);
	assert_int_equal(atomic_load(&metrics.durations[ENDPOINT_OTHER].count), 1);
	assert_int_equal(atomic_load(&metrics.durations[ENDPOINT_STATUS].buckets[1]), 1);
	metrics_get_today(&metrics, now, &today);
	assert_int_equal(today.day, 20250201);
	assert_int_equal(today.openings[METRICS_OPENING_SUCCESS], 1);
	assert_int_equal(today.openings[METRICS_OPENING_REFUSED], 1);
	metrics_destroy(&metrics);
}

static void test_today_starts_again_at_local_midnight(void **state)
{
	static struct metrics metrics;
	struct metrics_today today;

	(void)state;
	metrics_init(&metrics);
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_OPENED, 1, local_time(2025, 2, 1, 23));
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_OPENED, 1, local_time(2025, 2, 1, 23));
	metrics_get_today(&metrics, local_time(2025, 2, 1, 23), &today);
	assert_int_equal(today.openings[METRICS_OPENING_SUCCESS], 2);
	/* read on the next day before any opening: zero, dated today */
	metrics_get_today(&metrics, local_time(2025, 2, 2, 0), &today);
	assert_int_equal(today.day, 20250202);
	assert_int_equal(today.openings[METRICS_OPENING_SUCCESS], 0);
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_OPENED, 1, local_time(2025, 2, 2, 9));
	metrics_get_today(&metrics, local_time(2025, 2, 2, 9), &today);
	assert_int_equal(today.openings[METRICS_OPENING_SUCCESS], 1);
	/* the counters since the start are never reset */
	assert_int_equal(atomic_load(&metrics.openings[METRICS_OPENING_SUCCESS]), 3);
	metrics_destroy(&metrics);
}

static const char expected_text[] =
	"# HELP cashdrawerd_build_info Version of the running service (always 1).\n"
	"# TYPE cashdrawerd_build_info gauge\n"
	"cashdrawerd_build_info{version=\"0.1.0\"} 1\n"
	"# HELP cashdrawerd_start_time_seconds When the service started, in seconds since the Unix epoch.\n"
	"# TYPE cashdrawerd_start_time_seconds gauge\n"
	"cashdrawerd_start_time_seconds 1738416151.000\n"
	"# HELP cashdrawerd_openings_total GET /open-cash-drawer answers by result: success (a pulse), "
	"coalesced (shared a pulse), refused (4xx), printer_error (5xx).\n"
	"# TYPE cashdrawerd_openings_total counter\n"
	"cashdrawerd_openings_total{result=\"success\"} 1\n"
	"cashdrawerd_openings_total{result=\"coalesced\"} 0\n"
	"cashdrawerd_openings_total{result=\"refused\"} 1\n"
	"cashdrawerd_openings_total{result=\"printer_error\"} 1\n"
	"# HELP cashdrawerd_refusals_total Answers with a 4xx status, on any endpoint, by their error code.\n"
	"# TYPE cashdrawerd_refusals_total counter\n"
	"cashdrawerd_refusals_total{reason=\"not_local\"} 1\n"
	"# HELP cashdrawerd_printer_errors_total Openings answered with a 5xx status, by their error code.\n"
	"# TYPE cashdrawerd_printer_errors_total counter\n"
	"cashdrawerd_printer_errors_total{code=\"printer_timeout\"} 1\n"
	"# HELP cashdrawerd_requests_unanswered_total Requests closed before an answer: timeout, "
	"client_gone, shutdown, rejected, malformed.\n"
	"# TYPE cashdrawerd_requests_unanswered_total counter\n"
	"cashdrawerd_requests_unanswered_total{reason=\"client_gone\"} 1\n"
	"# HELP cashdrawerd_request_duration_seconds Time from the request line to the answer, by "
	"endpoint (other: unknown paths).\n"
	"# TYPE cashdrawerd_request_duration_seconds histogram\n";

static void test_format_writes_the_exposition_text(void **state)
{
	static struct metrics metrics;
	struct metrics_gauges gauges = {
		.version = "0.1.0", .start_time_s = 1738416151, .drawer = "closed",
		.printer_reachable = 1, .printer_online = -1, .paper = "near_end",
		.printer_checked_s = 1738416160, .log_lines_written = 12, .log_write_failures = 2,
		.syslog_sent = 5, .syslog_dropped = 1,
	};
	struct strbuf out = {0};
	char *text;

	(void)state;
	metrics_init(&metrics);
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_OPENED, 51000, 1738416152);
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_NOT_LOCAL, 120, 1738416152);
	metrics_count(&metrics, ENDPOINT_OPEN, true, OUTCOME_PRINTER_TIMEOUT, 2000100, 1738416152);
	metrics_count_unanswered(&metrics, OUTCOME_CLIENT_GONE);
	metrics_format(&out, &metrics, &gauges);
	text = strbuf_take(&out, NULL);
	assert_memory_equal(text, expected_text, sizeof expected_text - 1);
	/* the opening histogram: cumulative buckets, exact sum and count */
	assert_non_null(strstr(text,
		"cashdrawerd_request_duration_seconds_bucket{endpoint=\"/open-cash-drawer\",le=\"0.00025\"} 1\n"
		"cashdrawerd_request_duration_seconds_bucket{endpoint=\"/open-cash-drawer\",le=\"0.0005\"} 1\n"));
	assert_non_null(strstr(text,
		"{endpoint=\"/open-cash-drawer\",le=\"0.05\"} 1\n"
		"cashdrawerd_request_duration_seconds_bucket{endpoint=\"/open-cash-drawer\",le=\"0.1\"} 2\n"));
	assert_non_null(strstr(text,
		"{endpoint=\"/open-cash-drawer\",le=\"2.5\"} 3\n"
		"cashdrawerd_request_duration_seconds_bucket{endpoint=\"/open-cash-drawer\",le=\"10\"} 3\n"
		"cashdrawerd_request_duration_seconds_bucket{endpoint=\"/open-cash-drawer\",le=\"+Inf\"} 3\n"
		"cashdrawerd_request_duration_seconds_sum{endpoint=\"/open-cash-drawer\"} 2.051220\n"
		"cashdrawerd_request_duration_seconds_count{endpoint=\"/open-cash-drawer\"} 3\n"));
	assert_non_null(strstr(text, "cashdrawerd_request_duration_seconds_count{endpoint=\"other\"} 0\n"));
	assert_non_null(strstr(text,
		"cashdrawerd_drawer_state{state=\"open\"} 0\n"
		"cashdrawerd_drawer_state{state=\"closed\"} 1\n"
		"cashdrawerd_drawer_state{state=\"unknown\"} 0\n"));
	assert_non_null(strstr(text, "\ncashdrawerd_printer_reachable 1\n"));
	assert_non_null(strstr(text, "\ncashdrawerd_printer_online NaN\n"));
	assert_non_null(strstr(text, "cashdrawerd_printer_paper{state=\"near_end\"} 1\n"));
	assert_non_null(strstr(text, "\ncashdrawerd_printer_last_check_seconds 1738416160\n"));
	assert_non_null(strstr(text, "\ncashdrawerd_log_lines_total 12\n"));
	assert_non_null(strstr(text, "\ncashdrawerd_log_write_failures_total 2\n"));
	assert_non_null(strstr(text, "\ncashdrawerd_syslog_messages_total 5\n"));
	assert_non_null(strstr(text, "\ncashdrawerd_syslog_dropped_total 1\n"));
	/* every line ends with a newline, the last one included */
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
	metrics_destroy(&metrics);
}

static void test_format_escapes_label_values(void **state)
{
	static struct metrics metrics;
	struct metrics_gauges gauges = {.version = "1.0\"\\x\n", .drawer = "unknown",
					.printer_reachable = -1, .printer_online = -1,
					.paper = "unknown"};
	struct strbuf out = {0};
	char *text;

	(void)state;
	metrics_init(&metrics);
	metrics_format(&out, &metrics, &gauges);
	text = strbuf_take(&out, NULL);
	assert_non_null(strstr(text, "cashdrawerd_build_info{version=\"1.0\\\"\\\\x\\n\"} 1\n"));
	assert_non_null(strstr(text, "\ncashdrawerd_printer_reachable NaN\n"));
	free(text);
	metrics_destroy(&metrics);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_bounds_are_inclusive_upper_bounds),
		cmocka_unit_test(test_bucket_bounds_increase),
		cmocka_unit_test(test_endpoints_are_the_tables_and_other),
		cmocka_unit_test(test_opening_results_from_the_outcome_table),
		cmocka_unit_test(test_head_and_other_endpoints_are_not_openings),
		cmocka_unit_test(test_record_counts_openings_refusals_errors_and_durations),
		cmocka_unit_test(test_today_starts_again_at_local_midnight),
		cmocka_unit_test(test_format_writes_the_exposition_text),
		cmocka_unit_test(test_format_escapes_label_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
