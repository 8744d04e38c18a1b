/* Specifies what /metrics counts and how it writes it: buckets, which answer
 * is which opening result, labels taken from the answers, today's openings,
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

static void test_endpoints_are_the_routes_and_other(void **state)
{
	(void)state;
	assert_int_equal(metrics_endpoint_of("/"), METRICS_ENDPOINT_PAGE);
	assert_int_equal(metrics_endpoint_of("/open-cash-drawer"), METRICS_ENDPOINT_OPEN);
	assert_int_equal(metrics_endpoint_of("/status"), METRICS_ENDPOINT_STATUS);
	assert_int_equal(metrics_endpoint_of("/logs"), METRICS_ENDPOINT_LOGS);
	assert_int_equal(metrics_endpoint_of("/metrics"), METRICS_ENDPOINT_METRICS);
	assert_int_equal(metrics_endpoint_of("/status/"), METRICS_ENDPOINT_OTHER);
	assert_int_equal(metrics_endpoint_of("/<script>"), METRICS_ENDPOINT_OTHER);
	assert_int_equal(metrics_endpoint_of(""), METRICS_ENDPOINT_OTHER);
	assert_int_equal(metrics_endpoint_of(NULL), METRICS_ENDPOINT_OTHER);
	assert_string_equal(metrics_endpoint_name(METRICS_ENDPOINT_OTHER), "other");
	assert_string_equal(metrics_endpoint_name(METRICS_ENDPOINT_OPEN), "/open-cash-drawer");
}

static void test_opening_results_from_status_and_outcome(void **state)
{
	(void)state;
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OPEN, "GET", 200, "opened"),
			 METRICS_OPENING_SUCCESS);
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OPEN, "GET", 200, "coalesced"),
			 METRICS_OPENING_COALESCED);
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OPEN, "GET", 403, "not_local"),
			 METRICS_OPENING_REFUSED);
	/* a refusal code added later is a refusal all the same */
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OPEN, "GET", 401, "token_required"),
			 METRICS_OPENING_REFUSED);
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OPEN, "GET", 503, "printer_refused"),
			 METRICS_OPENING_PRINTER_ERROR);
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OPEN, "GET", 500, "internal_error"),
			 METRICS_OPENING_PRINTER_ERROR);
}

static void test_head_and_other_endpoints_are_not_openings(void **state)
{
	(void)state;
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OPEN, "HEAD", 200, "head_no_kick"), -1);
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OPEN, "HEAD", 403, "not_local"), -1);
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_STATUS, "GET", 200, "ok"), -1);
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OTHER, "GET", 404, "not_found"), -1);
	assert_int_equal(metrics_opening_of(METRICS_ENDPOINT_OPEN, "POST", 405, "method_not_allowed"), -1);
}

static void test_labels_count_each_name_in_its_own_slot(void **state)
{
	static struct metrics_labels labels;

	(void)state;
	metrics_labels_add(&labels, "not_local");
	metrics_labels_add(&labels, "origin_not_allowed");
	metrics_labels_add(&labels, "not_local");
	assert_int_equal(metrics_labels_get(&labels, "not_local"), 2);
	assert_int_equal(metrics_labels_get(&labels, "origin_not_allowed"), 1);
	assert_int_equal(metrics_labels_get(&labels, "never"), 0);
	assert_int_equal(atomic_load(&labels.overflow), 0);
}

