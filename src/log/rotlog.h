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

/* The text of a verdict for error messages, e.g. "est un dossier, pas un
 * fichier du service"; NULL for 0 and any other code. */
const char *rotlog_file_problem(int verdict);

/* The type of a Windows file from its attributes (GetFileInformationByHandle)
 * and GetFileType: a reparse point is a link whatever else it is. */
enum rotlog_file_type rotlog_file_type_win32(uint32_t attributes, uint32_t file_type);

/* Then by size: sizes[0..count) of archives ordered from the oldest to
 * the newest, expired[i] those already marked. Marks more, the oldest
 * first, until the archives left weigh at most budget bytes (a budget below
 * 0: every one). Returns how many it marked. */
size_t rotlog_select_over_budget(const int64_t *sizes, size_t count, int64_t budget,
				 bool *expired);

/* bytes as French text for the log: "8,3 Mio", "5 Kio", "100 octets". */
void rotlog_format_size(char *buf, size_t size, uint64_t bytes);

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

/* ---- lines a client causes at will, limited per client (rotlog_limit.c) ---- */

/* A client may have ROTLOG_CLIENT_BURST lines written in a row, then one
 * every ROTLOG_CLIENT_INTERVAL_MS; the LAN's clients together
 * ROTLOG_LAN_BURST, then one every ROTLOG_LAN_INTERVAL_MS (a LAN host may
 * take many addresses); loopback clients together the same, apart, so that
 * a LAN flood never hides the till's own refusals. Lines beyond are counted
 * and summed up per client in one line, at most ROTLOG_SUMMARY_MS after the
 * first of them, or before that client's next line written. */
#define ROTLOG_CLIENT_BURST 60
#define ROTLOG_CLIENT_INTERVAL_MS 10000
#define ROTLOG_LAN_BURST 200
#define ROTLOG_LAN_INTERVAL_MS 1000
#define ROTLOG_SUMMARY_MS 60000
/* Clients remembered; the least recently seen is forgotten for a new one
 * (its lines left out, if any, are summed up with those of the others). */
#define ROTLOG_CLIENTS_MAX 64
/* "xxxx:xxxx:xxxx:xxxx::/64" and any address text fit */
#define ROTLOG_CLIENT_KEY_MAX 48

struct rotlog_client {
	char key[ROTLOG_CLIENT_KEY_MAX]; /* "": a free slot */
	bool loopback;
	int64_t due_ms;  /* its budget: when it is full again (GCRA) */
	int64_t seen_ms; /* its latest line, written or not */
	uint64_t left_out;
	int64_t left_out_ms; /* the first line left out since the last summary */
	time_t left_out_since;
};

struct rotlog_limit {
	struct rotlog_client clients[ROTLOG_CLIENTS_MAX];
	int64_t lan_due_ms, loopback_due_ms;
	/* lines left out of clients forgotten before their summary */
	uint64_t others_left_out;
	unsigned others_clients;
	int64_t others_ms;
	time_t others_since;
};

/* One summary line's content (rotlog_limit_take_summary). */
struct rotlog_summary {
	char key[ROTLOG_CLIENT_KEY_MAX]; /* "" for the forgotten clients together */
	uint64_t count;
	unsigned clients; /* how many forgotten clients, for "" */
	time_t since;
};

/* The key a client's lines count under: its address, an IPv6 one by its
 * /64 ("2001:db8:1:2::/64": a machine gets a whole prefix, and may use any
 * address of it); *loopback when it is 127.0.0.0/8 or ::1. Text that is no
 * address (NULL: the HTTP library's own messages) is its own key, cut to
 * fit. */
void rotlog_client_key(const char *address, char *key, size_t size, bool *loopback);

/* Starts with every budget full. */
void rotlog_limit_init(struct rotlog_limit *limit);

/* Whether a line of the client with key may be written at now_ms
 * (monotonic; now the wall clock, for the summary's text): counted in its
 * budgets when it may, else counted as left out. */
bool rotlog_limit_admit(struct rotlog_limit *limit, const char *key, bool loopback,
			int64_t now_ms, time_t now);

/* Takes one summary to write, forgetting its count: key's own when key is
 * not NULL (its next line is about to be written: the summary goes first),
 * else any that is ROTLOG_SUMMARY_MS old, or any at all when every is true
 * (before a rotation or a stop). Returns false when there is none. */
bool rotlog_limit_take_summary(struct rotlog_limit *limit, const char *key, int64_t now_ms,
			       bool every, struct rotlog_summary *summary);

/* When the oldest summary falls due (monotonic ms), INT64_MAX when none. */
int64_t rotlog_limit_next_due(const struct rotlog_limit *limit);

/* The summary's message, e.g. "1234 requêtes de plus de 203.0.113.3 non
 * écrites depuis 14:22:31 (…)", from summary and the local time of since. */
void rotlog_summary_message(char *buf, size_t size, const struct rotlog_summary *summary,
			    const struct tm *since);

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
	/* the folder's cap (0: none): the oldest archives go first; today's
	 * routine lines stop at max_bytes / (retention_days + 1) */
	uint64_t max_bytes;
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
 * starting with a WARNING that says so. Never dropped, even beyond the cap:
 * for openings, errors and the service's own lines. printf-style. */
void rotlog_write(struct rotlog *log, enum rotlog_level level, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* Routine lines (a monitoring probe's request) may be held in memory, in
 * order, for at most ROTLOG_FLUSH_MS or ROTLOG_BUFFER_BYTES before reaching
 * the file in one write: a write (and the file's identity check) per line
 * costs a /status flood 70 % more CPU per request (bench/tricks.sh, whose
 * build without the batching defines CASHDRAWERD_BENCH_NO_LOG_BATCH;
 * bench/RESULTS.md). Every rotlog_write, rotation and close writes them
 * first; a crash can lose only those held. */
#define ROTLOG_FLUSH_MS 100
#define ROTLOG_BUFFER_BYTES 16384
void rotlog_write_routine(struct rotlog *log, enum rotlog_level level, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* How a line about a client's request may be treated (or-ed): */
#define ROTLOG_MAY_WAIT 1u /* held in memory, as rotlog_write_routine */
/* left out of the file (still counted, and said once) once today's file
 * holds its share of max_bytes: a probe's line, a LAN client's 404 */
#define ROTLOG_MAY_DROP 2u
/* counted in its client's budget (rotlog_limit.c): beyond it, only counted
 * and summed up in one line; refused, unknown and malformed requests */
#define ROTLOG_LIMITED 4u
#define ROTLOG_ROUTINE (ROTLOG_MAY_WAIT | ROTLOG_MAY_DROP)
/* A line about a request of client (its address; NULL: the HTTP library's
 * own message, without one), treated as flags say. */
void rotlog_write_client(struct rotlog *log, const char *client, unsigned flags,
			 enum rotlog_level level, const char *format, ...)
	__attribute__((format(printf, 5, 6)));

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

/* Writes now what was left out: the summaries of the clients' lines and
 * the count of today's routine lines, as before a stop (so that the stop's
 * own line can be the last). NULL is fine. */
void rotlog_sum_up(struct rotlog *log);

/* Stops the midnight thread (summing up first), closes the file, frees.
 * NULL is fine. */
void rotlog_close(struct rotlog *log);

#endif
