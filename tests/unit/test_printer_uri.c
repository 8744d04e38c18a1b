/* Specifies printer URI parsing (tcp://, file:, queue names), its errors and canonical form. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "settings/printer_uri.h"

/* What every error message ends with: the three valid forms. */
static const char *const valid_forms[] = {"tcp://", "serial:", "file:", "cups:", "spool:",
					  "queue name"};

static void assert_contains(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", text, needle);
}

static struct printer_uri parse_ok(const char *text)
{
	struct printer_uri uri;
	char err[512] = "";

	if (printer_uri_parse(text, &uri, err, sizeof err) != 0)
		fail_msg("'%s' rejected: %s", text, err);
	return uri;
}

static void expect_tcp(const char *text, const char *host, unsigned port)
{
	struct printer_uri uri = parse_ok(text);

	assert_int_equal(uri.scheme, PRINTER_URI_TCP);
	assert_string_equal(uri.host, host);
	assert_int_equal(uri.port, port);
}

static void expect_file(const char *text, const char *path)
{
	struct printer_uri uri = parse_ok(text);

	assert_int_equal(uri.scheme, PRINTER_URI_FILE);
	assert_string_equal(uri.path, path);
}

static void expect_queue(const char *text, const char *name)
{
	struct printer_uri uri = parse_ok(text);

	assert_int_equal(uri.scheme, PRINTER_URI_QUEUE);
	assert_string_equal(uri.path, name);
}

/* Expects -EINVAL with a message containing needle and listing the valid forms. */
static void expect_rejected(const char *text, const char *needle)
{
	struct printer_uri uri;
	char err[512] = "";

	if (printer_uri_parse(text, &uri, err, sizeof err) != -EINVAL)
		fail_msg("'%s' accepted (scheme %d, host '%s', path '%s')", text, uri.scheme,
			 uri.host, uri.path);
	if (needle != NULL)
		assert_contains(err, needle);
	for (size_t i = 0; i < sizeof valid_forms / sizeof valid_forms[0]; i++)
		assert_contains(err, valid_forms[i]);
}

/* Formats text's URI, compares with canonical (unless NULL), and parses the result back. */
static void expect_round_trip(const char *text, const char *canonical)
{
	struct printer_uri first = parse_ok(text), second;
	char formatted[PRINTER_URI_HOST_MAX + PRINTER_URI_PATH_MAX + 16];

	printer_uri_format(&first, formatted, sizeof formatted);
	if (canonical != NULL)
		assert_string_equal(formatted, canonical);
	second = parse_ok(formatted);
	assert_int_equal(second.scheme, first.scheme);
	assert_string_equal(second.host, first.host);
	assert_int_equal(second.port, first.port);
	assert_string_equal(second.path, first.path);
}

static char *repeat(char c, size_t n)
{
	char *text = malloc(n + 1);

	assert_non_null(text);
	memset(text, c, n);
	text[n] = '\0';
	return text;
}

static char *concat(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *text = malloc(la + lb + lc + 1);

	assert_non_null(text);
	memcpy(text, a, la);
	memcpy(text + la, b, lb);
	memcpy(text + la + lb, c, lc + 1);
	return text;
}

/* ---- tcp:// ---- */

static void test_tcp_host_without_port_uses_9100(void **state)
{
	(void)state;
	assert_int_equal(PRINTER_URI_DEFAULT_TCP_PORT, 9100);
	expect_tcp("tcp://printer", "printer", 9100);
	expect_tcp("tcp://192.168.1.50", "192.168.1.50", 9100);
}

static void test_tcp_host_with_port_keeps_the_port(void **state)
{
	(void)state;
	expect_tcp("tcp://192.168.1.50:9101", "192.168.1.50", 9101);
	expect_tcp("tcp://ticket-printer.shop.lan:4000", "ticket-printer.shop.lan", 4000);
	expect_tcp("tcp://epson_tm:9100", "epson_tm", 9100);
}

static void test_tcp_ports_1_and_65535_are_accepted(void **state)
{
	(void)state;
	expect_tcp("tcp://printer:1", "printer", 1);
	expect_tcp("tcp://printer:65535", "printer", 65535);
}