static void test_labels_beyond_the_table_or_too_long_count_as_overflow(void **state)
{
	static struct metrics_labels labels;
	char name[32], long_name[METRICS_LABEL_LENGTH + 1];

	(void)state;
	for (int i = 0; i < METRICS_LABELS_MAX + 3; i++) {
		snprintf(name, sizeof name, "code_%d", i);
		metrics_labels_add(&labels, name);
	}
	memset(long_name, 'x', METRICS_LABEL_LENGTH);
	long_name[METRICS_LABEL_LENGTH] = '\0';
	metrics_labels_add(&labels, long_name);
	metrics_labels_add(&labels, NULL);
	assert_int_equal(metrics_labels_get(&labels, "code_0"), 1);
	assert_int_equal(metrics_labels_get(&labels, "code_47"), 1);
	assert_int_equal(metrics_labels_get(&labels, "code_48"), 0);
	assert_int_equal(atomic_load(&labels.overflow), 5);
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
	metrics_record(&metrics, "/open-cash-drawer", "GET", 200, "opened", 600000, now);
	metrics_record(&metrics, "/open-cash-drawer", "GET", 200, "coalesced", 100, now);
	metrics_record(&metrics, "/open-cash-drawer", "GET", 403, "not_local", 100, now);
	metrics_record(&metrics, "/open-cash-drawer", "GET", 503, "printer_refused", 2000, now);
	metrics_record(&metrics, "/nope", "GET", 404, "not_found", 100, now);
	metrics_record(&metrics, "/status", "GET", 200, "ok", 300, now);
	assert_int_equal(atomic_load(&metrics.openings[METRICS_OPENING_SUCCESS]), 1);
	assert_int_equal(atomic_load(&metrics.openings[METRICS_OPENING_COALESCED]), 1);
	assert_int_equal(atomic_load(&metrics.openings[METRICS_OPENING_REFUSED]), 1);
	assert_int_equal(atomic_load(&metrics.openings[METRICS_OPENING_PRINTER_ERROR]), 1);
	assert_int_equal(metrics_labels_get(&metrics.refusals, "not_local"), 1);
	assert_int_equal(metrics_labels_get(&metrics.refusals, "not_found"), 1);
	assert_int_equal(metrics_labels_get(&metrics.printer_errors, "printer_refused"), 1);
	assert_int_equal(atomic_load(&metrics.durations[METRICS_ENDPOINT_OPEN].count), 4);
	assert_int_equal(atomic_load(&metrics.durations[METRICS_ENDPOINT_OPEN].sum_us), 602200);
	assert_int_equal(atomic_load(&metrics.durations[METRICS_ENDPOINT_OPEN].buckets[11]), 1);
	assert_int_equal(atomic_load(&metrics.durations[METRICS_ENDPOINT_OTHER].count), 1);
	assert_int_equal(atomic_load(&metrics.durations[METRICS_ENDPOINT_STATUS].buckets[1]), 1);
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
	metrics_record(&metrics, "/open-cash-drawer", "GET", 200, "opened", 1, local_time(2025, 2, 1, 23));
	metrics_record(&metrics, "/open-cash-drawer", "GET", 200, "opened", 1, local_time(2025, 2, 1, 23));
	metrics_get_today(&metrics, local_time(2025, 2, 1, 23), &today);
	assert_int_equal(today.openings[METRICS_OPENING_SUCCESS], 2);
	/* read on the next day before any opening: zero, dated today */
	metrics_get_today(&metrics, local_time(2025, 2, 2, 0), &today);
	assert_int_equal(today.day, 20250202);
	assert_int_equal(today.openings[METRICS_OPENING_SUCCESS], 0);
	metrics_record(&metrics, "/open-cash-drawer", "GET", 200, "opened", 1, local_time(2025, 2, 2, 9));
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
	"client_gone, shutdown, rejected.\n"
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
	metrics_record(&metrics, "/open-cash-drawer", "GET", 200, "opened", 51000, 1738416152);
	metrics_record(&metrics, "/open-cash-drawer", "GET", 403, "not_local", 120, 1738416152);
	metrics_record(&metrics, "/open-cash-drawer", "GET", 503, "printer_timeout", 2000100, 1738416152);
	metrics_record_unanswered(&metrics, "client_gone");
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
		cmocka_unit_test(test_endpoints_are_the_routes_and_other),
		cmocka_unit_test(test_opening_results_from_status_and_outcome),
		cmocka_unit_test(test_head_and_other_endpoints_are_not_openings),
		cmocka_unit_test(test_labels_count_each_name_in_its_own_slot),
		cmocka_unit_test(test_labels_beyond_the_table_or_too_long_count_as_overflow),
		cmocka_unit_test(test_record_counts_openings_refusals_errors_and_durations),
		cmocka_unit_test(test_today_starts_again_at_local_midnight),
		cmocka_unit_test(test_format_writes_the_exposition_text),
		cmocka_unit_test(test_format_escapes_label_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
