/* Lines a client causes at will (refused, unknown or malformed requests) are
 * limited per client and for the LAN together, and those left out are
 * summed up in one line, so that no client can fill the disk through the
 * log; the till's openings and errors are never limited. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log/rotlog.h"
#include "logfiles.h"

#define SECOND 1000
/* a monotonic clock that does not start at 0 */
#define T0 123456789

static struct rotlog_limit limit;

static int fresh_limit(void **state)
{
	(void)state;
	rotlog_limit_init(&limit);
	return 0;
}

/* How many of n lines of key at now_ms are admitted. */
static unsigned admit_n(const char *key, bool loopback, unsigned n, int64_t now_ms)
{
	unsigned admitted = 0;

	for (unsigned i = 0; i < n; i++)
		admitted += rotlog_limit_admit(&limit, key, loopback, now_ms, 1000);
	return admitted;
}

static size_t count(const char *text, const char *needle)
{
	size_t found = 0;

	while ((text = strstr(text, needle)) != NULL) {
		found++;
		text += strlen(needle);
	}
	return found;
}

/* ---- keys ---- */

static void assert_key(const char *address, const char *expected, bool expected_loopback)
{
	char key[ROTLOG_CLIENT_KEY_MAX];
	bool loopback = !expected_loopback;

	rotlog_client_key(address, key, sizeof key, &loopback);
	assert_string_equal(key, expected);
	assert_int_equal(loopback, expected_loopback);
}

static void test_an_ipv4_client_is_its_address_and_127_slash_8_is_loopback(void **state)
{
	(void)state;
	assert_key("203.0.113.7", "203.0.113.7", false);
	assert_key("192.168.1.20", "192.168.1.20", false);
	assert_key("127.0.0.1", "127.0.0.1", true);
	assert_key("127.8.9.10", "127.8.9.10", true);
}

static void test_an_ipv6_client_is_its_slash_64_and_colon_colon_1_is_loopback(void **state)
{
	(void)state;
	/* one machine may use every address of its prefix */
	assert_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64", false);
	assert_key("2001:db8:1:2::1", "2001:db8:1:2::/64", false);
	assert_key("fe80::1", "fe80::/64", false);
	assert_key("::1", "::1", true);
}

static void test_the_http_librarys_messages_and_unknown_text_are_keys_of_their_own(void **state)
{
	(void)state;
	assert_key(NULL, "HTTP", false);
	assert_key("unknown", "unknown", false);
}

/* ---- budgets ---- */

static void test_a_client_gets_its_burst_then_one_line_every_interval(void **state)
{
	(void)state;
	assert_int_equal(admit_n("203.0.113.7", false, 100, T0), ROTLOG_CLIENT_BURST);
	assert_int_equal(admit_n("203.0.113.7", false, 5, T0 + ROTLOG_CLIENT_INTERVAL_MS - 1), 0);
	assert_int_equal(admit_n("203.0.113.7", false, 5, T0 + ROTLOG_CLIENT_INTERVAL_MS), 1);
	assert_int_equal(admit_n("203.0.113.7", false, 5, T0 + 2 * ROTLOG_CLIENT_INTERVAL_MS), 1);
	/* quiet for long: the whole burst again, no more */
	assert_int_equal(admit_n("203.0.113.7", false, 100, T0 + 3600 * SECOND), ROTLOG_CLIENT_BURST);
}

static void test_clients_have_budgets_of_their_own(void **state)
{
	(void)state;
	assert_int_equal(admit_n("203.0.113.7", false, 100, T0), ROTLOG_CLIENT_BURST);
	assert_int_equal(admit_n("203.0.113.8", false, 100, T0), ROTLOG_CLIENT_BURST);
	assert_int_equal(admit_n("2001:db8:1:2::/64", false, 100, T0), ROTLOG_CLIENT_BURST);
}

/* A LAN host taking address after address gets no more than the LAN's budget. */
static void test_the_lan_together_gets_its_burst_then_one_line_a_second(void **state)
{
	char key[32];
	unsigned admitted = 0;

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "203.0.113.%d", i + 1);
		admitted += admit_n(key, false, 10, T0);
	}
	assert_int_equal(admitted, ROTLOG_LAN_BURST);
	assert_int_equal(admit_n("203.0.113.200", false, 10, T0 + ROTLOG_LAN_INTERVAL_MS), 1);
}

