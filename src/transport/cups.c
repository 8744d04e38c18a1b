/* CUPS queues (cups:NAME, and bare names on Linux): init loads libcups;
 * open connects to cupsd and checks that the queue exists and would print
 * now; each write is one raw Print-Job; close hangs up. Every wait is
 * bounded by the deadline. libcups is called through cups_library(). */
#include <cups/cups.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/errno_text.h"
#include "transport/cups_library.h"
#include "transport/cups_status.h"
#include "transport/transport.h"

/* How often a wait inside libcups asks in_time whether to go on. */
#define CUPS_WAIT_SLICE_S 0.05

struct cups_session {
	http_t *http;
	int64_t deadline_ms;
	bool timed_out; /* in_time said stop: the deadline passed inside libcups */
	char server[HTTP_MAX_HOST + 16];   /* as reached, for messages */
	char resource[PRINTER_URI_PATH_MAX + 16];   /* /printers/NAME */
	char printer_uri[3 * PRINTER_URI_PATH_MAX + 64]; /* ipp://localhost:631/printers/NAME */
	struct cups_status_target target;
};

/* httpSetTimeout's callback: each wait lasts CUPS_WAIT_SLICE_S, after which
 * libcups asks whether to go on waiting (1) or give up (0). */
static int in_time(http_t *http, void *data)
{
	struct cups_session *session = data;

	(void)http;
	if (clock_monotonic_ms() < session->deadline_ms)
		return 1;
	session->timed_out = true;
	return 0;
}

/* libcups's words for the last failure of this thread, never NULL. */
static const char *last_error(void)
{
	const struct cups_library *cups = cups_library();
	const char *words = cups->cupsLastErrorString();

	return words != NULL ? words : "";
}

/* libcups's words for why a connection failed, in French: libcups gives
 * the system's (English) text of an errno, found back here; other words
 * are quoted as libcups wrote them. */
static const char *connection_failure(const char *server, char *buf, size_t size)
{
	static const int known[] = {ECONNREFUSED, ENOENT,    EACCES,     ETIMEDOUT, ENETUNREACH,
				    EHOSTUNREACH, ECONNRESET, EPIPE,     ENOMEM};
	const char *reason = last_error();

	if (server[0] == '/' && access(server, F_OK) != 0)
		return "le socket n'existe pas";
	/* libcups reports a refused connection as "host down" once it has tried
	 * every address: on the loopback or a socket, nothing listens. */
	if (strcmp(reason, strerror(EHOSTDOWN)) == 0)
		return "connexion refusée";
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(reason, strerror(known[i])) == 0)
			return errno_text(known[i]);
	if (reason[0] == '\0')
		return "";
	snprintf(buf, size, "« %.120s »", reason);
	return buf;
}

static int connect_server(struct cups_session *session, char *err, size_t errlen)
{
	const struct cups_library *cups = cups_library();
	const char *server;
	char words[160];
	int port;
	int64_t left;

	/* Forget the server chosen last time: CUPS_SERVER, client.conf, or
	 * cupsd's socket when it exists, which may have appeared since (cupsd
	 * started after us, or started on demand by systemd on that socket). */
	cups->cupsSetServer(NULL);
	server = cups->cupsServer();
	port = cups->ippPort();
	if (server[0] == '/')
		snprintf(session->server, sizeof session->server, "%s", server);
	else if (server[0] != '[' && strchr(server, ':') != NULL) /* a bare IPv6 address */
		snprintf(session->server, sizeof session->server, "[%s]:%d", server, port);
	else
		snprintf(session->server, sizeof session->server, "%s:%d", server, port);
	left = session->deadline_ms - clock_monotonic_ms();
	if (left > 0)
		session->http = cups->httpConnect2(server, port, NULL, AF_UNSPEC,
						   cups->cupsEncryption(), 1,
						   left > 60000 ? 60000 : (int)left, NULL);
	if (session->http == NULL) {
		bool timed_out = left <= 0 || clock_monotonic_ms() >= session->deadline_ms ||
				 strcmp(last_error(), strerror(ETIMEDOUT)) == 0;

		return cups_status_of_connect(&session->target, timed_out,
					      connection_failure(server, words, sizeof words), err,
					      errlen);
	}
	cups->httpSetTimeout(session->http, CUPS_WAIT_SLICE_S, in_time, session);
	return 0;
}

