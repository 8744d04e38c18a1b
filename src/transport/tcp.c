/* Ethernet printers (tcp://host[:port], port 9100): a connection per
 * operation, every step bounded by the deadline; what was written counts as
 * taken once the printer's TCP stack acknowledged it (tcp_confirm). */
#include <errno.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/errno_text.h"
#include "transport/fdwait.h"
#include "transport/transport.h"

/* getaddrinfo cannot be given a deadline: a name lookup runs in a thread of
 * its own and is abandoned (it frees itself) when the deadline passes. */
struct lookup {
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	int users; /* the waiter and the thread */
	bool done;
	int status;
	int error; /* errno, for EAI_SYSTEM */
	char host[PRINTER_URI_HOST_MAX];
	char service[8];
	struct addrinfo *result;
};

static void lookup_release(struct lookup *lookup)
{
	bool last;

	pthread_mutex_lock(&lookup->lock);
	last = --lookup->users == 0;
	pthread_mutex_unlock(&lookup->lock);
	if (!last)
		return;
	if (lookup->result != NULL)
		freeaddrinfo(lookup->result);
	pthread_mutex_destroy(&lookup->lock);
	pthread_cond_destroy(&lookup->done_cond);
	free(lookup);
}

static void *lookup_thread(void *arg)
{
	struct lookup *lookup = arg;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG};
	struct addrinfo *result = NULL;
	int status = getaddrinfo(lookup->host, lookup->service, &hints, &result);
	int error = errno;

	pthread_mutex_lock(&lookup->lock);
	lookup->status = status;
	lookup->error = error;
	lookup->result = result;
	lookup->done = true;
	pthread_cond_signal(&lookup->done_cond);
	pthread_mutex_unlock(&lookup->lock);
	lookup_release(lookup);
	return NULL;
}

/* getaddrinfo's status in French (gai_strerror's text is English). */
static const char *lookup_text(int status, int error)
{
	switch (status) {
	case EAI_NONAME:
		return "nom inconnu du DNS (EAI_NONAME)";
#ifdef EAI_NODATA
	case EAI_NODATA:
		return "aucune adresse pour ce nom (EAI_NODATA)";
#endif
#ifdef EAI_ADDRFAMILY
	case EAI_ADDRFAMILY:
		return "aucune adresse de cette famille pour ce nom (EAI_ADDRFAMILY)";
#endif
	case EAI_AGAIN:
		return "DNS momentanément sans réponse (EAI_AGAIN)";
	case EAI_FAIL:
		return "échec du DNS (EAI_FAIL)";
	case EAI_MEMORY:
		return "mémoire insuffisante (EAI_MEMORY)";
	case EAI_SYSTEM:
		return errno_text(error);
	default:
		return "échec de la résolution du nom";
	}
}

/* Resolves host:port before deadline_ms. Numeric addresses never start a
 * thread. On success the caller owns *result (freeaddrinfo). */
static int resolve(const struct printer_uri *uri, int64_t deadline_ms, struct addrinfo **result,
		   char *why, size_t whylen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST};
	struct lookup *lookup;
	pthread_condattr_t attributes;
	pthread_t thread;
	int64_t left;
	int rc = 0;
	char service[8];

	snprintf(service, sizeof service, "%u", uri->port);
	if (getaddrinfo(uri->host, service, &hints, result) == 0)
		return 0;
	lookup = calloc(1, sizeof *lookup);
	if (lookup == NULL) {
		snprintf(why, whylen, "mémoire insuffisante");
		return TRANSPORT_ERR_IO;
	}
	pthread_mutex_init(&lookup->lock, NULL);
	/* The wait is bounded on the monotonic clock: on the wall clock, a clock
	 * set back during a lookup would stretch it past the deadline. */
	pthread_condattr_init(&attributes);
	pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	pthread_cond_init(&lookup->done_cond, &attributes);
	pthread_condattr_destroy(&attributes);
	lookup->users = 2;
	snprintf(lookup->host, sizeof lookup->host, "%s", uri->host);
	snprintf(lookup->service, sizeof lookup->service, "%s", service);
	if (pthread_create(&thread, NULL, lookup_thread, lookup) != 0) {
		lookup->users = 1;
		lookup_release(lookup);
		snprintf(why, whylen, "impossible de lancer la recherche du nom");
		return TRANSPORT_ERR_IO;
	}
	pthread_detach(thread);
	pthread_mutex_lock(&lookup->lock);
	while (!lookup->done && (left = deadline_ms - clock_monotonic_ms()) > 0) {
		struct timespec until;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += (time_t)(left / 1000);
		until.tv_nsec += (long)(left % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&lookup->done_cond, &lookup->lock, &until);
	}
	if (!lookup->done) {
		snprintf(why, whylen, "la recherche du nom '%.100s' a pris trop de temps (le DNS "
			 "fonctionne-t-il ? une adresse IP l'évite)", uri->host);
		rc = TRANSPORT_ERR_TIMEOUT;
	} else if (lookup->status != 0) {
		snprintf(why, whylen, "nom d'hôte '%.100s' inconnu : %s (vérifiez l'adresse de "
			 "l'imprimante)", uri->host, lookup_text(lookup->status, lookup->error));
		rc = TRANSPORT_ERR_UNREACHABLE;
	} else {
		*result = lookup->result;
		lookup->result = NULL;
	}
	pthread_mutex_unlock(&lookup->lock);
	lookup_release(lookup);
	return rc;
}