static void test_tcp_port_0_is_rejected(void **state)
{
	(void)state;
	expect_rejected("tcp://printer:0", "1 to 65535");
}

static void test_tcp_port_65536_is_rejected(void **state)
{
	(void)state;
	expect_rejected("tcp://printer:65536", "1 to 65535");
	expect_rejected("tcp://printer:99999999999999999999", "1 to 65535");
}

static void test_tcp_port_that_is_not_a_number_is_rejected(void **state)
{
	static const char *const bad[] = {
		"tcp://printer:abc",   "tcp://printer:9100x",  "tcp://printer:-1",
		"tcp://printer:+9100", "tcp://printer: 9100",  "tcp://printer:9100 ",
		"tcp://printer:9100/", "tcp://printer:9100:1", "tcp://printer:0x10",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_rejected(bad[i], "is not a number from 1 to 65535");
}

static void test_tcp_empty_port_after_colon_is_rejected(void **state)
{
	(void)state;
	expect_rejected("tcp://printer:", "port ''");
	expect_rejected("tcp://[::1]:", "port ''");
}

static void test_tcp_bracketed_ipv6_loopback_with_port(void **state)
{
	(void)state;
	expect_tcp("tcp://[::1]:9100", "::1", 9100);
}

static void test_tcp_bracketed_ipv6_without_port_uses_9100(void **state)
{
	(void)state;
	expect_tcp("tcp://[2001:db8::50]", "2001:db8::50", 9100);
}

static void test_tcp_bracketed_ipv6_with_zone_keeps_the_zone(void **state)
{
	(void)state;
	expect_tcp("tcp://[fe80::1%eth0]:9100", "fe80::1%eth0", 9100);
}

static void test_tcp_without_host_is_rejected(void **state)
{
	(void)state;
	expect_rejected("tcp://", "no host");
	expect_rejected("tcp://:9100", "no host");
	expect_rejected("tcp://[]:9100", "no host");
	expect_rejected("tcp://[]", "no host");
}

static void test_tcp_host_with_forbidden_characters_is_rejected(void **state)
{
	(void)state;
	expect_rejected("tcp://printer/raw", "'/' is not allowed in a host name");
	expect_rejected("tcp://user@printer", "'@' is not allowed in a host name");
	expect_rejected("tcp://my printer", "' ' is not allowed in a host name");
	expect_rejected("tcp://print\ter", "is not allowed in a host name");
	expect_rejected("tcp://imprimante-caf\xc3\xa9", "is not allowed in a host name");
	expect_rejected("tcp://pr]nter", "is not allowed in a host name");
}

static void test_tcp_unbracketed_ipv6_is_rejected(void **state)
{
	(void)state;
	expect_rejected("tcp://::1", "an IPv6 address goes in brackets, as in tcp://[::1]:9100");
	expect_rejected("tcp://fe80::1:9100", "goes in brackets");
	expect_rejected("tcp://2001:db8::1", "goes in brackets");
}

static void test_tcp_text_after_closing_bracket_is_rejected(void **state)
{
	(void)state;
	expect_rejected("tcp://[::1]x", "unexpected text after ']'");
	expect_rejected("tcp://[::1]9100", "unexpected text after ']'");
	expect_rejected("tcp://[::1]/", "unexpected text after ']'");
	expect_rejected("tcp://[::1] ", "unexpected text after ']'");
}

static void test_tcp_unclosed_bracket_is_rejected(void **state)
{
	(void)state;
	expect_rejected("tcp://[::1", "missing ']'");
	expect_rejected("tcp://[::1:9100", "missing ']'");
}

static void test_tcp_ipv6_with_forbidden_characters_is_rejected(void **state)
{
	(void)state;
	expect_rejected("tcp://[::1/64]:9100", "'/' is not allowed in an IPv6 address");
	expect_rejected("tcp://[:: 1]:9100", "' ' is not allowed in an IPv6 address");
	expect_rejected("tcp://[[::1]:9100", "'[' is not allowed in an IPv6 address");
}

static void test_tcp_brackets_hold_only_an_ipv6_address(void **state)
{
	/* found by tests/fuzz/printer_uri.c: "[printer]" parsed, then its canonical
	 * form tcp://printer%eth0:9100 did not */
	(void)state;
	expect_rejected("tcp://[printer]:9100", "'printer' is not an IPv6 address");
	expect_rejected("tcp://[f666%eth0]:9100", "'f666%eth0' is not an IPv6 address");
	expect_rejected("tcp://[10.0.0.5]:9100", "is not an IPv6 address");
	expect_rejected("tcp://[1:2:3]:9100", "is not an IPv6 address");
	expect_rejected("tcp://[fe80::1%]:9100", "is not an IPv6 address");
	expect_rejected("tcp://[fe80::1%eth0%1]:9100", "is not an IPv6 address");
	expect_tcp("tcp://[::ffff:10.0.0.5]:9100", "::ffff:10.0.0.5", 9100);
	expect_tcp("tcp://[FE80::1%2]", "FE80::1%2", 9100);
}

static void test_tcp_host_of_255_characters_is_accepted_and_256_rejected(void **state)
{
	char *host255 = repeat('h', PRINTER_URI_HOST_MAX - 1);
	char *host256 = repeat('h', PRINTER_URI_HOST_MAX);
	char *ok = concat("tcp://", host255, ":9100");
	char *too_long = concat("tcp://", host256, ":9100");
	char *too_long6 = concat("tcp://[", host256, "]:9100");

	(void)state;
	expect_tcp(ok, host255, 9100);
	expect_rejected(too_long, "host name longer than 255 characters");
	expect_rejected(too_long6, "host name longer than 255 characters");
	free(host255);
	free(host256);
	free(ok);
	free(too_long);
	free(too_long6);
}

static void test_tcp_scheme_without_slashes_is_an_unknown_scheme(void **state)
{
	(void)state;
	expect_rejected("tcp:192.168.1.50:9100", "unknown scheme 'tcp'");
}

/* ---- file: ---- */

static void test_file_with_absolute_path(void **state)
{
	(void)state;
	expect_file("file:/dev/usb/lp0", "/dev/usb/lp0");
}

static void test_file_triple_slash_is_the_same_as_file_colon_path(void **state)
{
	struct printer_uri short_form, url_form;

	(void)state;
	short_form = parse_ok("file:/dev/usb/lp0");
	url_form = parse_ok("file:///dev/usb/lp0");
	assert_int_equal(url_form.scheme, short_form.scheme);
	assert_string_equal(url_form.path, short_form.path);
	assert_memory_equal(&url_form, &short_form, sizeof short_form);
}

static void test_file_with_relative_path_is_accepted(void **state)
{
	(void)state;
	expect_file("file:printer.bin", "printer.bin");
	expect_file("file:out/printer.bin", "out/printer.bin");
}

static void test_file_path_with_spaces_and_accents_is_accepted(void **state)
{
	(void)state;
	expect_file("file:/tmp/caisse n\xc2\xb0"
		    "1/imprimante",
		    "/tmp/caisse n\xc2\xb0"
		    "1/imprimante");
}

static void test_file_double_slash_with_relative_path_is_rejected(void **state)
{
	(void)state;
	expect_rejected("file://dev/usb/lp0", "file:// must be followed by an absolute path");
	expect_rejected("file://", "file:// must be followed by an absolute path");
	expect_rejected("file://localhost/dev/usb/lp0", "absolute path");
}

static void test_file_without_path_is_rejected(void **state)
{
	(void)state;
	expect_rejected("file:", "no path after file:");
}

static void test_file_path_with_control_characters_is_rejected(void **state)
{
	static const char *const bad[] = {
		"file:/dev/usb/lp0\n",	 "file:/dev/\tlp0",   "file:/dev/usb/lp0\r",
		"file:/dev/\x1b[31mlp0", "file:/dev/\x7flp0", "file:///dev/\x01lp0",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_rejected(bad[i], "control character in path");
}

static void test_file_path_of_1023_characters_is_accepted_and_1024_rejected(void **state)
{
	char *path1023 = repeat('p', PRINTER_URI_PATH_MAX - 1);
	char *path1024 = repeat('p', PRINTER_URI_PATH_MAX);
	char *ok = concat("file:", path1023, "");
	char *too_long = concat("file:", path1024, "");

	(void)state;
	expect_file(ok, path1023);
	expect_rejected(too_long, "path longer than 1023 characters");
	free(path1023);
	free(path1024);
	free(ok);
	free(too_long);
}

/* ---- queue names ---- */

static void test_bare_name_is_a_queue(void **state)
{
	(void)state;
	expect_queue("TICKET", "TICKET");
	expect_queue("receipt_printer-2", "receipt_printer-2");
	expect_queue("tcp", "tcp");
	expect_queue("file", "file");
}

static void test_queue_name_may_contain_inner_spaces(void **state)
{
	(void)state;
	expect_queue("EPSON TM-T88V", "EPSON TM-T88V");
	expect_queue("EPSON TM-T88V Receipt5", "EPSON TM-T88V Receipt5");
}

static void test_queue_name_may_contain_accented_letters(void **state)
{
	(void)state;
	expect_queue("Imprimante caisse n\xc2\xb0"
		     "1",
		     "Imprimante caisse n\xc2\xb0"
		     "1");
	expect_queue("Re\xc3\xa7u", "Re\xc3\xa7u");
}

static void test_queue_name_starting_or_ending_with_a_space_is_rejected(void **state)
{
	(void)state;
	expect_rejected(" TICKET", "starts or ends with a space");
	expect_rejected("TICKET ", "starts or ends with a space");
	expect_rejected(" ", "starts or ends with a space");
}

static void test_queue_name_with_control_or_path_characters_is_rejected(void **state)
{
	(void)state;
	expect_rejected("TICK\tET", "is not allowed in a queue name");
	expect_rejected("TICKET\n", "is not allowed in a queue name");
	expect_rejected("TICKET\x7f", "is not allowed in a queue name");
	expect_rejected("/dev/usb/lp0", "'/' is not allowed in a queue name");
	expect_rejected("..\\lp0", "is not allowed in a queue name");
	expect_rejected("TICKET;rm", "';' is not allowed in a queue name");
}

static void test_queue_name_of_1023_bytes_is_accepted_and_1024_rejected(void **state)
{
	char *name1023 = repeat('Q', PRINTER_URI_PATH_MAX - 1);
	char *name1024 = repeat('Q', PRINTER_URI_PATH_MAX);

	(void)state;
	expect_queue(name1023, name1023);
	expect_rejected(name1024, "queue name too long");
	free(name1023);
	free(name1024);
}

/* ---- serial: ---- */

static struct printer_uri expect_serial(const char *text, const char *device)
{
	struct printer_uri uri = parse_ok(text);

	assert_int_equal(uri.scheme, PRINTER_URI_SERIAL);
	assert_string_equal(uri.path, device);
	return uri;
}

static void test_serial_without_settings_is_9600_8n1_rtscts_as_epson_ships(void **state)
{
	struct printer_uri uri = expect_serial("serial:/dev/ttyUSB0", "/dev/ttyUSB0");

	(void)state;
	assert_int_equal(uri.serial.baud, 9600);
	assert_int_equal(uri.serial.data_bits, 8);
	assert_int_equal(uri.serial.parity, PRINTER_URI_PARITY_NONE);
	assert_int_equal(uri.serial.stop_bits, 1);
	assert_int_equal(uri.serial.flow, PRINTER_URI_FLOW_RTSCTS);
}

static void test_serial_settings_from_the_query(void **state)
{
	struct printer_uri uri =
		expect_serial("serial:/dev/ttyUSB0?baud=38400&parity=none&flow=rtscts", "/dev/ttyUSB0");

	(void)state;
	assert_int_equal(uri.serial.baud, 38400);
	assert_int_equal(uri.serial.flow, PRINTER_URI_FLOW_RTSCTS);
	uri = expect_serial("serial:COM3?baud=115200&data_bits=7&parity=even&stop_bits=2&flow=xonxoff",
			    "COM3");
	assert_int_equal(uri.serial.baud, 115200);
	assert_int_equal(uri.serial.data_bits, 7);
	assert_int_equal(uri.serial.parity, PRINTER_URI_PARITY_EVEN);
	assert_int_equal(uri.serial.stop_bits, 2);
	assert_int_equal(uri.serial.flow, PRINTER_URI_FLOW_XONXOFF);
	uri = expect_serial("serial:/dev/ttyS0?parity=odd&flow=none", "/dev/ttyS0");
	assert_int_equal(uri.serial.parity, PRINTER_URI_PARITY_ODD);
	assert_int_equal(uri.serial.flow, PRINTER_URI_FLOW_NONE);
	assert_int_equal(uri.serial.baud, 9600);
}

static void test_serial_every_listed_baud_is_accepted(void **state)
{
	char text[64];

	(void)state;
	for (const unsigned *baud = printer_uri_serial_bauds; *baud != 0; baud++) {
		snprintf(text, sizeof text, "serial:/dev/ttyUSB0?baud=%u", *baud);
		assert_int_equal(expect_serial(text, "/dev/ttyUSB0").serial.baud, *baud);
	}
}

static void test_serial_bad_values_are_rejected_naming_the_setting(void **state)
{
	(void)state;
	expect_rejected("serial:/dev/ttyUSB0?baud=9601", "baud '9601' is not one of");
	expect_rejected("serial:/dev/ttyUSB0?baud=", "is not key=value");
	expect_rejected("serial:/dev/ttyUSB0?baud=-9600", "baud '-9600'");
	expect_rejected("serial:/dev/ttyUSB0?baud=99999999999999999999", "baud '");
	expect_rejected("serial:/dev/ttyUSB0?baud=9600x", "baud '9600x'");
	expect_rejected("serial:/dev/ttyUSB0?data_bits=6", "data_bits '6' is not 7 or 8");
	expect_rejected("serial:/dev/ttyUSB0?stop_bits=3", "stop_bits '3' is not 1 or 2");
	expect_rejected("serial:/dev/ttyUSB0?parity=mark", "parity 'mark' is not none, even or odd");
	expect_rejected("serial:/dev/ttyUSB0?flow=dsrdtr", "flow 'dsrdtr' is not none, rtscts or xonxoff");
	expect_rejected("serial:/dev/ttyUSB0?flow=RTSCTS", "flow 'RTSCTS'");
}

static void test_serial_unknown_duplicate_or_malformed_settings_are_rejected(void **state)
{
	(void)state;
	expect_rejected("serial:/dev/ttyUSB0?speed=9600", "unknown serial setting 'speed'");
	expect_rejected("serial:/dev/ttyUSB0?baud=9600&baud=38400", "'baud' is given twice");
	expect_rejected("serial:/dev/ttyUSB0?", "is not key=value");
	expect_rejected("serial:/dev/ttyUSB0?baud=9600&", "is not key=value");
	expect_rejected("serial:/dev/ttyUSB0?&baud=9600", "is not key=value");
	expect_rejected("serial:/dev/ttyUSB0?baud", "'baud' is not key=value");
	expect_rejected("serial:/dev/ttyUSB0?=9600", "is not key=value");
}

static void test_serial_without_device_or_with_control_characters_is_rejected(void **state)
{
	(void)state;
	expect_rejected("serial:", "no device after serial:");
	expect_rejected("serial:?baud=9600", "no device after serial:");
	expect_rejected("serial:/dev/tty\nUSB0", "control character in device path");
}

static void test_serial_overlong_device_or_settings_are_rejected(void **state)
{
	char *device = repeat('d', PRINTER_URI_PATH_MAX);
	char *long_device = concat("serial:", device, "");
	char *settings = repeat('x', 300);
	char *long_settings = concat("serial:/dev/ttyS0?baud=", settings, "");

	(void)state;
	expect_rejected(long_device, "device path longer than");
	expect_rejected(long_settings, "serial settings longer than");
	free(device);
	free(long_device);
	free(settings);
	free(long_settings);
}

static void test_format_serial_spells_out_every_setting_and_parses_back(void **state)
{
	(void)state;
	expect_round_trip("serial:/dev/ttyUSB0",
			  "serial:/dev/ttyUSB0?baud=9600&data_bits=8&parity=none&stop_bits=1&flow=rtscts");
	expect_round_trip("serial:COM3?flow=xonxoff&baud=38400&stop_bits=2&parity=odd&data_bits=7",
			  "serial:COM3?baud=38400&data_bits=7&parity=odd&stop_bits=2&flow=xonxoff");
}

/* ---- cups: and spool: ---- */

static void test_cups_and_spool_name_their_queue(void **state)
{
	struct printer_uri uri = parse_ok("cups:TICKET");

	(void)state;
	assert_int_equal(uri.scheme, PRINTER_URI_CUPS);
	assert_string_equal(uri.path, "TICKET");
	uri = parse_ok("spool:EPSON TM-T88V Receipt");
	assert_int_equal(uri.scheme, PRINTER_URI_SPOOL);
	assert_string_equal(uri.path, "EPSON TM-T88V Receipt");
	expect_round_trip("cups:TICKET", "cups:TICKET");
	expect_round_trip("spool:Re\xc3\xa7u", "spool:Re\xc3\xa7u");
}

static void test_cups_and_spool_follow_the_queue_name_rules(void **state)
{
	(void)state;
	expect_rejected("cups:", "no queue name");
	expect_rejected("spool:", "no queue name");
	expect_rejected("cups:a/b", "'/' is not allowed in a queue name");
	expect_rejected("spool: TICKET", "starts or ends with a space");
}

/* ---- everything else ---- */

static void test_empty_or_null_uri_is_rejected_listing_valid_forms(void **state)
{
	struct printer_uri uri;
	char err[512];

	(void)state;
	expect_rejected("", "printer URI is empty");
	err[0] = '\0';
	assert_int_equal(printer_uri_parse(NULL, &uri, err, sizeof err), -EINVAL);
	assert_contains(err, "printer URI is empty");
	assert_contains(err, "tcp://");
}

static void test_unknown_schemes_are_rejected_listing_valid_forms(void **state)
{
	(void)state;
	expect_rejected("usb://EPSON/TM-T88V", "unknown scheme 'usb'");
	expect_rejected("http://10.0.0.5/", "unknown scheme 'http'");
	expect_rejected("https://10.0.0.5/", "unknown scheme 'https'");
	expect_rejected("ipp://10.0.0.5/ipp/print", "unknown scheme 'ipp'");
	expect_rejected("lpd://10.0.0.5/queue", "unknown scheme 'lpd'");
	expect_rejected("com3:", "unknown scheme 'com3'");
	expect_rejected("TCP://10.0.0.5", "unknown scheme 'TCP'");
	expect_rejected("FILE:/dev/usb/lp0", "unknown scheme 'FILE'");
	expect_rejected("10.0.0.5:9100", NULL);
	expect_rejected(":9100", "unknown scheme ''");
}

static void test_error_message_quotes_the_uri_and_gives_an_example(void **state)
{
	struct printer_uri uri;
	char err[512];

	(void)state;
	assert_int_equal(printer_uri_parse("tcp://printer:0", &uri, err, sizeof err), -EINVAL);
	assert_contains(err, "printer URI 'tcp://printer:0'");
	assert_contains(err, "port '0'");
	assert_contains(err, "tcp://192.168.1.50:9100");
	assert_contains(err, "file:/dev/usb/lp0");
	assert_contains(err, "TICKET");
}

static void test_very_long_inputs_are_rejected_without_overflow(void **state)
{
	const size_t n = 100000;
	char *body = repeat('a', n);
	char *digits = repeat('9', n);
	char *inputs[] = {
		concat("tcp://", body, ""),  concat("tcp://[", body, "]"),
		concat("tcp://[", body, ""), concat("tcp://host:", digits, ""),
		concat("file:/", body, ""),  concat("file:///", body, ""),
		concat("Q", body, ""),	     concat(body, "://x", ""),
	};

	(void)state;
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		struct printer_uri uri;
		char err[512] = "";

		assert_int_equal(printer_uri_parse(inputs[i], &uri, err, sizeof err), -EINVAL);
		assert_true(strlen(err) < sizeof err);
		assert_true(strlen(err) > 0);
		free(inputs[i]);
	}
	free(body);
	free(digits);
}

static void test_error_message_is_cut_to_a_small_buffer(void **state)
{
	struct printer_uri uri;
	char *err = malloc(16);

	(void)state;
	assert_non_null(err);
	assert_int_equal(printer_uri_parse("usb://x", &uri, err, 16), -EINVAL);
	assert_int_equal(strlen(err), 15);
	assert_int_equal(printer_uri_parse("tcp://printer:0", &uri, err, 16), -EINVAL);
	assert_int_equal(strlen(err), 15);
	assert_int_equal(printer_uri_parse("", &uri, err, 16), -EINVAL);
	assert_int_equal(strlen(err), 15);
	free(err);
}

/* ---- canonical form ---- */

static void test_format_tcp_always_shows_the_port(void **state)
{
	(void)state;
	expect_round_trip("tcp://10.0.0.5", "tcp://10.0.0.5:9100");
	expect_round_trip("tcp://10.0.0.5:9100", "tcp://10.0.0.5:9100");
	expect_round_trip("tcp://printer.lan:4000", "tcp://printer.lan:4000");
}

static void test_format_tcp_ipv6_puts_the_address_in_brackets(void **state)
{
	(void)state;
	expect_round_trip("tcp://[::1]:9100", "tcp://[::1]:9100");
	expect_round_trip("tcp://[2001:db8::50]", "tcp://[2001:db8::50]:9100");
	expect_round_trip("tcp://[fe80::1%eth0]:9100", "tcp://[fe80::1%eth0]:9100");
}

static void test_format_file_uses_the_short_form(void **state)
{
	(void)state;
	expect_round_trip("file:/dev/usb/lp0", "file:/dev/usb/lp0");
	expect_round_trip("file:///dev/usb/lp0", "file:/dev/usb/lp0");
	expect_round_trip("file:printer.bin", "file:printer.bin");
}

static void test_format_file_path_starting_with_two_slashes_parses_back(void **state)
{
	/* file:////srv/lp0 is accepted (path "//srv/lp0"); its canonical text must be too. */
	(void)state;
	expect_round_trip("file:////srv/lp0", NULL);
}

static void test_format_queue_is_the_bare_name(void **state)
{
	(void)state;
	expect_round_trip("TICKET", "TICKET");
	expect_round_trip("EPSON TM-T88V", "EPSON TM-T88V");
	expect_round_trip("Re\xc3\xa7u", "Re\xc3\xa7u");
}

static void test_format_is_cut_to_a_small_buffer(void **state)
{
	struct printer_uri uri = parse_ok("tcp://[fe80::1%eth0]:9100");
	char *buf = malloc(8);

	(void)state;
	assert_non_null(buf);
	printer_uri_format(&uri, buf, 8);
	assert_string_equal(buf, "tcp://[");
	uri = parse_ok("file:/dev/usb/lp0");
	printer_uri_format(&uri, buf, 8);
	assert_string_equal(buf, "file:/d");
	uri = parse_ok("EPSON TM-T88V");
	printer_uri_format(&uri, buf, 8);
	assert_string_equal(buf, "EPSON T");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_host_without_port_uses_9100),
		cmocka_unit_test(test_tcp_host_with_port_keeps_the_port),
		cmocka_unit_test(test_tcp_ports_1_and_65535_are_accepted),
		cmocka_unit_test(test_tcp_port_0_is_rejected),
		cmocka_unit_test(test_tcp_port_65536_is_rejected),
		cmocka_unit_test(test_tcp_port_that_is_not_a_number_is_rejected),
		cmocka_unit_test(test_tcp_empty_port_after_colon_is_rejected),
		cmocka_unit_test(test_tcp_bracketed_ipv6_loopback_with_port),
		cmocka_unit_test(test_tcp_bracketed_ipv6_without_port_uses_9100),
		cmocka_unit_test(test_tcp_bracketed_ipv6_with_zone_keeps_the_zone),
		cmocka_unit_test(test_tcp_without_host_is_rejected),
		cmocka_unit_test(test_tcp_host_with_forbidden_characters_is_rejected),
		cmocka_unit_test(test_tcp_unbracketed_ipv6_is_rejected),
		cmocka_unit_test(test_tcp_text_after_closing_bracket_is_rejected),
		cmocka_unit_test(test_tcp_unclosed_bracket_is_rejected),
		cmocka_unit_test(test_tcp_ipv6_with_forbidden_characters_is_rejected),
		cmocka_unit_test(test_tcp_brackets_hold_only_an_ipv6_address),
		cmocka_unit_test(test_tcp_host_of_255_characters_is_accepted_and_256_rejected),
		cmocka_unit_test(test_tcp_scheme_without_slashes_is_an_unknown_scheme),
		cmocka_unit_test(test_file_with_absolute_path),
		cmocka_unit_test(test_file_triple_slash_is_the_same_as_file_colon_path),
		cmocka_unit_test(test_file_with_relative_path_is_accepted),
		cmocka_unit_test(test_file_path_with_spaces_and_accents_is_accepted),
		cmocka_unit_test(test_file_double_slash_with_relative_path_is_rejected),
		cmocka_unit_test(test_file_without_path_is_rejected),
		cmocka_unit_test(test_file_path_with_control_characters_is_rejected),
		cmocka_unit_test(test_file_path_of_1023_characters_is_accepted_and_1024_rejected),
		cmocka_unit_test(test_bare_name_is_a_queue),
		cmocka_unit_test(test_queue_name_may_contain_inner_spaces),
		cmocka_unit_test(test_queue_name_may_contain_accented_letters),
		cmocka_unit_test(test_queue_name_starting_or_ending_with_a_space_is_rejected),
		cmocka_unit_test(test_queue_name_with_control_or_path_characters_is_rejected),
		cmocka_unit_test(test_queue_name_of_1023_bytes_is_accepted_and_1024_rejected),
		cmocka_unit_test(test_serial_without_settings_is_9600_8n1_rtscts_as_epson_ships),
		cmocka_unit_test(test_serial_settings_from_the_query),
		cmocka_unit_test(test_serial_every_listed_baud_is_accepted),
		cmocka_unit_test(test_serial_bad_values_are_rejected_naming_the_setting),
		cmocka_unit_test(test_serial_unknown_duplicate_or_malformed_settings_are_rejected),
		cmocka_unit_test(test_serial_without_device_or_with_control_characters_is_rejected),
		cmocka_unit_test(test_serial_overlong_device_or_settings_are_rejected),
		cmocka_unit_test(test_format_serial_spells_out_every_setting_and_parses_back),
		cmocka_unit_test(test_cups_and_spool_name_their_queue),
		cmocka_unit_test(test_cups_and_spool_follow_the_queue_name_rules),
		cmocka_unit_test(test_empty_or_null_uri_is_rejected_listing_valid_forms),
		cmocka_unit_test(test_unknown_schemes_are_rejected_listing_valid_forms),
		cmocka_unit_test(test_error_message_quotes_the_uri_and_gives_an_example),
		cmocka_unit_test(test_very_long_inputs_are_rejected_without_overflow),
		cmocka_unit_test(test_error_message_is_cut_to_a_small_buffer),
		cmocka_unit_test(test_format_tcp_always_shows_the_port),
		cmocka_unit_test(test_format_tcp_ipv6_puts_the_address_in_brackets),
		cmocka_unit_test(test_format_file_uses_the_short_form),
		cmocka_unit_test(test_format_file_path_starting_with_two_slashes_parses_back),
		cmocka_unit_test(test_format_queue_is_the_bare_name),
		cmocka_unit_test(test_format_is_cut_to_a_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
