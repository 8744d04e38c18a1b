/* Waiting on one descriptor until an absolute monotonic deadline, shared by
 * the POSIX transports. */
#ifndef CASHDRAWERD_FDWAIT_H
#define CASHDRAWERD_FDWAIT_H

#include <stddef.h>
#include <stdint.h>

/* Polls fd for events (POLLIN/POLLOUT) until deadline_ms. Returns 1 when
 * ready (or in error: the next call says which), 0 when the deadline passed,
 * or -errno. EINTR is retried. */
int fdwait(int fd, short events, int64_t deadline_ms);

/* Writes all of buf to a non-blocking fd before deadline_ms. Returns 0,
 * TRANSPORT_ERR_TIMEOUT, or -errno of the failed write. */
int fdwait_write_all(int fd, const void *buf, size_t len, int64_t deadline_ms, int is_socket);

#endif
