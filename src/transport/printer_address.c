/* Printer addresses: names of settings and the canonical text form (see
 * printer_address.h). */
#include "transport/printer_address.h"

#include <stdio.h>
#include <string.h>

const char *const printer_uri_parity_names[3] = {"none", "even", "odd"};
const char *const printer_uri_flow_names[3] = {"none", "rtscts", "xonxoff"};

const unsigned printer_uri_serial_bauds[] = {1200,  2400,  4800,   9600,   19200,
					     38400, 57600, 115200, 230400, 0};

const char *printer_uri_parity_name(enum printer_uri_parity parity)
{
	return (unsigned)parity < 3 ? printer_uri_parity_names[parity] : "?";
}

const char *printer_uri_flow_name(enum printer_uri_flow flow)
{
	return (unsigned)flow < 3 ? printer_uri_flow_names[flow] : "?";
}

void printer_uri_format(const struct printer_uri *uri, char *buf, size_t size)
{
	switch (uri->scheme) {
	case PRINTER_URI_TCP:
		if (strchr(uri->host, ':') != NULL)
			snprintf(buf, size, "tcp://[%s]:%u", uri->host, uri->port);
		else
			snprintf(buf, size, "tcp://%s:%u", uri->host, uri->port);
		break;
	case PRINTER_URI_FILE:
		/* "file://x" would read as file:// + a relative path: keep the slashes */
		snprintf(buf, size, strncmp(uri->path, "//", 2) == 0 ? "file://%s" : "file:%s", uri->path);
		break;
	case PRINTER_URI_QUEUE:
		snprintf(buf, size, "%s", uri->path);
		break;
	case PRINTER_URI_CUPS:
		snprintf(buf, size, "cups:%s", uri->path);
		break;
	case PRINTER_URI_SPOOL:
		snprintf(buf, size, "spool:%s", uri->path);
		break;
	case PRINTER_URI_SERIAL:
		printer_uri_format_serial(uri, buf, size);
		break;
	}
}

void printer_uri_format_serial(const struct printer_uri *uri, char *buf, size_t size)
{
	snprintf(buf, size, "serial:%s?baud=%u&data_bits=%u&parity=%s&stop_bits=%u&flow=%s",
		 uri->path, uri->serial.baud, uri->serial.data_bits,
		 printer_uri_parity_name(uri->serial.parity), uri->serial.stop_bits,
		 printer_uri_flow_name(uri->serial.flow));
}
