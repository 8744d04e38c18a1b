/* Rotating log, which names in its folder are its own files (pure): a
 * regular file with a single name, never a link, whatever the platform
 * (the backends that look at the disk: rotlog_file_posix.c and
 * rotlog_file_win32.c). */
#include "log/rotlog.h"

#include <errno.h>
#include <stddef.h>

/* winnt.h and winbase.h values, spelled here so that this pure code and its
 * tests build on every platform. */
#define WIN32_ATTRIBUTE_DIRECTORY 0x10u
#define WIN32_ATTRIBUTE_REPARSE_POINT 0x400u
#define WIN32_TYPE_DISK 0x1u

int rotlog_file_verdict(const struct rotlog_file_info *info)
{
	switch (info->type) {
	case ROTLOG_FILE_REGULAR:
		/* another name may be anywhere on the disk, /etc/shadow's own included */
		return info->links > 1 ? -EMLINK : 0;
	case ROTLOG_FILE_LINK:
		return -ELOOP;
	case ROTLOG_FILE_DIRECTORY:
		return -EISDIR;
	default:
		return -EINVAL;
	}
}

const char *rotlog_file_problem(int verdict)
{
	switch (verdict) {
	case -ELOOP:
		return "est un lien (symbolique ou jonction), pas un fichier du service";
	case -EMLINK:
		return "a d'autres noms (liens physiques) : ce n'est pas un fichier du service seul";
	case -EISDIR:
		return "est un dossier, pas un fichier du service";
	case -EINVAL:
		return "n'est pas un fichier ordinaire (un tube, un périphérique ou un socket)";
	default:
		return NULL;
	}
}

enum rotlog_file_type rotlog_file_type_win32(uint32_t attributes, uint32_t file_type)
{
	/* a symbolic link to a folder is also marked as a folder: the link wins */
	if (attributes & WIN32_ATTRIBUTE_REPARSE_POINT)
		return ROTLOG_FILE_LINK;
	if (attributes & WIN32_ATTRIBUTE_DIRECTORY)
		return ROTLOG_FILE_DIRECTORY;
	return file_type == WIN32_TYPE_DISK ? ROTLOG_FILE_REGULAR : ROTLOG_FILE_OTHER;
}
