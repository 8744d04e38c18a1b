/* The head of an HTTP/1.1 answer: status, length, Connection, CORS. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soakgen.h"

/* The value of a header line "Name: value" if name matches (case-insensitive). */
static const char *header_value(const char *line, size_t line_length, const char *name,
				size_t *value_length)
{
	size_t n = strlen(name);
	const char *value;

	if (line_length <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return NULL;
	value = line + n + 1;
	while (value < line + line_length && (*value == ' ' || *value == '\t'))
		value++;
	*value_length = (size_t)(line + line_length - value);
	return value;
}

int response_parse(const char *buf, size_t len, struct response *out)
{
	const char *end = NULL, *line, *next;
	char *stop;

	for (size_t i = 0; i + 3 < len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			end = buf + i + 2; /* the blank line's CRLF starts here */
			break;
		}
	if (len >= 5 && memcmp(buf, "HTTP/", 5) != 0)
		return -1;
	if (end == NULL)
		return 0;
	memset(out, 0, sizeof *out);
	out->header_length = (size_t)(end - buf) + 2;
	/* "HTTP/1.1 200 OK" */
	if (end - buf < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ')
		return -1;
	out->status = (unsigned)strtoul(buf + 9, &stop, 10);
	if (stop != buf + 12 || out->status < 100 || out->status >= STATUS_SLOTS)
		return -1;
	for (line = (const char *)memchr(buf, '\n', (size_t)(end - buf)) + 1; line < end;
	     line = next + 2) {
		size_t length, value_length;
		const char *value;

		next = line;
		while (next < end && !(next[0] == '\r' && next[1] == '\n'))
			next++;
		length = (size_t)(next - line);
		if ((value = header_value(line, length, "Content-Length", &value_length)) != NULL) {
			out->has_length = true;
			out->length = strtoull(value, NULL, 10);
		} else if ((value = header_value(line, length, "Connection", &value_length)) !=
			   NULL) {
			out->close = value_length == 5 && strncasecmp(value, "close", 5) == 0;
		} else if ((value = header_value(line, length, "Transfer-Encoding",
						 &value_length)) != NULL) {
			out->chunked = true;
		} else if (header_value(line, length, "Access-Control-Allow-Origin",
					&value_length) != NULL) {
			out->cors = true;
		}
	}
	return 1;
}
