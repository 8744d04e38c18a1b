/* Monotonic time in milliseconds, for deadlines that wall-clock jumps must
 * not move. */
#ifndef CASHDRAWERD_CLOCK_H
#define CASHDRAWERD_CLOCK_H

#include <stdint.h>

int64_t clock_monotonic_ms(void);

/* The same clock in microseconds, for request durations. */
int64_t clock_monotonic_us(void);

#endif
