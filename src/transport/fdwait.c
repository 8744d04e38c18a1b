/* Waiting on one descriptor until an absolute monotonic deadline. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../clock.h"
#include "fdwait.h"
#include "transport.h"

int fdwait(int fd, short events, int64_t deadline_ms)
{
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = events};
		int64_t left = deadline_ms - clock_monotonic_ms();
		int rc;

		if (left <= 0)
			return 0;
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
}

int fdwait_write_all(int fd, const void *buf, size_t len, int64_t deadline_ms, int is_socket)
{
	const char *p = buf;

	while (len > 0) {
		/* MSG_NOSIGNAL: a printer that resets us is an error, not a SIGPIPE. */
		ssize_t n = is_socket ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
		int rc;

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		rc = fdwait(fd, POLLOUT, deadline_ms);
		if (rc == 0)
			return TRANSPORT_ERR_TIMEOUT;
		if (rc < 0)
			return rc;
	}
	return 0;
}
