/* What CUPS's answers mean for the till (pure): IPP status codes, HTTP
 * statuses and a queue's attributes become transport errors, with messages
 * that name the queue, the cause and the fix. No libcups call: the caller
 * gives CUPS's words, status names included. */
#ifndef CASHDRAWERD_CUPS_STATUS_H
#define CASHDRAWERD_CUPS_STATUS_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 8011 5.4.11 printer-state. */
enum cups_printer_state {
	CUPS_PRINTER_STATE_UNKNOWN = 0, /* attribute absent */
	CUPS_PRINTER_STATE_IDLE = 3,
	CUPS_PRINTER_STATE_PROCESSING = 4,
	CUPS_PRINTER_STATE_STOPPED = 5,
};

/* Where a message is about: the printer as configured ("cups:TICKET",
 * "TICKET"), the queue's name, and the CUPS server as reached
 * ("/run/cups/cups.sock", "127.0.0.1:631"). */
struct cups_status_target {
	const char *printer;
	const char *queue;
	const char *server;
};

/* The answer to Get-Printer-Attributes. */
struct cups_queue_state {
	int status;                 /* IPP status-code */
	const char *status_name;    /* its name (ippErrorString), or NULL */
	const char *status_message; /* status-message, or NULL */
	int printer_state;          /* enum cups_printer_state */
	int accepting;              /* printer-is-accepting-jobs: 1, 0, or -1 when absent */
	const char *state_message;  /* printer-state-message, or NULL */
};

/* 0 when the queue exists, is not stopped and accepts jobs; otherwise
 * TRANSPORT_ERR_QUEUE_NOT_FOUND, TRANSPORT_ERR_QUEUE_STOPPED (stopped, or
 * refusing jobs: either way the kick would not print now) or, for any other
 * IPP error, what cups_status_of_ipp says. err is filled on error. */
int cups_status_of_queue(const struct cups_status_target *target,
			 const struct cups_queue_state *state, char *err, size_t errlen);

/* 0 for a successful IPP status-code (0x0000..0x00ff), else the transport
 * error it means, err filled: not-found -> QUEUE_NOT_FOUND; not accepting
 * jobs or deactivated -> QUEUE_STOPPED; service unavailable ->
 * SPOOLER_DOWN; anything else -> IO with CUPS's own words: status_name is
 * the status's name as libcups's ippErrorString gives it
 * ("client-error-forbidden"), or NULL for "IPP status 0x0401". */
int cups_status_of_ipp(const struct cups_status_target *target, int status,
		       const char *status_name, const char *status_message, char *err,
		       size_t errlen);

/* An HTTP status other than 200 answering an IPP request (401, 403, 404,
 * 426, 503...): the transport error it means, err filled. */
int cups_status_of_http(const struct cups_status_target *target, int http_status, char *err,
			size_t errlen);

/* The connection to the CUPS server could not be made: TRANSPORT_ERR_TIMEOUT
 * when the deadline passed, else TRANSPORT_ERR_SPOOLER_DOWN; reason is why,
 * in French ("connexion refusée"), or the system's words quoted. */
int cups_status_of_connect(const struct cups_status_target *target, bool timed_out,
			   const char *reason, char *err, size_t errlen);

/* The connection was made but an exchange failed: TRANSPORT_ERR_TIMEOUT
 * when the deadline passed, else TRANSPORT_ERR_IO. doing says what was
 * under way ("la vérification de la file"). */
int cups_status_of_exchange(const struct cups_status_target *target, bool timed_out,
			    const char *doing, const char *reason, char *err, size_t errlen);

#endif
