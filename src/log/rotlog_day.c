/* The day's file: today's share of log_max_mb for routine lines, the cap
 * kept by deleting the oldest archives, the rotation at midnight, and the
 * day a file found at start belongs to (the lock held throughout). */
#include "log/rotlog_internal.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

/* Over the cap with nothing left to delete, the folder is listed again
 * after today's file grew this much, not at every line. */
#define CAP_RETRY_BYTES (64 * 1024)

/* Today's share of the cap for routine lines: the days kept and today each
 * get as much, so a flood of probes on any number of days never pushes an
 * archive out early. */
static uint64_t routine_share(const struct rotlog *log)
{
	return log->max_bytes / ((uint64_t)log->retention_days + 1);
}

/* Whether a line that may be dropped is left out: today's file holds its
 * share. The first one left out says so, once a day. Lock held. */
bool rotlog_leave_out(struct rotlog *log, size_t length)
{
	char share[32], cap[32];

	if (log->max_bytes == 0 ||
	    (uint64_t)log->current_size + log->held_length + length <= routine_share(log))
		return false;
	log->routine_left_out++;
	if (!log->routine_said) {
		log->routine_said = true;
		rotlog_format_size(share, sizeof share, routine_share(log));
		rotlog_format_size(cap, sizeof cap, log->max_bytes);
		rotlog_notice(log, ROTLOG_WARNING,
			      "Journal du jour à sa part de log_max_mb (%s sur %s, pour %u jours gardés "
			      "et aujourd'hui) : les lignes courantes (sondes /status, 404 du réseau) "
			      "ne sont plus écrites jusqu'à minuit, seulement comptées",
			      share, cap, log->retention_days);
	}
	return true;
}

/* Retention, and the line saying what the size cap deleted. Lock held. */
void rotlog_retain(struct rotlog *log)
{
	char notice[ROTLOG_LINE_MAX];

	rotlog_apply_retention(log, notice, sizeof notice);
	if (notice[0] != '\0')
		rotlog_notice(log, ROTLOG_WARNING, "%s", notice);
}

/* The cap, after each line: the oldest archives go while the folder weighs
 * more (the archives' sizes are known; today's is kept up to date). Lock held. */
void rotlog_keep_under_cap(struct rotlog *log)
{
	char cap[32];

	if (log->max_bytes == 0 ||
	    (uint64_t)(log->current_size + log->archives_size) <= log->max_bytes ||
	    log->current_size < log->cap_retry_size)
		return;
	if (log->archives_size > 0)
		rotlog_retain(log);
	/* still over (an archive that cannot be deleted): the folder is listed
	 * again only once today's file has grown some more */
	if ((uint64_t)(log->current_size + log->archives_size) > log->max_bytes)
		log->cap_retry_size = log->current_size + CAP_RETRY_BYTES;
	if ((uint64_t)log->current_size > log->max_bytes && !log->over_cap_said) {
		log->over_cap_said = true;
		rotlog_format_size(cap, sizeof cap, log->max_bytes);
		rotlog_notice(log, ROTLOG_WARNING,
			      "Journal du jour au-delà de log_max_mb (%s) à lui seul : les ouvertures, "
			      "les refus et les erreurs sont toujours écrits (augmentez log_max_mb "
			      "ou cherchez qui inonde le service)",
			      cap);
	}
}

static void start_day(struct rotlog *log, time_t now)
{
	log->day = rotlog_local_date(now);
	log->next_midnight = rotlog_next_midnight(now);
}

/* Called with the lock held once the clock reached log->next_midnight. */
void rotlog_rotate(struct rotlog *log, time_t now)
{
	struct rotlog_date ended = log->day;
	uint64_t left_out = log->routine_left_out;
	int rc;

	rotlog_flush_held(log); /* those lines belong to the day that ends */
	if (rotlog_archive_current(log, log->day))
		log->line_open = false;
	start_day(log, now);
	log->routine_left_out = 0;
	log->routine_said = log->over_cap_said = false;
	log->cap_retry_size = 0;
	rc = rotlog_open_current(log);
	if (rc < 0) /* later writes try again */
		rotlog_remember_error(log, -rc, "ouverture de %s", log->current_path);
	rotlog_retain(log);
	if (left_out > 0)
		rotlog_notice(log, ROTLOG_WARNING,
			      "%llu ligne%s courante%s non écrite%s le %04d-%02d-%02d (part du jour de "
			      "log_max_mb atteinte)",
			      (unsigned long long)left_out, left_out > 1 ? "s" : "",
			      left_out > 1 ? "s" : "", left_out > 1 ? "s" : "", ended.year,
			      ended.month, ended.day);
}

/* Decides which day the lines already in the file belong to. From an
 * earlier day: archived now. From a later day (the clock is behind, as on a
 * box without a clock battery that boots in 1970): kept under its own day,
 * since labelling it with today's would let retention expire it early. */
void rotlog_adopt_existing(struct rotlog *log, time_t now, time_t modified)
{
	struct rotlog_date written;
	struct rotlog_file_info info;

	start_day(log, now);
	if (rotlog_file_inspect(log->current_path, &info) < 0 || info.size == 0)
		return;
	written = rotlog_local_date(modified);
	if (rotlog_date_key(written) < rotlog_date_key(log->day)) {
		rotlog_archive_current(log, written);
	} else if (rotlog_date_key(written) > rotlog_date_key(log->day)) {
		log->day = written;
		log->next_midnight = rotlog_next_midnight(modified);
	}
}
