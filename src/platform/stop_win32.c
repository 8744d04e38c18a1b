/* Stop requests on Windows: Ctrl-C and the console closing (console ctrl
 * handler), or the service manager (service_win32.c); one event wakes
 * platform_stop_wait. */
#include "platform/stop.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "platform/service_win32.h"

static HANDLE stop_event;
static CRITICAL_SECTION reason_lock;
static char stop_reason[64];

void platform_stop_request(const char *reason)
{
	EnterCriticalSection(&reason_lock);
	if (stop_reason[0] == '\0')
		snprintf(stop_reason, sizeof stop_reason, "%s", reason);
	LeaveCriticalSection(&reason_lock);
	SetEvent(stop_event);
}

static BOOL WINAPI on_console_event(DWORD event)
{
	const char *reason;

	/* A service outlives the sessions of the till's users; its own stop
	 * and the system's shutdown come from the service manager. */
	if (service_win32_active())
		return TRUE;
	switch (event) {
	case CTRL_C_EVENT:
		reason = "Ctrl-C";
		break;
	case CTRL_BREAK_EVENT:
		reason = "Ctrl-Pause";
		break;
	case CTRL_CLOSE_EVENT:
		reason = "fermeture de la console";
		break;
	case CTRL_LOGOFF_EVENT:
		reason = "fermeture de session";
		break;
	default:
		reason = "arrêt de Windows";
	}
	platform_stop_request(reason);
	/* Windows ends the process once this returns for close, logoff and
	 * shutdown: wait here (Windows allows about 5 s) while main stops the
	 * service and writes "Service arrêté"; exiting ends this thread too. */
	if (event == CTRL_CLOSE_EVENT || event == CTRL_LOGOFF_EVENT || event == CTRL_SHUTDOWN_EVENT)
		Sleep(4500);
	return TRUE;
}

void platform_stop_prepare(void)
{
	InitializeCriticalSection(&reason_lock);
	stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
	SetConsoleCtrlHandler(on_console_event, TRUE);
}

void platform_stop_wait(char *reason, size_t size)
{
	service_win32_report_running();
	WaitForSingleObject(stop_event, INFINITE);
	EnterCriticalSection(&reason_lock);
	snprintf(reason, size, "%s", stop_reason);
	LeaveCriticalSection(&reason_lock);
}
