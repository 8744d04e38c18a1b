/* No Windows Event Log here: the system's own log is systemd's journal
 * (systemd.c) or none. */
#include "platform/eventlog.h"

void eventlog_report(enum rotlog_level level, const char *message, size_t length)
{
	(void)level;
	(void)message;
	(void)length;
}
