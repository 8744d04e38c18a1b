/* Settings: the option table, INI and command-line parsing, validation. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "escpos.h"
#include "printer_uri.h"

static int check_bind(const char *value, char *err, size_t errlen)
{
	unsigned char address[16];
	char bare[CONFIG_LIST_ITEM_MAX];
	size_t len = strlen(value);

	/* Accept "::1" and "[::1]" alike. */
	if (len >= 2 && value[0] == '[' && value[len - 1] == ']' && len - 2 < sizeof bare) {
		memcpy(bare, value + 1, len - 2);
		bare[len - 2] = '\0';
		value = bare;
	}
	if (inet_pton(AF_INET, value, address) == 1 || inet_pton(AF_INET6, value, address) == 1)
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
	if (strcmp(value, "2") == 0 || strcmp(value, "5") == 0)
		return 0;
	snprintf(err, errlen, "%s is not a drawer pin (2, or 5 for a second drawer)", value);
	return -EINVAL;
}

static int check_even(const char *value, char *err, size_t errlen)
{
	/* Called after the range check: value is a number. ESC p counts in 2 ms units. */
	unsigned long ms = strtoul(value, NULL, 10);

	if (ms % 2 == 0)
		return 0;
	snprintf(err, errlen, "%lu ms is odd; ESC p counts in 2 ms units (use %lu or %lu)", ms,
		 ms - 1, ms + 1);
	return -EINVAL;
}

static int check_not_empty(const char *value, char *err, size_t errlen)
{
	if (*value != '\0')
		return 0;
	snprintf(err, errlen, "must not be empty");
	return -EINVAL;
}

#define COUNT_OFFSET_STRING(name_) 0
#define COUNT_OFFSET_UINT(name_) 0
#define COUNT_OFFSET_BOOL(name_) 0
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

const struct config_option *config_find(const char *name)
{
	for (size_t i = 0; i < config_option_count; i++) {
		const char *a = config_options[i].name, *b = name;

		/* '-' in a flag stands for '_' in the key */
		while (*a != '\0' && (*a == *b || (*a == '_' && *b == '-'))) {
			a++;
			b++;
		}
		if (*a == '\0' && *b == '\0')
			return &config_options[i];
	}
	return NULL;
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

int config_set(struct config *config, const char *name, const char *value, char *err,
	       size_t errlen)
{
	const struct config_option *option = config_find(name);
	char *field;
	int rc;

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
	}
	return -EINVAL;
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
	return escpos_check_kick(config->pin, config->pulse_on_ms, config->pulse_off_ms, err,
				 errlen);
}

/* ---- INI files ---- */

struct ini_state {
	struct config *config;
	const char *path;
	FILE *file;
	int line;
	bool after_setting;
	char *diag;
	size_t diagsize;
	int problems;
};

