/* Unit tests of the escpos-sim core: the incremental ESC/POS decoder, the
 * TM-T88V state model with its DLE EOT status bytes, and the printed lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "control_line.h"
#include "decode.h"

#define MAX_EVENTS 4096

/* Decodes data fed in pieces of `chunk` bytes (0: all at once), then flushes. */
static size_t decode_chunked(const uint8_t *data, size_t len, size_t chunk,
			     struct sim_event *events, size_t max)
{
	struct sim_decoder decoder;
	size_t count = 0;

	sim_decoder_init(&decoder);
	for (size_t start = 0; start < len;) {
		size_t piece = chunk == 0 || len - start < chunk ? len - start : chunk, off = 0, used;
		while (sim_decoder_feed(&decoder, data + start + off, piece - off, &used,
					&events[count])) {
			off += used;
			assert_true(off <= piece);
			assert_true(events[count].len <= SIM_TEXT_MAX);
			count++;
			assert_true(count < max);
		}
		start += piece;
	}
	if (sim_decoder_flush(&decoder, &events[count]))
		count++;
	return count;
}

static struct sim_event events[MAX_EVENTS], other[MAX_EVENTS];

static size_t decode(const uint8_t *data, size_t len)
{
	return decode_chunked(data, len, 0, events, MAX_EVENTS);
}

static struct sim_event one_event(const uint8_t *data, size_t len)
{
	assert_int_equal(decode(data, len), 1);
	return events[0];
}

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static void test_esc_p_pin2_default_timings_decoded(void **unused)
{
	(void)unused;
	struct sim_event e = one_event(BYTES(0x1B, 0x70, 0x00, 0x19, 0xFA));
	assert_int_equal(e.kind, SIM_EVENT_KICK);
	assert_int_equal(e.pin, 2);
	assert_int_equal(e.on_ms, 50);
	assert_int_equal(e.off_ms, 500);
	assert_int_equal(e.len, 5);
	assert_memory_equal(e.bytes, ((uint8_t[]){0x1B, 0x70, 0x00, 0x19, 0xFA}), 5);
}

static void test_esc_p_m_1_48_49_select_pins_5_2_5(void **unused)
{
	(void)unused;
	assert_int_equal(one_event(BYTES(0x1B, 0x70, 1, 1, 1)).pin, 5);
	assert_int_equal(one_event(BYTES(0x1B, 0x70, 48, 1, 1)).pin, 2);
	assert_int_equal(one_event(BYTES(0x1B, 0x70, 49, 255, 255)).pin, 5);
	assert_int_equal(one_event(BYTES(0x1B, 0x70, 49, 255, 255)).on_ms, 510);
}

static void test_esc_p_m_7_is_rejected_in_words(void **unused)
{
	(void)unused;
	struct sim_event e = one_event(BYTES(0x1B, 0x70, 0x07, 0x19, 0xFA));
	assert_int_equal(e.kind, SIM_EVENT_INVALID);
	assert_int_equal(e.len, 5);
	assert_non_null(strstr(e.error, "m=7"));
}

static void test_dle_eot_1_to_4_are_status_queries(void **unused)
{
	(void)unused;
	for (uint8_t n = 1; n <= 4; n++) {
		struct sim_event e = one_event(BYTES(0x10, 0x04, n));
		assert_int_equal(e.kind, SIM_EVENT_STATUS_QUERY);
		assert_int_equal(e.query, n);
	}
}

static void test_dle_eot_0_and_5_are_rejected(void **unused)
{
	(void)unused;
	assert_int_equal(one_event(BYTES(0x10, 0x04, 0)).kind, SIM_EVENT_INVALID);
	assert_int_equal(one_event(BYTES(0x10, 0x04, 5)).kind, SIM_EVENT_INVALID);
}

static void test_dle_dc4_pulse_uses_100_ms_units_on_and_off(void **unused)
{
	(void)unused;
	struct sim_event e = one_event(BYTES(0x10, 0x14, 0x01, 0x00, 0x01));
	assert_int_equal(e.kind, SIM_EVENT_REALTIME_KICK);
	assert_int_equal(e.pin, 2);
	assert_int_equal(e.on_ms, 100);
	assert_int_equal(e.off_ms, 100);
	e = one_event(BYTES(0x10, 0x14, 0x01, 0x01, 0x08));
	assert_int_equal(e.pin, 5);
	assert_int_equal(e.on_ms, 800);
}

