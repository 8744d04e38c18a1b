/* Rotating log file: the replaced system's line format, rotation at local
 * midnight to cashdrawer.log.YYYY-MM-DD, and retention of the newest archives. */
#ifndef CASHDRAWERD_ROTLOG_H
#define CASHDRAWERD_ROTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ROTLOG_BASENAME "cashdrawer.log"
/* "cashdrawer.log." + "YYYY-MM-DD" + NUL */
#define ROTLOG_ARCHIVE_NAME_MAX (sizeof ROTLOG_BASENAME + 11)
/* Longest line written, message truncated to fit (marked with "..."). */
#define ROTLOG_LINE_MAX 2048

enum rotlog_level { ROTLOG_DEBUG, ROTLOG_INFO, ROTLOG_WARNING, ROTLOG_ERROR };

/* A calendar day, as used in archive names. */
struct rotlog_date {
	int year;  /* e.g. 2025 */
	int month; /* 1..12 */
	int day;   /* 1..31 */
};

struct rotlog;

/* ---- pure functions (no I/O, unit-tested) ---- */

const char *rotlog_level_name(enum rotlog_level level);

/* Formats "YYYY-MM-DD HH:MM:SS,mmm - LEVEL - message\n" into buf for local
 * time tm and milliseconds ms. Control characters and bytes that are not
 * printable ASCII or valid UTF-8 in message are escaped (\n, \r, \t, \xHH),
 * so a client-supplied string can never forge or break a line. Returns the
 * length written (always < size, ends with '\n'); messages too long are cut
 * and end with "...". size must be at least 64. */
size_t rotlog_format_line(char *buf, size_t size, const struct tm *tm, int ms,
			  enum rotlog_level level, const char *message);

/* How many bytes of text[0..length) are whole lines: up to and including its
 * last '\n' (0 when there is none). What a write cut short may keep. */
size_t rotlog_whole_lines_length(const char *text, size_t length);

/* Archive name "cashdrawer.log.YYYY-MM-DD" for date; buf of at least
 * ROTLOG_ARCHIVE_NAME_MAX bytes. */
void rotlog_archive_name(char *buf, size_t size, struct rotlog_date date);

/* Parses a strict "YYYY-MM-DD" (exactly 10 characters, a real calendar day,
 * year 1970..9999). Returns 0 or -1. */
int rotlog_parse_date(const char *text, struct rotlog_date *date);

/* A number that orders dates: YYYYMMDD. */
long rotlog_date_key(struct rotlog_date date);

/* True when name is exactly "cashdrawer.log.YYYY-MM-DD" with a valid date;
 * fills date when not NULL. */
bool rotlog_is_archive_name(const char *name, struct rotlog_date *date);

/* Given archive names (any order, non-archive names allowed and ignored),
 * marks in expired[i] the archives to delete so that only the `keep` newest
 * archives remain. Returns how many were marked. */
size_t rotlog_select_expired(const char *const *names, size_t count, unsigned keep,
			     bool *expired);

/* What a name in the log folder is, seen without following it (a link is
 * judged as the link). Filled by the platform's backend (rotlog_file_posix.c,
 * rotlog_file_win32.c); judged by rotlog_file_verdict. */
enum rotlog_file_type {
	ROTLOG_FILE_REGULAR,
	ROTLOG_FILE_LINK,      /* a symbolic link, or on Windows any reparse point (junction...) */
	ROTLOG_FILE_DIRECTORY,
	ROTLOG_FILE_OTHER,     /* a pipe, a device, a socket */
};

struct rotlog_file_info {
	enum rotlog_file_type type;
	uint64_t links;   /* names of the file (hard links); 0 once it is deleted */
	uint64_t device;  /* device and inode (Windows: volume serial and file index) */
	uint64_t inode;   /* together name the file itself, whatever its name */
	int64_t size;
	time_t modified;
};

/* 0 when info is a file the service may read or write as its own: a
 * regular file with a single name. Otherwise why not: -ELOOP (a link:
 * following it would read or write whatever it points to), -EMLINK (a hard
 * link: the same file has other names, maybe outside the folder), -EISDIR,
 * -EINVAL (a pipe, a device or a socket). */
int rotlog_file_verdict(const struct rotlog_file_info *info);

/* The text of a verdict for error messages, e.g. "is a symbolic link, not a
 * file of the service"; NULL for 0 and any other code. */
const char *rotlog_file_problem(int verdict);

/* The type of a Windows file from its attributes (GetFileInformationByHandle)
 * and GetFileType: a reparse point is a link whatever else it is. */
enum rotlog_file_type rotlog_file_type_win32(uint32_t attributes, uint32_t file_type);

/* The local calendar day of t. */
struct rotlog_date rotlog_local_date(time_t t);

/* The first instant of the local day after the one containing t (local
 * midnight; correct across DST changes). */
time_t rotlog_next_midnight(time_t t);

/* The query of GET /logs[?date=YYYY-MM-DD] (rotlog_query.c): its arguments
 * are added one by one as the HTTP layer decodes them (value NULL for a key
 * without '='; sizes count decoded NULs), then judged. */
enum rotlog_query_result {
	ROTLOG_QUERY_TODAY,     /* no argument: today's file */
	ROTLOG_QUERY_DAY,       /* date=YYYY-MM-DD, a valid day: its archive */
	ROTLOG_QUERY_BAD_QUERY, /* another key, or more than one argument */
	ROTLOG_QUERY_BAD_DATE,  /* date without a value, or not a valid YYYY-MM-DD */
};

