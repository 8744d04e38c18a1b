/* Fuzzes loading a settings file (config_load_file: our line reader, inih,
 * then every value through config_set). Properties: the result says clean
 * exactly when no problem was reported; a NUL byte is always one; whatever
 * was kept is valid (see config_check.h) and fits a line (CONFIG_LINE_MAX,
 * a list on one line); the settings written back as an INI file load again,
 * cleanly, to the same settings. */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "settings/config.h"
#include "config_check.h"
#include "fuzz.h"

/* The file: an in-memory file, rewritten for each input, read through its
 * /proc path so config_load_file runs whole, fopen included. */
struct memory_file {
	int fd;
	char path[64];
};

static void memory_file_open(struct memory_file *file, const char *name)
{
	file->fd = memfd_create(name, MFD_CLOEXEC);
	if (file->fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(file->path, sizeof file->path, "/proc/self/fd/%d", file->fd);
}

static void memory_file_set(struct memory_file *file, const void *data, size_t size)
{
	if (ftruncate(file->fd, 0) < 0 ||
	    (size > 0 && pwrite(file->fd, data, size, 0) != (ssize_t)size)) {
		perror("memory file");
		abort();
	}
}

/* config as INI text: one key=value line per option, a list on one line
 * (each key may be given once). Every line must fit the reader's limit. */
static size_t write_ini(const struct config *config, char *buf, size_t size)
{
	static char value[CONFIG_LIST_MAX * (CONFIG_LIST_ITEM_MAX + 2)];
	size_t used = 0;

#define PUT(...)                                                                            \
	do {                                                                                \
		int n = snprintf(buf + used, size - used, __VA_ARGS__);                     \
		FUZZ_CHECK(n >= 0 && (size_t)n < size - used, "INI text too long");         \
		used += (size_t)n;                                                          \
	} while (0)
	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];
		size_t start = used;

		/* an empty list is no line: a key given with no item would be refused */
		if (option->type == CONFIG_LIST &&
		    *(const size_t *)(const void *)((const char *)config + option->count_offset) == 0)
			continue;
		config_format_value(config, option, value, sizeof value);
		PUT("%s=%s", option->name, value);
		FUZZ_CHECK(used - start <= CONFIG_LINE_MAX,
			   "%s was kept but its line has %zu characters, over %d", option->name,
			   used - start, CONFIG_LINE_MAX);
		PUT("\n");
	}
	/* retired settings given: any value is accepted and ignored */
	for (size_t i = 0; i < config_retired_count; i++)
		if (config->retired_seen & (1u << i))
			PUT("%s=ignored\n", config_retired[i].name);
#undef PUT
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memory_file input, again;
	static struct config config, reloaded;
	static char diag[4096], ini[65536];
	size_t ini_len;
	int rc;

	if (input.path[0] == '\0') {
		memory_file_open(&input, "fuzz-config");
		memory_file_open(&again, "fuzz-config-again");
	}
	memory_file_set(&input, data, size);
	config_defaults(&config);
	memset(diag, 'x', sizeof diag);
	rc = config_load_file(&config, input.path, diag, sizeof diag);
	FUZZ_CHECK(rc == 0 || rc == -1, "config_load_file returned %d", rc);
	FUZZ_CHECK(fuzz_terminated(diag, sizeof diag), "the problems are not terminated");
	FUZZ_CHECK((rc == 0) == (diag[0] == '\0'), "returned %d with problems '%s'", rc, diag);
	FUZZ_CHECK(rc == 0 || strncmp(diag, input.path, strlen(input.path)) == 0,
		   "a problem does not start with the file's name: '%s'", diag);
	FUZZ_CHECK(memchr(data, '\0', size) == NULL || rc == -1, "a NUL byte was not reported");
	fuzz_check_config(&config);

	/* what was kept, written back, reads back the same */
	ini_len = write_ini(&config, ini, sizeof ini);
	memory_file_set(&again, ini, ini_len);
	config_defaults(&reloaded);
	rc = config_load_file(&reloaded, again.path, diag, sizeof diag);
	FUZZ_CHECK(rc == 0, "the settings written back do not load: %s", diag);
	FUZZ_CHECK(fuzz_same_config(&config, &reloaded), "the settings written back differ");
	return 0;
}
