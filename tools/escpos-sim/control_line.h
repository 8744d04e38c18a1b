/* escpos-sim core (pure, no I/O): the control commands typed on stdin, cut
 * into lines from the byte stream and run on the printer model. */
#ifndef ESCPOS_SIM_CONTROL_LINE_H
#define ESCPOS_SIM_CONTROL_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "decode.h"

#define SIM_CONTROL_LINE_MAX 256

/* Holds the line being typed between reads. Zero-initialise before use. */
struct sim_control_reader {
	char line[SIM_CONTROL_LINE_MAX];
	size_t len;
	bool too_long; /* the line had more than SIM_CONTROL_LINE_MAX - 1 bytes: ignore it */
	bool complete; /* line holds a whole line; the next feed starts a new one */
};

/* Takes data[0..len) up to the first '\n'. Returns 1 with reader->line a
 * whole line (NUL-terminated, without its '\n') and *used the bytes
 * consumed, or 0 with *used == len when the line goes on. */
int sim_control_feed(struct sim_control_reader *reader, const char *data, size_t len,
		     size_t *used);

enum sim_control_result {
	SIM_CONTROL_EMPTY,   /* a blank line: nothing to say */
	SIM_CONTROL_HELP,    /* reply: the list of commands (lines ending in '\n') */
	SIM_CONTROL_STATE,   /* done (or "state"): reply is the state line */
	SIM_CONTROL_REFUSED, /* nothing changed: reply says why */
};

/* Runs one command line (drawer open, paper out, offline, wedge, state,
 * help...) on state and *wedged. line is cut into words in place. reply
 * (NUL-terminated, cut to replylen) says what happened. */
enum sim_control_result sim_control_run(struct sim_state *state, bool *wedged, char *line,
					char *reply, size_t replylen);

#endif
