/* Specifies --check-config's look at this machine (startup_check.c and
 * rotlog_check.c): it finds what the start would refuse, says it as the start
 * says it, and leaves nothing behind. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "settings/config.h"
#include "log/rotlog.h"
#include "startup_check.h"
#include "logfiles.h"

static void path_in(char *out, size_t size, void **state, const char *name)
{
	logfiles_join(out, size, *state, name);
}

/* rotlog_check_dir's verdict on dir must be rotlog_open's, word for word. */
static void assert_refused_as_the_start_refuses(const char *dir, int expected_rc)
{
	struct rotlog_options options = {.dir = dir, .retention_days = 1};
	struct rotlog *log = NULL;
	char checked[1024] = "", started[1024] = "";

	assert_int_equal(rotlog_check_dir(dir, checked, sizeof checked), expected_rc);
	assert_true(rotlog_open(&log, &options, started, sizeof started) < 0);
	assert_null(log);
	assert_string_equal(checked, started);
}

static void test_a_writable_folder_is_fine(void **state)
{
	char err[512] = "";

	assert_int_equal(rotlog_check_dir(*state, err, sizeof err), 0);
	assert_string_equal(err, "");
}

static void test_missing_folders_mkdir_p_can_make_are_fine_and_not_made(void **state)
{
	char dir[600], top[512], err[512] = "";
	struct stat st;

	path_in(top, sizeof top, state, "a");
	snprintf(dir, sizeof dir, "%s/b/c/", top);
	assert_int_equal(rotlog_check_dir(dir, err, sizeof err), 0);
	assert_int_equal(stat(top, &st), -1);
	assert_int_equal(errno, ENOENT);
}

/* issue 13: --check-config passed a log_dir that is a plain file */
static void test_a_plain_file_as_the_folder_is_refused_as_the_start_refuses_it(void **state)
{
	char file[512], below[600];

	path_in(file, sizeof file, state, "logs");
	logfiles_write(file, "not a folder\n");
	assert_refused_as_the_start_refuses(file, -ENOTDIR);
	snprintf(below, sizeof below, "%s/today", file);
	assert_refused_as_the_start_refuses(below, -ENOTDIR);
}

static void test_a_folder_in_place_of_the_log_is_refused_as_the_start_refuses_it(void **state)
{
	char log[512];

	path_in(log, sizeof log, state, ROTLOG_BASENAME);
	assert_int_equal(mkdir(log, 0755), 0);
	assert_refused_as_the_start_refuses(*state, -EISDIR);
	rmdir(log);
}

/* issue 13: a link there would have the start cut and append to its target */
static void test_a_link_in_place_of_the_log_is_refused_as_the_start_refuses_it(void **state)
{
	char log[512], target[512];

	path_in(log, sizeof log, state, ROTLOG_BASENAME);
	path_in(target, sizeof target, state, "elsewhere");
	logfiles_write(target, "another file's last line, without its newline");
	assert_int_equal(symlink(target, log), 0);
	assert_refused_as_the_start_refuses(*state, -ELOOP);
	unlink(log);
	assert_int_equal(link(target, log), 0);
	assert_refused_as_the_start_refuses(*state, -EMLINK);
	unlink(log);
	unlink(target);
}

/* ---- the listening addresses ---- */

static int listener(const char *address, unsigned port, unsigned *bound)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	socklen_t length = sizeof in;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(inet_pton(AF_INET, address, &in.sin_addr), 1);
	if (bind(fd, (struct sockaddr *)&in, sizeof in) < 0 || listen(fd, 1) < 0) {
		close(fd);
		return -1;
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)&in, &length), 0);
	*bound = ntohs(in.sin_port);
	return fd;
}

static void settings(struct config *config, void **state, const char *bind, unsigned port)
{
	char err[512];

	config_defaults(config);
	assert_int_equal(config_set(config, "log_dir", *state, err, sizeof err), 0);
	if (bind != NULL)
		assert_int_equal(config_set(config, "bind", bind, err, sizeof err), 0);
	config->port = port;
}

