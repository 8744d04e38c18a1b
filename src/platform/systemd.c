/* systemd through libsystemd: sd_notify for Type=notify, sd_journal_send for
 * the journal. */
#include "systemd.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

void systemd_notify_ready(const char *status)
{
	/* 0 outside systemd (no NOTIFY_SOCKET): nothing to do */
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void systemd_notify_stopping(const char *status)
{
	sd_notifyf(0, "STOPPING=1\nSTATUS=%s", status);
}

bool systemd_journal_wanted(const char *setting)
{
	if (strcmp(setting, "true") == 0)
		return true;
	/* systemd sets JOURNAL_STREAM when stdout or stderr is the journal */
	return strcmp(setting, "auto") == 0 && getenv("JOURNAL_STREAM") != NULL;
}

static int priority(enum rotlog_level level)
{
	switch (level) {
	case ROTLOG_DEBUG:
		return LOG_DEBUG;
	case ROTLOG_INFO:
		return LOG_INFO;
	case ROTLOG_WARNING:
		return LOG_WARNING;
	default:
		return LOG_ERR;
	}
}

void systemd_journal_line(enum rotlog_level level, const char *message, size_t length)
{
	int size = length > 65536 ? 65536 : (int)length;

	sd_journal_send("MESSAGE=%.*s", size, message, "PRIORITY=%d", priority(level),
			"SYSLOG_IDENTIFIER=cashdrawerd", "SYSLOG_FACILITY=%d", LOG_DAEMON >> 3,
			"CASHDRAWERD_LEVEL=%s", rotlog_level_name(level), NULL);
}