static int connect_error(int error, char *why, size_t whylen)
{
	switch (error) {
	case ECONNREFUSED:
		snprintf(why, whylen, "connexion refusée (l'imprimante est-elle allumée, et est-ce "
			 "bien son adresse et son port ?)");
		return TRANSPORT_ERR_REFUSED;
	case ECONNRESET:
		snprintf(why, whylen, FDWAIT_CONNECTION_LOST_WHY);
		return TRANSPORT_ERR_CONNECTION_LOST;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ETIMEDOUT:
	case EHOSTDOWN:
	case ENETDOWN:
		snprintf(why, whylen, "%s (vérifiez le câble, l'adresse et l'alimentation de "
			 "l'imprimante)", errno_text(error));
		return TRANSPORT_ERR_UNREACHABLE;
	default:
		snprintf(why, whylen, "connexion impossible : %s", errno_text(error));
		return TRANSPORT_ERR_IO;
	}
}

/* Connects to one address; returns the socket, or a transport_error. */
static int connect_one(const struct addrinfo *address, int64_t deadline_ms, char *why, size_t whylen)
{
	int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			address->ai_protocol);
	int rc, error = 0, one = 1;
	socklen_t len = sizeof error;

	if (fd < 0)
		return connect_error(errno, why, whylen);
	if (connect(fd, address->ai_addr, address->ai_addrlen) < 0) {
		if (errno != EINPROGRESS) {
			rc = connect_error(errno, why, whylen);
			goto fail;
		}
		rc = fdwait(fd, POLLOUT, deadline_ms);
		if (rc == 0) {
			snprintf(why, whylen, "pas de réponse à la connexion (l'imprimante est-elle "
				 "allumée et sur ce réseau ?)");
			rc = TRANSPORT_ERR_TIMEOUT;
			goto fail;
		}
		if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0 || error != 0) {
			rc = connect_error(rc < 0 ? -rc : error != 0 ? error : errno, why, whylen);
			goto fail;
		}
	}
	/* The kick is a few bytes: send them now rather than wait for more. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
fail:
	close(fd);
	return rc;
}

static int tcp_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	struct addrinfo *addresses = NULL;
	char why[256] = "aucune adresse";
	int rc = resolve(transport->uri, deadline_ms, &addresses, why, sizeof why);

	if (rc < 0)
		goto out;
	rc = TRANSPORT_ERR_UNREACHABLE;
	/* Try each address of the name in turn, within the same deadline. */
	for (const struct addrinfo *a = addresses; a != NULL; a = a->ai_next) {
		rc = connect_one(a, deadline_ms, why, sizeof why);
		if (rc >= 0) {
			transport->fd = rc;
			rc = 0;
			break;
		}
		if (rc == TRANSPORT_ERR_TIMEOUT)
			break;
	}
	freeaddrinfo(addresses);
out:
	if (rc < 0)
		snprintf(err, errlen, "imprimante %s : %s", transport->uri_text, why);
	return rc;
}

