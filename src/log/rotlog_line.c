/* The log, one line at a time: a line written now after the routine
 * lines held, the lines held written in one go, the summaries of lines
 * clients were kept from writing (the lock held throughout). */
#include "log/rotlog_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"

/* Writes the routine lines held, in one write. Lock held. */
void rotlog_flush_held(struct rotlog *log)
{
	if (log->held_length == 0)
		return;
	rotlog_write_lines(log, log->held + 1, log->held_length, log->held_lines);
	log->held_length = 0;
	log->held_lines = 0;
}

bool rotlog_flush_is_due(const struct rotlog *log, const struct timespec *now)
{
	int64_t held_ms = (int64_t)(now->tv_sec - log->held_since.tv_sec) * 1000 +
			  (now->tv_nsec - log->held_since.tv_nsec) / 1000000;

	/* a clock set back also flushes, rather than holding lines for long */
	return log->held_length > 0 && (held_ms >= ROTLOG_FLUSH_MS || held_ms < 0);
}

/* The broken-down local time of now, for the line's date (lock held). */
const struct tm *rotlog_local_tm(struct rotlog *log, time_t now)
{
	if (!log->cache_valid || now != log->cached_second) {
		if (!localtime_r(&now, &log->cached_tm))
			memset(&log->cached_tm, 0, sizeof log->cached_tm);
		log->cached_second = now;
		log->cache_valid = true;
	}
	return &log->cached_tm;
}

/* Formats and writes one line now, after the routine lines held (lock held). */
static void write_now(struct rotlog *log, enum rotlog_level level, const struct timespec *now,
		      const char *message)
{
	/* One spare byte in front: see rotlog_write_lines. */
	char line[1 + ROTLOG_LINE_MAX];
	size_t length = rotlog_format_line(line + 1, ROTLOG_LINE_MAX, rotlog_local_tm(log, now->tv_sec),
					   (int)(now->tv_nsec / 1000000), level, message);

	rotlog_flush_held(log);
	rotlog_write_lines(log, line + 1, length, 1);
	rotlog_mirror_line(log, level, now, line + 1, length);
}

void rotlog_notice(struct rotlog *log, enum rotlog_level level, const char *format, ...)
{
	char message[ROTLOG_LINE_MAX];
	struct timespec now;
	va_list args;

	va_start(args, format);
	vsnprintf(message, sizeof message, format, args);
	va_end(args);
	clock_gettime(CLOCK_REALTIME, &now);
	write_now(log, level, &now, message);
}

/* The summaries of lines clients were kept from writing (rotlog_limit.c):
 * key's own (NULL: those due, or all when every). Lock held. */
void rotlog_write_summaries(struct rotlog *log, const char *key, bool every)
{
	struct rotlog_summary summary;
	char message[ROTLOG_LINE_MAX];
	struct tm since;

	while (rotlog_limit_take_summary(&log->limit, key, clock_monotonic_ms(), every, &summary)) {
		rotlog_summary_message(message, sizeof message, &summary,
				       localtime_r(&summary.since, &since));
		rotlog_notice(log, ROTLOG_WARNING, "%s", message);
	}
}
