/* Service integration under systemd: readiness and stopping notifications
 * (Type=notify) and log lines to the journal with their priority, through
 * systemd's documented datagram protocols (no libsystemd: systemd.c,
 * systemd_protocol.c). Without systemd integration (other platforms, or
 * -DCASHDRAWERD_SYSTEMD=OFF) every function does nothing and
 * systemd_journal_wanted answers false. */
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

/* Whether log lines go to the journal: setting "true", or "auto" when
 * systemd connected our output to the journal (JOURNAL_STREAM is set). */
bool systemd_journal_wanted(const char *setting);

/* Sends one line to the journal (MESSAGE, PRIORITY, SYSLOG_IDENTIFIER,
 * SYSLOG_FACILITY, CASHDRAWERD_LEVEL: systemd_journal_entry), without ever
 * waiting for journald. */
void systemd_journal_line(enum rotlog_level level, const char *message, size_t length);

#endif
