/* Specifies settings: defaults, values, command line, INI files and their diagnostics, --help. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "settings/config.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof(argv)[0]))

static void assert_contains(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", text, needle);
}

static void assert_starts_with(const char *text, const char *prefix)
{
	if (strncmp(text, prefix, strlen(prefix)) != 0)
		fail_msg("\"%s\" does not start with \"%s\"", text, prefix);
}

/* Compares every setting of the table (not padding bytes). */
static void assert_same_settings(const struct config *a, const struct config *b)
{
	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];
		const char *fa = (const char *)a + option->offset,
			   *fb = (const char *)b + option->offset;

		switch (option->type) {
		case CONFIG_STRING:
			assert_string_equal(fa, fb);
			break;
		case CONFIG_UINT:
		case CONFIG_ENUM:
			assert_int_equal(*(const unsigned *)(const void *)fa,
					 *(const unsigned *)(const void *)fb);
			break;
		case CONFIG_BOOL:
			assert_int_equal(*(const bool *)(const void *)fa,
					 *(const bool *)(const void *)fb);
			break;
		case CONFIG_LIST: {
			size_t count = *(const size_t *)(const void *)((const char *)a +
								       option->count_offset);

			assert_int_equal(count,
					 *(const size_t *)(const void *)((const char *)b +
									 option->count_offset));
			for (size_t j = 0; j < count; j++)
				assert_string_equal(fa + j * CONFIG_LIST_ITEM_MAX,
						    fb + j * CONFIG_LIST_ITEM_MAX);
			break;
		}
		case CONFIG_RETIRED:
			fail_msg("%s: a retired setting in the table", option->name);
		}
	}
}

static void set_ok(struct config *config, const char *name, const char *value)
{
	char err[512] = "";

	if (config_set(config, name, value, err, sizeof err) != 0)
		fail_msg("%s = '%s' rejected: %s", name, value, err);
}

/* Expects config_set to refuse, with err containing needle, and config left as it was. */
static void set_rejected(const char *name, const char *value, const char *needle)
{
	struct config config, before;
	char err[512] = "";

	config_defaults(&config);
	before = config;
	if (config_set(&config, name, value, err, sizeof err) != -EINVAL)
		fail_msg("%s = '%s' accepted", name, value);
	if (needle != NULL)
		assert_contains(err, needle);
	if (strcmp(name, "bind") != 0)
		assert_same_settings(&config, &before);
}

/* "timeout_ms" -> "timeout-ms" */
static void dash_spelling(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s", name);
	for (char *c = buf; *c != '\0'; c++)
		if (*c == '_')
			*c = '-';
}

/* ---- the table and its defaults ---- */

static void test_defaults_match_the_documented_table(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	assert_int_equal(config.bind_count, 0);
	assert_int_equal(config.port, 22548);
	assert_string_equal(config.printer, "TICKET");
	assert_int_equal(config.timeout_ms, 2000);
	assert_int_equal(config.min_interval_ms, 1000);
	assert_int_equal(config.pin, CONFIG_PIN_2);
	assert_int_equal(config.pulse_on_ms, 50);
	assert_int_equal(config.pulse_off_ms, 500);
	assert_string_equal(config.log_dir, "logs");
	assert_int_equal(config.retention_days, 30);
	assert_int_equal(config.log_max_mb, 256);
	assert_true(config.log_console);
	assert_int_equal(config.threads, 2);
}

static void test_every_default_value_is_accepted_by_config_set(void **state)
{
	(void)state;
	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];
		struct config config, defaults;
		char err[512] = "";

		config_defaults(&defaults);
		config = defaults;
		if (config_set(&config, option->name, option->default_value, err, sizeof err) != 0)
			fail_msg("default of %s ('%s') rejected: %s", option->name,
				 option->default_value, err);
		/* setting the default again changes nothing (a LIST default of "" adds nothing) */
		assert_same_settings(&config, &defaults);
	}
}

static void test_defaults_pass_validation(void **state)
{
	struct config config;
	char err[256] = "";

	(void)state;
	config_defaults(&config);
	assert_int_equal(config_validate(&config, err, sizeof err), 0);
}

static void test_option_names_are_unique_ini_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < config_option_count; i++) {
		for (size_t j = i + 1; j < config_option_count; j++)
			assert_string_not_equal(config_options[i].name, config_options[j].name);
		assert_null(strchr(config_options[i].name, '-'));
		assert_non_null(config_options[i].help);
		assert_non_null(config_options[i].metavar);
	}
}

static void test_every_option_is_found_by_its_key_and_by_its_flag_spelling(void **state)
{
	(void)state;
	for (size_t i = 0; i < config_option_count; i++) {
		char dashed[80];

		dash_spelling(config_options[i].name, dashed, sizeof dashed);
		assert_ptr_equal(config_find(config_options[i].name), &config_options[i]);
		assert_ptr_equal(config_find(dashed), &config_options[i]);
	}
}

static void test_config_find_accepts_underscore_and_dash_spellings(void **state)
{
	(void)state;
	assert_non_null(config_find("timeout_ms"));
	assert_ptr_equal(config_find("timeout-ms"), config_find("timeout_ms"));
	assert_ptr_equal(config_find("min-interval-ms"), config_find("min_interval_ms"));
	assert_ptr_equal(config_find("log-dir"), config_find("log_dir"));
	assert_string_equal(config_find("pulse-off-ms")->name, "pulse_off_ms");
}

static void test_config_find_returns_null_for_unknown_names(void **state)
{
	static const char *const unknown[] = {
		"",	      "timeout", "timeout_",	 "timeout_ms_",	 "timeoutms",
		"TIMEOUT_MS", "Port",	 "--timeout-ms", "timeout ms",	 "timeout.ms",
		"config",     "help",	 "version",	 "check-config", "portx",
	};

	(void)state;
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
		if (config_find(unknown[i]) != NULL)
			fail_msg("'%s' found", unknown[i]);
}

static void test_setting_an_unknown_name_is_rejected_pointing_to_help(void **state)
{
	(void)state;
	set_rejected("colour", "red", "unknown setting 'colour'");
	set_rejected("colour", "red", "--help");
}

/* ---- whole numbers ---- */

static void test_whole_numbers_accept_plain_digits_only(void **state)
{
	static const char *const bad[] = {
		"",
		"-1",
		"+5",
		"12abc",
		" 5",
		"5 ",
		"0x10",
		"1e3",
		"1.5",
		"\xd9\xa1\xd9\xa2",
		"5\n",
		"--5",
		"99999999999999999999",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		set_rejected("port", bad[i], "is not a whole number (expected 0..65535)");
}

static void test_whole_number_with_leading_zeros_is_its_value(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "timeout_ms", "0500");
	assert_int_equal(config.timeout_ms, 500);
}

static void test_every_whole_number_option_accepts_exactly_its_table_range(void **state)
{
	(void)state;
	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];
		struct config config;
		char text[32], needle[64];

		if (option->type != CONFIG_UINT)
			continue;
		config_defaults(&config);
		snprintf(text, sizeof text, "%u", option->min);
		set_ok(&config, option->name, text);
		assert_int_equal(*(unsigned *)(void *)((char *)&config + option->offset),
				 option->min);
		snprintf(text, sizeof text, "%u", option->max);
		set_ok(&config, option->name, text);
		assert_int_equal(*(unsigned *)(void *)((char *)&config + option->offset),
				 option->max);
		/* a choice (metavar "2|5") is explained by its check, a range by its bounds */
		if (strchr(option->metavar, '|') != NULL)
			snprintf(needle, sizeof needle, "is not a");
		else
			snprintf(needle, sizeof needle, "is out of range (expected %u..%u)", option->min,
				 option->max);
		if (option->min > 0) {
			snprintf(text, sizeof text, "%u", option->min - 1);
			set_rejected(option->name, text, needle);
		}
		snprintf(text, sizeof text, "%u", option->max + 1);
		set_rejected(option->name, text, needle);
		set_rejected(option->name, "4294967296", needle);
	}
}

static void test_documented_ranges_of_whole_numbers(void **state)
{
	static const struct {
		const char *name;
		unsigned min, max;
	} ranges[] = {
		{"port", 0, 65535},
		{"timeout_ms", 100, 60000},
		{"min_interval_ms", 0, 60000},
		{"pulse_on_ms", 2, 510},
		{"pulse_off_ms", 2, 510},
		{"retention_days", 1, 3650},
		{"log_max_mb", 1, 1048576},
		{"threads", 1, 64},
	};

	(void)state;
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		const struct config_option *option = config_find(ranges[i].name);

		assert_non_null(option);
		assert_int_equal(option->type, CONFIG_UINT);
		assert_int_equal(option->min, ranges[i].min);
		assert_int_equal(option->max, ranges[i].max);
	}
}

static void test_port_0_means_any_free_port_and_is_accepted(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "port", "0");
	assert_int_equal(config.port, 0);
}

