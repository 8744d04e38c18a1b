/* Rotating log: the paths of its files and the words of its errors, shared
 * by the file (rotlog.c), the writes (rotlog_write.c) and the archives
 * (rotlog_archive.c). */
#include "log/rotlog_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/errno_text.h"

void rotlog_describe(char *err, size_t errlen, int errnum, const char *format, ...)
{
	va_list args;
	size_t used;

	if (!err || !errlen)
		return;
	va_start(args, format);
	vsnprintf(err, errlen, format, args);
	va_end(args);
	used = strlen(err);
	if (errnum && used < errlen) {
		const char *problem = rotlog_file_problem(-errnum);

		/* ELOOP's "trop de niveaux de liens symboliques" would not say it */
		snprintf(err + used, errlen - used, " : %s",
			 problem != NULL ? problem : errno_text(errnum));
	}
}

int rotlog_join_path(const char *dir, const char *name, char *buf, size_t size)
{
	size_t dir_length = strlen(dir);
	const char *separator = dir_length && dir[dir_length - 1] == '/' ? "" : "/";
	int written;

	if (!buf || !size)
		return -1;
	written = snprintf(buf, size, "%s%s%s", dir, separator, name);
	if (written < 0 || (size_t)written >= size) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

int rotlog_path(const struct rotlog *log, const struct rotlog_date *date, char *buf,
		size_t size)
{
	char name[ROTLOG_ARCHIVE_NAME_MAX];

	if (!log) {
		if (buf && size)
			buf[0] = '\0';
		return -1;
	}
	if (date)
		rotlog_archive_name(name, sizeof name, *date);
	return rotlog_join_path(log->dir, date ? name : ROTLOG_BASENAME, buf, size);
}

void rotlog_describe_open_failure(const char *path, const char *dir, int rc, char *err,
				  size_t errlen)
{
	if (rotlog_file_problem(rc) != NULL)
		rotlog_describe(err, errlen, 0,
				"fichier journal %s : %s ; le service n'écrit jamais au travers "
				"(mettez-le de côté, par exemple renommez-le cashdrawer.log.moved, puis "
				"redémarrez ; pour tenir le journal dans un autre dossier, réglez "
				"log_dir sur ce dossier)",
				path, rotlog_file_problem(rc));
	else
		rotlog_describe(err, errlen, 0,
				"fichier journal %s : %s (donnez à l'utilisateur du service le droit "
				"d'écrire dans %s)", path, errno_text(-rc), dir);
}
