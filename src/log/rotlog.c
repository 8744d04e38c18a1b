/* Rotating log, the file itself: thread-safe lines, the routine ones held for
 * one write, and the midnight thread that rotates it (writing to the file:
 * rotlog_write.c; the archives on disk: rotlog_archive.c). */
#include "log/rotlog_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/errno_text.h"

/* The midnight thread re-reads the wall clock at least this often, so a
 * clock set forward while the service is idle is noticed within a minute. */
#define RECHECK_SECONDS 60
/* rotlog_get_health looks at the file's name at most this often. */
#define HEALTH_CHECK_MS 10
/* Over the cap with nothing left to delete, the folder is listed again
 * after today's file grew this much, not at every line. */
#define CAP_RETRY_BYTES (64 * 1024)


/* Writes the routine lines held, in one write. Lock held. */
static void flush_held(struct rotlog *log)
{
	if (log->held_length == 0)
		return;
	rotlog_write_lines(log, log->held + 1, log->held_length, log->held_lines);
	log->held_length = 0;
	log->held_lines = 0;
}

static bool flush_is_due(const struct rotlog *log, const struct timespec *now)
{
	int64_t held_ms = (int64_t)(now->tv_sec - log->held_since.tv_sec) * 1000 +
			  (now->tv_nsec - log->held_since.tv_nsec) / 1000000;

	/* a clock set back also flushes, rather than holding lines for long */
	return log->held_length > 0 && (held_ms >= ROTLOG_FLUSH_MS || held_ms < 0);
}

/* The broken-down local time of now, for the line's date (lock held). */
static const struct tm *local_time(struct rotlog *log, time_t now)
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
	size_t length = rotlog_format_line(line + 1, ROTLOG_LINE_MAX, local_time(log, now->tv_sec),
					   (int)(now->tv_nsec / 1000000), level, message);

	flush_held(log);
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
static void write_summaries(struct rotlog *log, const char *key, bool every)
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

/* Today's share of the cap for routine lines: the days kept and today each
 * get as much, so a flood of probes on any number of days never pushes an
 * archive out early. */
static uint64_t routine_share(const struct rotlog *log)
{
	return log->max_bytes / ((uint64_t)log->retention_days + 1);
}

/* Whether a line that may be dropped is left out: today's file holds its
 * share. The first one left out says so, once a day. Lock held. */
static bool leave_out(struct rotlog *log, size_t length)
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
static void retain(struct rotlog *log)
{
	char notice[ROTLOG_LINE_MAX];

	rotlog_apply_retention(log, notice, sizeof notice);
	if (notice[0] != '\0')
		rotlog_notice(log, ROTLOG_WARNING, "%s", notice);
}

/* The cap, after each line: the oldest archives go while the folder weighs
 * more (the archives' sizes are known; today's is kept up to date). Lock held. */
static void keep_under_cap(struct rotlog *log)
{
	char cap[32];

	if (log->max_bytes == 0 ||
	    (uint64_t)(log->current_size + log->archives_size) <= log->max_bytes ||
	    log->current_size < log->cap_retry_size)
		return;
	if (log->archives_size > 0)
		retain(log);
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
static void rotate(struct rotlog *log, time_t now)
{
	struct rotlog_date ended = log->day;
	uint64_t left_out = log->routine_left_out;
	int rc;

	flush_held(log); /* those lines belong to the day that ends */
	if (rotlog_archive_current(log, log->day))
		log->line_open = false;
	start_day(log, now);
	log->routine_left_out = 0;
	log->routine_said = log->over_cap_said = false;
	log->cap_retry_size = 0;
	rc = rotlog_open_current(log);
	if (rc < 0) /* later writes try again */
		rotlog_remember_error(log, -rc, "ouverture de %s", log->current_path);
	retain(log);
	if (left_out > 0)
		rotlog_notice(log, ROTLOG_WARNING,
			      "%llu ligne%s courante%s non écrite%s le %04d-%02d-%02d (part du jour de "
			      "log_max_mb atteinte)",
			      (unsigned long long)left_out, left_out > 1 ? "s" : "",
			      left_out > 1 ? "s" : "", left_out > 1 ? "s" : "", ended.year,
			      ended.month, ended.day);
}

/* The wall-clock deadline of the next summary, when sooner than *deadline. */
static void summary_deadline(const struct rotlog *log, const struct timespec *now,
			     struct timespec *deadline)
{
	int64_t due = rotlog_limit_next_due(&log->limit), wait_ms;
	struct timespec at;

	if (due == INT64_MAX)
		return;
	wait_ms = due - clock_monotonic_ms();
	if (wait_ms < 0)
		wait_ms = 0;
	at.tv_sec = now->tv_sec + (time_t)(wait_ms / 1000);
	at.tv_nsec = now->tv_nsec + (long)(wait_ms % 1000) * 1000000L;
	if (at.tv_nsec >= 1000000000L) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000L;
	}
	if (at.tv_sec < deadline->tv_sec ||
	    (at.tv_sec == deadline->tv_sec && at.tv_nsec < deadline->tv_nsec))
		*deadline = at;
}