/* One IPP request and its answer, with data after the request (the
 * document) when len > 0. libcups's cupsDoRequest and cupsSendRequest wait
 * a fixed second for "100 Continue" and reconnect with 30 s timeouts, which
 * no deadline bounds: this speaks the same protocol with libcups's lower
 * calls, whose every wait goes through in_time. 0 with *response set, or a
 * transport_error. */
static int exchange(struct cups_session *session, ipp_t *request, const void *data, size_t len,
		    const char *doing, ipp_t **response, char *err, size_t errlen)
{
	const struct cups_library *cups = cups_library();
	http_t *http = session->http;
	const char *connection = cups->httpGetField(http, HTTP_FIELD_CONNECTION);
	http_status_t status;
	ipp_state_t state;
	int error;
	int64_t left;

	*response = NULL;
	left = session->deadline_ms - clock_monotonic_ms();
	if (left <= 0) {
		session->timed_out = true;
		goto failed;
	}
	/* cupsd said it would close after its last answer: start afresh. */
	if (connection != NULL && strcasecmp(connection, "close") == 0 &&
	    cups->httpReconnect2(http, (int)left, NULL) != 0)
		goto failed;
	cups->httpClearFields(http);
	cups->httpSetField(http, HTTP_FIELD_CONTENT_TYPE, "application/ipp");
	cups->httpSetLength(http, cups->ippLength(request) + len);
	if (cups->httpPost(http, session->resource) != 0)
		goto failed;
	while ((state = cups->ippWrite(http, request)) != IPP_STATE_DATA)
		if (state == IPP_STATE_ERROR)
			goto failed;
	if (len > 0 && cups->httpWrite2(http, data, len) < (ssize_t)len)
		goto failed;
	while ((status = cups->httpUpdate(http)) == HTTP_STATUS_CONTINUE)
		;
	if (status == HTTP_STATUS_ERROR)
		goto failed;
	if (status != HTTP_STATUS_OK) {
		cups->httpFlush(http);
		return cups_status_of_http(&session->target, status, err, errlen);
	}
	*response = cups->ippNew();
	while ((state = cups->ippRead(http, *response)) != IPP_STATE_DATA)
		if (state == IPP_STATE_ERROR)
			goto failed;
	if (cups->httpGetState(http) != HTTP_STATE_WAITING)
		cups->httpFlush(http);
	return 0;
failed:
	cups->ippDelete(*response);
	*response = NULL;
	error = cups->httpError(http);
	return cups_status_of_exchange(&session->target, session->timed_out, doing,
				       error != 0 ? errno_text(error) : "la connexion s'est fermée", err,
				       errlen);
}

static ipp_t *new_request(const struct cups_session *session, ipp_op_t operation)
{
	const struct cups_library *cups = cups_library();
	ipp_t *request = cups->ippNewRequest(operation);

	cups->ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL,
		     session->printer_uri);
	cups->ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
		     cups->cupsUser());
	return request;
}

static const char *text_attribute(ipp_t *response, const char *name)
{
	const struct cups_library *cups = cups_library();
	ipp_attribute_t *attribute = cups->ippFindAttribute(response, name, IPP_TAG_TEXT);

	return attribute != NULL ? cups->ippGetString(attribute, 0, NULL) : NULL;
}

/* Get-Printer-Attributes: does the queue exist, is it stopped, does it take jobs? */
static int check_queue(struct cups_session *session, char *err, size_t errlen)
{
	static const char *const wanted[] = {"printer-state", "printer-is-accepting-jobs",
					     "printer-state-message"};
	const struct cups_library *cups = cups_library();
	struct cups_queue_state state = {.accepting = -1};
	ipp_attribute_t *attribute;
	ipp_t *request = new_request(session, IPP_OP_GET_PRINTER_ATTRIBUTES);
	ipp_t *response = NULL;
	int rc;

	cups->ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
		      (int)(sizeof wanted / sizeof wanted[0]), NULL, wanted);
	rc = exchange(session, request, NULL, 0, "la vérification de la file", &response, err,
		      errlen);
	if (rc < 0)
		goto out;
	state.status = cups->ippGetStatusCode(response);
	state.status_name = cups->ippErrorString(state.status);
	state.status_message = text_attribute(response, "status-message");
	state.state_message = text_attribute(response, "printer-state-message");
	attribute = cups->ippFindAttribute(response, "printer-state", IPP_TAG_ENUM);
	if (attribute != NULL)
		state.printer_state = cups->ippGetInteger(attribute, 0);
	attribute = cups->ippFindAttribute(response, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
	if (attribute != NULL)
		state.accepting = cups->ippGetBoolean(attribute, 0);
	rc = cups_status_of_queue(&session->target, &state, err, errlen);
out:
	cups->ippDelete(request);
	cups->ippDelete(response);
	return rc;
}

