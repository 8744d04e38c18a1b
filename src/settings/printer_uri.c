/* Printer URI parsing (pure). */
#include "settings/printer_uri.h"
#include "settings/printer_uri_serial.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URI_EXAMPLES                                                                        \
	"tcp://192.168.1.50:9100, serial:/dev/ttyUSB0?baud=38400, file:/dev/usb/lp0, "     \
	"cups:TICKET, spool:TICKET (Windows) or a queue name such as TICKET"

/* A character for a message: itself when printable, its byte value otherwise,
 * so that control bytes or half an UTF-8 sequence never reach a terminal. */
static const char *shown(char c, char buf[16])
{
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02X", (unsigned char)c);
	return buf;
}

static bool is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

static bool is_queue_char(char c)
{
	/* CUPS and the Windows spooler allow more, but these names also stay safe in logs. */
	return is_host_char(c) || c == ' ' || (unsigned char)c >= 0x80;
}

/* What tcp://[...] holds: an IPv6 address, with a %zone for a link-local
 * one (fe80::5%eth0). Anything else would lose its brackets in the
 * canonical form and no longer parse. */
static bool is_ipv6_address(const char *host, size_t len)
{
	const char *zone = memchr(host, '%', len);
	size_t bare_len = zone != NULL ? (size_t)(zone - host) : len;
	char bare[INET6_ADDRSTRLEN];
	unsigned char address[16];

	if (bare_len >= sizeof bare)
		return false;
	if (zone != NULL && (zone + 1 == host + len || memchr(zone + 1, '%', len - bare_len - 1)))
		return false;
	memcpy(bare, host, bare_len);
	bare[bare_len] = '\0';
	return inet_pton(AF_INET6, bare, address) == 1;
}

static int parse_port(const char *text, unsigned *port)
{
	char *end;
	unsigned long value;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || value < 1 || value > 65535)
		return -EINVAL;
	*port = (unsigned)value;
	return 0;
}

static int parse_tcp(const char *rest, struct printer_uri *uri, char *err, size_t errlen)
{
	const char *host = rest, *host_end, *port_text = NULL;
	size_t host_len;
	char text[16];

	if (*rest == '[') {
		/* tcp://[IPv6]:port */
		host = rest + 1;
		host_end = strchr(host, ']');
		if (host_end == NULL) {
			snprintf(err, errlen, "missing ']' after the IPv6 address");
			return -EINVAL;
		}
		if (host_end[1] == ':')
			port_text = host_end + 2;
		else if (host_end[1] != '\0') {
			snprintf(err, errlen, "unexpected text after ']'");
			return -EINVAL;
		}
		for (const char *c = host; c < host_end; c++) {
			if (!(is_host_char(*c) || *c == ':' || *c == '%')) {
				snprintf(err, errlen, "%s is not allowed in an IPv6 address", shown(*c, text));
				return -EINVAL;
			}
		}
	} else {
		host_end = strchr(host, ':');
		/* two colons after hex digits (or none): an IPv6 address without brackets */
		if (host_end != NULL && strchr(host_end + 1, ':') != NULL &&
		    strspn(host, "0123456789abcdefABCDEF") == (size_t)(host_end - host)) {
			snprintf(err, errlen, "an IPv6 address goes in brackets, as in tcp://[::1]:9100");
			return -EINVAL;
		}
		if (host_end != NULL)
			port_text = host_end + 1;
		else
			host_end = host + strlen(host);
		for (const char *c = host; c < host_end; c++) {
			if (!is_host_char(*c)) {
				snprintf(err, errlen,
					 "%s is not allowed in a host name", shown(*c, text));
				return -EINVAL;
			}
		}
	}
	host_len = (size_t)(host_end - host);
	if (host_len == 0) {
		snprintf(err, errlen, "no host");
		return -EINVAL;
	}
	if (host_len >= sizeof uri->host) {
		snprintf(err, errlen, "host name longer than %zu characters", sizeof uri->host - 1);
		return -EINVAL;
	}
	if (*rest == '[' && !is_ipv6_address(host, host_len)) {
		snprintf(err, errlen,
			 "'%.*s' is not an IPv6 address (brackets hold one, with %%zone for a "
			 "link-local one: tcp://[fe80::5%%eth0]:9100)",
			 (int)(host_len < 64 ? host_len : 64), host);
		return -EINVAL;
	}
	memcpy(uri->host, host, host_len);
	uri->host[host_len] = '\0';
	uri->port = PRINTER_URI_DEFAULT_TCP_PORT;
	if (port_text != NULL && parse_port(port_text, &uri->port) < 0) {
		snprintf(err, errlen, "port '%.16s' is not a number from 1 to 65535", port_text);
		return -EINVAL;
	}
	uri->scheme = PRINTER_URI_TCP;
	return 0;
}

