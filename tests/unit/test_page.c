/* Specifies the status page's HTML: values escaped and readable back from
 * data-field/data-value, the test button for loopback clients only, the log
 * tail escaped, archive links, and the tail of a log file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "status/page.h"

static struct drawer_printer_state printer_state(void)
{
	struct drawer_printer_state state = {0};

	state.can_read = true;
	state.reachable = ESCPOS_FLAG_YES;
	state.drawer = ESCPOS_DRAWER_CLOSED;
	state.status.offline = ESCPOS_FLAG_NO;
	state.status.cover_open = ESCPOS_FLAG_NO;
	state.status.paper_stopped = ESCPOS_FLAG_NO;
	state.status.error_occurred = ESCPOS_FLAG_NO;
	state.status.paper = ESCPOS_PAPER_OK;
	state.checked_at = 1738416160;
	return state;
}

static char *render(const char *tail, bool loopback, const struct rotlog_date *archives,
		    size_t archive_count)
{
	static struct drawer_printer_state printer;
	static struct drawer_stats drawer = {.pulses = 7, .coalesced = 2, .failures = 1};
	static struct metrics_today today = {.day = 20250201, .openings = {5, 2, 3, 1}};
	static struct rotlog_health log = {.last_write_ok = true, .lines_written = 10};
	struct page_view view;
	struct strbuf out = {0};

	printer = printer_state();
	view = (struct page_view){
		.version = "0.1.0", .uptime_s = 93784, .started_at = "2025-02-01T14:22:31+0100",
		.printer_uri = "tcp://192.168.1.50:9100", .printer = &printer,
		.printer_online = "true", .printer_checked_at = "2025-02-01T14:22:40+0100",
		.drawer = &drawer, .today_date = "2025-02-01", .today = &today, .log = &log,
		.log_tail = tail, .log_tail_length = strlen(tail), .archives = archives,
		.archive_count = archive_count, .loopback = loopback,
	};
	page_render(&out, &view);
	return strbuf_take(&out, NULL);
}

static void test_page_is_a_whole_self_contained_document(void **state)
{
	char *page = render("", false, NULL, 0);

	(void)state;
	assert_memory_equal(page, "<!DOCTYPE html>\n<html lang=\"fr\">", 32);
	assert_non_null(strstr(page, "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"));
	assert_non_null(strstr(page, "</body></html>\n"));
	/* nothing is loaded from elsewhere: no src=, no stylesheet link, no http URL */
	assert_null(strstr(page, "src="));
	assert_null(strstr(page, "<link"));
	assert_null(strstr(page, "http://"));
	assert_null(strstr(page, "https://"));
	free(page);
}

static void test_page_values_carry_their_status_field_and_value(void **state)
{
	char *page = render("", false, NULL, 0);

	(void)state;
	assert_non_null(strstr(page, "data-field=\"version\" data-value=\"0.1.0\">0.1.0<"));
	assert_non_null(strstr(page, "data-field=\"uptime_s\" data-value=\"93784\">1 j 2 h 3 min<"));
	assert_non_null(strstr(page, "data-field=\"printer.uri\" data-value=\"tcp://192.168.1.50:9100\">"));
	assert_non_null(strstr(page, "data-field=\"printer.reachable\" data-value=\"true\" class=\"ok\">oui<"));
	assert_non_null(strstr(page, "data-field=\"printer.drawer\" data-value=\"closed\">fermé<"));
	assert_non_null(strstr(page, "data-field=\"printer.paper\" data-value=\"ok\" class=\"ok\">ok<"));
	assert_non_null(strstr(page, "data-field=\"printer.error\" data-value=\"null\">aucune<"));
	assert_non_null(strstr(page, "data-field=\"today.date\" data-value=\"2025-02-01\">"));
	assert_non_null(strstr(page, "data-field=\"today.opened\" data-value=\"5\">5<"));
	assert_non_null(strstr(page, "data-field=\"today.coalesced\" data-value=\"2\">2<"));
	assert_non_null(strstr(page, "data-field=\"today.refused\" data-value=\"3\">3<"));
	assert_non_null(strstr(page, "data-field=\"today.printer_errors\" data-value=\"1\">1<"));
	assert_non_null(strstr(page, "data-field=\"drawer.pulses\" data-value=\"7\">7<"));
	assert_non_null(strstr(page, "data-field=\"log.ok\" data-value=\"true\""));
	free(page);
}

static void test_log_tail_is_escaped_so_a_script_in_a_path_never_runs(void **state)
{
	char *page = render("2025-02-01 14:22:31,123 - WARNING - 10.0.0.9 GET /<script>alert(1)</script>"
			    " 404 not_found\n<img src=x onerror=alert(2)>\n",
			    false, NULL, 0);

	(void)state;
	assert_non_null(strstr(page, "<pre id=\"log-tail\">2025-02-01 14:22:31,123 - WARNING - 10.0.0.9 "
				     "GET /&lt;script&gt;alert(1)&lt;/script&gt; 404 not_found\n"
				     "&lt;img src=x onerror=alert(2)&gt;\n</pre>"));
	assert_null(strstr(page, "<script>alert"));
	assert_null(strstr(page, "<img"));
	free(page);
}

