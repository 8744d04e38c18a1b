/* ESC/POS command encoding and status decoding (pure). Bit meanings from
 * Epson's ESC/POS reference for the TM-T88 family (see ESCPOS.md). */
#include "drawer/escpos.h"

#include <errno.h>
#include <stdio.h>

int escpos_check_pulse_ms(unsigned ms, char *err, size_t errlen)
{
	if (ms < ESCPOS_PULSE_MS_MIN || ms > ESCPOS_PULSE_MS_MAX) {
		snprintf(err, errlen, "%u ms is outside %d..%d ms (ESC p timing)", ms,
			 ESCPOS_PULSE_MS_MIN, ESCPOS_PULSE_MS_MAX);
		return -EINVAL;
	}
	/* ESC p counts time in units of 2 ms: an odd value cannot be sent as asked. */
	if (ms % 2 != 0) {
		snprintf(err, errlen, "%u ms is odd; ESC p counts in 2 ms units (use %u or %u)", ms,
			 ms - 1, ms + 1);
		return -EINVAL;
	}
	return 0;
}

int escpos_check_pin(unsigned pin, char *err, size_t errlen)
{
	if (pin == 2 || pin == 5)
		return 0;
	snprintf(err, errlen, "pin: %u is not a drawer pin (2, or 5 for a second drawer)", pin);
	return -EINVAL;
}

