/* Service integration under systemd: readiness and stopping notifications
 * (Type=notify), and log lines on standard error with their priority when
 * that is the journal, through systemd's documented interfaces (no
 * libsystemd: systemd.c, systemd_protocol.c). Without systemd integration
 * (other platforms, or -DCASHDRAWERD_SYSTEMD=OFF) every function does
 * nothing and systemd_stderr_is_journal answers false. */
#ifndef CASHDRAWERD_PLATFORM_SYSTEMD_H
#define CASHDRAWERD_PLATFORM_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "log/rotlog.h"

/* READY=1 with a STATUS= line: the service listens. No-op outside systemd. */
void systemd_notify_ready(const char *status);

/* STOPPING=1 with a STATUS= line. */
void systemd_notify_stopping(const char *status);

/* Whether standard error is the journal's stream: JOURNAL_STREAM, which
 * systemd sets for a service whose output goes to the journal, names
 * standard error's device and inode (systemd_journal_stream_is). */
bool systemd_stderr_is_journal(void);

/* Writes one log line's message to standard error as the journal reads it:
 * "<N>message\n", N its priority (systemd_journal_line_format); never waits
 * for journald. For a standard error that is the journal. */
void systemd_journal_line(enum rotlog_level level, const char *message, size_t length);

/* Each line of text as systemd_journal_line (a multi-line message). */
void systemd_journal_text(enum rotlog_level level, const char *text);

#endif