static void test_pin_accepts_only_2_5_and_both(void **state)
{
	struct config config;
	char err[256];

	(void)state;
	config_defaults(&config);
	set_ok(&config, "pin", "5");
	assert_int_equal(config.pin, CONFIG_PIN_5);
	set_ok(&config, "pin", "2");
	assert_int_equal(config.pin, CONFIG_PIN_2);
	set_ok(&config, "pin", "both");
	assert_int_equal(config.pin, CONFIG_PIN_BOTH);
	assert_int_equal(config_validate(&config, err, sizeof err), 0);
	/* both pins need ESC p: a DLE DC4 pulse is ignored while another is output */
	set_ok(&config, "kick", "realtime");
	assert_int_equal(config_validate(&config, err, sizeof err), -EINVAL);
	assert_starts_with(err, "pin: both needs kick = esc-p");
	set_rejected("pin", "3", "3 is not a drawer pin (2, or 5 for a second drawer, or both)");
	set_rejected("pin", "4", "4 is not a drawer pin (2, or 5 for a second drawer, or both)");
	set_rejected("pin", "Both", NULL);
	set_rejected("pin", "0", NULL);
	set_rejected("pin", "1", NULL);
	set_rejected("pin", "6", NULL);
	set_rejected("pin", "48", NULL);
}

static void test_pin_out_of_range_message_says_2_or_5(void **state)
{
	/* "expected 2..5" would invite 3 or 4, which are no drawer pins. */
	(void)state;
	set_rejected("pin", "1", "2, or 5");
	set_rejected("pin", "6", "2, or 5");
}

static void test_odd_pulse_times_are_rejected_suggesting_the_even_neighbours(void **state)
{
	(void)state;
	set_rejected("pulse_on_ms", "51",
		     "51 ms is odd; ESC p counts in 2 ms units (use 50 or 52)");
	set_rejected("pulse_on_ms", "3", "use 2 or 4");
	set_rejected("pulse_off_ms", "509", "use 508 or 510");
	set_rejected("pulse_off_ms", "501", "use 500 or 502");
}

static void test_pulse_times_outside_2_to_510_are_rejected(void **state)
{
	(void)state;
	set_rejected("pulse_on_ms", "0", "expected 2..510");
	set_rejected("pulse_on_ms", "1", "expected 2..510");
	set_rejected("pulse_off_ms", "511", "expected 2..510");
	set_rejected("pulse_off_ms", "512", "expected 2..510");
}

static void test_kick_is_esc_p_by_default_or_realtime(void **state)
{
	struct config config;
	char err[256];

	(void)state;
	config_defaults(&config);
	assert_int_equal(config.kick, CONFIG_KICK_ESC_P);
	assert_int_equal(config.realtime_pulse_ms, 100);
	set_ok(&config, "kick", "realtime");
	assert_int_equal(config.kick, CONFIG_KICK_REALTIME);
	set_ok(&config, "realtime_pulse_ms", "800");
	assert_int_equal(config_validate(&config, err, sizeof err), 0);
	set_rejected("kick", "ESC-P", "'ESC-P' is not esc-p");
	set_rejected("kick", "dle-dc4", "realtime (DLE DC4");
	set_rejected("kick", "", NULL);
	set_rejected("realtime_pulse_ms", "150", "150 ms is not a multiple of 100");
	set_rejected("realtime_pulse_ms", "50", "expected 100..800");
	set_rejected("realtime_pulse_ms", "900", "expected 100..800");
}

static void test_realtime_kick_ignores_the_esc_p_timings(void **state)
{
	struct config config;
	char err[256];

	/* pulse_on_ms/pulse_off_ms belong to ESC p; realtime has its own time. */
	(void)state;
	config_defaults(&config);
	set_ok(&config, "kick", "realtime");
	set_ok(&config, "pin", "5");
	assert_int_equal(config_validate(&config, err, sizeof err), 0);
}

static void test_drawer_open_level_is_high_or_low(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	assert_int_equal(config.drawer_open_level, CONFIG_LEVEL_HIGH);
	set_ok(&config, "drawer_open_level", "low");
	assert_int_equal(config.drawer_open_level, CONFIG_LEVEL_LOW);
	set_rejected("drawer_open_level", "HIGH", "'HIGH' is not high");
	set_rejected("drawer_open_level", "1", "or low");
}

static void test_status_cache_and_timeout_have_sane_bounds(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	assert_int_equal(config.status_cache_ms, 2000);
	assert_int_equal(config.status_timeout_ms, 200);
	set_ok(&config, "status_cache_ms", "0");
	set_rejected("status_timeout_ms", "0", "expected 20..5000");
	set_rejected("status_timeout_ms", "5001", "expected 20..5000");
}

/* ---- booleans ---- */

static void test_booleans_accept_true_yes_on_1_and_false_no_off_0(void **state)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	struct config config;

	(void)state;
	config_defaults(&config);
	for (size_t i = 0; i < 4; i++) {
		set_ok(&config, "log_console", no[i]);
		assert_false(config.log_console);
		set_ok(&config, "log_console", yes[i]);
		assert_true(config.log_console);
	}
}

static void test_other_boolean_spellings_are_rejected(void **state)
{
	static const char *const bad[] = {"", "maybe", "2", "truee", " true", "y", "n", "-1"};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		set_rejected("log_console", bad[i], "is not a boolean (expected true or false)");
}

/* ---- strings ---- */

static void test_printer_is_checked_as_a_printer_uri(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "printer", "tcp://10.0.0.5");
	assert_string_equal(config.printer, "tcp://10.0.0.5");
	set_ok(&config, "printer", "file:/dev/usb/lp0");
	assert_string_equal(config.printer, "file:/dev/usb/lp0");
	set_rejected("printer", "usb://EPSON", "unknown scheme 'usb'");
	set_rejected("printer", "tcp://printer:0", "1 to 65535");
	set_rejected("printer", "", "empty");
}

static void test_log_dir_must_not_be_empty(void **state)
{
	(void)state;
	set_rejected("log_dir", "", "must not be empty");
}

static void test_string_of_1023_characters_is_accepted_and_1024_rejected(void **state)
{
	char text[CONFIG_STRING_MAX + 1];
	struct config config;

	(void)state;
	config_defaults(&config);
	memset(text, 'd', CONFIG_STRING_MAX - 1);
	text[CONFIG_STRING_MAX - 1] = '\0';
	set_ok(&config, "log_dir", text);
	assert_string_equal(config.log_dir, text);
	text[CONFIG_STRING_MAX - 1] = 'd';
	text[CONFIG_STRING_MAX] = '\0';
	set_rejected("log_dir", text, "longer than 1023 characters");
}

/* ---- the bind list ---- */

static void test_bind_takes_one_address(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "bind", "127.0.0.1");
	assert_int_equal(config.bind_count, 1);
	assert_string_equal(config.bind[0], "127.0.0.1");
}

static void test_bind_splits_on_commas_and_trims_spaces(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "bind", "  127.0.0.1 ,::1,   192.168.1.20   ");
	assert_int_equal(config.bind_count, 3);
	assert_string_equal(config.bind[0], "127.0.0.1");
	assert_string_equal(config.bind[1], "::1");
	assert_string_equal(config.bind[2], "192.168.1.20");
}

static void test_bind_appends_on_each_set(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "bind", "127.0.0.1");
	set_ok(&config, "bind", "::1");
	assert_int_equal(config.bind_count, 2);
	assert_string_equal(config.bind[0], "127.0.0.1");
	assert_string_equal(config.bind[1], "::1");
}

static void test_bind_accepts_ipv6_with_or_without_brackets(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "bind", "[::1], ::1, [2001:db8::5], ::, 0.0.0.0");
	assert_int_equal(config.bind_count, 5);
}

static void test_empty_bind_value_adds_no_address(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "bind", "");
	assert_int_equal(config.bind_count, 0);
}

static void test_bind_rejects_host_names(void **state)
{
	(void)state;
	set_rejected("bind", "localhost", "'localhost' is not an IP address");
	set_rejected("bind", "printer.lan", "is not an IP address");
	set_rejected("bind", "127.0.0.1, localhost", "'localhost' is not an IP address");
}

static void test_bind_rejects_a_port_and_says_where_the_port_goes(void **state)
{
	(void)state;
	set_rejected("bind", "127.0.0.1:8080", "the port is set with port");
	set_rejected("bind", "[::1]:8080", "is not an IP address");
	set_rejected("bind", "[]", "is not an IP address");
	set_rejected("bind", "[::1", "is not an IP address");
}

static void test_bind_rejects_an_empty_item(void **state)
{
	(void)state;
	set_rejected("bind", "127.0.0.1,,::1", "empty item in list");
	set_rejected("bind", ",127.0.0.1", "empty item in list");
	set_rejected("bind", "127.0.0.1, ,::1", "empty item in list");
	set_rejected("bind", " ", "empty item in list");
	set_rejected("bind", ",", "empty item in list");
}

static void test_bind_rejects_a_trailing_comma_as_an_empty_item(void **state)
{
	(void)state;
	set_rejected("bind", "127.0.0.1,", "empty item in list");
	set_rejected("bind", "127.0.0.1, ::1 , ", "empty item in list");
}

