/* Files in a temporary folder, for the log's unit tests (test_rotlog.c,
 * test_rotlog_faults.c): cmocka setup and teardown of the folder, and the
 * reading and writing the tests do around the log. */
#ifndef CASHDRAWERD_TEST_LOGFILES_H
#define CASHDRAWERD_TEST_LOGFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "log/rotlog.h"

/* cmocka group or test setup: *state becomes the path of a new empty folder. */
int logfiles_make_dir(void **state);
/* cmocka teardown: removes the folder of logfiles_make_dir and its content. */
int logfiles_remove_dir(void **state);

void logfiles_join(char *out, size_t size, const char *dir, const char *name);
void logfiles_write(const char *path, const char *content);
/* Whole file, NUL-terminated, to free; NULL when it does not exist. */
char *logfiles_read(const char *path, size_t *length);
size_t logfiles_count_lines(const char *text);
void logfiles_set_mtime(const char *path, time_t when);
/* From logfiles_writes_fail to logfiles_writes_back every write to a file
 * fails with EFBIG ("File too large": RLIMIT_FSIZE 0, SIGXFSZ ignored), as
 * on a full disk. */
void logfiles_writes_fail(void);
void logfiles_writes_back(void);
/* A log in dir, opened without error (the test fails otherwise). */
struct rotlog *logfiles_open_log(const char *dir, unsigned retention_days, bool mirror_stderr);

#endif
