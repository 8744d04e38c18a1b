/* Waiting on one descriptor until an absolute monotonic deadline, and the
 * write and close shared by the POSIX transports. */
#ifndef CASHDRAWERD_FDWAIT_H
#define CASHDRAWERD_FDWAIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Polls fd for events (POLLIN/POLLOUT) until deadline_ms. Returns 1 when
 * ready (or in error: the next call says which), 0 when the deadline passed,
 * or -errno. EINTR is retried. */
int fdwait(int fd, short events, int64_t deadline_ms);

/* Writes all of buf to non-blocking fd (a socket when is_socket: no SIGPIPE)
 * before deadline_ms. Returns 0, TRANSPORT_ERR_TIMEOUT, or -errno. */
int fdwait_write_all(int fd, const void *buf, size_t len, int64_t deadline_ms, bool is_socket);

struct transport;

/* Writes all of buf to transport->fd (non-blocking; a socket when is_socket)
 * before deadline_ms. Returns 0 or a transport_error with err saying what
 * failed and what to check: a socket the printer reset or closed is
 * TRANSPORT_ERR_CONNECTION_LOST. */
int fdwait_transport_write(struct transport *transport, const void *buf, size_t len,
			   int64_t deadline_ms, bool is_socket, char *err, size_t errlen);

/* What a printer that closed or reset the connection may be doing. */
#define FDWAIT_CONNECTION_LOST_WHY                                                          \
	"a fermé ou réinitialisé la connexion (redémarre-t-elle, ou est-elle occupée par un "  \
	"autre ordinateur ?)"

/* Fills err with what a connection the printer closed or reset means, and
 * returns TRANSPORT_ERR_CONNECTION_LOST. */
int fdwait_connection_lost(struct transport *transport, char *err, size_t errlen);

/* Closes transport->fd if open. */
void fdwait_transport_close(struct transport *transport);

#endif
