/* The printer transport interface: one small table of functions per
 * backend, chosen at run time from the printer URI. A connection is opened
 * for one operation and closed after it, because the printer is shared with
 * receipt printing. Every call is bounded by an absolute deadline on the
 * monotonic clock (clock_monotonic_ms). */
#ifndef CASHDRAWERD_TRANSPORT_H
#define CASHDRAWERD_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "settings/printer_uri.h"

/* Negative return codes of transport functions. Each maps to a stable
 * machine code (transport_error_code) used in HTTP answers and logs. */
enum transport_error {
	TRANSPORT_ERR_REFUSED = -1001,     /* nothing listens at that address    */
	TRANSPORT_ERR_UNREACHABLE = -1002, /* no route, host down, name unknown  */
	TRANSPORT_ERR_TIMEOUT = -1003,     /* deadline passed                    */
	TRANSPORT_ERR_IO = -1004,          /* reset, broken pipe, device error   */
	TRANSPORT_ERR_NOT_FOUND = -1005,   /* device file missing (unplugged)    */
	TRANSPORT_ERR_PERMISSION = -1006,  /* no right to open the device        */
	TRANSPORT_ERR_UNSUPPORTED = -1007, /* this build has no such transport   */
	TRANSPORT_ERR_QUEUE_NOT_FOUND = -1008, /* no print queue of that name    */
	TRANSPORT_ERR_QUEUE_STOPPED = -1009,   /* the queue is paused/disabled    */
	TRANSPORT_ERR_SPOOLER_DOWN = -1010,    /* cupsd / the spooler not running */
	/* the printer closed or reset the connection (a serial line: hung up)
	 * before it confirmed what it was sent: whether it acted on it is unknown */
	TRANSPORT_ERR_CONNECTION_LOST = -1011,
};

struct transport;

struct transport_ops {
	const char *name;
	/* Optional, called by transport_init: prepares what the backend needs
	 * (cups: loads libcups); 0 or a transport_error with err filled. */
	int (*init)(struct transport *transport, char *err, size_t errlen);
	/* Opens the connection; 0 or a transport_error with err filled. */
	int (*open)(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen);
	/* Writes all of buf; 0 or a transport_error with err filled. What 0
	 * guarantees is the backend's (README, "What a success guarantees"):
	 * tcp: the local kernel took the bytes, see confirm; serial: they left
	 * the output queue; print queues: the job was accepted. */
	int (*write)(struct transport *transport, const void *buf, size_t len,
		     int64_t deadline_ms, char *err, size_t errlen);
	/* Reads up to len bytes; number read (>= 1), or a transport_error
	 * (TRANSPORT_ERR_TIMEOUT when nothing came). NULL when the transport
	 * cannot read back. */
	int (*read)(struct transport *transport, void *buf, size_t len, int64_t deadline_ms,
		    char *err, size_t errlen);
	void (*close)(struct transport *transport);
	/* Optional: waits by deadline_ms until the printer has taken every byte
	 * written on this connection, and checks that it has not closed or reset
	 * the connection meanwhile: 0, TRANSPORT_ERR_CONNECTION_LOST or
	 * TRANSPORT_ERR_TIMEOUT with err filled. NULL where write already
	 * returns only once the bytes are taken. tcp: acknowledged by the
	 * printer's TCP stack, as write() only hands them to our own kernel. */
	int (*confirm)(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen);
	/* Optional: checks, without sending anything to the printer, that it can
	 * take work (a queue exists and accepts jobs); 0 or a transport_error
	 * with err filled. NULL when checking would disturb the printer. */
	int (*check)(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen);
};

struct transport {
	const struct transport_ops *ops;
	const struct printer_uri *uri;
	char uri_text[PRINTER_URI_HOST_MAX + PRINTER_URI_PATH_MAX + 16];
	int fd;
	/* Set by open when this connection cannot read back although the
	 * transport can (file: on a plain file or a device opened write-only). */
	bool write_only;
	void *backend; /* state of backends that are not a file descriptor (cups; Windows: the HANDLE) */
};

/* Selects the backend for uri and prepares it: a CUPS queue loads libcups
 * (the other transports need no library of their own). Returns 0, or
 * TRANSPORT_ERR_UNSUPPORTED with err explaining which transports this build
 * has, or why libcups cannot be loaded. Opens no connection. */
int transport_init(struct transport *transport, const struct printer_uri *uri, char *err,
		   size_t errlen);

int transport_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen);
int transport_write(struct transport *transport, const void *buf, size_t len,
		    int64_t deadline_ms, char *err, size_t errlen);
/* Reads up to len bytes by deadline_ms: the count read (>= 1), or a
 * transport_error (TRANSPORT_ERR_TIMEOUT when nothing came, and
 * TRANSPORT_ERR_UNSUPPORTED when the transport cannot read back). */
int transport_read(struct transport *transport, void *buf, size_t len, int64_t deadline_ms,
		   char *err, size_t errlen);
/* Whether transport_read can succeed. Before transport_open: whether this
 * kind of transport can ever read back (tcp, serial, file: yes; print
 * queues: no). After it: whether this connection can (file: only on a
 * character device opened for reading and writing, such as /dev/usb/lp0;
 * a plain file never answers). */
bool transport_can_read(const struct transport *transport);
/* Whether the printer has taken everything written and still holds the
 * connection (see transport_ops.confirm): 0 at once where write already
 * guaranteed it. */
int transport_confirm(struct transport *transport, int64_t deadline_ms, char *err,
		      size_t errlen);
void transport_close(struct transport *transport);
/* At start: asks the backend whether the printer can take work without
 * sending it anything (see transport_ops.check); 0 when it can or when the
 * backend cannot tell. */
int transport_check(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen);

/* Stable machine code for a transport_error ("printer_refused", ...);
 * "printer_error" for anything else. */
const char *transport_error_code(int error);

/* French explanation for shopkeepers: what happened and what to check. */
const char *transport_error_message_fr(int error);

extern const struct transport_ops transport_tcp_ops;
extern const struct transport_ops transport_file_ops;
#ifndef _WIN32
extern const struct transport_ops transport_serial_ops;
#endif
extern const struct transport_ops transport_cups_ops; /* builds with CASHDRAWERD_HAVE_CUPS */
extern const struct transport_ops transport_spool_ops;  /* Windows */
extern const struct transport_ops transport_serial_ops; /* Windows; POSIX: serial_posix.c */

#endif
