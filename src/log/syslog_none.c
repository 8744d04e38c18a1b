/* Builds without a syslog sender (Windows, for now): syslog_host is refused
 * at start with a message saying so. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log/syslog.h"

int syslog_start(struct syslog_sender **sender, const struct syslog_options *options, char *err,
		 size_t errlen)
{
	*sender = NULL;
	snprintf(err, errlen,
		 "syslog_host %s: this build cannot send to a syslog server (Linux only for now): "
		 "remove syslog_host",
		 options->host);
	return -ENOTSUP;
}

void syslog_submit(void *sender, enum rotlog_level level, const struct timespec *when,
		   const char *message, size_t length)
{
	(void)sender;
	(void)level;
	(void)when;
	(void)message;
	(void)length;
}

void syslog_get_stats(struct syslog_sender *sender, struct syslog_stats *stats)
{
	(void)sender;
	memset(stats, 0, sizeof *stats);
}

void syslog_stop(struct syslog_sender *sender)
{
	(void)sender;
}
