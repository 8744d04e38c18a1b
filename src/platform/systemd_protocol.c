/* The bytes of systemd's notification and journal datagrams (pure): see
 * systemd_protocol.h. */
#include "platform/systemd_protocol.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

/* systemd.journal-fields(7): at most 64 characters, A-Z, 0-9 and '_';
 * not a digit first, and not '_' first (journald's own trusted fields). */
#define FIELD_NAME_MAX 64

static bool valid_field_name(const char *name)
{
	size_t length = strlen(name);

	if (length == 0 || length > FIELD_NAME_MAX || name[0] == '_' ||
	    (name[0] >= '0' && name[0] <= '9'))
		return false;
	for (size_t i = 0; i < length; i++)
		if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return false;
	return true;
}

/* Appends len bytes at *used when they fit; *used grows either way. */
static void put(char *out, size_t size, size_t *used, const void *bytes, size_t len)
{
	if (*used <= size && len <= size - *used)
		memcpy(out + *used, bytes, len);
	*used += len;
}

int systemd_journal_format(const struct systemd_field *fields, size_t count, char *out,
			   size_t size, size_t *length)
{
	size_t used = 0;

	for (size_t i = 0; i < count; i++) {
		const struct systemd_field *field = &fields[i];

		if (!valid_field_name(field->name))
			return -EINVAL;
		put(out, size, &used, field->name, strlen(field->name));
		if (memchr(field->value, '\n', field->length) == NULL) {
			put(out, size, &used, "=", 1);
		} else {
			/* the binary form: NAME\n, length as 64-bit little-endian, value */
			unsigned char size_le[8];
			uint64_t value_length = field->length;

			for (int byte = 0; byte < 8; byte++)
				size_le[byte] = (unsigned char)(value_length >> (8 * byte));
			put(out, size, &used, "\n", 1);
			put(out, size, &used, size_le, sizeof size_le);
		}
		put(out, size, &used, field->value, field->length);
		put(out, size, &used, "\n", 1);
	}
	*length = used;
	return used <= size ? 0 : -EMSGSIZE;
}

/* syslog(3)'s priority of a log level. */
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

int systemd_journal_entry(enum rotlog_level level, const char *message, size_t message_length,
			  char *out, size_t size, size_t *length)
{
	char priority_text[4], facility_text[4];
	const char *level_name = rotlog_level_name(level);
	struct systemd_field fields[] = {
		{"MESSAGE", message, cut(message, message_length, SYSTEMD_JOURNAL_MESSAGE_MAX)},
		{"PRIORITY", priority_text, 0},
		{"SYSLOG_IDENTIFIER", "cashdrawerd", strlen("cashdrawerd")},
		{"SYSLOG_FACILITY", facility_text, 0},
		{"CASHDRAWERD_LEVEL", level_name, strlen(level_name)},
	};

	fields[1].length =
		(size_t)snprintf(priority_text, sizeof priority_text, "%d", priority(level));
	/* LOG_DAEMON is the facility shifted left by 3, as syslog(3) combines it */
	fields[3].length =
		(size_t)snprintf(facility_text, sizeof facility_text, "%d", LOG_DAEMON >> 3);
	return systemd_journal_format(fields, sizeof fields / sizeof fields[0], out, size, length);
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