static int parse_file(const char *rest, struct printer_uri *uri, char *err, size_t errlen)
{
	/* file:///dev/usb/lp0 is the same as file:/dev/usb/lp0 */
	if (strncmp(rest, "//", 2) == 0) {
		rest += 2;
		if (*rest != '/') {
			snprintf(err, errlen, "file:// must be followed by an absolute path");
			return -EINVAL;
		}
	}
	if (*rest == '\0') {
		snprintf(err, errlen, "no path after file:");
		return -EINVAL;
	}
	if (strlen(rest) >= sizeof uri->path) {
		snprintf(err, errlen, "path longer than %zu characters", sizeof uri->path - 1);
		return -EINVAL;
	}
	for (const char *c = rest; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			snprintf(err, errlen, "control character in path");
			return -EINVAL;
		}
	}
	strcpy(uri->path, rest);
	uri->scheme = PRINTER_URI_FILE;
	return 0;
}

static int parse_queue(const char *name, enum printer_uri_scheme scheme, struct printer_uri *uri,
		       char *err, size_t errlen)
{
	char shown_char[16];

	if (*name == '\0') {
		snprintf(err, errlen, "no queue name");
		return -EINVAL;
	}
	if (strlen(name) >= sizeof uri->path) {
		snprintf(err, errlen, "queue name too long");
		return -EINVAL;
	}
	for (const char *c = name; *c != '\0'; c++) {
		if (!is_queue_char(*c)) {
			snprintf(err, errlen, "%s is not allowed in a queue name", shown(*c, shown_char));
			return -EINVAL;
		}
	}
	if (name[0] == ' ' || name[strlen(name) - 1] == ' ') {
		snprintf(err, errlen, "queue name starts or ends with a space");
		return -EINVAL;
	}
	strcpy(uri->path, name);
	uri->scheme = scheme;
	return 0;
}

int printer_uri_parse(const char *text, struct printer_uri *uri, char *err, size_t errlen)
{
	char reason[160] = "";
	const char *colon;
	int rc;

	memset(uri, 0, sizeof *uri);
	if (text == NULL || *text == '\0') {
		snprintf(err, errlen, "printer URI is empty; expected " URI_EXAMPLES);
		return -EINVAL;
	}
	colon = strchr(text, ':');
	if (strncmp(text, "tcp://", 6) == 0)
		rc = parse_tcp(text + 6, uri, reason, sizeof reason);
	else if (strncmp(text, "file:", 5) == 0)
		rc = parse_file(text + 5, uri, reason, sizeof reason);
	else if (strncmp(text, "serial:", 7) == 0)
		rc = printer_uri_parse_serial(text + 7, uri, reason, sizeof reason);
	else if (strncmp(text, "cups:", 5) == 0)
		rc = parse_queue(text + 5, PRINTER_URI_CUPS, uri, reason, sizeof reason);
	else if (strncmp(text, "spool:", 6) == 0)
		rc = parse_queue(text + 6, PRINTER_URI_SPOOL, uri, reason, sizeof reason);
	else if (colon == NULL)
		rc = parse_queue(text, PRINTER_URI_QUEUE, uri, reason, sizeof reason);
	else {
		snprintf(err, errlen, "printer URI '%.200s': unknown scheme '%.*s'; expected " URI_EXAMPLES,
			 text, (int)(colon - text < 32 ? colon - text : 32), text);
		return -EINVAL;
	}
	if (rc < 0)
		snprintf(err, errlen, "printer URI '%.200s': %s; expected " URI_EXAMPLES, text, reason);
	return rc;
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
