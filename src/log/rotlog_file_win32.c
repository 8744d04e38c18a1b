/* Rotating log, its files on Windows: opened with FILE_FLAG_OPEN_REPARSE_POINT
 * (a symbolic link or junction is opened as itself, never followed) and
 * judged on the handle (GetFileInformationByHandle), so a link planted in the
 * log folder is never read, written, cut or renamed through. */
#include "log/rotlog_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>

/* 100 ns ticks between 1601-01-01 (FILETIME) and 1970-01-01 */
#define EPOCH_DIFFERENCE 116444736000000000ULL

static int fail_with_last_error(void)
{
	errno = compat_errno_from_win32(GetLastError());
	return -errno;
}

static int fill(HANDLE handle, struct rotlog_file_info *info)
{
	BY_HANDLE_FILE_INFORMATION data;
	FILE_STANDARD_INFO standard;
	uint64_t written;

	if (!GetFileInformationByHandle(handle, &data))
		return fail_with_last_error();
	info->type = rotlog_file_type_win32(data.dwFileAttributes, GetFileType(handle));
	info->links = data.nNumberOfLinks;
	/* deleted while open: Windows keeps its name until the last handle
	 * closes, marked "delete pending"; to the log it is gone */
	if (GetFileInformationByHandleEx(handle, FileStandardInfo, &standard, sizeof standard) &&
	    standard.DeletePending)
		info->links = 0;
	info->device = data.dwVolumeSerialNumber;
	info->inode = (uint64_t)data.nFileIndexHigh << 32 | data.nFileIndexLow;
	info->size = (int64_t)((uint64_t)data.nFileSizeHigh << 32 | data.nFileSizeLow);
	written = (uint64_t)data.ftLastWriteTime.dwHighDateTime << 32 |
		  data.ftLastWriteTime.dwLowDateTime;
	info->modified = written > EPOCH_DIFFERENCE
				 ? (time_t)((written - EPOCH_DIFFERENCE) / 10000000ULL)
				 : 0;
	return 0;
}

/* BACKUP_SEMANTICS: a folder opens too, to be told apart from a file. */
static HANDLE open_handle(const char *path, DWORD access, DWORD disposition)
{
	wchar_t *wide = compat_wide(path);
	HANDLE handle;

	if (wide == NULL) {
		SetLastError(ERROR_INVALID_NAME);
		return INVALID_HANDLE_VALUE;
	}
	/* FILE_SHARE_DELETE: the file may be renamed at midnight while /logs streams it */
	handle = CreateFileW(wide, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			     NULL, disposition,
			     FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT |
				     FILE_FLAG_BACKUP_SEMANTICS,
			     NULL);
	free(wide);
	return handle;
}

int rotlog_file_inspect(const char *path, struct rotlog_file_info *info)
{
	HANDLE handle = open_handle(path, FILE_READ_ATTRIBUTES, OPEN_EXISTING);
	int rc;

	if (handle == INVALID_HANDLE_VALUE)
		return fail_with_last_error();
	rc = fill(handle, info);
	CloseHandle(handle);
	return rc;
}

int rotlog_file_info_of(int fd, struct rotlog_file_info *info)
{
	HANDLE handle = (HANDLE)_get_osfhandle(fd);

	if (handle == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -EBADF;
	}
	return fill(handle, info);
}

int rotlog_file_open(const char *path, int flags, struct rotlog_file_info *info)
{
	struct rotlog_file_info opened, seen;
	DWORD access;
	HANDLE handle;
	int fd, rc;

	if (info == NULL)
		info = &opened;
	access = compat_access_of(flags);
	handle = open_handle(path, access, (flags & _O_CREAT) ? OPEN_ALWAYS : OPEN_EXISTING);
	if (handle == INVALID_HANDLE_VALUE) {
		rc = fail_with_last_error();
		/* a folder refused for writing, say: name what is there */
		if (rc != -ENOENT && rotlog_file_inspect(path, &seen) == 0 &&
		    rotlog_file_verdict(&seen) < 0)
			return rotlog_file_verdict(&seen);
		return rc;
	}
	rc = fill(handle, info);
	if (rc == 0)
		rc = rotlog_file_verdict(info);
	if (rc < 0) {
		CloseHandle(handle);
		return rc;
	}
	fd = _open_osfhandle((intptr_t)handle,
			     _O_BINARY | (flags & (_O_APPEND | _O_RDONLY | _O_WRONLY | _O_RDWR)));
	if (fd < 0) {
		CloseHandle(handle);
		errno = EMFILE;
		return -EMFILE;
	}
	return fd;
}