static void test_bind_takes_16_addresses_and_rejects_a_17th(void **state)
{
	char list[16 * 16 + 32] = "";
	struct config config;

	(void)state;
	assert_int_equal(CONFIG_LIST_MAX, 16);
	for (int i = 1; i <= 16; i++) {
		char item[16];

		snprintf(item, sizeof item, "%s127.0.0.%d", i > 1 ? "," : "", i);
		strcat(list, item);
	}
	config_defaults(&config);
	set_ok(&config, "bind", list);
	assert_int_equal(config.bind_count, 16);
	assert_string_equal(config.bind[15], "127.0.0.16");

	strcat(list, ",127.0.0.17");
	set_rejected("bind", list, "more than 16 items");
	/* also when the 17th comes from a later setting */
	{
		char err[256] = "";

		assert_int_equal(config_set(&config, "bind", "::1", err, sizeof err), -EINVAL);
		assert_contains(err, "more than 16 items");
		assert_int_equal(config.bind_count, 16);
	}
}

static void test_bind_rejects_an_item_of_64_characters(void **state)
{
	char item[CONFIG_LIST_ITEM_MAX + 1];

	(void)state;
	memset(item, '1', CONFIG_LIST_ITEM_MAX);
	item[CONFIG_LIST_ITEM_MAX] = '\0';
	set_rejected("bind", item, "item too long");
}

static void test_config_clear_empties_a_list_and_leaves_other_settings(void **state)
{
	struct config config, before;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "bind", "127.0.0.1,::1");
	config_clear(&config, config_find("bind"));
	assert_int_equal(config.bind_count, 0);
	before = config;
	config_clear(&config, config_find("port"));
	config_clear(&config, config_find("printer"));
	assert_same_settings(&config, &before);
}

/* ---- config_validate ---- */

static void test_validate_rejects_a_kick_that_is_not_valid(void **state)
{
	struct config config;
	char err[256] = "";

	(void)state;
	config_defaults(&config);
	config.pulse_off_ms = 511;
	assert_int_equal(config_validate(&config, err, sizeof err), -EINVAL);
	assert_starts_with(err, "pulse_off_ms: ");
}

/* ---- the command line ---- */

static void parse_ok(int argc, char *const argv[], struct config_args *args)
{
	char err[256] = "";

	if (config_parse_args(argc, argv, args, err, sizeof err) != 0)
		fail_msg("rejected: %s", err);
}

static void parse_rejected(int argc, char *const argv[], const char *needle)
{
	struct config_args args;
	char err[256] = "";

	assert_int_equal(config_parse_args(argc, argv, &args, err, sizeof err), -EINVAL);
	assert_contains(err, needle);
}

static void test_no_arguments_means_run_with_the_defaults(void **state)
{
	char *argv[] = {"cashdrawerd"};
	struct config_args args;

	(void)state;
	parse_ok(ARGC(argv), argv, &args);
	assert_int_equal(args.action, CONFIG_ACTION_RUN);
	assert_null(args.config_path);
	assert_int_equal(args.count, 0);
}

static void test_help_and_h_ask_for_help(void **state)
{
	char *long_form[] = {"cashdrawerd", "--help"};
	char *short_form[] = {"cashdrawerd", "-h"};
	char *after_options[] = {"cashdrawerd", "--port", "1", "--help"};
	struct config_args args;

	(void)state;
	parse_ok(ARGC(long_form), long_form, &args);
	assert_int_equal(args.action, CONFIG_ACTION_HELP);
	parse_ok(ARGC(short_form), short_form, &args);
	assert_int_equal(args.action, CONFIG_ACTION_HELP);
	parse_ok(ARGC(after_options), after_options, &args);
	assert_int_equal(args.action, CONFIG_ACTION_HELP);
}

static void test_version_asks_for_the_version(void **state)
{
	char *argv[] = {"cashdrawerd", "--version"};
	struct config_args args;

	(void)state;
	parse_ok(ARGC(argv), argv, &args);
	assert_int_equal(args.action, CONFIG_ACTION_VERSION);
}

static void test_check_config_keeps_the_other_arguments(void **state)
{
	char *argv[] = {"cashdrawerd",		"--check-config", "--config",
			"/etc/cashdrawerd.ini", "--port",	  "8080"};
	struct config_args args;

	(void)state;
	parse_ok(ARGC(argv), argv, &args);
	assert_int_equal(args.action, CONFIG_ACTION_CHECK);
	assert_string_equal(args.config_path, "/etc/cashdrawerd.ini");
	assert_int_equal(args.count, 1);
	assert_string_equal(args.options[0]->name, "port");
	assert_string_equal(args.values[0], "8080");
}

static void test_config_file_is_given_as_two_words_or_with_equals(void **state)
{
	char *two_words[] = {"cashdrawerd", "--config", "a.ini"};
	char *equals[] = {"cashdrawerd", "--config=b.ini"};
	struct config_args args;

	(void)state;
	parse_ok(ARGC(two_words), two_words, &args);
	assert_string_equal(args.config_path, "a.ini");
	assert_int_equal(args.count, 0);
	parse_ok(ARGC(equals), equals, &args);
	assert_string_equal(args.config_path, "b.ini");
	assert_int_equal(args.count, 0);
}

static void test_options_are_given_as_two_words_or_with_equals(void **state)
{
	char *argv[] = {"cashdrawerd",
			"--timeout-ms",
			"500",
			"--min-interval-ms=0",
			"--printer=tcp://10.0.0.5:9100",
			"--log-dir=a=b"};
	struct config_args args;

	(void)state;
	parse_ok(ARGC(argv), argv, &args);
	assert_int_equal(args.action, CONFIG_ACTION_RUN);
	assert_int_equal(args.count, 4);
	assert_ptr_equal(args.options[0], config_find("timeout_ms"));
	assert_string_equal(args.values[0], "500");
	assert_ptr_equal(args.options[1], config_find("min_interval_ms"));
	assert_string_equal(args.values[1], "0");
	assert_ptr_equal(args.options[2], config_find("printer"));
	assert_string_equal(args.values[2], "tcp://10.0.0.5:9100");
	assert_ptr_equal(args.options[3], config_find("log_dir"));
	assert_string_equal(args.values[3], "a=b");
}

static void test_every_option_has_a_flag(void **state)
{
	(void)state;
	for (size_t i = 0; i < config_option_count; i++) {
		char flag[96];
		char *argv[] = {"cashdrawerd", flag, "value"};
		struct config_args args;

		snprintf(flag, sizeof flag, "--");
		dash_spelling(config_options[i].name, flag + 2, sizeof flag - 2);
		parse_ok(ARGC(argv), argv, &args);
		assert_int_equal(args.count, 1);
		assert_ptr_equal(args.options[0], &config_options[i]);
		assert_string_equal(args.values[0], "value");
	}
}

static void test_an_empty_value_after_equals_is_a_value(void **state)
{
	char *argv[] = {"cashdrawerd", "--bind="};
	struct config_args args;

	(void)state;
	parse_ok(ARGC(argv), argv, &args);
	assert_int_equal(args.count, 1);
	assert_string_equal(args.values[0], "");
}

static void test_option_without_its_value_is_rejected(void **state)
{
	char *port[] = {"cashdrawerd", "--port"};
	char *config[] = {"cashdrawerd", "--config"};

	(void)state;
	parse_rejected(ARGC(port), port, "--port needs a value");
	parse_rejected(ARGC(config), config, "--config needs a value");
}

static void test_unknown_option_is_rejected_pointing_to_help(void **state)
{
	char *argv[] = {"cashdrawerd", "--colour", "red"};
	char *equals[] = {"cashdrawerd", "--colour=red"};

	(void)state;
	parse_rejected(ARGC(argv), argv, "unknown option '--colour'");
	parse_rejected(ARGC(argv), argv, "see --help");
	parse_rejected(ARGC(equals), equals, "unknown option '--colour'");
}

static void test_unknown_option_last_on_the_line_is_reported_unknown(void **state)
{
	/* not "--verbose needs a value": there is no --verbose to give a value to */
	char *argv[] = {"cashdrawerd", "--verbose"};
	char *typo[] = {"cashdrawerd", "--check_config"};

	(void)state;
	parse_rejected(ARGC(argv), argv, "unknown option '--verbose'");
	parse_rejected(ARGC(typo), typo, "unknown option '--check_config'");
}

static void test_positional_argument_is_rejected(void **state)
{
	char *word[] = {"cashdrawerd", "cashdrawerd.ini"};
	char *single_dash[] = {"cashdrawerd", "-p", "8080"};
	char *extra[] = {"cashdrawerd", "--port", "8080", "9090"};

	(void)state;
	parse_rejected(ARGC(word), word, "unexpected argument 'cashdrawerd.ini'");
	parse_rejected(ARGC(word), word, "options start with --");
	parse_rejected(ARGC(single_dash), single_dash, "unexpected argument '-p'");
	parse_rejected(ARGC(extra), extra, "unexpected argument '9090'");
}

static void test_very_long_option_name_is_rejected_without_overflow(void **state)
{
	char flag[300];
	char *argv[] = {"cashdrawerd", flag, "1"};

	(void)state;
	memset(flag, 'x', sizeof flag - 1);
	flag[0] = flag[1] = '-';
	flag[sizeof flag - 1] = '\0';
	parse_rejected(ARGC(argv), argv, "unknown option");
	flag[100] = '=';
	parse_rejected(ARGC(argv), argv, "unknown option");
}

