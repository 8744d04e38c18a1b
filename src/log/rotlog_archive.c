/* Rotating log, its files on disk: a line torn by a crash cut off at start,
 * moving or appending the current file to its day's archive, retention by
 * listing the folder, and mkdir -p. */
#include "log/rotlog_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

int rotlog_cut_torn_tail(const char *path, char *cut, size_t cutsize, size_t *cut_length,
			 bool *line_open)
{
	/* a line of ours is shorter than this: its torn piece too */
	char tail[ROTLOG_LINE_MAX];
	size_t got = 0, keep, piece;
	struct rotlog_file_info info;
	off_t from;
	int fd, rc = 0;

	*cut_length = 0;
	if (cutsize)
		cut[0] = '\0';
	/* never through a link: that would cut another file's last line */
	fd = rotlog_file_open(path, O_RDWR, &info);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	from = info.size > (off_t)sizeof tail ? info.size - (off_t)sizeof tail : 0;
	if (info.size == 0 || lseek(fd, from, SEEK_SET) < 0)
		goto out;
	while (got < (size_t)(info.size - from)) {
		ssize_t n = read(fd, tail + got, (size_t)(info.size - from) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			goto out;
		}
		got += (size_t)n;
	}
	if (tail[got - 1] == '\n')
		goto out;
	keep = rotlog_whole_lines_length(tail, got);
	if (keep == 0 && from > 0) {
		/* longer than any line of ours: not one of them, left as it is */
		*line_open = true;
		goto out;
	}
	if (ftruncate(fd, from + (off_t)keep) < 0) {
		rc = -errno;
		goto out;
	}
	piece = got - keep;
	*cut_length = piece;
	if (cutsize) {
		if (piece >= cutsize)
			piece = cutsize - 1;
		memcpy(cut, tail + keep, piece);
		cut[piece] = '\0';
	}
out:
	close(fd);
	return rc;
}

/* Appends the file at from to the file at to, both opened without following
 * a link. On failure the archive is cut back to its old size, so the caller
 * can keep the lines where they were. */
static int append_file(const char *from, const char *to)
{
	int input = -1, output = -1, rc = 0;
	off_t original_size = -1;
	char chunk[16384];
	struct rotlog_file_info info;

	input = rotlog_file_open(from, O_RDONLY, NULL);
	if (input < 0) {
		rc = input;
		goto out;
	}
	output = rotlog_file_open(to, O_WRONLY | O_APPEND, &info);
	if (output < 0) {
		rc = output;
		goto out;
	}
	original_size = info.size;
	for (;;) {
		ssize_t got = read(input, chunk, sizeof chunk), done = 0;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = got < 0 ? -errno : 0;
			goto out;
		}
		while (done < got) {
			ssize_t put = write(output, chunk + done, (size_t)(got - done));

			if (put < 0 && errno == EINTR)
				continue;
			if (put <= 0) {
				rc = put < 0 ? -errno : -ENOSPC;
				goto out;
			}
			done += put;
		}
	}
out:
	if (rc < 0 && original_size >= 0 && ftruncate(output, original_size) < 0) {
		/* The lines are still in the current file: duplicated, not lost. */
	}
	if (input >= 0)
		close(input);
	if (output >= 0)
		close(output);
	return rc;
}

/* Moves the current file's lines to the archive of day. When that archive
 * already exists (the clock was set back) they are appended to it, since a
 * rename would overwrite it. An empty file makes no archive. Returns true
 * when the current file no longer holds any line. */
bool rotlog_archive_current(struct rotlog *log, struct rotlog_date day)
{
	struct rotlog_file_info info;
	int rc;

	if (log->fd >= 0) {
		close(log->fd);
		log->fd = -1;
	}
	rc = rotlog_file_inspect(log->current_path, &info);
	if (rc == 0)
		rc = rotlog_file_verdict(&info);
	if (rc < 0) {
		if (rc == -ENOENT)
			return true;
		/* a link is left where it is: renamed, it would pass for an archive */
		rotlog_remember_error(log, -rc, "archivage de %s", log->current_path);
		return false;
	}
	if (info.size == 0)
		return true;
	if (rotlog_path(log, &day, log->archive_path, log->path_size) < 0)
		return false; /* cannot happen: path_size fits every archive name */
	rc = rotlog_file_inspect(log->archive_path, &info);
	if (rc < 0) {
		if (rc != -ENOENT) {
			rotlog_remember_error(log, -rc, "archivage vers %s", log->archive_path);
			return false;
		}
		/* No other writer of archives exists, so checking then renaming
		 * cannot race with anyone. */
		if (rename(log->current_path, log->archive_path) < 0) {
			rotlog_remember_error(log, errno, "archivage de %s en %s", log->current_path,
					      log->archive_path);
			return false;
		}
		return true;
	}
	rc = append_file(log->current_path, log->archive_path);
	if (rc < 0) {
		rotlog_remember_error(log, -rc, "ajout de %s à %s", log->current_path,
				      log->archive_path);
		return false;
	}
	if (unlink(log->current_path) < 0 && truncate(log->current_path, 0) < 0) {
		rotlog_remember_error(log, errno, "vidage de %s après son ajout à %s",
				      log->current_path, log->archive_path);
		return false;
	}
	return true;
}

