/* Access decisions (pure): which peers count as loopback, and who may use
 * which endpoint: the peer address, the Host, the page's origin, the client's
 * network and token. The socket's peer address alone decides "loopback";
 * headers never make a peer local. */
#ifndef CASHDRAWERD_ACCESS_H
#define CASHDRAWERD_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "admission/cidr.h"
#include "settings/config.h"
#include "admission/origin.h"

struct sockaddr;

/* 46 = INET6_ADDRSTRLEN */
#define ACCESS_ADDRESS_MAX 46
#define ACCESS_TOKEN_MAX 256

/* True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. NULL is not loopback. */
bool access_is_loopback(const struct sockaddr *address);

/* The peer's address as text for logs and /status: dotted IPv4, including
 * for IPv4-mapped IPv6 peers (as the replaced system showed them); IPv6
 * otherwise. "unknown" when address is NULL or of another family. */
void access_format_address(const struct sockaddr *address, char *buf, size_t size);

/* The settings that decide access, parsed once at start. */
struct access_policy {
	char origins[CONFIG_LIST_MAX][ORIGIN_MAX]; /* normalised; none: any origin */
	size_t origin_count;
	struct cidr networks[CONFIG_LIST_MAX]; /* none: any network */
	size_t network_count;
	char token[ACCESS_TOKEN_MAX]; /* empty: no token */
};

/* Builds the policy from allowed_origins, allowed_networks and token.
 * Returns 0 or -EINVAL with err as "key: reason". */
int access_policy_init(struct access_policy *policy, const struct config *config, char *err,
		       size_t errlen);

/* The request headers access looks at; NULL when absent. */
struct access_headers {
	const char *host;
	const char *origin;
	const char *referer;
	const char *fetch_site;    /* Sec-Fetch-Site */
	const char *authorization;
};

/* What the page's origin was judged from. */
enum access_basis {
	ACCESS_BASIS_NONE,       /* none of them: not a browser (first: a zeroed verdict) */
	ACCESS_BASIS_ORIGIN,     /* the Origin header */
	ACCESS_BASIS_REFERER,    /* the origin of the Referer */
	ACCESS_BASIS_FETCH_SITE, /* Sec-Fetch-Site only */
};

struct access_origin_verdict {
	bool allowed;           /* may use a loopback-only endpoint */
	bool cors;              /* Origin is listed: answers carry Access-Control-Allow-Origin */
	enum access_basis basis;
	char origin[ORIGIN_MAX]; /* normalised; as received (cut) when it does not parse */
};

/* Judges the page behind a request: by Origin, else the Referer's origin,
 * else Sec-Fetch-Site (same-origin, none and absent pass; same-site and
 * cross-site do not). A present Origin decides alone, even when the Referer
 * is listed. With no origin listed, every request is allowed (open policy)
 * and none gets CORS. */
void access_judge_origin(const struct access_policy *policy, const struct access_headers *headers,
			 struct access_origin_verdict *verdict);

/* For the log: "origine http://evil.example non autorisée (Origin)". */
void access_describe_origin(const struct access_origin_verdict *verdict, char *buf, size_t size);

/* How an endpoint is protected: a per-route property. */
enum access_route {
	ACCESS_ROUTE_LOOPBACK_ONLY, /* loopback peer, loopback Host, allowed origin */
	ACCESS_ROUTE_NETWORK,       /* allowed_networks and token (the till itself is exempt) */
};

enum access_outcome {
	ACCESS_ALLOWED,
	ACCESS_NOT_LOCAL,
	ACCESS_HOST_NOT_ALLOWED,
	ACCESS_ORIGIN_NOT_ALLOWED,
	ACCESS_NETWORK_NOT_ALLOWED,
	ACCESS_TOKEN_REQUIRED,
	ACCESS_TOKEN_INVALID,
};

struct access_decision {
	enum access_outcome outcome;
	struct access_origin_verdict origin; /* always filled: CORS needs it */
};

/* The whole decision for one request. preflight: an OPTIONS request, which
 * browsers send without credentials, so the token is not asked. A network
 * route exempts the till itself: a loopback peer naming a loopback Host (or
 * none); a loopback peer naming another Host may be a DNS-rebinding page and
 * is judged like any client. */
void access_decide(const struct access_policy *policy, enum access_route route,
		   const struct sockaddr *peer, const struct access_headers *headers, bool preflight,
		   struct access_decision *decision);

/* The stable code ("origin_not_allowed"), NULL for ACCESS_ALLOWED. */
const char *access_outcome_code(enum access_outcome outcome);
/* 403, or 401 for the token outcomes; 200 for ACCESS_ALLOWED. */
unsigned access_outcome_status(enum access_outcome outcome);
/* The French message of the answer's body. */
const char *access_outcome_message(enum access_outcome outcome);

/* True when authorization is "Bearer TOKEN" with token's value (scheme
 * case-insensitive); compared in constant time. */
bool access_token_matches(const char *authorization, const char *token);

#endif
