/* Printer URI parsing (pure): tcp://host[:port], serial:DEVICE?settings,
 * file:PATH, cups:NAME, spool:NAME, and bare queue names, which name the
 * platform's queue (CUPS on Linux, the spooler on Windows). */
#ifndef CASHDRAWERD_PRINTER_URI_H
#define CASHDRAWERD_PRINTER_URI_H

#include <stddef.h>

#define PRINTER_URI_DEFAULT_TCP_PORT 9100
#define PRINTER_URI_HOST_MAX 256
#define PRINTER_URI_PATH_MAX 1024

enum printer_uri_scheme {
	PRINTER_URI_TCP,    /* tcp://host[:port]                       */
	PRINTER_URI_FILE,   /* file:PATH or file:///PATH               */
	PRINTER_URI_QUEUE,  /* NAME: the platform's queue (CUPS/spool)  */
	PRINTER_URI_SERIAL, /* serial:DEVICE[?baud=..&parity=..&...]    */
	PRINTER_URI_CUPS,   /* cups:NAME                               */
	PRINTER_URI_SPOOL,  /* spool:NAME (Windows spooler)            */
};

enum printer_uri_parity { PRINTER_URI_PARITY_NONE, PRINTER_URI_PARITY_EVEN, PRINTER_URI_PARITY_ODD };
enum printer_uri_flow { PRINTER_URI_FLOW_NONE, PRINTER_URI_FLOW_RTSCTS, PRINTER_URI_FLOW_XONXOFF };

/* Serial line settings. Defaults: 9600 8N1 with RTS/CTS, as Epson ships. */
struct printer_uri_serial {
	unsigned baud;      /* one of printer_uri_serial_bauds */
	unsigned data_bits; /* 7 or 8 */
	enum printer_uri_parity parity;
	unsigned stop_bits; /* 1 or 2 */
	enum printer_uri_flow flow;
};

struct printer_uri {
	enum printer_uri_scheme scheme;
	char host[PRINTER_URI_HOST_MAX];   /* tcp: name or address, no brackets */
	unsigned port;                     /* tcp */
	char path[PRINTER_URI_PATH_MAX];   /* file, serial: the device path (or COMn);
	                                      queue, cups, spool: the queue name */
	struct printer_uri_serial serial;  /* serial */
};

/* The baud rates a serial: URI accepts, 0-terminated. */
extern const unsigned printer_uri_serial_bauds[];

/* Names of settings values, for messages and the canonical form. */
const char *printer_uri_parity_name(enum printer_uri_parity parity);
const char *printer_uri_flow_name(enum printer_uri_flow flow);

/* Parses text into uri. Returns 0, or -EINVAL with err saying what is wrong
 * and what a valid URI looks like. */
int printer_uri_parse(const char *text, struct printer_uri *uri, char *err, size_t errlen);

/* Canonical text form ("tcp://10.0.0.5:9100", "tcp://[fe80::1]:9100",
 * "file:/dev/usb/lp0", "TICKET", "cups:TICKET",
 * "serial:/dev/ttyUSB0?baud=9600&data_bits=8&parity=none&stop_bits=1&flow=rtscts")
 * for messages and /status. */
void printer_uri_format(const struct printer_uri *uri, char *buf, size_t size);

#endif
