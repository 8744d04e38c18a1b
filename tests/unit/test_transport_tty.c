/* The serial and file transports on real pseudo-terminals (and a FIFO): the
 * test holds the master (the printer's end), the transport opens the slave. Specifies
 * the line settings applied, exact bytes both ways, stale input dropped,
 * bounded waits (no answer, XOFF from the printer), hangup, missing and
 * forbidden devices, and which files can read back. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "settings/printer_uri.h"
#include "transport/transport.h"

static const uint8_t kick[] = {0x1B, 0x70, 0x00, 0x19, 0xFA};

/* Generous upper bound for a call given a deadline: scheduling on a busy machine. */
#define SLACK_MS 1500

struct pty {
	int master;
	char path[64];
};

static struct pty pty_create(void)
{
	struct pty pty;

	pty.master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	assert_true(pty.master >= 0);
	assert_int_equal(grantpt(pty.master), 0);
	assert_int_equal(unlockpt(pty.master), 0);
	assert_int_equal(ptsname_r(pty.master, pty.path, sizeof pty.path), 0);
	return pty;
}

static void pty_close(struct pty *pty)
{
	if (pty->master >= 0)
		close(pty->master);
	pty->master = -1;
}

/* The test's own view of the slave (the daemon's side), raw. */
static int slave_probe(const struct pty *pty)
{
	int fd = open(pty->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	struct termios tio;

	assert_true(fd >= 0);
	assert_int_equal(tcgetattr(fd, &tio), 0);
	cfmakeraw(&tio);
	assert_int_equal(tcsetattr(fd, TCSANOW, &tio), 0);
	return fd;
}

static bool readable(int fd, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	return poll(&pfd, 1, timeout_ms) == 1 && (pfd.revents & POLLIN);
}

static bool writable(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT);
}

static void write_exact(int fd, const void *buf, size_t len)
{
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
}

/* Reads exactly len bytes from the printer's end (5 s at most). */
static void read_exact(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	int64_t deadline = clock_monotonic_ms() + 5000;

	while (got < len) {
		ssize_t n;

		assert_true(clock_monotonic_ms() < deadline);
		if (!readable(fd, 100))
			continue;
		n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EAGAIN)
			continue;
		assert_true(n > 0);
		got += (size_t)n;
	}
}

static void assert_nothing_more(int fd)
{
	uint8_t byte;

	assert_false(readable(fd, 100));
	assert_int_equal(read(fd, &byte, 1), -1);
}

struct opened {
	struct printer_uri uri;
	struct transport transport;
	char err[512];
};

static void init(struct opened *o, const char *uri_format, const char *path)
{
	char text[256];

	snprintf(text, sizeof text, uri_format, path);
	memset(o, 0, sizeof *o);
	if (printer_uri_parse(text, &o->uri, o->err, sizeof o->err) != 0)
		fail_msg("%s: %s", text, o->err);
	assert_int_equal(transport_init(&o->transport, &o->uri, o->err, sizeof o->err), 0);
}

static void open_ok(struct opened *o, const char *uri_format, const char *path)
{
	init(o, uri_format, path);
	if (transport_open(&o->transport, clock_monotonic_ms() + 2000, o->err, sizeof o->err) != 0)
		fail_msg("open %s: %s", o->transport.uri_text, o->err);
}

static int open_rc(struct opened *o, const char *uri_format, const char *path)
{
	int rc;

	init(o, uri_format, path);
	rc = transport_open(&o->transport, clock_monotonic_ms() + 2000, o->err, sizeof o->err);
	if (rc == 0)
		transport_close(&o->transport);
	return rc;
}

static void assert_message(const struct opened *o, const char *detail)
{
	char expected[2048];

	snprintf(expected, sizeof expected, "imprimante %s : %s", o->transport.uri_text, detail);
	assert_string_equal(o->err, expected);
}

/* ---- serial: ---- */

