/* Printers as files: USB printer devices (/dev/usb/lp0), parallel ports, or
 * a plain file for tests, appended; a write counts once the device is ready
 * for the next (file_confirm). Never created: a missing device means an
 * unplugged printer, and creating a file in its place would hide the fault.
 * Character devices are opened for reading too when allowed: usblp passes
 * the printer's answers (DLE EOT status) back. A plain file never answers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/errno_text.h"
#include "transport/fdwait.h"
#include "transport/transport.h"

/* Only a character device can be a printer that answers. A FIFO opened for
 * reading and writing would read back our own bytes, and would open without
 * a reader, where write-only fails (ENXIO: nobody at the other end). */
static bool is_character_device(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

/* errno values saying "not with read access": the device is then opened
 * write-only, as before read-back existed. */
static bool read_access_refused(int error)
{
	return error == EACCES || error == EPERM || error == EROFS || error == EINVAL ||
	       error == EISDIR;
}

static int file_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	const int flags = O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	int rc;

	(void)deadline_ms; /* O_NONBLOCK: open itself does not wait */
	transport->write_only = true;
	if (is_character_device(transport->uri->path)) {
		transport->fd = open(transport->uri->path, O_RDWR | flags);
		if (transport->fd >= 0) {
			transport->write_only = false;
			return 0;
		}
		if (!read_access_refused(errno))
			goto fail;
	}
	transport->fd = open(transport->uri->path, O_WRONLY | flags);
	if (transport->fd >= 0)
		return 0;
fail:
	switch (errno) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		rc = TRANSPORT_ERR_NOT_FOUND;
		snprintf(err, errlen, "imprimante %s : %s (l'imprimante est-elle branchée et allumée ?)",
			 transport->uri_text, errno_text(errno));
		break;
	case EACCES:
	case EPERM:
		rc = TRANSPORT_ERR_PERMISSION;
		snprintf(err, errlen,
			 "imprimante %s : accès refusé (ajoutez l'utilisateur du service au groupe du "
			 "périphérique, en général lp)",
			 transport->uri_text);
		break;
	default:
		rc = TRANSPORT_ERR_IO;
		snprintf(err, errlen, "imprimante %s : ouverture impossible : %s", transport->uri_text,
			 errno_text(errno));
	}
	return rc;
}

static int file_write(struct transport *transport, const void *buf, size_t len, int64_t deadline_ms,
		     char *err, size_t errlen)
{
	return fdwait_transport_write(transport, buf, len, deadline_ms, false, err, errlen);
}

static int file_read(struct transport *transport, void *buf, size_t len, int64_t deadline_ms,
		     char *err, size_t errlen)
{
	if (transport->write_only) {
		/* a plain file is always "readable", at its end: that is no answer */
		snprintf(err, errlen, "imprimante %s : lecture impossible (un simple fichier, ou un "
			 "périphérique ouvert en écriture seule)", transport->uri_text);
		return TRANSPORT_ERR_UNSUPPORTED;
	}
	for (;;) {
		int rc = fdwait(transport->fd, POLLIN, deadline_ms);
		ssize_t n;

		if (rc == 0)
			break;
		if (rc < 0) {
			snprintf(err, errlen, "imprimante %s : %s", transport->uri_text,
				 errno_text(-rc));
			return TRANSPORT_ERR_IO;
		}
		n = read(transport->fd, buf, len);
		if (n > 0)
			return (int)n;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			int error = errno;

			snprintf(err, errlen, "imprimante %s : échec de la lecture : %s (a-t-elle été "
				 "débranchée ?)", transport->uri_text, errno_text(error));
			return error == ENODEV || error == ENXIO ? TRANSPORT_ERR_NOT_FOUND
								 : TRANSPORT_ERR_IO;
		}
		/* End of file from a device (nothing to say yet, or no reading at
		 * all, as /dev/null): look again a little later, not in a busy loop. */
		int64_t left = deadline_ms - clock_monotonic_ms();

		if (left <= 0)
			break;
		poll(NULL, 0, left < 10 ? (int)left : 10);
	}
	snprintf(err, errlen, "imprimante %s : pas de réponse", transport->uri_text);
	return TRANSPORT_ERR_TIMEOUT;
}

/* A write taken is not a write done: usblp's non-blocking write only starts
 * the USB transfer (it presumes it will complete well), and closing the
 * device cancels a transfer still under way. The device is writable again
 * once its transfer has ended; a plain file always is. */
static int file_confirm(struct transport *transport, int64_t deadline_ms, char *err,
			size_t errlen)
{
	int rc = fdwait(transport->fd, POLLOUT, deadline_ms);

	if (rc > 0)
		return 0;
	if (rc == 0) {
		snprintf(err, errlen, "imprimante %s : le périphérique n'a pas fini de prendre les "
			 "données à temps (imprimante éteinte, hors ligne ou sans papier ?)",
			 transport->uri_text);
		return TRANSPORT_ERR_TIMEOUT;
	}
	snprintf(err, errlen, "imprimante %s : %s", transport->uri_text, errno_text(-rc));
	return TRANSPORT_ERR_IO;
}

const struct transport_ops transport_file_ops = {
	.name = "file",
	.open = file_open,
	.write = file_write,
	.read = file_read,
	.close = fdwait_transport_close,
	.confirm = file_confirm,
};
