/* escpos-sim core: stdin control lines cut from the byte stream, and each
 * command run on the printer model. No I/O. */
#include "control_line.h"

#include <stdio.h>
#include <string.h>

static const char control_help[] =
	"commands: drawer open|closed, paper ok|near-end|out, cover open|closed, offline,\n"
	"online, error on|off, wedge, unwedge, state, help (SIGUSR1 toggles the drawer)\n";

int sim_control_feed(struct sim_control_reader *reader, const char *data, size_t len,
		     size_t *used)
{
	if (reader->complete) {
		reader->len = 0;
		reader->too_long = false;
		reader->complete = false;
	}
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			reader->line[reader->len] = '\0';
			reader->complete = true;
			*used = i + 1;
			return 1;
		}
		if (reader->len + 1 < sizeof reader->line)
			reader->line[reader->len++] = data[i];
		else
			reader->too_long = true;
	}
	*used = len;
	return 0;
}

enum sim_control_result sim_control_run(struct sim_state *state, bool *wedged, char *line,
					char *reply, size_t replylen)
{
	char *save = NULL, *name = strtok_r(line, " \t\r", &save);
	char *value = name ? strtok_r(NULL, " \t\r", &save) : NULL;
	char described[SIM_LINE_MAX];

	if (replylen > 0)
		reply[0] = '\0';
	if (!name)
		return SIM_CONTROL_EMPTY;
	if (strtok_r(NULL, " \t\r", &save)) {
		snprintf(reply, replylen, "'%s': too many words", name);
		return SIM_CONTROL_REFUSED;
	}
	if (strcmp(name, "help") == 0) {
		snprintf(reply, replylen, "%s", control_help);
		return SIM_CONTROL_HELP;
	}
	if (strcmp(name, "wedge") == 0 || strcmp(name, "unwedge") == 0)
		*wedged = name[0] == 'w';
	else if (strcmp(name, "state") != 0 &&
		 sim_state_set(state, name, value, reply, replylen) < 0)
		return SIM_CONTROL_REFUSED;
	sim_state_describe(state, described, sizeof described);
	snprintf(reply, replylen, "%s%s", described, *wedged ? "; wedged" : "");
	return SIM_CONTROL_STATE;
}