static void test_serial_open_applies_every_line_setting(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	struct opened o;
	struct termios tio;

	open_ok(&o, "serial:%s?baud=38400&parity=odd&stop_bits=2&flow=xonxoff", pty.path);
	assert_int_equal(tcgetattr(o.transport.fd, &tio), 0);
	assert_int_equal(cfgetospeed(&tio), B38400);
	assert_int_equal(cfgetispeed(&tio), B38400);
	assert_int_equal(tio.c_cflag & (CSTOPB | PARODD | CRTSCTS | CLOCAL | CREAD),
			 CSTOPB | PARODD | CLOCAL | CREAD);
	assert_int_equal(tio.c_iflag & (IXON | IXOFF), IXON | IXOFF);
	assert_int_equal(tio.c_lflag & (ICANON | ECHO | ISIG), 0);
	assert_int_equal(tio.c_oflag & OPOST, 0);
	/* The pty driver forces CS8 and no parity (pty_set_termios): CS7 and
	 * PARENB are specified by test_serial_termios.c. */
	transport_close(&o.transport);
	assert_int_equal(o.transport.fd, -1);

	open_ok(&o, "serial:%s", pty.path);
	assert_int_equal(tcgetattr(o.transport.fd, &tio), 0);
	assert_int_equal(cfgetospeed(&tio), B9600);
	assert_int_equal(tio.c_cflag & (CSIZE | CSTOPB | PARODD | CRTSCTS), CS8 | CRTSCTS);
	assert_int_equal(tio.c_iflag & (IXON | IXOFF), 0);
	assert_true(transport_can_read(&o.transport));
	transport_close(&o.transport);
	pty_close(&pty);
}

static void test_serial_kick_reaches_the_printer_exactly(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	struct opened o;
	uint8_t got[sizeof kick];

	open_ok(&o, "serial:%s?baud=38400", pty.path);
	assert_int_equal(transport_write(&o.transport, kick, sizeof kick, clock_monotonic_ms() + 2000,
					 o.err, sizeof o.err), 0);
	transport_close(&o.transport);
	read_exact(pty.master, got, sizeof got);
	assert_memory_equal(got, kick, sizeof kick);
	assert_nothing_more(pty.master);
	pty_close(&pty);
}

static void test_serial_stale_input_is_dropped_at_open(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	int probe = slave_probe(&pty);
	struct opened o;
	uint8_t answer = 0;
	int64_t start;

	/* An answer nobody read, waiting on the line before the operation. */
	write_exact(pty.master, "\x16\x12", 2);
	assert_true(readable(probe, 5000));
	open_ok(&o, "serial:%s", pty.path);
	assert_false(readable(probe, 0));
	start = clock_monotonic_ms();
	assert_int_equal(transport_read(&o.transport, &answer, 1, start + 200, o.err, sizeof o.err),
			 TRANSPORT_ERR_TIMEOUT);
	assert_message(&o, "pas de réponse");
	/* This operation's answer is read, alone. */
	write_exact(pty.master, "\x12", 1);
	assert_int_equal(transport_read(&o.transport, &answer, 1, clock_monotonic_ms() + 2000, o.err,
					 sizeof o.err), 1);
	assert_int_equal(answer, 0x12);
	transport_close(&o.transport);
	close(probe);
	pty_close(&pty);
}

static void test_serial_read_without_answer_times_out_at_the_deadline(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	struct opened o;
	uint8_t buf[4];
	int64_t start, elapsed;

	open_ok(&o, "serial:%s", pty.path);
	start = clock_monotonic_ms();
	assert_int_equal(transport_read(&o.transport, buf, sizeof buf, start + 300, o.err, sizeof o.err),
			 TRANSPORT_ERR_TIMEOUT);
	elapsed = clock_monotonic_ms() - start;
	assert_true(elapsed >= 300 && elapsed < 300 + SLACK_MS);
	transport_close(&o.transport);
	pty_close(&pty);
}

