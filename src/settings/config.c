/* Settings: the option table, setting one value from text, validation.
 * config_ini.c reads files, config_cli.c the command line. */
#include "settings/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admission/cidr.h"
#include "drawer/escpos.h"
#include "admission/origin.h"
#include "settings/printer_uri.h"

int config_parse_address(const char *text, struct sockaddr_storage *address, socklen_t *length)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)address;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)address;
	char bare[CONFIG_LIST_ITEM_MAX];
	size_t len = strlen(text);

	memset(address, 0, sizeof *address);
	/* Accept "::1" and "[::1]" alike. */
	if (len >= 2 && text[0] == '[' && text[len - 1] == ']' && len - 2 < sizeof bare) {
		memcpy(bare, text + 1, len - 2);
		bare[len - 2] = '\0';
		text = bare;
	}
	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		*length = sizeof *v4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		*length = sizeof *v6;
		return 0;
	}
	return -EINVAL;
}

static int check_bind(const char *value, char *err, size_t errlen)
{
	struct sockaddr_storage address;
	socklen_t length;

	if (config_parse_address(value, &address, &length) == 0)
		return 0;
	snprintf(err, errlen,
		 "'%s' is not an IP address (examples: 127.0.0.1, ::1, 0.0.0.0, ::; "
		 "the port is set with port)",
		 value);
	return -EINVAL;
}

static int check_printer(const char *value, char *err, size_t errlen)
{
	struct printer_uri uri;

	return printer_uri_parse(value, &uri, err, errlen);
}

static int check_pin(const char *value, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s is not a drawer pin (2, or 5 for a second drawer, or both)", value);
	return -EINVAL;
}

static int check_even(const char *value, char *err, size_t errlen)
{
	/* Called after the range check: value is a number. */
	return escpos_check_pulse_ms((unsigned)strtoul(value, NULL, 10), err, errlen);
}

static int check_kick(const char *value, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "'%s' is not esc-p (ESC p, the usual pulse) or realtime (DLE DC4, also when "
		 "the printer is offline)",
		 value);
	return -EINVAL;
}

static int check_dots(const char *value, char *err, size_t errlen)
{
	/* Called after the range check: value is a number. Raster rows are whole bytes. */
	unsigned long dots = strtoul(value, NULL, 10);

	if (dots % 8 == 0)
		return 0;
	snprintf(err, errlen, "%lu dots is not a multiple of 8 (ESC/POS raster rows are whole bytes: "
		 "512, 576, 384...)", dots);
	return -EINVAL;
}

static int check_cut(const char *value, char *err, size_t errlen)
{
	snprintf(err, errlen, "'%s' is not partial, full or none", value);
	return -EINVAL;
}

static int check_hundreds(const char *value, char *err, size_t errlen)
{
	/* Called after the range check: value is a number. */
	return escpos_check_realtime_pulse_ms((unsigned)strtoul(value, NULL, 10), err, errlen);
}

static int check_level(const char *value, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "'%s' is not high (the usual drawer switch) or low (switch wired the other way)",
		 value);
	return -EINVAL;
}

static int check_syslog_protocol(const char *value, char *err, size_t errlen)
{
	snprintf(err, errlen, "'%s' is not udp or tcp", value);
	return -EINVAL;
}

static int check_not_empty(const char *value, char *err, size_t errlen)
{
	if (*value != '\0')
		return 0;
	snprintf(err, errlen, "must not be empty");
	return -EINVAL;
}

static int check_origin(const char *value, char *err, size_t errlen)
{
	char origin[ORIGIN_MAX];

	return origin_normalize(value, origin, sizeof origin, err, errlen);
}

static int check_network(const char *value, char *err, size_t errlen)
{
	struct cidr network;

	return cidr_parse(value, &network, err, errlen);
}

/* RFC 6750 b64token, long enough not to be guessed. Empty: no token. */
static int check_token(const char *value, char *err, size_t errlen)
{
	size_t len = strlen(value), body = strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
							 "abcdefghijklmnopqrstuvwxyz0123456789-._~+/");

	if (len == 0)
		return 0;
	if (body == 0 || value[body + strspn(value + body, "=")] != '\0') {
		snprintf(err, errlen, "the token may hold letters, digits and -._~+/ (then = "
			 "padding) only; generate one with: openssl rand -hex 24");
		return -EINVAL;
	}
	if (len < 16 || len > 255) {
		snprintf(err, errlen, "the token must have 16 to 255 characters (it has %zu); "
			 "generate one with: openssl rand -hex 24", len);
		return -EINVAL;
	}
	return 0;
}