/* An archive as found in the folder: a regular file of the service. */
struct archive {
	char name[ROTLOG_ARCHIVE_NAME_MAX];
	int64_t size;
};

static int oldest_first(const void *a, const void *b)
{
	/* the name ends with the day: text order is date order */
	return strcmp(((const struct archive *)a)->name, ((const struct archive *)b)->name);
}

/* The folder's archives, oldest first, into *found (to free). Only exact
 * archive names that are regular files of the service: a link or a folder
 * named like an archive is no archive, never counted, never deleted (nor
 * what it points to). 0 or a negative errno. */
static int list_archives(struct rotlog *log, struct archive **found, size_t *count)
{
	struct archive *archives = NULL;
	size_t capacity = 0;
	struct rotlog_file_info info;
	struct dirent *entry;
	DIR *dir;
	int rc = 0;

	*count = 0;
	dir = opendir(log->dir);
	if (!dir)
		return -errno;
	for (errno = 0; (entry = readdir(dir)) != NULL; errno = 0) {
		if (!rotlog_is_archive_name(entry->d_name, NULL) ||
		    rotlog_join_path(log->dir, entry->d_name, log->archive_path, log->path_size) ||
		    rotlog_file_inspect(log->archive_path, &info) < 0 ||
		    rotlog_file_verdict(&info) < 0)
			continue;
		if (*count == capacity) {
			size_t grown = capacity ? 2 * capacity : 64;
			void *bigger = realloc(archives, grown * sizeof *archives);

			if (!bigger) {
				rc = -ENOMEM;
				goto out;
			}
			archives = bigger;
			capacity = grown;
		}
		memcpy(archives[*count].name, entry->d_name, ROTLOG_ARCHIVE_NAME_MAX);
		archives[(*count)++].size = info.size;
	}
	if (errno)
		rc = -errno;
	if (*count > 0)
		qsort(archives, *count, sizeof *archives, oldest_first);
out:
	closedir(dir);
	if (rc < 0) {
		free(archives);
		archives = NULL;
		*count = 0;
	}
	*found = archives;
	return rc;
}

void rotlog_apply_retention(struct rotlog *log, char *notice, size_t notice_size)
{
	struct archive *archives = NULL;
	const char **names = NULL;
	int64_t *sizes = NULL;
	bool *expired = NULL;
	size_t count = 0, by_size = 0, i, first = 0;
	char cap[32];
	int rc;

	if (notice_size > 0)
		notice[0] = '\0';
	rc = list_archives(log, &archives, &count);
	if (rc < 0) {
		rotlog_remember_error(log, -rc, "suppression des archives de %s", log->dir);
		return;
	}
	log->archives_size = 0;
	if (!count)
		goto out;
	names = malloc(count * sizeof *names);
	sizes = malloc(count * sizeof *sizes);
	expired = malloc(count * sizeof *expired);
	if (!names || !sizes || !expired) {
		rotlog_remember_error(log, ENOMEM, "suppression des archives de %s", log->dir);
		goto out;
	}
	for (i = 0; i < count; i++) {
		names[i] = archives[i].name;
		sizes[i] = archives[i].size;
	}
	rotlog_select_expired(names, count, log->retention_days, expired);
	if (log->max_bytes > 0) {
		/* the cap counts today's file too: what is left is the archives' */
		int64_t budget = (int64_t)log->max_bytes - log->current_size;

		for (first = 0; first < count && expired[first]; first++)
			;
		by_size = rotlog_select_over_budget(sizes, count, budget, expired);
	}
	for (i = 0; i < count; i++) {
		if (!expired[i] ||
		    rotlog_join_path(log->dir, names[i], log->archive_path, log->path_size)) {
			log->archives_size += sizes[i];
			continue;
		}
		if (unlink(log->archive_path) < 0 && errno != ENOENT) {
			rotlog_remember_error(log, errno, "suppression de %s", log->archive_path);
			log->archives_size += sizes[i];
		}
	}
	if (by_size > 0) {
		rotlog_format_size(cap, sizeof cap, log->max_bytes);
		snprintf(notice, notice_size,
			 "%zu archive%s supprimée%s avant %s %u jours, de %s à %s : le dossier du "
			 "journal dépassait log_max_mb (%s)",
			 by_size, by_size > 1 ? "s" : "", by_size > 1 ? "s" : "",
			 by_size > 1 ? "leurs" : "ses", log->retention_days, names[first],
			 names[first + by_size - 1], cap);
	}
out:
	free(expired);
	free(sizes);
	free(names);
	free(archives);
}

/* mkdir -p: creates the missing parents first. path is restored on return. */
int rotlog_make_directories(char *path)
{
	char *slash;
	int rc;

	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	slash = strrchr(path, '/');
	if (!slash || slash == path)
		return -ENOENT;
	*slash = '\0';
	rc = rotlog_make_directories(path);
	*slash = '/';
	if (rc < 0)
		return rc;
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}
