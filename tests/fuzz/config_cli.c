/* Fuzzes the command line (config_parse_args, then config_apply_args over
 * the defaults). The input is argv: arguments separated by NUL bytes.
 * Properties: what parses points into argv and names real options; written
 * back as --flag=value it parses to the same; applied, every value is valid
 * (config_check.h) and the last value given for an option wins. */
#include <errno.h>

#include "settings/config.h"
#include "config_check.h"
#include "fuzz.h"

#define ARGS_MAX 200

/* True when p points into one of the n strings of argv. */
static int inside_argv(const char *p, char *const argv[], int n)
{
	for (int i = 0; i < n; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return 1;
	return 0;
}

static int is_option(const struct config_option *option)
{
	return option >= config_options && option < config_options + config_option_count;
}

/* args written back as --flag=value arguments into argv (strings in text). */
static int write_args(const struct config_args *args, char *text, size_t size, char *argv[])
{
	int argc = 0;
	size_t used = 0;

#define ARG(...)                                                                            \
	do {                                                                                \
		int n = snprintf(text + used, size - used, __VA_ARGS__);                    \
		FUZZ_CHECK(n >= 0 && (size_t)n < size - used, "arguments too long");        \
		argv[argc++] = text + used;                                                 \
		used += (size_t)n + 1;                                                      \
	} while (0)
	ARG("cashdrawerd");
	if (args->action == CONFIG_ACTION_CHECK)
		ARG("--check-config");
	else if (args->action == CONFIG_ACTION_SETUP_TLS)
		ARG("--setup-tls");
	else if (args->action == CONFIG_ACTION_REMOVE_TLS)
		ARG("--remove-tls");
	if (args->config_path != NULL)
		ARG("--config=%s", args->config_path);
	for (size_t i = 0; i < args->count; i++) {
		ARG("--%s=%s", args->options[i]->name, args->values[i]);
		for (char *c = argv[argc - 1] + 2; *c != '='; c++)
			if (*c == '_')
				*c = '-';
	}
#undef ARG
	return argc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config config;
	static char rewritten[1 << 17];
	char *text = malloc(size + 1), *argv[ARGS_MAX + 1], *again_argv[ARGS_MAX + 8];
	struct config_args args, again;
	char err[1024];
	int argc = 1, again_argc, rc;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	argv[0] = "cashdrawerd";
	for (size_t start = 0; start < size && argc < ARGS_MAX;) {
		argv[argc++] = text + start;
		start += strlen(text + start) + 1;
	}
	argv[argc] = NULL;

	memset(err, 0, sizeof err);
	rc = config_parse_args(argc, argv, &args, err, sizeof err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -EINVAL && err[0] != '\0', "refused (%d) without a reason", rc);
		goto out;
	}
	FUZZ_CHECK(args.action <= CONFIG_ACTION_REMOVE_TLS, "action %d", (int)args.action);
	if (args.action == CONFIG_ACTION_HELP || args.action == CONFIG_ACTION_VERSION)
		goto out;
	FUZZ_CHECK(args.count <= sizeof args.values / sizeof args.values[0], "%zu options",
		   args.count);
	FUZZ_CHECK(args.config_path == NULL || inside_argv(args.config_path, argv, argc),
		   "the config path is not in argv");
	for (size_t i = 0; i < args.count; i++) {
		FUZZ_CHECK(is_option(args.options[i]), "option %zu is not in the table", i);
		FUZZ_CHECK(inside_argv(args.values[i], argv, argc), "value %zu is not in argv", i);
	}

	/* written back in the --flag=value form, the same arguments */
	again_argc = write_args(&args, rewritten, sizeof rewritten, again_argv);
	again_argv[again_argc] = NULL;
	FUZZ_CHECK(config_parse_args(again_argc, again_argv, &again, err, sizeof err) == 0,
		   "written back, refused: %s", err);
	FUZZ_CHECK(again.action == args.action && again.count == args.count &&
			   (again.config_path == NULL) == (args.config_path == NULL),
		   "written back, parsed differently");
	FUZZ_CHECK(args.config_path == NULL || strcmp(again.config_path, args.config_path) == 0,
		   "written back, another config path");
	for (size_t i = 0; i < args.count; i++)
		FUZZ_CHECK(again.options[i] == args.options[i] &&
				   strcmp(again.values[i], args.values[i]) == 0,
			   "written back, option %zu differs", i);

	config_defaults(&config);
	if (config_apply_args(&config, &args, err, sizeof err) != 0) {
		FUZZ_CHECK(strncmp(err, "--", 2) == 0, "a refusal that names no flag: %s", err);
		goto out;
	}
	fuzz_check_config(&config);
	/* the last value of a single-valued option is the one kept */
	for (size_t i = 0; i < args.count; i++) {
		const struct config_option *option = args.options[i];
		const char *field = (const char *)&config + option->offset;
		size_t later = i + 1;

		while (later < args.count && args.options[later] != option)
			later++;
		if (later < args.count)
			continue;
		if (option->type == CONFIG_STRING)
			FUZZ_CHECK(strcmp(field, args.values[i]) == 0, "--%s %s kept as '%s'",
				   option->name, args.values[i], field);
		else if (option->type == CONFIG_ENUM)
			FUZZ_CHECK(strcmp(config_enum_word(option, *(const unsigned *)(const void *)field),
					  args.values[i]) == 0,
				   "--%s %s kept as word %u", option->name, args.values[i],
				   *(const unsigned *)(const void *)field);
		else if (option->type == CONFIG_UINT)
			FUZZ_CHECK(*(const unsigned *)(const void *)field ==
					   strtoul(args.values[i], NULL, 10),
				   "--%s %s kept as %u", option->name, args.values[i],
				   *(const unsigned *)(const void *)field);
	}
out:
	free(text);
	return 0;
}