#define COUNT_OFFSET_STRING(name_) 0
#define COUNT_OFFSET_UINT(name_) 0
#define COUNT_OFFSET_BOOL(name_) 0
#define COUNT_OFFSET_ENUM(name_) 0
#define COUNT_OFFSET_LIST(name_) offsetof(struct config, name_##_count)
#define CONFIG_ENTRY(name_, type_, def_, min_, max_, check_, metavar_, help_)               \
	{.name = #name_,                                                                    \
	 .type = CONFIG_##type_,                                                            \
	 .default_value = def_,                                                             \
	 .min = min_,                                                                       \
	 .max = max_,                                                                       \
	 .check = check_,                                                                   \
	 .metavar = metavar_,                                                               \
	 .help = help_,                                                                     \
	 .offset = offsetof(struct config, name_),                                          \
	 .count_offset = COUNT_OFFSET_##type_(name_)},

const struct config_option config_options[] = {CONFIG_OPTIONS(CONFIG_ENTRY)};
const size_t config_option_count = sizeof config_options / sizeof config_options[0];

#define CONFIG_RETIRED_ENTRY(name_, why_)                                                   \
	{.name = #name_, .type = CONFIG_RETIRED, .default_value = "", .metavar = "", .help = why_},

const struct config_option config_retired[] = {CONFIG_RETIRED_OPTIONS(CONFIG_RETIRED_ENTRY)};
const size_t config_retired_count = sizeof config_retired / sizeof config_retired[0];

static const struct config_option *find_in(const struct config_option *options, size_t count,
					   const char *name)
{
	for (size_t i = 0; i < count; i++) {
		const char *a = options[i].name, *b = name;

		/* '-' in a flag stands for '_' in the key */
		while (*a != '\0' && (*a == *b || (*a == '_' && *b == '-'))) {
			a++;
			b++;
		}
		if (*a == '\0' && *b == '\0')
			return &options[i];
	}
	return NULL;
}

const struct config_option *config_find(const char *name)
{
	return find_in(config_options, config_option_count, name);
}

const struct config_option *config_find_retired(const char *name)
{
	return find_in(config_retired, config_retired_count, name);
}

void config_retired_warnings(const struct config *config, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < config_retired_count && used < size; i++)
		if (config->retired_seen & (1u << i))
			used += (size_t)snprintf(buf + used, size - used,
						 "Réglage %s ignoré : il n'existe plus ; %s ; "
						 "retirez-le des réglages\n",
						 config_retired[i].name, config_retired[i].help);
}

static int parse_uint(const char *text, const struct config_option *option, unsigned *out,
		      char *err, size_t errlen)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = (*text >= '0' && *text <= '9') ? strtoul(text, &end, 10) : 0;
	if (*text < '0' || *text > '9' || errno != 0 || *end != '\0') {
		snprintf(err, errlen, "'%s' is not a whole number (expected %u..%u)", text,
			 option->min, option->max);
		return -EINVAL;
	}
	if (value < option->min || value > option->max) {
		/* a choice such as pin 2|5 is explained by its own check, not as a range */
		if (strchr(option->metavar, '|') != NULL && option->check != NULL &&
		    option->check(text, err, errlen) < 0)
			return -EINVAL;
		snprintf(err, errlen, "%lu is out of range (expected %u..%u)", value, option->min,
			 option->max);
		return -EINVAL;
	}
	*out = (unsigned)value;
	return 0;
}

