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
	return fdwait_transport_write(transport, buf, len, deadline_ms, false, err, errlen);
}

const struct transport_ops transport_file_ops = {
	.name = "file",
	.open = file_open,
	.write = file_write,
	.read = NULL,
	.close = fdwait_transport_close,
};
