/* escpos-sim program internals shared by main.c, serve.c and control.c: the
 * simulator's run-time state and the functions each file offers the others. */
#ifndef ESCPOS_SIM_SIM_H
#define ESCPOS_SIM_SIM_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>

#include "control_line.h"
#include "decode.h"
#include "roll.h"

#define ADDRESS_MAX (NI_MAXHOST + NI_MAXSERV + 4)

struct sim {
	struct sim_state state;
	struct sim_decoder decoder;
	int listen_fd, client_fd, dump_fd;
	char peer[ADDRESS_MAX];
	unsigned long long client_bytes;
	int send_errno;       /* the client is gone: stop answering, read on to EOF */
	bool answers_dropped; /* warned that the client does not read its answers */
	bool stdin_open, wedged;
	struct sim_control_reader control; /* the stdin command being typed */
	/* --device: the printer's end of a serial line instead of TCP (serve_tty.c) */
	const char *device;
	unsigned baud;
	bool device_gone_said; /* said once that the line is gone, until it is back */
	/* --receipts DIR: the roll printed since the last cut, written at each cut */
	const char *receipts_dir;
	struct sim_roll roll;
	unsigned receipt_number;
};

/* say.c: "escpos-sim: " and the line, on stdout (not once sim_say_quietly,
 * --quiet) or on stderr. */
void sim_say_quietly(bool on);
__attribute__((format(printf, 1, 2))) void sim_say(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void sim_warn(const char *fmt, ...);

/* serve.c: the listening socket and the one client at a time. */

/* Returns the listening socket with its address in bound, or -1 with the
 * reason in err. */
int serve_open_listener(const char *addr, const char *port, char *bound, size_t boundlen,
			char *err, size_t errlen);
void serve_accept_client(struct sim *sim);
/* Reads what the client sent: dumps, decodes, prints, answers DLE EOT; EOF closes it. */
void serve_client(struct sim *sim);

/* serve_tty.c: the serial line (--device), read and answered by serve_client. */

/* The --baud value; 0, or -1 when it is not a rate of the list. */
int serve_tty_parse_baud(const char *text, unsigned *baud);
/* Opens sim->device raw at sim->baud as the client. Returns 0, or -errno with
 * the reason in err. */
int serve_tty_open(struct sim *sim, char *err, size_t errlen);
/* While the line is gone (client_fd < 0): tries to open it again, as a
 * printer keeps its cable; says once that it waits. */
void serve_tty_reopen(struct sim *sim);

/* png.c: the receipts as PNG files (--receipts). */

/* 1 + the highest N of DIR/receipt-N.png (1 when none, or no DIR). */
unsigned png_next_number(const char *dir);
/* Writes sim->roll as DIR/receipt-NNNN.png, says where, and clears it. */
void png_write_receipt(struct sim *sim);

/* control.c: reads and runs the commands typed on stdin (drawer open, paper out...). */
void control_read(struct sim *sim);

#endif