static void test_serial_xoff_from_the_printer_times_the_write_out_then_xon_resumes(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	struct opened o;
	uint8_t got[sizeof kick];
	int64_t start, elapsed;
	int watch;

	open_ok(&o, "serial:%s?flow=xonxoff", pty.path);
	write_exact(pty.master, "\x13", 1); /* XOFF */
	start = clock_monotonic_ms();
	while (writable(o.transport.fd)) { /* the line discipline has taken it */
		assert_true(clock_monotonic_ms() - start < 5000);
		poll(NULL, 0, 5);
	}
	start = clock_monotonic_ms();
	assert_int_equal(transport_write(&o.transport, kick, sizeof kick, start + 300, o.err,
					 sizeof o.err), TRANSPORT_ERR_TIMEOUT);
	elapsed = clock_monotonic_ms() - start;
	assert_true(elapsed >= 300 && elapsed < 300 + SLACK_MS);
	assert_message(&o, "les données ne sont pas prises : imprimante occupée ou hors ligne, ou "
			   "contrôle de flux qui retient les données (vérifiez le câble et le réglage "
			   "flow)");
	start = clock_monotonic_ms();
	transport_close(&o.transport);
	assert_true(clock_monotonic_ms() - start < SLACK_MS);
	assert_nothing_more(pty.master);

	/* XON: the next operation goes through. Watched on a descriptor of our
	 * own until the line discipline has taken it: the open's input flush
	 * would drop it if it came in that very moment. */
	watch = open(pty.path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	assert_true(watch >= 0);
	write_exact(pty.master, "\x11", 1);
	start = clock_monotonic_ms();
	while (!writable(watch)) {
		assert_true(clock_monotonic_ms() - start < 5000);
		poll(NULL, 0, 5);
	}
	close(watch);
	open_ok(&o, "serial:%s?flow=xonxoff", pty.path);
	assert_int_equal(transport_write(&o.transport, kick, sizeof kick, clock_monotonic_ms() + 2000,
					 o.err, sizeof o.err), 0);
	transport_close(&o.transport);
	read_exact(pty.master, got, sizeof got);
	assert_memory_equal(got, kick, sizeof kick);
	assert_nothing_more(pty.master);
	pty_close(&pty);
}

static void test_serial_full_line_times_the_write_out(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	int probe = slave_probe(&pty);
	struct opened o;
	static uint8_t filler[4096];
	size_t total = 0;
	int64_t start;

	/* A printer that never reads: fill the line until it takes no more. */
	for (;;) {
		ssize_t n = write(probe, filler, sizeof filler);
		struct pollfd pfd = {.fd = probe, .events = POLLOUT};

		assert_true(total < 8u << 20);
		if (n > 0) {
			total += (size_t)n;
			continue;
		}
		assert_true(n < 0 && errno == EAGAIN);
		/* full once the kernel has moved on what it could */
		if (poll(&pfd, 1, 200) == 0)
			break;
	}
	assert_true(total > 0);
	open_ok(&o, "serial:%s?flow=none", pty.path);
	start = clock_monotonic_ms();
	assert_int_equal(transport_write(&o.transport, kick, sizeof kick, start + 300, o.err,
					 sizeof o.err), TRANSPORT_ERR_TIMEOUT);
	assert_true(clock_monotonic_ms() - start < 300 + SLACK_MS);
	transport_close(&o.transport);
	close(probe);
	pty_close(&pty);
}

static void test_serial_hangup_is_a_lost_connection_then_the_device_is_not_found(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	struct opened o;
	char path[64];
	uint8_t buf[4];
	int rc;

	snprintf(path, sizeof path, "%s", pty.path);
	open_ok(&o, "serial:%s", path);
	pty_close(&pty); /* the other end is gone: USB-serial adapter pulled out */
	rc = transport_write(&o.transport, kick, sizeof kick, clock_monotonic_ms() + 2000, o.err,
			     sizeof o.err);
	assert_int_equal(rc, TRANSPORT_ERR_CONNECTION_LOST);
	assert_message(&o, "la ligne a été coupée (le câble de l'imprimante ou son adaptateur "
			   "USB-série est-il branché ?)");
	rc = transport_read(&o.transport, buf, sizeof buf, clock_monotonic_ms() + 2000, o.err,
			    sizeof o.err);
	assert_int_equal(rc, TRANSPORT_ERR_CONNECTION_LOST);
	assert_message(&o, "la ligne a été coupée (le câble de l'imprimante ou son adaptateur "
			   "USB-série est-il branché ?)");
	transport_close(&o.transport);

	assert_int_equal(open_rc(&o, "serial:%s", path), TRANSPORT_ERR_NOT_FOUND);
	assert_message(&o, "aucun fichier ou dossier de ce nom (ENOENT) (le câble de l'imprimante ou "
			   "son adaptateur USB-série est-il branché ?)");
}

static void test_serial_missing_device_is_not_found(void **state)
{
	(void)state;
	struct opened o;

	assert_int_equal(open_rc(&o, "serial:%s?baud=38400", "/dev/ttyUSB-cashdrawerd-none"),
			 TRANSPORT_ERR_NOT_FOUND);
	assert_string_equal(o.err, "imprimante serial:/dev/ttyUSB-cashdrawerd-none?baud=38400&data_bits=8"
				   "&parity=none&stop_bits=1&flow=rtscts : aucun fichier ou dossier de "
				   "ce nom (ENOENT) (le câble de l'imprimante ou son adaptateur USB-série "
				   "est-il branché ?)");
}

static void test_serial_on_a_plain_file_says_not_a_serial_port(void **state)
{
	(void)state;
	char path[] = "/tmp/cashdrawerd-tty-XXXXXX";
	int fd = mkstemp(path);
	struct opened o;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(open_rc(&o, "serial:%s", path), TRANSPORT_ERR_IO);
	assert_message(&o, "ce n'est pas un port série (une imprimante USB s'écrit file:CHEMIN, par "
			   "exemple file:/dev/usb/lp0)");
	unlink(path);
}

/* Runs open (and, if it worked, a write and a read) on uri as an
 * unprivileged user in a child; returns the open's result, can_read and
 * the write's result through a pipe. Root reads any file, so drop to nobody. */
struct child_result {
	int open_rc, can_read, write_rc;
	char err[512];
};

static struct child_result open_as_unprivileged(const char *uri_format, const char *path)
{
	struct child_result result;
	int pipefd[2];
	pid_t pid;
	int status;

	memset(&result, 0, sizeof result);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct opened o;

		close(pipefd[0]);
		if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
			_exit(3);
		init(&o, uri_format, path);
		result.open_rc = transport_open(&o.transport, clock_monotonic_ms() + 2000, o.err,
						sizeof o.err);
		if (result.open_rc == 0) {
			result.can_read = transport_can_read(&o.transport);
			result.write_rc = transport_write(&o.transport, kick, sizeof kick,
							  clock_monotonic_ms() + 2000, o.err, sizeof o.err);
			transport_close(&o.transport);
		}
		snprintf(result.err, sizeof result.err, "%s", o.err);
		_exit(write(pipefd[1], &result, sizeof result) == sizeof result ? 0 : 4);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &result, sizeof result), (ssize_t)sizeof result);
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return result;
}

