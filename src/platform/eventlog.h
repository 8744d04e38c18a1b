/* The Windows Event Log, where a Windows admin looks first: the log's
 * warnings and errors also become events of the source "cashdrawerd" in the
 * Application log (eventlog_win32.c); the file stays the full record.
 * Elsewhere there is none and eventlog_report does nothing (eventlog_none.c). */
#ifndef CASHDRAWERD_PLATFORM_EVENTLOG_H
#define CASHDRAWERD_PLATFORM_EVENTLOG_H

#include <stddef.h>

#include "log/rotlog.h"

/* Reports a WARNING or an ERROR (other levels are not reported) as one
 * event of that type: its text is message (length bytes of UTF-8, a
 * trailing newline left out). Never fails the caller. */
void eventlog_report(enum rotlog_level level, const char *message, size_t length);

#ifdef _WIN32
#include <wchar.h>

/* The source, and where Windows looks its messages up. */
#define EVENTLOG_SOURCE L"cashdrawerd"
#define EVENTLOG_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\cashdrawerd"

/* Registers the source: EVENTLOG_KEY with EventMessageFile, the .exe
 * (whose message table has the one message "%1": the line itself), and
 * TypesSupported, errors and warnings. 0, or -1 with err saying why (an
 * administrator's right is needed). */
int eventlog_register(const wchar_t *exe, char *err, size_t errlen);

/* Removes the source: 1 when it was there, 0 when it was not, -1 with err
 * saying why it cannot be removed. */
int eventlog_unregister(char *err, size_t errlen);
#endif

#endif
