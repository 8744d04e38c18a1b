/* Serial printers on POSIX (serial:/dev/ttyUSB0?baud=38400...): the tty is
 * opened per operation, set raw with the URI's line settings, and every wait
 * (writing, draining, reading) is bounded by the deadline. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/errno_text.h"
#include "transport/fdwait.h"
#include "transport/serial_termios.h"
#include "transport/transport.h"

#define DEVICE_GONE_FIX "le câble de l'imprimante ou son adaptateur USB-série est-il branché ?"
#define FLOW_FIX                                                                            \
	"imprimante occupée ou hors ligne, ou contrôle de flux qui retient les données "    \
	"(vérifiez le câble et le réglage flow)"

/* The open error for errno, with what to check. */
static int open_error(struct transport *transport, int error, char *err, size_t errlen)
{
	switch (error) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		snprintf(err, errlen, "imprimante %s : %s (" DEVICE_GONE_FIX ")", transport->uri_text,
			 errno_text(error));
		return TRANSPORT_ERR_NOT_FOUND;
	case EACCES:
	case EPERM:
		snprintf(err, errlen,
			 "imprimante %s : accès refusé (ajoutez l'utilisateur du service au groupe "
			 "dialout : usermod -aG dialout UTILISATEUR)",
			 transport->uri_text);
		return TRANSPORT_ERR_PERMISSION;
	case EBUSY:
		snprintf(err, errlen, "imprimante %s : %s (un autre programme tient le port : "
			 "ModemManager, un terminal, un second service ?)", transport->uri_text,
			 errno_text(error));
		return TRANSPORT_ERR_IO;
	default:
		snprintf(err, errlen, "imprimante %s : ouverture impossible : %s", transport->uri_text,
			 errno_text(error));
		return TRANSPORT_ERR_IO;
	}
}

/* The line hung up (reads give 0, writes EIO): the USB-serial adapter was
 * pulled out, or the other end of a pty closed. Whatever was sent may not
 * have reached the printer. */
static int line_lost(struct transport *transport, char *err, size_t errlen)
{
	snprintf(err, errlen, "imprimante %s : la ligne a été coupée (" DEVICE_GONE_FIX ")",
		 transport->uri_text);
	return TRANSPORT_ERR_CONNECTION_LOST;
}

/* An error while the line is open: the other end gone is the usual cause. */
static int line_error(struct transport *transport, int error, const char *doing, char *err,
		      size_t errlen)
{
	if (error == EIO)
		return line_lost(transport, err, errlen);
	snprintf(err, errlen, "imprimante %s : %s a échoué : %s (" DEVICE_GONE_FIX ")",
		 transport->uri_text, doing, errno_text(error));
	return error == ENODEV || error == ENXIO ? TRANSPORT_ERR_NOT_FOUND : TRANSPORT_ERR_IO;
}

static int serial_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	struct termios tio;
	char why[128];
	int rc;

	(void)deadline_ms; /* O_NONBLOCK: neither open nor tcsetattr waits for the line */
	transport->write_only = false;
	/* O_NOCTTY: the printer's tty must never become our controlling terminal
	 * (its hangup would signal us); O_NONBLOCK: no wait for carrier. */
	transport->fd = open(transport->uri->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (transport->fd < 0)
		return open_error(transport, errno, err, errlen);
	if (tcgetattr(transport->fd, &tio) < 0) {
		int error = errno;

		if (error == ENOTTY || error == EINVAL) {
			snprintf(err, errlen, "imprimante %s : ce n'est pas un port série (une "
				 "imprimante USB s'écrit file:CHEMIN, par exemple file:/dev/usb/lp0)",
				 transport->uri_text);
			rc = TRANSPORT_ERR_IO;
		} else {
			rc = line_error(transport, error, "la lecture des réglages de la ligne", err,
					errlen);
		}
		goto fail;
	}
	if (serial_termios_apply(&transport->uri->serial, &tio, why, sizeof why) < 0) {
		snprintf(err, errlen, "imprimante %s : %s (choisissez un autre baud)",
			 transport->uri_text, why);
		rc = TRANSPORT_ERR_UNSUPPORTED;
		goto fail;
	}
	if (tcsetattr(transport->fd, TCSANOW, &tio) < 0) {
		rc = line_error(transport, errno, "le réglage de la ligne", err, errlen);
		goto fail;
	}
	/* Bytes the printer sent before this operation (answers nobody read,
	 * noise at power-on) must not be taken for this operation's answers. */
	if (tcflush(transport->fd, TCIFLUSH) < 0) {
		rc = line_error(transport, errno, "le vidage des anciennes données reçues", err,
				errlen);
		goto fail;
	}
	return 0;
fail:
	close(transport->fd);
	transport->fd = -1;
	return rc;
}