static void test_serial_without_permission_says_add_the_user_to_dialout(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	struct child_result result;

	assert_int_equal(chmod(pty.path, 0600), 0);
	if (geteuid() != 0) /* we own the slave: only a mode without rights refuses us */
		assert_int_equal(chmod(pty.path, 0), 0);
	result = open_as_unprivileged("serial:%s", pty.path);
	assert_int_equal(result.open_rc, TRANSPORT_ERR_PERMISSION);
	assert_true(strstr(result.err, "accès refusé (ajoutez l'utilisateur du service au groupe "
					"dialout : usermod -aG dialout UTILISATEUR)") != NULL);
	pty_close(&pty);
}

/* ---- file: ---- */

static void test_file_plain_file_appends_and_cannot_read_back(void **state)
{
	(void)state;
	char path[] = "/tmp/cashdrawerd-file-XXXXXX";
	int fd = mkstemp(path);
	struct opened o;
	uint8_t buf[16];
	int64_t start;

	assert_true(fd >= 0);
	write_exact(fd, "old", 3);
	open_ok(&o, "file:%s", path);
	assert_false(transport_can_read(&o.transport));
	assert_int_equal(transport_write(&o.transport, kick, sizeof kick, clock_monotonic_ms() + 2000,
					 o.err, sizeof o.err), 0);
	/* at end of file, "readable" at once: that is no answer, and says so at once */
	start = clock_monotonic_ms();
	assert_int_equal(transport_read(&o.transport, buf, sizeof buf, start + 5000, o.err,
					 sizeof o.err), TRANSPORT_ERR_UNSUPPORTED);
	assert_true(clock_monotonic_ms() - start < SLACK_MS);
	assert_message(&o, "lecture impossible : un simple fichier, ou un périphérique où le service "
			   "ne peut qu'écrire");
	transport_close(&o.transport);
	assert_int_equal(pread(fd, buf, sizeof buf, 0), 3 + (ssize_t)sizeof kick);
	assert_memory_equal(buf, "old", 3);
	assert_memory_equal(buf + 3, kick, sizeof kick);
	close(fd);
	unlink(path);
}

