/* systemd without libsystemd: the notification and journal datagrams of
 * systemd_protocol.c, sent on AF_UNIX datagram sockets. Failures are
 * silent, as with libsystemd: the log file has every line anyway. */
#include "platform/systemd.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

bool systemd_journal_wanted(const char *setting)
{
	if (strcmp(setting, "true") == 0)
		return true;
	/* systemd sets JOURNAL_STREAM when stdout or stderr is the journal */
	return strcmp(setting, "auto") == 0 && getenv("JOURNAL_STREAM") != NULL;
}

/* One socket for every line, made at the first one. */
static pthread_once_t journal_once = PTHREAD_ONCE_INIT;
static int journal_fd = -1;
static struct sockaddr_un journal_address = {.sun_family = AF_UNIX,
					     .sun_path = SYSTEMD_JOURNAL_SOCKET};

static void journal_open(void)
{
	journal_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

void systemd_journal_line(enum rotlog_level level, const char *message, size_t length)
{
	char entry[SYSTEMD_JOURNAL_ENTRY_MAX];
	size_t entry_length;

	if (systemd_journal_entry(level, message, length, entry, sizeof entry, &entry_length) < 0)
		return;
	pthread_once(&journal_once, journal_open);
	if (journal_fd < 0)
		return;
	/* The address each time, as libsystemd does: a restarted journald is
	 * found again. MSG_DONTWAIT: a journald that does not read never holds
	 * up the till (libsystemd would wait); the line is then in the file
	 * only. */
	if (sendto(journal_fd, entry, entry_length, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)&journal_address, sizeof journal_address) < 0) {
		/* no journald (not under systemd), or it is overloaded */
	}
}
