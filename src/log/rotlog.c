/* Rotating log, the file itself: thread-safe lines, the routine ones held for
 * one write, and the midnight thread that rotates it (writing to the file:
 * rotlog_write.c; the archives on disk: rotlog_archive.c). */
#include "rotlog_internal.h"

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

/* The midnight thread re-reads the wall clock at least this often, so a
 * clock set forward while the service is idle is noticed within a minute. */
#define RECHECK_SECONDS 60

/* strerror is not thread-safe everywhere, and strerror_r has a GNU and an
 * XSI form depending on feature macros. */
static const char *error_text(int errnum, char *buf, size_t size)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(errnum, buf, size);
#else
	if (strerror_r(errnum, buf, size) != 0)
		snprintf(buf, size, "error %d", errnum);
	return buf;
#endif
}

void rotlog_describe(char *err, size_t errlen, int errnum, const char *format, ...)
{
	va_list args;
	size_t used;

	if (!err || !errlen)
		return;
	va_start(args, format);
	vsnprintf(err, errlen, format, args);
	va_end(args);
	used = strlen(err);
	if (errnum && used < errlen) {
		char text[128];
		const char *problem = rotlog_file_problem(-errnum);

		/* ELOOP's "Too many levels of symbolic links" would not say it */
		snprintf(err + used, errlen - used, ": %s",
			 problem != NULL ? problem : error_text(errnum, text, sizeof text));
	}
}

int rotlog_join_path(const char *dir, const char *name, char *buf, size_t size)
{
	size_t dir_length = strlen(dir);
	const char *separator = dir_length && dir[dir_length - 1] == '/' ? "" : "/";
	int written;

	if (!buf || !size)
		return -1;
	written = snprintf(buf, size, "%s%s%s", dir, separator, name);
	if (written < 0 || (size_t)written >= size) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

int rotlog_path(const struct rotlog *log, const struct rotlog_date *date, char *buf,
		size_t size)
{
	char name[ROTLOG_ARCHIVE_NAME_MAX];

	if (!log) {
		if (buf && size)
			buf[0] = '\0';
		return -1;
	}
	if (date)
		rotlog_archive_name(name, sizeof name, *date);
	return rotlog_join_path(log->dir, date ? name : ROTLOG_BASENAME, buf, size);
}

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

static void start_day(struct rotlog *log, time_t now)
{
	log->day = rotlog_local_date(now);
	log->next_midnight = rotlog_next_midnight(now);
}

/* Called with the lock held once the clock reached log->next_midnight. */
static void rotate(struct rotlog *log, time_t now)
{
	int rc;

	flush_held(log); /* those lines belong to the day that ends */
	if (rotlog_archive_current(log, log->day))
		log->line_open = false;
	start_day(log, now);
	rc = rotlog_open_current(log);
	if (rc < 0) /* later writes try again */
		rotlog_remember_error(log, -rc, "open %s", log->current_path);
	rotlog_apply_retention(log);
}

/* Sleeps until the next midnight or a minute, whichever comes first, so
 * that an idle service still rotates on time; sooner while routine lines
 * are held, to write them within ROTLOG_FLUSH_MS. */
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
				"log_dir: not set (give the folder for cashdrawer.log)");
		return -EINVAL;
	}
	if (options->retention_days == 0) {
		rotlog_describe(err, errlen, 0,
				"retention_days: 0 would delete every archive (use 1 or more)");
		return -EINVAL;
	}
	return 0;
}

