/* The log's files and nothing else: a link, a hard link, a pipe or a folder
 * under a log's name is never read, written, cut, renamed or deleted through
 * (a "shadow" file beside the log folder stands for /etc/shadow); a log file
 * deleted, renamed or replaced while the service runs is noticed at the
 * next line; and the folder's size cap (max_bytes). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log/rotlog.h"
#include "logfiles.h"

#define SHADOW "root:$6$secret-hash:19000:0:99999:7:::\nlast line without its newline"
#define SHADOW_MODE 0600

/* ---- helpers ---- */

struct place {
	char logs[512];    /* the log folder */
	char shadow[512];  /* a file outside it, that no log line may ever read or touch */
	char current[512]; /* logs/cashdrawer.log */
};

static void prepare(void **state, struct place *place)
{
	logfiles_join(place->logs, sizeof place->logs, *state, "logs");
	logfiles_join(place->shadow, sizeof place->shadow, *state, "shadow");
	logfiles_join(place->current, sizeof place->current, place->logs, "cashdrawer.log");
	assert_int_equal(mkdir(place->logs, 0755), 0);
	logfiles_write(place->shadow, SHADOW);
	assert_int_equal(chmod(place->shadow, SHADOW_MODE), 0);
}

/* The shadow file is as it was: same bytes, same name, same mode. */
static void assert_shadow_untouched(const struct place *place)
{
	struct stat st;
	char *content = logfiles_read(place->shadow, NULL);

	assert_non_null(content);
	assert_string_equal(content, SHADOW);
	free(content);
	assert_int_equal(lstat(place->shadow, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void in_logs(const struct place *place, const char *name, char *path, size_t size)
{
	logfiles_join(path, size, place->logs, name);
}

static struct rotlog *open_capped(const char *dir, unsigned retention_days, uint64_t max_bytes)
{
	struct rotlog_options options = {
		.dir = dir, .retention_days = retention_days, .max_bytes = max_bytes};
	struct rotlog *log = NULL;
	char err[512];

	assert_int_equal(rotlog_open(&log, &options, err, sizeof err), 0);
	assert_string_equal(err, "");
	return log;
}

static int open_fails(const char *dir, char *err, size_t errlen)
{
	struct rotlog_options options = {.dir = dir, .retention_days = 30};
	struct rotlog *log = NULL;
	int rc = rotlog_open(&log, &options, err, errlen);

	assert_null(log);
	return rc;
}

static size_t count(const char *text, const char *needle)
{
	size_t found = 0;

	while ((text = strstr(text, needle)) != NULL) {
		found++;
		text += strlen(needle);
	}
	return found;
}

/* The message of the n-th line (0-based) of text, without its '\n'. */
static const char *message(const char *text, unsigned n, char *buf, size_t size)
{
	const char *end, *dash;

	while (n-- > 0) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	end = strchr(text, '\n');
	assert_non_null(end);
	/* "YYYY-MM-DD HH:MM:SS,mmm - LEVEL - " */
	dash = strstr(text + 24, " - ");
	assert_non_null(dash);
	assert_true(dash < end && (size_t)(end - dash - 3) < size);
	memcpy(buf, dash + 3, (size_t)(end - dash - 3));
	buf[end - dash - 3] = '\0';
	return buf;
}

/* ---- pure: what is a file of the service ---- */

static void test_only_a_regular_file_with_one_name_is_a_file_of_the_service(void **state)
{
	struct rotlog_file_info info = {.type = ROTLOG_FILE_REGULAR, .links = 1};

	(void)state;
	assert_int_equal(rotlog_file_verdict(&info), 0);
	info.links = 0; /* deleted while open: still the service's own */
	assert_int_equal(rotlog_file_verdict(&info), 0);
	info.links = 2;
	assert_int_equal(rotlog_file_verdict(&info), -EMLINK);
	info.links = 1;
	info.type = ROTLOG_FILE_LINK;
	assert_int_equal(rotlog_file_verdict(&info), -ELOOP);
	info.type = ROTLOG_FILE_DIRECTORY;
	assert_int_equal(rotlog_file_verdict(&info), -EISDIR);
	info.type = ROTLOG_FILE_OTHER;
	assert_int_equal(rotlog_file_verdict(&info), -EINVAL);
}

static void test_each_verdict_has_its_text_and_other_codes_none(void **state)
{
	(void)state;
	assert_string_equal(rotlog_file_problem(-ELOOP),
			    "est un lien (symbolique ou jonction), pas un fichier du service");
	assert_string_equal(rotlog_file_problem(-EMLINK),
			    "a d'autres noms (liens physiques) : ce n'est pas un fichier du service seul");
	assert_string_equal(rotlog_file_problem(-EISDIR), "est un dossier, pas un fichier du service");
	assert_string_equal(rotlog_file_problem(-EINVAL),
			    "n'est pas un fichier ordinaire (un tube, un périphérique ou un socket)");
	assert_null(rotlog_file_problem(0));
	assert_null(rotlog_file_problem(-ENOENT));
	assert_null(rotlog_file_problem(-EACCES));
}

/* Windows: FILE_ATTRIBUTE_REPARSE_POINT 0x400, FILE_ATTRIBUTE_DIRECTORY 0x10,
 * FILE_ATTRIBUTE_ARCHIVE 0x20, FILE_ATTRIBUTE_NORMAL 0x80; GetFileType:
 * FILE_TYPE_DISK 1, FILE_TYPE_CHAR 2, FILE_TYPE_PIPE 3. The decision the
 * Windows build takes, tested here since Wine 8 makes no reparse point. */
static void test_windows_reparse_points_are_links_whatever_else_they_are(void **state)
{
	(void)state;
	assert_int_equal(rotlog_file_type_win32(0x20, 1), ROTLOG_FILE_REGULAR);
	assert_int_equal(rotlog_file_type_win32(0x80, 1), ROTLOG_FILE_REGULAR);
	/* a symbolic link to a file, one to a folder, a junction */
	assert_int_equal(rotlog_file_type_win32(0x400 | 0x20, 1), ROTLOG_FILE_LINK);
	assert_int_equal(rotlog_file_type_win32(0x400 | 0x10, 1), ROTLOG_FILE_LINK);
	assert_int_equal(rotlog_file_type_win32(0x400, 0), ROTLOG_FILE_LINK);
	assert_int_equal(rotlog_file_type_win32(0x10, 1), ROTLOG_FILE_DIRECTORY);
	/* a device (\\.\COM1, NUL) or a pipe opened under a file's name */
	assert_int_equal(rotlog_file_type_win32(0x80, 2), ROTLOG_FILE_OTHER);
	assert_int_equal(rotlog_file_type_win32(0x80, 3), ROTLOG_FILE_OTHER);
	assert_int_equal(rotlog_file_type_win32(0x80, 0), ROTLOG_FILE_OTHER);
}

/* ---- pure: the cap ---- */

static void test_over_budget_marks_the_oldest_until_the_rest_fits(void **state)
{
	const int64_t sizes[] = {100, 200, 300, 400};
	bool expired[4] = {false, false, false, false};

	(void)state;
	assert_int_equal(rotlog_select_over_budget(sizes, 4, 1000, expired), 0);
	assert_int_equal(rotlog_select_over_budget(sizes, 4, 700, expired), 2);
	assert_true(expired[0] && expired[1] && !expired[2] && !expired[3]);
}

static void test_over_budget_keeps_what_is_already_marked_and_counts_only_the_rest(void **state)
{
	const int64_t sizes[] = {100, 200, 300, 400};
	bool expired[4] = {true, false, false, false}; /* by retention_days */

	(void)state;
	/* 900 left: 200 more must go, the oldest not yet marked */
	assert_int_equal(rotlog_select_over_budget(sizes, 4, 750, expired), 1);
	assert_true(expired[0] && expired[1] && !expired[2] && !expired[3]);
}

static void test_over_budget_below_zero_marks_every_archive(void **state)
{
	const int64_t sizes[] = {0, 10};
	bool expired[2] = {false, false};

	(void)state;
	assert_int_equal(rotlog_select_over_budget(sizes, 2, -1, expired), 2);
	assert_int_equal(rotlog_select_over_budget(sizes, 0, -1, expired), 0);
}

static void test_sizes_are_written_the_french_way(void **state)
{
	char text[32];

	(void)state;
	rotlog_format_size(text, sizeof text, 0);
	assert_string_equal(text, "0 octets");
	rotlog_format_size(text, sizeof text, 1023);
	assert_string_equal(text, "1023 octets");
	rotlog_format_size(text, sizeof text, 5000);
	assert_string_equal(text, "5 Kio");
	rotlog_format_size(text, sizeof text, 256ULL << 20);
	assert_string_equal(text, "256 Mio");
	rotlog_format_size(text, sizeof text, (256ULL << 20) / 31);
	assert_string_equal(text, "8,3 Mio");
	rotlog_format_size(text, sizeof text, 1ULL << 40);
	assert_string_equal(text, "1048576 Mio");
}

/* ---- the current file at start ---- */

static void test_open_refuses_a_current_file_that_is_a_link_and_leaves_its_target_whole(void **state)
{
	struct place place;
	char err[1024];

	prepare(state, &place);
	assert_int_equal(symlink(place.shadow, place.current), 0);
	assert_int_equal(open_fails(place.logs, err, sizeof err), -ELOOP);
	/* its last line lacks a '\n': followed, it would have been cut off */
	assert_shadow_untouched(&place);
	assert_non_null(strstr(err, "fichier journal "));
	assert_non_null(strstr(err, "cashdrawer.log : est un lien (symbolique ou jonction), pas un "
				    "fichier du service ; le service n'écrit jamais au travers "
				    "(mettez-le de côté, par exemple renommez-le "
				    "cashdrawer.log.moved, puis redémarrez ; pour tenir le journal "
				    "dans un autre dossier, réglez log_dir sur ce dossier)"));
}

static void test_open_refuses_a_hard_linked_current_file_and_leaves_it_whole(void **state)
{
	struct place place;
	char err[1024];

	prepare(state, &place);
	assert_int_equal(link(place.shadow, place.current), 0);
	assert_int_equal(open_fails(place.logs, err, sizeof err), -EMLINK);
	assert_shadow_untouched(&place);
	assert_non_null(strstr(err, "a d'autres noms (liens physiques)"));
}

static void test_open_refuses_a_pipe_named_cashdrawer_log_without_waiting_for_a_writer(void **state)
{
	struct place place;
	char err[1024];

	prepare(state, &place);
	assert_int_equal(mkfifo(place.current, 0644), 0);
	assert_int_equal(open_fails(place.logs, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "n'est pas un fichier ordinaire (un tube, un périphérique ou un "
				    "socket)"));
}

static void test_open_refuses_a_folder_named_cashdrawer_log(void **state)
{
	struct place place;
	char err[1024];

	prepare(state, &place);
	assert_int_equal(mkdir(place.current, 0755), 0);
	assert_int_equal(open_fails(place.logs, err, sizeof err), -EISDIR);
	assert_non_null(strstr(err, "est un dossier, pas un fichier du service"));
}

/* ---- reading back: /logs, ?date=, the status page ---- */

static void test_reading_opens_regular_archives_and_nothing_posing_as_one(void **state)
{
	static const struct {
		const char *day;
		int verdict;
	} cases[] = {{"2025-02-01", 0},       {"2025-02-02", -ELOOP}, {"2025-02-03", -EMLINK},
		     {"2025-02-04", -EINVAL}, {"2025-02-05", -EISDIR}};
	struct rotlog_date date;
	struct place place;
	char path[512], err[512], expected[700];
	struct rotlog *log;
	uint64_t size = 0;
	int fd;

	prepare(state, &place);
	in_logs(&place, "cashdrawer.log.2025-02-01", path, sizeof path);
	logfiles_write(path, "a real archive\n");
	in_logs(&place, "cashdrawer.log.2025-02-02", path, sizeof path);
	assert_int_equal(symlink(place.shadow, path), 0);
	in_logs(&place, "cashdrawer.log.2025-02-03", path, sizeof path);
	assert_int_equal(link(place.shadow, path), 0);
	in_logs(&place, "cashdrawer.log.2025-02-04", path, sizeof path);
	assert_int_equal(mkfifo(path, 0644), 0);
	in_logs(&place, "cashdrawer.log.2025-02-05", path, sizeof path);
	assert_int_equal(mkdir(path, 0755), 0);
	log = logfiles_open_log(place.logs, 30, false);

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(rotlog_parse_date(cases[i].day, &date), 0);
		fd = rotlog_open_for_reading(log, &date, &size, err, sizeof err);
		if (cases[i].verdict == 0) {
			assert_true(fd >= 0);
			assert_int_equal(size, 15);
			close(fd);
			continue;
		}
		assert_int_equal(fd, cases[i].verdict);
		snprintf(expected, sizeof expected, "cashdrawer.log.%s %s : non servi (sortez-le de %s)",
			 cases[i].day, rotlog_file_problem(cases[i].verdict), place.logs);
		assert_string_equal(err, expected);
	}
	assert_int_equal(rotlog_parse_date("2025-02-06", &date), 0);
	assert_int_equal(rotlog_open_for_reading(log, &date, &size, err, sizeof err), -ENOENT);
	rotlog_close(log);
	assert_shadow_untouched(&place);
}

static void test_the_list_of_archives_offers_only_regular_files(void **state)
{
	struct rotlog_date dates[8];
	struct place place;
	char path[512];
	struct rotlog *log;
	size_t found;

	prepare(state, &place);
	in_logs(&place, "cashdrawer.log.2025-01-01", path, sizeof path);
	logfiles_write(path, "a real archive\n");
	in_logs(&place, "cashdrawer.log.2026-12-01", path, sizeof path);
	assert_int_equal(symlink(place.shadow, path), 0);
	in_logs(&place, "cashdrawer.log.2026-12-02", path, sizeof path);
	assert_int_equal(link(place.shadow, path), 0);
	in_logs(&place, "cashdrawer.log.2026-12-03", path, sizeof path);
	assert_int_equal(mkfifo(path, 0644), 0);
	in_logs(&place, "cashdrawer.log.2026-12-04", path, sizeof path);
	assert_int_equal(mkdir(path, 0755), 0);
	log = logfiles_open_log(place.logs, 30, false);

	assert_int_equal(rotlog_list_archives(log, dates, 8, &found), 0);
	rotlog_close(log);
	assert_int_equal(found, 1);
	assert_int_equal(rotlog_date_key(dates[0]), 20250101);
}

static void test_the_tail_of_a_current_file_replaced_by_a_link_is_not_read(void **state)
{
	struct place place;
	char buf[4096];
	struct rotlog *log;
	size_t length = 1;

	prepare(state, &place);
	log = logfiles_open_log(place.logs, 30, false);
	rotlog_write(log, ROTLOG_INFO, "started");
	assert_int_equal(unlink(place.current), 0);
	assert_int_equal(symlink(place.shadow, place.current), 0);

	assert_int_equal(rotlog_tail(log, 10, buf, sizeof buf, &length), -ELOOP);
	assert_int_equal(length, 0);
	rotlog_close(log);
	assert_shadow_untouched(&place);
}

/* ---- archives and retention ---- */

static void test_retention_never_counts_nor_deletes_what_poses_as_an_archive(void **state)
{
	struct place place;
	char path[512], newest_link[512], hard[512], folder[512];
	struct rotlog *log;
	struct stat st;

	prepare(state, &place);
	in_logs(&place, "cashdrawer.log.2025-01-01", path, sizeof path);
	logfiles_write(path, "oldest\n");
	in_logs(&place, "cashdrawer.log.2025-01-02", path, sizeof path);
	logfiles_write(path, "kept\n");
	/* the newest names: counted as archives, they would push out 2025-01-02 */
	in_logs(&place, "cashdrawer.log.2026-12-01", newest_link, sizeof newest_link);
	assert_int_equal(symlink(place.shadow, newest_link), 0);
	in_logs(&place, "cashdrawer.log.2026-12-02", hard, sizeof hard);
	assert_int_equal(link(place.shadow, hard), 0);
	in_logs(&place, "cashdrawer.log.2026-12-03", folder, sizeof folder);
	assert_int_equal(mkdir(folder, 0755), 0);
	/* an old link: deleting it "by date" would be no harm to its target,
	 * but it is no archive either, so it is left alone */
	in_logs(&place, "cashdrawer.log.2020-01-01", path, sizeof path);
	assert_int_equal(symlink(place.shadow, path), 0);

	log = logfiles_open_log(place.logs, 1, false);
	rotlog_close(log);

	in_logs(&place, "cashdrawer.log.2025-01-01", path, sizeof path);
	assert_int_equal(lstat(path, &st), -1);
	in_logs(&place, "cashdrawer.log.2025-01-02", path, sizeof path);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(lstat(newest_link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	in_logs(&place, "cashdrawer.log.2020-01-01", path, sizeof path);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(lstat(hard, &st), 0);
	assert_int_equal(lstat(folder, &st), 0);
	assert_shadow_untouched(&place);
}

/* At start a file from an earlier day goes to its day's archive: when a
 * link takes the archive's name, nothing is appended through it. */
static void test_an_earlier_days_file_is_never_appended_through_a_linked_archive(void **state)
{
	time_t yesterday = time(NULL) - 36 * 3600;
	char name[ROTLOG_ARCHIVE_NAME_MAX], path[512], *content;
	struct rotlog_health health;
	struct place place;
	struct rotlog *log;

	prepare(state, &place);
	logfiles_write(place.current, "2025-01-31 12:00:00,000 - INFO - yesterday\n");
	logfiles_set_mtime(place.current, yesterday);
	rotlog_archive_name(name, sizeof name, rotlog_local_date(yesterday));
	in_logs(&place, name, path, sizeof path);
	assert_int_equal(symlink(place.shadow, path), 0);

	log = logfiles_open_log(place.logs, 30, false);
	rotlog_write(log, ROTLOG_INFO, "today");
	rotlog_get_health(log, &health);
	rotlog_close(log);

	assert_shadow_untouched(&place);
	/* the lines stay where they were, the new ones after them */
	content = logfiles_read(place.current, NULL);
	assert_non_null(strstr(content, "2025-01-31 12:00:00,000 - INFO - yesterday\n"));
	assert_non_null(strstr(content, " - INFO - today\n"));
	free(content);
	assert_non_null(strstr(health.last_error, "est un lien"));
}

/* ---- the current file deleted, renamed or replaced while in use ---- */

static void test_a_deleted_file_is_noticed_and_the_next_line_starts_a_new_one(void **state)
{
	struct rotlog_health before, after;
	char expected[700], text[1024], *content;
	struct place place;
	struct rotlog *log;

	prepare(state, &place);
	log = logfiles_open_log(place.logs, 30, false);
	rotlog_write(log, ROTLOG_INFO, "first");
	assert_int_equal(unlink(place.current), 0);
	rotlog_get_health(log, &before);
	rotlog_write(log, ROTLOG_INFO, "second");
	rotlog_get_health(log, &after);
	rotlog_close(log);

	/* until the next line, /status says it: lines would go nowhere */
	assert_false(before.last_write_ok);
	snprintf(expected, sizeof expected,
		 "%s supprimé pendant le service (un nouveau fichier commence à la ligne suivante)",
		 place.current);
	assert_string_equal(before.last_error, expected);
	assert_true(after.last_write_ok);
	snprintf(expected, sizeof expected,
		 "%s supprimé pendant le service (écriture reprise dans un nouveau fichier)",
		 place.current);
	assert_string_equal(after.last_error, expected);
	content = logfiles_read(place.current, NULL);
	assert_non_null(content);
	assert_int_equal(logfiles_count_lines(content), 2);
	snprintf(expected, sizeof expected,
		 "Journal %s supprimé pendant le service : nouveau fichier commencé", place.current);
	assert_string_equal(message(content, 0, text, sizeof text), expected);
	assert_non_null(strstr(content, " - WARNING - Journal "));
	assert_string_equal(message(content, 1, text, sizeof text), "second");
	free(content);
}

static void test_a_renamed_file_keeps_its_lines_and_the_next_line_starts_a_new_one(void **state)
{
	char moved[512], expected[700], text[1024], *content;
	struct place place;
	struct rotlog *log;

	prepare(state, &place);
	in_logs(&place, "cashdrawer.log.saved", moved, sizeof moved);
	log = logfiles_open_log(place.logs, 30, false);
	rotlog_write(log, ROTLOG_INFO, "first");
	assert_int_equal(rename(place.current, moved), 0);
	rotlog_write(log, ROTLOG_INFO, "second");
	rotlog_close(log);

	content = logfiles_read(moved, NULL);
	assert_int_equal(logfiles_count_lines(content), 1);
	assert_string_equal(message(content, 0, text, sizeof text), "first");
	free(content);
	content = logfiles_read(place.current, NULL);
	assert_int_equal(logfiles_count_lines(content), 2);
	snprintf(expected, sizeof expected,
		 "Journal %s renommé, déplacé ou supprimé pendant le service : nouveau fichier "
		 "commencé",
		 place.current);
	assert_string_equal(message(content, 0, text, sizeof text), expected);
	assert_string_equal(message(content, 1, text, sizeof text), "second");
	free(content);
}

static void test_a_replaced_file_is_noticed_and_written_to_after_its_lines(void **state)
{
	char other[512], expected[700], text[1024], *content;
	struct place place;
	struct rotlog *log;

	prepare(state, &place);
	in_logs(&place, "new", other, sizeof other);
	log = logfiles_open_log(place.logs, 30, false);
	rotlog_write(log, ROTLOG_INFO, "first");
	logfiles_write(other, "2025-02-01 10:00:00,000 - INFO - put there by the admin\n");
	assert_int_equal(rename(other, place.current), 0);
	rotlog_write(log, ROTLOG_INFO, "second");
	rotlog_close(log);

	content = logfiles_read(place.current, NULL);
	assert_int_equal(logfiles_count_lines(content), 3);
	assert_string_equal(message(content, 0, text, sizeof text), "put there by the admin");
	snprintf(expected, sizeof expected,
		 "Journal %s remplacé pendant le service : écriture reprise dans le nouveau "
		 "fichier",
		 place.current);
	assert_string_equal(message(content, 1, text, sizeof text), expected);
	assert_string_equal(message(content, 2, text, sizeof text), "second");
	free(content);
}

static void test_a_link_put_in_place_of_the_file_is_never_written_through(void **state)
{
	struct rotlog_health during, after;
	char expected[900], text[1024], *content;
	struct place place;
	struct rotlog *log;

	prepare(state, &place);
	log = logfiles_open_log(place.logs, 30, false);
	rotlog_write(log, ROTLOG_INFO, "first");
	assert_int_equal(unlink(place.current), 0);
	assert_int_equal(symlink(place.shadow, place.current), 0);
	rotlog_write(log, ROTLOG_INFO, "GET /client-sent-path");
	rotlog_get_health(log, &during);
	assert_shadow_untouched(&place);
	/* the admin moves it aside: the next line starts a new file */
	assert_int_equal(unlink(place.current), 0);
	rotlog_write(log, ROTLOG_INFO, "third");
	rotlog_get_health(log, &after);
	rotlog_close(log);

	assert_shadow_untouched(&place);
	assert_false(during.last_write_ok);
	assert_int_equal(during.write_failures, 1);
	snprintf(expected, sizeof expected,
		 "ouverture de %s : est un lien (symbolique ou jonction), pas un fichier du service "
		 "(jamais écrit au travers : mettez-le de côté, la ligne suivante commencera alors un "
		 "nouveau fichier)",
		 place.current);
	assert_string_equal(during.last_error, expected);
	assert_true(after.last_write_ok);
	content = logfiles_read(place.current, NULL);
	assert_int_equal(logfiles_count_lines(content), 3);
	snprintf(expected, sizeof expected,
		 "Journal %s remplacé pendant le service : écriture reprise dans le nouveau "
		 "fichier",
		 place.current);
	assert_string_equal(message(content, 0, text, sizeof text), expected);
	assert_non_null(strstr(message(content, 1, text, sizeof text),
			       "Journal rétabli : 1 ligne perdue depuis le "));
	assert_string_equal(message(content, 2, text, sizeof text), "third");
	free(content);
}

/* ---- the size cap ---- */

/* 31 shares (30 days kept and today) of 1000 bytes: today's routine lines
 * stop at 1000 bytes; openings and errors never do. */
static void test_routine_lines_stop_at_the_days_share_and_their_count_is_said(void **state)
{
	char path[512], *content;
	struct rotlog *log;
	size_t length;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	log = open_capped(*state, 30, 31 * 1000);
	for (int i = 0; i < 100; i++) /* 66 bytes each */
		rotlog_write_routine(log, ROTLOG_INFO, "127.0.0.1 GET /status 200 ok %03d", i);
	rotlog_write(log, ROTLOG_INFO, "127.0.0.1 GET /open-cash-drawer 200 opened");
	rotlog_close(log);

	content = logfiles_read(path, &length);
	/* 15 probes (990 bytes), the notice, the opening, the count */
	assert_int_equal(count(content, "GET /status 200 ok"), 15);
	assert_non_null(strstr(content, "GET /status 200 ok 014\n"));
	assert_int_equal(count(content,
			       " - WARNING - Journal du jour à sa part de log_max_mb (1000 octets sur "
			       "30 Kio, pour 30 jours gardés et aujourd'hui) : les lignes courantes "
			       "(sondes /status, 404 du réseau) ne sont plus écrites jusqu'à minuit, "
			       "seulement comptées\n"),
		     1);
	assert_int_equal(count(content, " - INFO - 127.0.0.1 GET /open-cash-drawer 200 opened\n"), 1);
	assert_int_equal(count(content, " - WARNING - 85 lignes courantes non écrites aujourd'hui "
					"jusqu'à l'arrêt (part du jour de log_max_mb atteinte)\n"),
			 1);
	assert_int_equal(logfiles_count_lines(content), 18);
	free(content);
}

static void test_the_oldest_archives_go_first_when_the_folder_is_over_the_cap(void **state)
{
	char path[512], name[64], body[1001], *content;
	struct rotlog *log;

	memset(body, 'x', 999);
	body[999] = '\n';
	body[1000] = '\0';
	for (int day = 1; day <= 10; day++) {
		snprintf(name, sizeof name, "cashdrawer.log.2025-01-%02d", day);
		logfiles_join(path, sizeof path, *state, name);
		logfiles_write(path, body);
	}
	log = open_capped(*state, 30, 5500);
	rotlog_close(log);

	for (int day = 1; day <= 10; day++) {
		snprintf(name, sizeof name, "cashdrawer.log.2025-01-%02d", day);
		logfiles_join(path, sizeof path, *state, name);
		assert_int_equal(access(path, F_OK) == 0, day > 5);
	}
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	assert_int_equal(count(content, " - WARNING - 5 archives supprimées avant leurs 30 jours, de "
					"cashdrawer.log.2025-01-01 à cashdrawer.log.2025-01-05 : le "
					"dossier du journal dépassait log_max_mb (5 Kio)\n"),
			 1);
	free(content);
}

static void test_beyond_the_cap_openings_and_errors_are_still_written_and_it_is_said_once(void **state)
{
	char path[512], *content;
	struct rotlog *log;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	log = open_capped(*state, 30, 500);
	for (int i = 0; i < 20; i++)
		rotlog_write(log, ROTLOG_ERROR, "printer tcp://10.0.0.5:9100: connection refused %02d", i);
	rotlog_close(log);

	content = logfiles_read(path, NULL);
	assert_int_equal(count(content, "connection refused"), 20);
	assert_int_equal(count(content, " - WARNING - Journal du jour au-delà de log_max_mb (500 "
					"octets) à lui seul : les ouvertures, les refus et les erreurs "
					"sont toujours écrits (augmentez log_max_mb ou cherchez qui "
					"inonde le service)\n"),
			 1);
	free(content);
}

#define IO_TEST(name) cmocka_unit_test_setup_teardown(name, logfiles_make_dir, logfiles_remove_dir)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_a_regular_file_with_one_name_is_a_file_of_the_service),
		cmocka_unit_test(test_each_verdict_has_its_text_and_other_codes_none),
		cmocka_unit_test(test_windows_reparse_points_are_links_whatever_else_they_are),
		cmocka_unit_test(test_over_budget_marks_the_oldest_until_the_rest_fits),
		cmocka_unit_test(test_over_budget_keeps_what_is_already_marked_and_counts_only_the_rest),
		cmocka_unit_test(test_over_budget_below_zero_marks_every_archive),
		cmocka_unit_test(test_sizes_are_written_the_french_way),
		IO_TEST(test_open_refuses_a_current_file_that_is_a_link_and_leaves_its_target_whole),
		IO_TEST(test_open_refuses_a_hard_linked_current_file_and_leaves_it_whole),
		IO_TEST(test_open_refuses_a_pipe_named_cashdrawer_log_without_waiting_for_a_writer),
		IO_TEST(test_open_refuses_a_folder_named_cashdrawer_log),
		IO_TEST(test_reading_opens_regular_archives_and_nothing_posing_as_one),
		IO_TEST(test_the_list_of_archives_offers_only_regular_files),
		IO_TEST(test_the_tail_of_a_current_file_replaced_by_a_link_is_not_read),
		IO_TEST(test_retention_never_counts_nor_deletes_what_poses_as_an_archive),
		IO_TEST(test_an_earlier_days_file_is_never_appended_through_a_linked_archive),
		IO_TEST(test_a_deleted_file_is_noticed_and_the_next_line_starts_a_new_one),
		IO_TEST(test_a_renamed_file_keeps_its_lines_and_the_next_line_starts_a_new_one),
		IO_TEST(test_a_replaced_file_is_noticed_and_written_to_after_its_lines),
		IO_TEST(test_a_link_put_in_place_of_the_file_is_never_written_through),
		IO_TEST(test_routine_lines_stop_at_the_days_share_and_their_count_is_said),
		IO_TEST(test_the_oldest_archives_go_first_when_the_folder_is_over_the_cap),
		IO_TEST(test_beyond_the_cap_openings_and_errors_are_still_written_and_it_is_said_once),
	};

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
