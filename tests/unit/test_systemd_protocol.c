/* Specifies the bytes cashdrawerd sends to systemd: journal entries in the
 * native protocol (NAME=value lines; the binary form for values with a
 * newline), the entry of each log line, where NOTIFY_SOCKET points (a path
 * or an abstract name) and the READY=1 / STOPPING=1 notifications. */
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

#define FIELD(name, text) {(name), (text), sizeof(text) - 1}

static void expect_bytes(const char *got, size_t got_length, const char *want, size_t want_length)
{
	assert_int_equal(got_length, want_length);
	assert_memory_equal(got, want, want_length);
}

/* ---- the native protocol ---- */

static void test_fields_without_newlines_are_name_equals_value_lines(void **state)
{
	static const struct systemd_field fields[] = {FIELD("MESSAGE", "Tiroir ouvert"),
						      FIELD("PRIORITY", "6"), FIELD("EMPTY", "")};
	static const char want[] = "MESSAGE=Tiroir ouvert\nPRIORITY=6\nEMPTY=\n";
	char out[128];
	size_t length = 0;

	(void)state;
	assert_int_equal(systemd_journal_format(fields, 3, out, sizeof out, &length), 0);
	expect_bytes(out, length, want, sizeof want - 1);
}

static void test_a_value_with_a_newline_takes_the_binary_form(void **state)
{
	static const struct systemd_field fields[] = {FIELD("MESSAGE", "two\nlines"),
						      FIELD("PRIORITY", "3")};
	/* MESSAGE\n, 9 as 64-bit little-endian, the 9 bytes, \n */
	static const char want[] = "MESSAGE\n\x09\0\0\0\0\0\0\0two\nlines\nPRIORITY=3\n";
	char out[128];
	size_t length = 0;

	(void)state;
	assert_int_equal(systemd_journal_format(fields, 2, out, sizeof out, &length), 0);
	expect_bytes(out, length, want, sizeof want - 1);
}

static void test_the_binary_length_is_little_endian_on_every_byte(void **state)
{
	static char value[0x1234];
	struct systemd_field field = {"DATA", value, sizeof value};
	static char out[0x1300];
	size_t length = 0;

	(void)state;
	memset(value, 'v', sizeof value);
	value[0] = '\n';
	assert_int_equal(systemd_journal_format(&field, 1, out, sizeof out, &length), 0);
	assert_int_equal(length, 5 + 8 + sizeof value + 1);
	assert_memory_equal(out, "DATA\n\x34\x12\0\0\0\0\0\0", 13);
	assert_memory_equal(out + 13, value, sizeof value);
	assert_int_equal(out[length - 1], '\n');
}

static void test_values_are_bytes_not_strings(void **state)
{
	/* the length decides: a NUL inside is sent, what follows it too */
	static const struct systemd_field field = {"DATA", "a\0b=c", 5};
	char out[32];
	size_t length = 0;

	(void)state;
	assert_int_equal(systemd_journal_format(&field, 1, out, sizeof out, &length), 0);
	expect_bytes(out, length, "DATA=a\0b=c\n", 11);
}

static void test_invalid_field_names_are_refused(void **state)
{
	static const char *const names[] = {
		"",          "message",    "_PID",  "1ST", "CASH-DRAWER", "NAME=VALUE", "A B",
		"ÉVÉNEMENT", "MESSAGE\n",
		/* 65 characters */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	char out[256];
	size_t length;

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct systemd_field field = {names[i], "x", 1};

		assert_int_equal(systemd_journal_format(&field, 1, out, sizeof out, &length), -EINVAL);
	}
}

static void test_valid_field_names_have_digits_and_underscores_after_the_first(void **state)
{
	static const char *const names[] = {
		"A", "CASHDRAWERD_LEVEL", "X1_2", "SYSLOG_FACILITY",
		/* 64 characters */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	char out[256];
	size_t length;

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct systemd_field field = {names[i], "x", 1};

		assert_int_equal(systemd_journal_format(&field, 1, out, sizeof out, &length), 0);
		assert_int_equal(length, strlen(names[i]) + 3);
	}
}

static void test_a_small_buffer_is_refused_with_the_size_needed_and_not_overrun(void **state)
{
	static const struct systemd_field fields[] = {FIELD("MESSAGE", "hello"),
						      FIELD("PRIORITY", "6")};
	char out[32];
	size_t length = 0;

	(void)state;
	memset(out, 'z', sizeof out);
	assert_int_equal(systemd_journal_format(fields, 2, out, 12, &length), -EMSGSIZE);
	assert_int_equal(length, strlen("MESSAGE=hello\nPRIORITY=6\n"));
	for (size_t i = 12; i < sizeof out; i++)
		assert_int_equal(out[i], 'z');
	/* exactly the size needed is enough */
	assert_int_equal(systemd_journal_format(fields, 2, out, 25, &length), 0);
	expect_bytes(out, length, "MESSAGE=hello\nPRIORITY=6\n", 25);
}

/* ---- the entry of a log line ---- */

static void expect_entry(enum rotlog_level level, const char *message, const char *want)
{
	char out[SYSTEMD_JOURNAL_ENTRY_MAX];
	size_t length = 0;

	assert_int_equal(systemd_journal_entry(level, message, strlen(message), out, sizeof out,
					       &length),
			 0);
	expect_bytes(out, length, want, strlen(want));
}

