/* Specifies what a closing connection owes the log from its socket's
 * counters: nothing for the bytes of logged requests and a client's FIN, a
 * malformed request for bytes that formed none (answered or not), a timeout
 * when the request watchdog cut them. The counters are Linux's (FIN counted
 * as a byte, data segments, written bytes) or Windows' (bytes only); over HTTPS,
 * TLS's own close each way is no request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http/traffic.h"

/* a connection that carried one logged request: 78 bytes in one segment,
 * 420 bytes of answer */
static const struct traffic LINUX_AFTER_REQUEST = {78, 1, true, 420, true};
static const struct traffic WINDOWS_AFTER_REQUEST = {78, 0, false, 0, false};
static const struct traffic LINUX_FRESH = {0, 0, true, 0, true};

static struct traffic plus(struct traffic t, uint64_t bytes, uint64_t segments, uint64_t written)
{
	t.received += bytes;
	t.received_segments += segments;
	t.written += written;
	return t;
}

static void test_nothing_new_owes_nothing(void **state)
{
	(void)state;
	assert_int_equal(traffic_leftover(&LINUX_FRESH, &LINUX_FRESH, false), TRAFFIC_NOTHING);
	assert_int_equal(traffic_leftover(&LINUX_AFTER_REQUEST, &LINUX_AFTER_REQUEST, false),
			 TRAFFIC_NOTHING);
	/* an idle connection cut by the watchdog: nothing came */
	assert_int_equal(traffic_leftover(&LINUX_FRESH, &LINUX_FRESH, true), TRAFFIC_NOTHING);
	assert_int_equal(traffic_leftover(&WINDOWS_AFTER_REQUEST, &WINDOWS_AFTER_REQUEST, true),
			 TRAFFIC_NOTHING);
}

static void test_the_clients_fin_alone_is_not_a_request(void **state)
{
	struct traffic fin = plus(LINUX_AFTER_REQUEST, 1, 0, 0);
	struct traffic fin_on_fresh = plus(LINUX_FRESH, 1, 0, 0);

	(void)state;
	assert_int_equal(traffic_leftover(&LINUX_AFTER_REQUEST, &fin, false), TRAFFIC_NOTHING);
	assert_int_equal(traffic_leftover(&LINUX_FRESH, &fin_on_fresh, false), TRAFFIC_NOTHING);
}

static void test_the_services_own_fin_is_not_an_answer(void **state)
{
	/* queued behind unsent data, the FIN counts as one written byte */
	struct traffic fin = plus(LINUX_AFTER_REQUEST, 0, 0, 1);

	(void)state;
	assert_int_equal(traffic_leftover(&LINUX_AFTER_REQUEST, &fin, false), TRAFFIC_NOTHING);
}

static void test_bytes_without_a_request_are_a_malformed_one(void **state)
{
	struct traffic line = plus(LINUX_FRESH, 31, 1, 0);
	struct traffic line_and_fin = plus(LINUX_FRESH, 32, 1, 0);
	struct traffic one_byte = plus(LINUX_FRESH, 1, 1, 0);
	struct traffic after_request = plus(LINUX_AFTER_REQUEST, 12, 1, 0);

	(void)state;
	assert_int_equal(traffic_leftover(&LINUX_FRESH, &line, false), TRAFFIC_UNANSWERED);
	assert_int_equal(traffic_leftover(&LINUX_FRESH, &line_and_fin, false), TRAFFIC_UNANSWERED);
	assert_int_equal(traffic_leftover(&LINUX_FRESH, &one_byte, false), TRAFFIC_UNANSWERED);
	assert_int_equal(traffic_leftover(&LINUX_AFTER_REQUEST, &after_request, false),
			 TRAFFIC_UNANSWERED);
}

static void test_an_answer_no_logged_request_gave_is_the_librarys_refusal(void **state)
{
	/* HTTP/2.0 line: 505 from libmicrohttpd */
	struct traffic refused = plus(LINUX_FRESH, 34, 1, 160);
	/* pipelined behind a logged request, in the same segment: no new byte
	 * received, only the answer shows it */
	struct traffic pipelined = plus(LINUX_AFTER_REQUEST, 0, 0, 160);

	(void)state;
	assert_int_equal(traffic_leftover(&LINUX_FRESH, &refused, false), TRAFFIC_ANSWERED);
	assert_int_equal(traffic_leftover(&LINUX_AFTER_REQUEST, &pipelined, false), TRAFFIC_ANSWERED);
	assert_int_equal(traffic_leftover(&LINUX_FRESH, &refused, true), TRAFFIC_ANSWERED);
}

