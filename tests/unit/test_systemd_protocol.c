/* Specifies the bytes cashdrawerd gives systemd: when JOURNAL_STREAM says
 * standard error is the journal, each log line as "<N>message\n" with its
 * priority; where NOTIFY_SOCKET points (a path or an abstract name) and the
 * READY=1 / STOPPING=1 notifications. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "platform/systemd_protocol.h"

static void expect_bytes(const char *got, size_t got_length, const char *want, size_t want_length)
{
	assert_int_equal(got_length, want_length);
	assert_memory_equal(got, want, want_length);
}

/* ---- JOURNAL_STREAM ---- */

static void test_journal_stream_names_standard_error_by_device_and_inode(void **state)
{
	(void)state;
	assert_true(systemd_journal_stream_is("8:12345", 8, 12345));
	assert_true(systemd_journal_stream_is("0:0", 0, 0));
	/* dev_t and ino_t are 64-bit: systemd writes them whole, in decimal */
	assert_true(systemd_journal_stream_is("18446744073709551615:18446744073709551614",
					      UINT64_MAX, UINT64_MAX - 1));
	/* another file: a child's standard error sent elsewhere keeps the variable */
	assert_false(systemd_journal_stream_is("8:12345", 8, 12346));
	assert_false(systemd_journal_stream_is("8:12345", 9, 12345));
}

static void test_journal_stream_unset_or_not_systemds_form_is_no_journal(void **state)
{
	static const char *const wrong[] = {
		"",	   ":",	       "8",	    "8:",	"8:12345:1", ":12345",
		"8 :12345", "8: 12345", "+8:12345", "-8:12345", "0x8:12345", "8:12345 ",
		"18446744073709551616:12345", /* over 64 bits */
	};

	(void)state;
	assert_false(systemd_journal_stream_is(NULL, 8, 12345));
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++)
		if (systemd_journal_stream_is(wrong[i], 8, 12345) ||
		    systemd_journal_stream_is(wrong[i], 0, 0))
			fail_msg("JOURNAL_STREAM=\"%s\" taken for the journal", wrong[i]);
}

/* ---- lines for the journal: "<N>message\n" ---- */

static void expect_line(enum rotlog_level level, const char *message, const char *want)
{
	char out[SYSTEMD_JOURNAL_LINE_MAX];
	size_t length = systemd_journal_line_format(level, message, strlen(message), out, sizeof out);

	expect_bytes(out, length, want, strlen(want));
}

static void test_each_level_gets_its_syslog_priority_prefix(void **state)
{
	(void)state;
	expect_line(ROTLOG_ERROR, "127.0.0.1 GET /open-cash-drawer 503 printer_refused - refusé",
		    "<3>127.0.0.1 GET /open-cash-drawer 503 printer_refused - refusé\n");
	expect_line(ROTLOG_WARNING, "127.0.0.1 GET /nope 404 not_found",
		    "<4>127.0.0.1 GET /nope 404 not_found\n");
	expect_line(ROTLOG_INFO, "127.0.0.1 GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert",
		    "<6>127.0.0.1 GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert\n");
	expect_line(ROTLOG_DEBUG, "d", "<7>d\n");
	expect_line(ROTLOG_INFO, "", "<6>\n");
}

static void test_only_the_given_length_of_the_message_is_written(void **state)
{
	char out[SYSTEMD_JOURNAL_LINE_MAX];
	size_t length;

	(void)state;
	/* rotlog passes the message without its newline */
	length = systemd_journal_line_format(ROTLOG_INFO, "Service arrêté\nmore",
					     strlen("Service arrêté"), out, sizeof out);
	expect_bytes(out, length, "<6>Service arrêté\n", strlen("<6>Service arrêté\n"));
}

static void test_a_newline_in_the_message_cannot_start_a_line_without_priority(void **state)
{
	(void)state;
	expect_line(ROTLOG_ERROR, "a\nb\n", "<3>a b \n");
}

static void test_a_log_line_at_its_longest_fits_whole(void **state)
{
	static char message[ROTLOG_LINE_MAX];
	char out[SYSTEMD_JOURNAL_LINE_MAX];
	size_t length;

	(void)state;
	memset(message, 'x', sizeof message);
	length = systemd_journal_line_format(ROTLOG_WARNING, message, sizeof message, out, sizeof out);
	assert_int_equal(length, 3 + sizeof message + 1);
	assert_memory_equal(out, "<4>", 3);
	assert_memory_equal(out + 3, message, sizeof message);
	assert_int_equal(out[length - 1], '\n');
}

static void test_a_message_too_long_is_cut_at_a_character_boundary(void **state)
{
	char out[16];
	size_t length;

	(void)state;
	/* room for 12 bytes of message: "é" (C3 A9) at bytes 11-12 is left out whole */
	length = systemd_journal_line_format(ROTLOG_INFO, "xxxxxxxxxxx\xc3\xa9yyy", 16, out, sizeof out);
	expect_bytes(out, length, "<6>xxxxxxxxxxx\n", 15);
	/* ASCII: exactly the room */
	length = systemd_journal_line_format(ROTLOG_INFO, "xxxxxxxxxxxxyyyy", 16, out, sizeof out);
	expect_bytes(out, length, "<6>xxxxxxxxxxxx\n", 16);
}

/* ---- NOTIFY_SOCKET ---- */

static void test_notify_socket_unset_or_empty_means_nothing_to_send(void **state)
{
	struct sockaddr_un address;
	socklen_t length;

	(void)state;
	assert_int_equal(systemd_notify_address(NULL, &address, &length), 0);
	assert_int_equal(systemd_notify_address("", &address, &length), 0);
}

