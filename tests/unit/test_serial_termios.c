/* Specifies the termios flags of serial line settings: every baud, data
 * bits, parity, stop bits and flow control, on a raw 8-bit-clean line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "transport/serial_termios.h"

static const struct printer_uri_serial epson_default = {
	.baud = 9600,
	.data_bits = 8,
	.parity = PRINTER_URI_PARITY_NONE,
	.stop_bits = 1,
	.flow = PRINTER_URI_FLOW_RTSCTS,
};

/* A terminal as a login shell leaves it: cooked, echoing, with signals. */
static struct termios cooked(void)
{
	struct termios tio;

	memset(&tio, 0, sizeof tio);
	tio.c_iflag = ICRNL | IXON | IXANY | ISTRIP | BRKINT;
	tio.c_oflag = OPOST | ONLCR;
	tio.c_cflag = CS7 | PARENB | HUPCL | CREAD;
	tio.c_lflag = ICANON | ECHO | ECHOE | ISIG | IEXTEN;
	cfsetispeed(&tio, B38400);
	cfsetospeed(&tio, B38400);
	return tio;
}

static struct termios applied(const struct printer_uri_serial *serial, struct termios tio)
{
	char err[128] = "";

	if (serial_termios_apply(serial, &tio, err, sizeof err) != 0)
		fail_msg("rejected: %s", err);
	return tio;
}

static void assert_raw(const struct termios *tio)
{
	assert_int_equal(tio->c_lflag & (ICANON | ECHO | ECHONL | ISIG | IEXTEN), 0);
	assert_int_equal(tio->c_oflag & OPOST, 0);
	assert_int_equal(tio->c_iflag & (ICRNL | INLCR | IGNCR | ISTRIP | BRKINT | PARMRK | IXANY), 0);
	assert_int_equal(tio->c_cflag & (CLOCAL | CREAD), CLOCAL | CREAD);
	assert_int_equal(tio->c_cflag & HUPCL, 0);
	assert_int_equal(tio->c_cc[VMIN], 1);
	assert_int_equal(tio->c_cc[VTIME], 0);
}

static void test_default_is_raw_9600_8n1_with_rtscts(void **state)
{
	(void)state;
	struct termios tio = applied(&epson_default, cooked());

	assert_raw(&tio);
	assert_int_equal(cfgetispeed(&tio), B9600);
	assert_int_equal(cfgetospeed(&tio), B9600);
	assert_int_equal(tio.c_cflag & CSIZE, CS8);
	assert_int_equal(tio.c_cflag & (PARENB | PARODD | CSTOPB), 0);
	assert_int_equal(tio.c_cflag & CRTSCTS, CRTSCTS);
	assert_int_equal(tio.c_iflag & (IXON | IXOFF | INPCK), 0);
}

static void test_every_listed_baud_sets_both_speeds(void **state)
{
	(void)state;
	static const struct {
		unsigned baud;
		speed_t speed;
	} bauds[] = {{1200, B1200},   {2400, B2400},   {4800, B4800},     {9600, B9600},
		     {19200, B19200}, {38400, B38400}, {57600, B57600},   {115200, B115200},
		     {230400, B230400}};
	size_t listed = 0;

	for (const unsigned *b = printer_uri_serial_bauds; *b != 0; b++)
		listed++;
	assert_int_equal(listed, sizeof bauds / sizeof bauds[0]);
	for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++) {
		struct printer_uri_serial serial = epson_default;
		speed_t speed = 0;

		assert_int_equal(bauds[i].baud, printer_uri_serial_bauds[i]);
		assert_int_equal(serial_termios_speed(bauds[i].baud, &speed), 0);
		assert_int_equal(speed, bauds[i].speed);
		serial.baud = bauds[i].baud;
		struct termios tio = applied(&serial, cooked());
		assert_int_equal(cfgetispeed(&tio), bauds[i].speed);
		assert_int_equal(cfgetospeed(&tio), bauds[i].speed);
	}
}

static void test_unknown_baud_is_refused_naming_it(void **state)
{
	(void)state;
	struct printer_uri_serial serial = epson_default;
	struct termios tio = cooked();
	speed_t speed = 0;
	char err[128] = "";

	serial.baud = 9601;
	assert_int_equal(serial_termios_speed(9601, &speed), -EINVAL);
	assert_int_equal(serial_termios_apply(&serial, &tio, err, sizeof err), -EINVAL);
	assert_string_equal(err, "9601 bauds : vitesse indisponible sur ce système");
}

static void test_seven_data_bits_is_cs7(void **state)
{
	(void)state;
	struct printer_uri_serial serial = epson_default;

	serial.data_bits = 7;
	assert_int_equal(applied(&serial, cooked()).c_cflag & CSIZE, CS7);
	serial.data_bits = 8;
	assert_int_equal(applied(&serial, cooked()).c_cflag & CSIZE, CS8);
}

static void test_even_parity_is_parenb_and_checks_input(void **state)
{
	(void)state;
	struct printer_uri_serial serial = epson_default;
	struct termios tio;

	serial.parity = PRINTER_URI_PARITY_EVEN;
	tio = applied(&serial, cooked());
	assert_int_equal(tio.c_cflag & (PARENB | PARODD), PARENB);
	/* a byte with a parity error is dropped, never taken for a status answer */
	assert_int_equal(tio.c_iflag & (INPCK | IGNPAR | PARMRK), INPCK | IGNPAR);
}

