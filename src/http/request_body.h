/* Request bodies (pure): whether a request may carry one, decided from its
 * framing headers alone, before a byte of the body is read. A route declares
 * the largest body it takes (0: none, the case of every endpoint today); a
 * body it does not take is refused at once and never read, so a client
 * trickling a body holds nothing. */
#ifndef CASHDRAWERD_REQUEST_BODY_H
#define CASHDRAWERD_REQUEST_BODY_H

#include <stdbool.h>
#include <stdint.h>

/* What the headers say about the body. */
struct request_framing {
	unsigned content_lengths; /* Content-Length headers received */
	uint64_t content_length;  /* the first one's value */
	bool transfer_encoding;   /* a Transfer-Encoding header, whatever its value */
};

/* Why a request is refused, for its answer and its log line. */
struct request_body_refusal {
	unsigned status;
	const char *code;    /* stable identifier: the JSON "error" and the log's outcome */
	const char *message; /* French, for the client */
};

/* True when the headers announce a body: Content-Length above 0, or any
 * Transfer-Encoding (which overrides Content-Length, RFC 9112 6.3). */
bool request_body_announced(const struct request_framing *framing);

/* True, with refusal filled, when the request's end cannot be trusted: two
 * Content-Length headers, equal or not (400, whatever the route). Its answer
 * must close the connection: what follows on it is not a request. */
bool request_framing_refused(const struct request_framing *framing,
			     struct request_body_refusal *refusal);

/* True, with refusal filled, when a route taking at most max_body bytes
 * (0: none) cannot take the body announced: 413 when it takes none or less
 * than the Content-Length, 411 for a body without Content-Length (its size
 * must be known before it is read). False when there is no body or the
 * route takes it. */
bool request_body_refused(const struct request_framing *framing, uint64_t max_body,
			  struct request_body_refusal *refusal);

#endif
