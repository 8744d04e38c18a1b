/* The printer operations of the drawer's worker thread (internal to the
 * drawer): one kick, one status check, each a connection opened and closed. */
#ifndef CASHDRAWERD_DRAWER_PRINTER_H
#define CASHDRAWERD_DRAWER_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drawer/drawer.h"
#include "drawer/escpos.h"
#include "transport/transport.h"

struct drawer_printer {
	struct transport transport;
	uint8_t kick[ESCPOS_KICK_MAX]; /* ESC p or DLE DC4, twice for both pins */
	size_t kick_length;
	unsigned pulse_ms;             /* how long the pulse lasts, before reading back */
	unsigned status_timeout_ms;
	bool open_level_high;
	/* The printer gave no status reply last time: an opening does not wait
	 * for one again until a status check gets a valid reply. Worker only. */
	bool silent;
};

/* Sends the kick; then, when read_back is asked and the printer answers status, waits for the
 * pulse and reads the drawer back into *drawer (UNKNOWN otherwise). Returns
 * 0 once the kick is known taken: a valid status reply after it, or else
 * transport_confirm (tcp: every byte acknowledged). Otherwise a
 * transport_error with detail filled: TRANSPORT_ERR_CONNECTION_LOST when
 * the printer closed or reset the connection before either. On 0, detail
 * is empty, or says why a printer that answers status could not be read
 * back (it answered garbage): the opening is done, but the log should tell. */
int drawer_printer_kick(struct drawer_printer *printer, bool read_back, int64_t deadline_ms,
			enum escpos_drawer *drawer, char *detail, size_t detaillen);

/* Sends bytes (a receipt) on a connection of its own, and returns 0 once
 * the printer took them all (transport_confirm), or a transport_error with
 * detail filled. */
int drawer_printer_print(struct drawer_printer *printer, const uint8_t *bytes, size_t length,
			 int64_t deadline_ms, char *detail, size_t detaillen);

/* Asks DLE EOT 1, 2, 4 (and 3 after an error) and fills *state. */
void drawer_printer_check(struct drawer_printer *printer, int64_t deadline_ms,
			  struct drawer_printer_state *state, char *detail, size_t detaillen);

/* The state of a transport that cannot read back: everything unknown. */
void drawer_printer_unreadable(struct drawer_printer_state *state);

#endif
