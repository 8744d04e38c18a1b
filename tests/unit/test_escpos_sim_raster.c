/* Unit tests of the simulator's receipt printing: GS v 0 raster images and
 * ESC d decoded (header, data in 64-byte events however the stream is cut,
 * every m, bad and empty images, a stream cut short), GS ( D switching the
 * real-time pulse off and on, and the paper roll
 * (roll.c) that turns them into dots until the cut. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "roll.h"

#define MAX_EVENTS 4096
#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static struct sim_event events[MAX_EVENTS], other[MAX_EVENTS];

static size_t decode_chunked(const uint8_t *data, size_t len, size_t chunk,
			     struct sim_event *out)
{
	struct sim_decoder decoder;
	size_t count = 0;

	sim_decoder_init(&decoder);
	for (size_t start = 0; start < len;) {
		size_t piece = chunk == 0 || len - start < chunk ? len - start : chunk, off = 0, used;
		while (sim_decoder_feed(&decoder, data + start + off, piece - off, &used,
					&out[count])) {
			off += used;
			count++;
			assert_true(count < MAX_EVENTS);
		}
		start += piece;
	}
	if (sim_decoder_flush(&decoder, &out[count]))
		count++;
	return count;
}

static size_t decode(const uint8_t *data, size_t len)
{
	return decode_chunked(data, len, 0, events);
}

static void test_gs_v_0_header_then_its_data_then_the_cut(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0xAA, 0xBB,
				      0xCC, 0xDD, 0x1D, 0x56, 0x42, 0x00)), 3);
	assert_int_equal(events[0].kind, SIM_EVENT_RASTER);
	assert_int_equal(events[0].len, 8);
	assert_int_equal(events[0].raster_mode, 0);
	assert_int_equal(events[0].raster_width_bytes, 2);
	assert_int_equal(events[0].raster_rows, 2);
	assert_int_equal(events[0].raster_bytes, 4);
	assert_int_equal(events[1].kind, SIM_EVENT_RASTER_DATA);
	assert_int_equal(events[1].len, 4);
	assert_memory_equal(events[1].bytes, ((uint8_t[]){0xAA, 0xBB, 0xCC, 0xDD}), 4);
	assert_int_equal(events[2].kind, SIM_EVENT_CUT);
	assert_true(events[2].partial_cut);
}

static void test_image_data_that_looks_like_commands_is_data(void **unused)
{
	(void)unused;
	/* DLE EOT 1, ESC @, GS V 0 inside the data: not answered, not executed */
	assert_int_equal(decode(BYTES(0x1D, 0x76, 0x30, 0x00, 0x04, 0x00, 0x02, 0x00, 0x10, 0x04,
				      0x01, 0x1B, 0x40, 0x1D, 0x56, 0x00, 0x0A)), 3);
	assert_int_equal(events[1].kind, SIM_EVENT_RASTER_DATA);
	assert_int_equal(events[1].len, 8);
	assert_int_equal(events[2].kind, SIM_EVENT_LINE_FEED);
}

static void test_image_data_comes_in_64_byte_events_however_the_stream_is_cut(void **unused)
{
	(void)unused;
	/* 72 bytes x 20 rows = 1440 bytes: 22 events of 64 and one of 32 */
	static uint8_t stream[8 + 1440 + 3];
	size_t count;

	memcpy(stream, ((uint8_t[]){0x1D, 0x76, 0x30, 0x30, 72, 0, 20, 0}), 8);
	for (size_t i = 0; i < 1440; i++)
		stream[8 + i] = (uint8_t)(i * 7);
	memcpy(stream + 8 + 1440, ((uint8_t[]){0x1B, 0x64, 0x05}), 3);
	count = decode(stream, sizeof stream);
	assert_int_equal(count, 1 + 23 + 1);
	for (size_t e = 1; e <= 22; e++)
		assert_int_equal(events[e].len, SIM_TEXT_MAX);
	assert_int_equal(events[23].len, 1440 - 22 * SIM_TEXT_MAX);
	assert_int_equal(events[24].kind, SIM_EVENT_FEED_LINES);
	assert_int_equal(events[24].feed_lines, 5);
	for (size_t chunk = 1; chunk < 200; chunk += 13) {
		assert_int_equal(decode_chunked(stream, sizeof stream, chunk, other), count);
		for (size_t e = 0; e < count; e++)
			assert_memory_equal(&other[e], &events[e], sizeof(events[e]));
	}
}

