/* Fuzzes the simulator's stdin control commands (sim_control_feed, then
 * sim_control_run on the printer model). Input: a byte choosing the piece
 * size, then what is typed. Properties: the lines are the same however the
 * input is cut; a line is never longer than its buffer and a longer one is
 * flagged; a refused command changes nothing; a command that succeeds
 * leaves a valid state, answers the state's own line, and run again
 * changes nothing more. */
#include "control_line.h"
#include "fuzz.h"

#define LINES_MAX 4096

static struct {
	char text[SIM_CONTROL_LINE_MAX];
	int too_long;
} lines[LINES_MAX];

static void check_state(const struct sim_state *state)
{
	const bool *flags[] = {&state->drawer_open, &state->cover_open, &state->offline_forced,
			       &state->error, &state->open_level_high, &state->kick_opens_drawer};

	FUZZ_CHECK(state->paper <= SIM_PAPER_OUT, "paper %d", (int)state->paper);
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		unsigned char byte;

		memcpy(&byte, flags[i], 1);
		FUZZ_CHECK(byte <= 1, "flag %zu holds %u", i, byte);
	}
}

static int same_state(const struct sim_state *a, const struct sim_state *b)
{
	return a->drawer_open == b->drawer_open && a->paper == b->paper &&
	       a->cover_open == b->cover_open && a->offline_forced == b->offline_forced &&
	       a->error == b->error && a->open_level_high == b->open_level_high &&
	       a->kick_opens_drawer == b->kick_opens_drawer;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_control_reader reader;
	struct sim_state state, before;
	bool wedged = false, wedged_before;
	char copy[SIM_CONTROL_LINE_MAX], reply[SIM_LINE_MAX + 16], described[SIM_LINE_MAX + 16];
	const char *typed;
	size_t count = 0, piece, used, line_start = 0;

	if (size < 1)
		return 0;
	piece = 1 + data[0] % 13;
	typed = (const char *)data + 1;
	size--;

	/* whole: each line with its length in the input */
	memset(&reader, 0, sizeof reader);
	for (size_t off = 0; count < LINES_MAX && sim_control_feed(&reader, typed + off, size - off, &used);
	     off += used) {
		size_t typed_len = off + used - 1 - line_start;

		FUZZ_CHECK(fuzz_terminated(reader.line, sizeof reader.line), "line not terminated");
		FUZZ_CHECK(reader.too_long == (typed_len >= SIM_CONTROL_LINE_MAX),
			   "a line of %zu bytes, too long: %d", typed_len, reader.too_long);
		FUZZ_CHECK(reader.too_long || memcmp(reader.line, typed + line_start, typed_len) == 0,
			   "the line is not what was typed");
		memcpy(lines[count].text, reader.line, sizeof reader.line);
		lines[count++].too_long = reader.too_long;
		line_start = off + used;
	}

	/* in pieces: the same lines, each run */
	memset(&reader, 0, sizeof reader);
	sim_state_init(&state);
	for (size_t start = 0, seen = 0; start < size && seen < count; start += piece) {
		size_t n = size - start < piece ? size - start : piece;

		for (size_t off = 0; seen < count && sim_control_feed(&reader, typed + start + off, n - off, &used);
		     off += used) {
			enum sim_control_result result;

			FUZZ_CHECK(strcmp(reader.line, lines[seen].text) == 0 &&
					   reader.too_long == lines[seen].too_long,
				   "line %zu differs when cut", seen);
			seen++;
			if (reader.too_long)
				continue;
			before = state;
			wedged_before = wedged;
			memcpy(copy, reader.line, sizeof copy);
			result = sim_control_run(&state, &wedged, reader.line, reply, sizeof reply);
			FUZZ_CHECK(result <= SIM_CONTROL_REFUSED, "result %d", (int)result);
			FUZZ_CHECK(fuzz_terminated(reply, sizeof reply), "reply not terminated");
			check_state(&state);
			if (result != SIM_CONTROL_STATE) {
				FUZZ_CHECK(same_state(&before, &state) &&
						   wedged == wedged_before,
					   "'%s' (result %d) changed the state", copy, (int)result);
				FUZZ_CHECK((result == SIM_CONTROL_EMPTY) == (reply[0] == '\0'),
					   "'%s': result %d, reply '%s'", copy, (int)result, reply);
				continue;
			}
			sim_state_describe(&state, described, sizeof described);
			FUZZ_CHECK(strncmp(reply, described, strlen(described)) == 0,
				   "'%s' answered '%s'", copy, reply);
			before = state;
			wedged_before = wedged;
			FUZZ_CHECK(sim_control_run(&state, &wedged, copy, reply, sizeof reply) ==
					   SIM_CONTROL_STATE &&
					   same_state(&before, &state) &&
					   wedged == wedged_before,
				   "'%s' run twice changes the state again", copy);
		}
	}
	return 0;
}
