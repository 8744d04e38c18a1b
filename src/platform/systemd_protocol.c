/* The bytes cashdrawerd gives systemd (pure): see systemd_protocol.h. */
#include "platform/systemd_protocol.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

/* sd-daemon(3)'s prefixes: syslog(3)'s priority of a log level. */
static int priority(enum rotlog_level level)
{
	switch (level) {
	case ROTLOG_DEBUG:
		return LOG_DEBUG;
	case ROTLOG_INFO:
		return LOG_INFO;
	case ROTLOG_WARNING:
		return LOG_WARNING;
	default:
		return LOG_ERR;
	}
}

/* At most max bytes of text, not ending inside a UTF-8 character. */
static size_t cut(const char *text, size_t length, size_t max)
{
	if (length <= max)
		return length;
	/* text[max] starts the first character left out, unless it continues one */
	while (max > 0 && ((unsigned char)text[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* A decimal number of text up to stop (exclusive), whole, without sign or
 * spaces. */
static bool parse_decimal(const char *text, const char *stop, uint64_t *value)
{
	*value = 0;
	if (text == stop)
		return false;
	for (; text < stop; text++) {
		uint64_t digit = (uint64_t)(*text - '0');

		if (*text < '0' || *text > '9' || *value > (UINT64_MAX - digit) / 10)
			return false;
		*value = *value * 10 + digit;
	}
	return true;
}

bool systemd_journal_stream_is(const char *journal_stream, uint64_t device, uint64_t inode)
{
	const char *colon;
	uint64_t stream_device, stream_inode;

	if (journal_stream == NULL || (colon = strchr(journal_stream, ':')) == NULL)
		return false;
	return parse_decimal(journal_stream, colon, &stream_device) &&
	       parse_decimal(colon + 1, colon + 1 + strlen(colon + 1), &stream_inode) &&
	       stream_device == device && stream_inode == inode;
}

size_t systemd_journal_line_format(enum rotlog_level level, const char *message, size_t length,
				   char *out, size_t size)
{
	/* "<N>" and '\n' around the message */
	size_t kept = cut(message, length, size - 4);

	out[0] = '<';
	out[1] = (char)('0' + priority(level));
	out[2] = '>';
	memcpy(out + 3, message, kept);
	for (size_t i = 3; i < 3 + kept; i++)
		if (out[i] == '\n')
			out[i] = ' ';
	out[3 + kept] = '\n';
	return 3 + kept + 1;
}

int systemd_notify_address(const char *notify_socket, struct sockaddr_un *address,
			   socklen_t *address_length)
{
	size_t length;

	if (notify_socket == NULL || notify_socket[0] == '\0')
		return 0;
	length = strlen(notify_socket);
	memset(address, 0, sizeof *address);
	address->sun_family = AF_UNIX;
	if (notify_socket[0] == '/') {
		/* a path, with its terminating NUL */
		if (length >= sizeof address->sun_path)
			return -EINVAL;
		memcpy(address->sun_path, notify_socket, length + 1);
		*address_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length + 1);
		return 1;
	}
	if (notify_socket[0] == '@') {
		/* the abstract namespace: a NUL, then the name; its length is the
		 * address's length, nothing terminates it */
		if (length == 1 || length > sizeof address->sun_path)
			return -EINVAL;
		memcpy(address->sun_path + 1, notify_socket + 1, length - 1);
		*address_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
		return 1;
	}
	return strchr(notify_socket, ':') != NULL ? -EAFNOSUPPORT : -EINVAL;
}

int systemd_notify_format(const char *state, const char *status, char *out, size_t size)
{
	int length = snprintf(out, size, "%s\nSTATUS=%s", state, status);

	if (length < 0 || (size_t)length >= size)
		return -EMSGSIZE;
	/* STATUS= is one line: a newline would start another assignment */
	for (char *c = out + strlen(state) + 1; *c != '\0'; c++)
		if (*c == '\n')
			*c = ' ';
	return length;
}