static void test_dle_dc4_t0_is_rejected(void **unused)
{
	(void)unused;
	struct sim_event e = one_event(BYTES(0x10, 0x14, 0x01, 0x00, 0x00));
	assert_int_equal(e.kind, SIM_EVENT_INVALID);
	assert_non_null(strstr(e.error, "t=0"));
}

static void test_dle_dc4_t9_and_m2_are_rejected(void **unused)
{
	(void)unused;
	assert_int_equal(one_event(BYTES(0x10, 0x14, 0x01, 0x00, 0x09)).kind, SIM_EVENT_INVALID);
	assert_int_equal(one_event(BYTES(0x10, 0x14, 0x01, 0x02, 0x01)).kind, SIM_EVENT_INVALID);
	/* ESC p accepts 48; DLE DC4 does not. */
	assert_int_equal(one_event(BYTES(0x10, 0x14, 0x01, 48, 0x01)).kind, SIM_EVENT_INVALID);
}

static void test_dle_dc4_other_functions_are_reported_and_take_3_bytes(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x10, 0x14, 0x02, 0x0A)), 2);
	assert_int_equal(events[0].kind, SIM_EVENT_INVALID);
	assert_int_equal(events[0].len, 3);
	assert_non_null(strstr(events[0].error, "fn=2"));
	assert_int_equal(events[1].kind, SIM_EVENT_LINE_FEED);
}

static void test_esc_at_lf_cr_are_decoded(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x1B, 0x40, 0x0A, 0x0D)), 3);
	assert_int_equal(events[0].kind, SIM_EVENT_INITIALIZE);
	assert_int_equal(events[1].kind, SIM_EVENT_LINE_FEED);
	assert_int_equal(events[2].kind, SIM_EVENT_CARRIAGE_RETURN);
}

static void test_gs_v_cuts_full_partial_and_after_feeding(void **unused)
{
	(void)unused;
	assert_false(one_event(BYTES(0x1D, 0x56, 0)).partial_cut);
	assert_false(one_event(BYTES(0x1D, 0x56, 48)).partial_cut);
	assert_true(one_event(BYTES(0x1D, 0x56, 1)).partial_cut);
	assert_true(one_event(BYTES(0x1D, 0x56, 49)).partial_cut);
	struct sim_event e = one_event(BYTES(0x1D, 0x56, 66, 3));
	assert_int_equal(e.kind, SIM_EVENT_CUT);
	assert_true(e.partial_cut && e.cut_feeds);
	assert_int_equal(e.cut_feed, 3);
	assert_int_equal(e.len, 4);
	assert_int_equal(one_event(BYTES(0x1D, 0x56, 7)).kind, SIM_EVENT_INVALID);
}

static void test_text_run_is_one_event_ended_by_a_control_byte(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES('H', 'i', 0xE9, '!', 0x0A)), 2);
	assert_int_equal(events[0].kind, SIM_EVENT_TEXT);
	assert_int_equal(events[0].len, 4);
	assert_memory_equal(events[0].bytes, "Hi\xE9!", 4);
	assert_int_equal(events[1].kind, SIM_EVENT_LINE_FEED);
}

static void test_long_text_is_batched_in_64_byte_events(void **unused)
{
	(void)unused;
	uint8_t text[150];
	memset(text, 'x', sizeof(text));
	assert_int_equal(decode(text, sizeof(text)), 3);
	assert_int_equal(events[0].len, SIM_TEXT_MAX);
	assert_int_equal(events[1].len, SIM_TEXT_MAX);
	assert_int_equal(events[2].len, 150 - 2 * SIM_TEXT_MAX);
}

static void test_unknown_bytes_are_reported_one_by_one(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x07, 0x7F, 0x00)), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(events[i].kind, SIM_EVENT_UNKNOWN);
		assert_int_equal(events[i].len, 1);
	}
	assert_int_equal(events[1].bytes[0], 0x7F);
}

static void test_unmodelled_esc_command_is_one_unknown_event(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x1B, 'a', 0x01)), 2);
	assert_int_equal(events[0].kind, SIM_EVENT_UNKNOWN);
	assert_int_equal(events[0].len, 2);
	assert_int_equal(events[1].bytes[0], 0x01);
}

