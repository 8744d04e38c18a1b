/* src/tls/files_win32.c: the files --setup-tls writes, on Windows (files.h):
 * the key created with its own protected DACL, FlushFileBuffers, then
 * MoveFileEx over the old file. */
#include "tls/files.h"

#include <sddl.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errno_text.h"

/* The key's DACL (SDDL): P protected (nothing inherited from the folder),
 * full access (FA) for LocalSystem (SY), the service's account, and the
 * Administrators (BA), who may renew or remove it; no one else. */
#define SECRET_SDDL L"D:P(A;;FA;;;SY)(A;;FA;;;BA)"

const char *tls_files_last_separator(const char *path)
{
	const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\');

	return slash == NULL || (backslash != NULL && backslash > slash) ? backslash : slash;
}

void tls_files_owner(const char *path, long *uid, long *gid)
{
	(void)path;
	*uid = *gid = -1;
}

void tls_files_make_folder(const char *path, long uid, long gid)
{
	char folder[4096];
	const char *separator = tls_files_last_separator(path);

	(void)uid, (void)gid;
	/* "C:\x" or "\x": the root is there already */
	if (separator == NULL || separator == path || separator[-1] == ':')
		return;
	snprintf(folder, sizeof folder, "%.*s", (int)(separator - path), path);
	/* compat_mkdir: CreateDirectoryW, the folder inheriting its parent's ACL */
	mkdir(folder, 0755);
}

/* The temporary file, created with the security descriptor it must have. */
static HANDLE create_temporary(const wchar_t *path, bool secret)
{
	SECURITY_ATTRIBUTES attributes = {sizeof attributes, NULL, FALSE};
	PSECURITY_DESCRIPTOR descriptor = NULL;
	HANDLE handle;
	DWORD error;

	if (secret) {
		if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
			    SECRET_SDDL, SDDL_REVISION_1, &descriptor, NULL))
			return INVALID_HANDLE_VALUE;
		attributes.lpSecurityDescriptor = descriptor;
	}
	handle = CreateFileW(path, GENERIC_WRITE, 0, &attributes, CREATE_NEW,
			     FILE_ATTRIBUTE_NORMAL, NULL);
	error = GetLastError();
	LocalFree(descriptor);
	SetLastError(error);
	return handle;
}

static bool write_all(HANDLE handle, const char *text, size_t length)
{
	while (length > 0) {
		DWORD chunk = length > 1u << 30 ? 1u << 30 : (DWORD)length, written = 0;

		if (!WriteFile(handle, text, chunk, &written, NULL) || written == 0)
			return false;
		text += written;
		length -= written;
	}
	return true;
}

int tls_files_write(const char *path, const char *text, bool secret, long uid, long gid,
		    char *why, size_t why_size)
{
	char temporary[4200];
	wchar_t *wide_path = NULL, *wide_temporary = NULL;
	HANDLE handle = INVALID_HANDLE_VALUE;
	DWORD error = 0;
	int rc = 0;

	(void)uid, (void)gid;
	snprintf(temporary, sizeof temporary, "%.4000s.nouveau", path);
	wide_path = compat_wide(path);
	wide_temporary = compat_wide(temporary);
	if (wide_path == NULL || wide_temporary == NULL) {
		error = ERROR_INVALID_NAME;
		goto out;
	}
	DeleteFileW(wide_temporary);
	handle = create_temporary(wide_temporary, secret);
	if (handle == INVALID_HANDLE_VALUE) {
		error = GetLastError();
		goto out;
	}
	/* FlushFileBuffers: the bytes on the disk before the rename counts */
	if (!write_all(handle, text, strlen(text)) || !FlushFileBuffers(handle)) {
		error = GetLastError();
		goto out;
	}
	CloseHandle(handle);
	handle = INVALID_HANDLE_VALUE;
	/* the file keeps its own security descriptor as it moves in the folder */
	if (!MoveFileExW(wide_temporary, wide_path,
			 MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		error = GetLastError();
out:
	if (handle != INVALID_HANDLE_VALUE)
		CloseHandle(handle);
	if (error != 0) {
		if (wide_temporary != NULL)
			DeleteFileW(wide_temporary);
		rc = -compat_errno_from_win32(error);
		snprintf(why, why_size, "écriture de %s impossible : %s%s", path, errno_text(-rc),
			 error == ERROR_ACCESS_DENIED
				 ? " (lancez-le dans une invite de commandes ouverte en administrateur)"
				 : "");
	}
	free(wide_path);
	free(wide_temporary);
	return rc;
}
