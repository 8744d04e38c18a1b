/* Rotating log, pure part: line format and escaping, archive names and
 * dates, which archives retention deletes, and when local midnight is. */
#include "log/rotlog.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ARCHIVE_PREFIX ROTLOG_BASENAME "."
/* No local day lasts 48 h, so the next midnight is within two days of t. */
#define TWO_DAYS (2 * 24 * 60 * 60)

const char *rotlog_level_name(enum rotlog_level level)
{
	switch (level) {
	case ROTLOG_DEBUG:
		return "DEBUG";
	case ROTLOG_INFO:
		return "INFO";
	case ROTLOG_WARNING:
		return "WARNING";
	case ROTLOG_ERROR:
		return "ERROR";
	}
	return "UNKNOWN";
}

static int clamp(int value, int low, int high)
{
	return value < low ? low : value > high ? high : value;
}

/* Length of the valid UTF-8 sequence starting at s (1..4), or 0 when s does
 * not start one. RFC 3629 table: no overlong forms, no surrogates, nothing
 * above U+10FFFF. Stops at the first bad byte, so never reads past a NUL. */
static size_t utf8_length(const unsigned char *s)
{
	unsigned char low = 0x80, high = 0xbf;
	size_t length, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		length = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		length = 3;
		low = s[0] == 0xe0 ? 0xa0 : 0x80;
		high = s[0] == 0xed ? 0x9f : 0xbf;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		length = 4;
		low = s[0] == 0xf0 ? 0x90 : 0x80;
		high = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	if (s[1] < low || s[1] > high)
		return 0;
	for (i = 2; i < length; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return length;
}

/* Valid UTF-8 that still breaks lines for some readers: the C1 controls
 * (U+0085 is a newline to many tools) and U+2028/U+2029, which Python's
 * str.splitlines() treats as line ends. */
static bool is_hidden_break(const unsigned char *s, size_t length)
{
	if (length == 2)
		return s[0] == 0xc2 && s[1] < 0xa0;
	return length == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9);
}

/* Renders the character at s as it appears in a line (copied, or escaped)
 * into out (at most 12 bytes). Returns the number of message bytes used. */
static size_t escape_character(const unsigned char *s, char *out, size_t *outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t length = utf8_length(s), escaped, i;

	if (length == 1 && s[0] >= 0x20 && s[0] < 0x7f) {
		out[0] = (char)s[0];
		*outlen = 1;
		return 1;
	}
	if (length == 1 && (s[0] == '\n' || s[0] == '\r' || s[0] == '\t')) {
		out[0] = '\\';
		out[1] = s[0] == '\n' ? 'n' : s[0] == '\r' ? 'r' : 't';
		*outlen = 2;
		return 1;
	}
	if (length > 1 && !is_hidden_break(s, length)) {
		memcpy(out, s, length);
		*outlen = length;
		return length;
	}
	/* Controls, bytes of invalid UTF-8 (one at a time, so the next valid
	 * character survives) and hidden line breaks: \xHH per byte. */
	escaped = length ? length : 1;
	for (i = 0; i < escaped; i++) {
		out[4 * i] = '\\';
		out[4 * i + 1] = 'x';
		out[4 * i + 2] = hex[s[i] >> 4];
		out[4 * i + 3] = hex[s[i] & 0xf];
	}
	*outlen = 4 * escaped;
	return escaped;
}

size_t rotlog_format_line(char *buf, size_t size, const struct tm *tm, int ms,
			  enum rotlog_level level, const char *message)
{
	const unsigned char *s = (const unsigned char *)(message ? message : "");
	size_t length, limit, cut;
	char piece[16];
	int prefix;

	if (!buf || size < 64 || !tm) {
		if (buf && size)
			buf[0] = '\0';
		return 0;
	}
	/* Clamped fields keep the prefix fixed-width (at most 36 bytes), so it
	 * always fits in 64 with room for "...\n". */
	prefix = snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d,%03d - %s - ",
			  clamp(tm->tm_year, -1900, 9999 - 1900) + 1900,
			  clamp(tm->tm_mon, 0, 11) + 1, clamp(tm->tm_mday, 1, 31),
			  clamp(tm->tm_hour, 0, 23), clamp(tm->tm_min, 0, 59),
			  clamp(tm->tm_sec, 0, 60), clamp(ms, 0, 999), rotlog_level_name(level));
	length = (size_t)prefix;
	limit = size - 2; /* room for '\n' and NUL */
	cut = length;     /* last character boundary that leaves room for "..." */
	while (*s) {
		size_t piece_length, used = escape_character(s, piece, &piece_length);

		if (length + piece_length > limit) {
			memcpy(buf + cut, "...", 3);
			length = cut + 3;
			break;
		}
		memcpy(buf + length, piece, piece_length);
		length += piece_length;
		s += used;
		if (length + 3 <= limit)
			cut = length;
	}
	buf[length++] = '\n';
	buf[length] = '\0';
	return length;
}

void rotlog_archive_name(char *buf, size_t size, struct rotlog_date date)
{
	if (!buf || !size)
		return;
	snprintf(buf, size, ARCHIVE_PREFIX "%04d-%02d-%02d", date.year, date.month, date.day);
}

static bool is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

