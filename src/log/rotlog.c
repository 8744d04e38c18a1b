/* Rotating log, its life: opening it, a client's line (held, limited or
 * written at once), the health it reports, and the midnight thread that
 * rotates it and writes what is due; one line now: rotlog_line.c; the day's
 * file, its cap and rotation: rotlog_day.c; writing to the file:
 * rotlog_write.c; the archives on disk: rotlog_archive.c. */
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
			rotlog_rotate(log, now.tv_sec);
		if (rotlog_flush_is_due(log, &now))
			rotlog_flush_held(log);
		rotlog_write_summaries(log, NULL, false);
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

/* What was left out, said (lock held). */
static void sum_up(struct rotlog *log)
{
	uint64_t left_out = log->routine_left_out;

	rotlog_write_summaries(log, NULL, true);
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
		rotlog_flush_held(log); /* the thread is gone: nobody else writes */
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
		rotlog_adopt_existing(log, now.tv_sec, modified);
		rc = rotlog_open_current(log);
	}
	if (rc < 0) {
		rotlog_describe_open_failure(log->current_path, log->dir, rc, err, errlen);
		goto out;
	}
	rotlog_retain(log);

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

#ifdef CASHDRAWERD_BENCH_NO_LOG_BATCH
	/* bench/tricks.sh's build without the batching: one write per line */
	flags &= ~ROTLOG_MAY_WAIT;
#endif
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
		rotlog_rotate(log, now.tv_sec);
	if (flags & ROTLOG_LIMITED) {
		int64_t before = rotlog_limit_next_due(&log->limit);

		if (!rotlog_limit_admit(&log->limit, key, loopback, clock_monotonic_ms(), now.tv_sec)) {
			/* a first line left out: the thread sums it up in time */
			if (rotlog_limit_next_due(&log->limit) < before)
				pthread_cond_signal(&log->wake);
			goto out;
		}
		rotlog_write_summaries(log, key, false); /* what it was kept from saying, first */
	}
	length = rotlog_format_line(line + 1, ROTLOG_LINE_MAX, rotlog_local_tm(log, now.tv_sec),
				    (int)(now.tv_nsec / 1000000), level, message);
	if ((flags & ROTLOG_MAY_DROP) && rotlog_leave_out(log, length)) {
		/* left out of the file only: standard error, the journal and
		 * syslog still get it */
	} else if (!(flags & ROTLOG_MAY_WAIT)) {
		rotlog_flush_held(log);
		rotlog_write_lines(log, line + 1, length, 1);
	} else {
		/* due lines go now: the thread's wait may have been stretched by
		 * the wall clock set back meanwhile */
		if (log->held_length + length > ROTLOG_BUFFER_BYTES || rotlog_flush_is_due(log, &now))
			rotlog_flush_held(log);
		if (log->held_length == 0) {
			log->held_since = now;
			pthread_cond_signal(&log->wake); /* the thread flushes in ROTLOG_FLUSH_MS */
		}
		memcpy(log->held + 1 + log->held_length, line + 1, length);
		log->held_length += length;
		log->held_lines++;
	}
	rotlog_mirror_line(log, level, &now, line + 1, length);
	rotlog_keep_under_cap(log);
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
