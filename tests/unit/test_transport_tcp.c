/* The tcp transport against a printer played by the test on the loopback:
 * a printer that closes or resets the connection, before or after taking
 * the kick, is TRANSPORT_ERR_CONNECTION_LOST wherever the transport meets
 * it (write, read, confirm); confirm waits for the printer's TCP stack to
 * acknowledge every byte, bounded by the deadline, and what was never taken
 * is dropped at close rather than sent later. Each fault is made to
 * have happened (the FIN or RST seen on the socket) before the call. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "settings/printer_uri.h"
#include "transport/transport.h"

static const uint8_t kick[] = {0x1B, 0x70, 0x00, 0x19, 0xFA};

#define LOST                                                                                \
	"a fermé ou réinitialisé la connexion (redémarre-t-elle, ou est-elle occupée par un "  \
	"autre ordinateur ?)"

/* Generous upper bound for waiting on the loopback: scheduling on a busy machine. */
#define WAIT_MS 5000

struct link {
	int listener;
	int printer; /* the printer's end of the connection, -1 once closed */
	struct printer_uri uri;
	struct transport transport;
	char err[512];
};

/* The daemon's end connected to a listener of the test's, and accepted. */
static void link_open(struct link *l)
{
	struct sockaddr_in address = {.sin_family = AF_INET,
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t length = sizeof address;
	char uri[64];

	l->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(l->listener >= 0);
	assert_int_equal(bind(l->listener, (struct sockaddr *)&address, sizeof address), 0);
	assert_int_equal(listen(l->listener, 4), 0);
	assert_int_equal(getsockname(l->listener, (struct sockaddr *)&address, &length), 0);
	snprintf(uri, sizeof uri, "tcp://127.0.0.1:%u", ntohs(address.sin_port));
	assert_int_equal(printer_uri_parse(uri, &l->uri, l->err, sizeof l->err), 0);
	assert_int_equal(transport_init(&l->transport, &l->uri, l->err, sizeof l->err), 0);
	if (transport_open(&l->transport, clock_monotonic_ms() + WAIT_MS, l->err, sizeof l->err) != 0)
		fail_msg("open: %s", l->err);
	l->printer = accept4(l->listener, NULL, NULL, SOCK_CLOEXEC);
	assert_true(l->printer >= 0);
}

static void link_close(struct link *l)
{
	transport_close(&l->transport);
	if (l->printer >= 0)
		close(l->printer);
	close(l->listener);
}

/* The printer hangs up: FIN, or with reset RST (SO_LINGER 0). Returns once
 * the daemon's end has seen it, so that the next call meets it. */
static void printer_hangs_up(struct link *l, bool reset)
{
	struct linger abort_on_close = {.l_onoff = 1, .l_linger = 0};
	struct pollfd pfd = {.fd = l->transport.fd, .events = POLLRDHUP};

	if (reset)
		assert_int_equal(setsockopt(l->printer, SOL_SOCKET, SO_LINGER, &abort_on_close,
					    sizeof abort_on_close), 0);
	close(l->printer);
	l->printer = -1;
	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	assert_true(pfd.revents & (reset ? POLLERR : POLLRDHUP));
}

/* The printer reads exactly len bytes. */
static void printer_reads(struct link *l, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = {.fd = l->printer, .events = POLLIN};
		ssize_t n;

		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
		n = read(l->printer, buf + got, len - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
}

static int write_kick(struct link *l)
{
	return transport_write(&l->transport, kick, sizeof kick, clock_monotonic_ms() + WAIT_MS,
			       l->err, sizeof l->err);
}

static int confirm(struct link *l, int64_t within_ms)
{
	return transport_confirm(&l->transport, clock_monotonic_ms() + within_ms, l->err,
				 sizeof l->err);
}

static void assert_message(const struct link *l, const char *detail)
{
	char expected[2048];

	snprintf(expected, sizeof expected, "imprimante %s : %s", l->transport.uri_text, detail);
	assert_string_equal(l->err, expected);
}

static void test_a_printer_holding_the_connection_confirms_the_kick_it_took(void **state)
{
	struct link l;
	uint8_t got[sizeof kick];

	(void)state;
	link_open(&l);
	assert_int_equal(write_kick(&l), 0);
	assert_int_equal(confirm(&l, WAIT_MS), 0);
	printer_reads(&l, got, sizeof got);
	assert_memory_equal(got, kick, sizeof kick);
	link_close(&l);
}

static void test_a_printer_that_closed_before_the_kick_is_a_lost_connection(void **state)
{
	struct link l;

	(void)state;
	link_open(&l);
	printer_hangs_up(&l, false);
	assert_int_equal(write_kick(&l), TRANSPORT_ERR_CONNECTION_LOST);
	assert_message(&l, LOST);
	link_close(&l);
}

static void test_a_printer_that_reset_before_the_kick_is_a_lost_connection(void **state)
{
	struct link l;

	(void)state;
	link_open(&l);
	printer_hangs_up(&l, true);
	assert_int_equal(write_kick(&l), TRANSPORT_ERR_CONNECTION_LOST);
	assert_message(&l, LOST);
	link_close(&l);
}

static void test_a_printer_that_closed_right_after_taking_the_kick_is_not_confirmed(void **state)
{
	struct link l;
	uint8_t got[sizeof kick];

	(void)state;
	link_open(&l);
	assert_int_equal(write_kick(&l), 0);
	printer_reads(&l, got, sizeof got);
	printer_hangs_up(&l, false);
	assert_int_equal(confirm(&l, WAIT_MS), TRANSPORT_ERR_CONNECTION_LOST);
	assert_message(&l, LOST);
	link_close(&l);
}

static void test_a_printer_that_reset_after_2_bytes_is_not_confirmed(void **state)
{
	struct link l;
	uint8_t got[2];

	(void)state;
	link_open(&l);
	assert_int_equal(write_kick(&l), 0);
	printer_reads(&l, got, sizeof got);
	printer_hangs_up(&l, true);
	assert_int_equal(confirm(&l, WAIT_MS), TRANSPORT_ERR_CONNECTION_LOST);
	assert_message(&l, LOST);
	link_close(&l);
}

static void test_reading_a_connection_the_printer_closed_or_reset_is_a_lost_connection(
	void **state)
{
	(void)state;
	for (int reset = 0; reset <= 1; reset++) {
		struct link l;
		uint8_t byte;

		link_open(&l);
		printer_hangs_up(&l, reset);
		assert_int_equal(transport_read(&l.transport, &byte, 1,
						clock_monotonic_ms() + WAIT_MS, l.err, sizeof l.err),
				 TRANSPORT_ERR_CONNECTION_LOST);
		assert_message(&l, LOST);
		link_close(&l);
	}
}

static void test_bytes_the_printer_does_not_take_are_not_confirmed_by_the_deadline(void **state)
{
	struct link l;
	static uint8_t filler[65536];
	int64_t start;
	ssize_t n;

	(void)state;
	link_open(&l);
	/* The printer reads nothing: once our send buffer is full, what is in
	 * it can be neither sent nor acknowledged. */
	do
		n = send(l.transport.fd, filler, sizeof filler, MSG_NOSIGNAL);
	while (n > 0);
	assert_true(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
	start = clock_monotonic_ms();
	assert_int_equal(confirm(&l, 200), TRANSPORT_ERR_TIMEOUT);
	assert_true(clock_monotonic_ms() - start >= 200);
	assert_message(&l, "n'a pas acquitté les données à temps (occupée, ou le réseau perd-il des "
			   "paquets ?)");
	link_close(&l);
}

static void test_bytes_never_taken_are_dropped_at_close_not_sent_later(void **state)
{
	struct link l;
	static uint8_t buf[65536];
	size_t written = 0, read_back = 0;
	ssize_t n;

	(void)state;
	link_open(&l);
	while ((n = send(l.transport.fd, buf, sizeof buf, MSG_NOSIGNAL)) > 0)
		written += (size_t)n;
	assert_int_equal(confirm(&l, 100), TRANSPORT_ERR_TIMEOUT);
	transport_close(&l.transport);
	/* The printer reads again: what had reached it, then the reset, never
	 * the rest, which the kernel would otherwise have sent after close. */
	for (;;) {
		struct pollfd pfd = {.fd = l.printer, .events = POLLIN};

		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
		n = read(l.printer, buf, sizeof buf);
		if (n <= 0)
			break;
		read_back += (size_t)n;
	}
	assert_int_equal(n, -1);
	assert_int_equal(errno, ECONNRESET);
	assert_true(read_back < written);
	close(l.printer);
	close(l.listener);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_printer_holding_the_connection_confirms_the_kick_it_took),
		cmocka_unit_test(test_a_printer_that_closed_before_the_kick_is_a_lost_connection),
		cmocka_unit_test(test_a_printer_that_reset_before_the_kick_is_a_lost_connection),
		cmocka_unit_test(test_a_printer_that_closed_right_after_taking_the_kick_is_not_confirmed),
		cmocka_unit_test(test_a_printer_that_reset_after_2_bytes_is_not_confirmed),
		cmocka_unit_test(
			test_reading_a_connection_the_printer_closed_or_reset_is_a_lost_connection),
		cmocka_unit_test(test_bytes_the_printer_does_not_take_are_not_confirmed_by_the_deadline),
		cmocka_unit_test(test_bytes_never_taken_are_dropped_at_close_not_sent_later),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
