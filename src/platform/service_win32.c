/* The Windows service: --install-service registers cashdrawerd.exe as an
 * automatic service restarted after failures, and its event source (the
 * Event Log's warnings and errors), --uninstall-service removes both, and
 * --service (the command line the service manager runs) runs main under
 * the service manager, which stops it on "sc stop" and at shutdown. */
#include "platform/service_win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/eventlog.h"
#include "platform/stop_win32.h"


#define DISPLAY_NAME L"cashdrawerd (tiroir-caisse)"
#define DESCRIPTION                                                                         \
	L"Ouvre le tiroir-caisse quand le point de vente le demande "                       \
	L"(http://localhost:22548/open-cash-drawer) et tient le journal logs\\cashdrawer.log."
/* The service manager waits this long for a stop before giving up on us. */
#define STOP_WAIT_HINT_MS 5000
#define UNINSTALL_STOP_WAIT_MS 15000

static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status = {.dwServiceType = SERVICE_WIN32_OWN_PROCESS};
static int service_argc;
static char **service_argv;
static int (*service_main_function)(int, char **);
static int service_exit_code;

static void report(DWORD state, DWORD wait_hint_ms)
{
	static DWORD checkpoint;

	status.dwCurrentState = state;
	status.dwWaitHint = wait_hint_ms;
	status.dwControlsAccepted =
		state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
	status.dwCheckPoint = state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : ++checkpoint;
	SetServiceStatus(status_handle, &status);
}

static void report_running(void)
{
	report(SERVICE_RUNNING, 0);
}

static DWORD WINAPI on_control(DWORD control, DWORD event_type, void *event_data, void *context)
{
	(void)event_type;
	(void)event_data;
	(void)context;
	switch (control) {
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
		report(SERVICE_STOP_PENDING, STOP_WAIT_HINT_MS);
		platform_stop_request(control == SERVICE_CONTROL_STOP ? "arrêt du service"
								      : "arrêt de Windows");
		return NO_ERROR;
	case SERVICE_CONTROL_INTERROGATE:
		return NO_ERROR;
	default:
		return ERROR_CALL_NOT_IMPLEMENTED;
	}
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
	(void)argc;
	(void)argv;
	status_handle = RegisterServiceCtrlHandlerExW(SERVICE_WIN32_NAME, on_control, NULL);
	if (status_handle == NULL)
		return;
	platform_stop_service_mode(report_running);
	report(SERVICE_START_PENDING, 10000);
	/* main reports the service running once it answers (platform_stop_wait),
	 * and returns once the log says "Service arrêté". */
	service_exit_code = service_main_function(service_argc, service_argv);
	status.dwWin32ExitCode = service_exit_code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
	status.dwServiceSpecificExitCode = (DWORD)service_exit_code;
	platform_stop_service_mode(NULL);
	report(SERVICE_STOPPED, 0);
}

/* A service has no console: its standard streams lead nowhere, and the log's
 * copy to stderr (log_console) must not fail on a closed descriptor. */
static void quiet_standard_streams(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int nul;

		if (_get_osfhandle(fd) != -1 && _get_osfhandle(fd) != -2)
			continue;
		nul = _open("NUL", fd == 0 ? _O_RDONLY : _O_WRONLY);
		if (nul >= 0 && nul != fd) {
			_dup2(nul, fd);
			_close(nul);
		}
	}
}

int service_win32_run(int argc, char **argv, int (*main_function)(int, char **))
{
	SERVICE_TABLE_ENTRYW table[] = {{SERVICE_WIN32_NAME, service_main}, {NULL, NULL}};

	quiet_standard_streams();

	service_argc = argc;
	service_argv = argv;
	service_main_function = main_function;
	if (!StartServiceCtrlDispatcherW(table))
		return GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT ? -1 : 1;
	return service_exit_code;
}

/* ---- installing and removing ---- */

static void print_failure(const char *what, DWORD error)
{
	const char *hint = "";

	if (error == ERROR_ACCESS_DENIED)
		hint = " (run it from a command prompt opened with \"Run as administrator\")";
	else if (error == ERROR_SERVICE_EXISTS)
		hint = " (it is already installed: --uninstall-service first, then install again "
		       "with the new options)";
	else if (error == ERROR_SERVICE_DOES_NOT_EXIST)
		hint = " (it is not installed)";
	else if (error == ERROR_SERVICE_MARKED_FOR_DELETE)
		hint = " (Windows removes it once every Services window is closed; close them and "
		       "try again)";
	fprintf(stderr, "cashdrawerd: %s: Windows error %lu%s\n", what, (unsigned long)error, hint);
}

/* Appends " text" to command, quoted as CommandLineToArgvW reads it back:
 * n backslashes before a quote become 2n + 1 and the quote, before the
 * closing quote 2n, elsewhere they stay n. */
static bool append_argument(wchar_t *command, size_t size, const char *text)
{
	wchar_t *wide = compat_wide(text);
	size_t used = wcslen(command);
	bool quote, fits = true;

	if (wide == NULL)
		return false;
	quote = wide[0] == L'\0' || wcspbrk(wide, L" \t\"") != NULL;
#define PUT(c) (used + 2 < size ? (void)(command[used++] = (c)) : (void)(fits = false))
	PUT(L' ');
	if (quote)
		PUT(L'"');
	for (const wchar_t *c = wide;; c++) {
		size_t backslashes = 0;

		while (*c == L'\\') {
			backslashes++;
			c++;
		}
		if (*c == L'\0') {
			for (size_t i = 0; i < (quote ? 2 * backslashes : backslashes); i++)
				PUT(L'\\');
			break;
		}
		for (size_t i = 0; i < (*c == L'"' ? 2 * backslashes + 1 : backslashes); i++)
			PUT(L'\\');
		PUT(*c);
	}
	if (quote)
		PUT(L'"');
#undef PUT
	command[used] = L'\0';
	free(wide);
	return fits;
}

