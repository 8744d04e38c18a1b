/* Serial printers on Windows (serial:COM3?baud=...): the port opened for one
 * operation with the URI's line settings, overlapped I/O so that every write
 * and read ends by the deadline, and read-back for status replies. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "transport/transport.h"

/* Milliseconds left before deadline_ms, at least 0. */
static DWORD left_ms(int64_t deadline_ms)
{
	int64_t left = deadline_ms - clock_monotonic_ms();

	return left <= 0 ? 0 : left > 60000 ? 60000 : (DWORD)left;
}

static int port_error(struct transport *transport, const char *step, DWORD error, char *err,
		      size_t errlen)
{
	const char *port = transport->uri->path;

	switch (error) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_DEVICE_NOT_CONNECTED:
	case ERROR_DEV_NOT_EXIST:
		snprintf(err, errlen,
			 "imprimante %s : aucun port série %s (l'adaptateur USB-série de l'imprimante "
			 "est-il branché ? Gestionnaire de périphériques > Ports (COM et LPT) montre "
			 "le nom du port)",
			 transport->uri_text, port);
		return TRANSPORT_ERR_NOT_FOUND;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
		snprintf(err, errlen,
			 "imprimante %s : %s est pris par un autre programme (un pilote d'imprimante "
			 "réglé sur ce port, ou l'ancien service du tiroir-caisse ?) : fermez-le ou "
			 "libérez le port",
			 transport->uri_text, port);
		return TRANSPORT_ERR_PERMISSION;
	default:
		snprintf(err, errlen, "imprimante %s : échec de %s sur %s : erreur Windows %lu",
			 transport->uri_text, step, port, (unsigned long)error);
		return TRANSPORT_ERR_IO;
	}
}

static int configure(struct transport *transport, char *err, size_t errlen)
{
	const struct printer_uri_serial *line = &transport->uri->serial;
	DCB dcb = {.DCBlength = sizeof dcb};
	COMMTIMEOUTS timeouts = {0};

	if (!GetCommState(transport->backend, &dcb))
		return port_error(transport, "GetCommState", GetLastError(), err, errlen);
	dcb.BaudRate = line->baud;
	dcb.ByteSize = (BYTE)line->data_bits;
	dcb.Parity = line->parity == PRINTER_URI_PARITY_EVEN  ? EVENPARITY
		     : line->parity == PRINTER_URI_PARITY_ODD ? ODDPARITY
							      : NOPARITY;
	dcb.fParity = line->parity != PRINTER_URI_PARITY_NONE;
	dcb.StopBits = line->stop_bits == 2 ? TWOSTOPBITS : ONESTOPBIT;
	dcb.fBinary = TRUE;
	dcb.fDtrControl = DTR_CONTROL_ENABLE;
	dcb.fDsrSensitivity = FALSE;
	dcb.fOutxDsrFlow = FALSE;
	dcb.fOutxCtsFlow = line->flow == PRINTER_URI_FLOW_RTSCTS;
	dcb.fRtsControl =
		line->flow == PRINTER_URI_FLOW_RTSCTS ? RTS_CONTROL_HANDSHAKE : RTS_CONTROL_ENABLE;
	dcb.fOutX = dcb.fInX = line->flow == PRINTER_URI_FLOW_XONXOFF;
	dcb.XonChar = 0x11;
	dcb.XoffChar = 0x13;
	dcb.XonLim = 64;
	dcb.XoffLim = 64;
	dcb.fAbortOnError = FALSE;
	if (!SetCommState(transport->backend, &dcb)) {
		DWORD error = GetLastError();

		if (error == ERROR_INVALID_PARAMETER) {
			snprintf(err, errlen,
				 "imprimante %s : %s refuse ces réglages (baud %u, %u bits de données) : "
				 "réglez-les comme l'indique la page d'autotest de l'imprimante",
				 transport->uri_text, transport->uri->path, line->baud, line->data_bits);
			return TRANSPORT_ERR_IO;
		}
		return port_error(transport, "SetCommState", error, err, errlen);
	}
	/* A read returns as soon as one byte came, or at ReadTotalTimeoutConstant
	 * (set per read); writes are bounded by the deadline, not by the port. */
	timeouts.ReadIntervalTimeout = MAXDWORD;
	timeouts.ReadTotalTimeoutMultiplier = MAXDWORD;
	timeouts.ReadTotalTimeoutConstant = 1;
	SetCommTimeouts(transport->backend, &timeouts);
	/* Replies from an earlier operation must not pass for this one's. */
	PurgeComm(transport->backend, PURGE_RXCLEAR | PURGE_TXCLEAR);
	return 0;
}

static void serial_close(struct transport *transport)
{
	if (transport->backend != NULL)
		CloseHandle(transport->backend);
	transport->backend = NULL;
}