static void test_odd_parity_is_parenb_and_parodd(void **state)
{
	(void)state;
	struct printer_uri_serial serial = epson_default;
	struct termios tio;

	serial.parity = PRINTER_URI_PARITY_ODD;
	tio = applied(&serial, cooked());
	assert_int_equal(tio.c_cflag & (PARENB | PARODD), PARENB | PARODD);
	assert_int_equal(tio.c_iflag & (INPCK | IGNPAR), INPCK | IGNPAR);
}

static void test_two_stop_bits_is_cstopb(void **state)
{
	(void)state;
	struct printer_uri_serial serial = epson_default;

	serial.stop_bits = 2;
	assert_int_equal(applied(&serial, cooked()).c_cflag & CSTOPB, CSTOPB);
}

static void test_flow_none_xonxoff_rtscts(void **state)
{
	(void)state;
	struct printer_uri_serial serial = epson_default;
	struct termios tio;

	serial.flow = PRINTER_URI_FLOW_NONE;
	tio = applied(&serial, cooked());
	assert_int_equal(tio.c_cflag & CRTSCTS, 0);
	assert_int_equal(tio.c_iflag & (IXON | IXOFF | IXANY), 0);

	serial.flow = PRINTER_URI_FLOW_XONXOFF;
	tio = applied(&serial, cooked());
	assert_int_equal(tio.c_cflag & CRTSCTS, 0);
	/* IXANY off: only the printer's XON resumes output, not any byte */
	assert_int_equal(tio.c_iflag & (IXON | IXOFF | IXANY), IXON | IXOFF);

	serial.flow = PRINTER_URI_FLOW_RTSCTS;
	tio = applied(&serial, cooked());
	assert_int_equal(tio.c_cflag & CRTSCTS, CRTSCTS);
	assert_int_equal(tio.c_iflag & (IXON | IXOFF), 0);
}

/* Every combination, from a line left with every flag set by another
 * program: each setting decides its own flags, and nothing stale survives. */
static void test_every_combination_from_a_line_with_every_flag_set(void **state)
{
	(void)state;
	static const unsigned data_bits[] = {7, 8}, stop_bits[] = {1, 2};
	static const enum printer_uri_parity parities[] = {
		PRINTER_URI_PARITY_NONE, PRINTER_URI_PARITY_EVEN, PRINTER_URI_PARITY_ODD};
	static const enum printer_uri_flow flows[] = {PRINTER_URI_FLOW_NONE, PRINTER_URI_FLOW_RTSCTS,
						      PRINTER_URI_FLOW_XONXOFF};
	struct termios dirty;
	unsigned combinations = 0;

	memset(&dirty, 0xff, sizeof dirty);
	for (const unsigned *baud = printer_uri_serial_bauds; *baud != 0; baud++)
	for (size_t d = 0; d < 2; d++)
	for (size_t p = 0; p < 3; p++)
	for (size_t s = 0; s < 2; s++)
	for (size_t f = 0; f < 3; f++) {
		struct printer_uri_serial serial = {*baud, data_bits[d], parities[p], stop_bits[s],
						    flows[f]};
		struct termios tio = applied(&serial, dirty);
		speed_t speed;

		assert_raw(&tio);
		assert_int_equal(serial_termios_speed(*baud, &speed), 0);
		assert_int_equal(cfgetispeed(&tio), speed);
		assert_int_equal(cfgetospeed(&tio), speed);
		assert_int_equal(tio.c_cflag & CSIZE, data_bits[d] == 7 ? CS7 : CS8);
		assert_int_equal(!!(tio.c_cflag & PARENB), parities[p] != PRINTER_URI_PARITY_NONE);
		assert_int_equal(!!(tio.c_cflag & PARODD), parities[p] == PRINTER_URI_PARITY_ODD);
		assert_int_equal(!!(tio.c_iflag & INPCK), parities[p] != PRINTER_URI_PARITY_NONE);
		assert_int_equal(!!(tio.c_cflag & CSTOPB), stop_bits[s] == 2);
		assert_int_equal(!!(tio.c_cflag & CRTSCTS), flows[f] == PRINTER_URI_FLOW_RTSCTS);
		assert_int_equal(tio.c_iflag & (IXON | IXOFF),
				 flows[f] == PRINTER_URI_FLOW_XONXOFF ? IXON | IXOFF : 0);
		combinations++;
	}
	assert_int_equal(combinations, 9 * 2 * 3 * 2 * 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_raw_9600_8n1_with_rtscts),
		cmocka_unit_test(test_every_listed_baud_sets_both_speeds),
		cmocka_unit_test(test_unknown_baud_is_refused_naming_it),
		cmocka_unit_test(test_seven_data_bits_is_cs7),
		cmocka_unit_test(test_even_parity_is_parenb_and_checks_input),
		cmocka_unit_test(test_odd_parity_is_parenb_and_parodd),
		cmocka_unit_test(test_two_stop_bits_is_cstopb),
		cmocka_unit_test(test_flow_none_xonxoff_rtscts),
		cmocka_unit_test(test_every_combination_from_a_line_with_every_flag_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
