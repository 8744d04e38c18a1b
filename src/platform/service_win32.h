/* The Windows service: installing and removing it, running under the
 * service manager (stop requests go through platform/stop_win32.h). */
#ifndef CASHDRAWERD_PLATFORM_SERVICE_WIN32_H
#define CASHDRAWERD_PLATFORM_SERVICE_WIN32_H

#include <stdbool.h>
#include <stddef.h>

#define SERVICE_WIN32_NAME L"cashdrawerd"

/* --install-service [OPTION...]: registers an automatic service that runs
 * this .exe with those options (checked first by main_function with
 * --check-config), restarted on failure, and the event source cashdrawerd
 * (platform/eventlog.h). Returns the exit code; messages go to stderr. */
int service_win32_install(int argc, char **argv, const wchar_t *exe,
			  int (*main_function)(int, char **));

/* --uninstall-service: stops the service if it runs, then removes it and
 * its event source. */
int service_win32_uninstall(void);

/* --service (the command line the service manager runs): connects to the
 * service manager and runs main(argc, argv) as the service. Returns the exit
 * code, or -1 when not started by the service manager. */
int service_win32_run(int argc, char **argv, int (*main_function)(int, char **));

#endif
