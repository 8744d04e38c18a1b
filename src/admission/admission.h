/* Who gets in: the one decision the HTTP edge asks for each request, from
 * the endpoint, the peer's address and the headers that matter (Host,
 * Origin, Referer, Sec-Fetch-Site, Authorization, and a preflight's
 * Access-Control-Request-*): allowed or which refusal, the log's reason,
 * and the CORS headers of the answer. Pure; the rules are access.c's
 * (peer, Host, origin, network, token) and cors.c's (preflight headers);
 * the connection budget (connlimit.c) is judged earlier, at accept. */
#ifndef CASHDRAWERD_ADMISSION_H
#define CASHDRAWERD_ADMISSION_H

#include <stdbool.h>

#include "admission/access.h"
#include "base/endpoint.h"
#include "base/outcome.h"

struct admission_request {
	enum endpoint endpoint;
	bool preflight; /* an OPTIONS request */
	const struct sockaddr *peer;
	struct access_headers headers;
	const char *request_headers; /* Access-Control-Request-Headers */
	const char *private_network; /* Access-Control-Request-Private-Network */
};

struct admission_verdict {
	/* OUTCOME_OK: go on; OUTCOME_PREFLIGHT: answer the preflight (204) with
	 * the headers below; anything else: the refusal to answer */
	enum outcome outcome;
	char detail[ORIGIN_MAX + 160]; /* the log line's reason, empty: none */
	/* Access-Control-Allow-Origin: only a listed origin, never "*" (an
	 * unlisted page may still send a no-cors request, never read an answer) */
	char allow_origin[ORIGIN_MAX]; /* empty: none */
	bool vary_origin;              /* the answer depends on Origin */
	/* a preflight's answer */
	char allow_methods[32];
	char allow_headers[512];
	bool allow_private_network;
};

void admission_check(const struct access_policy *policy, const struct admission_request *request,
		     struct admission_verdict *verdict);

#endif
