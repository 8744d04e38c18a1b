/* Who gets in (see admission.h). */
#include "admission/admission.h"

#include <stdio.h>
#include <string.h>

#include "admission/cors.h"

/* The log's reason for a refusal. */
static void describe_refusal(const struct admission_request *request,
			     const struct access_decision *decision, char *buf, size_t size)
{
	const char *host = request->headers.host;

	switch (decision->outcome) {
	case OUTCOME_HOST_NOT_ALLOWED:
		snprintf(buf, size,
			 "hôte %.200s non autorisé (seuls localhost, 127.x.x.x et [::1] le sont : "
			 "rebond DNS ?)",
			 host != NULL ? host : "?");
		break;
	case OUTCOME_ORIGIN_NOT_ALLOWED:
		access_describe_origin(&decision->origin, buf, size);
		break;
	case OUTCOME_NETWORK_NOT_ALLOWED:
		snprintf(buf, size, "adresse hors de allowed_networks");
		break;
	case OUTCOME_TOKEN_REQUIRED:
		snprintf(buf, size, "sans jeton (en-tête Authorization absent)");
		break;
	case OUTCOME_TOKEN_INVALID:
		snprintf(buf, size, "jeton invalide");
		break;
	default:
		/* not_local: the replaced system's line, word for word */
		snprintf(buf, size, "%s", outcome_message(decision->outcome));
	}
}

/* A preflight of a request that may go on: CORS for a listed origin only. */
static void answer_preflight(const struct admission_request *request,
			     const struct access_origin_verdict *origin,
			     struct admission_verdict *verdict)
{
	const char *private_network = request->private_network;

	verdict->outcome = OUTCOME_PREFLIGHT;
	endpoint_allow(request->endpoint, verdict->allow_methods, sizeof verdict->allow_methods);
	if (origin->cors) {
		cors_allow_headers(request->request_headers, verdict->allow_headers,
				   sizeof verdict->allow_headers);
		/* Private Network Access (older Chrome and Edge): a public page asking
		 * for a private address; Chrome's Local Network Access replaced it with
		 * a permission prompt, but older browsers still ask. */
		verdict->allow_private_network =
			private_network != NULL && strcmp(private_network, "true") == 0;
		snprintf(verdict->detail, sizeof verdict->detail, "CORS accordé à %s", origin->origin);
	} else if (origin->basis == ACCESS_BASIS_ORIGIN) {
		snprintf(verdict->detail, sizeof verdict->detail,
			 "sans CORS : origine %.200s absente de allowed_origins", origin->origin);
	} else {
		snprintf(verdict->detail, sizeof verdict->detail, "sans Origin");
	}
}

void admission_check(const struct access_policy *policy, const struct admission_request *request,
		     struct admission_verdict *verdict)
{
	struct access_decision decision;
	enum endpoint endpoint = request->endpoint < ENDPOINT_COUNT ? request->endpoint : ENDPOINT_OTHER;

	memset(verdict, 0, sizeof *verdict);
	access_decide(policy, endpoint_table[endpoint].protection, request->peer, &request->headers,
		      request->preflight, &decision);
	if (decision.origin.cors)
		snprintf(verdict->allow_origin, sizeof verdict->allow_origin, "%s",
			 decision.origin.origin);
	verdict->vary_origin = decision.origin.basis == ACCESS_BASIS_ORIGIN;
	verdict->outcome = decision.outcome;
	if (decision.outcome != OUTCOME_OK)
		describe_refusal(request, &decision, verdict->detail, sizeof verdict->detail);
	else if (request->preflight)
		answer_preflight(request, &decision.origin, verdict);
}
