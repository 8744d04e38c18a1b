/* What cashdrawerd says to systemd, as bytes (pure): the notification
 * socket of sd_notify(3) (NOTIFY_SOCKET: a path, or '@' for Linux's
 * abstract namespace), and log lines on standard error with their priority
 * as a "<N>" prefix (sd-daemon(3); journald reads it with
 * SyslogLevelPrefix=, on by default) once JOURNAL_STREAM says standard
 * error is the journal's stream (systemd.exec(5)). systemd documents both
 * as stable interfaces for programs that do not link libsystemd.
 * src/platform/systemd.c sends what these functions build. */
#ifndef CASHDRAWERD_PLATFORM_SYSTEMD_PROTOCOL_H
#define CASHDRAWERD_PLATFORM_SYSTEMD_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "log/rotlog.h"

/* Room for a journal line of systemd_journal_line_format: "<N>", a log
 * line's message (at most ROTLOG_LINE_MAX) and '\n'. */
#define SYSTEMD_JOURNAL_LINE_MAX (3 + ROTLOG_LINE_MAX + 1)

/* Whether journal_stream (JOURNAL_STREAM's value, or NULL) names the file
 * of device and inode: systemd sets it to "DEVICE:INODE", in decimal, of
 * the service's standard error (or output) when that is the journal. A
 * child's standard error redirected elsewhere keeps the variable but not
 * the file: false then. */
bool systemd_journal_stream_is(const char *journal_stream, uint64_t device, uint64_t inode);

/* The journal line of a log line's message: "<N>" with syslog's priority
 * (3 ERROR, 4 WARNING, 6 INFO, 7 DEBUG; journald stores it and strips the
 * prefix), the message and '\n'. A newline in the message would start a
 * line of its own without its priority: it becomes a space. A message too
 * long for out (size bytes, at least 8) is cut at a UTF-8 character
 * boundary. Returns the length written. */
size_t systemd_journal_line_format(enum rotlog_level level, const char *message, size_t length,
				   char *out, size_t size);

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
