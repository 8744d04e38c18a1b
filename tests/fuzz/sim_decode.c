/* Fuzzes the simulator's ESC/POS stream decoder (sim_decoder_feed/flush)
 * and its printer model (sim_state_apply, sim_event_describe). Input: a
 * byte choosing the piece size, a byte of initial printer state, then the
 * stream. Properties: the events are the same however the stream is cut
 * into pieces; their bytes, end to end, are the stream (nothing lost,
 * nothing decoded twice); each event holds sensible fields; each line fits
 * in SIM_LINE_MAX as decode.h promises; every status reply is one the
 * daemon accepts as a DLE EOT reply; a raster image's data events add up
 * to its header's x * y bytes (or the stream ends inside them), and the
 * paper roll they are printed on stays within its width and limit. */
#include "decode.h"
#include "drawer/escpos.h"
#include "roll.h"
#include "fuzz.h"

#define EVENTS_MAX 8192

static struct sim_event whole[EVENTS_MAX], pieces[EVENTS_MAX];

/* Decodes stream in pieces of `piece` bytes (0: whole), then flushes. */
static size_t decode(const uint8_t *stream, size_t len, size_t piece, struct sim_event *events)
{
	struct sim_decoder decoder;
	size_t count = 0;

	sim_decoder_init(&decoder);
	for (size_t start = 0; start < len;) {
		size_t n = piece == 0 || len - start < piece ? len - start : piece, off = 0, used;

		while (count < EVENTS_MAX &&
		       sim_decoder_feed(&decoder, stream + start + off, n - off, &used, &events[count])) {
			off += used;
			FUZZ_CHECK(off <= n, "used %zu of %zu", off, n);
			count++;
		}
		FUZZ_CHECK(count < EVENTS_MAX, "more than %d events", EVENTS_MAX);
		start += n;
	}
	if (sim_decoder_flush(&decoder, &events[count]))
		count++;
	FUZZ_CHECK(!sim_decoder_flush(&decoder, &events[count]), "a second flush gave an event");
	return count;
}

static int same_event(const struct sim_event *a, const struct sim_event *b)
{
	return a->kind == b->kind && a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0 &&
	       a->pin == b->pin && a->on_ms == b->on_ms && a->off_ms == b->off_ms &&
	       a->query == b->query && a->partial_cut == b->partial_cut &&
	       a->cut_feeds == b->cut_feeds && a->cut_feed == b->cut_feed &&
	       a->feed_lines == b->feed_lines && a->raster_mode == b->raster_mode &&
	       a->raster_width_bytes == b->raster_width_bytes &&
	       a->raster_rows == b->raster_rows && a->raster_bytes == b->raster_bytes &&
	       a->sets_pulse == b->sets_pulse && a->pulse_enabled == b->pulse_enabled &&
	       strcmp(a->error, b->error) == 0;
}

