/* Rotating log, writing to the file: whole lines or nothing (a write the
 * disk takes in part is cut back), lines lost counted, the file let go of
 * after a failure, or once deleted, renamed or replaced, and opened afresh,
 * and the gap reported in the file once it takes lines again. Lock held by
 * the callers (rotlog.c). */
#include "log/rotlog_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int rotlog_open_current(struct rotlog *log)
{
	struct rotlog_file_info info;
	int fd = rotlog_file_open(log->current_path, O_WRONLY | O_CREAT | O_APPEND, &info);

	if (fd < 0)
		return fd;
	log->fd = fd;
	log->current = info;
	log->current_size = info.size;
	log->checked = ROTLOG_IN_PLACE;
	return 0;
}

enum rotlog_moved rotlog_current_moved(struct rotlog *log, int64_t *size)
{
	struct rotlog_file_info now, mine;
	int rc = rotlog_file_inspect(log->current_path, &now);

	if (rc == 0 && now.device == log->current.device && now.inode == log->current.inode) {
		*size = now.size;
		return ROTLOG_IN_PLACE;
	}
	if (rc == 0)
		return ROTLOG_REPLACED;
	return rotlog_file_info_of(log->fd, &mine) == 0 && mine.links == 0 ? ROTLOG_DELETED
									     : ROTLOG_RENAMED;
}

static const char *moved_text(enum rotlog_moved moved)
{
	return moved == ROTLOG_DELETED	 ? "supprimé"
	       : moved == ROTLOG_RENAMED ? "renommé, déplacé ou supprimé"
					 : "remplacé";
}

/* Before each write: is fd still the file named current_path? An admin may
 * have deleted it to free space, a tool renamed it, someone put another
 * file or a link in its place. Written to, the old file would take the
 * lines out of sight, and its space would never be freed. One lstat per
 * write: routine lines share one write, so the /status path pays it ten
 * times a second at most. When the file is no longer there, lets it go (the
 * caller opens the name afresh) and remembers why, to say it there. */
static void check_current(struct rotlog *log)
{
	enum rotlog_moved moved = rotlog_current_moved(log, &log->current_size);

	if (moved == ROTLOG_IN_PLACE)
		return;
	log->moved = moved;
	log->line_open = false; /* that was the old file's */
	rotlog_remember_error(log, 0, "%s %s pendant le service (écriture reprise dans un nouveau "
			      "fichier)",
			      log->current_path, moved_text(moved));
	close(log->fd);
	log->fd = -1;
}

/* Why the file cannot be opened; a name that is no file of the service
 * (a link, a folder) is never written through, so say how to get out. */
static void remember_open_error(struct rotlog *log, int rc)
{
	if (rotlog_file_problem(rc) != NULL)
		rotlog_remember_error(log, 0, "ouverture de %s : %s (jamais écrit au travers : "
				      "mettez-le de côté, la ligne suivante commencera alors un "
				      "nouveau fichier)",
				      log->current_path, rotlog_file_problem(rc));
	else
		rotlog_remember_error(log, -rc, "ouverture de %s", log->current_path);
}

static uint64_t count_lines(const char *text, size_t length)
{
	uint64_t lines = 0;

	for (size_t i = 0; i < length; i++)
		lines += text[i] == '\n';
	return lines;
}

void rotlog_mirror_line(struct rotlog *log, enum rotlog_level level, const struct timespec *when,
			const char *line, size_t length)
{
	/* "YYYY-MM-DD HH:MM:SS,mmm - " LEVEL " - " comes before the message */
	size_t prefix = 26 + strlen(rotlog_level_name(level)) + 3;

	if (log->mirror_stderr && write(STDERR_FILENO, line, length) < 0) {
		/* stderr may be closed or full: the file is what counts. */
	}
	if (log->forward != NULL && length > prefix)
		log->forward(log->forward_context, level, when, line + prefix, length - prefix - 1);
}

/* One write(2) of text, which is preceded by one byte of room: there goes
 * the '\n' that ends a line left open, so that text starts on its own line.
 * A write the disk takes only in part (full) must not leave a piece of a
 * line for the next one to be glued to: what follows the last whole line
 * written is cut back off. Returns how many lines of text are now whole in
 * the file, or -1 with errno set; *written is what write(2) returned. */
static ssize_t write_whole_lines(struct rotlog *log, char *text, size_t length, ssize_t *written)
{
	bool ends_open_line = log->line_open;
	size_t kept;
	off_t end;

	if (ends_open_line) {
		*--text = '\n';
		length++;
	}
	do
		*written = write(log->fd, text, length);
	while (*written < 0 && errno == EINTR);
	if (*written < 0)
		return -1;
	kept = rotlog_whole_lines_length(text, (size_t)*written);
	if (kept < (size_t)*written) {
		/* O_APPEND: the offset is now the end of our bytes */
		end = lseek(log->fd, 0, SEEK_CUR);
		if (end < *written ||
		    ftruncate(log->fd, end - (off_t)((size_t)*written - kept)) < 0)
			kept = (size_t)*written; /* left in the file: the next write ends it first */
	}
	if (kept > 0) /* else the file is as it was */
		log->line_open = text[kept - 1] != '\n';
	log->current_size += (int64_t)kept;
	if (ends_open_line && kept > 0)
		return (ssize_t)count_lines(text, kept) - 1;
	return (ssize_t)count_lines(text, kept);
}