static void test_bad_mode_is_invalid_but_its_data_is_skipped_whole(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x1D, 0x76, 0x30, 0x07, 0x01, 0x00, 0x02, 0x00, 0x0A, 0x0A,
				      0x0A)), 3);
	assert_int_equal(events[0].kind, SIM_EVENT_INVALID);
	assert_string_equal(events[0].error, "GS v 0: mode m=7 must be 0..3 or 48..51 (1 x 2 "
					     "bytes of data skipped)");
	assert_int_equal(events[1].kind, SIM_EVENT_RASTER_DATA);
	assert_int_equal(events[1].len, 2);
	assert_int_equal(events[2].kind, SIM_EVENT_LINE_FEED);
}

static void test_empty_image_is_invalid_and_has_no_data(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x1D, 0x76, 0x30, 0x00, 0x00, 0x00, 0x05, 0x00, 0x0A)), 2);
	assert_int_equal(events[0].kind, SIM_EVENT_INVALID);
	assert_non_null(strstr(events[0].error, "empty image"));
	assert_int_equal(events[1].kind, SIM_EVENT_LINE_FEED);
}

static void test_gs_v_other_than_0_and_esc_d_with_a_digit_are_not_text(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x1D, 0x76, 0x31, 0x1B, 0x64, 0x30)), 2);
	assert_int_equal(events[0].kind, SIM_EVENT_UNKNOWN);
	assert_int_equal(events[0].len, 3);
	assert_int_equal(events[1].kind, SIM_EVENT_FEED_LINES);
	assert_int_equal(events[1].feed_lines, 48);
}

static void test_stream_ending_inside_a_header_or_its_data_is_incomplete(void **unused)
{
	(void)unused;
	static uint8_t stream[8 + 64];

	assert_int_equal(decode(BYTES(0x1D, 0x76, 0x30, 0x00, 0x01)), 1);
	assert_int_equal(events[0].kind, SIM_EVENT_INCOMPLETE);
	assert_string_equal(events[0].error, "GS v 0 cut short by the end of the stream");
	assert_int_equal(decode(BYTES(0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x04, 0x00, 0xFF)), 2);
	assert_int_equal(events[1].kind, SIM_EVENT_INCOMPLETE);
	assert_int_equal(events[1].len, 1);
	assert_string_equal(events[1].error, "GS v 0 image data cut short: 3 bytes missing");
	/* cut right after a full 64-byte event: nothing pending, still incomplete */
	memcpy(stream, ((uint8_t[]){0x1D, 0x76, 0x30, 0x00, 0x10, 0x00, 0x08, 0x00}), 8);
	assert_int_equal(decode(stream, sizeof stream), 3);
	assert_int_equal(events[2].kind, SIM_EVENT_INCOMPLETE);
	assert_int_equal(events[2].len, 0);
	assert_non_null(strstr(events[2].error, "64 bytes missing"));
	assert_int_equal(decode(BYTES(0x1B, 0x64)), 1);
	assert_non_null(strstr(events[0].error, "ESC d"));
}

static void test_raster_lines_read_as_documented(void **unused)
{
	(void)unused;
	struct sim_outcome outcome = {.action = SIM_ACTION_DONE};
	char line[SIM_LINE_MAX];

	decode(BYTES(0x1D, 0x76, 0x30, 0x33, 0x40, 0x00, 0xFF, 0x00));
	sim_event_describe(&events[0], &outcome, line, sizeof line);
	assert_string_equal(line, "1D 76 30 33 40 00 FF 00  raster image (GS v 0 51): 512 x 255 "
				  "dots quadruple, 16320 bytes");
	decode(BYTES(0x1B, 0x64, 0x03));
	sim_event_describe(&events[0], &outcome, line, sizeof line);
	assert_string_equal(line, "1B 64 03  print and feed 3 lines (ESC d)");
}

