/* Request bodies (pure): whether a request may carry one, decided from its
 * framing headers alone, before a byte of the body is read. A route declares
 * the largest body it takes (0: none, the case of every endpoint today); a
 * body it does not take is refused at once and never read, so a client
 * trickling a body holds nothing. */
#ifndef CASHDRAWERD_REQUEST_BODY_H
#define CASHDRAWERD_REQUEST_BODY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/outcome.h"

/* What the headers say about the body. */
struct request_framing {
	unsigned content_lengths; /* Content-Length headers received */
	uint64_t content_length;  /* the first one's value */
	bool transfer_encoding;   /* a Transfer-Encoding header, whatever its value */
};

/* True when the headers announce a body: Content-Length above 0, or any
 * Transfer-Encoding (which overrides Content-Length, RFC 9112 6.3). */
bool request_body_announced(const struct request_framing *framing);

/* OUTCOME_DUPLICATE_CONTENT_LENGTH when the request's end cannot be
 * trusted: two Content-Length headers, equal or not (whatever the route);
 * OUTCOME_OK otherwise. Its answer must close the connection: what follows
 * on it is not a request. */
enum outcome request_framing_refused(const struct request_framing *framing);

/* Why an endpoint taking at most max_body bytes (0: none) cannot take the
 * body announced: OUTCOME_BODY_NOT_ALLOWED (it takes none),
 * OUTCOME_BODY_TOO_LARGE (more than max_body), OUTCOME_LENGTH_REQUIRED (no
 * Content-Length: its size must be known before it is read); OUTCOME_OK
 * when there is no body or the endpoint takes it. */
enum outcome request_body_refused(const struct request_framing *framing, uint64_t max_body);

#endif