static void test_prefix_before_a_control_byte_does_not_swallow_dle_eot(void **unused)
{
	(void)unused;
	assert_int_equal(decode(BYTES(0x1B, 0x10, 0x04, 0x01)), 2);
	assert_int_equal(events[0].kind, SIM_EVENT_UNKNOWN);
	assert_int_equal(events[0].len, 1);
	assert_int_equal(events[1].kind, SIM_EVENT_STATUS_QUERY);
}

static void test_end_of_stream_inside_a_command_reports_incomplete(void **unused)
{
	(void)unused;
	struct sim_event e = one_event(BYTES(0x1B, 0x70, 0x00));
	assert_int_equal(e.kind, SIM_EVENT_INCOMPLETE);
	assert_int_equal(e.len, 3);
	assert_non_null(strstr(e.error, "ESC p"));
	assert_int_equal(one_event(BYTES(0x10)).kind, SIM_EVENT_INCOMPLETE);
}

static void test_flush_of_an_empty_decoder_yields_nothing(void **unused)
{
	(void)unused;
	struct sim_decoder decoder;
	struct sim_event e;
	sim_decoder_init(&decoder);
	assert_int_equal(sim_decoder_flush(&decoder, &e), 0);
	assert_int_equal(decode(NULL, 0), 0);
}

static const uint8_t mixed[] = {
	0x1B, 0x40, 'T', 'o', 't', 'a', 'l', ' ', '1', '2', 0x0A, 0x1B, 0x70, 0x00, 0x19, 0xFA,
	0x10, 0x04, 0x01, 0x10, 0x14, 0x01, 0x01, 0x08, 0x1D, 0x56, 0x41, 0x03, 0x1D, 0x56, 0x00,
	0x1B, 0x70, 0x07, 0x01, 0x01, 0x10, 0x14, 0x01, 0x00, 0x00, 0x07, 0x1B, 'a', 0x01, 0x0D,
	0x10, 0x04, 0x04, 0x1B, 0x10, 0x04, 0x02, 0xC3, 0xA9, 0x10, 0x14, 0x05, 0x1B, 0x70, 0x01};

static void assert_same_events(size_t count, size_t other_count)
{
	assert_int_equal(other_count, count);
	for (size_t i = 0; i < count; i++)
		assert_memory_equal(&other[i], &events[i], sizeof(events[i]));
}

static void test_command_split_across_feeds_decodes_the_same(void **unused)
{
	(void)unused;
	size_t count = decode(mixed, sizeof(mixed));
	assert_int_equal(count, 20);
	for (size_t chunk = 1; chunk <= sizeof(mixed); chunk++)
		assert_same_events(count, decode_chunked(mixed, sizeof(mixed), chunk, other, MAX_EVENTS));
	/* Every two-piece split. */
	for (size_t cut = 0; cut <= sizeof(mixed); cut++) {
		struct sim_decoder decoder;
		size_t n = 0, used, off = 0;
		sim_decoder_init(&decoder);
		while (sim_decoder_feed(&decoder, mixed + off, cut - off, &used, &other[n]))
			off += used, n++;
		for (off = cut; sim_decoder_feed(&decoder, mixed + off, sizeof(mixed) - off, &used,
						 &other[n]);)
			off += used, n++;
		n += (size_t)sim_decoder_flush(&decoder, &other[n]);
		assert_same_events(count, n);
	}
}

static void test_random_bytes_never_overflow_and_split_the_same(void **unused)
{
	(void)unused;
	static uint8_t noise[6000];
	uint32_t seed = 12345;
	for (size_t i = 0; i < sizeof(noise); i++) {
		seed = seed * 1103515245u + 12345u;
		/* Bias towards command bytes so commands and partial commands are common. */
		uint8_t b = (uint8_t)(seed >> 16);
		noise[i] = (seed & 0x300) ? b : (uint8_t[]){0x1B, 0x10, 0x1D, 0x70}[b & 3];
	}
	size_t count = decode_chunked(noise, sizeof(noise), 0, events, MAX_EVENTS);
	assert_true(count > 100);
	for (size_t chunk = 1; chunk < 10; chunk++)
		assert_same_events(count, decode_chunked(noise, sizeof(noise), chunk, other, MAX_EVENTS));
}

/* --- the printer model ------------------------------------------------- */

static struct sim_state fresh_state(void)
{
	struct sim_state s;
	sim_state_init(&s);
	return s;
}

