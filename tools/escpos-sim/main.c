/* escpos-sim, a TCP ESC/POS printer (Epson TM-T88V model) for development and tests:
 * command line, signals and the poll loop (serve.c serves the client, control.c stdin;
 * serve_tty.c makes a serial line the client). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

static volatile sig_atomic_t stop_signal, drawer_toggles;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		drawer_toggles = drawer_toggles + 1;
	else
		stop_signal = sig;
}

static const char usage[] =
	"usage: escpos-sim [options]\n"
	"A TCP (or, with --device, serial) ESC/POS printer (Epson TM-T88V model) for development\n"
	"and tests: prints every command it receives and answers DLE EOT status queries. One\n"
	"client at a time.\n\n"
	"  --listen ADDR             address to listen on (default 127.0.0.1; IPv6 allowed)\n"
	"  --port N                  TCP port (default 9100; 0 = any free port)\n"
	"  --device PATH             be a serial printer on the tty PATH instead of TCP\n"
	"                            (alias --serial; a pty end from socat, /dev/ttyUSB0)\n"
	"  --baud N                  the line's speed with --device (default 9600; 8N1)\n"
	"  --drawer open|closed      drawer at start (default closed)\n"
	"  --paper ok|near-end|out   paper sensor (default ok; out puts the printer offline)\n"
	"  --cover open|closed       printer cover (default closed; open is offline)\n"
	"  --offline                 start offline: ESC p is queued, DLE DC4 still pulses\n"
	"  --error                   start in error status (DLE DC4 is ignored)\n"
	"  --open-level high|low     pin 3 level reported for an open drawer (default high)\n"
	"  --no-kick-opens-drawer    a pulse leaves the drawer as it is\n"
	"  --wedged                  accept connections but never read nor answer\n"
	"  --dump FILE               append every byte received to FILE\n"
	"  --receipts DIR            write what is printed (GS v 0 raster images) as\n"
	"                            DIR/receipt-0001.png, -0002... at each cut (GS V)\n"
	"  --paper-dots N            the paper's width in dots (default 512, TM-T88V on 80 mm)\n"
	"  --quiet                   print only the listening line and errors\n"
	"  --help                    this text\n";

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
		{"kick-opens-drawer", no_argument, NULL, 'k'},
		{"device", required_argument, NULL, 'D'}, {"serial", required_argument, NULL, 'D'},
		{"baud", required_argument, NULL, 'b'},   {"receipts", required_argument, NULL, 'r'},
		{"paper-dots", required_argument, NULL, 'W'}, {NULL, 0, NULL, 0}};
	char err[256], *end;
	int opt, index, rc = 0;

	while ((opt = getopt_long(argc, argv, "", options, &index)) != -1) {
		switch (opt) {
		case 'l': *addr = optarg; break;
		case 'p':
			errno = 0;
			if (strtoul(optarg, &end, 10) > 65535 || errno || *end || !*optarg) {
				sim_warn("--port %s: not a port number 0..65535", optarg);
				return -1;
			}
			*port = optarg;
			break;
		case 'd': *dump = optarg; break;
		case 'D': sim->device = optarg; break;
		case 'b':
			if (serve_tty_parse_baud(optarg, &sim->baud) < 0) {
				sim_warn("--baud %s: not one of 1200, 2400, 4800, 9600, 19200, 38400, "
					 "57600, 115200, 230400", optarg);
				return -1;
			}
			break;
		case 'r': sim->receipts_dir = optarg; break;
		case 'W':
			errno = 0;
			sim->roll.dots = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || sim->roll.dots < 8 || sim->roll.dots > SIM_ROLL_DOTS_MAX) {
				sim_warn("--paper-dots %s: not a width of 8..%d dots", optarg,
					 SIM_ROLL_DOTS_MAX);
				return -1;
			}
			break;
		case 'w': sim->wedged = true; break;
		case 'q': sim_say_quietly(true); break;
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
			sim_warn("--%s", err);
			return -1;
		}
	}
	if (optind < argc) {
		sim_warn("unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sim sim = {.listen_fd = -1, .client_fd = -1, .dump_fd = -1, .stdin_open = true,
			  .baud = 9600, .roll = {.dots = 512}};
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
	if (sim.receipts_dir) {
		struct stat st;

		if (stat(sim.receipts_dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
		    access(sim.receipts_dir, W_OK) != 0) {
			sim_warn("--receipts %s: not a writable folder (create it first)",
				 sim.receipts_dir);
			return 1;
		}
		sim_roll_init(&sim.roll, sim.roll.dots);
		sim.receipt_number = png_next_number(sim.receipts_dir);
	}
	if (dump) {
		sim.dump_fd = open(dump, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (sim.dump_fd < 0) {
			sim_warn("--dump %s: %s (is the folder there and writable?)", dump, strerror(errno));
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

	if (sim.device != NULL) {
		if (serve_tty_open(&sim, err, sizeof(err)) < 0) {
			sim_warn("%s", err);
			rc = 1;
			goto out;
		}
		printf("escpos-sim: serving the serial line %s at %u baud\n", sim.device, sim.baud);
		fflush(stdout);
	} else {
		sim.listen_fd = serve_open_listener(addr, port, bound, sizeof(bound), err, sizeof(err));
		if (sim.listen_fd < 0) {
			sim_warn("%s", err);
			rc = 1;
			goto out;
		}
		printf("escpos-sim: listening on %s\n", bound);
		fflush(stdout);
	}
	if (sim.receipts_dir) {
		printf("escpos-sim: receipts go to %s (receipt-%04u.png next)\n", sim.receipts_dir,
		       sim.receipt_number);
		fflush(stdout);
	}

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
		/* a serial line that went away is looked for again four times a second */
		const struct timespec retry = {.tv_sec = 0, .tv_nsec = 250000000};
		bool line_gone = sim.device != NULL && sim.client_fd < 0;
		int ready = ppoll(fds, n, line_gone ? &retry : NULL, &waiting);
		for (; drawer_toggles > 0; drawer_toggles = drawer_toggles - 1) {
			sim.state.drawer_open = !sim.state.drawer_open;
			sim_say("SIGUSR1: drawer %s", sim.state.drawer_open ? "open" : "closed");
		}
		if (ready < 0 && errno != EINTR) {
			sim_warn("poll: %s", strerror(errno));
			rc = 1;
			goto out;
		}
		if (line_gone)
			serve_tty_reopen(&sim);
		if (ready <= 0)
			continue;
		if (sim.stdin_open && fds[0].revents)
			control_read(&sim);
		if (network >= 0 && fds[network].revents && sim.client_fd < 0)
			serve_accept_client(&sim);
		else if (network >= 0 && fds[network].revents && !sim.wedged)
			serve_client(&sim);
	}
	sim_say("exiting on %s", stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
out:
	if (sim.client_fd >= 0)
		close(sim.client_fd);
	if (sim.listen_fd >= 0)
		close(sim.listen_fd);
	if (sim.dump_fd >= 0)
		close(sim.dump_fd);
	sim_roll_free(&sim.roll);
	return rc;
}
