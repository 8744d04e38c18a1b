/* The service's endpoints: one table of every path with how it is
 * protected, which methods and body it takes, and its name in /metrics.
 * Pure data; the HTTP edge binds a handler to each (src/http/routes.c), and
 * the 404 message, the metrics' labels and the docs derive from this table. */
#ifndef CASHDRAWERD_ENDPOINT_H
#define CASHDRAWERD_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

/* How an endpoint is protected (src/admission decides). */
enum endpoint_protection {
	ENDPOINT_LOOPBACK_ONLY, /* loopback peer, loopback Host, allowed origin */
	ENDPOINT_NETWORK,       /* allowed_networks and token (the till itself is exempt) */
};

/* Methods, as a set. */
enum endpoint_method {
	ENDPOINT_GET = 1 << 0,
	ENDPOINT_HEAD = 1 << 1,
	ENDPOINT_OPTIONS = 1 << 2,
	ENDPOINT_POST = 1 << 3,
};
#define ENDPOINT_READ (ENDPOINT_GET | ENDPOINT_HEAD | ENDPOINT_OPTIONS)

/* X(NAME, path, protection, methods, max_body)
 * max_body: the largest request body it takes, in bytes (0: none; a body
 * is then refused before a byte of it is read). The path is also its label
 * in /metrics. */
#define ENDPOINTS(X)                                                                        \
	X(PAGE, "/", NETWORK, ENDPOINT_READ, 0)                                             \
	X(OPEN, "/open-cash-drawer", LOOPBACK_ONLY, ENDPOINT_READ, 0)                       \
	X(STATUS, "/status", NETWORK, ENDPOINT_READ, 0)                                     \
	X(LOGS, "/logs", NETWORK, ENDPOINT_READ, 0)                                         \
	X(METRICS, "/metrics", NETWORK, ENDPOINT_READ, 0)

#define ENDPOINT_ENUM(name, path, protection, methods, max_body) ENDPOINT_##name,
/* ENDPOINT_OTHER: any other path (its label "other", so that a scanner's
 * paths never grow the metrics). */
enum endpoint { ENDPOINTS(ENDPOINT_ENUM) ENDPOINT_OTHER, ENDPOINT_COUNT };
#undef ENDPOINT_ENUM

struct endpoint_info {
	const char *path; /* "other" for ENDPOINT_OTHER */
	enum endpoint_protection protection;
	unsigned methods;
	uint64_t max_body;
};

extern const struct endpoint_info endpoint_table[ENDPOINT_COUNT];

/* The endpoint of a decoded path (exact match), ENDPOINT_OTHER if none. */
enum endpoint endpoint_of_path(const char *path);

/* The method's bit, 0 for a method no endpoint takes. */
unsigned endpoint_method_of(const char *method);

/* "GET, HEAD, OPTIONS": the Allow header of an endpoint's methods, into buf
 * (at least 32 bytes). */
void endpoint_allow(enum endpoint endpoint, char *buf, size_t size);

/* "/, /open-cash-drawer, /status, /logs, /metrics" into buf (cut to fit). */
void endpoint_list(char *buf, size_t size);

#endif