static void test_at_most_64_options_are_taken(void **state)
{
	char *argv[1 + 2 * 65];
	struct config_args args;
	char err[256] = "";

	(void)state;
	argv[0] = "cashdrawerd";
	for (int i = 0; i < 65; i++) {
		argv[1 + 2 * i] = "--bind";
		argv[2 + 2 * i] = "127.0.0.1";
	}
	parse_ok(1 + 2 * 64, argv, &args);
	assert_int_equal(args.count, 64);
	assert_int_equal(config_parse_args(1 + 2 * 65, argv, &args, err, sizeof err), -EINVAL);
	assert_contains(err, "too many options");
}

static void test_parse_args_leaves_argv_unchanged(void **state)
{
	char a0[] = "cashdrawerd", a1[] = "--timeout_ms=500", a2[] = "--config", a3[] = "x.ini";
	char *argv[] = {a0, a1, a2, a3};
	struct config_args args;

	(void)state;
	parse_ok(ARGC(argv), argv, &args);
	assert_string_equal(a0, "cashdrawerd");
	assert_string_equal(a1, "--timeout_ms=500");
	assert_string_equal(a2, "--config");
	assert_string_equal(a3, "x.ini");
	assert_ptr_equal(args.config_path, a3);
	assert_ptr_equal(args.values[0], a1 + strlen("--timeout_ms="));
}

/* ---- applying the command line ---- */

static int apply(struct config *config, int argc, char *const argv[], char *err, size_t errlen)
{
	struct config_args args;

	parse_ok(argc, argv, &args);
	return config_apply_args(config, &args, err, errlen);
}

static void test_command_line_value_overrides_the_file(void **state)
{
	char *argv[] = {"cashdrawerd", "--port", "8080", "--log-console=no"};
	struct config config;
	char err[256] = "";

	(void)state;
	config_defaults(&config);
	set_ok(&config, "port", "9000");
	set_ok(&config, "timeout_ms", "700");
	assert_int_equal(apply(&config, ARGC(argv), argv, err, sizeof err), 0);
	assert_int_equal(config.port, 8080);
	assert_false(config.log_console);
	assert_int_equal(config.timeout_ms, 700);
}

static void test_command_line_bind_list_replaces_the_files_list(void **state)
{
	char *argv[] = {"cashdrawerd", "--bind", "127.0.0.1", "--bind=::1"};
	struct config config;
	char err[256] = "";

	(void)state;
	config_defaults(&config);
	set_ok(&config, "bind", "10.0.0.1, 10.0.0.2");
	assert_int_equal(apply(&config, ARGC(argv), argv, err, sizeof err), 0);
	assert_int_equal(config.bind_count, 2);
	assert_string_equal(config.bind[0], "127.0.0.1");
	assert_string_equal(config.bind[1], "::1");
}

static void test_files_bind_list_stays_when_the_command_line_has_none(void **state)
{
	char *argv[] = {"cashdrawerd", "--port", "8080"};
	struct config config;
	char err[256] = "";

	(void)state;
	config_defaults(&config);
	set_ok(&config, "bind", "10.0.0.1");
	assert_int_equal(apply(&config, ARGC(argv), argv, err, sizeof err), 0);
	assert_int_equal(config.bind_count, 1);
	assert_string_equal(config.bind[0], "10.0.0.1");
}

