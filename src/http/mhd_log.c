/* libmicrohttpd's own messages into the log (see request_cycle.h). */
#include "http/request_cycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/connections.h"

/* libmicrohttpd's messages (English) that a client can cause: each is
 * about one request it refused or saw cut short. They name no client; each
 * such request has its own line with the client's address (http_cycle_completed,
 * or connections.c's at the close) wherever the system counts a socket's
 * bytes, and they are then left out. How they start: */
static const char *const mhd_request_messages[] = {
	"Error processing request (HTTP response code is",
	"Connection was closed by remote side with incomplete request",
	"Socket has been disconnected when reading request",
	"Connection socket is closed when reading request",
	"Too large value of 'Content-Length' header",
	"Failed to parse `Content-Length' header",
	"Not enough memory in pool to allocate header record",
};
/* ...and what the log says of each, in the same order (%u: the number
 * after the words, the HTTP status). */
static const char *const french_request_messages[] = {
	"requête refusée avec l'erreur HTTP %u : connexion fermée",
	"connexion fermée par le client au milieu d'une requête",
	"connexion coupée pendant la lecture d'une requête",
	"connexion fermée pendant la lecture d'une requête",
	"en-tête Content-Length trop grand : connexion fermée",
	"en-tête Content-Length illisible : connexion fermée",
	"en-têtes trop grands pour la mémoire d'une connexion : erreur 431 renvoyée",
};
_Static_assert(sizeof mhd_request_messages == sizeof french_request_messages,
	       "un texte français par message");

/* The message's French words into french; false when it is not about one
 * request. */
static bool about_one_request(const char *message, char *french, size_t size)
{
	for (size_t i = 0; i < sizeof mhd_request_messages / sizeof mhd_request_messages[0]; i++) {
		size_t length = strlen(mhd_request_messages[i]);

		if (strncmp(message, mhd_request_messages[i], length) == 0) {
			snprintf(french, size, french_request_messages[i],
				 (unsigned)strtoul(message + length, NULL, 10));
			return true;
		}
	}
	return false;
}

/* libmicrohttpd's words when GnuTLS's handshake fails, whatever the cause */
#define TLS_HANDSHAKE_FAILED "Error: received handshake message out of context"

void http_cycle_mhd_log(void *cls, const char *format, va_list ap)
{
	struct http_cycle *cycle = cls;
	char message[512], french[128];
	size_t len;

	vsnprintf(message, sizeof message, format, ap);
	len = strlen(message);
	while (len > 0 && message[len - 1] == '\n')
		message[--len] = '\0';
	/* GnuTLS's handshake failed (libmicrohttpd says no more than that):
	 * the connection's own line names the client (connections.c) */
	if (strncmp(message, TLS_HANDSHAKE_FAILED, sizeof TLS_HANDSHAKE_FAILED - 1) == 0)
		return;
	if (!about_one_request(message, french, sizeof french)) {
		/* NULL: no client address here, the library's messages share a budget */
		rotlog_write_client(cycle->context->log, NULL, ROTLOG_LIMITED, ROTLOG_WARNING,
				    "HTTP : message de libmicrohttpd « %s »", message);
		return;
	}
	if (cycle->connections != NULL && http_connections_count_traffic(cycle->connections))
		return;
	rotlog_write_client(cycle->context->log, NULL, ROTLOG_LIMITED, ROTLOG_WARNING, "HTTP : %s",
			    french);
}
