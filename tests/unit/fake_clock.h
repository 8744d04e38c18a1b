/* A clock the unit tests drive (tests/unit/fake_clock.c), linked in place of
 * src/base/clock.c: time moves only when a test advances it, or when the
 * code under test sleeps, which moves it to the sleep's end at once. */
#ifndef CASHDRAWERD_FAKE_CLOCK_H
#define CASHDRAWERD_FAKE_CLOCK_H

#include <stdint.h>

#include "base/clock.h"

/* Moves the monotonic and the wall clock forward by ms. */
void fake_clock_advance_ms(int64_t ms);

/* The wall time (clock_wall) when the monotonic clock read its start. */
#define FAKE_CLOCK_WALL_START ((time_t)1767225600) /* 2026-01-01 00:00:00 UTC */

#endif
