/* Specifies the ESC p drawer-kick encoding: exact bytes, pins, timing bounds and error messages. */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drawer/escpos.h"

static void assert_contains(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", text, needle);
}

/* Encodes and expects success; returns the five bytes through out. */
static void encode_ok(unsigned pin, unsigned on_ms, unsigned off_ms, uint8_t out[ESCPOS_KICK_LEN])
{
	char err[256] = "";

	if (escpos_encode_kick(pin, on_ms, off_ms, out, err, sizeof err) != ESCPOS_KICK_LEN)
		fail_msg("pin %u on %u off %u rejected: %s", pin, on_ms, off_ms, err);
}

/* Expects both the encoder and the checker to refuse, with err containing each needle. */
static void expect_rejected(unsigned pin, unsigned on_ms, unsigned off_ms, const char *needle1,
			    const char *needle2)
{
	uint8_t out[ESCPOS_KICK_LEN];
	char err[256] = "";

	assert_int_equal(escpos_encode_kick(pin, on_ms, off_ms, out, err, sizeof err), -EINVAL);
	assert_contains(err, needle1);
	if (needle2 != NULL)
		assert_contains(err, needle2);
	err[0] = '\0';
	assert_int_equal(escpos_check_kick(pin, on_ms, off_ms, err, sizeof err), -EINVAL);
	assert_contains(err, needle1);
	if (needle2 != NULL)
		assert_contains(err, needle2);
}

static void test_default_kick_is_1b_70_00_19_fa(void **state)
{
	static const uint8_t expected[ESCPOS_KICK_LEN] = {0x1B, 0x70, 0x00, 0x19, 0xFA};
	uint8_t out[ESCPOS_KICK_LEN];

	(void)state;
	encode_ok(2, 50, 500, out);
	assert_memory_equal(out, expected, ESCPOS_KICK_LEN);
}

static void test_kick_is_five_bytes_long(void **state)
{
	uint8_t out[ESCPOS_KICK_LEN + 1];
	char err[64];

	(void)state;
	assert_int_equal(ESCPOS_KICK_LEN, 5);
	out[ESCPOS_KICK_LEN] = 0xA5;
	assert_int_equal(escpos_encode_kick(2, 50, 500, out, err, sizeof err), 5);
	assert_int_equal(out[ESCPOS_KICK_LEN], 0xA5);
}

static void test_kick_pin2_uses_m_0(void **state)
{
	uint8_t out[ESCPOS_KICK_LEN];

	(void)state;
	encode_ok(2, 100, 200, out);
	assert_int_equal(out[2], 0x00);
}

static void test_kick_pin5_uses_m_1(void **state)
{
	static const uint8_t expected[ESCPOS_KICK_LEN] = {0x1B, 0x70, 0x01, 0x19, 0xFA};
	uint8_t out[ESCPOS_KICK_LEN];

	(void)state;
	encode_ok(5, 50, 500, out);
	assert_memory_equal(out, expected, ESCPOS_KICK_LEN);
}

static void test_kick_times_are_sent_in_2_ms_units(void **state)
{
	static const uint8_t expected[ESCPOS_KICK_LEN] = {0x1B, 0x70, 0x00, 0x32, 0x64};
	uint8_t out[ESCPOS_KICK_LEN];

	(void)state;
	encode_ok(2, 100, 200, out);
	assert_memory_equal(out, expected, ESCPOS_KICK_LEN);
}

static void test_shortest_pulse_of_2_ms_is_accepted_as_t_1(void **state)
{
	static const uint8_t expected[ESCPOS_KICK_LEN] = {0x1B, 0x70, 0x00, 0x01, 0x01};
	uint8_t out[ESCPOS_KICK_LEN];
	char err[64];

	(void)state;
	encode_ok(2, ESCPOS_PULSE_MS_MIN, ESCPOS_PULSE_MS_MIN, out);
	assert_memory_equal(out, expected, ESCPOS_KICK_LEN);
	assert_int_equal(escpos_check_kick(2, 2, 2, err, sizeof err), 0);
}