static void test_raster_is_held_while_offline_like_text(void **unused)
{
	(void)unused;
	struct sim_state state;
	struct sim_outcome outcome;

	sim_state_init(&state);
	decode(BYTES(0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0xFF));
	sim_state_apply(&state, &events[0], &outcome);
	assert_int_equal(outcome.action, SIM_ACTION_DONE);
	state.cover_open = true;
	sim_state_apply(&state, &events[1], &outcome);
	assert_int_equal(outcome.action, SIM_ACTION_HELD_OFFLINE);
}

static void test_gs_paren_d_switches_the_realtime_pulse(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x00)), 1);
	assert_int_equal(events[0].kind, SIM_EVENT_REALTIME_SWITCH);
	assert_int_equal(events[0].len, 8);
	assert_true(events[0].sets_pulse);
	assert_false(events[0].pulse_enabled);
	assert_int_equal(decode(BYTES(0x1D, 0x28, 0x44, 0x05, 0x00, 0x14, 0x02, 0x00, 0x01, 0x31)), 1);
	assert_int_equal(events[0].len, 10);
	assert_true(events[0].sets_pulse && events[0].pulse_enabled);
	assert_int_equal(decode(BYTES(0x1D, 0x28, 0x44, 0x03, 0x00, 0x15, 0x01, 0x00)), 1);
	assert_int_equal(events[0].kind, SIM_EVENT_INVALID);
	assert_string_equal(events[0].error, "GS ( D: m=21 must be 20");
	/* another GS ( function: GS ( alone is unknown, what follows decodes afresh */
	assert_int_equal(decode(BYTES(0x1D, 0x28, 0x45, 0x0A)), 3);
	assert_int_equal(events[0].kind, SIM_EVENT_UNKNOWN);
	assert_int_equal(events[0].len, 2);
	assert_int_equal(events[1].kind, SIM_EVENT_TEXT);
	assert_int_equal(events[2].kind, SIM_EVENT_LINE_FEED);
}

static void test_realtime_pulse_is_ignored_while_gs_paren_d_disables_it(void **unused)
{
	(void)unused;
	struct sim_state state;
	struct sim_outcome outcome;
	char line[SIM_LINE_MAX];
	size_t count;

	sim_state_init(&state);
	count = decode(BYTES(0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x00, 0x10, 0x14, 0x01, 0x00,
			     0x01, 0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x01, 0x10, 0x14, 0x01,
			     0x00, 0x01));
	assert_int_equal(count, 4);
	sim_state_apply(&state, &events[0], &outcome);
	assert_true(state.pulse_disabled);
	sim_state_apply(&state, &events[1], &outcome);
	assert_int_equal(outcome.action, SIM_ACTION_IGNORED_DISABLED);
	assert_false(state.drawer_open);
	sim_event_describe(&events[1], &outcome, line, sizeof line);
	assert_non_null(strstr(line, "-> ignored: disabled by GS ( D"));
	sim_state_apply(&state, &events[2], &outcome);
	assert_false(state.pulse_disabled);
	sim_state_apply(&state, &events[3], &outcome);
	assert_int_equal(outcome.action, SIM_ACTION_PULSED);
	assert_true(state.drawer_open);
}

/* --- the roll --- */

static bool print_on(struct sim_roll *roll, const uint8_t *data, size_t len)
{
	size_t count = decode(data, len);
	bool cut = false;

	for (size_t i = 0; i < count; i++)
		cut = sim_roll_apply(roll, &events[i]) || cut;
	return cut;
}

static bool dot(const struct sim_roll *roll, unsigned row, unsigned x)
{
	return roll->bits[(size_t)row * roll->stride + x / 8] & (0x80 >> (x % 8));
}

static void test_roll_stacks_images_and_feeds_until_the_cut(void **unused)
{
	(void)unused;
	struct sim_roll roll;

	sim_roll_init(&roll, 16);
	assert_false(print_on(&roll, BYTES(0x1B, 0x40, 0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02,
					   0x00, 0x80, 0x01, 0xF0, 0x0F)));
	assert_int_equal(roll.rows, 2);
	assert_memory_equal(roll.bits, ((uint8_t[]){0x80, 0x01, 0xF0, 0x0F}), 4);
	assert_true(print_on(&roll, BYTES(0x1B, 0x64, 0x02, 0x1D, 0x76, 0x30, 0x00, 0x01, 0x00,
					  0x01, 0x00, 0xFF, 0x1D, 0x56, 0x42, 0x00)));
	assert_int_equal(roll.rows, 2 + 2 * SIM_ROLL_LINE_DOTS + 1);
	assert_int_equal(roll.bits[(2 + 60) * roll.stride], 0xFF);
	assert_int_equal(roll.bits[2 * roll.stride], 0x00); /* the feed is white */
	sim_roll_clear(&roll);
	assert_int_equal(roll.rows, 0);
	sim_roll_free(&roll);
}