static void test_command_line_errors_start_with_the_flag(void **state)
{
	static const struct {
		const char *flag, *value, *expected;
	} cases[] = {
		{"--port", "abc", "--port: 'abc' is not a whole number (expected 0..65535)"},
		{"--timeout_ms", "5", "--timeout-ms: 5 is out of range (expected 100..60000)"},
		{"--pulse-on-ms", "51", "--pulse-on-ms: 51 ms is odd"},
		{"--bind", "localhost", "--bind: 'localhost' is not an IP address"},
		{"--log-console", "maybe", "--log-console: 'maybe' is not a boolean"},
		{"--printer", "usb://x", "--printer: printer URI 'usb://x': unknown scheme 'usb'"},
		{"--min-interval-ms", "-1", "--min-interval-ms: '-1' is not a whole number"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[] = {"cashdrawerd", (char *)cases[i].flag, (char *)cases[i].value};
		struct config config;
		char err[512] = "";

		config_defaults(&config);
		assert_int_equal(apply(&config, ARGC(argv), argv, err, sizeof err), -EINVAL);
		assert_starts_with(err, cases[i].expected);
	}
}

/* ---- INI files ---- */

struct temp_file {
	char path[64];
};

static void write_temp(struct temp_file *file, const char *text)
{
	int fd;
	size_t len = strlen(text);

	snprintf(file->path, sizeof file->path, "/tmp/cashdrawerd-test-XXXXXX");
	fd = mkstemp(file->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* Loads text as a file into config (from the defaults); returns the result, diag filled. */
static int load_text(struct config *config, const char *text, struct temp_file *file, char *diag,
		     size_t diagsize)
{
	int rc;

	write_temp(file, text);
	config_defaults(config);
	rc = config_load_file(config, file->path, diag, diagsize);
	unlink(file->path);
	return rc;
}

static void load_clean(struct config *config, const char *text)
{
	struct temp_file file;
	char diag[4096];

	if (load_text(config, text, &file, diag, sizeof diag) != 0)
		fail_msg("file not clean:\n%s", diag);
	assert_string_equal(diag, "");
}

struct problem {
	int line;
	const char *reason;
};

/* Expects -1 and exactly these problems, each as one "path:LINE: ...reason..." line (any order). */
static void expect_problems(const char *text, const struct problem *problems, size_t count)
{
	struct temp_file file;
	struct config config;
	char diag[8192];
	size_t lines = 0;

	assert_int_equal(load_text(&config, text, &file, diag, sizeof diag), -1);
	for (const char *c = diag; *c != '\0'; c++)
		if (*c == '\n')
			lines++;
	if (lines != count)
		fail_msg("expected %zu problems, got %zu:\n%s", count, lines, diag);
	assert_int_equal(diag[strlen(diag) - 1], '\n');
	for (size_t i = 0; i < count; i++) {
		char prefix[128];
		bool found = false;

		snprintf(prefix, sizeof prefix, "%s:%d: ", file.path, problems[i].line);
		for (const char *line = diag; *line != '\0'; line = strchr(line, '\n') + 1) {
			const char *end = strchr(line, '\n');
			char copy[1024];

			snprintf(copy, sizeof copy, "%.*s", (int)(end - line), line);
			if (strncmp(copy, prefix, strlen(prefix)) == 0 &&
			    strstr(copy, problems[i].reason) != NULL)
				found = true;
		}
		if (!found)
			fail_msg("no line \"%s...%s\" in:\n%s", prefix, problems[i].reason, diag);
	}
}

/* ---- security settings (see README, Security) ---- */

static void test_security_defaults_are_open_and_bounded(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	assert_int_equal(config.allowed_origins_count, 0);
	assert_int_equal(config.allowed_networks_count, 0);
	assert_string_equal(config.token, "");
	assert_int_equal(config.max_connections, 512);
	assert_int_equal(config.max_connections_per_ip, 32);
	assert_int_equal(config.connection_timeout_s, 30);
	assert_int_equal(config.request_timeout_s, 10);
}

static void test_allowed_origins_takes_a_list_of_origins(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "allowed_origins", "https://shop.odoo.com, http://10.0.0.5:8069");
	set_ok(&config, "allowed-origins", "chrome-extension://abcdefghijklmnopabcdefghijklmnop");
	assert_int_equal(config.allowed_origins_count, 3);
	assert_string_equal(config.allowed_origins[0], "https://shop.odoo.com");
	assert_string_equal(config.allowed_origins[1], "http://10.0.0.5:8069");
}

static void test_allowed_origins_takes_an_origin_of_200_characters(void **state)
{
	struct config config;
	char origin[210];

	(void)state;
	config_defaults(&config);
	memset(origin, 'a', sizeof origin);
	memcpy(origin, "https://", 8);
	memcpy(origin + 200 - 9, ".odoo.com", 9);
	origin[200] = '\0';
	set_ok(&config, "allowed_origins", origin);
	assert_string_equal(config.allowed_origins[0], origin);
}

static void test_allowed_origins_rejects_what_is_no_origin(void **state)
{
	(void)state;
	set_rejected("allowed_origins", "https://shop.odoo.com/pos/ui", "has a path");
	set_rejected("allowed_origins", "https://shop.odoo.com?x", "has a query");
	set_rejected("allowed_origins", "https://*.odoo.com", "wildcards are not supported");
	set_rejected("allowed_origins", "shop.odoo.com", "expected scheme://host[:port]");
	set_rejected("allowed_origins", "null", "opaque origin");
	set_rejected("allowed_origins", "*", "expected scheme://host[:port]");
	set_rejected("allowed_origins", "https://shop.odoo.com:99999", "port");
	set_rejected("allowed_origins", "https://shop.odoo.com,", "trailing comma");
}

static void test_allowed_networks_takes_v4_and_v6_networks(void **state)
{
	struct config config;

	(void)state;
	config_defaults(&config);
	set_ok(&config, "allowed_networks", "192.168.1.0/24, fd00::/8, 10.0.0.5");
	assert_int_equal(config.allowed_networks_count, 3);
	assert_string_equal(config.allowed_networks[1], "fd00::/8");
}

static void test_allowed_networks_rejects_bad_networks(void **state)
{
	(void)state;
	set_rejected("allowed_networks", "192.168.1.20/24", "did you mean 192.168.1.0/24?");
	set_rejected("allowed_networks", "192.168.1.0/33", "0..32");
	set_rejected("allowed_networks", "lan", "not an IP address or network");
}

static void test_token_is_empty_or_16_to_255_token_characters(void **state)
{
	struct config config;
	char long_token[300];

	(void)state;
	config_defaults(&config);
	set_ok(&config, "token", "0123456789abcdef");
	set_ok(&config, "token", "Zm9vYmFyLWJhei1xdXV4LTEyMw==");
	set_ok(&config, "token", "a-b.c_d~e+f/g0123");
	set_ok(&config, "token", "");
	assert_string_equal(config.token, "");
	set_rejected("token", "short", "16 to 255 characters (it has 5)");
	set_rejected("token", "0123456789abcdef ghij", "letters, digits");
	set_rejected("token", "0123456789abcdef\"", "letters, digits");
	set_rejected("token", "=0123456789abcdef", "letters, digits");
	set_rejected("token", "0123456789abcdef=x", "letters, digits");
	memset(long_token, 'a', 256);
	long_token[256] = '\0';
	set_rejected("token", long_token, "it has 256");
}

static void test_connection_limits_have_sane_ranges(void **state)
{
	(void)state;
	set_rejected("max_connections", "15", "out of range (expected 16..65536)");
	set_rejected("max_connections_per_ip", "0", "out of range (expected 1..65536)");
	set_rejected("connection_timeout_s", "0", "out of range (expected 1..3600)");
	set_rejected("request_timeout_s", "3601", "out of range (expected 1..3600)");
}

static void test_file_with_a_bad_origin_names_its_line(void **state)
{
	static const struct problem problems[] = {
		{3, "allowed_origins: 'https://shop.odoo.com/pos' has a path"},
		{4, "allowed_networks: '10.0.0.1/8' has host bits set"},
	};

	(void)state;
	expect_problems("[cashdrawerd]\nallowed_origins = http://10.0.0.5:8069\n"
			"  https://shop.odoo.com/pos\n"
			"allowed_networks = 10.0.0.1/8\n",
			problems, sizeof problems / sizeof problems[0]);
}

static void test_file_with_keys_at_the_top_is_applied(void **state)
{
	struct config config;

	(void)state;
	load_clean(&config, "port = 8080\nprinter = tcp://10.0.0.5:9100\nlog_console = off\n");
	assert_int_equal(config.port, 8080);
	assert_string_equal(config.printer, "tcp://10.0.0.5:9100");
	assert_false(config.log_console);
}

static void test_file_with_keys_under_cashdrawerd_is_applied(void **state)
{
	struct config config;

	(void)state;
	load_clean(&config, "timeout_ms = 700\n[cashdrawerd]\npin = 5\nbind = 127.0.0.1, ::1\n");
	assert_int_equal(config.timeout_ms, 700);
	assert_int_equal(config.pin, CONFIG_PIN_5);
	assert_int_equal(config.bind_count, 2);
}

static void test_file_keys_may_use_the_flag_spelling(void **state)
{
	struct config config;

	(void)state;
	load_clean(&config, "min-interval-ms = 0\n");
	assert_int_equal(config.min_interval_ms, 0);
}

/* issue 13: "token = ..." then, lower down, "token =" switched the token
 * off without a word; a list given twice was joined */
static void test_a_key_given_twice_is_refused_naming_both_lines(void **state)
{
	struct temp_file file;
	struct config config;
	char diag[1024];

	(void)state;
	expect_problems("token = 0123456789abcdef0123456789abcdef\n"
			"port = 8080\n"
			"token =\n",
			(const struct problem[]){{3, "token is already set on line 1 (a key may be "
						     "given once; remove one)"}},
			1);
	/* the second is not applied: the token stays on */
	assert_int_equal(load_text(&config, "token = 0123456789abcdef0123456789abcdef\ntoken =\n",
				   &file, diag, sizeof diag),
			 -1);
	assert_string_equal(config.token, "0123456789abcdef0123456789abcdef");
}

static void test_a_list_given_twice_is_refused_saying_to_use_commas(void **state)
{
	struct temp_file file;
	struct config config;
	char diag[1024];

	(void)state;
	expect_problems("bind = 127.0.0.1\nport = 0\nbind = ::1\n  ::2\n",
			(const struct problem[]){{3, "bind is already set on line 1 (a key may be "
						     "given once; put every item on that line, "
						     "separated by commas)"}},
			1);
	assert_int_equal(load_text(&config, "bind = 127.0.0.1\nbind = ::1\n  ::2\n", &file, diag,
				   sizeof diag),
			 -1);
	assert_int_equal(config.bind_count, 1);
}

static void test_a_key_is_the_same_key_in_either_spelling_and_either_place(void **state)
{
	(void)state;
	expect_problems("timeout_ms = 700\n[cashdrawerd]\ntimeout-ms = 800\n",
			(const struct problem[]){{3, "timeout_ms is already set on line 1"}}, 1);
	/* given once with a bad value, then again: both said */
	expect_problems("port = 70000\nport = 8080\n",
			(const struct problem[]){{1, "port: 70000 is out of range"},
						 {2, "port is already set on line 1"}},
			2);
}

static void test_a_list_goes_on_over_indented_lines_once_given(void **state)
{
	struct config config;

	(void)state;
	load_clean(&config, "bind = 127.0.0.1\n  ::1\n\t10.0.0.1, 10.0.0.2\nport = 0\n");
	assert_int_equal(config.bind_count, 4);
	assert_string_equal(config.bind[3], "10.0.0.2");
}

/* an indented line after a single value replaced it as silently */
static void test_an_indented_line_after_a_single_value_is_refused(void **state)
{
	struct temp_file file;
	struct config config;
	char diag[1024];

	(void)state;
	expect_problems("log_dir = /var/log/a\n\t/var/log/b\n",
			(const struct problem[]){{2, "log_dir takes a single value, given on line "
						     "1: an indented line would replace it (only a "
						     "list goes on over indented lines; remove this "
						     "line)"}},
			1);
	assert_int_equal(load_text(&config, "pin = 5\n  2\n", &file, diag, sizeof diag), -1);
	assert_int_equal(config.pin, CONFIG_PIN_5);
}

static void test_comments_blank_lines_and_inline_comments_are_ignored(void **state)
{
	struct config config;

	(void)state;
	load_clean(&config, "; cashdrawerd settings\n"
			    "# shop 12\n"
			    "\n"
			    "   \n"
			    "[cashdrawerd]\n"
			    "  ; indented comment\n"
			    "port = 8080 ; the till's port\n");
	assert_int_equal(config.port, 8080);
}

/* found by tests/fuzz/config_file.c: inih r55 kept " ; comment" in the value
 * of an indented line that continues a setting */
static void test_inline_comment_of_a_continuation_line_is_not_in_the_value(void **state)
{
	struct config config;

	(void)state;
	load_clean(&config, "allowed_networks = 192.168.1.0/24 ; shop\n"
			    "  10.0.0.0/8 ; office\n"
			    "\t172.16.0.0/12 ; the warehouse\n");
	assert_int_equal(config.allowed_networks_count, 3);
	assert_string_equal(config.allowed_networks[1], "10.0.0.0/8");
	assert_string_equal(config.allowed_networks[2], "172.16.0.0/12");
}

static void test_indented_setting_after_a_problem_is_a_setting_of_its_own(void **state)
{
	struct temp_file file;
	struct config config;
	char diag[1024];

	(void)state;
	/* inih alone would make "threads = 4" more of log_dir */
	assert_int_equal(load_text(&config, "log_dir = /var/log/a\ngarbage\n  threads = 4\n"
					    "[cashdrawerd]\n  port = 8080\n",
				   &file, diag, sizeof diag),
			 -1);
	assert_string_equal(config.log_dir, "/var/log/a");
	assert_int_equal(config.threads, 4);
	assert_int_equal(config.port, 8080);
	assert_contains(diag, ":2: not a setting");
	assert_null(strstr(diag, ":3:"));
}

static void test_empty_file_is_clean_and_changes_nothing(void **state)
{
	struct config config, defaults;

	(void)state;
	load_clean(&config, "");
	config_defaults(&defaults);
	assert_same_settings(&config, &defaults);
}

static void test_windows_line_endings_and_bom_are_accepted(void **state)
{
	struct config config;

	(void)state;
	load_clean(&config,
		   "\xEF\xBB\xBF; Notepad\r\n[cashdrawerd]\r\nport = 8080\r\nprinter = TICKET\r\n");
	assert_int_equal(config.port, 8080);
	assert_string_equal(config.printer, "TICKET");
	expect_problems("\xEF\xBB\xBF; Notepad\r\n\r\nport = 70000\r\n",
			(const struct problem[]){{3, "port: 70000 is out of range"}}, 1);
}

static void test_last_line_without_newline_is_read(void **state)
{
	struct config config;

	(void)state;
	load_clean(&config, "port = 1\nthreads = 4");
	assert_int_equal(config.threads, 4);
	expect_problems("port = 1\nthreads = 65", (const struct problem[]){{2, "threads: "}}, 1);
}

static void test_unknown_section_is_reported_on_its_key_lines(void **state)
{
	struct temp_file file;
	struct config config, defaults;
	char diag[2048];

	(void)state;
	expect_problems("[cashdrawerd]\nport = 1\n\n[printer]\nport = 2\n",
			(const struct problem[]){
				{5, "section [printer] is unknown (settings go at the top or under "
				    "[cashdrawerd])"},
			},
			1);
	/* its settings are not applied */
	assert_int_equal(load_text(&config, "[server]\nport = 2\n", &file, diag, sizeof diag), -1);
	config_defaults(&defaults);
	assert_int_equal(config.port, defaults.port);
}

/* ---- retired settings ---- */

#define LOG_JOURNAL_IGNORED                                                                 \
	"Réglage log_journal ignoré : il n'existe plus ; sous systemd, les lignes vont "    \
	"d'elles-mêmes au journal, avec leur priorité, par la sortie d'erreur (log_console) ; " \
	"retirez-le des réglages\n"

static void test_a_retired_setting_is_accepted_whatever_its_value_and_warned_once(void **state)
{
	static const char *const values[] = {"auto", "true", "false", "", "maybe"};
	struct config config, defaults;
	char warnings[1024];

	(void)state;
	config_defaults(&defaults);
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		config_defaults(&config);
		config_retired_warnings(&config, warnings, sizeof warnings);
		assert_string_equal(warnings, "");
		set_ok(&config, "log_journal", values[i]);
		set_ok(&config, "log-journal", values[i]);
		assert_same_settings(&config, &defaults);
		config_retired_warnings(&config, warnings, sizeof warnings);
		assert_string_equal(warnings, LOG_JOURNAL_IGNORED);
	}
}

#define READ_BACK_IGNORED                                                                   \
	"Réglage read_back ignoré : il n'existe plus ; une ouverture répond dès que "       \
	"l'imprimante a l'impulsion ; le client qui veut l'état du tiroir relu après "      \
	"l'impulsion le demande à chaque requête (GET /open-cash-drawer?read_back=true) ; "  \
	"retirez-le des réglages\n"

/* read_back (true by default until 0.x) is now asked per request. */
static void test_read_back_is_retired_and_its_warning_names_the_query_parameter(void **state)
{
	struct config config, defaults;
	char warnings[1024];

	(void)state;
	assert_null(config_find("read_back"));
	config_defaults(&defaults);
	load_clean(&config, "[cashdrawerd]\nread_back = true\nlog_journal = auto\n");
	assert_same_settings(&config, &defaults);
	config_retired_warnings(&config, warnings, sizeof warnings);
	assert_string_equal(warnings, LOG_JOURNAL_IGNORED READ_BACK_IGNORED);
}

static void test_a_retired_setting_is_not_an_option_and_not_in_help(void **state)
{
	static char usage[16384];

	(void)state;
	assert_null(config_find("log_journal"));
	assert_non_null(config_find_retired("log_journal"));
	assert_null(config_find_retired("log_dir"));
	assert_null(config_find_retired("colour"));
	config_usage(usage, sizeof usage, "cashdrawerd");
	assert_null(strstr(usage, "journal"));
}

static void test_a_retired_setting_in_a_file_or_on_the_command_line_is_no_problem(void **state)
{
	char *argv[] = {"cashdrawerd", "--log-journal", "true", "--port", "8080"};
	struct config_args args;
	struct config config;
	char err[512], warnings[1024];

	(void)state;
	load_clean(&config, "[cashdrawerd]\nlog_journal = auto\nport = 1\n");
	assert_int_equal(config.port, 1);
	config_retired_warnings(&config, warnings, sizeof warnings);
	assert_string_equal(warnings, LOG_JOURNAL_IGNORED);

	assert_int_equal(config_parse_args(ARGC(argv), argv, &args, err, sizeof err), 0);
	config_defaults(&config);
	assert_int_equal(config_apply_args(&config, &args, err, sizeof err), 0);
	assert_int_equal(config.port, 8080);
	config_retired_warnings(&config, warnings, sizeof warnings);
	assert_string_equal(warnings, LOG_JOURNAL_IGNORED);
}

static void test_unknown_key_is_reported_with_its_line(void **state)
{
	(void)state;
	expect_problems("port = 1\n\ncolour = red\n",
			(const struct problem[]){{3, "colour: unknown setting 'colour'"}}, 1);
}

static void test_bad_value_is_reported_with_key_and_reason(void **state)
{
	(void)state;
	expect_problems(
		"# till 3\n[cashdrawerd]\npulse_on_ms = 51\n",
		(const struct problem[]){{3, "pulse_on_ms: 51 ms is odd; ESC p counts in 2 ms "
					     "units (use 50 or 52)"}},
		1);
	expect_problems("log_dir =\n", (const struct problem[]){{1, "log_dir: must not be empty"}},
			1);
}

static void test_line_that_is_not_a_setting_is_reported_with_its_line(void **state)
{
	(void)state;
	expect_problems("; settings\n\nport = 1\nopen the drawer\n",
			(const struct problem[]){{4, "not a setting (expected 'key = value', "
						     "'[cashdrawerd]' or a comment)"}},
			1);
	expect_problems("[cashdrawerd\n", (const struct problem[]){{1, "not a setting"}}, 1);
}

static void test_every_problem_of_a_file_is_reported_with_its_exact_line(void **state)
{
	(void)state;
	expect_problems("; cashdrawerd.ini\n"	  /* 1 */
			"\n"			  /* 2 */
			"port = 70000\n"	  /* 3 */
			"# the printer\n"	  /* 4 */
			"printer = usb://EPSON\n" /* 5 */
			"\n"			  /* 6 */
			"[cashdrawerd]\n"	  /* 7 */
			"colour = red\n"	  /* 8 */
			"; next is fine\n"	  /* 9 */
			"threads = 4\n"		  /* 10 */
			"bind = localhost\n"	  /* 11 */
			"[other]\n"		  /* 12 */
			"pin = 5\n",		  /* 13 */
			(const struct problem[]){
				{3, "port: 70000 is out of range"},
				{5, "printer: printer URI 'usb://EPSON': unknown scheme 'usb'"},
				{8, "colour: unknown setting"},
				{11, "bind: 'localhost' is not an IP address"},
				{13, "section [other] is unknown"},
			},
			5);
}

static void test_every_line_that_is_not_a_setting_is_reported(void **state)
{
	(void)state;
	expect_problems("port = 1\n"	 /* 1 */
			"garbage\n"	 /* 2 */
			"; comment\n"	 /* 3 */
			"more garbage\n" /* 4 */
			"pin = 3\n",	 /* 5 */
			(const struct problem[]){
				{2, "not a setting"},
				{4, "not a setting"},
				{5, "pin: 3 is not a drawer pin"},
			},
			3);
}

static void test_comment_longer_than_200_characters_is_not_a_problem(void **state)
{
	char text[512];
	struct config config;

	(void)state;
	snprintf(text, sizeof text, "; %0300d\nport = 8080\n", 0);
	load_clean(&config, text);
	assert_int_equal(config.port, 8080);
}

/* The longest value each option takes (distinct list items), into buf. */
static void longest_value(const struct config_option *option, char *buf, size_t size)
{
	const char *name = option->name;

	if (option->type == CONFIG_UINT) {
		snprintf(buf, size, "%u", option->max);
	} else if (option->type == CONFIG_BOOL) {
		snprintf(buf, size, "false");
	} else if (option->type == CONFIG_LIST) {
		size_t used = 0;

		for (int i = 0; i < CONFIG_LIST_MAX; i++) {
			const char *separator = i > 0 ? ", " : "";

			if (strcmp(name, "allowed_origins") == 0) {
				/* "https://" + host + ":65535": CONFIG_LIST_ITEM_MAX - 1 */
				used += (size_t)snprintf(buf + used, size - used, "%shttps://%02d%0*d:65535",
							 separator, i, CONFIG_LIST_ITEM_MAX - 1 - 8 - 2 - 6, 0);
			} else if (strcmp(name, "bind") == 0) {
				used += (size_t)snprintf(buf + used, size - used,
							 "%s[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2%02d]",
							 separator, i);
			} else {
				assert_string_equal(name, "allowed_networks");
				used += (size_t)snprintf(buf + used, size - used,
							 "%sffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2%02d/128",
							 separator, i);
			}
			assert_true(used < size);
		}
	} else if (strcmp(name, "token") == 0) {
		memset(buf, 'T', 255);
		buf[255] = '\0';
	} else if (strcmp(name, "printer") == 0) {
		/* file: and a path of PRINTER_URI_PATH_MAX - 1 */
		snprintf(buf, size, "file:/%0*d", CONFIG_STRING_MAX - 1 - 6, 0);
	} else if (option->check == NULL || strcmp(name, "log_dir") == 0 ||
		   strncmp(name, "tls_", 4) == 0) {
		memset(buf, 'L', CONFIG_STRING_MAX - 1); /* log_dir, syslog_host, tls_cert, tls_key */
		buf[CONFIG_STRING_MAX - 1] = '\0';
	} else {
		/* a choice: its longest word */
		const char *word = option->metavar, *longest = NULL;
		size_t longest_length = 0;

		assert_int_equal(option->type, CONFIG_ENUM);
		while (word != NULL) {
			size_t length = strcspn(word, "|");

			if (length > longest_length) {
				longest = word;
				longest_length = length;
			}
			word = word[length] == '|' ? word + length + 1 : NULL;
		}
		snprintf(buf, size, "%.*s", (int)longest_length, longest);
	}
}

/* issue 13: lines over 198 characters were refused, though a token may have
 * 255 and a list many items: the longest valid line of every option is read,
 * whole, and the longest of all is what CONFIG_LINE_MAX allows. */
static void test_the_longest_valid_line_of_every_option_is_read(void **state)
{
	static char value[CONFIG_LINE_MAX + 64], text[CONFIG_LINE_MAX + 128];
	size_t longest = 0;

	(void)state;
	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];
		struct config config, direct;
		char err[512];
		size_t line;

		assert_true(strlen(option->name) < CONFIG_NAME_MAX);
		longest_value(option, value, sizeof value);
		config_defaults(&direct);
		if (config_set(&direct, option->name, value, err, sizeof err) != 0)
			fail_msg("%s: the longest value is not valid: %s", option->name, err);
		/* Notepad's byte order mark and line ends do not count */
		snprintf(text, sizeof text, "\xEF\xBB\xBF%s = %s\r\n", option->name, value);
		line = strlen(text) - 5;
		assert_true(line <= CONFIG_LINE_MAX);
		if (line > longest)
			longest = line;
		load_clean(&config, text);
		assert_same_settings(&config, &direct);
	}
	/* the limit is the longest valid line, give or take a longer key */
	assert_true(longest + CONFIG_NAME_MAX > CONFIG_LINE_MAX);
}

