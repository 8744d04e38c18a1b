/* escpos-sim's stdin control commands: read from stdin, one per line (drawer
 * open, paper out, wedge, state, help...), run at once by control_line.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

/* One whole line: what it did, on stdout, or why not, on stderr. */
static void run_line(struct sim *sim)
{
	char reply[SIM_LINE_MAX + 16];

	if (sim->control.too_long) {
		sim_warn("control line too long, ignored (type help)");
		return;
	}
	switch (sim_control_run(&sim->state, &sim->wedged, sim->control.line, reply, sizeof reply)) {
	case SIM_CONTROL_EMPTY:
		break;
	case SIM_CONTROL_HELP:
		fputs(reply, stdout);
		break;
	case SIM_CONTROL_STATE:
		printf("escpos-sim: state: %s\n", reply);
		break;
	case SIM_CONTROL_REFUSED:
		sim_warn("%s (type help)", reply);
		break;
	}
}

void control_read(struct sim *sim)
{
	char buf[512];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
	size_t done = 0, used;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) { /* EOF (e.g. </dev/null) or error: run on without control */
		if (n < 0)
			sim_warn("stdin: %s; control commands off (SIGUSR1 still toggles the drawer)",
				 errno == EIO ? "not the foreground job" : strerror(errno));
		sim->stdin_open = false;
		n = 0;
		buf[n++] = '\n'; /* ends a line typed without its newline */
	}
	while (sim_control_feed(&sim->control, buf + done, (size_t)n - done, &used)) {
		done += used;
		run_line(sim);
	}
}
