/* The log when writing fails: a write cut short by a full disk, a file that
 * cannot be written and then can, a last line torn by a crash. The file only
 * ever holds whole lines, lost lines are counted and then reported in the
 * file itself, and the file is opened afresh after a failure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log/rotlog.h"
#include "logfiles.h"

/* A line torn by a crash, as the file holds it: no '\n' at the end. */
#define TORN "2025-02-01 10:00:00,000 - INFO - 127.0.0.1 GET /open-ca"
#define WHOLE "2025-02-01 09:59:59,999 - INFO - 127.0.0.1 GET /status 200 ok\n"

/* The n-th line (0-based) of text, without its '\n', into buf. */
static void nth_line(const char *text, unsigned n, char *buf, size_t size)
{
	const char *end;

	while (n-- > 0) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	end = strchr(text, '\n');
	assert_non_null(end);
	assert_true((size_t)(end - text) < size);
	memcpy(buf, text, (size_t)(end - text));
	buf[end - text] = '\0';
}

/* "YYYY-MM-DD HH:MM:SS,mmm - LEVEL - " then message: the message of line. */
static const char *message_of(const char *line, const char *level)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd,ddd - ";
	size_t i;

	for (i = 0; i < sizeof shape - 1; i++) {
		if (shape[i] == 'd' ? line[i] < '0' || line[i] > '9' : line[i] != shape[i])
			return NULL;
	}
	line += i;
	if (strncmp(line, level, strlen(level)) != 0 || strncmp(line + strlen(level), " - ", 3) != 0)
		return NULL;
	return line + strlen(level) + 3;
}

static bool starts_with(const char *text, const char *prefix)
{
	return text != NULL && strncmp(text, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *text, const char *suffix)
{
	size_t length = text != NULL ? strlen(text) : 0;

	return length >= strlen(suffix) && strcmp(text + length - strlen(suffix), suffix) == 0;
}

/* ---- pure: what a cut-short write may keep ---- */

static void test_whole_lines_length_ends_at_the_last_newline(void **state)
{
	(void)state;
	assert_int_equal(rotlog_whole_lines_length("", 0), 0);
	assert_int_equal(rotlog_whole_lines_length("abc", 3), 0);
	assert_int_equal(rotlog_whole_lines_length("\n", 1), 1);
	assert_int_equal(rotlog_whole_lines_length("ab\n", 3), 3);
	assert_int_equal(rotlog_whole_lines_length("ab\ncd", 5), 3);
	assert_int_equal(rotlog_whole_lines_length("ab\ncd\nef", 8), 6);
	/* only the length given counts, not what follows */
	assert_int_equal(rotlog_whole_lines_length("ab\ncd\n", 5), 3);
}

/* ---- writes that fail ---- */

/* RLIMIT_FSIZE makes a real short write, as a full disk does. */
static void test_a_write_cut_short_leaves_no_piece_of_a_line_and_the_gap_is_reported(void **state)
{
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	char path[512], line[512], *content;
	struct rlimit saved, small;
	struct rotlog_health health;
	void (*previous)(int);

	rotlog_write(log, ROTLOG_INFO, "first"); /* 39 bytes */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	small = saved;
	small.rlim_cur = 100;
	previous = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	rotlog_write(log, ROTLOG_INFO, "%0100d", 7); /* 134 bytes: 61 fit, and are cut off */
	rotlog_write(log, ROTLOG_INFO, "short");    /* would fit, but the report of the gap first does not */
	rotlog_get_health(log, &health);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, previous);
	assert_false(health.last_write_ok);
	assert_int_equal(health.lines_written, 1);
	assert_int_equal(health.write_failures, 2);
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	assert_int_equal(strlen(content), 39); /* nothing of the two lines is left */
	free(content);

	rotlog_write(log, ROTLOG_INFO, "fourth");
	rotlog_get_health(log, &health);
	rotlog_close(log);
	assert_true(health.last_write_ok);
	assert_int_equal(health.lines_written, 3); /* first, the report, fourth */
	assert_int_equal(health.write_failures, 2);
	assert_true(starts_with(health.last_error, "écriture de "));
	assert_true(ends_with(health.last_error, " (disque plein ?)"));
	content = logfiles_read(path, NULL);
	assert_int_equal(logfiles_count_lines(content), 3);
	nth_line(content, 0, line, sizeof line);
	assert_string_equal(message_of(line, "INFO"), "first");
	nth_line(content, 1, line, sizeof line);
	assert_true(starts_with(message_of(line, "WARNING"), "Journal rétabli : 2 lignes perdues depuis le "));
	assert_true(ends_with(line, " (disque plein ?))"));
	nth_line(content, 2, line, sizeof line);
	assert_string_equal(message_of(line, "INFO"), "fourth");
	free(content);
}

