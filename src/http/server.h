/* The HTTP server: listening sockets and libmicrohttpd daemons. */
#ifndef CASHDRAWERD_HTTP_SERVER_H
#define CASHDRAWERD_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/context.h"

struct http_server;

/* Listens on every configured address (default: [::] with IPv4 mapped, or
 * 0.0.0.0 where IPv6 is off) and loads HTTPS's files; serves nothing yet, so
 * that the start-up lines are in the log before the first answer. Returns 0,
 * or a negative errno with err naming the address, the cause and the fix. */
int http_server_start(struct http_server **server, struct daemon_context *context, char *err,
		      size_t errlen);

/* Starts serving what http_server_start opened (connections made meanwhile
 * wait in the listen queue). 0, or a negative errno with err filled. */
int http_server_serve(struct http_server *server, char *err, size_t errlen);

/* Where it listens, e.g. "[::]:22548 (IPv4 et IPv6)", for the start-up log. */
const char *http_server_describe(const struct http_server *server);

/* Why HTTPS is not served although the setting asks for it, for the log
 * after the start line (*error: its files cannot be used, rather than not
 * made yet); NULL otherwise. */
const char *http_server_tls_note(const struct http_server *server, bool *error);

/* Stops accepting new connections (the drawer can then be drained). */
void http_server_quiesce(struct http_server *server);

/* Closes every connection and frees. NULL is fine. */
void http_server_stop(struct http_server *server);

#endif
