/* Unit tests of the rotating log: line format and escaping, archive names,
 * dates, retention choice, local midnights (Europe/Paris DST), and the file
 * itself in a temporary folder. Real-time midnight rotation is tested end to
 * end with faketime. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log/rotlog.h"
#include "logfiles.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define HOUR 3600

/* ---- helpers ---- */

static struct tm make_tm(int year, int month, int day, int hour, int minute, int second)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	return tm;
}

static time_t utc(int year, int month, int day, int hour, int minute, int second)
{
	struct tm tm = make_tm(year, month, day, hour, minute, second);

	return timegm(&tm);
}

/* The message part of a line formatted with a roomy buffer, INFO level. */
static const char *escaped(const char *message)
{
	static char line[ROTLOG_LINE_MAX];
	static const char prefix[] = "2025-02-01 14:22:31,123 - INFO - ";
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	size_t length = rotlog_format_line(line, sizeof line, &tm, 123, ROTLOG_INFO, message);

	assert_true(length >= sizeof prefix);
	assert_memory_equal(line, prefix, sizeof prefix - 1);
	assert_int_equal(line[length - 1], '\n');
	line[length - 1] = '\0';
	return line + sizeof prefix - 1;
}

/* True when s (length bytes) is printable ASCII and valid UTF-8 only, with
 * no C1 control and no U+2028/U+2029. */
static bool is_clean_text(const unsigned char *s, size_t length)
{
	size_t i = 0;

	while (i < length) {
		unsigned char c = s[i];
		unsigned long code;
		size_t n = 0, k;

		if (c < 0x80)
			n = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4;

		if (n == 0 || i + n > length)
			return false;
		if (n == 1) {
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			continue;
		}
		code = c & (0xff >> (n + 1));
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			code = (code << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && code < 0x80) || (n == 3 && code < 0x800) || (n == 4 && code < 0x10000) ||
		    (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff || code < 0xa0 ||
		    code == 0x2028 || code == 0x2029)
			return false;
		i += n;
	}
	return true;
}

/* "YYYY-MM-DD HH:MM:SS,mmm - LEVEL - message\n", digits checked one by one. */
static bool line_matches(const char *line, size_t length, const char *level, const char *message)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd,ddd - ";
	size_t prefix = sizeof shape - 1, i;
	char expected[ROTLOG_LINE_MAX + 64];

	if (length < prefix)
		return false;
	for (i = 0; i < prefix; i++) {
		if (shape[i] == 'd' ? line[i] < '0' || line[i] > '9' : line[i] != shape[i])
			return false;
	}
	snprintf(expected, sizeof expected, "%s - %s\n", level, message);
	return length - prefix == strlen(expected) && memcmp(line + prefix, expected, length - prefix) == 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Noon of the local day days away from now (negative: in the past). */
static time_t local_noon(int days)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_mday += days;
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* ---- level names ---- */

static void test_level_names_are_those_of_python_logging(void **state)
{
	(void)state;
	assert_string_equal(rotlog_level_name(ROTLOG_DEBUG), "DEBUG");
	assert_string_equal(rotlog_level_name(ROTLOG_INFO), "INFO");
	assert_string_equal(rotlog_level_name(ROTLOG_WARNING), "WARNING");
	assert_string_equal(rotlog_level_name(ROTLOG_ERROR), "ERROR");
}

static void test_unknown_level_is_named_unknown(void **state)
{
	(void)state;
	assert_string_equal(rotlog_level_name((enum rotlog_level)42), "UNKNOWN");
	assert_string_equal(rotlog_level_name((enum rotlog_level)-1), "UNKNOWN");
}

/* ---- line format ---- */

static void test_line_has_comma_milliseconds_and_level(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	char line[256];
	size_t length = rotlog_format_line(line, sizeof line, &tm, 123, ROTLOG_INFO, "message");

	(void)state;
	assert_string_equal(line, "2025-02-01 14:22:31,123 - INFO - message\n");
	assert_int_equal(length, strlen(line));
}

static void test_every_level_name_appears_between_dashes(void **state)
{
	static const struct {
		enum rotlog_level level;
		const char *line;
	} cases[] = {
		{ROTLOG_DEBUG, "2025-02-01 14:22:31,123 - DEBUG - m\n"},
		{ROTLOG_INFO, "2025-02-01 14:22:31,123 - INFO - m\n"},
		{ROTLOG_WARNING, "2025-02-01 14:22:31,123 - WARNING - m\n"},
		{ROTLOG_ERROR, "2025-02-01 14:22:31,123 - ERROR - m\n"},
	};
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	char line[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		rotlog_format_line(line, sizeof line, &tm, 123, cases[i].level, "m");
		assert_string_equal(line, cases[i].line);
	}
}

static void test_all_fields_are_zero_padded(void **state)
{
	struct tm tm = make_tm(2025, 1, 2, 3, 4, 5);
	char line[256];

	(void)state;
	rotlog_format_line(line, sizeof line, &tm, 7, ROTLOG_ERROR, "x");
	assert_string_equal(line, "2025-01-02 03:04:05,007 - ERROR - x\n");
	rotlog_format_line(line, sizeof line, &tm, 0, ROTLOG_ERROR, "x");
	assert_string_equal(line, "2025-01-02 03:04:05,000 - ERROR - x\n");
	rotlog_format_line(line, sizeof line, &tm, 999, ROTLOG_ERROR, "x");
	assert_string_equal(line, "2025-01-02 03:04:05,999 - ERROR - x\n");
}

static void test_last_second_of_the_year_and_leap_second(void **state)
{
	struct tm tm = make_tm(2024, 12, 31, 23, 59, 60);
	char line[256];

	(void)state;
	rotlog_format_line(line, sizeof line, &tm, 999, ROTLOG_INFO, "leap");
	assert_string_equal(line, "2024-12-31 23:59:60,999 - INFO - leap\n");
}

static void test_out_of_range_fields_are_clamped_to_keep_the_prefix_fixed_width(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	char line[256];

	(void)state;
	rotlog_format_line(line, sizeof line, &tm, 1000, ROTLOG_INFO, "x");
	assert_string_equal(line, "2025-02-01 14:22:31,999 - INFO - x\n");
	rotlog_format_line(line, sizeof line, &tm, -5, ROTLOG_INFO, "x");
	assert_string_equal(line, "2025-02-01 14:22:31,000 - INFO - x\n");
	tm.tm_year = 2147483647; /* would overflow + 1900 */
	tm.tm_mon = 40;
	tm.tm_mday = -3;
	tm.tm_hour = 99;
	tm.tm_min = -1;
	tm.tm_sec = 77;
	rotlog_format_line(line, sizeof line, &tm, 5, ROTLOG_INFO, "x");
	assert_string_equal(line, "9999-12-01 23:00:60,005 - INFO - x\n");
}

static void test_empty_and_null_messages_give_an_empty_message(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	char line[256];

	(void)state;
	assert_int_equal(rotlog_format_line(line, sizeof line, &tm, 1, ROTLOG_INFO, ""), 34);
	assert_string_equal(line, "2025-02-01 14:22:31,001 - INFO - \n");
	assert_int_equal(rotlog_format_line(line, sizeof line, &tm, 1, ROTLOG_INFO, NULL), 34);
	assert_string_equal(line, "2025-02-01 14:22:31,001 - INFO - \n");
}

static void test_buffer_below_64_bytes_or_null_tm_gives_empty_string(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	char line[64];

	(void)state;
	memset(line, 'z', sizeof line);
	assert_int_equal(rotlog_format_line(line, 63, &tm, 1, ROTLOG_INFO, "m"), 0);
	assert_int_equal(line[0], '\0');
	memset(line, 'z', sizeof line);
	assert_int_equal(rotlog_format_line(line, sizeof line, NULL, 1, ROTLOG_INFO, "m"), 0);
	assert_int_equal(line[0], '\0');
	assert_int_equal(rotlog_format_line(NULL, 100, &tm, 1, ROTLOG_INFO, "m"), 0);
	assert_int_equal(rotlog_format_line(line, 0, &tm, 1, ROTLOG_INFO, "m"), 0);
}

static void test_message_that_exactly_fits_is_not_cut(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	char line[64], message[64];
	size_t length;

	(void)state;
	/* 33 bytes of prefix + 29 + '\n' + NUL = 64 */
	memset(message, 'a', 29);
	message[29] = '\0';
	length = rotlog_format_line(line, sizeof line, &tm, 1, ROTLOG_INFO, message);
	assert_int_equal(length, 63);
	assert_memory_equal(line + 33, message, 29);
	assert_string_equal(line + 62, "\n");
}

static void test_message_one_byte_too_long_is_cut_with_dots(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	char line[64], message[64];
	size_t length;

	(void)state;
	memset(message, 'a', 30);
	message[30] = '\0';
	length = rotlog_format_line(line, sizeof line, &tm, 1, ROTLOG_INFO, message);
	assert_int_equal(length, 63);
	assert_string_equal(line, "2025-02-01 14:22:31,001 - INFO - aaaaaaaaaaaaaaaaaaaaaaaaaa...\n");
}