/* Whether the printer has closed (FIN: POLLRDHUP) or reset (RST: POLLERR,
 * POLLHUP) the connection. Never waits. */
static bool peer_left(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLRDHUP};

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLERR | POLLHUP)) != 0;
}

static int tcp_write(struct transport *transport, const void *buf, size_t len, int64_t deadline_ms,
		     char *err, size_t errlen)
{
	/* A printer busy with another computer may accept and close at once:
	 * the kernel would still take our bytes, for nobody. */
	if (peer_left(transport->fd))
		return fdwait_connection_lost(transport, err, errlen);
	return fdwait_transport_write(transport, buf, len, deadline_ms, true, err, errlen);
}

static int tcp_read(struct transport *transport, void *buf, size_t len, int64_t deadline_ms,
		    char *err, size_t errlen)
{
	int rc = fdwait(transport->fd, POLLIN, deadline_ms);
	ssize_t n;

	if (rc == 0) {
		snprintf(err, errlen, "imprimante %s : pas de réponse", transport->uri_text);
		return TRANSPORT_ERR_TIMEOUT;
	}
	do
		n = recv(transport->fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return (int)n;
	if (n == 0 || errno == ECONNRESET)
		return fdwait_connection_lost(transport, err, errlen);
	snprintf(err, errlen, "imprimante %s : %s", transport->uri_text, errno_text(errno));
	return TRANSPORT_ERR_IO;
}

/* write() only handed the bytes to our kernel, which may still be sending
 * them to a printer that is closing: they count as taken once the printer's
 * TCP stack acknowledged them all (SIOCOUTQ: bytes written but not yet
 * acknowledged, 0) with no FIN or RST from it before or with that
 * acknowledgement. There is no event for "all acknowledged": the socket is
 * looked at again after 1, 2, 4, 8, then every 16 ms, and at once on a FIN
 * or RST. On the loopback, and often on a LAN, the first look suffices. */
static int tcp_confirm(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	int delay_ms = 1;

	for (;;) {
		struct pollfd pfd = {.fd = transport->fd, .events = POLLRDHUP};
		int unacknowledged = 0;
		int64_t left;

		/* The count first, then the FIN or RST: one arriving between the two
		 * is still seen, and one arriving with the last acknowledgement too. */
		if (ioctl(transport->fd, SIOCOUTQ, &unacknowledged) < 0) {
			snprintf(err, errlen, "imprimante %s : impossible de savoir ce qu'elle a "
				 "acquitté : %s", transport->uri_text, errno_text(errno));
			return TRANSPORT_ERR_IO;
		}
		if (peer_left(transport->fd))
			return fdwait_connection_lost(transport, err, errlen);
		if (unacknowledged == 0)
			return 0;
		left = deadline_ms - clock_monotonic_ms();
		if (left <= 0) {
			snprintf(err, errlen, "imprimante %s : n'a pas acquitté les données à temps "
				 "(occupée, ou le réseau perd-il des paquets ?)", transport->uri_text);
			return TRANSPORT_ERR_TIMEOUT;
		}
		poll(&pfd, 1, (int)(left < delay_ms ? left : delay_ms));
		if (delay_ms < 16)
			delay_ms *= 2;
	}
}

/* Bytes still unacknowledged at close belong to an operation that failed
 * (written but never confirmed): the kernel would go on sending them after
 * close, and a kick answered 503 could open the drawer minutes later, once
 * the printer takes data again. A reset drops what has not gone out. */
static void tcp_close(struct transport *transport)
{
	struct linger abort_on_close = {.l_onoff = 1, .l_linger = 0};
	int unacknowledged = 0;

	if (transport->fd >= 0 && ioctl(transport->fd, SIOCOUTQ, &unacknowledged) == 0 &&
	    unacknowledged > 0)
		setsockopt(transport->fd, SOL_SOCKET, SO_LINGER, &abort_on_close,
			   sizeof abort_on_close);
	fdwait_transport_close(transport);
}

const struct transport_ops transport_tcp_ops = {
	.name = "tcp",
	.open = tcp_open,
	.write = tcp_write,
	.read = tcp_read,
	.close = tcp_close,
	.confirm = tcp_confirm,
};
