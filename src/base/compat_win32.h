/* Windows build only: the POSIX calls the shared code makes, kept with their
 * POSIX meaning, so that the shared files build unchanged (CMakeLists.txt
 * puts this header in front of every file of the Windows build).
 *  - Paths are UTF-8 everywhere in the program; every file call converts them
 *    to UTF-16 (msvcrt's narrow calls would read them in the ANSI code page,
 *    and a folder "Caisse-Réception" would not be found).
 *  - Files are binary and opened with FILE_SHARE_DELETE, so the log can be
 *    renamed at midnight while /logs still streams it (as on POSIX).
 *  - Sockets report their errors in errno, and close() closes them.
 * Everything is in compat_win32.c. */
#ifndef CASHDRAWERD_COMPAT_WIN32_H
#define CASHDRAWERD_COMPAT_WIN32_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
/* select's sets (compat_poll) hold 64 sockets by default: front.c polls up
 * to max_connections waiting ones, and every file of the build sees this
 * same size (this header comes first in each). */
#ifndef FD_SETSIZE
#define FD_SETSIZE 1024
#endif
/* winsock2.h before anything that may pull windows.h (and its winsock.h) */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

/* Every header whose functions are redefined below, included first so that
 * their own declarations are never renamed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

/* ---- UTF-8 <-> UTF-16, for the Windows-only files too ---- */

/* A UTF-16 copy of utf8 (free() it), or NULL with errno EINVAL/ENOMEM. */
wchar_t *compat_wide(const char *utf8);
/* A UTF-8 copy of wide (free() it), or NULL. */
char *compat_utf8(const wchar_t *wide);
/* wmain's arguments (-municode) as a NULL-terminated UTF-8 argv (never
 * freed: they live as long as the program), or NULL when memory runs out. */
char **compat_utf8_argv(int argc, wchar_t **wargv);
/* errno for a Win32 error code (GetLastError, WSAGetLastError). */
int compat_errno_from_win32(unsigned long error);

/* ---- files ---- */

/* Linux's "package not installed" (src/tls/credentials.c, GnuTLS not
 * loadable): never met on Windows, where GnuTLS is linked in */
#ifndef ENOPKG
#define ENOPKG 65
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0 /* Windows handles are not inherited unless asked */
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif

/* CreateFileW's desired access (a DWORD) for open()'s access mode in flags. */
unsigned long compat_access_of(int flags);
int compat_open(const char *path, int flags, ...);
int compat_stat(const char *path, struct stat *st);
int compat_mkdir(const char *path, int mode);
int compat_rename(const char *from, const char *to);
int compat_unlink(const char *path);
int compat_truncate(const char *path, long length);
FILE *compat_fopen(const char *path, const char *mode);
DIR *compat_opendir(const char *path);
struct dirent *compat_readdir(DIR *dir);
int compat_closedir(DIR *dir);
int compat_close(int fd);

/* open and close as plain names: struct transport_ops has members of those
 * names, and a function-like macro would rename them only where called. */
#define open compat_open
#define stat(path, st) compat_stat(path, st)
#define mkdir(path, mode) compat_mkdir(path, mode)
#define rename(from, to) compat_rename(from, to)
#define unlink(path) compat_unlink(path)
#define truncate(path, length) compat_truncate(path, length)
#define fopen(path, mode) compat_fopen(path, mode)
#define opendir(path) compat_opendir(path)
#define readdir(dir) compat_readdir(dir)
#define closedir(dir) compat_closedir(dir)
#define close compat_close

/* ---- errors ---- */

/* strerror that also knows the socket errors msvcrt's table lacks. */
char *compat_strerror(int errnum);
#define strerror(errnum) compat_strerror(errnum)

static inline int strerror_r(int errnum, char *buf, size_t size)
{
	snprintf(buf, size, "%s", compat_strerror(errnum));
	return 0;
}

/* ---- signals: Windows has none to block (stop requests: platform/stop_win32.c) ---- */

#ifndef _POSIX
typedef _sigset_t sigset_t;
#endif

static inline int sigemptyset(sigset_t *set)
{
	*set = 0;
	return 0;
}

static inline int sigfillset(sigset_t *set)
{
	*set = (sigset_t)~(sigset_t)0;
	return 0;
}

static inline int sigaddset(sigset_t *set, int signal_number)
{
	*set |= (sigset_t)1 << signal_number;
	return 0;
}

/* winpthreads makes it a macro that drops its arguments */
#undef pthread_sigmask
static inline int pthread_sigmask(int how, const sigset_t *set, sigset_t *previous)
{
	(void)how;
	(void)set;
	if (previous != NULL)
		*previous = 0;
	return 0;
}

/* ---- sockets ---- */

#ifndef SOCK_NONBLOCK
#define SOCK_NONBLOCK 0x40000000
#endif
#ifndef SOCK_CLOEXEC
#define SOCK_CLOEXEC 0x20000000
#endif
#ifndef SHUT_RDWR
#define SHUT_RDWR SD_BOTH
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* Windows raises no SIGPIPE */
#endif

int compat_socket(int family, int type, int protocol);
int compat_setsockopt(int fd, int level, int name, const void *value, int length);
int compat_bind(int fd, const struct sockaddr *address, int length);
int compat_listen(int fd, int backlog);
int compat_getsockname(int fd, struct sockaddr *address, int *length);
/* A non-blocking connect under way fails with EINPROGRESS, as on POSIX. */
int compat_connect(int fd, const struct sockaddr *address, int length);
/* SO_ERROR's value is an errno value, as on POSIX. */
int compat_getsockopt(int fd, int level, int name, void *value, int *length);
/* EAGAIN when a non-blocking socket's buffer is full. */
ssize_t compat_send(int fd, const void *data, size_t length, int flags);
/* POLLIN, POLLOUT; a failed connect is POLLERR. Sockets only, FD_SETSIZE at most. */
int compat_poll(struct pollfd *fds, unsigned long count, int timeout_ms);
/* EAGAIN when none is waiting. The new socket is not one close() knows:
 * close it with compat_close_socket (or hand it to libmicrohttpd). */
int compat_accept(int fd, struct sockaddr *address, int *length);
/* EAGAIN when nothing has come yet on a non-blocking socket. */
ssize_t compat_recv(int fd, void *data, size_t length, int flags);
/* closesocket, errno set: for the sockets accept made. */
int compat_close_socket(int fd);

#define socket(family, type, protocol) compat_socket(family, type, protocol)
#define setsockopt(fd, level, name, value, length) compat_setsockopt(fd, level, name, value, length)
#define bind(fd, address, length) compat_bind(fd, address, length)
#define listen(fd, backlog) compat_listen(fd, backlog)
#define getsockname(fd, address, length) compat_getsockname(fd, address, length)
#define connect(fd, address, length) compat_connect(fd, address, length)
#define getsockopt(fd, level, name, value, length) compat_getsockopt(fd, level, name, value, length)
#define send(fd, data, length, flags) compat_send(fd, data, length, flags)
#define poll(fds, count, timeout_ms) compat_poll(fds, count, timeout_ms)
#define accept(fd, address, length) compat_accept(fd, address, length)
#define recv(fd, data, length, flags) compat_recv(fd, data, length, flags)

#endif