static void test_minimum_64_byte_buffer_holds_warning_prefix_and_dots(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	char line[64];
	size_t length;

	(void)state;
	/* 36 bytes of prefix; each \x01 takes 4; "..." must still fit. */
	length = rotlog_format_line(line, sizeof line, &tm, 1, ROTLOG_WARNING,
				    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01");
	assert_int_equal(length, 60);
	assert_string_equal(line, "2025-02-01 14:22:31,001 - WARNING - \\x01\\x01\\x01\\x01\\x01...\n");
}

static void test_long_message_is_cut_to_line_max_and_ends_with_dots_newline(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	static char message[5000], line[ROTLOG_LINE_MAX];
	size_t length;

	(void)state;
	memset(message, 'a', sizeof message - 1);
	length = rotlog_format_line(line, sizeof line, &tm, 1, ROTLOG_INFO, message);
	assert_int_equal(length, ROTLOG_LINE_MAX - 1);
	assert_int_equal(strlen(line), length);
	assert_string_equal(line + length - 4, "...\n");
	assert_int_equal(line[length - 5], 'a');
}

/* The cut never splits a character or an escape, and wastes at most one. */
static void test_cut_falls_on_character_boundary_for_every_size(void **state)
{
	static const char unit[] = "a\xc3\xa9\x01\xe2\x82\xac\xf0\x9f\x98\x80\n\xff";
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	char message[40 * sizeof unit], full[4096], cut[512], prefix_line[4096];
	size_t size, k, i;

	(void)state;
	message[0] = '\0';
	for (i = 0; i < 40; i++)
		strcat(message, unit);
	rotlog_format_line(full, sizeof full, &tm, 1, ROTLOG_INFO, message);
	for (size = 64; size <= sizeof cut; size++) {
		size_t length = rotlog_format_line(cut, size, &tm, 1, ROTLOG_INFO, message);
		bool found = false;

		assert_true(length < size);
		assert_int_equal(strlen(cut), length);
		assert_int_equal(cut[length - 1], '\n');
		assert_true(is_clean_text((const unsigned char *)cut, length - 1));
		if (strcmp(cut, full) == 0)
			continue;
		assert_memory_equal(cut + length - 4, "...\n", 4);
		assert_true(length + 12 >= size - 1); /* no more than one escape wasted */
		for (k = 0; k <= strlen(message) && !found; k++) {
			bool too_long;

			char saved = message[k];
			size_t prefix_length;

			message[k] = '\0';
			prefix_length = rotlog_format_line(prefix_line, sizeof prefix_line, &tm, 1,
							   ROTLOG_INFO, message);
			message[k] = saved;
			found = prefix_length - 1 == length - 4 &&
				memcmp(prefix_line, cut, length - 4) == 0;
			/* A prefix that splits a character renders longer than
			 * the whole character (up to 12 bytes for 3 escapes). */
			too_long = prefix_length - 1 > length - 4 + 12;
			if (too_long)
				break;
		}
		assert_true(found);
	}
}

/* ---- escaping ---- */

static void test_newline_in_message_is_escaped(void **state)
{
	(void)state;
	assert_string_equal(escaped("a\nb"), "a\\nb");
}

static void test_decoded_percent_0a_in_url_cannot_forge_a_line(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	const char *path = "GET /x\n2025-02-01 14:22:32,000 - INFO - drawer opened by admin\r\n";
	char line[512];
	size_t length = rotlog_format_line(line, sizeof line, &tm, 0, ROTLOG_WARNING, path);

	(void)state;
	assert_int_equal(logfiles_count_lines(line), 1);
	assert_int_equal(line[length - 1], '\n');
	assert_null(strchr(line, '\r'));
	assert_string_equal(line, "2025-02-01 14:22:31,000 - WARNING - GET /x\\n2025-02-01 "
				  "14:22:32,000 - INFO - drawer opened by admin\\r\\n\n");
}

static void test_carriage_return_and_tab_are_escaped(void **state)
{
	(void)state;
	assert_string_equal(escaped("a\rb\tc"), "a\\rb\\tc");
}

static void test_other_control_bytes_and_del_are_hex_escaped(void **state)
{
	(void)state;
	assert_string_equal(escaped("\x01"), "\\x01");
	assert_string_equal(escaped("x\x1b[31my"), "x\\x1b[31my");
	assert_string_equal(escaped("\x1f\x7f"), "\\x1f\\x7f");
	assert_string_equal(escaped("\b\f\v"), "\\x08\\x0c\\x0b");
}

static void test_every_single_byte_is_kept_or_escaped_as_specified(void **state)
{
	char message[2] = {0, 0}, expected[8];
	int byte;

	(void)state;
	for (byte = 1; byte < 256; byte++) {
		message[0] = (char)byte;
		if (byte == '\n')
			strcpy(expected, "\\n");
		else if (byte == '\r')
			strcpy(expected, "\\r");
		else if (byte == '\t')
			strcpy(expected, "\\t");
		else if (byte >= 0x20 && byte < 0x7f)
			snprintf(expected, sizeof expected, "%c", byte);
		else /* controls, DEL, and any lone byte >= 0x80 (never valid alone) */
			snprintf(expected, sizeof expected, "\\x%02x", byte);
		assert_string_equal(escaped(message), expected);
	}
}

static void test_printable_ascii_and_backslash_pass_unchanged(void **state)
{
	(void)state;
	assert_string_equal(escaped("GET /open?x=1&y=\"2\" 100% {ok} ~`|\\"),
			    "GET /open?x=1&y=\"2\" 100% {ok} ~`|\\");
}

static void test_valid_utf8_french_accents_euro_and_emoji_pass_unchanged(void **state)
{
	static const char *const kept[] = {
		"Acc\xc3\xa8s refus\xc3\xa9",    /* Accès refusé */
		("\xc3\x87" "a co\xc3\xbbte 5 \xe2\x82\xac"), /* Ça coûte 5 € */
		"\xf0\x9f\x98\x80",               /* U+1F600 emoji */
		"\xc2\xa0\xc2\xbf",               /* U+00A0, U+00BF: first non-C1 */
		"\xdf\xbf",                       /* U+07FF */
		"\xe0\xa0\x80",                   /* U+0800: smallest 3-byte */
		"\xed\x9f\xbf",                   /* U+D7FF: just below surrogates */
		"\xee\x80\x80",                   /* U+E000: just above them */
		"\xef\xbf\xbd\xef\xbf\xbf",       /* U+FFFD, U+FFFF */
		"\xe2\x80\xa7\xe2\x80\xaa",       /* U+2027, U+202A: around 2028/2029 */
		"\xf0\x90\x80\x80",               /* U+10000: smallest 4-byte */
		"\xf4\x8f\xbf\xbf",               /* U+10FFFF: the last code point */
		"\xe6\x97\xa5\xe6\x9c\xac",       /* 日本 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(kept); i++)
		assert_string_equal(escaped(kept[i]), kept[i]);
}

static void test_every_two_byte_sequence_is_kept_unless_a_c1_control(void **state)
{
	char message[3] = {0, 0, 0}, expected[16];
	int first, second;

	(void)state;
	for (first = 0xc2; first <= 0xdf; first++) {
		for (second = 0x80; second <= 0xbf; second++) {
			message[0] = (char)first;
			message[1] = (char)second;
			if (first == 0xc2 && second < 0xa0)
				snprintf(expected, sizeof expected, "\\xc2\\x%02x", second);
			else
				strcpy(expected, message);
			assert_string_equal(escaped(message), expected);
		}
	}
}

static void test_c1_controls_and_unicode_line_separators_are_escaped(void **state)
{
	(void)state;
	assert_string_equal(escaped("a\xc2\x85" "b"), "a\\xc2\\x85b");        /* NEL */
	assert_string_equal(escaped("\xc2\x80\xc2\x9f"), "\\xc2\\x80\\xc2\\x9f");
	assert_string_equal(escaped("a\xe2\x80\xa8" "b"), "a\\xe2\\x80\\xa8b"); /* U+2028 */
	assert_string_equal(escaped("\xe2\x80\xa9"), "\\xe2\\x80\\xa9");         /* U+2029 */
}

static void test_invalid_utf8_bytes_are_hex_escaped_one_by_one(void **state)
{
	(void)state;
	assert_string_equal(escaped("\x80"), "\\x80");             /* lone continuation */
	assert_string_equal(escaped("a\xbf" "b"), "a\\xbfb");
	assert_string_equal(escaped("\xfe\xff"), "\\xfe\\xff");     /* never in UTF-8 */
	assert_string_equal(escaped("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");
	assert_string_equal(escaped("\xf8\x88\x80\x80\x80"), "\\xf8\\x88\\x80\\x80\\x80");
	assert_string_equal(escaped("caf\xe9"), "caf\\xe9");       /* Latin-1 é */
	assert_string_equal(escaped("\xc3" "A"), "\\xc3A");         /* lead then ASCII */
}

static void test_truncated_sequences_are_escaped_and_next_character_kept(void **state)
{
	(void)state;
	assert_string_equal(escaped("\xc3"), "\\xc3");
	assert_string_equal(escaped("\xe2\x82"), "\\xe2\\x82");
	assert_string_equal(escaped("\xf0\x9f\x98"), "\\xf0\\x9f\\x98");
	assert_string_equal(escaped("\xe2\x82x"), "\\xe2\\x82x");
	assert_string_equal(escaped("\xe2\x82\xc3\xa9"), "\\xe2\\x82\xc3\xa9");
	assert_string_equal(escaped("\xf0\x9f\x98\n"), "\\xf0\\x9f\\x98\\n");
}

static void test_overlong_encodings_are_escaped(void **state)
{
	(void)state;
	assert_string_equal(escaped("\xc0\xaf"), "\\xc0\\xaf");             /* '/' in 2 bytes */
	assert_string_equal(escaped("\xc0\x8a"), "\\xc0\\x8a");             /* '\n' in 2 bytes */
	assert_string_equal(escaped("\xc1\xbf"), "\\xc1\\xbf");
	assert_string_equal(escaped("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");     /* '/' in 3 bytes */
	assert_string_equal(escaped("\xe0\x9f\xbf"), "\\xe0\\x9f\\xbf");     /* U+07FF in 3 */
	assert_string_equal(escaped("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");
	assert_string_equal(escaped("\xf0\x8f\xbf\xbf"), "\\xf0\\x8f\\xbf\\xbf"); /* U+FFFF in 4 */
}

static void test_surrogates_and_code_points_above_10ffff_are_escaped(void **state)
{
	(void)state;
	assert_string_equal(escaped("\xed\xa0\x80"), "\\xed\\xa0\\x80");    /* U+D800 */
	assert_string_equal(escaped("\xed\xbf\xbf"), "\\xed\\xbf\\xbf");    /* U+DFFF */
	assert_string_equal(escaped("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
}

/* A fixed-seed xorshift keeps the fuzz reproducible. */
static uint32_t next_random(uint32_t *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return *seed;
}

static void test_random_bytes_always_give_one_clean_line(void **state)
{
	struct tm tm = make_tm(2025, 2, 1, 14, 22, 31);
	unsigned char message[300];
	char line[400];
	uint32_t seed = 2463534242u;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t length = next_random(&seed) % (sizeof message - 1), i, written;
		size_t size = 64 + next_random(&seed) % (sizeof line - 64);

		for (i = 0; i < length; i++) {
			/* Bias towards UTF-8 lead and continuation bytes. */
			uint32_t r = next_random(&seed);
			message[i] = (unsigned char)(r & 1 ? 0x80 | (r >> 8) : r >> 8);
			if (message[i] == 0)
				message[i] = 'z';
		}
		message[length] = '\0';
		written = rotlog_format_line(line, size, &tm, 1, ROTLOG_INFO, (char *)message);
		assert_true(written < size);
		assert_int_equal(strlen(line), written);
		assert_int_equal(line[written - 1], '\n');
		assert_true(is_clean_text((const unsigned char *)line, written - 1));
		/* Unchanged when nothing needed escaping and nothing was cut
		 * (a cut line is at least size - 13 long). */
		if (is_clean_text(message, length) && written < size - 13) {
			assert_int_equal(written, 33 + length + 1);
			assert_memory_equal(line + 33, message, length);
		}
	}
}

/* ---- archive names and dates ---- */

static void test_archive_name_is_basename_dot_iso_date(void **state)
{
	char name[ROTLOG_ARCHIVE_NAME_MAX];
	struct rotlog_date date = {2025, 2, 1};

	(void)state;
	rotlog_archive_name(name, sizeof name, date);
	assert_string_equal(name, "cashdrawer.log.2025-02-01");
	date = (struct rotlog_date){1970, 1, 1};
	rotlog_archive_name(name, sizeof name, date);
	assert_string_equal(name, "cashdrawer.log.1970-01-01");
	date = (struct rotlog_date){9999, 12, 31};
	rotlog_archive_name(name, sizeof name, date);
	assert_string_equal(name, "cashdrawer.log.9999-12-31");
}

static void test_archive_name_max_fits_exactly(void **state)
{
	char name[ROTLOG_ARCHIVE_NAME_MAX + 1];

	(void)state;
	assert_int_equal(ROTLOG_ARCHIVE_NAME_MAX, strlen("cashdrawer.log.2025-02-01") + 1);
	memset(name, 'z', sizeof name);
	rotlog_archive_name(name, ROTLOG_ARCHIVE_NAME_MAX, (struct rotlog_date){2024, 10, 27});
	assert_string_equal(name, "cashdrawer.log.2024-10-27");
	assert_int_equal(name[ROTLOG_ARCHIVE_NAME_MAX], 'z');
	/* A short buffer is cut, never overrun. */
	rotlog_archive_name(name, 5, (struct rotlog_date){2024, 10, 27});
	assert_string_equal(name, "cash");
	rotlog_archive_name(NULL, 0, (struct rotlog_date){2024, 10, 27});
}

static void test_archive_name_parses_back_to_its_date(void **state)
{
	char name[ROTLOG_ARCHIVE_NAME_MAX];
	struct rotlog_date parsed;
	int i;

	(void)state;
	for (i = 0; i < 800; i++) {
		time_t t = utc(2024, 1, 1, 12, 0, 0) + (time_t)i * 86400;
		struct rotlog_date date;
		struct tm tm;

		gmtime_r(&t, &tm);
		date = (struct rotlog_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
		rotlog_archive_name(name, sizeof name, date);
		assert_true(rotlog_is_archive_name(name, &parsed));
		assert_int_equal(parsed.year, date.year);
		assert_int_equal(parsed.month, date.month);
		assert_int_equal(parsed.day, date.day);
	}
}

/* ---- GET /logs query (rotlog_query.c) ---- */

/* Judges a query given as key=value pieces; value NULL for a key without '='. */
static enum rotlog_query_result judge(const char *const *keys, const char *const *values,
				      const size_t *value_sizes, size_t count,
				      struct rotlog_date *date)
{
	struct rotlog_query query;

	rotlog_query_init(&query);
	for (size_t i = 0; i < count; i++)
		rotlog_query_add(&query, keys[i], strlen(keys[i]), values[i],
				 values[i] == NULL ? 0
				 : value_sizes != NULL ? value_sizes[i] : strlen(values[i]));
	return rotlog_query_result(&query, date);
}

static void test_logs_without_query_is_todays_file(void **state)
{
	struct rotlog_date date;

	(void)state;
	assert_int_equal(judge(NULL, NULL, NULL, 0, &date), ROTLOG_QUERY_TODAY);
}

static void test_logs_date_of_a_real_day_is_that_days_archive(void **state)
{
	const char *keys[] = {"date"}, *values[] = {"2025-02-01"};
	struct rotlog_date date = {0};

	(void)state;
	assert_int_equal(judge(keys, values, NULL, 1, &date), ROTLOG_QUERY_DAY);
	assert_int_equal(date.year, 2025);
	assert_int_equal(date.month, 2);
	assert_int_equal(date.day, 1);
}

static void test_logs_date_without_value_or_empty_is_a_bad_date(void **state)
{
	const char *keys[] = {"date"}, *no_value[] = {NULL}, *empty[] = {""};
	struct rotlog_date date;

	(void)state;
	assert_int_equal(judge(keys, no_value, NULL, 1, &date), ROTLOG_QUERY_BAD_DATE);
	assert_int_equal(judge(keys, empty, NULL, 1, &date), ROTLOG_QUERY_BAD_DATE);
}

static void test_logs_date_not_strict_or_not_a_day_is_a_bad_date(void **state)
{
	static const char *const bad[] = {"2025-2-1", "2025-02-30", "../../etc/passwd",
					  "2025-02-01x", " 2025-02-01", "1969-12-31"};
	const char *keys[] = {"date"};
	struct rotlog_date date;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *values[] = {bad[i]};

		assert_int_equal(judge(keys, values, NULL, 1, &date), ROTLOG_QUERY_BAD_DATE);
	}
}

static void test_logs_date_followed_by_a_decoded_nul_is_a_bad_date(void **state)
{
	/* ?date=2025-02-01%00: as C strings it would read as a valid date */
	const char *keys[] = {"date"}, *values[] = {"2025-02-01\0"};
	const size_t sizes[] = {11};
	struct rotlog_date date;

	(void)state;
	assert_int_equal(judge(keys, values, sizes, 1, &date), ROTLOG_QUERY_BAD_DATE);
}

static void test_logs_date_value_need_not_be_nul_terminated(void **state)
{
	/* the value is read by its size only: "2025-02-01" cut out of a longer text */
	const char *keys[] = {"date"}, *values[] = {"2025-02-01&x=1"};
	const size_t sizes[] = {10};
	struct rotlog_date date = {0};

	(void)state;
	assert_int_equal(judge(keys, values, sizes, 1, &date), ROTLOG_QUERY_DAY);
	assert_int_equal(date.day, 1);
}

static void test_logs_unknown_key_or_two_arguments_is_a_bad_query(void **state)
{
	const char *unknown[] = {"day"}, *values[] = {"2025-02-01", "2025-02-02"};
	const char *twice[] = {"date", "date"}, *other[] = {"date", "x"};
	struct rotlog_query query;
	struct rotlog_date date;

	(void)state;
	assert_int_equal(judge(unknown, values, NULL, 1, &date), ROTLOG_QUERY_BAD_QUERY);
	assert_int_equal(judge(twice, values, NULL, 2, &date), ROTLOG_QUERY_BAD_QUERY);
	assert_int_equal(judge(other, values, NULL, 2, &date), ROTLOG_QUERY_BAD_QUERY);
	/* "date%00" is not "date" */
	rotlog_query_init(&query);
	rotlog_query_add(&query, "date", 5, "2025-02-01", 10);
	assert_int_equal(rotlog_query_result(&query, &date), ROTLOG_QUERY_BAD_QUERY);
}

static void test_parse_date_accepts_real_days(void **state)
{
	struct rotlog_date date;

	(void)state;
	assert_int_equal(rotlog_parse_date("2025-02-01", &date), 0);
	assert_int_equal(date.year, 2025);
	assert_int_equal(date.month, 2);
	assert_int_equal(date.day, 1);
	assert_int_equal(rotlog_parse_date("1970-01-01", &date), 0);
	assert_int_equal(rotlog_parse_date("9999-12-31", &date), 0);
	assert_int_equal(date.year, 9999);
	assert_int_equal(date.month, 12);
	assert_int_equal(date.day, 31);
	assert_int_equal(rotlog_parse_date("2025-02-01", NULL), 0);
}

static void test_feb_29_exists_only_in_leap_years(void **state)
{
	(void)state;
	assert_int_equal(rotlog_parse_date("2024-02-29", NULL), 0);
	assert_int_equal(rotlog_parse_date("2025-02-29", NULL), -1);
	assert_int_equal(rotlog_parse_date("2000-02-29", NULL), 0); /* divisible by 400 */
	assert_int_equal(rotlog_parse_date("2100-02-29", NULL), -1); /* by 100 only */
	assert_int_equal(rotlog_parse_date("2024-02-30", NULL), -1);
}

static void test_parse_date_knows_every_month_length(void **state)
{
	static const int lengths[2][12] = {
		{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
		{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	};
	char text[32];
	int leap, month, day;

	(void)state;
	for (leap = 0; leap < 2; leap++) {
		for (month = 0; month <= 13; month++) {
			for (day = 0; day <= 32; day++) {
				bool valid = month >= 1 && month <= 12 && day >= 1 &&
					     day <= lengths[leap][month - 1];

				snprintf(text, sizeof text, "%04d-%02d-%02d", leap ? 2028 : 2027, month, day);
				assert_int_equal(rotlog_parse_date(text, NULL), valid ? 0 : -1);
			}
		}
	}
}

static void test_parse_date_rejects_anything_not_strict(void **state)
{
	static const char *const rejected[] = {
		"",            "2025-2-01",   "2025-02-1",   "25-02-01",     "2025-02-01x",
		" 2025-02-01", "2025-02-01 ", "2025-02-01\n", "2025/02/01",  "2025-02-00",
		"2025-00-10",  "2025-13-01",  "1969-12-31",  "0000-01-01",  "+025-02-01",
		"-025-02-01",  "2025-+2-01",  "2025-02--1",  "2025-02-3a",  "２025-02-01",
		"20250201",    "2025-02-01T00:00", "2025-02",  "x",           "2025-02-32",
		"2025-04-31",  "2025-06-31",  "2025-09-31",  "2025-11-31",  "2025_02_01",
	};
	struct rotlog_date date = {1, 2, 3};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rejected); i++) {
		if (rotlog_parse_date(rejected[i], &date) != -1)
			fail_msg("accepted \"%s\"", rejected[i]);
	}
	assert_int_equal(rotlog_parse_date(NULL, &date), -1);
	/* Nothing is written on failure. */
	assert_int_equal(date.year, 1);
	assert_int_equal(date.month, 2);
	assert_int_equal(date.day, 3);
}

static void test_is_archive_name_accepts_only_the_exact_form(void **state)
{
	static const char *const rejected[] = {
		"cashdrawer.log",
		"cashdrawer.log.",
		"cashdrawer.log.2025-02-01.gz",
		"cashdrawer.log.2025-02-01~",
		"cashdrawer.log.2025-02-01 ",
		" cashdrawer.log.2025-02-01",
		"xcashdrawer.log.2025-02-01",
		"Cashdrawer.log.2025-02-01",
		"cashdrawer.log.2025-02-29",
		"cashdrawer.log.1969-12-31",
		"cashdrawer.log.2025-2-01",
		"cashdrawer.log-2025-02-01",
		"cashdrawer.log2025-02-01",
		"cashdrawer.log.old",
		"other.log.2025-02-01",
		"",
	};
	struct rotlog_date date;
	size_t i;

	(void)state;
	assert_true(rotlog_is_archive_name("cashdrawer.log.2025-02-01", &date));
	assert_int_equal(date.year, 2025);
	assert_int_equal(date.month, 2);
	assert_int_equal(date.day, 1);
	assert_true(rotlog_is_archive_name("cashdrawer.log.2024-02-29", NULL));
	for (i = 0; i < ARRAY_SIZE(rejected); i++) {
		if (rotlog_is_archive_name(rejected[i], &date))
			fail_msg("accepted \"%s\"", rejected[i]);
	}
	assert_false(rotlog_is_archive_name(NULL, &date));
}

/* ---- retention choice ---- */

static size_t count_true(const bool *flags, size_t count)
{
	size_t n = 0, i;

	for (i = 0; i < count; i++)
		n += flags[i];
	return n;
}

static void test_fewer_archives_than_keep_expires_nothing(void **state)
{
	const char *names[] = {"cashdrawer.log.2025-01-01", "cashdrawer.log.2025-01-02",
			       "cashdrawer.log.2025-01-03"};
	bool expired[3] = {true, true, true};

	(void)state;
	assert_int_equal(rotlog_select_expired(names, 3, 5, expired), 0);
	assert_int_equal(count_true(expired, 3), 0);
}

static void test_exactly_keep_archives_expires_nothing(void **state)
{
	const char *names[] = {"cashdrawer.log.2025-01-01", "cashdrawer.log.2025-01-02",
			       "cashdrawer.log.2025-01-03"};
	bool expired[3];

	(void)state;
	assert_int_equal(rotlog_select_expired(names, 3, 3, expired), 0);
	assert_int_equal(count_true(expired, 3), 0);
}

static void test_more_archives_than_keep_expires_the_oldest(void **state)
{
	const char *names[] = {"cashdrawer.log.2025-01-01", "cashdrawer.log.2025-01-02",
			       "cashdrawer.log.2025-01-03", "cashdrawer.log.2025-01-04",
			       "cashdrawer.log.2025-01-05"};
	bool expired[5];

	(void)state;
	assert_int_equal(rotlog_select_expired(names, 5, 3, expired), 2);
	assert_true(expired[0]);
	assert_true(expired[1]);
	assert_false(expired[2]);
	assert_false(expired[3]);
	assert_false(expired[4]);
}

static void test_unsorted_names_are_ordered_by_date_not_position(void **state)
{
	const char *names[] = {"cashdrawer.log.2025-03-01", "cashdrawer.log.2024-12-31",
			       "cashdrawer.log.2025-01-15", "cashdrawer.log.2023-06-30",
			       "cashdrawer.log.2025-02-28", "cashdrawer.log.2025-01-01"};
	bool expired[6];

	(void)state;
	assert_int_equal(rotlog_select_expired(names, 6, 3, expired), 3);
	assert_false(expired[0]);
	assert_true(expired[1]);
	assert_false(expired[2]);
	assert_true(expired[3]);
	assert_false(expired[4]);
	assert_true(expired[5]);
}

static void test_duplicate_names_are_one_archive_and_share_one_fate(void **state)
{
	const char *names[] = {"cashdrawer.log.2025-01-03", "cashdrawer.log.2025-01-01",
			       "cashdrawer.log.2025-01-03", "cashdrawer.log.2025-01-02",
			       "cashdrawer.log.2025-01-01"};
	bool expired[5];

	(void)state;
	assert_int_equal(rotlog_select_expired(names, 5, 2, expired), 2);
	assert_false(expired[0]);
	assert_true(expired[1]);
	assert_false(expired[2]);
	assert_false(expired[3]);
	assert_true(expired[4]);
}

static void test_non_archive_names_are_never_expired(void **state)
{
	const char *names[] = {"cashdrawer.log",
			       "cashdrawer.log.1999-01-01.gz",
			       "notes.txt",
			       "cashdrawer.log.2025-01-01",
			       "cashdrawer.log.2020-02-30",
			       NULL,
			       "cashdrawer.log.2025-01-02",
			       ".",
			       "..",
			       "cashdrawer.log.1969-12-31",
			       "cashdrawer.log.old"};
	bool expired[ARRAY_SIZE(names)];
	size_t i;

	(void)state;
	assert_int_equal(rotlog_select_expired(names, ARRAY_SIZE(names), 1, expired), 1);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		assert_int_equal(expired[i], i == 3);
	/* Even when nothing is to be kept. */
	assert_int_equal(rotlog_select_expired(names, ARRAY_SIZE(names), 0, expired), 2);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		assert_int_equal(expired[i], i == 3 || i == 6);
}

static void test_keep_0_expires_every_archive(void **state)
{
	const char *names[] = {"cashdrawer.log.2025-01-01", "cashdrawer.log.2025-01-02"};
	bool expired[2];

	(void)state;
	assert_int_equal(rotlog_select_expired(names, 2, 0, expired), 2);
	assert_true(expired[0] && expired[1]);
}

static void test_no_names_expires_nothing(void **state)
{
	bool expired[2] = {true, true};

	(void)state;
	assert_int_equal(rotlog_select_expired(NULL, 0, 3, expired), 0);
	assert_int_equal(rotlog_select_expired(NULL, 2, 3, expired), 0);
	assert_false(expired[0] || expired[1]);
	assert_int_equal(rotlog_select_expired(NULL, 0, 3, NULL), 0);
}

static void test_keeps_30_newest_of_100_archives_in_any_order(void **state)
{
	char storage[100][ROTLOG_ARCHIVE_NAME_MAX];
	const char *names[100];
	bool expired[100];
	size_t i;

	(void)state;
	/* Day i of 2025 at position (i * 37) % 100: a scrambled order. */
	for (i = 0; i < 100; i++) {
		time_t t = utc(2025, 1, 1, 12, 0, 0) + (time_t)i * 86400;
		struct tm tm;
		size_t position = (i * 37) % 100;

		gmtime_r(&t, &tm);
		rotlog_archive_name(storage[position], sizeof storage[position],
				    (struct rotlog_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday});
		names[position] = storage[position];
	}
	assert_int_equal(rotlog_select_expired(names, 100, 30, expired), 70);
	for (i = 0; i < 100; i++)
		assert_int_equal(expired[(i * 37) % 100], i < 70);
	assert_int_equal(rotlog_select_expired(names, 100, 4000000000u, expired), 0);
}

/* ---- local dates and midnights (TZ=Europe/Paris) ---- */

static void assert_date(struct rotlog_date date, int year, int month, int day)
{
	assert_int_equal(date.year, year);
	assert_int_equal(date.month, month);
	assert_int_equal(date.day, day);
}

static void test_local_date_follows_paris_not_utc(void **state)
{
	(void)state;
	assert_date(rotlog_local_date(utc(2025, 2, 1, 22, 59, 59)), 2025, 2, 1);
	assert_date(rotlog_local_date(utc(2025, 2, 1, 23, 0, 0)), 2025, 2, 2);
	/* Summer time: UTC+2. */
	assert_date(rotlog_local_date(utc(2025, 7, 1, 21, 59, 59)), 2025, 7, 1);
	assert_date(rotlog_local_date(utc(2025, 7, 1, 22, 0, 0)), 2025, 7, 2);
	assert_date(rotlog_local_date(utc(2024, 12, 31, 23, 0, 0)), 2025, 1, 1);
	assert_date(rotlog_local_date(utc(2024, 2, 28, 23, 0, 0)), 2024, 2, 29);
	assert_date(rotlog_local_date(0), 1970, 1, 1);
}

static void test_next_midnight_of_an_ordinary_day(void **state)
{
	(void)state;
	assert_int_equal(rotlog_next_midnight(utc(2025, 2, 1, 13, 22, 31)), utc(2025, 2, 1, 23, 0, 0));
	/* Midnight itself belongs to the new day: the next one is a day later. */
	assert_int_equal(rotlog_next_midnight(utc(2025, 2, 1, 23, 0, 0)), utc(2025, 2, 2, 23, 0, 0));
	assert_int_equal(rotlog_next_midnight(utc(2025, 2, 1, 22, 59, 59)), utc(2025, 2, 1, 23, 0, 0));
	assert_int_equal(rotlog_next_midnight(utc(2024, 12, 31, 12, 0, 0)), utc(2024, 12, 31, 23, 0, 0));
	assert_int_equal(rotlog_next_midnight(utc(2024, 2, 28, 12, 0, 0)), utc(2024, 2, 28, 23, 0, 0));
	assert_int_equal(rotlog_next_midnight(utc(2025, 7, 14, 12, 0, 0)), utc(2025, 7, 14, 22, 0, 0));
}

static void test_next_midnight_across_dst_spring_forward(void **state)
{
	time_t start = utc(2025, 3, 29, 23, 0, 0); /* 2025-03-30 00:00 CET */
	time_t end = utc(2025, 3, 30, 22, 0, 0);   /* 2025-03-31 00:00 CEST */

	(void)state;
	assert_int_equal(rotlog_next_midnight(start - 1), start);
	assert_int_equal(rotlog_next_midnight(start), end);
	assert_int_equal(end - start, 23 * HOUR);
	/* Either side of the 02:00 -> 03:00 jump. */
	assert_int_equal(rotlog_next_midnight(utc(2025, 3, 30, 0, 59, 59)), end);
	assert_int_equal(rotlog_next_midnight(utc(2025, 3, 30, 1, 0, 0)), end);
	assert_int_equal(rotlog_next_midnight(end - 1), end);
	assert_int_equal(rotlog_next_midnight(end), utc(2025, 3, 31, 22, 0, 0));
}

static void test_next_midnight_across_dst_fall_back(void **state)
{
	time_t start = utc(2025, 10, 25, 22, 0, 0); /* 2025-10-26 00:00 CEST */
	time_t end = utc(2025, 10, 26, 23, 0, 0);   /* 2025-10-27 00:00 CET */

	(void)state;
	assert_int_equal(rotlog_next_midnight(start - 1), start);
	assert_int_equal(rotlog_next_midnight(start), end);
	assert_int_equal(end - start, 25 * HOUR);
	/* 02:30 happens twice; both are on the same day. */
	assert_int_equal(rotlog_next_midnight(utc(2025, 10, 26, 0, 30, 0)), end);
	assert_int_equal(rotlog_next_midnight(utc(2025, 10, 26, 1, 30, 0)), end);
	assert_int_equal(rotlog_next_midnight(end - 1), end);
	assert_int_equal(rotlog_next_midnight(end), utc(2025, 10, 27, 23, 0, 0));
}

static void test_days_of_2025_last_24_hours_except_two(void **state)
{
	time_t midnight = rotlog_next_midnight(utc(2024, 12, 31, 12, 0, 0));
	int day, short_days = 0, long_days = 0;

	(void)state;
	for (day = 0; day < 365; day++) {
		time_t next = rotlog_next_midnight(midnight);
		struct rotlog_date date = rotlog_local_date(midnight);

		if (next - midnight == 23 * HOUR) {
			short_days++;
			assert_date(date, 2025, 3, 30);
		} else if (next - midnight == 25 * HOUR) {
			long_days++;
			assert_date(date, 2025, 10, 26);
		} else {
			assert_int_equal(next - midnight, 24 * HOUR);
		}
		midnight = next;
	}
	assert_int_equal(short_days, 1);
	assert_int_equal(long_days, 1);
	assert_date(rotlog_local_date(midnight), 2026, 1, 1);
}

/* Every 13 minutes of 2025: the next midnight is after t, starts the next
 * day at 00:00:00, and the second before it is still t's day. */
static void test_next_midnight_is_first_second_of_the_following_day_all_year(void **state)
{
	time_t t;

	(void)state;
	for (t = utc(2024, 12, 31, 0, 0, 7); t < utc(2026, 1, 2, 0, 0, 0); t += 13 * 60) {
		time_t next = rotlog_next_midnight(t);
		struct rotlog_date before, today;
		struct tm local;

		assert_true(next > t);
		assert_true(next - t <= 25 * HOUR);
		localtime_r(&next, &local);
		assert_int_equal(local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec, 0);
		before = rotlog_local_date(next - 1);
		today = rotlog_local_date(t);
		assert_date(before, today.year, today.month, today.day);
	}
}

static int use_paris(void **state)
{
	(void)state;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	return 0;
}

static bool use_zone(const char *zone)
{
	char path[256];

	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	if (!exists(path))
		return false;
	setenv("TZ", zone, 1);
	tzset();
	return true;
}

/* Sao Paulo began DST at 00:00 on 2018-11-04: that day started at 01:00. */
static void test_next_midnight_where_midnight_is_skipped(void **state)
{
	time_t next;
	struct tm local;

	(void)state;
	if (!use_zone("America/Sao_Paulo"))
		skip();
	next = rotlog_next_midnight(utc(2018, 11, 3, 15, 0, 0));
	assert_int_equal(next, utc(2018, 11, 4, 3, 0, 0));
	localtime_r(&next, &local);
	assert_int_equal(local.tm_mday, 4);
	assert_int_equal(local.tm_hour, 1);
	assert_date(rotlog_local_date(next - 1), 2018, 11, 3);
	/* Havana, 2025-03-09: same, at 00:00 CST -> 01:00 CDT. */
	assert_true(use_zone("America/Havana"));
	assert_int_equal(rotlog_next_midnight(utc(2025, 3, 8, 17, 0, 0)), utc(2025, 3, 9, 5, 0, 0));
}

/* Havana ended DST at 01:00 on 2025-11-02, back to 00:00: that day's first
 * second is the first of the two 00:00. */
static void test_next_midnight_where_midnight_happens_twice(void **state)
{
	(void)state;
	if (!use_zone("America/Havana"))
		skip();
	assert_int_equal(rotlog_next_midnight(utc(2025, 11, 1, 16, 0, 0)), utc(2025, 11, 2, 4, 0, 0));
	assert_int_equal(rotlog_next_midnight(utc(2025, 11, 2, 4, 30, 0)), utc(2025, 11, 3, 5, 0, 0));
	assert_int_equal(rotlog_next_midnight(utc(2025, 11, 2, 5, 30, 0)), utc(2025, 11, 3, 5, 0, 0));
}

/* ---- the log file (in a temporary folder) ---- */

static void test_open_creates_missing_folders_and_the_file(void **state)
{
	char dir[512], path[600];
	struct rotlog *log;
	struct stat st;

	logfiles_join(dir, sizeof dir, *state, "var/log/cashdrawerd");
	log = logfiles_open_log(dir, 30, false);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0755);
	logfiles_join(path, sizeof path, dir, "cashdrawer.log");
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(st.st_size, 0);
	rotlog_close(log);
}

static void test_open_rejects_missing_options_with_a_message(void **state)
{
	struct rotlog_options options = {.dir = *state, .retention_days = 30};
	struct rotlog *log = (struct rotlog *)&options;
	char err[256];

	assert_int_equal(rotlog_open(&log, NULL, err, sizeof err), -EINVAL);
	assert_null(log);
	assert_non_null(strstr(err, "log_dir"));
	options.dir = "";
	assert_int_equal(rotlog_open(&log, &options, err, sizeof err), -EINVAL);
	options.dir = NULL;
	assert_int_equal(rotlog_open(&log, &options, err, sizeof err), -EINVAL);
	options.dir = *state;
	options.retention_days = 0;
	assert_int_equal(rotlog_open(&log, &options, err, sizeof err), -EINVAL);
	assert_null(log);
	assert_non_null(strstr(err, "retention_days"));
	options.retention_days = 30;
	assert_int_equal(rotlog_open(NULL, &options, err, sizeof err), -EINVAL);
	/* err is optional. */
	options.dir = "";
	assert_int_equal(rotlog_open(&log, &options, NULL, 0), -EINVAL);
}

static void test_open_fails_with_path_and_cause_when_folder_is_a_file(void **state)
{
	struct rotlog_options options = {.dir = NULL, .retention_days = 30};
	struct rotlog *log = NULL;
	char dir[512], err[256], expected[700];

	logfiles_join(dir, sizeof dir, *state, "not-a-folder");
	logfiles_write(dir, "x");
	options.dir = dir;
	assert_int_equal(rotlog_open(&log, &options, err, sizeof err), -ENOTDIR);
	assert_null(log);
	snprintf(expected, sizeof expected, "dossier du journal %s : n'est pas un dossier (ENOTDIR)", dir);
	assert_memory_equal(err, expected, strlen(expected));
	/* Also below a file. */
	logfiles_join(dir, sizeof dir, *state, "not-a-folder/logs");
	options.dir = dir;
	assert_int_equal(rotlog_open(&log, &options, err, sizeof err), -ENOTDIR);
}

static void test_written_lines_have_the_exact_format(void **state)
{
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	char path[512], before[32], after[32];
	time_t start = time(NULL), end;
	struct tm tm;
	size_t length;
	char *content, *second;

	rotlog_write(log, ROTLOG_INFO, "drawer opened by %s in %d ms", "127.0.0.1", 52);
	rotlog_write(log, ROTLOG_WARNING, "%s", "100% sure");
	end = time(NULL);
	rotlog_close(log);
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, &length);
	assert_non_null(content);
	second = strchr(content, '\n') + 1;
	assert_true(line_matches(content, (size_t)(second - content), "INFO",
				 "drawer opened by 127.0.0.1 in 52 ms"));
	assert_true(line_matches(second, length - (size_t)(second - content), "WARNING",
				 "100% sure"));
	/* Local time, between the clock readings around the writes. */
	strftime(before, sizeof before, "%Y-%m-%d %H:%M:%S", localtime_r(&start, &tm));
	strftime(after, sizeof after, "%Y-%m-%d %H:%M:%S", localtime_r(&end, &tm));
	assert_true(strncmp(content, before, 19) >= 0 && strncmp(content, after, 19) <= 0);
	free(content);
}

static void test_message_with_newline_stays_one_line_in_the_file(void **state)
{
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	char path[512];
	size_t length;
	char *content;

	rotlog_write(log, ROTLOG_ERROR, "GET %s", "/x\n2025-01-01 00:00:00,000 - INFO - forged");
	rotlog_close(log);
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, &length);
	assert_int_equal(logfiles_count_lines(content), 1);
	assert_true(line_matches(content, length, "ERROR",
				 "GET /x\\n2025-01-01 00:00:00,000 - INFO - forged"));
	free(content);
}

static void test_long_message_is_written_as_one_cut_line(void **state)
{
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	static char message[6000];
	char path[512];
	size_t length;
	char *content;

	memset(message, 'q', sizeof message - 1);
	rotlog_write(log, ROTLOG_INFO, "%s", message);
	rotlog_close(log);
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, &length);
	assert_int_equal(length, ROTLOG_LINE_MAX - 1);
	assert_int_equal(logfiles_count_lines(content), 1);
	assert_string_equal(content + length - 5, "q...\n");
	free(content);
}

static void test_health_counts_lines_and_starts_without_error(void **state)
{
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	struct rotlog_health health;
	int i;

	rotlog_get_health(log, &health);
	assert_true(health.last_write_ok);
	assert_int_equal(health.lines_written, 0);
	assert_int_equal(health.write_failures, 0);
	assert_string_equal(health.last_error, "");
	for (i = 0; i < 5; i++)
		rotlog_write(log, ROTLOG_DEBUG, "line %d", i);
	rotlog_get_health(log, &health);
	assert_true(health.last_write_ok);
	assert_int_equal(health.lines_written, 5);
	assert_int_equal(health.write_failures, 0);
	assert_string_equal(health.last_error, "");
	rotlog_close(log);
}

static void test_lines_are_appended_to_a_file_written_today(void **state)
{
	char path[512];
	struct rotlog *log;
	size_t length;
	char *content;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	logfiles_write(path, "earlier today\n");
	log = logfiles_open_log(*state, 30, false);
	rotlog_write(log, ROTLOG_INFO, "later");
	rotlog_close(log);
	content = logfiles_read(path, &length);
	assert_memory_equal(content, "earlier today\n", 14);
	assert_true(line_matches(content + 14, length - 14, "INFO", "later"));
	free(content);
}

static void test_file_from_yesterday_is_archived_at_open(void **state)
{
	time_t yesterday = local_noon(-1);
	char path[512], archive_path[512], name[ROTLOG_ARCHIVE_NAME_MAX];
	struct rotlog *log;
	char *content;
	size_t length;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	logfiles_write(path, "2025-01-31 23:59:59,999 - INFO - yesterday\n");
	logfiles_set_mtime(path, yesterday);
	log = logfiles_open_log(*state, 30, false);
	rotlog_archive_name(name, sizeof name, rotlog_local_date(yesterday));
	logfiles_join(archive_path, sizeof archive_path, *state, name);
	content = logfiles_read(archive_path, NULL);
	assert_non_null(content);
	assert_string_equal(content, "2025-01-31 23:59:59,999 - INFO - yesterday\n");
	free(content);
	content = logfiles_read(path, &length);
	assert_int_equal(length, 0);
	free(content);
	rotlog_write(log, ROTLOG_INFO, "today");
	rotlog_close(log);
	content = logfiles_read(path, &length);
	assert_true(line_matches(content, length, "INFO", "today"));
	free(content);
}

static void test_file_archived_at_open_is_appended_to_an_existing_archive(void **state)
{
	time_t yesterday = local_noon(-1);
	char path[512], archive_path[512], name[ROTLOG_ARCHIVE_NAME_MAX];
	struct rotlog *log;
	char *content;

	rotlog_archive_name(name, sizeof name, rotlog_local_date(yesterday));
	logfiles_join(archive_path, sizeof archive_path, *state, name);
	logfiles_write(archive_path, "first part\n");
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	logfiles_write(path, "second part\n");
	logfiles_set_mtime(path, yesterday);
	log = logfiles_open_log(*state, 30, false);
	rotlog_close(log);
	content = logfiles_read(archive_path, NULL);
	assert_string_equal(content, "first part\nsecond part\n");
	free(content);
	content = logfiles_read(path, NULL);
	assert_string_equal(content, "");
	free(content);
}

static void test_empty_file_from_yesterday_makes_no_archive(void **state)
{
	time_t yesterday = local_noon(-1);
	char path[512], archive_path[512], name[ROTLOG_ARCHIVE_NAME_MAX];
	struct rotlog *log;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	logfiles_write(path, "");
	logfiles_set_mtime(path, yesterday);
	log = logfiles_open_log(*state, 30, false);
	rotlog_close(log);
	rotlog_archive_name(name, sizeof name, rotlog_local_date(yesterday));
	logfiles_join(archive_path, sizeof archive_path, *state, name);
	assert_false(exists(archive_path));
	assert_true(exists(path));
}

/* A clock behind the file (no RTC battery, booted in the past) must not
 * make an archive named after a day the lines are not from. */
static void test_file_from_a_later_day_is_kept_and_appended_to(void **state)
{
	time_t tomorrow = local_noon(1);
	char path[512], archive_path[512], name[ROTLOG_ARCHIVE_NAME_MAX];
	struct rotlog *log;
	char *content;
	size_t length;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	logfiles_write(path, "from the future\n");
	logfiles_set_mtime(path, tomorrow);
	log = logfiles_open_log(*state, 30, false);
	rotlog_write(log, ROTLOG_INFO, "now");
	rotlog_close(log);
	rotlog_archive_name(name, sizeof name, rotlog_local_date(tomorrow));
	logfiles_join(archive_path, sizeof archive_path, *state, name);
	assert_false(exists(archive_path));
	rotlog_archive_name(name, sizeof name, rotlog_local_date(time(NULL)));
	logfiles_join(archive_path, sizeof archive_path, *state, name);
	assert_false(exists(archive_path));
	content = logfiles_read(path, &length);
	assert_memory_equal(content, "from the future\n", 16);
	assert_true(line_matches(content + 16, length - 16, "INFO", "now"));
	free(content);
}

static void make_archives(const char *dir, int first_day_of_2024, int count)
{
	char name[ROTLOG_ARCHIVE_NAME_MAX], path[512];
	int i;

	for (i = 0; i < count; i++) {
		time_t t = utc(2024, 1, 1, 12, 0, 0) + (time_t)(first_day_of_2024 + i) * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		rotlog_archive_name(name, sizeof name,
				    (struct rotlog_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday});
		logfiles_join(path, sizeof path, dir, name);
		logfiles_write(path, "archived line\n");
	}
}

static bool archive_exists(const char *dir, int day_of_2024)
{
	time_t t = utc(2024, 1, 1, 12, 0, 0) + (time_t)day_of_2024 * 86400;
	char name[ROTLOG_ARCHIVE_NAME_MAX], path[512];
	struct tm tm;

	gmtime_r(&t, &tm);
	rotlog_archive_name(name, sizeof name,
			    (struct rotlog_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday});
	logfiles_join(path, sizeof path, dir, name);
	return exists(path);
}

static void test_retention_at_open_deletes_oldest_archives_but_not_other_files(void **state)
{
	static const char *const others[] = {
		"cashdrawer.log.2000-01-01.gz", "cashdrawer.log.1969-12-31",
		"cashdrawer.log.2019-02-29",    "cashdrawer.log.2001-1-01",
		"Cashdrawer.log.2001-01-01",    "cashdrawer.log.2001-01-01~",
		"cashdrawer.log.old",           "notes.txt",
		"cashdrawer.log.2001-01-01 ",
	};
	char path[512];
	struct rotlog *log;
	size_t i;
	int day;

	make_archives(*state, 0, 35); /* 2024-01-01 .. 2024-02-04 */
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		logfiles_join(path, sizeof path, *state, others[i]);
		logfiles_write(path, "keep me\n");
	}
	log = logfiles_open_log(*state, 30, false);
	rotlog_close(log);
	for (day = 0; day < 35; day++)
		assert_int_equal(archive_exists(*state, day), day >= 5);
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		logfiles_join(path, sizeof path, *state, others[i]);
		assert_true(exists(path));
	}
}

