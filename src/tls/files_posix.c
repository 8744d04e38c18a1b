/* src/tls/files_posix.c: the files --setup-tls writes, on POSIX (files.h):
 * mode and owner set on the open file before its first byte, fsync, rename. */
#include "tls/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errno_text.h"

const char *tls_files_last_separator(const char *path)
{
	return strrchr(path, '/');
}

void tls_files_owner(const char *path, long *uid, long *gid)
{
	char folder[4096];
	struct stat info;
	char *slash;

	*uid = *gid = -1;
	snprintf(folder, sizeof folder, "%s", path);
	for (;;) {
		slash = strrchr(folder, '/');
		if (slash == NULL) {
			snprintf(folder, sizeof folder, ".");
		} else if (slash == folder) {
			folder[1] = '\0';
		} else {
			*slash = '\0';
		}
		if (stat(folder, &info) == 0)
			break;
		if (strcmp(folder, ".") == 0 || strcmp(folder, "/") == 0)
			return;
	}
	if (info.st_uid != geteuid()) {
		*uid = info.st_uid;
		*gid = info.st_gid;
	}
}

/* 0755: the key file's own mode guards it. */
void tls_files_make_folder(const char *path, long uid, long gid)
{
	char folder[4096];
	const char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path)
		return;
	snprintf(folder, sizeof folder, "%.*s", (int)(slash - path), path);
	if (mkdir(folder, 0755) == 0 && uid >= 0)
		if (chown(folder, (uid_t)uid, (gid_t)gid) < 0) {
			/* the files' own owner is what matters */
		}
}

int tls_files_write(const char *path, const char *text, bool secret, long uid, long gid,
		    char *why, size_t why_size)
{
	mode_t mode = secret ? 0600 : 0644;
	char temporary[4200];
	size_t length = strlen(text);
	int fd, rc = 0;

	snprintf(temporary, sizeof temporary, "%.4000s.nouveau", path);
	unlink(temporary);
	fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, mode) < 0 || (uid >= 0 && fchown(fd, (uid_t)uid, (gid_t)gid) < 0) ||
	    write(fd, text, length) != (ssize_t)length || fsync(fd) < 0) {
		rc = -errno;
		close(fd);
		unlink(temporary);
		errno = -rc;
		goto fail;
	}
	if (close(fd) < 0 || rename(temporary, path) < 0) {
		rc = -errno;
		unlink(temporary);
		errno = -rc;
		goto fail;
	}
	return 0;
fail:
	rc = -errno;
	snprintf(why, why_size, "écriture de %s impossible : %s", path, errno_text(-rc));
	return rc;
}