/* A longer line cannot be valid: reported with its line, never cut, and the
 * lines after it still count. */
static void test_line_longer_than_the_longest_valid_line_is_reported(void **state)
{
	static char text[CONFIG_LINE_MAX + 128];
	char reason[64];
	int used;

	(void)state;
	used = snprintf(text, sizeof text, "allowed_networks = 10.0.0.0/8");
	memset(text + used, ' ', (size_t)(CONFIG_LINE_MAX + 1 - used));
	snprintf(text + CONFIG_LINE_MAX + 1, sizeof text - CONFIG_LINE_MAX - 1,
		 ",\nport = 8080\npin = 4\n");
	snprintf(reason, sizeof reason, "line longer than %d characters (shorten it)",
		 CONFIG_LINE_MAX);
	expect_problems(text,
			(const struct problem[]){
				{1, reason},
				{3, "pin: 4 is not a drawer pin"},
			},
			2);
	/* one character less is a line (its trailing comma, an empty item) */
	text[CONFIG_LINE_MAX - 1] = ',';
	text[CONFIG_LINE_MAX] = '\n';
	expect_problems(text,
			(const struct problem[]){
				{1, "allowed_networks: empty item in list"},
				{2, "not a setting"},
				{4, "pin: 4 is not a drawer pin"},
			},
			3);
}

