/* RFC 5424 messages and RFC 6587 framing. Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/syslog.h"

int syslog_severity(enum rotlog_level level)
{
	switch (level) {
	case ROTLOG_DEBUG:
		return 7;
	case ROTLOG_INFO:
		return 6;
	case ROTLOG_WARNING:
		return 4;
	default:
		return 3;
	}
}

void syslog_format_timestamp(char *buf, size_t size, const struct tm *tm, int ms, long utc_offset)
{
	long minutes = labs(utc_offset) / 60;

	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02ld:%02ld", tm->tm_year + 1900,
		 tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, ms,
		 utc_offset < 0 ? '-' : '+', minutes / 60, minutes % 60);
}

/* HOSTNAME, APP-NAME: PRINTUSASCII (33..126), at most max characters. */
static size_t put_field(char *out, const char *value, size_t max)
{
	size_t n = 0;

	for (; value != NULL && value[n] != '\0' && n < max; n++)
		out[n] = value[n] > 32 && value[n] < 127 ? value[n] : '_';
	if (n == 0)
		out[n++] = '-';
	return n;
}

size_t syslog_format_message(char *buf, size_t size, int facility, enum rotlog_level level,
			     const char *timestamp, const char *hostname, const char *app,
			     long pid, const char *message, size_t length)
{
	char host[256], name[49];
	size_t host_length = put_field(host, hostname, 255), name_length = put_field(name, app, 48);
	int header;

	host[host_length] = '\0';
	name[name_length] = '\0';
	header = snprintf(buf, size, "<%d>1 %s %s %s %ld - - ", facility * 8 + syslog_severity(level),
			  timestamp, host, name, pid);
	if (header < 0 || (size_t)header >= size)
		return size > 0 ? strlen(buf) : 0;
	if (length > size - 1 - (size_t)header)
		length = size - 1 - (size_t)header;
	memcpy(buf + header, message, length);
	buf[header + length] = '\0';
	return (size_t)header + length;
}

size_t syslog_frame_octet_counted(char *buf, size_t size, const char *message, size_t length)
{
	int prefix = snprintf(buf, size, "%zu ", length);

	if (prefix < 0 || (size_t)prefix + length >= size)
		return 0;
	memcpy(buf + prefix, message, length);
	buf[prefix + length] = '\0';
	return (size_t)prefix + length;
}
