/* Stop requests on Windows (stop_win32.c), beside platform/stop.h: what the
 * service manager's side (service_win32.c) tells it. */
#ifndef CASHDRAWERD_PLATFORM_STOP_WIN32_H
#define CASHDRAWERD_PLATFORM_STOP_WIN32_H

/* Asks platform_stop_wait to return with reason (any thread). */
void platform_stop_request(const char *reason);

/* Running as a service (report_running non-NULL) or not any more (NULL):
 * console events are then ignored (a service outlives the sessions of the
 * till's users), and platform_stop_wait calls report_running once the
 * service answers requests. */
void platform_stop_service_mode(void (*report_running)(void));

#endif
