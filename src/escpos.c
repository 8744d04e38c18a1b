/* ESC/POS command encoding (pure): the drawer-kick pulse. */
#include "escpos.h"

#include <errno.h>
#include <stdio.h>

int escpos_check_kick(unsigned pin, unsigned on_ms, unsigned off_ms, char *err, size_t errlen)
{
	const unsigned times[2] = {on_ms, off_ms};
	const char *const names[2] = {"pulse_on_ms", "pulse_off_ms"};

	if (pin != 2 && pin != 5) {
		snprintf(err, errlen, "pin: %u is not a drawer pin (2, or 5 for a second drawer)",
			 pin);
		return -EINVAL;
	}
	for (int i = 0; i < 2; i++) {
		if (times[i] < ESCPOS_PULSE_MS_MIN || times[i] > ESCPOS_PULSE_MS_MAX) {
			snprintf(err, errlen, "%s: %u ms is outside %d..%d ms (ESC p timing)",
				 names[i], times[i], ESCPOS_PULSE_MS_MIN, ESCPOS_PULSE_MS_MAX);
			return -EINVAL;
		}
		/* ESC p counts time in units of 2 ms: an odd value cannot be sent as asked. */
		if (times[i] % 2 != 0) {
			snprintf(err, errlen,
				 "%s: %u ms is odd; ESC p counts in 2 ms units (use %u or %u)",
				 names[i], times[i], times[i] - 1, times[i] + 1);
			return -EINVAL;
		}
	}
	return 0;
}

int escpos_encode_kick(unsigned pin, unsigned on_ms, unsigned off_ms,
		       uint8_t out[ESCPOS_KICK_LEN], char *err, size_t errlen)
{
	int rc = escpos_check_kick(pin, on_ms, off_ms, err, errlen);

	if (rc < 0)
		return rc;
	/* ESC p m t1 t2: pulse on pin m (0 = pin 2, 1 = pin 5) for t1*2 ms, off t2*2 ms. */
	out[0] = 0x1B;
	out[1] = 0x70;
	out[2] = pin == 2 ? 0 : 1;
	out[3] = (uint8_t)(on_ms / 2);
	out[4] = (uint8_t)(off_ms / 2);
	return ESCPOS_KICK_LEN;
}
