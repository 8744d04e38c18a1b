/* Windows build: POSIX file, error and socket calls with their POSIX meaning
 * over Win32 (see compat_win32.h): UTF-8 paths, files renamable while open,
 * socket errors in errno. */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>

/* The CRT's own functions, under the names the header took over. */
#undef open
#undef close
#undef strerror
#undef socket
#undef setsockopt
#undef bind
#undef listen
#undef getsockname
#undef connect
#undef getsockopt
#undef send
#undef poll
#undef accept
#undef recv

wchar_t *compat_wide(const char *utf8)
{
	int length = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
	wchar_t *wide;

	if (length <= 0) {
		errno = EINVAL; /* not UTF-8 */
		return NULL;
	}
	wide = malloc((size_t)length * sizeof *wide);
	if (wide == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, wide, length);
	return wide;
}

char *compat_utf8(const wchar_t *wide)
{
	int length = WideCharToMultiByte(CP_UTF8, 0, wide, -1, NULL, 0, NULL, NULL);
	char *utf8;

	if (length <= 0)
		return NULL;
	utf8 = malloc((size_t)length);
	if (utf8 != NULL)
		WideCharToMultiByte(CP_UTF8, 0, wide, -1, utf8, length, NULL, NULL);
	return utf8;
}

char **compat_utf8_argv(int argc, wchar_t **wargv)
{
	char **argv = calloc((size_t)argc + 1, sizeof *argv);

	for (int i = 0; argv != NULL && i < argc; i++)
		if ((argv[i] = compat_utf8(wargv[i])) == NULL)
			return NULL;
	return argv;
}

int compat_errno_from_win32(unsigned long error)
{
	switch (error) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
	case ERROR_BAD_NET_NAME:
	case ERROR_INVALID_NAME:
		return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
	case ERROR_WRITE_PROTECT:
	case WSAEACCES:
		return EACCES;
	case ERROR_FILE_EXISTS:
	case ERROR_ALREADY_EXISTS:
		return EEXIST;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL:
		return ENOSPC;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
	case WSAENOBUFS:
		return ENOMEM;
	case ERROR_DIRECTORY:
		return ENOTDIR;
	case ERROR_DIR_NOT_EMPTY:
		return ENOTEMPTY;
	case ERROR_FILENAME_EXCED_RANGE:
		return ENAMETOOLONG;
	case WSAEADDRINUSE:
		return EADDRINUSE;
	case WSAEADDRNOTAVAIL:
		return EADDRNOTAVAIL;
	case WSAEAFNOSUPPORT:
	case WSAEPFNOSUPPORT:
		return EAFNOSUPPORT;
	case WSAECONNREFUSED:
		return ECONNREFUSED;
	case WSAEINVAL:
		return EINVAL;
	case WSAEMFILE:
		return EMFILE;
	case WSAEWOULDBLOCK:
		return EAGAIN;
	case WSAEINPROGRESS:
		return EINPROGRESS;
	case WSAETIMEDOUT:
		return ETIMEDOUT;
	case WSAECONNRESET:
		return ECONNRESET;
	case WSAEHOSTUNREACH:
		return EHOSTUNREACH;
	case WSAENETUNREACH:
		return ENETUNREACH;
	case WSAENOTSOCK:
		return ENOTSOCK;
	default:
		return EIO;
	}
}

static int fail_with_last_error(void)
{
	errno = compat_errno_from_win32(GetLastError());
	return -1;
}

/* ---- files ---- */

unsigned long compat_access_of(int flags)
{
	switch (flags & (_O_RDONLY | _O_WRONLY | _O_RDWR)) {
	case _O_WRONLY:
		return GENERIC_WRITE;
	case _O_RDWR:
		return GENERIC_READ | GENERIC_WRITE;
	default:
		return GENERIC_READ;
	}
}