static void test_a_port_in_use_is_reported_as_the_start_words_it(void **state)
{
	struct config config;
	char diag[1024] = "", expected[512];
	unsigned port;
	int busy = listener("127.0.0.1", 0, &port);

	settings(&config, state, "127.0.0.1", port);
	assert_int_equal(startup_check(&config, diag, sizeof diag), 1);
	close(busy);
	snprintf(expected, sizeof expected,
		 "écoute impossible sur 127.0.0.1 port %u : adresse déjà utilisée (EADDRINUSE) (un "
		 "autre cashdrawerd ou l'ancien service Python tourne-t-il ? arrêtez-le ou réglez un "
		 "autre port)\n",
		 port);
	assert_string_equal(diag, expected);
}

/* the start holds every address it listens on: the same one twice fails */
static void test_addresses_are_held_together_as_the_start_holds_them(void **state)
{
	struct config config;
	char diag[1024] = "";
	unsigned port;
	int probe = listener("127.0.0.1", 0, &port);

	close(probe); /* a port free a moment ago */
	settings(&config, state, "127.0.0.1, 127.0.0.1", port);
	assert_int_equal(startup_check(&config, diag, sizeof diag), 1);
	assert_non_null(strstr(diag, "adresse déjà utilisée (EADDRINUSE)"));
}

static void test_what_the_check_binds_is_free_again_after_it(void **state)
{
	struct config config;
	char diag[1024] = "";
	unsigned port, again;
	int fd = listener("127.0.0.1", 0, &port);

	close(fd);
	settings(&config, state, "127.0.0.1", port);
	assert_int_equal(startup_check(&config, diag, sizeof diag), 0);
	assert_string_equal(diag, "");
	fd = listener("127.0.0.1", port, &again);
	assert_true(fd >= 0);
	close(fd);
}

static void test_every_problem_is_said_log_folder_and_port(void **state)
{
	struct config config;
	char diag[2048] = "", file[512];
	unsigned port;
	int busy = listener("127.0.0.1", 0, &port);

	settings(&config, state, "127.0.0.1", port);
	path_in(file, sizeof file, state, "logs");
	logfiles_write(file, "x\n");
	snprintf(config.log_dir, sizeof config.log_dir, "%s", file);
	assert_int_equal(startup_check(&config, diag, sizeof diag), 2);
	close(busy);
	assert_non_null(strstr(diag, "dossier du journal "));
	assert_non_null(strstr(diag, "\nécoute impossible sur 127.0.0.1 port "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_writable_folder_is_fine, logfiles_make_dir,
						logfiles_remove_dir),
		cmocka_unit_test_setup_teardown(
			test_missing_folders_mkdir_p_can_make_are_fine_and_not_made,
			logfiles_make_dir, logfiles_remove_dir),
		cmocka_unit_test_setup_teardown(
			test_a_plain_file_as_the_folder_is_refused_as_the_start_refuses_it,
			logfiles_make_dir, logfiles_remove_dir),
		cmocka_unit_test_setup_teardown(
			test_a_folder_in_place_of_the_log_is_refused_as_the_start_refuses_it,
			logfiles_make_dir, logfiles_remove_dir),
		cmocka_unit_test_setup_teardown(
			test_a_link_in_place_of_the_log_is_refused_as_the_start_refuses_it,
			logfiles_make_dir, logfiles_remove_dir),
		cmocka_unit_test_setup_teardown(test_a_port_in_use_is_reported_as_the_start_words_it,
						logfiles_make_dir, logfiles_remove_dir),
		cmocka_unit_test_setup_teardown(
			test_addresses_are_held_together_as_the_start_holds_them, logfiles_make_dir,
			logfiles_remove_dir),
		cmocka_unit_test_setup_teardown(test_what_the_check_binds_is_free_again_after_it,
						logfiles_make_dir, logfiles_remove_dir),
		cmocka_unit_test_setup_teardown(test_every_problem_is_said_log_folder_and_port,
						logfiles_make_dir, logfiles_remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