static void add_problem(struct ini_state *state, int line, const char *reason)
{
	size_t used = strlen(state->diag);

	state->problems++;
	if (used + 1 < state->diagsize)
		snprintf(state->diag + used, state->diagsize - used, "%s:%d: %s\n", state->path,
			 line, reason);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* What inih accepts on a line: blank, comment, [section], key = value (or
 * key: value), or a continuation (indented, after a setting). */
static bool is_ini_line(const char *line, bool after_setting)
{
	const char *p = line;

	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte order mark */
		p += 3;
	while (is_space(*p))
		p++;
	if (*p == '\0' || *p == ';' || *p == '#')
		return true;
	if (*p == '[')
		return strchr(p, ']') != NULL;
	if (p > line && after_setting)
		return true;
	return strpbrk(p, "=:") != NULL && *p != '=' && *p != ':';
}

/* inih reports neither line numbers to the handler nor more than its first
 * syntax error, and cuts lines at its buffer size: this reader counts lines,
 * reports each malformed or over-long line, and hands inih a blank line in
 * their place. */
static char *read_line(char *buf, int size, void *stream)
{
	struct ini_state *state = stream;
	char *line = fgets(buf, size, state->file);
	char reason[96];
	int c;

	if (line == NULL)
		return NULL;
	state->line++;
	if (strchr(line, '\n') == NULL && !feof(state->file)) {
		const char *start = line + strspn(line, " \t");

		while ((c = fgetc(state->file)) != EOF && c != '\n')
			;
		/* a long comment is harmless; a long setting cannot be read whole */
		if (*start != ';' && *start != '#') {
			snprintf(reason, sizeof reason, "line longer than %d characters (shorten it)",
				 size - 2);
			add_problem(state, state->line, reason);
		}
		state->after_setting = false;
		return strcpy(buf, "\n");
	}
	if (!is_ini_line(line, state->after_setting)) {
		add_problem(state, state->line,
			    "not a setting (expected 'key = value', '[cashdrawerd]' or a comment)");
		state->after_setting = false;
		return strcpy(buf, "\n");
	}
	line += strspn(line, " \t\r\n");
	if (*line != '\0' && *line != ';' && *line != '#')
		state->after_setting = *line != '[';
	return buf;
}

static int on_ini_value(void *user, const char *section, const char *name, const char *value)
{
	struct ini_state *state = user;
	char err[512], reason[600];

	if (section[0] != '\0' && strcmp(section, "cashdrawerd") != 0) {
		snprintf(reason, sizeof reason,
			 "section [%s] is unknown (settings go at the top or under [cashdrawerd])",
			 section);
		add_problem(state, state->line, reason);
		return 1;
	}
	if (config_set(state->config, name, value, err, sizeof err) < 0) {
		snprintf(reason, sizeof reason, "%s: %s", name, err);
		add_problem(state, state->line, reason);
	}
	/* keep going so that every problem of the file is reported at once */
	return 1;
}

int config_load_file(struct config *config, const char *path, char *diag, size_t diagsize)
{
	struct ini_state state = {.config = config, .path = path, .diag = diag,
				  .diagsize = diagsize};
	struct stat info;
	int rc = 0, syntax_line;

	diag[0] = '\0';
	state.file = fopen(path, "r");
	if (state.file == NULL)
		rc = -errno;
	else if (fstat(fileno(state.file), &info) == 0 && S_ISDIR(info.st_mode))
		rc = -EISDIR;
	if (rc < 0) {
		snprintf(diag, diagsize, "%s: cannot read: %s\n", path, strerror(-rc));
		if (state.file != NULL)
			fclose(state.file);
		return rc;
	}
	syntax_line = ini_parse_stream(read_line, &state, on_ini_value, &state);
	if (ferror(state.file))
		add_problem(&state, state.line, "read error");
	fclose(state.file);
	if (syntax_line > 0)
		add_problem(&state, syntax_line,
			    "not a setting (expected 'key = value', '[cashdrawerd]' or a comment)");
	else if (syntax_line < 0)
		add_problem(&state, state.line, "cannot parse the file");
	return state.problems > 0 ? -1 : 0;
}

/* ---- command line ---- */

int config_parse_args(int argc, char *const argv[], struct config_args *args, char *err,
		      size_t errlen)
{
	memset(args, 0, sizeof *args);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL, *eq;
		char name[64];
		const struct config_option *option;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			args->action = CONFIG_ACTION_HELP;
			return 0;
		}
		if (strcmp(arg, "--version") == 0 || strcmp(arg, "-V") == 0) {
			args->action = CONFIG_ACTION_VERSION;
			return 0;
		}
		if (strcmp(arg, "--check-config") == 0) {
			args->action = CONFIG_ACTION_CHECK;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0) {
			snprintf(err, errlen, "unexpected argument '%s' (options start with --; see --help)",
				 arg);
			return -EINVAL;
		}
		eq = strchr(arg, '=');
		if ((eq != NULL ? (size_t)(eq - arg) : strlen(arg)) - 2 >= sizeof name) {
			snprintf(err, errlen, "unknown option '%.64s' (see --help)", arg);
			return -EINVAL;
		}
		snprintf(name, sizeof name, "%.*s", (int)(eq != NULL ? eq - arg - 2 : (long)strlen(arg) - 2),
			 arg + 2);
		option = config_find(name);
		if (option == NULL && strcmp(name, "config") != 0) {
			snprintf(err, errlen, "unknown option '--%s' (see --help)", name);
			return -EINVAL;
		}
		if (eq != NULL)
			value = eq + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else {
			snprintf(err, errlen, "--%s needs a value (see --help)", name);
			return -EINVAL;
		}
		if (strcmp(name, "config") == 0) {
			args->config_path = value;
			continue;
		}
		if (args->count >= sizeof args->values / sizeof args->values[0]) {
			snprintf(err, errlen, "too many options");
			return -EINVAL;
		}
		args->options[args->count] = option;
		args->values[args->count++] = value;
	}
	return 0;
}

static void flag_name(const struct config_option *option, char *buf, size_t size)
{
	snprintf(buf, size, "--%s", option->name);
	for (char *c = buf; *c != '\0'; c++)
		if (*c == '_')
			*c = '-';
}

int config_apply_args(struct config *config, const struct config_args *args, char *err,
		      size_t errlen)
{
	/* A list given on the command line replaces the file's, it does not extend it. */
	for (size_t i = 0; i < args->count; i++)
		config_clear(config, args->options[i]);
	for (size_t i = 0; i < args->count; i++) {
		char reason[512], flag[80];

		if (config_set(config, args->options[i]->name, args->values[i], reason,
			       sizeof reason) < 0) {
			flag_name(args->options[i], flag, sizeof flag);
			snprintf(err, errlen, "%s: %s", flag, reason);
			return -EINVAL;
		}
	}
	return 0;
}

void config_usage(char *buf, size_t size, const char *program)
{
	size_t used = 0;

#define APPEND(...)                                                                         \
	do {                                                                                \
		if (used < size)                                                            \
			used += (size_t)snprintf(buf + used, size - used, __VA_ARGS__);     \
	} while (0)
	APPEND("Usage: %s [--config FILE] [OPTION VALUE]...\n"
	       "Opens a cash drawer through a receipt printer when a POS asks over HTTP.\n\n"
	       "Options (also settable as 'name = value' in the config file, with '_' for '-'):\n",
	       program);
	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];
		char flag[80];

		flag_name(option, flag, sizeof flag);
		APPEND("  %s %s\n      %s", flag, option->metavar, option->help);
		if (option->default_value[0] != '\0')
			APPEND(" [default: %s]", option->default_value);
		APPEND("\n");
	}
	APPEND("  --config FILE\n      read settings from an INI file; command-line options win\n"
	       "  --check-config\n      check the settings, print 'file:line: problem' for each, exit 2 if any\n"
	       "  --help, --version\n");
#undef APPEND
}