static int parse_bool(const char *text, bool *out, char *err, size_t errlen)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(text, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(text, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(err, errlen, "'%s' is not a boolean (expected true or false)", text);
	return -EINVAL;
}

static int append_items(struct config *config, const struct config_option *option,
			const char *value, char *err, size_t errlen)
{
	char(*items)[CONFIG_LIST_ITEM_MAX] = (void *)((char *)config + option->offset);
	size_t *count = (void *)((char *)config + option->count_offset);
	const char *p = value;

	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t len;
		char item[CONFIG_LIST_ITEM_MAX];
		int rc;

		if (end == NULL)
			end = p + strlen(p);
		while (p < end && *p == ' ')
			p++;
		len = (size_t)(end - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len == 0 || len >= sizeof item) {
			snprintf(err, errlen, len == 0 ? "empty item in list" : "item too long");
			return -EINVAL;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (option->check != NULL && (rc = option->check(item, err, errlen)) < 0)
			return rc;
		if (*count >= CONFIG_LIST_MAX) {
			snprintf(err, errlen, "more than %d items", CONFIG_LIST_MAX);
			return -EINVAL;
		}
		if (*end == ',' && end[1 + strspn(end + 1, " ")] == '\0') {
			snprintf(err, errlen, "empty item in list (trailing comma)");
			return -EINVAL;
		}
		strcpy(items[(*count)++], item);
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* One of an ENUM option's words (exactly as written in its metavar), as its
 * index; any other word is worded by the option's check, if any. */
static int parse_word(const char *value, const struct config_option *option, unsigned *out,
		      char *err, size_t errlen)
{
	const char *start = option->metavar;
	size_t length = strlen(value);

	for (unsigned i = 0; start != NULL; i++) {
		size_t word = strcspn(start, "|");

		if (word == length && strncmp(start, value, length) == 0) {
			*out = i;
			return 0;
		}
		start = start[word] == '|' ? start + word + 1 : NULL;
	}
	if (option->check != NULL)
		return option->check(value, err, errlen);
	snprintf(err, errlen, "'%s' is not one of %s", value, option->metavar);
	return -EINVAL;
}

int config_set(struct config *config, const char *name, const char *value, char *err,
	       size_t errlen)
{
	const struct config_option *option = config_find(name);
	char *field;
	int rc;

	if (option == NULL && (option = config_find_retired(name)) != NULL) {
		/* accepted, whatever its value: config_retired_warnings says it */
		config->retired_seen |= 1u << (option - config_retired);
		return 0;
	}
	if (option == NULL) {
		snprintf(err, errlen, "unknown setting '%s' (see --help for the list)", name);
		return -EINVAL;
	}
	field = (char *)config + option->offset;
	switch (option->type) {
	case CONFIG_STRING:
		if (strlen(value) >= CONFIG_STRING_MAX) {
			snprintf(err, errlen, "longer than %d characters", CONFIG_STRING_MAX - 1);
			return -EINVAL;
		}
		if (option->check != NULL && (rc = option->check(value, err, errlen)) < 0)
			return rc;
		strcpy(field, value);
		return 0;
	case CONFIG_UINT: {
		unsigned number;

		if ((rc = parse_uint(value, option, &number, err, errlen)) < 0)
			return rc;
		if (option->check != NULL && (rc = option->check(value, err, errlen)) < 0)
			return rc;
		*(unsigned *)(void *)field = number;
		return 0;
	}
	case CONFIG_BOOL:
		return parse_bool(value, (bool *)(void *)field, err, errlen);
	case CONFIG_LIST:
		return append_items(config, option, value, err, errlen);
	case CONFIG_ENUM:
		return parse_word(value, option, (unsigned *)(void *)field, err, errlen);
	case CONFIG_RETIRED:
		break; /* found above */
	}
	return -EINVAL;
}

const char *config_enum_word(const struct config_option *option, unsigned value)
{
	static _Thread_local char word[32];
	const char *start = option->metavar, *bar;

	for (unsigned i = 0; i < value && start != NULL; i++)
		start = (bar = strchr(start, '|')) != NULL ? bar + 1 : NULL;
	if (start == NULL)
		return "?";
	snprintf(word, sizeof word, "%.*s", (int)strcspn(start, "|"), start);
	return word;
}

void config_format_value(const struct config *config, const struct config_option *option,
			 char *buf, size_t size)
{
	const char *field = (const char *)config + option->offset;
	size_t count, used = 0;

	switch (option->type) {
	case CONFIG_STRING:
		snprintf(buf, size, "%s", field);
		return;
	case CONFIG_UINT:
		snprintf(buf, size, "%u", *(const unsigned *)(const void *)field);
		return;
	case CONFIG_BOOL:
		snprintf(buf, size, "%s", *(const bool *)(const void *)field ? "true" : "false");
		return;
	case CONFIG_ENUM:
		snprintf(buf, size, "%s", config_enum_word(option, *(const unsigned *)(const void *)field));
		return;
	case CONFIG_LIST:
		count = *(const size_t *)(const void *)((const char *)config + option->count_offset);
		if (size > 0)
			buf[0] = '\0';
		for (size_t i = 0; i < count && used < size; i++)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", i > 0 ? ", " : "",
						 field + i * CONFIG_LIST_ITEM_MAX);
		return;
	case CONFIG_RETIRED:
		break; /* not in the table: no value */
	}
	if (size > 0)
		buf[0] = '\0';
}

void config_clear(struct config *config, const struct config_option *option)
{
	if (option->type == CONFIG_LIST)
		*(size_t *)(void *)((char *)config + option->count_offset) = 0;
}

void config_defaults(struct config *config)
{
	char err[256];

	memset(config, 0, sizeof *config);
	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];

		if (option->type == CONFIG_LIST && option->default_value[0] == '\0')
			continue;
		/* the table's defaults are valid by construction (unit-tested) */
		(void)config_set(config, option->name, option->default_value, err, sizeof err);
	}
}

int config_validate(const struct config *config, char *err, size_t errlen)
{
	const struct escpos_kick kick = {
		.pin = config->pin == CONFIG_PIN_BOTH ? ESCPOS_PIN_BOTH
		       : config->pin == CONFIG_PIN_5  ? ESCPOS_PIN_5
						      : ESCPOS_PIN_2,
		.realtime = config->kick == CONFIG_KICK_REALTIME,
		.on_ms = config->pulse_on_ms,
		.off_ms = config->pulse_off_ms,
		.realtime_ms = config->realtime_pulse_ms,
	};

	return escpos_kick_check(&kick, err, errlen);
}
