/* The service's endpoints: one table of every path with how it is
 * protected, which methods and body it takes, and its name in /metrics.
 * Pure data; the HTTP edge binds a handler to each (src/http/routes.c), and
 * the 404 message, the metrics' labels and the docs derive from this table. */
#ifndef CASHDRAWERD_ENDPOINT_H
#define CASHDRAWERD_ENDPOINT_H

#include <stdbool.h>
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

/* How an endpoint words its answers: our JSON ({"status":"error","error":
 * code,"message":...} for errors), or Odoo's JSON-RPC envelope (src/http/
 * jsonrpc.h), which the POS reads. */
enum endpoint_answers { ENDPOINT_JSON, ENDPOINT_JSONRPC };

/* A JSON-RPC call of the POS, without a receipt. */
#define ENDPOINT_CALL_BODY_MAX 4096
/* default_printer_action with a receipt: a base64 JPEG 512 to 576 dots wide,
 * a few hundred KiB for a long receipt; refused from its Content-Length
 * before a byte of it is read when larger. */
#define ENDPOINT_RECEIPT_BODY_MAX (8u * 1024 * 1024)
#define ENDPOINT_CALL (ENDPOINT_POST | ENDPOINT_OPTIONS)

/* X(NAME, path, protection, methods, max_body, answers)
 * max_body: the largest request body it takes, in bytes (0: none; a body
 * is then refused before a byte of it is read). The path is also its label
 * in /metrics. The /hw_proxy/ paths are those of Odoo's IoT box, which the
 * stock POS calls (docs/odoo.md). */
#define ENDPOINTS(X)                                                                        \
	X(PAGE, "/", NETWORK, ENDPOINT_READ, 0, JSON)                                       \
	X(OPEN, "/open-cash-drawer", LOOPBACK_ONLY, ENDPOINT_READ, 0, JSON)                 \
	X(STATUS, "/status", NETWORK, ENDPOINT_READ, 0, JSON)                               \
	X(LOGS, "/logs", NETWORK, ENDPOINT_READ, 0, JSON)                                   \
	X(METRICS, "/metrics", NETWORK, ENDPOINT_READ, 0, JSON)                             \
	X(HW_HELLO, "/hw_proxy/hello", LOOPBACK_ONLY, ENDPOINT_READ, 0, JSON)               \
	X(HW_HANDSHAKE, "/hw_proxy/handshake", LOOPBACK_ONLY, ENDPOINT_CALL,                \
	  ENDPOINT_CALL_BODY_MAX, JSONRPC)                                                  \
	X(HW_STATUS, "/hw_proxy/status_json", LOOPBACK_ONLY, ENDPOINT_CALL,                 \
	  ENDPOINT_CALL_BODY_MAX, JSONRPC)                                                  \
	X(HW_ACTION, "/hw_proxy/default_printer_action", LOOPBACK_ONLY, ENDPOINT_CALL,      \
	  ENDPOINT_RECEIPT_BODY_MAX, JSONRPC)                                               \
	X(HW_OPEN_CASHBOX, "/hw_proxy/open_cashbox", LOOPBACK_ONLY, ENDPOINT_CALL,          \
	  ENDPOINT_CALL_BODY_MAX, JSONRPC)

#define ENDPOINT_ENUM(name, path, protection, methods, max_body, answers) ENDPOINT_##name,
/* ENDPOINT_OTHER: any other path (its label "other", so that a scanner's
 * paths never grow the metrics). */
enum endpoint { ENDPOINTS(ENDPOINT_ENUM) ENDPOINT_OTHER, ENDPOINT_COUNT };
#undef ENDPOINT_ENUM

struct endpoint_info {
	const char *path; /* "other" for ENDPOINT_OTHER */
	enum endpoint_protection protection;
	unsigned methods;
	uint64_t max_body;
	enum endpoint_answers answers;
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

/* GET /open-cash-drawer?read_back=true: the answer waits for the pulse and
 * says the drawer's state read back after it ("drawer"); without it, the
 * answer goes as soon as the printer has the kick (docs/http-api.md). A
 * query string, not a header: a browser's plain no-cors GET can send it. */
#define ENDPOINT_OPEN_READ_BACK "read_back"

/* Whether a flag of the query is on. present: the parameter was given;
 * value: its value as decoded (NULL for a bare "?read_back"). Only false,
 * 0, no and off turn it off: a client that names it wants it. */
bool endpoint_query_flag(bool present, const char *value);

#endif
