/* serial: URI parsing, internal to printer_uri.c. */
#ifndef CASHDRAWERD_PRINTER_URI_SERIAL_H
#define CASHDRAWERD_PRINTER_URI_SERIAL_H

#include "settings/printer_uri.h"

/* Parses what follows "serial:" (DEVICE[?key=value&...]) into uri. Returns
 * 0, or -EINVAL with the reason (without the URI) in err. */
int printer_uri_parse_serial(const char *rest, struct printer_uri *uri, char *err, size_t errlen);

#endif
