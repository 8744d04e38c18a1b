/* Connection limits glue: libmicrohttpd's accept policy and connection
 * notifications feed the connection budget (connlimit.c), a watchdog thread
 * closes connections that take longer than request_timeout_s to send a
 * request, body included (slowloris), and a connection that closes with
 * bytes no logged request accounts for gets a line of its own. Internal to
 * src/http/. */
#ifndef CASHDRAWERD_HTTP_CONNECTIONS_H
#define CASHDRAWERD_HTTP_CONNECTIONS_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/context.h"
#include "http/traffic.h"

struct http_connections;

/* The budget's settings and counters, for /status. */
struct http_connection_stats {
	unsigned max_connections, per_ip, lan_max, lan_open;
	uint64_t refused;   /* LAN connections closed at once: over a cap */
	uint64_t timed_out; /* connections closed by request_timeout_s */
};

/* Starts the watchdog. Returns 0 or a negative errno with err filled. */
int http_connections_create(struct http_connections **connections, struct daemon_context *context,
			    char *err, size_t errlen);
/* Stops the watchdog and frees; call once every MHD daemon is stopped. */
void http_connections_destroy(struct http_connections *connections);

/* The budget's verdict on a connection front.c accepted: 1 admitted and
 * counted (http_connections_release it if it never reaches libmicrohttpd),
 * -1 refused (logged). */
int http_connections_admit(struct http_connections *connections, const struct sockaddr *address);
void http_connections_release(struct http_connections *connections, const struct sockaddr *address);
/* front.c closed a connection whose first byte never came in time. */
void http_connections_note_timeout(struct http_connections *connections);
/* front.c hands fd to libmicrohttpd (MHD_add_connection, right after): its
 * admission (counted), peer and clock (since accepted_ms) go with it, and
 * whether it is HTTPS. 0 or -ENOMEM. */
int http_connections_hand_over(struct http_connections *connections, int fd,
			       const struct sockaddr *peer, bool counted, int64_t accepted_ms,
			       bool tls);
/* libmicrohttpd refused fd (MHD_add_connection failed): its admission ends. */
void http_connections_take_back(struct http_connections *connections, int fd);

/* MHD_AcceptPolicyCallback; cls is the http_connections. */
enum MHD_Result http_connections_accept(void *cls, const struct sockaddr *address,
					socklen_t length);
/* MHD_NotifyConnectionCallback; cls is the http_connections. */
void http_connections_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
			     enum MHD_ConnectionNotificationCode code);

/* The request has all arrived (body included: whole), or been answered
 * before its body was read: its clock stops. */
void http_connections_request_received(struct MHD_Connection *connection, bool whole);
/* The request is over (its line is logged): the clock runs for the next one
 * on this connection, and the bytes so far are accounted for. */
void http_connections_request_done(struct MHD_Connection *connection);
/* True when the watchdog closed this connection (its request timed out). */
bool http_connections_timed_out(struct MHD_Connection *connection);

/* True once the system is known to count a socket's bytes: connections that
 * close are then accounted for by the lines above, and the HTTP library's
 * own messages about single requests (which name no client) are redundant. */
bool http_connections_count_traffic(struct http_connections *connections);

/* The socket's counters (traffic_read.c). Returns 0, -ENOTSUP where the
 * system does not count (Windows before 10 version 1703, Wine), or -errno. */
int http_traffic_read(int fd, struct traffic *traffic);

void http_connections_stats(struct http_connections *connections,
			    struct http_connection_stats *stats);

#endif
