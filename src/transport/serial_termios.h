/* Serial line settings of a serial: URI as POSIX termios flags (pure: no
 * I/O), for the serial transport and its unit tests. */
#ifndef CASHDRAWERD_SERIAL_TERMIOS_H
#define CASHDRAWERD_SERIAL_TERMIOS_H

#include <stddef.h>
#include <termios.h>

#include "settings/printer_uri.h"

/* The termios speed constant for baud (B9600 for 9600...). Returns 0, or
 * -EINVAL when this system has no such constant. */
int serial_termios_speed(unsigned baud, speed_t *speed);

/* Turns *tio (as tcgetattr read it) into a raw 8-bit-clean line with the
 * settings of serial: speed, data bits, parity, stop bits, flow control,
 * CLOCAL (no modem: never wait for carrier) and CREAD. Returns 0, or -EINVAL
 * with err saying which setting this system cannot do. */
int serial_termios_apply(const struct printer_uri_serial *serial, struct termios *tio, char *err,
			 size_t errlen);

#endif