/* Sleeps until the next midnight or a minute, whichever comes first, so
 * that an idle service still rotates on time; sooner while routine lines
 * are held, to write them within ROTLOG_FLUSH_MS, and when a summary of
 * lines left out falls due. */
static void *midnight_thread(void *arg)
{
	struct rotlog *log = arg;
	struct timespec now, deadline;

	pthread_mutex_lock(&log->lock);
	while (!log->stopping) {
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec >= log->next_midnight)
			rotate(log, now.tv_sec);
		if (flush_is_due(log, &now))
			flush_held(log);
		write_summaries(log, NULL, false);
		deadline.tv_sec = log->next_midnight;
		deadline.tv_nsec = 0;
		if (now.tv_sec + RECHECK_SECONDS < deadline.tv_sec)
			deadline.tv_sec = now.tv_sec + RECHECK_SECONDS;
		if (log->held_length > 0) {
			/* from now, not from held_since: the lines were not due, so
			 * the wait is at most ROTLOG_FLUSH_MS even after a clock step */
			int64_t left_ms = ROTLOG_FLUSH_MS -
					  ((int64_t)(now.tv_sec - log->held_since.tv_sec) * 1000 +
					   (now.tv_nsec - log->held_since.tv_nsec) / 1000000);

			deadline = now;
			deadline.tv_nsec += (long)left_ms * 1000000L;
			while (deadline.tv_nsec >= 1000000000L) {
				deadline.tv_sec++;
				deadline.tv_nsec -= 1000000000L;
			}
		}
		summary_deadline(log, &now, &deadline);
		pthread_cond_timedwait(&log->wake, &log->lock, &deadline);
	}
	pthread_mutex_unlock(&log->lock);
	return NULL;
}

/* Decides which day the lines already in the file belong to. From an
 * earlier day: archived now. From a later day (the clock is behind, as on a
 * box without a clock battery that boots in 1970): kept under its own day,
 * since labelling it with today's would let retention expire it early. */
static void adopt_existing_file(struct rotlog *log, time_t now, time_t modified)
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

/* What was left out, said (lock held). */
static void sum_up(struct rotlog *log)
{
	uint64_t left_out = log->routine_left_out;

	write_summaries(log, NULL, true);
	if (left_out > 0)
		rotlog_notice(log, ROTLOG_WARNING,
			      "%llu ligne%s courante%s non écrite%s aujourd'hui jusqu'à l'arrêt (part "
			      "du jour de log_max_mb atteinte)",
			      (unsigned long long)left_out, left_out > 1 ? "s" : "",
			      left_out > 1 ? "s" : "", left_out > 1 ? "s" : "");
	/* said: the lines left out from now on are counted afresh */
	log->routine_left_out = 0;
}

static void destroy(struct rotlog *log)
{
	if (!log)
		return;
	if (log->thread_started) {
		pthread_mutex_lock(&log->lock);
		log->stopping = true;
		pthread_cond_signal(&log->wake);
		pthread_mutex_unlock(&log->lock);
		pthread_join(log->thread, NULL);
		sum_up(log); /* the thread is gone: nobody else writes */
	}
	if (log->lock_ready)
		flush_held(log); /* the thread is gone: nobody else writes */
	if (log->fd >= 0)
		close(log->fd);
	if (log->wake_ready)
		pthread_cond_destroy(&log->wake);
	if (log->lock_ready)
		pthread_mutex_destroy(&log->lock);
	free(log->archive_path);
	free(log->current_path);
	free(log->dir);
	free(log);
}

static int check_options(struct rotlog **out, const struct rotlog_options *options, char *err,
			 size_t errlen)
{
	if (!out || !options || !options->dir || !options->dir[0]) {
		rotlog_describe(err, errlen, 0,
				"log_dir : non réglé (donnez le dossier de cashdrawer.log)");
		return -EINVAL;
	}
	if (options->retention_days == 0) {
		rotlog_describe(err, errlen, 0,
				"retention_days : 0 supprimerait toutes les archives (mettez 1 ou plus)");
		return -EINVAL;
	}
	return 0;
}