static void test_keeps_30_newest_archives(void **state)
{
	struct rotlog *log;
	int day;

	make_archives(*state, 100, 30);
	log = logfiles_open_log(*state, 30, false);
	rotlog_close(log);
	for (day = 100; day < 130; day++)
		assert_true(archive_exists(*state, day));
	log = logfiles_open_log(*state, 7, false);
	rotlog_close(log);
	for (day = 100; day < 130; day++)
		assert_int_equal(archive_exists(*state, day), day >= 123);
}

static void test_archive_made_at_open_counts_towards_retention(void **state)
{
	time_t yesterday = local_noon(-1);
	char path[512], archive_path[512], name[ROTLOG_ARCHIVE_NAME_MAX];
	struct rotlog *log;
	int day;

	make_archives(*state, 0, 3); /* long before yesterday */
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	logfiles_write(path, "yesterday\n");
	logfiles_set_mtime(path, yesterday);
	log = logfiles_open_log(*state, 3, false);
	rotlog_close(log);
	rotlog_archive_name(name, sizeof name, rotlog_local_date(yesterday));
	logfiles_join(archive_path, sizeof archive_path, *state, name);
	assert_true(exists(archive_path));
	for (day = 0; day < 3; day++)
		assert_int_equal(archive_exists(*state, day), day >= 1);
}

