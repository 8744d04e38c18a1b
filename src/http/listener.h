/* Listening sockets as the service opens them: our own socket (exact
 * errors, dual stack, port 0), for the HTTP server and for --check-config,
 * which must meet the same conflicts the start would. */
#ifndef CASHDRAWERD_HTTP_LISTENER_H
#define CASHDRAWERD_HTTP_LISTENER_H

#include <stdbool.h>
#include <stddef.h>

/* Opens a non-blocking listening socket on address (NULL: every interface,
 * dual stack, IPv4 clients mapped) and port; shared: SO_REUSEPORT (the
 * till's lanes). Fills *fd, *bound_port and desc ("[::]:22548 (IPv4 et
 * IPv6)"). Returns 0, or a negative errno with err naming the address, the
 * cause and the fix; -EAFNOSUPPORT quietly for the wildcard without IPv6. */
int http_listener_open(const char *address, unsigned port, bool shared, int *fd_out,
		       unsigned *bound_port, char *desc, size_t desclen, char *err, size_t errlen);

/* http_listener_open for one bind setting (NULL: none given), falling back
 * to 0.0.0.0 where IPv6 is switched off. */
int http_listener_open_setting(const char *address, unsigned port, int *fd, unsigned *bound_port,
			       char *desc, size_t desclen, char *err, size_t errlen);

#endif
