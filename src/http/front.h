/* The front door of a port that speaks HTTP and HTTPS: our own accept loop
 * (the connection budget at the accept) and a poll set of connections whose
 * first byte has not come yet, each with the request timeout's deadline;
 * 0x16 (a TLS handshake record) hands the connection to the HTTPS daemon,
 * any other byte to the plain one. Internal to src/http/. */
#ifndef CASHDRAWERD_HTTP_FRONT_H
#define CASHDRAWERD_HTTP_FRONT_H

#include <microhttpd.h>
#include <stddef.h>

#include "http/connections.h"
#include "http/context.h"

struct http_front;

/* Starts the front's thread on listening socket fd (which it then owns);
 * plain and tls are daemons started with MHD_USE_NO_LISTEN_SOCKET. Returns 0
 * or a negative errno with err filled. */
int http_front_start(struct http_front **front, int fd, struct MHD_Daemon *plain,
		     struct MHD_Daemon *tls, struct http_connections *connections,
		     struct daemon_context *context, char *err, size_t errlen);

/* Stops accepting and closes the connections still silent; the listening
 * socket is closed. Before the daemons stop. NULL is fine. */
void http_front_stop(struct http_front *front);

#endif