struct writer {
	struct rotlog *log;
	int id;
};

enum { WRITERS = 8, LINES_EACH = 2000 };

static void *write_lines(void *arg)
{
	struct writer *writer = arg;
	int i;

	for (i = 0; i < LINES_EACH; i++)
		rotlog_write(writer->log, ROTLOG_INFO, "thread %d line %d", writer->id, i);
	return NULL;
}

static void test_concurrent_writes_from_8_threads_give_16000_whole_lines(void **state)
{
	static bool seen[WRITERS][LINES_EACH];
	struct writer writers[WRITERS];
	pthread_t threads[WRITERS];
	struct rotlog_health health;
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	char path[512], message[64], *content, *line, *end;
	size_t lines = 0;
	int i, id, number;

	memset(seen, 0, sizeof seen);
	for (i = 0; i < WRITERS; i++) {
		writers[i] = (struct writer){log, i};
		assert_int_equal(pthread_create(&threads[i], NULL, write_lines, &writers[i]), 0);
	}
	for (i = 0; i < WRITERS; i++)
		pthread_join(threads[i], NULL);
	rotlog_get_health(log, &health);
	rotlog_close(log);
	assert_int_equal(health.lines_written, WRITERS * LINES_EACH);
	assert_int_equal(health.write_failures, 0);

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	for (line = content; *line; line = end + 1) {
		end = strchr(line, '\n');
		assert_non_null(end);
		assert_int_equal(sscanf(line + 33, "thread %d line %d", &id, &number), 2);
		assert_true(id >= 0 && id < WRITERS && number >= 0 && number < LINES_EACH);
		snprintf(message, sizeof message, "thread %d line %d", id, number);
		assert_true(line_matches(line, (size_t)(end - line) + 1, "INFO", message));
		assert_false(seen[id][number]);
		seen[id][number] = true;
		lines++;
	}
	assert_int_equal(lines, WRITERS * LINES_EACH);
	free(content);
}