int service_win32_install(int argc, char **argv, const wchar_t *exe,
			  int (*main_function)(int, char **))
{
	wchar_t command[8192];
	char *check[80], err[512];
	int check_count = 0, rc = 1;
	SC_HANDLE manager = NULL, service = NULL;
	SERVICE_DESCRIPTIONW description = {DESCRIPTION};
	SC_ACTION actions[3] = {{SC_ACTION_RESTART, 5000},
				{SC_ACTION_RESTART, 5000},
				{SC_ACTION_RESTART, 30000}};
	SERVICE_FAILURE_ACTIONSW failure = {.dwResetPeriod = 24 * 60 * 60,
					    .cActions = 3,
					    .lpsaActions = actions};
	SERVICE_FAILURE_ACTIONS_FLAG on_errors_too = {TRUE};

	/* The service must not fail at its first start: check its settings as
	 * --check-config does, with the same messages. */
	if (argc + 2 > (int)(sizeof check / sizeof check[0])) {
		fprintf(stderr, "cashdrawerd: --install-service: too many options\n");
		return 2;
	}
	check[check_count++] = "cashdrawerd";
	check[check_count++] = "--check-config";
	for (int i = 0; i < argc; i++)
		check[check_count++] = argv[i];
	check[check_count] = NULL;
	rc = main_function(check_count, check);
	if (rc != 0) {
		fprintf(stderr, "cashdrawerd: service not installed: fix the settings above\n");
		return rc;
	}
	swprintf(command, sizeof command / sizeof command[0], L"\"%ls\" --service", exe);
	for (int i = 0; i < argc; i++) {
		if (!append_argument(command, sizeof command / sizeof command[0], argv[i])) {
			fprintf(stderr, "cashdrawerd: --install-service: options too long\n");
			return 2;
		}
	}
	rc = 1;
	manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE);
	if (manager == NULL) {
		print_failure("cannot open the service manager", GetLastError());
		goto out;
	}
	service = CreateServiceW(manager, SERVICE_WIN32_NAME, DISPLAY_NAME, SERVICE_ALL_ACCESS,
				 SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
				 command, NULL, NULL, NULL, NULL, NULL);
	if (service == NULL) {
		print_failure("cannot create the service cashdrawerd", GetLastError());
		goto out;
	}
	ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &description);
	/* Restart 5 s after a crash or a failed start, again 5 s later, then
	 * every 30 s; the count starts again after a day without failure. */
	if (!ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &failure) ||
	    !ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &on_errors_too))
		print_failure("warning: restart after failure not set", GetLastError());
	printf("Service cashdrawerd installed: it starts with Windows and restarts after a "
	       "failure.\nCommand line: %ls\n",
	       command);
	/* the events show without "the description cannot be found" */
	if (eventlog_register(exe, err, sizeof err) == 0)
		printf("Its warnings and errors also go to the Windows Event Log (Application, "
		       "source cashdrawerd).\n");
	else
		fprintf(stderr, "cashdrawerd: warning: %s\n", err);
	printf("Start it now with: sc start cashdrawerd\n");
	rc = 0;
out:
	if (service != NULL)
		CloseServiceHandle(service);
	if (manager != NULL)
		CloseServiceHandle(manager);
	return rc;
}

/* The event source goes with the service, and also when the service is
 * already gone (a half-done removal). rc: the service's outcome. */
static int remove_event_source(int rc)
{
	char err[512];
	int removed = eventlog_unregister(err, sizeof err);

	if (removed > 0)
		printf("Event source cashdrawerd removed.\n");
	if (removed < 0) {
		fprintf(stderr, "cashdrawerd: %s\n", err);
		return 1;
	}
	return rc;
}

int service_win32_uninstall(void)
{
	SC_HANDLE manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), service = NULL;
	SERVICE_STATUS state;
	int rc = 1;

	if (manager == NULL) {
		print_failure("cannot open the service manager", GetLastError());
		goto out;
	}
	service = OpenServiceW(manager, SERVICE_WIN32_NAME,
			       SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
	if (service == NULL) {
		print_failure("cannot open the service cashdrawerd", GetLastError());
		goto out;
	}
	if (ControlService(service, SERVICE_CONTROL_STOP, &state)) {
		/* it writes "Service arrêté" to its log before it reports stopped */
		for (int waited = 0; waited < UNINSTALL_STOP_WAIT_MS &&
				     QueryServiceStatus(service, &state) &&
				     state.dwCurrentState != SERVICE_STOPPED;
		     waited += 100)
			Sleep(100);
		printf("Service cashdrawerd stopped.\n");
	}
	if (!DeleteService(service)) {
		print_failure("cannot remove the service cashdrawerd", GetLastError());
		goto out;
	}
	printf("Service cashdrawerd removed.\n");
	rc = 0;
out:
	if (service != NULL)
		CloseServiceHandle(service);
	if (manager != NULL)
		CloseServiceHandle(manager);
	return remove_event_source(rc);
}
