/* Settings from the command line, and --help generated from the table. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "settings/config.h"

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
		if (strcmp(arg, "--setup-tls") == 0 || strcmp(arg, "--remove-tls") == 0) {
			args->action = arg[2] == 's' ? CONFIG_ACTION_SETUP_TLS : CONFIG_ACTION_REMOVE_TLS;
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
		if (option == NULL)
			option = config_find_retired(name); /* accepted, then ignored */
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
	       "  --check-config\n      check the settings, print 'file:line: problem' for each, exit 2 if any;\n"
	       "      then try the log folder and the port as the start would, exit 1 if it would fail\n"
	       "  --setup-tls\n      make a new authority limited to localhost, 127.0.0.1 and ::1, the service's\n"
	       "      certificate (tls_cert, tls_key) signed by it, destroy the authority's key, and\n"
	       "      trust the authority on this machine (replacing the one made before); never\n"
	       "      writes over a certificate and key it did not make\n"
	       "  --remove-tls\n      take the authority out of this machine's trust, delete the files\n"
	       "      it made (an admin's own certificate and key stay)\n"
	       "  --help, --version\n");
#undef APPEND
}