static void test_test_button_and_script_only_for_loopback_clients(void **state)
{
	char *lan = render("", false, NULL, 0), *local = render("", true, NULL, 0);

	(void)state;
	assert_null(strstr(lan, "test-drawer"));
	assert_null(strstr(lan, "<script"));
	assert_null(strstr(lan, "open-cash-drawer"));
	assert_non_null(strstr(local, "<button id=\"test-drawer\" type=\"button\">Tester le tiroir</button>"));
	assert_non_null(strstr(local, "fetch('/open-cash-drawer?read_back=true'"));
	free(lan);
	free(local);
}

static void test_download_links_for_today_and_each_archive_newest_first(void **state)
{
	static const struct rotlog_date archives[] = {{2025, 1, 31}, {2025, 1, 30}};
	char *page = render("", false, archives, 2), *first, *second;

	(void)state;
	assert_non_null(strstr(page, "<a href=\"/logs\" download>"));
	first = strstr(page, "<a href=\"/logs?date=2025-01-31\" download=\"cashdrawer.log.2025-01-31\">2025-01-31</a>");
	second = strstr(page, "<a href=\"/logs?date=2025-01-30\" download=\"cashdrawer.log.2025-01-30\">2025-01-30</a>");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	free(page);
}

static void test_archive_links_stop_at_the_page_maximum(void **state)
{
	struct rotlog_date archives[PAGE_ARCHIVES_MAX + 5];
	char *page, *at;
	size_t links = 0;

	(void)state;
	for (size_t i = 0; i < PAGE_ARCHIVES_MAX + 5; i++)
		archives[i] = (struct rotlog_date){2024, 1 + (int)(i / 28) % 12, 1 + (int)(i % 28)};
	page = render("", false, archives, PAGE_ARCHIVES_MAX + 5);
	for (at = page; (at = strstr(at, "/logs?date=2")) != NULL; at++)
		links++;
	assert_int_equal(links, PAGE_ARCHIVES_MAX);
	assert_non_null(strstr(page, "Plus anciennes"));
	free(page);
}

static void test_unknown_printer_state_is_said_unknown(void **state)
{
	static struct drawer_stats drawer;
	static struct metrics_today today;
	static struct rotlog_health log = {.last_write_ok = false, .write_failures = 4,
					   .last_error = "écriture de logs/cashdrawer.log : plus de place sur le disque (ENOSPC)"};
	struct drawer_printer_state printer = {0};
	struct page_view view = {
		.version = "0.1.0", .started_at = "x", .printer_uri = "TICKET", .printer = &printer,
		.printer_online = "unknown", .drawer = &drawer, .today_date = "2025-02-01",
		.today = &today, .log = &log, .log_tail = "", .loopback = false,
	};
	struct strbuf out = {0};
	char *page;

	(void)state;
	page_render(&out, &view);
	page = strbuf_take(&out, NULL);
	assert_non_null(strstr(page, "data-field=\"printer.reachable\" data-value=\"unknown\" class=\"unknown\">inconnu<"));
	assert_non_null(strstr(page, "data-field=\"printer.drawer\" data-value=\"unknown\" class=\"unknown\">inconnu<"));
	assert_non_null(strstr(page, "data-field=\"printer.checked_at\" data-value=\"null\">jamais<"));
	assert_non_null(strstr(page, "data-field=\"log.ok\" data-value=\"false\" class=\"bad\">en échec<"));
	assert_non_null(strstr(page, "data-field=\"log.write_failures\" data-value=\"4\">4<"));
	assert_non_null(strstr(page, ">écriture de logs/cashdrawer.log : plus de place sur le disque (ENOSPC)<"));
	free(page);
}

static void test_durations_in_french_units(void **state)
{
	char text[64];

	(void)state;
	page_format_duration(text, sizeof text, 0);
	assert_string_equal(text, "0 s");
	page_format_duration(text, sizeof text, 59);
	assert_string_equal(text, "59 s");
	page_format_duration(text, sizeof text, 61);
	assert_string_equal(text, "1 min 1 s");
	page_format_duration(text, sizeof text, 3600);
	assert_string_equal(text, "1 h 0 min 0 s");
	page_format_duration(text, sizeof text, 86400 * 40 + 3660);
	assert_string_equal(text, "40 j 1 h 1 min");
}

static void test_tail_start_finds_the_last_lines(void **state)
{
	static const char text[] = "a\nbb\nccc\n";

	(void)state;
	assert_int_equal(rotlog_tail_start(text, 9, 1), 5);
	assert_int_equal(rotlog_tail_start(text, 9, 2), 2);
	assert_int_equal(rotlog_tail_start(text, 9, 3), 0);
	assert_int_equal(rotlog_tail_start(text, 9, 50), 0);
	assert_int_equal(rotlog_tail_start(text, 9, 0), 9);
	/* a last line still without its newline counts as a line */
	assert_int_equal(rotlog_tail_start("a\nbb", 4, 1), 2);
	assert_int_equal(rotlog_tail_start("", 0, 50), 0);
	assert_int_equal(rotlog_tail_start("\n\n", 2, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_is_a_whole_self_contained_document),
		cmocka_unit_test(test_page_values_carry_their_status_field_and_value),
		cmocka_unit_test(test_log_tail_is_escaped_so_a_script_in_a_path_never_runs),
		cmocka_unit_test(test_test_button_and_script_only_for_loopback_clients),
		cmocka_unit_test(test_download_links_for_today_and_each_archive_newest_first),
		cmocka_unit_test(test_archive_links_stop_at_the_page_maximum),
		cmocka_unit_test(test_unknown_printer_state_is_said_unknown),
		cmocka_unit_test(test_durations_in_french_units),
		cmocka_unit_test(test_tail_start_finds_the_last_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
