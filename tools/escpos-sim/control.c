/* escpos-sim's stdin control commands: one per line (drawer open, paper out,
 * wedge, state, help...), applied to the printer model at once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static const char control_help[] =
	"commands: drawer open|closed, paper ok|near-end|out, cover open|closed, offline,\n"
	"online, error on|off, wedge, unwedge, state, help (SIGUSR1 toggles the drawer)\n";

static void run_control(struct sim *sim, char *line)
{
	char *save = NULL, *name = strtok_r(line, " \t\r", &save);
	char *value = name ? strtok_r(NULL, " \t\r", &save) : NULL;
	char err[256], state[SIM_LINE_MAX];

	if (!name)
		return;
	if (strtok_r(NULL, " \t\r", &save)) {
		sim_warn("'%s': too many words (type help)", name);
		return;
	}
	if (strcmp(name, "help") == 0) {
		fputs(control_help, stdout);
		return;
	}
	if (strcmp(name, "wedge") == 0 || strcmp(name, "unwedge") == 0)
		sim->wedged = name[0] == 'w';
	else if (strcmp(name, "state") != 0 &&
		 sim_state_set(&sim->state, name, value, err, sizeof(err)) < 0) {
		sim_warn("%s (type help)", err);
		return;
	}
	sim_state_describe(&sim->state, state, sizeof(state));
	printf("escpos-sim: state: %s%s\n", state, sim->wedged ? "; wedged" : "");
}

void control_read(struct sim *sim)
{
	char buf[512];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) { /* EOF (e.g. </dev/null) or error: run on without control */
		if (n < 0)
			sim_warn("stdin: %s; control commands off (SIGUSR1 still toggles the drawer)",
				 errno == EIO ? "not the foreground job" : strerror(errno));
		sim->stdin_open = false;
		n = 0;
		buf[n++] = '\n';
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (sim->line_len + 1 < sizeof(sim->line))
				sim->line[sim->line_len++] = buf[i];
			else
				sim->line_too_long = true;
			continue;
		}
		sim->line[sim->line_len] = '\0';
		if (sim->line_too_long)
			sim_warn("control line too long, ignored (type help)");
		else
			run_control(sim, sim->line);
		sim->line_len = 0;
		sim->line_too_long = false;
	}
}
