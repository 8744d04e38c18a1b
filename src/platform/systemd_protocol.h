/* systemd's two datagram protocols, as bytes (pure): the notification
 * socket of sd_notify(3) (NOTIFY_SOCKET: a path, or '@' for Linux's
 * abstract namespace) and the journal's native protocol
 * (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/). systemd documents both as
 * stable interfaces for programs that do not link libsystemd.
 * src/platform/systemd.c sends what these functions build. */
#ifndef CASHDRAWERD_PLATFORM_SYSTEMD_PROTOCOL_H
#define CASHDRAWERD_PLATFORM_SYSTEMD_PROTOCOL_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "log/rotlog.h"

/* journald's socket for the native protocol. */
#define SYSTEMD_JOURNAL_SOCKET "/run/systemd/journal/socket"

/* Longer messages are cut (at a character boundary): one entry is then
 * always one datagram well under any socket buffer, where libsystemd
 * would pass a larger one through a memfd. Log lines are shorter anyway
 * (ROTLOG_LINE_MAX). */
#define SYSTEMD_JOURNAL_MESSAGE_MAX 4096

/* Room for an entry of systemd_journal_entry: the message, its other
 * fields, and the binary form's 8-byte length. */
#define SYSTEMD_JOURNAL_ENTRY_MAX (SYSTEMD_JOURNAL_MESSAGE_MAX + 256)

/* One journal field: name (A-Z, 0-9 and '_', not starting with a digit or
 * '_', at most 64 characters) and value, length bytes (any bytes). */
struct systemd_field {
	const char *name;
	const char *value;
	size_t length;
};

/* The datagram of one journal entry: each field as NAME=value\n, or, when
 * the value holds a newline, as NAME\n, the value's length as 64-bit
 * little-endian, the value and \n. 0 with *length set; -EINVAL when a name
 * is not a valid journal field name; -EMSGSIZE when out (size bytes) is too
 * small, *length then being the size needed. */
int systemd_journal_format(const struct systemd_field *fields, size_t count, char *out,
			   size_t size, size_t *length);

/* The entry of one log line: MESSAGE (cut to SYSTEMD_JOURNAL_MESSAGE_MAX
 * bytes), PRIORITY (syslog's: 7 DEBUG, 6 INFO, 4 WARNING, 3 ERROR),
 * SYSLOG_IDENTIFIER=cashdrawerd, SYSLOG_FACILITY=3 (daemon) and
 * CASHDRAWERD_LEVEL (DEBUG, INFO, WARNING, ERROR). As
 * systemd_journal_format; out of SYSTEMD_JOURNAL_ENTRY_MAX bytes always
 * has room. */
int systemd_journal_entry(enum rotlog_level level, const char *message, size_t message_length,
			  char *out, size_t size, size_t *length);

/* Where NOTIFY_SOCKET (its value, or NULL) says to send notifications: 1
 * with *address and *address_length set for an absolute path or an
 * "@name" in the abstract namespace; 0 when it is unset or empty (not
 * started by systemd, nothing to send); -EINVAL for a relative path, an
 * empty name or one too long for a socket address; -EAFNOSUPPORT for other kinds
 * (systemd 254's "vsock:"). */
int systemd_notify_address(const char *notify_socket, struct sockaddr_un *address,
			   socklen_t *address_length);

/* The notification "STATE\nSTATUS=status" (STATE: "READY=1", "STOPPING=1"),
 * newlines in status made spaces (one line each). Its length, or -EMSGSIZE
 * when it does not fit out (size bytes). */
int systemd_notify_format(const char *state, const char *status, char *out, size_t size);

#endif
