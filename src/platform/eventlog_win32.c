/* The Windows Event Log: warnings and errors as events of the source
 * cashdrawerd (see eventlog.h), and the source's registration. */
#include "platform/eventlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EVENTLOG_MESSAGE_LINE of eventlog_win32.mc: "%1", the line itself */
#define EVENT_ID_LINE 1

/* Opened at the first event, for the life of the process. */
static pthread_once_t source_once = PTHREAD_ONCE_INIT;
static HANDLE source;

static void open_source(void)
{
	/* works unregistered too: Event Viewer then shows the text with a note
	 * that the message file is missing */
	source = RegisterEventSourceW(NULL, EVENTLOG_SOURCE);
}

void eventlog_report(enum rotlog_level level, const char *message, size_t length)
{
	const wchar_t *strings[1];
	wchar_t *wide = NULL;
	char *text;

	if (level != ROTLOG_WARNING && level != ROTLOG_ERROR)
		return;
	pthread_once(&source_once, open_source);
	if (source == NULL)
		return;
	while (length > 0 && message[length - 1] == '\n')
		length--;
	text = malloc(length + 1);
	if (text == NULL)
		return;
	memcpy(text, message, length);
	text[length] = '\0';
	wide = compat_wide(text);
	if (wide != NULL) {
		strings[0] = wide;
		/* the Event Log service down, or its log full: the file has the line */
		ReportEventW(source, level == ROTLOG_ERROR ? EVENTLOG_ERROR_TYPE : EVENTLOG_WARNING_TYPE,
			     0, EVENT_ID_LINE, NULL, 1, 0, strings, NULL);
	}
	free(wide);
	free(text);
}

static void describe(char *err, size_t errlen, const char *what, LONG error)
{
	snprintf(err, errlen,
		 "%s the event source cashdrawerd (registry HKLM\\%ls): Windows error %ld%s", what,
		 EVENTLOG_KEY, (long)error,
		 error == ERROR_ACCESS_DENIED ? " (run it from a command prompt opened with \"Run as "
						"administrator\")"
					      : "");
}

int eventlog_register(const wchar_t *exe, char *err, size_t errlen)
{
	DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE;
	HKEY key;
	LONG rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY, 0, NULL, 0, KEY_SET_VALUE, NULL,
				  &key, NULL);

	if (rc != ERROR_SUCCESS) {
		describe(err, errlen, "cannot register", rc);
		return -1;
	}
	/* REG_EXPAND_SZ, as Windows' own sources write it */
	rc = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe,
			    (DWORD)((wcslen(exe) + 1) * sizeof *exe));
	if (rc == ERROR_SUCCESS)
		rc = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types,
				    sizeof types);
	RegCloseKey(key);
	if (rc != ERROR_SUCCESS) {
		describe(err, errlen, "cannot register", rc);
		return -1;
	}
	return 0;
}

int eventlog_unregister(char *err, size_t errlen)
{
	LONG rc = RegDeleteKeyW(HKEY_LOCAL_MACHINE, EVENTLOG_KEY);

	if (rc == ERROR_FILE_NOT_FOUND)
		return 0;
	if (rc != ERROR_SUCCESS) {
		describe(err, errlen, "cannot remove", rc);
		return -1;
	}
	return 1;
}
