/* --check-config beyond the settings: the log folder and the listening
 * addresses, as the start would find them. */
#include "startup_check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/listener.h"
#include "log/rotlog.h"

static void add_problem(char *diag, size_t diagsize, const char *text)
{
	size_t used = strlen(diag);

	if (used + 1 < diagsize)
		snprintf(diag + used, diagsize - used, "%s\n", text);
}

/* As http_server_start opens them: each bound address (or the wildcard,
 * else 0.0.0.0 where IPv6 is off), all held until the last. */
static int check_listeners(const struct config *config, char *diag, size_t diagsize)
{
	int fds[CONFIG_LIST_MAX], problems = 0;
	size_t wanted = config->bind_count > 0 ? config->bind_count : 1, opened = 0;
	char err[512], desc[128];
	unsigned port;

	for (size_t i = 0; i < wanted; i++) {
		const char *address = config->bind_count > 0 ? config->bind[i] : NULL;
		int rc = http_listener_open_setting(address, config->port, &fds[opened], &port, desc,
						    sizeof desc, err, sizeof err);

		if (rc == 0)
			opened++;
		if (rc < 0) {
			add_problem(diag, diagsize, err);
			problems++;
			break; /* the start stops at the first */
		}
	}
	while (opened > 0)
		close(fds[--opened]);
	return problems;
}

int startup_check(const struct config *config, char *diag, size_t diagsize)
{
	char err[1024];
	int problems = 0;

	if (rotlog_check_dir(config->log_dir, err, sizeof err) < 0) {
		add_problem(diag, diagsize, err);
		problems++;
	}
	return problems + check_listeners(config, diag, diagsize);
}