/* Lines lost: counted, and the file closed so that the next line opens it
 * afresh (a disk remounted, the file deleted to free space: the old
 * descriptor would keep the error, or the space). */
static void lose_lines(struct rotlog *log, uint64_t lines)
{
	if (lines == 0)
		return;
	if (log->lost_lines == 0)
		log->lost_since = time(NULL);
	log->lost_lines += lines;
	log->health.last_write_ok = false;
	log->health.write_failures += lines;
	if (log->fd >= 0) {
		close(log->fd);
		log->fd = -1;
	}
}

static void remember_write_error(struct rotlog *log, ssize_t written, size_t length)
{
	if (written < 0)
		rotlog_remember_error(log, errno, "écriture de %s", log->current_path);
	else
		rotlog_remember_error(log, 0, "écriture de %s : seulement %zd octets écrits sur %zu "
				      "(disque plein ?)",
				      log->current_path, written, length);
}

/* A line of the log about the file itself, written before the lines it
 * explains. Returns false when it could not be written either (it is not
 * counted as one more lost line). fd open, lock held. */
static bool write_own_line(struct rotlog *log, const char *message)
{
	char line[1 + ROTLOG_LINE_MAX];
	struct timespec now;
	struct tm tm;
	size_t length;
	ssize_t whole, written;

	clock_gettime(CLOCK_REALTIME, &now);
	if (!localtime_r(&now.tv_sec, &tm))
		memset(&tm, 0, sizeof tm);
	length = rotlog_format_line(line + 1, ROTLOG_LINE_MAX, &tm, (int)(now.tv_nsec / 1000000),
				    ROTLOG_WARNING, message);
	whole = write_whole_lines(log, line + 1, length, &written);
	if (whole != 1) {
		remember_write_error(log, written, length);
		return false;
	}
	log->health.lines_written++;
	rotlog_mirror_line(log, ROTLOG_WARNING, &now, line + 1, length);
	return true;
}

/* The new file starts by saying what became of the one before, so that
 * whoever reads it knows where the earlier lines went. */
static bool report_moved(struct rotlog *log)
{
	char message[ROTLOG_LINE_MAX];

	snprintf(message, sizeof message,
		 log->moved == ROTLOG_DELETED ? "Journal %s supprimé pendant le service : nouveau "
						"fichier commencé"
		 : log->moved == ROTLOG_RENAMED
			 ? "Journal %s renommé, déplacé ou supprimé pendant le service : nouveau "
			   "fichier commencé"
			 : "Journal %s remplacé pendant le service : écriture reprise dans le "
			   "nouveau fichier",
		 log->current_path);
	if (!write_own_line(log, message))
		return false;
	log->moved = ROTLOG_IN_PLACE;
	return true;
}

/* Once lines were lost, the first line to reach the file again says how
 * many, since when and why, so that the gap in the file is explained in
 * the file. */
static bool report_lost_lines(struct rotlog *log)
{
	char message[ROTLOG_LINE_MAX], since[32];
	struct tm tm;

	if (!localtime_r(&log->lost_since, &tm) ||
	    !strftime(since, sizeof since, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(since, sizeof since, "?");
	snprintf(message, sizeof message, "Journal rétabli : %llu %s depuis le %s (%s)",
		 (unsigned long long)log->lost_lines,
		 log->lost_lines == 1 ? "ligne perdue" : "lignes perdues", since,
		 log->health.last_error);
	if (!write_own_line(log, message))
		return false;
	log->lost_lines = 0;
	return true;
}

/* One write(2), so lines of other processes appending to the same file
 * (O_APPEND) are never interleaved with ours either. */
void rotlog_write_lines(struct rotlog *log, char *text, size_t length, uint64_t lines)
{
	ssize_t whole, written;
	int rc;

	if (log->fd >= 0)
		check_current(log);
	if (log->fd < 0 && (rc = rotlog_open_current(log)) < 0) {
		remember_open_error(log, rc);
		lose_lines(log, lines);
		return;
	}
	if (log->moved != ROTLOG_IN_PLACE && !report_moved(log)) {
		lose_lines(log, lines);
		return;
	}
	if (log->lost_lines > 0 && !report_lost_lines(log)) {
		lose_lines(log, lines);
		return;
	}
	whole = write_whole_lines(log, text, length, &written);
	if (whole == (ssize_t)lines) {
		log->health.last_write_ok = true;
		log->health.lines_written += lines;
		return;
	}
	remember_write_error(log, written, length);
	if (whole > 0)
		log->health.lines_written += (uint64_t)whole;
	lose_lines(log, lines - (uint64_t)(whole > 0 ? whole : 0));
}
