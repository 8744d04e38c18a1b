/* Rotating log, its files on POSIX: opened with O_NOFOLLOW and judged on the
 * descriptor (fstat), so a link planted in the log folder is never read,
 * written, cut or renamed through. */
#include "log/rotlog_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static void fill(struct rotlog_file_info *info, const struct stat *st)
{
	info->type = S_ISREG(st->st_mode)   ? ROTLOG_FILE_REGULAR
		     : S_ISLNK(st->st_mode) ? ROTLOG_FILE_LINK
		     : S_ISDIR(st->st_mode) ? ROTLOG_FILE_DIRECTORY
					    : ROTLOG_FILE_OTHER;
	info->links = (uint64_t)st->st_nlink;
	info->device = (uint64_t)st->st_dev;
	info->inode = (uint64_t)st->st_ino;
	info->size = (int64_t)st->st_size;
	info->modified = st->st_mtime;
}

int rotlog_file_inspect(const char *path, struct rotlog_file_info *info)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -errno;
	fill(info, &st);
	return 0;
}

int rotlog_file_info_of(int fd, struct rotlog_file_info *info)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	fill(info, &st);
	return 0;
}

int rotlog_file_open(const char *path, int flags, struct rotlog_file_info *info)
{
	struct rotlog_file_info opened, seen;
	int fd, rc;

	if (info == NULL)
		info = &opened;
	/* O_NONBLOCK: a pipe named like a log must not hang the open; it has
	 * no effect on the regular files kept */
	fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		/* ELOOP (a link), ENXIO (a pipe nobody reads), EISDIR: name what is there */
		if (rc != -ENOENT && rotlog_file_inspect(path, &seen) == 0 &&
		    rotlog_file_verdict(&seen) < 0)
			return rotlog_file_verdict(&seen);
		return rc;
	}
	rc = rotlog_file_info_of(fd, info);
	if (rc == 0)
		rc = rotlog_file_verdict(info);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}