static void write_temp_bytes(struct temp_file *file, const void *bytes, size_t size)
{
	int fd;

	snprintf(file->path, sizeof file->path, "/tmp/cashdrawerd-test-XXXXXX");
	fd = mkstemp(file->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, size), (ssize_t)size);
	close(fd);
}

/* issue 13: a NUL byte was reported as "line longer than 198 characters" */
static void test_a_nul_byte_is_reported_as_such_on_its_line(void **state)
{
	static const char text[] = "port = 8080\n\nthreads = 4\0 8\npin = 4\n";
	/* "port = 1" and "pin = 5" as Notepad's "Unicode" (UTF-16) saves them */
	static const char utf16[] = "\xFF\xFEp\0o\0r\0t\0 \0=\0 \0001\0\r\0\n\0"
				    "p\0i\0n\0 \0=\0 \0005\0\r\0\n\0";
	struct temp_file file;
	struct config config, defaults;
	char diag[1024], expected[1024];
	int rc;

	(void)state;
	write_temp_bytes(&file, text, sizeof text - 1);
	config_defaults(&config);
	rc = config_load_file(&config, file.path, diag, sizeof diag);
	snprintf(expected, sizeof expected,
		 "%s:3: NUL byte (0x00) in the file: is it a text file? save it as UTF-8 text\n"
		 "%s:4: pin: 4 is not a drawer pin (2, or 5 for a second drawer, or both)\n",
		 file.path, file.path);
	unlink(file.path);
	assert_int_equal(rc, -1);
	assert_string_equal(diag, expected);
	config_defaults(&defaults);
	assert_int_equal(config.port, 8080);
	assert_int_equal(config.threads, defaults.threads); /* not "4" cut at the NUL */

	/* once: every line of a UTF-16 file has some */
	write_temp_bytes(&file, utf16, sizeof utf16 - 1);
	rc = config_load_file(&config, file.path, diag, sizeof diag);
	snprintf(expected, sizeof expected,
		 "%s:1: NUL byte (0x00) in the file: is it a text file? save it as UTF-8 text\n",
		 file.path);
	unlink(file.path);
	assert_int_equal(rc, -1);
	assert_string_equal(diag, expected);
}

static void test_missing_file_returns_minus_enoent_and_says_so(void **state)
{
	struct config config;
	char diag[512];

	(void)state;
	config_defaults(&config);
	assert_int_equal(
		config_load_file(&config, "/nonexistent/cashdrawerd.ini", diag, sizeof diag),
		-ENOENT);
	assert_contains(diag, "/nonexistent/cashdrawerd.ini: cannot read");
}

static void test_directory_given_as_the_file_is_refused_as_a_folder(void **state)
{
	struct config config;
	char dir[] = "/tmp/cashdrawerd-test-dir-XXXXXX";
	char diag[512] = "", expected[512];
	int rc;

	(void)state;
	assert_non_null(mkdtemp(dir));
	config_defaults(&config);
	rc = config_load_file(&config, dir, diag, sizeof diag);
	rmdir(dir);
	assert_int_equal(rc, -EISDIR);
	snprintf(expected, sizeof expected,
		 "%s: cannot read: a folder, not a settings file (give the path of an INI file)\n",
		 dir);
	assert_string_equal(diag, expected);
}

/* issue 13: --config /dev/zero read on forever, a pipe blocked */
static void test_a_device_or_a_pipe_is_refused_without_reading_it(void **state)
{
	char dir[] = "/tmp/cashdrawerd-test-dir-XXXXXX", fifo[64];
	struct config config;
	char diag[512] = "";
	int rc;

	(void)state;
	config_defaults(&config);
	assert_int_equal(config_load_file(&config, "/dev/zero", diag, sizeof diag), -EINVAL);
	assert_string_equal(diag, "/dev/zero: cannot read: a device, not a settings file (give the "
				  "path of an INI file)\n");

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof fifo, "%s/cashdrawerd.ini", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	rc = config_load_file(&config, fifo, diag, sizeof diag); /* no writer: would block */
	unlink(fifo);
	rmdir(dir);
	assert_int_equal(rc, -EINVAL);
	assert_contains(diag, "cashdrawerd.ini: cannot read: a pipe, not a settings file");
}

/* Comment lines up to CONFIG_FILE_MAX bytes in all, then one byte more. */
static void test_a_file_over_1_mib_is_refused_and_1_mib_is_read(void **state)
{
	static char text[CONFIG_FILE_MAX + 1];
	struct temp_file file;
	struct config config;
	char diag[512], expected[512];
	int rc;

	(void)state;
	assert_int_equal(CONFIG_FILE_MAX, 1024 * 1024);
	memset(text, ';', sizeof text);
	for (size_t i = 99; i < sizeof text; i += 100)
		text[i] = '\n';
	write_temp_bytes(&file, text, CONFIG_FILE_MAX);
	config_defaults(&config);
	rc = config_load_file(&config, file.path, diag, sizeof diag);
	unlink(file.path);
	assert_int_equal(rc, 0);

	write_temp_bytes(&file, text, CONFIG_FILE_MAX + 1);
	rc = config_load_file(&config, file.path, diag, sizeof diag);
	snprintf(expected, sizeof expected,
		 "%s: cannot read: larger than 1 MiB, which no settings file is (is it the right "
		 "file?)\n",
		 file.path);
	unlink(file.path);
	assert_int_equal(rc, -EFBIG);
	assert_string_equal(diag, expected);
}

static void test_diagnostics_are_cut_to_a_small_buffer(void **state)
{
	struct temp_file file;
	struct config config;
	const size_t size = 48;
	char *diag = malloc(size);

	(void)state;
	assert_non_null(diag);
	assert_int_equal(
		load_text(&config, "port = x\nport = y\nport = z\ngarbage\n", &file, diag, size),
		-1);
	assert_true(strlen(diag) < size);
	assert_starts_with(diag, file.path);
	free(diag);
}

/* ---- --help ---- */

static void test_usage_names_the_program_and_every_option_flag(void **state)
{
	char buf[8192];

	(void)state;
	config_usage(buf, sizeof buf, "cashdrawerd");
	assert_starts_with(buf, "Usage: cashdrawerd ");
	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];
		char flag[96], with_metavar[160];

		snprintf(flag, sizeof flag, "--");
		dash_spelling(option->name, flag + 2, sizeof flag - 2);
		snprintf(with_metavar, sizeof with_metavar, "%s %s\n", flag, option->metavar);
		assert_contains(buf, with_metavar);
		assert_contains(buf, option->help);
		if (option->default_value[0] != '\0') {
			char with_default[64];

			snprintf(with_default, sizeof with_default, "[default: %s]",
				 option->default_value);
			assert_contains(buf, with_default);
		}
	}
	assert_contains(buf, "--config FILE");
	assert_contains(buf, "--check-config");
	assert_contains(buf, "--help");
	assert_contains(buf, "--version");
}