static void test_a_lan_flood_never_uses_the_tills_own_budget(void **state)
{
	char key[32];

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "203.0.113.%d", i + 1);
		admit_n(key, false, 10, T0);
	}
	assert_int_equal(admit_n("127.0.0.1", true, 100, T0), ROTLOG_CLIENT_BURST);
	assert_int_equal(admit_n("::1", true, 100, T0), ROTLOG_CLIENT_BURST);
}

/* ---- summaries ---- */

static void test_lines_left_out_are_summed_up_once_a_minute_or_before_the_next_line(void **state)
{
	struct rotlog_summary summary;

	(void)state;
	assert_int_equal(admit_n("203.0.113.7", false, 100, T0), ROTLOG_CLIENT_BURST);
	assert_int_equal(rotlog_limit_next_due(&limit), T0 + ROTLOG_SUMMARY_MS);
	assert_false(rotlog_limit_take_summary(&limit, NULL, T0 + ROTLOG_SUMMARY_MS - 1, false,
					       &summary));
	assert_true(rotlog_limit_take_summary(&limit, NULL, T0 + ROTLOG_SUMMARY_MS, false, &summary));
	assert_string_equal(summary.key, "203.0.113.7");
	assert_int_equal(summary.count, 100 - ROTLOG_CLIENT_BURST);
	assert_int_equal(summary.since, 1000);
	/* said once */
	assert_false(rotlog_limit_take_summary(&limit, NULL, T0 + 2 * ROTLOG_SUMMARY_MS, true,
					       &summary));
	assert_int_equal(rotlog_limit_next_due(&limit), INT64_MAX);

	/* a minute on, six lines are back: four more left out, then one let
	 * through, whose summary comes first, however soon */
	assert_int_equal(admit_n("203.0.113.7", false, 10, T0 + 61 * SECOND), 6);
	assert_int_equal(admit_n("203.0.113.7", false, 1, T0 + 71 * SECOND), 1);
	assert_false(rotlog_limit_take_summary(&limit, "203.0.113.8", T0 + 71 * SECOND, false,
					       &summary));
	assert_true(rotlog_limit_take_summary(&limit, "203.0.113.7", T0 + 71 * SECOND, false,
					      &summary));
	assert_int_equal(summary.count, 4);
}

static void test_every_summary_is_taken_before_a_stop(void **state)
{
	struct rotlog_summary summary;

	(void)state;
	admit_n("203.0.113.7", false, ROTLOG_CLIENT_BURST + 1, T0);
	admit_n("203.0.113.8", false, ROTLOG_CLIENT_BURST + 2, T0);
	assert_true(rotlog_limit_take_summary(&limit, NULL, T0, true, &summary));
	assert_true(rotlog_limit_take_summary(&limit, NULL, T0, true, &summary));
	assert_false(rotlog_limit_take_summary(&limit, NULL, T0, true, &summary));
}

/* A client forgotten for a new one hands its count to "the others". */
static void test_a_forgotten_clients_lines_left_out_go_to_the_others_count(void **state)
{
	struct rotlog_summary summary;
	char key[32];

	(void)state;
	admit_n("203.0.113.250", false, ROTLOG_CLIENT_BURST + 7, T0); /* the least recent */
	for (int i = 0; i < ROTLOG_CLIENTS_MAX; i++) {
		snprintf(key, sizeof key, "198.51.100.%d", i + 1);
		admit_n(key, false, 1, T0 + SECOND);
	}
	while (rotlog_limit_take_summary(&limit, NULL, T0 + SECOND, true, &summary) &&
	       summary.key[0] != '\0')
		;
	assert_string_equal(summary.key, "");
	assert_int_equal(summary.count, 7);
	assert_int_equal(summary.clients, 1);
}

