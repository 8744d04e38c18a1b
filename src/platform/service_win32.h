/* The Windows service: installing and removing it, running under the
 * service manager, and the stop requests between it and platform_stop_wait. */
#ifndef CASHDRAWERD_PLATFORM_SERVICE_WIN32_H
#define CASHDRAWERD_PLATFORM_SERVICE_WIN32_H

#include <stdbool.h>
#include <stddef.h>

#define SERVICE_WIN32_NAME L"cashdrawerd"

/* --install-service [OPTION...]: registers an automatic service that runs
 * this .exe with those options (checked first, as --check-config does),
 * restarted on failure. Returns the exit code; messages go to stderr. */
int service_win32_install(int argc, char **argv, const wchar_t *exe);

/* --uninstall-service: stops the service if it runs, then removes it. */
int service_win32_uninstall(void);

/* --service (the command line the service manager runs): connects to the
 * service manager and runs main(argc, argv) as the service. Returns the exit
 * code, or -1 when not started by the service manager. */
int service_win32_run(int argc, char **argv, int (*main_function)(int, char **));

/* ---- stop requests (stop_win32.c) ---- */

/* Asks platform_stop_wait to return with reason (any thread). */
void platform_stop_request(const char *reason);

/* True between service_win32_run's start and its end. */
bool service_win32_active(void);

/* Tells the service manager the service is running (no-op outside it). */
void service_win32_report_running(void);

#endif
