/* Built without systemd integration: no readiness notification, and
 * standard error is never taken for the journal. */
#include "platform/systemd.h"

void systemd_notify_ready(const char *status)
{
	(void)status;
}

void systemd_notify_stopping(const char *status)
{
	(void)status;
}

bool systemd_stderr_is_journal(void)
{
	return false;
}

void systemd_journal_line(enum rotlog_level level, const char *message, size_t length)
{
	(void)level;
	(void)message;
	(void)length;
}

void systemd_journal_text(enum rotlog_level level, const char *text)
{
	(void)level;
	(void)text;
}
