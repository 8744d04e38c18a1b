/* What CUPS's answers mean for the till (pure): each becomes a transport
 * error and a message naming the queue, the cause and the fix. */
#include "transport/cups_status.h"

#include <cups/ipp.h>
#include <stdio.h>

#include "transport/transport.h"

/* RFC 8011 4.1.6: 0x0000..0x00ff are the successful status codes. */
#define IPP_SUCCESS_LAST 0x00ff

/* status_name, or the status in hexadecimal as RFC 8011 writes it. */
static const char *status_words(int status, const char *status_name, char *buf, size_t size)
{
	if (status_name != NULL && *status_name != '\0')
		return status_name;
	snprintf(buf, size, "IPP status 0x%04x", (unsigned)status & 0xffffu);
	return buf;
}

/* ": words" when CUPS said something, "" when not. */
static const char *said(const char *words, char *buf, size_t size)
{
	if (words == NULL || *words == '\0')
		return "";
	snprintf(buf, size, ": %.120s", words);
	return buf;
}

static int queue_not_found(const struct cups_status_target *target, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "printer %s: no such CUPS queue on %s (create it: lpadmin -p %s -E -v usb://... -m raw, "
		 "or set --printer)",
		 target->printer, target->server, target->queue);
	return TRANSPORT_ERR_QUEUE_NOT_FOUND;
}

static int queue_stopped(const struct cups_status_target *target, bool stopped, bool rejecting,
			 const char *message, char *err, size_t errlen)
{
	char words[128];

	if (stopped && rejecting)
		snprintf(err, errlen,
			 "printer %s: the CUPS queue is stopped and rejects jobs%s (resume it: "
			 "cupsenable %s; cupsaccept %s)",
			 target->printer, said(message, words, sizeof words), target->queue,
			 target->queue);
	else if (stopped)
		snprintf(err, errlen, "printer %s: the CUPS queue is stopped%s (resume it: cupsenable %s)",
			 target->printer, said(message, words, sizeof words), target->queue);
	else
		snprintf(err, errlen,
			 "printer %s: the CUPS queue rejects jobs%s (let it take them: cupsaccept %s)",
			 target->printer, said(message, words, sizeof words), target->queue);
	return TRANSPORT_ERR_QUEUE_STOPPED;
}

static int spooler_unavailable(const struct cups_status_target *target, const char *message,
			       char *err, size_t errlen)
{
	char words[128];

	snprintf(err, errlen,
		 "printer %s: CUPS at %s is not available%s (restart it: systemctl restart cups)",
		 target->printer, target->server, said(message, words, sizeof words));
	return TRANSPORT_ERR_SPOOLER_DOWN;
}

static int not_allowed(const struct cups_status_target *target, const char *what, char *err,
		       size_t errlen)
{
	snprintf(err, errlen,
		 "printer %s: CUPS at %s does not let this service print to %s (%s; the queue's policy "
		 "in /etc/cups/cupsd.conf must allow printing without a password)",
		 target->printer, target->server, target->queue, what);
	return TRANSPORT_ERR_IO;
}

int cups_status_of_queue(const struct cups_status_target *target,
			 const struct cups_queue_state *state, char *err, size_t errlen)
{
	bool stopped, rejecting;

	if (state->status > IPP_SUCCESS_LAST)
		return cups_status_of_ipp(target, state->status, state->status_name,
					  state->status_message, err, errlen);
	stopped = state->printer_state == CUPS_PRINTER_STATE_STOPPED;
	rejecting = state->accepting == 0;
	/* A stopped queue still takes jobs and prints them once resumed: the
	 * drawer would spring open later, in front of nobody. Refuse now. */
	if (stopped || rejecting)
		return queue_stopped(target, stopped, rejecting, state->state_message, err, errlen);
	return 0;
}

int cups_status_of_ipp(const struct cups_status_target *target, int status,
		       const char *status_name, const char *status_message, char *err,
		       size_t errlen)
{
	char words[128], name[32];

	if (status >= 0 && status <= IPP_SUCCESS_LAST)
		return 0;
	switch (status) {
	case IPP_STATUS_ERROR_NOT_FOUND:
		return queue_not_found(target, err, errlen);
	case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
		return queue_stopped(target, false, true, status_message, err, errlen);
	case IPP_STATUS_ERROR_PRINTER_IS_DEACTIVATED:
		return queue_stopped(target, true, false, status_message, err, errlen);
	case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
		return spooler_unavailable(target, status_message, err, errlen);
	case IPP_STATUS_ERROR_FORBIDDEN:
	case IPP_STATUS_ERROR_NOT_AUTHENTICATED:
	case IPP_STATUS_ERROR_NOT_AUTHORIZED:
		return not_allowed(target, status_words(status, status_name, name, sizeof name),
				   err, errlen);
	default:
		snprintf(err, errlen, "printer %s: CUPS at %s answered %s%s (check the queue: lpstat -l -p %s)",
			 target->printer, target->server,
			 status_words(status, status_name, name, sizeof name),
			 said(status_message, words, sizeof words), target->queue);
		return TRANSPORT_ERR_IO;
	}
}

int cups_status_of_http(const struct cups_status_target *target, int http_status, char *err,
			size_t errlen)
{
	char what[32];

	switch (http_status) {
	case 401: /* Unauthorized */
	case 403: /* Forbidden */
		snprintf(what, sizeof what, "HTTP %d", http_status);
		return not_allowed(target, what, err, errlen);
	case 404: /* no such resource: /printers/NAME */
		return queue_not_found(target, err, errlen);
	case 503: /* Service Unavailable */
		return spooler_unavailable(target, "HTTP 503", err, errlen);
	default:
		snprintf(err, errlen,
			 "printer %s: CUPS at %s answered HTTP %d (see CUPS's error_log, usually "
			 "/var/log/cups/error_log)",
			 target->printer, target->server, http_status);
		return TRANSPORT_ERR_IO;
	}
}

int cups_status_of_connect(const struct cups_status_target *target, bool timed_out,
			   const char *reason, char *err, size_t errlen)
{
	char words[128];

	if (timed_out) {
		snprintf(err, errlen,
			 "printer %s: CUPS at %s did not accept the connection in time (is cupsd hung? "
			 "restart it: systemctl restart cups)",
			 target->printer, target->server);
		return TRANSPORT_ERR_TIMEOUT;
	}
	snprintf(err, errlen,
		 "printer %s: cannot reach CUPS at %s%s (is cupsd running? start it: systemctl start cups)",
		 target->printer, target->server, said(reason, words, sizeof words));
	return TRANSPORT_ERR_SPOOLER_DOWN;
}

int cups_status_of_exchange(const struct cups_status_target *target, bool timed_out,
			    const char *doing, const char *reason, char *err, size_t errlen)
{
	char words[128];

	if (timed_out) {
		snprintf(err, errlen,
			 "printer %s: CUPS at %s did not answer in time while %s (is cupsd hung or "
			 "overloaded? restart it: systemctl restart cups)",
			 target->printer, target->server, doing);
		return TRANSPORT_ERR_TIMEOUT;
	}
	snprintf(err, errlen,
		 "printer %s: the exchange with CUPS at %s failed while %s%s (did cupsd restart? "
		 "try again)",
		 target->printer, target->server, doing, said(reason, words, sizeof words));
	return TRANSPORT_ERR_IO;
}
