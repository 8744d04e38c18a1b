/* A clock the unit tests drive, linked in place of src/base/clock.c (it
 * defines every function of base/clock.h, so the library's clock.o is never
 * pulled in): no test waits for real time to pass. */
#include "fake_clock.h"

#include <stdatomic.h>

/* Far from zero, so that no "0 means never" can pass for a time. */
#define START_US ((int64_t)1000000000000)

static _Atomic int64_t now_us = START_US;

int64_t clock_monotonic_ms(void)
{
	return atomic_load(&now_us) / 1000;
}

int64_t clock_monotonic_us(void)
{
	return atomic_load(&now_us);
}

time_t clock_wall(void)
{
	return FAKE_CLOCK_WALL_START + (time_t)((atomic_load(&now_us) - START_US) / 1000000);
}

/* Nothing else moves time during a test's sleep: it jumps to the sleep's end. */
void clock_sleep_until_ms(int64_t when_ms)
{
	int64_t now = atomic_load(&now_us);

	while (now < when_ms * 1000 && !atomic_compare_exchange_weak(&now_us, &now, when_ms * 1000))
		;
}

void fake_clock_advance_ms(int64_t ms)
{
	atomic_fetch_add(&now_us, ms * 1000);
}
