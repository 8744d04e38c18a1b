/* Times as the service shows them (pure but for the time zone). */
#ifndef CASHDRAWERD_TIMEFMT_H
#define CASHDRAWERD_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/* ISO 8601 local time with its UTC offset, e.g. 2025-02-01T14:22:31+0100.
 * Returns 0, or -1 when it does not fit. */
int timefmt_iso8601(time_t when, char *buf, size_t size);

/* The offset east of UTC, in seconds, of local time local, which is when's
 * (localtime_r): by difference with UTC, since Windows has no tm_gmtoff and
 * its strftime writes the zone's name for %z. */
long timefmt_utc_offset(time_t when, const struct tm *local);

#endif
