/* serial: URI parsing, internal to printer_uri.c. */
#ifndef CASHDRAWERD_PRINTER_URI_SERIAL_H
#define CASHDRAWERD_PRINTER_URI_SERIAL_H

#include "settings/printer_uri.h"

/* Parses what follows "serial:" (DEVICE[?key=value&...]) into uri. Returns
 * 0, or -EINVAL with the reason (without the URI) in err. */
int printer_uri_parse_serial(const char *rest, struct printer_uri *uri, char *err, size_t errlen);

/* The canonical form of a serial URI, every setting spelt out. */
void printer_uri_format_serial(const struct printer_uri *uri, char *buf, size_t size);

#endif
