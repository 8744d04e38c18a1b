/* ESC/POS command encoding and status decoding (pure): the drawer-kick
 * pulses (ESC p, DLE DC4) and the real-time status replies (DLE EOT). */
#ifndef CASHDRAWERD_ESCPOS_H
#define CASHDRAWERD_ESCPOS_H

#include <stdbool.h>
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

/* A connector by its pin number: 2, or 5 for a second drawer. 0 or -EINVAL
 * with err ("pin: 3 is not a drawer pin ..."). */
int escpos_check_pin(unsigned pin, char *err, size_t errlen);

/* One ESC p time (t1 or t2): even, 2..510 ms. 0 or -EINVAL with err saying
 * why ("51 ms is odd; ..."), without the setting's name. */
int escpos_check_pulse_ms(unsigned ms, char *err, size_t errlen);

/* DLE DC4 1 m t: real-time pulse, on and off for t * 100 ms, 1 <= t <= 8. */
#define ESCPOS_REALTIME_KICK_LEN 5
#define ESCPOS_REALTIME_PULSE_MS_MIN 100
#define ESCPOS_REALTIME_PULSE_MS_MAX 800

/* Encodes DLE DC4 1 m t (10 14 01 m t) for pin 2 (m = 0) or 5 (m = 1), on
 * and off for pulse_ms, a multiple of 100 within 100..800. Executed by the
 * TM-T88 family on receipt, even offline. Returns ESCPOS_REALTIME_KICK_LEN or
 * -EINVAL with a reason in err. */
int escpos_encode_realtime_kick(unsigned pin, unsigned pulse_ms,
				uint8_t out[ESCPOS_REALTIME_KICK_LEN], char *err, size_t errlen);
int escpos_check_realtime_kick(unsigned pin, unsigned pulse_ms, char *err, size_t errlen);

/* One DLE DC4 time: 100, 200, ... 800 ms. 0 or -EINVAL with err. */
int escpos_check_realtime_pulse_ms(unsigned ms, char *err, size_t errlen);

/* The whole kick as a setting describes it: which connector, which command. */
enum escpos_pin { ESCPOS_PIN_2, ESCPOS_PIN_5, ESCPOS_PIN_BOTH };
struct escpos_kick {
	enum escpos_pin pin;  /* BOTH: pin 2, then pin 5 (the drawer is on one of them) */
	bool realtime;        /* DLE DC4 instead of ESC p */
	unsigned on_ms, off_ms; /* ESC p */
	unsigned realtime_ms;   /* DLE DC4 */
};
/* Both pins: two ESC p, the second queued behind the first's off time. */
#define ESCPOS_KICK_MAX (2 * ESCPOS_KICK_LEN)

/* 0, or -EINVAL with err naming the setting at fault. Both pins need ESC p:
 * a printer ignores a DLE DC4 pulse while another is being output. */
int escpos_kick_check(const struct escpos_kick *kick, char *err, size_t errlen);
/* The kick's bytes into out; their count, or -EINVAL with err. */
int escpos_kick_encode(const struct escpos_kick *kick, uint8_t out[ESCPOS_KICK_MAX], char *err,
		       size_t errlen);

/* DLE EOT n (10 04 n), n = 1..4: one status byte back. */
#define ESCPOS_STATUS_QUERY_LEN 3
void escpos_encode_status_query(unsigned n, uint8_t out[ESCPOS_STATUS_QUERY_LEN]);

/* Every DLE EOT reply has bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0; a byte
 * that breaks this is not a status reply (an ASB packet, noise). */
bool escpos_status_byte_is_valid(uint8_t byte);

/* What the printer said, field by field; UNKNOWN until a valid reply told. */
enum escpos_flag { ESCPOS_FLAG_UNKNOWN, ESCPOS_FLAG_NO, ESCPOS_FLAG_YES };
enum escpos_paper {
	ESCPOS_PAPER_UNKNOWN,
	ESCPOS_PAPER_OK,
	ESCPOS_PAPER_NEAR_END,
	ESCPOS_PAPER_OUT,
};
enum escpos_drawer { ESCPOS_DRAWER_UNKNOWN, ESCPOS_DRAWER_OPEN, ESCPOS_DRAWER_CLOSED };
enum escpos_error {
	ESCPOS_ERROR_UNKNOWN,          /* not asked, or no valid reply */
	ESCPOS_ERROR_NONE,
	ESCPOS_ERROR_AUTOCUTTER,       /* DLE EOT 3 bit 3 */
	ESCPOS_ERROR_UNRECOVERABLE,    /* DLE EOT 3 bit 5 */
	ESCPOS_ERROR_AUTO_RECOVERABLE, /* DLE EOT 3 bit 6 */
	ESCPOS_ERROR_OTHER,            /* DLE EOT 2 bit 6 with no cause in DLE EOT 3 */
};

struct escpos_status {
	enum escpos_flag pin3_high;     /* 1: drawer kick-out connector pin 3 */
	enum escpos_flag offline;       /* 1: bit 3 */
	enum escpos_flag cover_open;    /* 2: bit 2 */
	enum escpos_flag paper_stopped; /* 2: bit 5, printing stopped by paper end */
	enum escpos_flag error_occurred; /* 2: bit 6 */
	enum escpos_paper paper;        /* 4: bits 2-3 near end, 5-6 end */
	enum escpos_error error_cause;  /* 3, asked when 2 says an error occurred */
};

/* Everything unknown. */
void escpos_status_init(struct escpos_status *status);

/* Records the reply byte to DLE EOT n. Returns 0, or -EINVAL (status left
 * as it was) when n is not 1..4 or byte is not a valid status reply. */
int escpos_status_record(struct escpos_status *status, unsigned n, uint8_t byte);

/* Paper as the admin needs it: DLE EOT 4's sensors, or "out" when DLE EOT 2
 * says printing stopped by paper end. */
enum escpos_paper escpos_status_paper(const struct escpos_status *status);

/* The error as the admin needs it: NONE when DLE EOT 2 says no error
 * occurred, DLE EOT 3's cause when it occurred (OTHER if 3 names none or was
 * not answered), UNKNOWN when DLE EOT 2 was not answered. */
enum escpos_error escpos_status_error(const struct escpos_status *status);

/* The drawer from pin 3: open when its level is the open level (HIGH for
 * the usual switch, LOW for drawers wired the other way). */
enum escpos_drawer escpos_status_drawer(const struct escpos_status *status, bool open_level_high);

/* Machine words for JSON and logs: "open"/"closed"/"unknown",
 * "ok"/"near_end"/"out"/"unknown", "autocutter"/... or NULL for NONE. */
const char *escpos_drawer_name(enum escpos_drawer drawer);
/* "true", "false" or "unknown". */
const char *escpos_flag_name(enum escpos_flag flag);
const char *escpos_paper_name(enum escpos_paper paper);
const char *escpos_error_name(enum escpos_error error);

#endif
