/* The service's clock: monotonic time for deadlines that wall-clock jumps
 * must not move, wall time for the times shown, and sleeping until a
 * monotonic deadline. The unit tests link tests/unit/fake_clock.c in its
 * place to drive time themselves (a link-time seam: nothing in between in
 * the daemon). */
#ifndef CASHDRAWERD_CLOCK_H
#define CASHDRAWERD_CLOCK_H

#include <stdint.h>
#include <time.h>

int64_t clock_monotonic_ms(void);

/* The same clock in microseconds, for request durations. */
int64_t clock_monotonic_us(void);

/* Seconds since the epoch, for the times a person reads (last pulse, last check). */
time_t clock_wall(void);

/* Returns once clock_monotonic_ms() has reached when_ms (at once if it has). */
void clock_sleep_until_ms(int64_t when_ms);

#endif