static void cups_close(struct transport *transport)
{
	const struct cups_library *cups = cups_library();
	struct cups_session *session = transport->backend;

	if (session == NULL)
		return;
	if (session->http != NULL)
		cups->httpClose(session->http);
	free(session);
	transport->backend = NULL;
}

static int cups_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	const struct cups_library *cups = cups_library();
	struct cups_session *session = calloc(1, sizeof *session);
	const char *queue = transport->uri->path;
	int rc;

	if (session == NULL) {
		snprintf(err, errlen, "imprimante %s : mémoire insuffisante", transport->uri_text);
		return TRANSPORT_ERR_IO;
	}
	transport->backend = session;
	session->deadline_ms = deadline_ms;
	session->target = (struct cups_status_target){
		.printer = transport->uri_text, .queue = queue, .server = session->server};
	snprintf(session->resource, sizeof session->resource, "/printers/%s", queue);
	rc = connect_server(session, err, errlen);
	if (rc < 0)
		goto out;
	/* cupsd reads the queue's name from the URI's path: the host is a formality. */
	if (cups->httpAssembleURIf(HTTP_URI_CODING_ALL, session->printer_uri,
				   sizeof session->printer_uri, "ipp", NULL, "localhost",
				   cups->ippPort(), "/printers/%s", queue) != HTTP_URI_STATUS_OK) {
		snprintf(err, errlen, "imprimante %s : le nom de la file ne tient pas dans une URI IPP",
			 transport->uri_text);
		rc = TRANSPORT_ERR_QUEUE_NOT_FOUND;
		goto out;
	}
	rc = check_queue(session, err, errlen);
out:
	if (rc < 0)
		cups_close(transport);
	return rc;
}

/* One raw Print-Job carrying buf. cupsd acts on a request only once all of
 * it has arrived, so a job cut short by a failure midway never exists and
 * never prints later: nothing is left to cancel. */
static int cups_write(struct transport *transport, const void *buf, size_t len, int64_t deadline_ms,
		      char *err, size_t errlen)
{
	const struct cups_library *cups = cups_library();
	struct cups_session *session = transport->backend;
	ipp_t *request = new_request(session, IPP_OP_PRINT_JOB);
	ipp_t *response = NULL;
	int rc;

	session->deadline_ms = deadline_ms;
	cups->ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL,
		     "cashdrawerd : ouverture du tiroir-caisse");
	cups->ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL,
		     CUPS_FORMAT_RAW);
	rc = exchange(session, request, buf, len, "l'envoi du travail", &response, err, errlen);
	if (rc == 0) {
		ipp_status_t status = cups->ippGetStatusCode(response);

		rc = cups_status_of_ipp(&session->target, status, cups->ippErrorString(status),
					text_attribute(response, "status-message"), err, errlen);
	}
	cups->ippDelete(request);
	cups->ippDelete(response);
	return rc;
}

static int cups_check(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	int rc = cups_open(transport, deadline_ms, err, errlen);

	if (rc == 0)
		cups_close(transport);
	return rc;
}

/* At start-up, and only for a CUPS printer: libcups. */
static int cups_init(struct transport *transport, char *err, size_t errlen)
{
	return cups_library_load(transport->uri_text, err, errlen);
}

const struct transport_ops transport_cups_ops = {
	.name = "cups",
	.init = cups_init,
	.open = cups_open,
	.write = cups_write,
	.read = NULL, /* a queue is write-only */
	.close = cups_close,
	.check = cups_check,
};