static void test_a_log_line_has_its_priority_identifier_facility_and_level(void **state)
{
	(void)state;
	expect_entry(ROTLOG_INFO, "127.0.0.1 GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert",
		     "MESSAGE=127.0.0.1 GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert\n"
		     "PRIORITY=6\nSYSLOG_IDENTIFIER=cashdrawerd\nSYSLOG_FACILITY=3\n"
		     "CASHDRAWERD_LEVEL=INFO\n");
	expect_entry(ROTLOG_DEBUG, "d",
		     "MESSAGE=d\nPRIORITY=7\nSYSLOG_IDENTIFIER=cashdrawerd\nSYSLOG_FACILITY=3\n"
		     "CASHDRAWERD_LEVEL=DEBUG\n");
	expect_entry(ROTLOG_WARNING, "w",
		     "MESSAGE=w\nPRIORITY=4\nSYSLOG_IDENTIFIER=cashdrawerd\nSYSLOG_FACILITY=3\n"
		     "CASHDRAWERD_LEVEL=WARNING\n");
	expect_entry(ROTLOG_ERROR, "e",
		     "MESSAGE=e\nPRIORITY=3\nSYSLOG_IDENTIFIER=cashdrawerd\nSYSLOG_FACILITY=3\n"
		     "CASHDRAWERD_LEVEL=ERROR\n");
}

static void test_only_the_given_length_of_the_message_is_sent(void **state)
{
	char out[SYSTEMD_JOURNAL_ENTRY_MAX];
	size_t length = 0;

	(void)state;
	/* rotlog passes the line without its newline */
	assert_int_equal(systemd_journal_entry(ROTLOG_INFO, "Service arrêté\n", strlen("Service arrêté"),
					       out, sizeof out, &length),
			 0);
	assert_true(length > 0);
	assert_memory_equal(out, "MESSAGE=Service arrêté\nPRIORITY=6\n", strlen("MESSAGE=Service arrêté\nPRIORITY=6\n"));
}

static void test_a_message_with_a_newline_goes_in_binary_form(void **state)
{
	char out[SYSTEMD_JOURNAL_ENTRY_MAX];
	size_t length = 0;
	static const char want[] = "MESSAGE\n\x03\0\0\0\0\0\0\0a\nb\nPRIORITY=4\n";

	(void)state;
	assert_int_equal(systemd_journal_entry(ROTLOG_WARNING, "a\nb", 3, out, sizeof out, &length), 0);
	assert_memory_equal(out, want, sizeof want - 1);
}

static void test_a_long_message_is_cut_at_a_character_boundary(void **state)
{
	static char message[SYSTEMD_JOURNAL_MESSAGE_MAX + 100];
	static char out[SYSTEMD_JOURNAL_ENTRY_MAX];
	size_t length = 0, kept;

	(void)state;
	/* "é" (C3 A9) across the limit: the cut falls before it */
	memset(message, 'x', sizeof message);
	memcpy(message + SYSTEMD_JOURNAL_MESSAGE_MAX - 1, "\xc3\xa9", 2);
	assert_int_equal(systemd_journal_entry(ROTLOG_INFO, message, sizeof message, out, sizeof out,
					       &length),
			 0);
	kept = SYSTEMD_JOURNAL_MESSAGE_MAX - 1;
	assert_memory_equal(out, "MESSAGE=", 8);
	assert_memory_equal(out + 8, message, kept);
	assert_memory_equal(out + 8 + kept, "\nPRIORITY=6\n", 12);
	/* plain ASCII: cut exactly at the limit, and the entry fits its room */
	memset(message, 'y', sizeof message);
	assert_int_equal(systemd_journal_entry(ROTLOG_ERROR, message, sizeof message, out, sizeof out,
					       &length),
			 0);
	assert_memory_equal(out + 8 + SYSTEMD_JOURNAL_MESSAGE_MAX, "\nPRIORITY=3\n", 12);
	assert_true(length <= SYSTEMD_JOURNAL_ENTRY_MAX);
}

static void test_the_largest_entry_with_a_newline_fits_its_room(void **state)
{
	static char message[SYSTEMD_JOURNAL_MESSAGE_MAX];
	static char out[SYSTEMD_JOURNAL_ENTRY_MAX];
	size_t length = 0;

	(void)state;
	memset(message, '\n', sizeof message);
	assert_int_equal(systemd_journal_entry(ROTLOG_WARNING, message, sizeof message, out, sizeof out,
					       &length),
			 0);
	assert_memory_equal(out, "MESSAGE\n\x00\x10\0\0\0\0\0\0", 16);
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
		cmocka_unit_test(test_fields_without_newlines_are_name_equals_value_lines),
		cmocka_unit_test(test_a_value_with_a_newline_takes_the_binary_form),
		cmocka_unit_test(test_the_binary_length_is_little_endian_on_every_byte),
		cmocka_unit_test(test_values_are_bytes_not_strings),
		cmocka_unit_test(test_invalid_field_names_are_refused),
		cmocka_unit_test(test_valid_field_names_have_digits_and_underscores_after_the_first),
		cmocka_unit_test(test_a_small_buffer_is_refused_with_the_size_needed_and_not_overrun),
		cmocka_unit_test(test_a_log_line_has_its_priority_identifier_facility_and_level),
		cmocka_unit_test(test_only_the_given_length_of_the_message_is_sent),
		cmocka_unit_test(test_a_message_with_a_newline_goes_in_binary_form),
		cmocka_unit_test(test_a_long_message_is_cut_at_a_character_boundary),
		cmocka_unit_test(test_the_largest_entry_with_a_newline_fits_its_room),
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
