/* Listening sockets (see listener.h). */
#include "http/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/errno_text.h"
#include "settings/config.h"

int http_listener_open(const char *address, unsigned port, bool shared, int *fd_out,
			 unsigned *bound_port, char *desc, size_t desclen, char *err, size_t errlen)
{
	struct sockaddr_storage storage = {0};
	struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
	char shown[INET6_ADDRSTRLEN];
	socklen_t len = sizeof *v6;
	int fd, one = 1, v6only = 1, rc;

	if (address == NULL) {
		v6->sin6_family = AF_INET6;
		v6->sin6_addr = in6addr_any;
		v6only = 0; /* IPv4 clients arrive as ::ffff:a.b.c.d */
	} else if (config_parse_address(address, &storage, &len) < 0) {
		snprintf(err, errlen, "bind : '%s' n'est pas une adresse IP", address);
		return -EINVAL;
	}
	/* v6only for an explicit address: :: and 0.0.0.0 may be bound side by side */
	if (storage.ss_family == AF_INET)
		v4->sin_port = htons((uint16_t)port);
	else
		v6->sin6_port = htons((uint16_t)port);
	fd = socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
#ifdef SO_REUSEPORT
	if (shared)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
#else
	(void)shared;
#endif
	if (storage.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
	if (bind(fd, (struct sockaddr *)&storage, len) < 0 || listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&storage, &len) < 0) {
		rc = -errno;
		close(fd);
		goto out;
	}
	port = ntohs(storage.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
	*bound_port = port;
	if (address == NULL)
		snprintf(desc, desclen, "[::]:%u (IPv4 et IPv6)", port);
	else if (storage.ss_family == AF_INET6)
		snprintf(desc, desclen, "[%s]:%u",
			 inet_ntop(AF_INET6, &v6->sin6_addr, shown, sizeof shown), port);
	else
		snprintf(desc, desclen, "%s:%u",
			 inet_ntop(AF_INET, &v4->sin_addr, shown, sizeof shown), port);
	*fd_out = fd;
	return 0;
out:
	/* no IPv6 on this machine: the caller falls back to IPv4, quietly */
	if (address == NULL && rc == -EAFNOSUPPORT)
		return rc;
	snprintf(err, errlen, "écoute impossible sur %s port %u : %s%s",
		 address != NULL ? address : "[::]", port, errno_text(-rc),
		 rc == -EADDRINUSE ? " (un autre cashdrawerd ou l'ancien service Python tourne-t-il ? "
				     "arrêtez-le ou réglez un autre port)"
		 : rc == -EACCES ? " (les ports sous 1024 demandent des privilèges)"
		 : rc == -EADDRNOTAVAIL ? " (cette machine n'a pas cette adresse)"
					: "");
	return rc;
}

int http_listener_open_setting(const char *address, unsigned port, int *fd, unsigned *bound_port,
			       char *desc, size_t desclen, char *err, size_t errlen)
{
	int rc = http_listener_open(address, port, false, fd, bound_port, desc, desclen, err,
				    errlen);

	if (rc == -EAFNOSUPPORT && address == NULL) /* IPv6 switched off on this machine */
		rc = http_listener_open("0.0.0.0", port, false, fd, bound_port, desc, desclen, err,
					errlen);
	return rc;
}
