/* Specifies DLE EOT status decoding and the real-time pulse (DLE DC4):
 * exact bytes, the fixed bits that make a reply valid, each field, and
 * agreement with the printer simulator's model of a TM-T88V. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "drawer/escpos.h"

static void assert_contains(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", text, needle);
}

/* ---- DLE DC4 1 m t ---- */

static void test_realtime_kick_pin2_100_ms_is_10_14_01_00_01(void **state)
{
	uint8_t out[ESCPOS_REALTIME_KICK_LEN];
	const uint8_t expected[] = {0x10, 0x14, 0x01, 0x00, 0x01};
	char err[128];

	(void)state;
	assert_int_equal(escpos_encode_realtime_kick(2, 100, out, err, sizeof err), 5);
	assert_memory_equal(out, expected, 5);
}

static void test_realtime_kick_pin5_uses_m_1_and_t_in_100_ms_units(void **state)
{
	uint8_t out[ESCPOS_REALTIME_KICK_LEN];
	char err[128];

	(void)state;
	for (unsigned t = 1; t <= 8; t++) {
		assert_int_equal(escpos_encode_realtime_kick(5, t * 100, out, err, sizeof err), 5);
		assert_int_equal(out[3], 1);
		assert_int_equal(out[4], t);
	}
}

static void test_realtime_kick_times_outside_100_to_800_or_not_whole_are_rejected(void **state)
{
	const unsigned bad[] = {0, 50, 99, 101, 150, 810, 900, 1000};
	uint8_t out[ESCPOS_REALTIME_KICK_LEN];
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(escpos_encode_realtime_kick(2, bad[i], out, err, sizeof err), -EINVAL);
		assert_contains(err, "realtime_pulse_ms");
		assert_contains(err, "100 ms units");
		assert_int_equal(escpos_check_realtime_kick(2, bad[i], err, sizeof err), -EINVAL);
	}
	assert_int_equal(escpos_check_realtime_kick(3, 100, err, sizeof err), -EINVAL);
	assert_contains(err, "pin: 3");
}

/* ---- DLE EOT n ---- */

static void test_status_query_is_10_04_n(void **state)
{
	uint8_t out[ESCPOS_STATUS_QUERY_LEN];

	(void)state;
	for (unsigned n = 1; n <= 4; n++) {
		escpos_encode_status_query(n, out);
		assert_int_equal(out[0], 0x10);
		assert_int_equal(out[1], 0x04);
		assert_int_equal(out[2], n);
	}
}

static void test_a_reply_needs_bits_1_and_4_set_and_0_and_7_clear(void **state)
{
	unsigned valid = 0;

	(void)state;
	for (unsigned byte = 0; byte < 256; byte++) {
		bool expected = (byte & 0x01) == 0 && (byte & 0x02) && (byte & 0x10) &&
				(byte & 0x80) == 0;

		assert_int_equal(escpos_status_byte_is_valid((uint8_t)byte), expected);
		valid += expected;
	}
	assert_int_equal(valid, 16); /* four free bits */
	assert_true(escpos_status_byte_is_valid(0x12));
	assert_false(escpos_status_byte_is_valid(0x00));
	assert_false(escpos_status_byte_is_valid(0xFF));
	assert_false(escpos_status_byte_is_valid(0x92)); /* bit 7 */
	assert_false(escpos_status_byte_is_valid(0x13)); /* bit 0 */
	assert_false(escpos_status_byte_is_valid(0x10)); /* bit 1 missing */
	assert_false(escpos_status_byte_is_valid(0x02)); /* bit 4 missing */
}

static void test_invalid_reply_or_query_type_changes_nothing(void **state)
{
	struct escpos_status status, before;

	(void)state;
	escpos_status_init(&status);
	assert_int_equal(escpos_status_record(&status, 1, 0x16), 0);
	before = status;
	assert_int_equal(escpos_status_record(&status, 1, 0x1E | 0x80), -EINVAL);
	assert_int_equal(escpos_status_record(&status, 1, 0x00), -EINVAL);
	assert_int_equal(escpos_status_record(&status, 0, 0x12), -EINVAL);
	assert_int_equal(escpos_status_record(&status, 5, 0x12), -EINVAL);
	assert_memory_equal(&status, &before, sizeof status);
}