/* Applies every event of the stream; returns the last reply byte (or -1). */
static int run(struct sim_state *s, const uint8_t *data, size_t len, struct sim_outcome *last)
{
	int reply = -1;
	size_t count = decode(data, len);
	for (size_t i = 0; i < count; i++) {
		sim_state_apply(s, &events[i], last);
		if (last->action == SIM_ACTION_ANSWERED)
			reply = last->reply;
	}
	return reply;
}

static void test_dle_eot_1_reports_closed_drawer_online_as_0x12(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	for (unsigned n = 1; n <= 4; n++)
		assert_int_equal(sim_state_status_byte(&s, n), 0x12);
}

static void test_dle_eot_1_reports_drawer_open_as_pin3_high(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	s.drawer_open = true;
	assert_true(sim_state_pin3_high(&s));
	assert_int_equal(sim_state_status_byte(&s, 1), 0x16);
}

static void test_open_level_low_inverts_pin3(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	s.open_level_high = false;
	assert_int_equal(sim_state_status_byte(&s, 1), 0x16);
	s.drawer_open = true;
	assert_int_equal(sim_state_status_byte(&s, 1), 0x12);
}

static void test_dle_eot_1_bit3_is_set_by_every_offline_cause(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	s.offline_forced = true;
	assert_int_equal(sim_state_status_byte(&s, 1), 0x1A);
	s = fresh_state();
	s.cover_open = true;
	assert_int_equal(sim_state_status_byte(&s, 1), 0x1A);
	s = fresh_state();
	s.paper = SIM_PAPER_OUT;
	assert_int_equal(sim_state_status_byte(&s, 1), 0x1A);
	s = fresh_state();
	s.error = true;
	assert_int_equal(sim_state_status_byte(&s, 1), 0x1A);
	s = fresh_state();
	s.paper = SIM_PAPER_NEAR_END; /* still prints */
	assert_int_equal(sim_state_status_byte(&s, 1), 0x12);
}

static void test_dle_eot_2_reports_cover_paper_end_and_error(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	s.cover_open = true;
	assert_int_equal(sim_state_status_byte(&s, 2), 0x16);
	s = fresh_state();
	s.paper = SIM_PAPER_OUT;
	assert_int_equal(sim_state_status_byte(&s, 2), 0x32);
	s = fresh_state();
	s.error = true;
	assert_int_equal(sim_state_status_byte(&s, 2), 0x52);
}

static void test_dle_eot_3_has_no_error_bits_unless_in_error(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	s.cover_open = true;
	s.paper = SIM_PAPER_OUT;
	s.offline_forced = true;
	assert_int_equal(sim_state_status_byte(&s, 3), 0x12);
	s.error = true;
	assert_int_equal(sim_state_status_byte(&s, 3), 0x52);
}

static void test_dle_eot_4_reports_near_end_and_paper_out(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	s.paper = SIM_PAPER_NEAR_END;
	assert_int_equal(sim_state_status_byte(&s, 4), 0x1E);
	s.paper = SIM_PAPER_OUT;
	assert_int_equal(sim_state_status_byte(&s, 4), 0x72);
}

static void test_status_bytes_keep_fixed_bits_in_every_state(void **unused)
{
	(void)unused;
	/* Bits 0..6 of i choose the state: drawer, paper (2 bits), cover, offline, error, level. */
	for (unsigned i = 0; i < 128; i++) {
		if (((i >> 1) & 3) == 3)
			continue;
		struct sim_state s = fresh_state();
		s.drawer_open = i & 1;
		s.paper = (enum sim_paper)((i >> 1) & 3);
		s.cover_open = (i >> 3) & 1;
		s.offline_forced = (i >> 4) & 1;
		s.error = (i >> 5) & 1;
		s.open_level_high = (i >> 6) & 1;
		for (unsigned n = 1; n <= 4; n++) {
			int b = sim_state_status_byte(&s, n);
			assert_in_range(b, 0, 255);
			assert_int_equal(b & 0x93, 0x12); /* bit 0 = 0, 1 = 1, 4 = 1, 7 = 0 */
		}
	}
}

static void test_status_byte_for_n_outside_1_to_4_is_refused(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	assert_int_equal(sim_state_status_byte(&s, 0), -1);
	assert_int_equal(sim_state_status_byte(&s, 5), -1);
}