int escpos_check_kick(unsigned pin, unsigned on_ms, unsigned off_ms, char *err, size_t errlen)
{
	const unsigned times[2] = {on_ms, off_ms};
	const char *const names[2] = {"pulse_on_ms", "pulse_off_ms"};
	char why[128];

	if (escpos_check_pin(pin, err, errlen) < 0)
		return -EINVAL;
	for (int i = 0; i < 2; i++) {
		if (escpos_check_pulse_ms(times[i], why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: %s", names[i], why);
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

int escpos_check_realtime_pulse_ms(unsigned ms, char *err, size_t errlen)
{
	/* DLE DC4 1 m t counts in units of 100 ms, 1 <= t <= 8. */
	if (ms >= ESCPOS_REALTIME_PULSE_MS_MIN && ms <= ESCPOS_REALTIME_PULSE_MS_MAX && ms % 100 == 0)
		return 0;
	snprintf(err, errlen,
		 "%u ms is not a multiple of 100 within 100..800 (DLE DC4 counts in 100 ms "
		 "units, 1 to 8)",
		 ms);
	return -EINVAL;
}

int escpos_check_realtime_kick(unsigned pin, unsigned pulse_ms, char *err, size_t errlen)
{
	char why[128];

	if (escpos_check_pin(pin, err, errlen) < 0)
		return -EINVAL;
	if (escpos_check_realtime_pulse_ms(pulse_ms, why, sizeof why) < 0) {
		snprintf(err, errlen, "realtime_pulse_ms: %s", why);
		return -EINVAL;
	}
	return 0;
}

int escpos_encode_realtime_kick(unsigned pin, unsigned pulse_ms,
				uint8_t out[ESCPOS_REALTIME_KICK_LEN], char *err, size_t errlen)
{
	int rc = escpos_check_realtime_kick(pin, pulse_ms, err, errlen);

	if (rc < 0)
		return rc;
	/* DLE DC4 fn=1 m t: pulse pin m (0 = pin 2, 1 = pin 5) for t*100 ms on and off. */
	out[0] = 0x10;
	out[1] = 0x14;
	out[2] = 0x01;
	out[3] = pin == 2 ? 0 : 1;
	out[4] = (uint8_t)(pulse_ms / 100);
	return ESCPOS_REALTIME_KICK_LEN;
}

int escpos_kick_check(const struct escpos_kick *kick, char *err, size_t errlen)
{
	unsigned pin = kick->pin == ESCPOS_PIN_5 ? 5 : 2;

	if (kick->pin == ESCPOS_PIN_BOTH && kick->realtime) {
		snprintf(err, errlen,
			 "pin: both needs kick = esc-p (a printer ignores a DLE DC4 pulse while "
			 "another is being output)");
		return -EINVAL;
	}
	if (kick->realtime)
		return escpos_check_realtime_kick(pin, kick->realtime_ms, err, errlen);
	return escpos_check_kick(pin, kick->on_ms, kick->off_ms, err, errlen);
}

int escpos_kick_encode(const struct escpos_kick *kick, uint8_t out[ESCPOS_KICK_MAX], char *err,
		       size_t errlen)
{
	int rc = escpos_kick_check(kick, err, errlen);

	if (rc < 0)
		return rc;
	if (kick->realtime)
		return escpos_encode_realtime_kick(kick->pin == ESCPOS_PIN_5 ? 5 : 2, kick->realtime_ms,
						   out, err, errlen);
	rc = escpos_encode_kick(kick->pin == ESCPOS_PIN_5 ? 5 : 2, kick->on_ms, kick->off_ms, out,
				err, errlen);
	/* both: pin 5's pulse follows, executed once pin 2's off time is over */
	if (rc == ESCPOS_KICK_LEN && kick->pin == ESCPOS_PIN_BOTH)
		rc += escpos_encode_kick(5, kick->on_ms, kick->off_ms, out + ESCPOS_KICK_LEN, err,
					 errlen);
	return rc;
}

void escpos_encode_status_query(unsigned n, uint8_t out[ESCPOS_STATUS_QUERY_LEN])
{
	out[0] = 0x10; /* DLE */
	out[1] = 0x04; /* EOT */
	out[2] = (uint8_t)n;
}

bool escpos_status_byte_is_valid(uint8_t byte)
{
	/* fixed bits: 0 and 7 clear, 1 and 4 set */
	return (byte & 0x93) == 0x12;
}

void escpos_status_init(struct escpos_status *status)
{
	*status = (struct escpos_status){0};
}

static enum escpos_flag bit(uint8_t byte, unsigned n)
{
	return (byte >> n) & 1 ? ESCPOS_FLAG_YES : ESCPOS_FLAG_NO;
}

int escpos_status_record(struct escpos_status *status, unsigned n, uint8_t byte)
{
	if (n < 1 || n > 4 || !escpos_status_byte_is_valid(byte))
		return -EINVAL;
	switch (n) {
	case 1: /* printer status */
		status->pin3_high = bit(byte, 2);
		status->offline = bit(byte, 3);
		break;
	case 2: /* offline cause */
		status->cover_open = bit(byte, 2);
		status->paper_stopped = bit(byte, 5);
		status->error_occurred = bit(byte, 6);
		break;
	case 3: /* error cause; the first set bit names it */
		if (bit(byte, 3) == ESCPOS_FLAG_YES)
			status->error_cause = ESCPOS_ERROR_AUTOCUTTER;
		else if (bit(byte, 5) == ESCPOS_FLAG_YES)
			status->error_cause = ESCPOS_ERROR_UNRECOVERABLE;
		else if (bit(byte, 6) == ESCPOS_FLAG_YES)
			status->error_cause = ESCPOS_ERROR_AUTO_RECOVERABLE;
		else
			status->error_cause = ESCPOS_ERROR_NONE;
		break;
	case 4: /* roll paper sensor: both bits of a pair set */
		if ((byte & 0x60) == 0x60)
			status->paper = ESCPOS_PAPER_OUT;
		else if ((byte & 0x0C) == 0x0C)
			status->paper = ESCPOS_PAPER_NEAR_END;
		else
			status->paper = ESCPOS_PAPER_OK;
		break;
	}
	return 0;
}

enum escpos_paper escpos_status_paper(const struct escpos_status *status)
{
	if (status->paper_stopped == ESCPOS_FLAG_YES)
		return ESCPOS_PAPER_OUT;
	return status->paper;
}

enum escpos_error escpos_status_error(const struct escpos_status *status)
{
	switch (status->error_occurred) {
	case ESCPOS_FLAG_NO:
		return ESCPOS_ERROR_NONE;
	case ESCPOS_FLAG_YES:
		if (status->error_cause == ESCPOS_ERROR_UNKNOWN ||
		    status->error_cause == ESCPOS_ERROR_NONE)
			return ESCPOS_ERROR_OTHER;
		return status->error_cause;
	default:
		return ESCPOS_ERROR_UNKNOWN;
	}
}

enum escpos_drawer escpos_status_drawer(const struct escpos_status *status, bool open_level_high)
{
	if (status->pin3_high == ESCPOS_FLAG_UNKNOWN)
		return ESCPOS_DRAWER_UNKNOWN;
	return (status->pin3_high == ESCPOS_FLAG_YES) == open_level_high ? ESCPOS_DRAWER_OPEN
									  : ESCPOS_DRAWER_CLOSED;
}

const char *escpos_drawer_name(enum escpos_drawer drawer)
{
	switch (drawer) {
	case ESCPOS_DRAWER_OPEN:
		return "open";
	case ESCPOS_DRAWER_CLOSED:
		return "closed";
	default:
		return "unknown";
	}
}

const char *escpos_flag_name(enum escpos_flag flag)
{
	return flag == ESCPOS_FLAG_UNKNOWN ? "unknown" : flag == ESCPOS_FLAG_YES ? "true" : "false";
}

const char *escpos_paper_name(enum escpos_paper paper)
{
	switch (paper) {
	case ESCPOS_PAPER_OK:
		return "ok";
	case ESCPOS_PAPER_NEAR_END:
		return "near_end";
	case ESCPOS_PAPER_OUT:
		return "out";
	default:
		return "unknown";
	}
}

const char *escpos_error_name(enum escpos_error error)
{
	switch (error) {
	case ESCPOS_ERROR_NONE:
		return NULL;
	case ESCPOS_ERROR_AUTOCUTTER:
		return "autocutter_error";
	case ESCPOS_ERROR_UNRECOVERABLE:
		return "unrecoverable_error";
	case ESCPOS_ERROR_AUTO_RECOVERABLE:
		return "auto_recoverable_error";
	case ESCPOS_ERROR_OTHER:
		return "printer_error";
	default:
		return "unknown";
	}
}