int compat_open(const char *path, int flags, ...)
{
	DWORD access, disposition;
	wchar_t *wide = compat_wide(path);
	HANDLE handle;
	int fd, crt_flags = _O_BINARY | (flags & (_O_APPEND | _O_RDONLY | _O_WRONLY | _O_RDWR));

	if (wide == NULL)
		return -1;
	access = compat_access_of(flags);
	if ((flags & _O_CREAT) && (flags & _O_EXCL))
		disposition = CREATE_NEW;
	else if ((flags & _O_CREAT) && (flags & _O_TRUNC))
		disposition = CREATE_ALWAYS;
	else if (flags & _O_CREAT)
		disposition = OPEN_ALWAYS;
	else if (flags & _O_TRUNC)
		disposition = TRUNCATE_EXISTING;
	else
		disposition = OPEN_EXISTING;
	/* FILE_SHARE_DELETE: others may rename or delete the file while it is
	 * open here, as POSIX allows (the midnight rotation during a download). */
	handle = CreateFileW(wide, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			     NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL);
	free(wide);
	if (handle == INVALID_HANDLE_VALUE)
		return fail_with_last_error();
	fd = _open_osfhandle((intptr_t)handle, crt_flags);
	if (fd < 0) {
		CloseHandle(handle);
		errno = EMFILE;
	}
	return fd;
}

int compat_stat(const char *path, struct stat *st)
{
	wchar_t *wide = compat_wide(path);
	struct _stat64 info;
	int rc;

	if (wide == NULL)
		return -1;
	rc = _wstat64(wide, &info);
	free(wide);
	if (rc < 0)
		return rc;
	memset(st, 0, sizeof *st);
	st->st_mode = info.st_mode;
	st->st_nlink = info.st_nlink;
	st->st_size = (_off_t)info.st_size;
	st->st_atime = info.st_atime;
	st->st_mtime = info.st_mtime;
	st->st_ctime = info.st_ctime;
	return 0;
}

int compat_mkdir(const char *path, int mode)
{
	wchar_t *wide = compat_wide(path);
	BOOL made;

	(void)mode; /* the folder inherits its parent's permissions */
	if (wide == NULL)
		return -1;
	made = CreateDirectoryW(wide, NULL);
	free(wide);
	return made ? 0 : fail_with_last_error();
}

int compat_rename(const char *from, const char *to)
{
	wchar_t *wide_from = compat_wide(from), *wide_to = compat_wide(to);
	BOOL moved = FALSE;

	/* POSIX rename replaces the target: MOVEFILE_REPLACE_EXISTING. */
	if (wide_from != NULL && wide_to != NULL)
		moved = MoveFileExW(wide_from, wide_to, MOVEFILE_REPLACE_EXISTING);
	else
		SetLastError(ERROR_INVALID_NAME);
	free(wide_from);
	free(wide_to);
	return moved ? 0 : fail_with_last_error();
}

int compat_unlink(const char *path)
{
	wchar_t *wide = compat_wide(path);
	BOOL deleted;

	if (wide == NULL)
		return -1;
	deleted = DeleteFileW(wide);
	free(wide);
	return deleted ? 0 : fail_with_last_error();
}

int compat_truncate(const char *path, long length)
{
	int fd = compat_open(path, _O_WRONLY), rc;

	if (fd < 0)
		return -1;
	rc = _chsize(fd, length);
	_close(fd);
	return rc;
}

FILE *compat_fopen(const char *path, const char *mode)
{
	wchar_t *wide = compat_wide(path), *wide_mode = compat_wide(mode);
	FILE *file = NULL;

	if (wide != NULL && wide_mode != NULL)
		file = _wfopen(wide, wide_mode);
	free(wide);
	free(wide_mode);
	return file;
}

/* DIR is opaque to its callers: ours is a FindFirstFileW search. */
struct compat_dir {
	HANDLE find;
	WIN32_FIND_DATAW data;
	bool have_data; /* data holds an entry not yet returned */
	struct dirent entry;
};