/* A file that fails (here /dev/full) is let go of after the failure: once
 * another file takes its place (the admin deleted it to free space, remounted
 * the disk), the next line goes there, after the report of the gap. */
static void test_after_a_failure_the_file_is_opened_afresh_and_the_gap_reported(void **state)
{
	char path[512], expected[700], line[1024], *content;
	struct rotlog_health health;
	struct rotlog *log;
	const char *message;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	log = logfiles_open_log(*state, 30, false);
	logfiles_writes_fail();
	rotlog_write(log, ROTLOG_INFO, "lost");
	rotlog_write_routine(log, ROTLOG_INFO, "lost routine");
	rotlog_write(log, ROTLOG_ERROR, "lost too"); /* writes the routine line first */
	logfiles_writes_back();
	rotlog_write(log, ROTLOG_INFO, "back");
	rotlog_get_health(log, &health);
	rotlog_close(log);

	assert_true(health.last_write_ok);
	assert_int_equal(health.lines_written, 2);
	assert_int_equal(health.write_failures, 3);
	snprintf(expected, sizeof expected, "écriture de %s : fichier trop grand (EFBIG)", path);
	assert_string_equal(health.last_error, expected); /* kept after the recovery */
	content = logfiles_read(path, NULL);
	assert_non_null(content);
	assert_int_equal(logfiles_count_lines(content), 2);
	nth_line(content, 0, line, sizeof line);
	message = message_of(line, "WARNING");
	assert_true(starts_with(message, "Journal rétabli : 3 lignes perdues depuis le "));
	snprintf(expected, sizeof expected, " (écriture de %s : fichier trop grand (EFBIG))", path);
	assert_true(ends_with(message, expected));
	nth_line(content, 1, line, sizeof line);
	assert_string_equal(message_of(line, "INFO"), "back");
	free(content);
}

static void test_one_lost_line_is_reported_in_the_singular(void **state)
{
	char path[512], line[1024], *content;
	struct rotlog *log;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	log = logfiles_open_log(*state, 30, false);
	logfiles_writes_fail();
	rotlog_write(log, ROTLOG_INFO, "lost");
	logfiles_writes_back();
	rotlog_write(log, ROTLOG_INFO, "back");
	rotlog_close(log);
	content = logfiles_read(path, NULL);
	nth_line(content, 0, line, sizeof line);
	assert_true(starts_with(message_of(line, "WARNING"), "Journal rétabli : 1 ligne perdue depuis le "));
	free(content);
}

/* ---- a line torn by a crash, found at the next start ---- */

static void test_a_torn_last_line_is_cut_off_at_open_and_quoted_in_a_warning(void **state)
{
	char path[512], line[1024], *content;
	struct rotlog *log;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	logfiles_write(path, WHOLE TORN);
	log = logfiles_open_log(*state, 30, false);
	rotlog_write(log, ROTLOG_INFO, "started");
	rotlog_close(log);

	content = logfiles_read(path, NULL);
	assert_true(starts_with(content, WHOLE));
	assert_int_equal(logfiles_count_lines(content), 3);
	nth_line(content, 1, line, sizeof line);
	assert_string_equal(message_of(line, "WARNING"),
			    "Fin de journal incomplète retirée (service arrêté net au milieu d'une "
			    "écriture ?) : 55 octets « " TORN " »");
	nth_line(content, 2, line, sizeof line);
	assert_string_equal(message_of(line, "INFO"), "started");
	free(content);
}

