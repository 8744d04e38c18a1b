/* serial: URIs (pure): the device, then the line settings as a query,
 * serial:/dev/ttyUSB0?baud=38400&parity=none&flow=rtscts. */
#include "settings/printer_uri_serial.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const unsigned printer_uri_serial_bauds[] = {1200,  2400,  4800,   9600,   19200,
					     38400, 57600, 115200, 230400, 0};

#define SETTINGS "baud, data_bits, parity, stop_bits, flow"

static const char *const parity_names[] = {"none", "even", "odd"};
static const char *const flow_names[] = {"none", "rtscts", "xonxoff"};

const char *printer_uri_parity_name(enum printer_uri_parity parity)
{
	return (unsigned)parity < 3 ? parity_names[parity] : "?";
}

const char *printer_uri_flow_name(enum printer_uri_flow flow)
{
	return (unsigned)flow < 3 ? flow_names[flow] : "?";
}

/* value as a decimal number from the list allowed (0-terminated); -1 otherwise */
static long number_in(const char *value, const unsigned *allowed)
{
	char *end;
	unsigned long number;

	if (*value < '0' || *value > '9' || strlen(value) > 7)
		return -1;
	number = strtoul(value, &end, 10);
	if (*end != '\0')
		return -1;
	for (const unsigned *a = allowed; *a != 0; a++)
		if (number == *a)
			return (long)number;
	return -1;
}

static int name_in(const char *value, const char *const names[3])
{
	for (int i = 0; i < 3; i++)
		if (strcmp(value, names[i]) == 0)
			return i;
	return -1;
}

/* One key=value of the query, value already cut at '&'. */
static int apply_setting(struct printer_uri_serial *serial, const char *key, const char *value,
			 char *err, size_t errlen)
{
	static const unsigned data_bits[] = {7, 8, 0}, stop_bits[] = {1, 2, 0};
	long number;
	int index;

	if (strcmp(key, "baud") == 0) {
		if ((number = number_in(value, printer_uri_serial_bauds)) < 0) {
			snprintf(err, errlen,
				 "baud '%.16s' is not one of 1200, 2400, 4800, 9600, 19200, 38400, "
				 "57600, 115200, 230400 (the printer's DIP switches or utility "
				 "show its rate)",
				 value);
			return -EINVAL;
		}
		serial->baud = (unsigned)number;
	} else if (strcmp(key, "data_bits") == 0) {
		if ((number = number_in(value, data_bits)) < 0) {
			snprintf(err, errlen, "data_bits '%.16s' is not 7 or 8", value);
			return -EINVAL;
		}
		serial->data_bits = (unsigned)number;
	} else if (strcmp(key, "stop_bits") == 0) {
		if ((number = number_in(value, stop_bits)) < 0) {
			snprintf(err, errlen, "stop_bits '%.16s' is not 1 or 2", value);
			return -EINVAL;
		}
		serial->stop_bits = (unsigned)number;
	} else if (strcmp(key, "parity") == 0) {
		if ((index = name_in(value, parity_names)) < 0) {
			snprintf(err, errlen, "parity '%.16s' is not none, even or odd", value);
			return -EINVAL;
		}
		serial->parity = (enum printer_uri_parity)index;
	} else if (strcmp(key, "flow") == 0) {
		if ((index = name_in(value, flow_names)) < 0) {
			snprintf(err, errlen, "flow '%.16s' is not none, rtscts or xonxoff", value);
			return -EINVAL;
		}
		serial->flow = (enum printer_uri_flow)index;
	} else {
		snprintf(err, errlen, "unknown serial setting '%.32s' (settings: " SETTINGS ")", key);
		return -EINVAL;
	}
	return 0;
}

static int parse_query(char *query, struct printer_uri_serial *serial, char *err, size_t errlen)
{
	static const char *const keys[] = {"baud", "data_bits", "parity", "stop_bits", "flow"};
	bool seen[5] = {false};

	while (query != NULL) {
		char *next = strchr(query, '&'), *value;
		size_t k;

		if (next != NULL)
			*next++ = '\0';
		value = strchr(query, '=');
		if (value == NULL || value == query || value[1] == '\0') {
			snprintf(err, errlen, "serial setting '%.32s' is not key=value (settings: " SETTINGS
				 ")", query);
			return -EINVAL;
		}
		*value++ = '\0';
		for (k = 0; k < 5 && strcmp(query, keys[k]) != 0; k++)
			;
		if (k < 5 && seen[k]) {
			snprintf(err, errlen, "serial setting '%s' is given twice", keys[k]);
			return -EINVAL;
		}
		if (apply_setting(serial, query, value, err, errlen) < 0)
			return -EINVAL;
		seen[k] = true;
		query = next;
	}
	return 0;
}

int printer_uri_parse_serial(const char *rest, struct printer_uri *uri, char *err, size_t errlen)
{
	const char *question = strchr(rest, '?');
	size_t device_len = question != NULL ? (size_t)(question - rest) : strlen(rest);
	char query[256];

	uri->serial = (struct printer_uri_serial){
		.baud = 9600,
		.data_bits = 8,
		.parity = PRINTER_URI_PARITY_NONE,
		.stop_bits = 1,
		.flow = PRINTER_URI_FLOW_RTSCTS,
	};
	if (device_len == 0) {
		snprintf(err, errlen, "no device after serial: (e.g. serial:/dev/ttyUSB0 or serial:COM3)");
		return -EINVAL;
	}
	if (device_len >= sizeof uri->path) {
		snprintf(err, errlen, "device path longer than %zu characters", sizeof uri->path - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < device_len; i++) {
		if ((unsigned char)rest[i] < 0x20 || rest[i] == 0x7f) {
			snprintf(err, errlen, "control character in device path");
			return -EINVAL;
		}
	}
	memcpy(uri->path, rest, device_len);
	uri->path[device_len] = '\0';
	if (question != NULL) {
		if (strlen(question + 1) >= sizeof query) {
			snprintf(err, errlen, "serial settings longer than %zu characters",
				 sizeof query - 1);
			return -EINVAL;
		}
		strcpy(query, question + 1);
		if (parse_query(query, &uri->serial, err, errlen) < 0)
			return -EINVAL;
	}
	uri->scheme = PRINTER_URI_SERIAL;
	return 0;
}

void printer_uri_format_serial(const struct printer_uri *uri, char *buf, size_t size)
{
	snprintf(buf, size, "serial:%s?baud=%u&data_bits=%u&parity=%s&stop_bits=%u&flow=%s",
		 uri->path, uri->serial.baud, uri->serial.data_bits,
		 printer_uri_parity_name(uri->serial.parity), uri->serial.stop_bits,
		 printer_uri_flow_name(uri->serial.flow));
}
