/* Times as the service shows them (see timefmt.h). */
#include "base/timefmt.h"

#include <stdio.h>
#include <stdlib.h>

long timefmt_utc_offset(time_t when, const struct tm *local)
{
	struct tm utc;
	long days;

	if (gmtime_r(&when, &utc) == NULL)
		return 0;
	/* a day apart at most, across a year's end too */
	days = local->tm_year != utc.tm_year ? (local->tm_year > utc.tm_year ? 1 : -1)
					     : local->tm_yday - utc.tm_yday;
	return ((days * 24 + local->tm_hour - utc.tm_hour) * 60 + local->tm_min - utc.tm_min) * 60 +
	       local->tm_sec - utc.tm_sec;
}

int timefmt_iso8601(time_t when, char *buf, size_t size)
{
	struct tm tm;
	long offset;
	size_t length;

	if (localtime_r(&when, &tm) == NULL ||
	    (length = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		return -1;
	offset = timefmt_utc_offset(when, &tm) / 60;
	if (snprintf(buf + length, size - length, "%c%02ld%02ld", offset < 0 ? '-' : '+',
		     labs(offset) / 60, labs(offset) % 60) >= (int)(size - length))
		return -1;
	return 0;
}
