/* escpos-sim on a serial line (--device PATH): the printer's end of a tty, raw, at
 * --baud, served as the one client by serve_client (same decoder, answers written
 * back on the line). A line that goes away (adapter unplugged, pty pair closed) is
 * opened again when it comes back, as a printer keeps its cable. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sim.h"

static const struct {
	unsigned baud;
	speed_t speed;
} rates[] = {{1200, B1200},   {2400, B2400},   {4800, B4800},   {9600, B9600},
	     {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200},
	     {230400, B230400}};

int serve_tty_parse_baud(const char *text, unsigned *baud)
{
	char *end;
	unsigned long value;

	if (*text < '0' || *text > '9')
		return -1;
	value = strtoul(text, &end, 10);
	if (*end != '\0')
		return -1;
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		if (rates[i].baud == value) {
			*baud = rates[i].baud;
			return 0;
		}
	}
	return -1;
}

int serve_tty_open(struct sim *sim, char *err, size_t errlen)
{
	struct termios tio;
	speed_t speed = B9600;
	int fd, rc;

	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
		if (rates[i].baud == sim->baud)
			speed = rates[i].speed;
	fd = open(sim->device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "--device %s: %s%s", sim->device, strerror(errno),
			 errno == ENOENT ? " (is the pty pair or adapter there?)" : "");
		return rc;
	}
	/* 8N1 without flow control, raw: every byte as sent, none taken as a signal. */
	if (tcgetattr(fd, &tio) < 0) {
		rc = -errno;
		snprintf(err, errlen, "--device %s: not a tty (%s)", sim->device, strerror(errno));
		close(fd);
		return rc;
	}
	cfmakeraw(&tio);
	tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS | HUPCL);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
	if (cfsetispeed(&tio, speed) < 0 || cfsetospeed(&tio, speed) < 0 ||
	    tcsetattr(fd, TCSANOW, &tio) < 0) {
		rc = -errno;
		snprintf(err, errlen, "--device %s: cannot set the line: %s", sim->device, strerror(errno));
		close(fd);
		return rc;
	}
	sim->client_fd = fd;
	sim->client_bytes = 0;
	sim->send_errno = 0;
	sim->answers_dropped = false;
	sim_decoder_init(&sim->decoder);
	snprintf(sim->peer, sizeof sim->peer, "%s", sim->device);
	sim->device_gone_said = false;
	return 0;
}

void serve_tty_reopen(struct sim *sim)
{
	char err[512];

	if (serve_tty_open(sim, err, sizeof err) == 0) {
		sim_say("serial line %s is back (%u baud)%s", sim->device, sim->baud,
			sim->wedged ? " (wedged: not reading)" : "");
		return;
	}
	if (!sim->device_gone_said)
		sim_say("serial line %s gone: waiting for it to come back", sim->device);
	sim->device_gone_said = true;
}