int rotlog_open(struct rotlog **out, const struct rotlog_options *options, char *err,
		size_t errlen)
{
	struct rotlog *log = NULL;
	sigset_t all, previous;
	pthread_condattr_t attributes;
	struct timespec now;
	struct rotlog_file_info info;
	time_t modified;
	char torn[256];
	size_t length, torn_length = 0;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (out)
		*out = NULL;
	rc = check_options(out, options, err, errlen);
	if (rc < 0)
		goto out;
	log = calloc(1, sizeof *log);
	if (!log) {
		rc = -ENOMEM;
		rotlog_describe(err, errlen, ENOMEM, "journal %s", options->dir);
		goto out;
	}
	log->fd = -1;
	log->health.last_write_ok = true; /* nothing has failed yet */
	log->retention_days = options->retention_days;
	log->max_bytes = options->max_bytes;
	log->mirror_stderr = options->mirror_stderr;
	log->forward = options->forward;
	log->forward_context = options->forward_context;
	rotlog_limit_init(&log->limit);
	log->dir = strdup(options->dir);
	length = strlen(options->dir);
	log->path_size = length + 1 + ROTLOG_ARCHIVE_NAME_MAX;
	log->current_path = malloc(log->path_size);
	log->archive_path = malloc(log->path_size);
	if (!log->dir || !log->current_path || !log->archive_path) {
		rc = -ENOMEM;
		rotlog_describe(err, errlen, ENOMEM, "journal %s", options->dir);
		goto out;
	}
	while (length > 1 && log->dir[length - 1] == '/')
		log->dir[--length] = '\0';
	rotlog_join_path(log->dir, ROTLOG_BASENAME, log->current_path, log->path_size);

	rc = -pthread_mutex_init(&log->lock, NULL);
	log->lock_ready = rc == 0;
	if (rc == 0 && (rc = -pthread_condattr_init(&attributes)) == 0) {
		/* Midnight is a wall-clock instant: wait on the wall clock. */
		rc = -pthread_condattr_setclock(&attributes, CLOCK_REALTIME);
		if (rc == 0)
			rc = -pthread_cond_init(&log->wake, &attributes);
		log->wake_ready = rc == 0;
		pthread_condattr_destroy(&attributes);
	}
	if (rc < 0) {
		rotlog_describe(err, errlen, -rc, "journal %s", log->dir);
		goto out;
	}

	rc = rotlog_make_directories(log->dir);
	if (rc == 0) {
		struct stat st;

		rc = stat(log->dir, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	}
	if (rc < 0) {
		rotlog_describe(err, errlen, 0,
				"dossier du journal %s : %s (faites-en un dossier où l'utilisateur du "
				"service peut écrire)",
				log->dir, errno_text(-rc));
		goto out;
	}

	tzset(); /* localtime_r need not read TZ itself */
	clock_gettime(CLOCK_REALTIME, &now);
	/* the day the lines are from, before cutting a torn line changes it; a
	 * link is judged by its own date, and refused just below */
	modified = rotlog_file_inspect(log->current_path, &info) == 0 ? info.modified : now.tv_sec;
	rc = rotlog_cut_torn_tail(log->current_path, torn, sizeof torn, &torn_length,
				  &log->line_open);
	if (rc == 0) {
		adopt_existing_file(log, now.tv_sec, modified);
		rc = rotlog_open_current(log);
	}
	if (rc < 0) {
		rotlog_describe_open_failure(log->current_path, log->dir, rc, err, errlen);
		goto out;
	}
	retain(log);

	/* Signals are for main's thread: the midnight thread blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &previous);
	rc = -pthread_create(&log->thread, NULL, midnight_thread, log);
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	if (rc < 0) {
		rotlog_describe(err, errlen, -rc, "journal %s : impossible de lancer le fil de minuit",
				log->dir);
		goto out;
	}
	log->thread_started = true;
	if (torn_length > 0)
		rotlog_write(log, ROTLOG_WARNING,
			     "Fin de journal incomplète retirée (service arrêté net au milieu d'une "
			     "écriture ?) : %zu octets « %s »",
			     torn_length, torn);
	*out = log;
	log = NULL;
out:
	destroy(log);
	return rc;
}

static void log_line(struct rotlog *log, const char *client, unsigned flags,
		     enum rotlog_level level, const char *format, va_list args)
{
	char message[ROTLOG_LINE_MAX], key[ROTLOG_CLIENT_KEY_MAX];
	/* One spare byte in front: see rotlog_write_lines. */
	char line[1 + ROTLOG_LINE_MAX];
	struct timespec now;
	bool loopback;
	size_t length;

	/* Longer messages are cut by rotlog_format_line anyway. */
	if (vsnprintf(message, sizeof message, format, args) < 0)
		snprintf(message, sizeof message, "(message impossible à mettre en forme : %s)",
			 format);
	if (flags & ROTLOG_LIMITED)
		rotlog_client_key(client, key, sizeof key, &loopback);

	pthread_mutex_lock(&log->lock);
	/* Read under the lock, so the file's timestamps never go backwards. */
	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec >= log->next_midnight)
		rotate(log, now.tv_sec);
	if (flags & ROTLOG_LIMITED) {
		int64_t before = rotlog_limit_next_due(&log->limit);

		if (!rotlog_limit_admit(&log->limit, key, loopback, clock_monotonic_ms(), now.tv_sec)) {
			/* a first line left out: the thread sums it up in time */
			if (rotlog_limit_next_due(&log->limit) < before)
				pthread_cond_signal(&log->wake);
			goto out;
		}
		write_summaries(log, key, false); /* what it was kept from saying, first */
	}
	length = rotlog_format_line(line + 1, ROTLOG_LINE_MAX, local_time(log, now.tv_sec),
				    (int)(now.tv_nsec / 1000000), level, message);
	if ((flags & ROTLOG_MAY_DROP) && leave_out(log, length)) {
		/* left out of the file only: standard error, the journal and
		 * syslog still get it */
	} else if (!(flags & ROTLOG_MAY_WAIT)) {
		flush_held(log);
		rotlog_write_lines(log, line + 1, length, 1);
	} else {
		/* due lines go now: the thread's wait may have been stretched by
		 * the wall clock set back meanwhile */
		if (log->held_length + length > ROTLOG_BUFFER_BYTES || flush_is_due(log, &now))
			flush_held(log);
		if (log->held_length == 0) {
			log->held_since = now;
			pthread_cond_signal(&log->wake); /* the thread flushes in ROTLOG_FLUSH_MS */
		}
		memcpy(log->held + 1 + log->held_length, line + 1, length);
		log->held_length += length;
		log->held_lines++;
	}
	rotlog_mirror_line(log, level, &now, line + 1, length);
	keep_under_cap(log);
out:
	pthread_mutex_unlock(&log->lock);
}