static void test_kick_then_status_query_answers_0x16(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	struct sim_outcome o;
	assert_int_equal(run(&s, BYTES(0x10, 0x04, 0x01), &o), 0x12);
	assert_int_equal(run(&s, BYTES(0x1B, 0x70, 0x00, 0x19, 0xFA, 0x10, 0x04, 0x01), &o), 0x16);
	assert_true(s.drawer_open);
}

static void test_esc_p_ignored_while_offline_but_dle_dc4_pulses(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	struct sim_outcome o;
	s.offline_forced = true;
	run(&s, BYTES(0x1B, 0x70, 0x00, 0x19, 0xFA), &o);
	assert_int_equal(o.action, SIM_ACTION_QUEUED_OFFLINE);
	assert_false(s.drawer_open);
	run(&s, BYTES(0x10, 0x14, 0x01, 0x00, 0x01), &o);
	assert_int_equal(o.action, SIM_ACTION_PULSED);
	assert_true(s.drawer_open);
}

static void test_dle_dc4_pulses_with_cover_open_or_paper_out(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	struct sim_outcome o;
	s.cover_open = true;
	s.paper = SIM_PAPER_OUT;
	run(&s, BYTES(0x10, 0x14, 0x01, 0x01, 0x02), &o);
	assert_int_equal(o.action, SIM_ACTION_PULSED);
}

static void test_dle_dc4_is_ignored_in_error_status(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	struct sim_outcome o;
	s.error = true;
	run(&s, BYTES(0x10, 0x14, 0x01, 0x00, 0x01), &o);
	assert_int_equal(o.action, SIM_ACTION_IGNORED_ERROR);
	assert_false(s.drawer_open);
}

static void test_pulse_leaves_drawer_closed_when_kick_opens_drawer_is_off(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	struct sim_outcome o;
	s.kick_opens_drawer = false;
	run(&s, BYTES(0x1B, 0x70, 0x00, 0x19, 0xFA), &o);
	assert_int_equal(o.action, SIM_ACTION_PULSED_NO_OPEN);
	assert_false(s.drawer_open);
}

static void test_esc_p_with_zero_on_time_does_not_open_the_drawer(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	struct sim_outcome o;
	run(&s, BYTES(0x1B, 0x70, 0x00, 0x00, 0xFA), &o);
	assert_int_equal(o.action, SIM_ACTION_PULSED_NO_OPEN);
	assert_false(s.drawer_open);
}

static void test_invalid_commands_change_nothing_and_answer_nothing(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state(), before = s;
	struct sim_outcome o;
	assert_int_equal(run(&s, BYTES(0x1B, 0x70, 7, 1, 1, 0x10, 0x14, 1, 0, 0, 0x10, 0x04, 9), &o),
			 -1);
	assert_int_equal(o.action, SIM_ACTION_NONE);
	assert_memory_equal(&s, &before, sizeof(s));
}

static void test_print_data_is_held_while_offline(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	struct sim_outcome o;
	run(&s, BYTES('a', 0x0A), &o);
	assert_int_equal(o.action, SIM_ACTION_DONE);
	s.cover_open = true;
	run(&s, BYTES('a', 0x0A), &o);
	assert_int_equal(o.action, SIM_ACTION_HELD_OFFLINE);
}

/* --- settings (CLI flags and stdin commands) --------------------------- */

static void test_set_accepts_every_documented_word(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	char err[128];
	assert_int_equal(sim_state_set(&s, "drawer", "open", err, sizeof(err)), 0);
	assert_true(s.drawer_open);
	assert_int_equal(sim_state_set(&s, "paper", "near-end", err, sizeof(err)), 0);
	assert_int_equal(s.paper, SIM_PAPER_NEAR_END);
	assert_int_equal(sim_state_set(&s, "paper", "out", err, sizeof(err)), 0);
	assert_int_equal(s.paper, SIM_PAPER_OUT);
	assert_int_equal(sim_state_set(&s, "cover", "open", err, sizeof(err)), 0);
	assert_true(s.cover_open);
	assert_int_equal(sim_state_set(&s, "error", "on", err, sizeof(err)), 0);
	assert_true(s.error);
	assert_int_equal(sim_state_set(&s, "open-level", "low", err, sizeof(err)), 0);
	assert_false(s.open_level_high);
	assert_int_equal(sim_state_set(&s, "kick-opens-drawer", "off", err, sizeof(err)), 0);
	assert_false(s.kick_opens_drawer);
	assert_int_equal(sim_state_set(&s, "offline", NULL, err, sizeof(err)), 0);
	assert_true(s.offline_forced);
	assert_int_equal(sim_state_set(&s, "online", NULL, err, sizeof(err)), 0);
	assert_false(s.offline_forced);
	assert_int_equal(sim_state_set(&s, "paper", "ok", err, sizeof(err)), 0);
	assert_int_equal(s.paper, SIM_PAPER_OK);
}