struct rotlog_query {
	unsigned count;
	bool unknown;
	const char *date; /* the date's value (not NUL-terminated), NULL when none */
	size_t date_size;
};

void rotlog_query_init(struct rotlog_query *query);
/* key and value need not be NUL-terminated; value is not copied and must
 * outlive the query. */
void rotlog_query_add(struct rotlog_query *query, const char *key, size_t key_size,
		      const char *value, size_t value_size);
/* The verdict; fills *date for ROTLOG_QUERY_DAY. */
enum rotlog_query_result rotlog_query_result(const struct rotlog_query *query,
					     struct rotlog_date *date);

/* ---- the log itself (thread-safe) ---- */

/* Where a line goes besides the file (the journal, a syslog server): called
 * for each line in file order, under the log's lock, so it must never block.
 * message is the line's message as in the file (escaped), without the date,
 * level or newline; when is the line's wall-clock time. */
typedef void rotlog_forward_fn(void *context, enum rotlog_level level, const struct timespec *when,
			       const char *message, size_t length);

struct rotlog_options {
	const char *dir;         /* created if missing */
	unsigned retention_days; /* archives kept */
	bool mirror_stderr;      /* also write each line to stderr */
	rotlog_forward_fn *forward; /* NULL: the file (and stderr) only */
	void *forward_context;
};

/* Opens (creating dir if needed) dir/cashdrawer.log for appending. A last
 * line without its '\n' (the service was killed in the middle of writing
 * it) is cut off and quoted in a WARNING. When the existing file was last
 * written on an earlier local day it is archived first under that day's
 * name. Starts the midnight thread. Returns 0 or a negative errno and fills
 * err; a cashdrawer.log that is a link, a folder or anything but a regular
 * file of its own is never followed: -ELOOP, -EMLINK, -EISDIR or -EINVAL,
 * with err saying to move it aside. */
int rotlog_open(struct rotlog **log, const struct rotlog_options *options, char *err,
		size_t errlen);

/* What rotlog_open would say of dir, found without creating or opening
 * anything (--check-config): dir is a folder this process may write to, or
 * mkdir -p can make it; a cashdrawer.log in it may be read and written.
 * (Writability is left to the start on Windows, where ACLs decide.) Returns
 * 0 or a negative errno with err as rotlog_open words it. */
int rotlog_check_dir(const char *dir, char *err, size_t errlen);

/* Writes one whole line (one write(2) under the lock, never interleaved),
 * after any routine lines still held. Rotates first when the local day
 * changed. Never fails the caller: a failure is counted and remembered for
 * rotlog_health, and a line the disk took only in part is cut back off, so
 * the file only ever holds whole lines. After a failure the file is closed
 * and opened again at the next line (the disk may be remounted, the file
 * deleted to free space); the first line written again is followed by a
 * WARNING saying how many lines were lost. Before each write the file is
 * checked to still be the one named cashdrawer.log: deleted, renamed or
 * replaced, it is let go of and the name opened afresh, the new file
 * starting with a WARNING that says so. printf-style. */
void rotlog_write(struct rotlog *log, enum rotlog_level level, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* Routine lines (a monitoring probe's request) may be held in memory, in
 * order, for at most ROTLOG_FLUSH_MS or ROTLOG_BUFFER_BYTES before reaching
 * the file in one write: at 50 000 probes a second, a write per line is a
 * sixth of the service's work. Every rotlog_write, rotation and close writes
 * them first; a crash can lose only those held. */
#define ROTLOG_FLUSH_MS 100
#define ROTLOG_BUFFER_BYTES 16384
void rotlog_write_routine(struct rotlog *log, enum rotlog_level level, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

struct rotlog_health {
	/* the latest line reached the file, and the file is still in its place */
	bool last_write_ok;
	uint64_t lines_written;
	uint64_t write_failures;
	char last_error[320]; /* the latest problem, kept after recovery; empty when none */
};
void rotlog_get_health(struct rotlog *log, struct rotlog_health *health);

/* Path of the current file or of the archive for date (date may be NULL for
 * the current file) into buf. Returns 0, or -1 if it does not fit. */
int rotlog_path(const struct rotlog *log, const struct rotlog_date *date, char *buf,
		size_t size);

/* Opens the current file (date NULL) or the archive of date for reading,
 * never through a link: a descriptor, its size in *size (may be NULL); or
 * -ENOENT (none), a rotlog_file_verdict code (the name is not a file of the
 * service: err says what it is and what to do), or another negative errno. */
int rotlog_open_for_reading(const struct rotlog *log, const struct rotlog_date *date,
			    uint64_t *size, char *err, size_t errlen);

/* ---- reading it back (rotlog_read.c) ---- */

/* Where the last `lines` lines of text start (a last line without '\n'
 * counts). Pure. */
size_t rotlog_tail_start(const char *text, size_t length, unsigned lines);

/* The last `lines` lines of today's file, at most size bytes of it (whole
 * lines only), into buf; *length its length. Returns 0 (an empty text when
 * there is no file yet) or a negative errno. */
int rotlog_tail(const struct rotlog *log, unsigned lines, char *buf, size_t size,
		size_t *length);

/* The days that have an archive, newest first, at most max (only the
 * ROTLOG_LIST_MAX first found are considered). Returns 0 or a negative errno. */
#define ROTLOG_LIST_MAX 4096
int rotlog_list_archives(const struct rotlog *log, struct rotlog_date *dates, size_t max,
			 size_t *count);

/* Stops the midnight thread, closes the file, frees. NULL is fine. */
void rotlog_close(struct rotlog *log);

#endif
