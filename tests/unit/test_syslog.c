/* Specifies the syslog messages exactly: RFC 5424's header fields, priority
 * from the level, RFC 3339 timestamps, and RFC 6587 octet counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/timefmt.h"
#include "log/syslog.h"

static const struct tm FEB_1 = {.tm_year = 125, .tm_mon = 1, .tm_mday = 1, .tm_hour = 14,
				.tm_min = 22, .tm_sec = 31};

static void test_severity_of_each_level(void **state)
{
	(void)state;
	assert_int_equal(syslog_severity(ROTLOG_ERROR), 3);
	assert_int_equal(syslog_severity(ROTLOG_WARNING), 4);
	assert_int_equal(syslog_severity(ROTLOG_INFO), 6);
	assert_int_equal(syslog_severity(ROTLOG_DEBUG), 7);
}

static void test_timestamp_with_milliseconds_and_offset(void **state)
{
	char text[40];

	(void)state;
	syslog_format_timestamp(text, sizeof text, &FEB_1, 123, 3600);
	assert_string_equal(text, "2025-02-01T14:22:31.123+01:00");
	syslog_format_timestamp(text, sizeof text, &FEB_1, 5, 0);
	assert_string_equal(text, "2025-02-01T14:22:31.005+00:00");
	syslog_format_timestamp(text, sizeof text, &FEB_1, 999, -(3 * 3600 + 30 * 60));
	assert_string_equal(text, "2025-02-01T14:22:31.999-03:30");
	syslog_format_timestamp(text, sizeof text, &FEB_1, 0, 5 * 3600 + 45 * 60);
	assert_string_equal(text, "2025-02-01T14:22:31.000+05:45");
}

static void test_message_of_an_opening(void **state)
{
	static const char message[] = "127.0.0.1 GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert";
	char out[SYSLOG_MESSAGE_MAX];
	size_t length;

	(void)state;
	length = syslog_format_message(out, sizeof out, SYSLOG_FACILITY_DAEMON, ROTLOG_INFO,
				       "2025-02-01T14:22:31.123+01:00", "till-3", "cashdrawerd",
				       4242, message, strlen(message));
	assert_string_equal(out, "<30>1 2025-02-01T14:22:31.123+01:00 till-3 cashdrawerd 4242 - - "
				 "127.0.0.1 GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert");
	assert_int_equal(length, strlen(out));
}

static void test_priority_is_facility_times_8_plus_severity(void **state)
{
	char out[256];

	(void)state;
	syslog_format_message(out, sizeof out, 3, ROTLOG_WARNING, "T", "h", "a", 1, "m", 1);
	assert_string_equal(out, "<28>1 T h a 1 - - m");
	syslog_format_message(out, sizeof out, 3, ROTLOG_ERROR, "T", "h", "a", 1, "m", 1);
	assert_string_equal(out, "<27>1 T h a 1 - - m");
	syslog_format_message(out, sizeof out, 16, ROTLOG_DEBUG, "T", "h", "a", 1, "m", 1);
	assert_string_equal(out, "<135>1 T h a 1 - - m");
}

static void test_empty_or_odd_hostname_stays_one_field(void **state)
{
	char out[256];

	(void)state;
	syslog_format_message(out, sizeof out, 3, ROTLOG_INFO, "T", "", "cashdrawerd", 7, "m", 1);
	assert_string_equal(out, "<30>1 T - cashdrawerd 7 - - m");
	syslog_format_message(out, sizeof out, 3, ROTLOG_INFO, "T", "caisse 1\tà", "cashdrawerd", 7,
			      "m", 1);
	assert_string_equal(out, "<30>1 T caisse_1___ cashdrawerd 7 - - m");
}

static void test_long_message_is_cut_to_the_buffer(void **state)
{
	char message[600], out[64];
	size_t length;

	(void)state;
	memset(message, 'x', sizeof message);
	length = syslog_format_message(out, sizeof out, 3, ROTLOG_INFO, "T", "h", "a", 1, message,
				       sizeof message);
	assert_int_equal(length, sizeof out - 1);
	assert_int_equal(strlen(out), sizeof out - 1);
	assert_memory_equal(out, "<30>1 T h a 1 - - xxx", 21);
}

static void test_octet_counting_frame(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(syslog_frame_octet_counted(out, sizeof out, "<30>1 T h a 1 - - m", 19), 22);
	assert_string_equal(out, "19 <30>1 T h a 1 - - m");
	/* the count is of bytes: UTF-8 "é" is two */
	syslog_frame_octet_counted(out, sizeof out, "é", strlen("é"));
	assert_string_equal(out, "2 é");
	assert_int_equal(syslog_frame_octet_counted(out, 8, "123456789", 9), 0);
}

/* The offset of the timestamp, computed from local time and UTC (Windows
 * has no tm_gmtoff), in zones east and west, with half hours and quarters,
 * in summer, and when the local day is not UTC's, across a year's end. */
static void expect_offset(const char *zone, time_t when, long offset)
{
	struct tm local;

	setenv("TZ", zone, 1);
	tzset();
	assert_non_null(localtime_r(&when, &local));
	if (timefmt_utc_offset(when, &local) != offset)
		fail_msg("%s at %lld: offset %ld, not %ld", zone, (long long)when,
			 timefmt_utc_offset(when, &local), offset);
}

static void test_utc_offset_of_local_time(void **state)
{
	const time_t winter = 1738419751;  /* 2025-02-01 14:22:31 UTC */
	const time_t summer = 1751379751;  /* 2025-07-01 14:22:31 UTC */
	const time_t new_year = 1735687800; /* 2024-12-31 23:30:00 UTC */

	(void)state;
	expect_offset("UTC", winter, 0);
	expect_offset("Europe/Paris", winter, 3600);
	expect_offset("Europe/Paris", summer, 7200);
	expect_offset("America/St_Johns", winter, -(3 * 3600 + 30 * 60));
	expect_offset("Asia/Kathmandu", winter, 5 * 3600 + 45 * 60);
	/* 00:30 on 2025-01-01 in Paris, 23:30 the day (and year) before in UTC */
	expect_offset("Europe/Paris", new_year, 3600);
	/* 13:30 on 2024-12-31 in Honolulu: behind, the same day */
	expect_offset("Pacific/Honolulu", new_year, -10 * 3600);
	/* 13:30 on 2025-01-01 in Kiritimati: a day ahead */
	expect_offset("Pacific/Kiritimati", new_year, 14 * 3600);
	unsetenv("TZ");
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_severity_of_each_level),
		cmocka_unit_test(test_timestamp_with_milliseconds_and_offset),
		cmocka_unit_test(test_message_of_an_opening),
		cmocka_unit_test(test_priority_is_facility_times_8_plus_severity),
		cmocka_unit_test(test_empty_or_odd_hostname_stays_one_field),
		cmocka_unit_test(test_long_message_is_cut_to_the_buffer),
		cmocka_unit_test(test_octet_counting_frame),
		cmocka_unit_test(test_utc_offset_of_local_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
