/* systemd without libsystemd: the notifications of systemd_protocol.c, sent
 * on an AF_UNIX datagram socket, and log lines with their priority on
 * standard error when that is the journal. Failures are silent, as with
 * libsystemd: the log file has every line anyway. */
#include "platform/systemd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "platform/systemd_protocol.h"

/* Room for READY=1 and a STATUS= line (the addresses listened on). */
#define NOTIFY_MAX 1024

static void notify(const char *state, const char *status)
{
	struct sockaddr_un address;
	socklen_t address_length;
	char message[NOTIFY_MAX];
	int length, fd;

	/* not started by systemd (no NOTIFY_SOCKET), or an address we cannot use */
	if (systemd_notify_address(getenv("NOTIFY_SOCKET"), &address, &address_length) <= 0)
		return;
	length = systemd_notify_format(state, status, message, sizeof message);
	if (length < 0)
		return;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	/* systemd reads our credentials from the socket (SO_PASSCRED on its side) */
	if (sendto(fd, message, (size_t)length, MSG_NOSIGNAL, (const struct sockaddr *)&address,
		   address_length) < 0) {
		/* systemd gone, or NOTIFY_SOCKET stale: nothing to do */
	}
	close(fd);
}

void systemd_notify_ready(const char *status)
{
	notify("READY=1", status);
}

void systemd_notify_stopping(const char *status)
{
	notify("STOPPING=1", status);
}

bool systemd_stderr_is_journal(void)
{
	struct stat info;

	return fstat(STDERR_FILENO, &info) == 0 &&
	       systemd_journal_stream_is(getenv("JOURNAL_STREAM"), (uint64_t)info.st_dev,
					 (uint64_t)info.st_ino);
}

void systemd_journal_line(enum rotlog_level level, const char *message, size_t length)
{
	char line[SYSTEMD_JOURNAL_LINE_MAX];
	size_t line_length = systemd_journal_line_format(level, message, length, line, sizeof line);

	/* The journal's stream is a socket: MSG_DONTWAIT, so that a journald
	 * that does not read never holds up the till (the line is then in the
	 * file only). A line this short goes whole or not at all: Linux puts a
	 * stream socket's send of less than half its buffer in one piece.
	 * Not a socket (a test's file): a plain write. */
	if (send(STDERR_FILENO, line, line_length, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno == ENOTSOCK && write(STDERR_FILENO, line, line_length) < 0) {
		/* standard error closed: the file has the line */
	}
}

void systemd_journal_text(enum rotlog_level level, const char *text)
{
	for (const char *line = text; *line != '\0';) {
		size_t length = strcspn(line, "\n");

		systemd_journal_line(level, line, length);
		line += length + (line[length] == '\n');
	}
}
