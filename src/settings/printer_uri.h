/* Printer URI parsing (pure): the text of the printer setting into the
 * address the transports take (src/transport/printer_address.h). */
#ifndef CASHDRAWERD_PRINTER_URI_H
#define CASHDRAWERD_PRINTER_URI_H

#include <stddef.h>

#include "transport/printer_address.h"

/* Parses text into uri. Returns 0, or -EINVAL with err saying what is wrong
 * and what a valid URI looks like. */
int printer_uri_parse(const char *text, struct printer_uri *uri, char *err, size_t errlen);

#endif