static void test_everything_is_unknown_before_any_reply(void **state)
{
	struct escpos_status status;

	(void)state;
	escpos_status_init(&status);
	assert_int_equal(status.pin3_high, ESCPOS_FLAG_UNKNOWN);
	assert_int_equal(status.offline, ESCPOS_FLAG_UNKNOWN);
	assert_int_equal(status.cover_open, ESCPOS_FLAG_UNKNOWN);
	assert_int_equal(escpos_status_paper(&status), ESCPOS_PAPER_UNKNOWN);
	assert_int_equal(escpos_status_error(&status), ESCPOS_ERROR_UNKNOWN);
	assert_int_equal(escpos_status_drawer(&status, true), ESCPOS_DRAWER_UNKNOWN);
	assert_string_equal(escpos_drawer_name(ESCPOS_DRAWER_UNKNOWN), "unknown");
	assert_string_equal(escpos_paper_name(ESCPOS_PAPER_UNKNOWN), "unknown");
}

static void test_printer_status_pin3_and_offline(void **state)
{
	struct escpos_status status;

	(void)state;
	escpos_status_init(&status);
	assert_int_equal(escpos_status_record(&status, 1, 0x12), 0);
	assert_int_equal(status.pin3_high, ESCPOS_FLAG_NO);
	assert_int_equal(status.offline, ESCPOS_FLAG_NO);
	assert_int_equal(escpos_status_record(&status, 1, 0x16), 0); /* bit 2 */
	assert_int_equal(status.pin3_high, ESCPOS_FLAG_YES);
	assert_int_equal(escpos_status_record(&status, 1, 0x1A), 0); /* bit 3 */
	assert_int_equal(status.offline, ESCPOS_FLAG_YES);
	assert_int_equal(status.pin3_high, ESCPOS_FLAG_NO);
}

static void test_drawer_open_level_is_a_setting(void **state)
{
	struct escpos_status status;

	(void)state;
	escpos_status_init(&status);
	escpos_status_record(&status, 1, 0x16); /* pin 3 HIGH */
	assert_int_equal(escpos_status_drawer(&status, true), ESCPOS_DRAWER_OPEN);
	assert_int_equal(escpos_status_drawer(&status, false), ESCPOS_DRAWER_CLOSED);
	escpos_status_record(&status, 1, 0x12); /* pin 3 LOW */
	assert_int_equal(escpos_status_drawer(&status, true), ESCPOS_DRAWER_CLOSED);
	assert_int_equal(escpos_status_drawer(&status, false), ESCPOS_DRAWER_OPEN);
	assert_string_equal(escpos_drawer_name(ESCPOS_DRAWER_OPEN), "open");
	assert_string_equal(escpos_drawer_name(ESCPOS_DRAWER_CLOSED), "closed");
}

static void test_offline_cause_cover_paper_stop_and_error(void **state)
{
	struct escpos_status status;

	(void)state;
	escpos_status_init(&status);
	assert_int_equal(escpos_status_record(&status, 2, 0x12), 0);
	assert_int_equal(status.cover_open, ESCPOS_FLAG_NO);
	assert_int_equal(escpos_status_error(&status), ESCPOS_ERROR_NONE);
	assert_null(escpos_error_name(escpos_status_error(&status)));
	escpos_status_record(&status, 2, 0x16); /* bit 2: cover open */
	assert_int_equal(status.cover_open, ESCPOS_FLAG_YES);
	escpos_status_record(&status, 2, 0x32); /* bit 5: stopped by paper end */
	assert_int_equal(escpos_status_paper(&status), ESCPOS_PAPER_OUT);
	escpos_status_record(&status, 2, 0x52); /* bit 6: an error occurred, cause not asked */
	assert_int_equal(escpos_status_error(&status), ESCPOS_ERROR_OTHER);
	assert_string_equal(escpos_error_name(ESCPOS_ERROR_OTHER), "printer_error");
}

static void test_error_cause_names_the_first_set_bit(void **state)
{
	struct escpos_status status;

	(void)state;
	escpos_status_init(&status);
	escpos_status_record(&status, 2, 0x52);
	escpos_status_record(&status, 3, 0x1A); /* bit 3 */
	assert_int_equal(escpos_status_error(&status), ESCPOS_ERROR_AUTOCUTTER);
	assert_string_equal(escpos_error_name(ESCPOS_ERROR_AUTOCUTTER), "autocutter_error");
	escpos_status_record(&status, 3, 0x32); /* bit 5 */
	assert_int_equal(escpos_status_error(&status), ESCPOS_ERROR_UNRECOVERABLE);
	escpos_status_record(&status, 3, 0x52); /* bit 6 */
	assert_int_equal(escpos_status_error(&status), ESCPOS_ERROR_AUTO_RECOVERABLE);
	assert_string_equal(escpos_error_name(ESCPOS_ERROR_AUTO_RECOVERABLE),
			    "auto_recoverable_error");
	escpos_status_record(&status, 3, 0x12); /* none: the cause stays unexplained */
	assert_int_equal(escpos_status_error(&status), ESCPOS_ERROR_OTHER);
	escpos_status_record(&status, 2, 0x12); /* cleared */
	assert_int_equal(escpos_status_error(&status), ESCPOS_ERROR_NONE);
}