static void test_timestamps_never_go_backwards_in_the_file(void **state)
{
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	struct writer writers[4];
	pthread_t threads[4];
	char path[512], *content, *line, *end, previous[24] = "";
	int i;

	for (i = 0; i < 4; i++) {
		writers[i] = (struct writer){log, i};
		assert_int_equal(pthread_create(&threads[i], NULL, write_lines, &writers[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	rotlog_close(log);
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	for (line = content; *line; line = end + 1) {
		end = strchr(line, '\n');
		assert_true(strncmp(previous, line, 23) <= 0);
		memcpy(previous, line, 23);
	}
	free(content);
}

static void test_write_failure_is_counted_remembered_and_never_fatal(void **state)
{
	char path[512], expected[600];
	struct rotlog_health health;
	struct rotlog *log;

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	log = logfiles_open_log(*state, 30, false);
	logfiles_writes_fail();
	rotlog_write(log, ROTLOG_INFO, "lost");
	rotlog_write(log, ROTLOG_INFO, "lost too");
	rotlog_get_health(log, &health);
	logfiles_writes_back();
	rotlog_close(log);
	assert_false(health.last_write_ok);
	assert_int_equal(health.lines_written, 0);
	assert_int_equal(health.write_failures, 2);
	snprintf(expected, sizeof expected, "écriture de %s : fichier trop grand (EFBIG)", path);
	assert_string_equal(health.last_error, expected);
}

static void test_mirror_stderr_writes_the_same_line_to_fd_2(void **state)
{
	char path[512], capture_path[512], *content, *captured;
	struct rotlog *log = logfiles_open_log(*state, 30, true);
	int saved, capture;

	logfiles_join(capture_path, sizeof capture_path, *state, "stderr.txt");
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	capture = open(capture_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(capture, STDERR_FILENO);
	close(capture);
	rotlog_write(log, ROTLOG_WARNING, "Acc\xc3\xa8s refus\xc3\xa9 \n");
	dup2(saved, STDERR_FILENO);
	close(saved);
	rotlog_close(log);

	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	captured = logfiles_read(capture_path, NULL);
	assert_true(line_matches(content, strlen(content), "WARNING",
				 "Acc\xc3\xa8s refus\xc3\xa9 \\n"));
	assert_string_equal(captured, content);
	free(content);
	free(captured);
}

static void test_path_joins_folder_and_names(void **state)
{
	char dir[512], buf[700], expected[700];
	struct rotlog_date date = {2025, 2, 1};
	struct rotlog *log;

	snprintf(dir, sizeof dir, "%s/logs//", (char *)*state);
	log = logfiles_open_log(dir, 30, false);
	assert_int_equal(rotlog_path(log, NULL, buf, sizeof buf), 0);
	snprintf(expected, sizeof expected, "%s/logs/cashdrawer.log", (char *)*state);
	assert_string_equal(buf, expected);
	assert_int_equal(rotlog_path(log, &date, buf, sizeof buf), 0);
	snprintf(expected, sizeof expected, "%s/logs/cashdrawer.log.2025-02-01", (char *)*state);
	assert_string_equal(buf, expected);
	/* Exactly fitting, then one byte short. */
	assert_int_equal(rotlog_path(log, &date, buf, strlen(expected) + 1), 0);
	assert_int_equal(rotlog_path(log, &date, buf, strlen(expected)), -1);
	assert_string_equal(buf, "");
	assert_int_equal(rotlog_path(log, NULL, buf, 0), -1);
	assert_int_equal(rotlog_path(NULL, NULL, buf, sizeof buf), -1);
	rotlog_close(log);
}

static void test_close_returns_promptly_and_accepts_null(void **state)
{
	struct timespec start, end;
	struct rotlog *log;

	rotlog_close(NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	log = logfiles_open_log(*state, 30, false);
	usleep(20000); /* let the midnight thread reach its wait */
	rotlog_close(log);
	clock_gettime(CLOCK_MONOTONIC, &end);
	assert_true((end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000 < 1000);
}

static void test_write_and_health_accept_null_log(void **state)
{
	struct rotlog_health health;

	(void)state;
	rotlog_write(NULL, ROTLOG_INFO, "nowhere");
	memset(&health, 'x', sizeof health);
	rotlog_get_health(NULL, &health);
	assert_int_equal(health.lines_written, 0);
	assert_int_equal(health.write_failures, 0);
	assert_string_equal(health.last_error, "");
	rotlog_get_health(NULL, NULL);
}

#define IO_TEST(name) cmocka_unit_test_setup_teardown(name, logfiles_make_dir, logfiles_remove_dir)
#define ZONE_TEST(name) cmocka_unit_test_setup_teardown(name, NULL, use_paris)

/* ---- routine lines: held for one write, never reordered or lost ---- */

static size_t lines_in(const char *dir)
{
	char path[512], *content;
	size_t lines;

	logfiles_join(path, sizeof path, dir, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	lines = logfiles_count_lines(content);
	free(content);
	return lines;
}

static void test_a_regular_line_writes_held_routine_lines_first_in_order(void **state)
{
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	char path[512], *content, *first, *second, *third;

	rotlog_write_routine(log, ROTLOG_INFO, "probe one");
	rotlog_write_routine(log, ROTLOG_INFO, "probe two");
	rotlog_write(log, ROTLOG_WARNING, "refusal");
	/* read before close: the regular line must have written the held ones */
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	first = strstr(content, "probe one");
	second = strstr(content, "probe two");
	third = strstr(content, "refusal");
	assert_non_null(first);
	assert_non_null(second);
	assert_non_null(third);
	assert_true(first < second && second < third);
	assert_int_equal(logfiles_count_lines(content), 3);
	free(content);
	rotlog_close(log);
}

static void test_held_routine_lines_reach_the_file_within_the_flush_time(void **state)
{
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	struct timespec start, now, pause = {0, 5 * 1000000L};
	long waited_ms = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	rotlog_write_routine(log, ROTLOG_INFO, "probe");
	while (lines_in(*state) < 1 && waited_ms < 2000) {
		nanosleep(&pause, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited_ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
	}
	/* ROTLOG_FLUSH_MS plus scheduling; 2 s means the flush never came */
	assert_in_range(waited_ms, 0, ROTLOG_FLUSH_MS + 400);
	assert_int_equal(lines_in(*state), 1);
	rotlog_close(log);
}

static void test_close_writes_the_held_routine_lines(void **state)
{
	struct rotlog *log = logfiles_open_log(*state, 30, false);

	for (int i = 0; i < 5; i++)
		rotlog_write_routine(log, ROTLOG_INFO, "probe %d", i);
	rotlog_close(log);
	assert_int_equal(lines_in(*state), 5);
}

static void test_routine_lines_beyond_the_buffer_stay_whole_and_in_order(void **state)
{
	enum { COUNT = 2000 }; /* about 100 bytes each: many buffers' worth */
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	char path[512], message[96], *content, *line, *end;
	int expected = 0;

	for (int i = 0; i < COUNT; i++)
		rotlog_write_routine(log, ROTLOG_INFO, "probe %04d %s", i,
				     "................................................");
	rotlog_close(log);
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	for (line = content; *line; line = end + 1) {
		end = strchr(line, '\n');
		assert_non_null(end);
		snprintf(message, sizeof message, "probe %04d %s", expected,
			 "................................................");
		assert_true(line_matches(line, (size_t)(end - line) + 1, "INFO", message));
		expected++;
	}
	assert_int_equal(expected, COUNT);
	free(content);
}

struct mixed_writer {
	struct rotlog *log;
	int id;
};

static void *write_mixed(void *arg)
{
	struct mixed_writer *writer = arg;

	for (int i = 0; i < 2000; i++) {
		if (i % 3 == 0)
			rotlog_write(writer->log, ROTLOG_INFO, "thread %d line %d", writer->id, i);
		else
			rotlog_write_routine(writer->log, ROTLOG_INFO, "thread %d line %d", writer->id, i);
	}
	return NULL;
}

static void test_mixed_routine_and_regular_writers_lose_no_line(void **state)
{
	struct mixed_writer writers[4];
	pthread_t threads[4];
	struct rotlog *log = logfiles_open_log(*state, 30, false);
	char path[512], *content, *line, *end;
	int last[4] = {-1, -1, -1, -1}, id, number;
	size_t lines = 0;

	for (int i = 0; i < 4; i++) {
		writers[i] = (struct mixed_writer){log, i};
		assert_int_equal(pthread_create(&threads[i], NULL, write_mixed, &writers[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	rotlog_close(log);
	logfiles_join(path, sizeof path, *state, "cashdrawer.log");
	content = logfiles_read(path, NULL);
	for (line = content; *line; line = end + 1) {
		end = strchr(line, '\n');
		assert_non_null(end);
		assert_int_equal(sscanf(line + 33, "thread %d line %d", &id, &number), 2);
		assert_true(id >= 0 && id < 4);
		/* each thread's lines keep their order, held or not */
		assert_int_equal(number, last[id] + 1);
		last[id] = number;
		lines++;
	}
	assert_int_equal(lines, 4 * 2000);
	free(content);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_names_are_those_of_python_logging),
		cmocka_unit_test(test_unknown_level_is_named_unknown),
		cmocka_unit_test(test_line_has_comma_milliseconds_and_level),
		cmocka_unit_test(test_every_level_name_appears_between_dashes),
		cmocka_unit_test(test_all_fields_are_zero_padded),
		cmocka_unit_test(test_last_second_of_the_year_and_leap_second),
		cmocka_unit_test(test_out_of_range_fields_are_clamped_to_keep_the_prefix_fixed_width),
		cmocka_unit_test(test_empty_and_null_messages_give_an_empty_message),
		cmocka_unit_test(test_buffer_below_64_bytes_or_null_tm_gives_empty_string),
		cmocka_unit_test(test_message_that_exactly_fits_is_not_cut),
		cmocka_unit_test(test_message_one_byte_too_long_is_cut_with_dots),
		cmocka_unit_test(test_minimum_64_byte_buffer_holds_warning_prefix_and_dots),
		cmocka_unit_test(test_long_message_is_cut_to_line_max_and_ends_with_dots_newline),
		cmocka_unit_test(test_cut_falls_on_character_boundary_for_every_size),
		cmocka_unit_test(test_newline_in_message_is_escaped),
		cmocka_unit_test(test_decoded_percent_0a_in_url_cannot_forge_a_line),
		cmocka_unit_test(test_carriage_return_and_tab_are_escaped),
		cmocka_unit_test(test_other_control_bytes_and_del_are_hex_escaped),
		cmocka_unit_test(test_every_single_byte_is_kept_or_escaped_as_specified),
		cmocka_unit_test(test_printable_ascii_and_backslash_pass_unchanged),
		cmocka_unit_test(test_valid_utf8_french_accents_euro_and_emoji_pass_unchanged),
		cmocka_unit_test(test_every_two_byte_sequence_is_kept_unless_a_c1_control),
		cmocka_unit_test(test_c1_controls_and_unicode_line_separators_are_escaped),
		cmocka_unit_test(test_invalid_utf8_bytes_are_hex_escaped_one_by_one),
		cmocka_unit_test(test_truncated_sequences_are_escaped_and_next_character_kept),
		cmocka_unit_test(test_overlong_encodings_are_escaped),
		cmocka_unit_test(test_surrogates_and_code_points_above_10ffff_are_escaped),
		cmocka_unit_test(test_random_bytes_always_give_one_clean_line),
		cmocka_unit_test(test_archive_name_is_basename_dot_iso_date),
		cmocka_unit_test(test_archive_name_max_fits_exactly),
		cmocka_unit_test(test_archive_name_parses_back_to_its_date),
		cmocka_unit_test(test_logs_without_query_is_todays_file),
		cmocka_unit_test(test_logs_date_of_a_real_day_is_that_days_archive),
		cmocka_unit_test(test_logs_date_without_value_or_empty_is_a_bad_date),
		cmocka_unit_test(test_logs_date_not_strict_or_not_a_day_is_a_bad_date),
		cmocka_unit_test(test_logs_date_followed_by_a_decoded_nul_is_a_bad_date),
		cmocka_unit_test(test_logs_date_value_need_not_be_nul_terminated),
		cmocka_unit_test(test_logs_unknown_key_or_two_arguments_is_a_bad_query),
		cmocka_unit_test(test_parse_date_accepts_real_days),
		cmocka_unit_test(test_feb_29_exists_only_in_leap_years),
		cmocka_unit_test(test_parse_date_knows_every_month_length),
		cmocka_unit_test(test_parse_date_rejects_anything_not_strict),
		cmocka_unit_test(test_is_archive_name_accepts_only_the_exact_form),
		cmocka_unit_test(test_fewer_archives_than_keep_expires_nothing),
		cmocka_unit_test(test_exactly_keep_archives_expires_nothing),
		cmocka_unit_test(test_more_archives_than_keep_expires_the_oldest),
		cmocka_unit_test(test_unsorted_names_are_ordered_by_date_not_position),
		cmocka_unit_test(test_duplicate_names_are_one_archive_and_share_one_fate),
		cmocka_unit_test(test_non_archive_names_are_never_expired),
		cmocka_unit_test(test_keep_0_expires_every_archive),
		cmocka_unit_test(test_no_names_expires_nothing),
		cmocka_unit_test(test_keeps_30_newest_of_100_archives_in_any_order),
		cmocka_unit_test(test_local_date_follows_paris_not_utc),
		cmocka_unit_test(test_next_midnight_of_an_ordinary_day),
		cmocka_unit_test(test_next_midnight_across_dst_spring_forward),
		cmocka_unit_test(test_next_midnight_across_dst_fall_back),
		cmocka_unit_test(test_days_of_2025_last_24_hours_except_two),
		cmocka_unit_test(test_next_midnight_is_first_second_of_the_following_day_all_year),
		ZONE_TEST(test_next_midnight_where_midnight_is_skipped),
		ZONE_TEST(test_next_midnight_where_midnight_happens_twice),
		IO_TEST(test_open_creates_missing_folders_and_the_file),
		IO_TEST(test_open_rejects_missing_options_with_a_message),
		IO_TEST(test_open_fails_with_path_and_cause_when_folder_is_a_file),
		IO_TEST(test_written_lines_have_the_exact_format),
		IO_TEST(test_message_with_newline_stays_one_line_in_the_file),
		IO_TEST(test_long_message_is_written_as_one_cut_line),
		IO_TEST(test_health_counts_lines_and_starts_without_error),
		IO_TEST(test_lines_are_appended_to_a_file_written_today),
		IO_TEST(test_file_from_yesterday_is_archived_at_open),
		IO_TEST(test_file_archived_at_open_is_appended_to_an_existing_archive),
		IO_TEST(test_empty_file_from_yesterday_makes_no_archive),
		IO_TEST(test_file_from_a_later_day_is_kept_and_appended_to),
		IO_TEST(test_retention_at_open_deletes_oldest_archives_but_not_other_files),
		IO_TEST(test_keeps_30_newest_archives),
		IO_TEST(test_archive_made_at_open_counts_towards_retention),
		IO_TEST(test_concurrent_writes_from_8_threads_give_16000_whole_lines),
		IO_TEST(test_timestamps_never_go_backwards_in_the_file),
		IO_TEST(test_write_failure_is_counted_remembered_and_never_fatal),
		IO_TEST(test_mirror_stderr_writes_the_same_line_to_fd_2),
		IO_TEST(test_path_joins_folder_and_names),
		IO_TEST(test_a_regular_line_writes_held_routine_lines_first_in_order),
		IO_TEST(test_held_routine_lines_reach_the_file_within_the_flush_time),
		IO_TEST(test_close_writes_the_held_routine_lines),
		IO_TEST(test_routine_lines_beyond_the_buffer_stay_whole_and_in_order),
		IO_TEST(test_mixed_routine_and_regular_writers_lose_no_line),
		IO_TEST(test_close_returns_promptly_and_accepts_null),
		cmocka_unit_test(test_write_and_health_accept_null_log),
	};

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
