/* Windows entry point: UTF-16 arguments to UTF-8, Winsock, the service verbs
 * (--install-service, --uninstall-service, --service), and the folder of
 * the .exe as the home of cashdrawerd.ini and logs\ (as the old service had
 * them); then the common main (main.c). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/service_win32.h"
#ifdef CASHDRAWERD_HAVE_TLS
#include "service_tls_win32.h"
#endif

#define INI_NAME L"cashdrawerd.ini"

int main(int argc, char *argv[]); /* main.c */

static UINT original_output_code_page;

static void restore_console(void)
{
	if (original_output_code_page != 0)
		SetConsoleOutputCP(original_output_code_page);
}

/* The .exe's path and its folder (with a trailing backslash), or false. */
static bool find_exe(wchar_t *exe, wchar_t *folder, size_t size)
{
	DWORD length = GetModuleFileNameW(NULL, exe, (DWORD)size);
	wchar_t *slash;

	if (length == 0 || length >= size)
		return false;
	wcscpy(folder, exe);
	slash = wcsrchr(folder, L'\\');
	if (slash == NULL)
		return false;
	slash[1] = L'\0';
	return true;
}

static bool file_exists(const wchar_t *path)
{
	DWORD attributes = GetFileAttributesW(path);

	return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
}

/* utf8 made absolute against the current folder (a new string), or NULL. */
static char *absolute_path(const char *utf8)
{
	wchar_t *wide = compat_wide(utf8), full[MAX_PATH * 4];
	DWORD length = wide != NULL ? GetFullPathNameW(wide, MAX_PATH * 4, full, NULL) : 0;

	free(wide);
	return length > 0 && length < MAX_PATH * 4 ? compat_utf8(full) : NULL;
}

/* --config FILE / --config=FILE relative to the folder it was typed in, since
 * the program then works from the .exe's folder; without --config, the
 * .exe's cashdrawerd.ini when there is one. args has room for two more. */
static int settle_config_path(int argc, char **args, const wchar_t *folder)
{
	wchar_t ini[MAX_PATH * 4];

	for (int i = 1; i < argc; i++) {
		char *value = NULL, *absolute;

		if (strcmp(args[i], "--config") == 0 && i + 1 < argc)
			value = args[++i];
		else if (strncmp(args[i], "--config=", 9) == 0)
			value = args[i] + 9;
		if (value == NULL)
			continue;
		absolute = absolute_path(value);
		if (absolute != NULL) {
			if (value == args[i]) {
				args[i] = absolute;
			} else {
				size_t size = strlen(absolute) + 10;

				args[i] = malloc(size);
				if (args[i] != NULL)
					snprintf(args[i], size, "--config=%s", absolute);
			}
		}
		return argc;
	}
	if (swprintf(ini, MAX_PATH * 4, L"%ls%ls", folder, INI_NAME) > 0 && file_exists(ini)) {
		args[argc++] = "--config";
		args[argc++] = compat_utf8(ini);
		args[argc] = NULL;
	}
	return argc;
}

static bool wants_only_help(int argc, char **args)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(args[i], "--help") == 0 || strcmp(args[i], "-h") == 0 ||
		    strcmp(args[i], "--version") == 0 || strcmp(args[i], "-V") == 0)
			return true;
	return false;
}

/* --install-service, then the HTTPS authority and certificate beside the
 * .exe, as the .deb's postinst does (a failure there leaves the service
 * serving HTTP, and says how to finish). */
static int install(int argc, char **args, const wchar_t *exe, const wchar_t *folder)
{
	int rc = service_win32_install(argc, args, exe, main);

#ifdef CASHDRAWERD_HAVE_TLS
	if (rc == 0) {
		SetCurrentDirectoryW(folder);
		service_tls_install(argc, args);
	}
#else
	(void)folder;
#endif
	return rc;
}

/* --uninstall-service, then what the install added for HTTPS. */
static int uninstall(const wchar_t *folder)
{
	int rc = service_win32_uninstall();

#ifdef CASHDRAWERD_HAVE_TLS
	SetCurrentDirectoryW(folder);
	if (service_tls_uninstall() != 0 && rc == 0)
		rc = 1;
#else
	(void)folder;
#endif
	return rc;
}

int wmain(int argc, wchar_t *wargv[])
{
	wchar_t exe[MAX_PATH * 4], folder[MAX_PATH * 4];
	char **args = calloc((size_t)argc + 3, sizeof *args);
	bool service = false;
	WSADATA winsock;
	int count = 0, rc;

	if (args == NULL)
		return 1;
	for (int i = 0; i < argc; i++) {
		args[count] = compat_utf8(wargv[i]);
		if (args[count] == NULL) {
			fprintf(stderr, "cashdrawerd: argument %d is not valid text\n", i);
			return 2;
		}
		/* --service is the service manager's, not an option of main's */
		if (i == 1 && strcmp(args[count], "--service") == 0) {
			service = true;
			continue;
		}
		count++;
	}
	/* French messages and accented paths on the console */
	original_output_code_page = GetConsoleOutputCP();
	if (original_output_code_page != 0 && SetConsoleOutputCP(CP_UTF8))
		atexit(restore_console);
	if (!find_exe(exe, folder, MAX_PATH * 4)) {
		fprintf(stderr, "cashdrawerd: cannot find the folder of cashdrawerd.exe\n");
		return 1;
	}
	if (count >= 2 && strcmp(args[1], "--uninstall-service") == 0)
		return uninstall(folder);
	if (WSAStartup(MAKEWORD(2, 2), &winsock) != 0) {
		fprintf(stderr, "cashdrawerd: Windows sockets (Winsock 2.2) are not available\n");
		return 1;
	}
	if (!wants_only_help(count, args))
		count = settle_config_path(count, args, folder);
	if (count >= 2 && strcmp(args[1], "--install-service") == 0)
		return install(count - 2, args + 2, exe, folder);
	/* Relative folders of the settings (log_dir = logs) are the .exe's. */
	SetCurrentDirectoryW(folder);
	if (!service)
		return main(count, args);
	rc = service_win32_run(count, args, main);
	if (rc < 0)
		fprintf(stderr, "cashdrawerd: --service is how the Windows service manager starts "
				"the service; run cashdrawerd.exe without it in a console, or "
				"install the service with --install-service\n");
	return rc < 0 ? 1 : rc;
}
