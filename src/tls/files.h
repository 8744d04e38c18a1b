/* src/tls/files.h: the files --setup-tls writes (the service's certificate,
 * its key, the authority's certificate), one file per platform: files_posix.c
 * (modes and owners), files_win32.c (ACLs). Each file is replaced whole and
 * is on disk before it counts; the key is readable by the service only. */
#ifndef CASHDRAWERD_TLS_FILES_H
#define CASHDRAWERD_TLS_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* Who the files written at path should belong to: POSIX, the owner of the
 * nearest existing folder above it when that is not us (the service's user:
 * the package made its state folder for it), else -1; Windows, always -1
 * (the service runs as SYSTEM, and the key's own ACL says who reads it). */
void tls_files_owner(const char *path, long *uid, long *gid);

/* The folder of path, made when missing (given to uid and gid on POSIX when
 * not -1); its parent must exist. Failures show when the file is written. */
void tls_files_make_folder(const char *path, long uid, long gid);

/* text written to path through a temporary file in the same folder, flushed
 * to the disk, then renamed over path (so a reader sees the old file or the
 * new one, whole, even after a power cut). secret: readable by the service
 * only (POSIX: mode 0600 and owned by uid, gid when not -1; Windows: an
 * explicit, protected DACL for SYSTEM and Administrators), set before any
 * byte is written; else readable by everyone (0644; Windows: the folder's
 * inherited ACL). 0, or a negative errno with why filled in French. */
int tls_files_write(const char *path, const char *text, bool secret, long uid, long gid,
		    char *why, size_t why_size);

/* The last folder separator of path ('/'; on Windows '\\' too), or NULL. */
const char *tls_files_last_separator(const char *path);

#endif