static void test_paper_sensor_needs_both_bits_of_a_pair(void **state)
{
	struct escpos_status status;

	(void)state;
	escpos_status_init(&status);
	escpos_status_record(&status, 4, 0x12);
	assert_int_equal(escpos_status_paper(&status), ESCPOS_PAPER_OK);
	escpos_status_record(&status, 4, 0x12 | 0x04); /* one bit of the pair: not near end */
	assert_int_equal(escpos_status_paper(&status), ESCPOS_PAPER_OK);
	escpos_status_record(&status, 4, 0x1E);
	assert_int_equal(escpos_status_paper(&status), ESCPOS_PAPER_NEAR_END);
	escpos_status_record(&status, 4, 0x12 | 0x20);
	assert_int_equal(escpos_status_paper(&status), ESCPOS_PAPER_OK);
	escpos_status_record(&status, 4, 0x72);
	assert_int_equal(escpos_status_paper(&status), ESCPOS_PAPER_OUT);
	escpos_status_record(&status, 4, 0x7E); /* end wins over near end */
	assert_int_equal(escpos_status_paper(&status), ESCPOS_PAPER_OUT);
	assert_string_equal(escpos_paper_name(ESCPOS_PAPER_NEAR_END), "near_end");
	assert_string_equal(escpos_paper_name(ESCPOS_PAPER_OUT), "out");
	assert_string_equal(escpos_paper_name(ESCPOS_PAPER_OK), "ok");
}

/* The daemon reads what the simulator's TM-T88V model answers, for every state. */
static void test_decoding_agrees_with_the_simulator_for_every_state(void **state)
{
	(void)state;
	for (unsigned mask = 0; mask < 64 * 3; mask++) {
		struct sim_state sim;
		struct escpos_status status;
		enum escpos_paper paper;

		sim_state_init(&sim);
		sim.drawer_open = mask & 1;
		sim.cover_open = mask & 2;
		sim.offline_forced = mask & 4;
		sim.error = mask & 8;
		sim.open_level_high = mask & 16;
		sim.kick_opens_drawer = mask & 32;
		sim.paper = (enum sim_paper)(mask / 64);
		escpos_status_init(&status);
		for (unsigned n = 1; n <= 4; n++) {
			int byte = sim_state_status_byte(&sim, n);

			assert_in_range(byte, 0, 255);
			assert_int_equal(escpos_status_record(&status, n, (uint8_t)byte), 0);
		}
		assert_int_equal(escpos_status_drawer(&status, sim.open_level_high),
				 sim.drawer_open ? ESCPOS_DRAWER_OPEN : ESCPOS_DRAWER_CLOSED);
		assert_int_equal(status.offline == ESCPOS_FLAG_YES, sim_state_is_offline(&sim));
		assert_int_equal(status.cover_open == ESCPOS_FLAG_YES, sim.cover_open);
		paper = escpos_status_paper(&status);
		assert_int_equal(paper, sim.paper == SIM_PAPER_OK         ? ESCPOS_PAPER_OK
					: sim.paper == SIM_PAPER_NEAR_END ? ESCPOS_PAPER_NEAR_END
									  : ESCPOS_PAPER_OUT);
		assert_int_equal(escpos_status_error(&status) == ESCPOS_ERROR_AUTO_RECOVERABLE,
				 sim.error);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_realtime_kick_pin2_100_ms_is_10_14_01_00_01),
		cmocka_unit_test(test_realtime_kick_pin5_uses_m_1_and_t_in_100_ms_units),
		cmocka_unit_test(test_realtime_kick_times_outside_100_to_800_or_not_whole_are_rejected),
		cmocka_unit_test(test_status_query_is_10_04_n),
		cmocka_unit_test(test_a_reply_needs_bits_1_and_4_set_and_0_and_7_clear),
		cmocka_unit_test(test_invalid_reply_or_query_type_changes_nothing),
		cmocka_unit_test(test_everything_is_unknown_before_any_reply),
		cmocka_unit_test(test_printer_status_pin3_and_offline),
		cmocka_unit_test(test_drawer_open_level_is_a_setting),
		cmocka_unit_test(test_offline_cause_cover_paper_stop_and_error),
		cmocka_unit_test(test_error_cause_names_the_first_set_bit),
		cmocka_unit_test(test_paper_sensor_needs_both_bits_of_a_pair),
		cmocka_unit_test(test_decoding_agrees_with_the_simulator_for_every_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