static void test_bytes_cut_by_the_watchdog_are_a_timeout(void **state)
{
	struct traffic partial = plus(LINUX_FRESH, 8, 1, 0);
	struct traffic partial_windows = plus(WINDOWS_AFTER_REQUEST, 8, 0, 0);

	(void)state;
	assert_int_equal(traffic_leftover(&LINUX_FRESH, &partial, true), TRAFFIC_TIMED_OUT);
	assert_int_equal(traffic_leftover(&WINDOWS_AFTER_REQUEST, &partial_windows, true),
			 TRAFFIC_TIMED_OUT);
}

static void test_without_segment_or_written_counts_two_bytes_are_needed(void **state)
{
	/* Windows counts bytes only: one may be a FIN, two are data */
	struct traffic one = plus(WINDOWS_AFTER_REQUEST, 1, 0, 0);
	struct traffic two = plus(WINDOWS_AFTER_REQUEST, 2, 0, 0);
	struct traffic written = WINDOWS_AFTER_REQUEST;

	(void)state;
	written.written = 500; /* not known there: never compared */
	assert_int_equal(traffic_leftover(&WINDOWS_AFTER_REQUEST, &one, false), TRAFFIC_NOTHING);
	assert_int_equal(traffic_leftover(&WINDOWS_AFTER_REQUEST, &two, false), TRAFFIC_UNANSWERED);
	assert_int_equal(traffic_leftover(&WINDOWS_AFTER_REQUEST, &written, false), TRAFFIC_NOTHING);
}

/* HTTPS after a request: TLS's close (a close_notify record of 24 to 31
 * bytes with the suites served, and the FIN) each way is no request */
static void test_tls_close_notify_each_way_owes_nothing(void **state)
{
	struct traffic tls13 = plus(LINUX_AFTER_REQUEST, 24 + 1, 1, 24 + 1);
	struct traffic tls12 = plus(LINUX_AFTER_REQUEST, 31 + 1, 1, 31 + 1);
	struct traffic idle_cut = plus(LINUX_AFTER_REQUEST, 1, 0, 24);

	(void)state;
	assert_int_equal(traffic_tls_leftover(&LINUX_AFTER_REQUEST, &tls13, false), TRAFFIC_NOTHING);
	assert_int_equal(traffic_tls_leftover(&LINUX_AFTER_REQUEST, &tls12, false), TRAFFIC_NOTHING);
	assert_int_equal(traffic_tls_leftover(&LINUX_AFTER_REQUEST, &idle_cut, true), TRAFFIC_NOTHING);
}

static void test_tls_records_beyond_the_close_are_a_malformed_request_or_a_timeout(void **state)
{
	/* libmicrohttpd's 505 to "GET / HTTP/2.0": 40 bytes in, 297 out */
	struct traffic refused = plus(LINUX_AFTER_REQUEST, 40, 1, 297);
	/* a line it drops (63 bytes), then both closes */
	struct traffic dropped = plus(LINUX_AFTER_REQUEST, 63 + 24 + 1, 2, 24 + 1);
	/* 14 bytes of a line (36 in a record), then the client's close_notify */
	struct traffic cut = plus(LINUX_AFTER_REQUEST, 36 + 24 + 1, 2, 24 + 1);
	/* the same 14 bytes, then silence until the watchdog */
	struct traffic waited = plus(LINUX_AFTER_REQUEST, 36, 1, 24);

	(void)state;
	assert_int_equal(traffic_tls_leftover(&LINUX_AFTER_REQUEST, &refused, false),
			 TRAFFIC_ANSWERED);
	assert_int_equal(traffic_tls_leftover(&LINUX_AFTER_REQUEST, &dropped, false),
			 TRAFFIC_UNANSWERED);
	assert_int_equal(traffic_tls_leftover(&LINUX_AFTER_REQUEST, &cut, false),
			 TRAFFIC_UNANSWERED);
	assert_int_equal(traffic_tls_leftover(&LINUX_AFTER_REQUEST, &waited, true),
			 TRAFFIC_TIMED_OUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_new_owes_nothing),
		cmocka_unit_test(test_the_clients_fin_alone_is_not_a_request),
		cmocka_unit_test(test_the_services_own_fin_is_not_an_answer),
		cmocka_unit_test(test_bytes_without_a_request_are_a_malformed_one),
		cmocka_unit_test(test_an_answer_no_logged_request_gave_is_the_librarys_refusal),
		cmocka_unit_test(test_bytes_cut_by_the_watchdog_are_a_timeout),
		cmocka_unit_test(test_without_segment_or_written_counts_two_bytes_are_needed),
		cmocka_unit_test(test_tls_close_notify_each_way_owes_nothing),
		cmocka_unit_test(test_tls_records_beyond_the_close_are_a_malformed_request_or_a_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