static int serial_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	char device[PRINTER_URI_PATH_MAX + 8];
	wchar_t *wide;
	HANDLE port;
	int rc;

	(void)deadline_ms;
	/* COM10 and above exist only as \\.\COM10; the prefix is right for all. */
	snprintf(device, sizeof device, "%s%s",
		 strncmp(transport->uri->path, "\\\\", 2) == 0 ? "" : "\\\\.\\", transport->uri->path);
	wide = compat_wide(device);
	if (wide == NULL)
		return port_error(transport, "l'ouverture", ERROR_FILE_NOT_FOUND, err, errlen);
	port = CreateFileW(wide, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
			   FILE_FLAG_OVERLAPPED, NULL);
	free(wide);
	if (port == INVALID_HANDLE_VALUE)
		return port_error(transport, "l'ouverture", GetLastError(), err, errlen);
	transport->backend = port;
	rc = configure(transport, err, errlen);
	if (rc < 0)
		serial_close(transport);
	return rc;
}

/* Waits for an overlapped operation until deadline_ms, cancelling it then.
 * Returns the bytes transferred, or -1 with *error set (WAIT_TIMEOUT when
 * the deadline passed). */
static long finish(struct transport *transport, OVERLAPPED *operation, BOOL started,
		   int64_t deadline_ms, DWORD *error)
{
	DWORD done = 0;

	if (!started && GetLastError() != ERROR_IO_PENDING) {
		*error = GetLastError();
		return -1;
	}
	if (!started && WaitForSingleObject(operation->hEvent, left_ms(deadline_ms)) != WAIT_OBJECT_0) {
		CancelIo(transport->backend);
		GetOverlappedResult(transport->backend, operation, &done, TRUE);
		*error = WAIT_TIMEOUT;
		return done > 0 ? (long)done : -1;
	}
	if (!GetOverlappedResult(transport->backend, operation, &done, FALSE)) {
		*error = GetLastError();
		return -1;
	}
	return (long)done;
}

static int serial_write(struct transport *transport, const void *buf, size_t len,
			int64_t deadline_ms, char *err, size_t errlen)
{
	OVERLAPPED operation = {0};
	const char *p = buf;
	int rc = 0;

	operation.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (operation.hEvent == NULL)
		return port_error(transport, "l'écriture", GetLastError(), err, errlen);
	while (len > 0) {
		DWORD error = 0;
		long done;

		ResetEvent(operation.hEvent);
		done = finish(transport, &operation,
			      WriteFile(transport->backend, p, (DWORD)len, NULL, &operation),
			      deadline_ms, &error);
		if (done > 0) {
			p += done;
			len -= (size_t)done;
			continue;
		}
		if (error == WAIT_TIMEOUT || done == 0) {
			snprintf(err, errlen,
				 "imprimante %s : ne prend pas les données (hors ligne, sans papier, ou "
				 "flow= différent du réglage de l'imprimante ?)",
				 transport->uri_text);
			rc = TRANSPORT_ERR_TIMEOUT;
		} else {
			rc = port_error(transport, "l'écriture", error, err, errlen);
		}
		break;
	}
	CloseHandle(operation.hEvent);
	return rc;
}

static int serial_read(struct transport *transport, void *buf, size_t len, int64_t deadline_ms,
		       char *err, size_t errlen)
{
	COMMTIMEOUTS timeouts = {.ReadIntervalTimeout = MAXDWORD,
				 .ReadTotalTimeoutMultiplier = MAXDWORD};
	OVERLAPPED operation = {0};
	DWORD error = 0;
	long done;

	/* Returns with the first byte, or empty-handed at the deadline. */
	timeouts.ReadTotalTimeoutConstant = left_ms(deadline_ms) > 0 ? left_ms(deadline_ms) : 1;
	SetCommTimeouts(transport->backend, &timeouts);
	operation.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (operation.hEvent == NULL)
		return port_error(transport, "la lecture", GetLastError(), err, errlen);
	done = finish(transport, &operation,
		      ReadFile(transport->backend, buf, (DWORD)len, NULL, &operation), deadline_ms,
		      &error);
	CloseHandle(operation.hEvent);
	if (done > 0)
		return (int)done;
	if (done == 0 || error == WAIT_TIMEOUT) {
		snprintf(err, errlen, "imprimante %s : pas de réponse", transport->uri_text);
		return TRANSPORT_ERR_TIMEOUT;
	}
	return port_error(transport, "la lecture", error, err, errlen);
}

const struct transport_ops transport_serial_ops = {
	.name = "serial",
	.open = serial_open,
	.write = serial_write,
	.read = serial_read,
	.close = serial_close,
};
