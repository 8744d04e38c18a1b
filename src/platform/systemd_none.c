/* Built without systemd integration: no readiness notification, no journal. */
#include "platform/systemd.h"

#include <string.h>

void systemd_notify_ready(const char *status)
{
	(void)status;
}

void systemd_notify_stopping(const char *status)
{
	(void)status;
}

bool systemd_journal_wanted(const char *setting)
{
	(void)setting;
	return false;
}

void systemd_journal_line(enum rotlog_level level, const char *message, size_t length)
{
	(void)level;
	(void)message;
	(void)length;
}