static void test_summary_lines_say_how_many_from_whom_and_since_when(void **state)
{
	struct rotlog_summary summary = {.key = "203.0.113.7", .count = 1234};
	struct tm since = {.tm_hour = 14, .tm_min = 22, .tm_sec = 31};
	char text[512];

	(void)state;
	rotlog_summary_message(text, sizeof text, &summary, &since);
	assert_string_equal(text, "1234 requêtes de plus de 203.0.113.7 non écrites depuis "
				  "14:22:31 (au plus 60 lignes par client, puis une toutes les 10 s)");
	summary.count = 1;
	rotlog_summary_message(text, sizeof text, &summary, &since);
	assert_string_equal(text, "1 requête de plus de 203.0.113.7 non écrite depuis 14:22:31 "
				  "(au plus 60 lignes par client, puis une toutes les 10 s)");
	summary.key[0] = '\0';
	summary.count = 40;
	summary.clients = 3;
	rotlog_summary_message(text, sizeof text, &summary, &since);
	assert_string_equal(text, "40 requêtes de plus de 3 autres adresses non écrites depuis "
				  "14:22:31 (au plus 60 lignes par client, puis une toutes les 10 s)");
	snprintf(summary.key, sizeof summary.key, "HTTP");
	rotlog_summary_message(text, sizeof text, &summary, &since);
	assert_string_equal(text, "40 messages de plus du serveur HTTP non écrits depuis 14:22:31 "
				  "(au plus 60 lignes d'une source, puis une toutes les 10 s)");
}

/* ---- the log ---- */

static void test_a_flooding_client_gets_its_burst_written_then_one_summary_line(void **state)
{
	char path[512], *content;
	struct rotlog *log = logfiles_open_log(*state, 30, false);

	for (int i = 0; i < 1000; i++)
		rotlog_write_client(log, "203.0.113.7", ROTLOG_LIMITED, ROTLOG_WARNING,
				    "203.0.113.7 GET /nope-%d 404 not_found", i);
	rotlog_close(log);

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	assert_int_equal(count(content, " 404 not_found\n"), ROTLOG_CLIENT_BURST);
	assert_non_null(strstr(content, "GET /nope-59 404"));
	assert_int_equal(count(content, " - WARNING - 940 requêtes de plus de 203.0.113.7 non écrites "
					"depuis "),
			 1);
	assert_int_equal(logfiles_count_lines(content), ROTLOG_CLIENT_BURST + 1);
	free(content);
}

static void test_lines_written_with_rotlog_write_are_never_limited(void **state)
{
	char path[512], *content;
	struct rotlog *log = logfiles_open_log(*state, 30, false);

	for (int i = 0; i < 1000; i++)
		rotlog_write(log, ROTLOG_INFO, "127.0.0.1 GET /open-cash-drawer 200 opened %d", i);
	rotlog_close(log);

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	assert_int_equal(logfiles_count_lines(content), 1000);
	free(content);
}

#define LIMIT_TEST(name) cmocka_unit_test_setup(name, fresh_limit)
#define IO_TEST(name) cmocka_unit_test_setup_teardown(name, logfiles_make_dir, logfiles_remove_dir)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_ipv4_client_is_its_address_and_127_slash_8_is_loopback),
		cmocka_unit_test(test_an_ipv6_client_is_its_slash_64_and_colon_colon_1_is_loopback),
		cmocka_unit_test(test_the_http_librarys_messages_and_unknown_text_are_keys_of_their_own),
		LIMIT_TEST(test_a_client_gets_its_burst_then_one_line_every_interval),
		LIMIT_TEST(test_clients_have_budgets_of_their_own),
		LIMIT_TEST(test_the_lan_together_gets_its_burst_then_one_line_a_second),
		LIMIT_TEST(test_a_lan_flood_never_uses_the_tills_own_budget),
		LIMIT_TEST(test_lines_left_out_are_summed_up_once_a_minute_or_before_the_next_line),
		LIMIT_TEST(test_every_summary_is_taken_before_a_stop),
		LIMIT_TEST(test_a_forgotten_clients_lines_left_out_go_to_the_others_count),
		cmocka_unit_test(test_summary_lines_say_how_many_from_whom_and_since_when),
		IO_TEST(test_a_flooding_client_gets_its_burst_written_then_one_summary_line),
		IO_TEST(test_lines_written_with_rotlog_write_are_never_limited),
	};

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