void rotlog_write(struct rotlog *log, enum rotlog_level level, const char *format, ...)
{
	va_list args;

	if (!log || !format)
		return;
	va_start(args, format);
	log_line(log, NULL, 0, level, format, args);
	va_end(args);
}

void rotlog_write_routine(struct rotlog *log, enum rotlog_level level, const char *format, ...)
{
	va_list args;

	if (!log || !format)
		return;
	va_start(args, format);
	log_line(log, NULL, ROTLOG_ROUTINE, level, format, args);
	va_end(args);
}

void rotlog_write_client(struct rotlog *log, const char *client, unsigned flags,
			 enum rotlog_level level, const char *format, ...)
{
	va_list args;

	if (!log || !format)
		return;
	va_start(args, format);
	log_line(log, client, flags, level, format, args);
	va_end(args);
}

void rotlog_get_health(struct rotlog *log, struct rotlog_health *health)
{
	enum rotlog_moved moved;
	int64_t size, now_ms;

	if (!health)
		return;
	if (!log) {
		memset(health, 0, sizeof *health);
		return;
	}
	pthread_mutex_lock(&log->lock);
	*health = log->health;
	/* The truth now, not as of the last line: a file deleted since would
	 * take the next lines out of sight if the service had not noticed.
	 * Looked at every HEALTH_CHECK_MS at most: an lstat per probe, under
	 * the lock the probes take in turn, cost a tenth of a /status. */
	now_ms = clock_monotonic_ms();
	if (log->fd >= 0 &&
	    (now_ms - log->checked_ms >= HEALTH_CHECK_MS || now_ms < log->checked_ms)) {
		log->checked = rotlog_current_moved(log, &size);
		log->checked_ms = now_ms;
	}
	if (log->fd >= 0 && (moved = log->checked) != ROTLOG_IN_PLACE) {
		health->last_write_ok = false;
		rotlog_describe(health->last_error, sizeof health->last_error, 0,
				"%s %s pendant le service (un nouveau fichier commence à la ligne "
				"suivante)",
				log->current_path,
				moved == ROTLOG_DELETED	  ? "supprimé"
				: moved == ROTLOG_RENAMED ? "renommé, déplacé ou supprimé"
							  : "remplacé");
	}
	pthread_mutex_unlock(&log->lock);
}

void rotlog_sum_up(struct rotlog *log)
{
	if (!log)
		return;
	pthread_mutex_lock(&log->lock);
	sum_up(log);
	pthread_mutex_unlock(&log->lock);
}

void rotlog_close(struct rotlog *log)
{
	destroy(log);
}