static void check_event(const struct sim_event *event)
{
	FUZZ_CHECK(event->kind <= SIM_EVENT_INCOMPLETE, "kind %d", (int)event->kind);
	/* only the end of an image's data can be an empty event (cut on a 64-byte boundary) */
	FUZZ_CHECK((event->len >= 1 || event->kind == SIM_EVENT_INCOMPLETE) &&
			   event->len <= SIM_TEXT_MAX,
		   "event of %zu bytes", event->len);
	FUZZ_CHECK(fuzz_terminated(event->error, sizeof event->error), "error not terminated");
	FUZZ_CHECK((event->kind == SIM_EVENT_INVALID || event->kind == SIM_EVENT_INCOMPLETE) ==
			   (event->error[0] != '\0'),
		   "kind %d with error '%s'", (int)event->kind, event->error);
	switch (event->kind) {
	case SIM_EVENT_TEXT:
		for (size_t i = 0; i < event->len; i++)
			FUZZ_CHECK(event->bytes[i] >= 0x20 && event->bytes[i] != 0x7F,
				   "text holds %02X", event->bytes[i]);
		break;
	case SIM_EVENT_KICK:
		FUZZ_CHECK(event->len == 5 && (event->pin == 2 || event->pin == 5) &&
				   event->on_ms == event->bytes[3] * 2u &&
				   event->off_ms == event->bytes[4] * 2u,
			   "kick pin %u on %u off %u", event->pin, event->on_ms, event->off_ms);
		break;
	case SIM_EVENT_REALTIME_KICK:
		FUZZ_CHECK(event->len == 5 && (event->pin == 2 || event->pin == 5) &&
				   event->on_ms >= 100 && event->on_ms <= 800 &&
				   event->on_ms == event->off_ms,
			   "realtime kick pin %u on %u", event->pin, event->on_ms);
		break;
	case SIM_EVENT_STATUS_QUERY:
		FUZZ_CHECK(event->len == 3 && event->query >= 1 && event->query <= 4, "query %u",
			   event->query);
		break;
	case SIM_EVENT_RASTER:
		FUZZ_CHECK(event->len == 8 && event->raster_bytes > 0 &&
				   event->raster_bytes == (uint64_t)event->raster_width_bytes *
								  event->raster_rows &&
				   event->raster_width_bytes == (event->bytes[4] | (unsigned)event->bytes[5] << 8) &&
				   event->raster_rows == (event->bytes[6] | (unsigned)event->bytes[7] << 8),
			   "raster %u x %u = %llu", event->raster_width_bytes, event->raster_rows,
			   (unsigned long long)event->raster_bytes);
		break;
	case SIM_EVENT_REALTIME_SWITCH:
		FUZZ_CHECK((event->len == 8 || event->len == 10) && event->bytes[5] == 20,
			   "GS ( D of %zu bytes", event->len);
		break;
	case SIM_EVENT_FEED_LINES:
		FUZZ_CHECK(event->len == 3 && event->feed_lines == event->bytes[2], "feed %u",
			   event->feed_lines);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_state state;
	struct sim_outcome outcome;
	struct escpos_status status;
	struct sim_roll roll;
	char line[2 * SIM_LINE_MAX];
	size_t count, again, len, offset = 0;
	uint64_t data_left = 0; /* of the last GS v 0 header's data */
	const uint8_t *stream;

	if (size < 2)
		return 0;
	stream = data + 2;
	len = size - 2;
	count = decode(stream, len, 0, whole);
	again = decode(stream, len, 1 + data[0] % 17, pieces);
	FUZZ_CHECK(again == count, "%zu events whole, %zu in pieces of %u", count, again,
		   1 + data[0] % 17);

	sim_state_init(&state);
	state.drawer_open = data[1] & 1;
	state.paper = (enum sim_paper)((data[1] >> 1) % 3);
	state.cover_open = data[1] & 8;
	state.offline_forced = data[1] & 16;
	state.error = data[1] & 32;
	state.open_level_high = data[1] & 64;
	state.kick_opens_drawer = data[1] & 128;
	sim_roll_init(&roll, 8 + data[0] * 8u);
	for (size_t i = 0; i < count; i++) {
		if (whole[i].kind == SIM_EVENT_RASTER_DATA) {
			FUZZ_CHECK(whole[i].len <= data_left, "%zu data bytes, %llu expected",
				   whole[i].len, (unsigned long long)data_left);
			data_left -= whole[i].len;
		} else {
			FUZZ_CHECK(data_left == 0 || whole[i].kind == SIM_EVENT_INCOMPLETE,
				   "kind %d while %llu image bytes are due", (int)whole[i].kind,
				   (unsigned long long)data_left);
			data_left = whole[i].raster_bytes;
			if (whole[i].kind == SIM_EVENT_INCOMPLETE)
				data_left = 0;
		}
		if (sim_roll_apply(&roll, &whole[i]))
			sim_roll_clear(&roll);
		FUZZ_CHECK(roll.rows <= SIM_ROLL_ROWS_MAX && roll.rows <= roll.capacity,
			   "roll of %u rows", roll.rows);
		FUZZ_CHECK(same_event(&whole[i], &pieces[i]), "event %zu differs when cut", i);
		check_event(&whole[i]);
		FUZZ_CHECK(offset + whole[i].len <= len &&
				   memcmp(whole[i].bytes, stream + offset, whole[i].len) == 0,
			   "event %zu's bytes are not the stream's at %zu", i, offset);
		offset += whole[i].len;

		sim_state_apply(&state, &whole[i], &outcome);
		FUZZ_CHECK(outcome.action <= SIM_ACTION_ANSWERED, "action %d", (int)outcome.action);
		FUZZ_CHECK((outcome.action == SIM_ACTION_ANSWERED) ==
				   (whole[i].kind == SIM_EVENT_STATUS_QUERY),
			   "answered %d a kind %d", outcome.action == SIM_ACTION_ANSWERED,
			   (int)whole[i].kind);
		if (outcome.action == SIM_ACTION_ANSWERED) {
			escpos_status_init(&status);
			FUZZ_CHECK(escpos_status_record(&status, whole[i].query, outcome.reply) == 0,
				   "the daemon refuses the reply %02X to DLE EOT %u", outcome.reply,
				   whole[i].query);
		}
		memset(line, 'x', sizeof line);
		line[sizeof line - 1] = '\0';
		sim_event_describe(&whole[i], &outcome, line, sizeof line);
		FUZZ_CHECK(strlen(line) < SIM_LINE_MAX, "a line of %zu bytes: %s", strlen(line), line);
		sim_state_describe(&state, line, sizeof line);
		FUZZ_CHECK(strlen(line) < SIM_LINE_MAX, "a state line of %zu bytes", strlen(line));
	}
	FUZZ_CHECK(offset == len, "events hold %zu of %zu bytes", offset, len);
	FUZZ_CHECK(data_left == 0, "the stream ended with %llu image bytes due and no INCOMPLETE",
		   (unsigned long long)data_left);
	sim_roll_free(&roll);
	return 0;
}