/* usblp's transfer stands for a pipe here: written is not taken until the
 * device can take more. A one-page pipe holding a few bytes is full, yet a
 * small write still merges into its page: written, and not taken. */
static void test_file_kick_is_confirmed_only_once_the_device_takes_more(void **state)
{
	(void)state;
	char folder[] = "/tmp/cashdrawerd-fifo-XXXXXX", path[64];
	uint8_t got[100 + sizeof kick];
	struct opened o;
	int reader, filler;
	int64_t start;

	assert_non_null(mkdtemp(folder));
	snprintf(path, sizeof path, "%s/printer", folder);
	assert_int_equal(mkfifo(path, 0600), 0);
	reader = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(reader >= 0);
	assert_true(fcntl(reader, F_SETPIPE_SZ, 4096) > 0);
	filler = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	memset(got, '.', sizeof got);
	write_exact(filler, got, 100);
	close(filler);
	open_ok(&o, "file:%s", path);
	assert_false(writable(o.transport.fd));
	assert_int_equal(transport_write(&o.transport, kick, sizeof kick, clock_monotonic_ms() + 2000,
					 o.err, sizeof o.err), 0);
	start = clock_monotonic_ms();
	assert_int_equal(transport_confirm(&o.transport, start + 300, o.err, sizeof o.err),
			 TRANSPORT_ERR_TIMEOUT);
	assert_true(clock_monotonic_ms() - start >= 300);
	assert_message(&o, "le périphérique n'a pas fini de prendre les données à temps (imprimante "
			   "éteinte, hors ligne ou sans papier ?)");
	assert_int_equal(read(reader, got, sizeof got), (ssize_t)sizeof got);
	assert_memory_equal(got + 100, kick, sizeof kick);
	assert_int_equal(transport_confirm(&o.transport, clock_monotonic_ms() + 2000, o.err,
					   sizeof o.err), 0);
	transport_close(&o.transport);
	close(reader);
	unlink(path);
	rmdir(folder);
}

static void test_file_character_device_reads_the_printers_answer(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	int probe = slave_probe(&pty); /* usblp is raw; a tty must be made so */
	struct opened o;
	uint8_t got[sizeof kick], answer = 0;
	int64_t start;

	open_ok(&o, "file:%s", pty.path);
	assert_true(transport_can_read(&o.transport));
	assert_int_equal(transport_write(&o.transport, kick, sizeof kick, clock_monotonic_ms() + 2000,
					 o.err, sizeof o.err), 0);
	read_exact(pty.master, got, sizeof got);
	assert_memory_equal(got, kick, sizeof kick);
	start = clock_monotonic_ms();
	assert_int_equal(transport_read(&o.transport, &answer, 1, start + 300, o.err, sizeof o.err),
			 TRANSPORT_ERR_TIMEOUT);
	assert_true(clock_monotonic_ms() - start >= 300);
	assert_message(&o, "pas de réponse");
	write_exact(pty.master, "\x16", 1);
	assert_int_equal(transport_read(&o.transport, &answer, 1, clock_monotonic_ms() + 2000, o.err,
					 sizeof o.err), 1);
	assert_int_equal(answer, 0x16);
	transport_close(&o.transport);
	close(probe);
	pty_close(&pty);
}

