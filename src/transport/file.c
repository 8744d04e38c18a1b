/* Printers as files: USB printer devices (/dev/usb/lp0), parallel ports, or
 * a plain file for tests, appended. Never created: a missing device means an
 * unplugged printer, and creating a file in its place would hide the fault. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdwait.h"
#include "transport.h"

static int file_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	int rc;

	(void)deadline_ms; /* O_NONBLOCK: open itself does not wait */
	transport->fd = open(transport->uri->path, O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (transport->fd >= 0)
		return 0;
	switch (errno) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		rc = TRANSPORT_ERR_NOT_FOUND;
		snprintf(err, errlen, "printer %s: %s (is the printer plugged in and switched on?)",
			 transport->uri_text, strerror(errno));
		break;
	case EACCES:
	case EPERM:
		rc = TRANSPORT_ERR_PERMISSION;
		snprintf(err, errlen,
			 "printer %s: permission denied (add the service's user to the device's group, usually lp)",
			 transport->uri_text);
		break;
	default:
		rc = TRANSPORT_ERR_IO;
		snprintf(err, errlen, "printer %s: cannot open: %s", transport->uri_text, strerror(errno));
	}
	return rc;
}

static int file_write(struct transport *transport, const void *buf, size_t len, int64_t deadline_ms,
		      char *err, size_t errlen)
{
	int rc = fdwait_write_all(transport->fd, buf, len, deadline_ms, 0);

	if (rc == TRANSPORT_ERR_TIMEOUT)
		snprintf(err, errlen, "printer %s: does not take data (busy, paper jam or offline?)",
			 transport->uri_text);
	else if (rc < 0) {
		snprintf(err, errlen, "printer %s: writing failed: %s (was it unplugged?)",
			 transport->uri_text, strerror(-rc));
		rc = (rc == -ENODEV || rc == -ENXIO) ? TRANSPORT_ERR_NOT_FOUND : TRANSPORT_ERR_IO;
	}
	return rc;
}

static void file_close(struct transport *transport)
{
	if (transport->fd >= 0)
		close(transport->fd);
	transport->fd = -1;
}

const struct transport_ops transport_file_ops = {
	.name = "file",
	.open = file_open,
	.write = file_write,
	.read = NULL,
	.close = file_close,
};