DIR *compat_opendir(const char *path)
{
	size_t length = strlen(path);
	char *pattern = malloc(length + 3);
	wchar_t *wide = NULL;
	struct compat_dir *dir = calloc(1, sizeof *dir);

	if (pattern == NULL || dir == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	snprintf(pattern, length + 3, "%s%s*", path,
		 length > 0 && (path[length - 1] == '/' || path[length - 1] == '\\') ? "" : "\\");
	wide = compat_wide(pattern);
	if (wide == NULL)
		goto fail;
	dir->find = FindFirstFileW(wide, &dir->data);
	if (dir->find == INVALID_HANDLE_VALUE) {
		fail_with_last_error();
		goto fail;
	}
	dir->have_data = true;
	free(wide);
	free(pattern);
	return (DIR *)(void *)dir;
fail:
	free(wide);
	free(pattern);
	free(dir);
	return NULL;
}

struct dirent *compat_readdir(DIR *opaque)
{
	struct compat_dir *dir = (struct compat_dir *)(void *)opaque;

	for (;;) {
		int length;

		if (!dir->have_data) {
			if (!FindNextFileW(dir->find, &dir->data)) {
				/* the end is not an error: errno stays as the caller set it */
				if (GetLastError() != ERROR_NO_MORE_FILES)
					fail_with_last_error();
				return NULL;
			}
		}
		dir->have_data = false;
		length = WideCharToMultiByte(CP_UTF8, 0, dir->data.cFileName, -1,
					     dir->entry.d_name, (int)sizeof dir->entry.d_name, NULL,
					     NULL);
		if (length <= 0)
			continue; /* a name too long for d_name: not one of ours */
		dir->entry.d_namlen = (unsigned short)(length - 1);
		return &dir->entry;
	}
}

int compat_closedir(DIR *opaque)
{
	struct compat_dir *dir = (struct compat_dir *)(void *)opaque;

	if (dir == NULL)
		return 0;
	FindClose(dir->find);
	free(dir);
	return 0;
}

/* ---- sockets: those made here are remembered, so close() knows them ---- */

#define SOCKETS_MAX 64
static SOCKET open_sockets[SOCKETS_MAX];
static size_t open_socket_count;
static pthread_mutex_t sockets_lock = PTHREAD_MUTEX_INITIALIZER;

static bool forget_socket(SOCKET sock)
{
	bool found = false;

	pthread_mutex_lock(&sockets_lock);
	for (size_t i = 0; i < open_socket_count; i++) {
		if (open_sockets[i] == sock) {
			open_sockets[i] = open_sockets[--open_socket_count];
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&sockets_lock);
	return found;
}

static int fail_with_socket_error(void)
{
	errno = compat_errno_from_win32((unsigned long)WSAGetLastError());
	return -1;
}

int compat_socket(int family, int type, int protocol)
{
	SOCKET sock = WSASocketW(family, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), protocol, NULL, 0,
				 WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	u_long nonblocking = 1;

	/* Windows 7 without its 2011 update lacks WSA_FLAG_NO_HANDLE_INHERIT. */
	if (sock == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
		sock = WSASocketW(family, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), protocol, NULL, 0,
				  WSA_FLAG_OVERLAPPED);
		if (sock != INVALID_SOCKET)
			SetHandleInformation((HANDLE)sock, HANDLE_FLAG_INHERIT, 0);
	}
	if (sock == INVALID_SOCKET)
		return fail_with_socket_error();
	if ((type & SOCK_NONBLOCK) && ioctlsocket(sock, FIONBIO, &nonblocking) != 0) {
		fail_with_socket_error();
		closesocket(sock);
		return -1;
	}
	pthread_mutex_lock(&sockets_lock);
	if (open_socket_count == SOCKETS_MAX) {
		pthread_mutex_unlock(&sockets_lock);
		closesocket(sock);
		errno = EMFILE;
		return -1;
	}
	open_sockets[open_socket_count++] = sock;
	pthread_mutex_unlock(&sockets_lock);
	/* Socket handles are kernel handles, which always fit in 32 bits. */
	return (int)sock;
}

int compat_setsockopt(int fd, int level, int name, const void *value, int length)
{
	/* POSIX SO_REUSEADDR (bind despite connections in TIME_WAIT) is what
	 * Windows does anyway; Windows' SO_REUSEADDR would let a second service
	 * take the port. Ask Windows for the opposite: the port is ours alone. */
	if (level == SOL_SOCKET && name == SO_REUSEADDR) {
		int one = 1;

		return setsockopt((SOCKET)fd, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one,
				  sizeof one) == 0
			       ? 0
			       : fail_with_socket_error();
	}
	return setsockopt((SOCKET)fd, level, name, value, length) == 0 ? 0
									: fail_with_socket_error();
}

int compat_bind(int fd, const struct sockaddr *address, int length)
{
	return bind((SOCKET)fd, address, length) == 0 ? 0 : fail_with_socket_error();
}

int compat_listen(int fd, int backlog)
{
	return listen((SOCKET)fd, backlog) == 0 ? 0 : fail_with_socket_error();
}

int compat_getsockname(int fd, struct sockaddr *address, int *length)
{
	return getsockname((SOCKET)fd, address, length) == 0 ? 0 : fail_with_socket_error();
}

int compat_connect(int fd, const struct sockaddr *address, int length)
{
	if (connect((SOCKET)fd, address, length) == 0)
		return 0;
	/* Winsock's word for a non-blocking connect under way */
	if (WSAGetLastError() == WSAEWOULDBLOCK) {
		errno = EINPROGRESS;
		return -1;
	}
	return fail_with_socket_error();
}

int compat_getsockopt(int fd, int level, int name, void *value, int *length)
{
	if (getsockopt((SOCKET)fd, level, name, value, length) != 0)
		return fail_with_socket_error();
	/* a Winsock code there: the callers read it as errno */
	if (level == SOL_SOCKET && name == SO_ERROR && *length >= (int)sizeof(int) &&
	    *(int *)value != 0)
		*(int *)value = compat_errno_from_win32((unsigned long)*(int *)value);
	return 0;
}

ssize_t compat_send(int fd, const void *data, size_t length, int flags)
{
	int sent = send((SOCKET)fd, data, length > INT_MAX ? INT_MAX : (int)length, flags);

	return sent == SOCKET_ERROR ? fail_with_socket_error() : sent;
}

int compat_accept(int fd, struct sockaddr *address, int *length)
{
	SOCKET sock = accept((SOCKET)fd, address, length);

	if (sock == INVALID_SOCKET)
		return fail_with_socket_error();
	SetHandleInformation((HANDLE)sock, HANDLE_FLAG_INHERIT, 0);
	return (int)sock;
}

ssize_t compat_recv(int fd, void *data, size_t length, int flags)
{
	int got = recv((SOCKET)fd, data, length > INT_MAX ? INT_MAX : (int)length, flags);

	return got == SOCKET_ERROR ? fail_with_socket_error() : got;
}

int compat_close_socket(int fd)
{
	return closesocket((SOCKET)fd) == 0 ? 0 : fail_with_socket_error();
}

int compat_poll(struct pollfd *fds, unsigned long count, int timeout_ms)
{
	fd_set readable, writable, failed;
	struct timeval wait = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	int ready;

	if (count == 0 || count > FD_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	FD_ZERO(&readable);
	FD_ZERO(&writable);
	FD_ZERO(&failed);
	for (unsigned long i = 0; i < count; i++) {
		if (fds[i].events & POLLIN)
			FD_SET(fds[i].fd, &readable);
		if (fds[i].events & POLLOUT)
			FD_SET(fds[i].fd, &writable);
		/* where select reports a connect that failed */
		FD_SET(fds[i].fd, &failed);
	}
	if (select(0, &readable, &writable, &failed, timeout_ms < 0 ? NULL : &wait) == SOCKET_ERROR)
		return fail_with_socket_error();
	ready = 0;
	for (unsigned long i = 0; i < count; i++) {
		fds[i].revents = 0;
		if (FD_ISSET(fds[i].fd, &readable))
			fds[i].revents |= POLLIN;
		if (FD_ISSET(fds[i].fd, &writable))
			fds[i].revents |= POLLOUT;
		if (FD_ISSET(fds[i].fd, &failed))
			fds[i].revents |= POLLERR;
		ready += fds[i].revents != 0;
	}
	return ready;
}

int compat_close(int fd)
{
	if (fd >= 0 && forget_socket((SOCKET)fd))
		return closesocket((SOCKET)fd) == 0 ? 0 : fail_with_socket_error();
	return _close(fd);
}

/* ---- errors ---- */

char *compat_strerror(int errnum)
{
	/* msvcrt's table stops at 42; these come from sockets. */
	switch (errnum) {
	case EADDRINUSE:
		return "Address already in use";
	case EADDRNOTAVAIL:
		return "Cannot assign requested address";
	case EAFNOSUPPORT:
		return "Address family not supported by protocol";
	case ECONNREFUSED:
		return "Connection refused";
	case ETIMEDOUT:
		return "Connection timed out";
	case EHOSTUNREACH:
		return "No route to host";
	case ENETUNREACH:
		return "Network is unreachable";
	case ENOTSUP:
		return "Operation not supported";
	default:
		return strerror(errnum);
	}
}