static void test_longest_pulse_of_510_ms_is_accepted_as_t_ff(void **state)
{
	static const uint8_t expected[ESCPOS_KICK_LEN] = {0x1B, 0x70, 0x01, 0xFF, 0xFF};
	uint8_t out[ESCPOS_KICK_LEN];
	char err[64];

	(void)state;
	encode_ok(5, ESCPOS_PULSE_MS_MAX, ESCPOS_PULSE_MS_MAX, out);
	assert_memory_equal(out, expected, ESCPOS_KICK_LEN);
	assert_int_equal(escpos_check_kick(5, 510, 510, err, sizeof err), 0);
}

static void test_bounds_are_2_and_510_ms(void **state)
{
	(void)state;
	assert_int_equal(ESCPOS_PULSE_MS_MIN, 2);
	assert_int_equal(ESCPOS_PULSE_MS_MAX, 510);
}

static void test_every_even_time_from_2_to_510_ms_is_sent_as_its_half(void **state)
{
	(void)state;
	for (unsigned ms = 2; ms <= 510; ms += 2) {
		uint8_t out[ESCPOS_KICK_LEN];

		encode_ok(2, ms, 512 - ms, out);
		assert_int_equal(out[0], 0x1B);
		assert_int_equal(out[1], 0x70);
		assert_int_equal(out[2], 0x00);
		assert_int_equal(out[3], ms / 2);
		assert_int_equal(out[4], (512 - ms) / 2);
	}
}

static void test_on_time_of_0_1_511_or_512_ms_is_rejected_naming_pulse_on_ms(void **state)
{
	static const unsigned bad[] = {0, 1, 511, 512, 100000};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_rejected(2, bad[i], 500, "pulse_on_ms", "2..510");
}

static void test_off_time_of_0_1_511_or_512_ms_is_rejected_naming_pulse_off_ms(void **state)
{
	static const unsigned bad[] = {0, 1, 511, 512, 100000};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_rejected(2, 50, bad[i], "pulse_off_ms", "2..510");
}

static void test_out_of_range_message_repeats_the_value(void **state)
{
	(void)state;
	expect_rejected(2, 511, 500, "511 ms", NULL);
	expect_rejected(2, 50, 0, "0 ms", NULL);
}

static void test_odd_on_time_is_rejected_suggesting_its_even_neighbours(void **state)
{
	(void)state;
	expect_rejected(2, 51, 500, "pulse_on_ms", "use 50 or 52");
	expect_rejected(2, 3, 500, "pulse_on_ms", "use 2 or 4");
	expect_rejected(2, 509, 500, "pulse_on_ms", "use 508 or 510");
}

static void test_odd_off_time_is_rejected_suggesting_its_even_neighbours(void **state)
{
	(void)state;
	expect_rejected(2, 50, 501, "pulse_off_ms", "use 500 or 502");
	expect_rejected(5, 50, 3, "pulse_off_ms", "use 2 or 4");
	expect_rejected(5, 50, 509, "pulse_off_ms", "use 508 or 510");
}

static void test_odd_time_message_explains_the_2_ms_unit(void **state)
{
	(void)state;
	expect_rejected(2, 51, 500, "odd", "2 ms");
}

static void test_pins_0_1_3_4_6_are_rejected_naming_pin(void **state)
{
	static const unsigned bad[] = {0, 1, 3, 4, 6};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_rejected(bad[i], 50, 500, "pin", "2, or 5");
}

static void test_esc_p_m_values_48_and_49_are_not_accepted_as_pins(void **state)
{
	(void)state;
	expect_rejected(48, 50, 500, "pin", "48");
	expect_rejected(49, 50, 500, "pin", "49");
}

static void test_check_kick_accepts_exactly_what_encode_kick_encodes(void **state)
{
	(void)state;
	for (unsigned pin = 0; pin <= 6; pin++) {
		for (unsigned ms = 0; ms <= 520; ms++) {
			uint8_t out[ESCPOS_KICK_LEN];
			char err[128];
			int encoded_on = escpos_encode_kick(pin, ms, 500, out, err, sizeof err);
			int checked_on = escpos_check_kick(pin, ms, 500, err, sizeof err);
			int encoded_off = escpos_encode_kick(pin, 50, ms, out, err, sizeof err);
			int checked_off = escpos_check_kick(pin, 50, ms, err, sizeof err);
			bool valid = (pin == 2 || pin == 5) && ms >= 2 && ms <= 510 && ms % 2 == 0;

			assert_int_equal(encoded_on, valid ? ESCPOS_KICK_LEN : -EINVAL);
			assert_int_equal(checked_on, valid ? 0 : -EINVAL);
			assert_int_equal(encoded_off, valid ? ESCPOS_KICK_LEN : -EINVAL);
			assert_int_equal(checked_off, valid ? 0 : -EINVAL);
		}
	}
}

