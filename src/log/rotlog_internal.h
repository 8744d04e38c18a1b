/* Internal to src/log/: struct rotlog and what rotlog.c (the file, its lock and
 * midnight thread) and rotlog_archive.c (archives on disk) share. */
#ifndef CASHDRAWERD_ROTLOG_INTERNAL_H
#define CASHDRAWERD_ROTLOG_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "log/rotlog.h"

/* What became of the current file's name while the service had it open. */
enum rotlog_moved {
	ROTLOG_IN_PLACE,
	ROTLOG_DELETED,
	ROTLOG_RENAMED,  /* renamed or moved (or deleted, where the system cannot tell) */
	ROTLOG_REPLACED, /* another file, or a link, under its name */
};

struct rotlog {
	pthread_mutex_t lock; /* guards everything below except dir and paths */
	pthread_cond_t wake;  /* wakes the midnight thread: stop, or lines held */
	pthread_t thread;
	bool lock_ready, wake_ready, thread_started, stopping;
	char *dir; /* without trailing '/' (except "/") */
	char *current_path;
	char *archive_path; /* scratch: dir/cashdrawer.log.YYYY-MM-DD */
	size_t path_size;   /* of both path buffers */
	unsigned retention_days;
	bool mirror_stderr;
	rotlog_forward_fn *forward;
	void *forward_context;
	int fd;                 /* -1 while the file cannot be opened */
	/* the file fd is, as opened: to notice it deleted, renamed or replaced
	 * (rotlog_write.c), and why it was let go of, to say in the next one */
	struct rotlog_file_info current;
	enum rotlog_moved moved;
	/* what rotlog_get_health last found of the file fd is, and when */
	enum rotlog_moved checked;
	int64_t checked_ms; /* monotonic */
	/* the size cap (max_bytes, 0: none): today's file and the archives' sizes */
	uint64_t max_bytes;
	int64_t current_size, archives_size;
	int64_t cap_retry_size; /* over the cap, nothing deletable: wait for this size */
	uint64_t routine_left_out; /* routine lines left out today (today's share used) */
	bool routine_said, over_cap_said;
	struct rotlog_limit limit; /* lines clients cause at will (rotlog_limit.c) */
	bool line_open;         /* a line is left without its '\n' (it could not be cut off) */
	uint64_t lost_lines;    /* lines lost since the last line written, to report */
	time_t lost_since;      /* wall-clock time of the first of them */
	struct rotlog_date day; /* the day the current file's lines belong to */
	time_t next_midnight;   /* end of that day: rotate once the clock is there */
	/* localtime_r is too slow for every line at 50 000 lines/s: the broken
	 * down time is computed once per second, under the lock. */
	bool cache_valid;
	time_t cached_second;
	struct tm cached_tm;
	struct rotlog_health health;
	/* routine lines held for one write (rotlog_write_routine); held[0] is
	 * room for the '\n' that ends a line left open (see write_whole_lines) */
	char held[1 + ROTLOG_BUFFER_BYTES];
	size_t held_length;
	uint64_t held_lines;
	struct timespec held_since; /* CLOCK_REALTIME of the first held line */
};

/* ---- rotlog.c ---- */

/* Fills err (when given) with the formatted text, then " : " and errnum's
 * description (errno_text) when errnum is not 0. */
void rotlog_describe(char *err, size_t errlen, int errnum, const char *format, ...)
	__attribute__((format(printf, 4, 5)));

/* rotlog_describe into log's health.last_error, the problem rotlog_get_health reports. */
#define rotlog_remember_error(log, errnum, ...)                                               \
	rotlog_describe((log)->health.last_error, sizeof (log)->health.last_error, errnum,     \
			__VA_ARGS__)

/* Why the current file at path (in dir) cannot be used at start, with what
 * to do: rotlog_open's words, which rotlog_check_dir repeats. */
void rotlog_describe_open_failure(const char *path, const char *dir, int rc, char *err,
				  size_t errlen);

/* dir + '/' + name into buf; -1 when it does not fit. */
int rotlog_join_path(const char *dir, const char *name, char *buf, size_t size);

/* ---- rotlog_line.c (lock held) ---- */

/* A line of the log about itself, written at once, after the routine lines
 * held. printf-style. */
