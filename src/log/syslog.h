/* Log shipping to a syslog server: RFC 5424 messages over UDP (one message
 * per datagram, RFC 5426) or TCP (octet counting, RFC 6587). Lines are queued
 * and sent by a thread of their own, so a slow or absent server never delays
 * a request: when the queue is full a line is dropped and counted. */
#ifndef CASHDRAWERD_SYSLOG_H
#define CASHDRAWERD_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "log/rotlog.h"

/* The syslog facility of every message: daemon (3). */
#define SYSLOG_FACILITY_DAEMON 3
/* Longest message sent (RFC 5424 receivers must accept 480, should 2048). */
#define SYSLOG_MESSAGE_MAX 2048
/* Lines waiting for the sender thread at most. */
#define SYSLOG_QUEUE_MAX 1024

/* ---- pure ---- */

/* The RFC 5424 severity of a level: ERROR 3, WARNING 4, INFO 6, DEBUG 7. */
int syslog_severity(enum rotlog_level level);

/* "2025-02-01T14:22:31.123+01:00" (RFC 3339, milliseconds) for local time tm,
 * ms and the zone's offset east of UTC in seconds. buf of at least 32. */
void syslog_format_timestamp(char *buf, size_t size, const struct tm *tm, int ms, long utc_offset);

/* One RFC 5424 message:
 * "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG"
 * with PRI = facility * 8 + severity, MSGID and STRUCTURED-DATA "-". An empty
 * hostname is written "-"; spaces and non-printable bytes in it become '_'.
 * The message is cut to fit. Returns the length written (< size). */
size_t syslog_format_message(char *buf, size_t size, int facility, enum rotlog_level level,
			     const char *timestamp, const char *hostname, const char *app,
			     long pid, const char *message, size_t length);

/* RFC 6587 octet counting: "LENGTH SP MESSAGE" into buf. Returns the length
 * written (< size), or 0 when it does not fit. */
size_t syslog_frame_octet_counted(char *buf, size_t size, const char *message, size_t length);

/* ---- the sender ---- */

struct syslog_options {
	const char *host;     /* name or address of the server */
	unsigned port;
	bool tcp;             /* false: UDP */
	const char *hostname; /* HOSTNAME field: this till's name */
};

struct syslog_stats {
	uint64_t sent;
	uint64_t dropped; /* queue full, server down or a send that failed */
};

struct syslog_sender;

/* Starts the sender thread. The server is looked up and reached by the
 * thread (and again after a failure), so a server down at start is no error.
 * Returns 0 or a negative errno with err filled. */
int syslog_start(struct syslog_sender **sender, const struct syslog_options *options, char *err,
		 size_t errlen);

/* Queues one line (never blocks); a rotlog forward function. */
void syslog_submit(void *sender, enum rotlog_level level, const struct timespec *when,
		   const char *message, size_t length);

void syslog_get_stats(struct syslog_sender *sender, struct syslog_stats *stats);

/* Sends what is queued (for at most about a second), stops the thread,
 * frees. NULL is fine. */
void syslog_stop(struct syslog_sender *sender);

#endif
