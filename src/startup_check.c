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

#include "log/rotlog.h"

static void add_problem(char *diag, size_t diagsize, const char *text)
{
	size_t used = strlen(diag);

	if (used + 1 < diagsize)
		snprintf(diag + used, diagsize - used, "%s\n", text);
}

/* Binds a socket as http_server_start's listener on address (NULL: every
 * interface, IPv4 mapped) and port: SO_REUSEADDR, IPV6_V6ONLY for an
 * explicit address, and listen(), since a listening socket is what a second
 * one on the same port conflicts with. *fd is left open for the caller to
 * close once every address is bound, as the start holds them all. */
static int try_listen(const char *address, unsigned port, int *fd, char *err, size_t errlen)
{
	struct sockaddr_storage storage = {0};
	struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
	socklen_t len = sizeof *v6;
	int one = 1, v6only = 1, rc = 0;

	*fd = -1;
	if (address == NULL) {
		v6->sin6_family = AF_INET6;
		v6->sin6_addr = in6addr_any;
		v6only = 0;
	} else if (config_parse_address(address, &storage, &len) < 0) {
		return -EINVAL; /* refused with the settings already */
	}
	if (storage.ss_family == AF_INET)
		v4->sin_port = htons((uint16_t)port);
	else
		v6->sin6_port = htons((uint16_t)port);
	*fd = socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0) {
		rc = -errno;
		goto out;
	}
	setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (storage.ss_family == AF_INET6)
		setsockopt(*fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
	if (bind(*fd, (struct sockaddr *)&storage, len) < 0 || listen(*fd, 1) < 0)
		rc = -errno;
out:
	if (rc == 0 || (address == NULL && rc == -EAFNOSUPPORT))
		return rc; /* no IPv6 here: the start falls back to IPv4, quietly */
	/* worded as src/http/server.c's open_listener words it */
	snprintf(err, errlen, "cannot listen on %s port %u: %s%s", address != NULL ? address : "[::]",
		 port, strerror(-rc),
		 rc == -EADDRINUSE ? " (is another cashdrawerd or the old Python service running? "
				     "stop it or set another port)"
		 : rc == -EACCES ? " (ports below 1024 need privileges)"
		 : rc == -EADDRNOTAVAIL ? " (this machine has no such address)"
					: "");
	return rc;
}

/* As http_server_start opens them: each bound address (or the wildcard,
 * else 0.0.0.0 where IPv6 is off), all held until the last. */
static int check_listeners(const struct config *config, char *diag, size_t diagsize)
{
	int fds[CONFIG_LIST_MAX + 1], problems = 0;
	size_t wanted = config->bind_count > 0 ? config->bind_count : 1, opened = 0;
	char err[512];

	for (size_t i = 0; i < wanted; i++) {
		const char *address = config->bind_count > 0 ? config->bind[i] : NULL;
		int rc = try_listen(address, config->port, &fds[opened], err, sizeof err);

		if (fds[opened] >= 0)
			opened++;
		if (rc == -EAFNOSUPPORT && address == NULL) {
			rc = try_listen("0.0.0.0", config->port, &fds[opened], err, sizeof err);
			if (fds[opened] >= 0)
				opened++;
		}
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