static void test_file_device_at_end_of_file_is_no_answer_not_a_busy_loop(void **state)
{
	(void)state;
	struct opened o;
	uint8_t buf[4];
	int64_t start;

	open_ok(&o, "file:%s", "/dev/null");
	assert_true(transport_can_read(&o.transport));
	start = clock_monotonic_ms();
	assert_int_equal(transport_read(&o.transport, buf, sizeof buf, start + 200, o.err,
					 sizeof o.err), TRANSPORT_ERR_TIMEOUT);
	assert_true(clock_monotonic_ms() - start >= 200);
	transport_close(&o.transport);
}

static void test_file_device_without_read_permission_is_opened_write_only(void **state)
{
	(void)state;
	struct pty pty = pty_create();
	int probe = slave_probe(&pty);
	struct child_result result;
	uint8_t got[sizeof kick];

	/* others may write, not read: as /dev/usb/lp0 might be set up */
	assert_int_equal(chmod(pty.path, geteuid() == 0 ? 0602 : 0200), 0);
	result = open_as_unprivileged("file:%s", pty.path);
	assert_int_equal(result.open_rc, 0);
	assert_false(result.can_read);
	assert_int_equal(result.write_rc, 0);
	read_exact(pty.master, got, sizeof got);
	assert_memory_equal(got, kick, sizeof kick);
	close(probe);
	pty_close(&pty);
}

static void test_file_fifo_is_written_only_and_needs_a_reader(void **state)
{
	(void)state;
	char dir[] = "/tmp/cashdrawerd-fifo-XXXXXX", path[64];
	struct opened o;
	uint8_t got[sizeof kick];
	int reader;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/lp0", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* no reader: the printer is off */
	assert_int_equal(open_rc(&o, "file:%s", path), TRANSPORT_ERR_NOT_FOUND);
	assert_message(&o, "aucun périphérique à cette adresse (ENXIO) (l'imprimante est-elle branchée "
			   "et allumée ?)");

	reader = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(reader >= 0);
	open_ok(&o, "file:%s", path);
	/* opened for reading too, it would read back its own bytes */
	assert_false(transport_can_read(&o.transport));
	assert_int_equal(transport_write(&o.transport, kick, sizeof kick, clock_monotonic_ms() + 2000,
					 o.err, sizeof o.err), 0);
	transport_close(&o.transport);
	read_exact(reader, got, sizeof got);
	assert_memory_equal(got, kick, sizeof kick);
	close(reader);
	unlink(path);
	rmdir(dir);
}

static void test_file_missing_device_is_not_found_and_never_created(void **state)
{
	(void)state;
	char dir[] = "/tmp/cashdrawerd-none-XXXXXX", path[64];
	struct opened o;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/lp0", dir);
	assert_int_equal(open_rc(&o, "file:%s", path), TRANSPORT_ERR_NOT_FOUND);
	assert_int_equal(access(path, F_OK), -1);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_open_applies_every_line_setting),
		cmocka_unit_test(test_serial_kick_reaches_the_printer_exactly),
		cmocka_unit_test(test_serial_stale_input_is_dropped_at_open),
		cmocka_unit_test(test_serial_read_without_answer_times_out_at_the_deadline),
		cmocka_unit_test(test_serial_xoff_from_the_printer_times_the_write_out_then_xon_resumes),
		cmocka_unit_test(test_serial_full_line_times_the_write_out),
		cmocka_unit_test(test_serial_hangup_is_a_lost_connection_then_the_device_is_not_found),
		cmocka_unit_test(test_serial_missing_device_is_not_found),
		cmocka_unit_test(test_serial_on_a_plain_file_says_not_a_serial_port),
		cmocka_unit_test(test_serial_without_permission_says_add_the_user_to_dialout),
		cmocka_unit_test(test_file_plain_file_appends_and_cannot_read_back),
		cmocka_unit_test(test_file_kick_is_confirmed_only_once_the_device_takes_more),
		cmocka_unit_test(test_file_character_device_reads_the_printers_answer),
		cmocka_unit_test(test_file_device_at_end_of_file_is_no_answer_not_a_busy_loop),
		cmocka_unit_test(test_file_device_without_read_permission_is_opened_write_only),
		cmocka_unit_test(test_file_fifo_is_written_only_and_needs_a_reader),
		cmocka_unit_test(test_file_missing_device_is_not_found_and_never_created),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
