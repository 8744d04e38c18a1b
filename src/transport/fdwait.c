/* Waiting on one descriptor until an absolute monotonic deadline. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/errno_text.h"
#include "transport/fdwait.h"
#include "transport/transport.h"

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

int fdwait_write_all(int fd, const void *buf, size_t len, int64_t deadline_ms, bool is_socket)
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

int fdwait_transport_write(struct transport *transport, const void *buf, size_t len,
			   int64_t deadline_ms, bool is_socket, char *err, size_t errlen)
{
	int rc = fdwait_write_all(transport->fd, buf, len, deadline_ms, is_socket);

	switch (rc) {
	case 0:
		return 0;
	case -ECONNRESET:
	case -EPIPE:
		if (is_socket)
			return fdwait_connection_lost(transport, err, errlen);
		break;
	case TRANSPORT_ERR_TIMEOUT:
		snprintf(err, errlen, "imprimante %s : ne prend pas les données (occupée, bourrage "
			 "papier ou hors ligne ?)", transport->uri_text);
		return rc;
	case -ENODEV:
	case -ENXIO:
		snprintf(err, errlen, "imprimante %s : %s (a-t-elle été débranchée ?)",
			 transport->uri_text, errno_text(-rc));
		return TRANSPORT_ERR_NOT_FOUND;
	default:
		break;
	}
	snprintf(err, errlen, "imprimante %s : échec de l'envoi : %s (a-t-elle redémarré ou perdu "
		 "son câble ?)", transport->uri_text, errno_text(-rc));
	return TRANSPORT_ERR_IO;
}

int fdwait_connection_lost(struct transport *transport, char *err, size_t errlen)
{
	/* FIN or RST alike: which one came first is a race the printer's
	 * interface decides, and either way nothing confirms what it took. */
	snprintf(err, errlen, "imprimante %s : " FDWAIT_CONNECTION_LOST_WHY, transport->uri_text);
	return TRANSPORT_ERR_CONNECTION_LOST;
}

void fdwait_transport_close(struct transport *transport)
{
	if (transport->fd >= 0)
		close(transport->fd);
	transport->fd = -1;
}
