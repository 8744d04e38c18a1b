/* Printer URI parsing (pure): tcp://host[:port], file:PATH, and bare queue
 * names, which name a spooler/CUPS queue. */
#ifndef CASHDRAWERD_PRINTER_URI_H
#define CASHDRAWERD_PRINTER_URI_H

#include <stddef.h>

#define PRINTER_URI_DEFAULT_TCP_PORT 9100
#define PRINTER_URI_HOST_MAX 256
#define PRINTER_URI_PATH_MAX 1024

enum printer_uri_scheme {
	PRINTER_URI_TCP,   /* tcp://host[:port]            */
	PRINTER_URI_FILE,  /* file:PATH or file:///PATH    */
	PRINTER_URI_QUEUE, /* NAME: a CUPS/spooler queue   */
};

struct printer_uri {
	enum printer_uri_scheme scheme;
	char host[PRINTER_URI_HOST_MAX];   /* tcp: name or address, no brackets */
	unsigned port;                     /* tcp */
	char path[PRINTER_URI_PATH_MAX];   /* file: absolute or relative path;
	                                      queue: the queue name */
};

/* Parses text into uri. Returns 0, or -EINVAL with err saying what is wrong
 * and what a valid URI looks like. */
int printer_uri_parse(const char *text, struct printer_uri *uri, char *err, size_t errlen);

/* Canonical text form ("tcp://10.0.0.5:9100", "tcp://[fe80::1]:9100",
 * "file:/dev/usb/lp0", "TICKET") for messages and /status. */
void printer_uri_format(const struct printer_uri *uri, char *buf, size_t size);

#endif
