/* Serial line settings as termios flags (pure): what serial_posix.c gives
 * tcsetattr, kept apart so that every setting is unit-tested. */
#include "transport/serial_termios.h"

#include <errno.h>
#include <stdio.h>

int serial_termios_speed(unsigned baud, speed_t *speed)
{
	switch (baud) {
	case 1200: *speed = B1200; return 0;
	case 2400: *speed = B2400; return 0;
	case 4800: *speed = B4800; return 0;
	case 9600: *speed = B9600; return 0;
	case 19200: *speed = B19200; return 0;
	case 38400: *speed = B38400; return 0;
#ifdef B57600
	case 57600: *speed = B57600; return 0;
#endif
#ifdef B115200
	case 115200: *speed = B115200; return 0;
#endif
#ifdef B230400
	case 230400: *speed = B230400; return 0;
#endif
	default: return -EINVAL;
	}
}

int serial_termios_apply(const struct printer_uri_serial *serial, struct termios *tio, char *err,
			 size_t errlen)
{
	speed_t speed;

	if (serial_termios_speed(serial->baud, &speed) < 0) {
		snprintf(err, errlen, "%u bauds : vitesse indisponible sur ce système", serial->baud);
		return -EINVAL;
	}
	/* Raw: no echo, no line editing, no signals, no CR/LF translation, no
	 * 8th-bit stripping; ESC/POS is binary. */
	cfmakeraw(tio);
	tio->c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY | INPCK | IGNPAR | PARMRK | ISTRIP);
	tio->c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS | HUPCL);
	/* CLOCAL: a printer has no carrier to wait for. No HUPCL: the operation's
	 * close must not drop DTR, which a printer may read as "host gone". */
	tio->c_cflag |= CLOCAL | CREAD;
	tio->c_cflag |= serial->data_bits == 7 ? CS7 : CS8;
	if (serial->parity != PRINTER_URI_PARITY_NONE) {
		tio->c_cflag |= PARENB;
		if (serial->parity == PRINTER_URI_PARITY_ODD)
			tio->c_cflag |= PARODD;
		/* a byte with a parity error is dropped, not taken as a status answer */
		tio->c_iflag |= INPCK | IGNPAR;
	}
	if (serial->stop_bits == 2)
		tio->c_cflag |= CSTOPB;
	if (serial->flow == PRINTER_URI_FLOW_RTSCTS)
		tio->c_cflag |= CRTSCTS;
	else if (serial->flow == PRINTER_URI_FLOW_XONXOFF)
		tio->c_iflag |= IXON | IXOFF; /* the printer's XOFF stops us, and ours it */
	/* Non-blocking reads with poll: VMIN/VTIME only matter to blocking reads. */
	tio->c_cc[VMIN] = 1;
	tio->c_cc[VTIME] = 0;
	if (cfsetispeed(tio, speed) < 0 || cfsetospeed(tio, speed) < 0) {
		snprintf(err, errlen, "%u bauds : vitesse indisponible sur ce système", serial->baud);
		return -EINVAL;
	}
	return 0;
}
