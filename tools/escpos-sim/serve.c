/* escpos-sim's network side: listens, accepts one client at a time, decodes what it
 * sends, answers DLE EOT status queries and dumps the bytes received. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim.h"

/* Connections wait in the kernel while one is served, like the one-client
 * Ethernet interface; a short queue would drop SYNs under load (a 1 s retry). */
#define SIM_LISTEN_BACKLOG 128

static void format_address(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];

	if (getnameinfo(sa, len, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(buf, buflen, "(unknown address)");
	else if (sa->sa_family == AF_INET6)
		snprintf(buf, buflen, "[%s]:%s", host, port);
	else
		snprintf(buf, buflen, "%s:%s", host, port);
}

/* Returns the listening socket, or -1 with the reason in err. */
int serve_open_listener(const char *addr, const char *port, char *bound, size_t boundlen,
			char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	int fd = -1, one = 1, rc;

	rc = getaddrinfo(addr, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "--listen %s: %s (use an address such as 127.0.0.1 or ::1)",
			 addr, gai_strerror(rc));
		goto out;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, SIM_LISTEN_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot listen on %s port %s: %s%s", addr, port, strerror(e),
			 e == EADDRINUSE ? " (another printer or simulator? --port 0 picks a free one)"
			 : e == EADDRNOTAVAIL ? " (not an address of this machine: try 127.0.0.1)"
			 : e == EACCES ? " (ports below 1024 need root: try --port 9100)" : "");
		if (fd >= 0)
			close(fd);
		fd = -1;
		goto out;
	}
	format_address((struct sockaddr *)&ss, sslen, bound, boundlen);
out:
	if (res)
		freeaddrinfo(res);
	return fd;
}

static void handle_event(struct sim *sim, const struct sim_event *event)
{
	struct sim_outcome outcome;
	char line[SIM_LINE_MAX];
	ssize_t n;

	sim_state_apply(&sim->state, event, &outcome);
	if (sim->receipts_dir != NULL && outcome.action == SIM_ACTION_DONE &&
	    sim_roll_apply(&sim->roll, event))
		png_write_receipt(sim);
	/* an image's data would be thousands of lines: its header says enough */
	if (event->kind == SIM_EVENT_RASTER_DATA)
		return;
	sim_event_describe(event, &outcome, line, sizeof(line));
	sim_say("%s", line);
	if (outcome.action != SIM_ACTION_ANSWERED || sim->client_fd < 0 || sim->send_errno)
		return;
	/* write, not send: the client may be a serial line (serve_tty.c); SIGPIPE is ignored. */
	do
		n = write(sim->client_fd, &outcome.reply, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		return;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		/* Non-blocking: a client that never reads its answers cannot stall us. */
		if (!sim->answers_dropped)
			sim_warn("client %s does not read its answers: dropping them", sim->peer);
		sim->answers_dropped = true;
	} else {
		/* Still decode what it sent: a printer executes its buffer whoever left. */
		sim->send_errno = n < 0 ? errno : EIO;
		sim_warn("client %s: answer %02X not sent: %s; no more answers to it", sim->peer,
			 outcome.reply, strerror(sim->send_errno));
	}
}

static void decode_bytes(struct sim *sim, const uint8_t *buf, size_t len)
{
	struct sim_event event;
	size_t off = 0, used;

	while (sim_decoder_feed(&sim->decoder, buf + off, len - off, &used, &event)) {
		off += used;
		handle_event(sim, &event);
	}
}

static void dump_bytes(struct sim *sim, const uint8_t *buf, size_t len)
{
	while (sim->dump_fd >= 0 && len > 0) {
		ssize_t n = write(sim->dump_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sim_warn("--dump: write failed: %s; dump stopped", strerror(errno));
			close(sim->dump_fd);
			sim->dump_fd = -1;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void close_client(struct sim *sim, const char *reason)
{
	struct sim_event event;

	if (sim_decoder_flush(&sim->decoder, &event))
		handle_event(sim, &event);
	close(sim->client_fd);
	sim->client_fd = -1;
	sim_say("client %s disconnected (%llu bytes received%s%s)", sim->peer, sim->client_bytes,
		reason ? "; " : "", reason ? reason : "");
}

void serve_accept_client(struct sim *sim)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = accept4(sim->listen_fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0) {
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
			sim_warn("accept: %s", strerror(errno));
		return;
	}
	sim->client_fd = fd;
	sim->client_bytes = 0;
	sim->send_errno = 0;
	sim->answers_dropped = false;
	sim_decoder_init(&sim->decoder);
	format_address((struct sockaddr *)&ss, len, sim->peer, sizeof(sim->peer));
	sim_say("client %s connected%s", sim->peer, sim->wedged ? " (wedged: not reading)" : "");
}

void serve_client(struct sim *sim)
{
	uint8_t buf[4096];
	ssize_t n = read(sim->client_fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close_client(sim, n < 0 ? strerror(errno) : NULL);
		return;
	}
	sim->client_bytes += (size_t)n;
	dump_bytes(sim, buf, (size_t)n);
	decode_bytes(sim, buf, (size_t)n);
}