int rotlog_parse_date(const char *text, struct rotlog_date *date)
{
	struct rotlog_date parsed;
	int i;

	if (!text)
		return -1;
	/* By hand: sscanf would accept spaces, signs and short fields. */
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (text[i] != '-')
				return -1;
		} else if (text[i] < '0' || text[i] > '9') {
			return -1;
		}
	}
	if (text[10] != '\0')
		return -1;
	parsed.year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 +
		      (text[3] - '0');
	parsed.month = (text[5] - '0') * 10 + (text[6] - '0');
	parsed.day = (text[8] - '0') * 10 + (text[9] - '0');
	if (parsed.year < 1970 || parsed.month < 1 || parsed.month > 12 || parsed.day < 1 ||
	    parsed.day > days_in_month(parsed.year, parsed.month))
		return -1;
	if (date)
		*date = parsed;
	return 0;
}

bool rotlog_is_archive_name(const char *name, struct rotlog_date *date)
{
	size_t prefix = sizeof ARCHIVE_PREFIX - 1;

	return name && strncmp(name, ARCHIVE_PREFIX, prefix) == 0 &&
	       rotlog_parse_date(name + prefix, date) == 0;
}

/* Dates as comparable numbers: YYYYMMDD. */
long rotlog_date_key(struct rotlog_date date)
{
	return date.year * 10000L + date.month * 100L + date.day;
}

size_t rotlog_select_expired(const char *const *names, size_t count, unsigned keep,
			     bool *expired)
{
	struct rotlog_date date;
	long oldest_kept = LONG_MAX;
	size_t marked = 0, i;
	unsigned kept;

	if (!expired)
		return 0;
	for (i = 0; i < count; i++)
		expired[i] = false;
	if (!names)
		return 0;
	/* Walks the distinct dates from the newest down, without allocating:
	 * O(count * keep) is nothing for a folder of daily files. Duplicate
	 * names are one file, so they share one fate. */
	for (kept = 0; kept < keep; kept++) {
		long newest_older = -1;

		for (i = 0; i < count; i++) {
			if (!rotlog_is_archive_name(names[i], &date))
				continue;
			if (rotlog_date_key(date) < oldest_kept && rotlog_date_key(date) > newest_older)
				newest_older = rotlog_date_key(date);
		}
		if (newest_older < 0)
			return 0; /* keep or fewer archives */
		oldest_kept = newest_older;
	}
	for (i = 0; i < count; i++) {
		if (rotlog_is_archive_name(names[i], &date) && rotlog_date_key(date) < oldest_kept) {
			expired[i] = true;
			marked++;
		}
	}
	return marked;
}

void rotlog_format_size(char *buf, size_t size, uint64_t bytes)
{
	if (bytes >= 1024 * 1024) {
		uint64_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);

		if (tenths % 10 == 0 || tenths >= 1000)
			snprintf(buf, size, "%llu Mio", (unsigned long long)(tenths + 5) / 10);
		else
			snprintf(buf, size, "%llu,%llu Mio", (unsigned long long)tenths / 10,
				 (unsigned long long)tenths % 10);
	} else if (bytes >= 1024) {
		snprintf(buf, size, "%llu Kio", (unsigned long long)(bytes + 512) / 1024);
	} else {
		snprintf(buf, size, "%llu octets", (unsigned long long)bytes);
	}
}

size_t rotlog_select_over_budget(const int64_t *sizes, size_t count, int64_t budget,
				 bool *expired)
{
	int64_t left = 0;
	size_t marked = 0, i;

	for (i = 0; i < count; i++)
		if (!expired[i])
			left += sizes[i];
	for (i = 0; i < count && left > budget; i++) {
		if (expired[i])
			continue;
		expired[i] = true;
		left -= sizes[i];
		marked++;
	}
	return marked;
}

struct rotlog_date rotlog_local_date(time_t t)
{
	struct rotlog_date date = {0, 0, 0};
	struct tm tm;

	if (localtime_r(&t, &tm)) {
		date.year = tm.tm_year + 1900;
		date.month = tm.tm_mon + 1;
		date.day = tm.tm_mday;
	}
	return date;
}

static bool is_later_day(time_t t, struct rotlog_date day)
{
	return rotlog_date_key(rotlog_local_date(t)) > rotlog_date_key(day);
}

time_t rotlog_next_midnight(time_t t)
{
	struct rotlog_date today;
	time_t guess, before, after;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return t + 24 * 60 * 60; /* beyond the calendar: just make progress */
	today = rotlog_local_date(t);
	tm.tm_mday += 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	guess = mktime(&tm);
	if (guess != (time_t)-1 && guess > t && is_later_day(guess, today) &&
	    !is_later_day(guess - 1, today))
		return guess;
	/* Zones that change DST at 00:00 skip or repeat midnight, and mktime
	 * may then land an hour off: search for the day's first second. */
	before = t;
	after = t + TWO_DAYS;
	while (after - before > 1) {
		time_t middle = before + (after - before) / 2;

		if (is_later_day(middle, today))
			after = middle;
		else
			before = middle;
	}
	return after;
}

size_t rotlog_whole_lines_length(const char *text, size_t length)
{
	while (length > 0 && text[length - 1] != '\n')
		length--;
	return length;
}