/* Bytes written but still in the driver or the UART; 0 when unknown. */
static int output_pending(int fd)
{
	int queued = 0;

	if (ioctl(fd, TIOCOUTQ, &queued) < 0)
		return 0;
#ifdef TIOCSERGETLSR
	/* the UART's own FIFO, where the driver reports it (serial_core) */
	unsigned lsr = 0;

	if (queued == 0 && ioctl(fd, TIOCSERGETLSR, &lsr) == 0 && !(lsr & TIOCSER_TEMT))
		queued = 1;
#endif
	return queued;
}

/* Waits until the bytes have left the host or the deadline passed. Unlike
 * tcdrain, which has no timeout, a printer holding CTS low cannot hang us. */
static int wait_drained(int fd, int64_t deadline_ms)
{
	int delay_ms = 1;

	while (output_pending(fd) > 0) {
		int64_t left = deadline_ms - clock_monotonic_ms();

		if (left <= 0)
			return TRANSPORT_ERR_TIMEOUT;
		poll(NULL, 0, (int)(left < delay_ms ? left : delay_ms));
		if (delay_ms < 16)
			delay_ms *= 2;
	}
	return 0;
}

static int serial_write(struct transport *transport, const void *buf, size_t len,
			int64_t deadline_ms, char *err, size_t errlen)
{
	int rc = fdwait_write_all(transport->fd, buf, len, deadline_ms, false);

	/* Written into the driver is not sent: with the flow stopped the bytes
	 * would wait there, and a 200 would be a lie. */
	if (rc == 0)
		rc = wait_drained(transport->fd, deadline_ms);
	if (rc == 0)
		return 0;
	if (rc == TRANSPORT_ERR_TIMEOUT) {
		snprintf(err, errlen, "imprimante %s : les données ne sont pas prises : " FLOW_FIX,
			 transport->uri_text);
		return rc;
	}
	return line_error(transport, -rc, "l'envoi", err, errlen);
}

static int serial_read(struct transport *transport, void *buf, size_t len, int64_t deadline_ms,
		       char *err, size_t errlen)
{
	for (;;) {
		int rc = fdwait(transport->fd, POLLIN, deadline_ms);
		ssize_t n;

		if (rc == 0) {
			snprintf(err, errlen, "imprimante %s : pas de réponse", transport->uri_text);
			return TRANSPORT_ERR_TIMEOUT;
		}
		if (rc < 0)
			return line_error(transport, -rc, "l'attente d'une réponse", err, errlen);
		n = read(transport->fd, buf, len);
		if (n > 0)
			return (int)n;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue; /* woken for a byte the line discipline dropped (parity, XON) */
		/* 0 is a hangup: the other end of the line is gone */
		return n == 0 ? line_lost(transport, err, errlen)
			      : line_error(transport, errno, "la lecture", err, errlen);
	}
}

static void serial_close(struct transport *transport)
{
	if (transport->fd < 0)
		return;
	/* close() on a tty waits, up to the driver's closing_wait (30 s), for
	 * pending output to drain. Bytes still pending now could not be sent by
	 * the deadline (the write said so): drop them, so close returns at once. */
	if (output_pending(transport->fd) > 0)
		tcflush(transport->fd, TCOFLUSH);
	fdwait_transport_close(transport);
}

const struct transport_ops transport_serial_ops = {
	.name = "serial",
	.open = serial_open,
	.write = serial_write,
	.read = serial_read,
	.close = serial_close,
};
