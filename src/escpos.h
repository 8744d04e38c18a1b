/* ESC/POS command encoding (pure): the drawer-kick pulse. */
#ifndef CASHDRAWERD_ESCPOS_H
#define CASHDRAWERD_ESCPOS_H

#include <stddef.h>
#include <stdint.h>

#define ESCPOS_KICK_LEN 5

/* Bounds of ESC p timings: t1/t2 are one byte in units of 2 ms. */
#define ESCPOS_PULSE_MS_MIN 2
#define ESCPOS_PULSE_MS_MAX 510

/* Encodes ESC p m t1 t2 (1B 70 m t1 t2) for a pulse on drawer connector pin
 * 2 (m = 0) or 5 (m = 1), on for on_ms and off for off_ms. Both times must be
 * even and within 2..510 ms (t = ms / 2). Returns ESCPOS_KICK_LEN, or -EINVAL
 * with a reason in err. */
int escpos_encode_kick(unsigned pin, unsigned on_ms, unsigned off_ms,
		       uint8_t out[ESCPOS_KICK_LEN], char *err, size_t errlen);

/* Checks the same rules without encoding; 0 or -EINVAL with err filled.
 * Used by config validation so a bad value is refused at start. */
int escpos_check_kick(unsigned pin, unsigned on_ms, unsigned off_ms, char *err,
		      size_t errlen);

#endif
