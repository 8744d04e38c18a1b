/* Times as the service shows them (see timefmt.h). */
#include "base/timefmt.h"

#include <stdio.h>
#include <stdlib.h>

int timefmt_iso8601(time_t when, char *buf, size_t size)
{
	struct tm tm, utc;
	long offset, days;
	size_t length;

	if (localtime_r(&when, &tm) == NULL || gmtime_r(&when, &utc) == NULL ||
	    (length = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		return -1;
	/* The UTC offset by hand: Windows' strftime writes the zone's name for %z. */
	days = tm.tm_year != utc.tm_year ? (tm.tm_year > utc.tm_year ? 1 : -1)
					 : tm.tm_yday - utc.tm_yday;
	offset = ((days * 24 + tm.tm_hour - utc.tm_hour) * 60 + tm.tm_min - utc.tm_min);
	if (snprintf(buf + length, size - length, "%c%02ld%02ld", offset < 0 ? '-' : '+',
		     labs(offset) / 60, labs(offset) % 60) >= (int)(size - length))
		return -1;
	return 0;
}