static void test_a_file_holding_only_a_torn_line_is_emptied_of_it(void **state)
{
	char path[512], line[1024], *content;
	struct rotlog *log;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	logfiles_write(path, TORN);
	log = logfiles_open_log(*state, 30, false);
	rotlog_close(log);
	content = logfiles_read(path, NULL);
	assert_int_equal(logfiles_count_lines(content), 1);
	nth_line(content, 0, line, sizeof line);
	assert_true(starts_with(message_of(line, "WARNING"), "Fin de journal incomplète retirée"));
	free(content);
}

/* Longer than any line the service writes: not one of ours, so it is kept,
 * and our first line starts on a line of its own. */
static void test_a_last_line_too_long_to_be_ours_is_kept_and_ours_start_below_it(void **state)
{
	char path[512], line[1024], *foreign, *content;
	struct rotlog *log;
	size_t length;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	foreign = malloc(ROTLOG_LINE_MAX + 2);
	assert_non_null(foreign);
	memset(foreign, 'x', ROTLOG_LINE_MAX + 1);
	foreign[ROTLOG_LINE_MAX + 1] = '\0';
	logfiles_write(path, foreign);
	log = logfiles_open_log(*state, 30, false);
	rotlog_write(log, ROTLOG_INFO, "next");
	rotlog_close(log);
	content = logfiles_read(path, &length);
	assert_memory_equal(content, foreign, ROTLOG_LINE_MAX + 1);
	assert_int_equal(content[ROTLOG_LINE_MAX + 1], '\n');
	nth_line(content + ROTLOG_LINE_MAX + 2, 0, line, sizeof line);
	assert_string_equal(message_of(line, "INFO"), "next");
	assert_int_equal(logfiles_count_lines(content), 2);
	free(content);
	free(foreign);
}

/* Cutting the torn line must not make yesterday's file look like today's. */
static void test_yesterdays_file_with_a_torn_line_is_archived_under_yesterday_whole(void **state)
{
	char path[512], archive[512], name[ROTLOG_ARCHIVE_NAME_MAX], *content;
	time_t now = time(NULL), yesterday;
	struct rotlog *log;
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_mday -= 1;
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	yesterday = mktime(&tm);
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	logfiles_write(path, WHOLE TORN);
	logfiles_set_mtime(path, yesterday);
	log = logfiles_open_log(*state, 30, false);
	rotlog_close(log);
	rotlog_archive_name(name, sizeof name, rotlog_local_date(yesterday));
	logfiles_join(archive, sizeof archive, *state, name);
	content = logfiles_read(archive, NULL);
	assert_non_null(content);
	assert_string_equal(content, WHOLE);
	free(content);
}

#define IO_TEST(name) cmocka_unit_test_setup_teardown(name, logfiles_make_dir, logfiles_remove_dir)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_lines_length_ends_at_the_last_newline),
		IO_TEST(test_a_write_cut_short_leaves_no_piece_of_a_line_and_the_gap_is_reported),
		IO_TEST(test_after_a_failure_the_file_is_opened_afresh_and_the_gap_reported),
		IO_TEST(test_one_lost_line_is_reported_in_the_singular),
		IO_TEST(test_a_torn_last_line_is_cut_off_at_open_and_quoted_in_a_warning),
		IO_TEST(test_a_file_holding_only_a_torn_line_is_emptied_of_it),
		IO_TEST(test_a_last_line_too_long_to_be_ours_is_kept_and_ours_start_below_it),
		IO_TEST(test_yesterdays_file_with_a_torn_line_is_archived_under_yesterday_whole),
	};

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
