/* escpos-sim: a TCP ESC/POS printer (Epson TM-T88V model) for development and
 * tests. Prints every command it decodes and answers DLE EOT like the printer. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "decode.h"

/* Connections wait in the kernel while one is served, like the one-client
 * Ethernet interface; a short queue would drop SYNs under load (a 1 s retry). */
#define SIM_LISTEN_BACKLOG 128

#define ADDRESS_MAX (NI_MAXHOST + NI_MAXSERV + 4)
#define CONTROL_LINE_MAX 256

struct sim {
	struct sim_state state;
	struct sim_decoder decoder;
	int listen_fd, client_fd, dump_fd;
	char peer[ADDRESS_MAX];
	unsigned long long client_bytes;
	int send_errno;       /* the client is gone: stop answering, read on to EOF */
	bool answers_dropped; /* warned that the client does not read its answers */
	bool stdin_open, wedged;
	char line[CONTROL_LINE_MAX];
	size_t line_len;
	bool line_too_long;
};

static volatile sig_atomic_t stop_signal, drawer_toggles;
static bool quiet; /* --quiet: only the listening line and errors */

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		drawer_toggles = drawer_toggles + 1;
	else
		stop_signal = sig;
}

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	fputs("escpos-sim: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

__attribute__((format(printf, 1, 2))) static void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("escpos-sim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static const char usage[] =
	"usage: escpos-sim [options]\n"
	"A TCP ESC/POS printer (Epson TM-T88V model) for development and tests: prints every\n"
	"command it receives and answers DLE EOT status queries. One client at a time.\n\n"
	"  --listen ADDR             address to listen on (default 127.0.0.1; IPv6 allowed)\n"
	"  --port N                  TCP port (default 9100; 0 = any free port)\n"
	"  --drawer open|closed      drawer at start (default closed)\n"
	"  --paper ok|near-end|out   paper sensor (default ok; out puts the printer offline)\n"
	"  --cover open|closed       printer cover (default closed; open is offline)\n"
	"  --offline                 start offline: ESC p is queued, DLE DC4 still pulses\n"
	"  --error                   start in error status (DLE DC4 is ignored)\n"
	"  --open-level high|low     pin 3 level reported for an open drawer (default high)\n"
	"  --no-kick-opens-drawer    a pulse leaves the drawer as it is\n"
	"  --wedged                  accept connections but never read nor answer\n"
	"  --dump FILE               append every byte received to FILE\n"
	"  --quiet                   print only the listening line and errors\n"
	"  --help                    this text\n";

static const char control_help[] =
	"commands: drawer open|closed, paper ok|near-end|out, cover open|closed, offline,\n"
	"online, error on|off, wedge, unwedge, state, help (SIGUSR1 toggles the drawer)\n";

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
static int open_listener(const char *addr, const char *port, char *bound, size_t boundlen,
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
	sim_event_describe(event, &outcome, line, sizeof(line));
	say("%s", line);
	if (outcome.action != SIM_ACTION_ANSWERED || sim->client_fd < 0 || sim->send_errno)
		return;
	do
		n = send(sim->client_fd, &outcome.reply, 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		return;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		/* Non-blocking: a client that never reads its answers cannot stall us. */
		if (!sim->answers_dropped)
			warn("client %s does not read its answers: dropping them", sim->peer);
		sim->answers_dropped = true;
	} else {
		/* Still decode what it sent: a printer executes its buffer whoever left. */
		sim->send_errno = n < 0 ? errno : EIO;
		warn("client %s: answer %02X not sent: %s; no more answers to it", sim->peer,
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
			warn("--dump: write failed: %s; dump stopped", strerror(errno));
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
	say("client %s disconnected (%llu bytes received%s%s)", sim->peer, sim->client_bytes,
	    reason ? "; " : "", reason ? reason : "");
}

static void accept_client(struct sim *sim)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = accept4(sim->listen_fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0) {
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
			warn("accept: %s", strerror(errno));
		return;
	}
	sim->client_fd = fd;
	sim->client_bytes = 0;
	sim->send_errno = 0;
	sim->answers_dropped = false;
	sim_decoder_init(&sim->decoder);
	format_address((struct sockaddr *)&ss, len, sim->peer, sizeof(sim->peer));
	say("client %s connected%s", sim->peer, sim->wedged ? " (wedged: not reading)" : "");
}

static void serve_client(struct sim *sim)
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

static void run_control(struct sim *sim, char *line)
{
	char *save = NULL, *name = strtok_r(line, " \t\r", &save);
	char *value = name ? strtok_r(NULL, " \t\r", &save) : NULL;
	char err[256], state[SIM_LINE_MAX];

	if (!name)
		return;
	if (strtok_r(NULL, " \t\r", &save)) {
		warn("'%s': too many words (type help)", name);
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
		warn("%s (type help)", err);
		return;
	}
	sim_state_describe(&sim->state, state, sizeof(state));
	printf("escpos-sim: state: %s%s\n", state, sim->wedged ? "; wedged" : "");
}

static void read_control(struct sim *sim)
{
	char buf[512];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) { /* EOF (e.g. </dev/null) or error: run on without control */
		if (n < 0)
			warn("stdin: %s; control commands off (SIGUSR1 still toggles the drawer)",
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
			warn("control line too long, ignored (type help)");
		else
			run_control(sim, sim->line);
		sim->line_len = 0;
		sim->line_too_long = false;
	}
}

static int parse_args(int argc, char **argv, struct sim *sim, const char **addr,
		      const char **port, const char **dump)
{
	static const struct option options[] = {
		{"listen", required_argument, NULL, 'l'}, {"port", required_argument, NULL, 'p'},
		{"dump", required_argument, NULL, 'd'},   {"wedged", no_argument, NULL, 'w'},
		{"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
		{"drawer", required_argument, NULL, 's'}, {"paper", required_argument, NULL, 's'},
		{"cover", required_argument, NULL, 's'},  {"open-level", required_argument, NULL, 's'},
		{"offline", no_argument, NULL, 'o'},      {"error", no_argument, NULL, 'e'},
		{"no-kick-opens-drawer", no_argument, NULL, 'n'},
		{"kick-opens-drawer", no_argument, NULL, 'k'}, {NULL, 0, NULL, 0}};
	char err[256], *end;
	int opt, index, rc = 0;

	while ((opt = getopt_long(argc, argv, "", options, &index)) != -1) {
		switch (opt) {
		case 'l': *addr = optarg; break;
		case 'p':
			errno = 0;
			if (strtoul(optarg, &end, 10) > 65535 || errno || *end || !*optarg) {
				warn("--port %s: not a port number 0..65535", optarg);
				return -1;
			}
			*port = optarg;
			break;
		case 'd': *dump = optarg; break;
		case 'w': sim->wedged = true; break;
		case 'q': quiet = true; break;
		case 'h': fputs(usage, stdout); return 1;
		case 's': rc = sim_state_set(&sim->state, options[index].name, optarg, err, sizeof(err)); break;
		case 'o': rc = sim_state_set(&sim->state, "offline", NULL, err, sizeof(err)); break;
		case 'e': rc = sim_state_set(&sim->state, "error", "on", err, sizeof(err)); break;
		case 'n':
		case 'k':
			rc = sim_state_set(&sim->state, "kick-opens-drawer", opt == 'k' ? "on" : "off",
					   err, sizeof(err));
			break;
		default: fputs(usage, stderr); return -1;
		}
		if (rc < 0) {
			warn("--%s", err);
			return -1;
		}
	}
	if (optind < argc) {
		warn("unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sim sim = {.listen_fd = -1, .client_fd = -1, .dump_fd = -1, .stdin_open = true};
	const char *addr = "127.0.0.1", *port = "9100", *dump = NULL;
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t blocked, waiting;
	char bound[ADDRESS_MAX], err[512];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fcntl(STDIN_FILENO, F_GETFD) < 0) /* started with stdin closed: fd 0 may be a socket */
		sim.stdin_open = false;
	sim_state_init(&sim.state);
	rc = parse_args(argc, argv, &sim, &addr, &port, &dump);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (dump) {
		sim.dump_fd = open(dump, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (sim.dump_fd < 0) {
			warn("--dump %s: %s (is the folder there and writable?)", dump, strerror(errno));
			return 1;
		}
	}
	/* Signals are delivered only inside ppoll, so the flags are never missed. */
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGUSR1);
	sigprocmask(SIG_BLOCK, &blocked, &waiting);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGTERM);
	sigdelset(&waiting, SIGUSR1);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTTIN, SIG_IGN); /* run with & from a shell: reading stdin fails, not stops us */

	sim.listen_fd = open_listener(addr, port, bound, sizeof(bound), err, sizeof(err));
	if (sim.listen_fd < 0) {
		warn("%s", err);
		rc = 1;
		goto out;
	}
	printf("escpos-sim: listening on %s\n", bound);
	fflush(stdout);

	while (!stop_signal) {
		struct pollfd fds[2];
		nfds_t n = 0;
		int network = -1;

		if (sim.stdin_open)
			fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		if (sim.client_fd < 0 || !sim.wedged) {
			network = (int)n;
			fds[n++] = (struct pollfd){.fd = sim.client_fd < 0 ? sim.listen_fd : sim.client_fd,
						   .events = POLLIN};
		}
		int ready = ppoll(fds, n, NULL, &waiting);
		for (; drawer_toggles > 0; drawer_toggles = drawer_toggles - 1) {
			sim.state.drawer_open = !sim.state.drawer_open;
			say("SIGUSR1: drawer %s", sim.state.drawer_open ? "open" : "closed");
		}
		if (ready < 0 && errno != EINTR) {
			warn("poll: %s", strerror(errno));
			rc = 1;
			goto out;
		}
		if (ready <= 0)
			continue;
		if (sim.stdin_open && fds[0].revents)
			read_control(&sim);
		if (network >= 0 && fds[network].revents && sim.client_fd < 0)
			accept_client(&sim);
		else if (network >= 0 && fds[network].revents && !sim.wedged)
			serve_client(&sim);
	}
	say("exiting on %s", stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
out:
	if (sim.client_fd >= 0)
		close(sim.client_fd);
	if (sim.listen_fd >= 0)
		close(sim.listen_fd);
	if (sim.dump_fd >= 0)
		close(sim.dump_fd);
	return rc;
}
