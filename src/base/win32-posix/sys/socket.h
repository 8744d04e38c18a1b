/* Windows build: sys/socket.h is part of Winsock (see compat_win32.h). */
#include <winsock2.h>
#include <ws2tcpip.h>
