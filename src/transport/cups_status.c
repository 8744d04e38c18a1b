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
	snprintf(buf, size, "statut IPP 0x%04x", (unsigned)status & 0xffffu);
	return buf;
}

/* " : « words »" when CUPS said something, "" when not: CUPS's own words,
 * quoted as it wrote them. */
static const char *said(const char *words, char *buf, size_t size)
{
	if (words == NULL || *words == '\0')
		return "";
	snprintf(buf, size, " : « %.120s »", words);
	return buf;
}

/* " : reason" (already in French, or quoted by the caller), "" when none. */
static const char *because(const char *reason, char *buf, size_t size)
{
	if (reason == NULL || *reason == '\0')
		return "";
	snprintf(buf, size, " : %.120s", reason);
	return buf;
}

static int queue_not_found(const struct cups_status_target *target, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "imprimante %s : aucune file CUPS de ce nom sur %s (créez-la : lpadmin -p %s -E -v "
		 "usb://... -m raw, ou réglez --printer)",
		 target->printer, target->server, target->queue);
	return TRANSPORT_ERR_QUEUE_NOT_FOUND;
}

static int queue_stopped(const struct cups_status_target *target, bool stopped, bool rejecting,
			 const char *message, char *err, size_t errlen)
{
	char words[160];

	if (stopped && rejecting)
		snprintf(err, errlen,
			 "imprimante %s : la file CUPS est arrêtée et refuse les travaux%s (relancez-la : "
			 "cupsenable %s ; cupsaccept %s)",
			 target->printer, said(message, words, sizeof words), target->queue,
			 target->queue);
	else if (stopped)
		snprintf(err, errlen, "imprimante %s : la file CUPS est arrêtée%s (relancez-la : "
			 "cupsenable %s)",
			 target->printer, said(message, words, sizeof words), target->queue);
	else
		snprintf(err, errlen,
			 "imprimante %s : la file CUPS refuse les travaux%s (faites-les-lui accepter : "
			 "cupsaccept %s)",
			 target->printer, said(message, words, sizeof words), target->queue);
	return TRANSPORT_ERR_QUEUE_STOPPED;
}

static int spooler_unavailable(const struct cups_status_target *target, const char *message,
			       char *err, size_t errlen)
{
	char words[160];

	snprintf(err, errlen,
		 "imprimante %s : CUPS sur %s n'est pas disponible%s (redémarrez-le : systemctl "
		 "restart cups)",
		 target->printer, target->server, said(message, words, sizeof words));
	return TRANSPORT_ERR_SPOOLER_DOWN;
}

static int not_allowed(const struct cups_status_target *target, const char *what, char *err,
		       size_t errlen)
{
	snprintf(err, errlen,
		 "imprimante %s : CUPS sur %s ne laisse pas ce service imprimer sur %s (%s ; la "
		 "politique de la file dans /etc/cups/cupsd.conf doit permettre d'imprimer sans mot "
		 "de passe)",
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
	char words[160], name[32];

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
		snprintf(err, errlen, "imprimante %s : CUPS sur %s a répondu %s%s (vérifiez la file : "
			 "lpstat -l -p %s)",
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
			 "imprimante %s : CUPS sur %s a répondu HTTP %d (voyez le error_log de CUPS, en "
			 "général /var/log/cups/error_log)",
			 target->printer, target->server, http_status);
		return TRANSPORT_ERR_IO;
	}
}

int cups_status_of_connect(const struct cups_status_target *target, bool timed_out,
			   const char *reason, char *err, size_t errlen)
{
	char words[160];

	if (timed_out) {
		snprintf(err, errlen,
			 "imprimante %s : CUPS sur %s n'a pas accepté la connexion à temps (cupsd est-il "
			 "bloqué ? redémarrez-le : systemctl restart cups)",
			 target->printer, target->server);
		return TRANSPORT_ERR_TIMEOUT;
	}
	snprintf(err, errlen,
		 "imprimante %s : CUPS injoignable sur %s%s (cupsd tourne-t-il ? démarrez-le : "
		 "systemctl start cups)",
		 target->printer, target->server, because(reason, words, sizeof words));
	return TRANSPORT_ERR_SPOOLER_DOWN;
}

int cups_status_of_exchange(const struct cups_status_target *target, bool timed_out,
			    const char *doing, const char *reason, char *err, size_t errlen)
{
	char words[160];

	if (timed_out) {
		snprintf(err, errlen,
			 "imprimante %s : CUPS sur %s n'a pas répondu à temps pendant %s (cupsd est-il "
			 "bloqué ou surchargé ? redémarrez-le : systemctl restart cups)",
			 target->printer, target->server, doing);
		return TRANSPORT_ERR_TIMEOUT;
	}
	snprintf(err, errlen,
		 "imprimante %s : l'échange avec CUPS sur %s a échoué pendant %s%s (cupsd a-t-il "
		 "redémarré ? réessayez)",
		 target->printer, target->server, doing, because(reason, words, sizeof words));
	return TRANSPORT_ERR_IO;
}
