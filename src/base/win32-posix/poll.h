/* Windows build: poll() is compat_win32.h's (select underneath: WSAPoll
 * reports no failed connect before Windows 10 2004); struct pollfd and
 * POLLIN/POLLOUT are Winsock's. */
#include <winsock2.h>

/* POSIX's type of poll's count (compat_poll takes an unsigned long) */
typedef unsigned long nfds_t;
