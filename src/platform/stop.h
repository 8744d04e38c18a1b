/* How the service is told to stop: SIGINT/SIGTERM on POSIX; Ctrl-C, the
 * console closing or the Windows service manager on Windows. */
#ifndef CASHDRAWERD_PLATFORM_STOP_H
#define CASHDRAWERD_PLATFORM_STOP_H

#include <stddef.h>

/* Prepares to receive stop requests; call before any thread starts (POSIX:
 * blocks the stop signals, so that every thread inherits the mask). */
void platform_stop_prepare(void);

/* Called once the service answers requests (Windows service: reports it
 * running to the service manager). Then blocks until a stop is requested and
 * writes what asked for it into reason ("SIGTERM", "Ctrl-C", ...). */
void platform_stop_wait(char *reason, size_t size);

#endif