static void test_usage_is_cut_to_a_small_buffer(void **state)
{
	char full[8192];

	(void)state;
	config_usage(full, sizeof full, "cashdrawerd");
	for (size_t size = 1; size < 300; size += 37) {
		char *buf = malloc(size);

		assert_non_null(buf);
		config_usage(buf, size, "cashdrawerd");
		assert_int_equal(strlen(buf), size - 1);
		assert_memory_equal(buf, full, size - 1);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_match_the_documented_table),
		cmocka_unit_test(test_every_default_value_is_accepted_by_config_set),
		cmocka_unit_test(test_defaults_pass_validation),
		cmocka_unit_test(test_option_names_are_unique_ini_keys),
		cmocka_unit_test(test_every_option_is_found_by_its_key_and_by_its_flag_spelling),
		cmocka_unit_test(test_config_find_accepts_underscore_and_dash_spellings),
		cmocka_unit_test(test_config_find_returns_null_for_unknown_names),
		cmocka_unit_test(test_setting_an_unknown_name_is_rejected_pointing_to_help),
		cmocka_unit_test(test_whole_numbers_accept_plain_digits_only),
		cmocka_unit_test(test_whole_number_with_leading_zeros_is_its_value),
		cmocka_unit_test(test_every_whole_number_option_accepts_exactly_its_table_range),
		cmocka_unit_test(test_documented_ranges_of_whole_numbers),
		cmocka_unit_test(test_port_0_means_any_free_port_and_is_accepted),
		cmocka_unit_test(test_pin_accepts_only_2_5_and_both),
		cmocka_unit_test(test_pin_out_of_range_message_says_2_or_5),
		cmocka_unit_test(test_odd_pulse_times_are_rejected_suggesting_the_even_neighbours),
		cmocka_unit_test(test_pulse_times_outside_2_to_510_are_rejected),
		cmocka_unit_test(test_kick_is_esc_p_by_default_or_realtime),
		cmocka_unit_test(test_realtime_kick_ignores_the_esc_p_timings),
		cmocka_unit_test(test_drawer_open_level_is_high_or_low),
		cmocka_unit_test(test_status_cache_and_timeout_have_sane_bounds),
		cmocka_unit_test(test_booleans_accept_true_yes_on_1_and_false_no_off_0),
		cmocka_unit_test(test_other_boolean_spellings_are_rejected),
		cmocka_unit_test(test_printer_is_checked_as_a_printer_uri),
		cmocka_unit_test(test_log_dir_must_not_be_empty),
		cmocka_unit_test(test_string_of_1023_characters_is_accepted_and_1024_rejected),
		cmocka_unit_test(test_bind_takes_one_address),
		cmocka_unit_test(test_bind_splits_on_commas_and_trims_spaces),
		cmocka_unit_test(test_bind_appends_on_each_set),
		cmocka_unit_test(test_bind_accepts_ipv6_with_or_without_brackets),
		cmocka_unit_test(test_empty_bind_value_adds_no_address),
		cmocka_unit_test(test_bind_rejects_host_names),
		cmocka_unit_test(test_bind_rejects_a_port_and_says_where_the_port_goes),
		cmocka_unit_test(test_bind_rejects_an_empty_item),
		cmocka_unit_test(test_bind_rejects_a_trailing_comma_as_an_empty_item),
		cmocka_unit_test(test_bind_takes_16_addresses_and_rejects_a_17th),
		cmocka_unit_test(test_bind_rejects_an_item_of_64_characters),
		cmocka_unit_test(test_config_clear_empties_a_list_and_leaves_other_settings),
		cmocka_unit_test(test_validate_rejects_a_kick_that_is_not_valid),
		cmocka_unit_test(test_no_arguments_means_run_with_the_defaults),
		cmocka_unit_test(test_help_and_h_ask_for_help),
		cmocka_unit_test(test_version_asks_for_the_version),
		cmocka_unit_test(test_check_config_keeps_the_other_arguments),
		cmocka_unit_test(test_config_file_is_given_as_two_words_or_with_equals),
		cmocka_unit_test(test_options_are_given_as_two_words_or_with_equals),
		cmocka_unit_test(test_every_option_has_a_flag),
		cmocka_unit_test(test_an_empty_value_after_equals_is_a_value),
		cmocka_unit_test(test_option_without_its_value_is_rejected),
		cmocka_unit_test(test_unknown_option_is_rejected_pointing_to_help),
		cmocka_unit_test(test_unknown_option_last_on_the_line_is_reported_unknown),
		cmocka_unit_test(test_positional_argument_is_rejected),
		cmocka_unit_test(test_very_long_option_name_is_rejected_without_overflow),
		cmocka_unit_test(test_at_most_64_options_are_taken),
		cmocka_unit_test(test_parse_args_leaves_argv_unchanged),
		cmocka_unit_test(test_command_line_value_overrides_the_file),
		cmocka_unit_test(test_command_line_bind_list_replaces_the_files_list),
		cmocka_unit_test(test_files_bind_list_stays_when_the_command_line_has_none),
		cmocka_unit_test(test_command_line_errors_start_with_the_flag),
		cmocka_unit_test(test_file_with_keys_at_the_top_is_applied),
		cmocka_unit_test(test_file_with_keys_under_cashdrawerd_is_applied),
		cmocka_unit_test(test_file_keys_may_use_the_flag_spelling),
		cmocka_unit_test(test_a_key_given_twice_is_refused_naming_both_lines),
		cmocka_unit_test(test_a_list_given_twice_is_refused_saying_to_use_commas),
		cmocka_unit_test(test_a_key_is_the_same_key_in_either_spelling_and_either_place),
		cmocka_unit_test(test_a_list_goes_on_over_indented_lines_once_given),
		cmocka_unit_test(test_an_indented_line_after_a_single_value_is_refused),
		cmocka_unit_test(test_comments_blank_lines_and_inline_comments_are_ignored),
		cmocka_unit_test(test_inline_comment_of_a_continuation_line_is_not_in_the_value),
		cmocka_unit_test(test_indented_setting_after_a_problem_is_a_setting_of_its_own),
		cmocka_unit_test(test_empty_file_is_clean_and_changes_nothing),
		cmocka_unit_test(test_windows_line_endings_and_bom_are_accepted),
		cmocka_unit_test(test_last_line_without_newline_is_read),
		cmocka_unit_test(test_unknown_section_is_reported_on_its_key_lines),
		cmocka_unit_test(test_unknown_key_is_reported_with_its_line),
		cmocka_unit_test(test_a_retired_setting_is_accepted_whatever_its_value_and_warned_once),
		cmocka_unit_test(test_read_back_is_retired_and_its_warning_names_the_query_parameter),
		cmocka_unit_test(test_a_retired_setting_is_not_an_option_and_not_in_help),
		cmocka_unit_test(test_a_retired_setting_in_a_file_or_on_the_command_line_is_no_problem),
		cmocka_unit_test(test_bad_value_is_reported_with_key_and_reason),
		cmocka_unit_test(test_line_that_is_not_a_setting_is_reported_with_its_line),
		cmocka_unit_test(test_every_problem_of_a_file_is_reported_with_its_exact_line),
		cmocka_unit_test(test_every_line_that_is_not_a_setting_is_reported),
		cmocka_unit_test(test_comment_longer_than_200_characters_is_not_a_problem),
		cmocka_unit_test(test_the_longest_valid_line_of_every_option_is_read),
		cmocka_unit_test(test_line_longer_than_the_longest_valid_line_is_reported),
		cmocka_unit_test(test_a_nul_byte_is_reported_as_such_on_its_line),
		cmocka_unit_test(test_missing_file_returns_minus_enoent_and_says_so),
		cmocka_unit_test(test_directory_given_as_the_file_is_refused_as_a_folder),
		cmocka_unit_test(test_a_device_or_a_pipe_is_refused_without_reading_it),
		cmocka_unit_test(test_a_file_over_1_mib_is_refused_and_1_mib_is_read),
		cmocka_unit_test(test_diagnostics_are_cut_to_a_small_buffer),
		cmocka_unit_test(test_usage_names_the_program_and_every_option_flag),
		cmocka_unit_test(test_usage_is_cut_to_a_small_buffer),
		cmocka_unit_test(test_security_defaults_are_open_and_bounded),
		cmocka_unit_test(test_allowed_origins_takes_a_list_of_origins),
		cmocka_unit_test(test_allowed_origins_takes_an_origin_of_200_characters),
		cmocka_unit_test(test_allowed_origins_rejects_what_is_no_origin),
		cmocka_unit_test(test_allowed_networks_takes_v4_and_v6_networks),
		cmocka_unit_test(test_allowed_networks_rejects_bad_networks),
		cmocka_unit_test(test_token_is_empty_or_16_to_255_token_characters),
		cmocka_unit_test(test_connection_limits_have_sane_ranges),
		cmocka_unit_test(test_file_with_a_bad_origin_names_its_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