static void test_roll_draws_double_width_and_height_dots(void **unused)
{
	(void)unused;
	struct sim_roll roll;

	sim_roll_init(&roll, 32);
	/* m = 3 (quadruple): 1 byte 0xC0 -> dots 0..3 on rows 0 and 1 */
	print_on(&roll, BYTES(0x1D, 0x76, 0x30, 0x03, 0x01, 0x00, 0x01, 0x00, 0xC0));
	assert_int_equal(roll.rows, 2);
	assert_int_equal(roll.bits[0], 0xF0);
	assert_int_equal(roll.bits[roll.stride], 0xF0);
	/* m = 49 (double width): 0x81 -> dots 0, 1 and 14, 15 */
	print_on(&roll, BYTES(0x1D, 0x76, 0x30, 0x31, 0x01, 0x00, 0x01, 0x00, 0x81));
	assert_int_equal(roll.rows, 3);
	assert_true(dot(&roll, 2, 0) && dot(&roll, 2, 1) && dot(&roll, 2, 14) && dot(&roll, 2, 15));
	assert_false(dot(&roll, 2, 2) || dot(&roll, 2, 13));
	sim_roll_free(&roll);
}

static void test_roll_discards_dots_past_the_paper_width(void **unused)
{
	(void)unused;
	struct sim_roll roll;

	sim_roll_init(&roll, 8);
	print_on(&roll, BYTES(0x1D, 0x76, 0x30, 0x00, 0x03, 0x00, 0x01, 0x00, 0x01, 0xFF, 0xFF,
			      0x0A));
	assert_int_equal(roll.rows, 1 + SIM_ROLL_LINE_DOTS);
	assert_int_equal(roll.stride, 1);
	assert_int_equal(roll.bits[0], 0x01);
	sim_roll_free(&roll);
}

static void test_roll_stops_growing_at_its_limit(void **unused)
{
	(void)unused;
	struct sim_roll roll;
	uint8_t feed[] = {0x1B, 0x64, 0xFF};

	sim_roll_init(&roll, 8);
	for (int i = 0; i < 30; i++) /* 30 x 255 x 30 rows > SIM_ROLL_ROWS_MAX */
		print_on(&roll, feed, sizeof feed);
	assert_true(roll.overflowed);
	assert_true(roll.rows <= SIM_ROLL_ROWS_MAX);
	sim_roll_clear(&roll);
	assert_false(roll.overflowed);
	sim_roll_free(&roll);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gs_v_0_header_then_its_data_then_the_cut),
		cmocka_unit_test(test_image_data_that_looks_like_commands_is_data),
		cmocka_unit_test(test_image_data_comes_in_64_byte_events_however_the_stream_is_cut),
		cmocka_unit_test(test_bad_mode_is_invalid_but_its_data_is_skipped_whole),
		cmocka_unit_test(test_empty_image_is_invalid_and_has_no_data),
		cmocka_unit_test(test_gs_v_other_than_0_and_esc_d_with_a_digit_are_not_text),
		cmocka_unit_test(test_stream_ending_inside_a_header_or_its_data_is_incomplete),
		cmocka_unit_test(test_raster_lines_read_as_documented),
		cmocka_unit_test(test_raster_is_held_while_offline_like_text),
		cmocka_unit_test(test_gs_paren_d_switches_the_realtime_pulse),
		cmocka_unit_test(test_realtime_pulse_is_ignored_while_gs_paren_d_disables_it),
		cmocka_unit_test(test_roll_stacks_images_and_feeds_until_the_cut),
		cmocka_unit_test(test_roll_draws_double_width_and_height_dots),
		cmocka_unit_test(test_roll_discards_dots_past_the_paper_width),
		cmocka_unit_test(test_roll_stops_growing_at_its_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