void rotlog_describe_open_failure(const char *path, const char *dir, int rc, char *err,
				  size_t errlen)
{
	char text[128];

	if (rotlog_file_problem(rc) != NULL)
		rotlog_describe(err, errlen, 0,
				"log file %s: %s; the service never writes through it (move it "
				"aside, e.g. rename it cashdrawer.log.moved, then start again; to keep "
				"the log in another folder, set log_dir to that folder)",
				path, rotlog_file_problem(rc));
	else
		rotlog_describe(err, errlen, 0,
				"log file %s: %s (give the service's user write access to %s)", path,
				error_text(-rc, text, sizeof text), dir);
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
		rotlog_describe(err, errlen, ENOMEM, "log %s", options->dir);
		goto out;
	}
	log->fd = -1;
	log->health.last_write_ok = true; /* nothing has failed yet */
	log->retention_days = options->retention_days;
	log->mirror_stderr = options->mirror_stderr;
	log->forward = options->forward;
	log->forward_context = options->forward_context;
	log->dir = strdup(options->dir);
	length = strlen(options->dir);
	log->path_size = length + 1 + ROTLOG_ARCHIVE_NAME_MAX;
	log->current_path = malloc(log->path_size);
	log->archive_path = malloc(log->path_size);
	if (!log->dir || !log->current_path || !log->archive_path) {
		rc = -ENOMEM;
		rotlog_describe(err, errlen, ENOMEM, "log %s", options->dir);
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
		rotlog_describe(err, errlen, -rc, "log %s", log->dir);
		goto out;
	}

	rc = rotlog_make_directories(log->dir);
	if (rc == 0) {
		struct stat st;

		rc = stat(log->dir, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	}
	if (rc < 0) {
		char text[128];

		rotlog_describe(err, errlen, 0,
				"log folder %s: %s (make it a folder the service's user can write to)",
				log->dir, error_text(-rc, text, sizeof text));
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
	rotlog_apply_retention(log);

	/* Signals are for main's thread: the midnight thread blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &previous);
	rc = -pthread_create(&log->thread, NULL, midnight_thread, log);
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	if (rc < 0) {
		rotlog_describe(err, errlen, -rc, "log %s: cannot start the midnight thread",
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

static void log_line(struct rotlog *log, bool routine, enum rotlog_level level,
		     const char *format, va_list args)
{
	char message[ROTLOG_LINE_MAX];
	/* One spare byte in front: see rotlog_write_lines. */
	char line[1 + ROTLOG_LINE_MAX];
	struct timespec now;
	size_t length;

	/* Longer messages are cut by rotlog_format_line anyway. */
	if (vsnprintf(message, sizeof message, format, args) < 0)
		snprintf(message, sizeof message, "(unformattable message: %s)", format);

	pthread_mutex_lock(&log->lock);
	/* Read under the lock, so the file's timestamps never go backwards. */
	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec >= log->next_midnight)
		rotate(log, now.tv_sec);
	if (!log->cache_valid || now.tv_sec != log->cached_second) {
		if (!localtime_r(&now.tv_sec, &log->cached_tm))
			memset(&log->cached_tm, 0, sizeof log->cached_tm);
		log->cached_second = now.tv_sec;
		log->cache_valid = true;
	}
	length = rotlog_format_line(line + 1, ROTLOG_LINE_MAX, &log->cached_tm,
				    (int)(now.tv_nsec / 1000000), level, message);
	if (!routine) {
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
	pthread_mutex_unlock(&log->lock);
}

void rotlog_write(struct rotlog *log, enum rotlog_level level, const char *format, ...)
{
	va_list args;

	if (!log || !format)
		return;
	va_start(args, format);
	log_line(log, false, level, format, args);
	va_end(args);
}

void rotlog_write_routine(struct rotlog *log, enum rotlog_level level, const char *format, ...)
{
	va_list args;

	if (!log || !format)
		return;
	va_start(args, format);
	log_line(log, true, level, format, args);
	va_end(args);
}

void rotlog_get_health(struct rotlog *log, struct rotlog_health *health)
{
	int64_t size;
	enum rotlog_moved moved;

	if (!health)
		return;
	if (!log) {
		memset(health, 0, sizeof *health);
		return;
	}
	pthread_mutex_lock(&log->lock);
	*health = log->health;
	/* the truth now, not as of the last line: a file deleted since would
	 * take the next lines out of sight if the service had not noticed */
	if (log->fd >= 0 && (moved = rotlog_current_moved(log, &size)) != ROTLOG_IN_PLACE) {
		health->last_write_ok = false;
		rotlog_describe(health->last_error, sizeof health->last_error, 0,
				"%s %s while in use (written again in a new file at the next line)",
				log->current_path,
				moved == ROTLOG_DELETED	  ? "deleted"
				: moved == ROTLOG_RENAMED ? "renamed, moved or deleted"
							  : "replaced");
	}
	pthread_mutex_unlock(&log->lock);
}

void rotlog_close(struct rotlog *log)
{
	destroy(log);
}