static void test_set_rejects_a_bad_value_naming_the_choices(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state(), before = s;
	char err[128];
	assert_int_equal(sim_state_set(&s, "paper", "low", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "paper: 'low' is not one of ok, near-end, out");
	assert_int_equal(sim_state_set(&s, "drawer", NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "drawer: '' is not one of closed, open");
	assert_memory_equal(&s, &before, sizeof(s));
}

static void test_set_rejects_unknown_settings_and_values_for_offline(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	char err[128];
	assert_int_equal(sim_state_set(&s, "lid", "open", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown setting 'lid'"));
	assert_int_equal(sim_state_set(&s, "offline", "yes", err, sizeof(err)), -EINVAL);
	assert_false(s.offline_forced);
}

/* --- the printed lines ------------------------------------------------- */

static const char *line_for(struct sim_state *s, const uint8_t *data, size_t len)
{
	static char line[SIM_LINE_MAX];
	struct sim_outcome o;
	assert_int_equal(decode(data, len), 1);
	sim_state_apply(s, &events[0], &o);
	sim_event_describe(&events[0], &o, line, sizeof(line));
	return line;
}

static void test_kick_and_status_lines_read_as_documented(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	assert_string_equal(line_for(&s, BYTES(0x1B, 0x70, 0x00, 0x19, 0xFA)),
			    "1B 70 00 19 FA  drawer kick (ESC p): pin 2, on 50 ms, off 500 ms"
			    " -> drawer open");
	assert_string_equal(line_for(&s, BYTES(0x10, 0x04, 0x01)),
			    "10 04 01  status query (DLE EOT 1: printer) -> answered 16");
	assert_string_equal(line_for(&s, BYTES(0x10, 0x14, 0x01, 0x00, 0x01)),
			    "10 14 01 00 01  real-time drawer kick (DLE DC4): pin 2, on 100 ms,"
			    " off 100 ms -> drawer open");
}

static void test_offline_kick_line_says_queued_not_executed(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	s.offline_forced = true;
	assert_string_equal(line_for(&s, BYTES(0x1B, 0x70, 0x01, 0x19, 0xFA)),
			    "1B 70 01 19 FA  drawer kick (ESC p): pin 5, on 50 ms, off 500 ms"
			    " -> queued, not executed: printer offline");
}

static void test_error_lines_name_the_byte_and_the_reason(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	assert_string_equal(line_for(&s, BYTES(0x07)), "07  unknown byte 0x07 -> ignored");
	assert_string_equal(line_for(&s, BYTES(0x10, 0x14, 0x01, 0x00, 0x00)),
			    "10 14 01 00 00  invalid DLE DC4 1: pulse time t=0 must be 1..8"
			    " (units of 100 ms) -> ignored");
}

static void test_text_line_escapes_quotes_and_non_ascii(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	assert_string_equal(line_for(&s, BYTES('a', '"', 0xE9)),
			    "61 22 E9  text (3 bytes): \"a\\x22\\xE9\"");
}

static void test_long_lines_fit_and_small_buffers_are_not_overrun(void **unused)
{
	(void)unused;
	uint8_t text[SIM_TEXT_MAX];
	char small[12];
	struct sim_outcome o;
	struct sim_state s = fresh_state();
	memset(text, 0xFF, sizeof(text));
	const char *line = line_for(&s, text, sizeof(text));
	assert_true(strlen(line) < SIM_LINE_MAX - 1);
	assert_non_null(strstr(line, "FF ..  text (64 bytes)"));
	sim_state_apply(&s, &events[0], &o);
	memset(small, 'z', sizeof(small));
	sim_event_describe(&events[0], &o, small, sizeof(small) - 1);
	assert_int_equal(small[sizeof(small) - 1], 'z');
	assert_string_equal(small, "FF FF FF F");
	sim_state_describe(&s, small, 5);
	assert_string_equal(small, "draw");
}

static void test_state_line_names_causes_and_status_bytes(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	char line[SIM_LINE_MAX];
	s.drawer_open = true;
	s.cover_open = true;
	s.error = true;
	sim_state_describe(&s, line, sizeof(line));
	assert_string_equal(line, "drawer open (pin 3 HIGH), paper ok, cover open, offline: cover"
				  " open + error, error on, open-level high, kick-opens-drawer on;"
				  " DLE EOT 1..4 -> 1E 56 52 12");
}

/* ---- stdin control commands (control_line.c) ---- */

/* Feeds text in pieces of chunk bytes and joins the whole lines with '|'. */
static void lines_of(const char *text, size_t chunk, char *out, size_t outlen)
{
	struct sim_control_reader reader = {0};
	size_t len = strlen(text), pos = 0;

	out[0] = '\0';
	for (size_t start = 0; start < len; start += chunk) {
		size_t piece = len - start < chunk ? len - start : chunk, off = 0, used;

		while (sim_control_feed(&reader, text + start + off, piece - off, &used)) {
			off += used;
			pos += (size_t)snprintf(out + pos, outlen - pos, "%s%s|", reader.line,
						reader.too_long ? "(too long)" : "");
		}
	}
}

static void test_control_lines_are_cut_at_newlines_however_the_input_is_split(void **unused)
{
	(void)unused;
	char out[256];
	for (size_t chunk = 1; chunk <= 12; chunk++) {
		lines_of("drawer open\n\npaper out\nstate", chunk, out, sizeof(out));
		assert_string_equal(out, "drawer open||paper out|");
	}
}

static void test_control_line_of_255_bytes_is_kept_and_256_is_too_long(void **unused)
{
	(void)unused;
	char text[600], out[700];
	memset(text, 'x', 255);
	strcpy(text + 255, "\n");
	lines_of(text, 7, out, sizeof(out));
	assert_int_equal(strlen(out), 256);
	memset(text, 'x', 256);
	strcpy(text + 256, "\nstate\n");
	lines_of(text, 7, out, sizeof(out));
	assert_non_null(strstr(out, "(too long)|state|"));
}

static void test_control_command_changes_the_state_and_answers_its_line(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state();
	bool wedged = false;
	char line[] = "  drawer\topen \r", reply[SIM_LINE_MAX + 16];
	assert_int_equal(sim_control_run(&s, &wedged, line, reply, sizeof(reply)),
			 SIM_CONTROL_STATE);
	assert_true(s.drawer_open);
	assert_true(strncmp(reply, "drawer open (pin 3 HIGH)", 24) == 0);
	char wedge[] = "wedge";
	assert_int_equal(sim_control_run(&s, &wedged, wedge, reply, sizeof(reply)),
			 SIM_CONTROL_STATE);
	assert_true(wedged);
	assert_non_null(strstr(reply, " -> 16 12 12 12; wedged"));
}

static void test_control_refuses_bad_commands_and_changes_nothing(void **unused)
{
	(void)unused;
	struct sim_state s = fresh_state(), before = s;
	bool wedged = false;
	char extra[] = "drawer open now", bad[] = "paper gone", empty[] = " \t ",
	     help[] = "help", reply[SIM_LINE_MAX + 16];
	assert_int_equal(sim_control_run(&s, &wedged, extra, reply, sizeof(reply)),
			 SIM_CONTROL_REFUSED);
	assert_string_equal(reply, "'drawer': too many words");
	assert_int_equal(sim_control_run(&s, &wedged, bad, reply, sizeof(reply)),
			 SIM_CONTROL_REFUSED);
	assert_string_equal(reply, "paper: 'gone' is not one of ok, near-end, out");
	assert_int_equal(sim_control_run(&s, &wedged, empty, reply, sizeof(reply)),
			 SIM_CONTROL_EMPTY);
	assert_string_equal(reply, "");
	assert_int_equal(sim_control_run(&s, &wedged, help, reply, sizeof(reply)),
			 SIM_CONTROL_HELP);
	assert_true(strncmp(reply, "commands: drawer open|closed", 28) == 0);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_false(wedged);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esc_p_pin2_default_timings_decoded),
		cmocka_unit_test(test_esc_p_m_1_48_49_select_pins_5_2_5),
		cmocka_unit_test(test_esc_p_m_7_is_rejected_in_words),
		cmocka_unit_test(test_dle_eot_1_to_4_are_status_queries),
		cmocka_unit_test(test_dle_eot_0_and_5_are_rejected),
		cmocka_unit_test(test_dle_dc4_pulse_uses_100_ms_units_on_and_off),
		cmocka_unit_test(test_dle_dc4_t0_is_rejected),
		cmocka_unit_test(test_dle_dc4_t9_and_m2_are_rejected),
		cmocka_unit_test(test_dle_dc4_other_functions_are_reported_and_take_3_bytes),
		cmocka_unit_test(test_esc_at_lf_cr_are_decoded),
		cmocka_unit_test(test_gs_v_cuts_full_partial_and_after_feeding),
		cmocka_unit_test(test_text_run_is_one_event_ended_by_a_control_byte),
		cmocka_unit_test(test_long_text_is_batched_in_64_byte_events),
		cmocka_unit_test(test_unknown_bytes_are_reported_one_by_one),
		cmocka_unit_test(test_unmodelled_esc_command_is_one_unknown_event),
		cmocka_unit_test(test_prefix_before_a_control_byte_does_not_swallow_dle_eot),
		cmocka_unit_test(test_end_of_stream_inside_a_command_reports_incomplete),
		cmocka_unit_test(test_flush_of_an_empty_decoder_yields_nothing),
		cmocka_unit_test(test_command_split_across_feeds_decodes_the_same),
		cmocka_unit_test(test_random_bytes_never_overflow_and_split_the_same),
		cmocka_unit_test(test_dle_eot_1_reports_closed_drawer_online_as_0x12),
		cmocka_unit_test(test_dle_eot_1_reports_drawer_open_as_pin3_high),
		cmocka_unit_test(test_open_level_low_inverts_pin3),
		cmocka_unit_test(test_dle_eot_1_bit3_is_set_by_every_offline_cause),
		cmocka_unit_test(test_dle_eot_2_reports_cover_paper_end_and_error),
		cmocka_unit_test(test_dle_eot_3_has_no_error_bits_unless_in_error),
		cmocka_unit_test(test_dle_eot_4_reports_near_end_and_paper_out),
		cmocka_unit_test(test_status_bytes_keep_fixed_bits_in_every_state),
		cmocka_unit_test(test_status_byte_for_n_outside_1_to_4_is_refused),
		cmocka_unit_test(test_kick_then_status_query_answers_0x16),
		cmocka_unit_test(test_esc_p_ignored_while_offline_but_dle_dc4_pulses),
		cmocka_unit_test(test_dle_dc4_pulses_with_cover_open_or_paper_out),
		cmocka_unit_test(test_dle_dc4_is_ignored_in_error_status),
		cmocka_unit_test(test_pulse_leaves_drawer_closed_when_kick_opens_drawer_is_off),
		cmocka_unit_test(test_esc_p_with_zero_on_time_does_not_open_the_drawer),
		cmocka_unit_test(test_invalid_commands_change_nothing_and_answer_nothing),
		cmocka_unit_test(test_print_data_is_held_while_offline),
		cmocka_unit_test(test_set_accepts_every_documented_word),
		cmocka_unit_test(test_set_rejects_a_bad_value_naming_the_choices),
		cmocka_unit_test(test_set_rejects_unknown_settings_and_values_for_offline),
		cmocka_unit_test(test_kick_and_status_lines_read_as_documented),
		cmocka_unit_test(test_offline_kick_line_says_queued_not_executed),
		cmocka_unit_test(test_error_lines_name_the_byte_and_the_reason),
		cmocka_unit_test(test_text_line_escapes_quotes_and_non_ascii),
		cmocka_unit_test(test_control_lines_are_cut_at_newlines_however_the_input_is_split),
		cmocka_unit_test(test_control_line_of_255_bytes_is_kept_and_256_is_too_long),
		cmocka_unit_test(test_control_command_changes_the_state_and_answers_its_line),
		cmocka_unit_test(test_control_refuses_bad_commands_and_changes_nothing),
		cmocka_unit_test(test_long_lines_fit_and_small_buffers_are_not_overrun),
		cmocka_unit_test(test_state_line_names_causes_and_status_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