void rotlog_notice(struct rotlog *log, enum rotlog_level level, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes the routine lines held, in one write. */
void rotlog_flush_held(struct rotlog *log);

/* Whether the routine lines held are due (ROTLOG_FLUSH_MS, or a clock set back). */
bool rotlog_flush_is_due(const struct rotlog *log, const struct timespec *now);

/* The broken-down local time of now, for a line's date (cached a second). */
const struct tm *rotlog_local_tm(struct rotlog *log, time_t now);

/* The summaries of lines clients were kept from writing (rotlog_limit.c):
 * key's own (NULL: those due, or all when every). */
void rotlog_write_summaries(struct rotlog *log, const char *key, bool every);

/* ---- rotlog_day.c (lock held) ---- */

/* Whether a line that may be dropped is left out: today's file holds its
 * share of log_max_mb. The first one left out says so, once a day. */
bool rotlog_leave_out(struct rotlog *log, size_t length);

/* Retention, and the line saying what the size cap deleted. */
void rotlog_retain(struct rotlog *log);

/* The cap, after each line: the oldest archives go while the folder weighs more. */
void rotlog_keep_under_cap(struct rotlog *log);

/* Once the clock reached log->next_midnight: today's file archived, a new day. */
void rotlog_rotate(struct rotlog *log, time_t now);

/* At start: which day the lines already in the file belong to (archived
 * now when from an earlier day). */
void rotlog_adopt_existing(struct rotlog *log, time_t now, time_t modified);

/* ---- rotlog_write.c (lock held) ---- */

/* Opens log->current_path for appending into log->fd, never through a
 * link. 0 or a negative errno. */
int rotlog_open_current(struct rotlog *log);

/* What became of the current file's name since it was opened (fd open);
 * *size its size now when it is in place. One lstat. */
enum rotlog_moved rotlog_current_moved(struct rotlog *log, int64_t *size);

/* Writes `lines` lines (text, with one byte of room before it for the '\n'
 * that ends a line left open) to the file, whole or not at all; counts
 * them as written or lost. */
void rotlog_write_lines(struct rotlog *log, char *text, size_t length, uint64_t lines);

/* A line written to the file also goes to standard error and to the
 * forwarder (journal, syslog), in file order. */
void rotlog_mirror_line(struct rotlog *log, enum rotlog_level level, const struct timespec *when,
			const char *line, size_t length);

/* ---- rotlog_file_posix.c, rotlog_file_win32.c: the disk, links never followed ---- */

/* Opens path without following a link and judges the file opened, not the
 * name (no stat-then-open race): a descriptor, or a negative errno, a
 * rotlog_file_verdict code when the name is there but is not a file of the
 * service. flags: O_RDONLY, O_RDWR, or O_WRONLY | O_APPEND with or without
 * O_CREAT (created 0644). info (may be NULL) gets the file's. */
int rotlog_file_open(const char *path, int flags, struct rotlog_file_info *info);

/* What path names, the link itself when it is one (lstat). 0 or a negative
 * errno (-ENOENT: nothing). */
int rotlog_file_inspect(const char *path, struct rotlog_file_info *info);

/* What the open file fd is now (fstat): links 0 once deleted. */
int rotlog_file_info_of(int fd, struct rotlog_file_info *info);

/* ---- rotlog_archive.c (log->archive_path is their scratch buffer) ---- */

/* Moves the current file's lines to the archive of day (closing log->fd).
 * Returns true when the current file no longer holds any line. */
bool rotlog_archive_current(struct rotlog *log, struct rotlog_date day);

/* The last line of the file at path when it lacks its '\n' (a write cut
 * short by a crash): cut off the file, its bytes copied to cut (NUL
 * terminated, cut short to cutsize). Sets *cut_length (0: nothing cut), and
 * *line_open when such a line is left (longer than any line of ours: not
 * one of them). Returns 0 or a negative errno. */
int rotlog_cut_torn_tail(const char *path, char *cut, size_t cutsize, size_t *cut_length,
			 bool *line_open);

/* Deletes the archives older than the retention_days newest ones, then the
 * oldest while the folder weighs more than max_bytes (saying so in notice,
 * empty otherwise: the caller writes it), and sets archives_size. Only regular files named exactly as
 * archives count; a link or anything else is never touched. */
void rotlog_apply_retention(struct rotlog *log, char *notice, size_t notice_size);

/* mkdir -p path. Returns 0 or a negative errno. */
int rotlog_make_directories(char *path);

#endif
