/* Files in a temporary folder, for the log's unit tests: see logfiles.h. */
#include "logfiles.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static struct rlimit saved_limit;
static void (*saved_handler)(int);

void logfiles_join(char *out, size_t size, const char *dir, const char *name)
{
	assert_true((size_t)snprintf(out, size, "%s/%s", dir, name) < size);
}

void logfiles_write(const char *path, const char *content)
{
	FILE *file = fopen(path, "w");

	assert_non_null(file);
	assert_int_equal(fputs(content, file) >= 0, 1);
	assert_int_equal(fclose(file), 0);
}

/* Whole file, NUL-terminated; NULL when it does not exist. */
char *logfiles_read(const char *path, size_t *length)
{
	struct stat st;
	char *content;
	FILE *file;

	if (stat(path, &st) < 0)
		return NULL;
	content = malloc((size_t)st.st_size + 1);
	assert_non_null(content);
	file = fopen(path, "r");
	assert_non_null(file);
	assert_int_equal(fread(content, 1, (size_t)st.st_size, file), (size_t)st.st_size);
	fclose(file);
	content[st.st_size] = '\0';
	if (length)
		*length = (size_t)st.st_size;
	return content;
}

size_t logfiles_count_lines(const char *text)
{
	size_t lines = 0;

	for (; *text; text++)
		lines += *text == '\n';
	return lines;
}

void logfiles_set_mtime(const char *path, time_t when)
{
	struct timeval times[2] = {{when, 0}, {when, 0}};

	assert_int_equal(utimes(path, times), 0);
}

int logfiles_make_dir(void **state)
{
	char *dir = strdup("/tmp/cashdrawerd-test-log.XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

int logfiles_remove_dir(void **state)
{
	char *dir = *state;
	int rc = nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

	free(dir);
	return rc;
}

struct rotlog *logfiles_open_log(const char *dir, unsigned retention_days, bool mirror_stderr)
{
	struct rotlog_options options = {
		.dir = dir, .retention_days = retention_days, .mirror_stderr = mirror_stderr};
	struct rotlog *log = NULL;
	char err[256];
	int rc = rotlog_open(&log, &options, err, sizeof err);

	if (rc != 0)
		print_error("rotlog_open: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(log);
	assert_string_equal(err, "");
	return log;
}

void logfiles_writes_fail(void)
{
	struct rlimit none;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved_limit), 0);
	none = saved_limit;
	none.rlim_cur = 0;
	saved_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &none), 0);
}

void logfiles_writes_back(void)
{
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved_limit), 0);
	signal(SIGXFSZ, saved_handler);
}
