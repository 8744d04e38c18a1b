/* Reading the log back for the status page and /logs: the last lines of
 * today's file, the days that have an archive, a file opened for download,
 * never through a link. Never under the log's lock: the file is only
 * appended to, and a line being written is simply not shown yet. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log/rotlog_internal.h"

size_t rotlog_tail_start(const char *text, size_t length, unsigned lines)
{
	size_t end = length;

	/* a last line without its '\n' yet is a line all the same */
	if (end > 0 && text[end - 1] == '\n')
		end--;
	if (lines == 0)
		return length;
	while (end > 0) {
		if (text[end - 1] == '\n' && --lines == 0)
			return end;
		end--;
	}
	return 0;
}

int rotlog_open_for_reading(const struct rotlog *log, const struct rotlog_date *date,
			    uint64_t *size, char *err, size_t errlen)
{
	char path[4096], name[ROTLOG_ARCHIVE_NAME_MAX] = ROTLOG_BASENAME;
	struct rotlog_file_info info;
	int fd;

	if (err && errlen)
		err[0] = '\0';
	if (date != NULL)
		rotlog_archive_name(name, sizeof name, *date);
	if (rotlog_path(log, date, path, sizeof path) < 0)
		return -ENAMETOOLONG;
	fd = rotlog_file_open(path, O_RDONLY, &info);
	if (fd < 0) {
		if (rotlog_file_problem(fd) != NULL)
			rotlog_describe(err, errlen, 0, "%s %s : non servi (sortez-le de %s)", name,
					rotlog_file_problem(fd), log->dir);
		else
			rotlog_describe(err, errlen, -fd, "impossible de lire %s", name);
		return fd;
	}
	if (size != NULL)
		*size = (uint64_t)info.size;
	return fd;
}

int rotlog_tail(const struct rotlog *log, unsigned lines, char *buf, size_t size,
		size_t *length)
{
	uint64_t file_size;
	off_t from;
	ssize_t got;
	size_t start;
	int fd, rc = 0;

	*length = 0;
	fd = rotlog_open_for_reading(log, NULL, &file_size, NULL, 0);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	from = file_size > (uint64_t)size ? (off_t)(file_size - size) : 0;
	/* lseek and read, not pread: the Windows build has no pread */
	if (lseek(fd, from, SEEK_SET) < 0) {
		rc = -errno;
		goto out;
	}
	do
		got = read(fd, buf, size);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		rc = -errno;
		goto out;
	}
	start = rotlog_tail_start(buf, (size_t)got, lines);
	/* read from the middle of the file: the first line read may be cut */
	if (start == 0 && from > 0) {
		char *newline = memchr(buf, '\n', (size_t)got);

		start = newline != NULL ? (size_t)(newline - buf) + 1 : (size_t)got;
	}
	memmove(buf, buf + start, (size_t)got - start);
	*length = (size_t)got - start;
out:
	close(fd);
	return rc;
}

static int newest_first(const void *a, const void *b)
{
	return strcmp(*(const char *const *)b, *(const char *const *)a);
}

int rotlog_list_archives(const struct rotlog *log, struct rotlog_date *dates, size_t max,
			 size_t *count)
{
	char *names[ROTLOG_LIST_MAX];
	struct dirent *entry;
	size_t found = 0;
	DIR *dir;
	int rc = 0;

	*count = 0;
	dir = opendir(log->dir);
	if (dir == NULL)
		return -errno;
	for (errno = 0; (entry = readdir(dir)) != NULL; errno = 0) {
		char path[4096];
		struct rotlog_file_info info;

		/* a link or a folder named like an archive is none: never offered */
		if (!rotlog_is_archive_name(entry->d_name, NULL) || found == ROTLOG_LIST_MAX ||
		    rotlog_join_path(log->dir, entry->d_name, path, sizeof path) < 0 ||
		    rotlog_file_inspect(path, &info) < 0 || rotlog_file_verdict(&info) < 0)
			continue;
		if ((names[found] = strdup(entry->d_name)) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		found++;
	}
	if (errno != 0)
		rc = -errno;
	/* the name ends with the day: text order is date order */
	qsort(names, found, sizeof names[0], newest_first);
	for (size_t i = 0; i < found && *count < max; i++)
		rotlog_is_archive_name(names[i], &dates[(*count)++]);
out:
	for (size_t i = 0; i < found; i++)
		free(names[i]);
	closedir(dir);
	return rc;
}