static void test_notify_socket_path_is_a_nul_terminated_path_address(void **state)
{
	struct sockaddr_un address;
	socklen_t length = 0;

	(void)state;
	assert_int_equal(systemd_notify_address("/run/systemd/notify", &address, &length), 1);
	assert_int_equal(address.sun_family, AF_UNIX);
	assert_string_equal(address.sun_path, "/run/systemd/notify");
	assert_int_equal(length, offsetof(struct sockaddr_un, sun_path) + strlen("/run/systemd/notify") + 1);
}

static void test_notify_socket_at_name_is_an_abstract_address_of_its_exact_length(void **state)
{
	struct sockaddr_un address;
	socklen_t length = 0;

	(void)state;
	memset(&address, 'z', sizeof address);
	assert_int_equal(systemd_notify_address("@/org/freedesktop/systemd1/notify", &address, &length),
			 1);
	assert_int_equal(address.sun_family, AF_UNIX);
	assert_int_equal(address.sun_path[0], '\0');
	assert_memory_equal(address.sun_path + 1, "/org/freedesktop/systemd1/notify", 32);
	/* no terminating NUL: the length is the name's */
	assert_int_equal(length, offsetof(struct sockaddr_un, sun_path) + 1 + 32);
}

static void test_notify_socket_longest_names_fit_and_longer_are_refused(void **state)
{
	struct sockaddr_un address;
	socklen_t length;
	char name[sizeof address.sun_path + 2];

	(void)state;
	/* a path: sun_path holds it and its NUL */
	name[0] = '/';
	memset(name + 1, 'p', sizeof name - 1);
	name[sizeof address.sun_path - 1] = '\0';
	assert_int_equal(systemd_notify_address(name, &address, &length), 1);
	name[sizeof address.sun_path - 1] = 'p';
	name[sizeof address.sun_path] = '\0';
	assert_int_equal(systemd_notify_address(name, &address, &length), -EINVAL);
	/* an abstract name: sun_path holds its NUL and the name, nothing more */
	name[0] = '@';
	assert_int_equal(systemd_notify_address(name, &address, &length), 1);
	assert_int_equal(length, sizeof address);
	name[sizeof address.sun_path] = 'p';
	name[sizeof address.sun_path + 1] = '\0';
	assert_int_equal(systemd_notify_address(name, &address, &length), -EINVAL);
}

static void test_notify_socket_relative_empty_or_other_kinds_are_refused(void **state)
{
	struct sockaddr_un address;
	socklen_t length;

	(void)state;
	assert_int_equal(systemd_notify_address("run/notify", &address, &length), -EINVAL);
	assert_int_equal(systemd_notify_address("@", &address, &length), -EINVAL);
	assert_int_equal(systemd_notify_address("vsock:2:1234", &address, &length), -EAFNOSUPPORT);
}

/* ---- notifications ---- */

static void test_ready_and_stopping_carry_one_status_line(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(systemd_notify_format("READY=1", "[::]:22548 (IPv4 et IPv6)", out, sizeof out),
			 (int)strlen("READY=1\nSTATUS=[::]:22548 (IPv4 et IPv6)"));
	assert_string_equal(out, "READY=1\nSTATUS=[::]:22548 (IPv4 et IPv6)");
	assert_int_equal(systemd_notify_format("STOPPING=1", "Arrêt en cours", out, sizeof out),
			 (int)strlen("STOPPING=1\nSTATUS=Arrêt en cours"));
	assert_string_equal(out, "STOPPING=1\nSTATUS=Arrêt en cours");
}

static void test_a_newline_in_the_status_cannot_add_an_assignment(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(systemd_notify_format("READY=1", "a\nMAINPID=1", out, sizeof out),
			 (int)strlen("READY=1\nSTATUS=a MAINPID=1"));
	assert_string_equal(out, "READY=1\nSTATUS=a MAINPID=1");
}

static void test_a_notification_too_long_is_refused(void **state)
{
	char out[16];

	(void)state;
	/* "READY=1\nSTATUS=" is 15 bytes: with the NUL, all 16 */
	assert_int_equal(systemd_notify_format("READY=1", "1", out, sizeof out), -EMSGSIZE);
	assert_int_equal(systemd_notify_format("READY=1", "", out, sizeof out), 15);
	assert_string_equal(out, "READY=1\nSTATUS=");
	assert_int_equal(systemd_notify_format("READY=1", "", out, 0), -EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_stream_names_standard_error_by_device_and_inode),
		cmocka_unit_test(test_journal_stream_unset_or_not_systemds_form_is_no_journal),
		cmocka_unit_test(test_each_level_gets_its_syslog_priority_prefix),
		cmocka_unit_test(test_only_the_given_length_of_the_message_is_written),
		cmocka_unit_test(test_a_newline_in_the_message_cannot_start_a_line_without_priority),
		cmocka_unit_test(test_a_log_line_at_its_longest_fits_whole),
		cmocka_unit_test(test_a_message_too_long_is_cut_at_a_character_boundary),
		cmocka_unit_test(test_notify_socket_unset_or_empty_means_nothing_to_send),
		cmocka_unit_test(test_notify_socket_path_is_a_nul_terminated_path_address),
		cmocka_unit_test(test_notify_socket_at_name_is_an_abstract_address_of_its_exact_length),
		cmocka_unit_test(test_notify_socket_longest_names_fit_and_longer_are_refused),
		cmocka_unit_test(test_notify_socket_relative_empty_or_other_kinds_are_refused),
		cmocka_unit_test(test_ready_and_stopping_carry_one_status_line),
		cmocka_unit_test(test_a_newline_in_the_status_cannot_add_an_assignment),
		cmocka_unit_test(test_a_notification_too_long_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
