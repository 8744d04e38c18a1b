/* Whether rotlog_open could use a log folder, found without creating or
 * opening anything (--check-config): the folder and cashdrawer.log in it. */
#include "log/rotlog_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errno_text.h"

/* May this process create files in the folder path? */
static int can_write(const char *path)
{
#ifdef _WIN32
	/* Windows decides by the folder's ACL, which the mode bits do not
	 * show: the start is what tells */
	(void)path;
	return 0;
#else
	return access(path, W_OK | X_OK) == 0 ? 0 : -errno;
#endif
}

/* The folder mkdir(path) would create path in must exist and be writable. */
static int can_make(char *path)
{
	char *cut = strrchr(path, '/'), saved;
	struct stat st;
	int rc;

#ifdef _WIN32
	char *backslash = strrchr(path, '\\');

	if (backslash != NULL && (cut == NULL || backslash > cut))
		cut = backslash;
#endif
	if (cut == NULL)
		return can_write(".");
	if (cut == path)
		return can_write("/");
	saved = *cut;
	*cut = '\0';
	rc = stat(path, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? can_write(path) : -ENOTDIR;
	*cut = saved;
	return rc;
}

/* How rotlog_make_directories (mkdir -p) would fare with path, making
 * nothing: the same walk, one stat in place of each mkdir. */
static int check_directories(char *path)
{
	struct stat st;
	char *slash;
	int rc;

	if (stat(path, &st) == 0)
		return S_ISDIR(st.st_mode) ? can_write(path) : -ENOTDIR;
	if (errno != ENOENT)
		return -errno;
	slash = strrchr(path, '/');
	if (!slash || slash == path)
		return can_make(path);
	*slash = '\0';
	rc = check_directories(path);
	*slash = '/';
	return rc;
}

int rotlog_check_dir(const char *dir, char *err, size_t errlen)
{
	size_t length = strlen(dir), size = length + 1 + ROTLOG_ARCHIVE_NAME_MAX;
	char *path = malloc(size), *current = malloc(size);
	struct rotlog_file_info info;
	int rc;

	if (path == NULL || current == NULL) {
		rc = -ENOMEM;
		rotlog_describe(err, errlen, ENOMEM, "journal %s", dir);
		goto out;
	}
	/* as rotlog_open names them */
	memcpy(path, dir, length + 1);
	while (length > 1 && path[length - 1] == '/')
		path[--length] = '\0';
	rotlog_join_path(path, ROTLOG_BASENAME, current, size);
	rc = check_directories(path);
	if (rc < 0) {
		rotlog_describe(err, errlen, 0,
				"dossier du journal %s : %s (faites-en un dossier où l'utilisateur du "
				"service peut écrire)",
				path, errno_text(-rc));
		goto out;
	}
	/* an existing log is cut back (a torn last line) and appended to, and
	 * never through a link: judged as rotlog_open judges it */
	rc = rotlog_file_inspect(current, &info);
	if (rc == -ENOENT)
		rc = 0;
	else if (rc == 0)
		rc = rotlog_file_verdict(&info);
#ifndef _WIN32
	if (rc == 0 && access(current, F_OK) == 0 && access(current, R_OK | W_OK) < 0)
		rc = -errno;
#endif
	if (rc < 0)
		rotlog_describe_open_failure(current, path, rc, err, errlen);
out:
	free(path);
	free(current);
	return rc;
}