static void test_error_message_is_cut_to_a_small_buffer(void **state)
{
	char err[9];
	uint8_t out[ESCPOS_KICK_LEN];

	(void)state;
	memset(err, 'X', sizeof err);
	err[8] = '#';
	assert_int_equal(escpos_encode_kick(3, 51, 1, out, err, 8), -EINVAL);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(err[8], '#');
}

static void test_both_pins_kick_pin_2_then_pin_5_as_odoos_iot_box(void **state)
{
	static const uint8_t both[] = {0x1B, 0x70, 0x00, 0x19, 0xFA, 0x1B, 0x70, 0x01, 0x19, 0xFA};
	struct escpos_kick kick = {.pin = ESCPOS_PIN_BOTH, .on_ms = 50, .off_ms = 500};
	uint8_t out[ESCPOS_KICK_MAX];
	char err[256] = "";

	(void)state;
	assert_int_equal(escpos_kick_encode(&kick, out, err, sizeof err), sizeof both);
	assert_memory_equal(out, both, sizeof both);
	kick.pin = ESCPOS_PIN_5;
	assert_int_equal(escpos_kick_encode(&kick, out, err, sizeof err), ESCPOS_KICK_LEN);
	assert_memory_equal(out, both + ESCPOS_KICK_LEN, ESCPOS_KICK_LEN);
}

static void test_both_pins_refuse_the_realtime_pulse_naming_the_fix(void **state)
{
	struct escpos_kick kick = {.pin = ESCPOS_PIN_BOTH, .realtime = true, .realtime_ms = 100};
	uint8_t out[ESCPOS_KICK_MAX];
	char err[256] = "";

	(void)state;
	assert_int_equal(escpos_kick_check(&kick, err, sizeof err), -EINVAL);
	assert_int_equal(escpos_kick_encode(&kick, out, err, sizeof err), -EINVAL);
	assert_contains(err, "pin: both needs kick = esc-p");
	kick.pin = ESCPOS_PIN_2;
	assert_int_equal(escpos_kick_encode(&kick, out, err, sizeof err), ESCPOS_REALTIME_KICK_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_kick_is_1b_70_00_19_fa),
		cmocka_unit_test(test_kick_is_five_bytes_long),
		cmocka_unit_test(test_kick_pin2_uses_m_0),
		cmocka_unit_test(test_kick_pin5_uses_m_1),
		cmocka_unit_test(test_kick_times_are_sent_in_2_ms_units),
		cmocka_unit_test(test_shortest_pulse_of_2_ms_is_accepted_as_t_1),
		cmocka_unit_test(test_longest_pulse_of_510_ms_is_accepted_as_t_ff),
		cmocka_unit_test(test_bounds_are_2_and_510_ms),
		cmocka_unit_test(test_every_even_time_from_2_to_510_ms_is_sent_as_its_half),
		cmocka_unit_test(test_on_time_of_0_1_511_or_512_ms_is_rejected_naming_pulse_on_ms),
		cmocka_unit_test(
			test_off_time_of_0_1_511_or_512_ms_is_rejected_naming_pulse_off_ms),
		cmocka_unit_test(test_out_of_range_message_repeats_the_value),
		cmocka_unit_test(test_odd_on_time_is_rejected_suggesting_its_even_neighbours),
		cmocka_unit_test(test_odd_off_time_is_rejected_suggesting_its_even_neighbours),
		cmocka_unit_test(test_odd_time_message_explains_the_2_ms_unit),
		cmocka_unit_test(test_pins_0_1_3_4_6_are_rejected_naming_pin),
		cmocka_unit_test(test_esc_p_m_values_48_and_49_are_not_accepted_as_pins),
		cmocka_unit_test(test_check_kick_accepts_exactly_what_encode_kick_encodes),
		cmocka_unit_test(test_error_message_is_cut_to_a_small_buffer),
		cmocka_unit_test(test_both_pins_kick_pin_2_then_pin_5_as_odoos_iot_box),
		cmocka_unit_test(test_both_pins_refuse_the_realtime_pulse_naming_the_fix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
